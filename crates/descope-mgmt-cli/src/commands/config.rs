//! `config validate | schema`: offline checks of tenants.yaml and its JSON Schema.

use serde_json::json;

use crate::args::ConfigCommand;
use crate::ctx::Ctx;
use crate::error::{CliResult, Exit};
use crate::output::{Table, shown_path};

/// Runs a config command.
pub fn run(ctx: &Ctx, cmd: ConfigCommand) -> CliResult {
    match cmd {
        ConfigCommand::Validate { file } => {
            let spec = crate::spec_file::load_spec(ctx, &file)?;
            let n = spec.tenants.len();
            ctx.out
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
                shown_path(&file)
            ));
            Ok(Exit::Success)
        }
        ConfigCommand::Schema => {
            ctx.out.data_json(&descope_spec::json_schema());
            Ok(Exit::Success)
        }
    }
}
