//! Scenario 8 (issue 14): at a window limit with a lockout, the way the service answers now.
//! `tenant sync --apply` of N writes against the emulator's `--rate-limit 50/20` with a 20 s
//! lockout (the service's 100 per 60 s with a 60 s lockout, time scaled down), with and without
//! `RateLimit-*` headers, and with `--max-rate` at half the limit. The floor is what the limit
//! allows for the requests the run sent: one window's worth at once, then one more per window.

use std::fmt::Write as _;

use serde_json::json;

use crate::emu::{self, Emulator, Journal};
use crate::measure;
use crate::scenarios::{Env, Results, Sizes, apply_setup, fmt_s, progress};

/// Requests per window of seconds.
type Rate = (usize, u64);

/// The limit: requests per window (seconds), and the lockout (seconds).
const LIMIT: Rate = (50, 20);
const LOCKOUT_SECS: u64 = 20;

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
    headers: bool,
    max_rate: Option<Rate>,
) -> Result<Outcome, String> {
    let emu = Emulator::start(&env.bin)?;
    let (yaml, _) = apply_setup(&emu, env, writes)?;
    emu.set_faults(&json!({
        "rateLimit": {"requests": LIMIT.0, "windowSecs": LIMIT.1},
        "rateLimitLockoutSecs": LOCKOUT_SECS,
        "noRateHeaders": !headers,
    }))?;
    emu.clear_journal()?;
    let home = emu::fresh_home(&env.scratch, "home-lockout")?;
    let err = env.scratch.join("lockout.stderr");
    let mut cmd = emu.cli(&env.bin, &home);
    cmd.args(["tenant", "sync", "--config"])
        .arg(&yaml)
        .args(["--apply", "--yes"]);
    if let Some((n, secs)) = max_rate {
        cmd.arg("--max-rate").arg(format!("{n}/{secs}"));
    }
    let run = measure::run(&cmd, None, &err, false)?;
    let j = emu.journal()?;
    let sent = j.entries.iter().filter(|e| e.status != 429).count();
    let (n, secs) = max_rate.unwrap_or(LIMIT);
    #[allow(clippy::cast_precision_loss)]
    let floor = (sent.div_ceil(n).saturating_sub(1) as f64) * secs as f64;
    let failed = if run.status.success() {
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
    let _ = write!(
        res.details,
        "### 8. At a window limit with a lockout\n\nEmulator `--rate-limit {}/{} --rate-limit-lockout {LOCKOUT_SECS}` (the \
         service's 100 per 60 s and its 60 s lockout, time scaled down), no latency; `tenant sync --apply --yes` of {} \
         creates + {} updates at the default concurrency. The floor is what the limit allows for the requests sent \
         (plan read included): a window's worth at once, then one more per window. Counts from the emulator's journal.\n\n\
         | run | wall | floor | vs floor | lockouts | 429 answers | failed writes | peak per window |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|\n",
        LIMIT.0,
        LIMIT.1,
        writes / 2,
        writes - writes / 2
    );
    let half = (LIMIT.0 / 2, LIMIT.1);
    let runs: [(&str, bool, Option<Rate>); 3] = [
        ("with RateLimit-* headers", true, None),
        ("without headers", false, None),
        ("--max-rate at half the limit", true, Some(half)),
    ];
    for (label, headers, max_rate) in runs {
        let o = run_once(env, writes, headers, max_rate)?;
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
        match max_rate {
            None if headers => res.row(
                "8 lockout",
                format!(
                    "{writes} writes, {}/{} s + lockout, headers: wall vs floor, lockouts, failed",
                    LIMIT.0, LIMIT.1
                ),
                format!(
                    "{over:+.1}%, {} lockout(s), {} failed",
                    o.lockouts, o.failed
                ),
                "within 5%, 0, 0",
                Some(over <= 5.0 && o.lockouts == 0 && o.failed == 0),
            ),
            None => res.row(
                "8 lockout",
                format!("{writes} writes, no headers: wall vs floor, lockouts, failed"),
                format!(
                    "{over:+.1}%, {} lockout(s), {} failed",
                    o.lockouts, o.failed
                ),
                "within 15%, ≤ 1, 0",
                Some(over <= 15.0 && o.lockouts <= 1 && o.failed == 0),
            ),
            Some((n, secs)) => res.row(
                "8 lockout",
                format!(
                    "{writes} writes, --max-rate {n}/{secs}: peak per {secs} s window (journal)"
                ),
                format!("{} (0 lockouts: {})", o.peak, o.lockouts == 0),
                format!("≤ {n}"),
                Some(o.peak <= n && o.failed == 0),
            ),
        }
    }
    res.detail("\n");
    Ok(())
}
