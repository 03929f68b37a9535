//! Backup edges the main suite does not reach: a write that would produce an unrestorable file is
//! refused before anything is written, a fractional format_version newer than this tool, and an
//! all-projects listing that skips what is not a project directory.

use std::fs;

use descope_store::{DataDir, NewBackup, StoreError, TargetType, list_all_projects, parse_backup};
use serde_json::{Value, json};

fn new_backup<'a>(object: &'a Value, settings: Option<&'a Value>) -> NewBackup<'a> {
    NewBackup {
        operation: "update",
        target_type: TargetType::Tenant,
        target_id: "acme",
        tool_version: "0.1.0",
        reason: None,
        object,
        settings,
        timestamp: "2026-11-29T05:40:12.123Z".parse().unwrap(),
    }
}

#[test]
fn a_backup_of_something_that_is_not_an_object_is_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::at(tmp.path().join("data"));
    let store = data.backups("P2abc");
    for (object, settings, what) in [
        (json!(["a", "list"]), None, "tenant"),
        (json!(42), None, "tenant"),
        (json!({"id": "acme"}), Some(json!("text")), "settings"),
    ] {
        let err = store
            .write(&new_backup(&object, settings.as_ref()))
            .expect_err("not restorable, so not written");
        assert!(matches!(err, StoreError::Encode { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains(what), "{text}");
        assert!(text.contains("must be a JSON object"), "{text}");
    }
    let listing = store.list().unwrap();
    assert!(listing.entries.is_empty() && listing.unreadable.is_empty());
    // The one that is fine is written and reads back with its id and project.
    let object = json!({"id": "acme", "name": "ACME"});
    let path = store.write(&new_backup(&object, None)).unwrap();
    let listing = store.list().unwrap();
    assert_eq!(listing.entries.len(), 1);
    assert_eq!(listing.entries[0].path, path);
    assert_eq!(
        listing.entries[0].file_name(),
        path.file_name().unwrap().to_string_lossy()
    );
    assert_eq!(store.project_id(), "P2abc");
}

#[test]
fn a_fractional_format_version_newer_than_supported_says_to_upgrade() {
    let body = json!({"format_version": 1.5,
        "metadata": {"timestamp": "2026-11-29T05:40:12Z", "operation": "update",
                     "target_type": "tenant", "target_id": "acme"},
        "tenant": {"id": "acme"}});
    let err = parse_backup(
        std::path::Path::new("b.json"),
        &serde_json::to_vec(&body).unwrap(),
    )
    .expect_err("1.5 is newer than 1");
    assert!(matches!(err, StoreError::BackupTooNew { .. }), "{err:?}");
    assert!(err.to_string().contains("1.5"), "{err}");
    assert!(err.to_string().contains("upgrade"), "{err}");
}

#[test]
fn all_projects_listing_skips_stray_files_and_hidden_directories() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::at(tmp.path().join("data"));
    let object = json!({"id": "acme", "name": "ACME"});
    data.backups("P2one")
        .write(&new_backup(&object, None))
        .unwrap();
    let root = data.backups_root();
    // A file at the top (not a project dir), a hidden dir, and in the project a non-JSON file, a
    // dotfile and a directory named like a backup: none of them is a backup or an error.
    fs::write(root.join("README.json"), "{}").unwrap();
    fs::create_dir_all(root.join(".trash")).unwrap();
    fs::write(root.join(".trash").join("old.json"), "garbage").unwrap();
    let project = root.join("P2one");
    fs::write(project.join("notes.txt"), "hello").unwrap();
    fs::write(project.join(".partial.json"), "{").unwrap();
    fs::create_dir_all(project.join("dir.json")).unwrap();

    let listing = list_all_projects(&data).unwrap();
    assert_eq!(listing.entries.len(), 1);
    assert_eq!(listing.entries[0].metadata.target_id, "acme");
    assert!(
        listing.unreadable.is_empty(),
        "{:?}",
        listing
            .unreadable
            .iter()
            .map(|u| &u.path)
            .collect::<Vec<_>>()
    );

    // A data dir without any backups lists nothing.
    let empty = DataDir::at(tmp.path().join("empty"));
    let listing = list_all_projects(&empty).unwrap();
    assert!(listing.entries.is_empty() && listing.unreadable.is_empty());
}
