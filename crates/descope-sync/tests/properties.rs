//! Property-style tests over many deterministic random projects (C.4 invariants).

mod common;

use common::{Rng, apply, gen_desired, gen_live};
use descope_spec::desired_from_live;
use descope_sync::{Action, PlanError, PlanOptions, plan};

const CASES: u64 = 300;

#[test]
fn plan_of_live_exported_as_desired_is_all_unchanged() {
    for seed in 0..CASES {
        let mut rng = Rng::new(seed);
        let live = {
            let n = 1 + rng.below(12) as usize;
            gen_live(&mut rng, n)
        };
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
            assert!(!p.has_changes(), "seed {seed}: {p:#?}");
            assert_eq!(p.summary().unchanged, live.len());
        }
    }
}

#[test]
fn applying_a_plan_then_planning_again_gives_no_changes() {
    let mut applied = 0;
    for seed in 0..CASES {
        let mut rng = Rng::new(seed);
        let live = {
            let n = rng.below(10) as usize;
            gen_live(&mut rng, n)
        };
        let desired = {
            let n = rng.below(5) as usize;
            gen_desired(&mut rng, &live, n)
        };
        let prune = rng.chance(50);
        let opts = PlanOptions {
            prune,
            max_deletes: usize::MAX,
            ..PlanOptions::default()
        };
        let p = match plan(&desired, &live, &opts) {
            Ok(p) => p,
            // Pruning a parent whose child stays is refused by design.
            Err(PlanError::DeleteParentOfKept { .. }) if prune => continue,
            Err(e) => panic!("seed {seed}: {e}"),
        };
        let after = apply(&p, &live);
        let again = plan(&desired, &after, &opts).unwrap();
        assert!(!again.has_changes(), "seed {seed}: {again:#?}");
        applied += 1;

        // Unmanaged fields survive every update.
        for t in &after {
            if let Some(before) = live.iter().find(|l| l.id == t.id) {
                assert_eq!(
                    t.enforce_sso_exclusions, before.enforce_sso_exclusions,
                    "seed {seed}"
                );
                assert_eq!(t.role_inheritance, before.role_inheritance, "seed {seed}");
                assert_eq!(t.federated_app_ids, before.federated_app_ids, "seed {seed}");
                assert_eq!(t.parent, before.parent, "seed {seed}");
                assert_eq!(t.auth_type, before.auth_type, "seed {seed}");
            }
        }
        // Managed fields end up as the file says.
        for d in &desired {
            let t = after
                .iter()
                .find(|t| t.id == d.id)
                .expect("desired tenant exists after apply");
            assert_eq!(t.name, d.name);
            if let Some(ca) = &d.custom_attributes {
                assert_eq!(&t.custom_attributes, ca, "seed {seed}");
            }
            if let Some(b) = d.disabled {
                assert_eq!(t.disabled, b);
            }
        }
    }
    assert!(applied > CASES / 2, "too few cases exercised: {applied}");
}

#[test]
fn no_delete_without_prune() {
    for seed in 0..CASES {
        let mut rng = Rng::new(seed);
        let live = {
            let n = rng.below(10) as usize;
            gen_live(&mut rng, n)
        };
        let desired = {
            let n = rng.below(4) as usize;
            gen_desired(&mut rng, &live, n)
        };
        let p = plan(
            &desired,
            &live,
            &PlanOptions {
                max_deletes: 0,
                ..PlanOptions::default()
            },
        )
        .unwrap();
        assert!(
            p.changes.iter().all(|c| c.action != Action::Delete),
            "seed {seed}"
        );
        // Every live and desired tenant appears exactly once.
        let mut ids: Vec<&str> = p.changes.iter().map(|c| c.id.as_str()).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "seed {seed}: an id appears twice");
    }
}

#[test]
fn plan_is_deterministic_whatever_the_input_order() {
    for seed in 0..CASES {
        let mut rng = Rng::new(seed);
        let live = {
            let n = rng.below(10) as usize;
            gen_live(&mut rng, n)
        };
        let desired = {
            let n = rng.below(5) as usize;
            gen_desired(&mut rng, &live, n)
        };
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
        assert_eq!(a, b, "seed {seed}");
        if let Ok(p) = a {
            // Parents are created before their children and deleted after them.
            let pos = |id: &str| p.changes.iter().position(|c| c.id == id);
            for c in &p.changes {
                if c.action == Action::Create && !c.request.as_ref().unwrap().parent.is_empty() {
                    let parent = &c.request.as_ref().unwrap().parent;
                    if let Some(pp) = pos(parent)
                        && p.changes[pp].action == Action::Create
                    {
                        assert!(
                            pp < pos(&c.id).unwrap(),
                            "seed {seed}: parent created after child"
                        );
                    }
                }
                if c.action == Action::Delete {
                    let t = live.iter().find(|t| t.id == c.id).unwrap();
                    if let Some(pp) = pos(&t.parent)
                        && p.changes[pp].action == Action::Delete
                    {
                        assert!(
                            pp > pos(&c.id).unwrap(),
                            "seed {seed}: parent deleted before child"
                        );
                    }
                }
            }
        }
    }
}
