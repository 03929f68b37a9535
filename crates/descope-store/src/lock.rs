//! The per-project lock `<data>/locks/<projectId>.lock`: an OS file lock (released when the
//! process ends, so a leftover file is harmless) plus the holder's details written in the file.

use std::fs::{File, TryLockError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::atomic::{create_private_dir_all, private_open_options};
use crate::error::StoreError;
use crate::lock_holder::LockHolder;
use crate::project_id::validate_project_id;

const POLL: Duration = Duration::from_millis(100);
/// The holder record is tiny; never read more than this from a lock file.
const MAX_HOLDER_BYTES: u64 = 64 * 1024;

/// A held project lock. Dropping it empties the lock file and releases the lock.
#[derive(Debug)]
pub struct ProjectLock {
    file: File,
    path: PathBuf,
    project_id: String,
}

impl ProjectLock {
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// Releases the lock now (the same as dropping it).
    pub fn release(self) {
        drop(self);
    }
}

impl Drop for ProjectLock {
    fn drop(&mut self) {
        // Empty the file first so nobody later reads a holder that is gone.
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

pub(crate) fn acquire(
    locks_dir: &Path,
    project_id: &str,
    holder: &LockHolder,
) -> Result<ProjectLock, StoreError> {
    validate_project_id(project_id)?;
    create_private_dir_all(locks_dir)?;
    let path = locks_dir.join(format!("{project_id}.lock"));
    let mut file = private_open_options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| StoreError::io("open the lock file", &path, e))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            return Err(StoreError::Locked {
                project_id: project_id.to_owned(),
                holder: read_holder(&file),
                path,
            });
        }
        Err(TryLockError::Error(e)) => return Err(StoreError::io("lock", &path, e)),
    }
    let mut json = serde_json::to_vec(holder).map_err(|e| StoreError::Encode {
        what: "lock holder",
        message: e.to_string(),
    })?;
    json.push(b'\n');
    // Not fatal to the lock itself, but report it: the lock would be anonymous to others.
    // (An empty file needs no truncating: the holder's details are written from the start.)
    let empty = file.metadata().is_ok_and(|m| m.len() == 0);
    let truncated = if empty { Ok(()) } else { file.set_len(0) };
    truncated
        .and_then(|()| file.write_all(&json))
        .and_then(|()| file.flush())
        .map_err(|e| StoreError::io("write the lock holder to", &path, e))?;
    Ok(ProjectLock {
        file,
        path,
        project_id: project_id.to_owned(),
    })
}

pub(crate) fn acquire_wait(
    locks_dir: &Path,
    project_id: &str,
    holder: &LockHolder,
    timeout: Duration,
) -> Result<ProjectLock, StoreError> {
    let start = Instant::now();
    loop {
        match acquire(locks_dir, project_id, holder) {
            Err(StoreError::Locked { .. }) if start.elapsed() < timeout => {
                std::thread::sleep(POLL.min(timeout.saturating_sub(start.elapsed())));
            }
            other => return other,
        }
    }
}

/// The holder recorded in a lock file, if it can be read (it may be empty for a moment while
/// the holder writes it).
fn read_holder(file: &File) -> Option<LockHolder> {
    let mut bytes = Vec::new();
    Read::take(file, MAX_HOLDER_BYTES)
        .read_to_end(&mut bytes)
        .ok()?;
    serde_json::from_slice(bytes.trim_ascii()).ok()
}
