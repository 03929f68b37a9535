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

// The generator: strategies of plain data (which word, which style, which keys), built once;
// `render` functions write the text. (Strategies that build strategies per value, with
// `prop_flat_map`, are several times slower in a debug build.)

type Word = &'static str;

fn word() -> impl Strategy<Value = Word> + Clone {
    prop_oneof![88 => select(WORDS), 12 => select(SPECIAL)]
}

/// Escapes a double-quoted scalar may end with, some of them invalid.
const ESCAPES: &[&str] = &["\\n", "\\x41", "\\0", "\\N", "\\ud800", "\\e", "\\u00zz"];

/// How a scalar is written (sometimes invalid on purpose).
#[derive(Debug, Clone, Copy)]
enum Style {
    Plain,
    Single,
    /// Bit `i % 32` of `escape` writes the i-th character, when `é` or `/`, as an escape.
    Double {
        escape: u32,
        tail: Option<&'static str>,
    },
}

fn style() -> impl Strategy<Value = Style> + Clone {
    prop_oneof![
        6 => Just(Style::Plain),
        2 => Just(Style::Single),
        2 => (any::<u32>(), prop::option::weighted(0.1, select(ESCAPES)))
            .prop_map(|(escape, tail)| Style::Double { escape, tail }),
    ]
}

/// `w` written as a scalar in `style`.
fn scalar(w: &str, style: Style) -> String {
    match style {
        Style::Plain => w.to_owned(),
        Style::Single => format!("'{}'", w.replace('\'', "''")),
        Style::Double { escape, tail } => {
            let mut s = String::from("\"");
            for (i, c) in w.chars().enumerate() {
                let escaped = escape & (1 << (i % 32)) != 0;
                match c {
                    '"' => s.push_str("\\\""),
                    '\\' => s.push_str("\\\\"),
                    '\t' => s.push_str("\\t"),
                    'é' if escaped => s.push_str("\\u00e9"),
                    '/' if escaped => s.push_str("\\/"),
                    c => s.push(c),
                }
            }
            s.push_str(tail.unwrap_or_default());
            s.push('"');
            s
        }
    }
}

fn comment() -> impl Strategy<Value = &'static str> + Clone {
    prop_oneof![
        90 => Just(""),
        10 => select(&["  # note", " #", "#x", "   # é: [x]"][..]),
    ]
}

#[derive(Debug, Clone)]
struct FlowList {
    items: Vec<(Word, Style)>,
    sep: &'static str,
    /// 0: `[a, b]`, 1: a trailing comma `[a, b, ]`, 2: spaced `[ a, b ]`.
    form: u8,
}

fn flow_list() -> impl Strategy<Value = FlowList> + Clone {
    let sep = prop_oneof![80 => Just(", "), 20 => select(&[",", " , ", ",  "][..])];
    let form = prop_oneof![94 => Just(0), 3 => Just(1), 3 => Just(2)];
    (vec((word(), style()), 0..4), sep, form).prop_map(|(items, sep, form)| FlowList {
        items,
        sep,
        form,
    })
}

impl FlowList {
    fn render(&self) -> String {
        let items: Vec<String> = self.items.iter().map(|(w, st)| scalar(w, *st)).collect();
        let items = items.join(self.sep);
        match self.form {
            1 => format!("[{items}, ]"),
            2 => format!("[ {items} ]"),
            _ => format!("[{items}]"),
        }
    }
}

#[derive(Debug, Clone)]
enum AttrValue {
    Plain(&'static str),
    List(FlowList),
    Scalar(Word, Style),
}

fn attr_value() -> impl Strategy<Value = AttrValue> + Clone {
    let plain = select(
        &[
            "0", "5", "250", "-3", "1.5", "0.25", "true", "false", "12", "99",
        ][..],
    );
    prop_oneof![
        3 => plain.prop_map(AttrValue::Plain),
        1 => flow_list().prop_map(AttrValue::List),
        6 => (word(), style()).prop_map(|(w, st)| AttrValue::Scalar(w, st)),
    ]
}

impl AttrValue {
    fn render(&self) -> String {
        match self {
            AttrValue::Plain(v) => (*v).to_owned(),
            AttrValue::List(l) => l.render(),
            AttrValue::Scalar(w, st) => scalar(w, *st),
        }
    }
}

#[derive(Debug, Clone)]
enum Key {
    /// Longer than YAML's 1024-character limit on implicit keys.
    Long,
    Scalar(Word, Style),
    Plain(&'static str),
}

fn key() -> impl Strategy<Value = Key> + Clone {
    let plain = select(&["plan", "seats", "region", "tier", "trialEnds", "a b", "x"][..]);
    prop_oneof![
        1 => Just(Key::Long),
        8 => (word(), style()).prop_map(|(w, st)| Key::Scalar(w, st)),
        91 => plain.prop_map(Key::Plain),
    ]
}

impl Key {
    fn render(&self) -> String {
        match self {
            Key::Long => "k".repeat(1030),
            Key::Scalar(w, st) => scalar(w, *st),
            Key::Plain(k) => (*k).to_owned(),
        }
    }
}

/// A list field: inline, or a block list indented or not.
#[derive(Debug, Clone)]
enum ListField {
    Inline(FlowList, &'static str),
    Block {
        comment: &'static str,
        indented: bool,
        /// Word, style, one space after the dash (else three), comment.
        items: Vec<(Word, Style, bool, &'static str)>,
    },
}

fn list_field() -> impl Strategy<Value = ListField> + Clone {
    let inline = (flow_list(), comment()).prop_map(|(l, c)| ListField::Inline(l, c));
    let item = (word(), style(), prop::bool::weighted(0.9), comment());
    let block =
        (comment(), any::<bool>(), vec(item, 1..=3)).prop_map(|(comment, indented, items)| {
            ListField::Block {
                comment,
                indented,
                items,
            }
        });
    prop_oneof![1 => inline, 2 => block]
}

impl ListField {
    /// The field `name` at `indent` (the key's column).
    fn render(&self, indent: &str, name: &str) -> String {
        match self {
            ListField::Inline(l, c) => format!("{indent}{name}: {}{c}\n", l.render()),
            ListField::Block {
                comment,
                indented,
                items,
            } => {
                let mut out = format!("{indent}{name}:{comment}\n");
                let inner = if *indented {
                    format!("{indent}  ")
                } else {
                    indent.to_owned()
                };
                for (w, st, one_space, c) in items {
                    let sp = if *one_space { " " } else { "   " };
                    out.push_str(&format!("{inner}-{sp}{}{c}\n", scalar(w, *st)));
                }
                out
            }
        }
    }
}

/// `customAttributes`, as a flow map or a block map.
#[derive(Debug, Clone)]
enum Attributes {
    Flow(Vec<(Key, AttrValue)>, &'static str),
    /// Two spaces deeper (else four), and the entries.
    Block(bool, Vec<(Key, AttrValue, &'static str)>),
}

fn attributes() -> impl Strategy<Value = Attributes> + Clone {
    prop_oneof![
        (vec((key(), attr_value()), 0..4), comment()).prop_map(|(e, c)| Attributes::Flow(e, c)),
        (
            prop::bool::weighted(0.9),
            vec((key(), attr_value(), comment()), 1..=3)
        )
            .prop_map(|(two, e)| Attributes::Block(two, e)),
    ]
}

impl Attributes {
    fn render(&self, ind: &str) -> String {
        match self {
            Attributes::Flow(entries, c) => {
                let entries: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", k.render(), v.render()))
                    .collect();
                format!("{ind}customAttributes: {{{}}}{c}\n", entries.join(", "))
            }
            Attributes::Block(two, entries) => {
                let deeper = if *two { "  " } else { "    " };
                let mut out = format!("{ind}customAttributes:\n");
                for (k, v, c) in entries {
                    out.push_str(&format!("{ind}{deeper}{}: {}{c}\n", k.render(), v.render()));
                }
                out
            }
        }
    }
}

/// A boolean key's value, sometimes a word that is not a boolean.
fn flag() -> impl Strategy<Value = Word> + Clone {
    prop_oneof![9 => select(&["true", "false"][..]), 1 => word()]
}

/// A value that is usually the tenant's own (`None`: `t3`, `Tenant 3`, `t0`), else a word.
fn own_or_word(own_percent: u32) -> impl Strategy<Value = Option<Word>> + Clone {
    prop_oneof![own_percent => Just(None), 100 - own_percent => word().prop_map(Some)]
}

/// Lines that may follow a key: blank, a comment, a deeper comment, spaces.
const BETWEEN: &[&str] = &["\n", "# a comment\n", "      # deeper comment\n", "   \n"];

#[derive(Debug, Clone)]
struct Tenant {
    /// One space after the dash (else three).
    one_space: bool,
    id: (Option<Word>, Style, &'static str),
    name: (Option<Word>, Style, &'static str),
    domains: Option<ListField>,
    attributes: Option<Attributes>,
    enforce_sso: Option<Word>,
    disabled: Option<Word>,
    protect: Option<Word>,
    parent: Option<(Option<Word>, Style)>,
    default_roles: Option<ListField>,
    /// The order of the nine keys (those present); the first goes on the dash line.
    order: Vec<usize>,
    /// What follows each key.
    between: Vec<Option<&'static str>>,
}

fn tenant() -> impl Strategy<Value = Tenant> + Clone {
    let keys = (
        prop::bool::weighted(0.9),
        (own_or_word(90), style(), comment()),
        (own_or_word(85), style(), comment()),
        prop::option::weighted(0.6, list_field()),
        prop::option::weighted(0.5, attributes()),
        prop::option::weighted(0.25, flag()),
        prop::option::weighted(0.25, flag()),
        prop::option::weighted(0.25, flag()),
        prop::option::weighted(0.2, (own_or_word(80), style())),
        prop::option::weighted(0.25, list_field()),
    );
    let order = Just((0..9).collect::<Vec<usize>>()).prop_shuffle();
    let between = vec(prop::option::weighted(0.05, select(BETWEEN)), 9);
    (keys, order, between).prop_map(|(k, order, between)| Tenant {
        one_space: k.0,
        id: k.1,
        name: k.2,
        domains: k.3,
        attributes: k.4,
        enforce_sso: k.5,
        disabled: k.6,
        protect: k.7,
        parent: k.8,
        default_roles: k.9,
        order,
        between,
    })
}

impl Tenant {
    /// Tenant `n` of a list whose dashes are at `dash_indent`.
    fn render(&self, dash_indent: &str, n: usize) -> String {
        let after_dash = if self.one_space { " " } else { "   " };
        let ind = format!("{dash_indent} {after_dash}");
        let id = self.id.0.map_or_else(|| format!("t{n}"), str::to_owned);
        let name = self
            .name
            .0
            .map_or_else(|| format!("Tenant {n}"), str::to_owned);
        let flag = |name: &str, v: Option<Word>| v.map(|v| format!("{ind}{name}: {v}\n"));
        let keys = [
            Some(format!(
                "{ind}id: {}{}\n",
                scalar(&id, self.id.1),
                self.id.2
            )),
            Some(format!(
                "{ind}name: {}{}\n",
                scalar(&name, self.name.1),
                self.name.2
            )),
            self.domains.as_ref().map(|l| l.render(&ind, "domains")),
            self.attributes.as_ref().map(|a| a.render(&ind)),
            flag("enforceSSO", self.enforce_sso),
            flag("disabled", self.disabled),
            flag("protect", self.protect),
            self.parent
                .map(|(p, st)| format!("{ind}parent: {}\n", scalar(p.unwrap_or("t0"), st))),
            self.default_roles
                .as_ref()
                .map(|l| l.render(&ind, "defaultRoles")),
        ];
        let mut out = String::new();
        let present = self.order.iter().filter_map(|&i| keys[i].as_ref());
        for (k, (s, between)) in present.zip(&self.between).enumerate() {
            if k == 0 {
                // The first key goes on the dash line.
                out.push_str(&s.replacen(&ind, &format!("{dash_indent}-{after_dash}"), 1));
            } else {
                out.push_str(s);
            }
            out.push_str(between.unwrap_or_default());
        }
        out
    }
}

/// Where the top-level `protected` list goes.
#[derive(Debug, Clone, Copy)]
enum Place {
    First,
    Last,
    Nowhere,
}

#[derive(Debug, Clone)]
struct Document {
    schema: bool,
    place: Place,
    /// `protected` as a flow list (else a list field).
    protected: Result<FlowList, ListField>,
    /// `None` is `tenants: []`; else the dashes' indentation and the tenants.
    tenants: Option<(&'static str, Vec<Tenant>)>,
    crlf: bool,
}

fn document() -> impl Strategy<Value = Document> {
    let protected = prop_oneof![flow_list().prop_map(Ok), list_field().prop_map(Err)];
    let place = prop_oneof![
        15 => Just(Place::First),
        21 => Just(Place::Last),
        64 => Just(Place::Nowhere),
    ];
    // One tenant in 3 of 10 documents, 2, 3 or 4 in 2 each, `tenants: []` in 1.
    let list = (
        select(&["", "  ", "    "][..]),
        prop_oneof![3 => vec(tenant(), 1), 6 => vec(tenant(), 2..=4)],
    );
    let tenants = prop_oneof![1 => Just(None), 9 => list.prop_map(Some)];
    (
        prop::bool::weighted(0.3),
        place,
        protected,
        tenants,
        prop::bool::weighted(0.08),
    )
        .prop_map(|(schema, place, protected, tenants, crlf)| Document {
            schema,
            place,
            protected,
            tenants,
            crlf,
        })
}

impl Document {
    fn render(&self) -> String {
        let mut out = String::new();
        if self.schema {
            out.push_str("# yaml-language-server: $schema=./tenants.schema.json\n");
        }
        let protected = match &self.protected {
            Ok(l) => format!("protected: {}\n", l.render()),
            Err(l) => l.render("", "protected"),
        };
        if let Place::First = self.place {
            out.push_str(&protected);
        }
        match &self.tenants {
            None => out.push_str("tenants: []\n"),
            Some((dash_indent, tenants)) => {
                out.push_str("tenants:\n");
                for (i, t) in tenants.iter().enumerate() {
                    out.push_str(&t.render(dash_indent, i));
                }
            }
        }
        if let Place::Last = self.place {
            out.push_str(&protected);
        }
        if self.crlf {
            out = out.replace('\n', "\r\n"); // Windows line breaks
        }
        out
    }
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
        let doc = doc.render();
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
