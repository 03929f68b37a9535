//! Permission endpoints (reference §4.1, §10.3): create, update, delete (by name or id), their
//! batches and load all. System permissions are read-only; the rules live in `catalog`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::catalog::{Key, Permission, PermissionBody};
use crate::journal::Note;
use crate::respond::{ApiError, ApiResult, lenient, ok_empty, ok_json, parse_body};

/// Body of the create and update batches.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct PermissionsBody {
    #[serde(deserialize_with = "lenient")]
    permissions: Option<Vec<PermissionBody>>,
}

impl PermissionsBody {
    fn permissions(self) -> Result<Vec<PermissionBody>, ApiError> {
        self.permissions
            .filter(|p| !p.is_empty())
            .ok_or_else(|| ApiError::missing("permissions"))
    }
}

/// Body of the delete batch.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct DeleteBatchBody {
    #[serde(deserialize_with = "lenient")]
    names: Option<Vec<String>>,
    #[serde(deserialize_with = "lenient")]
    ids: Option<Vec<String>>,
}

#[derive(Serialize)]
struct Permissions<'a> {
    permissions: Vec<&'a Permission>,
}

fn answer(list: &[Permission]) -> ApiResult {
    let target = list
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(",");
    Ok(Note::target(
        ok_json(&Permissions {
            permissions: list.iter().collect(),
        })?,
        target,
    ))
}

/// `POST /v1/mgmt/permission/create`.
pub(crate) async fn create(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let b: PermissionBody = parse_body(&body)?;
    let mut new_id = |prefix: &str| app.random_id(prefix);
    let p = app
        .write_store()
        .change_catalog(|c, _| Ok((c.create_permission(b, &mut new_id)?, vec![])))?;
    app.persist.mark_changed();
    Ok(Note::target(ok_empty()?, p.name))
}

/// `POST /v1/mgmt/permission/create/batch`: all or nothing; answers with the created permissions.
pub(crate) async fn create_batch(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let list = parse_body::<PermissionsBody>(&body)?.permissions()?;
    let mut new_id = |prefix: &str| app.random_id(prefix);
    let created = app.write_store().change_catalog(|c, _| {
        let created = list
            .into_iter()
            .map(|b| c.create_permission(b, &mut new_id))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((created, vec![]))
    })?;
    app.persist.mark_changed();
    answer(&created)
}

/// `POST /v1/mgmt/permission/update`: replaces every field; a rename follows into every role.
pub(crate) async fn update(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let b: PermissionBody = parse_body(&body)?;
    let p = app
        .write_store()
        .change_catalog(|c, _| Ok((c.update_permission(b)?, vec![])))?;
    app.persist.mark_changed();
    Ok(Note::target(ok_empty()?, p.name))
}

/// `POST /v1/mgmt/permission/update/batch`: all or nothing; answers with the updated permissions.
pub(crate) async fn update_batch(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let list = parse_body::<PermissionsBody>(&body)?.permissions()?;
    let updated = app.write_store().change_catalog(|c, _| {
        let updated = list
            .into_iter()
            .map(|b| c.update_permission(b))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((updated, vec![]))
    })?;
    app.persist.mark_changed();
    answer(&updated)
}

/// `POST /v1/mgmt/permission/delete`: the permission also leaves every role that had it.
pub(crate) async fn delete(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let b: PermissionBody = parse_body(&body)?;
    let key = Key::of(b.id, b.name)?;
    app.write_store()
        .change_catalog(|c, _| Ok((c.delete_permission(&key)?, vec![])))?;
    app.persist.mark_changed();
    let target = match key {
        Key::Id(id) | Key::Name(id) => id,
    };
    Ok(Note::target(ok_empty()?, target))
}

/// `POST /v1/mgmt/permission/delete/batch`: deletes the permissions named by `names` or `ids`
/// (all or nothing: one system permission refuses the batch). An empty filter is refused.
pub(crate) async fn delete_batch(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let b: DeleteBatchBody = parse_body(&body)?;
    let names = b.names.unwrap_or_default();
    let ids = b.ids.unwrap_or_default();
    app.write_store()
        .change_catalog(|c, _| Ok((c.delete_permissions(&names, &ids)?, vec![])))?;
    app.persist.mark_changed();
    let target = names
        .iter()
        .chain(&ids)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(",");
    Ok(Note::target(ok_empty()?, target))
}

/// `GET /v1/mgmt/permission/all`: in stored order (a new project lists its system permissions
/// first, then the others in creation order).
pub(crate) async fn load_all(State(app): State<Arc<App>>) -> ApiResult {
    let store = app.read_store();
    ok_json(&Permissions {
        permissions: store.catalog.permissions.iter().collect(),
    })
}
