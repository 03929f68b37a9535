//! Roles and permissions as the commands see them: the roles of one scope (the project or a
//! tenant), the permissions, a role's target id, and the fields a restore compares.

use descope_api::{Client, Permission, Role, RoleSearch};
use descope_store::TargetType;
use serde_json::json;

use crate::ctx::Ctx;
use crate::error::CliError;
use crate::tenants::FieldDiff;

/// The roles of one scope, sorted by name: project roles (`tenant` is `None`) from load-all,
/// a tenant's roles from a search by tenant. Both are filtered here too, so the answer does not
/// depend on whether load-all includes tenant roles or the search adds project roles.
pub async fn roles_in(
    ctx: &Ctx,
    client: &Client,
    tenant: Option<&str>,
) -> Result<Vec<Role>, CliError> {
    let found = match tenant {
        None => client.load_all_roles().await,
        Some(t) => {
            client
                .search_roles(&RoleSearch {
                    tenant_ids: vec![t.to_owned()],
                    ..RoleSearch::default()
                })
                .await
        }
    }
    .map_err(|e| ctx.api_error(&e))?;
    let mut roles: Vec<Role> = found.into_iter().filter(|r| r.tenant() == tenant).collect();
    roles.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(roles)
}

/// Every permission of the project (system ones included), sorted by name.
pub async fn permissions(ctx: &Ctx, client: &Client) -> Result<Vec<Permission>, CliError> {
    let mut all = client
        .load_all_permissions()
        .await
        .map_err(|e| ctx.api_error(&e))?;
    all.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(all)
}

/// The target id backups and audit records file a role under: its name, or `TENANT/NAME`.
#[must_use]
pub fn role_target(r: &Role) -> String {
    TargetType::role_id(r.tenant(), &r.name)
}

/// The fields of a role a restore puts back, old → new (permissions compared as a set).
#[must_use]
pub fn diff_roles(old: &Role, new: &Role) -> Vec<FieldDiff> {
    let mut out = Vec::new();
    let mut cmp = |field: &str, a: serde_json::Value, b: serde_json::Value| {
        if a != b {
            out.push(FieldDiff {
                field: field.to_owned(),
                old: a,
                new: b,
            });
        }
    };
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v.dedup();
        v
    };
    cmp("name", json!(old.name), json!(new.name));
    cmp(
        "description",
        json!(old.description),
        json!(new.description),
    );
    cmp(
        "permissions",
        json!(sorted(&old.permission_names)),
        json!(sorted(&new.permission_names)),
    );
    cmp("default", json!(old.default), json!(new.default));
    cmp("private", json!(old.private), json!(new.private));
    out
}

/// The fields of a permission a restore puts back, old → new.
#[must_use]
pub fn diff_permissions(old: &Permission, new: &Permission) -> Vec<FieldDiff> {
    let mut out = Vec::new();
    for (field, a, b) in [
        ("name", &old.name, &new.name),
        ("description", &old.description, &new.description),
    ] {
        if a != b {
            out.push(FieldDiff {
                field: field.to_owned(),
                old: json!(a),
                new: json!(b),
            });
        }
    }
    out
}

/// The live object a backup's object is now: the one with the recorded id when the service
/// gave ids (it may have been renamed since), else the one with the recorded name.
pub fn find_live<'a, T>(
    live: &'a [T],
    recorded_id: Option<&str>,
    recorded_name: &str,
    id_of: impl Fn(&T) -> Option<&str>,
    name_of: impl Fn(&T) -> &str,
) -> Option<&'a T> {
    recorded_id
        .and_then(|id| live.iter().find(|x| id_of(x) == Some(id)))
        .or_else(|| live.iter().find(|x| name_of(x) == recorded_name))
}
