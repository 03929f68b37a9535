//! A role as the service holds it ([`Role`]) and the bodies that create and update one
//! ([`RoleRequest`], [`RoleUpdate`]) (reference §4.1, §10.3).
//!
//! A role is a project role when it has no tenant id, else it is scoped to that tenant; names are
//! unique per scope, and a name is what users, tenants' default roles and files refer to.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::name_or_id::{NameOrId, empty_as_none, none_as_empty};
use crate::tenant::null_as_default;

/// A role as load-all, search and the batch writes return it: `{id, name, description,
/// permissionNames, createdTime, tenantId, default, private}`. Absent and `null` fields decode to
/// their defaults (an empty `tenantId` means a project role); fields this client does not know are
/// kept in `extra`. Projects hold hundreds to a few thousand roles, so `#[serde(flatten)]` is used
/// rather than a hand-written decoder as for tenants.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    /// The service's id (`ROL…`), when it sends one.
    #[serde(
        default,
        deserialize_with = "empty_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub description: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub permission_names: Vec<String>,
    /// The tenant the role is scoped to; `None` for a project role (written back as `""`, as
    /// the service sends it).
    #[serde(
        default,
        deserialize_with = "empty_as_none",
        serialize_with = "none_as_empty"
    )]
    pub tenant_id: Option<String>,
    /// Given to new users.
    #[serde(default, deserialize_with = "null_as_default")]
    pub default: bool,
    /// Hidden from self-service.
    #[serde(default, deserialize_with = "null_as_default")]
    pub private: bool,
    /// Unix seconds.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_time: Option<i64>,
    /// Fields this client does not model, kept so nothing the service returned is lost.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl Role {
    /// The tenant the role is scoped to, or `None` for a project role.
    #[must_use]
    pub fn tenant(&self) -> Option<&str> {
        self.tenant_id.as_deref()
    }
}

/// Body of `POST /v1/mgmt/role/create` and one entry of `…/create/batch`:
/// `{name, description, permissionNames, tenantId, default, private}`, every field sent as the
/// Go SDK does (`"tenantId": ""` for a project role).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleRequest {
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub description: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub permission_names: Vec<String>,
    /// `None` for a project role (sent as `""`).
    #[serde(
        default,
        deserialize_with = "empty_as_none",
        serialize_with = "none_as_empty"
    )]
    pub tenant_id: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub default: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub private: bool,
}

impl RoleRequest {
    /// The create request that would make `r` again (a restore).
    #[must_use]
    pub fn from_role(r: &Role) -> Self {
        Self {
            name: r.name.clone(),
            description: r.description.clone(),
            permission_names: r.permission_names.clone(),
            tenant_id: r.tenant_id.clone(),
            default: r.default,
            private: r.private,
        }
    }
}

/// Body of `POST /v1/mgmt/role/update` and one entry of `…/update/batch`:
/// `{name | id, newName, description, permissionNames, tenantId, default, private}`.
///
/// The service replaces every field, so build it from the role as loaded
/// ([`RoleUpdate::from_role`]) and change only what is wanted. `new_name` is always sent (the Go
/// SDK requires it): the current name when the role is not renamed. A rename is an update, never
/// a delete and a create: deleting a role strips it from every user and tenant holding it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleUpdate {
    /// The role to change, by its current name or its id.
    #[serde(flatten)]
    pub target: NameOrId,
    pub new_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub description: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub permission_names: Vec<String>,
    /// The role's tenant; `None` for a project role (sent as `""`). Identifies the scope of a
    /// role named by name; it does not move the role.
    #[serde(
        default,
        deserialize_with = "empty_as_none",
        serialize_with = "none_as_empty"
    )]
    pub tenant_id: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub default: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub private: bool,
}

impl RoleUpdate {
    /// The full record of a loaded role, by name, unchanged (ready to be edited).
    #[must_use]
    pub fn from_role(r: &Role) -> Self {
        Self {
            target: NameOrId::Name(r.name.clone()),
            new_name: r.name.clone(),
            description: r.description.clone(),
            permission_names: r.permission_names.clone(),
            tenant_id: r.tenant_id.clone(),
            default: r.default,
            private: r.private,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn role_decodes_nulls_empty_tenant_and_unknown_fields() {
        let r: Role = serde_json::from_value(json!({
            "id": "ROL1", "name": "admin", "description": null, "permissionNames": null,
            "tenantId": "", "default": null, "private": true, "createdTime": 1_726_067_547,
            "color": "red"
        }))
        .unwrap();
        assert_eq!(r.id.as_deref(), Some("ROL1"));
        assert_eq!(r.tenant(), None);
        assert!(r.permission_names.is_empty() && !r.default && r.private);
        assert_eq!(r.created_time, Some(1_726_067_547));
        assert_eq!(r.extra["color"], json!("red"));
        let scoped: Role =
            serde_json::from_value(json!({"name": "viewer", "tenantId": "acme"})).unwrap();
        assert_eq!(scoped.tenant(), Some("acme"));
        assert_eq!(
            serde_json::from_value::<Role>(json!({})).unwrap(),
            Role::default()
        );
    }

    #[test]
    fn requests_send_every_field_in_the_go_form() {
        let r = Role {
            name: "viewer".into(),
            permission_names: vec!["read".into()],
            ..Role::default()
        };
        assert_eq!(
            serde_json::to_value(RoleRequest::from_role(&r)).unwrap(),
            json!({"name": "viewer", "description": "", "permissionNames": ["read"],
                   "tenantId": "", "default": false, "private": false})
        );
        let mut u = RoleUpdate::from_role(&Role {
            tenant_id: Some("acme".into()),
            ..r
        });
        u.new_name = "reader".into();
        let body = serde_json::to_value(&u).unwrap();
        assert_eq!(
            body,
            json!({"name": "viewer", "newName": "reader", "description": "",
                   "permissionNames": ["read"], "tenantId": "acme", "default": false,
                   "private": false})
        );
        assert_eq!(serde_json::from_value::<RoleUpdate>(body).unwrap(), u);
        let by_id: RoleUpdate = serde_json::from_value(
            json!({"id": "ROL1", "newName": "x", "tenantId": null, "permissionNames": null}),
        )
        .unwrap();
        assert_eq!(by_id.target, NameOrId::Id("ROL1".into()));
        assert_eq!(by_id.tenant_id, None);
    }
}
