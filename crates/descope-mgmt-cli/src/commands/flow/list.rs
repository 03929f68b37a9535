//! `flow list`: every flow, sorted by id.

use crate::ctx::Ctx;
use crate::error::{CliResult, Exit};
use crate::output::Table;

/// `flow list`: the flows as the service lists them, sorted by id.
pub async fn run(ctx: &Ctx) -> CliResult {
    let client = ctx.client().await?;
    let mut flows = client
        .list_flows(&[])
        .await
        .map_err(|e| ctx.api_error(&e))?;
    flows.sort_by(|a, b| a.id.cmp(&b.id));
    ctx.out.emit(&flows, || {
        let mut t = Table::new(vec!["ID", "NAME", "DISABLED", "DESCRIPTION"]);
        for f in &flows {
            t.rows.push(vec![
                f.id.clone(),
                f.name.clone(),
                f.disabled.to_string(),
                f.description.clone(),
            ]);
        }
        t
    })?;
    Ok(Exit::Success)
}
