//! Fault injection: the fixed-window rate limiter and the seeded random draws for 503s and
//! dropped connections. One mutex guards the settings, the window and the generator, so the
//! sequence of draws is a function of the seed and the order requests arrive in.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::Faults;

/// Where a dropped connection is cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DropPoint {
    /// The request is answered normally.
    None,
    /// Closed before the request is processed: no state change.
    Before,
    /// Closed after processing: the state changed, the response is lost.
    After,
}

/// What happens to a request after the rate limit and the latency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Draw {
    Fail,
    Proceed(DropPoint),
}

#[derive(Debug)]
struct Inner {
    faults: Faults,
    rng: StdRng,
    /// Start of the current rate-limit window and the requests admitted in it.
    window: Option<(Instant, u32)>,
}

#[derive(Debug)]
pub(crate) struct FaultEngine {
    inner: Mutex<Inner>,
}

impl FaultEngine {
    pub fn new(faults: Faults, seed: u64) -> Self {
        Self {
            inner: Mutex::new(Inner {
                faults,
                rng: StdRng::seed_from_u64(seed),
                window: None,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn faults(&self) -> Faults {
        self.lock().faults.clone()
    }

    /// Replaces the faults (the caller validated them) and restarts the rate-limit window;
    /// with `seed`, also restarts the random sequence.
    pub fn set(&self, faults: Faults, seed: Option<u64>) {
        let mut inner = self.lock();
        inner.faults = faults;
        inner.window = None;
        if let Some(seed) = seed {
            inner.rng = StdRng::seed_from_u64(seed);
        }
    }

    /// Restarts the random sequence and the rate-limit window.
    pub fn reseed(&self, seed: u64) {
        let mut inner = self.lock();
        inner.rng = StdRng::seed_from_u64(seed);
        inner.window = None;
    }

    /// Admits the request under the rate limit, returning the latency to apply; or, over the
    /// limit, the whole seconds until the window ends (at least 1).
    pub fn admit(&self, now: Instant) -> Result<Duration, u64> {
        let mut inner = self.lock();
        let latency = Duration::from_millis(inner.faults.latency_ms);
        let Some(limit) = inner.faults.rate_limit.clone() else {
            return Ok(latency);
        };
        let window = Duration::from_secs(limit.window_secs);
        let (start, admitted) = match inner.window {
            Some((start, n)) if now < start + window => (start, n),
            _ => (now, 0),
        };
        if admitted < limit.requests {
            inner.window = Some((start, admitted + 1));
            return Ok(latency);
        }
        inner.window = Some((start, admitted));
        let left = (start + window).saturating_duration_since(now);
        Err(left.as_secs_f64().ceil().max(1.0) as u64)
    }

    /// Draws whether the request fails with 503, and if not whether its connection is dropped.
    pub fn draw(&self) -> Draw {
        let mut inner = self.lock();
        let (fail_rate, drop_rate) = (inner.faults.fail_rate, inner.faults.drop_rate);
        if fail_rate > 0.0 && inner.rng.random::<f64>() < fail_rate {
            return Draw::Fail;
        }
        if drop_rate > 0.0 && inner.rng.random::<f64>() < drop_rate {
            return Draw::Proceed(if inner.rng.random::<bool>() {
                DropPoint::Before
            } else {
                DropPoint::After
            });
        }
        Draw::Proceed(DropPoint::None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RateLimit;

    #[test]
    fn window_admits_n_then_limits_until_it_ends() {
        let limit = RateLimit {
            requests: 2,
            window_secs: 10,
        };
        let engine = FaultEngine::new(
            Faults {
                rate_limit: Some(limit),
                ..Faults::default()
            },
            0,
        );
        let t0 = Instant::now();
        assert!(engine.admit(t0).is_ok());
        assert!(engine.admit(t0 + Duration::from_secs(1)).is_ok());
        assert_eq!(engine.admit(t0 + Duration::from_millis(2500)), Err(8));
        assert_eq!(engine.admit(t0 + Duration::from_millis(9990)), Err(1));
        assert!(engine.admit(t0 + Duration::from_secs(10)).is_ok());
    }

    #[test]
    fn draws_repeat_under_the_same_seed() {
        let faults = Faults {
            fail_rate: 0.3,
            drop_rate: 0.3,
            ..Faults::default()
        };
        let run = |seed| {
            let e = FaultEngine::new(faults.clone(), seed);
            (0..200).map(|_| e.draw()).collect::<Vec<_>>()
        };
        let a = run(7);
        assert_eq!(a, run(7));
        assert!(a.contains(&Draw::Fail));
        assert!(a.contains(&Draw::Proceed(DropPoint::Before)));
        assert!(a.contains(&Draw::Proceed(DropPoint::After)));
        assert!(a.contains(&Draw::Proceed(DropPoint::None)));
    }
}
