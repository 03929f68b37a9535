//! Issue 2: tenant list/get/create, credentials, errors, exit codes, retries, --local.

use serde_json::json;

use crate::{assert_no_key, bin, env};
use descope_testkit::TestEnv;

#[test]
fn create_then_list_returns_the_tenant() {
    let env = env();
    let r = env.run(&[
        "tenant",
        "create",
        "--name",
        "ACME Corp",
        "--id",
        "acme",
        "--domain",
        "acme.com",
    ]);
    r.expect(0);
    assert_no_key(&env, &r);
    let list = env.run(&["tenant", "list", "-o", "json"]);
    list.expect(0);
    let tenants = list.json();
    assert_eq!(tenants.as_array().unwrap().len(), 1);
    assert_eq!(tenants[0]["id"], "acme");
    assert_eq!(tenants[0]["name"], "ACME Corp");
    assert_eq!(tenants[0]["selfProvisioningDomains"], json!(["acme.com"]));
    // Global options are accepted before the command too.
    let before = env.run(&["-o", "json", "tenant", "list"]);
    before.expect(0);
    assert_eq!(before.json(), tenants);
}

#[test]
fn piped_list_is_plain_rows_sorted_by_id() {
    let env = env();
    for (id, name) in [("zeta", "Zeta"), ("alpha", "Alpha Co"), ("mid", "Mid")] {
        env.run(&["tenant", "create", "--name", name, "--id", id])
            .expect(0);
    }
    let r = env.run(&["tenant", "list"]);
    r.expect(0);
    let ids: Vec<&str> = r
        .stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(ids, ["alpha", "mid", "zeta"]);
    assert!(
        r.stdout.lines().all(|l| l.contains('\t')),
        "no table decoration when piped: {}",
        r.stdout
    );
    let filtered = env.run(&["tenant", "list", "--name-contains", "co", "-o", "json"]);
    assert_eq!(filtered.json().as_array().unwrap().len(), 1);
    let yaml = env.run(&["tenant", "list", "-o", "yaml"]);
    yaml.expect(0);
    assert!(yaml.stdout.contains("id: alpha"), "{}", yaml.stdout);
}

#[test]
fn wrong_key_exits_1_with_a_hint() {
    let env = env();
    let r = env.run_env(
        &["tenant", "list"],
        &[("DESCOPE_MANAGEMENT_KEY", "K2wrong-key-123")],
    );
    r.expect(1);
    assert!(
        r.stderr.contains("DESCOPE_MANAGEMENT_KEY"),
        "names the env var: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains("doctor"),
        "points to doctor: {}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("K2wrong-key-123"),
        "never prints the key: {}",
        r.stderr
    );
}

#[test]
fn unknown_tenant_exits_1_naming_it() {
    let env = env();
    let r = env.run(&["tenant", "get", "nope"]);
    r.expect(1);
    assert!(r.stderr.contains("`nope`"), "{}", r.stderr);
    assert!(r.stderr.contains("tenant list"), "{}", r.stderr);
}

#[test]
fn unknown_flag_exits_64() {
    let env = env();
    env.run(&["tenant", "list", "--no-such-flag"]).expect(64);
    env.run(&["no-such-command"]).expect(64);
    env.run(&["tenant", "create"]).expect(64);
    env.run(&["--version"]).expect(0);
    env.run(&["tenant", "list", "--help"]).expect(0);
}

#[test]
fn get_shows_tenant_and_settings() {
    let env = env();
    env.run(&[
        "tenant", "create", "--name", "Globex", "--id", "globex", "--attr", "plan=pro", "--attr",
        "seats=5",
    ])
    .expect(0);
    let r = env.run(&["tenant", "get", "globex", "-o", "json"]);
    r.expect(0);
    let v = r.json();
    assert_eq!(
        v["tenant"]["customAttributes"],
        json!({"plan": "pro", "seats": 5})
    );
    assert!(v["settings"].is_object());
}

#[test]
fn missing_credentials_say_what_to_set() {
    let env = env();
    let r = env.run_env(&["tenant", "list"], &[("DESCOPE_PROJECT_ID", "")]);
    r.expect(1);
    assert!(r.stderr.contains("DESCOPE_PROJECT_ID"), "{}", r.stderr);
    assert!(r.stderr.contains("--local"), "{}", r.stderr);
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let env = env();
    let r = env.run_env(
        &["tenant", "list"],
        &[("DESCOPE_BASE_URL", "http://example.com")],
    );
    r.expect(1);
    assert!(r.stderr.to_lowercase().contains("http"), "{}", r.stderr);
    assert!(env.journal().is_empty());
}

fn create_30(env: &TestEnv) {
    for i in 0..30 {
        let id = format!("t{i:02}");
        env.run(&[
            "tenant",
            "create",
            "--name",
            &format!("Tenant {i}"),
            "--id",
            &id,
        ])
        .expect(0);
    }
    let tenants = env.state()["tenants"].as_array().unwrap().len();
    assert_eq!(tenants, 30);
}

fn assert_no_duplicate_creates(env: &TestEnv) {
    let mut ok_creates = std::collections::BTreeMap::new();
    for r in env.journal() {
        if r["path"] == "/v1/mgmt/tenant/create" && r["status"] == 200 {
            *ok_creates
                .entry(r["target"].as_str().unwrap().to_owned())
                .or_insert(0) += 1;
        }
    }
    assert!(
        ok_creates.values().all(|n| *n == 1),
        "duplicate creates: {ok_creates:?}"
    );
}

#[test]
fn rate_limited_creates_all_succeed() {
    let faults = descope_emulator::Faults {
        rate_limit: Some(descope_emulator::RateLimit {
            requests: 5,
            window_secs: 1,
        }),
        ..Default::default()
    };
    let env = TestEnv::with_faults(bin(), faults, 1);
    create_30(&env);
    assert!(
        env.journal().iter().any(|r| r["status"] == 429),
        "the limit was actually hit"
    );
    assert_no_duplicate_creates(&env);
}

#[test]
fn failing_service_creates_all_succeed_once() {
    let faults = descope_emulator::Faults {
        fail_rate: 0.3,
        ..Default::default()
    };
    let env = TestEnv::with_faults(bin(), faults, 7);
    create_30(&env);
    assert!(
        env.journal().iter().any(|r| r["status"] == 503),
        "faults were injected"
    );
    assert_no_duplicate_creates(&env);
}

#[test]
fn dropped_connections_do_not_double_creates() {
    let faults = descope_emulator::Faults {
        drop_rate: 0.3,
        ..Default::default()
    };
    let env = TestEnv::with_faults(bin(), faults, 11);
    create_30(&env);
    assert!(
        env.journal().iter().any(|r| r["status"] == 0),
        "connections were dropped"
    );
    assert_no_duplicate_creates(&env);
}

#[test]
fn local_mode_persists_between_runs() {
    let env = env();
    let local = |args: &[&str]| {
        let mut all = vec!["--local"];
        all.extend_from_slice(args);
        env.run_env(
            &all,
            &[
                ("DESCOPE_PROJECT_ID", ""),
                ("DESCOPE_MANAGEMENT_KEY", ""),
                ("DESCOPE_BASE_URL", ""),
            ],
        )
    };
    local(&["tenant", "create", "--name", "Acme", "--id", "acme"]).expect(0);
    let r = local(&["tenant", "list", "-o", "json"]);
    r.expect(0);
    assert_eq!(r.json()[0]["id"], "acme");
    assert!(env.data_dir().join("local").join("state.json").exists());
    // Flows are seeded locally.
    let flows = local(&["flow", "list", "-o", "json"]);
    flows.expect(0);
    assert!(
        flows.json().as_array().unwrap().len() >= 3,
        "{}",
        flows.stdout
    );
}

#[test]
fn doctor_reports_checks_without_the_key() {
    let env = env();
    let r = env.run(&["doctor"]);
    r.expect(0);
    assert!(r.stdout.contains("DESCOPE_MANAGEMENT_KEY"), "{}", r.stdout);
    assert_no_key(&env, &r);
    let bad = env.run_env(&["doctor"], &[("DESCOPE_MANAGEMENT_KEY", "K2bad")]);
    bad.expect(1);
    assert!(
        bad.stdout.contains("FAIL") || bad.stdout.contains("refused"),
        "{}",
        bad.stdout
    );
}

#[test]
fn completions_need_no_credentials() {
    let env = env();
    let r = env.run_env(
        &["completions", "bash"],
        &[("DESCOPE_PROJECT_ID", ""), ("DESCOPE_MANAGEMENT_KEY", "")],
    );
    r.expect(0);
    assert!(r.stdout.contains("descope-mgmt"));
}

#[test]
fn profile_with_key_env_and_refused_key_in_file() {
    let env = env();
    let cfg_dir = env.home().join("config").join("descope-mgmt");
    std::fs::create_dir_all(&cfg_dir).unwrap();
    std::fs::write(
        cfg_dir.join("config.toml"),
        format!(
            "[profiles.test]\nproject_id = \"{}\"\nbase_url = \"{}\"\nmanagement_key_env = \"MY_KEY\"\n",
            descope_testkit::PROJECT_ID,
            env.url()
        ),
    )
    .unwrap();
    let vars = [
        ("DESCOPE_PROJECT_ID", ""),
        ("DESCOPE_MANAGEMENT_KEY", ""),
        ("DESCOPE_BASE_URL", ""),
        ("MY_KEY", descope_testkit::MANAGEMENT_KEY),
    ];
    env.run_env(&["--profile", "test", "tenant", "list"], &vars)
        .expect(0);
    let missing = env.run_env(&["--profile", "test", "tenant", "list"], &vars[..3]);
    missing.expect(1);
    assert!(missing.stderr.contains("MY_KEY"), "{}", missing.stderr);
    std::fs::write(
        cfg_dir.join("config.toml"),
        "[profiles.test]\nproject_id = \"P2x\"\nmanagement_key = \"K2SECRETinfile\"\n",
    )
    .unwrap();
    let refused = env.run_env(&["--profile", "test", "tenant", "list"], &vars);
    refused.expect(1);
    assert!(refused.stderr.contains("refuses"), "{}", refused.stderr);
    assert!(!refused.stderr.contains("K2SECRETinfile"));
}

#[test]
fn emulator_serve_command_end_to_end() {
    use std::io::BufRead;
    let env = env();
    let state = env.home().join("emu-state.json");
    let mut child = env
        .command(&[
            "emulator",
            "serve",
            "--port",
            "0",
            "--project-id",
            "P2test",
            "--management-key",
            "K-secret",
            "--state",
            state.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "prints its URL first: {url}"
    );
    let vars = [
        ("DESCOPE_PROJECT_ID", "P2test"),
        ("DESCOPE_MANAGEMENT_KEY", "K-secret"),
        ("DESCOPE_BASE_URL", url.as_str()),
    ];
    env.run_env(
        &[
            "tenant",
            "create",
            "--name",
            "ACME Corp",
            "--id",
            "acme",
            "--domain",
            "acme.com",
        ],
        &vars,
    )
    .expect(0);
    let list = env.run_env(&["tenant", "list", "-o", "json"], &vars);
    list.expect(0);
    assert_eq!(list.json()[0]["id"], "acme");
    let wrong = env.run_env(
        &["tenant", "list"],
        &[vars[0], ("DESCOPE_MANAGEMENT_KEY", "K-wrong"), vars[2]],
    );
    wrong.expect(1);
    assert!(wrong.stderr.contains("doctor"), "{}", wrong.stderr);
    let ok = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "SIGTERM stops it cleanly: {status:?}");
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(saved.contains("ACME Corp"), "state flushed on shutdown");
}
