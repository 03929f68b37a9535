//! Loads a generated file of N tenants (default 100,000) and prints how long it took.
//! Run: cargo run --release -p descope-spec --example bench_load -- 100000
use std::fmt::Write as _;
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let mut text = String::from("tenants:\n");
    let block = std::env::args().nth(2).is_some();
    for i in 0..n {
        if block {
            let _ = write!(
                text,
                "  - id: t{i}\n    name: Tenant {i}\n    domains:\n      - t{i}.example.com\n    enforceSSO: false\n"
            );
            continue;
        }
        let _ = write!(
            text,
            "  - id: t{i}\n    name: Tenant {i}\n    domains: [t{i}.example.com]\n    customAttributes: {{plan: pro, seats: {i}}}\n    enforceSSO: false\n"
        );
    }
    raw(&text);
    let start = std::time::Instant::now();
    let spec =
        descope_spec::parse(std::path::Path::new("big.yaml"), &text, &|_| None).expect("valid");
    let parsed = start.elapsed();
    let start = std::time::Instant::now();
    let yaml = descope_spec::to_yaml(&spec.tenants);
    let exported = start.elapsed();
    println!(
        "{} tenants, {} bytes: parse {:?}, export {:?} ({} bytes)",
        spec.tenants.len(),
        text.len(),
        parsed,
        exported,
        yaml.len()
    );
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct F {
    tenants: Vec<T>,
}
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct T {
    id: String,
    name: String,
    domains: Option<Vec<String>>,
    custom_attributes: Option<std::collections::BTreeMap<String, serde::de::IgnoredAny>>,
    #[serde(rename = "enforceSSO")]
    enforce_sso: Option<bool>,
}
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct TS {
    id: serde_saphyr::Spanned<String>,
    name: serde_saphyr::Spanned<String>,
    domains: Option<Vec<serde_saphyr::Spanned<String>>>,
    custom_attributes: Option<std::collections::BTreeMap<String, serde::de::IgnoredAny>>,
    #[serde(rename = "enforceSSO")]
    enforce_sso: Option<bool>,
}
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct FS {
    tenants: Vec<serde_saphyr::Spanned<TS>>,
}

pub fn raw(text: &str) {
    let mut b = serde_saphyr::Budget::default();
    b.max_nodes = 10_000_000;
    b.max_events = 10_000_000;
    let o = serde_saphyr::options! { budget: Some(b.clone()) };
    let start = std::time::Instant::now();
    let f: F = serde_saphyr::from_str_with_options(text, o).unwrap();
    println!(
        "plain serde-saphyr: {:?} ({})",
        start.elapsed(),
        f.tenants.len()
    );
    let o = serde_saphyr::options! { budget: Some(b) };
    let start = std::time::Instant::now();
    let f: FS = serde_saphyr::from_str_with_options(text, o).unwrap();
    println!(
        "spanned serde-saphyr: {:?} ({})",
        start.elapsed(),
        f.tenants.len()
    );
}
