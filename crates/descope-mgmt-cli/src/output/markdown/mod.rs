//! Plans and drift as GitHub-flavoured markdown for one pull-request comment (`-o markdown`): a
//! summary line, a table per resource kind, each change's fields in a collapsible section,
//! destructive changes first and marked, the whole cut to fit one comment with a note of what
//! was cut. Every command that shows a plan builds a [`MarkdownPlan`] and calls [`render`].

use serde_json::Value;

mod text;

pub use text::{html_text, md_text, table};

/// GitHub refuses a comment longer than this many characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// What [`render`] fills at most: the limit less room for what a CI job adds around the plan
/// (a marker comment, a heading, a link to the run).
pub const MARKDOWN_BUDGET: usize = 60_000;

/// How a change (or one field of it) is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// An ordinary change.
    Plain,
    /// Deletes an object: listed first, as ⚠️ **destroy**.
    Destroy,
    /// Keeps the object but loses data (a domain, a permission, an attribute, a screen is
    /// removed): listed first, as ⚠️ **removes data**.
    Loses,
    /// A critical drift: listed first, as 🔴 **critical**.
    Critical,
    /// A drift worth a look: 🟡 **warning**.
    Warning,
}

impl Mark {
    /// Whether it is listed before the plain ones.
    fn first(self) -> bool {
        matches!(self, Self::Destroy | Self::Loses | Self::Critical)
    }

    /// Its place in a table: deletes and critical drift, then data removed, then the rest.
    fn rank(self) -> u8 {
        match self {
            Self::Destroy | Self::Critical => 0,
            Self::Loses => 1,
            Self::Warning => 2,
            Self::Plain => 3,
        }
    }

    /// How it is shown in a table cell ("" for a plain change).
    fn badge(self) -> &'static str {
        match self {
            Self::Plain => "",
            Self::Destroy => "⚠️ **destroy**",
            Self::Loses => "⚠️ **removes data**",
            Self::Critical => "🔴 **critical**",
            Self::Warning => "🟡 **warning**",
        }
    }

    /// The same as HTML, for a `<summary>`.
    fn html_badge(self) -> &'static str {
        match self {
            Self::Plain => "",
            Self::Destroy => "⚠️ <b>destroy</b> ",
            Self::Loses => "⚠️ <b>removes data</b> ",
            Self::Critical => "🔴 <b>critical</b> ",
            Self::Warning => "🟡 <b>warning</b> ",
        }
    }

    /// The emoji alone, beside a field name.
    fn emoji(self) -> &'static str {
        match self {
            Self::Plain => "",
            Self::Destroy | Self::Loses => "⚠️ ",
            Self::Critical => "🔴 ",
            Self::Warning => "🟡 ",
        }
    }
}

/// One field of a change: its name and its two values, as text (escaped when rendered).
#[derive(Debug, Clone, PartialEq)]
pub struct MarkdownField {
    pub name: String,
    pub old: String,
    pub new: String,
    pub mark: Mark,
}

/// One change of a plan (or one drifted object).
#[derive(Debug, Clone, PartialEq)]
pub struct MarkdownChange {
    /// The resource kind it is grouped under: `tenant`, `role`, `flow`...
    pub kind: String,
    /// The object: a tenant id, a role's label, a flow id.
    pub target: String,
    /// `create`, `update`, `delete`, `drift`...
    pub action: String,
    pub mark: Mark,
    pub fields: Vec<MarkdownField>,
    /// Lines of text shown in its section after the fields (a flow's screens and tasks).
    pub notes: Vec<String>,
}

/// A whole plan to render.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkdownPlan {
    /// The heading, e.g. "descope-mgmt sync plan" (trusted text: no user data).
    pub title: String,
    /// The summary line, e.g. "Plan: 1 to create, 2 to update, 0 to delete, 3 unchanged."
    pub summary: String,
    /// The headers of the two value columns: ("Before", "After"), ("Live", "File").
    pub columns: (&'static str, &'static str),
    /// Changes with something to show (unchanged objects only count in the summary).
    pub changes: Vec<MarkdownChange>,
    /// Lines shown after the tables (warnings, the cost of the apply).
    pub notes: Vec<String>,
    /// How to see all of it when it is cut, e.g. "`-o json`" (trusted text).
    pub see_all: String,
}

/// A changed field shown old → new; in an update, one that loses data (see [`loses_data`]) is
/// marked so.
#[must_use]
pub fn field(name: &str, old: &Value, new: &Value, update: bool) -> MarkdownField {
    MarkdownField {
        name: name.to_owned(),
        old: crate::values::show_value(old),
        new: crate::values::show_value(new),
        mark: if update && loses_data(old, new) {
            Mark::Loses
        } else {
            Mark::Plain
        },
    }
}

/// `Loses` when any of `fields` loses data, else `Plain`.
#[must_use]
pub fn mark_of(fields: &[MarkdownField]) -> Mark {
    if fields.iter().any(|f| f.mark == Mark::Loses) {
        Mark::Loses
    } else {
        Mark::Plain
    }
}

/// Whether replacing `old` with `new` loses data: an item of a list or a key of a map that
/// `old` has and `new` does not, or a value that is cleared.
#[must_use]
pub fn loses_data(old: &Value, new: &Value) -> bool {
    match (old, new) {
        (Value::Array(o), Value::Array(n)) => o.iter().any(|x| !n.contains(x)),
        (Value::Object(o), Value::Object(n)) => o.keys().any(|k| !n.contains_key(k)),
        (Value::Array(o), Value::Null) => !o.is_empty(),
        (Value::Object(o), Value::Null) => !o.is_empty(),
        _ => false,
    }
}

/// The kinds in the order they are shown (by the most destructive change of each), each with
/// its changes (deletes and critical drift, then data removed, then the rest, each in plan
/// order); indices into `plan.changes`.
fn grouped(plan: &MarkdownPlan) -> Vec<(&str, Vec<usize>)> {
    let mut kinds: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, c) in plan.changes.iter().enumerate() {
        match kinds.iter_mut().find(|(k, _)| *k == c.kind) {
            Some((_, list)) => list.push(i),
            None => kinds.push((c.kind.as_str(), vec![i])),
        }
    }
    for (_, list) in &mut kinds {
        list.sort_by_key(|i| plan.changes[*i].mark.rank());
    }
    kinds.sort_by_key(|(_, list)| {
        list.iter()
            .map(|i| plan.changes[*i].mark.rank())
            .min()
            .unwrap_or(3)
    });
    kinds
}

fn row(c: &MarkdownChange) -> String {
    let fields: Vec<String> = c
        .fields
        .iter()
        .map(|f| format!("{}{}", f.mark.emoji(), md_text(&f.name)))
        .collect();
    format!(
        "| {} | {} | {} | {} |\n",
        c.mark.badge(),
        md_text(&c.action),
        md_text(&c.target),
        fields.join(", ")
    )
}

fn details(c: &MarkdownChange, columns: (&str, &str)) -> String {
    let mut s = format!(
        "<details><summary>{}{} {} {}</summary>\n\n",
        c.mark.html_badge(),
        html_text(&c.action),
        html_text(&c.kind),
        html_text(&c.target)
    );
    if !c.fields.is_empty() {
        s.push_str(&format!(
            "| Field | {} | {} |\n|---|---|---|\n",
            columns.0, columns.1
        ));
        for f in &c.fields {
            s.push_str(&format!(
                "| {}{} | {} | {} |\n",
                f.mark.emoji(),
                md_text(&f.name),
                md_text(&f.old),
                md_text(&f.new)
            ));
        }
        s.push('\n');
    }
    for n in &c.notes {
        s.push_str(&format!("- {}\n", md_text(n)));
    }
    if !c.notes.is_empty() {
        s.push('\n');
    }
    s.push_str("</details>\n\n");
    s
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Renders `plan` in at most `budget` characters (see [`MARKDOWN_BUDGET`]): the summary, the
/// count of destructive changes, the tables, the notes and the details, in that priority; what
/// does not fit is left out, and a last line says how much and how to see it all.
#[must_use]
pub fn render(plan: &MarkdownPlan, budget: usize) -> String {
    let kinds = grouped(plan);
    let first = plan.changes.iter().filter(|c| c.mark.first()).count();
    let mut head = format!("### {}\n\n**{}**\n\n", plan.title, md_text(&plan.summary));
    if first > 0 {
        let what = if plan
            .changes
            .iter()
            .any(|c| matches!(c.mark, Mark::Critical))
        {
            "critical difference(s)"
        } else {
            "destructive change(s)"
        };
        head.push_str(&format!(
            "> [!CAUTION]\n> **{first} {what}**, listed first in each table and marked.\n\n"
        ));
    }
    let notes: String = plan
        .notes
        .iter()
        .map(|n| format!("> {}\n", md_text(n)))
        .collect();
    let notes = if notes.is_empty() {
        notes
    } else {
        format!("{notes}\n")
    };
    // Room for the note on what was cut, should it be needed.
    let reserve = 400 + chars(&plan.see_all);
    let mut left = budget
        .saturating_sub(chars(&head) + chars(&notes))
        .saturating_sub(reserve);
    // Table rows first, in the order shown, then the details: one pass each decides what fits.
    let headers: Vec<String> = kinds
        .iter()
        .map(|(kind, list)| {
            format!(
                "#### {} ({})\n\n| | Action | Target | Fields |\n|---|---|---|---|\n",
                md_text(kind),
                list.len()
            )
        })
        .collect();
    let mut shown_rows = vec![Vec::new(); kinds.len()];
    let mut cut_rows = 0;
    for (k, (_, list)) in kinds.iter().enumerate() {
        for &i in list {
            let r = row(&plan.changes[i]);
            let cost = chars(&r)
                + if shown_rows[k].is_empty() {
                    chars(&headers[k]) + 1
                } else {
                    0
                };
            if cost <= left && cut_rows == 0 {
                left -= cost;
                shown_rows[k].push(r);
            } else {
                cut_rows += 1;
            }
        }
    }
    let mut shown_details = vec![Vec::new(); kinds.len()];
    let mut cut_details = 0;
    for (k, (_, list)) in kinds.iter().enumerate() {
        for &i in list {
            let c = &plan.changes[i];
            if c.fields.is_empty() && c.notes.is_empty() {
                continue;
            }
            let d = details(c, plan.columns);
            if chars(&d) <= left && cut_details == 0 {
                left -= chars(&d);
                shown_details[k].push(d);
            } else {
                cut_details += 1;
            }
        }
    }
    let mut out = head;
    for (k, header) in headers.iter().enumerate() {
        if shown_rows[k].is_empty() {
            continue;
        }
        out.push_str(header);
        for r in &shown_rows[k] {
            out.push_str(r);
        }
        out.push('\n');
        for d in &shown_details[k] {
            out.push_str(d);
        }
    }
    out.push_str(&notes);
    if cut_rows + cut_details > 0 {
        let mut parts = Vec::new();
        if cut_rows > 0 {
            parts.push(format!("{cut_rows} of {} table row(s)", plan.changes.len()));
        }
        if cut_details > 0 {
            parts.push(format!("{cut_details} change detail section(s)"));
        }
        out.push_str(&format!(
            "---\n✂️ **Cut to fit one GitHub comment** ({GITHUB_COMMENT_LIMIT} characters): {} not shown. See everything with {}.\n",
            parts.join(" and "),
            plan.see_all
        ));
    }
    out
}

#[cfg(test)]
mod tests;
