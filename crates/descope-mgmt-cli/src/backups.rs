//! The project whose backups the `backup` commands read, found offline.

use crate::ctx::Ctx;
use crate::error::CliError;

/// The project id for offline commands: flag, environment, profile or `--local` — no key needed.
pub fn project_id(ctx: &Ctx) -> Result<String, CliError> {
    ctx.project_id_offline()
        .map_err(|e| e.hint("or use --all-projects to list the backups of every project"))
}
