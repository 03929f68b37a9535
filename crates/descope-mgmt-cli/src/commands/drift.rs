//! `drift`: what is live but differs from the project file, each difference with a severity
//! (the file's `drift:` section over the documented defaults). Exit 0: no drift; 2: drift; 1:
//! error. Read-only: it makes the plan `sync --dry-run` would make and sends no write.

use std::path::PathBuf;

use clap::Args;
use descope_spec::Severity;
use descope_sync::{Drift, DriftItem, PlanOptions, ResourceKind};
use serde_json::json;

use crate::ctx::Ctx;
use crate::error::{CliResult, Exit};
use crate::output::markdown::{Mark, MarkdownChange, MarkdownField, MarkdownPlan};
use crate::output::{Format, Table, shown_path};
use crate::values::show_value;

/// `drift`.
#[derive(Debug, Args)]
pub struct DriftArgs {
    /// The project file to compare with the live project
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: PathBuf,
    /// Also report live tenants, roles and permissions the file does not list (those `sync
    /// --prune` would delete; never `protect: true` ones)
    #[arg(long)]
    pub prune: bool,
    /// Compare only these: `tenant:GLOB`, `role:GLOB`, `permission:GLOB` (a bare GLOB is a
    /// tenant id pattern; repeatable), as `sync --only`
    #[arg(long, value_name = "KIND:GLOB")]
    pub only: Vec<String>,
}

/// `drift`.
pub async fn run(ctx: &Ctx, args: &DriftArgs) -> CliResult {
    crate::only::compile_kinds(&args.only)?; // a bad pattern is a usage error before any request
    let spec = crate::spec_file::load_spec(ctx, &args.config)?;
    let opts = PlanOptions {
        prune: args.prune,
        only: args.only.clone(),
        // Drift reports every unlisted object; the delete limit guards applies only.
        max_deletes: usize::MAX,
        protected: spec.protected.clone(),
    };
    let plan = crate::project_sync::plan_against_live(ctx, &spec, &args.config, &opts).await?;
    let drift = descope_sync::drift(&plan, &spec.drift);
    let summary = summary(&drift);
    match ctx.out.format {
        Format::Markdown => ctx.out.markdown(&markdown(&drift, &summary, args))?,
        Format::Table => {
            if !drift.items.is_empty() {
                ctx.out.table(&table(&drift))?;
            }
            ctx.out.status(&summary);
        }
        _ => ctx.out.emit(
            &json!({
                "drift": !drift.items.is_empty(),
                "critical": drift.count(Severity::Critical),
                "warning": drift.count(Severity::Warning),
                "ignored": drift.ignored,
                "items": drift.items,
            }),
            Table::default,
        )?,
    }
    Ok(if drift.items.is_empty() {
        Exit::Success
    } else {
        Exit::Changes
    })
}

/// "Drift: 2 critical, 1 warning (3 ignored)." or "No drift: ...".
fn summary(drift: &Drift) -> String {
    let ignored = if drift.ignored > 0 {
        format!(
            " ({} ignored by the file's `drift:` section)",
            drift.ignored
        )
    } else {
        String::new()
    };
    if drift.items.is_empty() {
        format!("No drift: the live project matches the file{ignored}.")
    } else {
        format!(
            "Drift: {} critical, {} warning{ignored}.",
            drift.count(Severity::Critical),
            drift.count(Severity::Warning)
        )
    }
}

/// How an item's object is named: a tenant's id, a role's name, `NAME (tenant T)` for a tenant
/// role, the tenant id for settings.
fn target(i: &DriftItem) -> String {
    match (i.kind, &i.tenant) {
        (ResourceKind::TenantRole, Some(t)) => format!("{} (tenant {t})", i.id),
        _ => i.id.clone(),
    }
}

fn table(drift: &Drift) -> Table {
    let mut t = Table::new(vec!["SEVERITY", "KIND", "TARGET", "FIELD", "LIVE", "FILE"]);
    for i in &drift.items {
        t.rows.push(vec![
            i.severity.to_string(),
            i.kind.to_string(),
            target(i),
            i.field.clone(),
            show_value(&i.live),
            show_value(&i.file),
        ]);
    }
    t
}

fn mark(s: Severity) -> Mark {
    match s {
        Severity::Critical => Mark::Critical,
        _ => Mark::Warning,
    }
}

/// One markdown change per drifted object, its worst severity first.
fn markdown(drift: &Drift, summary: &str, args: &DriftArgs) -> MarkdownPlan {
    let mut changes: Vec<MarkdownChange> = Vec::new();
    for i in &drift.items {
        let kind = i.kind.to_string();
        let target = target(i);
        let field = MarkdownField {
            name: i.field.clone(),
            old: show_value(&i.live),
            new: show_value(&i.file),
            mark: mark(i.severity),
        };
        match changes
            .iter_mut()
            .find(|c| c.kind == kind && c.target == target)
        {
            Some(c) => {
                if i.severity == Severity::Critical {
                    c.mark = Mark::Critical;
                }
                c.fields.push(field);
            }
            None => changes.push(MarkdownChange {
                kind,
                target,
                action: match i.field.as_str() {
                    "missing" => "missing live".to_owned(),
                    "unlisted" => "not in the file".to_owned(),
                    _ => "differs".to_owned(),
                },
                mark: mark(i.severity),
                fields: vec![field],
                notes: Vec::new(),
            }),
        }
    }
    MarkdownPlan {
        title: "descope-mgmt drift".to_owned(),
        summary: summary.to_owned(),
        columns: ("Live", "File"),
        changes,
        notes: Vec::new(),
        see_all: format!(
            "`descope-mgmt drift --config {}{} -o json`",
            shown_path(&args.config).replace('`', "'"),
            if args.prune { " --prune" } else { "" }
        ),
    }
}
