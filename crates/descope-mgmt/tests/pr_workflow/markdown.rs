//! `-o markdown` of plans: the whole-project plan as a snapshot (destructive first, user text
//! escaped), a plan too big for one GitHub comment cut with a note, flow deploy and restore dry
//! runs, and every other command refusing it.

use serde_json::{Value, json};

use crate::{env, filtered, write};

const V1: &str = "\
permissions:
  - name: projects:read
  - name: projects:write
  - name: billing:read
roles:
  - name: editor
    permissions: [projects:read, projects:write]
  - name: auditor
    permissions: [billing:read]
tenants:
  - id: acme
    name: ACME Corp
    domains: [acme.com, acme.org]
    customAttributes: {plan: pro}
  - id: globex
    name: Globex
  - id: hooli
    name: Hooli
";

/// V1 with: acme renamed to a hostile name and a domain removed, globex gone (pruned), initech
/// new, editor losing a permission, auditor gone (pruned), a new permission.
const V2: &str = "\
permissions:
  - name: projects:read
  - name: projects:write
  - name: billing:read
  - name: billing:write
roles:
  - name: editor
    permissions: [projects:read]
tenants:
  - id: acme
    name: \"ACME | <b>Corp</b> `x` @team #12\"
    domains: [acme.com]
    customAttributes: {plan: pro}
  - id: hooli
    name: Hooli
  - id: initech
    name: Initech
";

#[test]
fn sync_plan_as_markdown() {
    let env = env();
    let v1 = write(&env, "v1.yaml", V1);
    env.run(&["sync", "-c", &v1, "--apply", "--yes"]).expect(0);
    let v2 = write(&env, "v2.yaml", V2);
    env.clear_journal();
    let r = env.run(&["sync", "-c", &v2, "--dry-run", "--prune", "-o", "markdown"]);
    r.expect(0);
    insta::assert_snapshot!("sync_markdown", filtered(&env, &r.stdout));
    crate::assert_no_key(&env, &[&r]);
    // The hostile name is text: no raw HTML, no pipe that splits a row, no mention.
    assert!(!r.stdout.contains("<b>Corp"), "{}", r.stdout);
    assert!(!r.stdout.contains("@team"), "{}", r.stdout);
    assert!(r.stdout.contains("ACME \\| &lt;b&gt;Corp"), "{}", r.stdout);
    // Destructive first: the deletes' rows come before the create's.
    let delete = r.stdout.find("| delete | globex |").unwrap();
    let create = r.stdout.find("| create | initech |").unwrap();
    assert!(delete < create, "{}", r.stdout);
    // A dry run: not one write.
    assert_eq!(env.writes(), Vec::<Value>::new());

    // `tenant sync` shows its part of the same plan the same way; --detailed-exitcode still holds.
    let r = env.run(&[
        "tenant",
        "sync",
        "-c",
        &v2,
        "--dry-run",
        "--detailed-exitcode",
        "-o",
        "markdown",
    ]);
    r.expect(2);
    assert!(
        r.stdout.starts_with("### descope-mgmt tenant sync plan\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("#### tenant"), "{}", r.stdout);
    assert!(!r.stdout.contains("#### role"), "{}", r.stdout);

    // No changes: the summary alone.
    let r = env.run(&["sync", "-c", &v1, "--dry-run", "-o", "markdown"]);
    r.expect(0);
    assert!(!r.stdout.contains("####"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("Plan: 0 to create, 0 to update, 0 to delete"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_plan_too_big_for_one_comment_is_cut_with_a_note() {
    let env = env();
    let n = 2000;
    env.seed(Value::Array(
        (0..n)
            .map(|i| json!({"id": format!("t{i:04}"), "name": format!("Tenant {i}")}))
            .collect(),
    ));
    let mut file = String::from("tenants:\n");
    for i in 0..n {
        file.push_str(&format!(
            "  - id: t{i:04}\n    name: Renamed tenant number {i}\n    domains: [t{i}.example.com]\n"
        ));
    }
    let file = write(&env, "big.yaml", &file);
    let r = env.run(&["sync", "-c", &file, "--dry-run", "-o", "markdown"]);
    r.expect(0);
    let chars = r.stdout.chars().count();
    assert!(chars <= 65_536, "{chars} characters");
    assert!(chars > 50_000, "the budget is used: {chars} characters");
    assert!(
        r.stdout
            .contains(&format!("Plan: 0 to create, {n} to update")),
        "{}",
        &r.stdout[..300]
    );
    assert!(r.stdout.contains("| update | t0000 |"));
    let note = r.stdout.lines().last().unwrap();
    assert!(note.contains("Cut to fit one GitHub comment"), "{note}");
    assert!(
        note.contains("table row(s)") && note.contains(&format!("of {n}")),
        "{note}"
    );
    assert!(note.contains("-o json"), "{note}");
}

#[test]
fn flow_deploy_and_restore_dry_runs_as_markdown() {
    let env = descope_testkit::TestEnv::with_flows(crate::bin());
    let dir = env.home().join("flows");
    env.run(&["flow", "export", "--all", "--dir", dir.to_str().unwrap()])
        .expect(0);
    let path = dir.join("sign-up-or-in.json");
    let mut flow: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let removed = flow["screens"].as_array_mut().unwrap().remove(0);
    let screen_id = removed["screenId"].as_str().unwrap().to_owned();
    std::fs::write(&path, serde_json::to_string_pretty(&flow).unwrap()).unwrap();
    let r = env.run(&[
        "flow",
        "deploy",
        "--dry-run",
        "-o",
        "markdown",
        path.to_str().unwrap(),
    ]);
    r.expect(0);
    assert!(r.stdout.contains("#### flow (1)"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("| ⚠️ **removes data** | update | sign-up-or-in |"),
        "{}",
        r.stdout
    );
    let removed_line = format!("- screens removed: {}", screen_id.replace('_', "\\_"));
    assert!(
        r.stdout.contains(&removed_line),
        "{removed_line}\n{}",
        r.stdout
    );

    // A tenant restore dry run: the fields it puts back.
    env.run(&[
        "tenant", "create", "--id", "acme", "--name", "ACME", "--domain", "acme.com",
    ])
    .expect(0);
    env.run(&["tenant", "update", "acme", "--name", "ACME 2"])
        .expect(0);
    env.clear_journal();
    let r = env.run(&[
        "restore",
        "--latest",
        "tenant:acme",
        "--dry-run",
        "-o",
        "markdown",
    ]);
    r.expect(0);
    assert!(
        r.stdout.starts_with("### descope-mgmt restore plan\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("| name | \"ACME 2\" | \"ACME\" |"),
        "{}",
        r.stdout
    );
    let r = env.run(&[
        "tenant",
        "restore",
        "--latest",
        "acme",
        "--dry-run",
        "-o",
        "markdown",
    ]);
    r.expect(0);
    assert!(r.stdout.contains("#### tenant (1)"), "{}", r.stdout);
    assert_eq!(env.writes(), Vec::<Value>::new());
}

#[test]
fn commands_without_a_plan_refuse_markdown() {
    let env = env();
    let file = write(&env, "t.yaml", "tenants:\n  - id: acme\n    name: ACME\n");
    for args in [
        vec!["tenant", "list", "-o", "markdown"],
        vec!["-o", "markdown", "backup", "list"],
        vec!["sync", "-c", &file, "--apply", "--yes", "-o", "markdown"],
        vec!["flow", "deploy", "x.json", "-o", "markdown"],
    ] {
        let r = env.run(&args);
        r.expect(64);
        assert!(
            r.stderr.contains("-o markdown is for plans and drift only"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    }
    assert_eq!(env.writes(), Vec::<Value>::new());
}
