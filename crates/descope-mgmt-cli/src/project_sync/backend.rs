//! The CLI's [`Backend`] for `tenant sync --apply`: each write takes the project lock's writer
//! (backup → request → audit record); `descope_sync::execute` decides what is sent and when.

use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use descope_api::{Client, Tenant};
use descope_store::TargetType;
use descope_sync::{Action, Backend, Change, LiveResources, Outcome};
use futures::StreamExt;
use indicatif::ProgressBar;
use serde_json::{Value, json};

use crate::ctx::Ctx;
use crate::error::{CliError, Exit};
use crate::write::{BackupItem, Writer};

/// Writes a plan's changes to the service, each one audited, after backing them up.
pub struct CliBackend<'a> {
    pub(super) ctx: &'a Ctx,
    pub(super) client: &'a Client,
    pub(super) writer: &'a Writer<'a>,
    /// The live tenants the plan was made against, by id.
    live: BTreeMap<&'a str, &'a Tenant>,
    /// The live permissions, roles and settings the plan was made against.
    pub(super) resources: &'a LiveResources,
    /// The backup of each tenant updated or deleted, by id (set once, before the first write).
    backups: OnceCell<BTreeMap<String, PathBuf>>,
    /// The backup of each other object updated or deleted, by `KIND:TARGET_ID` (`role:acme/admin`).
    pub(super) resource_backups: OnceCell<BTreeMap<String, PathBuf>>,
    /// The "applying" progress bar while the writes run.
    bar: RefCell<Option<ProgressBar>>,
    /// The writes finished so far, and the status line off a terminal.
    done: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    ticker: RefCell<Option<super::ticker::Ticker>>,
}

impl<'a> CliBackend<'a> {
    /// A backend writing through `writer` (which holds the project lock).
    pub fn new(
        ctx: &'a Ctx,
        client: &'a Client,
        writer: &'a Writer<'a>,
        live: &'a [Tenant],
        resources: &'a LiveResources,
    ) -> Self {
        Self {
            ctx,
            client,
            writer,
            live: live.iter().map(|t| (t.id.as_str(), t)).collect(),
            resources,
            backups: OnceCell::new(),
            resource_backups: OnceCell::new(),
            bar: RefCell::new(None),
            done: std::sync::Arc::default(),
            ticker: RefCell::new(None),
        }
    }

    /// The backups taken, by tenant id.
    pub fn backups(&self) -> &BTreeMap<String, PathBuf> {
        self.backups.get_or_init(BTreeMap::new)
    }

    fn backup_of(&self, id: &str) -> Option<&Path> {
        self.backups().get(id).map(PathBuf::as_path)
    }

    /// Sends one write of tenant `id` through the writer (with the tenant's backup, if it has
    /// one, in its audit record) and turns its answer into the change's outcome.
    async fn send<T>(
        &self,
        request: &str,
        id: &str,
        backed_up: bool,
        write: impl Future<Output = Result<T, descope_api::ApiError>>,
    ) -> Result<Outcome, CliError> {
        let backup = if backed_up { self.backup_of(id) } else { None };
        let r = self
            .writer
            .audited(request, TargetType::Tenant, id, backup, write)
            .await;
        Self::outcome(r)
    }

    /// A write's answer: the service's error is the change's failure; an interruption just
    /// before sending means the write never started; anything else stops the run.
    pub(super) fn outcome<T>(
        r: Result<Result<T, descope_api::ApiError>, CliError>,
    ) -> Result<Outcome, CliError> {
        match r {
            Ok(Ok(_)) => Ok(Outcome::Done),
            Ok(Err(e)) => Ok(Outcome::Failed(e.to_string())),
            Err(e) if e.exit() == Exit::Interrupted => Ok(Outcome::NotStarted),
            Err(e) => Err(e),
        }
    }
}

/// A tenant read for its backup: id, object, and settings (for deletes).
type Fetched = (String, Value, Option<Value>);

impl Backend for CliBackend<'_> {
    type Error = CliError;

    async fn backup(&self, changes: &[&Change]) -> Result<(), CliError> {
        let ctx = self.ctx;
        let bar = ctx.out.progress(changes.len() as u64, "backing up");
        let fetched: Vec<Result<Fetched, CliError>> =
            futures::stream::iter(changes.iter().map(|c| {
                let live = self.live.get(c.id.as_str()).copied().cloned();
                let is_delete = matches!(c.action, Action::Delete);
                let id = c.id.clone();
                async move {
                    let live = live.ok_or_else(|| {
                        CliError::new(format!("tenant `{id}` was in the plan but not read live"))
                    })?;
                    // A delete destroys the tenant's settings too, so its backup holds them; an
                    // update leaves settings as they are.
                    let settings = if is_delete {
                        Some(Value::Object(
                            self.client
                                .tenant_settings(&id)
                                .await
                                .map_err(|e| ctx.api_error(&e))?,
                        ))
                    } else {
                        None
                    };
                    Ok((id, json!(live), settings))
                }
            }))
            .buffer_unordered(usize::from(ctx.global.concurrency))
            .inspect(|_| bar.inc(1))
            .collect()
            .await;
        bar.finish_and_clear();
        let mut items = Vec::with_capacity(fetched.len());
        for f in fetched {
            let (id, obj, settings) =
                f.map_err(|e| CliError::new(format!("{}; nothing was changed", e.message)))?;
            items.push(BackupItem {
                operation: if settings.is_some() {
                    "sync-delete"
                } else {
                    "sync-update"
                },
                target_type: TargetType::Tenant,
                target_id: id,
                object: obj,
                settings,
            });
        }
        let backups = self.writer.backup_many(items, 16).await?;
        ctx.out.status(&format!(
            "Backed up {} tenant(s) before changing them.",
            backups.len()
        ));
        let _ = self.backups.set(backups);
        Ok(())
    }

    async fn create(&self, c: &Change) -> Result<Outcome, CliError> {
        let Some(req) = &c.request else {
            return Ok(Outcome::Failed("no request in the plan".into()));
        };
        self.send("create", &c.id, false, self.client.create_tenant(req))
            .await
    }

    async fn update(&self, c: &Change) -> Result<Outcome, CliError> {
        let Some(req) = &c.request else {
            return Ok(Outcome::Failed("no request in the plan".into()));
        };
        self.send("update", &c.id, true, self.client.update_tenant(req))
            .await
    }

    async fn delete(&self, c: &Change) -> Result<Outcome, CliError> {
        self.send(
            "delete",
            &c.id,
            true,
            self.client.delete_tenant(&c.id, false),
        )
        .await
    }

    async fn rename_temporarily(&self, c: &Change, temp: &str) -> Result<Outcome, CliError> {
        let Some(live) = self.live.get(c.id.as_str()) else {
            return Ok(Outcome::Failed(
                "no temporary name or live tenant for the rename".into(),
            ));
        };
        let mut req = descope_api::TenantRequest::from_tenant(live);
        req.name = temp.to_owned();
        let sent = self
            .send("update", &c.id, true, self.client.update_tenant(&req))
            .await?;
        Ok(match sent {
            Outcome::Failed(e) => {
                Outcome::Failed(format!("rename to the temporary name `{temp}`: {e}"))
            }
            o => o,
        })
    }

    async fn set_default_roles(&self, c: &Change, roles: &[String]) -> Result<Outcome, CliError> {
        self.send(
            "default-roles",
            &c.id,
            true,
            self.client.set_default_roles(&c.id, roles),
        )
        .await
    }

    fn writes_begin(&self, steps: usize) {
        // From here Ctrl-C / SIGTERM stops new writes while in-flight writes finish.
        self.ctx.interrupt.set_graceful(true);
        *self.bar.borrow_mut() = Some(self.ctx.out.progress_eta(steps as u64, "applying"));
        // Off a terminal (a CI log), a status line at least every 10 s instead of the bar.
        if !self.ctx.out.stderr_tty && !self.ctx.out.quiet {
            *self.ticker.borrow_mut() = Some(super::ticker::Ticker::start(
                self.ctx.out.clone(),
                steps,
                self.done.clone(),
            ));
        }
    }

    fn step_finished(&self) {
        self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Some(bar) = self.bar.borrow().as_ref() {
            bar.inc(1);
        }
    }

    fn writes_end(&self) {
        if let Some(bar) = self.bar.borrow_mut().take() {
            bar.finish_and_clear();
        }
        if let Some(t) = self.ticker.borrow_mut().take() {
            t.stop();
        }
    }
}
