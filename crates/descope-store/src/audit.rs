//! The audit log `<data>/audit.jsonl`: one JSON line per write request, appended under a file
//! lock and synced as it happens; reading with filters.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::atomic::{create_private_dir_all, private_open_options};
use crate::error::StoreError;
use crate::target::TargetType;

/// One write request, as recorded in the audit log (one JSON object per line, these field names,
/// camelCase like every JSON the tool writes). Records written before 0.2 used snake_case names
/// and had no `request`: they still read (see [`AuditLog::read`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditRecord {
    pub time: Timestamp,
    /// `user@host`, see [`actor`](fn@crate::actor).
    pub actor: String,
    #[serde(alias = "project_id")]
    pub project_id: String,
    #[serde(default)]
    pub profile: Option<String>,
    /// The command line, e.g. `tenant update acme --name ACME`.
    pub command: String,
    /// What the user ran, one of [`OPERATIONS`]: `sync`, `create`, `update`, `delete`,
    /// `restore`, `deploy`, `import` (see [`operation_of_command`]).
    pub operation: String,
    /// The kind of write request: `create`, `update`, `delete`, `settings`, `default-roles`,
    /// `import` (one of [`REQUESTS`]).
    #[serde(default)]
    pub request: String,
    #[serde(alias = "target_type")]
    pub target_type: TargetType,
    #[serde(alias = "target_id")]
    pub target_id: String,
    /// `ok`, the service's error code (e.g. `E112202`), or `transport`.
    pub result: String,
    #[serde(default)]
    pub error: Option<String>,
    /// The backup taken before this write, if any.
    #[serde(default)]
    pub backup: Option<PathBuf>,
    #[serde(alias = "duration_ms")]
    pub duration_ms: u64,
    #[serde(alias = "tool_version")]
    pub tool_version: String,
}

/// The operations a user runs that write, as [`AuditRecord::operation`] records them.
pub const OPERATIONS: &[&str] = &[
    "create", "update", "delete", "restore", "sync", "deploy", "import",
];

/// The kinds of write request, as [`AuditRecord::request`] records them.
pub const REQUESTS: &[&str] = &[
    "create",
    "update",
    "delete",
    "settings",
    "default-roles",
    "import",
];

/// The operation (one of [`OPERATIONS`]) of a command line as audit records hold it, e.g.
/// `descope-mgmt --local tenant restore --latest acme` → `restore`; `None` for a command that
/// does not write. Global options before the command are skipped.
pub fn operation_of_command(command: &str) -> Option<&'static str> {
    let words: Vec<&str> = command.split_whitespace().collect();
    for (i, word) in words.iter().enumerate().skip(1) {
        let next = words.get(i + 1).copied().unwrap_or_default();
        let found = match (*word, next) {
            ("sync", _) => Some("sync"),
            ("restore", _) => Some("restore"),
            ("tenant", "create") => Some("create"),
            ("tenant", "update") => Some("update"),
            ("tenant", "delete") => Some("delete"),
            ("tenant", "sync") => Some("sync"),
            ("tenant" | "flow" | "theme", "restore") => Some("restore"),
            ("flow" | "theme", "deploy") => Some("deploy"),
            ("snapshot", "import") => Some("import"),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

impl AuditRecord {
    /// Fills in what a record written before `request` existed lacks: its `operation` was the
    /// request kind, and the operation the user ran is read from its command line.
    fn upgrade(&mut self) {
        if self.request.is_empty() {
            self.request = std::mem::take(&mut self.operation);
            self.operation = operation_of_command(&self.command)
                .map_or_else(|| self.request.clone(), str::to_owned);
        }
    }
}

/// Which records [`AuditLog::read`] returns. All conditions must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Records at or after this time.
    pub since: Option<Timestamp>,
    pub target_id: Option<String>,
    /// The operation the user ran (one of [`OPERATIONS`]).
    pub operation: Option<String>,
    /// The kind of write request (one of [`REQUESTS`]).
    pub request: Option<String>,
    /// Only the newest N matching records (still returned oldest first).
    pub limit: Option<usize>,
}

impl AuditFilter {
    fn matches(&self, r: &AuditRecord) -> bool {
        self.since.is_none_or(|since| r.time >= since)
            && self.target_id.as_ref().is_none_or(|id| &r.target_id == id)
            && self.operation.as_ref().is_none_or(|op| &r.operation == op)
            && self.request.as_ref().is_none_or(|kind| &r.request == kind)
    }
}

/// The audit log file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLog {
    path: PathBuf,
}

impl AuditLog {
    /// An audit log at exactly `path` (normally [`crate::DataDir::audit_log`]).
    pub fn at(path: impl Into<PathBuf>) -> AuditLog {
        AuditLog { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record as one line: creates the file (0600, and its directory 0700) if
    /// needed, takes an exclusive lock, writes the whole line in one `write_all`, syncs, unlocks.
    /// A failed write is rolled back, so the log never ends in half a record because of us.
    pub fn append(&self, record: &AuditRecord) -> Result<(), StoreError> {
        self.append_all(std::slice::from_ref(record))
    }

    /// Appends several records, one line each, under one lock with one sync (group commit: many
    /// concurrent writers cost one disk flush). All or none of them are written.
    pub fn append_all(&self, records: &[AuditRecord]) -> Result<(), StoreError> {
        self.append_all_unsynced(records)?;
        if records.is_empty() {
            Ok(())
        } else {
            self.sync()
        }
    }

    /// As [`AuditLog::append_all`] without the disk sync: the records are in the file (written
    /// and flushed to the operating system, so they survive the process being killed) when this
    /// returns. Call [`AuditLog::sync`] to make them durable against a power loss; a committer
    /// does that on another thread so its writers do not wait for the disk.
    pub fn append_all_unsynced(&self, records: &[AuditRecord]) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        let mut line = Vec::new();
        for record in records {
            serde_json::to_writer(&mut line, record).map_err(|e| StoreError::Encode {
                what: "audit record",
                message: e.to_string(),
            })?;
            line.push(b'\n');
        }
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir_all(dir)?;
        }
        let io_err = |action, e| StoreError::io(action, &self.path, e);
        let mut file = private_open_options()
            .read(true)
            .append(true)
            .create(true)
            .open(&self.path)
            .map_err(|e| io_err("open the audit log", e))?;
        file.lock().map_err(|e| io_err("lock the audit log", e))?;
        let result =
            append_locked(&mut file, line).map_err(|e| io_err("append to the audit log", e));
        // Closing the file releases the lock too; unlocking first just makes it prompt.
        let _ = file.unlock();
        result
    }

    /// Syncs the log to disk (everything appended so far, by any handle).
    pub fn sync(&self) -> Result<(), StoreError> {
        File::open(&self.path)
            .and_then(|f| f.sync_data())
            .map_err(|e| StoreError::io("sync the audit log", &self.path, e))
    }

    /// Reads the records that match `filter`, oldest first. A missing log reads as empty. An
    /// unterminated last line that does not parse (a write cut short by a crash) is skipped; any
    /// other line that does not parse is [`StoreError::AuditCorrupt`] with its line number.
    pub fn read(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>, StoreError> {
        let file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StoreError::io("open the audit log", &self.path, e)),
        };
        let limit = filter.limit.unwrap_or(usize::MAX);
        let mut kept: VecDeque<AuditRecord> = VecDeque::new();
        let mut reader = BufReader::new(file);
        let mut buf = Vec::new();
        let mut line_no = 0usize;
        loop {
            buf.clear();
            let n = reader
                .read_until(b'\n', &mut buf)
                .map_err(|e| StoreError::io("read the audit log", &self.path, e))?;
            if n == 0 {
                break;
            }
            line_no += 1;
            let terminated = buf.last() == Some(&b'\n');
            let line = buf.trim_ascii();
            if line.is_empty() {
                continue;
            }
            let record = match serde_json::from_slice::<AuditRecord>(line) {
                Ok(mut record) => {
                    record.upgrade();
                    record
                }
                Err(_) if !terminated => break,
                Err(e) => {
                    return Err(StoreError::AuditCorrupt {
                        path: self.path.clone(),
                        line: line_no,
                        message: e.to_string(),
                        incomplete: e.classify() == serde_json::error::Category::Eof,
                    });
                }
            };
            if limit > 0 && filter.matches(&record) {
                if kept.len() == limit {
                    kept.pop_front();
                }
                kept.push_back(record);
            }
        }
        Ok(kept.into())
    }
}

/// With the lock held: if a crashed writer left an unterminated line, end it first so our record
/// stands on its own line; write; on failure cut the file back to where it was.
fn append_locked(file: &mut File, line: Vec<u8>) -> io::Result<()> {
    let len = file.metadata()?.len();
    let mut bytes = line;
    if len > 0 {
        file.seek(SeekFrom::Start(len - 1))?;
        let mut last = [0u8; 1];
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            bytes.insert(0, b'\n');
        }
    }
    if let Err(e) = file.write_all(&bytes).and_then(|()| file.flush()) {
        let _ = file.set_len(len);
        return Err(e);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_of_command_names_what_the_user_ran() {
        let cases = [
            ("descope-mgmt tenant update acme --name X", Some("update")),
            (
                "descope-mgmt --local tenant restore --latest acme",
                Some("restore"),
            ),
            (
                "descope-mgmt -o json tenant sync -c t.yaml --apply",
                Some("sync"),
            ),
            ("descope-mgmt flow deploy f.json", Some("deploy")),
            (
                "descope-mgmt snapshot import --dir s --apply",
                Some("import"),
            ),
            (
                "descope-mgmt theme restore --latest project",
                Some("restore"),
            ),
            (
                "descope-mgmt --profile tenant tenant delete a --yes",
                Some("delete"),
            ),
            ("descope-mgmt tenant list", None),
            ("", None),
        ];
        for (command, want) in cases {
            assert_eq!(operation_of_command(command), want, "{command}");
        }
    }
}
