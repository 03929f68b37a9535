//! Tenant endpoints (reference §2): create, update (full replace), delete, load, load all, search,
//! settings get/set, default roles; and the license endpoint.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::app::{App, now_secs};
use crate::journal::Note;
use crate::respond::{
    ApiError, ApiResult, bytes_response, lenient, non_empty, ok_empty, ok_json, parse_body,
};
use crate::store::{Store, Tenant};

/// Body of tenant create and update (reference §2.2). Every field may be absent, `null` or empty.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct TenantBody {
    #[serde(deserialize_with = "lenient")]
    id: Option<String>,
    #[serde(deserialize_with = "lenient")]
    name: Option<String>,
    #[serde(deserialize_with = "lenient")]
    self_provisioning_domains: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient")]
    custom_attributes: Option<Map<String, Value>>,
    #[serde(rename = "enforceSSO", deserialize_with = "lenient")]
    enforce_sso: Option<bool>,
    #[serde(rename = "enforceSSOExclusions", deserialize_with = "lenient")]
    enforce_sso_exclusions: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient")]
    disabled: Option<bool>,
    #[serde(deserialize_with = "lenient")]
    parent: Option<String>,
    #[serde(deserialize_with = "lenient")]
    role_inheritance: Option<String>,
    #[serde(deserialize_with = "lenient")]
    federated_app_ids: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient")]
    auth_type: Option<String>,
    #[serde(deserialize_with = "lenient")]
    default_roles: Option<Vec<String>>,
}

/// `^[A-Za-z0-9_-]{1,30}$` (reference §7).
fn check_tenant_id(id: &str) -> Result<(), ApiError> {
    let ok = (1..=30).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "Tenant id '{id}' is invalid: use 1 to 30 letters, digits, '_' or '-'"
        )))
    }
}

fn check_role_inheritance(value: Option<String>) -> Result<String, ApiError> {
    let value = value.unwrap_or_default();
    match value.as_str() {
        "" | "none" | "userOnly" => Ok(value),
        other => Err(ApiError::invalid(format!(
            "roleInheritance '{other}' is invalid: use \"none\" or \"userOnly\""
        ))),
    }
}

fn check_auth_type(value: Option<String>) -> Result<String, ApiError> {
    match non_empty(value).as_deref() {
        None => Ok("none".to_owned()),
        Some(t @ ("none" | "saml" | "oidc")) => Ok(t.to_owned()),
        Some(other) => Err(ApiError::invalid(format!(
            "authType '{other}' is invalid: use \"none\", \"saml\" or \"oidc\""
        ))),
    }
}

/// Values must be string, number, bool or a list of those; `null` values are dropped.
fn check_custom_attributes(
    attrs: Option<Map<String, Value>>,
) -> Result<Map<String, Value>, ApiError> {
    let mut out = Map::new();
    for (key, value) in attrs.unwrap_or_default() {
        let scalar = |v: &Value| v.is_string() || v.is_number() || v.is_boolean();
        match &value {
            Value::Null => continue,
            Value::Array(items) if items.iter().all(scalar) => {}
            v if scalar(v) => {}
            _ => {
                return Err(ApiError::invalid(format!(
                    "customAttributes.{key} must be a string, number, boolean or list of strings"
                )));
            }
        }
        out.insert(key, value);
    }
    Ok(out)
}

fn duplicate_id(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "E112203",
        "Tenant already exists",
        format!("A tenant with id '{id}' already exists"),
    )
}

fn duplicate_name(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "E112204",
        "Tenant name already exists",
        format!("A tenant named '{name}' already exists; tenant names are unique per project"),
    )
}

fn with_note(mut response: axum::response::Response, note: Note) -> axum::response::Response {
    response.extensions_mut().insert(note);
    response
}

/// The tenant fields a create or update body sets (everything but id, parent, created time).
fn fields_from_body(id: String, name: String, b: TenantBody) -> Result<Tenant, ApiError> {
    Ok(Tenant {
        id,
        name,
        role_inheritance: check_role_inheritance(b.role_inheritance)?,
        auth_type: check_auth_type(b.auth_type)?,
        custom_attributes: check_custom_attributes(b.custom_attributes)?,
        self_provisioning_domains: b.self_provisioning_domains.unwrap_or_default(),
        enforce_sso: b.enforce_sso.unwrap_or_default(),
        enforce_sso_exclusions: b.enforce_sso_exclusions.unwrap_or_default(),
        disabled: b.disabled.unwrap_or_default(),
        federated_app_ids: b.federated_app_ids.unwrap_or_default(),
        default_roles: b.default_roles.unwrap_or_default(),
        ..Tenant::default()
    })
}

/// `POST /v1/mgmt/tenant/create`.
pub(crate) async fn create(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let mut b: TenantBody = parse_body(&body)?;
    let name = non_empty(b.name.take()).ok_or_else(|| ApiError::missing("name"))?;
    let id = non_empty(b.id.take());
    if let Some(id) = &id {
        check_tenant_id(id)?;
    }
    let parent = non_empty(b.parent.take()).unwrap_or_default();
    let mut tenant = fields_from_body(String::new(), name, b)?;
    let id = {
        let mut store = app.write_store();
        if let Some(id) = &id
            && store.contains(id)
        {
            return Err(duplicate_id(id));
        }
        if store.name_taken(&tenant.name, None) {
            return Err(duplicate_name(&tenant.name));
        }
        if !parent.is_empty() && !store.contains(&parent) {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "E112202",
                "Tenant not found",
                format!("Parent tenant '{parent}' does not exist"),
            ));
        }
        let id = id.unwrap_or_else(|| app.generate_tenant_id(&store));
        tenant.id.clone_from(&id);
        tenant.parent = parent;
        tenant.created_time = now_secs();
        store.insert(tenant);
        id
    };
    app.persist.mark_changed();
    let response = ok_json(&json!({ "id": id }))?;
    Ok(with_note(
        response,
        Note {
            target: Some(id),
            cascade: None,
        },
    ))
}

/// `POST /v1/mgmt/tenant/update`: replaces every field; only id, parent, created time, SSO
/// domains and (unless given) default roles are kept.
pub(crate) async fn update(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let mut b: TenantBody = parse_body(&body)?;
    let id = non_empty(b.id.take()).ok_or_else(|| ApiError::missing("id"))?;
    let name = non_empty(b.name.take()).ok_or_else(|| ApiError::missing("name"))?;
    let keep_default_roles = b.default_roles.is_none();
    let mut tenant = fields_from_body(id.clone(), name, b)?;
    {
        let mut store = app.write_store();
        let Some(current) = store.get(&id) else {
            return Err(ApiError::tenant_not_found(&id));
        };
        if store.name_taken(&tenant.name, Some(&id)) {
            return Err(duplicate_name(&tenant.name));
        }
        tenant.domains.clone_from(&current.domains);
        if keep_default_roles {
            tenant.default_roles.clone_from(&current.default_roles);
        }
        store.replace(tenant);
    }
    app.persist.mark_changed();
    ok_empty()
}

/// `PATCH /v1/mgmt/tenant/patch` (Python SDK `patch_tenant`): only the fields present and not
/// null change; everything else is kept.
pub(crate) async fn patch(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let b: TenantBody = parse_body(&body)?;
    let id = non_empty(b.id.clone()).ok_or_else(|| ApiError::missing("id"))?;
    {
        let mut store = app.write_store();
        let Some(current) = store.get(&id) else {
            return Err(ApiError::tenant_not_found(&id));
        };
        let mut t = current.clone();
        if let Some(name) = non_empty(b.name) {
            if store.name_taken(&name, Some(&id)) {
                return Err(duplicate_name(&name));
            }
            t.name = name;
        }
        if let Some(v) = b.self_provisioning_domains {
            t.self_provisioning_domains = v;
        }
        if b.custom_attributes.is_some() {
            t.custom_attributes = check_custom_attributes(b.custom_attributes)?;
        }
        if let Some(v) = b.enforce_sso {
            t.enforce_sso = v;
        }
        if let Some(v) = b.enforce_sso_exclusions {
            t.enforce_sso_exclusions = v;
        }
        if let Some(v) = b.disabled {
            t.disabled = v;
        }
        if b.role_inheritance.is_some() {
            t.role_inheritance = check_role_inheritance(b.role_inheritance)?;
        }
        if let Some(v) = b.federated_app_ids {
            t.federated_app_ids = v;
        }
        if let Some(v) = b.default_roles {
            t.default_roles = v;
        }
        store.replace(t);
    }
    app.persist.mark_changed();
    ok_empty()
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct AdminLinkBody {
    #[serde(deserialize_with = "lenient")]
    tenant_id: Option<String>,
    #[serde(deserialize_with = "lenient")]
    expire_time: Option<i64>,
    #[serde(deserialize_with = "lenient")]
    sso_id: Option<String>,
}

/// `POST /v2/mgmt/tenant/adminlinks/sso/generate`: a link to the SSO setup suite.
pub(crate) async fn admin_link_generate(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let b: AdminLinkBody = parse_body(&body)?;
    let id = non_empty(b.tenant_id).ok_or_else(|| ApiError::missing("tenantId"))?;
    if app.write_store().get(&id).is_none() {
        return Err(ApiError::tenant_not_found(&id));
    }
    let expires = now_secs() + b.expire_time.filter(|e| *e > 0).unwrap_or(60 * 60 * 24 * 7);
    let sso = b.sso_id.map(|s| format!("&ssoId={s}")).unwrap_or_default();
    ok_json(&json!({
        "adminSSOConfigurationLink":
            format!("https://emulator.invalid/sso-setup?tenant={id}&expires={expires}{sso}")
    }))
}

/// `POST /v1/mgmt/tenant/adminlinks/sso/revoke`.
pub(crate) async fn admin_link_revoke(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let b: AdminLinkBody = parse_body(&body)?;
    let id = non_empty(b.tenant_id).ok_or_else(|| ApiError::missing("tenantId"))?;
    if app.write_store().get(&id).is_none() {
        return Err(ApiError::tenant_not_found(&id));
    }
    ok_empty()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct DeleteBody {
    #[serde(deserialize_with = "lenient")]
    id: Option<String>,
    #[serde(deserialize_with = "lenient")]
    cascade: Option<bool>,
}

/// `POST /v1/mgmt/tenant/delete`: refuses a tenant that still has sub-tenants.
pub(crate) async fn delete(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let b: DeleteBody = parse_body(&body)?;
    let id = non_empty(b.id).ok_or_else(|| ApiError::missing("id"))?;
    {
        let mut store = app.write_store();
        let Some(tenant) = store.get(&id) else {
            return Err(ApiError::tenant_not_found(&id));
        };
        if !tenant.successors.is_empty() {
            return Err(ApiError::invalid(format!(
                "Tenant '{id}' has sub-tenants ({}); delete its sub-tenants first",
                tenant.successors.join(", ")
            )));
        }
        store.remove(&id);
    }
    app.persist.mark_changed();
    let note = Note {
        target: None,
        cascade: Some(b.cascade.unwrap_or(false)),
    };
    Ok(with_note(ok_empty()?, note))
}

type QueryMap = Result<Query<HashMap<String, String>>, QueryRejection>;

fn query_id(query: QueryMap) -> Result<String, ApiError> {
    let Query(map) = query.map_err(|e| ApiError::bad_json(e.body_text()))?;
    non_empty(map.get("id").cloned()).ok_or_else(|| ApiError::missing("id"))
}

/// `GET /v1/mgmt/tenant?id=…`: the tenant at top level.
pub(crate) async fn load(State(app): State<Arc<App>>, query: QueryMap) -> ApiResult {
    let id = query_id(query)?;
    let store = app.read_store();
    let tenant = store
        .get(&id)
        .ok_or_else(|| ApiError::tenant_not_found(&id))?;
    ok_json(tenant)
}

fn tenants_response<'a>(tenants: impl Iterator<Item = &'a Tenant>) -> ApiResult {
    #[derive(Serialize)]
    struct Tenants<'a> {
        tenants: Vec<&'a Tenant>,
    }
    let bytes = serde_json::to_vec(&Tenants {
        tenants: tenants.collect(),
    })
    .map_err(|e| ApiError::invalid(e.to_string()))?;
    Ok(bytes_response(StatusCode::OK, bytes))
}

/// `GET /v1/mgmt/tenant/all`: every tenant, sorted by id.
pub(crate) async fn load_all(State(app): State<Arc<App>>) -> ApiResult {
    let store = app.read_store();
    tenants_response(store.tenants())
}

/// Filters of `POST /v1/mgmt/tenant/search` (reference §2.4).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct SearchBody {
    #[serde(deserialize_with = "lenient")]
    tenant_ids: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient")]
    tenant_names: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient")]
    tenant_self_provisioning_domains: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient")]
    custom_attributes: Option<Map<String, Value>>,
    #[serde(deserialize_with = "lenient")]
    auth_type: Option<String>,
    #[serde(deserialize_with = "lenient")]
    parent_tenant_id: Option<String>,
    #[serde(rename = "tenantSSODomains", deserialize_with = "lenient")]
    tenant_sso_domains: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient")]
    top_level_only: Option<bool>,
}

/// Whether a stored attribute value matches a filter value: equal, or (either side a list)
/// sharing an element.
fn attribute_matches(stored: &Value, wanted: &Value) -> bool {
    match (stored, wanted) {
        (Value::Array(have), Value::Array(want)) => want.iter().any(|w| have.contains(w)),
        (Value::Array(have), w) => have.contains(w),
        (s, Value::Array(want)) => want.contains(s),
        (s, w) => s == w,
    }
}

impl SearchBody {
    fn matches(&self, t: &Tenant) -> bool {
        let any_of = |list: &Option<Vec<String>>, f: &dyn Fn(&String) -> bool| {
            list.as_ref()
                .is_none_or(|l| l.is_empty() || l.iter().any(f))
        };
        any_of(&self.tenant_ids, &|id| *id == t.id)
            && any_of(&self.tenant_names, &|n| *n == t.name)
            && any_of(&self.tenant_self_provisioning_domains, &|d| {
                t.self_provisioning_domains.contains(d)
            })
            && any_of(&self.tenant_sso_domains, &|d| t.domains.contains(d))
            && self.custom_attributes.as_ref().is_none_or(|attrs| {
                attrs.iter().filter(|(_, v)| !v.is_null()).all(|(k, v)| {
                    t.custom_attributes
                        .get(k)
                        .is_some_and(|have| attribute_matches(have, v))
                })
            })
            && self
                .auth_type
                .as_deref()
                .is_none_or(|a| a.is_empty() || a == t.auth_type)
            && self
                .parent_tenant_id
                .as_deref()
                .is_none_or(|p| p.is_empty() || p == t.parent)
            && (!self.top_level_only.unwrap_or(false) || t.parent.is_empty())
    }
}

/// `POST /v1/mgmt/tenant/search`: AND across filters, any-match within a list.
pub(crate) async fn search(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let filter: SearchBody = parse_body(&body)?;
    let store = app.read_store();
    tenants_response(store.tenants().filter(|t| filter.matches(t)))
}

/// Duration units of the settings: reference §2.5 lists the first four; `seconds` is accepted
/// too, as the Terraform providers allow it (reference §7, §10.4).
const UNITS: [&str; 5] = ["seconds", "minutes", "hours", "days", "weeks"];
const BOOL_SETTINGS: [&str; 3] = ["enabled", "enableInactivity", "JITDisabled"];
const NUMBER_SETTINGS: [&str; 4] = [
    "refreshTokenExpiration",
    "sessionTokenExpiration",
    "stepupTokenExpiration",
    "inactivityTime",
];

/// The settings a tenant has before anything is set (values of a new Descope project).
fn default_settings() -> Map<String, Value> {
    let Value::Object(map) = json!({
        "enabled": false,
        "refreshTokenExpiration": 4,
        "refreshTokenExpirationUnit": "weeks",
        "sessionTokenExpiration": 10,
        "sessionTokenExpirationUnit": "minutes",
        "stepupTokenExpiration": 10,
        "stepupTokenExpirationUnit": "minutes",
        "enableInactivity": false,
        "inactivityTime": 12,
        "inactivityTimeUnit": "minutes",
        "JITDisabled": false,
        "ssoSetupSuiteSettings": {
            "enabled": false,
            "styleId": "",
            "disabledFeatures": {"saml": false, "oidc": false, "scim": false, "ssoDomains": false, "groupMapping": false}
        }
    }) else {
        unreachable!("a JSON object literal")
    };
    map
}

/// A tenant's effective settings: defaults, overlaid with what was set, plus the fields that
/// live on the tenant itself.
fn effective_settings(store: &Store, tenant: &Tenant) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert(
        "selfProvisioningDomains".into(),
        json!(tenant.self_provisioning_domains),
    );
    out.insert("domains".into(), json!(tenant.domains));
    out.insert("authType".into(), json!(tenant.auth_type));
    out.extend(default_settings());
    if let Some(set) = store.settings.get(&tenant.id) {
        for (k, v) in set {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

/// `GET /v1/mgmt/tenant/settings?id=…`.
pub(crate) async fn get_settings(State(app): State<Arc<App>>, query: QueryMap) -> ApiResult {
    let id = query_id(query)?;
    let store = app.read_store();
    let tenant = store
        .get(&id)
        .ok_or_else(|| ApiError::tenant_not_found(&id))?;
    ok_json(&effective_settings(&store, tenant))
}

fn string_list(key: &str, v: &Value) -> Result<Vec<String>, ApiError> {
    serde_json::from_value::<Vec<String>>(v.clone())
        .map_err(|_| ApiError::invalid(format!("{key} must be a list of strings")))
}

/// `{enabled?: bool, styleId?: string, disabledFeatures?: {name: bool}}` (reference §2.5), kept
/// as sent.
fn check_sso_setup_suite(value: &Value) -> Result<(), ApiError> {
    let bad = |what: &str| ApiError::invalid(format!("ssoSetupSuiteSettings{what}"));
    let Some(suite) = value.as_object() else {
        return Err(bad(" must be an object"));
    };
    for (key, v) in suite {
        let ok = match key.as_str() {
            _ if v.is_null() => true,
            "enabled" => v.is_boolean(),
            "styleId" => v.is_string(),
            "disabledFeatures" => v
                .as_object()
                .is_some_and(|f| f.values().all(|x| x.is_boolean() || x.is_null())),
            _ => true,
        };
        if !ok {
            let want = match key.as_str() {
                "enabled" => "a boolean",
                "styleId" => "a string",
                _ => "an object of booleans",
            };
            return Err(bad(&format!(".{key} must be {want}")));
        }
    }
    Ok(())
}

/// What a settings POST changes, validated before anything is applied.
#[derive(Default)]
struct SettingsChange {
    stored: Map<String, Value>,
    self_provisioning_domains: Option<Vec<String>>,
    domains: Option<Vec<String>>,
    auth_type: Option<String>,
    enforce_sso: Option<bool>,
    enforce_sso_exclusions: Option<Vec<String>>,
    federated_app_ids: Option<Vec<String>>,
}

fn parse_settings(body: Map<String, Value>) -> Result<SettingsChange, ApiError> {
    let mut change = SettingsChange::default();
    for (raw_key, value) in body {
        if value.is_null() {
            continue;
        }
        // The Node SDK's type spells these with a capital I.
        let key = match raw_key.as_str() {
            "InactivityTime" => "inactivityTime".to_owned(),
            "InactivityTimeUnit" => "inactivityTimeUnit".to_owned(),
            _ => raw_key,
        };
        let k = key.as_str();
        match k {
            "selfProvisioningDomains" => {
                change.self_provisioning_domains = Some(string_list(k, &value)?)
            }
            "domains" => change.domains = Some(string_list(k, &value)?),
            "enforceSSOExclusions" => change.enforce_sso_exclusions = Some(string_list(k, &value)?),
            "federatedAppIds" => change.federated_app_ids = Some(string_list(k, &value)?),
            "enforceSSO" => {
                change.enforce_sso = Some(
                    value
                        .as_bool()
                        .ok_or_else(|| ApiError::invalid("enforceSSO must be a boolean"))?,
                );
            }
            "authType" => {
                let s = value
                    .as_str()
                    .ok_or_else(|| ApiError::invalid("authType must be a string"))?;
                if !s.is_empty() {
                    change.auth_type = Some(check_auth_type(Some(s.to_owned()))?);
                }
            }
            _ if BOOL_SETTINGS.contains(&k) => {
                if !value.is_boolean() {
                    return Err(ApiError::invalid(format!("{k} must be a boolean")));
                }
                change.stored.insert(key, value);
            }
            _ if NUMBER_SETTINGS.contains(&k) => {
                if value.as_u64().is_none() {
                    return Err(ApiError::invalid(format!(
                        "{k} must be a non-negative whole number"
                    )));
                }
                change.stored.insert(key, value);
            }
            _ if k.ends_with("Unit") && NUMBER_SETTINGS.contains(&k.trim_end_matches("Unit")) => {
                let unit = value.as_str().unwrap_or("<not a string>");
                if unit.is_empty() {
                    continue;
                }
                if !UNITS.contains(&unit) {
                    return Err(ApiError::invalid(format!(
                        "{k} '{unit}' is invalid: use seconds, minutes, hours, days or weeks"
                    )));
                }
                change.stored.insert(key, value);
            }
            "ssoSetupSuiteSettings" => {
                check_sso_setup_suite(&value)?;
                change.stored.insert(key, value);
            }
            _ => {} // tenantId and unknown keys
        }
    }
    Ok(change)
}

/// `POST /v1/mgmt/tenant/settings`: the session settings are replaced as a whole, as the service
/// does (reference §2.5, §10.4: "will override whatever is currently set even if left default"):
/// a session field not sent (or `null`) is back to its default. The fields that live on the tenant
/// (`selfProvisioningDomains`, `domains`, `authType`, `enforceSSO`, `enforceSSOExclusions`,
/// `federatedAppIds`) change only when sent.
pub(crate) async fn set_settings(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let mut body: Map<String, Value> = parse_body(&body)?;
    let id = match body.remove("tenantId") {
        Some(Value::String(s)) if !s.is_empty() => s,
        Some(Value::Null) | None => return Err(ApiError::missing("tenantId")),
        Some(Value::String(_)) => return Err(ApiError::missing("tenantId")),
        Some(_) => return Err(ApiError::bad_json("tenantId must be a string")),
    };
    let change = parse_settings(body)?;
    {
        let mut store = app.write_store();
        let tenant = store
            .get_mut(&id)
            .ok_or_else(|| ApiError::tenant_not_found(&id))?;
        if let Some(v) = change.self_provisioning_domains {
            tenant.self_provisioning_domains = v;
        }
        if let Some(v) = change.domains {
            tenant.domains = v;
        }
        if let Some(v) = change.auth_type {
            tenant.auth_type = v;
        }
        if let Some(v) = change.enforce_sso {
            tenant.enforce_sso = v;
        }
        if let Some(v) = change.enforce_sso_exclusions {
            tenant.enforce_sso_exclusions = v;
        }
        if let Some(v) = change.federated_app_ids {
            tenant.federated_app_ids = v;
        }
        store.settings.insert(id.clone(), change.stored);
    }
    app.persist.mark_changed();
    let response = ok_empty()?;
    Ok(with_note(
        response,
        Note {
            target: Some(id),
            cascade: None,
        },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct DefaultRolesBody {
    #[serde(deserialize_with = "lenient")]
    id: Option<String>,
    #[serde(deserialize_with = "lenient")]
    default_roles: Option<Vec<String>>,
}

/// `POST /v1/mgmt/tenant/updateDefaultRoles`.
pub(crate) async fn update_default_roles(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let b: DefaultRolesBody = parse_body(&body)?;
    let id = non_empty(b.id).ok_or_else(|| ApiError::missing("id"))?;
    {
        let mut store = app.write_store();
        let tenant = store
            .get_mut(&id)
            .ok_or_else(|| ApiError::tenant_not_found(&id))?;
        tenant.default_roles = b.default_roles.unwrap_or_default();
    }
    app.persist.mark_changed();
    ok_empty()
}

/// `GET /v1/mgmt/license`.
pub(crate) async fn license() -> ApiResult {
    ok_json(&json!({ "rateLimitTier": "tier1" }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_id_rule() {
        assert!(check_tenant_id("acme_1-x").is_ok());
        assert!(check_tenant_id(&"a".repeat(30)).is_ok());
        assert!(check_tenant_id(&"a".repeat(31)).is_err());
        assert!(check_tenant_id("bad id").is_err());
        assert!(check_tenant_id("é").is_err());
    }

    #[test]
    fn attribute_matching_handles_lists() {
        assert!(attribute_matches(&json!("gold"), &json!("gold")));
        assert!(attribute_matches(
            &json!("gold"),
            &json!(["silver", "gold"])
        ));
        assert!(attribute_matches(&json!(["a", "b"]), &json!("b")));
        assert!(!attribute_matches(&json!(5), &json!("5")));
    }
}
