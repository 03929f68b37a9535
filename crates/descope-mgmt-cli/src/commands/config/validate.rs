//! `config validate`: offline checks of a tenants.yaml.

use std::path::PathBuf;

use clap::Args;
use serde_json::json;

use crate::ctx::Ctx;
use crate::error::{CliResult, Exit};
use crate::output::{Table, shown_path};

/// `config validate`.
#[derive(Debug, Args)]
pub struct ConfigValidateArgs {
    /// The file
    pub file: PathBuf,
}

/// `config validate`: every problem with file:line:col, or a one-line summary.
pub fn run(ctx: &Ctx, args: &ConfigValidateArgs) -> CliResult {
    let file = &args.file;
    let spec = crate::spec_file::load_spec(ctx, file)?;
    let n = spec.tenants.len();
    let _ = ctx
        .out
        .emit(&json!({"file": file, "valid": true, "tenants": n}), || {
            Table {
                headers: vec!["FILE", "TENANTS", "VALID"],
                rows: vec![vec![
                    file.display().to_string(),
                    n.to_string(),
                    "yes".into(),
                ]],
            }
        });
    ctx.out.status(&format!(
        "{}: {n} tenant(s), no problems found",
        shown_path(file)
    ));
    Ok(Exit::Success)
}
