//! `audit list`: the local audit log of every write, filtered.

use clap::Args;
use descope_store::{AuditFilter, OPERATIONS, REQUESTS};

use crate::ctx::Ctx;
use crate::error::{CliError, CliResult, Exit};
use crate::output::Table;
use crate::values::parse_duration;

/// `audit list`.
#[derive(Debug, Args)]
pub struct AuditListArgs {
    /// Only records newer than this (e.g. 24h, 7d)
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,
    /// Only records about this tenant
    #[arg(long, value_name = "ID")]
    pub tenant: Option<String>,
    /// Only this operation, as the user ran it (create, update, delete, restore, sync, deploy,
    /// import)
    #[arg(long, value_name = "OP")]
    pub operation: Option<String>,
    /// Only this kind of write request (create, update, delete, settings, default-roles, import)
    #[arg(long, value_name = "KIND")]
    pub request: Option<String>,
    /// Only the newest N records
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

/// `audit list` (offline).
pub fn run(ctx: &Ctx, args: &AuditListArgs) -> CliResult {
    check_known("--operation", args.operation.as_deref(), OPERATIONS)?;
    check_known("--request", args.request.as_deref(), REQUESTS)?;
    let since = args
        .since
        .as_deref()
        .map(parse_duration)
        .transpose()?
        .map(|d| {
            let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            ctx.now()
                .checked_sub(jiff::SignedDuration::from_secs(secs))
                .unwrap_or(jiff::Timestamp::MIN)
        });
    let filter = AuditFilter {
        since,
        target_id: args.tenant.clone(),
        operation: args.operation.clone(),
        request: args.request.clone(),
        limit: args.limit,
    };
    let records = ctx.data_dir()?.audit_log().read(&filter)?;
    ctx.out.emit(&records, || {
        let mut t = Table::new(vec![
            "TIME",
            "PROJECT",
            "OPERATION",
            "REQUEST",
            "TARGET",
            "RESULT",
            "MS",
            "BACKUP",
        ]);
        for r in &records {
            t.rows.push(vec![
                r.time.to_string(),
                r.project_id.clone(),
                r.operation.clone(),
                r.request.clone(),
                format!("{}:{}", r.target_type, r.target_id),
                r.result.clone(),
                r.duration_ms.to_string(),
                r.backup
                    .as_ref()
                    .and_then(|b| b.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            ]);
        }
        t
    })?;
    Ok(Exit::Success)
}

/// Refuses a filter value that no record can have (a typo would list nothing and look fine).
fn check_known(flag: &str, value: Option<&str>, known: &[&str]) -> Result<(), CliError> {
    match value {
        Some(v) if !known.contains(&v) => Err(CliError::usage(format!(
            "{flag} `{v}` is not one the audit log records"
        ))
        .hint(format!("use one of: {}", known.join(", ")))),
        _ => Ok(()),
    }
}
