//! Issue 11: restore name conflicts, audit operations and fields, prune of gone targets, the
//! lock on a full disk, output details (camelCase JSON, project column, actor, theme restore).

use serde_json::{Value, json};

use crate::env;
use descope_testkit::{PROJECT_ID, TestEnv};

fn create(env: &TestEnv, id: &str, name: &str) {
    env.run(&["tenant", "create", "--id", id, "--name", name])
        .expect(0);
}

fn backups(env: &TestEnv) -> Vec<Value> {
    let r = env.run(&["backup", "list", "-o", "json"]);
    r.expect(0);
    r.json().as_array().unwrap().clone()
}

fn audit(env: &TestEnv, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["audit", "list", "-o", "json"];
    all.extend_from_slice(args);
    let r = env.run(&all);
    r.expect(0);
    r.json().as_array().unwrap().clone()
}

#[test]
fn restore_into_a_name_another_tenant_now_holds_says_what_to_do_and_writes_nothing() {
    let env = env();
    create(&env, "acme", "ACME Corp");
    env.run(&["tenant", "delete", "acme", "--yes"]).expect(0);
    create(&env, "usurper", "ACME Corp");
    env.clear_journal();
    let files_before = backups(&env).len();

    for extra in [&["--dry-run"][..], &[][..]] {
        let mut args = vec!["tenant", "restore", "--latest", "acme"];
        args.extend_from_slice(extra);
        let r = env.run(&args);
        r.expect(1);
        assert!(
            !r.stdout.contains("create it again"),
            "no plan that cannot work: {}",
            r.stdout
        );
        for want in [
            "tenant usurper now holds that name",
            "tenant update usurper --name",
            "tenant delete usurper",
            "run the restore again",
        ] {
            assert!(r.stderr.contains(want), "{extra:?}: {want}\n{}", r.stderr);
        }
        assert!(!r.stderr.contains("E112204"), "{}", r.stderr);
    }
    assert!(env.writes().is_empty(), "{:?}", env.writes());
    assert_eq!(backups(&env).len(), files_before, "no backup either");

    // Once the name is free the restore works.
    env.run(&["tenant", "delete", "usurper", "--yes"]).expect(0);
    env.run(&["tenant", "restore", "--latest", "acme"])
        .expect(0);
    let got = env.run(&["tenant", "get", "acme", "-o", "json"]).json();
    assert_eq!(got["tenant"]["name"], "ACME Corp");

    // Renaming a tenant back into a name another one took since is caught the same way.
    env.run(&["tenant", "update", "acme", "--name", "Third"])
        .expect(0);
    create(&env, "usurper2", "ACME Corp");
    env.clear_journal();
    for extra in [&["--dry-run"][..], &[][..]] {
        let mut args = vec!["tenant", "restore", "--latest", "acme"];
        args.extend_from_slice(extra);
        let r = env.run(&args);
        r.expect(1);
        assert!(
            r.stderr.contains(
                "cannot rename tenant acme back to `ACME Corp`: tenant usurper2 now holds that name"
            ),
            "{}",
            r.stderr
        );
    }
    assert!(env.writes().is_empty(), "{:?}", env.writes());
}

#[test]
fn audit_records_the_operation_run_and_the_request_kind_and_refuses_unknown_operations() {
    let env = env();
    create(&env, "acme", "ACME Corp");
    env.run(&["tenant", "delete", "acme", "--yes"]).expect(0);
    env.run(&["tenant", "restore", "--latest", "acme"])
        .expect(0);

    let restores = audit(&env, &["--operation", "restore"]);
    assert!(!restores.is_empty(), "a restore is found as a restore");
    let kinds: Vec<&str> = restores
        .iter()
        .map(|r| r["request"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"create"), "{kinds:?}");
    assert!(
        restores.iter().all(|r| r["operation"] == "restore"),
        "{restores:?}"
    );
    assert_eq!(audit(&env, &["--operation", "delete"]).len(), 1);
    assert_eq!(audit(&env, &["--request", "create"]).len(), 2);

    // Every JSON field is camelCase.
    let record = &restores[0];
    for key in [
        "projectId",
        "targetType",
        "targetId",
        "durationMs",
        "toolVersion",
    ] {
        assert!(record.get(key).is_some(), "{key} in {record}");
    }
    let snake: Vec<&String> = record
        .as_object()
        .unwrap()
        .keys()
        .filter(|k| k.contains('_'))
        .collect();
    assert!(snake.is_empty(), "{snake:?}");

    // An unknown operation is a usage error that lists the valid ones.
    for (flag, bad, valid) in [
        (
            "--operation",
            "nope",
            "create, update, delete, restore, sync, deploy",
        ),
        ("--request", "restore", "settings, default-roles, import"),
    ] {
        let r = env.run(&["audit", "list", flag, bad]);
        r.expect(64);
        assert!(r.stdout.is_empty(), "{}", r.stdout);
        assert!(
            r.stderr.contains(&format!("{flag} `{bad}`")),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains(valid), "{}", r.stderr);
    }
}

#[test]
fn old_audit_records_still_read_with_their_operation_derived() {
    let env = env();
    let data = env.data_dir();
    std::fs::create_dir_all(&data).unwrap();
    let old = |op: &str, command: &str| {
        json!({"time": "2026-01-01T00:00:00Z", "actor": "alice@laptop", "project_id": PROJECT_ID,
               "profile": null, "command": command, "operation": op, "target_type": "tenant",
               "target_id": "acme", "result": "ok", "error": null, "backup": null,
               "duration_ms": 5, "tool_version": "0.1.0"})
        .to_string()
    };
    let lines = [
        old("create", "descope-mgmt tenant restore --latest acme"),
        old("settings", "descope-mgmt --local tenant restore x.json"),
        old("update", "descope-mgmt tenant sync -c t.yaml --apply --yes"),
        old("update", "descope-mgmt tenant update acme --name X"),
    ];
    std::fs::write(data.join("audit.jsonl"), lines.join("\n") + "\n").unwrap();

    let restores = audit(&env, &["--operation", "restore"]);
    let kinds: Vec<&str> = restores
        .iter()
        .map(|r| r["request"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["create", "settings"]);
    assert_eq!(restores[0]["targetId"], "acme");
    assert_eq!(restores[0]["projectId"], PROJECT_ID);
    assert_eq!(audit(&env, &["--operation", "sync"]).len(), 1);
    assert_eq!(audit(&env, &["--request", "update"]).len(), 2);

    let table = env.run(&["audit", "list"]);
    table.expect(0);
    assert!(
        table
            .stdout
            .lines()
            .any(|l| l.contains("\trestore\tsettings\ttenant:acme\t")),
        "{}",
        table.stdout
    );
}

#[test]
fn actor_without_user_is_the_name_of_the_uid() {
    let env = env();
    let out = env
        .command(&["tenant", "create", "--id", "acme", "--name", "ACME"])
        .env_remove("USER")
        .env_remove("LOGNAME")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let records = audit(&env, &[]);
    let actor = records[0]["actor"].as_str().unwrap();
    let (user, _host) = actor.split_once('@').unwrap();
    assert_ne!(user, "unknown", "{actor}");
    // The owner of this test process is the owner of the binary's process too.
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").unwrap().uid();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let want = passwd
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.len() > 2 && f[2] == uid.to_string()).then(|| f[0].to_owned())
        })
        .unwrap_or_else(|| format!("uid{uid}"));
    assert_eq!(user, want);
}

#[test]
fn prune_keeps_the_last_backup_of_a_gone_tenant_unless_asked() {
    let env = env();
    create(&env, "alive", "Alive");
    create(&env, "gone", "Gone");
    env.run(&["tenant", "update", "alive", "--name", "Alive 2"])
        .expect(0);
    env.run(&["tenant", "update", "gone", "--name", "Gone 2"])
        .expect(0);
    env.run(&["tenant", "delete", "gone", "--yes"]).expect(0);
    assert_eq!(backups(&env).len(), 3);

    let dry = env.run(&["backup", "prune", "--keep", "0", "--dry-run", "-o", "json"]);
    dry.expect(0);
    let plan = dry.json();
    assert_eq!(plan["removed"].as_array().unwrap().len(), 2, "{plan}");
    assert_eq!(
        plan["keptLastOfGone"].as_array().unwrap().len(),
        1,
        "{plan}"
    );
    assert!(
        plan["keptLastOfGone"][0]
            .as_str()
            .unwrap()
            .contains("_delete_tenant_gone"),
        "{plan}"
    );
    assert!(
        dry.stderr
            .contains("Kept the last backup of 1 target(s) no longer in the project"),
        "{}",
        dry.stderr
    );
    assert!(dry.stderr.contains("--prune-orphans"), "{}", dry.stderr);

    let r = env.run(&["backup", "prune", "--keep", "0", "--yes"]);
    r.expect(0);
    let left = backups(&env);
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["targetId"], "gone");
    // Still restorable.
    env.run(&["tenant", "restore", "--latest", "gone", "--dry-run"])
        .expect(0);

    let r = env.run(&["backup", "prune", "--keep", "0", "--prune-orphans", "--yes"]);
    r.expect(0);
    assert!(
        r.stderr.contains(
            "Deleted 1 backup(s), 1 of them the last backup of a target no longer in the project"
        ),
        "{}",
        r.stderr
    );
    assert!(backups(&env).is_empty());
}

#[test]
fn taking_the_lock_on_a_full_disk_shows_the_io_error_and_a_disk_hint() {
    let env = env();
    create(&env, "acme", "ACME");
    let lock = env
        .data_dir()
        .join("locks")
        .join(format!("{PROJECT_ID}.lock"));
    std::fs::remove_file(&lock).ok();
    // Every write to /dev/full fails with ENOSPC, as on a full disk.
    std::os::unix::fs::symlink("/dev/full", &lock).unwrap();
    env.clear_journal();
    let r = env.run(&["tenant", "update", "acme", "--name", "Other"]);
    std::fs::remove_file(&lock).unwrap();
    r.expect(1);
    assert!(r.stderr.contains("No space left on device"), "{}", r.stderr);
    assert!(r.stderr.contains("is full"), "{}", r.stderr);
    assert!(r.stderr.contains("DESCOPE_MGMT_HOME"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("interleave") && !r.stderr.contains("another descope-mgmt"),
        "{}",
        r.stderr
    );
    assert!(env.writes().is_empty());
}

#[test]
fn all_projects_listing_names_the_project_and_show_is_camel_case() {
    let env = env();
    create(&env, "acme", "ACME");
    env.run(&["tenant", "update", "acme", "--name", "B"])
        .expect(0);
    let r = env.run(&["backup", "list", "--all-projects"]);
    r.expect(0);
    let row: Vec<&str> = r.stdout.lines().next().unwrap().split('\t').collect();
    assert_eq!(row[0], PROJECT_ID, "{}", r.stdout);
    assert_eq!(row[4], "acme", "{}", r.stdout);

    let name = backups(&env)[0]["name"].as_str().unwrap().to_owned();
    let show = env.run(&["backup", "show", &name, "-o", "json"]);
    show.expect(0);
    let v = show.json();
    assert_eq!(v["metadata"]["targetId"], "acme");
    assert_eq!(v["metadata"]["projectId"], PROJECT_ID);
    assert_eq!(v["formatVersion"], 1);
    assert_eq!(v["tenant"]["name"], "ACME");
}

#[test]
fn theme_restore_says_restored_from_the_backup() {
    let env = env();
    let f = env.home().join("theme.json");
    env.run(&["theme", "export", "-f", f.to_str().unwrap()])
        .expect(0);
    let mut theme: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
    theme["componentsVersion"] = Value::String("9.9.9".into());
    std::fs::write(&f, theme.to_string()).unwrap();
    let deploy = env.run(&["theme", "deploy", f.to_str().unwrap()]);
    deploy.expect(0);
    assert!(
        deploy.stderr.contains("Theme deployed."),
        "{}",
        deploy.stderr
    );
    let r = env.run(&["theme", "restore", "--latest", "project"]);
    r.expect(0);
    assert!(r.stderr.contains("Theme restored from "), "{}", r.stderr);
    assert!(!r.stderr.contains("deployed"), "{}", r.stderr);
}

#[test]
fn a_missing_theme_backup_hints_a_command_that_exists() {
    let env = env();
    let r = env.run(&["theme", "restore", "--latest", "project"]);
    r.expect(1);
    assert!(r.stderr.contains("no backup of theme"), "{}", r.stderr);
    // `backup list` has --tenant and --flow filters, no --theme.
    assert!(!r.stderr.contains("--theme"), "{}", r.stderr);
    assert!(
        r.stderr.contains("`descope-mgmt backup list`"),
        "{}",
        r.stderr
    );
}

#[test]
fn flow_restore_dry_run_json_is_camel_case() {
    let env = TestEnv::with_flows(crate::bin());
    let f = env.home().join("flow.json");
    env.run(&["flow", "export", "sign-up-or-in", "-f", f.to_str().unwrap()])
        .expect(0);
    let original = std::fs::read_to_string(&f).unwrap();
    let edited = original.replacen("\"text\": \"", "\"text\": \"Welcome! ", 1);
    assert_ne!(edited, original, "the fixture has a text to edit");
    std::fs::write(&f, edited).unwrap();
    env.run(&["flow", "deploy", f.to_str().unwrap()]).expect(0);
    let r = env.run(&[
        "flow",
        "restore",
        "--latest",
        "sign-up-or-in",
        "--dry-run",
        "-o",
        "json",
    ]);
    r.expect(0);
    let v = r.json();
    let diff = v["diff"].as_object().expect("a diff object");
    assert!(
        diff.keys().all(|k| !k.contains('_')),
        "{:?}",
        diff.keys().collect::<Vec<_>>()
    );
    assert!(
        !diff["screensChanged"].as_array().unwrap().is_empty(),
        "{v}"
    );
}

/// Every key of a JSON output, except inside user data (custom attributes, flow contents).
fn snake_keys(v: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                if k.contains('_') {
                    out.push(format!("{path}.{k}"));
                }
                if !matches!(k.as_str(), "customAttributes" | "contents" | "old" | "new") {
                    snake_keys(child, &format!("{path}.{k}"), out);
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                snake_keys(item, path, out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_json_output_is_camel_case() {
    let env = TestEnv::with_flows(crate::bin());
    create(&env, "acme", "ACME");
    env.run(&["tenant", "update", "acme", "--name", "B"])
        .expect(0);
    let yaml = env.home().join("t.yaml");
    std::fs::write(&yaml, "tenants:\n  - id: acme\n    name: C\n").unwrap();
    let name = backups(&env)[0]["name"].as_str().unwrap().to_owned();
    let commands: Vec<Vec<&str>> = vec![
        vec!["tenant", "list"],
        vec!["tenant", "get", "acme"],
        vec!["tenant", "update", "acme", "--name", "D", "--dry-run"],
        vec!["tenant", "delete", "acme", "--dry-run"],
        vec!["tenant", "restore", "--latest", "acme", "--dry-run"],
        vec!["tenant", "sync", "-c", yaml.to_str().unwrap(), "--dry-run"],
        vec!["flow", "list"],
        vec!["backup", "list"],
        vec!["backup", "list", "--all-projects"],
        vec!["backup", "show", &name],
        vec!["backup", "prune", "--keep", "5", "--dry-run"],
        vec!["audit", "list"],
        vec!["doctor"],
        vec!["config", "validate", yaml.to_str().unwrap()],
    ];
    for args in commands {
        let mut all = args.clone();
        all.extend(["-o", "json"]);
        let r = env.run(&all);
        r.expect(0);
        let mut bad = Vec::new();
        snake_keys(&r.json(), "", &mut bad);
        assert!(bad.is_empty(), "{args:?}: {bad:?}\n{}", r.stdout);
    }
}

#[test]
fn prune_that_cannot_ask_the_project_keeps_every_last_backup_and_says_why() {
    let env = env();
    create(&env, "alive", "Alive");
    env.run(&["tenant", "update", "alive", "--name", "Alive 2"])
        .expect(0);
    let r = env.run_env(
        &["backup", "prune", "--keep", "0", "--yes"],
        &[("DESCOPE_MANAGEMENT_KEY", "")],
    );
    r.expect(0);
    assert!(
        r.stderr.contains("cannot check which targets still exist"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("Kept the last backup of 1 target(s)"),
        "{}",
        r.stderr
    );
    assert_eq!(backups(&env).len(), 1);
}
