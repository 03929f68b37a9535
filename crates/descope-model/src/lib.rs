//! The domain model of descope-mgmt: the types that both the plan (descope-spec, descope-sync)
//! and the client of the management API (descope-api) need, with their JSON form and nothing else.
//!
//! What belongs here: a resource as the service holds it and as a request writes it ([`Tenant`],
//! [`TenantRequest`]), its parts ([`Attrs`]), their serde rules ([`null_as_default`]), and the
//! in-memory index the planner probes ([`hash::FastMap`]). What does not: anything that does IO
//! (HTTP, files, clocks), wire-only shapes that no plan reads (search filters, the license, flow
//! summaries stay in descope-api), and plan or CLI logic. The crate depends on serde, serde_json and
//! rustc-hash only, so the planner builds without reqwest, hyper or tokio (a test holds it).
//!
//! Where the next resource kinds go (issue 13): roles and permissions get their own modules here
//! (`role.rs`, `permission.rs`), each with the type as loaded and its request body, as `tenant.rs`
//! has for tenants; tenant settings, today the untyped [`TenantSettings`] map, become a typed
//! struct in `tenant.rs` beside [`Tenant`], keeping the fields it does not know so a restore sends
//! back what was read.

mod attrs;
pub mod hash;
mod tenant;

pub use attrs::Attrs;
pub use tenant::{Tenant, TenantRequest, TenantSettings, null_as_default};
