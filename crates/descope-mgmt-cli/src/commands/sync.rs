//! `sync`: plan or apply the whole project file — permissions, project roles, tenants, their
//! settings and their roles — in one plan (`crate::project_sync`).

use std::path::PathBuf;

use clap::Args;
use descope_sync::Scope;

use crate::ctx::Ctx;
use crate::error::CliResult;
use crate::project_sync::Options;

/// `sync`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["dry_run", "apply"])))]
pub struct SyncArgs {
    /// The project file to sync
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Compute and show the plan; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Apply the plan (confirms on a terminal; --yes otherwise when deleting)
    #[arg(long)]
    pub apply: bool,
    /// Delete live tenants, roles and permissions absent from the file (never `protect: true`,
    /// never system objects, never outside --only)
    #[arg(long)]
    pub prune: bool,
    /// Refuse to delete more objects (of every kind together) than this [default: 5]
    #[arg(long, value_name = "N")]
    pub max_deletes: Option<usize>,
    /// Scope the whole plan: `tenant:GLOB`, `role:GLOB`, `permission:GLOB` (a bare GLOB is a
    /// tenant id pattern; repeatable)
    #[arg(long, value_name = "KIND:GLOB")]
    pub only: Vec<String>,
    /// Exit 0 when there are no changes, 2 when there are
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Save the plan (with fingerprints of the live objects read) to this file
    #[arg(long, value_name = "PLAN.json")]
    pub out: Option<PathBuf>,
    /// Apply exactly this saved plan (refused if anything it read has changed since)
    #[arg(long, value_name = "PLAN.json", requires = "apply")]
    pub plan: Option<PathBuf>,
    /// Stop starting new writes after the first failure
    #[arg(long)]
    pub fail_fast: bool,
}

/// `sync`.
pub async fn run(ctx: &Ctx, args: &SyncArgs) -> CliResult {
    let o = Options {
        command: "sync",
        scope: Scope::Project,
        config: args.config.clone(),
        dry_run: args.dry_run,
        apply: args.apply,
        prune: args.prune,
        max_deletes: args.max_deletes,
        only: args.only.clone(),
        detailed_exitcode: args.detailed_exitcode,
        out: args.out.clone(),
        plan: args.plan.clone(),
        fail_fast: args.fail_fast,
    };
    crate::project_sync::run(ctx, &o).await
}
