//! The plan of a snapshot import (or of a snapshot restore) as a pull-request comment
//! (`-o markdown`): one table per kind of file (flows, roles and permissions, styles, the rest),
//! files the import deletes first, a flow's screens and tasks as in `flow deploy`.

use crate::flows::flow_change;
use crate::output::markdown::{Mark, MarkdownChange, MarkdownPlan};

use super::plan::{FileAction, FileChange, SnapshotPlan};

/// The kind a snapshot path is grouped under.
fn kind_of(path: &str) -> &'static str {
    if path.starts_with("flows/") {
        "flow"
    } else if path == "roles.json" {
        "roles and permissions"
    } else if path.starts_with("styles/") || path.starts_with("themes/") {
        "styles"
    } else if path == "project.json" {
        "project"
    } else {
        "file"
    }
}

fn change(c: &FileChange) -> MarkdownChange {
    let action = match c.action {
        FileAction::Add => "add",
        FileAction::Change => "replace",
        FileAction::Remove => "delete",
        FileAction::Keep => "keep",
        FileAction::Excluded => "excluded",
    };
    if let (Some(diff), FileAction::Change | FileAction::Add) = (&c.flow, c.action) {
        let mut m = flow_change(&c.path, c.action == FileAction::Change, diff);
        m.action = action.to_owned();
        return m;
    }
    let mark = match c.action {
        FileAction::Remove => Mark::Destroy,
        _ => Mark::Plain,
    };
    let notes = if c.detail.is_empty() {
        Vec::new()
    } else {
        vec![c.detail.clone()]
    };
    MarkdownChange {
        kind: kind_of(&c.path).to_owned(),
        target: c.path.clone(),
        action: action.to_owned(),
        mark,
        fields: Vec::new(),
        notes,
    }
}

/// The plan, titled `verb` ("import" or "restore").
#[must_use]
pub fn markdown(plan: &SnapshotPlan, verb: &str) -> MarkdownPlan {
    let (added, changed, removed) = plan.counts();
    let kept = plan
        .changes
        .iter()
        .filter(|c| matches!(c.action, FileAction::Keep | FileAction::Excluded))
        .count();
    let mut notes = Vec::new();
    if plan.validation.ok {
        notes.push("The service's validation passed.".to_owned());
    } else {
        notes.push("**The service's validation failed: nothing would be imported.**".to_owned());
        notes.extend(plan.validation.lines());
    }
    MarkdownPlan {
        title: format!("descope-mgmt snapshot {verb} plan"),
        summary: format!(
            "Snapshot {verb}, files: {added} to add, {changed} to replace, {removed} to delete, {kept} kept, {} unchanged.",
            plan.unchanged
        ),
        columns: ("Live", "Files"),
        changes: plan.changes.iter().map(change).collect(),
        notes,
        see_all: format!("`snapshot {verb} --dry-run -o json`"),
    }
}
