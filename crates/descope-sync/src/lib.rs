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
//! - Names are unique in a project: `schedule` frees a name (rename or delete) before a create or
//!   rename takes it, and renames that form a cycle (a swap) first take a temporary name, which
//!   the plan shows (`Change::temp_name`).
//! - A saved plan is trusted only as far as it shows: `rederive` builds every request again from
//!   its fields and the live tenants, and holds it to the `--prune` and `--max-deletes` it was
//!   made with.
//! - `execute(plan, live, backend, options, stop)` sends the plan's writes through a
//!   [`Backend`]: every backup first, then the waves of [`Plan::waves`].

mod change;
mod document;
mod drift;
mod execute;
mod fingerprint;
mod order;
mod plan;
mod project;
mod saved;
mod trust;

pub use change::{Action, Change, FieldChange, Plan, PlanOptions, ResourceKind, Summary};
pub use document::{
    PLAN_FORMAT, PlanDocument, ProjectPlanDocument, ReadError, SavedPlan, live_fingerprints,
    plan_fingerprints,
};
pub use drift::{Drift, DriftItem, drift};
pub use execute::{Backend, ExecuteOptions, Outcome, Report, execute};
pub use fingerprint::fingerprint;
pub use order::{Step, schedule, temporary_names};
pub use plan::{PlanError, Wave, plan};
pub use project::{
    BATCH_SIZE, LiveResources, ProjectBackend, ProjectPlan, ProjectPlanError, ProjectReport, Reads,
    ResourceChange, ResourceRequest, SavedResource, Scope, duration_at, execute_project,
    plan_project, resource_fingerprints, settings_with,
};
pub use saved::{SavedChange, rederive};
pub use trust::TrustError;
