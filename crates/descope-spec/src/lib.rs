//! descope-spec: the tenants.yaml desired-state file — its model, loading with serde-saphyr,
//! `${VAR}` substitution, validation with file:line:column diagnostics, JSON Schema and export.
//!
//! YAML is read in module `load`: first by the fast path (module `fast`, a hand-written reader of
//! the block-style subset that exports and most hand-written files use), and by serde-saphyr for
//! every other file and for every error message.

mod diagnostic;
mod export;
mod fast;
mod load;
mod raw;
pub mod rules;
mod schema;
mod substitute;

use std::path::PathBuf;

pub use diagnostic::{Diagnostic, SpecErrors};
pub use export::{desired_from_live, to_yaml, unexpressed_attribute};
pub use load::{MAX_FILE_BYTES, load, parse};
#[doc(hidden)]
pub use load::{parse_fast, parse_serde};
pub use schema::json_schema;

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
}

/// A loaded, valid tenants.yaml.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spec {
    pub path: PathBuf,
    pub tenants: Vec<DesiredTenant>,
    /// The optional top-level `protected:` list: ids or glob patterns of live tenants that
    /// `--prune` never deletes, even though the file does not list them.
    pub protected: Vec<String>,
}
