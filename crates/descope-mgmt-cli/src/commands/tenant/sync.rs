//! `tenant sync`: plans tenants.yaml against the project (or reads a saved plan), shows or saves
//! the plan, and applies it with `descope_sync::execute` through the CLI's backend.

mod backend;
mod render;
mod saved;

use std::path::{Path, PathBuf};

use clap::Args;
use descope_sync::{ExecuteOptions, PlanDocument, PlanOptions};

use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::output::{Format, Table, shown_path};
use crate::write::Writer;

/// `tenant sync`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["dry_run", "apply"])))]
pub struct TenantSyncArgs {
    /// tenants.yaml to sync
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Compute and show the plan; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Apply the plan (confirms on a terminal; --yes otherwise when deleting)
    #[arg(long)]
    pub apply: bool,
    /// Delete live tenants absent from the file (never `protect: true`, never outside --only)
    #[arg(long)]
    pub prune: bool,
    /// Refuse to delete more tenants than this [default: 5]
    #[arg(long, value_name = "N")]
    pub max_deletes: Option<usize>,
    /// Scope the whole plan to tenant ids matching this glob (repeatable)
    #[arg(long, value_name = "GLOB")]
    pub only: Vec<String>,
    /// Exit 0 when there are no changes, 2 when there are
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Save the plan (with fingerprints of the live tenants read) to this file
    #[arg(long, value_name = "PLAN.json")]
    pub out: Option<PathBuf>,
    /// Apply exactly this saved plan (refused if a tenant it read has changed since)
    #[arg(long, value_name = "PLAN.json", requires = "apply")]
    pub plan: Option<PathBuf>,
    /// Stop starting new writes after the first failure
    #[arg(long)]
    pub fail_fast: bool,
}

/// `--max-deletes` when not given.
const DEFAULT_MAX_DELETES: usize = 5;

/// `tenant sync`.
pub async fn run(ctx: &Ctx, args: &TenantSyncArgs) -> CliResult {
    crate::only::compile(&args.only)?; // a bad glob is a usage error before any request
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
    if let Some(spec) = &spec {
        refuse_unapplied_sections(spec)?;
    }
    let saved = match &args.plan {
        Some(p) => Some(saved::read(p)?),
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
        let now = descope_sync::live_fingerprints(&live);
        let (plan, opts) = saved::checked(saved, path, &project_id, &live, &now)?;
        (plan, Some(now), opts)
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
            let fps = needs_doc.then(|| s.spawn(|| descope_sync::live_fingerprints(&live)));
            let plan = descope_sync::plan(&spec.tenants, &live, &opts);
            (plan, fps.map(|h| h.join()))
        });
        let plan = plan.map_err(|e| render::plan_error(&e, args.config.as_deref(), spec))?;
        let live_fps = live_fps.map(|r| r.unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        (plan, live_fps, opts)
    };

    let fingerprints = match &live_fps {
        Some(fps) if needs_doc => descope_sync::plan_fingerprints(&plan, fps),
        _ => Vec::new(),
    };
    let doc = PlanDocument {
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
        Format::Table => ctx.out.human_text(&render::plan_text(ctx, &plan)),
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
        ctx.out.status(render::plan_text(ctx, &plan).trim_end());
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
    let backend = backend::CliBackend::new(ctx, client, &writer, &live);
    let options = ExecuteOptions {
        concurrency: usize::from(ctx.global.concurrency),
        fail_fast: args.fail_fast,
    };
    let stop = || ctx.interrupt.stopped();
    let report = descope_sync::execute(&plan, &live, &backend, &options, &stop).await?;
    render::report(ctx, &plan, &report, backend.backups())
}

/// This version reads and checks the project file's `permissions:`, `roles:` and each tenant's
/// `settings:` and `roles:` (`config validate`), but does not plan or apply them yet. Rather than
/// apply a file in part and leave those unchanged without a word, the sync refuses it.
fn refuse_unapplied_sections(spec: &descope_spec::Spec) -> Result<(), CliError> {
    let mut found: Vec<String> = Vec::new();
    if spec.permissions.is_some() {
        found.push("`permissions:`".to_owned());
    }
    if spec.roles.is_some() {
        found.push("`roles:` (project roles)".to_owned());
    }
    let with = |pick: fn(&descope_spec::DesiredTenant) -> bool| {
        spec.tenants.iter().filter(|t| pick(t)).count()
    };
    let settings = with(|t| t.settings.is_some());
    if settings > 0 {
        found.push(format!("`settings:` ({settings} tenant(s))"));
    }
    let roles = with(|t| t.roles.is_some());
    if roles > 0 {
        found.push(format!("tenant `roles:` ({roles} tenant(s))"));
    }
    if found.is_empty() {
        return Ok(());
    }
    Err(CliError::invalid(format!(
        "{} has {}, which this version checks but does not plan or apply yet; nothing was sent",
        shown_path(&spec.path),
        found.join(", ")
    ))
    .hint("`descope-mgmt config validate` checks the whole file; to sync the tenants now, keep those sections in another file"))
}
