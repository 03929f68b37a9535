//! `snapshot import`: diff a snapshot directory against the live project file by file, validate
//! it, and with `--apply` back up the live snapshot and import, audited. `--dry-run` sends no
//! write.

use std::path::PathBuf;

use clap::{ArgGroup, Args, ValueEnum};

use crate::ctx::Ctx;
use crate::error::CliResult;
use crate::output::shown_path;
use crate::snapshot::apply::{ImportRequest, run as import};
use crate::snapshot::dir::read_snapshot;
use crate::snapshot::secrets;

/// What `--exclude` may name (the service knows only `lists`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Exclude {
    /// IP and text lists: neither imported nor changed.
    Lists,
}

/// `snapshot import`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("mode").required(true).args(["dry_run", "apply"])))]
pub struct SnapshotImportArgs {
    /// Snapshot directory (as `snapshot export` writes it)
    #[arg(long, value_name = "DIR")]
    pub dir: PathBuf,
    /// Show the plan and the validation; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Back up the live snapshot, then import
    #[arg(long)]
    pub apply: bool,
    /// Leave these parts as they are live
    #[arg(long, value_enum, value_name = "PART")]
    pub exclude: Vec<Exclude>,
    /// Secrets for connectors, OAuth providers and outbound apps (YAML or JSON, mode 0600)
    #[arg(long, value_name = "FILE")]
    pub secrets: Option<PathBuf>,
}

/// `snapshot import`.
pub async fn run(ctx: &Ctx, args: &SnapshotImportArgs) -> CliResult {
    let given = match &args.secrets {
        Some(p) => secrets::read_file(p)?,
        None => descope_api::SnapshotSecrets::default(),
    };
    let snapshot = read_snapshot(&args.dir)?;
    let mut excludes: Vec<String> = Vec::new();
    if args.exclude.contains(&Exclude::Lists) {
        excludes.push("lists".to_owned());
    }
    import(
        ctx,
        ImportRequest {
            source: shown_path(&args.dir),
            files: snapshot.files,
            secrets: given,
            excludes,
            assets: snapshot.assets,
            dry_run: args.dry_run,
            operation: "import",
        },
    )
    .await
}
