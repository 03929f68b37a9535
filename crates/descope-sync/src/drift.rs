//! Drift: what the live project has that the file does not say, read off the project plan field
//! by field, each with the severity the file's `drift:` section (or its default) gives it.
//!
//! The plan is the one `sync --dry-run` makes, so drift means exactly "sync would change this":
//! - an update is one difference per changed field (live value → file value);
//! - a create is an object of the file that is missing live (key `missing`);
//! - a delete is a live object the file does not list, found only when the plan prunes
//!   (`drift --prune`, key `unlisted`);
//! - unchanged objects and fields the file leaves out are never drift.

use descope_spec::{DriftPolicy, Severity};
use serde::Serialize;
use serde_json::Value;

use crate::change::{Action, FieldChange, ResourceKind};
use crate::project::ProjectPlan;

/// One difference between the live project and the file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DriftItem {
    /// What kind of object: tenant, permission, role, tenant role, settings.
    pub kind: ResourceKind,
    /// The tenant of a tenant role or of settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// The object's id (tenant) or name (role, permission; the tenant id for settings).
    pub id: String,
    /// The file's key that differs, or `missing` / `unlisted` for a whole object.
    pub field: String,
    /// The live value (`null`: the object is missing live).
    pub live: Value,
    /// The file's value (`null`: the file does not list the object).
    pub file: Value,
    pub severity: Severity,
}

/// Every difference of a plan, in the plan's order (the other kinds, then the tenants), and how
/// many were ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Drift {
    /// The reported differences (severity critical or warning).
    pub items: Vec<DriftItem>,
    /// Differences whose severity is `ignore`.
    pub ignored: usize,
}

impl Drift {
    /// How many reported differences have `severity`.
    #[must_use]
    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|i| i.severity == severity).count()
    }
}

/// The drift a plan shows under `policy`.
#[must_use]
pub fn drift(plan: &ProjectPlan, policy: &DriftPolicy) -> Drift {
    let mut all = Vec::new();
    for c in &plan.resources {
        let settings = c.kind == ResourceKind::Settings;
        all.extend(object_items(c.action, &c.fields, |field, live, file| {
            DriftItem {
                kind: c.kind,
                tenant: if settings {
                    Some(c.name.clone())
                } else {
                    c.tenant.clone()
                },
                id: c.live_name().to_owned(),
                field: field.to_owned(),
                live,
                file,
                // A setting's key counts as `settings` (see `DriftPolicy::severity`).
                severity: policy.severity(if settings { "settings" } else { field }),
            }
        }));
    }
    for c in &plan.tenants.changes {
        all.extend(object_items(c.action, &c.fields, |field, live, file| {
            DriftItem {
                kind: ResourceKind::Tenant,
                tenant: None,
                id: c.id.clone(),
                field: field.to_owned(),
                live,
                file,
                severity: policy.severity(field),
            }
        }));
    }
    let (ignored, items): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|i| i.severity == Severity::Ignore);
    Drift {
        items,
        ignored: ignored.len(),
    }
}

/// The items of one object's change: the whole object when it is missing live (`missing`) or
/// not in the file (`unlisted`), else one per changed field.
fn object_items(
    action: Action,
    fields: &[FieldChange],
    item: impl Fn(&str, Value, Value) -> DriftItem,
) -> Vec<DriftItem> {
    let present = || Value::String("present".into());
    match action {
        Action::Create => vec![item("missing", Value::Null, present())],
        Action::Delete => vec![item("unlisted", present(), Value::Null)],
        Action::Update => fields
            .iter()
            .map(|f| item(&f.field, f.old.clone(), f.new.clone()))
            .collect(),
        Action::Unchanged => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::{Change, Plan};
    use crate::project::ResourceChange;

    fn field(name: &str, old: Value, new: Value) -> FieldChange {
        FieldChange {
            field: name.into(),
            old,
            new,
        }
    }

    #[test]
    fn fields_get_their_severity_and_ignored_ones_are_counted() {
        let plan = ProjectPlan {
            tenants: Plan {
                changes: vec![Change {
                    kind: ResourceKind::Tenant,
                    id: "acme".into(),
                    action: Action::Update,
                    fields: vec![
                        field("domains", "[\"a.com\"]".into(), "[\"b.com\"]".into()),
                        field("name", "A".into(), "B".into()),
                        field("customAttributes", Value::Null, Value::Null),
                    ],
                    request: None,
                    default_roles: None,
                    protected: false,
                    temp_name: None,
                }],
            },
            resources: vec![ResourceChange {
                kind: ResourceKind::Settings,
                tenant: None,
                name: "acme".into(),
                renamed_from: None,
                action: Action::Update,
                fields: vec![field("inactivityTimeout", "30m".into(), "1h".into())],
                request: None,
                protected: false,
            }],
            ..ProjectPlan::default()
        };
        let mut policy = DriftPolicy::default();
        policy
            .overrides
            .insert("customAttributes".into(), Severity::Ignore);
        let d = drift(&plan, &policy);
        let got: Vec<(&str, Severity)> = d
            .items
            .iter()
            .map(|i| (i.field.as_str(), i.severity))
            .collect();
        assert_eq!(
            got,
            vec![
                ("inactivityTimeout", Severity::Critical),
                ("domains", Severity::Critical),
                ("name", Severity::Warning),
            ]
        );
        assert_eq!(d.ignored, 1);
        assert_eq!(d.items[0].tenant.as_deref(), Some("acme"));
    }
}
