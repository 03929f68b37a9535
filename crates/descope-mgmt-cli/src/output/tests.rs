use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use crate::streams::Buffer;

/// A stdout that fails every write with `kind`, counting the attempts.
struct Failing {
    kind: io::ErrorKind,
    attempts: Arc<AtomicUsize>,
}

impl Write for Failing {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        Err(io::Error::new(self.kind, "stdout fails"))
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn out_with_failing(kind: io::ErrorKind) -> (Out, Buffer, Arc<AtomicUsize>) {
    let attempts = Arc::new(AtomicUsize::new(0));
    let stderr = Buffer::default();
    let streams = Streams::new(
        Failing {
            kind,
            attempts: attempts.clone(),
        },
        stderr.clone(),
        io::empty(),
    );
    let env = Env::fake::<_, String, String>([]).with_streams(streams);
    (
        Out::new(&env, Format::Table, false, 0, false),
        stderr,
        attempts,
    )
}

fn fake_out(format: Format, stdout_tty: bool) -> (Out, crate::streams::Captured) {
    let env = Env::fake([("COLUMNS", "80")]).with_ttys(false, stdout_tty, false);
    let captured = env.captured().expect("buffers");
    (Out::new(&env, format, false, 0, false), captured)
}

#[test]
fn data_goes_to_the_injected_stdout_and_messages_to_the_injected_stderr() {
    let (out, captured) = fake_out(Format::Json, false);
    out.data_json(&serde_json::json!({"b": 1, "a": [true]}))
        .expect("written");
    out.human_text("plan\n\u{1b}[31m\n").expect("written");
    out.status("working");
    out.warn("careful");
    out.error(
        &CliError::new("it broke\nsecond line")
            .hint("do this")
            .hint("do this"),
    );
    assert_eq!(
        captured.stdout.text(),
        "{\n  \"b\": 1,\n  \"a\": [\n    true\n  ]\n}\nplan\n\\e[31m\n"
    );
    assert_eq!(
        captured.stderr.text(),
        "working\nwarning: careful\nerror: it broke\n  second line\n  hint: do this\n"
    );
}

#[test]
fn quiet_hides_status_but_not_warnings() {
    let env = Env::fake::<_, String, String>([]);
    let captured = env.captured().expect("buffers");
    let out = Out::new(&env, Format::Table, true, 0, false);
    out.status("hidden");
    out.warn("shown");
    assert_eq!(captured.stderr.text(), "warning: shown\n");
}

#[test]
fn colour_paints_the_labels() {
    let env = Env::fake::<_, String, String>([]);
    let captured = env.captured().expect("buffers");
    let out = Out::new(&env, Format::Table, false, 0, true);
    out.warn("w");
    assert_eq!(captured.stderr.text(), "\u{1b}[33;1mwarning:\u{1b}[0m w\n");
}

#[test]
fn a_table_is_aligned_on_a_terminal_and_tab_separated_when_piped() {
    let table = || {
        let mut t = Table::new(vec!["ID", "NAME"]);
        t.rows.push(vec!["acme".into(), "Acme\tCorp".into()]);
        t.rows.push(vec!["b".into(), "Beta".into()]);
        t
    };
    let (out, captured) = fake_out(Format::Table, false);
    out.emit(&(), table).expect("written");
    assert_eq!(captured.stdout.text(), "acme\tAcme\\tCorp\nb\tBeta\n");
    let (out, captured) = fake_out(Format::Table, true);
    out.emit(&(), table).expect("written");
    let text = captured.stdout.text();
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    assert_eq!(lines, [" ID    NAME", " acme  Acme\\tCorp", " b     Beta"]);
}

#[test]
fn yaml_is_written_in_yaml_mode() {
    let (out, captured) = fake_out(Format::Yaml, false);
    out.emit(&serde_json::json!({"id": "acme"}), Table::default)
        .expect("written");
    assert_eq!(captured.stdout.text(), "id: acme\n");
}

#[test]
fn a_closed_pipe_is_quiet_and_drops_later_output() {
    let (out, stderr, attempts) = out_with_failing(io::ErrorKind::BrokenPipe);
    assert!(out.data_text("one\n").is_ok());
    assert!(out.data_json(&[1, 2]).is_ok());
    assert!(out.table(&Table::new(vec!["ID"])).is_ok());
    out.finish_stdout();
    assert_eq!(attempts.load(Ordering::SeqCst), 1, "nothing more is tried");
    assert_eq!(out.stdout_error(), None);
    assert_eq!(stderr.text(), "");
}

#[test]
fn another_stdout_error_is_returned_and_remembered() {
    let (out, stderr, attempts) = out_with_failing(io::ErrorKind::StorageFull);
    let first = out.data_text("one\n").expect_err("a full disk is an error");
    assert_eq!(first.kind(), io::ErrorKind::StorageFull);
    // Later writes fail the same way without touching stdout again.
    let again = out.data_json(&[1]).expect_err("still failed");
    assert_eq!(again.kind(), io::ErrorKind::StorageFull);
    out.finish_stdout();
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
    assert_eq!(out.stdout_error().as_deref(), Some("stdout fails"));
    // The error a command makes of it with `?` is known as the stdout failure.
    let cli = CliError::from(again);
    assert_eq!(cli.kind, crate::error::ErrorKind::Io);
    assert!(StdoutFailed::is_cause_of(&cli));
    assert!(!StdoutFailed::is_cause_of(&CliError::from(
        io::Error::other("x")
    )));
    // Messages on stderr still work.
    out.status("still here");
    assert_eq!(stderr.text(), "still here\n");
}

#[test]
fn a_failing_stderr_is_ignored() {
    let streams = Streams::new(
        Buffer::default(),
        Failing {
            kind: io::ErrorKind::StorageFull,
            attempts: Arc::default(),
        },
        io::empty(),
    );
    let env = Env::fake::<_, String, String>([]).with_streams(streams);
    let out = Out::new(&env, Format::Table, false, 0, false);
    out.status("lost");
    out.warn("lost");
    out.error(&CliError::new("lost"));
}

#[test]
fn prompts_need_a_terminal_and_read_the_injected_stdin() {
    let env = Env::fake::<_, String, String>([]).with_input("yes\nacme\n");
    let captured = env.captured().expect("buffers");
    let out = Out::new(&env, Format::Table, false, 0, false);
    assert_eq!(out.confirm("Delete?"), None, "stdin is not a terminal");
    let out = Out::new(
        &env.with_ttys(true, false, false),
        Format::Table,
        false,
        0,
        false,
    );
    assert_eq!(out.confirm("Delete?"), Some(true));
    assert_eq!(out.confirm_typed("Really?", "acme"), Some(true));
    assert_eq!(out.confirm("Again?"), Some(false), "no more input is a no");
    assert!(!out.prompt_interrupted());
    assert_eq!(
        captured.stderr.text(),
        "Delete? [y/N] Really?\nType `acme` to continue: Again? [y/N] "
    );
}

#[test]
fn help_goes_to_stdout_and_usage_errors_to_stderr() {
    let env = Env::fake::<_, String, String>([]);
    let captured = env.captured().expect("buffers");
    let help = crate::args::Cli::parse_args(["descope-mgmt", "--version"]).expect_err("version");
    assert_eq!(clap_error(&help, &env), Exit::Success);
    assert!(captured.stdout.text().starts_with("descope-mgmt "));
    let bad = crate::args::Cli::parse_args(["descope-mgmt", "--nope"]).expect_err("bad flag");
    assert_eq!(clap_error(&bad, &env), Exit::Usage);
    assert!(
        captured
            .stderr
            .text()
            .starts_with("error: unexpected argument '--nope'")
    );
}
