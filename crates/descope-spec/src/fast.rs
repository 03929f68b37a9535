//! The fast path for reading tenants.yaml: a hand-written reader of the block-style subset that
//! `tenant export` writes and that people write by hand, about thirty times faster than
//! serde-saphyr and without its per-node memory.
//!
//! It is deliberately conservative. It reads a file only when it is certain of what serde-saphyr
//! would produce for it, values and locations alike, and otherwise steps aside ([`Bail`]); the
//! caller then parses the whole file with serde-saphyr, which also produces every error message.
//! So the fast path never decides that a file is wrong, and never gives a different answer:
//! tests/fast_path.rs compares the two on thousands of generated and mutated files, and the
//! `spec_fast_path` fuzz target does the same on arbitrary input.
//!
//! The subset:
//! - a top-level block mapping at column 0 with the keys `tenants` and `protected` (each once);
//! - `tenants:` followed by a block sequence of block mappings (`- id: ...`), or `tenants: []`;
//! - tenant keys as in the schema, each once, with `id` and `name` present;
//! - values on the key's own line: plain or quoted scalars (single line), flow sequences of
//!   scalars and flow mappings of scalars or flow sequences (`[a, b]`, `{plan: pro, seats: 5}`),
//!   closed on the same line;
//! - block sequences of scalars (`domains:` then `- a.com` lines) and a block mapping under
//!   `customAttributes:`;
//! - comments, blank lines, UTF-8 text, LF or CRLF line breaks.
//!
//! Everything else steps aside: anchors, aliases, tags, block scalars, multi-line scalars or
//! flows, document markers, directives, tabs, a CR without LF, BOM, control characters, duplicate or unknown
//! keys, missing values, nulls, YAML 1.1 words, numbers other than plain decimals, etc.
//!
//! The project file's sections step aside too: a top-level `permissions:` or `roles:`, and a
//! tenant's `settings:` or `roles:`. Those files are small (a project has hundreds of roles, not
//! a hundred thousand tenants), so serde-saphyr's speed is enough, and the fast path stays the
//! reader of the large tenants-only files it was built for.

use std::collections::BTreeMap;

use crate::Location;
use crate::raw::{At, AttrValue, Entry};

/// The file is outside the fast path's subset; parse it with serde-saphyr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bail;

type R<T> = Result<T, Bail>;

/// Reads `text`, handing each tenant entry to `on_tenant` in file order, and returns the
/// top-level `protected` list.
pub(crate) fn parse(text: &str, on_tenant: &mut dyn FnMut(Entry)) -> R<Vec<At<String>>> {
    prescan(text)?;
    let mut lines = Lines {
        text,
        pos: 0,
        no: 0,
        peeked: None,
    };
    let mut seen_tenants = false;
    let mut protected: Option<Vec<At<String>>> = None;
    while let Some(line) = lines.peek()? {
        if line.indent != 0 {
            return Err(Bail);
        }
        let (key, rest) = block_key(line, 0)?;
        lines.bump();
        match key.as_str() {
            "tenants" if !seen_tenants => {
                seen_tenants = true;
                match rest {
                    Some(off) => {
                        // Only the empty flow sequence.
                        let s = line.s.as_bytes();
                        if s.get(off) != Some(&b'[') || s.get(off + 1) != Some(&b']') {
                            return Err(Bail);
                        }
                        expect_end(line, off + 2)?;
                    }
                    None => tenant_seq(&mut lines, on_tenant)?,
                }
            }
            "protected" if protected.is_none() => {
                protected = Some(string_list(&mut lines, line, rest, 0)?);
            }
            _ => return Err(Bail),
        }
    }
    if !seen_tenants {
        return Err(Bail);
    }
    Ok(protected.unwrap_or_default())
}

/// Characters the fast path does not read: control characters (but `\n`, and `\r` directly
/// before `\n`), DEL, C1 controls, BOM, the Unicode line and paragraph separators, and
/// non-characters.
fn prescan(text: &str) -> R<()> {
    let bytes = text.as_bytes();
    let bad_ascii = |i: usize, b: u8| {
        (b < 0x20 && b != b'\n' && !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n'))) || b == 0x7f
    };
    if text.is_ascii() {
        return if bytes.iter().enumerate().any(|(i, &b)| bad_ascii(i, b)) {
            Err(Bail)
        } else {
            Ok(())
        };
    }
    for (i, c) in text.char_indices() {
        let u = u32::from(c);
        let bad = if u < 0x80 {
            bad_ascii(i, u as u8)
        } else {
            (0x80..=0x9f).contains(&u) || matches!(u, 0xfeff | 0x2028 | 0x2029 | 0xfffe | 0xffff)
        };
        if bad {
            return Err(Bail);
        }
    }
    Ok(())
}

/// One line that holds more than spaces and a comment.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    /// 1-based line number.
    no: usize,
    /// The line without its `\n`.
    s: &'a str,
    /// Leading spaces.
    indent: usize,
}

impl Line<'_> {
    fn at(&self, off: usize) -> Location {
        let before = &self.s.as_bytes()[..off];
        let column = if before.is_ascii() {
            off + 1
        } else {
            self.s[..off].chars().count() + 1
        };
        Location {
            line: self.no,
            column,
        }
    }

    fn byte(&self, off: usize) -> Option<u8> {
        self.s.as_bytes().get(off).copied()
    }

    /// A block sequence entry starts here: `-` followed by a space or the end of the line.
    fn is_dash(&self) -> bool {
        self.byte(self.indent) == Some(b'-')
            && matches!(self.byte(self.indent + 1), None | Some(b' '))
    }
}

struct Lines<'a> {
    text: &'a str,
    pos: usize,
    no: usize,
    peeked: Option<Line<'a>>,
}

impl<'a> Lines<'a> {
    /// The next content line, skipping blank and comment-only lines.
    fn peek(&mut self) -> R<Option<Line<'a>>> {
        if let Some(l) = self.peeked {
            return Ok(Some(l));
        }
        while self.pos < self.text.len() {
            let rest = &self.text[self.pos..];
            let end = rest.find('\n').unwrap_or(rest.len());
            let s = &rest[..end];
            self.pos += end + 1;
            // A CRLF line break (prescan allows `\r` only before `\n`).
            let s = s.strip_suffix('\r').unwrap_or(s);
            self.no += 1;
            let indent = s.len() - s.trim_start_matches(' ').len();
            let content = &s[indent..];
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            if indent == 0
                && (content.starts_with('%')
                    || ((content.starts_with("---") || content.starts_with("..."))
                        && matches!(content.as_bytes().get(3), None | Some(b' '))))
            {
                return Err(Bail);
            }
            let l = Line {
                no: self.no,
                s,
                indent,
            };
            self.peeked = Some(l);
            return Ok(Some(l));
        }
        Ok(None)
    }

    fn bump(&mut self) {
        self.peeked = None;
    }
}

/// A scalar as written: its text (unescaped) and whether it was plain (unquoted).
#[derive(Debug, Clone, PartialEq)]
struct Scalar {
    text: String,
    plain: bool,
    at: Location,
}

/// A value written on one line.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Scalar(Scalar),
    Seq(Vec<Scalar>, Location),
    Map(Vec<(String, Value)>),
}

fn skip_spaces(line: Line<'_>, mut pos: usize) -> usize {
    while line.byte(pos) == Some(b' ') {
        pos += 1;
    }
    pos
}

/// After a value: only spaces, then the end of the line or a comment after a space.
fn expect_end(line: Line<'_>, pos: usize) -> R<()> {
    let after = skip_spaces(line, pos);
    match line.byte(after) {
        None => Ok(()),
        Some(b'#') if after > pos => Ok(()),
        _ => Err(Bail),
    }
}

/// Whether the rest of the line from `pos` is empty or a comment (after at least one space, or
/// at the very start of the content).
fn rest_is_empty(line: Line<'_>, pos: usize) -> bool {
    let after = skip_spaces(line, pos);
    match line.byte(after) {
        None => true,
        Some(b'#') => after > pos,
        _ => false,
    }
}

/// Characters that may not start a plain scalar here (YAML indicators and reserved characters).
fn bad_plain_start(line: Line<'_>, pos: usize) -> bool {
    match line.byte(pos) {
        None => true,
        Some(
            b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
            | b'"' | b'%' | b'@' | b'`' | b'?' | b':',
        ) => true,
        Some(b'-') => matches!(
            line.byte(pos + 1),
            None | Some(b' ' | b',' | b'[' | b']' | b'{' | b'}')
        ),
        _ => false,
    }
}

/// YAML limits an implicit key (`key: value` without `?`) to 1024 characters; longer keys are
/// left to serde-saphyr, which reports them.
const MAX_KEY: usize = 512;

/// A mapping key at `off`: quoted, or plain up to its `:` (in block context the first `:` followed
/// by a space or the end of the line; in a flow mapping the first `:`). Returns the key and the
/// offset of its `:`.
fn mapping_key(line: Line<'_>, off: usize, flow: bool) -> R<(String, usize)> {
    let (key, colon) = match line.byte(off) {
        Some(b'"' | b'\'') => {
            let (sc, end) = quoted(line, off)?;
            (sc.text, end)
        }
        _ => {
            if bad_plain_start(line, off) {
                return Err(Bail);
            }
            let bytes = line.s.as_bytes();
            let mut i = off;
            loop {
                match bytes.get(i) {
                    None => return Err(Bail),
                    Some(b':') if flow || matches!(bytes.get(i + 1), None | Some(b' ')) => break,
                    Some(b',' | b'[' | b']' | b'{' | b'}' | b'#') if flow => return Err(Bail),
                    Some(b'#') if bytes[i - 1] == b' ' => return Err(Bail),
                    _ => i += 1,
                }
            }
            let key = &line.s[off..i];
            if key.ends_with(' ') {
                return Err(Bail);
            }
            (key.to_owned(), i)
        }
    };
    if line.byte(colon) != Some(b':')
        || key.is_empty()
        || key == "<<"
        || is_null_word(&key)
        || colon - off > MAX_KEY
    {
        return Err(Bail);
    }
    Ok((key, colon))
}

/// A mapping key at `off` in block context, with the offset of its inline value (`None` when
/// the rest of the line is empty: the value is a nested block on the following lines).
fn block_key(line: Line<'_>, off: usize) -> R<(String, Option<usize>)> {
    let (key, colon) = mapping_key(line, off, false)?;
    // `key:` must be followed by a space or the end of the line.
    let after = colon + 1;
    if !matches!(line.byte(after), None | Some(b' ')) {
        return Err(Bail);
    }
    if rest_is_empty(line, after) {
        Ok((key, None))
    } else {
        Ok((key, Some(skip_spaces(line, after))))
    }
}

/// A value on one line in block context (after `key: ` or `- `), up to the end of the line.
fn block_value(line: Line<'_>, off: usize) -> R<Value> {
    match line.byte(off) {
        Some(b'[') => {
            let (items, end) = flow_seq(line, off)?;
            expect_end(line, end)?;
            Ok(Value::Seq(items, line.at(off)))
        }
        Some(b'{') => {
            let (entries, end) = flow_map(line, off)?;
            expect_end(line, end)?;
            Ok(Value::Map(entries))
        }
        Some(b'"' | b'\'') => {
            let (sc, end) = quoted(line, off)?;
            expect_end(line, end)?;
            Ok(Value::Scalar(sc))
        }
        _ => {
            if bad_plain_start(line, off) {
                return Err(Bail);
            }
            let bytes = line.s.as_bytes();
            let mut end = bytes.len();
            for i in off + 1..bytes.len() {
                if bytes[i] == b'#' && bytes[i - 1] == b' ' {
                    end = i;
                    break;
                }
            }
            let text = line.s[off..end].trim_end_matches(' ');
            if text.contains(": ") || text.ends_with(':') {
                return Err(Bail);
            }
            Ok(Value::Scalar(Scalar {
                text: text.to_owned(),
                plain: true,
                at: line.at(off),
            }))
        }
    }
}

/// A quoted scalar starting at `off` (on `"` or `'`), closed on the same line. Returns the
/// scalar and the offset just after the closing quote.
fn quoted(line: Line<'_>, off: usize) -> R<(Scalar, usize)> {
    let s = line.s;
    let bytes = s.as_bytes();
    let quote = bytes[off];
    let mut out = String::new();
    let mut i = off + 1;
    loop {
        let rest = &s[i..];
        let stop = rest
            .bytes()
            .position(|b| b == quote || (quote == b'"' && b == b'\\'))
            .ok_or(Bail)?;
        out.push_str(&rest[..stop]);
        i += stop;
        if quote == b'\'' {
            if bytes.get(i + 1) == Some(&b'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            break;
        }
        if bytes[i] == b'"' {
            break;
        }
        // A backslash escape: only the common, unambiguous ones.
        let c = *bytes.get(i + 1).ok_or(Bail)?;
        i += 2;
        match c {
            b'\\' => out.push('\\'),
            b'"' => out.push('"'),
            b'/' => out.push('/'),
            b'n' => out.push('\n'),
            b't' => out.push('\t'),
            b'r' => out.push('\r'),
            b'u' => {
                let hex = s.get(i..i + 4).ok_or(Bail)?;
                if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(Bail);
                }
                let code = u32::from_str_radix(hex, 16).map_err(|_| Bail)?;
                out.push(char::from_u32(code).ok_or(Bail)?);
                i += 4;
            }
            _ => return Err(Bail),
        }
    }
    Ok((
        Scalar {
            text: out,
            plain: false,
            at: line.at(off),
        },
        i + 1,
    ))
}

/// A scalar inside a flow collection: quoted, or plain up to `,`, `]` or `}`.
fn flow_scalar(line: Line<'_>, off: usize) -> R<(Scalar, usize)> {
    match line.byte(off) {
        Some(b'"' | b'\'') => quoted(line, off),
        _ => {
            if bad_plain_start(line, off) {
                return Err(Bail);
            }
            let bytes = line.s.as_bytes();
            let mut i = off;
            loop {
                match bytes.get(i) {
                    None => return Err(Bail),
                    Some(b',' | b']' | b'}') => break,
                    Some(b'[' | b'{' | b'#' | b':') => return Err(Bail),
                    _ => i += 1,
                }
            }
            let text = line.s[off..i].trim_end_matches(' ');
            Ok((
                Scalar {
                    text: text.to_owned(),
                    plain: true,
                    at: line.at(off),
                },
                i,
            ))
        }
    }
}

/// `[a, "b", c]` starting at `off`; returns the items and the offset after `]`.
fn flow_seq(line: Line<'_>, off: usize) -> R<(Vec<Scalar>, usize)> {
    let mut items = Vec::new();
    let mut pos = skip_spaces(line, off + 1);
    if line.byte(pos) == Some(b']') {
        return Ok((items, pos + 1));
    }
    loop {
        let (item, end) = flow_scalar(line, pos)?;
        items.push(item);
        pos = skip_spaces(line, end);
        match line.byte(pos) {
            Some(b',') => {
                pos = skip_spaces(line, pos + 1);
                if line.byte(pos) == Some(b']') {
                    return Err(Bail); // a trailing comma
                }
            }
            Some(b']') => return Ok((items, pos + 1)),
            _ => return Err(Bail),
        }
    }
}

/// `{k: v, k2: [a, b]}` starting at `off`; returns the entries and the offset after `}`.
fn flow_map(line: Line<'_>, off: usize) -> R<(Vec<(String, Value)>, usize)> {
    let mut entries = Vec::new();
    let mut pos = skip_spaces(line, off + 1);
    if line.byte(pos) == Some(b'}') {
        return Ok((entries, pos + 1));
    }
    loop {
        let (key, colon) = mapping_key(line, pos, true)?;
        if line.byte(colon + 1) != Some(b' ') {
            return Err(Bail);
        }
        pos = skip_spaces(line, colon + 1);
        let (value, end) = match line.byte(pos) {
            Some(b'[') => {
                let (items, end) = flow_seq(line, pos)?;
                (Value::Seq(items, line.at(pos)), end)
            }
            Some(b'{') => return Err(Bail),
            _ => {
                let (sc, end) = flow_scalar(line, pos)?;
                (Value::Scalar(sc), end)
            }
        };
        entries.push((key, value));
        pos = skip_spaces(line, end);
        match line.byte(pos) {
            Some(b',') => {
                pos = skip_spaces(line, pos + 1);
                if line.byte(pos) == Some(b'}') {
                    return Err(Bail);
                }
            }
            Some(b'}') => return Ok((entries, pos + 1)),
            _ => return Err(Bail),
        }
    }
}

/// Words YAML resolves to null.
fn is_null_word(s: &str) -> bool {
    s.is_empty() || s == "~" || s.eq_ignore_ascii_case("null")
}

/// A scalar read into a string field: any quoted scalar; a plain one unless it is null.
fn string(sc: Scalar) -> R<At<String>> {
    if sc.plain && is_null_word(&sc.text) {
        return Err(Bail);
    }
    Ok(At {
        value: sc.text,
        at: sc.at,
    })
}

fn boolean(v: Value) -> R<bool> {
    match v {
        Value::Scalar(Scalar {
            text, plain: true, ..
        }) if text == "true" => Ok(true),
        Value::Scalar(Scalar {
            text, plain: true, ..
        }) if text == "false" => Ok(false),
        _ => Err(Bail),
    }
}

/// A custom attribute value: quoted → string; plain → `true`/`false`, a plain decimal number, or
/// a string that no YAML schema reads as anything else; a flow or block list → list of strings.
fn attr(v: Value) -> R<At<AttrValue>> {
    match v {
        Value::Scalar(sc) if !sc.plain => Ok(At {
            value: AttrValue::String(sc.text),
            at: sc.at,
        }),
        Value::Scalar(sc) => {
            let value = plain_attr(&sc.text).ok_or(Bail)?;
            Ok(At { value, at: sc.at })
        }
        Value::Seq(items, at) => {
            // A plain item that YAML reads as a number, boolean or null is an error (reported
            // by serde-saphyr), not a string.
            let items = items
                .into_iter()
                .map(|i| {
                    if i.plain && !matches!(plain_attr(&i.text), Some(AttrValue::String(_))) {
                        return Err(Bail);
                    }
                    string(i).map(|s| s.value)
                })
                .collect::<R<Vec<_>>>()?;
            Ok(At {
                value: AttrValue::List(items),
                at,
            })
        }
        Value::Map(_) => Err(Bail),
    }
}

fn plain_attr(t: &str) -> Option<AttrValue> {
    match t {
        "true" => return Some(AttrValue::Bool(true)),
        "false" => return Some(AttrValue::Bool(false)),
        _ => {}
    }
    let first = *t.as_bytes().first()?;
    if first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.') {
        return plain_number(t);
    }
    const WORDS: &[&str] = &[
        "null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf", "infinity",
        "=", "<<",
    ];
    if WORDS.iter().any(|w| t.eq_ignore_ascii_case(w)) {
        return None;
    }
    Some(AttrValue::String(t.to_owned()))
}

/// `-?(0|[1-9][0-9]*)` (up to 18 digits) or the same with `.[0-9]+` (up to 15 digits in all);
/// `None` for every other form (octal, hex, exponents, `_`, `+`, leading zeros...).
fn plain_number(t: &str) -> Option<AttrValue> {
    let digits = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || (int.len() > 1 && int.starts_with('0')) {
        return None;
    }
    match frac {
        None => {
            if int.len() > 18 {
                return None;
            }
            let n: i64 = t.parse().ok()?;
            Some(AttrValue::Number(n.into()))
        }
        Some(f) => {
            if !all_digits(f) || int.len() + f.len() > 15 {
                return None;
            }
            let x: f64 = t.parse().ok()?;
            serde_json::Number::from_f64(x).map(AttrValue::Number)
        }
    }
}

/// A list of strings: inline (`[a, b]`) or a block sequence on the following lines, which may
/// sit at the key's own indentation.
fn string_list(
    lines: &mut Lines<'_>,
    line: Line<'_>,
    rest: Option<usize>,
    key_indent: usize,
) -> R<Vec<At<String>>> {
    match rest {
        Some(off) => match block_value(line, off)? {
            Value::Seq(items, _) => items.into_iter().map(string).collect(),
            _ => Err(Bail),
        },
        None => {
            let first = lines.peek()?.ok_or(Bail)?;
            let n = first.indent;
            if n < key_indent || !first.is_dash() {
                return Err(Bail);
            }
            let mut out = Vec::new();
            while let Some(l) = lines.peek()? {
                if l.indent < n {
                    break;
                }
                if l.indent > n {
                    return Err(Bail);
                }
                if !l.is_dash() {
                    if n == key_indent {
                        break;
                    }
                    return Err(Bail);
                }
                let off = skip_spaces(l, n + 1);
                if rest_is_empty(l, n + 1) {
                    return Err(Bail);
                }
                match block_value(l, off)? {
                    Value::Scalar(sc) => out.push(string(sc)?),
                    _ => return Err(Bail),
                }
                lines.bump();
            }
            Ok(out)
        }
    }
}

/// `customAttributes`: a flow mapping on the key's line, or a block mapping below it.
fn attr_map(
    lines: &mut Lines<'_>,
    line: Line<'_>,
    rest: Option<usize>,
    key_indent: usize,
) -> R<BTreeMap<String, At<AttrValue>>> {
    let mut out = BTreeMap::new();
    let mut insert = |k: String, v: Value| -> R<()> {
        if out.insert(k, attr(v)?).is_some() {
            return Err(Bail); // a duplicate key
        }
        Ok(())
    };
    match rest {
        Some(off) => match block_value(line, off)? {
            Value::Map(entries) => {
                for (k, v) in entries {
                    insert(k, v)?;
                }
            }
            _ => return Err(Bail),
        },
        None => {
            let first = lines.peek()?.ok_or(Bail)?;
            let m = first.indent;
            if m <= key_indent {
                return Err(Bail);
            }
            while let Some(l) = lines.peek()? {
                if l.indent < m {
                    break;
                }
                if l.indent > m {
                    return Err(Bail);
                }
                let (k, rest) = block_key(l, m)?;
                let v = block_value(l, rest.ok_or(Bail)?)?;
                insert(k, v)?;
                lines.bump();
            }
        }
    }
    Ok(out)
}

/// The block sequence of tenant entries after `tenants:` (at column 0).
fn tenant_seq(lines: &mut Lines<'_>, on_tenant: &mut dyn FnMut(Entry)) -> R<()> {
    let first = lines.peek()?.ok_or(Bail)?;
    if !first.is_dash() {
        return Err(Bail);
    }
    let n = first.indent;
    while let Some(l) = lines.peek()? {
        if l.indent < n {
            if l.indent == 0 {
                break;
            }
            return Err(Bail);
        }
        if l.indent > n {
            return Err(Bail);
        }
        if !l.is_dash() {
            if n == 0 {
                break;
            }
            return Err(Bail);
        }
        let c = skip_spaces(l, n + 1);
        if rest_is_empty(l, n + 1) {
            return Err(Bail);
        }
        on_tenant(tenant(lines, l, c)?);
    }
    Ok(())
}

/// One tenant mapping whose first key is at `c` on `first`.
fn tenant(lines: &mut Lines<'_>, first: Line<'_>, c: usize) -> R<Entry> {
    #[derive(Default)]
    struct B {
        id: Option<At<String>>,
        name: Option<At<String>>,
        domains: Option<Vec<At<String>>>,
        custom_attributes: Option<BTreeMap<String, At<AttrValue>>>,
        enforce_sso: Option<bool>,
        disabled: Option<bool>,
        parent: Option<At<String>>,
        default_roles: Option<Vec<At<String>>>,
        protect: Option<bool>,
    }
    fn set<T>(slot: &mut Option<T>, v: T) -> R<()> {
        if slot.is_some() {
            return Err(Bail); // a duplicate key
        }
        *slot = Some(v);
        Ok(())
    }
    let scalar =
        |line: Line<'_>, rest: Option<usize>| -> R<Value> { block_value(line, rest.ok_or(Bail)?) };
    let text = |v: Value| match v {
        Value::Scalar(sc) => string(sc),
        _ => Err(Bail),
    };
    let mut b = B::default();
    let at = first.at(c);
    let mut line = first;
    loop {
        let (key, rest) = block_key(line, c)?;
        lines.bump();
        match key.as_str() {
            "id" => set(&mut b.id, text(scalar(line, rest)?)?)?,
            "name" => set(&mut b.name, text(scalar(line, rest)?)?)?,
            "parent" => set(&mut b.parent, text(scalar(line, rest)?)?)?,
            "enforceSSO" => set(&mut b.enforce_sso, boolean(scalar(line, rest)?)?)?,
            "disabled" => set(&mut b.disabled, boolean(scalar(line, rest)?)?)?,
            "protect" => set(&mut b.protect, boolean(scalar(line, rest)?)?)?,
            "domains" => set(&mut b.domains, string_list(lines, line, rest, c)?)?,
            "defaultRoles" => set(&mut b.default_roles, string_list(lines, line, rest, c)?)?,
            "customAttributes" => {
                set(&mut b.custom_attributes, attr_map(lines, line, rest, c)?)?;
            }
            _ => return Err(Bail),
        }
        match lines.peek()? {
            Some(next) if next.indent == c => line = next,
            Some(next) if next.indent > c => return Err(Bail),
            _ => break,
        }
    }
    Ok(Entry {
        at,
        id: b.id.ok_or(Bail)?,
        name: b.name.ok_or(Bail)?,
        domains: b.domains,
        custom_attributes: b.custom_attributes,
        enforce_sso: b.enforce_sso,
        disabled: b.disabled,
        parent: b.parent,
        default_roles: b.default_roles,
        protect: b.protect,
        settings: None,
        roles: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(text: &str) -> R<Vec<Entry>> {
        let mut out = Vec::new();
        parse(text, &mut |e| out.push(e))?;
        Ok(out)
    }

    #[test]
    fn reads_the_exported_shape() {
        let e = entries(
            "# c\ntenants:\n  - id: a\n    name: \"A \\\"x\\\"\"\n    domains: [a.com, 'b.com']\n    customAttributes:\n      plan: pro\n      seats: 5\n      ratio: 0.5\n      on: \"yes\"\n      tags: [x, z]\n    enforceSSO: true\n    parent: p  # comment\n    defaultRoles:\n    - viewer\n    protect: false\nprotected: [p*]\n",
        )
        .unwrap();
        assert_eq!(e.len(), 1);
        let t = &e[0];
        assert_eq!(t.at, Location { line: 3, column: 5 });
        assert_eq!(t.name.value, "A \"x\"");
        assert_eq!(
            t.name.at,
            Location {
                line: 4,
                column: 11
            }
        );
        let d: Vec<_> = t
            .domains
            .iter()
            .flatten()
            .map(|d| (d.value.as_str(), d.at.column))
            .collect();
        assert_eq!(d, [("a.com", 15), ("b.com", 22)]);
        let attrs = t.custom_attributes.as_ref().unwrap();
        assert_eq!(attrs["seats"].value, AttrValue::Number(5.into()));
        assert_eq!(attrs["on"].value, AttrValue::String("yes".into()));
        assert_eq!(
            attrs["tags"].value,
            AttrValue::List(vec!["x".into(), "z".into()])
        );
        assert_eq!(t.parent.as_ref().unwrap().value, "p");
        assert_eq!(
            t.default_roles.as_ref().unwrap()[0].at,
            Location {
                line: 15,
                column: 7
            }
        );
        assert_eq!(t.protect, Some(false));
    }

    #[test]
    fn steps_aside_outside_the_subset() {
        let long_block = format!(
            "tenants:\n  - id: a\n    name: b\n    customAttributes:\n      {}: 1\n",
            "k".repeat(1100)
        );
        let long_flow = format!(
            "tenants:\n  - id: a\n    name: b\n    customAttributes: {{{}: 1}}\n",
            "k".repeat(1100)
        );
        for text in [
            "tenants:\n  - &a id: a\n    name: b\n",
            "tenants:\n  - id: a\n    name: *x\n",
            "tenants:\n  - id: a\n    name: !!str b\n",
            "tenants:\n  - id: a\n    name: |\n      b\n",
            "tenants:\n  - id: a\n    name: b\n      c\n",
            "---\ntenants: []\n",
            "tenants:\r  - id: a\r    name: b\r",
            "tenants:\n  - id: a\n    name: b\r c\n",
            "tenants:\n\t- id: a\n",
            "\u{feff}tenants: []\n",
            "tenants:\n  - id: a\n    name: b\n    name: c\n",
            "tenants:\n  - id: a\n    nmae: b\n",
            "tenants:\n  - id: a\n",
            "tenants:\n  - id: a\n    name: ~\n",
            "tenants:\n  - id: a\n    name: b\n    disabled: yes\n",
            "tenants:\n  - id: a\n    name: b\n    customAttributes: {n: 0x1F}\n",
            "tenants:\n  - id: a\n    name: b\n    customAttributes: {n: 007}\n",
            "tenants:\n  - id: a\n    name: b\n    domains: [a,\n      b]\n",
            "tenants:\n  - id: a\n    name: \"b\n      c\"\n",
            "tenants:\n  - {id: a, name: b}\n",
            "tenants: [{id: a, name: b}]\n",
            "tenants:\n",
            "other: 1\ntenants: []\n",
            "tenants: []\ntenants: []\n",
            &long_block,
            &long_flow,
            "permissions: []\ntenants: []\n",
            "tenants: []\nroles: []\n",
            "tenants:\n  - id: a\n    name: b\n    settings:\n      sessionTokenExpiration: 15m\n",
            "tenants:\n  - id: a\n    name: b\n    roles: []\n",
        ] {
            assert_eq!(entries(text).map(|_| ()), Err(Bail), "{text:?}");
        }
    }

    #[test]
    fn reads_crlf_line_breaks() {
        let e = entries(
            "tenants:\r\n  - id: a  # c\r\n    name: \"b\"\r\n    domains:\r\n    - x.com\r\n",
        )
        .unwrap();
        assert_eq!(e[0].name.value, "b");
        assert_eq!(e[0].domains.as_ref().unwrap()[0].value, "x.com");
    }

    #[test]
    fn numbers_are_plain_decimals_only() {
        assert_eq!(plain_number("0"), Some(AttrValue::Number(0.into())));
        assert_eq!(plain_number("-12"), Some(AttrValue::Number((-12).into())));
        assert!(plain_number("1.25").is_some());
        for t in [
            "00",
            "01",
            "+1",
            "1e3",
            "1_000",
            "0x1F",
            "0o7",
            ".5",
            "1.",
            "-",
            "1.2.3",
            "1234567890123456789",
        ] {
            assert_eq!(plain_number(t), None, "{t}");
        }
    }
}
