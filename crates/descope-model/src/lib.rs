//! The domain model of descope-mgmt: the types that both the plan (descope-spec, descope-sync)
//! and the client of the management API (descope-api) need, with their JSON form and nothing else.
//!
//! What belongs here: a resource as the service holds it and as a request writes it ([`Tenant`]
//! and [`TenantRequest`]; [`Role`], [`RoleRequest`] and [`RoleUpdate`]; [`Permission`],
//! [`PermissionRequest`] and [`PermissionUpdate`]), its parts ([`Attrs`], [`NameOrId`]), a
//! tenant's session settings (the untyped [`TenantSettings`] map the client reads and writes, and
//! the typed [`SessionSettings`] view a plan diffs, which keeps every field it does not model),
//! their serde rules ([`null_as_default`], [`empty_as_none`]), and the in-memory index the planner
//! probes ([`hash::FastMap`]). What does not: anything that does IO (HTTP, files, clocks),
//! wire-only shapes that no plan reads (search filters, batch-delete filters, the license, flow
//! summaries stay in descope-api), and plan or CLI logic. The crate depends on serde, serde_json
//! and rustc-hash only, so the planner builds without reqwest, hyper or tokio (a test holds it).

mod attrs;
pub mod hash;
mod name_or_id;
mod permission;
mod role;
mod settings;
mod tenant;

pub use attrs::Attrs;
pub use name_or_id::{NameOrId, empty_as_none, none_as_empty};
pub use permission::{Permission, PermissionRequest, PermissionUpdate};
pub use role::{Role, RoleRequest, RoleUpdate};
pub use settings::{
    Expiration, SessionSettings, SettingsError, SsoDisabledFeatures, SsoSetupSuite, Unit,
};
pub use tenant::{Tenant, TenantRequest, TenantSettings, null_as_default};
