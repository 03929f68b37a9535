//! Permissions and roles: objects identified by name within a scope (the project, or one
//! tenant's roles). Each file entry is matched with the live object it changes — by its name, or
//! by `renamedFrom` (a rename is an update, never a delete and a create) — and the live objects
//! no entry claims are left alone, or deleted with `--prune`.

use std::collections::{HashMap, HashSet};

use descope_model::{Permission, Role};
use descope_spec::{DesiredPermission, DesiredRole, Diagnostic, Location, Spec};
use serde_json::Value;

use super::requests::{field, permission_old, permission_request, role_old, role_request};
use crate::change::{Action, FieldChange, ResourceKind};
use crate::project::resource::ResourceChange;

/// What every scope shares.
pub(crate) struct Context<'a> {
    pub spec: &'a Spec,
    pub prune: bool,
}

/// The permissions' changes, and the system permissions in scope (never touched).
pub(crate) struct Permissions {
    pub changes: Vec<ResourceChange>,
    pub system: Vec<String>,
}

/// One file entry, as matching sees it.
struct Entry<'a> {
    name: &'a str,
    renamed_from: Option<&'a str>,
    renamed_from_location: Location,
}

/// The live object an entry changes.
enum Target<'a, T> {
    /// None: the entry creates it.
    Create,
    /// This one; with its live name when the entry renames it.
    Change(&'a T, Option<String>),
    /// A problem, reported in the diagnostics.
    Broken,
}

/// How one scope's messages name things: `permission`, `role`, `role … of tenant …`.
struct Words<'a> {
    kind: &'static str,
    tenant: Option<&'a str>,
}

impl Words<'_> {
    fn label(&self, name: &str) -> String {
        match self.tenant {
            Some(t) => format!("{} `{name}` of tenant `{t}`", self.kind),
            None => format!("{} `{name}`", self.kind),
        }
    }

    fn place(&self) -> String {
        match self.tenant {
            Some(t) => format!("tenant `{t}`"),
            None => "the project".to_owned(),
        }
    }
}

/// Matches `e` with the live object it changes.
fn target<'a, T>(
    ctx: &Context<'_>,
    e: &Entry<'_>,
    live: &HashMap<&str, &'a T>,
    words: &Words<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Target<'a, T> {
    let now = live.get(e.name).copied();
    let Some(old) = e.renamed_from else {
        return now.map_or(Target::Create, |l| Target::Change(l, None));
    };
    match (live.get(old).copied(), now) {
        (Some(l), None) => Target::Change(l, Some(old.to_owned())),
        // The rename already happened (a plan applied before): the entry changes its new name.
        (None, Some(l)) => Target::Change(l, None),
        (Some(_), Some(_)) => {
            diags.push(ctx.spec.diagnostic_at(
                e.renamed_from_location,
                words.tenant,
                format!(
                    "{} is renamed from `{old}`, but {} already has a {} named `{}`",
                    words.label(e.name),
                    words.place(),
                    words.kind,
                    e.name
                ),
                format!(
                    "remove `renamedFrom` to keep `{old}` and `{}` apart, or delete `{}` from {} first",
                    e.name,
                    e.name,
                    words.place()
                ),
            ));
            Target::Broken
        }
        (None, None) => {
            diags.push(ctx.spec.diagnostic_at(
                e.renamed_from_location,
                words.tenant,
                format!(
                    "`renamedFrom: {old}` of {} names no {} of {}",
                    words.label(e.name),
                    words.kind,
                    words.place()
                ),
                format!(
                    "write the {}'s current name, or remove `renamedFrom` to create `{}`",
                    words.kind, e.name
                ),
            ));
            Target::Broken
        }
    }
}

/// The action of a change of `live` with `fields`.
fn action<T>(live: Option<&T>, fields: &[FieldChange]) -> Action {
    match (live, fields.is_empty()) {
        (None, _) => Action::Create,
        (Some(_), false) => Action::Update,
        (Some(_), true) => Action::Unchanged,
    }
}

/// The live objects in scope that no entry claims (by name or `renamedFrom`): unchanged, or
/// deleted with `--prune`.
fn unclaimed(
    ctx: &Context<'_>,
    kind: ResourceKind,
    tenant: Option<&str>,
    live: &[&str],
    claimed: &HashSet<&str>,
    in_scope: &dyn Fn(&str) -> bool,
) -> Vec<ResourceChange> {
    live.iter()
        .filter(|n| in_scope(n) && !claimed.contains(*n))
        .map(|n| ResourceChange {
            kind,
            tenant: tenant.map(str::to_owned),
            name: (*n).to_owned(),
            renamed_from: None,
            action: if ctx.prune {
                Action::Delete
            } else {
                Action::Unchanged
            },
            fields: Vec::new(),
            request: None,
            protected: false,
        })
        .collect()
}

/// Plans the file's `permissions:` (those in scope) against every live permission. A system
/// permission is never changed or deleted, and a file entry naming one is an error.
///
/// # Errors
/// A request that cannot be built from the fields the planner made (a bug).
pub(crate) fn permissions(
    ctx: &Context<'_>,
    desired: &[DesiredPermission],
    live: &[Permission],
    in_scope: &dyn Fn(&str) -> bool,
    diags: &mut Vec<Diagnostic>,
) -> Result<Permissions, String> {
    let by_name: HashMap<&str, &Permission> = live.iter().map(|p| (p.name.as_str(), p)).collect();
    let words = Words {
        kind: "permission",
        tenant: None,
    };
    let mut changes = Vec::new();
    for d in desired.iter().filter(|d| in_scope(&d.name)) {
        let system = [Some(d.name.as_str()), d.renamed_from.as_deref()]
            .into_iter()
            .flatten()
            .find(|n| by_name.get(n).is_some_and(|p| p.is_system()));
        if let Some(n) = system {
            let at = if n == d.name {
                d.location
            } else {
                d.renamed_from_location
            };
            diags.push(ctx.spec.diagnostic_at(
                at,
                None,
                format!("permission `{n}` is a system permission of the service; it cannot be changed, renamed or managed"),
                format!("remove the entry from `permissions:`; roles may still list `{n}`"),
            ));
            continue;
        }
        let e = Entry {
            name: &d.name,
            renamed_from: d.renamed_from.as_deref(),
            renamed_from_location: d.renamed_from_location,
        };
        let (l, renamed_from) = match target(ctx, &e, &by_name, &words, diags) {
            Target::Create => (None, None),
            Target::Change(l, old) => (Some(l), old),
            Target::Broken => continue,
        };
        let mut fields = Vec::new();
        if let Some(old) = &renamed_from {
            fields.push(field(
                "name",
                Value::String(old.clone()),
                Value::String(d.name.clone()),
            ));
        }
        if let Some(desc) = &d.description
            && l.is_none_or(|l| l.description != *desc)
        {
            let old = l.and_then(|l| permission_old(l, "description"));
            fields.push(field(
                "description",
                old.unwrap_or(Value::Null),
                Value::String(desc.clone()),
            ));
        }
        let action = action(l, &fields);
        let request = match action {
            Action::Create | Action::Update => Some(permission_request(&d.name, l, &fields)?),
            _ => None,
        };
        changes.push(ResourceChange {
            kind: ResourceKind::Permission,
            tenant: None,
            name: d.name.clone(),
            renamed_from,
            action,
            fields,
            request,
            protected: false,
        });
    }
    let claimed = claimed_names(desired.iter().map(|d| (&d.name, &d.renamed_from)));
    let mut system = Vec::new();
    let mut others = Vec::new();
    for p in live {
        if p.is_system() {
            if in_scope(&p.name) {
                system.push(p.name.clone());
            }
        } else {
            others.push(p.name.as_str());
        }
    }
    changes.extend(unclaimed(
        ctx,
        ResourceKind::Permission,
        None,
        &others,
        &claimed,
        in_scope,
    ));
    Ok(Permissions { changes, system })
}

fn claimed_names<'a>(
    entries: impl Iterator<Item = (&'a String, &'a Option<String>)>,
) -> HashSet<&'a str> {
    entries
        .flat_map(|(n, old)| [Some(n.as_str()), old.as_deref()])
        .flatten()
        .collect()
}

/// Plans a `roles:` list — the project's (`tenant` `None`) or one tenant's — against the live
/// roles of that scope. Permissions compare as sets and are sent in file order; a live
/// permission the same run renames counts by its new name (`renamed`).
///
/// # Errors
/// A request that cannot be built from the fields the planner made (a bug).
pub(crate) fn roles(
    ctx: &Context<'_>,
    desired: &[DesiredRole],
    live: &[&Role],
    tenant: Option<&str>,
    in_scope: &dyn Fn(&str) -> bool,
    renamed: &dyn Fn(&str) -> Option<String>,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<ResourceChange>, String> {
    let by_name: HashMap<&str, &Role> = live.iter().map(|r| (r.name.as_str(), *r)).collect();
    let words = Words {
        kind: "role",
        tenant,
    };
    let kind = if tenant.is_some() {
        ResourceKind::TenantRole
    } else {
        ResourceKind::Role
    };
    let mut changes = Vec::new();
    for d in desired.iter().filter(|d| in_scope(&d.name)) {
        let e = Entry {
            name: &d.name,
            renamed_from: d.renamed_from.as_deref(),
            renamed_from_location: d.renamed_from_location,
        };
        let (l, renamed_from) = match target(ctx, &e, &by_name, &words, diags) {
            Target::Create => (None, None),
            Target::Change(l, old) => (Some(l), old),
            Target::Broken => continue,
        };
        let fields = role_fields(d, l, renamed_from.as_deref(), renamed);
        let action = action(l, &fields);
        let request = match action {
            Action::Create | Action::Update => {
                Some(role_request(&d.name, tenant, l, &fields, renamed)?)
            }
            _ => None,
        };
        changes.push(ResourceChange {
            kind,
            tenant: tenant.map(str::to_owned),
            name: d.name.clone(),
            renamed_from,
            action,
            fields,
            request,
            protected: d.protect,
        });
    }
    let claimed = claimed_names(desired.iter().map(|d| (&d.name, &d.renamed_from)));
    let names: Vec<&str> = live.iter().map(|r| r.name.as_str()).collect();
    changes.extend(unclaimed(ctx, kind, tenant, &names, &claimed, in_scope));
    Ok(changes)
}

/// The fields of role `d` that differ from `live` (every field the file sets, for a create).
fn role_fields(
    d: &DesiredRole,
    live: Option<&Role>,
    renamed_from: Option<&str>,
    renamed: &dyn Fn(&str) -> Option<String>,
) -> Vec<FieldChange> {
    let mut fields = Vec::new();
    if let Some(old) = renamed_from {
        fields.push(field(
            "name",
            Value::String(old.to_owned()),
            Value::String(d.name.clone()),
        ));
    }
    if let Some(desc) = &d.description
        && live.is_none_or(|l| l.description != *desc)
    {
        let old = live.and_then(|l| role_old(l, "description"));
        fields.push(field(
            "description",
            old.unwrap_or(Value::Null),
            Value::String(desc.clone()),
        ));
    }
    if let Some(want) = &d.permissions {
        let now: Option<Vec<String>> = live.map(|l| {
            l.permission_names
                .iter()
                .map(|p| renamed(p).unwrap_or_else(|| p.clone()))
                .collect()
        });
        if now.as_deref().is_none_or(|now| !same_set(now, want)) {
            let old = live.and_then(|l| role_old(l, "permissions"));
            fields.push(field(
                "permissions",
                old.unwrap_or(Value::Null),
                super::requests::strings(want),
            ));
        }
    }
    for (key, want, now) in [
        ("default", d.default, live.map(|l| l.default)),
        ("private", d.private, live.map(|l| l.private)),
    ] {
        if let Some(want) = want
            && now != Some(want)
        {
            fields.push(field(
                key,
                now.map_or(Value::Null, Value::Bool),
                Value::Bool(want),
            ));
        }
    }
    fields
}

fn same_set(a: &[String], b: &[String]) -> bool {
    if a.len() <= 8 && b.len() <= 8 {
        // Short lists (the usual case): no allocation.
        return a.iter().all(|x| b.contains(x)) && b.iter().all(|x| a.contains(x));
    }
    let a: HashSet<&String> = a.iter().collect();
    let b: HashSet<&String> = b.iter().collect();
    a == b
}
