//! `flow restore`: put a flow back as a backup recorded it.

use descope_store::TargetType;

use crate::ctx::Ctx;
use crate::error::CliResult;
use crate::restore_lookup::{RestoreArgs, find_backup};

/// `flow restore`: back up the live flow, then import the recorded one.
pub async fn run(ctx: &Ctx, args: &RestoreArgs) -> CliResult {
    // Credentials are checked before the backup is looked up, as always.
    ctx.client().await?;
    let project_id = ctx.settings().await?.project_id.clone();
    let backup = find_backup(ctx, &project_id, args, TargetType::Flow)?;
    crate::resource_restore::flow::restore(ctx, backup, args.dry_run).await
}
