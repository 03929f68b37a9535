//! `sync` and `tenant sync`: plan the project file against the project (or read a saved plan),
//! show or save the plan, and apply it with `descope_sync::execute_project` through the CLI's
//! backend. `tenant sync` is the same run limited to tenants, their settings and their roles
//! ([`Scope::Tenants`]); `sync` covers the whole file ([`Scope::Project`]).

mod backend;
mod confirm;
mod live_plan;
mod markdown;
mod read;
mod render;
mod resources;
mod saved;
mod ticker;

use std::path::{Path, PathBuf};

use descope_sync::{ExecuteOptions, PlanOptions, ProjectPlanDocument, Scope};

use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::output::{Format, Table, shown_path};
use crate::write::Writer;

pub use live_plan::plan_against_live;

/// What a sync run was asked to do (the flags of `sync` and `tenant sync`).
#[derive(Debug, Clone)]
pub struct Options {
    /// `sync` or `tenant sync`, for messages.
    pub command: &'static str,
    pub scope: Scope,
    pub config: Option<PathBuf>,
    pub dry_run: bool,
    pub apply: bool,
    pub prune: bool,
    pub max_deletes: Option<usize>,
    pub only: Vec<String>,
    pub detailed_exitcode: bool,
    pub out: Option<PathBuf>,
    pub plan: Option<PathBuf>,
    pub fail_fast: bool,
}

/// `--max-deletes` when not given.
const DEFAULT_MAX_DELETES: usize = 5;

/// Runs `sync` or `tenant sync`.
pub async fn run(ctx: &Ctx, o: &Options) -> CliResult {
    let command = o.command;
    crate::only::compile_kinds(&o.only)?; // a bad pattern is a usage error before any request
    if o.plan.is_none() && o.config.is_none() {
        return Err(CliError::usage(format!(
            "{command} needs --config FILE (or --apply --plan PLAN.json)"
        )));
    }
    if o.plan.is_some()
        && (o.config.is_some() || o.prune || !o.only.is_empty() || o.max_deletes.is_some())
    {
        return Err(CliError::usage(
            "--plan applies a saved plan exactly; --config, --prune, --only and --max-deletes belong to the run that made it (the plan holds the ones it was made with)",
        ));
    }
    // Offline checks first: a bad file fails before any request.
    let spec = match &o.config {
        Some(f) => Some(crate::spec_file::load_spec(ctx, f)?),
        None => None,
    };
    if let (Some(spec), Scope::Tenants) = (&spec, o.scope) {
        note_sections_left_alone(ctx, spec);
    }
    let saved = match &o.plan {
        Some(p) => Some(saved::read(p)?),
        None => None,
    };
    let client = ctx.client().await?;
    let project_id = ctx.settings().await?.project_id.clone();
    // An apply holds the project lock from before it reads live state to after its last write.
    let writer = if o.apply {
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
    let needs_doc = o.out.is_some()
        || (o.dry_run && !matches!(ctx.out.format, Format::Table | Format::Markdown));
    let (plan, live_fps, opts, resources) = if let Some(saved) = saved {
        let path = o.plan.as_deref().unwrap_or(Path::new("PLAN.json"));
        let now = descope_sync::live_fingerprints(&live);
        let resources = read::live_resources(ctx, client, &saved.reads(), &live).await?;
        let (plan, opts) = saved::checked(saved, path, &project_id, &live, &now, &resources)?;
        (plan, Some(now), opts, resources)
    } else {
        let spec = spec
            .as_ref()
            .ok_or_else(|| CliError::usage("--config is required"))?;
        let opts = PlanOptions {
            prune: o.prune,
            only: o.only.clone(),
            max_deletes: o.max_deletes.unwrap_or(DEFAULT_MAX_DELETES),
            protected: spec.protected.clone(),
        };
        let reads = descope_sync::Reads::of(spec, o.scope, &opts);
        let resources = read::live_resources(ctx, client, &reads, &live).await?;
        // The fingerprints of the live tenants are hashed on a second thread while the plan is
        // made; they are only needed when the plan document is written.
        let (plan, live_fps) = std::thread::scope(|s| {
            let fps = needs_doc.then(|| s.spawn(|| descope_sync::live_fingerprints(&live)));
            let plan = descope_sync::plan_project(spec, o.scope, &live, &resources, &opts);
            (plan, fps.map(|h| h.join()))
        });
        let plan = plan.map_err(|e| render::project_plan_error(&e, o.config.as_deref(), spec))?;
        let live_fps = live_fps.map(|r| r.unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        (plan, live_fps, opts, resources)
    };

    let fingerprints = match &live_fps {
        Some(fps) if needs_doc => descope_sync::plan_fingerprints(&plan.tenants, fps),
        _ => Vec::new(),
    };
    let resource_fps = if needs_doc {
        descope_sync::resource_fingerprints(&plan, &resources)
    } else {
        Vec::new()
    };
    let doc = ProjectPlanDocument {
        plan: &plan,
        project_id: &project_id,
        config: o.config.as_deref(),
        fingerprints: &fingerprints,
        resource_fingerprints: &resource_fps,
        options: &opts,
    };
    if let Some(out) = &o.out {
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
        Format::Table => ctx.out.human_text(&render::project_plan_text(ctx, &plan)),
        Format::Markdown if o.dry_run => ctx.out.markdown(&markdown::plan_markdown(command, &plan)),
        _ if o.dry_run => ctx.out.emit(&doc, Table::default),
        _ => Ok(()),
    };
    render::warnings(ctx, &plan);
    let has_changes = plan.has_changes();
    if has_changes {
        let settings = ctx.settings().await?;
        ctx.out.status(&render::cost_line(
            &plan,
            settings.max_rate.as_ref(),
            ctx.global.local,
        ));
    }
    if o.dry_run {
        return Ok(if o.detailed_exitcode && has_changes {
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
    confirm::confirm(ctx, &plan, &project_id)?;
    let backend = backend::CliBackend::new(ctx, client, &writer, &live, &resources);
    let options = ExecuteOptions {
        concurrency: usize::from(ctx.global.concurrency),
        fail_fast: o.fail_fast,
    };
    let stop = || ctx.interrupt.stopped();
    let report = descope_sync::execute_project(&plan, &live, &backend, &options, &stop).await?;
    render::report(
        ctx,
        &plan,
        &report,
        backend.backups(),
        backend.resource_backups(),
    )
}

/// `tenant sync` plans tenants, their settings and their roles; a file that also has top-level
/// `permissions:` or `roles:` gets a note that those are left alone (and what applies them).
fn note_sections_left_alone(ctx: &Ctx, spec: &descope_spec::Spec) {
    let mut found = Vec::new();
    if spec.permissions.is_some() {
        found.push("`permissions:`");
    }
    if spec.roles.is_some() {
        found.push("`roles:` (project roles)");
    }
    if !found.is_empty() {
        ctx.out.status(&format!(
            "note: tenant sync leaves the file's top-level {} alone; `descope-mgmt sync` applies the whole file",
            found.join(" and ")
        ));
    }
}
