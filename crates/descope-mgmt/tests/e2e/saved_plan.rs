//! Issue 11: a saved plan applies exactly what it shows (items 4 and 17), and renames that
//! depend on each other converge in one apply (item 7).

use serde_json::{Value, json};

use crate::{assert_converged, env};
use descope_testkit::TestEnv;

fn write(env: &TestEnv, name: &str, text: &str) -> String {
    let p = env.home().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

fn read_json(path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn write_json(env: &TestEnv, name: &str, v: &Value) -> String {
    write(env, name, &serde_json::to_string_pretty(v).unwrap())
}

/// Makes a plan of `file` (with `extra` flags) and saves it; returns its path.
fn save_plan(env: &TestEnv, file: &str, extra: &[&str]) -> String {
    let out = env.home().join("plan.json");
    let out = out.to_str().unwrap().to_owned();
    let mut args = vec!["tenant", "sync", "-c", file, "--dry-run", "--out", &out];
    args.extend_from_slice(extra);
    env.run(&args).expect(0);
    out
}

fn tenant(env: &TestEnv, id: &str) -> Value {
    env.state()["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .cloned()
        .unwrap_or(Value::Null)
}

fn names(env: &TestEnv) -> Vec<(String, String)> {
    env.state()["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap().to_owned(),
                t["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Applying `plan` is refused with "edited or damaged" (`what` in the message), exit 1, and
/// no write request leaves the process.
#[track_caller]
fn refused(env: &TestEnv, plan: &str, what: &str) {
    env.clear_journal();
    let r = env.run(&["tenant", "sync", "--apply", "--yes", "--plan", plan]);
    r.expect(1);
    assert!(
        r.stderr.contains("the plan file was edited or is damaged"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains(what), "wanted `{what}` in:\n{}", r.stderr);
    assert!(r.stderr.contains("nothing was changed"), "{}", r.stderr);
    assert!(!r.stderr.contains("Some("), "{}", r.stderr);
    assert!(env.writes().is_empty(), "{:?}", env.writes());
}

#[test]
fn an_edited_request_in_a_saved_plan_is_refused_and_the_untouched_plan_applies() {
    let env = env();
    env.seed(json!([{
        "id": "acme", "name": "ACME", "selfProvisioningDomains": ["acme.com"],
        "customAttributes": {"plan": "pro"}, "disabled": false
    }]));
    let file = write(
        &env,
        "t.yaml",
        "tenants:\n  - id: acme\n    name: ACME Corp\n",
    );
    let plan = save_plan(&env, &file, &[]);
    let saved = read_json(&plan);
    assert_eq!(
        saved["changes"][0]["fields"],
        json!([{"field": "name", "old": "ACME", "new": "ACME Corp"}])
    );
    // The plan shows only a rename; its request is edited to change what it does not show.
    for (key, value) in [
        ("disabled", json!(true)),
        ("customAttributes", json!({})),
        ("selfProvisioningDomains", json!([])),
        ("name", json!("Someone Else")),
    ] {
        let mut edited = saved.clone();
        edited["changes"][0]["request"][key] = value;
        let p = write_json(&env, "edited.json", &edited);
        refused(&env, &p, &format!("it differs in `{key}`"));
    }
    // A request with a field the service ignores today is an edit too.
    let mut edited = saved.clone();
    edited["changes"][0]["request"]["parent"] = json!("elsewhere");
    refused(
        &env,
        &write_json(&env, "edited.json", &edited),
        "request of tenant `acme`",
    );
    // The shown field and its request edited together: the old value is not what acme had.
    let mut edited = saved.clone();
    edited["changes"][0]["fields"][0]["old"] = json!("Other");
    refused(
        &env,
        &write_json(&env, "edited.json", &edited),
        "old value of `name`",
    );
    // A field shown that the request does not carry.
    let mut edited = saved.clone();
    edited["changes"][0]["fields"]
        .as_array_mut()
        .unwrap()
        .push(json!({"field": "disabled", "old": false, "new": true}));
    refused(
        &env,
        &write_json(&env, "edited.json", &edited),
        "request of tenant `acme`",
    );
    assert_eq!(tenant(&env, "acme")["name"], "ACME");

    // The plan as saved applies, and keeps every field it does not show.
    env.run(&["tenant", "sync", "--apply", "--plan", &plan])
        .expect(0);
    let t = tenant(&env, "acme");
    assert_eq!(t["name"], "ACME Corp");
    assert_eq!(t["selfProvisioningDomains"], json!(["acme.com"]));
    assert_eq!(t["customAttributes"], json!({"plan": "pro"}));
    assert_converged(&env, &file);
}

#[test]
fn deletes_added_to_a_saved_plan_are_held_to_its_prune_and_max_deletes() {
    let env = env();
    let mut seed = vec![json!({"id": "keep", "name": "Keep"})];
    seed.extend((0..10).map(|i| json!({"id": format!("t{i}"), "name": format!("T{i}")})));
    env.seed(Value::Array(seed));
    let file = write(
        &env,
        "t.yaml",
        "tenants:\n  - id: keep\n    name: Keep Renamed\n",
    );
    let plan = save_plan(&env, &file, &[]);
    let saved = read_json(&plan);
    assert_eq!(saved["options"]["prune"], false);
    let deletes: Vec<Value> = (0..10)
        .map(|i| json!({"id": format!("t{i}"), "action": "delete"}))
        .collect();

    // Ten deletes added as they are: the summary no longer counts what the plan holds.
    let mut edited = saved.clone();
    edited["changes"]
        .as_array_mut()
        .unwrap()
        .extend(deletes.clone());
    refused(
        &env,
        &write_json(&env, "edited.json", &edited),
        "its summary says 0 to create, 1 to update, 0 to delete, 10 unchanged but it holds 0 to create, 1 to update, 10 to delete, 10 unchanged",
    );
    // With the summary and the unchanged list made to agree: made without --prune.
    edited["summary"]["delete"] = json!(10);
    edited["summary"]["unchanged"] = json!(0);
    edited["unchanged"] = json!([]);
    let p = write_json(&env, "edited.json", &edited);
    refused(
        &env,
        &p,
        "it deletes tenant `t0`, but it was made without --prune",
    );
    // And with --prune recorded but the recorded --max-deletes (5) still holds.
    edited["options"]["prune"] = json!(true);
    refused(
        &env,
        &write_json(&env, "edited.json", &edited),
        "it deletes 10 tenants, more than the --max-deletes 5 it was made with",
    );
    // A delete of a tenant the plan never read.
    let mut edited = saved.clone();
    edited["changes"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "ghost", "action": "delete"}));
    edited["summary"]["delete"] = json!(1);
    refused(
        &env,
        &write_json(&env, "edited.json", &edited),
        "tenant `ghost` is in the plan but has no fingerprint",
    );
    assert_eq!(names(&env).len(), 11);

    // The untouched plan applies; a pruning plan within its limit applies too.
    env.run(&["tenant", "sync", "--apply", "--plan", &plan])
        .expect(0);
    let plan = save_plan(&env, &file, &["--prune", "--max-deletes", "10"]);
    assert_eq!(read_json(&plan)["options"]["maxDeletes"], 10);
    env.run(&["tenant", "sync", "--apply", "--yes", "--plan", &plan])
        .expect(0);
    assert_eq!(
        names(&env),
        [("keep".to_owned(), "Keep Renamed".to_owned())]
    );
}

#[test]
fn a_plan_of_another_format_version_or_an_older_one_that_deletes_says_what_to_do() {
    let env = env();
    env.seed(json!([{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]));
    let file = write(&env, "t.yaml", "tenants:\n  - id: a\n    name: A2\n");
    let plan = save_plan(&env, &file, &["--prune"]);
    let saved = read_json(&plan);

    let mut future = saved.clone();
    future["formatVersion"] = json!(99);
    let p = write_json(&env, "future.json", &future);
    let r = env.run(&["tenant", "sync", "--apply", "--yes", "--plan", &p]);
    r.expect(1);
    assert!(
        r.stderr.contains(&format!(
            "plan file {p} has format version 99; this descope-mgmt reads version 1"
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("make the plan again"), "{}", r.stderr);
    assert!(!r.stderr.contains("Some("), "{}", r.stderr);

    let mut unknown = saved.clone();
    unknown["changes"][0]["action"] = json!("rename");
    let r = env.run(&[
        "tenant",
        "sync",
        "--apply",
        "--yes",
        "--plan",
        &write_json(&env, "unknown.json", &unknown),
    ]);
    r.expect(1);
    assert!(
        r.stderr
            .contains("unknown action `rename` (create, update or delete)"),
        "{}",
        r.stderr
    );

    // A plan written before the guards were recorded: refused when it deletes...
    let mut older = saved.clone();
    older.as_object_mut().unwrap().remove("options");
    let p = write_json(&env, "older.json", &older);
    env.clear_journal();
    let r = env.run(&["tenant", "sync", "--apply", "--yes", "--plan", &p]);
    r.expect(1);
    assert!(
        r.stderr
            .contains("does not record the --prune and --max-deletes it was made with"),
        "{}",
        r.stderr
    );
    assert!(env.writes().is_empty());
    // ...and applied when it does not.
    let plan = save_plan(&env, &file, &[]);
    let mut older = read_json(&plan);
    older.as_object_mut().unwrap().remove("options");
    let p = write_json(&env, "older.json", &older);
    env.run(&["tenant", "sync", "--apply", "--plan", &p])
        .expect(0);
    assert_eq!(tenant(&env, "a")["name"], "A2");
}

// Item 7: dependent renames.

const SWAP: &str = "tenants:\n  - id: a1\n    name: A2\n  - id: a2\n    name: A1\n";

#[test]
fn swapped_names_converge_in_one_apply_through_a_temporary_name_the_plan_shows() {
    let env = env();
    env.seed(json!([{"id": "a1", "name": "A1"}, {"id": "a2", "name": "A2"}]));
    let file = write(&env, "swap.yaml", SWAP);
    let dry = env.run(&["tenant", "sync", "-c", &file, "--dry-run"]);
    dry.expect(0);
    assert!(
        dry.stdout
            .contains("first renamed to \"A1 (renaming a1)\" (a temporary name"),
        "{}",
        dry.stdout
    );
    let json = env.run(&["tenant", "sync", "-c", &file, "--dry-run", "-o", "json"]);
    assert_eq!(json.json()["changes"][0]["tempName"], "A1 (renaming a1)");
    assert!(json.json()["changes"][1].get("tempName").is_none());

    env.clear_journal();
    let r = env.run(&["tenant", "sync", "-c", &file, "--apply"]);
    r.expect(0);
    assert!(!r.stderr.contains("E112204"), "{}", r.stderr);
    assert_eq!(env.writes().len(), 3, "temporary rename, then two renames");
    assert_eq!(
        names(&env),
        [
            ("a1".to_owned(), "A2".to_owned()),
            ("a2".to_owned(), "A1".to_owned())
        ]
    );
    assert_converged(&env, &file);
    // Each update is undoable: a1's backup holds its name before the temporary one.
    let audit = env.run(&["audit", "list", "-o", "json"]);
    assert!(audit.stdout.contains("a1"), "{}", audit.stdout);

    // The same swap through a saved plan (its temporary name is checked, then used).
    let back = write(
        &env,
        "back.yaml",
        "tenants:\n  - id: a1\n    name: A1\n  - id: a2\n    name: A2\n",
    );
    let plan = save_plan(&env, &back, &[]);
    let mut edited = read_json(&plan);
    edited["changes"][0]["tempName"] = json!("A2");
    refused(
        &env,
        &write_json(&env, "edited.json", &edited),
        "must first be renamed to the temporary name `A2 (renaming a1)`",
    );
    env.run(&["tenant", "sync", "--apply", "--plan", &plan])
        .expect(0);
    assert_converged(&env, &back);
}

#[test]
fn a_chain_of_renames_and_a_create_of_a_freed_name_converge_in_one_apply() {
    let env = env();
    env.seed(json!([
        {"id": "a1", "name": "A1"},
        {"id": "b1", "name": "B1"},
        {"id": "gone", "name": "Gone"}
    ]));
    let file = write(
        &env,
        "chain.yaml",
        "tenants:\n  - id: a1\n    name: B1\n  - id: b1\n    name: B1-renamed\n  - id: new\n    name: A1\n  - id: new2\n    name: Gone\n",
    );
    let dry = env.run(&["tenant", "sync", "-c", &file, "--dry-run", "--prune"]);
    assert!(!dry.stdout.contains("temporary"), "{}", dry.stdout);
    env.run(&["tenant", "sync", "-c", &file, "--apply", "--prune", "--yes"])
        .expect(0);
    assert_eq!(
        names(&env),
        [
            ("a1".to_owned(), "B1".to_owned()),
            ("b1".to_owned(), "B1-renamed".to_owned()),
            ("new".to_owned(), "A1".to_owned()),
            ("new2".to_owned(), "Gone".to_owned())
        ]
    );
    assert_converged(&env, &file);
}

#[test]
fn a_three_cycle_of_renames_converges_in_one_apply() {
    let env = env();
    env.seed(json!([
        {"id": "a", "name": "A", "customAttributes": {"k": 1}},
        {"id": "b", "name": "B"},
        {"id": "c", "name": "C"}
    ]));
    let file = write(
        &env,
        "cycle.yaml",
        "tenants:\n  - id: a\n    name: B\n    disabled: true\n  - id: b\n    name: C\n  - id: c\n    name: A\n",
    );
    env.run(&["tenant", "sync", "-c", &file, "--apply"])
        .expect(0);
    assert_eq!(
        names(&env),
        [
            ("a".to_owned(), "B".to_owned()),
            ("b".to_owned(), "C".to_owned()),
            ("c".to_owned(), "A".to_owned())
        ]
    );
    let a = tenant(&env, "a");
    assert_eq!(a["disabled"], true);
    assert_eq!(a["customAttributes"], json!({"k": 1}));
    assert_converged(&env, &file);
}

#[test]
fn a_plan_edited_consistently_still_follows_the_field_rules() {
    let env = env();
    env.seed(json!([{
        "id": "acme", "name": "ACME", "selfProvisioningDomains": ["acme.com"]
    }]));
    let file = write(
        &env,
        "t.yaml",
        "tenants:\n  - id: acme\n    name: ACME Corp\n",
    );
    let plan = save_plan(&env, &file, &[]);
    let saved = read_json(&plan);
    // The shown fields and the request agree, so only the field rules can catch it.
    let mut edited = saved.clone();
    edited["changes"][0]["fields"]
        .as_array_mut()
        .unwrap()
        .push(json!({"field": "domains", "old": ["acme.com"], "new": ["BAD..com"]}));
    edited["changes"][0]["request"]["selfProvisioningDomains"] = json!(["BAD..com"]);
    let p = write_json(&env, "bad-domain.json", &edited);
    refused(&env, &p, "invalid domain `BAD..com`");
    assert_eq!(
        tenant(&env, "acme")["selfProvisioningDomains"],
        json!(["acme.com"])
    );
}

#[test]
fn max_deletes_given_with_a_saved_plan_is_a_usage_error() {
    let env = env();
    env.seed(json!([{"id": "a1", "name": "A1"}, {"id": "a2", "name": "A2"}]));
    let file = write(&env, "none.yaml", "tenants: []\n");
    let plan = save_plan(&env, &file, &["--prune"]);
    env.clear_journal();
    let r = env.run(&[
        "tenant",
        "sync",
        "--apply",
        "--yes",
        "--plan",
        &plan,
        "--max-deletes",
        "0",
    ]);
    r.expect(64);
    assert!(r.stderr.contains("--max-deletes"), "{}", r.stderr);
    assert!(env.writes().is_empty(), "{:?}", env.writes());
    assert_eq!(names(&env).len(), 2);
}

#[test]
fn a_tenant_that_appeared_and_holds_a_name_the_plan_uses_makes_the_plan_stale() {
    let env = env();
    env.seed(json!([{"id": "a1", "name": "A1"}, {"id": "a2", "name": "A2"}]));
    let file = write(&env, "swap.yaml", SWAP);
    let plan = save_plan(&env, &file, &[]);
    env.run(&[
        "tenant",
        "create",
        "--id",
        "x",
        "--name",
        "A1 (renaming a1)",
    ])
    .expect(0);
    env.clear_journal();
    let r = env.run(&["tenant", "sync", "--apply", "--yes", "--plan", &plan]);
    r.expect(1);
    assert!(r.stderr.contains("plan is stale"), "{}", r.stderr);
    assert!(
        r.stderr.contains("appeared since it was made (x)"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("edited or is damaged"), "{}", r.stderr);
    assert!(env.writes().is_empty(), "{:?}", env.writes());
}
