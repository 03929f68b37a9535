//! The plan document: what `tenant sync --dry-run -o json` prints and `--out PLAN.json` saves,
//! and the saved plan read back from it ([`SavedPlan`]).
//!
//! The document is written straight from the plan ([`PlanDocument`]): no intermediate JSON tree
//! for a plan of 100,000 tenants. It is read with serde into [`SavedPlan`]; a file that does not
//! fit that shape is read again as plain JSON only to say exactly what is wrong with it.

use std::collections::BTreeMap;
use std::path::Path;

use descope_model::hash::{FastMap, fast_map};
use descope_model::{Tenant, TenantRequest};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Value, json};

use crate::change::{Action, Change, FieldChange, Plan, PlanOptions, Summary};
use crate::project::{ProjectPlan, ResourceChange, SavedResource};
use crate::saved::SavedChange;

/// Version of the saved plan format (`formatVersion`).
pub const PLAN_FORMAT: u32 = 1;

/// A saved plan as its file holds it, not yet trusted: [`SavedPlan::into_plan`] checks it
/// against the project before anything is applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedPlan {
    /// [`PLAN_FORMAT`] when this version wrote it.
    pub format_version: u32,
    /// The project it was made for.
    pub project_id: String,
    /// The tenants.yaml it was made from (for the reader; not used to apply it).
    #[serde(default)]
    pub config: Option<String>,
    /// What it says it holds.
    pub summary: Summary,
    /// The creates, updates and deletes, in plan order.
    pub changes: Vec<SavedChange>,
    /// Ids of the tenants it leaves as they are.
    pub unchanged: Vec<String>,
    /// A project plan's other kinds (permissions, roles, settings, tenant roles), unchanged
    /// ones included, in plan order; absent from a tenants-only plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<SavedResource>,
    /// The fingerprint of each tenant it read, by id; `None` for a tenant that did not exist.
    pub fingerprints: BTreeMap<String, Option<String>>,
    /// The fingerprint of each other object its resources read, by key (`permission:NAME`,
    /// `role:NAME`, `role:TENANT/NAME`, `settings:TENANT`); `None` for one that did not exist.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resource_fingerprints: BTreeMap<String, Option<String>>,
    /// The guards it was made with; `None` in a plan made before they were recorded.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub options: Option<PlanOptions>,
}

/// `options` when the key is there: `null` is not options.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<PlanOptions>, D::Error> {
    PlanOptions::deserialize(d).map(Some)
}

/// Why a saved plan file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Not a plan file at all (empty, not JSON, a key missing); the reason.
    Unusable(String),
    /// Another format version, as the file writes it.
    Version(String),
    /// A plan file that was edited or is damaged; what is wrong.
    Damaged(String),
}

impl SavedPlan {
    /// Reads a saved plan file's text.
    ///
    /// # Errors
    /// What makes it unusable, in the user's terms.
    pub fn from_json(text: &str) -> Result<SavedPlan, ReadError> {
        if text.trim().is_empty() {
            return Err(ReadError::Unusable("the file is empty".to_owned()));
        }
        let saved = match serde_json::from_str::<SavedPlan>(text) {
            Ok(saved) => saved,
            // Not the shape this version writes: read it as plain JSON to say why.
            Err(_) => diagnose(text)?,
        };
        if saved.format_version != PLAN_FORMAT {
            return Err(ReadError::Version(saved.format_version.to_string()));
        }
        // The summary is what a reviewer reads first: it must count what the plan holds.
        let held = saved.held();
        if saved.summary != held {
            return Err(ReadError::Damaged(format!(
                "its summary says {} but it holds {}",
                summary_text(&json!(saved.summary)),
                summary_text(&json!(held))
            )));
        }
        Ok(saved)
    }

    /// What the plan holds, counted (its tenants and its other kinds together).
    fn held(&self) -> Summary {
        let count = |a: Action| {
            self.changes.iter().filter(|c| c.action == a).count()
                + self.resources.iter().filter(|c| c.action == a).count()
        };
        Summary {
            create: count(Action::Create),
            update: count(Action::Update),
            delete: count(Action::Delete),
            unchanged: self.unchanged.len() + count(Action::Unchanged),
        }
    }
}

/// Reads a saved plan that serde refused, as JSON, for the exact reason; or reads it after all
/// where this version is lenient (a `null` for an empty list, a fingerprint that is not a string).
fn diagnose(text: &str) -> Result<SavedPlan, ReadError> {
    let bad = ReadError::Unusable;
    let v: Value = serde_json::from_str(text).map_err(|e| {
        let what = e.to_string();
        let what = what
            .rsplit_once(" at line ")
            .map_or(what.as_str(), |(w, _)| w);
        bad(format!(
            "invalid JSON at line {}, column {}: {what}",
            e.line(),
            e.column().max(1)
        ))
    })?;
    let format_version = match v.get("formatVersion") {
        Some(n) if n.as_u64() == Some(u64::from(PLAN_FORMAT)) => PLAN_FORMAT,
        Some(n @ Value::Number(_)) => return Err(ReadError::Version(n.to_string())),
        _ => return Err(bad("it has no formatVersion number".into())),
    };
    let project_id = v
        .get("projectId")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("no projectId".into()))?
        .to_owned();
    let changes = v
        .get("changes")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no changes".into()))?
        .iter()
        .map(change_from_json)
        .collect::<Result<Vec<_>, _>>()
        .map_err(ReadError::Damaged)?;
    let fingerprints = v
        .get("fingerprints")
        .and_then(Value::as_object)
        .ok_or_else(|| bad("no fingerprints".into()))?
        .iter()
        .map(|(k, f)| (k.clone(), f.as_str().map(str::to_owned)))
        .collect();
    let unchanged = v
        .get("unchanged")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no list of unchanged tenants".into()))?
        .iter()
        .map(|u| u.as_str().map(str::to_owned))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| ReadError::Damaged("an unchanged tenant is not an id".into()))?;
    let resources = match v.get("resources") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(rs)) => rs
            .iter()
            .enumerate()
            .map(|(i, r)| {
                serde_json::from_value::<SavedResource>(r.clone()).map_err(|e| {
                    ReadError::Damaged(format!(
                        "resource {} is not {{kind, name, action, fields, request}}: {e}",
                        i + 1
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err(ReadError::Damaged("`resources` is not a list".into())),
    };
    let resource_fingerprints = match v.get("resourceFingerprints") {
        None | Some(Value::Null) => BTreeMap::new(),
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, f)| (k.clone(), f.as_str().map(str::to_owned)))
            .collect(),
        Some(_) => {
            return Err(ReadError::Damaged(
                "`resourceFingerprints` is not a mapping".into(),
            ));
        }
    };
    let mut saved = SavedPlan {
        format_version,
        project_id,
        config: v.get("config").and_then(Value::as_str).map(str::to_owned),
        summary: Summary::default(),
        changes,
        unchanged,
        resources,
        fingerprints,
        resource_fingerprints,
        options: None,
    };
    let held = saved.held();
    let shown = v.get("summary").cloned().unwrap_or(Value::Null);
    if shown != json!(held) {
        return Err(ReadError::Damaged(format!(
            "its summary says {} but it holds {}",
            summary_text(&shown),
            summary_text(&json!(held))
        )));
    }
    saved.summary = held;
    saved.options = match v.get("options") {
        None => None,
        Some(o) => Some(options_from_json(o).ok_or_else(|| {
            ReadError::Damaged("its `options` are not {prune, maxDeletes, only, protected}".into())
        })?),
    };
    Ok(saved)
}

/// One change of a saved plan as recorded; `crate::rederive` decides whether to trust it.
fn change_from_json(v: &Value) -> Result<SavedChange, String> {
    let id = v
        .get("id")
        .and_then(Value::as_str)
        .ok_or("a change has no id")?
        .to_owned();
    let action = match v.get("action").and_then(Value::as_str) {
        Some("create") => Action::Create,
        Some("update") => Action::Update,
        Some("delete") => Action::Delete,
        Some(other) => {
            return Err(format!(
                "change `{id}` has an unknown action `{other}` (create, update or delete)"
            ));
        }
        None => return Err(format!("change `{id}` has no action")),
    };
    let present = |key: &str| v.get(key).filter(|r| !r.is_null()).cloned();
    let fields = match v.get("fields") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(fs)) => fs
            .iter()
            .map(|f| {
                Ok(FieldChange {
                    field: f
                        .get("field")
                        .and_then(Value::as_str)
                        .ok_or_else(|| format!("change `{id}` has a field with no name"))?
                        .to_owned(),
                    old: f.get("old").cloned().unwrap_or(Value::Null),
                    new: f.get("new").cloned().unwrap_or(Value::Null),
                })
            })
            .collect::<Result<_, String>>()?,
        Some(_) => return Err(format!("change `{id}`: `fields` is not a list")),
    };
    let temp_name = match v.get("tempName") {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) => Some(t.clone()),
        Some(_) => return Err(format!("change `{id}`: `tempName` is not a string")),
    };
    Ok(SavedChange {
        id,
        action,
        fields,
        request: present("request"),
        default_roles: present("defaultRoles"),
        temp_name,
    })
}

/// `{create, update, delete, unchanged}` as "A to create, B to update, …".
fn summary_text(v: &Value) -> String {
    let n = |k: &str| v.get(k).map_or_else(|| "?".to_owned(), ToString::to_string);
    format!(
        "{} to create, {} to update, {} to delete, {} unchanged",
        n("create"),
        n("update"),
        n("delete"),
        n("unchanged")
    )
}

fn options_from_json(o: &Value) -> Option<PlanOptions> {
    let strings = |k: &str| -> Option<Vec<String>> {
        o.get(k)?
            .as_array()?
            .iter()
            .map(|s| s.as_str().map(str::to_owned))
            .collect()
    };
    Some(PlanOptions {
        prune: o.get("prune")?.as_bool()?,
        max_deletes: usize::try_from(o.get("maxDeletes")?.as_u64()?).ok()?,
        only: strings("only")?,
        protected: strings("protected")?,
    })
}

/// A plan as its document, written as it is serialised: the same keys, in the same order, as
/// [`SavedPlan`].
pub struct PlanDocument<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// The project it was made for.
    pub project_id: &'a str,
    /// The tenants.yaml it was made from.
    pub config: Option<&'a Path>,
    /// Sorted by id (see [`plan_fingerprints`]).
    pub fingerprints: &'a [(&'a str, Option<String>)],
    /// The guards the plan was made with, so that applying it saved still holds them.
    pub options: &'a PlanOptions,
}

/// A project plan as its document: [`PlanDocument`]'s keys, plus `resources` (every change of
/// the other kinds, unchanged ones included) and `resourceFingerprints` — both left out when
/// empty, so a plan of tenants alone writes exactly the document `tenant sync` writes.
pub struct ProjectPlanDocument<'a> {
    /// The plan.
    pub plan: &'a ProjectPlan,
    /// The project it was made for.
    pub project_id: &'a str,
    /// The file it was made from.
    pub config: Option<&'a Path>,
    /// The tenants' fingerprints, sorted by id (see [`plan_fingerprints`]).
    pub fingerprints: &'a [(&'a str, Option<String>)],
    /// The other objects' fingerprints, sorted by key (see [`crate::resource_fingerprints`]).
    pub resource_fingerprints: &'a [(String, Option<String>)],
    /// The guards the plan was made with.
    pub options: &'a PlanOptions,
}

/// The document's keys, borrowed from the plan.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DocumentRef<'a, C: Serialize, U: Serialize> {
    format_version: u32,
    project_id: &'a str,
    config: Option<&'a Path>,
    summary: Summary,
    changes: C,
    unchanged: U,
    #[serde(skip_serializing_if = "Option::is_none")]
    resources: Option<&'a [ResourceChange]>,
    fingerprints: Fingerprints<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_fingerprints: Option<KeyedFingerprints<'a>>,
    options: &'a PlanOptions,
}

/// One change as [`SavedChange`] records it, borrowed from the plan.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChangeRef<'a> {
    id: &'a str,
    action: Action,
    fields: &'a [FieldChange],
    request: Option<&'a TenantRequest>,
    default_roles: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temp_name: Option<&'a str>,
}

impl<'a> From<&'a Change> for ChangeRef<'a> {
    fn from(c: &'a Change) -> Self {
        ChangeRef {
            id: &c.id,
            action: c.action,
            fields: &c.fields,
            request: c.request.as_deref(),
            default_roles: c.default_roles.as_deref(),
            temp_name: c.temp_name.as_deref(),
        }
    }
}

impl Serialize for PlanDocument<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let changes = &self.plan.changes;
        DocumentRef {
            format_version: PLAN_FORMAT,
            project_id: self.project_id,
            config: self.config,
            summary: self.plan.summary(),
            changes: Seq(|| {
                changes
                    .iter()
                    .filter(|c| c.action != Action::Unchanged)
                    .map(ChangeRef::from)
            }),
            unchanged: Seq(|| {
                changes
                    .iter()
                    .filter(|c| c.action == Action::Unchanged)
                    .map(|c| c.id.as_str())
            }),
            resources: None,
            fingerprints: Fingerprints(self.fingerprints),
            resource_fingerprints: None,
            options: self.options,
        }
        .serialize(s)
    }
}

impl Serialize for ProjectPlanDocument<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let changes = &self.plan.tenants.changes;
        let resources = &self.plan.resources;
        DocumentRef {
            format_version: PLAN_FORMAT,
            project_id: self.project_id,
            config: self.config,
            summary: self.plan.summary(),
            changes: Seq(|| {
                changes
                    .iter()
                    .filter(|c| c.action != Action::Unchanged)
                    .map(ChangeRef::from)
            }),
            unchanged: Seq(|| {
                changes
                    .iter()
                    .filter(|c| c.action == Action::Unchanged)
                    .map(|c| c.id.as_str())
            }),
            resources: (!resources.is_empty()).then_some(resources.as_slice()),
            fingerprints: Fingerprints(self.fingerprints),
            resource_fingerprints: (!self.resource_fingerprints.is_empty())
                .then_some(KeyedFingerprints(self.resource_fingerprints)),
            options: self.options,
        }
        .serialize(s)
    }
}

/// A sequence serialised from an iterator made on demand.
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

struct Fingerprints<'a>(&'a [(&'a str, Option<String>)]);

struct KeyedFingerprints<'a>(&'a [(String, Option<String>)]);

impl Serialize for KeyedFingerprints<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, fp)| (k, fp)))
    }
}

impl Serialize for Fingerprints<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(id, fp)| (id, fp)))
    }
}

/// The fingerprint of every live tenant, by id.
#[must_use]
pub fn live_fingerprints(live: &[Tenant]) -> FastMap<&str, String> {
    let mut out = fast_map(live.len());
    out.extend(live.iter().map(|t| (t.id.as_str(), crate::fingerprint(t))));
    out
}

/// Fingerprints of what the plan read: every live tenant in scope, and `None` for each desired
/// tenant that was absent (so a tenant created meanwhile also makes the plan stale). By id.
#[must_use]
pub fn plan_fingerprints<'a>(
    plan: &'a Plan,
    live: &FastMap<&str, String>,
) -> Vec<(&'a str, Option<String>)> {
    let mut out: Vec<(&str, Option<String>)> = plan
        .changes
        .iter()
        .map(|c| (c.id.as_str(), live.get(c.id.as_str()).cloned()))
        .collect();
    out.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out
}
