//! The admin API under `/__emulator/` (docs/architecture.md): reset, whole state, bulk seed,
//! journal, faults. No auth, no faults, not journaled.

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::Faults;
use crate::app::{App, now_secs};
use crate::respond::{ApiError, ApiResult, bytes_response, ok_empty, ok_json, parse_body};
use crate::store::{StateDoc, Tenant};

/// `POST /__emulator/reset`.
pub(crate) async fn reset(State(app): State<Arc<App>>) -> ApiResult {
    app.reset();
    ok_empty()
}

/// `GET /__emulator/state`.
pub(crate) async fn get_state(State(app): State<Arc<App>>) -> ApiResult {
    let bytes = app
        .read_store()
        .to_json()
        .map_err(|e| ApiError::invalid(e.to_string()))?;
    Ok(bytes_response(StatusCode::OK, bytes))
}

/// `PUT /__emulator/state`: replaces the whole state.
pub(crate) async fn put_state(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let doc: StateDoc = parse_body(&body)?;
    doc.check().map_err(ApiError::invalid)?;
    app.write_store().load_doc(doc);
    app.persist.mark_changed();
    ok_empty()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct SeedBody {
    tenants: Option<Vec<Tenant>>,
}

/// `POST /__emulator/seed`: bulk insert; ids must be new (an empty id gets a generated one),
/// names are not checked. Nothing is inserted when any id clashes.
pub(crate) async fn seed(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let b: SeedBody = parse_body(&body)?;
    let mut tenants = b.tenants.unwrap_or_default();
    let inserted = tenants.len();
    {
        let mut store = app.write_store();
        let mut seen = HashSet::with_capacity(tenants.len());
        let now = now_secs();
        for t in &mut tenants {
            if t.id.is_empty() {
                t.id = app.generate_tenant_id(&store);
            }
            if store.contains(&t.id) || !seen.insert(t.id.clone()) {
                return Err(ApiError::invalid(format!(
                    "tenant id '{}' already exists",
                    t.id
                )));
            }
            if t.auth_type.is_empty() {
                t.auth_type = "none".to_owned();
            }
            if t.created_time == 0 {
                t.created_time = now;
            }
        }
        store.extend(tenants);
    }
    app.persist.mark_changed();
    ok_json(&json!({ "inserted": inserted }))
}

/// `GET /__emulator/journal`.
pub(crate) async fn get_journal(State(app): State<Arc<App>>) -> ApiResult {
    let mut journal = app.journal.to_json();
    let (lockouts, limited) = app.faults.counters();
    if let Some(map) = journal.as_object_mut() {
        map.insert("lockouts".into(), lockouts.into());
        map.insert("rateLimited".into(), limited.into());
    }
    ok_json(&journal)
}

/// `DELETE /__emulator/journal`.
pub(crate) async fn clear_journal(State(app): State<Arc<App>>) -> ApiResult {
    app.journal.clear();
    app.faults.clear_counters();
    ok_empty()
}

/// `GET /__emulator/faults`.
pub(crate) async fn get_faults(State(app): State<Arc<App>>) -> ApiResult {
    ok_json(&app.faults.faults())
}

/// `PUT /__emulator/faults`: replaces the faults (absent fields are off); an optional `seed`
/// restarts the random sequence. Answers with the faults now in force.
pub(crate) async fn put_faults(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let value: Value = parse_body(&body)?;
    let seed = match value.get("seed") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_u64()
                .ok_or_else(|| ApiError::invalid("seed must be a whole number"))?,
        ),
    };
    let faults: Faults = if value.is_null() {
        Faults::default()
    } else {
        serde_json::from_value(value)
            .map_err(|e| ApiError::bad_json(format!("invalid faults: {e}")))?
    };
    faults.validate().map_err(ApiError::invalid)?;
    app.faults.set(faults, seed);
    ok_json(&app.faults.faults())
}
