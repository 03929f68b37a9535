//! `--only` patterns: globs on tenant id (`tenant export`), or `KIND:GLOB` (`sync`, `tenant sync`,
//! `export`; a bare glob is a tenant pattern).

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

/// The kinds a `--only KIND:GLOB` pattern may name.
pub const KINDS: [&str; 3] = ["tenant", "role", "permission"];

/// Checks `--only` patterns of the form `KIND:GLOB` (or a bare tenant glob); a bad kind or glob
/// is a usage error, before any request. Returns each pattern's kind and glob.
pub fn compile_kinds(only: &[String]) -> Result<Vec<(&'static str, glob::Pattern)>, CliError> {
    only.iter()
        .map(|p| {
            let (kind, glob) = match p.split_once(':') {
                Some((k, g)) => match KINDS.iter().find(|known| **known == k) {
                    Some(known) => (*known, g),
                    None => {
                        return Err(CliError::usage(format!(
                            "--only `{p}`: unknown kind `{k}`; use {} (a bare glob matches tenant ids)",
                            KINDS.map(|k| format!("`{k}:GLOB`")).join(", ")
                        )));
                    }
                },
                None => ("tenant", p.as_str()),
            };
            glob::Pattern::new(glob)
                .map(|g| (kind, g))
                .map_err(|e| CliError::usage(format!("--only `{p}` is not a valid glob: {e}")))
        })
        .collect()
}
