//! Issue 13: the project file's `permissions:`, `roles:` and tenants' `settings:` and `roles:`
//! are read and checked offline (`config validate`); `project_sync.rs` syncs them.

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
