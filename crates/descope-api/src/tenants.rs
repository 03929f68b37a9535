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
/// buffering the body first (an untagged enum would copy a 100,000-tenant answer before reading it),
/// into a list reserved up front for `capacity` tenants.
struct TenantList {
    /// Tenants to reserve room for (a guess from the body's size).
    capacity: usize,
}

/// The fewest bytes a tenant takes in an answer, for the guess: the service writes about 15
/// fields per tenant (330 bytes for a tenant with one domain and two attributes). Growing a list of
/// 100,000 tenants by doubling left 44 MB of copied-from buffers behind; a guess that is too high
/// only reserves address space that is never touched.
const MIN_TENANT_BYTES: usize = 200;

/// The most tenants reserved for up front, whatever the body's size (a tenant is about 340 bytes).
const MAX_RESERVED: usize = 1 << 20;

impl TenantList {
    fn for_body(body: &[u8]) -> Self {
        Self {
            capacity: (body.len() / MIN_TENANT_BYTES).min(MAX_RESERVED),
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for TenantList {
    type Value = Vec<Tenant>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Vec<Tenant>, D::Error> {
        d.deserialize_any(ListVisitor {
            capacity: self.capacity,
            top: true,
        })
    }
}

/// The answer (`top`), or the value of its `tenants` key.
struct ListVisitor {
    capacity: usize,
    top: bool,
}

impl<'de> serde::de::Visitor<'de> for ListVisitor {
    type Value = Vec<Tenant>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.top {
            f.write_str(r#"{"tenants": [...]} or a list of tenants"#)
        } else {
            f.write_str("a list of tenants or null")
        }
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Tenant>, A::Error> {
        let hint = seq.size_hint().unwrap_or(0).min(1 << 16);
        let mut out = Vec::with_capacity(self.capacity.max(hint));
        while let Some(t) = seq.next_element()? {
            out.push(t);
        }
        Ok(out)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Vec<Tenant>, E> {
        if self.top {
            return Err(E::invalid_type(serde::de::Unexpected::Unit, &self));
        }
        Ok(Vec::new())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Vec<Tenant>, A::Error> {
        if !self.top {
            return Err(serde::de::Error::invalid_type(
                serde::de::Unexpected::Map,
                &self,
            ));
        }
        let mut out = Vec::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "tenants" {
                out = map.next_value_seed(TenantListValue {
                    capacity: self.capacity,
                })?;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(out)
    }
}

/// The value of the `tenants` key: a list, or `null`.
struct TenantListValue {
    capacity: usize,
}

impl<'de> serde::de::DeserializeSeed<'de> for TenantListValue {
    type Value = Vec<Tenant>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Vec<Tenant>, D::Error> {
        d.deserialize_any(ListVisitor {
            capacity: self.capacity,
            top: false,
        })
    }
}

impl Client {
    /// Sends `call` and decodes a list of tenants, reserving room from the answer's size.
    async fn json_list(&self, call: Call<'_>) -> Result<Vec<Tenant>, ApiError> {
        let shown = crate::client::shown_path(&call);
        let reply = self.send(call).await.result?;
        let seed = TenantList::for_body(&reply.body);
        self.decode_seed(&reply, &shown, seed)
    }

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
        self.json_list(Call {
            method: Method::GET,
            path: LOAD_ALL,
            query: None,
            body: None,
        })
        .await
    }

    /// Tenants matching the filters; empty filters match every tenant.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn search_tenants(&self, q: &TenantSearch) -> Result<Vec<Tenant>, ApiError> {
        let body = serde_json::to_value(q)
            .map_err(|e| ApiError::Config(format!("cannot encode search: {e}")))?;
        self.json_list(Call {
            method: Method::POST,
            path: SEARCH,
            query: None,
            body: Some(body),
        })
        .await
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

    fn list(body: &str) -> Result<Vec<Tenant>, serde_json::Error> {
        use serde::de::DeserializeSeed;
        let seed = TenantList::for_body(body.as_bytes());
        let mut de = serde_json::Deserializer::from_str(body);
        seed.deserialize(&mut de)
    }

    #[test]
    fn tenant_list_accepts_wrapped_null_and_bare() {
        let w = list(r#"{"tenants":[{"id":"a","name":"A"}],"total":1}"#).unwrap();
        assert_eq!(w.len(), 1);
        assert!(list(r#"{"tenants":null}"#).unwrap().is_empty());
        assert!(list("{}").unwrap().is_empty());
        assert_eq!(list(r#"[{"id":"a"}]"#).unwrap()[0].id, "a");
        // Anything else is refused, as before.
        assert!(list("null").is_err());
        assert!(list(r#"{"tenants":{"tenants":[]}}"#).is_err());
        assert!(list(r#"{"tenants":"x"}"#).is_err());
    }

    #[test]
    fn tenant_list_reserves_from_the_body_size_within_a_cap() {
        let body = format!("[{}]", vec![r#"{"id":"a"}"#; 100].join(","));
        assert_eq!(
            TenantList::for_body(body.as_bytes()).capacity,
            body.len() / MIN_TENANT_BYTES
        );
        assert_eq!(
            TenantList::for_body(&vec![b' '; 1 << 30]).capacity,
            MAX_RESERVED
        );
    }
}
