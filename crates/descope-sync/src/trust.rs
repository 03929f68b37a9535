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
