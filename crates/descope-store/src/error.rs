//! The one error type of descope-store: what went wrong, with the path, and what to do next.

use std::io;
use std::path::PathBuf;

use crate::lock_holder::LockHolder;

/// Every failure of this crate. Each message names the file involved and says what to do; the
/// Display is complete on its own (an `Io` error includes the OS error in its message, and is
/// not repeated as `source()`, so printing `to_string()` or a cause chain shows it once).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error(
        "cannot find a data directory: neither DESCOPE_MGMT_HOME nor HOME is set; \
         set DESCOPE_MGMT_HOME to a directory descope-mgmt may use"
    )]
    NoDataDir,

    #[error(
        "{project_id:?} cannot be used as a project id in a file name ({reason}); \
         check --project-id / DESCOPE_PROJECT_ID"
    )]
    InvalidProjectId {
        project_id: String,
        reason: &'static str,
    },

    #[error("cannot {action} {}: {error}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        error: io::Error,
    },

    #[error("{} already exists; it was left untouched (choose another file name, or allow overwriting)", path.display())]
    AlreadyExists { path: PathBuf },

    #[error("cannot encode {what} as JSON: {message}")]
    Encode { what: &'static str, message: String },

    #[error("backup file {} does not exist; run `descope-mgmt backup list` to see the backups", path.display())]
    BackupMissing { path: PathBuf },

    #[error("backup file {} is empty; it holds nothing to restore (pick another with `descope-mgmt backup list`)", path.display())]
    BackupEmpty { path: PathBuf },

    #[error(
        "backup file {} is truncated: its JSON ends early (line {line}, column {column}); \
         it was not completely written, pick another with `descope-mgmt backup list`",
        path.display()
    )]
    BackupTruncated {
        path: PathBuf,
        line: usize,
        column: usize,
    },

    #[error(
        "backup file {}:{line}:{column} is not valid JSON: {message}; \
         the file is damaged or is not a descope-mgmt backup",
        path.display()
    )]
    BackupInvalidJson {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },

    #[error(
        "backup file {} holds a JSON {found}, not an object; it is not a descope-mgmt backup",
        path.display()
    )]
    BackupNotObject { path: PathBuf, found: &'static str },

    #[error(
        "backup file {} has no \"metadata\" object; it is not a descope-mgmt backup",
        path.display()
    )]
    BackupNoMetadata { path: PathBuf },

    #[error(
        "backup file {} has no {expected} object to restore; it is not a descope-mgmt backup or it is damaged",
        path.display()
    )]
    BackupNoObject { path: PathBuf, expected: String },

    #[error(
        "backup file {} holds more than one of \"tenant\", \"flow\" and \"theme\" and its metadata has no \
         target_type to choose; add \"target_type\" to its metadata",
        path.display()
    )]
    BackupAmbiguousObject { path: PathBuf },

    #[error(
        "backup file {} has format_version {found}, newer than the {supported} this descope-mgmt reads; \
         upgrade descope-mgmt to use it",
        path.display()
    )]
    BackupTooNew {
        path: PathBuf,
        found: String,
        supported: u32,
    },

    #[error(
        "backup file {}: {field} should be {expected}, found {found}; the file is damaged or is not a descope-mgmt backup",
        path.display()
    )]
    BackupBadField {
        path: PathBuf,
        field: String,
        expected: &'static str,
        found: String,
    },

    #[error(
        "backup file {}: metadata.timestamp {value:?} is not a date and time \
         (expected RFC 3339 such as 2026-11-29T05:40:12.123Z, or YYYY-MM-DD HH:MM:SS in UTC); fix it by hand or pick another backup",
        path.display()
    )]
    BackupBadTimestamp { path: PathBuf, value: String },

    #[error(
        "no backup named {name:?}: looked for {}; run `descope-mgmt backup list` to see the backups",
        display_paths(searched)
    )]
    BackupNotFound {
        name: String,
        searched: Vec<PathBuf>,
    },

    #[error(
        "audit log {}:{line} is {}: {message}; move the log aside or delete that line to read it",
        path.display(),
        if *incomplete { "an incomplete record (a write was interrupted)" } else { "not a valid audit record" }
    )]
    AuditCorrupt {
        path: PathBuf,
        line: usize,
        message: String,
        incomplete: bool,
    },

    #[error("{}", locked_message(project_id, path, holder.as_ref()))]
    Locked {
        project_id: String,
        path: PathBuf,
        holder: Option<LockHolder>,
    },
}

fn display_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "nowhere".to_owned();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn locked_message(project_id: &str, path: &std::path::Path, holder: Option<&LockHolder>) -> String {
    let who = match holder {
        Some(h) => format!(
            "another descope-mgmt (pid {}, `{}`, since {}, by {})",
            h.pid, h.command, h.started, h.actor
        ),
        None => "another descope-mgmt".to_owned(),
    };
    format!(
        "{who} is changing project {project_id}; wait for it to finish and run again. \
         If that process died, just run again: the OS releases the lock when a process ends, \
         so the leftover lock file {} is harmless",
        path.display()
    )
}

impl StoreError {
    /// The OS error kind behind an `Io` error, if this is one.
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match self {
            StoreError::Io { error, .. } => Some(error.kind()),
            _ => None,
        }
    }

    /// What to do about an I/O error, by its cause: a full disk, a data dir the user may not
    /// write. `None` when the message already says it (a held lock says to wait) or there is
    /// nothing more specific to say.
    pub fn hint(&self) -> Option<String> {
        let StoreError::Io { path, error, .. } = self else {
            return None;
        };
        let place = path.parent().unwrap_or(path).display();
        match error.kind() {
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => Some(format!(
                "the disk that holds {place} is full: free some space there, or set \
                 DESCOPE_MGMT_HOME to a directory on another disk; nothing was changed"
            )),
            io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => Some(format!(
                "{place} is not writable: fix its permissions, or set DESCOPE_MGMT_HOME to a \
                 directory you may write; nothing was changed"
            )),
            _ => None,
        }
    }

    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, error: io::Error) -> Self {
        StoreError::Io {
            action,
            path: path.into(),
            error,
        }
    }
}
