//! Flow and theme endpoints (reference §3): v1 list and delete, v1 and v2 export and import of
//! flows and of the theme. Flows are stored opaquely in the
//! v2 export shape (`flowId`, `metadata`, `contents`, `screens`, `references`); the v1 endpoints
//! convert on the way in and out the way Descope's CLI converts console exports.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::app::App;
use crate::journal::Note;
use crate::respond::{ApiError, ApiResult, lenient, non_empty, ok_empty, ok_json, parse_body};
use crate::store::Store;

/// Whether every character of a flow id is one of `[A-Za-z0-9_-]` (reference §7).
pub(crate) fn flow_id_chars_ok(id: &str) -> bool {
    id.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `^[A-Za-z0-9_-]+$` (reference §7).
fn check_flow_id(id: &str) -> Result<(), ApiError> {
    if flow_id_chars_ok(id) {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "Flow id '{id}' is invalid: use letters, digits, '_' or '-'"
        )))
    }
}

fn targeted(response: axum::response::Response, id: &str) -> axum::response::Response {
    let mut response = response;
    response.extensions_mut().insert(Note {
        target: Some(id.to_owned()),
        cascade: None,
    });
    response
}

fn metadata(flow: &Value) -> &Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    flow.get("metadata")
        .and_then(Value::as_object)
        .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}

fn str_field<'a>(map: &'a Map<String, Value>, key: &str) -> &'a str {
    map.get(key).and_then(Value::as_str).unwrap_or("")
}

fn bool_field(map: &Map<String, Value>, key: &str) -> bool {
    map.get(key).and_then(Value::as_bool).unwrap_or(false)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct IdsBody {
    #[serde(deserialize_with = "lenient")]
    ids: Option<Vec<String>>,
}

/// `POST /v1/mgmt/flow/list`: all flows, or those named in `ids`.
pub(crate) async fn list(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let b: IdsBody = parse_body(&body)?;
    let wanted = b.ids.unwrap_or_default();
    let store = app.read_store();
    let flows: Vec<Value> = store
        .flows
        .iter()
        .filter(|(id, _)| wanted.is_empty() || wanted.contains(id))
        .map(|(id, flow)| {
            let m = metadata(flow);
            json!({
                "id": id,
                "name": str_field(m, "name"),
                "description": str_field(m, "description"),
                "disabled": bool_field(m, "disabled"),
            })
        })
        .collect();
    let total = flows.len();
    ok_json(&json!({ "flows": flows, "total": total }))
}

/// `POST /v1/mgmt/flow/delete`: ids that do not exist are ignored.
pub(crate) async fn delete(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let b: IdsBody = parse_body(&body)?;
    let ids = b
        .ids
        .filter(|ids| !ids.is_empty())
        .ok_or_else(|| ApiError::missing("ids"))?;
    {
        let mut store = app.write_store();
        for id in &ids {
            store.flows.remove(id);
        }
    }
    app.persist.mark_changed();
    ok_empty()
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct FlowIdBody {
    #[serde(deserialize_with = "lenient")]
    flow_id: Option<String>,
}

fn stored_flow(app: &App, body: &Bytes) -> Result<(String, Value), ApiError> {
    let b: FlowIdBody = parse_body(body)?;
    let id = non_empty(b.flow_id).ok_or_else(|| ApiError::missing("flowId"))?;
    let flow = app.read_store().flows.get(&id).cloned();
    let flow = flow.ok_or_else(|| ApiError::flow_not_found(&id))?;
    Ok((id, flow))
}

/// `POST /v2/mgmt/flow/export`.
pub(crate) async fn export_v2(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let (_, flow) = stored_flow(&app, &body)?;
    ok_json(&json!({ "flow": flow }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct FlowBody {
    flow: Option<Value>,
}

/// `POST /v2/mgmt/flow/import`: stores the flow as given, replacing one with the same id.
pub(crate) async fn import_v2(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let b: FlowBody = parse_body(&body)?;
    let flow = b.flow.ok_or_else(|| ApiError::missing("flow"))?;
    let Value::Object(obj) = &flow else {
        return Err(ApiError::invalid("flow must be a JSON object"));
    };
    let id = non_empty(obj.get("flowId").and_then(Value::as_str).map(str::to_owned))
        .ok_or_else(|| ApiError::missing("flow.flowId"))?;
    check_flow_id(&id)?;
    for key in ["metadata", "contents"] {
        match obj.get(key) {
            Some(Value::Object(_)) => {}
            Some(_) => {
                return Err(ApiError::invalid(format!(
                    "flow.{key} must be a JSON object"
                )));
            }
            None => return Err(ApiError::invalid(format!("flow.{key} is required"))),
        }
    }
    app.write_store().flows.insert(id.clone(), flow);
    app.persist.mark_changed();
    Ok(targeted(ok_empty()?, &id))
}

/// A short stable fingerprint of a stored flow, reported as the v1 `etag`.
fn etag(flow: &Value) -> String {
    let bytes = serde_json::to_vec(flow).unwrap_or_default();
    // FNV-1a: stable across runs and platforms, unlike the std hasher.
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

/// The v1 export shape of a stored flow.
fn to_v1(id: &str, flow: &Value) -> Value {
    let m = metadata(flow);
    let mut v1 = Map::new();
    v1.insert("id".into(), json!(id));
    v1.insert("name".into(), json!(str_field(m, "name")));
    v1.insert("description".into(), json!(str_field(m, "description")));
    v1.insert("disabled".into(), json!(bool_field(m, "disabled")));
    v1.insert("etag".into(), json!(etag(flow)));
    v1.insert(
        "dsl".into(),
        flow.get("contents").cloned().unwrap_or_else(|| json!({})),
    );
    for key in ["fingerprint", "widget"] {
        if bool_field(m, key) {
            v1.insert(key.into(), json!(true));
        }
    }
    if let Some(shared) = m.get("sharedInteractions").filter(|v| !v.is_null()) {
        v1.insert("sharedInteractions".into(), shared.clone());
    }
    if let Some(t) = m.get("translation").and_then(Value::as_object) {
        v1.insert("translate".into(), json!(bool_field(t, "enabled")));
        v1.insert(
            "translateConnectorID".into(),
            json!(str_field(t, "connectorId")),
        );
        v1.insert(
            "translateSourceLang".into(),
            json!(str_field(t, "sourceLanguage")),
        );
        v1.insert(
            "translateTargetLangs".into(),
            t.get("targetLanguages")
                .cloned()
                .unwrap_or_else(|| json!([])),
        );
    }
    let components_version = str_field(m, "componentsVersion");
    let screens: Vec<Value> = flow
        .get("screens")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(|s| {
            let mut screen = json!({
                "id": s.get("screenId").cloned().unwrap_or_else(|| json!("")),
                "flowId": id,
                "inputs": s.get("inputs").cloned().unwrap_or_else(|| json!([])),
                "interactions": s.get("interactions").cloned().unwrap_or_else(|| json!([])),
                "htmlTemplate": s.get("contents").cloned().unwrap_or_else(|| json!({})),
            });
            if !components_version.is_empty() {
                screen["componentsVersion"] = json!(components_version);
            }
            screen
        })
        .collect();
    json!({ "flow": v1, "screens": screens })
}

/// `POST /v1/mgmt/flow/export`.
pub(crate) async fn export_v1(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let (id, flow) = stored_flow(&app, &body)?;
    ok_json(&to_v1(&id, &flow))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct V1ImportBody {
    #[serde(deserialize_with = "lenient")]
    flow_id: Option<String>,
    #[serde(deserialize_with = "lenient")]
    flow: Option<Map<String, Value>>,
    #[serde(deserialize_with = "lenient")]
    screens: Option<Vec<Value>>,
}

/// Converts a v1 import into the stored v2 shape (as `descope flow convert` does).
fn from_v1(id: &str, flow: &Map<String, Value>, screens: &[Value]) -> Result<Value, ApiError> {
    let dsl = match flow.get("dsl") {
        Some(Value::Object(dsl)) => dsl.clone(),
        Some(_) => return Err(ApiError::invalid("flow.dsl must be a JSON object")),
        None => return Err(ApiError::missing("flow.dsl")),
    };
    let mut metadata = Map::new();
    metadata.insert("name".into(), json!(str_field(flow, "name")));
    metadata.insert("description".into(), json!(str_field(flow, "description")));
    let mut components_version = str_field(flow, "componentsVersion").to_owned();
    let mut v2_screens = Vec::with_capacity(screens.len());
    for s in screens {
        let Some(s) = s.as_object() else {
            return Err(ApiError::invalid("each screen must be a JSON object"));
        };
        let cv = str_field(s, "componentsVersion");
        if !cv.is_empty() {
            cv.clone_into(&mut components_version);
        }
        let mut screen = Map::new();
        screen.insert("screenId".into(), json!(str_field(s, "id")));
        if let Some(inputs) = s
            .get("inputs")
            .filter(|v| v.as_array().is_some_and(|a| !a.is_empty()))
        {
            screen.insert("inputs".into(), inputs.clone());
        }
        screen.insert(
            "interactions".into(),
            s.get("interactions")
                .filter(|v| !v.is_null())
                .cloned()
                .unwrap_or_else(|| json!([])),
        );
        screen.insert(
            "contents".into(),
            s.get("htmlTemplate")
                .filter(|v| !v.is_null())
                .cloned()
                .unwrap_or_else(|| json!({})),
        );
        v2_screens.push(Value::Object(screen));
    }
    if !components_version.is_empty() {
        metadata.insert("componentsVersion".into(), json!(components_version));
    }
    metadata.insert("disabled".into(), json!(bool_field(flow, "disabled")));
    for key in ["fingerprint", "widget"] {
        if bool_field(flow, key) {
            metadata.insert(key.into(), json!(true));
        }
    }
    if let Some(shared) = flow.get("sharedInteractions").filter(|v| !v.is_null()) {
        metadata.insert("sharedInteractions".into(), shared.clone());
    }
    let langs = flow
        .get("translateTargetLangs")
        .filter(|v| !v.is_null())
        .cloned();
    if bool_field(flow, "translate")
        || !str_field(flow, "translateConnectorID").is_empty()
        || !str_field(flow, "translateSourceLang").is_empty()
        || langs
            .as_ref()
            .and_then(Value::as_array)
            .is_some_and(|l| !l.is_empty())
    {
        metadata.insert(
            "translation".into(),
            json!({
                "enabled": bool_field(flow, "translate"),
                "connectorId": str_field(flow, "translateConnectorID"),
                "sourceLanguage": str_field(flow, "translateSourceLang"),
                "targetLanguages": langs.unwrap_or_else(|| json!([])),
            }),
        );
    }
    Ok(json!({
        "flowId": id,
        "metadata": metadata,
        "contents": dsl,
        "screens": v2_screens,
        "references": {},
    }))
}

/// `POST /v1/mgmt/flow/import`: answers with the v1 export of the stored flow.
pub(crate) async fn import_v1(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let b: V1ImportBody = parse_body(&body)?;
    let flow = b.flow.ok_or_else(|| ApiError::missing("flow"))?;
    let id = non_empty(b.flow_id)
        .or_else(|| non_empty(flow.get("id").and_then(Value::as_str).map(str::to_owned)))
        .ok_or_else(|| ApiError::missing("flowId"))?;
    check_flow_id(&id)?;
    let stored = from_v1(&id, &flow, b.screens.as_deref().unwrap_or_default())?;
    let response = to_v1(&id, &stored);
    app.write_store().flows.insert(id.clone(), stored);
    app.persist.mark_changed();
    Ok(targeted(ok_json(&response)?, &id))
}

/// The stored theme, or an empty one.
fn theme_v2(store: &Store) -> Value {
    store
        .theme
        .clone()
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({ "styles": {}, "componentsVersion": "", "references": {} }))
}

fn theme_v1(store: &Store) -> Value {
    let theme = theme_v2(store);
    json!({
        "id": "theme",
        "version": store.theme_version,
        "cssTemplate": theme.get("styles").cloned().unwrap_or_else(|| json!({})),
        "componentsVersion": theme.get("componentsVersion").cloned().unwrap_or_else(|| json!("")),
        "codeMode": false,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ThemeBody {
    theme: Option<Value>,
}

fn theme_object(body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    let b: ThemeBody = parse_body(body)?;
    match b.theme {
        Some(Value::Object(t)) => Ok(t),
        Some(Value::Null) | None => Err(ApiError::missing("theme")),
        Some(_) => Err(ApiError::invalid("theme must be a JSON object")),
    }
}

/// `POST /v2/mgmt/theme/export`.
pub(crate) async fn theme_export_v2(State(app): State<Arc<App>>) -> ApiResult {
    let store = app.read_store();
    ok_json(&json!({ "theme": theme_v2(&store) }))
}

/// `POST /v2/mgmt/theme/import`: merges, as the service does since 2026-09 (reference §10.2).
/// Each style the import carries replaces the stored style of that name; a style the import lacks
/// stays. Other top-level keys (`componentsVersion`, `references`, …) are set when present.
pub(crate) async fn theme_import_v2(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let theme = theme_object(&body)?;
    let styles = match theme.get("styles") {
        Some(Value::Object(s)) => s.clone(),
        Some(Value::Null) | None => Map::new(),
        Some(_) => return Err(ApiError::invalid("theme.styles must be a JSON object")),
    };
    {
        let mut store = app.write_store();
        let mut merged = match store.theme.take() {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        };
        for (key, value) in theme {
            if key != "styles" {
                merged.insert(key, value);
            }
        }
        let slot = merged
            .entry("styles")
            .or_insert_with(|| Value::Object(Map::new()));
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        if let Value::Object(live) = slot {
            live.extend(styles);
        }
        store.theme = Some(Value::Object(merged));
        store.theme_version += 1;
    }
    app.persist.mark_changed();
    ok_empty()
}

/// `POST /v1/mgmt/theme/export`.
pub(crate) async fn theme_export_v1(State(app): State<Arc<App>>) -> ApiResult {
    let store = app.read_store();
    ok_json(&json!({ "theme": theme_v1(&store) }))
}

/// `POST /v1/mgmt/theme/import`: `cssTemplate` becomes the styles; references are kept.
pub(crate) async fn theme_import_v1(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let theme = theme_object(&body)?;
    let styles = match theme.get("cssTemplate") {
        Some(Value::Object(s)) => Value::Object(s.clone()),
        Some(Value::Null) | None => json!({}),
        Some(_) => return Err(ApiError::invalid("theme.cssTemplate must be a JSON object")),
    };
    let response = {
        let mut store = app.write_store();
        let references = store
            .theme
            .as_ref()
            .and_then(|t| t.get("references").cloned())
            .unwrap_or_else(|| json!({}));
        store.theme = Some(json!({
            "styles": styles,
            "componentsVersion": theme.get("componentsVersion").cloned().unwrap_or_else(|| json!("")),
            "references": references,
        }));
        store.theme_version += 1;
        theme_v1(&store)
    };
    app.persist.mark_changed();
    ok_json(&json!({ "theme": response }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::seed;

    #[test]
    fn v2_theme_import_merges_styles() {
        let app = App::new(crate::Config::default()).unwrap();
        app.write_store().theme = Some(json!({
            "styles": {"light": {"a": 1}, "dark": {"a": 2}},
            "componentsVersion": "1",
            "references": {"x": 1},
        }));
        let body = Bytes::from(
            json!({"theme": {"styles": {"light": {"a": 3}, "new": {}}, "componentsVersion": "2"}})
                .to_string(),
        );
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(theme_import_v2(State(app.clone()), body))
            .unwrap();
        let theme = app.read_store().theme.clone().unwrap();
        assert_eq!(
            theme,
            json!({
                "styles": {"light": {"a": 3}, "dark": {"a": 2}, "new": {}},
                "componentsVersion": "2",
                "references": {"x": 1},
            })
        );
    }

    #[test]
    fn v1_conversion_round_trips() {
        let mut store = Store::default();
        seed(&mut store);
        let original = &store.flows["sign-up-or-in"];
        let v1 = to_v1("sign-up-or-in", original);
        let back = from_v1(
            "sign-up-or-in",
            v1["flow"].as_object().unwrap(),
            v1["screens"].as_array().unwrap(),
        )
        .unwrap();
        assert_eq!(&back, original);
        assert_eq!(to_v1("sign-up-or-in", &back), v1);
    }
}
