//! A saved plan read back: every request is derived again from what the plan shows (its fields,
//! old → new) and the live tenants it was made against, and a plan whose changes do not match
//! what it shows, or that breaks the `--prune` / `--max-deletes` it was made with, is refused.

use std::collections::{BTreeMap, HashMap, HashSet};

use descope_model::{Attrs, Tenant};
use descope_spec::DesiredTenant;
use serde_json::Value;

use crate::change::{Action, Change, FieldChange, PlanOptions};
use crate::plan::{create, same_value, update};

/// One change as a saved plan file records it, not yet trusted.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedChange {
    pub id: String,
    /// Create, update or delete.
    #[serde(deserialize_with = "written")]
    pub action: Action,
    /// What the plan shows.
    #[serde(default)]
    pub fields: Vec<FieldChange>,
    /// The recorded request, as JSON (`None` for `null` or absent).
    #[serde(default)]
    pub request: Option<Value>,
    /// The recorded default roles, as JSON (`None` for `null` or absent).
    #[serde(default)]
    pub default_roles: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temp_name: Option<String>,
}

/// An action a saved change can have: `unchanged` is not a change.
fn written<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Action, D::Error> {
    use serde::Deserialize;
    match Action::deserialize(d)? {
        Action::Unchanged => Err(serde::de::Error::custom("not a change")),
        a => Ok(a),
    }
}

/// Derives the changes of a saved plan again from what it shows and `live` (the project as the
/// plan's fingerprints say it was when the plan was made), and checks them against the plan.
///
/// `options` are the `--prune`, `--max-deletes`, `--only` and `protected` the plan was made
/// with. The error says what does not match, in the user's terms.
pub fn rederive(
    saved: &[SavedChange],
    options: &PlanOptions,
    live: &[Tenant],
) -> Result<Vec<Change>, String> {
    let pattern = |what: &str, p: &String| {
        glob::Pattern::new(p)
            .map_err(|e| format!("its recorded {what} pattern `{p}` is invalid: {}", e.msg))
    };
    let only = options
        .only
        .iter()
        .map(|p| pattern("--only", p))
        .collect::<Result<Vec<_>, _>>()?;
    let protected = options
        .protected
        .iter()
        .map(|p| pattern("protected", p))
        .collect::<Result<Vec<_>, _>>()?;
    let by_id: HashMap<&str, &Tenant> = live.iter().map(|t| (t.id.as_str(), t)).collect();
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(saved.len());
    for s in saved {
        let id = s.id.as_str();
        if !seen.insert(id) {
            return Err(format!("tenant `{id}` has more than one change"));
        }
        if !only.is_empty() && !only.iter().any(|p| p.matches(id)) {
            return Err(format!(
                "tenant `{id}` is outside the --only scope the plan was made with"
            ));
        }
        let live = by_id.get(id).copied();
        let c = match (s.action, live) {
            (Action::Create, None) => create(&desired(s, None)?),
            (Action::Create, Some(_)) => {
                return Err(format!("it creates tenant `{id}`, which already existed"));
            }
            (Action::Update, Some(l)) => update(&desired(s, Some(l))?, l),
            (Action::Delete, Some(_)) => {
                if !s.fields.is_empty() || s.request.is_some() || s.default_roles.is_some() {
                    return Err(format!(
                        "the delete of tenant `{id}` carries fields or a request"
                    ));
                }
                if !options.prune {
                    return Err(format!(
                        "it deletes tenant `{id}`, but it was made without --prune"
                    ));
                }
                if protected.iter().any(|p| p.matches(id)) {
                    return Err(format!("it deletes tenant `{id}`, which is protected"));
                }
                Change {
                    kind: crate::ResourceKind::Tenant,
                    id: id.to_owned(),
                    action: Action::Delete,
                    fields: Vec::new(),
                    request: None,
                    default_roles: None,
                    protected: false,
                    temp_name: None,
                }
            }
            (Action::Update | Action::Delete, None) => {
                return Err(format!(
                    "it changes tenant `{id}`, which did not exist when it was made"
                ));
            }
            (Action::Unchanged, _) => {
                return Err(format!(
                    "tenant `{id}` is listed as a change that changes nothing"
                ));
            }
        };
        if s.action != Action::Delete {
            check_shown(s, &c)?;
        }
        out.push(c);
    }
    let deletes: HashSet<&str> = out
        .iter()
        .filter(|c| c.action == Action::Delete)
        .map(|c| c.id.as_str())
        .collect();
    if deletes.len() > options.max_deletes {
        return Err(format!(
            "it deletes {} tenants, more than the --max-deletes {} it was made with",
            deletes.len(),
            options.max_deletes
        ));
    }
    // A deleted tenant must not be the parent of one that stays.
    let kept_child = live
        .iter()
        .filter(|t| !deletes.contains(t.id.as_str()))
        .map(|t| (t.id.as_str(), t.parent.as_str()))
        .chain(out.iter().filter(|c| c.action == Action::Create).map(|c| {
            (
                c.id.as_str(),
                c.request.as_ref().map_or("", |r| r.parent.as_str()),
            )
        }))
        .filter(|(_, p)| deletes.contains(p))
        .min();
    if let Some((child, parent)) = kept_child {
        return Err(format!(
            "it deletes tenant `{parent}` but keeps its sub-tenant `{child}`"
        ));
    }
    let temps = crate::order::temporary_names(&out, live);
    for (c, s) in out.iter_mut().zip(saved) {
        let want = temps.get(&c.id);
        if want != s.temp_name.as_ref() {
            return Err(match (&s.temp_name, want) {
                (Some(t), None) => format!(
                    "tenant `{}` is first renamed to `{t}`, which its rename does not need",
                    c.id
                ),
                (_, Some(t)) => format!(
                    "tenant `{}` must first be renamed to the temporary name `{t}`",
                    c.id
                ),
                (None, None) => String::new(),
            });
        }
        c.temp_name = want.cloned();
    }
    Ok(out)
}

/// The desired tenant a create or an update shows: the `new` value of each field; the live
/// value for a field it does not show.
fn desired(s: &SavedChange, live: Option<&Tenant>) -> Result<DesiredTenant, String> {
    let id = &s.id;
    let mut d = DesiredTenant {
        id: id.clone(),
        name: live.map(|l| l.name.clone()).unwrap_or_default(),
        ..DesiredTenant::default()
    };
    let mut named = false;
    let mut seen = HashSet::new();
    for f in &s.fields {
        if !seen.insert(f.field.as_str()) {
            return Err(format!("tenant `{id}` shows field `{}` twice", f.field));
        }
        let bad = |want: &str| {
            format!(
                "tenant `{id}`: the new value of `{}` is not {want}",
                f.field
            )
        };
        let strings = |v: &Value| -> Result<Vec<String>, String> {
            serde_json::from_value(v.clone()).map_err(|_| bad("a list of strings"))
        };
        match f.field.as_str() {
            "name" => {
                d.name = f.new.as_str().ok_or_else(|| bad("a string"))?.to_owned();
                named = true;
            }
            "domains" => d.domains = Some(strings(&f.new)?),
            "customAttributes" => {
                if !f.new.is_object() {
                    return Err(bad("a mapping"));
                }
                d.custom_attributes = Some(
                    serde_json::from_value::<Attrs>(f.new.clone()).map_err(|_| bad("a mapping"))?,
                );
            }
            "enforceSSO" => {
                d.enforce_sso = Some(f.new.as_bool().ok_or_else(|| bad("true or false"))?)
            }
            "disabled" => d.disabled = Some(f.new.as_bool().ok_or_else(|| bad("true or false"))?),
            "parent" if live.is_none() => {
                d.parent = Some(f.new.as_str().ok_or_else(|| bad("a string"))?.to_owned());
            }
            "defaultRoles" => d.default_roles = Some(strings(&f.new)?),
            "parent" => {
                return Err(format!(
                    "the update of tenant `{id}` changes its parent, which is set only when a tenant is created"
                ));
            }
            other => return Err(format!("tenant `{id}` shows an unknown field `{other}`")),
        }
    }
    if live.is_none() && !named {
        return Err(format!("the create of tenant `{id}` shows no name"));
    }
    follows_field_rules(&d, live.is_none())?;
    Ok(d)
}

/// What a plan shows must pass the field rules tenants.yaml, `tenant create` and `tenant update`
/// follow: a plan file is input like any other, and an edited one must not send what the file
/// could never have said.
fn follows_field_rules(d: &DesiredTenant, creates: bool) -> Result<(), String> {
    use descope_spec::rules;
    let id = &d.id;
    let refuse = |p: rules::FieldProblem| format!("tenant `{id}`: {} ({})", p.message, p.help);
    if creates {
        rules::check_id(id).map_err(refuse)?;
        if let Some(parent) = &d.parent {
            rules::check_parent(parent, Some(id)).map_err(refuse)?;
        }
    }
    rules::check_name(&d.name).map_err(refuse)?;
    if let Some(domains) = &d.domains {
        rules::check_domains(domains).map_err(refuse)?;
    }
    if let Some(attrs) = &d.custom_attributes {
        for key in attrs.keys() {
            rules::check_attr_key(key).map_err(refuse)?;
        }
    }
    Ok(())
}

/// The recorded change must be exactly the one derived from what it shows.
fn check_shown(s: &SavedChange, c: &Change) -> Result<(), String> {
    let id = &s.id;
    if c.action != s.action {
        return Err(format!(
            "the update of tenant `{id}` changes nothing the project does not already have"
        ));
    }
    let same_fields = c.fields.len() == s.fields.len()
        && c.fields.iter().zip(&s.fields).all(|(a, b)| {
            a.field == b.field && same_value(&a.old, &b.old) && same_value(&a.new, &b.new)
        });
    if !same_fields {
        let changed: Vec<String> = c
            .fields
            .iter()
            .filter(|a| {
                !s.fields
                    .iter()
                    .any(|b| a.field == b.field && same_value(&a.old, &b.old))
            })
            .map(|a| format!("`{}`", a.field))
            .collect();
        return Err(if changed.is_empty() {
            format!("the fields shown for tenant `{id}` are not those the change makes")
        } else {
            format!(
                "the old value of {} shown for tenant `{id}` is not what the tenant had",
                changed.join(", ")
            )
        });
    }
    let want = c
        .request
        .as_ref()
        .map(|r| serde_json::to_value(r).unwrap_or(Value::Null));
    let request_matches = match (&want, &s.request) {
        (None, None) => true,
        (Some(a), Some(b)) => same_value(a, b),
        _ => false,
    };
    if !request_matches {
        return Err(format!(
            "the request of tenant `{id}` does not match the change it shows{}",
            want.as_ref()
                .zip(s.request.as_ref())
                .map(|(a, b)| differing_keys(a, b))
                .filter(|k| !k.is_empty())
                .map_or(String::new(), |k| format!(": it differs in {k}"))
        ));
    }
    let roles = c
        .default_roles
        .as_ref()
        .map(|r| serde_json::to_value(r).unwrap_or(Value::Null));
    let roles_match = match (&roles, &s.default_roles) {
        (None, None) => true,
        (Some(a), Some(b)) => same_value(a, b),
        _ => false,
    };
    if !roles_match {
        return Err(format!(
            "the default roles set on tenant `{id}` are not those it shows"
        ));
    }
    Ok(())
}

/// The top-level keys of two JSON objects whose values differ, as `a`, `b`.
fn differing_keys(a: &Value, b: &Value) -> String {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return String::new();
    };
    let keys: BTreeMap<&String, ()> = a.keys().chain(b.keys()).map(|k| (k, ())).collect();
    keys.into_keys()
        .filter(|k| match (a.get(*k), b.get(*k)) {
            (Some(x), Some(y)) => !same_value(x, y),
            _ => true,
        })
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
