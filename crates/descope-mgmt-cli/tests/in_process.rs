//! In-process runs of whole commands against the built-in emulator (`--local`), with stdout,
//! stderr and the exit code snapshotted, piped and on a (faked) terminal.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use descope_mgmt_cli::env::Env;

/// One isolated home: the data dir (with the local emulator's state), the config dir, and the
/// files a test writes.
struct Home {
    dir: tempfile::TempDir,
}

/// One finished run.
#[derive(PartialEq, Eq)]
struct Ran {
    exit: u8,
    stdout: String,
    stderr: String,
}

impl Home {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("config")).expect("config dir");
        Self { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file in the home and returns its path.
    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path().join(name);
        std::fs::write(&path, text).expect("write file");
        path
    }

    fn env(&self, terminal: bool, input: &str, columns: &str) -> Env {
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
    fn run_with(&self, args: &[&str], terminal: bool, input: &str) -> Ran {
        self.run_wide(args, terminal, input, "100")
    }

    /// [`Home::run_with`] on a terminal `columns` wide.
    fn run_wide(&self, args: &[&str], terminal: bool, input: &str, columns: &str) -> Ran {
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
    fn setup(&self, args: &[&str]) {
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

    fn section(&self, ran: &Ran) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            ran.exit,
            self.redact(&ran.stdout),
            self.redact(&ran.stderr)
        )
    }

    /// Replaces what changes from run to run: the temporary home, times, durations.
    fn redact(&self, text: &str) -> String {
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
fn redact_after(
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
fn redact_durations(report: &str) -> String {
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
fn squeeze_spaces(report: &str) -> String {
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
fn redact_times(text: &str) -> String {
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
fn time_at(b: &[u8]) -> Option<usize> {
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
const SPEC: &str = "\
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
const SPEC_CHANGED: &str = "\
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
const BAD_YAML: &str = "tenants: [\n  - id: acme\n";

/// A spec with a misspelt field.
const UNKNOWN_FIELD: &str = "tenants:\n  - id: acme\n    name: ACME\n    domians: [acme.com]\n";

/// One snapshotted command: the state to set up first, the command, the answers to prompts.
struct Case<'a> {
    setup: &'a [&'a [&'a str]],
    args: &'a [&'a str],
    input: &'a str,
    /// Width of the terminal (`COLUMNS`).
    columns: &'a str,
    /// Extra redaction of the report (durations in the audit log).
    redact: fn(&str) -> String,
}

impl<'a> Case<'a> {
    fn new(args: &'a [&'a str]) -> Self {
        Self {
            setup: &[],
            args,
            input: "",
            // Wide: a backup's path holds a time whose width varies, and must not wrap.
            columns: "250",
            redact: str::to_owned,
        }
    }

    fn after(mut self, setup: &'a [&'a [&'a str]]) -> Self {
        self.setup = setup;
        self
    }

    fn input(mut self, input: &'a str) -> Self {
        self.input = input;
        self
    }

    /// Runs the case in a fresh home piped, and in another on a terminal, and renders both.
    fn report(&self) -> String {
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

/// Snapshots one case under `name`.
macro_rules! case {
    ($name:ident, $case:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), $case.report());
        }
    };
}

/// Sets up the three tenants of [`SPEC`].
const SYNCED: &[&[&str]] = &[&[
    "--concurrency",
    "1",
    "tenant",
    "sync",
    "-c",
    "{HOME}/tenants.yaml",
    "--apply",
    "--yes",
]];

/// [`SYNCED`], then acme renamed (a backup and audit records).
const UPDATED: &[&[&str]] = &[
    &[
        "--concurrency",
        "1",
        "tenant",
        "sync",
        "-c",
        "{HOME}/tenants.yaml",
        "--apply",
        "--yes",
    ],
    &["tenant", "update", "acme", "--name", "ACME Inc", "--yes"],
];

// Tenants: list and get.
case!(tenant_list_empty, Case::new(&["tenant", "list"]));
case!(tenant_list, Case::new(&["tenant", "list"]).after(SYNCED));
case!(
    tenant_list_json,
    Case::new(&["tenant", "list", "-o", "json"]).after(SYNCED)
);
case!(
    tenant_list_yaml,
    Case::new(&["tenant", "list", "-o", "yaml"]).after(SYNCED)
);
case!(
    tenant_list_filtered,
    Case::new(&["tenant", "list", "--name-contains", "corp"]).after(SYNCED)
);
case!(
    tenant_get,
    Case {
        // Narrow: long cells wrap.
        columns: "100",
        ..Case::new(&["tenant", "get", "acme"]).after(SYNCED)
    }
);
case!(
    tenant_get_json,
    Case::new(&["tenant", "get", "acme", "-o", "json"]).after(SYNCED)
);
case!(
    tenant_get_not_found,
    Case::new(&["tenant", "get", "nope"]).after(SYNCED)
);

// Tenants: create, update, delete, restore.
case!(
    tenant_create,
    Case::new(&[
        "tenant",
        "create",
        "--id",
        "beta",
        "--name",
        "Beta",
        "--domain",
        "beta.example.com",
        "--attr",
        "plan=pro"
    ])
);
case!(
    tenant_create_json,
    Case::new(&[
        "tenant", "create", "--id", "beta", "--name", "Beta", "-o", "json"
    ])
);
case!(
    tenant_create_conflict,
    Case::new(&["tenant", "create", "--id", "acme", "--name", "Again"]).after(SYNCED)
);
case!(
    tenant_update,
    Case::new(&[
        "tenant", "update", "acme", "--name", "ACME Inc", "--attr", "plan=pro", "--yes"
    ])
    .after(SYNCED)
);
case!(
    tenant_update_dry_run,
    Case::new(&[
        "tenant",
        "update",
        "acme",
        "--disabled",
        "true",
        "--dry-run"
    ])
    .after(SYNCED)
);
case!(
    tenant_update_quiet,
    Case::new(&[
        "-q", "tenant", "update", "acme", "--name", "ACME Inc", "--yes"
    ])
    .after(SYNCED)
);
case!(
    tenant_update_nothing,
    Case::new(&["tenant", "update", "acme", "--name", "ACME Corp", "--yes"]).after(SYNCED)
);
case!(
    tenant_delete,
    Case::new(&["tenant", "delete", "globex", "--yes"]).after(SYNCED)
);
case!(
    tenant_delete_dry_run,
    Case::new(&["tenant", "delete", "holding", "--cascade", "--dry-run"]).after(SYNCED)
);
case!(
    tenant_delete_confirmed_at_the_prompt,
    Case::new(&["tenant", "delete", "globex"])
        .after(SYNCED)
        .input("y\n")
);
case!(
    tenant_delete_refused_at_the_prompt,
    Case::new(&["tenant", "delete", "globex"])
        .after(SYNCED)
        .input("no\n")
);
case!(
    tenant_delete_has_children,
    Case::new(&["tenant", "delete", "holding", "--yes"]).after(SYNCED)
);
case!(
    tenant_restore_latest,
    Case::new(&["tenant", "restore", "--latest", "acme", "--yes"]).after(UPDATED)
);
case!(
    tenant_restore_dry_run,
    Case::new(&["tenant", "restore", "--latest", "acme", "--dry-run"]).after(UPDATED)
);
case!(
    tenant_restore_no_backup,
    Case::new(&["tenant", "restore", "--latest", "globex", "--yes"]).after(SYNCED)
);

// Tenants: sync and export.
case!(
    tenant_sync_dry_run,
    Case::new(&[
        "tenant",
        "sync",
        "-c",
        "{HOME}/changed.yaml",
        "--dry-run",
        "--prune"
    ])
    .after(SYNCED)
);
case!(
    tenant_sync_dry_run_json,
    Case::new(&[
        "tenant",
        "sync",
        "-c",
        "{HOME}/changed.yaml",
        "--dry-run",
        "-o",
        "json"
    ])
    .after(SYNCED)
);
case!(
    tenant_sync_detailed_exitcode,
    Case::new(&[
        "tenant",
        "sync",
        "-c",
        "{HOME}/changed.yaml",
        "--dry-run",
        "--detailed-exitcode"
    ])
    .after(SYNCED)
);
case!(
    tenant_sync_apply,
    Case::new(&[
        "--concurrency",
        "1",
        "tenant",
        "sync",
        "-c",
        "{HOME}/changed.yaml",
        "--apply",
        "--prune",
        "--yes"
    ])
    .after(SYNCED)
);
case!(
    tenant_sync_apply_json,
    Case::new(&[
        "--concurrency",
        "1",
        "tenant",
        "sync",
        "-c",
        "{HOME}/tenants.yaml",
        "--apply",
        "--yes",
        "-o",
        "json"
    ])
);
case!(
    tenant_sync_in_sync,
    Case::new(&["tenant", "sync", "-c", "{HOME}/tenants.yaml", "--dry-run"]).after(SYNCED)
);
case!(
    tenant_export,
    Case::new(&["tenant", "export"]).after(SYNCED)
);
case!(
    tenant_export_to_file,
    Case::new(&["tenant", "export", "-f", "{HOME}/out.yaml"]).after(SYNCED)
);

// Flows and the theme (the local emulator is seeded with some).
case!(
    flow_list,
    Case {
        // Narrow: the descriptions wrap.
        columns: "100",
        ..Case::new(&["flow", "list"])
    }
);
case!(flow_list_json, Case::new(&["flow", "list", "-o", "json"]));
case!(flow_export, Case::new(&["flow", "export", "basic-flow"]));
case!(
    flow_export_not_found,
    Case::new(&["flow", "export", "no-such-flow"])
);
case!(
    theme_export_to_file,
    Case::new(&["theme", "export", "-f", "{HOME}/theme.json"])
);

// The local record: backups and the audit log.
case!(backup_list_empty, Case::new(&["backup", "list"]));
case!(
    backup_list,
    Case {
        redact: squeeze_spaces,
        ..Case::new(&["backup", "list"]).after(UPDATED)
    }
);
case!(
    audit_list,
    Case {
        redact: |r| squeeze_spaces(&redact_durations(r)),
        ..Case::new(&["audit", "list"]).after(UPDATED)
    }
);

// Offline checks.
case!(
    config_validate,
    Case::new(&["config", "validate", "{HOME}/tenants.yaml"])
);
case!(doctor, Case::new(&["doctor"]));

// Errors.
case!(usage_missing_argument, Case::new(&["tenant", "get"]));
case!(usage_unknown_flag, Case::new(&["tenant", "list", "--nope"]));
case!(usage_bad_value, Case::new(&["tenant", "list", "-o", "xml"]));
case!(
    config_validate_bad_yaml,
    Case::new(&["config", "validate", "{HOME}/bad.yaml"])
);
case!(
    config_validate_unknown_field,
    Case::new(&["config", "validate", "{HOME}/unknown.yaml"])
);
case!(
    tenant_sync_bad_yaml,
    Case::new(&["tenant", "sync", "-c", "{HOME}/bad.yaml", "--dry-run"])
);
case!(
    tenant_sync_missing_file,
    Case::new(&["tenant", "sync", "-c", "{HOME}/none.yaml", "--dry-run"])
);

/// The schema is long: its first lines, its size, and that it is JSON.
#[test]
fn config_schema_pieces() {
    let home = Home::new();
    let piped = home.run_with(&["config", "schema"], false, "");
    let terminal = home.run_with(&["config", "schema"], true, "");
    assert!(piped == terminal, "the schema is the same on a terminal");
    let schema: serde_json::Value = serde_json::from_str(&piped.stdout).expect("JSON");
    let mut keys: Vec<&String> = schema.as_object().expect("an object").keys().collect();
    keys.sort();
    let head: Vec<&str> = piped.stdout.lines().take(12).collect();
    insta::assert_snapshot!(
        "config_schema_pieces",
        format!(
            "exit: {}\nlines: {}\ntop-level keys: {keys:?}\n--- first lines\n{}\n--- stderr\n{}",
            piped.exit,
            piped.stdout.lines().count(),
            head.join("\n"),
            piped.stderr
        )
    );
}

/// The same command in the same state gives the same report: nothing volatile is left.
#[test]
fn reports_are_repeatable() {
    let case = Case {
        redact: |r| squeeze_spaces(&redact_durations(r)),
        ..Case::new(&["audit", "list"]).after(UPDATED)
    };
    assert_eq!(case.report(), case.report());
}
