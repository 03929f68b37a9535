//! The project theme: reading a theme file, and replacing the live theme backup-first (what
//! `theme deploy` and `theme restore` both do).

use std::path::Path;

use descope_store::TargetType;
use serde_json::Value;

use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::files::canonical;
use crate::output::shown_path;
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

/// Replaces the live theme with `theme` (from `source`, named in messages): shows what changes,
/// then backs up the live theme and imports, unless `dry_run`. `operation` is `deploy` or
/// `restore`, as the backup and the final message record it.
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
    let changed: Vec<String> = theme
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, v)| live.get(k.as_str()).map(canonical) != Some(canonical(v)))
        .map(|(k, _)| k.clone())
        .collect();
    let text = format!(
        "Theme: replace from {source}{}; changed: {}\n",
        if dry_run { " (dry run)" } else { "" },
        if changed.is_empty() {
            "(keys removed)".to_owned()
        } else {
            changed.join(", ")
        }
    );
    let table = matches!(ctx.out.format, crate::output::Format::Table);
    let report = |backup: Option<&Path>| {
        if !table {
            let _ = ctx.out.emit(
                &serde_json::json!({"source": source, "changed": changed, "applied": !dry_run, "backup": backup}),
                crate::output::Table::default,
            );
        }
    };
    if table {
        let _ = ctx.out.human_text(&text);
    }
    if dry_run {
        report(None);
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
    Ok(Exit::Success)
}
