//! The project file (SPEC §3a): permissions, project roles, tenant settings and tenant roles —
//! every key, every error with its line:col and message (an insta snapshot), the references
//! left for the live check, and the export round trip.

use std::path::Path;

use descope_spec::settings::parse_duration;
use descope_spec::{
    DesiredPermission, DesiredProject, DesiredRole, DesiredSettings, DesiredTenant,
    DisabledFeatures, Duration, Inactivity, Location, Reference, Spec, SsoSetupSuite,
    UnresolvedRef, parse, parse_fast, parse_serde, project_to_yaml, to_yaml,
};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngAlgorithm, RngSeed, TestRunner};

fn vars(name: &str) -> Option<String> {
    match name {
        "TEAM" => Some("Platform".to_owned()),
        "TTL" => Some("12h".to_owned()),
        _ => None,
    }
}

fn load(text: &str) -> Spec {
    parse(Path::new("project.yaml"), text, &vars).unwrap_or_else(|e| panic!("{e}\n---\n{text}"))
}

fn d(text: &str) -> Duration {
    parse_duration(text).unwrap()
}

fn at(line: usize, column: usize) -> Location {
    Location { line, column }
}

const FULL: &str = r#"# yaml-language-server: $schema=./tenants.schema.json
permissions:
  - name: projects:read
    description: Read projects
  - name: projects:write
    description: ""
    renamedFrom: projects:edit
  - name: billing
roles:
  - name: viewer
    description: Read-only, ${TEAM}
    permissions: [projects:read, Impersonate]
    default: true
    private: false
    protect: true
  - name: editor
    permissions: []
    renamedFrom: writer
tenants:
  - id: acme
    name: ACME Corp
    defaultRoles: [viewer, acme-admin, live-role]
    settings:
      enabled: true
      sessionTokenExpiration: 120m
      refreshTokenExpiration: 4w
      stepupTokenExpiration: ${TTL}
      inactivityTimeout: 30m
      jitDisabled: true
      ssoSetupSuite:
        enabled: true
        styleId: my-style
        disabledFeatures: {saml: false, oidc: true, scim: true, ssoDomains: false, groupMapping: true}
    roles:
      - name: acme-admin
        description: Admin of ACME
        permissions: [projects:write, User Admin]
        renamedFrom: acme-boss
      - name: viewer
  - id: globex
    name: Globex
    settings:
      inactivityTimeout: "off"
    roles: []
  - id: initech
    name: Initech
    settings: {}
"#;

#[test]
fn every_key_of_the_project_file_loads() {
    let spec = load(FULL);
    let permissions = spec.permissions.as_ref().unwrap();
    assert_eq!(
        permissions,
        &[
            DesiredPermission {
                name: "projects:read".into(),
                description: Some("Read projects".into()),
                renamed_from: None,
                location: at(3, 5),
                renamed_from_location: at(3, 5),
            },
            DesiredPermission {
                name: "projects:write".into(),
                description: Some(String::new()),
                renamed_from: Some("projects:edit".into()),
                location: at(5, 5),
                renamed_from_location: at(7, 18),
            },
            DesiredPermission {
                name: "billing".into(),
                location: at(8, 5),
                renamed_from_location: at(8, 5),
                ..DesiredPermission::default()
            },
        ]
    );
    let roles = spec.roles.as_ref().unwrap();
    assert_eq!(
        roles[0],
        DesiredRole {
            name: "viewer".into(),
            description: Some("Read-only, Platform".into()),
            permissions: Some(vec!["projects:read".into(), "Impersonate".into()]),
            default: Some(true),
            private: Some(false),
            protect: true,
            renamed_from: None,
            location: at(10, 5),
            renamed_from_location: at(10, 5),
        }
    );
    assert_eq!(roles[1].permissions, Some(vec![]));
    assert_eq!(roles[1].renamed_from.as_deref(), Some("writer"));
    assert_eq!((roles[1].default, roles[1].private), (None, None));
    assert!(!roles[1].protect);

    let acme = &spec.tenants[0];
    assert_eq!(
        acme.settings,
        Some(DesiredSettings {
            enabled: true,
            session_token_expiration: Some(d("2h")),
            refresh_token_expiration: Some(d("4w")),
            stepup_token_expiration: Some(d("12h")),
            inactivity_timeout: Some(Inactivity::After(d("30m"))),
            jit_disabled: Some(true),
            sso_setup_suite: Some(SsoSetupSuite {
                enabled: Some(true),
                style_id: Some("my-style".into()),
                disabled_features: Some(DisabledFeatures {
                    saml: Some(false),
                    oidc: Some(true),
                    scim: Some(true),
                    sso_domains: Some(false),
                    group_mapping: Some(true),
                }),
            }),
            location: at(24, 7),
            session_token_location: at(25, 31),
        })
    );
    let session = acme
        .settings
        .as_ref()
        .unwrap()
        .session_token_expiration
        .unwrap();
    assert_eq!((session.value(), session.unit().wire()), (2, "hours"));
    let acme_roles = acme.roles.as_ref().unwrap();
    assert_eq!(acme_roles.len(), 2);
    assert_eq!(acme_roles[0].name, "acme-admin");
    assert_eq!(acme_roles[0].renamed_from.as_deref(), Some("acme-boss"));
    assert_eq!(acme_roles[0].renamed_from_location, at(38, 22));
    assert_eq!(
        acme_roles[1].name, "viewer",
        "a tenant role may share a project role's name"
    );

    let globex = &spec.tenants[1];
    let s = globex.settings.as_ref().unwrap();
    assert_eq!(s.inactivity_timeout, Some(Inactivity::Off));
    assert!(s.enabled, "`settings:` given: custom settings are on");
    assert_eq!(s.session_token_expiration, None, "left out: not managed");
    assert_eq!(globex.roles, Some(vec![]), "`roles: []` manages none");
    let initech = &spec.tenants[2];
    assert_eq!(
        initech.settings,
        Some(DesiredSettings {
            enabled: true,
            location: at(47, 15),
            session_token_location: at(47, 15),
            ..DesiredSettings::default()
        })
    );
    assert_eq!(initech.roles, None);

    // What only the live project can answer, in file order.
    assert_eq!(
        spec.unresolved,
        [
            UnresolvedRef {
                name: "Impersonate".into(),
                from: Reference::Permission {
                    role: "viewer".into(),
                    tenant: None,
                },
                location: at(12, 34),
            },
            UnresolvedRef {
                name: "live-role".into(),
                from: Reference::DefaultRole {
                    tenant: "acme".into(),
                },
                location: at(22, 40),
            },
            UnresolvedRef {
                name: "User Admin".into(),
                from: Reference::Permission {
                    role: "acme-admin".into(),
                    tenant: Some("acme".into()),
                },
                location: at(37, 39),
            },
        ]
    );
}

#[test]
fn live_references_are_checked_with_their_location() {
    let spec = load(FULL);
    let live_permissions = |p: &str| p == "Impersonate" || p == "User Admin";
    let live_roles = |t: Option<&str>, r: &str| t == Some("acme") && r == "live-role";
    assert_eq!(
        spec.check_live_references(&live_permissions, &live_roles),
        Ok(())
    );
    // A project role of that name would do as well.
    assert!(
        spec.check_live_references(&live_permissions, &|t, r| t.is_none() && r == "live-role")
            .is_ok()
    );
    let err = spec
        .check_live_references(&|_| false, &|_, _| false)
        .unwrap_err();
    insta::assert_snapshot!("live_references", err.to_string());
}

#[test]
fn a_tenants_only_file_is_read_as_before() {
    let text = "tenants:\n  - id: acme\n    name: ACME\n    defaultRoles: [viewer]\n";
    let spec = load(text);
    assert_eq!(spec.permissions, None);
    assert_eq!(spec.roles, None);
    assert_eq!(spec.tenants[0].settings, None);
    assert_eq!(spec.tenants[0].roles, None);
    // Without `roles:`, every default role is for the live check.
    assert_eq!(
        spec.unresolved,
        [UnresolvedRef {
            name: "viewer".into(),
            from: Reference::DefaultRole {
                tenant: "acme".into()
            },
            location: at(4, 20),
        }]
    );
    // The fast path still reads it, and steps aside for the project file.
    assert!(parse_fast(Path::new("t.yaml"), text, &vars).is_some());
    assert!(parse_fast(Path::new("t.yaml"), FULL, &vars).is_none());
}

#[test]
fn empty_sections_clear_and_a_role_resolves_in_its_own_tenant_only() {
    let spec = load(
        "permissions: []\nroles: []\ntenants:\n  - id: a\n    name: A\n    defaultRoles: [own]\n    roles:\n      - name: own\n  - id: b\n    name: B\n    defaultRoles: [own]\n",
    );
    assert_eq!(spec.permissions, Some(vec![]));
    assert_eq!(spec.roles, Some(vec![]));
    // `own` is tenant a's role: tenant b must find it live.
    assert_eq!(spec.unresolved.len(), 1);
    assert_eq!(
        spec.unresolved[0].from,
        Reference::DefaultRole { tenant: "b".into() }
    );
}

/// Each case: a file and the errors it gives (rendered as the CLI prints them).
const ERROR_CASES: &[(&str, &str)] = &[
    (
        "unknown key in a role",
        "roles:\n  - name: viewer\n    permisions: [a]\ntenants: []\n",
    ),
    (
        "unknown top-level key",
        "permission:\n  - name: a\ntenants: []\n",
    ),
    (
        "unknown key in settings",
        "tenants:\n  - id: acme\n    name: ACME\n    settings:\n      sessionTokenExpiry: 15m\n",
    ),
    (
        "unknown key in disabledFeatures",
        "tenants:\n  - id: acme\n    name: ACME\n    settings:\n      ssoSetupSuite:\n        disabledFeatures: {saml: true, sso: true}\n",
    ),
    (
        "unknown key in a tenant role",
        "tenants:\n  - id: acme\n    name: ACME\n    roles:\n      - name: r\n        defualt: true\n",
    ),
    (
        "durations the service cannot hold",
        "tenants:\n  - id: acme\n    name: ACME\n    settings:\n      sessionTokenExpiration: 15x\n      refreshTokenExpiration: 300s\n      stepupTokenExpiration: 0m\n      inactivityTimeout: 1.5h\n  - id: b\n    name: B\n    settings:\n      sessionTokenExpiration: 15\n      refreshTokenExpiration: 9999999999m\n      stepupTokenExpiration: -5m\n      inactivityTimeout: never\n",
    ),
    (
        "a duration of the wrong type",
        "tenants:\n  - id: acme\n    name: ACME\n    settings:\n      inactivityTimeout: false\n",
    ),
    (
        "the console rule",
        "tenants:\n  - id: a\n    name: A\n    settings:\n      sessionTokenExpiration: 2m\n  - id: b\n    name: B\n    settings:\n      sessionTokenExpiration: 2h\n      refreshTokenExpiration: 1h\n",
    ),
    (
        "duplicate names",
        "permissions:\n  - name: a\n  - name: a\nroles:\n  - name: r\n  - name: r\ntenants:\n  - id: t\n    name: T\n    roles:\n      - name: x\n      - name: x\n",
    ),
    (
        "renamedFrom names an entry, itself, or repeats",
        "permissions:\n  - name: a\n  - name: b\n    renamedFrom: a\n  - name: c\n    renamedFrom: c\nroles:\n  - name: r1\n    renamedFrom: old\n  - name: r2\n    renamedFrom: old\ntenants: []\n",
    ),
    (
        "the old name of a rename is referenced",
        "permissions:\n  - name: new-p\n    renamedFrom: old-p\nroles:\n  - name: new-r\n    renamedFrom: old-r\n    permissions: [old-p]\ntenants:\n  - id: t\n    name: T\n    defaultRoles: [old-r, old-t]\n    roles:\n      - name: new-t\n        renamedFrom: old-t\n",
    ),
    (
        "empty names and a permission listed twice",
        "permissions:\n  - name: \"\"\nroles:\n  - name: r\n    permissions: [a, a, \"\"]\n    renamedFrom: \"\"\ntenants: []\n",
    ),
    (
        "a role's permissions that are not a list",
        "roles:\n  - name: r\n    permissions: a\ntenants: []\n",
    ),
    (
        "settings that are a list",
        "tenants:\n  - id: t\n    name: T\n    settings: [15m]\n",
    ),
    (
        "a flag that is not a boolean",
        "tenants:\n  - id: t\n    name: T\n    settings:\n      jitDisabled: yes\n",
    ),
    (
        "an undefined variable in a role and in settings",
        "roles:\n  - name: r\n    description: ${NOPE}\ntenants:\n  - id: t\n    name: T\n    settings:\n      sessionTokenExpiration: ${NOPE_TTL}\n    roles:\n      - name: x\n        description: ${NOPE}\n",
    ),
    (
        "an error in roles after the tenants names no tenant",
        "tenants:\n  - id: t\n    name: T\nroles:\n  - name: r\n    bogus: 1\n",
    ),
    (
        "a role without a name",
        "roles:\n  - description: x\ntenants: []\n",
    ),
];

#[test]
fn every_error_is_located_with_a_fix() {
    let mut out = String::new();
    for (case, text) in ERROR_CASES {
        let err = parse(Path::new("project.yaml"), text, &vars)
            .expect_err(case)
            .to_string();
        // Every diagnostic has a line and column and a fix.
        for d in err
            .split("\nproject.yaml")
            .map(|d| d.trim_start_matches("project.yaml"))
        {
            assert!(d.starts_with(':'), "{case}: no location in {d}");
            assert!(d.contains("\n  help: "), "{case}: no fix in {d}");
        }
        // Both parsers agree (the fast path steps aside for these files or reads them the same).
        assert_eq!(
            parse_serde(Path::new("project.yaml"), text, &vars).map_err(|e| e.to_string()),
            Err(err.clone()),
            "{case}"
        );
        out.push_str(&format!("== {case}\n{err}\n\n"));
    }
    insta::assert_snapshot!("errors", out);
}

#[test]
fn the_tenant_of_an_error_is_known_only_inside_the_tenants() {
    let text = "tenants:\n  - id: t\n    name: T\nroles:\n  - name: r\n    bogus: 1\n";
    let err = parse(Path::new("p.yaml"), text, &vars).unwrap_err();
    assert_eq!(err.0[0].tenant, None, "{err}");
    let text = "tenants:\n  - id: t\n    name: T\n    roles:\n      - name: r\n        bogus: 1\n";
    let err = parse(Path::new("p.yaml"), text, &vars).unwrap_err();
    assert_eq!(err.0[0].tenant.as_deref(), Some("t"), "{err}");
}

/// Equal in every field but the locations, which only a parse sets.
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

fn reload(yaml: &str) -> DesiredProject {
    let spec = parse(Path::new("export.yaml"), yaml, &|_| None)
        .unwrap_or_else(|e| panic!("{e}\n---\n{yaml}"));
    DesiredProject {
        permissions: spec.permissions,
        roles: spec.roles,
        tenants: spec.tenants,
    }
}

fn full_project() -> DesiredProject {
    let role = |name: &str, permissions: &[&str]| DesiredRole {
        name: name.into(),
        description: Some(format!("{name} ${{not a var}}: \"quoted\"")),
        permissions: Some(permissions.iter().map(|p| (*p).to_owned()).collect()),
        default: Some(false),
        private: Some(true),
        protect: true,
        ..DesiredRole::default()
    };
    DesiredProject {
        permissions: Some(vec![
            DesiredPermission {
                name: "projects:write".into(),
                description: Some("Write: projects".into()),
                renamed_from: Some("projects:edit".into()),
                ..DesiredPermission::default()
            },
            DesiredPermission {
                name: "yes".into(),
                description: Some(String::new()),
                ..DesiredPermission::default()
            },
            DesiredPermission {
                name: "a b".into(),
                ..DesiredPermission::default()
            },
        ]),
        roles: Some(vec![
            role("viewer", &["a b", "Impersonate"]),
            DesiredRole {
                name: "bare".into(),
                ..DesiredRole::default()
            },
            DesiredRole {
                name: "none".into(),
                permissions: Some(vec![]),
                renamed_from: Some("old none".into()),
                ..DesiredRole::default()
            },
        ]),
        tenants: vec![
            DesiredTenant {
                id: "acme".into(),
                name: "ACME".into(),
                default_roles: Some(vec!["viewer".into(), "acme-admin".into()]),
                settings: Some(DesiredSettings {
                    enabled: true,
                    session_token_expiration: Some(d("90m")),
                    refresh_token_expiration: Some(d("2w")),
                    stepup_token_expiration: Some(d("3d")),
                    inactivity_timeout: Some(Inactivity::After(d("12h"))),
                    jit_disabled: Some(false),
                    sso_setup_suite: Some(SsoSetupSuite {
                        enabled: Some(true),
                        style_id: Some("style ${x}".into()),
                        disabled_features: Some(DisabledFeatures {
                            saml: Some(true),
                            oidc: None,
                            scim: Some(false),
                            sso_domains: None,
                            group_mapping: Some(true),
                        }),
                    }),
                    ..DesiredSettings::default()
                }),
                roles: Some(vec![role("acme-admin", &["projects:write"])]),
                ..DesiredTenant::default()
            },
            DesiredTenant {
                id: "off".into(),
                name: "Off".into(),
                settings: Some(DesiredSettings {
                    enabled: false,
                    inactivity_timeout: Some(Inactivity::Off),
                    sso_setup_suite: Some(SsoSetupSuite {
                        disabled_features: Some(DisabledFeatures::default()),
                        ..SsoSetupSuite::default()
                    }),
                    ..DesiredSettings::default()
                }),
                roles: Some(vec![]),
                ..DesiredTenant::default()
            },
            DesiredTenant {
                id: "on".into(),
                name: "On".into(),
                settings: Some(DesiredSettings {
                    enabled: true,
                    sso_setup_suite: Some(SsoSetupSuite::default()),
                    ..DesiredSettings::default()
                }),
                ..DesiredTenant::default()
            },
            DesiredTenant {
                id: "plain".into(),
                name: "Plain".into(),
                ..DesiredTenant::default()
            },
        ],
    }
}

#[test]
fn a_project_file_round_trips_and_is_stable() {
    let project = full_project();
    let yaml = project_to_yaml(&project);
    let back = reload(&yaml);
    assert_eq!(strip(back.clone()), strip(project));
    assert_eq!(project_to_yaml(&back), yaml, "written again: unchanged");
    insta::assert_snapshot!("project_export", yaml);
}

#[test]
fn sections_left_out_stay_out_and_tenants_only_export_is_unchanged() {
    let tenants = vec![DesiredTenant {
        id: "a".into(),
        name: "A".into(),
        ..DesiredTenant::default()
    }];
    let project = DesiredProject {
        tenants: tenants.clone(),
        ..DesiredProject::default()
    };
    assert_eq!(project_to_yaml(&project), to_yaml(&tenants));
    let empty = DesiredProject {
        permissions: Some(vec![]),
        roles: Some(vec![]),
        tenants: vec![],
    };
    let yaml = project_to_yaml(&empty);
    assert!(
        yaml.contains("\npermissions: []\nroles: []\ntenants: []\n"),
        "{yaml}"
    );
    assert_eq!(reload(&yaml), empty);
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
        config.rng_seed = RngSeed::Fixed(0x5eed_0013);
    }
    config
}

/// Any length the service holds is written in one canonical form that reads back as itself,
/// and the value and unit sent are the largest exact ones.
#[test]
fn durations_round_trip_through_their_text() {
    let mut runner = TestRunner::new(config(2000));
    let lengths = prop_oneof![
        1u64..=100_000,
        (1u64..=5000).prop_map(|w| w * 10_080),
        (1u64..=5000).prop_map(|d| d * 1440),
        (1u64..=5000).prop_map(|h| h * 60),
    ];
    runner
        .run(&lengths, |minutes| {
            let dur = Duration::from_minutes(minutes).unwrap();
            prop_assert_eq!(dur.minutes(), minutes);
            prop_assert_eq!(parse_duration(&dur.to_string()), Ok(dur));
            prop_assert_eq!(parse_duration(&format!("{minutes}m")), Ok(dur));
            let bigger = descope_spec::DurationUnit::ALL.into_iter().find(|u| {
                u.minutes() > dur.unit().minutes() && minutes.is_multiple_of(u.minutes())
            });
            prop_assert!(bigger.is_none(), "{} could be written in {:?}", dur, bigger);
            prop_assert_eq!(
                Duration::from_wire(i64::from(dur.value()), dur.unit().wire()),
                Some(dur)
            );
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}
