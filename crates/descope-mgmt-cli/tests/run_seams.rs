//! `run` in-process with injected streams: a failing stdout, a closed pipe, the log, and the
//! command line recorded in the audit log, all without touching the process's own streams.

use std::ffi::OsString;
use std::io::{self, Write};

use descope_mgmt_cli::env::Env;
use descope_mgmt_cli::streams::{Buffer, Streams};

/// A stdout whose every write fails with `kind`.
struct Failing(io::ErrorKind);

impl Write for Failing {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::Error::new(self.0, format!("{:?}", self.0)))
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

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

/// Runs with stdout failing with `kind`; returns the exit code and stderr.
fn run_failing(kind: io::ErrorKind, args: &[&str]) -> (u8, String) {
    let home = tempfile::tempdir().expect("tempdir");
    let stderr = Buffer::default();
    let env = Env::fake(vars(home.path())).with_streams(Streams::new(
        Failing(kind),
        stderr.clone(),
        io::empty(),
    ));
    let exit = descope_mgmt_cli::run(argv(args), env).code();
    (exit, stderr.text())
}

#[test]
fn a_full_stdout_fails_the_run_once_with_the_hint() {
    for args in [
        &["tenant", "list", "-o", "json"][..],
        &["config", "schema"],
        &["tenant", "export"],
    ] {
        let (exit, stderr) = run_failing(io::ErrorKind::StorageFull, args);
        assert_eq!(exit, 1, "{args:?}: {stderr}");
        assert_eq!(
            stderr,
            "error: cannot write to standard output: StorageFull\n  hint: the output is incomplete; free some space or write it elsewhere, then re-run\n",
            "{args:?}"
        );
    }
}

#[test]
fn a_closed_pipe_is_quiet() {
    for args in [&["tenant", "list", "-o", "json"][..], &["config", "schema"]] {
        let (exit, stderr) = run_failing(io::ErrorKind::BrokenPipe, args);
        assert_eq!((exit, stderr.as_str()), (0, ""), "{args:?}");
    }
}

#[test]
fn help_and_version_go_to_the_injected_stdout() {
    let env = Env::fake::<_, String, String>([]);
    let captured = env.captured().expect("buffers");
    let exit = descope_mgmt_cli::run(argv(&["--version"]), env).code();
    assert_eq!(exit, 0);
    assert_eq!(
        captured.stdout.text(),
        format!("descope-mgmt {}\n", env!("CARGO_PKG_VERSION"))
    );
    let (exit, stderr) = run_failing(io::ErrorKind::StorageFull, &["--help"]);
    assert_eq!(exit, 1);
    assert!(
        stderr.contains("cannot write to standard output"),
        "{stderr}"
    );
}

#[test]
fn the_audit_log_records_the_command_line_from_args() {
    let home = tempfile::tempdir().expect("tempdir");
    let run = |args: &[&str]| {
        let env = Env::fake(vars(home.path()));
        let captured = env.captured().expect("buffers");
        let exit = descope_mgmt_cli::run(argv(args), env).code();
        assert_eq!(exit, 0, "{}", captured.stderr.text());
        captured.stdout.text()
    };
    run(&["tenant", "create", "--id", "two", "--name", "Two words"]);
    let records: serde_json::Value =
        serde_json::from_str(&run(&["audit", "list", "-o", "json"])).expect("JSON");
    assert_eq!(
        records[0]["command"],
        "descope-mgmt --local tenant create --id two --name 'Two words'"
    );
}

#[test]
fn a_key_commands_stderr_goes_to_the_injected_stderr() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = home.path().join("config/descope-mgmt");
    std::fs::create_dir_all(&dir).expect("config dir");
    std::fs::write(
        dir.join("config.toml"),
        "default_profile = \"p\"\n[profiles.p]\nproject_id = \"P2seams\"\nbase_url = \"http://127.0.0.1:1\"\nmanagement_key_command = \"echo said-by-the-key-command >&2; echo K2key\"\n",
    )
    .expect("config");
    let mut vars = vars(home.path());
    vars.push(("DESCOPE_MGMT_RETRY_BASE_MS".into(), "1".into()));
    let env = Env::fake(vars);
    let captured = env.captured().expect("buffers");
    let args: Vec<OsString> = ["descope-mgmt", "tenant", "list"]
        .iter()
        .map(OsString::from)
        .collect();
    // Nothing listens on port 1: the run fails after asking, with the key command's words first.
    assert_eq!(descope_mgmt_cli::run(args, env).code(), 1);
    let stderr = captured.stderr.text();
    assert!(
        stderr.starts_with("said-by-the-key-command\n"),
        "the key command's stderr is in the run's stderr:\n{stderr}"
    );
    assert!(stderr.contains("cannot reach the Descope API"), "{stderr}");
}
