//! descope-mgmt's command line: parse, resolve the context, run one command, map the outcome to
//! an exit code. `run` can be called more than once in one process.

pub mod args;
pub mod commands;
pub mod ctx;
pub mod env;
pub mod error;
pub mod files;
pub mod only;
pub mod output;
pub mod profile;
pub mod prompts;
pub mod restore_lookup;
pub mod shell;
pub mod signals;
pub mod spec_file;
pub mod write;

use std::ffi::OsString;
use std::process::ExitCode;

use crate::args::Cli;
use crate::ctx::Ctx;
use crate::env::Env;
use crate::error::Exit;
use crate::output::{Format, Out};

/// Entry point of the binary.
pub fn main_entry(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    ExitCode::from(run(args, Env::os()).code())
}

/// Parses `args`, runs the command against `env`, and returns how the process should exit.
pub fn run(args: impl IntoIterator<Item = OsString>, env: Env) -> Exit {
    let cli = match Cli::parse_args(args) {
        Ok(cli) => cli,
        Err(e) => return output::clap_error(&e),
    };
    let color = !cli.global.no_color
        && env.var("NO_COLOR").is_none()
        && (env.stderr_tty || env.var("CLICOLOR_FORCE").is_some_and(|v| v != "0"));
    let format = cli.global.output.unwrap_or(Format::Table);
    let out = Out {
        format,
        quiet: cli.global.quiet,
        verbose: cli.global.verbose,
        color,
        stdout_tty: env.stdout_tty,
        stderr_tty: env.stderr_tty,
        stdin_tty: env.stdin_tty,
        columns: env
            .var("COLUMNS")
            .and_then(|c| c.trim().parse::<u16>().ok())
            .filter(|c| *c > 0),
        state: output::OutState::default(),
    };
    init_logging(cli.global.verbose, &env, color);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            out.error(&error::CliError::new(format!(
                "cannot start the async runtime: {e}"
            )));
            return Exit::Error;
        }
    };
    let command_line = command_line_for_audit();
    let ctx = Ctx::new(env, cli.global.clone(), out, command_line);
    let result = runtime.block_on(async {
        let r = run_interruptible(&ctx, cli.command).await;
        ctx.shutdown().await;
        r
    });
    // Do not wait for stray tasks (a hung connection) once the command is done.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    // Ctrl-C at a confirmation prompt: whatever the command made of the "no" it got, nothing
    // was changed and the run was interrupted.
    let result = if ctx.out.prompt_interrupted() {
        Err(prompt_interrupted())
    } else {
        result
    };
    let exit = match result {
        Ok(exit) => exit,
        Err(e) => {
            ctx.out.error(&e);
            e.exit
        }
    };
    // An error writing stdout (a full disk, a closed file) fails the run; a closed pipe is quiet.
    ctx.out.finish_stdout();
    match ctx.out.stdout_error() {
        Some(e) => {
            // Once the service accepted a write, running the command again is not the way to
            // get its output: say what was made.
            let hint = match ctx.interrupt.writes_made() {
                0 => "the output is incomplete; free some space or write it elsewhere, then re-run"
                    .to_owned(),
                n => format!(
                    "the command's changes were made ({n} write(s), in `descope-mgmt audit list`); only its output was lost: check the result (e.g. `descope-mgmt tenant get`) instead of re-running it"
                ),
            };
            ctx.out.error(
                &error::CliError::new(format!("cannot write to standard output: {e}")).hint(hint),
            );
            if matches!(exit, Exit::Success | Exit::Changes) {
                Exit::Error
            } else {
                exit
            }
        }
        None => exit,
    }
}

/// The error of a confirmation prompt ended by Ctrl-C or SIGTERM (exit 130).
#[must_use]
pub fn prompt_interrupted() -> error::CliError {
    error::CliError::new("interrupted at the confirmation prompt; nothing was changed")
        .with_exit(Exit::Interrupted)
}

/// Runs the command; on Ctrl-C or SIGTERM no new write starts, a write already sent finishes
/// and is audited, and the command ends with exit 130. A command with no write in flight is
/// abandoned at once; one that handles interruption itself (sync apply) is waited for.
async fn run_interruptible(ctx: &Ctx, command: args::Command) -> error::CliResult {
    if matches!(command, args::Command::Emulator(_)) {
        // `emulator serve` stops gracefully on the signal itself.
        return commands::dispatch(ctx, command).await;
    }
    let dispatch = commands::dispatch(ctx, command);
    tokio::pin!(dispatch);
    let mut signals = 0;
    loop {
        tokio::select! {
            // A command that ended on the same signal (a prompt) reports it itself.
            biased;
            r = &mut dispatch => {
                return match r {
                    Ok(_) | Err(_) if ctx.interrupt.stopped() && !ctx.interrupt.graceful() => {
                        let mut e = error::CliError::new("interrupted").with_exit(Exit::Interrupted);
                        if let Err(inner) = r {
                            e.message = format!("interrupted: {}", inner.message);
                        }
                        Err(e.hint("writes already sent finished and are in the audit log (`descope-mgmt audit list`)"))
                    }
                    other => other,
                };
            }
            () = signals::wait_for_signal() => {
                signals += 1;
                ctx.interrupt.trigger();
                let in_flight = ctx.interrupt.writes_in_flight();
                if !ctx.interrupt.graceful() && in_flight == 0 {
                    return Err(error::CliError::new("interrupted; no write was in flight")
                        .with_exit(Exit::Interrupted));
                }
                ctx.out.warn(&format!(
                    "interrupted: starting no new writes; waiting for {in_flight} in-flight write(s) to finish and be audited{}",
                    if signals > 1 { " (they cannot be abandoned safely)" } else { "" }
                ));
            }
        }
    }
}

/// The command line as recorded in audit records: argv with the program name shortened.
fn command_line_for_audit() -> String {
    let mut parts: Vec<String> = std::env::args().collect();
    if let Some(first) = parts.first_mut() {
        "descope-mgmt".clone_into(first);
    }
    parts
        .iter()
        .map(|p| {
            if p.is_empty() || p.contains(|c: char| c.is_whitespace() || "'\"$`\\".contains(c)) {
                format!("'{}'", p.replace('\'', "'\\''"))
            } else {
                p.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn init_logging(verbose: u8, env: &Env, color: bool) {
    let level = match (verbose, env.var("DESCOPE_MGMT_LOG")) {
        (_, Some(filter)) => filter.to_owned(),
        (0, None) => return,
        (1, None) => "info".into(),
        (2, None) => "debug".into(),
        _ => "trace".into(),
    };
    // Our crates only: dependency internals at trace level can print header values.
    let filter = if level.contains('=') {
        level
    } else {
        format!("descope_api={level},descope_mgmt_cli={level},descope_emulator={level},warn")
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .with_target(false)
        // A closed or full stderr loses the log line, nothing else (the default would report
        // it with `eprintln!`, which panics there).
        .log_internal_errors(false)
        .try_init();
}
