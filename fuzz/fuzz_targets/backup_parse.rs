//! Fuzzes backup loading: any bytes must give a `Backup` or a `StoreError`, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("backups/P2fuzz/2026-01-01T00-00-00Z_update_tenant_acme.json");
    if let Err(e) = descope_store::parse_backup(path, data) {
        let _ = e.to_string();
    }
});
