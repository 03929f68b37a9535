//! Restoring a tenant (`tenant restore`, `restore`): put it back as a backup recorded it
//! (fields, default roles, settings).

use descope_api::{ApiError, Client, Tenant, TenantRequest, TenantSettings};
use descope_store::{Backup, TargetType};
use serde_json::{Value, json};

use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::output::{Table, shown, shown_path};
use crate::shell::shell_quote;
use crate::tenants::{
    FieldDiff, backup_tenant, diff_tenants, load_opt, print_changes, settings_diff, settings_of,
    settings_write_body, wanted_tenant,
};
use crate::write::Writer;

/// Another tenant that holds `name` now, when the restore of `id` would give it that name (names
/// are unique per project, so the restore would be refused with E112204).
async fn name_holder(
    ctx: &Ctx,
    client: &Client,
    id: &str,
    name: &str,
    live: Option<&Tenant>,
) -> Result<Option<Tenant>, CliError> {
    if live.is_some_and(|l| l.name == name) {
        return Ok(None);
    }
    let q = descope_api::TenantSearch {
        tenant_names: vec![name.to_owned()],
        ..Default::default()
    };
    let found = client
        .search_tenants(&q)
        .await
        .map_err(|e| ctx.api_error(&e))?;
    Ok(found.into_iter().find(|t| t.id != id && t.name == name))
}

/// The error for a restore whose name another tenant now holds: what is in the way and what to do.
fn name_conflict(
    backup: &Backup,
    id: &str,
    holder: &Tenant,
    exists: bool,
    dry_run: bool,
) -> CliError {
    let what = if exists {
        format!("rename tenant {id} back to `{}`", holder.name)
    } else {
        format!("create tenant {id} again as `{}`", holder.name)
    };
    let run = if dry_run { " (dry run)" } else { "" };
    CliError::new(format!(
        "the restore{run} from {} cannot {what}: tenant {} now holds that name, and tenant names are unique in a project; nothing was changed",
        shown_path(&backup.path),
        holder.id
    ))
    .hint(format!(
        "rename tenant {} (`descope-mgmt tenant update {} --name NEW-NAME`) or delete it (`descope-mgmt tenant delete {}`), then run the restore again",
        holder.id,
        shell_quote(&holder.id),
        shell_quote(&holder.id)
    ))
}

/// The error for a restore that would create `recorded` again under a parent that no longer
/// exists (the service would refuse it with E112202), or `None` when the parent is there.
async fn missing_parent(
    ctx: &Ctx,
    client: &Client,
    backup: &Backup,
    recorded: &Tenant,
    live: Option<&Tenant>,
    dry_run: bool,
) -> Result<Option<CliError>, CliError> {
    if live.is_some() || recorded.parent.is_empty() {
        return Ok(None);
    }
    if load_opt(ctx, client, &recorded.parent).await?.is_some() {
        return Ok(None);
    }
    let run = if dry_run { " (dry run)" } else { "" };
    Ok(Some(
        CliError::new(format!(
            "the restore{run} from {} cannot create tenant {} again: its parent tenant {} no longer exists; nothing was changed",
            backup.path.display(),
            recorded.id,
            recorded.parent
        ))
        .hint(format!(
            "restore the parent first (`descope-mgmt tenant restore --latest {}`), then restore tenant {} again",
            shell_quote(&recorded.parent),
            recorded.id
        )),
    ))
}

/// Restores the tenant of `backup` (a tenant backup): plan, back up the present state, apply;
/// with `dry_run`, only the plan.
pub async fn restore(ctx: &Ctx, backup: Backup, dry_run: bool) -> CliResult {
    let client = ctx.client().await?;
    let recorded = backup_tenant(&backup)?;
    let wanted_settings: Option<TenantSettings> = backup
        .settings
        .as_ref()
        .and_then(|s| s.as_object().cloned());
    let id = recorded.id.clone();

    let plan_for = |live: Option<&Tenant>,
                    live_settings: Option<&TenantSettings>|
     -> (Vec<FieldDiff>, Vec<FieldDiff>) {
        let fields = match live {
            Some(l) => diff_tenants(l, &wanted_tenant(&backup, &recorded, Some(l))),
            None => Vec::new(),
        };
        let settings = wanted_settings
            .as_ref()
            .map(|w| settings_diff(live_settings, w))
            .unwrap_or_default();
        (fields, settings)
    };

    let live = load_opt(ctx, client, &id).await?;
    let live_settings = match &live {
        Some(_) => Some(settings_of(ctx, client, &id).await?),
        None => None,
    };
    let (fields, settings) = plan_for(live.as_ref(), live_settings.as_ref());
    let wanted = wanted_tenant(&backup, &recorded, live.as_ref());
    let header = match &live {
        None => format!(
            "Restore tenant {id} from {}: create it again ({})",
            shown_path(&backup.path),
            shown(&wanted.name)
        ),
        Some(_) if fields.is_empty() && settings.is_empty() => {
            ctx.out.status(&format!(
                "tenant {id} already matches {}; nothing to restore",
                shown_path(&backup.path)
            ));
            return Ok(Exit::Success);
        }
        Some(_) => format!(
            "Restore tenant {id} from {}: update it back",
            shown_path(&backup.path)
        ),
    };
    if let Some(holder) = name_holder(ctx, client, &id, &wanted.name, live.as_ref()).await? {
        return Err(name_conflict(
            &backup,
            &id,
            &holder,
            live.is_some(),
            dry_run,
        ));
    }
    if let Some(e) = missing_parent(ctx, client, &backup, &recorded, live.as_ref(), dry_run).await?
    {
        return Err(e);
    }
    let all: Vec<FieldDiff> = fields.iter().chain(settings.iter()).cloned().collect();
    if let Some(l) = &live
        && !recorded.parent.is_empty()
        && l.parent != recorded.parent
    {
        {
            ctx.out.warn(&format!(
                "tenant {id} has parent `{}` but the backup says `{}`; a parent is set at creation only, so it stays",
                l.parent, recorded.parent
            ));
        }
    }
    if dry_run && matches!(ctx.out.format, crate::output::Format::Markdown) {
        ctx.out.markdown(&super::restore_markdown(
            "tenant",
            &id,
            live.is_some(),
            &all,
            &backup.path,
        ))?;
        return Ok(Exit::Success);
    }
    if matches!(ctx.out.format, crate::output::Format::Table) {
        print_changes(
            ctx,
            &format!("{header}{}", if dry_run { " (dry run)" } else { "" }),
            &all,
        );
    }
    if dry_run {
        if !matches!(ctx.out.format, crate::output::Format::Table) {
            ctx.out.emit(&json!({"id": id, "action": if live.is_some() {"update"} else {"create"}, "changes": all, "applied": false}), Table::default)?;
        }
        return Ok(Exit::Success);
    }

    let writer = Writer::begin(ctx).await?;
    // Re-read under the lock: what we back up must be what we replace.
    let live = load_opt(ctx, client, &id).await?;
    let live_settings = match &live {
        Some(_) => Some(settings_of(ctx, client, &id).await?),
        None => None,
    };
    let wanted = wanted_tenant(&backup, &recorded, live.as_ref());
    if let Some(holder) = name_holder(ctx, client, &id, &wanted.name, live.as_ref()).await? {
        return Err(name_conflict(&backup, &id, &holder, live.is_some(), false));
    }
    if let Some(e) = missing_parent(ctx, client, &backup, &recorded, live.as_ref(), false).await? {
        return Err(e);
    }
    let pre = match &live {
        Some(l) => Some(writer.backup(
            "restore",
            TargetType::Tenant,
            &id,
            &json!(l),
            live_settings.clone().map(Value::Object).as_ref(),
        )?),
        None => None,
    };
    let fail = |e: ApiError| {
        let err = ctx.api_error(&e);
        if e.code() == Some("E112204") {
            // Taken between our check and the write.
            err.hint(format!(
                "another tenant took the name `{}` meanwhile: find it with `descope-mgmt tenant list --name-contains {}`, rename or delete it, then run the restore again",
                wanted.name,
                shell_quote(&wanted.name)
            ))
        } else {
            err
        }
    };
    let mut req = TenantRequest::from_tenant(&wanted);
    if let Some(l) = &live {
        req.parent.clone_from(&l.parent);
        writer
            .audited(
                "update",
                TargetType::Tenant,
                &id,
                pre.as_deref(),
                client.update_tenant(&req),
            )
            .await?
            .map_err(fail)?;
    } else {
        writer
            .audited(
                "create",
                TargetType::Tenant,
                &id,
                None,
                client.create_tenant(&req),
            )
            .await?
            .map_err(fail)?;
    }
    let live_roles = live
        .as_ref()
        .map(|l| l.default_roles.clone())
        .unwrap_or_default();
    if wanted.default_roles != live_roles {
        writer
            .audited(
                "default-roles",
                TargetType::Tenant,
                &id,
                pre.as_deref(),
                client.set_default_roles(&id, &wanted.default_roles),
            )
            .await?
            .map_err(fail)?;
    }
    if let Some(ws) = &wanted_settings {
        let changed = settings_diff(live_settings.as_ref(), ws);
        if !changed.is_empty() || live.is_none() {
            let body = settings_write_body(ws);
            writer
                .audited(
                    "settings",
                    TargetType::Tenant,
                    &id,
                    pre.as_deref(),
                    client.set_tenant_settings(&id, &body),
                )
                .await?
                .map_err(fail)?;
        }
    }
    if !matches!(ctx.out.format, crate::output::Format::Table) {
        let _ = ctx.out.emit(&json!({"id": id, "action": if live.is_some() {"update"} else {"create"}, "changes": all, "applied": true, "backup": pre}), Table::default);
    }
    ctx.out.status(&format!(
        "Restored tenant {id} from {}",
        shown_path(&backup.path)
    ));
    match &pre {
        Some(p) => {
            ctx.out.status(&format!(
                "The state before the restore is in {}",
                shown_path(p)
            ));
            ctx.out.status(&format!(
                "Undo:   descope-mgmt tenant restore {}",
                shell_quote(&p.display().to_string())
            ));
        }
        None => ctx
            .out
            .status(&format!("Undo:   descope-mgmt tenant delete {id}")),
    }
    Ok(Exit::Success)
}
