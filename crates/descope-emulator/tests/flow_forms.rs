//! Flow and theme conversions between the v1 and v2 wire forms for the optional metadata the
//! seeded flows do not carry (fingerprint, widget, shared interactions, translation), and the
//! refusals of wrongly typed flow and theme fields.

mod common;

use common::{default_emulator, error_code};
use serde_json::json;

#[tokio::test]
async fn optional_flow_metadata_survives_v2_to_v1_and_back() {
    let emu = default_emulator().await;
    let shared = json!([{"id": "i1", "type": "button"}]);
    let flow = json!({
        "flowId": "meta",
        "metadata": {
            "name": "Meta",
            "description": "all the optional metadata",
            "disabled": false,
            "fingerprint": true,
            "widget": true,
            "sharedInteractions": shared,
            "translation": {
                "enabled": true,
                "connectorId": "conn-1",
                "sourceLanguage": "en",
                "targetLanguages": ["de", "fr"]
            }
        },
        "contents": {"start": {"next": "end"}},
        "screens": []
    });
    let r = emu
        .post("/v2/mgmt/flow/import", json!({"flow": flow}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    let v1 = emu
        .post("/v1/mgmt/flow/export", json!({"flowId": "meta"}))
        .await
        .body;
    let f = &v1["flow"];
    assert_eq!(f["fingerprint"], true);
    assert_eq!(f["widget"], true);
    assert_eq!(f["sharedInteractions"], shared);
    assert_eq!(f["translate"], true);
    assert_eq!(f["translateConnectorID"], "conn-1");
    assert_eq!(f["translateSourceLang"], "en");
    assert_eq!(f["translateTargetLangs"], json!(["de", "fr"]));
    assert_eq!(f["dsl"], flow["contents"]);

    // Importing that v1 export under another id stores the same metadata in the v2 form.
    let r = emu
        .post(
            "/v1/mgmt/flow/import",
            json!({"flowId": "meta-copy", "flow": f, "screens": v1["screens"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let copy = emu
        .post("/v2/mgmt/flow/export", json!({"flowId": "meta-copy"}))
        .await
        .body;
    let m = &copy["flow"]["metadata"];
    for key in [
        "name",
        "description",
        "fingerprint",
        "widget",
        "sharedInteractions",
        "translation",
    ] {
        assert_eq!(m[key], flow["metadata"][key], "metadata.{key}");
    }
    assert_eq!(copy["flow"]["contents"], flow["contents"]);
}

#[tokio::test]
async fn a_v1_flow_without_the_optional_metadata_gets_none_of_it() {
    let emu = default_emulator().await;
    let r = emu
        .post(
            "/v1/mgmt/flow/import",
            json!({"flowId": "plain", "flow": {"name": "Plain", "dsl": {}}, "screens": []}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let m = emu
        .post("/v2/mgmt/flow/export", json!({"flowId": "plain"}))
        .await
        .body["flow"]["metadata"]
        .clone();
    for key in ["fingerprint", "widget", "sharedInteractions", "translation"] {
        assert!(m.get(key).is_none(), "unexpected metadata.{key} in {m}");
    }
    assert_eq!(m["name"], "Plain");
}

#[tokio::test]
async fn wrongly_typed_flow_and_theme_fields_are_refused() {
    let emu = default_emulator().await;
    let cases = [
        ("/v2/mgmt/flow/import", json!({"flow": 3})),
        (
            "/v1/mgmt/flow/import",
            json!({"flowId": "x", "flow": {"name": "X", "dsl": "text"}}),
        ),
        (
            "/v1/mgmt/flow/import",
            json!({"flowId": "x", "flow": {"name": "X", "dsl": {}}, "screens": [7]}),
        ),
        ("/v2/mgmt/theme/import", json!({"theme": {"styles": []}})),
        (
            "/v1/mgmt/theme/import",
            json!({"theme": {"cssTemplate": "red"}}),
        ),
    ];
    for (path, body) in cases {
        let r = emu.post(path, body.clone()).await;
        assert_eq!(
            (r.status.as_u16(), error_code(&r)),
            (400, "E011003"),
            "{path} {body}: {}",
            r.body
        );
    }
    // Nothing was stored by the refused flow imports.
    let r = emu
        .post("/v2/mgmt/flow/export", json!({"flowId": "x"}))
        .await;
    assert_eq!(r.status.as_u16(), 404);
}

#[tokio::test]
async fn a_v1_theme_without_css_template_clears_the_styles() {
    let emu = default_emulator().await;
    let r = emu
        .post(
            "/v2/mgmt/theme/import",
            json!({"theme": {"styles": {"light": {"x": 1}}}}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = emu
        .post(
            "/v1/mgmt/theme/import",
            json!({"theme": {"cssTemplate": null}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v2 = emu.post_raw("/v2/mgmt/theme/export", None).await.body;
    assert_eq!(v2["theme"]["styles"], json!({}));
}
