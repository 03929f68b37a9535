//! `tenant list | get | create | update | delete | sync | export | restore`: one file per
//! subcommand.

pub mod create;
pub mod delete;
pub mod get;
pub mod list;
pub mod restore;
pub mod update;

pub mod export;
pub mod sync;

use self::create::TenantCreateArgs;
use self::delete::TenantDeleteArgs;
use self::export::TenantExportArgs;
use self::get::TenantGetArgs;
use self::list::TenantListArgs;
use self::sync::TenantSyncArgs;
use self::update::TenantUpdateArgs;
use crate::ctx::Ctx;
use crate::error::CliResult;
use crate::examples as ex;
use crate::restore_lookup::RestoreArgs;
use clap::Subcommand;

/// Tenant commands.
#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// All tenants, sorted by id
    #[command(after_help = ex::TENANT_LIST)]
    List(TenantListArgs),
    /// One tenant with its settings
    #[command(after_help = ex::TENANT_GET)]
    Get(TenantGetArgs),
    /// Create a tenant
    #[command(after_help = ex::TENANT_CREATE)]
    Create(TenantCreateArgs),
    /// Change named fields of a tenant (read-modify-write; backs up first)
    #[command(after_help = ex::TENANT_UPDATE)]
    Update(TenantUpdateArgs),
    /// Delete a tenant (backs up first, then confirms)
    #[command(after_help = ex::TENANT_DELETE)]
    Delete(TenantDeleteArgs),
    /// Plan or apply tenants.yaml against the project
    #[command(after_help = ex::TENANT_SYNC)]
    Sync(TenantSyncArgs),
    /// Live tenants as a tenants.yaml that syncs with no changes
    #[command(after_help = ex::TENANT_EXPORT)]
    Export(TenantExportArgs),
    /// Undo: put a tenant back as a backup recorded it
    #[command(after_help = ex::TENANT_RESTORE)]
    Restore(RestoreArgs),
}

/// Runs a tenant command.
pub async fn run(ctx: &Ctx, cmd: TenantCommand) -> CliResult {
    match cmd {
        TenantCommand::List(a) => list::run(ctx, &a).await,
        TenantCommand::Get(a) => get::run(ctx, &a).await,
        TenantCommand::Create(a) => create::run(ctx, &a).await,
        TenantCommand::Update(a) => update::run(ctx, &a).await,
        TenantCommand::Delete(a) => delete::run(ctx, &a).await,
        TenantCommand::Sync(a) => sync::run(ctx, &a).await,
        TenantCommand::Export(a) => export::run(ctx, &a).await,
        TenantCommand::Restore(a) => restore::run(ctx, &a).await,
    }
}
