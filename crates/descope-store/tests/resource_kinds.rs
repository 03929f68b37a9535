//! Backups and audit records of roles, permissions and tenant settings: safe file names for
//! names with spaces, `:` and `/`, ids that round-trip exactly, listing, latest, prune, and a
//! settings backup that holds its object under `settings`.

mod common;

use std::time::Duration;

use common::ts;
use descope_store::{
    AuditFilter, AuditLog, AuditRecord, BackupStore, DataDir, NewBackup, PruneRules, TargetType,
    load_backup, parse_backup,
};
use serde_json::{Value, json};

const PROJECT: &str = "P2kinds";

fn store() -> (tempfile::TempDir, BackupStore) {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::at(dir.path().join("data"));
    let store = data.backups(PROJECT);
    (dir, store)
}

fn write(
    store: &BackupStore,
    kind: TargetType,
    id: &str,
    object: &Value,
    time: &str,
) -> std::path::PathBuf {
    store
        .write(&NewBackup {
            operation: "sync-update",
            target_type: kind,
            target_id: id,
            tool_version: "0.1.0",
            reason: None,
            object,
            settings: None,
            timestamp: ts(time),
        })
        .unwrap()
}

#[test]
fn names_with_spaces_colons_and_slashes_make_safe_files_and_ids_round_trip() {
    let (_dir, store) = store();
    let role = json!({"id": "ROL1", "name": "a/b: c", "description": "", "permissionNames": ["x:read"],
        "tenantId": "acme", "default": false, "private": true});
    let role_id = TargetType::role_id(Some("acme"), "a/b: c");
    let perm = json!({"name": "projects:read all", "description": "Read", "systemDefault": false});
    let settings = json!({"sessionTokenExpiration": 15, "sessionTokenExpirationUnit": "minutes",
        "domains": ["acme.com"]});
    let cases = [
        (TargetType::Role, role_id.as_str(), &role),
        (TargetType::Permission, "projects:read all", &perm),
        (TargetType::Settings, "acme", &settings),
    ];
    for (i, (kind, id, object)) in cases.iter().enumerate() {
        let path = write(
            &store,
            *kind,
            id,
            object,
            &format!("2026-12-01T10:00:0{i}Z"),
        );
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
            "{name}"
        );
        assert!(name.contains(&format!("_{kind}_")), "{name}");
        assert_eq!(path.parent().unwrap(), store.dir());
        let back = load_backup(&path).unwrap();
        assert_eq!(back.metadata.target_type, *kind);
        assert_eq!(back.metadata.target_id, *id);
        assert_eq!(&back.object, *object);
        assert_eq!(back.settings, None);
        let raw: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(raw["metadata"]["target_type"], kind.as_str());
        assert_eq!(&raw[kind.object_key()], *object);
    }
    let listing = store.list().unwrap();
    assert!(listing.unreadable.is_empty());
    let kinds: Vec<TargetType> = listing
        .entries
        .iter()
        .map(|b| b.metadata.target_type)
        .collect();
    assert_eq!(
        kinds,
        [
            TargetType::Role,
            TargetType::Permission,
            TargetType::Settings
        ]
    );
    // Latest finds each by its exact id; a tenant of the same id is another target.
    let latest = store.latest(TargetType::Settings, "acme").unwrap().unwrap();
    assert_eq!(latest.object, settings);
    assert!(store.latest(TargetType::Tenant, "acme").unwrap().is_none());
    let latest = store.latest(TargetType::Role, &role_id).unwrap().unwrap();
    assert_eq!(latest.object, role);
    assert!(store.latest(TargetType::Role, "a/b: c").unwrap().is_none());
}

#[test]
fn a_settings_backup_cannot_carry_separate_settings() {
    let (_dir, store) = store();
    let object = json!({"enabled": true});
    let err = store
        .write(&NewBackup {
            operation: "restore",
            target_type: TargetType::Settings,
            target_id: "acme",
            tool_version: "0.1.0",
            reason: None,
            object: &object,
            settings: Some(&object),
            timestamp: ts("2026-12-01T10:00:00Z"),
        })
        .unwrap_err();
    assert!(err.to_string().contains("no separate settings"), "{err}");
    assert!(store.list().unwrap().entries.is_empty());
}

#[test]
fn a_backup_that_records_no_type_is_never_read_as_a_new_kind() {
    // The seed's format records no type: a tenant with its settings stays a tenant backup.
    let bytes = serde_json::to_vec(&json!({
        "metadata": {"timestamp": "2026-12-01 10:00:00", "operation": "update", "target_id": "acme"},
        "tenant": {"id": "acme", "name": "ACME"},
        "settings": {"enabled": true}
    }))
    .unwrap();
    let b = parse_backup(std::path::Path::new("x.json"), &bytes).unwrap();
    assert_eq!(b.metadata.target_type, TargetType::Tenant);
    assert_eq!(b.settings, Some(json!({"enabled": true})));
    // Only a role object and no recorded type: not inferred.
    let bytes = serde_json::to_vec(&json!({
        "metadata": {"timestamp": "2026-12-01 10:00:00", "operation": "update", "target_id": "r"},
        "role": {"name": "r"}
    }))
    .unwrap();
    assert!(parse_backup(std::path::Path::new("y.json"), &bytes).is_err());
    // An unknown recorded type names every known one.
    let bytes = serde_json::to_vec(&json!({
        "metadata": {"timestamp": "2026-12-01 10:00:00", "operation": "update", "target_id": "r",
                     "target_type": "group"},
        "group": {"name": "r"}
    }))
    .unwrap();
    let e = parse_backup(std::path::Path::new("z.json"), &bytes).unwrap_err();
    assert!(
        e.to_string().contains("\"permission\" or \"settings\""),
        "{e}"
    );
}

#[test]
fn prune_keeps_the_newest_of_each_role_permission_and_settings_target() {
    let (_dir, store) = store();
    let object = json!({"name": "viewer"});
    for (kind, id) in [
        (TargetType::Role, "viewer"),
        (TargetType::Role, "acme/viewer"),
        (TargetType::Permission, "viewer"),
        (TargetType::Settings, "viewer"),
    ] {
        for s in 0..3 {
            write(
                &store,
                kind,
                id,
                &object,
                &format!("2026-12-01T10:00:0{s}Z"),
            );
        }
    }
    let rules = PruneRules {
        keep: Some(1),
        older_than: None,
        now: ts("2026-12-02T00:00:00Z"),
        prune_orphans: false,
    };
    let gone = |kind: TargetType, id: &str| !(kind == TargetType::Role && id == "acme/viewer");
    let outcome = store
        .prune_guarded(&rules, |k, id| gone(k, id), false)
        .unwrap();
    assert_eq!(outcome.removed.len(), 8);
    assert!(outcome.kept_orphans.is_empty());
    let left = store.list().unwrap().entries;
    assert_eq!(left.len(), 4);
    assert!(
        left.iter()
            .all(|b| b.metadata.timestamp == ts("2026-12-01T10:00:02Z"))
    );
    // With every target gone, the last backups stay unless orphans may go.
    let outcome = store
        .prune_guarded(
            &PruneRules {
                older_than: Some(Duration::from_secs(1)),
                keep: None,
                ..rules
            },
            |_, _| false,
            true,
        )
        .unwrap();
    assert_eq!(outcome.kept_orphans.len(), 4);
    assert!(outcome.removed.is_empty());
}

#[test]
fn audit_records_of_the_new_kinds_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let log = AuditLog::at(dir.path().join("audit.jsonl"));
    for (kind, id) in [
        (TargetType::Role, "acme/a/b: c"),
        (TargetType::Permission, "projects:read"),
        (TargetType::Settings, "acme"),
    ] {
        log.append(&AuditRecord {
            time: ts("2026-12-01T10:00:00Z"),
            actor: "me@host".into(),
            project_id: PROJECT.into(),
            profile: None,
            command: "descope-mgmt restore --latest x".into(),
            operation: "restore".into(),
            request: "update".into(),
            target_type: kind,
            target_id: id.into(),
            result: "ok".into(),
            error: None,
            backup: None,
            duration_ms: 1,
            tool_version: "0.1.0".into(),
        })
        .unwrap();
    }
    let text = std::fs::read_to_string(dir.path().join("audit.jsonl")).unwrap();
    for want in [
        "\"targetType\":\"role\"",
        "\"targetType\":\"permission\"",
        "\"targetType\":\"settings\"",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    let read = log.read(&AuditFilter::default()).unwrap();
    let got: Vec<(TargetType, &str)> = read
        .iter()
        .map(|r| (r.target_type, r.target_id.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (TargetType::Role, "acme/a/b: c"),
            (TargetType::Permission, "projects:read"),
            (TargetType::Settings, "acme")
        ]
    );
}
