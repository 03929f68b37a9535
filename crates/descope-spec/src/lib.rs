//! descope-spec: the tenants.yaml desired-state file — its model, loading with serde-saphyr,
//! `${VAR}` substitution, validation with file:line:column diagnostics, JSON Schema and export.
//! The same file may describe the whole project (SPEC §3a): permissions, project roles, and each
//! tenant's session settings and roles.
//!
//! References between entries are checked in two steps. Loading resolves every reference it can
//! within the file (a role's permission listed under `permissions:`, a tenant's default role
//! listed under `roles:` or the tenant's own `roles:`) and refuses those that name an entry's old
//! name (`renamedFrom`). What the file alone cannot resolve is kept in [`Spec::unresolved`],
//! located; the planner, which has the live project, passes it to
//! [`Spec::check_live_references`] before any request is sent.
//!
//! YAML is read in module `load`: first by the fast path (module `fast`, a hand-written reader of
//! the block-style subset that exports and most hand-written files use), and by serde-saphyr for
//! every other file and for every error message.

mod diagnostic;
mod drift;
mod export;
mod fast;
mod live;
mod load;
mod raw;
mod refs;
pub mod rules;
mod schema;
pub mod settings;
mod substitute;

use std::path::PathBuf;

pub use diagnostic::{Diagnostic, SpecErrors};
pub use drift::{DRIFT_KEYS, DriftPolicy, Severity};
pub use export::{
    DesiredProject, desired_from_live, project_to_yaml, to_yaml, unexpressed_attribute,
};
pub use live::{
    ExportFilter, ExportKind, LiveProject, ProjectExport, desired_permission, desired_role,
    desired_settings, live_duration, project_from_live,
};
pub use load::{MAX_FILE_BYTES, load, parse};
#[doc(hidden)]
pub use load::{parse_fast, parse_serde};
pub use refs::{Reference, UnresolvedRef};
pub use schema::json_schema;
pub use settings::{Duration, DurationUnit};

/// First line of every exported file, so editors validate it against the schema.
pub const SCHEMA_MODELINE: &str = "# yaml-language-server: $schema=./tenants.schema.json";

/// Where something starts in the file (1-based line and character column; 0 when not from a file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// One tenant as the file wants it, after substitution and validation.
///
/// `None` means the key was left out: the field is not managed and sync keeps the live value.
/// `Some` means managed exactly (`Some(vec![])` clears the live value).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DesiredTenant {
    pub id: String,
    pub name: String,
    /// Self-provisioning domains (wire: `selfProvisioningDomains`), in file order.
    pub domains: Option<Vec<String>>,
    /// Values are string, number, bool or list of strings.
    pub custom_attributes: Option<descope_model::Attrs>,
    pub enforce_sso: Option<bool>,
    pub disabled: Option<bool>,
    /// Create-time only.
    pub parent: Option<String>,
    pub default_roles: Option<Vec<String>>,
    /// Never deleted by `--prune`.
    pub protect: bool,
    /// Where the tenant's entry starts.
    pub location: Location,
    /// Where its `parent` value is (the entry's start when it has none).
    pub parent_location: Location,
    /// Session settings (`settings:`); `None`: not managed.
    pub settings: Option<DesiredSettings>,
    /// Roles scoped to this tenant (`roles:`), in file order; `None`: not managed, `Some(vec![])`:
    /// the tenant has no roles of its own.
    pub roles: Option<Vec<DesiredRole>>,
}

/// One permission as the file wants it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DesiredPermission {
    /// Its identity in the project.
    pub name: String,
    /// `None`: not managed; `Some("")` clears it.
    pub description: Option<String>,
    /// The live name to rename from (an update with `newName`, never a delete and a create).
    pub renamed_from: Option<String>,
    /// Where the entry starts.
    pub location: Location,
    /// Where its `renamedFrom` value is (the entry's start when it has none).
    pub renamed_from_location: Location,
}

/// One role as the file wants it: a project role, or a role of the tenant it is listed under.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DesiredRole {
    /// Its identity in its scope (the project, or its tenant).
    pub name: String,
    /// `None`: not managed; `Some("")` clears it.
    pub description: Option<String>,
    /// Names of its permissions, in file order (compared as a set); `None`: not managed.
    pub permissions: Option<Vec<String>>,
    /// Given to new users (wire: `default`).
    pub default: Option<bool>,
    /// Hidden from self-service (wire: `private`).
    pub private: Option<bool>,
    /// Never deleted by `--prune`.
    pub protect: bool,
    /// The live name to rename from (an update with `newName`, never a delete and a create).
    pub renamed_from: Option<String>,
    /// Where the entry starts.
    pub location: Location,
    /// Where its `renamedFrom` value is (the entry's start when it has none).
    pub renamed_from_location: Location,
}

/// A tenant's session settings as the file wants them. Every `None` is not managed: the
/// service replaces every field on write, so sync sends the live value for it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DesiredSettings {
    /// Custom session settings on (wire: `enabled`): `true` unless the file says `enabled: false`.
    pub enabled: bool,
    /// Wire: `sessionTokenExpiration` + `sessionTokenExpirationUnit`.
    pub session_token_expiration: Option<Duration>,
    /// Wire: `refreshTokenExpiration` + `refreshTokenExpirationUnit`.
    pub refresh_token_expiration: Option<Duration>,
    /// Wire: `stepupTokenExpiration` + `stepupTokenExpirationUnit`.
    pub stepup_token_expiration: Option<Duration>,
    /// Wire: `enableInactivity` + `inactivityTime` + `inactivityTimeUnit`.
    pub inactivity_timeout: Option<Inactivity>,
    /// Wire: `JITDisabled` (the file uses the wire's sense, so nothing is inverted).
    pub jit_disabled: Option<bool>,
    /// Wire: `ssoSetupSuiteSettings`.
    pub sso_setup_suite: Option<SsoSetupSuite>,
    /// Where the `settings:` mapping starts.
    pub location: Location,
    /// Where the `sessionTokenExpiration` value is (the mapping's start when it has none), to
    /// locate a console-rule error found against the live refresh token.
    pub session_token_location: Location,
}

/// Logging out after a time without activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inactivity {
    /// `inactivityTimeout: off` (wire: `enableInactivity: false`; the live time is kept).
    Off,
    /// `inactivityTimeout: 30m` (wire: `enableInactivity: true`, `inactivityTime`, its unit).
    After(Duration),
}

/// The SSO setup suite of a tenant (wire: `ssoSetupSuiteSettings`). `None`: not managed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SsoSetupSuite {
    pub enabled: Option<bool>,
    /// `Some("")` clears it.
    pub style_id: Option<String>,
    pub disabled_features: Option<DisabledFeatures>,
}

/// Features hidden from the SSO setup suite (wire: `disabledFeatures`). `None`: not managed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DisabledFeatures {
    pub saml: Option<bool>,
    pub oidc: Option<bool>,
    pub scim: Option<bool>,
    pub sso_domains: Option<bool>,
    pub group_mapping: Option<bool>,
}

/// A loaded, valid tenants.yaml.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spec {
    pub path: PathBuf,
    pub tenants: Vec<DesiredTenant>,
    /// The optional top-level `protected:` list: ids or glob patterns of live tenants that
    /// `--prune` never deletes, even though the file does not list them.
    pub protected: Vec<String>,
    /// The top-level `permissions:`, in file order; `None`: not managed.
    pub permissions: Option<Vec<DesiredPermission>>,
    /// The top-level `roles:` (project roles), in file order; `None`: not managed.
    pub roles: Option<Vec<DesiredRole>>,
    /// The optional `drift:` section: the severity of each kind of difference `drift` reports.
    pub drift: DriftPolicy,
    /// References the file does not resolve by itself, to check against the live project
    /// ([`Spec::check_live_references`]), in file order.
    pub unresolved: Vec<UnresolvedRef>,
}
