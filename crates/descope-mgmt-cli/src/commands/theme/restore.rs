//! `theme restore`: put the theme back as a backup recorded it.

use descope_store::TargetType;

use crate::ctx::Ctx;
use crate::error::CliResult;
use crate::restore_lookup::{RestoreArgs, find_backup};
use crate::theme::{THEME_ID, replace};

/// `theme restore`: `--latest` with no id means the project theme.
pub async fn run(ctx: &Ctx, args: &RestoreArgs) -> CliResult {
    let project_id = ctx.settings().await?.project_id.clone();
    let mut args = RestoreArgs {
        backup: args.backup.clone(),
        latest: args.latest.clone(),
        dry_run: args.dry_run,
        force_project: args.force_project,
    };
    if args.latest.as_deref() == Some("") {
        args.latest = Some(THEME_ID.to_owned());
    }
    let backup = find_backup(ctx, &project_id, &args, TargetType::Theme)?;
    replace(
        ctx,
        &backup.object,
        &backup.path.display().to_string(),
        args.dry_run,
        "restore",
    )
    .await
}
