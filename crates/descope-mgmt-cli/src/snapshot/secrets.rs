//! Secrets for a snapshot's connectors, OAuth providers and outbound apps: from `--secrets FILE`
//! (YAML or JSON, readable only by its owner, as key files are) or from environment variables.
//! They are held in memory for the validate and import requests only: never printed, never in
//! a backup, plan or audit record, and parse errors never quote the file.
//!
//! The file mirrors the service's `inputSecrets`:
//!
//! ```yaml
//! connectors:
//!   - id: CI2kytoq1RRvE147xvkGxu6xXEJxY   # or the connector's name
//!     type: bearerToken                   # which of its secrets
//!     value: ...
//! oauthProviders: []
//! outboundApps: []
//! ```
//!
//! A secret the service reports missing and the file does not give is looked up in
//! `DESCOPE_SECRET_<KIND>_<ID>_<TYPE>`, then `DESCOPE_SECRET_<KIND>_<NAME>_<TYPE>`, where KIND is
//! `CONNECTOR`, `OAUTH` or `OUTBOUND` and ID, NAME and TYPE are upper-cased with every character
//! other than a letter or digit replaced by `_`.

use std::path::Path;

use descope_api::{SnapshotSecret, SnapshotSecrets};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::CliError;
use crate::output::shown_path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SecretsFile {
    #[serde(default)]
    connectors: Vec<Entry>,
    #[serde(default)]
    oauth_providers: Vec<Entry>,
    #[serde(default)]
    outbound_apps: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(rename = "type")]
    kind: String,
    value: String,
}

const SHAPE: &str = "expected a mapping with `connectors`, `oauthProviders` and/or `outboundApps`, each a list of {id (or name), type, value}; see docs/snapshots.md";

/// Reads a secrets file. Refused when group or others may read it (`chmod 600`).
pub fn read_file(path: &Path) -> Result<SnapshotSecrets, CliError> {
    let cannot = |e: std::io::Error| {
        CliError::io(format!(
            "cannot read secrets file {}: {e}",
            shown_path(path)
        ))
    };
    let meta = std::fs::metadata(path).map_err(cannot)?;
    crate::private_file::refuse_if_shared(path, &meta, "secrets file")?;
    let text = std::fs::read_to_string(path).map_err(cannot)?;
    // The parsers' messages may quote the text (a secret), so only the location is shown.
    let parsed: Result<SecretsFile, String> = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).map_err(|e| format!("line {}", e.line()))
    } else {
        serde_saphyr::from_str(&text).map_err(|_| "its content".to_owned())
    };
    let file = parsed.map_err(|at| {
        CliError::invalid(format!(
            "secrets file {}: not a valid secrets mapping (at {at})",
            shown_path(path)
        ))
        .hint(SHAPE)
    })?;
    let mut out = SnapshotSecrets::default();
    for (kind, entries) in [
        ("connectors", file.connectors),
        ("oauthProviders", file.oauth_providers),
        ("outboundApps", file.outbound_apps),
    ] {
        for (i, e) in entries.into_iter().enumerate() {
            if (e.id.is_empty() && e.name.is_empty()) || e.kind.is_empty() || e.value.is_empty() {
                return Err(CliError::invalid(format!(
                    "secrets file {}: {kind}[{i}] needs an id (or name), a type and a non-empty value",
                    shown_path(path)
                ))
                .hint(SHAPE));
            }
            if let Some(list) = out.kind_mut(kind) {
                list.push(SnapshotSecret {
                    id: e.id,
                    name: e.name,
                    kind: e.kind,
                    value: e.value,
                });
            }
        }
    }
    Ok(out)
}

fn env_part(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The environment variable names that may hold one secret, in the order they are tried.
#[must_use]
pub fn env_names(kind: &str, secret: &SnapshotSecret) -> Vec<String> {
    let kind = match kind {
        "connectors" => "CONNECTOR",
        "oauthProviders" => "OAUTH",
        _ => "OUTBOUND",
    };
    [&secret.id, &secret.name]
        .into_iter()
        .filter(|k| !k.is_empty())
        .map(|k| {
            format!(
                "DESCOPE_SECRET_{kind}_{}_{}",
                env_part(k),
                env_part(&secret.kind)
            )
        })
        .collect()
}

/// Completes `given` for the secrets the service reported `missing`: a file entry given by name
/// gets the id the service reported, and secrets not given are looked up in the environment.
/// Returns how many were added.
pub fn complete(ctx: &Ctx, missing: &SnapshotSecrets, given: &mut SnapshotSecrets) -> usize {
    let mut added = 0;
    for (kind, wanted) in missing.by_kind() {
        for m in wanted {
            let Some(list) = given.kind_mut(kind) else {
                continue;
            };
            let by_name = list.iter_mut().find(|s| {
                s.kind == m.kind && s.id.is_empty() && !m.name.is_empty() && s.name == m.name
            });
            if let Some(s) = by_name {
                s.id.clone_from(&m.id);
                added += 1;
                continue;
            }
            if list.iter().any(|s| s.kind == m.kind && s.id == m.id) {
                continue;
            }
            let found = env_names(kind, m)
                .into_iter()
                .find_map(|name| ctx.env.var(&name).map(str::to_owned));
            if let Some(value) = found {
                list.push(SnapshotSecret { value, ..m.clone() });
                added += 1;
            }
        }
    }
    added
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_use_id_then_name() {
        let s = SnapshotSecret {
            id: "CI2ky".into(),
            name: "My HTTP Connector".into(),
            kind: "bearerToken".into(),
            value: String::new(),
        };
        assert_eq!(
            env_names("connectors", &s),
            [
                "DESCOPE_SECRET_CONNECTOR_CI2KY_BEARERTOKEN",
                "DESCOPE_SECRET_CONNECTOR_MY_HTTP_CONNECTOR_BEARERTOKEN"
            ]
        );
    }
}
