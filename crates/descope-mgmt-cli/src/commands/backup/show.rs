//! `backup show`: one backup's metadata and content.

use clap::Args;
use serde_json::json;

use crate::backups::project_id;
use crate::ctx::Ctx;
use crate::error::{CliResult, Exit};

/// `backup show`.
#[derive(Debug, Args)]
pub struct BackupShowArgs {
    /// A path, or a name as `backup list` prints it
    pub backup: String,
}

/// `backup show`. Offline: needs only the project id.
pub fn run(ctx: &Ctx, args: &BackupShowArgs) -> CliResult {
    let data = ctx.data_dir()?;
    let path = data.backups(&project_id(ctx)?).resolve(&args.backup)?;
    let b = descope_store::load_backup(&path)?;
    // The file keeps its own (snake_case) format; shown, it reads like every other JSON
    // the tool prints (camelCase).
    let m = &b.metadata;
    let mut value = json!({
        "name": b.file_name(),
        "path": b.path,
        "formatVersion": b.format_version,
        "metadata": {
            "timestamp": m.timestamp.to_string(),
            "operation": m.operation,
            "targetType": m.target_type,
            "targetId": m.target_id,
            "projectId": m.project_id,
            "toolVersion": m.tool_version,
            "reason": m.reason,
        },
    });
    value[m.target_type.object_key()] = b.object.clone();
    if let Some(settings) = &b.settings {
        value["settings"] = settings.clone();
    }
    match ctx.out.format {
        crate::output::Format::Yaml => ctx.out.data_yaml(&value)?,
        _ => ctx.out.data_json(&value)?,
    }
    Ok(Exit::Success)
}
