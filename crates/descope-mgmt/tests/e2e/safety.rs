//! Issue 3: backups, restore, audit log, tenant update and delete.

use serde_json::{Value, json};

use crate::{assert_no_key, env};
use descope_testkit::TestEnv;

fn tenant(env: &TestEnv, id: &str) -> Value {
    let r = env.run(&["tenant", "get", id, "-o", "json"]);
    r.expect(0);
    r.json()
}

fn backup_names(env: &TestEnv, id: &str) -> Vec<Value> {
    let r = env.run(&["backup", "list", "--tenant", id, "-o", "json"]);
    r.expect(0);
    r.json().as_array().unwrap().clone()
}

fn setup_acme(env: &TestEnv) {
    env.run(&[
        "tenant",
        "create",
        "--name",
        "ACME Corp",
        "--id",
        "acme",
        "--domain",
        "acme.com",
        "--domain",
        "acme.io",
        "--attr",
        "plan=enterprise",
        "--attr",
        "seats=50",
    ])
    .expect(0);
}

#[test]
fn update_keeps_unnamed_fields_and_delete_restore_round_trips() {
    let env = env();
    setup_acme(&env);
    let before = tenant(&env, "acme");

    let up = env.run(&["tenant", "update", "acme", "--name", "ACME Inc"]);
    up.expect(0);
    assert!(
        up.stdout.contains("\"ACME Corp\" → \"ACME Inc\""),
        "{}",
        up.stdout
    );
    let after = tenant(&env, "acme");
    assert_eq!(after["tenant"]["name"], "ACME Inc");
    assert_eq!(
        after["tenant"]["customAttributes"], before["tenant"]["customAttributes"],
        "read-modify-write kept attributes"
    );
    assert_eq!(
        after["tenant"]["selfProvisioningDomains"],
        before["tenant"]["selfProvisioningDomains"]
    );

    let del = env.run(&["tenant", "delete", "acme", "--yes"]);
    del.expect(0);
    assert!(
        del.stderr.contains("tenant restore"),
        "prints the undo command: {}",
        del.stderr
    );
    env.run(&["tenant", "get", "acme"]).expect(1);

    env.run(&["tenant", "restore", "--latest", "acme"])
        .expect(0);
    let restored = tenant(&env, "acme");
    assert_eq!(restored["tenant"]["name"], after["tenant"]["name"]);
    assert_eq!(
        restored["tenant"]["customAttributes"],
        after["tenant"]["customAttributes"]
    );
    assert_eq!(
        restored["tenant"]["selfProvisioningDomains"],
        after["tenant"]["selfProvisioningDomains"]
    );
    assert_eq!(restored["settings"], after["settings"]);

    // The pre-update backup brings the old name back.
    let backups = backup_names(&env, "acme");
    let pre_update = backups
        .iter()
        .find(|b| b["operation"] == "update")
        .expect("an update backup");
    let r = env.run(&["tenant", "restore", pre_update["name"].as_str().unwrap()]);
    r.expect(0);
    assert_eq!(tenant(&env, "acme")["tenant"]["name"], "ACME Corp");
    assert_no_key(&env, &r);

    // The audit log shows every write request in order.
    let audit = env.run(&["audit", "list", "-o", "json"]);
    audit.expect(0);
    let ops: Vec<(String, String)> = audit
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["request"].as_str().unwrap().to_owned(),
                r["result"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let names: Vec<&str> = ops.iter().map(|(o, _)| o.as_str()).collect();
    assert_eq!(
        &names[..4],
        ["create", "update", "delete", "create"],
        "{ops:?}"
    );
    assert!(names.contains(&"settings"));
    assert_eq!(names.last(), Some(&"update"));
    assert!(ops.iter().all(|(_, r)| r == "ok"));
}

#[test]
fn dry_runs_write_nothing() {
    let env = env();
    setup_acme(&env);
    env.clear_journal();
    let up = env.run(&["tenant", "update", "acme", "--name", "Other", "--dry-run"]);
    up.expect(0);
    assert!(up.stdout.contains("Other"));
    env.run(&["tenant", "delete", "acme", "--dry-run"])
        .expect(0);
    assert!(env.writes().is_empty(), "{:?}", env.writes());
    assert_eq!(tenant(&env, "acme")["tenant"]["name"], "ACME Corp");
}

#[test]
fn delete_without_yes_off_a_terminal_is_refused() {
    let env = env();
    setup_acme(&env);
    env.clear_journal();
    let r = env.run(&["tenant", "delete", "acme"]);
    r.expect(1);
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    assert!(env.writes().is_empty());
}

#[test]
fn unwritable_backup_dir_means_zero_writes() {
    let env = env();
    setup_acme(&env);
    // Root ignores directory modes, so make the backups path a regular file instead.
    let backups = env.data_dir().join("backups");
    std::fs::remove_dir_all(&backups).ok();
    std::fs::write(&backups, b"not a directory").unwrap();
    env.clear_journal();
    let up = env.run(&["tenant", "update", "acme", "--name", "ACME Inc"]);
    up.expect(1);
    assert!(up.stderr.contains("backup"), "{}", up.stderr);
    let del = env.run(&["tenant", "delete", "acme", "--yes"]);
    del.expect(1);
    assert!(
        env.writes().is_empty(),
        "no write without its backup: {:?}",
        env.writes()
    );
}

#[test]
fn seed_format_backup_restores() {
    let env = env();
    let file = env.home().join("seed-backup.json");
    std::fs::write(
        &file,
        serde_json::to_string(&json!({
            "metadata": {"timestamp": "2024-05-01T10:00:00Z", "operation": "delete", "target_id": "initech"},
            "tenant": {"id": "initech", "name": "Initech", "domains": ["initech.com"]}
        }))
        .unwrap(),
    )
    .unwrap();
    let r = env.run(&["tenant", "restore", file.to_str().unwrap()]);
    r.expect(0);
    assert!(
        r.stderr.contains("records no project"),
        "warns: {}",
        r.stderr
    );
    let t = tenant(&env, "initech");
    assert_eq!(t["tenant"]["name"], "Initech");
    assert_eq!(
        t["tenant"]["selfProvisioningDomains"],
        json!(["initech.com"])
    );
}

#[test]
fn backup_from_another_project_needs_force() {
    let env = env();
    setup_acme(&env);
    env.run(&["tenant", "update", "acme", "--name", "X"])
        .expect(0);
    let b = &backup_names(&env, "acme")[0];
    let path = b["path"].as_str().unwrap();
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["metadata"]["project_id"] = json!("P2someotherproject0000000000");
    let other = env.home().join("other.json");
    std::fs::write(&other, v.to_string()).unwrap();
    env.clear_journal();
    let r = env.run(&["tenant", "restore", other.to_str().unwrap()]);
    r.expect(1);
    assert!(r.stderr.contains("--force-project"), "{}", r.stderr);
    assert!(env.writes().is_empty());
    env.run(&[
        "tenant",
        "restore",
        other.to_str().unwrap(),
        "--force-project",
    ])
    .expect(0);
}

#[test]
fn corrupt_backups_are_clear_errors_with_no_write() {
    let env = env();
    setup_acme(&env);
    let cases: [(&str, &[u8]); 5] = [
        ("empty.json", b""),
        ("truncated.json", b"{\"metadata\": {\"timestamp\": \"2024-"),
        ("array.json", b"[1,2,3]"),
        ("foreign.json", b"{\"hello\": \"world\"}"),
        ("binary.json", &[0xff, 0xfe, 0x00, 0x12]),
    ];
    env.clear_journal();
    for (name, bytes) in cases {
        let p = env.home().join(name);
        std::fs::write(&p, bytes).unwrap();
        let r = env.run(&["tenant", "restore", p.to_str().unwrap()]);
        r.expect(1);
        assert!(r.stderr.contains(name), "names the file: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    }
    env.run(&["tenant", "restore", "no-such-backup.json"])
        .expect(1);
    env.run(&["tenant", "restore", "--latest", "nobody"])
        .expect(1);
    assert!(env.writes().is_empty());
}

#[test]
fn files_are_private_and_keyless() {
    use std::os::unix::fs::PermissionsExt;
    let env = env();
    setup_acme(&env);
    let r = env.run(&["tenant", "update", "acme", "--name", "ACME Inc", "-vvv"]);
    r.expect(0);
    assert_no_key(&env, &r);
    let data = env.data_dir();
    assert_eq!(
        std::fs::metadata(&data).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let audit = data.join("audit.jsonl");
    assert_eq!(
        std::fs::metadata(&audit).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let b = &backup_names(&env, "acme")[0];
    let mode = std::fs::metadata(b["path"].as_str().unwrap())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn backup_show_and_prune() {
    let env = env();
    setup_acme(&env);
    for name in ["A1", "A2", "A3"] {
        env.run(&["tenant", "update", "acme", "--name", name])
            .expect(0);
    }
    let backups = backup_names(&env, "acme");
    assert_eq!(backups.len(), 3);
    let show = env.run(&["backup", "show", backups[0]["name"].as_str().unwrap()]);
    show.expect(0);
    assert_eq!(show.json()["tenant"]["name"], "ACME Corp");
    let dry = env.run(&["backup", "prune", "--keep", "1", "--dry-run", "-o", "json"]);
    dry.expect(0);
    assert_eq!(dry.json()["removed"].as_array().unwrap().len(), 2);
    assert_eq!(backup_names(&env, "acme").len(), 3);
    let refused = env.run(&["backup", "prune", "--keep", "1"]);
    refused.expect(1);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert_eq!(backup_names(&env, "acme").len(), 3);
    // Another project's backups are not touched: the project comes from the same precedence
    // as every other command (an explicit profile wins over the environment).
    let cfg = env.home().join("config").join("descope-mgmt");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("config.toml"),
        "[profiles.other]\nproject_id = \"P2otherproject00000000000000\"\n",
    )
    .unwrap();
    let other = env.run(&[
        "backup",
        "prune",
        "--keep",
        "0",
        "--yes",
        "--profile",
        "other",
        "-o",
        "json",
    ]);
    other.expect(0);
    assert_eq!(other.json()["removed"].as_array().unwrap().len(), 0);
    assert_eq!(backup_names(&env, "acme").len(), 3);
    env.run(&["backup", "prune", "--keep", "1", "--yes"])
        .expect(0);
    let left = backup_names(&env, "acme");
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["name"], backups[2]["name"], "keeps the newest");
}

#[test]
fn restore_dry_run_shows_the_plan_and_a_restore_can_be_undone() {
    let env = env();
    setup_acme(&env);
    env.run(&["tenant", "update", "acme", "--name", "Renamed"])
        .expect(0);
    env.clear_journal();
    let dry = env.run(&["tenant", "restore", "--latest", "acme", "--dry-run"]);
    dry.expect(0);
    assert!(
        dry.stdout.contains("\"Renamed\" → \"ACME Corp\""),
        "{}",
        dry.stdout
    );
    assert!(env.writes().is_empty());
    env.run(&["tenant", "restore", "--latest", "acme"])
        .expect(0);
    assert_eq!(tenant(&env, "acme")["tenant"]["name"], "ACME Corp");
    // The restore took a backup of the state it replaced: restoring the latest undoes it.
    env.run(&["tenant", "restore", "--latest", "acme"])
        .expect(0);
    assert_eq!(tenant(&env, "acme")["tenant"]["name"], "Renamed");
}

#[test]
fn a_minimal_backup_restores_only_what_it_recorded() {
    let env = env();
    setup_acme(&env);
    env.run(&[
        "tenant",
        "update",
        "acme",
        "--name",
        "Renamed",
        "--domain",
        "other.com",
    ])
    .expect(0);
    let file = env.home().join("minimal.json");
    std::fs::write(
        &file,
        json!({"metadata": {"timestamp": "2024-05-01T10:00:00Z", "operation": "update", "target_id": "acme"},
               "tenant": {"id": "acme", "name": "ACME Corp", "domains": ["acme.com"]}})
        .to_string(),
    )
    .unwrap();
    env.run(&["tenant", "restore", file.to_str().unwrap()])
        .expect(0);
    let t = tenant(&env, "acme");
    assert_eq!(t["tenant"]["name"], "ACME Corp");
    assert_eq!(t["tenant"]["selfProvisioningDomains"], json!(["acme.com"]));
    assert_eq!(
        t["tenant"]["customAttributes"],
        json!({"plan": "enterprise", "seats": 50}),
        "fields the backup did not record are kept"
    );
}
