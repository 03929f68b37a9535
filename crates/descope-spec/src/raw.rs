//! The tenants.yaml file as serde reads it (with source spans), and as its JSON Schema describes it.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::Location;

/// Desired state of a Descope project: its tenants (for `descope-mgmt tenant sync`) and, in a
/// project file, its permissions and roles and each tenant's session settings and roles.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "descope-mgmt tenants.yaml")]
pub(crate) struct RawFile {
    /// The tenants this file manages. Live tenants not listed here are left alone unless
    /// `tenant sync --prune` is given.
    #[serde(default)]
    #[schemars(with = "Vec<RawTenant>")]
    pub tenants: Option<Vec<Spanned<Box<RawTenant>>>>,
    /// Ids or glob patterns (`*`, `?`, `[a-z]`) of live tenants that `--prune` never deletes,
    /// even though this file does not list them.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub protected: Option<Vec<Spanned<String>>>,
    /// The project's permissions, identified by name. Left out: not managed. `[]`: the file
    /// wants none (live ones are deleted only with `--prune`; system permissions never).
    #[serde(default)]
    #[schemars(with = "Option<Vec<RawPermission>>")]
    pub permissions: Option<Vec<Spanned<RawPermission>>>,
    /// The project's roles (not scoped to a tenant), identified by name. Left out: not managed.
    #[serde(default)]
    #[schemars(with = "Option<Vec<RawRole>>")]
    pub roles: Option<Vec<Spanned<RawRole>>>,
    /// How much each kind of difference matters to `descope-mgmt drift` (e.g.
    /// `drift: {severity: {name: ignore}}`). Left out: the documented defaults.
    #[serde(default)]
    pub drift: Option<crate::drift::RawDrift>,
}

/// One permission. A key left out is not managed: sync keeps the live value.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct RawPermission {
    /// The permission's name, unique in the project: its identity.
    #[schemars(with = "String", length(min = 1))]
    pub name: Spanned<String>,
    /// `""` clears it.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
    /// The permission's current name, to rename it to `name`: planned as an update, so every
    /// role keeps it. Must not name another entry of the file.
    #[serde(default)]
    #[schemars(with = "Option<String>", length(min = 1))]
    pub renamed_from: Option<Spanned<String>>,
}

/// One role: a project role at the top level, or a role scoped to the tenant it is listed in.
/// A key left out is not managed: sync keeps the live value.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct RawRole {
    /// The role's name, unique in its scope (the project, or its tenant): its identity.
    #[schemars(with = "String", length(min = 1))]
    pub name: Spanned<String>,
    /// `""` clears it.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
    /// Names of the role's permissions (in this file or live); compared as a set. `[]` clears.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub permissions: Option<Vec<Spanned<String>>>,
    /// Given to new users.
    #[serde(default)]
    pub default: Option<bool>,
    /// Hidden from self-service.
    #[serde(default)]
    pub private: Option<bool>,
    /// Never deleted by `--prune`.
    #[serde(default)]
    pub protect: Option<bool>,
    /// The role's current name, to rename it to `name`: planned as an update, so every user and
    /// tenant keeps it. Must not name another role of the same scope in the file.
    #[serde(default)]
    #[schemars(with = "Option<String>", length(min = 1))]
    pub renamed_from: Option<Spanned<String>>,
}

/// A tenant's session settings. Any key left out is not managed: sync keeps the live value
/// (the service replaces every field on write, so sync reads the live settings first).
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct RawSettings {
    /// Custom session settings on or off (wire: `enabled`). Left out: `true`, since the
    /// tenant has `settings:`.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Session token lifetime, e.g. `15m` (at least 3 minutes, at most refreshTokenExpiration).
    #[serde(default)]
    #[schemars(with = "Option<String>", regex(pattern = r"^([0-9]+[mhdw]|.*\$\{.*)$"))]
    pub session_token_expiration: Option<Spanned<DurationText>>,
    /// Refresh token lifetime, e.g. `4w`.
    #[serde(default)]
    #[schemars(with = "Option<String>", regex(pattern = r"^([0-9]+[mhdw]|.*\$\{.*)$"))]
    pub refresh_token_expiration: Option<Spanned<DurationText>>,
    /// Step-up token lifetime, e.g. `10m`.
    #[serde(default)]
    #[schemars(with = "Option<String>", regex(pattern = r"^([0-9]+[mhdw]|.*\$\{.*)$"))]
    pub stepup_token_expiration: Option<Spanned<DurationText>>,
    /// Log out after this long without activity, e.g. `30m`; `off` turns it off (wire:
    /// `enableInactivity`, `inactivityTime`, `inactivityTimeUnit`).
    #[serde(default)]
    #[schemars(
        with = "Option<String>",
        regex(pattern = r"^([0-9]+[mhdw]|off|.*\$\{.*)$")
    )]
    pub inactivity_timeout: Option<Spanned<DurationText>>,
    /// Turn off just-in-time provisioning of SSO users (wire: `JITDisabled`).
    #[serde(default)]
    pub jit_disabled: Option<bool>,
    /// The SSO setup suite (wire: `ssoSetupSuiteSettings`).
    #[serde(default)]
    #[schemars(with = "Option<RawSsoSetupSuite>")]
    pub sso_setup_suite: Option<Spanned<RawSsoSetupSuite>>,
}

/// The SSO setup suite of a tenant. A key left out is not managed.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct RawSsoSetupSuite {
    /// Whether tenant admins may configure SSO through the suite.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Id of the style the suite uses. `""` clears it.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub style_id: Option<Spanned<String>>,
    /// Features hidden from the suite.
    #[serde(default)]
    pub disabled_features: Option<RawDisabledFeatures>,
}

/// Features of the SSO setup suite to hide (`true`) or show (`false`). A key left out is not
/// managed.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct RawDisabledFeatures {
    #[serde(default)]
    pub saml: Option<bool>,
    #[serde(default)]
    pub oidc: Option<bool>,
    #[serde(default)]
    pub scim: Option<bool>,
    #[serde(default)]
    pub sso_domains: Option<bool>,
    #[serde(default)]
    pub group_mapping: Option<bool>,
}

/// A duration as written: a string (`15m`), or a number, kept as its digits so that the
/// validator can say that it lacks a unit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DurationText(pub String);

impl<'de> Deserialize<'de> for DurationText {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = DurationText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration such as `15m`, `12h`, `2d` or `4w`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DurationText, E> {
                Ok(DurationText(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DurationText, E> {
                Ok(DurationText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DurationText, E> {
                Ok(DurationText(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DurationText, E> {
                Ok(DurationText(v.to_string()))
            }
        }
        de.deserialize_any(V)
    }
}

/// One tenant. A key left out is not managed: sync keeps the live value.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct RawTenant {
    /// Tenant id: 1-30 characters of A-Z, a-z, 0-9, `_`, `-`. Cannot change after creation.
    #[schemars(with = "String", regex(pattern = r"^[A-Za-z0-9_-]{1,30}$"))]
    pub id: Spanned<String>,
    /// Display name, unique in the project. `${VAR}` and `${VAR:-default}` are substituted.
    #[schemars(with = "String", length(min = 1))]
    pub name: Spanned<String>,
    /// Self-provisioning domains (host names such as `acme.com`); compared as a set.
    /// `[]` clears them.
    #[serde(default)]
    #[schemars(
        with = "Option<Vec<String>>",
        inner(regex(
            pattern = r"^(([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]*[a-z0-9])?|.*\$\{.*)$"
        ))
    )]
    pub domains: Option<Vec<Spanned<String>>>,
    /// Custom attributes (keys defined in the Descope console). Managed as a whole map:
    /// keys not listed are removed, `{}` clears them all.
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, AttrValue>>")]
    pub custom_attributes: Option<BTreeMap<String, Spanned<AttrValue>>>,
    /// Allow login to this tenant only through its SSO configuration.
    #[serde(rename = "enforceSSO", default)]
    pub enforce_sso: Option<bool>,
    /// Disable login to this tenant.
    #[serde(default)]
    pub disabled: Option<bool>,
    /// Id of the parent tenant. Create-time only: a change is an error, not an update.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub parent: Option<Spanned<String>>,
    /// Roles given to users who join this tenant; compared as a set.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub default_roles: Option<Vec<Spanned<String>>>,
    /// Never deleted by `tenant sync --prune`.
    #[serde(default)]
    pub protect: Option<bool>,
    /// The tenant's session settings. Left out: not managed.
    #[serde(default)]
    #[schemars(with = "Option<RawSettings>")]
    pub settings: Option<Spanned<RawSettings>>,
    /// Roles scoped to this tenant, identified by (tenant, name). Left out: not managed.
    #[serde(default)]
    #[schemars(with = "Option<Vec<RawRole>>")]
    pub roles: Option<Vec<Spanned<RawRole>>>,
}

/// Keys the top level accepts (when serde gives no list of its own).
pub(crate) const FILE_KEYS: &[&str] = &["tenants", "protected", "permissions", "roles", "drift"];

/// A custom attribute value: string, number, boolean, or list of strings.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum AttrValue {
    String(String),
    Number(serde_json::Number),
    Bool(bool),
    List(Vec<String>),
}

impl<'de> Deserialize<'de> for AttrValue {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AttrValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number, boolean or list of strings")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<AttrValue, E> {
                Ok(AttrValue::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<AttrValue, E> {
                Ok(AttrValue::Number(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<AttrValue, E> {
                Ok(AttrValue::Number(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<AttrValue, E> {
                serde_json::Number::from_f64(v)
                    .map(AttrValue::Number)
                    .ok_or_else(|| E::custom("a custom attribute number must be finite"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AttrValue, E> {
                Ok(AttrValue::String(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<AttrValue, E> {
                Ok(AttrValue::String(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<AttrValue, A::Error> {
                let mut items = Vec::new();
                while let Some(ListItem(item)) = seq.next_element::<ListItem>()? {
                    items.push(item);
                }
                Ok(AttrValue::List(items))
            }
        }
        de.deserialize_any(V)
    }
}

/// An item of a custom attribute list: a string. A number, boolean or null is refused rather
/// than turned into text (`[1, two]` would otherwise silently become `["1", "two"]`).
struct ListItem(String);

/// The message of a list item that is not a string (mapped to a diagnostic in `load`).
pub(crate) const LIST_ITEM_NOT_STRING: &str = "custom attribute lists hold only strings";

impl<'de> Deserialize<'de> for ListItem {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ListItem;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ListItem, E> {
                Ok(ListItem(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<ListItem, E> {
                Ok(ListItem(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<ListItem, E> {
                Err(E::custom(format_args!(
                    "{LIST_ITEM_NOT_STRING}: `{v}` is a boolean"
                )))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ListItem, E> {
                Err(E::custom(format_args!(
                    "{LIST_ITEM_NOT_STRING}: `{v}` is a number"
                )))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ListItem, E> {
                Err(E::custom(format_args!(
                    "{LIST_ITEM_NOT_STRING}: `{v}` is a number"
                )))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ListItem, E> {
                Err(E::custom(format_args!(
                    "{LIST_ITEM_NOT_STRING}: `{v}` is a number"
                )))
            }
            fn visit_unit<E: de::Error>(self) -> Result<ListItem, E> {
                Err(E::custom(format_args!(
                    "{LIST_ITEM_NOT_STRING}: an item is empty (null)"
                )))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<ListItem, A::Error> {
                Err(de::Error::custom(format_args!(
                    "{LIST_ITEM_NOT_STRING}: an item is itself a list"
                )))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<ListItem, A::Error> {
                Err(de::Error::custom(format_args!(
                    "{LIST_ITEM_NOT_STRING}: an item is a mapping"
                )))
            }
        }
        de.deserialize_any(V)
    }
}

impl JsonSchema for AttrValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CustomAttributeValue".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A string, number, boolean, or list of strings.",
            "anyOf": [
                {"type": "string"},
                {"type": "number"},
                {"type": "boolean"},
                {"type": "array", "items": {"type": "string"}}
            ]
        })
    }
}

impl AttrValue {
    pub(crate) fn into_json(self) -> serde_json::Value {
        match self {
            AttrValue::String(s) => serde_json::Value::String(s),
            AttrValue::Number(n) => serde_json::Value::Number(n),
            AttrValue::Bool(b) => serde_json::Value::Bool(b),
            AttrValue::List(items) => {
                serde_json::Value::Array(items.into_iter().map(serde_json::Value::String).collect())
            }
        }
    }
}

/// A value and where it starts in the file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct At<T> {
    pub value: T,
    pub at: Location,
}

/// One tenant entry as either parser produced it (serde-saphyr through [`RawTenant`], or the fast
/// path in `fast`), before substitution and validation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    /// Where the entry's mapping starts (its first key).
    pub at: Location,
    pub id: At<String>,
    pub name: At<String>,
    pub domains: Option<Vec<At<String>>>,
    pub custom_attributes: Option<BTreeMap<String, At<AttrValue>>>,
    pub enforce_sso: Option<bool>,
    pub disabled: Option<bool>,
    pub parent: Option<At<String>>,
    pub default_roles: Option<Vec<At<String>>>,
    pub protect: Option<bool>,
    /// Never set by the fast path, which steps aside for files with settings or roles.
    pub settings: Option<Spanned<RawSettings>>,
    pub roles: Option<Vec<Spanned<RawRole>>>,
}

pub(crate) fn location(l: serde_saphyr::Location) -> Location {
    Location {
        line: usize::try_from(l.line()).unwrap_or(usize::MAX),
        column: usize::try_from(l.column()).unwrap_or(usize::MAX),
    }
}

fn at<T>(s: Spanned<T>) -> At<T> {
    At {
        value: s.value,
        at: location(s.referenced),
    }
}

impl From<Spanned<Box<RawTenant>>> for Entry {
    fn from(s: Spanned<Box<RawTenant>>) -> Self {
        let entry_at = location(s.referenced);
        let t = *s.value;
        let list = |l: Option<Vec<Spanned<String>>>| l.map(|l| l.into_iter().map(at).collect());
        Entry {
            at: entry_at,
            id: at(t.id),
            name: at(t.name),
            domains: list(t.domains),
            custom_attributes: t
                .custom_attributes
                .map(|m| m.into_iter().map(|(k, v)| (k, at(v))).collect()),
            enforce_sso: t.enforce_sso,
            disabled: t.disabled,
            parent: t.parent.map(at),
            default_roles: list(t.default_roles),
            protect: t.protect,
            settings: t.settings,
            roles: t.roles,
        }
    }
}

/// Just enough of the file to tell which tenant a serde error happened in. It ignores every
/// key it does not need, so it parses files the strict types reject.
#[derive(Deserialize)]
pub(crate) struct Skeleton {
    #[serde(default)]
    pub tenants: Option<Vec<Spanned<SkeletonTenant>>>,
    /// Where the top-level `permissions:` and `roles:` values start, so that an error in them
    /// is not blamed on the tenant listed last before them.
    #[serde(default)]
    pub permissions: Option<Spanned<de::IgnoredAny>>,
    #[serde(default)]
    pub roles: Option<Spanned<de::IgnoredAny>>,
    /// Where the top-level `drift:` starts, for the same reason.
    #[serde(default)]
    pub drift: Option<Spanned<de::IgnoredAny>>,
}

#[derive(Deserialize)]
pub(crate) struct SkeletonTenant {
    #[serde(default)]
    pub id: Option<LooseString>,
}

/// A string when the node is a scalar string; nothing otherwise (never an error).
pub(crate) struct LooseString(pub Option<String>);

impl<'de> Deserialize<'de> for LooseString {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LooseString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("anything")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LooseString, E> {
                Ok(LooseString(Some(v.to_owned())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<LooseString, E> {
                Ok(LooseString(Some(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LooseString, E> {
                Ok(LooseString(Some(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LooseString, E> {
                Ok(LooseString(Some(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<LooseString, E> {
                Ok(LooseString(Some(v.to_string())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<LooseString, E> {
                Ok(LooseString(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<LooseString, E> {
                Ok(LooseString(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LooseString, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(LooseString(None))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<LooseString, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(LooseString(None))
            }
        }
        de.deserialize_any(V)
    }
}
