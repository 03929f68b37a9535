//! The project planner: permissions, project roles, tenant settings and tenant roles planned from
//! a project file (parsed from YAML text, so errors carry their lines) against a live project.
//! Every plan here reads exactly what `Reads::of` asks for, as the CLI does.

use std::collections::BTreeMap;
use std::path::Path;

use descope_model::{NameOrId, Permission, Role, SessionSettings, Tenant};
use descope_spec::{Spec, parse};
use descope_sync::{
    Action, FieldChange, LiveResources, PlanError, PlanOptions, ProjectPlan, ProjectPlanError,
    Reads, ResourceChange, ResourceKind, ResourceRequest, Scope, plan, plan_project, settings_with,
};
use serde_json::{Value, json};

fn spec(yaml: &str) -> Spec {
    parse(Path::new("project.yaml"), yaml, &|_| None).unwrap_or_else(|e| panic!("{e}\n{yaml}"))
}

/// `file:line:col` of the first `needle` in `yaml` (1-based, as diagnostics say it).
fn at(yaml: &str, needle: &str) -> String {
    let i = yaml
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in file"));
    let line = yaml[..i].matches('\n').count() + 1;
    let column = yaml[..i].rsplit('\n').next().unwrap().chars().count() + 1;
    format!("project.yaml:{line}:{column}")
}

fn perm(name: &str, description: &str) -> Permission {
    Permission {
        name: name.into(),
        description: description.into(),
        ..Permission::default()
    }
}

fn system(name: &str) -> Permission {
    Permission {
        system_default: true,
        ..perm(name, "built in")
    }
}

fn role(name: &str, tenant: Option<&str>, permissions: &[&str]) -> Role {
    Role {
        name: name.into(),
        tenant_id: tenant.map(str::to_owned),
        permission_names: permissions.iter().map(|p| (*p).to_owned()).collect(),
        ..Role::default()
    }
}

fn tenant(id: &str, name: &str) -> Tenant {
    Tenant {
        id: id.into(),
        name: name.into(),
        ..Tenant::default()
    }
}

fn settings(v: Value) -> SessionSettings {
    SessionSettings::from_map(v.as_object().expect("object")).expect("settings")
}

/// A live project: everything the service holds.
#[derive(Clone, Default)]
struct World {
    tenants: Vec<Tenant>,
    permissions: Vec<Permission>,
    roles: Vec<Role>,
    settings: BTreeMap<String, SessionSettings>,
}

impl World {
    /// What a plan reads of it: only what `Reads::of` asks for.
    fn read(&self, reads: &Reads) -> LiveResources {
        LiveResources {
            permissions: reads.permissions.then(|| self.permissions.clone()),
            roles: reads.roles.then(|| self.roles.clone()),
            settings: reads
                .settings_of
                .iter()
                .filter(|t| self.tenants.iter().any(|l| l.id == **t))
                .filter_map(|t| self.settings.get(t).map(|s| (t.clone(), s.clone())))
                .collect(),
        }
    }
}

fn plan_in(
    yaml: &str,
    scope: Scope,
    world: &World,
    opts: &PlanOptions,
) -> Result<ProjectPlan, ProjectPlanError> {
    let spec = spec(yaml);
    let reads = Reads::of(&spec, scope, opts);
    plan_project(&spec, scope, &world.tenants, &world.read(&reads), opts)
}

fn sync(yaml: &str, world: &World, opts: &PlanOptions) -> Result<ProjectPlan, ProjectPlanError> {
    plan_in(yaml, Scope::Project, world, opts)
}

fn ok(r: Result<ProjectPlan, ProjectPlanError>) -> ProjectPlan {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn err(r: Result<ProjectPlan, ProjectPlanError>) -> String {
    match r {
        Ok(p) => panic!("expected an error, got {p:#?}"),
        Err(e) => e.to_string(),
    }
}

fn prune() -> PlanOptions {
    PlanOptions {
        prune: true,
        max_deletes: 100,
        ..PlanOptions::default()
    }
}

fn only(patterns: &[&str]) -> PlanOptions {
    PlanOptions {
        only: patterns.iter().map(|p| (*p).to_owned()).collect(),
        ..prune()
    }
}

/// `(kind, tenant/name, action)` of every resource change, in plan order.
fn shape(p: &ProjectPlan) -> Vec<(ResourceKind, String, Action)> {
    p.resources
        .iter()
        .map(|c| {
            let name = match &c.tenant {
                Some(t) if c.kind == ResourceKind::TenantRole => format!("{t}/{}", c.name),
                _ => c.name.clone(),
            };
            (c.kind, name, c.action)
        })
        .collect()
}

fn change<'a>(p: &'a ProjectPlan, kind: ResourceKind, name: &str) -> &'a ResourceChange {
    p.resources
        .iter()
        .find(|c| c.kind == kind && c.name == name)
        .unwrap_or_else(|| panic!("no {kind} {name} in {p:#?}"))
}

fn fields(c: &ResourceChange) -> Vec<(&str, Value, Value)> {
    c.fields
        .iter()
        .map(|f| (f.field.as_str(), f.old.clone(), f.new.clone()))
        .collect()
}

const FULL: &str = "\
permissions:
  - name: projects:read
    description: Read projects
  - name: projects:write
roles:
  - name: viewer
    description: Read-only
    permissions: [projects:read]
    default: true
  - name: editor
    permissions: [projects:write, projects:read]
    private: false
tenants:
  - id: acme
    name: ACME
    domains: [acme.com]
    defaultRoles: [viewer]
    settings:
      sessionTokenExpiration: 15m
      refreshTokenExpiration: 4w
      inactivityTimeout: 30m
      jitDisabled: true
    roles:
      - name: acme-admin
        permissions: [projects:write]
";

/// The live project that `FULL` describes exactly (plus what it does not manage).
fn full_world() -> World {
    World {
        tenants: vec![Tenant {
            self_provisioning_domains: vec!["acme.com".into()],
            default_roles: vec!["viewer".into()],
            ..tenant("acme", "ACME")
        }],
        permissions: vec![
            perm("projects:read", "Read projects"),
            perm("projects:write", "whatever"),
            system("Impersonate"),
        ],
        roles: vec![
            Role {
                description: "Read-only".into(),
                default: true,
                ..role("viewer", None, &["projects:read"])
            },
            Role {
                description: "kept".into(),
                ..role("editor", None, &["projects:read", "projects:write"])
            },
            role("acme-admin", Some("acme"), &["projects:write"]),
        ],
        settings: BTreeMap::from([(
            "acme".to_owned(),
            settings(json!({
                "selfProvisioningDomains": ["acme.com"], "enabled": true,
                "sessionTokenExpiration": 15, "sessionTokenExpirationUnit": "minutes",
                "refreshTokenExpiration": 28, "refreshTokenExpirationUnit": "days",
                "enableInactivity": true, "inactivityTime": 30, "inactivityTimeUnit": "minutes",
                "JITDisabled": true, "futureSetting": {"a": 1}
            })),
        )]),
    }
}

#[test]
fn a_tenants_only_file_reads_nothing_more_and_plans_as_tenant_sync_does() {
    let yaml = "tenants:\n  - id: acme\n    name: ACME\n    defaultRoles: [viewer]\n";
    let s = spec(yaml);
    for scope in [Scope::Project, Scope::Tenants] {
        assert_eq!(Reads::of(&s, scope, &prune()), Reads::default());
    }
    let world = World {
        tenants: vec![tenant("acme", "Old"), tenant("gone", "Gone")],
        ..World::default()
    };
    let p = ok(plan_project(
        &s,
        Scope::Project,
        &world.tenants,
        &LiveResources::default(),
        &prune(),
    ));
    assert_eq!(
        p.tenants,
        plan(&s.tenants, &world.tenants, &prune()).unwrap()
    );
    assert!(p.resources.is_empty() && p.unmanaged.is_empty());
    assert_eq!(p.settings_reads, 0);
}

#[test]
fn a_tenants_only_delete_over_the_limit_is_the_tenant_planners_error() {
    let world = World {
        tenants: (0..3)
            .map(|i| tenant(&format!("t{i}"), &format!("T{i}")))
            .collect(),
        ..World::default()
    };
    let opts = PlanOptions {
        max_deletes: 2,
        ..prune()
    };
    let e = sync("tenants: []\n", &world, &opts).unwrap_err();
    assert_eq!(
        e,
        ProjectPlanError::Tenants(PlanError::TooManyDeletes { count: 3, max: 2 })
    );
}

#[test]
fn a_file_equal_to_the_project_plans_nothing() {
    let world = full_world();
    let reads = Reads::of(&spec(FULL), Scope::Project, &prune());
    assert_eq!(
        reads,
        Reads {
            permissions: true,
            roles: true,
            settings_of: vec!["acme".into()],
        }
    );
    let p = ok(sync(FULL, &world, &PlanOptions::default()));
    assert!(!p.has_changes(), "{p:#?}");
    assert_eq!(
        shape(&p),
        [
            (
                ResourceKind::Permission,
                "projects:read".into(),
                Action::Unchanged
            ),
            (
                ResourceKind::Permission,
                "projects:write".into(),
                Action::Unchanged
            ),
            (ResourceKind::Role, "editor".into(), Action::Unchanged),
            (ResourceKind::Role, "viewer".into(), Action::Unchanged),
            (ResourceKind::Settings, "acme".into(), Action::Unchanged),
            (
                ResourceKind::TenantRole,
                "acme/acme-admin".into(),
                Action::Unchanged
            ),
        ]
    );
    assert!(p.resources.iter().all(|c| c.request.is_none()));
    assert_eq!(p.unmanaged, ["permission `Impersonate`"]);
    assert_eq!(p.settings_reads, 1);
    assert_eq!(
        p.summary().to_string(),
        "Plan: 0 to create, 0 to update, 0 to delete, 7 unchanged."
    );
    // Pruning has nothing to prune either: the system permission is never touched.
    assert!(!ok(sync(FULL, &world, &prune())).has_changes());
}

#[test]
fn an_empty_project_gets_every_kind_created_in_write_order() {
    let world = World {
        permissions: vec![system("Impersonate")],
        ..World::default()
    };
    let p = ok(sync(FULL, &world, &PlanOptions::default()));
    assert_eq!(
        shape(&p),
        [
            (
                ResourceKind::Permission,
                "projects:read".into(),
                Action::Create
            ),
            (
                ResourceKind::Permission,
                "projects:write".into(),
                Action::Create
            ),
            (ResourceKind::Role, "editor".into(), Action::Create),
            (ResourceKind::Role, "viewer".into(), Action::Create),
            (ResourceKind::Settings, "acme".into(), Action::Update),
            (
                ResourceKind::TenantRole,
                "acme/acme-admin".into(),
                Action::Create
            ),
        ]
    );
    assert_eq!(p.tenants.changes[0].action, Action::Create);
    assert_eq!(p.settings_reads, 0);
    let editor = change(&p, ResourceKind::Role, "editor");
    assert_eq!(
        fields(editor),
        [
            (
                "permissions",
                Value::Null,
                json!(["projects:write", "projects:read"])
            ),
            ("private", Value::Null, json!(false)),
        ]
    );
    match &editor.request {
        Some(ResourceRequest::CreateRole(r)) => {
            assert_eq!(
                r.permission_names,
                ["projects:write", "projects:read"],
                "file order"
            );
            assert_eq!(
                (r.tenant_id.as_deref(), r.default, r.description.as_str()),
                (None, false, "")
            );
        }
        other => panic!("{other:?}"),
    }
    let admin = change(&p, ResourceKind::TenantRole, "acme-admin");
    match &admin.request {
        Some(ResourceRequest::CreateRole(r)) => assert_eq!(r.tenant_id.as_deref(), Some("acme")),
        other => panic!("{other:?}"),
    }
    assert_eq!(admin.label(), "role `acme-admin` of tenant `acme`");
    // The settings of a tenant the run creates: every managed field, read after the create.
    let s = change(&p, ResourceKind::Settings, "acme");
    assert_eq!(s.request, None);
    assert_eq!(
        fields(s),
        [
            ("enabled", Value::Null, json!(true)),
            ("sessionTokenExpiration", Value::Null, json!("15m")),
            ("refreshTokenExpiration", Value::Null, json!("4w")),
            ("inactivityTimeout", Value::Null, json!("30m")),
            ("jitDisabled", Value::Null, json!(true)),
        ]
    );
    let fresh = settings(json!({"selfProvisioningDomains": ["acme.com"], "authType": "none"}));
    let applied = settings_with(&fresh, &s.fields).unwrap().to_map();
    assert_eq!(applied["sessionTokenExpiration"], json!(15));
    assert_eq!(applied["refreshTokenExpirationUnit"], json!("weeks"));
    assert_eq!(applied["enableInactivity"], json!(true));
    assert_eq!(applied["selfProvisioningDomains"], json!(["acme.com"]));
    assert_eq!(applied["authType"], json!("none"));
}

#[test]
fn renames_are_updates_that_keep_every_other_field() {
    let yaml = "\
permissions:
  - name: projects:write
    renamedFrom: projects:edit
  - name: projects:read
roles:
  - name: reader
    renamedFrom: viewer
    description: Reads
  - name: editor
tenants:
  - id: acme
    name: ACME
    roles:
      - name: boss
        renamedFrom: admin
";
    let world = World {
        tenants: vec![tenant("acme", "ACME")],
        permissions: vec![perm("projects:edit", "Edit"), perm("projects:read", "")],
        roles: vec![
            Role {
                description: "Views".into(),
                default: true,
                private: true,
                ..role("viewer", None, &["projects:read"])
            },
            role("editor", None, &["projects:edit", "projects:read"]),
            role("admin", Some("acme"), &["projects:edit"]),
        ],
        ..World::default()
    };
    let p = ok(sync(yaml, &world, &prune()));
    assert!(
        p.resources
            .iter()
            .all(|c| matches!(c.action, Action::Update | Action::Unchanged)),
        "never a delete and a create: {p:#?}"
    );
    let w = change(&p, ResourceKind::Permission, "projects:write");
    assert_eq!(w.renamed_from.as_deref(), Some("projects:edit"));
    assert_eq!(w.live_name(), "projects:edit");
    assert_eq!(
        fields(w),
        [("name", json!("projects:edit"), json!("projects:write"))]
    );
    match &w.request {
        Some(ResourceRequest::UpdatePermission(u)) => {
            assert_eq!(u.target, NameOrId::Name("projects:edit".into()));
            assert_eq!(
                (u.new_name.as_str(), u.description.as_str()),
                ("projects:write", "Edit")
            );
        }
        other => panic!("{other:?}"),
    }
    let reader = change(&p, ResourceKind::Role, "reader");
    assert_eq!(
        fields(reader),
        [
            ("name", json!("viewer"), json!("reader")),
            ("description", json!("Views"), json!("Reads")),
        ]
    );
    match &reader.request {
        Some(ResourceRequest::UpdateRole(u)) => {
            assert_eq!(u.target, NameOrId::Name("viewer".into()));
            assert_eq!(u.new_name, "reader");
            assert_eq!(u.permission_names, ["projects:read"]);
            assert!(u.default && u.private, "unmanaged fields come from live");
        }
        other => panic!("{other:?}"),
    }
    // A role whose permission is renamed in the same run keeps it, under its new name, without
    // a write of its own.
    assert_eq!(
        change(&p, ResourceKind::Role, "editor").action,
        Action::Unchanged
    );
    let boss = change(&p, ResourceKind::TenantRole, "boss");
    assert_eq!(boss.target_id(), "acme/admin");
    match &boss.request {
        Some(ResourceRequest::UpdateRole(u)) => {
            assert_eq!(u.tenant_id.as_deref(), Some("acme"));
            assert_eq!(
                u.permission_names,
                ["projects:write"],
                "sent by its new name"
            );
        }
        other => panic!("{other:?}"),
    }

    // Once applied, the same file plans nothing: the renames already happened.
    let after = World {
        permissions: vec![perm("projects:write", "Edit"), perm("projects:read", "")],
        roles: vec![
            Role {
                description: "Reads".into(),
                default: true,
                private: true,
                ..role("reader", None, &["projects:read"])
            },
            role("editor", None, &["projects:write", "projects:read"]),
            role("boss", Some("acme"), &["projects:write"]),
        ],
        ..world
    };
    let again = ok(sync(yaml, &after, &prune()));
    assert!(!again.has_changes(), "{again:#?}");
}

#[test]
fn a_role_with_managed_permissions_compares_them_as_sets_after_renames() {
    let yaml = "\
permissions:
  - name: b
    renamedFrom: old-b
  - name: a
roles:
  - name: r
    permissions: [a, b]
tenants: []
";
    let world = World {
        permissions: vec![perm("a", ""), perm("old-b", "")],
        roles: vec![role("r", None, &["old-b", "a"])],
        ..World::default()
    };
    let p = ok(sync(yaml, &world, &PlanOptions::default()));
    assert_eq!(
        change(&p, ResourceKind::Role, "r").action,
        Action::Unchanged
    );
    let yaml2 = yaml.replace("[a, b]", "[b]");
    let p = ok(sync(&yaml2, &world, &PlanOptions::default()));
    let r = change(&p, ResourceKind::Role, "r");
    assert_eq!(
        fields(r),
        [("permissions", json!(["old-b", "a"]), json!(["b"]))]
    );
}

#[test]
fn rename_problems_are_located_in_the_file() {
    let yaml = "\
permissions:
  - name: new-p
    renamedFrom: ghost
roles:
  - name: new-r
    renamedFrom: old-r
tenants:
  - id: acme
    name: ACME
    roles:
      - name: x
        renamedFrom: y
";
    let world = World {
        tenants: vec![tenant("acme", "ACME")],
        roles: vec![role("old-r", None, &[]), role("new-r", None, &[])],
        ..World::default()
    };
    let e = err(sync(yaml, &world, &PlanOptions::default()));
    let lines: Vec<&str> = e.lines().filter(|l| !l.starts_with("  help")).collect();
    assert_eq!(
        lines,
        [
            format!(
                "{}: `renamedFrom: ghost` of permission `new-p` names no permission of the project",
                at(yaml, "ghost")
            ),
            format!(
                "{}: role `new-r` is renamed from `old-r`, but the project already has a role named `new-r`",
                at(yaml, "old-r")
            ),
            format!(
                "{}: `renamedFrom: y` of role `x` of tenant `acme` names no role of tenant `acme`",
                at(yaml, "y\n")
            ),
        ]
    );
    assert!(
        e.contains(
            "help: write the permission's current name, or remove `renamedFrom` to create `new-p`"
        ),
        "{e}"
    );
}

#[test]
fn references_to_nothing_are_located_before_any_request() {
    let yaml = "\
roles:
  - name: r
    permissions: [missing, live-one]
tenants:
  - id: acme
    name: ACME
    defaultRoles: [r, tenant-own, live-project, nobody]
    roles:
      - name: t-role
        permissions: [nope]
";
    let world = World {
        tenants: vec![tenant("acme", "ACME")],
        permissions: vec![perm("live-one", "")],
        roles: vec![
            role("live-project", None, &[]),
            role("tenant-own", Some("acme"), &[]),
        ],
        ..World::default()
    };
    let e = err(sync(yaml, &world, &PlanOptions::default()));
    let located: Vec<&str> = e
        .lines()
        .filter(|l| !l.starts_with("  help"))
        .map(|l| l.split(": ").next().unwrap())
        .collect();
    assert_eq!(
        located,
        [at(yaml, "missing"), at(yaml, "nobody"), at(yaml, "nope")]
    );
    assert!(
        e.contains(
            "role `r` has permission `missing`, which is neither in the file nor in the project"
        ),
        "{e}"
    );
    assert!(
        e.contains("role `t-role` of tenant `acme` has permission `nope`"),
        "{e}"
    );
    assert!(e.contains("default role `nobody` of tenant `acme`"), "{e}");
}

#[test]
fn system_permissions_are_never_touched_and_a_file_entry_naming_one_is_an_error() {
    let world = World {
        permissions: vec![
            system("Impersonate"),
            system("User Admin"),
            perm("mine", ""),
        ],
        roles: vec![role("r", None, &["Impersonate"])],
        ..World::default()
    };
    let p = ok(sync(
        "permissions: []\nroles:\n  - name: r\n    permissions: [Impersonate]\ntenants: []\n",
        &world,
        &prune(),
    ));
    assert_eq!(
        shape(&p)[0],
        (ResourceKind::Permission, "mine".into(), Action::Delete)
    );
    assert!(
        p.resources
            .iter()
            .all(|c| c.name != "Impersonate" && c.name != "User Admin")
    );
    assert_eq!(
        p.unmanaged,
        ["permission `Impersonate`", "permission `User Admin`"]
    );

    for yaml in [
        "permissions:\n  - name: Impersonate\n    description: mine now\ntenants: []\n",
        "permissions:\n  - name: imp\n    renamedFrom: Impersonate\ntenants: []\n",
    ] {
        let e = err(sync(yaml, &world, &PlanOptions::default()));
        let where_ = if yaml.contains("renamedFrom") {
            at(yaml, "Impersonate")
        } else {
            at(yaml, "name: Impersonate")
        };
        assert!(
            e.starts_with(&format!(
                "{where_}: permission `Impersonate` is a system permission"
            )),
            "{e}"
        );
    }
}

#[test]
fn deletes_need_prune_stay_in_scope_and_carry_warnings() {
    let yaml = "\
permissions:
  - name: keep
roles:
  - name: kept
    protect: true
tenants:
  - id: acme
    name: ACME
    roles: []
";
    let world = World {
        tenants: vec![tenant("acme", "ACME"), tenant("other", "Other")],
        permissions: vec![perm("keep", ""), perm("extra", "")],
        roles: vec![
            role("kept", None, &[]),
            role("stale", None, &[]),
            role("t-stale", Some("acme"), &[]),
            role("o-role", Some("other"), &[]),
        ],
        ..World::default()
    };
    // Without --prune: shown unchanged, nothing deleted.
    let p = ok(sync(yaml, &world, &PlanOptions::default()));
    assert!(!p.has_changes(), "{p:#?}");
    assert!(
        p.resources
            .iter()
            .any(|c| c.name == "stale" && c.action == Action::Unchanged)
    );
    let p = ok(sync(yaml, &world, &prune()));
    assert_eq!(
        shape(&p),
        [
            (ResourceKind::Permission, "extra".into(), Action::Delete),
            (ResourceKind::Permission, "keep".into(), Action::Unchanged),
            (ResourceKind::Role, "kept".into(), Action::Unchanged),
            (ResourceKind::Role, "stale".into(), Action::Delete),
            (
                ResourceKind::TenantRole,
                "acme/t-stale".into(),
                Action::Delete
            ),
        ],
        "the roles of a tenant without `roles:` are not managed"
    );
    assert!(change(&p, ResourceKind::Role, "kept").protected);
    assert_eq!(
        p.warnings(),
        [
            "deleting permission `extra` removes it from every role that has it",
            "deleting role `stale` removes it from every user and tenant that holds it",
            "deleting role `t-stale` of tenant `acme` removes it from every user and tenant that holds it",
        ]
    );
    // The tenant `other` is pruned by the tenant plan; its roles go with it.
    assert!(
        p.tenants
            .changes
            .iter()
            .any(|c| c.id == "other" && c.action == Action::Delete)
    );
    assert!(
        p.resources
            .iter()
            .all(|c| c.tenant.as_deref() != Some("other"))
    );
}

#[test]
fn a_delete_that_something_kept_refers_to_is_refused() {
    let yaml = "permissions: []\nroles: []\ntenants:\n  - id: acme\n    name: ACME\n";
    let world = World {
        tenants: vec![Tenant {
            default_roles: vec!["gone-role".into()],
            ..tenant("acme", "ACME")
        }],
        permissions: vec![perm("held", "")],
        roles: vec![
            role("gone-role", None, &[]),
            role("t-role", Some("acme"), &["held"]),
        ],
        ..World::default()
    };
    let e = err(sync(yaml, &world, &prune()));
    assert_eq!(
        e.lines().collect::<Vec<_>>(),
        [
            "--prune would delete permission `held`, but role `t-role` of tenant `acme`, which is kept, has it; remove `held` from that role (its `permissions:` in the file, or in the project when the file does not list them), or add `- name: held` back under `permissions:`",
            "--prune would delete role `gone-role`, but tenant `acme`, which is kept, has it in its default roles; remove `gone-role` from the tenant's `defaultRoles` (in the file, or in the project when the file does not list them), or add `- name: gone-role` back under `roles:`",
        ]
    );
    // The file taking the role off the tenant's default roles (and off the role) lets it go.
    let fixed = "\
permissions: []
roles: []
tenants:
  - id: acme
    name: ACME
    defaultRoles: []
    roles:
      - name: t-role
        permissions: []
";
    let p = ok(sync(fixed, &world, &prune()));
    assert_eq!(p.summary().delete, 2);

    // A tenant role named by its tenant's default roles.
    let world = World {
        tenants: vec![Tenant {
            default_roles: vec!["own".into()],
            ..tenant("acme", "ACME")
        }],
        roles: vec![role("own", Some("acme"), &[])],
        ..World::default()
    };
    let yaml = "tenants:\n  - id: acme\n    name: ACME\n    roles: []\n";
    let e = err(sync(yaml, &world, &prune()));
    assert!(
        e.starts_with("--prune would delete role `own` of tenant `acme`, but the tenant"),
        "{e}"
    );
}

#[test]
fn max_deletes_counts_every_kind() {
    let world = World {
        tenants: vec![tenant("t1", "T1")],
        permissions: vec![perm("p1", ""), perm("p2", "")],
        roles: vec![role("r1", None, &[])],
        ..World::default()
    };
    let yaml = "permissions: []\nroles: []\ntenants: []\n";
    let opts = PlanOptions {
        max_deletes: 3,
        ..prune()
    };
    assert_eq!(
        err(sync(yaml, &world, &opts)),
        "the plan would delete 1 tenant, 1 role and 2 permissions (4 in all), more than the limit of 3; check the file and --only, then raise --max-deletes 4 to allow it"
    );
    let opts = PlanOptions {
        max_deletes: 4,
        ..prune()
    };
    assert_eq!(ok(sync(yaml, &world, &opts)).summary().delete, 4);
}

#[test]
fn only_kind_glob_scopes_each_kind() {
    let world = World {
        tenants: vec![tenant("acme", "ACME"), tenant("beta", "Beta")],
        permissions: vec![perm("p-old", ""), perm("q-old", "")],
        roles: vec![
            role("admin-old", None, &[]),
            role("user-old", None, &[]),
            role("t-old", Some("acme"), &[]),
        ],
        ..World::default()
    };
    let yaml = "\
permissions:
  - name: p-new
roles:
  - name: admin-new
  - name: user-new
tenants:
  - id: acme
    name: ACME
    roles: []
";
    let p = ok(sync(yaml, &world, &only(&["role:admin*"])));
    assert_eq!(
        shape(&p),
        [
            (ResourceKind::Role, "admin-new".into(), Action::Create),
            (ResourceKind::Role, "admin-old".into(), Action::Delete),
        ]
    );
    assert!(p.tenants.changes.is_empty(), "tenants are out of scope");
    let reads = Reads::of(&spec(yaml), Scope::Project, &only(&["role:admin*"]));
    assert_eq!(
        reads,
        Reads {
            permissions: false,
            roles: true,
            settings_of: vec![]
        }
    );

    let p = ok(sync(yaml, &world, &only(&["permission:p*", "acme"])));
    assert_eq!(
        shape(&p),
        [
            (ResourceKind::Permission, "p-new".into(), Action::Create),
            (ResourceKind::Permission, "p-old".into(), Action::Delete),
            (
                ResourceKind::TenantRole,
                "acme/t-old".into(),
                Action::Delete
            ),
        ],
        "a bare glob is a tenant id; a tenant's roles follow it"
    );
    assert_eq!(
        p.tenants
            .changes
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        ["acme"]
    );

    let e = err(sync(yaml, &world, &only(&["group:x"])));
    assert!(e.starts_with("--only `group:x`: `group` is not a kind of resource; write `tenant:GLOB`, `role:GLOB` or `permission:GLOB`"), "{e}");
    assert!(err(sync(yaml, &world, &only(&["role:"]))).contains("has no pattern"));
    let e = sync(yaml, &world, &only(&["role:[x"])).unwrap_err();
    assert!(
        matches!(e, ProjectPlanError::Tenants(PlanError::BadPattern { .. })),
        "{e}"
    );
    let e = err(plan_in(
        yaml,
        Scope::Tenants,
        &world,
        &only(&["role:admin*"]),
    ));
    assert!(
        e.contains("`tenant sync` plans tenants with their settings and roles only"),
        "{e}"
    );
}

#[test]
fn tenant_sync_leaves_top_level_sections_alone_but_checks_references() {
    let yaml = "\
permissions:
  - name: p
roles:
  - name: r
    permissions: [p, elsewhere]
tenants:
  - id: acme
    name: ACME
    roles:
      - name: own
        permissions: [live-p]
";
    let world = World {
        tenants: vec![tenant("acme", "ACME")],
        permissions: vec![perm("live-p", ""), perm("stale", "")],
        roles: vec![role("stale-role", None, &[])],
        ..World::default()
    };
    let p = ok(plan_in(yaml, Scope::Tenants, &world, &prune()));
    assert_eq!(
        shape(&p),
        [(ResourceKind::TenantRole, "acme/own".into(), Action::Create)]
    );
    let bad = yaml.replace("[live-p]", "[ghost]");
    let e = err(plan_in(&bad, Scope::Tenants, &world, &prune()));
    assert!(
        e.starts_with(&format!(
            "{}: role `own` of tenant `acme` has permission `ghost`",
            at(&bad, "ghost")
        )),
        "{e}"
    );
}

#[test]
fn settings_keep_every_field_the_file_does_not_manage() {
    let yaml = "\
tenants:
  - id: acme
    name: ACME
    domains: [new.acme.com]
    settings:
      sessionTokenExpiration: 2h
      refreshTokenExpiration: 4w
      inactivityTimeout: \"off\"
      ssoSetupSuite:
        styleId: ''
        disabledFeatures: {scim: true}
";
    let live = json!({
        "selfProvisioningDomains": ["old.acme.com"], "domains": ["sso.acme.com"],
        "authType": "saml", "enabled": false,
        "sessionTokenExpiration": 120, "sessionTokenExpirationUnit": "minutes",
        "refreshTokenExpiration": 2, "refreshTokenExpirationUnit": "days",
        "stepupTokenExpiration": 90, "stepupTokenExpirationUnit": "seconds",
        "enableInactivity": true, "inactivityTime": 45, "inactivityTimeUnit": "minutes",
        "JITDisabled": true,
        "ssoSetupSuiteSettings": {"enabled": true, "styleId": "s1",
            "disabledFeatures": {"saml": true, "scim": false, "ldap": true}},
        "federatedAppIds": ["f1"], "futureSetting": {"x": [1]}
    });
    let world = World {
        tenants: vec![Tenant {
            self_provisioning_domains: vec!["old.acme.com".into()],
            ..tenant("acme", "ACME")
        }],
        settings: BTreeMap::from([("acme".to_owned(), settings(live.clone()))]),
        ..World::default()
    };
    let p = ok(sync(yaml, &world, &PlanOptions::default()));
    assert_eq!(p.settings_reads, 1);
    let s = change(&p, ResourceKind::Settings, "acme");
    assert_eq!(s.label(), "settings of tenant `acme`");
    assert_eq!(
        fields(s),
        [
            ("enabled", json!(false), json!(true)),
            ("refreshTokenExpiration", json!("2d"), json!("4w")),
            ("inactivityTimeout", json!("45m"), json!("off")),
            ("ssoSetupSuite.styleId", json!("s1"), json!("")),
            (
                "ssoSetupSuite.disabledFeatures.scim",
                json!(false),
                json!(true)
            ),
        ],
        "120 minutes is the file's 2h: unchanged"
    );
    let Some(ResourceRequest::Settings(req)) = &s.request else {
        panic!("{s:?}")
    };
    let sent = req.to_map();
    let mut want = live.as_object().unwrap().clone();
    want.insert("enabled".into(), json!(true));
    want.insert("refreshTokenExpiration".into(), json!(4));
    want.insert("refreshTokenExpirationUnit".into(), json!("weeks"));
    want.insert("enableInactivity".into(), json!(false));
    want.insert("selfProvisioningDomains".into(), json!(["new.acme.com"]));
    want["ssoSetupSuiteSettings"] = json!({"enabled": true,
        "disabledFeatures": {"saml": true, "oidc": false, "scim": true, "ssoDomains": false,
            "groupMapping": false, "ldap": true}});
    assert_eq!(
        Value::Object(sent),
        Value::Object(want),
        "the inactivity time is kept"
    );

    // Applied, then planned again: nothing left.
    let mut after = world.clone();
    after.tenants[0].self_provisioning_domains = vec!["new.acme.com".into()];
    after.settings.insert("acme".into(), (**req).clone());
    let again = ok(sync(yaml, &after, &PlanOptions::default()));
    assert!(!again.has_changes(), "{again:#?}");
}

#[test]
fn settings_with_refuses_what_it_cannot_apply() {
    let base = SessionSettings::default();
    let f = |field: &str, new: Value| FieldChange {
        field: field.into(),
        old: Value::Null,
        new,
    };
    assert!(
        settings_with(&base, &[f("bogus", json!(1))])
            .unwrap_err()
            .contains("`bogus`")
    );
    assert!(settings_with(&base, &[f("jitDisabled", json!("yes"))]).is_err());
    assert!(settings_with(&base, &[f("sessionTokenExpiration", json!("5s"))]).is_err());
    let s = settings_with(
        &base,
        &[
            f("inactivityTimeout", json!("1h")),
            f("ssoSetupSuite.disabledFeatures.groupMapping", json!(true)),
        ],
    )
    .unwrap();
    assert!(s.enable_inactivity);
    assert!(
        s.sso_setup_suite
            .unwrap()
            .disabled_features
            .unwrap()
            .group_mapping
    );
}

#[test]
fn the_console_rule_is_checked_against_the_live_side() {
    let world = |session: u32, refresh: u32| World {
        tenants: vec![tenant("acme", "ACME")],
        settings: BTreeMap::from([(
            "acme".to_owned(),
            settings(json!({
                "sessionTokenExpiration": session, "sessionTokenExpirationUnit": "minutes",
                "refreshTokenExpiration": refresh, "refreshTokenExpirationUnit": "minutes"})),
        )]),
        ..World::default()
    };
    let yaml =
        "tenants:\n  - id: acme\n    name: ACME\n    settings:\n      sessionTokenExpiration: 2h\n";
    let e = err(sync(yaml, &world(10, 60), &PlanOptions::default()));
    assert!(
        e.starts_with(&format!(
            "{}: sessionTokenExpiration `2h` is longer than refreshTokenExpiration `1h` in tenant `acme`",
            at(yaml, "2h")
        )),
        "{e}"
    );
    assert!(sync(yaml, &world(10, 120), &PlanOptions::default()).is_ok());
    let yaml = "tenants:\n  - id: acme\n    name: ACME\n    settings:\n      refreshTokenExpiration: 30m\n";
    let e = err(sync(yaml, &world(45, 600), &PlanOptions::default()));
    assert!(
        e.starts_with(&format!(
            "{}: refreshTokenExpiration `30m` of tenant `acme` is shorter than its live sessionTokenExpiration `45m`",
            at(yaml, "refreshTokenExpiration")
        )),
        "{e}"
    );
}

#[test]
fn settings_and_roles_of_tenants_out_of_scope_are_not_read_or_planned() {
    let yaml = "\
tenants:
  - id: acme
    name: ACME
    settings: {jitDisabled: true}
  - id: beta
    name: Beta
    settings: {jitDisabled: true}
    roles: []
";
    let s = spec(yaml);
    assert_eq!(
        Reads::of(&s, Scope::Tenants, &only(&["acme"])),
        Reads {
            permissions: false,
            roles: false,
            settings_of: vec!["acme".into()]
        }
    );
    assert_eq!(
        Reads::of(&s, Scope::Tenants, &PlanOptions::default()).settings_of,
        ["acme", "beta"]
    );
}
