//! The state file and the bookkeeping of unsaved changes: read at start, written atomically (temp
//! file in the same directory, fsync, rename, mode 0600). When it is written while serving is
//! `persist`'s business; this module knows nothing of the running app.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::Notify;

use crate::EmulatorError;
use crate::store::StateDoc;

/// Tracks unsaved changes of the state.
#[derive(Debug, Default)]
pub(crate) struct Persistence {
    /// Bumped by every change.
    pub(crate) changed: AtomicU64,
    /// The `changed` value the file holds.
    pub(crate) written: AtomicU64,
    pub(crate) notify: Notify,
    /// Serialises writers (the debounce task and the shutdown flush).
    pub(crate) write_lock: tokio::sync::Mutex<()>,
    /// Serialises service requests under [`crate::Config::save_every_change`].
    pub(crate) request_lock: tokio::sync::Mutex<()>,
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
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
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
