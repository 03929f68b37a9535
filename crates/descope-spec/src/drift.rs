//! The file's optional `drift:` section: how much each kind of difference between the live
//! project and the file matters to `descope-mgmt drift` (critical, warning, or ignored).

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How much a difference matters. `drift` exits 2 on any critical or warning difference; an
/// ignored one is counted but not shown.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// SSO enforcement, domains, disabled, roles and permissions, settings, missing objects.
    Critical,
    /// Names, descriptions and custom attributes.
    Warning,
    /// Not reported.
    Ignore,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Critical => "critical",
            Self::Warning => "warning",
            Self::Ignore => "ignore",
        })
    }
}

/// Every key of `drift.severity`, with its default severity. A setting's key (e.g.
/// `sessionTokenExpiration`) counts as `settings`.
pub const DRIFT_KEYS: &[(&str, Severity)] = &[
    ("enforceSSO", Severity::Critical),
    ("domains", Severity::Critical),
    ("disabled", Severity::Critical),
    ("defaultRoles", Severity::Critical),
    ("permissions", Severity::Critical),
    ("default", Severity::Critical),
    ("settings", Severity::Critical),
    ("missing", Severity::Critical),
    ("name", Severity::Warning),
    ("description", Severity::Warning),
    ("customAttributes", Severity::Warning),
    ("private", Severity::Warning),
    ("unlisted", Severity::Warning),
];

/// The severities of the file's `drift:` section over the defaults of [`DRIFT_KEYS`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DriftPolicy {
    /// The keys the file sets, by key.
    pub overrides: BTreeMap<String, Severity>,
}

impl DriftPolicy {
    /// The severity of a difference in `key` (a key of [`DRIFT_KEYS`]; any other key is a
    /// setting's, and counts as `settings`).
    #[must_use]
    pub fn severity(&self, key: &str) -> Severity {
        let key = if DRIFT_KEYS.iter().any(|(k, _)| *k == key) {
            key
        } else {
            "settings"
        };
        if let Some(s) = self.overrides.get(key) {
            return *s;
        }
        DRIFT_KEYS
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(Severity::Critical, |(_, s)| *s)
    }
}

/// The `drift:` section as written.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDrift {
    /// The severity of each kind of difference `descope-mgmt drift` reports, over its defaults.
    #[serde(default)]
    pub severity: Option<RawSeverities>,
}

/// One severity per kind of difference: `critical`, `warning` or `ignore`. Left out: the
/// default (given with each key).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSeverities {
    /// A tenant's `enforceSSO` [default: critical].
    #[serde(rename = "enforceSSO", default)]
    pub enforce_sso: Option<Severity>,
    /// A tenant's `domains` [default: critical].
    #[serde(default)]
    pub domains: Option<Severity>,
    /// A tenant's `disabled` [default: critical].
    #[serde(default)]
    pub disabled: Option<Severity>,
    /// A tenant's `defaultRoles` [default: critical].
    #[serde(rename = "defaultRoles", default)]
    pub default_roles: Option<Severity>,
    /// A role's `permissions` [default: critical].
    #[serde(default)]
    pub permissions: Option<Severity>,
    /// A role's `default` [default: critical].
    #[serde(default)]
    pub default: Option<Severity>,
    /// Any key of a tenant's `settings:` [default: critical].
    #[serde(default)]
    pub settings: Option<Severity>,
    /// An object of the file that does not exist live [default: critical].
    #[serde(default)]
    pub missing: Option<Severity>,
    /// A tenant's, role's or permission's `name` (a rename) [default: warning].
    #[serde(default)]
    pub name: Option<Severity>,
    /// A role's or permission's `description` [default: warning].
    #[serde(default)]
    pub description: Option<Severity>,
    /// A tenant's `customAttributes` [default: warning].
    #[serde(rename = "customAttributes", default)]
    pub custom_attributes: Option<Severity>,
    /// A role's `private` [default: warning].
    #[serde(default)]
    pub private: Option<Severity>,
    /// A live object the file does not list, with `drift --prune` [default: warning].
    #[serde(default)]
    pub unlisted: Option<Severity>,
}

impl RawDrift {
    /// The policy this section sets.
    pub(crate) fn policy(&self) -> DriftPolicy {
        let mut overrides = BTreeMap::new();
        if let Some(s) = &self.severity {
            let set = [
                ("enforceSSO", s.enforce_sso),
                ("domains", s.domains),
                ("disabled", s.disabled),
                ("defaultRoles", s.default_roles),
                ("permissions", s.permissions),
                ("default", s.default),
                ("settings", s.settings),
                ("missing", s.missing),
                ("name", s.name),
                ("description", s.description),
                ("customAttributes", s.custom_attributes),
                ("private", s.private),
                ("unlisted", s.unlisted),
            ];
            for (key, value) in set {
                if let Some(v) = value {
                    overrides.insert(key.to_owned(), v);
                }
            }
        }
        DriftPolicy { overrides }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        let p = DriftPolicy::default();
        assert_eq!(p.severity("domains"), Severity::Critical);
        assert_eq!(p.severity("name"), Severity::Warning);
        assert_eq!(p.severity("sessionTokenExpiration"), Severity::Critical);
        let raw = RawDrift {
            severity: Some(RawSeverities {
                name: Some(Severity::Ignore),
                settings: Some(Severity::Warning),
                ..RawSeverities::default()
            }),
        };
        let p = raw.policy();
        assert_eq!(p.severity("name"), Severity::Ignore);
        assert_eq!(p.severity("inactivityTimeout"), Severity::Warning);
        assert_eq!(p.severity("domains"), Severity::Critical);
    }
}
