//! The whole project's plan (SPEC §3a): the tenant plan of [`crate::plan`] plus the changes of
//! the other resource kinds — permissions, project roles, tenant session settings and tenant
//! roles — planned from the same file ([`plan_project`]) and executed in one run
//! ([`execute_project`]).
//!
//! Order of the writes (the rule): permissions (create, rename) → project roles →
//! tenants (parents first, the existing waves) → tenant settings → tenant roles → the default
//! roles held back for tenant roles created in the same run; then the deletes in reverse: tenant
//! roles, project roles, permissions (tenant deletes stay in the tenant waves; a deleted tenant's
//! roles go with it). Roles and permissions are written with the batch endpoints: one request per
//! kind, action (and tenant, for tenant roles; a batch may not span tenants), in chunks of
//! [`BATCH_SIZE`].

mod cost;
mod execute;
mod plan;
pub(crate) mod resource;

pub use cost::duration_at;
pub use execute::{ProjectBackend, ProjectReport, execute_project};
pub use plan::{
    ProjectPlanError, Reads, SavedResource, Scope, plan_project, resource_fingerprints,
    settings_with,
};
pub(crate) use plan::{
    fingerprint_of_key, project_plan, rederive_resources, saved_reads, tenant_options,
};
pub use resource::{BATCH_SIZE, LiveResources, ProjectPlan, ResourceChange, ResourceRequest};
