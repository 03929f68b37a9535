//! `theme export`: the project theme to stdout or a file.

use std::path::PathBuf;

use clap::Args;

use crate::ctx::Ctx;
use crate::error::{CliResult, Exit};
use crate::files::{to_file_text, write_file};
use crate::output::shown_path;

/// `theme export`.
#[derive(Debug, Args)]
pub struct ThemeExportArgs {
    /// Write to this file instead of stdout
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// `theme export`: canonical JSON, to stdout or written atomically to a file.
pub async fn run(ctx: &Ctx, args: &ThemeExportArgs) -> CliResult {
    let client = ctx.client().await?;
    let theme = client.export_theme().await.map_err(|e| ctx.api_error(&e))?;
    match &args.file {
        Some(f) => {
            write_file(f, &to_file_text(&theme)).await?;
            ctx.out
                .status(&format!("Exported the theme to {}", shown_path(f)));
        }
        None => ctx.out.data_text(&to_file_text(&theme))?,
    }
    Ok(Exit::Success)
}
