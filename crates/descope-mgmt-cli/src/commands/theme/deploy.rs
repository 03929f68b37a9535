//! `theme deploy`: back up the live theme, then import a theme file.

use std::path::PathBuf;

use clap::Args;

use crate::ctx::Ctx;
use crate::error::CliResult;
use crate::theme::{read_theme_file, replace};

/// `theme deploy`.
#[derive(Debug, Args)]
pub struct ThemeDeployArgs {
    /// Theme file
    pub file: PathBuf,
    /// Show what would change; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// `theme deploy`: the file is read and checked before the live theme is touched.
pub async fn run(ctx: &Ctx, args: &ThemeDeployArgs) -> CliResult {
    let theme = read_theme_file(&args.file)?;
    replace(
        ctx,
        &theme,
        &args.file.display().to_string(),
        args.dry_run,
        "deploy",
    )
    .await
}
