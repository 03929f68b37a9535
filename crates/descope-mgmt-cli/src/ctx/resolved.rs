//! The connection settings as resolved (project id, base URL, key, timeout) and where each
//! came from, for hints; `settings.rs` resolves them.

use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;

use crate::output::shown_path;

/// Where the management key came from, for hints (never the key itself).
#[derive(Debug, Clone)]
pub enum KeySource {
    /// `DESCOPE_MANAGEMENT_KEY`.
    EnvVar(String),
    /// A profile's key file.
    File(PathBuf),
    /// A profile's key command.
    Command(String),
    /// The built-in local emulator.
    Local,
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::EnvVar(v) => write!(f, "environment variable {v}"),
            Self::File(p) => write!(f, "key file {}", shown_path(p)),
            Self::Command(c) => write!(f, "key command `{c}`"),
            Self::Local => f.write_str("the local emulator"),
        }
    }
}

/// Resolved connection settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Project id.
    pub project_id: String,
    /// Where the project id came from.
    pub project_source: String,
    /// Base URL as given (None = derived from the project id).
    pub base_url: Option<String>,
    /// Where the base URL came from.
    pub base_url_source: String,
    /// The key.
    pub key: SecretString,
    /// Where the key came from.
    pub key_source: KeySource,
    /// Profile used, if any.
    pub profile: Option<String>,
    /// Timeout of one request attempt.
    pub timeout: Duration,
    /// Where the timeout came from.
    pub timeout_source: String,
    /// Our own cap on requests (`--max-rate`), and where it came from.
    pub max_rate: Option<(descope_api::MaxRate, String)>,
}

/// The environment variable that sets the request timeout (like `--timeout`).
pub const TIMEOUT_VAR: &str = "DESCOPE_MGMT_TIMEOUT";

/// The environment variable that caps our request rate (like `--max-rate`).
pub const MAX_RATE_VAR: &str = "DESCOPE_MGMT_MAX_RATE";

/// How long `doctor` waits for the service, at most (it asks once, no retries).
pub const DOCTOR_TIMEOUT: Duration = Duration::from_secs(5);
