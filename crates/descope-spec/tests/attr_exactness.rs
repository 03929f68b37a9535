//! Issue 11 item 14: custom attribute values from tenants.yaml are kept exactly or refused with
//! file:line:col and a fix, never changed silently — on the fast path and the serde-saphyr path
//! alike.

use std::path::Path;

use descope_spec::{parse, parse_fast, parse_serde};

fn no_vars(_: &str) -> Option<String> {
    None
}

fn file(attrs: &str) -> String {
    format!("tenants:\n  - id: a\n    name: A\n    customAttributes:\n{attrs}")
}

/// Both parsers (and `parse`) give the same error, which starts with `want`.
fn refused(text: &str, want: &str, help: &str) {
    let path = Path::new("t.yaml");
    let serde = parse_serde(path, text, &no_vars).unwrap_err();
    if let Some(fast) = parse_fast(path, text, &no_vars) {
        assert_eq!(fast.unwrap_err(), serde, "{text}");
    }
    assert_eq!(parse(path, text, &no_vars).unwrap_err(), serde);
    let msg = serde.to_string();
    assert!(msg.starts_with(want), "{text}\n got: {msg}\nwant: {want}");
    assert!(msg.contains(help), "{msg}\nwant help: {help}");
}

#[test]
fn an_integer_beyond_64_bits_is_refused_with_its_location() {
    refused(
        &file("      big: 123456789012345678901234567890\n"),
        "t.yaml:5:12: custom attribute `big` in tenant `a`: `123456789012345678901234567890` is outside the range of a 64-bit integer",
        "quote it to keep it as text: `big: \"123456789012345678901234567890\"`",
    );
    refused(
        &file("      big: -99999999999999999999\n"),
        "t.yaml:5:12: custom attribute `big`",
        "quote it",
    );
    refused(
        "tenants:\n  - id: a\n    name: A\n    customAttributes: {n: 18446744073709551616}\n",
        "t.yaml:4:27: custom attribute `n`",
        "quote it",
    );
}

#[test]
fn a_decimal_that_would_be_rounded_is_refused() {
    refused(
        &file("      pi: 3.14159265358979323846\n"),
        "t.yaml:5:11: custom attribute `pi` in tenant `a`: `3.14159265358979323846` cannot be kept exactly",
        "quote it to keep it as text",
    );
}

#[test]
fn a_mixed_list_is_refused_not_turned_into_strings() {
    refused(
        &file("      tags: [1, \"two\", 3.5, true]\n"),
        "t.yaml:5:14: custom attribute `tags` in tenant `a`: `1` is a number; a list holds only strings",
        "quote it to keep it as text: `\"1\"`",
    );
    refused(
        &file("      tags: [\"one\", true]\n"),
        "t.yaml:5:21: custom attribute `tags` in tenant `a`: `true` is a boolean",
        "`\"true\"`",
    );
    refused(
        &file("      tags:\n        - x\n        - 2.5\n"),
        "t.yaml:7:11: custom attribute",
        "`\"2.5\"`",
    );
}

#[test]
fn exact_values_are_kept_on_both_paths() {
    let text = file(
        "      big: 18446744073709551615\n      neg: -9223372036854775808\n      ratio: 0.1\n      tags: [\"1\", two, \"3.5\", \"true\"]\n",
    );
    let path = Path::new("t.yaml");
    let spec = parse_serde(path, &text, &no_vars).unwrap();
    if let Some(fast) = parse_fast(path, &text, &no_vars) {
        assert_eq!(fast.unwrap(), spec);
    }
    let attrs = spec.tenants[0].custom_attributes.as_ref().unwrap();
    assert_eq!(
        attrs["big"],
        serde_json::json!(18_446_744_073_709_551_615_u64)
    );
    assert_eq!(attrs["neg"], serde_json::json!(i64::MIN));
    assert_eq!(attrs["ratio"], serde_json::json!(0.1));
    assert_eq!(
        attrs["tags"],
        serde_json::json!(["1", "two", "3.5", "true"])
    );
}

#[test]
fn values_read_back_from_the_service_export_and_reparse_exactly() {
    // What a live tenant can hold: 64-bit integers, floats in shortest form, strings that look
    // like numbers or booleans.
    let live: serde_json::Value = serde_json::from_str(
        r#"{"id": "a", "name": "A", "customAttributes": {
            "max": 18446744073709551615, "min": -9223372036854775808, "f": 0.30000000000000004,
            "e": 1e20, "tiny": 5e-324, "s": "123456789012345678901234567890", "t": "true",
            "tags": ["1", "two"]}}"#,
    )
    .unwrap();
    let mut tenant = descope_model::Tenant {
        id: "a".into(),
        name: "A".into(),
        ..Default::default()
    };
    for (k, v) in live["customAttributes"].as_object().unwrap() {
        tenant.custom_attributes.insert(k.clone(), v.clone());
    }
    let text = descope_spec::to_yaml(&[descope_spec::desired_from_live(&tenant)]);
    let spec =
        parse(Path::new("export.yaml"), &text, &no_vars).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let back = spec.tenants[0].custom_attributes.as_ref().unwrap();
    for (k, v) in live["customAttributes"].as_object().unwrap() {
        assert_eq!(&back[k.as_str()], v, "{k} in\n{text}");
    }
}

#[test]
fn a_big_integer_behind_an_alias_is_refused_too() {
    let text = "x: &big 123456789012345678901234567890\ntenants:\n  - id: a\n    name: A\n    customAttributes:\n      n: *big\n";
    let err = parse_serde(Path::new("t.yaml"), text, &no_vars);
    // `x` is an unknown top-level key; the file is refused either way, never silently rounded.
    assert!(err.is_err());
    let text = "tenants:\n  - id: a\n    name: A\n    customAttributes:\n      m: &big 123456789012345678901234567890\n      n: *big\n";
    let msg = parse(Path::new("t.yaml"), text, &no_vars)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("custom attribute `m`"), "{msg}");
    assert!(msg.contains("custom attribute `n`"), "{msg}");
}

#[test]
fn a_number_with_a_leading_zero_is_refused_rather_than_losing_its_zeros() {
    refused(
        &file("      zip: 007\n"),
        "t.yaml:5:12: custom attribute `zip` in tenant `a`: `007` has a leading zero, which a number cannot keep",
        "quote it to keep it as text: `zip: \"007\"`",
    );
    refused(
        &file("      x: -012.5\n"),
        "t.yaml:5:10: custom attribute `x` in tenant `a`: `-012.5` has a leading zero",
        "quote it",
    );
    // Zero itself, a decimal below one, and the quoted form are fine.
    for ok in ["0", "0.5", "-0.25", "\"007\""] {
        let text = file(&format!("      x: {ok}\n"));
        parse(Path::new("t.yaml"), &text, &no_vars)
            .unwrap_or_else(|e| panic!("`{ok}` should load: {e}"));
    }
}
