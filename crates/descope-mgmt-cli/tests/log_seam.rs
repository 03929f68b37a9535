//! The log of an in-process run goes to its injected stderr. Alone in its test binary: tracing
//! decides once per log statement whether anyone listens, and other runs in the same process
//! on other threads would race with that decision.

use std::ffi::OsString;

use descope_mgmt_cli::env::Env;

fn vars(home: &std::path::Path) -> Vec<(String, String)> {
    let home = home.display().to_string();
    vec![
        ("HOME".into(), home.clone()),
        ("DESCOPE_MGMT_HOME".into(), format!("{home}/data")),
        ("XDG_CONFIG_HOME".into(), format!("{home}/config")),
        ("NO_COLOR".into(), "1".into()),
    ]
}

fn argv(args: &[&str]) -> Vec<OsString> {
    ["descope-mgmt", "--local"]
        .iter()
        .chain(args)
        .map(OsString::from)
        .collect()
}

#[test]
fn the_log_goes_to_the_injected_stderr() {
    let home = tempfile::tempdir().expect("tempdir");
    let env = Env::fake(vars(home.path()));
    let captured = env.captured().expect("buffers");
    let exit = descope_mgmt_cli::run(argv(&["-vv", "tenant", "list"]), env).code();
    assert_eq!(exit, 0, "{}", captured.stderr.text());
    let log = captured.stderr.text();
    assert!(
        log.contains("DEBUG"),
        "debug lines in the run's stderr:\n{log}"
    );
    assert!(log.contains("/v1/mgmt/tenant/all"), "{log}");
    // Another run without -v in the same process logs nothing.
    let env = Env::fake(vars(home.path()));
    let quiet = env.captured().expect("buffers");
    assert_eq!(
        descope_mgmt_cli::run(argv(&["tenant", "list"]), env).code(),
        0
    );
    assert_eq!(quiet.stderr.text(), "");
}
