//! A permission as the service holds it ([`Permission`]) and the bodies that create and update
//! one ([`PermissionRequest`], [`PermissionUpdate`]) (reference §4.1, §10.3).
//!
//! Permissions with `systemDefault: true` (`Impersonate`, `User Admin`, `SSO Admin` …) belong to
//! the service: a plan must never update or delete them ([`Permission::is_system`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::name_or_id::{NameOrId, empty_as_none};
use crate::tenant::null_as_default;

/// A permission as `GET /v1/mgmt/permission/all` returns it: `{id?, name, description,
/// systemDefault}`. Absent and `null` fields decode to their defaults; fields this client does not
/// know are kept in `extra`. A project has tens to hundreds of permissions, so the buffering of
/// `#[serde(flatten)]` costs nothing worth a hand-written decoder (unlike tenants).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Permission {
    /// The service's id (`PERM…`), when it sends one; older answers have none.
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
    /// A built-in permission of the service: never updated or deleted by a plan.
    #[serde(default, deserialize_with = "null_as_default")]
    pub system_default: bool,
    /// Fields this client does not model, kept so nothing the service returned is lost.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl Permission {
    /// Whether the service owns this permission (`systemDefault: true`).
    #[must_use]
    pub fn is_system(&self) -> bool {
        self.system_default
    }
}

/// Body of `POST /v1/mgmt/permission/create` and one entry of `…/create/batch`:
/// `{name, description}` (the Go SDK's form).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionRequest {
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub description: String,
}

impl PermissionRequest {
    /// The create request that would make `p` again (a restore).
    #[must_use]
    pub fn from_permission(p: &Permission) -> Self {
        Self {
            name: p.name.clone(),
            description: p.description.clone(),
        }
    }
}

/// Body of `POST /v1/mgmt/permission/update` and one entry of `…/update/batch`:
/// `{name | id, newName, description}`.
///
/// The service replaces every field, so build it from the permission as loaded
/// ([`PermissionUpdate::from_permission`]) and change only what is wanted. `new_name` is always
/// sent (the Go SDK requires it): the current name when the permission is not renamed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionUpdate {
    /// The permission to change, by its current name or its id.
    #[serde(flatten)]
    pub target: NameOrId,
    pub new_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub description: String,
}

impl PermissionUpdate {
    /// The full record of a loaded permission, by name, unchanged (ready to be edited).
    #[must_use]
    pub fn from_permission(p: &Permission) -> Self {
        Self {
            target: NameOrId::Name(p.name.clone()),
            new_name: p.name.clone(),
            description: p.description.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn permission_decodes_nulls_and_keeps_unknown_fields() {
        let p: Permission = serde_json::from_value(json!({
            "id": null, "name": "read", "description": null, "systemDefault": null, "scope": "x"
        }))
        .unwrap();
        assert_eq!(p.id, None);
        assert_eq!((p.name.as_str(), p.description.as_str()), ("read", ""));
        assert!(!p.is_system());
        assert_eq!(p.extra["scope"], json!("x"));
        let back = serde_json::to_value(&p).unwrap();
        assert_eq!(
            back,
            json!({"name": "read", "description": "", "systemDefault": false, "scope": "x"})
        );
        let sys: Permission = serde_json::from_value(
            json!({"id": "PERM1", "name": "Impersonate", "systemDefault": true}),
        )
        .unwrap();
        assert!(sys.is_system());
        assert_eq!(sys.id.as_deref(), Some("PERM1"));
    }

    #[test]
    fn update_sends_name_or_id_and_new_name() {
        let p = Permission {
            name: "read".into(),
            description: "Read".into(),
            ..Permission::default()
        };
        let mut u = PermissionUpdate::from_permission(&p);
        assert_eq!(
            serde_json::to_value(&u).unwrap(),
            json!({"name": "read", "newName": "read", "description": "Read"})
        );
        u.target = NameOrId::Id("PERM1".into());
        u.new_name = "view".into();
        let body = serde_json::to_value(&u).unwrap();
        assert_eq!(
            body,
            json!({"id": "PERM1", "newName": "view", "description": "Read"})
        );
        let again: PermissionUpdate = serde_json::from_value(body).unwrap();
        assert_eq!(again, u);
    }
}
