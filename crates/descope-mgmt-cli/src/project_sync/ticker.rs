//! The status line of a long apply off a terminal (a CI log has no progress bar): at least
//! every 10 s, how many writes are done and about how long the rest will take.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::output::Out;

/// How often the status line is written.
pub const EVERY: Duration = Duration::from_secs(10);

/// A task writing the status line until stopped.
pub struct Ticker {
    task: tokio::task::JoinHandle<()>,
}

impl Ticker {
    /// Starts writing "applying: D/T writes done, about E left" every [`EVERY`].
    pub fn start(out: Out, total: usize, done: Arc<AtomicUsize>) -> Self {
        let started = Instant::now();
        let task = tokio::spawn(async move {
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + EVERY, EVERY);
            loop {
                tick.tick().await;
                let d = done.load(Ordering::Relaxed);
                out.status(&line(d, total, started.elapsed()));
            }
        });
        Self { task }
    }

    /// Stops it.
    pub fn stop(self) {
        self.task.abort();
    }
}

/// "applying: 120/300 writes done, about 1 min 30 s left" (no estimate before the first).
#[must_use]
pub fn line(done: usize, total: usize, elapsed: Duration) -> String {
    let left = total.saturating_sub(done);
    if done == 0 || left == 0 {
        return format!("applying: {done}/{total} writes done");
    }
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    let eta = elapsed.mul_f64(left as f64 / done as f64);
    format!(
        "applying: {done}/{total} writes done, about {} left",
        crate::values::minutes_seconds(eta.max(Duration::from_secs(1)))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_estimates_from_the_pace_so_far() {
        assert_eq!(
            line(0, 300, Duration::from_secs(10)),
            "applying: 0/300 writes done"
        );
        assert_eq!(
            line(100, 300, Duration::from_secs(45)),
            "applying: 100/300 writes done, about 1 min 30 s left"
        );
        assert_eq!(
            line(300, 300, Duration::from_secs(45)),
            "applying: 300/300 writes done"
        );
    }
}
