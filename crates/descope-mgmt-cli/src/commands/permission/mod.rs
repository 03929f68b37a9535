//! `permission list`: the project's permissions; one file per subcommand.

pub mod list;

use crate::ctx::Ctx;
use crate::error::CliResult;
use crate::examples as ex;
use clap::Subcommand;

/// Permission commands.
#[derive(Debug, Subcommand)]
pub enum PermissionCommand {
    /// Every permission, system ones included, sorted by name
    #[command(after_help = ex::PERMISSION_LIST)]
    List,
}

/// Runs a permission command.
pub async fn run(ctx: &Ctx, cmd: PermissionCommand) -> CliResult {
    match cmd {
        PermissionCommand::List => list::run(ctx).await,
    }
}
