//! Fingerprints of tenants whose unknown (passed-through) fields hold JSON objects: the service
//! may send their keys in any order, so the fingerprint must not depend on it, while any change
//! of a value, or of the order of a list, must change it.

use descope_model::Tenant;
use descope_sync::fingerprint;
use serde_json::{Value, json};

fn tenant(v: Value) -> Tenant {
    serde_json::from_value(v).expect("a tenant")
}

#[test]
fn nested_object_key_order_does_not_change_the_fingerprint() {
    let a = tenant(json!({
        "id": "acme", "name": "ACME",
        "futureField": {"b": 1, "a": {"y": [1, 2], "x": null}},
        "futureList": [{"q": "1", "p": true}, 3]
    }));
    let b = tenant(json!({
        "futureList": [{"p": true, "q": "1"}, 3],
        "name": "ACME",
        "futureField": {"a": {"x": null, "y": [1, 2]}, "b": 1},
        "id": "acme"
    }));
    let fa = fingerprint(&a);
    assert_eq!(fa, fingerprint(&b));
    assert_eq!(fa.len(), 16);
    assert!(fa.bytes().all(|c| c.is_ascii_hexdigit()), "{fa}");
    // Stable across calls.
    assert_eq!(fa, fingerprint(&a.clone()));
}

#[test]
fn a_changed_nested_value_or_list_order_changes_the_fingerprint() {
    let base = json!({
        "id": "acme", "name": "ACME",
        "futureField": {"b": 1, "a": {"y": [1, 2]}},
        "futureList": [{"p": true}, 3]
    });
    let f = fingerprint(&tenant(base.clone()));
    let mut changed = base.clone();
    changed["futureField"]["a"]["y"] = json!([1, 3]);
    assert_ne!(f, fingerprint(&tenant(changed)));
    let mut reordered = base.clone();
    reordered["futureList"] = json!([3, {"p": true}]);
    assert_ne!(f, fingerprint(&tenant(reordered)));
    let mut renamed_key = base;
    renamed_key["futureField"] = json!({"c": 1, "a": {"y": [1, 2]}});
    assert_ne!(f, fingerprint(&tenant(renamed_key)));
}

#[test]
fn a_list_of_scalars_only_takes_the_streaming_path_and_still_sees_changes() {
    let a = json!({"id": "acme", "name": "ACME", "futureList": [1, "two", [3]]});
    let mut b = a.clone();
    b["futureList"][2] = json!([4]);
    assert_ne!(fingerprint(&tenant(a.clone())), fingerprint(&tenant(b)));
    assert_eq!(fingerprint(&tenant(a.clone())), fingerprint(&tenant(a)));
}
