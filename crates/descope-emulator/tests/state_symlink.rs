//! Issue 11 item 6: a state file named through a symlink is written to the link's target; the
//! link stays a link.

#![cfg(unix)]

mod common;

use common::emulator;
use descope_emulator::Config;
use serde_json::json;

#[tokio::test]
async fn a_state_file_behind_a_symlink_is_written_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real-state.json");
    let link = dir.path().join("state.json");
    std::os::unix::fs::symlink("real-state.json", &link).unwrap();
    let emu = emulator(Config {
        state_file: Some(link.clone()),
        ..Config::default()
    })
    .await;
    emu.post(
        "/v1/mgmt/tenant/create",
        json!({"id": "acme", "name": "ACME"}),
    )
    .await;
    emu.running.shutdown().await;
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );
    let text = std::fs::read_to_string(&real).unwrap();
    assert!(text.contains("acme"), "{text}");
}
