//! Finding the backup a `restore` command names, and the arguments that name it.

use clap::Args;
use descope_store::{Backup, TargetType};

use crate::ctx::Ctx;
use crate::error::CliError;
use crate::output::shown_path;
use crate::shell::shell_quote;

/// `tenant restore`, `flow restore`, `theme restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Backup file (a path, or a name as `backup list` prints it)
    #[arg(required_unless_present = "latest", conflicts_with = "latest")]
    pub backup: Option<String>,
    /// Restore the newest backup of this id
    #[arg(long, value_name = "ID")]
    pub latest: Option<String>,
    /// Show the restore plan; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Restore a backup recorded in another project
    #[arg(long)]
    pub force_project: bool,
}

/// Finds the backup named by `restore` arguments.
pub fn find_backup(
    ctx: &Ctx,
    project_id: &str,
    args: &RestoreArgs,
    kind: TargetType,
) -> Result<Backup, CliError> {
    let latest = args.latest.as_deref().map(|id| (kind, id));
    let backup = lookup(ctx, project_id, args.backup.as_deref(), latest)?;
    if backup.metadata.target_type != kind {
        return Err(CliError::new(format!(
            "{} is a backup of {} `{}`, not of a {kind}",
            shown_path(&backup.path),
            backup.metadata.target_type,
            backup.metadata.target_id
        ))
        .hint(match backup.metadata.target_type {
            t @ (TargetType::Tenant | TargetType::Flow | TargetType::Theme) => {
                format!("restore it with `descope-mgmt {t} restore`")
            }
            _ => format!(
                "restore it with `descope-mgmt restore {}`",
                shell_quote(&backup.file_name())
            ),
        }));
    }
    check_project(ctx, &backup, project_id, args.force_project)?;
    Ok(backup)
}

/// Loads the newest backup of `latest` (kind and id), else the backup file `name` names (a
/// path, or a name as `backup list` prints it).
pub fn lookup(
    ctx: &Ctx,
    project_id: &str,
    name: Option<&str>,
    latest: Option<(TargetType, &str)>,
) -> Result<Backup, CliError> {
    let store = ctx.data_dir()?.backups(project_id);
    if let Some((kind, id)) = latest {
        return store.latest(kind, id)?.ok_or_else(|| {
            CliError::not_found(format!(
                "no backup of {kind} `{id}` in project {project_id}"
            ))
            .hint(match kind {
                // `backup list` filters by tenant, flow, role, permission and settings; theme
                // backups are in the full list.
                TargetType::Theme => "see what there is with `descope-mgmt backup list`".to_owned(),
                _ => format!(
                    "see what there is with `descope-mgmt backup list --{kind} {}`",
                    shell_quote(id)
                ),
            })
        });
    }
    let path = store.resolve(name.unwrap_or_default())?;
    Ok(descope_store::load_backup(&path)?)
}

/// Refuses a backup recorded in another project unless `force_project`; warns about one that
/// records no project (the seed's format).
pub fn check_project(
    ctx: &Ctx,
    backup: &Backup,
    project_id: &str,
    force_project: bool,
) -> Result<(), CliError> {
    match &backup.metadata.project_id {
        None => ctx.out.warn(&format!(
            "{} records no project; restoring into the current project {project_id}",
            shown_path(&backup.path)
        )),
        Some(p) if p != project_id && !force_project => {
            return Err(CliError::new(format!(
                "{} was taken in project {p}, not in the current project {project_id}",
                shown_path(&backup.path)
            ))
            .hint("pass --force-project to restore it here anyway"));
        }
        Some(_) => {}
    }
    Ok(())
}
