//! `backup list`: the backups of this project (or of all), oldest first.

use clap::Args;
use descope_store::{BackupListing, TargetType};
use serde_json::json;

use crate::backups::project_id;
use crate::ctx::Ctx;
use crate::error::{CliResult, Exit};
use crate::output::{Table, shown_path};

/// `backup list`.
#[derive(Debug, Args)]
pub struct BackupListArgs {
    /// Only backups of this tenant
    #[arg(long, value_name = "ID")]
    pub tenant: Option<String>,
    /// Only backups of this flow
    #[arg(long, value_name = "ID", conflicts_with = "tenant")]
    pub flow: Option<String>,
    /// Only backups of this project role (TENANT/NAME: of that tenant's role)
    #[arg(long, value_name = "NAME", conflicts_with_all = ["tenant", "flow"])]
    pub role: Option<String>,
    /// Only backups of this permission
    #[arg(long, value_name = "NAME", conflicts_with_all = ["tenant", "flow", "role"])]
    pub permission: Option<String>,
    /// Only backups of this tenant's session settings
    #[arg(long, value_name = "TENANT", conflicts_with_all = ["tenant", "flow", "role", "permission"])]
    pub settings: Option<String>,
    /// Backups of every project in the data dir
    #[arg(long)]
    pub all_projects: bool,
}

/// `backup list`. Offline: needs only the project id.
pub fn run(ctx: &Ctx, args: &BackupListArgs) -> CliResult {
    let data = ctx.data_dir()?;
    let (tenant, flow, all_projects) = (&args.tenant, &args.flow, args.all_projects);
    let listing: BackupListing = if all_projects {
        descope_store::list_all_projects(&data)?
    } else {
        data.backups(&project_id(ctx)?).list()?
    };
    let filter: Option<(TargetType, &str)> = [
        (TargetType::Tenant, tenant),
        (TargetType::Flow, flow),
        (TargetType::Role, &args.role),
        (TargetType::Permission, &args.permission),
        (TargetType::Settings, &args.settings),
    ]
    .into_iter()
    .find_map(|(kind, id)| id.as_deref().map(|id| (kind, id)));
    let entries: Vec<_> = listing
        .entries
        .iter()
        .filter(|b| {
            filter.is_none_or(|(k, id)| b.metadata.target_type == k && b.metadata.target_id == id)
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
    })?;
    Ok(Exit::Success)
}
