//! The fast path (`descope_spec::parse_fast`) against serde-saphyr (`descope_spec::parse_serde`):
//! whenever the fast path reads a file, the `Spec` or the diagnostics must be exactly what
//! serde-saphyr gives — values, line and column of every tenant and parent, error messages.
//! Generated files (proptest strategies) cover the subset and its edges; mutated copies cover
//! near misses.

use std::cell::Cell;
use std::path::Path;

use descope_spec::{SpecErrors, parse, parse_fast, parse_serde};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{Config as ProptestConfig, RngAlgorithm, RngSeed, TestRunner};

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

/// The proptest configuration: `cases` cases from a fixed seed, so a run is reproducible and a
/// failure shows again on every run (hence no regression files). `PROPTEST_CASES=200000` (and
/// `PROPTEST_RNG_SEED`) run a longer or another search.
fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig {
        failure_persistence: None,
        // ChaCha, the default, is many times slower in a debug build.
        rng_algorithm: RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x5eed_fa57);
    }
    config
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

fn word() -> BoxedStrategy<String> {
    prop_oneof![88 => select(WORDS), 12 => select(SPECIAL)]
        .prop_map(str::to_owned)
        .boxed()
}

/// Escapes a double-quoted scalar may end with, some of them invalid.
const ESCAPES: &[&str] = &["\\n", "\\x41", "\\0", "\\N", "\\ud800", "\\e", "\\u00zz"];

/// `w` double-quoted: `escape[i]` writes the i-th character (when `é` or `/`) as an escape.
fn double_quoted(w: &str, escape: &[bool], tail: Option<&str>) -> String {
    let mut s = String::from("\"");
    for (c, escape) in w.chars().zip(escape) {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\t' => s.push_str("\\t"),
            'é' if *escape => s.push_str("\\u00e9"),
            '/' if *escape => s.push_str("\\/"),
            c => s.push(c),
        }
    }
    s.push_str(tail.unwrap_or_default());
    s.push('"');
    s
}

/// `w` written as a scalar in one of the three styles (sometimes invalid on purpose).
fn scalar_of(w: String) -> BoxedStrategy<String> {
    let quoted = format!("'{}'", w.replace('\'', "''"));
    let escapes = vec(any::<bool>(), w.chars().count());
    prop_oneof![
        6 => Just(w.clone()),
        2 => Just(quoted),
        2 => (escapes, prop::option::weighted(0.1, select(ESCAPES)))
            .prop_map(move |(escape, tail)| double_quoted(&w, &escape, tail)),
    ]
    .boxed()
}

/// A word written as a scalar.
fn scalar() -> BoxedStrategy<String> {
    word().prop_flat_map(scalar_of).boxed()
}

fn comment() -> BoxedStrategy<&'static str> {
    prop_oneof![
        90 => Just(""),
        10 => select(&["  # note", " #", "#x", "   # é: [x]"][..]),
    ]
    .boxed()
}

fn flow_list() -> BoxedStrategy<String> {
    let sep = prop_oneof![80 => Just(", "), 20 => select(&[",", " , ", ",  "][..])];
    // 0: `[a, b]`, 1: a trailing comma `[a, b, ]`, 2: spaced `[ a, b ]`.
    let form = prop_oneof![94 => Just(0), 3 => Just(1), 3 => Just(2)];
    (vec(scalar(), 0..4), sep, form)
        .prop_map(|(items, sep, form)| match form {
            1 => format!("[{}, ]", items.join(sep)),
            2 => format!("[ {} ]", items.join(sep)),
            _ => format!("[{}]", items.join(sep)),
        })
        .boxed()
}

fn attr_value() -> BoxedStrategy<String> {
    let plain = select(
        &[
            "0", "5", "250", "-3", "1.5", "0.25", "true", "false", "12", "99",
        ][..],
    );
    prop_oneof![
        3 => plain.prop_map(str::to_owned),
        1 => flow_list(),
        6 => scalar(),
    ]
    .boxed()
}

fn key() -> BoxedStrategy<String> {
    let plain = select(&["plan", "seats", "region", "tier", "trialEnds", "a b", "x"][..]);
    prop_oneof![
        // Longer than YAML's 1024-character limit on implicit keys.
        1 => Just("k".repeat(1030)),
        8 => scalar(),
        91 => plain.prop_map(str::to_owned),
    ]
    .boxed()
}

/// A list field at `indent` (the key's column): inline, indented block, or indentless block.
fn list_field(indent: String, name: &'static str) -> BoxedStrategy<String> {
    let inline = {
        let indent = indent.clone();
        (flow_list(), comment()).prop_map(move |(l, c)| format!("{indent}{name}: {l}{c}\n"))
    };
    let item = (scalar(), prop::bool::weighted(0.9), comment());
    let block =
        (comment(), any::<bool>(), vec(item, 1..=3)).prop_map(move |(c, indented, items)| {
            let mut out = format!("{indent}{name}:{c}\n");
            let inner = if indented {
                format!("{indent}  ")
            } else {
                indent.clone()
            };
            for (v, one_space, c) in items {
                let sp = if one_space { " " } else { "   " };
                out.push_str(&format!("{inner}-{sp}{v}{c}\n"));
            }
            out
        });
    prop_oneof![1 => inline, 2 => block].boxed()
}

/// `customAttributes` at `ind`, as a flow map or a block map.
fn attributes(ind: String) -> BoxedStrategy<String> {
    let flow = {
        let ind = ind.clone();
        (vec((key(), attr_value()), 0..4), comment()).prop_map(move |(entries, c)| {
            let entries: Vec<String> = entries.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            format!("{ind}customAttributes: {{{}}}{c}\n", entries.join(", "))
        })
    };
    let block = (
        prop::bool::weighted(0.9),
        vec((key(), attr_value(), comment()), 1..=3),
    )
        .prop_map(move |(two, entries)| {
            let deeper = if two { "  " } else { "    " };
            let mut out = format!("{ind}customAttributes:\n");
            for (k, v, c) in entries {
                out.push_str(&format!("{ind}{deeper}{k}: {v}{c}\n"));
            }
            out
        });
    prop_oneof![flow, block].boxed()
}

/// A boolean key, sometimes with a value that is not a boolean.
fn flag(ind: String, name: &'static str) -> BoxedStrategy<String> {
    prop_oneof![
        9 => select(&["true", "false"][..]).prop_map(str::to_owned),
        1 => word(),
    ]
    .prop_map(move |v| format!("{ind}{name}: {v}\n"))
    .boxed()
}

/// A key whose value is `value` written as a scalar, with a comment.
fn scalar_field(
    ind: String,
    name: &'static str,
    value: BoxedStrategy<String>,
) -> BoxedStrategy<String> {
    (value.prop_flat_map(scalar_of), comment())
        .prop_map(move |(v, c)| format!("{ind}{name}: {v}{c}\n"))
        .boxed()
}

/// Lines that may follow a key: blank, a comment, a deeper comment, spaces.
const BETWEEN: &[&str] = &["\n", "# a comment\n", "      # deeper comment\n", "   \n"];

/// Tenant `n` of a list whose dashes are at `dash_indent`: its keys in a random order, the
/// first on the dash line.
fn tenant(dash_indent: &'static str, n: usize) -> BoxedStrategy<String> {
    prop::bool::weighted(0.9)
        .prop_flat_map(move |one_space| {
            let after_dash = if one_space { " " } else { "   " };
            let ind = format!("{dash_indent} {after_dash}");
            let id = prop_oneof![9 => Just(format!("t{n}")), 1 => word()].boxed();
            let name = prop_oneof![85 => Just(format!("Tenant {n}")), 15 => word()].boxed();
            let parent = prop_oneof![8 => Just("t0".to_owned()), 2 => word()].boxed();
            let fields = (
                scalar_field(ind.clone(), "id", id),
                scalar_field(ind.clone(), "name", name),
                prop::option::weighted(0.6, list_field(ind.clone(), "domains")),
                prop::option::weighted(0.5, attributes(ind.clone())),
                prop::option::weighted(0.25, flag(ind.clone(), "enforceSSO")),
                prop::option::weighted(0.25, flag(ind.clone(), "disabled")),
                prop::option::weighted(0.25, flag(ind.clone(), "protect")),
                prop::option::weighted(
                    0.2,
                    parent.prop_flat_map(scalar_of).prop_map({
                        let ind = ind.clone();
                        move |v| format!("{ind}parent: {v}\n")
                    }),
                ),
                prop::option::weighted(0.25, list_field(ind.clone(), "defaultRoles")),
            );
            let order = Just((0..9).collect::<Vec<usize>>()).prop_shuffle();
            let between = vec(prop::option::weighted(0.05, select(BETWEEN)), 9);
            (fields, order, between).prop_map(move |(f, order, between)| {
                let fields = [Some(f.0), Some(f.1), f.2, f.3, f.4, f.5, f.6, f.7, f.8];
                let mut out = String::new();
                let keys = order.iter().filter_map(|&i| fields[i].as_ref());
                for (k, (s, between)) in keys.zip(between).enumerate() {
                    if k == 0 {
                        // The first key goes on the dash line.
                        out.push_str(&s.replacen(&ind, &format!("{dash_indent}-{after_dash}"), 1));
                    } else {
                        out.push_str(s);
                    }
                    out.push_str(between.unwrap_or_default());
                }
                out
            })
        })
        .boxed()
}

fn tenants() -> BoxedStrategy<String> {
    (0..5usize, any::<bool>(), select(&["", "  ", "    "][..]))
        .prop_flat_map(|(n, empty, dash_indent)| {
            if n == 0 && empty {
                return Just("tenants: []\n".to_owned()).boxed();
            }
            let list: Vec<_> = (0..n.max(1)).map(|i| tenant(dash_indent, i)).collect();
            list.prop_map(|ts| format!("tenants:\n{}", ts.concat()))
                .boxed()
        })
        .boxed()
}

/// Where the top-level `protected` list goes.
#[derive(Debug, Clone, Copy)]
enum Protected {
    First,
    Last,
    None,
}

fn document() -> BoxedStrategy<String> {
    let protected = prop_oneof![
        flow_list().prop_map(|l| format!("protected: {l}\n")),
        list_field(String::new(), "protected"),
    ];
    let place = prop_oneof![
        15 => Just(Protected::First),
        21 => Just(Protected::Last),
        64 => Just(Protected::None),
    ];
    (
        prop::bool::weighted(0.3),
        place,
        protected,
        tenants(),
        prop::bool::weighted(0.08),
    )
        .prop_map(|(schema, place, protected, tenants, crlf)| {
            let mut out = String::new();
            if schema {
                out.push_str("# yaml-language-server: $schema=./tenants.schema.json\n");
            }
            if let Protected::First = place {
                out.push_str(&protected);
            }
            out.push_str(&tenants);
            if let Protected::Last = place {
                out.push_str(&protected);
            }
            if crlf {
                out = out.replace('\n', "\r\n"); // Windows line breaks
            }
            out
        })
        .boxed()
}

const MUTATIONS: &[&str] = &[
    " ", "  ", "\n", "-", "- ", ":", ": ", "#", " #", "\"", "'", "[", "]", "{", "}", ",", "a", "1",
    "\t", "&a ", "*a", "!", "|", ">", "?", "é", "\r", "~", "\\", "---\n", "...", "%", "@",
];

/// One edit of a file, at a position among its characters.
#[derive(Debug, Clone)]
enum Edit {
    /// Removes a character.
    Remove(Index),
    /// Adds (or, when false, removes) a space at the start of a line.
    Indent(Index, bool),
    /// Inserts a piece of YAML syntax.
    Insert(Index, &'static str),
}

/// One to three edits.
fn mutation() -> impl Strategy<Value = Vec<Edit>> + Clone {
    let edit = prop_oneof![
        1 => any::<Index>().prop_map(Edit::Remove),
        1 => (any::<Index>(), any::<bool>()).prop_map(|(at, add)| Edit::Indent(at, add)),
        2 => (any::<Index>(), select(MUTATIONS)).prop_map(|(at, m)| Edit::Insert(at, m)),
    ];
    vec(edit, 1..=3)
}

fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut s: Vec<char> = text.chars().collect();
    for edit in edits {
        match *edit {
            Edit::Remove(at) if !s.is_empty() => {
                s.remove(at.index(s.len()));
            }
            Edit::Remove(_) => {}
            Edit::Indent(at, add) => {
                // Duplicate or drop a line's worth of indentation.
                let at = at.index(s.len() + 1);
                let line_start = s[..at]
                    .iter()
                    .rposition(|c| *c == '\n')
                    .map_or(0, |p| p + 1);
                if add {
                    s.insert(line_start, ' ');
                } else if s.get(line_start) == Some(&' ') {
                    s.remove(line_start);
                }
            }
            Edit::Insert(at, m) => {
                let at = at.index(s.len() + 1);
                for (k, c) in m.chars().enumerate() {
                    s.insert(at + k, c);
                }
            }
        }
    }
    s.into_iter().collect()
}

/// Run with a `TestRunner` (not `proptest!`) to count, across all cases, how many files the
/// fast path read.
#[test]
fn fast_path_agrees_with_serde_saphyr_on_generated_and_mutated_files() {
    let (docs, read, mutants, mutants_read) =
        (Cell::new(0), Cell::new(0), Cell::new(0), Cell::new(0));
    let count = |c: &Cell<usize>| c.set(c.get() + 1);
    let mut runner = TestRunner::new(config(4000));
    let result = runner.run(&(document(), vec(mutation(), 3)), |(doc, mutations)| {
        count(&docs);
        if same(&doc) {
            count(&read);
        }
        for edits in &mutations {
            let m = mutate(&doc, edits);
            count(&mutants);
            if same(&m) {
                count(&mutants_read);
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (docs, read, mutants, mutants_read) =
        (docs.get(), read.get(), mutants.get(), mutants_read.get());
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
