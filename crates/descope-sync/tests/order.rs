//! Issue 11: renames that depend on each other (chains, swaps, cycles) and creates that take a
//! freed name converge in one apply of `schedule`'s waves, against a service whose names are
//! unique.

mod common;

use std::collections::BTreeMap;

use common::{config, live, want};
use descope_model::Tenant;
use descope_spec::DesiredTenant;
use descope_sync::{Action, Plan, PlanOptions, plan, schedule};
use proptest::collection::vec;
use proptest::prelude::*;

/// Sends the plan's writes wave by wave, each wave in the given order (`reverse` flips every
/// wave, so no test passes by luck of order within a wave), to a service that refuses a name
/// another tenant holds (E112204), a duplicate id, and deleting a tenant with sub-tenants.
fn apply(p: &Plan, live: &[Tenant], reverse: bool) -> Result<Vec<Tenant>, String> {
    let mut state: BTreeMap<String, Tenant> =
        live.iter().map(|t| (t.id.clone(), t.clone())).collect();
    let taken = |state: &BTreeMap<String, Tenant>, name: &str, except: &str| {
        state.values().any(|t| t.name == name && t.id != except)
    };
    let waves = schedule(&p.changes, live);
    let steps: usize = waves.iter().map(Vec::len).sum();
    let writes = p
        .changes
        .iter()
        .filter(|c| c.action != Action::Unchanged)
        .count()
        + p.changes.iter().filter(|c| c.temp_name.is_some()).count();
    assert_eq!(steps, writes, "every write is scheduled once");
    for mut wave in waves {
        if reverse {
            wave.reverse();
        }
        for step in wave {
            let c = &p.changes[step.change];
            if step.temporary {
                let temp = c.temp_name.as_ref().expect("a temporary step has a name");
                if taken(&state, temp, &c.id) {
                    return Err(format!("E112204 temporary {temp}"));
                }
                state.get_mut(&c.id).expect("live").name.clone_from(temp);
                continue;
            }
            match c.action {
                Action::Create => {
                    let r = c.request.as_ref().unwrap();
                    if taken(&state, &r.name, &c.id) {
                        return Err(format!("E112204 create {} as {}", c.id, r.name));
                    }
                    if !r.parent.is_empty() && !state.contains_key(&r.parent) {
                        return Err(format!("create {} before its parent", c.id));
                    }
                    let t = Tenant {
                        id: c.id.clone(),
                        name: r.name.clone(),
                        parent: r.parent.clone(),
                        ..Tenant::default()
                    };
                    assert!(state.insert(c.id.clone(), t).is_none());
                }
                Action::Update => {
                    if let Some(r) = &c.request {
                        if taken(&state, &r.name, &c.id) {
                            return Err(format!("E112204 rename {} to {}", c.id, r.name));
                        }
                        state.get_mut(&c.id).unwrap().name.clone_from(&r.name);
                    }
                }
                Action::Delete => {
                    if state.values().any(|t| t.parent == c.id) {
                        return Err(format!("delete {} before its children", c.id));
                    }
                    state.remove(&c.id);
                }
                Action::Unchanged => {}
            }
        }
    }
    Ok(state.into_values().collect())
}

/// One apply in both orders converges: a second plan has no changes.
#[track_caller]
fn converges(desired: &[DesiredTenant], live: &[Tenant], opts: &PlanOptions) -> Plan {
    let p = plan(desired, live, opts).unwrap();
    for reverse in [false, true] {
        let after = apply(&p, live, reverse).unwrap_or_else(|e| panic!("apply failed: {e}"));
        let again = plan(desired, &after, opts).unwrap();
        assert!(!again.has_changes(), "second plan: {again:?}");
    }
    p
}

fn temps(p: &Plan) -> Vec<(&str, &str)> {
    p.changes
        .iter()
        .filter_map(|c| c.temp_name.as_deref().map(|t| (c.id.as_str(), t)))
        .collect()
}

#[test]
fn a_swap_goes_through_one_temporary_name() {
    let live = [live("a1", "A1"), live("a2", "A2")];
    let p = converges(
        &[want("a1", "A2"), want("a2", "A1")],
        &live,
        &PlanOptions::default(),
    );
    assert_eq!(temps(&p), [("a1", "A1 (renaming a1)")]);
    // The temporary rename comes first, on its own.
    let waves = schedule(&p.changes, &live);
    assert_eq!(waves.len(), 3, "{waves:?}");
    assert!(waves[0].iter().all(|s| s.temporary));
}

#[test]
fn a_chain_frees_each_name_before_it_is_taken_without_temporary_names() {
    let live = [live("a1", "A1"), live("b1", "B1"), live("c1", "C1")];
    let p = converges(
        &[want("a1", "B1"), want("b1", "C1"), want("c1", "C1-renamed")],
        &live,
        &PlanOptions::default(),
    );
    assert!(temps(&p).is_empty());
    assert_eq!(schedule(&p.changes, &live).len(), 3);
}

#[test]
fn a_three_cycle_and_a_separate_swap_each_get_one_temporary_name() {
    let live = [
        live("a", "A"),
        live("b", "B"),
        live("c", "C"),
        live("x", "X"),
        live("y", "Y"),
    ];
    let p = converges(
        &[
            want("a", "B"),
            want("b", "C"),
            want("c", "A"),
            want("x", "Y"),
            want("y", "X"),
        ],
        &live,
        &PlanOptions::default(),
    );
    assert_eq!(
        temps(&p),
        [("a", "A (renaming a)"), ("x", "X (renaming x)")]
    );
}

#[test]
fn a_temporary_name_already_in_use_is_not_reused() {
    let live = [
        live("a1", "A1"),
        live("a2", "A2"),
        live("z", "A1 (renaming a1)"),
    ];
    let p = converges(
        &[want("a1", "A2"), want("a2", "A1")],
        &live,
        &PlanOptions::default(),
    );
    assert_eq!(temps(&p), [("a1", "A1 (renaming a1 1)")]);
}

#[test]
fn a_temporary_name_stays_within_the_name_length_limit() {
    let long = "N".repeat(254);
    let live = [live("a1", &long), live("a2", "A2")];
    let p = converges(
        &[want("a1", "A2"), want("a2", &long)],
        &live,
        &PlanOptions::default(),
    );
    let t = p.changes[0].temp_name.as_ref().unwrap();
    assert_eq!(t.chars().count(), 254);
    assert!(t.ends_with(" (renaming a1)"));
}

#[test]
fn creates_wait_for_the_rename_or_delete_that_frees_their_name() {
    let live = [
        live("old", "Taken"),
        live("gone", "Gone"),
        live("keep", "K"),
    ];
    let mut child = want("child", "Child");
    child.parent = Some("new".into());
    converges(
        &[
            want("old", "Old renamed"),
            want("new", "Taken"),
            child,
            want("new2", "Gone"),
            want("keep", "K"),
        ],
        &live,
        &PlanOptions {
            prune: true,
            ..PlanOptions::default()
        },
    );
}

#[test]
fn deletes_nothing_waits_for_still_come_last() {
    let live = [live("p", "P"), live("c", "C"), live("x", "X")];
    let mut c = live[1].clone();
    c.parent = "p".into();
    let live = [live[0].clone(), c, live[2].clone()];
    let p = converges(
        &[want("x", "X2"), want("n", "N")],
        &live,
        &PlanOptions {
            prune: true,
            ..PlanOptions::default()
        },
    );
    let waves = schedule(&p.changes, &live);
    let action = |s: &descope_sync::Step| p.changes[s.change].action;
    assert!(waves[0].iter().all(|s| action(s) != Action::Delete));
    // Child before parent.
    assert_eq!(p.changes[waves[1][0].change].id, "c");
    assert_eq!(p.changes[waves[2][0].change].id, "p");
}

/// n live tenants t0..tN named N0..NN; each kept tenant takes a random name among the live
/// names and some new ones (a name is given at most once); some tenants are dropped (pruned),
/// some created.
fn permutations() -> impl Strategy<Value = (Vec<Tenant>, Vec<DesiredTenant>)> {
    (1..10usize).prop_flat_map(|n| {
        let pool: Vec<String> = (0..n + 3).map(|i| format!("N{i}")).collect();
        (
            Just(pool).prop_shuffle(),
            vec(prop::bool::weighted(0.15), n),
            0..3usize,
        )
            .prop_map(move |(mut pool, dropped, new)| {
                let live: Vec<Tenant> = (0..n)
                    .map(|i| live(&format!("t{i}"), &format!("N{i}")))
                    .collect();
                let mut desired = Vec::new();
                for (t, dropped) in live.iter().zip(dropped) {
                    if dropped {
                        continue;
                    }
                    desired.push(want(&t.id, &pool.pop().unwrap()));
                }
                for j in 0..new {
                    if let Some(name) = pool.pop() {
                        desired.push(want(&format!("new{j}"), &name));
                    }
                }
                (live, desired)
            })
    })
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn random_permutations_of_names_converge_in_one_apply((live, desired) in permutations()) {
        let opts = PlanOptions {
            prune: true,
            max_deletes: 100,
            ..PlanOptions::default()
        };
        let p = plan(&desired, &live, &opts).unwrap_or_else(|e| panic!("{e}"));
        for reverse in [false, true] {
            let after = apply(&p, &live, reverse)
                .unwrap_or_else(|e| panic!("{e}\n{desired:?}"));
            prop_assert!(!plan(&desired, &after, &opts).unwrap().has_changes());
        }
    }
}
