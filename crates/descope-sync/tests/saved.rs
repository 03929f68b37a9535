//! Issue 11: a saved plan's changes are derived again from what it shows and the live tenants,
//! and held to the options it was made with.

mod common;

use common::{config, gen_project, live, want};
use descope_model::Tenant;
use descope_sync::{Action, Change, PlanOptions, SavedChange, plan, rederive};
use proptest::prelude::*;
use serde_json::json;

fn saved(c: &Change) -> SavedChange {
    SavedChange {
        id: c.id.clone(),
        action: c.action,
        fields: c.fields.clone(),
        request: c.request.as_ref().map(|r| serde_json::to_value(r).unwrap()),
        default_roles: c
            .default_roles
            .as_ref()
            .map(|r| serde_json::to_value(r).unwrap()),
        temp_name: c.temp_name.clone(),
    }
}

fn saved_changes(changes: &[Change]) -> Vec<SavedChange> {
    changes
        .iter()
        .filter(|c| c.action != Action::Unchanged)
        .map(saved)
        .collect()
}

fn without_protected(changes: &[Change]) -> Vec<Change> {
    changes
        .iter()
        .filter(|c| c.action != Action::Unchanged)
        .map(|c| Change {
            protected: false,
            ..c.clone()
        })
        .collect()
}

proptest! {
    #![proptest_config(config(200))]

    #[test]
    fn an_untouched_plan_is_derived_again_exactly(
        (live, desired) in gen_project(1..13, 0..4),
        prune in any::<bool>(),
    ) {
        let opts = PlanOptions {
            prune,
            max_deletes: 100,
            ..PlanOptions::default()
        };
        let Ok(p) = plan(&desired, &live, &opts) else {
            return Ok(());
        };
        let again =
            rederive(&saved_changes(&p.changes), &opts, &live).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(again, without_protected(&p.changes));
    }
}

fn acme() -> Tenant {
    let mut l = live("acme", "ACME");
    l.self_provisioning_domains = vec!["acme.com".into()];
    l.custom_attributes.insert("plan".into(), json!("pro"));
    l
}

#[test]
fn a_request_that_does_more_than_the_fields_show_is_refused() {
    let live = [acme()];
    let p = plan(&[want("acme", "ACME Corp")], &live, &PlanOptions::default()).unwrap();
    let mut s = saved_changes(&p.changes);
    s[0].request.as_mut().unwrap()["customAttributes"] = json!({});
    let e = rederive(&s, &PlanOptions::default(), &live).unwrap_err();
    assert_eq!(
        e,
        "the request of tenant `acme` does not match the change it shows: it differs in `customAttributes`"
    );
    // Fields and request edited together: the old value shown is not the live one.
    let mut s = saved_changes(&p.changes);
    s[0].fields[0].old = json!("Other");
    assert!(
        rederive(&s, &PlanOptions::default(), &live)
            .unwrap_err()
            .contains("old value of `name`")
    );
    // An update that shows no change at all.
    let mut s = saved_changes(&p.changes);
    s[0].fields.clear();
    assert!(rederive(&s, &PlanOptions::default(), &live).is_err());
}

#[test]
fn deletes_are_held_to_prune_max_deletes_protected_scope_and_kept_children() {
    let mut child = live("child", "Child");
    child.parent = "p".into();
    let live = [live("p", "P"), child, live("a", "A"), live("b", "B")];
    let del = |id: &str| SavedChange {
        id: id.into(),
        action: Action::Delete,
        fields: Vec::new(),
        request: None,
        default_roles: None,
        temp_name: None,
    };
    let prune = PlanOptions {
        prune: true,
        max_deletes: 1,
        ..PlanOptions::default()
    };
    assert_eq!(
        rederive(&[del("a")], &PlanOptions::default(), &live).unwrap_err(),
        "it deletes tenant `a`, but it was made without --prune"
    );
    assert!(rederive(&[del("a")], &prune, &live).is_ok());
    assert_eq!(
        rederive(&[del("a"), del("b")], &prune, &live).unwrap_err(),
        "it deletes 2 tenants, more than the --max-deletes 1 it was made with"
    );
    let protected = PlanOptions {
        protected: vec!["a*".into()],
        ..prune.clone()
    };
    assert!(
        rederive(&[del("a")], &protected, &live)
            .unwrap_err()
            .contains("protected")
    );
    let scoped = PlanOptions {
        only: vec!["b".into()],
        ..prune.clone()
    };
    assert!(
        rederive(&[del("a")], &scoped, &live)
            .unwrap_err()
            .contains("outside the --only scope")
    );
    assert_eq!(
        rederive(&[del("p")], &prune, &live).unwrap_err(),
        "it deletes tenant `p` but keeps its sub-tenant `child`"
    );
    assert!(
        rederive(&[del("ghost")], &prune, &live)
            .unwrap_err()
            .contains("did not exist")
    );
    assert!(
        rederive(&[del("a"), del("a")], &prune, &live)
            .unwrap_err()
            .contains("more than one change")
    );
}

#[test]
fn creates_are_derived_from_their_fields() {
    let mut d = want("new", "New");
    d.domains = Some(vec!["new.com".into()]);
    d.default_roles = Some(vec!["viewer".into()]);
    let p = plan(&[d], &[], &PlanOptions::default()).unwrap();
    let s = saved_changes(&p.changes);
    assert!(rederive(&s, &PlanOptions::default(), &[]).is_ok());
    // Of a tenant that exists.
    assert!(
        rederive(&s, &PlanOptions::default(), &[live("new", "Other")])
            .unwrap_err()
            .contains("already existed")
    );
    // Default roles set that the plan does not show.
    let mut edited = s.clone();
    edited[0].default_roles = Some(json!(["admin"]));
    assert!(
        rederive(&edited, &PlanOptions::default(), &[])
            .unwrap_err()
            .contains("default roles")
    );
    // A field of the wrong type.
    let mut edited = s.clone();
    edited[0].fields[1].new = json!("new.com");
    assert!(
        rederive(&edited, &PlanOptions::default(), &[])
            .unwrap_err()
            .contains("not a list of strings")
    );
}

#[test]
fn temporary_names_must_be_the_ones_the_cycle_needs() {
    let live = [live("a1", "A1"), live("a2", "A2")];
    let p = plan(
        &[want("a1", "A2"), want("a2", "A1")],
        &live,
        &PlanOptions::default(),
    )
    .unwrap();
    let s = saved_changes(&p.changes);
    let again = rederive(&s, &PlanOptions::default(), &live).unwrap();
    assert_eq!(again[0].temp_name.as_deref(), Some("A1 (renaming a1)"));
    let mut edited = s.clone();
    edited[0].temp_name = None;
    assert!(rederive(&edited, &PlanOptions::default(), &live).is_err());
    let mut edited = s;
    edited[1].temp_name = Some("Z".into());
    assert!(rederive(&edited, &PlanOptions::default(), &live).is_err());
}
