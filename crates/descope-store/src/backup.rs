//! Backups: one JSON file per object about to be replaced, in `<data>/backups/<projectId>/`,
//! written atomically and never overwritten; loading (also the seed's older format), listing by
//! recorded timestamp, `latest`, name resolution and pruning.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::atomic::{create_private_dir_all, sync_dir, write_new_unique};
use crate::error::StoreError;
use crate::project_id::validate_project_id;
use crate::target::TargetType;

/// The backup format this version writes, and the newest it reads.
pub const BACKUP_FORMAT_VERSION: u32 = 1;

/// What a backup records about itself (the `metadata` object of the file).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BackupMetadata {
    pub timestamp: Timestamp,
    pub operation: String,
    pub target_type: TargetType,
    pub target_id: String,
    /// `None` for backups in the seed's format, which recorded no project.
    pub project_id: Option<String>,
    pub tool_version: Option<String>,
    pub reason: Option<String>,
}

/// A backup loaded from disk.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Backup {
    pub path: PathBuf,
    /// `None` for the seed's format, which had no version.
    pub format_version: Option<u32>,
    pub metadata: BackupMetadata,
    /// The tenant, flow, theme, role, permission or settings exactly as the service returned it.
    pub object: Value,
    /// The tenant's settings, when they were recorded.
    pub settings: Option<Value>,
}

impl Backup {
    /// The file name, as `backup list` shows it and [`BackupStore::resolve`] accepts it.
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// A backup to write. The project id is the store's.
#[derive(Debug, Clone, Copy)]
pub struct NewBackup<'a> {
    /// What is about to happen: `update`, `delete`, `sync`, `restore`, `deploy`…
    pub operation: &'a str,
    pub target_type: TargetType,
    pub target_id: &'a str,
    pub tool_version: &'a str,
    /// The command line or a sentence saying why the backup was taken.
    pub reason: Option<&'a str>,
    /// The object exactly as the service returned it.
    pub object: &'a Value,
    pub settings: Option<&'a Value>,
    /// Recorded as given (RFC 3339, UTC); the file name shows it to the millisecond.
    pub timestamp: Timestamp,
}

/// A file in a backups directory that could not be loaded, with the reason.
#[derive(Debug)]
pub struct UnreadableBackup {
    pub path: PathBuf,
    pub error: StoreError,
}

/// The result of listing backups: the loaded ones, oldest first by recorded timestamp (then file
/// name), and the files that could not be read. One bad file never hides the others.
#[derive(Debug, Default)]
pub struct BackupListing {
    pub entries: Vec<Backup>,
    pub unreadable: Vec<UnreadableBackup>,
}

impl BackupListing {
    fn sort(&mut self) {
        self.entries.sort_by(backup_order);
        self.unreadable.sort_by(|a, b| a.path.cmp(&b.path));
    }
}

/// The backups of one project: `<data>/backups/<projectId>/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupStore {
    root: PathBuf,
    project_id: String,
}

impl BackupStore {
    pub(crate) fn new(root: PathBuf, project_id: &str) -> BackupStore {
        BackupStore {
            root,
            project_id: project_id.to_owned(),
        }
    }

    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// `<data>/backups/<projectId>/`.
    pub fn dir(&self) -> PathBuf {
        self.root.join(&self.project_id)
    }

    /// Writes a backup as `<timestamp>_<operation>_<targetType>_<targetId>.json` (characters
    /// outside `[A-Za-z0-9._-]` become `_`), adding `-2`, `-3`… when the name is taken. Creates
    /// the directories with mode 0700; the file gets 0600 and is written atomically.
    pub fn write(&self, backup: &NewBackup<'_>) -> Result<PathBuf, StoreError> {
        self.write_file(backup, true)
    }

    /// As [`BackupStore::write`], but the backup directory is not fsynced: for a batch, written in
    /// parallel and followed by one [`BackupStore::sync`] (a sync of 1,000 tenants writes 1,000
    /// backups before its first write). Each file is still complete and fsynced.
    pub fn write_unsynced(&self, backup: &NewBackup<'_>) -> Result<PathBuf, StoreError> {
        self.write_file(backup, false)
    }

    /// Makes every backup written so far durable (fsyncs the project's backup directory).
    pub fn sync(&self) -> Result<(), StoreError> {
        validate_project_id(&self.project_id)?;
        sync_dir(&self.dir())
    }

    fn write_file(&self, backup: &NewBackup<'_>, sync: bool) -> Result<PathBuf, StoreError> {
        validate_project_id(&self.project_id)?;
        let dir = self.dir();
        create_private_dir_all(&dir)?;
        let bytes = encode(backup, &self.project_id)?;
        let stem = format!(
            "{}_{}_{}_{}",
            file_timestamp(backup.timestamp),
            file_component(backup.operation, 40),
            backup.target_type,
            file_component(backup.target_id, 150),
        );
        write_new_unique(&dir, &stem, ".json", &bytes, sync)
    }

    /// Every `*.json` file of this project's backups, loaded; dotfiles (temp files) are skipped.
    /// A missing directory is an empty listing.
    pub fn list(&self) -> Result<BackupListing, StoreError> {
        validate_project_id(&self.project_id)?;
        let mut listing = BackupListing::default();
        collect_dir(&self.dir(), &mut listing)?;
        listing.sort();
        Ok(listing)
    }

    /// The backup of `target_type`/`target_id` with the newest recorded timestamp.
    pub fn latest(
        &self,
        target_type: TargetType,
        target_id: &str,
    ) -> Result<Option<Backup>, StoreError> {
        Ok(self
            .list()?
            .entries
            .into_iter()
            .rev()
            .find(|b| b.metadata.target_type == target_type && b.metadata.target_id == target_id))
    }

    /// Finds a backup file from what a user typed: a file name as `backup list` prints it
    /// (looked up in this project's directory, with or without `.json`), a
    /// `<projectId>/<name>` as `backup list --all-projects` prints it, or a path.
    pub fn resolve(&self, name_or_path: &str) -> Result<PathBuf, StoreError> {
        let given = Path::new(name_or_path);
        let mut searched = Vec::new();
        if !name_or_path.is_empty() {
            let is_bare_name = given.components().count() == 1 && given.file_name().is_some();
            if is_bare_name && validate_project_id(&self.project_id).is_ok() {
                let dir = self.dir();
                searched.push(dir.join(name_or_path));
                if !name_or_path.ends_with(".json") {
                    searched.push(dir.join(format!("{name_or_path}.json")));
                }
            }
            searched.push(given.to_owned());
            if !is_bare_name && given.is_relative() {
                searched.push(self.root.join(given));
            }
        }
        match searched.iter().find(|p| p.is_file()) {
            Some(found) => Ok(found.clone()),
            None => Err(StoreError::BackupNotFound {
                name: name_or_path.to_owned(),
                searched,
            }),
        }
    }

    /// Deletes backups, or with `dry_run` only says which it would delete (oldest first).
    /// `keep`: all but the newest N of each target (type and id). `older_than`: those recorded
    /// before `now - older_than`. With both, a backup goes only if both rules let it go; with
    /// neither, nothing goes. Unreadable files are never deleted. Spares nothing else: see
    /// [`BackupStore::prune_guarded`] for the guard on targets gone from the project.
    pub fn prune(
        &self,
        keep: Option<usize>,
        older_than: Option<Duration>,
        now: Timestamp,
        dry_run: bool,
    ) -> Result<Vec<PathBuf>, StoreError> {
        let rules = PruneRules {
            keep,
            older_than,
            now,
            prune_orphans: true,
        };
        Ok(self.prune_guarded(&rules, |_, _| true, dry_run)?.removed)
    }

    /// As [`BackupStore::prune`], but the last backup of a target for which `exists` says no
    /// (a tenant or flow deleted from the project: that backup is its only undo) is kept unless
    /// `rules.prune_orphans`. The outcome says which such backups were kept or deleted.
    pub fn prune_guarded(
        &self,
        rules: &PruneRules,
        exists: impl Fn(TargetType, &str) -> bool,
        dry_run: bool,
    ) -> Result<PruneOutcome, StoreError> {
        let mut outcome = PruneOutcome::default();
        if rules.keep.is_none() && rules.older_than.is_none() {
            return Ok(outcome);
        }
        let listing = self.list()?;
        let cutoff = rules
            .older_than
            .map(|d| rules.now.checked_sub(d).unwrap_or(Timestamp::MIN));
        let mut seen: HashMap<(TargetType, &str), usize> = HashMap::new();
        for backup in listing.entries.iter().rev() {
            let key = (
                backup.metadata.target_type,
                backup.metadata.target_id.as_str(),
            );
            let newer = seen.entry(key).or_insert(0);
            let is_last = *newer == 0;
            let beyond_keep = rules.keep.map(|n| *newer >= n);
            *newer += 1;
            let too_old = cutoff.map(|c| backup.metadata.timestamp < c);
            if !(beyond_keep.unwrap_or(true) && too_old.unwrap_or(true)) {
                continue;
            }
            // The newest backup goes only when every backup of the target goes.
            if is_last && !exists(key.0, key.1) {
                if rules.prune_orphans {
                    outcome.removed_orphans.push(backup.path.clone());
                } else {
                    outcome.kept_orphans.push(backup.path.clone());
                    continue;
                }
            }
            outcome.removed.push(backup.path.clone());
        }
        outcome.removed.reverse();
        outcome.removed_orphans.reverse();
        outcome.kept_orphans.reverse();
        if !dry_run {
            for path in &outcome.removed {
                match fs::remove_file(path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(StoreError::io("delete backup", path, e)),
                }
            }
        }
        Ok(outcome)
    }
}

/// The rules of a prune (see [`BackupStore::prune_guarded`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PruneRules {
    /// Keep the newest N backups of each target.
    pub keep: Option<usize>,
    /// Delete backups recorded before `now - older_than`.
    pub older_than: Option<Duration>,
    pub now: Timestamp,
    /// Also delete the last backup of a target gone from the project.
    pub prune_orphans: bool,
}

/// What a guarded prune deleted (or would) and what it spared, each oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PruneOutcome {
    /// Every backup deleted.
    pub removed: Vec<PathBuf>,
    /// Of those, the last backups of targets gone from the project (only with `prune_orphans`).
    pub removed_orphans: Vec<PathBuf>,
    /// The last backups of targets gone from the project that the rules would have deleted and
    /// that were kept.
    pub kept_orphans: Vec<PathBuf>,
}

/// Backups of every project directory under `root` (`<data>/backups/`), in one listing ordered
/// by recorded timestamp. A project directory that cannot be read is listed as unreadable.
pub(crate) fn list_backups_under(root: &Path) -> Result<BackupListing, StoreError> {
    let root = root.to_path_buf();
    let mut listing = BackupListing::default();
    let entries = match fs::read_dir(&root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(listing),
        Err(e) => return Err(StoreError::io("read directory", root, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| StoreError::io("read directory", &root, e))?;
        let path = entry.path();
        if !path.is_dir() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        if let Err(error) = collect_dir(&path, &mut listing) {
            listing.unreadable.push(UnreadableBackup { path, error });
        }
    }
    listing.sort();
    Ok(listing)
}

/// Reads and checks one backup file. Never panics, whatever the file holds.
pub fn load_backup(path: &Path) -> Result<Backup, StoreError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(StoreError::BackupMissing {
                path: path.to_owned(),
            });
        }
        Err(e) => return Err(StoreError::io("read backup", path, e)),
    };
    parse_backup(path, &bytes)
}

/// Checks the bytes of a backup file; `path` is used in errors and recorded in the result.
pub fn parse_backup(path: &Path, bytes: &[u8]) -> Result<Backup, StoreError> {
    let path_buf = || path.to_owned();
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(StoreError::BackupEmpty { path: path_buf() });
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        if e.classify() == serde_json::error::Category::Eof {
            StoreError::BackupTruncated {
                path: path_buf(),
                line: e.line(),
                // serde_json counts columns from 0 at the start of a line; people count from 1.
                column: e.column().max(1),
            }
        } else {
            StoreError::BackupInvalidJson {
                path: path_buf(),
                line: e.line(),
                column: e.column(),
                message: strip_position(&e.to_string()),
            }
        }
    })?;
    let Value::Object(mut top) = value else {
        return Err(StoreError::BackupNotObject {
            path: path_buf(),
            found: kind(&value),
        });
    };
    let bad = |field: &str, expected: &'static str, found: &Value| StoreError::BackupBadField {
        path: path_buf(),
        field: field.to_owned(),
        expected,
        found: describe(found),
    };

    let format_version = match top.get("format_version") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match n.as_u64() {
            Some(v) if v > u64::from(BACKUP_FORMAT_VERSION) => {
                return Err(StoreError::BackupTooNew {
                    path: path_buf(),
                    found: n.to_string(),
                    supported: BACKUP_FORMAT_VERSION,
                });
            }
            Some(v) if v >= 1 => Some(v as u32),
            _ if n
                .as_f64()
                .is_some_and(|f| f > f64::from(BACKUP_FORMAT_VERSION)) =>
            {
                return Err(StoreError::BackupTooNew {
                    path: path_buf(),
                    found: n.to_string(),
                    supported: BACKUP_FORMAT_VERSION,
                });
            }
            _ => {
                return Err(bad(
                    "format_version",
                    "a whole number from 1",
                    &Value::Number(n.clone()),
                ));
            }
        },
        Some(other) => return Err(bad("format_version", "a whole number from 1", other)),
    };

    let metadata = match top.get("metadata") {
        None | Some(Value::Null) => return Err(StoreError::BackupNoMetadata { path: path_buf() }),
        Some(Value::Object(m)) => m,
        Some(other) => return Err(bad("metadata", "an object", other)),
    };
    let required = |key: &str| -> Result<String, StoreError> {
        match metadata.get(key) {
            Some(Value::String(s)) => Ok(s.clone()),
            None | Some(Value::Null) => {
                Err(bad(&format!("metadata.{key}"), "a string", &Value::Null))
            }
            Some(other) => Err(bad(&format!("metadata.{key}"), "a string", other)),
        }
    };
    let optional = |key: &str| -> Result<Option<String>, StoreError> {
        match metadata.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(bad(&format!("metadata.{key}"), "a string", other)),
        }
    };

    let timestamp_text = required("timestamp")?;
    let timestamp =
        parse_timestamp(&timestamp_text).ok_or_else(|| StoreError::BackupBadTimestamp {
            path: path_buf(),
            value: timestamp_text,
        })?;
    let operation = required("operation")?;
    let target_id = required("target_id")?;
    let recorded_type = match optional("target_type")? {
        None => None,
        Some(t) => Some(t.parse::<TargetType>().map_err(|_| {
            bad(
                "metadata.target_type",
                "\"tenant\", \"flow\", \"theme\", \"role\", \"permission\" or \"settings\"",
                &Value::String(t),
            )
        })?),
    };
    let project_id = optional("project_id")?;
    let tool_version = optional("tool_version")?;
    let reason = optional("reason")?;

    let present = |t: &TargetType| !matches!(top.get(t.object_key()), None | Some(Value::Null));
    let target_type = match recorded_type {
        Some(t) if present(&t) => t,
        Some(t) => {
            return Err(StoreError::BackupNoObject {
                path: path_buf(),
                expected: format!("{:?}", t.object_key()),
            });
        }
        None => {
            let mut found = TargetType::INFERABLE.into_iter().filter(present);
            match (found.next(), found.next()) {
                (Some(t), None) => t,
                (None, _) => {
                    return Err(StoreError::BackupNoObject {
                        path: path_buf(),
                        expected: "\"tenant\", \"flow\" or \"theme\"".to_owned(),
                    });
                }
                (Some(_), Some(_)) => {
                    return Err(StoreError::BackupAmbiguousObject { path: path_buf() });
                }
            }
        }
    };
    let object = match top.remove(target_type.object_key()) {
        Some(object @ Value::Object(_)) => object,
        Some(other) => return Err(bad(target_type.object_key(), "an object", &other)),
        None => Value::Null, // unreachable: `present` checked it
    };
    let settings = match top.remove("settings") {
        None | Some(Value::Null) => None,
        Some(settings @ Value::Object(_)) => Some(settings),
        Some(other) => return Err(bad("settings", "an object", &other)),
    };

    Ok(Backup {
        path: path_buf(),
        format_version,
        metadata: BackupMetadata {
            timestamp,
            operation,
            target_type,
            target_id,
            project_id,
            tool_version,
            reason,
        },
        object,
        settings,
    })
}

/// Oldest first by recorded timestamp; ties by file stem, so `x.json` comes before `x-2.json`.
fn backup_order(a: &Backup, b: &Backup) -> Ordering {
    a.metadata
        .timestamp
        .cmp(&b.metadata.timestamp)
        .then_with(|| {
            let stem = |p: &Path| p.file_stem().map(|s| s.to_os_string()).unwrap_or_default();
            stem(&a.path)
                .cmp(&stem(&b.path))
                .then_with(|| a.path.cmp(&b.path))
        })
}

fn collect_dir(dir: &Path, listing: &mut BackupListing) -> Result<(), StoreError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(StoreError::io("read directory", dir, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| StoreError::io("read directory", dir, e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || !name.ends_with(".json") {
            continue;
        }
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        match load_backup(&path) {
            Ok(backup) => listing.entries.push(backup),
            Err(error) => listing.unreadable.push(UnreadableBackup { path, error }),
        }
    }
    Ok(())
}

fn encode(b: &NewBackup<'_>, project_id: &str) -> Result<Vec<u8>, StoreError> {
    // Refuse what load_backup would refuse, so a backup that was written can always be restored.
    let not_object = |what: &str, v: &Value| StoreError::Encode {
        what: "backup",
        message: format!(
            "the {what} to back up must be a JSON object, not {}",
            describe(v)
        ),
    };
    if !b.object.is_object() {
        return Err(not_object(b.target_type.as_str(), b.object));
    }
    if let Some(settings) = b.settings.filter(|s| !s.is_object()) {
        return Err(not_object("settings", settings));
    }
    if b.target_type == TargetType::Settings && b.settings.is_some() {
        // The object of a settings backup is stored under `settings`: there is no second one.
        return Err(StoreError::Encode {
            what: "backup",
            message: "a backup of settings holds them as its object; give no separate settings"
                .to_owned(),
        });
    }
    let mut metadata = Map::new();
    metadata.insert("timestamp".into(), Value::String(b.timestamp.to_string()));
    metadata.insert("operation".into(), b.operation.into());
    metadata.insert("target_type".into(), b.target_type.as_str().into());
    metadata.insert("target_id".into(), b.target_id.into());
    metadata.insert("project_id".into(), project_id.into());
    metadata.insert("tool_version".into(), b.tool_version.into());
    if let Some(reason) = b.reason {
        metadata.insert("reason".into(), reason.into());
    }
    let mut top = Map::new();
    top.insert("format_version".into(), BACKUP_FORMAT_VERSION.into());
    top.insert("metadata".into(), Value::Object(metadata));
    top.insert(b.target_type.object_key().into(), b.object.clone());
    if let Some(settings) = b.settings {
        top.insert("settings".into(), settings.clone());
    }
    let mut bytes =
        serde_json::to_vec_pretty(&Value::Object(top)).map_err(|e| StoreError::Encode {
            what: "backup",
            message: e.to_string(),
        })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// `20261129T054012.123Z`: UTC, sortable, no `:` (which some filesystems refuse).
fn file_timestamp(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%S%.3fZ").to_string()
}

/// A piece of a file name: keeps `[A-Za-z0-9._-]`, turns anything else into `_`, and caps the
/// length so the whole name stays under the usual 255-byte limit.
fn file_component(s: &str, max_chars: usize) -> String {
    let cleaned: String = s
        .chars()
        .take(max_chars)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "_".to_owned()
    } else {
        cleaned
    }
}

/// RFC 3339 with any offset or `Z`, with or without fraction; or a civil date and time
/// (`YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS`) read as UTC, as the seed wrote it.
fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(t) = text.parse::<Timestamp>() {
        return Some(t);
    }
    let civil = text.parse::<jiff::civil::DateTime>().ok()?;
    TimeZone::UTC.to_timestamp(civil).ok()
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A short description of a value for an error message: its kind, and small scalars themselves.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "nothing".to_owned(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) if s.chars().count() <= 40 => format!("string {s:?}"),
        other => format!("{} {}", article(kind(other)), kind(other)),
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// serde_json appends " at line L column C"; the error carries those separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_timestamp_is_utc_millis_and_sortable() {
        let t: Timestamp = "2026-11-29T05:40:12.123456789Z".parse().unwrap();
        assert_eq!(file_timestamp(t), "20261129T054012.123Z");
        let t: Timestamp = "2026-11-29T07:40:12+02:00".parse().unwrap();
        assert_eq!(file_timestamp(t), "20261129T054012.000Z");
    }

    #[test]
    fn file_component_keeps_safe_characters_only() {
        assert_eq!(file_component("acme_corp-1.x", 150), "acme_corp-1.x");
        assert_eq!(file_component("a/b c\0é", 150), "a_b_c__");
        assert_eq!(file_component("", 150), "_");
        assert_eq!(file_component(&"x".repeat(500), 150).len(), 150);
    }

    #[test]
    fn timestamps_are_read_leniently() {
        let want: Timestamp = "2026-11-29T05:40:12Z".parse().unwrap();
        for text in [
            "2026-11-29T05:40:12Z",
            "2026-11-29T05:40:12.000Z",
            "2026-11-29T07:40:12+02:00",
            "2026-11-29 05:40:12",
            "2026-11-29T05:40:12",
            " 2026-11-29T05:40:12Z ",
        ] {
            assert_eq!(parse_timestamp(text), Some(want), "{text}");
        }
        for text in ["", "yesterday", "2026-13-40 99:00:00", "1732858812"] {
            assert_eq!(parse_timestamp(text), None, "{text}");
        }
    }

    #[test]
    fn strip_position_removes_serde_suffix() {
        assert_eq!(
            strip_position("expected value at line 3 column 7"),
            "expected value"
        );
        assert_eq!(strip_position("other"), "other");
    }
}
