//! The only place that writes to stdout and stderr: data on stdout (table, JSON or YAML), and
//! status, warnings, prompts, progress and errors on stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::borrow::Cow;
use std::io::{self, BufRead, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

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
    /// Width of the terminal for tables, from `COLUMNS` (else asked of the terminal).
    pub columns: Option<u16>,
    /// What happened to stdout and the prompts, shared by every copy of this `Out`.
    pub state: OutState,
}

/// Sticky facts about stdout and prompts, read by `run` once the command is done: the first
/// error writing to stdout (after it nothing more is written) and a Ctrl-C at a prompt.
#[derive(Debug, Clone, Default)]
pub struct OutState {
    stdout: Arc<Mutex<Option<io::Error>>>,
    prompt_interrupted: Arc<AtomicBool>,
}

/// Writes one message to stderr. A closed or full stderr is ignored: a message that cannot be
/// shown never stops the command (`eprintln!` would panic, losing the write it reports on).
fn to_stderr(args: std::fmt::Arguments<'_>) {
    let mut stderr = io::stderr().lock();
    let _ = stderr.write_fmt(args).and_then(|()| stderr.flush());
}

/// `eprintln!` that never panics: see [`to_stderr`].
macro_rules! err_line {
    () => { to_stderr(format_args!("\n")) };
    ($($arg:tt)*) => { to_stderr(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Escapes control characters (C0, DEL, C1, and the bidi and separator characters of
/// [`is_invisible_format`]) so data can never drive the terminal: `\e`, `\n`,
/// `\t`, `\r`, else `\u{..}`. With `keep_newlines`, `\n` stays a line break (for messages we
/// compose ourselves line by line).
#[must_use]
pub fn escape_control(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let needs =
        |c: char| (c.is_control() || is_invisible_format(c)) && !(keep_newlines && c == '\n');
    if !text.chars().any(needs) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !needs(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\x1b' => out.push_str("\\e"),
            other => out.push_str(&format!("\\u{{{:x}}}", u32::from(other))),
        }
    }
    Cow::Owned(out)
}

/// Characters that reorder or break the text around them without being C0/C1 controls: the
/// Unicode bidi embeddings, overrides and isolates, the directional marks, and the line and
/// paragraph separators. A name holding U+202E can show "evil" as "live".
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Escapes the control characters of one piece of data shown in human output (a name in a
/// message or a plan line): newlines too.
#[must_use]
pub fn shown(text: &str) -> Cow<'_, str> {
    escape_control(text, false)
}

/// A path shown in a message, escaped like any data (a file name can hold a newline).
#[must_use]
pub fn shown_path(path: &std::path::Path) -> String {
    shown(&path.display().to_string()).into_owned()
}

impl Out {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Runs one write to stdout unless an earlier one failed, and remembers its error. A closed
    /// pipe is not an error (ripgrep's rule); any other is, and `run` reports it (exit 1).
    fn write_stdout(&self, write: impl FnOnce(&mut io::StdoutLock<'static>) -> io::Result<()>) {
        let Ok(mut failed) = self.state.stdout.lock() else {
            return;
        };
        if failed.is_some() {
            return;
        }
        let mut stdout = io::stdout().lock();
        if let Err(e) = write(&mut stdout).and_then(|()| stdout.flush()) {
            *failed = Some(e);
        }
    }

    /// The first error writing to stdout, unless it was a closed pipe (which is quiet).
    #[must_use]
    pub fn stdout_error(&self) -> Option<String> {
        let failed = self.state.stdout.lock().ok()?;
        failed
            .as_ref()
            .filter(|e| e.kind() != io::ErrorKind::BrokenPipe)
            .map(ToString::to_string)
    }

    /// Flushes stdout at the end of a command, remembering an error like any other write.
    pub fn finish_stdout(&self) {
        self.write_stdout(|_| Ok(()));
    }

    /// Whether Ctrl-C (or SIGTERM) ended a confirmation prompt.
    #[must_use]
    pub fn prompt_interrupted(&self) -> bool {
        self.state.prompt_interrupted.load(Ordering::SeqCst)
    }

    /// Writes text to stdout as is.
    pub fn data_text(&self, text: &str) {
        self.write_stdout(|stdout| stdout.write_all(text.as_bytes()));
    }

    /// Writes human text (a plan, a diff) to stdout with control characters escaped; line
    /// breaks stay.
    pub fn human_text(&self, text: &str) {
        self.data_text(&escape_control(text, true));
    }

    /// Writes a value as pretty JSON, streamed to stdout as it is serialised (a plan of 100,000
    /// tenants is never held as one string).
    pub fn data_json<T: Serialize + ?Sized>(&self, value: &T) {
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
        });
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

    /// Renders a table on a terminal, tab-separated rows when piped. On a terminal too narrow
    /// for it, cells wrap at spaces and punctuation and a word longer than its column is cut
    /// with `…` (see [`fit_to_width`]).
    pub fn table(&self, table: &Table) {
        if self.stdout_tty {
            let mut t = ComfyTable::new();
            t.load_style(comfy_table::presets::NOTHING);
            t.set_content_arrangement(ContentArrangement::Disabled);
            let width = self.columns.or_else(|| t.width()).map(usize::from);
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
            self.data_text(&format!("{t}\n"));
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
            self.data_text(&text);
        }
    }

    /// A status line on stderr (hidden by `-q`).
    pub fn status(&self, msg: &str) {
        if !self.quiet {
            err_line!("{}", escape_control(msg, true));
        }
    }

    /// A warning on stderr (shown even with `-q`).
    pub fn warn(&self, msg: &str) {
        err_line!(
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
        err_line!("{} {first}", self.paint("31;1", "error:"));
        for line in lines {
            err_line!("  {line}");
        }
        let mut seen: Vec<&str> = Vec::new();
        for hint in &err.hints {
            let key = hint.trim();
            if key.is_empty() || seen.contains(&key) || message.contains(key) {
                continue;
            }
            seen.push(key);
            err_line!(
                "  {} {}",
                self.paint("36", "hint:"),
                escape_control(hint, true)
            );
        }
    }

    /// Asks a yes/no question on stderr and reads the answer from stdin. `None` when stdin is not
    /// a terminal (the caller then needs `--yes`).
    #[must_use]
    /// Ctrl-C ends the prompt at once with `Some(false)` and marks it in [`OutState`] (see
    /// [`Out::prompt_interrupted`]; `run` then exits 130).
    pub fn confirm(&self, question: &str) -> Option<bool> {
        if !self.stdin_tty {
            return None;
        }
        let line = self.ask(&format!("{} [y/N] ", escape_control(question, true)));
        Some(matches!(
            line.trim().to_ascii_lowercase().as_str(),
            "y" | "yes"
        ))
    }

    /// Shows `prompt` on stderr and reads one answer from stdin on its own thread, raced against
    /// Ctrl-C and SIGTERM: a signal ends the prompt at once (an empty answer, marked as
    /// interrupted), not at the next Enter.
    fn ask(&self, prompt: &str) -> String {
        let show = || {
            to_stderr(format_args!("{prompt}"));
        };
        let read = || {
            let mut line = String::new();
            io::stdin()
                .lock()
                .read_line(&mut line)
                .map_or_else(|_| String::new(), |_| line)
        };
        let handle = tokio::runtime::Handle::try_current()
            .ok()
            .filter(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
        let Some(handle) = handle else {
            show();
            return read();
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        // The reader is left blocked if a signal wins; the process ends soon after.
        std::thread::spawn(move || {
            let _ = tx.send(read());
        });
        let answer = tokio::task::block_in_place(|| {
            handle.block_on(async {
                let signal = crate::signals::wait_for_signal();
                tokio::pin!(signal);
                // The first poll installs the signal listeners: only then is the prompt shown,
                // so a Ctrl-C typed at it is always seen.
                if futures::poll!(&mut signal).is_ready() {
                    return None;
                }
                show();
                tokio::select! {
                    biased;
                    () = &mut signal => None,
                    line = rx => Some(line.unwrap_or_default()),
                }
            })
        });
        if answer.is_none() {
            self.state.prompt_interrupted.store(true, Ordering::SeqCst);
            err_line!();
        }
        answer.unwrap_or_default()
    }

    /// Asks the user to type a word (for destructive confirmations). `None` without a terminal.
    #[must_use]
    pub fn confirm_typed(&self, question: &str, expected: &str) -> Option<bool> {
        if !self.stdin_tty {
            return None;
        }
        let line = self.ask(&format!(
            "{}\nType `{}` to continue: ",
            escape_control(question, true),
            shown(expected)
        ));
        Some(!self.prompt_interrupted() && line.trim() == expected)
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

/// Columns a text takes on a terminal: two for East Asian wide characters and emoji, else one.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let c = u32::from(c);
            let wide = matches!(c,
                0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
                | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F
                | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD);
            if wide { 2 } else { 1 }
        })
        .sum()
}

/// The escaped cells of a table, each wrapped to a column width that makes the table fit in
/// `width` columns, and whether the table must be drawn compact (one space between columns
/// instead of comfy-table's space either side) to fit.
///
/// The widest columns are narrowed first, never below their header (the first column, the
/// id, keeps up to 30 columns when the rest can still fit). When even that is too wide the
/// table is wider than `width`; a cell is never cut without a `…`.
fn fit_to_width(table: &Table, width: Option<usize>) -> (Vec<Vec<String>>, bool) {
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|r| r.iter().map(|c| shown(c).into_owned()).collect())
        .collect();
    let ncols = table.headers.len();
    let Some(width) = width else {
        return (rows, false);
    };
    let mut natural: Vec<usize> = table.headers.iter().map(|h| display_width(h)).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate().take(ncols) {
            natural[i] = natural[i].max(display_width(cell));
        }
    }
    if ncols == 0 || natural.iter().sum::<usize>() + 2 * ncols <= width {
        return (rows, false);
    }
    // Too wide as it is: one space between columns, and the widest columns narrowed.
    let budget = width.saturating_sub(ncols);
    let mut mins: Vec<usize> = table.headers.iter().map(|h| display_width(h)).collect();
    let header_min = mins[0];
    mins[0] = natural[0].min(30).max(header_min);
    if mins.iter().sum::<usize>() > budget {
        mins[0] = header_min;
    }
    // The largest cap for which the table fits; else every column at its minimum.
    let widths_at = |cap: usize| -> Vec<usize> {
        natural
            .iter()
            .zip(&mins)
            .map(|(&n, &m)| n.min(cap.max(m)))
            .collect()
    };
    let top = natural.iter().copied().max().unwrap_or(0);
    let alloc = (0..=top)
        .rev()
        .map(widths_at)
        .find(|w| w.iter().sum::<usize>() <= budget)
        .unwrap_or_else(|| widths_at(0));
    let rows = rows
        .into_iter()
        .map(|row| {
            row.into_iter()
                .enumerate()
                .map(|(i, cell)| match alloc.get(i) {
                    Some(&w) if display_width(&cell) > w => wrap_cell(&cell, w),
                    _ => cell,
                })
                .collect()
        })
        .collect();
    (rows, true)
}

/// Wraps one cell to `width` columns at sensible points (after a space or punctuation), losing
/// nothing; a piece still longer than the column is cut with `…` and ends the cell (what
/// follows a cut is never shown, so a `…` always marks where text is missing).
fn wrap_cell(text: &str, width: usize) -> String {
    let width = width.max(2);
    let mut pieces = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == ' ' || ",;:/-._@|+=&)]}".contains(c) {
            let end = i + c.len_utf8();
            pieces.push(&text[start..end]);
            start = end;
        }
    }
    if start < text.len() {
        pieces.push(&text[start..]);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for piece in pieces {
        if !line.is_empty() && display_width(&line) + display_width(piece.trim_end()) > width {
            lines.push(line.trim_end().to_owned());
            line.clear();
        }
        let piece = if line.is_empty() {
            piece.trim_start()
        } else {
            piece
        };
        if display_width(piece.trim_end()) > width {
            let mut cut = String::new();
            for c in piece.chars() {
                if display_width(&cut) + display_width(&c.to_string()) + 1 > width {
                    break;
                }
                cut.push(c);
            }
            cut.push('…');
            lines.push(cut);
            return lines.join("\n");
        }
        line.push_str(piece);
    }
    if !line.trim_end().is_empty() {
        lines.push(line.trim_end().to_owned());
    }
    lines.join("\n")
}

/// Prints a clap error (or `--help`/`--version`) and picks the exit code: 0 for help and
/// version, 64 for usage errors (so 2 stays "changes pending").
pub fn clap_error(e: &clap::Error) -> crate::error::Exit {
    use clap::error::ErrorKind;
    // `--help` and `--version` go to stdout: a failed write there is an error like any other.
    if let Err(w) = e.print()
        && w.kind() != io::ErrorKind::BrokenPipe
        && !e.use_stderr()
    {
        err_line!("error: cannot write to standard output: {w}");
        return crate::error::Exit::Error;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_json_is_not_touched() {
        let name = "a\u{1b}]0;t\u{7}\u{1b}[31mb\nc\td\u{7f}\u{9b}e\r";
        assert_eq!(
            shown(name),
            "a\\e]0;t\\u{7}\\e[31mb\\nc\\td\\u{7f}\\u{9b}e\\r"
        );
        assert_eq!(escape_control("one\ntwo\u{1b}", true), "one\ntwo\\e");
        assert!(matches!(shown("plain é 名前"), Cow::Borrowed(_)));
        assert_eq!(
            shown("\u{202e}evil\u{2066}x\u{200f}\u{2028}"),
            "\\u{202e}evil\\u{2066}x\\u{200f}\\u{2028}"
        );
    }

    #[test]
    fn cells_wrap_after_spaces_and_punctuation_and_cut_long_words() {
        assert_eq!(
            wrap_cell("Acme Corporation Europe", 12),
            "Acme\nCorporation\nEurope"
        );
        assert_eq!(
            wrap_cell("acme.example.com,b.example.org", 13),
            "acme.example.\ncom,b.\nexample.org"
        );
        assert_eq!(wrap_cell("Internationalisation", 8), "Interna…");
        // A cut ends the cell: nothing is shown after the `…`.
        assert_eq!(
            wrap_cell("tenant averyveryverylongid x", 8),
            "tenant\naveryve…"
        );
        for line in wrap_cell("a-very-long-tenant-name with words", 10).lines() {
            assert!(display_width(line) <= 10, "{line}");
        }
    }

    #[test]
    fn a_table_fits_the_width_and_keeps_the_id_whole() {
        let mut t = Table::new(vec!["ID", "NAME", "DOMAINS"]);
        t.rows.push(vec![
            "acme-corporation-eu".into(),
            "Acme Corporation Europe Holdings".into(),
            "acme-corporation.example.com".into(),
        ]);
        let (rows, compact) = fit_to_width(&t, Some(60));
        assert!(compact);
        assert_eq!(rows[0][0], "acme-corporation-eu");
        let widths: usize = rows[0]
            .iter()
            .map(|c| c.lines().map(display_width).max().unwrap_or(0) + 1)
            .sum();
        assert!(widths <= 60, "{rows:?}");
        // Wide enough: nothing changes.
        assert_eq!(fit_to_width(&t, Some(200)), (t.rows.clone(), false));
    }
}
