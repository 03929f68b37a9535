//! Issue 13, "Done when": the whole project file — permissions, project roles, a tenant role,
//! tenants with settings and default roles — synced from an empty project, renamed without a
//! delete, pruned within `--max-deletes` with its warning, restored, exported and synced again
//! with nothing to do; and every error of the file found before any write, at file:line:col.

use serde_json::Value;

use crate::env;

const V1: &str = "\
permissions:
  - name: projects:read
    description: Read projects
  - name: projects:edit
    description: Edit projects
  - name: billing:read
roles:
  - name: viewer
    description: Read-only access
    permissions: [projects:read]
  - name: editor
    permissions: [projects:read, projects:edit]
  - name: auditor
    permissions: [billing:read]
tenants:
  - id: acme
    name: ACME Corp
    defaultRoles: [viewer, acme-admin]
    settings:
      sessionTokenExpiration: 15m
      refreshTokenExpiration: 4w
      inactivityTimeout: 30m
    roles:
      - name: acme-admin
        permissions: [projects:edit, billing:read]
  - id: globex
    name: Globex
    domains: [globex.com]
    defaultRoles: [editor]
    settings:
      refreshTokenExpiration: 2w
";

/// V1 with `projects:edit` renamed to `projects:write` and `editor` to `author`.
fn v2() -> String {
    V1.replace(
        "  - name: projects:edit\n",
        "  - name: projects:write\n    renamedFrom: projects:edit\n",
    )
    .replace(
        "  - name: editor\n",
        "  - name: author\n    renamedFrom: editor\n",
    )
    .replace("projects:edit]", "projects:write]")
    .replace("[projects:edit,", "[projects:write,")
    .replace("defaultRoles: [editor]", "defaultRoles: [author]")
}

/// V2 without the renames' `renamedFrom` (they are done) and without the role `auditor`.
fn v3() -> String {
    v2().replace("    renamedFrom: projects:edit\n", "")
        .replace("    renamedFrom: editor\n", "")
        .replace("  - name: auditor\n    permissions: [billing:read]\n", "")
}

fn write(env: &descope_testkit::TestEnv, name: &str, text: &str) -> String {
    let file = env.home().join(name);
    std::fs::write(&file, text).unwrap();
    file.to_str().unwrap().to_owned()
}

fn roles(env: &descope_testkit::TestEnv) -> Vec<Value> {
    env.state()["roles"].as_array().cloned().unwrap_or_default()
}

fn role<'a>(roles: &'a [Value], name: &str, tenant: Option<&str>) -> Option<&'a Value> {
    roles
        .iter()
        .find(|r| r["name"] == name && r["tenantId"].as_str().filter(|t| !t.is_empty()) == tenant)
}

fn permissions_of(r: &Value) -> Vec<String> {
    let mut p: Vec<String> = r["permissionNames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    p.sort();
    p
}

#[test]
fn the_whole_project_syncs_renames_prunes_restores_and_round_trips() {
    let env = env();
    let file = write(&env, "project.yaml", V1);

    // An empty project → the whole file.
    let run = env.run(&["sync", "-c", &file, "--dry-run"]);
    run.expect(0);
    for part in [
        "+ create permission `projects:read`",
        "+ create role `viewer`",
        "+ create role `acme-admin` of tenant `acme`",
        "+ create acme",
        "~ update settings of tenant `acme`",
    ] {
        assert!(
            run.stdout.contains(part),
            "{part} missing in:\n{}",
            run.stdout
        );
    }
    assert!(env.writes().is_empty(), "a dry run wrote");
    env.run(&["sync", "-c", &file, "--apply", "--yes"])
        .expect(0);
    let state = env.state();
    let names: Vec<&str> = state["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["systemDefault"] != true)
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    let all = roles(&env);
    assert_eq!(all.len(), 4);
    assert_eq!(
        permissions_of(role(&all, "acme-admin", Some("acme")).unwrap()),
        ["billing:read", "projects:edit"]
    );
    let tenants = state["tenants"].as_array().unwrap();
    let acme = tenants.iter().find(|t| t["id"] == "acme").unwrap();
    assert_eq!(
        acme["defaultRoles"],
        serde_json::json!(["viewer", "acme-admin"])
    );
    let settings = &state["settings"]["acme"];
    assert_eq!(settings["enabled"], true);
    assert_eq!(settings["sessionTokenExpiration"], 15);
    assert_eq!(settings["sessionTokenExpirationUnit"], "minutes");
    assert_eq!(settings["refreshTokenExpiration"], 4);
    assert_eq!(settings["refreshTokenExpirationUnit"], "weeks");
    assert_eq!(settings["enableInactivity"], true);
    // The settings write kept the tenant's domains.
    let globex = tenants.iter().find(|t| t["id"] == "globex").unwrap();
    assert_eq!(
        globex["selfProvisioningDomains"],
        serde_json::json!(["globex.com"])
    );
    // Batches: one request for the three permissions, one for the three project roles.
    let paths: Vec<String> = env
        .writes()
        .iter()
        .map(|w| w["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        paths
            .iter()
            .filter(|p| *p == "/v1/mgmt/permission/create/batch")
            .count(),
        1,
        "{paths:?}"
    );
    assert_eq!(
        paths
            .iter()
            .filter(|p| *p == "/v1/mgmt/role/create/batch")
            .count(),
        2, // the project roles, and acme's role
        "{paths:?}"
    );
    env.run(&["sync", "-c", &file, "--dry-run", "--detailed-exitcode"])
        .expect(0);

    // Renames are updates: nothing is deleted, every role keeps its permissions.
    env.clear_journal();
    let file2 = write(&env, "project2.yaml", &v2());
    let run = env.run(&["sync", "-c", &file2, "--dry-run"]);
    run.expect(0);
    assert!(
        run.stdout.contains("renamed from"),
        "no rename shown:\n{}",
        run.stdout
    );
    env.run(&["sync", "-c", &file2, "--apply", "--yes"])
        .expect(0);
    let journal = env.journal();
    assert!(
        !journal
            .iter()
            .any(|r| r["path"].as_str().unwrap().contains("delete")),
        "a rename deleted: {journal:?}"
    );
    let all = roles(&env);
    assert_eq!(all.len(), 4);
    assert_eq!(
        permissions_of(role(&all, "author", None).unwrap()),
        ["projects:read", "projects:write"]
    );
    assert_eq!(
        permissions_of(role(&all, "acme-admin", Some("acme")).unwrap()),
        ["billing:read", "projects:write"]
    );
    assert!(role(&all, "editor", None).is_none());

    // Pruning a role: the warning, the --max-deletes guard, then the delete.
    let file3 = write(&env, "project3.yaml", &v3());
    env.clear_journal();
    let run = env.run(&["sync", "-c", &file3, "--dry-run", "--prune"]);
    run.expect(0);
    assert!(
        run.stdout.contains("- delete role `auditor`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("removes it from every user and tenant that holds it"),
        "{}",
        run.stderr
    );
    let run = env.run(&[
        "sync",
        "-c",
        &file3,
        "--apply",
        "--prune",
        "--max-deletes",
        "0",
        "--yes",
    ]);
    run.expect(1);
    assert!(run.stderr.contains("--max-deletes"), "{}", run.stderr);
    assert!(
        env.writes().is_empty(),
        "over the limit, something was written"
    );
    env.run(&["sync", "-c", &file3, "--apply", "--prune", "--yes"])
        .expect(0);
    assert!(role(&roles(&env), "auditor", None).is_none());

    // Restore brings it back, with its permission.
    env.run(&["restore", "--latest", "role:auditor", "--yes"])
        .expect(0);
    let all = roles(&env);
    assert_eq!(
        permissions_of(role(&all, "auditor", None).expect("restored")),
        ["billing:read"]
    );

    // Export, then a sync of the export plans nothing.
    let exported = env.home().join("export.yaml");
    env.run(&["export", "-f", exported.to_str().unwrap()])
        .expect(0);
    env.run(&[
        "sync",
        "-c",
        exported.to_str().unwrap(),
        "--dry-run",
        "--detailed-exitcode",
    ])
    .expect(0);
}

/// A file error found by the sync: exit 1, the message at `FILE:LINE:COL`, no write.
#[track_caller]
fn refused(env: &descope_testkit::TestEnv, text: &str, at: &str, says: &str) {
    let file = write(env, "bad.yaml", text);
    env.clear_journal();
    let run = env.run(&["sync", "-c", &file, "--apply", "--yes"]);
    run.expect(1);
    assert!(
        run.stderr.contains(&format!("bad.yaml:{at}")),
        "not located at {at}:\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(says),
        "`{says}` missing in:\n{}",
        run.stderr
    );
    assert!(
        env.writes().is_empty(),
        "a refused file wrote: {:?}",
        env.writes()
    );
}

#[test]
fn file_errors_are_located_and_nothing_is_written() {
    let env = env();
    // A role's permission that is neither in the file nor live.
    refused(
        &env,
        "roles:\n  - name: viewer\n    permissions: [nope]\ntenants: []\n",
        "3:19",
        "nope",
    );
    // A default role that is no role.
    refused(
        &env,
        "tenants:\n  - id: acme\n    name: ACME\n    defaultRoles: [ghost]\n    roles: []\n",
        "4:20",
        "ghost",
    );
    // An unknown settings unit.
    refused(
        &env,
        "tenants:\n  - id: acme\n    name: ACME\n    settings:\n      sessionTokenExpiration: 15y\n",
        "5:31",
        "15y",
    );
    // A duration the service cannot express.
    refused(
        &env,
        "tenants:\n  - id: acme\n    name: ACME\n    settings:\n      sessionTokenExpiration: 90s\n",
        "5:31",
        "90s",
    );
    // A rename whose renamedFrom does not exist.
    refused(
        &env,
        "permissions:\n  - name: b\n    renamedFrom: a\ntenants: []\n",
        "3:18",
        "`renamedFrom: a`",
    );
    assert_eq!(env.state()["tenants"].as_array().map(Vec::len), Some(0));
}

#[test]
fn tenant_sync_applies_settings_and_tenant_roles_and_leaves_project_sections_alone() {
    let env = env();
    let file = write(&env, "project.yaml", V1);
    env.run(&["sync", "-c", &file, "--apply", "--yes"])
        .expect(0);
    let changed = V1.replace("sessionTokenExpiration: 15m", "sessionTokenExpiration: 20m");
    let file2 = write(&env, "project2.yaml", &changed);
    env.clear_journal();
    let run = env.run(&["tenant", "sync", "-c", &file2, "--apply", "--yes"]);
    run.expect(0);
    assert!(
        run.stderr.contains("leaves the file's top-level"),
        "{}",
        run.stderr
    );
    assert_eq!(
        env.state()["settings"]["acme"]["sessionTokenExpiration"],
        20
    );
    // Only the settings were written.
    let writes: Vec<String> = env
        .writes()
        .iter()
        .map(|w| w["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(writes, ["/v1/mgmt/tenant/settings"]);
}

#[test]
fn a_saved_project_plan_applies_exactly_and_refuses_when_stale() {
    let env = env();
    let file = write(&env, "project.yaml", V1);
    env.run(&["sync", "-c", &file, "--apply", "--yes"])
        .expect(0);
    let file2 = write(&env, "project2.yaml", &v2());
    let plan = env.home().join("plan.json");
    let plan = plan.to_str().unwrap();
    env.run(&["sync", "-c", &file2, "--dry-run", "--out", plan])
        .expect(0);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(plan).unwrap()).unwrap();
    assert_eq!(doc["formatVersion"], 1);
    let resources = doc["resources"].as_array().expect("resources in the plan");
    assert!(
        resources
            .iter()
            .any(|c| c["kind"] == "role" && c["renamedFrom"] == "editor"),
        "{resources:?}"
    );
    assert!(
        doc["resourceFingerprints"]["role:editor"].is_string(),
        "{doc}"
    );

    // An edited request is refused.
    let tampered = std::fs::read_to_string(plan).unwrap().replacen(
        "\"newName\": \"author\"",
        "\"newName\": \"owner\"",
        1,
    );
    let bad = write(&env, "tampered.json", &tampered);
    let r = env.run(&["sync", "--apply", "--plan", &bad, "--yes"]);
    r.expect(1);
    assert!(r.stderr.contains("edited or is damaged"), "{}", r.stderr);

    // Applied as saved.
    env.clear_journal();
    env.run(&["sync", "--apply", "--plan", plan, "--yes"])
        .expect(0);
    assert!(role(&roles(&env), "author", None).is_some());
    env.run(&["sync", "-c", &file2, "--dry-run", "--detailed-exitcode"])
        .expect(0);

    // A plan whose role changed since is stale.
    let file3 = write(&env, "project3.yaml", &v3());
    let plan3 = env.home().join("plan3.json");
    let plan3 = plan3.to_str().unwrap();
    env.run(&["sync", "-c", &file3, "--dry-run", "--prune", "--out", plan3])
        .expect(0);
    // Change `auditor` behind the plan's back.
    let changed = v2()
        .replace("    renamedFrom: projects:edit\n", "")
        .replace("    renamedFrom: editor\n", "")
        .replace(
            "  - name: auditor\n",
            "  - name: auditor\n    description: changed\n",
        );
    let file4 = write(&env, "project4.yaml", &changed);
    env.run(&[
        "sync",
        "-c",
        &file4,
        "--apply",
        "--yes",
        "--only",
        "role:auditor",
    ])
    .expect(0);
    env.clear_journal();
    let r = env.run(&["sync", "--apply", "--plan", plan3, "--yes"]);
    r.expect(1);
    assert!(r.stderr.contains("plan is stale"), "{}", r.stderr);
    assert!(r.stderr.contains("role:auditor"), "{}", r.stderr);
    assert!(env.writes().is_empty());
}

#[test]
fn the_example_project_file_syncs_and_converges() {
    let env = env();
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/project.yaml");
    env.run(&["config", "validate", file]).expect(0);
    env.run(&["sync", "-c", file, "--apply", "--yes"]).expect(0);
    env.run(&["sync", "-c", file, "--dry-run", "--detailed-exitcode"])
        .expect(0);
    assert_eq!(roles(&env).len(), 3);
}
