//! `tenant list | get | create | update | delete | restore`.

use std::collections::BTreeMap;

use descope_api::{ApiError, Client, Tenant, TenantRequest, TenantSettings};
use descope_store::{Backup, TargetType};
use serde_json::{Value, json};

use super::{parse_attr, show_value};
use crate::args::{
    RestoreArgs, TenantCreateArgs, TenantDeleteArgs, TenantListArgs, TenantUpdateArgs,
};
use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::output::{Table, shown, shown_path};
use crate::restore_lookup::find_backup;
use crate::shell::shell_quote;
use crate::write::Writer;

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

/// `tenant list`.
pub async fn list(ctx: &Ctx, args: &TenantListArgs) -> CliResult {
    let client = ctx.client().await?;
    let mut tenants = match &args.domain {
        Some(d) => {
            let q = descope_api::TenantSearch {
                tenant_self_provisioning_domains: vec![d.clone()],
                ..Default::default()
            };
            client.search_tenants(&q).await
        }
        None => client.load_all_tenants().await,
    }
    .map_err(|e| ctx.api_error(&e))?;
    if let Some(s) = &args.name_contains {
        let s = s.to_lowercase();
        tenants.retain(|t| t.name.to_lowercase().contains(&s));
    }
    tenants.sort_by(|a, b| a.id.cmp(&b.id));
    ctx.out.emit(&tenants, || {
        let mut t = Table::new(vec!["ID", "NAME", "DOMAINS", "PARENT", "DISABLED"]);
        for x in &tenants {
            t.rows.push(vec![
                x.id.clone(),
                x.name.clone(),
                x.self_provisioning_domains.join(","),
                x.parent.clone(),
                x.disabled.to_string(),
            ]);
        }
        t
    });
    Ok(Exit::Success)
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
    CliError::new(format!("tenant `{id}` not found in project {project}"))
        .hint("list the tenants with `descope-mgmt tenant list`")
}

async fn settings_of(ctx: &Ctx, client: &Client, id: &str) -> Result<TenantSettings, CliError> {
    client
        .tenant_settings(id)
        .await
        .map_err(|e| ctx.api_error(&e))
}

/// `tenant get`.
pub async fn get(ctx: &Ctx, id: &str) -> CliResult {
    let client = ctx.client().await?;
    let tenant = load(ctx, client, id).await?;
    let settings = settings_of(ctx, client, id).await?;
    let value = json!({ "tenant": tenant, "settings": settings });
    ctx.out.emit(&value, || {
        let mut t = Table::new(vec!["FIELD", "VALUE"]);
        let mut push = |k: &str, v: String| t.rows.push(vec![k.to_owned(), v]);
        push("id", tenant.id.clone());
        push("name", tenant.name.clone());
        push("domains", tenant.self_provisioning_domains.join(","));
        push(
            "customAttributes",
            show_value(&json!(tenant.custom_attributes)),
        );
        push("enforceSSO", tenant.enforce_sso.to_string());
        push("disabled", tenant.disabled.to_string());
        push("parent", tenant.parent.clone());
        push("defaultRoles", tenant.default_roles.join(","));
        push("authType", tenant.auth_type.clone());
        for (k, v) in &settings {
            push(&format!("settings.{k}"), show_value(v));
        }
        t
    });
    Ok(Exit::Success)
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
fn check_fields(
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

/// `tenant create`.
pub async fn create(ctx: &Ctx, args: &TenantCreateArgs) -> CliResult {
    check_fields(
        args.id.as_deref(),
        Some(&args.name),
        &args.domains,
        args.parent.as_deref(),
    )?;
    let mut attrs = BTreeMap::new();
    for a in &args.attrs {
        let (k, v) = parse_attr(a)?;
        attrs.insert(k, v);
    }
    let req = TenantRequest {
        id: args.id.clone().unwrap_or_default(),
        name: args.name.clone(),
        self_provisioning_domains: args.domains.clone(),
        custom_attributes: attrs.into(),
        disabled: args.disabled,
        parent: args.parent.clone().unwrap_or_default(),
        ..TenantRequest::default()
    };
    let client = ctx.client().await?;
    let writer = Writer::begin(ctx).await?;
    let target = if req.id.is_empty() {
        "(generated)"
    } else {
        req.id.as_str()
    };
    let id = writer
        .audited_as(
            "create",
            TargetType::Tenant,
            target,
            None,
            client.create_tenant(&req),
            |id: &String| Some(id.clone()),
        )
        .await?
        .map_err(|e| ctx.api_error(&e))?;
    ctx.out
        .status(&format!("Created tenant {id} ({})", shown(&req.name)));
    ctx.out.emit(&json!({ "id": id }), || Table {
        headers: vec!["ID"],
        rows: vec![vec![id.clone()]],
    });
    Ok(Exit::Success)
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

fn print_changes(ctx: &Ctx, header: &str, changes: &[FieldDiff]) {
    let mut text = format!("{header}\n");
    for c in changes {
        text.push_str(&format!(
            "  ~ {}: {} → {}\n",
            c.field,
            show_value(&c.old),
            show_value(&c.new)
        ));
    }
    ctx.out.human_text(&text);
}

/// Applies the named changes of `tenant update` to a loaded tenant.
fn apply_update_args(t: &Tenant, args: &TenantUpdateArgs) -> Result<Tenant, CliError> {
    let mut n = t.clone();
    if let Some(name) = &args.name {
        n.name.clone_from(name);
    }
    if args.clear_domains {
        n.self_provisioning_domains.clear();
    } else if !args.domains.is_empty() {
        n.self_provisioning_domains.clone_from(&args.domains);
    }
    for a in &args.attrs {
        let (k, v) = parse_attr(a)?;
        n.custom_attributes.insert(k, v);
    }
    for k in &args.unset_attrs {
        n.custom_attributes.remove(k);
    }
    if let Some(b) = args.enforce_sso {
        n.enforce_sso = b;
    }
    if let Some(b) = args.disabled {
        n.disabled = b;
    }
    Ok(n)
}

/// `tenant update`: read-modify-write under the lock, backup first.
pub async fn update(ctx: &Ctx, args: &TenantUpdateArgs) -> CliResult {
    check_fields(None, args.name.as_deref(), &args.domains, None)?;
    for a in &args.attrs {
        parse_attr(a)?;
    }
    let client = ctx.client().await?;
    if args.dry_run {
        let live = load(ctx, client, &args.id).await?;
        let wanted = apply_update_args(&live, args)?;
        let changes = diff_tenants(&live, &wanted);
        return report_update(ctx, &args.id, &changes, None, false);
    }
    let writer = Writer::begin(ctx).await?;
    let live = load(ctx, client, &args.id).await?;
    let wanted = apply_update_args(&live, args)?;
    let changes = diff_tenants(&live, &wanted);
    if changes.is_empty() {
        return report_update(ctx, &args.id, &changes, None, false);
    }
    let settings = settings_of(ctx, client, &args.id).await?;
    let backup = writer.backup(
        "update",
        TargetType::Tenant,
        &args.id,
        &json!(live),
        Some(&Value::Object(settings)),
    )?;
    let req = TenantRequest::from_tenant(&wanted);
    writer
        .audited(
            "update",
            TargetType::Tenant,
            &args.id,
            Some(&backup),
            client.update_tenant(&req),
        )
        .await?
        .map_err(|e| ctx.api_error(&e))?;
    report_update(ctx, &args.id, &changes, Some(&backup), true)
}

fn report_update(
    ctx: &Ctx,
    id: &str,
    changes: &[FieldDiff],
    backup: Option<&std::path::Path>,
    applied: bool,
) -> CliResult {
    if matches!(ctx.out.format, crate::output::Format::Table) {
        if changes.is_empty() {
            ctx.out.status(&format!("tenant {id}: nothing to change"));
        } else {
            let verb = if applied {
                "Updated"
            } else {
                "Would update (dry run)"
            };
            print_changes(ctx, &format!("{verb} tenant {id}:"), changes);
        }
    } else {
        ctx.out.emit(
            &json!({"id": id, "applied": applied, "changes": changes, "backup": backup}),
            Table::default,
        );
    }
    if let Some(b) = backup {
        ctx.out.status(&format!("Backup: {}", shown_path(b)));
        ctx.out.status(&format!(
            "Undo:   descope-mgmt tenant restore {}",
            shell_quote(&b.display().to_string())
        ));
    }
    Ok(Exit::Success)
}

/// `tenant delete`: backup (with settings) first, confirm, delete, print the undo command.
pub async fn delete(ctx: &Ctx, args: &TenantDeleteArgs) -> CliResult {
    let client = ctx.client().await?;
    let live = load(ctx, client, &args.id).await?;
    let cascade = if args.cascade {
        " and the users and access keys only it has (--cascade)"
    } else {
        ""
    };
    if args.dry_run {
        let text = format!(
            "Would delete tenant {} ({}){cascade} (dry run)\n",
            live.id,
            shown(&live.name)
        );
        match ctx.out.format {
            crate::output::Format::Table => ctx.out.human_text(&text)?,
            _ => ctx.out.emit(
                &json!({"id": live.id, "name": live.name, "action": "delete", "cascade": args.cascade, "applied": false}),
                Table::default,
            )?,
        }
        return Ok(Exit::Success);
    }
    crate::prompts::confirm(
        ctx,
        &format!(
            "Delete tenant {} ({}){cascade}?",
            live.id,
            shown(&live.name)
        ),
    )?;
    let writer = Writer::begin(ctx).await?;
    let live = load(ctx, client, &args.id).await?;
    let settings = settings_of(ctx, client, &args.id).await?;
    let backup = writer.backup(
        "delete",
        TargetType::Tenant,
        &args.id,
        &json!(live),
        Some(&Value::Object(settings)),
    )?;
    writer
        .audited(
            "delete",
            TargetType::Tenant,
            &args.id,
            Some(&backup),
            client.delete_tenant(&args.id, args.cascade),
        )
        .await?
        .map_err(|e| ctx.api_error(&e))?;
    ctx.out.emit(
        &json!({"id": args.id, "deleted": true, "backup": backup}),
        || Table {
            headers: vec!["DELETED", "BACKUP"],
            rows: vec![vec![args.id.clone(), backup.display().to_string()]],
        },
    );
    ctx.out.status(&format!(
        "Deleted tenant {} ({}). Backup: {}",
        live.id,
        shown(&live.name),
        shown_path(&backup)
    ));
    ctx.out.status(&format!(
        "Undo: descope-mgmt tenant restore {}",
        shell_quote(&backup.display().to_string())
    ));
    Ok(Exit::Success)
}

/// The tenant a backup recorded. Seed-format backups name self-provisioning domains `domains`.
fn backup_tenant(backup: &Backup) -> Result<Tenant, CliError> {
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
fn wanted_tenant(backup: &Backup, recorded: &Tenant, live: Option<&Tenant>) -> Tenant {
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
const READ_ONLY_SETTINGS: &[&str] = &["tenantId", "domains", "authType"];

fn settings_diff(live: Option<&TenantSettings>, wanted: &TenantSettings) -> Vec<FieldDiff> {
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

/// `tenant restore`: plan, back up the present state, apply.
pub async fn restore(ctx: &Ctx, args: &RestoreArgs) -> CliResult {
    let client = ctx.client().await?;
    let project_id = ctx.settings().await?.project_id.clone();
    let backup = find_backup(ctx, &project_id, args, TargetType::Tenant)?;
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
            args.dry_run,
        ));
    }
    if let Some(e) =
        missing_parent(ctx, client, &backup, &recorded, live.as_ref(), args.dry_run).await?
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
    if matches!(ctx.out.format, crate::output::Format::Table) {
        print_changes(
            ctx,
            &format!("{header}{}", if args.dry_run { " (dry run)" } else { "" }),
            &all,
        );
    }
    if args.dry_run {
        if !matches!(ctx.out.format, crate::output::Format::Table) {
            ctx.out.emit(&json!({"id": id, "action": if live.is_some() {"update"} else {"create"}, "changes": all, "applied": false}), Table::default);
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
            let mut body = ws.clone();
            for k in READ_ONLY_SETTINGS {
                body.remove(*k);
            }
            body.retain(|_, v| !v.is_null());
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
        ctx.out.emit(&json!({"id": id, "action": if live.is_some() {"update"} else {"create"}, "changes": all, "applied": true, "backup": pre}), Table::default);
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
