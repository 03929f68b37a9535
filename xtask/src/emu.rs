//! The emulator under test: `descope-mgmt emulator serve --port 0` as a child process (its URL is
//! the first stdout line), driven through the admin API, and the environment that points the CLI at
//! it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

use crate::http;

pub const PROJECT_ID: &str = "P2benchmark000000000000000000";
pub const MANAGEMENT_KEY: &str = "K2benchmark-management-key";

/// A running emulator; killed (by its own pid) when dropped.
pub struct Emulator {
    child: Child,
    /// `host:port`.
    pub addr: String,
}

impl Emulator {
    pub fn start(bin: &Path) -> Result<Self, String> {
        let mut child = Command::new(bin)
            .args([
                "--project-id",
                PROJECT_ID,
                "emulator",
                "serve",
                "--port",
                "0",
            ])
            .args(["--management-key", MANAGEMENT_KEY])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the emulator: {e}"))?;
        let stdout = child.stdout.take().ok_or("no emulator stdout")?;
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        reader
            .read_line(&mut line)
            .map_err(|e| format!("reading the emulator URL: {e}"))?;
        // Keep draining stdout so the emulator never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
        let addr = line
            .trim()
            .strip_prefix("http://")
            .ok_or_else(|| format!("unexpected first emulator line: {line:?}"))?
            .to_owned();
        Ok(Self { child, addr })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn admin(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
        http::json(&self.addr, method, path, body)
    }

    pub fn reset(&self) -> Result<(), String> {
        self.admin("POST", "/__emulator/reset", None).map(drop)
    }

    /// Sets every fault at once: latency, and a rate limit of `requests` per `secs` (or none).
    pub fn faults(&self, latency_ms: u64, rate_limit: Option<(u64, u64)>) -> Result<(), String> {
        let rl = rate_limit.map_or(
            Value::Null,
            |(n, s)| json!({"requests": n, "windowSecs": s}),
        );
        let body =
            json!({"latencyMs": latency_ms, "failRate": 0.0, "dropRate": 0.0, "rateLimit": rl});
        self.admin("PUT", "/__emulator/faults", Some(&body))
            .map(drop)
    }

    pub fn seed(&self, tenants: Vec<Value>) -> Result<(), String> {
        for chunk in tenants.chunks(50_000) {
            self.admin("POST", "/__emulator/seed", Some(&json!({"tenants": chunk})))?;
        }
        Ok(())
    }

    pub fn clear_journal(&self) -> Result<(), String> {
        self.admin("DELETE", "/__emulator/journal", None).map(drop)
    }

    pub fn journal(&self) -> Result<Journal, String> {
        let j = self.admin("GET", "/__emulator/journal", None)?;
        let requests = j["requests"].as_array().cloned().unwrap_or_default();
        let entries = requests
            .iter()
            .map(|r| Entry {
                path: r["path"].as_str().unwrap_or_default().to_owned(),
                status: r["status"].as_u64().unwrap_or(0),
                start_ms: r["startMs"].as_u64().unwrap_or(0),
            })
            .collect();
        Ok(Journal {
            entries,
            max_in_flight: j["maxInFlight"].as_u64().unwrap_or(0),
            lockouts: j["lockouts"].as_u64().unwrap_or(0),
            rate_limited: j["rateLimited"].as_u64().unwrap_or(0),
        })
    }

    /// Sets the faults from their JSON form (every key the admin API takes).
    pub fn set_faults(&self, faults: &Value) -> Result<(), String> {
        self.admin("PUT", "/__emulator/faults", Some(faults))
            .map(drop)
    }

    /// The environment that points `descope-mgmt` at this emulator, with its own data dir.
    pub fn cli(&self, bin: &Path, home: &Path) -> Command {
        let mut c = Command::new(bin);
        c.env("DESCOPE_PROJECT_ID", PROJECT_ID)
            .env("DESCOPE_MANAGEMENT_KEY", MANAGEMENT_KEY)
            .env("DESCOPE_BASE_URL", self.url())
            .env("DESCOPE_MGMT_HOME", home)
            .env("XDG_CONFIG_HOME", home.join("xdg"))
            .env("NO_COLOR", "1")
            .env_remove("DESCOPE_MGMT_PROFILE")
            .env_remove("DESCOPE_BASE_URI")
            .stdin(Stdio::null());
        c
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Entry {
    pub path: String,
    pub status: u64,
    /// When the emulator received it (ms since it started).
    pub start_ms: u64,
}

pub struct Journal {
    pub entries: Vec<Entry>,
    pub max_in_flight: u64,
    /// Lockouts started and requests answered 429 (the rate limiter's counts).
    pub lockouts: u64,
    pub rate_limited: u64,
}

impl Journal {
    /// Tenant creates and updates answered 200.
    pub fn ok_writes(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.status == 200 && is_write(&e.path))
            .count()
    }

    pub fn count_status(&self, status: u64) -> usize {
        self.entries.iter().filter(|e| e.status == status).count()
    }
}

fn is_write(path: &str) -> bool {
    matches!(path, "/v1/mgmt/tenant/create" | "/v1/mgmt/tenant/update")
}

/// A fresh, empty data dir for one CLI run.
pub fn fresh_home(root: &Path, name: &str) -> Result<PathBuf, String> {
    let home = root.join(name);
    if home.exists() {
        std::fs::remove_dir_all(&home).map_err(|e| format!("{}: {e}", home.display()))?;
    }
    Ok(home)
}
