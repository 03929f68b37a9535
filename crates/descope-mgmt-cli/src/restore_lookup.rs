//! Finding the backup a `restore` command names, and the arguments that name it.

use clap::Args;
use descope_store::{Backup, TargetType};

use crate::ctx::Ctx;
use crate::error::CliError;
use crate::output::shown_path;

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
    let store = ctx.data_dir()?.backups(project_id);
    let backup = if let Some(id) = &args.latest {
        store.latest(kind, id)?.ok_or_else(|| {
            CliError::not_found(format!(
                "no backup of {kind} `{id}` in project {project_id}"
            ))
            .hint(match kind {
                // `backup list` filters by tenant or flow; theme backups are in the full list.
                TargetType::Theme => "see what there is with `descope-mgmt backup list`".to_owned(),
                _ => format!("see what there is with `descope-mgmt backup list --{kind} {id}`"),
            })
        })?
    } else {
        let name = args.backup.as_deref().unwrap_or_default();
        let path = store.resolve(name)?;
        descope_store::load_backup(&path)?
    };
    if backup.metadata.target_type != kind {
        return Err(CliError::new(format!(
            "{} is a backup of {} `{}`, not of a {kind}",
            shown_path(&backup.path),
            backup.metadata.target_type,
            backup.metadata.target_id
        ))
        .hint(format!(
            "restore it with `descope-mgmt {} restore`",
            backup.metadata.target_type
        )));
    }
    match &backup.metadata.project_id {
        None => ctx.out.warn(&format!(
            "{} records no project; restoring into the current project {project_id}",
            shown_path(&backup.path)
        )),
        Some(p) if p != project_id && !args.force_project => {
            return Err(CliError::new(format!(
                "{} was taken in project {p}, not in the current project {project_id}",
                shown_path(&backup.path)
            ))
            .hint("pass --force-project to restore it here anyway"));
        }
        Some(_) => {}
    }
    Ok(backup)
}
