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
            let store = data.backups(&project_id(ctx)?);
            let removed = store.prune(keep, older, jiff::Timestamp::now(), dry_run)?;
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
    if ctx.global.local {
        return Ok(ctx
            .global
            .project_id
            .clone()
            .unwrap_or_else(|| descope_emulator::DEFAULT_PROJECT_ID.to_owned()));
    }
    if let Some(p) = ctx
        .global
        .project_id
        .clone()
        .or_else(|| ctx.env.var("DESCOPE_PROJECT_ID").map(str::to_owned))
    {
        return Ok(p);
    }
    let cfg = match crate::profile::config_path(&ctx.env) {
        Some(p) => crate::profile::load(&p)?,
        None => crate::profile::ConfigFile::default(),
    };
    let name = ctx.global.profile.clone().or(cfg.default_profile.clone());
    name.and_then(|n| cfg.profiles.get(&n).and_then(|p| p.project_id.clone()))
        .ok_or_else(|| {
            CliError::new("no project id is set, so it is not known whose backups to use").hint(
                "set DESCOPE_PROJECT_ID, pass --project-id or --profile, or use --all-projects",
            )
        })
}
