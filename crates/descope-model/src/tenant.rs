//! A tenant as the service holds it ([`Tenant`]), the body that creates or updates one
//! ([`TenantRequest`]) and its session settings ([`TenantSettings`]) (reference §2).
//!
//! Every response field is optional on the wire: the service (and the SDKs' Go encoder) may send a
//! field as absent, `null`, or an empty value. All of those decode to the type's default here, and
//! fields this client does not know are kept in `extra` so a backup holds the object as the
//! service returned it.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::attrs::Attrs;

/// Decodes `null` as the type's default (serde's `default` only covers an absent key).
pub fn null_as_default<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(de)?.unwrap_or_default())
}

/// A tenant as load, load-all and search return it (reference §2.3).
///
/// Deserialised by hand (below) rather than with `#[serde(flatten)]`, which would buffer every
/// tenant before reading it: load-all answers can hold 100,000 tenants.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub self_provisioning_domains: Vec<String>,
    /// Values are string, number, bool or string array.
    #[serde(default, deserialize_with = "null_as_default")]
    pub custom_attributes: Attrs,
    #[serde(default, deserialize_with = "null_as_default")]
    pub auth_type: String,
    /// SSO domains (distinct from self-provisioning domains); read-only here.
    #[serde(default, deserialize_with = "null_as_default")]
    pub domains: Vec<String>,
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_time: Option<i64>,
    #[serde(rename = "enforceSSO", default, deserialize_with = "null_as_default")]
    pub enforce_sso: bool,
    #[serde(
        rename = "enforceSSOExclusions",
        default,
        deserialize_with = "null_as_default"
    )]
    pub enforce_sso_exclusions: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub disabled: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub role_inheritance: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub default_roles: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub parent: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub successors: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub federated_app_ids: Vec<String>,
    /// Fields this client does not model, kept so nothing the service returned is lost.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

impl<'de> Deserialize<'de> for Tenant {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(TenantVisitor)
    }
}

struct TenantVisitor;

/// Reads a field that may be `null` (the type's default then).
fn opt<'de, A, T>(map: &mut A) -> Result<T, A::Error>
where
    A: serde::de::MapAccess<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(map.next_value::<Option<T>>()?.unwrap_or_default())
}

/// Reads a list field that may be `null`, into an allocation of exactly its length: serde grows
/// a list to four slots, and 100,000 live tenants with one domain each would carry the three
/// empty ones.
fn list<'de, A>(map: &mut A) -> Result<Vec<String>, A::Error>
where
    A: serde::de::MapAccess<'de>,
{
    Ok(crate::attrs::exact(opt(map)?))
}

impl<'de> serde::de::Visitor<'de> for TenantVisitor {
    type Value = Tenant;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a tenant object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Tenant, A::Error> {
        let mut t = Tenant::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "id" => t.id = opt(&mut map)?,
                "name" => t.name = opt(&mut map)?,
                "selfProvisioningDomains" => t.self_provisioning_domains = list(&mut map)?,
                "customAttributes" => t.custom_attributes = opt(&mut map)?,
                "authType" => t.auth_type = opt(&mut map)?,
                "domains" => t.domains = list(&mut map)?,
                "createdTime" => t.created_time = map.next_value()?,
                "enforceSSO" => t.enforce_sso = opt(&mut map)?,
                "enforceSSOExclusions" => t.enforce_sso_exclusions = list(&mut map)?,
                "disabled" => t.disabled = opt(&mut map)?,
                "roleInheritance" => t.role_inheritance = opt(&mut map)?,
                "defaultRoles" => t.default_roles = list(&mut map)?,
                "parent" => t.parent = opt(&mut map)?,
                "successors" => t.successors = list(&mut map)?,
                "federatedAppIds" => t.federated_app_ids = list(&mut map)?,
                other => {
                    let value: Value = map.next_value()?;
                    t.extra.insert(other.to_owned(), value);
                }
            }
        }
        Ok(t)
    }
}

/// Body of `POST /v1/mgmt/tenant/create` and `/update` (reference §2.2).
///
/// An update replaces every field on the service, so an update request must be built from the
/// tenant as loaded (see [`TenantRequest::from_tenant`]) with only the wanted fields changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantRequest {
    /// Empty on create means "let the service generate one"; it is then left out of the body.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub self_provisioning_domains: Vec<String>,
    #[serde(default)]
    pub custom_attributes: Attrs,
    #[serde(rename = "enforceSSO", default)]
    pub enforce_sso: bool,
    #[serde(rename = "enforceSSOExclusions", default)]
    pub enforce_sso_exclusions: Vec<String>,
    #[serde(default)]
    pub disabled: bool,
    /// Create-time only: never sent on update.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub parent: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub role_inheritance: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub federated_app_ids: Vec<String>,
    /// Carried over on update so a full-replace update does not reset it (as the Terraform
    /// provider does); normally derived by the service from the SSO configuration.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub auth_type: String,
}

impl TenantRequest {
    /// The full record of a loaded tenant, ready to be changed and sent as an update.
    #[must_use]
    pub fn from_tenant(t: &Tenant) -> Self {
        Self {
            id: t.id.clone(),
            name: t.name.clone(),
            self_provisioning_domains: t.self_provisioning_domains.clone(),
            custom_attributes: t.custom_attributes.clone(),
            enforce_sso: t.enforce_sso,
            enforce_sso_exclusions: t.enforce_sso_exclusions.clone(),
            disabled: t.disabled,
            parent: t.parent.clone(),
            role_inheritance: t.role_inheritance.clone(),
            federated_app_ids: t.federated_app_ids.clone(),
            auth_type: t.auth_type.clone(),
        }
    }
}

/// Tenant session settings (reference §2.5), as `GET /v1/mgmt/tenant/settings` returns them and
/// as `POST` takes them (plus `tenantId`). Kept as an ordered JSON object so a restore sends back
/// exactly what was read, including fields this client does not know.
pub type TenantSettings = serde_json::Map<String, Value>;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tenant_decodes_null_absent_and_unknown_fields() {
        let t: Tenant = serde_json::from_value(json!({
            "id": "acme", "name": null, "selfProvisioningDomains": null, "customAttributes": null,
            "authType": null, "domains": null, "createdTime": null, "enforceSSO": null,
            "enforceSSOExclusions": null, "disabled": null, "roleInheritance": null,
            "defaultRoles": null, "parent": null, "successors": null, "federatedAppIds": null,
            "idJagEnabled": true
        }))
        .unwrap();
        assert_eq!(t.id, "acme");
        assert_eq!(t.name, "");
        assert!(t.self_provisioning_domains.is_empty() && t.custom_attributes.is_empty());
        assert_eq!(t.created_time, None);
        assert!(!t.enforce_sso && !t.disabled);
        assert_eq!(t.extra.get("idJagEnabled"), Some(&json!(true)));
        let empty: Tenant = serde_json::from_value(json!({})).unwrap();
        assert_eq!(empty, Tenant::default());
    }

    #[test]
    fn tenant_decodes_a_full_object() {
        let t: Tenant = serde_json::from_value(json!({
            "id": "acme", "name": "Acme", "selfProvisioningDomains": ["acme.com"],
            "customAttributes": {"tier": 3, "tags": ["a"], "vip": true}, "authType": "saml",
            "domains": ["sso.acme.com"], "createdTime": 1_726_067_547, "enforceSSO": true,
            "enforceSSOExclusions": ["u1"], "disabled": true, "roleInheritance": "userOnly",
            "defaultRoles": ["viewer"], "parent": "root", "successors": ["c1"], "federatedAppIds": ["f"]
        }))
        .unwrap();
        assert_eq!(t.custom_attributes["tags"], json!(["a"]));
        assert_eq!(t.created_time, Some(1_726_067_547));
        assert!(t.enforce_sso && t.disabled);
        assert_eq!(t.enforce_sso_exclusions, ["u1"]);
        assert_eq!(
            (t.role_inheritance.as_str(), t.parent.as_str()),
            ("userOnly", "root")
        );
        assert!(t.extra.is_empty());
    }

    #[test]
    fn tenant_request_leaves_out_an_empty_id_and_parent() {
        let body = serde_json::to_value(TenantRequest {
            name: "Acme".into(),
            ..TenantRequest::default()
        })
        .unwrap();
        assert_eq!(
            body,
            json!({"name": "Acme", "selfProvisioningDomains": [], "customAttributes": {},
                   "enforceSSO": false, "enforceSSOExclusions": [], "disabled": false})
        );
    }
}
