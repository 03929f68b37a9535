//! The only place that writes to stdout and stderr: data on stdout (table, JSON or YAML), and
//! status, warnings, prompts, progress and errors on stderr. Both are the injected writers of
//! [`Streams`], so the whole CLI can run in-process.

mod escape;
pub mod markdown;
mod progress;
mod prompt;
mod table;

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;

pub use self::escape::{escape_control, shown, shown_path};
pub use self::table::Table;
use self::table::fit_to_width;
use crate::env::Env;
use crate::error::{CliError, Exit};
use crate::streams::{Streams, lock};
use comfy_table::{ContentArrangement, Table as ComfyTable};

/// Output format of data on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table on a terminal; tab-separated rows without a header when piped.
    Table,
    /// Pretty JSON, stable keys.
    Json,
    /// YAML.
    Yaml,
    /// GitHub-flavoured markdown for a pull-request comment: plans and drift only.
    Markdown,
}

/// Output policy: format, verbosity, terminal facts and colour, and the streams it writes to.
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
    /// Width of the terminal for tables, from `COLUMNS` (else asked of the terminal).
    pub columns: Option<u16>,
    /// What happened to stdout and the prompts, shared by every copy of this `Out`.
    pub state: OutState,
    /// Where everything is written, and prompt answers read.
    pub streams: Streams,
}

/// Sticky facts about stdout and prompts, read by `run` once the command is done: the first
/// error writing to stdout (after it nothing more is written) and a Ctrl-C at a prompt.
#[derive(Debug, Clone, Default)]
pub struct OutState {
    stdout: Arc<Mutex<Option<io::Error>>>,
    prompt_interrupted: Arc<AtomicBool>,
}

/// The error a data method returns once stdout has failed: it names the first failure, and
/// `run` reports it once as "cannot write to standard output".
#[derive(Debug)]
pub struct StdoutFailed(pub String);

impl fmt::Display for StdoutFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StdoutFailed {}

impl StdoutFailed {
    /// Whether `err` is (made from) a failed write to stdout.
    #[must_use]
    pub fn is_cause_of(err: &CliError) -> bool {
        std::error::Error::source(err)
            .and_then(|s| s.downcast_ref::<io::Error>())
            .and_then(io::Error::get_ref)
            .is_some_and(|inner| inner.is::<Self>())
    }
}

/// Writes one line to stderr; a failure is ignored (see [`Streams::to_stderr`]).
macro_rules! err_line {
    ($out:expr) => { $out.streams.to_stderr(format_args!("\n")) };
    ($out:expr, $($arg:tt)*) => { $out.streams.to_stderr(format_args!("{}\n", format_args!($($arg)*))) };
}

impl Out {
    /// The output policy of a run in `env`: terminal facts, `COLUMNS` and the streams come from
    /// it.
    #[must_use]
    pub fn new(env: &Env, format: Format, quiet: bool, verbose: u8, color: bool) -> Self {
        Self {
            format,
            quiet,
            verbose,
            color,
            stdout_tty: env.stdout_tty,
            stderr_tty: env.stderr_tty,
            stdin_tty: env.stdin_tty,
            columns: env
                .var("COLUMNS")
                .and_then(|c| c.trim().parse::<u16>().ok())
                .filter(|c| *c > 0),
            state: OutState::default(),
            streams: env.streams.clone(),
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Runs one write to stdout unless an earlier one failed, and remembers its error. A closed
    /// pipe is not an error (ripgrep's rule): it and every later write are `Ok` and dropped.
    /// Any other error is returned (and again for every later write), and `run` reports it
    /// (exit 1).
    fn write_stdout(&self, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
        let mut failed = lock(&self.state.stdout);
        if let Some(e) = failed.as_ref() {
            return quiet_if_closed(e);
        }
        let mut stdout = lock(&self.streams.stdout);
        let result = write(&mut **stdout).and_then(|()| stdout.flush());
        if let Err(e) = result {
            let answer = quiet_if_closed(&e);
            *failed = Some(e);
            return answer;
        }
        Ok(())
    }

    /// The first error writing to stdout, unless it was a closed pipe (which is quiet).
    #[must_use]
    pub fn stdout_error(&self) -> Option<String> {
        let failed = lock(&self.state.stdout);
        failed
            .as_ref()
            .filter(|e| e.kind() != io::ErrorKind::BrokenPipe)
            .map(ToString::to_string)
    }

    /// Flushes stdout at the end of a command, remembering an error like any other write.
    pub fn finish_stdout(&self) {
        let _ = self.write_stdout(|_| Ok(()));
    }

    /// Whether Ctrl-C (or SIGTERM) ended a confirmation prompt.
    #[must_use]
    pub fn prompt_interrupted(&self) -> bool {
        self.state.prompt_interrupted.load(Ordering::SeqCst)
    }

    /// Writes text to stdout as is.
    ///
    /// # Errors
    /// A failed write to stdout other than a closed pipe.
    pub fn data_text(&self, text: &str) -> io::Result<()> {
        self.write_stdout(|stdout| stdout.write_all(text.as_bytes()))
    }

    /// Writes human text (a plan, a diff) to stdout with control characters escaped; line
    /// breaks stay.
    ///
    /// # Errors
    /// A failed write to stdout other than a closed pipe.
    pub fn human_text(&self, text: &str) -> io::Result<()> {
        self.data_text(&escape_control(text, true))
    }

    /// Writes a value as pretty JSON, streamed to stdout as it is serialised (a plan of 100,000
    /// tenants is never held as one string).
    ///
    /// # Errors
    /// A failed write to stdout other than a closed pipe.
    pub fn data_json<T: Serialize + ?Sized>(&self, value: &T) -> io::Result<()> {
        self.write_stdout(|stdout| {
            let mut out = io::BufWriter::with_capacity(64 * 1024, stdout);
            // Our values always serialise: an error here is an error writing.
            let written = serde_json::to_writer_pretty(&mut out, value)
                .map_err(io::Error::from)
                .and_then(|()| out.write_all(b"\n"))
                .and_then(|()| out.flush());
            if written.is_err() {
                // Drop what is still buffered instead of trying to write it again.
                let _ = out.into_parts();
            }
            written
        })
    }

    /// Writes a value in the chosen structured format, or the table in table mode.
    ///
    /// # Errors
    /// A failed write to stdout other than a closed pipe.
    pub fn emit<T: Serialize>(&self, value: &T, table: impl FnOnce() -> Table) -> io::Result<()> {
        match self.format {
            Format::Json => self.data_json(value),
            Format::Yaml => self.data_yaml(value),
            Format::Table => self.table(&table()),
            // Only plans get here (`crate::plan_formats`): a plan's table as markdown.
            Format::Markdown => self.data_text(&markdown::table(&table())),
        }
    }

    /// Writes a plan as markdown, cut to fit one GitHub comment.
    /// # Errors
    /// A failed write to stdout other than a closed pipe.
    pub fn markdown(&self, plan: &markdown::MarkdownPlan) -> io::Result<()> {
        self.data_text(&markdown::render(plan, markdown::MARKDOWN_BUDGET))
    }

    /// Writes a value as YAML. A value that cannot be rendered is a warning, not an error.
    ///
    /// # Errors
    /// A failed write to stdout other than a closed pipe.
    pub fn data_yaml<T: Serialize>(&self, value: &T) -> io::Result<()> {
        match serde_saphyr::to_string(value) {
            Ok(text) => self.data_text(&text),
            Err(e) => {
                self.warn(&format!("cannot render YAML: {e}"));
                Ok(())
            }
        }
    }

    /// A status line on stderr (hidden by `-q`).
    pub fn status(&self, msg: &str) {
        if !self.quiet {
            err_line!(self, "{}", escape_control(msg, true));
        }
    }

    /// A warning on stderr (shown even with `-q`).
    pub fn warn(&self, msg: &str) {
        err_line!(
            self,
            "{} {}",
            self.paint("33;1", "warning:"),
            escape_control(msg, true)
        );
    }

    /// An error with its hints on stderr.
    /// A hint that repeats an earlier one (from the error's source and from the command) is
    /// shown once.
    pub fn error(&self, err: &CliError) {
        let message = escape_control(&err.message, true);
        let mut lines = message.lines();
        let first = lines.next().unwrap_or("");
        err_line!(self, "{} {first}", self.paint("31;1", "error:"));
        for line in lines {
            err_line!(self, "  {line}");
        }
        let mut seen: Vec<&str> = Vec::new();
        for hint in &err.hints {
            let key = hint.trim();
            if key.is_empty() || seen.contains(&key) || message.contains(key) {
                continue;
            }
            seen.push(key);
            err_line!(
                self,
                "  {} {}",
                self.paint("36", "hint:"),
                escape_control(hint, true)
            );
        }
    }
}

/// `Ok` for a closed pipe (output is quietly dropped), else the error again, marked as a
/// failed stdout (see [`StdoutFailed`]).
fn quiet_if_closed(e: &io::Error) -> io::Result<()> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(io::Error::new(e.kind(), StdoutFailed(e.to_string())))
    }
}

/// Prints a clap error (or `--help`/`--version`) to `env`'s streams and picks the exit code: 0
/// for help and version, 64 for usage errors (so 2 stays "changes pending").
pub fn clap_error(e: &clap::Error, env: &Env) -> Exit {
    use clap::error::ErrorKind;
    let to_stdout = !e.use_stderr();
    let tty = if to_stdout {
        env.stdout_tty
    } else {
        env.stderr_tty
    };
    // clap's own colour rule (anstream's): forced, refused, or on a terminal that has colour.
    let color = if env.var("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
        true
    } else {
        env.var("NO_COLOR").is_none()
            && env.var("TERM") != Some("dumb")
            && env.var("CLICOLOR") != Some("0")
            && tty
    };
    let styled = e.render();
    let text = if color {
        styled.ansi().to_string()
    } else {
        styled.to_string()
    };
    // `--help` and `--version` go to stdout: a failed write there is an error like any other.
    if to_stdout {
        let mut stdout = lock(&env.streams.stdout);
        if let Err(w) = stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
            && w.kind() != io::ErrorKind::BrokenPipe
        {
            drop(stdout);
            env.streams.to_stderr(format_args!(
                "error: cannot write to standard output: {w}\n"
            ));
            return Exit::Error;
        }
    } else {
        env.streams.to_stderr(format_args!("{text}"));
    }
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => Exit::Success,
        _ => Exit::Usage,
    }
}

impl Out {
    /// Renders a table on a terminal, tab-separated rows when piped. On a terminal too narrow
    /// for it, cells wrap at spaces and punctuation and a word longer than its column is cut
    /// with `…` (see [`fit_to_width`]).
    ///
    /// # Errors
    /// A failed write to stdout other than a closed pipe.
    pub fn table(&self, table: &Table) -> io::Result<()> {
        if self.stdout_tty {
            let mut t = ComfyTable::new();
            t.load_style(comfy_table::presets::NOTHING);
            t.set_content_arrangement(ContentArrangement::Disabled);
            // The terminal's own width is asked only of the real stdout.
            let width = self
                .columns
                .or_else(|| {
                    if self.streams.is_os() {
                        t.width()
                    } else {
                        None
                    }
                })
                .map(usize::from);
            t.set_header(table.headers.clone());
            let (rows, compact) = fit_to_width(table, width);
            for row in rows {
                t.add_row(row);
            }
            if compact {
                for column in t.column_iter_mut() {
                    column.set_padding((0, 1));
                }
            }
            self.data_text(&format!("{t}\n"))
        } else {
            // One line per row, one tab between cells: a tab or newline inside a cell is escaped.
            let mut text = String::new();
            for row in &table.rows {
                for (i, cell) in row.iter().enumerate() {
                    if i > 0 {
                        text.push('\t');
                    }
                    text.push_str(&shown(cell));
                }
                text.push('\n');
            }
            self.data_text(&text)
        }
    }
}

#[cfg(test)]
mod tests;
