//! `tenant export`: the live tenants as tenants.yaml.

use std::path::PathBuf;

use clap::Args;

use crate::ctx::Ctx;
use crate::error::{CliResult, Exit};
use crate::output::shown_path;

/// `tenant export`.
#[derive(Debug, Args)]
pub struct TenantExportArgs {
    /// Only tenant ids matching this glob (repeatable)
    #[arg(long, value_name = "GLOB")]
    pub only: Vec<String>,
    /// Write to this file (atomically) instead of stdout
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// `tenant export`.
pub async fn run(ctx: &Ctx, args: &TenantExportArgs) -> CliResult {
    let only = crate::only::compile(&args.only)?;
    let client = ctx.client().await?;
    let mut tenants = client
        .load_all_tenants()
        .await
        .map_err(|e| ctx.api_error(&e))?;
    tenants.retain(|t| crate::only::matches(&only, &t.id));
    tenants.sort_by(|a, b| a.id.cmp(&b.id));
    let desired: Vec<_> = tenants
        .iter()
        .map(descope_spec::desired_from_live)
        .collect();
    for t in &tenants {
        if let Some((key, what)) = descope_spec::unexpressed_attribute(&t.custom_attributes) {
            ctx.out.warn(&format!(
                "tenant `{}`: customAttributes left out of the export (unmanaged: a sync keeps the live values): attribute `{key}` holds {what}, which tenants.yaml cannot express",
                t.id
            ));
        }
    }
    let text = descope_spec::to_yaml(&desired);
    match &args.file {
        Some(f) => {
            crate::files::write_file(f, &text).await?;
            ctx.out.status(&format!(
                "Exported {} tenant(s) to {}",
                desired.len(),
                shown_path(f)
            ));
        }
        None => ctx.out.data_text(&text)?,
    }
    Ok(Exit::Success)
}
