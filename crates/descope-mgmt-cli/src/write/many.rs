//! One batch request that writes many objects, audited once per object.

use std::path::PathBuf;
use std::time::Instant;

use descope_api::ApiError;
use descope_store::TargetType;

use super::{Writer, audit_code};
use crate::error::CliError;

impl Writer<'_> {
    /// Runs one batch request that writes every target of `targets` (type, id, its backup) and
    /// appends one audit record per target (all with the request's result) before returning.
    pub async fn audited_many<T, F>(
        &self,
        operation: &str,
        targets: &[(TargetType, String, Option<PathBuf>)],
        request: F,
    ) -> Result<Result<T, ApiError>, CliError>
    where
        F: Future<Output = Result<T, ApiError>>,
    {
        let what = || match targets {
            [(t, id, _)] => format!("{t} `{id}`"),
            _ => format!("{} objects", targets.len()),
        };
        if self.ctx.interrupt.stopped() {
            return Err(CliError::new(format!(
                "interrupted before the {operation} of {} was sent",
                what()
            ))
            .with_exit(crate::error::Exit::Interrupted)
            .hint(
                "writes already sent finished and are in the audit log (`descope-mgmt audit list`)",
            ));
        }
        let _guard = self.ctx.interrupt.write_guard();
        let started = Instant::now();
        let result = request.await;
        let (outcome, error) = match &result {
            Ok(_) => ("ok".to_owned(), None),
            Err(e) => (audit_code(e), Some(e.to_string())),
        };
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        for (target_type, target_id, backup) in targets {
            let record = self.record(
                operation,
                *target_type,
                target_id.clone(),
                (outcome.clone(), error.clone()),
                backup.clone(),
                duration_ms,
            );
            self.audit.append(record).await.map_err(|e| {
                CliError::io(format!(
                    "the {operation} of {} was sent, but its audit record could not be written: {e}",
                    what()
                ))
                .hint("check that the data dir is writable and has free space")
            })?;
        }
        if result.is_ok() {
            self.ctx.interrupt.write_made();
        }
        Ok(result)
    }
}
