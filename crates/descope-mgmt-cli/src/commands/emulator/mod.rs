//! `emulator serve`: the local emulator of the Descope management API.

pub mod serve;

use self::serve::EmulatorServeArgs;
use crate::ctx::Ctx;
use crate::error::CliResult;
use crate::examples as ex;
use clap::Subcommand;

/// Emulator commands.
#[derive(Debug, Subcommand)]
pub enum EmulatorCommand {
    /// Serve the emulator until Ctrl-C
    #[command(after_help = ex::EMULATOR_SERVE)]
    Serve(EmulatorServeArgs),
}

/// Runs an emulator command.
pub async fn run(ctx: &Ctx, cmd: EmulatorCommand) -> CliResult {
    match cmd {
        EmulatorCommand::Serve(a) => serve::run(ctx, &a).await,
    }
}
