//! Fault injection: the fixed-window rate limiters (the project's, and one per route family),
//! with an optional lockout after a request over the limit, and the seeded random draws for 503s
//! and dropped connections. One mutex guards the settings, the windows and the generator, so the
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

/// What the rate limiter says of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Admission {
    /// `Some(seconds)`: answer 429 with this `Retry-After`.
    pub limited: Option<u64>,
    /// The latency to apply to an admitted request.
    pub latency: Duration,
    /// The `RateLimit-*` headers for the answer (when a limit applies and headers are on).
    pub headers: Option<RateHeaders>,
}

/// `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (seconds until the window ends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RateHeaders {
    pub limit: u32,
    pub remaining: u32,
    pub reset: u64,
}

/// One fixed window: its start and the requests admitted in it, and a lockout's end.
#[derive(Debug, Clone, Copy, Default)]
struct Window {
    current: Option<(Instant, u32)>,
    locked_until: Option<Instant>,
}

#[derive(Debug)]
struct Inner {
    faults: Faults,
    rng: StdRng,
    /// The project's window, and one per route limit (by prefix).
    window: Window,
    routes: Vec<(String, Window)>,
    /// Lockouts started and requests answered 429 since the counters were last cleared.
    lockouts: u64,
    limited: u64,
}

fn whole_secs(d: Duration) -> u64 {
    d.as_secs_f64().ceil().max(1.0) as u64
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
                window: Window::default(),
                routes: Vec::new(),
                lockouts: 0,
                limited: 0,
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
        inner.window = Window::default();
        inner.routes.clear();
        if let Some(seed) = seed {
            inner.rng = StdRng::seed_from_u64(seed);
        }
    }

    /// Restarts the random sequence and the rate-limit window.
    pub fn reseed(&self, seed: u64) {
        let mut inner = self.lock();
        inner.rng = StdRng::seed_from_u64(seed);
        inner.window = Window::default();
        inner.routes.clear();
    }

    /// Lockouts started and requests answered 429 since the counters were last cleared.
    pub fn counters(&self) -> (u64, u64) {
        let inner = self.lock();
        (inner.lockouts, inner.limited)
    }

    /// Clears the counters (with the journal).
    pub fn clear_counters(&self) {
        let mut inner = self.lock();
        inner.lockouts = 0;
        inner.limited = 0;
    }

    /// Admits a request to `path` under its rate limit (the longest matching route limit, else
    /// the project's): over the limit, or in a lockout, it is answered 429 with the seconds until
    /// it may retry; a request over the limit starts a lockout when one is configured.
    pub fn admit(&self, now: Instant, path: &str) -> Admission {
        let mut inner = self.lock();
        let latency = Duration::from_millis(inner.faults.latency_ms);
        let lockout = Duration::from_secs(inner.faults.rate_limit_lockout_secs);
        let headers_on = !inner.faults.no_rate_headers;
        let route = inner
            .faults
            .route_limits
            .iter()
            .filter(|r| path.starts_with(&r.prefix))
            .max_by_key(|r| r.prefix.len())
            .cloned();
        let (requests, window_secs) = match (&route, &inner.faults.rate_limit) {
            (Some(r), _) => (r.requests, r.window_secs),
            (None, Some(l)) => (l.requests, l.window_secs),
            (None, None) => {
                return Admission {
                    limited: None,
                    latency,
                    headers: None,
                };
            }
        };
        let window_len = Duration::from_secs(window_secs);
        let inner = &mut *inner;
        let w = match &route {
            Some(r) => {
                if let Some(i) = inner.routes.iter().position(|(p, _)| *p == r.prefix) {
                    &mut inner.routes[i].1
                } else {
                    inner.routes.push((r.prefix.clone(), Window::default()));
                    &mut inner.routes.last_mut().expect("just pushed").1
                }
            }
            None => &mut inner.window,
        };
        let (start, admitted) = match w.current {
            Some((start, n)) if now < start + window_len => (start, n),
            _ => (now, 0),
        };
        let reset = whole_secs((start + window_len).saturating_duration_since(now));
        let headers = |remaining: u32, reset: u64| {
            headers_on.then_some(RateHeaders {
                limit: requests,
                remaining,
                reset,
            })
        };
        if let Some(until) = w.locked_until.filter(|u| now < *u) {
            let left = whole_secs(until - now);
            w.current = Some((start, admitted));
            inner.limited += 1;
            return Admission {
                limited: Some(left),
                latency,
                headers: headers(0, left),
            };
        }
        if admitted < requests {
            w.current = Some((start, admitted + 1));
            return Admission {
                limited: None,
                latency,
                headers: headers(requests - admitted - 1, reset),
            };
        }
        w.current = Some((start, admitted));
        inner.limited += 1;
        if lockout.is_zero() {
            return Admission {
                limited: Some(reset),
                latency,
                headers: headers(0, reset),
            };
        }
        // Over the limit: locked out; the window starts again when the lockout ends.
        w.locked_until = Some(now + lockout);
        w.current = None;
        inner.lockouts += 1;
        let left = whole_secs(lockout);
        Admission {
            limited: Some(left),
            latency,
            headers: headers(0, left),
        }
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
        let at = |ms: u64| engine.admit(t0 + Duration::from_millis(ms), "/v1/mgmt/tenant/all");
        assert_eq!(at(0).limited, None);
        assert_eq!(
            at(1000).headers,
            Some(RateHeaders {
                limit: 2,
                remaining: 0,
                reset: 9
            })
        );
        assert_eq!(at(2500).limited, Some(8));
        assert_eq!(at(9990).limited, Some(1));
        assert_eq!(at(10_000).limited, None);
        assert_eq!(engine.counters(), (0, 2));
    }

    #[test]
    fn a_request_over_the_limit_locks_everything_out_for_the_lockout() {
        let engine = FaultEngine::new(
            Faults {
                rate_limit: Some(RateLimit {
                    requests: 2,
                    window_secs: 10,
                }),
                rate_limit_lockout_secs: 60,
                ..Faults::default()
            },
            0,
        );
        let t0 = Instant::now();
        let at = |s: u64| engine.admit(t0 + Duration::from_secs(s), "/v1/mgmt/tenant/all");
        assert_eq!(at(0).limited, None);
        assert_eq!(at(1).limited, None);
        assert_eq!(at(2).limited, Some(60), "the third starts a 60 s lockout");
        // The window would have ended at 10 s; the lockout has not.
        assert_eq!(at(15).limited, Some(47));
        assert_eq!(at(61).limited, Some(1));
        assert_eq!(
            at(62).limited,
            None,
            "after the lockout a new window starts"
        );
        assert_eq!(at(63).limited, None);
        assert_eq!(engine.counters(), (1, 3));
        engine.clear_counters();
        assert_eq!(engine.counters(), (0, 0));
    }

    #[test]
    fn route_limits_count_their_own_routes_and_headers_can_be_off() {
        let engine = FaultEngine::new(
            Faults {
                rate_limit: Some(RateLimit {
                    requests: 1,
                    window_secs: 60,
                }),
                route_limits: vec![crate::RouteLimit {
                    prefix: "/v1/mgmt/user".into(),
                    requests: 3,
                    window_secs: 60,
                }],
                no_rate_headers: true,
                ..Faults::default()
            },
            0,
        );
        let t0 = Instant::now();
        assert_eq!(engine.admit(t0, "/v1/mgmt/tenant/all").limited, None);
        assert!(engine.admit(t0, "/v1/mgmt/tenant/all").limited.is_some());
        for _ in 0..3 {
            let a = engine.admit(t0, "/v1/mgmt/user/search");
            assert_eq!(a.limited, None);
            assert_eq!(a.headers, None);
        }
        assert!(engine.admit(t0, "/v1/mgmt/user/create").limited.is_some());
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
