//! `backup list | show | prune`.

use descope_store::{BackupListing, TargetType};
use serde_json::json;

use super::parse_duration;
use crate::args::BackupCommand;
use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::output::Table;

/// Runs a backup command. Offline: needs only the project id (not the key).
pub fn run(ctx: &Ctx, cmd: BackupCommand) -> CliResult {
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
                    .warn(&format!("skipped {}: {}", u.path.display(), u.error));
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
                for b in &entries {
                    t.rows.push(vec![
                        b.metadata.timestamp.to_string(),
                        b.metadata.operation.clone(),
                        b.metadata.target_type.to_string(),
                        b.metadata.target_id.clone(),
                        b.path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                    ]);
                }
                t
            });
            Ok(Exit::Success)
        }
        BackupCommand::Show { backup } => {
            let path = data.backups(&project_id(ctx)?).resolve(&backup)?;
            let b = descope_store::load_backup(&path)?;
            let text = std::fs::read_to_string(&b.path)
                .map_err(|e| CliError::new(format!("cannot read {}: {e}", b.path.display())))?;
            let value: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| CliError::new(format!("{}: {e}", b.path.display())))?;
            match ctx.out.format {
                crate::output::Format::Yaml => ctx.out.data_yaml(&value),
                _ => ctx.out.data_json(&value),
            }
            Ok(Exit::Success)
        }
        BackupCommand::Prune {
            keep,
            older_than,
            dry_run,
        } => {
            let older = older_than.as_deref().map(parse_duration).transpose()?;
            let project = project_id(ctx)?;
            let store = data.backups(&project);
            let mut removed = store.prune(keep, older, jiff::Timestamp::now(), true)?;
            if !dry_run && !removed.is_empty() {
                let question = format!(
                    "Delete {} backup(s) of project {project}? They are the undo of past changes.",
                    removed.len()
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
                removed = store.prune(keep, older, jiff::Timestamp::now(), false)?;
            }
            let verb = if dry_run { "Would delete" } else { "Deleted" };
            ctx.out
                .emit(&json!({"dryRun": dry_run, "removed": removed}), || {
                    let mut t = Table::new(vec!["REMOVED"]);
                    t.rows = removed
                        .iter()
                        .map(|p| vec![p.display().to_string()])
                        .collect();
                    t
                });
            ctx.out
                .status(&format!("{verb} {} backup(s)", removed.len()));
            Ok(Exit::Success)
        }
    }
}

/// The project id for offline commands: flag, environment, profile or `--local` — no key needed.
fn project_id(ctx: &Ctx) -> Result<String, CliError> {
    ctx.project_id_offline()
        .map_err(|e| e.hint("or use --all-projects to list the backups of every project"))
}
