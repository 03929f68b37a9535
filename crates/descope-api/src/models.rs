//! Wire models of the Descope management API as the client reads and writes them (reference §2, §3).
//! The domain types a plan also reads (tenant, tenant request, attributes, settings) live in
//! descope-model and are re-exported here, so `descope_api::Tenant` and
//! `descope_api::models::Tenant` keep naming them.
//!
//! Every response field is optional on the wire: the service (and the SDKs' Go encoder) may send a
//! field as absent, `null`, or an empty value. All of those decode to the type's default here, and
//! fields this client does not know are kept in `extra` so a backup holds the object as the
//! service returned it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use descope_model::{Attrs, Tenant, TenantRequest, TenantSettings, null_as_default};

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
