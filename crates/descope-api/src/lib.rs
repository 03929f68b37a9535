//! Typed client of the Descope management API: models, auth, retries and the shared rate gate.
//! It never prints; callers decide what to show. The management key never appears in any error,
//! `Debug` output or log line.

mod client;
#[cfg(test)]
mod client_tests;
mod config;
mod error;
mod flows;
mod gate;
pub mod models;
mod retry;
mod tenants;
#[cfg(test)]
mod timeout_tests;
mod wait;

/// The fast map of in-memory indexes, from descope-model (where it now lives).
pub use descope_model::hash;

pub use client::Client;
pub use config::{
    ClientConfig, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, RetryPolicy,
    resolve_base_url,
};
pub use error::{ApiError, RATE_LIMIT_EXCEEDED, TENANT_NOT_FOUND};
pub use models::*;
pub use retry::parse_retry_after;
pub use wait::{WaitReporter, Waiting};
