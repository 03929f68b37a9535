//! The project plan's types: the change of one permission, role, tenant role or tenant's
//! settings, the live project beyond its tenants, and the whole plan.

use std::collections::BTreeMap;

use descope_model::{
    Permission, PermissionRequest, PermissionUpdate, Role, RoleRequest, RoleUpdate, SessionSettings,
};
use serde::{Deserialize, Serialize};

use crate::change::{Action, FieldChange, Plan, ResourceKind, Summary};

/// Most items sent in one batch request (the service documents no limit; reference §6).
pub const BATCH_SIZE: usize = 500;

/// The body a [`ResourceChange`] sends. An update is the full record: the live object with only
/// the managed fields changed, because the service overrides every field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ResourceRequest {
    CreatePermission(PermissionRequest),
    UpdatePermission(PermissionUpdate),
    CreateRole(RoleRequest),
    UpdateRole(RoleUpdate),
    /// A tenant's whole settings record (its `selfProvisioningDomains` are the tenant's domains
    /// after the plan, so the settings write does not undo a domain change of the same run).
    Settings(Box<SessionSettings>),
}

/// What happens to one permission, role, tenant role or tenant's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceChange {
    pub kind: ResourceKind,
    /// The tenant of a tenant role or of settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// Its name after the change (permission, role); the tenant id for settings.
    pub name: String,
    /// Its live name, when the change renames it (`renamedFrom`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    pub action: Action,
    /// The fields that change, named by their key in the file (for a create: every field the
    /// file sets). Their `new` values are what [`resource_request`] applies.
    pub fields: Vec<FieldChange>,
    /// Create: the create body. Update: the full record. `None` for deletes and unchanged, and
    /// for the settings of a tenant the same run creates (read after the create, then
    /// [`settings_with`] applies `fields`).
    pub request: Option<ResourceRequest>,
    /// The file marks it `protect: true`: `--prune` never deletes it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub protected: bool,
}

impl ResourceChange {
    /// The live name (the name it is read and written by before the change).
    #[must_use]
    pub fn live_name(&self) -> &str {
        self.renamed_from.as_deref().unwrap_or(&self.name)
    }

    /// How the user names it: `permission `read``, `role `admin``, `role `admin` of tenant `acme``,
    /// `settings of tenant `acme``.
    #[must_use]
    pub fn label(&self) -> String {
        match (self.kind, &self.tenant) {
            (ResourceKind::Settings, _) => format!("settings of tenant `{}`", self.name),
            (ResourceKind::TenantRole, Some(t)) => {
                format!("role `{}` of tenant `{t}`", self.name)
            }
            (k, _) => format!("{k} `{}`", self.name),
        }
    }

    /// The backup and audit target id: the name of a permission or project role, `TENANT/NAME`
    /// of a tenant role (its live name), the tenant id of settings.
    #[must_use]
    pub fn target_id(&self) -> String {
        match (self.kind, &self.tenant) {
            (ResourceKind::TenantRole, Some(t)) => format!("{t}/{}", self.live_name()),
            (ResourceKind::Settings, _) => self.name.clone(),
            _ => self.live_name().to_owned(),
        }
    }
}

/// The live project beyond its tenants, as read for a plan. `None`: not read (the file neither
/// manages nor refers to that kind: a tenants-only file reads what it always did).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LiveResources {
    /// Every permission of the project, system ones included.
    pub permissions: Option<Vec<Permission>>,
    /// Every role: project roles and every tenant's roles.
    pub roles: Option<Vec<Role>>,
    /// The session settings of the tenants whose entry has `settings:` and that exist, by
    /// tenant id (one read each: [`Reads::settings_of`]).
    pub settings: BTreeMap<String, SessionSettings>,
}

impl LiveResources {
    /// The live object `c` is planned against (its live name, in its scope) as JSON — what its
    /// backup holds; `None` when it does not exist or was not read.
    #[must_use]
    pub fn object_of(&self, c: &ResourceChange) -> Option<serde_json::Value> {
        let name = c.live_name();
        match c.kind {
            ResourceKind::Permission => self
                .permissions
                .as_ref()?
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| serde_json::to_value(p).ok()),
            ResourceKind::Role | ResourceKind::TenantRole => self
                .roles
                .as_ref()?
                .iter()
                .find(|r| r.name == name && r.tenant() == c.tenant.as_deref())
                .and_then(|r| serde_json::to_value(r).ok()),
            ResourceKind::Settings => self
                .settings
                .get(&c.name)
                .map(|s| serde_json::Value::Object(s.to_map().into_iter().collect())),
            ResourceKind::Tenant => None,
        }
    }
}

/// The whole project's plan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectPlan {
    /// The tenants' own changes (create, update, delete, default roles), as `tenant sync` plans
    /// them.
    pub tenants: Plan,
    /// The other kinds' changes, unchanged ones included, grouped by kind in write order
    /// (permissions, project roles, settings, tenant roles), by name within a kind.
    pub resources: Vec<ResourceChange>,
    /// Objects the plan never touches though the file's sections would manage them: system
    /// permissions (`systemDefault: true`) and built-in roles, as `permission `Impersonate``.
    pub unmanaged: Vec<String>,
    /// How many tenants' settings were read to make the plan.
    pub settings_reads: usize,
}

impl ProjectPlan {
    /// Counts of every kind together.
    #[must_use]
    pub fn summary(&self) -> Summary {
        let mut s = self.tenants.summary();
        for c in &self.resources {
            s.add(c.action);
        }
        s
    }

    /// Whether applying the plan would write anything.
    #[must_use]
    pub fn has_changes(&self) -> bool {
        self.tenants.has_changes() || self.resources.iter().any(|c| c.action != Action::Unchanged)
    }

    /// What a reviewer must know before applying: each role or permission delete removes it from
    /// every user and tenant that holds it.
    #[must_use]
    pub fn warnings(&self) -> Vec<String> {
        self.resources
            .iter()
            .filter(|c| c.action == Action::Delete)
            .map(|c| match c.kind {
                ResourceKind::Permission => format!(
                    "deleting {} removes it from every role that has it",
                    c.label()
                ),
                _ => format!(
                    "deleting {} removes it from every user and tenant that holds it",
                    c.label()
                ),
            })
            .collect()
    }
}
