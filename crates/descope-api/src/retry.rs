//! Retry arithmetic: `Retry-After` parsing and exponential backoff with full jitter.

use std::time::Duration;

use jiff::Timestamp;

/// The longest wait a `Retry-After` can yield; bigger values saturate here so later arithmetic
/// on instants can never overflow.
const RETRY_AFTER_CEILING: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Parses a `Retry-After` value: delta-seconds (`"120"`) or an HTTP date (IMF-fixdate,
/// `"Sun, 06 Nov 1994 08:49:37 GMT"`, relative to `now`; a date in the past means "now").
///
/// Returns `None` for anything else. Never panics, whatever the input.
#[must_use]
pub fn parse_retry_after(value: &str, now: Timestamp) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        // Saturate instead of failing: "99999999999999999999" means "a very long time".
        let secs = value.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(secs).min(RETRY_AFTER_CEILING));
    }
    let at = parse_http_date(value)?;
    let wait = at.duration_since(now);
    if wait.is_negative() {
        return Some(Duration::ZERO);
    }
    Some(
        Duration::try_from(wait)
            .unwrap_or(RETRY_AFTER_CEILING)
            .min(RETRY_AFTER_CEILING),
    )
}

fn parse_http_date(value: &str) -> Option<Timestamp> {
    // IMF-fixdate is a strict subset of RFC 2822, which jiff parses (including the `GMT` zone).
    if let Ok(ts) = jiff::fmt::rfc2822::DateTimeParser::new().parse_timestamp(value) {
        return Some(ts);
    }
    // The obsolete asctime form that RFC 9110 still asks recipients to accept.
    let civil = jiff::fmt::strtime::parse("%a %b %e %H:%M:%S %Y", value)
        .ok()?
        .to_datetime()
        .ok()?;
    jiff::tz::TimeZone::UTC.to_timestamp(civil).ok()
}

/// The upper bound of the `retry`-th backoff sleep (0-based): `min(max, base * 2^retry)`.
#[must_use]
pub(crate) fn backoff_cap(base: Duration, max: Duration, retry: u32) -> Duration {
    let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
    base.checked_mul(factor).unwrap_or(max).min(max)
}

/// A full-jitter sleep: uniform in `[0, cap]`, from a caller-supplied random `u64`.
#[must_use]
pub(crate) fn jittered(cap: Duration, random: u64) -> Duration {
    let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
    if nanos == 0 {
        return Duration::ZERO;
    }
    Duration::from_nanos(random % nanos.saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-29T06:00:00Z".parse().unwrap()
    }

    #[test]
    fn delta_seconds() {
        assert_eq!(parse_retry_after("0", now()), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("1", now()), Some(Duration::from_secs(1)));
        assert_eq!(
            parse_retry_after(" 60 ", now()),
            Some(Duration::from_secs(60))
        );
    }

    #[test]
    fn http_date() {
        assert_eq!(
            parse_retry_after("Sun, 29 Nov 2026 06:00:30 GMT", now()),
            Some(Duration::from_secs(30))
        );
        // Past dates mean "retry now".
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now()),
            Some(Duration::ZERO)
        );
        // asctime
        assert_eq!(
            parse_retry_after("Sun Nov 29 06:02:00 2026", now()),
            Some(Duration::from_secs(120))
        );
    }

    #[test]
    fn garbage_is_none() {
        for v in [
            "",
            "  ",
            "soon",
            "-1",
            "1.5",
            "+3",
            "Sun, 99 Nov 2026 06:00:30 GMT",
            "1 2",
            "٣",
            "\u{0}",
        ] {
            assert_eq!(parse_retry_after(v, now()), None, "{v:?}");
        }
    }

    #[test]
    fn huge_values_saturate() {
        let huge = parse_retry_after("99999999999999999999999999", now()).unwrap();
        assert_eq!(huge, RETRY_AFTER_CEILING);
        let far = parse_retry_after("Tue, 01 Jan 2999 00:00:00 GMT", now()).unwrap();
        assert_eq!(far, RETRY_AFTER_CEILING);
        // Beyond what a timestamp can hold: not a date we can use, and no panic.
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now()),
            None
        );
    }

    #[test]
    fn backoff_grows_and_caps() {
        let base = Duration::from_millis(200);
        let max = Duration::from_secs(10);
        assert_eq!(backoff_cap(base, max, 0), Duration::from_millis(200));
        assert_eq!(backoff_cap(base, max, 3), Duration::from_millis(1600));
        assert_eq!(backoff_cap(base, max, 6), max);
        assert_eq!(backoff_cap(base, max, 500), max);
        assert_eq!(backoff_cap(Duration::ZERO, max, 7), Duration::ZERO);
        assert_eq!(jittered(Duration::ZERO, 12345), Duration::ZERO);
        assert!(jittered(Duration::from_millis(5), u64::MAX) <= Duration::from_millis(5));
    }
}
