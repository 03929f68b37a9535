//! The project plan (`sync`, `tenant sync`) as the generic markdown plan of
//! `crate::output::markdown`, for a pull-request comment (`--dry-run -o markdown`).

use descope_sync::{Action, FieldChange, ProjectPlan};

use crate::output::markdown::{Mark, MarkdownChange, MarkdownField, MarkdownPlan, field, mark_of};

/// The plan of `command` (`sync`, `tenant sync`), with the warnings a reviewer must see.
#[must_use]
pub fn plan_markdown(command: &str, plan: &ProjectPlan) -> MarkdownPlan {
    let mut changes = Vec::new();
    for c in &plan.resources {
        if c.action == Action::Unchanged {
            continue;
        }
        let target = match &c.tenant {
            Some(t) => format!("{} (tenant {t})", c.name),
            None => c.name.clone(),
        };
        let mut change = markdown_change(c.kind.to_string(), target, c.action, &c.fields);
        if let Some(old) = &c.renamed_from {
            change.notes.push(format!("renamed from {old}"));
        }
        changes.push(change);
    }
    for c in &plan.tenants.changes {
        if c.action == Action::Unchanged {
            continue;
        }
        let mut change = markdown_change("tenant".to_owned(), c.id.clone(), c.action, &c.fields);
        if let Some(t) = &c.temp_name {
            change.notes.push(format!(
                "first renamed to {t} (a temporary name: these renames form a cycle)"
            ));
        }
        changes.push(change);
    }
    MarkdownPlan {
        title: format!("descope-mgmt {command} plan"),
        summary: plan.summary().to_string(),
        columns: ("Live", "After apply"),
        changes,
        notes: plan
            .warnings()
            .into_iter()
            .map(|w| format!("warning: {w}"))
            .collect(),
        see_all: format!(
            "`descope-mgmt {command} --dry-run` (or `-o json` for the whole plan as data)"
        ),
    }
}

/// One change: a delete is destroy, an update that removes a list item or a map key removes
/// data, anything else is plain.
fn markdown_change(
    kind: String,
    target: String,
    action: Action,
    fields: &[FieldChange],
) -> MarkdownChange {
    let fields: Vec<MarkdownField> = fields
        .iter()
        .map(|f| field(&f.field, &f.old, &f.new, action == Action::Update))
        .collect();
    let mark = match action {
        Action::Delete => Mark::Destroy,
        _ => mark_of(&fields),
    };
    MarkdownChange {
        kind,
        target,
        action: action.to_string(),
        mark,
        fields,
        notes: Vec::new(),
    }
}
