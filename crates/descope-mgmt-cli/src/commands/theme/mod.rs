//! `theme export | deploy | restore`: the project theme as a JSON file, deployed backup-first;
//! one file per subcommand.

pub mod deploy;
pub mod export;
pub mod restore;

use self::deploy::ThemeDeployArgs;
use self::export::ThemeExportArgs;
use crate::ctx::Ctx;
use crate::error::CliResult;
use crate::examples as ex;
use crate::restore_lookup::RestoreArgs;
use clap::Subcommand;

/// Theme commands.
#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Export the project theme
    #[command(after_help = ex::THEME_EXPORT)]
    Export(ThemeExportArgs),
    /// Back up the live theme, then import this one
    #[command(after_help = ex::THEME_DEPLOY)]
    Deploy(ThemeDeployArgs),
    /// Put the theme back as a backup recorded it
    #[command(after_help = ex::THEME_RESTORE)]
    Restore(RestoreArgs),
}

/// Runs a theme command.
pub async fn run(ctx: &Ctx, cmd: ThemeCommand) -> CliResult {
    match cmd {
        ThemeCommand::Export(a) => export::run(ctx, &a).await,
        ThemeCommand::Deploy(a) => deploy::run(ctx, &a).await,
        ThemeCommand::Restore(a) => restore::run(ctx, &a).await,
    }
}
