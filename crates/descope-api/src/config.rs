//! Client configuration: credentials, timeouts, retry policy, and the base URL rule (reference §1.1).

use std::net::IpAddr;
use std::time::Duration;

use secrecy::SecretString;
use url::{Host, Url};

use crate::error::ApiError;
use crate::wait::WaitReporter;

/// The default timeout of one attempt (see [`ClientConfig::timeout`]).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The base URL of projects without a region in their id.
pub const DEFAULT_BASE_URL: &str = "https://api.descope.com";

/// Everything [`crate::Client::new`] needs. The key is a [`SecretString`], so `Debug` hides it.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base_url: Url,
    pub project_id: String,
    pub management_key: SecretString,
    /// Timeout of one attempt: connecting, sending and reading the whole answer. One request
    /// (all its attempts and backoff sleeps, not counting waits a 429 asks for) gives up after
    /// twice this, so a service that never answers is an error after `2 × timeout`.
    pub timeout: Duration,
    /// Timeout of making the connection (never more than `timeout`).
    pub connect_timeout: Duration,
    /// Most requests in flight at once (from `--concurrency`); the rate gate may lower it for a while.
    pub max_in_flight: usize,
    /// Our own cap on request starts (`--max-rate N/SECS`), below the service's limit, to leave
    /// room for production traffic that shares it; `None`: only the service's limit applies.
    pub max_rate: Option<crate::MaxRate>,
    pub retry: RetryPolicy,
    pub user_agent: String,
    /// Told what the client waits for while it waits (slow answers, rate limits, backoff).
    pub on_wait: Option<WaitReporter>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            base_url: Url::parse(DEFAULT_BASE_URL).expect("the default base URL parses"),
            project_id: String::new(),
            management_key: SecretString::from(String::new()),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_in_flight: 4,
            max_rate: None,
            retry: RetryPolicy::default(),
            user_agent: concat!("descope-mgmt/", env!("CARGO_PKG_VERSION")).to_owned(),
            on_wait: None,
        }
    }
}

/// How hard the client tries before giving up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts (first one included) when the failure is transient: 5xx gateway errors, connection errors, timeouts.
    pub max_attempts: u32,
    /// Answers of 429 a single request accepts before giving up.
    pub max_rate_limited_attempts: u32,
    /// First backoff step; the n-th retry sleeps a random time in `[0, min(max_delay, base_delay * 2^n)]`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this fails at once instead of hanging.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            max_rate_limited_attempts: 30,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// Chooses the base URL: `explicit` (already picked by the caller from `--base-url`, `DESCOPE_BASE_URL`,
/// `DESCOPE_BASE_URI` or the profile) when given, else the one the SDKs derive from the project id:
/// an id of 32 characters or more carries its region in characters 1..5 (`https://api.<region>.descope.com`),
/// shorter legacy ids use `https://api.descope.com`.
///
/// Plain `http` is refused unless the host is a loopback address, so the key never crosses a network
/// in clear text. A path prefix on an explicit URL is kept.
///
/// # Errors
/// [`ApiError::Config`] for a URL that does not parse, an unsupported scheme, plain http to a
/// non-loopback host, or a project id whose region part cannot form a host name.
pub fn resolve_base_url(explicit: Option<&str>, project_id: &str) -> Result<Url, ApiError> {
    match explicit.map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => check_explicit(raw),
        None => derived(project_id),
    }
}

fn derived(project_id: &str) -> Result<Url, ApiError> {
    let chars: Vec<char> = project_id.chars().collect();
    if chars.len() < 32 {
        return Ok(Url::parse(DEFAULT_BASE_URL).expect("the default base URL parses"));
    }
    let region: String = chars[1..5].iter().collect();
    if !region.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::Config(format!(
            "cannot derive the Descope base URL from project id {project_id:?}: characters 2-5 ({region:?}) \
             are not a region name; check the project id or set --base-url"
        )));
    }
    Url::parse(&format!(
        "https://api.{}.descope.com",
        region.to_ascii_lowercase()
    ))
    .map_err(|e| {
        ApiError::Config(format!(
            "cannot derive the Descope base URL from project id {project_id:?}: {e}"
        ))
    })
}

fn check_explicit(raw: &str) -> Result<Url, ApiError> {
    let url = Url::parse(raw).map_err(|e| {
        ApiError::Config(format!(
            "invalid base URL {raw:?}: {e}; expected something like https://api.descope.com"
        ))
    })?;
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(ApiError::Config(format!(
            "invalid base URL {raw:?}: it has no host; expected something like https://api.descope.com"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::Config(format!(
            "invalid base URL {}: it must not carry a user name or password; the management key is sent in a header",
            redact_userinfo(&url)
        )));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ApiError::Config(format!(
            "invalid base URL {raw:?}: it must not have a query or fragment"
        )));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(ApiError::Config(format!(
            "refusing plain http base URL {raw:?}: the management key would cross the network unencrypted; \
             use https (plain http is allowed only for loopback hosts such as 127.0.0.1 or localhost)"
        ))),
        other => Err(ApiError::Config(format!(
            "invalid base URL {raw:?}: scheme {other:?} is not supported; use https"
        ))),
    }
}

fn redact_userinfo(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// Loopback: 127.0.0.0/8, ::1 (also as an IPv4-mapped address), and the name `localhost`.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).to_canonical().is_loopback(),
        Some(Host::Domain(name)) => {
            name.eq_ignore_ascii_case("localhost") || name.eq_ignore_ascii_case("localhost.")
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_err(r: Result<Url, ApiError>) -> String {
        match r {
            Err(ApiError::Config(msg)) => msg,
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn region_from_a_32_char_project_id() {
        let id = "Puse1abcdefghijklmnopqrstuvwxyz0";
        assert_eq!(id.len(), 32);
        assert_eq!(
            resolve_base_url(None, id).unwrap().as_str(),
            "https://api.use1.descope.com/"
        );
        let eu = "Peuc12345678901234567890123456789012";
        assert_eq!(
            resolve_base_url(None, eu).unwrap().as_str(),
            "https://api.euc1.descope.com/"
        );
    }

    #[test]
    fn legacy_28_char_project_id_uses_the_default() {
        let id = "P2abcdefghijklmnopqrstuvwxyz";
        assert_eq!(id.len(), 28);
        assert_eq!(
            resolve_base_url(None, id).unwrap().as_str(),
            "https://api.descope.com/"
        );
        assert_eq!(
            resolve_base_url(Some("  "), "").unwrap().as_str(),
            "https://api.descope.com/"
        );
    }

    #[test]
    fn region_with_odd_characters_is_refused() {
        let msg = config_err(resolve_base_url(None, "P/../abcdefghijklmnopqrstuvwxyz012"));
        assert!(msg.contains("region"), "{msg}");
    }

    #[test]
    fn explicit_wins_over_region() {
        let id = "Puse1abcdefghijklmnopqrstuvwxyz0";
        let url = resolve_base_url(Some("https://auth.example.com"), id).unwrap();
        assert_eq!(url.as_str(), "https://auth.example.com/");
    }

    #[test]
    fn http_loopback_is_allowed() {
        for raw in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://localhost:9",
            "http://[::1]:7",
            "http://LOCALHOST",
        ] {
            let url = resolve_base_url(Some(raw), "P1").unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(url.scheme(), "http");
        }
    }

    #[test]
    fn http_non_loopback_is_refused_with_a_clear_error() {
        for raw in [
            "http://api.descope.com",
            "http://10.0.0.1:8080",
            "http://localhost.evil.com",
            "http://[::2]",
        ] {
            let msg = config_err(resolve_base_url(Some(raw), "P1"));
            assert!(msg.contains("refusing plain http"), "{raw}: {msg}");
            assert!(msg.contains("loopback"), "{raw}: {msg}");
        }
    }

    #[test]
    fn other_bad_urls_are_refused() {
        assert!(config_err(resolve_base_url(Some("ftp://x.com"), "P1")).contains("scheme"));
        assert!(config_err(resolve_base_url(Some("not a url"), "P1")).contains("invalid base URL"));
        let msg = config_err(resolve_base_url(Some("https://user:hunter2@x.com"), "P1"));
        assert!(!msg.contains("hunter2"), "{msg}");
        assert!(config_err(resolve_base_url(Some("https://x.com/?a=b"), "P1")).contains("query"));
    }

    #[test]
    fn path_prefix_is_kept() {
        let url = resolve_base_url(Some("http://127.0.0.1:8080/descope/"), "P1").unwrap();
        assert_eq!(url.path(), "/descope/");
        let url = resolve_base_url(Some("https://proxy.example.com/x"), "P1").unwrap();
        assert_eq!(url.path(), "/x");
    }
}
