//! Ctrl-C and SIGTERM: what the signal watcher and the writer share.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Ctrl-C / SIGTERM handling: once set, no new write starts; writes already sent finish and are
/// audited; then the command ends with exit 130.
#[derive(Debug, Clone, Default)]
pub struct Interrupt {
    stop: Arc<AtomicBool>,
    in_flight: Arc<AtomicUsize>,
    graceful: Arc<AtomicBool>,
    made: Arc<AtomicUsize>,
}

impl Interrupt {
    /// A signal arrived.
    pub fn trigger(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    /// Whether a signal arrived.
    #[must_use]
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Writes sent and not yet audited.
    #[must_use]
    pub fn writes_in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// The command handles interruption itself (it finishes its in-flight writes and reports);
    /// the signal watcher then waits for it instead of abandoning it.
    pub fn set_graceful(&self, on: bool) {
        self.graceful.store(on, Ordering::SeqCst);
    }

    /// See [`Interrupt::set_graceful`].
    #[must_use]
    pub fn graceful(&self) -> bool {
        self.graceful.load(Ordering::SeqCst)
    }

    /// Counts one write the service accepted (and that is audited).
    pub fn write_made(&self) {
        self.made.fetch_add(1, Ordering::SeqCst);
    }

    /// Writes the service accepted during this run.
    #[must_use]
    pub fn writes_made(&self) -> usize {
        self.made.load(Ordering::SeqCst)
    }

    /// Counts a write as in flight until the guard drops.
    #[must_use]
    pub fn write_guard(&self) -> WriteGuard {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        WriteGuard(self.in_flight.clone())
    }
}

/// Marks one write in flight (see [`Interrupt::write_guard`]).
pub struct WriteGuard(Arc<AtomicUsize>);

impl Drop for WriteGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
