//! `theme export | deploy | restore`: the project theme as a JSON file, deployed backup-first;
//! one file per subcommand.

pub mod deploy;
pub mod export;
pub mod restore;

use crate::args::ThemeCommand;
use crate::ctx::Ctx;
use crate::error::CliResult;

/// Runs a theme command.
pub async fn run(ctx: &Ctx, cmd: ThemeCommand) -> CliResult {
    match cmd {
        ThemeCommand::Export(a) => export::run(ctx, &a).await,
        ThemeCommand::Deploy(a) => deploy::run(ctx, &a).await,
        ThemeCommand::Restore(a) => restore::run(ctx, &a).await,
    }
}
