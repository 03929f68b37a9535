//! `backup list | show | prune`: the backups taken before every change; one file per subcommand.

pub mod list;
pub mod prune;
pub mod show;

use crate::args::BackupCommand;
use crate::ctx::Ctx;
use crate::error::CliResult;

/// Runs a backup command. Offline: needs only the project id (not the key), except that a prune
/// that would delete the last backup of a target asks the project whether the target still exists.
pub async fn run(ctx: &Ctx, cmd: BackupCommand) -> CliResult {
    match cmd {
        BackupCommand::List(a) => list::run(ctx, &a),
        BackupCommand::Show(a) => show::run(ctx, &a),
        BackupCommand::Prune(a) => prune::run(ctx, &a).await,
    }
}
