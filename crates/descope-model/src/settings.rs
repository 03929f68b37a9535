//! [`SessionSettings`]: a typed view of a tenant's session settings (reference §2.5, §10.4) that a
//! plan can diff, over the untyped [`TenantSettings`] map the client reads and writes.
//!
//! The service replaces every settings field on write, so a write must be a read-modify-write:
//! [`SessionSettings::from_map`] keeps every field it does not model (and every duration it cannot
//! read, such as a unit it does not know) in `extra`, and [`SessionSettings::to_map`] sends them
//! back unchanged, so only what the plan changed changes.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::tenant::TenantSettings;

/// The unit of a settings duration, as the wire spells it (`minutes`, `hours`, `days`, `weeks`;
/// the community Terraform provider also sends `seconds`, so it is read and written too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    Seconds,
    Minutes,
    Hours,
    Days,
    Weeks,
}

impl Unit {
    /// Every unit, smallest first.
    pub const ALL: [Unit; 5] = [
        Unit::Seconds,
        Unit::Minutes,
        Unit::Hours,
        Unit::Days,
        Unit::Weeks,
    ];

    /// The wire spelling.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Seconds => "seconds",
            Self::Minutes => "minutes",
            Self::Hours => "hours",
            Self::Days => "days",
            Self::Weeks => "weeks",
        }
    }

    /// Reads a wire unit, ignoring case (the SDKs all send lower case; nothing says the service
    /// refuses other cases). `None` for anything else.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|u| u.as_str().eq_ignore_ascii_case(s))
    }

    /// Seconds in one of this unit.
    #[must_use]
    pub const fn seconds(self) -> u64 {
        match self {
            Self::Seconds => 1,
            Self::Minutes => 60,
            Self::Hours => 3_600,
            Self::Days => 86_400,
            Self::Weeks => 604_800,
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A settings duration: the wire's value and unit pair (`sessionTokenExpiration: 30` with
/// `sessionTokenExpirationUnit: "minutes"`). Compared as written: 60 minutes is not 1 hour here,
/// because the service stores and returns the pair as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Expiration {
    pub value: u32,
    pub unit: Unit,
}

impl Expiration {
    /// A duration of `value` `unit`s.
    #[must_use]
    pub const fn new(value: u32, unit: Unit) -> Self {
        Self { value, unit }
    }

    /// The length in seconds (for checks such as "session ≤ refresh").
    #[must_use]
    pub const fn as_seconds(self) -> u64 {
        self.value as u64 * self.unit.seconds()
    }
}

impl fmt::Display for Expiration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.value, self.unit)
    }
}

/// The SSO setup suite flags of a tenant (`ssoSetupSuiteSettings`, reference §2.5).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SsoSetupSuite {
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_features: Option<SsoDisabledFeatures>,
    /// Fields this client does not model, sent back as read.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The SSO setup suite features a tenant's admins may not use.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SsoDisabledFeatures {
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub saml: bool,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub oidc: bool,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub scim: bool,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub sso_domains: bool,
    #[serde(default, deserialize_with = "crate::null_as_default")]
    pub group_mapping: bool,
    /// Fields this client does not model, sent back as read.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A tenant's session settings, typed (reference §2.5). Built from the map the service returns
/// ([`SessionSettings::from_map`]) and turned back into the map a write sends
/// ([`SessionSettings::to_map`]); serde uses the same two functions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "TenantSettings", into = "TenantSettings")]
pub struct SessionSettings {
    /// `selfProvisioningDomains`.
    pub self_provisioning_domains: Vec<String>,
    /// `domains` (SSO domains).
    pub domains: Vec<String>,
    /// `authType` (`none`, `saml`, `oidc`), normally derived by the service.
    pub auth_type: String,
    /// `enabled`: the tenant's own session settings are in force (else the project's).
    pub enabled: bool,
    /// `refreshTokenExpiration` + `…Unit`.
    pub refresh_token: Option<Expiration>,
    /// `sessionTokenExpiration` + `…Unit`.
    pub session_token: Option<Expiration>,
    /// `stepupTokenExpiration` + `…Unit`.
    pub stepup_token: Option<Expiration>,
    /// `inactivityTime` + `inactivityTimeUnit`.
    pub inactivity: Option<Expiration>,
    /// `enableInactivity`.
    pub enable_inactivity: bool,
    /// `JITDisabled` (capital `JIT` on the wire).
    pub jit_disabled: bool,
    /// `ssoSetupSuiteSettings`, when the service sent it.
    pub sso_setup_suite: Option<SsoSetupSuite>,
    /// Every other field as read (unknown fields, and durations this type cannot read), sent
    /// back on write. A typed field always wins over an entry of the same key here.
    pub extra: TenantSettings,
}

/// A settings field of a known name held a value of the wrong type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    /// The wire key.
    pub field: String,
    /// What was expected.
    pub expected: &'static str,
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "tenant settings field {:?} is not {}",
            self.field, self.expected
        )
    }
}

impl std::error::Error for SettingsError {}

/// The wire keys of the four duration pairs (value, unit), in the order of
/// [`SessionSettings::duration_mut`].
const DURATIONS: [(&str, &str); 4] = [
    ("refreshTokenExpiration", "refreshTokenExpirationUnit"),
    ("sessionTokenExpiration", "sessionTokenExpirationUnit"),
    ("stepupTokenExpiration", "stepupTokenExpirationUnit"),
    ("inactivityTime", "inactivityTimeUnit"),
];

/// Takes `key` out of `map` and decodes it (`null` → default); a value of the wrong type is an
/// error naming the key.
fn take<T: Default + serde::de::DeserializeOwned>(
    map: &mut TenantSettings,
    key: &str,
    expected: &'static str,
) -> Result<T, SettingsError> {
    match map.shift_remove(key) {
        None | Some(Value::Null) => Ok(T::default()),
        Some(v) => serde_json::from_value(v).map_err(|_| SettingsError {
            field: key.to_owned(),
            expected,
        }),
    }
}

/// A whole, non-negative number that fits a `u32` (`30` or `30.0`).
fn whole(v: &Value) -> Option<u32> {
    if let Some(n) = v.as_u64() {
        return u32::try_from(n).ok();
    }
    let f = v.as_f64()?;
    if f.fract() != 0.0 || !(0.0..=f64::from(u32::MAX)).contains(&f) {
        return None;
    }
    // Exact: the value is whole and within u32's range.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = f as u32;
    Some(n)
}

impl SessionSettings {
    /// The duration of [`DURATIONS`]`[i]`.
    fn duration_mut(&mut self, i: usize) -> &mut Option<Expiration> {
        match i {
            0 => &mut self.refresh_token,
            1 => &mut self.session_token,
            2 => &mut self.stepup_token,
            _ => &mut self.inactivity,
        }
    }

    /// The typed view of a settings map as the service returned it. Fields it does not model
    /// stay in `extra`; so does a duration whose value is not a whole number or whose unit is
    /// not one of [`Unit`] (its typed field is then `None`). Also reads the spellings other SDKs
    /// show: Node's `InactivityTime`/`InactivityTimeUnit`, Go's `sessionSettingsEnabled`.
    ///
    /// # Errors
    /// A modelled field holding the wrong type (say, `enabled: "yes"`).
    pub fn from_map(map: &TenantSettings) -> Result<Self, SettingsError> {
        let mut rest = map.clone();
        let mut s = Self {
            self_provisioning_domains: take(
                &mut rest,
                "selfProvisioningDomains",
                "a list of strings",
            )?,
            domains: take(&mut rest, "domains", "a list of strings")?,
            auth_type: take(&mut rest, "authType", "a string")?,
            ..Self::default()
        };
        s.enabled = if rest.contains_key("enabled") || !rest.contains_key("sessionSettingsEnabled")
        {
            take(&mut rest, "enabled", "true or false")?
        } else {
            take(&mut rest, "sessionSettingsEnabled", "true or false")?
        };
        for (i, (value_key, unit_key)) in DURATIONS.into_iter().enumerate() {
            let (value_key, unit_key) = if !rest.contains_key(value_key)
                && !rest.contains_key(unit_key)
                && value_key == "inactivityTime"
            {
                ("InactivityTime", "InactivityTimeUnit")
            } else {
                (value_key, unit_key)
            };
            let value = rest.get(value_key).and_then(whole);
            let unit = rest
                .get(unit_key)
                .and_then(Value::as_str)
                .and_then(Unit::parse);
            if let (Some(value), Some(unit)) = (value, unit) {
                rest.shift_remove(value_key);
                rest.shift_remove(unit_key);
                *s.duration_mut(i) = Some(Expiration { value, unit });
            } else if rest.get(value_key).is_none_or(Value::is_null)
                && rest.get(unit_key).is_none_or(Value::is_null)
            {
                rest.shift_remove(value_key);
                rest.shift_remove(unit_key);
            }
        }
        s.enable_inactivity = take(&mut rest, "enableInactivity", "true or false")?;
        s.jit_disabled = take(&mut rest, "JITDisabled", "true or false")?;
        s.sso_setup_suite = match rest.shift_remove("ssoSetupSuiteSettings") {
            None | Some(Value::Null) => None,
            Some(v) => Some(serde_json::from_value(v).map_err(|_| SettingsError {
                field: "ssoSetupSuiteSettings".into(),
                expected: "an object {enabled, styleId, disabledFeatures}",
            })?),
        };
        s.extra = rest;
        Ok(s)
    }

    /// The map a settings write sends (without `tenantId`): every modelled field (as the Go SDK
    /// sends every field), the durations that are set, the SSO setup suite when set, then every
    /// entry of `extra` whose key no typed field wrote.
    #[must_use]
    pub fn to_map(&self) -> TenantSettings {
        let mut m = Map::new();
        m.insert(
            "selfProvisioningDomains".into(),
            strings(&self.self_provisioning_domains),
        );
        m.insert("domains".into(), strings(&self.domains));
        m.insert("authType".into(), Value::String(self.auth_type.clone()));
        m.insert("enabled".into(), Value::Bool(self.enabled));
        let pairs = [
            (DURATIONS[0], self.refresh_token),
            (DURATIONS[1], self.session_token),
            (DURATIONS[2], self.stepup_token),
        ];
        for ((value_key, unit_key), e) in pairs {
            insert_duration(&mut m, value_key, unit_key, e);
        }
        m.insert(
            "enableInactivity".into(),
            Value::Bool(self.enable_inactivity),
        );
        let (value_key, unit_key) = DURATIONS[3];
        insert_duration(&mut m, value_key, unit_key, self.inactivity);
        m.insert("JITDisabled".into(), Value::Bool(self.jit_disabled));
        if let Some(suite) = &self.sso_setup_suite {
            m.insert(
                "ssoSetupSuiteSettings".into(),
                serde_json::to_value(suite).unwrap_or(Value::Null),
            );
        }
        let typed_inactivity = self.inactivity.is_some();
        for (k, v) in &self.extra {
            let shadowed = m.contains_key(k)
                || (typed_inactivity && (k == "InactivityTime" || k == "InactivityTimeUnit"));
            if !shadowed {
                m.insert(k.clone(), v.clone());
            }
        }
        m
    }
}

fn insert_duration(m: &mut TenantSettings, value_key: &str, unit_key: &str, e: Option<Expiration>) {
    if let Some(e) = e {
        m.insert(value_key.into(), Value::from(e.value));
        m.insert(unit_key.into(), Value::String(e.unit.as_str().into()));
    }
}

fn strings(v: &[String]) -> Value {
    Value::Array(v.iter().cloned().map(Value::String).collect())
}

impl TryFrom<TenantSettings> for SessionSettings {
    type Error = SettingsError;

    fn try_from(map: TenantSettings) -> Result<Self, SettingsError> {
        Self::from_map(&map)
    }
}

impl From<SessionSettings> for TenantSettings {
    fn from(s: SessionSettings) -> Self {
        s.to_map()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> TenantSettings {
        v.as_object().cloned().expect("object")
    }

    /// The settings of the golden fixture `tenant-settings-get.json`, plus fields nobody models.
    fn full() -> TenantSettings {
        map(json!({
            "selfProvisioningDomains": ["globex.com"], "domains": ["sso.globex.com"],
            "authType": "saml", "enabled": true,
            "refreshTokenExpiration": 2, "refreshTokenExpirationUnit": "days",
            "sessionTokenExpiration": 30, "sessionTokenExpirationUnit": "minutes",
            "stepupTokenExpiration": 5, "stepupTokenExpirationUnit": "minutes",
            "enableInactivity": true, "inactivityTime": 2, "inactivityTimeUnit": "hours",
            "JITDisabled": true,
            "ssoSetupSuiteSettings": {"enabled": true, "styleId": "style-1",
                "disabledFeatures": {"saml": false, "oidc": false, "scim": true,
                    "ssoDomains": false, "groupMapping": false, "ldap": true},
                "theme": "dark"},
            "enforceSSO": true, "federatedAppIds": ["f1"], "futureSetting": {"a": [1, 2]}
        }))
    }

    #[test]
    fn round_trip_keeps_every_field_including_unknown_ones() {
        let m = full();
        let s = SessionSettings::from_map(&m).unwrap();
        assert_eq!(s.session_token, Some(Expiration::new(30, Unit::Minutes)));
        assert_eq!(s.refresh_token, Some(Expiration::new(2, Unit::Days)));
        assert_eq!(s.inactivity, Some(Expiration::new(2, Unit::Hours)));
        assert!(s.enabled && s.enable_inactivity && s.jit_disabled);
        let suite = s.sso_setup_suite.as_ref().unwrap();
        assert_eq!(suite.style_id.as_deref(), Some("style-1"));
        assert!(suite.disabled_features.as_ref().unwrap().scim);
        assert_eq!(suite.extra["theme"], json!("dark"));
        assert_eq!(
            s.extra.keys().collect::<Vec<_>>(),
            ["enforceSSO", "federatedAppIds", "futureSetting"]
        );
        assert_eq!(s.to_map(), m);
        // serde goes through the same two functions.
        let via_serde: SessionSettings = serde_json::from_value(Value::Object(m.clone())).unwrap();
        assert_eq!(via_serde, s);
        assert_eq!(serde_json::to_value(&s).unwrap(), Value::Object(m));
    }

    #[test]
    fn a_changed_field_changes_only_itself() {
        let m = full();
        let mut s = SessionSettings::from_map(&m).unwrap();
        s.session_token = Some(Expiration::new(4, Unit::Weeks));
        s.jit_disabled = false;
        let out = s.to_map();
        let changed: Vec<&String> = m.keys().filter(|k| out.get(*k) != m.get(*k)).collect();
        assert_eq!(
            changed,
            [
                "sessionTokenExpiration",
                "sessionTokenExpirationUnit",
                "JITDisabled"
            ]
        );
        assert_eq!(out["sessionTokenExpirationUnit"], json!("weeks"));
        assert_eq!(out.len(), m.len());
    }

    #[test]
    fn units_and_durations() {
        for u in Unit::ALL {
            assert_eq!(Unit::parse(u.as_str()), Some(u));
        }
        assert_eq!(Unit::parse("Hours"), Some(Unit::Hours));
        assert_eq!(Unit::parse("months"), None);
        assert_eq!(Unit::parse(""), None);
        assert_eq!(Expiration::new(15, Unit::Minutes).as_seconds(), 900);
        assert_eq!(Expiration::new(4, Unit::Weeks).as_seconds(), 2_419_200);
        assert_eq!(Expiration::new(12, Unit::Hours).to_string(), "12 hours");
        let s = SessionSettings::from_map(&map(json!({
            "sessionTokenExpiration": 90.0, "sessionTokenExpirationUnit": "seconds"
        })))
        .unwrap();
        assert_eq!(s.session_token, Some(Expiration::new(90, Unit::Seconds)));
        assert_eq!(s.to_map()["sessionTokenExpiration"], json!(90));
    }

    #[test]
    fn an_unreadable_duration_is_kept_as_read_until_the_plan_sets_it() {
        let m = map(json!({
            "refreshTokenExpiration": 3, "refreshTokenExpirationUnit": "months",
            "stepupTokenExpiration": 10,
            "sessionTokenExpiration": -1, "sessionTokenExpirationUnit": "minutes",
            "inactivityTime": null, "inactivityTimeUnit": null
        }));
        let mut s = SessionSettings::from_map(&m).unwrap();
        assert_eq!(
            (
                s.refresh_token,
                s.stepup_token,
                s.session_token,
                s.inactivity
            ),
            (None, None, None, None)
        );
        let out = s.to_map();
        for k in [
            "refreshTokenExpiration",
            "refreshTokenExpirationUnit",
            "stepupTokenExpiration",
            "sessionTokenExpiration",
            "sessionTokenExpirationUnit",
        ] {
            assert_eq!(out[k], m[k], "{k}");
        }
        assert!(!out.contains_key("inactivityTime") && !out.contains_key("inactivityTimeUnit"));
        s.refresh_token = Some(Expiration::new(12, Unit::Hours));
        let out = s.to_map();
        assert_eq!(
            (
                &out["refreshTokenExpiration"],
                &out["refreshTokenExpirationUnit"]
            ),
            (&json!(12), &json!("hours"))
        );
    }

    #[test]
    fn other_sdks_spellings_are_read() {
        let node = map(
            json!({"InactivityTime": 20, "InactivityTimeUnit": "minutes",
                              "sessionSettingsEnabled": true}),
        );
        let s = SessionSettings::from_map(&node).unwrap();
        assert_eq!(s.inactivity, Some(Expiration::new(20, Unit::Minutes)));
        assert!(s.enabled);
        assert!(s.extra.is_empty());
        let out = s.to_map();
        assert_eq!(out["inactivityTime"], json!(20));
        assert_eq!(out["enabled"], json!(true));
        assert!(!out.contains_key("InactivityTime"));
    }

    #[test]
    fn empty_and_null_settings_decode_to_defaults_and_write_every_field() {
        let s = SessionSettings::from_map(&map(json!({
            "domains": null, "authType": null, "enabled": null, "ssoSetupSuiteSettings": null
        })))
        .unwrap();
        assert_eq!(s, SessionSettings::default());
        assert_eq!(
            Value::Object(SessionSettings::default().to_map()),
            json!({"selfProvisioningDomains": [], "domains": [], "authType": "",
                   "enabled": false, "enableInactivity": false, "JITDisabled": false})
        );
    }

    #[test]
    fn a_known_field_of_the_wrong_type_is_an_error_naming_it() {
        let e = SessionSettings::from_map(&map(json!({"enabled": "yes"}))).unwrap_err();
        assert_eq!(e.field, "enabled");
        assert!(e.to_string().contains("true or false"), "{e}");
        let e = SessionSettings::from_map(&map(json!({"ssoSetupSuiteSettings": 3}))).unwrap_err();
        assert_eq!(e.field, "ssoSetupSuiteSettings");
        assert!(serde_json::from_value::<SessionSettings>(json!({"domains": "x"})).is_err());
    }
}
