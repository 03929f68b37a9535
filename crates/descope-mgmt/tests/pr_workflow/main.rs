//! Issue 15, the pull-request workflow: `-o markdown` on every plan (snapshot-tested, escaped,
//! cut to fit one GitHub comment) and `drift` (severities, overrides, exit codes), the real
//! binary against the real emulator.

mod drift;
mod markdown;

use descope_testkit::{MANAGEMENT_KEY, PROJECT_ID, TestEnv};
use serde_json::Value;

/// The binary under test.
pub fn bin() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_BIN_EXE_descope-mgmt"))
}

/// A fresh emulator and home.
pub fn env() -> TestEnv {
    TestEnv::new(bin())
}

/// Writes `text` to `name` in the test's home and returns its path.
pub fn write(env: &TestEnv, name: &str, text: &str) -> String {
    let file = env.home().join(name);
    std::fs::write(&file, text).unwrap();
    file.to_str().unwrap().to_owned()
}

/// A management API request straight to the emulator, behind the tool's back (as someone in the
/// console, or another tool, would change the project).
pub fn behind_the_back(env: &TestEnv, path: &str, body: &Value) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let r = reqwest::Client::new()
            .post(format!("{}{path}", env.url()))
            .bearer_auth(format!("{PROJECT_ID}:{MANAGEMENT_KEY}"))
            .json(body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
    });
}

/// Output with the test's home replaced by `[HOME]`, for snapshots.
pub fn filtered(env: &TestEnv, text: &str) -> String {
    text.replace(env.home().to_str().unwrap(), "[HOME]")
}

/// Asserts that the management key is in no output of `runs` and in no file the tool wrote.
#[track_caller]
pub fn assert_no_key(env: &TestEnv, runs: &[&descope_testkit::Run]) {
    for r in runs {
        assert!(!r.stdout.contains(MANAGEMENT_KEY) && !r.stderr.contains(MANAGEMENT_KEY));
    }
    for (path, bytes) in env.data_files() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(MANAGEMENT_KEY),
            "key leaked into {}",
            path.display()
        );
    }
}
