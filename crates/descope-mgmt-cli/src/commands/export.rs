//! `export`: the whole project — permissions, project roles, tenants with their session settings
//! and roles — as a project file (SPEC §3a) that a `sync` of it plans nothing for.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Args;
use descope_spec::{ExportFilter, ExportKind, LiveProject};
use futures::StreamExt;

use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::output::shown_path;

/// `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to this file (atomically) instead of stdout
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Do not read the tenants' session settings (one request per tenant); the file then leaves
    /// them unmanaged
    #[arg(long)]
    pub no_settings: bool,
    /// Only these objects, as KIND:GLOB (repeatable); kinds: permission, role, tenant, settings
    /// (by tenant id), tenant-role (by TENANT/NAME). A kind no pattern names is left out
    #[arg(long, value_name = "KIND:GLOB")]
    pub only: Vec<String>,
}

/// `export`: reads tenants, permissions and roles (one request each) and, unless
/// `--no-settings`, each tenant's settings with bounded concurrency; writes the file and says how
/// many of each it holds.
pub async fn run(ctx: &Ctx, args: &ExportArgs) -> CliResult {
    let filter = ExportFilter::parse(&args.only).map_err(CliError::usage)?;
    let client = ctx.client().await?;
    let tenants = client
        .load_all_tenants()
        .await
        .map_err(|e| ctx.api_error(&e))?;
    let permissions = if filter.covers(ExportKind::Permission) {
        Some(
            client
                .load_all_permissions()
                .await
                .map_err(|e| ctx.api_error(&e))?,
        )
    } else {
        None
    };
    let roles = if filter.covers(ExportKind::Role) || filter.covers(ExportKind::TenantRole) {
        Some(
            client
                .load_all_roles()
                .await
                .map_err(|e| ctx.api_error(&e))?,
        )
    } else {
        None
    };
    let settings = if args.no_settings || !filter.needs_settings() {
        None
    } else {
        let ids: Vec<&str> = tenants
            .iter()
            .map(|t| t.id.as_str())
            .filter(|id| filter.matches(ExportKind::Settings, id))
            .collect();
        let bar = ctx
            .out
            .progress(ids.len() as u64, "reading tenant settings");
        let read: Vec<Result<_, CliError>> = futures::stream::iter(ids)
            .map(|id| {
                let client = &client;
                async move {
                    let s = client
                        .load_session_settings(id)
                        .await
                        .map_err(|e| ctx.api_error(&e))?;
                    Ok((id.to_owned(), s))
                }
            })
            .buffer_unordered(usize::from(ctx.global.concurrency))
            .inspect(|_| bar.inc(1))
            .collect()
            .await;
        bar.finish_and_clear();
        let mut by_tenant = BTreeMap::new();
        for r in read {
            // A tenant deleted since the list has no settings: it is exported without them.
            if let (id, Some(s)) = r? {
                by_tenant.insert(id, s);
            }
        }
        Some(by_tenant)
    };
    let mut live = LiveProject {
        tenants,
        permissions,
        roles,
        settings,
    };
    live.tenants.sort_by(|a, b| a.id.cmp(&b.id));
    let export = descope_spec::project_from_live(&live, &filter);
    for w in &export.warnings {
        ctx.out.warn(w);
    }
    let text = descope_spec::project_to_yaml(&export.project);
    let counts = summary(&export, &filter, args.no_settings);
    match &args.file {
        Some(f) => {
            crate::files::write_file(f, &text).await?;
            ctx.out
                .status(&format!("Exported {counts} to {}", shown_path(f)));
        }
        None => {
            ctx.out.data_text(&text)?;
            ctx.out.status(&format!("Exported {counts}"));
        }
    }
    Ok(Exit::Success)
}

/// `3 permission(s), 4 role(s), 2 tenant(s), settings of 2 tenant(s), 1 tenant role(s)`: the
/// kinds the file manages, with what it leaves unmanaged said so.
fn summary(
    export: &descope_spec::ProjectExport,
    filter: &ExportFilter,
    no_settings: bool,
) -> String {
    let p = &export.project;
    let mut parts = Vec::new();
    for (kind, n) in export.counts() {
        let part = match kind {
            ExportKind::Permission if p.permissions.is_some() => format!("{n} permission(s)"),
            ExportKind::Role if p.roles.is_some() => format!("{n} role(s)"),
            ExportKind::Tenant => format!("{n} tenant(s)"),
            ExportKind::Settings if !filter.covers(kind) => continue,
            ExportKind::Settings if no_settings => "no settings (--no-settings)".to_owned(),
            ExportKind::Settings => format!("settings of {n} tenant(s)"),
            ExportKind::TenantRole if filter.covers(kind) && p.roles.is_some() || n > 0 => {
                format!("{n} tenant role(s)")
            }
            _ => continue,
        };
        parts.push(part);
    }
    parts.join(", ")
}
