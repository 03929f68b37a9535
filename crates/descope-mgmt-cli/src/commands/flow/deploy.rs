//! `flow deploy`: validate every file, diff, back up each live flow, then import.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;
use descope_store::TargetType;
use serde_json::{Value, json};

use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::flows::flow_change;
use crate::flows::{FlowDiff, FlowFile, describe, diff_flows, live_flow, read_flow_file};
use crate::output::markdown::MarkdownPlan;
use crate::output::{Table, shown, shown_path};
use crate::shell::shell_quote;
use crate::write::Writer;

/// `flow deploy`.
#[derive(Debug, Args)]
pub struct FlowDeployArgs {
    /// Flow files (v2 export; v1 and console exports are accepted too)
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Show what would change; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// `flow deploy`: every file is read and checked before the first write.
pub async fn run(ctx: &Ctx, args: &FlowDeployArgs) -> CliResult {
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
    if args.dry_run && matches!(ctx.out.format, crate::output::Format::Markdown) {
        let changes = plan
            .iter()
            .filter_map(|(f, live, d)| d.as_ref().map(|d| flow_change(&f.id, live.is_some(), d)))
            .collect();
        ctx.out.markdown(&MarkdownPlan {
            title: "descope-mgmt flow deploy plan".to_owned(),
            summary,
            columns: ("Live", "File"),
            changes,
            notes: Vec::new(),
            see_all: "`flow deploy --dry-run -o json`".to_owned(),
        })?;
        return Ok(Exit::Success);
    }
    if matches!(ctx.out.format, crate::output::Format::Table) {
        let _ = ctx.out.human_text(&format!("{text}{summary}\n"));
    }
    if args.dry_run || changed.is_empty() {
        if !matches!(ctx.out.format, crate::output::Format::Table) {
            ctx.out
                .emit(&json!({"flows": report, "applied": false}), Table::default)?;
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
        let _ = ctx.out.emit(
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
