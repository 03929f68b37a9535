//! The live project in the project file's terms, for `export`: permissions, roles and session
//! settings as a file would say them ([`desired_permission`], [`desired_role`],
//! [`desired_settings`]), and the whole project assembled from what was read
//! ([`project_from_live`]), limited by `--only KIND:GLOB` patterns ([`ExportFilter`]).
//!
//! Whatever a file cannot say exactly is left out of the export — unmanaged, so a sync keeps the
//! live value — with a warning naming where and why, as `tenant export` does for custom
//! attributes. So every export is a valid file, and a sync of it plans nothing.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use descope_model::{Expiration, Permission, Role, SessionSettings, Tenant, Unit};

use crate::export::{DesiredProject, desired_from_live};
use crate::settings::{Duration, check_session_rule};
use crate::{
    DesiredPermission, DesiredRole, DesiredSettings, DesiredTenant, DisabledFeatures, Inactivity,
    SsoSetupSuite,
};

/// The kinds of a project file that `--only KIND:GLOB` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExportKind {
    /// A tenant's own fields, by id.
    Tenant,
    /// A permission, by name.
    Permission,
    /// A project role, by name.
    Role,
    /// A tenant's role, by `TENANT/NAME`.
    TenantRole,
    /// A tenant's session settings, by tenant id.
    Settings,
}

impl ExportKind {
    /// Every kind, in the order of the file.
    pub const ALL: [ExportKind; 5] = [
        Self::Permission,
        Self::Role,
        Self::Tenant,
        Self::Settings,
        Self::TenantRole,
    ];

    /// The name `--only` uses.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tenant => "tenant",
            Self::Permission => "permission",
            Self::Role => "role",
            Self::TenantRole => "tenant-role",
            Self::Settings => "settings",
        }
    }

    /// The kind named `name` (also `tenantRole`, the plan's spelling), if any.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        if name == "tenantRole" {
            return Some(Self::TenantRole);
        }
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for ExportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `--only KIND:GLOB` patterns: which objects an export writes. No patterns: everything. With
/// patterns, a kind that none names is left out of the file (unmanaged), and a tenant whose own
/// fields are not selected but whose settings or roles are is written with its id and name only.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    patterns: Vec<(ExportKind, glob::Pattern)>,
}

impl ExportFilter {
    /// Reads `KIND:GLOB` patterns (`role:admin-*`, `tenant-role:acme/*`, `settings:acme`).
    ///
    /// # Errors
    /// The first pattern that is not `KIND:GLOB` with a known kind and a valid glob, with what to
    /// write instead.
    pub fn parse(patterns: &[String]) -> Result<Self, String> {
        let kinds = ExportKind::ALL.map(ExportKind::as_str).join(", ");
        let patterns = patterns
            .iter()
            .map(|p| {
                let Some((kind, glob)) = p.split_once(':') else {
                    return Err(format!(
                        "--only `{p}` has no kind: write KIND:GLOB, e.g. `role:admin-*` (kinds: {kinds})"
                    ));
                };
                let kind = ExportKind::parse(kind).ok_or_else(|| {
                    format!("--only `{p}`: `{kind}` is not a kind; use one of {kinds}")
                })?;
                let glob = glob::Pattern::new(glob)
                    .map_err(|e| format!("--only `{p}` is not a valid glob: {e}"))?;
                Ok((kind, glob))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Self { patterns })
    }

    /// Whether any object of `kind` may be exported (so its section is managed).
    #[must_use]
    pub fn covers(&self, kind: ExportKind) -> bool {
        self.patterns.is_empty() || self.patterns.iter().any(|(k, _)| *k == kind)
    }

    /// Whether the object of `kind` named `key` is exported.
    #[must_use]
    pub fn matches(&self, kind: ExportKind, key: &str) -> bool {
        self.patterns.is_empty()
            || self
                .patterns
                .iter()
                .any(|(k, g)| *k == kind && g.matches(key))
    }

    /// Whether these patterns name any kind with a settings read behind it.
    #[must_use]
    pub fn needs_settings(&self) -> bool {
        self.covers(ExportKind::Settings)
    }
}

/// The permission as a file keeps it; `None` for a system permission (`systemDefault: true`),
/// which belongs to the service and is never exported.
#[must_use]
pub fn desired_permission(p: &Permission) -> Option<DesiredPermission> {
    (!p.is_system()).then(|| DesiredPermission {
        name: p.name.clone(),
        description: Some(p.description.clone()),
        ..DesiredPermission::default()
    })
}

/// The role as a file keeps it: every field managed, its permissions each once (the service's
/// list is a set; a file may not list one twice). A role whose permissions include an empty name,
/// which a file cannot list, has them left out (unmanaged), with a warning in `warnings`.
#[must_use]
pub fn desired_role(r: &Role, warnings: &mut Vec<String>) -> DesiredRole {
    let permissions = if r.permission_names.iter().any(|p| p.trim().is_empty()) {
        warnings.push(format!(
            "{}: permissions left out of the export (unmanaged: a sync keeps the live list): it holds a permission with an empty name, which a project file cannot list",
            role_label(r)
        ));
        None
    } else {
        let mut seen = HashSet::new();
        Some(
            r.permission_names
                .iter()
                .filter(|p| seen.insert(p.as_str()))
                .cloned()
                .collect(),
        )
    };
    DesiredRole {
        name: r.name.clone(),
        description: Some(r.description.clone()),
        permissions,
        default: Some(r.default),
        private: Some(r.private),
        ..DesiredRole::default()
    }
}

/// `role `x`` or `role `x` of tenant `t``, as warnings name it.
fn role_label(r: &Role) -> String {
    match r.tenant() {
        Some(t) => format!("role `{}` of tenant `{t}`", r.name),
        None => format!("role `{}`", r.name),
    }
}

/// A live duration (the service's value and unit) in the file's terms, in canonical form, or why
/// a file cannot hold it: seconds that are not whole minutes, zero, or too long. A planner can
/// compare a file's duration with a live one through it (300 seconds is `5m`).
///
/// # Errors
/// The reason, in the user's words (`the service holds 90 seconds, …`).
pub fn live_duration(e: Expiration) -> Result<Duration, String> {
    let minutes = match e.unit {
        Unit::Seconds if !e.value.is_multiple_of(60) => {
            return Err(format!(
                "the service holds {e}, not a whole number of minutes (the file's smallest unit)"
            ));
        }
        Unit::Seconds => u64::from(e.value / 60),
        _ => e.as_seconds() / 60,
    };
    Duration::from_minutes(minutes).ok_or_else(|| {
        if minutes == 0 {
            format!("the service holds {e}; a file's durations are at least `1m`")
        } else {
            format!("the service holds {e}, longer than a file can say")
        }
    })
}

/// The wire keys of each duration, to tell "not set" from "set to something unreadable".
const DURATION_KEYS: [(&str, &str); 4] = [
    ("sessionTokenExpiration", "sessionTokenExpirationUnit"),
    ("refreshTokenExpiration", "refreshTokenExpirationUnit"),
    ("stepupTokenExpiration", "stepupTokenExpirationUnit"),
    ("inactivityTimeout", "inactivityTimeUnit"),
];

/// A tenant's session settings as a file keeps them, every field the file has managed. A
/// duration the file cannot say (seconds that are not whole minutes, a unit or value the client
/// cannot read, or a session token that breaks the console's rule) is left out, unmanaged, with a
/// warning naming the tenant and the field in `warnings`. `inactivityTimeout` is `off` when
/// inactivity is disabled. Custom settings that are disabled (`enabled: false`) are exported as
/// they are, with the rest of their fields, so a sync changes nothing.
#[must_use]
pub fn desired_settings(
    tenant: &str,
    s: &SessionSettings,
    warnings: &mut Vec<String>,
) -> DesiredSettings {
    let mut left_out = |key: &str, why: &str| {
        warnings.push(format!(
            "tenant `{tenant}`: settings.{key} left out of the export (unmanaged: a sync keeps the live value): {why}"
        ));
    };
    let mut duration = |i: usize, live: Option<Expiration>| -> Option<Duration> {
        let (key, unit_key) = DURATION_KEYS[i];
        match live.map(live_duration) {
            Some(Ok(d)) => Some(d),
            Some(Err(why)) => {
                left_out(key, &why);
                None
            }
            None => {
                let wire_key = if i == 3 { "inactivityTime" } else { key };
                let set = [wire_key, unit_key]
                    .iter()
                    .any(|k| s.extra.get(*k).is_some_and(|v| !v.is_null()));
                if set && (i != 3 || s.enable_inactivity) {
                    left_out(
                        key,
                        &format!(
                            "the service holds {} {}, which is not a whole number in minutes, hours, days or weeks",
                            shown(s.extra.get(wire_key), "no value"),
                            shown(s.extra.get(unit_key), "no unit"),
                        ),
                    );
                } else if i == 3 && s.enable_inactivity {
                    left_out(key, "inactivity is on but the service holds no time for it");
                }
                None
            }
        }
    };
    let mut session = duration(0, s.session_token);
    let refresh = duration(1, s.refresh_token);
    let stepup = duration(2, s.stepup_token);
    let inactivity = if s.enable_inactivity {
        duration(3, s.inactivity).map(Inactivity::After)
    } else {
        Some(Inactivity::Off)
    };
    if let Some(d) = session
        && let Err(p) = check_session_rule(d, refresh)
    {
        left_out(
            "sessionTokenExpiration",
            &format!("{}, which a file may not say", p.message),
        );
        session = None;
    }
    DesiredSettings {
        enabled: s.enabled,
        session_token_expiration: session,
        refresh_token_expiration: refresh,
        stepup_token_expiration: stepup,
        inactivity_timeout: inactivity,
        jit_disabled: Some(s.jit_disabled),
        sso_setup_suite: s.sso_setup_suite.as_ref().map(|suite| SsoSetupSuite {
            enabled: Some(suite.enabled),
            style_id: suite.style_id.clone(),
            disabled_features: suite.disabled_features.as_ref().map(|f| DisabledFeatures {
                saml: Some(f.saml),
                oidc: Some(f.oidc),
                scim: Some(f.scim),
                sso_domains: Some(f.sso_domains),
                group_mapping: Some(f.group_mapping),
            }),
        }),
        ..DesiredSettings::default()
    }
}

/// A wire value as the user reads it: text without quotes, anything else as JSON.
fn shown(v: Option<&serde_json::Value>, missing: &str) -> String {
    match v {
        None | Some(serde_json::Value::Null) => missing.to_owned(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// What `export` read of the live project. `None`: that kind was not read (its section is left
/// out of the file, unmanaged).
#[derive(Debug, Clone, Default)]
pub struct LiveProject {
    /// Every live tenant.
    pub tenants: Vec<Tenant>,
    /// Every permission, system ones included.
    pub permissions: Option<Vec<Permission>>,
    /// Every role: project roles and every tenant's roles.
    pub roles: Option<Vec<Role>>,
    /// The session settings of each tenant read, by id (a tenant gone since the list has none).
    pub settings: Option<BTreeMap<String, SessionSettings>>,
}

/// An export: the project as a file, and what was left out of it, for the user.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectExport {
    pub project: DesiredProject,
    /// One line per field or object the file does not manage though it was read.
    pub warnings: Vec<String>,
}

impl ProjectExport {
    /// How many of each kind the file holds: permissions, project roles, tenants, tenants with
    /// settings, tenant roles.
    #[must_use]
    pub fn counts(&self) -> [(ExportKind, usize); 5] {
        let p = &self.project;
        [
            (
                ExportKind::Permission,
                p.permissions.as_ref().map_or(0, Vec::len),
            ),
            (ExportKind::Role, p.roles.as_ref().map_or(0, Vec::len)),
            (ExportKind::Tenant, p.tenants.len()),
            (
                ExportKind::Settings,
                p.tenants.iter().filter(|t| t.settings.is_some()).count(),
            ),
            (
                ExportKind::TenantRole,
                p.tenants
                    .iter()
                    .map(|t| t.roles.as_ref().map_or(0, Vec::len))
                    .sum(),
            ),
        ]
    }
}

/// Keeps the first of each name, leaving out (with a warning) names a file cannot hold: empty or
/// blank ones, and a second object of the same name in one scope.
fn usable<'a, T>(
    items: impl Iterator<Item = &'a T>,
    name: impl Fn(&T) -> &str,
    what: &str,
    warnings: &mut Vec<String>,
) -> Vec<&'a T>
where
    T: 'a,
{
    let mut seen = HashSet::new();
    items
        .filter(|x| {
            let n = name(x);
            if n.trim().is_empty() {
                warnings.push(format!(
                    "a {what} with the empty name {n:?} left out of the export: a project file cannot name it"
                ));
                false
            } else if !seen.insert(n.to_owned()) {
                warnings.push(format!(
                    "a second {what} `{n}` left out of the export: names are unique in a project file"
                ));
                false
            } else {
                true
            }
        })
        .collect()
}

/// The whole project as a file: permissions (system ones left out), project roles, and every
/// tenant with its settings and roles, as far as `filter` selects them and they were read.
#[must_use]
pub fn project_from_live(live: &LiveProject, filter: &ExportFilter) -> ProjectExport {
    let mut warnings = Vec::new();
    let permissions = live
        .permissions
        .as_ref()
        .filter(|_| filter.covers(ExportKind::Permission))
        .map(|all| {
            let picked = all
                .iter()
                .filter(|p| !p.is_system() && filter.matches(ExportKind::Permission, &p.name));
            usable(picked, |p| &p.name, "permission", &mut warnings)
                .into_iter()
                .filter_map(desired_permission)
                .collect()
        });
    let roles = live.roles.as_deref().unwrap_or_default();
    let project_roles = live
        .roles
        .as_ref()
        .filter(|_| filter.covers(ExportKind::Role))
        .map(|_| {
            let picked = roles
                .iter()
                .filter(|r| r.tenant().is_none() && filter.matches(ExportKind::Role, &r.name));
            usable(picked, |r| &r.name, "project role", &mut warnings)
                .into_iter()
                .map(|r| desired_role(r, &mut warnings))
                .collect()
        });
    let mut by_tenant: BTreeMap<&str, Vec<&Role>> = BTreeMap::new();
    for r in roles {
        if let Some(t) = r.tenant() {
            by_tenant.entry(t).or_default().push(r);
        }
    }
    let mut tenants = Vec::new();
    for t in &live.tenants {
        let own = filter.matches(ExportKind::Tenant, &t.id);
        let settings = live
            .settings
            .as_ref()
            .filter(|_| filter.matches(ExportKind::Settings, &t.id))
            .and_then(|all| all.get(&t.id))
            .map(|s| desired_settings(&t.id, s, &mut warnings));
        let tenant_roles = live
            .roles
            .as_ref()
            .filter(|_| filter.covers(ExportKind::TenantRole))
            .and_then(|_| {
                let mine = by_tenant.get(t.id.as_str()).map_or(&[][..], Vec::as_slice);
                let picked: Vec<&Role> = mine
                    .iter()
                    .copied()
                    .filter(|r| {
                        filter.matches(ExportKind::TenantRole, &format!("{}/{}", t.id, r.name))
                    })
                    .collect();
                // With patterns, a tenant none of whose roles match keeps its roles unmanaged.
                let what = format!("role of tenant `{}`", t.id);
                (filter.patterns.is_empty() || !picked.is_empty()).then(|| {
                    usable(picked.into_iter(), |r| &r.name, &what, &mut warnings)
                        .into_iter()
                        .map(|r| desired_role(r, &mut warnings))
                        .collect::<Vec<_>>()
                })
            });
        if !own && settings.is_none() && tenant_roles.is_none() {
            continue;
        }
        let mut desired = if own {
            if let Some((key, what)) = crate::unexpressed_attribute(&t.custom_attributes) {
                warnings.push(format!(
                    "tenant `{}`: customAttributes left out of the export (unmanaged: a sync keeps the live values): attribute `{key}` holds {what}, which a project file cannot express",
                    t.id
                ));
            }
            desired_from_live(t)
        } else {
            DesiredTenant {
                id: t.id.clone(),
                name: t.name.clone(),
                ..DesiredTenant::default()
            }
        };
        desired.settings = settings;
        desired.roles = tenant_roles;
        tenants.push(desired);
    }
    let ids: HashSet<&str> = live.tenants.iter().map(|t| t.id.as_str()).collect();
    for (t, list) in &by_tenant {
        if !ids.contains(t) && filter.covers(ExportKind::TenantRole) {
            warnings.push(format!(
                "{} role(s) of tenant `{t}` left out of the export: the tenant is not in the project's tenant list",
                list.len()
            ));
        }
    }
    ProjectExport {
        project: DesiredProject {
            permissions,
            roles: project_roles,
            tenants,
        },
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_patterns() {
        let f = ExportFilter::parse(&["role:admin-*".into(), "tenantRole:acme/*".into()]).unwrap();
        assert!(f.covers(ExportKind::Role) && f.covers(ExportKind::TenantRole));
        assert!(!f.covers(ExportKind::Permission) && !f.needs_settings());
        assert!(f.matches(ExportKind::Role, "admin-x") && !f.matches(ExportKind::Role, "x"));
        assert!(f.matches(ExportKind::TenantRole, "acme/x"));
        assert!(ExportFilter::default().matches(ExportKind::Tenant, "any"));
        for (bad, needle) in [
            ("admin", "no kind"),
            ("roles:x", "not a kind"),
            ("role:[", "not a valid glob"),
        ] {
            let e = ExportFilter::parse(&[bad.into()]).unwrap_err();
            assert!(e.contains(needle), "{bad}: {e}");
        }
    }

    #[test]
    fn durations_in_seconds_are_whole_minutes_or_left_out() {
        assert_eq!(
            live_duration(Expiration::new(300, Unit::Seconds)).map(|d| d.to_string()),
            Ok("5m".into())
        );
        assert_eq!(
            live_duration(Expiration::new(7200, Unit::Seconds)).map(|d| d.to_string()),
            Ok("2h".into())
        );
        assert!(
            live_duration(Expiration::new(90, Unit::Seconds))
                .unwrap_err()
                .contains("90 seconds")
        );
        assert!(live_duration(Expiration::new(0, Unit::Minutes)).is_err());
        assert_eq!(
            live_duration(Expiration::new(120, Unit::Minutes)).map(|d| d.to_string()),
            Ok("2h".into())
        );
    }
}
