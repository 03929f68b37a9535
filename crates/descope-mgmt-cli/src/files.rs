//! Files the user names: canonical JSON text, atomic writes, JSON parse errors with a location.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use crate::error::CliError;
use crate::output::shown_path;

/// Sorts object keys recursively so re-exports diff cleanly in git.
#[must_use]
pub fn canonical(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let sorted: BTreeMap<&String, Value> =
                m.iter().map(|(k, v)| (k, canonical(v))).collect();
            Value::Object(
                sorted
                    .into_iter()
                    .map(|(k, v)| (k.clone(), v))
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// Pretty, key-sorted JSON with a final newline.
#[must_use]
pub fn to_file_text(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(&canonical(v)).unwrap_or_default();
    s.push('\n');
    s
}

/// Writes a file the user named: atomically (temp file, fsync, rename) for a regular file, to
/// the final target of a symlink, in place for a FIFO or character device; never replaces a
/// special file (see [`descope_store::write_user_file`]). A write error is exit 1. The write
/// runs off the command's task, so a signal while it blocks (a slow FIFO reader) still ends the
/// run at once with exit 130.
pub async fn write_file(path: &Path, text: &str) -> Result<(), CliError> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| CliError::io(format!("cannot create {}: {e}", shown_path(parent))))?;
    }
    let (target, bytes) = (path.to_owned(), text.as_bytes().to_vec());
    tokio::task::spawn_blocking(move || descope_store::write_user_file(&target, &bytes))
        .await
        .map_err(|e| CliError::io(format!("cannot write {}: {e}", shown_path(path))))?
        .map_err(|e| {
            CliError::io(e.to_string()).hint(format!(
                "{} was not changed; nothing else was written",
                shown_path(path)
            ))
        })
}

/// A JSON file (flow or theme) that does not parse: `file:line:col` (1-based, as editors count)
/// and what is wrong, or that the file is empty.
pub fn json_file_error(path: &Path, text: &str, e: &serde_json::Error) -> CliError {
    if text.trim().is_empty() {
        return CliError::new(format!(
            "{}: the file is empty; expected a JSON object",
            shown_path(path)
        ));
    }
    // serde_json ends its message with " at line L column C"; the location is shown up front.
    let full = e.to_string();
    let what = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(w, _)| w);
    let what = if e.is_eof() {
        "the JSON ends early (a bracket, brace or quote is not closed)"
    } else {
        what
    };
    CliError::new(format!(
        "{}:{}:{}: not valid JSON: {what}",
        shown_path(path),
        e.line().max(1),
        e.column().max(1)
    ))
}
