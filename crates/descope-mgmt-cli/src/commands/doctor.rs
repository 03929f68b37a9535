//! `doctor`: credentials, base URL, reachability and the data dir, each checked and explained.

use serde::Serialize;

use crate::ctx::{Ctx, DOCTOR_TIMEOUT, human_secs};
use crate::error::{CliError, CliResult, Exit};
use crate::output::Table;

#[derive(Debug, Serialize)]
struct Check {
    check: &'static str,
    ok: bool,
    detail: String,
}

/// Runs every check; exits 1 if any failed.
pub async fn run(ctx: &Ctx) -> CliResult {
    let mut checks = Vec::new();
    match ctx.data_dir() {
        Ok(d) => {
            let probe = d.path().join(".doctor-probe");
            let writable =
                std::fs::write(&probe, b"ok").and_then(|()| std::fs::remove_file(&probe));
            checks.push(Check {
                check: "data dir",
                ok: writable.is_ok(),
                detail: match writable {
                    Ok(()) => format!("{} (writable)", d.path().display()),
                    Err(e) => format!("{} is not writable: {e}", d.path().display()),
                },
            });
        }
        Err(e) => checks.push(Check {
            check: "data dir",
            ok: false,
            detail: e.message,
        }),
    }
    if let Some(p) = crate::profile::config_path(&ctx.env) {
        let detail = match crate::profile::load(&p) {
            Ok(cfg) if p.exists() => Ok(format!(
                "{} ({} profile(s))",
                p.display(),
                cfg.profiles.len()
            )),
            Ok(_) => Ok(format!("{} (none; optional)", p.display())),
            Err(e) => Err(e.message),
        };
        checks.push(Check {
            check: "config file",
            ok: detail.is_ok(),
            detail: detail.unwrap_or_else(|e| e),
        });
    }
    let settings = ctx.settings().await;
    match settings {
        Ok(s) => {
            checks.push(Check {
                check: "project id",
                ok: true,
                detail: format!("{} (from {})", s.project_id, s.project_source),
            });
            checks.push(Check {
                check: "management key",
                ok: true,
                detail: format!("set (from {})", s.key_source),
            });
            let client = ctx.client().await;
            let detail = if ctx.global.local {
                // The in-process emulator, not the URL the project id would derive.
                match (&client, ctx.data_dir()) {
                    (Ok(c), Ok(d)) => Ok(format!(
                        "{} (built-in emulator, state in {})",
                        c.base_url(),
                        d.local_dir().display()
                    )),
                    (Ok(c), Err(_)) => Ok(format!("{} (built-in emulator)", c.base_url())),
                    (Err(e), _) => Err(format!("built-in emulator: {}", e.message)),
                }
            } else {
                let base = s.base_url.clone();
                descope_api::resolve_base_url(base.as_deref(), &s.project_id)
                    .map(|u| format!("{u} ({})", s.base_url_source))
                    .map_err(|e| format!("{e} ({})", s.base_url_source))
            };
            checks.push(Check {
                check: "base URL",
                ok: detail.is_ok(),
                detail: detail.unwrap_or_else(|e| e),
            });
            checks.push(Check {
                check: "timeout",
                ok: true,
                detail: format!(
                    "{} per attempt, a request gives up within {} ({})",
                    human_secs(s.timeout),
                    human_secs(s.timeout.saturating_mul(2)),
                    s.timeout_source
                ),
            });
            match client {
                Ok(client) => {
                    // A quick probe: one short wait, so doctor answers within a few seconds.
                    let r = client
                        .with_timeout(s.timeout.min(DOCTOR_TIMEOUT))
                        .license()
                        .await;
                    checks.push(Check {
                        check: "service",
                        ok: r.is_ok(),
                        detail: match r {
                            Ok(l) => format!(
                                "reachable, credentials accepted (rate-limit tier {})",
                                if l.rate_limit_tier.is_empty() {
                                    "unknown"
                                } else {
                                    &l.rate_limit_tier
                                }
                            ),
                            Err(e) if e.is_unauthorized() => format!(
                                "credentials refused: {e}; check the project id and the key in {}",
                                s.key_source
                            ),
                            Err(e) => e.to_string(),
                        },
                    });
                }
                Err(e) => checks.push(Check {
                    check: "service",
                    ok: false,
                    detail: e.message,
                }),
            }
        }
        Err(e) => checks.push(Check {
            check: "credentials",
            ok: false,
            detail: format!("{} ({})", e.message, e.hints.join("; ")),
        }),
    }
    let failed = checks.iter().filter(|c| !c.ok).count();
    let _ = ctx.out.emit(&checks, || {
        let mut t = Table::new(vec!["CHECK", "OK", "DETAIL"]);
        for c in &checks {
            t.rows.push(vec![
                c.check.to_owned(),
                if c.ok { "ok".into() } else { "FAIL".into() },
                c.detail.clone(),
            ]);
        }
        t
    });
    if failed > 0 {
        return Err(CliError::new(format!("{failed} check(s) failed")));
    }
    Ok(Exit::Success)
}
