//! Executes a [`ProjectPlan`]: every backup first (tenants and the other kinds), then the
//! phases in the order of the module docs. Permissions and roles go in batches (one request per
//! kind, action and tenant, [`BATCH_SIZE`] items at most); settings one request per tenant. The
//! batches and settings writes of one step run `concurrency` at once; the steps run in order.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};

use descope_model::Tenant;
use futures::StreamExt;

use crate::change::{Action, Plan, ResourceKind};
use crate::execute::{Backend, ExecuteOptions, Outcome, Report, run_waves, to_back_up};
use crate::project::resource::{BATCH_SIZE, ProjectPlan, ResourceChange};

/// The writes of the kinds beyond tenants, on top of the tenant [`Backend`]. Like its writes,
/// each answers `Ok(outcome)`, and `Err` only for what must stop the whole run at once (the audit
/// log could not be written).
#[allow(async_fn_in_trait)] // Run on one task: the futures need not be `Send`.
pub trait ProjectBackend: Backend {
    /// Backs up every update and delete of `changes` before the first write of the run. If it
    /// fails, nothing is written.
    async fn backup_resources(&self, changes: &[&ResourceChange]) -> Result<(), Self::Error>;

    /// One batch request: every change has the same kind and action (and tenant, for tenant
    /// roles); the service applies all of it or none. Never called with an empty slice, and
    /// never with settings.
    async fn write_batch(&self, changes: &[&ResourceChange]) -> Result<Outcome, Self::Error>;

    /// Writes one tenant's settings (request `None`: the tenant was created by this run; read
    /// its settings now and apply the change's fields with [`crate::settings_with`]).
    async fn write_settings(&self, change: &ResourceChange) -> Result<Outcome, Self::Error>;
}

/// What [`execute_project`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectReport {
    /// The tenants' changes (index into `plan.tenants.changes`).
    pub tenants: Report,
    /// Index into [`ProjectPlan::resources`] and its outcome, in the order they finished.
    pub resources: Vec<(usize, Outcome)>,
    /// `stop` was set when the run ended.
    pub interrupted: bool,
}

impl ProjectReport {
    /// The failed resource changes and why, in the order they finished.
    pub fn failed_resources(&self) -> impl Iterator<Item = (usize, &str)> {
        self.resources.iter().filter_map(|(i, o)| match o {
            Outcome::Failed(e) => Some((*i, e.as_str())),
            _ => None,
        })
    }

    /// How many changes of either part were not started.
    #[must_use]
    pub fn not_started(&self) -> usize {
        self.tenants.not_started()
            + self
                .resources
                .iter()
                .filter(|(_, o)| *o == Outcome::NotStarted)
                .count()
    }
}

/// One step of the run: batches (or settings writes) that may run at once.
type Step = Vec<Vec<usize>>;

/// Applies `plan` (made against the live tenants `live`) through `backend`: the backups of every
/// update and delete of every kind first (if that fails, nothing is written), then the phases.
/// `stop` is asked before each write; once it says yes no write starts and those in flight
/// finish.
///
/// # Errors
/// The backend's error from a backup (nothing was written) or from a write (the run stopped
/// after the writes in flight finished).
pub async fn execute_project<B: ProjectBackend>(
    plan: &ProjectPlan,
    live: &[Tenant],
    backend: &B,
    options: &ExecuteOptions,
    stop: &dyn Fn() -> bool,
) -> Result<ProjectReport, B::Error> {
    let tenant_backups = to_back_up(&plan.tenants);
    if !tenant_backups.is_empty() {
        backend.backup(&tenant_backups).await?;
    }
    let resource_backups: Vec<&ResourceChange> = plan
        .resources
        .iter()
        .filter(|c| matches!(c.action, Action::Update | Action::Delete))
        // The settings of a tenant this run creates do not exist yet: nothing to back up.
        .filter(|c| !(c.kind == ResourceKind::Settings && c.request.is_none()))
        .collect();
    if !resource_backups.is_empty() {
        backend.backup_resources(&resource_backups).await?;
    }
    // Default roles that name a tenant role this run creates or renames are set after it.
    let held = held_default_roles(plan);
    let tenants = without_default_roles(&plan.tenants, &held);
    let waves = tenants.waves(live);
    let r = &plan.resources;
    let before = [
        batches(r, ResourceKind::Permission, Action::Update),
        batches(r, ResourceKind::Permission, Action::Create),
        batches(r, ResourceKind::Role, Action::Update),
        batches(r, ResourceKind::Role, Action::Create),
    ];
    let after = [
        singles(r, ResourceKind::Settings),
        batches(r, ResourceKind::TenantRole, Action::Update),
        batches(r, ResourceKind::TenantRole, Action::Create),
    ];
    let deletes = [
        batches(r, ResourceKind::TenantRole, Action::Delete),
        batches(r, ResourceKind::Role, Action::Delete),
        batches(r, ResourceKind::Permission, Action::Delete),
    ];
    let steps: usize = waves.iter().map(Vec::len).sum::<usize>()
        + before
            .iter()
            .chain(&after)
            .chain(&deletes)
            .map(Vec::len)
            .sum::<usize>()
        + held.len();
    backend.writes_begin(steps);
    let fail_fast_stop = AtomicBool::new(false);
    let run = Run {
        plan,
        backend,
        options,
        stop,
        stopped: &fail_fast_stop,
    };
    let result = run
        .all(&tenants, waves, before, after, deletes, &held)
        .await;
    backend.writes_end();
    let mut report = result?;
    report.interrupted = stop();
    Ok(report)
}

/// Tenant changes whose default roles name a role of the same tenant that this run creates or
/// renames (tenant roles are written after the tenants).
fn held_default_roles(plan: &ProjectPlan) -> BTreeSet<usize> {
    let new_names: BTreeSet<(&str, &str)> = plan
        .resources
        .iter()
        .filter(|c| c.kind == ResourceKind::TenantRole)
        .filter(|c| {
            c.action == Action::Create || (c.action == Action::Update && c.renamed_from.is_some())
        })
        .filter_map(|c| Some((c.tenant.as_deref()?, c.name.as_str())))
        .collect();
    if new_names.is_empty() {
        return BTreeSet::new();
    }
    plan.tenants
        .changes
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.default_roles.as_ref().is_some_and(|roles| {
                roles
                    .iter()
                    .any(|r| new_names.contains(&(c.id.as_str(), r.as_str())))
            })
        })
        .map(|(i, _)| i)
        .collect()
}

/// The tenant plan with the held default roles taken out (an update of only default roles
/// becomes unchanged: its one write comes later).
fn without_default_roles(plan: &Plan, held: &BTreeSet<usize>) -> Plan {
    if held.is_empty() {
        return plan.clone();
    }
    let mut out = plan.clone();
    for &i in held {
        let c = &mut out.changes[i];
        c.default_roles = None;
        if c.action == Action::Update && c.request.is_none() {
            c.action = Action::Unchanged;
        }
    }
    out
}

/// The changes of `kind` and `action` in batches: one group per tenant (a batch may not span
/// tenants), at most [`BATCH_SIZE`] each, in plan order.
fn batches(changes: &[ResourceChange], kind: ResourceKind, action: Action) -> Step {
    let mut groups: Vec<(Option<&str>, Vec<usize>)> = Vec::new();
    for (i, c) in changes.iter().enumerate() {
        if c.kind != kind || c.action != action {
            continue;
        }
        let tenant = c.tenant.as_deref();
        match groups.iter_mut().find(|(t, _)| *t == tenant) {
            Some((_, g)) => g.push(i),
            None => groups.push((tenant, vec![i])),
        }
    }
    groups
        .into_iter()
        .flat_map(|(_, g)| {
            g.chunks(BATCH_SIZE)
                .map(<[usize]>::to_vec)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The changes of `kind` (settings) that write, one write each.
fn singles(changes: &[ResourceChange], kind: ResourceKind) -> Step {
    changes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == kind && c.action == Action::Update)
        .map(|(i, _)| vec![i])
        .collect()
}

/// One run's shared state.
struct Run<'a, B> {
    plan: &'a ProjectPlan,
    backend: &'a B,
    options: &'a ExecuteOptions,
    stop: &'a dyn Fn() -> bool,
    stopped: &'a AtomicBool,
}

impl<B: ProjectBackend> Run<'_, B> {
    async fn all(
        &self,
        tenants: &Plan,
        waves: Vec<crate::Wave>,
        before: [Step; 4],
        after: [Step; 3],
        deletes: [Step; 3],
        held: &BTreeSet<usize>,
    ) -> Result<ProjectReport, B::Error> {
        let mut report = ProjectReport::default();
        for step in before {
            self.step(step, &mut report.resources).await?;
        }
        report.tenants = run_waves(
            tenants,
            waves,
            self.backend,
            self.options,
            self.stop,
            self.stopped,
        )
        .await?;
        for step in after {
            self.step(step, &mut report.resources).await?;
        }
        self.default_roles(held, &mut report.tenants).await?;
        for step in deletes {
            self.step(step, &mut report.resources).await?;
        }
        Ok(report)
    }

    /// Whether no new write may start.
    fn halted(&self) -> bool {
        self.stopped.load(Ordering::SeqCst) || (self.stop)()
    }

    /// Runs one step's batches `concurrency` at once; each change of a batch gets its outcome.
    async fn step(&self, step: Step, out: &mut Vec<(usize, Outcome)>) -> Result<(), B::Error> {
        let resources = &self.plan.resources;
        let answers: Vec<_> = futures::stream::iter(step.into_iter().map(|batch| async move {
            if self.halted() {
                return (batch, Ok(Outcome::NotStarted));
            }
            let changes: Vec<&ResourceChange> = batch.iter().map(|&i| &resources[i]).collect();
            let r = if changes[0].kind == ResourceKind::Settings {
                self.backend.write_settings(changes[0]).await
            } else {
                self.backend.write_batch(&changes).await
            };
            if self.options.fail_fast && matches!(r, Ok(Outcome::Failed(_))) {
                self.stopped.store(true, Ordering::SeqCst);
            }
            (batch, r)
        }))
        .buffer_unordered(self.options.concurrency.max(1))
        .inspect(|_| self.backend.step_finished())
        .collect()
        .await;
        for (batch, r) in answers {
            let o = match r {
                Ok(o) => o,
                Err(e) => {
                    self.stopped.store(true, Ordering::SeqCst);
                    return Err(e);
                }
            };
            out.extend(batch.into_iter().map(|i| (i, o.clone())));
        }
        Ok(())
    }

    /// Sets the default roles held back, for tenants whose own write succeeded (or had none).
    async fn default_roles(
        &self,
        held: &BTreeSet<usize>,
        report: &mut Report,
    ) -> Result<(), B::Error> {
        for &i in held {
            let c = &self.plan.tenants.changes[i];
            let pos = report.outcomes.iter().position(|(j, _)| *j == i);
            let main = pos.map_or(Outcome::Done, |p| report.outcomes[p].1.clone());
            if main != Outcome::Done {
                self.backend.step_finished();
                continue;
            }
            let o = match (&c.default_roles, self.halted()) {
                (_, true) | (None, _) => Outcome::NotStarted,
                (Some(roles), false) => match self.backend.set_default_roles(c, roles).await {
                    Ok(Outcome::Failed(e)) => Outcome::Failed(format!("default roles: {e}")),
                    Ok(o) => o,
                    Err(e) => {
                        self.stopped.store(true, Ordering::SeqCst);
                        return Err(e);
                    }
                },
            };
            if self.options.fail_fast && matches!(o, Outcome::Failed(_)) {
                self.stopped.store(true, Ordering::SeqCst);
            }
            self.backend.step_finished();
            match pos {
                Some(p) => report.outcomes[p].1 = o,
                None => report.outcomes.push((i, o)),
            }
        }
        Ok(())
    }
}
