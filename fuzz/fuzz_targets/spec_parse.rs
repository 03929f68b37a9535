//! Fuzzes the tenants.yaml loader: any text must give a `Spec` or diagnostics, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // A few variables are defined so that `${VAR}` substitution paths are exercised both ways.
    let vars = |name: &str| match name {
        "A" => Some("acme".to_owned()),
        "EMPTY" => Some(String::new()),
        "DOLLAR" => Some("${A}".to_owned()),
        _ => None,
    };
    if let Err(errors) = descope_spec::parse(Path::new("tenants.yaml"), text, &vars) {
        // Rendering the diagnostics must not panic either.
        let _ = errors.to_string();
    }
});
