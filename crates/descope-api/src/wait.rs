//! What the client is waiting for, reported to the caller while it waits (the client never
//! prints): a slow answer, a rate-limit pause, a retry backoff, or pacing. Reports are thinned
//! so that concurrent requests waiting on the same thing give one line, not one each.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// A slow answer is first reported after this long, then every [`NOTICE_EVERY`].
pub(crate) const FIRST_ANSWER_NOTICE: Duration = Duration::from_secs(3);
/// How often a long wait is reported again.
pub(crate) const NOTICE_EVERY: Duration = Duration::from_secs(10);
/// How often a waiting request looks at what it waits for. With the gap below, a long wait is
/// reported at least every [`NOTICE_EVERY`].
pub(crate) const NOTICE_TICK: Duration = Duration::from_secs(2);
/// No two reports closer than this (whatever their kind).
const NOTICE_GAP: Duration = Duration::from_secs(8);
/// Waits shorter than this are not worth a line.
pub(crate) const WORTH_REPORTING: Duration = Duration::from_secs(2);

/// Something the client is waiting for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Waiting {
    /// An attempt has been waiting `waited` for its answer; it gives up after `timeout`.
    Answer {
        /// The full URL of the request (never holds credentials).
        url: String,
        waited: Duration,
        timeout: Duration,
    },
    /// The service answered 429: every request pauses `left` more.
    RateLimit { left: Duration, writes_done: u64 },
    /// Requests are spaced `interval` apart to stay under the rate limit the service showed.
    Pacing {
        interval: Duration,
        writes_done: u64,
    },
    /// A transient failure; the request is sent again in `left`.
    Backoff {
        method: String,
        url: String,
        left: Duration,
        /// The attempt about to be made (2 = the first retry).
        next_attempt: u32,
        reason: String,
    },
}

impl fmt::Display for Waiting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Answer {
                url,
                waited,
                timeout,
            } => write!(
                f,
                "waiting for {url} ({} s so far; gives up after {}, see --timeout)…",
                waited.as_secs(),
                secs(*timeout)
            ),
            Self::RateLimit { left, writes_done } => write!(
                f,
                "rate limited by Descope: waiting {} more (Retry-After), {writes_done} write(s) done so far",
                secs(*left)
            ),
            Self::Pacing {
                interval,
                writes_done,
            } => write!(
                f,
                "pacing requests to Descope's rate limit (one every {:.1} s), {writes_done} write(s) done so far",
                interval.as_secs_f64()
            ),
            Self::Backoff {
                method,
                url,
                left,
                next_attempt,
                reason,
            } => write!(
                f,
                "retrying {method} {url} in {} (attempt {next_attempt}) after: {reason}",
                secs(*left)
            ),
        }
    }
}

/// Whole seconds, rounded up (a wait of 0.3 s is "1 s", never "0 s").
pub(crate) fn secs(d: Duration) -> String {
    let s = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    format!("{s} s")
}

/// Receives [`Waiting`] reports; set in [`crate::ClientConfig::on_wait`].
#[derive(Clone)]
pub struct WaitReporter(Arc<dyn Fn(&Waiting) + Send + Sync>);

impl WaitReporter {
    /// Wraps a callback. It is called from async tasks, so it must be quick (print a line).
    pub fn new(f: impl Fn(&Waiting) + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }
}

impl fmt::Debug for WaitReporter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WaitReporter")
    }
}

/// The reporter plus the time of the last report, shared by every request of one client.
#[derive(Debug)]
pub(crate) struct Notices {
    reporter: Option<WaitReporter>,
    last: Mutex<Option<Instant>>,
}

impl Notices {
    pub(crate) fn new(reporter: Option<WaitReporter>) -> Self {
        Self {
            reporter,
            last: Mutex::new(None),
        }
    }

    /// Reports `what` unless another report went out less than the gap ago.
    pub(crate) fn report(&self, what: &Waiting) {
        let Some(reporter) = &self.reporter else {
            return;
        };
        let now = Instant::now();
        {
            let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
            if last.is_some_and(|t| now.saturating_duration_since(t) < NOTICE_GAP) {
                return;
            }
            *last = Some(now);
        }
        (reporter.0)(what);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_say_what_and_how_long() {
        let a = Waiting::Answer {
            url: "https://api.descope.com/v1/mgmt/tenant/all".into(),
            waited: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
        };
        assert_eq!(
            a.to_string(),
            "waiting for https://api.descope.com/v1/mgmt/tenant/all (10 s so far; gives up after 30 s, see --timeout)…"
        );
        let r = Waiting::RateLimit {
            left: Duration::from_millis(36_200),
            writes_done: 120,
        };
        assert_eq!(
            r.to_string(),
            "rate limited by Descope: waiting 37 s more (Retry-After), 120 write(s) done so far"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn reports_are_thinned() {
        let seen = Arc::new(Mutex::new(0));
        let s = seen.clone();
        let n = Notices::new(Some(WaitReporter::new(move |_| *s.lock().unwrap() += 1)));
        let what = Waiting::RateLimit {
            left: Duration::from_secs(5),
            writes_done: 0,
        };
        n.report(&what);
        n.report(&what);
        assert_eq!(*seen.lock().unwrap(), 1);
        tokio::time::advance(NOTICE_GAP).await;
        n.report(&what);
        assert_eq!(*seen.lock().unwrap(), 2);
        Notices::new(None).report(&what);
    }
}
