//! The state file: read at start, written atomically (temp file in the same directory, fsync,
//! rename, mode 0600) at most every [`DEBOUNCE`] after a change, and always on shutdown.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Notify;

use crate::EmulatorError;
use crate::app::App;
use crate::respond::ApiError;
use crate::store::StateDoc;

/// How long a change may wait before it is written.
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(200);

/// Tracks unsaved changes of the state.
#[derive(Debug, Default)]
pub(crate) struct Persistence {
    /// Bumped by every change.
    changed: AtomicU64,
    /// The `changed` value the file holds.
    written: AtomicU64,
    notify: Notify,
    /// Serialises writers (the debounce task and the shutdown flush).
    write_lock: tokio::sync::Mutex<()>,
    /// Serialises service requests under [`crate::Config::save_every_change`].
    request_lock: tokio::sync::Mutex<()>,
}

impl Persistence {
    pub fn mark_changed(&self) {
        self.changed.fetch_add(1, Ordering::SeqCst);
        self.notify.notify_one();
    }
}

/// Reads the state file, or `None` when it does not exist.
pub(crate) fn read_state(path: &Path) -> Result<Option<StateDoc>, EmulatorError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(EmulatorError::StateFileRead {
                path: path.to_owned(),
                message: e.to_string(),
            });
        }
    };
    let fail = |message: String| EmulatorError::StateFileRead {
        path: path.to_owned(),
        message,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(fail("the file is empty".to_owned()));
    }
    let doc: StateDoc = serde_json::from_slice(&bytes)
        .map_err(|e| fail(format!("not a valid state document: {e}")))?;
    doc.check().map_err(fail)?;
    Ok(Some(doc))
}

/// Writes `bytes` to `path` atomically with mode 0600. A symlink is followed to its final target
/// (written in the target's directory, the link stays); an existing path that is not a regular
/// file (a FIFO, a device, a directory) is refused, never replaced.
fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut target = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&target) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = std::fs::read_link(&target)?;
                target = match target.parent() {
                    Some(d) if link.is_relative() => d.join(link),
                    _ => link,
                };
            }
            Ok(m) if !m.is_file() => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "it is not a regular file; name a file for the state",
                ));
            }
            _ => break,
        }
    }
    let path = target.as_path();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    // tempfile creates the file with mode 0600 on Unix.
    let mut tmp = tempfile::Builder::new()
        .prefix(".emulator-state")
        .tempfile_in(&dir)
        .map_err(without_temp_path)?;
    tmp.write_all(bytes).map_err(without_temp_path)?;
    tmp.as_file().sync_all().map_err(without_temp_path)?;
    tmp.persist(path).map_err(|e| without_temp_path(e.error))?;
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// The error without the temporary file's name that `tempfile` appends (` at path "…"`): the
/// user knows the state file, not its temporary sibling.
fn without_temp_path(e: std::io::Error) -> std::io::Error {
    let text = e.to_string();
    match text.split_once(" at path \"") {
        Some((reason, _)) => std::io::Error::new(e.kind(), reason.to_owned()),
        None => e,
    }
}

/// Writes the state if it changed since the last write.
pub(crate) async fn flush(app: &Arc<App>) -> Result<(), EmulatorError> {
    let Some(path) = app.config.state_file.clone() else {
        return Ok(());
    };
    let p = &app.persist;
    let _guard = p.write_lock.lock().await;
    let changed = p.changed.load(Ordering::SeqCst);
    if changed == p.written.load(Ordering::SeqCst) {
        return Ok(());
    }
    let bytes = app
        .read_store()
        .to_json()
        .map_err(|e| EmulatorError::StateFileWrite {
            path: path.clone(),
            source: std::io::Error::other(e),
        })?;
    let target = path.clone();
    tokio::task::spawn_blocking(move || write_atomic(&target, &bytes))
        .await
        .map_err(|e| EmulatorError::Task(e.to_string()))?
        .map_err(|source| EmulatorError::StateFileWrite { path, source })?;
    p.written.store(changed, Ordering::SeqCst);
    Ok(())
}

/// Under [`crate::Config::save_every_change`]: runs one service request, then writes the state file
/// when the request changed the state. When the write fails the change is undone (the state is
/// what it was before the request) and the answer is 507 [`crate::STATE_NOT_SAVED`], so the
/// client never reports a change that a restart would lose.
pub(crate) async fn save_each_change(
    State(app): State<Arc<App>>,
    req: Request,
    next: Next,
) -> Response {
    let Some(path) = app.config.state_file.clone() else {
        return next.run(req).await;
    };
    let p = &app.persist;
    let _one_at_a_time = p.request_lock.lock().await;
    // GET requests never change the state; anything else may.
    let snapshot = (req.method() != Method::GET).then(|| app.read_store().clone());
    let before = p.changed.load(Ordering::SeqCst);
    let in_sync = before == p.written.load(Ordering::SeqCst);
    let response = next.run(req).await;
    let Some(snapshot) = snapshot else {
        return response;
    };
    if p.changed.load(Ordering::SeqCst) == before {
        return response;
    }
    match flush(&app).await {
        Ok(()) => response,
        Err(e) => {
            *app.write_store() = snapshot;
            if in_sync {
                // Memory is back to what the file holds.
                p.written
                    .store(p.changed.load(Ordering::SeqCst), Ordering::SeqCst);
            }
            let reason = match &e {
                EmulatorError::StateFileWrite { source, .. } => source.to_string(),
                other => other.to_string(),
            };
            let dir = path.parent().unwrap_or(&path).display().to_string();
            ApiError::new(
                StatusCode::INSUFFICIENT_STORAGE,
                crate::STATE_NOT_SAVED,
                "State not saved",
                format!(
                    "the state under {dir} could not be saved (disk full?): {reason}; the change was undone"
                ),
            )
            .into_response()
        }
    }
}

/// Writes changes in the background, at most every [`DEBOUNCE`], until `stop` changes. Never
/// aborted mid-write, so a late rename cannot overwrite the final flush with older state.
pub(crate) async fn debounce_loop(app: Arc<App>, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        tokio::select! {
            () = app.persist.notify.notified() => {}
            _ = stop.changed() => return,
        }
        tokio::select! {
            () = tokio::time::sleep(DEBOUNCE) => {}
            _ = stop.changed() => return,
        }
        if let Err(e) = flush(&app).await {
            tracing::warn!("{e}");
        }
    }
}
