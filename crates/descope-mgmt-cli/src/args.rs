//! The command-line grammar: global options and the command tree. Doc comments are the `--help`.

use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::output::Format;

// `tenant sync` and `tenant export` keep their arguments with their code.
pub use crate::commands::tenant_export::TenantExportArgs;
pub use crate::commands::tenant_sync::TenantSyncArgs;

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
    Completions {
        /// Shell to generate for
        shell: clap_complete::Shell,
    },
}

/// Tenant commands.
#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// All tenants, sorted by id
    #[command(after_help = ex::TENANT_LIST)]
    List(TenantListArgs),
    /// One tenant with its settings
    #[command(after_help = ex::TENANT_GET)]
    Get {
        /// Tenant id
        id: String,
    },
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

/// `tenant list`.
#[derive(Debug, Args)]
pub struct TenantListArgs {
    /// Only tenants whose name contains this text (case-insensitive)
    #[arg(long, value_name = "S")]
    pub name_contains: Option<String>,
    /// Only tenants with this self-provisioning domain
    #[arg(long, value_name = "D")]
    pub domain: Option<String>,
}

/// `tenant create`.
#[derive(Debug, Args)]
pub struct TenantCreateArgs {
    /// Tenant name (unique in the project)
    #[arg(long)]
    pub name: String,
    /// Tenant id ([A-Za-z0-9_-]{1,30}); generated by the service when left out
    #[arg(long)]
    pub id: Option<String>,
    /// Self-provisioning domain (repeatable)
    #[arg(long = "domain", value_name = "D")]
    pub domains: Vec<String>,
    /// Custom attribute KEY=VALUE (repeatable; true/false and numbers are typed)
    #[arg(long = "attr", value_name = "KEY=VALUE")]
    pub attrs: Vec<String>,
    /// Parent tenant id (create-time only)
    #[arg(long, value_name = "ID")]
    pub parent: Option<String>,
    /// Create the tenant disabled
    #[arg(long)]
    pub disabled: bool,
}

/// `tenant update`.
#[derive(Debug, Args)]
pub struct TenantUpdateArgs {
    /// Tenant id
    pub id: String,
    /// New name
    #[arg(long)]
    pub name: Option<String>,
    /// Replace the self-provisioning domains (repeatable)
    #[arg(long = "domain", value_name = "D")]
    pub domains: Vec<String>,
    /// Remove every self-provisioning domain
    #[arg(long, conflicts_with = "domains")]
    pub clear_domains: bool,
    /// Set custom attribute KEY=VALUE (repeatable; other attributes are kept)
    #[arg(long = "attr", value_name = "KEY=VALUE")]
    pub attrs: Vec<String>,
    /// Remove custom attribute KEY (repeatable)
    #[arg(long = "unset-attr", value_name = "KEY")]
    pub unset_attrs: Vec<String>,
    /// Enforce SSO login
    #[arg(long, value_name = "BOOL", action = clap::ArgAction::Set)]
    pub enforce_sso: Option<bool>,
    /// Disable or enable the tenant
    #[arg(long, value_name = "BOOL", action = clap::ArgAction::Set)]
    pub disabled: Option<bool>,
    /// Show what would change; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// `tenant delete`.
#[derive(Debug, Args)]
pub struct TenantDeleteArgs {
    /// Tenant id
    pub id: String,
    /// Also delete users and access keys associated only with this tenant
    #[arg(long)]
    pub cascade: bool,
    /// Show what would be deleted; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// `tenant restore`, `flow restore`, `theme restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Backup file (a path, or a name as `backup list` prints it)
    #[arg(required_unless_present = "latest", conflicts_with = "latest")]
    pub backup: Option<String>,
    /// Restore the newest backup of this id
    #[arg(long, value_name = "ID")]
    pub latest: Option<String>,
    /// Show the restore plan; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Restore a backup recorded in another project
    #[arg(long)]
    pub force_project: bool,
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

/// `flow export`.
#[derive(Debug, Args)]
pub struct FlowExportArgs {
    /// Flow id
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub id: Option<String>,
    /// Export every flow, one file per flow, into --dir
    #[arg(long, requires = "dir")]
    pub all: bool,
    /// Directory for --all
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Write to this file instead of stdout
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        conflicts_with = "all"
    )]
    pub file: Option<PathBuf>,
}

/// `flow deploy`.
#[derive(Debug, Args)]
pub struct FlowDeployArgs {
    /// Flow files (v2 export; v1 and console exports are accepted too)
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Show what would change; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Theme commands.
#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Export the project theme
    #[command(after_help = ex::THEME_EXPORT)]
    Export {
        /// Write to this file instead of stdout
        #[arg(short = 'f', long = "file", value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// Back up the live theme, then import this one
    #[command(after_help = ex::THEME_DEPLOY)]
    Deploy {
        /// Theme file
        file: PathBuf,
        /// Show what would change; write nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Put the theme back as a backup recorded it
    #[command(after_help = ex::THEME_RESTORE)]
    Restore(RestoreArgs),
}

/// Backup commands.
#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Backups of this project, oldest first
    #[command(after_help = ex::BACKUP_LIST)]
    List {
        /// Only backups of this tenant
        #[arg(long, value_name = "ID")]
        tenant: Option<String>,
        /// Only backups of this flow
        #[arg(long, value_name = "ID", conflicts_with = "tenant")]
        flow: Option<String>,
        /// Backups of every project in the data dir
        #[arg(long)]
        all_projects: bool,
    },
    /// One backup's metadata and content
    #[command(after_help = ex::BACKUP_SHOW)]
    Show {
        /// A path, or a name as `backup list` prints it
        backup: String,
    },
    /// Delete old backups
    #[command(after_help = ex::BACKUP_PRUNE)]
    #[command(group(clap::ArgGroup::new("rule").required(true).args(["keep", "older_than"])))]
    Prune {
        /// Keep the newest N backups of each target
        #[arg(long, value_name = "N")]
        keep: Option<usize>,
        /// Delete backups older than this (e.g. 30d, 12h, 90m)
        #[arg(long, value_name = "DURATION")]
        older_than: Option<String>,
        /// Show what would be deleted
        #[arg(long)]
        dry_run: bool,
        /// Also delete the last backup of a tenant or flow that no longer exists in the
        /// project (kept otherwise: it is the only way to restore it)
        #[arg(long)]
        prune_orphans: bool,
    },
}

/// Audit commands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Audit records, oldest first
    #[command(after_help = ex::AUDIT_LIST)]
    List {
        /// Only records newer than this (e.g. 24h, 7d)
        #[arg(long, value_name = "DURATION")]
        since: Option<String>,
        /// Only records about this tenant
        #[arg(long, value_name = "ID")]
        tenant: Option<String>,
        /// Only this operation, as the user ran it (create, update, delete, restore, sync, deploy)
        #[arg(long, value_name = "OP")]
        operation: Option<String>,
        /// Only this kind of write request (create, update, delete, settings, default-roles, import)
        #[arg(long, value_name = "KIND")]
        request: Option<String>,
        /// Only the newest N records
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
}

/// Config commands.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Offline checks of a tenants.yaml
    #[command(after_help = ex::CONFIG_VALIDATE)]
    Validate {
        /// The file
        file: PathBuf,
    },
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

/// `emulator serve`. The global `--project-id` sets the project id it accepts.
#[derive(Debug, Args)]
pub struct EmulatorServeArgs {
    /// Port on 127.0.0.1 (0 = any free port)
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Address to bind (loopback by default)
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,
    /// Management key the emulator accepts
    #[arg(long, value_name = "KEY")]
    pub management_key: Option<String>,
    /// Persist state to this file (atomically; survives restart)
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Seed realistic flows and a theme
    #[arg(long)]
    pub seed_flows: bool,
    /// Added latency per request, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 0)]
    pub latency: u64,
    /// Probability of answering 503
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub fail_rate: f64,
    /// Probability of closing the connection without a response
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub drop_rate: f64,
    /// Requests allowed per window, as N/SECS (e.g. 100/60)
    #[arg(long, value_name = "N/SECS")]
    pub rate_limit: Option<String>,
    /// Seed of the fault generator
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
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

/// The "Examples:" shown at the end of each command's help. Every line that starts with
/// `descope-mgmt` is parsed by `crates/descope-mgmt/tests/help.rs`, so each stays a valid
/// invocation.
mod ex {
    pub const ROOT: &str = "\
Examples:
  # Try it without an account: sync the example file into the built-in emulator
  descope-mgmt --local tenant sync --config examples/tenants.yaml --apply --yes
  # Check credentials, then capture today's tenants as a file
  descope-mgmt doctor
  descope-mgmt tenant export -f tenants.yaml
  # Review a plan, then apply exactly that plan
  descope-mgmt tenant sync --config tenants.yaml --dry-run --out plan.json
  descope-mgmt tenant sync --apply --plan plan.json

Exit codes:
  0 ok, 1 error, 2 changes pending (--detailed-exitcode), 3 apply finished with failures,
  64 usage error, 130 interrupted.";

    pub const TENANT: &str = "\
Examples:
  descope-mgmt tenant list
  descope-mgmt tenant export -f tenants.yaml
  descope-mgmt tenant sync --config tenants.yaml --dry-run";

    pub const TENANT_LIST: &str = "\
Examples:
  descope-mgmt tenant list
  descope-mgmt tenant list --name-contains acme -o json
  descope-mgmt tenant list --domain acme.com";

    pub const TENANT_GET: &str = "\
Examples:
  descope-mgmt tenant get acme
  descope-mgmt tenant get acme -o yaml";

    pub const TENANT_CREATE: &str = "\
Examples:
  descope-mgmt tenant create --name 'ACME Corp' --id acme --domain acme.com
  descope-mgmt tenant create --name 'ACME EU' --id acme-eu --parent acme --attr seats=50";

    pub const TENANT_UPDATE: &str = "\
Examples:
  descope-mgmt tenant update acme --name 'ACME Inc' --dry-run
  descope-mgmt tenant update acme --attr seats=75 --unset-attr trial
  descope-mgmt tenant update acme --clear-domains --enforce-sso false";

    pub const TENANT_DELETE: &str = "\
Examples:
  descope-mgmt tenant delete acme --dry-run
  descope-mgmt tenant delete acme --yes
  # Undo: put it back from the backup taken before the delete
  descope-mgmt tenant restore --latest acme";

    pub const TENANT_SYNC: &str = "\
Examples:
  # Plan only; in CI, exit 2 means there are changes
  descope-mgmt tenant sync --config tenants.yaml --dry-run --detailed-exitcode
  # Save the plan for review, then apply exactly that plan
  descope-mgmt tenant sync --config tenants.yaml --dry-run --out plan.json
  descope-mgmt tenant sync --apply --plan plan.json
  # Apply, also deleting live tenants the file does not list (at most 2)
  descope-mgmt tenant sync --config tenants.yaml --apply --prune --max-deletes 2 --yes
  # Only tenants whose id starts with acme-
  descope-mgmt tenant sync --config tenants.yaml --apply --only 'acme-*'";

    pub const TENANT_EXPORT: &str = "\
Examples:
  descope-mgmt tenant export -f tenants.yaml
  descope-mgmt tenant export --only 'acme-*' -o json";

    pub const TENANT_RESTORE: &str = "\
Examples:
  descope-mgmt tenant restore --latest acme --dry-run
  descope-mgmt tenant restore --latest acme
  # A named backup, as `backup list` prints it
  descope-mgmt tenant restore 20261129T054012.123Z_delete_tenant_acme";

    pub const FLOW: &str = "\
Examples:
  descope-mgmt flow list
  descope-mgmt flow export --all --dir flows
  descope-mgmt flow deploy flows/sign-up-or-in.json --dry-run";

    pub const FLOW_LIST: &str = "\
Examples:
  descope-mgmt flow list
  descope-mgmt flow list -o json";

    pub const FLOW_EXPORT: &str = "\
Examples:
  descope-mgmt flow export sign-up-or-in -f sign-up-or-in.json
  descope-mgmt flow export --all --dir flows";

    pub const FLOW_DEPLOY: &str = "\
Examples:
  descope-mgmt flow deploy flows/sign-up-or-in.json --dry-run
  descope-mgmt flow deploy flows/sign-up-or-in.json flows/role-flow.json";

    pub const FLOW_RESTORE: &str = "\
Examples:
  descope-mgmt flow restore --latest sign-up-or-in --dry-run
  descope-mgmt flow restore --latest sign-up-or-in";

    pub const THEME: &str = "\
Examples:
  descope-mgmt theme export -f theme.json
  descope-mgmt theme deploy theme.json --dry-run";

    pub const THEME_EXPORT: &str = "\
Examples:
  descope-mgmt theme export
  descope-mgmt theme export -f theme.json";

    pub const THEME_DEPLOY: &str = "\
Examples:
  descope-mgmt theme deploy theme.json --dry-run
  descope-mgmt theme deploy theme.json";

    pub const THEME_RESTORE: &str = "\
Examples:
  descope-mgmt theme restore --latest project --dry-run
  descope-mgmt theme restore --latest project";

    pub const BACKUP: &str = "\
Examples:
  descope-mgmt backup list --tenant acme
  descope-mgmt backup prune --keep 10 --dry-run";

    pub const BACKUP_LIST: &str = "\
Examples:
  descope-mgmt backup list
  descope-mgmt backup list --tenant acme
  descope-mgmt backup list --all-projects -o json";

    pub const BACKUP_SHOW: &str = "\
Examples:
  descope-mgmt backup show 20261129T054012.123Z_delete_tenant_acme
  descope-mgmt backup show 20261129T054012.123Z_delete_tenant_acme -o json";

    pub const BACKUP_PRUNE: &str = "\
Examples:
  descope-mgmt backup prune --keep 10 --dry-run
  descope-mgmt backup prune --older-than 30d --yes";

    pub const AUDIT: &str = "\
Examples:
  descope-mgmt audit list --since 24h
  descope-mgmt audit list --tenant acme --operation delete";

    pub const AUDIT_LIST: &str = "\
Examples:
  descope-mgmt audit list --since 24h
  descope-mgmt audit list --tenant acme --operation delete
  descope-mgmt audit list --limit 20 -o json";

    pub const CONFIG: &str = "\
Examples:
  descope-mgmt config validate tenants.yaml
  descope-mgmt config schema > tenants.schema.json";

    pub const CONFIG_VALIDATE: &str = "\
Examples:
  descope-mgmt config validate tenants.yaml
  descope-mgmt config validate examples/tenants.yaml";

    pub const CONFIG_SCHEMA: &str = "\
Examples:
  # For editors: add `# yaml-language-server: $schema=./tenants.schema.json` to tenants.yaml
  descope-mgmt config schema > tenants.schema.json";

    pub const EMULATOR: &str = "\
Examples:
  descope-mgmt emulator serve --port 8080
  descope-mgmt emulator serve --port 8080 --state emulator.json --seed-flows";

    pub const EMULATOR_SERVE: &str = "\
Examples:
  # Its URL is the one line on stdout; point other commands at it with that base URL
  descope-mgmt emulator serve --port 8080
  # Keep state across restarts, with flows and a theme to try flow and theme commands on
  descope-mgmt emulator serve --port 8080 --state emulator.json --seed-flows
  # Your own project id and key
  descope-mgmt emulator serve --project-id P2test --management-key K2test
  # Test your retries: 5% of requests fail, at most 100 requests a minute
  descope-mgmt emulator serve --fail-rate 0.05 --rate-limit 100/60 --seed 7";

    pub const DOCTOR: &str = "\
Examples:
  descope-mgmt doctor
  descope-mgmt --profile staging doctor
  descope-mgmt --local doctor -o json";

    pub const COMPLETIONS: &str = "\
Examples:
  descope-mgmt completions bash > ~/.local/share/bash-completion/completions/descope-mgmt
  descope-mgmt completions zsh > ~/.zfunc/_descope-mgmt
  descope-mgmt completions fish > ~/.config/fish/completions/descope-mgmt.fish";
}
