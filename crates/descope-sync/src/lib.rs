//! descope-sync: the pure plan engine. `plan(desired, live, options)` compares the tenants a
//! tenants.yaml wants with the tenants a project has and says what to create, update and delete.
//! No IO, no HTTP, no clock: the same inputs always give the same plan.
//!
//! Rules (SPEC §3–§4):
//! - A field left out of the file (`None`) is not managed: the live value is kept and no change
//!   is shown. A field that is set is managed exactly: `domains` and `defaultRoles` are compared
//!   as sets (sent in file order); `customAttributes` is compared as a whole map — keys the file
//!   does not list are removed, `{}` clears them all; numbers compare by value (`50` == `50.0`).
//! - `parent` is create-time only: a file parent that differs from the live one is an error.
//! - `only` patterns scope the whole plan: tenants (desired or live) whose id matches none of
//!   them are ignored entirely (they still count as existing when a parent is resolved).
//! - Deletes happen only with `prune`, never for ids matching `protected`, never for a tenant
//!   that a kept tenant names as its parent, and never more than `max_deletes`.
//! - An update's request is the full live record with only the managed fields changed, because
//!   the service's update replaces every field.

mod fingerprint;
mod plan;

pub use fingerprint::fingerprint;
pub use plan::{Action, Change, FieldChange, Plan, PlanError, PlanOptions, Summary, plan};
