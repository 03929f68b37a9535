//! State file persistence and the admin state endpoints (reset, state, seed).

mod common;

use common::{default_emulator, emulator, error_code};
use descope_emulator::{Config, EmulatorError, serve, start};
use reqwest::Method;
use serde_json::{Value, json};

fn with_state(path: &std::path::Path) -> Config {
    Config {
        state_file: Some(path.to_owned()),
        ..Config::default()
    }
}

#[tokio::test]
async fn state_file_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("state.json");

    let emu = emulator(with_state(&path)).await;
    emu.post(
        "/v1/mgmt/tenant/create",
        json!({"id": "acme", "name": "ACME", "customAttributes": {"plan": "gold"}}),
    )
    .await;
    emu.post(
        "/v1/mgmt/tenant/settings",
        json!({"tenantId": "acme", "enabled": true}),
    )
    .await;
    emu.post(
        "/v2/mgmt/theme/import",
        json!({"theme": {"styles": {"a": 1}}}),
    )
    .await;
    // Shut down right away: the debounced write must not be lost.
    emu.running.shutdown().await;

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temp files left behind");

    let emu = emulator(with_state(&path)).await;
    let t = emu.get("/v1/mgmt/tenant?id=acme").await;
    assert_eq!(t.status, 200);
    assert_eq!(t.body["customAttributes"], json!({"plan": "gold"}));
    assert_eq!(
        emu.get("/v1/mgmt/tenant/settings?id=acme").await.body["enabled"],
        true
    );
    assert_eq!(
        emu.post_raw("/v2/mgmt/theme/export", None).await.body["theme"],
        json!({"styles": {"a": 1}})
    );
    // Name uniqueness still holds after a reload.
    assert_eq!(error_code(&emu.create("other", "ACME").await), "E112204");
    emu.post("/v1/mgmt/tenant/delete", json!({"id": "acme"}))
        .await;
    emu.running.stop().await.unwrap();

    let emu = emulator(with_state(&path)).await;
    assert_eq!(emu.get("/v1/mgmt/tenant?id=acme").await.status, 404);
}

#[tokio::test]
async fn a_corrupt_state_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    std::fs::write(&path, "{\"tenants\": [oops").unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let err = match start(with_state(&path), listener).await {
        Err(e) => e,
        Ok(_) => panic!("a corrupt state file was accepted"),
    };
    assert!(matches!(err, EmulatorError::StateFileRead { .. }));
    let text = err.to_string();
    assert!(
        text.contains("state.json") && text.contains("delete it"),
        "{text}"
    );

    std::fs::write(
        &path,
        r#"{"tenants": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]}"#,
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let err = serve(listener, with_state(&path), async {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("more than once"), "{err}");
}

#[tokio::test]
async fn serve_runs_until_its_shutdown_future_completes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, with_state(&path), async {
        let _ = rx.await;
    }));
    let auth = format!(
        "Bearer {}:{}",
        descope_emulator::DEFAULT_PROJECT_ID,
        descope_emulator::DEFAULT_MANAGEMENT_KEY
    );
    let r = reqwest::Client::new()
        .post(format!("{base}/v1/mgmt/tenant/create"))
        .header("Authorization", auth)
        .json(&json!({"id": "x", "name": "X"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    tx.send(()).unwrap();
    server.await.unwrap().unwrap();
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(saved["tenants"][0]["id"], "x");
}

#[tokio::test]
async fn admin_state_get_put_and_reset() {
    let emu = emulator(Config {
        seed_flows: true,
        ..Config::default()
    })
    .await;
    emu.create("p", "P").await;
    emu.post(
        "/v1/mgmt/tenant/create",
        json!({"id": "c", "name": "C", "parent": "p"}),
    )
    .await;
    emu.post(
        "/v1/mgmt/tenant/settings",
        json!({"tenantId": "c", "JITDisabled": true}),
    )
    .await;

    let state = emu.admin_get("state").await;
    assert_eq!(state["tenants"].as_array().unwrap().len(), 2);
    assert_eq!(state["settings"]["c"]["JITDisabled"], true);
    assert_eq!(state["flows"].as_object().unwrap().len(), 4);
    assert!(state["theme"].is_object());

    let fresh = default_emulator().await;
    let r = fresh
        .admin_send(Method::PUT, "state", Some(state.clone()))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(fresh.admin_get("state").await, state);
    assert_eq!(
        fresh.get("/v1/mgmt/tenant?id=p").await.body["successors"],
        json!(["c"])
    );
    assert_eq!(
        fresh.post_raw("/v1/mgmt/flow/list", None).await.body["total"],
        4
    );
    let r = fresh
        .admin_send(Method::PUT, "state", Some(json!({"tenants": [{"id": ""}]})))
        .await;
    assert_eq!(r.status, 400);

    let r = emu.admin_send(Method::POST, "reset", None).await;
    assert_eq!(r.status, 200);
    let state = emu.admin_get("state").await;
    assert_eq!(state["tenants"], json!([]));
    assert_eq!(
        state["flows"].as_object().unwrap().len(),
        4,
        "reset re-seeds flows"
    );
    assert_eq!(emu.journal().await.len(), 0);

    let r = emu.admin_send(Method::GET, "nothing", None).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn bulk_seed_of_100k_tenants() {
    let emu = default_emulator().await;
    let tenants: Vec<Value> = (0..100_000)
        .map(|i| json!({"id": format!("t{i:06}"), "name": format!("Tenant {i}"), "selfProvisioningDomains": [format!("t{i}.example.com")]}))
        .collect();
    let r = emu
        .admin_send(Method::POST, "seed", Some(json!({"tenants": tenants})))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["inserted"], 100_000);

    let all = emu.get("/v1/mgmt/tenant/all").await.body;
    let list = all["tenants"].as_array().unwrap();
    assert_eq!(list.len(), 100_000);
    assert_eq!(list[0]["id"], "t000000");
    assert_eq!(list[99_999]["authType"], "none");

    assert_eq!(
        error_code(&emu.create("x", "Tenant 5").await),
        "E112204",
        "seeded names are indexed"
    );
    let r = emu
        .admin_send(
            Method::POST,
            "seed",
            Some(json!({"tenants": [{"id": "t000001", "name": "dup"}]})),
        )
        .await;
    assert_eq!(r.status, 400);
    let found = emu
        .post(
            "/v1/mgmt/tenant/search",
            json!({"tenantSelfProvisioningDomains": ["t77.example.com"]}),
        )
        .await;
    assert_eq!(found.body["tenants"][0]["id"], "t000077");
}
