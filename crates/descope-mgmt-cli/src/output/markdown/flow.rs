//! A flow's change as a markdown change: its screens and tasks added, removed and changed.

use super::{Mark, MarkdownChange};

/// A flow's change (`flow deploy`, `flow restore`, a snapshot's flows): its screens and tasks
/// as notes; removing a screen or a task removes data. `diff` is `None` when unchanged.
#[must_use]
pub fn flow_change(id: &str, exists: bool, diff: &crate::flows::FlowDiff) -> MarkdownChange {
    let mut notes = Vec::new();
    let mut add = |label: &str, v: &[String]| {
        if !v.is_empty() {
            notes.push(format!("{label}: {}", v.join(", ")));
        }
    };
    add("screens removed", &diff.screens_removed);
    add("tasks removed", &diff.tasks_removed);
    add("screens added", &diff.screens_added);
    add("screens changed", &diff.screens_changed);
    add("tasks added", &diff.tasks_added);
    add("tasks changed", &diff.tasks_changed);
    add("changed", &diff.other_changed);
    if !exists {
        notes.push("new flow".to_owned());
    }
    let loses = !diff.screens_removed.is_empty() || !diff.tasks_removed.is_empty();
    MarkdownChange {
        kind: "flow".to_owned(),
        target: id.to_owned(),
        action: if exists { "update" } else { "create" }.to_owned(),
        mark: if loses { Mark::Loses } else { Mark::Plain },
        fields: Vec::new(),
        notes,
    }
}
