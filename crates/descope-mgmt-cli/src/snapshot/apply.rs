//! Importing a snapshot, as `snapshot import` and the restore of a snapshot backup both do:
//! export the live snapshot, validate the files, show the plan, then (not in a dry run) take the
//! project lock, back up the live snapshot and import, with an audit record.

use descope_api::{Client, SnapshotFiles, SnapshotSecrets, SnapshotValidation};
use descope_store::TargetType;
use serde_json::{Value, json};

use super::plan::{SnapshotPlan, ValidationView, diff};
use super::secrets::complete;
use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::output::{Format, Table, shown_path};
use crate::shell::shell_quote;
use crate::write::Writer;

/// The target id snapshot backups and audit records are filed under.
pub const SNAPSHOT_ID: &str = "project";

/// What to import, from where, and how.
pub struct ImportRequest {
    /// How messages name where the files come from.
    pub source: String,
    /// The files.
    pub files: SnapshotFiles,
    /// Secrets given so far (completed from the environment for what the service misses).
    pub secrets: SnapshotSecrets,
    /// `--exclude` values (only `lists`).
    pub excludes: Vec<String>,
    /// Whether the files hold assets (the live snapshot is compared in the same form).
    pub assets: bool,
    /// Show the plan; write nothing.
    pub dry_run: bool,
    /// `import` or `restore`, as the backup records it.
    pub operation: &'static str,
}

/// Validates `files`; when the service misses secrets the environment has, asks again with them.
pub async fn validate(
    ctx: &Ctx,
    client: &Client,
    files: &SnapshotFiles,
    secrets: &mut SnapshotSecrets,
) -> Result<SnapshotValidation, CliError> {
    let first = client
        .validate_snapshot(files, secrets)
        .await
        .map_err(|e| ctx.api_error(&e))?;
    if first.missing_secrets.is_empty() || complete(ctx, &first.missing_secrets, secrets) == 0 {
        return Ok(first);
    }
    client
        .validate_snapshot(files, secrets)
        .await
        .map_err(|e| ctx.api_error(&e))
}

/// The error of a snapshot that does not validate.
#[must_use]
pub fn invalid(view: &ValidationView, source: &str, what: &str) -> CliError {
    let n = view.failures.len() + view.missing_secrets.len();
    let mut err = CliError::invalid(format!(
        "the snapshot in {source} does not validate ({n} problem(s)):\n{}",
        view.lines().join("\n")
    ))
    .hint(format!(
        "{what}; fix the files, then run `descope-mgmt snapshot validate`"
    ));
    if !view.missing_secrets.is_empty() {
        err = err.hint(
            "give secrets with --secrets FILE (mode 0600) or DESCOPE_SECRET_* variables; see docs/snapshots.md",
        );
    }
    err
}

fn plan_json(plan: &SnapshotPlan, applied: bool, backup: Option<&std::path::Path>) -> Value {
    let mut v = serde_json::to_value(plan).unwrap_or_else(|_| json!({}));
    v["applied"] = json!(applied);
    if let Some(b) = backup {
        v["backup"] = json!(b);
    }
    v
}

fn confirm(ctx: &Ctx, plan: &SnapshotPlan, title: &str, project_id: &str) -> Result<(), CliError> {
    let (_, _, removes) = plan.counts();
    if ctx.global.yes {
        return Ok(());
    }
    // With -o json|yaml the plan is not on stdout yet: a question comes after it, on stderr.
    if ctx.out.stdin_tty && !matches!(ctx.out.format, Format::Table) {
        ctx.out.status(plan.text(title).trim_end());
    }
    if removes > 0 {
        return crate::prompts::confirm(
            ctx,
            &format!("This deletes {removes} file(s) of project {project_id}. Import?"),
        );
    }
    if ctx.out.stdin_tty {
        return match ctx
            .out
            .confirm(&format!("Import this snapshot into project {project_id}?"))
        {
            Some(false) => Err(CliError::new("cancelled; nothing was changed")),
            _ if ctx.out.prompt_interrupted() => Err(crate::prompt_interrupted()),
            _ => Ok(()),
        };
    }
    Ok(())
}

/// Runs an import (or a restore) as described in the module comment.
pub async fn run(ctx: &Ctx, mut req: ImportRequest) -> CliResult {
    let client = ctx.client().await?;
    let live = client
        .export_snapshot(req.assets)
        .await
        .map_err(|e| ctx.api_error(&e))?;
    let validation = validate(ctx, client, &req.files, &mut req.secrets).await?;
    let view = ValidationView::of(&validation);
    let excluded_lists = req.excludes.iter().any(|e| e == "lists");
    let plan = diff(req.source.clone(), &live, &req.files, excluded_lists, view);
    let verb = if req.operation == "restore" {
        "Snapshot restore"
    } else {
        "Snapshot import"
    };
    let title = format!(
        "{verb} from {}{}",
        req.source,
        if req.dry_run { " (dry run)" } else { "" }
    );
    let nothing_written = if req.dry_run {
        "dry run: nothing was imported"
    } else {
        "nothing was imported"
    };
    // Markdown (dry runs only): the plan as a pull-request comment, and the verdict's exit code.
    if req.dry_run && ctx.out.format == Format::Markdown {
        let verb = if req.operation == "restore" {
            "restore"
        } else {
            "import"
        };
        ctx.out.markdown(&super::markdown::markdown(&plan, verb))?;
        if !plan.validation.ok {
            return Err(invalid(&plan.validation, &req.source, nothing_written));
        }
        return Ok(Exit::Success);
    }
    // Table: the plan as text now. JSON/YAML: one plan object on stdout, when the run ends.
    let table = matches!(ctx.out.format, Format::Table);
    if table {
        let _ = ctx.out.human_text(&plan.text(&title));
    }
    let emit = |applied: bool, backup: Option<&std::path::Path>| -> Result<(), CliError> {
        if !table {
            ctx.out
                .emit(&plan_json(&plan, applied, backup), Table::default)?;
        }
        Ok(())
    };
    if !plan.validation.ok {
        emit(false, None)?;
        return Err(invalid(&plan.validation, &req.source, nothing_written));
    }
    if !plan.has_changes() {
        emit(false, None)?;
        ctx.out.status(&format!(
            "the live project already matches {}; nothing to import",
            req.source
        ));
        return Ok(Exit::Success);
    }
    if req.dry_run {
        emit(false, None)?;
        return Ok(Exit::Success);
    }
    let project_id = ctx.settings().await?.project_id.clone();
    confirm(ctx, &plan, &title, &project_id)?;
    let writer = Writer::begin(ctx).await?;
    // The backup is of the whole live snapshot, assets included, read under the lock.
    let full = client
        .export_snapshot(true)
        .await
        .map_err(|e| ctx.api_error(&e))?;
    let backup = writer.backup(
        req.operation,
        TargetType::Snapshot,
        SNAPSHOT_ID,
        &json!({ "files": full }),
        None,
    )?;
    writer
        .audited(
            "import",
            TargetType::Snapshot,
            SNAPSHOT_ID,
            Some(&backup),
            client.import_snapshot(&req.files, &req.secrets, &req.excludes),
        )
        .await?
        .map_err(|e| {
            ctx.api_error(&e).hint(format!(
                "the live snapshot before this import is in {}",
                shown_path(&backup)
            ))
        })?;
    emit(true, Some(backup.as_path()))?;
    let (a, c, r) = plan.counts();
    let done = if req.operation == "restore" {
        "Snapshot restored"
    } else {
        "Snapshot imported"
    };
    ctx.out.status(&format!(
        "{done} from {}: {a} added, {c} changed, {r} removed. Backup: {}",
        req.source,
        shown_path(&backup)
    ));
    ctx.out.status(&format!(
        "Undo: descope-mgmt restore {}",
        shell_quote(&backup.display().to_string())
    ));
    Ok(Exit::Success)
}
