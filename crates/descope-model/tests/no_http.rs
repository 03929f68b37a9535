//! The plan builds without an HTTP stack: descope-model, descope-spec and descope-sync must not
//! depend (normal dependencies, transitively) on reqwest, hyper or tokio. Read from
//! `cargo tree --offline`, so the test needs no network.

use std::path::Path;
use std::process::Command;

/// Crates that mean "an HTTP client or server, or its runtime, is compiled in".
const HTTP: &[&str] = &[
    "reqwest",
    "hyper",
    "hyper-util",
    "h2",
    "tokio",
    "axum",
    "rustls",
];

/// The package names in `package`'s normal dependency tree (itself included).
fn normal_deps(package: &str) -> Vec<String> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "-e",
            "normal",
            "--prefix",
            "none",
            "-p",
            package,
        ])
        .arg("--manifest-path")
        .arg(&workspace)
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo tree -p {package} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = String::from_utf8(out.stdout)
        .expect("cargo tree prints UTF-8")
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

fn http_in(package: &str) -> Vec<String> {
    normal_deps(package)
        .into_iter()
        .filter(|name| HTTP.contains(&name.as_str()))
        .collect()
}

#[test]
fn the_reading_of_cargo_tree_finds_the_http_stack_of_the_client() {
    // descope-api is the client: if this finds nothing, the reading below proves nothing either.
    let found = http_in("descope-api");
    assert!(
        found.iter().any(|n| n == "reqwest") && found.iter().any(|n| n == "tokio"),
        "expected reqwest and tokio under descope-api, found {found:?}"
    );
}

#[test]
fn model_spec_and_sync_compile_no_http_stack() {
    for package in ["descope-model", "descope-spec", "descope-sync"] {
        let deps = normal_deps(package);
        assert!(
            deps.iter().any(|n| n == package),
            "cargo tree -p {package} did not list the package itself: {deps:?}"
        );
        let found = http_in(package);
        assert!(
            found.is_empty(),
            "{package} depends on {found:?}; the plan must build without an HTTP stack \
             (depend on descope-model, not descope-api)"
        );
    }
}
