//! `snapshot validate`: the service's verdict on a snapshot directory, with failures and missing
//! secrets listed in the user's terms. Exit 0 when it can be imported, 1 when not.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use crate::ctx::Ctx;
use crate::error::{CliResult, Exit};
use crate::output::{Format, Table, shown_path};
use crate::snapshot::apply::{invalid, validate};
use crate::snapshot::dir::read_snapshot;
use crate::snapshot::plan::ValidationView;
use crate::snapshot::secrets;

/// `snapshot validate`.
#[derive(Debug, Args)]
pub struct SnapshotValidateArgs {
    /// Snapshot directory (as `snapshot export` writes it)
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
    /// Secrets for connectors, OAuth providers and outbound apps (YAML or JSON, mode 0600)
    #[arg(long, value_name = "FILE")]
    pub secrets: Option<PathBuf>,
}

/// `snapshot validate`: sends the files (and secrets) to the service's validation; changes
/// nothing.
pub async fn run(ctx: &Ctx, args: &SnapshotValidateArgs) -> CliResult {
    let mut given = match &args.secrets {
        Some(p) => secrets::read_file(p)?,
        None => descope_api::SnapshotSecrets::default(),
    };
    let snapshot = read_snapshot(&args.dir)?;
    let client = ctx.client().await?;
    let verdict = validate(ctx, client, &snapshot.files, &mut given).await?;
    let view = ValidationView::of(&verdict);
    let source = shown_path(&args.dir);
    if !matches!(ctx.out.format, Format::Table) {
        ctx.out.emit(
            &json!({"dir": args.dir, "files": snapshot.files.len(), "ok": view.ok, "failures": view.failures, "missingSecrets": view.missing_secrets}),
            Table::default,
        )?;
    }
    if !view.ok {
        return Err(invalid(&view, &source, "nothing was changed"));
    }
    ctx.out.status(&format!(
        "{source}: {} file(s); the service accepts this snapshot.",
        snapshot.files.len()
    ));
    Ok(Exit::Success)
}
