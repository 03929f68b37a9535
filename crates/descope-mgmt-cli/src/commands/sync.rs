//! `tenant sync` (plan and apply tenants.yaml) and `tenant export` (live tenants as tenants.yaml).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use descope_api::hash::{FastMap, fast_map};
use descope_api::{Client, Tenant};
use descope_store::TargetType;
use descope_sync::{Action, Change, Plan, PlanOptions};
use futures::StreamExt;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Value, json};

use super::show_value;
use super::tenant::shell_quote;
use crate::args::{TenantExportArgs, TenantSyncArgs};
use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::output::{Format, Table, shown};
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
    let text = descope_spec::to_yaml(&desired);
    match &args.file {
        Some(f) => {
            super::flow::write_file(f, &text)?;
            ctx.out.status(&format!(
                "Exported {} tenant(s) to {}",
                desired.len(),
                f.display()
            ));
        }
        None => ctx.out.data_text(&text),
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
}

impl Serialize for PlanDoc<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let sum = self.plan.summary();
        let mut m = s.serialize_map(Some(7))?;
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
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("id", &c.id)?;
        m.serialize_entry("action", action_name(&c.action))?;
        m.serialize_entry("fields", &c.fields)?;
        m.serialize_entry("request", &c.request)?;
        m.serialize_entry("defaultRoles", &c.default_roles)?;
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

fn change_from_json(v: &Value) -> Result<Change, String> {
    let id = v
        .get("id")
        .and_then(Value::as_str)
        .ok_or("a change has no id")?
        .to_owned();
    let action = match v.get("action").and_then(Value::as_str) {
        Some("create") => Action::Create,
        Some("update") => Action::Update,
        Some("delete") => Action::Delete,
        other => return Err(format!("change `{id}` has an unknown action {other:?}")),
    };
    let request = match v.get("request") {
        None | Some(Value::Null) => None,
        Some(r) => Some(Box::new(
            serde_json::from_value(r.clone())
                .map_err(|e| format!("change `{id}`: bad request: {e}"))?,
        )),
    };
    let default_roles = match v.get("defaultRoles") {
        None | Some(Value::Null) => None,
        Some(r) => Some(
            serde_json::from_value(r.clone())
                .map_err(|e| format!("change `{id}`: bad defaultRoles: {e}"))?,
        ),
    };
    let fields = v
        .get("fields")
        .and_then(Value::as_array)
        .map(|fs| {
            fs.iter()
                .map(|f| descope_sync::FieldChange {
                    field: f
                        .get("field")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    old: f.get("old").cloned().unwrap_or(Value::Null),
                    new: f.get("new").cloned().unwrap_or(Value::Null),
                })
                .collect()
        })
        .unwrap_or_default();
    let roles_only = matches!(action, Action::Update) && default_roles.is_some();
    if !matches!(action, Action::Delete) && request.is_none() && !roles_only {
        return Err(format!("change `{id}` has no request"));
    }
    Ok(Change {
        id,
        action,
        fields,
        request,
        default_roles,
        protected: false,
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

/// A saved plan read back.
struct SavedPlan {
    project_id: String,
    changes: Vec<Change>,
    fingerprints: BTreeMap<String, Option<String>>,
    unchanged: usize,
}

fn read_saved_plan(path: &Path) -> Result<SavedPlan, CliError> {
    let bad = |why: String| {
        CliError::new(format!("{}: not a usable plan file: {why}", path.display()))
            .hint("make a new one with `tenant sync --dry-run --out PLAN.json`")
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::new(format!("cannot read {}: {e}", path.display())))?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| bad(format!("invalid JSON at {}:{}: {e}", e.line(), e.column())))?;
    match v.get("formatVersion").and_then(Value::as_u64) {
        Some(1) => {}
        other => return Err(bad(format!("unsupported formatVersion {other:?}"))),
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
        .map_err(bad)?;
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
        .map_or(0, Vec::len);
    Ok(SavedPlan {
        project_id,
        changes,
        fingerprints,
        unchanged,
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

/// `tenant sync`.
pub async fn sync(ctx: &Ctx, args: &TenantSyncArgs) -> CliResult {
    compile_only(&args.only)?; // a bad glob is a usage error before any request
    if args.plan.is_none() && args.config.is_none() {
        return Err(CliError::usage(
            "tenant sync needs --config FILE (or --apply --plan PLAN.json)",
        ));
    }
    if args.plan.is_some() && (args.config.is_some() || args.prune || !args.only.is_empty()) {
        return Err(CliError::usage(
            "--plan applies a saved plan exactly; --config, --prune and --only belong to the run that made it",
        ));
    }
    // Offline checks first: a bad file fails before any request.
    let spec = match &args.config {
        Some(f) => Some(super::config::load_spec(ctx, f)?),
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
    let (plan, live_fps) = if let Some(saved) = saved {
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
        let mut changes = saved.changes;
        changes.extend((0..saved.unchanged).map(|_| Change {
            id: String::new(),
            action: Action::Unchanged,
            fields: Vec::new(),
            request: None,
            default_roles: None,
            protected: false,
        }));
        (Plan { changes }, Some(now))
    } else {
        let spec = spec
            .as_ref()
            .ok_or_else(|| CliError::usage("--config is required"))?;
        let opts = PlanOptions {
            prune: args.prune,
            only: args.only.clone(),
            max_deletes: args.max_deletes,
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
        (plan, live_fps)
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
    };
    if let Some(out) = &args.out {
        super::flow::write_file(
            out,
            &format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            ),
        )?;
        ctx.out
            .status(&format!("Saved the plan to {}", out.display()));
    }
    match ctx.out.format {
        Format::Table => ctx.out.human_text(&render_plan(ctx, &plan)),
        _ if args.dry_run => ctx.out.emit(&doc, Table::default),
        _ => {}
    }
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
    let file = config.map_or(String::new(), |p| format!("{}{at}: ", p.display()));
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

    // 2. Waves: creates by depth of parent-being-created, then updates, then deletes children first.
    let creating: BTreeSet<&str> = changes
        .iter()
        .filter(|c| matches!(c.action, Action::Create))
        .map(|c| c.id.as_str())
        .collect();
    let parent_of = |c: &Change| {
        c.request
            .as_ref()
            .map(|r| r.parent.clone())
            .unwrap_or_default()
    };
    let mut depth: BTreeMap<String, usize> = BTreeMap::new();
    fn depth_of(
        id: &str,
        parents: &BTreeMap<String, String>,
        creating: &BTreeSet<&str>,
        memo: &mut BTreeMap<String, usize>,
        guard: usize,
    ) -> usize {
        if let Some(d) = memo.get(id) {
            return *d;
        }
        let d = match parents.get(id) {
            Some(p) if creating.contains(p.as_str()) && guard < 64 => {
                1 + depth_of(p, parents, creating, memo, guard + 1)
            }
            _ => 0,
        };
        memo.insert(id.to_owned(), d);
        d
    }
    let parents: BTreeMap<String, String> = changes
        .iter()
        .map(|c| (c.id.clone(), parent_of(c)))
        .collect();
    for c in &changes {
        if matches!(c.action, Action::Create) {
            depth_of(&c.id, &parents, &creating, &mut depth, 0);
        }
    }
    let max_create_depth = depth.values().copied().max().unwrap_or(0);
    let live_parent = |id: &str| by_id.get(id).map(|t| t.parent.clone()).unwrap_or_default();
    let deleting: BTreeSet<&str> = changes
        .iter()
        .filter(|c| matches!(c.action, Action::Delete))
        .map(|c| c.id.as_str())
        .collect();
    let mut del_depth: BTreeMap<String, usize> = BTreeMap::new();
    for id in &deleting {
        // Deleted children go first: a tenant's wave is 1 + the wave of its deleted children.
        let mut d = 0;
        let mut cur = live_parent(id);
        let mut guard = 0;
        while deleting.contains(cur.as_str()) && guard < 64 {
            d += 1;
            cur = live_parent(&cur);
            guard += 1;
        }
        del_depth.insert((*id).to_owned(), d);
    }
    let max_del_depth = del_depth.values().copied().max().unwrap_or(0);
    // A delete whose name a create or rename in this plan takes must go first (names are unique),
    // and with it the deleted tenants below it.
    let claimed: BTreeSet<&str> = changes
        .iter()
        .filter(|c| matches!(c.action, Action::Create | Action::Update))
        .filter_map(|c| c.request.as_ref().map(|r| r.name.as_str()))
        .collect();
    let is_early = |id: &str| {
        let mut cur = id.to_owned();
        for _ in 0..64 {
            if by_id
                .get(cur.as_str())
                .is_some_and(|t| claimed.contains(t.name.as_str()))
            {
                return true;
            }
            cur = live_parent(&cur);
            if !deleting.contains(cur.as_str()) {
                return false;
            }
        }
        false
    };
    let early: BTreeSet<&str> = deleting.iter().copied().filter(|id| is_early(id)).collect();
    let early_span = if early.is_empty() {
        0
    } else {
        max_del_depth + 1
    };
    let mut waves: Vec<Vec<&Change>> =
        vec![Vec::new(); early_span + max_create_depth + 2 + max_del_depth + 1];
    for c in &changes {
        // deepest descendants (largest depth below a deleted ancestor) first
        let del_wave = || max_del_depth - del_depth.get(&c.id).copied().unwrap_or(0);
        let w = match c.action {
            Action::Create => early_span + depth.get(&c.id).copied().unwrap_or(0),
            Action::Update => early_span + max_create_depth + 1,
            Action::Delete if early.contains(c.id.as_str()) => del_wave(),
            Action::Delete => early_span + max_create_depth + 2 + del_wave(),
            Action::Unchanged => continue,
        };
        waves[w].push(c);
    }

    // 3. Writes, with Ctrl-C / SIGTERM stopping new ones while in-flight writes finish.
    let stop = Arc::new(AtomicBool::new(false));
    ctx.interrupt.set_graceful(true);
    let bar = ctx.out.progress(changes.len() as u64, "applying");
    let mut results: Vec<(&Change, Outcome)> = Vec::new();
    for wave in waves {
        if wave.is_empty() {
            continue;
        }
        let stop_ref = &stop;
        let backups_ref = &backups;
        let outcomes: Vec<(&Change, Result<Outcome, CliError>)> =
            futures::stream::iter(wave.into_iter().map(|c| async move {
                if stop_ref.load(Ordering::SeqCst) || ctx.interrupt.stopped() {
                    return (c, Ok(Outcome::Skipped));
                }
                let r = apply_one(
                    client,
                    writer,
                    c,
                    backups_ref.get(&c.id).map(PathBuf::as_path),
                )
                .await;
                // Interrupted just before sending: the write never started.
                let r = match r {
                    Err(e) if e.exit == Exit::Interrupted => Ok(Outcome::Skipped),
                    other => other,
                };
                if fail_fast && matches!(r, Ok(Outcome::Failed(_))) {
                    stop_ref.store(true, Ordering::SeqCst);
                }
                (c, r)
            }))
            .buffer_unordered(usize::from(ctx.global.concurrency))
            .inspect(|_| bar.inc(1))
            .collect()
            .await;
        for (c, r) in outcomes {
            match r {
                Ok(o) => results.push((c, o)),
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
    report(ctx, &results, &backups, ctx.interrupt.stopped())
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
pub async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).ok();
        let term_fut = async {
            match term.as_mut() {
                Some(t) => {
                    t.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = term_fut => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
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
        if !matches!(o, Outcome::Done) {
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
