//! Defects found in review after issue 11: `--local` writes whose state cannot be saved, user
//! files that are FIFOs without a reader, restores of a child whose parent is gone.

use std::path::Path;

use crate::{SmallFs, env};
use descope_testkit::{Run, TestEnv};

/// Runs `--local args` with the test's home (no service settings from the environment).
fn local(env: &TestEnv, args: &[&str]) -> Run {
    let mut all = vec!["--local"];
    all.extend_from_slice(args);
    let mut c = env.command(&all);
    c.env_remove("DESCOPE_PROJECT_ID")
        .env_remove("DESCOPE_MANAGEMENT_KEY")
        .env_remove("DESCOPE_BASE_URL");
    c.output().expect("binary runs").into()
}

fn local_name(env: &TestEnv, id: &str) -> String {
    let r = local(env, &["tenant", "get", id, "-o", "json"]);
    r.expect(0);
    r.json()["tenant"]["name"].as_str().unwrap().to_owned()
}

#[test]
fn local_write_whose_state_cannot_be_saved_fails_and_changes_nothing() {
    let env = env();
    // Only the emulator's state lives on the small file system: lock, backups and audit do not.
    let Some(fs) = SmallFs::mount(&env.data_dir().join("local"), "64k") else {
        return; // not allowed to mount a small file system here
    };
    local(&env, &["tenant", "create", "--id", "a", "--name", "A"]).expect(0);
    local(&env, &["tenant", "create", "--id", "b", "--name", "B"]).expect(0);
    assert!(fs.path.join("state.json").exists());
    let fill = fs.fill();

    let r = local(&env, &["tenant", "update", "a", "--name", "A12", "--yes"]);
    r.expect(1);
    let dir = fs.path.display().to_string();
    assert!(
        r.stderr.contains(&format!(
            "the state under {dir} could not be saved (disk full?)"
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("nothing was changed"), "{}", r.stderr);
    assert!(!r.stdout.contains("Updated"), "{}", r.stdout);
    assert!(!r.stderr.contains("at path"), "{}", r.stderr);
    let audit = local(&env, &["audit", "list", "-o", "json"]);
    audit.expect(0);
    let last = audit.json().as_array().unwrap().last().unwrap().clone();
    assert_ne!(last["result"], "ok", "{last}");

    // A sync with two changes: each is undone, the run fails (exit 3 per SPEC).
    let file = env.home().join("t.yaml");
    std::fs::write(
        &file,
        "tenants:\n  - id: a\n    name: A\n  - id: b\n    name: B2\n  - id: c\n    name: C\n",
    )
    .unwrap();
    let s = local(
        &env,
        &[
            "tenant",
            "sync",
            "-c",
            file.to_str().unwrap(),
            "--apply",
            "--yes",
        ],
    );
    assert!(matches!(s.code, 1 | 3), "{} {}", s.code, s.stderr);

    // Nothing was changed, on disk or in memory.
    std::fs::remove_file(fill).unwrap();
    assert_eq!(local_name(&env, "a"), "A");
    assert_eq!(local_name(&env, "b"), "B");
    local(&env, &["tenant", "get", "c"]).expect(1);
    // With space again, the same command works and lasts.
    local(&env, &["tenant", "update", "a", "--name", "A12", "--yes"]).expect(0);
    assert_eq!(local_name(&env, "a"), "A12");
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs")
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

/// Waits for `child` at most a minute (a harness deadline, not a timing assertion).
fn wait_bounded(child: &mut std::process::Child) -> std::process::ExitStatus {
    for _ in 0..600 {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = child.kill();
    panic!("the command did not end within a minute");
}

#[test]
fn export_to_a_fifo_without_a_reader_is_refused_and_with_one_arrives() {
    let env = env();
    env.seed(serde_json::json!([{"id": "acme", "name": "ACME"}]));
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    let mut child = env
        .command(&["tenant", "export", "-f", fifo.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status = wait_bounded(&mut child);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "cannot write {}: nothing is reading from this FIFO; start the reader first",
            fifo.display()
        )),
        "{stderr}"
    );

    // With a reader, the content arrives.
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    // Until the reader's open is there, the export is refused as above; then it writes.
    for _ in 0..600 {
        let r = env.run(&["tenant", "export", "-f", fifo.to_str().unwrap()]);
        if r.code == 1 && r.stderr.contains("nothing is reading from this FIFO") {
            std::thread::sleep(std::time::Duration::from_millis(100));
            continue;
        }
        r.expect(0);
        break;
    }
    let text = reader.join().unwrap();
    assert!(text.contains("id: acme"), "{text}");
    assert!(text.contains("name: ACME"), "{text}");
}

#[test]
fn a_signal_while_writing_to_a_stalled_fifo_exits_130() {
    use std::os::unix::fs::OpenOptionsExt;
    let env = env();
    // More than a pipe holds (64 KiB), so the write blocks on a reader that never reads.
    let tenants: Vec<_> = (0..1500)
        .map(|i| serde_json::json!({"id": format!("tenant{i:05}"), "name": format!("Tenant number {i:05}")}))
        .collect();
    env.seed(serde_json::Value::Array(tenants));
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    // Open for reading without waiting for a writer; never read.
    let _stalled = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(0o4000)
        .open(&fifo)
        .unwrap();
    let mut child = env
        .command(&["tenant", "export", "-f", fifo.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Let it reach the blocked write.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the write should block"
    );
    let ok = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let status = wait_bounded(&mut child);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
}

#[test]
fn restore_of_a_child_whose_parent_is_gone_says_to_restore_the_parent_first() {
    let env = env();
    env.run(&["tenant", "create", "--id", "p", "--name", "Parent"])
        .expect(0);
    env.run(&[
        "tenant", "create", "--id", "c", "--name", "Child", "--parent", "p",
    ])
    .expect(0);
    env.run(&["tenant", "delete", "c", "--yes"]).expect(0);
    env.run(&["tenant", "delete", "p", "--yes"]).expect(0);
    env.clear_journal();

    for dry in [true, false] {
        let mut args = vec!["tenant", "restore", "--latest", "c", "--yes"];
        if dry {
            args.push("--dry-run");
        }
        let r = env.run(&args);
        r.expect(1);
        assert!(
            r.stderr
                .contains("cannot create tenant c again: its parent tenant p no longer exists"),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr
                .contains("restore the parent first (`descope-mgmt tenant restore --latest p`)"),
            "{}",
            r.stderr
        );
        assert!(!r.stdout.contains("create it again"), "{}", r.stdout);
        assert!(!r.stderr.contains("E112202"), "{}", r.stderr);
    }
    assert!(env.writes().is_empty(), "{:?}", env.writes());

    // As the hint says: the parent, then the child.
    env.run(&["tenant", "restore", "--latest", "p", "--yes"])
        .expect(0);
    env.run(&["tenant", "restore", "--latest", "c", "--yes"])
        .expect(0);
    let r = env.run(&["tenant", "get", "c", "-o", "json"]);
    r.expect(0);
    assert_eq!(r.json()["tenant"]["parent"], "p", "{}", r.stdout);
}
