//! `tenant update`: change named fields of a tenant, read-modify-write under the lock.

use clap::Args;
use descope_api::{Tenant, TenantRequest};
use descope_store::TargetType;
use serde_json::{Value, json};

use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::output::{Table, shown_path};
use crate::shell::shell_quote;
use crate::tenants::{FieldDiff, check_fields, diff_tenants, load, print_changes, settings_of};
use crate::values::parse_attr;
use crate::write::Writer;

/// `tenant update`.
#[derive(Debug, Args)]
pub struct TenantUpdateArgs {
    /// Tenant id
    pub id: String,
    /// New name
    #[arg(long)]
    pub name: Option<String>,
    /// Replace the self-provisioning domains (repeatable)
    #[arg(long = "domain", value_name = "D")]
    pub domains: Vec<String>,
    /// Remove every self-provisioning domain
    #[arg(long, conflicts_with = "domains")]
    pub clear_domains: bool,
    /// Set custom attribute KEY=VALUE (repeatable; other attributes are kept)
    #[arg(long = "attr", value_name = "KEY=VALUE")]
    pub attrs: Vec<String>,
    /// Remove custom attribute KEY (repeatable)
    #[arg(long = "unset-attr", value_name = "KEY")]
    pub unset_attrs: Vec<String>,
    /// Enforce SSO login
    #[arg(long, value_name = "BOOL", action = clap::ArgAction::Set)]
    pub enforce_sso: Option<bool>,
    /// Disable or enable the tenant
    #[arg(long, value_name = "BOOL", action = clap::ArgAction::Set)]
    pub disabled: Option<bool>,
    /// Show what would change; write nothing
    #[arg(long)]
    pub dry_run: bool,
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
pub async fn run(ctx: &Ctx, args: &TenantUpdateArgs) -> CliResult {
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
        let _ = ctx.out.emit(
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
