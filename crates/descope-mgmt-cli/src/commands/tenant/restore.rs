//! `tenant restore`: put a tenant back as a backup recorded it (fields, default roles, settings).

use descope_store::TargetType;

use crate::ctx::Ctx;
use crate::error::CliResult;
use crate::restore_lookup::{RestoreArgs, find_backup};

/// `tenant restore`: plan, back up the present state, apply.
pub async fn run(ctx: &Ctx, args: &RestoreArgs) -> CliResult {
    // Credentials are checked before the backup is looked up, as always.
    ctx.client().await?;
    let project_id = ctx.settings().await?.project_id.clone();
    let backup = find_backup(ctx, &project_id, args, TargetType::Tenant)?;
    crate::resource_restore::tenant::restore(ctx, backup, args.dry_run).await
}
