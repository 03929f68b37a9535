//! Profiles in `$XDG_CONFIG_HOME/descope-mgmt/config.toml`: project, base URL, and where the
//! management key comes from. The key itself is never stored in that file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::env::Env;
use crate::error::CliError;
use crate::output::shown_path;

/// The config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Profile used when `--profile` is not given.
    #[serde(default)]
    pub default_profile: Option<String>,
    /// Named profiles.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One profile.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Project id.
    pub project_id: Option<String>,
    /// Base URL of the API.
    pub base_url: Option<String>,
    /// Name of an environment variable that holds the key.
    pub management_key_env: Option<String>,
    /// A file holding the key, readable only by its owner.
    pub management_key_file: Option<PathBuf>,
    /// A command whose stdout is the key (e.g. `pass show descope/prod`).
    pub management_key_command: Option<String>,
    /// Timeout of one request attempt, like `--timeout` (e.g. `"30s"`, `"2m"`).
    pub timeout: Option<String>,
    /// Our own cap on requests, like `--max-rate` (e.g. `"50/60"`).
    pub max_rate: Option<String>,
}

/// Where the config file lives.
#[must_use]
pub fn config_path(env: &Env) -> Option<PathBuf> {
    env.var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| env.home().map(|h| h.join(".config")))
        .map(|d| d.join("descope-mgmt").join("config.toml"))
}

/// Loads the config file; a missing file is an empty config.
pub fn load(path: &Path) -> Result<ConfigFile, CliError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ConfigFile::default()),
        Err(e) => {
            return Err(CliError::new(format!(
                "cannot read {}: {e}",
                shown_path(path)
            )));
        }
    };
    // Refuse a key stored in the file before anything else, without echoing its value.
    if let Ok(raw) = toml::from_str::<toml::Table>(&text) {
        let holds_key = |t: &toml::Table| {
            t.keys()
                .any(|k| matches!(k.as_str(), "management_key" | "key" | "managementKey"))
        };
        let in_profiles = raw
            .get("profiles")
            .and_then(toml::Value::as_table)
            .is_some_and(|ps| ps.values().filter_map(toml::Value::as_table).any(holds_key));
        if holds_key(&raw) || in_profiles {
            return Err(CliError::new(format!(
                "{} holds a management key; descope-mgmt refuses to read keys from its config file",
                shown_path(path)
            ))
            .hint("remove it, and set `management_key_env`, `management_key_file` or `management_key_command` in the profile instead")
            .hint("then rotate the key in the Descope console: it has been stored in plain text"));
        }
    }
    // Only the message and the position: toml's own rendering quotes the line, which could hold
    // a secret under a misspelled key.
    toml::from_str(&text).map_err(|e| {
        let at = e.span().map_or(String::new(), |span| {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!(":{line}:{col}")
        });
        let message = e.message().trim_end();
        // The list of keys helps with a misspelt key; a syntax error needs its position only.
        let hint = if message.contains("unknown field") {
            "valid profile keys: project_id, base_url, management_key_env, management_key_file, management_key_command, timeout, max_rate"
        } else {
            "fix the TOML at that position (see the example in the README's \"Credentials and profiles\")"
        };
        CliError::new(format!("{}{at}: {message}", shown_path(path))).hint(hint)
    })
}
