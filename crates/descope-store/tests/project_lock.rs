//! The per-project lock: exclusive, names its holder, released on drop.

mod common;

use std::fs;
use std::time::Duration;

use common::{mode, ts};
use descope_store::{DataDir, LockHolder, StoreError};

fn holder(pid: u32, command: &str) -> LockHolder {
    LockHolder {
        pid,
        command: command.into(),
        started: ts("2026-11-29T05:40:12Z"),
        actor: "alice@laptop".into(),
    }
}

#[test]
fn a_second_taker_is_told_who_holds_the_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::at(tmp.path().join("data"));
    let first = holder(4242, "tenant sync --apply");
    let lock = data.lock_project("P2abc", &first).unwrap();
    assert_eq!(lock.path(), data.locks_dir().join("P2abc.lock"));
    assert_eq!(mode(lock.path()), 0o600);
    assert_eq!(mode(&data.locks_dir()), 0o700);

    let err = data
        .lock_project("P2abc", &holder(7, "tenant delete acme"))
        .unwrap_err();
    match &err {
        StoreError::Locked {
            project_id,
            path,
            holder,
        } => {
            assert_eq!(project_id, "P2abc");
            assert_eq!(path, lock.path());
            assert_eq!(holder.as_ref(), Some(&first));
        }
        other => panic!("expected Locked, got {other:?}"),
    }
    let message = err.to_string();
    for part in [
        "pid 4242",
        "`tenant sync --apply`",
        "2026-11-29T05:40:12Z",
        "alice@laptop",
        "P2abc",
        "harmless",
    ] {
        assert!(message.contains(part), "{part:?} missing from: {message}");
    }
    // Another project is independent.
    data.lock_project("P2other", &first).unwrap();
}

#[test]
fn dropping_the_lock_releases_it_and_clears_the_holder() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::at(tmp.path());
    let lock = data.lock_project("P2abc", &holder(1, "a")).unwrap();
    let path = lock.path().to_owned();
    drop(lock);
    assert_eq!(fs::read_to_string(&path).unwrap(), "");
    let again = data.lock_project("P2abc", &holder(2, "b")).unwrap();
    let recorded: LockHolder = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(recorded, holder(2, "b"));
    again.release();
    data.lock_project("P2abc", &holder(3, "c")).unwrap();
}

#[test]
fn a_stale_lock_file_from_a_dead_process_is_harmless() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::at(tmp.path());
    fs::create_dir_all(data.locks_dir()).unwrap();
    let path = data.locks_dir().join("P2abc.lock");
    fs::write(
        &path,
        serde_json::to_string(&holder(999_999, "dead")).unwrap(),
    )
    .unwrap();
    let _lock = data.lock_project("P2abc", &holder(5, "alive")).unwrap();
    let recorded: LockHolder = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(recorded.pid, 5);
}

#[test]
fn a_holder_that_wrote_nothing_is_reported_anonymously() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::at(tmp.path());
    fs::create_dir_all(data.locks_dir()).unwrap();
    let path = data.locks_dir().join("P2abc.lock");
    let raw = fs::File::create(&path).unwrap();
    raw.lock().unwrap();
    let err = data.lock_project("P2abc", &holder(1, "x")).unwrap_err();
    assert!(
        matches!(err, StoreError::Locked { holder: None, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("another descope-mgmt is changing project P2abc"),
        "{err}"
    );
}

#[test]
fn waiting_gives_up_with_locked_after_the_timeout() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::at(tmp.path());
    let _held = data.lock_project("P2abc", &holder(1, "a")).unwrap();
    let err = data
        .lock_project_wait("P2abc", &holder(2, "b"), Duration::from_millis(250))
        .unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }), "{err:?}");
}

#[test]
fn waiting_gets_the_lock_once_the_holder_lets_go() {
    let tmp = tempfile::tempdir().unwrap();
    let data = DataDir::at(tmp.path());
    let held = data.lock_project("P2abc", &holder(1, "a")).unwrap();
    std::thread::scope(|s| {
        s.spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            drop(held);
        });
        let lock = data
            .lock_project_wait("P2abc", &holder(2, "b"), Duration::from_secs(60))
            .unwrap();
        assert_eq!(lock.project_id(), "P2abc");
    });
}

#[test]
fn a_bad_project_id_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let err = DataDir::at(tmp.path())
        .lock_project("../x", &holder(1, "a"))
        .unwrap_err();
    assert!(
        matches!(err, StoreError::InvalidProjectId { .. }),
        "{err:?}"
    );
}

#[test]
fn current_holder_is_this_process() {
    let h = LockHolder::current("tenant sync --apply", ts("2026-01-01T00:00:00Z"));
    assert_eq!(h.pid, std::process::id());
    assert!(h.actor.contains('@'));
}
