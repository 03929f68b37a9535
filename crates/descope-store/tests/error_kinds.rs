//! What callers branch on when a store operation fails: `StoreError::io_kind` gives the OS error
//! kind of an I/O failure (and nothing for the store's own refusals), and the message names the
//! path. Also: appending no audit records touches nothing on disk.

use std::fs;
use std::io::ErrorKind;

use descope_store::{AuditLog, StoreError, write_atomic};

#[test]
fn a_write_into_a_missing_directory_is_an_io_error_of_kind_not_found() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-dir");
    let path = missing.join("out.json");
    let err = write_atomic(&path, b"{}", true).expect_err("the directory does not exist");
    assert!(matches!(err, StoreError::Io { .. }), "{err:?}");
    assert_eq!(err.io_kind(), Some(ErrorKind::NotFound));
    let text = err.to_string();
    assert!(text.contains(&missing.display().to_string()), "{text}");
    assert!(!missing.exists(), "a failed write creates no directory");
}

#[test]
fn a_refusal_to_overwrite_has_no_io_kind_and_leaves_the_file_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("keep.txt");
    fs::write(&path, "original").unwrap();
    let err = write_atomic(&path, b"replacement", false).expect_err("must not overwrite");
    assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err:?}");
    assert_eq!(err.io_kind(), None);
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&path).unwrap(), "original");
    // No temporary file is left beside it.
    let names: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("keep.txt")]);
}

#[test]
fn appending_no_records_creates_neither_the_log_nor_its_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("audit");
    let log = AuditLog::at(dir.join("audit.jsonl"));
    log.append_all(&[]).unwrap();
    log.append_all_unsynced(&[]).unwrap();
    assert!(!dir.exists());
    // And the log still reads as empty.
    assert!(log.read(&Default::default()).unwrap().is_empty());
}
