//! Tenants as the tenant commands see them: loading one (with a not-found error that names it),
//! the field rules for flags, the tenants.yaml-level diff, and what a backup recorded.

use descope_api::{Client, Tenant, TenantSettings};
use descope_store::Backup;
use serde_json::{Value, json};

use crate::ctx::Ctx;
use crate::error::CliError;
use crate::output::{shown, shown_path};
use crate::values::show_value;

/// One changed field, old → new (the names are tenants.yaml keys).
#[derive(Debug, Clone, serde::Serialize)]
pub struct FieldDiff {
    /// Field name.
    pub field: String,
    /// Value before.
    pub old: Value,
    /// Value after.
    pub new: Value,
}

/// Loads one tenant, turning "not found" into an error that names it.
pub async fn load(ctx: &Ctx, client: &Client, id: &str) -> Result<Tenant, CliError> {
    match client.load_tenant(id).await {
        Ok(t) => Ok(t),
        Err(e) if e.is_not_found() => Err(not_found(ctx, id).await),
        Err(e) => Err(ctx.api_error(&e)),
    }
}

/// Loads a tenant if it exists.
pub async fn load_opt(ctx: &Ctx, client: &Client, id: &str) -> Result<Option<Tenant>, CliError> {
    match client.load_tenant(id).await {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(ctx.api_error(&e)),
    }
}

async fn not_found(ctx: &Ctx, id: &str) -> CliError {
    let project = ctx
        .settings()
        .await
        .map(|s| s.project_id.clone())
        .unwrap_or_default();
    CliError::not_found(format!("tenant `{id}` not found in project {project}"))
        .hint("list the tenants with `descope-mgmt tenant list`")
}

/// The settings of a tenant that exists.
pub async fn settings_of(ctx: &Ctx, client: &Client, id: &str) -> Result<TenantSettings, CliError> {
    client
        .tenant_settings(id)
        .await
        .map_err(|e| ctx.api_error(&e))
}

/// Checks a tenant id against the service's pattern `[A-Za-z0-9_-]{1,30}`.
pub fn check_id(id: &str) -> Result<(), CliError> {
    descope_spec::rules::check_id(id).map_err(|p| field_error("", &p))
}

/// A flag value refused by the tenant field rules (the ones `tenant sync` applies to
/// tenants.yaml): exit 64, nothing sent.
fn field_error(flag: &str, p: &descope_spec::rules::FieldProblem) -> CliError {
    // One line: the refused value is quoted in it as given (a newline in it is escaped).
    let message = if flag.is_empty() {
        shown(&p.message).into_owned()
    } else {
        format!("{flag}: {}", shown(&p.message))
    };
    CliError::usage(message).hint(format!("{}; nothing was sent to the service", p.help))
}

/// The tenant field rules for the flags of `tenant create` / `tenant update`.
pub fn check_fields(
    id: Option<&str>,
    name: Option<&str>,
    domains: &[String],
    parent: Option<&str>,
) -> Result<(), CliError> {
    use descope_spec::rules;
    if let Some(id) = id {
        check_id(id)?;
    }
    if let Some(name) = name {
        rules::check_name(name).map_err(|p| field_error("--name", &p))?;
    }
    rules::check_domains(domains).map_err(|p| field_error("--domain", &p))?;
    if let Some(parent) = parent {
        rules::check_parent(parent, id).map_err(|p| field_error("--parent", &p))?;
    }
    Ok(())
}

/// The tenants.yaml-level fields that differ between two tenants.
#[must_use]
pub fn diff_tenants(old: &Tenant, new: &Tenant) -> Vec<FieldDiff> {
    let mut out = Vec::new();
    let mut cmp = |field: &str, a: Value, b: Value| {
        if a != b {
            out.push(FieldDiff {
                field: field.to_owned(),
                old: a,
                new: b,
            });
        }
    };
    cmp("name", json!(old.name), json!(new.name));
    cmp(
        "domains",
        json!(old.self_provisioning_domains),
        json!(new.self_provisioning_domains),
    );
    cmp(
        "customAttributes",
        json!(old.custom_attributes),
        json!(new.custom_attributes),
    );
    cmp("enforceSSO", json!(old.enforce_sso), json!(new.enforce_sso));
    cmp(
        "enforceSSOExclusions",
        json!(old.enforce_sso_exclusions),
        json!(new.enforce_sso_exclusions),
    );
    cmp("disabled", json!(old.disabled), json!(new.disabled));
    cmp(
        "roleInheritance",
        json!(old.role_inheritance),
        json!(new.role_inheritance),
    );
    cmp(
        "defaultRoles",
        json!(old.default_roles),
        json!(new.default_roles),
    );
    out
}

/// Writes a header and one `~ field: old → new` line per change, as human text on stdout.
pub fn print_changes(ctx: &Ctx, header: &str, changes: &[FieldDiff]) {
    let mut text = format!("{header}\n");
    for c in changes {
        text.push_str(&format!(
            "  ~ {}: {} → {}\n",
            c.field,
            show_value(&c.old),
            show_value(&c.new)
        ));
    }
    let _ = ctx.out.human_text(&text);
}

/// The tenant a backup recorded. Seed-format backups name self-provisioning domains `domains`.
pub fn backup_tenant(backup: &Backup) -> Result<Tenant, CliError> {
    let mut tenant: Tenant = serde_json::from_value(backup.object.clone()).map_err(|e| {
        CliError::new(format!(
            "{}: the tenant in this backup is not a tenant object: {e}",
            shown_path(&backup.path)
        ))
    })?;
    if backup.format_version.is_none()
        && backup.object.get("selfProvisioningDomains").is_none()
        && !tenant.domains.is_empty()
    {
        tenant.self_provisioning_domains = std::mem::take(&mut tenant.domains);
    }
    // The recorded tenant must be the one the backup says it is: a backup without the id, or
    // with another tenant's, is damaged or foreign.
    let target = &backup.metadata.target_id;
    if tenant.id.is_empty() || (!target.is_empty() && &tenant.id != target) {
        return Err(CliError::new(format!(
            "{}: the tenant recorded in this backup ({}) is not its target `{target}`; the file is damaged or not a backup of this tenant",
            shown_path(&backup.path),
            if tenant.id.is_empty() { "no id".to_owned() } else { format!("`{}`", tenant.id) }
        ))
        .hint("nothing was changed; pick another backup with `descope-mgmt backup list`"));
    }
    if tenant.name.is_empty() {
        return Err(CliError::new(format!(
            "{}: the tenant in this backup has no id or no name",
            shown_path(&backup.path)
        )));
    }
    Ok(tenant)
}

/// What a restore puts back: the fields the backup recorded; a field it did not record (a
/// minimal seed-format backup) keeps its live value. Parent, SSO domains, successors and the
/// creation time are the service's.
pub fn wanted_tenant(backup: &Backup, recorded: &Tenant, live: Option<&Tenant>) -> Tenant {
    let Some(live) = live else {
        return recorded.clone();
    };
    let (Ok(Value::Object(mut merged)), Ok(Value::Object(rec))) =
        (serde_json::to_value(live), serde_json::to_value(recorded))
    else {
        return recorded.clone();
    };
    let seed_domains = backup.format_version.is_none()
        && backup.object.get("selfProvisioningDomains").is_none()
        && backup.object.get("domains").is_some();
    for (k, v) in rec {
        let present = backup.object.get(&k).is_some()
            || (k == "selfProvisioningDomains" && seed_domains)
            || k == "id";
        let service_owned = matches!(
            k.as_str(),
            "parent" | "domains" | "successors" | "createdTime"
        );
        if present && !service_owned {
            merged.insert(k, v);
        }
    }
    serde_json::from_value(Value::Object(merged)).unwrap_or_else(|_| recorded.clone())
}

/// Settings keys the service derives or that a settings write does not take.
pub const READ_ONLY_SETTINGS: &[&str] = &["tenantId", "domains", "authType"];

/// The body of a settings write that puts back `wanted`: without the keys a write does not take
/// ([`READ_ONLY_SETTINGS`]) and without nulls (the backup did not record them).
#[must_use]
pub fn settings_write_body(wanted: &TenantSettings) -> TenantSettings {
    let mut body = wanted.clone();
    for k in READ_ONLY_SETTINGS {
        body.remove(*k);
    }
    body.retain(|_, v| !v.is_null());
    body
}

/// The settings a restore would change: each recorded, writable, non-null key whose live value
/// differs.
#[must_use]
pub fn settings_diff(live: Option<&TenantSettings>, wanted: &TenantSettings) -> Vec<FieldDiff> {
    let mut out = Vec::new();
    for (k, v) in wanted {
        if READ_ONLY_SETTINGS.contains(&k.as_str()) || v.is_null() {
            continue;
        }
        let old = live.and_then(|l| l.get(k)).cloned().unwrap_or(Value::Null);
        if &old != v {
            out.push(FieldDiff {
                field: format!("settings.{k}"),
                old,
                new: v.clone(),
            });
        }
    }
    out
}
