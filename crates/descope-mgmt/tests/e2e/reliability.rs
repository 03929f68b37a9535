//! Issue 6 (part): interruption, crash, concurrent runs.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::bin;
use descope_testkit::TestEnv;

fn slow_env() -> TestEnv {
    let faults = descope_emulator::Faults {
        latency_ms: 40,
        ..Default::default()
    };
    TestEnv::with_faults(bin(), faults, 0)
}

fn big_file(env: &TestEnv, n: usize) -> String {
    let mut text = String::from("tenants:\n");
    for i in 0..n {
        text.push_str(&format!("  - id: t{i:04}\n    name: Tenant {i}\n"));
    }
    let p = env.home().join("big.yaml");
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

/// Waits until the emulator has seen at least `n` writes (bounded).
fn wait_for_writes(env: &TestEnv, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while env.writes().len() < n {
        assert!(Instant::now() < deadline, "the apply never started writing");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn signal(pid: u32, sig: &str) {
    let ok = std::process::Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill {sig} {pid}");
}

fn ok_audit_records(env: &TestEnv) -> usize {
    let audit = env.run(&["audit", "list", "-o", "json"]).json();
    audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["result"] == "ok")
        .count()
}

fn interrupt_with(sig: &str) {
    let env = slow_env();
    let file = big_file(&env, 300);
    let child = env
        .command(&[
            "tenant",
            "sync",
            "-c",
            &file,
            "--apply",
            "--concurrency",
            "4",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_writes(&env, 10);
    signal(child.id(), sig);
    let out = child.wait_with_output().unwrap();
    let run: descope_testkit::Run = out.into();
    run.expect(130);
    assert!(run.stderr.contains("interrupted"), "{}", run.stderr);
    assert!(
        run.stderr.contains("re-run"),
        "says how to resume: {}",
        run.stderr
    );
    let created = env.state()["tenants"].as_array().unwrap().len();
    assert!(created > 0 && created < 300, "stopped part-way: {created}");
    // Every write that reached the service is in the audit log: in-flight writes finished and
    // were recorded, nothing new started after the signal.
    let ok_writes = env.writes().iter().filter(|w| w["status"] == 200).count();
    assert_eq!(ok_audit_records(&env), ok_writes);
    assert_eq!(created, ok_writes);
    // A re-run converges, doing only what is left: no done write is repeated.
    env.set_faults(&json!({"latencyMs": 0}));
    env.clear_journal();
    env.run(&["tenant", "sync", "-c", &file, "--apply"])
        .expect(0);
    assert_eq!(
        env.writes().len(),
        300 - created,
        "the re-run writes only the tenants the first run did not create"
    );
    crate::assert_converged(&env, &file);
}

#[test]
fn sigint_during_apply_finishes_in_flight_and_exits_130() {
    interrupt_with("-INT");
}

#[test]
fn sigterm_during_apply_finishes_in_flight_and_exits_130() {
    interrupt_with("-TERM");
}

#[test]
fn sigkill_mid_apply_leaves_no_partial_files_and_next_run_works() {
    let env = slow_env();
    // Updates, so backups are being written too.
    let file = big_file(&env, 120);
    env.run(&["tenant", "sync", "-c", &file, "--apply"])
        .expect(0);
    let renamed = std::fs::read_to_string(&file)
        .unwrap()
        .replace("name: Tenant", "name: Renamed");
    std::fs::write(&file, renamed).unwrap();
    let mut child = env
        .command(&["tenant", "sync", "-c", &file, "--apply"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for_writes(&env, 130);
    signal(child.id(), "-KILL");
    let _ = child.wait();
    // No temp files, every backup and audit line is whole.
    for (path, bytes) in env.data_files() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(!name.starts_with('.'), "temp file left: {}", path.display());
        if name.ends_with(".json") && path.to_string_lossy().contains("backups") {
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .unwrap_or_else(|e| panic!("partial backup {}: {e}", path.display()));
        }
    }
    env.run(&["audit", "list"]).expect(0);
    // The lock died with the process; the next run works and converges.
    env.set_faults(&json!({"latencyMs": 0}));
    env.run(&["tenant", "sync", "-c", &file, "--apply"])
        .expect(0);
    crate::assert_converged(&env, &file);
}

#[test]
fn a_second_apply_is_refused_while_one_runs() {
    let env = slow_env();
    let file = big_file(&env, 200);
    let mut first = env
        .command(&["tenant", "sync", "-c", &file, "--apply"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for_writes(&env, 5);
    let second = env.run(&["tenant", "update", "t0000", "--name", "Other"]);
    second.expect(1);
    assert!(
        second.stderr.contains("pid"),
        "names the holder: {}",
        second.stderr
    );
    assert!(
        second.stderr.contains("tenant sync"),
        "names its command: {}",
        second.stderr
    );
    assert!(first.wait().unwrap().success());
    env.run(&["tenant", "update", "t0000", "--name", "Other"])
        .expect(0);
}

#[test]
fn sigint_during_a_single_delete_waits_for_it_and_audits_it() {
    let env = TestEnv::new(bin());
    env.run(&["tenant", "create", "--name", "Victim", "--id", "victim"])
        .expect(0);
    env.set_faults(&json!({"latencyMs": 800}));
    let child = env
        .command(&["tenant", "delete", "victim", "--yes"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The delete follows two loads and a settings read; signal once the settings read is done,
    // while the delete itself is on the wire.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !env.journal().iter().any(|r| {
        r["path"]
            .as_str()
            .unwrap_or_default()
            .starts_with("/v1/mgmt/tenant/settings")
    }) {
        assert!(Instant::now() < deadline, "the delete never got going");
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(200));
    signal(child.id(), "-INT");
    let run: descope_testkit::Run = child.wait_with_output().unwrap().into();
    run.expect(130);
    env.set_faults(&json!({"latencyMs": 0}));
    let deletes: Vec<_> = env
        .writes()
        .into_iter()
        .filter(|w| w["path"] == "/v1/mgmt/tenant/delete")
        .collect();
    let audit = env
        .run(&["audit", "list", "--operation", "delete", "-o", "json"])
        .json();
    assert_eq!(
        audit.as_array().unwrap().len(),
        deletes.len(),
        "a delete that was sent is audited: {}",
        run.stderr
    );
}
