//! Wire models of the Descope management API as the client reads and writes them (reference §2,
//! §3, §4.1). The domain types a plan also reads (tenant, role, permission, their requests,
//! attributes, settings) live in descope-model and are re-exported here, so `descope_api::Tenant`
//! and `descope_api::models::Role` keep naming them. Search and batch-delete filters, which no plan
//! reads, live here.
//!
//! Every response field is optional on the wire: the service (and the SDKs' Go encoder) may send a
//! field as absent, `null`, or an empty value. All of those decode to the type's default here, and
//! fields this client does not know are kept in `extra` so a backup holds the object as the
//! service returned it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use descope_model::{
    Attrs, Expiration, NameOrId, Permission, PermissionRequest, PermissionUpdate, Role,
    RoleRequest, RoleUpdate, SessionSettings, SettingsError, SsoDisabledFeatures, SsoSetupSuite,
    Tenant, TenantRequest, TenantSettings, Unit, null_as_default,
};

use crate::error::ApiError;

/// Filters of `POST /v1/mgmt/tenant/search` (reference §2.4). Empty fields are left out.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantSearch {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenant_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenant_names: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenant_self_provisioning_domains: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom_attributes: BTreeMap<String, Value>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub auth_type: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub parent_tenant_id: String,
    #[serde(
        rename = "tenantSSODomains",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tenant_sso_domains: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub top_level_only: bool,
}

/// Filters of `POST /v1/mgmt/role/search` (reference §4.1, §10.3), in the Go SDK's form: empty
/// fields are left out. Empty filters match every role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleSearch {
    /// Roles of these tenants.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenant_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub role_names: Vec<String>,
    /// Roles whose name contains this, ignoring case.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub role_name_like: String,
    /// Roles granting these permissions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permission_names: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub role_ids: Vec<String>,
    /// With `tenant_ids`: also return project roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_project_roles: Option<bool>,
}

/// Which roles `POST /v1/mgmt/role/delete/batch` deletes: names and/or ids, in one scope (a
/// tenant, or the project).
///
/// The service deletes **every role** when this filter is empty (reference §10.3, the Python
/// SDK's `role_delete_batch_body`), so this type cannot be empty: its only constructors refuse an
/// empty filter, and a blank name or id (which could match nothing and leave the filter empty in
/// effect). It is not `Deserialize`, so it cannot be read into existence empty either.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleFilter {
    role_names: Vec<String>,
    role_ids: Vec<String>,
    tenant_id: Option<String>,
}

impl RoleFilter {
    /// Roles named `names` in `tenant_id` (`None`: project roles).
    ///
    /// # Errors
    /// [`ApiError::Config`] when `names` is empty or holds a blank name.
    pub fn names<S: Into<String>>(
        tenant_id: Option<&str>,
        names: impl IntoIterator<Item = S>,
    ) -> Result<Self, ApiError> {
        Self::new(
            tenant_id,
            names.into_iter().map(Into::into).collect(),
            Vec::new(),
        )
    }

    /// Roles with ids `ids` in `tenant_id` (`None`: project roles).
    ///
    /// # Errors
    /// [`ApiError::Config`] when `ids` is empty or holds a blank id.
    pub fn ids<S: Into<String>>(
        tenant_id: Option<&str>,
        ids: impl IntoIterator<Item = S>,
    ) -> Result<Self, ApiError> {
        Self::new(
            tenant_id,
            Vec::new(),
            ids.into_iter().map(Into::into).collect(),
        )
    }

    /// Roles named `role_names` or with ids `role_ids`, in `tenant_id` (`None` or `""`: project
    /// roles).
    ///
    /// # Errors
    /// [`ApiError::Config`] when both lists are empty, or either holds a blank entry.
    pub fn new(
        tenant_id: Option<&str>,
        role_names: Vec<String>,
        role_ids: Vec<String>,
    ) -> Result<Self, ApiError> {
        if role_names.is_empty() && role_ids.is_empty() {
            return Err(ApiError::Config(
                "refusing to send a role batch delete without role names or ids: the service \
                 would delete every role of the project; nothing was sent"
                    .into(),
            ));
        }
        if role_names
            .iter()
            .chain(&role_ids)
            .any(|s| s.trim().is_empty())
        {
            return Err(ApiError::Config(
                "refusing to send a role batch delete with a blank role name or id; nothing was sent"
                    .into(),
            ));
        }
        Ok(Self {
            role_names,
            role_ids,
            tenant_id: tenant_id.filter(|t| !t.is_empty()).map(str::to_owned),
        })
    }

    /// The role names the filter deletes.
    #[must_use]
    pub fn role_names(&self) -> &[String] {
        &self.role_names
    }

    /// The role ids the filter deletes.
    #[must_use]
    pub fn role_ids(&self) -> &[String] {
        &self.role_ids
    }

    /// The tenant whose roles are deleted; `None` for project roles.
    #[must_use]
    pub fn tenant_id(&self) -> Option<&str> {
        self.tenant_id.as_deref()
    }

    /// The request body, in the Go SDK's form `{roleNames, tenantId, roleIds}`.
    pub(crate) fn body(&self) -> Value {
        serde_json::json!({
            "roleNames": self.role_names,
            "tenantId": self.tenant_id.as_deref().unwrap_or_default(),
            "roleIds": self.role_ids,
        })
    }
}

/// `GET /v1/mgmt/license`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct License {
    #[serde(default, deserialize_with = "null_as_default")]
    pub rate_limit_tier: String,
}

/// One entry of `POST /v1/mgmt/flow/list`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowSummary {
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub description: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub disabled: bool,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn summaries_and_license_accept_nulls() {
        let f: FlowSummary = serde_json::from_value(
            json!({"id": "sign-in", "name": null, "disabled": null, "etag": "x"}),
        )
        .unwrap();
        assert_eq!(
            (f.id.as_str(), f.name.as_str(), f.disabled),
            ("sign-in", "", false)
        );
        assert_eq!(f.extra["etag"], json!("x"));
        let l: License = serde_json::from_value(json!({"rateLimitTier": null})).unwrap();
        assert_eq!(l.rate_limit_tier, "");
    }
}
