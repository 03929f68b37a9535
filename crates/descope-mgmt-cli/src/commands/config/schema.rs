//! `config schema`: the JSON Schema of tenants.yaml, for editors.

use crate::ctx::Ctx;
use crate::error::{CliResult, Exit};

/// `config schema`: the schema as JSON on stdout (offline).
pub fn run(ctx: &Ctx) -> CliResult {
    ctx.out.data_json(&descope_spec::json_schema())?;
    Ok(Exit::Success)
}
