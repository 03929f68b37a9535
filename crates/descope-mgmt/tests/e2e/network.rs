//! Issue 11 (items 10, 16, 19 in part): timeouts against a service that accepts and never
//! answers, what is being waited for, an empty base URL, `--local doctor`, and status lines while
//! a rate limit makes the run wait.

use std::io::Read;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use descope_testkit::{Run, TestEnv};

use crate::{bin, env};

/// The harness's own limit: a regression that hangs fails here instead of hanging the suite.
const KILL_AFTER: Duration = Duration::from_secs(90);

/// A raw TCP server that accepts every connection, reads the request, and never answers.
struct Silent {
    url: String,
    requests: Arc<AtomicUsize>,
    paths: Arc<Mutex<Vec<String>>>,
}

impl Silent {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let paths = Arc::new(Mutex::new(Vec::new()));
        let (n, p) = (Arc::clone(&requests), Arc::clone(&paths));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let (n, p) = (Arc::clone(&n), Arc::clone(&p));
                std::thread::spawn(move || {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut chunk) {
                            Ok(0) | Err(_) => return,
                            Ok(k) => buf.extend_from_slice(&chunk[..k]),
                        }
                    }
                    let head = String::from_utf8_lossy(&buf).into_owned();
                    let line = head.lines().next().unwrap_or_default().to_owned();
                    p.lock().unwrap().push(line);
                    n.fetch_add(1, Ordering::SeqCst);
                    // Hold the connection open, silent, far longer than any timeout under test.
                    std::thread::sleep(Duration::from_secs(300));
                    drop(stream);
                });
            }
        });
        Self {
            url,
            requests,
            paths,
        }
    }
}

/// Runs `cmd` to completion, killing it (and failing) if it takes longer than [`KILL_AFTER`].
fn run_bounded(mut cmd: Command) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    cmd.stdout(Stdio::from(std::fs::File::create(&out).unwrap()))
        .stderr(Stdio::from(std::fs::File::create(&err).unwrap()));
    let mut child = cmd.spawn().unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > KILL_AFTER {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "still running after {KILL_AFTER:?}; killed. stderr so far:\n{}",
                std::fs::read_to_string(&err).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(&out).unwrap(),
        stderr: std::fs::read_to_string(&err).unwrap(),
    }
}

fn against(env: &TestEnv, silent: &Silent, args: &[&str], vars: &[(&str, &str)]) -> Run {
    let mut cmd = env.command(args);
    cmd.env("DESCOPE_BASE_URL", &silent.url);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    run_bounded(cmd)
}

#[test]
fn a_service_that_never_answers_is_a_timeout_error_naming_the_endpoint_and_the_timeout() {
    let env = env();
    let silent = Silent::start();
    let r = against(&env, &silent, &["--timeout", "1s", "tenant", "list"], &[]);
    r.expect(1);
    let endpoint = format!("{}/v1/mgmt/tenant/all", silent.url);
    assert!(
        r.stderr
            .contains(&format!("no answer from the Descope API at {endpoint}")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("timeout of 1 s"), "{}", r.stderr);
    assert!(r.stderr.contains("raise --timeout"), "{}", r.stderr);
    assert!(r.stderr.contains("check the base URL"), "{}", r.stderr);
    assert!(
        r.stderr.contains("came from --timeout"),
        "the hint names where the timeout came from: {}",
        r.stderr
    );
    // Retried once within the bound (2 × the timeout), not five times.
    assert_eq!(
        silent.requests.load(Ordering::SeqCst),
        2,
        "{:?}",
        silent.paths.lock().unwrap()
    );
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

#[test]
fn the_timeout_comes_from_the_environment_or_the_profile() {
    let env = env();
    let silent = Silent::start();
    let r = against(
        &env,
        &silent,
        &["tenant", "list"],
        &[("DESCOPE_MGMT_TIMEOUT", "1s")],
    );
    r.expect(1);
    assert!(r.stderr.contains("timeout of 1 s"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("environment variable DESCOPE_MGMT_TIMEOUT"),
        "{}",
        r.stderr
    );

    let cfg_dir = env.home().join("config").join("descope-mgmt");
    std::fs::create_dir_all(&cfg_dir).unwrap();
    std::fs::write(
        cfg_dir.join("config.toml"),
        format!(
            "[profiles.slow]\nproject_id = \"{}\"\nbase_url = \"{}\"\ntimeout = \"1s\"\n",
            descope_testkit::PROJECT_ID,
            silent.url
        ),
    )
    .unwrap();
    let r = against(&env, &silent, &["--profile", "slow", "tenant", "list"], &[]);
    r.expect(1);
    assert!(r.stderr.contains("timeout of 1 s"), "{}", r.stderr);
    assert!(r.stderr.contains("profile `slow`"), "{}", r.stderr);

    // A bad value is refused before any request, saying where it came from.
    let before = silent.requests.load(Ordering::SeqCst);
    let r = against(
        &env,
        &silent,
        &["tenant", "list"],
        &[("DESCOPE_MGMT_TIMEOUT", "soon")],
    );
    r.expect(1);
    assert!(r.stderr.contains("DESCOPE_MGMT_TIMEOUT"), "{}", r.stderr);
    assert!(
        r.stderr.contains("`soon` is not a duration"),
        "{}",
        r.stderr
    );
    let r = against(&env, &silent, &["--timeout", "0s", "tenant", "list"], &[]);
    r.expect(64);
    assert!(r.stderr.contains("at least 1s"), "{}", r.stderr);
    assert_eq!(silent.requests.load(Ordering::SeqCst), before);
}

#[test]
fn doctor_against_a_service_that_never_answers_ends_with_the_timeout_and_says_what_it_waits_for() {
    let env = env();
    let silent = Silent::start();
    // No --timeout: doctor uses its own short one (5 s), so it ends by itself.
    let r = against(&env, &silent, &["doctor"], &[]);
    r.expect(1);
    assert!(r.stdout.contains("FAIL"), "{}", r.stdout);
    let endpoint = format!("{}/v1/mgmt/license", silent.url);
    assert!(
        r.stdout
            .contains(&format!("no answer from the Descope API at {endpoint}")),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("timeout of 5 s"), "{}", r.stdout);
    // While it waited, it said for what.
    assert!(
        r.stderr.contains(&format!("waiting for {endpoint} (")),
        "{}",
        r.stderr
    );
    assert_eq!(
        silent.requests.load(Ordering::SeqCst),
        1,
        "doctor asks once"
    );
}

#[test]
fn an_empty_base_url_is_an_error_not_production() {
    let env = env();
    for (var, args) in [
        ("DESCOPE_BASE_URL", vec!["tenant", "list"]),
        ("DESCOPE_BASE_URI", vec!["tenant", "list"]),
    ] {
        let mut cmd = env.command(&args);
        cmd.env_remove("DESCOPE_BASE_URL").env(var, "");
        let r = run_bounded(cmd);
        r.expect(1);
        assert!(
            r.stderr.contains(&format!("{var} is set but empty")),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains(&format!("unset {var}")), "{}", r.stderr);
        assert!(!r.stderr.contains("api.descope.com/v1"), "{}", r.stderr);
    }
    // Doctor says the same instead of reporting the production URL.
    let r = env.run_env(&["doctor"], &[("DESCOPE_BASE_URL", " ")]);
    r.expect(1);
    assert!(
        r.stdout.contains("DESCOPE_BASE_URL is set but empty"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("base URL\tok"), "{}", r.stdout);
    let r = env.run(&["--base-url", "", "tenant", "list"]);
    r.expect(1);
    assert!(
        r.stderr
            .contains("the base URL from the command-line flag is empty"),
        "{}",
        r.stderr
    );
    // Nothing reached the emulator either.
    assert!(env.journal().is_empty());
}

#[test]
fn local_doctor_shows_the_built_in_emulator_not_production() {
    let env = env();
    let r = env.run_env(
        &["--local", "doctor", "-o", "json"],
        &[
            ("DESCOPE_PROJECT_ID", ""),
            ("DESCOPE_MANAGEMENT_KEY", ""),
            ("DESCOPE_BASE_URL", ""),
        ],
    );
    r.expect(0);
    let checks = r.json();
    let base = checks
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "base URL")
        .expect("a base URL check");
    let detail = base["detail"].as_str().unwrap();
    assert!(detail.starts_with("http://127.0.0.1:"), "{detail}");
    assert!(detail.contains("built-in emulator"), "{detail}");
    assert!(
        detail.contains(&env.data_dir().join("local").display().to_string()),
        "{detail}"
    );
    assert!(!r.stdout.contains("api.descope.com"), "{}", r.stdout);
}

#[test]
fn rate_limit_waits_print_a_status_line_at_least_every_10_s() {
    // Three requests per 12 s: the listing and two creates get through, the third create is
    // told to wait about 12 s. Stderr is a file (not a terminal), as in CI.
    // Without RateLimit-* headers (with them the client waits before the limit instead; see
    // rate.rs).
    let faults = descope_emulator::Faults {
        rate_limit: Some(descope_emulator::RateLimit {
            requests: 3,
            window_secs: 12,
        }),
        no_rate_headers: true,
        ..Default::default()
    };
    let env = TestEnv::with_faults(bin(), faults, 1);
    let file = env.home().join("three.yaml");
    std::fs::write(
        &file,
        "tenants:\n  - id: a\n    name: A\n  - id: b\n    name: B\n  - id: c\n    name: C\n",
    )
    .unwrap();
    let r = run_bounded(env.command(&[
        "tenant",
        "sync",
        "--config",
        file.to_str().unwrap(),
        "--apply",
        "--yes",
    ]));
    r.expect(0);
    assert!(
        env.journal().iter().any(|j| j["status"] == 429),
        "the limit was hit"
    );
    let lines: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("rate limited by Descope: waiting "))
        .collect();
    assert!(
        lines.len() >= 2,
        "a wait of about 12 s gives a line at its start and another within 10 s:\n{}",
        r.stderr
    );
    assert!(
        lines.iter().all(|l| l.contains("write(s) done so far")),
        "{lines:?}"
    );
    crate::assert_converged(&env, file.to_str().unwrap());
}
