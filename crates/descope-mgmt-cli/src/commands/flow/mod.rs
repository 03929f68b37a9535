//! `flow list | export | deploy | restore`: login flows as exported JSON files in git, one file
//! per subcommand.

pub mod deploy;
pub mod export;
pub mod list;
pub mod restore;

use self::deploy::FlowDeployArgs;
use self::export::FlowExportArgs;
use crate::ctx::Ctx;
use crate::error::CliResult;
use crate::examples as ex;
use crate::restore_lookup::RestoreArgs;
use clap::Subcommand;

/// Flow commands.
#[derive(Debug, Subcommand)]
pub enum FlowCommand {
    /// All flows
    #[command(after_help = ex::FLOW_LIST)]
    List,
    /// Export one flow, or all of them into a directory
    #[command(after_help = ex::FLOW_EXPORT)]
    Export(FlowExportArgs),
    /// Validate, diff, back up and import flow files
    #[command(after_help = ex::FLOW_DEPLOY)]
    Deploy(FlowDeployArgs),
    /// Put a flow back as a backup recorded it
    #[command(after_help = ex::FLOW_RESTORE)]
    Restore(RestoreArgs),
}

/// Runs a flow command.
pub async fn run(ctx: &Ctx, cmd: FlowCommand) -> CliResult {
    match cmd {
        FlowCommand::List => list::run(ctx).await,
        FlowCommand::Export(a) => export::run(ctx, &a).await,
        FlowCommand::Deploy(a) => deploy::run(ctx, &a).await,
        FlowCommand::Restore(a) => restore::run(ctx, &a).await,
    }
}
