//! End-to-end tests: the real binary against the real emulator over loopback HTTP.

mod flows;
mod foundation;
mod input;
mod network;
mod reliability;
mod restore_audit;
mod review;
mod safety;
mod saved_plan;
mod sync;
mod terminal;

use descope_testkit::TestEnv;

/// The binary under test.
pub fn bin() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_BIN_EXE_descope-mgmt"))
}

/// A fresh emulator and home.
pub fn env() -> TestEnv {
    TestEnv::new(bin())
}

/// Asserts that the test key appears nowhere in the run's output nor in any file the tool wrote.
#[track_caller]
pub fn assert_no_key(env: &TestEnv, run: &descope_testkit::Run) {
    let key = descope_testkit::MANAGEMENT_KEY;
    assert!(
        !run.stdout.contains(key),
        "key leaked to stdout:\n{}",
        run.stdout
    );
    assert!(
        !run.stderr.contains(key),
        "key leaked to stderr:\n{}",
        run.stderr
    );
    for (path, bytes) in env.data_files() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(key), "key leaked into {}", path.display());
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
