//! `flow restore`: put a flow back as a backup recorded it.

use std::path::Path;

use descope_store::TargetType;
use serde_json::{Value, json};

use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::flows::{FlowDiff, describe, diff_flows, live_flow};
use crate::output::{Table, shown_path};
use crate::restore_lookup::{RestoreArgs, find_backup};
use crate::shell::shell_quote;
use crate::write::Writer;

/// `flow restore`: back up the live flow, then import the recorded one.
pub async fn run(ctx: &Ctx, args: &RestoreArgs) -> CliResult {
    let client = ctx.client().await?;
    let project_id = ctx.settings().await?.project_id.clone();
    let backup = find_backup(ctx, &project_id, args, TargetType::Flow)?;
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
    let table = matches!(ctx.out.format, crate::output::Format::Table);
    if table {
        let _ = ctx.out.human_text(&format!(
            "Restore flow {id} from {}{}: {what}\n",
            shown_path(&backup.path),
            if args.dry_run { " (dry run)" } else { "" }
        ));
    }
    let report = |pre: Option<&Path>| {
        if !table {
            let _ = ctx.out.emit(
                &json!({"flowId": id, "backup": backup.path, "action": if live.is_some() {"update"} else {"create"}, "diff": d, "applied": !args.dry_run, "preRestoreBackup": pre}),
                Table::default,
            );
        }
    };
    if args.dry_run {
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
