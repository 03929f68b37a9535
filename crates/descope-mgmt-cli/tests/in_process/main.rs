//! In-process runs of whole commands against the built-in emulator (`--local`), with stdout,
//! stderr and the exit code snapshotted, piped and on a (faked) terminal.

mod harness;

use harness::{Case, Home, redact_durations, squeeze_spaces};

/// Snapshots one case under `name`.
macro_rules! case {
    ($name:ident, $case:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), $case.report());
        }
    };
}

/// Sets up the three tenants of [`SPEC`].
const SYNCED: &[&[&str]] = &[&[
    "--concurrency",
    "1",
    "tenant",
    "sync",
    "-c",
    "{HOME}/tenants.yaml",
    "--apply",
    "--yes",
]];

/// [`SYNCED`], then acme renamed (a backup and audit records).
const UPDATED: &[&[&str]] = &[
    &[
        "--concurrency",
        "1",
        "tenant",
        "sync",
        "-c",
        "{HOME}/tenants.yaml",
        "--apply",
        "--yes",
    ],
    &["tenant", "update", "acme", "--name", "ACME Inc", "--yes"],
];

// Tenants: list and get.
case!(tenant_list_empty, Case::new(&["tenant", "list"]));
case!(tenant_list, Case::new(&["tenant", "list"]).after(SYNCED));
case!(
    tenant_list_json,
    Case::new(&["tenant", "list", "-o", "json"]).after(SYNCED)
);
case!(
    tenant_list_yaml,
    Case::new(&["tenant", "list", "-o", "yaml"]).after(SYNCED)
);
case!(
    tenant_list_filtered,
    Case::new(&["tenant", "list", "--name-contains", "corp"]).after(SYNCED)
);
case!(
    tenant_get,
    Case {
        // Narrow: long cells wrap.
        columns: "100",
        ..Case::new(&["tenant", "get", "acme"]).after(SYNCED)
    }
);
case!(
    tenant_get_json,
    Case::new(&["tenant", "get", "acme", "-o", "json"]).after(SYNCED)
);
case!(
    tenant_get_not_found,
    Case::new(&["tenant", "get", "nope"]).after(SYNCED)
);

// Tenants: create, update, delete, restore.
case!(
    tenant_create,
    Case::new(&[
        "tenant",
        "create",
        "--id",
        "beta",
        "--name",
        "Beta",
        "--domain",
        "beta.example.com",
        "--attr",
        "plan=pro"
    ])
);
case!(
    tenant_create_json,
    Case::new(&[
        "tenant", "create", "--id", "beta", "--name", "Beta", "-o", "json"
    ])
);
case!(
    tenant_create_conflict,
    Case::new(&["tenant", "create", "--id", "acme", "--name", "Again"]).after(SYNCED)
);
case!(
    tenant_update,
    Case::new(&[
        "tenant", "update", "acme", "--name", "ACME Inc", "--attr", "plan=pro", "--yes"
    ])
    .after(SYNCED)
);
case!(
    tenant_update_dry_run,
    Case::new(&[
        "tenant",
        "update",
        "acme",
        "--disabled",
        "true",
        "--dry-run"
    ])
    .after(SYNCED)
);
case!(
    tenant_update_quiet,
    Case::new(&[
        "-q", "tenant", "update", "acme", "--name", "ACME Inc", "--yes"
    ])
    .after(SYNCED)
);
case!(
    tenant_update_nothing,
    Case::new(&["tenant", "update", "acme", "--name", "ACME Corp", "--yes"]).after(SYNCED)
);
case!(
    tenant_delete,
    Case::new(&["tenant", "delete", "globex", "--yes"]).after(SYNCED)
);
case!(
    tenant_delete_dry_run,
    Case::new(&["tenant", "delete", "holding", "--cascade", "--dry-run"]).after(SYNCED)
);
case!(
    tenant_delete_confirmed_at_the_prompt,
    Case::new(&["tenant", "delete", "globex"])
        .after(SYNCED)
        .input("y\n")
);
case!(
    tenant_delete_refused_at_the_prompt,
    Case::new(&["tenant", "delete", "globex"])
        .after(SYNCED)
        .input("no\n")
);
case!(
    tenant_delete_has_children,
    Case::new(&["tenant", "delete", "holding", "--yes"]).after(SYNCED)
);
case!(
    tenant_restore_latest,
    Case::new(&["tenant", "restore", "--latest", "acme", "--yes"]).after(UPDATED)
);
case!(
    tenant_restore_dry_run,
    Case::new(&["tenant", "restore", "--latest", "acme", "--dry-run"]).after(UPDATED)
);
case!(
    tenant_restore_no_backup,
    Case::new(&["tenant", "restore", "--latest", "globex", "--yes"]).after(SYNCED)
);

// Tenants: sync and export.
case!(
    tenant_sync_dry_run,
    Case::new(&[
        "tenant",
        "sync",
        "-c",
        "{HOME}/changed.yaml",
        "--dry-run",
        "--prune"
    ])
    .after(SYNCED)
);
case!(
    tenant_sync_dry_run_json,
    Case::new(&[
        "tenant",
        "sync",
        "-c",
        "{HOME}/changed.yaml",
        "--dry-run",
        "-o",
        "json"
    ])
    .after(SYNCED)
);
case!(
    tenant_sync_detailed_exitcode,
    Case::new(&[
        "tenant",
        "sync",
        "-c",
        "{HOME}/changed.yaml",
        "--dry-run",
        "--detailed-exitcode"
    ])
    .after(SYNCED)
);
case!(
    tenant_sync_apply,
    Case::new(&[
        "--concurrency",
        "1",
        "tenant",
        "sync",
        "-c",
        "{HOME}/changed.yaml",
        "--apply",
        "--prune",
        "--yes"
    ])
    .after(SYNCED)
);
case!(
    tenant_sync_apply_json,
    Case::new(&[
        "--concurrency",
        "1",
        "tenant",
        "sync",
        "-c",
        "{HOME}/tenants.yaml",
        "--apply",
        "--yes",
        "-o",
        "json"
    ])
);
case!(
    tenant_sync_in_sync,
    Case::new(&["tenant", "sync", "-c", "{HOME}/tenants.yaml", "--dry-run"]).after(SYNCED)
);
case!(
    tenant_export,
    Case::new(&["tenant", "export"]).after(SYNCED)
);
case!(
    tenant_export_to_file,
    Case::new(&["tenant", "export", "-f", "{HOME}/out.yaml"]).after(SYNCED)
);

// Flows and the theme (the local emulator is seeded with some).
case!(
    flow_list,
    Case {
        // Narrow: the descriptions wrap.
        columns: "100",
        ..Case::new(&["flow", "list"])
    }
);
case!(flow_list_json, Case::new(&["flow", "list", "-o", "json"]));
case!(flow_export, Case::new(&["flow", "export", "basic-flow"]));
case!(
    flow_export_not_found,
    Case::new(&["flow", "export", "no-such-flow"])
);
case!(
    theme_export_to_file,
    Case::new(&["theme", "export", "-f", "{HOME}/theme.json"])
);

// The local record: backups and the audit log.
case!(backup_list_empty, Case::new(&["backup", "list"]));
case!(
    backup_list,
    Case {
        redact: squeeze_spaces,
        ..Case::new(&["backup", "list"]).after(UPDATED)
    }
);
case!(
    audit_list,
    Case {
        redact: |r| squeeze_spaces(&redact_durations(r)),
        ..Case::new(&["audit", "list"]).after(UPDATED)
    }
);

// Offline checks.
case!(
    config_validate,
    Case::new(&["config", "validate", "{HOME}/tenants.yaml"])
);
case!(doctor, Case::new(&["doctor"]));

// Errors.
case!(usage_missing_argument, Case::new(&["tenant", "get"]));
case!(usage_unknown_flag, Case::new(&["tenant", "list", "--nope"]));
case!(usage_bad_value, Case::new(&["tenant", "list", "-o", "xml"]));
case!(
    config_validate_bad_yaml,
    Case::new(&["config", "validate", "{HOME}/bad.yaml"])
);
case!(
    config_validate_unknown_field,
    Case::new(&["config", "validate", "{HOME}/unknown.yaml"])
);
case!(
    tenant_sync_bad_yaml,
    Case::new(&["tenant", "sync", "-c", "{HOME}/bad.yaml", "--dry-run"])
);
case!(
    tenant_sync_missing_file,
    Case::new(&["tenant", "sync", "-c", "{HOME}/none.yaml", "--dry-run"])
);

/// The schema is long: its first lines, its size, and that it is JSON.
#[test]
fn config_schema_pieces() {
    let home = Home::new();
    let piped = home.run_with(&["config", "schema"], false, "");
    let terminal = home.run_with(&["config", "schema"], true, "");
    assert!(piped == terminal, "the schema is the same on a terminal");
    let schema: serde_json::Value = serde_json::from_str(&piped.stdout).expect("JSON");
    let mut keys: Vec<&String> = schema.as_object().expect("an object").keys().collect();
    keys.sort();
    let head: Vec<&str> = piped.stdout.lines().take(12).collect();
    insta::assert_snapshot!(
        "config_schema_pieces",
        format!(
            "exit: {}\nlines: {}\ntop-level keys: {keys:?}\n--- first lines\n{}\n--- stderr\n{}",
            piped.exit,
            piped.stdout.lines().count(),
            head.join("\n"),
            piped.stderr
        )
    );
}

/// The same command in the same state gives the same report: nothing volatile is left.
#[test]
fn reports_are_repeatable() {
    let case = Case {
        redact: |r| squeeze_spaces(&redact_durations(r)),
        ..Case::new(&["audit", "list"]).after(UPDATED)
    };
    assert_eq!(case.report(), case.report());
}
