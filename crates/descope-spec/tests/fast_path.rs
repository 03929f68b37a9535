//! The fast path (`descope_spec::parse_fast`) against serde-saphyr (`descope_spec::parse_serde`):
//! whenever the fast path reads a file, the `Spec` or the diagnostics must be exactly what
//! serde-saphyr gives — values, line and column of every tenant and parent, error messages.
//! Generated files cover the subset and its edges; mutated copies cover near misses.

use std::path::Path;

use descope_spec::{SpecErrors, parse, parse_fast, parse_serde};

fn vars(name: &str) -> Option<String> {
    match name {
        "A" => Some("acme".to_owned()),
        "EMPTY" => Some(String::new()),
        _ => None,
    }
}

/// Compares the two parsers on `text`; returns whether the fast path read it.
fn same(text: &str) -> bool {
    let path = Path::new("tenants.yaml");
    let Some(fast) = parse_fast(path, text, &vars) else {
        return false;
    };
    let slow = parse_serde(path, text, &vars);
    match (&fast, &slow) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b, "fast and serde-saphyr differ on:\n{text}\n");
        }
        (Err(SpecErrors(a)), Err(SpecErrors(b))) => {
            assert_eq!(a, b, "diagnostics differ on:\n{text}\n");
        }
        _ => panic!(
            "fast path gave {} but serde-saphyr gave {} on:\n{text}\nfast: {fast:?}\nserde: {slow:?}",
            if fast.is_ok() { "a spec" } else { "errors" },
            if slow.is_ok() { "a spec" } else { "errors" },
        ),
    }
    // And `parse` (which tries the fast path first) agrees.
    assert_eq!(parse(path, text, &vars), slow);
    true
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }
}

/// Plain words that read as strings everywhere.
const WORDS: &[&str] = &[
    "acme",
    "ACME Corp",
    "globex",
    "a.com",
    "b.example.com",
    "x-y_z",
    "Ünïcødé",
    "日本",
    "a#b",
    "a:b",
    "-x",
    "a[b]",
    "a{b}",
    "a,b",
    "${A}",
    "${B:-dflt}",
    "$${lit}",
    "${A}.com",
    "x y z",
    "viewer",
    "editor",
    "T2abc",
    "prod-*",
    "a'b",
    "a\"b",
    "a\\b",
];

/// Words with a YAML meaning of their own, or that are not plain-safe.
const SPECIAL: &[&str] = &[
    "",
    "~",
    "null",
    "Null",
    "NULL",
    "true",
    "false",
    "True",
    "FALSE",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Y",
    "0",
    "1",
    "-1",
    "-0",
    "007",
    "00",
    "1.5",
    "-2.25",
    "0.5",
    "1.",
    ".5",
    "1e3",
    "0x1F",
    "0o17",
    "1_000",
    "+5",
    "12:30",
    "2026-12-31",
    ".inf",
    "-.inf",
    ".nan",
    "nan",
    "inf",
    "123456789012345678",
    "1234567890123456789",
    "9223372036854775808",
    "3.141592653589793",
    "0.1",
    "=",
    "<<",
    "&a",
    "*a",
    "!x",
    "!!str x",
    "|",
    ">",
    "%x",
    "@x",
    "`x",
    "?",
    "? x",
    ":",
    ": x",
    "- x",
    "-",
    "#",
    "x #y",
    "x: y",
    "x:",
    "[x]",
    "{x}",
    "[]",
    "{}",
    "'",
    "\"",
    " lead",
    "trail ",
    "a\tb",
    "😀",
    "é:",
    "\u{85}",
    "\u{feff}x",
    "\u{2028}",
];

fn word(r: &mut Rng) -> String {
    if r.chance(12) {
        r.pick(SPECIAL).to_owned()
    } else {
        r.pick(WORDS).to_owned()
    }
}

/// `w` written as a scalar in one of the three styles (sometimes invalid on purpose).
fn scalar(r: &mut Rng, w: &str) -> String {
    match r.below(10) {
        0..=5 => w.to_owned(),
        6 | 7 => format!("'{}'", w.replace('\'', "''")),
        _ => {
            let mut s = String::from("\"");
            for c in w.chars() {
                match c {
                    '"' => s.push_str("\\\""),
                    '\\' => s.push_str("\\\\"),
                    '\t' => s.push_str("\\t"),
                    'é' if r.chance(50) => s.push_str("\\u00e9"),
                    '/' if r.chance(50) => s.push_str("\\/"),
                    c => s.push(c),
                }
            }
            if r.chance(10) {
                s.push_str(r.pick(&["\\n", "\\x41", "\\0", "\\N", "\\ud800", "\\e", "\\u00zz"]));
            }
            s.push('"');
            s
        }
    }
}

fn comment(r: &mut Rng) -> &'static str {
    if r.chance(10) {
        r.pick(&["  # note", " #", "#x", "   # é: [x]"])
    } else {
        ""
    }
}

fn flow_list(r: &mut Rng) -> String {
    let n = r.below(4);
    let items: Vec<String> = (0..n)
        .map(|_| {
            let w = word(r);
            scalar(r, &w)
        })
        .collect();
    let sep = if r.chance(80) {
        ", "
    } else {
        r.pick(&[",", " , ", ",  "])
    };
    let mut s = format!("[{}]", items.join(sep));
    if r.chance(3) {
        s = format!("[{}, ]", items.join(sep));
    }
    if r.chance(3) {
        s = format!("[ {} ]", items.join(sep));
    }
    s
}

fn attr_value(r: &mut Rng) -> String {
    match r.below(10) {
        0..=2 => r
            .pick(&[
                "0", "5", "250", "-3", "1.5", "0.25", "true", "false", "12", "99",
            ])
            .to_owned(),
        3 => flow_list(r),
        _ => {
            let w = word(r);
            scalar(r, &w)
        }
    }
}

fn key(r: &mut Rng) -> String {
    if r.chance(1) {
        // Longer than YAML's 1024-character limit on implicit keys.
        return "k".repeat(1030);
    }
    if r.chance(8) {
        let w = word(r);
        scalar(r, &w)
    } else {
        r.pick(&["plan", "seats", "region", "tier", "trialEnds", "a b", "x"])
            .to_owned()
    }
}

/// A list field at `indent` (the key's column): inline, indented block, or indentless block.
fn list_field(r: &mut Rng, out: &mut String, indent: &str, name: &str) {
    match r.below(3) {
        0 => {
            let l = flow_list(r);
            out.push_str(&format!("{indent}{name}: {l}{}\n", comment(r)));
        }
        style => {
            out.push_str(&format!("{indent}{name}:{}\n", comment(r)));
            let inner = if style == 1 {
                format!("{indent}  ")
            } else {
                indent.to_owned()
            };
            for _ in 0..=r.below(3) {
                let w = word(r);
                let sp = if r.chance(90) { " " } else { "   " };
                out.push_str(&format!("{inner}-{sp}{}{}\n", scalar(r, &w), comment(r)));
            }
        }
    }
}

/// Writes one key of a tenant entry at the given indentation.
type Field = Box<dyn Fn(&mut Rng, &mut String, &str)>;

fn tenant(r: &mut Rng, out: &mut String, dash_indent: &str, n: usize) {
    let after_dash = if r.chance(90) { " " } else { "   " };
    let indent = format!("{dash_indent} {after_dash}");
    let id = if r.chance(90) {
        format!("t{n}")
    } else {
        word(r)
    };
    let name = if r.chance(85) {
        format!("Tenant {n}")
    } else {
        word(r)
    };
    let mut fields: Vec<Field> = Vec::new();
    let id_s = id.clone();
    fields.push(Box::new(move |r, out, ind| {
        let v = scalar(r, &id_s);
        out.push_str(&format!("{ind}id: {v}{}\n", comment(r)));
    }));
    let name_s = name.clone();
    fields.push(Box::new(move |r, out, ind| {
        let v = scalar(r, &name_s);
        out.push_str(&format!("{ind}name: {v}{}\n", comment(r)));
    }));
    if r.chance(60) {
        fields.push(Box::new(|r, out, ind| list_field(r, out, ind, "domains")));
    }
    if r.chance(50) {
        fields.push(Box::new(|r, out, ind| {
            if r.chance(50) {
                let n = r.below(4);
                let entries: Vec<String> = (0..n)
                    .map(|_| {
                        let k = key(r);
                        let v = attr_value(r);
                        format!("{k}: {v}")
                    })
                    .collect();
                out.push_str(&format!(
                    "{ind}customAttributes: {{{}}}{}\n",
                    entries.join(", "),
                    comment(r)
                ));
            } else {
                out.push_str(&format!("{ind}customAttributes:\n"));
                let deeper = if r.chance(90) { "  " } else { "    " };
                for _ in 0..=r.below(3) {
                    let k = key(r);
                    let v = attr_value(r);
                    out.push_str(&format!("{ind}{deeper}{k}: {v}{}\n", comment(r)));
                }
            }
        }));
    }
    for name in ["enforceSSO", "disabled", "protect"] {
        if r.chance(25) {
            fields.push(Box::new(move |r, out, ind| {
                let v = if r.chance(90) {
                    r.pick(&["true", "false"]).to_owned()
                } else {
                    word(r)
                };
                out.push_str(&format!("{ind}{name}: {v}\n"));
            }));
        }
    }
    if r.chance(20) {
        fields.push(Box::new(|r, out, ind| {
            let v = if r.chance(80) {
                "t0".to_owned()
            } else {
                word(r)
            };
            let v = scalar(r, &v);
            out.push_str(&format!("{ind}parent: {v}\n"));
        }));
    }
    if r.chance(25) {
        fields.push(Box::new(|r, out, ind| {
            list_field(r, out, ind, "defaultRoles")
        }));
    }
    // Shuffle, keeping the first key on the dash line.
    for i in (1..fields.len()).rev() {
        let j = r.below(i + 1);
        fields.swap(i, j);
    }
    let mut first = true;
    for f in &fields {
        let mut s = String::new();
        f(r, &mut s, &indent);
        if first {
            // The first key goes on the dash line.
            let s = s.replacen(&indent, &format!("{dash_indent}-{after_dash}"), 1);
            out.push_str(&s);
            first = false;
        } else {
            out.push_str(&s);
        }
        if r.chance(5) {
            out.push_str(r.pick(&["\n", "# a comment\n", "      # deeper comment\n", "   \n"]));
        }
    }
}

fn document(r: &mut Rng) -> String {
    let mut out = String::new();
    if r.chance(30) {
        out.push_str("# yaml-language-server: $schema=./tenants.schema.json\n");
    }
    let protected = |r: &mut Rng, out: &mut String| {
        if r.chance(50) {
            let l = flow_list(r);
            out.push_str(&format!("protected: {l}\n"));
        } else {
            list_field(r, out, "", "protected");
        }
    };
    let protected_first = r.chance(15);
    if protected_first {
        protected(r, &mut out);
    }
    let n = r.below(5);
    if n == 0 && r.chance(50) {
        out.push_str("tenants: []\n");
    } else {
        out.push_str("tenants:\n");
        let dash_indent = r.pick(&["", "  ", "    "]).to_owned();
        for i in 0..n.max(1) {
            tenant(r, &mut out, &dash_indent, i);
        }
    }
    if !protected_first && r.chance(25) {
        protected(r, &mut out);
    }
    if r.chance(8) {
        out = out.replace('\n', "\r\n"); // Windows line breaks
    }
    out
}

const MUTATIONS: &[&str] = &[
    " ", "  ", "\n", "-", "- ", ":", ": ", "#", " #", "\"", "'", "[", "]", "{", "}", ",", "a", "1",
    "\t", "&a ", "*a", "!", "|", ">", "?", "é", "\r", "~", "\\", "---\n", "...", "%", "@",
];

fn mutate(r: &mut Rng, text: &str) -> String {
    let mut s: Vec<char> = text.chars().collect();
    for _ in 0..=r.below(3) {
        let at = r.below(s.len() + 1);
        match r.below(4) {
            0 if !s.is_empty() => {
                s.remove(at.min(s.len() - 1));
            }
            1 => {
                // Duplicate or drop a line's worth of indentation.
                let line_start = s[..at]
                    .iter()
                    .rposition(|c| *c == '\n')
                    .map_or(0, |p| p + 1);
                if r.chance(50) {
                    s.insert(line_start, ' ');
                } else if s.get(line_start) == Some(&' ') {
                    s.remove(line_start);
                }
            }
            _ => {
                let m = r.pick(MUTATIONS);
                for (k, c) in m.chars().enumerate() {
                    s.insert(at + k, c);
                }
            }
        }
    }
    s.into_iter().collect()
}

#[test]
fn fast_path_agrees_with_serde_saphyr_on_generated_and_mutated_files() {
    // FAST_PATH_CASES and FAST_PATH_SEED run a longer search (e.g. 200000 cases).
    let env = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let mut r = Rng(env("FAST_PATH_SEED", 0x5eed_fa57));
    let (mut docs, mut read, mut mutants, mut mutants_read) = (0, 0, 0, 0);
    for _ in 0..env("FAST_PATH_CASES", 4000) {
        let doc = document(&mut r);
        docs += 1;
        if same(&doc) {
            read += 1;
        }
        for _ in 0..3 {
            let m = mutate(&mut r, &doc);
            mutants += 1;
            if same(&m) {
                mutants_read += 1;
            }
        }
    }
    eprintln!("fast path read {read}/{docs} generated and {mutants_read}/{mutants} mutated files");
    // The generator mostly writes the subset: if the fast path stepped aside from most of it, the
    // speed-up would be lost without any test failing.
    assert!(
        read * 100 >= docs * 35,
        "the fast path read only {read} of {docs} generated files"
    );
    assert!(
        mutants_read * 100 >= mutants * 4,
        "the fast path read only {mutants_read} of {mutants} mutated files"
    );
}

#[test]
fn fast_path_reads_the_files_people_write() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = std::fs::read_to_string(root.join("../../examples/tenants.yaml")).unwrap();
    assert!(same(&example), "examples/tenants.yaml");
    for entry in std::fs::read_dir(root.join("tests/data")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        same(&text); // valid or not: when read, identical
    }
    // What `tenant export` writes is always read.
    let spec = parse_serde(Path::new("x"), &example, &vars).unwrap();
    let exported = descope_spec::to_yaml(&spec.tenants);
    assert!(same(&exported), "{exported}");
    // The benchmark's shape.
    let mut big = String::from("tenants:\n");
    for i in 0..500 {
        big.push_str(&format!(
            "  - id: t{i:06}\n    name: Tenant t{i:06}\n    domains: [t{i:06}.example.com]\n    customAttributes: {{plan: pro, seats: {}}}\n",
            i % 100
        ));
    }
    assert!(same(&big));
}

#[test]
fn errors_found_after_a_fast_read_match_serde_saphyr() {
    // Validation errors (not YAML errors) on files the fast path reads.
    for text in [
        "tenants:\n  - id: bad id\n    name: x\n",
        "tenants:\n  - id: a\n    name: x\n  - id: a\n    name: y\n",
        "tenants:\n  - id: a\n    name: ${NOPE}\n    domains: [Acme.COM, a.com, a.com]\n",
        "tenants:\n  - id: a\n    name: x\n    parent: a\n    customAttributes: {k: \"${NOPE}\", l: [\"${X}\"]}\n",
        "tenants:\n  - id: a\n    name: x\n  - id: b\n    name: x\nprotected: ['[']\n",
        "tenants:\n  - id: é\n    name: \"  \"\n    defaultRoles: ['']\n",
    ] {
        assert!(same(text), "fast path should read: {text}");
        assert!(parse(Path::new("t.yaml"), text, &vars).is_err());
    }
}
