//! Test harness: the real emulator on 127.0.0.1:0, an isolated data dir and config dir, and a
//! runner for the real `descope-mgmt` binary with credentials pointing at that emulator.
#![allow(clippy::missing_panics_doc)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;

/// Project id the test emulator accepts.
pub const PROJECT_ID: &str = "P2testkit0000000000000000000";
/// Management key the test emulator accepts. Recognisable, so tests can grep for leaks.
pub const MANAGEMENT_KEY: &str = "K2SECRETtestkit-management-key-must-never-leak";

/// Whether a request to the management API changes something (the write endpoints).
#[must_use]
pub fn is_write_request(method: &str, path: &str) -> bool {
    const WRITES: &[&str] = &[
        "/create",
        "/update",
        "/delete",
        "/settings",
        "/import",
        "/updateDefaultRoles",
        "/patch",
    ];
    // A batch write is `<write>/batch` (role and permission create/update/delete).
    let path = path.strip_suffix("/batch").unwrap_or(path);
    matches!(method, "POST" | "PATCH") && WRITES.iter().any(|s| path.ends_with(s))
}

/// One emulator and one isolated home for a test.
pub struct TestEnv {
    runtime: tokio::runtime::Runtime,
    emulator: Option<descope_emulator::RunningEmulator>,
    url: String,
    bin: PathBuf,
    home: tempfile::TempDir,
    http: reqwest::Client,
}

/// A finished run of the binary.
#[derive(Debug)]
pub struct Run {
    /// Exit code (-1 if killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Parses stdout as JSON.
    #[must_use]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    pub fn expect(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Self {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl TestEnv {
    /// An emulator with no faults and an empty state.
    #[must_use]
    pub fn new(bin: &Path) -> Self {
        Self::with_faults(bin, descope_emulator::Faults::default(), 0)
    }

    /// An emulator seeded with realistic flows and a theme.
    #[must_use]
    pub fn with_flows(bin: &Path) -> Self {
        Self::build(bin, descope_emulator::Faults::default(), 0, true)
    }

    /// An emulator with these faults, seeded.
    #[must_use]
    pub fn with_faults(bin: &Path, faults: descope_emulator::Faults, seed: u64) -> Self {
        Self::build(bin, faults, seed, false)
    }

    fn build(bin: &Path, faults: descope_emulator::Faults, seed: u64, seed_flows: bool) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let config = descope_emulator::Config {
            project_id: PROJECT_ID.to_owned(),
            management_key: MANAGEMENT_KEY.to_owned(),
            faults,
            seed,
            seed_flows,
            ..descope_emulator::Config::default()
        };
        let emulator = runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
                .await
                .expect("bind");
            descope_emulator::start(config, listener)
                .await
                .expect("emulator starts")
        });
        let url = emulator.url();
        let home = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(home.path().join("config")).expect("config dir");
        Self {
            runtime,
            emulator: Some(emulator),
            url,
            bin: bin.to_path_buf(),
            home,
            http: reqwest::Client::new(),
        }
    }

    /// The emulator's base URL.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The isolated home (HOME, DESCOPE_MGMT_HOME = home/data, XDG_CONFIG_HOME = home/config).
    #[must_use]
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// The data dir the binary uses.
    #[must_use]
    pub fn data_dir(&self) -> PathBuf {
        self.home.path().join("data")
    }

    /// A command for the binary with the test's environment (nothing inherited but PATH).
    #[must_use]
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.bin);
        c.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("DESCOPE_MGMT_HOME", self.data_dir())
            .env("XDG_CONFIG_HOME", self.home.path().join("config"))
            .env("DESCOPE_PROJECT_ID", PROJECT_ID)
            .env("DESCOPE_MANAGEMENT_KEY", MANAGEMENT_KEY)
            .env("DESCOPE_BASE_URL", &self.url)
            .env("DESCOPE_MGMT_RETRY_BASE_MS", "1")
            .env("NO_COLOR", "1")
            .env("USER", "tester")
            .stdin(Stdio::null());
        c
    }

    /// Runs the binary to completion.
    #[must_use]
    pub fn run(&self, args: &[&str]) -> Run {
        self.command(args).output().expect("binary runs").into()
    }

    /// Runs the binary with extra environment variables.
    #[must_use]
    pub fn run_env(&self, args: &[&str], vars: &[(&str, &str)]) -> Run {
        let mut c = self.command(args);
        for (k, v) in vars {
            c.env(k, v);
        }
        c.output().expect("binary runs").into()
    }

    fn admin(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/__emulator/{path}", self.url);
        self.runtime.block_on(async {
            let mut req = self
                .http
                .request(method, &url)
                .timeout(Duration::from_secs(60));
            if let Some(b) = body {
                req = req.json(&b);
            }
            let resp = req.send().await.expect("admin request");
            let status = resp.status();
            let text = resp.text().await.expect("admin body");
            assert!(status.is_success(), "admin {path}: {status} {text}");
            if text.trim().is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).expect("admin JSON")
            }
        })
    }

    /// The request journal.
    #[must_use]
    pub fn journal(&self) -> Vec<Value> {
        self.admin(reqwest::Method::GET, "journal", None)["requests"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The rate limiter's counts since the journal was last cleared.
    #[must_use]
    pub fn journal_stats(&self) -> JournalStats {
        let j = self.admin(reqwest::Method::GET, "journal", None);
        JournalStats {
            lockouts: j["lockouts"].as_u64().unwrap_or_default(),
            rate_limited: j["rateLimited"].as_u64().unwrap_or_default(),
        }
    }

    /// The journal's write requests (POST to a create, update, delete, settings, import path).
    #[must_use]
    pub fn writes(&self) -> Vec<Value> {
        self.journal()
            .into_iter()
            .filter(|r| {
                is_write_request(
                    r["method"].as_str().unwrap_or_default(),
                    r["path"].as_str().unwrap_or_default(),
                )
            })
            .collect()
    }

    /// Clears the journal.
    pub fn clear_journal(&self) {
        self.admin(reqwest::Method::DELETE, "journal", None);
    }

    /// The emulator's whole state.
    #[must_use]
    pub fn state(&self) -> Value {
        self.admin(reqwest::Method::GET, "state", None)
    }

    /// Bulk-inserts tenants.
    pub fn seed(&self, tenants: Value) {
        self.admin(
            reqwest::Method::POST,
            "seed",
            Some(serde_json::json!({ "tenants": tenants })),
        );
    }

    /// Sets the faults at run time.
    pub fn set_faults(&self, faults: &Value) {
        self.admin(reqwest::Method::PUT, "faults", Some(faults.clone()));
    }

    /// Every file under the data dir, as (path, bytes).
    #[must_use]
    pub fn data_files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if let Ok(b) = std::fs::read(&p) {
                    out.push((p, b));
                }
            }
        }
        let mut out = Vec::new();
        walk(self.home.path(), &mut out);
        out
    }
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        if let Some(e) = self.emulator.take() {
            self.runtime.block_on(e.shutdown());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_write_request;

    #[test]
    fn batch_writes_count_as_writes_and_reads_do_not() {
        for path in [
            "/v1/mgmt/role/create/batch",
            "/v1/mgmt/role/delete/batch",
            "/v1/mgmt/permission/update/batch",
            "/v1/mgmt/tenant/create",
        ] {
            assert!(is_write_request("POST", path), "{path}");
        }
        for (method, path) in [
            ("GET", "/v1/mgmt/role/all"),
            ("POST", "/v1/mgmt/role/search"),
            ("POST", "/v1/mgmt/tenant/search"),
        ] {
            assert!(!is_write_request(method, path), "{path}");
        }
    }
}

/// What the emulator's rate limiter counted (`GET /__emulator/journal`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JournalStats {
    /// Lockouts started.
    pub lockouts: u64,
    /// Requests answered 429.
    pub rate_limited: u64,
}
