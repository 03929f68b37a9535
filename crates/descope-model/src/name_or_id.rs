//! [`NameOrId`]: how a write names the role or permission it acts on (reference §4.1, §10.3),
//! plus the serde rules for the optional ids and tenant ids of roles and permissions.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The role or permission a write acts on: by name (what users and files use) or by the id the
/// service generated (`ROL…`, `PERM…`). On the wire it is the body key `name` or `id`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NameOrId {
    /// Sent as `"name": …`.
    #[serde(rename = "name")]
    Name(String),
    /// Sent as `"id": …`.
    #[serde(rename = "id")]
    Id(String),
}

impl NameOrId {
    /// The name or id itself.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Name(s) | Self::Id(s) => s,
        }
    }

    /// Whether the name or id is empty (such a write cannot name anything).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.as_str().is_empty()
    }
}

impl std::fmt::Display for NameOrId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Name(n) => write!(f, "{n:?}"),
            Self::Id(i) => write!(f, "id {i}"),
        }
    }
}

/// Decodes an absent, `null` or empty string as `None` (the service and the Go SDK send an empty
/// `tenantId` for a project role and may send `""` for an unset id).
pub fn empty_as_none<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(de)?.filter(|s| !s.is_empty()))
}

/// Encodes `None` as `""`: the Go SDK's form of "no tenant" (a project role) in request bodies.
pub fn none_as_empty<S: Serializer>(v: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(v.as_deref().unwrap_or_default())
}
