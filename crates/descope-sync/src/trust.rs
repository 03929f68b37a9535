//! A saved plan checked against the project before it is applied: made for this project, not
//! stale (every tenant it read is as it was), and exactly what it shows ([`crate::rederive`]).

use std::collections::BTreeSet;

use descope_model::Tenant;
use descope_model::hash::FastMap;

use crate::change::{Action, Change, Plan, PlanOptions, ResourceKind};
use crate::document::SavedPlan;

/// Why a saved plan is not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustError {
    /// It was made for another project (this one).
    OtherProject(String),
    /// These tenants changed since it was made (by id).
    Changed(Vec<String>),
    /// These tenants appeared since it was made, and one may hold a name it uses.
    Appeared(Vec<String>),
    /// It deletes tenants but does not record the options it was made with.
    NoOptions,
    /// It was edited or is damaged: what is wrong.
    Damaged(String),
}

impl SavedPlan {
    /// The plan to apply, with the options it was made with. `live` is the project now, and
    /// `now` the fingerprints of its tenants ([`crate::live_fingerprints`]).
    ///
    /// # Errors
    /// Why it must not be applied.
    pub fn into_plan(
        self,
        project_id: &str,
        live: &[Tenant],
        now: &FastMap<&str, String>,
    ) -> Result<(Plan, PlanOptions), TrustError> {
        if self.project_id != project_id {
            return Err(TrustError::OtherProject(self.project_id));
        }
        let stale: Vec<String> = self
            .fingerprints
            .iter()
            .filter(|(id, fp)| now.get(id.as_str()) != fp.as_ref())
            .map(|(id, _)| id.clone())
            .collect();
        if !stale.is_empty() {
            return Err(TrustError::Changed(stale));
        }
        // Every tenant the plan names was fingerprinted, so the live tenants it was made
        // against are the ones read now: every request is derived again from them and what it
        // shows.
        if let Some(id) = self
            .changes
            .iter()
            .map(|c| &c.id)
            .chain(&self.unchanged)
            .find(|id| !self.fingerprints.contains_key(id.as_str()))
        {
            return Err(TrustError::Damaged(format!(
                "tenant `{id}` is in the plan but has no fingerprint"
            )));
        }
        let changed: BTreeSet<&str> = self.changes.iter().map(|c| c.id.as_str()).collect();
        if let Some(id) = self
            .unchanged
            .iter()
            .find(|id| changed.contains(id.as_str()))
        {
            return Err(TrustError::Damaged(format!(
                "tenant `{id}` is listed both as changed and as unchanged"
            )));
        }
        let opts = match self.options {
            Some(o) => o,
            None if self.changes.iter().any(|c| c.action == Action::Delete) => {
                return Err(TrustError::NoOptions);
            }
            // An older plan without deletes: the guards have nothing to hold.
            None => PlanOptions::default(),
        };
        let mut changes = crate::rederive(&self.changes, &opts, live).map_err(|what| {
            // A tenant that appeared since the plan was made (in neither its changes nor its
            // unchanged list) can hold a name the plan uses: that is a stale plan, not an edit.
            let known: BTreeSet<&str> = self
                .changes
                .iter()
                .map(|c| c.id.as_str())
                .chain(self.unchanged.iter().map(String::as_str))
                .collect();
            let appeared: Vec<String> = live
                .iter()
                .map(|t| t.id.as_str())
                .filter(|id| !known.contains(id))
                .map(str::to_owned)
                .collect();
            if appeared.is_empty() {
                TrustError::Damaged(what)
            } else {
                TrustError::Appeared(appeared)
            }
        })?;
        changes.extend(self.unchanged.into_iter().map(|id| Change {
            kind: ResourceKind::Tenant,
            id,
            action: Action::Unchanged,
            fields: Vec::new(),
            request: None,
            default_roles: None,
            protected: false,
            temp_name: None,
        }));
        Ok((Plan { changes }, opts))
    }
}

impl SavedPlan {
    /// What must be read of the project, beyond its tenants, to check and apply this plan: the
    /// kinds its resources name and the settings of the tenants they name.
    #[must_use]
    pub fn reads(&self) -> crate::Reads {
        crate::project::saved_reads(
            self.resource_fingerprints.keys().map(String::as_str),
            &self.resources,
        )
    }

    /// The project plan to apply, with the options it was made with: [`SavedPlan::into_plan`]
    /// for its tenants, and its other kinds derived again from what they show and `live` (read
    /// as [`SavedPlan::reads`] says). A stale resource is reported by its fingerprint key
    /// (`role:admin`, `settings:acme`) in [`TrustError::Changed`].
    ///
    /// # Errors
    /// Why it must not be applied.
    pub fn into_project_plan(
        mut self,
        project_id: &str,
        live_tenants: &[Tenant],
        now: &FastMap<&str, String>,
        live: &crate::LiveResources,
    ) -> Result<(crate::ProjectPlan, PlanOptions), TrustError> {
        if self.project_id != project_id {
            return Err(TrustError::OtherProject(self.project_id));
        }
        let mut stale = Vec::new();
        for (key, fp) in &self.resource_fingerprints {
            let current =
                crate::project::fingerprint_of_key(key, live).map_err(TrustError::Damaged)?;
            if current != *fp {
                stale.push(key.clone());
            }
        }
        if !stale.is_empty() {
            return Err(TrustError::Changed(stale));
        }
        let resources = std::mem::take(&mut self.resources);
        let options = match self.options.take() {
            Some(o) => o,
            None if self.changes.iter().any(|c| c.action == Action::Delete)
                || resources.iter().any(|c| c.action == Action::Delete) =>
            {
                return Err(TrustError::NoOptions);
            }
            None => PlanOptions::default(),
        };
        let (tenant_options, tenants_in_scope) =
            crate::project::tenant_options(&options).map_err(TrustError::Damaged)?;
        let has_tenants = !(self.changes.is_empty() && self.unchanged.is_empty());
        if has_tenants && !tenants_in_scope {
            return Err(TrustError::Damaged(
                "it changes tenants, which the --only patterns it was made with leave out".into(),
            ));
        }
        self.options = Some(tenant_options);
        let (tenants, _) = self.into_plan(project_id, live_tenants, now)?;
        let derived = crate::project::rederive_resources(
            &resources,
            &tenants.changes,
            &options,
            live_tenants,
            live,
        )
        .map_err(TrustError::Damaged)?;
        Ok((
            crate::project::project_plan(tenants, derived, live),
            options,
        ))
    }
}
