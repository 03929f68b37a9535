//! `permission list`: every permission of the project, system ones included, sorted by name.

use crate::ctx::Ctx;
use crate::error::{CliResult, Exit};
use crate::output::Table;
use crate::roles::permissions;

/// `permission list`: as the service returns them (JSON/YAML), or one row per permission.
pub async fn run(ctx: &Ctx) -> CliResult {
    let client = ctx.client().await?;
    let all = permissions(ctx, client).await?;
    ctx.out.emit(&all, || {
        let mut t = Table::new(vec!["NAME", "DESCRIPTION", "SYSTEM"]);
        for p in &all {
            t.rows.push(vec![
                p.name.clone(),
                p.description.clone(),
                p.is_system().to_string(),
            ]);
        }
        t
    })?;
    Ok(Exit::Success)
}
