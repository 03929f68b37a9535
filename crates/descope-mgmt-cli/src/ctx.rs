//! The command context: options, environment, output policy, data dir, and the API client,
//! resolved lazily so `--help`, `completions` and offline commands never read credentials.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use descope_api::{ApiError, Client, ClientConfig, RetryPolicy, WaitReporter};
use descope_store::DataDir;
use secrecy::SecretString;
use tokio::sync::{Mutex, OnceCell};

use crate::args::GlobalArgs;
use crate::env::Env;
use crate::error::CliError;
use crate::output::{Out, shown_path};
use crate::profile;

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
}

/// The environment variable that sets the request timeout (like `--timeout`).
pub const TIMEOUT_VAR: &str = "DESCOPE_MGMT_TIMEOUT";

/// How long `doctor` waits for the service, at most (it asks once, no retries).
pub const DOCTOR_TIMEOUT: Duration = Duration::from_secs(5);

/// Parses a request timeout (`--timeout`, `DESCOPE_MGMT_TIMEOUT`, a profile's `timeout`): a
/// whole number and a unit, at least one second.
///
/// # Errors
/// A message saying what a valid value looks like.
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    let d = crate::values::parse_duration(s)
        .map_err(|_| format!("`{s}` is not a duration; write a number and a unit, e.g. 30s, 2m"))?;
    if d.is_zero() {
        return Err(format!(
            "`{s}` is too short; a timeout is at least 1s (e.g. 30s, 2m)"
        ));
    }
    Ok(d)
}

/// Everything a command needs.
pub struct Ctx {
    /// Environment.
    pub env: Env,
    /// Global options.
    pub global: GlobalArgs,
    /// Output policy.
    pub out: Out,
    /// The command line, for audit records and backup reasons (never holds the key: the key is
    /// not accepted as a flag).
    pub command_line: String,
    settings: OnceCell<Settings>,
    client: OnceCell<Client>,
    local: Mutex<Option<descope_emulator::RunningEmulator>>,
    /// Interruption state shared with the signal watcher.
    pub interrupt: Interrupt,
}

/// Ctrl-C / SIGTERM handling: once set, no new write starts; writes already sent finish and are
/// audited; then the command ends with exit 130.
#[derive(Debug, Clone, Default)]
pub struct Interrupt {
    stop: Arc<AtomicBool>,
    in_flight: Arc<AtomicUsize>,
    graceful: Arc<AtomicBool>,
    made: Arc<AtomicUsize>,
}

impl Interrupt {
    /// A signal arrived.
    pub fn trigger(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    /// Whether a signal arrived.
    #[must_use]
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Writes sent and not yet audited.
    #[must_use]
    pub fn writes_in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// The command handles interruption itself (it finishes its in-flight writes and reports);
    /// the signal watcher then waits for it instead of abandoning it.
    pub fn set_graceful(&self, on: bool) {
        self.graceful.store(on, Ordering::SeqCst);
    }

    /// See [`Interrupt::set_graceful`].
    #[must_use]
    pub fn graceful(&self) -> bool {
        self.graceful.load(Ordering::SeqCst)
    }

    /// Counts one write the service accepted (and that is audited).
    pub fn write_made(&self) {
        self.made.fetch_add(1, Ordering::SeqCst);
    }

    /// Writes the service accepted during this run.
    #[must_use]
    pub fn writes_made(&self) -> usize {
        self.made.load(Ordering::SeqCst)
    }

    /// Counts a write as in flight until the guard drops.
    #[must_use]
    pub fn write_guard(&self) -> WriteGuard {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        WriteGuard(self.in_flight.clone())
    }
}

/// Marks one write in flight (see [`Interrupt::write_guard`]).
pub struct WriteGuard(Arc<AtomicUsize>);

impl Drop for WriteGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Ctx {
    /// A context; nothing is resolved yet.
    #[must_use]
    pub fn new(env: Env, global: GlobalArgs, out: Out, command_line: String) -> Self {
        Self {
            env,
            global,
            out,
            command_line,
            settings: OnceCell::new(),
            client: OnceCell::new(),
            local: Mutex::new(None),
            interrupt: Interrupt::default(),
        }
    }

    /// The data dir (`$DESCOPE_MGMT_HOME`, else `~/.descope-mgmt/`).
    pub fn data_dir(&self) -> Result<DataDir, CliError> {
        let home = self.env.home();
        let dir = DataDir::resolve(
            self.env.var("DESCOPE_MGMT_HOME").map(std::ffi::OsStr::new),
            home.as_deref(),
        )?;
        dir.ensure()?;
        Ok(dir)
    }

    /// Connection settings: flag > environment > profile (an explicit `--profile` wins over
    /// the environment), then the local emulator's defaults with `--local`.
    pub async fn settings(&self) -> Result<&Settings, CliError> {
        self.settings
            .get_or_try_init(|| async { self.resolve_settings(true) })
            .await
    }

    /// The project id by the same precedence as [`Ctx::settings`], without reading the key: for
    /// offline commands (backups).
    pub fn project_id_offline(&self) -> Result<String, CliError> {
        if let Some(s) = self.settings.get() {
            return Ok(s.project_id.clone());
        }
        self.resolve_settings(false).map(|s| s.project_id)
    }

    fn resolve_settings(&self, need_key: bool) -> Result<Settings, CliError> {
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
        })
    }

    /// The request timeout: `--timeout` > `DESCOPE_MGMT_TIMEOUT` > the profile's `timeout` (an
    /// explicit profile wins over the environment) > the default.
    fn resolve_timeout(
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
            Some((raw, source)) => parse_timeout(&raw)
                .map(|t| (t, source.clone()))
                .map_err(|e| CliError::new(format!("bad timeout in {source}: {e}"))),
            None => Ok((descope_api::DEFAULT_TIMEOUT, "default".into())),
        }
    }

    fn resolve_key(
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
                return run_key_command(cmd).map(|k| (k, KeySource::Command(cmd.clone())));
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

    /// The API client, created on first use (starting the local emulator with `--local`).
    pub async fn client(&self) -> Result<&Client, CliError> {
        self.client.get_or_try_init(|| self.make_client()).await
    }

    async fn make_client(&self) -> Result<Client, CliError> {
        let settings = self.settings().await?.clone();
        let base_url = if self.global.local {
            let url = self.start_local().await?;
            Some(url)
        } else {
            settings.base_url.clone()
        };
        let url = descope_api::resolve_base_url(base_url.as_deref(), &settings.project_id)
            .map_err(|e| {
                CliError::new(e.to_string()).hint(format!(
                    "the base URL came from {}",
                    settings.base_url_source
                ))
            })?;
        let mut retry = RetryPolicy::default();
        if let Some(ms) = self
            .env
            .var("DESCOPE_MGMT_RETRY_BASE_MS")
            .and_then(|v| v.parse::<u64>().ok())
        {
            retry.base_delay = Duration::from_millis(ms);
        }
        let out = self.out.clone();
        let cfg = ClientConfig {
            base_url: url,
            project_id: settings.project_id.clone(),
            management_key: settings.key.clone(),
            max_in_flight: usize::from(self.global.concurrency),
            retry,
            timeout: settings.timeout,
            on_wait: Some(WaitReporter::new(move |w| out.status(&w.to_string()))),
            ..ClientConfig::default()
        };
        Client::new(cfg).map_err(|e| CliError::new(e.to_string()))
    }

    async fn start_local(&self) -> Result<String, CliError> {
        let data = self.data_dir()?;
        let dir = data.local_dir();
        std::fs::create_dir_all(&dir)
            .map_err(|e| CliError::new(format!("cannot create {}: {e}", shown_path(&dir))))?;
        let config = descope_emulator::Config {
            project_id: self.settings().await?.project_id.clone(),
            state_file: Some(dir.join("state.json")),
            seed_flows: true,
            save_every_change: true,
            ..descope_emulator::Config::default()
        };
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| CliError::new(format!("cannot start the local emulator: {e}")))?;
        let emu = descope_emulator::start(config, listener)
            .await
            .map_err(|e| {
                CliError::new(format!("cannot start the local emulator: {e}"))
                    .hint(format!("its state is in {}", shown_path(&dir)))
            })?;
        let url = emu.url();
        *self.local.lock().await = Some(emu);
        Ok(url)
    }

    /// Stops the local emulator, if one was started, flushing its state.
    pub async fn shutdown(&self) {
        if let Some(emu) = self.local.lock().await.take() {
            emu.shutdown().await;
        }
    }

    /// Turns an API error into a user error with hints about what to check.
    #[must_use]
    pub fn api_error(&self, e: &ApiError) -> CliError {
        let mut err = CliError::new(e.to_string());
        if e.is_unauthorized() {
            if let Some(s) = self.settings.get() {
                err = err.hint(format!(
                    "the service refused the credentials for project {} ({}); the key came from {}",
                    s.project_id, s.project_source, s.key_source
                ));
            }
            err = err.hint("check them with `descope-mgmt doctor`");
        } else if self.global.local && e.code() == Some(descope_emulator::STATE_NOT_SAVED) {
            err = err.hint(
                "nothing was changed: free some space there, or set DESCOPE_MGMT_HOME to a directory on another disk, then run the command again",
            );
        } else if matches!(e, ApiError::Transport { .. }) {
            err = err.hint("check the network and the base URL with `descope-mgmt doctor`");
        } else if matches!(e, ApiError::Timeout { .. })
            && let Some(s) = self.settings.get()
        {
            err = err.hint(format!(
                "the timeout ({}) came from {}, the base URL from {}; `descope-mgmt doctor` checks the connection",
                human_secs(s.timeout),
                s.timeout_source,
                s.base_url_source
            ));
        }
        err
    }
}

/// A duration as whole seconds ("30 s"), or minutes when exact ("2 min").
#[must_use]
pub fn human_secs(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 && s.is_multiple_of(60) {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
}

fn read_key_file(path: &std::path::Path) -> Result<SecretString, CliError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| CliError::new(format!("cannot read key file {}: {e}", shown_path(path))))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(CliError::new(format!(
                "key file {} is readable by others (mode {mode:o}); refusing to use it",
                shown_path(path)
            ))
            .hint(format!("chmod 600 {}", shown_path(path))));
        }
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::new(format!("cannot read key file {}: {e}", shown_path(path))))?;
    Ok(SecretString::from(text.trim().to_owned()))
}

fn run_key_command(cmd: &str) -> Result<SecretString, CliError> {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| CliError::new(format!("cannot run key command `{cmd}`: {e}")))?;
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
