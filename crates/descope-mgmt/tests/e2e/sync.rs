//! Issue 4: tenants.yaml, plan, apply, prune, export, saved plans.

use serde_json::{Value, json};

use crate::{assert_no_key, bin, env};
use descope_testkit::TestEnv;

fn write(env: &TestEnv, name: &str, text: &str) -> String {
    let p = env.home().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

const THREE: &str = "\
tenants:
  - id: acme
    name: ACME Corp
    domains: [acme.com]
    customAttributes: {plan: enterprise, seats: 50}
  - id: globex
    name: Globex
  - id: initech
    name: Initech
    disabled: true
";

fn live_ids(env: &TestEnv) -> Vec<String> {
    env.state()["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn plan_apply_converge_change_prune_restore() {
    let env = env();
    env.run(&["tenant", "create", "--name", "Old Co", "--id", "oldco"])
        .expect(0);
    let file = write(&env, "tenants.yaml", THREE);
    env.clear_journal();

    let dry = env.run(&[
        "tenant",
        "sync",
        "--config",
        &file,
        "--dry-run",
        "--detailed-exitcode",
    ]);
    dry.expect(2);
    assert!(
        dry.stdout
            .contains("Plan: 3 to create, 0 to update, 0 to delete, 1 unchanged."),
        "{}",
        dry.stdout
    );
    assert!(env.writes().is_empty(), "a dry run writes nothing");

    let apply = env.run(&["tenant", "sync", "--config", &file, "--apply"]);
    apply.expect(0);
    assert_no_key(&env, &apply);
    assert_eq!(live_ids(&env), ["acme", "globex", "initech", "oldco"]);
    env.run(&[
        "tenant",
        "sync",
        "--config",
        &file,
        "--dry-run",
        "--detailed-exitcode",
    ])
    .expect(0);

    // A name change plans exactly one field change.
    let changed = write(
        &env,
        "tenants.yaml",
        &THREE.replace("name: Globex", "name: Globex Corp"),
    );
    let dry = env.run(&[
        "tenant",
        "sync",
        "--config",
        &changed,
        "--dry-run",
        "-o",
        "json",
    ]);
    dry.expect(0);
    let plan = dry.json();
    assert_eq!(
        plan["summary"],
        json!({"create": 0, "update": 1, "delete": 0, "unchanged": 3})
    );
    assert_eq!(
        plan["changes"][0]["fields"],
        json!([{"field": "name", "old": "Globex", "new": "Globex Corp"}])
    );
    env.run(&["tenant", "sync", "--config", &changed, "--apply"])
        .expect(0);

    // Prune: plans the delete; needs --yes off a terminal; then restore brings it back.
    let dry = env.run(&[
        "tenant",
        "sync",
        "--config",
        &changed,
        "--dry-run",
        "--prune",
    ]);
    assert!(dry.stdout.contains("- delete oldco"), "{}", dry.stdout);
    env.clear_journal();
    let refused = env.run(&["tenant", "sync", "--config", &changed, "--apply", "--prune"]);
    refused.expect(1);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);
    assert!(env.writes().is_empty());
    env.run(&[
        "tenant", "sync", "--config", &changed, "--apply", "--prune", "--yes",
    ])
    .expect(0);
    assert!(!live_ids(&env).contains(&"oldco".to_owned()));
    env.run(&["tenant", "restore", "--latest", "oldco"])
        .expect(0);
    assert!(live_ids(&env).contains(&"oldco".to_owned()));
}

#[test]
fn unmanaged_fields_survive_a_rename() {
    let env = env();
    env.run(&[
        "tenant",
        "create",
        "--name",
        "Acme",
        "--id",
        "acme",
        "--attr",
        "plan=gold",
        "--domain",
        "acme.com",
    ])
    .expect(0);
    let file = write(
        &env,
        "t.yaml",
        "tenants:\n  - id: acme\n    name: Acme Renamed\n",
    );
    env.run(&["tenant", "sync", "-c", &file, "--apply"])
        .expect(0);
    let t = env.run(&["tenant", "get", "acme", "-o", "json"]).json();
    assert_eq!(t["tenant"]["name"], "Acme Renamed");
    assert_eq!(t["tenant"]["customAttributes"], json!({"plan": "gold"}));
    assert_eq!(t["tenant"]["selfProvisioningDomains"], json!(["acme.com"]));
    // Every updated tenant was backed up first.
    let backups = env
        .run(&["backup", "list", "--tenant", "acme", "-o", "json"])
        .json();
    assert_eq!(backups.as_array().unwrap().len(), 1);
}

#[test]
fn export_then_sync_plans_nothing_for_1000_tenants() {
    let env = env();
    let tenants: Vec<Value> = (0..1000)
        .map(|i| {
            json!({
                "id": format!("t{i:04}"), "name": format!("Tenant {i}"),
                "selfProvisioningDomains": [format!("t{i}.example.com")],
                "customAttributes": {"n": i, "flag": i % 2 == 0, "tier": "a: b"},
                "disabled": i % 7 == 0,
            })
        })
        .collect();
    env.seed(Value::Array(tenants));
    let out = env.home().join("export.yaml");
    env.run(&["tenant", "export", "-f", out.to_str().unwrap()])
        .expect(0);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with("# yaml-language-server: $schema="),
        "{}",
        &text[..80]
    );
    let again = env.run(&["tenant", "export"]);
    assert_eq!(again.stdout, text, "export is stable");
    env.clear_journal();
    let r = env.run(&[
        "tenant",
        "sync",
        "-c",
        out.to_str().unwrap(),
        "--dry-run",
        "--detailed-exitcode",
    ]);
    r.expect(0);
    assert!(
        r.stdout
            .contains("0 to create, 0 to update, 0 to delete, 1000 unchanged"),
        "{}",
        r.stdout
    );
    env.run(&["config", "validate", out.to_str().unwrap()])
        .expect(0);
}

#[test]
fn saved_plans_apply_exactly_and_refuse_when_stale() {
    let env = env();
    env.run(&["tenant", "create", "--name", "Globex", "--id", "globex"])
        .expect(0);
    let file = write(&env, "t.yaml", THREE);
    let plan = env.home().join("plan.json");
    let plan = plan.to_str().unwrap();
    env.run(&["tenant", "sync", "-c", &file, "--dry-run", "--out", plan])
        .expect(0);
    assert_no_key(&env, &env.run(&["--version"]));
    // Someone changes a tenant the plan read: the plan is stale.
    env.run(&["tenant", "update", "globex", "--name", "Globex Changed"])
        .expect(0);
    env.clear_journal();
    let stale = env.run(&["tenant", "sync", "--apply", "--plan", plan]);
    stale.expect(1);
    assert!(stale.stderr.contains("plan is stale"), "{}", stale.stderr);
    assert!(env.writes().is_empty());
    // A fresh plan applies, exactly.
    env.run(&["tenant", "sync", "-c", &file, "--dry-run", "--out", plan])
        .expect(0);
    env.run(&["tenant", "sync", "--apply", "--plan", plan])
        .expect(0);
    crate::assert_converged(&env, &file);
}

#[test]
fn bad_files_exit_1_with_a_location_and_write_nothing() {
    let env = env();
    let cases = [
        (
            "malformed",
            "tenants:\n  - id: acme\n    name: \"unclosed\n",
            ":3:",
        ),
        (
            "unknown-key",
            "tenants:\n  - id: acme\n    name: Acme\n    domians: [a.com]\n",
            "domains",
        ),
        (
            "duplicate-id",
            "tenants:\n  - id: acme\n    name: A\n  - id: acme\n    name: B\n",
            ":4:",
        ),
        (
            "missing-var",
            "tenants:\n  - id: acme\n    name: ${NO_SUCH_VAR_HERE}\n",
            "NO_SUCH_VAR_HERE",
        ),
        (
            "bad-id",
            "tenants:\n  - id: \"bad id!\"\n    name: A\n",
            ":2:",
        ),
        (
            "strict-bool",
            "tenants:\n  - id: acme\n    name: A\n    disabled: yes\n",
            ":4:",
        ),
    ];
    env.clear_journal();
    for (name, text, needle) in cases {
        let file = write(&env, &format!("{name}.yaml"), text);
        for args in [
            vec!["tenant", "sync", "-c", &file, "--apply", "--yes"],
            vec!["config", "validate", &file],
        ] {
            let r = env.run(&args);
            r.expect(1);
            assert!(
                r.stderr.contains(&format!("{name}.yaml:")),
                "{name}: names the file: {}",
                r.stderr
            );
            assert!(
                r.stderr.contains(needle),
                "{name}: mentions {needle}: {}",
                r.stderr
            );
            assert!(!r.stderr.contains("panicked"));
        }
    }
    assert!(
        env.journal().is_empty(),
        "not even a read: {:?}",
        env.journal()
    );
}

#[test]
fn variables_are_substituted() {
    let env = env();
    let file = write(
        &env,
        "t.yaml",
        "tenants:\n  - id: globex\n    name: ${GLOBEX_NAME}\n  - id: other\n    name: ${OTHER:-Fallback Inc}\n",
    );
    env.run_env(
        &["tenant", "sync", "-c", &file, "--apply"],
        &[("GLOBEX_NAME", "Globex From Env")],
    )
    .expect(0);
    let list = env.run(&["tenant", "list", "-o", "json"]).json();
    assert_eq!(list[0]["name"], "Globex From Env");
    assert_eq!(list[1]["name"], "Fallback Inc");
}

#[test]
fn prune_respects_max_deletes_only_and_protect() {
    let env = env();
    for i in 0..8 {
        env.run(&[
            "tenant",
            "create",
            "--name",
            &format!("Extra {i}"),
            "--id",
            &format!("extra{i}"),
        ])
        .expect(0);
    }
    env.run(&["tenant", "create", "--name", "Keep", "--id", "keep"])
        .expect(0);
    let file = write(&env, "t.yaml", "tenants:\n  - id: keep\n    name: Keep\n");
    let r = env.run(&["tenant", "sync", "-c", &file, "--dry-run", "--prune"]);
    r.expect(1);
    assert!(r.stderr.contains("--max-deletes"), "{}", r.stderr);
    let scoped = env.run(&[
        "tenant",
        "sync",
        "-c",
        &file,
        "--dry-run",
        "--prune",
        "--only",
        "extra1*",
        "--only",
        "keep",
    ]);
    scoped.expect(0);
    assert!(scoped.stdout.contains("1 to delete"), "{}", scoped.stdout);
    let protected = write(
        &env,
        "p.yaml",
        "protected: [\"extra*\"]\ntenants:\n  - id: keep\n    name: Keep\n",
    );
    let r = env.run(&[
        "tenant",
        "sync",
        "-c",
        &protected,
        "--dry-run",
        "--prune",
        "--detailed-exitcode",
    ]);
    r.expect(0);
}

#[test]
fn faulty_service_apply_of_200_converges() {
    let faults = descope_emulator::Faults {
        fail_rate: 0.2,
        ..Default::default()
    };
    let env = TestEnv::with_faults(bin(), faults, 3);
    let mut text = String::from("tenants:\n");
    for i in 0..200 {
        text.push_str(&format!(
            "  - id: t{i:03}\n    name: Tenant {i}\n    domains: [t{i}.example.com]\n"
        ));
    }
    let file = write(&env, "t.yaml", &text);
    let r = env.run(&[
        "tenant",
        "sync",
        "-c",
        &file,
        "--apply",
        "--concurrency",
        "8",
    ]);
    assert!(r.code == 0 || r.code == 3, "{}", r.stderr);
    if r.code == 3 {
        assert!(r.stderr.contains("failed:"), "{}", r.stderr);
        env.run(&["tenant", "sync", "-c", &file, "--apply"])
            .expect(0);
    }
    env.set_faults(&json!({"latencyMs": 0, "failRate": 0.0, "dropRate": 0.0, "rateLimit": null}));
    crate::assert_converged(&env, &file);
    assert_eq!(live_ids(&env).len(), 200);
    // Every write the service saw has its audit record.
    let audit = env.run(&["audit", "list", "-o", "json"]).json();
    let ok_audit = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["result"] == "ok")
        .count();
    assert_eq!(ok_audit, 200);
}

#[test]
fn schema_is_json_and_committed_copy_is_fresh() {
    let env = env();
    let r = env.run(&["config", "schema"]);
    r.expect(0);
    let live: Value = r.json();
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../schema/tenants.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        live, committed,
        "schema/tenants.schema.json is stale: run `descope-mgmt config schema > schema/tenants.schema.json`"
    );
}

#[test]
fn default_roles_and_parents_sync() {
    let env = env();
    let file = write(
        &env,
        "t.yaml",
        "tenants:\n  - id: child\n    name: Child\n    parent: holding\n    defaultRoles: [viewer]\n  - id: holding\n    name: Holding\n",
    );
    env.run(&["tenant", "sync", "-c", &file, "--apply"])
        .expect(0);
    let child = env.run(&["tenant", "get", "child", "-o", "json"]).json();
    assert_eq!(child["tenant"]["parent"], "holding");
    assert_eq!(child["tenant"]["defaultRoles"], json!(["viewer"]));
    // Only the roles change: a roles-only update.
    let file = write(
        &env,
        "t.yaml",
        &std::fs::read_to_string(&file)
            .unwrap()
            .replace("[viewer]", "[viewer, editor]"),
    );
    env.run(&["tenant", "sync", "-c", &file, "--apply"])
        .expect(0);
    let child = env.run(&["tenant", "get", "child", "-o", "json"]).json();
    assert_eq!(child["tenant"]["defaultRoles"], json!(["viewer", "editor"]));
    crate::assert_converged(&env, &file);
    // Pruning both deletes the child first.
    let empty = write(&env, "empty.yaml", "tenants: []\n");
    env.run(&[
        "tenant", "sync", "-c", &empty, "--apply", "--prune", "--yes",
    ])
    .expect(0);
    assert!(live_ids(&env).is_empty());
}

#[test]
fn the_example_file_validates_and_applies() {
    let env = env();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/tenants.yaml");
    env.run(&["config", "validate", example]).expect(0);
    env.run(&["tenant", "sync", "-c", example, "--apply"])
        .expect(0);
    crate::assert_converged(&env, example);
}

#[test]
fn a_pruned_tenants_name_can_be_reused_in_the_same_apply() {
    let env = env();
    env.run(&["tenant", "create", "--name", "Shared", "--id", "old"])
        .expect(0);
    let file = write(&env, "t.yaml", "tenants:\n  - id: new\n    name: Shared\n");
    env.run(&["tenant", "sync", "-c", &file, "--apply", "--prune", "--yes"])
        .expect(0);
    assert_eq!(live_ids(&env), ["new"]);
}

#[test]
fn only_scopes_changes_but_sees_the_whole_project() {
    let env = env();
    env.run(&["tenant", "create", "--name", "Holding", "--id", "holding"])
        .expect(0);
    env.run(&[
        "tenant", "create", "--name", "Acme 1", "--id", "acme-1", "--parent", "holding",
    ])
    .expect(0);
    // A parent outside the scope still exists.
    let kid = write(
        &env,
        "kid.yaml",
        "tenants:\n  - id: kid2\n    name: Kid\n    parent: holding\n",
    );
    env.run(&["tenant", "sync", "-c", &kid, "--only", "kid*", "--apply"])
        .expect(0);
    // A parent whose child stays is not pruned, even when the child is outside the scope.
    let none = write(&env, "none.yaml", "tenants: []\n");
    let r = env.run(&[
        "tenant",
        "sync",
        "-c",
        &none,
        "--only",
        "hold*",
        "--prune",
        "--dry-run",
    ]);
    r.expect(1);
    env.clear_journal();
    assert!(env.writes().is_empty());
}

#[test]
fn the_key_is_never_substituted_into_tenants_yaml() {
    let env = env();
    let file = write(
        &env,
        "t.yaml",
        "tenants:\n  - id: leak\n    name: \"${DESCOPE_MANAGEMENT_KEY}\"\n",
    );
    let plan = env.home().join("plan.json");
    let r = env.run(&[
        "tenant",
        "sync",
        "-c",
        &file,
        "--dry-run",
        "--out",
        plan.to_str().unwrap(),
    ]);
    r.expect(1);
    assert!(r.stderr.contains("never substituted"), "{}", r.stderr);
    assert_no_key(&env, &r);
    assert!(!plan.exists());
}
