//! The saved plan of a project (`sync --dry-run --out PLAN.json`, `sync --apply --plan`): the
//! tenant plan document, plus — only when the plan has changes of other kinds — `resources`
//! (their changes), `resourceSummary` and `resourceFingerprints` (of every live object read, by
//! `permission:NAME`, `role:NAME`, `role:TENANT/NAME`, `settings:TENANT`; `null` for one that did
//! not exist). A tenants-only plan is the same bytes as before. Read back, its resources are
//! trusted only as far as they show: each request is derived again from its fields and the live
//! object, and the plan is stale if any object it read has changed.

use std::collections::BTreeMap;

use descope_model::{
    PermissionRequest, PermissionUpdate, RoleRequest, RoleUpdate, SessionSettings, Tenant,
};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use crate::change::{Action, FieldChange, Plan, PlanOptions, ResourceKind, Summary};
use crate::document::PlanDocument;
use crate::fingerprint::fingerprint_value;
use crate::project::resource::{LiveResources, ProjectPlan, ResourceChange, ResourceRequest};
use crate::trust::TrustError;

/// The whole plan's document: the tenants' document with the other kinds beside it.
pub struct ProjectDocument<'a> {
    /// The tenants' part (its `plan` is `ProjectPlan::tenants`).
    pub tenants: PlanDocument<'a>,
    /// The whole plan.
    pub plan: &'a ProjectPlan,
    /// [`resource_fingerprints`] of the objects the plan read.
    pub fingerprints: &'a BTreeMap<String, Option<String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WithResources<'a> {
    #[serde(flatten)]
    tenants: &'a PlanDocument<'a>,
    resource_summary: Summary,
    resources: Vec<&'a ResourceChange>,
    resource_fingerprints: &'a BTreeMap<String, Option<String>>,
}

impl Serialize for ProjectDocument<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.plan.resources.is_empty() {
            return self.tenants.serialize(s);
        }
        WithResources {
            tenants: &self.tenants,
            resource_summary: resource_summary(&self.plan.resources),
            resources: self
                .plan
                .resources
                .iter()
                .filter(|c| c.action != Action::Unchanged)
                .collect(),
            resource_fingerprints: self.fingerprints,
        }
        .serialize(s)
    }
}

fn resource_summary<'a>(changes: impl IntoIterator<Item = &'a ResourceChange>) -> Summary {
    let mut s = Summary::default();
    for c in changes {
        match c.action {
            Action::Create => s.create += 1,
            Action::Update => s.update += 1,
            Action::Delete => s.delete += 1,
            Action::Unchanged => s.unchanged += 1,
        }
    }
    s
}

/// The key of a resource change's live object in `resourceFingerprints`.
#[must_use]
pub fn fingerprint_key(c: &ResourceChange) -> String {
    let kind = match c.kind {
        ResourceKind::Permission => "permission",
        ResourceKind::Settings => "settings",
        _ => "role",
    };
    format!("{kind}:{}", c.target_id())
}

/// The live object a change was planned against, as JSON; `None` when it does not exist.
fn live_object(c: &ResourceChange, live: &LiveResources) -> Option<Value> {
    let name = c.live_name();
    match c.kind {
        ResourceKind::Permission => live
            .permissions
            .as_ref()?
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| serde_json::to_value(p).ok()),
        ResourceKind::Role | ResourceKind::TenantRole => live
            .roles
            .as_ref()?
            .iter()
            .find(|r| r.name == name && r.tenant() == c.tenant.as_deref())
            .and_then(|r| serde_json::to_value(r).ok()),
        ResourceKind::Settings => live
            .settings
            .get(&c.name)
            .map(|s| Value::Object(s.to_map().into_iter().collect())),
        ResourceKind::Tenant => None,
    }
}

/// Fingerprints of every object the plan's resource changes read (unchanged ones too), by key;
/// `None` for one that did not exist (so one created meanwhile makes the plan stale too).
#[must_use]
pub fn resource_fingerprints(
    plan: &ProjectPlan,
    live: &LiveResources,
) -> BTreeMap<String, Option<String>> {
    plan.resources
        .iter()
        .map(|c| {
            (
                fingerprint_key(c),
                live_object(c, live).map(|v| fingerprint_value(&v)),
            )
        })
        .collect()
}

/// The resources of a saved plan, not yet trusted (absent from a tenants-only plan).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedResources {
    #[serde(default)]
    pub resource_summary: Option<Summary>,
    #[serde(default)]
    pub resources: Vec<ResourceChange>,
    #[serde(default)]
    pub resource_fingerprints: BTreeMap<String, Option<String>>,
}

impl SavedResources {
    /// Reads the resources of a saved plan's text (already read as a [`crate::SavedPlan`]).
    ///
    /// # Errors
    /// What is wrong with them, in the user's terms.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let saved: Self =
            serde_json::from_str(text).map_err(|e| format!("its resources cannot be read: {e}"))?;
        let held = resource_summary(&saved.resources);
        let unchanged = saved.resource_summary.map_or(0, |s| s.unchanged);
        let expect = Summary { unchanged, ..held };
        if saved.resource_summary.is_some_and(|s| s != expect)
            || (saved.resource_summary.is_none() && !saved.resources.is_empty())
        {
            return Err("its resourceSummary does not count the resources it holds".into());
        }
        if saved
            .resources
            .iter()
            .any(|c| c.kind == ResourceKind::Tenant)
        {
            return Err("a resource change of kind tenant".into());
        }
        Ok(saved)
    }

    /// What must be read live to check and apply them.
    #[must_use]
    pub fn reads(&self) -> crate::Reads {
        let mut reads = crate::Reads::default();
        for key in self.resource_fingerprints.keys() {
            match key.split_once(':') {
                Some(("permission", _)) => reads.permissions = true,
                Some(("role", _)) => reads.roles = true,
                Some(("settings", t)) => reads.settings_of.push(t.to_owned()),
                _ => {}
            }
        }
        reads
    }

    /// The resource changes to apply, once no object they read has changed and every request is
    /// what its fields and the live object give. `tenants` is the (trusted) tenant plan, whose
    /// domains a settings write carries; `opts` the options the plan was made with.
    ///
    /// # Errors
    /// [`TrustError::Changed`] / [`TrustError::Appeared`] (by key) or [`TrustError::Damaged`].
    pub fn into_resources(
        self,
        live: &LiveResources,
        tenants: &Plan,
        live_tenants: &[Tenant],
        opts: Option<&PlanOptions>,
    ) -> Result<Vec<ResourceChange>, TrustError> {
        let mut changed = Vec::new();
        let mut appeared = Vec::new();
        let mut now: BTreeMap<String, Option<String>> = BTreeMap::new();
        for c in &self.resources {
            now.insert(
                fingerprint_key(c),
                live_object(c, live).map(|v| fingerprint_value(&v)),
            );
        }
        for (key, then) in &self.resource_fingerprints {
            let Some(current) = now.get(key) else {
                continue; // an unchanged object: not written, nothing to check
            };
            match (then, current) {
                (None, Some(_)) => appeared.push(key.clone()),
                (Some(a), Some(b)) if a != b => changed.push(key.clone()),
                (Some(_), None) => changed.push(key.clone()),
                _ => {}
            }
        }
        if !changed.is_empty() {
            return Err(TrustError::Changed(changed));
        }
        if !appeared.is_empty() {
            return Err(TrustError::Appeared(appeared));
        }
        let deletes = self
            .resources
            .iter()
            .filter(|c| c.action == Action::Delete)
            .count();
        if deletes > 0 {
            let Some(opts) = opts else {
                return Err(TrustError::NoOptions);
            };
            let total = deletes + tenants.summary().delete;
            if !opts.prune || total > opts.max_deletes {
                return Err(TrustError::Damaged(format!(
                    "it deletes {total} object(s), which its options (--prune {}, --max-deletes {}) do not allow",
                    opts.prune, opts.max_deletes
                )));
            }
        }
        let renamed: BTreeMap<&str, &str> = self
            .resources
            .iter()
            .filter(|c| c.kind == ResourceKind::Permission)
            .filter_map(|c| Some((c.renamed_from.as_deref()?, c.name.as_str())))
            .collect();
        for c in &self.resources {
            if !self.resource_fingerprints.contains_key(&fingerprint_key(c)) {
                return Err(TrustError::Damaged(format!(
                    "{} has no fingerprint",
                    c.label()
                )));
            }
            let object = live_object(c, live);
            let again = request(c, object.as_ref(), &renamed, tenants, live_tenants)
                .map_err(TrustError::Damaged)?;
            if again != c.request {
                return Err(TrustError::Damaged(format!(
                    "the request of {} is not what its fields give",
                    c.label()
                )));
            }
        }
        Ok(self.resources)
    }
}

/// The new value of `field` in `fields`, decoded.
fn new_value<T: serde::de::DeserializeOwned>(
    fields: &[FieldChange],
    field: &str,
) -> Result<Option<T>, String> {
    fields
        .iter()
        .find(|f| f.field == field)
        .map(|f| {
            serde_json::from_value(f.new.clone())
                .map_err(|_| format!("its `{field}` value {} is not valid", f.new))
        })
        .transpose()
}

/// The request a change sends, from its fields and the live object (`renamed`: permission
/// renames of the same plan, old → new, which a role's unmanaged permissions follow).
fn request(
    c: &ResourceChange,
    live: Option<&Value>,
    renamed: &BTreeMap<&str, &str>,
    tenants: &Plan,
    live_tenants: &[Tenant],
) -> Result<Option<ResourceRequest>, String> {
    let f = &c.fields;
    let missing = || format!("{} is not live", c.label());
    Ok(match (c.kind, c.action) {
        (_, Action::Delete | Action::Unchanged) => None,
        (ResourceKind::Permission, Action::Create) => {
            Some(ResourceRequest::CreatePermission(PermissionRequest {
                name: c.name.clone(),
                description: new_value(f, "description")?.unwrap_or_default(),
            }))
        }
        (ResourceKind::Permission, Action::Update) => {
            let p: descope_model::Permission =
                serde_json::from_value(live.ok_or_else(missing)?.clone())
                    .map_err(|e| e.to_string())?;
            let mut u = PermissionUpdate::from_permission(&p);
            u.new_name.clone_from(&c.name);
            if let Some(d) = new_value(f, "description")? {
                u.description = d;
            }
            Some(ResourceRequest::UpdatePermission(u))
        }
        (ResourceKind::Role | ResourceKind::TenantRole, Action::Create) => {
            Some(ResourceRequest::CreateRole(RoleRequest {
                name: c.name.clone(),
                description: new_value(f, "description")?.unwrap_or_default(),
                permission_names: new_value(f, "permissions")?.unwrap_or_default(),
                tenant_id: c.tenant.clone(),
                default: new_value(f, "default")?.unwrap_or_default(),
                private: new_value(f, "private")?.unwrap_or_default(),
            }))
        }
        (ResourceKind::Role | ResourceKind::TenantRole, Action::Update) => {
            let r: descope_model::Role = serde_json::from_value(live.ok_or_else(missing)?.clone())
                .map_err(|e| e.to_string())?;
            let mut u = RoleUpdate::from_role(&r);
            u.new_name.clone_from(&c.name);
            if let Some(d) = new_value(f, "description")? {
                u.description = d;
            }
            match new_value::<Vec<String>>(f, "permissions")? {
                Some(p) => u.permission_names = p,
                None => {
                    for p in &mut u.permission_names {
                        if let Some(new) = renamed.get(p.as_str()) {
                            (*new).clone_into(p);
                        }
                    }
                }
            }
            if let Some(d) = new_value(f, "default")? {
                u.default = d;
            }
            if let Some(p) = new_value(f, "private")? {
                u.private = p;
            }
            Some(ResourceRequest::UpdateRole(u))
        }
        (ResourceKind::Settings, _) => match live {
            // Settings of a tenant the run creates are read when written.
            None => None,
            Some(v) => {
                let base: SessionSettings =
                    serde_json::from_value(v.clone()).map_err(|e| e.to_string())?;
                let mut s = crate::settings_with(&base, f)?;
                s.self_provisioning_domains = domains_after(&c.name, tenants, live_tenants)
                    .unwrap_or(base.self_provisioning_domains);
                Some(ResourceRequest::Settings(Box::new(s)))
            }
        },
        (ResourceKind::Tenant, _) => {
            return Err(format!("{} cannot be created", c.label()));
        }
    })
}

/// The self-provisioning domains tenant `id` has after the tenant plan, when it is live or
/// created.
fn domains_after(id: &str, tenants: &Plan, live: &[Tenant]) -> Option<Vec<String>> {
    if let Some(req) = tenants
        .changes
        .iter()
        .find(|c| c.id == id)
        .and_then(|c| c.request.as_deref())
    {
        return Some(req.self_provisioning_domains.clone());
    }
    live.iter()
        .find(|t| t.id == id)
        .map(|t| t.self_provisioning_domains.clone())
}
