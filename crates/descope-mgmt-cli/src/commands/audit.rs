//! `audit list`.

use descope_store::AuditFilter;

use super::parse_duration;
use crate::args::AuditCommand;
use crate::ctx::Ctx;
use crate::error::{CliResult, Exit};
use crate::output::Table;

/// Runs an audit command (offline).
pub fn run(ctx: &Ctx, cmd: AuditCommand) -> CliResult {
    let AuditCommand::List {
        since,
        tenant,
        operation,
        limit,
    } = cmd;
    let since = since.as_deref().map(parse_duration).transpose()?.map(|d| {
        let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
        jiff::Timestamp::now()
            .checked_sub(jiff::SignedDuration::from_secs(secs))
            .unwrap_or(jiff::Timestamp::MIN)
    });
    let filter = AuditFilter {
        since,
        target_id: tenant,
        operation,
        limit,
    };
    let records = ctx.data_dir()?.audit_log().read(&filter)?;
    ctx.out.emit(&records, || {
        let mut t = Table::new(vec![
            "TIME",
            "PROJECT",
            "OPERATION",
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
    });
    Ok(Exit::Success)
}
