//! The project planner: the file's permissions, project roles, tenant settings and tenant roles
//! against the live project, beside the tenant plan of [`crate::plan`] (which it calls for the
//! tenants, unchanged). Pure: the same file, live state and options always give the same plan.
//!
//! The steps, each refusing before any request is sent:
//! 1. `--only KIND:GLOB` splits into the tenant patterns (given to the tenant planner) and the
//!    patterns of roles and permissions (module `only`); a kind without a pattern, while others
//!    have one, is out of scope. A tenant's settings and roles follow the tenant's scope.
//! 2. The tenants are planned with no delete limit; the limit is applied below to the deletes of
//!    every kind together.
//! 3. Every check against the live project is collected as a located diagnostic of the file: a
//!    reference to nothing, a `renamedFrom` that names nothing, a rename onto a taken name, a
//!    system permission in the file, the console's session rule with a live value.
//! 4. A delete that something kept still refers to is refused (module `refs`).

mod named;
mod only;
mod refs;
mod requests;
mod saved;
mod session;

use std::collections::{BTreeMap, HashMap, HashSet};

use descope_model::{Permission, Role, SessionSettings, Tenant};
use descope_spec::{Diagnostic, Reference, Spec, SpecErrors};

use crate::change::{Action, Plan, PlanOptions, ResourceKind};
use crate::plan::PlanError;
use crate::project::resource::{LiveResources, ProjectPlan, ResourceChange};

use only::Only;
pub use only::{Reads, Scope};
pub use saved::{SavedResource, resource_fingerprints};
pub(crate) use saved::{
    fingerprint_of_key, project_plan, rederive_resources, saved_reads, tenant_options,
};
pub use session::settings_with;

impl Reads {
    /// What a plan of `spec` in `scope` under `opts` reads: permissions when the file (in
    /// scope) manages them or refers to one it does not define; roles when it manages project or
    /// tenant roles, refers to a role it does not define, or may prune permissions (a kept role
    /// must not lose one). A tenants-only file reads nothing more than the tenants. Invalid
    /// `--only` patterns read nothing (the plan refuses them).
    #[must_use]
    pub fn of(spec: &Spec, scope: Scope, opts: &PlanOptions) -> Reads {
        match Only::parse(&opts.only, scope) {
            Ok(only) => reads(spec, scope, &only, opts),
            Err(_) => Reads::default(),
        }
    }
}

/// Why no project plan could be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProjectPlanError {
    /// The tenants' plan failed.
    #[error(transparent)]
    Tenants(#[from] PlanError),
    /// Errors located in the file (a reference to nothing, a `renamedFrom` that names nothing
    /// live, a settings rule broken against the live values), each at file:line:col.
    #[error("{0}")]
    File(SpecErrors),
    /// Any other refusal, with what to do.
    #[error("{0}")]
    Refused(String),
}

impl From<only::BadOnly> for ProjectPlanError {
    fn from(e: only::BadOnly) -> Self {
        match e {
            only::BadOnly::Pattern(e) => ProjectPlanError::Tenants(e),
            only::BadOnly::Refused(m) => ProjectPlanError::Refused(m),
        }
    }
}

/// What is planned, given the scope and `--only`.
struct Managed {
    permissions: bool,
    roles: bool,
}

fn managed(spec: &Spec, scope: Scope, only: &Only) -> Managed {
    let project = scope == Scope::Project;
    Managed {
        permissions: project && spec.permissions.is_some() && only.permissions(),
        roles: project && spec.roles.is_some() && only.roles(),
    }
}

/// The unresolved references whose source the plan covers: a project role's only when project
/// roles are planned and the role is in scope, a tenant's (its roles' and default roles') when
/// the tenant is. Default roles are checked only in a file with roles (top-level or a
/// tenant's): a tenants-only file plans, and reads, what it always did.
fn refs_in_scope<'a>(
    spec: &'a Spec,
    only: &'a Only,
    roles_managed: bool,
) -> impl Iterator<Item = &'a descope_spec::UnresolvedRef> + 'a {
    let has_roles = spec.roles.is_some() || spec.tenants.iter().any(|t| t.roles.is_some());
    spec.unresolved.iter().filter(move |r| match &r.from {
        Reference::Permission { role, tenant: None } => roles_managed && only.role(role),
        Reference::Permission {
            tenant: Some(t), ..
        } => only.tenant(t),
        Reference::DefaultRole { tenant } => has_roles && only.tenant(tenant),
    })
}

fn reads(spec: &Spec, scope: Scope, only: &Only, opts: &PlanOptions) -> Reads {
    let m = managed(spec, scope, only);
    let tenants: Vec<_> = spec.tenants.iter().filter(|t| only.tenant(&t.id)).collect();
    let tenant_roles = tenants.iter().any(|t| t.roles.is_some());
    let mut perm_refs = false;
    let mut role_refs = false;
    for r in refs_in_scope(spec, only, m.roles) {
        match r.from {
            Reference::Permission { .. } => perm_refs = true,
            Reference::DefaultRole { .. } => role_refs = true,
        }
    }
    Reads {
        permissions: m.permissions || perm_refs,
        roles: m.roles || tenant_roles || role_refs || (m.permissions && opts.prune),
        settings_of: tenants
            .iter()
            .filter(|t| t.settings.is_some())
            .map(|t| t.id.clone())
            .collect(),
    }
}

/// Plans `spec` against the live project (see the module docs for the steps).
///
/// # Errors
/// See [`ProjectPlanError`].
pub fn plan_project(
    spec: &Spec,
    scope: Scope,
    live_tenants: &[Tenant],
    live: &LiveResources,
    opts: &PlanOptions,
) -> Result<ProjectPlan, ProjectPlanError> {
    let only = Only::parse(&opts.only, scope).map_err(ProjectPlanError::from)?;
    let need = reads(spec, scope, &only, opts);
    let not_read = |what: &str| {
        ProjectPlanError::Refused(format!(
            "the plan needs {what}, which were not read; this is a bug in descope-mgmt, please report it"
        ))
    };
    let bug = |e: String| {
        ProjectPlanError::Refused(format!(
            "{e}; this is a bug in descope-mgmt, please report it"
        ))
    };
    let no_permissions: Vec<Permission> = Vec::new();
    let no_roles: Vec<Role> = Vec::new();
    let live_permissions = match (&live.permissions, need.permissions) {
        (Some(p), _) => p,
        (None, false) => &no_permissions,
        (None, true) => return Err(not_read("every permission of the project")),
    };
    let live_roles = match (&live.roles, need.roles) {
        (Some(r), _) => r,
        (None, false) => &no_roles,
        (None, true) => return Err(not_read("every role of the project")),
    };

    // The tenants, with every delete allowed here: the limit counts every kind below.
    let tenants = if only.tenants() {
        let tenant_opts = PlanOptions {
            prune: opts.prune,
            max_deletes: usize::MAX,
            only: only.tenant_patterns().to_vec(),
            protected: opts.protected.clone(),
        };
        crate::plan(&spec.tenants, live_tenants, &tenant_opts)?
    } else {
        Plan::default()
    };

    let m = managed(spec, scope, &only);
    let mut diags: Vec<Diagnostic> = Vec::new();
    let in_scope = Spec {
        path: spec.path.clone(),
        unresolved: refs_in_scope(spec, &only, m.roles).cloned().collect(),
        ..Spec::default()
    };
    let permission_names: HashSet<&str> =
        live_permissions.iter().map(|p| p.name.as_str()).collect();
    let role_names: HashSet<(Option<&str>, &str)> = live_roles
        .iter()
        .map(|r| (r.tenant(), r.name.as_str()))
        .collect();
    let permission_live = |name: &str| permission_names.contains(name);
    let role_live = |tenant: Option<&str>, name: &str| role_names.contains(&(tenant, name));
    if let Err(e) = in_scope.check_live_references(&permission_live, &role_live) {
        diags.extend(e.0);
    }

    let mut resources: Vec<ResourceChange> = Vec::new();
    let mut unmanaged: Vec<String> = Vec::new();
    let ctx = named::Context {
        spec,
        prune: opts.prune,
    };

    // Permissions, and the renames roles follow.
    let mut permission_renames: HashMap<String, String> = HashMap::new();
    if m.permissions
        && let Some(desired) = &spec.permissions
    {
        let out = named::permissions(
            &ctx,
            desired,
            live_permissions,
            &|n| only.permission(n),
            &mut diags,
        )
        .map_err(bug)?;
        for c in &out.changes {
            if let Some(old) = &c.renamed_from {
                permission_renames.insert(old.clone(), c.name.clone());
            }
        }
        resources.extend(out.changes);
        unmanaged.extend(out.system.into_iter().map(|n| format!("permission `{n}`")));
    }
    let renamed = |p: &str| permission_renames.get(p).cloned();

    // Project roles.
    let project_live: Vec<&Role> = live_roles.iter().filter(|r| r.tenant().is_none()).collect();
    if m.roles
        && let Some(desired) = &spec.roles
    {
        resources.extend(
            named::roles(
                &ctx,
                desired,
                &project_live,
                None,
                &|n| only.role(n),
                &renamed,
                &mut diags,
            )
            .map_err(bug)?,
        );
    }

    // Each tenant in scope: its settings, then its roles.
    let live_ids: HashSet<&str> = live_tenants.iter().map(|t| t.id.as_str()).collect();
    let mut tenant_live: BTreeMap<&str, Vec<&Role>> = BTreeMap::new();
    for r in live_roles {
        if let Some(t) = r.tenant() {
            tenant_live.entry(t).or_default().push(r);
        }
    }
    let mut settings_reads = 0;
    for t in spec.tenants.iter().filter(|t| only.tenant(&t.id)) {
        if let Some(desired) = &t.settings {
            let exists = live_ids.contains(t.id.as_str());
            let read: Option<&SessionSettings> = live.settings.get(&t.id);
            if read.is_some() {
                settings_reads += 1;
            } else if exists {
                return Err(not_read(&format!("the settings of tenant `{}`", t.id)));
            }
            if let Some(s) = read
                && let Some(d) = session::rule(spec, &t.id, desired, s)
            {
                diags.push(d);
            }
            resources
                .push(session::change(&t.id, desired, read, t.domains.as_deref()).map_err(bug)?);
        }
        if let Some(desired) = &t.roles {
            let live_of: &[&Role] = tenant_live.get(t.id.as_str()).map_or(&[], Vec::as_slice);
            resources.extend(
                named::roles(
                    &ctx,
                    desired,
                    live_of,
                    Some(&t.id),
                    &|_| true,
                    &renamed,
                    &mut diags,
                )
                .map_err(bug)?,
            );
        }
    }

    if !diags.is_empty() {
        diags.sort_by_key(|d| (d.line, d.column));
        return Err(ProjectPlanError::File(SpecErrors(diags)));
    }

    only::sort(&mut resources);
    refs::check_deletes(spec, &tenants, live_tenants, live_roles, &resources)
        .map_err(ProjectPlanError::Refused)?;
    check_delete_limit(&tenants, &resources, opts.max_deletes)?;
    unmanaged.sort();
    Ok(ProjectPlan {
        tenants,
        resources,
        unmanaged,
        settings_reads,
    })
}

/// `--max-deletes` over every kind. Deletes of tenants alone give the tenant planner's error.
fn check_delete_limit(
    tenants: &Plan,
    resources: &[ResourceChange],
    max: usize,
) -> Result<(), ProjectPlanError> {
    let tenant_deletes = tenants
        .changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .count();
    let count = |kinds: &[ResourceKind]| {
        resources
            .iter()
            .filter(|c| c.action == Action::Delete && kinds.contains(&c.kind))
            .count()
    };
    let roles = count(&[ResourceKind::Role, ResourceKind::TenantRole]);
    let permissions = count(&[ResourceKind::Permission]);
    let total = tenant_deletes + roles + permissions;
    if total <= max {
        return Ok(());
    }
    if roles + permissions == 0 {
        return Err(PlanError::TooManyDeletes { count: total, max }.into());
    }
    let parts: Vec<String> = [
        (tenant_deletes, "tenant"),
        (roles, "role"),
        (permissions, "permission"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}{}", if n == 1 { "" } else { "s" }))
    .collect();
    let listed = match parts.as_slice() {
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
        [] => String::new(),
    };
    Err(ProjectPlanError::Refused(format!(
        "the plan would delete {listed} ({total} in all), more than the limit of {max}; check the file and --only, then raise --max-deletes {total} to allow it"
    )))
}
