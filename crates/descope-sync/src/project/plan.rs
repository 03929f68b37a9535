//! PLACEHOLDER (helper C replaces this file): the project planner.

use descope_model::{SessionSettings, Tenant};
use descope_spec::{Spec, SpecErrors};

use crate::change::{FieldChange, PlanOptions};
use crate::plan::PlanError;
use crate::project::resource::{LiveResources, ProjectPlan};

/// Which sections a plan covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `sync`: the whole file.
    Project,
    /// `tenant sync`: tenants, their settings and their roles; top-level `permissions:` and
    /// `roles:` are not planned.
    Tenants,
}

/// What the planner needs read from the live project, beyond the tenants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reads {
    /// Every permission (`GET /v1/mgmt/permission/all`).
    pub permissions: bool,
    /// Every role (`GET /v1/mgmt/role/all`).
    pub roles: bool,
    /// The tenants whose settings to read (entries with `settings:`, in scope), one GET each;
    /// a tenant that does not exist live is skipped by the reader.
    pub settings_of: Vec<String>,
}

impl Reads {
    /// What a plan of `spec` in `scope` under `opts` reads.
    #[must_use]
    pub fn of(_spec: &Spec, _scope: Scope, _opts: &PlanOptions) -> Reads {
        unimplemented!("helper C")
    }
}

/// Why no project plan could be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProjectPlanError {
    /// The tenants' plan failed.
    #[error(transparent)]
    Tenants(#[from] PlanError),
    /// Errors located in the file (a reference to nothing, a `renamedFrom` that names nothing
    /// live, a settings rule broken against the live values), each at file:line:col.
    #[error("{0}")]
    File(SpecErrors),
    /// Any other refusal, with what to do.
    #[error("{0}")]
    Refused(String),
}

/// Plans `spec` against the live project.
///
/// # Errors
/// See [`ProjectPlanError`].
pub fn plan_project(
    _spec: &Spec,
    _scope: Scope,
    _live_tenants: &[Tenant],
    _live: &LiveResources,
    _opts: &PlanOptions,
) -> Result<ProjectPlan, ProjectPlanError> {
    unimplemented!("helper C")
}

/// `base` with the settings `fields` of a change applied (their `new` values).
///
/// # Errors
/// A field this version cannot apply (a damaged saved plan), in the user's terms.
pub fn settings_with(
    _base: &SessionSettings,
    _fields: &[FieldChange],
) -> Result<SessionSettings, String> {
    unimplemented!("helper C")
}
