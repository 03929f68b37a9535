//! A local emulator of the Descope management API (tenants, tenant settings, roles, permissions,
//! flows, theme, project snapshots, license) with fault injection, a request journal, an admin API under `/__emulator/` and an optional state
//! file. Written from the wire reference, independent of the `descope-api` client.
//!
//! Error codes and statuses the emulator answers with:
//!
//! | case | status | `errorCode` |
//! |---|---|---|
//! | malformed JSON body, wrong JSON type, bad query string | 400 | `E011001` |
//! | missing required field (`name`, `id`, `tenantId`, `flowId`, `flow`, `theme`, `ids`, `newName`, `roles`, `permissions`, permission batch delete without `names`/`ids`) | 400 | `E011002` |
//! | a snapshot import whose files do not validate (the failures and missing secrets are named, never a secret's value); an unknown snapshot export format or import exclude | 400 | `E011003` |
//! | invalid value (tenant id format, `roleInheritance`, `authType`, settings unit or type, flow without `metadata`/`contents`, deleting a tenant with sub-tenants, a role batch spanning tenants) | 400 | `E011003` |
//! | tenant not found (load, update, delete, settings, default roles) | 404 | `E112202` |
//! | parent tenant not found (create); a role's `tenantId` names no tenant | 400 | `E112202` |
//! | role not found (update, delete) | 404 | `E112302` |
//! | role name already taken in its scope (the project, or the tenant) | 400 | `E112303` |
//! | permission not found (update, delete) | 404 | `E112402` |
//! | a role names a permission that does not exist | 400 | `E112402` |
//! | permission name already taken | 400 | `E112403` |
//! | update or delete of a system permission (`systemDefault: true`) | 400 | `E112404` |
//! | duplicate tenant id | 400 | `E112203` |
//! | duplicate tenant name | 400 | `E112204` |
//! | flow not found (export) | 404 | `E074001` |
//! | missing or wrong `Authorization` | 401 | `E011401` |
//! | unknown path | 404 | `E011404` |
//! | known path, wrong method | 405 | `E011405` |
//! | request body over the size limit | 413 | `E011413` |
//! | rate limit (fault) | 429 + `Retry-After` (+ `RateLimit-*` headers on every answer) | `E170429` (`E130429` with `rateLimitCode`) |
//! | injected failure (fault) | 503 | `E011503` |
//! | the change could not be saved to the state file ([`Config::save_every_change`]; the change is undone) | 507 | [`STATE_NOT_SAVED`] |
//!
//! No source documents the service's codes for roles and permissions (reference §5.2): the
//! `E1123xx` (role) and `E1124xx` (permission) codes follow the pattern of the tenant codes and
//! are the emulator's own, so a client must not rely on the service answering with the same ones.
//!
//! Roles and permissions (reference §4.1, §10.3): a new project holds the system permissions
//! `Impersonate`, `User Admin` and `SSO Admin` (`systemDefault: true`, read-only) and no roles; no
//! built-in role is seeded, as no source names one. Role names are unique per scope (the project,
//! or one tenant); a rename or delete of a role follows into the tenants' `defaultRoles`, a rename
//! or delete of a permission into every role; batches apply all or nothing and may not span
//! tenants; a role batch delete with an empty filter deletes every role, as the service does.

mod admin;
mod app;
mod catalog;
mod faults;
mod flows;
mod journal;
mod permissions;
mod persist;
mod respond;
mod roles;
mod routes;
mod seed;
mod server;
mod snapshot;
mod state_file;
mod store;
mod tenants;

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Project id of the default configuration: a legacy-shaped (28 chars, `P2…`) id, so clients derive
/// the default base URL from it rather than a regional one.
pub const DEFAULT_PROJECT_ID: &str = "P2emulator000000000000000000";

/// Management key of the default configuration.
pub const DEFAULT_MANAGEMENT_KEY: &str = "K2emulatorLocalManagementKey000000";

/// The `errorCode` of a change that was undone because the state file could not be written.
pub const STATE_NOT_SAVED: &str = "E011507";

/// How an emulator instance is set up.
#[derive(Clone)]
pub struct Config {
    /// Project id expected in the `Authorization` header.
    pub project_id: String,
    /// Management key expected in the `Authorization` header.
    pub management_key: String,
    /// Where to persist state; loaded at start when it exists.
    pub state_file: Option<PathBuf>,
    /// Seed the example flows and theme on an empty state (and again on reset).
    pub seed_flows: bool,
    /// Write the state file before answering every service request that changed the state; when
    /// the write fails, undo the change and answer 507 [`STATE_NOT_SAVED`]. Service requests are
    /// then handled one at a time. Without it, changes are written in the background.
    pub save_every_change: bool,
    /// Fault injection, changeable at runtime through `PUT /__emulator/faults`.
    pub faults: Faults,
    /// Seed of the random generators (fault draws and generated tenant ids).
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            project_id: DEFAULT_PROJECT_ID.to_owned(),
            management_key: DEFAULT_MANAGEMENT_KEY.to_owned(),
            state_file: None,
            seed_flows: false,
            save_every_change: false,
            faults: Faults::default(),
            seed: 0,
        }
    }
}

impl fmt::Debug for Config {
    // The management key is a secret: never shown, even in debug output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("project_id", &self.project_id)
            .field("management_key", &"<redacted>")
            .field("state_file", &self.state_file)
            .field("seed_flows", &self.seed_flows)
            .field("save_every_change", &self.save_every_change)
            .field("faults", &self.faults)
            .field("seed", &self.seed)
            .finish()
    }
}

/// Faults applied to every service request (never to the admin API).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Faults {
    /// Added delay before a request is processed.
    pub latency_ms: u64,
    /// Probability (0..=1) of answering 503 without processing.
    pub fail_rate: f64,
    /// Probability (0..=1) of closing the connection without a response, before or after processing.
    pub drop_rate: f64,
    /// Fixed-window request limit; over it the answer is 429 with `Retry-After`.
    pub rate_limit: Option<RateLimit>,
    /// Seconds of lockout after a request over a limit: every request in it is answered 429 with
    /// `Retry-After` = the time left (0: no lockout, the plain window).
    pub rate_limit_lockout_secs: u64,
    /// Limits of their own for route families, by path prefix (the longest match wins); a
    /// request on such a route counts against its limit instead of `rate_limit`.
    pub route_limits: Vec<RouteLimit>,
    /// The error code of a 429 body: `E170429` (what production sends now; the default) or
    /// `E130429`.
    pub rate_limit_code: Option<String>,
    /// Leave out the `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` headers that
    /// otherwise come with every answer while a limit applies.
    pub no_rate_headers: bool,
}

/// The 429 code production sends now (reference §10.1).
pub const RATE_LIMIT_CODE: &str = "E170429";
/// The 429 code of older answers.
pub const RATE_LIMIT_CODE_OLD: &str = "E130429";

/// A limit of its own for the routes under `prefix` (e.g. `/v1/mgmt/user` = 500/60).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteLimit {
    pub prefix: String,
    pub requests: u32,
    pub window_secs: u64,
}

impl Faults {
    /// Checks that rates are probabilities and the rate limits are usable.
    pub fn validate(&self) -> Result<(), String> {
        for (name, rate) in [("failRate", self.fail_rate), ("dropRate", self.drop_rate)] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("{name} must be between 0 and 1, got {rate}"));
            }
        }
        if let Some(limit) = &self.rate_limit {
            if limit.requests == 0 {
                return Err("rateLimit.requests must be at least 1".to_owned());
            }
            if limit.window_secs == 0 {
                return Err("rateLimit.windowSecs must be at least 1".to_owned());
            }
        }
        for r in &self.route_limits {
            if !r.prefix.starts_with('/') {
                return Err(format!(
                    "routeLimits: prefix {:?} must start with /",
                    r.prefix
                ));
            }
            if r.requests == 0 || r.window_secs == 0 {
                return Err(format!(
                    "routeLimits: {} needs at least 1 request per window of at least 1 second",
                    r.prefix
                ));
            }
        }
        match self.rate_limit_code.as_deref() {
            None | Some(RATE_LIMIT_CODE | RATE_LIMIT_CODE_OLD) => Ok(()),
            Some(other) => Err(format!(
                "rateLimitCode must be {RATE_LIMIT_CODE} or {RATE_LIMIT_CODE_OLD}, got {other:?}"
            )),
        }
    }
}

/// Parses `PREFIX=N/SECS` as given to `--route-limit` (e.g. `/v1/mgmt/user=500/60`).
pub fn parse_route_limit(s: &str) -> Result<RouteLimit, String> {
    let (prefix, limit) = s.split_once('=').ok_or_else(|| {
        format!("invalid route limit '{s}': expected PREFIX=N/SECS, e.g. /v1/mgmt/user=500/60")
    })?;
    let prefix = prefix.trim();
    if !prefix.starts_with('/') {
        return Err(format!(
            "invalid route limit '{s}': the prefix must be a path starting with /"
        ));
    }
    let RateLimit {
        requests,
        window_secs,
    } = parse_rate_limit(limit)?;
    Ok(RouteLimit {
        prefix: prefix.to_owned(),
        requests,
        window_secs,
    })
}

/// At most `requests` requests admitted per fixed window of `window_secs` seconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    pub requests: u32,
    pub window_secs: u64,
}

/// Parses `N/SECS` (e.g. `5/1`: five requests per second) as given to `--rate-limit`.
pub fn parse_rate_limit(s: &str) -> Result<RateLimit, String> {
    let usage = "expected N/SECS, e.g. 5/1 for five requests per second";
    let (n, secs) = s
        .trim()
        .split_once('/')
        .ok_or_else(|| format!("invalid rate limit '{s}': {usage}"))?;
    let requests: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("invalid rate limit '{s}': '{n}' is not a whole number; {usage}"))?;
    let window_secs: u64 = secs.trim().parse().map_err(|_| {
        format!("invalid rate limit '{s}': '{secs}' is not a whole number of seconds; {usage}")
    })?;
    if requests == 0 {
        return Err(format!(
            "invalid rate limit '{s}': at least 1 request per window; {usage}"
        ));
    }
    if window_secs == 0 {
        return Err(format!(
            "invalid rate limit '{s}': the window must be at least 1 second; {usage}"
        ));
    }
    Ok(RateLimit {
        requests,
        window_secs,
    })
}

/// Why the emulator could not start or stop cleanly.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    #[error("invalid emulator configuration: {0}")]
    InvalidConfig(String),
    #[error(
        "cannot read emulator state file {path}: {message}; fix the file or delete it to start empty"
    )]
    StateFileRead { path: PathBuf, message: String },
    #[error("cannot write emulator state file {path}: {source}")]
    StateFileWrite {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("emulator listener failed: {0}")]
    Listener(#[source] std::io::Error),
    #[error("emulator task failed: {0}")]
    Task(String),
}

/// An emulator serving on a loopback port, started by [`start`].
pub struct RunningEmulator {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), EmulatorError>>>,
}

impl RunningEmulator {
    /// Base URL to give a client, e.g. `http://127.0.0.1:40123`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the emulator listens on.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets in-flight requests finish, and writes the state file. A failure to
    /// write is logged; use [`RunningEmulator::stop`] to get it as an error.
    pub async fn shutdown(self) {
        if let Err(e) = self.stop().await {
            tracing::warn!("emulator shutdown: {e}");
        }
    }

    /// Like [`RunningEmulator::shutdown`], returning what went wrong.
    pub async fn stop(mut self) -> Result<(), EmulatorError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.map_err(|e| EmulatorError::Task(e.to_string()))?,
            None => Ok(()),
        }
    }
}

impl Drop for RunningEmulator {
    // Dropping the sender stops the server too; the flush then runs as long as the runtime does.
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Starts an emulator on `listener` as a task of the current tokio runtime. Loads the state file
/// first (a corrupt one is an error), so when this returns the emulator is ready for requests.
pub async fn start(
    config: Config,
    listener: TcpListener,
) -> Result<RunningEmulator, EmulatorError> {
    let addr = listener.local_addr().map_err(EmulatorError::Listener)?;
    let app = app::App::new(config)?;
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let task = tokio::spawn(server::run(listener, app, async move {
        let _ = stop_rx.await;
    }));
    Ok(RunningEmulator {
        addr,
        stop: Some(stop_tx),
        task: Some(task),
    })
}

/// Serves on `listener` until `shutdown` completes, then finishes in-flight requests and writes
/// the state file.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), EmulatorError> {
    let app = app::App::new(config)?;
    server::run(listener, app, shutdown).await
}

/// One emulator answering requests in-process, without a socket, faults or a journal: the whole
/// request decoding and every handler, for the fuzz target `emulator_requests`. Not a stable API.
#[doc(hidden)]
pub struct InProcess {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    token: String,
}

#[doc(hidden)]
impl InProcess {
    /// A fresh emulator with the default credentials and the seeded flows.
    ///
    /// # Panics
    /// If a runtime cannot be built.
    #[must_use]
    pub fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a current-thread runtime");
        let config = Config {
            seed_flows: true,
            ..Config::default()
        };
        let app = app::App::new(config).expect("the default config is valid");
        let token = app.expected_token.clone();
        Self {
            runtime,
            router: routes::service_router(app),
            token,
        }
    }

    /// Sends one request (authorised unless `authorised` is false) and returns the status.
    ///
    /// # Panics
    /// If the method or path cannot form a request.
    pub fn handle(&self, method: &str, path: &str, body: &[u8], authorised: bool) -> u16 {
        use tower::ServiceExt;
        let mut req = axum::http::Request::builder().method(method).uri(path);
        if authorised {
            req = req.header("authorization", format!("Bearer {}", self.token));
        }
        let Ok(req) = req.body(axum::body::Body::from(body.to_vec())) else {
            return 0;
        };
        let resp = self.runtime.block_on(self.router.clone().oneshot(req));
        resp.map_or(0, |r| r.status().as_u16())
    }
}

#[doc(hidden)]
impl Default for InProcess {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_parses_and_explains_errors() {
        assert_eq!(
            parse_rate_limit("5/1"),
            Ok(RateLimit {
                requests: 5,
                window_secs: 1
            })
        );
        assert_eq!(
            parse_rate_limit(" 100/60 "),
            Ok(RateLimit {
                requests: 100,
                window_secs: 60
            })
        );
        assert!(parse_rate_limit("5").unwrap_err().contains("N/SECS"));
        assert!(
            parse_rate_limit("x/1")
                .unwrap_err()
                .contains("'x' is not a whole number")
        );
        assert!(
            parse_rate_limit("5/0")
                .unwrap_err()
                .contains("at least 1 second")
        );
        assert!(
            parse_rate_limit("0/5")
                .unwrap_err()
                .contains("at least 1 request")
        );
    }

    #[test]
    fn default_config_has_plausible_credentials() {
        let c = Config::default();
        assert!(c.project_id.starts_with("P2"));
        assert_eq!(c.project_id.len(), 28);
        assert!(c.management_key.starts_with('K'));
        assert!(!format!("{c:?}").contains(&c.management_key));
    }

    #[test]
    fn faults_validate_rates() {
        let mut f = Faults {
            fail_rate: 1.5,
            ..Faults::default()
        };
        assert!(f.validate().is_err());
        f.fail_rate = 0.5;
        assert!(f.validate().is_ok());
        f.rate_limit = Some(RateLimit {
            requests: 0,
            window_secs: 1,
        });
        assert!(f.validate().is_err());
        let json = serde_json::to_value(Faults {
            rate_limit: Some(RateLimit {
                requests: 5,
                window_secs: 2,
            }),
            ..Faults::default()
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"latencyMs":0,"failRate":0.0,"dropRate":0.0,"rateLimit":{"requests":5,"windowSecs":2},
                "rateLimitLockoutSecs":0,"routeLimits":[],"rateLimitCode":null,"noRateHeaders":false})
        );
        f.rate_limit = None;
        f.rate_limit_code = Some("E999999".into());
        assert!(f.validate().is_err());
        f.rate_limit_code = Some(RATE_LIMIT_CODE_OLD.into());
        f.route_limits = vec![RouteLimit {
            prefix: "v1/user".into(),
            requests: 1,
            window_secs: 1,
        }];
        assert!(f.validate().is_err(), "a prefix must be a path");
        assert_eq!(
            parse_route_limit("/v1/mgmt/user=500/60"),
            Ok(RouteLimit {
                prefix: "/v1/mgmt/user".into(),
                requests: 500,
                window_secs: 60
            })
        );
        assert!(parse_route_limit("/v1/mgmt/user").is_err());
        assert!(parse_route_limit("user=5/1").is_err());
    }
}
