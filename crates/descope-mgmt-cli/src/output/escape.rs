//! Escaping of data shown to a human, so a name can never drive the terminal.

use std::borrow::Cow;

/// Escapes control characters (C0, DEL, C1, and the bidi and separator characters of
/// [`is_invisible_format`]) so data can never drive the terminal: `\e`, `\n`,
/// `\t`, `\r`, else `\u{..}`. With `keep_newlines`, `\n` stays a line break (for messages we
/// compose ourselves line by line).
#[must_use]
pub fn escape_control(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let needs =
        |c: char| (c.is_control() || is_invisible_format(c)) && !(keep_newlines && c == '\n');
    if !text.chars().any(needs) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !needs(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\x1b' => out.push_str("\\e"),
            other => out.push_str(&format!("\\u{{{:x}}}", u32::from(other))),
        }
    }
    Cow::Owned(out)
}

/// Characters that reorder or break the text around them without being C0/C1 controls: the
/// Unicode bidi embeddings, overrides and isolates, the directional marks, and the line and
/// paragraph separators. A name holding U+202E can show "evil" as "live".
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Escapes the control characters of one piece of data shown in human output (a name in a
/// message or a plan line): newlines too.
#[must_use]
pub fn shown(text: &str) -> Cow<'_, str> {
    escape_control(text, false)
}

/// A path shown in a message, escaped like any data (a file name can hold a newline).
#[must_use]
pub fn shown_path(path: &std::path::Path) -> String {
    shown(&path.display().to_string()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_json_is_not_touched() {
        let name = "a\u{1b}]0;t\u{7}\u{1b}[31mb\nc\td\u{7f}\u{9b}e\r";
        assert_eq!(
            shown(name),
            "a\\e]0;t\\u{7}\\e[31mb\\nc\\td\\u{7f}\\u{9b}e\\r"
        );
        assert_eq!(escape_control("one\ntwo\u{1b}", true), "one\ntwo\\e");
        assert!(matches!(shown("plain é 名前"), Cow::Borrowed(_)));
        assert_eq!(
            shown("\u{202e}evil\u{2066}x\u{200f}\u{2028}"),
            "\\u{202e}evil\\u{2066}x\\u{200f}\\u{2028}"
        );
    }
}
