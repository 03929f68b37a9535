//! The one path every write takes: the project lock, a backup of what is about to be replaced,
//! then the request, then its audit record — so no write happens without its backup and record.
//!
//! Audit records are appended by one committer thread that writes whatever records are waiting
//! under one lock (group commit); each write waits until its own record is in the file (where it
//! survives the process being killed) before it counts as done, and a second thread syncs the log
//! to disk behind them, so no request waits for the disk.

mod many;

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
    audit: AuditCommitter,
    _lock: ProjectLock,
}

type AuditJob = (
    AuditRecord,
    tokio::sync::oneshot::Sender<Result<(), String>>,
);

/// The audit committer thread, its disk-sync thread, and the way to reach them.
struct AuditCommitter {
    tx: Option<std::sync::mpsc::Sender<AuditJob>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl AuditCommitter {
    fn start(log: AuditLog) -> Self {
        let (tx, rx) = std::sync::mpsc::channel::<AuditJob>();
        let (sync_tx, sync_rx) = std::sync::mpsc::channel::<()>();
        let sync_log = log.clone();
        // Syncs the log to disk whenever records were appended, coalescing requests; writers
        // never wait for it. It ends (after a last sync) when the committer ends.
        let syncer = std::thread::spawn(move || {
            while sync_rx.recv().is_ok() {
                while sync_rx.try_recv().is_ok() {}
                if let Err(e) = sync_log.sync() {
                    tracing::warn!("audit log sync failed: {e}");
                }
            }
        });
        let committer = std::thread::spawn(move || {
            while let Ok(first) = rx.recv() {
                let mut batch = vec![first];
                while let Ok(more) = rx.try_recv() {
                    batch.push(more);
                }
                let (records, acks): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
                // A writer is released once its record is in the file (where it survives the
                // process being killed); the disk sync runs on the other thread.
                let result = log.append_all_unsynced(&records).map_err(|e| e.to_string());
                for ack in acks {
                    let _ = ack.send(result.clone());
                }
                let _ = sync_tx.send(());
            }
        });
        Self {
            tx: Some(tx),
            threads: vec![committer, syncer],
        }
    }

    async fn append(&self, record: AuditRecord) -> Result<(), String> {
        let (ack, done) = tokio::sync::oneshot::channel();
        let tx = self.tx.as_ref().ok_or("the audit log is closed")?;
        tx.send((record, ack))
            .map_err(|_| "the audit committer stopped".to_owned())?;
        done.await
            .map_err(|_| "the audit committer stopped".to_owned())?
    }
}

impl Drop for AuditCommitter {
    fn drop(&mut self) {
        drop(self.tx.take());
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// One backup to take before a batch of writes.
pub struct BackupItem {
    /// Operation recorded in the backup.
    pub operation: &'static str,
    /// What kind of object.
    pub target_type: TargetType,
    /// Its id.
    pub target_id: String,
    /// The object as the service returned it.
    pub object: Value,
    /// A tenant's settings.
    pub settings: Option<Value>,
}

impl<'a> Writer<'a> {
    /// Takes the project lock (refused with the holder's details if another run holds it).
    pub async fn begin(ctx: &'a Ctx) -> Result<Self, CliError> {
        let settings = ctx.settings().await?;
        let data = ctx.data_dir()?;
        let holder = LockHolder {
            pid: std::process::id(),
            command: ctx.command_line.clone(),
            started: ctx.now(),
            actor: ctx.actor().to_owned(),
        };
        // A held lock's message says what to do; an I/O error (a full disk) gets its own hint.
        let lock = data
            .lock_project(&settings.project_id, &holder)
            .map_err(|e| {
                let hint = e.hint();
                let err = CliError::new(e.to_string());
                match hint {
                    Some(h) => err.hint(h),
                    None => err,
                }
            })?;
        Ok(Self {
            ctx,
            project_id: settings.project_id.clone(),
            profile: settings.profile.clone(),
            backups: data.backups(&settings.project_id),
            audit: AuditCommitter::start(data.audit_log()),
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
                timestamp: self.ctx.now(),
            })
            .map_err(|e| {
                CliError::io(format!("cannot write the backup of {target_type} `{target_id}`; nothing was changed\n{e}"))
                    .hint("check that the data dir is writable and has free space (DESCOPE_MGMT_HOME)")
            })
    }

    /// Writes many backups, `parallel` at a time (each is fsynced; in parallel the disk flushes
    /// overlap). Returns the path of each by target id. Any failure is an error: the caller then
    /// writes nothing.
    pub async fn backup_many(
        &self,
        items: Vec<BackupItem>,
        parallel: usize,
    ) -> Result<std::collections::BTreeMap<String, PathBuf>, CliError> {
        use futures::StreamExt;
        let jobs = items.into_iter().map(|item| {
            let store = self.backups.clone();
            let reason = self.ctx.command_line.clone();
            async move {
                let id = item.target_id.clone();
                let timestamp = self.ctx.now();
                let written = tokio::task::spawn_blocking(move || {
                    store.write_unsynced(&NewBackup {
                        operation: item.operation,
                        target_type: item.target_type,
                        target_id: &item.target_id,
                        tool_version: env!("CARGO_PKG_VERSION"),
                        reason: Some(&reason),
                        object: &item.object,
                        settings: item.settings.as_ref(),
                        timestamp,
                    })
                })
                .await;
                (id, written)
            }
        });
        let results: Vec<_> = futures::stream::iter(jobs)
            .buffer_unordered(parallel.max(1))
            .collect()
            .await;
        let cannot = |what: String| {
            CliError::new(format!("{what}\nnothing was changed"))
                .hint("check that the data dir is writable and has free space (DESCOPE_MGMT_HOME)")
        };
        let mut out = std::collections::BTreeMap::new();
        for (id, r) in results {
            match r {
                Ok(Ok(path)) => {
                    out.insert(id, path);
                }
                Ok(Err(e)) => {
                    return Err(cannot(format!("cannot write the backup of `{id}`: {e}")));
                }
                Err(e) => return Err(cannot(format!("backup task failed: {e}"))),
            }
        }
        // One directory sync for the whole batch makes every backup durable before any write.
        let store = self.backups.clone();
        match tokio::task::spawn_blocking(move || store.sync()).await {
            Ok(Ok(())) => Ok(out),
            Ok(Err(e)) => Err(cannot(format!("cannot sync the backups to disk: {e}"))),
            Err(e) => Err(cannot(format!("backup sync task failed: {e}"))),
        }
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
        self.audited_as(operation, target_type, target_id, backup, request, |_| None)
            .await
    }

    /// As [`Writer::audited`], with the audited target taken from the result when `resolve`
    /// gives one (a create whose id the service generates).
    pub async fn audited_as<T, F>(
        &self,
        operation: &str,
        target_type: TargetType,
        target_id: &str,
        backup: Option<&Path>,
        request: F,
        resolve: impl Fn(&T) -> Option<String>,
    ) -> Result<Result<T, ApiError>, CliError>
    where
        F: Future<Output = Result<T, ApiError>>,
    {
        if self.ctx.interrupt.stopped() {
            return Err(CliError::new(format!(
                "interrupted before the {operation} of {target_type} `{target_id}` was sent"
            ))
            .with_exit(crate::error::Exit::Interrupted)
            .hint(
                "writes already sent finished and are in the audit log (`descope-mgmt audit list`)",
            ));
        }
        // Counted in flight from before the request is sent until its audit record is on disk, so
        // an interruption waits for both.
        let _guard = self.ctx.interrupt.write_guard();
        let started = Instant::now();
        let result = request.await;
        let (outcome, error) = match &result {
            Ok(_) => ("ok".to_owned(), None),
            Err(e) => (audit_code(e), Some(e.to_string())),
        };
        let record = self.record(
            operation,
            target_type,
            result
                .as_ref()
                .ok()
                .and_then(&resolve)
                .unwrap_or_else(|| target_id.to_owned()),
            (outcome, error),
            backup.map(Path::to_path_buf),
            u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        );
        self.audit.append(record).await.map_err(|e| {
            CliError::io(format!("the {operation} of {target_type} `{target_id}` was sent, but its audit record could not be written: {e}"))
                .hint("check that the data dir is writable and has free space")
        })?;
        if result.is_ok() {
            self.ctx.interrupt.write_made();
        }
        Ok(result)
    }
}

impl Writer<'_> {
    /// The audit record of one request to one target: `result` is `ok` or the error code, and
    /// the error's text.
    pub(super) fn record(
        &self,
        operation: &str,
        target_type: TargetType,
        target_id: String,
        (result, error): (String, Option<String>),
        backup: Option<PathBuf>,
        duration_ms: u64,
    ) -> AuditRecord {
        AuditRecord {
            time: self.ctx.now(),
            actor: self.ctx.actor().to_owned(),
            project_id: self.project_id.clone(),
            profile: self.profile.clone(),
            command: self.ctx.command_line.clone(),
            // What the user ran (`restore`, `sync`…); the request kind goes in `request`.
            operation: descope_store::operation_of_command(&self.ctx.command_line)
                .unwrap_or(operation)
                .to_owned(),
            request: operation.to_owned(),
            target_type,
            target_id,
            result,
            error,
            backup,
            duration_ms,
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// What an audit record says for a failed request: the service's error code, or the kind.
fn audit_code(e: &ApiError) -> String {
    match e {
        ApiError::Service { code, .. } if !code.is_empty() => code.clone(),
        ApiError::Service { status, .. } | ApiError::InvalidResponse { status, .. } => {
            format!("http-{status}")
        }
        ApiError::RateLimited { .. } => e.code().unwrap_or("E130429").to_owned(),
        ApiError::Transport { .. } => "transport".to_owned(),
        _ => "error".to_owned(),
    }
}
