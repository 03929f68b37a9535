//! Executes a plan against a [`Backend`]: every backup before the first write, then the waves of
//! [`crate::Plan::waves`], each wave's writes `concurrency` at once. The backend does the IO
//! (requests, backups, the audit log); this module decides what is sent, in what order, and
//! what each change's outcome is.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};

use descope_model::Tenant;
use futures::StreamExt;

use crate::change::{Action, Change, Plan};

/// What one write (or one change) came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The service accepted it.
    Done,
    /// The service refused it, or it could not be sent; the message says why.
    Failed(String),
    /// It was never sent: the run was interrupted, `--fail-fast` stopped it, or a step it
    /// needed did not happen.
    NotStarted,
}

/// The writes of one kind of resource, and the backups taken before them. A write answers
/// `Ok(outcome)`; `Err` is an error that must stop the whole run at once (the audit log could
/// not be written), and `execute` returns it after the writes already in flight finish.
#[allow(async_fn_in_trait)] // Run on one task: the futures need not be `Send`.
pub trait Backend {
    /// The error that stops the run.
    type Error;

    /// Backs up every change of `changes` (updates and deletes) before the first write. If it
    /// fails, `execute` writes nothing.
    async fn backup(&self, changes: &[&Change]) -> Result<(), Self::Error>;

    /// Creates the resource of `change` (its request is set).
    async fn create(&self, change: &Change) -> Result<Outcome, Self::Error>;

    /// Updates the resource of `change` to its request (its request is set).
    async fn update(&self, change: &Change) -> Result<Outcome, Self::Error>;

    /// Deletes the resource of `change`.
    async fn delete(&self, change: &Change) -> Result<Outcome, Self::Error>;

    /// Renames the resource of `change` to `temp_name`, which frees its name for another
    /// resource of a rename cycle; its own update gives it its new name later.
    async fn rename_temporarily(
        &self,
        change: &Change,
        temp_name: &str,
    ) -> Result<Outcome, Self::Error>;

    /// Sets the default roles of the tenant of `change`, after its create or update.
    async fn set_default_roles(
        &self,
        change: &Change,
        roles: &[String],
    ) -> Result<Outcome, Self::Error>;

    /// The writes begin (the backups are taken): `steps` writes at most.
    fn writes_begin(&self, _steps: usize) {}

    /// One write finished (or was not started).
    fn step_finished(&self) {}

    /// The writes ended (or stopped on an error).
    fn writes_end(&self) {}
}

/// How `execute` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecuteOptions {
    /// Writes of a wave sent at once (at least 1).
    pub concurrency: usize,
    /// After the first failed write, start no other.
    pub fail_fast: bool,
}

/// What `execute` did, change by change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Index into the plan's changes, and the change's outcome, in the order they finished.
    pub outcomes: Vec<(usize, Outcome)>,
    /// Changes renamed to their temporary name: undoable from their backup even if their own
    /// write did not happen.
    pub renamed_temporarily: BTreeSet<usize>,
    /// `stop` was set when the run ended.
    pub interrupted: bool,
}

impl Report {
    /// How many changes of `action` are done.
    #[must_use]
    pub fn done(&self, plan: &Plan, action: Action) -> usize {
        self.outcomes
            .iter()
            .filter(|(i, o)| plan.changes[*i].action == action && *o == Outcome::Done)
            .count()
    }

    /// The failed changes and why, in the order they finished.
    pub fn failed(&self) -> impl Iterator<Item = (usize, &str)> {
        self.outcomes.iter().filter_map(|(i, o)| match o {
            Outcome::Failed(e) => Some((*i, e.as_str())),
            _ => None,
        })
    }

    /// How many changes were not started.
    #[must_use]
    pub fn not_started(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|(_, o)| *o == Outcome::NotStarted)
            .count()
    }
}

/// Applies `plan` (made against `live`) through `backend`: backups of every update and delete
/// first (if that fails, nothing is written), then [`Plan::waves`] in order. `stop` is asked
/// before each write; once it says yes, no write starts, and the ones in flight finish.
///
/// # Errors
/// The backend's error from `backup` (nothing was written) or from a write (the run stopped
/// after the writes in flight finished).
pub async fn execute<B: Backend>(
    plan: &Plan,
    live: &[Tenant],
    backend: &B,
    options: &ExecuteOptions,
    stop: &dyn Fn() -> bool,
) -> Result<Report, B::Error> {
    let to_back_up = to_back_up(plan);
    if !to_back_up.is_empty() {
        backend.backup(&to_back_up).await?;
    }
    let waves = plan.waves(live);
    backend.writes_begin(waves.iter().map(Vec::len).sum());
    let fail_fast_stop = AtomicBool::new(false);
    let report = run_waves(plan, waves, backend, options, stop, &fail_fast_stop).await;
    backend.writes_end();
    let mut report = report?;
    report.interrupted = stop();
    Ok(report)
}

/// The tenant changes to back up before the first write: every update and delete.
pub(crate) fn to_back_up(plan: &Plan) -> Vec<&Change> {
    plan.changes
        .iter()
        .filter(|c| matches!(c.action, Action::Update | Action::Delete))
        .collect()
}

/// Sends `waves` of `plan` (the backups are taken). `fail_fast_stop` is set by the first failure
/// under `--fail-fast` (and read: a run of several phases shares it). The backend's
/// `writes_begin`/`writes_end` are the caller's.
pub(crate) async fn run_waves<B: Backend>(
    plan: &Plan,
    waves: Vec<crate::Wave>,
    backend: &B,
    options: &ExecuteOptions,
    stop: &dyn Fn() -> bool,
    fail_fast_stop: &AtomicBool,
) -> Result<Report, B::Error> {
    let changes = &plan.changes;
    let mut report = Report::default();
    // Changes whose rename to a temporary name did not happen: their own write is not sent.
    let mut held_back: BTreeSet<usize> = BTreeSet::new();
    let concurrency = options.concurrency.max(1);
    for wave in waves {
        let wave: Vec<_> = wave
            .into_iter()
            .filter(|s| !held_back.contains(&s.change))
            .collect();
        if wave.is_empty() {
            continue;
        }
        let stopped = fail_fast_stop;
        let answers: Vec<_> = futures::stream::iter(wave.into_iter().map(|step| async move {
            if stopped.load(Ordering::SeqCst) || stop() {
                return (step, Ok(Outcome::NotStarted));
            }
            let c = &changes[step.change];
            let r = if step.temporary {
                match &c.temp_name {
                    Some(t) => backend.rename_temporarily(c, t).await,
                    None => Ok(Outcome::Failed(
                        "no temporary name or live tenant for the rename".into(),
                    )),
                }
            } else {
                write(backend, c).await
            };
            if options.fail_fast && matches!(r, Ok(Outcome::Failed(_))) {
                stopped.store(true, Ordering::SeqCst);
            }
            (step, r)
        }))
        .buffer_unordered(concurrency)
        .inspect(|_| backend.step_finished())
        .collect()
        .await;
        for (step, r) in answers {
            let i = step.change;
            let o = match r {
                Ok(o) => o,
                Err(e) => {
                    // The audit log could not be written: stop at once.
                    fail_fast_stop.store(true, Ordering::SeqCst);
                    return Err(e);
                }
            };
            if step.temporary {
                // The rename to a temporary name is a step of the change, not its outcome.
                if o == Outcome::Done {
                    report.renamed_temporarily.insert(i);
                    continue;
                }
                held_back.insert(i);
            }
            // Its temporary name stays until a re-run gives it its new name.
            let o = match (o, &changes[i].temp_name) {
                (Outcome::Failed(e), Some(t))
                    if report.renamed_temporarily.contains(&i)
                        && !e.starts_with("default roles:") =>
                {
                    Outcome::Failed(format!(
                        "{e} (it has the temporary name `{t}` until the sync is re-run)"
                    ))
                }
                (o, _) => o,
            };
            report.outcomes.push((i, o));
        }
    }
    Ok(report)
}

/// A change's own write, then its default roles.
async fn write<B: Backend>(backend: &B, c: &Change) -> Result<Outcome, B::Error> {
    let main = match c.action {
        Action::Create if c.request.is_none() => {
            return Ok(Outcome::Failed("no request in the plan".into()));
        }
        Action::Create => backend.create(c).await?,
        // An update of only the default roles has no request.
        Action::Update if c.request.is_none() && c.default_roles.is_none() => {
            return Ok(Outcome::Failed("no request in the plan".into()));
        }
        Action::Update if c.request.is_none() => Outcome::Done,
        Action::Update => backend.update(c).await?,
        Action::Delete => backend.delete(c).await?,
        Action::Unchanged => return Ok(Outcome::NotStarted),
    };
    if main != Outcome::Done {
        return Ok(main);
    }
    let Some(roles) = &c.default_roles else {
        return Ok(Outcome::Done);
    };
    Ok(match backend.set_default_roles(c, roles).await? {
        Outcome::Failed(e) => Outcome::Failed(format!("default roles: {e}")),
        o => o,
    })
}
