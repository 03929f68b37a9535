//! `tenant list`: every tenant, sorted by id, optionally filtered.

use clap::Args;

use crate::ctx::Ctx;
use crate::error::{CliResult, Exit};
use crate::output::Table;

/// `tenant list`.
#[derive(Debug, Args)]
pub struct TenantListArgs {
    /// Only tenants whose name contains this text (case-insensitive)
    #[arg(long, value_name = "S")]
    pub name_contains: Option<String>,
    /// Only tenants with this self-provisioning domain
    #[arg(long, value_name = "D")]
    pub domain: Option<String>,
}

/// `tenant list`: filtered by domain on the service, by name here.
pub async fn run(ctx: &Ctx, args: &TenantListArgs) -> CliResult {
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
    })?;
    Ok(Exit::Success)
}
