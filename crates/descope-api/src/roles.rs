//! Role endpoints (reference §4.1, §10.3): load all, search, create, update (rename with
//! `newName`), delete (by name or id, in a tenant or the project), and their batch forms.
//!
//! Every write stays single under retries (see `writes.rs`). The service documents no batch size
//! limit (reference §6), so a batch is not split by size; it is split by tenant, one request per
//! scope, because the Python SDK says a batch may not span tenants. The batch delete takes a
//! [`RoleFilter`], which cannot be empty: an empty filter deletes every role.

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::client::{Call, Client};
use crate::error::ApiError;
use crate::models::{
    NameOrId, Role, RoleFilter, RoleRequest, RoleSearch, RoleUpdate, null_as_default,
};
use crate::writes::encode;

const CREATE: &str = "/v1/mgmt/role/create";
const UPDATE: &str = "/v1/mgmt/role/update";
const DELETE: &str = "/v1/mgmt/role/delete";
const CREATE_BATCH: &str = "/v1/mgmt/role/create/batch";
const UPDATE_BATCH: &str = "/v1/mgmt/role/update/batch";
const DELETE_BATCH: &str = "/v1/mgmt/role/delete/batch";
const LOAD_ALL: &str = "/v1/mgmt/role/all";
const SEARCH: &str = "/v1/mgmt/role/search";

/// `{"roles": [...]}` (absent or `null` = none).
#[derive(Deserialize, Default)]
struct RoleList {
    #[serde(default, deserialize_with = "null_as_default")]
    roles: Vec<Role>,
}

fn blank(what: &str) -> ApiError {
    ApiError::Config(format!("a role {what} is empty; nothing was sent"))
}

fn check_update(u: &RoleUpdate) -> Result<(), ApiError> {
    if u.target.is_empty() {
        return Err(blank("name or id to update"));
    }
    if u.new_name.is_empty() {
        return Err(blank("new name (send the current name when not renaming)"));
    }
    Ok(())
}

/// The same names, in any order and without repeats.
fn same_set(a: &[String], b: &[String]) -> bool {
    let set = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort_unstable();
        v.dedup();
        v
    };
    set(a) == set(b)
}

/// Whether `live` holds the role `req` creates, with every field sent.
fn created(live: &[Role], req: &RoleRequest) -> bool {
    live.iter().any(|r| {
        r.name == req.name
            && r.tenant_id == req.tenant_id
            && r.description == req.description
            && same_set(&r.permission_names, &req.permission_names)
            && r.default == req.default
            && r.private == req.private
    })
}

/// Whether `live` holds the role as `u` leaves it.
fn updated(live: &[Role], u: &RoleUpdate) -> bool {
    live.iter().any(|r| {
        r.name == u.new_name
            && r.tenant_id == u.tenant_id
            && r.description == u.description
            && same_set(&r.permission_names, &u.permission_names)
            && r.default == u.default
            && r.private == u.private
            && match &u.target {
                NameOrId::Id(id) => r.id.as_deref().is_none_or(|x| x == id),
                NameOrId::Name(_) => true,
            }
    })
}

/// Whether `live` holds a role of scope `tenant` that `target` names.
fn present(live: &[Role], target: &NameOrId, tenant: Option<&str>) -> bool {
    live.iter().any(|r| match target {
        NameOrId::Name(n) => &r.name == n && r.tenant() == tenant,
        NameOrId::Id(i) => r.id.as_deref() == Some(i.as_str()),
    })
}

/// Groups items by tenant, keeping the first-seen order of tenants and the order within each.
fn by_tenant<T>(items: &[T], tenant: impl Fn(&T) -> Option<&str>) -> Vec<(Option<&str>, Vec<&T>)> {
    let mut groups: Vec<(Option<&str>, Vec<&T>)> = Vec::new();
    for item in items {
        let t = tenant(item);
        match groups.iter_mut().find(|(g, _)| *g == t) {
            Some((_, v)) => v.push(item),
            None => groups.push((t, vec![item])),
        }
    }
    groups
}

impl Client {
    /// Every role `GET /v1/mgmt/role/all` returns. Whether that includes tenant-scoped roles is
    /// not documented; [`Client::search_roles`] with `tenant_ids` is the documented way to list a
    /// tenant's roles.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn load_all_roles(&self) -> Result<Vec<Role>, ApiError> {
        let list: RoleList = self
            .json(Call {
                method: Method::GET,
                path: LOAD_ALL,
                query: None,
                body: None,
            })
            .await?;
        Ok(list.roles)
    }

    /// Roles matching the filters (every filter given must match); empty filters match every
    /// role.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn search_roles(&self, q: &RoleSearch) -> Result<Vec<Role>, ApiError> {
        let list: RoleList = self
            .json(Call {
                method: Method::POST,
                path: SEARCH,
                query: None,
                body: Some(encode(q, "role search")?),
            })
            .await?;
        Ok(list.roles)
    }

    /// The roles of one scope (`None`: the project) that could match `names` and `ids`, read
    /// for a check after a lost answer; `None` when they cannot be read. Project roles come from
    /// load-all, tenant roles from a search by tenant; both are filtered here too, so the check
    /// does not depend on how the service reads the filters.
    async fn roles_now(
        &self,
        tenant: Option<&str>,
        names: &[&str],
        ids: &[&str],
    ) -> Option<Vec<Role>> {
        let found = match tenant {
            None if ids.is_empty() => self.load_all_roles().await.ok()?,
            _ => {
                let q = RoleSearch {
                    tenant_ids: tenant.map(str::to_owned).into_iter().collect(),
                    role_names: names.iter().map(|s| (*s).to_owned()).collect(),
                    role_ids: ids.iter().map(|s| (*s).to_owned()).collect(),
                    ..RoleSearch::default()
                };
                self.search_roles(&q).await.ok()?
            }
        };
        Some(
            found
                .into_iter()
                .filter(|r| {
                    r.id.as_deref().is_some_and(|i| ids.contains(&i))
                        || (r.tenant() == tenant && names.contains(&r.name.as_str()))
                })
                .collect(),
        )
    }

    /// Creates a role (a tenant role when `tenant_id` is set). Safe to retry: if an earlier
    /// attempt's answer was lost and a later one fails, a role found in the same scope with every
    /// field sent counts as created.
    ///
    /// # Errors
    /// [`ApiError::Config`] for an empty name (nothing sent); otherwise any [`ApiError`].
    pub async fn create_role(&self, req: &RoleRequest) -> Result<(), ApiError> {
        if req.name.is_empty() {
            return Err(blank("name"));
        }
        let call = Call {
            method: Method::POST,
            path: CREATE,
            query: None,
            body: Some(encode(req, "role")?),
        };
        self.write_verified(call, move || async move {
            self.roles_now(req.tenant_id.as_deref(), &[req.name.as_str()], &[])
                .await
                .is_some_and(|live| created(&live, req))
        })
        .await
        .map(drop)
    }

    /// Replaces a role (the service overwrites every field; build `u` from the role as loaded).
    /// A rename is `new_name`, never a delete and a create. Safe to retry: after a lost answer, a
    /// role found as `u` leaves it counts as updated.
    ///
    /// # Errors
    /// [`ApiError::Config`] for an empty target or new name (nothing sent); otherwise any
    /// [`ApiError`].
    pub async fn update_role(&self, u: &RoleUpdate) -> Result<(), ApiError> {
        check_update(u)?;
        let call = Call {
            method: Method::POST,
            path: UPDATE,
            query: None,
            body: Some(encode(u, "role update")?),
        };
        self.write_verified(call, move || async move {
            self.roles_now(u.tenant_id.as_deref(), &[u.new_name.as_str()], &[])
                .await
                .is_some_and(|live| updated(&live, u))
        })
        .await
        .map(drop)
    }

    /// Deletes a role by name or id, in `tenant_id` (`None`: a project role). The service strips
    /// it from every user and tenant holding it. Safe to retry: after a lost answer, a role no
    /// longer found counts as deleted.
    ///
    /// # Errors
    /// [`ApiError::Config`] for an empty name or id (nothing sent); otherwise any [`ApiError`].
    pub async fn delete_role(
        &self,
        target: &NameOrId,
        tenant_id: Option<&str>,
    ) -> Result<(), ApiError> {
        if target.is_empty() {
            return Err(blank("name or id to delete"));
        }
        let mut body = encode(target, "role delete")?;
        if let Value::Object(m) = &mut body {
            m.insert("tenantId".into(), json!(tenant_id.unwrap_or_default()));
        }
        let call = Call {
            method: Method::POST,
            path: DELETE,
            query: None,
            body: Some(body),
        };
        self.write_verified(call, move || async move {
            let (names, ids): (Vec<&str>, Vec<&str>) = match target {
                NameOrId::Name(n) => (vec![n.as_str()], vec![]),
                NameOrId::Id(i) => (vec![], vec![i.as_str()]),
            };
            self.roles_now(tenant_id, &names, &ids)
                .await
                .is_some_and(|live| !present(&live, target, tenant_id))
        })
        .await
        .map(drop)
    }

    /// Creates several roles, one request (one transaction on the service) per scope, and returns
    /// the roles the service answered with (with their ids). An empty list sends nothing. Safe to
    /// retry: after a lost answer, every role of the scope found as sent counts as done (those
    /// found are then returned).
    ///
    /// # Errors
    /// [`ApiError::Config`] for an empty name (nothing sent); otherwise any [`ApiError`]; roles of
    /// scopes sent before the failing one stay created.
    pub async fn create_roles_batch(&self, reqs: &[RoleRequest]) -> Result<Vec<Role>, ApiError> {
        if reqs.iter().any(|r| r.name.is_empty()) {
            return Err(blank("name"));
        }
        self.write_roles_batch(
            CREATE_BATCH,
            reqs,
            "roles",
            |r| (r.tenant_id.as_deref(), r.name.as_str()),
            created,
        )
        .await
    }

    /// Replaces several roles, one request per scope, and returns the roles the service answered
    /// with. An empty list sends nothing. Safe to retry as [`Client::update_role`] is.
    ///
    /// # Errors
    /// [`ApiError::Config`] for an empty target or new name (nothing sent); otherwise any
    /// [`ApiError`]; roles of scopes sent before the failing one stay updated.
    pub async fn update_roles_batch(&self, updates: &[RoleUpdate]) -> Result<Vec<Role>, ApiError> {
        updates.iter().try_for_each(check_update)?;
        self.write_roles_batch(
            UPDATE_BATCH,
            updates,
            "role updates",
            |u| (u.tenant_id.as_deref(), u.new_name.as_str()),
            updated,
        )
        .await
    }

    /// Sends a batch write to `path`, one request (one transaction on the service) per scope,
    /// and returns the roles the service answered with. `key` gives an item's scope and the name
    /// the role has once written; `done` says whether live roles show an item as written, which
    /// after a lost answer makes the scope count as done (the roles found are then returned).
    async fn write_roles_batch<T: serde::Serialize>(
        &self,
        path: &'static str,
        items: &[T],
        what: &str,
        key: impl Fn(&T) -> (Option<&str>, &str),
        done: fn(&[Role], &T) -> bool,
    ) -> Result<Vec<Role>, ApiError> {
        let mut out = Vec::with_capacity(items.len());
        for (tenant, group) in by_tenant(items, |i| key(i).0) {
            let names: Vec<&str> = group.iter().map(|i| key(i).1).collect();
            let mut found = Vec::new();
            let found_ref = &mut found;
            let call = Call {
                method: Method::POST,
                path,
                query: None,
                body: Some(json!({ "roles": encode(&group, what)? })),
            };
            let reply = self
                .write_verified(call, move || async move {
                    match self.roles_now(tenant, &names, &[]).await {
                        Some(live) if group.iter().all(|i| done(&live, i)) => {
                            *found_ref = live;
                            true
                        }
                        _ => false,
                    }
                })
                .await?;
            match reply {
                Some(reply) => out.extend(self.decode_or_default::<RoleList>(&reply, path)?.roles),
                None => out.extend(found),
            }
        }
        Ok(out)
    }

    /// Deletes the roles `filter` names, in one request. The filter cannot be empty (see
    /// [`RoleFilter`]): the service would delete every role. Safe to retry: after a lost answer,
    /// none of them found counts as done.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn delete_roles_batch(&self, filter: &RoleFilter) -> Result<(), ApiError> {
        let tenant = filter.tenant_id();
        let names: Vec<&str> = filter.role_names().iter().map(String::as_str).collect();
        let ids: Vec<&str> = filter.role_ids().iter().map(String::as_str).collect();
        if names.is_empty() && ids.is_empty() {
            // Unreachable through RoleFilter's constructors; kept so no change here can send it.
            return Err(ApiError::Config(
                "refusing to send an empty role batch delete; nothing was sent".into(),
            ));
        }
        let call = Call {
            method: Method::POST,
            path: DELETE_BATCH,
            query: None,
            body: Some(filter.body()),
        };
        self.write_verified(call, move || async move {
            self.roles_now(tenant, &names, &ids)
                .await
                .is_some_and(|live| {
                    names
                        .iter()
                        .map(|n| NameOrId::Name((*n).to_owned()))
                        .chain(ids.iter().map(|i| NameOrId::Id((*i).to_owned())))
                        .all(|t| !present(&live, &t, tenant))
                })
        })
        .await
        .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(name: &str, tenant: Option<&str>, perms: &[&str]) -> Role {
        Role {
            id: Some(format!("ROL-{name}")),
            name: name.into(),
            tenant_id: tenant.map(str::to_owned),
            permission_names: perms.iter().map(|p| (*p).to_owned()).collect(),
            ..Role::default()
        }
    }

    #[test]
    fn checks_after_a_lost_answer_compare_scope_and_fields() {
        let live = [
            role("admin", None, &["read", "write"]),
            role("viewer", Some("acme"), &["read"]),
        ];
        let mut req = RoleRequest::from_role(&live[0]);
        req.permission_names.reverse();
        assert!(created(&live, &req));
        req.tenant_id = Some("acme".into());
        assert!(!created(&live, &req), "same name in another scope");
        let mut u = RoleUpdate::from_role(&live[1]);
        assert!(updated(&live, &u));
        u.private = true;
        assert!(!updated(&live, &u));
        assert!(present(
            &live,
            &NameOrId::Name("viewer".into()),
            Some("acme")
        ));
        assert!(!present(&live, &NameOrId::Name("viewer".into()), None));
        assert!(present(&live, &NameOrId::Id("ROL-admin".into()), None));
    }

    #[test]
    fn batches_split_by_tenant_in_first_seen_order() {
        let reqs: Vec<RoleRequest> = [
            ("a", None),
            ("b", Some("t1")),
            ("c", None),
            ("d", Some("t1")),
        ]
        .into_iter()
        .map(|(n, t)| RoleRequest {
            name: n.into(),
            tenant_id: t.map(str::to_owned),
            ..RoleRequest::default()
        })
        .collect();
        let groups = by_tenant(&reqs, |r| r.tenant_id.as_deref());
        let shape: Vec<(Option<&str>, Vec<&str>)> = groups
            .iter()
            .map(|(t, g)| (*t, g.iter().map(|r| r.name.as_str()).collect()))
            .collect();
        assert_eq!(
            shape,
            [(None, vec!["a", "c"]), (Some("t1"), vec!["b", "d"])]
        );
    }
}
