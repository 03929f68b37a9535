//! `role list`: the project's roles, or one tenant's; one file per subcommand.

pub mod list;

use self::list::RoleListArgs;
use crate::ctx::Ctx;
use crate::error::CliResult;
use crate::examples as ex;
use clap::Subcommand;

/// Role commands.
#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// Project roles (or one tenant's roles), sorted by name
    #[command(after_help = ex::ROLE_LIST)]
    List(RoleListArgs),
}

/// Runs a role command.
pub async fn run(ctx: &Ctx, cmd: RoleCommand) -> CliResult {
    match cmd {
        RoleCommand::List(a) => list::run(ctx, &a).await,
    }
}
