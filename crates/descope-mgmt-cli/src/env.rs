//! The process environment as the CLI sees it — variables, terminals, current directory — behind
//! one type, so the whole CLI can run in-process in tests with a fake environment.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Variables and terminal facts the CLI reads. Nothing else in the CLI calls `std::env`.
#[derive(Debug, Clone, Default)]
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
        }
    }

    /// A fake environment with the given variables and no terminals.
    #[must_use]
    pub fn fake<I, K, V>(vars: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self {
            vars: vars
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            ..Self::default()
        }
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
