//! Issue 12: the plan document (`-o json` on a dry run, and the `--out` file) keeps its exact
//! bytes. The golden files were written by the hand-written serialiser the typed saved plan
//! replaced; set `UPDATE_GOLDEN=1` to write them again (only for an intended format change).

use serde_json::json;

use crate::env;

/// Compares `got` with the golden file `name`, or writes it under `UPDATE_GOLDEN=1`.
#[track_caller]
fn golden(name: &str, got: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/e2e/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap();
    assert!(
        want == got,
        "{name} changed:\n--- want\n{want}\n--- got\n{got}"
    );
}

#[test]
fn the_plan_document_keeps_its_bytes() {
    let env = env();
    env.seed(json!([
        {"id": "upd", "name": "Update Me", "selfProvisioningDomains": ["a.com"],
         "customAttributes": {"plan": "pro", "n": 5}, "enforceSSO": false, "disabled": false},
        {"id": "swap-a", "name": "Alpha"},
        {"id": "swap-b", "name": "Beta"},
        {"id": "old-parent", "name": "Old Parent"},
        {"id": "old-child", "name": "Old Child", "parentTenantId": "old-parent"},
        {"id": "same", "name": "Same"},
        {"id": "keep-me", "name": "Kept"},
        {"id": "roles", "name": "Roles", "defaultRoles": ["viewer"]}
    ]));
    let file = env.home().join("tenants.yaml");
    std::fs::write(
        &file,
        r#"protected: ["keep-*"]
tenants:
  - id: new-parent
    name: "New \"Parent\" ✓"
    domains: [new.example.com]
    customAttributes: {tier: 2, ratio: 2.5, tags: [x, y], on: true}
  - id: new-child
    name: New Child
    parent: new-parent
    defaultRoles: [admin, viewer]
    enforceSSO: true
  - id: upd
    name: Updated
    domains: [b.com, a.com]
    customAttributes: {plan: free}
    disabled: true
  - id: swap-a
    name: Beta
  - id: swap-b
    name: Alpha
  - id: same
    name: Same
  - id: roles
    name: Roles
    defaultRoles: [editor]
"#,
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let out = env.home().join("plan.json");
    let out = out.to_str().unwrap();
    let home = env.home().to_str().unwrap().to_owned();
    let r = env.run(&[
        "tenant",
        "sync",
        "-c",
        file,
        "--prune",
        "--max-deletes",
        "7",
        "--dry-run",
        "-o",
        "json",
        "--out",
        out,
    ]);
    r.expect(0);
    let saved = std::fs::read_to_string(out).unwrap();
    // The file's path is in the document, and the fingerprints hold the seeded tenants' times:
    // both differ on every run.
    let fps: serde_json::Value = serde_json::from_str(&saved).unwrap();
    let stable = |text: &str| {
        let mut text = text.replace(&home, "$HOME");
        for (id, fp) in fps["fingerprints"].as_object().unwrap() {
            if let Some(fp) = fp.as_str() {
                text = text.replace(fp, &format!("fingerprint-of-{id}"));
            }
        }
        text
    };
    golden("plan-stdout.json", &stable(&r.stdout));
    golden("plan-out.json", &stable(&saved));

    // With --only, and as YAML.
    let r = env.run(&[
        "tenant",
        "sync",
        "-c",
        file,
        "--only",
        "new-*",
        "--only",
        "upd",
        "--dry-run",
        "-o",
        "yaml",
    ]);
    r.expect(0);
    golden("plan-only.yaml", &stable(&r.stdout));
}
