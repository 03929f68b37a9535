//! `audit list`: the local audit log of every write.

pub mod list;

use crate::args::AuditCommand;
use crate::ctx::Ctx;
use crate::error::CliResult;

/// Runs an audit command (offline).
pub fn run(ctx: &Ctx, cmd: AuditCommand) -> CliResult {
    match cmd {
        AuditCommand::List(a) => list::run(ctx, &a),
    }
}
