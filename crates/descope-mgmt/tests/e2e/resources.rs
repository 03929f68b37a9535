//! Issue 13: roles, permissions and tenant settings in the read commands (`role list`,
//! `permission list`, `tenant get`), in `backup list`, and restored by the top-level `restore`
//! (`BACKUP | --latest KIND:ID`): a role deleted or renamed behind the tool's back, a tenant's
//! role, a permission, settings that keep the tenant's domains; refusals before any write.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::env;
use descope_testkit::{MANAGEMENT_KEY, PROJECT_ID, TestEnv};

/// A management API call made behind the tool's back (another admin, the console).
fn api(env: &TestEnv, path: &str, body: &Value) -> Value {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let resp = reqwest::Client::new()
            .post(format!("{}{path}", env.url()))
            .bearer_auth(format!("{PROJECT_ID}:{MANAGEMENT_KEY}"))
            .json(body)
            .send()
            .await
            .expect("API call");
        let status = resp.status();
        let text = resp.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    })
}

/// Two permissions, project roles `viewer` and `editor`, tenant `acme` (domain acme.com) with
/// its role `acme-admin`.
fn project(env: &TestEnv) {
    for (name, description) in [("projects:read", "Read"), ("projects:write", "Write")] {
        api(
            env,
            "/v1/mgmt/permission/create",
            &json!({"name": name, "description": description}),
        );
    }
    env.run(&[
        "tenant", "create", "--id", "acme", "--name", "ACME", "--domain", "acme.com",
    ])
    .expect(0);
    for (name, tenant, perms) in [
        ("viewer", "", vec!["projects:read"]),
        ("editor", "", vec!["projects:read", "projects:write"]),
        ("acme-admin", "acme", vec!["projects:write"]),
    ] {
        api(
            env,
            "/v1/mgmt/role/create",
            &json!({"name": name, "description": format!("{name} role"), "permissionNames": perms,
                    "tenantId": tenant, "default": false, "private": name == "editor"}),
        );
    }
}

fn roles(env: &TestEnv, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["role", "list", "-o", "json"];
    all.extend_from_slice(args);
    env.run(&all).expect(0).json().as_array().unwrap().clone()
}

fn role(env: &TestEnv, tenant: Option<&str>, name: &str) -> Option<Value> {
    let args: Vec<&str> = tenant.map(|t| vec!["--tenant", t]).unwrap_or_default();
    roles(env, &args).into_iter().find(|r| r["name"] == name)
}

fn permission(env: &TestEnv, name: &str) -> Option<Value> {
    let r = env.run(&["permission", "list", "-o", "json"]);
    r.expect(0);
    r.json()
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .cloned()
}

/// Writes a backup as the sync backend does (`sync-update`), of `object` as read live.
fn backup(env: &TestEnv, kind: &str, id: &str, object: &Value) -> PathBuf {
    backup_at(env, kind, id, object, "2026-12-01T10:00:00Z")
}

/// [`backup`] recorded at `time` (RFC 3339, whole seconds).
fn backup_at(env: &TestEnv, kind: &str, id: &str, object: &Value, time: &str) -> PathBuf {
    let dir = env.data_dir().join("backups").join(PROJECT_ID);
    std::fs::create_dir_all(&dir).unwrap();
    let safe: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let stamp: String = time.chars().filter(char::is_ascii_alphanumeric).collect();
    let path = dir.join(format!("{stamp}_sync-update_{kind}_{safe}.json"));
    let body = json!({"format_version": 1,
        "metadata": {"timestamp": time, "operation": "sync-update",
                     "target_type": kind, "target_id": id, "project_id": PROJECT_ID,
                     "tool_version": "0.1.0"},
        kind: object});
    std::fs::write(&path, serde_json::to_vec_pretty(&body).unwrap()).unwrap();
    path
}

fn backups(env: &TestEnv, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["backup", "list", "-o", "json"];
    all.extend_from_slice(args);
    env.run(&all).expect(0).json().as_array().unwrap().clone()
}

fn paths(env: &TestEnv) -> Vec<String> {
    env.journal()
        .iter()
        .map(|r| r["path"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn role_and_permission_lists_show_each_scope_sorted_and_stable() {
    let env = env();
    project(&env);
    let names = |list: &[Value]| -> Vec<String> {
        list.iter()
            .map(|r| r["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&roles(&env, &[])), ["editor", "viewer"]);
    let scoped = roles(&env, &["--tenant", "acme"]);
    assert_eq!(names(&scoped), ["acme-admin"]);
    assert_eq!(scoped[0]["tenantId"], "acme");
    assert_eq!(scoped[0]["permissionNames"], json!(["projects:write"]));
    // Stable: the same JSON twice.
    let once = env.run(&["role", "list", "-o", "json"]);
    assert_eq!(once.stdout, env.run(&["role", "list", "-o", "json"]).stdout);
    let yaml = env.run(&["role", "list", "-o", "yaml"]);
    yaml.expect(0);
    assert!(yaml.stdout.contains("name: editor"), "{}", yaml.stdout);

    let table = env.run(&["role", "list"]);
    table.expect(0);
    let rows: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(
        rows,
        [
            "editor\teditor role\tprojects:read,projects:write\tfalse\ttrue",
            "viewer\tviewer role\tprojects:read\tfalse\tfalse"
        ]
    );
    let missing = env.run(&["role", "list", "--tenant", "nope"]);
    missing.expect(1);
    assert!(
        missing.stderr.contains("tenant `nope` not found"),
        "{}",
        missing.stderr
    );

    let perms = env.run(&["permission", "list"]);
    perms.expect(0);
    assert!(
        perms
            .stdout
            .lines()
            .any(|l| l == "projects:read\tRead\tfalse"),
        "{}",
        perms.stdout
    );
    let all = env.run(&["permission", "list", "-o", "json"]).json();
    let all = all.as_array().unwrap();
    assert!(all.iter().any(|p| p["systemDefault"] == true), "{all:?}");
    let sorted: Vec<&str> = all.iter().map(|p| p["name"].as_str().unwrap()).collect();
    let mut want = sorted.clone();
    want.sort_unstable();
    assert_eq!(sorted, want);
}

#[test]
fn restore_brings_back_a_role_deleted_behind_the_tools_back_and_dry_run_writes_nothing() {
    let env = env();
    project(&env);
    let viewer = role(&env, None, "viewer").unwrap();
    let file = backup(&env, "role", "viewer", &viewer);
    api(
        &env,
        "/v1/mgmt/role/delete",
        &json!({"name": "viewer", "tenantId": ""}),
    );
    assert!(role(&env, None, "viewer").is_none());

    let listed = backups(&env, &["--role", "viewer"]);
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["targetType"], "role");
    let table = env.run(&["backup", "list"]);
    assert!(
        table.stdout.contains("\trole\tviewer\t"),
        "{}",
        table.stdout
    );
    let shown = env
        .run(&[
            "backup",
            "show",
            listed[0]["name"].as_str().unwrap(),
            "-o",
            "json",
        ])
        .json();
    assert_eq!(shown["metadata"]["targetType"], "role");
    assert_eq!(shown["role"], viewer);

    env.clear_journal();
    let dry = env.run(&["restore", "--latest", "role:viewer", "--dry-run"]);
    dry.expect(0);
    assert!(
        dry.stdout.contains("Restore role `viewer` from")
            && dry.stdout.contains("create it again (dry run)"),
        "{}",
        dry.stdout
    );
    let plan = env
        .run(&[
            "restore",
            "--latest",
            "role:viewer",
            "--dry-run",
            "-o",
            "json",
        ])
        .json();
    assert_eq!(plan["action"], "create");
    assert_eq!(plan["applied"], false);
    assert!(env.writes().is_empty(), "{:?}", env.writes());

    let done = env.run(&["restore", file.to_str().unwrap()]);
    done.expect(0);
    assert!(
        done.stderr.contains("Restored role `viewer`"),
        "{}",
        done.stderr
    );
    let back = role(&env, None, "viewer").unwrap();
    for key in [
        "name",
        "description",
        "permissionNames",
        "default",
        "private",
        "tenantId",
    ] {
        assert_eq!(back[key], viewer[key], "{key}");
    }
    let audit = env.run(&["audit", "list", "-o", "json"]).json();
    let last = audit.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (
            &last["targetType"],
            &last["targetId"],
            &last["request"],
            &last["operation"]
        ),
        (
            &json!("role"),
            &json!("viewer"),
            &json!("create"),
            &json!("restore")
        )
    );
    // Restoring it again finds nothing to do.
    let again = env.run(&["restore", "--latest", "role:viewer"]);
    again.expect(0);
    assert!(again.stderr.contains("already matches"), "{}", again.stderr);
}

#[test]
fn restore_of_a_renamed_role_renames_it_back_by_update_and_can_be_undone() {
    let env = env();
    project(&env);
    let viewer = role(&env, None, "viewer").unwrap();
    backup(&env, "role", "viewer", &viewer);
    api(
        &env,
        "/v1/mgmt/role/update",
        &json!({"name": "viewer", "newName": "reader", "description": "changed",
                "permissionNames": ["projects:read", "projects:write"], "tenantId": "",
                "default": true, "private": false}),
    );
    env.clear_journal();
    let dry = env.run(&["restore", "--latest", "role:viewer", "--dry-run"]);
    dry.expect(0);
    for want in [
        "update it back (dry run)",
        "~ name: \"reader\" → \"viewer\"",
        "~ description: \"changed\" → \"viewer role\"",
        "~ default: true → false",
    ] {
        assert!(dry.stdout.contains(want), "{want}\n{}", dry.stdout);
    }
    assert!(env.writes().is_empty());

    let done = env.run(&["restore", "--latest", "role:viewer"]);
    done.expect(0);
    let writes: Vec<String> = env
        .writes()
        .iter()
        .map(|w| w["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        writes,
        ["/v1/mgmt/role/update"],
        "an update, never a delete and a create"
    );
    let back = role(&env, None, "viewer").unwrap();
    assert_eq!(back["id"], viewer["id"], "the same role");
    assert_eq!(back["permissionNames"], viewer["permissionNames"]);
    assert_eq!(back["default"], false);
    assert!(role(&env, None, "reader").is_none());

    // The state before the restore was backed up under the name it had; restoring that undoes.
    let pre = backups(&env, &["--role", "reader"]);
    assert_eq!(pre.len(), 1, "{pre:?}");
    assert_eq!(pre[0]["operation"], "restore");
    assert!(
        done.stderr.contains("Undo:   descope-mgmt restore "),
        "{}",
        done.stderr
    );
    env.run(&["restore", pre[0]["name"].as_str().unwrap()])
        .expect(0);
    assert_eq!(
        role(&env, None, "reader").unwrap()["description"],
        "changed"
    );
}

#[test]
fn a_tenants_role_restores_by_tenant_and_name() {
    let env = env();
    project(&env);
    let admin = role(&env, Some("acme"), "acme-admin").unwrap();
    backup(&env, "role", "acme/acme-admin", &admin);
    api(
        &env,
        "/v1/mgmt/role/delete",
        &json!({"name": "acme-admin", "tenantId": "acme"}),
    );
    assert_eq!(backups(&env, &["--role", "acme/acme-admin"]).len(), 1);
    assert!(backups(&env, &["--role", "acme-admin"]).is_empty());
    env.run(&["restore", "--latest", "role:acme/acme-admin"])
        .expect(0);
    let back = role(&env, Some("acme"), "acme-admin").unwrap();
    assert_eq!(back["permissionNames"], json!(["projects:write"]));
    assert!(
        role(&env, None, "acme-admin").is_none(),
        "not a project role"
    );
}

#[test]
fn refusals_come_before_any_write_and_say_what_to_do() {
    let env = env();
    project(&env);
    let editor = role(&env, None, "editor").unwrap();
    backup(&env, "role", "editor", &editor);
    api(
        &env,
        "/v1/mgmt/role/delete",
        &json!({"name": "editor", "tenantId": ""}),
    );
    api(
        &env,
        "/v1/mgmt/permission/delete",
        &json!({"name": "projects:write"}),
    );
    env.clear_journal();
    for extra in [&["--dry-run"][..], &[][..]] {
        let mut args = vec!["restore", "--latest", "role:editor"];
        args.extend_from_slice(extra);
        let r = env.run(&args);
        r.expect(1);
        for want in [
            "grants permissions that no longer exist: `projects:write`",
            "nothing was changed",
            "descope-mgmt restore --latest permission:projects:write",
        ] {
            assert!(r.stderr.contains(want), "{want}\n{}", r.stderr);
        }
    }
    // A system permission is never written.
    let system = env.run(&["permission", "list", "-o", "json"]).json();
    let system = system
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["systemDefault"] == true)
        .unwrap()
        .clone();
    let name = system["name"].as_str().unwrap().to_owned();
    let mut changed = system.clone();
    changed["description"] = json!("mine now");
    let file = backup(&env, "permission", &name, &changed);
    let r = env.run(&["restore", file.to_str().unwrap()]);
    r.expect(1);
    assert!(r.stderr.contains("system permission"), "{}", r.stderr);
    // Kinds and ids that name nothing.
    let r = env.run(&["restore", "--latest", "group:editor"]);
    r.expect(64);
    assert!(r.stderr.contains("unknown kind `group`"), "{}", r.stderr);
    env.run(&["restore", "--latest", "role"]).expect(64);
    env.run(&["restore"]).expect(64);
    let r = env.run(&["restore", "--latest", "role:nobody"]);
    r.expect(1);
    assert!(
        r.stderr.contains("no backup of role `nobody`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("descope-mgmt backup list --role nobody"),
        "{}",
        r.stderr
    );
    let r = env.run(&["restore", "--latest", "permission:a b"]);
    r.expect(1);
    assert!(
        r.stderr.contains("backup list --permission 'a b'"),
        "{}",
        r.stderr
    );
    assert!(env.writes().is_empty(), "{:?}", env.writes());

    // Once the permission is back, the role restores.
    let gone = json!({"name": "projects:write", "description": "Write", "systemDefault": false});
    backup(&env, "permission", "projects:write", &gone);
    env.run(&["restore", "--latest", "permission:projects:write"])
        .expect(0);
    env.run(&["restore", "--latest", "role:editor"]).expect(0);
    assert_eq!(
        role(&env, None, "editor").unwrap()["permissionNames"],
        editor["permissionNames"]
    );
}

#[test]
fn a_renamed_permission_is_renamed_back_and_stays_on_its_roles() {
    let env = env();
    project(&env);
    let read = permission(&env, "projects:read").unwrap();
    backup(&env, "permission", "projects:read", &read);
    api(
        &env,
        "/v1/mgmt/permission/update",
        &json!({"name": "projects:read", "newName": "projects:view", "description": "View"}),
    );
    env.clear_journal();
    env.run(&["restore", "--latest", "permission:projects:read"])
        .expect(0);
    assert_eq!(
        paths(&env)
            .iter()
            .filter(|p| p.contains("/permission/update"))
            .count(),
        1
    );
    assert!(
        !paths(&env)
            .iter()
            .any(|p| p.contains("/delete") || p.contains("/create"))
    );
    assert_eq!(
        permission(&env, "projects:read").unwrap()["description"],
        "Read"
    );
    assert!(permission(&env, "projects:view").is_none());
    assert_eq!(
        role(&env, None, "viewer").unwrap()["permissionNames"],
        json!(["projects:read"])
    );
    assert_eq!(backups(&env, &["--permission", "projects:view"]).len(), 1);
}

#[test]
fn restoring_settings_keeps_the_tenants_domains_and_tenant_get_shows_them_in_the_files_form() {
    let env = env();
    project(&env);
    let settings = |env: &TestEnv| {
        env.run(&["tenant", "get", "acme", "-o", "json"]).json()["settings"].clone()
    };
    let mut wanted = settings(&env);
    wanted["sessionTokenExpiration"] = json!(15);
    wanted["sessionTokenExpirationUnit"] = json!("minutes");
    wanted["enabled"] = json!(true);
    let mut body = wanted.clone();
    body["tenantId"] = json!("acme");
    api(&env, "/v1/mgmt/tenant/settings", &body);
    let before = settings(&env);
    backup(&env, "settings", "acme", &before);

    let table = env.run(&["tenant", "get", "acme"]);
    table.expect(0);
    assert!(
        table
            .stdout
            .contains("settings.sessionTokenExpiration\t15m"),
        "{}",
        table.stdout
    );

    // Behind the tool's back: longer sessions, and the tenant moves to another domain.
    let mut later = before.clone();
    later["sessionTokenExpiration"] = json!(2);
    later["sessionTokenExpirationUnit"] = json!("hours");
    later["tenantId"] = json!("acme");
    api(&env, "/v1/mgmt/tenant/settings", &later);
    env.run(&["tenant", "update", "acme", "--domain", "acme.org", "--yes"])
        .expect(0);

    env.clear_journal();
    let dry = env.run(&["restore", "--latest", "settings:acme", "--dry-run"]);
    dry.expect(0);
    assert!(
        dry.stdout
            .contains("~ settings.sessionTokenExpiration: 2 → 15"),
        "{}",
        dry.stdout
    );
    assert!(
        !dry.stdout.contains("selfProvisioningDomains"),
        "{}",
        dry.stdout
    );
    assert!(env.writes().is_empty());

    env.run(&["restore", "--latest", "settings:acme"]).expect(0);
    let now = settings(&env);
    assert_eq!(now["sessionTokenExpiration"], 15);
    assert_eq!(now["sessionTokenExpirationUnit"], "minutes");
    assert_eq!(now["selfProvisioningDomains"], json!(["acme.org"]));
    let tenant = env.run(&["tenant", "get", "acme", "-o", "json"]).json();
    assert_eq!(
        tenant["tenant"]["selfProvisioningDomains"],
        json!(["acme.org"])
    );
    let kept = backups(&env, &["--settings", "acme"]);
    assert_eq!(
        kept.len(),
        2,
        "the hand-made one and the one before the restore"
    );
    assert_eq!(kept[1]["operation"], "restore");
    assert!(
        backups(&env, &["--tenant", "acme"])
            .iter()
            .all(|b| b["targetType"] == "tenant")
    );
}

#[test]
fn top_level_restore_of_a_tenant_does_what_tenant_restore_does() {
    let env = env();
    project(&env);
    env.run(&["tenant", "delete", "acme", "--yes"]).expect(0);
    let a = env.run(&["tenant", "restore", "--latest", "acme", "--dry-run"]);
    let b = env.run(&["restore", "--latest", "tenant:acme", "--dry-run"]);
    a.expect(0);
    b.expect(0);
    assert_eq!(
        (a.stdout.as_str(), a.stderr.as_str()),
        (b.stdout.as_str(), b.stderr.as_str())
    );
    // A role's tenant that is gone is named, with what to do.
    let admin = json!({"name": "acme-admin", "tenantId": "acme", "permissionNames": []});
    backup(&env, "role", "acme/acme-admin", &admin);
    let r = env.run(&["restore", "--latest", "role:acme/acme-admin"]);
    r.expect(1);
    assert!(
        r.stderr.contains("its tenant acme no longer exists")
            && r.stderr
                .contains("descope-mgmt restore --latest tenant:acme"),
        "{}",
        r.stderr
    );
    env.run(&["restore", "--latest", "tenant:acme"]).expect(0);
    // A tenant's per-kind command refuses a role backup and names the right command.
    let file = backups(&env, &["--role", "acme/acme-admin"])[0]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = env.run(&["tenant", "restore", &file]);
    r.expect(1);
    assert!(
        r.stderr
            .contains(&format!("restore it with `descope-mgmt restore {file}`")),
        "{}",
        r.stderr
    );
}

#[test]
fn prune_keeps_the_last_backup_of_a_role_or_permission_that_is_gone() {
    let env = env();
    project(&env);
    let viewer = role(&env, None, "viewer").unwrap();
    let ghost = json!({"name": "ghost", "tenantId": "", "permissionNames": []});
    let gone = json!({"name": "gone:perm", "description": ""});
    for time in ["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"] {
        backup_at(&env, "role", "viewer", &viewer, time);
        backup_at(&env, "role", "ghost", &ghost, time);
        backup_at(&env, "permission", "gone:perm", &gone, time);
        backup_at(&env, "settings", "acme", &json!({"enabled": false}), time);
    }
    env.run(&["backup", "prune", "--older-than", "30d", "--yes"])
        .expect(0);
    let left: Vec<(String, String)> = backups(&env, &[])
        .iter()
        .map(|b| {
            (
                b["targetType"].as_str().unwrap().to_owned(),
                b["targetId"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        left,
        [
            ("permission".to_owned(), "gone:perm".to_owned()),
            ("role".to_owned(), "ghost".to_owned())
        ],
        "the live role's and the live tenant's settings backups went; the last of each gone target stayed"
    );
}
