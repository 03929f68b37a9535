//! `--only` patterns of `tenant sync` and `tenant export`: globs on tenant id.

use crate::error::CliError;

/// Compiles `--only` patterns; a bad glob is a usage error, before any request.
pub fn compile(only: &[String]) -> Result<Vec<glob::Pattern>, CliError> {
    only.iter()
        .map(|p| {
            glob::Pattern::new(p)
                .map_err(|e| CliError::usage(format!("--only `{p}` is not a valid glob: {e}")))
        })
        .collect()
}

/// Whether `id` is in scope: no patterns, or one of them matches.
#[must_use]
pub fn matches(only: &[glob::Pattern], id: &str) -> bool {
    only.is_empty() || only.iter().any(|p| p.matches(id))
}
