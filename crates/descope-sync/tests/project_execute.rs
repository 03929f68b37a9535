//! Issue 13: `execute_project` against a recording backend — backups before any write, the
//! phases in the promised order (permissions → project roles → tenants → settings → tenant
//! roles → held default roles → deletes in reverse), batches per kind, action and tenant in
//! chunks of `BATCH_SIZE`, `--fail-fast`, and a stop between writes.

use std::cell::RefCell;

use descope_model::{PermissionRequest, RoleRequest, TenantRequest};
use descope_sync::{
    Action, BATCH_SIZE, Backend, Change, ExecuteOptions, Outcome, Plan, ProjectBackend,
    ProjectPlan, ResourceChange, ResourceKind, ResourceRequest,
};

#[derive(Default)]
struct Recorder {
    log: RefCell<Vec<String>>,
    /// Writes whose log line starts with this fail.
    refuse: Option<&'static str>,
    /// After this many writes, `stop` says yes.
    stop_after: Option<usize>,
}

impl Recorder {
    fn record(&self, line: String) -> Outcome {
        let failed = self.refuse.is_some_and(|p| line.starts_with(p));
        self.log.borrow_mut().push(line);
        if failed {
            Outcome::Failed("refused".into())
        } else {
            Outcome::Done
        }
    }

    fn writes(&self) -> usize {
        self.log
            .borrow()
            .iter()
            .filter(|l| !l.starts_with("backup"))
            .count()
    }
}

impl Backend for Recorder {
    type Error = String;

    async fn backup(&self, changes: &[&Change]) -> Result<(), String> {
        let ids: Vec<&str> = changes.iter().map(|c| c.id.as_str()).collect();
        self.log
            .borrow_mut()
            .push(format!("backup tenants {ids:?}"));
        Ok(())
    }

    async fn create(&self, c: &Change) -> Result<Outcome, String> {
        Ok(self.record(format!("tenant create {}", c.id)))
    }

    async fn update(&self, c: &Change) -> Result<Outcome, String> {
        Ok(self.record(format!("tenant update {}", c.id)))
    }

    async fn delete(&self, c: &Change) -> Result<Outcome, String> {
        Ok(self.record(format!("tenant delete {}", c.id)))
    }

    async fn rename_temporarily(&self, c: &Change, t: &str) -> Result<Outcome, String> {
        Ok(self.record(format!("tenant rename {} {t}", c.id)))
    }

    async fn set_default_roles(&self, c: &Change, roles: &[String]) -> Result<Outcome, String> {
        Ok(self.record(format!("default roles {} {roles:?}", c.id)))
    }
}

impl ProjectBackend for Recorder {
    async fn backup_resources(&self, changes: &[&ResourceChange]) -> Result<(), String> {
        let ids: Vec<String> = changes.iter().map(|c| c.target_id()).collect();
        self.log
            .borrow_mut()
            .push(format!("backup resources {ids:?}"));
        Ok(())
    }

    async fn write_batch(&self, changes: &[&ResourceChange]) -> Result<Outcome, String> {
        assert!(!changes.is_empty());
        let first = changes[0];
        assert!(
            changes.iter().all(|c| c.kind == first.kind
                && c.action == first.action
                && c.tenant == first.tenant)
        );
        Ok(self.record(format!(
            "{} {} {}{}",
            first.kind,
            first.action,
            changes.len(),
            first
                .tenant
                .as_deref()
                .map(|t| format!(" of {t}"))
                .unwrap_or_default()
        )))
    }

    async fn write_settings(&self, c: &ResourceChange) -> Result<Outcome, String> {
        Ok(self.record(format!("settings {}", c.name)))
    }
}

fn tenant(id: &str, action: Action, default_roles: Option<&[&str]>) -> Change {
    Change {
        id: id.into(),
        action,
        request: matches!(action, Action::Create | Action::Update).then(|| {
            Box::new(TenantRequest {
                id: id.into(),
                name: id.to_uppercase(),
                ..TenantRequest::default()
            })
        }),
        default_roles: default_roles.map(|r| r.iter().map(|s| (*s).to_owned()).collect()),
        kind: ResourceKind::Tenant,
        fields: Vec::new(),
        protected: false,
        temp_name: None,
    }
}

fn resource(
    kind: ResourceKind,
    tenant: Option<&str>,
    name: &str,
    action: Action,
) -> ResourceChange {
    let request = match (kind, action) {
        (ResourceKind::Permission, Action::Create) => {
            Some(ResourceRequest::CreatePermission(PermissionRequest {
                name: name.into(),
                ..PermissionRequest::default()
            }))
        }
        (ResourceKind::Role | ResourceKind::TenantRole, Action::Create) => {
            Some(ResourceRequest::CreateRole(RoleRequest {
                name: name.into(),
                tenant_id: tenant.map(str::to_owned),
                ..RoleRequest::default()
            }))
        }
        _ => None,
    };
    ResourceChange {
        kind,
        tenant: tenant.map(str::to_owned),
        name: name.into(),
        renamed_from: None,
        action,
        fields: Vec::new(),
        request,
        protected: false,
    }
}

fn run(plan: &ProjectPlan, backend: &Recorder, fail_fast: bool) -> descope_sync::ProjectReport {
    let options = ExecuteOptions {
        concurrency: 1,
        fail_fast,
    };
    let stop = || backend.stop_after.is_some_and(|n| backend.writes() >= n);
    futures::executor::block_on(descope_sync::execute_project(
        plan,
        &[],
        backend,
        &options,
        &stop,
    ))
    .expect("no fatal error")
}

fn mixed_plan() -> ProjectPlan {
    use Action::{Create, Delete, Update};
    use ResourceKind::{Permission, Role, Settings, TenantRole};
    ProjectPlan {
        tenants: Plan {
            changes: vec![
                tenant("acme", Create, Some(&["acme-admin", "viewer"])),
                tenant("globex", Update, Some(&["viewer"])),
            ],
        },
        resources: vec![
            resource(Permission, None, "p-new", Create),
            resource(Permission, None, "p-renamed", Update),
            resource(Permission, None, "p-old", Delete),
            resource(Role, None, "viewer", Create),
            resource(Role, None, "editor", Update),
            resource(Role, None, "gone", Delete),
            resource(Settings, Some("acme"), "acme", Update),
            resource(TenantRole, Some("acme"), "acme-admin", Create),
            resource(TenantRole, Some("globex"), "globex-admin", Create),
            resource(TenantRole, Some("globex"), "globex-old", Delete),
        ],
        ..ProjectPlan::default()
    }
}

#[test]
fn phases_run_in_the_promised_order_with_backups_first() {
    let backend = Recorder::default();
    let report = run(&mixed_plan(), &backend, false);
    let log = backend.log.borrow().clone();
    assert_eq!(
        log,
        vec![
            r#"backup tenants ["globex"]"#,
            // acme's settings are of a tenant this run creates: nothing to back up yet.
            r#"backup resources ["p-renamed", "p-old", "editor", "gone", "globex/globex-old"]"#,
            "permission update 1",
            "permission create 1",
            "role update 1",
            "role create 1",
            "tenant create acme",
            "tenant update globex",
            r#"default roles globex ["viewer"]"#,
            "settings acme",
            "tenant role create 1 of acme",
            "tenant role create 1 of globex",
            // acme's default roles name its own role, created just above.
            r#"default roles acme ["acme-admin", "viewer"]"#,
            "tenant role delete 1 of globex",
            "role delete 1",
            "permission delete 1",
        ]
    );
    assert_eq!(report.resources.len(), 10);
    assert!(report.resources.iter().all(|(_, o)| *o == Outcome::Done));
    assert_eq!(report.tenants.outcomes.len(), 2);
    assert!(
        report
            .tenants
            .outcomes
            .iter()
            .all(|(_, o)| *o == Outcome::Done)
    );
    assert!(!report.interrupted);
}

#[test]
fn batches_are_chunked_and_never_span_tenants() {
    let mut resources = Vec::new();
    for i in 0..(BATCH_SIZE * 2 + 1) {
        resources.push(resource(
            ResourceKind::Role,
            None,
            &format!("r{i:04}"),
            Action::Create,
        ));
    }
    for t in ["a", "b"] {
        for i in 0..3 {
            resources.push(resource(
                ResourceKind::TenantRole,
                Some(t),
                &format!("{t}{i}"),
                Action::Create,
            ));
        }
    }
    let plan = ProjectPlan {
        resources,
        ..ProjectPlan::default()
    };
    let backend = Recorder::default();
    let report = run(&plan, &backend, false);
    assert_eq!(
        *backend.log.borrow(),
        vec![
            format!("role create {BATCH_SIZE}"),
            format!("role create {BATCH_SIZE}"),
            "role create 1".to_owned(),
            "tenant role create 3 of a".to_owned(),
            "tenant role create 3 of b".to_owned(),
        ]
    );
    assert_eq!(report.resources.len(), BATCH_SIZE * 2 + 7);
}

#[test]
fn a_failed_batch_fails_each_of_its_changes_and_fail_fast_stops_the_rest() {
    let backend = Recorder {
        refuse: Some("role create"),
        ..Recorder::default()
    };
    let report = run(&mixed_plan(), &backend, true);
    let plan = mixed_plan();
    let viewer = plan
        .resources
        .iter()
        .position(|c| c.name == "viewer")
        .unwrap();
    assert!(
        report
            .resources
            .contains(&(viewer, Outcome::Failed("refused".into())))
    );
    // Nothing after the failed batch was sent.
    assert_eq!(backend.log.borrow().last().unwrap(), "role create 1");
    assert!(report.not_started() > 0);
    assert!(
        report
            .tenants
            .outcomes
            .iter()
            .all(|(_, o)| *o == Outcome::NotStarted)
    );
}

#[test]
fn without_fail_fast_a_failure_does_not_stop_the_run() {
    let backend = Recorder {
        refuse: Some("permission create"),
        ..Recorder::default()
    };
    let report = run(&mixed_plan(), &backend, false);
    assert_eq!(report.failed_resources().count(), 1);
    assert_eq!(backend.log.borrow().last().unwrap(), "permission delete 1");
}

#[test]
fn held_default_roles_wait_for_a_successful_tenant_write() {
    let backend = Recorder {
        refuse: Some("tenant create acme"),
        ..Recorder::default()
    };
    let report = run(&mixed_plan(), &backend, false);
    assert!(
        !backend
            .log
            .borrow()
            .iter()
            .any(|l| l.starts_with("default roles acme"))
    );
    assert!(
        report
            .tenants
            .outcomes
            .contains(&(0, Outcome::Failed("refused".into())))
    );
}

#[test]
fn a_stop_starts_no_new_write() {
    let backend = Recorder {
        stop_after: Some(3),
        ..Recorder::default()
    };
    let report = run(&mixed_plan(), &backend, false);
    assert_eq!(backend.writes(), 3);
    assert!(report.interrupted);
    // 12 changes, 3 written; the other 7 resources and both tenants were not started.
    assert_eq!(report.not_started(), 9);
}
