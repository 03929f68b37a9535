//! [`LockHolder`]: who holds a project lock, as written into the lock file and named in the
//! error of a run that finds the project locked.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::actor::actor;

/// Who holds a project lock; written as JSON into the lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockHolder {
    pub pid: u32,
    /// The command line, e.g. `tenant sync --apply`.
    pub command: String,
    pub started: Timestamp,
    /// `user@host`.
    pub actor: String,
}

impl LockHolder {
    /// This process, running `command` since `started`.
    pub fn current(command: impl Into<String>, started: Timestamp) -> LockHolder {
        LockHolder {
            pid: std::process::id(),
            command: command.into(),
            started,
            actor: actor(),
        }
    }
}
