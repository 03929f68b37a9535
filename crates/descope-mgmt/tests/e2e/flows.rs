//! Issue 5: flows and theme — list, export, deploy, restore.

use serde_json::Value;

use crate::{assert_no_key, bin};
use descope_testkit::TestEnv;

fn env() -> TestEnv {
    TestEnv::with_flows(bin())
}

fn imports(env: &TestEnv) -> Vec<Value> {
    env.writes()
        .into_iter()
        .filter(|w| w["path"].as_str().unwrap_or_default().contains("/import"))
        .collect()
}

#[test]
fn export_edit_deploy_restore() {
    let env = env();
    let dir = env.home().join("flows");
    let d = dir.to_str().unwrap();
    let r = env.run(&["flow", "export", "--all", "--dir", d]);
    r.expect(0);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path().to_str().unwrap().to_owned())
        .collect();
    files.sort();
    assert!(files.len() >= 4, "{files:?}");
    // Re-exports are byte-identical (stable key order).
    let first = std::fs::read(dir.join("sign-up-or-in.json")).unwrap();
    env.run(&["flow", "export", "--all", "--dir", d]).expect(0);
    assert_eq!(
        first,
        std::fs::read(dir.join("sign-up-or-in.json")).unwrap()
    );

    // Edit one screen's text.
    let path = dir.join("sign-up-or-in.json");
    let original = String::from_utf8(first).unwrap();
    let mut flow: Value = serde_json::from_str(&original).unwrap();
    let screen = &mut flow["screens"][0];
    let before = screen.to_string();
    let edited_screen: Value =
        serde_json::from_str(&before.replacen("\"text\":\"", "\"text\":\"Welcome! ", 1)).unwrap();
    assert_ne!(
        edited_screen, *screen,
        "the fixture screen has a text to edit"
    );
    *screen = edited_screen;
    std::fs::write(&path, serde_json::to_string_pretty(&flow).unwrap()).unwrap();

    env.clear_journal();
    let mut args = vec!["flow", "deploy", "--dry-run"];
    args.extend(files.iter().map(String::as_str));
    let dry = env.run(&args);
    dry.expect(0);
    assert!(dry.stdout.contains("~ sign-up-or-in"), "{}", dry.stdout);
    assert!(
        dry.stdout.contains(&format!(
            "Flows: 1 to deploy, {} unchanged.",
            files.len() - 1
        )),
        "{}",
        dry.stdout
    );
    assert!(env.writes().is_empty());

    args.retain(|a| *a != "--dry-run");
    let r = env.run(&args);
    r.expect(0);
    assert_no_key(&env, &r);
    let imported = imports(&env);
    assert_eq!(
        imported.len(),
        1,
        "only the changed flow is imported: {imported:?}"
    );
    assert_eq!(imported[0]["target"], "sign-up-or-in");

    let out = env.home().join("after.json");
    env.run(&[
        "flow",
        "export",
        "sign-up-or-in",
        "-f",
        out.to_str().unwrap(),
    ])
    .expect(0);
    let after: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert!(after.to_string().contains("Welcome! "));

    env.run(&["flow", "restore", "--latest", "sign-up-or-in"])
        .expect(0);
    let restored = env.run(&["flow", "export", "sign-up-or-in"]);
    let restored: Value = serde_json::from_str(&restored.stdout).unwrap();
    assert!(!restored.to_string().contains("Welcome! "));
    assert_eq!(restored, serde_json::from_str::<Value>(&original).unwrap());
    let backups = env
        .run(&["backup", "list", "--flow", "sign-up-or-in", "-o", "json"])
        .json();
    assert_eq!(
        backups.as_array().unwrap().len(),
        2,
        "deploy and restore each backed up"
    );
}

#[test]
fn bad_flow_files_fail_before_any_write() {
    let env = env();
    let good = env.home().join("good.json");
    let r = env.run(&["flow", "export", "basic-flow", "-f", good.to_str().unwrap()]);
    r.expect(0);
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&good).unwrap()).unwrap();
    v["metadata"]["name"] = Value::String("Changed".into());
    std::fs::write(&good, v.to_string()).unwrap();
    let not_json = env.home().join("broken.json");
    std::fs::write(&not_json, "{ not json").unwrap();
    let not_flow = env.home().join("other.json");
    std::fs::write(&not_flow, "{\"hello\": 1}").unwrap();
    let missing = env.home().join("missing.json");
    env.clear_journal();
    for bad in [&not_json, &not_flow, &missing] {
        let r = env.run(&[
            "flow",
            "deploy",
            good.to_str().unwrap(),
            bad.to_str().unwrap(),
        ]);
        r.expect(1);
        let name = bad.file_name().unwrap().to_str().unwrap();
        assert!(r.stderr.contains(name), "names {name}: {}", r.stderr);
        assert!(r.stderr.contains("nothing was deployed"), "{}", r.stderr);
    }
    assert!(env.writes().is_empty());
    env.run(&["flow", "export", "no-such-flow"]).expect(1);
}

#[test]
fn v1_and_console_shapes_are_accepted() {
    let env = env();
    let v1 = env.home().join("my-flow.json");
    std::fs::write(
        &v1,
        r#"{"flowId": "my-flow", "flow": {"id": "my-flow", "name": "Mine", "dsl": {"startTask": "a", "tasks": {}}}, "screens": [{"id": "s1", "htmlTemplate": {}}]}"#,
    )
    .unwrap();
    let r = env.run(&["flow", "deploy", v1.to_str().unwrap()]);
    r.expect(0);
    assert!(r.stderr.contains("v1 export"), "{}", r.stderr);
    let list = env.run(&["flow", "list", "-o", "json"]).json();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == "my-flow" && f["name"] == "Mine")
    );
}

#[test]
fn theme_export_deploy_restore() {
    let env = env();
    let f = env.home().join("theme.json");
    env.run(&["theme", "export", "-f", f.to_str().unwrap()])
        .expect(0);
    let mut theme: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
    let original = theme.clone();
    theme["componentsVersion"] = Value::String("9.9.9".into());
    std::fs::write(&f, theme.to_string()).unwrap();
    env.clear_journal();
    env.run(&["theme", "deploy", f.to_str().unwrap(), "--dry-run"])
        .expect(0);
    assert!(env.writes().is_empty());
    env.run(&["theme", "deploy", f.to_str().unwrap()]).expect(0);
    let live: Value = serde_json::from_str(&env.run(&["theme", "export"]).stdout).unwrap();
    assert_eq!(live["componentsVersion"], "9.9.9");
    env.run(&["theme", "restore", "--latest", "project"])
        .expect(0);
    let back: Value = serde_json::from_str(&env.run(&["theme", "export"]).stdout).unwrap();
    assert_eq!(back, original);
}
