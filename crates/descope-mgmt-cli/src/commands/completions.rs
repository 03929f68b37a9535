//! `completions`: shell completions generated from the command tree.

use clap::Args;

use crate::ctx::Ctx;
use crate::error::{CliResult, Exit};

/// `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell to generate for
    pub shell: clap_complete::Shell,
}

/// `completions` for `tree` (the whole command tree): written to stdout; reads no credentials.
pub fn run(ctx: &Ctx, args: &CompletionsArgs, tree: &mut clap::Command) -> CliResult {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, tree, "descope-mgmt", &mut buf);
    ctx.out.data_text(&String::from_utf8_lossy(&buf))?;
    Ok(Exit::Success)
}
