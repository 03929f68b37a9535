//! Running a child and measuring it: wall time from spawn to exit, and peak resident memory.
//!
//! Peak memory comes from `/usr/bin/time -f %M` (GNU time, the kernel's `ru_maxrss` of the child)
//! when it is installed; otherwise `VmHWM` in `/proc/<pid>/status` is polled every 2 ms while the
//! child runs (may miss a peak in the last 2 ms). The wrapper's own start adds well under 1 ms.

use std::fs::File;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const GNU_TIME: &str = "/usr/bin/time";

/// How peak memory is measured on this machine (for the report).
pub fn memory_method() -> &'static str {
    if Path::new(GNU_TIME).exists() {
        "`/usr/bin/time -f %M` (the child's `ru_maxrss`)"
    } else {
        "`VmHWM` of `/proc/<pid>/status`, polled every 2 ms"
    }
}

pub struct Run {
    pub wall: Duration,
    pub peak_kb: Option<u64>,
    pub status: ExitStatus,
}

/// Runs `cmd` with stdout to `stdout` (or discarded) and stderr to `stderr_file`.
pub fn run(
    cmd: &Command,
    stdout: Option<&Path>,
    stderr_file: &Path,
    with_memory: bool,
) -> Result<Run, String> {
    let out = match stdout {
        Some(p) => Stdio::from(File::create(p).map_err(|e| format!("{}: {e}", p.display()))?),
        None => Stdio::null(),
    };
    let err = Stdio::from(
        File::create(stderr_file).map_err(|e| format!("{}: {e}", stderr_file.display()))?,
    );
    let gnu_time = with_memory && Path::new(GNU_TIME).exists();
    let rss_file = stderr_file.with_extension("rss");
    let mut real = if gnu_time {
        let mut c = Command::new(GNU_TIME);
        c.arg("-f").arg("%M").arg("-o").arg(&rss_file);
        c.arg(cmd.get_program()).args(cmd.get_args());
        copy_env(cmd, &mut c);
        c
    } else {
        let mut c = Command::new(cmd.get_program());
        c.args(cmd.get_args());
        copy_env(cmd, &mut c);
        c
    };
    real.stdin(Stdio::null()).stdout(out).stderr(err);
    let start = Instant::now();
    let mut child = real
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
    let mut polled_kb: Option<u64> = None;
    let status = if with_memory && !gnu_time {
        loop {
            if let Some(st) = child.try_wait().map_err(|e| e.to_string())? {
                break st;
            }
            if let Some(kb) = vm_hwm(child.id()) {
                polled_kb = Some(polled_kb.map_or(kb, |p| p.max(kb)));
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    } else {
        child.wait().map_err(|e| e.to_string())?
    };
    let wall = start.elapsed();
    let peak_kb = if gnu_time {
        std::fs::read_to_string(&rss_file)
            .ok()
            .and_then(|s| s.lines().last().and_then(|l| l.trim().parse().ok()))
    } else {
        polled_kb
    };
    Ok(Run {
        wall,
        peak_kb,
        status,
    })
}

fn copy_env(from: &Command, to: &mut Command) {
    for (k, v) in from.get_envs() {
        match v {
            Some(v) => to.env(k, v),
            None => to.env_remove(k),
        };
    }
}

fn vm_hwm(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The median (mean of the middle two for an even count); `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        f64::midpoint(v[n / 2 - 1], v[n / 2])
    })
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }
}
