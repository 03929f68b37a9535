//! Fingerprints of live tenants (and of the roles, permissions and settings a project plan
//! reads), so a saved plan can tell whether one changed since.

use serde_json::Value;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// A stable hash (FNV-1a 64, 16 hex digits) of the tenant's canonical JSON: object keys sorted at
/// every level, no whitespace. The same tenant gives the same string on every run and machine.
#[must_use]
pub fn fingerprint(t: &descope_model::Tenant) -> String {
    // The tenant's own fields serialise in a fixed order and its maps are sorted, so unless a
    // nested value holds an object (whose key order could vary) the plain encoding is already
    // canonical: hash it as it streams out, with no intermediate value (100k tenants in a plan).
    let nested_object = t
        .custom_attributes
        .values()
        .chain(t.extra.values())
        .any(holds_object);
    let hash = if nested_object {
        let value = serde_json::to_value(t).unwrap_or(Value::Null);
        let mut canonical = String::new();
        write_canonical(&value, &mut canonical);
        canonical.bytes().fold(FNV_OFFSET, fnv)
    } else {
        let mut hasher = Fnv(FNV_OFFSET);
        let _ = serde_json::to_writer(&mut hasher, t);
        hasher.0
    };
    format!("{hash:016x}")
}

/// The same hash of any JSON value (a role, a permission, a tenant's settings), canonical at
/// every level: the fingerprints of the project plan's other kinds.
pub(crate) fn fingerprint_value(v: &Value) -> String {
    let mut canonical = String::new();
    write_canonical(v, &mut canonical);
    format!("{:016x}", canonical.bytes().fold(FNV_OFFSET, fnv))
}

fn fnv(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(FNV_PRIME)
}

/// FNV-1a over everything written to it.
struct Fnv(u64);

impl std::io::Write for Fnv {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 = buf.iter().copied().fold(self.0, fnv);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn holds_object(v: &Value) -> bool {
    match v {
        Value::Object(_) => true,
        Value::Array(items) => items.iter().any(holds_object),
        _ => false,
    }
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use descope_model::Tenant;

    fn tenant() -> Tenant {
        let mut t = Tenant {
            id: "acme".into(),
            name: "ACME".into(),
            ..Tenant::default()
        };
        t.custom_attributes
            .insert("plan".into(), serde_json::json!("pro"));
        t
    }

    #[test]
    fn is_stable_and_known() {
        let a = fingerprint(&tenant());
        assert_eq!(a, fingerprint(&tenant()));
        assert_eq!(a.len(), 16);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }

    #[test]
    fn ignores_key_order_of_nested_objects() {
        let mut a = tenant();
        a.extra
            .insert("x".into(), serde_json::json!({"b": 1, "a": 2}));
        let mut b = tenant();
        b.extra
            .insert("x".into(), serde_json::json!({"a": 2, "b": 1}));
        assert_eq!(fingerprint(&a), fingerprint(&b));
    }

    #[test]
    fn changes_when_the_tenant_changes() {
        let mut b = tenant();
        b.disabled = true;
        assert_ne!(fingerprint(&tenant()), fingerprint(&b));
        let mut c = tenant();
        c.name = "ACME2".into();
        assert_ne!(fingerprint(&tenant()), fingerprint(&c));
    }

    #[test]
    fn fnv_matches_reference_vectors() {
        let h = |s: &str| {
            s.bytes().fold(FNV_OFFSET, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(FNV_PRIME)
            })
        };
        assert_eq!(h(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(h("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
