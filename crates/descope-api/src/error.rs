//! `ApiError`: every way a call to the management API can fail, rendered as one clear line.

use std::fmt::Write as _;
use std::time::Duration;

/// The error code of "tenant not found" (reference §5.2).
pub const TENANT_NOT_FOUND: &str = "E112202";
/// The error code of "rate limit exceeded" (reference §5.2).
pub const RATE_LIMIT_EXCEEDED: &str = "E130429";

/// Statuses that are transient and retried with backoff (reference §1.5 plus gateway errors).
pub(crate) const TRANSIENT_STATUSES: [u16; 8] = [502, 503, 504, 520, 521, 522, 524, 530];

/// A failed call to the Descope management API. The management key never appears in it.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The service answered with an error body (`errorCode`, `errorDescription`, `errorMessage`).
    #[error("{}", service_line(*.status, code, description, message, method, path))]
    Service {
        status: u16,
        code: String,
        description: String,
        message: String,
        method: String,
        path: String,
    },
    /// The service kept answering 429, or asked for a longer wait than the client accepts.
    #[error("{}", rate_limited_line(*.retry_after, *.attempts, path))]
    RateLimited {
        retry_after: Option<Duration>,
        attempts: u32,
        path: String,
        /// The `errorCode` of the last 429 (`E170429` now, `E130429` before); empty when it had
        /// none. Any 429 is a rate limit, whatever its code.
        code: String,
    },
    /// Connection refused or reset, a timeout, or a connection closed without a response, after retries.
    #[error("cannot reach the Descope API at {path} after {attempts} attempt(s): {message}")]
    Transport {
        path: String,
        attempts: u32,
        message: String,
    },
    /// No connection, or no complete answer, within the timeout (after the retries the budget allowed).
    #[error("{}", timeout_line(url, *.timeout, *.attempts, *.connect))]
    Timeout {
        /// The full URL asked.
        url: String,
        /// The timeout of one attempt.
        timeout: Duration,
        attempts: u32,
        /// The connection itself could not be made in time (else: connected, no answer).
        connect: bool,
    },
    /// The service (or something in front of it) answered with a body this client cannot read.
    #[error("{}", invalid_line(*.status, path, snippet))]
    InvalidResponse {
        status: u16,
        path: String,
        snippet: String,
    },
    /// The client was configured or called wrongly; nothing was sent.
    #[error("{0}")]
    Config(String),
}

impl ApiError {
    /// The service's `errorCode`, when it sent one.
    #[must_use]
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Service { code, .. } if !code.is_empty() => Some(code),
            Self::RateLimited { code, .. } if !code.is_empty() => Some(code),
            Self::RateLimited { .. } => Some(RATE_LIMIT_EXCEEDED),
            _ => None,
        }
    }

    /// The HTTP status of the last answer, when there was one.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Service { status, .. } | Self::InvalidResponse { status, .. } => Some(*status),
            Self::RateLimited { .. } => Some(429),
            Self::Transport { .. } | Self::Timeout { .. } | Self::Config(_) => None,
        }
    }

    /// The named object does not exist: `E112202`, or a Descope error body with status 404.
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Service { status, code, .. } if *status == 404 || code == TENANT_NOT_FOUND)
    }

    /// The service refused the credentials (401 or 403).
    #[must_use]
    pub fn is_unauthorized(&self) -> bool {
        matches!(self.status(), Some(401 | 403))
    }

    /// A later attempt may succeed: rate limits, transport failures and transient statuses.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::RateLimited { .. } | Self::Transport { .. } | Self::Timeout { .. } => true,
            Self::Service { status, .. } | Self::InvalidResponse { status, .. } => {
                *status == 429 || TRANSIENT_STATUSES.contains(status)
            }
            Self::Config(_) => false,
        }
    }
}

fn service_line(
    status: u16,
    code: &str,
    description: &str,
    message: &str,
    method: &str,
    path: &str,
) -> String {
    let mut line = format!("Descope API {method} {path} failed with HTTP {status}");
    if !code.is_empty() {
        let _ = write!(line, ", errorCode {code}");
    }
    if !description.is_empty() {
        let _ = write!(line, ": {description}");
    }
    if !message.is_empty() && message != description {
        let _ = write!(line, " ({message})");
    }
    line
}

fn rate_limited_line(retry_after: Option<Duration>, attempts: u32, path: &str) -> String {
    match retry_after {
        Some(wait) if attempts <= 1 => format!(
            "Descope API rate limit hit on {path}: the service asked to wait {}, longer than this client waits; \
             try again later or lower --concurrency",
            human_wait(wait)
        ),
        Some(wait) => format!(
            "Descope API rate limit hit on {path}: still answered 429 after {attempts} attempts \
             (last asked to wait {}); try again later or lower --concurrency",
            human_wait(wait)
        ),
        None => format!(
            "Descope API rate limit hit on {path}: still answered 429 after {attempts} attempts; \
             try again later or lower --concurrency"
        ),
    }
}

fn timeout_line(url: &str, timeout: Duration, attempts: u32, connect: bool) -> String {
    let what = if connect {
        "could not connect to"
    } else {
        "no answer from"
    };
    format!(
        "{what} the Descope API at {url} within the timeout of {} ({attempts} attempt(s)); \
         check the base URL and the network, or raise --timeout",
        crate::wait::secs(timeout)
    )
}

fn invalid_line(status: u16, path: &str, snippet: &str) -> String {
    if snippet.is_empty() {
        format!(
            "unexpected answer from the Descope API at {path}: HTTP {status} with an empty or unreadable body"
        )
    } else {
        format!(
            "unexpected answer from the Descope API at {path}: HTTP {status}, body starts with: {snippet}"
        )
    }
}

fn human_wait(d: Duration) -> String {
    let secs = d.as_secs();
    if secs >= 3600 * 24 * 365 {
        format!("{secs} s (more than a year)")
    } else if secs >= 120 {
        format!("{secs} s (about {} min)", secs.div_ceil(60))
    } else if d.subsec_millis() == 0 || secs >= 10 {
        format!("{secs} s")
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// Makes text from the wire safe for a one-line message: control characters become spaces, runs of
/// whitespace collapse, and it is cut to `max` characters.
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut last_space = false;
    let mut count = 0;
    for c in text.trim().chars() {
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        if count == max {
            out.push('…');
            break;
        }
        out.push(c);
        count += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(status: u16, code: &str) -> ApiError {
        ApiError::Service {
            status,
            code: code.into(),
            description: "Tenant not found".into(),
            message: "no tenant with id acme".into(),
            method: "GET".into(),
            path: "/v1/mgmt/tenant".into(),
        }
    }

    #[test]
    fn service_display_names_method_path_code_description_and_message() {
        let text = service(400, TENANT_NOT_FOUND).to_string();
        assert_eq!(
            text,
            "Descope API GET /v1/mgmt/tenant failed with HTTP 400, errorCode E112202: Tenant not found (no tenant with id acme)"
        );
        assert!(!text.contains('\n'));
    }

    #[test]
    fn classification() {
        assert!(service(400, TENANT_NOT_FOUND).is_not_found());
        assert!(service(404, "E000000").is_not_found());
        assert!(!service(400, "E011003").is_not_found());
        assert!(service(401, "E011003").is_unauthorized());
        assert!(service(403, "").is_unauthorized());
        assert!(!service(400, "").is_unauthorized());
        assert!(service(503, "").is_retryable());
        assert!(!service(400, "").is_retryable());
        assert_eq!(service(400, "").code(), None);
        assert_eq!(service(400, "E1").code(), Some("E1"));
        let rl = ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(600)),
            attempts: 1,
            path: "/p".into(),
            code: String::new(),
        };
        assert!(rl.is_retryable());
        assert_eq!(rl.status(), Some(429));
        assert!(rl.to_string().contains("600 s"), "{rl}");
        let t = ApiError::Transport {
            path: "/p".into(),
            attempts: 5,
            message: "connection refused".into(),
        };
        assert!(t.is_retryable());
        assert_eq!(t.status(), None);
        let html = ApiError::InvalidResponse {
            status: 404,
            path: "/p".into(),
            snippet: "<html>".into(),
        };
        assert!(
            !html.is_not_found(),
            "an HTML 404 from a proxy is not a Descope not-found"
        );
        assert!(!ApiError::Config("x".into()).is_retryable());
    }

    #[test]
    fn one_line_collapses_and_cuts() {
        assert_eq!(one_line("  a\r\n\tb  c ", 100), "a b c");
        assert_eq!(one_line("abcdef", 3), "abc…");
        assert_eq!(one_line("", 3), "");
    }
}
