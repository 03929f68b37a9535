use super::*;
use crate::args::Cli;
use crate::error::Exit;
use crate::output::Format;

fn ctx(args: &[&str], vars: &[(&str, &str)]) -> Ctx {
    let cli = Cli::parse_args(args.iter().copied()).expect("valid args");
    let t: jiff::Timestamp = "2026-03-04T05:06:07Z".parse().expect("timestamp");
    let env = Env::fake(vars.iter().copied()).with_clock(move || t);
    let out = Out::new(&env, Format::Table, false, 0, false);
    Ctx::new(env, cli.global, out, args.join(" "))
}

#[test]
fn time_and_actor_come_from_the_environment() {
    let ctx = ctx(&["descope-mgmt", "doctor"], &[]);
    assert_eq!(ctx.now().to_string(), "2026-03-04T05:06:07Z");
    assert_eq!(ctx.actor(), "tester@testhost");
}

#[test]
fn settings_come_from_the_fake_environment_only() {
    let ctx = ctx(
        &["descope-mgmt", "doctor"],
        &[
            ("DESCOPE_PROJECT_ID", "P2fromenv"),
            ("DESCOPE_MANAGEMENT_KEY", " K2key \n"),
            ("DESCOPE_MGMT_TIMEOUT", "2m"),
        ],
    );
    let s = ctx.resolve_settings(true).expect("settings");
    assert_eq!(s.project_id, "P2fromenv");
    assert_eq!(s.project_source, "environment variable DESCOPE_PROJECT_ID");
    assert_eq!(s.timeout, Duration::from_secs(120));
    assert_eq!(human_secs(s.timeout), "2 min");
    assert!(matches!(s.key_source, KeySource::EnvVar(ref v) if v == "DESCOPE_MANAGEMENT_KEY"));
}

#[test]
fn missing_settings_are_errors_with_hints() {
    let ctx = ctx(&["descope-mgmt", "doctor"], &[]);
    let e = ctx.resolve_settings(true).expect_err("no project id");
    assert_eq!(e.message, "no Descope project id is set");
    assert_eq!(e.exit(), Exit::Error);
    assert!(
        e.hints.iter().any(|h| h.contains("--local")),
        "{:?}",
        e.hints
    );
    let ctx = self::ctx(
        &["descope-mgmt", "doctor"],
        &[("DESCOPE_PROJECT_ID", "P2x")],
    );
    let e = ctx.resolve_settings(true).expect_err("no key");
    assert_eq!(e.message, "no Descope management key is set");
    // Offline commands need no key.
    assert_eq!(ctx.project_id_offline().expect("project id"), "P2x");
}

#[test]
fn api_errors_get_a_kind() {
    let ctx = ctx(&["descope-mgmt", "doctor"], &[]);
    let service = |status: u16| ApiError::Service {
        status,
        code: String::new(),
        description: String::new(),
        message: String::new(),
        method: "POST".into(),
        path: "/v1/mgmt/tenant".into(),
    };
    assert_eq!(ctx.api_error(&service(404)).kind, ErrorKind::NotFound);
    assert_eq!(ctx.api_error(&service(500)).kind, ErrorKind::Service);
    let e = ctx.api_error(&ApiError::Transport {
        path: "/v1/mgmt/tenant/all".into(),
        attempts: 3,
        message: "refused".into(),
    });
    assert_eq!(e.kind, ErrorKind::Service);
    assert_eq!(
        e.hints,
        ["check the network and the base URL with `descope-mgmt doctor`"]
    );
}
