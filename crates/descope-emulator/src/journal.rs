//! The request journal: one entry per service request (admin requests are not recorded), with the
//! number of requests in flight when it started and the maximum seen, for concurrency checks.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use serde::Serialize;

/// The oldest entries are forgotten past this many, so a long benchmark cannot exhaust memory.
const MAX_ENTRIES: usize = 1_000_000;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Entry {
    pub seq: u64,
    pub method: String,
    pub path: String,
    /// HTTP status sent; 0 when the connection was closed without a response.
    pub status: u16,
    /// Tenant or flow id named by the request body or query.
    pub target: Option<String>,
    pub start_ms: u64,
    pub duration_ms: u64,
    pub in_flight: u64,
    /// The `cascade` flag of a tenant delete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cascade: Option<bool>,
}

#[derive(Debug, Default)]
struct Inner {
    entries: VecDeque<Entry>,
    max_in_flight: u64,
}

#[derive(Debug)]
pub(crate) struct Journal {
    started: Instant,
    next_seq: AtomicU64,
    in_flight: AtomicU64,
    inner: Mutex<Inner>,
}

/// A request being served: counted in flight until dropped, when its entry is written.
pub(crate) struct Pending<'a> {
    journal: &'a Journal,
    started: Instant,
    pub entry: Entry,
}

impl Journal {
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
            next_seq: AtomicU64::new(1),
            in_flight: AtomicU64::new(0),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Starts recording a request. Its status stays 0 (dropped) unless set before the guard drops.
    pub fn begin(&self, method: &str, path: &str) -> Pending<'_> {
        let started = Instant::now();
        let in_flight = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        {
            let mut inner = self.lock();
            inner.max_in_flight = inner.max_in_flight.max(in_flight);
        }
        Pending {
            journal: self,
            started,
            entry: Entry {
                seq: self.next_seq.fetch_add(1, Ordering::SeqCst),
                method: method.to_owned(),
                path: path.to_owned(),
                status: 0,
                target: None,
                start_ms: started.duration_since(self.started).as_millis() as u64,
                duration_ms: 0,
                in_flight,
                cascade: None,
            },
        }
    }

    /// The journal as `GET /__emulator/journal` returns it.
    pub fn to_json(&self) -> serde_json::Value {
        let inner = self.lock();
        let mut entries: Vec<&Entry> = inner.entries.iter().collect();
        entries.sort_by_key(|e| e.seq);
        serde_json::json!({ "requests": entries, "maxInFlight": inner.max_in_flight })
    }

    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.entries.clear();
        inner.max_in_flight = self.in_flight.load(Ordering::SeqCst);
    }
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        self.journal.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.entry.duration_ms = self.started.elapsed().as_millis() as u64;
        let entry = self.entry.clone();
        let mut inner = self.journal.lock();
        if inner.entries.len() >= MAX_ENTRIES {
            inner.entries.pop_front();
        }
        inner.entries.push_back(entry);
    }
}

/// What a handler tells the journal about its request, as a response extension: the target
/// when the request did not name it (a generated tenant id) and a delete's `cascade` flag.
#[derive(Debug, Clone, Default)]
pub(crate) struct Note {
    pub target: Option<String>,
    pub cascade: Option<bool>,
}

impl Note {
    /// Attaches a note naming `target` (a role or permission name, names joined with commas for
    /// a batch) to `response`.
    pub fn target(
        mut response: axum::response::Response,
        target: String,
    ) -> axum::response::Response {
        if !target.is_empty() {
            response.extensions_mut().insert(Note {
                target: Some(target),
                cascade: None,
            });
        }
        response
    }
}
