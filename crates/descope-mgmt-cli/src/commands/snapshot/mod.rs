//! `snapshot export | validate | import`: the whole project configuration (flows, theme, roles
//! and permissions, project settings, connectors and the rest) as a directory of files, with a
//! diff, validation, a backup and an audit record around the import; one file per subcommand.
//! What they share is in `crate::snapshot`.

pub mod export;
pub mod import;
pub mod validate;

use clap::Subcommand;

use self::export::SnapshotExportArgs;
use self::import::SnapshotImportArgs;
use self::validate::SnapshotValidateArgs;
use crate::ctx::Ctx;
use crate::error::CliResult;

/// Examples of `snapshot`.
pub const EXAMPLES: &str = "\
Examples:
  descope-mgmt snapshot export --dir snapshot
  descope-mgmt snapshot validate --dir snapshot --secrets secrets.yaml
  descope-mgmt snapshot import --dir snapshot --dry-run
  descope-mgmt snapshot import --dir snapshot --apply --secrets secrets.yaml";

const EXPORT_EXAMPLES: &str = "\
Examples:
  descope-mgmt snapshot export --dir snapshot
  descope-mgmt snapshot export --dir snapshot --no-assets";

const VALIDATE_EXAMPLES: &str = "\
Examples:
  descope-mgmt snapshot validate --dir snapshot
  descope-mgmt snapshot validate --dir snapshot --secrets secrets.yaml -o json";

const IMPORT_EXAMPLES: &str = "\
Examples:
  descope-mgmt snapshot import --dir snapshot --dry-run
  descope-mgmt snapshot import --dir snapshot --apply --secrets secrets.yaml
  descope-mgmt snapshot import --dir snapshot --apply --exclude lists --yes";

/// Snapshot commands.
#[derive(Debug, Subcommand)]
pub enum SnapshotCommand {
    /// Export the project snapshot into a directory, one file per path
    #[command(after_help = EXPORT_EXAMPLES)]
    Export(SnapshotExportArgs),
    /// Ask the service whether a snapshot directory can be imported
    #[command(after_help = VALIDATE_EXAMPLES)]
    Validate(SnapshotValidateArgs),
    /// Diff a snapshot directory against the live project; with --apply, back up and import it
    #[command(after_help = IMPORT_EXAMPLES)]
    Import(SnapshotImportArgs),
}

/// Runs a snapshot command.
pub async fn run(ctx: &Ctx, cmd: SnapshotCommand) -> CliResult {
    match cmd {
        SnapshotCommand::Export(a) => export::run(ctx, &a).await,
        SnapshotCommand::Validate(a) => validate::run(ctx, &a).await,
        SnapshotCommand::Import(a) => import::run(ctx, &a).await,
    }
}
