//! The command context: options, environment, output policy, data dir, and the API client,
//! resolved lazily so `--help`, `completions` and offline commands never read credentials.

mod interrupt;
mod key;
mod resolved;
mod settings;

use std::time::Duration;

use descope_api::{ApiError, Client, ClientConfig, RetryPolicy, WaitReporter};
use descope_store::DataDir;
use tokio::sync::{Mutex, OnceCell};

pub use self::interrupt::{Interrupt, WriteGuard};
pub use self::resolved::{DOCTOR_TIMEOUT, KeySource, Settings, TIMEOUT_VAR};
use crate::env::Env;
use crate::error::{CliError, ErrorKind};
use crate::global_args::GlobalArgs;
use crate::output::{Out, shown_path};
pub use crate::values::parse_timeout;

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

    /// The time now, from the environment's clock (use it instead of the system clock).
    #[must_use]
    pub fn now(&self) -> jiff::Timestamp {
        self.env.now()
    }

    /// `user@host` of whoever runs the command, for audit records and the project lock.
    #[must_use]
    pub fn actor(&self) -> &str {
        &self.env.actor
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
                CliError::invalid(e.to_string()).hint(format!(
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
            max_rate: settings.max_rate.as_ref().map(|(m, _)| *m),
            retry,
            timeout: settings.timeout,
            on_wait: Some(WaitReporter::new(move |w| out.status(&w.to_string()))),
            ..ClientConfig::default()
        };
        Client::new(cfg).map_err(|e| CliError::invalid(e.to_string()))
    }

    async fn start_local(&self) -> Result<String, CliError> {
        let data = self.data_dir()?;
        let dir = data.local_dir();
        std::fs::create_dir_all(&dir)
            .map_err(|e| CliError::io(format!("cannot create {}: {e}", shown_path(&dir))))?;
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
        let kind = if e.is_not_found() {
            ErrorKind::NotFound
        } else {
            ErrorKind::Service
        };
        let mut err = CliError::of(kind, e.to_string());
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

#[cfg(test)]
mod tests;
