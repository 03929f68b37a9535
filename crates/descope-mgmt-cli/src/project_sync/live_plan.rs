//! The plan of the whole project file against the live project, read-only: what `drift`
//! reports (the plan `sync --dry-run` would show, with no fingerprints and no lock).

use std::path::Path;

use descope_spec::Spec;
use descope_sync::{PlanOptions, ProjectPlan, Reads, Scope};

use crate::ctx::Ctx;
use crate::error::CliError;

/// Reads what the file needs and plans it, as `sync --dry-run` does; sends no write.
pub async fn plan_against_live(
    ctx: &Ctx,
    spec: &Spec,
    config: &Path,
    opts: &PlanOptions,
) -> Result<ProjectPlan, CliError> {
    let client = ctx.client().await?;
    let live = client
        .load_all_tenants()
        .await
        .map_err(|e| ctx.api_error(&e))?;
    let reads = Reads::of(spec, Scope::Project, opts);
    let resources = super::read::live_resources(ctx, client, &reads, &live).await?;
    descope_sync::plan_project(spec, Scope::Project, &live, &resources, opts)
        .map_err(|e| super::render::project_plan_error(&e, Some(config), spec))
}
