//! Issue 14: at the service's rate limit. With `RateLimit-*` headers the client never goes over
//! the announced budget, so the service's lockout is never triggered; `--max-rate` caps our own
//! starts. Counts come from the emulator's journal (no timing assertions).

use descope_testkit::TestEnv;

use crate::bin;

fn tenants_file(env: &TestEnv, n: usize) -> String {
    let mut y = String::from("tenants:\n");
    for i in 0..n {
        y.push_str(&format!("  - id: r{i:03}\n    name: Rate {i}\n"));
    }
    let file = env.home().join("rate.yaml");
    std::fs::write(&file, y).unwrap();
    file.to_str().unwrap().to_owned()
}

#[test]
fn with_rate_headers_a_sync_never_triggers_the_lockout() {
    let faults = descope_emulator::Faults {
        rate_limit: Some(descope_emulator::RateLimit {
            requests: 10,
            window_secs: 2,
        }),
        rate_limit_lockout_secs: 30,
        ..descope_emulator::Faults::default()
    };
    let env = TestEnv::with_faults(bin(), faults, 1);
    let file = tenants_file(&env, 35);
    env.run(&[
        "tenant",
        "sync",
        "-c",
        &file,
        "--apply",
        "--yes",
        "--concurrency",
        "16",
    ])
    .expect(0);
    let j = env.journal_stats();
    assert_eq!(j.lockouts, 0, "a lockout was triggered");
    assert_eq!(
        j.rate_limited, 0,
        "a request went over the announced budget"
    );
    assert_eq!(env.state()["tenants"].as_array().unwrap().len(), 35);
}

#[test]
fn max_rate_caps_our_starts_in_every_window() {
    let env = TestEnv::new(bin());
    let file = tenants_file(&env, 30);
    env.run(&[
        "tenant",
        "sync",
        "-c",
        &file,
        "--apply",
        "--yes",
        "--concurrency",
        "16",
        "--max-rate",
        "8/1",
    ])
    .expect(0);
    let starts: Vec<u64> = env
        .journal()
        .iter()
        .map(|r| r["startMs"].as_u64().unwrap())
        .collect();
    assert!(starts.len() >= 31, "{}", starts.len());
    // Arrival times jitter by a few ms around our start times: a slightly shorter window.
    for s in &starts {
        let in_window = starts.iter().filter(|t| **t >= *s && **t < s + 950).count();
        assert!(
            in_window <= 8,
            "{in_window} requests within 950 ms of {s}: {starts:?}"
        );
    }
}

#[test]
fn a_bad_max_rate_is_refused_before_any_request() {
    let env = TestEnv::new(bin());
    let file = tenants_file(&env, 1);
    let r = env.run(&[
        "tenant",
        "sync",
        "-c",
        &file,
        "--dry-run",
        "--max-rate",
        "fast",
    ]);
    r.expect(64);
    assert!(r.stderr.contains("N/SECS"), "{}", r.stderr);
    let r = env.run_env(
        &["tenant", "sync", "-c", &file, "--dry-run"],
        &[("DESCOPE_MGMT_MAX_RATE", "0/60")],
    );
    r.expect(1);
    assert!(r.stderr.contains("DESCOPE_MGMT_MAX_RATE"), "{}", r.stderr);
    assert!(env.journal().is_empty());
}

#[test]
fn the_plan_says_how_many_requests_and_about_how_long_and_the_count_is_exact() {
    let env = TestEnv::new(bin());
    for i in 0..5 {
        env.run(&[
            "tenant",
            "create",
            "--name",
            &format!("Old {i}"),
            "--id",
            &format!("old{i}"),
        ])
        .expect(0);
    }
    let file = tenants_file(&env, 250);
    let r = env.run(&["tenant", "sync", "-c", &file, "--dry-run", "--prune"]);
    r.expect(0);
    // 250 creates, 5 deletes (each with the read of its settings for the backup).
    assert!(
        r.stderr.contains(
            "Apply: 260 requests: about 2 min at 100 per 60 s (the service's documented limit"
        ),
        "{}",
        r.stderr
    );
    let r = env.run(&[
        "tenant",
        "sync",
        "-c",
        &file,
        "--dry-run",
        "--prune",
        "--max-rate",
        "50/10",
    ]);
    assert!(
        r.stderr
            .contains("Apply: 260 requests: about 50 s at 50 per 10 s (the cap from --max-rate)."),
        "{}",
        r.stderr
    );
    env.clear_journal();
    env.run(&[
        "tenant",
        "sync",
        "-c",
        &file,
        "--apply",
        "--prune",
        "--yes",
        "--max-deletes",
        "5",
    ])
    .expect(0);
    // The plan's own read of the tenants, then exactly the requests it announced.
    assert_eq!(env.journal().len(), 1 + 260);
}

#[test]
fn without_rate_headers_a_sync_triggers_at_most_one_lockout() {
    // 8 per 10 s and a 10 s lockout, no headers: the first lockout teaches the client the window.
    let faults = descope_emulator::Faults {
        rate_limit: Some(descope_emulator::RateLimit {
            requests: 8,
            window_secs: 10,
        }),
        rate_limit_lockout_secs: 10,
        no_rate_headers: true,
        ..descope_emulator::Faults::default()
    };
    let env = TestEnv::with_faults(bin(), faults, 1);
    let file = tenants_file(&env, 20);
    env.run(&[
        "tenant",
        "sync",
        "-c",
        &file,
        "--apply",
        "--yes",
        "--concurrency",
        "4",
    ])
    .expect(0);
    let j = env.journal_stats();
    assert!(j.lockouts <= 1, "{} lockouts", j.lockouts);
    assert_eq!(env.state()["tenants"].as_array().unwrap().len(), 20);
}
