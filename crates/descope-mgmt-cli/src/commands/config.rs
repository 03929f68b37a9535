//! `config validate | schema`: offline checks of tenants.yaml and its JSON Schema.

use serde_json::json;

use crate::args::ConfigCommand;
use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::output::Table;

/// Runs a config command.
pub fn run(ctx: &Ctx, cmd: ConfigCommand) -> CliResult {
    match cmd {
        ConfigCommand::Validate { file } => {
            let spec = load_spec(ctx, &file)?;
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
                file.display()
            ));
            Ok(Exit::Success)
        }
        ConfigCommand::Schema => {
            ctx.out.data_json(&descope_spec::json_schema());
            Ok(Exit::Success)
        }
    }
}

/// Loads tenants.yaml with `${VAR}` substitution from the environment; errors list every problem.
pub fn load_spec(ctx: &Ctx, file: &std::path::Path) -> Result<descope_spec::Spec, CliError> {
    let vars = |name: &str| ctx.env.var_raw(name).map(str::to_owned);
    descope_spec::load(file, &vars).map_err(|errs| {
        let n = errs.0.len();
        CliError::new(format!("{errs}")).hint(format!(
            "{n} problem(s) in {}; nothing was sent to the service",
            file.display()
        ))
    })
}
