//! `tenant sync` (plan and apply tenants.yaml) and `tenant export` (live tenants as tenants.yaml).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use descope_api::hash::{FastMap, fast_map};
use descope_api::{Client, Tenant};
use descope_store::TargetType;
use descope_sync::{Action, Change, Plan, PlanOptions, SavedChange};
use futures::StreamExt;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use crate::args::{TenantExportArgs, TenantSyncArgs};
use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::output::{Format, Table, shown, shown_path};
use crate::shell::shell_quote;
use crate::values::show_value;
use crate::write::Writer;

/// Version of the saved plan format (`--out PLAN.json`).
const PLAN_FORMAT: u32 = 1;

fn matches_only(only: &[glob::Pattern], id: &str) -> bool {
    only.is_empty() || only.iter().any(|p| p.matches(id))
}

fn compile_only(only: &[String]) -> Result<Vec<glob::Pattern>, CliError> {
    only.iter()
        .map(|p| {
            glob::Pattern::new(p)
                .map_err(|e| CliError::usage(format!("--only `{p}` is not a valid glob: {e}")))
        })
        .collect()
}

/// `tenant export`.
pub async fn export(ctx: &Ctx, args: &TenantExportArgs) -> CliResult {
    let only = compile_only(&args.only)?;
    let client = ctx.client().await?;
    let mut tenants = client
        .load_all_tenants()
        .await
        .map_err(|e| ctx.api_error(&e))?;
    tenants.retain(|t| matches_only(&only, &t.id));
    tenants.sort_by(|a, b| a.id.cmp(&b.id));
    let desired: Vec<_> = tenants
        .iter()
        .map(descope_spec::desired_from_live)
        .collect();
    for t in &tenants {
        if let Some((key, what)) = descope_spec::unexpressed_attribute(&t.custom_attributes) {
            ctx.out.warn(&format!(
                "tenant `{}`: customAttributes left out of the export (unmanaged: a sync keeps the live values): attribute `{key}` holds {what}, which tenants.yaml cannot express",
                t.id
            ));
        }
    }
    let text = descope_spec::to_yaml(&desired);
    match &args.file {
        Some(f) => {
            crate::files::write_file(f, &text).await?;
            ctx.out.status(&format!(
                "Exported {} tenant(s) to {}",
                desired.len(),
                shown_path(f)
            ));
        }
        None => ctx.out.data_text(&text)?,
    }
    Ok(Exit::Success)
}

/// The plan as documented JSON (`-o json`, `--out`), serialised straight from the plan as it
/// is written: no intermediate JSON tree (a plan of 100,000 tenants).
struct PlanDoc<'a> {
    plan: &'a Plan,
    project_id: &'a str,
    config: Option<&'a Path>,
    /// Sorted by id.
    fingerprints: &'a [(&'a str, Option<String>)],
    /// The guards the plan was made with, so that applying it saved still holds them.
    options: &'a PlanOptions,
}

impl Serialize for PlanDoc<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let sum = self.plan.summary();
        let mut m = s.serialize_map(Some(8))?;
        m.serialize_entry("formatVersion", &PLAN_FORMAT)?;
        m.serialize_entry("projectId", self.project_id)?;
        m.serialize_entry("config", &self.config)?;
        m.serialize_entry("summary", &sum)?;
        m.serialize_entry(
            "changes",
            &Seq(|| {
                self.plan
                    .changes
                    .iter()
                    .filter(|c| !matches!(c.action, Action::Unchanged))
                    .map(ChangeDoc)
            }),
        )?;
        m.serialize_entry(
            "unchanged",
            &Seq(|| {
                self.plan
                    .changes
                    .iter()
                    .filter(|c| matches!(c.action, Action::Unchanged))
                    .map(|c| c.id.as_str())
            }),
        )?;
        m.serialize_entry("fingerprints", &FingerprintsDoc(self.fingerprints))?;
        m.serialize_entry(
            "options",
            &json!({
                "prune": self.options.prune,
                "maxDeletes": self.options.max_deletes,
                "only": self.options.only,
                "protected": self.options.protected,
            }),
        )?;
        m.end()
    }
}

/// A sequence serialised from an iterator made on demand.
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

struct ChangeDoc<'a>(&'a Change);

impl Serialize for ChangeDoc<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let c = self.0;
        let mut m = s.serialize_map(Some(5 + usize::from(c.temp_name.is_some())))?;
        m.serialize_entry("id", &c.id)?;
        m.serialize_entry("action", action_name(&c.action))?;
        m.serialize_entry("fields", &c.fields)?;
        m.serialize_entry("request", &c.request)?;
        m.serialize_entry("defaultRoles", &c.default_roles)?;
        if let Some(t) = &c.temp_name {
            m.serialize_entry("tempName", t)?;
        }
        m.end()
    }
}

struct FingerprintsDoc<'a>(&'a [(&'a str, Option<String>)]);

impl Serialize for FingerprintsDoc<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(id, fp)| (id, fp)))
    }
}

fn action_name(a: &Action) -> &'static str {
    match a {
        Action::Create => "create",
        Action::Update => "update",
        Action::Delete => "delete",
        Action::Unchanged => "unchanged",
    }
}

/// One change of a saved plan as recorded; `descope_sync::rederive` decides whether to trust it.
fn change_from_json(v: &Value) -> Result<SavedChange, String> {
    let id = v
        .get("id")
        .and_then(Value::as_str)
        .ok_or("a change has no id")?
        .to_owned();
    let action = match v.get("action").and_then(Value::as_str) {
        Some("create") => Action::Create,
        Some("update") => Action::Update,
        Some("delete") => Action::Delete,
        Some(other) => {
            return Err(format!(
                "change `{id}` has an unknown action `{other}` (create, update or delete)"
            ));
        }
        None => return Err(format!("change `{id}` has no action")),
    };
    let present = |key: &str| v.get(key).filter(|r| !r.is_null()).cloned();
    let fields = match v.get("fields") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(fs)) => fs
            .iter()
            .map(|f| {
                Ok(descope_sync::FieldChange {
                    field: f
                        .get("field")
                        .and_then(Value::as_str)
                        .ok_or_else(|| format!("change `{id}` has a field with no name"))?
                        .to_owned(),
                    old: f.get("old").cloned().unwrap_or(Value::Null),
                    new: f.get("new").cloned().unwrap_or(Value::Null),
                })
            })
            .collect::<Result<_, String>>()?,
        Some(_) => return Err(format!("change `{id}`: `fields` is not a list")),
    };
    let temp_name = match v.get("tempName") {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) => Some(t.clone()),
        Some(_) => return Err(format!("change `{id}`: `tempName` is not a string")),
    };
    Ok(SavedChange {
        id,
        action,
        fields,
        request: present("request"),
        default_roles: present("defaultRoles"),
        temp_name,
    })
}

fn render_plan(ctx: &Ctx, plan: &Plan) -> String {
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

/// A saved plan read back, not yet trusted (see `descope_sync::rederive`).
struct SavedPlan {
    project_id: String,
    changes: Vec<SavedChange>,
    fingerprints: BTreeMap<String, Option<String>>,
    /// Ids of the tenants the plan leaves as they are.
    unchanged: Vec<String>,
    /// The guards it was made with; `None` in a plan made before they were recorded.
    options: Option<PlanOptions>,
}

/// "the plan file was edited or is damaged: <what>", with what to do.
fn damaged_plan(path: &Path, what: &str) -> CliError {
    CliError::new(format!(
        "{}: the plan file was edited or is damaged: {what}",
        shown_path(path)
    ))
    .hint("nothing was changed; a saved plan applies only what it shows: make a new one with `tenant sync --dry-run --out PLAN.json`, review it, and apply that")
}

fn read_saved_plan(path: &Path) -> Result<SavedPlan, CliError> {
    let bad = |why: String| {
        CliError::new(format!(
            "{}: not a usable plan file: {why}",
            shown_path(path)
        ))
        .hint("make a new one with `tenant sync --dry-run --out PLAN.json`")
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::new(format!("cannot read {}: {e}", shown_path(path))))?;
    if text.trim().is_empty() {
        return Err(bad("the file is empty".to_owned()));
    }
    let v: Value = serde_json::from_str(&text).map_err(|e| {
        let what = e.to_string();
        let what = what
            .rsplit_once(" at line ")
            .map_or(what.as_str(), |(w, _)| w);
        bad(format!(
            "invalid JSON at line {}, column {}: {what}",
            e.line(),
            e.column().max(1)
        ))
    })?;
    match v.get("formatVersion") {
        Some(n) if n.as_u64() == Some(u64::from(PLAN_FORMAT)) => {}
        Some(n @ Value::Number(_)) => {
            return Err(CliError::new(format!(
                "plan file {} has format version {n}; this descope-mgmt reads version {PLAN_FORMAT}",
                shown_path(path)
            ))
            .hint("make the plan again with this version: `tenant sync --dry-run --out PLAN.json`"));
        }
        _ => return Err(bad("it has no formatVersion number".into())),
    }
    let project_id = v
        .get("projectId")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("no projectId".into()))?
        .to_owned();
    let changes = v
        .get("changes")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no changes".into()))?
        .iter()
        .map(change_from_json)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| damaged_plan(path, &e))?;
    let fingerprints = v
        .get("fingerprints")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("no fingerprints".into()))?
        .iter()
        .map(|(k, f)| (k.clone(), f.as_str().map(str::to_owned)))
        .collect();
    let unchanged = v
        .get("unchanged")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no list of unchanged tenants".into()))?
        .iter()
        .map(|u| u.as_str().map(str::to_owned))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| damaged_plan(path, "an unchanged tenant is not an id"))?;
    // The summary is what a reviewer reads first: it must count what the plan holds.
    let count = |a: Action| changes.iter().filter(|c| c.action == a).count();
    let held = json!({
        "create": count(Action::Create),
        "update": count(Action::Update),
        "delete": count(Action::Delete),
        "unchanged": unchanged.len(),
    });
    let shown = v.get("summary").cloned().unwrap_or(Value::Null);
    if shown != held {
        return Err(damaged_plan(
            path,
            &format!(
                "its summary says {} but it holds {}",
                summary_text(&shown),
                summary_text(&held)
            ),
        ));
    }
    let options = match v.get("options") {
        None => None,
        Some(o) => Some(options_from_json(o).ok_or_else(|| {
            damaged_plan(
                path,
                "its `options` are not {prune, maxDeletes, only, protected}",
            )
        })?),
    };
    Ok(SavedPlan {
        project_id,
        changes,
        fingerprints,
        unchanged,
        options,
    })
}

/// `{create, update, delete, unchanged}` as "A to create, B to update, …".
fn summary_text(v: &Value) -> String {
    let n = |k: &str| v.get(k).map_or_else(|| "?".to_owned(), ToString::to_string);
    format!(
        "{} to create, {} to update, {} to delete, {} unchanged",
        n("create"),
        n("update"),
        n("delete"),
        n("unchanged")
    )
}

fn options_from_json(o: &Value) -> Option<PlanOptions> {
    let strings = |k: &str| -> Option<Vec<String>> {
        o.get(k)?
            .as_array()?
            .iter()
            .map(|s| s.as_str().map(str::to_owned))
            .collect()
    };
    Some(PlanOptions {
        prune: o.get("prune")?.as_bool()?,
        max_deletes: usize::try_from(o.get("maxDeletes")?.as_u64()?).ok()?,
        only: strings("only")?,
        protected: strings("protected")?,
    })
}

/// Fingerprints of what the plan read: every live tenant in scope, and `null` for each desired
/// tenant that was absent (so a tenant created meanwhile also makes the plan stale).
fn fingerprints_of<'a>(
    plan: &'a Plan,
    live: &FastMap<&str, String>,
) -> Vec<(&'a str, Option<String>)> {
    let mut out: Vec<(&str, Option<String>)> = plan
        .changes
        .iter()
        .map(|c| (c.id.as_str(), live.get(c.id.as_str()).cloned()))
        .collect();
    out.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out
}

/// The fingerprint of every live tenant, by id.
fn live_fingerprints(live: &[Tenant]) -> FastMap<&str, String> {
    let mut out = fast_map(live.len());
    out.extend(
        live.iter()
            .map(|t| (t.id.as_str(), descope_sync::fingerprint(t))),
    );
    out
}

/// `--max-deletes` when not given.
const DEFAULT_MAX_DELETES: usize = 5;

/// `tenant sync`.
pub async fn sync(ctx: &Ctx, args: &TenantSyncArgs) -> CliResult {
    compile_only(&args.only)?; // a bad glob is a usage error before any request
    if args.plan.is_none() && args.config.is_none() {
        return Err(CliError::usage(
            "tenant sync needs --config FILE (or --apply --plan PLAN.json)",
        ));
    }
    if args.plan.is_some()
        && (args.config.is_some()
            || args.prune
            || !args.only.is_empty()
            || args.max_deletes.is_some())
    {
        return Err(CliError::usage(
            "--plan applies a saved plan exactly; --config, --prune, --only and --max-deletes belong to the run that made it (the plan holds the ones it was made with)",
        ));
    }
    // Offline checks first: a bad file fails before any request.
    let spec = match &args.config {
        Some(f) => Some(crate::spec_file::load_spec(ctx, f)?),
        None => None,
    };
    let saved = match &args.plan {
        Some(p) => Some(read_saved_plan(p)?),
        None => None,
    };
    let client = ctx.client().await?;
    let project_id = ctx.settings().await?.project_id.clone();
    // An apply holds the project lock from before it reads live state to after its last write.
    let writer = if args.apply {
        Some(Writer::begin(ctx).await?)
    } else {
        None
    };
    let live = client
        .load_all_tenants()
        .await
        .map_err(|e| ctx.api_error(&e))?;
    // The whole project goes to the planner: `--only` scopes the changes, but parents, names and
    // kept children outside the scope still count.

    // The plan document (with fingerprints) is written for --out, and for a dry run in JSON/YAML.
    let needs_doc =
        args.out.is_some() || (args.dry_run && !matches!(ctx.out.format, Format::Table));
    // The plan, and the fingerprints of the live tenants when they were computed.
    let (plan, live_fps, opts) = if let Some(saved) = saved {
        let path = args.plan.as_deref().unwrap_or(Path::new("PLAN.json"));
        if saved.project_id != project_id {
            return Err(CliError::new(format!(
                "the plan was made for project {}, not {project_id}",
                saved.project_id
            )));
        }
        let now = live_fingerprints(&live);
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
        let mut changes = descope_sync::rederive(&saved.changes, &opts, &live).map_err(|what| {
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
            id,
            action: Action::Unchanged,
            fields: Vec::new(),
            request: None,
            default_roles: None,
            protected: false,
            temp_name: None,
        }));
        (Plan { changes }, Some(now), opts)
    } else {
        let spec = spec
            .as_ref()
            .ok_or_else(|| CliError::usage("--config is required"))?;
        let opts = PlanOptions {
            prune: args.prune,
            only: args.only.clone(),
            max_deletes: args.max_deletes.unwrap_or(DEFAULT_MAX_DELETES),
            protected: spec.protected.clone(),
        };
        // The fingerprints of the live tenants are hashed on a second thread while the plan is
        // made; they are only needed when the plan document is written.
        let (plan, live_fps) = std::thread::scope(|s| {
            let fps = needs_doc.then(|| s.spawn(|| live_fingerprints(&live)));
            let plan = descope_sync::plan(&spec.tenants, &live, &opts);
            (plan, fps.map(|h| h.join()))
        });
        let plan = plan.map_err(|e| plan_error(&e, args.config.as_deref(), spec))?;
        let live_fps = live_fps.map(|r| r.unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        (plan, live_fps, opts)
    };

    let fingerprints = match &live_fps {
        Some(fps) if needs_doc => fingerprints_of(&plan, fps),
        _ => Vec::new(),
    };
    let doc = PlanDoc {
        plan: &plan,
        project_id: &project_id,
        config: args.config.as_deref(),
        fingerprints: &fingerprints,
        options: &opts,
    };
    if let Some(out) = &args.out {
        crate::files::write_file(
            out,
            &format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            ),
        )
        .await?;
        ctx.out
            .status(&format!("Saved the plan to {}", shown_path(out)));
    }
    // A failed stdout does not stop an apply: `run` reports it once the writes are done.
    let _ = match ctx.out.format {
        Format::Table => ctx.out.human_text(&render_plan(ctx, &plan)),
        _ if args.dry_run => ctx.out.emit(&doc, Table::default),
        _ => Ok(()),
    };
    let has_changes = plan.has_changes();
    if args.dry_run {
        return Ok(if args.detailed_exitcode && has_changes {
            Exit::Changes
        } else {
            Exit::Success
        });
    }
    let Some(writer) = writer else {
        return Ok(Exit::Success);
    };
    if !has_changes {
        ctx.out.status("No changes. The project matches the file.");
        return Ok(Exit::Success);
    }
    let summary = plan.summary();
    // A prompt always comes after the plan: with -o json|yaml the plan is not on stdout, so it is
    // shown on stderr above the question.
    let will_prompt = !ctx.global.yes && ctx.out.stdin_tty;
    if will_prompt && !matches!(ctx.out.format, Format::Table) {
        ctx.out.status(render_plan(ctx, &plan).trim_end());
    }
    if summary.delete > 0 && !ctx.global.yes {
        match ctx.out.confirm_typed(
            &format!(
                "This deletes {} tenant(s) in project {project_id}.",
                summary.delete
            ),
            &project_id,
        ) {
            Some(true) => {}
            Some(false) => return Err(CliError::new("cancelled; nothing was changed")),
            None => {
                return Err(CliError::new(
                    "refusing to delete tenants without confirmation: stdin is not a terminal",
                )
                .hint("pass --yes to confirm non-interactively; nothing was changed"));
            }
        }
    } else if !ctx.global.yes && ctx.out.stdin_tty {
        match ctx
            .out
            .confirm(&format!("Apply these changes to project {project_id}?"))
        {
            Some(true) | None => {}
            Some(false) => return Err(CliError::new("cancelled; nothing was changed")),
        }
    }
    apply(ctx, client, &writer, plan, &live, args.fail_fast).await
}

fn plan_error(
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

/// A tenant read for its backup: id, object, and settings (for deletes).
type Fetched = (String, Value, Option<Value>);

/// Outcome of one change.
enum Outcome {
    Done,
    Failed(String),
    Skipped,
}

/// Applies a plan: backups of everything to be updated or deleted first, then waves of writes
/// (parents created before children, children deleted before parents), `--concurrency` at once.
async fn apply(
    ctx: &Ctx,
    client: &Client,
    writer: &Writer<'_>,
    plan: Plan,
    live: &[Tenant],
    fail_fast: bool,
) -> CliResult {
    let by_id: BTreeMap<&str, &Tenant> = live.iter().map(|t| (t.id.as_str(), t)).collect();
    let changes: Vec<Change> = plan
        .changes
        .into_iter()
        .filter(|c| !matches!(c.action, Action::Unchanged))
        .collect();

    // 1. Every backup before the first write; if one fails, nothing is applied.
    let mut backups: BTreeMap<String, PathBuf> = BTreeMap::new();
    let to_back_up: Vec<&Change> = changes
        .iter()
        .filter(|c| matches!(c.action, Action::Update | Action::Delete))
        .collect();
    if !to_back_up.is_empty() {
        let bar = ctx.out.progress(to_back_up.len() as u64, "backing up");
        let fetched: Vec<Result<Fetched, CliError>> =
            futures::stream::iter(to_back_up.iter().map(|c| {
                let live = by_id.get(c.id.as_str()).copied().cloned();
                let is_delete = matches!(c.action, Action::Delete);
                let id = c.id.clone();
                async move {
                    let live = live.ok_or_else(|| {
                        CliError::new(format!("tenant `{id}` was in the plan but not read live"))
                    })?;
                    // A delete destroys the tenant's settings too, so its backup holds them; an update
                    // leaves settings as they are.
                    let settings = if is_delete {
                        Some(Value::Object(
                            client
                                .tenant_settings(&id)
                                .await
                                .map_err(|e| ctx.api_error(&e))?,
                        ))
                    } else {
                        None
                    };
                    Ok((id, json!(live), settings))
                }
            }))
            .buffer_unordered(usize::from(ctx.global.concurrency))
            .inspect(|_| bar.inc(1))
            .collect()
            .await;
        bar.finish_and_clear();
        let mut items = Vec::with_capacity(fetched.len());
        for f in fetched {
            let (id, obj, settings) =
                f.map_err(|e| CliError::new(format!("{}; nothing was changed", e.message)))?;
            items.push(crate::write::BackupItem {
                operation: if settings.is_some() {
                    "sync-delete"
                } else {
                    "sync-update"
                },
                target_type: TargetType::Tenant,
                target_id: id,
                object: obj,
                settings,
            });
        }
        backups = writer.backup_many(items, 16).await?;
        ctx.out.status(&format!(
            "Backed up {} tenant(s) before changing them.",
            backups.len()
        ));
    }

    // 2. Waves (descope_sync::schedule): a name is freed before another tenant takes it, renames
    // in a cycle go through their temporary name, parents are created before children and
    // deleted after them.
    let waves: Vec<Vec<(&Change, bool)>> = descope_sync::schedule(&changes, live)
        .into_iter()
        .map(|w| {
            w.into_iter()
                .map(|step| (&changes[step.change], step.temporary))
                .collect()
        })
        .collect();

    // 3. Writes, with Ctrl-C / SIGTERM stopping new ones while in-flight writes finish.
    let stop = Arc::new(AtomicBool::new(false));
    ctx.interrupt.set_graceful(true);
    let steps: usize = waves.iter().map(Vec::len).sum();
    let bar = ctx.out.progress(steps as u64, "applying");
    let mut results: Vec<(&Change, Outcome)> = Vec::new();
    // Tenants whose rename to a temporary name did not happen: their own write is not sent.
    let mut held_back: BTreeSet<&str> = BTreeSet::new();
    // Tenants renamed to their temporary name: undoable from their backup even if the rest failed.
    let mut renamed_temporarily: BTreeSet<&str> = BTreeSet::new();
    for wave in waves {
        let wave: Vec<(&Change, bool)> = wave
            .into_iter()
            .filter(|(c, _)| !held_back.contains(c.id.as_str()))
            .collect();
        if wave.is_empty() {
            continue;
        }
        let stop_ref = &stop;
        let backups_ref = &backups;
        let by_id_ref = &by_id;
        let outcomes: Vec<(&Change, bool, Result<Outcome, CliError>)> =
            futures::stream::iter(wave.into_iter().map(|(c, temporary)| async move {
                if stop_ref.load(Ordering::SeqCst) || ctx.interrupt.stopped() {
                    return (c, temporary, Ok(Outcome::Skipped));
                }
                let backup = backups_ref.get(&c.id).map(PathBuf::as_path);
                let r = if temporary {
                    rename_temporarily(
                        client,
                        writer,
                        c,
                        by_id_ref.get(c.id.as_str()).copied(),
                        backup,
                    )
                    .await
                } else {
                    apply_one(client, writer, c, backup).await
                };
                // Interrupted just before sending: the write never started.
                let r = match r {
                    Err(e) if e.exit() == Exit::Interrupted => Ok(Outcome::Skipped),
                    other => other,
                };
                if fail_fast && matches!(r, Ok(Outcome::Failed(_))) {
                    stop_ref.store(true, Ordering::SeqCst);
                }
                (c, temporary, r)
            }))
            .buffer_unordered(usize::from(ctx.global.concurrency))
            .inspect(|_| bar.inc(1))
            .collect()
            .await;
        for (c, temporary, r) in outcomes {
            match r {
                // The rename to a temporary name is a step of the change, not its outcome.
                Ok(Outcome::Done) if temporary => {
                    renamed_temporarily.insert(c.id.as_str());
                }
                Ok(o) => {
                    if temporary {
                        held_back.insert(c.id.as_str());
                    }
                    // Its temporary name stays until a re-run gives it its new name.
                    let o = match (o, &c.temp_name) {
                        (Outcome::Failed(e), Some(t))
                            if renamed_temporarily.contains(c.id.as_str())
                                && !e.starts_with("default roles:") =>
                        {
                            Outcome::Failed(format!(
                                "{e} (it has the temporary name `{t}` until the sync is re-run)"
                            ))
                        }
                        (o, _) => o,
                    };
                    results.push((c, o));
                }
                Err(e) => {
                    // The audit log could not be written: stop at once, say so.
                    stop.store(true, Ordering::SeqCst);
                    bar.finish_and_clear();
                    return Err(e);
                }
            }
        }
    }
    bar.finish_and_clear();
    report(
        ctx,
        &results,
        &backups,
        &renamed_temporarily,
        ctx.interrupt.stopped(),
    )
}

async fn apply_one(
    client: &Client,
    writer: &Writer<'_>,
    c: &Change,
    backup: Option<&Path>,
) -> Result<Outcome, CliError> {
    let r = match c.action {
        Action::Create => {
            let Some(req) = &c.request else {
                return Ok(Outcome::Failed("no request in the plan".into()));
            };
            writer
                .audited(
                    "create",
                    TargetType::Tenant,
                    &c.id,
                    None,
                    client.create_tenant(req),
                )
                .await?
                .map(|_| ())
        }
        Action::Update => {
            // An update of only the default roles has no tenant request.
            let Some(req) = &c.request else {
                if c.default_roles.is_none() {
                    return Ok(Outcome::Failed("no request in the plan".into()));
                }
                return set_roles(writer, client, c, backup).await;
            };
            writer
                .audited(
                    "update",
                    TargetType::Tenant,
                    &c.id,
                    backup,
                    client.update_tenant(req),
                )
                .await?
        }
        Action::Delete => {
            writer
                .audited(
                    "delete",
                    TargetType::Tenant,
                    &c.id,
                    backup,
                    client.delete_tenant(&c.id, false),
                )
                .await?
        }
        Action::Unchanged => return Ok(Outcome::Skipped),
    };
    if let Err(e) = r {
        return Ok(Outcome::Failed(e.to_string()));
    }
    set_roles(writer, client, c, backup).await
}

/// Renames a tenant to its temporary name, which frees its name for another tenant of a rename
/// cycle; its own update gives it its new name later.
async fn rename_temporarily(
    client: &Client,
    writer: &Writer<'_>,
    c: &Change,
    live: Option<&Tenant>,
    backup: Option<&Path>,
) -> Result<Outcome, CliError> {
    let (Some(temp), Some(live)) = (&c.temp_name, live) else {
        return Ok(Outcome::Failed(
            "no temporary name or live tenant for the rename".into(),
        ));
    };
    let mut req = descope_api::TenantRequest::from_tenant(live);
    req.name.clone_from(temp);
    match writer
        .audited(
            "update",
            TargetType::Tenant,
            &c.id,
            backup,
            client.update_tenant(&req),
        )
        .await?
    {
        Ok(()) => Ok(Outcome::Done),
        Err(e) => Ok(Outcome::Failed(format!(
            "rename to the temporary name `{temp}`: {e}"
        ))),
    }
}

/// Sets a change's default roles, if it has any to set.
async fn set_roles(
    writer: &Writer<'_>,
    client: &Client,
    c: &Change,
    backup: Option<&Path>,
) -> Result<Outcome, CliError> {
    if let Some(roles) = &c.default_roles
        && let Err(e) = writer
            .audited(
                "default-roles",
                TargetType::Tenant,
                &c.id,
                backup,
                client.set_default_roles(&c.id, roles),
            )
            .await?
    {
        return Ok(Outcome::Failed(format!("default roles: {e}")));
    }
    Ok(Outcome::Done)
}

fn report(
    ctx: &Ctx,
    results: &[(&Change, Outcome)],
    backups: &BTreeMap<String, PathBuf>,
    renamed_temporarily: &BTreeSet<&str>,
    interrupted: bool,
) -> CliResult {
    let count = |a: fn(&Action) -> bool| {
        results
            .iter()
            .filter(|(c, o)| a(&c.action) && matches!(o, Outcome::Done))
            .count()
    };
    let created = count(|a| matches!(a, Action::Create));
    let updated = count(|a| matches!(a, Action::Update));
    let deleted = count(|a| matches!(a, Action::Delete));
    let failed: Vec<(&Change, &String)> = results
        .iter()
        .filter_map(|(c, o)| {
            if let Outcome::Failed(e) = o {
                Some((*c, e))
            } else {
                None
            }
        })
        .collect();
    let skipped = results
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Skipped))
        .count();
    let mut undo: Vec<String> = Vec::new();
    for (c, o) in results {
        if !matches!(o, Outcome::Done) && !renamed_temporarily.contains(c.id.as_str()) {
            continue;
        }
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
        ctx.out.emit(
            &json!({
                "created": created, "updated": updated, "deleted": deleted, "notStarted": skipped,
                "failed": failed.iter().map(|(c, e)| json!({"id": c.id, "action": action_name(&c.action), "error": e})).collect::<Vec<_>>(),
                "interrupted": interrupted,
                "undo": undo,
            }),
            Table::default,
        );
    }
    ctx.out.status(&summary);
    for (c, e) in &failed {
        ctx.out.status(&format!(
            "  failed: {} {}: {e}",
            action_name(&c.action),
            c.id
        ));
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
        return Err(CliError::new(format!("interrupted: {summary}"))
            .with_exit(Exit::Interrupted)
            .hint("in-flight writes finished and are in the audit log; re-run the same sync to finish, or undo with the commands above"));
    }
    if !failed.is_empty() {
        return Err(CliError::new(format!("{} write(s) failed", failed.len()))
            .with_exit(Exit::Partial)
            .hint(
                "fix the cause and re-run the same sync: it plans only what is still different",
            ));
    }
    Ok(Exit::Success)
}
