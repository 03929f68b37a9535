//! The emulator's library surface beyond serving requests: the in-process form used by the fuzz
//! target, configuration checks, a state file that cannot be read or written, and `serve` with a
//! caller-owned shutdown future.

mod common;

use descope_emulator::{
    Config, EmulatorError, Faults, InProcess, RateLimit, parse_rate_limit, serve, start,
};
use serde_json::json;

#[test]
fn in_process_answers_like_the_server() {
    let emu = InProcess::default();
    // Authorised reads work; the seeded flows are there.
    assert_eq!(emu.handle("GET", "/v1/mgmt/tenant/all", b"", true), 200);
    assert_eq!(emu.handle("POST", "/v1/mgmt/flow/list", b"{}", true), 200);
    // A create, then a load of what was created; a duplicate id is refused.
    let body = json!({"id": "acme", "name": "ACME"}).to_string();
    assert_eq!(
        emu.handle("POST", "/v1/mgmt/tenant/create", body.as_bytes(), true),
        200
    );
    assert_eq!(emu.handle("GET", "/v1/mgmt/tenant?id=acme", b"", true), 200);
    assert_eq!(
        emu.handle("POST", "/v1/mgmt/tenant/create", body.as_bytes(), true),
        400
    );
    assert_eq!(emu.handle("GET", "/v1/mgmt/tenant?id=nope", b"", true), 404);
    // Malformed JSON, unknown path, wrong method.
    assert_eq!(
        emu.handle("POST", "/v1/mgmt/tenant/create", b"{not json", true),
        400
    );
    assert_eq!(emu.handle("GET", "/v1/mgmt/nothing-here", b"", true), 404);
    assert_eq!(emu.handle("DELETE", "/v1/mgmt/tenant/all", b"", true), 405);
    // A request that cannot even be formed answers 0 instead of panicking.
    assert_eq!(emu.handle("NOT A METHOD", "/", b"", true), 0);
}

#[test]
fn configuration_errors_say_which_value_is_wrong() {
    let faults = Faults {
        rate_limit: Some(RateLimit {
            requests: 5,
            window_secs: 0,
        }),
        ..Faults::default()
    };
    let err = faults.validate().unwrap_err();
    assert!(err.contains("windowSecs"), "{err}");
    let faults = Faults {
        drop_rate: -0.1,
        ..Faults::default()
    };
    assert!(faults.validate().unwrap_err().contains("dropRate"));

    let err = parse_rate_limit("5/x").unwrap_err();
    assert!(
        err.contains("'x' is not a whole number of seconds"),
        "{err}"
    );
}

#[tokio::test]
async fn invalid_faults_refuse_to_start() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let config = Config {
        faults: Faults {
            fail_rate: 2.0,
            ..Faults::default()
        },
        ..Config::default()
    };
    match start(config, listener).await {
        Err(e @ EmulatorError::InvalidConfig(_)) => {
            assert!(e.to_string().contains("failRate"), "{e}");
        }
        Err(e) => panic!("expected an invalid-config error, got {e}"),
        Ok(_) => panic!("an emulator with a 200% failure rate must not start"),
    }
}

#[tokio::test]
async fn a_state_file_that_cannot_be_read_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    // A directory where the file should be: it exists, but is not readable as a file.
    let path = tmp.path().join("state.json");
    std::fs::create_dir(&path).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let config = Config {
        state_file: Some(path.clone()),
        ..Config::default()
    };
    match start(config, listener).await {
        Err(e @ EmulatorError::StateFileRead { .. }) => {
            let text = e.to_string();
            assert!(text.contains(&path.display().to_string()), "{text}");
            assert!(text.contains("delete it to start empty"), "{text}");
        }
        Err(e) => panic!("expected a state-file read error, got {e}"),
        Ok(_) => panic!("the emulator must not start over an unreadable state file"),
    }
}

#[tokio::test]
async fn stop_reports_a_state_file_that_cannot_be_written() {
    let tmp = tempfile::tempdir().unwrap();
    let blocker = tmp.path().join("not-a-dir");
    let path = blocker.join("state.json");
    let emu = common::emulator(Config {
        state_file: Some(path.clone()),
        ..Config::default()
    })
    .await;
    // Once it runs, the state file's directory becomes a regular file: every write fails.
    std::fs::write(&blocker, "x").unwrap();
    assert_eq!(emu.create("acme", "ACME").await.status, 200);
    match emu.running.stop().await {
        Err(e @ EmulatorError::StateFileWrite { .. }) => {
            assert!(e.to_string().contains(&path.display().to_string()), "{e}");
        }
        other => panic!("expected a state-file write error, got {other:?}"),
    }
    assert_eq!(std::fs::read_to_string(&blocker).unwrap(), "x");

    // `shutdown` swallows the same error (it is logged) and still stops the server.
    std::fs::remove_file(&blocker).unwrap();
    let emu = common::emulator(Config {
        state_file: Some(path),
        ..Config::default()
    })
    .await;
    std::fs::write(&blocker, "x").unwrap();
    assert_eq!(emu.create("acme", "ACME").await.status, 200);
    let url = emu.base.clone();
    emu.running.shutdown().await;
    assert!(
        reqwest::get(format!("{url}/v1/mgmt/tenant/all"))
            .await
            .is_err(),
        "nothing listens after shutdown"
    );
}

#[tokio::test]
async fn serve_runs_until_its_shutdown_future_completes_and_writes_the_state() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("state.json");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config = Config {
        state_file: Some(path.clone()),
        ..Config::default()
    };
    let auth = format!("Bearer {}:{}", config.project_id, config.management_key);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, config, async move {
        let _ = rx.await;
    }));
    let created = reqwest::Client::new()
        .post(format!("{base}/v1/mgmt/tenant/create"))
        .header("authorization", auth)
        .json(&json!({"id": "acme", "name": "ACME"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200);
    tx.send(()).unwrap();
    server.await.unwrap().unwrap();
    let state = std::fs::read_to_string(&path).unwrap();
    assert!(state.contains("\"acme\""), "{state}");
}
