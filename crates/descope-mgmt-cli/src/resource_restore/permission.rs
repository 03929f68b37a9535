//! Restoring a permission: update the live permission back to the backup (by the name it has
//! now, so a rename is undone too), or create it again when it is gone. A system permission
//! (`systemDefault: true`) belongs to the service and is never written.

use descope_api::{NameOrId, Permission, PermissionRequest, PermissionUpdate};
use descope_store::{Backup, TargetType};
use serde_json::json;

use super::{Planned, decode_named, report, the_restore};
use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::roles::{diff_permissions, find_live, permissions};

/// The error for a restore that would write a system permission.
fn system(backup: &Backup, name: &str, dry_run: bool) -> CliError {
    CliError::new(format!(
        "{} cannot write permission `{name}`: it is a system permission of the service (systemDefault), which descope-mgmt never changes; nothing was changed",
        the_restore(backup, dry_run)
    ))
    .hint("system permissions cannot be restored; restore a role or permission of your own instead")
}

/// Reads what the restore would change, refusing (before any write) a system permission and a
/// name another permission now holds. Returns the plan and the live permission.
async fn plan(
    ctx: &Ctx,
    backup: &Backup,
    recorded: &Permission,
    dry_run: bool,
) -> Result<(Planned, Option<Permission>), CliError> {
    let client = ctx.client().await?;
    let all = permissions(ctx, client).await?;
    let live = find_live(
        &all,
        recorded.id.as_deref(),
        &recorded.name,
        |p| p.id.as_deref(),
        |p| &p.name,
    )
    .cloned();
    if recorded.is_system() {
        return Err(system(backup, &recorded.name, dry_run));
    }
    if let Some(l) = &live
        && l.is_system()
    {
        return Err(system(backup, &l.name, dry_run));
    }
    if let Some(l) = &live
        && l.name != recorded.name
        && all.iter().any(|p| p.name == recorded.name)
    {
        return Err(CliError::new(format!(
            "{} cannot rename permission `{}` back to `{}`: another permission now holds that name, and permission names are unique in a project; nothing was changed",
            the_restore(backup, dry_run),
            l.name,
            recorded.name
        ))
        .hint("rename or delete that permission (in the project file, then `descope-mgmt sync`), then run the restore again"));
    }
    let changes = live
        .as_ref()
        .map(|l| diff_permissions(l, recorded))
        .unwrap_or_default();
    Ok((
        Planned {
            kind: "permission",
            id: recorded.name.clone(),
            what: format!("permission `{}`", recorded.name),
            exists: live.is_some(),
            changes,
        },
        live,
    ))
}

/// Restores the permission of `backup` (a permission backup): back up the live permission,
/// then update it back or create it again; with `dry_run`, only the plan.
pub async fn restore(ctx: &Ctx, backup: Backup, dry_run: bool) -> CliResult {
    let recorded: Permission = decode_named(&backup, "permission", |x: &Permission| &x.name)?;
    let Some((writer, planned, live)) = super::begin(ctx, &backup, dry_run, async |dry| {
        plan(ctx, &backup, &recorded, dry).await
    })
    .await?
    else {
        return Ok(Exit::Success);
    };
    let client = ctx.client().await?;
    let pre = match &live {
        Some(l) => {
            Some(writer.backup("restore", TargetType::Permission, &l.name, &json!(l), None)?)
        }
        None => None,
    };
    let write = async {
        match &live {
            Some(l) => {
                let update = PermissionUpdate {
                    target: NameOrId::Name(l.name.clone()),
                    ..PermissionUpdate::from_permission(&recorded)
                };
                client.update_permission(&update).await
            }
            None => {
                client
                    .create_permission(&PermissionRequest::from_permission(&recorded))
                    .await
            }
        }
    };
    let request = if live.is_some() { "update" } else { "create" };
    writer
        .audited(
            request,
            TargetType::Permission,
            &planned.id,
            pre.as_deref(),
            write,
        )
        .await?
        .map_err(|e| ctx.api_error(&e))?;
    report(ctx, &backup, &planned, pre.as_deref());
    Ok(Exit::Success)
}
