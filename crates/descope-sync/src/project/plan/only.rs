//! What a project plan covers: its scope (`sync` or `tenant sync`), the `--only` patterns by kind
//! (`tenant:GLOB`, `role:GLOB`, `permission:GLOB`, a bare GLOB for a tenant id), what it reads,
//! and the order it lists its resources in.

use crate::change::ResourceKind;
use crate::plan::PlanError;
use crate::project::resource::ResourceChange;

/// Which sections a plan covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `sync`: the whole file.
    Project,
    /// `tenant sync`: tenants, their settings and their roles; top-level `permissions:` and
    /// `roles:` are not planned.
    Tenants,
}

/// What the planner needs read from the live project, beyond the tenants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reads {
    /// Every permission (`GET /v1/mgmt/permission/all`).
    pub permissions: bool,
    /// Every role (`GET /v1/mgmt/role/all`).
    pub roles: bool,
    /// The tenants whose settings to read (entries with `settings:`, in scope), one GET each;
    /// a tenant that does not exist live is skipped by the reader.
    pub settings_of: Vec<String>,
}

/// Why `--only` patterns cannot be used.
#[derive(Debug)]
pub(crate) enum BadOnly {
    /// Not a glob.
    Pattern(PlanError),
    /// Another refusal, with what to do.
    Refused(String),
}

/// The `--only` patterns by kind. With no pattern at all every kind is in scope; otherwise a
/// kind is in scope only for the names its own patterns match.
#[derive(Debug, Default)]
pub(crate) struct Only {
    all: bool,
    tenant_text: Vec<String>,
    tenant: Vec<glob::Pattern>,
    role: Vec<glob::Pattern>,
    permission: Vec<glob::Pattern>,
}

impl Only {
    /// Reads `KIND:GLOB` and bare `GLOB` (a tenant id) patterns.
    pub(crate) fn parse(only: &[String], scope: Scope) -> Result<Only, BadOnly> {
        let mut out = Only {
            all: only.is_empty(),
            ..Only::default()
        };
        for text in only {
            let (kind, glob) = match text.split_once(':') {
                Some((kind, glob)) => (kind, glob),
                None => ("tenant", text.as_str()),
            };
            if glob.is_empty() {
                return Err(BadOnly::Refused(format!(
                    "--only `{text}` has no pattern after `{kind}:`; write `{kind}:GLOB`, e.g. `{kind}:*`"
                )));
            }
            let pattern = glob::Pattern::new(glob).map_err(|e| {
                BadOnly::Pattern(PlanError::BadPattern {
                    option: "--only",
                    pattern: text.clone(),
                    reason: e.msg.to_owned(),
                })
            })?;
            match kind {
                "tenant" => {
                    out.tenant_text.push(glob.to_owned());
                    out.tenant.push(pattern);
                }
                "role" | "permission" if scope == Scope::Tenants => {
                    return Err(BadOnly::Refused(format!(
                        "--only `{text}`: `tenant sync` plans tenants with their settings and roles only; use `descope-mgmt sync --only {text}`, or `--only tenant:GLOB` here"
                    )));
                }
                "role" => out.role.push(pattern),
                "permission" => out.permission.push(pattern),
                other => {
                    return Err(BadOnly::Refused(format!(
                        "--only `{text}`: `{other}` is not a kind of resource; write `tenant:GLOB`, `role:GLOB` or `permission:GLOB` (a bare GLOB matches tenant ids)"
                    )));
                }
            }
        }
        Ok(out)
    }

    pub(crate) fn tenants(&self) -> bool {
        self.all || !self.tenant.is_empty()
    }

    pub(crate) fn tenant(&self, id: &str) -> bool {
        self.all || self.tenant.iter().any(|p| p.matches(id))
    }

    pub(crate) fn roles(&self) -> bool {
        self.all || !self.role.is_empty()
    }

    pub(crate) fn role(&self, name: &str) -> bool {
        self.all || self.role.iter().any(|p| p.matches(name))
    }

    pub(crate) fn permissions(&self) -> bool {
        self.all || !self.permission.is_empty()
    }

    pub(crate) fn permission(&self, name: &str) -> bool {
        self.all || self.permission.iter().any(|p| p.matches(name))
    }
}

impl Only {
    /// The tenant patterns alone, as the tenant planner takes them (`tenant:` dropped).
    pub(crate) fn tenant_patterns(&self) -> &[String] {
        &self.tenant_text
    }
}

/// Write order: permissions, project roles, settings, tenant roles; by tenant, then name.
pub(crate) fn sort(resources: &mut [ResourceChange]) {
    let rank = |k: ResourceKind| match k {
        ResourceKind::Permission => 0,
        ResourceKind::Role => 1,
        ResourceKind::Settings => 2,
        _ => 3,
    };
    resources.sort_by(|a, b| {
        (rank(a.kind), &a.tenant, &a.name).cmp(&(rank(b.kind), &b.tenant, &b.name))
    });
}
