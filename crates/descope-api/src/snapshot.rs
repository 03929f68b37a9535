//! Project snapshot endpoints (reference §4.6, §10.5): export, validate and import of the whole
//! project configuration as a map of files. The files stay opaque JSON; secrets for
//! connectors, OAuth providers and outbound apps travel only in validate and import bodies and
//! never in an error or `Debug` output.

use std::fmt;

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::client::{Call, Client};
use crate::error::ApiError;
use crate::models::null_as_default;

const EXPORT: &str = "/v1/mgmt/project/snapshot/export";
const VALIDATE: &str = "/v1/mgmt/project/snapshot/validate";
const IMPORT: &str = "/v1/mgmt/project/snapshot/import";

/// The files of a snapshot, by path: a JSON value, or a string asset (plain text for
/// `.txt`/`.html`, base64 otherwise).
pub type SnapshotFiles = Map<String, Value>;

/// One secret a snapshot needs (`missingSecrets`) or is given (`inputSecrets`): the object's
/// `id` and `name`, the secret's `type`, and (given only) its `value`. `Debug` never shows the
/// value.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SnapshotSecret {
    /// Id of the connector, OAuth provider or outbound app.
    #[serde(deserialize_with = "null_as_default")]
    pub id: String,
    /// Its name.
    #[serde(deserialize_with = "null_as_default")]
    pub name: String,
    /// Which of its secrets.
    #[serde(rename = "type", deserialize_with = "null_as_default")]
    pub kind: String,
    /// The secret; empty in `missingSecrets`.
    #[serde(
        deserialize_with = "null_as_default",
        skip_serializing_if = "String::is_empty"
    )]
    pub value: String,
}

impl fmt::Debug for SnapshotSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SnapshotSecret")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field(
                "value",
                &if self.value.is_empty() {
                    ""
                } else {
                    "[redacted]"
                },
            )
            .finish()
    }
}

/// Secrets by kind, as `inputSecrets` and `missingSecrets` carry them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SnapshotSecrets {
    /// Connector secrets.
    #[serde(deserialize_with = "null_as_default")]
    pub connectors: Vec<SnapshotSecret>,
    /// OAuth provider secrets.
    #[serde(deserialize_with = "null_as_default")]
    pub oauth_providers: Vec<SnapshotSecret>,
    /// Outbound app secrets.
    #[serde(deserialize_with = "null_as_default")]
    pub outbound_apps: Vec<SnapshotSecret>,
}

impl SnapshotSecrets {
    /// Whether no secret is listed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.connectors.is_empty()
            && self.oauth_providers.is_empty()
            && self.outbound_apps.is_empty()
    }

    /// Each kind (`connectors`, `oauthProviders`, `outboundApps`, as the wire names them) with
    /// its secrets.
    #[must_use]
    pub fn by_kind(&self) -> [(&'static str, &[SnapshotSecret]); 3] {
        [
            ("connectors", self.connectors.as_slice()),
            ("oauthProviders", self.oauth_providers.as_slice()),
            ("outboundApps", self.outbound_apps.as_slice()),
        ]
    }

    /// The list of one kind, by its wire name; `None` for an unknown kind.
    pub fn kind_mut(&mut self, kind: &str) -> Option<&mut Vec<SnapshotSecret>> {
        match kind {
            "connectors" => Some(&mut self.connectors),
            "oauthProviders" => Some(&mut self.oauth_providers),
            "outboundApps" => Some(&mut self.outbound_apps),
            _ => None,
        }
    }
}

/// The service's verdict on a snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SnapshotValidation {
    /// Whether it can be imported as it is.
    pub ok: bool,
    /// What is wrong, in the service's words.
    #[serde(deserialize_with = "null_as_default")]
    pub failures: Vec<String>,
    /// Secrets the import needs that were not given.
    #[serde(deserialize_with = "null_as_default")]
    pub missing_secrets: SnapshotSecrets,
}

#[derive(Deserialize)]
struct Exported {
    #[serde(default, deserialize_with = "null_as_default")]
    files: SnapshotFiles,
}

fn body(files: &SnapshotFiles, secrets: &SnapshotSecrets) -> Value {
    let mut b = json!({ "files": files });
    if !secrets.is_empty() {
        b["inputSecrets"] = json!(secrets);
    }
    b
}

impl Client {
    /// Exports the project snapshot; without `assets`, asks for the plain format (no assets).
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn export_snapshot(&self, assets: bool) -> Result<SnapshotFiles, ApiError> {
        let body = if assets {
            json!({})
        } else {
            json!({ "format": "plain" })
        };
        let answer: Exported = self
            .json(Call {
                method: Method::POST,
                path: EXPORT,
                query: None,
                body: Some(body),
            })
            .await?;
        Ok(answer.files)
    }

    /// Asks the service whether `files` (with `secrets`) can be imported. Changes nothing.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn validate_snapshot(
        &self,
        files: &SnapshotFiles,
        secrets: &SnapshotSecrets,
    ) -> Result<SnapshotValidation, ApiError> {
        self.json(Call {
            method: Method::POST,
            path: VALIDATE,
            query: None,
            body: Some(body(files, secrets)),
        })
        .await
    }

    /// Imports `files` into the project. `excludes` may only hold `lists` (the one value the
    /// service knows); anything else is refused before sending. The import replaces what the
    /// files describe, so a retry after a lost answer imports the same again.
    ///
    /// # Errors
    /// [`ApiError::Config`] for an unknown exclude; otherwise any [`ApiError`].
    pub async fn import_snapshot(
        &self,
        files: &SnapshotFiles,
        secrets: &SnapshotSecrets,
        excludes: &[String],
    ) -> Result<(), ApiError> {
        if let Some(bad) = excludes.iter().find(|e| e.as_str() != "lists") {
            return Err(ApiError::Config(format!(
                "unknown snapshot exclude {bad:?}: only \"lists\" can be excluded"
            )));
        }
        let mut b = body(files, secrets);
        if !excludes.is_empty() {
            b["excludes"] = json!(excludes);
        }
        self.unit(Call {
            method: Method::POST,
            path: IMPORT,
            query: None,
            body: Some(b),
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_debug_hides_values_and_wire_form_matches_the_reference() {
        let s = SnapshotSecret {
            id: "CI1".into(),
            name: "HTTP".into(),
            kind: "bearerToken".into(),
            value: "s3cr3t-value".into(),
        };
        assert!(!format!("{s:?}").contains("s3cr3t-value"));
        let all = SnapshotSecrets {
            connectors: vec![s],
            ..SnapshotSecrets::default()
        };
        assert_eq!(
            serde_json::to_value(&all).unwrap(),
            json!({"connectors": [{"id": "CI1", "name": "HTTP", "type": "bearerToken", "value": "s3cr3t-value"}], "oauthProviders": [], "outboundApps": []})
        );
        let v: SnapshotValidation = serde_json::from_value(json!({
            "ok": false, "failures": null,
            "missingSecrets": {"connectors": [{"id": "CI1", "name": "HTTP", "type": "bearerToken"}]}
        }))
        .unwrap();
        assert_eq!(v.missing_secrets.connectors[0].kind, "bearerToken");
        assert!(v.failures.is_empty());
    }
}
