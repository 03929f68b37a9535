//! Restoring a role: update the live role back to the backup (by the name it has now, so a
//! rename is undone too), or create it again when it is gone. Checked before any write: its
//! tenant exists, no other role of its scope holds its name, and every permission it grants
//! exists.

use std::collections::BTreeSet;

use descope_api::{NameOrId, Role, RoleRequest, RoleUpdate};
use descope_store::{Backup, TargetType};
use serde_json::json;

use super::{Planned, decode_named, report, the_restore};
use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::roles::{diff_roles, find_live, permissions, role_target, roles_in};
use crate::shell::shell_quote;
use crate::tenants::load_opt;

/// Reads what the restore would change, refusing (before any write) what the service would
/// refuse or what would lose data: a tenant that is gone, a name another role now holds,
/// permissions that no longer exist. Returns the plan and the live role.
async fn plan(
    ctx: &Ctx,
    backup: &Backup,
    recorded: &Role,
    dry_run: bool,
) -> Result<(Planned, Option<Role>), CliError> {
    let client = ctx.client().await?;
    let id = role_target(recorded);
    let what = format!("role `{id}`");
    let restore = the_restore(backup, dry_run);
    if let Some(t) = recorded.tenant()
        && load_opt(ctx, client, t).await?.is_none()
    {
        return Err(CliError::new(format!(
            "{restore} cannot put back {what}: its tenant {t} no longer exists; nothing was changed"
        ))
        .hint(format!(
            "restore the tenant first (`descope-mgmt restore --latest tenant:{}`), then run the restore again",
            shell_quote(t)
        )));
    }
    let scope = roles_in(ctx, client, recorded.tenant()).await?;
    let live = find_live(
        &scope,
        recorded.id.as_deref(),
        &recorded.name,
        |r| r.id.as_deref(),
        |r| &r.name,
    )
    .cloned();
    if let Some(l) = &live
        && l.name != recorded.name
        && let Some(holder) = scope.iter().find(|r| r.name == recorded.name)
    {
        return Err(CliError::new(format!(
            "{restore} cannot rename role `{}` back to `{}`: another role of the same scope now holds that name, and role names are unique in a scope; nothing was changed",
            role_target(l),
            holder.name
        ))
        .hint("rename or delete that role (in the project file, then `descope-mgmt sync`), then run the restore again"));
    }
    let existing: BTreeSet<String> = permissions(ctx, client)
        .await?
        .into_iter()
        .map(|p| p.name)
        .collect();
    let missing: Vec<&str> = recorded
        .permission_names
        .iter()
        .filter(|p| !existing.contains(*p))
        .map(String::as_str)
        .collect();
    if let Some(first) = missing.first() {
        return Err(CliError::new(format!(
            "{restore} cannot put back {what}: it grants permissions that no longer exist: {}; nothing was changed",
            missing.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
        ))
        .hint(format!(
            "restore each of them first (e.g. `descope-mgmt restore --latest {}`) or create them, then run the restore again",
            shell_quote(&format!("permission:{first}"))
        )));
    }
    let changes = live
        .as_ref()
        .map(|l| diff_roles(l, recorded))
        .unwrap_or_default();
    Ok((
        Planned {
            kind: "role",
            id,
            what,
            exists: live.is_some(),
            changes,
        },
        live,
    ))
}

/// Restores the role of `backup` (a role backup): back up the live role, then update it back
/// or create it again; with `dry_run`, only the plan.
pub async fn restore(ctx: &Ctx, backup: Backup, dry_run: bool) -> CliResult {
    let recorded: Role = decode_named(&backup, "role", |x: &Role| &x.name)?;
    let Some((writer, planned, live)) = super::begin(ctx, &backup, dry_run, async |dry| {
        plan(ctx, &backup, &recorded, dry).await
    })
    .await?
    else {
        return Ok(Exit::Success);
    };
    let client = ctx.client().await?;
    let pre = match &live {
        Some(l) => Some(writer.backup(
            "restore",
            TargetType::Role,
            &role_target(l),
            &json!(l),
            None,
        )?),
        None => None,
    };
    match &live {
        Some(l) => {
            let update = RoleUpdate {
                target: NameOrId::Name(l.name.clone()),
                ..RoleUpdate::from_role(&recorded)
            };
            writer
                .audited(
                    "update",
                    TargetType::Role,
                    &planned.id,
                    pre.as_deref(),
                    client.update_role(&update),
                )
                .await?
                .map_err(|e| ctx.api_error(&e))?;
        }
        None => {
            writer
                .audited(
                    "create",
                    TargetType::Role,
                    &planned.id,
                    None,
                    client.create_role(&RoleRequest::from_role(&recorded)),
                )
                .await?
                .map_err(|e| ctx.api_error(&e))?;
        }
    }
    report(ctx, &backup, &planned, pre.as_deref());
    Ok(Exit::Success)
}
