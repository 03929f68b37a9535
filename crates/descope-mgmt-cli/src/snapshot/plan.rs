//! The plan of a snapshot import: the live snapshot against the files, file by file (flows with
//! the screen/task diff of `flow deploy`, `roles.json` role by role), and the service's verdict.
//! One serialisable value; table and JSON/YAML render it (a markdown renderer takes the same
//! value, see [`SnapshotPlan`]).

use std::collections::BTreeSet;

use descope_api::{SnapshotFiles, SnapshotValidation};
use serde::Serialize;
use serde_json::Value;

use super::roles::roles_detail;
use crate::files::canonical;
use crate::flows::{FlowDiff, describe, diff_flows};

/// Files the import replaces only when present: absent, the live one stays.
const KEPT_WHEN_ABSENT: [&str; 3] = ["project.json", "roles.json", "styles/theme.json"];

/// What happens to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileAction {
    /// Only in the files: created.
    Add,
    /// In both, different: replaced.
    Change,
    /// Only live: deleted by the import.
    Remove,
    /// Only live, and the import leaves it (an asset, a file it replaces only when given, an
    /// excluded list).
    Keep,
    /// In the files but excluded (`--exclude lists`): not imported.
    Excluded,
}

/// One file of the plan.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileChange {
    /// Snapshot path.
    pub path: String,
    /// What happens to it.
    pub action: FileAction,
    /// One line of detail (what changed in it, or why it is kept).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub detail: String,
    /// For a flow that changes: screens and tasks added, removed, changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow: Option<FlowDiff>,
}

/// The plan of `snapshot import` and of a snapshot restore. Holds no secret: only paths, the
/// differences between files, and the service's verdict (which names secrets, never values).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotPlan {
    /// Where the files come from (the directory, or the backup).
    pub source: String,
    /// Files that change (every action but unchanged), destructive ones first.
    pub changes: Vec<FileChange>,
    /// How many files are the same live and in the files.
    pub unchanged: usize,
    /// The service's validation of the files.
    pub validation: ValidationView,
}

/// The validation as shown: `ok`, the failures, and the missing secrets (no values).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidationView {
    /// Whether the files can be imported.
    pub ok: bool,
    /// The service's failures.
    pub failures: Vec<String>,
    /// Each missing secret: `{kind, id, name, type, env}`.
    pub missing_secrets: Vec<Value>,
}

impl ValidationView {
    /// The view of the service's answer, with the environment variables that may supply each
    /// missing secret.
    #[must_use]
    pub fn of(v: &SnapshotValidation) -> Self {
        let mut missing = Vec::new();
        for (kind, list) in v.missing_secrets.by_kind() {
            for s in list {
                missing.push(serde_json::json!({
                    "kind": kind, "id": s.id, "name": s.name, "type": s.kind,
                    "env": super::secrets::env_names(kind, s),
                }));
            }
        }
        Self {
            ok: v.ok && v.failures.is_empty() && missing.is_empty(),
            failures: v.failures.clone(),
            missing_secrets: missing,
        }
    }

    /// The failures and missing secrets, one line each, in the user's terms.
    #[must_use]
    pub fn lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .failures
            .iter()
            .map(|f| format!("invalid: {f}"))
            .collect();
        for m in &self.missing_secrets {
            let s = |k: &str| m[k].as_str().unwrap_or("").to_owned();
            let env = m["env"]
                .as_array()
                .and_then(|a| a.first())
                .and_then(Value::as_str)
                .unwrap_or("");
            out.push(format!(
                "missing secret: {} `{}` ({}) needs its `{}`: add it to the --secrets file under {} or set {env}",
                s("kind").trim_end_matches('s'),
                s("name"),
                s("id"),
                s("type"),
                s("kind"),
            ));
        }
        out
    }
}

impl SnapshotPlan {
    /// Counts per action: (add, change, remove).
    #[must_use]
    pub fn counts(&self) -> (usize, usize, usize) {
        let n = |a: FileAction| self.changes.iter().filter(|c| c.action == a).count();
        (
            n(FileAction::Add),
            n(FileAction::Change),
            n(FileAction::Remove),
        )
    }

    /// Whether the import would change anything.
    #[must_use]
    pub fn has_changes(&self) -> bool {
        let (a, c, r) = self.counts();
        a + c + r > 0
    }

    /// The plan as text: `title`, one line per file, the verdict, a summary line.
    #[must_use]
    pub fn text(&self, title: &str) -> String {
        let mut out = format!("{title}:\n");
        for c in &self.changes {
            let sign = match c.action {
                FileAction::Add => "+",
                FileAction::Change => "~",
                FileAction::Remove => "-",
                FileAction::Keep | FileAction::Excluded => "=",
            };
            out.push_str(&format!("  {sign} {}", c.path));
            if !c.detail.is_empty() {
                out.push_str(&format!(": {}", c.detail));
            }
            out.push('\n');
        }
        for line in self.validation.lines() {
            out.push_str(&format!("  ! {line}\n"));
        }
        let (a, c, r) = self.counts();
        out.push_str(&format!(
            "Plan: {a} to add, {c} to change, {r} to remove, {} unchanged.\n",
            self.unchanged
        ));
        out
    }
}

/// The plan of importing `files` over `live`. `excluded_lists`: `--exclude lists`.
#[must_use]
pub fn diff(
    source: String,
    live: &SnapshotFiles,
    files: &SnapshotFiles,
    excluded_lists: bool,
    validation: ValidationView,
) -> SnapshotPlan {
    let excluded = |p: &str| excluded_lists && p.starts_with("lists/");
    let paths: BTreeSet<&String> = live.keys().chain(files.keys()).collect();
    let mut changes = Vec::new();
    let mut unchanged = 0;
    for path in paths {
        let change = |action, detail: String, flow| FileChange {
            path: path.clone(),
            action,
            detail,
            flow,
        };
        match (live.get(path), files.get(path)) {
            (_, Some(_)) if excluded(path) => changes.push(change(
                FileAction::Excluded,
                "excluded (--exclude lists); the live one stays".into(),
                None,
            )),
            (None, Some(_)) => changes.push(change(FileAction::Add, String::new(), None)),
            (Some(l), Some(f)) if canonical(l) == canonical(f) => unchanged += 1,
            (Some(l), Some(f)) if path.starts_with("flows/") => match diff_flows(l, f) {
                None => unchanged += 1,
                Some(d) => changes.push(change(FileAction::Change, describe(&d), Some(d))),
            },
            (Some(l), Some(f)) if path == "roles.json" => match roles_detail(l, f) {
                None => unchanged += 1,
                Some(d) => changes.push(change(FileAction::Change, d, None)),
            },
            (Some(_), Some(_)) => changes.push(change(FileAction::Change, String::new(), None)),
            (Some(l), None) => {
                let why = if l.is_string() {
                    Some("an asset: the import never deletes assets")
                } else if KEPT_WHEN_ABSENT.contains(&path.as_str()) {
                    Some("not in the files: the live one stays")
                } else if excluded(path) {
                    Some("excluded (--exclude lists)")
                } else {
                    None
                };
                match why {
                    Some(w) => changes.push(change(FileAction::Keep, format!("kept ({w})"), None)),
                    None => changes.push(change(FileAction::Remove, "deleted".into(), None)),
                }
            }
            (None, None) => {}
        }
    }
    // Destructive changes first, then by path (already sorted within each action).
    changes.sort_by_key(|c| match c.action {
        FileAction::Remove => 0,
        FileAction::Change => 1,
        FileAction::Add => 2,
        FileAction::Keep | FileAction::Excluded => 3,
    });
    SnapshotPlan {
        source,
        changes,
        unchanged,
        validation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn files(pairs: &[(&str, Value)]) -> SnapshotFiles {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    #[test]
    fn what_the_import_deletes_keeps_and_excludes() {
        let flow = |name: &str| json!({"flowId": "f", "metadata": {"name": name}, "contents": {"tasks": {"1": {"id": "1", "name": name}}}});
        let live = files(&[
            ("flows/f.json", flow("a")),
            ("flows/gone.json", flow("a")),
            (
                "roles.json",
                json!({"roles": [{"name": "viewer", "description": "x"}]}),
            ),
            ("project.json", json!({"name": "P"})),
            ("assets/logo.png", json!("AAEC")),
            ("lists/ips.json", json!({"ips": []})),
            ("connectors/old.json", json!({"id": "C"})),
        ]);
        let wanted = files(&[
            ("flows/f.json", flow("b")),
            (
                "roles.json",
                json!({"roles": [{"description": "y", "name": "viewer"}, {"name": "admin"}]}),
            ),
            ("lists/other.json", json!({})),
            ("connectors/new.json", json!({"id": "D"})),
        ]);
        let plan = diff(
            "dir".into(),
            &live,
            &wanted,
            true,
            ValidationView::default(),
        );
        let got: Vec<(&str, FileAction, &str)> = plan
            .changes
            .iter()
            .map(|c| (c.path.as_str(), c.action, c.detail.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("connectors/old.json", FileAction::Remove, "deleted"),
                ("flows/gone.json", FileAction::Remove, "deleted"),
                (
                    "flows/f.json",
                    FileAction::Change,
                    "tasks changed: 1; changed: metadata"
                ),
                (
                    "roles.json",
                    FileAction::Change,
                    "roles added: admin; roles changed: viewer"
                ),
                ("connectors/new.json", FileAction::Add, ""),
                (
                    "assets/logo.png",
                    FileAction::Keep,
                    "kept (an asset: the import never deletes assets)"
                ),
                (
                    "lists/ips.json",
                    FileAction::Keep,
                    "kept (excluded (--exclude lists))"
                ),
                (
                    "lists/other.json",
                    FileAction::Excluded,
                    "excluded (--exclude lists); the live one stays"
                ),
                (
                    "project.json",
                    FileAction::Keep,
                    "kept (not in the files: the live one stays)"
                ),
            ]
        );
        assert_eq!(plan.counts(), (1, 2, 2));
        assert!(
            plan.text("T")
                .ends_with("Plan: 1 to add, 2 to change, 2 to remove, 0 unchanged.\n")
        );
    }
}
