//! Issue 13: `export` writes the whole project — permissions, project roles, tenants with their
//! session settings and roles — as a valid project file, reading only (journal), with settings
//! read once per tenant unless `--no-settings`, and durations the file cannot say left out with a
//! warning naming the tenant and field.

use std::path::PathBuf;

use descope_testkit::TestEnv;
use serde_json::{Value, json};

use crate::env;

/// Sends one management API request to the emulator, as a client would (to seed what the
/// admin API cannot: roles, permissions, settings, default roles).
fn mgmt(env: &TestEnv, path: &str, body: &Value) {
    crate::mgmt_post(env, path, body);
}

/// A project with permissions, project roles (one holding a system permission), tenant roles,
/// default roles and settings: acme's set whole, globex's in seconds (one of them not whole
/// minutes) and disabled, initech's as a new tenant has them.
pub fn seed_project(env: &TestEnv) {
    for (path, body) in [
        (
            "/v1/mgmt/permission/create",
            json!({"name": "projects:read", "description": "Read projects"}),
        ),
        (
            "/v1/mgmt/permission/create",
            json!({"name": "projects:write", "description": ""}),
        ),
        (
            "/v1/mgmt/permission/create",
            json!({"name": "billing", "description": "See ${invoices}"}),
        ),
        (
            "/v1/mgmt/tenant/create",
            json!({"id": "acme", "name": "ACME Corp", "selfProvisioningDomains": ["acme.com"]}),
        ),
        (
            "/v1/mgmt/tenant/create",
            json!({"id": "globex", "name": "Globex"}),
        ),
        (
            "/v1/mgmt/tenant/create",
            json!({"id": "initech", "name": "Initech"}),
        ),
        (
            "/v1/mgmt/role/create",
            json!({"name": "viewer", "description": "Read-only", "permissionNames": ["projects:read"],
                   "tenantId": "", "default": true, "private": false}),
        ),
        (
            "/v1/mgmt/role/create",
            json!({"name": "admin", "permissionNames": ["projects:read", "projects:write", "User Admin"],
                   "private": true}),
        ),
        (
            "/v1/mgmt/role/create",
            json!({"name": "acme-admin", "permissionNames": ["projects:write", "billing"],
                   "tenantId": "acme"}),
        ),
        (
            "/v1/mgmt/role/create",
            json!({"name": "auditor", "description": "Globex's own", "tenantId": "globex"}),
        ),
        (
            "/v1/mgmt/tenant/updateDefaultRoles",
            json!({"id": "acme", "defaultRoles": ["viewer", "acme-admin"]}),
        ),
        (
            "/v1/mgmt/tenant/settings",
            json!({"tenantId": "acme", "enabled": true,
                   "sessionTokenExpiration": 15, "sessionTokenExpirationUnit": "minutes",
                   "refreshTokenExpiration": 4, "refreshTokenExpirationUnit": "weeks",
                   "stepupTokenExpiration": 120, "stepupTokenExpirationUnit": "minutes",
                   "enableInactivity": true, "inactivityTime": 30, "inactivityTimeUnit": "minutes",
                   "JITDisabled": true,
                   "ssoSetupSuiteSettings": {"enabled": true, "styleId": "brand",
                       "disabledFeatures": {"saml": false, "oidc": true, "scim": false,
                           "ssoDomains": false, "groupMapping": true}}}),
        ),
        (
            "/v1/mgmt/tenant/settings",
            json!({"tenantId": "globex", "enabled": false,
                   "sessionTokenExpiration": 600, "sessionTokenExpirationUnit": "seconds",
                   "refreshTokenExpiration": 7200, "refreshTokenExpirationUnit": "seconds",
                   "stepupTokenExpiration": 90, "stepupTokenExpirationUnit": "seconds"}),
        ),
    ] {
        mgmt(env, path, &body);
    }
}

/// Runs `export -f` into the test's home and returns the file: the export the lead's "export
/// then `sync --dry-run` plans nothing" starts from.
pub fn export_project(env: &TestEnv) -> PathBuf {
    let file = env.home().join("project.yaml");
    env.run(&["export", "-f", file.to_str().unwrap()]).expect(0);
    file
}

fn settings_reads(env: &TestEnv) -> usize {
    env.journal()
        .iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .unwrap_or_default()
                .starts_with("/v1/mgmt/tenant/settings")
        })
        .count()
}

#[test]
fn export_writes_the_whole_project_as_a_valid_file_and_sends_no_write() {
    let env = env();
    seed_project(&env);
    env.clear_journal();
    let file = env.home().join("out/project.yaml");
    let run = env.run(&["export", "-f", file.to_str().unwrap()]);
    run.expect(0);
    assert!(env.writes().is_empty(), "writes: {:?}", env.writes());
    assert_eq!(settings_reads(&env), 3, "one settings read per tenant");
    let methods: Vec<String> = env
        .journal()
        .iter()
        .map(|r| format!("{} {}", r["method"], r["path"]))
        .collect();
    assert!(
        methods.iter().all(|m| m.starts_with("\"GET\"")),
        "only reads: {methods:?}"
    );
    assert!(
        run.stderr.contains(
            "Exported 3 permission(s), 2 role(s), 3 tenant(s), settings of 3 tenant(s), 2 tenant role(s) to"
        ),
        "{}",
        run.stderr
    );
    // The seconds durations: whole minutes are written in minutes; 90 seconds is left out.
    assert!(
        run.stderr.contains(
            "tenant `globex`: settings.stepupTokenExpiration left out of the export (unmanaged: a sync keeps the live value): the service holds 90 seconds"
        ),
        "{}",
        run.stderr
    );
    let text = std::fs::read_to_string(&file).unwrap();
    insta::assert_snapshot!("project_export_seeded", text);
    // globex holds 600 and 7200 seconds: whole minutes, written in the largest exact unit.
    let globex = text.split("  - id: globex\n").nth(1).unwrap();
    let globex = globex.split("  - id: ").next().unwrap();
    assert!(
        globex.contains("      enabled: false\n      sessionTokenExpiration: 10m\n      refreshTokenExpiration: 2h\n      inactivityTimeout: \"off\"\n"),
        "{globex}"
    );
    assert!(!globex.contains("stepupTokenExpiration"), "{globex}");
    assert!(!text.contains("Impersonate") && !text.contains("SSO Admin"));
    env.run(&["config", "validate", file.to_str().unwrap()])
        .expect(0);
    crate::assert_no_key(&env, &run);

    // To stdout without -f: the same file.
    let out = env.run(&["export"]);
    out.expect(0);
    assert_eq!(out.stdout, text);
    assert_eq!(export_project(&env), env.home().join("project.yaml"));
}

#[test]
fn no_settings_reads_no_settings_and_leaves_them_unmanaged() {
    let env = env();
    seed_project(&env);
    env.clear_journal();
    let run = env.run(&["export", "--no-settings"]);
    run.expect(0);
    assert_eq!(settings_reads(&env), 0);
    assert!(env.writes().is_empty());
    assert!(!run.stdout.contains("settings:"), "{}", run.stdout);
    assert!(
        run.stdout.contains("      - name: acme-admin\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("no settings (--no-settings)"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("left out"), "{}", run.stderr);
    let file = env.home().join("no-settings.yaml");
    std::fs::write(&file, &run.stdout).unwrap();
    env.run(&["config", "validate", file.to_str().unwrap()])
        .expect(0);
}

#[test]
fn only_patterns_pick_kinds_and_a_bad_one_is_a_usage_error_before_any_request() {
    let env = env();
    seed_project(&env);
    env.clear_journal();
    let run = env.run(&["export", "--only", "role:adm*", "--only", "settings:acme"]);
    run.expect(0);
    assert_eq!(settings_reads(&env), 1, "only acme's settings are read");
    assert!(!run.stdout.contains("\npermissions:"), "{}", run.stdout);
    assert!(
        run.stdout.contains("roles:\n  - name: admin\n"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("viewer\n"), "{}", run.stdout);
    // acme is there only to hold its settings: its own fields stay unmanaged.
    assert!(
        run.stdout
            .contains("tenants:\n  - id: acme\n    name: ACME Corp\n    settings:\n"),
        "{}",
        run.stdout
    );
    env.clear_journal();
    let bad = env.run(&["export", "--only", "roles:x"]);
    bad.expect(64);
    assert!(bad.stderr.contains("not a kind"), "{}", bad.stderr);
    assert!(env.journal().is_empty());
}

#[test]
fn an_empty_project_exports_empty_sections_without_its_system_permissions() {
    let env = env();
    let run = env.run(&["export"]);
    run.expect(0);
    assert!(
        run.stdout
            .ends_with("\npermissions: []\nroles: []\ntenants: []\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("Exported 0 permission(s), 0 role(s), 0 tenant(s), settings of 0 tenant(s), 0 tenant role(s)"),
        "{}",
        run.stderr
    );
    let file = env.home().join("empty.yaml");
    std::fs::write(&file, &run.stdout).unwrap();
    env.run(&["config", "validate", file.to_str().unwrap()])
        .expect(0);
}
