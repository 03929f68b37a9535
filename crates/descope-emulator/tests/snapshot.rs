//! Project snapshot endpoints: export over the state, validation failures and missing secrets,
//! import that round-trips opaque files, journal and fault coverage.

mod common;

use common::{emulator, error_code};
use descope_emulator::Config;
use reqwest::Method;
use serde_json::{Value, json};

const EXPORT: &str = "/v1/mgmt/project/snapshot/export";
const VALIDATE: &str = "/v1/mgmt/project/snapshot/validate";
const IMPORT: &str = "/v1/mgmt/project/snapshot/import";

fn seeded() -> Config {
    Config {
        seed_flows: true,
        ..Config::default()
    }
}

fn connector(secret_fields: &[&str]) -> Value {
    json!({"id": "CI2kytoq1RRvE147xvkGxu6xXEJxY", "name": "My HTTP Connector", "type": "http", "secretFields": secret_fields})
}

/// A seeded emulator's snapshot made consistent: the connector and role its flows reference.
async fn consistent(emu: &common::Emu) -> serde_json::Map<String, Value> {
    let mut files = emu.post(EXPORT, json!({})).await.body["files"]
        .as_object()
        .unwrap()
        .clone();
    files.insert("connectors/http.json".into(), connector(&[]));
    files.insert(
        "roles.json".into(),
        json!({"permissions": [{"name": "projects:read", "description": "Read"}],
               "roles": [{"name": "My User Role", "description": "", "permissionNames": ["projects:read"], "default": false, "private": false}]}),
    );
    let r = emu.post(IMPORT, json!({"files": files})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    files
}

#[tokio::test]
async fn export_covers_flows_theme_roles_project_and_accepts_any_empty_body() {
    let emu = emulator(seeded()).await;
    for body in [None, Some("{}"), Some(r#"{"format": "plain"}"#)] {
        let r = emu.post_raw(EXPORT, body).await;
        assert_eq!(r.status, 200, "{body:?}");
        let files = r.body["files"].as_object().unwrap();
        let mut paths: Vec<&str> = files.keys().map(String::as_str).collect();
        paths.sort_unstable();
        assert_eq!(
            paths,
            [
                "flows/basic-flow.json",
                "flows/references-flow.json",
                "flows/role-flow.json",
                "flows/sign-up-or-in.json",
                "project.json",
                "roles.json",
                "styles/theme.json"
            ]
        );
        assert_eq!(files["roles.json"], json!({"permissions": [], "roles": []}));
        assert_eq!(files["flows/basic-flow.json"]["flowId"], "basic-flow");
    }
    let bad = emu.post(EXPORT, json!({"format": "zip"})).await;
    assert_eq!(bad.status, 400);
    assert_eq!(error_code(&bad), "E011003");
}

#[tokio::test]
async fn import_round_trips_unknown_files_and_plain_export_leaves_assets_out() {
    let emu = emulator(seeded()).await;
    let mut files = consistent(&emu).await;
    files.insert("lists/ips.json".into(), json!({"ips": ["10.0.0.0/8"]}));
    files.insert("assets/logo.png".into(), json!("iVBORw0KGgo="));
    files.insert("texts/terms.txt".into(), json!("Be nice.\n"));
    assert_eq!(emu.post(IMPORT, json!({"files": files})).await.status, 200);
    let back = emu.post(EXPORT, json!({})).await.body["files"].clone();
    assert_eq!(back, Value::Object(files.clone()));
    let plain = emu.post(EXPORT, json!({"format": "plain"})).await.body["files"].clone();
    assert!(plain.get("assets/logo.png").is_none() && plain.get("texts/terms.txt").is_none());
    assert!(plain.get("lists/ips.json").is_some());

    // Absent flows and JSON files go; assets stay; excluded lists stay as they are.
    let mut less = files.clone();
    less.remove("flows/basic-flow.json");
    less.remove("assets/logo.png");
    less.insert("lists/ips.json".into(), json!({"ips": []}));
    let r = emu
        .post(IMPORT, json!({"files": less, "excludes": ["lists"]}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let now = emu.post(EXPORT, json!({})).await.body["files"].clone();
    assert!(now.get("flows/basic-flow.json").is_none());
    assert_eq!(now["assets/logo.png"], "iVBORw0KGgo=");
    assert_eq!(now["lists/ips.json"], json!({"ips": ["10.0.0.0/8"]}));
    let r = emu
        .post(IMPORT, json!({"files": less, "excludes": ["users"]}))
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn validation_names_missing_references_and_changes_nothing() {
    let emu = emulator(seeded()).await;
    let mut files = emu.post(EXPORT, json!({})).await.body["files"].clone();
    // The seed's flows reference a connector and a role the project does not have: references a
    // live flow already holds are not re-checked, so the export validates as it is.
    let r = emu.post(VALIDATE, json!({"files": files})).await;
    assert_eq!(r.body, json!({"ok": true}));
    // A reference a flow adds must resolve.
    files["flows/basic-flow.json"]["references"] =
        json!({"connectors": {"Nope": "CInope"}, "roles": {"Ghost": "ROLghost"}});
    files["flows/role-flow.json"]["references"]["roles"]["Other"] = json!("ROLother");
    let r = emu.post(VALIDATE, json!({"files": files})).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["ok"], false);
    let failures: Vec<&str> = r.body["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(
        failures,
        [
            "flows/basic-flow.json: references connector 'Nope', which is not in the snapshot (connectors/)",
            "flows/basic-flow.json: references role 'Ghost', which is not defined (roles.json)",
            "flows/role-flow.json: references role 'Other', which is not defined (roles.json)"
        ]
    );
    let mut files = consistent(&emu).await;
    files.insert(
        "roles.json".into(),
        json!({"roles": [{"name": "My User Role", "permissionNames": ["nope"]}]}),
    );
    let r = emu.post(VALIDATE, json!({"files": files})).await;
    assert_eq!(
        r.body["failures"],
        json!(["roles.json: role 'My User Role' names permission 'nope', which is not defined"])
    );
    let before = emu.admin_get("state").await;
    let r = emu.post(IMPORT, json!({"files": files})).await;
    assert_eq!(r.status, 400);
    assert_eq!(error_code(&r), "E011003");
    assert_eq!(
        emu.admin_get("state").await,
        before,
        "a failed import changes nothing"
    );
    assert_eq!(
        emu.post(VALIDATE, json!({})).await.status,
        400,
        "files is required"
    );
}

#[tokio::test]
async fn missing_secrets_are_listed_and_a_supplied_one_is_never_echoed() {
    let emu = emulator(seeded()).await;
    let mut files = consistent(&emu).await;
    files.insert("connectors/http.json".into(), connector(&["bearerToken"]));
    let r = emu.post(VALIDATE, json!({"files": files})).await;
    assert_eq!(
        r.body,
        json!({"ok": false, "missingSecrets": {"connectors": [{"id": "CI2kytoq1RRvE147xvkGxu6xXEJxY", "name": "My HTTP Connector", "type": "bearerToken"}], "oauthProviders": [], "outboundApps": []}})
    );
    let r = emu.post(IMPORT, json!({"files": files})).await;
    assert_eq!(r.status, 400);
    let secret = "sk-never-echoed-41";
    let secrets = json!({"connectors": [{"id": "CI2kytoq1RRvE147xvkGxu6xXEJxY", "name": "My HTTP Connector", "type": "bearerToken", "value": secret}]});
    let r = emu
        .post(VALIDATE, json!({"files": files, "inputSecrets": secrets}))
        .await;
    assert_eq!(r.body, json!({"ok": true}));
    let r = emu
        .post(IMPORT, json!({"files": files, "inputSecrets": secrets}))
        .await;
    assert_eq!(r.status, 200);
    // Set once, not asked for again; the value is kept nowhere.
    let r = emu.post(VALIDATE, json!({"files": files})).await;
    assert_eq!(r.body, json!({"ok": true}));
    let state = emu.admin_get("state").await.to_string();
    assert!(!state.contains(secret));
    assert!(
        !emu.post(EXPORT, json!({}))
            .await
            .body
            .to_string()
            .contains(secret)
    );
}

#[tokio::test]
async fn import_replaces_roles_by_name_and_follows_deletes_into_tenants() {
    let emu = emulator(seeded()).await;
    let mut files = consistent(&emu).await;
    emu.post(
        "/v1/mgmt/tenant/create",
        json!({"id": "acme", "name": "Acme"}),
    )
    .await;
    emu.post(
        "/v1/mgmt/tenant/updateDefaultRoles",
        json!({"id": "acme", "defaultRoles": ["My User Role"]}),
    )
    .await;
    let before = emu.get("/v1/mgmt/role/all").await.body["roles"][0].clone();
    files.insert(
        "roles.json".into(),
        json!({"permissions": [{"name": "projects:read", "description": "Read all"}],
               "roles": [{"name": "My User Role", "description": "edited", "permissionNames": [], "default": false, "private": false}]}),
    );
    assert_eq!(emu.post(IMPORT, json!({"files": files})).await.status, 200);
    let after = emu.get("/v1/mgmt/role/all").await.body["roles"][0].clone();
    assert_eq!(after["id"], before["id"], "a role keeps its id");
    assert_eq!(after["description"], "edited");
    // Dropping the role (and the flow that names it) deletes it from the tenant's defaults.
    files.insert("roles.json".into(), json!({"permissions": [], "roles": []}));
    files.remove("flows/role-flow.json");
    let r = emu.post(IMPORT, json!({"files": files})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let acme = emu.get("/v1/mgmt/tenant?id=acme").await.body;
    assert_eq!(acme["defaultRoles"], json!([]));
}

#[tokio::test]
async fn imports_are_journaled_writes_and_failed_ones_change_nothing() {
    let emu = emulator(seeded()).await;
    let files = consistent(&emu).await;
    let journal = emu.journal().await;
    let import = journal
        .iter()
        .find(|e| e["path"] == IMPORT)
        .expect("journaled");
    assert_eq!(import["target"], "snapshot");
    assert_eq!(import["status"], 200);
    emu.admin_send(Method::PUT, "faults", Some(json!({"failRate": 1.0})))
        .await;
    let mut changed = files.clone();
    changed.remove("flows/basic-flow.json");
    assert_eq!(
        emu.post(IMPORT, json!({"files": changed})).await.status,
        503
    );
    emu.admin_send(Method::PUT, "faults", Some(json!({"failRate": 0.0})))
        .await;
    let now = emu.post(EXPORT, json!({})).await.body["files"].clone();
    assert!(now.get("flows/basic-flow.json").is_some());
}

#[tokio::test]
async fn opaque_files_and_the_project_survive_the_state_document() {
    let emu = emulator(seeded()).await;
    let mut files = consistent(&emu).await;
    files.insert(
        "project.json".into(),
        json!({"name": "Mine", "settings": {"a": 1}}),
    );
    files.insert("lists/ips.json".into(), json!({"ips": []}));
    assert_eq!(emu.post(IMPORT, json!({"files": files})).await.status, 200);
    let state = emu.admin_get("state").await;
    assert_eq!(state["project"]["name"], "Mine");
    assert!(state["snapshotFiles"]["lists/ips.json"].is_object());
    let other = emulator(Config::default()).await;
    let r = other.admin_send(Method::PUT, "state", Some(state)).await;
    assert!(r.status.is_success(), "{}", r.body);
    let a = emu.post(EXPORT, json!({})).await.body;
    let b = other.post(EXPORT, json!({})).await.body;
    assert_eq!(a, b);
}
