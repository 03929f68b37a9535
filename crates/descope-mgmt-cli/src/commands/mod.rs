//! One directory per command group, one file per subcommand; `dispatch` runs the parsed command.
//! No command module imports another: what two of them share lives outside `commands/`.

pub mod audit;
pub mod backup;
pub mod completions;
pub mod config;
pub mod doctor;
pub mod emulator;
pub mod flow;
pub mod tenant;
pub mod theme;

use crate::args::Command;
use crate::ctx::Ctx;
use crate::error::CliResult;

/// Runs one command.
pub async fn dispatch(ctx: &Ctx, command: Command) -> CliResult {
    match command {
        Command::Tenant(cmd) => tenant::run(ctx, cmd).await,
        Command::Flow(cmd) => flow::run(ctx, cmd).await,
        Command::Theme(cmd) => theme::run(ctx, cmd).await,
        Command::Backup(cmd) => backup::run(ctx, cmd).await,
        Command::Audit(cmd) => audit::run(ctx, cmd),
        Command::Config(cmd) => config::run(ctx, cmd),
        Command::Emulator(cmd) => emulator::run(ctx, cmd).await,
        Command::Doctor => doctor::run(ctx).await,
        Command::Completions(a) => completions::run(ctx, &a),
    }
}
