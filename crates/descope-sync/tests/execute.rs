//! Issue 12: the real `execute` against an in-memory service (names unique, parents must exist,
//! a tenant with sub-tenants cannot be deleted) that injects refusals, lost answers (the write
//! happened, the answer did not arrive), writes interrupted before they are sent, a fatal error
//! after a write, a failed backup, and an interruption at a random write. Every run must end as
//! planned or restorable, in the order the plan promises.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use descope_model::Tenant;
use descope_spec::DesiredTenant;
use descope_sync::{Action, Backend, Change, ExecuteOptions, Outcome, Plan, PlanOptions};
use proptest::prelude::*;

/// What the service does with one write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// Applies it and answers.
    None,
    /// Refuses it: nothing changes.
    Refuse,
    /// Applies it, but the answer is lost: the caller sees a failure.
    LoseAnswer,
    /// Interrupted just before it was sent (a signal arrived): nothing changes, and `stop`
    /// says yes from then on.
    NotSent,
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        6 => Just(Fault::None),
        1 => Just(Fault::Refuse),
        1 => Just(Fault::LoseAnswer),
        1 => Just(Fault::NotSent),
    ]
}

/// One event the service saw, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    Backup(String),
    /// A write started: its kind and tenant.
    Start(&'static str, String),
    /// That write finished.
    End(&'static str, String),
}

#[derive(Debug, Default)]
struct State {
    tenants: BTreeMap<String, Tenant>,
    log: Vec<Event>,
    /// Writes received so far.
    calls: usize,
    /// Writes started and not finished, and the most there ever were.
    in_flight: usize,
    most_in_flight: usize,
}

/// The in-memory service and its faults.
struct Service {
    state: RefCell<State>,
    faults: Vec<Fault>,
    /// `stop` says yes once this many writes were received.
    stop_at: Option<usize>,
    /// This write (by number) is applied, then fails fatally (the audit log could not be written).
    fatal_at: Option<usize>,
    backup_fails: bool,
    /// A signal arrived (a write was not sent).
    signalled: std::cell::Cell<bool>,
}

/// Yields once, so that the writes of a wave interleave.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

impl Service {
    fn stopped(&self) -> bool {
        self.signalled.get() || self.stop_at.is_some_and(|n| self.state.borrow().calls >= n)
    }

    /// Receives one write: logs it, yields, then applies `apply` (unless a fault says not).
    async fn write(
        &self,
        kind: &'static str,
        id: &str,
        apply: impl FnOnce(&mut BTreeMap<String, Tenant>) -> Result<(), String>,
    ) -> Result<Outcome, String> {
        let n = {
            let mut s = self.state.borrow_mut();
            s.calls += 1;
            s.calls - 1
        };
        let fault = self.faults.get(n).copied().unwrap_or(Fault::None);
        if fault == Fault::NotSent {
            self.signalled.set(true);
            return Ok(Outcome::NotStarted);
        }
        {
            let mut s = self.state.borrow_mut();
            s.log.push(Event::Start(kind, id.to_owned()));
            s.in_flight += 1;
            s.most_in_flight = s.most_in_flight.max(s.in_flight);
        }
        YieldOnce(false).await;
        let mut s = self.state.borrow_mut();
        s.in_flight -= 1;
        s.log.push(Event::End(kind, id.to_owned()));
        if fault == Fault::Refuse {
            return Ok(Outcome::Failed("refused".into()));
        }
        let applied = apply(&mut s.tenants);
        if self.fatal_at == Some(n) {
            return Err("the audit log could not be written".into());
        }
        Ok(match (applied, fault) {
            (Err(e), _) => Outcome::Failed(e),
            (Ok(()), Fault::LoseAnswer) => Outcome::Failed("the answer was lost".into()),
            (Ok(()), _) => Outcome::Done,
        })
    }
}

fn name_taken(ts: &BTreeMap<String, Tenant>, name: &str, except: &str) -> bool {
    ts.values().any(|t| t.name == name && t.id != except)
}

impl Backend for Service {
    type Error = String;

    async fn backup(&self, changes: &[&Change]) -> Result<(), String> {
        if self.backup_fails {
            return Err("disk full".into());
        }
        let mut s = self.state.borrow_mut();
        for c in changes {
            s.log.push(Event::Backup(c.id.clone()));
        }
        Ok(())
    }

    async fn create(&self, c: &Change) -> Result<Outcome, String> {
        let r = c
            .request
            .as_deref()
            .expect("a create has a request")
            .clone();
        self.write("create", &c.id, |ts| {
            if ts.contains_key(&r.id) {
                return Err("E062107 duplicate id".into());
            }
            if name_taken(ts, &r.name, &r.id) {
                return Err("E112204 name taken".into());
            }
            if !r.parent.is_empty() && !ts.contains_key(&r.parent) {
                return Err("no such parent".into());
            }
            let t = Tenant {
                id: r.id.clone(),
                name: r.name.clone(),
                parent: r.parent.clone(),
                disabled: r.disabled,
                ..Tenant::default()
            };
            ts.insert(r.id.clone(), t);
            Ok(())
        })
        .await
    }

    async fn update(&self, c: &Change) -> Result<Outcome, String> {
        let r = c
            .request
            .as_deref()
            .expect("an update has a request")
            .clone();
        self.write("update", &c.id, |ts| {
            if name_taken(ts, &r.name, &r.id) {
                return Err("E112204 name taken".into());
            }
            let t = ts.get_mut(&r.id).ok_or("no such tenant")?;
            t.name = r.name;
            t.disabled = r.disabled;
            Ok(())
        })
        .await
    }

    async fn delete(&self, c: &Change) -> Result<Outcome, String> {
        self.write("delete", &c.id, |ts| {
            if ts.values().any(|t| t.parent == c.id) {
                return Err("it has sub-tenants".into());
            }
            ts.remove(&c.id)
                .map(|_| ())
                .ok_or_else(|| "no such tenant".into())
        })
        .await
    }

    async fn rename_temporarily(&self, c: &Change, temp: &str) -> Result<Outcome, String> {
        self.write("temp", &c.id, |ts| {
            if name_taken(ts, temp, &c.id) {
                return Err("E112204 name taken".into());
            }
            ts.get_mut(&c.id).ok_or("no such tenant")?.name = temp.to_owned();
            Ok(())
        })
        .await
    }

    async fn set_default_roles(&self, c: &Change, roles: &[String]) -> Result<Outcome, String> {
        self.write("roles", &c.id, |ts| {
            ts.get_mut(&c.id).ok_or("no such tenant")?.default_roles = roles.to_vec();
            Ok(())
        })
        .await
    }
}

/// A project and the tenants.yaml for it, from a stream of choices.
#[derive(Debug, Clone)]
struct Project {
    live: Vec<Tenant>,
    desired: Vec<DesiredTenant>,
}

fn project(choices: &[u8]) -> Project {
    let mut next = {
        let mut i = 0;
        move || {
            i += 1;
            choices.get(i - 1).copied().unwrap_or(0)
        }
    };
    let n_live = 1 + usize::from(next() % 6);
    let mut live: Vec<Tenant> = Vec::new();
    for i in 0..n_live {
        let parent = match next() % 3 {
            0 if i > 0 => format!("t{}", usize::from(next()) % i),
            _ => String::new(),
        };
        live.push(Tenant {
            id: format!("t{i}"),
            name: format!("Name {i}"),
            parent,
            default_roles: if next() % 2 == 0 {
                vec!["viewer".into()]
            } else {
                Vec::new()
            },
            ..Tenant::default()
        });
    }
    // Dropped (deleted with --prune): a parent's drop takes its sub-tenants with it.
    let mut dropped: BTreeSet<String> = BTreeSet::new();
    for t in &live {
        if dropped.contains(&t.parent) || next() % 4 == 0 {
            dropped.insert(t.id.clone());
        }
    }
    let kept: Vec<&Tenant> = live.iter().filter(|t| !dropped.contains(&t.id)).collect();
    // The kept tenants' names, shuffled: renames, chains and swaps.
    let mut names: Vec<String> = kept.iter().map(|t| t.name.clone()).collect();
    for i in (1..names.len()).rev() {
        if next() % 2 == 0 {
            let j = usize::from(next()) % (i + 1);
            names.swap(i, j);
        }
    }
    let mut desired: Vec<DesiredTenant> = Vec::new();
    for (t, name) in kept.iter().zip(names) {
        desired.push(DesiredTenant {
            id: t.id.clone(),
            name,
            parent: (!t.parent.is_empty()).then(|| t.parent.clone()),
            disabled: Some(next() % 4 == 0),
            default_roles: (next() % 3 == 0).then(|| vec!["editor".into()]),
            ..DesiredTenant::default()
        });
    }
    // New tenants: a dropped tenant's freed name or a new one; a parent new or kept.
    let mut freed: Vec<String> = live
        .iter()
        .filter(|t| dropped.contains(&t.id))
        .map(|t| t.name.clone())
        .collect();
    for j in 0..usize::from(next() % 4) {
        let name = match freed.pop() {
            Some(n) if next() % 2 == 0 => n,
            _ => format!("New {j}"),
        };
        let parents: Vec<String> = desired.iter().map(|d| d.id.clone()).collect();
        let parent = match next() % 3 {
            0 if !parents.is_empty() => Some(parents[usize::from(next()) % parents.len()].clone()),
            _ => None,
        };
        desired.push(DesiredTenant {
            id: format!("n{j}"),
            name,
            parent,
            default_roles: (next() % 2 == 0).then(|| vec!["admin".into()]),
            ..DesiredTenant::default()
        });
    }
    Project { live, desired }
}

fn plan_options() -> PlanOptions {
    PlanOptions {
        prune: true,
        max_deletes: 100,
        ..PlanOptions::default()
    }
}

/// The parent each planned write depends on: a create's parent create, and a delete's live
/// parent's delete (which waits for it).
fn parent_of<'a>(c: &'a Change, live: &'a [Tenant]) -> Option<&'a str> {
    match c.action {
        Action::Create => c.request.as_ref().map(|r| r.parent.as_str()),
        Action::Delete => live
            .iter()
            .find(|t| t.id == c.id)
            .map(|t| t.parent.as_str()),
        _ => None,
    }
    .filter(|p| !p.is_empty())
}

/// Runs `execute` and checks every property of one run.
fn check(
    p: &Project,
    faults: Vec<Fault>,
    stop_at: Option<usize>,
    fatal_at: Option<usize>,
    backup_fails: bool,
    options: ExecuteOptions,
) -> Result<(), TestCaseError> {
    let Ok(plan) = descope_sync::plan(&p.desired, &p.live, &plan_options()) else {
        return Ok(()); // a plan the planner refuses is not executed
    };
    let clean = faults.iter().all(|f| *f == Fault::None)
        && stop_at.is_none()
        && fatal_at.is_none()
        && !backup_fails;
    let service = Service {
        state: RefCell::new(State {
            tenants: p.live.iter().map(|t| (t.id.clone(), t.clone())).collect(),
            ..State::default()
        }),
        faults,
        stop_at,
        fatal_at,
        backup_fails,
        signalled: std::cell::Cell::new(false),
    };
    let stop = || service.stopped();
    let result = futures::executor::block_on(descope_sync::execute(
        &plan, &p.live, &service, &options, &stop,
    ));
    let interrupted = service.stopped();
    let state = service.state.into_inner();
    let log = &state.log;
    let pos = |e: &Event| log.iter().position(|x| x == e);
    let starts: Vec<(&'static str, &str)> = log
        .iter()
        .filter_map(|e| match e {
            Event::Start(k, id) => Some((*k, id.as_str())),
            _ => None,
        })
        .collect();

    // A failed backup writes nothing.
    if backup_fails
        && plan
            .changes
            .iter()
            .any(|c| matches!(c.action, Action::Update | Action::Delete))
    {
        prop_assert!(result.is_err());
        prop_assert!(starts.is_empty(), "a write after a failed backup: {log:?}");
        return Ok(());
    }
    // No create is sent twice.
    for c in plan.changes.iter().filter(|c| c.action == Action::Create) {
        let n = starts
            .iter()
            .filter(|(k, id)| *k == "create" && *id == c.id)
            .count();
        prop_assert!(n <= 1, "create of {} sent {n} times", c.id);
    }
    // Every write to a live tenant has its backup before it.
    for (i, e) in log.iter().enumerate() {
        if let Event::Start(_, id) = e
            && p.live.iter().any(|t| &t.id == id)
        {
            let b = pos(&Event::Backup(id.clone()));
            prop_assert!(
                b.is_some_and(|b| b < i),
                "write to {id} without a backup first: {log:?}"
            );
        }
    }
    // Parents are created before their children and deleted after them.
    for c in &plan.changes {
        let (kind, Some(parent)) = (c.action, parent_of(c, &p.live)) else {
            continue;
        };
        let Some(started) = pos(&Event::Start(
            if kind == Action::Create {
                "create"
            } else {
                "delete"
            },
            c.id.clone(),
        )) else {
            continue;
        };
        let (first, second) = if kind == Action::Create {
            (parent, c.id.as_str())
        } else {
            (c.id.as_str(), parent)
        };
        let planned = |id: &str| plan.changes.iter().any(|d| d.id == id && d.action == kind);
        if !planned(first) || !planned(second) {
            continue;
        }
        let kind_name = if kind == Action::Create {
            "create"
        } else {
            "delete"
        };
        if kind == Action::Create {
            let done = pos(&Event::End(kind_name, parent.to_owned()));
            prop_assert!(
                done.is_some_and(|d| d < started),
                "create of {} before its parent {parent}: {log:?}",
                c.id
            );
        } else if let Some(parent_start) = pos(&Event::Start(kind_name, parent.to_owned())) {
            let done = pos(&Event::End(kind_name, c.id.clone()));
            prop_assert!(
                done.is_some_and(|d| d < parent_start),
                "delete of {parent} before its child {}: {log:?}",
                c.id
            );
        }
    }
    // Planned or restorable: a tenant that differs from what it was is one the plan creates,
    // or one backed up before its first write.
    let before: BTreeMap<&str, &Tenant> = p.live.iter().map(|t| (t.id.as_str(), t)).collect();
    let ids: BTreeSet<&str> = before
        .keys()
        .copied()
        .chain(state.tenants.keys().map(String::as_str))
        .collect();
    for id in ids {
        if before.get(id).copied() == state.tenants.get(id) {
            continue;
        }
        let created = plan
            .changes
            .iter()
            .any(|c| c.id == id && c.action == Action::Create);
        prop_assert!(
            created || pos(&Event::Backup(id.to_owned())).is_some(),
            "{id} changed and cannot be restored"
        );
    }
    let Ok(report) = result else {
        prop_assert!(fatal_at.is_some());
        return Ok(());
    };
    // Every change has exactly one outcome.
    let mut reported: Vec<usize> = report.outcomes.iter().map(|(i, _)| *i).collect();
    reported.sort_unstable();
    let planned: Vec<usize> = (0..plan.changes.len())
        .filter(|i| plan.changes[*i].action != Action::Unchanged)
        .collect();
    prop_assert_eq!(reported, planned);
    prop_assert_eq!(report.interrupted, interrupted);
    // A change reported done is as the file says.
    for (i, o) in &report.outcomes {
        let c = &plan.changes[*i];
        if *o != Outcome::Done {
            continue;
        }
        let now = state.tenants.get(&c.id);
        match c.action {
            Action::Delete => prop_assert!(now.is_none()),
            _ => {
                let d = p.desired.iter().find(|d| d.id == c.id).expect("desired");
                let now = now.expect("a done create or update exists");
                prop_assert_eq!(&now.name, &d.name);
                if let Some(roles) = &d.default_roles {
                    prop_assert_eq!(&now.default_roles, roles);
                }
            }
        }
    }
    if clean {
        // A run with nothing in the way does everything, and planning again finds nothing.
        prop_assert!(
            report.outcomes.iter().all(|(_, o)| *o == Outcome::Done),
            "{:?}",
            report
        );
        let now: Vec<Tenant> = state.tenants.into_values().collect();
        let again = descope_sync::plan(&p.desired, &now, &plan_options()).expect("plans again");
        prop_assert!(!again.has_changes(), "{:?}", again);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn a_clean_run_does_the_whole_plan_and_a_replan_is_empty(
        choices in prop::collection::vec(any::<u8>(), 64),
        concurrency in 1usize..5,
        fail_fast in any::<bool>(),
    ) {
        let p = project(&choices);
        check(&p, Vec::new(), None, None, false, ExecuteOptions { concurrency, fail_fast })?;
    }

    #[test]
    fn every_run_ends_as_planned_or_restorable(
        choices in prop::collection::vec(any::<u8>(), 64),
        faults in prop::collection::vec(fault(), 0..24),
        stop_at in prop::option::weighted(0.3, 0usize..20),
        fatal_at in prop::option::weighted(0.1, 0usize..20),
        backup_fails in prop::bool::weighted(0.05),
        concurrency in 1usize..5,
        fail_fast in any::<bool>(),
    ) {
        let p = project(&choices);
        check(&p, faults, stop_at, fatal_at, backup_fails, ExecuteOptions { concurrency, fail_fast })?;
    }
}

/// Writes a plan that needs every kind of step: a swap (temporary rename), a freed name taken
/// by a create, parents created and deleted, and roles.
#[test]
fn a_swap_a_freed_name_and_parents_all_converge() {
    let live = vec![
        Tenant {
            id: "a".into(),
            name: "Alpha".into(),
            ..Tenant::default()
        },
        Tenant {
            id: "b".into(),
            name: "Beta".into(),
            ..Tenant::default()
        },
        Tenant {
            id: "old".into(),
            name: "Old".into(),
            ..Tenant::default()
        },
        Tenant {
            id: "old-kid".into(),
            name: "Old kid".into(),
            parent: "old".into(),
            ..Tenant::default()
        },
    ];
    let want = |id: &str, name: &str, parent: Option<&str>| DesiredTenant {
        id: id.into(),
        name: name.into(),
        parent: parent.map(Into::into),
        ..DesiredTenant::default()
    };
    let desired = vec![
        want("a", "Beta", None),
        want("b", "Alpha", None),
        want("new", "Old", None),
        want("new-kid", "Kid", Some("new")),
    ];
    let p = Project { live, desired };
    let plan: Plan = descope_sync::plan(&p.desired, &p.live, &plan_options()).unwrap();
    assert!(
        plan.changes.iter().any(|c| c.temp_name.is_some()),
        "{plan:?}"
    );
    check(
        &p,
        Vec::new(),
        None,
        None,
        false,
        ExecuteOptions {
            concurrency: 4,
            fail_fast: false,
        },
    )
    .unwrap();
}

/// The writes of a wave run `concurrency` at once (`--concurrency`), never more.
#[test]
fn a_wave_runs_concurrency_writes_at_once() {
    let desired: Vec<DesiredTenant> = (0..10)
        .map(|i| DesiredTenant {
            id: format!("n{i}"),
            name: format!("New {i}"),
            ..DesiredTenant::default()
        })
        .collect();
    let plan = descope_sync::plan(&desired, &[], &plan_options()).unwrap();
    for (concurrency, most) in [(1, 1), (4, 4), (16, 10)] {
        let service = Service {
            state: RefCell::new(State::default()),
            faults: Vec::new(),
            stop_at: None,
            fatal_at: None,
            backup_fails: false,
            signalled: std::cell::Cell::new(false),
        };
        let options = ExecuteOptions {
            concurrency,
            fail_fast: false,
        };
        let report = futures::executor::block_on(descope_sync::execute(
            &plan,
            &[],
            &service,
            &options,
            &|| false,
        ))
        .unwrap();
        assert_eq!(report.done(&plan, Action::Create), 10);
        assert_eq!(
            service.state.borrow().most_in_flight,
            most,
            "concurrency {concurrency}"
        );
    }
}

fn service(faults: Vec<Fault>) -> Service {
    Service {
        state: RefCell::new(State::default()),
        faults,
        stop_at: None,
        fatal_at: None,
        backup_fails: false,
        signalled: std::cell::Cell::new(false),
    }
}

/// The outcomes the report words: a failed rename keeps its temporary name, a failed roles
/// write says so, and `--fail-fast` starts nothing after a failure.
#[test]
fn outcomes_say_what_happened_to_each_change() {
    let live = vec![
        Tenant {
            id: "a".into(),
            name: "Alpha".into(),
            ..Tenant::default()
        },
        Tenant {
            id: "b".into(),
            name: "Beta".into(),
            ..Tenant::default()
        },
    ];
    let desired = vec![
        DesiredTenant {
            id: "a".into(),
            name: "Beta".into(),
            ..DesiredTenant::default()
        },
        DesiredTenant {
            id: "b".into(),
            name: "Alpha".into(),
            ..DesiredTenant::default()
        },
        DesiredTenant {
            id: "c".into(),
            name: "Gamma".into(),
            default_roles: Some(vec!["admin".into()]),
            ..DesiredTenant::default()
        },
    ];
    let plan = descope_sync::plan(&desired, &live, &plan_options()).unwrap();
    let temp = plan
        .changes
        .iter()
        .find_map(|c| c.temp_name.clone())
        .unwrap();
    let outcome = |report: &descope_sync::Report, id: &str| {
        report
            .outcomes
            .iter()
            .find(|(i, _)| plan.changes[*i].id == id)
            .map(|(_, o)| o.clone())
            .unwrap()
    };
    let run = |faults: Vec<Fault>, fail_fast: bool| {
        let s = service(faults);
        *s.state.borrow_mut() = State {
            tenants: live.iter().map(|t| (t.id.clone(), t.clone())).collect(),
            ..State::default()
        };
        let options = ExecuteOptions {
            concurrency: 1,
            fail_fast,
        };
        futures::executor::block_on(descope_sync::execute(&plan, &live, &s, &options, &|| false))
            .unwrap()
    };
    // Writes in order, one at a time: c's create and roles, a's temporary rename (wave 1),
    // b's rename (wave 2), a's rename (wave 3).
    let all_refused_from = |n: usize| {
        let mut f = vec![Fault::None; n];
        f.extend([Fault::Refuse; 8]);
        f
    };
    let report = run(all_refused_from(4), false);
    assert_eq!(
        outcome(&report, "a"),
        Outcome::Failed(format!(
            "refused (it has the temporary name `{temp}` until the sync is re-run)"
        ))
    );
    assert_eq!(report.renamed_temporarily.len(), 1);
    let report = run(all_refused_from(1), false);
    assert_eq!(
        outcome(&report, "c"),
        Outcome::Failed("default roles: refused".into())
    );
    assert_eq!(outcome(&report, "b"), Outcome::Failed("refused".into()));
    let report = run(all_refused_from(1), true);
    assert_eq!(outcome(&report, "b"), Outcome::NotStarted);
    assert_eq!(outcome(&report, "a"), Outcome::NotStarted);
    assert_eq!(report.not_started(), 2);
    assert!(!report.interrupted);
}
