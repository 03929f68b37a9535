//! The management key: from the environment, a profile's key file or key command.

use std::io::Write;

use secrecy::SecretString;

use super::{Ctx, KeySource};
use crate::error::CliError;
use crate::output::shown_path;
use crate::profile;
use crate::streams::{Streams, lock};

impl Ctx {
    pub(super) fn resolve_key(
        &self,
        prof: Option<&profile::Profile>,
        prof_wins: bool,
    ) -> Result<(SecretString, KeySource), CliError> {
        let from_env = self.env.var("DESCOPE_MANAGEMENT_KEY").map(|k| {
            (
                SecretString::from(k.trim().to_owned()),
                KeySource::EnvVar("DESCOPE_MANAGEMENT_KEY".into()),
            )
        });
        if !prof_wins && let Some(k) = from_env {
            return Ok(k);
        }
        if let Some(p) = prof {
            if let Some(var) = &p.management_key_env {
                let v = self.env.var(var).ok_or_else(|| {
                    CliError::new(format!(
                        "the profile reads the management key from {var}, which is not set"
                    ))
                    .hint(format!("export {var}=<management key>"))
                })?;
                return Ok((
                    SecretString::from(v.trim().to_owned()),
                    KeySource::EnvVar(var.clone()),
                ));
            }
            if let Some(file) = &p.management_key_file {
                return read_key_file(file).map(|k| (k, KeySource::File(file.clone())));
            }
            if let Some(cmd) = &p.management_key_command {
                return run_key_command(cmd, &self.env.streams)
                    .map(|k| (k, KeySource::Command(cmd.clone())));
            }
        }
        from_env.ok_or_else(|| {
            CliError::new("no Descope management key is set")
                .hint("set DESCOPE_MANAGEMENT_KEY, or a profile with management_key_env / management_key_file / management_key_command")
                .hint("to try the tool without an account, add --local")
        })
    }

    /// Names of the environment variables that may hold the management key.
    #[must_use]
    pub fn key_variable_names(&self) -> Vec<String> {
        let mut names = vec!["DESCOPE_MANAGEMENT_KEY".to_owned()];
        if let Some(p) = profile::config_path(&self.env)
            && let Ok(cfg) = profile::load(&p)
        {
            names.extend(
                cfg.profiles
                    .values()
                    .filter_map(|p| p.management_key_env.clone()),
            );
        }
        names
    }
}

fn read_key_file(path: &std::path::Path) -> Result<SecretString, CliError> {
    let cannot = |e: std::io::Error| {
        CliError::io(format!("cannot read key file {}: {e}", shown_path(path))).with_source(e)
    };
    let meta = std::fs::metadata(path).map_err(cannot)?;
    crate::private_file::refuse_if_shared(path, &meta, "key file")?;
    let text = std::fs::read_to_string(path).map_err(cannot)?;
    Ok(SecretString::from(text.trim().to_owned()))
}

/// Runs a profile's key command; what it prints on stderr goes to ours (the real one is
/// inherited; injected streams get a copy once it ends).
fn run_key_command(cmd: &str, streams: &Streams) -> Result<SecretString, CliError> {
    let stderr = if streams.is_os() {
        std::process::Stdio::inherit()
    } else {
        std::process::Stdio::piped()
    };
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::null())
        .stderr(stderr)
        .output()
        .map_err(|e| {
            CliError::new(format!("cannot run key command `{cmd}`: {e}")).with_source(e)
        })?;
    if !out.stderr.is_empty() {
        let mut w = lock(&streams.stderr);
        let _ = w.write_all(&out.stderr).and_then(|()| w.flush());
    }
    if !out.status.success() {
        return Err(CliError::new(format!(
            "key command `{cmd}` failed ({})",
            out.status
        )));
    }
    let key = String::from_utf8(out.stdout).map_err(|_| {
        CliError::new(format!(
            "key command `{cmd}` printed something that is not text"
        ))
    })?;
    Ok(SecretString::from(key.trim().to_owned()))
}
