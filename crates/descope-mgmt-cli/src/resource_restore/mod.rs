//! Restoring a backup of any kind: a tenant, a flow (their own modules, shared by `tenant
//! restore`, `flow restore` and the top-level `restore`), a role, a permission or a tenant's
//! settings; and the plan and report the last three share. The theme is `crate::theme::replace`.

pub mod flow;
pub mod permission;
pub mod role;
pub mod settings;
pub mod tenant;

use std::path::Path;

use descope_store::Backup;
use serde_json::json;

use crate::ctx::Ctx;
use crate::error::CliError;
use crate::output::markdown::{MarkdownChange, MarkdownField, MarkdownPlan, field, mark_of};
use crate::output::{Format, Table, shown_path};
use crate::shell::shell_quote;
use crate::tenants::{FieldDiff, print_changes};
use crate::write::Writer;

/// What the restore of a role, permission or settings will do.
pub struct Planned {
    /// `role`, `permission` or `settings`, as JSON output names it.
    pub kind: &'static str,
    /// The target id (a role's `TENANT/NAME`, a permission's name, the settings' tenant).
    pub id: String,
    /// How messages name it: "role `viewer`", "the settings of tenant acme".
    pub what: String,
    /// Whether it exists now (an update), or is created again.
    pub exists: bool,
    /// The fields that change, old → new.
    pub changes: Vec<FieldDiff>,
}

impl Planned {
    fn action(&self) -> &'static str {
        if self.exists { "update" } else { "create" }
    }
}

/// Shows the plan (table: a header and one line per change; JSON/YAML with `dry_run`: the plan
/// object). `false` when there is nothing to restore (said on stderr).
fn show_plan(ctx: &Ctx, backup: &Backup, plan: &Planned, dry_run: bool) -> Result<bool, CliError> {
    let from = shown_path(&backup.path);
    if plan.exists && plan.changes.is_empty() {
        ctx.out.status(&format!(
            "{} already matches {from}; nothing to restore",
            plan.what
        ));
        return Ok(false);
    }
    if dry_run && matches!(ctx.out.format, Format::Markdown) {
        ctx.out.markdown(&restore_markdown(
            plan.kind,
            &plan.id,
            plan.exists,
            &plan.changes,
            &backup.path,
        ))?;
    } else if matches!(ctx.out.format, Format::Table) {
        let what = if plan.exists {
            "update it back"
        } else {
            "create it again"
        };
        let run = if dry_run { " (dry run)" } else { "" };
        print_changes(
            ctx,
            &format!("Restore {} from {from}: {what}{run}", plan.what),
            &plan.changes,
        );
    } else if dry_run {
        ctx.out.emit(
            &json!({"kind": plan.kind, "id": plan.id, "action": plan.action(), "changes": plan.changes, "applied": false}),
            Table::default,
        )?;
    }
    Ok(true)
}

/// A restore dry run as a markdown plan (`-o markdown`): one change of `kind` (`tenant`,
/// `role`...) `id`, updated back field by field or created again.
#[must_use]
pub fn restore_markdown(
    kind: &str,
    id: &str,
    exists: bool,
    changes: &[FieldDiff],
    from: &Path,
) -> MarkdownPlan {
    let fields: Vec<MarkdownField> = changes
        .iter()
        .map(|c| field(&c.field, &c.old, &c.new, exists))
        .collect();
    let mark = mark_of(&fields);
    let what = if exists {
        "update it back"
    } else {
        "create it again"
    };
    MarkdownPlan {
        title: "descope-mgmt restore plan".to_owned(),
        summary: format!(
            "Restore {kind} {id} from {}: {what} (dry run).",
            from.display()
        ),
        columns: ("Live", "After restore"),
        changes: vec![MarkdownChange {
            kind: kind.to_owned(),
            target: id.to_owned(),
            action: if exists { "update" } else { "create" }.to_owned(),
            mark,
            fields,
            notes: Vec::new(),
        }],
        notes: Vec::new(),
        see_all: "`-o json`".to_owned(),
    }
}

/// Reports a restore that was applied: the JSON/YAML result, the backup of the state before it,
/// and the command that undoes it.
pub fn report(ctx: &Ctx, backup: &Backup, plan: &Planned, pre: Option<&Path>) {
    if !matches!(ctx.out.format, Format::Table) {
        let _ = ctx.out.emit(
            &json!({"kind": plan.kind, "id": plan.id, "action": plan.action(), "changes": plan.changes, "applied": true, "backup": pre}),
            Table::default,
        );
    }
    ctx.out.status(&format!(
        "Restored {} from {}",
        plan.what,
        shown_path(&backup.path)
    ));
    if let Some(p) = pre {
        ctx.out.status(&format!(
            "The state before the restore is in {}",
            shown_path(p)
        ));
        ctx.out.status(&format!(
            "Undo:   descope-mgmt restore {}",
            shell_quote(&p.display().to_string())
        ));
    }
}

/// Plans a restore and shows the plan; then, unless `dry_run` or there is nothing to do, takes
/// the project lock and plans again under it (what is backed up must be what is replaced).
/// Returns the writer, the plan and what `plan` read live, ready to back up and write.
pub async fn begin<'a, L>(
    ctx: &'a Ctx,
    backup: &Backup,
    dry_run: bool,
    plan: impl AsyncFn(bool) -> Result<(Planned, L), CliError>,
) -> Result<Option<(Writer<'a>, Planned, L)>, CliError> {
    let (planned, _) = plan(dry_run).await?;
    if !show_plan(ctx, backup, &planned, dry_run)? || dry_run {
        return Ok(None);
    }
    let writer = Writer::begin(ctx).await?;
    let (planned, live) = plan(false).await?;
    if !still_to_do(ctx, backup, &planned) {
        return Ok(None);
    }
    Ok(Some((writer, planned, live)))
}

/// Whether a restore re-planned under the lock still has something to do (another run may have
/// restored it meanwhile); says so when not.
fn still_to_do(ctx: &Ctx, backup: &Backup, plan: &Planned) -> bool {
    if plan.exists && plan.changes.is_empty() {
        ctx.out.status(&format!(
            "{} already matches {}; nothing to restore",
            plan.what,
            shown_path(&backup.path)
        ));
        return false;
    }
    true
}

/// The object of a backup, decoded as `T`, or an error naming the file.
pub fn decode<T: serde::de::DeserializeOwned>(backup: &Backup, kind: &str) -> Result<T, CliError> {
    serde_json::from_value(backup.object.clone()).map_err(|e| {
        CliError::new(format!(
            "{}: the {kind} in this backup is not a {kind} object: {e}",
            shown_path(&backup.path)
        ))
        .hint("nothing was changed; pick another backup with `descope-mgmt backup list`")
    })
}

/// As [`decode`], for an object that must have a name (a role, a permission).
pub fn decode_named<T: serde::de::DeserializeOwned>(
    backup: &Backup,
    kind: &str,
    name: impl Fn(&T) -> &str,
) -> Result<T, CliError> {
    let object: T = decode(backup, kind)?;
    if name(&object).is_empty() {
        return Err(CliError::new(format!(
            "{}: the {kind} in this backup has no name",
            shown_path(&backup.path)
        ))
        .hint("nothing was changed; pick another backup with `descope-mgmt backup list`"));
    }
    Ok(object)
}

/// "the restore (dry run) from FILE" — how refusals name the restore.
fn the_restore(backup: &Backup, dry_run: bool) -> String {
    format!(
        "the restore{} from {}",
        if dry_run { " (dry run)" } else { "" },
        shown_path(&backup.path)
    )
}
