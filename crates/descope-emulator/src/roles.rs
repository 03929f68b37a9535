//! Role endpoints (reference §4.1, §10.3): create, update, delete (by name or id, project or
//! tenant scope), their batches, load all and search. The rules live in `catalog`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::app::{App, now_secs};
use crate::catalog::{Key, Role, RoleBody, RoleSearch, one_scope};
use crate::journal::Note;
use crate::respond::{ApiError, ApiResult, lenient, ok_empty, ok_json, parse_body};

/// Body of the create and update batches.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct RolesBody {
    #[serde(deserialize_with = "lenient")]
    roles: Option<Vec<RoleBody>>,
}

impl RolesBody {
    /// The roles of a batch: at least one, all in one scope.
    fn roles(self) -> Result<Vec<RoleBody>, ApiError> {
        let roles = self
            .roles
            .filter(|r| !r.is_empty())
            .ok_or_else(|| ApiError::missing("roles"))?;
        one_scope(&roles)?;
        Ok(roles)
    }
}

/// Body of the delete batch.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub(crate) struct DeleteBatchBody {
    #[serde(deserialize_with = "lenient")]
    role_names: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient")]
    role_ids: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient")]
    tenant_id: Option<String>,
}

#[derive(Serialize)]
struct Roles<'a> {
    roles: Vec<&'a Role>,
}

fn names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(",")
}

/// A new role id candidate, drawn from the emulator's seeded generator.
fn role_ids(app: &App) -> impl FnMut(&str) -> String + '_ {
    |prefix: &str| app.random_id(prefix)
}

/// `POST /v1/mgmt/role/create`.
pub(crate) async fn create(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let b: RoleBody = parse_body(&body)?;
    let mut new_id = role_ids(&app);
    let role = app.write_store().change_catalog(|c, tenants| {
        Ok((c.create_role(b, tenants, &mut new_id, now_secs())?, vec![]))
    })?;
    app.persist.mark_changed();
    Ok(Note::target(ok_empty()?, role.name))
}

/// `POST /v1/mgmt/role/create/batch`: all or nothing; answers with the created roles.
pub(crate) async fn create_batch(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let roles = parse_body::<RolesBody>(&body)?.roles()?;
    let mut new_id = role_ids(&app);
    let now = now_secs();
    let created = app.write_store().change_catalog(|c, tenants| {
        let created = roles
            .into_iter()
            .map(|b| c.create_role(b, tenants, &mut new_id, now))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((created, vec![]))
    })?;
    app.persist.mark_changed();
    let target = names(created.iter().map(|r| r.name.as_str()));
    Ok(Note::target(
        ok_json(&Roles {
            roles: created.iter().collect(),
        })?,
        target,
    ))
}

/// `POST /v1/mgmt/role/update`: replaces every field; a rename follows into tenants' default
/// roles.
pub(crate) async fn update(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let b: RoleBody = parse_body(&body)?;
    let role = app.write_store().change_catalog(|c, tenants| {
        let (role, effect) = c.update_role(b, tenants)?;
        Ok((role, effect.into_iter().collect()))
    })?;
    app.persist.mark_changed();
    Ok(Note::target(ok_empty()?, role.name))
}

/// `POST /v1/mgmt/role/update/batch`: all or nothing; answers with the updated roles.
pub(crate) async fn update_batch(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let roles = parse_body::<RolesBody>(&body)?.roles()?;
    let updated = app.write_store().change_catalog(|c, tenants| {
        let mut updated = Vec::with_capacity(roles.len());
        let mut effects = Vec::new();
        for b in roles {
            let (role, effect) = c.update_role(b, tenants)?;
            updated.push(role);
            effects.extend(effect);
        }
        Ok((updated, effects))
    })?;
    app.persist.mark_changed();
    let target = names(updated.iter().map(|r| r.name.as_str()));
    Ok(Note::target(
        ok_json(&Roles {
            roles: updated.iter().collect(),
        })?,
        target,
    ))
}

/// `POST /v1/mgmt/role/delete`: the role also leaves the tenants' default roles.
pub(crate) async fn delete(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let b: RoleBody = parse_body(&body)?;
    let key = Key::of(b.id, b.name)?;
    let gone = app.write_store().change_catalog(|c, tenants| {
        let effect = c.delete_role(&key, b.tenant_id, tenants)?;
        Ok((effect.old.clone(), vec![effect]))
    })?;
    app.persist.mark_changed();
    Ok(Note::target(ok_empty()?, gone))
}

/// `POST /v1/mgmt/role/delete/batch`: deletes what the filter matches; an EMPTY filter deletes
/// every role, as the service does (see `Catalog::delete_roles`).
pub(crate) async fn delete_batch(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let b: DeleteBatchBody = parse_body(&body)?;
    let role_names = b.role_names.unwrap_or_default();
    let role_ids = b.role_ids.unwrap_or_default();
    let gone = app.write_store().change_catalog(|c, tenants| {
        let effects = c.delete_roles(&role_names, &role_ids, b.tenant_id, tenants)?;
        let gone = names(effects.iter().map(|e| e.old.as_str()));
        Ok((gone, effects))
    })?;
    app.persist.mark_changed();
    Ok(Note::target(ok_empty()?, gone))
}

/// `GET /v1/mgmt/role/all`: every role, project and tenant-scoped (each carries its
/// `tenantId`), in creation order.
pub(crate) async fn load_all(State(app): State<Arc<App>>) -> ApiResult {
    let store = app.read_store();
    ok_json(&Roles {
        roles: store.catalog.roles.iter().collect(),
    })
}

/// `POST /v1/mgmt/role/search`.
pub(crate) async fn search(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let filter: RoleSearch = parse_body(&body)?;
    let store = app.read_store();
    let roles: Vec<&Role> = store
        .catalog
        .roles
        .iter()
        .filter(|r| filter.matches(r))
        .collect();
    ok_json(&json!({ "roles": roles }))
}
