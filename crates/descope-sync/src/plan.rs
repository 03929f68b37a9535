//! The plan: desired tenants vs live tenants → ordered creates, updates, deletes, unchanged.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use descope_model::hash::{FastMap, fast_map};
use descope_model::{Attrs, Tenant, TenantRequest};
use descope_spec::DesiredTenant;
use serde_json::Value;

use crate::change::{Action, Change, FieldChange, Plan, PlanOptions, ResourceKind, Summary};

/// Writes that may run at once: a change's write, or the rename to its temporary name.
pub type Wave = Vec<crate::Step>;

impl Plan {
    #[must_use]
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for c in &self.changes {
            s.add(c.action);
        }
        s
    }

    /// The writes in waves (see [`crate::schedule`]): every write of a wave may run at once,
    /// and a wave starts when the one before it has finished. `live` is the project the plan
    /// was made against. Made when the plan is executed, not when it is shown.
    #[must_use]
    pub fn waves(&self, live: &[Tenant]) -> Vec<Wave> {
        crate::order::schedule(&self.changes, live)
    }

    /// Whether applying the plan would write anything.
    #[must_use]
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|c| c.action != Action::Unchanged)
    }
}

/// Why no plan could be made. Each message says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "invalid {option} pattern `{pattern}`: {reason}; use `*`, `?` and `[a-z]` globs on tenant ids"
    )]
    BadPattern {
        option: &'static str,
        pattern: String,
        reason: String,
    },
    #[error("tenant id `{id}` is listed more than once; ids must be unique")]
    DuplicateId { id: String },
    #[error(
        "tenant `{id}`: the file says parent `{desired}` but the project has {}; parent is set only when a tenant is created — delete and recreate it to move it, or change the file back",
        if live.is_empty() { "no parent".to_owned() } else { format!("parent `{live}`") }
    )]
    ParentChanged {
        id: String,
        live: String,
        desired: String,
    },
    #[error(
        "tenant `{id}`: parent `{parent}` is neither in the file nor in the project; add `{parent}` to the file or fix `parent`"
    )]
    UnknownParent { id: String, parent: String },
    #[error("tenants {} name each other as parents (a cycle); fix their `parent` keys", ids.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", "))]
    ParentCycle { ids: Vec<String> },
    #[error(
        "--prune would delete tenant `{id}`, but tenant `{child}`, which is kept, is its sub-tenant; add `{id}` to the file (or to `protected`), or remove `{child}` as well"
    )]
    DeleteParentOfKept { id: String, child: String },
    #[error(
        "tenant `{id}`: name `{name}` is already used by tenant `{other}`; names must be unique in the project — rename one of them"
    )]
    NameTaken {
        id: String,
        name: String,
        other: String,
    },
    #[error(
        "the plan would delete {count} tenants, more than the limit of {max}; check the file and --only, then raise --max-deletes {count} to allow it"
    )]
    TooManyDeletes { count: usize, max: usize },
}

fn compile(option: &'static str, patterns: &[String]) -> Result<Vec<glob::Pattern>, PlanError> {
    patterns
        .iter()
        .map(|p| {
            glob::Pattern::new(p).map_err(|e| PlanError::BadPattern {
                option,
                pattern: p.clone(),
                reason: e.msg.to_owned(),
            })
        })
        .collect()
}

fn matches_any(patterns: &[glob::Pattern], id: &str) -> bool {
    patterns.iter().any(|p| p.matches(id))
}

/// Computes the plan that makes `live` look like `desired` (see the crate docs for the rules).
pub fn plan(
    desired: &[DesiredTenant],
    live: &[Tenant],
    opts: &PlanOptions,
) -> Result<Plan, PlanError> {
    let only = compile("--only", &opts.only)?;
    let protected = compile("protected", &opts.protected)?;
    let in_scope = |id: &str| only.is_empty() || matches_any(&only, id);

    let mut desired_all: FastMap<&str, &DesiredTenant> = fast_map(desired.len());
    for d in desired {
        if desired_all.insert(d.id.as_str(), d).is_some() {
            return Err(PlanError::DuplicateId { id: d.id.clone() });
        }
    }
    let mut live_all: FastMap<&str, &Tenant> = fast_map(live.len());
    live_all.extend(live.iter().map(|t| (t.id.as_str(), t)));
    // The desired tenants in scope, by id. (For an id in scope, its live tenant is in scope too,
    // so `live_all` answers for the scoped live set.)
    let mut d_scoped: Vec<&DesiredTenant> = desired.iter().filter(|d| in_scope(&d.id)).collect();
    d_scoped.sort_unstable_by(|a, b| a.id.cmp(&b.id));

    // Parents: create-time only, and must resolve.
    for d in &d_scoped {
        let Some(parent) = &d.parent else { continue };
        match live_all.get(d.id.as_str()) {
            Some(l) if l.parent != *parent => {
                return Err(PlanError::ParentChanged {
                    id: d.id.clone(),
                    live: l.parent.clone(),
                    desired: parent.clone(),
                });
            }
            Some(_) => {}
            None if desired_all.contains_key(parent.as_str())
                || live_all.contains_key(parent.as_str()) => {}
            None => {
                return Err(PlanError::UnknownParent {
                    id: d.id.clone(),
                    parent: parent.clone(),
                });
            }
        }
    }

    // Most tenants of a large file are unchanged: reserve for all of them (and live ones the
    // file leaves out) rather than grow by doubling, which left the copied-from buffers behind.
    let mut creates = Vec::new();
    let mut updates = Vec::new();
    let mut unchanged = Vec::with_capacity(d_scoped.len().max(live.len()));
    for d in &d_scoped {
        match live_all.get(d.id.as_str()) {
            None => creates.push(create(d)),
            Some(l) => {
                let c = update(d, l);
                if c.action == Action::Update {
                    updates.push(c);
                } else {
                    unchanged.push(c);
                }
            }
        }
    }

    let mut deletes = Vec::new();
    for id in live
        .iter()
        .map(|t| t.id.as_str())
        .filter(|id| in_scope(id) && !desired_all.contains_key(id))
    {
        let is_protected = matches_any(&protected, id);
        let action = if opts.prune && !is_protected {
            Action::Delete
        } else {
            Action::Unchanged
        };
        let c = Change {
            kind: ResourceKind::Tenant,
            id: (*id).to_owned(),
            action,
            fields: Vec::new(),
            request: None,
            default_roles: None,
            protected: is_protected,
            temp_name: None,
        };
        if action == Action::Delete {
            deletes.push(c)
        } else {
            unchanged.push(c)
        }
    }

    check_deletes(&deletes, desired, live)?;
    if deletes.len() > opts.max_deletes {
        return Err(PlanError::TooManyDeletes {
            count: deletes.len(),
            max: opts.max_deletes,
        });
    }
    let desired_in_scope = |id: &str| desired_all.get(id).copied().filter(|_| in_scope(id));
    check_names(&d_scoped, desired_in_scope, &deletes, live)?;

    // Order: creates by depth among creates (parents first), deletes children first.
    let create_parent: HashMap<&str, &str> = d_scoped
        .iter()
        .filter(|d| !live_all.contains_key(d.id.as_str()))
        .filter_map(|d| d.parent.as_deref().map(|p| (d.id.as_str(), p)))
        .collect();
    let mut create_depth = HashMap::with_capacity(creates.len());
    for c in &creates {
        let depth = depth_of(&c.id, |id| create_parent.get(id).copied()).ok_or_else(|| {
            PlanError::ParentCycle {
                ids: cycle_members(&c.id, &create_parent),
            }
        })?;
        create_depth.insert(c.id.clone(), depth);
    }
    creates.sort_by(|a, b| (create_depth[&a.id], &a.id).cmp(&(create_depth[&b.id], &b.id)));

    let deleted: HashSet<&str> = deletes.iter().map(|c| c.id.as_str()).collect();
    let live_parent = |id: &str| {
        live_all
            .get(id)
            .map(|t| t.parent.as_str())
            .filter(|p| deleted.contains(p))
    };
    let mut delete_depth = HashMap::with_capacity(deletes.len());
    for c in &deletes {
        // A cycle in live data cannot be repaired here; it only affects order, so count it as 0.
        delete_depth.insert(c.id.clone(), depth_of(&c.id, live_parent).unwrap_or(0));
    }
    deletes.sort_by(|a, b| {
        (Reverse(delete_depth[&a.id]), &a.id).cmp(&(Reverse(delete_depth[&b.id]), &b.id))
    });

    let mut changes =
        Vec::with_capacity(creates.len() + updates.len() + deletes.len() + unchanged.len());
    changes.append(&mut creates);
    changes.append(&mut updates);
    changes.append(&mut deletes);
    unchanged.sort_by(|a, b| a.id.cmp(&b.id));
    changes.append(&mut unchanged);
    // Renames that form a cycle go through a temporary name (names are unique in a project).
    let temps = crate::order::temporary_names(&changes, live);
    if !temps.is_empty() {
        for c in &mut changes {
            c.temp_name = temps.get(&c.id).cloned();
        }
    }
    Ok(Plan { changes })
}

/// Number of ancestors reachable through `parent`; `None` on a cycle.
fn depth_of<'a>(id: &'a str, parent: impl Fn(&str) -> Option<&'a str>) -> Option<usize> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut cur = id;
    seen.insert(cur);
    let mut depth = 0;
    while let Some(p) = parent(cur) {
        if !seen.insert(p) {
            return None;
        }
        depth += 1;
        cur = p;
    }
    Some(depth)
}

fn cycle_members(start: &str, parent: &HashMap<&str, &str>) -> Vec<String> {
    let mut order: Vec<&str> = Vec::new();
    let mut cur = start;
    while !order.contains(&cur) {
        order.push(cur);
        match parent.get(cur) {
            Some(p) => cur = p,
            None => break,
        }
    }
    let first = order.iter().position(|x| *x == cur).unwrap_or(0);
    let mut ids: Vec<String> = order[first..].iter().map(|s| (*s).to_owned()).collect();
    ids.sort();
    ids
}

/// A deleted tenant must not be the parent of one that stays (live and not deleted, or in the
/// file): the service would refuse, or a cascade would take the kept tenant with it.
fn check_deletes(
    deletes: &[Change],
    desired: &[DesiredTenant],
    live: &[Tenant],
) -> Result<(), PlanError> {
    if deletes.is_empty() {
        return Ok(());
    }
    let deleted: HashSet<&str> = deletes.iter().map(|c| c.id.as_str()).collect();
    let mut kept_children: Vec<(&str, &str)> = live
        .iter()
        .filter(|t| !deleted.contains(t.id.as_str()) && deleted.contains(t.parent.as_str()))
        .map(|t| (t.parent.as_str(), t.id.as_str()))
        .chain(desired.iter().filter_map(|d| {
            d.parent
                .as_deref()
                .filter(|p| deleted.contains(p))
                .map(|p| (p, d.id.as_str()))
        }))
        .collect();
    kept_children.sort_unstable();
    match kept_children.first() {
        Some((id, child)) => Err(PlanError::DeleteParentOfKept {
            id: (*id).to_owned(),
            child: (*child).to_owned(),
        }),
        None => Ok(()),
    }
}

/// A name the plan gives a tenant must not stay on another tenant.
fn check_names<'a>(
    d_scoped: &[&'a DesiredTenant],
    desired_in_scope: impl Fn(&str) -> Option<&'a DesiredTenant>,
    deletes: &[Change],
    live: &'a [Tenant],
) -> Result<(), PlanError> {
    let deleted: HashSet<&str> = deletes.iter().map(|c| c.id.as_str()).collect();
    // The name each live tenant has after the plan (outside the scope: its live name).
    let mut final_owner: FastMap<&str, &str> = fast_map(live.len());
    for t in live {
        if deleted.contains(t.id.as_str()) {
            continue;
        }
        let name = desired_in_scope(t.id.as_str()).map_or(t.name.as_str(), |d| d.name.as_str());
        final_owner.insert(name, t.id.as_str());
    }
    for d in d_scoped {
        if let Some(other) = final_owner.get(d.name.as_str())
            && *other != d.id
        {
            return Err(PlanError::NameTaken {
                id: d.id.clone(),
                name: d.name.clone(),
                other: (*other).to_owned(),
            });
        }
    }
    Ok(())
}

fn strings(v: &[String]) -> Value {
    Value::Array(v.iter().cloned().map(Value::String).collect())
}

fn attrs(m: &Attrs) -> Value {
    Value::Object(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

pub(crate) fn create(d: &DesiredTenant) -> Change {
    let mut fields = vec![FieldChange {
        field: "name".into(),
        old: Value::Null,
        new: Value::String(d.name.clone()),
    }];
    let mut push = |field: &str, new: Value| {
        fields.push(FieldChange {
            field: field.into(),
            old: Value::Null,
            new,
        })
    };
    if let Some(v) = &d.domains {
        push("domains", strings(v));
    }
    if let Some(v) = &d.custom_attributes {
        push("customAttributes", attrs(v));
    }
    if let Some(v) = d.enforce_sso {
        push("enforceSSO", Value::Bool(v));
    }
    if let Some(v) = d.disabled {
        push("disabled", Value::Bool(v));
    }
    if let Some(v) = &d.parent {
        push("parent", Value::String(v.clone()));
    }
    if let Some(v) = &d.default_roles {
        push("defaultRoles", strings(v));
    }
    Change {
        kind: ResourceKind::Tenant,
        id: d.id.clone(),
        action: Action::Create,
        fields,
        request: Some(Box::new(TenantRequest {
            id: d.id.clone(),
            name: d.name.clone(),
            self_provisioning_domains: d.domains.clone().unwrap_or_default(),
            custom_attributes: d.custom_attributes.clone().unwrap_or_default(),
            enforce_sso: d.enforce_sso.unwrap_or(false),
            disabled: d.disabled.unwrap_or(false),
            parent: d.parent.clone().unwrap_or_default(),
            ..TenantRequest::default()
        })),
        default_roles: d.default_roles.clone().filter(|r| !r.is_empty()),
        protected: d.protect,
        temp_name: None,
    }
}

pub(crate) fn update(d: &DesiredTenant, l: &Tenant) -> Change {
    // The full record is built only when a field of it changes (most tenants are unchanged).
    let mut req: Option<Box<TenantRequest>> = None;
    let mut fields = Vec::new();
    if d.name != l.name {
        fields.push(FieldChange {
            field: "name".into(),
            old: Value::String(l.name.clone()),
            new: Value::String(d.name.clone()),
        });
        req.get_or_insert_with(|| Box::new(TenantRequest::from_tenant(l)))
            .name = d.name.clone();
    }
    if let Some(v) = &d.domains
        && !same_set(v, &l.self_provisioning_domains)
    {
        fields.push(FieldChange {
            field: "domains".into(),
            old: strings(&l.self_provisioning_domains),
            new: strings(v),
        });
        req.get_or_insert_with(|| Box::new(TenantRequest::from_tenant(l)))
            .self_provisioning_domains = v.clone();
    }
    if let Some(v) = &d.custom_attributes
        && !same_map(v, &l.custom_attributes)
    {
        fields.push(FieldChange {
            field: "customAttributes".into(),
            old: attrs(&l.custom_attributes),
            new: attrs(v),
        });
        req.get_or_insert_with(|| Box::new(TenantRequest::from_tenant(l)))
            .custom_attributes = v.clone();
    }
    if let Some(v) = d.enforce_sso
        && v != l.enforce_sso
    {
        fields.push(FieldChange {
            field: "enforceSSO".into(),
            old: Value::Bool(l.enforce_sso),
            new: Value::Bool(v),
        });
        req.get_or_insert_with(|| Box::new(TenantRequest::from_tenant(l)))
            .enforce_sso = v;
    }
    if let Some(v) = d.disabled
        && v != l.disabled
    {
        fields.push(FieldChange {
            field: "disabled".into(),
            old: Value::Bool(l.disabled),
            new: Value::Bool(v),
        });
        req.get_or_insert_with(|| Box::new(TenantRequest::from_tenant(l)))
            .disabled = v;
    }
    let mut default_roles = None;
    if let Some(v) = &d.default_roles
        && !same_set(v, &l.default_roles)
    {
        fields.push(FieldChange {
            field: "defaultRoles".into(),
            old: strings(&l.default_roles),
            new: strings(v),
        });
        default_roles = Some(v.clone());
    }
    Change {
        kind: ResourceKind::Tenant,
        id: d.id.clone(),
        action: if fields.is_empty() {
            Action::Unchanged
        } else {
            Action::Update
        },
        fields,
        request: req,
        default_roles,
        protected: d.protect,
        temp_name: None,
    }
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

fn same_map(a: &Attrs, b: &Attrs) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|(k, v)| b.get(k).is_some_and(|w| same_value(v, w)))
}

/// JSON equality where numbers compare by value (`50` == `50.0`).
pub(crate) fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                (Some(x), Some(y), _, _) => x == y,
                (_, _, Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        _ => a == b,
    }
}
