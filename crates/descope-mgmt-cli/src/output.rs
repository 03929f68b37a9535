//! The only place that writes to stdout and stderr: data on stdout (table, JSON or YAML), and
//! status, warnings, prompts, progress and errors on stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{self, BufRead, Write};

use comfy_table::{ContentArrangement, Table as ComfyTable};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::error::CliError;

/// Output format of data on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table on a terminal; tab-separated rows without a header when piped.
    Table,
    /// Pretty JSON, stable keys.
    Json,
    /// YAML.
    Yaml,
}

/// Rows for the human view of some data.
#[derive(Debug, Default)]
pub struct Table {
    /// Column headers (shown on a terminal only).
    pub headers: Vec<&'static str>,
    /// One row per item.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these headers and no rows yet.
    #[must_use]
    pub fn new(headers: Vec<&'static str>) -> Self {
        Self {
            headers,
            rows: Vec::new(),
        }
    }
}

/// Output policy: format, verbosity, terminal facts and colour.
#[derive(Debug, Clone)]
pub struct Out {
    /// Format of data on stdout.
    pub format: Format,
    /// `-q`: only data and errors.
    pub quiet: bool,
    /// `-v` count.
    pub verbose: u8,
    /// Colour on stderr.
    pub color: bool,
    /// Stdout is a terminal.
    pub stdout_tty: bool,
    /// Stderr is a terminal.
    pub stderr_tty: bool,
    /// Stdin is a terminal (prompts possible).
    pub stdin_tty: bool,
}

impl Out {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Writes text to stdout as is. A closed pipe is not an error (ripgrep's rule).
    pub fn data_text(&self, text: &str) {
        let mut stdout = io::stdout().lock();
        let _ = stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush());
    }

    /// Writes a value as pretty JSON, streamed to stdout as it is serialised (a plan of 100,000
    /// tenants is never held as one string).
    pub fn data_json<T: Serialize + ?Sized>(&self, value: &T) {
        let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
        // A closed pipe is not an error; our values always serialise.
        let _ = serde_json::to_writer_pretty(&mut out, value)
            .map_err(io::Error::from)
            .and_then(|()| out.write_all(b"\n"))
            .and_then(|()| out.flush());
    }

    /// Writes a value in the chosen structured format, or the table in table mode.
    pub fn emit<T: Serialize>(&self, value: &T, table: impl FnOnce() -> Table) {
        match self.format {
            Format::Json => self.data_json(value),
            Format::Yaml => self.data_yaml(value),
            Format::Table => self.table(&table()),
        }
    }

    /// Writes a value as YAML.
    pub fn data_yaml<T: Serialize>(&self, value: &T) {
        match serde_saphyr::to_string(value) {
            Ok(text) => self.data_text(&text),
            Err(e) => self.warn(&format!("cannot render YAML: {e}")),
        }
    }

    /// Renders a table on a terminal, tab-separated rows when piped.
    pub fn table(&self, table: &Table) {
        if self.stdout_tty {
            let mut t = ComfyTable::new();
            t.load_style(comfy_table::presets::NOTHING);
            t.set_content_arrangement(ContentArrangement::Dynamic);
            t.set_header(table.headers.clone());
            for row in &table.rows {
                t.add_row(row.clone());
            }
            self.data_text(&format!("{t}\n"));
        } else {
            let mut text = String::new();
            for row in &table.rows {
                text.push_str(&row.join("\t"));
                text.push('\n');
            }
            self.data_text(&text);
        }
    }

    /// A status line on stderr (hidden by `-q`).
    pub fn status(&self, msg: &str) {
        if !self.quiet {
            eprintln!("{msg}");
        }
    }

    /// A warning on stderr (shown even with `-q`).
    pub fn warn(&self, msg: &str) {
        eprintln!("{} {msg}", self.paint("33;1", "warning:"));
    }

    /// An error with its hints on stderr.
    pub fn error(&self, err: &CliError) {
        let mut lines = err.message.lines();
        let first = lines.next().unwrap_or("");
        eprintln!("{} {first}", self.paint("31;1", "error:"));
        for line in lines {
            eprintln!("  {line}");
        }
        for hint in &err.hints {
            eprintln!("  {} {hint}", self.paint("36", "hint:"));
        }
    }

    /// Asks a yes/no question on stderr and reads the answer from stdin. `None` when stdin is not
    /// a terminal (the caller then needs `--yes`).
    #[must_use]
    pub fn confirm(&self, question: &str) -> Option<bool> {
        if !self.stdin_tty {
            return None;
        }
        eprint!("{question} [y/N] ");
        let _ = io::stderr().flush();
        let mut line = String::new();
        if io::stdin().lock().read_line(&mut line).is_err() {
            return Some(false);
        }
        Some(matches!(
            line.trim().to_ascii_lowercase().as_str(),
            "y" | "yes"
        ))
    }

    /// Asks the user to type a word (for destructive confirmations). `None` without a terminal.
    #[must_use]
    pub fn confirm_typed(&self, question: &str, expected: &str) -> Option<bool> {
        if !self.stdin_tty {
            return None;
        }
        eprint!("{question}\nType `{expected}` to continue: ");
        let _ = io::stderr().flush();
        let mut line = String::new();
        if io::stdin().lock().read_line(&mut line).is_err() {
            return Some(false);
        }
        Some(line.trim() == expected)
    }

    /// A progress bar on stderr, drawn only on a terminal and without `-q`/`-v`.
    #[must_use]
    pub fn progress(&self, len: u64, what: &str) -> ProgressBar {
        if !self.stderr_tty || self.quiet || self.verbose > 0 {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} ({elapsed})")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(what.to_owned());
        bar
    }
}

/// Prints a clap error (or `--help`/`--version`) and picks the exit code: 0 for help and
/// version, 64 for usage errors (so 2 stays "changes pending").
pub fn clap_error(e: &clap::Error) -> crate::error::Exit {
    use clap::error::ErrorKind;
    let _ = e.print();
    match e.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                crate::error::Exit::Usage
            } else {
                crate::error::Exit::Success
            }
        }
        _ => crate::error::Exit::Usage,
    }
}
