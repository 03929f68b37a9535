//! A project plan saved (`--out`) and read back (`--plan`): its resources and their
//! fingerprints are written beside the tenants' and read back into the same plan, every request
//! derived again from what it shows; a stale or edited plan is refused; and a plan of tenants
//! alone writes exactly the document `tenant sync` always wrote.

use std::collections::BTreeMap;
use std::path::Path;

use descope_model::{Permission, Role, SessionSettings, Tenant};
use descope_spec::parse;
use descope_sync::{
    Action, LiveResources, PlanDocument, PlanOptions, ProjectPlan, ProjectPlanDocument, Reads,
    ResourceKind, SavedPlan, Scope, TrustError, live_fingerprints, plan_fingerprints, plan_project,
    resource_fingerprints,
};
use serde_json::{Value, json};

#[derive(Clone, Default)]
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
}

fn role(name: &str, tenant: Option<&str>, permissions: &[&str]) -> Role {
    Role {
        name: name.into(),
        tenant_id: tenant.map(str::to_owned),
        permission_names: permissions.iter().map(|p| (*p).to_owned()).collect(),
        ..Role::default()
    }
}

fn perm(name: &str) -> Permission {
    Permission {
        name: name.into(),
        ..Permission::default()
    }
}

fn tenant(id: &str) -> Tenant {
    Tenant {
        id: id.into(),
        name: id.to_uppercase(),
        ..Tenant::default()
    }
}

const FILE: &str = "\
permissions:
  - name: projects:write
    renamedFrom: projects:edit
  - name: projects:read
    description: Read
roles:
  - name: reader
    renamedFrom: viewer
    permissions: [projects:read]
  - name: editor
    permissions: [projects:write]
    private: true
tenants:
  - id: acme
    name: ACME
    domains: [new.acme.com]
    settings:
      sessionTokenExpiration: 15m
      jitDisabled: true
    roles:
      - name: acme-admin
        permissions: [projects:write]
  - id: fresh
    name: FRESH
    defaultRoles: [reader]
    settings:
      refreshTokenExpiration: 4w
";

fn world() -> World {
    World {
        tenants: vec![
            Tenant {
                self_provisioning_domains: vec!["old.acme.com".into()],
                default_roles: vec!["viewer".into()],
                ..tenant("acme")
            },
            tenant("gone"),
        ],
        permissions: vec![
            perm("projects:edit"),
            perm("projects:read"),
            perm("stale"),
            Permission {
                system_default: true,
                ..perm("Impersonate")
            },
        ],
        roles: vec![
            role("viewer", None, &["projects:read"]),
            role("old", None, &[]),
            role("acme-old", Some("acme"), &["projects:edit"]),
        ],
        settings: BTreeMap::from([(
            "acme".to_owned(),
            SessionSettings::from_map(
                json!({"selfProvisioningDomains": ["old.acme.com"], "enabled": true,
                       "sessionTokenExpiration": 1, "sessionTokenExpirationUnit": "hours",
                       "refreshTokenExpiration": 2, "refreshTokenExpirationUnit": "days",
                       "JITDisabled": false, "other": "kept"})
                .as_object()
                .unwrap(),
            )
            .unwrap(),
        )]),
    }
}

fn opts() -> PlanOptions {
    PlanOptions {
        prune: true,
        max_deletes: 10,
        ..PlanOptions::default()
    }
}

/// Plans `file` against `w` and writes the plan document, as `sync --out` does.
fn save(file: &str, w: &World, opts: &PlanOptions) -> (ProjectPlan, String) {
    let spec = parse(Path::new("project.yaml"), file, &|_| None).unwrap_or_else(|e| panic!("{e}"));
    let live = w.read(&Reads::of(&spec, Scope::Project, opts));
    let plan = plan_project(&spec, Scope::Project, &w.tenants, &live, opts)
        .unwrap_or_else(|e| panic!("{e}"));
    let fps = live_fingerprints(&w.tenants);
    let fingerprints = plan_fingerprints(&plan.tenants, &fps);
    let resource_fps = resource_fingerprints(&plan, &live);
    let doc = ProjectPlanDocument {
        plan: &plan,
        project_id: "P1",
        config: Some(Path::new("project.yaml")),
        fingerprints: &fingerprints,
        resource_fingerprints: &resource_fps,
        options: opts,
    };
    let text = serde_json::to_string_pretty(&doc).unwrap();
    (plan, text)
}

/// Reads the document back and checks it against `w`, as `sync --apply --plan` does.
fn load(text: &str, w: &World) -> Result<(ProjectPlan, PlanOptions), TrustError> {
    let saved = SavedPlan::from_json(text).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
    let live = w.read(&saved.reads());
    let fps = live_fingerprints(&w.tenants);
    saved.into_project_plan("P1", &w.tenants, &fps, &live)
}

fn damaged(text: &str, w: &World) -> String {
    match load(text, w) {
        Err(TrustError::Damaged(what)) => what,
        other => panic!("expected a damaged plan, got {other:?}"),
    }
}

#[test]
fn a_saved_project_plan_reads_back_as_the_same_plan() {
    let w = world();
    let (plan, text) = save(FILE, &w, &opts());
    assert!(plan.resources.iter().any(|c| c.renamed_from.is_some()));
    assert!(plan.resources.iter().any(|c| c.action == Action::Delete));
    let doc: Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&str> = doc["resourceFingerprints"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "permission:projects:edit",
            "permission:projects:read",
            "permission:projects:write",
            "permission:stale",
            "role:acme/acme-admin",
            "role:acme/acme-old",
            "role:editor",
            "role:old",
            "role:reader",
            "role:viewer",
            "settings:acme",
            "settings:fresh",
        ]
    );
    assert_eq!(doc["resourceFingerprints"]["settings:fresh"], Value::Null);
    assert_eq!(doc["resources"][0]["kind"], json!("permission"));
    let saved = SavedPlan::from_json(&text).unwrap();
    assert_eq!(
        saved.reads(),
        Reads {
            permissions: true,
            roles: true,
            settings_of: vec!["acme".into(), "fresh".into()],
        }
    );
    let (again, options) = load(&text, &w).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(options, opts());
    assert_eq!(again.tenants.summary(), plan.tenants.summary());
    assert_eq!(again.resources, plan.resources);
    assert_eq!(again.settings_reads, 1);
    assert_eq!(again.summary(), plan.summary());
}

#[test]
fn a_tenants_only_plan_writes_the_tenant_sync_document_byte_for_byte() {
    let file = "tenants:\n  - id: acme\n    name: Renamed\n  - id: new\n    name: New\n";
    let w = world();
    let (plan, text) = save(file, &w, &opts());
    assert!(plan.resources.is_empty());
    let fps = live_fingerprints(&w.tenants);
    let fingerprints = plan_fingerprints(&plan.tenants, &fps);
    let tenant_doc = PlanDocument {
        plan: &plan.tenants,
        project_id: "P1",
        config: Some(Path::new("project.yaml")),
        fingerprints: &fingerprints,
        options: &opts(),
    };
    assert_eq!(text, serde_json::to_string_pretty(&tenant_doc).unwrap());
    assert!(!text.contains("resource"));
    let (again, _) = load(&text, &w).unwrap();
    assert_eq!(again.tenants.changes.len(), plan.tenants.changes.len());
}

#[test]
fn a_changed_live_object_makes_the_plan_stale() {
    let w = world();
    let (_, text) = save(FILE, &w, &opts());
    let mut changed = w.clone();
    changed.roles[0].description = "edited meanwhile".into();
    changed.permissions.push(perm("projects:write"));
    changed.settings.get_mut("acme").unwrap().jit_disabled = true;
    match load(&text, &changed) {
        Err(TrustError::Changed(keys)) => assert_eq!(
            keys,
            ["permission:projects:write", "role:viewer", "settings:acme"]
        ),
        other => panic!("{other:?}"),
    }
}

/// The saved document as JSON, edited by `edit`, as text again.
fn edited(text: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(text).unwrap();
    edit(&mut v);
    serde_json::to_string(&v).unwrap()
}

fn resource<'a>(v: &'a mut Value, kind: &str, name: &str) -> &'a mut Value {
    v["resources"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["kind"] == json!(kind) && r["name"] == json!(name))
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

#[test]
fn an_edited_plan_is_refused() {
    let w = world();
    let (_, text) = save(FILE, &w, &opts());

    // A field's new value changed without its request.
    let t = edited(&text, |v| {
        resource(v, "role", "editor")["fields"][0]["new"] = json!(["projects:read"]);
    });
    assert_eq!(
        damaged(&t, &w),
        "the request of role `editor` does not match the change it shows"
    );
    // A request that sends more than it shows.
    let t = edited(&text, |v| {
        resource(v, "role", "reader")["request"]["updateRole"]["default"] = json!(true);
    });
    assert!(damaged(&t, &w).contains("request of role `reader`"));
    // An old value that is not what the object had.
    let t = edited(&text, |v| {
        resource(v, "settings", "acme")["fields"][0]["old"] = json!("2h");
    });
    assert!(
        damaged(&t, &w).contains("old value of `sessionTokenExpiration`"),
        "{}",
        damaged(&t, &w)
    );
    // The domains the settings write carries must be the tenant's after the plan.
    let t = edited(&text, |v| {
        resource(v, "settings", "acme")["request"]["settings"]["selfProvisioningDomains"] =
            json!(["evil.com"]);
    });
    assert!(damaged(&t, &w).contains("the settings of tenant `acme`"));
    // Deletes beyond what the plan was made with.
    let t = edited(&text, |v| v["options"]["prune"] = json!(false));
    assert!(damaged(&t, &w).contains("made without --prune"));
    let t = edited(&text, |v| v["options"]["maxDeletes"] = json!(2));
    assert!(
        damaged(&t, &w).contains("more than the --max-deletes 2"),
        "{}",
        damaged(&t, &w)
    );
    // A summary that does not count the resources.
    let t = edited(&text, |v| v["summary"]["delete"] = json!(0));
    assert!(SavedPlan::from_json(&t).is_err());
}

#[test]
fn only_kind_patterns_are_held_on_apply() {
    let w = world();
    let opts = PlanOptions {
        only: vec!["role:*".into()],
        ..opts()
    };
    let (plan, text) = save(FILE, &w, &opts);
    assert!(plan.tenants.changes.is_empty());
    assert!(plan.resources.iter().all(|c| c.kind == ResourceKind::Role));
    let (again, _) = load(&text, &w).unwrap();
    assert_eq!(again.resources, plan.resources);
    // A permission change slipped into a roles-only plan is outside its scope.
    let (_, everything) = save(FILE, &w, &self::opts());
    let t = edited(&text, |v| {
        let all: Value = serde_json::from_str(&everything).unwrap();
        let extra = all["resources"][0].clone();
        v["resources"].as_array_mut().unwrap().insert(0, extra);
        v["resourceFingerprints"] = all["resourceFingerprints"].clone();
    });
    let t = edited(&t, |v| {
        let n = v["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["action"] == json!("update"))
            .count();
        v["summary"]["update"] = json!(n);
    });
    assert!(
        damaged(&t, &w).contains("outside the --only scope"),
        "{}",
        damaged(&t, &w)
    );

    let opts = PlanOptions {
        only: vec!["tenant:acme".into(), "permission:*".into()],
        ..self::opts()
    };
    let (plan, text) = save(FILE, &w, &opts);
    assert_eq!(
        plan.tenants
            .changes
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        ["acme"]
    );
    let (again, _) = load(&text, &w).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(again.resources, plan.resources);
}
