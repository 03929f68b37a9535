//! A tenant's session settings: the fields the file manages compared with the live record, each
//! named by its key in the file (`sessionTokenExpiration`, `inactivityTimeout`,
//! `ssoSetupSuite.disabledFeatures.scim` …) with values as the file writes them (`"15m"`,
//! `"off"`, `true`), and [`settings_with`], which applies such fields to a record. The request
//! is always the live record with the fields applied (read-modify-write: the service replaces
//! every field).

use descope_model::{Expiration, SessionSettings, SsoDisabledFeatures, SsoSetupSuite, Unit};
use descope_spec::settings::{DurationUnit, parse_duration};
use descope_spec::{DesiredSettings, Diagnostic, Duration, Inactivity, Spec};
use serde_json::Value;

use super::requests::field;
use crate::change::{Action, FieldChange, ResourceKind};
use crate::project::resource::{ResourceChange, ResourceRequest};

/// A live duration as the file would write it (`15m`); seconds, which the file has no unit
/// for, as `90s`.
fn shown(e: Option<Expiration>) -> Value {
    let Some(e) = e else { return Value::Null };
    let seconds = e.as_seconds();
    let text = if seconds.is_multiple_of(60) {
        Duration::from_minutes(seconds / 60).map_or_else(|| e.to_string(), |d| d.to_string())
    } else {
        format!("{seconds}s")
    };
    Value::String(text)
}

/// The live duration in the file's terms, when it is a whole number of minutes.
fn minutes(e: Option<Expiration>) -> Option<Duration> {
    let seconds = e?.as_seconds();
    seconds
        .is_multiple_of(60)
        .then(|| Duration::from_minutes(seconds / 60))
        .flatten()
}

fn same_length(live: Option<Expiration>, want: Duration) -> bool {
    live.is_some_and(|e| e.as_seconds() == want.minutes() * 60)
}

fn inactivity_shown(live: &SessionSettings) -> Value {
    if live.enable_inactivity {
        match live.inactivity {
            Some(_) => shown(live.inactivity),
            None => Value::String("on".to_owned()),
        }
    } else {
        Value::String("off".to_owned())
    }
}

/// The live value of the settings field `key` as a plan shows it (`None`: not a field this
/// version knows). An absent SSO setup suite shows as the service's defaults.
pub(crate) fn old_value(live: &SessionSettings, key: &str) -> Option<Value> {
    let suite = || live.sso_setup_suite.clone().unwrap_or_default();
    Some(match key {
        "enabled" => Value::Bool(live.enabled),
        "sessionTokenExpiration" => shown(live.session_token),
        "refreshTokenExpiration" => shown(live.refresh_token),
        "stepupTokenExpiration" => shown(live.stepup_token),
        "inactivityTimeout" => inactivity_shown(live),
        "jitDisabled" => Value::Bool(live.jit_disabled),
        "ssoSetupSuite.enabled" => Value::Bool(suite().enabled),
        "ssoSetupSuite.styleId" => Value::String(suite().style_id.unwrap_or_default()),
        _ => {
            let name = key.strip_prefix("ssoSetupSuite.disabledFeatures.")?;
            let mut features = suite().disabled_features.unwrap_or_default();
            Value::Bool(*feature(&mut features, name)?)
        }
    })
}

/// The fields of `d` that differ from `live`; with no live record (a tenant the run creates),
/// every field the file sets.
pub(crate) fn fields(d: &DesiredSettings, live: Option<&SessionSettings>) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut push = |key: &str, new: Value| {
        let old = live.and_then(|s| old_value(s, key)).unwrap_or(Value::Null);
        out.push(field(key, old, new));
    };
    if live.is_none_or(|s| s.enabled != d.enabled) {
        push("enabled", Value::Bool(d.enabled));
    }
    let durations = [
        (
            "sessionTokenExpiration",
            d.session_token_expiration,
            live.and_then(|s| s.session_token),
        ),
        (
            "refreshTokenExpiration",
            d.refresh_token_expiration,
            live.and_then(|s| s.refresh_token),
        ),
        (
            "stepupTokenExpiration",
            d.stepup_token_expiration,
            live.and_then(|s| s.stepup_token),
        ),
    ];
    for (key, want, now) in durations {
        if let Some(want) = want
            && (live.is_none() || !same_length(now, want))
        {
            push(key, Value::String(want.to_string()));
        }
    }
    if let Some(want) = d.inactivity_timeout {
        let same = live.is_some_and(|s| match want {
            Inactivity::Off => !s.enable_inactivity,
            Inactivity::After(d) => s.enable_inactivity && same_length(s.inactivity, d),
        });
        if !same {
            let new = match want {
                Inactivity::Off => "off".to_owned(),
                Inactivity::After(d) => d.to_string(),
            };
            push("inactivityTimeout", Value::String(new));
        }
    }
    if let Some(want) = d.jit_disabled
        && live.is_none_or(|s| s.jit_disabled != want)
    {
        push("jitDisabled", Value::Bool(want));
    }
    if let Some(want) = &d.sso_setup_suite {
        let mut wanted: Vec<(String, Value)> = Vec::new();
        if let Some(b) = want.enabled {
            wanted.push(("ssoSetupSuite.enabled".into(), Value::Bool(b)));
        }
        if let Some(id) = &want.style_id {
            wanted.push(("ssoSetupSuite.styleId".into(), Value::String(id.clone())));
        }
        if let Some(f) = &want.disabled_features {
            for (name, b) in [
                ("saml", f.saml),
                ("oidc", f.oidc),
                ("scim", f.scim),
                ("ssoDomains", f.sso_domains),
                ("groupMapping", f.group_mapping),
            ] {
                if let Some(b) = b {
                    wanted.push((
                        format!("ssoSetupSuite.disabledFeatures.{name}"),
                        Value::Bool(b),
                    ));
                }
            }
        }
        for (key, new) in wanted {
            if live.is_none_or(|s| old_value(s, &key).as_ref() != Some(&new)) {
                push(&key, new);
            }
        }
    }
    out
}

fn feature<'a>(f: &'a mut SsoDisabledFeatures, name: &str) -> Option<&'a mut bool> {
    Some(match name {
        "saml" => &mut f.saml,
        "oidc" => &mut f.oidc,
        "scim" => &mut f.scim,
        "ssoDomains" => &mut f.sso_domains,
        "groupMapping" => &mut f.group_mapping,
        _ => return None,
    })
}

/// The settings change of tenant `tenant`. With a live record: an update whose request is the
/// record with the fields applied and, when the file manages the tenant's `domains`, those
/// domains as `selfProvisioningDomains` (the write carries that tenant field too, and must not
/// undo a domain change of the same run); unchanged when no field differs. Without one (the run
/// creates the tenant): an update with every managed field and no request.
///
/// # Errors
/// A field that cannot be applied back (a bug).
pub(crate) fn change(
    tenant: &str,
    d: &DesiredSettings,
    live: Option<&SessionSettings>,
    domains: Option<&[String]>,
) -> Result<ResourceChange, String> {
    let fields = fields(d, live);
    let (action, request) = match live {
        Some(_) if fields.is_empty() => (Action::Unchanged, None),
        Some(s) => {
            let mut next = settings_with(s, &fields)?;
            if let Some(domains) = domains {
                next.self_provisioning_domains = domains.to_vec();
            }
            (
                Action::Update,
                Some(ResourceRequest::Settings(Box::new(next))),
            )
        }
        None => (Action::Update, None),
    };
    Ok(ResourceChange {
        kind: ResourceKind::Settings,
        tenant: Some(tenant.to_owned()),
        name: tenant.to_owned(),
        renamed_from: None,
        action,
        fields,
        request,
        protected: false,
    })
}

fn unit(u: DurationUnit) -> Unit {
    match u {
        DurationUnit::Minutes => Unit::Minutes,
        DurationUnit::Hours => Unit::Hours,
        DurationUnit::Days => Unit::Days,
        DurationUnit::Weeks => Unit::Weeks,
    }
}

/// `base` with the settings `fields` of a change applied (their `new` values).
///
/// # Errors
/// A field this version cannot apply (a damaged saved plan), in the user's terms.
pub fn settings_with(
    base: &SessionSettings,
    fields: &[FieldChange],
) -> Result<SessionSettings, String> {
    let mut s = base.clone();
    for f in fields {
        let key = f.field.as_str();
        let flag = || {
            f.new
                .as_bool()
                .ok_or_else(|| format!("settings field `{key}` is not true or false"))
        };
        let text = || {
            f.new
                .as_str()
                .ok_or_else(|| format!("settings field `{key}` is not a string"))
        };
        let duration = || -> Result<Expiration, String> {
            let d = parse_duration(text()?)
                .map_err(|p| format!("settings field `{key}`: {}", p.message))?;
            Ok(Expiration::new(d.value(), unit(d.unit())))
        };
        match key {
            "enabled" => s.enabled = flag()?,
            "sessionTokenExpiration" => s.session_token = Some(duration()?),
            "refreshTokenExpiration" => s.refresh_token = Some(duration()?),
            "stepupTokenExpiration" => s.stepup_token = Some(duration()?),
            "inactivityTimeout" if text()? == "off" => s.enable_inactivity = false,
            "inactivityTimeout" => {
                s.inactivity = Some(duration()?);
                s.enable_inactivity = true;
            }
            "jitDisabled" => s.jit_disabled = flag()?,
            "ssoSetupSuite.enabled" => suite(&mut s).enabled = flag()?,
            "ssoSetupSuite.styleId" => {
                let id = text()?;
                suite(&mut s).style_id = (!id.is_empty()).then(|| id.to_owned());
            }
            _ => {
                let slot = key
                    .strip_prefix("ssoSetupSuite.disabledFeatures.")
                    .and_then(|name| {
                        let features = suite(&mut s).disabled_features.get_or_insert_default();
                        feature(features, name)
                    })
                    .ok_or_else(|| {
                        format!("settings field `{key}` is not one this version can apply")
                    })?;
                *slot = flag()?;
            }
        }
    }
    Ok(s)
}

fn suite(s: &mut SessionSettings) -> &mut SsoSetupSuite {
    s.sso_setup_suite.get_or_insert_default()
}

/// The console's rule with the live value of the side the file leaves out: a session token in
/// the file no longer than the live refresh token, a refresh token in the file no shorter than
/// the live session token. (Both in the file: checked when the file was loaded.)
pub(crate) fn rule(
    spec: &Spec,
    tenant: &str,
    d: &DesiredSettings,
    live: &SessionSettings,
) -> Option<Diagnostic> {
    match (d.session_token_expiration, d.refresh_token_expiration) {
        (Some(session), None) => {
            let refresh = minutes(live.refresh_token)?;
            let p = descope_spec::settings::check_session_rule(session, Some(refresh)).err()?;
            Some(spec.diagnostic_at(
                d.session_token_location,
                Some(tenant),
                format!(
                    "{} in tenant `{tenant}` (its refreshTokenExpiration is the tenant's live value)",
                    p.message
                ),
                p.help,
            ))
        }
        (None, Some(refresh)) => {
            let session = minutes(live.session_token)?;
            (session.minutes() > refresh.minutes()).then(|| {
                spec.diagnostic_at(
                    d.session_token_location,
                    Some(tenant),
                    format!(
                        "refreshTokenExpiration `{refresh}` of tenant `{tenant}` is shorter than its live sessionTokenExpiration `{session}`"
                    ),
                    format!(
                        "a session token may not outlive its refresh token: write refreshTokenExpiration of at least `{session}`, or set sessionTokenExpiration too"
                    ),
                )
            })
        }
        _ => None,
    }
}
