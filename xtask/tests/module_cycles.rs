//! No import circles inside a crate: for every crate under `crates/` (and xtask), the modules'
//! imports of one another (`crate::a`, `super::a`, `self::a`, a child module by name) form no
//! cycle. A circle means two modules cannot be read, tested or moved apart; shared code belongs
//! in a module that imports neither.
//!
//! Read from the source text (comments and string literals stripped), so the test is fast and
//! needs no build. A file is one module; inline modules (`mod tests { … }`) count as their file.
//! The crate root (lib.rs, main.rs) is left out: it declares the modules and re-exports them, and
//! a module using an item the root defines (an error type, a config) is the normal shape.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Crates whose circles are known and owned by another part of issue 12, left alone here.
/// - descope-mgmt-cli: its command modules and `ctx`/`args` import one another; the thin-commands
///   restructure (commands/<group>/<subcommand>.rs, shared modules) is rewriting them. Remove
///   this entry when it lands and the crate passes.
const KNOWN_CRATES: &[&str] = &[];

/// Circles known within a crate, as (crate, the modules of the circle), owned elsewhere.
/// - descope-sync `order` ↔ `plan`: the planner and executor are being rewritten by the
///   descope-sync part of issue 12. Remove this entry when it no longer applies.
const KNOWN_CIRCLES: &[(&str, &[&str])] = &[];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is one level below the repository root")
        .to_path_buf()
}

/// The module path of a source file relative to `src/` (`a/b.rs` and `a/b/mod.rs` are `a::b`),
/// or `None` for the crate root and for other crate roots (`bin/`).
fn module_of(rel: &Path) -> Option<String> {
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if parts.first().is_some_and(|p| p == "bin") {
        return None;
    }
    let mut segs: Vec<String> = parts;
    let last = segs.pop()?;
    let stem = last.strip_suffix(".rs")?;
    if segs.is_empty() && (stem == "lib" || stem == "main") {
        return None;
    }
    if stem != "mod" {
        segs.push(stem.to_owned());
    }
    Some(segs.join("::"))
}

/// `text` with comments, string literals and char literals blanked out (lifetimes kept).
fn strip(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == b'r'
            && (b.get(i + 1) == Some(&b'"') || b.get(i + 1) == Some(&b'#'))
            && (i == 0 || !is_ident(b[i - 1]))
        {
            // A raw string r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                out.push('r');
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == b'"'
                    && b[j + 1..]
                        .iter()
                        .take(hashes)
                        .filter(|&&h| h == b'#')
                        .count()
                        == hashes
                {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == b'\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
            if b.get(i + 1) == Some(&b'\\') {
                // Past the quote, the backslash and the escaped character.
                i += 3;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            } else {
                let ch_len = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                if b.get(i + 1 + ch_len) == Some(&b'\'') {
                    i += 2 + ch_len;
                    out.push_str("' '");
                } else {
                    out.push('\'');
                    i += 1;
                }
            }
        } else {
            let ch = text[i..].chars().next().expect("in bounds");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The identifier at `i` and the index after it.
fn ident_at(b: &[u8], i: usize) -> Option<(&str, usize)> {
    let mut j = i;
    while j < b.len() && is_ident(b[j]) {
        j += 1;
    }
    (j > i).then(|| (std::str::from_utf8(&b[i..j]).expect("ASCII"), j))
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The paths of a path or use tree starting at `i` (after a `::`): `a::b`, `{a, b::{c, d}}`.
/// Each path is returned as its segments.
fn paths_at(b: &[u8], i: usize) -> Vec<Vec<String>> {
    let i = skip_ws(b, i);
    if b.get(i) == Some(&b'{') {
        let mut out = Vec::new();
        let mut j = i + 1;
        loop {
            j = skip_ws(b, j);
            match b.get(j) {
                None | Some(b'}') => break,
                Some(b',') => j += 1,
                _ => {
                    let (paths, end) = tree_at(b, j);
                    out.extend(paths);
                    j = end;
                }
            }
        }
        out
    } else {
        tree_at(b, i).0
    }
}

/// One use tree item at `i`: `a::b::{…}` or `a as b` or `*`; returns its paths and the end.
fn tree_at(b: &[u8], i: usize) -> (Vec<Vec<String>>, usize) {
    let mut segs: Vec<String> = Vec::new();
    let mut j = skip_ws(b, i);
    loop {
        if b.get(j) == Some(&b'{') {
            // Find the matching brace, then recurse into it.
            let mut depth = 0;
            let mut k = j;
            while k < b.len() {
                match b[k] {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                k += 1;
            }
            let inner = paths_at(b, j);
            let out = inner
                .into_iter()
                .map(|p| segs.iter().cloned().chain(p).collect())
                .collect();
            return (out, k + 1);
        }
        let Some((id, end)) = ident_at(b, j) else {
            break;
        };
        segs.push(id.to_owned());
        j = end;
        let k = skip_ws(b, j);
        if b.get(k) == Some(&b':') && b.get(k + 1) == Some(&b':') {
            j = skip_ws(b, k + 2);
        } else {
            break;
        }
    }
    // Skip to the end of this item (`as x`, `*`), stopping at `,` `}` `;` or a new line.
    while j < b.len() && !matches!(b[j], b',' | b'}' | b';' | b'\n' | b'(' | b')') {
        j += 1;
    }
    (vec![segs], j)
}

/// The modules one file refers to, as absolute module paths (segments), given the file's own
/// module path and the child modules it declares.
fn references(module: &[String], stripped: &str) -> Vec<Vec<String>> {
    let b = stripped.as_bytes();
    let mut out = Vec::new();
    // Inline modules open at a brace depth: (name, depth).
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut pending_mod: Option<String> = None;
    let mut children: BTreeSet<String> = BTreeSet::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'{' {
            depth += 1;
            if let Some(name) = pending_mod.take() {
                inline.push((name, depth));
            }
            i += 1;
            continue;
        }
        if c == b'}' {
            if inline.last().is_some_and(|(_, d)| *d == depth) {
                inline.pop();
            }
            depth = depth.saturating_sub(1);
            i += 1;
            continue;
        }
        if c == b';' {
            if let Some(name) = pending_mod.take()
                && inline.is_empty()
            {
                children.insert(name);
            }
            i += 1;
            continue;
        }
        if !is_ident(c) || (i > 0 && (is_ident(b[i - 1]))) {
            i += 1;
            continue;
        }
        let (id, end) = ident_at(b, i).expect("at an identifier");
        let after_colons = i >= 2 && &b[i - 2..i] == b"::";
        if id == "mod" && !after_colons {
            let j = skip_ws(b, end);
            if let Some((name, e)) = ident_at(b, j) {
                pending_mod = Some(name.to_owned());
                i = e;
                continue;
            }
        }
        let k = skip_ws(b, end);
        let is_path = b.get(k) == Some(&b':') && b.get(k + 1) == Some(&b':');
        if !is_path || after_colons {
            i = end;
            continue;
        }
        let here: Vec<String> = module
            .iter()
            .cloned()
            .chain(inline.iter().map(|(n, _)| n.clone()))
            .collect();
        let base: Option<Vec<String>> = match id {
            "crate" => Some(Vec::new()),
            "super" => {
                let mut up = here.clone();
                let mut j = k + 2;
                up.pop();
                // super::super::…
                loop {
                    let s = skip_ws(b, j);
                    match ident_at(b, s) {
                        Some(("super", e))
                            if b.get(skip_ws(b, e)) == Some(&b':')
                                && b.get(skip_ws(b, e) + 1) == Some(&b':') =>
                        {
                            up.pop();
                            j = skip_ws(b, e) + 2;
                        }
                        _ => break,
                    }
                }
                for p in paths_at(b, j) {
                    out.push(up.iter().cloned().chain(p).collect());
                }
                i = j;
                continue;
            }
            "self" => Some(here.clone()),
            // A child module by name (declared in this file with `mod x;`), at any depth of use.
            other if children.contains(other) && inline.is_empty() => {
                out.push(module.iter().cloned().chain([other.to_owned()]).collect());
                i = end;
                continue;
            }
            _ => None,
        };
        if let Some(base) = base {
            for p in paths_at(b, k + 2) {
                out.push(base.iter().cloned().chain(p).collect());
            }
        }
        i = end;
    }
    out
}

/// The module graph of one crate: module → the modules it refers to. `files` are (path under
/// `src/`, text).
fn module_graph(files: &[(PathBuf, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeSet<String> = files.iter().filter_map(|(p, _)| module_of(p)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, text) in files {
        let Some(module) = module_of(path) else {
            continue;
        };
        let own: Vec<String> = module.split("::").map(str::to_owned).collect();
        let edges = graph.entry(module.clone()).or_default();
        for target in references(&own, &strip(text)) {
            // The longest prefix of the path that names a file module.
            let hit = (1..=target.len())
                .rev()
                .map(|n| target[..n].join("::"))
                .find(|m| modules.contains(m));
            if let Some(m) = hit
                && m != module
            {
                edges.insert(m);
            }
        }
    }
    graph
}

/// The circles of a graph: its strongly connected components of more than one module.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Kosaraju: order by finish time, then collect components on the reversed graph.
    fn visit<'a>(
        n: &'a str,
        g: &'a BTreeMap<String, BTreeSet<String>>,
        seen: &mut BTreeSet<&'a str>,
        order: &mut Vec<&'a str>,
    ) {
        if !seen.insert(n) {
            return;
        }
        for m in g.get(n).into_iter().flatten() {
            visit(m, g, seen, order);
        }
        order.push(n);
    }
    let mut seen = BTreeSet::new();
    let mut order = Vec::new();
    for n in graph.keys() {
        visit(n, graph, &mut seen, &mut order);
    }
    let mut reversed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, tos) in graph {
        for to in tos {
            reversed.entry(to.clone()).or_default().insert(from.clone());
        }
    }
    let mut assigned = BTreeSet::new();
    let mut out = Vec::new();
    for n in order.into_iter().rev() {
        let mut component = Vec::new();
        visit(n, &reversed, &mut assigned, &mut component);
        if component.len() > 1 {
            let mut c: Vec<String> = component.into_iter().map(str::to_owned).collect();
            c.sort();
            out.push(c);
        }
    }
    out
}

/// Every `.rs` file under `dir`, as (path relative to `dir`, text).
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("source directory reads") {
            let path = entry.expect("directory entry reads").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source file reads");
                out.push((
                    path.strip_prefix(dir).expect("under dir").to_path_buf(),
                    text,
                ));
            }
        }
    }
    out
}

fn files(list: &[(&str, &str)]) -> Vec<(PathBuf, String)> {
    list.iter()
        .map(|(p, t)| (PathBuf::from(p), (*t).to_owned()))
        .collect()
}

#[test]
fn no_crate_has_a_module_import_circle() {
    let root = repo_root();
    let mut crates: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .expect("crates/ reads")
        .map(|e| e.expect("entry reads").path())
        .filter(|p| p.join("src").is_dir())
        .collect();
    crates.push(root.join("xtask"));
    crates.sort();
    let mut found = Vec::new();
    let mut checked = 0;
    for dir in &crates {
        let name = dir
            .file_name()
            .expect("named")
            .to_string_lossy()
            .into_owned();
        if KNOWN_CRATES.contains(&name.as_str()) {
            continue;
        }
        let graph = module_graph(&sources(&dir.join("src")));
        checked += graph.len();
        for circle in circles(&graph) {
            let known = KNOWN_CIRCLES
                .iter()
                .any(|(c, mods)| *c == name && circle.iter().all(|m| mods.contains(&m.as_str())));
            if !known {
                found.push(format!("{name}: {}", circle.join(" ↔ ")));
            }
        }
    }
    assert!(checked > 30, "only {checked} modules were read");
    assert!(
        found.is_empty(),
        "modules that import one another (move what they share into a module that imports \
         neither):\n{}",
        found.join("\n")
    );
}

#[test]
fn finds_a_circle_through_use_trees_super_and_inline_paths() {
    let graph = module_graph(&files(&[
        ("lib.rs", "mod a; mod b; mod c; mod d; pub use a::A;"),
        (
            "a.rs",
            "//! uses crate::d only in a comment\nuse crate::{b::{self, B}, Config};\nfn f() { let s = \"crate::d\"; }",
        ),
        ("b.rs", "fn g() { super::c::run(); }"),
        (
            "c.rs",
            "use crate::a as x;\n#[cfg(test)]\nmod tests { use super::*; }",
        ),
        ("d.rs", "use crate::c;"),
    ]));
    assert_eq!(graph["a"], BTreeSet::from(["b".to_owned()]));
    assert_eq!(graph["b"], BTreeSet::from(["c".to_owned()]));
    assert_eq!(graph["c"], BTreeSet::from(["a".to_owned()]));
    assert_eq!(
        circles(&graph),
        [["a".to_owned(), "b".to_owned(), "c".to_owned()]]
    );
}

#[test]
fn a_tree_of_modules_has_no_circle() {
    let graph = module_graph(&files(&[
        ("main.rs", "mod cmd; mod out; use cmd::run;"),
        (
            "cmd/mod.rs",
            "mod list; pub use list::run; use crate::out::Out;",
        ),
        (
            "cmd/list.rs",
            "use crate::out::{self, Out};\nfn f(x: &'static str) -> char { 'x' }",
        ),
        (
            "out.rs",
            "pub struct Out; const Q: char = '\\''; const S: &str = r#\"crate::cmd\"#;",
        ),
    ]));
    assert_eq!(
        graph["cmd"],
        BTreeSet::from(["cmd::list".to_owned(), "out".to_owned()])
    );
    assert_eq!(graph["cmd::list"], BTreeSet::from(["out".to_owned()]));
    assert!(graph["out"].is_empty());
    assert!(circles(&graph).is_empty());
    // A child that reaches back into its parent closes a circle.
    let graph = module_graph(&files(&[
        ("cmd/mod.rs", "mod list; fn go() { list::run() }"),
        ("cmd/list.rs", "use super::helper;"),
    ]));
    assert_eq!(
        circles(&graph),
        [["cmd".to_owned(), "cmd::list".to_owned()]]
    );
}
