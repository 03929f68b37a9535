//! The benchmark scenarios of docs/benchmarks.md (issue #7): plan at scale, apply throughput, at
//! the rate limit, against the Python SDK, startup, export; and (issue 13) the requests that
//! 1,000 roles and permissions cost. Each one starts its own emulator process, sets it up through
//! the admin API and times `descope-mgmt` (or the SDK script) as a child process.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::emu::{self, Emulator};
use crate::measure::{self, median};

/// Sizes and repetitions of one bench invocation.
pub struct Sizes {
    pub plan_tenants: Vec<usize>,
    pub plan_runs: usize,
    pub apply_writes: usize,
    pub concurrencies: Vec<u16>,
    pub apply_runs: usize,
    pub c1_runs: usize,
    pub rate_writes: usize,
    pub rate_runs: usize,
    pub sdk_writes: usize,
    pub sdk_runs: usize,
    pub version_runs: usize,
    pub list_runs: usize,
    pub export_tenants: usize,
    pub export_runs: usize,
    /// Project roles (and as many permissions) that scenario 7 syncs.
    pub roles: usize,
    /// Writes of scenario 8 (at a window limit with a lockout).
    pub lockout_writes: usize,
    /// Scenario 8's limit: requests per window of seconds, and the lockout in seconds.
    pub lockout_limit: (usize, u64, u64),
}

impl Sizes {
    pub fn full() -> Self {
        Self {
            plan_tenants: vec![1_000, 10_000, 100_000],
            plan_runs: 5,
            apply_writes: 2_000,
            concurrencies: vec![1, 4, 16],
            apply_runs: 3,
            c1_runs: 1,
            rate_writes: 300,
            rate_runs: 3,
            sdk_writes: 2_000,
            sdk_runs: 3,
            version_runs: 200,
            list_runs: 30,
            export_tenants: 100_000,
            export_runs: 5,
            roles: 1_000,
            lockout_writes: 300,
            lockout_limit: (100, 20, 20),
        }
    }

    pub fn quick() -> Self {
        Self {
            plan_tenants: vec![500, 2_000],
            plan_runs: 1,
            apply_writes: 200,
            concurrencies: vec![1, 4, 16],
            apply_runs: 1,
            c1_runs: 1,
            rate_writes: 60,
            rate_runs: 1,
            sdk_writes: 200,
            sdk_runs: 1,
            version_runs: 20,
            list_runs: 3,
            export_tenants: 2_000,
            export_runs: 1,
            roles: 1_000,
            lockout_writes: 60,
            lockout_limit: (25, 10, 10),
        }
    }
}

/// Everything a scenario needs: the binary, a scratch dir, the workspace root.
pub struct Env {
    pub bin: PathBuf,
    pub scratch: PathBuf,
    pub root: PathBuf,
}

/// One line of the summary table.
pub struct Row {
    pub scenario: &'static str,
    pub measure: String,
    pub result: String,
    pub target: String,
    pub met: Option<bool>,
}

/// What the charts need, and the per-scenario details.
#[derive(Default)]
pub struct Results {
    pub rows: Vec<Row>,
    pub details: String,
    /// (tenants, median seconds, median peak MB)
    pub plan_points: Vec<(usize, f64, f64)>,
    /// (concurrency, median writes per second)
    pub throughput: Vec<(u16, f64)>,
}

impl Results {
    pub(crate) fn row(
        &mut self,
        scenario: &'static str,
        measure: impl Into<String>,
        result: impl Into<String>,
        target: impl Into<String>,
        met: Option<bool>,
    ) {
        self.rows.push(Row {
            scenario,
            measure: measure.into(),
            result: result.into(),
            target: target.into(),
            met,
        });
    }

    pub(crate) fn detail(&mut self, text: &str) {
        self.details.push_str(text);
    }
}

fn tid(prefix: &str, i: usize) -> String {
    format!("{prefix}{i:06}")
}

/// A live tenant as the service stores it.
fn live_tenant(prefix: &str, i: usize) -> Value {
    json!({
        "id": tid(prefix, i),
        "name": format!("Tenant {}", tid(prefix, i)),
        "selfProvisioningDomains": [format!("{}.example.com", tid(prefix, i))],
        "customAttributes": {"plan": "pro", "seats": i % 100},
    })
}

/// The desired tenant `i`: the live one, renamed when `changed`.
fn desired(prefix: &str, i: usize, changed: bool) -> (String, String, String, usize) {
    let id = tid(prefix, i);
    let name = if changed {
        format!("Renamed {id}")
    } else {
        format!("Tenant {id}")
    };
    let domain = format!("{id}.example.com");
    (id, name, domain, i % 100)
}

/// Writes tenants.yaml for `items` (index, changed) and returns its path.
fn write_yaml(
    path: &Path,
    prefix: &str,
    items: impl Iterator<Item = (usize, bool)>,
) -> Result<(), String> {
    let mut s = String::from("tenants:\n");
    for (i, changed) in items {
        let (id, name, domain, seats) = desired(prefix, i, changed);
        let _ = write!(
            s,
            "  - id: {id}\n    name: {name}\n    domains: [{domain}]\n    customAttributes: {{plan: pro, seats: {seats}}}\n"
        );
    }
    std::fs::write(path, s).map_err(|e| format!("{}: {e}", path.display()))
}

/// The same desired tenants as JSON, for the SDK script.
fn write_desired_json(
    path: &Path,
    prefix: &str,
    items: impl Iterator<Item = (usize, bool)>,
) -> Result<(), String> {
    let list: Vec<Value> = items
        .map(|(i, changed)| {
            let (id, name, domain, seats) = desired(prefix, i, changed);
            json!({"id": id, "name": name, "domains": [domain], "customAttributes": {"plan": "pro", "seats": seats}})
        })
        .collect();
    std::fs::write(path, serde_json::to_vec(&list).unwrap_or_default())
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn seed_live(emu: &Emulator, prefix: &str, n: usize) -> Result<(), String> {
    emu.seed((0..n).map(|i| live_tenant(prefix, i)).collect())
}

fn check(run: &measure::Run, what: &str, stderr: &Path) -> Result<(), String> {
    if run.status.success() {
        return Ok(());
    }
    let err = std::fs::read_to_string(stderr).unwrap_or_default();
    let tail: String = err
        .lines()
        .rev()
        .take(15)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join("\n");
    Err(format!("{what} exited with {}:\n{tail}", run.status))
}

pub(crate) fn fmt_s(v: f64) -> String {
    if v < 0.1 {
        format!("{:.1} ms", v * 1000.0)
    } else {
        format!("{v:.2} s")
    }
}

fn list_s(v: &[f64]) -> String {
    v.iter().map(|x| fmt_s(*x)).collect::<Vec<_>>().join(", ")
}

pub(crate) fn progress(msg: &str) {
    eprintln!("  {msg}");
}

// ---------------------------------------------------------------------------------------------
// 1. Plan at scale

pub fn plan(env: &Env, sizes: &Sizes, res: &mut Results) -> Result<(), String> {
    eprintln!("[1] plan at scale");
    res.detail("### 1. Plan at scale\n\n`tenant sync --config tenants.yaml --dry-run -o json > plan.json` against N live tenants; \
                the file lists the same N tenants with every tenth one renamed (N/10 updates). Emulator without faults.\n\n\
                | tenants | runs | wall (median) | peak RSS (median) | all runs |\n|---:|---:|---:|---:|---|\n");
    let largest = sizes.plan_tenants.iter().copied().max().unwrap_or(0);
    for &n in &sizes.plan_tenants {
        let emu = Emulator::start(&env.bin)?;
        emu.faults(0, None)?;
        seed_live(&emu, "t", n)?;
        let file = env.scratch.join(format!("plan-{n}.yaml"));
        write_yaml(&file, "t", (0..n).map(|i| (i, i % 10 == 0)))?;
        let home = emu::fresh_home(&env.scratch, "home-plan")?;
        let out = env.scratch.join("plan.json");
        let err = env.scratch.join("plan.stderr");
        let mut cmd = emu.cli(&env.bin, &home);
        cmd.args(["tenant", "sync", "--config"])
            .arg(&file)
            .args(["--dry-run", "-o", "json"]);
        let (mut walls, mut mems) = (Vec::new(), Vec::new());
        for r in 0..sizes.plan_runs {
            let run = measure::run(&cmd, Some(&out), &err, true)?;
            check(&run, "tenant sync --dry-run", &err)?;
            if r == 0 {
                let plan: Value =
                    serde_json::from_slice(&std::fs::read(&out).map_err(|e| e.to_string())?)
                        .map_err(|e| format!("plan JSON: {e}"))?;
                let s = &plan["summary"];
                if s["update"].as_u64() != Some((n / 10) as u64) || s["create"].as_u64() != Some(0)
                {
                    return Err(format!("unexpected plan summary for {n} tenants: {s}"));
                }
            }
            walls.push(run.wall.as_secs_f64());
            mems.push(run.peak_kb.unwrap_or(0) as f64 / 1024.0);
            progress(&format!(
                "{n} tenants: {} , {:.0} MB",
                fmt_s(run.wall.as_secs_f64()),
                run.peak_kb.unwrap_or(0) as f64 / 1024.0
            ));
        }
        let (w, m) = (median(&walls).unwrap_or(0.0), median(&mems).unwrap_or(0.0));
        res.plan_points.push((n, w, m));
        let _ = writeln!(
            res.details,
            "| {n} | {} | {} | {m:.0} MB | {} |",
            walls.len(),
            fmt_s(w),
            list_s(&walls)
        );
        if n == largest {
            res.row(
                "1 plan",
                format!("dry-run, {n} tenants, 10% changed: wall"),
                fmt_s(w),
                "< 1 s",
                Some(w < 1.0),
            );
            res.row(
                "1 plan",
                format!("dry-run, {n} tenants: peak RSS"),
                format!("{m:.0} MB"),
                "< 250 MB",
                Some(m < 250.0),
            );
        }
    }
    res.detail("\n");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 2. Apply throughput, and the shared set-up of 2 and 4

/// Resets the emulator to `writes / 2` live tenants (to be updated) and writes the file: those
/// renamed, plus `writes / 2` new ones. Returns the YAML and JSON paths.
pub(crate) fn apply_setup(
    emu: &Emulator,
    env: &Env,
    writes: usize,
) -> Result<(PathBuf, PathBuf), String> {
    let half = writes / 2;
    emu.faults(0, None)?;
    emu.reset()?;
    seed_live(emu, "a", half)?;
    let yaml = env.scratch.join(format!("apply-{writes}.yaml"));
    let json_path = env.scratch.join(format!("apply-{writes}.json"));
    write_yaml(&yaml, "a", (0..writes).map(|i| (i, i < half)))?;
    write_desired_json(&json_path, "a", (0..writes).map(|i| (i, i < half)))?;
    Ok((yaml, json_path))
}

struct ApplyRun {
    wall: f64,
    max_in_flight: u64,
    ok_writes: usize,
    total_requests: usize,
    status_429: usize,
    exit_ok: bool,
}

/// One `tenant sync --apply` run against a freshly set-up emulator.
fn apply_once(
    emu: &Emulator,
    env: &Env,
    writes: usize,
    concurrency: Option<u16>,
    latency_ms: u64,
    rate_limit: Option<(u64, u64)>,
) -> Result<ApplyRun, String> {
    let (yaml, _) = apply_setup(emu, env, writes)?;
    emu.faults(latency_ms, rate_limit)?;
    emu.clear_journal()?;
    let home = emu::fresh_home(&env.scratch, "home-apply")?;
    let err = env.scratch.join("apply.stderr");
    let mut cmd = emu.cli(&env.bin, &home);
    cmd.args(["tenant", "sync", "--config"])
        .arg(&yaml)
        .args(["--apply", "--yes"]);
    if let Some(c) = concurrency {
        cmd.arg("--concurrency").arg(c.to_string());
    }
    let run = measure::run(&cmd, None, &err, false)?;
    let exit_ok = run.status.success();
    if rate_limit.is_none() {
        check(&run, "tenant sync --apply", &err)?;
    }
    let j = emu.journal()?;
    Ok(ApplyRun {
        wall: run.wall.as_secs_f64(),
        max_in_flight: j.max_in_flight,
        ok_writes: j.ok_writes(),
        total_requests: j.entries.len(),
        status_429: j.count_status(429),
        exit_ok,
    })
}

pub fn apply(env: &Env, sizes: &Sizes, res: &mut Results) -> Result<(), String> {
    eprintln!("[2] apply throughput");
    let writes = sizes.apply_writes;
    let _ = write!(
        res.details,
        "### 2. Apply throughput\n\n`tenant sync --apply --yes --concurrency C`: {} creates and {} updates (every update \
         backed up first), emulator latency 20 ms on every request, no rate limit. Fresh emulator state and data dir per run.\n\n\
         | concurrency | runs | wall (median) | writes/s | speed-up vs C=1 | ideal | max in flight (emulator) | all runs |\n\
         |---:|---:|---:|---:|---:|---:|---:|---|\n",
        writes / 2,
        writes - writes / 2
    );
    let emu = Emulator::start(&env.bin)?;
    let mut medians: Vec<(u16, f64, usize, Vec<f64>, u64)> = Vec::new();
    for &c in &sizes.concurrencies {
        let runs = if c == 1 {
            sizes.c1_runs
        } else {
            sizes.apply_runs
        };
        let mut walls = Vec::new();
        let mut mif = 0;
        for _ in 0..runs {
            let r = apply_once(&emu, env, writes, Some(c), 20, None)?;
            if r.ok_writes != writes {
                return Err(format!(
                    "concurrency {c}: {} of {writes} writes succeeded",
                    r.ok_writes
                ));
            }
            progress(&format!(
                "concurrency {c}: {} (max in flight {})",
                fmt_s(r.wall),
                r.max_in_flight
            ));
            walls.push(r.wall);
            mif = mif.max(r.max_in_flight);
        }
        medians.push((c, median(&walls).unwrap_or(0.0), runs, walls, mif));
    }
    let base = medians.iter().find(|m| m.0 == 1).map(|m| m.1);
    for (c, w, runs, walls, mif) in &medians {
        let thr = writes as f64 / w;
        res.throughput.push((*c, thr));
        let speed = base.map_or(0.0, |b| b / w);
        let _ = writeln!(
            res.details,
            "| {c} | {runs} | {} | {thr:.0} | {speed:.1}× | {c}× | {mif} | {} |",
            fmt_s(*w),
            list_s(walls)
        );
        if *c == 16 {
            res.row(
                "2 apply",
                format!("{writes} writes, 20 ms latency: C=16 vs C=1"),
                format!(
                    "{speed:.1}× ({} vs {})",
                    fmt_s(*w),
                    fmt_s(base.unwrap_or(0.0))
                ),
                "≥ 12×",
                Some(speed >= 12.0),
            );
        }
    }
    if sizes.c1_runs == 1 {
        res.detail(
            "\nConcurrency 1 was run once (about a minute per run); the others are medians.\n",
        );
    }
    res.detail("\n");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 3. At the rate limit

pub fn rate_limit(env: &Env, sizes: &Sizes, res: &mut Results) -> Result<(), String> {
    eprintln!("[3] at the rate limit");
    let writes = sizes.rate_writes;
    let minimum = writes as f64 / 20.0;
    let _ = write!(
        res.details,
        "### 3. At the rate limit\n\nEmulator `--rate-limit 20/1` (20 requests per 1-second window, then 429 with `Retry-After`), \
         no latency; `tenant sync --apply --yes` at the default concurrency: {} creates + {} updates. The limit allows \
         at least {minimum:.0} s for {writes} writes. 429s counted from the emulator journal.\n\n\
         | run | wall | vs minimum | writes ok | failed | requests | 429 answers | exit |\n|---:|---:|---:|---:|---:|---:|---:|---|\n",
        writes / 2,
        writes - writes / 2
    );
    let emu = Emulator::start(&env.bin)?;
    let mut walls = Vec::new();
    let mut shares = Vec::new();
    let mut failed_max = 0;
    let mut all_exit_ok = true;
    for r in 0..sizes.rate_runs {
        let run = apply_once(&emu, env, writes, None, 0, Some((20, 1)))?;
        let share = run.status_429 as f64 / run.total_requests.max(1) as f64;
        let failed = writes.saturating_sub(run.ok_writes);
        failed_max = failed_max.max(failed);
        all_exit_ok &= run.exit_ok;
        progress(&format!(
            "run {}: {} , {} × 429 of {} requests, {failed} failed",
            r + 1,
            fmt_s(run.wall),
            run.status_429,
            run.total_requests
        ));
        let _ = writeln!(
            res.details,
            "| {} | {} | +{:.1}% | {} | {failed} | {} | {} ({:.1}%) | {} |",
            r + 1,
            fmt_s(run.wall),
            (run.wall / minimum - 1.0) * 100.0,
            run.ok_writes,
            run.total_requests,
            run.status_429,
            share * 100.0,
            if run.exit_ok { "0" } else { "non-zero" }
        );
        walls.push(run.wall);
        shares.push(share);
    }
    let w = median(&walls).unwrap_or(0.0);
    let share = median(&shares).unwrap_or(0.0);
    res.row(
        "3 rate limit",
        format!("{writes} writes at 20/s: wall (minimum {minimum:.0} s)"),
        format!("{} (+{:.1}%)", fmt_s(w), (w / minimum - 1.0) * 100.0),
        "within 15%",
        Some(w <= minimum * 1.15),
    );
    res.row(
        "3 rate limit",
        "failed writes (worst run)",
        failed_max.to_string(),
        "0",
        Some(failed_max == 0 && all_exit_ok),
    );
    res.row(
        "3 rate limit",
        "requests answered 429 (median)",
        format!("{:.1}%", share * 100.0),
        "< 5%",
        Some(share < 0.05),
    );
    res.detail("\n");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 4. Against the Python SDK

/// The interpreter of a virtualenv with `descope==2.16.1`: the conformance suite's if it has that
/// version, else `target/bench-venv` (created with pip on first use).
pub(crate) fn sdk_python(root: &Path) -> Result<PathBuf, String> {
    let has_sdk = |py: &Path| {
        py.exists()
            && Command::new(py)
                .args(["-c", "import importlib.metadata as m, descope; assert m.version('descope') == '2.16.1'"])
                .output()
                .is_ok_and(|o| o.status.success())
    };
    let conformance = root.join("target/conformance-venv/bin/python");
    if has_sdk(&conformance) {
        return Ok(conformance);
    }
    let venv = root.join("target/bench-venv");
    let py = venv.join("bin/python");
    if has_sdk(&py) {
        return Ok(py);
    }
    eprintln!("  creating {} with descope==2.16.1", venv.display());
    let ok = |c: &mut Command| c.status().is_ok_and(|s| s.success());
    if !ok(Command::new("python3").arg("-m").arg("venv").arg(&venv))
        || !ok(Command::new(&py).args(["-m", "pip", "install", "-q", "descope==2.16.1"]))
    {
        return Err(
            "cannot create a virtualenv with descope==2.16.1 (needs python3 with venv, and PyPI)"
                .into(),
        );
    }
    Ok(py)
}

pub fn sdk(env: &Env, sizes: &Sizes, res: &mut Results) -> Result<(), String> {
    eprintln!("[4] against the Python SDK");
    let python = sdk_python(&env.root)?;
    let script = env.root.join("bench/python_sdk_sync.py");
    let writes = sizes.sdk_writes;
    let emu = Emulator::start(&env.bin)?;
    let (mut py_walls, mut cli_walls) = (Vec::new(), Vec::new());
    for r in 0..sizes.sdk_runs {
        // The SDK script: load all, then create / update one by one.
        let (_, json_path) = apply_setup(&emu, env, writes)?;
        emu.faults(20, None)?;
        emu.clear_journal()?;
        let err = env.scratch.join("sdk.stderr");
        let out = env.scratch.join("sdk.stdout");
        let mut cmd = Command::new(&python);
        cmd.arg(&script)
            .arg(emu.url())
            .arg(emu::PROJECT_ID)
            .arg(emu::MANAGEMENT_KEY)
            .arg(&json_path);
        let run = measure::run(&cmd, Some(&out), &err, false)?;
        check(&run, "bench/python_sdk_sync.py", &err)?;
        let ok = emu.journal()?.ok_writes();
        if ok != writes {
            return Err(format!("SDK script: {ok} of {writes} writes succeeded"));
        }
        py_walls.push(run.wall.as_secs_f64());
        // descope-mgmt at default settings, same job, same emulator.
        let cli = apply_once(&emu, env, writes, None, 20, None)?;
        if cli.ok_writes != writes {
            return Err(format!(
                "descope-mgmt: {} of {writes} writes succeeded",
                cli.ok_writes
            ));
        }
        cli_walls.push(cli.wall);
        progress(&format!(
            "run {}: SDK {} , descope-mgmt {}",
            r + 1,
            fmt_s(run.wall.as_secs_f64()),
            fmt_s(cli.wall)
        ));
    }
    let (p, c) = (
        median(&py_walls).unwrap_or(0.0),
        median(&cli_walls).unwrap_or(0.0),
    );
    let ratio = p / c;
    let _ = write!(
        res.details,
        "### 4. Against the official Python SDK\n\nThe same job as scenario 2 ({} creates + {} updates, 20 ms latency), done by \
         [`bench/python_sdk_sync.py`](../bench/python_sdk_sync.py) with `descope==2.16.1` (load all, then create or \
         update one by one; desired state read from JSON) and by `descope-mgmt tenant sync --apply --yes` at default \
         settings (concurrency 4, backups and audit log on). Interleaved, one of each per round, fresh state each time; \
         wall time includes interpreter / process start.\n\n\
         | tool | runs | wall (median) | all runs |\n|---|---:|---:|---|\n\
         | Python SDK script | {} | {} | {} |\n| descope-mgmt | {} | {} | {} |\n\n",
        writes / 2,
        writes - writes / 2,
        py_walls.len(),
        fmt_s(p),
        list_s(&py_walls),
        cli_walls.len(),
        fmt_s(c),
        list_s(&cli_walls)
    );
    res.row(
        "4 vs SDK",
        format!("{writes} writes, 20 ms latency: SDK script / descope-mgmt"),
        format!("{ratio:.1}× ({} vs {})", fmt_s(p), fmt_s(c)),
        "≥ 4×",
        Some(ratio >= 4.0),
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 5. Startup

pub fn startup(env: &Env, sizes: &Sizes, res: &mut Results) -> Result<(), String> {
    eprintln!("[5] startup");
    let err = env.scratch.join("startup.stderr");
    let mut version = Command::new(&env.bin);
    version.arg("--version");
    let mut walls = Vec::new();
    for _ in 0..sizes.version_runs {
        let run = measure::run(&version, None, &err, false)?;
        check(&run, "--version", &err)?;
        walls.push(run.wall.as_secs_f64());
    }
    let v = median(&walls).unwrap_or(0.0);
    let vmin = walls.iter().copied().fold(f64::INFINITY, f64::min);
    progress(&format!("--version: {}", fmt_s(v)));

    let emu = Emulator::start(&env.bin)?;
    emu.faults(0, None)?;
    seed_live(&emu, "l", 10)?;
    let home = emu::fresh_home(&env.scratch, "home-list")?;
    let mut list = emu.cli(&env.bin, &home);
    list.args(["tenant", "list"]);
    let mut lw = Vec::new();
    let mut mems = Vec::new();
    for _ in 0..sizes.list_runs {
        let run = measure::run(&list, None, &err, true)?;
        check(&run, "tenant list", &err)?;
        lw.push(run.wall.as_secs_f64());
        mems.push(run.peak_kb.unwrap_or(0) as f64 / 1024.0);
    }
    let l = median(&lw).unwrap_or(0.0);
    progress(&format!("tenant list: {}", fmt_s(l)));
    let _ = write!(
        res.details,
        "### 5. Startup\n\nSpawn to exit, stdout discarded.\n\n| command | runs | median | fastest | peak RSS |\n|---|---:|---:|---:|---:|\n\
         | `descope-mgmt --version` | {} | {} | {} | |\n| `descope-mgmt tenant list` (10 tenants, emulator on loopback, no latency) | {} | {} | {} | {:.0} MB |\n\n",
        walls.len(),
        fmt_s(v),
        fmt_s(vmin),
        lw.len(),
        fmt_s(l),
        fmt_s(lw.iter().copied().fold(f64::INFINITY, f64::min)),
        median(&mems).unwrap_or(0.0)
    );
    res.row(
        "5 startup",
        "`--version`",
        fmt_s(v),
        "< 5 ms",
        Some(v < 0.005),
    );
    res.row(
        "5 startup",
        "`tenant list`, 10 tenants",
        fmt_s(l),
        "(none)",
        None,
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 6. Export

pub fn export(env: &Env, sizes: &Sizes, res: &mut Results) -> Result<(), String> {
    eprintln!("[6] export");
    let n = sizes.export_tenants;
    let emu = Emulator::start(&env.bin)?;
    emu.faults(0, None)?;
    seed_live(&emu, "e", n)?;
    let home = emu::fresh_home(&env.scratch, "home-export")?;
    let file = env.scratch.join("export.yaml");
    let err = env.scratch.join("export.stderr");
    let mut cmd = emu.cli(&env.bin, &home);
    cmd.args(["tenant", "export", "-f"]).arg(&file);
    let (mut walls, mut mems) = (Vec::new(), Vec::new());
    for r in 0..sizes.export_runs {
        let _ = std::fs::remove_file(&file);
        let run = measure::run(&cmd, None, &err, true)?;
        check(&run, "tenant export", &err)?;
        if r == 0 {
            let text = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
            let count = text.lines().filter(|l| l.starts_with("  - id: ")).count();
            if count != n {
                return Err(format!("export wrote {count} tenants, not {n}"));
            }
        }
        walls.push(run.wall.as_secs_f64());
        mems.push(run.peak_kb.unwrap_or(0) as f64 / 1024.0);
        progress(&format!("export {n}: {}", fmt_s(run.wall.as_secs_f64())));
    }
    let (w, m) = (median(&walls).unwrap_or(0.0), median(&mems).unwrap_or(0.0));
    let _ = write!(
        res.details,
        "### 6. Export\n\n`tenant export -f tenants.yaml` of {n} live tenants (no latency).\n\n\
         | tenants | runs | wall (median) | peak RSS (median) | all runs |\n|---:|---:|---:|---:|---|\n| {n} | {} | {} | {m:.0} MB | {} |\n\n",
        walls.len(),
        fmt_s(w),
        list_s(&walls)
    );
    res.row(
        "6 export",
        format!("`tenant export`, {n} tenants"),
        format!("{} ({m:.0} MB)", fmt_s(w)),
        "< 2 s",
        Some(w < 2.0),
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 7. Roles and permissions at scale: requests, not time

/// A project file with `n` permissions and `n` project roles (each holding two of the
/// permissions) and no tenants.
fn write_roles_yaml(path: &Path, n: usize) -> Result<(), String> {
    let mut s = String::with_capacity(n * 120);
    s.push_str("permissions:\n");
    for i in 0..n {
        let _ = writeln!(s, "  - name: perm-{i:05}\n    description: Permission {i}");
    }
    s.push_str("roles:\n");
    for i in 0..n {
        let _ = writeln!(
            s,
            "  - name: role-{i:05}\n    description: Role {i}\n    permissions: [perm-{i:05}, perm-{:05}]",
            (i + 1) % n
        );
    }
    s.push_str("tenants: []\n");
    std::fs::write(path, s).map_err(|e| format!("{}: {e}", path.display()))
}

/// `sync --config FILE --apply --yes` of `n` project roles and `n` permissions into an empty
/// project: how many requests it sends (the batch endpoints make it a handful, not 2n), checked
/// against what the emulator then holds.
pub fn roles(env: &Env, sizes: &Sizes, res: &mut Results) -> Result<(), String> {
    eprintln!("[7] roles and permissions at scale");
    let n = sizes.roles;
    let emu = Emulator::start(&env.bin)?;
    emu.faults(0, None)?;
    let file = env.scratch.join(format!("roles-{n}.yaml"));
    write_roles_yaml(&file, n)?;
    emu.clear_journal()?;
    let home = emu::fresh_home(&env.scratch, "home-roles")?;
    let err = env.scratch.join("roles.stderr");
    let mut cmd = emu.cli(&env.bin, &home);
    cmd.args(["sync", "--config"])
        .arg(&file)
        .args(["--apply", "--yes"]);
    let run = measure::run(&cmd, None, &err, false)?;
    check(&run, "sync --apply", &err)?;
    let journal = emu.journal()?;
    let state = emu.admin("GET", "/__emulator/state", None)?;
    let count = |key: &str| {
        state[key].as_array().map_or(0, |a| {
            a.iter()
                .filter(|x| x["systemDefault"].as_bool() != Some(true))
                .count()
        })
    };
    let (roles, permissions) = (count("roles"), count("permissions"));
    let whole = state["roles"].as_array().map_or(0, |a| {
        a.iter()
            .filter(|r| r["permissionNames"].as_array().map(Vec::len) == Some(2))
            .count()
    });
    if whole != n {
        return Err(format!(
            "after sync {whole} of {n} roles hold their two permissions"
        ));
    }
    if roles != n || permissions != n {
        return Err(format!(
            "after sync the emulator holds {roles} roles and {permissions} permissions, not {n} of each"
        ));
    }
    let mut by_path: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for e in &journal.entries {
        *by_path
            .entry(e.path.split('?').next().unwrap_or_default())
            .or_default() += 1;
    }
    let total = journal.entries.len();
    progress(&format!(
        "{n} roles + {n} permissions: {total} requests in {}",
        fmt_s(run.wall.as_secs_f64())
    ));
    let _ = write!(
        res.details,
        "### 7. Roles and permissions at scale\n\n`sync --config project.yaml --apply --yes` of {n} permissions and {n} project \
         roles (two permissions each) into an empty project, counted from the emulator's journal; the emulator then \
         holds exactly those. Wall {}.\n\n| request | count |\n|---|---:|\n",
        fmt_s(run.wall.as_secs_f64())
    );
    for (path, c) in &by_path {
        let _ = writeln!(res.details, "| `{path}` | {c} |");
    }
    let _ = writeln!(res.details, "| **total** | **{total}** |\n");
    res.row(
        "7 roles",
        format!("`sync --apply`, {n} roles + {n} permissions, empty project: requests"),
        format!("{total} (vs {} one by one)", 2 * n),
        "≤ 20",
        Some(total <= 20),
    );
    tenant_creates(env, n, res)
}

/// Issue 14's third count: `n` tenant creates (no batch endpoint exists for tenants), as the
/// plan announces them and as the emulator counts them.
fn tenant_creates(env: &Env, n: usize, res: &mut Results) -> Result<(), String> {
    let emu = Emulator::start(&env.bin)?;
    emu.faults(0, None)?;
    let yaml = env.scratch.join(format!("tenants-{n}.yaml"));
    write_yaml(&yaml, "c", (0..n).map(|i| (i, false)))?;
    emu.clear_journal()?;
    let home = emu::fresh_home(&env.scratch, "home-tenant-creates")?;
    let err = env.scratch.join("tenant-creates.stderr");
    let mut cmd = emu.cli(&env.bin, &home);
    cmd.args(["tenant", "sync", "--config"])
        .arg(&yaml)
        .args(["--apply", "--yes"]);
    let run = measure::run(&cmd, None, &err, false)?;
    check(&run, "tenant sync --apply", &err)?;
    let total = emu.journal()?.entries.len();
    let stderr = std::fs::read_to_string(&err).unwrap_or_default();
    let announced = stderr
        .lines()
        .find(|l| l.starts_with("Apply: "))
        .unwrap_or("(no Apply line)")
        .to_owned();
    progress(&format!(
        "{n} tenant creates: {total} requests; the plan said: {announced}"
    ));
    let _ = writeln!(
        res.details,
        "`tenant sync --apply` of {n} new tenants: {total} requests (the plan's read and one create each; the plan \
         announced `{announced}`).\n"
    );
    res.row(
        "7 roles",
        format!("`tenant sync --apply`, {n} tenant creates: requests"),
        total.to_string(),
        format!("{} (one read + one create each)", n + 1),
        Some(total == n + 1),
    );
    Ok(())
}
