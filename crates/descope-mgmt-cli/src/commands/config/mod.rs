//! `config validate | schema`: offline checks of tenants.yaml and its JSON Schema; one file per
//! subcommand.

pub mod schema;
pub mod validate;

use crate::args::ConfigCommand;
use crate::ctx::Ctx;
use crate::error::CliResult;

/// Runs a config command.
pub fn run(ctx: &Ctx, cmd: ConfigCommand) -> CliResult {
    match cmd {
        ConfigCommand::Validate(a) => validate::run(ctx, &a),
        ConfigCommand::Schema => schema::run(ctx),
    }
}
