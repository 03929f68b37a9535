//! The command-line grammar: global options and the command tree down to each group's
//! subcommands. Each subcommand's arguments live in its file under `commands/`. Doc comments are
//! the `--help`.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::examples as ex;

// Each group's subcommands live with the group, each subcommand's arguments in its file.
pub use crate::commands::audit::AuditCommand;
pub use crate::commands::backup::BackupCommand;
pub use crate::commands::completions::CompletionsArgs;
pub use crate::commands::config::ConfigCommand;
pub use crate::commands::drift::DriftArgs;
pub use crate::commands::emulator::EmulatorCommand;
pub use crate::commands::export::ExportArgs;
pub use crate::commands::flow::FlowCommand;
pub use crate::commands::permission::PermissionCommand;
pub use crate::commands::restore::RestoreAnyArgs;
pub use crate::commands::role::RoleCommand;
pub use crate::commands::snapshot::SnapshotCommand;
pub use crate::commands::sync::SyncArgs;
pub use crate::commands::tenant::TenantCommand;
pub use crate::commands::theme::ThemeCommand;
pub use crate::global_args::{GLOBAL_OPTIONS, GlobalArgs};

/// Manage a Descope project's tenants, flows and theme as code: plan, apply, back up, restore.
#[derive(Debug, Parser)]
#[command(name = "descope-mgmt", version, about, long_about = None, propagate_version = true)]
#[command(after_help = ex::ROOT)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Plan or apply the whole project file: permissions, roles, tenants, settings
    #[command(after_help = ex::SYNC)]
    Sync(SyncArgs),
    /// The whole project (permissions, roles, tenants with settings and roles) as one file
    #[command(after_help = ex::EXPORT)]
    Export(ExportArgs),
    /// What is live but differs from the project file, with a severity per field; exit 2 on drift
    #[command(after_help = ex::DRIFT)]
    Drift(DriftArgs),
    /// Tenants: list, get, create, update, delete, sync, export, restore
    #[command(after_help = ex::TENANT)]
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Login flows: list, export, deploy, restore
    #[command(after_help = ex::FLOW)]
    #[command(subcommand)]
    Flow(FlowCommand),
    /// The project theme: export, deploy, restore
    #[command(after_help = ex::THEME)]
    #[command(subcommand)]
    Theme(ThemeCommand),
    /// Roles of the project or of a tenant: list
    #[command(after_help = ex::ROLE)]
    #[command(subcommand)]
    Role(RoleCommand),
    /// Permissions of the project: list
    #[command(after_help = ex::PERMISSION)]
    #[command(subcommand)]
    Permission(PermissionCommand),
    /// Undo: put back what any backup recorded (tenant, flow, theme, role, permission, settings)
    #[command(after_help = ex::RESTORE)]
    Restore(RestoreAnyArgs),
    /// Backups taken before every change: list, show, prune
    #[command(after_help = ex::BACKUP)]
    #[command(subcommand)]
    Backup(BackupCommand),
    /// The local audit log of every write
    #[command(after_help = ex::AUDIT)]
    #[command(subcommand)]
    Audit(AuditCommand),
    /// tenants.yaml: validate, schema
    #[command(after_help = ex::CONFIG)]
    #[command(subcommand)]
    Config(ConfigCommand),
    /// The local emulator of the Descope management API
    #[command(after_help = ex::EMULATOR)]
    #[command(subcommand)]
    Emulator(EmulatorCommand),
    /// Check credentials, base URL, reachability and the data dir
    #[command(after_help = ex::DOCTOR)]
    Doctor,
    /// Print shell completions
    #[command(after_help = ex::COMPLETIONS)]
    Completions(CompletionsArgs),
    /// The whole project configuration as a directory of files: export, validate, import
    #[command(after_help = crate::commands::snapshot::EXAMPLES)]
    #[command(subcommand)]
    Snapshot(SnapshotCommand),
}

/// The global options `emulator serve` reads (`--project-id` is the project id it accepts); the
/// others do not apply to it and are hidden from its help.
const SERVE_GLOBALS: &[&str] = &["project_id", "quiet", "verbose", "no_color"];

/// The whole command tree as the binary parses it: the derived tree, with the global options
/// that `emulator serve` ignores hidden from its help. Help, the man pages and docs/cli.md
/// (`cargo xtask gen`) all come from this.
///
/// A global option reaches a subcommand when the tree is built, unless the subcommand already
/// has an argument of that id; so `emulator serve` gets hidden copies of the ones it ignores
/// (still accepted, so a shared command line keeps working) before that happens.
#[must_use]
pub fn command() -> clap::Command {
    let cmd = Cli::command();
    let serve_globals: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .map(|a| {
            if a.get_id() == "project_id" {
                a.clone().help(format!(
                    "Project id the emulator accepts [default: {}]",
                    descope_emulator::DEFAULT_PROJECT_ID
                ))
            } else if SERVE_GLOBALS.contains(&a.get_id().as_str()) {
                a.clone()
            } else {
                a.clone().hide(true)
            }
        })
        .collect();
    cmd.mut_subcommand("emulator", |emulator| {
        emulator.mut_subcommand("serve", |serve| serve.args(serve_globals))
    })
}

impl Cli {
    /// Parses a command line with [`command`] (what `Parser::try_parse_from` does with the
    /// derived tree).
    pub fn parse_args<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let mut cmd = command();
        let mut matches = cmd.try_get_matches_from_mut(args)?;
        Self::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut cmd))
    }
}
