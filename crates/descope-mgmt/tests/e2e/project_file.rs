//! Issue 13 (first part): the project file's `permissions:`, `roles:` and tenants' `settings:` and
//! `roles:` are read and checked, but not yet planned; `tenant sync` refuses such a file rather
//! than apply its tenants and leave the rest unchanged without a word.

use crate::env;

const PROJECT_FILE: &str = "\
permissions:
  - name: projects:read
roles:
  - name: viewer
    permissions: [projects:read]
tenants:
  - id: acme
    name: ACME Corp
    defaultRoles: [viewer]
    settings:
      sessionTokenExpiration: 15m
      refreshTokenExpiration: 4w
    roles:
      - name: acme-admin
        permissions: [projects:read]
";

#[test]
fn config_validate_accepts_the_project_file() {
    let env = env();
    let file = env.home().join("project.yaml");
    std::fs::write(&file, PROJECT_FILE).unwrap();
    env.run(&["config", "validate", file.to_str().unwrap()])
        .expect(0);
}

#[test]
fn tenant_sync_refuses_sections_it_does_not_apply_yet_and_sends_nothing() {
    let env = env();
    let file = env.home().join("project.yaml");
    std::fs::write(&file, PROJECT_FILE).unwrap();
    for mode in ["--dry-run", "--apply"] {
        env.clear_journal();
        let run = env.run(&[
            "tenant",
            "sync",
            "-c",
            file.to_str().unwrap(),
            mode,
            "--yes",
        ]);
        run.expect(1);
        for part in [
            "`permissions:`",
            "`roles:` (project roles)",
            "`settings:` (1 tenant(s))",
            "tenant `roles:` (1 tenant(s))",
            "nothing was sent",
            "config validate",
        ] {
            assert!(
                run.stderr.contains(part),
                "{part} missing in: {}",
                run.stderr
            );
        }
        assert!(env.journal().is_empty(), "{mode}: requests were sent");
    }
    assert_eq!(env.state()["tenants"].as_array().map(Vec::len), Some(0));
}
