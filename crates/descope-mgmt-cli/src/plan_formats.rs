//! Which command lines may print `-o markdown`: those that show a plan without writing (sync
//! and tenant sync dry runs, flow and theme deploy dry runs, restore dry runs) and `drift`. Any other command
//! refuses it as a usage error before it runs, instead of printing something else.

use crate::args::Command;
use crate::commands::flow::FlowCommand;
use crate::commands::snapshot::SnapshotCommand;
use crate::commands::tenant::TenantCommand;
use crate::commands::theme::ThemeCommand;
use crate::error::CliError;
use crate::output::Format;

/// The usage error of a command line that asked for markdown where there is no plan to show.
#[must_use]
pub fn markdown_refusal(format: Format, command: &Command) -> Option<CliError> {
    if format != Format::Markdown || shows_a_plan(command) {
        return None;
    }
    Some(
        CliError::usage(
            "-o markdown is for plans and drift only: `sync --dry-run`, `tenant sync --dry-run`, `flow deploy --dry-run`, `theme deploy --dry-run`, `snapshot import --dry-run`, restore dry runs (`restore`, `tenant restore`, `flow restore`, `theme restore` with --dry-run) and `drift`",
        )
        .hint("use -o table, -o json or -o yaml for this command; nothing was done"),
    )
}

fn shows_a_plan(command: &Command) -> bool {
    match command {
        Command::Sync(a) => a.dry_run,
        Command::Tenant(TenantCommand::Sync(a)) => a.dry_run,
        Command::Tenant(TenantCommand::Restore(a)) => a.dry_run,
        Command::Flow(FlowCommand::Deploy(a)) => a.dry_run,
        Command::Flow(FlowCommand::Restore(a)) => a.dry_run,
        Command::Restore(a) => a.dry_run,
        Command::Theme(ThemeCommand::Deploy(a)) => a.dry_run,
        Command::Theme(ThemeCommand::Restore(a)) => a.dry_run,
        Command::Snapshot(SnapshotCommand::Import(a)) => a.dry_run,
        Command::Drift(_) => true,
        _ => false,
    }
}
