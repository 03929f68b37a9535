//! Fuzzes the `Retry-After` parser: documented to never panic, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let now = jiff::Timestamp::from_second(1_700_000_000).expect("valid timestamp");
    let _ = descope_api::parse_retry_after(text, now);
    // Edges of the clock as well.
    let _ = descope_api::parse_retry_after(text, jiff::Timestamp::MIN);
    let _ = descope_api::parse_retry_after(text, jiff::Timestamp::MAX);
});
