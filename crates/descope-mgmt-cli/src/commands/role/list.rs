//! `role list`: the project's roles, or with `--tenant` that tenant's roles, sorted by name.

use clap::Args;

use crate::ctx::Ctx;
use crate::error::{CliResult, Exit};
use crate::output::Table;
use crate::roles::roles_in;
use crate::tenants::load;

/// `role list`.
#[derive(Debug, Args)]
pub struct RoleListArgs {
    /// The roles scoped to this tenant instead of the project roles
    #[arg(long, value_name = "ID")]
    pub tenant: Option<String>,
}

/// `role list`: as the service returns them (JSON/YAML), or one row per role.
pub async fn run(ctx: &Ctx, args: &RoleListArgs) -> CliResult {
    let client = ctx.client().await?;
    if let Some(t) = &args.tenant {
        // A tenant that does not exist is an error, not an empty list.
        load(ctx, client, t).await?;
    }
    let roles = roles_in(ctx, client, args.tenant.as_deref()).await?;
    ctx.out.emit(&roles, || {
        let mut t = Table::new(vec![
            "NAME",
            "DESCRIPTION",
            "PERMISSIONS",
            "DEFAULT",
            "PRIVATE",
        ]);
        for r in &roles {
            t.rows.push(vec![
                r.name.clone(),
                r.description.clone(),
                r.permission_names.join(","),
                r.default.to_string(),
                r.private.to_string(),
            ]);
        }
        t
    })?;
    Ok(Exit::Success)
}
