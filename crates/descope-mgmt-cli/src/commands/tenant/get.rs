//! `tenant get`: one tenant with its settings.

use clap::Args;
use descope_api::TenantSettings;
use serde_json::{Value, json};

use crate::ctx::Ctx;
use crate::error::{CliResult, Exit};
use crate::output::Table;
use crate::tenants::{load, settings_of};
use crate::values::show_value;

/// `tenant get`.
#[derive(Debug, Args)]
pub struct TenantGetArgs {
    /// Tenant id
    pub id: String,
}

/// `tenant get`: the tenant and its settings, as one object (`{"tenant", "settings"}`, the
/// settings as the service returns them).
pub async fn run(ctx: &Ctx, args: &TenantGetArgs) -> CliResult {
    let id = args.id.as_str();
    let client = ctx.client().await?;
    let tenant = load(ctx, client, id).await?;
    let settings = settings_of(ctx, client, id).await?;
    let value = json!({ "tenant": tenant, "settings": settings });
    ctx.out.emit(&value, || {
        let mut t = Table::new(vec!["FIELD", "VALUE"]);
        let mut push = |k: &str, v: String| t.rows.push(vec![k.to_owned(), v]);
        push("id", tenant.id.clone());
        push("name", tenant.name.clone());
        push("domains", tenant.self_provisioning_domains.join(","));
        push(
            "customAttributes",
            show_value(&json!(tenant.custom_attributes)),
        );
        push("enforceSSO", tenant.enforce_sso.to_string());
        push("disabled", tenant.disabled.to_string());
        push("parent", tenant.parent.clone());
        push("defaultRoles", tenant.default_roles.join(","));
        push("authType", tenant.auth_type.clone());
        for (k, v) in settings_rows(&settings) {
            push(&format!("settings.{k}"), v);
        }
        t
    })?;
    Ok(Exit::Success)
}

/// The settings as the project file writes them: its keys, durations in its human form (`15m`,
/// `4w`) where the wire's value and unit make one, `inactivityTimeout: off` when inactivity is
/// off; then every other field as read.
fn settings_rows(settings: &TenantSettings) -> Vec<(String, String)> {
    let mut rest = settings.clone();
    let mut rows = Vec::new();
    let mut take = |key: &str| rest.shift_remove(key).filter(|v| !v.is_null());
    if let Some(v) = take("enabled") {
        rows.push(("enabled".to_owned(), show_value(&v)));
    }
    for key in [
        "sessionTokenExpiration",
        "refreshTokenExpiration",
        "stepupTokenExpiration",
    ] {
        let unit = take(&format!("{key}Unit"));
        if let Some(text) = duration(take(key), unit) {
            rows.push((key.to_owned(), text));
        }
    }
    let enabled = take("enableInactivity");
    let time = duration(take("inactivityTime"), take("inactivityTimeUnit"));
    match (enabled, time) {
        (Some(Value::Bool(false)), _) => rows.push(("inactivityTimeout".into(), "off".into())),
        (Some(Value::Bool(true)) | None, Some(t)) => rows.push(("inactivityTimeout".into(), t)),
        (Some(e), t) => {
            rows.push(("enableInactivity".into(), show_value(&e)));
            if let Some(t) = t {
                rows.push(("inactivityTime".into(), t));
            }
        }
        (None, None) => {}
    }
    if let Some(v) = take("JITDisabled") {
        rows.push(("jitDisabled".to_owned(), show_value(&v)));
    }
    if let Some(v) = take("ssoSetupSuiteSettings") {
        rows.push(("ssoSetupSuite".to_owned(), show_value(&v)));
    }
    rows.extend(rest.iter().map(|(k, v)| (k.clone(), show_value(v))));
    rows
}

/// A wire duration in the file's form (`15m`) when it is exact, else as read (`90 seconds`).
fn duration(value: Option<Value>, unit: Option<Value>) -> Option<String> {
    let value = value?;
    let unit = unit.unwrap_or(Value::Null);
    let exact = value
        .as_i64()
        .zip(unit.as_str())
        .and_then(|(n, u)| descope_spec::Duration::from_wire(n, u));
    Some(match (exact, unit.as_str()) {
        (Some(d), _) => d.to_string(),
        (None, Some(u)) => format!("{} {u}", show_value(&value)),
        (None, None) => show_value(&value),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_show_in_the_files_form() {
        let s = json!({"selfProvisioningDomains": ["acme.com"], "enabled": true,
            "sessionTokenExpiration": 120, "sessionTokenExpirationUnit": "minutes",
            "refreshTokenExpiration": 90, "refreshTokenExpirationUnit": "seconds",
            "enableInactivity": false, "inactivityTime": 12, "inactivityTimeUnit": "minutes",
            "JITDisabled": true, "futureField": 1});
        let rows = settings_rows(s.as_object().unwrap());
        let text: Vec<String> = rows.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            text,
            [
                "enabled=true",
                "sessionTokenExpiration=2h",
                "refreshTokenExpiration=90 seconds",
                "inactivityTimeout=off",
                "jitDisabled=true",
                "selfProvisioningDomains=[\"acme.com\"]",
                "futureField=1"
            ]
        );
        let on =
            json!({"enableInactivity": true, "inactivityTime": 2, "inactivityTimeUnit": "weeks"});
        assert_eq!(
            settings_rows(on.as_object().unwrap()),
            [("inactivityTimeout".to_owned(), "2w".to_owned())]
        );
    }
}
