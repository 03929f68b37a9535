//! The project theme: reading a theme file, and replacing the live theme backup-first (what
//! `theme deploy` and `theme restore` both do).

use std::path::Path;

use descope_store::TargetType;
use serde_json::Value;

use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::files::canonical;
use crate::output::markdown::{Mark, MarkdownChange, MarkdownPlan};
use crate::output::{shown, shown_path};
use crate::shell::shell_quote;
use crate::write::Writer;

/// The theme backups and audit records are filed under.
pub const THEME_ID: &str = "project";

/// Reads a theme file: `{"styles", "componentsVersion", …}` or the export answer `{"theme": {…}}`.
pub fn read_theme_file(path: &Path) -> Result<Value, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::io(format!("cannot read {}: {e}", shown_path(path))))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| {
        crate::files::json_file_error(path, &text, &e)
            .hint("a theme file is what `descope-mgmt theme export` writes; nothing was deployed")
    })?;
    let theme = match v.get("theme") {
        Some(inner) if inner.is_object() => inner.clone(),
        _ => v,
    };
    let ok = theme
        .as_object()
        .is_some_and(|o| o.contains_key("styles") || o.contains_key("cssTemplate"));
    if !ok {
        return Err(CliError::new(format!(
            "{}: not a Descope theme (no `styles`)",
            shown_path(path)
        ))
        .hint("a theme file is what `descope-mgmt theme export` writes"));
    }
    Ok(theme)
}

/// How a theme file differs from the live theme. The service's import merges (reference §10.2):
/// each style in the file replaces the live style of that name, a live style the file lacks stays.
#[derive(Debug, Default, serde::Serialize)]
pub struct ThemeDiff {
    /// Styles in the file, not live.
    pub added: Vec<String>,
    /// Styles in both that differ.
    pub changed: Vec<String>,
    /// Live styles the file lacks: the import cannot remove them.
    pub stays: Vec<String>,
    /// Other top-level keys that differ (`componentsVersion`, `references`, …).
    pub keys: Vec<String>,
}

impl ThemeDiff {
    /// `file` against `live`.
    #[must_use]
    pub fn of(live: &Value, file: &Value) -> Self {
        let styles = |v: &Value| v.get("styles").and_then(Value::as_object).cloned();
        let (live_styles, file_styles) = (
            styles(live).unwrap_or_default(),
            styles(file).unwrap_or_default(),
        );
        let mut d = Self::default();
        for (name, style) in &file_styles {
            match live_styles.get(name) {
                None => d.added.push(name.clone()),
                Some(l) if canonical(l) != canonical(style) => d.changed.push(name.clone()),
                Some(_) => {}
            }
        }
        d.stays = live_styles
            .keys()
            .filter(|n| !file_styles.contains_key(*n))
            .cloned()
            .collect();
        d.keys = file
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, v)| {
                k.as_str() != "styles" && live.get(k.as_str()).map(canonical) != Some(canonical(v))
            })
            .map(|(k, _)| k.clone())
            .collect();
        d
    }

    /// Whether an import would change anything live.
    #[must_use]
    pub fn writes(&self) -> bool {
        !(self.added.is_empty() && self.changed.is_empty() && self.keys.is_empty())
    }

    /// The plan as a pull-request comment (`-o markdown`).
    fn markdown(&self, verb: &str, source: &str) -> MarkdownPlan {
        let change = |target: &str, action: &str, mark: Mark, note: Option<&str>| MarkdownChange {
            kind: "theme".to_owned(),
            target: target.to_owned(),
            action: action.to_owned(),
            mark,
            fields: Vec::new(),
            notes: note.map(str::to_owned).into_iter().collect(),
        };
        let mut changes = Vec::new();
        for n in &self.stays {
            changes.push(change(
                &format!("style {n}"),
                "stays live",
                Mark::Warning,
                Some("the service's theme import merges styles and cannot remove one: delete it in the Descope console, or add it to the file"),
            ));
        }
        for n in &self.added {
            changes.push(change(&format!("style {n}"), "add", Mark::Plain, None));
        }
        for n in &self.changed {
            changes.push(change(&format!("style {n}"), "replace", Mark::Plain, None));
        }
        for k in &self.keys {
            changes.push(change(k, "replace", Mark::Plain, None));
        }
        MarkdownPlan {
            title: format!("descope-mgmt theme {verb} plan"),
            summary: format!(
                "Theme: {} style(s) to add, {} to replace, {} other key(s), {} style(s) that stay live.",
                self.added.len(),
                self.changed.len(),
                self.keys.len(),
                self.stays.len()
            ),
            columns: ("Live", "File"),
            changes,
            notes: vec![format!("From {}.", shown(source))],
            see_all: format!("`theme {verb} --dry-run -o json`"),
        }
    }

    fn lines(&self) -> String {
        let mut text = String::new();
        for (mark, what, names) in [
            ("+", "style", &self.added),
            ("~", "style", &self.changed),
            ("~", "key", &self.keys),
        ] {
            for n in names {
                text.push_str(&format!("  {mark} {what} {}\n", shown(n)));
            }
        }
        for n in &self.stays {
            text.push_str(&format!(
                "  ! style {} stays live: the service's theme import merges styles and cannot remove one\n",
                shown(n)
            ));
        }
        text
    }
}

/// The hint for styles a theme import leaves behind.
fn stays_hint(stays: &[String]) -> String {
    format!(
        "the live theme keeps {} style(s) the file lacks ({}): the service's theme import only adds and \
         replaces styles. Delete them in the Descope console (Styles), or add them to the file to keep them",
        stays.len(),
        stays
            .iter()
            .map(|s| shown(s))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Replaces the live theme with `theme` (from `source`, named in messages): shows what changes,
/// then backs up the live theme and imports, unless `dry_run`. `operation` is `deploy` or
/// `restore`, as the backup and the final message record it. The import merges, so live styles the
/// file lacks stay: the plan names them, and the run ends with exit 3 when the live theme does not
/// end as the file.
pub async fn replace(
    ctx: &Ctx,
    theme: &Value,
    source: &str,
    dry_run: bool,
    operation: &str,
) -> CliResult {
    let client = ctx.client().await?;
    let live = client.export_theme().await.map_err(|e| ctx.api_error(&e))?;
    if canonical(&live) == canonical(theme) {
        ctx.out.status(&format!(
            "the live theme already matches {source}; nothing to do"
        ));
        return Ok(Exit::Success);
    }
    let diff = ThemeDiff::of(&live, theme);
    let verb = if operation == "restore" {
        "restore"
    } else {
        "deploy"
    };
    let text = format!(
        "Theme: {verb} from {source}{}\n{}",
        if dry_run { " (dry run)" } else { "" },
        diff.lines()
    );
    if dry_run && ctx.out.format == crate::output::Format::Markdown {
        ctx.out.markdown(&diff.markdown(verb, source))?;
        return Ok(Exit::Success);
    }
    let table = matches!(ctx.out.format, crate::output::Format::Table);
    let report = |backup: Option<&Path>, ends_as_file: bool| {
        if !table {
            let _ = ctx.out.emit(
                &serde_json::json!({
                    "source": source, "added": diff.added, "changed": diff.changed,
                    "keys": diff.keys, "stays": diff.stays, "applied": !dry_run && diff.writes(),
                    "backup": backup, "endsAsFile": ends_as_file,
                }),
                crate::output::Table::default,
            );
        }
    };
    if table {
        let _ = ctx.out.human_text(&text);
    }
    if dry_run || !diff.writes() {
        report(None, !diff.writes() && diff.stays.is_empty());
        if !dry_run {
            // Only styles the import cannot remove differ: nothing to send.
            ctx.out
                .warn(&format!("nothing to import; {}", stays_hint(&diff.stays)));
            return Ok(Exit::Partial);
        }
        return Ok(Exit::Success);
    }
    let writer = Writer::begin(ctx).await?;
    let live = client.export_theme().await.map_err(|e| ctx.api_error(&e))?;
    let backup = writer.backup(operation, TargetType::Theme, THEME_ID, &live, None)?;
    writer
        .audited(
            "import",
            TargetType::Theme,
            THEME_ID,
            Some(&backup),
            client.import_theme(theme),
        )
        .await?
        .map_err(|e| ctx.api_error(&e))?;
    let after = client.export_theme().await.map_err(|e| ctx.api_error(&e))?;
    let ends_as_file = canonical(&after) == canonical(theme);
    report(Some(&backup), ends_as_file);
    let done = if operation == "restore" {
        format!("Theme restored from {source}.")
    } else {
        "Theme deployed.".to_owned()
    };
    ctx.out
        .status(&format!("{done} Backup: {}", shown_path(&backup)));
    ctx.out.status(&format!(
        "Undo: descope-mgmt theme restore {}",
        shell_quote(&backup.display().to_string())
    ));
    if ends_as_file {
        return Ok(Exit::Success);
    }
    let left = ThemeDiff::of(&after, theme);
    let mut what = Vec::new();
    if !left.stays.is_empty() {
        what.push(stays_hint(&left.stays));
    }
    if left.writes() {
        what.push("the service did not take every style and key of the file; run `descope-mgmt theme export` to see what it holds".to_owned());
    }
    ctx.out.warn(&format!(
        "the live theme does not match {source}: {}",
        what.join("; ")
    ));
    Ok(Exit::Partial)
}
