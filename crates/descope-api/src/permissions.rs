//! Permission endpoints (reference §4.1, §10.3): load all, create, update (rename with
//! `newName`), delete, and their batch forms. Every write stays single under retries (see
//! `writes.rs`); batches are sent whole, as the service documents no size limit (reference §6).

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use crate::client::{Call, Client};
use crate::error::ApiError;
use crate::models::{NameOrId, Permission, PermissionRequest, PermissionUpdate, null_as_default};
use crate::writes::encode;

const CREATE: &str = "/v1/mgmt/permission/create";
const UPDATE: &str = "/v1/mgmt/permission/update";
const DELETE: &str = "/v1/mgmt/permission/delete";
const CREATE_BATCH: &str = "/v1/mgmt/permission/create/batch";
const UPDATE_BATCH: &str = "/v1/mgmt/permission/update/batch";
const DELETE_BATCH: &str = "/v1/mgmt/permission/delete/batch";
const LOAD_ALL: &str = "/v1/mgmt/permission/all";

/// `{"permissions": [...]}` (absent or `null` = none).
#[derive(Deserialize)]
struct PermissionList {
    #[serde(default, deserialize_with = "null_as_default")]
    permissions: Vec<Permission>,
}

fn blank(what: &str) -> ApiError {
    ApiError::Config(format!("a permission {what} is empty; nothing was sent"))
}

fn check_update(u: &PermissionUpdate) -> Result<(), ApiError> {
    if u.target.is_empty() {
        return Err(blank("name or id to update"));
    }
    if u.new_name.is_empty() {
        return Err(blank("new name (send the current name when not renaming)"));
    }
    Ok(())
}

/// Whether `live` holds the permission `req` creates.
fn created(live: &[Permission], req: &PermissionRequest) -> bool {
    live.iter()
        .any(|p| p.name == req.name && p.description == req.description)
}

/// Whether `live` holds the permission as `u` leaves it.
fn updated(live: &[Permission], u: &PermissionUpdate) -> bool {
    live.iter().any(|p| {
        p.name == u.new_name
            && p.description == u.description
            && match &u.target {
                NameOrId::Id(id) => p.id.as_deref().is_none_or(|x| x == id),
                NameOrId::Name(_) => true,
            }
    })
}

/// Whether `live` holds a permission `target` names.
fn present(live: &[Permission], target: &NameOrId) -> bool {
    live.iter().any(|p| match target {
        NameOrId::Name(n) => &p.name == n,
        NameOrId::Id(i) => p.id.as_deref() == Some(i.as_str()),
    })
}

impl Client {
    /// Every permission of the project, system permissions (`systemDefault: true`) included.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn load_all_permissions(&self) -> Result<Vec<Permission>, ApiError> {
        let list: PermissionList = self
            .json(Call {
                method: Method::GET,
                path: LOAD_ALL,
                query: None,
                body: None,
            })
            .await?;
        Ok(list.permissions)
    }

    /// The permissions, or `None` when they cannot be read (a check after a lost answer).
    async fn permissions_now(&self) -> Option<Vec<Permission>> {
        self.load_all_permissions().await.ok()
    }

    /// Creates a permission. Safe to retry: if an earlier attempt's answer was lost and a later
    /// one fails, a permission found with the name and description sent counts as created.
    ///
    /// # Errors
    /// [`ApiError::Config`] for an empty name (nothing sent); otherwise any [`ApiError`].
    pub async fn create_permission(&self, req: &PermissionRequest) -> Result<(), ApiError> {
        if req.name.is_empty() {
            return Err(blank("name"));
        }
        let call = Call {
            method: Method::POST,
            path: CREATE,
            query: None,
            body: Some(encode(req, "permission")?),
        };
        self.write_verified(call, move || async move {
            self.permissions_now()
                .await
                .is_some_and(|live| created(&live, req))
        })
        .await
        .map(drop)
    }

    /// Replaces a permission (the service overwrites every field; build `u` from the permission
    /// as loaded). A rename is `new_name`. Safe to retry: after a lost answer, a permission found
    /// as `u` leaves it counts as updated.
    ///
    /// # Errors
    /// [`ApiError::Config`] for an empty target or new name (nothing sent); otherwise any
    /// [`ApiError`].
    pub async fn update_permission(&self, u: &PermissionUpdate) -> Result<(), ApiError> {
        check_update(u)?;
        let call = Call {
            method: Method::POST,
            path: UPDATE,
            query: None,
            body: Some(encode(u, "permission update")?),
        };
        self.write_verified(call, move || async move {
            self.permissions_now()
                .await
                .is_some_and(|live| updated(&live, u))
        })
        .await
        .map(drop)
    }

    /// Deletes a permission (by name or id); the service removes it from every role that grants
    /// it. Safe to retry: after a lost answer, a permission no longer found counts as deleted.
    ///
    /// # Errors
    /// [`ApiError::Config`] for an empty name or id (nothing sent); otherwise any [`ApiError`].
    pub async fn delete_permission(&self, target: &NameOrId) -> Result<(), ApiError> {
        if target.is_empty() {
            return Err(blank("name or id to delete"));
        }
        let call = Call {
            method: Method::POST,
            path: DELETE,
            query: None,
            body: Some(encode(target, "permission delete")?),
        };
        self.write_verified(call, move || async move {
            self.permissions_now()
                .await
                .is_some_and(|live| !present(&live, target))
        })
        .await
        .map(drop)
    }

    /// Creates several permissions in one request (one transaction on the service). An empty
    /// list sends nothing. Safe to retry: after a lost answer, all of them found as sent counts
    /// as done.
    ///
    /// # Errors
    /// [`ApiError::Config`] for an empty name (nothing sent); otherwise any [`ApiError`].
    pub async fn create_permissions_batch(
        &self,
        reqs: &[PermissionRequest],
    ) -> Result<(), ApiError> {
        if reqs.is_empty() {
            return Ok(());
        }
        if reqs.iter().any(|r| r.name.is_empty()) {
            return Err(blank("name"));
        }
        let call = Call {
            method: Method::POST,
            path: CREATE_BATCH,
            query: None,
            body: Some(json!({ "permissions": encode(&reqs, "permissions")? })),
        };
        self.write_verified(call, move || async move {
            self.permissions_now()
                .await
                .is_some_and(|live| reqs.iter().all(|r| created(&live, r)))
        })
        .await
        .map(drop)
    }

    /// Replaces several permissions in one request. An empty list sends nothing. Safe to retry as
    /// [`Client::update_permission`] is.
    ///
    /// # Errors
    /// [`ApiError::Config`] for an empty target or new name (nothing sent); otherwise any
    /// [`ApiError`].
    pub async fn update_permissions_batch(
        &self,
        updates: &[PermissionUpdate],
    ) -> Result<(), ApiError> {
        if updates.is_empty() {
            return Ok(());
        }
        updates.iter().try_for_each(check_update)?;
        let call = Call {
            method: Method::POST,
            path: UPDATE_BATCH,
            query: None,
            body: Some(json!({ "permissions": encode(&updates, "permission updates")? })),
        };
        self.write_verified(call, move || async move {
            self.permissions_now()
                .await
                .is_some_and(|live| updates.iter().all(|u| updated(&live, u)))
        })
        .await
        .map(drop)
    }

    /// Deletes the permissions with these names and ids in one request. Refuses, before sending,
    /// when both lists are empty or an entry is blank: what the service does with an empty filter
    /// is not documented, and for roles it is "delete everything". Safe to retry: after a lost
    /// answer, none of them found counts as done.
    ///
    /// # Errors
    /// [`ApiError::Config`] for an empty filter or a blank entry (nothing sent); otherwise any
    /// [`ApiError`].
    pub async fn delete_permissions_batch(
        &self,
        names: &[String],
        ids: &[String],
    ) -> Result<(), ApiError> {
        if names.is_empty() && ids.is_empty() {
            return Err(ApiError::Config(
                "refusing to send a permission batch delete without names or ids; nothing was sent"
                    .into(),
            ));
        }
        if names.iter().chain(ids).any(|s| s.trim().is_empty()) {
            return Err(blank("name or id in the batch delete"));
        }
        let call = Call {
            method: Method::POST,
            path: DELETE_BATCH,
            query: None,
            body: Some(json!({ "names": names, "ids": ids })),
        };
        self.write_verified(call, move || async move {
            self.permissions_now().await.is_some_and(|live| {
                names
                    .iter()
                    .map(|n| NameOrId::Name(n.clone()))
                    .chain(ids.iter().map(|i| NameOrId::Id(i.clone())))
                    .all(|t| !present(&live, &t))
            })
        })
        .await
        .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn perm(id: Option<&str>, name: &str, description: &str) -> Permission {
        Permission {
            id: id.map(str::to_owned),
            name: name.into(),
            description: description.into(),
            ..Permission::default()
        }
    }

    #[test]
    fn checks_after_a_lost_answer_compare_the_fields_sent() {
        let live = [perm(Some("PERM1"), "read", "Read"), perm(None, "write", "")];
        let req = |n: &str, d: &str| PermissionRequest {
            name: n.into(),
            description: d.into(),
        };
        assert!(created(&live, &req("read", "Read")));
        assert!(!created(&live, &req("read", "Other")));
        assert!(!created(&live, &req("admin", "")));
        let mut u = PermissionUpdate {
            target: NameOrId::Id("PERM1".into()),
            new_name: "read".into(),
            description: "Read".into(),
        };
        assert!(updated(&live, &u));
        u.target = NameOrId::Id("PERM2".into());
        assert!(!updated(&live, &u));
        u.target = NameOrId::Name("view".into());
        assert!(updated(&live, &u));
        assert!(present(&live, &NameOrId::Id("PERM1".into())));
        assert!(!present(&live, &NameOrId::Id("PERM9".into())));
        assert!(present(&live, &NameOrId::Name("write".into())));
    }
}
