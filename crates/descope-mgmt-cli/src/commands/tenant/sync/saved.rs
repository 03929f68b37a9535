//! A saved plan (`tenant sync --apply --plan PLAN.json`) read back and checked against the
//! project before anything is applied: the project, the fingerprints, and every change derived
//! again from what it shows (`descope_sync::rederive`).

use std::collections::BTreeSet;
use std::path::Path;

use descope_api::Tenant;
use descope_api::hash::FastMap;
use descope_sync::{Action, Change, Plan, PlanOptions, ReadError, ResourceKind, SavedPlan};

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
        .map_err(|e| CliError::new(format!("cannot read {}: {e}", shown_path(path))))?;
    SavedPlan::from_json(&text).map_err(|e| match e {
        ReadError::Unusable(why) => CliError::new(format!(
            "{}: not a usable plan file: {why}",
            shown_path(path)
        ))
        .hint("make a new one with `tenant sync --dry-run --out PLAN.json`"),
        ReadError::Version(n) => CliError::new(format!(
            "plan file {} has format version {n}; this descope-mgmt reads version {}",
            shown_path(path),
            descope_sync::PLAN_FORMAT
        ))
        .hint("make the plan again with this version: `tenant sync --dry-run --out PLAN.json`"),
        ReadError::Damaged(what) => damaged_plan(path, &what),
    })
}

/// The plan a saved plan applies, with the options it was made with, once it is known to be
/// for this project, not stale, and exactly what it shows. `now` holds the live fingerprints.
pub fn checked(
    saved: SavedPlan,
    path: &Path,
    project_id: &str,
    live: &[Tenant],
    now: &FastMap<&str, String>,
) -> Result<(Plan, PlanOptions), CliError> {
    if saved.project_id != project_id {
        return Err(CliError::new(format!(
            "the plan was made for project {}, not {project_id}",
            saved.project_id
        )));
    }
    let stale: Vec<&String> = saved
        .fingerprints
        .iter()
        .filter(|(id, fp)| now.get(id.as_str()) != fp.as_ref())
        .map(|(id, _)| id)
        .collect();
    if !stale.is_empty() {
        let shown: Vec<_> = stale.iter().take(10).map(|s| s.as_str()).collect();
        return Err(CliError::new(format!(
            "plan is stale: {} tenant(s) changed since it was made ({}{})",
            stale.len(),
            shown.join(", "),
            if stale.len() > 10 { ", …" } else { "" }
        ))
        .hint("make a new plan with `tenant sync --dry-run --out PLAN.json`, review it, and apply that"));
    }
    // Every tenant the plan names was fingerprinted, so the live tenants it was made against
    // are the ones read now: every request is derived again from them and what it shows.
    if let Some(id) = saved
        .changes
        .iter()
        .map(|c| &c.id)
        .chain(&saved.unchanged)
        .find(|id| !saved.fingerprints.contains_key(id.as_str()))
    {
        return Err(damaged_plan(
            path,
            &format!("tenant `{id}` is in the plan but has no fingerprint"),
        ));
    }
    let changed: BTreeSet<&str> = saved.changes.iter().map(|c| c.id.as_str()).collect();
    if let Some(id) = saved
        .unchanged
        .iter()
        .find(|id| changed.contains(id.as_str()))
    {
        return Err(damaged_plan(
            path,
            &format!("tenant `{id}` is listed both as changed and as unchanged"),
        ));
    }
    let opts = match saved.options {
        Some(o) => o,
        None if saved.changes.iter().any(|c| c.action == Action::Delete) => {
            return Err(CliError::new(format!(
                "plan file {} deletes tenants but does not record the --prune and --max-deletes it was made with (an older descope-mgmt made it)",
                shown_path(path)
            ))
            .hint("nothing was changed; make the plan again with this version: `tenant sync --dry-run --prune --out PLAN.json`"));
        }
        // An older plan without deletes: the guards have nothing to hold.
        None => PlanOptions::default(),
    };
    let mut changes = descope_sync::rederive(&saved.changes, &opts, live).map_err(|what| {
        // A tenant that appeared since the plan was made (in neither its changes nor its
        // unchanged list) can hold a name the plan uses: that is a stale plan, not an edit.
        let known: BTreeSet<&str> = saved
            .changes
            .iter()
            .map(|c| c.id.as_str())
            .chain(saved.unchanged.iter().map(String::as_str))
            .collect();
        let appeared: Vec<&str> = live
            .iter()
            .map(|t| t.id.as_str())
            .filter(|id| !known.contains(id))
            .collect();
        if appeared.is_empty() {
            return damaged_plan(path, &what);
        }
        let shown: Vec<_> = appeared.iter().take(10).copied().collect();
        CliError::new(format!(
            "plan is stale: {} tenant(s) appeared since it was made ({}{})",
            appeared.len(),
            shown.join(", "),
            if appeared.len() > 10 { ", …" } else { "" }
        ))
        .hint("nothing was changed; make a new plan with `tenant sync --dry-run --out PLAN.json`, review it, and apply that")
    })?;
    changes.extend(saved.unchanged.into_iter().map(|id| Change {
        kind: ResourceKind::Tenant,
        id,
        action: Action::Unchanged,
        fields: Vec::new(),
        request: None,
        default_roles: None,
        protected: false,
        temp_name: None,
    }));
    Ok((Plan { changes }, opts))
}
