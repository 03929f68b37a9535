//! Backups: naming, modes, never overwriting, listing by recorded timestamp, the seed's format,
//! every kind of corrupt file, resolve, latest and prune.

mod common;

use std::cell::Cell;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{mode, names_in, paths_named, ts};
use descope_store::{
    Backup, BackupStore, DataDir, NewBackup, StoreError, TargetType, list_all_projects,
    load_backup, parse_backup,
};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{Config as ProptestConfig, RngAlgorithm, RngSeed, TestRunner};
use serde_json::{Value, json};

const PROJECT: &str = "P2abcDEF";

fn data() -> (tempfile::TempDir, DataDir) {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::at(dir.path().join("data"));
    (dir, data)
}

fn tenant(id: &str) -> Value {
    json!({"id": id, "name": format!("{id} Inc"), "selfProvisioningDomains": ["acme.com"],
           "customAttributes": {"tier": "gold"}, "parent": "", "disabled": false})
}

fn try_write(store: &BackupStore, id: &str, time: &str) -> Result<PathBuf, StoreError> {
    let object = tenant(id);
    store.write(&NewBackup {
        operation: "update",
        target_type: TargetType::Tenant,
        target_id: id,
        tool_version: "0.1.0",
        reason: Some("test"),
        object: &object,
        settings: None,
        timestamp: ts(time),
    })
}

fn write(store: &BackupStore, id: &str, time: &str) -> PathBuf {
    try_write(store, id, time).unwrap()
}

/// Writes a backup file by hand, in the current format, under any name.
fn write_raw(dir: &Path, name: &str, id: &str, time: &str) -> PathBuf {
    fs::create_dir_all(dir).unwrap();
    let path = dir.join(name);
    let body = json!({"format_version": 1,
        "metadata": {"timestamp": time, "operation": "update", "target_type": "tenant", "target_id": id},
        "tenant": tenant(id)});
    fs::write(&path, serde_json::to_vec_pretty(&body).unwrap()).unwrap();
    path
}

fn ids(entries: &[Backup]) -> Vec<&str> {
    entries
        .iter()
        .map(|b| b.metadata.target_id.as_str())
        .collect()
}

#[test]
fn write_records_everything_and_loads_back() {
    let (_tmp, data) = data();
    let store = data.backups(PROJECT);
    let object = tenant("acme");
    let settings = json!({"enableInactivity": true, "inactivityTime": 30});
    let path = store
        .write(&NewBackup {
            operation: "update",
            target_type: TargetType::Tenant,
            target_id: "acme",
            tool_version: "0.1.0",
            reason: Some("tenant update acme --name 'ACME Inc'"),
            object: &object,
            settings: Some(&settings),
            timestamp: ts("2026-11-29T05:40:12.123Z"),
        })
        .unwrap();

    assert_eq!(
        path,
        store
            .dir()
            .join("20261129T054012.123Z_update_tenant_acme.json")
    );
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&store.dir()), 0o700);
    assert_eq!(mode(&data.backups_root()), 0o700);
    assert_eq!(mode(data.path()), 0o700);

    let raw: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
    let keys: Vec<&String> = raw.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["format_version", "metadata", "tenant", "settings"]);
    assert_eq!(
        raw["metadata"],
        json!({"timestamp": "2026-11-29T05:40:12.123Z", "operation": "update", "target_type": "tenant",
               "target_id": "acme", "project_id": PROJECT, "tool_version": "0.1.0",
               "reason": "tenant update acme --name 'ACME Inc'"})
    );

    let b = load_backup(&path).unwrap();
    assert_eq!(b.path, path);
    assert_eq!(b.format_version, Some(1));
    assert_eq!(b.metadata.timestamp, ts("2026-11-29T05:40:12.123Z"));
    assert_eq!(b.metadata.operation, "update");
    assert_eq!(b.metadata.target_type, TargetType::Tenant);
    assert_eq!(b.metadata.target_id, "acme");
    assert_eq!(b.metadata.project_id.as_deref(), Some(PROJECT));
    assert_eq!(b.metadata.tool_version.as_deref(), Some("0.1.0"));
    assert_eq!(
        b.metadata.reason.as_deref(),
        Some("tenant update acme --name 'ACME Inc'")
    );
    assert_eq!(b.object, object);
    assert_eq!(b.settings, Some(settings));
}

#[test]
fn flows_and_themes_are_stored_under_their_own_key() {
    let (_tmp, data) = data();
    let store = data.backups(PROJECT);
    for (target_type, id) in [
        (TargetType::Flow, "sign-up-or-in"),
        (TargetType::Theme, "theme"),
    ] {
        let object = json!({"id": id, "screens": []});
        let path = store
            .write(&NewBackup {
                operation: "deploy",
                target_type,
                target_id: id,
                tool_version: "0.1.0",
                reason: None,
                object: &object,
                settings: None,
                timestamp: ts("2026-01-01T00:00:00Z"),
            })
            .unwrap();
        let raw: Value = serde_json::from_slice(&fs::read(&path).unwrap()).unwrap();
        assert_eq!(raw[target_type.object_key()], object);
        assert!(raw.get("tenant").is_none() && raw.get("settings").is_none());
        assert!(raw["metadata"].get("reason").is_none());
        let b = load_backup(&path).unwrap();
        assert_eq!(b.metadata.target_type, target_type);
        assert_eq!(b.object, object);
        assert_eq!(b.settings, None);
    }
}

#[test]
fn two_backups_in_the_same_millisecond_get_distinct_names() {
    let (_tmp, data) = data();
    let store = data.backups(PROJECT);
    let first = write(&store, "acme", "2026-11-29T05:40:12.123Z");
    let second = write(&store, "acme", "2026-11-29T05:40:12.123Z");
    let third = write(&store, "acme", "2026-11-29T05:40:12.123Z");
    assert_eq!(
        paths_named(&[first.clone(), second.clone(), third.clone()]),
        [
            "20261129T054012.123Z_update_tenant_acme.json",
            "20261129T054012.123Z_update_tenant_acme-2.json",
            "20261129T054012.123Z_update_tenant_acme-3.json"
        ]
    );
    // The first file was not touched by the later writes.
    assert_eq!(load_backup(&first).unwrap().object, tenant("acme"));
    let listing = store.list().unwrap();
    assert_eq!(listing.entries.len(), 3);
    assert!(listing.unreadable.is_empty());
    // Equal timestamps: the later suffix counts as newer.
    assert_eq!(
        store
            .latest(TargetType::Tenant, "acme")
            .unwrap()
            .unwrap()
            .path,
        third
    );
    assert!(
        names_in(&store.dir()).iter().all(|n| !n.starts_with('.')),
        "no temp files"
    );
}

#[test]
fn listing_follows_recorded_timestamps_not_file_names() {
    let (_tmp, data) = data();
    let store = data.backups(PROJECT);
    let dir = store.dir();
    // Names sort a < b < c, recorded times sort b < c < a; the offset in c is also honoured.
    write_raw(&dir, "a.json", "third", "2026-03-01T00:00:00Z");
    write_raw(&dir, "b.json", "first", "2026-01-01T00:00:00Z");
    write_raw(&dir, "c.json", "second", "2026-02-01T02:00:00+02:00");
    let listing = store.list().unwrap();
    assert_eq!(ids(&listing.entries), ["first", "second", "third"]);
}

#[test]
fn latest_uses_recorded_time_and_exact_ids_with_underscores_and_dashes() {
    let (_tmp, data) = data();
    let store = data.backups(PROJECT);
    write(&store, "acme", "2026-01-01T00:00:00Z");
    let newest_acme = write(&store, "acme", "2026-01-03T00:00:00Z");
    write(&store, "acme_corp", "2026-01-05T00:00:00Z");
    write(&store, "acme-corp_eu", "2026-01-06T00:00:00Z");
    write(&store, "acme_tenant_x", "2026-01-07T00:00:00Z");
    // Written later but recorded earlier: must not win.
    write(&store, "acme", "2025-12-31T00:00:00Z");

    assert_eq!(
        store
            .latest(TargetType::Tenant, "acme")
            .unwrap()
            .unwrap()
            .path,
        newest_acme
    );
    let b = store
        .latest(TargetType::Tenant, "acme-corp_eu")
        .unwrap()
        .unwrap();
    assert_eq!(b.metadata.target_id, "acme-corp_eu");
    assert_eq!(
        store
            .latest(TargetType::Tenant, "acme_tenant_x")
            .unwrap()
            .unwrap()
            .object,
        tenant("acme_tenant_x")
    );
    assert!(store.latest(TargetType::Tenant, "acme_").unwrap().is_none());
    assert!(store.latest(TargetType::Flow, "acme").unwrap().is_none());
    assert_eq!(
        ids(&store.list().unwrap().entries),
        [
            "acme",
            "acme",
            "acme",
            "acme_corp",
            "acme-corp_eu",
            "acme_tenant_x"
        ]
    );
}

#[test]
fn odd_ids_are_made_safe_in_the_file_name_but_kept_in_the_metadata() {
    let (_tmp, data) = data();
    let store = data.backups(PROJECT);
    let path = write(&store, "../../etc/passwd é", "2026-01-01T00:00:00Z");
    assert_eq!(path.parent().unwrap(), store.dir());
    assert_eq!(
        path.file_name().unwrap(),
        "20260101T000000.000Z_update_tenant_.._.._etc_passwd__.json"
    );
    assert_eq!(
        load_backup(&path).unwrap().metadata.target_id,
        "../../etc/passwd é"
    );
}

#[test]
fn a_project_id_that_would_escape_the_data_dir_is_refused() {
    let (tmp, data) = data();
    let store = data.backups("../escape");
    let err = try_write(&store, "acme", "2026-01-01T00:00:00Z").unwrap_err();
    assert!(
        matches!(err, StoreError::InvalidProjectId { .. }),
        "{err:?}"
    );
    assert_eq!(names_in(tmp.path()), Vec::<String>::new());
}

#[test]
fn an_unwritable_backup_dir_is_an_error_and_nothing_is_written() {
    // As root, a read-only directory does not stop writes, so block the path instead: make
    // `<data>/backups` a regular file. Creating `<data>/backups/<project>/` must then fail.
    let (_tmp, data) = data();
    fs::create_dir_all(data.path()).unwrap();
    fs::write(data.backups_root(), "in the way").unwrap();
    let store = data.backups(PROJECT);
    let err = try_write(&store, "acme", "2026-01-01T00:00:00Z").unwrap_err();
    assert!(matches!(err, StoreError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("backups"), "{err}");
    assert_eq!(names_in(data.path()), ["backups"]);
    assert_eq!(
        fs::read_to_string(data.backups_root()).unwrap(),
        "in the way"
    );
}

#[test]
fn seed_format_backups_load() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("2025-06-01T10:20:30Z", "2025-06-01T10:20:30Z"),
        ("2025-06-01T10:20:30.456Z", "2025-06-01T10:20:30.456Z"),
        ("2025-06-01T12:20:30+02:00", "2025-06-01T10:20:30Z"),
        ("2025-06-01T10:20:30.5+00:00", "2025-06-01T10:20:30.5Z"),
        ("2025-06-01T10:20:30", "2025-06-01T10:20:30Z"),
        ("2025-06-01 10:20:30", "2025-06-01T10:20:30Z"),
        ("2025-06-01T10:20:30.123456", "2025-06-01T10:20:30.123456Z"),
    ];
    for (i, (written, meant)) in cases.into_iter().enumerate() {
        let path = dir.path().join(format!("seed{i}.json"));
        let body = json!({"metadata": {"timestamp": written, "operation": "delete", "target_id": "acme"},
                          "tenant": {"id": "acme", "name": "Acme", "domains": ["acme.com"]}});
        fs::write(&path, body.to_string()).unwrap();
        let b = load_backup(&path).unwrap_or_else(|e| panic!("{written}: {e}"));
        assert_eq!(b.format_version, None);
        assert_eq!(b.metadata.timestamp, ts(meant), "{written}");
        assert_eq!(b.metadata.operation, "delete");
        assert_eq!(b.metadata.target_type, TargetType::Tenant);
        assert_eq!(b.metadata.target_id, "acme");
        assert_eq!(b.metadata.project_id, None);
        assert_eq!(b.metadata.tool_version, None);
        assert_eq!(
            b.object,
            json!({"id": "acme", "name": "Acme", "domains": ["acme.com"]})
        );
        assert_eq!(b.settings, None);
    }
}

#[test]
fn seed_backups_list_alongside_new_ones() {
    let (_tmp, data) = data();
    let store = data.backups(PROJECT);
    write(&store, "newer", "2026-01-01T00:00:00Z");
    fs::write(
        store.dir().join("old.json"),
        r#"{"metadata": {"timestamp": "2025-01-01 00:00:00", "operation": "delete", "target_id": "older"},
            "tenant": {"id": "older", "name": "Older", "domains": []}}"#,
    )
    .unwrap();
    assert_eq!(ids(&store.list().unwrap().entries), ["older", "newer"]);
}

/// Each damaged or foreign file gives its own error, which names the file.
#[test]
fn corrupt_backups_each_give_their_error() {
    let dir = tempfile::tempdir().unwrap();
    let good_meta = r#""metadata": {"timestamp": "2026-01-01T00:00:00Z", "operation": "update", "target_id": "acme"}"#;
    type Case = (&'static str, String, fn(&StoreError) -> bool);
    let cases: Vec<Case> = vec![
        ("empty", String::new(), |e| matches!(e, StoreError::BackupEmpty { .. })),
        ("blank", "  \n\t\n".into(), |e| matches!(e, StoreError::BackupEmpty { .. })),
        ("truncated", format!("{{{good_meta}, \"tenant\": {{\"id\": \"ac"), |e| {
            matches!(e, StoreError::BackupTruncated { line: 1, .. })
        }),
        ("garbage", "{\n  \"metadata\": nope\n}".into(), |e| {
            matches!(e, StoreError::BackupInvalidJson { line: 2, column: 16, .. })
        }),
        ("trailing", format!("{{{good_meta}, \"tenant\": {{}}}} extra"), |e| {
            matches!(e, StoreError::BackupInvalidJson { .. })
        }),
        ("binary", "\u{0}\u{1}\u{2}".into(), |e| matches!(e, StoreError::BackupInvalidJson { .. })),
        ("array", "[{\"id\": \"acme\"}]".into(), |e| {
            matches!(e, StoreError::BackupNotObject { found: "array", .. })
        }),
        ("string", "\"hello\"".into(), |e| matches!(e, StoreError::BackupNotObject { found: "string", .. })),
        ("no-metadata", "{\"tenant\": {\"id\": \"acme\"}}".into(), |e| {
            matches!(e, StoreError::BackupNoMetadata { .. })
        }),
        ("no-object", format!("{{{good_meta}}}"), |e| matches!(e, StoreError::BackupNoObject { .. })),
        ("null-object", format!("{{{good_meta}, \"tenant\": null}}"), |e| {
            matches!(e, StoreError::BackupNoObject { .. })
        }),
        (
            "wrong-key",
            r#"{"metadata": {"timestamp": "2026-01-01T00:00:00Z", "operation": "update", "target_id": "acme",
                "target_type": "flow"}, "tenant": {}}"#
                .into(),
            |e| matches!(e, StoreError::BackupNoObject { expected, .. } if expected == "\"flow\""),
        ),
        ("ambiguous", format!("{{{good_meta}, \"tenant\": {{}}, \"flow\": {{}}}}"), |e| {
            matches!(e, StoreError::BackupAmbiguousObject { .. })
        }),
        ("too-new", format!("{{\"format_version\": 2, {good_meta}, \"tenant\": {{}}}}"), |e| {
            matches!(e, StoreError::BackupTooNew { found, supported: 1, .. } if found == "2")
        }),
        ("version-string", format!("{{\"format_version\": \"1\", {good_meta}, \"tenant\": {{}}}}"), |e| {
            matches!(e, StoreError::BackupBadField { field, .. } if field == "format_version")
        }),
        ("version-zero", format!("{{\"format_version\": 0, {good_meta}, \"tenant\": {{}}}}"), |e| {
            matches!(e, StoreError::BackupBadField { field, .. } if field == "format_version")
        }),
        ("metadata-array", "{\"metadata\": [], \"tenant\": {}}".into(), |e| {
            matches!(e, StoreError::BackupBadField { field, .. } if field == "metadata")
        }),
        (
            "timestamp-number",
            r#"{"metadata": {"timestamp": 1735689600, "operation": "update", "target_id": "acme"}, "tenant": {}}"#.into(),
            |e| matches!(e, StoreError::BackupBadField { field, .. } if field == "metadata.timestamp"),
        ),
        (
            "no-target-id",
            r#"{"metadata": {"timestamp": "2026-01-01T00:00:00Z", "operation": "update"}, "tenant": {}}"#.into(),
            |e| matches!(e, StoreError::BackupBadField { field, .. } if field == "metadata.target_id"),
        ),
        (
            "bad-target-type",
            r#"{"metadata": {"timestamp": "2026-01-01T00:00:00Z", "operation": "update", "target_id": "a",
                "target_type": "user"}, "tenant": {}}"#
                .into(),
            |e| matches!(e, StoreError::BackupBadField { field, .. } if field == "metadata.target_type"),
        ),
        (
            "project-number",
            r#"{"metadata": {"timestamp": "2026-01-01T00:00:00Z", "operation": "update", "target_id": "a",
                "project_id": 7}, "tenant": {}}"#
                .into(),
            |e| matches!(e, StoreError::BackupBadField { field, .. } if field == "metadata.project_id"),
        ),
        ("tenant-string", format!("{{{good_meta}, \"tenant\": \"acme\"}}"), |e| {
            matches!(e, StoreError::BackupBadField { field, .. } if field == "tenant")
        }),
        ("settings-array", format!("{{{good_meta}, \"tenant\": {{}}, \"settings\": []}}"), |e| {
            matches!(e, StoreError::BackupBadField { field, .. } if field == "settings")
        }),
        (
            "bad-timestamp",
            r#"{"metadata": {"timestamp": "last tuesday", "operation": "update", "target_id": "a"}, "tenant": {}}"#.into(),
            |e| matches!(e, StoreError::BackupBadTimestamp { value, .. } if value == "last tuesday"),
        ),
    ];
    for (name, body, is_expected) in cases {
        let path = dir.path().join(format!("{name}.json"));
        fs::write(&path, &body).unwrap();
        let err = load_backup(&path).unwrap_err();
        assert!(is_expected(&err), "{name}: unexpected {err:?}");
        let message = err.to_string();
        assert!(
            message.contains(&format!("{name}.json")),
            "{name}: message does not name the file: {message}"
        );
    }
    let missing = dir.path().join("missing.json");
    let err = load_backup(&missing).unwrap_err();
    assert!(matches!(err, StoreError::BackupMissing { .. }), "{err:?}");
    assert!(err.to_string().contains("missing.json") && err.to_string().contains("backup list"));
}

#[test]
fn every_prefix_of_a_good_backup_is_an_error_not_a_panic() {
    let (_tmp, data) = data();
    let path = write(&data.backups(PROJECT), "acme", "2026-01-01T00:00:00Z");
    let bytes = fs::read(&path).unwrap();
    for len in 0..bytes.len() - 1 {
        match parse_backup(&path, &bytes[..len]) {
            Err(StoreError::BackupEmpty { .. } | StoreError::BackupTruncated { .. }) => {}
            other => panic!("prefix of {len} bytes: {other:?}"),
        }
    }
    parse_backup(&path, &bytes).unwrap();
}

const SPECIALS: &[u8] = b"{}[]\":,0-e.nul\\ \x00\xff";

/// One edit of a backup's bytes, at a position in the file.
#[derive(Debug, Clone)]
enum ByteEdit {
    Replace(Index, u8),
    Remove(Index),
    Insert(Index, u8),
}

fn byte_edits() -> impl Strategy<Value = Vec<ByteEdit>> {
    let special = || select(SPECIALS);
    let edit = prop_oneof![
        (any::<Index>(), special()).prop_map(|(at, b)| ByteEdit::Replace(at, b)),
        any::<Index>().prop_map(ByteEdit::Remove),
        (any::<Index>(), special()).prop_map(|(at, b)| ByteEdit::Insert(at, b)),
    ];
    vec(edit, 1..=4)
}

/// Run with a `TestRunner` (not `proptest!`) to count, across all cases, the broken files.
#[test]
fn mutated_backups_never_panic() {
    let (_tmp, data) = data();
    let path = write(&data.backups(PROJECT), "acme", "2026-01-01T00:00:00Z");
    let good = fs::read(&path).unwrap();
    let failures = Cell::new(0);
    // 3000 cases from a fixed seed, no regression files: a failure shows again on every run.
    let config = ProptestConfig {
        cases: 3000,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::XorShift,
        rng_seed: RngSeed::Fixed(0x9E37_79B9_7F4A_7C15),
        ..ProptestConfig::default()
    };
    let result = TestRunner::new(config).run(&byte_edits(), |edits| {
        let mut bytes = good.clone();
        for edit in edits {
            match edit {
                ByteEdit::Replace(at, b) => {
                    let at = at.index(bytes.len());
                    bytes[at] = b;
                }
                ByteEdit::Remove(at) => {
                    bytes.remove(at.index(bytes.len()));
                }
                ByteEdit::Insert(at, b) => bytes.insert(at.index(bytes.len()), b),
            }
        }
        if parse_backup(&path, &bytes).is_err() {
            failures.set(failures.get() + 1);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    assert!(failures.get() > 0, "mutations should break some files");
}

#[test]
fn listing_reports_bad_files_without_hiding_good_ones() {
    let (_tmp, data) = data();
    let store = data.backups(PROJECT);
    write(&store, "acme", "2026-01-01T00:00:00Z");
    fs::write(store.dir().join("broken.json"), "{\"metadata\":").unwrap();
    fs::write(store.dir().join("notes.txt"), "not a backup").unwrap();
    fs::write(store.dir().join(".descope-mgmt-abc.tmp"), "{").unwrap();
    fs::write(store.dir().join(".hidden.json"), "{").unwrap();
    fs::create_dir(store.dir().join("subdir.json")).unwrap();
    let listing = store.list().unwrap();
    assert_eq!(ids(&listing.entries), ["acme"]);
    assert_eq!(listing.unreadable.len(), 1);
    assert_eq!(listing.unreadable[0].path, store.dir().join("broken.json"));
    assert!(matches!(
        listing.unreadable[0].error,
        StoreError::BackupTruncated { .. }
    ));
}

#[test]
fn listing_a_project_without_backups_is_empty() {
    let (_tmp, data) = data();
    let listing = data.backups(PROJECT).list().unwrap();
    assert!(listing.entries.is_empty() && listing.unreadable.is_empty());
    assert!(
        data.backups(PROJECT)
            .latest(TargetType::Tenant, "acme")
            .unwrap()
            .is_none()
    );
}

#[test]
fn all_projects_are_listed_together_by_time() {
    let (_tmp, data) = data();
    write(&data.backups("P2one"), "one-old", "2026-01-01T00:00:00Z");
    write(&data.backups("P2two"), "two", "2026-01-02T00:00:00Z");
    write(&data.backups("P2one"), "one-new", "2026-01-03T00:00:00Z");
    fs::write(data.backups("P2two").dir().join("bad.json"), "[]").unwrap();
    let listing = list_all_projects(&data).unwrap();
    assert_eq!(ids(&listing.entries), ["one-old", "two", "one-new"]);
    assert_eq!(
        listing.entries[1].metadata.project_id.as_deref(),
        Some("P2two")
    );
    assert_eq!(listing.unreadable.len(), 1);
    let empty = tempfile::tempdir().unwrap();
    assert!(
        list_all_projects(&DataDir::at(empty.path()))
            .unwrap()
            .entries
            .is_empty()
    );
}

#[test]
fn resolve_accepts_names_paths_and_project_qualified_names() {
    let (_tmp, data) = data();
    let store = data.backups(PROJECT);
    let path = write(&store, "acme", "2026-01-01T00:00:00Z");
    let name = path.file_name().unwrap().to_str().unwrap().to_owned();
    assert_eq!(store.resolve(&name).unwrap(), path);
    assert_eq!(store.resolve(name.trim_end_matches(".json")).unwrap(), path);
    assert_eq!(store.resolve(path.to_str().unwrap()).unwrap(), path);
    // `backup list --all-projects` shows `<project>/<name>`; any store resolves it.
    let other = data.backups("P2other");
    assert_eq!(
        other.resolve(&format!("{PROJECT}/{name}")).unwrap(),
        data.backups_root().join(PROJECT).join(&name)
    );

    for missing in ["nope.json", "", "..", "/no/such/file.json"] {
        let err = store.resolve(missing).unwrap_err();
        assert!(
            matches!(err, StoreError::BackupNotFound { .. }),
            "{missing:?}: {err:?}"
        );
        assert!(err.to_string().contains("backup list"), "{err}");
    }
}

fn prune_fixture(store: &BackupStore) -> Vec<PathBuf> {
    vec![
        write(store, "acme", "2026-01-01T00:00:00Z"),
        write(store, "acme", "2026-01-05T00:00:00Z"),
        write(store, "acme", "2026-01-09T00:00:00Z"),
        write(store, "beta", "2026-01-02T00:00:00Z"),
        write(store, "beta", "2026-01-08T00:00:00Z"),
        write(store, "gamma", "2025-06-01T00:00:00Z"),
    ]
}

#[test]
fn prune_keep_leaves_the_newest_n_per_target() {
    let (_tmp, data) = data();
    let store = data.backups(PROJECT);
    let p = prune_fixture(&store);
    let now = ts("2026-01-10T00:00:00Z");

    let would = store.prune(Some(1), None, now, true).unwrap();
    assert_eq!(would, [p[0].clone(), p[3].clone(), p[1].clone()]);
    assert_eq!(
        store.list().unwrap().entries.len(),
        6,
        "dry run deletes nothing"
    );

    let deleted = store.prune(Some(1), None, now, false).unwrap();
    assert_eq!(deleted, would);
    assert!(deleted.iter().all(|p| !p.exists()));
    assert_eq!(
        ids(&store.list().unwrap().entries),
        ["gamma", "beta", "acme"]
    );
    assert!(store.prune(Some(1), None, now, false).unwrap().is_empty());
}

#[test]
fn prune_older_than_uses_recorded_time() {
    let (_tmp, data) = data();
    let store = data.backups(PROJECT);
    let p = prune_fixture(&store);
    let now = ts("2026-01-10T00:00:00Z");
    let week = Duration::from_secs(7 * 24 * 3600);

    let would = store.prune(None, Some(week), now, true).unwrap();
    assert_eq!(would, [p[5].clone(), p[0].clone(), p[3].clone()]);
    assert!(would.iter().all(|p| p.exists()));
    assert_eq!(store.prune(None, Some(week), now, false).unwrap(), would);
    assert_eq!(
        ids(&store.list().unwrap().entries),
        ["acme", "beta", "acme"]
    );
}

#[test]
fn prune_with_both_rules_deletes_only_what_both_let_go() {
    let (_tmp, data) = data();
    let store = data.backups(PROJECT);
    let p = prune_fixture(&store);
    let now = ts("2026-01-10T00:00:00Z");
    let week = Duration::from_secs(7 * 24 * 3600);
    // Beyond the newest 1: acme 01-01, acme 01-05, beta 01-02. Older than 01-03: acme 01-01,
    // beta 01-02, gamma. Both: acme 01-01 and beta 01-02 (gamma is its target's newest).
    let deleted = store.prune(Some(1), Some(week), now, false).unwrap();
    assert_eq!(deleted, [p[0].clone(), p[3].clone()]);
    // Neither rule: nothing, and an enormous age does not overflow.
    assert!(store.prune(None, None, now, false).unwrap().is_empty());
    assert!(
        store
            .prune(None, Some(Duration::MAX), now, false)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn prune_never_deletes_unreadable_files() {
    let (_tmp, data) = data();
    let store = data.backups(PROJECT);
    write(&store, "acme", "2026-01-01T00:00:00Z");
    let bad = store.dir().join("bad.json");
    fs::write(&bad, "{").unwrap();
    let deleted = store
        .prune(Some(0), None, ts("2026-02-01T00:00:00Z"), false)
        .unwrap();
    assert_eq!(deleted.len(), 1);
    assert!(bad.exists());
}
