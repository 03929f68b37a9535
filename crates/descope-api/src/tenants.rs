//! Tenant endpoints (reference §2): create (idempotent under retries), update, delete, load,
//! load all, search, session settings, default roles, and the license handshake.

use crate::Attrs;

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::client::{Call, Client};
use crate::error::ApiError;
use crate::models::{
    License, Tenant, TenantRequest, TenantSearch, TenantSettings, null_as_default,
};

const CREATE: &str = "/v1/mgmt/tenant/create";
const UPDATE: &str = "/v1/mgmt/tenant/update";
const DELETE: &str = "/v1/mgmt/tenant/delete";
const LOAD: &str = "/v1/mgmt/tenant";
const LOAD_ALL: &str = "/v1/mgmt/tenant/all";
const SEARCH: &str = "/v1/mgmt/tenant/search";
const SETTINGS: &str = "/v1/mgmt/tenant/settings";
const DEFAULT_ROLES: &str = "/v1/mgmt/tenant/updateDefaultRoles";
const LICENSE: &str = "/v1/mgmt/license";

#[derive(Deserialize)]
struct CreatedId {
    #[serde(default, deserialize_with = "null_as_default")]
    id: String,
}

/// `{"tenants": [...]}` (absent or `null` = none), or a bare array. Decoded in one pass, without
/// buffering the body first (an untagged enum would copy a 100,000-tenant answer before reading it).
struct TenantList(Vec<Tenant>);

impl<'de> Deserialize<'de> for TenantList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> serde::de::Visitor<'de> for ListVisitor {
            type Value = TenantList;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(r#"{"tenants": [...]} or a list of tenants"#)
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<TenantList, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
                while let Some(t) = seq.next_element()? {
                    out.push(t);
                }
                Ok(TenantList(out))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<TenantList, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if key == "tenants" {
                        out = map.next_value::<Option<Vec<Tenant>>>()?.unwrap_or_default();
                    } else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                Ok(TenantList(out))
            }
        }
        d.deserialize_any(ListVisitor)
    }
}

impl TenantList {
    fn into_vec(self) -> Vec<Tenant> {
        self.0
    }
}

impl Client {
    /// Creates a tenant and returns its id (the chosen one, or the one the service generated).
    ///
    /// Safe to retry: when an earlier attempt may have reached the service (its answer was lost)
    /// and a later one fails (say, "id already exists"), the tenant is looked up, and if it exists
    /// with the name, self-provisioning domains and custom attributes sent, its id is returned.
    ///
    /// # Errors
    /// Any [`ApiError`]; a duplicate id or name that is not this call's own doing stays an error.
    pub async fn create_tenant(&self, req: &TenantRequest) -> Result<String, ApiError> {
        let body = serde_json::to_value(req)
            .map_err(|e| ApiError::Config(format!("cannot encode tenant: {e}")))?;
        let outcome = self
            .send(Call {
                method: Method::POST,
                path: CREATE,
                query: None,
                body: Some(body),
            })
            .await;
        match outcome.result {
            Ok(reply) => {
                let id = if reply.body.iter().all(u8::is_ascii_whitespace) {
                    String::new()
                } else {
                    self.decode::<CreatedId>(&reply, CREATE)?.id
                };
                if !id.is_empty() {
                    Ok(id)
                } else if !req.id.is_empty() {
                    Ok(req.id.clone())
                } else {
                    Err(ApiError::InvalidResponse {
                        status: reply.status,
                        path: CREATE.into(),
                        snippet: self.scrub(&crate::error::one_line(
                            &String::from_utf8_lossy(&reply.body),
                            200,
                        )) + " (no tenant id in the answer)",
                    })
                }
            }
            Err(err @ ApiError::Service { .. }) if outcome.maybe_applied_earlier => {
                tracing::debug!(tenant = %req.id, name = %req.name, "create failed after a lost answer; checking whether an earlier attempt created it");
                match self.find_created(req).await {
                    Some(id) => Ok(id),
                    None => Err(err),
                }
            }
            Err(err) => Err(err),
        }
    }

    /// The tenant an earlier, unanswered create attempt made, if it exists with the fields sent.
    async fn find_created(&self, req: &TenantRequest) -> Option<String> {
        let candidate = if req.id.is_empty() {
            let q = TenantSearch {
                tenant_names: vec![req.name.clone()],
                ..TenantSearch::default()
            };
            self.search_tenants(&q)
                .await
                .ok()?
                .into_iter()
                .find(|t| t.name == req.name)?
        } else {
            self.load_tenant(&req.id).await.ok()?
        };
        created_as_sent(&candidate, req).then_some(candidate.id)
    }

    /// Replaces a tenant (the service overwrites every field, so send the full record). `parent`
    /// is never sent: it cannot change after creation.
    ///
    /// # Errors
    /// [`ApiError::Config`] without an id; otherwise any [`ApiError`].
    pub async fn update_tenant(&self, req: &TenantRequest) -> Result<(), ApiError> {
        if req.id.is_empty() {
            return Err(ApiError::Config(
                "cannot update a tenant without its id".into(),
            ));
        }
        let mut body = serde_json::to_value(req)
            .map_err(|e| ApiError::Config(format!("cannot encode tenant: {e}")))?;
        if let Value::Object(map) = &mut body {
            map.remove("parent");
        }
        self.unit(Call {
            method: Method::POST,
            path: UPDATE,
            query: None,
            body: Some(body),
        })
        .await
    }

    /// Deletes a tenant; with `cascade`, also the users and access keys that belong only to it.
    /// A not-found answer to a retry whose earlier attempt's answer was lost counts as done.
    ///
    /// # Errors
    /// Any [`ApiError`] (not-found when the tenant did not exist to begin with).
    pub async fn delete_tenant(&self, id: &str, cascade: bool) -> Result<(), ApiError> {
        let body = json!({ "id": id, "cascade": cascade });
        let outcome = self
            .send(Call {
                method: Method::POST,
                path: DELETE,
                query: None,
                body: Some(body),
            })
            .await;
        match outcome.result {
            Ok(_) => Ok(()),
            Err(e) if outcome.maybe_applied_earlier && e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Loads one tenant. Accepts the tenant at the top level (what the SDKs expect) and wrapped as
    /// `{"tenant": {...}}` (what one docs page shows).
    ///
    /// # Errors
    /// Not-found ([`ApiError::is_not_found`]) when there is no such tenant; any other [`ApiError`].
    pub async fn load_tenant(&self, id: &str) -> Result<Tenant, ApiError> {
        let value: Value = self
            .json(Call {
                method: Method::GET,
                path: LOAD,
                query: Some(("id", id)),
                body: None,
            })
            .await?;
        let shown = format!("{LOAD}?id={id}");
        let object = match value {
            Value::Object(mut map) => match map.remove("tenant") {
                Some(Value::Object(inner)) if !map.contains_key("id") => inner,
                Some(other) => {
                    map.insert("tenant".into(), other);
                    map
                }
                None => map,
            },
            other => return Err(self.wrong_shape(&shown, &other, "expected a tenant object")),
        };
        let mut tenant: Tenant = serde_json::from_value(Value::Object(object.clone()))
            .map_err(|e| self.wrong_shape(&shown, &Value::Object(object), &e.to_string()))?;
        if tenant.id.is_empty() {
            tenant.id = id.to_owned();
        }
        Ok(tenant)
    }

    /// Every tenant of the project (the service does not paginate this).
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn load_all_tenants(&self) -> Result<Vec<Tenant>, ApiError> {
        let list: TenantList = self
            .json(Call {
                method: Method::GET,
                path: LOAD_ALL,
                query: None,
                body: None,
            })
            .await?;
        Ok(list.into_vec())
    }

    /// Tenants matching the filters; empty filters match every tenant.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn search_tenants(&self, q: &TenantSearch) -> Result<Vec<Tenant>, ApiError> {
        let body = serde_json::to_value(q)
            .map_err(|e| ApiError::Config(format!("cannot encode search: {e}")))?;
        let list: TenantList = self
            .json(Call {
                method: Method::POST,
                path: SEARCH,
                query: None,
                body: Some(body),
            })
            .await?;
        Ok(list.into_vec())
    }

    /// A tenant's session settings, as the service returns them (`GET …/settings?id=`).
    ///
    /// # Errors
    /// Any [`ApiError`]; a body that is not a JSON object is [`ApiError::InvalidResponse`].
    pub async fn tenant_settings(&self, id: &str) -> Result<TenantSettings, ApiError> {
        let value: Value = self
            .json(Call {
                method: Method::GET,
                path: SETTINGS,
                query: Some(("id", id)),
                body: None,
            })
            .await?;
        match value {
            Value::Object(map) => Ok(map),
            Value::Null => Ok(TenantSettings::new()),
            other => Err(self.wrong_shape(
                &format!("{SETTINGS}?id={id}"),
                &other,
                "expected a settings object",
            )),
        }
    }

    /// Overwrites a tenant's session settings with `s` (sent with `"tenantId": id`).
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn set_tenant_settings(&self, id: &str, s: &TenantSettings) -> Result<(), ApiError> {
        let mut body = s.clone();
        body.insert("tenantId".into(), Value::String(id.to_owned()));
        self.unit(Call {
            method: Method::POST,
            path: SETTINGS,
            query: None,
            body: Some(Value::Object(body)),
        })
        .await
    }

    /// Sets the roles new members of the tenant get.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn set_default_roles(&self, id: &str, roles: &[String]) -> Result<(), ApiError> {
        let body = json!({ "id": id, "defaultRoles": roles });
        self.unit(Call {
            method: Method::POST,
            path: DEFAULT_ROLES,
            query: None,
            body: Some(body),
        })
        .await
    }

    /// The project's license (rate-limit tier); also a cheap credentials check.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn license(&self) -> Result<License, ApiError> {
        self.json(Call {
            method: Method::GET,
            path: LICENSE,
            query: None,
            body: None,
        })
        .await
    }

    pub(crate) fn wrong_shape(&self, shown: &str, got: &Value, why: &str) -> ApiError {
        let text = crate::error::one_line(&got.to_string(), 200);
        ApiError::InvalidResponse {
            status: 200,
            path: shown.to_owned(),
            snippet: self.scrub(&format!("{text} ({why})")),
        }
    }
}

/// Whether a found tenant is the one a create request asked for: same name, same
/// self-provisioning domains (any order), same custom attributes (numbers compared by value).
fn created_as_sent(found: &Tenant, req: &TenantRequest) -> bool {
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v.dedup();
        v
    };
    found.name == req.name
        && sorted(&found.self_provisioning_domains) == sorted(&req.self_provisioning_domains)
        && same_attributes(&found.custom_attributes, &req.custom_attributes)
}

fn same_attributes(a: &Attrs, b: &Attrs) -> bool {
    let meaningful = |m: &Attrs| m.iter().filter(|(_, v)| !v.is_null()).count();
    meaningful(a) == meaningful(b)
        && b.iter()
            .filter(|(_, v)| !v.is_null())
            .all(|(k, v)| a.get(k).is_some_and(|x| same_value(x, v)))
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(p, q))
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req() -> TenantRequest {
        TenantRequest {
            id: "acme".into(),
            name: "Acme".into(),
            self_provisioning_domains: vec!["a.com".into(), "b.com".into()],
            custom_attributes: Attrs::from([
                ("tier".into(), json!(3)),
                ("tags".into(), json!(["x"])),
            ]),
            ..TenantRequest::default()
        }
    }

    #[test]
    fn created_as_sent_compares_the_sent_fields() {
        let mut t = Tenant {
            id: "acme".into(),
            name: "Acme".into(),
            self_provisioning_domains: vec!["b.com".into(), "a.com".into()],
            custom_attributes: Attrs::from([
                ("tier".into(), json!(3.0)),
                ("tags".into(), json!(["x"])),
            ]),
            ..Tenant::default()
        };
        assert!(created_as_sent(&t, &req()));
        t.name = "Acme Inc".into();
        assert!(!created_as_sent(&t, &req()));
        t.name = "Acme".into();
        t.custom_attributes.insert("extra".into(), json!(true));
        assert!(!created_as_sent(&t, &req()));
        t.custom_attributes.remove("extra");
        t.self_provisioning_domains.pop();
        assert!(!created_as_sent(&t, &req()));
    }

    #[test]
    fn tenant_list_accepts_wrapped_null_and_bare() {
        let w: TenantList =
            serde_json::from_str(r#"{"tenants":[{"id":"a","name":"A"}],"total":1}"#).unwrap();
        assert_eq!(w.into_vec().len(), 1);
        let n: TenantList = serde_json::from_str(r#"{"tenants":null}"#).unwrap();
        assert!(n.into_vec().is_empty());
        let e: TenantList = serde_json::from_str("{}").unwrap();
        assert!(e.into_vec().is_empty());
        let b: TenantList = serde_json::from_str(r#"[{"id":"a"}]"#).unwrap();
        assert_eq!(b.into_vec()[0].id, "a");
    }
}
