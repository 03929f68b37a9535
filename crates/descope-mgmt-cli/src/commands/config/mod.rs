//! `config validate | schema`: offline checks of tenants.yaml and its JSON Schema; one file per
//! subcommand.

pub mod schema;
pub mod validate;

use self::validate::ConfigValidateArgs;
use crate::ctx::Ctx;
use crate::error::CliResult;
use crate::examples as ex;
use clap::Subcommand;

/// Config commands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Offline checks of a tenants.yaml
    #[command(after_help = ex::CONFIG_VALIDATE)]
    Validate(ConfigValidateArgs),
    /// JSON Schema of tenants.yaml, for editors
    #[command(after_help = ex::CONFIG_SCHEMA)]
    Schema,
}

/// Runs a config command.
pub fn run(ctx: &Ctx, cmd: ConfigCommand) -> CliResult {
    match cmd {
        ConfigCommand::Validate(a) => validate::run(ctx, &a),
        ConfigCommand::Schema => schema::run(ctx),
    }
}
