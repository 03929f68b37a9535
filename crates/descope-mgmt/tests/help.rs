//! `--help` of every command: examples that parse, global options under their own heading, and
//! `emulator serve` listing only the options that apply to it. Runs the real binary.

use std::process::Command;

use descope_mgmt_cli::args::{Cli, command};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_descope-mgmt")
}

/// The global options `emulator serve` reads; every other global must be absent from its help.
const SERVE_GLOBALS: &[&str] = &["project-id", "quiet", "verbose", "no-color"];

/// Every command path of the tree (`[]` is the root), without clap's `help` subcommands.
fn command_paths() -> Vec<Vec<String>> {
    let root = command();
    let mut paths = Vec::new();
    let mut stack = vec![(Vec::<String>::new(), &root)];
    while let Some((path, cmd)) = stack.pop() {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut p = path.clone();
            p.push(sub.get_name().to_owned());
            stack.push((p, sub));
        }
        paths.push(path);
    }
    paths.sort();
    paths
}

/// The help of `path` as the binary prints it for `flag` (`-h` or `--help`).
fn help(path: &[String], flag: &str) -> String {
    let out = Command::new(bin())
        .args(path)
        .arg(flag)
        .env("NO_COLOR", "1")
        .output()
        .expect("run descope-mgmt");
    assert!(
        out.status.success(),
        "`descope-mgmt {} {flag}` exited {:?}: {}",
        path.join(" "),
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("help is UTF-8")
}

/// Splits an example command line as a POSIX shell would for the simple lines used in help:
/// words, single quotes, and a `>` redirection (which ends the command).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '>' | '|' if !in_word => break,
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                assert!(
                    !"\"$`\\;&".contains(c),
                    "example uses shell syntax the test does not parse: {line}"
                );
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// Whether `text` names the option `--long` (not merely a longer one that starts the same).
fn lists(text: &str, long: &str) -> bool {
    let flag = format!("--{long}");
    text.match_indices(&flag).any(|(i, _)| {
        text[i + flag.len()..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric() && c != '-')
    })
}

#[test]
fn every_help_has_examples_and_a_global_options_heading() {
    let paths = command_paths();
    assert!(
        paths.len() > 30,
        "expected the whole tree, found {}",
        paths.len()
    );
    for path in &paths {
        for flag in ["-h", "--help"] {
            let text = help(path, flag);
            let name = format!("descope-mgmt {} {flag}", path.join(" "));
            assert!(
                text.contains("\nGlobal options:\n"),
                "{name}: no `Global options:` heading:\n{text}"
            );
            let own = text.split("\nGlobal options:\n").next().unwrap_or_default();
            assert!(
                !own.contains("--concurrency") && !own.contains("--no-color"),
                "{name}: a global option is listed with the command's own:\n{text}"
            );
            let examples = text
                .split("\nExamples:\n")
                .nth(1)
                .unwrap_or_else(|| panic!("{name}: no `Examples:` section:\n{text}"));
            assert!(
                examples
                    .lines()
                    .any(|l| l.trim_start().starts_with("descope-mgmt ")),
                "{name}: `Examples:` has no invocation:\n{text}"
            );
        }
    }
}

#[test]
fn every_example_is_a_valid_invocation_of_its_command_tree() {
    let root = command();
    let mut checked = 0;
    for path in command_paths() {
        let mut cmd = &root;
        for name in &path {
            cmd = cmd.find_subcommand(name).expect("path from the tree");
        }
        let after = cmd
            .get_after_help()
            .map(ToString::to_string)
            .unwrap_or_default();
        for line in after.lines().map(str::trim) {
            if !line.starts_with("descope-mgmt ") {
                continue;
            }
            let words = shell_words(line);
            if let Err(e) = Cli::parse_args(&words) {
                panic!(
                    "example of `descope-mgmt {}` does not parse: {line}\n{e}",
                    path.join(" ")
                );
            }
            assert!(
                path.first().is_none_or(|group| words.contains(group)),
                "example of `descope-mgmt {}` runs a command of another group: {line}",
                path.join(" ")
            );
            checked += 1;
        }
    }
    assert!(checked > 60, "only {checked} examples found");
}

#[test]
fn emulator_serve_help_lists_only_the_options_that_apply() {
    let serve = ["emulator".to_owned(), "serve".to_owned()];
    let root = command();
    let globals: Vec<String> = root
        .get_arguments()
        .filter(|a| a.is_global_set())
        .filter_map(|a| a.get_long().map(str::to_owned))
        .collect();
    assert!(
        globals.iter().any(|g| g == "profile"),
        "globals: {globals:?}"
    );
    for flag in ["-h", "--help"] {
        let text = help(&serve, flag);
        for long in &globals {
            let listed = lists(&text, long);
            if SERVE_GLOBALS.contains(&long.as_str()) {
                assert!(listed, "serve {flag} lacks --{long}:\n{text}");
            } else {
                assert!(
                    !listed,
                    "serve {flag} lists --{long}, which it ignores:\n{text}"
                );
            }
        }
        assert!(text.contains("--port"), "{text}");
        assert!(
            text.contains("Project id the emulator accepts"),
            "--project-id is described for serve:\n{text}"
        );
    }
    // Everywhere else the globals are all listed.
    let list = help(&["tenant".to_owned(), "list".to_owned()], "--help");
    for long in &globals {
        assert!(
            list.contains(&format!("--{long}")),
            "tenant list lacks --{long}"
        );
    }
}

#[test]
fn global_options_given_to_emulator_serve_still_reach_the_command() {
    let cli = Cli::parse_args([
        "descope-mgmt",
        "emulator",
        "serve",
        "--project-id",
        "P2test",
        "--local",
        "--profile",
        "dev",
        "-v",
    ])
    .expect("parses");
    assert_eq!(cli.global.project_id.as_deref(), Some("P2test"));
    assert_eq!(cli.global.profile.as_deref(), Some("dev"));
    assert!(cli.global.local);
    assert_eq!(cli.global.verbose, 1);
    let cli = Cli::parse_args(["descope-mgmt", "--project-id", "P2x", "emulator", "serve"])
        .expect("parses");
    assert_eq!(cli.global.project_id.as_deref(), Some("P2x"));
}
