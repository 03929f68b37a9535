//! `audit list`: the local audit log of every write.

pub mod list;

use self::list::AuditListArgs;
use crate::ctx::Ctx;
use crate::error::CliResult;
use crate::examples as ex;
use clap::Subcommand;

/// Audit commands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Audit records, oldest first
    #[command(after_help = ex::AUDIT_LIST)]
    List(AuditListArgs),
}

/// Runs an audit command (offline).
pub fn run(ctx: &Ctx, cmd: AuditCommand) -> CliResult {
    match cmd {
        AuditCommand::List(a) => list::run(ctx, &a),
    }
}
