//! Issue 12: the plan document is written straight from the plan (`PlanDocument`) and read back
//! with serde (`SavedPlan`): both have the same shape, byte for byte, and a file serde refuses is
//! read as plain JSON only to say exactly why (or to accept what this version always accepted).

use std::path::Path;

use descope_model::Tenant;
use descope_spec::DesiredTenant;
use descope_sync::{PlanDocument, PlanOptions, ReadError, SavedPlan, TrustError};

fn tenant(id: &str, name: &str, parent: &str) -> Tenant {
    Tenant {
        id: id.into(),
        name: name.into(),
        parent: parent.into(),
        default_roles: vec!["viewer".into()],
        ..Tenant::default()
    }
}

fn want(id: &str, name: &str, parent: Option<&str>) -> DesiredTenant {
    DesiredTenant {
        id: id.into(),
        name: name.into(),
        parent: parent.map(Into::into),
        default_roles: Some(vec!["admin".into()]),
        ..DesiredTenant::default()
    }
}

/// A plan with creates, updates, a swap, deletes and an unchanged tenant, as its document.
fn document() -> String {
    let live = vec![
        tenant("a", "Alpha", ""),
        tenant("b", "Beta", ""),
        tenant("gone", "Gone", ""),
        tenant("gone-kid", "Gone kid", "gone"),
        tenant("keep", "Keep", ""),
    ];
    let desired = vec![
        want("a", "Beta", None),
        want("b", "Alpha", None),
        want("new", "New", None),
        want("new-kid", "Kid", Some("new")),
    ];
    let options = PlanOptions {
        prune: true,
        max_deletes: 9,
        only: Vec::new(),
        protected: vec!["keep".into()],
    };
    let plan = descope_sync::plan(&desired, &live, &options).unwrap();
    let fps = descope_sync::live_fingerprints(&live);
    let fingerprints = descope_sync::plan_fingerprints(&plan, &fps);
    let doc = PlanDocument {
        plan: &plan,
        project_id: "P1",
        config: Some(Path::new("tenants.yaml")),
        fingerprints: &fingerprints,
        options: &options,
    };
    serde_json::to_string_pretty(&doc).unwrap()
}

#[test]
fn the_saved_plan_type_has_the_documents_exact_shape() {
    let text = document();
    let saved = SavedPlan::from_json(&text).unwrap();
    assert_eq!(saved.summary.delete, 2);
    assert!(saved.changes.iter().any(|c| c.temp_name.is_some()));
    assert_eq!(saved.unchanged, vec!["keep".to_owned()]);
    assert_eq!(serde_json::to_string_pretty(&saved).unwrap(), text);
}

/// Edits the document's JSON, then reads it.
fn edited(edit: impl FnOnce(&mut serde_json::Value)) -> Result<SavedPlan, ReadError> {
    let mut v: serde_json::Value = serde_json::from_str(&document()).unwrap();
    edit(&mut v);
    SavedPlan::from_json(&serde_json::to_string(&v).unwrap())
}

#[test]
fn what_this_version_always_accepted_is_still_read() {
    let plain = SavedPlan::from_json(&document()).unwrap();
    // `null` for an empty list of fields, and absent requests: read as empty.
    let saved = edited(|v| {
        v["changes"][5]["fields"] = serde_json::Value::Null;
        v["changes"][5].as_object_mut().unwrap().remove("request");
    })
    .unwrap();
    assert_eq!(saved, plain);
    // A fingerprint that is not a string is no fingerprint.
    let saved = edited(|v| v["fingerprints"]["a"] = serde_json::json!(7)).unwrap();
    assert_eq!(saved.fingerprints["a"], None);
}

#[test]
fn a_broken_file_says_exactly_what_is_wrong() {
    let damaged = |what: &str| Err(ReadError::Damaged(what.to_owned()));
    assert_eq!(
        edited(|v| v["changes"][0]["action"] = serde_json::json!("rename")),
        damaged("change `new` has an unknown action `rename` (create, update or delete)")
    );
    assert_eq!(
        edited(|v| v["changes"][0]["action"] = serde_json::json!("unchanged")),
        damaged("change `new` has an unknown action `unchanged` (create, update or delete)")
    );
    assert_eq!(
        edited(|v| v["summary"]["delete"] = serde_json::json!(0)),
        damaged(
            "its summary says 2 to create, 2 to update, 0 to delete, 1 unchanged but it holds 2 to create, 2 to update, 2 to delete, 1 unchanged"
        )
    );
    assert_eq!(
        edited(|v| v["options"] = serde_json::Value::Null),
        damaged("its `options` are not {prune, maxDeletes, only, protected}")
    );
    assert_eq!(
        edited(|v| v["formatVersion"] = serde_json::json!(2)),
        Err(ReadError::Version("2".into()))
    );
    assert_eq!(
        edited(|v| v["formatVersion"] = serde_json::json!(1.5)),
        Err(ReadError::Version("1.5".into()))
    );
    assert_eq!(
        edited(|v| {
            v.as_object_mut().unwrap().remove("projectId");
        }),
        Err(ReadError::Unusable("no projectId".into()))
    );
    assert_eq!(
        SavedPlan::from_json(" \n"),
        Err(ReadError::Unusable("the file is empty".into()))
    );
    assert_eq!(
        SavedPlan::from_json("{\"formatVersion\": 1,"),
        Err(ReadError::Unusable(
            "invalid JSON at line 1, column 20: EOF while parsing a value".into()
        ))
    );
}

/// The project `document()` was made against, as it is now after `edit`.
fn project_now(edit: impl FnOnce(&mut Vec<Tenant>)) -> Vec<Tenant> {
    let mut live = vec![
        tenant("a", "Alpha", ""),
        tenant("b", "Beta", ""),
        tenant("gone", "Gone", ""),
        tenant("gone-kid", "Gone kid", "gone"),
        tenant("keep", "Keep", ""),
    ];
    edit(&mut live);
    live
}

fn trust(saved: SavedPlan, project: &str, live: &[Tenant]) -> Result<usize, TrustError> {
    let now = descope_sync::live_fingerprints(live);
    saved
        .into_plan(project, live, &now)
        .map(|(plan, _)| plan.changes.len())
}

#[test]
fn a_saved_plan_is_trusted_only_for_its_project_as_it_was() {
    let saved = SavedPlan::from_json(&document()).unwrap();
    let live = project_now(|_| {});
    assert_eq!(trust(saved.clone(), "P1", &live), Ok(7));
    assert_eq!(
        trust(saved.clone(), "P2", &live),
        Err(TrustError::OtherProject("P1".into()))
    );
    let renamed = project_now(|l| l[0].name = "Renamed".into());
    assert_eq!(
        trust(saved.clone(), "P1", &renamed),
        Err(TrustError::Changed(vec!["a".into()]))
    );
    let created = project_now(|l| l.push(tenant("new", "New", "")));
    assert_eq!(
        trust(saved.clone(), "P1", &created),
        Err(TrustError::Changed(vec!["new".into()]))
    );
    let mut no_options = saved.clone();
    no_options.options = None;
    assert_eq!(trust(no_options, "P1", &live), Err(TrustError::NoOptions));
    let mut unfingerprinted = saved;
    unfingerprinted.fingerprints.remove("keep");
    assert_eq!(
        trust(unfingerprinted, "P1", &live),
        Err(TrustError::Damaged(
            "tenant `keep` is in the plan but has no fingerprint".into()
        ))
    );
}
