//! Restoring a tenant's session settings: back up the live settings, then write the backed-up
//! session fields. The tenant-level fields the settings carry (`selfProvisioningDomains`,
//! `domains`, `authType`, and the SSO enforcement fields when the service sends them) keep their
//! live values: restoring settings never moves a tenant's domains.

use descope_api::TenantSettings;
use descope_store::{Backup, TargetType};
use serde_json::Value;

use super::{Planned, decode, report, the_restore};
use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::shell::shell_quote;
use crate::tenants::{settings_diff, settings_write_body};

/// Settings keys that belong to the tenant rather than to its sessions: a settings restore
/// keeps their live values.
pub const TENANT_LEVEL_SETTINGS: &[&str] = &[
    "selfProvisioningDomains",
    "domains",
    "authType",
    "enforceSSO",
    "enforceSSOExclusions",
    "federatedAppIds",
];

/// What the restore writes: the recorded settings with the tenant-level fields as they are live.
#[must_use]
pub fn wanted_settings(recorded: &TenantSettings, live: &TenantSettings) -> TenantSettings {
    let mut wanted = recorded.clone();
    for k in TENANT_LEVEL_SETTINGS {
        match live.get(*k) {
            Some(v) => {
                wanted.insert((*k).to_owned(), v.clone());
            }
            None => {
                wanted.remove(*k);
            }
        }
    }
    wanted
}

/// Reads the live settings and what the restore would change; a tenant that is gone is an
/// error (its settings come back with it: restore the tenant).
async fn plan(
    ctx: &Ctx,
    backup: &Backup,
    tenant: &str,
    recorded: &TenantSettings,
    dry_run: bool,
) -> Result<(Planned, TenantSettings), CliError> {
    let client = ctx.client().await?;
    let live = match client.tenant_settings(tenant).await {
        Ok(live) => live,
        Err(e) if e.is_not_found() => {
            return Err(CliError::not_found(format!(
                "{} cannot put back the settings of tenant {tenant}: the tenant no longer exists; nothing was changed",
                the_restore(backup, dry_run)
            ))
            .hint(format!(
                "restore the tenant first (`descope-mgmt restore --latest tenant:{}`), then run the restore again",
                shell_quote(tenant)
            )));
        }
        Err(e) => return Err(ctx.api_error(&e)),
    };
    let changes = settings_diff(Some(&live), &wanted_settings(recorded, &live));
    Ok((
        Planned {
            kind: "settings",
            id: tenant.to_owned(),
            what: format!("the settings of tenant {tenant}"),
            exists: true,
            changes,
        },
        live,
    ))
}

/// Restores the settings of `backup` (a settings backup of a tenant); with `dry_run`, only the
/// plan.
pub async fn restore(ctx: &Ctx, backup: Backup, dry_run: bool) -> CliResult {
    let recorded: TenantSettings = decode(&backup, "settings")?;
    let tenant = backup.metadata.target_id.clone();
    let Some((writer, planned, live)) = super::begin(ctx, &backup, dry_run, async |dry| {
        plan(ctx, &backup, &tenant, &recorded, dry).await
    })
    .await?
    else {
        return Ok(Exit::Success);
    };
    let client = ctx.client().await?;
    let pre = writer.backup(
        "restore",
        TargetType::Settings,
        &tenant,
        &Value::Object(live.clone()),
        None,
    )?;
    let body = settings_write_body(&wanted_settings(&recorded, &live));
    writer
        .audited(
            "settings",
            TargetType::Settings,
            &tenant,
            Some(&pre),
            client.set_tenant_settings(&tenant, &body),
        )
        .await?
        .map_err(|e| ctx.api_error(&e))?;
    report(ctx, &backup, &planned, Some(&pre));
    Ok(Exit::Success)
}
