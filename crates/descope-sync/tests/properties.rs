//! Property tests over random projects (C.4 invariants), generated with proptest.

mod common;

use std::cell::Cell;

use common::{apply, config, gen_live, gen_project};
use descope_spec::desired_from_live;
use descope_sync::{Action, PlanError, PlanOptions, plan};
use proptest::prelude::*;
use proptest::test_runner::TestRunner;

const CASES: u32 = 300;

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn plan_of_live_exported_as_desired_is_all_unchanged(live in gen_live(1..13)) {
        let desired: Vec<_> = live.iter().map(desired_from_live).collect();
        for prune in [false, true] {
            let p = plan(
                &desired,
                &live,
                &PlanOptions {
                    prune,
                    ..PlanOptions::default()
                },
            )
            .unwrap();
            prop_assert!(!p.has_changes(), "{p:#?}");
            prop_assert_eq!(p.summary().unchanged, live.len());
        }
    }

    #[test]
    fn no_delete_without_prune((live, desired) in gen_project(0..10, 0..4)) {
        let p = plan(
            &desired,
            &live,
            &PlanOptions {
                max_deletes: 0,
                ..PlanOptions::default()
            },
        )
        .unwrap();
        prop_assert!(p.changes.iter().all(|c| c.action != Action::Delete));
        // Every live and desired tenant appears exactly once.
        let mut ids: Vec<&str> = p.changes.iter().map(|c| c.id.as_str()).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        prop_assert_eq!(before, ids.len(), "an id appears twice");
    }

    #[test]
    fn plan_is_deterministic_whatever_the_input_order(
        (live, desired) in gen_project(0..10, 0..5)
    ) {
        let opts = PlanOptions {
            prune: true,
            max_deletes: usize::MAX,
            ..PlanOptions::default()
        };
        let a = plan(&desired, &live, &opts);
        let mut live_rev = live.clone();
        live_rev.reverse();
        let mut desired_rev = desired.clone();
        desired_rev.reverse();
        let b = plan(&desired_rev, &live_rev, &opts);
        prop_assert_eq!(&a, &b);
        if let Ok(p) = a {
            // Parents are created before their children and deleted after them.
            let pos = |id: &str| p.changes.iter().position(|c| c.id == id);
            for c in &p.changes {
                if c.action == Action::Create && !c.request.as_ref().unwrap().parent.is_empty() {
                    let parent = &c.request.as_ref().unwrap().parent;
                    if let Some(pp) = pos(parent)
                        && p.changes[pp].action == Action::Create
                    {
                        prop_assert!(
                            pp < pos(&c.id).unwrap(),
                            "parent created after child"
                        );
                    }
                }
                if c.action == Action::Delete {
                    let t = live.iter().find(|t| t.id == c.id).unwrap();
                    if let Some(pp) = pos(&t.parent)
                        && p.changes[pp].action == Action::Delete
                    {
                        prop_assert!(
                            pp > pos(&c.id).unwrap(),
                            "parent deleted before child"
                        );
                    }
                }
            }
        }
    }
}

/// Run with a `TestRunner` (not `proptest!`) to count, across all cases, how many were applied.
#[test]
fn applying_a_plan_then_planning_again_gives_no_changes() {
    let applied = Cell::new(0u32);
    let mut runner = TestRunner::new(config(CASES));
    let cases = runner.config().cases;
    let projects = (gen_project(0..10, 0..5), any::<bool>());
    let result = runner.run(&projects, |((live, desired), prune)| {
        let opts = PlanOptions {
            prune,
            max_deletes: usize::MAX,
            ..PlanOptions::default()
        };
        let p = match plan(&desired, &live, &opts) {
            Ok(p) => p,
            // Pruning a parent whose child stays is refused by design.
            Err(PlanError::DeleteParentOfKept { .. }) if prune => return Ok(()),
            Err(e) => panic!("{e}"),
        };
        let after = apply(&p, &live);
        let again = plan(&desired, &after, &opts).unwrap();
        prop_assert!(!again.has_changes(), "{again:#?}");
        applied.set(applied.get() + 1);

        // Unmanaged fields survive every update.
        for t in &after {
            if let Some(before) = live.iter().find(|l| l.id == t.id) {
                prop_assert_eq!(&t.enforce_sso_exclusions, &before.enforce_sso_exclusions);
                prop_assert_eq!(&t.role_inheritance, &before.role_inheritance);
                prop_assert_eq!(&t.federated_app_ids, &before.federated_app_ids);
                prop_assert_eq!(&t.parent, &before.parent);
                prop_assert_eq!(&t.auth_type, &before.auth_type);
            }
        }
        // Managed fields end up as the file says.
        for d in &desired {
            let t = after
                .iter()
                .find(|t| t.id == d.id)
                .expect("desired tenant exists after apply");
            prop_assert_eq!(&t.name, &d.name);
            if let Some(ca) = &d.custom_attributes {
                prop_assert_eq!(&t.custom_attributes, ca);
            }
            if let Some(b) = d.disabled {
                prop_assert_eq!(t.disabled, b);
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let applied = applied.get();
    assert!(applied > cases / 2, "too few cases exercised: {applied}");
}
