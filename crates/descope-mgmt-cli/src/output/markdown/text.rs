//! Escaping for markdown and HTML, so user text is only ever text; and a plain table as
//! markdown.

use crate::output::escape::shown;

/// Text for a markdown table cell or paragraph: control characters escaped as in every human
/// view, HTML inert, markdown punctuation and table pipes escaped, and `@` and `#` made
/// entities so a name can neither mention someone nor link an issue.
#[must_use]
pub fn md_text(text: &str) -> String {
    escaped(text, false)
}

/// Text inside HTML (a `<summary>`): entities only, since backslashes show there as they are.
#[must_use]
pub fn html_text(text: &str) -> String {
    escaped(text, true)
}

fn escaped(text: &str, html: bool) -> String {
    let text = shown(text);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        let entity = match (c, html) {
            ('&', _) => "&amp;",
            ('<', _) => "&lt;",
            ('>', _) => "&gt;",
            ('@', _) => "&#64;",
            ('#', _) => "&#35;",
            ('"', true) => "&quot;",
            ('`', true) => "&#96;",
            ('*', true) => "&#42;",
            ('_', true) => "&#95;",
            ('|', true) => "&#124;",
            (
                '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '!' | '{' | '}' | '(' | ')',
                false,
            ) => {
                out.push('\\');
                out.push(c);
                continue;
            }
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(entity);
    }
    out
}

/// A table as markdown (what `Out::emit` writes for `-o markdown`).
#[must_use]
pub fn table(t: &crate::output::table::Table) -> String {
    let mut s = String::new();
    if !t.headers.is_empty() {
        s.push_str(&format!("| {} |\n", t.headers.join(" | ")));
        s.push_str(&format!("|{}\n", "---|".repeat(t.headers.len())));
    }
    for row in &t.rows {
        let cells: Vec<String> = row.iter().map(|c| md_text(c)).collect();
        s.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    s
}
