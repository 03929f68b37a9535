//! Fuzzes the emulator's request decoding and handlers: arbitrary bodies POSTed to every service
//! endpoint of one in-process emulator (state carries over between inputs, as on a real server).
//! The first byte picks the endpoint; the rest is the body. Any panic is a finding.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

const ENDPOINTS: &[(&str, &str)] = &[
    ("POST", "/v1/mgmt/tenant/create"),
    ("POST", "/v1/mgmt/tenant/update"),
    ("PATCH", "/v1/mgmt/tenant/patch"),
    ("POST", "/v1/mgmt/tenant/delete"),
    ("POST", "/v1/mgmt/tenant/search"),
    ("POST", "/v1/mgmt/tenant/settings"),
    ("POST", "/v1/mgmt/tenant/updateDefaultRoles"),
    ("POST", "/v2/mgmt/tenant/adminlinks/sso/generate"),
    ("POST", "/v1/mgmt/flow/list"),
    ("POST", "/v1/mgmt/flow/delete"),
    ("POST", "/v1/mgmt/flow/export"),
    ("POST", "/v1/mgmt/flow/import"),
    ("POST", "/v2/mgmt/flow/export"),
    ("POST", "/v2/mgmt/flow/import"),
    ("POST", "/v1/mgmt/theme/import"),
    ("POST", "/v2/mgmt/theme/import"),
    ("GET", "/v1/mgmt/tenant?id=acme"),
    ("GET", "/v1/mgmt/tenant/all"),
];

static EMULATOR: OnceLock<std::sync::Mutex<descope_emulator::InProcess>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let (method, path) = ENDPOINTS[usize::from(pick) % ENDPOINTS.len()];
    let emulator = EMULATOR.get_or_init(|| std::sync::Mutex::new(descope_emulator::InProcess::new()));
    let emulator = emulator.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let status = emulator.handle(method, path, body, pick < 240);
    assert!(status != 500, "a 500 means a handler failed on input it should have refused");
});
