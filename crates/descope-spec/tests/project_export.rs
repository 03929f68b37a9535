//! `export` of a whole project: every project a file can hold is written by `project_to_yaml` and
//! read back as itself (a property over generated projects), and the live project maps to a file
//! that manages every field it can say and leaves out, with a warning, only what it cannot.

use std::collections::BTreeMap;
use std::path::Path;

use descope_model::{
    Attrs, Expiration, Permission, Role, SessionSettings, SsoDisabledFeatures, Tenant, Unit,
};
use descope_spec::{
    DesiredPermission, DesiredProject, DesiredRole, DesiredSettings, DesiredTenant,
    DisabledFeatures, Duration, ExportFilter, Inactivity, LiveProject, Location, SsoSetupSuite,
    parse, parse_fast, parse_serde, project_from_live, project_to_yaml,
};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngAlgorithm, RngSeed, TestRunner};
use serde_json::json;

fn reload(yaml: &str) -> DesiredProject {
    let spec = parse(Path::new("export.yaml"), yaml, &|_| None)
        .unwrap_or_else(|e| panic!("{e}\n---\n{yaml}"));
    DesiredProject {
        permissions: spec.permissions,
        roles: spec.roles,
        tenants: spec.tenants,
    }
}

/// Equal in every field but the locations (which only a parse sets), in the export's order.
fn strip(mut p: DesiredProject) -> DesiredProject {
    let role = |r: &mut DesiredRole| {
        r.location = Location::default();
        r.renamed_from_location = Location::default();
    };
    for x in p.permissions.iter_mut().flatten() {
        x.location = Location::default();
        x.renamed_from_location = Location::default();
    }
    p.permissions
        .iter_mut()
        .for_each(|v| v.sort_by(|a, b| a.name.cmp(&b.name)));
    p.roles.iter_mut().flatten().for_each(role);
    p.roles
        .iter_mut()
        .for_each(|v| v.sort_by(|a, b| a.name.cmp(&b.name)));
    for t in &mut p.tenants {
        t.location = Location::default();
        t.parent_location = Location::default();
        if let Some(s) = &mut t.settings {
            s.location = Location::default();
            s.session_token_location = Location::default();
        }
        t.roles.iter_mut().flatten().for_each(role);
        t.roles
            .iter_mut()
            .for_each(|v| v.sort_by(|a, b| a.name.cmp(&b.name)));
    }
    p.tenants.sort_by(|a, b| a.id.cmp(&b.id));
    p
}

fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig {
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x5eed_0e13);
    }
    config
}

/// Any text, YAML's and substitution's special characters included (`~` is kept for old names).
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 :_./#'\"$@!{}\\[\\],&*?|>%-]{0,14}",
        "[a-z]{1,8}",
        Just("yes".to_owned()),
        Just("null".to_owned()),
        Just("${NOT_A_VAR}".to_owned()),
        Just(" lead and trail ".to_owned()),
        Just("line\nbreak\ttab é 日本 🚀".to_owned()),
        Just("0x1F".to_owned()),
    ]
}

/// A name a file can hold: any text that is not blank.
fn name() -> impl Strategy<Value = String> {
    text().prop_filter("blank", |s| !s.trim().is_empty())
}

fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        1u64..=100_000,
        (1u64..=500).prop_map(|w| w * 10_080),
        (1u64..=500).prop_map(|d| d * 1440),
        (1u64..=500).prop_map(|h| h * 60),
    ]
    .prop_map(|m| Duration::from_minutes(m).unwrap())
}

fn flags() -> impl Strategy<Value = DisabledFeatures> {
    let b = || proptest::option::of(any::<bool>());
    (b(), b(), b(), b(), b()).prop_map(|(saml, oidc, scim, sso_domains, group_mapping)| {
        DisabledFeatures {
            saml,
            oidc,
            scim,
            sso_domains,
            group_mapping,
        }
    })
}

fn settings() -> impl Strategy<Value = DesiredSettings> {
    let d = || proptest::option::of(duration());
    let inactivity = proptest::option::of(prop_oneof![
        Just(Inactivity::Off),
        duration().prop_map(Inactivity::After)
    ]);
    let suite = proptest::option::of(
        (
            proptest::option::of(any::<bool>()),
            proptest::option::of(text()),
            proptest::option::of(flags()),
        )
            .prop_map(|(enabled, style_id, disabled_features)| SsoSetupSuite {
                enabled,
                style_id,
                disabled_features,
            }),
    );
    (
        any::<bool>(),
        d(),
        d(),
        d(),
        inactivity,
        proptest::option::of(any::<bool>()),
        suite,
    )
        .prop_map(
            |(enabled, session, refresh, stepup, inactivity, jit, suite)| {
                // The console's rule: a file that breaks it is not valid, so not generated.
                let session = session
                    .filter(|s| descope_spec::settings::check_session_rule(*s, refresh).is_ok());
                DesiredSettings {
                    enabled,
                    session_token_expiration: session,
                    refresh_token_expiration: refresh,
                    stepup_token_expiration: stepup,
                    inactivity_timeout: inactivity,
                    jit_disabled: jit,
                    sso_setup_suite: suite,
                    ..DesiredSettings::default()
                }
            },
        )
}

/// Roles with unique names; each may hold some of `permissions` (and a system permission).
fn roles(permissions: Vec<String>) -> impl Strategy<Value = Vec<DesiredRole>> {
    let mut pool = permissions;
    pool.push("Impersonate".to_owned());
    proptest::collection::btree_map(
        name(),
        (
            proptest::option::of(text()),
            proptest::option::of(proptest::sample::subsequence(pool.clone(), 0..=pool.len())),
            proptest::option::of(any::<bool>()),
            proptest::option::of(any::<bool>()),
            any::<bool>(),
            proptest::option::of(any::<bool>()),
        ),
        0..4,
    )
    .prop_map(|m| {
        m.into_iter()
            .enumerate()
            .map(
                |(i, (name, (description, permissions, default, private, protect, renamed)))| {
                    DesiredRole {
                        renamed_from: renamed.map(|_| format!("~old role {i}")),
                        name,
                        description,
                        permissions,
                        default,
                        private,
                        protect,
                        ..DesiredRole::default()
                    }
                },
            )
            .collect()
    })
}

fn tenant(id: String, project_roles: Vec<String>) -> impl Strategy<Value = DesiredTenant> {
    let tenant_id = id.clone();
    let attrs = proptest::option::of(
        proptest::collection::btree_map(
            "[a-z][a-zA-Z0-9_]{0,6}",
            prop_oneof![
                text().prop_map(serde_json::Value::from),
                any::<i32>().prop_map(serde_json::Value::from),
                any::<bool>().prop_map(serde_json::Value::from),
                proptest::collection::vec(name(), 0..3).prop_map(serde_json::Value::from),
            ],
            0..3,
        )
        .prop_map(Attrs::from),
    );
    let domains = proptest::option::of(
        proptest::collection::btree_set("[a-z]{1,6}\\.(com|io)", 0..3)
            .prop_map(|s| s.into_iter().collect::<Vec<_>>()),
    );
    (
        text().prop_map(move |t| format!("{t} ~{id}")),
        domains,
        attrs,
        proptest::option::of(any::<bool>()),
        proptest::option::of(any::<bool>()),
        any::<bool>(),
        proptest::option::of(settings()),
        proptest::option::of(roles(vec!["projects:read".to_owned()])),
        any::<prop::sample::Index>(),
        proptest::option::of(any::<bool>()),
    )
        .prop_map(
            move |(
                name,
                domains,
                custom_attributes,
                enforce_sso,
                disabled,
                protect,
                settings,
                roles,
                pick,
                with_default,
            )| {
                // Default roles name a project role, one of the tenant's own, or one live.
                let mut known: Vec<String> = project_roles.clone();
                known.extend(roles.iter().flatten().map(|r| r.name.clone()));
                known.push("live-only".to_owned());
                let default_roles = with_default.map(|all| {
                    if all {
                        known.clone()
                    } else {
                        vec![pick.get(&known).clone()]
                    }
                });
                DesiredTenant {
                    id: tenant_id.clone(),
                    name,
                    domains,
                    custom_attributes,
                    enforce_sso,
                    disabled,
                    parent: None,
                    default_roles,
                    protect,
                    settings,
                    roles,
                    ..DesiredTenant::default()
                }
            },
        )
}

fn project() -> impl Strategy<Value = DesiredProject> {
    let permissions = proptest::collection::btree_map(
        name(),
        (
            proptest::option::of(text()),
            proptest::option::of(any::<bool>()),
        ),
        0..4,
    )
    .prop_map(|m| {
        m.into_iter()
            .enumerate()
            .map(|(i, (name, (description, renamed)))| DesiredPermission {
                renamed_from: renamed.map(|_| format!("~old permission {i}")),
                name,
                description,
                ..DesiredPermission::default()
            })
            .collect::<Vec<_>>()
    });
    (proptest::option::of(permissions), any::<bool>())
        .prop_flat_map(|(permissions, with_roles)| {
            let names: Vec<String> = permissions
                .iter()
                .flatten()
                .map(|p| p.name.clone())
                .collect();
            (
                Just(permissions),
                proptest::option::of(roles(names)).prop_map(move |r| r.filter(|_| with_roles)),
            )
        })
        .prop_flat_map(|(permissions, roles)| {
            let role_names: Vec<String> = roles.iter().flatten().map(|r| r.name.clone()).collect();
            let tenants = proptest::collection::btree_set("[a-zA-Z0-9_-]{1,12}", 0..4)
                .prop_flat_map(move |ids| {
                    ids.into_iter()
                        .map(|id| tenant(id, role_names.clone()))
                        .collect::<Vec<_>>()
                });
            (Just(permissions), Just(roles), tenants)
        })
        .prop_map(|(permissions, roles, tenants)| DesiredProject {
            permissions,
            roles,
            tenants,
        })
}

/// Every project a file can hold is written as a file that reads back as the same project and
/// is written again byte for byte.
#[test]
fn every_representable_project_round_trips() {
    let mut runner = TestRunner::new(config(300));
    runner
        .run(&project(), |p| {
            let yaml = project_to_yaml(&p);
            let back = reload(&yaml);
            prop_assert_eq!(strip(back.clone()), strip(p), "{}", yaml);
            prop_assert_eq!(project_to_yaml(&back), yaml.clone());
            // Both readers agree on it (the fast one reads what exports write, or steps aside).
            let slow = parse_serde(Path::new("export.yaml"), &yaml, &|_| None).unwrap();
            if let Some(fast) = parse_fast(Path::new("export.yaml"), &yaml, &|_| None) {
                prop_assert_eq!(fast.unwrap(), slow);
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

fn settings_map(v: serde_json::Value) -> SessionSettings {
    SessionSettings::from_map(v.as_object().unwrap()).unwrap()
}

fn live() -> LiveProject {
    let tenant = |id: &str, default_roles: &[&str]| Tenant {
        id: id.into(),
        name: format!("{id} Corp"),
        default_roles: default_roles.iter().map(|r| (*r).to_owned()).collect(),
        ..Tenant::default()
    };
    let permission = |name: &str, system: bool| Permission {
        id: Some(format!("PERM-{name}")),
        name: name.into(),
        description: format!("{name} things"),
        system_default: system,
        ..Permission::default()
    };
    let role = |name: &str, tenant: Option<&str>, permissions: &[&str]| Role {
        id: Some(format!("ROL-{name}")),
        name: name.into(),
        permission_names: permissions.iter().map(|p| (*p).to_owned()).collect(),
        tenant_id: tenant.map(str::to_owned),
        created_time: Some(1_700_000_000),
        ..Role::default()
    };
    let mut settings = BTreeMap::new();
    settings.insert(
        "acme".to_owned(),
        settings_map(json!({
            "enabled": true, "authType": "none", "domains": [],
            "sessionTokenExpiration": 300, "sessionTokenExpirationUnit": "seconds",
            "refreshTokenExpiration": 14, "refreshTokenExpirationUnit": "days",
            "stepupTokenExpiration": 90, "stepupTokenExpirationUnit": "seconds",
            "enableInactivity": true, "inactivityTime": 120, "inactivityTimeUnit": "minutes",
            "JITDisabled": true,
            "ssoSetupSuiteSettings": {"enabled": true, "styleId": "",
                "disabledFeatures": {"saml": true, "oidc": false, "scim": false,
                    "ssoDomains": false, "groupMapping": false}}
        })),
    );
    settings.insert(
        "globex".to_owned(),
        settings_map(json!({
            "enabled": false,
            "sessionTokenExpiration": 10, "sessionTokenExpirationUnit": "minutes",
            "refreshTokenExpiration": 3, "refreshTokenExpirationUnit": "months",
            "enableInactivity": false, "inactivityTime": 45, "inactivityTimeUnit": "seconds",
            "JITDisabled": false
        })),
    );
    LiveProject {
        tenants: vec![
            tenant("acme", &["viewer", "acme-admin"]),
            tenant("globex", &[]),
        ],
        permissions: Some(vec![
            permission("Impersonate", true),
            permission("projects:read", false),
            permission("projects:write", false),
        ]),
        roles: Some(vec![
            role("viewer", None, &["projects:read", "projects:read"]),
            role("editor", None, &["projects:write", "User Admin"]),
            role("acme-admin", Some("acme"), &["projects:write"]),
        ]),
        settings: Some(settings),
    }
}

#[test]
fn the_live_project_is_exported_whole_and_valid() {
    let out = project_from_live(&live(), &ExportFilter::default());
    let yaml = project_to_yaml(&out.project);
    // A valid file, read back as the same project.
    assert_eq!(strip(reload(&yaml)), strip(out.project.clone()));
    insta::assert_snapshot!("live_project_export", yaml);
    assert_eq!(
        out.warnings,
        [
            "tenant `acme`: settings.stepupTokenExpiration left out of the export (unmanaged: a sync keeps the live value): the service holds 90 seconds, not a whole number of minutes (the file's smallest unit)",
            "tenant `globex`: settings.refreshTokenExpiration left out of the export (unmanaged: a sync keeps the live value): the service holds 3 months, which is not a whole number in minutes, hours, days or weeks",
        ]
    );
    let acme = &out.project.tenants[0];
    let s = acme.settings.as_ref().unwrap();
    assert_eq!(
        s.session_token_expiration.map(|d| d.to_string()).as_deref(),
        Some("5m")
    );
    assert_eq!(
        s.refresh_token_expiration.map(|d| d.to_string()).as_deref(),
        Some("2w")
    );
    assert_eq!(s.stepup_token_expiration, None);
    assert_eq!(
        s.inactivity_timeout.map(|i| format!("{i:?}")).as_deref(),
        Some("After(Duration { value: 2, unit: Hours })")
    );
    let globex = out.project.tenants[1].settings.as_ref().unwrap();
    assert!(
        !globex.enabled,
        "disabled settings are exported as they are"
    );
    assert_eq!(globex.inactivity_timeout, Some(Inactivity::Off));
    assert_eq!(
        out.counts().map(|(k, n)| format!("{k}={n}")),
        [
            "permission=2",
            "role=2",
            "tenant=2",
            "settings=2",
            "tenant-role=1"
        ]
    );
}

#[test]
fn system_permissions_are_not_exported_and_roles_keep_their_references() {
    let out = project_from_live(&live(), &ExportFilter::default());
    let names: Vec<&str> = out
        .project
        .permissions
        .iter()
        .flatten()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["projects:read", "projects:write"]);
    let viewer = out
        .project
        .roles
        .iter()
        .flatten()
        .find(|r| r.name == "viewer")
        .unwrap();
    assert_eq!(
        viewer.permissions.as_deref(),
        Some(&["projects:read".to_owned()][..])
    );
    // The system permission a role holds stays a reference the planner resolves live.
    let spec = parse(
        Path::new("export.yaml"),
        &project_to_yaml(&out.project),
        &|_| None,
    )
    .unwrap();
    assert_eq!(spec.unresolved.len(), 1, "{:?}", spec.unresolved);
}

#[test]
fn a_session_token_the_console_refuses_is_left_out() {
    let s = settings_map(json!({
        "enabled": true,
        "sessionTokenExpiration": 2, "sessionTokenExpirationUnit": "hours",
        "refreshTokenExpiration": 60, "refreshTokenExpirationUnit": "minutes",
        "enableInactivity": true
    }));
    let mut warnings = Vec::new();
    let d = descope_spec::desired_settings("t", &s, &mut warnings);
    assert_eq!(d.session_token_expiration, None);
    assert_eq!(d.refresh_token_expiration.map(|d| d.minutes()), Some(60));
    assert_eq!(d.inactivity_timeout, None);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("settings.inactivityTimeout") && warnings[0].contains("no time"));
    assert!(
        warnings[1].contains("settings.sessionTokenExpiration")
            && warnings[1].contains("longer than")
    );
}

#[test]
fn only_patterns_choose_kinds_and_objects() {
    let filter = |p: &[&str]| {
        ExportFilter::parse(&p.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()).unwrap()
    };
    let out = project_from_live(&live(), &filter(&["role:view*"]));
    assert_eq!(
        out.project.permissions, None,
        "a kind not named stays unmanaged"
    );
    assert_eq!(out.project.roles.as_ref().map(Vec::len), Some(1));
    assert!(out.project.tenants.is_empty());

    let out = project_from_live(&live(), &filter(&["tenant-role:acme/*", "settings:globex"]));
    assert_eq!(
        (out.project.permissions.as_ref(), out.project.roles.as_ref()),
        (None, None)
    );
    let t: Vec<(&str, bool, bool, bool)> = out
        .project
        .tenants
        .iter()
        .map(|t| {
            (
                t.id.as_str(),
                t.settings.is_some(),
                t.roles.is_some(),
                t.default_roles.is_some(),
            )
        })
        .collect();
    // Tenants that only hold what was chosen keep their own fields unmanaged.
    assert_eq!(
        t,
        [("acme", false, true, false), ("globex", true, false, false)]
    );
    reload(&project_to_yaml(&out.project));
}

#[test]
fn settings_not_read_stay_unmanaged() {
    let mut live = live();
    live.settings = None;
    let out = project_from_live(&live, &ExportFilter::default());
    assert!(out.project.tenants.iter().all(|t| t.settings.is_none()));
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    let gone = descope_model::SsoSetupSuite {
        enabled: true,
        style_id: Some("s".into()),
        disabled_features: Some(SsoDisabledFeatures::default()),
        extra: serde_json::Map::new(),
    };
    let mut warnings = Vec::new();
    let d = descope_spec::desired_settings(
        "t",
        &SessionSettings {
            sso_setup_suite: Some(gone),
            session_token: Some(Expiration::new(1, Unit::Weeks)),
            ..SessionSettings::default()
        },
        &mut warnings,
    );
    assert_eq!(d.sso_setup_suite.unwrap().style_id.as_deref(), Some("s"));
    assert_eq!(
        d.session_token_expiration.map(|d| d.to_string()).as_deref(),
        Some("1w")
    );
    assert!(warnings.is_empty());
}

#[test]
fn what_a_file_cannot_say_is_left_out_with_a_warning() {
    let mut live = live();
    live.tenants[1]
        .custom_attributes
        .insert("meta".into(), json!({"nested": true}));
    let orphan = Role {
        name: "stray".into(),
        tenant_id: Some("gone".into()),
        ..Role::default()
    };
    let blank = Role {
        name: " ".into(),
        ..Role::default()
    };
    let odd = Role {
        name: "odd".into(),
        permission_names: vec![String::new()],
        ..Role::default()
    };
    live.roles.as_mut().unwrap().extend([orphan, blank, odd]);
    let out = project_from_live(&live, &ExportFilter::default());
    let globex = &out.project.tenants[1];
    assert_eq!(globex.custom_attributes, None);
    let odd = out
        .project
        .roles
        .iter()
        .flatten()
        .find(|r| r.name == "odd")
        .unwrap();
    assert_eq!(odd.permissions, None);
    for needle in [
        "tenant `globex`: customAttributes left out",
        "1 role(s) of tenant `gone` left out",
        "a project role with the empty name \" \" left out",
        "role `odd`: permissions left out",
    ] {
        assert!(
            out.warnings.iter().any(|w| w.contains(needle)),
            "{needle} not in {:#?}",
            out.warnings
        );
    }
    reload(&project_to_yaml(&out.project));
}
