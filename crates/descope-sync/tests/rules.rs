//! One test per planning rule (SPEC §3–§4).

mod common;

use common::{live, want};
use descope_sync::{Action, PlanError, PlanOptions, plan};
use serde_json::json;

fn opts() -> PlanOptions {
    PlanOptions::default()
}

fn prune() -> PlanOptions {
    PlanOptions {
        prune: true,
        ..PlanOptions::default()
    }
}

#[test]
fn new_tenant_is_created_with_its_fields_and_default_roles() {
    let mut d = want("acme", "ACME");
    d.domains = Some(vec!["acme.com".into()]);
    d.custom_attributes = Some([("seats".to_owned(), json!(50))].into());
    d.default_roles = Some(vec!["viewer".into()]);
    let p = plan(&[d], &[], &opts()).unwrap();
    let c = &p.changes[0];
    assert_eq!(c.action, Action::Create);
    let r = c.request.as_ref().unwrap();
    assert_eq!(r.id, "acme");
    assert_eq!(r.self_provisioning_domains, vec!["acme.com"]);
    assert_eq!(r.custom_attributes["seats"], json!(50));
    assert_eq!(c.default_roles, Some(vec!["viewer".to_owned()]));
    let fields: Vec<&str> = c.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        ["name", "domains", "customAttributes", "defaultRoles"]
    );
    assert_eq!(
        p.summary().to_string(),
        "Plan: 1 to create, 0 to update, 0 to delete, 0 unchanged."
    );
}

#[test]
fn unmanaged_fields_keep_live_values_and_show_no_change() {
    let mut l = live("acme", "ACME");
    l.self_provisioning_domains = vec!["acme.com".into()];
    l.enforce_sso = true;
    l.custom_attributes.insert("plan".into(), json!("pro"));
    let p = plan(&[want("acme", "ACME")], &[l], &opts()).unwrap();
    assert_eq!(p.changes[0].action, Action::Unchanged);
    assert!(!p.has_changes());
}

#[test]
fn update_carries_unmanaged_live_fields_in_the_full_record() {
    let mut l = live("acme", "ACME");
    l.enforce_sso_exclusions = vec!["ops@acme.com".into()];
    l.role_inheritance = "userOnly".into();
    l.federated_app_ids = vec!["app1".into()];
    l.self_provisioning_domains = vec!["acme.com".into()];
    l.custom_attributes.insert("plan".into(), json!("pro"));
    l.parent = "holding".into();
    let mut d = want("acme", "ACME Corp");
    d.disabled = Some(true);
    let p = plan(&[d], &[l, live("holding", "Holding")], &opts()).unwrap();
    let c = p.changes.iter().find(|c| c.id == "acme").unwrap();
    assert_eq!(c.action, Action::Update);
    let r = c.request.as_ref().unwrap();
    assert_eq!(r.name, "ACME Corp");
    assert!(r.disabled);
    assert_eq!(r.enforce_sso_exclusions, vec!["ops@acme.com"]);
    assert_eq!(r.role_inheritance, "userOnly");
    assert_eq!(r.federated_app_ids, vec!["app1"]);
    assert_eq!(r.self_provisioning_domains, vec!["acme.com"]);
    assert_eq!(r.custom_attributes["plan"], json!("pro"));
    assert_eq!(r.parent, "holding");
    let fields: Vec<(&str, &serde_json::Value, &serde_json::Value)> = c
        .fields
        .iter()
        .map(|f| (f.field.as_str(), &f.old, &f.new))
        .collect();
    assert_eq!(
        fields,
        [
            ("name", &json!("ACME"), &json!("ACME Corp")),
            ("disabled", &json!(false), &json!(true))
        ]
    );
}

#[test]
fn domains_and_default_roles_compare_as_sets_and_are_sent_in_file_order() {
    let mut l = live("acme", "ACME");
    l.self_provisioning_domains = vec!["b.com".into(), "a.com".into()];
    l.default_roles = vec!["x".into(), "y".into()];
    let mut d = want("acme", "ACME");
    d.domains = Some(vec!["a.com".into(), "b.com".into()]);
    d.default_roles = Some(vec!["y".into(), "x".into()]);
    assert!(
        !plan(&[d.clone()], &[l.clone()], &opts())
            .unwrap()
            .has_changes()
    );

    d.domains = Some(vec!["c.com".into(), "a.com".into()]);
    let p = plan(&[d], &[l], &opts()).unwrap();
    let r = p.changes[0].request.as_ref().unwrap();
    assert_eq!(r.self_provisioning_domains, vec!["c.com", "a.com"]);
}

#[test]
fn empty_list_clears() {
    let mut l = live("acme", "ACME");
    l.self_provisioning_domains = vec!["acme.com".into()];
    let mut d = want("acme", "ACME");
    d.domains = Some(vec![]);
    let p = plan(&[d], &[l], &opts()).unwrap();
    assert_eq!(p.changes[0].action, Action::Update);
    assert!(
        p.changes[0]
            .request
            .as_ref()
            .unwrap()
            .self_provisioning_domains
            .is_empty()
    );
}

#[test]
fn custom_attributes_are_managed_as_a_whole_map_and_numbers_compare_by_value() {
    let mut l = live("acme", "ACME");
    l.custom_attributes.insert("seats".into(), json!(50.0));
    l.custom_attributes.insert("legacy".into(), json!("x"));
    let mut d = want("acme", "ACME");
    d.custom_attributes = Some(
        [
            ("seats".to_owned(), json!(50)),
            ("legacy".to_owned(), json!("x")),
        ]
        .into(),
    );
    assert!(
        !plan(&[d.clone()], &[l.clone()], &opts())
            .unwrap()
            .has_changes(),
        "50 == 50.0"
    );

    // A key the file leaves out of a set map is removed.
    d.custom_attributes = Some([("seats".to_owned(), json!(50))].into());
    let p = plan(&[d.clone()], &[l.clone()], &opts()).unwrap();
    let r = p.changes[0].request.as_ref().unwrap();
    assert!(!r.custom_attributes.contains_key("legacy"));
    assert_eq!(p.changes[0].fields[0].field, "customAttributes");

    // `{}` clears.
    d.custom_attributes = Some(Default::default());
    let p = plan(&[d], &[l], &opts()).unwrap();
    assert!(
        p.changes[0]
            .request
            .as_ref()
            .unwrap()
            .custom_attributes
            .is_empty()
    );
}

#[test]
fn only_default_roles_changed_needs_no_record_update() {
    let mut d = want("acme", "ACME");
    d.default_roles = Some(vec!["viewer".into()]);
    let p = plan(&[d], &[live("acme", "ACME")], &opts()).unwrap();
    let c = &p.changes[0];
    assert_eq!(c.action, Action::Update);
    assert_eq!(c.request, None);
    assert_eq!(c.default_roles, Some(vec!["viewer".to_owned()]));
}

#[test]
fn live_tenants_missing_from_the_file_are_kept_without_prune() {
    let p = plan(&[], &[live("old", "Old")], &opts()).unwrap();
    assert_eq!(p.changes[0].action, Action::Unchanged);
    let p = plan(&[], &[live("old", "Old")], &prune()).unwrap();
    assert_eq!(p.changes[0].action, Action::Delete);
    assert_eq!(p.summary().delete, 1);
}

#[test]
fn protected_patterns_stop_prune() {
    let o = PlanOptions {
        protected: vec!["prod-*".into()],
        ..prune()
    };
    let p = plan(&[], &[live("prod-eu", "EU"), live("dev", "Dev")], &o).unwrap();
    let by_id = |id: &str| p.changes.iter().find(|c| c.id == id).unwrap();
    assert_eq!(by_id("prod-eu").action, Action::Unchanged);
    assert!(by_id("prod-eu").protected);
    assert_eq!(by_id("dev").action, Action::Delete);
}

#[test]
fn protect_in_the_file_is_reported_on_the_change() {
    let mut d = want("acme", "ACME");
    d.protect = true;
    let p = plan(&[d], &[live("acme", "ACME")], &prune()).unwrap();
    assert!(p.changes[0].protected);
}

#[test]
fn too_many_deletes_is_an_error_naming_the_flag() {
    let live: Vec<_> = (0..6)
        .map(|i| live(&format!("t{i}"), &format!("T{i}")))
        .collect();
    let err = plan(&[], &live, &prune()).unwrap_err();
    assert_eq!(err, PlanError::TooManyDeletes { count: 6, max: 5 });
    assert!(err.to_string().contains("raise --max-deletes 6"), "{err}");
    let o = PlanOptions {
        max_deletes: 6,
        ..prune()
    };
    assert_eq!(plan(&[], &live, &o).unwrap().summary().delete, 6);
}

#[test]
fn only_scopes_desired_and_live() {
    let o = PlanOptions {
        only: vec!["acme*".into()],
        ..prune()
    };
    let p = plan(
        &[want("acme-1", "A1"), want("globex", "G")],
        &[live("acme-2", "A2"), live("initech", "I")],
        &o,
    )
    .unwrap();
    let ids: Vec<(&str, Action)> = p
        .changes
        .iter()
        .map(|c| (c.id.as_str(), c.action))
        .collect();
    assert_eq!(
        ids,
        [("acme-1", Action::Create), ("acme-2", Action::Delete)]
    );
}

#[test]
fn bad_only_pattern_is_an_error() {
    let o = PlanOptions {
        only: vec!["[".into()],
        ..opts()
    };
    assert!(matches!(
        plan(&[], &[], &o),
        Err(PlanError::BadPattern { .. })
    ));
}

#[test]
fn changed_parent_is_an_error_not_an_update() {
    let mut l = live("acme", "ACME");
    l.parent = "holding".into();
    let mut d = want("acme", "ACME");
    d.parent = Some("other".into());
    let err = plan(
        &[d],
        &[l, live("holding", "H"), live("other", "O")],
        &opts(),
    )
    .unwrap_err();
    assert!(matches!(&err, PlanError::ParentChanged { id, .. } if id == "acme"));
    assert!(err.to_string().contains("delete and recreate it"), "{err}");
}

#[test]
fn unknown_parent_is_an_error_and_known_parents_resolve_in_file_or_live() {
    let mut d = want("acme", "ACME");
    d.parent = Some("nowhere".into());
    let err = plan(&[d.clone()], &[], &opts()).unwrap_err();
    assert_eq!(
        err,
        PlanError::UnknownParent {
            id: "acme".into(),
            parent: "nowhere".into()
        }
    );
    // Live parent outside --only still resolves.
    d.parent = Some("holding".into());
    let o = PlanOptions {
        only: vec!["acme".into()],
        ..opts()
    };
    assert!(plan(&[d], &[live("holding", "H")], &o).is_ok());
}

#[test]
fn creates_put_parents_first_and_deletes_put_children_first() {
    let mut c = want("a-child", "C");
    c.parent = Some("z-parent".into());
    let mut g = want("0-grandchild", "G");
    g.parent = Some("a-child".into());
    let p = plan(&[g, c, want("z-parent", "P")], &[], &opts()).unwrap();
    let ids: Vec<&str> = p.changes.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["z-parent", "a-child", "0-grandchild"]);

    let mut lc = live("a-child", "C");
    lc.parent = "z-parent".into();
    let p = plan(&[], &[live("z-parent", "P"), lc], &prune()).unwrap();
    let ids: Vec<&str> = p.changes.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["a-child", "z-parent"]);
}

#[test]
fn parent_cycle_among_creates_is_an_error() {
    let mut a = want("a", "A");
    a.parent = Some("b".into());
    let mut b = want("b", "B");
    b.parent = Some("a".into());
    assert_eq!(
        plan(&[a, b], &[], &opts()).unwrap_err(),
        PlanError::ParentCycle {
            ids: vec!["a".into(), "b".into()]
        }
    );
}

#[test]
fn pruning_the_parent_of_a_kept_tenant_is_an_error() {
    let mut child = live("child", "C");
    child.parent = "parent".into();
    let err = plan(
        &[want("child", "C")],
        &[live("parent", "P"), child],
        &prune(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        PlanError::DeleteParentOfKept {
            id: "parent".into(),
            child: "child".into()
        }
    );
}

#[test]
fn a_name_still_held_by_another_tenant_is_an_error_but_a_swap_away_is_not() {
    let err = plan(&[want("new", "ACME")], &[live("acme", "ACME")], &opts()).unwrap_err();
    assert!(matches!(err, PlanError::NameTaken { .. }));
    // The holder is being renamed in the same plan: fine.
    assert!(
        plan(
            &[want("new", "ACME"), want("acme", "ACME Old")],
            &[live("acme", "ACME")],
            &opts()
        )
        .is_ok()
    );
    // The holder is pruned: fine.
    assert!(plan(&[want("new", "ACME")], &[live("acme", "ACME")], &prune()).is_ok());
}

#[test]
fn duplicate_desired_ids_are_an_error() {
    assert_eq!(
        plan(&[want("a", "A"), want("a", "B")], &[], &opts()).unwrap_err(),
        PlanError::DuplicateId { id: "a".into() }
    );
}

#[test]
fn order_is_creates_updates_deletes_unchanged() {
    let p = plan(
        &[
            want("c-new", "N"),
            want("b-upd", "Changed"),
            want("a-same", "Same"),
        ],
        &[
            live("b-upd", "Old"),
            live("a-same", "Same"),
            live("d-gone", "Gone"),
        ],
        &prune(),
    )
    .unwrap();
    let got: Vec<(&str, Action)> = p
        .changes
        .iter()
        .map(|c| (c.id.as_str(), c.action))
        .collect();
    assert_eq!(
        got,
        [
            ("c-new", Action::Create),
            ("b-upd", Action::Update),
            ("d-gone", Action::Delete),
            ("a-same", Action::Unchanged)
        ]
    );
    assert_eq!(
        p.summary().to_string(),
        "Plan: 1 to create, 1 to update, 1 to delete, 1 unchanged."
    );
}

#[test]
fn plan_serialises_to_json_and_back() {
    let p = plan(&[want("a", "A")], &[live("b", "B")], &prune()).unwrap();
    let text = serde_json::to_string(&p).unwrap();
    assert!(text.contains("\"action\":\"create\""), "{text}");
    let back: descope_sync::Plan = serde_json::from_str(&text).unwrap();
    assert_eq!(back, p);
}
