//! `backup list | show | prune`.

use std::collections::BTreeSet;

use descope_store::{BackupListing, PruneRules, TargetType};
use serde_json::json;

use super::parse_duration;
use crate::args::BackupCommand;
use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::output::{Table, shown_path};

/// Runs a backup command. Offline: needs only the project id (not the key), except that a prune
/// that would delete the last backup of a target asks the project whether the target still exists.
pub async fn run(ctx: &Ctx, cmd: BackupCommand) -> CliResult {
    let data = ctx.data_dir()?;
    match cmd {
        BackupCommand::List {
            tenant,
            flow,
            all_projects,
        } => {
            let listing: BackupListing = if all_projects {
                descope_store::list_all_projects(&data)?
            } else {
                data.backups(&project_id(ctx)?).list()?
            };
            let filter: Option<(TargetType, &str)> = tenant
                .as_deref()
                .map(|t| (TargetType::Tenant, t))
                .or(flow.as_deref().map(|f| (TargetType::Flow, f)));
            let entries: Vec<_> = listing
                .entries
                .iter()
                .filter(|b| {
                    filter.is_none_or(|(k, id)| {
                        b.metadata.target_type == k && b.metadata.target_id == id
                    })
                })
                .collect();
            for u in &listing.unreadable {
                ctx.out
                    .warn(&format!("skipped {}: {}", shown_path(&u.path), u.error));
            }
            let rows: Vec<_> = entries
                .iter()
                .map(|b| {
                    json!({
                        "name": b.path.file_name().map(|n| n.to_string_lossy().into_owned()),
                        "path": b.path,
                        "timestamp": b.metadata.timestamp.to_string(),
                        "operation": b.metadata.operation,
                        "targetType": b.metadata.target_type,
                        "targetId": b.metadata.target_id,
                        "projectId": b.metadata.project_id,
                    })
                })
                .collect();
            ctx.out.emit(&rows, || {
                let mut t = Table::new(vec!["TIME", "OPERATION", "TYPE", "ID", "NAME"]);
                if all_projects {
                    t.headers.insert(0, "PROJECT");
                }
                for b in &entries {
                    let mut row = vec![
                        b.metadata.timestamp.to_string(),
                        b.metadata.operation.clone(),
                        b.metadata.target_type.to_string(),
                        b.metadata.target_id.clone(),
                        b.path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                    ];
                    if all_projects {
                        // The directory it is in: the seed's format records no project.
                        let project = b.metadata.project_id.clone().or_else(|| {
                            b.path
                                .parent()
                                .and_then(|d| d.file_name())
                                .map(|n| n.to_string_lossy().into_owned())
                        });
                        row.insert(0, project.unwrap_or_default());
                    }
                    t.rows.push(row);
                }
                t
            });
            Ok(Exit::Success)
        }
        BackupCommand::Show { backup } => {
            let path = data.backups(&project_id(ctx)?).resolve(&backup)?;
            let b = descope_store::load_backup(&path)?;
            // The file keeps its own (snake_case) format; shown, it reads like every other JSON
            // the tool prints (camelCase).
            let m = &b.metadata;
            let mut value = json!({
                "name": b.file_name(),
                "path": b.path,
                "formatVersion": b.format_version,
                "metadata": {
                    "timestamp": m.timestamp.to_string(),
                    "operation": m.operation,
                    "targetType": m.target_type,
                    "targetId": m.target_id,
                    "projectId": m.project_id,
                    "toolVersion": m.tool_version,
                    "reason": m.reason,
                },
            });
            value[m.target_type.object_key()] = b.object.clone();
            if let Some(settings) = &b.settings {
                value["settings"] = settings.clone();
            }
            match ctx.out.format {
                crate::output::Format::Yaml => ctx.out.data_yaml(&value)?,
                _ => ctx.out.data_json(&value)?,
            }
            Ok(Exit::Success)
        }
        BackupCommand::Prune {
            keep,
            older_than,
            dry_run,
            prune_orphans,
        } => {
            let older = older_than.as_deref().map(parse_duration).transpose()?;
            let project = project_id(ctx)?;
            let store = data.backups(&project);
            let rules = PruneRules {
                keep,
                older_than: older,
                now: jiff::Timestamp::now(),
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
                (_, TargetType::Theme) => true,
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
                            return Err(CliError::new("refusing to delete backups without confirmation: stdin is not a terminal")
                                .hint("see what would go with --dry-run; pass --yes to confirm"));
                        }
                    }
                }
                outcome = store.prune_guarded(&rules, exists, false)?;
            }
            let removed = &outcome.removed;
            let verb = if dry_run { "Would delete" } else { "Deleted" };
            ctx.out.emit(
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
    }
}

/// The tenants and flows that exist in the project now.
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
    Ok(tenants
        .into_iter()
        .map(|t| (TargetType::Tenant, t.id))
        .chain(flows.into_iter().map(|f| (TargetType::Flow, f.id)))
        .collect())
}

/// The project id for offline commands: flag, environment, profile or `--local` — no key needed.
fn project_id(ctx: &Ctx) -> Result<String, CliError> {
    ctx.project_id_offline()
        .map_err(|e| e.hint("or use --all-projects to list the backups of every project"))
}
