//! descope-mgmt's command line: parse, resolve the context, run one command, map the outcome to
//! an exit code. `run` can be called more than once in one process.

pub mod args;
pub mod backups;
pub mod commands;
pub mod ctx;
pub mod env;
pub mod error;
pub mod examples;
pub mod files;
pub mod flows;
pub mod global_args;
pub mod only;
pub mod output;
pub mod plan_formats;
pub mod private_file;
pub mod profile;
pub mod project_sync;
pub mod prompts;
pub mod resource_restore;
pub mod restore_lookup;
pub mod roles;
pub mod shell;
pub mod signals;
pub mod snapshot;
pub mod spec_file;
pub mod streams;
pub mod tenants;
pub mod theme;
pub mod values;
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
/// Everything the run reads of the world (variables, terminals, clock, streams) comes from
/// `env`, so it can run in-process in tests.
pub fn run(args: impl IntoIterator<Item = OsString>, env: Env) -> Exit {
    let args: Vec<OsString> = args.into_iter().collect();
    let cli = match Cli::parse_args(args.iter().cloned()) {
        Ok(cli) => cli,
        Err(e) => return output::clap_error(&e, &env),
    };
    let color = !cli.global.no_color
        && env.var("NO_COLOR").is_none()
        && (env.stderr_tty || env.var("CLICOLOR_FORCE").is_some_and(|v| v != "0"));
    let format = cli.global.output.unwrap_or(Format::Table);
    let out = Out::new(&env, format, cli.global.quiet, cli.global.verbose, color);
    if let Some(e) = plan_formats::markdown_refusal(format, &cli.command) {
        out.error(&e);
        return e.exit();
    }
    let log = logging(cli.global.verbose, &env, color);
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    runtime.worker_threads(2).enable_all();
    // The process's own run logs through the global subscriber. A run on injected streams (a
    // test; other runs may share the process) logs through its own dispatcher, the default of
    // this thread and of every thread of its runtime (they end with the runtime).
    let mut _log_here = None;
    if let Some(log) = log {
        if env.streams.is_os() {
            // As before: the global default, with `log` records (reqwest's) forwarded to it.
            let _ = tracing_subscriber::util::SubscriberInitExt::try_init(log);
        } else {
            _log_here = Some(tracing::dispatcher::set_default(&log));
            runtime.on_thread_start(move || {
                std::mem::forget(tracing::dispatcher::set_default(&log));
            });
        }
    }
    let runtime = match runtime.build() {
        Ok(rt) => rt,
        Err(e) => {
            out.error(&error::CliError::new(format!(
                "cannot start the async runtime: {e}"
            )));
            return Exit::Error;
        }
    };
    let command_line = command_line_for_audit(&args);
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
        // A command stopped by a failed stdout: that failure is reported once, below.
        Err(e) if output::StdoutFailed::is_cause_of(&e) => Exit::Error,
        Ok(exit) => exit,
        Err(e) => {
            ctx.out.error(&e);
            e.exit()
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
                &error::CliError::io(format!("cannot write to standard output: {e}")).hint(hint),
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
    error::CliError::interrupted("interrupted at the confirmation prompt; nothing was changed")
}

/// Runs the command; on Ctrl-C or SIGTERM no new write starts, a write already sent finishes
/// and is audited, and the command ends with exit 130. A command with no write in flight is
/// abandoned at once; one that handles interruption itself (sync apply) is waited for.
async fn run_interruptible(ctx: &Ctx, command: args::Command) -> error::CliResult {
    if matches!(command, args::Command::Emulator(_)) {
        // `emulator serve` stops gracefully on the signal itself.
        return dispatch(ctx, command).await;
    }
    let dispatch = dispatch(ctx, command);
    tokio::pin!(dispatch);
    let mut signals = 0;
    loop {
        tokio::select! {
            // A command that ended on the same signal (a prompt) reports it itself.
            biased;
            r = &mut dispatch => {
                return match r {
                    Ok(_) | Err(_) if ctx.interrupt.stopped() && !ctx.interrupt.graceful() => {
                        let mut e = error::CliError::interrupted("interrupted");
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
                    return Err(error::CliError::interrupted("interrupted; no write was in flight"));
                }
                ctx.out.warn(&format!(
                    "interrupted: starting no new writes; waiting for {in_flight} in-flight write(s) to finish and be audited{}",
                    if signals > 1 { " (they cannot be abandoned safely)" } else { "" }
                ));
            }
        }
    }
}

/// Runs one command: the group's `run`, which hands it to the subcommand's file.
async fn dispatch(ctx: &Ctx, command: args::Command) -> error::CliResult {
    use crate::args::Command;
    use crate::commands::{
        audit, backup, completions, config, doctor, drift, emulator, export, flow, permission,
        restore, role, snapshot, sync, tenant, theme,
    };
    match command {
        Command::Sync(a) => sync::run(ctx, &a).await,
        Command::Export(a) => export::run(ctx, &a).await,
        Command::Drift(a) => drift::run(ctx, &a).await,
        Command::Tenant(cmd) => tenant::run(ctx, cmd).await,
        Command::Flow(cmd) => flow::run(ctx, cmd).await,
        Command::Theme(cmd) => theme::run(ctx, cmd).await,
        Command::Role(cmd) => role::run(ctx, cmd).await,
        Command::Permission(cmd) => permission::run(ctx, cmd).await,
        Command::Restore(a) => restore::run(ctx, &a).await,
        Command::Backup(cmd) => backup::run(ctx, cmd).await,
        Command::Audit(cmd) => audit::run(ctx, cmd),
        Command::Config(cmd) => config::run(ctx, cmd),
        Command::Emulator(cmd) => emulator::run(ctx, cmd).await,
        Command::Doctor => doctor::run(ctx).await,
        Command::Completions(a) => completions::run(ctx, &a, &mut args::command()),
        Command::Snapshot(cmd) => snapshot::run(ctx, cmd).await,
    }
}

/// The command line as recorded in audit records: argv with the program name shortened.
fn command_line_for_audit(args: &[OsString]) -> String {
    let mut parts: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
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

/// The log of a run on `env`'s stderr, when `-v` or `DESCOPE_MGMT_LOG` asks for one.
fn logging(verbose: u8, env: &Env, color: bool) -> Option<tracing::Dispatch> {
    let level = match (verbose, env.var("DESCOPE_MGMT_LOG")) {
        (_, Some(filter)) => filter.to_owned(),
        (0, None) => return None,
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
    let streams = env.streams.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(move || streams.stderr_writer())
        .with_ansi(color)
        .with_target(false)
        // A closed or full stderr loses the log line, nothing else (the default would report
        // it with `eprintln!`, which panics there).
        .log_internal_errors(false)
        .finish();
    Some(tracing::Dispatch::new(subscriber))
}
