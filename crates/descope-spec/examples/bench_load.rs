//! Loads a generated tenants.yaml of N tenants (default 100,000) and prints how long parsing
//! and exporting took. Run: `cargo run --release -p descope-spec --example bench_load -- 100000`
#![allow(clippy::print_stdout)]

use std::fmt::Write as _;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let mut text = String::from("tenants:\n");
    for i in 0..n {
        let _ = write!(
            text,
            "  - id: t{i}\n    name: Tenant {i}\n    domains: [t{i}.example.com]\n"
        );
    }
    let start = std::time::Instant::now();
    let spec = descope_spec::parse(std::path::Path::new("big.yaml"), &text, &|_| None)
        .expect("valid file");
    let parsed = start.elapsed();
    let start = std::time::Instant::now();
    let yaml = descope_spec::to_yaml(&spec.tenants);
    let exported = start.elapsed();
    println!(
        "{} tenants ({} bytes): parse {parsed:?}; export {exported:?} ({} bytes)",
        spec.tenants.len(),
        text.len(),
        yaml.len()
    );
}
