//! The emulator's data: tenants (by id, with a name index and parent → successors links), tenant
//! settings, roles and permissions, flows (stored opaquely in the v2 export shape) and the theme;
//! and the whole-state document used by the admin API and the state file.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::catalog::{Catalog, Permission, Role, RoleEffect, TenantExists};
use crate::respond::{ApiError, nullable};

/// A stored tenant, serialised exactly as load / load-all / search return it (reference §2.3).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Tenant {
    #[serde(default, deserialize_with = "nullable")]
    pub id: String,
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub self_provisioning_domains: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub custom_attributes: Map<String, Value>,
    #[serde(default, deserialize_with = "nullable")]
    pub auth_type: String,
    #[serde(default, deserialize_with = "nullable")]
    pub domains: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub created_time: i64,
    #[serde(rename = "enforceSSO", default, deserialize_with = "nullable")]
    pub enforce_sso: bool,
    #[serde(
        rename = "enforceSSOExclusions",
        default,
        deserialize_with = "nullable"
    )]
    pub enforce_sso_exclusions: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub disabled: bool,
    #[serde(default, deserialize_with = "nullable")]
    pub role_inheritance: String,
    #[serde(default, deserialize_with = "nullable")]
    pub default_roles: Vec<String>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "String::is_empty"
    )]
    pub parent: String,
    /// Derived from the other tenants' `parent`; rebuilt whenever a whole state is loaded.
    #[serde(default, deserialize_with = "nullable")]
    pub successors: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub federated_app_ids: Vec<String>,
}

/// The whole state, as `GET|PUT /__emulator/state` and the state file carry it. `permissions`
/// and `roles` are absent from state files written before they existed: such a file loads with
/// the system permissions and no roles.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct StateDoc {
    #[serde(deserialize_with = "nullable")]
    pub tenants: Vec<Tenant>,
    #[serde(deserialize_with = "nullable")]
    pub settings: BTreeMap<String, Map<String, Value>>,
    #[serde(deserialize_with = "nullable")]
    pub permissions: Vec<Permission>,
    #[serde(deserialize_with = "nullable")]
    pub roles: Vec<Role>,
    #[serde(deserialize_with = "nullable")]
    pub flows: BTreeMap<String, Value>,
    pub theme: Option<Value>,
    /// The snapshot's `project.json` (absent from older state files).
    pub project: Option<Value>,
    /// Snapshot files the emulator keeps opaque, by path.
    #[serde(rename = "snapshotFiles", deserialize_with = "nullable")]
    pub snapshot_files: BTreeMap<String, Value>,
    /// Secrets a snapshot import set, as `kind/id/type` (never the values).
    #[serde(rename = "snapshotSecrets", deserialize_with = "nullable")]
    pub snapshot_secrets: BTreeSet<String>,
}

/// Tenants, settings, roles and permissions, flows and theme, with the indexes that keep 100k
/// tenants fast.
#[derive(Debug, Clone, Default)]
pub(crate) struct Store {
    tenants: BTreeMap<String, Tenant>,
    /// name → ids carrying it (more than one only after a bulk seed with repeated names).
    names: HashMap<String, Vec<String>>,
    /// The session settings last written per tenant id (defaults are filled in on read).
    pub settings: BTreeMap<String, Map<String, Value>>,
    /// Permissions and roles (project and tenant-scoped).
    pub catalog: Catalog,
    pub flows: BTreeMap<String, Value>,
    pub theme: Option<Value>,
    /// Bumped by every theme import; reported as the v1 theme `version`.
    pub theme_version: u64,
    /// The snapshot's `project.json`; `None` until a snapshot import sets it.
    pub project: Option<Value>,
    /// Snapshot files the emulator does not model (connectors, lists, assets, …), by path,
    /// returned by export as imported.
    pub snapshot_files: BTreeMap<String, Value>,
    /// Secrets a snapshot import set, as `kind/id/type`; the values are never kept.
    pub snapshot_secrets: BTreeSet<String>,
}

impl Store {
    pub fn get(&self, id: &str) -> Option<&Tenant> {
        self.tenants.get(id)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.tenants.contains_key(id)
    }

    pub fn tenants(&self) -> impl Iterator<Item = &Tenant> {
        self.tenants.values()
    }

    /// Whether a tenant other than `except` carries `name`.
    pub fn name_taken(&self, name: &str, except: Option<&str>) -> bool {
        self.names
            .get(name)
            .is_some_and(|ids| ids.iter().any(|id| Some(id.as_str()) != except))
    }

    /// Inserts a new tenant (the caller checked the id is free and the parent exists).
    pub fn insert(&mut self, mut tenant: Tenant) {
        tenant.successors.clear();
        self.index_name(&tenant.name, &tenant.id);
        if !tenant.parent.is_empty()
            && let Some(parent) = self.tenants.get_mut(&tenant.parent)
            && let Err(pos) = parent.successors.binary_search(&tenant.id)
        {
            parent.successors.insert(pos, tenant.id.clone());
        }
        self.tenants.insert(tenant.id.clone(), tenant);
    }

    /// Replaces a stored tenant's fields, keeping its id, parent, successors and created time.
    pub fn replace(&mut self, updated: Tenant) {
        let Some(current) = self.tenants.get_mut(&updated.id) else {
            return;
        };
        let old_name = std::mem::take(&mut current.name);
        let parent = std::mem::take(&mut current.parent);
        let successors = std::mem::take(&mut current.successors);
        let created_time = current.created_time;
        let (id, name) = (updated.id.clone(), updated.name.clone());
        *current = Tenant {
            parent,
            successors,
            created_time,
            ..updated
        };
        if old_name != name {
            self.unindex_name(&old_name, &id);
            self.index_name(&name, &id);
        }
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Tenant> {
        self.tenants.get_mut(id)
    }

    /// Removes a tenant, its settings, its roles and its link from its parent.
    pub fn remove(&mut self, id: &str) -> Option<Tenant> {
        let tenant = self.tenants.remove(id)?;
        self.unindex_name(&tenant.name, id);
        self.settings.remove(id);
        self.catalog.roles.retain(|r| r.tenant_id != id);
        if let Some(parent) = self.tenants.get_mut(&tenant.parent) {
            parent.successors.retain(|s| s != id);
        }
        Some(tenant)
    }

    fn index_name(&mut self, name: &str, id: &str) {
        self.names
            .entry(name.to_owned())
            .or_default()
            .push(id.to_owned());
    }

    fn unindex_name(&mut self, name: &str, id: &str) {
        if let Some(ids) = self.names.get_mut(name) {
            ids.retain(|x| x != id);
            if ids.is_empty() {
                self.names.remove(name);
            }
        }
    }

    /// Recomputes the name index and every tenant's `successors` from the `parent` fields.
    pub fn rebuild_indexes(&mut self) {
        self.names.clear();
        let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for t in self.tenants.values() {
            self.names
                .entry(t.name.clone())
                .or_default()
                .push(t.id.clone());
            if !t.parent.is_empty() {
                children
                    .entry(t.parent.clone())
                    .or_default()
                    .push(t.id.clone());
            }
        }
        for t in self.tenants.values_mut() {
            // Ids come out of a BTreeMap in order, so each list is already sorted.
            t.successors = children.remove(&t.id).unwrap_or_default();
        }
    }

    /// Runs `change` on a copy of the catalog and keeps the copy only when it succeeds, so a
    /// batch applies all or nothing; then applies the role renames and deletes it reports to the
    /// tenants' default roles.
    pub fn change_catalog<T>(
        &mut self,
        change: impl FnOnce(&mut Catalog, TenantExists<'_>) -> Result<(T, Vec<RoleEffect>), ApiError>,
    ) -> Result<T, ApiError> {
        let tenants = &self.tenants;
        let mut work = self.catalog.clone();
        let (out, effects) = change(&mut work, &|id: &str| tenants.contains_key(id))?;
        self.catalog = work;
        self.follow_roles(&effects);
        Ok(out)
    }

    /// Renames or removes roles in the tenants' default roles, as the service does. A name in a
    /// tenant's default roles means that tenant's own role when it has one by that name, else the
    /// project role: a project role's change skips tenants holding their own role of that name.
    fn follow_roles(&mut self, effects: &[RoleEffect]) {
        if effects.is_empty() {
            return;
        }
        let own: std::collections::HashSet<(&str, &str)> = self
            .catalog
            .roles
            .iter()
            .filter(|r| !r.tenant_id.is_empty())
            .map(|r| (r.tenant_id.as_str(), r.name.as_str()))
            .collect();
        let project_names: std::collections::HashSet<&str> = self
            .catalog
            .roles
            .iter()
            .filter(|r| r.tenant_id.is_empty())
            .map(|r| r.name.as_str())
            .collect();
        for tenant in self.tenants.values_mut() {
            if tenant.default_roles.is_empty() {
                continue;
            }
            let mut changed = false;
            for e in effects {
                let applies = if e.tenant_id.is_empty() {
                    !own.contains(&(tenant.id.as_str(), e.old.as_str()))
                } else {
                    e.tenant_id == tenant.id
                        && (e.new.is_some() || !project_names.contains(e.old.as_str()))
                };
                if !applies || !tenant.default_roles.contains(&e.old) {
                    continue;
                }
                changed = true;
                match &e.new {
                    Some(new) => {
                        for name in &mut tenant.default_roles {
                            if *name == e.old {
                                name.clone_from(new);
                            }
                        }
                    }
                    None => tenant.default_roles.retain(|n| *n != e.old),
                }
            }
            if changed {
                let mut seen = std::collections::HashSet::new();
                tenant.default_roles.retain(|n| seen.insert(n.clone()));
            }
        }
    }

    /// Empties everything.
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Bulk insert without per-tenant checks (ids must be unique; the caller checked).
    pub fn extend(&mut self, tenants: Vec<Tenant>) {
        for t in tenants {
            self.tenants.insert(t.id.clone(), t);
        }
        self.rebuild_indexes();
    }

    /// Serialises the whole state without copying it first.
    pub fn to_json(&self) -> serde_json::Result<Vec<u8>> {
        #[derive(Serialize)]
        struct DocRef<'a> {
            tenants: Vec<&'a Tenant>,
            settings: &'a BTreeMap<String, Map<String, Value>>,
            permissions: &'a [Permission],
            roles: &'a [Role],
            flows: &'a BTreeMap<String, Value>,
            theme: &'a Option<Value>,
            project: &'a Option<Value>,
            #[serde(rename = "snapshotFiles")]
            snapshot_files: &'a BTreeMap<String, Value>,
            #[serde(rename = "snapshotSecrets")]
            snapshot_secrets: &'a BTreeSet<String>,
        }
        serde_json::to_vec(&DocRef {
            tenants: self.tenants.values().collect(),
            settings: &self.settings,
            permissions: &self.catalog.permissions,
            roles: &self.catalog.roles,
            flows: &self.flows,
            theme: &self.theme,
            project: &self.project,
            snapshot_files: &self.snapshot_files,
            snapshot_secrets: &self.snapshot_secrets,
        })
    }

    /// Replaces the whole state with `doc` (already validated by [`StateDoc::check`]).
    pub fn load_doc(&mut self, doc: StateDoc) {
        let version = self.theme_version;
        self.clear();
        self.theme_version = version;
        for mut t in doc.tenants {
            if t.auth_type.is_empty() {
                t.auth_type = "none".to_owned();
            }
            self.tenants.insert(t.id.clone(), t);
        }
        self.settings = doc
            .settings
            .into_iter()
            .filter(|(id, _)| self.tenants.contains_key(id))
            .collect();
        self.catalog = Catalog::from_doc(doc.permissions, doc.roles);
        self.flows = doc.flows;
        self.theme = doc.theme;
        self.project = doc.project;
        self.snapshot_files = doc.snapshot_files;
        self.snapshot_secrets = doc.snapshot_secrets;
        self.rebuild_indexes();
    }
}

impl StateDoc {
    /// Checks what the store relies on: tenant ids non-empty and unique, the catalog's rules
    /// (names unique per scope, roles' tenants and permissions exist), flows are objects.
    pub fn check(&self) -> Result<(), String> {
        let mut seen = std::collections::HashSet::with_capacity(self.tenants.len());
        for t in &self.tenants {
            if t.id.is_empty() {
                return Err("a tenant has an empty id".to_owned());
            }
            if !seen.insert(t.id.as_str()) {
                return Err(format!("tenant id '{}' appears more than once", t.id));
            }
        }
        // Missing system permissions are added on load, so the check sees them too.
        Catalog::from_doc(self.permissions.clone(), self.roles.clone())
            .check(&|id: &str| seen.contains(id))?;
        for (id, flow) in &self.flows {
            if !flow.is_object() {
                return Err(format!("flow '{id}' is not a JSON object"));
            }
        }
        if let Some(theme) = &self.theme
            && !theme.is_object()
            && !theme.is_null()
        {
            return Err("theme is not a JSON object".to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant(id: &str, name: &str, parent: &str) -> Tenant {
        Tenant {
            id: id.into(),
            name: name.into(),
            parent: parent.into(),
            ..Tenant::default()
        }
    }

    #[test]
    fn successors_follow_inserts_and_removes() {
        let mut s = Store::default();
        s.insert(tenant("root", "Root", ""));
        s.insert(tenant("b", "B", "root"));
        s.insert(tenant("a", "A", "root"));
        assert_eq!(s.get("root").unwrap().successors, vec!["a", "b"]);
        s.remove("a");
        assert_eq!(s.get("root").unwrap().successors, vec!["b"]);
        assert!(s.name_taken("B", None));
        assert!(!s.name_taken("B", Some("b")));
        assert!(!s.name_taken("A", None));
    }

    #[test]
    fn replace_keeps_parent_and_reindexes_name() {
        let mut s = Store::default();
        s.insert(tenant("root", "Root", ""));
        s.insert(tenant("c", "Child", "root"));
        s.replace(tenant("c", "Renamed", ""));
        let c = s.get("c").unwrap();
        assert_eq!(c.parent, "root");
        assert!(s.name_taken("Renamed", None));
        assert!(!s.name_taken("Child", None));
    }

    #[test]
    fn load_doc_rebuilds_successors() {
        let mut s = Store::default();
        let doc = StateDoc {
            tenants: vec![tenant("c", "C", "p"), tenant("p", "P", "")],
            ..StateDoc::default()
        };
        doc.check().unwrap();
        s.load_doc(doc);
        assert_eq!(s.get("p").unwrap().successors, vec!["c"]);
        assert_eq!(s.get("p").unwrap().auth_type, "none");
    }
}
