//! Restoring a flow (`flow restore`, `restore`): put it back as a backup recorded it.

use std::path::Path;

use descope_store::{Backup, TargetType};
use serde_json::{Value, json};

use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::flows::{FlowDiff, describe, diff_flows, live_flow};
use crate::output::{Table, shown_path};
use crate::shell::shell_quote;
use crate::write::Writer;

/// Restores the flow of `backup` (a flow backup): back up the live flow, then import the
/// recorded one; with `dry_run`, only say what would change.
pub async fn restore(ctx: &Ctx, backup: Backup, dry_run: bool) -> CliResult {
    let client = ctx.client().await?;
    let id = backup
        .object
        .get("flowId")
        .and_then(Value::as_str)
        .unwrap_or(&backup.metadata.target_id)
        .to_owned();
    if !backup.object.get("metadata").is_some_and(Value::is_object)
        || !backup.object.get("contents").is_some_and(Value::is_object)
    {
        return Err(CliError::new(format!(
            "{}: the flow in this backup has no metadata/contents",
            shown_path(&backup.path)
        )));
    }
    let live = live_flow(ctx, client, &id).await?;
    let diff = match &live {
        Some(l) => diff_flows(l, &backup.object),
        None => Some(FlowDiff::default()),
    };
    let Some(d) = diff else {
        ctx.out.status(&format!(
            "flow {id} already matches {}; nothing to restore",
            shown_path(&backup.path)
        ));
        return Ok(Exit::Success);
    };
    let what = if live.is_some() {
        describe(&d)
    } else {
        "create it again".to_owned()
    };
    if dry_run && matches!(ctx.out.format, crate::output::Format::Markdown) {
        ctx.out.markdown(&crate::output::markdown::MarkdownPlan {
            title: "descope-mgmt restore plan".to_owned(),
            summary: format!(
                "Restore flow {id} from {} (dry run).",
                backup.path.display()
            ),
            columns: ("Live", "After restore"),
            changes: vec![crate::flows::flow_change(&id, live.is_some(), &d)],
            notes: Vec::new(),
            see_all: "`-o json`".to_owned(),
        })?;
        return Ok(Exit::Success);
    }
    let table = matches!(ctx.out.format, crate::output::Format::Table);
    if table {
        let _ = ctx.out.human_text(&format!(
            "Restore flow {id} from {}{}: {what}\n",
            shown_path(&backup.path),
            if dry_run { " (dry run)" } else { "" }
        ));
    }
    let report = |pre: Option<&Path>| {
        if !table {
            let _ = ctx.out.emit(
                &json!({"flowId": id, "backup": backup.path, "action": if live.is_some() {"update"} else {"create"}, "diff": d, "applied": !dry_run, "preRestoreBackup": pre}),
                Table::default,
            );
        }
    };
    if dry_run {
        report(None);
        return Ok(Exit::Success);
    }
    let writer = Writer::begin(ctx).await?;
    let pre = match &live {
        Some(l) => Some(writer.backup("restore", TargetType::Flow, &id, l, None)?),
        None => None,
    };
    writer
        .audited(
            "import",
            TargetType::Flow,
            &id,
            pre.as_deref(),
            client.import_flow(&id, &backup.object),
        )
        .await?
        .map_err(|e| ctx.api_error(&e))?;
    report(pre.as_deref());
    ctx.out.status(&format!(
        "Restored flow {id} from {}",
        shown_path(&backup.path)
    ));
    if let Some(p) = pre {
        ctx.out.status(&format!(
            "Undo: descope-mgmt flow restore {}",
            shell_quote(&p.display().to_string())
        ));
    }
    Ok(Exit::Success)
}
