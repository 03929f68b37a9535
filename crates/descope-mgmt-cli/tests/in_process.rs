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

    fn env(&self, terminal: bool, input: &str) -> Env {
        let home = self.path().display().to_string();
        let mut vars = vec![
            ("HOME".to_owned(), home.clone()),
            ("DESCOPE_MGMT_HOME".to_owned(), format!("{home}/data")),
            ("XDG_CONFIG_HOME".to_owned(), format!("{home}/config")),
            ("DESCOPE_MGMT_RETRY_BASE_MS".to_owned(), "1".to_owned()),
            ("USER".to_owned(), "tester".to_owned()),
            ("COLUMNS".to_owned(), "100".to_owned()),
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
        let env = self.env(terminal, input);
        let captured = env.captured().expect("in-memory streams");
        let argv: Vec<OsString> = ["descope-mgmt", "--local"]
            .iter()
            .chain(args)
            .map(OsString::from)
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
            ran.exit, 0,
            "setup `{}` failed:\n{}\n{}",
            args.join(" "),
            ran.stdout, ran.stderr
        );
    }

    /// The report of one command, piped and on a terminal: what is snapshotted.
    fn report(&self, args: &[&str]) -> String {
        let piped = self.run_with(args, false, "");
        let terminal = self.run_with(args, true, "");
        self.render(args, &piped, &terminal)
    }

    fn render(&self, args: &[&str], piped: &Ran, terminal: &Ran) -> String {
        let mut text = format!("$ descope-mgmt --local {}\n", args.join(" "));
        text.push_str("=== piped\n");
        text.push_str(&self.section(piped));
        if terminal == piped {
            text.push_str("=== terminal: the same\n");
        } else {
            text.push_str("=== terminal\n");
            text.push_str(&self.section(terminal));
        }
        text
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
        redact_times(&text)
    }
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
    } else if digits(0, 8) && at(8, b'T') && digits(9, 6) {
        15
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

#[test]
#[ignore = "exploration"]
fn dump() {
    let home = Home::new();
    for args in [
        &["tenant", "create", "--id", "acme", "--name", "ACME Corp", "--domain", "acme.com"][..],
        &["tenant", "list"],
        &["tenant", "update", "acme", "--name", "ACME", "--yes"],
        &["backup", "list"],
        &["audit", "list"],
        &["doctor"],
        &["flow", "list"],
    ] {
        println!("{}", home.report(args));
    }
}
