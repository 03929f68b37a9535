//! Fuzzes what the emulator exposes for decoding input: the `--rate-limit N/SECS` parser and the
//! fault document accepted by `PUT /__emulator/faults` (JSON into `Faults`, then `validate`).
//! The emulator's request-body decoding (tenant create/update JSON) is private to its axum handlers,
//! so it cannot be fuzzed without a public decoding function (see docs/fuzzing.md).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = descope_emulator::parse_rate_limit(text);
    }
    if let Ok(faults) = serde_json::from_slice::<descope_emulator::Faults>(data) {
        let _ = faults.validate();
    }
});
