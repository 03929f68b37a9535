//! Differential fuzzing of the tenants.yaml fast path: whenever `parse_fast` reads a file, the
//! result (spec or diagnostics, with every line and column) must be exactly serde-saphyr's.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let vars = |name: &str| match name {
        "A" => Some("acme".to_owned()),
        "EMPTY" => Some(String::new()),
        _ => None,
    };
    let path = Path::new("tenants.yaml");
    if let Some(fast) = descope_spec::parse_fast(path, text, &vars) {
        let serde = descope_spec::parse_serde(path, text, &vars);
        assert_eq!(fast, serde, "the fast path and serde-saphyr differ on {text:?}");
    }
});
