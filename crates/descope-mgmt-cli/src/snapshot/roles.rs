//! `roles.json` compared role by role and permission by permission, with the fields the service
//! fills in (an empty description, `default: false`, …) counted as given, so a file that leaves
//! them out is not a change.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::files::canonical;

/// A role or permission with the defaults the service fills in.
fn normalized(key: &str, item: &Value) -> Value {
    let mut full = if key == "roles" {
        json!({"description": "", "permissionNames": [], "default": false, "private": false})
    } else {
        json!({"description": ""})
    };
    if let (Some(full), Some(given)) = (full.as_object_mut(), item.as_object()) {
        for (k, v) in given {
            if !v.is_null() {
                full.insert(k.clone(), v.clone());
            }
        }
    }
    canonical(&full)
}

fn names(v: &Value, key: &str) -> Vec<(String, Value)> {
    v.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|x| {
            let name = x.get("name").and_then(Value::as_str).unwrap_or("");
            (name.to_owned(), normalized(key, x))
        })
        .collect()
}

/// What changes in `roles.json`, in one line; `None` when nothing does.
#[must_use]
pub fn roles_detail(live: &Value, file: &Value) -> Option<String> {
    let mut parts = Vec::new();
    for (key, label) in [("permissions", "permission"), ("roles", "role")] {
        let (l, f) = (names(live, key), names(file, key));
        let all: BTreeSet<&String> = l.iter().chain(&f).map(|(n, _)| n).collect();
        let (mut added, mut removed, mut changed) = (Vec::new(), Vec::new(), Vec::new());
        for n in all {
            let find = |list: &[(String, Value)]| {
                list.iter().find(|(x, _)| x == n).map(|(_, v)| v.clone())
            };
            match (find(l.as_slice()), find(f.as_slice())) {
                (None, Some(_)) => added.push(n.clone()),
                (Some(_), None) => removed.push(n.clone()),
                (Some(a), Some(b)) if a != b => changed.push(n.clone()),
                _ => {}
            }
        }
        for (what, list) in [("added", added), ("removed", removed), ("changed", changed)] {
            if !list.is_empty() {
                parts.push(format!("{label}s {what}: {}", list.join(", ")));
            }
        }
    }
    if parts.is_empty() {
        // Same roles and permissions; other keys of the file differ.
        let strip = |v: &Value| {
            let mut v = canonical(v);
            if let Some(m) = v.as_object_mut() {
                m.remove("roles");
                m.remove("permissions");
            }
            v
        };
        return (strip(live) != strip(file)).then(|| "changed".to_owned());
    }
    Some(parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_the_service_fills_in_are_no_change() {
        let live = json!({"permissions": [{"name": "p", "description": ""}], "roles": [{"name": "r", "description": "", "permissionNames": [], "default": false, "private": false}]});
        let file = json!({"permissions": [{"name": "p"}], "roles": [{"name": "r"}]});
        assert_eq!(roles_detail(&live, &file), None);
        let file = json!({"roles": [{"name": "r", "default": true}, {"name": "s"}]});
        assert_eq!(
            roles_detail(&live, &file).as_deref(),
            Some("permissions removed: p; roles added: s; roles changed: r")
        );
    }
}
