//! Export: live tenants as a tenants.yaml that re-parses to the same values and syncs with no changes.

use std::fmt::Write as _;

use descope_model::Tenant;
use serde_json::Value;

use crate::substitute::escape;
use crate::{DesiredTenant, Location, SCHEMA_MODELINE};

/// The desired state that keeps `t` exactly as it is: every managed field set explicitly, so a
/// sync of the export plans no changes and re-applying it later undoes drift. `parent` is set
/// only when the tenant has one; `protect` is false (the service has no such flag).
///
/// A tenant whose custom attributes tenants.yaml cannot hold (see [`unexpressed_attribute`]) is
/// exported with `customAttributes` left out, so it stays unmanaged: a sync of the export keeps
/// the live values instead of refusing the file or changing them.
#[must_use]
pub fn desired_from_live(t: &Tenant) -> DesiredTenant {
    DesiredTenant {
        id: t.id.clone(),
        name: t.name.clone(),
        domains: Some(t.self_provisioning_domains.clone()),
        custom_attributes: unexpressed_attribute(&t.custom_attributes)
            .is_none()
            .then(|| t.custom_attributes.clone()),
        enforce_sso: Some(t.enforce_sso),
        disabled: Some(t.disabled),
        parent: (!t.parent.is_empty()).then(|| t.parent.clone()),
        default_roles: Some(t.default_roles.clone()),
        protect: false,
        location: Location::default(),
        parent_location: Location::default(),
    }
}

/// The first custom attribute whose value tenants.yaml cannot hold exactly (the service accepts
/// any JSON, a file only strings, numbers, booleans and lists of non-empty strings), with what
/// it holds in the user's words.
#[must_use]
pub fn unexpressed_attribute(attrs: &descope_model::Attrs) -> Option<(&str, &'static str)> {
    attrs.iter().find_map(|(k, v)| {
        let what = match v {
            Value::Null => "null",
            Value::Object(_) => "a mapping",
            Value::Array(items) if items.iter().any(|i| !i.is_string()) => {
                "a list with items that are not strings"
            }
            Value::Array(items) if items.iter().any(|i| i.as_str() == Some("")) => {
                "a list with an empty item"
            }
            _ => return None,
        };
        Some((k.as_str(), what))
    })
}

/// Renders tenants as tenants.yaml: the schema modeline first, tenants sorted by id, keys in the
/// order id, name, domains, customAttributes, enforceSSO, disabled, parent, defaultRoles, protect;
/// unmanaged (`None`) fields and `protect: false` left out. Strings are quoted when YAML would
/// read them as something else, and `${` is written `$${` so substitution gives it back.
#[must_use]
pub fn to_yaml(tenants: &[DesiredTenant]) -> String {
    let mut sorted: Vec<&DesiredTenant> = tenants.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let mut out = String::with_capacity(64 + tenants.len() * 160);
    out.push_str(SCHEMA_MODELINE);
    out.push('\n');
    if sorted.is_empty() {
        out.push_str("tenants: []\n");
        return out;
    }
    out.push_str("tenants:\n");
    for t in sorted {
        let _ = writeln!(out, "  - id: {}", scalar(&t.id));
        let _ = writeln!(out, "    name: {}", text(&t.name));
        if let Some(d) = &t.domains {
            let _ = writeln!(out, "    domains: {}", list(d));
        }
        if let Some(attrs) = &t.custom_attributes {
            if attrs.is_empty() {
                out.push_str("    customAttributes: {}\n");
            } else {
                out.push_str("    customAttributes:\n");
                for (k, v) in attrs {
                    let _ = writeln!(out, "      {}: {}", scalar(k), value(v));
                }
            }
        }
        if let Some(b) = t.enforce_sso {
            let _ = writeln!(out, "    enforceSSO: {b}");
        }
        if let Some(b) = t.disabled {
            let _ = writeln!(out, "    disabled: {b}");
        }
        if let Some(p) = &t.parent {
            let _ = writeln!(out, "    parent: {}", text(p));
        }
        if let Some(r) = &t.default_roles {
            let _ = writeln!(out, "    defaultRoles: {}", list(r));
        }
        if t.protect {
            out.push_str("    protect: true\n");
        }
    }
    out
}

/// A substituted string value, escaped so substitution returns it unchanged.
fn text(s: &str) -> String {
    scalar(&escape(s))
}

fn list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| text(s)).collect();
    format!("[{}]", items.join(", "))
}

fn value(v: &Value) -> String {
    match v {
        Value::String(s) => text(s),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Array(items) => {
            let items: Vec<String> = items
                .iter()
                .map(|i| match i {
                    Value::String(s) => text(s),
                    other => value(other),
                })
                .collect();
            format!("[{}]", items.join(", "))
        }
        // Not a valid custom attribute value; written as JSON, which is YAML flow syntax.
        Value::Null | Value::Object(_) => v.to_string(),
    }
}

/// Words YAML 1.1 or 1.2 resolve to a non-string in an untyped position.
const RESERVED: &[&str] = &[
    "y", "n", "yes", "no", "true", "false", "on", "off", "null", "nan", "inf", "infinity",
];

/// `s` as a YAML scalar: plain when that is unambiguous, else double-quoted.
fn scalar(s: &str) -> String {
    let plain = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && !s.ends_with(' ')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.' | '/'))
        && !RESERVED.contains(&s.to_ascii_lowercase().as_str());
    if plain {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}') => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_are_plain_only_when_unambiguous() {
        assert_eq!(scalar("ACME Corp"), "ACME Corp");
        assert_eq!(scalar("acme.com"), "acme.com");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("No"), "\"No\"");
        assert_eq!(scalar("1.0"), "\"1.0\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("#x"), "\"#x\"");
        assert_eq!(scalar(" lead"), "\" lead\"");
        assert_eq!(scalar("trail "), "\"trail \"");
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("say \"hi\"\n"), "\"say \\\"hi\\\"\\n\"");
        assert_eq!(scalar("\u{7f}"), "\"\\u007f\"");
    }
}
