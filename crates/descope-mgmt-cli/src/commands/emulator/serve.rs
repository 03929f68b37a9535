//! `emulator serve`: the local emulator of the Descope management API, until Ctrl-C.

use std::path::PathBuf;

use clap::Args;

use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};

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
    /// After a request over a limit, answer every request 429 for this many seconds (the
    /// service's lockout; 0: the plain window)
    #[arg(long, value_name = "SECS", default_value_t = 0)]
    pub rate_limit_lockout: u64,
    /// A limit of its own for a route family, as PREFIX=N/SECS (e.g. /v1/mgmt/user=500/60;
    /// repeatable)
    #[arg(long, value_name = "PREFIX=N/SECS")]
    pub route_limit: Vec<String>,
    /// Error code of 429 answers: E170429 (what the service sends now) or E130429
    #[arg(long, value_name = "CODE", default_value = "E170429", value_parser = ["E170429", "E130429"])]
    pub rate_limit_code: String,
    /// Leave out the RateLimit-Limit, -Remaining and -Reset headers of every answer
    #[arg(long)]
    pub no_rate_headers: bool,
    /// Seed of the fault generator
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seed: u64,
}

fn check_probability(name: &str, p: f64) -> Result<f64, CliError> {
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(CliError::usage(format!(
            "{name} must be between 0 and 1, not {p}"
        )))
    }
}

/// `emulator serve`: prints its URL as the one line on stdout, then serves until a signal.
pub async fn run(ctx: &Ctx, args: &EmulatorServeArgs) -> CliResult {
    let rate_limit = args
        .rate_limit
        .as_deref()
        .map(descope_emulator::parse_rate_limit)
        .transpose()
        .map_err(|e| {
            CliError::usage(format!("--rate-limit: {e}"))
                .hint("write N/SECS, e.g. --rate-limit 100/60")
        })?;
    let route_limits = args
        .route_limit
        .iter()
        .map(|r| descope_emulator::parse_route_limit(r))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            CliError::usage(format!("--route-limit: {e}"))
                .hint("write PREFIX=N/SECS, e.g. --route-limit /v1/mgmt/user=500/60")
        })?;
    let defaults = descope_emulator::Config::default();
    let config = descope_emulator::Config {
        project_id: ctx.global.project_id.clone().unwrap_or(defaults.project_id),
        management_key: args
            .management_key
            .clone()
            .unwrap_or(defaults.management_key),
        state_file: args.state.clone(),
        seed_flows: args.seed_flows,
        save_every_change: false,
        faults: descope_emulator::Faults {
            latency_ms: args.latency,
            fail_rate: check_probability("--fail-rate", args.fail_rate)?,
            drop_rate: check_probability("--drop-rate", args.drop_rate)?,
            rate_limit,
            rate_limit_lockout_secs: args.rate_limit_lockout,
            route_limits,
            rate_limit_code: Some(args.rate_limit_code.clone()),
            no_rate_headers: args.no_rate_headers,
        },
        seed: args.seed,
    };
    if !args.bind.is_loopback() {
        ctx.out.warn(&format!(
            "binding {} exposes the emulator beyond this machine",
            args.bind
        ));
    }
    let listener = tokio::net::TcpListener::bind((args.bind, args.port))
        .await
        .map_err(|e| {
            CliError::new(format!("cannot listen on {}:{}: {e}", args.bind, args.port))
                .hint("pick another --port, or 0 for any free port")
        })?;
    let addr = listener
        .local_addr()
        .map_err(|e| CliError::new(e.to_string()))?;
    let project = config.project_id.clone();
    let key_is_default =
        config.management_key == descope_emulator::Config::default().management_key;
    ctx.out
        .status(&format!("descope emulator for project {project}"));
    if key_is_default {
        ctx.out.status(&format!(
            "management key: {} (the built-in default; set another with --management-key)",
            config.management_key
        ));
    } else {
        ctx.out
            .status("management key: as given with --management-key");
    }
    // The URL is the one line on stdout, so scripts can read it.
    let _ = ctx.out.data_text(&format!("http://{addr}\n"));
    ctx.out.status("Ctrl-C stops it.");
    // Ctrl-C or SIGTERM stops it gracefully, flushing --state.
    let shutdown = crate::signals::wait_for_signal();
    descope_emulator::serve(listener, config, shutdown)
        .await
        .map_err(|e| CliError::new(format!("emulator stopped: {e}")))?;
    Ok(Exit::Success)
}
