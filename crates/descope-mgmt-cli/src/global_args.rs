//! The options every command accepts (before or after the command), read by `Ctx`.

use clap::Args;

use crate::output::Format;

/// The help heading of the options every command accepts.
pub const GLOBAL_OPTIONS: &str = "Global options";

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
    #[arg(long, global = true, value_name = "DURATION", value_parser = crate::values::parse_timeout)]
    pub timeout: Option<std::time::Duration>,
    /// Start at most N requests in any SECS seconds (e.g. 50/60), below the service's limit, to
    /// leave room for production traffic that shares it. Also DESCOPE_MGMT_MAX_RATE or the
    /// profile's `max_rate` [default: none: the service's limit, paced from its RateLimit-*
    /// headers]
    #[arg(long, global = true, value_name = "N/SECS", value_parser = crate::values::parse_max_rate)]
    pub max_rate: Option<descope_api::MaxRate>,
}
