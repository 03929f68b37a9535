//! Deletes that something kept still refers to are refused before any request: a permission
//! that a kept role has, a role that a kept tenant gives new users (`defaultRoles`). Kept means
//! after the plan: in the file or live, and not deleted by it.

use std::collections::{BTreeSet, HashMap, HashSet};

use descope_model::{Role, Tenant};
use descope_spec::Spec;

use crate::change::{Action, Plan, ResourceKind};
use crate::project::resource::{ResourceChange, ResourceRequest};

/// The roles of one scope after the plan: the project's (`None`) or a tenant's.
type Scoped<'a> = (Option<&'a str>, &'a str);

/// Refuses the plan when a delete of it leaves a kept object referring to nothing; the message
/// names every such reference and what to do.
///
/// # Errors
/// The refusal, in the user's terms.
pub(crate) fn check_deletes(
    spec: &Spec,
    tenants: &Plan,
    live_tenants: &[Tenant],
    live_roles: &[Role],
    resources: &[ResourceChange],
) -> Result<(), String> {
    let deletes = |kind: ResourceKind| {
        resources
            .iter()
            .filter(move |c| c.kind == kind && c.action == Action::Delete)
    };
    if deletes(ResourceKind::Permission).next().is_none()
        && deletes(ResourceKind::Role).next().is_none()
        && deletes(ResourceKind::TenantRole).next().is_none()
    {
        return Ok(());
    }
    let deleted_tenants: HashSet<&str> = tenants
        .changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .map(|c| c.id.as_str())
        .collect();
    let planned: HashMap<Scoped<'_>, &ResourceChange> = resources
        .iter()
        .filter(|c| matches!(c.kind, ResourceKind::Role | ResourceKind::TenantRole))
        .map(|c| ((c.tenant.as_deref(), c.live_name()), c))
        .collect();

    let live_by_key: HashMap<Scoped<'_>, &Role> = live_roles
        .iter()
        .map(|r| ((r.tenant(), r.name.as_str()), r))
        .collect();
    // Every role after the plan, with its permissions.
    let mut kept: Vec<(Scoped<'_>, &[String])> = Vec::new();
    for c in planned.values().filter(|c| c.action != Action::Delete) {
        let permissions: &[String] = match &c.request {
            Some(ResourceRequest::CreateRole(r)) => &r.permission_names,
            Some(ResourceRequest::UpdateRole(r)) => &r.permission_names,
            _ => live_by_key
                .get(&(c.tenant.as_deref(), c.live_name()))
                .map_or(&[], |r| &r.permission_names),
        };
        kept.push(((c.tenant.as_deref(), c.name.as_str()), permissions));
    }
    for r in live_roles {
        let key = (r.tenant(), r.name.as_str());
        if !planned.contains_key(&key) && !r.tenant().is_some_and(|t| deleted_tenants.contains(t)) {
            kept.push((key, &r.permission_names));
        }
    }
    let kept_names: HashSet<Scoped<'_>> = kept.iter().map(|(k, _)| *k).collect();

    let mut problems: BTreeSet<String> = BTreeSet::new();
    for p in deletes(ResourceKind::Permission) {
        for ((tenant, role), permissions) in &kept {
            if permissions.contains(&p.name) {
                let role = match tenant {
                    Some(t) => format!("role `{role}` of tenant `{t}`"),
                    None => format!("role `{role}`"),
                };
                problems.insert(format!(
                    "--prune would delete permission `{p}`, but {role}, which is kept, has it; remove `{p}` from that role (its `permissions:` in the file, or in the project when the file does not list them), or add `- name: {p}` back under `permissions:`",
                    p = p.name
                ));
            }
        }
    }

    // The default roles of every tenant after the plan.
    let desired: HashMap<&str, &descope_spec::DesiredTenant> =
        spec.tenants.iter().map(|t| (t.id.as_str(), t)).collect();
    let in_plan: HashSet<&str> = tenants.changes.iter().map(|c| c.id.as_str()).collect();
    let mut defaults: Vec<(&str, &[String])> = Vec::new();
    for t in live_tenants
        .iter()
        .filter(|t| !deleted_tenants.contains(t.id.as_str()))
    {
        let wanted = desired
            .get(t.id.as_str())
            .filter(|_| in_plan.contains(t.id.as_str()))
            .and_then(|d| d.default_roles.as_deref());
        defaults.push((&t.id, wanted.unwrap_or(&t.default_roles)));
    }
    for c in tenants
        .changes
        .iter()
        .filter(|c| c.action == Action::Create)
    {
        if let Some(roles) = desired
            .get(c.id.as_str())
            .and_then(|d| d.default_roles.as_deref())
        {
            defaults.push((&c.id, roles));
        }
    }
    for r in deletes(ResourceKind::Role) {
        for (tenant, roles) in &defaults {
            if roles.contains(&r.name) && !kept_names.contains(&(Some(*tenant), r.name.as_str())) {
                problems.insert(format!(
                    "--prune would delete role `{r}`, but tenant `{tenant}`, which is kept, has it in its default roles; remove `{r}` from the tenant's `defaultRoles` (in the file, or in the project when the file does not list them), or add `- name: {r}` back under `roles:`",
                    r = r.name
                ));
            }
        }
    }
    for r in deletes(ResourceKind::TenantRole) {
        let Some(tenant) = r.tenant.as_deref() else {
            continue;
        };
        let named = defaults
            .iter()
            .any(|(t, roles)| *t == tenant && roles.contains(&r.name));
        if named && !kept_names.contains(&(None, r.name.as_str())) {
            problems.insert(format!(
                "--prune would delete role `{r}` of tenant `{tenant}`, but the tenant, which is kept, has it in its default roles; remove `{r}` from its `defaultRoles`, or add `- name: {r}` back under the tenant's `roles:`",
                r = r.name
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.into_iter().collect::<Vec<_>>().join("\n"))
    }
}
