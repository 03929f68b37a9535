//! Error kinds of the CLI, each with its exit code, and the hints shown beneath a message.

use std::fmt;

/// Exit codes of SPEC §4. Only `main` turns these into a process exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: success (with `--detailed-exitcode`: success and no changes).
    Success,
    /// 1: an error.
    Error,
    /// 2: changes pending (only with `--detailed-exitcode`).
    Changes,
    /// 3: apply finished with some writes failed.
    Partial,
    /// 64: usage error (bad flags).
    Usage,
    /// 130: interrupted.
    Interrupted,
}

impl Exit {
    /// The numeric process exit code.
    #[must_use]
    pub fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Error => 1,
            Self::Changes => 2,
            Self::Partial => 3,
            Self::Usage => 64,
            Self::Interrupted => 130,
        }
    }
}

/// An error as the user sees it: what happened, and what to do next.
#[derive(Debug)]
pub struct CliError {
    /// Exit code this error ends the process with.
    pub exit: Exit,
    /// One or more lines saying what happened and where.
    pub message: String,
    /// What to do next, one hint a line.
    pub hints: Vec<String>,
}

impl CliError {
    /// A plain error (exit 1).
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Error,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    /// A usage error (exit 64).
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Usage,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    /// Adds a hint line, unless the error already has it (a source's hint and the command's
    /// are shown once).
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        let hint = hint.into();
        if !self.hints.contains(&hint) {
            self.hints.push(hint);
        }
        self
    }

    /// Sets the exit code.
    #[must_use]
    pub fn with_exit(mut self, exit: Exit) -> Self {
        self.exit = exit;
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<descope_store::StoreError> for CliError {
    fn from(e: descope_store::StoreError) -> Self {
        Self::new(e.to_string())
    }
}

/// Result of a command.
pub type CliResult<T = Exit> = Result<T, CliError>;
