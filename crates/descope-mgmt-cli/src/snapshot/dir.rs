//! A snapshot on disk: one file per path the service returns, written so that a re-export of an
//! unchanged project is byte-identical, and read back into the service's map of files.
//!
//! JSON files (`*.json`) are pretty, key-sorted, with a final newline. String assets are plain
//! text for `.txt`/`.html` and decoded base64 (the bytes) otherwise. `.descope-snapshot.json`
//! (the manifest) records each file we wrote and how, so a later export removes only files it
//! wrote itself that the service no longer returns; files and directories whose name starts
//! with `.` (the manifest, `.git`) are never read as part of the snapshot.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use descope_api::SnapshotFiles;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::CliError;
use crate::files::{json_file_error, to_file_text};
use crate::output::shown_path;

/// The manifest's file name inside DIR.
pub const MANIFEST: &str = ".descope-snapshot.json";

/// How a file's content is kept on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// A JSON value, as pretty key-sorted text.
    Json,
    /// A string asset written as its text.
    Text,
    /// A base64 string asset written as its decoded bytes.
    Base64,
}

/// What `snapshot export` wrote last into a directory.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// Format of this file (1).
    pub format: u32,
    /// Whether the export included assets (`--no-assets` was not given).
    pub assets: bool,
    /// Every file written, by snapshot path.
    pub files: BTreeMap<String, Encoding>,
}

/// Refuses a path the service returned that would land outside DIR or in a hidden name.
pub fn check_path(path: &str) -> Result<(), CliError> {
    let bad = path.is_empty()
        || path.starts_with('/')
        || path.contains('\\')
        || path.contains('\0')
        || path
            .split('/')
            .any(|seg| seg.is_empty() || seg.starts_with('.'));
    if bad {
        return Err(CliError::invalid(format!(
            "the snapshot holds a file path that cannot be written safely: {path:?}"
        ))
        .hint("nothing outside the directory is ever written; report this path to Descope"));
    }
    Ok(())
}

fn is_text_asset(path: &str) -> bool {
    path.ends_with(".txt") || path.ends_with(".html")
}

/// The bytes a file is written as, and how.
fn encode(path: &str, value: &Value) -> (Encoding, Vec<u8>) {
    match value {
        Value::String(s) if !path.ends_with(".json") => {
            if is_text_asset(path) {
                (Encoding::Text, s.as_bytes().to_vec())
            } else {
                match STANDARD.decode(s) {
                    Ok(bytes) => (Encoding::Base64, bytes),
                    Err(_) => (Encoding::Text, s.as_bytes().to_vec()),
                }
            }
        }
        other => (Encoding::Json, to_file_text(other).into_bytes()),
    }
}

/// What an export did to DIR.
#[derive(Debug, Default, Serialize)]
pub struct Written {
    /// Files written (new or changed).
    pub written: Vec<String>,
    /// Files already as exported (left untouched).
    pub unchanged: usize,
    /// Files of the previous export the service no longer returns, removed.
    pub removed: Vec<String>,
}

fn read_manifest(dir: &Path) -> Option<Manifest> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).ok()?;
    serde_json::from_str(&text).ok()
}

fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| CliError::io(format!("cannot create {}: {e}", shown_path(parent))))?;
    }
    descope_store::write_user_file(path, bytes).map_err(|e| {
        CliError::io(e.to_string()).hint(format!(
            "{} was not changed; re-run the export",
            shown_path(path)
        ))
    })
}

/// Removes `dir`'s empty directories between `file` and `dir` (not `dir` itself).
fn prune_empty(dir: &Path, file: &Path) {
    let mut at = file.parent();
    while let Some(d) = at {
        if d == dir || !d.starts_with(dir) || std::fs::remove_dir(d).is_err() {
            break;
        }
        at = d.parent();
    }
}

/// Writes `files` into `dir`: each atomically (temp file, rename), unchanged ones untouched;
/// then removes what the previous export wrote that is gone; the manifest last.
pub fn write_snapshot(
    dir: &Path,
    files: &SnapshotFiles,
    assets: bool,
) -> Result<Written, CliError> {
    for path in files.keys() {
        check_path(path)?;
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::io(format!("cannot create {}: {e}", shown_path(dir))))?;
    let old = read_manifest(dir).unwrap_or_default();
    let mut manifest = Manifest {
        format: 1,
        assets,
        files: BTreeMap::new(),
    };
    let mut out = Written::default();
    let mut sorted: Vec<(&String, &Value)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (path, value) in sorted {
        let (encoding, bytes) = encode(path, value);
        let target = dir.join(path);
        if std::fs::read(&target).is_ok_and(|b| b == bytes) {
            out.unchanged += 1;
        } else {
            write_bytes(&target, &bytes)?;
            out.written.push(path.clone());
        }
        manifest.files.insert(path.clone(), encoding);
    }
    for path in old
        .files
        .keys()
        .filter(|p| !manifest.files.contains_key(*p))
    {
        if check_path(path).is_err() {
            continue;
        }
        let target = dir.join(path);
        if std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_file()) {
            std::fs::remove_file(&target)
                .map_err(|e| CliError::io(format!("cannot remove {}: {e}", shown_path(&target))))?;
            prune_empty(dir, &target);
            out.removed.push(path.clone());
        }
    }
    let text = serde_json::to_value(&manifest).map(|v| to_file_text(&v));
    let text = text.map_err(|e| CliError::new(format!("cannot encode the manifest: {e}")))?;
    write_bytes(&dir.join(MANIFEST), text.as_bytes())?;
    Ok(out)
}

/// A snapshot read from a directory.
#[derive(Debug, Default)]
pub struct DirSnapshot {
    /// The files, as the service takes them.
    pub files: SnapshotFiles,
    /// Whether it holds assets (from the manifest; `true` without one).
    pub assets: bool,
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> Result<(), CliError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| CliError::io(format!("cannot read {}: {e}", shown_path(dir))))?;
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = e.path();
        let kind = e
            .file_type()
            .map_err(|err| CliError::io(format!("cannot read {}: {err}", shown_path(&path))))?;
        if kind.is_dir() {
            walk(root, &path, out)?;
        } else if path.is_file() {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, path));
        }
    }
    Ok(())
}

/// Reads every file under `dir` (but hidden ones) into the service's map of files.
pub fn read_snapshot(dir: &Path) -> Result<DirSnapshot, CliError> {
    if !dir.is_dir() {
        return Err(
            CliError::not_found(format!("{} is not a directory", shown_path(dir))).hint(format!(
                "export one first: descope-mgmt snapshot export --dir {}",
                shown_path(dir)
            )),
        );
    }
    let manifest = read_manifest(dir);
    let mut found = Vec::new();
    walk(dir, dir, &mut found)?;
    let mut files = SnapshotFiles::new();
    for (rel, path) in found {
        let bytes = std::fs::read(&path)
            .map_err(|e| CliError::io(format!("cannot read {}: {e}", shown_path(&path))))?;
        let recorded = manifest.as_ref().and_then(|m| m.files.get(&rel)).copied();
        let encoding = recorded.unwrap_or(if rel.ends_with(".json") {
            Encoding::Json
        } else if is_text_asset(&rel) {
            Encoding::Text
        } else {
            Encoding::Base64
        });
        let value = match encoding {
            Encoding::Json => {
                let text = String::from_utf8(bytes).map_err(|_| {
                    CliError::invalid(format!("{}: not UTF-8 text", shown_path(&path)))
                })?;
                serde_json::from_str(&text).map_err(|e| {
                    json_file_error(&path, &text, &e)
                        .hint("fix the file; nothing was sent to the service")
                })?
            }
            Encoding::Text => Value::String(String::from_utf8(bytes).map_err(|_| {
                CliError::invalid(format!(
                    "{}: a text asset that is not UTF-8",
                    shown_path(&path)
                ))
            })?),
            Encoding::Base64 => Value::String(STANDARD.encode(bytes)),
        };
        files.insert(rel, value);
    }
    Ok(DirSnapshot {
        files,
        assets: manifest.is_none_or(|m| m.assets),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn files_round_trip_through_a_directory_and_stale_ones_go() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = SnapshotFiles::new();
        files.insert("flows/a.json".into(), json!({"b": 1, "a": [1, 2]}));
        files.insert(
            "assets/logo.png".into(),
            json!(STANDARD.encode([0u8, 159, 146, 150])),
        );
        files.insert("pages/x.html".into(), json!("<p>hi</p>"));
        files.insert("notes/odd.bin".into(), json!("not base64 at all!"));
        let first = write_snapshot(dir.path(), &files, true).unwrap();
        assert_eq!(first.written.len(), 4);
        let text = std::fs::read_to_string(dir.path().join("flows/a.json")).unwrap();
        assert_eq!(text, "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": 1\n}\n");
        assert_eq!(
            std::fs::read(dir.path().join("assets/logo.png")).unwrap(),
            [0u8, 159, 146, 150]
        );
        let back = read_snapshot(dir.path()).unwrap();
        assert_eq!(back.files.len(), 4);
        for (k, v) in &files {
            assert_eq!(&back.files[k], v, "{k}");
        }
        std::fs::write(dir.path().join("mine.txt"), "user file").unwrap();
        files.remove("flows/a.json");
        let second = write_snapshot(dir.path(), &files, true).unwrap();
        assert_eq!(second.removed, ["flows/a.json"]);
        assert_eq!(second.unchanged, 3);
        assert!(!dir.path().join("flows").exists());
        assert!(dir.path().join("mine.txt").exists(), "not ours: kept");
        assert!(check_path("../x").is_err() && check_path("a/.git/x").is_err());
    }
}
