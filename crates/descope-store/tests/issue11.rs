//! Issue 11: a guarded prune keeps the last backup of a target gone from the project; audit
//! records of the old format still read; I/O errors carry a hint fitting their cause.

mod common;

use std::io;
use std::path::PathBuf;
use std::time::Duration;

use common::ts;
use descope_store::{
    AuditFilter, DataDir, LockHolder, NewBackup, PruneRules, StoreError, TargetType,
};
use serde_json::json;

fn write(store: &descope_store::BackupStore, kind: TargetType, id: &str, time: &str) -> PathBuf {
    let object = json!({"id": id, "name": id});
    store
        .write(&NewBackup {
            operation: "update",
            target_type: kind,
            target_id: id,
            tool_version: "0.1.0",
            reason: None,
            object: &object,
            settings: None,
            timestamp: ts(time),
        })
        .unwrap()
}

#[test]
fn guarded_prune_spares_the_last_backup_of_a_gone_target_only() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::at(tmp.path().join("data"));
    let store = data.backups("P2abc");
    let alive = [
        write(&store, TargetType::Tenant, "alive", "2026-01-01T00:00:00Z"),
        write(&store, TargetType::Tenant, "alive", "2026-01-02T00:00:00Z"),
    ];
    let gone = [
        write(&store, TargetType::Tenant, "gone", "2026-01-01T00:00:00Z"),
        write(&store, TargetType::Tenant, "gone", "2026-01-03T00:00:00Z"),
    ];
    let flow = write(&store, TargetType::Flow, "gone", "2026-01-04T00:00:00Z");
    let exists = |kind: TargetType, id: &str| kind == TargetType::Tenant && id == "alive";
    let mut rules = PruneRules {
        keep: Some(0),
        older_than: None,
        now: ts("2026-02-01T00:00:00Z"),
        prune_orphans: false,
    };

    let dry = store.prune_guarded(&rules, exists, true).unwrap();
    assert_eq!(
        dry.removed,
        [alive[0].clone(), gone[0].clone(), alive[1].clone()]
    );
    assert_eq!(dry.kept_orphans, [gone[1].clone(), flow.clone()]);
    assert!(dry.removed_orphans.is_empty());
    assert!(
        dry.removed.iter().all(|p| p.exists()),
        "a dry run deletes nothing"
    );

    // The old entry point spares nothing (it is what the guard is for).
    assert_eq!(
        store.prune(Some(0), None, rules.now, true).unwrap().len(),
        5
    );

    let done = store.prune_guarded(&rules, exists, false).unwrap();
    assert_eq!(done, dry);
    assert!(gone[1].exists() && flow.exists() && !alive[1].exists());

    // With a time rule, a recent last backup of a gone target is not a candidate at all.
    rules.keep = None;
    rules.older_than = Some(Duration::from_secs(3600));
    rules.prune_orphans = true;
    rules.now = ts("2026-01-03T12:00:00Z");
    let dry = store.prune_guarded(&rules, exists, true).unwrap();
    assert_eq!(dry.removed, [gone[1].clone()]);
    assert_eq!(dry.removed_orphans, [gone[1].clone()]);

    // Asked explicitly, the last backups go too and are counted.
    rules.older_than = None;
    rules.keep = Some(0);
    let done = store.prune_guarded(&rules, exists, false).unwrap();
    assert_eq!(done.removed_orphans, [gone[1].clone(), flow.clone()]);
    assert!(done.kept_orphans.is_empty());
    assert!(store.list().unwrap().entries.is_empty());
}

#[test]
fn old_snake_case_records_read_with_their_operation_derived_from_the_command() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::at(tmp.path());
    let line = |op: &str, command: &str| {
        json!({"time": "2026-01-01T00:00:00Z", "actor": "a@b", "project_id": "P2abc",
               "command": command, "operation": op, "target_type": "flow",
               "target_id": "f", "result": "ok", "duration_ms": 3, "tool_version": "0.1.0"})
        .to_string()
    };
    std::fs::write(
        data.audit_log().path(),
        [
            line("import", "descope-mgmt flow restore --latest f"),
            line("import", "descope-mgmt flow deploy f.json"),
            line("settings", "something unknown"),
        ]
        .join("\n")
            + "\n",
    )
    .unwrap();
    let all = data.audit_log().read(&AuditFilter::default()).unwrap();
    let got: Vec<(&str, &str)> = all
        .iter()
        .map(|r| (r.operation.as_str(), r.request.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("restore", "import"),
            ("deploy", "import"),
            ("settings", "settings")
        ]
    );
    assert_eq!(all[0].project_id, "P2abc");
    assert_eq!(all[0].target_type, TargetType::Flow);
    assert_eq!(all[0].duration_ms, 3);
    let restores = data
        .audit_log()
        .read(&AuditFilter {
            operation: Some("restore".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(restores.len(), 1);
}

#[test]
fn io_errors_hint_by_cause_and_a_held_lock_adds_none() {
    let io_err = |kind: io::ErrorKind| StoreError::Io {
        action: "write",
        path: PathBuf::from("/data/locks/P2abc.lock"),
        error: io::Error::from(kind),
    };
    let full = io_err(io::ErrorKind::StorageFull).hint().unwrap();
    assert!(full.contains("/data/locks is full"), "{full}");
    assert!(full.contains("DESCOPE_MGMT_HOME"), "{full}");
    let denied = io_err(io::ErrorKind::PermissionDenied).hint().unwrap();
    assert!(denied.contains("not writable"), "{denied}");
    assert_eq!(io_err(io::ErrorKind::Other).hint(), None);

    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::at(tmp.path());
    let holder = LockHolder::current("test", ts("2026-01-01T00:00:00Z"));
    let _held = data.lock_project("P2abc", &holder).unwrap();
    let err = data.lock_project("P2abc", &holder).unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }));
    assert_eq!(err.hint(), None, "its message already says to wait");
}

#[test]
fn taking_the_lock_on_a_full_device_reports_no_space() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::at(tmp.path());
    let locks = tmp.path().join("locks");
    std::fs::create_dir_all(&locks).unwrap();
    std::os::unix::fs::symlink("/dev/full", locks.join("P2abc.lock")).unwrap();
    let holder = LockHolder::current("test", ts("2026-01-01T00:00:00Z"));
    let err = data.lock_project("P2abc", &holder).unwrap_err();
    assert_eq!(err.io_kind(), Some(io::ErrorKind::StorageFull), "{err}");
    assert!(err.hint().unwrap().contains("is full"));
}
