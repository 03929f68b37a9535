//! `cargo xtask gen`: docs/cli.md and docs/man/*.1 from the clap command tree
//! (`descope_mgmt_cli::args::command`), so the reference cannot drift from `--help`. The man
//! pages are clap_mangen's, one per command; only the after-help is split here into its own
//! sections (EXAMPLES, EXIT STATUS), which clap_mangen would print as one block.
//! `xtask/tests/docgen.rs` fails when the committed files differ from what this renders.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, Command};

/// The Markdown reference, relative to the repository root.
pub const CLI_MD: &str = "docs/cli.md";
/// The folder of the man pages, relative to the repository root.
pub const MAN_DIR: &str = "docs/man";

/// One generated file: its path relative to the repository root, and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Relative to the repository root, `/`-separated.
    pub path: String,
    /// The whole file.
    pub contents: String,
}

/// The command tree as documented: the binary's, without clap's `help` subcommands, built (so
/// global options are propagated and every subcommand knows its full name), at a fixed width.
fn tree() -> Command {
    fn no_help_subcommand(cmd: Command) -> Command {
        cmd.disable_help_subcommand(true)
            .mut_subcommands(no_help_subcommand)
    }
    let mut cmd = no_help_subcommand(descope_mgmt_cli::args::command()).term_width(100);
    cmd.build();
    cmd
}

/// The visible subcommands of `cmd` in the order of its `--help`.
fn subcommands(cmd: &Command) -> Vec<&Command> {
    let mut subs: Vec<&Command> = cmd.get_subcommands().filter(|s| !s.is_hide_set()).collect();
    subs.sort_by_key(|s| s.get_display_order());
    subs
}

/// Every command, root first, depth first in the order of `--help`.
fn walk(cmd: &Command) -> Vec<&Command> {
    let mut out = vec![cmd];
    for sub in subcommands(cmd) {
        out.extend(walk(sub));
    }
    out
}

/// The full name of a built command: `descope-mgmt tenant sync`.
fn full_name(cmd: &Command) -> String {
    cmd.get_bin_name().unwrap_or(cmd.get_name()).to_owned()
}

/// Every file `cargo xtask gen` writes, in a stable order.
#[must_use]
pub fn generate() -> Vec<Generated> {
    let root = tree();
    let mut files = vec![Generated {
        path: CLI_MD.to_owned(),
        contents: markdown(&root),
    }];
    for cmd in walk(&root) {
        let (name, page) = man_page(cmd);
        files.push(Generated {
            path: format!("{MAN_DIR}/{name}"),
            contents: page,
        });
    }
    files
}

/// The generated files whose committed copy under `root` is missing or different, plus man
/// pages in docs/man/ that the generator no longer makes.
#[must_use]
pub fn stale(root: &Path) -> Vec<String> {
    let files = generate();
    let mut out: Vec<String> = files
        .iter()
        .filter(|f| std::fs::read_to_string(root.join(&f.path)).ok().as_ref() != Some(&f.contents))
        .map(|f| f.path.clone())
        .collect();
    out.extend(extra_man_pages(root, &files));
    out
}

fn extra_man_pages(root: &Path, files: &[Generated]) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join(MAN_DIR)) else {
        return Vec::new();
    };
    let mut extra: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| format!("{MAN_DIR}/{}", e.file_name().to_string_lossy()))
        .filter(|p| p.ends_with(".1") && !files.iter().any(|f| &f.path == p))
        .collect();
    extra.sort();
    extra
}

/// Writes every generated file under `root` (removing man pages no longer generated) and
/// returns the paths that changed.
///
/// # Errors
/// The first file that cannot be written or removed.
pub fn write(root: &Path) -> std::io::Result<Vec<String>> {
    let files = generate();
    let mut changed = Vec::new();
    std::fs::create_dir_all(root.join(MAN_DIR))?;
    for old in extra_man_pages(root, &files) {
        std::fs::remove_file(root.join(&old))?;
        changed.push(old);
    }
    for f in &files {
        let path: PathBuf = root.join(&f.path);
        if std::fs::read_to_string(&path).ok().as_ref() != Some(&f.contents) {
            std::fs::write(&path, &f.contents)?;
            changed.push(f.path.clone());
        }
    }
    Ok(changed)
}

// ---- Markdown ----

/// GitHub's anchor of a heading `` `descope-mgmt tenant sync` ``.
fn anchor(name: &str) -> String {
    name.replace(' ', "-")
}

/// Text for a Markdown table cell outside code: one line, no table or HTML syntax.
fn cell(text: &str) -> String {
    escape(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// How an argument is written on the command line: `-o, --output <FORMAT>`, `<ID>`.
fn arg_syntax(a: &Arg) -> String {
    let values = || {
        let names: Vec<String> = a
            .get_value_names()
            .map(|v| v.iter().map(ToString::to_string).collect())
            .unwrap_or_else(|| vec![a.get_id().as_str().to_uppercase()]);
        names
            .iter()
            .map(|n| format!("<{n}>"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    if a.is_positional() {
        let v = values();
        let many = matches!(a.get_action(), ArgAction::Append);
        let v = if many { format!("{v}...") } else { v };
        return if a.is_required_set() {
            v
        } else {
            format!("[{v}]")
        };
    }
    let mut s = String::new();
    if let Some(short) = a.get_short() {
        s.push('-');
        s.push(short);
    }
    if let Some(long) = a.get_long() {
        if !s.is_empty() {
            s.push_str(", ");
        }
        s.push_str("--");
        s.push_str(long);
    }
    if a.get_action().takes_values() {
        s.push(' ');
        s.push_str(&values());
    }
    if matches!(a.get_action(), ArgAction::Count) {
        s.push_str("...");
    }
    s
}

/// An argument's help with its default and possible values.
fn arg_description(a: &Arg) -> String {
    let mut text = a
        .get_long_help()
        .or_else(|| a.get_help())
        .map(ToString::to_string)
        .unwrap_or_default();
    if a.get_action().takes_values() {
        let possible: Vec<String> = a
            .get_possible_values()
            .iter()
            .filter(|p| !p.is_hide_set())
            .map(|p| match p.get_help() {
                Some(h) => format!("`{}` ({h})", p.get_name()),
                None => format!("`{}`", p.get_name()),
            })
            .collect();
        if !possible.is_empty() && !text.contains("Possible values") {
            let _ = write!(text, " [possible values: {}]", possible.join(", "));
        }
        let defaults: Vec<String> = a
            .get_default_values()
            .iter()
            .map(|d| d.to_string_lossy().into_owned())
            .collect();
        if !defaults.is_empty() && !a.is_hide_default_value_set() && !text.contains("[default:") {
            let _ = write!(text, " [default: `{}`]", defaults.join(","));
        }
    }
    // One line; backquoted spans stay as they are, the rest is escaped for a table cell.
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("`{}`", part.replace('|', "\\|"))
            } else {
                escape(part)
            }
        })
        .collect()
}

fn arg_table(out: &mut String, title: &str, args: &[&Arg]) {
    if args.is_empty() {
        return;
    }
    let _ = writeln!(out, "{title}:\n\n| | |\n|---|---|");
    for a in args {
        let _ = writeln!(
            out,
            "| `{}` | {} |",
            arg_syntax(a).replace('|', "\\|"),
            arg_description(a)
        );
    }
    out.push('\n');
}

fn is_global_option(a: &Arg) -> bool {
    a.get_help_heading() == Some(descope_mgmt_cli::args::GLOBAL_OPTIONS)
}

/// docs/cli.md.
fn markdown(root: &Command) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Command reference\n\n\
<!-- Generated from the clap definitions by `cargo xtask gen`; do not edit by hand. -->\n\n\
Every command's `--help` says the same. Man pages: [docs/man/](man/) \
(`man ./docs/man/descope-mgmt.1`).\n"
    );
    for cmd in walk(root) {
        let depth = full_name(cmd).split(' ').count() - 1;
        let _ = writeln!(
            out,
            "{}- [`{}`](#{}){}",
            "  ".repeat(depth),
            full_name(cmd),
            anchor(&full_name(cmd)),
            cmd.get_about()
                .map(|a| format!(": {}", cell(&a.to_string())))
                .unwrap_or_default()
        );
    }
    out.push('\n');
    for cmd in walk(root) {
        command_section(&mut out, cmd, root);
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn command_section(out: &mut String, cmd: &Command, root: &Command) {
    let name = full_name(cmd);
    let _ = writeln!(out, "## `{name}`\n");
    if let Some(about) = cmd.get_long_about().or_else(|| cmd.get_about()) {
        let _ = writeln!(out, "{}\n", cell(&about.to_string()));
    }
    let usage = cmd.clone().render_usage().to_string();
    let _ = writeln!(out, "```text\n{}\n```\n", usage.trim_end());
    let subs = subcommands(cmd);
    if !subs.is_empty() {
        let _ = writeln!(out, "Commands:\n\n| | |\n|---|---|");
        for s in subs {
            let _ = writeln!(
                out,
                "| [`{}`](#{}) | {} |",
                s.get_name(),
                anchor(&full_name(s)),
                cell(&s.get_about().map(ToString::to_string).unwrap_or_default())
            );
        }
        out.push('\n');
    }
    let mut shown: Vec<&Arg> = cmd.get_arguments().filter(|a| !a.is_hide_set()).collect();
    shown.sort_by_key(|a| a.get_display_order());
    let positionals: Vec<&Arg> = shown
        .iter()
        .copied()
        .filter(|a| a.is_positional())
        .collect();
    let own: Vec<&Arg> = shown
        .iter()
        .copied()
        .filter(|a| !a.is_positional() && !is_global_option(a))
        .collect();
    let globals: Vec<&Arg> = shown
        .iter()
        .copied()
        .filter(|a| is_global_option(a))
        .collect();
    arg_table(out, "Arguments", &positionals);
    arg_table(out, "Options", &own);
    let all_globals = root.get_arguments().filter(|a| is_global_option(a)).count();
    if std::ptr::eq(cmd, root) || globals.len() != all_globals {
        arg_table(out, descope_mgmt_cli::args::GLOBAL_OPTIONS, &globals);
    } else {
        let _ = writeln!(
            out,
            "{}: every one, see [`{}`](#{}).\n",
            descope_mgmt_cli::args::GLOBAL_OPTIONS,
            full_name(root),
            anchor(&full_name(root))
        );
    }
    if let Some(after) = cmd.get_after_long_help().or_else(|| cmd.get_after_help()) {
        for (heading, body) in after_help_sections(&after.to_string()) {
            let lang = if heading == "Examples" { "sh" } else { "text" };
            let _ = writeln!(out, "{heading}:\n\n```{lang}\n{body}\n```\n");
        }
    }
}

/// The `Heading:` sections of an after-help text, each with its body unindented.
fn after_help_sections(text: &str) -> Vec<(String, String)> {
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    for line in text.lines() {
        if !line.starts_with(' ') && line.ends_with(':') {
            sections.push((line.trim_end_matches(':').to_owned(), Vec::new()));
        } else if let Some((_, body)) = sections.last_mut() {
            body.push(line.strip_prefix("  ").unwrap_or(line).to_owned());
        } else if !line.trim().is_empty() {
            sections.push((String::new(), vec![line.to_owned()]));
        }
    }
    sections
        .into_iter()
        .map(|(h, mut body)| {
            while body.last().is_some_and(|l| l.trim().is_empty()) {
                body.pop();
            }
            (h, body.join("\n"))
        })
        .collect()
}

// ---- man pages ----

/// One command's man page: its file name (`descope-mgmt-tenant-sync.1`) and roff text.
fn man_page(cmd: &Command) -> (String, String) {
    let after = cmd
        .get_after_long_help()
        .or_else(|| cmd.get_after_help())
        .map(ToString::to_string);
    let man = clap_mangen::Man::new(
        cmd.clone()
            .after_help(None::<&'static str>)
            .after_long_help(None::<&'static str>),
    )
    .source(format!(
        "descope-mgmt {}",
        cmd.get_version().unwrap_or_default()
    ))
    .manual("descope-mgmt manual");
    let name = man.get_filename();
    let mut buf = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = man.render(&mut buf);
    let mut page = String::from_utf8_lossy(&buf).into_owned();
    if let Some(after) = after {
        let mut roff = roff::Roff::new();
        for (heading, body) in after_help_sections(&after) {
            let heading = match heading.as_str() {
                "Exit codes" => "EXIT STATUS".to_owned(),
                "" => "NOTES".to_owned(),
                h => h.to_uppercase(),
            };
            roff.control("SH", [heading.as_str()]);
            roff.control("nf", []);
            for line in body.lines() {
                roff.text([roff::roman(line)]);
            }
            roff.control("fi", []);
        }
        let preamble = roff::Roff::new().render();
        let rendered = roff.render();
        page.push_str(rendered.strip_prefix(&preamble).unwrap_or(&rendered));
    }
    (name, page)
}
