//! write_atomic and DataDir::ensure: contents, modes, no temp files, no half files on failure.

mod common;

use std::fs;

use common::{mode, names_in};
use descope_store::{DataDir, StoreError, write_atomic, write_atomic_with_mode};

#[test]
fn writes_the_file_with_mode_0600_and_leaves_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("plan.json");
    write_atomic(&target, b"{\"a\":1}\n", false).unwrap();
    assert_eq!(fs::read(&target).unwrap(), b"{\"a\":1}\n");
    assert_eq!(mode(&target), 0o600);
    assert_eq!(names_in(dir.path()), ["plan.json"]);
}

#[test]
fn overwrite_replaces_and_resets_the_mode() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("state.json");
    fs::write(&target, "old").unwrap();
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(&target, fs::Permissions::from_mode(0o644)).unwrap();
    write_atomic(&target, b"new", true).unwrap();
    assert_eq!(fs::read_to_string(&target).unwrap(), "new");
    assert_eq!(mode(&target), 0o600);
    assert_eq!(names_in(dir.path()), ["state.json"]);
}

#[test]
fn explicit_mode_is_applied_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("tenants.yaml");
    write_atomic_with_mode(&target, b"tenants: []\n", false, 0o644).unwrap();
    assert_eq!(mode(&target), 0o644);
}

#[test]
fn no_clobber_refuses_an_existing_file_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("backup.json");
    fs::write(&target, "original").unwrap();
    let err = write_atomic(&target, b"intruder", false).unwrap_err();
    assert!(
        matches!(err, StoreError::AlreadyExists { ref path } if path == &target),
        "{err:?}"
    );
    assert!(err.to_string().contains("backup.json"));
    assert_eq!(fs::read_to_string(&target).unwrap(), "original");
    assert_eq!(
        names_in(dir.path()),
        ["backup.json"],
        "the temp file must be removed"
    );
}

#[test]
fn a_failed_rename_removes_the_temp_file_and_leaves_the_target() {
    // Renaming a file over a non-empty directory fails (EISDIR) even for root, so this
    // exercises the error path after the temp file was fully written.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("taken");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("inside"), "keep").unwrap();
    let err = write_atomic(&target, b"data", true).unwrap_err();
    assert!(matches!(err, StoreError::Io { .. }), "{err:?}");
    assert_eq!(names_in(dir.path()), ["taken"]);
    assert_eq!(fs::read_to_string(target.join("inside")).unwrap(), "keep");
}

#[test]
fn an_unwritable_directory_is_an_error_and_nothing_is_written() {
    // Tests run as root here, and a read-only (0500) directory does not stop root from writing.
    // A directory that cannot exist does: the target's "directory" is a regular file.
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    fs::write(&blocker, "file").unwrap();
    let target = blocker.join("out.json");
    let err = write_atomic(&target, b"data", false).unwrap_err();
    assert!(matches!(err, StoreError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("not-a-dir"), "{err}");
    assert!(
        err.to_string().contains("os error"),
        "the OS reason is part of the message: {err}"
    );
    assert_eq!(names_in(dir.path()), ["not-a-dir"]);
    assert_eq!(fs::read_to_string(&blocker).unwrap(), "file");
}

#[test]
fn a_path_without_a_file_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = write_atomic(&dir.path().join(".."), b"x", true).unwrap_err();
    assert!(matches!(err, StoreError::Io { .. }), "{err:?}");
}

#[test]
fn ensure_creates_the_data_dir_with_mode_0700() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::at(dir.path().join("home/.descope-mgmt"));
    let report = data.ensure().unwrap();
    assert!(report.created);
    assert_eq!(report.loose_mode, None);
    assert_eq!(mode(data.path()), 0o700);
    let again = data.ensure().unwrap();
    assert!(!again.created);
}

#[test]
fn ensure_reports_but_keeps_a_loose_existing_dir() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared");
    fs::create_dir(&path).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    let report = DataDir::at(&path).ensure().unwrap();
    assert_eq!(report.loose_mode, Some(0o755));
    assert!(!report.created);
    assert_eq!(mode(&path), 0o755);
}

#[test]
fn ensure_fails_when_the_data_dir_is_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data");
    fs::write(&path, "").unwrap();
    let err = DataDir::at(&path).ensure().unwrap_err();
    assert!(matches!(err, StoreError::Io { .. }), "{err:?}");
}
