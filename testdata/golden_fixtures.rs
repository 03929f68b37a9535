//! The golden exchanges in `testdata/golden/*.json`, loaded for the two test suites that replay
//! them: `crates/descope-api/tests/golden.rs` (the client sends exactly the fixture's request) and
//! `crates/descope-emulator/tests/golden.rs` (the emulator answers exactly the fixture's response).
//! Included by both with `#[path]`, so neither crate depends on the other's tests.

use std::path::PathBuf;

use serde_json::Value;

/// The project id every fixture is written for.
pub const PROJECT: &str = "P2golden000000000000000000000";
/// The management key every fixture is written for.
pub const KEY: &str = "K2golden-key";

/// Every fixture, as (file name, document), sorted by file name.
pub fn fixtures() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/golden");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read fixture");
            let v: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", p.display()));
            (p.file_name().unwrap().to_string_lossy().into_owned(), v)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
