//! End-to-end tests: the real binary against the real emulator over loopback HTTP.

mod flows;
mod foundation;
mod input;
mod network;
mod plan_golden;
mod project_export;
mod project_file;
mod project_sync;
mod rate;
mod reliability;
mod resources;
mod restore_audit;
mod review;
mod safety;
mod saved_plan;
mod snapshot;
mod sync;
mod terminal;
mod theme_merge;

use descope_testkit::TestEnv;

/// The binary under test.
pub fn bin() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_BIN_EXE_descope-mgmt"))
}

/// A fresh emulator and home.
pub fn env() -> TestEnv {
    TestEnv::new(bin())
}

/// Sends one management API request to the emulator as a client would (to seed what the admin
/// API cannot) and returns its answer (`null` when empty); any failure fails the test.
pub fn mgmt_post(env: &TestEnv, path: &str, body: &serde_json::Value) -> serde_json::Value {
    use descope_testkit::{MANAGEMENT_KEY, PROJECT_ID};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (status, text) = rt.block_on(async {
        let resp = reqwest::Client::new()
            .post(format!("{}{path}", env.url()))
            .header(
                "Authorization",
                format!("Bearer {PROJECT_ID}:{MANAGEMENT_KEY}"),
            )
            .json(body)
            .send()
            .await
            .expect("emulator answers");
        let status = resp.status();
        (status, resp.text().await.unwrap_or_default())
    });
    assert!(status.is_success(), "{path} {body}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

/// Asserts that the test key appears nowhere in the run's output nor in any file the tool wrote.
#[track_caller]
pub fn assert_no_key(env: &TestEnv, run: &descope_testkit::Run) {
    assert_not_leaked(env, run, descope_testkit::MANAGEMENT_KEY);
}

/// Asserts that `secret` (the management key, a snapshot secret) appears nowhere in the run's
/// output nor in any file the tool wrote (backups, audit log, plans).
#[track_caller]
pub fn assert_not_leaked(env: &TestEnv, run: &descope_testkit::Run, secret: &str) {
    assert!(
        !run.stdout.contains(secret),
        "secret leaked to stdout:\n{}",
        run.stdout
    );
    assert!(
        !run.stderr.contains(secret),
        "secret leaked to stderr:\n{}",
        run.stderr
    );
    for (path, bytes) in env.data_files() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(secret),
            "secret leaked into {}",
            path.display()
        );
    }
}

/// Asserts that syncing `file` again plans no changes (`--dry-run --detailed-exitcode` exits 0).
#[track_caller]
pub fn assert_converged(env: &TestEnv, file: &str) {
    env.run(&[
        "tenant",
        "sync",
        "-c",
        file,
        "--dry-run",
        "--detailed-exitcode",
    ])
    .expect(0);
}

/// A tmpfs of `size`, mounted at `at` and unmounted on drop; `None` where mounting is not allowed.
pub struct SmallFs {
    pub path: std::path::PathBuf,
}

impl SmallFs {
    pub fn mount(at: &std::path::Path, size: &str) -> Option<Self> {
        std::fs::create_dir_all(at).ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?
            .success();
        ok.then(|| Self {
            path: at.to_owned(),
        })
    }

    /// Writes a file until the file system is full.
    pub fn fill(&self) -> std::path::PathBuf {
        let fill = self.path.join("fill");
        let chunk = vec![0u8; 1024];
        let mut f = std::fs::File::create(&fill).unwrap();
        while std::io::Write::write_all(&mut f, &chunk).is_ok() {}
        let _ = f.sync_all();
        fill
    }
}

impl Drop for SmallFs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(&self.path)
            .status();
    }
}
