//! Reading the user's tenants.yaml: `${VAR}` substitution from the environment (never the key).

use crate::ctx::Ctx;
use crate::error::CliError;
use crate::output::{shown, shown_path};

/// Loads tenants.yaml with `${VAR}` substitution from the environment; errors list every problem.
pub fn load_spec(ctx: &Ctx, file: &std::path::Path) -> Result<descope_spec::Spec, CliError> {
    // The management key is never substituted: it would end up in plans, output and backups.
    let key_vars = ctx.key_variable_names();
    let asked_for_key = std::cell::Cell::new(None::<String>);
    let vars = |name: &str| {
        if key_vars.iter().any(|k| k == name) {
            asked_for_key.set(Some(name.to_owned()));
            return None;
        }
        ctx.env.var_raw(name).map(str::to_owned)
    };
    let loaded = descope_spec::load(file, &vars);
    if let Some(name) = asked_for_key.take() {
        return Err(CliError::new(format!(
            "{} refers to ${{{name}}}, which holds the management key; it is never substituted",
            shown_path(file)
        ))
        .hint("remove it: a key in tenants.yaml would end up in plans, output and backups"));
    }
    loaded.map_err(|errs| {
        let n = errs.0.len();
        spec_errors(&errs).hint(format!(
            "{n} problem(s) in {}; nothing was sent to the service",
            shown_path(file)
        ))
    })
}

/// Located problems of the file, one per line (`FILE:LINE:COL: …`), as an invalid-input error.
pub fn spec_errors(errs: &descope_spec::SpecErrors) -> CliError {
    // The file's path is data too: a newline in it is escaped (the message already is).
    let lines: Vec<String> = errs
        .0
        .iter()
        .map(|d| {
            let text = d.to_string();
            let path = d.file.display().to_string();
            match text.strip_prefix(&path) {
                Some(rest) => format!("{}{rest}", shown(&path)),
                None => text,
            }
        })
        .collect();
    CliError::invalid(lines.join("\n"))
}
