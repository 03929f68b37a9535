//! The process environment as the CLI sees it — variables, terminals, current directory, the
//! clock, who runs it, and the standard streams — behind one type, so the whole CLI can run
//! in-process in tests with a fake environment.

use std::collections::BTreeMap;
use std::fmt;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use crate::streams::{Captured, Streams};

/// The time now, as the CLI reads it.
pub type Clock = Arc<dyn Fn() -> jiff::Timestamp + Send + Sync>;

/// Variables, terminal facts, clock, user and streams the CLI uses. Nothing else in the CLI
/// calls `std::env`, reads the system clock for itself or touches the real standard streams.
#[derive(Clone)]
pub struct Env {
    vars: BTreeMap<String, String>,
    /// Standard input is a terminal (prompts are possible).
    pub stdin_tty: bool,
    /// Standard output is a terminal (tables, colour).
    pub stdout_tty: bool,
    /// Standard error is a terminal (progress bars, colour).
    pub stderr_tty: bool,
    /// Current directory, for relative paths in messages.
    pub cwd: Option<PathBuf>,
    /// `user@host` of whoever runs the command, for audit records and the project lock.
    pub actor: String,
    /// Standard output, error and input.
    pub streams: Streams,
    captured: Option<Captured>,
    clock: Clock,
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Env")
            .field("vars", &self.vars)
            .field("stdin_tty", &self.stdin_tty)
            .field("stdout_tty", &self.stdout_tty)
            .field("stderr_tty", &self.stderr_tty)
            .field("cwd", &self.cwd)
            .field("actor", &self.actor)
            .field("streams", &self.streams)
            .finish_non_exhaustive()
    }
}

impl Env {
    /// The real process environment.
    #[must_use]
    pub fn os() -> Self {
        Self {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
            stdin_tty: std::io::stdin().is_terminal(),
            stdout_tty: std::io::stdout().is_terminal(),
            stderr_tty: std::io::stderr().is_terminal(),
            cwd: std::env::current_dir().ok(),
            actor: descope_store::actor(),
            streams: Streams::os(),
            captured: None,
            clock: Arc::new(jiff::Timestamp::now),
        }
    }

    /// A fake environment with the given variables, no terminals, the system clock, the actor
    /// `tester@testhost`, and in-memory streams with an empty stdin (read them back with
    /// [`Env::captured`]).
    #[must_use]
    pub fn fake<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let (streams, captured) = Streams::memory("");
        Self {
            vars: vars
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            stdin_tty: false,
            stdout_tty: false,
            stderr_tty: false,
            cwd: None,
            actor: "tester@testhost".to_owned(),
            streams,
            captured: Some(captured),
            clock: Arc::new(jiff::Timestamp::now),
        }
    }

    /// Replaces the streams with fresh in-memory ones whose stdin holds `input` (the answers to
    /// prompts).
    #[must_use]
    pub fn with_input(mut self, input: &str) -> Self {
        let (streams, captured) = Streams::memory(input);
        self.streams = streams;
        self.captured = Some(captured);
        self
    }

    /// Sets the terminal facts: stdin, stdout, stderr.
    #[must_use]
    pub fn with_ttys(mut self, stdin: bool, stdout: bool, stderr: bool) -> Self {
        self.stdin_tty = stdin;
        self.stdout_tty = stdout;
        self.stderr_tty = stderr;
        self
    }

    /// Replaces the clock (a fixed time, for tests).
    #[must_use]
    pub fn with_clock(
        mut self,
        clock: impl Fn() -> jiff::Timestamp + Send + Sync + 'static,
    ) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Replaces the streams (a writer that fails, for tests).
    #[must_use]
    pub fn with_streams(mut self, streams: Streams) -> Self {
        self.streams = streams;
        self.captured = None;
        self
    }

    /// What the run wrote, when the streams are the in-memory ones of [`Env::fake`].
    #[must_use]
    pub fn captured(&self) -> Option<Captured> {
        self.captured.clone()
    }

    /// The time now, from the clock.
    #[must_use]
    pub fn now(&self) -> jiff::Timestamp {
        (self.clock)()
    }

    /// A variable's value; an empty value counts as unset.
    #[must_use]
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A variable's value even when empty (for `${VAR}` substitution, where empty is a value).
    #[must_use]
    pub fn var_raw(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    /// `$HOME`, if set.
    #[must_use]
    pub fn home(&self) -> Option<PathBuf> {
        self.var("HOME").map(PathBuf::from)
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, Write};

    use super::*;

    #[test]
    fn a_fake_env_has_its_variables_clock_and_buffers() {
        let t: jiff::Timestamp = "2026-01-02T03:04:05Z".parse().expect("timestamp");
        let env = Env::fake([("HOME", "/h"), ("EMPTY", "")])
            .with_ttys(false, true, false)
            .with_clock(move || t);
        assert_eq!(env.home(), Some(PathBuf::from("/h")));
        assert_eq!(env.var("EMPTY"), None);
        assert_eq!(env.var_raw("EMPTY"), Some(""));
        assert_eq!(env.var("PATH"), None, "nothing comes from the process");
        assert_eq!(env.now(), t);
        assert!(env.stdout_tty && !env.stdin_tty && !env.stderr_tty);
        assert_eq!(env.actor, "tester@testhost");
        assert!(!env.streams.is_os());
        let captured = env.captured().expect("in-memory streams");
        let _ = env.streams.stdout.lock().expect("lock").write_all(b"data");
        env.streams.to_stderr(format_args!("status\n"));
        assert_eq!(captured.stdout.text(), "data");
        assert_eq!(captured.stderr.text(), "status\n");
    }

    #[test]
    fn a_fake_env_reads_prompt_answers_from_its_input() {
        let env = Env::fake::<_, String, String>([]).with_input("yes\nno\n");
        let mut line = String::new();
        let _ = env.streams.stdin.lock().expect("lock").read_line(&mut line);
        assert_eq!(line, "yes\n");
    }
}
