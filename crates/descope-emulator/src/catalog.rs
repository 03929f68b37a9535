//! The project's permissions and roles (reference §4.1, §10.3) and the service's rules over them:
//! unique names per scope, known permissions and tenants, read-only system permissions, renames
//! that follow into roles, batches that apply all or nothing. Pure data: the handlers are in
//! `roles` and `permissions`, the effect on tenants' default roles in `store`.

use std::collections::HashSet;

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::respond::{ApiError, lenient, non_empty, nullable};

/// The permissions every project has (`systemDefault: true`), in the order they are listed, with
/// their fixed ids. Names from reference §10.3; they can be neither changed nor deleted.
pub(crate) const SYSTEM_PERMISSIONS: [(&str, &str, &str); 3] = [
    (
        "PERM000000000000000000000001",
        "Impersonate",
        "Impersonate other users",
    ),
    (
        "PERM000000000000000000000002",
        "User Admin",
        "Manage users, their roles and their tenants",
    ),
    (
        "PERM000000000000000000000003",
        "SSO Admin",
        "Manage the tenant's SSO configuration",
    ),
];

/// A stored permission, serialised as `GET /v1/mgmt/permission/all` returns it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Permission {
    #[serde(default, deserialize_with = "nullable")]
    pub id: String,
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub description: String,
    #[serde(default, deserialize_with = "nullable")]
    pub system_default: bool,
}

/// A stored role, serialised as load all and search return it. An empty `tenantId` is a project
/// role; any other is scoped to that tenant.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Role {
    #[serde(default, deserialize_with = "nullable")]
    pub id: String,
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub description: String,
    #[serde(default, deserialize_with = "nullable")]
    pub permission_names: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub created_time: i64,
    #[serde(default, deserialize_with = "nullable")]
    pub tenant_id: String,
    #[serde(default, deserialize_with = "nullable")]
    pub default: bool,
    #[serde(default, deserialize_with = "nullable")]
    pub private: bool,
}

/// Body of permission create, update and delete (and one entry of their batches).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct PermissionBody {
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub new_name: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub description: Option<String>,
}

/// Body of role create, update and delete (and one entry of their batches).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct RoleBody {
    #[serde(deserialize_with = "lenient")]
    pub id: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub name: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub new_name: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub description: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub permission_names: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient")]
    pub tenant_id: Option<String>,
    #[serde(deserialize_with = "lenient")]
    pub default: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    pub private: Option<bool>,
}

/// Filters of `POST /v1/mgmt/role/search`: AND across filters, any-match within a list.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct RoleSearch {
    #[serde(deserialize_with = "lenient")]
    tenant_ids: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient")]
    role_names: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient")]
    role_name_like: Option<String>,
    #[serde(deserialize_with = "lenient")]
    permission_names: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient")]
    role_ids: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient")]
    include_project_roles: Option<bool>,
}

impl RoleSearch {
    /// Without `tenantIds` every role matches whatever its scope; with them, the roles of those
    /// tenants, plus the project roles when `includeProjectRoles` is true. `roleNameLike` is a
    /// case-insensitive substring; `permissionNames` matches a role holding any of them.
    pub fn matches(&self, r: &Role) -> bool {
        fn given(list: &Option<Vec<String>>) -> Option<&Vec<String>> {
            list.as_ref().filter(|l| !l.is_empty())
        }
        let scope = given(&self.tenant_ids).is_none_or(|ts| {
            if r.tenant_id.is_empty() {
                self.include_project_roles.unwrap_or(false)
            } else {
                ts.contains(&r.tenant_id)
            }
        });
        scope
            && given(&self.role_names).is_none_or(|ns| ns.contains(&r.name))
            && given(&self.role_ids).is_none_or(|ids| ids.contains(&r.id))
            && given(&self.permission_names)
                .is_none_or(|ps| ps.iter().any(|p| r.permission_names.contains(p)))
            && self
                .role_name_like
                .as_deref()
                .is_none_or(|like| r.name.to_lowercase().contains(&like.to_lowercase()))
    }
}

/// What a role change does to the tenants' default roles: the role named `old` in scope
/// `tenant_id` (empty: a project role) is now called `new`, or is gone when `new` is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RoleEffect {
    pub tenant_id: String,
    pub old: String,
    pub new: Option<String>,
}

/// How a request names a role or permission: by id when it sends one, else by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Key {
    Id(String),
    Name(String),
}

impl Key {
    /// `id` when non-empty, else `name`; neither is a missing `name` argument.
    pub fn of(id: Option<String>, name: Option<String>) -> Result<Self, ApiError> {
        non_empty(id)
            .map(Key::Id)
            .or_else(|| non_empty(name).map(Key::Name))
            .ok_or_else(|| ApiError::missing("name"))
    }

    fn describe(&self) -> String {
        match self {
            Key::Id(id) => format!("with id '{id}'"),
            Key::Name(name) => format!("'{name}'"),
        }
    }
}

fn scope_text(tenant_id: &str) -> String {
    if tenant_id.is_empty() {
        "in the project".to_owned()
    } else {
        format!("in tenant '{tenant_id}'")
    }
}

pub(crate) fn role_not_found(key: &Key, tenant_id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "E112302",
        "Role not found",
        format!("No role {} {}", key.describe(), scope_text(tenant_id)),
    )
}

fn role_exists(name: &str, tenant_id: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "E112303",
        "Role already exists",
        format!(
            "A role named '{name}' already exists {}; role names are unique per project and per tenant",
            scope_text(tenant_id)
        ),
    )
}

fn permission_not_found(key: &Key) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "E112402",
        "Permission not found",
        format!("No permission {}", key.describe()),
    )
}

fn unknown_permission(role: &str, name: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "E112402",
        "Permission not found",
        format!("Role '{role}' names permission '{name}', which does not exist; create it first"),
    )
}

fn permission_exists(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "E112403",
        "Permission already exists",
        format!("A permission named '{name}' already exists"),
    )
}

fn system_permission(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "E112404",
        "System permission",
        format!("Permission '{name}' is a system permission; it cannot be changed or deleted"),
    )
}

pub(crate) fn unknown_tenant(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "E112202",
        "Tenant not found",
        format!("Tenant '{id}' does not exist"),
    )
}

/// A batch must name roles of one scope only (reference §10.3, python-sdk).
pub(crate) fn one_scope(roles: &[RoleBody]) -> Result<(), ApiError> {
    let mut scopes = roles
        .iter()
        .map(|r| r.tenant_id.clone().unwrap_or_default());
    let Some(first) = scopes.next() else {
        return Ok(());
    };
    match scopes.find(|s| *s != first) {
        None => Ok(()),
        Some(other) => Err(ApiError::invalid(format!(
            "A role batch may not span tenants: it names both {} and {}",
            scope_text(&first),
            scope_text(&other)
        ))),
    }
}

/// Supplies a new random id candidate for a prefix (`ROL`, `PERM`); the catalog retries until
/// the candidate is unused.
pub(crate) type NewId<'a> = &'a mut dyn FnMut(&str) -> String;

/// Whether a tenant id names an existing tenant.
pub(crate) type TenantExists<'a> = &'a dyn Fn(&str) -> bool;

/// The permissions and roles, in creation order (the order load all returns them).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Catalog {
    pub permissions: Vec<Permission>,
    pub roles: Vec<Role>,
}

impl Default for Catalog {
    /// A new project: the system permissions and no roles.
    fn default() -> Self {
        let mut c = Self {
            permissions: Vec::new(),
            roles: Vec::new(),
        };
        c.ensure_system_permissions();
        c
    }
}

/// Removes repeated names, keeping the first of each.
fn dedup(names: &mut Vec<String>) {
    let mut seen = HashSet::with_capacity(names.len());
    names.retain(|n| seen.insert(n.clone()));
}

impl Catalog {
    /// Builds the catalog of a state document: missing ids are filled in (deterministically) and
    /// the system permissions are added when absent, or marked when present.
    pub fn from_doc(permissions: Vec<Permission>, roles: Vec<Role>) -> Self {
        let mut c = Self { permissions, roles };
        c.ensure_system_permissions();
        let mut taken: HashSet<String> = c
            .permissions
            .iter()
            .map(|p| p.id.clone())
            .chain(c.roles.iter().map(|r| r.id.clone()))
            .collect();
        let mut counter = 0u64;
        let mut fill = |id: &mut String, prefix: &str| {
            while id.is_empty() {
                counter += 1;
                let candidate = format!("{prefix}{counter:0>27}");
                if taken.insert(candidate.clone()) {
                    *id = candidate;
                }
            }
        };
        for p in &mut c.permissions {
            fill(&mut p.id, "PERMdoc");
        }
        for r in &mut c.roles {
            fill(&mut r.id, "ROLdoc");
        }
        c
    }

    /// Puts back any missing system permission (at its place in the list) and marks the present
    /// ones `systemDefault`.
    pub fn ensure_system_permissions(&mut self) {
        for (at, (id, name, description)) in SYSTEM_PERMISSIONS.iter().enumerate() {
            if let Some(p) = self.permissions.iter_mut().find(|p| p.name == *name) {
                p.system_default = true;
                continue;
            }
            let p = Permission {
                id: (*id).to_owned(),
                name: (*name).to_owned(),
                description: (*description).to_owned(),
                system_default: true,
            };
            self.permissions.insert(at.min(self.permissions.len()), p);
        }
    }

    /// Checks what the rules guarantee of a stored catalog: names present and unique (roles per
    /// scope), ids unique, roles' tenants and permissions exist.
    pub fn check(&self, tenant_exists: TenantExists<'_>) -> Result<(), String> {
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        for p in &self.permissions {
            if p.name.is_empty() {
                return Err("a permission has an empty name".to_owned());
            }
            if !names.insert(p.name.as_str()) {
                return Err(format!("permission '{}' appears more than once", p.name));
            }
            if !p.id.is_empty() && !ids.insert(p.id.as_str()) {
                return Err(format!("id '{}' appears more than once", p.id));
            }
        }
        let mut role_names = HashSet::new();
        for r in &self.roles {
            if r.name.is_empty() {
                return Err("a role has an empty name".to_owned());
            }
            if !r.tenant_id.is_empty() && !tenant_exists(&r.tenant_id) {
                return Err(format!(
                    "role '{}' belongs to tenant '{}', which is not in tenants",
                    r.name, r.tenant_id
                ));
            }
            if !role_names.insert((r.tenant_id.as_str(), r.name.as_str())) {
                return Err(format!(
                    "role '{}' appears more than once {}",
                    r.name,
                    scope_text(&r.tenant_id)
                ));
            }
            if !r.id.is_empty() && !ids.insert(r.id.as_str()) {
                return Err(format!("id '{}' appears more than once", r.id));
            }
            if let Some(p) = r
                .permission_names
                .iter()
                .find(|p| !names.contains(p.as_str()))
            {
                return Err(format!(
                    "role '{}' names permission '{p}', which is not in permissions",
                    r.name
                ));
            }
        }
        Ok(())
    }

    fn id_taken(&self, id: &str) -> bool {
        self.permissions.iter().any(|p| p.id == id) || self.roles.iter().any(|r| r.id == id)
    }

    fn fresh_id(&self, prefix: &str, new_id: NewId<'_>) -> String {
        loop {
            let id = new_id(prefix);
            if !self.id_taken(&id) {
                return id;
            }
        }
    }

    fn permission_index(&self, key: &Key) -> Option<usize> {
        self.permissions.iter().position(|p| match key {
            Key::Id(id) => p.id == *id,
            Key::Name(name) => p.name == *name,
        })
    }

    fn permission_named(&self, name: &str) -> bool {
        self.permissions.iter().any(|p| p.name == name)
    }

    fn check_role_permissions(&self, role: &str, names: &[String]) -> Result<(), ApiError> {
        match names.iter().find(|n| !self.permission_named(n)) {
            Some(n) => Err(unknown_permission(role, n)),
            None => Ok(()),
        }
    }

    /// Renames (or, with `None`, removes) a permission in every role that has it.
    fn follow_permission(&mut self, old: &str, new: Option<&str>) {
        for r in &mut self.roles {
            if !r.permission_names.iter().any(|p| p == old) {
                continue;
            }
            match new {
                Some(new) => {
                    for p in &mut r.permission_names {
                        if p == old {
                            new.clone_into(p);
                        }
                    }
                    dedup(&mut r.permission_names);
                }
                None => r.permission_names.retain(|p| p != old),
            }
        }
    }

    /// `POST /v1/mgmt/permission/create`.
    pub fn create_permission(
        &mut self,
        b: PermissionBody,
        new_id: NewId<'_>,
    ) -> Result<Permission, ApiError> {
        let name = non_empty(b.name).ok_or_else(|| ApiError::missing("name"))?;
        if self.permission_named(&name) {
            return Err(permission_exists(&name));
        }
        let p = Permission {
            id: self.fresh_id("PERM", new_id),
            name,
            description: b.description.unwrap_or_default(),
            system_default: false,
        };
        self.permissions.push(p.clone());
        Ok(p)
    }

    /// `POST /v1/mgmt/permission/update`: every field is replaced; a rename follows into roles.
    pub fn update_permission(&mut self, b: PermissionBody) -> Result<Permission, ApiError> {
        let key = Key::of(b.id, b.name)?;
        let i = self
            .permission_index(&key)
            .ok_or_else(|| permission_not_found(&key))?;
        if self.permissions[i].system_default {
            return Err(system_permission(&self.permissions[i].name));
        }
        let new_name = non_empty(b.new_name).ok_or_else(|| ApiError::missing("newName"))?;
        let old = self.permissions[i].name.clone();
        if new_name != old && self.permission_named(&new_name) {
            return Err(permission_exists(&new_name));
        }
        let p = &mut self.permissions[i];
        p.name.clone_from(&new_name);
        p.description = b.description.unwrap_or_default();
        let updated = p.clone();
        if new_name != old {
            self.follow_permission(&old, Some(&new_name));
        }
        Ok(updated)
    }

    /// `POST /v1/mgmt/permission/delete`: the permission leaves every role that had it.
    pub fn delete_permission(&mut self, key: &Key) -> Result<(), ApiError> {
        let i = self
            .permission_index(key)
            .ok_or_else(|| permission_not_found(key))?;
        if self.permissions[i].system_default {
            return Err(system_permission(&self.permissions[i].name));
        }
        let p = self.permissions.remove(i);
        self.follow_permission(&p.name, None);
        Ok(())
    }

    /// `POST /v1/mgmt/permission/delete/batch`: deletes the permissions matching any name or id
    /// (unknown ones match nothing); refuses an empty filter and any system permission.
    pub fn delete_permissions(&mut self, names: &[String], ids: &[String]) -> Result<(), ApiError> {
        if names.is_empty() && ids.is_empty() {
            return Err(ApiError::missing("names"));
        }
        let hit = |p: &Permission| names.contains(&p.name) || ids.contains(&p.id);
        if let Some(p) = self.permissions.iter().find(|p| hit(p) && p.system_default) {
            return Err(system_permission(&p.name));
        }
        let gone: Vec<String> = self
            .permissions
            .iter()
            .filter(|p| hit(p))
            .map(|p| p.name.clone())
            .collect();
        self.permissions.retain(|p| !hit(p));
        for name in gone {
            self.follow_permission(&name, None);
        }
        Ok(())
    }

    fn role_index(&self, key: &Key, tenant_id: Option<&str>) -> Option<usize> {
        self.roles.iter().position(|r| match key {
            Key::Id(id) => r.id == *id && tenant_id.is_none_or(|t| r.tenant_id == t),
            Key::Name(name) => r.name == *name && r.tenant_id == tenant_id.unwrap_or_default(),
        })
    }

    fn role_name_taken(&self, name: &str, tenant_id: &str, except: Option<usize>) -> bool {
        self.roles
            .iter()
            .enumerate()
            .any(|(i, r)| Some(i) != except && r.name == name && r.tenant_id == tenant_id)
    }

    /// The scope a body names: `None` for none given, refused when the tenant does not exist.
    fn scope(
        tenant_id: Option<String>,
        tenant_exists: TenantExists<'_>,
    ) -> Result<Option<String>, ApiError> {
        match non_empty(tenant_id) {
            Some(t) if !tenant_exists(&t) => Err(unknown_tenant(&t)),
            other => Ok(other),
        }
    }

    /// `POST /v1/mgmt/role/create`.
    pub fn create_role(
        &mut self,
        b: RoleBody,
        tenant_exists: TenantExists<'_>,
        new_id: NewId<'_>,
        now: i64,
    ) -> Result<Role, ApiError> {
        let name = non_empty(b.name).ok_or_else(|| ApiError::missing("name"))?;
        let tenant_id = Self::scope(b.tenant_id, tenant_exists)?.unwrap_or_default();
        if self.role_name_taken(&name, &tenant_id, None) {
            return Err(role_exists(&name, &tenant_id));
        }
        let permission_names = b.permission_names.unwrap_or_default();
        self.check_role_permissions(&name, &permission_names)?;
        let role = Role {
            id: self.fresh_id("ROL", new_id),
            name,
            description: b.description.unwrap_or_default(),
            permission_names,
            created_time: now,
            tenant_id,
            default: b.default.unwrap_or(false),
            private: b.private.unwrap_or(false),
        };
        self.roles.push(role.clone());
        Ok(role)
    }

    /// `POST /v1/mgmt/role/update`: every field but id, scope and created time is replaced;
    /// `newName` is required (send the current name to keep it).
    pub fn update_role(
        &mut self,
        b: RoleBody,
        tenant_exists: TenantExists<'_>,
    ) -> Result<(Role, Option<RoleEffect>), ApiError> {
        let key = Key::of(b.id, b.name)?;
        let scope = Self::scope(b.tenant_id, tenant_exists)?;
        let i = self
            .role_index(&key, scope.as_deref())
            .ok_or_else(|| role_not_found(&key, scope.as_deref().unwrap_or_default()))?;
        let new_name = non_empty(b.new_name).ok_or_else(|| ApiError::missing("newName"))?;
        let tenant_id = self.roles[i].tenant_id.clone();
        if self.role_name_taken(&new_name, &tenant_id, Some(i)) {
            return Err(role_exists(&new_name, &tenant_id));
        }
        let permission_names = b.permission_names.unwrap_or_default();
        self.check_role_permissions(&new_name, &permission_names)?;
        let r = &mut self.roles[i];
        let old = std::mem::replace(&mut r.name, new_name);
        r.description = b.description.unwrap_or_default();
        r.permission_names = permission_names;
        r.default = b.default.unwrap_or(false);
        r.private = b.private.unwrap_or(false);
        let effect = (old != r.name).then(|| RoleEffect {
            tenant_id,
            old,
            new: Some(r.name.clone()),
        });
        Ok((r.clone(), effect))
    }

    /// `POST /v1/mgmt/role/delete`.
    pub fn delete_role(
        &mut self,
        key: &Key,
        tenant_id: Option<String>,
        tenant_exists: TenantExists<'_>,
    ) -> Result<RoleEffect, ApiError> {
        let scope = Self::scope(tenant_id, tenant_exists)?;
        let i = self
            .role_index(key, scope.as_deref())
            .ok_or_else(|| role_not_found(key, scope.as_deref().unwrap_or_default()))?;
        let r = self.roles.remove(i);
        Ok(RoleEffect {
            tenant_id: r.tenant_id,
            old: r.name,
            new: None,
        })
    }

    /// `POST /v1/mgmt/role/delete/batch`: deletes the roles matching any name (in the scope of
    /// `tenantId`, the project when absent) or id (in that tenant when given). Unknown names and
    /// ids match nothing. As the service does (python-sdk `role_delete_batch_body`), an EMPTY
    /// filter deletes every role: every role of the tenant when `tenantId` is given, else every
    /// role of the project and of every tenant.
    pub fn delete_roles(
        &mut self,
        names: &[String],
        ids: &[String],
        tenant_id: Option<String>,
        tenant_exists: TenantExists<'_>,
    ) -> Result<Vec<RoleEffect>, ApiError> {
        let scope = Self::scope(tenant_id, tenant_exists)?;
        let everything = names.is_empty() && ids.is_empty();
        let hit = |r: &Role| {
            let in_tenant = scope.as_deref().is_none_or(|t| r.tenant_id == t);
            if everything {
                return in_tenant;
            }
            let by_name = names.contains(&r.name) && r.tenant_id == scope.as_deref().unwrap_or("");
            let by_id = ids.contains(&r.id) && in_tenant;
            by_name || by_id
        };
        let effects = self
            .roles
            .iter()
            .filter(|r| hit(r))
            .map(|r| RoleEffect {
                tenant_id: r.tenant_id.clone(),
                old: r.name.clone(),
                new: None,
            })
            .collect();
        self.roles.retain(|r| !hit(r));
        Ok(effects)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> impl FnMut(&str) -> String {
        let mut n = 0;
        move |prefix: &str| {
            n += 1;
            format!("{prefix}{n}")
        }
    }

    fn role(name: &str, tenant: &str, perms: &[&str]) -> RoleBody {
        RoleBody {
            name: Some(name.into()),
            tenant_id: Some(tenant.into()).filter(|t: &String| !t.is_empty()),
            permission_names: Some(perms.iter().map(|p| (*p).to_owned()).collect()),
            ..RoleBody::default()
        }
    }

    fn perm(name: &str) -> PermissionBody {
        PermissionBody {
            name: Some(name.into()),
            ..PermissionBody::default()
        }
    }

    #[test]
    fn system_permissions_are_present_and_read_only() {
        let mut c = Catalog::default();
        let names: Vec<&str> = c.permissions.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Impersonate", "User Admin", "SSO Admin"]);
        assert!(c.permissions.iter().all(|p| p.system_default));
        let e = c.delete_permission(&Key::Name("Impersonate".into()));
        assert_eq!(e.unwrap_err().code, "E112404");
        let e = c.update_permission(PermissionBody {
            name: Some("SSO Admin".into()),
            new_name: Some("x".into()),
            ..PermissionBody::default()
        });
        assert_eq!(e.unwrap_err().code, "E112404");
        let e = c.delete_permissions(&[], &["PERM000000000000000000000002".into()]);
        assert_eq!(e.unwrap_err().code, "E112404");
        assert_eq!(c.permissions.len(), 3);
    }

    #[test]
    fn permission_rename_and_delete_follow_into_roles() {
        let mut c = Catalog::default();
        let mut new_id = ids();
        c.create_permission(perm("read"), &mut new_id).unwrap();
        c.create_permission(perm("write"), &mut new_id).unwrap();
        let yes = |_: &str| true;
        c.create_role(role("viewer", "", &["read"]), &yes, &mut new_id, 1)
            .unwrap();
        c.create_role(
            role("editor", "t", &["read", "write"]),
            &yes,
            &mut new_id,
            1,
        )
        .unwrap();
        c.update_permission(PermissionBody {
            name: Some("read".into()),
            new_name: Some("view".into()),
            ..PermissionBody::default()
        })
        .unwrap();
        assert_eq!(c.roles[0].permission_names, ["view"]);
        assert_eq!(c.roles[1].permission_names, ["view", "write"]);
        c.delete_permission(&Key::Name("write".into())).unwrap();
        assert_eq!(c.roles[1].permission_names, ["view"]);
    }

    #[test]
    fn role_names_are_unique_per_scope() {
        let mut c = Catalog::default();
        let mut new_id = ids();
        let yes = |_: &str| true;
        c.create_role(role("admin", "", &[]), &yes, &mut new_id, 1)
            .unwrap();
        c.create_role(role("admin", "t1", &[]), &yes, &mut new_id, 1)
            .unwrap();
        c.create_role(role("admin", "t2", &[]), &yes, &mut new_id, 1)
            .unwrap();
        let e = c.create_role(role("admin", "t1", &[]), &yes, &mut new_id, 1);
        assert_eq!(e.unwrap_err().code, "E112303");
        let e = c.create_role(role("x", "", &["nope"]), &yes, &mut new_id, 1);
        assert_eq!(e.unwrap_err().code, "E112402");
        let no = |_: &str| false;
        let e = c.create_role(role("x", "ghost", &[]), &no, &mut new_id, 1);
        assert_eq!(e.unwrap_err().code, "E112202");
    }

    #[test]
    fn batch_delete_filters_and_the_empty_filter() {
        let mut c = Catalog::default();
        let mut new_id = ids();
        let yes = |_: &str| true;
        for (n, t) in [("a", ""), ("b", ""), ("a", "t1"), ("c", "t2")] {
            c.create_role(role(n, t, &[]), &yes, &mut new_id, 1)
                .unwrap();
        }
        // Names without a tenant are project roles.
        let fx = c.delete_roles(&["a".into()], &[], None, &yes).unwrap();
        assert_eq!(fx.len(), 1);
        assert_eq!(c.roles.len(), 3);
        // An empty filter with a tenant empties that tenant only.
        c.delete_roles(&[], &[], Some("t1".into()), &yes).unwrap();
        assert_eq!(c.roles.len(), 2);
        // An empty filter without a tenant deletes every role.
        let fx = c.delete_roles(&[], &[], None, &yes).unwrap();
        assert_eq!(fx.len(), 2);
        assert!(c.roles.is_empty());
    }

    #[test]
    fn from_doc_fills_ids_and_system_permissions() {
        let c = Catalog::from_doc(
            vec![Permission {
                name: "read".into(),
                ..Permission::default()
            }],
            vec![Role {
                name: "r".into(),
                permission_names: vec!["read".into()],
                ..Role::default()
            }],
        );
        assert_eq!(c.permissions.len(), 4);
        assert!(c.permissions.iter().all(|p| !p.id.is_empty()));
        assert!(!c.roles[0].id.is_empty());
        assert!(c.check(&|_| true).is_ok());
    }
}
