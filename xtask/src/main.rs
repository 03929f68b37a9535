//! Project tasks. `cargo xtask gen [--check]` writes the CLI reference (docs/cli.md) and the man
//! pages (docs/man/) from the clap definitions; `--check` only reports stale files.
//! `cargo xtask bench [--quick] [--no-build] [--only 1,2,...]` builds the release
//! binary, runs the benchmark scenarios of issue #7 against locally started emulators, prints a
//! table, and (full runs only) writes docs/benchmarks.md and the charts in docs/bench/. A quick
//! run (small sizes, one run each) writes its report under target/bench/ instead.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod emu;
mod http;
mod lockout;
mod measure;
mod report;
mod scenarios;
mod svg;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use scenarios::{Env, Results, Sizes};

const USAGE: &str = "usage: cargo xtask bench [--quick] [--no-build] [--only 1,2,3,4,5,6,7,8]
       cargo xtask gen [--check]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("gen") {
        return docgen(&args[1..]);
    }
    if args.first().map(String::as_str) != Some("bench") {
        eprintln!("{USAGE}");
        return ExitCode::from(64);
    }
    match bench(&args[1..]) {
        Ok(all_met) => {
            if all_met {
                ExitCode::SUCCESS
            } else {
                eprintln!("some targets were missed (see the table)");
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("xtask bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask gen [--check]`.
fn docgen(args: &[String]) -> ExitCode {
    let check = match args {
        [] => false,
        [a] if a == "--check" => true,
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(64);
        }
    };
    let root = root();
    if check {
        let stale = xtask::docgen::stale(&root);
        if stale.is_empty() {
            return ExitCode::SUCCESS;
        }
        eprintln!("stale (run `cargo xtask gen`): {}", stale.join(", "));
        return ExitCode::FAILURE;
    }
    match xtask::docgen::write(&root) {
        Ok(changed) if changed.is_empty() => {
            eprintln!("docs/cli.md and docs/man/ are up to date");
            ExitCode::SUCCESS
        }
        Ok(changed) => {
            for path in changed {
                eprintln!("wrote {path}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("xtask gen: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn bench(args: &[String]) -> Result<bool, String> {
    let mut quick = false;
    let mut build = true;
    let mut only: Option<Vec<u8>> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--quick" => quick = true,
            "--no-build" => build = false,
            "--only" => {
                let list = it.next().ok_or(USAGE)?;
                only = Some(
                    list.split(',')
                        .map(|s| s.trim().parse().map_err(|_| USAGE.to_owned()))
                        .collect::<Result<_, _>>()?,
                );
            }
            _ => return Err(format!("unknown argument {a}\n{USAGE}")),
        }
    }
    let root = root();
    if build {
        eprintln!("building: cargo build --release -p descope-mgmt");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let ok = Command::new(cargo)
            .args(["build", "--release", "-p", "descope-mgmt"])
            .current_dir(&root)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return Err("cargo build --release -p descope-mgmt failed".into());
        }
    }
    let bin = root.join("target/release/descope-mgmt");
    if !bin.exists() {
        return Err(format!(
            "{} is missing (run without --no-build)",
            bin.display()
        ));
    }
    let scratch = root.join("target/bench");
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let env = Env {
        bin,
        scratch,
        root: root.clone(),
    };
    let sizes = if quick { Sizes::quick() } else { Sizes::full() };
    let machine = report::Machine::probe();
    let wants = |n: u8| only.as_ref().is_none_or(|o| o.contains(&n));

    let mut res = Results::default();
    type Scenario = fn(&Env, &Sizes, &mut Results) -> Result<(), String>;
    let all: [(u8, Scenario); 8] = [
        (1, scenarios::plan),
        (2, scenarios::apply),
        (3, scenarios::rate_limit),
        (4, scenarios::sdk),
        (5, scenarios::startup),
        (6, scenarios::export),
        (7, scenarios::roles),
        (8, lockout::lockout),
    ];
    for (n, f) in all {
        if wants(n) {
            f(&env, &sizes, &mut res)?;
        }
    }

    let command = format!(
        "cargo xtask {}",
        std::iter::once("bench")
            .chain(args.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!("{}", report::table_text(&res));
    let (doc_path, chart_dir, chart_link) = if quick || only.is_some() {
        (
            env.scratch.join("benchmarks.md"),
            env.scratch.clone(),
            String::new(),
        )
    } else {
        (
            root.join("docs/benchmarks.md"),
            root.join("docs/bench"),
            "bench/".to_owned(),
        )
    };
    std::fs::create_dir_all(&chart_dir).map_err(|e| e.to_string())?;
    let charts = report::write_charts(&res, &chart_dir, &chart_link)?;
    report::write_markdown(&doc_path, &machine, &command, &res, &charts, quick)?;
    eprintln!("wrote {}", doc_path.display());
    Ok(res.rows.iter().all(|r| r.met != Some(false)))
}
