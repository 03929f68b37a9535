//! The kinds of object descope-mgmt writes, backs up and audits: tenant, flow, theme, role,
//! permission, a tenant's session settings and the project snapshot; and how a role is named as
//! a target.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a backup or audit record is about. Serialised lowercase (`"tenant"`), which is also the
/// key of the object in a backup file.
///
/// Target ids: a tenant's id, a flow's id, `theme` for the project theme, a permission's name,
/// a role's name (`TENANT/NAME` for a role scoped to a tenant, see [`TargetType::role_id`]), and
/// the tenant's id for its settings, `project` for the project snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetType {
    Tenant,
    Flow,
    Theme,
    /// A project role or a role scoped to a tenant.
    Role,
    Permission,
    /// A tenant's session settings (the map the service returns).
    Settings,
    /// The project snapshot: `{"files": {path: content}}` as the export returned it.
    Snapshot,
}

impl TargetType {
    /// Every target type.
    pub const ALL: [TargetType; 7] = [
        TargetType::Tenant,
        TargetType::Flow,
        TargetType::Theme,
        TargetType::Role,
        TargetType::Permission,
        TargetType::Settings,
        TargetType::Snapshot,
    ];

    /// The types a backup that records no type may be (the seed's format knew only these), in
    /// the order used when the type has to be inferred. A backup of a newer kind always records
    /// its type; inferring it would be ambiguous (a tenant backup also holds `settings`).
    pub const INFERABLE: [TargetType; 3] =
        [TargetType::Tenant, TargetType::Flow, TargetType::Theme];

    /// The lowercase name: `tenant`, `flow`, `theme`, `role`, `permission`, `settings` or
    /// `snapshot`.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetType::Tenant => "tenant",
            TargetType::Flow => "flow",
            TargetType::Theme => "theme",
            TargetType::Role => "role",
            TargetType::Permission => "permission",
            TargetType::Settings => "settings",
            TargetType::Snapshot => "snapshot",
        }
    }

    /// The key under which a backup file stores the object (same as [`TargetType::as_str`]).
    pub fn object_key(self) -> &'static str {
        self.as_str()
    }

    /// The target id of a role: its name for a project role, `TENANT/NAME` for a role scoped to
    /// a tenant (tenant ids hold no `/`, so the first `/` ends the tenant; see
    /// [`TargetType::split_role_id`]).
    pub fn role_id(tenant: Option<&str>, name: &str) -> String {
        match tenant {
            Some(t) if !t.is_empty() => format!("{t}/{name}"),
            _ => name.to_owned(),
        }
    }

    /// The (tenant, name) a role target id may stand for: `TENANT/NAME` splits at its first `/`
    /// (a project role's name may hold a `/` too, so callers also try the whole id as a project
    /// role's name).
    pub fn split_role_id(id: &str) -> Option<(&str, &str)> {
        id.split_once('/')
            .filter(|(t, n)| !t.is_empty() && !n.is_empty())
    }
}

impl fmt::Display for TargetType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not one of the target types.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown target type {0:?}: expected tenant, flow, theme, role, permission, settings or snapshot"
)]
pub struct ParseTargetTypeError(pub String);

impl FromStr for TargetType {
    type Err = ParseTargetTypeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TargetType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| ParseTargetTypeError(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_str_and_serde() {
        for t in TargetType::ALL {
            assert_eq!(t.as_str().parse::<TargetType>().unwrap(), t);
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
            assert_eq!(serde_json::from_str::<TargetType>(&json).unwrap(), t);
        }
        assert!("Tenant".parse::<TargetType>().is_err());
        assert!("roles".parse::<TargetType>().is_err());
    }

    #[test]
    fn role_ids_name_the_scope() {
        assert_eq!(TargetType::role_id(None, "viewer"), "viewer");
        assert_eq!(TargetType::role_id(Some(""), "viewer"), "viewer");
        assert_eq!(TargetType::role_id(Some("acme"), "a/b: c"), "acme/a/b: c");
        assert_eq!(
            TargetType::split_role_id("acme/a/b: c"),
            Some(("acme", "a/b: c"))
        );
        assert_eq!(TargetType::split_role_id("viewer"), None);
        assert_eq!(TargetType::split_role_id("/x"), None);
    }
}
