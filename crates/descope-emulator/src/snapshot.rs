//! Project snapshot endpoints (reference §4.6, §10.5): export, validate and import of the whole
//! project configuration as a map of files, over the emulator's state.
//!
//! Layout (the emulator's; the service documents only `roles.json`, `project.json`, `flows/`,
//! styles and `connectors/`):
//!
//! | path | content |
//! |---|---|
//! | `project.json` | the project's name and settings, kept opaque (`name` required) |
//! | `flows/<flowId>.json` | one flow in the v2 export shape |
//! | `styles/theme.json` | the theme in the v2 export shape |
//! | `roles.json` | `{"permissions": [{name, description}], "roles": [{name, description, permissionNames, default, private}]}`: the project's roles and its permissions but the system ones, sorted by name; no ids (they differ between projects) |
//! | `connectors/*.json`, `oauthProviders/*.json`, `outboundApps/*.json` | opaque, but each needs an `id` and may declare `secretFields: [..]`: one secret per field, supplied on import as `inputSecrets.<kind>[{id, name, type: <field>, value}]` |
//! | anything else | opaque: stored by import and returned by export unchanged; a string value is an asset (plain text for `.txt`/`.html`, base64 otherwise), left out of a `{"format": "plain"}` export |
//!
//! Validation checks every reference a flow adds (a reference its live version already holds is
//! not re-checked, so a backup of a project whose flows name something missing imports back).
//!
//! Import makes the project match the files: flows and opaque JSON files missing from them are
//! deleted, `project.json`, the theme and `roles.json` replace what they describe when present
//! (absent, they are left alone); assets are only added or replaced, never deleted (a plain
//! export has none); `excludes: ["lists"]` leaves `lists/` as it is. The theme is replaced, not
//! merged. Deleting a project role follows into tenants' default roles, deleting a permission
//! into tenant roles, as the single deletes do. A secret already set by an earlier import is not
//! asked for again; its value is never stored, returned or echoed in an error.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::app::{App, now_secs};
use crate::catalog::{Catalog, Permission, Role, RoleEffect};
use crate::journal::Note;
use crate::respond::{ApiError, ApiResult, ok_empty, ok_json, parse_body};
use crate::store::Store;

const PROJECT_FILE: &str = "project.json";
const ROLES_FILE: &str = "roles.json";
const THEME_FILE: &str = "styles/theme.json";
const FLOWS_DIR: &str = "flows/";
const LISTS_DIR: &str = "lists/";
/// Directories of files that may need secrets, with the `missingSecrets` key of each.
const SECRET_KINDS: [&str; 3] = ["connectors", "oauthProviders", "outboundApps"];

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ExportBody {
    format: Option<String>,
}

/// One secret of `inputSecrets` (reference §4.6).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Secret {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    value: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct Secrets {
    connectors: Vec<Secret>,
    oauth_providers: Vec<Secret>,
    outbound_apps: Vec<Secret>,
}

impl Secrets {
    fn of(&self, kind: &str) -> &[Secret] {
        match kind {
            "connectors" => &self.connectors,
            "oauthProviders" => &self.oauth_providers,
            _ => &self.outbound_apps,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(crate) struct SnapshotBody {
    files: Option<Map<String, Value>>,
    input_secrets: Option<Secrets>,
    excludes: Option<Vec<String>>,
}

/// The snapshot files of the store; without `assets`, string-valued files are left out.
fn export_files(app: &App, store: &Store, assets: bool) -> Map<String, Value> {
    let mut files = Map::new();
    for (path, value) in &store.snapshot_files {
        if assets || !value.is_string() {
            files.insert(path.clone(), value.clone());
        }
    }
    files.insert(
        PROJECT_FILE.into(),
        store
            .project
            .clone()
            .unwrap_or_else(|| json!({ "name": app.config.project_id })),
    );
    for (id, flow) in &store.flows {
        files.insert(format!("{FLOWS_DIR}{id}.json"), flow.clone());
    }
    let theme = store
        .theme
        .clone()
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({ "styles": {}, "componentsVersion": "", "references": {} }));
    files.insert(THEME_FILE.into(), theme);
    let mut permissions: Vec<&Permission> = store
        .catalog
        .permissions
        .iter()
        .filter(|p| !p.system_default)
        .collect();
    permissions.sort_by(|a, b| a.name.cmp(&b.name));
    let mut roles: Vec<&Role> = store
        .catalog
        .roles
        .iter()
        .filter(|r| r.tenant_id.is_empty())
        .collect();
    roles.sort_by(|a, b| a.name.cmp(&b.name));
    files.insert(
        ROLES_FILE.into(),
        json!({
            "permissions": permissions.iter().map(|p| json!({"name": p.name, "description": p.description})).collect::<Vec<_>>(),
            "roles": roles.iter().map(|r| json!({
                "name": r.name,
                "description": r.description,
                "permissionNames": r.permission_names,
                "default": r.default,
                "private": r.private,
            })).collect::<Vec<_>>(),
        }),
    );
    files
}

/// `POST /v1/mgmt/project/snapshot/export`: `{}` or no body for everything, `{"format":
/// "plain"}` for no assets.
pub(crate) async fn export(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let b: ExportBody = parse_body(&body)?;
    let assets = match b.format.as_deref() {
        None | Some("") => true,
        Some("plain") => false,
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "Unknown snapshot format '{other}': use 'plain' or leave it out"
            )));
        }
    };
    let files = export_files(&app, &app.read_store(), assets);
    ok_json(&json!({ "files": files }))
}

/// What a check of a snapshot found.
#[derive(Debug, Default)]
struct Findings {
    failures: Vec<String>,
    /// Per kind: `{id, name, type}` of each secret not supplied.
    missing: BTreeMap<&'static str, Vec<Value>>,
}

impl Findings {
    fn ok(&self) -> bool {
        self.failures.is_empty() && self.missing.values().all(Vec::is_empty)
    }

    fn to_json(&self) -> Value {
        let mut out = json!({ "ok": self.ok() });
        if !self.failures.is_empty() {
            out["failures"] = json!(self.failures);
        }
        if self.missing.values().any(|v| !v.is_empty()) {
            let mut m = Map::new();
            for kind in SECRET_KINDS {
                m.insert(
                    kind.into(),
                    json!(self.missing.get(kind).cloned().unwrap_or_default()),
                );
            }
            out["missingSecrets"] = Value::Object(m);
        }
        out
    }
}

/// A flow id as the flow routes take it, and not empty.
fn valid_id(id: &str) -> bool {
    !id.is_empty() && crate::flows::flow_id_chars_ok(id)
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The names a flow's `references.<key>` holds: a map's keys or an array's strings (older
/// exports used an array for roles, reference §3.2).
fn referenced(flow: &Value, key: &str) -> Vec<(String, String)> {
    match flow.get("references").and_then(|r| r.get(key)) {
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_owned()))
            .collect(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(|s| (s.to_owned(), String::new()))
            .collect(),
        _ => Vec::new(),
    }
}

fn check_roles(roles_file: &Value, f: &mut Findings) {
    let Some(obj) = roles_file.as_object() else {
        f.failures.push(format!(
            "{ROLES_FILE}: must be a JSON object with `permissions` and `roles`"
        ));
        return;
    };
    let system: HashSet<&str> = crate::catalog::SYSTEM_PERMISSIONS
        .iter()
        .map(|(_, n, _)| *n)
        .collect();
    let mut defined: HashSet<String> = system.iter().map(|s| (*s).to_owned()).collect();
    let list = |key: &str, f: &mut Findings| -> Vec<Value> {
        match obj.get(key) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a.clone(),
            Some(_) => {
                f.failures
                    .push(format!("{ROLES_FILE}: `{key}` must be a list"));
                Vec::new()
            }
        }
    };
    for p in list("permissions", f) {
        let name = str_of(&p, "name");
        if name.is_empty() {
            f.failures
                .push(format!("{ROLES_FILE}: a permission has no `name`"));
        } else if system.contains(name) {
            f.failures.push(format!(
                "{ROLES_FILE}: permission '{name}' is a system permission; leave it out"
            ));
        } else if !defined.insert(name.to_owned()) {
            f.failures.push(format!(
                "{ROLES_FILE}: permission '{name}' is defined more than once"
            ));
        }
    }
    let mut names = HashSet::new();
    for r in list("roles", f) {
        let name = str_of(&r, "name");
        if name.is_empty() {
            f.failures
                .push(format!("{ROLES_FILE}: a role has no `name`"));
            continue;
        }
        if !names.insert(name.to_owned()) {
            f.failures.push(format!(
                "{ROLES_FILE}: role '{name}' is defined more than once"
            ));
        }
        for p in r
            .get("permissionNames")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let p = p.as_str().unwrap_or("");
            if !defined.contains(p) {
                f.failures.push(format!(
                    "{ROLES_FILE}: role '{name}' names permission '{p}', which is not defined"
                ));
            }
        }
    }
}

/// Checks a snapshot against itself (and, for roles it leaves alone, the live project).
fn check(store: &Store, files: &Map<String, Value>, secrets: &Secrets) -> Findings {
    let mut f = Findings::default();
    let mut connectors: Vec<(&str, &str)> = Vec::new();
    for (path, value) in files {
        if path.is_empty()
            || path.starts_with('/')
            || path.contains('\\')
            || path
                .split('/')
                .any(|seg| seg.is_empty() || seg == "." || seg == "..")
        {
            f.failures
                .push(format!("'{path}' is not a relative file path"));
            continue;
        }
        if !path.ends_with(".json") && !value.is_string() {
            f.failures.push(format!(
                "{path}: only .json files may hold JSON; any other file is a string asset"
            ));
            continue;
        }
        if path == PROJECT_FILE {
            if str_of(value, "name").is_empty() {
                f.failures
                    .push(format!("{path}: must be an object with a non-empty `name`"));
            }
        } else if path == THEME_FILE {
            if !value.is_object() || value.get("styles").is_some_and(|s| !s.is_object()) {
                f.failures.push(format!(
                    "{path}: must be a theme object whose `styles` is an object"
                ));
            }
        } else if path == ROLES_FILE {
            check_roles(value, &mut f);
        } else if let Some(name) = path.strip_prefix(FLOWS_DIR) {
            let id = name.strip_suffix(".json").unwrap_or("");
            if !valid_id(id) {
                f.failures.push(format!(
                    "{path}: a flow file is flows/<flowId>.json, with letters, digits, '_' or '-'"
                ));
            } else if !value.get("metadata").is_some_and(Value::is_object)
                || !value.get("contents").is_some_and(Value::is_object)
            {
                f.failures.push(format!(
                    "{path}: flow '{id}' needs `metadata` and `contents` objects"
                ));
            } else if value.get("flowId").is_some_and(|v| v.as_str() != Some(id)) {
                f.failures.push(format!(
                    "{path}: its flowId '{}' is not the file's name '{id}'",
                    str_of(value, "flowId")
                ));
            }
        } else if let Some(kind) = SECRET_KINDS
            .into_iter()
            .find(|k| path.strip_prefix(k).is_some_and(|r| r.starts_with('/')))
        {
            let id = str_of(value, "id");
            if id.is_empty() {
                f.failures.push(format!("{path}: needs an `id`"));
                continue;
            }
            let name = str_of(value, "name");
            if kind == "connectors" {
                connectors.push((id, name));
            }
            let fields = value.get("secretFields").and_then(Value::as_array);
            for field in fields.into_iter().flatten().filter_map(Value::as_str) {
                let supplied = secrets
                    .of(kind)
                    .iter()
                    .any(|s| s.id == id && s.kind == field && !s.value.is_empty());
                if !supplied
                    && !store
                        .snapshot_secrets
                        .contains(&format!("{kind}/{id}/{field}"))
                {
                    f.missing
                        .entry(kind)
                        .or_default()
                        .push(json!({"id": id, "name": name, "type": field}));
                }
            }
        }
    }
    let roles: BTreeSet<String> = match files.get(ROLES_FILE) {
        Some(r) => r
            .get("roles")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|r| str_of(r, "name").to_owned())
            .collect(),
        None => store
            .catalog
            .roles
            .iter()
            .filter(|r| r.tenant_id.is_empty())
            .map(|r| r.name.clone())
            .collect(),
    };
    for (path, flow) in files.iter().filter(|(p, _)| p.starts_with(FLOWS_DIR)) {
        // A reference the live flow already holds is not re-checked: the other endpoints (a v2
        // flow import, the seed) do not check references, and a backup of such a project must
        // import back. Every new reference must resolve.
        let live = path
            .strip_prefix(FLOWS_DIR)
            .and_then(|n| n.strip_suffix(".json"))
            .and_then(|id| store.flows.get(id));
        let held = |key: &str, name: &str| {
            live.is_some_and(|l| referenced(l, key).iter().any(|(n, _)| n == name))
        };
        for (name, id) in referenced(flow, "connectors") {
            if held("connectors", &name) {
                continue;
            }
            if !connectors
                .iter()
                .any(|(cid, cname)| *cname == name || (!id.is_empty() && *cid == id))
            {
                f.failures.push(format!(
                    "{path}: references connector '{name}', which is not in the snapshot (connectors/)"
                ));
            }
        }
        for (name, _) in referenced(flow, "roles") {
            if !held("roles", &name) && !roles.contains(&name) {
                f.failures.push(format!(
                    "{path}: references role '{name}', which is not defined ({ROLES_FILE})"
                ));
            }
        }
    }
    f
}

/// The parts of a validate or import body.
struct Snapshot {
    files: Map<String, Value>,
    secrets: Secrets,
    excludes: Vec<String>,
}

fn parse_snapshot(body: &Bytes) -> Result<Snapshot, ApiError> {
    let b: SnapshotBody = parse_body(body)?;
    let files = b.files.ok_or_else(|| ApiError::missing("files"))?;
    Ok(Snapshot {
        files,
        secrets: b.input_secrets.unwrap_or_default(),
        excludes: b.excludes.unwrap_or_default(),
    })
}

/// `POST /v1/mgmt/project/snapshot/validate`: `{ok, failures?, missingSecrets?}`.
pub(crate) async fn validate(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let Snapshot { files, secrets, .. } = parse_snapshot(&body)?;
    let findings = check(&app.read_store(), &files, &secrets);
    ok_json(&findings.to_json())
}

/// The catalog `roles.json` describes: system permissions and tenant roles kept, ids kept by
/// name, new ones drawn from `new_id`; and the role deletes to follow into tenants.
fn catalog_of(
    live: &Catalog,
    roles_file: &Value,
    new_id: &mut dyn FnMut(&str) -> String,
) -> (Catalog, Vec<RoleEffect>) {
    let items = |key: &str| -> Vec<Value> {
        roles_file
            .get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let mut taken: HashSet<String> = live
        .permissions
        .iter()
        .map(|p| p.id.clone())
        .chain(live.roles.iter().map(|r| r.id.clone()))
        .collect();
    let mut fresh = |prefix: &str| loop {
        let id = new_id(prefix);
        if taken.insert(id.clone()) {
            return id;
        }
    };
    // Live order is kept (what load all answers); new ones are appended in the file's order.
    let wanted_permissions = items("permissions");
    let find =
        |list: &[Value], name: &str| list.iter().find(|x| str_of(x, "name") == name).cloned();
    let mut permissions: Vec<Permission> = Vec::new();
    for l in &live.permissions {
        if l.system_default {
            permissions.push(l.clone());
        } else if let Some(p) = find(&wanted_permissions, &l.name) {
            permissions.push(Permission {
                description: str_of(&p, "description").to_owned(),
                ..l.clone()
            });
        }
    }
    for p in &wanted_permissions {
        let name = str_of(p, "name");
        if !permissions.iter().any(|x| x.name == name) {
            permissions.push(Permission {
                id: fresh("PERM"),
                name: name.to_owned(),
                description: str_of(p, "description").to_owned(),
                system_default: false,
            });
        }
    }
    let known: HashSet<&str> = permissions.iter().map(|p| p.name.as_str()).collect();
    let wanted = items("roles");
    let role_of = |r: &Value, base: Role| {
        let flag = |k: &str| r.get(k).and_then(Value::as_bool).unwrap_or(false);
        Role {
            description: str_of(r, "description").to_owned(),
            permission_names: r
                .get("permissionNames")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            default: flag("default"),
            private: flag("private"),
            ..base
        }
    };
    let mut roles: Vec<Role> = Vec::new();
    for l in &live.roles {
        if !l.tenant_id.is_empty() {
            let mut r = l.clone();
            r.permission_names.retain(|p| known.contains(p.as_str()));
            roles.push(r);
        } else if let Some(r) = find(&wanted, &l.name) {
            roles.push(role_of(&r, l.clone()));
        }
    }
    for r in &wanted {
        let name = str_of(r, "name");
        if !roles
            .iter()
            .any(|x| x.tenant_id.is_empty() && x.name == name)
        {
            let base = Role {
                id: fresh("ROL"),
                name: name.to_owned(),
                created_time: now_secs(),
                ..Role::default()
            };
            roles.push(role_of(r, base));
        }
    }
    let effects = live
        .roles
        .iter()
        .filter(|l| l.tenant_id.is_empty())
        .filter(|l| !wanted.iter().any(|r| str_of(r, "name") == l.name))
        .map(|l| RoleEffect {
            tenant_id: String::new(),
            old: l.name.clone(),
            new: None,
        })
        .collect();
    (Catalog { permissions, roles }, effects)
}

/// `POST /v1/mgmt/project/snapshot/import`: checks like validate, then applies (see the module
/// comment). A snapshot that does not validate changes nothing.
pub(crate) async fn import(State(app): State<Arc<App>>, body: Bytes) -> ApiResult {
    let Snapshot {
        mut files,
        secrets,
        excludes,
    } = parse_snapshot(&body)?;
    if let Some(bad) = excludes.iter().find(|e| e.as_str() != "lists") {
        return Err(ApiError::invalid(format!(
            "Unknown exclude '{bad}': only 'lists' can be excluded"
        )));
    }
    let keep_lists = !excludes.is_empty();
    if keep_lists {
        files.retain(|p, _| !p.starts_with(LISTS_DIR));
    }
    let mut store = app.write_store();
    let findings = check(&store, &files, &secrets);
    if !findings.ok() {
        let mut parts = findings.failures.clone();
        for (kind, missing) in &findings.missing {
            for m in missing {
                parts.push(format!(
                    "missing secret '{}' of {kind} '{}'",
                    str_of(m, "type"),
                    str_of(m, "id")
                ));
            }
        }
        return Err(ApiError::invalid(format!(
            "The snapshot is not valid: {}",
            parts.join("; ")
        )));
    }
    if let Some(project) = files.remove(PROJECT_FILE) {
        store.project = Some(project);
    }
    if let Some(theme) = files.remove(THEME_FILE) {
        store.theme = Some(theme);
        store.theme_version += 1;
    }
    if let Some(roles_file) = files.remove(ROLES_FILE) {
        let mut new_id = |prefix: &str| app.random_id(prefix);
        let (catalog, effects) = catalog_of(&store.catalog, &roles_file, &mut new_id);
        store.change_catalog(|c, _| {
            *c = catalog;
            Ok(((), effects))
        })?;
    }
    let mut flows = BTreeMap::new();
    let mut opaque = BTreeMap::new();
    for (path, value) in files {
        match path
            .strip_prefix(FLOWS_DIR)
            .and_then(|n| n.strip_suffix(".json"))
        {
            Some(id) => {
                let mut flow = value;
                if let Some(obj) = flow.as_object_mut() {
                    obj.insert("flowId".into(), json!(id));
                }
                flows.insert(id.to_owned(), flow);
            }
            None => {
                opaque.insert(path, value);
            }
        }
    }
    for (path, value) in &store.snapshot_files {
        let kept = value.is_string() || (keep_lists && path.starts_with(LISTS_DIR));
        if kept && !opaque.contains_key(path) {
            opaque.insert(path.clone(), value.clone());
        }
    }
    store.flows = flows;
    store.snapshot_files = opaque;
    for kind in SECRET_KINDS {
        for s in secrets.of(kind).iter().filter(|s| !s.value.is_empty()) {
            store
                .snapshot_secrets
                .insert(format!("{kind}/{}/{}", s.id, s.kind));
        }
    }
    drop(store);
    app.persist.mark_changed();
    Ok(Note::target(ok_empty()?, "snapshot".to_owned()))
}
