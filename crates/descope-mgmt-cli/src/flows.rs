//! Login flows as files and as the service holds them: reading a flow file in any export shape,
//! comparing a live flow with a file's, and loading a flow that may not exist.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use descope_api::ApiError;
use serde_json::{Value, json};

use crate::ctx::Ctx;
use crate::error::CliError;
use crate::files::{canonical, json_file_error};
use crate::output::markdown::{Mark, MarkdownChange};
use crate::output::shown_path;

/// A flow that does not exist: the tenant-style not-found, or the flow error codes (E074…).
pub fn is_missing_flow(e: &ApiError) -> bool {
    e.is_not_found() || e.code().is_some_and(|c| c.starts_with("E074"))
}

/// The live flow, or `None` when the project has no flow of that id.
pub async fn live_flow(
    ctx: &Ctx,
    client: &descope_api::Client,
    id: &str,
) -> Result<Option<Value>, CliError> {
    match client.export_flow(id).await {
        Ok(v) => Ok(Some(v)),
        Err(e) if is_missing_flow(&e) => Ok(None),
        Err(e) => Err(ctx.api_error(&e)),
    }
}

/// A flow file read and understood.
#[derive(Debug)]
pub struct FlowFile {
    /// Where it came from.
    pub path: PathBuf,
    /// Flow id.
    pub id: String,
    /// Which export shape the file had.
    pub shape: &'static str,
    /// The flow in the v2 exported form.
    pub flow: Value,
}

/// Reads and validates one flow file; accepts the v2 export, the v1 SDK shape and the console export.
pub fn read_flow_file(path: &Path) -> Result<FlowFile, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::io(format!("cannot read {}: {e}", shown_path(path))).hint("check the path")
    })?;
    let v: Value = serde_json::from_str(&text).map_err(|e| {
        json_file_error(path, &text, &e)
            .hint("a flow file is the JSON `descope-mgmt flow export` writes")
    })?;
    let not_flow = |why: &str| {
        CliError::invalid(format!("{}: not a Descope flow: {why}", shown_path(path)))
            .hint("expected a v2 export {\"flowId\", \"metadata\", \"contents\", \"screens\"} (what `flow export` writes), a v1 export {\"flowId\", \"flow\", \"screens\"}, or a console export {\"flow\": {…}, \"screens\": […]}")
    };
    let obj = v
        .as_object()
        .ok_or_else(|| not_flow("the top level is not a JSON object"))?;
    // v2, possibly wrapped as the export endpoint answers: {"flow": {flowId, metadata, contents}}.
    let inner = obj
        .get("flow")
        .and_then(Value::as_object)
        .filter(|f| f.contains_key("metadata") && f.contains_key("contents"));
    let (shape, flow) = if obj.contains_key("metadata") && obj.contains_key("contents") {
        ("v2 export", v.clone())
    } else if let Some(inner) = inner {
        ("v2 export (wrapped)", Value::Object(inner.clone()))
    } else if let Some(f) = obj.get("flow").and_then(Value::as_object) {
        let dsl = f
            .get("dsl")
            .cloned()
            .ok_or_else(|| not_flow("`flow` has no `dsl` (flow graph)"))?;
        let id = obj
            .get("flowId")
            .and_then(Value::as_str)
            .or_else(|| f.get("id").and_then(Value::as_str))
            .ok_or_else(|| not_flow("no `flowId` and no `flow.id`"))?;
        let screens: Vec<Value> = obj
            .get("screens")
            .and_then(Value::as_array)
            .map(|s| {
                s.iter()
                    .map(|sc| {
                        json!({
                            "screenId": sc.get("id").cloned().unwrap_or(Value::Null),
                            "interactions": sc.get("interactions").cloned().unwrap_or(json!([])),
                            "contents": {"htmlTemplate": sc.get("htmlTemplate").cloned().unwrap_or(Value::Null), "inputs": sc.get("inputs").cloned().unwrap_or(Value::Null)},
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let shape = if obj.contains_key("flowId") {
            "v1 export"
        } else {
            "console export"
        };
        (
            shape,
            json!({
                "flowId": id,
                "metadata": {"name": f.get("name").cloned().unwrap_or(json!(id)), "description": f.get("description").cloned().unwrap_or(json!("")), "disabled": f.get("disabled").cloned().unwrap_or(json!(false))},
                "contents": dsl,
                "screens": screens,
            }),
        )
    } else {
        return Err(not_flow(
            "it has neither `metadata` and `contents` nor a `flow` object",
        ));
    };
    let id = flow
        .get("flowId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| not_flow("no `flowId`"))?
        .to_owned();
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(not_flow(&format!(
            "flowId `{id}` has characters other than letters, digits, `_` and `-`"
        )));
    }
    if !flow.get("metadata").is_some_and(Value::is_object)
        || !flow.get("contents").is_some_and(Value::is_object)
    {
        return Err(not_flow("`metadata` and `contents` must be JSON objects"));
    }
    Ok(FlowFile {
        path: path.to_path_buf(),
        id,
        shape,
        flow,
    })
}

/// What differs between the live flow and the file, for the deploy summary.
#[derive(Debug, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowDiff {
    /// Screens only in the file.
    pub screens_added: Vec<String>,
    /// Screens only live.
    pub screens_removed: Vec<String>,
    /// Screens in both, with different content.
    pub screens_changed: Vec<String>,
    /// Tasks only in the file.
    pub tasks_added: Vec<String>,
    /// Tasks only live.
    pub tasks_removed: Vec<String>,
    /// Tasks in both, with different content.
    pub tasks_changed: Vec<String>,
    /// Metadata or other top-level parts changed.
    pub other_changed: Vec<String>,
}

fn keyed<'a>(v: Option<&'a Value>, id_key: &str) -> BTreeMap<String, &'a Value> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .enumerate()
            .map(|(i, s)| {
                (
                    s.get(id_key)
                        .and_then(Value::as_str)
                        .map_or_else(|| format!("#{i}"), str::to_owned),
                    s,
                )
            })
            .collect(),
        Some(Value::Object(m)) => m.iter().map(|(k, v)| (k.clone(), v)).collect(),
        _ => BTreeMap::new(),
    }
}

fn diff_maps(
    old: &BTreeMap<String, &Value>,
    new: &BTreeMap<String, &Value>,
) -> (Vec<String>, Vec<String>, Vec<String>) {
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let (mut a, mut r, mut c) = (Vec::new(), Vec::new(), Vec::new());
    for k in keys {
        match (old.get(k), new.get(k)) {
            (None, Some(_)) => a.push(k.clone()),
            (Some(_), None) => r.push(k.clone()),
            (Some(x), Some(y)) if canonical(x) != canonical(y) => c.push(k.clone()),
            _ => {}
        }
    }
    (a, r, c)
}

/// Metadata the service computes; a difference there alone is not a change.
const VOLATILE_METADATA: &[&str] = &["fingerprint", "etag", "modifiedTime", "createdTime"];

fn comparable(flow: &Value) -> Value {
    let mut f = canonical(flow);
    if let Some(m) = f.get_mut("metadata").and_then(Value::as_object_mut) {
        for k in VOLATILE_METADATA {
            m.remove(*k);
        }
    }
    f
}

/// Compares a live flow with a file's flow.
#[must_use]
pub fn diff_flows(live: &Value, file: &Value) -> Option<FlowDiff> {
    if comparable(live) == comparable(file) {
        return None;
    }
    let mut d = FlowDiff::default();
    (d.screens_added, d.screens_removed, d.screens_changed) = diff_maps(
        &keyed(live.get("screens"), "screenId"),
        &keyed(file.get("screens"), "screenId"),
    );
    fn tasks(v: &Value) -> BTreeMap<String, &Value> {
        keyed(v.get("contents").and_then(|c| c.get("tasks")), "id")
    }
    (d.tasks_added, d.tasks_removed, d.tasks_changed) = diff_maps(&tasks(live), &tasks(file));
    let (l, f) = (comparable(live), comparable(file));
    for key in ["metadata", "references"] {
        if l.get(key) != f.get(key) {
            d.other_changed.push(key.to_owned());
        }
    }
    let strip_tasks = |v: &Value| {
        v.get("contents").map(|c| {
            let mut c = c.clone();
            if let Some(m) = c.as_object_mut() {
                m.remove("tasks");
            }
            c
        })
    };
    if strip_tasks(&l) != strip_tasks(&f) {
        d.other_changed.push("contents".to_owned());
    }
    Some(d)
}

/// The diff in one line, for the deploy and restore summaries.
#[must_use]
pub fn describe(d: &FlowDiff) -> String {
    let mut parts = Vec::new();
    let mut add = |label: &str, v: &[String]| {
        if !v.is_empty() {
            parts.push(format!("{label} {}", v.join(", ")));
        }
    };
    add("screens added:", &d.screens_added);
    add("screens removed:", &d.screens_removed);
    add("screens changed:", &d.screens_changed);
    add("tasks added:", &d.tasks_added);
    add("tasks removed:", &d.tasks_removed);
    add("tasks changed:", &d.tasks_changed);
    add("changed:", &d.other_changed);
    if parts.is_empty() {
        "changed".to_owned()
    } else {
        parts.join("; ")
    }
}

/// A flow's change (`flow deploy`, `flow restore`, a snapshot's flows): its screens and tasks
/// as notes (as `flow deploy` lists them); removing a screen or a task removes data.
#[must_use]
pub fn flow_change(id: &str, exists: bool, diff: &FlowDiff) -> MarkdownChange {
    let mut notes: Vec<String> = if exists {
        describe(diff).split("; ").map(str::to_owned).collect()
    } else {
        Vec::new()
    };
    if !exists {
        notes.push("new flow".to_owned());
    }
    let loses = !diff.screens_removed.is_empty() || !diff.tasks_removed.is_empty();
    MarkdownChange {
        kind: "flow".to_owned(),
        target: id.to_owned(),
        action: if exists { "update" } else { "create" }.to_owned(),
        mark: if loses { Mark::Loses } else { Mark::Plain },
        fields: Vec::new(),
        notes,
    }
}
