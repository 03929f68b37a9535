//! `tenant get`: one tenant with its settings.

use clap::Args;
use serde_json::json;

use crate::ctx::Ctx;
use crate::error::{CliResult, Exit};
use crate::output::Table;
use crate::tenants::{load, settings_of};
use crate::values::show_value;

/// `tenant get`.
#[derive(Debug, Args)]
pub struct TenantGetArgs {
    /// Tenant id
    pub id: String,
}

/// `tenant get`: the tenant and its settings, as one object.
pub async fn run(ctx: &Ctx, args: &TenantGetArgs) -> CliResult {
    let id = args.id.as_str();
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
    })?;
    Ok(Exit::Success)
}
