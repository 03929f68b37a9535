//! `snapshot export`: the live project snapshot into a directory, one file per path, so that a
//! re-export of an unchanged project changes no byte.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use crate::ctx::Ctx;
use crate::error::{CliResult, Exit};
use crate::output::{Format, Table, shown_path};
use crate::snapshot::dir::write_snapshot;

/// `snapshot export`.
#[derive(Debug, Args)]
pub struct SnapshotExportArgs {
    /// Directory to write the snapshot into (created if missing)
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
    /// Leave out assets (images, fonts, texts): the service's plain format
    #[arg(long)]
    pub no_assets: bool,
}

/// `snapshot export`: files the previous export wrote that the service no longer returns are
/// removed; files it did not write are left alone.
pub async fn run(ctx: &Ctx, args: &SnapshotExportArgs) -> CliResult {
    let client = ctx.client().await?;
    let files = client
        .export_snapshot(!args.no_assets)
        .await
        .map_err(|e| ctx.api_error(&e))?;
    let (dir, assets) = (args.dir.clone(), !args.no_assets);
    let count = files.len();
    let written = tokio::task::spawn_blocking(move || write_snapshot(&dir, &files, assets))
        .await
        .map_err(|e| crate::error::CliError::io(format!("the export stopped: {e}")))??;
    if !matches!(ctx.out.format, Format::Table) {
        ctx.out.emit(
            &json!({"dir": args.dir, "files": count, "written": written.written, "unchanged": written.unchanged, "removed": written.removed}),
            Table::default,
        )?;
    }
    ctx.out.status(&format!(
        "Exported {count} file(s) to {}: {} written, {} unchanged, {} removed.",
        shown_path(&args.dir),
        written.written.len(),
        written.unchanged,
        written.removed.len()
    ));
    Ok(Exit::Success)
}
