//! `backup list | show | prune`: the backups taken before every change; one file per subcommand.

pub mod list;
pub mod prune;
pub mod show;

use self::list::BackupListArgs;
use self::prune::BackupPruneArgs;
use self::show::BackupShowArgs;
use crate::ctx::Ctx;
use crate::error::CliResult;
use crate::examples as ex;
use clap::Subcommand;

/// Backup commands.
#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Backups of this project, oldest first
    #[command(after_help = ex::BACKUP_LIST)]
    List(BackupListArgs),
    /// One backup's metadata and content
    #[command(after_help = ex::BACKUP_SHOW)]
    Show(BackupShowArgs),
    /// Delete old backups
    #[command(after_help = ex::BACKUP_PRUNE)]
    Prune(BackupPruneArgs),
}

/// Runs a backup command. Offline: needs only the project id (not the key), except that a prune
/// that would delete the last backup of a target asks the project whether the target still exists.
pub async fn run(ctx: &Ctx, cmd: BackupCommand) -> CliResult {
    match cmd {
        BackupCommand::List(a) => list::run(ctx, &a),
        BackupCommand::Show(a) => show::run(ctx, &a),
        BackupCommand::Prune(a) => prune::run(ctx, &a).await,
    }
}
