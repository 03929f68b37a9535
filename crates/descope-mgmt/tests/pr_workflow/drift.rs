//! `drift`: a tenant's domain and a role's permissions changed behind the tool's back are both
//! critical (exit 2, nothing written); in sync is exit 0; the file's `drift:` section overrides
//! severities, strictly.

use serde_json::{Value, json};

use crate::{behind_the_back, env, filtered, write};

const FILE: &str = "\
permissions:
  - name: projects:read
  - name: projects:write
roles:
  - name: editor
    description: Edits projects
    permissions: [projects:read, projects:write]
tenants:
  - id: acme
    name: ACME Corp
    domains: [acme.com]
    enforceSSO: true
  - id: globex
    name: Globex
    customAttributes: {plan: pro}
";

/// (kind, id, field, severity) of each item of `drift -o json`.
fn items(out: &Value) -> Vec<(String, String, String, String)> {
    out["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_owned(),
                i["id"].as_str().unwrap().to_owned(),
                i["field"].as_str().unwrap().to_owned(),
                i["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn item(kind: &str, id: &str, field: &str, severity: &str) -> (String, String, String, String) {
    (kind.into(), id.into(), field.into(), severity.into())
}

#[test]
fn drift_behind_the_tools_back_is_critical_and_overridable() {
    let env = env();
    let file = write(&env, "project.yaml", FILE);
    env.run(&["sync", "-c", &file, "--apply", "--yes"])
        .expect(0);

    // In sync: exit 0, for every format.
    let r = env.run(&["drift", "-c", &file]);
    r.expect(0);
    assert!(r.stderr.contains("No drift"), "{}", r.stderr);
    let r = env.run(&["drift", "-c", &file, "-o", "json"]);
    r.expect(0);
    assert_eq!(r.json()["drift"], false);
    assert_eq!(r.json()["items"], json!([]));

    // Behind the tool's back: a domain of acme, and a permission taken from editor.
    behind_the_back(
        &env,
        "/v1/mgmt/tenant/update",
        &json!({"id": "acme", "name": "ACME Corp", "selfProvisioningDomains": ["evil.example"], "enforceSSO": true}),
    );
    behind_the_back(
        &env,
        "/v1/mgmt/role/update",
        &json!({"name": "editor", "newName": "editor", "description": "Edits projects", "permissionNames": ["projects:read"]}),
    );
    env.clear_journal();

    let r = env.run(&["drift", "-c", &file, "-o", "json"]);
    r.expect(2);
    let out = r.json();
    assert_eq!(
        items(&out),
        vec![
            item("role", "editor", "permissions", "critical"),
            item("tenant", "acme", "domains", "critical"),
        ]
    );
    assert_eq!(
        (
            out["drift"].clone(),
            out["critical"].clone(),
            out["warning"].clone(),
            out["ignored"].clone()
        ),
        (json!(true), json!(2), json!(0), json!(0))
    );
    let domains = out["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["field"] == "domains")
        .unwrap();
    assert_eq!(
        (domains["live"].clone(), domains["file"].clone()),
        (json!(["evil.example"]), json!(["acme.com"]))
    );

    let r = env.run(&["drift", "-c", &file, "-o", "markdown"]);
    r.expect(2);
    insta::assert_snapshot!("drift_markdown", filtered(&env, &r.stdout));
    crate::assert_no_key(&env, &[&r]);

    let r = env.run(&["drift", "-c", &file]);
    r.expect(2);
    assert!(
        r.stdout.contains("critical\trole\teditor\tpermissions"),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains("Drift: 2 critical, 0 warning."),
        "{}",
        r.stderr
    );
    // Read-only: not one write request.
    assert_eq!(env.writes(), Vec::<Value>::new());

    // The file's `drift:` section: domains only a warning, permissions ignored.
    let lenient = write(
        &env,
        "lenient.yaml",
        &format!("{FILE}drift:\n  severity:\n    domains: warning\n    permissions: ignore\n"),
    );
    let r = env.run(&["drift", "-c", &lenient, "-o", "json"]);
    r.expect(2);
    assert_eq!(
        items(&r.json()),
        vec![item("tenant", "acme", "domains", "warning")]
    );
    assert_eq!(r.json()["ignored"], 1);

    // Everything that differs ignored: exit 0, and the count says so.
    let ignore_all = write(
        &env,
        "ignore.yaml",
        &format!("{FILE}drift:\n  severity: {{domains: ignore, permissions: ignore}}\n"),
    );
    let r = env.run(&["drift", "-c", &ignore_all]);
    r.expect(0);
    assert!(r.stderr.contains("2 ignored"), "{}", r.stderr);

    // Strict like the rest of the file: an unknown key is an error with the nearest key.
    let typo = write(
        &env,
        "typo.yaml",
        &format!("{FILE}drift:\n  severity:\n    domain: warning\n"),
    );
    let r = env.run(&["drift", "-c", &typo]);
    r.expect(1);
    assert!(r.stderr.contains("unknown key `domain`"), "{}", r.stderr);
    assert!(r.stderr.contains("did you mean `domains`?"), "{}", r.stderr);
    // At its line, and not blamed on the tenant listed last before the section.
    assert!(r.stderr.contains("typo.yaml:18:5:"), "{}", r.stderr);
    assert!(!r.stderr.contains("in tenant"), "{}", r.stderr);
    let bad = write(
        &env,
        "bad.yaml",
        &format!("{FILE}drift:\n  severity:\n    domains: high\n"),
    );
    let r = env.run(&["drift", "-c", &bad]);
    r.expect(1);
    assert!(
        r.stderr
            .contains("expected one of critical, warning, ignore"),
        "{}",
        r.stderr
    );
}

#[test]
fn missing_and_unlisted_objects_follow_the_plan() {
    let env = env();
    let file = write(&env, "project.yaml", FILE);
    env.run(&["sync", "-c", &file, "--apply", "--yes"])
        .expect(0);
    // A tenant created and one deleted behind the tool's back, and a rename.
    behind_the_back(
        &env,
        "/v1/mgmt/tenant/create",
        &json!({"id": "stray", "name": "Stray"}),
    );
    behind_the_back(&env, "/v1/mgmt/tenant/delete", &json!({"id": "globex"}));

    // The deleted one is missing (critical); the stray one is drift only with --prune.
    let r = env.run(&["drift", "-c", &file, "-o", "json"]);
    r.expect(2);
    assert_eq!(
        items(&r.json()),
        vec![item("tenant", "globex", "missing", "critical")]
    );
    let r = env.run(&["drift", "-c", &file, "--prune", "-o", "json"]);
    r.expect(2);
    assert_eq!(
        items(&r.json()),
        vec![
            item("tenant", "globex", "missing", "critical"),
            item("tenant", "stray", "unlisted", "warning"),
        ]
    );
    // A bad config is an error (1), not drift.
    let broken = write(&env, "broken.yaml", "tenants:\n  - id: a\n    nme: A\n");
    env.run(&["drift", "-c", &broken]).expect(1);
}

#[test]
fn settings_are_critical_and_names_a_warning() {
    let env = env();
    let file = write(
        &env,
        "project.yaml",
        "tenants:\n  - id: acme\n    name: ACME Corp\n    settings:\n      sessionTokenExpiration: 15m\n      refreshTokenExpiration: 4w\n",
    );
    env.run(&["sync", "-c", &file, "--apply", "--yes"])
        .expect(0);
    env.run(&["drift", "-c", &file]).expect(0);
    behind_the_back(
        &env,
        "/v1/mgmt/tenant/settings",
        &json!({"tenantId": "acme", "enabled": true, "sessionTokenExpiration": 20, "sessionTokenExpirationUnit": "minutes", "refreshTokenExpiration": 4, "refreshTokenExpirationUnit": "weeks"}),
    );
    behind_the_back(
        &env,
        "/v1/mgmt/tenant/update",
        &json!({"id": "acme", "name": "ACME Renamed"}),
    );
    let r = env.run(&["drift", "-c", &file, "-o", "json"]);
    r.expect(2);
    assert_eq!(
        items(&r.json()),
        vec![
            item("settings", "acme", "sessionTokenExpiration", "critical"),
            item("tenant", "acme", "name", "warning"),
        ]
    );
    assert_eq!(
        (r.json()["critical"].clone(), r.json()["warning"].clone()),
        (json!(1), json!(1))
    );
    // Only the warning left (settings ignored): still drift, exit 2.
    let relaxed = write(
        &env,
        "relaxed.yaml",
        &format!(
            "{}drift:\n  severity:\n    settings: ignore\n",
            std::fs::read_to_string(&file).unwrap()
        ),
    );
    let r = env.run(&["drift", "-c", &relaxed, "-o", "json"]);
    r.expect(2);
    assert_eq!(
        items(&r.json()),
        vec![item("tenant", "acme", "name", "warning")]
    );
}
