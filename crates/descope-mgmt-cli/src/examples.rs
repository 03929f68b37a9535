//! The "Examples:" shown at the end of each command's help. Every line that starts with
//! `descope-mgmt` is parsed by `crates/descope-mgmt/tests/help.rs`, so each stays a valid
//! invocation.

pub const ROOT: &str = "\
Examples:
  # Try it without an account: sync the example file into the built-in emulator
  descope-mgmt --local tenant sync --config examples/tenants.yaml --apply --yes
  # Check credentials, then capture today's tenants as a file
  descope-mgmt doctor
  descope-mgmt tenant export -f tenants.yaml
  # Review a plan, then apply exactly that plan
  descope-mgmt tenant sync --config tenants.yaml --dry-run --out plan.json
  descope-mgmt tenant sync --apply --plan plan.json

Exit codes:
  0 ok, 1 error, 2 changes pending (--detailed-exitcode), 3 apply finished with failures,
  64 usage error, 130 interrupted.";

pub const EXPORT: &str = "\
Examples:
  descope-mgmt export -f project.yaml
  # Without the session settings (no request per tenant); they stay unmanaged
  descope-mgmt export --no-settings -f project.yaml
  # Only the roles whose name starts with admin- and the roles of tenant acme
  descope-mgmt export --only 'role:admin-*' --only 'tenant-role:acme/*'";

pub const TENANT: &str = "\
Examples:
  descope-mgmt tenant list
  descope-mgmt tenant export -f tenants.yaml
  descope-mgmt tenant sync --config tenants.yaml --dry-run";

pub const TENANT_LIST: &str = "\
Examples:
  descope-mgmt tenant list
  descope-mgmt tenant list --name-contains acme -o json
  descope-mgmt tenant list --domain acme.com";

pub const TENANT_GET: &str = "\
Examples:
  descope-mgmt tenant get acme
  descope-mgmt tenant get acme -o yaml";

pub const TENANT_CREATE: &str = "\
Examples:
  descope-mgmt tenant create --name 'ACME Corp' --id acme --domain acme.com
  descope-mgmt tenant create --name 'ACME EU' --id acme-eu --parent acme --attr seats=50";

pub const TENANT_UPDATE: &str = "\
Examples:
  descope-mgmt tenant update acme --name 'ACME Inc' --dry-run
  descope-mgmt tenant update acme --attr seats=75 --unset-attr trial
  descope-mgmt tenant update acme --clear-domains --enforce-sso false";

pub const TENANT_DELETE: &str = "\
Examples:
  descope-mgmt tenant delete acme --dry-run
  descope-mgmt tenant delete acme --yes
  # Undo: put it back from the backup taken before the delete
  descope-mgmt tenant restore --latest acme";

pub const SYNC: &str = "\
Examples:
  # Plan the whole project file; in CI, exit 2 means there are changes
  descope-mgmt sync --config project.yaml --dry-run --detailed-exitcode
  # Apply, also deleting roles, permissions and tenants the file does not list (at most 3)
  descope-mgmt sync --config project.yaml --apply --prune --max-deletes 3 --yes
  # Only the roles whose name starts with billing-
  descope-mgmt sync --config project.yaml --apply --only 'role:billing-*'";

pub const TENANT_SYNC: &str = "\
Examples:
  # Plan only; in CI, exit 2 means there are changes
  descope-mgmt tenant sync --config tenants.yaml --dry-run --detailed-exitcode
  # Save the plan for review, then apply exactly that plan
  descope-mgmt tenant sync --config tenants.yaml --dry-run --out plan.json
  descope-mgmt tenant sync --apply --plan plan.json
  # Apply, also deleting live tenants the file does not list (at most 2)
  descope-mgmt tenant sync --config tenants.yaml --apply --prune --max-deletes 2 --yes
  # Only tenants whose id starts with acme-
  descope-mgmt tenant sync --config tenants.yaml --apply --only 'acme-*'";

pub const TENANT_EXPORT: &str = "\
Examples:
  descope-mgmt tenant export -f tenants.yaml
  descope-mgmt tenant export --only 'acme-*' -o json";

pub const TENANT_RESTORE: &str = "\
Examples:
  descope-mgmt tenant restore --latest acme --dry-run
  descope-mgmt tenant restore --latest acme
  # A named backup, as `backup list` prints it
  descope-mgmt tenant restore 20261129T054012.123Z_delete_tenant_acme";

pub const FLOW: &str = "\
Examples:
  descope-mgmt flow list
  descope-mgmt flow export --all --dir flows
  descope-mgmt flow deploy flows/sign-up-or-in.json --dry-run";

pub const FLOW_LIST: &str = "\
Examples:
  descope-mgmt flow list
  descope-mgmt flow list -o json";

pub const FLOW_EXPORT: &str = "\
Examples:
  descope-mgmt flow export sign-up-or-in -f sign-up-or-in.json
  descope-mgmt flow export --all --dir flows";

pub const FLOW_DEPLOY: &str = "\
Examples:
  descope-mgmt flow deploy flows/sign-up-or-in.json --dry-run
  descope-mgmt flow deploy flows/sign-up-or-in.json flows/role-flow.json";

pub const FLOW_RESTORE: &str = "\
Examples:
  descope-mgmt flow restore --latest sign-up-or-in --dry-run
  descope-mgmt flow restore --latest sign-up-or-in";

pub const THEME: &str = "\
Examples:
  descope-mgmt theme export -f theme.json
  descope-mgmt theme deploy theme.json --dry-run";

pub const THEME_EXPORT: &str = "\
Examples:
  descope-mgmt theme export
  descope-mgmt theme export -f theme.json";

pub const THEME_DEPLOY: &str = "\
Examples:
  descope-mgmt theme deploy theme.json --dry-run
  descope-mgmt theme deploy theme.json";

pub const THEME_RESTORE: &str = "\
Examples:
  descope-mgmt theme restore --latest project --dry-run
  descope-mgmt theme restore --latest project";

pub const ROLE: &str = "\
Examples:
  descope-mgmt role list
  descope-mgmt role list --tenant acme";

pub const ROLE_LIST: &str = "\
Examples:
  descope-mgmt role list
  descope-mgmt role list --tenant acme -o json";

pub const PERMISSION: &str = "\
Examples:
  descope-mgmt permission list";

pub const PERMISSION_LIST: &str = "\
Examples:
  descope-mgmt permission list
  descope-mgmt permission list -o yaml";

pub const RESTORE: &str = "\
Examples:
  # The newest backup of a target, as KIND:ID; see what it would do first
  descope-mgmt restore --latest role:viewer --dry-run
  descope-mgmt restore --latest role:acme/acme-admin
  descope-mgmt restore --latest permission:projects:read
  descope-mgmt restore --latest settings:acme
  descope-mgmt restore --latest theme
  # A backup file, as `backup list` names it
  descope-mgmt restore 20261129T054012.123Z_sync-delete_role_viewer.json

Exit codes:
  0 restored (or nothing to restore), 1 error (no such backup, a check failed), 64 usage error
  (an unknown KIND).";

pub const BACKUP: &str = "\
Examples:
  descope-mgmt backup list --tenant acme
  descope-mgmt backup prune --keep 10 --dry-run";

pub const BACKUP_LIST: &str = "\
Examples:
  descope-mgmt backup list
  descope-mgmt backup list --tenant acme
  descope-mgmt backup list --role viewer
  descope-mgmt backup list --role acme/acme-admin
  descope-mgmt backup list --permission projects:read
  descope-mgmt backup list --settings acme
  descope-mgmt backup list --all-projects -o json";

pub const BACKUP_SHOW: &str = "\
Examples:
  descope-mgmt backup show 20261129T054012.123Z_delete_tenant_acme
  descope-mgmt backup show 20261129T054012.123Z_delete_tenant_acme -o json";

pub const BACKUP_PRUNE: &str = "\
Examples:
  descope-mgmt backup prune --keep 10 --dry-run
  descope-mgmt backup prune --older-than 30d --yes";

pub const AUDIT: &str = "\
Examples:
  descope-mgmt audit list --since 24h
  descope-mgmt audit list --tenant acme --operation delete";

pub const AUDIT_LIST: &str = "\
Examples:
  descope-mgmt audit list --since 24h
  descope-mgmt audit list --tenant acme --operation delete
  descope-mgmt audit list --limit 20 -o json";

pub const CONFIG: &str = "\
Examples:
  descope-mgmt config validate tenants.yaml
  descope-mgmt config schema > tenants.schema.json";

pub const CONFIG_VALIDATE: &str = "\
Examples:
  descope-mgmt config validate tenants.yaml
  descope-mgmt config validate examples/tenants.yaml";

pub const CONFIG_SCHEMA: &str = "\
Examples:
  # For editors: add `# yaml-language-server: $schema=./tenants.schema.json` to tenants.yaml
  descope-mgmt config schema > tenants.schema.json";

pub const EMULATOR: &str = "\
Examples:
  descope-mgmt emulator serve --port 8080
  descope-mgmt emulator serve --port 8080 --state emulator.json --seed-flows";

pub const EMULATOR_SERVE: &str = "\
Examples:
  # Its URL is the one line on stdout; point other commands at it with that base URL
  descope-mgmt emulator serve --port 8080
  # Keep state across restarts, with flows and a theme to try flow and theme commands on
  descope-mgmt emulator serve --port 8080 --state emulator.json --seed-flows
  # Your own project id and key
  descope-mgmt emulator serve --project-id P2test --management-key K2test
  # Test your retries: 5% of requests fail, at most 100 requests a minute
  descope-mgmt emulator serve --fail-rate 0.05 --rate-limit 100/60 --seed 7";

pub const DOCTOR: &str = "\
Examples:
  descope-mgmt doctor
  descope-mgmt --profile staging doctor
  descope-mgmt --local doctor -o json";

pub const COMPLETIONS: &str = "\
Examples:
  descope-mgmt completions bash > ~/.local/share/bash-completion/completions/descope-mgmt
  descope-mgmt completions zsh > ~/.zfunc/_descope-mgmt
  descope-mgmt completions fish > ~/.config/fish/completions/descope-mgmt.fish";

pub const DRIFT: &str = "\
Examples:
  # Nightly in CI: exit 0 in sync, 2 on drift, 1 on error
  descope-mgmt drift --config project.yaml
  # As a pull-request or issue comment
  descope-mgmt drift --config project.yaml -o markdown > drift.md
  # Also count live tenants, roles and permissions the file does not list
  descope-mgmt drift --config project.yaml --prune";
