//! The one path every write takes: the project lock, a backup of what is about to be replaced,
//! then the request, then its audit record — so no write happens without its backup and record.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Instant;

use descope_api::ApiError;
use descope_store::{
    AuditLog, AuditRecord, BackupStore, LockHolder, NewBackup, ProjectLock, TargetType,
};
use serde_json::Value;

use crate::ctx::Ctx;
use crate::error::CliError;

/// Holds the project lock for the duration of a writing command.
pub struct Writer<'a> {
    ctx: &'a Ctx,
    /// Project the writes go to.
    pub project_id: String,
    profile: Option<String>,
    backups: BackupStore,
    audit: AuditLog,
    _lock: ProjectLock,
}

impl<'a> Writer<'a> {
    /// Takes the project lock (refused with the holder's details if another run holds it).
    pub async fn begin(ctx: &'a Ctx) -> Result<Self, CliError> {
        let settings = ctx.settings().await?;
        let data = ctx.data_dir()?;
        let holder = LockHolder {
            pid: std::process::id(),
            command: ctx.command_line.clone(),
            started: jiff::Timestamp::now(),
            actor: descope_store::actor(),
        };
        let lock = data.lock_project(&settings.project_id, &holder).map_err(|e| {
            CliError::new(e.to_string()).hint("two runs against one project must not interleave; re-run when the other has finished")
        })?;
        Ok(Self {
            ctx,
            project_id: settings.project_id.clone(),
            profile: settings.profile.clone(),
            backups: data.backups(&settings.project_id),
            audit: data.audit_log(),
            _lock: lock,
        })
    }

    /// Writes a backup of `object` (and a tenant's settings) before it is replaced.
    pub fn backup(
        &self,
        operation: &str,
        target_type: TargetType,
        target_id: &str,
        object: &Value,
        settings: Option<&Value>,
    ) -> Result<PathBuf, CliError> {
        self.backups
            .write(&NewBackup {
                operation,
                target_type,
                target_id,
                tool_version: env!("CARGO_PKG_VERSION"),
                reason: Some(&self.ctx.command_line),
                object,
                settings,
                timestamp: jiff::Timestamp::now(),
            })
            .map_err(|e| {
                CliError::new(format!("cannot write the backup of {target_type} `{target_id}`; nothing was changed\n{e}"))
                    .hint("check that the data dir is writable and has free space (DESCOPE_MGMT_HOME)")
            })
    }

    /// Runs one write request and appends its audit record (ok, or the error code) before
    /// returning. The audit record is on disk before the caller goes on.
    pub async fn audited<T, F>(
        &self,
        operation: &str,
        target_type: TargetType,
        target_id: &str,
        backup: Option<&Path>,
        request: F,
    ) -> Result<Result<T, ApiError>, CliError>
    where
        F: Future<Output = Result<T, ApiError>>,
    {
        let started = Instant::now();
        let result = request.await;
        let (outcome, error) = match &result {
            Ok(_) => ("ok".to_owned(), None),
            Err(e) => (audit_code(e), Some(e.to_string())),
        };
        let record = AuditRecord {
            time: jiff::Timestamp::now(),
            actor: descope_store::actor(),
            project_id: self.project_id.clone(),
            profile: self.profile.clone(),
            command: self.ctx.command_line.clone(),
            operation: operation.to_owned(),
            target_type,
            target_id: target_id.to_owned(),
            result: outcome,
            error,
            backup: backup.map(Path::to_path_buf),
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        };
        self.audit.append(&record).map_err(|e| {
            CliError::new(format!("the {operation} of {target_type} `{target_id}` was sent, but its audit record could not be written: {e}"))
                .hint("check that the data dir is writable and has free space")
        })?;
        Ok(result)
    }
}

/// What an audit record says for a failed request: the service's error code, or the kind.
fn audit_code(e: &ApiError) -> String {
    match e {
        ApiError::Service { code, .. } if !code.is_empty() => code.clone(),
        ApiError::Service { status, .. } | ApiError::InvalidResponse { status, .. } => {
            format!("http-{status}")
        }
        ApiError::RateLimited { .. } => "E130429".to_owned(),
        ApiError::Transport { .. } => "transport".to_owned(),
        _ => "error".to_owned(),
    }
}
