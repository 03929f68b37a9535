//! `tenant delete`: back up (with settings), confirm, delete, print the undo command.

use clap::Args;
use descope_store::TargetType;
use serde_json::{Value, json};

use crate::ctx::Ctx;
use crate::error::{CliResult, Exit};
use crate::output::{Table, shown, shown_path};
use crate::shell::shell_quote;
use crate::tenants::{load, settings_of};
use crate::write::Writer;

/// `tenant delete`.
#[derive(Debug, Args)]
pub struct TenantDeleteArgs {
    /// Tenant id
    pub id: String,
    /// Also delete users and access keys associated only with this tenant
    #[arg(long)]
    pub cascade: bool,
    /// Show what would be deleted; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// `tenant delete`: backup (with settings) first, confirm, delete, print the undo command.
pub async fn run(ctx: &Ctx, args: &TenantDeleteArgs) -> CliResult {
    let client = ctx.client().await?;
    let live = load(ctx, client, &args.id).await?;
    let cascade = if args.cascade {
        " and the users and access keys only it has (--cascade)"
    } else {
        ""
    };
    if args.dry_run {
        let text = format!(
            "Would delete tenant {} ({}){cascade} (dry run)\n",
            live.id,
            shown(&live.name)
        );
        match ctx.out.format {
            crate::output::Format::Table => ctx.out.human_text(&text)?,
            _ => ctx.out.emit(
                &json!({"id": live.id, "name": live.name, "action": "delete", "cascade": args.cascade, "applied": false}),
                Table::default,
            )?,
        }
        return Ok(Exit::Success);
    }
    crate::prompts::confirm(
        ctx,
        &format!(
            "Delete tenant {} ({}){cascade}?",
            live.id,
            shown(&live.name)
        ),
    )?;
    let writer = Writer::begin(ctx).await?;
    let live = load(ctx, client, &args.id).await?;
    let settings = settings_of(ctx, client, &args.id).await?;
    let backup = writer.backup(
        "delete",
        TargetType::Tenant,
        &args.id,
        &json!(live),
        Some(&Value::Object(settings)),
    )?;
    writer
        .audited(
            "delete",
            TargetType::Tenant,
            &args.id,
            Some(&backup),
            client.delete_tenant(&args.id, args.cascade),
        )
        .await?
        .map_err(|e| ctx.api_error(&e))?;
    let _ = ctx.out.emit(
        &json!({"id": args.id, "deleted": true, "backup": backup}),
        || Table {
            headers: vec!["DELETED", "BACKUP"],
            rows: vec![vec![args.id.clone(), backup.display().to_string()]],
        },
    );
    ctx.out.status(&format!(
        "Deleted tenant {} ({}). Backup: {}",
        live.id,
        shown(&live.name),
        shown_path(&backup)
    ));
    ctx.out.status(&format!(
        "Undo: descope-mgmt tenant restore {}",
        shell_quote(&backup.display().to_string())
    ));
    Ok(Exit::Success)
}
