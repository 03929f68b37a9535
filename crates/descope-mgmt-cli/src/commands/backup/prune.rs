//! `backup prune`: delete old backups, keeping the last one of a target that no longer exists.

use std::collections::BTreeSet;

use clap::Args;
use descope_store::{PruneRules, TargetType};
use serde_json::json;

use crate::backups::project_id;
use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::output::Table;
use crate::values::parse_duration;

/// `backup prune`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("rule").required(true).args(["keep", "older_than"])))]
pub struct BackupPruneArgs {
    /// Keep the newest N backups of each target
    #[arg(long, value_name = "N")]
    pub keep: Option<usize>,
    /// Delete backups older than this (e.g. 30d, 12h, 90m)
    #[arg(long, value_name = "DURATION")]
    pub older_than: Option<String>,
    /// Show what would be deleted
    #[arg(long)]
    pub dry_run: bool,
    /// Also delete the last backup of a tenant, flow, role or permission that no longer
    /// exists in the project (kept otherwise: it is the only way to restore it)
    #[arg(long)]
    pub prune_orphans: bool,
}

/// `backup prune`. Offline, except that a prune that would delete the last backup of a target
/// asks the project whether the target still exists.
pub async fn run(ctx: &Ctx, args: &BackupPruneArgs) -> CliResult {
    let data = ctx.data_dir()?;
    let (keep, older_than, dry_run, prune_orphans) = (
        args.keep,
        &args.older_than,
        args.dry_run,
        args.prune_orphans,
    );
    let older = older_than.as_deref().map(parse_duration).transpose()?;
    let project = project_id(ctx)?;
    let store = data.backups(&project);
    let rules = PruneRules {
        keep,
        older_than: older,
        now: ctx.now(),
        prune_orphans,
    };
    // Only a prune that would take the last backup of some target needs to know which
    // targets still exist; the others stay offline.
    let worst = store.prune_guarded(&rules, |_, _| false, true)?;
    let live = if worst.kept_orphans.is_empty() && worst.removed_orphans.is_empty() {
        None
    } else {
        match live_targets(ctx).await {
            Ok(live) => Some(live),
            Err(e) => {
                ctx.out.warn(&format!(
                        "cannot check which targets still exist in project {project}, so every target counts as gone: {}",
                        e.message
                    ));
                None
            }
        }
    };
    let exists = |kind: TargetType, id: &str| match (&live, kind) {
        (_, TargetType::Theme | TargetType::Snapshot) => true,
        // A tenant's settings exist as long as the tenant does.
        (Some(live), TargetType::Settings) => live.contains(&(TargetType::Tenant, id.to_owned())),
        (Some(live), _) => live.contains(&(kind, id.to_owned())),
        (None, _) => false,
    };
    let mut outcome = store.prune_guarded(&rules, exists, true)?;
    if !dry_run && !outcome.removed.is_empty() {
        let orphans = if outcome.removed_orphans.is_empty() {
            String::new()
        } else {
            format!(
                " {} of them are the last backup of a target no longer in the project (--prune-orphans): it cannot be restored after this.",
                outcome.removed_orphans.len()
            )
        };
        let question = format!(
            "Delete {} backup(s) of project {project}? They are the undo of past changes.{orphans}",
            outcome.removed.len()
        );
        if !ctx.global.yes {
            match ctx.out.confirm(&question) {
                Some(true) => {}
                Some(false) => {
                    return Err(CliError::new("cancelled; no backup was deleted"));
                }
                None => {
                    return Err(CliError::new(
                        "refusing to delete backups without confirmation: stdin is not a terminal",
                    )
                    .hint("see what would go with --dry-run; pass --yes to confirm"));
                }
            }
        }
        outcome = store.prune_guarded(&rules, exists, false)?;
    }
    let removed = &outcome.removed;
    let verb = if dry_run { "Would delete" } else { "Deleted" };
    let _ = ctx.out.emit(
        &json!({
            "dryRun": dry_run,
            "removed": removed,
            "removedLastOfGone": outcome.removed_orphans,
            "keptLastOfGone": outcome.kept_orphans,
        }),
        || {
            let mut t = Table::new(vec!["REMOVED"]);
            t.rows = removed
                .iter()
                .map(|p| vec![p.display().to_string()])
                .collect();
            t
        },
    );
    let mut summary = format!("{verb} {} backup(s)", removed.len());
    if !outcome.removed_orphans.is_empty() {
        summary.push_str(&format!(
            ", {} of them the last backup of a target no longer in the project",
            outcome.removed_orphans.len()
        ));
    }
    ctx.out.status(&summary);
    if !outcome.kept_orphans.is_empty() {
        ctx.out.status(&format!(
                "Kept the last backup of {} target(s) no longer in the project (the only way to restore them); pass --prune-orphans to delete those too",
                outcome.kept_orphans.len(),
            ));
    }
    Ok(Exit::Success)
}

/// The tenants, flows, roles and permissions that exist in the project now.
async fn live_targets(ctx: &Ctx) -> Result<BTreeSet<(TargetType, String)>, CliError> {
    let client = ctx.client().await?;
    let tenants = client
        .load_all_tenants()
        .await
        .map_err(|e| ctx.api_error(&e))?;
    let flows = client
        .list_flows(&[])
        .await
        .map_err(|e| ctx.api_error(&e))?;
    let mut live: BTreeSet<(TargetType, String)> = tenants
        .iter()
        .map(|t| (TargetType::Tenant, t.id.clone()))
        .chain(flows.into_iter().map(|f| (TargetType::Flow, f.id)))
        .collect();
    let permissions = crate::roles::permissions(ctx, client).await?;
    live.extend(
        permissions
            .into_iter()
            .map(|p| (TargetType::Permission, p.name)),
    );
    // Load-all need not list tenant roles: one search by every tenant finds those.
    let mut roles = client
        .load_all_roles()
        .await
        .map_err(|e| ctx.api_error(&e))?;
    if !tenants.is_empty() {
        let q = descope_api::RoleSearch {
            tenant_ids: tenants.iter().map(|t| t.id.clone()).collect(),
            ..Default::default()
        };
        roles.extend(
            client
                .search_roles(&q)
                .await
                .map_err(|e| ctx.api_error(&e))?,
        );
    }
    live.extend(
        roles
            .iter()
            .map(|r| (TargetType::Role, crate::roles::role_target(r))),
    );
    Ok(live)
}
