//! A flow's change as a markdown change: its screens and tasks added, removed and changed.

use super::{Mark, MarkdownChange};

/// A flow's change (`flow deploy`, `flow restore`, a snapshot's flows): its screens and tasks
/// as notes (as `flow deploy` lists them); removing a screen or a task removes data.
#[must_use]
pub fn flow_change(id: &str, exists: bool, diff: &crate::flows::FlowDiff) -> MarkdownChange {
    let mut notes: Vec<String> = if exists {
        crate::flows::describe(diff)
            .split("; ")
            .map(str::to_owned)
            .collect()
    } else {
        Vec::new()
    };
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
