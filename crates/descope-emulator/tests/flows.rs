//! Flow and theme endpoints, v1 and v2, and the seed data.

mod common;

use common::{default_emulator, emulator, error_code};
use descope_emulator::Config;
use serde_json::{Value, json};

fn fixture(name: &str) -> Value {
    let path = format!("{}/seed/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn seeded() -> Config {
    Config {
        seed_flows: true,
        ..Config::default()
    }
}

#[tokio::test]
async fn seeded_flows_are_listed_and_exported_as_the_fixtures() {
    let emu = emulator(seeded()).await;
    for body in [
        None,
        Some("{}"),
        Some(r#"{"ids": []}"#),
        Some(r#"{"ids": null}"#),
    ] {
        let r = emu.post_raw("/v1/mgmt/flow/list", body).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["total"], 4, "{body:?}");
    }
    let r = emu
        .post(
            "/v1/mgmt/flow/list",
            json!({"ids": ["sign-up-or-in", "basic-flow", "nope"]}),
        )
        .await;
    assert_eq!(r.body["total"], 2);
    assert_eq!(
        r.body["flows"][0],
        json!({"id": "basic-flow", "name": "Basic Flow", "description": "A flow for testing", "disabled": false})
    );
    assert_eq!(r.body["flows"][1]["name"], "Sign Up or In");

    let exported = emu
        .post("/v2/mgmt/flow/export", json!({"flowId": "basic-flow"}))
        .await;
    assert_eq!(exported.status, 200);
    assert_eq!(exported.body["flow"], fixture("flow-basic.json"));

    let role = emu
        .post("/v2/mgmt/flow/export", json!({"flowId": "role-flow"}))
        .await
        .body;
    let mut expected = fixture("flow-role.json");
    expected["flowId"] = json!("role-flow");
    assert_eq!(role["flow"], expected);
    let connector = emu
        .post("/v2/mgmt/flow/export", json!({"flowId": "references-flow"}))
        .await
        .body;
    assert_eq!(connector["flow"], fixture("flow-connector.json"));

    let theme = emu.post_raw("/v2/mgmt/theme/export", None).await;
    assert_eq!(theme.body["theme"], fixture("theme-basic.json"));

    // Without --seed-flows there is nothing.
    let empty = default_emulator().await;
    assert_eq!(
        empty.post_raw("/v1/mgmt/flow/list", None).await.body,
        json!({"flows": [], "total": 0})
    );
}

#[tokio::test]
async fn v2_import_then_export_round_trips_and_overwrites() {
    let emu = default_emulator().await;
    let mut flow = fixture("sign-up-or-in.json");
    flow["flowId"] = json!("my-flow");
    let r = emu
        .post("/v2/mgmt/flow/import", json!({"flow": flow}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let exported = emu
        .post("/v2/mgmt/flow/export", json!({"flowId": "my-flow"}))
        .await
        .body;
    assert_eq!(exported["flow"], flow);

    flow["metadata"]["name"] = json!("Renamed");
    flow["metadata"]["disabled"] = json!(true);
    emu.post("/v2/mgmt/flow/import", json!({"flow": flow}))
        .await;
    let list = emu.post_raw("/v1/mgmt/flow/list", None).await.body;
    assert_eq!(list["total"], 1);
    assert_eq!(list["flows"][0]["name"], "Renamed");
    assert_eq!(list["flows"][0]["disabled"], true);

    let cases = [
        (json!({}), 400, "E011002"),
        (
            json!({"flow": {"metadata": {}, "contents": {}}}),
            400,
            "E011002",
        ),
        (
            json!({"flow": {"flowId": "x", "contents": {}}}),
            400,
            "E011003",
        ),
        (
            json!({"flow": {"flowId": "x", "metadata": {}, "contents": []}}),
            400,
            "E011003",
        ),
        (
            json!({"flow": {"flowId": "bad id", "metadata": {}, "contents": {}}}),
            400,
            "E011003",
        ),
    ];
    for (body, status, code) in cases {
        let r = emu.post("/v2/mgmt/flow/import", body.clone()).await;
        assert_eq!(
            (r.status.as_u16(), error_code(&r)),
            (status, code),
            "{body}"
        );
    }
    let r = emu
        .post("/v2/mgmt/flow/export", json!({"flowId": "nope"}))
        .await;
    assert_eq!((r.status.as_u16(), error_code(&r)), (404, "E074001"));
    let r = emu.post_raw("/v2/mgmt/flow/export", None).await;
    assert_eq!(error_code(&r), "E011002");
}

#[tokio::test]
async fn v1_export_and_import_convert_to_and_from_the_stored_form() {
    let emu = emulator(seeded()).await;
    let v1 = emu
        .post("/v1/mgmt/flow/export", json!({"flowId": "sign-up-or-in"}))
        .await
        .body;
    assert_eq!(v1["flow"]["id"], "sign-up-or-in");
    assert_eq!(v1["flow"]["name"], "Sign Up or In");
    assert!(v1["flow"]["etag"].as_str().is_some_and(|e| !e.is_empty()));
    assert_eq!(v1["flow"]["dsl"], fixture("sign-up-or-in.json")["contents"]);
    let screens = v1["screens"].as_array().unwrap();
    assert_eq!(screens.len(), 2);
    for s in screens {
        assert_eq!(s["flowId"], "sign-up-or-in");
        for key in ["id", "inputs", "interactions", "htmlTemplate"] {
            assert!(s.get(key).is_some(), "screen lacks {key}: {s}");
        }
    }

    // Python SDK style import of that export under a new id.
    let r = emu
        .post(
            "/v1/mgmt/flow/import",
            json!({"flowId": "copy", "flow": v1["flow"], "screens": v1["screens"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["flow"]["id"], "copy");
    assert_eq!(r.body["flow"]["dsl"], v1["flow"]["dsl"]);
    assert_eq!(
        r.body["screens"][0]["htmlTemplate"],
        v1["screens"][0]["htmlTemplate"]
    );

    let stored = emu
        .post("/v2/mgmt/flow/export", json!({"flowId": "copy"}))
        .await
        .body["flow"]
        .clone();
    let mut original = fixture("sign-up-or-in.json");
    original["flowId"] = json!("copy");
    assert_eq!(stored, original, "v1 import stores the same v2 flow");

    let r = emu
        .post(
            "/v1/mgmt/flow/import",
            json!({"flowId": "x", "flow": {"name": "No DSL"}}),
        )
        .await;
    assert_eq!(error_code(&r), "E011002");
    let r = emu
        .post("/v1/mgmt/flow/export", json!({"flowId": "ghost"}))
        .await;
    assert_eq!((r.status.as_u16(), error_code(&r)), (404, "E074001"));
}

#[tokio::test]
async fn delete_removes_flows() {
    let emu = emulator(seeded()).await;
    let r = emu
        .post(
            "/v1/mgmt/flow/delete",
            json!({"ids": ["basic-flow", "role-flow", "nope"]}),
        )
        .await;
    assert_eq!(r.status, 200);
    let list = emu.post_raw("/v1/mgmt/flow/list", None).await.body;
    let ids: Vec<&str> = list["flows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["references-flow", "sign-up-or-in"]);
    assert_eq!(
        error_code(&emu.post("/v1/mgmt/flow/delete", json!({"ids": []})).await),
        "E011002"
    );
    let j = emu.journal().await;
    assert_eq!(j[0]["target"], "basic-flow,role-flow,nope");
}

#[tokio::test]
async fn theme_v2_and_v1() {
    let emu = default_emulator().await;
    let empty = emu.post("/v2/mgmt/theme/export", json!({})).await.body;
    assert!(empty["theme"]["styles"].is_object());

    let theme = fixture("theme-basic.json");
    let r = emu
        .post("/v2/mgmt/theme/import", json!({"theme": theme}))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        emu.post_raw("/v2/mgmt/theme/export", None).await.body["theme"],
        theme
    );

    let v1 = emu.post_raw("/v1/mgmt/theme/export", None).await.body;
    assert_eq!(v1["theme"]["cssTemplate"], theme["styles"]);
    assert_eq!(v1["theme"]["componentsVersion"], theme["componentsVersion"]);
    for key in ["id", "version", "codeMode"] {
        assert!(v1["theme"].get(key).is_some(), "v1 theme lacks {key}");
    }

    let r = emu
        .post(
            "/v1/mgmt/theme/import",
            json!({"theme": {"id": "theme", "cssTemplate": {"light": {"x": 1}}, "componentsVersion": "9.9.9"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["theme"]["cssTemplate"], json!({"light": {"x": 1}}));
    assert!(
        r.body["theme"]["version"].as_u64().unwrap() > v1["theme"]["version"].as_u64().unwrap()
    );
    let v2 = emu.post_raw("/v2/mgmt/theme/export", None).await.body;
    assert_eq!(v2["theme"]["styles"], json!({"light": {"x": 1}}));
    assert_eq!(v2["theme"]["componentsVersion"], "9.9.9");

    assert_eq!(
        error_code(&emu.post("/v2/mgmt/theme/import", json!({})).await),
        "E011002"
    );
    assert_eq!(
        error_code(&emu.post("/v2/mgmt/theme/import", json!({"theme": 3})).await),
        "E011003"
    );
}
