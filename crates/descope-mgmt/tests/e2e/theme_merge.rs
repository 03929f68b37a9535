//! Issue 15: the service's theme import merges styles (reference §10.2). A style the file lacks
//! stays live; the plan names it, and deploy and restore exit 3 when the live theme does not end
//! as the file.

use serde_json::{Value, json};

use crate::bin;
use descope_testkit::TestEnv;

fn live_theme(env: &TestEnv) -> Value {
    serde_json::from_str(&env.run(&["theme", "export"]).stdout).unwrap()
}

fn style_names(theme: &Value) -> Vec<String> {
    let mut names: Vec<String> = theme["styles"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    names.sort();
    names
}

#[test]
fn a_style_the_file_lacks_is_named_stays_live_and_exits_3() {
    let env = TestEnv::with_flows(bin());
    let f = env.home().join("theme.json");
    env.run(&["theme", "export", "-f", f.to_str().unwrap()])
        .expect(0);
    let original: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
    let names = style_names(&original);
    assert!(names.len() >= 2, "the seeded theme has styles: {names:?}");
    let (kept, dropped) = (&names[0], &names[1]);

    // A file with one style dropped and another changed.
    let mut file = original.clone();
    file["styles"].as_object_mut().unwrap().remove(dropped);
    file["styles"][kept]["x-test"] = json!("changed");
    std::fs::write(&f, file.to_string()).unwrap();

    env.clear_journal();
    let plan = env.run(&["theme", "deploy", f.to_str().unwrap(), "--dry-run"]);
    plan.expect(0);
    assert!(env.writes().is_empty(), "a dry run writes nothing");
    assert!(
        plan.stdout.contains(&format!("~ style {kept}")),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains(&format!("! style {dropped} stays live")),
        "the plan names the style that will stay:\n{}",
        plan.stdout
    );
    let json = env
        .run(&[
            "theme",
            "deploy",
            f.to_str().unwrap(),
            "--dry-run",
            "-o",
            "json",
        ])
        .json();
    assert_eq!(json["stays"], json!([dropped]));
    assert_eq!(json["changed"], json!([kept]));

    let md = env.run(&[
        "theme",
        "deploy",
        f.to_str().unwrap(),
        "--dry-run",
        "-o",
        "markdown",
    ]);
    md.expect(0);
    assert!(env.writes().is_empty());
    assert!(
        md.stdout.contains(&format!("style {dropped}")) && md.stdout.contains("stays live"),
        "the markdown plan names the style that stays:\n{}",
        md.stdout
    );
    assert!(
        md.stdout.contains(&format!("style {kept}")),
        "{}",
        md.stdout
    );
    // Markdown is for plans: a theme deploy that writes refuses it before doing anything.
    env.run(&["theme", "deploy", f.to_str().unwrap(), "-o", "markdown"])
        .expect(64);
    assert!(env.writes().is_empty());

    // The apply imports what it can, then reports the style left behind and exits 3.
    let run = env.run(&["theme", "deploy", f.to_str().unwrap()]);
    run.expect(3);
    assert!(run.stderr.contains("does not match"), "{}", run.stderr);
    assert!(run.stderr.contains(dropped.as_str()), "{}", run.stderr);
    let live = live_theme(&env);
    assert_eq!(live["styles"][kept]["x-test"], "changed");
    assert_eq!(
        live["styles"][dropped], original["styles"][dropped],
        "the dropped style is still live, as on the service"
    );

    // Deploying the same file again: nothing the import can change, so no write, still exit 3.
    env.clear_journal();
    let again = env.run(&["theme", "deploy", f.to_str().unwrap()]);
    again.expect(3);
    assert!(env.writes().is_empty(), "nothing to import: no write");
    assert!(
        again.stderr.contains("nothing to import"),
        "{}",
        again.stderr
    );
}

#[test]
fn restore_cannot_remove_a_style_a_deploy_added_and_says_so() {
    let env = TestEnv::with_flows(bin());
    let f = env.home().join("theme.json");
    env.run(&["theme", "export", "-f", f.to_str().unwrap()])
        .expect(0);
    let original: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
    let mut file = original.clone();
    file["styles"]["brand-2027"] = json!({"globals": {"colors": {"primary": "#123456"}}});
    std::fs::write(&f, file.to_string()).unwrap();
    env.run(&["theme", "deploy", f.to_str().unwrap()]).expect(0);
    assert!(style_names(&live_theme(&env)).contains(&"brand-2027".to_owned()));

    let dry = env.run(&["theme", "restore", "--latest", "project", "--dry-run"]);
    dry.expect(0);
    assert!(
        dry.stdout.contains("! style brand-2027 stays live"),
        "{}",
        dry.stdout
    );
    // Only the added style differs, and the import cannot remove it: no write, exit 3.
    env.clear_journal();
    let run = env.run(&["theme", "restore", "--latest", "project"]);
    run.expect(3);
    assert!(env.writes().is_empty());
    assert!(run.stderr.contains("brand-2027"), "{}", run.stderr);
    assert!(run.stderr.contains("Descope console"), "{}", run.stderr);
}
