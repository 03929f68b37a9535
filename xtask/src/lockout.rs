//! Scenario 8 (issue 14): at a window limit with a lockout, the way the service answers now.
//! `tenant sync --apply` of N writes against the emulator's `--rate-limit 100/20` with a 20 s
//! lockout (the service's 100 per 60 s with a 60 s lockout, time scaled down by three), with and
//! without `RateLimit-*` headers, and with `--max-rate` at half the limit; then the official Python
//! SDK script doing the same job at the same limit, plain and with the retry Descope's docs advise.
//! The floor is what the limit allows for the requests the run sent: one window's worth at once,
//! then one more per window.

use std::fmt::Write as _;

use serde_json::json;

use std::process::Command;

use crate::emu::{self, Emulator, Journal};
use crate::measure;
use crate::scenarios::{Env, Results, Sizes, apply_setup, fmt_s, progress, sdk_python};

/// Requests per window of seconds.
type Rate = (usize, u64);

/// Who does the job.
#[derive(Clone, Copy)]
enum Runner {
    /// descope-mgmt, with or without `RateLimit-*` headers on the answers, and an optional cap.
    Cli {
        headers: bool,
        max_rate: Option<Rate>,
    },
    /// `bench/python_sdk_sync.py`; `retry` = sleep the Retry-After of a RateLimitException and
    /// try again (the SDK itself does not retry a 429).
    Sdk { retry: bool },
}

struct Outcome {
    wall: f64,
    floor: f64,
    lockouts: u64,
    limited: u64,
    failed: usize,
    /// Most requests received in any window of the cap's length.
    peak: usize,
}

/// Most journal entries (not answered 429) within any `window_ms`.
fn peak(j: &Journal, window_ms: u64) -> usize {
    let starts: Vec<u64> = j
        .entries
        .iter()
        .filter(|e| e.status != 429)
        .map(|e| e.start_ms)
        .collect();
    starts
        .iter()
        .map(|s| {
            starts
                .iter()
                .filter(|t| **t >= *s && **t < s + window_ms)
                .count()
        })
        .max()
        .unwrap_or(0)
}

fn run_once(
    env: &Env,
    writes: usize,
    (n, secs, lockout): (usize, u64, u64),
    runner: Runner,
    python: Option<&std::path::Path>,
) -> Result<Outcome, String> {
    let emu = Emulator::start(&env.bin)?;
    let (yaml, json_path) = apply_setup(&emu, env, writes)?;
    let headers = !matches!(runner, Runner::Cli { headers: false, .. });
    emu.set_faults(&json!({
        "rateLimit": {"requests": n, "windowSecs": secs},
        "rateLimitLockoutSecs": lockout,
        "noRateHeaders": !headers,
    }))?;
    emu.clear_journal()?;
    let err = env.scratch.join("lockout.stderr");
    let mut cap = (n, secs);
    let run = match runner {
        Runner::Cli { max_rate, .. } => {
            let home = emu::fresh_home(&env.scratch, "home-lockout")?;
            let mut cmd = emu.cli(&env.bin, &home);
            cmd.args(["tenant", "sync", "--config"])
                .arg(&yaml)
                .args(["--apply", "--yes"]);
            if let Some((n, secs)) = max_rate {
                cmd.arg("--max-rate").arg(format!("{n}/{secs}"));
                cap = (n, secs);
            }
            measure::run(&cmd, None, &err, false)?
        }
        Runner::Sdk { retry } => {
            let python = python.ok_or("no Python with the SDK")?;
            let mut cmd = Command::new(python);
            cmd.arg(env.root.join("bench/python_sdk_sync.py"))
                .arg(emu.url())
                .arg(emu::PROJECT_ID)
                .arg(emu::MANAGEMENT_KEY)
                .arg(&json_path);
            if retry {
                cmd.arg("--retry-rate-limit");
            }
            let out = env.scratch.join("lockout-sdk.stdout");
            // The plain script exits 1 when writes failed: its failures are counted below.
            measure::run(&cmd, Some(&out), &err, false)?
        }
    };
    let j = emu.journal()?;
    let sent = j.entries.iter().filter(|e| e.status != 429).count();
    let (n, secs) = cap;
    #[allow(clippy::cast_precision_loss)]
    let floor = (sent.div_ceil(n).saturating_sub(1) as f64) * secs as f64;
    let failed = if run.status.success() || matches!(runner, Runner::Sdk { .. }) {
        writes.saturating_sub(j.ok_writes())
    } else {
        writes
    };
    Ok(Outcome {
        wall: run.wall.as_secs_f64(),
        floor,
        lockouts: j.lockouts,
        limited: j.rate_limited,
        failed,
        peak: peak(&j, secs * 1000),
    })
}

pub fn lockout(env: &Env, sizes: &Sizes, res: &mut Results) -> Result<(), String> {
    eprintln!("[8] at a window limit with a lockout");
    let writes = sizes.lockout_writes;
    let (n, secs, lockout_secs) = sizes.lockout_limit;
    let python = sdk_python(&env.root)?;
    let _ = write!(
        res.details,
        "### 8. At a window limit with a lockout\n\nEmulator `--rate-limit {n}/{secs} --rate-limit-lockout {lockout_secs}` \
         (the service's 100 per 60 s and its 60 s lockout, time scaled down), no latency; {} creates + {} updates. \
         descope-mgmt runs `tenant sync --apply --yes` at the default concurrency; the Python SDK runs \
         [`bench/python_sdk_sync.py`](../bench/python_sdk_sync.py) (`descope==2.16.1`, one call after another) \
         plain, and with `--retry-rate-limit`: on the SDK's `RateLimitException` it sleeps the `Retry-After` and \
         tries again, as Descope's rate-limiting page advises (the SDK retries 5xx but not 429). The floor is \
         what the limit allows for the requests sent (plan read included): a window's worth at once, then one \
         more per window. Counts from the emulator's journal.\n\n\
         | run | wall | floor | vs floor | lockouts | 429 answers | failed writes | peak per window |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|\n",
        writes / 2,
        writes - writes / 2
    );
    let half = (n / 2, secs);
    let runs: [(&str, Runner); 5] = [
        (
            "descope-mgmt, RateLimit-* headers",
            Runner::Cli {
                headers: true,
                max_rate: None,
            },
        ),
        (
            "descope-mgmt, no headers",
            Runner::Cli {
                headers: false,
                max_rate: None,
            },
        ),
        (
            "descope-mgmt, --max-rate at half the limit",
            Runner::Cli {
                headers: true,
                max_rate: Some(half),
            },
        ),
        ("Python SDK script, plain", Runner::Sdk { retry: false }),
        (
            "Python SDK script, retry on 429",
            Runner::Sdk { retry: true },
        ),
    ];
    let mut ours = None;
    let mut sdk = Vec::new();
    for (label, runner) in runs {
        let o = run_once(env, writes, (n, secs, lockout_secs), runner, Some(&python))?;
        let over = if o.floor > 0.0 {
            (o.wall / o.floor - 1.0) * 100.0
        } else {
            0.0
        };
        progress(&format!(
            "{label}: {} (floor {}), {} lockout(s), {} × 429, {} failed, peak {}",
            fmt_s(o.wall),
            fmt_s(o.floor),
            o.lockouts,
            o.limited,
            o.failed,
            o.peak
        ));
        let _ = writeln!(
            res.details,
            "| {label} | {} | {} | {over:+.1}% | {} | {} | {} | {} |",
            fmt_s(o.wall),
            fmt_s(o.floor),
            o.lockouts,
            o.limited,
            o.failed,
            o.peak
        );
        match runner {
            Runner::Cli {
                headers: true,
                max_rate: None,
            } => {
                res.row(
                    "8 lockout",
                    format!(
                        "{writes} writes, {n}/{secs} s + {lockout_secs} s lockout, headers: wall vs floor, lockouts, failed"
                    ),
                    format!(
                        "{over:+.1}%, {} lockout(s), {} failed",
                        o.lockouts, o.failed
                    ),
                    "within 5%, 0, 0",
                    Some(over <= 5.0 && o.lockouts == 0 && o.failed == 0),
                );
                ours = Some(o);
            }
            Runner::Cli { max_rate: None, .. } => res.row(
                "8 lockout",
                format!("{writes} writes, no headers: wall vs floor, lockouts, failed"),
                format!(
                    "{over:+.1}%, {} lockout(s), {} failed",
                    o.lockouts, o.failed
                ),
                "within 15%, ≤ 1, 0",
                Some(over <= 15.0 && o.lockouts <= 1 && o.failed == 0),
            ),
            Runner::Cli {
                max_rate: Some((cn, csecs)),
                ..
            } => res.row(
                "8 lockout",
                format!(
                    "{writes} writes, --max-rate {cn}/{csecs}: peak per {csecs} s window (journal)"
                ),
                format!("{} (0 lockouts: {})", o.peak, o.lockouts == 0),
                format!("≤ {cn}"),
                Some(o.peak <= cn && o.failed == 0),
            ),
            Runner::Sdk { retry } => sdk.push((retry, o)),
        }
    }
    if let Some(ours) = ours {
        let mut value = Vec::new();
        let mut beaten = true;
        for (retry, o) in &sdk {
            let ratio = o.wall / ours.wall;
            let kind = if *retry { "with retry" } else { "plain" };
            value.push(format!(
                "{kind}: {} ({ratio:.2}× ours), {} lockout(s), {} failed",
                fmt_s(o.wall),
                o.lockouts,
                o.failed
            ));
            // Ours must lose nothing and trigger no lockout; a plain script that gives up
            // early may be quicker, but only by failing writes.
            beaten &= o.failed > 0 || o.lockouts > 0 || ratio >= 1.0;
        }
        res.row(
            "8 vs SDK",
            format!(
                "{writes} writes at {n}/{secs} s + lockout: Python SDK script vs descope-mgmt ({}, 0 lockouts)",
                fmt_s(ours.wall)
            ),
            value.join("; "),
            "ours: no lockout, no failure, not slower",
            Some(ours.lockouts == 0 && ours.failed == 0 && beaten),
        );
    }
    res.detail("\n");
    Ok(())
}
