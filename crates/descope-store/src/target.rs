//! The kinds of object descope-mgmt writes, backs up and audits: tenant, flow, theme.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a backup or audit record is about. Serialised lowercase (`"tenant"`), which is also the
/// key of the object in a backup file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetType {
    Tenant,
    Flow,
    Theme,
    Role,
    Permission,
    Settings,
}

impl TargetType {
    /// Every target type, in the order used when a backup's type has to be inferred.
    pub const ALL: [TargetType; 6] = [
        TargetType::Tenant,
        TargetType::Flow,
        TargetType::Theme,
        TargetType::Role,
        TargetType::Permission,
        TargetType::Settings,
    ];

    /// The lowercase name: `tenant`, `flow` or `theme`.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetType::Tenant => "tenant",
            TargetType::Flow => "flow",
            TargetType::Theme => "theme",
            TargetType::Role => "role",
            TargetType::Permission => "permission",
            TargetType::Settings => "settings",
        }
    }

    /// The key under which a backup file stores the object (same as [`TargetType::as_str`]).
    pub fn object_key(self) -> &'static str {
        self.as_str()
    }
}

impl fmt::Display for TargetType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not `tenant`, `flow` or `theme`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown target type {0:?}: expected tenant, flow or theme")]
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
    }
}
