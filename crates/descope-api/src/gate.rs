//! The rate gate shared by every request of one client: a pause that any 429 pushes forward for
//! everyone, an adaptive concurrency limit (halved on a 429, grown back by one per `limit`
//! successes), and a pacer learned from the 429s that spreads requests out so the observed budget
//! is not exceeded again the moment the pause ends.
//!
//! When the answers carry `RateLimit-Remaining` and `RateLimit-Reset`, the gate also keeps the
//! budget they announce: each request takes one from it before it is sent, and when none is left
//! everyone waits for the window to reset, so a lone run never goes over the limit (and never
//! triggers the service's lockout). A cap of our own (`--max-rate N/SECS`) admits at most N
//! starts in any SECS, leaving the rest of the service's limit to production traffic.
//!
//! Time comes from `tokio::time`, so tests can run it on a paused clock.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

/// Fraction of the observed budget the pacer aims for, leaving room for clock skew and jitter.
const PACING_SAFETY: f64 = 0.95;
/// Pacing never learns from a window shorter than this (a `Retry-After: 0` carries no rate).
const MIN_ESTIMATE_WINDOW: Duration = Duration::from_secs(1);
/// After this long without a 429 (or 4 × the last `Retry-After`, if longer), pacing speeds up 5 %.
/// Long enough that a burst of a few hundred writes is never disturbed by a probe.
const MIN_QUIET_BEFORE_RAISE: Duration = Duration::from_secs(30);
/// Pacing faster than this is no pacing at all; it is switched off.
const MIN_INTERVAL: Duration = Duration::from_millis(1);
/// How long and how many admitted start times are kept for estimating the budget.
const ADMITTED_HORIZON: Duration = Duration::from_secs(600);
const ADMITTED_MAX: usize = 8192;

/// The budget the service announced: requests left until `window_end` (our sends since taken
/// off). `provisional`: a new window began and no answer of it has been seen yet; the budget is
/// the whole announced limit, and the first answer sets when the window ends.
#[derive(Debug, Clone, Copy)]
struct Budget {
    remaining: u32,
    window_end: Instant,
    provisional: bool,
}

/// At most `n` request starts in any `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxRate {
    pub n: u32,
    pub per: Duration,
}

/// Added to the window of a cap (`--max-rate`, or learned from a lockout): the jitter between
/// when we start requests and when the service receives them.
const CAP_MARGIN: Duration = Duration::from_millis(100);
/// Added to the end of a window a `RateLimit-Reset` announces, for the clocks of the two sides.
/// Small: the reset is in whole seconds rounded up, so each estimate is already at or after the
/// window's end (the earliest of them is kept), and the margin is paid once per window. At 250 ms
/// a service with 1 s windows was paced 25% below its limit (bench scenario 3: 300 writes at 20
/// per second took 20.0 s against 15.9 s before the headers were read).
const RESET_MARGIN: Duration = Duration::from_millis(50);
/// A `RateLimit-Reset` never makes the gate wait longer than this (a bad header must not stall a
/// run).
const MAX_RESET: Duration = Duration::from_secs(3600);
/// A 429 asking to wait this long or longer is a window or a lockout, not a burst: instead of an
/// even pace over it, the gate learns "N per window" (what got through before it) and sends up to N
/// at once in each window after it, which is as fast as the limit allows and never over it.
const LOCKOUT_WAIT: Duration = Duration::from_secs(10);
/// Added to a learned window, so that a window of ours never starts before the service's ends.
const LOCKOUT_MARGIN: Duration = Duration::from_secs(1);
/// How often a request waiting on a new window's budget looks again for the answer that says
/// when the window ends.
const PROVISIONAL_RECHECK: Duration = Duration::from_millis(250);

/// One gate per [`crate::Client`]; every attempt passes through [`RateGate::acquire`].
#[derive(Debug)]
pub(crate) struct RateGate {
    max: usize,
    state: Mutex<State>,
    notify: Notify,
}

#[derive(Debug)]
struct State {
    in_flight: usize,
    limit: usize,
    successes: usize,
    paused_until: Option<Instant>,
    /// When the latest 429 episode began; 429s on attempts that started earlier belong to it.
    throttled_at: Option<Instant>,
    last_retry_after: Duration,
    /// Minimum spacing between request starts, learned from the 429s; `None` = unpaced.
    interval: Option<Duration>,
    next_slot: Option<Instant>,
    last_raise: Option<Instant>,
    /// Start times of recent attempts the service did not rate-limit.
    admitted: VecDeque<Instant>,
    /// Start times of attempts sent and not yet answered.
    sending: Vec<Instant>,
    /// A 429 episode whose budget is counted when the pause ends, once the attempts that were
    /// in flight when it began have been answered.
    pending: Option<PendingEstimate>,
    /// The budget the latest `RateLimit-*` headers announced, and the limit per window.
    budget: Option<Budget>,
    announced_limit: Option<u32>,
    /// Our own cap, the cap learned from a lockout, and the starts they count (newest last).
    max_rate: Option<MaxRate>,
    learned_cap: Option<MaxRate>,
    starts: VecDeque<Instant>,
}

#[derive(Debug, Clone, Copy)]
struct PendingEstimate {
    at: Instant,
    window: Duration,
    /// The pace before the episode; the new one is never faster.
    before: Option<Duration>,
}

/// What a request waiting in [`RateGate::acquire`] does next.
enum Wait {
    Go,
    /// Everyone is paused until then; no pacing slot is taken yet.
    Paused(Instant),
    /// This request's pacing slot.
    Slot(Instant),
}

/// What the gate looks like now (for logs and tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GateStats {
    pub limit: usize,
    pub in_flight: usize,
    pub interval: Option<Duration>,
    pub paused_until: Option<Instant>,
    /// Requests left of the budget the service announced, when it announced one.
    pub budget: Option<u32>,
}

/// The right to send one attempt. Dropping it frees the concurrency slot.
#[derive(Debug)]
pub(crate) struct Permit<'a> {
    gate: &'a RateGate,
    started: Instant,
    /// Whether `started` is listed in `State::sending`.
    sending: bool,
}

impl RateGate {
    #[cfg(test)]
    pub(crate) fn new(max_in_flight: usize) -> Self {
        Self::with_max_rate(max_in_flight, None)
    }

    /// A gate that also starts at most `max_rate.n` requests in any `max_rate.per`.
    pub(crate) fn with_max_rate(max_in_flight: usize, max_rate: Option<MaxRate>) -> Self {
        let max = max_in_flight.max(1);
        Self {
            max,
            state: Mutex::new(State {
                in_flight: 0,
                limit: max,
                successes: 0,
                paused_until: None,
                throttled_at: None,
                last_retry_after: Duration::ZERO,
                interval: None,
                next_slot: None,
                last_raise: None,
                admitted: VecDeque::new(),
                sending: Vec::new(),
                pending: None,
                budget: None,
                announced_limit: None,
                max_rate: max_rate.filter(|m| m.n > 0 && !m.per.is_zero()),
                learned_cap: None,
                starts: VecDeque::new(),
            }),
            notify: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn stats(&self) -> GateStats {
        let s = self.lock();
        GateStats {
            limit: s.limit,
            in_flight: s.in_flight,
            interval: s.interval,
            paused_until: s.paused_until,
            budget: s.budget.map(|b| b.remaining),
        }
    }

    /// What an answer's `RateLimit-Remaining` and `RateLimit-Reset` (seconds) announce: the
    /// requests left in the service's window and when it resets. Requests of ours still in flight
    /// (besides the one answered) may not be counted in it yet, so they are taken off.
    pub(crate) fn observe_budget(&self, limit: Option<u32>, remaining: u32, reset: Duration) {
        let now = Instant::now();
        let mut s = self.lock();
        if limit.is_some() {
            s.announced_limit = limit;
        }
        let others = u32::try_from(s.sending.len().saturating_sub(1)).unwrap_or(u32::MAX);
        let remaining = remaining.saturating_sub(others);
        let window_end = now + reset.min(MAX_RESET) + RESET_MARGIN;
        s.budget = Some(match s.budget {
            // The first answer of a new window: when it ends.
            Some(b) if b.provisional => Budget {
                remaining: b.remaining.min(remaining),
                window_end,
                provisional: false,
            },
            // The same window: the lower count (answers arrive out of order) and the earlier end
            // (each answer's whole seconds round up, so every estimate is at or after the real end:
            // the earliest is the closest).
            Some(b) if now < b.window_end => Budget {
                remaining: b.remaining.min(remaining),
                window_end: b.window_end.min(window_end),
                provisional: false,
            },
            _ => Budget {
                remaining,
                window_end,
                provisional: false,
            },
        });
    }

    /// Waits for a concurrency slot, then for the end of any pause and for this request's pacing slot.
    pub(crate) async fn acquire(&self) -> Permit<'_> {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mut s = self.lock();
                if s.in_flight < s.limit {
                    s.in_flight += 1;
                    break;
                }
            }
            notified.await;
        }
        // Made now so that a cancelled wait below still frees the slot.
        let mut permit = Permit {
            gate: self,
            started: Instant::now(),
            sending: false,
        };
        loop {
            let wait = self.lock().reserve(Instant::now());
            match wait {
                Wait::Go => break,
                // Slots are handed out only once the pause is over, in the order waiters wake,
                // so the resumed requests are spread at the (then final) pace.
                Wait::Paused(until) => tokio::time::sleep_until(until).await,
                Wait::Slot(at) => {
                    tokio::time::sleep_until(at).await;
                    let now = Instant::now();
                    if self.lock().paused_until.is_none_or(|p| p <= now) {
                        break;
                    }
                    // A new 429 paused everyone while we slept: queue again behind it.
                }
            }
        }
        permit.started = Instant::now();
        permit.sending = true;
        self.lock().sending.push(permit.started);
        permit
    }
}

impl State {
    /// When this request may start: after the pause, then at its pacing slot (taken now).
    fn reserve(&mut self, now: Instant) -> Wait {
        if let Some(p) = self.paused_until
            && p > now
        {
            return Wait::Paused(p);
        }
        // Our own cap and the one learned from a lockout: at most n starts in any `per`.
        let caps = [self.max_rate, self.learned_cap];
        if let Some(longest) = caps.iter().flatten().map(|m| m.per + CAP_MARGIN).max() {
            while self.starts.front().is_some_and(|t| *t + longest <= now) {
                self.starts.pop_front();
            }
            for m in caps.iter().flatten() {
                // A little more than `per`, so that the service, which sees our requests a few
                // milliseconds after they start and not all equally late, never counts n + 1.
                let per = m.per + CAP_MARGIN;
                let recent: Vec<Instant> = self
                    .starts
                    .iter()
                    .copied()
                    .filter(|t| *t + per > now)
                    .collect();
                let n = m.n as usize;
                if recent.len() >= n {
                    return Wait::Paused(recent[recent.len() - n] + per);
                }
            }
        }
        // The service's announced budget: none left means waiting for its window to reset.
        if self.budget.is_some_and(|b| now >= b.window_end) {
            // A new window: the whole limit, when the service said what it is.
            self.budget = self.announced_limit.map(|limit| Budget {
                remaining: limit,
                window_end: now + MAX_RESET,
                provisional: true,
            });
        }
        if let Some(b) = &mut self.budget {
            if b.remaining == 0 && b.provisional {
                // When the window ends is not known until one of its answers says: look again.
                return Wait::Paused(now + PROVISIONAL_RECHECK);
            }
            if b.remaining == 0 {
                return Wait::Paused(b.window_end);
            } else {
                b.remaining -= 1;
            }
        }
        self.finish_estimate();
        let wait = match self.interval {
            None => Wait::Go,
            Some(interval) => {
                let at = self.next_slot.map_or(now, |slot| slot.max(now));
                self.next_slot = Some(at + interval);
                if at > now { Wait::Slot(at) } else { Wait::Go }
            }
        };
        if self.max_rate.is_some() || self.learned_cap.is_some() {
            self.starts.push_back(match wait {
                Wait::Slot(at) => at,
                _ => now,
            });
        }
        wait
    }

    /// The pace of an episode, from what the service let through in the window before it began:
    /// attempts started by then and answered (not 429), plus those still unanswered.
    fn finish_estimate(&mut self) {
        let Some(p) = self.pending.take() else {
            return;
        };
        let in_window = |t: &Instant| *t <= p.at && *t + p.window >= p.at;
        let answered = self.admitted.iter().filter(|t| in_window(t)).count();
        let unanswered = self.sending.iter().filter(|t| in_window(t)).count();
        if p.window >= LOCKOUT_WAIT {
            // A window or a lockout: what got through in it may go at once in each next one.
            let n = u32::try_from((answered + unanswered).max(1)).unwrap_or(u32::MAX);
            self.learned_cap = Some(MaxRate {
                n,
                per: p.window + LOCKOUT_MARGIN,
            });
            self.interval = p.before;
            self.next_slot = None;
            return;
        }
        let learned = pace(answered + unanswered, p.window);
        self.interval = Some(p.before.map_or(learned, |old| old.max(learned)));
    }

    fn record_admitted(&mut self, started: Instant, now: Instant) {
        self.admitted.push_back(started);
        while self.admitted.len() > ADMITTED_MAX
            || self
                .admitted
                .front()
                .is_some_and(|t| *t + ADMITTED_HORIZON < now)
        {
            self.admitted.pop_front();
        }
    }
}

impl Permit<'_> {
    /// The service answered (not with a 429).
    pub(crate) fn succeeded(self) {
        let now = Instant::now();
        let mut s = self.gate.lock();
        s.record_admitted(self.started, now);
        s.successes += 1;
        if s.limit < self.gate.max && s.successes >= s.limit {
            s.limit += 1;
            s.successes = 0;
            self.gate.notify.notify_waiters();
        }
        if let (Some(interval), Some(throttled), Some(raised)) =
            (s.interval, s.throttled_at, s.last_raise)
        {
            let quiet = MIN_QUIET_BEFORE_RAISE.max(s.last_retry_after.saturating_mul(4));
            if now.saturating_duration_since(throttled) >= quiet
                && now.saturating_duration_since(raised) >= quiet
            {
                let faster = interval.mul_f64(100.0 / 105.0);
                s.last_raise = Some(now);
                if faster < MIN_INTERVAL {
                    s.interval = None;
                    s.next_slot = None;
                } else {
                    s.interval = Some(faster);
                }
            }
        }
    }

    /// The service answered 429 and asked to wait `retry_after`: pause everyone, and on the first
    /// 429 of an episode halve the concurrency limit and learn a pace from what got through.
    pub(crate) fn rate_limited(self, retry_after: Duration) {
        let now = Instant::now();
        let mut s = self.gate.lock();
        let until = now + retry_after;
        s.paused_until = Some(s.paused_until.map_or(until, |p| p.max(until)));
        s.last_retry_after = retry_after;
        let new_episode = s.throttled_at.is_none_or(|t| self.started > t);
        if new_episode {
            s.limit = (s.limit / 2).max(1);
            s.successes = 0;
            let window = retry_after.max(MIN_ESTIMATE_WINDOW);
            // A provisional pace from what is known now (answered attempts of the window, and
            // unanswered ones sent before this one); refined when the pause ends.
            let answered = s.admitted.iter().filter(|t| **t + window >= now).count();
            let ahead = s.sending.iter().filter(|t| **t < self.started).count();
            let before = s.pending.take().map_or(s.interval, |p| p.before);
            let provisional = pace(answered + ahead, window);
            s.interval = Some(before.map_or(provisional, |old| old.max(provisional)));
            s.pending = Some(PendingEstimate {
                at: now,
                window,
                before,
            });
            s.throttled_at = Some(now);
            s.last_raise = Some(now);
        }
    }

    /// The attempt failed in a way that says nothing about the rate (transport error, 5xx).
    pub(crate) fn failed(self) {}
}

/// The spacing between starts that keeps `got_through` requests per `window`, with a margin.
fn pace(got_through: usize, window: Duration) -> Duration {
    #[allow(clippy::cast_precision_loss)] // counts are far below 2^52
    let rate = got_through.max(1) as f64 * PACING_SAFETY / window.as_secs_f64();
    Duration::from_secs_f64(1.0 / rate).max(MIN_INTERVAL)
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut s = self.gate.lock();
        s.in_flight = s.in_flight.saturating_sub(1);
        if self.sending
            && let Some(i) = s.sending.iter().position(|t| *t == self.started)
        {
            s.sending.swap_remove(i);
        }
        drop(s);
        self.gate.notify.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(start_paused = true)]
    async fn an_announced_budget_is_never_overdrawn() {
        let gate = RateGate::new(8);
        let first = gate.acquire().await;
        // The service: 3 left in a window that resets in 10 s.
        gate.observe_budget(None, 3, Duration::from_secs(10));
        first.succeeded();
        let t0 = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..5 {
            let p = gate.acquire().await;
            starts.push(Instant::now() - t0);
            p.succeeded();
        }
        assert_eq!(
            &starts[..3],
            &[Duration::ZERO; 3],
            "the budget is used at once"
        );
        assert_eq!(
            starts[3],
            Duration::from_secs(10) + RESET_MARGIN,
            "then everyone waits for the reset"
        );
        assert_eq!(
            starts[4],
            Duration::from_secs(10) + RESET_MARGIN,
            "a new window: no budget known"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_new_window_starts_with_the_announced_limit_not_a_burst() {
        let gate = Arc::new(RateGate::new(16));
        let first = gate.acquire().await;
        // A limit of 2 per 5 s, none left: more concurrency than the limit must not burst.
        gate.observe_budget(Some(2), 0, Duration::from_secs(5));
        first.succeeded();
        let t0 = Instant::now();
        let a = gate.acquire().await;
        let b = gate.acquire().await;
        assert_eq!(Instant::now() - t0, Duration::from_secs(5) + RESET_MARGIN);
        let g = gate.clone();
        let third = tokio::spawn(async move {
            let p = g.acquire().await;
            p.succeeded();
        });
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert!(
            !third.is_finished(),
            "the new window's limit is taken: wait for an answer"
        );
        // The first answer of the window says when it ends.
        gate.observe_budget(Some(2), 0, Duration::from_secs(3));
        a.succeeded();
        b.succeeded();
        tokio::time::sleep(Duration::from_secs(4)).await;
        assert!(third.is_finished());
    }

    #[tokio::test(start_paused = true)]
    async fn requests_in_flight_are_taken_off_the_announced_budget() {
        let gate = RateGate::new(8);
        let a = gate.acquire().await;
        let b = gate.acquire().await;
        let _c = gate.acquire().await;
        // Answered `a` with 2 left: `b` and `c` are still in flight, so none is left for us.
        gate.observe_budget(None, 2, Duration::from_secs(5));
        a.succeeded();
        b.succeeded();
        let t0 = Instant::now();
        let _d = gate.acquire().await;
        assert_eq!(Instant::now() - t0, Duration::from_secs(5) + RESET_MARGIN);
    }

    #[tokio::test(start_paused = true)]
    async fn max_rate_admits_at_most_n_starts_in_any_window() {
        let gate = RateGate::with_max_rate(
            16,
            Some(MaxRate {
                n: 4,
                per: Duration::from_secs(10),
            }),
        );
        let t0 = Instant::now();
        let mut starts = Vec::new();
        for i in 0..10u64 {
            let p = gate.acquire().await;
            starts.push(Instant::now() - t0);
            p.succeeded();
            // Some time passes between requests.
            tokio::time::sleep(Duration::from_millis(500 * (i % 3))).await;
        }
        for (i, s) in starts.iter().enumerate() {
            let in_window = starts
                .iter()
                .filter(|t| **t >= *s && **t < *s + Duration::from_secs(10))
                .count();
            assert!(
                in_window <= 4,
                "{in_window} starts in the 10 s from start {i}: {starts:?}"
            );
        }
        assert_eq!(
            starts[4],
            Duration::from_millis(10_100),
            "the fifth waits for the first to age out (and the margin)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn concurrency_limit_is_enforced() {
        let gate = Arc::new(RateGate::new(2));
        let a = gate.acquire().await;
        let _b = gate.acquire().await;
        assert_eq!(gate.stats().in_flight, 2);
        let g = gate.clone();
        let third = tokio::spawn(async move {
            let p = g.acquire().await;
            p.succeeded();
        });
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(!third.is_finished(), "a third request must wait for a slot");
        a.succeeded();
        third.await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_pauses_everyone_and_halves_the_limit_once_per_episode() {
        let gate = RateGate::new(4);
        let mut held = Vec::new();
        for _ in 0..4 {
            held.push(gate.acquire().await);
        }
        let t0 = Instant::now();
        // All four in-flight requests come back 429: one episode, one halving.
        for p in held {
            p.rate_limited(Duration::from_secs(2));
        }
        let stats = gate.stats();
        assert_eq!(stats.limit, 2);
        assert_eq!(stats.in_flight, 0);
        assert_eq!(stats.paused_until, Some(t0 + Duration::from_secs(2)));
        let p = gate.acquire().await;
        assert!(
            Instant::now() >= t0 + Duration::from_secs(2),
            "the pause must hold new requests"
        );
        // A 429 on a request started after the episode began is a new episode.
        p.rate_limited(Duration::from_secs(1));
        assert_eq!(gate.stats().limit, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn limit_grows_back_after_successes() {
        let gate = RateGate::new(4);
        gate.acquire().await.rate_limited(Duration::from_secs(1));
        gate.acquire().await.rate_limited(Duration::from_secs(1));
        assert_eq!(gate.stats().limit, 1);
        gate.acquire().await.succeeded(); // 1 success at limit 1 -> 2
        assert_eq!(gate.stats().limit, 2);
        gate.acquire().await.succeeded();
        assert_eq!(gate.stats().limit, 2);
        gate.acquire().await.succeeded(); // 2 successes at limit 2 -> 3
        assert_eq!(gate.stats().limit, 3);
        for _ in 0..3 {
            gate.acquire().await.succeeded();
        }
        assert_eq!(gate.stats().limit, 4);
        for _ in 0..10 {
            gate.acquire().await.succeeded();
        }
        assert_eq!(gate.stats().limit, 4, "never above max_in_flight");
    }

    #[tokio::test(start_paused = true)]
    async fn resumed_requests_are_spread_at_the_learned_pace() {
        let gate = Arc::new(RateGate::new(8));
        // 10 requests get through at once, then a 429 asking for 1 s: the budget looks like 10/s.
        for _ in 0..10 {
            gate.acquire().await.succeeded();
        }
        gate.acquire().await.rate_limited(Duration::from_secs(1));
        let interval = gate.stats().interval.expect("pacing learned");
        assert!(
            interval > Duration::from_millis(100) && interval < Duration::from_millis(110),
            "{interval:?}"
        );
        let resume = gate.stats().paused_until.unwrap();
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let g = gate.clone();
            tasks.push(tokio::spawn(async move {
                let p = g.acquire().await;
                let at = Instant::now();
                p.succeeded();
                at
            }));
        }
        let mut starts = Vec::new();
        for t in tasks {
            starts.push(t.await.unwrap());
        }
        starts.sort();
        assert!(starts[0] >= resume);
        for pair in starts.windows(2) {
            // The paused clock fires timers on whole milliseconds.
            assert!(
                pair[1] - pair[0] + Duration::from_millis(1) >= interval,
                "starts must be spread: {starts:?}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_new_429_during_the_wait_extends_it() {
        let gate = Arc::new(RateGate::new(4));
        gate.acquire().await.rate_limited(Duration::from_secs(1));
        let g = gate.clone();
        let waiter = tokio::spawn(async move {
            let p = g.acquire().await;
            let at = Instant::now();
            p.succeeded();
            at
        });
        tokio::time::sleep(Duration::from_millis(500)).await;
        let t = Instant::now();
        // An in-flight request (started before the episode) reports another 429 with a longer wait.
        {
            let mut s = gate.lock();
            let until = t + Duration::from_secs(3);
            s.paused_until = Some(until);
            s.next_slot = Some(until);
        }
        let started = waiter.await.unwrap();
        assert!(started >= t + Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn the_pace_counts_what_got_through_before_the_429() {
        let gate = RateGate::new(4);
        let first = gate.acquire().await;
        tokio::time::advance(Duration::from_millis(1)).await;
        let second = gate.acquire().await;
        tokio::time::advance(Duration::from_millis(1)).await;
        let limited = gate.acquire().await;
        tokio::time::advance(Duration::from_millis(1)).await;
        let later = gate.acquire().await;
        // Provisionally, two unanswered requests were sent ahead of the limited one:
        // 2 per 2 s -> about 1/s at 95 %.
        limited.rate_limited(Duration::from_secs(2));
        let provisional = gate.stats().interval.unwrap();
        assert!(
            provisional > Duration::from_millis(1000) && provisional < Duration::from_millis(1100),
            "{provisional:?}"
        );
        // The service reached `later` before the limited one: three got through in all.
        first.succeeded();
        second.succeeded();
        later.succeeded();
        let next = gate.acquire().await;
        let learned = gate.stats().interval.unwrap();
        assert!(
            learned > Duration::from_millis(650) && learned < Duration::from_millis(750),
            "{learned:?}"
        );
        assert_eq!(gate.lock().sending.len(), 1);
        next.failed();
        assert!(gate.lock().sending.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn pacing_speeds_up_after_a_quiet_period() {
        let gate = RateGate::new(1);
        gate.acquire().await.succeeded();
        gate.acquire().await.rate_limited(Duration::from_secs(1));
        let learned = gate.stats().interval.unwrap();
        tokio::time::sleep(Duration::from_secs(31)).await;
        gate.acquire().await.succeeded();
        let later = gate.stats().interval.unwrap();
        assert!(later < learned, "{later:?} !< {learned:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn after_a_lockout_each_window_gets_what_got_through_at_once() {
        let gate = RateGate::new(4);
        let t0 = Instant::now();
        for _ in 0..10 {
            gate.acquire().await.succeeded();
        }
        // The 11th is locked out for 60 s (no RateLimit-* headers).
        gate.acquire().await.rate_limited(Duration::from_secs(60));
        let mut starts = Vec::new();
        for _ in 0..25 {
            let p = gate.acquire().await;
            starts.push(Instant::now() - t0);
            p.succeeded();
        }
        let at = |i: usize| starts[i].as_secs();
        assert_eq!((at(0), at(9)), (60, 60), "10 at once when the lockout ends");
        assert_eq!(
            (at(10), at(19)),
            (121, 121),
            "then 10 in the next window, after a margin"
        );
        assert_eq!(at(20), 182);
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_wait_frees_its_slot() {
        let gate = RateGate::new(1);
        gate.acquire().await.rate_limited(Duration::from_secs(30));
        let wait = gate.acquire();
        assert!(
            tokio::time::timeout(Duration::from_secs(1), wait)
                .await
                .is_err()
        );
        assert_eq!(gate.stats().in_flight, 0);
    }
}
