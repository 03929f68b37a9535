//! The harness of the in-process tests: an isolated home, a run of `descope-mgmt --local` with
//! in-memory streams, the report of a case piped and on a terminal, and the redaction of what
//! changes from run to run.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use descope_mgmt_cli::env::Env;

/// One isolated home: the data dir (with the local emulator's state), the config dir, and the
/// files a test writes.
pub(crate) struct Home {
    dir: tempfile::TempDir,
}

/// One finished run.
#[derive(PartialEq, Eq)]
pub(crate) struct Ran {
    pub(crate) exit: u8,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Home {
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("config")).expect("config dir");
        Self { dir }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file in the home and returns its path.
    pub(crate) fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path().join(name);
        std::fs::write(&path, text).expect("write file");
        path
    }

    pub(crate) fn env(&self, terminal: bool, input: &str, columns: &str) -> Env {
        let home = self.path().display().to_string();
        let mut vars = vec![
            ("HOME".to_owned(), home.clone()),
            ("DESCOPE_MGMT_HOME".to_owned(), format!("{home}/data")),
            ("XDG_CONFIG_HOME".to_owned(), format!("{home}/config")),
            ("DESCOPE_MGMT_RETRY_BASE_MS".to_owned(), "1".to_owned()),
            ("USER".to_owned(), "tester".to_owned()),
            ("COLUMNS".to_owned(), columns.to_owned()),
        ];
        if !terminal {
            vars.push(("NO_COLOR".to_owned(), "1".to_owned()));
        }
        Env::fake(vars)
            .with_input(input)
            .with_ttys(terminal, terminal, terminal)
    }

    /// Runs `descope-mgmt --local <args>` in-process.
    pub(crate) fn run_with(&self, args: &[&str], terminal: bool, input: &str) -> Ran {
        self.run_wide(args, terminal, input, "100")
    }

    /// [`Home::run_with`] on a terminal `columns` wide.
    pub(crate) fn run_wide(
        &self,
        args: &[&str],
        terminal: bool,
        input: &str,
        columns: &str,
    ) -> Ran {
        let env = self.env(terminal, input, columns);
        let captured = env.captured().expect("in-memory streams");
        // `{HOME}` in an argument is this home's path.
        let home = self.path().display().to_string();
        let argv: Vec<OsString> = ["descope-mgmt", "--local"]
            .iter()
            .chain(args)
            .map(|a| OsString::from(a.replace("{HOME}", &home)))
            .collect();
        let exit = descope_mgmt_cli::run(argv, env).code();
        Ran {
            exit,
            stdout: captured.stdout.text(),
            stderr: captured.stderr.text(),
        }
    }

    /// Runs piped and expects `exit` (to set up state for the command under test).
    #[track_caller]
    pub(crate) fn setup(&self, args: &[&str]) {
        let ran = self.run_with(args, false, "");
        assert_eq!(
            ran.exit,
            0,
            "setup `{}` failed:\n{}\n{}",
            args.join(" "),
            ran.stdout,
            ran.stderr
        );
    }

    pub(crate) fn section(&self, ran: &Ran) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            ran.exit,
            self.redact(&ran.stdout),
            self.redact(&ran.stderr)
        )
    }

    /// Replaces what changes from run to run: the temporary home, times, durations.
    pub(crate) fn redact(&self, text: &str) -> String {
        let home = self.path().display().to_string();
        let text = text.replace(&home, "[HOME]").replace('\u{1b}', "\\e");
        // A table's trailing padding follows its widest cell, which may hold a time.
        let text = redact_after(&redact_times(&text), "127.0.0.1:", "[PORT]", 1, |c| {
            c.is_ascii_digit()
        });
        // The emulator's creation time (seconds), and the plan's fingerprints made from it.
        let text = redact_after(&text, "createdTime\": ", "[EPOCH]", 1, |c| {
            c.is_ascii_digit()
        });
        let text = redact_after(&text, "createdTime: ", "[EPOCH]", 1, |c| c.is_ascii_digit());
        redact_after(&text, "\": \"", "[FINGERPRINT]", 16, |c| {
            c.is_ascii_hexdigit()
        })
        .lines()
        .map(|line| line.trim_end().to_owned() + "\n")
        .collect()
    }
}

/// Replaces the run of characters matching `keep` that follows each `prefix` with
/// `placeholder`, when it is at least `min` long (and, for `min` > 1, exactly `min` long and
/// followed by a quote: a fingerprint).
pub(crate) fn redact_after(
    text: &str,
    prefix: &str,
    placeholder: &str,
    min: usize,
    keep: fn(char) -> bool,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(prefix) {
        out.push_str(&rest[..i + prefix.len()]);
        rest = &rest[i + prefix.len()..];
        let len = rest.len() - rest.trim_start_matches(keep).len();
        let exact = min == 1 || (len == min && rest[len..].starts_with('"'));
        if len >= min && exact {
            out.push_str(placeholder);
            rest = &rest[len..];
        }
    }
    out.push_str(rest);
    out
}

/// The audit log's duration column (`MS`, the 7th) as `[MS]`: tab-separated rows when piped,
/// space-aligned columns (then joined by one space) on a terminal.
pub(crate) fn redact_durations(report: &str) -> String {
    report
        .lines()
        .map(|line| {
            let tabbed: Vec<&str> = line.split('\t').collect();
            if tabbed.len() >= 8 {
                let mut cells: Vec<String> = tabbed.iter().map(|c| (*c).to_owned()).collect();
                cells[6] = "[MS]".to_owned();
                return cells.join("\t");
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            if line.trim_start().starts_with("[TIME]") && words.len() >= 7 {
                let mut words: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
                if words[6].chars().all(|c| c.is_ascii_digit()) {
                    words[6] = "[MS]".to_owned();
                }
                return words.join(" ");
            }
            line.to_owned()
        })
        .map(|l| l + "\n")
        .collect()
}

/// Columns aligned around a timestamp or duration of varying width: runs of spaces become one.
pub(crate) fn squeeze_spaces(report: &str) -> String {
    report
        .lines()
        .map(|line| {
            line.split(' ')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
                + "\n"
        })
        .collect()
}

/// Replaces every timestamp (`2026-12-02T13:58:07.123Z`, `2026-12-02 13:58:07`, and the
/// compact `20261202T135807…Z` of backup file names) with `[TIME]`.
pub(crate) fn redact_times(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if let Some(len) = time_at(&bytes[i..]) {
            out.push_str("[TIME]");
            i += len;
        } else {
            let c = text[i..].chars().next().expect("a char");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The length of a timestamp starting at `b`, if one does.
pub(crate) fn time_at(b: &[u8]) -> Option<usize> {
    let digits = |from: usize, n: usize| {
        b.len() >= from + n && b[from..from + n].iter().all(u8::is_ascii_digit)
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let mut len = if digits(0, 4)
        && at(4, b'-')
        && digits(5, 2)
        && at(7, b'-')
        && digits(8, 2)
        && (at(10, b'T') || at(10, b' '))
        && digits(11, 2)
        && at(13, b':')
        && digits(14, 2)
        && at(16, b':')
        && digits(17, 2)
    {
        19
    } else if digits(0, 8) && at(8, b'T') && digits(9, 1) {
        // A backup file name's compact time, maybe cut short by a narrow column.
        let mut n = 9;
        while b.get(n).is_some_and(u8::is_ascii_digit) {
            n += 1;
        }
        n
    } else {
        return None;
    };
    if at(len, b'.') || at(len, b',') {
        len += 1;
        while b.get(len).is_some_and(u8::is_ascii_digit) {
            len += 1;
        }
    }
    if at(len, b'Z') {
        len += 1;
    }
    Some(len)
}

/// A spec of three tenants (a parent, a child, another), written into each home as `tenants.yaml`.
pub(crate) const SPEC: &str = "\
tenants:
  - id: holding
    name: Initech Holding
  - id: acme
    name: ACME Corp
    domains: [acme.com]
    customAttributes: {plan: enterprise, seats: 250}
    parent: holding
  - id: globex
    name: Globex Corporation
    domains: [globex.com]
";

/// The same spec changed: acme renamed, globex gone, a new tenant.
pub(crate) const SPEC_CHANGED: &str = "\
tenants:
  - id: holding
    name: Initech Holding
  - id: acme
    name: ACME Inc
    domains: [acme.com]
    customAttributes: {plan: pro, seats: 250}
    parent: holding
  - id: umbrella
    name: Umbrella
";

/// A file that is not YAML.
pub(crate) const BAD_YAML: &str = "tenants: [\n  - id: acme\n";

/// A spec with a misspelt field.
pub(crate) const UNKNOWN_FIELD: &str =
    "tenants:\n  - id: acme\n    name: ACME\n    domians: [acme.com]\n";

/// One snapshotted command: the state to set up first, the command, the answers to prompts.
pub(crate) struct Case<'a> {
    pub(crate) setup: &'a [&'a [&'a str]],
    pub(crate) args: &'a [&'a str],
    pub(crate) input: &'a str,
    /// Width of the terminal (`COLUMNS`).
    pub(crate) columns: &'a str,
    /// Extra redaction of the report (durations in the audit log).
    pub(crate) redact: fn(&str) -> String,
}

impl<'a> Case<'a> {
    pub(crate) fn new(args: &'a [&'a str]) -> Self {
        Self {
            setup: &[],
            args,
            input: "",
            // Wide: a backup's path holds a time whose width varies, and must not wrap.
            columns: "250",
            redact: str::to_owned,
        }
    }

    pub(crate) fn after(mut self, setup: &'a [&'a [&'a str]]) -> Self {
        self.setup = setup;
        self
    }

    pub(crate) fn input(mut self, input: &'a str) -> Self {
        self.input = input;
        self
    }

    /// Runs the case in a fresh home piped, and in another on a terminal, and renders both.
    pub(crate) fn report(&self) -> String {
        let variant = |terminal: bool| {
            let home = Home::new();
            home.file("tenants.yaml", SPEC);
            home.file("changed.yaml", SPEC_CHANGED);
            home.file("bad.yaml", BAD_YAML);
            home.file("unknown.yaml", UNKNOWN_FIELD);
            for step in self.setup {
                home.setup(step);
            }
            let ran = home.run_wide(self.args, terminal, self.input, self.columns);
            (home.section(&ran), ran.exit)
        };
        let (piped, _) = variant(false);
        let (terminal, _) = variant(true);
        let mut text = format!(
            "$ descope-mgmt --local {}\n=== piped\n{piped}",
            self.args.join(" ")
        );
        if terminal == piped {
            text.push_str("=== terminal: the same\n");
        } else {
            text.push_str("=== terminal\n");
            text.push_str(&terminal);
        }
        (self.redact)(&text)
    }
}
