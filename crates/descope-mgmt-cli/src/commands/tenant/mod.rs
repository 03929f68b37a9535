//! `tenant list | get | create | update | delete | sync | export | restore`: one file per
//! subcommand.

pub mod create;
pub mod delete;
pub mod get;
pub mod list;
pub mod restore;
pub mod update;

// `tenant sync` and `tenant export` still live in one file outside this directory while their
// engine moves to descope-sync; they become `sync.rs` and `export.rs` here.
#[path = "../sync.rs"]
pub mod sync;

use crate::args::TenantCommand;
use crate::ctx::Ctx;
use crate::error::CliResult;

/// Runs a tenant command.
pub async fn run(ctx: &Ctx, cmd: TenantCommand) -> CliResult {
    match cmd {
        TenantCommand::List(a) => list::run(ctx, &a).await,
        TenantCommand::Get(a) => get::run(ctx, &a).await,
        TenantCommand::Create(a) => create::run(ctx, &a).await,
        TenantCommand::Update(a) => update::run(ctx, &a).await,
        TenantCommand::Delete(a) => delete::run(ctx, &a).await,
        TenantCommand::Sync(a) => sync::sync(ctx, &a).await,
        TenantCommand::Export(a) => sync::export(ctx, &a).await,
        TenantCommand::Restore(a) => restore::run(ctx, &a).await,
    }
}
