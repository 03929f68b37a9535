//! Confirmation of destructive work.

use crate::ctx::Ctx;
use crate::error::CliError;

/// Asks for confirmation of destructive work: a prompt on a terminal, `--yes` otherwise.
pub fn confirm(ctx: &Ctx, question: &str) -> Result<(), CliError> {
    if ctx.global.yes {
        return Ok(());
    }
    match ctx.out.confirm(question) {
        _ if ctx.out.prompt_interrupted() => Err(crate::prompt_interrupted()),
        Some(true) => Ok(()),
        Some(false) => Err(CliError::new("cancelled; nothing was changed")),
        None => Err(CliError::new(
            "refusing to delete without confirmation: stdin is not a terminal",
        )
        .hint("pass --yes to confirm non-interactively")),
    }
}
