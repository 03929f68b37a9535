//! `theme export | deploy | restore`: the project theme as a JSON file, deployed backup-first.

use std::path::Path;

use descope_store::TargetType;
use serde_json::Value;

use crate::args::{RestoreArgs, ThemeCommand};
use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::files::{canonical, to_file_text, write_file};
use crate::output::shown_path;
use crate::restore_lookup::find_backup;
use crate::shell::shell_quote;
use crate::write::Writer;

/// The theme backups and audit records are filed under.
const THEME_ID: &str = "project";

/// Runs a theme command.
pub async fn run(ctx: &Ctx, cmd: ThemeCommand) -> CliResult {
    match cmd {
        ThemeCommand::Export { file } => {
            let client = ctx.client().await?;
            let theme = client.export_theme().await.map_err(|e| ctx.api_error(&e))?;
            match file {
                Some(f) => {
                    write_file(&f, &to_file_text(&theme)).await?;
                    ctx.out
                        .status(&format!("Exported the theme to {}", shown_path(&f)));
                }
                None => ctx.out.data_text(&to_file_text(&theme))?,
            }
            Ok(Exit::Success)
        }
        ThemeCommand::Deploy { file, dry_run } => {
            let theme = read_theme_file(&file)?;
            replace(ctx, &theme, &file.display().to_string(), dry_run, "deploy").await
        }
        ThemeCommand::Restore(args) => restore(ctx, &args).await,
    }
}

/// Reads a theme file: `{"styles", "componentsVersion", …}` or the export answer `{"theme": {…}}`.
pub fn read_theme_file(path: &Path) -> Result<Value, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::new(format!("cannot read {}: {e}", shown_path(path))))?;
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

async fn replace(
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
            ctx.out.emit(
                &serde_json::json!({"source": source, "changed": changed, "applied": !dry_run, "backup": backup}),
                crate::output::Table::default,
            );
        }
    };
    if table {
        ctx.out.human_text(&text);
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

async fn restore(ctx: &Ctx, args: &RestoreArgs) -> CliResult {
    let project_id = ctx.settings().await?.project_id.clone();
    let mut args = RestoreArgs {
        backup: args.backup.clone(),
        latest: args.latest.clone(),
        dry_run: args.dry_run,
        force_project: args.force_project,
    };
    if args.latest.as_deref() == Some("") {
        args.latest = Some(THEME_ID.to_owned());
    }
    let backup = find_backup(ctx, &project_id, &args, TargetType::Theme)?;
    replace(
        ctx,
        &backup.object,
        &backup.path.display().to_string(),
        args.dry_run,
        "restore",
    )
    .await
}
