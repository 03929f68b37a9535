//! A saved plan (`tenant sync --apply --plan PLAN.json`) read back and checked against the
//! project before anything is applied (`descope_sync::SavedPlan`), its errors in the user's
//! terms.

use std::path::Path;

use descope_api::Tenant;
use descope_api::hash::FastMap;
use descope_sync::{LiveResources, PlanOptions, ProjectPlan, ReadError, SavedPlan, TrustError};

use crate::error::CliError;
use crate::output::shown_path;

/// "the plan file was edited or is damaged: <what>", with what to do.
fn damaged_plan(path: &Path, what: &str) -> CliError {
    CliError::new(format!(
        "{}: the plan file was edited or is damaged: {what}",
        shown_path(path)
    ))
    .hint("nothing was changed; a saved plan applies only what it shows: make a new one with `tenant sync --dry-run --out PLAN.json`, review it, and apply that")
}

/// Reads the saved plan at `path`, not yet trusted.
pub fn read(path: &Path) -> Result<SavedPlan, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::io(format!("cannot read {}: {e}", shown_path(path))))?;
    read_tenants(path, &text)
}

/// The tenants' part of a saved plan.
fn read_tenants(path: &Path, text: &str) -> Result<SavedPlan, CliError> {
    SavedPlan::from_json(text).map_err(|e| match e {
        ReadError::Unusable(why) => CliError::invalid(format!(
            "{}: not a usable plan file: {why}",
            shown_path(path)
        ))
        .hint("make a new one with `tenant sync --dry-run --out PLAN.json`"),
        ReadError::Version(n) => CliError::invalid(format!(
            "plan file {} has format version {n}; this descope-mgmt reads version {}",
            shown_path(path),
            descope_sync::PLAN_FORMAT
        ))
        .hint("make the plan again with this version: `tenant sync --dry-run --out PLAN.json`"),
        ReadError::Damaged(what) => damaged_plan(path, &what),
    })
}

/// The plan a saved plan applies, with the options it was made with, once it is known to be
/// for this project, not stale, and exactly what it shows. `now` holds the live tenants'
/// fingerprints, `resources` the other objects read as `SavedPlan::reads` said.
pub fn checked(
    saved: SavedPlan,
    path: &Path,
    project_id: &str,
    live: &[Tenant],
    now: &FastMap<&str, String>,
    resources: &LiveResources,
) -> Result<(ProjectPlan, PlanOptions), CliError> {
    /// "N tenant(s) <what> since it was made (a, b, …)": the first ten. Other objects are named
    /// by kind (`role:admin`).
    fn since(ids: &[String], what: &str) -> String {
        let shown: Vec<&str> = ids.iter().take(10).map(String::as_str).collect();
        let kind = if ids.iter().any(|i| i.contains(':')) {
            "object(s)"
        } else {
            "tenant(s)"
        };
        format!(
            "plan is stale: {} {kind} {what} since it was made ({}{})",
            ids.len(),
            shown.join(", "),
            if ids.len() > 10 { ", …" } else { "" }
        )
    }
    saved
        .into_project_plan(project_id, live, now, resources)
        .map_err(|e| match e {
            TrustError::OtherProject(other) => CliError::conflict(format!(
                "the plan was made for project {other}, not {project_id}"
            )),
            TrustError::Changed(ids) => CliError::stale_plan(since(&ids, "changed")).hint(
                "make a new plan with `--dry-run --out PLAN.json`, review it, and apply that",
            ),
            TrustError::Appeared(ids) => CliError::stale_plan(since(&ids, "appeared")).hint(
                "nothing was changed; make a new plan with `--dry-run --out PLAN.json`, review it, and apply that",
            ),
            TrustError::NoOptions => CliError::new(format!(
                "plan file {} deletes but does not record the --prune and --max-deletes it was made with (an older descope-mgmt made it)",
                shown_path(path)
            ))
            .hint("nothing was changed; make the plan again with this version, with `--dry-run --prune --out PLAN.json`"),
            TrustError::Damaged(what) => damaged_plan(path, &what),
        })
}
