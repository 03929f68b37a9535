//! `emulator serve`: the local emulator of the Descope management API.

pub mod serve;

use crate::args::EmulatorCommand;
use crate::ctx::Ctx;
use crate::error::CliResult;

/// Runs an emulator command.
pub async fn run(ctx: &Ctx, cmd: EmulatorCommand) -> CliResult {
    match cmd {
        EmulatorCommand::Serve(a) => serve::run(ctx, &a).await,
    }
}
