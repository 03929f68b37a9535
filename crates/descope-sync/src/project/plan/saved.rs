//! A saved project plan's resources (`resources` in the plan document) read back: each request is
//! derived again from what the change shows (its fields) and the live object it changes, exactly
//! as the planner builds it, and a change that does not match what it shows, or that breaks the
//! `--only`, `--prune` and `--max-deletes` the plan was made with, is refused. The live objects a
//! plan read are fingerprinted by key — `permission:NAME`, `role:NAME`, `role:TENANT/NAME`,
//! `settings:TENANT` — so a plan made against another state is stale.

use std::collections::{HashMap, HashSet};

use descope_model::{Permission, Role, SessionSettings, Tenant};
use descope_spec::{DesiredTenant, Spec};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::only::{BadOnly, Only, Reads, Scope, sort};
use super::refs::check_deletes;
use super::requests::{permission_old, permission_request, role_old, role_request};
use super::session::{old_value, settings_with};
use crate::change::{Action, Change, FieldChange, Plan, PlanOptions, ResourceKind};
use crate::fingerprint::fingerprint_value;
use crate::plan::same_value;
use crate::project::resource::{LiveResources, ProjectPlan, ResourceChange, ResourceRequest};

/// One permission, role, tenant role or settings change as a saved plan records it, not yet
/// trusted (the shape of [`ResourceChange`], with the request as plain JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedResource {
    pub kind: ResourceKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    pub action: Action,
    #[serde(default)]
    pub fields: Vec<FieldChange>,
    /// The recorded request, as JSON (`None` for `null` or absent).
    #[serde(default)]
    pub request: Option<Value>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub protected: bool,
}

impl SavedResource {
    fn live_name(&self) -> &str {
        self.renamed_from.as_deref().unwrap_or(&self.name)
    }

    fn label(&self) -> String {
        match (self.kind, &self.tenant) {
            (ResourceKind::Settings, _) => format!("the settings of tenant `{}`", self.name),
            (ResourceKind::TenantRole, Some(t)) => format!("role `{}` of tenant `{t}`", self.name),
            (k, _) => format!("{k} `{}`", self.name),
        }
    }
}

/// The fingerprint key of an object: `permission:NAME`, `role:NAME`, `role:TENANT/NAME`,
/// `settings:TENANT`.
fn key(kind: ResourceKind, tenant: Option<&str>, name: &str) -> String {
    match (kind, tenant) {
        (ResourceKind::TenantRole, Some(t)) => format!("role:{t}/{name}"),
        (ResourceKind::Settings, _) => format!("settings:{name}"),
        (k, _) => format!(
            "{}:{name}",
            if k == ResourceKind::Permission {
                "permission"
            } else {
                "role"
            }
        ),
    }
}

fn hash<T: Serialize>(v: &T) -> String {
    fingerprint_value(&serde_json::to_value(v).unwrap_or(Value::Null))
}

/// The fingerprint of the live object a key names (`None`: it does not exist).
///
/// # Errors
/// A key of no known shape (a damaged plan).
pub(crate) fn fingerprint_of_key(
    key: &str,
    live: &LiveResources,
) -> Result<Option<String>, String> {
    let permissions = live.permissions.as_deref().unwrap_or_default();
    let roles = live.roles.as_deref().unwrap_or_default();
    if let Some(name) = key.strip_prefix("permission:") {
        return Ok(permissions.iter().find(|p| p.name == name).map(hash));
    }
    if let Some(rest) = key.strip_prefix("role:") {
        // Tenant ids have no `/`: the first one ends the tenant of a tenant role.
        let (tenant, name) = match rest.split_once('/') {
            Some((t, n)) if descope_spec::rules::is_valid_id(t) => (Some(t), n),
            _ => (None, rest),
        };
        return Ok(roles
            .iter()
            .find(|r| r.tenant() == tenant && r.name == name)
            .map(hash));
    }
    if let Some(tenant) = key.strip_prefix("settings:") {
        return Ok(live.settings.get(tenant).map(|s| hash(&s.to_map())));
    }
    Err(format!(
        "its fingerprint key `{key}` names no permission, role or settings"
    ))
}

/// Fingerprints of every object a project plan's resources read, by key, sorted: the live
/// object each change reads (`None` for one it creates), and the new name of each rename (so an
/// object that took the name meanwhile makes the plan stale). Saved as `resourceFingerprints`
/// beside the tenants' (`PlanDocument::resource_fingerprints`).
#[must_use]
pub fn resource_fingerprints(
    plan: &ProjectPlan,
    live: &LiveResources,
) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for c in &plan.resources {
        let mut names = vec![c.live_name()];
        if c.renamed_from.is_some() {
            names.push(&c.name);
        }
        for n in names {
            let k = key(c.kind, c.tenant.as_deref(), n);
            let fp = fingerprint_of_key(&k, live).unwrap_or(None);
            out.push((k, fp));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// What must be read to check a saved plan's resources: the kinds its fingerprints name (and
/// every role when it deletes a permission, which no kept role may have), the settings of the
/// tenants it names.
pub(crate) fn saved_reads<'a>(
    keys: impl Iterator<Item = &'a str>,
    resources: &[SavedResource],
) -> Reads {
    let mut reads = Reads::default();
    for k in keys {
        if k.starts_with("permission:") {
            reads.permissions = true;
        } else if k.starts_with("role:") {
            reads.roles = true;
        } else if let Some(t) = k.strip_prefix("settings:") {
            reads.settings_of.push(t.to_owned());
        }
    }
    reads.roles |= resources
        .iter()
        .any(|r| r.kind == ResourceKind::Permission && r.action == Action::Delete);
    reads
}

/// Shared checks of one saved change: the fields it shows are known, listed once, and show the
/// live values as `old` (`null` for a create); an update changes each of them.
fn check_fields(
    s: &SavedResource,
    what: &str,
    old_of: &dyn Fn(&str) -> Option<Value>,
    creates: bool,
) -> Result<(), String> {
    let mut seen = HashSet::new();
    for f in &s.fields {
        if !seen.insert(f.field.as_str()) {
            return Err(format!("{what} shows field `{}` twice", f.field));
        }
        let old = old_of(&f.field)
            .ok_or_else(|| format!("{what} shows an unknown field `{}`", f.field))?;
        let want = if creates { Value::Null } else { old };
        if !same_value(&f.old, &want) {
            return Err(format!(
                "the old value of `{}` shown for {what} is not what it had",
                f.field
            ));
        }
        if !creates && same_value(&f.old, &f.new) {
            return Err(format!(
                "{what} shows field `{}` as a change to the value it already has",
                f.field
            ));
        }
    }
    match (s.action, s.fields.is_empty()) {
        (Action::Update, true) => Err(format!("the update of {what} changes nothing")),
        (Action::Delete | Action::Unchanged, false) => {
            Err(format!("{what} is listed as {} but shows fields", s.action))
        }
        _ => Ok(()),
    }
}

/// A `name` field shows exactly the rename (`renamedFrom` → name), and only a rename has one.
fn check_rename(s: &SavedResource, what: &str) -> Result<(), String> {
    let shown = s.fields.iter().find(|f| f.field == "name");
    match (&s.renamed_from, shown) {
        (None, None) => Ok(()),
        (Some(old), Some(f))
            if f.old.as_str() == Some(old.as_str()) && f.new.as_str() == Some(s.name.as_str()) =>
        {
            Ok(())
        }
        _ => Err(format!(
            "the rename of {what} does not match the `name` field it shows"
        )),
    }
}

/// The live object's existence matches the action.
fn check_exists(s: &SavedResource, what: &str, exists: bool) -> Result<(), String> {
    match (s.action, exists) {
        (Action::Create, true) => Err(format!("it creates {what}, which already existed")),
        (Action::Create, false) if s.renamed_from.is_some() => {
            Err(format!("the create of {what} shows a rename"))
        }
        (Action::Update | Action::Delete | Action::Unchanged, false) => Err(format!(
            "it changes {what}, which did not exist when it was made"
        )),
        (Action::Delete, true) if s.renamed_from.is_some() || s.protected => {
            Err(format!("it deletes {what}, which is renamed or protected"))
        }
        _ => Ok(()),
    }
}

struct Live<'a> {
    tenants: &'a [Tenant],
    permissions: HashMap<&'a str, &'a Permission>,
    roles: HashMap<(Option<&'a str>, &'a str), &'a Role>,
    settings: &'a std::collections::BTreeMap<String, SessionSettings>,
    /// Tenants the saved plan's tenant part creates and deletes.
    created: HashSet<&'a str>,
    deleted: HashSet<&'a str>,
    /// The tenant changes' `domains`, by tenant.
    domains: HashMap<&'a str, &'a Value>,
}

fn recorded_only(options: &PlanOptions) -> Result<Only, String> {
    Only::parse(&options.only, Scope::Project).map_err(|e| {
        let why = match e {
            BadOnly::Pattern(e) => e.to_string(),
            BadOnly::Refused(m) => m,
        };
        format!("its recorded --only patterns cannot be used: {why}")
    })
}

/// The options the tenant part of a saved plan is checked with (`--only` reduced to its tenant
/// patterns), and whether its tenants are in scope at all.
///
/// # Errors
/// Recorded `--only` patterns that cannot be used.
pub(crate) fn tenant_options(options: &PlanOptions) -> Result<(PlanOptions, bool), String> {
    let only = recorded_only(options)?;
    Ok((
        PlanOptions {
            only: only.tenant_patterns().to_vec(),
            ..options.clone()
        },
        only.tenants(),
    ))
}

/// Derives the resources of a saved plan again from what they show and the live project (as
/// the plan's fingerprints say it was), and checks them against the plan and its options.
/// `tenants` are the plan's tenant changes, already derived again.
///
/// # Errors
/// What does not match, in the user's terms.
pub(crate) fn rederive_resources(
    saved: &[SavedResource],
    tenants: &[Change],
    options: &PlanOptions,
    live_tenants: &[Tenant],
    live: &LiveResources,
) -> Result<Vec<ResourceChange>, String> {
    let only = recorded_only(options)?;
    let permissions = live.permissions.as_deref().unwrap_or_default();
    let roles = live.roles.as_deref().unwrap_or_default();
    let at = |a: Action| {
        tenants
            .iter()
            .filter(move |c| c.action == a)
            .map(|c| c.id.as_str())
    };
    let l = Live {
        tenants: live_tenants,
        permissions: permissions.iter().map(|p| (p.name.as_str(), p)).collect(),
        roles: roles
            .iter()
            .map(|r| ((r.tenant(), r.name.as_str()), r))
            .collect(),
        settings: &live.settings,
        created: at(Action::Create).collect(),
        deleted: at(Action::Delete).collect(),
        domains: tenants
            .iter()
            .filter_map(|c| {
                let f = c.fields.iter().find(|f| f.field == "domains")?;
                Some((c.id.as_str(), &f.new))
            })
            .collect(),
    };
    let renames: HashMap<&str, &str> = saved
        .iter()
        .filter(|s| s.kind == ResourceKind::Permission && s.action == Action::Update)
        .filter_map(|s| Some((s.renamed_from.as_deref()?, s.name.as_str())))
        .collect();
    let renamed = |p: &str| renames.get(p).map(|n| (*n).to_owned());

    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(saved.len());
    for s in saved {
        let what = s.label();
        if !seen.insert((s.kind, s.tenant.clone(), s.live_name().to_owned())) {
            return Err(format!("{what} has more than one change"));
        }
        let in_scope = match s.kind {
            ResourceKind::Permission => only.permission(&s.name),
            ResourceKind::Role => only.role(&s.name),
            _ => s.tenant.as_deref().is_some_and(|t| only.tenant(t)),
        };
        if !in_scope {
            return Err(format!(
                "{what} is outside the --only scope the plan was made with"
            ));
        }
        if s.action == Action::Delete && !options.prune {
            return Err(format!(
                "it deletes {what}, but it was made without --prune"
            ));
        }
        let request = match s.kind {
            ResourceKind::Permission => {
                let p = l.permissions.get(s.live_name()).copied();
                if p.is_some_and(Permission::is_system) {
                    return Err(format!(
                        "{what} is a system permission, which a plan never changes"
                    ));
                }
                check_exists(s, &what, p.is_some())?;
                check_rename(s, &what)?;
                let old = |k: &str| match p {
                    Some(p) => permission_old(p, k),
                    None => permission_old(&Permission::default(), k),
                };
                check_fields(s, &what, &old, p.is_none())?;
                if s.renamed_from.is_some() && l.permissions.contains_key(s.name.as_str()) {
                    return Err(format!(
                        "{what} is renamed onto a name another permission has"
                    ));
                }
                match s.action {
                    Action::Create | Action::Update => {
                        Some(permission_request(&s.name, p, &s.fields)?)
                    }
                    _ => None,
                }
            }
            ResourceKind::Role | ResourceKind::TenantRole => {
                let tenant = s.tenant.as_deref();
                if tenant.is_some() != (s.kind == ResourceKind::TenantRole) {
                    return Err(format!("{what} has the wrong tenant for its kind"));
                }
                if let Some(t) = tenant {
                    let exists = l.tenants.iter().any(|x| x.id == t);
                    if l.deleted.contains(t) || !(exists || l.created.contains(t)) {
                        return Err(format!(
                            "it changes {what}, but the tenant is deleted or does not exist"
                        ));
                    }
                }
                let r = l.roles.get(&(tenant, s.live_name())).copied();
                check_exists(s, &what, r.is_some())?;
                check_rename(s, &what)?;
                let old = |k: &str| match r {
                    Some(r) => role_old(r, k),
                    None => role_old(&Role::default(), k),
                };
                check_fields(s, &what, &old, r.is_none())?;
                if s.renamed_from.is_some() && l.roles.contains_key(&(tenant, s.name.as_str())) {
                    return Err(format!("{what} is renamed onto a name another role has"));
                }
                match s.action {
                    Action::Create | Action::Update => {
                        Some(role_request(&s.name, tenant, r, &s.fields, &renamed)?)
                    }
                    _ => None,
                }
            }
            ResourceKind::Settings => settings_request(s, &what, &l)?,
            ResourceKind::Tenant => {
                return Err(format!(
                    "tenant `{}` is listed among the other kinds' changes",
                    s.name
                ));
            }
        };
        let want = request
            .as_ref()
            .map(|r| serde_json::to_value(r).unwrap_or(Value::Null));
        let matches = match (&want, &s.request) {
            (None, None) => true,
            (Some(a), Some(b)) => same_value(a, b),
            _ => false,
        };
        if !matches {
            return Err(format!(
                "the request of {what} does not match the change it shows"
            ));
        }
        out.push(ResourceChange {
            kind: s.kind,
            tenant: s.tenant.clone(),
            name: s.name.clone(),
            renamed_from: s.renamed_from.clone(),
            action: s.action,
            fields: s.fields.clone(),
            request,
            protected: s.protected,
        });
    }

    let deletes = l.deleted.len() + out.iter().filter(|c| c.action == Action::Delete).count();
    if deletes > options.max_deletes {
        return Err(format!(
            "it deletes {deletes} objects (tenants, roles and permissions together), more than the --max-deletes {} it was made with",
            options.max_deletes
        ));
    }
    // The default roles each tenant has after the plan, as its tenant changes show them.
    let shown = Spec {
        tenants: tenants
            .iter()
            .filter_map(|c| {
                let f = c.fields.iter().find(|f| f.field == "defaultRoles")?;
                Some(DesiredTenant {
                    id: c.id.clone(),
                    default_roles: serde_json::from_value(f.new.clone()).ok(),
                    ..DesiredTenant::default()
                })
            })
            .collect(),
        ..Spec::default()
    };
    let tenant_plan = Plan {
        changes: tenants.to_vec(),
    };
    check_deletes(&shown, &tenant_plan, live_tenants, roles, &out)?;
    sort(&mut out);
    Ok(out)
}

/// The request of a settings change: the live record with the fields applied, its
/// `selfProvisioningDomains` those of the tenant after the plan; none for a tenant the plan
/// creates (read after the create).
fn settings_request(
    s: &SavedResource,
    what: &str,
    l: &Live<'_>,
) -> Result<Option<ResourceRequest>, String> {
    if s.tenant.as_deref() != Some(s.name.as_str()) || s.renamed_from.is_some() || s.protected {
        return Err(format!("{what} is not recorded as settings are"));
    }
    if !matches!(s.action, Action::Update | Action::Unchanged) {
        return Err(format!("{what} are only ever updated"));
    }
    let Some(live) = l.settings.get(&s.name) else {
        if !l.created.contains(s.name.as_str()) || s.action != Action::Update {
            return Err(format!(
                "it changes {what}, which were not read when it was made"
            ));
        }
        let base = SessionSettings::default();
        check_fields(s, what, &|k| old_value(&base, k), true)?;
        settings_with(&base, &s.fields)?;
        return Ok(None);
    };
    check_fields(s, what, &|k| old_value(live, k), false)?;
    if s.action == Action::Unchanged {
        return Ok(None);
    }
    let mut next = settings_with(live, &s.fields)?;
    let recorded: Option<Vec<String>> = s
        .request
        .as_ref()
        .and_then(|r| r.get("settings")?.get("selfProvisioningDomains").cloned())
        .and_then(|d| serde_json::from_value(d).ok());
    let tenant_domains = l
        .tenants
        .iter()
        .find(|t| t.id == s.name)
        .map(|t| &t.self_provisioning_domains);
    next.self_provisioning_domains = match l.domains.get(s.name.as_str()) {
        Some(d) => serde_json::from_value((*d).clone())
            .map_err(|_| format!("the domains shown for tenant `{}` are not a list", s.name))?,
        // The tenant's domains stay: the file may have written them as they are.
        None => match recorded {
            Some(d) if Some(&d) == tenant_domains => d,
            _ => live.self_provisioning_domains.clone(),
        },
    };
    Ok(Some(ResourceRequest::Settings(Box::new(next))))
}

/// The project plan of a saved plan's parts, derived again: the tenants (already checked) and
/// the resources.
pub(crate) fn project_plan(
    tenants: Plan,
    resources: Vec<ResourceChange>,
    live: &LiveResources,
) -> ProjectPlan {
    let settings_reads = resources
        .iter()
        .filter(|c| c.kind == ResourceKind::Settings && live.settings.contains_key(&c.name))
        .count();
    ProjectPlan {
        tenants,
        resources,
        unmanaged: Vec::new(),
        settings_reads,
    }
}
