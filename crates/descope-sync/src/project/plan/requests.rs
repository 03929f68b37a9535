//! The request of a permission or role change, made from what the change shows (its fields'
//! `new` values) and the live object it changes: the planner builds every request this way, so a
//! saved plan's requests can be derived again from its fields and the live project, and match.

use descope_model::{
    NameOrId, Permission, PermissionRequest, PermissionUpdate, Role, RoleRequest, RoleUpdate,
};
use serde_json::Value;

use crate::change::FieldChange;
use crate::project::resource::ResourceRequest;

/// A field change of a new or changed value.
pub(crate) fn field(name: &str, old: Value, new: Value) -> FieldChange {
    FieldChange {
        field: name.to_owned(),
        old,
        new,
    }
}

/// A list of names as a field value.
pub(crate) fn strings(v: &[String]) -> Value {
    Value::Array(v.iter().cloned().map(Value::String).collect())
}

fn text(f: &FieldChange, what: &str) -> Result<String, String> {
    f.new
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("field `{}` of {what} is not a string", f.field))
}

fn flag(f: &FieldChange, what: &str) -> Result<bool, String> {
    f.new
        .as_bool()
        .ok_or_else(|| format!("field `{}` of {what} is not true or false", f.field))
}

fn names(f: &FieldChange, what: &str) -> Result<Vec<String>, String> {
    let bad = || format!("field `{}` of {what} is not a list of names", f.field);
    f.new
        .as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|v| v.as_str().map(str::to_owned).ok_or_else(bad))
        .collect()
}

/// The create body (no `live`) or the full update record (`live` with the fields applied) of
/// the permission named `name` after the change.
///
/// # Errors
/// A field this version does not know, or a value of the wrong type, in the user's terms.
pub(crate) fn permission_request(
    name: &str,
    live: Option<&Permission>,
    fields: &[FieldChange],
) -> Result<ResourceRequest, String> {
    let what = format!("permission `{name}`");
    let mut description = live.map(|p| p.description.clone()).unwrap_or_default();
    for f in fields {
        match f.field.as_str() {
            "name" => check_name(f, name, &what)?,
            "description" => description = text(f, &what)?,
            other => {
                return Err(format!(
                    "{what} has a field `{other}` this version cannot apply"
                ));
            }
        }
    }
    Ok(match live {
        None => ResourceRequest::CreatePermission(PermissionRequest {
            name: name.to_owned(),
            description,
        }),
        Some(p) => ResourceRequest::UpdatePermission(PermissionUpdate {
            target: NameOrId::Name(p.name.clone()),
            new_name: name.to_owned(),
            description,
        }),
    })
}

/// The create body (no `live`) or the full update record of the role `name` (of `tenant`) after
/// the change. A permission the role keeps without the file managing its list is sent by its
/// name after the plan (`renamed`: a permission the same run renames), since permissions are
/// renamed before roles are written.
///
/// # Errors
/// A field this version does not know, or a value of the wrong type, in the user's terms.
pub(crate) fn role_request(
    name: &str,
    tenant: Option<&str>,
    live: Option<&Role>,
    fields: &[FieldChange],
    renamed: &dyn Fn(&str) -> Option<String>,
) -> Result<ResourceRequest, String> {
    let what = match tenant {
        Some(t) => format!("role `{name}` of tenant `{t}`"),
        None => format!("role `{name}`"),
    };
    let mut r = match live {
        Some(l) => RoleUpdate::from_role(l),
        None => RoleUpdate {
            target: NameOrId::Name(name.to_owned()),
            new_name: name.to_owned(),
            description: String::new(),
            permission_names: Vec::new(),
            tenant_id: tenant.map(str::to_owned),
            default: false,
            private: false,
        },
    };
    r.new_name = name.to_owned();
    r.permission_names = r
        .permission_names
        .iter()
        .map(|p| renamed(p).unwrap_or_else(|| p.clone()))
        .collect();
    for f in fields {
        match f.field.as_str() {
            "name" => check_name(f, name, &what)?,
            "description" => r.description = text(f, &what)?,
            "permissions" => r.permission_names = names(f, &what)?,
            "default" => r.default = flag(f, &what)?,
            "private" => r.private = flag(f, &what)?,
            other => {
                return Err(format!(
                    "{what} has a field `{other}` this version cannot apply"
                ));
            }
        }
    }
    Ok(match live {
        Some(_) => ResourceRequest::UpdateRole(r),
        None => ResourceRequest::CreateRole(RoleRequest {
            name: r.new_name,
            description: r.description,
            permission_names: r.permission_names,
            tenant_id: r.tenant_id,
            default: r.default,
            private: r.private,
        }),
    })
}

/// A `name` field must rename to the change's name.
fn check_name(f: &FieldChange, name: &str, what: &str) -> Result<(), String> {
    if f.new.as_str() == Some(name) {
        Ok(())
    } else {
        Err(format!(
            "{what} shows a rename to {}, not to its own name",
            f.new
        ))
    }
}

/// The live value of a permission's field `key` as a plan shows it (`None`: not a field).
pub(crate) fn permission_old(live: &Permission, key: &str) -> Option<Value> {
    Some(match key {
        "name" => Value::String(live.name.clone()),
        "description" => Value::String(live.description.clone()),
        _ => return None,
    })
}

/// The live value of a role's field `key` as a plan shows it (`None`: not a field).
pub(crate) fn role_old(live: &Role, key: &str) -> Option<Value> {
    Some(match key {
        "name" => Value::String(live.name.clone()),
        "description" => Value::String(live.description.clone()),
        "permissions" => strings(&live.permission_names),
        "default" => Value::Bool(live.default),
        "private" => Value::Bool(live.private),
        _ => return None,
    })
}
