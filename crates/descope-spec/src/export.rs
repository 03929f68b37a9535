//! Export: live tenants as a tenants.yaml, or a whole project (permissions, roles, tenants with
//! their settings and roles) as a project file, that re-parses to the same values and syncs with
//! no changes.

use std::fmt::Write as _;

use descope_model::Tenant;
use serde_json::Value;

use crate::substitute::escape;
use crate::{
    DesiredPermission, DesiredRole, DesiredSettings, DesiredTenant, Inactivity, Location,
    SCHEMA_MODELINE,
};

/// A whole project as a project file describes it: the input of [`project_to_yaml`].
/// `None` leaves a section out of the file (not managed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DesiredProject {
    pub permissions: Option<Vec<DesiredPermission>>,
    pub roles: Option<Vec<DesiredRole>>,
    pub tenants: Vec<DesiredTenant>,
}

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
        settings: None,
        roles: None,
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
    let mut out = String::with_capacity(64 + tenants.len() * 160);
    out.push_str(SCHEMA_MODELINE);
    out.push('\n');
    write_tenants(&mut out, tenants);
    out
}

/// Renders a whole project as a project file: the schema modeline, then `permissions:` and
/// `roles:` (each sorted by name; left out when `None`), then `tenants:` as [`to_yaml`] writes
/// them, each with its `settings:` and `roles:` when they are managed. Durations are written in
/// their canonical unit (`2h`, not `120m`), so a file read and written again is unchanged.
#[must_use]
pub fn project_to_yaml(project: &DesiredProject) -> String {
    let mut out = String::with_capacity(64 + project.tenants.len() * 160);
    out.push_str(SCHEMA_MODELINE);
    out.push('\n');
    if let Some(permissions) = &project.permissions {
        let mut sorted: Vec<&DesiredPermission> = permissions.iter().collect();
        sorted.sort_by(|a, b| a.name.cmp(&b.name));
        if sorted.is_empty() {
            out.push_str("permissions: []\n");
        } else {
            out.push_str("permissions:\n");
        }
        for p in sorted {
            let _ = writeln!(out, "  - name: {}", text(&p.name));
            if let Some(d) = &p.description {
                let _ = writeln!(out, "    description: {}", text(d));
            }
            if let Some(r) = &p.renamed_from {
                let _ = writeln!(out, "    renamedFrom: {}", text(r));
            }
        }
    }
    if let Some(roles) = &project.roles {
        write_roles(&mut out, "", roles);
    }
    write_tenants(&mut out, &project.tenants);
    out
}

/// A `roles:` list at `indent` (the key's), sorted by name.
fn write_roles(out: &mut String, indent: &str, roles: &[DesiredRole]) {
    let mut sorted: Vec<&DesiredRole> = roles.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    if sorted.is_empty() {
        let _ = writeln!(out, "{indent}roles: []");
        return;
    }
    let _ = writeln!(out, "{indent}roles:");
    for r in sorted {
        let _ = writeln!(out, "{indent}  - name: {}", text(&r.name));
        if let Some(d) = &r.description {
            let _ = writeln!(out, "{indent}    description: {}", text(d));
        }
        if let Some(p) = &r.permissions {
            let _ = writeln!(out, "{indent}    permissions: {}", list(p));
        }
        if let Some(b) = r.default {
            let _ = writeln!(out, "{indent}    default: {b}");
        }
        if let Some(b) = r.private {
            let _ = writeln!(out, "{indent}    private: {b}");
        }
        if r.protect {
            let _ = writeln!(out, "{indent}    protect: true");
        }
        if let Some(old) = &r.renamed_from {
            let _ = writeln!(out, "{indent}    renamedFrom: {}", text(old));
        }
    }
}

/// A tenant's `settings:` mapping (under a tenant entry, so at four spaces).
fn write_settings(out: &mut String, s: &DesiredSettings) {
    let mut lines: Vec<String> = Vec::new();
    if !s.enabled {
        lines.push("enabled: false".to_owned());
    }
    let durations = [
        ("sessionTokenExpiration", s.session_token_expiration),
        ("refreshTokenExpiration", s.refresh_token_expiration),
        ("stepupTokenExpiration", s.stepup_token_expiration),
    ];
    for (key, d) in durations {
        if let Some(d) = d {
            lines.push(format!("{key}: {d}"));
        }
    }
    match s.inactivity_timeout {
        Some(Inactivity::Off) => lines.push("inactivityTimeout: \"off\"".to_owned()),
        Some(Inactivity::After(d)) => lines.push(format!("inactivityTimeout: {d}")),
        None => {}
    }
    if let Some(b) = s.jit_disabled {
        lines.push(format!("jitDisabled: {b}"));
    }
    if let Some(suite) = &s.sso_setup_suite {
        let mut inner: Vec<String> = Vec::new();
        if let Some(b) = suite.enabled {
            inner.push(format!("enabled: {b}"));
        }
        if let Some(id) = &suite.style_id {
            inner.push(format!("styleId: {}", text(id)));
        }
        if let Some(f) = &suite.disabled_features {
            let flags: Vec<String> = [
                ("saml", f.saml),
                ("oidc", f.oidc),
                ("scim", f.scim),
                ("ssoDomains", f.sso_domains),
                ("groupMapping", f.group_mapping),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}: {v}")))
            .collect();
            inner.push(format!("disabledFeatures: {{{}}}", flags.join(", ")));
        }
        if inner.is_empty() {
            lines.push("ssoSetupSuite: {}".to_owned());
        } else {
            lines.push("ssoSetupSuite:".to_owned());
            lines.extend(inner.into_iter().map(|l| format!("  {l}")));
        }
    }
    if lines.is_empty() {
        out.push_str("    settings: {}\n");
        return;
    }
    out.push_str("    settings:\n");
    for l in lines {
        let _ = writeln!(out, "      {l}");
    }
}

/// The `tenants:` list, sorted by id.
fn write_tenants(out: &mut String, tenants: &[DesiredTenant]) {
    let mut sorted: Vec<&DesiredTenant> = tenants.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    if sorted.is_empty() {
        out.push_str("tenants: []\n");
        return;
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
        if let Some(s) = &t.settings {
            write_settings(out, s);
        }
        if let Some(roles) = &t.roles {
            write_roles(out, "    ", roles);
        }
    }
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
