//! The live project beyond its tenants, read for a plan: only what the file needs
//! (`descope_sync::Reads`): every permission, every role, and the settings of the tenants whose
//! entry has `settings:` (one GET each, `--concurrency` at once).

use std::collections::BTreeSet;

use descope_api::{Client, Tenant};
use descope_sync::{LiveResources, Reads};
use futures::StreamExt;

use crate::ctx::Ctx;
use crate::error::CliError;

/// Reads what `reads` asks for. Settings are read only for tenants that exist live (the others
/// are created by the plan; their settings are read after the create).
pub async fn live_resources(
    ctx: &Ctx,
    client: &Client,
    reads: &Reads,
    live: &[Tenant],
) -> Result<LiveResources, CliError> {
    let mut out = LiveResources::default();
    if reads.permissions {
        out.permissions = Some(
            client
                .load_all_permissions()
                .await
                .map_err(|e| ctx.api_error(&e))?,
        );
    }
    if reads.roles {
        out.roles = Some(
            client
                .load_all_roles()
                .await
                .map_err(|e| ctx.api_error(&e))?,
        );
    }
    let existing: BTreeSet<&str> = live.iter().map(|t| t.id.as_str()).collect();
    let ids: Vec<&str> = reads
        .settings_of
        .iter()
        .map(String::as_str)
        .filter(|id| existing.contains(id))
        .collect();
    if ids.is_empty() {
        return Ok(out);
    }
    let bar = ctx.out.progress(ids.len() as u64, "reading settings");
    let read: Vec<_> = futures::stream::iter(
        ids.into_iter()
            .map(|id| async move { (id, client.load_session_settings(id).await) }),
    )
    .buffer_unordered(usize::from(ctx.global.concurrency))
    .inspect(|_| bar.inc(1))
    .collect()
    .await;
    bar.finish_and_clear();
    for (id, r) in read {
        // `None`: deleted since the tenants were read; the plan creates it, and reads its
        // settings after the create.
        if let Some(s) = r.map_err(|e| ctx.api_error(&e))? {
            out.settings.insert(id.to_owned(), s);
        }
    }
    Ok(out)
}
