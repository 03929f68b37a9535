//! The CLI backend's writes of permissions, roles and tenant settings (`ProjectBackend`): their
//! backups, the batch requests (one audit record per object), and settings read-modify-write.

use std::collections::BTreeMap;
use std::path::PathBuf;

use descope_api::{ApiError, RoleFilter};
use descope_store::TargetType;
use descope_sync::{
    Action, Outcome, ProjectBackend, ResourceChange, ResourceKind, ResourceRequest,
};

use super::backend::CliBackend;
use crate::error::CliError;
use crate::write::BackupItem;

/// The backup and audit type of a kind.
fn target_type(kind: ResourceKind) -> TargetType {
    match kind {
        ResourceKind::Tenant => TargetType::Tenant,
        ResourceKind::Permission => TargetType::Permission,
        ResourceKind::Role | ResourceKind::TenantRole => TargetType::Role,
        ResourceKind::Settings => TargetType::Settings,
    }
}

/// The key of a backup in `resource_backups`.
pub fn backup_key(c: &ResourceChange) -> String {
    format!("{}:{}", target_type(c.kind), c.target_id())
}

impl CliBackend<'_> {
    /// The backups taken of permissions, roles and settings, by `KIND:TARGET_ID`.
    pub fn resource_backups(&self) -> &BTreeMap<String, PathBuf> {
        self.resource_backups.get_or_init(BTreeMap::new)
    }

    /// Sends one request writing `changes`, audited once per object, as the changes' outcome.
    async fn send_many<T>(
        &self,
        request: &str,
        changes: &[&ResourceChange],
        write: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<Outcome, CliError> {
        let backups = self.resource_backups();
        let targets: Vec<(TargetType, String, Option<PathBuf>)> = changes
            .iter()
            .map(|c| {
                let backup = matches!(c.action, Action::Update | Action::Delete)
                    .then(|| backups.get(&backup_key(c)).cloned())
                    .flatten();
                (target_type(c.kind), c.target_id(), backup)
            })
            .collect();
        let r = self.writer.audited_many(request, &targets, write).await;
        Self::outcome(r)
    }
}

/// The requests of `changes`, each picked by `pick`; a change without one is a damaged plan.
fn requests<T: Clone>(
    changes: &[&ResourceChange],
    pick: impl Fn(&ResourceRequest) -> Option<&T>,
) -> Result<Vec<T>, Outcome> {
    changes
        .iter()
        .map(|c| {
            c.request
                .as_ref()
                .and_then(&pick)
                .cloned()
                .ok_or_else(|| Outcome::Failed(format!("no request in the plan for {}", c.label())))
        })
        .collect()
}

impl ProjectBackend for CliBackend<'_> {
    async fn backup_resources(&self, changes: &[&ResourceChange]) -> Result<(), CliError> {
        let mut by_type: Vec<(TargetType, Vec<BackupItem>)> = Vec::new();
        for c in changes {
            let object = self.resources.object_of(c).ok_or_else(|| {
                CliError::new(format!(
                    "{} was in the plan but not read live; nothing was changed",
                    c.label()
                ))
            })?;
            let t = target_type(c.kind);
            let item = BackupItem {
                operation: if c.action == Action::Delete {
                    "sync-delete"
                } else {
                    "sync-update"
                },
                target_type: t,
                target_id: c.target_id(),
                object,
                settings: None,
            };
            match by_type.iter_mut().find(|(k, _)| *k == t) {
                Some((_, items)) => items.push(item),
                None => by_type.push((t, vec![item])),
            }
        }
        let mut all = BTreeMap::new();
        let mut counts = Vec::new();
        for (t, items) in by_type {
            let written = self.writer.backup_many(items, 16).await?;
            counts.push(match t {
                TargetType::Settings => format!("the settings of {} tenant(s)", written.len()),
                _ => format!("{} {t}(s)", written.len()),
            });
            all.extend(written.into_iter().map(|(id, p)| (format!("{t}:{id}"), p)));
        }
        self.ctx.out.status(&format!(
            "Backed up {} before changing them.",
            counts.join(", ")
        ));
        let _ = self.resource_backups.set(all);
        Ok(())
    }

    async fn write_batch(&self, changes: &[&ResourceChange]) -> Result<Outcome, CliError> {
        let Some(first) = changes.first() else {
            return Ok(Outcome::Done);
        };
        let client = self.client;
        let tenant = first.tenant.as_deref();
        macro_rules! batch {
            ($variant:ident, $op:literal, $call:ident) => {
                match requests(changes, |r| match r {
                    ResourceRequest::$variant(x) => Some(x),
                    _ => None,
                }) {
                    Ok(reqs) => self.send_many($op, changes, client.$call(&reqs)).await,
                    Err(o) => Ok(o),
                }
            };
        }
        match (first.kind, first.action) {
            (ResourceKind::Permission, Action::Create) => {
                batch!(CreatePermission, "create", create_permissions_batch)
            }
            (ResourceKind::Permission, Action::Update) => {
                batch!(UpdatePermission, "update", update_permissions_batch)
            }
            (ResourceKind::Role | ResourceKind::TenantRole, Action::Create) => {
                batch!(CreateRole, "create", create_roles_batch)
            }
            (ResourceKind::Role | ResourceKind::TenantRole, Action::Update) => {
                batch!(UpdateRole, "update", update_roles_batch)
            }
            (ResourceKind::Permission, Action::Delete) => {
                let names: Vec<String> = changes.iter().map(|c| c.live_name().to_owned()).collect();
                self.send_many(
                    "delete",
                    changes,
                    client.delete_permissions_batch(&names, &[]),
                )
                .await
            }
            (ResourceKind::Role | ResourceKind::TenantRole, Action::Delete) => {
                // RoleFilter cannot be empty: the service would delete every role.
                let filter = match RoleFilter::names(tenant, changes.iter().map(|c| c.live_name()))
                {
                    Ok(f) => f,
                    Err(e) => return Ok(Outcome::Failed(e.to_string())),
                };
                self.send_many("delete", changes, client.delete_roles_batch(&filter))
                    .await
            }
            (kind, action) => Ok(Outcome::Failed(format!(
                "a {kind} {action} is not written in a batch"
            ))),
        }
    }

    async fn write_settings(&self, c: &ResourceChange) -> Result<Outcome, CliError> {
        let settings = match &c.request {
            Some(ResourceRequest::Settings(s)) => (**s).clone(),
            // A tenant this run created: its fresh settings, with the file's fields applied.
            None => match self.client.load_session_settings(&c.name).await {
                Ok(Some(base)) => match descope_sync::settings_with(&base, &c.fields) {
                    Ok(s) => s,
                    Err(e) => return Ok(Outcome::Failed(e)),
                },
                Ok(None) => {
                    return Ok(Outcome::Failed(format!(
                        "tenant `{}` does not exist (its create did not happen)",
                        c.name
                    )));
                }
                Err(e) => return Ok(Outcome::Failed(format!("reading its settings: {e}"))),
            },
            Some(_) => return Ok(Outcome::Failed("no settings in the plan".into())),
        };
        self.send_many(
            "settings",
            &[c],
            self.client.write_session_settings(&c.name, &settings),
        )
        .await
    }
}
