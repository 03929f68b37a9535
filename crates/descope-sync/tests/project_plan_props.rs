//! Properties of the project planner over random file/live pairs: the plan's requests, applied to
//! a small model of the service (a full-replace update, a rename that follows onto every role and
//! tenant, a delete that is stripped from them), leave a project that the same file plans no
//! change against; a rename is never a delete and a create; and a saved plan reads back, every
//! request derived again, as the same plan.

use std::collections::BTreeMap;
use std::path::Path;

use descope_model::{NameOrId, Permission, Role, SessionSettings, Tenant};
use descope_spec::{
    DesiredPermission, DesiredProject, DesiredRole, DesiredSettings, DesiredTenant, Duration,
    Inactivity, parse, project_to_yaml,
};
use descope_sync::{
    Action, LiveResources, PlanOptions, ProjectPlan, ProjectPlanDocument, ProjectPlanError, Reads,
    ResourceKind, ResourceRequest, SavedPlan, Scope, live_fingerprints, plan_fingerprints,
    plan_project, resource_fingerprints, settings_with,
};
use proptest::prelude::*;
use proptest::sample::subsequence;
use serde_json::json;

#[derive(Debug, Clone, Default)]
struct World {
    tenants: Vec<Tenant>,
    permissions: Vec<Permission>,
    roles: Vec<Role>,
    settings: BTreeMap<String, SessionSettings>,
}

impl World {
    fn read(&self, reads: &Reads) -> LiveResources {
        LiveResources {
            permissions: reads.permissions.then(|| self.permissions.clone()),
            roles: reads.roles.then(|| self.roles.clone()),
            settings: reads
                .settings_of
                .iter()
                .filter_map(|t| self.settings.get(t).map(|s| (t.clone(), s.clone())))
                .collect(),
        }
    }

    fn rename_permission(&mut self, old: &str, new: &str) {
        for r in &mut self.roles {
            for p in &mut r.permission_names {
                if p == old {
                    *p = new.to_owned();
                }
            }
        }
    }

    /// Applies every request of `plan` as the service would.
    fn apply(&mut self, plan: &ProjectPlan) {
        for c in &plan.resources {
            match (c.action, &c.request) {
                (Action::Unchanged, _) => {}
                (Action::Create, Some(ResourceRequest::CreatePermission(r))) => {
                    assert!(!self.permissions.iter().any(|p| p.name == r.name));
                    self.permissions.push(Permission {
                        name: r.name.clone(),
                        description: r.description.clone(),
                        ..Permission::default()
                    });
                }
                (Action::Update, Some(ResourceRequest::UpdatePermission(u))) => {
                    let NameOrId::Name(target) = &u.target else {
                        panic!("by name")
                    };
                    let p = self
                        .permissions
                        .iter_mut()
                        .find(|p| p.name == *target)
                        .expect("update of a live permission");
                    assert!(!p.system_default, "a system permission is never updated");
                    p.name = u.new_name.clone();
                    p.description = u.description.clone();
                    let (old, new) = (target.clone(), u.new_name.clone());
                    self.rename_permission(&old, &new);
                }
                (Action::Delete, None) if c.kind == ResourceKind::Permission => {
                    let before = self.permissions.len();
                    self.permissions
                        .retain(|p| p.name != c.name || p.system_default);
                    assert_eq!(self.permissions.len() + 1, before, "{c:?}");
                    for r in &mut self.roles {
                        r.permission_names.retain(|p| *p != c.name);
                    }
                }
                (Action::Create, Some(ResourceRequest::CreateRole(r))) => {
                    assert!(
                        !self
                            .roles
                            .iter()
                            .any(|l| l.name == r.name && l.tenant_id == r.tenant_id)
                    );
                    for p in &r.permission_names {
                        assert!(self.permissions.iter().any(|l| l.name == *p), "{p}");
                    }
                    self.roles.push(Role {
                        name: r.name.clone(),
                        description: r.description.clone(),
                        permission_names: r.permission_names.clone(),
                        tenant_id: r.tenant_id.clone(),
                        default: r.default,
                        private: r.private,
                        ..Role::default()
                    });
                }
                (Action::Update, Some(ResourceRequest::UpdateRole(u))) => {
                    let NameOrId::Name(target) = &u.target else {
                        panic!("by name")
                    };
                    for p in &u.permission_names {
                        assert!(self.permissions.iter().any(|l| l.name == *p), "{p}");
                    }
                    let r = self
                        .roles
                        .iter_mut()
                        .find(|r| r.name == *target && r.tenant_id == u.tenant_id)
                        .expect("update of a live role");
                    r.name = u.new_name.clone();
                    r.description = u.description.clone();
                    r.permission_names = u.permission_names.clone();
                    r.default = u.default;
                    r.private = u.private;
                }
                (Action::Delete, None) => {
                    let before = self.roles.len();
                    self.roles
                        .retain(|r| !(r.name == c.name && r.tenant_id == c.tenant));
                    assert_eq!(self.roles.len() + 1, before, "{c:?}");
                }
                (Action::Update, Some(ResourceRequest::Settings(s))) => {
                    self.settings.insert(c.name.clone(), (**s).clone());
                }
                (Action::Update, None) if c.kind == ResourceKind::Settings => {
                    let s = settings_with(&SessionSettings::default(), &c.fields).unwrap();
                    self.settings.insert(c.name.clone(), s);
                }
                other => panic!("unexpected {other:?} in {c:?}"),
            }
        }
    }
}

const PERMS: [&str; 5] = ["a", "b", "c", "d", "e"];
const ROLES: [&str; 4] = ["r1", "r2", "r3", "r4"];
const TENANT_ROLES: [&str; 3] = ["t1", "t2", "t3"];

fn names(all: &[&'static str]) -> impl Strategy<Value = Vec<&'static str>> + use<> {
    let all = all.to_vec();
    let n = all.len();
    subsequence(all, 0..=n)
}

fn text() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["", "x", "y"]).prop_map(str::to_owned)
}

fn live_roles(
    all: &[&'static str],
    tenant: Option<&'static str>,
) -> impl Strategy<Value = Vec<Role>> + use<> {
    names(all).prop_flat_map(move |ns| {
        ns.into_iter()
            .map(|n| {
                (names(&PERMS), text(), any::<bool>(), any::<bool>()).prop_map(
                    move |(perms, description, default, private)| Role {
                        name: n.to_owned(),
                        description,
                        permission_names: perms.iter().map(|p| (*p).to_owned()).collect(),
                        tenant_id: tenant.map(str::to_owned),
                        default,
                        private,
                        ..Role::default()
                    },
                )
            })
            .collect::<Vec<_>>()
    })
}

/// A live project: some of the permissions (every role's permissions exist), project roles, the
/// tenant `acme` with roles and settings.
fn gen_world() -> impl Strategy<Value = World> {
    (
        prop::collection::vec((any::<bool>(), text()), PERMS.len()),
        live_roles(&ROLES, None),
        live_roles(&TENANT_ROLES, Some("acme")),
        (1u32..4, 1u32..3, any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(|(perms, mut roles, tenant_roles, (s, r, inact, jit, sso))| {
            let mut permissions: Vec<Permission> = PERMS
                .iter()
                .zip(perms)
                .filter(|(_, (live, _))| *live)
                .map(|(n, (_, description))| Permission {
                    name: (*n).to_owned(),
                    description,
                    ..Permission::default()
                })
                .collect();
            permissions.push(Permission {
                name: "Impersonate".into(),
                system_default: true,
                ..Permission::default()
            });
            roles.extend(tenant_roles);
            for role in &mut roles {
                role.permission_names
                    .retain(|p| permissions.iter().any(|l| l.name == *p));
            }
            let mut settings = json!({
                "selfProvisioningDomains": ["acme.com"], "authType": "none", "enabled": jit,
                "sessionTokenExpiration": s * 5, "sessionTokenExpirationUnit": "minutes",
                "refreshTokenExpiration": r, "refreshTokenExpirationUnit": "days",
                "enableInactivity": inact, "inactivityTime": 20, "inactivityTimeUnit": "minutes",
                "JITDisabled": jit, "unknownField": [1]
            });
            if sso {
                settings["ssoSetupSuiteSettings"] =
                    json!({"enabled": true, "styleId": "s", "disabledFeatures": {"oidc": true}});
            }
            World {
                tenants: vec![Tenant {
                    id: "acme".into(),
                    name: "ACME".into(),
                    self_provisioning_domains: vec!["acme.com".into()],
                    ..Tenant::default()
                }],
                permissions,
                roles,
                settings: BTreeMap::from([(
                    "acme".into(),
                    SessionSettings::from_map(settings.as_object().unwrap()).unwrap(),
                )]),
            }
        })
}

fn duration(minutes: u64) -> Duration {
    Duration::from_minutes(minutes).unwrap()
}

/// What a file may want of one role: (permissions, description, default, private), each
/// possibly unmanaged.
type RoleWish = (
    Option<Vec<&'static str>>,
    Option<String>,
    Option<bool>,
    Option<bool>,
);

fn role_wish() -> impl Strategy<Value = RoleWish> {
    (
        prop::option::of(names(&PERMS)),
        prop::option::of(text()),
        prop::option::of(any::<bool>()),
        prop::option::of(any::<bool>()),
    )
}

/// A file against `world`: every reference resolves, every rename names a live object that no
/// entry keeps, and the console rule holds with the live values.
fn gen_case() -> impl Strategy<Value = (World, DesiredProject, bool)> {
    (
        gen_world(),
        prop::option::of(prop::collection::vec(
            prop::option::of(prop::option::of(text())),
            PERMS.len(),
        )),
        prop::option::of(prop::collection::vec(
            prop::option::of(role_wish()),
            ROLES.len(),
        )),
        prop::option::of(prop::collection::vec(
            prop::option::of(role_wish()),
            TENANT_ROLES.len(),
        )),
        prop::option::of((
            prop::option::of(1u64..4),
            prop::option::of(1u64..3),
            prop::option::of(any::<bool>()),
            any::<bool>(),
            prop::option::of(any::<bool>()),
        )),
        any::<bool>(),
        any::<u8>(),
    )
        .prop_map(
            |(world, perms, roles, tenant_roles, settings, prune, renames)| {
                let live_perm = |n: &str| world.permissions.iter().any(|p| p.name == n);
                let permissions = perms.map(|wishes| {
                    let mut out: Vec<DesiredPermission> = PERMS
                        .iter()
                        .zip(wishes)
                        .filter_map(|(n, w)| {
                            w.map(|description| DesiredPermission {
                                name: (*n).to_owned(),
                                description,
                                ..DesiredPermission::default()
                            })
                        })
                        .collect();
                    // A new name may take over a live permission the file no longer lists.
                    let mut free: Vec<&str> = PERMS
                        .iter()
                        .copied()
                        .filter(|n| live_perm(n) && !out.iter().any(|d| d.name == *n))
                        .collect();
                    for (i, d) in out.iter_mut().enumerate() {
                        if !live_perm(&d.name)
                            && renames & (1 << i) != 0
                            && let Some(old) = free.pop()
                        {
                            d.renamed_from = Some(old.to_owned());
                        }
                    }
                    out
                });
                // The names a role may list: the file's permissions, or the live ones.
                let usable: Vec<&str> = match &permissions {
                    Some(ps) => ps.iter().map(|p| p.name.as_str()).collect(),
                    None => PERMS.iter().copied().filter(|n| live_perm(n)).collect(),
                };
                let make = |all: &[&str], wishes: Vec<Option<RoleWish>>, live: &[&Role]| {
                    let mut out: Vec<DesiredRole> = all
                        .iter()
                        .zip(wishes)
                        .filter_map(|(n, w)| {
                            w.map(|(ps, description, default, private)| DesiredRole {
                                name: (*n).to_owned(),
                                description,
                                permissions: ps.map(|ps| {
                                    ps.into_iter()
                                        .filter(|p| usable.contains(p))
                                        .map(str::to_owned)
                                        .collect()
                                }),
                                default,
                                private,
                                ..DesiredRole::default()
                            })
                        })
                        .collect();
                    let mut free: Vec<&str> = live
                        .iter()
                        .map(|r| r.name.as_str())
                        .filter(|n| !out.iter().any(|d| d.name == *n))
                        .collect();
                    for (i, d) in out.iter_mut().enumerate() {
                        let is_live = live.iter().any(|r| r.name == d.name);
                        if !is_live
                            && renames & (1 << (i + 4)) != 0
                            && let Some(old) = free.pop()
                        {
                            d.renamed_from = Some(old.to_owned());
                        }
                    }
                    out
                };
                let project_live: Vec<&Role> = world
                    .roles
                    .iter()
                    .filter(|r| r.tenant_id.is_none())
                    .collect();
                let acme_live: Vec<&Role> = world
                    .roles
                    .iter()
                    .filter(|r| r.tenant_id.is_some())
                    .collect();
                let roles = roles.map(|w| make(&ROLES, w, &project_live));
                let tenant_roles = tenant_roles.map(|w| make(&TENANT_ROLES, w, &acme_live));
                let settings = settings.map(|(session, refresh, inactivity, enabled, jit)| {
                    DesiredSettings {
                        enabled,
                        // Sessions of 3–15 minutes, refresh tokens of 1–2 days: the rule holds.
                        session_token_expiration: session.map(|s| duration(s * 5)),
                        refresh_token_expiration: refresh.map(|r| duration(r * 1440)),
                        inactivity_timeout: inactivity.map(|on| {
                            if on {
                                Inactivity::After(duration(30))
                            } else {
                                Inactivity::Off
                            }
                        }),
                        jit_disabled: jit,
                        ..DesiredSettings::default()
                    }
                });
                let project = DesiredProject {
                    permissions,
                    roles,
                    tenants: vec![DesiredTenant {
                        id: "acme".into(),
                        name: "ACME".into(),
                        settings,
                        roles: tenant_roles,
                        ..DesiredTenant::default()
                    }],
                };
                (world, project, prune)
            },
        )
}

fn plan_of(yaml: &str, world: &World, opts: &PlanOptions) -> Result<ProjectPlan, ProjectPlanError> {
    let spec =
        parse(Path::new("p.yaml"), yaml, &|_| None).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    let reads = Reads::of(&spec, Scope::Project, opts);
    plan_project(
        &spec,
        Scope::Project,
        &world.tenants,
        &world.read(&reads),
        opts,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn applying_the_plan_then_planning_again_changes_nothing((world, project, prune) in gen_case()) {
        let yaml = project_to_yaml(&project);
        let opts = PlanOptions { prune, max_deletes: 100, ..PlanOptions::default() };
        let p = match plan_of(&yaml, &world, &opts) {
            Ok(p) => p,
            // A prune that would strip a permission or role from something kept.
            Err(ProjectPlanError::Refused(m)) if m.starts_with("--prune would delete") => {
                return Err(TestCaseError::reject("a referenced delete"));
            }
            Err(e) => panic!("{e}\n{yaml}"),
        };
        for c in &p.resources {
            if let Some(old) = &c.renamed_from {
                prop_assert!(
                    !p.resources.iter().any(|d| d.kind == c.kind && d.tenant == c.tenant
                        && d.name == *old && d.action == Action::Delete),
                    "a rename deletes its old name: {c:?}"
                );
            }
        }
        let mut after = world.clone();
        after.apply(&p);
        let again = plan_of(&yaml, &after, &opts).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        prop_assert!(!again.has_changes(), "{yaml}\nfirst: {p:#?}\nthen: {again:#?}");
        prop_assert!(!again.resources.iter().any(|c| c.renamed_from.is_some()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_saved_plan_reads_back_as_the_same_plan((world, project, prune) in gen_case()) {
        let yaml = project_to_yaml(&project);
        let opts = PlanOptions { prune, max_deletes: 100, ..PlanOptions::default() };
        let spec = parse(Path::new("p.yaml"), &yaml, &|_| None).unwrap();
        let live = world.read(&Reads::of(&spec, Scope::Project, &opts));
        let p = match plan_project(&spec, Scope::Project, &world.tenants, &live, &opts) {
            Ok(p) => p,
            Err(ProjectPlanError::Refused(m)) if m.starts_with("--prune would delete") => {
                return Err(TestCaseError::reject("a referenced delete"));
            }
            Err(e) => panic!("{e}\n{yaml}"),
        };
        let fps = live_fingerprints(&world.tenants);
        let fingerprints = plan_fingerprints(&p.tenants, &fps);
        let resource_fps = resource_fingerprints(&p, &live);
        let doc = ProjectPlanDocument {
            plan: &p,
            project_id: "P1",
            config: None,
            fingerprints: &fingerprints,
            resource_fingerprints: &resource_fps,
            options: &opts,
        };
        let text = serde_json::to_string(&doc).unwrap();
        let saved = SavedPlan::from_json(&text).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
        let read = world.read(&saved.reads());
        let (again, options) = saved
            .into_project_plan("P1", &world.tenants, &fps, &read)
            .unwrap_or_else(|e| panic!("{e:?}\n{yaml}\n{text}"));
        prop_assert_eq!(options, opts);
        prop_assert_eq!(&again.resources, &p.resources);
        prop_assert_eq!(again.summary(), p.summary());
    }
}
