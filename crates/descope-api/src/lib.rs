//! Typed client of the Descope management API: models, auth, retries and the shared rate gate.
//! It never prints; callers decide what to show. The management key never appears in any error,
//! `Debug` output or log line.
//!
//! # Calls
//!
//! - Tenants: `create_tenant`, `update_tenant`, `delete_tenant`, `load_tenant`,
//!   `load_all_tenants`, `search_tenants`, `set_default_roles`; session settings untyped
//!   (`tenant_settings`, `set_tenant_settings`) or typed ([`Client::load_session_settings`], which
//!   answers `None` for a tenant that does not exist, and [`Client::write_session_settings`]). The
//!   service replaces every settings field on write: read, change, write back ([`SessionSettings`]
//!   keeps the fields it does not model).
//! - Permissions: [`Client::load_all_permissions`], `create_permission`, `update_permission`
//!   (a rename is `new_name`), `delete_permission`, and the batch forms
//!   `create_permissions_batch`, `update_permissions_batch`, `delete_permissions_batch` (which
//!   refuses an empty filter before sending).
//! - Roles: [`Client::load_all_roles`], [`Client::search_roles`] (every filter of
//!   [`RoleSearch`]), `create_role`, `update_role` (a rename is `new_name`, never a delete and a
//!   create), `delete_role` (by [`NameOrId`], in a tenant or the project), and the batch forms
//!   `create_roles_batch` and `update_roles_batch` (one request per tenant, since a batch may not
//!   span tenants) and `delete_roles_batch`, whose [`RoleFilter`] cannot be built empty: the
//!   service deletes every role when given an empty filter.
//! - Flows and theme: `list_flows`, `delete_flows`, `export_flow`, `import_flow`,
//!   `export_theme`, `import_theme`; and `license`.
//! - Project snapshots: `export_snapshot` (with or without assets), `validate_snapshot`,
//!   `import_snapshot` (excludes: only `lists`); secrets travel as [`SnapshotSecrets`], whose
//!   `Debug` never shows a value.
//!
//! Updates of roles and permissions replace every field, like tenants: build them from the object
//! as loaded (`RoleUpdate::from_role`, `PermissionUpdate::from_permission`). Batches are sent
//! whole: the service documents no size limit (reference §6).
//!
//! Writes do not double under retries: a create, rename or delete whose earlier attempt's answer
//! was lost, and whose later attempt fails, reads the service, and counts as done when it finds
//! the wanted state (the object present with the fields sent, or gone).

mod client;
#[cfg(test)]
mod client_tests;
mod config;
mod error;
mod flows;
mod gate;
pub mod models;
mod permissions;
mod retry;
mod roles;
#[cfg(test)]
mod roles_tests;
mod session;
mod snapshot;
mod tenants;
#[cfg(test)]
mod timeout_tests;
mod wait;
mod writes;

/// The fast map of in-memory indexes, from descope-model (where it now lives).
pub use descope_model::hash;

pub use client::Client;
pub use config::{
    ClientConfig, DEFAULT_BASE_URL, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, RetryPolicy,
    resolve_base_url,
};
pub use error::{ApiError, RATE_LIMIT_EXCEEDED, TENANT_NOT_FOUND};
pub use gate::MaxRate;
pub use models::*;
pub use retry::parse_retry_after;
pub use snapshot::{SnapshotFiles, SnapshotSecret, SnapshotSecrets, SnapshotValidation};
pub use wait::{WaitReporter, Waiting};
