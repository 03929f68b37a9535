//! PLACEHOLDER (the lead replaces this file): executes a project plan.

use descope_model::Tenant;

use crate::execute::{Backend, ExecuteOptions, Outcome, Report};
use crate::project::{ProjectPlan, ResourceChange};

/// The writes of the kinds beyond tenants.
#[allow(async_fn_in_trait)]
pub trait ProjectBackend: Backend {
    /// Backs up every update and delete of `changes` before the first write of the run.
    async fn backup_resources(&self, changes: &[&ResourceChange]) -> Result<(), Self::Error>;
    /// One batch request: every change has the same kind and action (and tenant, for tenant
    /// roles); the service applies all of it or none.
    async fn write_batch(&self, changes: &[&ResourceChange]) -> Result<Outcome, Self::Error>;
    /// Writes one tenant's settings (request `None`: read them now and apply the fields).
    async fn write_settings(&self, change: &ResourceChange) -> Result<Outcome, Self::Error>;
}

/// What `execute_project` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectReport {
    /// The tenant waves.
    pub tenants: Report,
    /// Index into [`ProjectPlan::resources`] and its outcome, in the order they finished.
    pub resources: Vec<(usize, Outcome)>,
    /// `stop` was set when the run ended.
    pub interrupted: bool,
}

/// Applies a project plan.
///
/// # Errors
/// The backend's error that stops the run.
pub async fn execute_project<B: ProjectBackend>(
    _plan: &ProjectPlan,
    _live: &[Tenant],
    _backend: &B,
    _options: &ExecuteOptions,
    _stop: &dyn Fn() -> bool,
) -> Result<ProjectReport, B::Error> {
    unimplemented!("lead")
}
