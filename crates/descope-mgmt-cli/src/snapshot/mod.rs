//! Project snapshots: the files on disk ([`dir`]), secrets ([`secrets`]), the import plan
//! ([`plan`]) and the import itself ([`apply`]), shared by the `snapshot` commands and by
//! `restore` of a snapshot backup.

pub mod apply;
pub mod dir;
pub mod markdown;
pub mod plan;
pub mod roles;
pub mod secrets;

use descope_store::Backup;
use serde_json::Value;

use crate::ctx::Ctx;
use crate::error::{CliError, CliResult};
use crate::output::shown_path;

pub use self::apply::SNAPSHOT_ID;

/// Restores a snapshot backup: imports the files it recorded, backing up the live snapshot
/// first. Secrets come from the environment only (a backup never holds any).
pub async fn restore(ctx: &Ctx, backup: Backup, dry_run: bool) -> CliResult {
    let Some(Value::Object(files)) = backup.object.get("files") else {
        return Err(CliError::new(format!(
            "{}: this snapshot backup holds no `files` object",
            shown_path(&backup.path)
        ))
        .hint("nothing was changed; pick another backup with `descope-mgmt backup list`"));
    };
    apply::run(
        ctx,
        apply::ImportRequest {
            source: shown_path(&backup.path),
            files: files.clone(),
            secrets: descope_api::SnapshotSecrets::default(),
            excludes: Vec::new(),
            assets: true,
            dry_run,
            operation: "restore",
        },
    )
    .await
}
