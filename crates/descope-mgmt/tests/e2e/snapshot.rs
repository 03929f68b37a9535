//! Issue 15: project snapshots — export, validate, import with a diff, a backup and an audit
//! record, restore, secrets that never leave memory.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::{assert_no_key, assert_not_leaked, bin, mgmt_post};
use descope_testkit::TestEnv;

const CONNECTOR_ID: &str = "CI2kytoq1RRvE147xvkGxu6xXEJxY";
const SECRET: &str = "sk-SNAPSHOT-secret-value-must-never-leak";

/// A seeded emulator whose flows' references all resolve: the seed's flows plus the connector
/// and the role they name, a permission, and (when `with_assets`) two assets.
fn seeded(with_assets: bool) -> TestEnv {
    let env = TestEnv::with_flows(bin());
    let mut files = mgmt_post(&env, "/v1/mgmt/project/snapshot/export", &json!({}))["files"]
        .as_object()
        .unwrap()
        .clone();
    files.insert(
        "connectors/http.json".into(),
        json!({"id": CONNECTOR_ID, "name": "My HTTP Connector", "type": "http", "secretFields": ["bearerToken"]}),
    );
    files.insert(
        "roles.json".into(),
        json!({"permissions": [{"name": "projects:read", "description": "Read projects"}],
               "roles": [{"name": "My User Role", "description": "Users", "permissionNames": ["projects:read"], "default": false, "private": false}]}),
    );
    if with_assets {
        files.insert("assets/logo.png".into(), json!("iVBORw0KGgoAAAANSUhEUg=="));
        files.insert("texts/terms.txt".into(), json!("Be nice.\n"));
    }
    let secrets = json!({"connectors": [{"id": CONNECTOR_ID, "name": "My HTTP Connector", "type": "bearerToken", "value": "setup-secret"}]});
    mgmt_post(
        &env,
        "/v1/mgmt/project/snapshot/import",
        &json!({"files": files, "inputSecrets": secrets}),
    );
    env.clear_journal();
    env
}

/// Every file under `dir` (relative path → bytes).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn edit_json(path: &Path, edit: impl FnOnce(&mut Value)) {
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

#[test]
fn export_edit_dry_run_apply_restore_reexport_is_byte_identical() {
    let env = seeded(true);
    let dir = env.home().join("snap");
    let d = dir.to_str().unwrap();
    env.run(&["snapshot", "export", "--dir", d]).expect(0);
    let first = tree(&dir);
    assert!(
        first.contains_key("flows/sign-up-or-in.json"),
        "{:?}",
        first.keys()
    );
    assert_eq!(
        first["assets/logo.png"][..4],
        [0x89, b'P', b'N', b'G'],
        "base64 decoded"
    );
    assert_eq!(first["texts/terms.txt"], b"Be nice.\n");
    env.run(&["snapshot", "export", "--dir", d]).expect(0);
    assert_eq!(tree(&dir), first, "a re-export changes no byte");

    // Edit one task of a flow and one role.
    edit_json(&dir.join("flows/sign-up-or-in.json"), |f| {
        let tasks = f["contents"]["tasks"].as_object_mut().unwrap();
        let (_, task) = tasks.iter_mut().next().unwrap();
        task["name"] = json!("Renamed step");
    });
    edit_json(&dir.join("roles.json"), |r| {
        r["roles"][0]["description"] = json!("Users, edited");
    });

    let dry = env.run(&["snapshot", "import", "--dir", d, "--dry-run"]);
    dry.expect(0);
    assert!(
        dry.stdout
            .contains("~ flows/sign-up-or-in.json: tasks changed:"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout
            .contains("~ roles.json: roles changed: My User Role"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout
            .contains("Plan: 0 to add, 2 to change, 0 to remove,"),
        "{}",
        dry.stdout
    );
    let shown = dry.stdout.replace(env.home().to_str().unwrap(), "<home>");
    insta::assert_snapshot!("snapshot_import_dry_run", shown);
    let json_plan = env.run(&["snapshot", "import", "--dir", d, "--dry-run", "-o", "json"]);
    let plan = json_plan.expect(0).json();
    let changed: Vec<&str> = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["flows/sign-up-or-in.json", "roles.json"]);
    assert_eq!(plan["applied"], false);
    // The same plan as a pull-request comment.
    let md = env.run(&[
        "snapshot",
        "import",
        "--dir",
        d,
        "--dry-run",
        "-o",
        "markdown",
    ]);
    md.expect(0);
    assert!(
        md.stdout.contains("flows/sign-up-or-in.json") && md.stdout.contains("roles.json"),
        "{}",
        md.stdout
    );
    assert!(
        md.stdout.contains("1 to replace") || md.stdout.contains("2 to replace"),
        "{}",
        md.stdout
    );
    insta::assert_snapshot!("snapshot_import_dry_run_markdown", md.stdout);
    assert!(
        env.writes().is_empty(),
        "a dry run writes nothing: {:?}",
        env.writes()
    );

    let apply = env.run(&["snapshot", "import", "--dir", d, "--apply", "--yes"]);
    apply.expect(0);
    assert_no_key(&env, &apply);
    let writes = env.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0]["path"], "/v1/mgmt/project/snapshot/import");
    assert!(
        apply.stderr.contains("Undo: descope-mgmt restore"),
        "{}",
        apply.stderr
    );
    let backups = env.run(&["backup", "list", "-o", "json"]).expect(0).json();
    let backups = backups.as_array().unwrap();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let snap = &backups[0];
    assert_eq!(
        (&snap["targetType"], &snap["targetId"], &snap["operation"]),
        (&json!("snapshot"), &json!("project"), &json!("import"))
    );
    // The backup holds the live snapshot as it was before the import: the unedited role.
    let backup: Value =
        serde_json::from_str(&std::fs::read_to_string(snap["path"].as_str().unwrap()).unwrap())
            .unwrap();
    assert_eq!(
        backup["snapshot"]["files"]["roles.json"]["roles"][0]["description"],
        "Users"
    );
    let audit = env
        .run(&["audit", "list", "--operation", "import", "-o", "json"])
        .expect(0)
        .json();
    let audit = audit.as_array().unwrap();
    assert_eq!(audit.len(), 1, "{audit:?}");
    assert_eq!(
        (
            &audit[0]["targetType"],
            &audit[0]["request"],
            &audit[0]["result"]
        ),
        (&json!("snapshot"), &json!("import"), &json!("ok"))
    );
    assert_eq!(audit[0]["backup"], snap["path"]);
    let live = mgmt_post(&env, "/v1/mgmt/project/snapshot/export", &json!({}));
    assert_eq!(
        live["files"]["roles.json"]["roles"][0]["description"],
        "Users, edited"
    );

    env.clear_journal();
    let restore = env.run(&["restore", "--latest", "snapshot"]);
    restore.expect(0);
    assert_eq!(env.writes().len(), 1);
    let again = env.home().join("again");
    env.run(&["snapshot", "export", "--dir", again.to_str().unwrap()])
        .expect(0);
    assert_eq!(
        tree(&again),
        first,
        "after the restore, the export is the first one"
    );
}

#[test]
fn validate_lists_failures_in_the_users_terms_and_exits_1() {
    let env = TestEnv::with_flows(bin());
    let dir = env.home().join("snap");
    let d = dir.to_str().unwrap();
    env.run(&["snapshot", "export", "--dir", d]).expect(0);
    // As exported it validates (references the live flows already hold are not re-checked).
    env.run(&["snapshot", "validate", "--dir", d]).expect(0);
    // A flow that gains a reference to a connector and a role that do not exist, and a role
    // naming a permission that is not defined.
    edit_json(&dir.join("flows/basic-flow.json"), |f| {
        f["references"] =
            json!({"connectors": {"Billing API": "CIbilling"}, "roles": {"Auditor": "ROLaud"}});
    });
    std::fs::write(
        dir.join("roles.json"),
        r#"{"roles": [{"name": "viewer", "permissionNames": ["projects:read"]}]}"#,
    )
    .unwrap();
    let r = env.run(&["snapshot", "validate", "--dir", d]);
    r.expect(1);
    for line in [
        "does not validate (3 problem(s))",
        "invalid: flows/basic-flow.json: references connector 'Billing API', which is not in the snapshot (connectors/)",
        "invalid: flows/basic-flow.json: references role 'Auditor', which is not defined (roles.json)",
        "invalid: roles.json: role 'viewer' names permission 'projects:read', which is not defined",
        "hint: nothing was changed; fix the files",
    ] {
        assert!(r.stderr.contains(line), "{line}\n{}", r.stderr);
    }
    let j = env.run(&["snapshot", "validate", "--dir", d, "-o", "json"]);
    assert_eq!(j.code, 1);
    assert_eq!(j.json()["ok"], false);
    // An import of it is refused before any write.
    env.clear_journal();
    let imp = env.run(&["snapshot", "import", "--dir", d, "--apply", "--yes"]);
    imp.expect(1);
    assert!(
        imp.stderr.contains("nothing was imported"),
        "{}",
        imp.stderr
    );
    assert!(env.writes().is_empty());
    let missing = env.run(&["snapshot", "validate", "--dir", "/nonexistent/snap"]);
    missing.expect(1);
    assert!(
        missing.stderr.contains("is not a directory"),
        "{}",
        missing.stderr
    );
    // A file that is not JSON is named with its line and column; nothing is sent.
    std::fs::write(dir.join("roles.json"), "{\n  \"roles\": [,]\n}\n").unwrap();
    env.clear_journal();
    let bad = env.run(&["snapshot", "import", "--dir", d, "--dry-run"]);
    bad.expect(1);
    assert!(bad.stderr.contains("roles.json:2:"), "{}", bad.stderr);
    assert!(env.journal().is_empty(), "{:?}", env.journal());
}

/// A secrets file outside the test home (whose every file the leak checks read).
fn secrets_file(outside: &Path, mode: u32) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = outside.join("secrets.yaml");
    std::fs::write(
        &path,
        format!("connectors:\n  - name: New Connector\n    type: apiKey\n    value: {SECRET}\n"),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn missing_secrets_come_from_a_0600_file_or_the_environment_and_never_leak() {
    let env = seeded(false);
    let dir = env.home().join("snap");
    let d = dir.to_str().unwrap();
    env.run(&["snapshot", "export", "--dir", d]).expect(0);
    std::fs::write(
        dir.join("connectors/new.json"),
        r#"{"id": "CInew", "name": "New Connector", "type": "http", "secretFields": ["apiKey"]}"#,
    )
    .unwrap();
    let r = env.run(&["snapshot", "validate", "--dir", d]);
    r.expect(1);
    assert!(
        r.stderr
            .contains("missing secret: connector `New Connector` (CInew) needs its `apiKey`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("DESCOPE_SECRET_CONNECTOR_CINEW_APIKEY"),
        "{}",
        r.stderr
    );

    let outside = tempfile::tempdir().unwrap();
    let open = secrets_file(outside.path(), 0o644);
    let refused = env.run(&["snapshot", "validate", "--dir", d, "--secrets", &open]);
    refused.expect(1);
    assert!(
        refused.stderr.contains("readable by others (mode 644)"),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("chmod 600"), "{}", refused.stderr);

    // A secrets file that does not parse is refused without quoting it.
    let odd = outside.path().join("odd.yaml");
    std::fs::write(
        &odd,
        format!(
            "connectors:\n  - id: CInew\n    type: apiKey\n    value: {SECRET}\n    extra: 1\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&odd, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let r = env.run(&[
        "snapshot",
        "validate",
        "--dir",
        d,
        "--secrets",
        odd.to_str().unwrap(),
    ]);
    r.expect(1);
    assert!(
        r.stderr.contains("not a valid secrets mapping"),
        "{}",
        r.stderr
    );
    assert_not_leaked(&env, &r, SECRET);
    let file = secrets_file(outside.path(), 0o600);
    env.run(&["snapshot", "validate", "--dir", d, "--secrets", &file])
        .expect(0);
    let by_env = env.run_env(
        &["snapshot", "validate", "--dir", d],
        &[("DESCOPE_SECRET_CONNECTOR_NEW_CONNECTOR_APIKEY", SECRET)],
    );
    by_env.expect(0);
    assert_not_leaked(&env, &by_env, SECRET);

    for args in [
        vec![
            "snapshot",
            "import",
            "--dir",
            d,
            "--dry-run",
            "--secrets",
            &file,
        ],
        vec![
            "snapshot",
            "import",
            "--dir",
            d,
            "--dry-run",
            "--secrets",
            &file,
            "-o",
            "json",
        ],
        vec![
            "-vvv",
            "snapshot",
            "import",
            "--dir",
            d,
            "--apply",
            "--yes",
            "--secrets",
            &file,
        ],
    ] {
        let r = env.run(&args);
        r.expect(0);
        assert_not_leaked(&env, &r, SECRET);
        assert_no_key(&env, &r);
    }
    // The import took a backup and wrote an audit record; neither holds the secret (checked
    // above over every file of the data dir), and the restore needs no secret. It deletes the
    // connector the import added: off a terminal, that needs --yes.
    let refused = env.run(&["restore", "--latest", "snapshot"]);
    refused.expect(1);
    assert!(refused.stderr.contains("pass --yes"), "{}", refused.stderr);
    let restore = env.run(&["restore", "--latest", "snapshot", "-o", "json", "--yes"]);
    restore.expect(0);
    assert_eq!(restore.json()["changes"][0]["action"], "remove");
    assert_not_leaked(&env, &restore, SECRET);
    let state = env.state().to_string();
    assert!(!state.contains(SECRET), "the emulator keeps no value");
}

#[test]
fn no_assets_leaves_assets_out_and_stale_files_of_ours_go() {
    let env = seeded(true);
    let dir = env.home().join("snap");
    let d = dir.to_str().unwrap();
    env.run(&["snapshot", "export", "--dir", d]).expect(0);
    assert!(dir.join("assets/logo.png").exists());
    std::fs::write(dir.join("NOTES.md"), "mine").unwrap();
    let r = env.run(&[
        "snapshot",
        "export",
        "--dir",
        d,
        "--no-assets",
        "-o",
        "json",
    ]);
    let out = r.expect(0).json();
    assert_eq!(
        out["removed"],
        json!(["assets/logo.png", "texts/terms.txt"])
    );
    assert!(!dir.join("assets").exists() && !dir.join("texts").exists());
    assert!(
        dir.join("NOTES.md").exists(),
        "a file we did not write is left alone"
    );
    // A plain snapshot imports without touching the live assets.
    std::fs::remove_file(dir.join("NOTES.md")).unwrap();
    let plan = env.run(&["snapshot", "import", "--dir", d, "--dry-run", "-o", "json"]);
    assert_eq!(plan.expect(0).json()["changes"], json!([]));
}

#[test]
fn exclude_lists_leaves_the_live_lists_alone_and_bad_flags_are_usage_errors() {
    let env = seeded(false);
    let mut files = mgmt_post(&env, "/v1/mgmt/project/snapshot/export", &json!({}))["files"]
        .as_object()
        .unwrap()
        .clone();
    files.insert("lists/ips.json".into(), json!({"ips": ["10.0.0.0/8"]}));
    mgmt_post(
        &env,
        "/v1/mgmt/project/snapshot/import",
        &json!({"files": files}),
    );
    let dir = env.home().join("snap");
    let d = dir.to_str().unwrap();
    env.run(&["snapshot", "export", "--dir", d]).expect(0);
    std::fs::write(dir.join("lists/ips.json"), r#"{"ips": []}"#).unwrap();
    let dry = env.run(&[
        "snapshot",
        "import",
        "--dir",
        d,
        "--dry-run",
        "--exclude",
        "lists",
    ]);
    dry.expect(0);
    assert!(
        dry.stdout.contains("= lists/ips.json: excluded"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout
            .contains("Plan: 0 to add, 0 to change, 0 to remove,"),
        "{}",
        dry.stdout
    );
    let r = env.run(&[
        "snapshot",
        "import",
        "--dir",
        d,
        "--apply",
        "--exclude",
        "lists",
    ]);
    r.expect(0);
    assert!(r.stderr.contains("nothing to import"), "{}", r.stderr);
    env.run(&["snapshot", "import", "--dir", d, "--apply", "--yes"])
        .expect(0);
    let live = mgmt_post(&env, "/v1/mgmt/project/snapshot/export", &json!({}));
    assert_eq!(live["files"]["lists/ips.json"], json!({"ips": []}));
    for args in [
        vec!["snapshot", "import", "--dir", d],
        vec!["snapshot", "import", "--dir", d, "--dry-run", "--apply"],
        vec![
            "snapshot",
            "import",
            "--dir",
            d,
            "--dry-run",
            "--exclude",
            "users",
        ],
    ] {
        env.run(&args).expect(64);
    }
}
