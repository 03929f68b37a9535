//! `flow list | export | deploy | restore`: login flows as exported JSON files in git, one file
//! per subcommand.

pub mod deploy;
pub mod export;
pub mod list;
pub mod restore;

use crate::args::FlowCommand;
use crate::ctx::Ctx;
use crate::error::CliResult;

/// Runs a flow command.
pub async fn run(ctx: &Ctx, cmd: FlowCommand) -> CliResult {
    match cmd {
        FlowCommand::List => list::run(ctx).await,
        FlowCommand::Export(a) => export::run(ctx, &a).await,
        FlowCommand::Deploy(a) => deploy::run(ctx, &a).await,
        FlowCommand::Restore(a) => restore::run(ctx, &a).await,
    }
}
