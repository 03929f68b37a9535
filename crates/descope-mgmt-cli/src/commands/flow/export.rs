//! `flow export`: one flow to stdout or a file, or every flow into a directory.

use std::path::PathBuf;

use clap::Args;
use descope_api::ApiError;
use futures::StreamExt;
use serde_json::Value;

use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::files::{to_file_text, write_file};
use crate::flows::is_missing_flow;
use crate::output::{Table, shown, shown_path};

/// `flow export`.
#[derive(Debug, Args)]
pub struct FlowExportArgs {
    /// Flow id
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub id: Option<String>,
    /// Export every flow, one file per flow, into --dir
    #[arg(long, requires = "dir")]
    pub all: bool,
    /// Directory for --all
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Write to this file instead of stdout
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        conflicts_with = "all"
    )]
    pub file: Option<PathBuf>,
}

async fn export_one(ctx: &Ctx, id: &str) -> Result<Value, CliError> {
    let client = ctx.client().await?;
    client
        .export_flow(id)
        .await
        .map_err(|e| flow_error(ctx, &e, id))
}

fn flow_error(ctx: &Ctx, e: &ApiError, id: &str) -> CliError {
    if is_missing_flow(e) {
        return CliError::not_found(format!("flow `{id}` not found: {e}"))
            .hint("list the flows with `descope-mgmt flow list`");
    }
    ctx.api_error(e)
}

/// `flow export`: the flow files are canonical JSON, so a re-export diffs cleanly in git.
pub async fn run(ctx: &Ctx, args: &FlowExportArgs) -> CliResult {
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
        })?;
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
