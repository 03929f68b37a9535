//! Flow and theme endpoints (reference §3): v1 list and delete, v2 export and import. Exported
//! flows and themes stay opaque JSON; only the envelope is checked.

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::client::{Call, Client};
use crate::error::ApiError;
use crate::models::{FlowSummary, null_as_default};

const LIST: &str = "/v1/mgmt/flow/list";
const DELETE: &str = "/v1/mgmt/flow/delete";
const EXPORT_FLOW: &str = "/v2/mgmt/flow/export";
const IMPORT_FLOW: &str = "/v2/mgmt/flow/import";
const EXPORT_THEME: &str = "/v2/mgmt/theme/export";
const IMPORT_THEME: &str = "/v2/mgmt/theme/import";

#[derive(Deserialize)]
struct FlowList {
    #[serde(default, deserialize_with = "null_as_default")]
    flows: Vec<FlowSummary>,
}

impl Client {
    /// The project's flows; with `ids`, only those.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn list_flows(&self, ids: &[String]) -> Result<Vec<FlowSummary>, ApiError> {
        let body = if ids.is_empty() {
            json!({})
        } else {
            json!({ "ids": ids })
        };
        let list: FlowList = self
            .json(Call {
                method: Method::POST,
                path: LIST,
                query: None,
                body: Some(body),
            })
            .await?;
        Ok(list.flows)
    }

    /// Deletes the flows with these ids. An empty list sends nothing. A not-found answer to a
    /// retry whose earlier attempt's answer was lost counts as done.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn delete_flows(&self, ids: &[String]) -> Result<(), ApiError> {
        if ids.is_empty() {
            return Ok(());
        }
        let body = json!({ "ids": ids });
        let outcome = self
            .send(Call {
                method: Method::POST,
                path: DELETE,
                query: None,
                body: Some(body),
            })
            .await;
        match outcome.result {
            Ok(_) => Ok(()),
            Err(e) if outcome.maybe_applied_earlier && e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Exports one flow (v2) and returns the inner `flow` object
    /// (`{flowId, metadata, contents, screens, references}`).
    ///
    /// # Errors
    /// Any [`ApiError`]; an answer without a `flow` object is [`ApiError::InvalidResponse`].
    pub async fn export_flow(&self, flow_id: &str) -> Result<Value, ApiError> {
        let body = json!({ "flowId": flow_id });
        let answer: Value = self
            .json(Call {
                method: Method::POST,
                path: EXPORT_FLOW,
                query: None,
                body: Some(body),
            })
            .await?;
        self.inner_object(answer, "flow", EXPORT_FLOW)
    }

    /// Imports (creates or overwrites) a flow from its v2 export; its `flowId` is set to `flow_id`.
    ///
    /// # Errors
    /// [`ApiError::Config`] when `flow` is not a JSON object; otherwise any [`ApiError`].
    pub async fn import_flow(&self, flow_id: &str, flow: &Value) -> Result<(), ApiError> {
        let Value::Object(map) = flow else {
            return Err(ApiError::Config(format!(
                "flow {flow_id:?} is not a JSON object; cannot import it"
            )));
        };
        let mut map = map.clone();
        map.insert("flowId".into(), Value::String(flow_id.to_owned()));
        let body = json!({ "flow": Value::Object(map) });
        self.unit(Call {
            method: Method::POST,
            path: IMPORT_FLOW,
            query: None,
            body: Some(body),
        })
        .await
    }

    /// Exports the project theme (v2) and returns the inner `theme` object.
    ///
    /// # Errors
    /// Any [`ApiError`]; an answer without a `theme` object is [`ApiError::InvalidResponse`].
    pub async fn export_theme(&self) -> Result<Value, ApiError> {
        let answer: Value = self
            .json(Call {
                method: Method::POST,
                path: EXPORT_THEME,
                query: None,
                body: Some(json!({})),
            })
            .await?;
        self.inner_object(answer, "theme", EXPORT_THEME)
    }

    /// Replaces the project theme (v2).
    ///
    /// # Errors
    /// [`ApiError::Config`] when `theme` is not a JSON object; otherwise any [`ApiError`].
    pub async fn import_theme(&self, theme: &Value) -> Result<(), ApiError> {
        if !theme.is_object() {
            return Err(ApiError::Config(
                "the theme is not a JSON object; cannot import it".into(),
            ));
        }
        let body = json!({ "theme": theme });
        self.unit(Call {
            method: Method::POST,
            path: IMPORT_THEME,
            query: None,
            body: Some(body),
        })
        .await
    }

    fn inner_object(&self, answer: Value, key: &str, path: &str) -> Result<Value, ApiError> {
        match answer {
            Value::Object(mut map) => match map.remove(key) {
                Some(inner @ Value::Object(_)) => Ok(inner),
                Some(other) => {
                    map.insert(key.to_owned(), other);
                    Err(self.wrong_shape(
                        path,
                        &Value::Object(map),
                        &format!("expected a {key:?} object"),
                    ))
                }
                None => Err(self.wrong_shape(
                    path,
                    &Value::Object(map),
                    &format!("expected a {key:?} object"),
                )),
            },
            other => {
                Err(self.wrong_shape(path, &other, &format!("expected {{\"{key}\": {{...}}}}")))
            }
        }
    }
}
