//! The data dir (`$DESCOPE_MGMT_HOME`, else `~/.descope-mgmt/`) and the paths inside it.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::atomic::create_private_dir_all;
use crate::audit::AuditLog;
use crate::backup::{BackupListing, BackupStore, list_backups_under};
use crate::error::StoreError;
use crate::lock::{self, ProjectLock};
use crate::lock_holder::LockHolder;

/// Where descope-mgmt keeps backups, the audit log, locks and the `--local` emulator's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    path: PathBuf,
}

/// What [`DataDir::ensure`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EnsureReport {
    /// The directory did not exist and was created with mode 0700.
    pub created: bool,
    /// The directory already existed and group or others may read or enter it: its mode (e.g.
    /// `0o755`). It is left unchanged (it may be a directory the user shares on purpose); the
    /// caller should warn and suggest `chmod 700`.
    pub loose_mode: Option<u32>,
}

impl DataDir {
    /// Picks the data dir from the values of `DESCOPE_MGMT_HOME` and `HOME` (empty counts as
    /// unset). Creates nothing; see [`DataDir::ensure`].
    pub fn resolve(
        descope_mgmt_home: Option<&OsStr>,
        home: Option<&Path>,
    ) -> Result<DataDir, StoreError> {
        if let Some(dir) = descope_mgmt_home.filter(|v| !v.is_empty()) {
            return Ok(DataDir {
                path: PathBuf::from(dir),
            });
        }
        match home.filter(|h| !h.as_os_str().is_empty()) {
            Some(home) => Ok(DataDir {
                path: home.join(".descope-mgmt"),
            }),
            None => Err(StoreError::NoDataDir),
        }
    }

    /// A data dir at exactly `path` (tests, the test harness).
    pub fn at(path: impl Into<PathBuf>) -> DataDir {
        DataDir { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Creates the data dir (and missing parents) with mode 0700 if it is missing, and reports a
    /// pre-existing directory whose mode lets group or others in.
    pub fn ensure(&self) -> Result<EnsureReport, StoreError> {
        let existed = self.path.exists();
        create_private_dir_all(&self.path)?;
        let mut report = EnsureReport {
            created: !existed,
            loose_mode: None,
        };
        #[cfg(unix)]
        if existed {
            use std::os::unix::fs::PermissionsExt;
            let meta = std::fs::metadata(&self.path)
                .map_err(|e| StoreError::io("read the permissions of", &self.path, e))?;
            let mode = meta.permissions().mode() & 0o7777;
            if mode & 0o077 != 0 {
                report.loose_mode = Some(mode);
            }
        }
        Ok(report)
    }

    /// `<data>/backups/`, which holds one directory per project.
    pub fn backups_root(&self) -> PathBuf {
        self.path.join("backups")
    }

    /// The backups of one project, in `<data>/backups/<projectId>/`. The project id is checked
    /// (no `/`, not `..`, …) when the store is used.
    pub fn backups(&self, project_id: &str) -> BackupStore {
        BackupStore::new(self.backups_root(), project_id)
    }

    /// `<data>/audit.jsonl`.
    pub fn audit_log(&self) -> AuditLog {
        AuditLog::at(self.path.join("audit.jsonl"))
    }

    /// `<data>/locks/`.
    pub fn locks_dir(&self) -> PathBuf {
        self.path.join("locks")
    }

    /// Takes the lock on `<data>/locks/<projectId>.lock` without waiting; if another process
    /// (or another handle in this one) holds it, returns [`StoreError::Locked`] naming the holder.
    pub fn lock_project(
        &self,
        project_id: &str,
        holder: &LockHolder,
    ) -> Result<ProjectLock, StoreError> {
        lock::acquire(&self.locks_dir(), project_id, holder)
    }

    /// Like [`DataDir::lock_project`], but retries every 100 ms for up to `timeout` before
    /// returning [`StoreError::Locked`].
    pub fn lock_project_wait(
        &self,
        project_id: &str,
        holder: &LockHolder,
        timeout: Duration,
    ) -> Result<ProjectLock, StoreError> {
        lock::acquire_wait(&self.locks_dir(), project_id, holder, timeout)
    }

    /// `<data>/local/`: state of the `--local` emulator.
    pub fn local_dir(&self) -> PathBuf {
        self.path.join("local")
    }
}

/// Backups of every project under `<data>/backups/`, in one listing ordered by recorded
/// timestamp. A project directory that cannot be read is listed as unreadable.
pub fn list_all_projects(data: &DataDir) -> Result<BackupListing, StoreError> {
    list_backups_under(&data.backups_root())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_prefers_descope_mgmt_home_then_home() {
        let d = DataDir::resolve(Some(OsStr::new("/x/data")), Some(Path::new("/home/u"))).unwrap();
        assert_eq!(d.path(), Path::new("/x/data"));
        let d = DataDir::resolve(Some(OsStr::new("")), Some(Path::new("/home/u"))).unwrap();
        assert_eq!(d.path(), Path::new("/home/u/.descope-mgmt"));
        let d = DataDir::resolve(None, Some(Path::new("/home/u"))).unwrap();
        assert_eq!(d.path(), Path::new("/home/u/.descope-mgmt"));
        assert!(matches!(
            DataDir::resolve(None, None),
            Err(StoreError::NoDataDir)
        ));
        assert!(matches!(
            DataDir::resolve(None, Some(Path::new(""))),
            Err(StoreError::NoDataDir)
        ));
    }

    #[test]
    fn paths_inside_the_data_dir() {
        let d = DataDir::at("/d");
        assert_eq!(d.audit_log().path(), Path::new("/d/audit.jsonl"));
        assert_eq!(d.backups("P2x").dir(), Path::new("/d/backups/P2x"));
        assert_eq!(d.locks_dir(), Path::new("/d/locks"));
        assert_eq!(d.local_dir(), Path::new("/d/local"));
    }
}
