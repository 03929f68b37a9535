//! `doctor`: credentials, base URL, reachability and the data dir, each checked and explained.

use serde::Serialize;

use crate::ctx::Ctx;
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
            let base = s.base_url.clone();
            let url = descope_api::resolve_base_url(base.as_deref(), &s.project_id);
            checks.push(Check {
                check: "base URL",
                ok: url.is_ok(),
                detail: match &url {
                    Ok(u) => format!("{u} ({})", s.base_url_source),
                    Err(e) => format!("{e} ({})", s.base_url_source),
                },
            });
            match ctx.client().await {
                Ok(client) => {
                    let r = client.license().await;
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
    ctx.out.emit(&checks, || {
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
