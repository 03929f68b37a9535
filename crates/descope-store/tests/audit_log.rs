//! The audit log: append, read back, filters, limit, a crash-truncated last line, corrupt lines,
//! concurrent appends.

mod common;

use std::fs;
use std::io::Write;
use std::path::PathBuf;

use common::{mode, ts};
use descope_store::{AuditFilter, AuditRecord, DataDir, StoreError, TargetType};

fn record(time: &str, op: &str, id: &str) -> AuditRecord {
    AuditRecord {
        time: ts(time),
        actor: "alice@laptop".into(),
        project_id: "P2abc".into(),
        profile: Some("staging".into()),
        command: format!("tenant {op} {id}"),
        operation: op.into(),
        request: op.into(),
        target_type: TargetType::Tenant,
        target_id: id.into(),
        result: "ok".into(),
        error: None,
        backup: Some(PathBuf::from(format!(
            "/data/backups/P2abc/x_{op}_tenant_{id}.json"
        ))),
        duration_ms: 42,
        tool_version: "0.1.0".into(),
    }
}

fn sample() -> Vec<AuditRecord> {
    let mut failed = record("2026-01-02T00:00:00Z", "update", "beta");
    failed.result = "E112202".into();
    failed.error = Some("tenant name already in use".into());
    failed.backup = None;
    failed.profile = None;
    vec![
        record("2026-01-01T00:00:00Z", "create", "acme"),
        failed,
        record("2026-01-03T00:00:00Z", "update", "acme"),
        record("2026-01-04T00:00:00Z", "delete", "acme"),
        record("2026-01-05T00:00:00Z", "update", "gamma"),
    ]
}

fn filled() -> (tempfile::TempDir, DataDir, Vec<AuditRecord>) {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::at(tmp.path().join("data"));
    let records = sample();
    for r in &records {
        data.audit_log().append(r).unwrap();
    }
    (tmp, data, records)
}

#[test]
fn appended_records_read_back_in_order_one_line_each() {
    let (_tmp, data, records) = filled();
    let log = data.audit_log();
    assert_eq!(log.read(&AuditFilter::default()).unwrap(), records);
    assert_eq!(mode(log.path()), 0o600);
    assert_eq!(mode(data.path()), 0o700);
    let text = fs::read_to_string(log.path()).unwrap();
    assert_eq!(text.lines().count(), records.len());
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["time"], "2026-01-01T00:00:00Z");
    assert_eq!(first["targetType"], "tenant");
    assert_eq!(first["result"], "ok");
    assert_eq!(first["durationMs"], 42);
}

#[test]
fn a_missing_log_reads_as_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::at(tmp.path());
    assert!(
        data.audit_log()
            .read(&AuditFilter::default())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn filters_and_limit() {
    let (_tmp, data, all) = filled();
    let log = data.audit_log();
    let read = |f: AuditFilter| log.read(&f).unwrap();

    let since = read(AuditFilter {
        since: Some(ts("2026-01-03T00:00:00Z")),
        ..Default::default()
    });
    assert_eq!(since, all[2..]);

    let acme = read(AuditFilter {
        target_id: Some("acme".into()),
        ..Default::default()
    });
    assert_eq!(acme, [all[0].clone(), all[2].clone(), all[3].clone()]);

    let updates = read(AuditFilter {
        operation: Some("update".into()),
        ..Default::default()
    });
    assert_eq!(updates, [all[1].clone(), all[2].clone(), all[4].clone()]);

    // Newest N, still oldest first.
    let last_two = read(AuditFilter {
        limit: Some(2),
        ..Default::default()
    });
    assert_eq!(last_two, all[3..]);

    let combined = read(AuditFilter {
        target_id: Some("acme".into()),
        operation: Some("update".into()),
        since: Some(ts("2026-01-01T00:00:00Z")),
        limit: Some(5),
        ..Default::default()
    });
    assert_eq!(combined, [all[2].clone()]);

    let newest_acme = read(AuditFilter {
        target_id: Some("acme".into()),
        limit: Some(1),
        ..Default::default()
    });
    assert_eq!(newest_acme, [all[3].clone()]);

    assert!(
        read(AuditFilter {
            limit: Some(0),
            ..Default::default()
        })
        .is_empty()
    );
    assert!(
        read(AuditFilter {
            target_id: Some("nobody".into()),
            ..Default::default()
        })
        .is_empty()
    );
}

#[test]
fn a_truncated_last_line_is_skipped() {
    let (_tmp, data, all) = filled();
    let log = data.audit_log();
    let mut file = fs::OpenOptions::new()
        .append(true)
        .open(log.path())
        .unwrap();
    file.write_all(br#"{"time":"2026-01-06T00:00:00Z","actor":"alice@lap"#)
        .unwrap();
    drop(file);
    assert_eq!(log.read(&AuditFilter::default()).unwrap(), all);
}

#[test]
fn after_a_crash_fragment_the_next_record_starts_on_its_own_line() {
    let (_tmp, data, _) = filled();
    let log = data.audit_log();
    let mut file = fs::OpenOptions::new()
        .append(true)
        .open(log.path())
        .unwrap();
    file.write_all(br#"{"time":"2026-01-06T00:"#).unwrap();
    drop(file);
    let next = record("2026-01-07T00:00:00Z", "update", "acme");
    log.append(&next).unwrap();
    let text = fs::read_to_string(log.path()).unwrap();
    let last_line = text.lines().last().unwrap();
    assert_eq!(
        serde_json::from_str::<AuditRecord>(last_line).unwrap(),
        next
    );
    // The fragment is kept as evidence; reading now names it as an incomplete record.
    let err = log.read(&AuditFilter::default()).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::AuditCorrupt {
                line: 6,
                incomplete: true,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_corrupt_line_in_the_middle_is_an_error_naming_the_line() {
    let (_tmp, data, _) = filled();
    let log = data.audit_log();
    let text = fs::read_to_string(log.path()).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[2] = r#"{"time": "2026-01-03T00:00:00Z", "actor": 7}"#;
    fs::write(log.path(), lines.join("\n") + "\n").unwrap();
    let err = log.read(&AuditFilter::default()).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::AuditCorrupt {
                line: 3,
                incomplete: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("audit.jsonl:3"), "{err}");

    // A complete (newline-terminated) bad last line is corrupt too, not a crash leftover.
    let good: Vec<&str> = text.lines().collect();
    fs::write(log.path(), good.join("\n") + "\nnot json\n").unwrap();
    let err = log.read(&AuditFilter::default()).unwrap_err();
    assert!(
        matches!(err, StoreError::AuditCorrupt { line: 6, .. }),
        "{err:?}"
    );
}

#[test]
fn blank_lines_are_ignored() {
    let (_tmp, data, all) = filled();
    let log = data.audit_log();
    let text = fs::read_to_string(log.path()).unwrap();
    fs::write(log.path(), format!("\n{}\n\n", text.replace('\n', "\n\n"))).unwrap();
    assert_eq!(log.read(&AuditFilter::default()).unwrap(), all);
}

#[test]
fn concurrent_appends_never_interleave() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::at(tmp.path().join("data"));
    std::thread::scope(|s| {
        for t in 0..8 {
            let log = data.audit_log();
            s.spawn(move || {
                for i in 0..25 {
                    let mut r = record("2026-01-01T00:00:00Z", "update", &format!("t{t}-{i}"));
                    r.error = Some("x".repeat(2000));
                    log.append(&r).unwrap();
                }
            });
        }
    });
    let records = data.audit_log().read(&AuditFilter::default()).unwrap();
    assert_eq!(records.len(), 200);
    for t in 0..8 {
        let mine: Vec<String> = records
            .iter()
            .filter(|r| r.target_id.starts_with(&format!("t{t}-")))
            .map(|r| r.target_id.clone())
            .collect();
        let want: Vec<String> = (0..25).map(|i| format!("t{t}-{i}")).collect();
        assert_eq!(mine, want, "each thread's records in its own order");
    }
}

#[test]
fn an_unwritable_log_location_is_an_error() {
    // Root ignores read-only modes; a data dir that is a regular file blocks even root.
    let tmp = tempfile::tempdir().unwrap();
    let blocker = tmp.path().join("data");
    fs::write(&blocker, "").unwrap();
    let err = DataDir::at(&blocker)
        .audit_log()
        .append(&sample()[0])
        .unwrap_err();
    assert!(matches!(err, StoreError::Io { .. }), "{err:?}");
}

#[test]
fn a_batch_is_appended_as_one_line_per_record() {
    let (_tmp, data, mut records) = filled();
    let log = data.audit_log();
    let batch = sample();
    log.append_all(&batch).unwrap();
    log.append_all(&[]).unwrap();
    records.extend(batch);
    assert_eq!(log.read(&AuditFilter::default()).unwrap(), records);
    assert_eq!(
        fs::read_to_string(log.path()).unwrap().lines().count(),
        records.len()
    );
}
