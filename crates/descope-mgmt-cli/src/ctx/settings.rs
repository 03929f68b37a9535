//! Connection settings: project id, base URL, key and timeout, each by the precedence flag >
//! environment > profile, with where it came from for hints.

use std::time::Duration;

use secrecy::SecretString;

use super::Ctx;
use super::resolved::{KeySource, MAX_RATE_VAR, Settings, TIMEOUT_VAR};
use crate::error::CliError;
use crate::profile;

impl Ctx {
    pub(super) fn resolve_settings(&self, need_key: bool) -> Result<Settings, CliError> {
        if self.global.local {
            let (timeout, timeout_source) = match self.resolve_timeout(None, false, None) {
                Ok(t) => t,
                Err(e) if need_key => return Err(e),
                Err(_) => (descope_api::DEFAULT_TIMEOUT, "default".into()),
            };
            return Ok(Settings {
                project_id: self
                    .global
                    .project_id
                    .clone()
                    .unwrap_or_else(|| descope_emulator::DEFAULT_PROJECT_ID.to_owned()),
                project_source: "--local".into(),
                base_url: None,
                base_url_source: "--local (in-process emulator)".into(),
                key: SecretString::from(descope_emulator::DEFAULT_MANAGEMENT_KEY),
                key_source: KeySource::Local,
                profile: None,
                timeout,
                timeout_source,
                max_rate: self.resolve_max_rate(None, false, None).unwrap_or_default(),
            });
        }
        let cfg_path = profile::config_path(&self.env);
        let cfg = match &cfg_path {
            Some(p) => profile::load(p)?,
            None => profile::ConfigFile::default(),
        };
        let explicit_profile = self
            .global
            .profile
            .clone()
            .or_else(|| self.env.var("DESCOPE_MGMT_PROFILE").map(str::to_owned));
        let profile_name = explicit_profile
            .clone()
            .or_else(|| cfg.default_profile.clone());
        let prof = match &profile_name {
            Some(name) => Some(cfg.profiles.get(name).cloned().ok_or_else(|| {
                CliError::new(format!(
                    "profile `{name}` is not in {}",
                    cfg_path
                        .as_ref()
                        .map_or("the config file".into(), |p| p.display().to_string())
                ))
                .hint(format!(
                    "profiles there: {}",
                    if cfg.profiles.is_empty() {
                        "none".to_owned()
                    } else {
                        cfg.profiles.keys().cloned().collect::<Vec<_>>().join(", ")
                    }
                ))
            })?),
            None => None,
        };
        let prof_wins = explicit_profile.is_some();
        let pick = |flag: Option<&String>,
                    envs: &[&str],
                    from_prof: Option<&String>|
         -> Option<(String, String)> {
            if let Some(v) = flag {
                return Some((v.clone(), "command-line flag".into()));
            }
            let from_env = envs.iter().find_map(|n| {
                self.env
                    .var(n)
                    .map(|v| (v.to_owned(), format!("environment variable {n}")))
            });
            let from_profile = from_prof.map(|v| {
                (
                    v.clone(),
                    format!("profile `{}`", profile_name.clone().unwrap_or_default()),
                )
            });
            if prof_wins {
                from_profile.or(from_env)
            } else {
                from_env.or(from_profile)
            }
        };
        let (project_id, project_source) = pick(
            self.global.project_id.as_ref(),
            &["DESCOPE_PROJECT_ID"],
            prof.as_ref().and_then(|p| p.project_id.as_ref()),
        )
        .ok_or_else(|| {
            CliError::new("no Descope project id is set")
                .hint("set DESCOPE_PROJECT_ID, pass --project-id, or add a profile (see README: Profiles)")
                .hint("to try the tool without an account, add --local")
        })?;
        let prof_base = prof.as_ref().and_then(|p| p.base_url.as_ref());
        // A variable set to nothing is not "unset": falling back to the derived (production)
        // URL would silently aim the command at another service. (Offline commands send nothing.)
        if need_key && self.global.base_url.is_none() && !(prof_wins && prof_base.is_some()) {
            for name in ["DESCOPE_BASE_URL", "DESCOPE_BASE_URI"] {
                if self.env.var_raw(name).is_some_and(|v| v.trim().is_empty()) {
                    return Err(CliError::new(format!(
                        "{name} is set but empty; refusing to fall back to the base URL derived from the project id"
                    ))
                    .hint(format!(
                        "unset it (`unset {name}`) to use the derived URL, or give a URL such as https://api.descope.com"
                    )));
                }
            }
        }
        let base = pick(
            self.global.base_url.as_ref(),
            &["DESCOPE_BASE_URL", "DESCOPE_BASE_URI"],
            prof_base,
        );
        if need_key
            && let Some((v, source)) = &base
            && v.trim().is_empty()
        {
            return Err(CliError::new(format!("the base URL from the {source} is empty"))
                .hint("give a URL such as https://api.descope.com, or leave it out to derive it from the project id"));
        }
        // Offline commands (need_key = false) send nothing, so a bad timeout does not stop them.
        let (timeout, timeout_source) =
            match self.resolve_timeout(prof.as_ref(), prof_wins, profile_name.as_deref()) {
                Ok(t) => t,
                Err(e) if need_key => return Err(e),
                Err(_) => (descope_api::DEFAULT_TIMEOUT, "default".into()),
            };
        let max_rate =
            match self.resolve_max_rate(prof.as_ref(), prof_wins, profile_name.as_deref()) {
                Ok(m) => m,
                Err(e) if need_key => return Err(e),
                Err(_) => None,
            };
        let (key, key_source) = if need_key {
            self.resolve_key(prof.as_ref(), prof_wins)?
        } else {
            (SecretString::from(String::new()), KeySource::Local)
        };
        Ok(Settings {
            project_id,
            project_source,
            base_url_source: base
                .as_ref()
                .map_or_else(|| "derived from the project id".into(), |b| b.1.clone()),
            base_url: base.map(|b| b.0),
            key,
            key_source,
            profile: profile_name,
            timeout,
            timeout_source,
            max_rate,
        })
    }

    /// Our own cap on requests: `--max-rate` > `DESCOPE_MGMT_MAX_RATE` > the profile's
    /// `max_rate` (an explicit profile wins over the environment) > none.
    fn resolve_max_rate(
        &self,
        prof: Option<&profile::Profile>,
        prof_wins: bool,
        profile_name: Option<&str>,
    ) -> Result<Option<(descope_api::MaxRate, String)>, CliError> {
        if let Some(m) = self.global.max_rate {
            return Ok(Some((m, "--max-rate".into())));
        }
        let from_env = self
            .env
            .var(MAX_RATE_VAR)
            .map(|v| (v.to_owned(), format!("environment variable {MAX_RATE_VAR}")));
        let from_profile = prof.and_then(|p| p.max_rate.clone()).map(|v| {
            (
                v,
                format!(
                    "`max_rate` of profile `{}`",
                    profile_name.unwrap_or_default()
                ),
            )
        });
        let chosen = if prof_wins {
            from_profile.or(from_env)
        } else {
            from_env.or(from_profile)
        };
        chosen
            .map(|(raw, source)| {
                crate::values::parse_max_rate(&raw)
                    .map(|m| (m, source.clone()))
                    .map_err(|e| CliError::new(format!("bad max rate in {source}: {e}")))
            })
            .transpose()
    }

    /// The request timeout: `--timeout` > `DESCOPE_MGMT_TIMEOUT` > the profile's `timeout` (an
    /// explicit profile wins over the environment) > the default.
    pub(super) fn resolve_timeout(
        &self,
        prof: Option<&profile::Profile>,
        prof_wins: bool,
        profile_name: Option<&str>,
    ) -> Result<(Duration, String), CliError> {
        if let Some(t) = self.global.timeout {
            return Ok((t, "--timeout".into()));
        }
        let from_env = self
            .env
            .var(TIMEOUT_VAR)
            .map(|v| (v.to_owned(), format!("environment variable {TIMEOUT_VAR}")));
        let from_profile = prof.and_then(|p| p.timeout.clone()).map(|v| {
            (
                v,
                format!(
                    "`timeout` of profile `{}`",
                    profile_name.unwrap_or_default()
                ),
            )
        });
        let chosen = if prof_wins {
            from_profile.or(from_env)
        } else {
            from_env.or(from_profile)
        };
        match chosen {
            Some((raw, source)) => crate::values::parse_timeout(&raw)
                .map(|t| (t, source.clone()))
                .map_err(|e| CliError::new(format!("bad timeout in {source}: {e}"))),
            None => Ok((descope_api::DEFAULT_TIMEOUT, "default".into())),
        }
    }
}
