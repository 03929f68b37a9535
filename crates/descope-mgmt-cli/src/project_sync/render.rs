//! What `sync` and `tenant sync` show: the plan as text, a planning error, and the report of an
//! apply.

use std::path::Path;

use descope_sync::{Action, Outcome, Plan, ProjectPlan, ProjectReport};
use serde_json::{Value, json};

use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::output::{Format, Table, shown, shown_path};
use crate::shell::shell_quote;
use crate::values::show_value;

/// The plan as the text a reviewer reads (`-v` also lists the unchanged tenants).
pub fn plan_text(ctx: &Ctx, plan: &Plan) -> String {
    let mut text = String::new();
    for c in &plan.changes {
        match c.action {
            Action::Create => {
                let name = c
                    .request
                    .as_ref()
                    .map(|r| r.name.as_str())
                    .unwrap_or_default();
                text.push_str(&format!("  + create {} ({})\n", c.id, shown(name)));
                for f in &c.fields {
                    if f.field != "name" {
                        text.push_str(&format!("      {}: {}\n", f.field, show_value(&f.new)));
                    }
                }
            }
            Action::Update => {
                text.push_str(&format!("  ~ update {}\n", c.id));
                for f in &c.fields {
                    text.push_str(&format!(
                        "      {}: {} → {}\n",
                        f.field,
                        show_value(&f.old),
                        show_value(&f.new)
                    ));
                }
                if let Some(t) = &c.temp_name {
                    text.push_str(&format!(
                        "      first renamed to {} (a temporary name: these renames form a cycle)\n",
                        show_value(&Value::String(t.clone()))
                    ));
                }
            }
            Action::Delete => text.push_str(&format!("  - delete {}\n", c.id)),
            Action::Unchanged => {
                if ctx.out.verbose > 0 {
                    text.push_str(&format!("    unchanged {}\n", c.id));
                }
            }
        }
    }
    text.push_str(&format!("{}\n", plan.summary()));
    text
}

/// A planning error, pointing at the file position of the tenant it is about.
pub fn plan_error(
    e: &descope_sync::PlanError,
    config: Option<&Path>,
    spec: &descope_spec::Spec,
) -> CliError {
    use descope_sync::PlanError as P;
    // Point at the file position of the tenant (or its `parent`) the error is about.
    let at = match e {
        P::UnknownParent { id, .. } | P::ParentChanged { id, .. } => spec
            .tenants
            .iter()
            .find(|t| &t.id == id)
            .map(|t| t.parent_location),
        P::DuplicateId { id } | P::NameTaken { id, .. } => spec
            .tenants
            .iter()
            .find(|t| &t.id == id)
            .map(|t| t.location),
        _ => None,
    }
    .filter(|l| l.line > 0)
    .map_or(String::new(), |l| format!(":{}:{}", l.line, l.column));
    let file = config.map_or(String::new(), |p| format!("{}{at}: ", shown_path(p)));
    // One line; a name in it (from the file or the service) shows its control characters escaped.
    // The message says what to do (for too many deletes: raise --max-deletes); no hint repeats it.
    CliError::new(format!("{file}{}", shown(&e.to_string()))).hint("nothing was changed")
}

/// Shows what an apply did (and how to undo it), and its exit.
pub fn report(
    ctx: &Ctx,
    project: &ProjectPlan,
    full: &ProjectReport,
    backups: &std::collections::BTreeMap<String, std::path::PathBuf>,
    resource_backups: &std::collections::BTreeMap<String, std::path::PathBuf>,
) -> CliResult {
    let plan = &project.tenants;
    let report = &full.tenants;
    let resources_done = |a: Action| {
        full.resources
            .iter()
            .filter(|(i, o)| project.resources[*i].action == a && *o == Outcome::Done)
            .count()
    };
    let created = report.done(plan, Action::Create) + resources_done(Action::Create);
    let updated = report.done(plan, Action::Update) + resources_done(Action::Update);
    let deleted = report.done(plan, Action::Delete) + resources_done(Action::Delete);
    let mut failed: Vec<(String, Action, &str)> = report
        .failed()
        .map(|(i, e)| (plan.changes[i].id.clone(), plan.changes[i].action, e))
        .collect();
    failed.extend(
        full.failed_resources()
            .map(|(i, e)| (project.resources[i].label(), project.resources[i].action, e)),
    );
    let skipped = full.not_started();
    let interrupted = full.interrupted;
    let mut undo: Vec<String> = Vec::new();
    for (i, o) in &report.outcomes {
        if *o != Outcome::Done && !report.renamed_temporarily.contains(i) {
            continue;
        }
        let c = &plan.changes[*i];
        match c.action {
            Action::Create => undo.push(format!("descope-mgmt tenant delete {} --yes", c.id)),
            Action::Update | Action::Delete => {
                if let Some(b) = backups.get(&c.id) {
                    undo.push(format!(
                        "descope-mgmt tenant restore {}",
                        shell_quote(&b.display().to_string())
                    ));
                }
            }
            Action::Unchanged => {}
        }
    }
    for (i, o) in &full.resources {
        let c = &project.resources[*i];
        if *o != Outcome::Done || !matches!(c.action, Action::Update | Action::Delete) {
            continue;
        }
        if let Some(b) = resource_backups.get(&super::resources::backup_key(c)) {
            undo.push(format!(
                "descope-mgmt restore {}",
                shell_quote(&b.display().to_string())
            ));
        }
    }
    let summary = format!(
        "Applied: {created} created, {updated} updated, {deleted} deleted; {} failed{}.",
        failed.len(),
        if skipped > 0 {
            format!(", {skipped} not started")
        } else {
            String::new()
        }
    );
    if !matches!(ctx.out.format, Format::Table) {
        // The summary and undo lines below still go to stderr when stdout fails.
        let _ = ctx.out.emit(
            &json!({
                "created": created, "updated": updated, "deleted": deleted, "notStarted": skipped,
                "failed": failed.iter().map(|(id, a, e)| json!({"id": id, "action": a.to_string(), "error": e})).collect::<Vec<_>>(),
                "interrupted": interrupted,
                "undo": undo,
            }),
            Table::default,
        );
    }
    ctx.out.status(&summary);
    for (id, action, e) in &failed {
        ctx.out.status(&format!("  failed: {action} {id}: {e}"));
    }
    if !undo.is_empty() && (interrupted || !failed.is_empty() || ctx.out.verbose > 0) {
        ctx.out.status("To undo what was applied:");
        for u in undo.iter().take(20) {
            ctx.out.status(&format!("  {u}"));
        }
        if undo.len() > 20 {
            ctx.out.status(&format!(
                "  … and {} more (see `descope-mgmt backup list` and `audit list`)",
                undo.len() - 20
            ));
        }
    }
    if interrupted {
        return Err(CliError::interrupted(format!("interrupted: {summary}"))
            .hint("in-flight writes finished and are in the audit log; re-run the same sync to finish, or undo with the commands above"));
    }
    if !failed.is_empty() {
        return Err(
            CliError::partial(format!("{} write(s) failed", failed.len())).hint(
                "fix the cause and re-run the same sync: it plans only what is still different",
            ),
        );
    }
    Ok(Exit::Success)
}

/// The whole plan as text: the other kinds first, in write order, then the tenants, then the
/// summary. A tenants-only plan reads exactly as `tenant sync` always showed it.
pub fn project_plan_text(ctx: &Ctx, plan: &ProjectPlan) -> String {
    let mut text = String::new();
    if plan.settings_reads > 0 {
        text.push_str(&format!(
            "Read the session settings of {} tenant(s).\n",
            plan.settings_reads
        ));
    }
    for c in &plan.resources {
        let label = c.label();
        match c.action {
            Action::Create => {
                text.push_str(&format!("  + create {label}\n"));
                for f in &c.fields {
                    if f.field != "name" {
                        text.push_str(&format!("      {}: {}\n", f.field, show_value(&f.new)));
                    }
                }
            }
            Action::Update => {
                match &c.renamed_from {
                    Some(old) => text.push_str(&format!(
                        "  ~ update {label} (renamed from {})\n",
                        show_value(&Value::String(old.clone()))
                    )),
                    None => text.push_str(&format!("  ~ update {label}\n")),
                }
                for f in &c.fields {
                    text.push_str(&format!(
                        "      {}: {} → {}\n",
                        f.field,
                        show_value(&f.old),
                        show_value(&f.new)
                    ));
                }
            }
            Action::Delete => text.push_str(&format!("  - delete {label}\n")),
            Action::Unchanged => {
                if ctx.out.verbose > 0 {
                    text.push_str(&format!("    unchanged {label}\n"));
                }
            }
        }
    }
    if !plan.unmanaged.is_empty() && ctx.out.verbose > 0 {
        text.push_str(&format!(
            "    unmanaged (system objects, never changed): {}\n",
            plan.unmanaged.join(", ")
        ));
    }
    let tenants = plan_text(ctx, &plan.tenants);
    if plan.resources.is_empty() {
        text.push_str(&tenants);
        return text;
    }
    // The tenants' lines, then one summary of every kind.
    let tenant_lines = tenants.trim_end().rsplit_once('\n').map_or("", |(l, _)| l);
    if !tenant_lines.is_empty() {
        text.push_str(tenant_lines);
        text.push('\n');
    }
    text.push_str(&format!("{}\n", plan.summary()));
    text
}

/// The warnings a reviewer must see (role and permission deletes), on stderr.
pub fn warnings(ctx: &Ctx, plan: &ProjectPlan) {
    for w in plan.warnings() {
        ctx.out.status(&format!("warning: {w}"));
    }
}

/// A project planning error: located file errors as the file's own, the tenants' errors as
/// `tenant sync` shows them.
pub fn project_plan_error(
    e: &descope_sync::ProjectPlanError,
    config: Option<&Path>,
    spec: &descope_spec::Spec,
) -> CliError {
    use descope_sync::ProjectPlanError as P;
    match e {
        P::Tenants(e) => plan_error(e, config, spec),
        P::File(errors) => crate::spec_file::spec_errors(errors).hint(format!(
            "{} problem(s) found against the live project; nothing was changed",
            errors.0.len()
        )),
        P::Refused(why) => CliError::new(shown(why)).hint("nothing was changed"),
    }
}

/// The documented limit of the service's management API (reference §5.4): the rate an estimate
/// assumes when neither `--max-rate` nor the profile sets ours.
pub const DOCUMENTED_LIMIT: (u32, u64) = (100, 60);

/// "1,240 requests: about 12 min at 100 per 60 s (the service's documented limit)".
pub fn cost_line(
    plan: &ProjectPlan,
    max_rate: Option<&(descope_api::MaxRate, String)>,
    local: bool,
) -> String {
    let requests = plan.requests();
    let count = crate::values::thousands(requests);
    let noun = if requests == 1 { "request" } else { "requests" };
    let (n, per, source) = match max_rate {
        Some((m, source)) => (m.n, m.per, format!("(the cap from {source})")),
        None if local => return format!("Apply: {count} {noun}."),
        None => (
            DOCUMENTED_LIMIT.0,
            std::time::Duration::from_secs(DOCUMENTED_LIMIT.1),
            "(the service's documented limit; --max-rate sets ours)".to_owned(),
        ),
    };
    let took = descope_sync::duration_at(requests, n, per);
    let about = if took.is_zero() {
        "within the first window".to_owned()
    } else {
        format!("about {}", crate::values::minutes_seconds(took))
    };
    format!(
        "Apply: {count} {noun}: {about} at {n} per {} s {source}.",
        per.as_secs()
    )
}
