//! Reading a tenants.yaml: size limit, YAML parsing (the only serde-saphyr call site),
//! error mapping, `${VAR}` substitution and validation, collecting every problem in one pass.

use std::collections::HashMap;

use descope_model::hash::{FastMap, fast_map};
use std::path::Path;

use serde_saphyr::{MessageFormatter, Spanned, UserMessageFormatter};

use crate::diagnostic::{Diagnostic, SpecErrors, nearest};
use crate::raw::{
    At, AttrValue, DurationText, Entry, FILE_KEYS, LIST_ITEM_NOT_STRING, RawFile, RawPermission,
    RawRole, RawSettings, Skeleton,
};
use crate::refs::{Reference, UnresolvedRef};
use crate::rules::{ID_HELP, domain_problem, is_valid_id};
use crate::settings::{Duration, check_session_rule, parse_duration};
use crate::substitute::{SubstError, substitute};
use crate::{
    DesiredPermission, DesiredRole, DesiredSettings, DesiredTenant, DisabledFeatures, Inactivity,
    Location, Spec, SsoSetupSuite,
};

/// Files larger than this are refused before they are read or parsed.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Reads and validates the tenants.yaml at `path`. `vars` resolves `${VAR}` references
/// (pass the process environment, or a map in tests).
pub fn load(path: &Path, vars: &dyn Fn(&str) -> Option<String>) -> Result<Spec, SpecErrors> {
    let whole_file = |message: String, help: Option<String>| {
        SpecErrors(vec![Diagnostic {
            file: path.to_path_buf(),
            line: 0,
            column: 0,
            tenant: None,
            message,
            help,
        }])
    };
    let meta = std::fs::metadata(path)
        .map_err(|e| whole_file(format!("cannot read the file: {e}"), None))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(whole_file(
            too_big_message(meta.len()),
            Some(too_big_help()),
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|e| whole_file(format!("cannot read the file: {e}"), None))?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let (line, column) = line_col_of_byte(bytes, valid);
            return Err(SpecErrors(vec![Diagnostic {
                file: path.to_path_buf(),
                line,
                column,
                tenant: None,
                message: "the file is not valid UTF-8".into(),
                help: Some("save the file as UTF-8".into()),
            }]));
        }
    };
    parse(path, &text, vars)
}

/// Parses and validates tenants.yaml text; `path_for_messages` names the file in diagnostics.
pub fn parse(
    path_for_messages: &Path,
    text: &str,
    vars: &dyn Fn(&str) -> Option<String>,
) -> Result<Spec, SpecErrors> {
    let diag = |line: usize, column: usize, message: String, help: Option<String>| Diagnostic {
        file: path_for_messages.to_path_buf(),
        line,
        column,
        tenant: None,
        message,
        help,
    };
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(SpecErrors(vec![diag(
            0,
            0,
            too_big_message(text.len() as u64),
            Some(too_big_help()),
        )]));
    }
    if is_blank(text) {
        return Err(SpecErrors(vec![diag(
            1,
            1,
            "the file is empty".into(),
            Some(NO_TENANTS_HELP.into()),
        )]));
    }
    if let Some(result) = parse_fast(path_for_messages, text, vars) {
        return result;
    }
    parse_serde(path_for_messages, text, vars)
}

/// The fast path ([`crate::fast`]): `None` when the file is outside the subset it reads, and
/// the caller must use [`parse_serde`]. When it returns `Some`, the result is the one
/// `parse_serde` gives (tests/fast_path.rs and the `spec_fast_path` fuzz target check that).
#[doc(hidden)]
pub fn parse_fast(
    path_for_messages: &Path,
    text: &str,
    vars: &dyn Fn(&str) -> Option<String>,
) -> Option<Result<Spec, SpecErrors>> {
    let mut v = Validator::new(path_for_messages, text, vars);
    let protected = crate::fast::parse(text, &mut |entry| v.tenant(entry)).ok()?;
    v.protected(protected);
    Some(v.finish())
}

/// The reference parser: serde-saphyr, with its error messages mapped to diagnostics. It reads
/// every YAML construct (anchors, tags, block scalars, multi-line flows...).
#[doc(hidden)]
pub fn parse_serde(
    path_for_messages: &Path,
    text: &str,
    vars: &dyn Fn(&str) -> Option<String>,
) -> Result<Spec, SpecErrors> {
    let options = serde_saphyr::options! {
        strict_booleans: true,
        with_snippet: false,
        budget: Some(budget()),
    };
    let raw: RawFile = match serde_saphyr::from_str_with_options(text, options) {
        Ok(raw) => raw,
        Err(e) => return Err(SpecErrors(vec![yaml_error(path_for_messages, text, &e)])),
    };
    let mut v = Validator::new(path_for_messages, text, vars);
    let Some(raw_tenants) = raw.tenants else {
        v.push(
            Location { line: 1, column: 1 },
            None,
            "the file has no `tenants:` list".into(),
            Some(NO_TENANTS_HELP.into()),
        );
        return v.finish();
    };
    if let Some(list) = raw.permissions {
        v.permissions(list);
    }
    if let Some(list) = raw.roles {
        let (roles, scope) = v.role_list(list, None);
        v.roles = Some(roles);
        v.project_roles = scope;
    }
    if let Some(drift) = &raw.drift {
        v.drift = drift.policy();
    }
    v.tenants.reserve(raw_tenants.len());
    for entry in raw_tenants {
        v.tenant(Entry::from(entry));
    }
    v.protected(
        raw.protected
            .unwrap_or_default()
            .into_iter()
            .map(|p| At {
                value: p.value,
                at: loc(p.referenced),
            })
            .collect(),
    );
    v.finish()
}

/// The default budget, with node and event caps scaled to the file size limit: a 64 MiB file of
/// plain tenants is legitimate. Alias-expansion limits (the alias-bomb guard) stay at their defaults.
fn budget() -> serde_saphyr::Budget {
    let mut b = serde_saphyr::Budget::default();
    let cap = usize::try_from(MAX_FILE_BYTES).unwrap_or(usize::MAX);
    b.max_nodes = b.max_nodes.max(cap / 2);
    b.max_events = b.max_events.max(cap);
    b
}

const NO_TENANTS_HELP: &str = "start the file with `tenants:` followed by a list of tenants (`- id: acme` / `  name: ACME Corp`), or write `tenants: []`";

fn too_big_message(len: u64) -> String {
    format!(
        "the file is {:.1} MiB; tenants.yaml files larger than {} MiB are refused",
        len as f64 / (1024.0 * 1024.0),
        MAX_FILE_BYTES / (1024 * 1024)
    )
}

fn too_big_help() -> String {
    "split the tenants across several files and sync them one at a time with --only".into()
}

fn is_blank(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l == "---" || l == "..."
    })
}

fn line_col_of_byte(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

fn loc(l: serde_saphyr::Location) -> Location {
    crate::raw::location(l)
}

/// Turns a serde-saphyr error (syntax, type, unknown key…) into one diagnostic with a fix.
fn yaml_error(path: &Path, text: &str, err: &serde_saphyr::Error) -> Diagnostic {
    use serde_saphyr::Error as E;
    let at = err.location().map(loc).unwrap_or_default();
    let tenant = tenant_at(text, at).or_else(|| tenant_by_scan(text, at));
    let key = key_before(text, at).or_else(|| key_starting_at(text, at));
    let in_tenant = tenant
        .as_deref()
        .map(|t| format!(" in tenant `{t}`"))
        .unwrap_or_default();
    let in_key = key
        .as_deref()
        .map(|k| format!(" for `{k}`"))
        .unwrap_or_default();
    let plain = || {
        let m = UserMessageFormatter
            .format_message(err.without_snippet())
            .into_owned();
        m.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
    };
    let top = top_level_kind(text);
    let (message, help) = match err.without_snippet() {
        E::Unexpected { .. } | E::SerdeInvalidType { .. } if top.is_some() => (
            format!(
                "the file is {}, but tenants.yaml is a mapping with a `tenants:` key",
                top.unwrap_or_default()
            ),
            Some(
                "write `tenants:` on the first line and indent the tenants under it: `tenants:` / `  - id: acme` / `    name: ACME Corp`"
                    .to_owned(),
            ),
        ),
        E::SerdeUnknownField { field, expected, .. } => {
            // serde's list of the keys of the mapping the key is in (tenant, role, settings…).
            let keys: &[&str] = if expected.is_empty() { FILE_KEYS } else { expected.as_slice() };
            let help = match nearest(field, keys) {
                Some(k) => format!("did you mean `{k}`?"),
                None => format!("valid keys here: {}", keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")),
            };
            (format!("unknown key `{field}`{in_tenant}"), Some(help))
        }
        E::SerdeMissingField { field, .. } => {
            if *field == "tenants" {
                ("the file has no `tenants:` list".to_owned(), Some(NO_TENANTS_HELP.to_owned()))
            } else {
                (
                    format!("missing required key `{field}`{in_tenant}"),
                    Some(format!("add `{field}: ...` to the entry")),
                )
            }
        }
        E::InvalidBooleanStrict { .. } => (
            format!("invalid boolean{in_key}{in_tenant}"),
            Some("write `true` or `false` (YAML 1.1 words such as yes, no, on, off are not booleans here)".to_owned()),
        ),
        E::DuplicateMappingKey { key: k, .. } => (
            format!("key `{}` appears twice in the same mapping{in_tenant}", k.as_deref().unwrap_or("?")),
            Some("remove one of the two".to_owned()),
        ),
        E::SerdeInvalidType { unexpected, expected, .. } => (
            format!(
                "wrong type{in_key}{in_tenant}: expected {}, found {}",
                in_words(&expected.to_string()),
                in_words(&unexpected.replace("unit value", "null"))
            ),
            expected_help(key.as_deref()),
        ),
        E::Unexpected { expected, .. } => (
            format!(
                "wrong type{in_key}{in_tenant}: expected {}",
                in_words(expected)
            ),
            expected_help(key.as_deref()).or_else(|| {
                (key.is_none() && tenant.is_none()).then(|| {
                    if inside_tenants_list(text, at) {
                        TENANT_ENTRY_HELP.to_owned()
                    } else {
                        NO_TENANTS_HELP.to_owned()
                    }
                })
            }),
        ),
        E::NullIntoString { .. } => (
            format!("missing value{in_key}{in_tenant}"),
            Some("write a value, or remove the key to leave the field unmanaged".to_owned()),
        ),
        E::MultipleDocuments { .. } => (
            "the file holds more than one YAML document".to_owned(),
            Some("keep one document: remove the `---` line and what follows, or merge the documents".to_owned()),
        ),
        E::Eof { .. } => ("the file ends unexpectedly".to_owned(), Some(NO_TENANTS_HELP.to_owned())),
        _ if plain().contains(LIST_ITEM_NOT_STRING) => {
            let m = plain();
            let what = m.split_once(": ").map_or(m.as_str(), |(_, w)| w).trim();
            let value = what.split('`').nth(1).unwrap_or("").to_owned();
            let line = text.lines().nth(at.line.saturating_sub(1)).unwrap_or("");
            let attr = line
                .trim_start()
                .split_once(':')
                .map(|(k, _)| k.trim().trim_matches(['"', '\'']))
                .filter(|k| !k.is_empty() && !k.starts_with('-'));
            let of = attr.map(|a| format!(" `{a}`")).unwrap_or_default();
            let help = if what.contains("empty") {
                "remove the empty item, or write it as `\"\"`".to_owned()
            } else if value.is_empty() {
                "write each item as a string, e.g. `[a, b]`".to_owned()
            } else {
                format!("quote it to keep it as text: `\"{value}\"`")
            };
            (
                format!("custom attribute{of}{in_tenant}: {what}; a list holds only strings"),
                Some(help),
            )
        }
        _ => {
            let mut m = plain();
            if !in_key.is_empty() || !in_tenant.is_empty() {
                m = format!("{m}{in_key}{in_tenant}");
            }
            let line = text.lines().nth(at.line.saturating_sub(1)).unwrap_or("");
            let help = (line.contains("${") && (line.contains('[') || line.contains('{'))).then(|| {
                "in a flow list or map (`[...]`, `{...}`), quote values that contain `${...}`: `[\"${DOMAIN}\"]`".to_owned()
            });
            (m, help)
        }
    };
    Diagnostic {
        file: path.to_path_buf(),
        line: at.line,
        column: at.column,
        tenant,
        message,
        help,
    }
}

/// What the top level of the file is when it is not a mapping ("a list", "a single value").
fn top_level_kind(text: &str) -> Option<&'static str> {
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('%') && *l != "---")?;
    let first = first.strip_prefix("--- ").unwrap_or(first).trim_start();
    if first == "-" || first.starts_with("- ") || first.starts_with('[') {
        Some("a list")
    } else if first.starts_with(['"', '\'', '{', '&', '!', '*', '|', '>']) {
        None
    } else if !first.contains(':') {
        Some("a single value")
    } else {
        None
    }
}

fn expected_help(key: Option<&str>) -> Option<String> {
    let h = match key? {
        "id" => "write a single string, e.g. `id: acme`",
        "name" => "write a single string, e.g. `name: ACME Corp`",
        "parent" => "write a single tenant id, e.g. `parent: holding`",
        "domains" => "write a list of host names, e.g. `domains: [acme.com]`",
        "defaultRoles" => "write a list of role names, e.g. `defaultRoles: [viewer]`",
        "customAttributes" => {
            "write a mapping, e.g. `customAttributes: {plan: enterprise, seats: 50}`"
        }
        "enforceSSO" | "disabled" | "protect" | "default" | "private" | "enabled"
        | "jitDisabled" | "saml" | "oidc" | "scim" | "ssoDomains" | "groupMapping" => {
            "write `true` or `false`"
        }
        "description" => "write a single string, e.g. `description: Read-only access`",
        "renamedFrom" => "write the entry's current name, e.g. `renamedFrom: old-name`",
        "styleId" => "write a single string: the id of a style",
        "permissions" => {
            "in a role, write a list of permission names, e.g. `permissions: [projects:read]`; at the top level, a list of permissions, each starting with `- name: ...`"
        }
        "roles" => "write a list of roles, each starting with `- name: ...`",
        "settings" => "write a mapping, e.g. `settings: {sessionTokenExpiration: 15m}`",
        "ssoSetupSuite" => "write a mapping, e.g. `ssoSetupSuite: {enabled: true}`",
        "disabledFeatures" => "write a mapping, e.g. `disabledFeatures: {saml: true}`",
        "sessionTokenExpiration" | "refreshTokenExpiration" | "stepupTokenExpiration" => {
            "write a duration: a whole number and `m`, `h`, `d` or `w`, e.g. `15m`"
        }
        "inactivityTimeout" => {
            "write a duration: a whole number and `m`, `h`, `d` or `w`, e.g. `30m`; or `off`"
        }
        "tenants" => "write a list of tenants, each starting with `- id: ...`",
        "protected" => "write a list of tenant ids or glob patterns, e.g. `protected: [prod-*]`",
        "drift" => "write a mapping, e.g. `drift: {severity: {name: ignore}}`",
        "severity" => {
            "write a mapping of keys to `critical`, `warning` or `ignore`, e.g. `severity: {domains: critical}`"
        }
        _ => return None,
    };
    Some(h.to_owned())
}

/// The id of the tenant whose entry contains `at`, found with a lenient second parse that only
/// runs on the error path.
fn tenant_at(text: &str, at: Location) -> Option<String> {
    if at.line == 0 {
        return None;
    }
    let skel: Skeleton =
        serde_saphyr::from_str_with_options(text, serde_saphyr::options! { with_snippet: false })
            .ok()?;
    // A later top-level `permissions:`, `roles:` or `drift:` holding `at` names no tenant.
    let sections = [&skel.permissions, &skel.roles, &skel.drift];
    let section_start = sections
        .iter()
        .filter_map(|s| s.as_ref().map(|s| loc(s.referenced)))
        .filter(|s| *s <= at)
        .max();
    let tenants = skel.tenants?;
    let idx = tenants.partition_point(|t| loc(t.referenced) <= at);
    if let Some(s) = section_start
        && idx > 0
        && loc(tenants[idx - 1].referenced) < s
    {
        return None;
    }
    let t = &tenants[idx.checked_sub(1)?];
    let start = loc(t.referenced);
    // An error after the list (a later top-level key) sits left of the entries' column.
    if at.line != start.line && at.column < start.column {
        return None;
    }
    t.value.id.as_ref().and_then(|id| id.0.clone())
}

/// Fallback of [`tenant_at`] when even the lenient parse fails: the nearest `id:` at or above
/// the error line.
fn tenant_by_scan(text: &str, at: Location) -> Option<String> {
    let lines: Vec<&str> = text.lines().take(at.line).collect();
    let v = lines
        .iter()
        .rev()
        .take_while(|l| {
            !l.starts_with("permissions:") && !l.starts_with("roles:") && !l.starts_with("drift:")
        })
        .find_map(|l| {
            let t = l.trim_start().trim_start_matches(['-', '{', ' ']);
            t.strip_prefix("id:").map(str::trim)
        })?;
    scanned_id(v)
}

/// The id written after `id:` on a line of a file that does not parse: a plain or quoted scalar,
/// up to a comment or the end of a flow entry, with `${VAR}` references kept whole. A value that is
/// not a scalar (a list, a mapping, a null, an alias, a tag, a block scalar) names no tenant.
fn scanned_id(v: &str) -> Option<String> {
    if v.is_empty()
        || v.starts_with(['[', '{', '~', '&', '*', '!', '|', '>'])
        || matches!(v, "null" | "Null" | "NULL")
    {
        return None;
    }
    let id = match v.chars().next()? {
        q @ ('"' | '\'') => v[1..].split(q).next()?.to_owned(),
        _ => {
            let mut out = String::new();
            let mut in_var = false;
            let mut prev = ' ';
            for c in v.chars() {
                if !in_var && (c == ',' || c == '}' || (c == '#' && prev == ' ')) {
                    break;
                }
                if c == '{' && prev == '$' {
                    in_var = true;
                } else if c == '}' {
                    in_var = false;
                }
                out.push(c);
                prev = c;
            }
            out.trim().to_owned()
        }
    };
    (!id.is_empty()).then_some(id)
}

/// The parser's names for YAML nodes in the user's words.
fn in_words(what: &str) -> String {
    what.replace("mapping start", "a mapping (`key: value` pairs)")
        .replace("sequence start", "a list")
        .replace("string scalar", "a single string")
}

/// How a tenant entry is written, for an entry of `tenants:` that is not a mapping.
const TENANT_ENTRY_HELP: &str = "each entry of `tenants:` is a mapping: `- id: acme` with `name: ACME Corp` on the next line, indented under `id`";

/// Whether `at` lies after a top-level `tenants:` key (on its line or below it).
fn inside_tenants_list(text: &str, at: Location) -> bool {
    text.lines()
        .take(at.line)
        .any(|l| l.starts_with("tenants:"))
        && at.column > 1
}

/// The mapping key that starts at `at` (`  k: null` with `at` on `k` → `k`), if any.
fn key_starting_at(text: &str, at: Location) -> Option<String> {
    let line = text.lines().nth(at.line.checked_sub(1)?)?;
    let rest: String = line.chars().skip(at.column.saturating_sub(1)).collect();
    let (key, _) = rest.split_once(':')?;
    let key = key.trim().trim_matches(['"', '\'']);
    (!key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    .then(|| key.to_owned())
}

/// The mapping key written just before `at` on its line (`  name: [x]` → `name`), if any.
fn key_before(text: &str, at: Location) -> Option<String> {
    let line = text.lines().nth(at.line.checked_sub(1)?)?;
    let before: String = line.chars().take(at.column.saturating_sub(1)).collect();
    let before = before.trim_end().strip_suffix(':')?;
    let key: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    (!key.is_empty()).then_some(key)
}

/// Something displayed by a closure (a message part built only when a diagnostic needs it).
struct DisplayFn<F: Fn(&mut std::fmt::Formatter<'_>) -> std::fmt::Result>(F);

impl<F: Fn(&mut std::fmt::Formatter<'_>) -> std::fmt::Result> std::fmt::Display for DisplayFn<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        (self.0)(f)
    }
}

/// Substitutes and validates entries one at a time (so the fast path never holds the whole
/// raw file), collecting every problem.
struct Validator<'a> {
    path: &'a Path,
    /// The file's text, to read back how a non-integer number was written.
    text: &'a str,
    /// Byte offsets of line starts in `text`, built when first needed.
    line_starts: Vec<usize>,
    vars: &'a dyn Fn(&str) -> Option<String>,
    diags: Vec<Diagnostic>,
    tenants: Vec<DesiredTenant>,
    protected: Vec<String>,
    drift: crate::DriftPolicy,
    ids: FastMap<String, Location>,
    names: FastMap<String, (String, Location)>,
    permissions: Option<Vec<DesiredPermission>>,
    roles: Option<Vec<DesiredRole>>,
    /// Names of the file's permissions (when it has `permissions:`).
    permission_names: Option<Scope>,
    project_roles: Scope,
    /// The roles of each tenant that has `roles:`.
    tenant_roles: FastMap<String, Scope>,
    /// Permission references of roles (the permission, the role, its tenant), resolved in
    /// `finish` (the permissions may come later in the file).
    permission_refs: Vec<(At<String>, String, Option<String>)>,
    /// Default roles of tenants (tenant id, role), resolved in `finish`.
    default_role_refs: Vec<(String, At<String>)>,
}

/// The names an identity scope of the file defines (permissions, project roles, one tenant's
/// roles), and the old names it renames: `old → (new, where renamedFrom is)`.
#[derive(Default)]
struct Scope {
    names: HashMap<String, Location>,
    renamed: HashMap<String, (String, Location)>,
}

/// The fewest bytes a tenant entry usually takes in a file (`- id: …` and `name: …` lines with
/// values), for the guess above.
const MIN_TENANT_YAML_BYTES: usize = 64;

/// The most tenants reserved for up front, whatever the file's size.
const MAX_RESERVED_TENANTS: usize = 1 << 20;

impl<'a> Validator<'a> {
    fn new(path: &'a Path, text: &'a str, vars: &'a dyn Fn(&str) -> Option<String>) -> Self {
        // Room for the tenants a file of this size may hold, reserved up front: growing the
        // list of 100,000 tenants by doubling left 40 MB of copied-from buffers behind. A guess
        // that is too high only reserves address space that is never touched.
        let guess = (text.len() / MIN_TENANT_YAML_BYTES).min(MAX_RESERVED_TENANTS);
        // A hash table touches all its slots as it fills, so the indexes get a low guess.
        let index_guess = guess / 2;
        Self {
            path,
            text,
            line_starts: Vec::new(),
            vars,
            diags: Vec::new(),
            tenants: Vec::with_capacity(guess),
            protected: Vec::new(),
            drift: crate::DriftPolicy::default(),
            ids: fast_map(index_guess),
            names: fast_map(index_guess),
            permissions: None,
            roles: None,
            permission_names: None,
            project_roles: Scope::default(),
            tenant_roles: fast_map(0),
            permission_refs: Vec::new(),
            default_role_refs: Vec::new(),
        }
    }

    fn push(&mut self, at: Location, tenant: Option<&str>, message: String, help: Option<String>) {
        self.diags.push(Diagnostic {
            file: self.path.to_path_buf(),
            line: at.line,
            column: at.column,
            tenant: tenant.map(str::to_owned),
            message,
            help,
        });
    }

    /// Substitutes one located string of tenant `tenant`; on error records a diagnostic and
    /// returns `None`.
    fn subst(
        &mut self,
        value: String,
        at: Location,
        what: &dyn std::fmt::Display,
        tenant: &str,
    ) -> Option<String> {
        if !value.contains('$') {
            return Some(value); // nothing to substitute: no copy
        }
        let owner = DisplayFn(|f| write!(f, "tenant `{tenant}`"));
        self.subst_in(value, at, what, Some(tenant), &owner)
    }

    /// Substitutes one located string of `owner` ("tenant `acme`", "role `viewer`"), in tenant
    /// `tenant` if any; on error records a diagnostic and returns `None`.
    fn subst_in(
        &mut self,
        value: String,
        at: Location,
        what: &dyn std::fmt::Display,
        tenant: Option<&str>,
        owner: &dyn std::fmt::Display,
    ) -> Option<String> {
        if !value.contains('$') {
            return Some(value);
        }
        match substitute(&value, self.vars) {
            Ok(v) => Some(v),
            Err(e) => {
                let (message, help) = match e {
                    SubstError::Undefined(var) => (
                        format!("variable `{var}` is not set (`${{{var}}}` in the {what} of {owner})"),
                        format!("set {var}, or give a default: `${{{var}:-default}}`"),
                    ),
                    SubstError::Unclosed(reference) => (
                        format!("`{reference}` has no closing `}}` ({what} of {owner})"),
                        "close it: `${VAR}`, or write `$${` for a literal `${`".to_owned(),
                    ),
                    SubstError::BadName(n) => (
                        format!("`${{{n}}}` is not a valid variable reference ({what} of {owner})"),
                        "a variable name is letters, digits and `_`, not starting with a digit: `${VAR}` or `${VAR:-default}`; write `$${` for a literal `${`".to_owned(),
                    ),
                };
                self.push(at, tenant, message, Some(help));
                None
            }
        }
    }

    /// The plain token written at `at`: from there to a space, a comma, a closing bracket or a
    /// comment.
    fn token_at(&mut self, at: Location) -> Option<&'a str> {
        if self.line_starts.is_empty() {
            self.line_starts.push(0);
            self.line_starts
                .extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
        }
        let start = *self.line_starts.get(at.line.checked_sub(1)?)?;
        let line = self.text[start..].split('\n').next()?;
        let (off, _) = line.char_indices().nth(at.column.checked_sub(1)?)?;
        let rest = &line[off..];
        let end = rest
            .find([' ', '\t', '\r', ',', ']', '}', '#'])
            .unwrap_or(rest.len());
        Some(&rest[..end])
    }

    /// The number token written at `at` (a plain scalar), if the text there is one.
    fn number_text_at(&mut self, at: Location) -> Option<&'a str> {
        let token = self.token_at(at)?;
        let t = token.strip_prefix('+').unwrap_or(token);
        crate::rules::looks_like_number(t).then_some(token)
    }

    /// The plain token at `at` when it is a decimal number written with a leading zero (`007`,
    /// `-012.5`), which YAML reads as a number without its zeros.
    fn leading_zero_number_at(&mut self, at: Location) -> Option<&'a str> {
        let token = self.token_at(at)?;
        let body = token.trim_start_matches(['+', '-']);
        let digits = body.split(['.', 'e', 'E']).next().unwrap_or("");
        (digits.len() > 1
            && digits.starts_with('0')
            && digits.bytes().all(|b| b.is_ascii_digit())
            && body.parse::<f64>().is_ok())
        .then_some(token)
    }

    /// A number that is not an integer: refused when the way it is written is not the value a
    /// 64-bit float holds (an integer beyond 64 bits, too many digits), never silently rounded.
    fn check_number(&mut self, n: &serde_json::Number, at: Location, key: &str, tenant: &str) {
        if let Some(token) = self.leading_zero_number_at(at) {
            // YAML reads `007` as the number 7 (a float here): a value like a zip code or an
            // account number would silently lose its zeros.
            self.push(
                at,
                Some(tenant),
                format!(
                    "custom attribute `{key}` in tenant `{tenant}`: `{token}` has a leading zero, which a number cannot keep"
                ),
                Some(format!(
                    "quote it to keep it as text: `{key}: \"{token}\"` (or write the number without the leading zero)"
                )),
            );
            return;
        }
        if !n.is_f64() {
            return;
        }
        let Some(token) = self.number_text_at(at) else {
            // Not written as a plain number here (an alias, a tag): judge by the value alone.
            let x = n.as_f64().unwrap_or(0.0);
            if x.fract() == 0.0 && x.abs() >= 9.2e18 {
                self.push(
                    at,
                    Some(tenant),
                    format!(
                        "custom attribute `{key}` in tenant `{tenant}`: the number is outside the range of a 64-bit integer"
                    ),
                    Some("write it as a quoted string to keep it as text".to_owned()),
                );
            }
            return;
        };
        if let Err(why) = crate::rules::exact_number(token) {
            self.push(
                at,
                Some(tenant),
                format!("custom attribute `{key}` in tenant `{tenant}`: {why}"),
                Some(format!("quote it to keep it as text: `{key}: \"{token}\"`")),
            );
        }
    }

    /// The top-level `protected:` list.
    fn protected(&mut self, list: Vec<At<String>>) {
        for p in list {
            if let Err(e) = glob::Pattern::new(&p.value) {
                self.push(
                    p.at,
                    None,
                    format!(
                        "`{}` in `protected` is not a valid glob pattern: {}",
                        p.value, e.msg
                    ),
                    Some("write a tenant id, or a pattern using `*`, `?` and `[a-z]`".into()),
                );
            }
            self.protected.push(p.value);
        }
    }

    fn finish(mut self) -> Result<Spec, SpecErrors> {
        let unresolved = self.resolve();
        if self.diags.is_empty() {
            Ok(Spec {
                path: self.path.to_path_buf(),
                tenants: self.tenants,
                protected: self.protected,
                drift: self.drift,
                permissions: self.permissions,
                roles: self.roles,
                unresolved,
            })
        } else {
            self.diags.sort_by_key(|d| (d.line, d.column));
            Err(SpecErrors(self.diags))
        }
    }

    /// Validates one entry; a valid one joins `self.tenants`.
    fn tenant(&mut self, raw: Entry) {
        let errors_before = self.diags.len();
        let at = raw.at;
        let id = raw.id.value;
        let id_at = raw.id.at;
        if !is_valid_id(&id) {
            let help = if id.contains("${") {
                "ids are not substituted: write the id itself. ".to_owned() + ID_HELP
            } else {
                ID_HELP.to_owned()
            };
            self.push(
                id_at,
                Some(&id),
                format!("invalid tenant id `{id}`"),
                Some(help),
            );
        }
        match self.ids.get(&id) {
            Some(first) => {
                let first = *first;
                self.push(
                    id_at,
                    Some(&id),
                    format!("tenant id `{id}` is defined twice"),
                    Some(format!(
                        "first defined at line {}, column {}; ids must be unique: rename or remove one of them",
                        first.line, first.column
                    )),
                );
            }
            None => {
                self.ids.insert(id.clone(), id_at);
            }
        }

        let name_at = raw.name.at;
        let name = self.subst(raw.name.value, name_at, &"name", &id);
        if let Some(name) = &name {
            if name.trim().is_empty() {
                self.push(
                    name_at,
                    Some(&id),
                    format!("tenant `{id}` has an empty name"),
                    Some("write a name, e.g. `name: ACME Corp`".into()),
                );
            } else if let Some((other, first)) = self.names.get(name) {
                let (other, first) = (other.clone(), *first);
                self.push(
                    name_at,
                    Some(&id),
                    format!(
                        "tenant name `{name}` of tenant `{id}` is already used by tenant `{other}`"
                    ),
                    Some(format!(
                        "first defined at line {}, column {}; names must be unique in the project",
                        first.line, first.column
                    )),
                );
            } else {
                self.names.insert(name.clone(), (id.clone(), name_at));
            }
        }

        let domains = raw.domains.map(|list| {
            let mut seen: HashMap<String, Location> = HashMap::new();
            let mut out = Vec::with_capacity(list.len());
            for d in list {
                let Some(v) = self.subst(d.value, d.at, &"domains", &id) else {
                    continue;
                };
                if let Some(help) = domain_problem(&v) {
                    self.push(
                        d.at,
                        Some(&id),
                        format!("invalid domain `{v}` in tenant `{id}`"),
                        Some(help),
                    );
                } else if let Some(first) = seen.get(&v) {
                    let first = *first;
                    self.push(
                        d.at,
                        Some(&id),
                        format!("domain `{v}` is listed twice in tenant `{id}`"),
                        Some(format!(
                            "first listed at line {}, column {}; remove one",
                            first.line, first.column
                        )),
                    );
                } else {
                    seen.insert(v.clone(), d.at);
                }
                out.push(v);
            }
            out
        });

        let custom_attributes = raw.custom_attributes.map(|attrs| {
            let mut out = Vec::with_capacity(attrs.len());
            for (key, value) in attrs {
                let v_at = value.at;
                if key.trim().is_empty() {
                    self.push(
                        v_at,
                        Some(&id),
                        format!("empty custom attribute key in tenant `{id}`"),
                        Some("name the attribute as it is defined in the Descope console".into()),
                    );
                }
                // Only formatted for a diagnostic.
                let what = DisplayFn(|f| write!(f, "customAttributes.{key}"));
                let value = match value.value {
                    AttrValue::String(s) => self.subst(s, v_at, &what, &id).map(AttrValue::String),
                    AttrValue::List(items) => {
                        let mut subst = Vec::with_capacity(items.len());
                        for item in items {
                            if let Some(v) = self.subst(item, v_at, &what, &id) {
                                subst.push(v);
                            }
                        }
                        Some(AttrValue::List(subst))
                    }
                    AttrValue::Number(n) => {
                        self.check_number(&n, v_at, &key, &id);
                        Some(AttrValue::Number(n))
                    }
                    other => Some(other),
                };
                if let Some(v) = value {
                    out.push((key, v.into_json()));
                }
            }
            out.into_iter().collect::<descope_model::Attrs>()
        });

        let parent_location = raw.parent.as_ref().map_or(at, |p| p.at);
        let parent = raw.parent.and_then(|p| {
            let p_at = p.at;
            let v = self.subst(p.value, p_at, &"parent", &id)?;
            if !is_valid_id(&v) {
                self.push(
                    p.at,
                    Some(&id),
                    format!("invalid parent id `{v}` in tenant `{id}`"),
                    Some(ID_HELP.into()),
                );
            } else if v == id {
                self.push(
                    p.at,
                    Some(&id),
                    format!("tenant `{id}` names itself as its parent"),
                    Some("remove `parent`, or name another tenant".into()),
                );
            }
            Some(v)
        });

        let default_roles = raw.default_roles.map(|roles| {
            let mut out = Vec::with_capacity(roles.len());
            for r in roles {
                let r_at = r.at;
                let Some(v) = self.subst(r.value, r_at, &"defaultRoles", &id) else {
                    continue;
                };
                if v.trim().is_empty() {
                    self.push(
                        r.at,
                        Some(&id),
                        format!("empty role name in `defaultRoles` of tenant `{id}`"),
                        Some("write a role name defined in the project, or remove the item".into()),
                    );
                } else {
                    self.default_role_refs.push((
                        id.clone(),
                        At {
                            value: v.clone(),
                            at: r_at,
                        },
                    ));
                }
                out.push(v);
            }
            out
        });

        let settings = raw.settings.map(|s| self.settings(s, &id));
        let roles = raw.roles.map(|list| {
            let (roles, scope) = self.role_list(list, Some(&id));
            self.tenant_roles.insert(id.clone(), scope);
            roles
        });

        if self.diags.len() > errors_before {
            return;
        }
        let Some(name) = name else { return };
        self.tenants.push(DesiredTenant {
            id,
            name,
            domains,
            custom_attributes,
            enforce_sso: raw.enforce_sso,
            disabled: raw.disabled,
            parent,
            default_roles,
            protect: raw.protect.unwrap_or(false),
            location: at,
            parent_location,
            settings,
            roles,
        });
    }
}

/// One entry of an identity scope, for [`Validator::identities`]: its name and `renamedFrom`.
struct Identity {
    name: At<String>,
    renamed_from: Option<At<String>>,
}

/// Permissions, roles, settings, and the references between them.
impl Validator<'_> {
    /// The top-level `permissions:` list.
    fn permissions(&mut self, list: Vec<Spanned<RawPermission>>) {
        let mut out = Vec::with_capacity(list.len());
        let mut ids = Vec::with_capacity(list.len());
        for entry in list {
            let at = loc(entry.referenced);
            let p = entry.value;
            let name_at = loc(p.name.referenced);
            let owner_name = p.name.value.clone();
            let owner = DisplayFn(|f| write!(f, "permission `{owner_name}`"));
            let Some(name) = self.subst_in(p.name.value, name_at, &"name", None, &owner) else {
                continue;
            };
            let description = p.description.and_then(|d| {
                let d_at = loc(d.referenced);
                self.subst_in(d.value, d_at, &"description", None, &owner)
            });
            let renamed_from = self.renamed_from(p.renamed_from, None, &owner);
            ids.push(Identity {
                name: At {
                    value: name.clone(),
                    at: name_at,
                },
                renamed_from: renamed_from.clone(),
            });
            out.push(DesiredPermission {
                name,
                description,
                renamed_from_location: renamed_from.as_ref().map_or(at, |r| r.at),
                renamed_from: renamed_from.map(|r| r.value),
                location: at,
            });
        }
        self.permission_names = Some(self.identities(&ids, "permission", None));
        self.permissions = Some(out);
    }

    /// A `roles:` list: the project's (`tenant` `None`) or a tenant's.
    fn role_list(
        &mut self,
        list: Vec<Spanned<RawRole>>,
        tenant: Option<&str>,
    ) -> (Vec<DesiredRole>, Scope) {
        let mut out = Vec::with_capacity(list.len());
        let mut ids = Vec::with_capacity(list.len());
        for entry in list {
            let at = loc(entry.referenced);
            let r = entry.value;
            let name_at = loc(r.name.referenced);
            let owner_name = r.name.value.clone();
            let owner = DisplayFn(|f| match tenant {
                Some(t) => write!(f, "role `{owner_name}` of tenant `{t}`"),
                None => write!(f, "role `{owner_name}`"),
            });
            let Some(name) = self.subst_in(r.name.value, name_at, &"name", tenant, &owner) else {
                continue;
            };
            let description = r.description.and_then(|d| {
                let d_at = loc(d.referenced);
                self.subst_in(d.value, d_at, &"description", tenant, &owner)
            });
            let permissions = r.permissions.map(|list| {
                let mut seen: HashMap<String, Location> = HashMap::new();
                let mut names = Vec::with_capacity(list.len());
                for p in list {
                    let p_at = loc(p.referenced);
                    let Some(v) = self.subst_in(p.value, p_at, &"permissions", tenant, &owner)
                    else {
                        continue;
                    };
                    if v.trim().is_empty() {
                        self.push(
                            p_at,
                            tenant,
                            format!("empty permission name in {owner}"),
                            Some("write the name of a permission, or remove the item".to_owned()),
                        );
                    } else if let Some(first) = seen.get(&v) {
                        let first = *first;
                        self.push(
                            p_at,
                            tenant,
                            format!("permission `{v}` is listed twice in {owner}"),
                            Some(format!(
                                "first listed at line {}, column {}; remove one",
                                first.line, first.column
                            )),
                        );
                    } else {
                        seen.insert(v.clone(), p_at);
                        self.permission_refs.push((
                            At {
                                value: v.clone(),
                                at: p_at,
                            },
                            name.clone(),
                            tenant.map(str::to_owned),
                        ));
                    }
                    names.push(v);
                }
                names
            });
            let renamed_from = self.renamed_from(r.renamed_from, tenant, &owner);
            ids.push(Identity {
                name: At {
                    value: name.clone(),
                    at: name_at,
                },
                renamed_from: renamed_from.clone(),
            });
            out.push(DesiredRole {
                name,
                description,
                permissions,
                default: r.default,
                private: r.private,
                protect: r.protect.unwrap_or(false),
                renamed_from_location: renamed_from.as_ref().map_or(at, |r| r.at),
                renamed_from: renamed_from.map(|r| r.value),
                location: at,
            });
        }
        let what = match tenant {
            Some(_) => "role",
            None => "project role",
        };
        let scope = self.identities(&ids, what, tenant);
        (out, scope)
    }

    /// A `renamedFrom` value, substituted.
    fn renamed_from(
        &mut self,
        raw: Option<Spanned<String>>,
        tenant: Option<&str>,
        owner: &dyn std::fmt::Display,
    ) -> Option<At<String>> {
        let raw = raw?;
        let at = loc(raw.referenced);
        let value = self.subst_in(raw.value, at, &"renamedFrom", tenant, owner)?;
        Some(At { value, at })
    }

    /// Checks the names of one scope: none empty or listed twice; each `renamedFrom` names no
    /// entry of the scope (itself included) and no two entries rename the same old name.
    fn identities(&mut self, ids: &[Identity], what: &str, tenant: Option<&str>) -> Scope {
        let mut scope = Scope::default();
        let in_tenant = tenant
            .map(|t| format!(" of tenant `{t}`"))
            .unwrap_or_default();
        for id in ids {
            let n = &id.name;
            if n.value.trim().is_empty() {
                self.push(
                    n.at,
                    tenant,
                    format!("empty {what} name{in_tenant}"),
                    Some("write a name, e.g. `name: viewer`".to_owned()),
                );
            } else if let Some(first) = scope.names.get(&n.value) {
                let first = *first;
                self.push(
                    n.at,
                    tenant,
                    format!("{what} `{}`{in_tenant} is listed twice", n.value),
                    Some(format!(
                        "first listed at line {}, column {}; names must be unique: rename or remove one of them",
                        first.line, first.column
                    )),
                );
            } else {
                scope.names.insert(n.value.clone(), n.at);
            }
        }
        for id in ids {
            let Some(old) = &id.renamed_from else {
                continue;
            };
            let new = &id.name.value;
            if old.value.trim().is_empty() {
                self.push(
                    old.at,
                    tenant,
                    format!("empty `renamedFrom` in {what} `{new}`{in_tenant}"),
                    Some(
                        "write the current (live) name of the entry, or remove `renamedFrom`"
                            .to_owned(),
                    ),
                );
            } else if old.value == *new {
                self.push(
                    old.at,
                    tenant,
                    format!("{what} `{new}`{in_tenant} is renamed from itself"),
                    Some("remove `renamedFrom`".to_owned()),
                );
            } else if let Some(other) = scope.names.get(&old.value) {
                let other = *other;
                self.push(
                    old.at,
                    tenant,
                    format!(
                        "`renamedFrom: {}` of {what} `{new}`{in_tenant} names an entry of this file",
                        old.value
                    ),
                    Some(format!(
                        "`{}` is listed at line {}, column {}; the old name of a rename must not be in the file: remove that entry, or remove `renamedFrom`",
                        old.value, other.line, other.column
                    )),
                );
            } else if let Some((first, first_at)) = scope.renamed.get(&old.value) {
                let (first, first_at) = (first.clone(), *first_at);
                self.push(
                    old.at,
                    tenant,
                    format!(
                        "`{}` is renamed twice{in_tenant}: to `{first}` and to `{new}`",
                        old.value
                    ),
                    Some(format!(
                        "the first `renamedFrom` is at line {}, column {}; keep one of the two",
                        first_at.line, first_at.column
                    )),
                );
            } else {
                scope
                    .renamed
                    .insert(old.value.clone(), (new.clone(), old.at));
            }
        }
        scope
    }

    /// One tenant's `settings:`.
    fn settings(&mut self, raw: Spanned<RawSettings>, tenant: &str) -> DesiredSettings {
        let at = loc(raw.referenced);
        let s = raw.value;
        let session_token_location = s
            .session_token_expiration
            .as_ref()
            .map_or(at, |d| loc(d.referenced));
        let session = self.duration(s.session_token_expiration, "sessionTokenExpiration", tenant);
        let refresh = self.duration(s.refresh_token_expiration, "refreshTokenExpiration", tenant);
        let stepup = self.duration(s.stepup_token_expiration, "stepupTokenExpiration", tenant);
        let inactivity = s.inactivity_timeout.and_then(|d| {
            let d_at = loc(d.referenced);
            let text = self.subst(d.value.0, d_at, &"inactivityTimeout", tenant)?;
            if text.trim() == "off" {
                return Some(Inactivity::Off);
            }
            self.parse_duration_at(&text, d_at, "inactivityTimeout", tenant)
                .map(Inactivity::After)
        });
        if let Some(session) = session
            && let Err(p) = check_session_rule(session, refresh)
        {
            self.push(
                session_token_location,
                Some(tenant),
                format!("{} in tenant `{tenant}`", p.message),
                Some(p.help),
            );
        }
        let sso_setup_suite = s.sso_setup_suite.map(|suite| {
            let suite = suite.value;
            SsoSetupSuite {
                enabled: suite.enabled,
                style_id: suite.style_id.and_then(|id| {
                    let id_at = loc(id.referenced);
                    self.subst(id.value, id_at, &"ssoSetupSuite.styleId", tenant)
                }),
                disabled_features: suite.disabled_features.map(|f| DisabledFeatures {
                    saml: f.saml,
                    oidc: f.oidc,
                    scim: f.scim,
                    sso_domains: f.sso_domains,
                    group_mapping: f.group_mapping,
                }),
            }
        });
        DesiredSettings {
            enabled: s.enabled.unwrap_or(true),
            session_token_expiration: session,
            refresh_token_expiration: refresh,
            stepup_token_expiration: stepup,
            inactivity_timeout: inactivity,
            jit_disabled: s.jit_disabled,
            sso_setup_suite,
            location: at,
            session_token_location,
        }
    }

    /// A duration setting, substituted and read.
    fn duration(
        &mut self,
        raw: Option<Spanned<DurationText>>,
        key: &str,
        tenant: &str,
    ) -> Option<Duration> {
        let raw = raw?;
        let at = loc(raw.referenced);
        let text = self.subst(raw.value.0, at, &key, tenant)?;
        self.parse_duration_at(&text, at, key, tenant)
    }

    fn parse_duration_at(
        &mut self,
        text: &str,
        at: Location,
        key: &str,
        tenant: &str,
    ) -> Option<Duration> {
        match parse_duration(text) {
            Ok(d) => Some(d),
            Err(p) => {
                self.push(
                    at,
                    Some(tenant),
                    format!("{key} of tenant `{tenant}`: {}", p.message),
                    Some(p.help),
                );
                None
            }
        }
    }

    /// Resolves the references within the file: a name defined in the file is resolved; the old
    /// name of a rename is an error (after the rename it no longer exists); any other name is
    /// returned, to be checked against the live project.
    fn resolve(&mut self) -> Vec<UnresolvedRef> {
        let mut unresolved = Vec::new();
        let permission_refs = std::mem::take(&mut self.permission_refs);
        for (name, role, tenant) in permission_refs {
            let file = self.permission_names.as_ref();
            if file.is_some_and(|s| s.names.contains_key(&name.value)) {
                continue;
            }
            let renamed = file.and_then(|s| s.renamed.get(&name.value)).cloned();
            if let Some((new, _)) = renamed {
                let of = tenant
                    .as_deref()
                    .map(|t| format!(" of tenant `{t}`"))
                    .unwrap_or_default();
                self.push(
                    name.at,
                    tenant.as_deref(),
                    format!(
                        "role `{role}`{of} has permission `{}`, which this file renames to `{new}`",
                        name.value
                    ),
                    Some(format!("write `{new}`")),
                );
                continue;
            }
            unresolved.push(UnresolvedRef {
                name: name.value,
                from: Reference::Permission { role, tenant },
                location: name.at,
            });
        }
        let default_role_refs = std::mem::take(&mut self.default_role_refs);
        for (tenant, name) in default_role_refs {
            let own = self.tenant_roles.get(&tenant);
            if self.project_roles.names.contains_key(&name.value)
                || own.is_some_and(|s| s.names.contains_key(&name.value))
            {
                continue;
            }
            let renamed = self
                .project_roles
                .renamed
                .get(&name.value)
                .or_else(|| own.and_then(|s| s.renamed.get(&name.value)))
                .cloned();
            if let Some((new, _)) = renamed {
                self.push(
                    name.at,
                    Some(&tenant),
                    format!(
                        "default role `{}` of tenant `{tenant}` is renamed to `{new}` in this file",
                        name.value
                    ),
                    Some(format!("write `{new}`")),
                );
                continue;
            }
            unresolved.push(UnresolvedRef {
                name: name.value,
                from: Reference::DefaultRole { tenant },
                location: name.at,
            });
        }
        unresolved.sort_by_key(|r| r.location);
        unresolved
    }
}
