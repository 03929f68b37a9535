//! `tenant sync`: the sync of `crate::project_sync` limited to tenants, their settings and their
//! roles.

use std::path::PathBuf;

use clap::Args;
use descope_sync::Scope;

use crate::ctx::Ctx;
use crate::error::CliResult;
use crate::project_sync::Options;

/// `tenant sync`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["dry_run", "apply"])))]
pub struct TenantSyncArgs {
    /// tenants.yaml to sync
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Compute and show the plan; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Apply the plan (confirms on a terminal; --yes otherwise when deleting)
    #[arg(long)]
    pub apply: bool,
    /// Delete live tenants absent from the file (never `protect: true`, never outside --only)
    #[arg(long)]
    pub prune: bool,
    /// Refuse to delete more tenants than this [default: 5]
    #[arg(long, value_name = "N")]
    pub max_deletes: Option<usize>,
    /// Scope the whole plan to tenant ids matching this glob (repeatable)
    #[arg(long, value_name = "GLOB")]
    pub only: Vec<String>,
    /// Exit 0 when there are no changes, 2 when there are
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Save the plan (with fingerprints of the live tenants read) to this file
    #[arg(long, value_name = "PLAN.json")]
    pub out: Option<PathBuf>,
    /// Apply exactly this saved plan (refused if a tenant it read has changed since)
    #[arg(long, value_name = "PLAN.json", requires = "apply")]
    pub plan: Option<PathBuf>,
    /// Stop starting new writes after the first failure
    #[arg(long)]
    pub fail_fast: bool,
}

/// `tenant sync`.
pub async fn run(ctx: &Ctx, args: &TenantSyncArgs) -> CliResult {
    let o = Options {
        command: "tenant sync",
        scope: Scope::Tenants,
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
