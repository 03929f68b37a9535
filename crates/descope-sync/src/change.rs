//! The plan's types: options, the change of one resource, the plan, its summary. The planner
//! (`plan.rs`) makes them, the scheduler (`order.rs`) orders them, `execute` carries them out.

use std::fmt;

use descope_model::TenantRequest;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What `plan` may do. A saved plan records them (`options`, in this order), so that applying
/// it holds the same guards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanOptions {
    /// Delete live tenants the file does not list.
    pub prune: bool,
    /// More deletes than this is an error (default 5).
    pub max_deletes: usize,
    /// Glob patterns on tenant id that scope the whole plan; empty means every tenant.
    pub only: Vec<String>,
    /// Glob patterns on tenant id of live tenants that are never deleted (the file's top-level
    /// `protected:` list, `descope_spec::Spec::protected`).
    pub protected: Vec<String>,
}

impl Default for PlanOptions {
    fn default() -> Self {
        Self {
            prune: false,
            only: Vec::new(),
            max_deletes: 5,
            protected: Vec::new(),
        }
    }
}

/// What happens to one tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Delete,
    Unchanged,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Unchanged => "unchanged",
        })
    }
}

/// One changed field, named by its tenants.yaml key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    /// `name`, `domains`, `customAttributes`, `enforceSSO`, `disabled`, `parent` (create only)
    /// or `defaultRoles`.
    pub field: String,
    /// `null` for a create.
    pub old: Value,
    pub new: Value,
}

/// The kind of resource a change writes. A new kind plugs in here, in the planner that makes
/// its changes, and in the [`crate::Backend`] / [`crate::ProjectBackend`] that writes them.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum ResourceKind {
    /// A tenant (a [`Change`]).
    #[default]
    Tenant,
    /// A permission, by name (a [`crate::ResourceChange`], like the kinds below).
    Permission,
    /// A project role, by name.
    Role,
    /// A role scoped to a tenant, by (tenant, name).
    TenantRole,
    /// A tenant's session settings (never created or deleted: only updated).
    Settings,
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Tenant => "tenant",
            Self::Permission => "permission",
            Self::Role => "role",
            Self::TenantRole => "tenant role",
            Self::Settings => "settings",
        })
    }
}

/// The plan for one tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// What the change writes (the plan document does not record it: every change of a saved
    /// plan is a tenant's).
    #[serde(skip)]
    pub kind: ResourceKind,
    pub id: String,
    pub action: Action,
    /// The fields that change (for a create: every field the file sets). Empty otherwise.
    pub fields: Vec<FieldChange>,
    /// Create: the create body. Update: the full record (live merged with desired; unmanaged
    /// fields carried over) — `None` when only `defaultRoles` change, since the record itself
    /// does not. Delete and unchanged: `None`.
    pub request: Option<Box<TenantRequest>>,
    /// `Some` when `updateDefaultRoles` must be called after the create/update.
    pub default_roles: Option<Vec<String>>,
    /// The file marks this tenant `protect: true`, or a `protected` pattern matches it. A
    /// protected live tenant that `--prune` would otherwise delete appears as `Unchanged`.
    pub protected: bool,
    /// A rename that is part of a cycle (a swap, `a → b → a`): the tenant is first renamed to
    /// this unique temporary name, which frees its old name for the next tenant in the cycle,
    /// and takes its new name last (see [`crate::schedule`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temp_name: Option<String>,
}

/// Every tenant in scope: creates (parents before children), updates (by id), deletes (children
/// before parents), then unchanged (by id). The order writes are sent in, which also frees a
/// name before another tenant takes it, is [`crate::schedule`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub changes: Vec<Change>,
}

/// Counts of a plan, rendered as `Plan: A to create, B to update, C to delete, D unchanged.`
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)] // a saved plan's summary must count exactly what it holds
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub delete: usize,
    pub unchanged: usize,
}

impl Summary {
    /// Counts one change of `action`.
    pub fn add(&mut self, action: Action) {
        match action {
            Action::Create => self.create += 1,
            Action::Update => self.update += 1,
            Action::Delete => self.delete += 1,
            Action::Unchanged => self.unchanged += 1,
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Plan: {} to create, {} to update, {} to delete, {} unchanged.",
            self.create, self.update, self.delete, self.unchanged
        )
    }
}
