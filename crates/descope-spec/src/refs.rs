//! References the file cannot resolve by itself (a permission or a role that may exist only in
//! the live project), and their check against the live project before any request.

use crate::diagnostic::{Diagnostic, SpecErrors};
use crate::{Location, Spec};

/// What refers to a name the file does not define.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// An entry of a role's `permissions:`; `tenant` is the tenant of a tenant role.
    Permission {
        role: String,
        tenant: Option<String>,
    },
    /// An entry of a tenant's `defaultRoles:`: a project role, or one of the tenant's roles.
    DefaultRole { tenant: String },
}

/// A name the file refers to but does not define, where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnresolvedRef {
    pub name: String,
    pub from: Reference,
    pub location: Location,
}

impl Spec {
    /// Checks [`Spec::unresolved`] against the live project: `permission_exists(name)` and
    /// `role_exists(tenant, name)` (`tenant` `None` for a project role) answer from the live
    /// state. A default role may be a project role or a role of its tenant. Every name that is
    /// neither in the file nor live is an error at its file:line:col, all in one pass.
    pub fn check_live_references(
        &self,
        permission_exists: &dyn Fn(&str) -> bool,
        role_exists: &dyn Fn(Option<&str>, &str) -> bool,
    ) -> Result<(), SpecErrors> {
        let mut diags = Vec::new();
        for r in &self.unresolved {
            let (found, tenant, message, help) = match &r.from {
                Reference::Permission { role, tenant } => (
                    permission_exists(&r.name),
                    tenant.clone(),
                    match tenant {
                        Some(t) => format!(
                            "role `{role}` of tenant `{t}` has permission `{}`, which is neither in the file nor in the project",
                            r.name
                        ),
                        None => format!(
                            "role `{role}` has permission `{}`, which is neither in the file nor in the project",
                            r.name
                        ),
                    },
                    format!(
                        "add `- name: {}` under `permissions:`, or remove it from the role",
                        r.name
                    ),
                ),
                Reference::DefaultRole { tenant } => (
                    role_exists(None, &r.name) || role_exists(Some(tenant), &r.name),
                    Some(tenant.clone()),
                    format!(
                        "default role `{}` of tenant `{tenant}` is neither a project role nor a role of the tenant, in the file or in the project",
                        r.name
                    ),
                    format!(
                        "add `- name: {}` under the top-level `roles:` or the tenant's `roles:`, or remove it from `defaultRoles`",
                        r.name
                    ),
                ),
            };
            if !found {
                diags.push(Diagnostic {
                    file: self.path.clone(),
                    line: r.location.line,
                    column: r.location.column,
                    tenant,
                    message,
                    help: Some(help),
                });
            }
        }
        if diags.is_empty() {
            Ok(())
        } else {
            Err(SpecErrors(diags))
        }
    }

    /// A diagnostic at `at` in this file, for problems the planner finds against the live
    /// project (a `renamedFrom` that names no live entry, the console rule with the live
    /// refresh token), so they read like the file's own errors.
    #[must_use]
    pub fn diagnostic_at(
        &self,
        at: Location,
        tenant: Option<&str>,
        message: String,
        help: String,
    ) -> Diagnostic {
        Diagnostic {
            file: self.path.clone(),
            line: at.line,
            column: at.column,
            tenant: tenant.map(str::to_owned),
            message,
            help: Some(help),
        }
    }
}
