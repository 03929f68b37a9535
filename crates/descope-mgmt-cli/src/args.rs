//! The command-line grammar: global options and the command tree down to each group's
//! subcommands. Each subcommand's arguments live in its file under `commands/`. Doc comments are
//! the `--help`.

use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::commands::audit::list::AuditListArgs;
use crate::commands::backup::{list::BackupListArgs, prune::BackupPruneArgs, show::BackupShowArgs};
use crate::commands::completions::CompletionsArgs;
use crate::commands::config::validate::ConfigValidateArgs;
use crate::commands::emulator::serve::EmulatorServeArgs;
use crate::commands::flow::{deploy::FlowDeployArgs, export::FlowExportArgs};
use crate::commands::tenant::{
    create::TenantCreateArgs, delete::TenantDeleteArgs, get::TenantGetArgs, list::TenantListArgs,
    update::TenantUpdateArgs,
};
use crate::commands::theme::{deploy::ThemeDeployArgs, export::ThemeExportArgs};
use crate::output::Format;
use crate::restore_lookup::RestoreArgs;

mod ex;

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

/// Options accepted before or after any command.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = GLOBAL_OPTIONS)]
pub struct GlobalArgs {
    /// Named profile from the config file ($XDG_CONFIG_HOME/descope-mgmt/config.toml)
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Project id (overrides DESCOPE_PROJECT_ID and the profile)
    #[arg(long, global = true, value_name = "ID")]
    pub project_id: Option<String>,
    /// API base URL (overrides DESCOPE_BASE_URL / DESCOPE_BASE_URI and the profile)
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Use the built-in local emulator (state in <data dir>/local/); no account needed
    #[arg(long, global = true)]
    pub local: bool,
    /// Output format of data on stdout [default: table]
    #[arg(
        short = 'o',
        long = "output",
        global = true,
        value_enum,
        value_name = "FORMAT"
    )]
    pub output: Option<Format>,
    /// Only data and errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More detail on stderr (repeat for more: -vvv logs every request)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// No colour (NO_COLOR and CLICOLOR_FORCE are honoured too)
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Answer yes to confirmations (needed for destructive work when stdin is not a terminal)
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,
    /// Parallel API requests for batch work
    #[arg(long, global = true, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Give up on one API request attempt after this long (connect and answer; e.g. 30s, 2m).
    /// A request retries within twice this at most. Also DESCOPE_MGMT_TIMEOUT or the profile's
    /// `timeout` [default: 30s]
    #[arg(long, global = true, value_name = "DURATION", value_parser = crate::ctx::parse_timeout)]
    pub timeout: Option<std::time::Duration>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
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
}

/// Tenant commands.
#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// All tenants, sorted by id
    #[command(after_help = ex::TENANT_LIST)]
    List(TenantListArgs),
    /// One tenant with its settings
    #[command(after_help = ex::TENANT_GET)]
    Get(TenantGetArgs),
    /// Create a tenant
    #[command(after_help = ex::TENANT_CREATE)]
    Create(TenantCreateArgs),
    /// Change named fields of a tenant (read-modify-write; backs up first)
    #[command(after_help = ex::TENANT_UPDATE)]
    Update(TenantUpdateArgs),
    /// Delete a tenant (backs up first, then confirms)
    #[command(after_help = ex::TENANT_DELETE)]
    Delete(TenantDeleteArgs),
    /// Plan or apply tenants.yaml against the project
    #[command(after_help = ex::TENANT_SYNC)]
    Sync(TenantSyncArgs),
    /// Live tenants as a tenants.yaml that syncs with no changes
    #[command(after_help = ex::TENANT_EXPORT)]
    Export(TenantExportArgs),
    /// Undo: put a tenant back as a backup recorded it
    #[command(after_help = ex::TENANT_RESTORE)]
    Restore(RestoreArgs),
}

/// `tenant sync`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["dry_run", "apply"])))]
pub struct TenantSyncArgs {
    /// tenants.yaml to sync
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Compute and show the plan; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Apply the plan (confirms on a terminal; --yes otherwise when deleting)
    #[arg(long)]
    pub apply: bool,
    /// Delete live tenants absent from the file (never `protect: true`, never outside --only)
    #[arg(long)]
    pub prune: bool,
    /// Refuse to delete more tenants than this [default: 5]
    #[arg(long, value_name = "N")]
    pub max_deletes: Option<usize>,
    /// Scope the whole plan to tenant ids matching this glob (repeatable)
    #[arg(long, value_name = "GLOB")]
    pub only: Vec<String>,
    /// Exit 0 when there are no changes, 2 when there are
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Save the plan (with fingerprints of the live tenants read) to this file
    #[arg(long, value_name = "PLAN.json")]
    pub out: Option<PathBuf>,
    /// Apply exactly this saved plan (refused if a tenant it read has changed since)
    #[arg(long, value_name = "PLAN.json", requires = "apply")]
    pub plan: Option<PathBuf>,
    /// Stop starting new writes after the first failure
    #[arg(long)]
    pub fail_fast: bool,
}

/// `tenant export`.
#[derive(Debug, Args)]
pub struct TenantExportArgs {
    /// Only tenant ids matching this glob (repeatable)
    #[arg(long, value_name = "GLOB")]
    pub only: Vec<String>,
    /// Write to this file (atomically) instead of stdout
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// Flow commands.
#[derive(Debug, Subcommand)]
pub enum FlowCommand {
    /// All flows
    #[command(after_help = ex::FLOW_LIST)]
    List,
    /// Export one flow, or all of them into a directory
    #[command(after_help = ex::FLOW_EXPORT)]
    Export(FlowExportArgs),
    /// Validate, diff, back up and import flow files
    #[command(after_help = ex::FLOW_DEPLOY)]
    Deploy(FlowDeployArgs),
    /// Put a flow back as a backup recorded it
    #[command(after_help = ex::FLOW_RESTORE)]
    Restore(RestoreArgs),
}

/// Theme commands.
#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Export the project theme
    #[command(after_help = ex::THEME_EXPORT)]
    Export(ThemeExportArgs),
    /// Back up the live theme, then import this one
    #[command(after_help = ex::THEME_DEPLOY)]
    Deploy(ThemeDeployArgs),
    /// Put the theme back as a backup recorded it
    #[command(after_help = ex::THEME_RESTORE)]
    Restore(RestoreArgs),
}

/// Backup commands.
#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Backups of this project, oldest first
    #[command(after_help = ex::BACKUP_LIST)]
    List(BackupListArgs),
    /// One backup's metadata and content
    #[command(after_help = ex::BACKUP_SHOW)]
    Show(BackupShowArgs),
    /// Delete old backups
    #[command(after_help = ex::BACKUP_PRUNE)]
    Prune(BackupPruneArgs),
}

/// Audit commands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Audit records, oldest first
    #[command(after_help = ex::AUDIT_LIST)]
    List(AuditListArgs),
}

/// Config commands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Offline checks of a tenants.yaml
    #[command(after_help = ex::CONFIG_VALIDATE)]
    Validate(ConfigValidateArgs),
    /// JSON Schema of tenants.yaml, for editors
    #[command(after_help = ex::CONFIG_SCHEMA)]
    Schema,
}

/// Emulator commands.
#[derive(Debug, Subcommand)]
pub enum EmulatorCommand {
    /// Serve the emulator until Ctrl-C
    #[command(after_help = ex::EMULATOR_SERVE)]
    Serve(EmulatorServeArgs),
}

/// The help heading of the options every command accepts.
pub const GLOBAL_OPTIONS: &str = "Global options";

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
