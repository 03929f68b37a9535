//! Errors as the user sees them: a kind (which sets the exit code), a message, the hints shown
//! beneath it, and the error that caused it.

use std::fmt;
use std::io;

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

/// What kind of failure an error is. The exit code follows from it, and code that handles an
/// error (a retry, a skip) can ask for the kind instead of matching message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad flags or arguments (exit 64).
    Usage,
    /// The named tenant, flow, backup or file does not exist.
    NotFound,
    /// The object exists already, or another run holds the project lock.
    Conflict,
    /// A saved plan no longer matches the project it was made for.
    StalePlan,
    /// Some writes of an apply failed (exit 3).
    Partial,
    /// Ctrl-C or SIGTERM ended the command (exit 130).
    Interrupted,
    /// Reading or writing a local file or stream failed.
    Io,
    /// The Descope service refused or failed a request, or could not be reached.
    Service,
    /// Bad input that is not a flag: a config file, a spec, a profile.
    Invalid,
    /// Anything else (exit 1).
    Other,
}

impl ErrorKind {
    /// The exit code of an error of this kind.
    #[must_use]
    pub fn exit(self) -> Exit {
        match self {
            Self::Usage => Exit::Usage,
            Self::Partial => Exit::Partial,
            Self::Interrupted => Exit::Interrupted,
            Self::NotFound
            | Self::Conflict
            | Self::StalePlan
            | Self::Io
            | Self::Service
            | Self::Invalid
            | Self::Other => Exit::Error,
        }
    }
}

/// The cause of a [`CliError`], kept for [`std::error::Error::source`].
pub type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error as the user sees it: what happened, and what to do next.
#[derive(Debug)]
pub struct CliError {
    /// What kind of failure this is; sets the exit code.
    pub kind: ErrorKind,
    /// One or more lines saying what happened and where.
    pub message: String,
    /// What to do next, one hint a line.
    pub hints: Vec<String>,
    /// The error this one was made from, if any. Its text is already in `message` where the
    /// user needs it; the chain is for code that inspects the cause.
    pub source: Option<Source>,
}

impl CliError {
    /// An error of this kind.
    pub fn of(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            hints: Vec::new(),
            source: None,
        }
    }

    /// A plain error (exit 1).
    pub fn new(message: impl Into<String>) -> Self {
        Self::of(ErrorKind::Other, message)
    }

    /// A usage error (exit 64).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::of(ErrorKind::Usage, message)
    }

    /// The named object does not exist (exit 1).
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::of(ErrorKind::NotFound, message)
    }

    /// The object exists already, or the project is locked by another run (exit 1).
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::of(ErrorKind::Conflict, message)
    }

    /// A saved plan that no longer matches the project (exit 1).
    pub fn stale_plan(message: impl Into<String>) -> Self {
        Self::of(ErrorKind::StalePlan, message)
    }

    /// An apply that finished with some writes failed (exit 3).
    pub fn partial(message: impl Into<String>) -> Self {
        Self::of(ErrorKind::Partial, message)
    }

    /// A command ended by Ctrl-C or SIGTERM (exit 130).
    pub fn interrupted(message: impl Into<String>) -> Self {
        Self::of(ErrorKind::Interrupted, message)
    }

    /// A local file or stream could not be read or written (exit 1).
    pub fn io(message: impl Into<String>) -> Self {
        Self::of(ErrorKind::Io, message)
    }

    /// The service refused or failed a request (exit 1).
    pub fn service(message: impl Into<String>) -> Self {
        Self::of(ErrorKind::Service, message)
    }

    /// Bad input that is not a flag: a config file, a spec, a profile (exit 1).
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::of(ErrorKind::Invalid, message)
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

    /// Sets the exit code, and with it the kind: a kind that already exits so is kept (a
    /// not-found error stays one with `Exit::Error`).
    #[must_use]
    pub fn with_exit(mut self, exit: Exit) -> Self {
        if self.kind.exit() != exit {
            self.kind = match exit {
                Exit::Usage => ErrorKind::Usage,
                Exit::Partial => ErrorKind::Partial,
                Exit::Interrupted => ErrorKind::Interrupted,
                // An error never ends a run with success or "changes pending".
                Exit::Success | Exit::Changes | Exit::Error => ErrorKind::Other,
            };
        }
        self
    }

    /// Sets the kind.
    #[must_use]
    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.kind = kind;
        self
    }

    /// Records the error this one was made from.
    #[must_use]
    pub fn with_source(mut self, source: impl Into<Source>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// The exit code this error ends the process with (from its kind).
    #[must_use]
    pub fn exit(&self) -> Exit {
        self.kind.exit()
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

impl From<descope_store::StoreError> for CliError {
    fn from(e: descope_store::StoreError) -> Self {
        use descope_store::StoreError as S;
        let kind = match &e {
            S::Io { .. } => ErrorKind::Io,
            S::AlreadyExists { .. } | S::Locked { .. } => ErrorKind::Conflict,
            S::BackupMissing { .. } | S::BackupNotFound { .. } => ErrorKind::NotFound,
            S::InvalidProjectId { .. } => ErrorKind::Invalid,
            _ => ErrorKind::Other,
        };
        Self::of(kind, e.to_string()).with_source(e)
    }
}

impl From<descope_api::ApiError> for CliError {
    /// The error's line, with no hints (see `Ctx::api_error` for the hints about credentials,
    /// the network and timeouts).
    fn from(e: descope_api::ApiError) -> Self {
        let kind = if e.is_not_found() {
            ErrorKind::NotFound
        } else {
            ErrorKind::Service
        };
        Self::of(kind, e.to_string()).with_source(e)
    }
}

impl From<io::Error> for CliError {
    /// A failed read or write of a local stream or file; the OS error is the message.
    fn from(e: io::Error) -> Self {
        Self::io(e.to_string()).with_source(e)
    }
}

/// Result of a command.
pub type CliResult<T = Exit> = Result<T, CliError>;

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn the_exit_code_follows_from_the_kind() {
        assert_eq!(CliError::new("x").exit(), Exit::Error);
        assert_eq!(CliError::usage("x").exit().code(), 64);
        assert_eq!(CliError::not_found("x").exit().code(), 1);
        assert_eq!(CliError::conflict("x").exit().code(), 1);
        assert_eq!(CliError::stale_plan("x").exit().code(), 1);
        assert_eq!(CliError::service("x").exit().code(), 1);
        assert_eq!(CliError::io("x").exit().code(), 1);
        assert_eq!(CliError::partial("x").exit().code(), 3);
        assert_eq!(CliError::interrupted("x").exit().code(), 130);
    }

    #[test]
    fn with_exit_sets_the_matching_kind_and_keeps_a_finer_one() {
        let e = CliError::new("x").with_exit(Exit::Interrupted);
        assert_eq!(
            (e.kind, e.exit()),
            (ErrorKind::Interrupted, Exit::Interrupted)
        );
        let e = CliError::new("x").with_exit(Exit::Partial);
        assert_eq!((e.kind, e.exit().code()), (ErrorKind::Partial, 3));
        let e = CliError::not_found("x").with_exit(Exit::Error);
        assert_eq!(e.kind, ErrorKind::NotFound);
        let e = CliError::usage("x").with_exit(Exit::Error);
        assert_eq!((e.kind, e.exit()), (ErrorKind::Other, Exit::Error));
    }

    #[test]
    fn hints_are_kept_once() {
        let e = CliError::new("x").hint("a").hint("b").hint("a");
        assert_eq!(e.hints, ["a", "b"]);
    }

    #[test]
    fn an_io_error_keeps_its_message_and_its_source() {
        let e = CliError::from(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
        assert_eq!(e.kind, ErrorKind::Io);
        assert_eq!(e.to_string(), "disk full");
        let source = e.source().expect("a source");
        let io = source.downcast_ref::<io::Error>().expect("the io::Error");
        assert_eq!(io.kind(), io::ErrorKind::StorageFull);
        assert!(CliError::new("plain").source().is_none());
    }

    #[test]
    fn store_errors_map_to_kinds_with_the_same_message() {
        let e = descope_store::StoreError::AlreadyExists {
            path: "/tmp/x.yaml".into(),
        };
        let text = e.to_string();
        let cli = CliError::from(e);
        assert_eq!(
            (cli.kind, cli.message.as_str()),
            (ErrorKind::Conflict, text.as_str())
        );
        assert!(cli.hints.is_empty());
        assert!(cli.source().is_some());
        let cli = CliError::from(descope_store::StoreError::NoDataDir);
        assert_eq!(cli.kind, ErrorKind::Other);
    }

    #[test]
    fn api_errors_map_to_not_found_or_service() {
        let service = |status: u16, code: &str| descope_api::ApiError::Service {
            status,
            code: code.into(),
            description: String::new(),
            message: String::new(),
            method: "POST".into(),
            path: "/v1/mgmt/tenant".into(),
        };
        let e = CliError::from(service(400, descope_api::TENANT_NOT_FOUND));
        assert_eq!(e.kind, ErrorKind::NotFound);
        let e = CliError::from(service(500, "E1"));
        assert_eq!((e.kind, e.exit()), (ErrorKind::Service, Exit::Error));
        assert!(e.message.contains("HTTP 500"), "{}", e.message);
    }
}
