//! `flow list | export | deploy | restore`: login flows as exported JSON files in git.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use descope_api::ApiError;
use descope_store::TargetType;
use futures::StreamExt;
use serde_json::{Value, json};

use crate::args::{FlowCommand, FlowDeployArgs, FlowExportArgs, RestoreArgs};
use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::files::{canonical, json_file_error, to_file_text, write_file};
use crate::output::{Table, shown, shown_path};
use crate::restore_lookup::find_backup;
use crate::shell::shell_quote;
use crate::write::Writer;

/// Runs a flow command.
pub async fn run(ctx: &Ctx, cmd: FlowCommand) -> CliResult {
    match cmd {
        FlowCommand::List => list(ctx).await,
        FlowCommand::Export(a) => export(ctx, &a).await,
        FlowCommand::Deploy(a) => deploy(ctx, &a).await,
        FlowCommand::Restore(a) => restore(ctx, &a).await,
    }
}

async fn list(ctx: &Ctx) -> CliResult {
    let client = ctx.client().await?;
    let mut flows = client
        .list_flows(&[])
        .await
        .map_err(|e| ctx.api_error(&e))?;
    flows.sort_by(|a, b| a.id.cmp(&b.id));
    ctx.out.emit(&flows, || {
        let mut t = Table::new(vec!["ID", "NAME", "DISABLED", "DESCRIPTION"]);
        for f in &flows {
            t.rows.push(vec![
                f.id.clone(),
                f.name.clone(),
                f.disabled.to_string(),
                f.description.clone(),
            ]);
        }
        t
    });
    Ok(Exit::Success)
}

async fn export_one(ctx: &Ctx, id: &str) -> Result<Value, CliError> {
    let client = ctx.client().await?;
    client
        .export_flow(id)
        .await
        .map_err(|e| flow_error(ctx, &e, id))
}

/// A flow that does not exist: the tenant-style not-found, or the flow error codes (E074…).
fn is_missing_flow(e: &ApiError) -> bool {
    e.is_not_found() || e.code().is_some_and(|c| c.starts_with("E074"))
}

/// The live flow, or `None` when the project has no flow of that id.
async fn live_flow(
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

fn flow_error(ctx: &Ctx, e: &ApiError, id: &str) -> CliError {
    if is_missing_flow(e) {
        return CliError::new(format!("flow `{id}` not found: {e}"))
            .hint("list the flows with `descope-mgmt flow list`");
    }
    ctx.api_error(e)
}

async fn export(ctx: &Ctx, args: &FlowExportArgs) -> CliResult {
    if args.all {
        let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
        let client = ctx.client().await?;
        let flows = client
            .list_flows(&[])
            .await
            .map_err(|e| ctx.api_error(&e))?;
        let bar = ctx.out.progress(flows.len() as u64, "exporting flows");
        let results: Vec<Result<(String, Value), CliError>> =
            futures::stream::iter(flows.iter().map(|f| f.id.clone()))
                .map(|id| async move { export_one(ctx, &id).await.map(|v| (id, v)) })
                .buffer_unordered(usize::from(ctx.global.concurrency))
                .inspect(|_| bar.inc(1))
                .collect()
                .await;
        bar.finish_and_clear();
        let mut written = Vec::new();
        for r in results {
            let (id, v) = r?;
            let path = dir.join(format!("{id}.json"));
            write_file(&path, &to_file_text(&v)).await?;
            written.push(path);
        }
        written.sort();
        ctx.out.status(&format!(
            "Exported {} flow(s) to {}",
            written.len(),
            shown_path(&dir)
        ));
        ctx.out.emit(&written, || Table {
            headers: vec!["FILE"],
            rows: written
                .iter()
                .map(|p| vec![p.display().to_string()])
                .collect(),
        });
        return Ok(Exit::Success);
    }
    let id = args.id.clone().unwrap_or_default();
    let v = export_one(ctx, &id).await?;
    match &args.file {
        Some(f) => {
            write_file(f, &to_file_text(&v)).await?;
            ctx.out.status(&format!(
                "Exported flow {} to {}",
                shown(&id),
                shown_path(f)
            ));
        }
        None => ctx.out.data_text(&to_file_text(&v))?,
    }
    Ok(Exit::Success)
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
        CliError::new(format!("cannot read {}: {e}", shown_path(path))).hint("check the path")
    })?;
    let v: Value = serde_json::from_str(&text).map_err(|e| {
        json_file_error(path, &text, &e)
            .hint("a flow file is the JSON `descope-mgmt flow export` writes")
    })?;
    let not_flow = |why: &str| {
        CliError::new(format!("{}: not a Descope flow: {why}", shown_path(path)))
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

fn describe(d: &FlowDiff) -> String {
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

async fn deploy(ctx: &Ctx, args: &FlowDeployArgs) -> CliResult {
    // Every file is read and validated before anything is written.
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in &args.files {
        match read_flow_file(p) {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        let n = errors.len();
        let msg = errors
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("\n");
        let mut err = CliError::new(msg).hint(format!(
            "{n} file(s) failed validation; nothing was deployed"
        ));
        err.hints
            .extend(errors.into_iter().flat_map(|e| e.hints).take(1));
        return Err(err);
    }
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    for f in &files {
        if let Some(prev) = seen.insert(&f.id, &f.path) {
            return Err(CliError::new(format!(
                "{} and {} both hold flow `{}`",
                shown_path(prev),
                shown_path(&f.path),
                f.id
            ))
            .hint("deploy one of them; nothing was deployed"));
        }
        if f.shape != "v2 export" {
            ctx.out.status(&format!(
                "{}: found a {}; it is converted to the v2 form",
                shown_path(&f.path),
                f.shape
            ));
        }
        let stem = f
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if stem != f.id {
            ctx.out.warn(&format!(
                "{}: the file name does not match its flowId `{}`",
                shown_path(&f.path),
                shown(&f.id)
            ));
        }
    }
    let client = ctx.client().await?;
    let mut plan: Vec<(&FlowFile, Option<Value>, Option<FlowDiff>)> = Vec::new();
    for f in &files {
        let live = live_flow(ctx, client, &f.id).await?;
        let diff = match &live {
            Some(l) => diff_flows(l, &f.flow),
            None => Some(FlowDiff::default()),
        };
        plan.push((f, live, diff));
    }
    let mut report = Vec::new();
    let mut text = String::new();
    for (f, live, diff) in &plan {
        let (action, detail) = match (live, diff) {
            (None, _) => ("create", "new flow".to_owned()),
            (Some(_), None) => ("unchanged", String::new()),
            (Some(_), Some(d)) => ("update", describe(d)),
        };
        let sign = match action {
            "create" => "+",
            "update" => "~",
            _ => "=",
        };
        text.push_str(&format!(
            "  {sign} {} ({}){}\n",
            f.id,
            shown_path(&f.path),
            if detail.is_empty() {
                String::new()
            } else {
                format!(": {detail}")
            }
        ));
        report.push(json!({"flowId": f.id, "file": f.path, "action": action, "diff": diff}));
    }
    let changed: Vec<_> = plan.iter().filter(|(_, _, d)| d.is_some()).collect();
    let summary = format!(
        "Flows: {} to deploy, {} unchanged.",
        changed.len(),
        plan.len() - changed.len()
    );
    if matches!(ctx.out.format, crate::output::Format::Table) {
        ctx.out.human_text(&format!("{text}{summary}\n"));
    }
    if args.dry_run || changed.is_empty() {
        if !matches!(ctx.out.format, crate::output::Format::Table) {
            ctx.out
                .emit(&json!({"flows": report, "applied": false}), Table::default);
        }
        return Ok(Exit::Success);
    }
    let writer = Writer::begin(ctx).await?;
    // Every live flow to be replaced is re-read under the lock and backed up before the first
    // import: if a backup fails, nothing has been deployed.
    let mut staged = Vec::new();
    for (f, _, _) in &changed {
        let live = live_flow(ctx, client, &f.id).await?;
        let backup = match &live {
            Some(l) => Some(writer.backup("deploy", TargetType::Flow, &f.id, l, None)?),
            None => None,
        };
        staged.push((f, backup));
    }
    let bar = ctx.out.progress(changed.len() as u64, "deploying flows");
    let mut failures = Vec::new();
    for (f, backup) in &staged {
        let r = writer
            .audited(
                "import",
                TargetType::Flow,
                &f.id,
                backup.as_deref(),
                client.import_flow(&f.id, &f.flow),
            )
            .await?;
        bar.inc(1);
        match r {
            Ok(()) => {
                if let Some(b) = &backup {
                    ctx.out.status(&format!(
                        "Deployed {}; undo: descope-mgmt flow restore {}",
                        shown(&f.id),
                        shell_quote(&b.display().to_string())
                    ));
                } else {
                    ctx.out.status(&format!("Deployed {} (new)", shown(&f.id)));
                }
            }
            Err(e) => failures.push(format!("{}: {e}", shown(&f.id))),
        }
    }
    bar.finish_and_clear();
    if !matches!(ctx.out.format, crate::output::Format::Table) {
        ctx.out.emit(
            &json!({"flows": report, "applied": true, "failures": failures}),
            Table::default,
        );
    }
    if !failures.is_empty() {
        return Err(CliError::new(format!(
            "{} flow(s) failed to deploy:\n{}",
            failures.len(),
            failures.join("\n")
        ))
        .with_exit(Exit::Partial)
        .hint("the others were deployed; fix the cause and re-run (unchanged flows are skipped)"));
    }
    Ok(Exit::Success)
}

async fn restore(ctx: &Ctx, args: &RestoreArgs) -> CliResult {
    let client = ctx.client().await?;
    let project_id = ctx.settings().await?.project_id.clone();
    let backup = find_backup(ctx, &project_id, args, TargetType::Flow)?;
    let id = backup
        .object
        .get("flowId")
        .and_then(Value::as_str)
        .unwrap_or(&backup.metadata.target_id)
        .to_owned();
    if !backup.object.get("metadata").is_some_and(Value::is_object)
        || !backup.object.get("contents").is_some_and(Value::is_object)
    {
        return Err(CliError::new(format!(
            "{}: the flow in this backup has no metadata/contents",
            shown_path(&backup.path)
        )));
    }
    let live = live_flow(ctx, client, &id).await?;
    let diff = match &live {
        Some(l) => diff_flows(l, &backup.object),
        None => Some(FlowDiff::default()),
    };
    let Some(d) = diff else {
        ctx.out.status(&format!(
            "flow {id} already matches {}; nothing to restore",
            shown_path(&backup.path)
        ));
        return Ok(Exit::Success);
    };
    let what = if live.is_some() {
        describe(&d)
    } else {
        "create it again".to_owned()
    };
    let table = matches!(ctx.out.format, crate::output::Format::Table);
    if table {
        ctx.out.human_text(&format!(
            "Restore flow {id} from {}{}: {what}\n",
            shown_path(&backup.path),
            if args.dry_run { " (dry run)" } else { "" }
        ));
    }
    let report = |pre: Option<&Path>| {
        if !table {
            ctx.out.emit(
                &json!({"flowId": id, "backup": backup.path, "action": if live.is_some() {"update"} else {"create"}, "diff": d, "applied": !args.dry_run, "preRestoreBackup": pre}),
                Table::default,
            );
        }
    };
    if args.dry_run {
        report(None);
        return Ok(Exit::Success);
    }
    let writer = Writer::begin(ctx).await?;
    let pre = match &live {
        Some(l) => Some(writer.backup("restore", TargetType::Flow, &id, l, None)?),
        None => None,
    };
    writer
        .audited(
            "import",
            TargetType::Flow,
            &id,
            pre.as_deref(),
            client.import_flow(&id, &backup.object),
        )
        .await?
        .map_err(|e| ctx.api_error(&e))?;
    report(pre.as_deref());
    ctx.out.status(&format!(
        "Restored flow {id} from {}",
        shown_path(&backup.path)
    ));
    if let Some(p) = pre {
        ctx.out.status(&format!(
            "Undo: descope-mgmt flow restore {}",
            shell_quote(&p.display().to_string())
        ));
    }
    Ok(Exit::Success)
}
