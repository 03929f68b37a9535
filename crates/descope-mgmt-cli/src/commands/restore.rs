//! `restore`: put back what any backup recorded — a tenant, flow, theme, role, permission, a
//! tenant's settings or the project snapshot — from a backup file or the newest backup of
//! `KIND:ID`.

use clap::Args;
use descope_store::TargetType;

use crate::ctx::Ctx;
use crate::error::CliResult;
use crate::resource_restore::{flow, permission, role, settings, tenant};
use crate::restore_lookup::{check_project, lookup};
use crate::theme::THEME_ID;

/// `restore`.
#[derive(Debug, Args)]
pub struct RestoreAnyArgs {
    /// Backup file (a path, or a name as `backup list` prints it)
    #[arg(required_unless_present = "latest", conflicts_with = "latest")]
    pub backup: Option<String>,
    /// Restore the newest backup of this target: tenant:ID, flow:ID, theme, role:NAME
    /// (role:TENANT/NAME for a tenant's role), permission:NAME, settings:TENANT or snapshot
    #[arg(long, value_name = "KIND:ID", value_parser = parse_latest)]
    pub latest: Option<LatestTarget>,
    /// Show the restore plan; write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Restore a backup recorded in another project
    #[arg(long)]
    pub force_project: bool,
}

/// What `--latest KIND:ID` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestTarget {
    /// The kind of backup.
    pub kind: TargetType,
    /// The target id (everything after the first `:`).
    pub id: String,
}

/// Reads `KIND:ID`; the theme's id may be left out (`theme`).
fn parse_latest(text: &str) -> Result<LatestTarget, String> {
    let (kind_text, id) = text.split_once(':').unwrap_or((text, ""));
    let kind: TargetType = kind_text.parse().map_err(|_| {
        format!(
            "unknown kind `{kind_text}`: write KIND:ID with KIND one of tenant, flow, theme, role, permission, settings, snapshot (e.g. role:viewer, settings:acme, theme, snapshot)"
        )
    })?;
    let id = match (kind, id) {
        (TargetType::Theme, "") => THEME_ID.to_owned(),
        (TargetType::Snapshot, "") => crate::snapshot::SNAPSHOT_ID.to_owned(),
        (_, "") => {
            return Err(format!(
                "no id after `{kind}`: write {kind}:ID (e.g. {kind}:{})",
                match kind {
                    TargetType::Role => "viewer",
                    TargetType::Permission => "projects:read",
                    _ => "acme",
                }
            ));
        }
        (_, id) => id.to_owned(),
    };
    Ok(LatestTarget { kind, id })
}

/// `restore`: finds the backup, then restores it as the command of its kind does.
pub async fn run(ctx: &Ctx, args: &RestoreAnyArgs) -> CliResult {
    ctx.client().await?;
    let project_id = ctx.settings().await?.project_id.clone();
    let latest = args.latest.as_ref().map(|l| (l.kind, l.id.as_str()));
    let backup = lookup(ctx, &project_id, args.backup.as_deref(), latest)?;
    check_project(ctx, &backup, &project_id, args.force_project)?;
    let dry_run = args.dry_run;
    match backup.metadata.target_type {
        TargetType::Tenant => tenant::restore(ctx, backup, dry_run).await,
        TargetType::Flow => flow::restore(ctx, backup, dry_run).await,
        TargetType::Theme => {
            let source = backup.path.display().to_string();
            crate::theme::replace(ctx, &backup.object, &source, dry_run, "restore").await
        }
        TargetType::Role => role::restore(ctx, backup, dry_run).await,
        TargetType::Permission => permission::restore(ctx, backup, dry_run).await,
        TargetType::Settings => settings::restore(ctx, backup, dry_run).await,
        TargetType::Snapshot => crate::snapshot::restore(ctx, backup, dry_run).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_reads_kind_and_id_at_the_first_colon() {
        let got = parse_latest("permission:projects:read").unwrap();
        assert_eq!(
            (got.kind, got.id.as_str()),
            (TargetType::Permission, "projects:read")
        );
        let got = parse_latest("role:acme/a b").unwrap();
        assert_eq!((got.kind, got.id.as_str()), (TargetType::Role, "acme/a b"));
        assert_eq!(parse_latest("theme").unwrap().id, THEME_ID);
        assert_eq!(parse_latest("theme:").unwrap().id, THEME_ID);
        assert!(
            parse_latest("group:x")
                .unwrap_err()
                .contains("unknown kind `group`")
        );
        assert!(parse_latest("acme").unwrap_err().contains("unknown kind"));
        assert!(
            parse_latest("tenant")
                .unwrap_err()
                .contains("no id after `tenant`")
        );
        assert!(
            parse_latest("settings:")
                .unwrap_err()
                .contains("settings:acme")
        );
    }
}
