//! The HTTP client: one `reqwest::Client` with the bearer header, the attempt loop (429 →
//! `Retry-After` through the shared rate gate; transient failures → backoff with full jitter),
//! and turning answers into typed results or an [`ApiError`].

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, LOCATION, RETRY_AFTER,
};
use reqwest::{Method, StatusCode};
use secrecy::zeroize::Zeroize;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use url::Url;

use crate::config::{ClientConfig, RetryPolicy};
use crate::error::{ApiError, TRANSIENT_STATUSES, one_line};
use crate::gate::{Permit, RateGate};
use crate::retry::{backoff_cap, jittered, parse_retry_after};
use crate::wait::{
    FIRST_ANSWER_NOTICE, NOTICE_EVERY, NOTICE_TICK, Notices, WORTH_REPORTING, Waiting,
};

/// The budget an answer announces: `RateLimit-Limit` (when given), `RateLimit-Remaining` and
/// `RateLimit-Reset` (seconds until the window resets), when they are whole numbers.
fn announced_budget(headers: &HeaderMap) -> Option<(Option<u32>, u32, Duration)> {
    let number =
        |name: &str| -> Option<u64> { headers.get(name)?.to_str().ok()?.trim().parse().ok() };
    let count = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    let remaining = count(number("ratelimit-remaining")?);
    let reset = Duration::from_secs(number("ratelimit-reset")?);
    Some((number("ratelimit-limit").map(count), remaining, reset))
}

/// The `errorCode` of an error body, or empty.
fn error_code_of(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("errorCode")?.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// How long to wait after a 429 that carries no usable `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);
/// How much of an unreadable body goes into an error.
const SNIPPET_CHARS: usize = 200;

/// The most a `Content-Length` header may make us reserve up front (a larger body still reads,
/// growing as it goes).
const MAX_PREALLOCATED: u64 = 256 << 20;
/// One request may spend this many attempt timeouts on failed attempts and backoff in all.
const TIMEOUTS_PER_REQUEST: u32 = 2;
/// Timeouts are capped here so that deadline arithmetic can never overflow.
const MAX_TIMEOUT: Duration = Duration::from_secs(7 * 24 * 3600);
/// Paths (after a POST) whose success counts as a write done, for status lines.
const WRITE_SUFFIXES: [&str; 7] = [
    "/create",
    "/batch",
    "/update",
    "/delete",
    "/settings",
    "/import",
    "/updateDefaultRoles",
];

/// Typed async client of the Descope management API. Cheap to clone: clones share one connection
/// pool and one rate gate. Its `Debug` output never shows the management key.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    /// Timeout of one attempt.
    timeout: Duration,
    /// What one request may spend on failed attempts and backoff before it gives up.
    budget: Duration,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    project_id: String,
    /// Kept only to scrub it from any text that could end up in an error.
    key: SecretString,
    retry: RetryPolicy,
    gate: RateGate,
    rng: Mutex<StdRng>,
    max_in_flight: usize,
    notices: Notices,
    writes_done: AtomicU64,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("project_id", &self.inner.project_id)
            .field("management_key", &"[redacted]")
            .field("max_in_flight", &self.inner.max_in_flight)
            .field("timeout", &self.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// A successful (2xx) answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

/// The end of the attempt loop, plus whether an earlier attempt may have reached the service
/// (its answer was lost), so a create or delete can tell "my own earlier attempt did it".
#[derive(Debug)]
pub(crate) struct Outcome {
    pub result: Result<Reply, ApiError>,
    pub maybe_applied_earlier: bool,
}

/// One request to send, possibly several times.
pub(crate) struct Call<'a> {
    pub method: Method,
    pub path: &'static str,
    pub query: Option<(&'a str, &'a str)>,
    pub body: Option<serde_json::Value>,
}

impl Client {
    /// Builds the client. Nothing is sent yet.
    ///
    /// # Errors
    /// [`ApiError::Config`] when the key is empty or not a valid header value, the concurrency is
    /// zero, or the HTTP stack cannot be set up.
    pub fn new(cfg: ClientConfig) -> Result<Self, ApiError> {
        if cfg.management_key.expose_secret().trim().is_empty() {
            return Err(ApiError::Config(
                "the Descope management key is empty; set DESCOPE_MANAGEMENT_KEY or configure a profile".into(),
            ));
        }
        if cfg.max_in_flight == 0 {
            return Err(ApiError::Config("concurrency must be at least 1".into()));
        }
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, bearer(&cfg.project_id, &cfg.management_key)?);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            HeaderName::from_static("x-descope-sdk-name"),
            HeaderValue::from_static("descope-mgmt"),
        );
        headers.insert(
            HeaderName::from_static("x-descope-sdk-version"),
            HeaderValue::from_static(env!("CARGO_PKG_VERSION")),
        );
        if !cfg.project_id.is_empty() {
            let id = HeaderValue::from_str(&cfg.project_id).map_err(|_| {
                ApiError::Config(format!(
                    "the project id {:?} contains characters not allowed in an HTTP header",
                    cfg.project_id
                ))
            })?;
            headers.insert(HeaderName::from_static("x-descope-project-id"), id);
        }
        let timeout = cfg.timeout.clamp(Duration::from_millis(1), MAX_TIMEOUT);
        // The whole-attempt timeout is enforced by the attempt loop (so it can report while it
        // waits); reqwest only bounds the connect.
        let mut builder = reqwest::Client::builder()
            .default_headers(headers)
            .connect_timeout(cfg.connect_timeout.min(timeout))
            .user_agent(cfg.user_agent.clone())
            .redirect(reqwest::redirect::Policy::none());
        if cfg.base_url.scheme() == "http" {
            // Plain HTTP is only ever allowed to loopback (the emulator), and redirects are off, so
            // no TLS is spoken: skip loading the system's root certificates (a few ms per run).
            builder = builder.tls_certs_only(Vec::<reqwest::Certificate>::new());
        }
        let http = builder.build().map_err(|e| {
            ApiError::Config(format!(
                "cannot set up the HTTP client: {}",
                error_chain(&e)
            ))
        })?;
        let mut retry = cfg.retry;
        retry.max_attempts = retry.max_attempts.max(1);
        retry.max_rate_limited_attempts = retry.max_rate_limited_attempts.max(1);
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base_url: cfg.base_url,
                project_id: cfg.project_id,
                key: cfg.management_key,
                retry,
                gate: RateGate::with_max_rate(cfg.max_in_flight, cfg.max_rate),
                rng: Mutex::new(StdRng::seed_from_u64(seed())),
                max_in_flight: cfg.max_in_flight,
                notices: Notices::new(cfg.on_wait),
                writes_done: AtomicU64::new(0),
            }),
            timeout,
            budget: timeout.saturating_mul(TIMEOUTS_PER_REQUEST),
        })
    }

    /// A client sharing this one's connections, rate gate and reporter whose requests give up
    /// after `timeout` in all, retries included (for quick probes such as `doctor`).
    #[must_use]
    pub fn with_timeout(&self, timeout: Duration) -> Self {
        let timeout = timeout.clamp(Duration::from_millis(1), MAX_TIMEOUT);
        Self {
            inner: Arc::clone(&self.inner),
            timeout,
            budget: timeout,
        }
    }

    /// The timeout of one attempt.
    #[must_use]
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The project every request is made for.
    #[must_use]
    pub fn project_id(&self) -> &str {
        &self.inner.project_id
    }

    /// The base URL requests go to (paths are appended to it).
    #[must_use]
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    #[cfg(test)]
    pub(crate) fn gate_stats(&self) -> crate::gate::GateStats {
        self.inner.gate.stats()
    }

    /// Sends `call`, retrying as the policy allows, and decodes a 2xx body as `T`.
    pub(crate) async fn json<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T, ApiError> {
        let shown = shown_path(&call);
        let reply = self.send(call).await.result?;
        self.decode(&reply, &shown)
    }

    /// Sends `call`, retrying as the policy allows; any 2xx body is accepted.
    pub(crate) async fn unit(&self, call: Call<'_>) -> Result<(), ApiError> {
        self.send(call).await.result.map(drop)
    }

    pub(crate) fn decode<T: DeserializeOwned>(
        &self,
        reply: &Reply,
        shown: &str,
    ) -> Result<T, ApiError> {
        self.decode_seed(reply, shown, std::marker::PhantomData::<T>)
    }

    /// Like [`Self::decode`], with a seed.
    pub(crate) fn decode_seed<'de, S: serde::de::DeserializeSeed<'de>>(
        &self,
        reply: &'de Reply,
        shown: &str,
        seed: S,
    ) -> Result<S::Value, ApiError> {
        let mut de = serde_json::Deserializer::from_slice(&reply.body);
        seed.deserialize(&mut de)
            .and_then(|v| de.end().map(|()| v))
            .map_err(|e| ApiError::InvalidResponse {
                status: reply.status,
                path: shown.to_owned(),
                snippet: self.snippet(&reply.body, Some(&e)),
            })
    }

    /// The attempt loop.
    pub(crate) async fn send(&self, call: Call<'_>) -> Outcome {
        let shown = shown_path(&call);
        let url = match self.url_for(&call) {
            Ok(url) => url,
            Err(e) => {
                return Outcome {
                    result: Err(e),
                    maybe_applied_earlier: false,
                };
            }
        };
        let body = match call.body.as_ref().map(serde_json::to_vec).transpose() {
            Ok(b) => b,
            Err(e) => {
                let e =
                    ApiError::Config(format!("cannot encode the request body for {shown}: {e}"));
                return Outcome {
                    result: Err(e),
                    maybe_applied_earlier: false,
                };
            }
        };
        let policy = &self.inner.retry;
        let mut transient: u32 = 0;
        let mut limited: u32 = 0;
        let mut maybe_applied = false;
        // Time spent on failed attempts and backoff; bounded by the budget.
        let mut spent = Duration::ZERO;
        loop {
            let permit = self.admitted().await;
            let attempt = transient + limited + 1;
            let started = tokio::time::Instant::now();
            let limit = self.timeout.min(self.budget.saturating_sub(spent));
            // reqwest's own timeout is a backstop; `within` below reports and decides first.
            let mut request = self
                .inner
                .http
                .request(call.method.clone(), url.clone())
                .timeout(limit);
            if let Some(b) = &body {
                request = request
                    .header(CONTENT_TYPE, "application/json")
                    .body(b.clone());
            }
            let exchange = async {
                let resp = request.send().await?;
                let status = resp.status();
                let retry_after = resp
                    .headers()
                    .get(RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                if let Some((limit, remaining, reset)) = announced_budget(resp.headers()) {
                    self.inner.gate.observe_budget(limit, remaining, reset);
                }
                let location = resp
                    .headers()
                    .get(LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                // Straight into one buffer sized from Content-Length: collecting the chunks and
                // then copying them (`bytes()` + `to_vec()`) held a large answer three times
                // over (100,000 tenants are 33 MB).
                let mut resp = resp;
                let hint = resp.content_length().unwrap_or(0).min(MAX_PREALLOCATED);
                let mut body = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
                while let Some(chunk) = resp.chunk().await? {
                    body.extend_from_slice(&chunk);
                }
                Ok::<_, reqwest::Error>((status, retry_after, location, body))
            };
            let answer = self.within(exchange, &url, limit).await;
            let elapsed = started.elapsed();
            let elapsed_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX);
            match answer {
                None => {
                    // Connected (or still connecting) and no complete answer in time: the
                    // request may have reached the service.
                    permit.failed();
                    tracing::debug!(method = %call.method, path = %shown, attempt, elapsed_ms, "descope api request timed out");
                    maybe_applied = true;
                    transient += 1;
                    spent += elapsed;
                    let retry = (transient < policy.max_attempts)
                        .then(|| self.backoff_within(transient - 1, spent))
                        .flatten();
                    let Some(wait) = retry else {
                        let err = ApiError::Timeout {
                            url: url.to_string(),
                            timeout: self.timeout,
                            attempts: attempt,
                            connect: false,
                        };
                        return Outcome {
                            result: Err(err),
                            maybe_applied_earlier: maybe_applied,
                        };
                    };
                    let reason = format!("no answer within {}", crate::wait::secs(limit));
                    self.sleep_backoff(&call.method, &url, wait, attempt + 1, &reason)
                        .await;
                    spent += wait;
                }
                Some(Err(e)) => {
                    permit.failed();
                    let message = self.scrub(&error_chain(&e));
                    tracing::debug!(method = %call.method, path = %shown, attempt, elapsed_ms, error = %message, "descope api request failed");
                    if e.is_builder() {
                        let err = ApiError::Config(format!(
                            "cannot build the request {} {shown}: {message}",
                            call.method
                        ));
                        return Outcome {
                            result: Err(err),
                            maybe_applied_earlier: maybe_applied,
                        };
                    }
                    // A refused connection never reached the service; anything later might have.
                    maybe_applied |= !e.is_connect();
                    transient += 1;
                    spent += elapsed;
                    let retry = (transient < policy.max_attempts
                        && !is_permanent_transport(&message))
                    .then(|| self.backoff_within(transient - 1, spent))
                    .flatten();
                    let Some(wait) = retry else {
                        let err = if e.is_timeout() {
                            ApiError::Timeout {
                                url: url.to_string(),
                                timeout: self.timeout,
                                attempts: attempt,
                                connect: e.is_connect(),
                            }
                        } else {
                            ApiError::Transport {
                                path: shown,
                                attempts: attempt,
                                message,
                            }
                        };
                        return Outcome {
                            result: Err(err),
                            maybe_applied_earlier: maybe_applied,
                        };
                    };
                    let reason = one_line(&message, 120);
                    self.sleep_backoff(&call.method, &url, wait, attempt + 1, &reason)
                        .await;
                    spent += wait;
                }
                Some(Ok((status, retry_after, location, bytes))) => {
                    let code = status.as_u16();
                    tracing::debug!(method = %call.method, path = %shown, status = code, attempt, elapsed_ms, "descope api request");
                    if status.is_success() {
                        permit.succeeded();
                        if call.method == Method::POST
                            && WRITE_SUFFIXES.iter().any(|w| call.path.ends_with(w))
                        {
                            self.inner.writes_done.fetch_add(1, Ordering::Relaxed);
                        }
                        return Outcome {
                            result: Ok(Reply {
                                status: code,
                                body: bytes,
                            }),
                            maybe_applied_earlier: maybe_applied,
                        };
                    }
                    if status == StatusCode::TOO_MANY_REQUESTS {
                        limited += 1;
                        let wait = retry_after
                            .as_deref()
                            .and_then(|v| parse_retry_after(v, jiff::Timestamp::now()))
                            .unwrap_or(DEFAULT_RETRY_AFTER);
                        if wait > policy.max_retry_after {
                            permit.failed();
                            let err = ApiError::RateLimited {
                                retry_after: Some(wait),
                                attempts: limited,
                                path: shown,
                                code: error_code_of(&bytes),
                            };
                            return Outcome {
                                result: Err(err),
                                maybe_applied_earlier: maybe_applied,
                            };
                        }
                        permit.rate_limited(wait);
                        if limited >= policy.max_rate_limited_attempts {
                            let err = ApiError::RateLimited {
                                retry_after: Some(wait),
                                attempts: limited,
                                path: shown,
                                code: error_code_of(&bytes),
                            };
                            return Outcome {
                                result: Err(err),
                                maybe_applied_earlier: maybe_applied,
                            };
                        }
                        if wait >= WORTH_REPORTING {
                            self.inner.notices.report(&Waiting::RateLimit {
                                left: wait,
                                writes_done: self.inner.writes_done.load(Ordering::Relaxed),
                            });
                        }
                        let gate = self.inner.gate.stats();
                        tracing::debug!(
                            path = %shown,
                            wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                            concurrency = gate.limit,
                            pace_ms = gate.interval.map_or(0, |i| u64::try_from(i.as_millis()).unwrap_or(u64::MAX)),
                            "rate limited; pausing all requests"
                        );
                        continue;
                    }
                    permit.failed();
                    if TRANSIENT_STATUSES.contains(&code) {
                        maybe_applied = true;
                        transient += 1;
                        spent += elapsed;
                        let retry = (transient < policy.max_attempts)
                            .then(|| self.backoff_within(transient - 1, spent))
                            .flatten();
                        if let Some(wait) = retry {
                            let reason = format!("HTTP {code}");
                            self.sleep_backoff(&call.method, &url, wait, attempt + 1, &reason)
                                .await;
                            spent += wait;
                            continue;
                        }
                    }
                    let err =
                        self.error_from(code, &bytes, location.as_deref(), &call.method, &shown);
                    return Outcome {
                        result: Err(err),
                        maybe_applied_earlier: maybe_applied,
                    };
                }
            }
        }
    }

    /// The `retry`-th backoff sleep (0-based), or `None` when after it no time would be left in
    /// the request's budget for another attempt.
    fn backoff_within(&self, retry: u32, spent: Duration) -> Option<Duration> {
        let cap = backoff_cap(
            self.inner.retry.base_delay,
            self.inner.retry.max_delay,
            retry,
        );
        let random = self
            .inner
            .rng
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .next_u64();
        let wait = jittered(cap, random);
        (spent.saturating_add(wait) < self.budget).then_some(wait)
    }

    async fn sleep_backoff(
        &self,
        method: &Method,
        url: &Url,
        wait: Duration,
        next_attempt: u32,
        reason: &str,
    ) {
        if wait >= WORTH_REPORTING {
            self.inner.notices.report(&Waiting::Backoff {
                method: method.to_string(),
                url: url.to_string(),
                left: wait,
                next_attempt,
                reason: reason.to_owned(),
            });
        }
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// Runs one attempt's exchange for at most `limit`, reporting a slow answer while it waits.
    /// `None` when the time ran out.
    async fn within<T>(
        &self,
        exchange: impl Future<Output = T>,
        url: &Url,
        limit: Duration,
    ) -> Option<T> {
        tokio::pin!(exchange);
        let started = tokio::time::Instant::now();
        let deadline = started + limit;
        let mut notice = started + FIRST_ANSWER_NOTICE;
        loop {
            tokio::select! {
                biased;
                out = &mut exchange => return Some(out),
                () = tokio::time::sleep_until(notice), if notice < deadline => {
                    self.inner.notices.report(&Waiting::Answer {
                        url: url.to_string(),
                        waited: started.elapsed(),
                        timeout: limit,
                    });
                    notice += NOTICE_EVERY;
                }
                () = tokio::time::sleep_until(deadline) => return None,
            }
        }
    }

    /// Waits for the rate gate, reporting a long rate-limit pause or slow pacing while it waits.
    async fn admitted(&self) -> Permit<'_> {
        let acquire = self.inner.gate.acquire();
        tokio::pin!(acquire);
        loop {
            tokio::select! {
                biased;
                permit = &mut acquire => return permit,
                () = tokio::time::sleep(NOTICE_TICK) => {
                    let stats = self.inner.gate.stats();
                    let now = tokio::time::Instant::now();
                    let writes_done = self.inner.writes_done.load(Ordering::Relaxed);
                    if let Some(until) = stats.paused_until.filter(|u| *u > now) {
                        self.inner.notices.report(&Waiting::RateLimit {
                            left: until - now,
                            writes_done,
                        });
                    } else if let Some(interval) =
                        stats.interval.filter(|i| *i >= Duration::from_secs(1))
                    {
                        self.inner.notices.report(&Waiting::Pacing { interval, writes_done });
                    }
                }
            }
        }
    }

    fn url_for(&self, call: &Call<'_>) -> Result<Url, ApiError> {
        let base = self.inner.base_url.as_str().trim_end_matches('/');
        let mut url = Url::parse(&format!("{base}{}", call.path)).map_err(|e| {
            ApiError::Config(format!(
                "cannot build a request URL from base {base:?}: {e}"
            ))
        })?;
        if let Some((k, v)) = call.query {
            url.query_pairs_mut().append_pair(k, v);
        }
        Ok(url)
    }

    /// A non-2xx answer as an error: a Descope error body becomes `Service`, anything else `InvalidResponse`.
    fn error_from(
        &self,
        status: u16,
        body: &[u8],
        location: Option<&str>,
        method: &Method,
        shown: &str,
    ) -> ApiError {
        if (300..400).contains(&status) {
            let to = location.map_or_else(
                || "elsewhere".to_owned(),
                |l| self.scrub(&one_line(l, SNIPPET_CHARS)),
            );
            return ApiError::InvalidResponse {
                status,
                path: shown.to_owned(),
                snippet: format!(
                    "redirect to {to} (redirects are not followed; check the base URL)"
                ),
            };
        }
        if let Ok(serde_json::Value::Object(map)) =
            serde_json::from_slice::<serde_json::Value>(body)
        {
            let text = |k: &str| {
                map.get(k)
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
            };
            let code = text("errorCode");
            let description = text("errorDescription");
            if !code.is_empty() || !description.is_empty() {
                return ApiError::Service {
                    status,
                    code: self.scrub(&one_line(code, 40)),
                    description: self.scrub(&one_line(description, 500)),
                    message: self.scrub(&one_line(text("errorMessage"), 500)),
                    method: method.to_string(),
                    path: shown.to_owned(),
                };
            }
        }
        ApiError::InvalidResponse {
            status,
            path: shown.to_owned(),
            snippet: self.snippet(body, None),
        }
    }

    fn snippet(&self, body: &[u8], parse_error: Option<&serde_json::Error>) -> String {
        let text = one_line(&String::from_utf8_lossy(body), SNIPPET_CHARS);
        let text = self.scrub(&text);
        match parse_error {
            Some(e) if !text.is_empty() => format!("{text} ({e})"),
            Some(e) => format!("({e})"),
            None => text,
        }
    }

    /// Removes the management key from text that came from the wire or from an error chain.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let key = self.inner.key.expose_secret();
        if key.len() >= 4 && text.contains(key) {
            text.replace(key, "[redacted]")
        } else {
            text.to_owned()
        }
    }
}

/// `Bearer <projectId>:<managementKey>` (or `Bearer <managementKey>` without a project), marked
/// sensitive so it is hidden from `Debug` output of requests and headers.
fn bearer(project_id: &str, key: &SecretString) -> Result<HeaderValue, ApiError> {
    let mut text = if project_id.is_empty() {
        format!("Bearer {}", key.expose_secret().trim())
    } else {
        format!("Bearer {project_id}:{}", key.expose_secret().trim())
    };
    let value = HeaderValue::from_str(&text);
    text.zeroize();
    let mut value = value.map_err(|_| {
        ApiError::Config(
            "the project id or management key contains characters not allowed in an HTTP header (a stray newline?)"
                .into(),
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

pub(crate) fn shown_path(call: &Call<'_>) -> String {
    match call.query {
        Some((k, v)) => {
            let encoded: String = url::form_urlencoded::Serializer::new(String::new())
                .append_pair(k, v)
                .finish();
            format!("{}?{encoded}", call.path)
        }
        None => call.path.to_owned(),
    }
}

/// The error and its sources as one line, without repeating a message its source already says.
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if parts.last().is_none_or(|last| !last.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    one_line(&parts.join(": "), 600)
}

/// Transport failures that another attempt cannot fix (bad certificates).
fn is_permanent_transport(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("certificate") || m.contains("unknownissuer")
}

fn seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| {
            u64::try_from(d.as_nanos() & u128::from(u64::MAX)).unwrap_or(0)
        });
    nanos ^ u64::from(std::process::id()).rotate_left(32)
}
