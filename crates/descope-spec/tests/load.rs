//! Loader behaviour over the files in tests/data: valid files load, each defect gives the exact
//! diagnostic (file:line:col, tenant, message, help).

use std::path::{Path, PathBuf};

use descope_spec::{Location, load, parse};
use serde_json::json;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn no_vars(_: &str) -> Option<String> {
    None
}

/// The rendered errors of a data file, with the directory stripped.
fn errors(name: &str) -> String {
    let err = load(&data(name), &no_vars).expect_err("file should be rejected");
    let dir = format!(
        "{}/",
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .display()
    );
    err.to_string().replace(&dir, "")
}

#[test]
fn valid_file_loads_with_substitution_and_locations() {
    let vars = |v: &str| (v == "GLOBEX_NAME").then(|| "Globex".to_owned());
    let spec = load(&data("valid.yaml"), &vars).unwrap();
    let ids: Vec<&str> = spec.tenants.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["acme", "globex", "holding"]);
    let acme = &spec.tenants[0];
    assert_eq!(acme.name, "ACME Corp");
    assert_eq!(
        acme.domains,
        Some(vec!["acme.com".to_owned(), "acme.io".to_owned()])
    );
    let attrs = acme.custom_attributes.as_ref().unwrap();
    assert_eq!(attrs["plan"], json!("enterprise"));
    assert_eq!(attrs["seats"], json!(50));
    assert_eq!(attrs["ratio"], json!(0.5));
    assert_eq!(attrs["beta"], json!(true));
    assert_eq!(attrs["regions"], json!(["eu", "us"]));
    assert_eq!(acme.enforce_sso, Some(false));
    assert_eq!(acme.parent.as_deref(), Some("holding"));
    assert_eq!(acme.default_roles, Some(vec!["viewer".to_owned()]));
    assert!(acme.protect);
    assert_eq!(acme.location, Location { line: 3, column: 5 });
    let globex = &spec.tenants[1];
    assert_eq!(globex.name, "Globex");
    assert_eq!(globex.domains, None, "left out = unmanaged");
    assert_eq!(globex.enforce_sso, None);
    assert_eq!(
        globex.location,
        Location {
            line: 12,
            column: 5
        }
    );
    let holding = &spec.tenants[2];
    assert_eq!(holding.name, "Holding Group", "default used when unset");
    assert_eq!(holding.domains, Some(vec![]), "explicit empty list clears");
    assert_eq!(holding.custom_attributes, Some(Default::default()));
}

#[test]
fn seed_format_is_valid_as_is() {
    let spec = load(&data("seed.yaml"), &no_vars).unwrap();
    assert_eq!(spec.tenants.len(), 2);
    assert_eq!(
        spec.tenants[1].domains,
        Some(vec!["globex.com".to_owned(), "globex.net".to_owned()])
    );
}

#[test]
fn empty_tenant_list_is_valid() {
    assert!(
        load(&data("empty-list.yaml"), &no_vars)
            .unwrap()
            .tenants
            .is_empty()
    );
}

#[test]
fn repo_example_loads() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/tenants.yaml");
    let vars = |_: &str| None;
    let spec = load(&path, &vars).unwrap_or_else(|e| panic!("{e}"));
    assert!(spec.tenants.len() >= 4);
}

#[test]
fn malformed_yaml() {
    assert_eq!(
        errors("malformed.yaml"),
        "malformed.yaml:3:11: unclosed quote for `name` in tenant `acme`"
    );
}

#[test]
fn unknown_key_suggests_the_nearest() {
    assert_eq!(
        errors("unknown-key.yaml"),
        "unknown-key.yaml:4:5: unknown key `domians` in tenant `acme`\n  help: did you mean `domains`?"
    );
}

#[test]
fn duplicate_id_names_both_locations() {
    assert_eq!(
        errors("duplicate-id.yaml"),
        "duplicate-id.yaml:6:9: tenant id `acme` is defined twice\n  help: first defined at line 2, column 9; ids must be unique: rename or remove one of them"
    );
}

#[test]
fn duplicate_name_names_both_locations() {
    assert_eq!(
        errors("duplicate-name.yaml"),
        "duplicate-name.yaml:5:11: tenant name `ACME Corp` of tenant `acme2` is already used by tenant `acme`\n  help: first defined at line 3, column 11; names must be unique in the project"
    );
}

#[test]
fn bad_id_shows_the_pattern() {
    assert_eq!(
        errors("bad-id.yaml"),
        "bad-id.yaml:2:9: invalid tenant id `acme corp!`\n  help: an id is 1 to 30 characters of A-Z, a-z, 0-9, `_` and `-` (pattern ^[A-Za-z0-9_-]{1,30}$); it cannot be changed once the tenant exists"
    );
}

#[test]
fn bad_domains_each_get_a_fix() {
    let generic = "a domain is a host name such as `acme.com`: dot-separated labels of a-z, 0-9 and `-` (not at either end of a label), at least one dot, at most 253 characters";
    assert_eq!(
        errors("bad-domain.yaml"),
        format!(
            "bad-domain.yaml:4:25: invalid domain `https://acme.io/login` in tenant `acme`\n  help: write the host name only, without scheme or path: `acme.io`\n\
             bad-domain.yaml:4:50: invalid domain `bob@acme.org` in tenant `acme`\n  help: write the domain part only: `acme.org`\n\
             bad-domain.yaml:4:64: invalid domain `Acme.NET` in tenant `acme`\n  help: write it in lower case: `acme.net`\n\
             bad-domain.yaml:4:74: invalid domain `localhost` in tenant `acme`\n  help: {generic}\n\
             bad-domain.yaml:4:85: invalid domain `-bad.com` in tenant `acme`\n  help: {generic}"
        )
    );
}

#[test]
fn missing_variable_says_how_to_fix() {
    assert_eq!(
        errors("missing-var.yaml"),
        "missing-var.yaml:3:11: variable `GLOBEX_NAME` is not set (`${GLOBEX_NAME}` in the name of tenant `globex`)\n  help: set GLOBEX_NAME, or give a default: `${GLOBEX_NAME:-default}`"
    );
}

#[test]
fn yaml_1_1_boolean_is_rejected() {
    assert_eq!(
        errors("strict-bool.yaml"),
        "strict-bool.yaml:4:17: invalid boolean for `enforceSSO` in tenant `acme`\n  help: write `true` or `false` (YAML 1.1 words such as yes, no, on, off are not booleans here)"
    );
}

#[test]
fn wrong_type() {
    assert_eq!(
        errors("wrong-type.yaml"),
        "wrong-type.yaml:3:11: wrong type for `name` in tenant `acme`: expected a single string\n  help: write a single string, e.g. `name: ACME Corp`"
    );
}

#[test]
fn empty_file() {
    assert_eq!(
        errors("empty.yaml"),
        "empty.yaml:1:1: the file is empty\n  help: start the file with `tenants:` followed by a list of tenants (`- id: acme` / `  name: ACME Corp`), or write `tenants: []`"
    );
}

#[test]
fn file_without_tenants_key() {
    assert_eq!(
        errors("no-tenants.yaml"),
        "no-tenants.yaml:1:1: unknown key `tenant`\n  help: did you mean `tenants`?"
    );
    let err = parse(Path::new("t.yaml"), "tenants:\n", &no_vars).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("t.yaml:1:1: the file has no `tenants:` list"),
        "{err}"
    );
}

#[test]
fn all_semantic_errors_are_collected_in_one_pass() {
    let text = errors("many-errors.yaml");
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with("  help")).collect();
    assert_eq!(
        lines,
        [
            "many-errors.yaml:4:15: invalid domain `bad` in tenant `acme`",
            "many-errors.yaml:5:9: invalid tenant id `x y`",
            "many-errors.yaml:6:11: tenant name `ACME Corp` of tenant `x y` is already used by tenant `acme`",
            "many-errors.yaml:7:13: variable `NOPE` is not set (`${NOPE}` in the parent of tenant `x y`)",
            "many-errors.yaml:8:9: tenant id `acme` is defined twice",
        ]
    );
    let err = load(&data("many-errors.yaml"), &no_vars).unwrap_err();
    assert_eq!(err.0[0].tenant.as_deref(), Some("acme"));
    assert_eq!((err.0[0].line, err.0[0].column), (4, 15));
}

#[test]
fn substitution_is_not_applied_to_ids_or_the_raw_text() {
    let vars = |v: &str| (v == "X").then(|| "a\n  - id: injected".to_owned());
    let spec = parse(
        Path::new("t.yaml"),
        "tenants:\n  - id: a\n    name: ${X}\n",
        &vars,
    )
    .unwrap();
    assert_eq!(spec.tenants.len(), 1);
    assert_eq!(spec.tenants[0].name, "a\n  - id: injected");
    let err = parse(
        Path::new("t.yaml"),
        "tenants:\n  - id: ${X}\n    name: A\n",
        &vars,
    )
    .unwrap_err();
    assert!(err.to_string().contains("ids are not substituted"), "{err}");
    let spec = parse(
        Path::new("t.yaml"),
        "tenants:\n  - id: a\n    name: \"$${X} literal\"\n",
        &vars,
    )
    .unwrap();
    assert_eq!(spec.tenants[0].name, "${X} literal");
}

#[test]
fn substitution_covers_every_string_field() {
    let vars = |v: &str| Some(v.to_ascii_lowercase());
    let text = "tenants:\n  - id: p\n    name: P\n  - id: a\n    name: ${N}\n    domains: [\"${D}.com\"]\n    customAttributes: {k: \"${V}\", l: [\"${W}\"], n: 5}\n    parent: ${P}\n    defaultRoles:\n      - ${R}\n";
    let spec = parse(Path::new("t.yaml"), text, &vars).unwrap();
    let a = &spec.tenants[1];
    assert_eq!(a.name, "n");
    assert_eq!(a.domains, Some(vec!["d.com".to_owned()]));
    assert_eq!(a.custom_attributes.as_ref().unwrap()["k"], json!("v"));
    assert_eq!(a.custom_attributes.as_ref().unwrap()["l"], json!(["w"]));
    assert_eq!(a.custom_attributes.as_ref().unwrap()["n"], json!(5));
    assert_eq!(a.parent.as_deref(), Some("p"));
    assert_eq!(a.default_roles, Some(vec!["r".to_owned()]));
}

#[test]
fn protected_patterns_are_read_and_checked() {
    let spec = parse(
        Path::new("t.yaml"),
        "tenants: []\nprotected: [prod-*, legacy]\n",
        &no_vars,
    )
    .unwrap();
    assert_eq!(spec.protected, ["prod-*", "legacy"]);
    let err = parse(
        Path::new("t.yaml"),
        "tenants: []\nprotected: [\"[\"]\n",
        &no_vars,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("t.yaml:2:13: `[` in `protected` is not a valid glob pattern"),
        "{err}"
    );
}

#[test]
fn other_defects_are_located() {
    let cases = [
        (
            "tenants:\n  - id: a\n    name: A\n    id: b\n",
            "t.yaml:4:5: key `id` appears twice in the same mapping",
        ),
        (
            "tenants:\n  - id: a\n    name: A\n  - id: b\n    domains: [b.com]\n",
            "t.yaml:5:5: missing required key `name` in tenant `b`",
        ),
        (
            "tenants:\n  - {id: a, name: A, disabled: on}\n",
            "t.yaml:2:32: invalid boolean for `disabled` in tenant `a`",
        ),
        (
            "tenants:\n  - id: a\n    name: A\n    customAttributes: {x: {y: 1}}\n",
            "t.yaml:4:27: wrong type for `x` in tenant `a`",
        ),
        (
            "tenants:\n  - id: a\n    name: A\n    customAttributes: {x: .nan}\n",
            "t.yaml:4:27: value `.nan` is not a finite number",
        ),
        (
            "tenants:\n  - id: a\n    name: \"\"\n",
            "t.yaml:3:11: tenant `a` has an empty name",
        ),
        (
            "tenants:\n  - id: a\n    name: A\n    parent: a\n",
            "t.yaml:4:13: tenant `a` names itself as its parent",
        ),
        (
            "tenants:\n  - id: a\n    name: A\n    domains: [a.com, a.com]\n",
            "t.yaml:4:22: domain `a.com` is listed twice",
        ),
        (
            "tenants: []\n---\ntenants: []\n",
            "t.yaml:3:1: the file holds more than one YAML document",
        ),
        (
            "- a\n",
            "t.yaml:1:1: the file is a list, but tenants.yaml is a mapping with a `tenants:` key",
        ),
        (
            "tenants:\n  - id: a\n    name: ${A\n",
            "t.yaml:3:11: `${A` has no closing `}`",
        ),
        (
            "tenants:\n  - id: a\n    name: A\n    domains: [${D}.com]\n",
            "t.yaml:4:16: while parsing a flow sequence",
        ),
    ];
    for (text, want) in cases {
        let err = parse(Path::new("t.yaml"), text, &no_vars)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(want), "{text:?}\n got: {err}\nwant: {want}");
        if text.contains("[${D}") {
            assert!(err.contains("quote values that contain `${...}`"), "{err}");
        }
    }
}

#[test]
fn huge_input_is_refused_before_parsing() {
    let text = " ".repeat(usize::try_from(descope_spec::MAX_FILE_BYTES).unwrap() + 1);
    let err = parse(Path::new("big.yaml"), &text, &no_vars).unwrap_err();
    assert!(
        err.to_string().contains("larger than 64 MiB are refused"),
        "{err}"
    );
}

#[test]
fn alias_bombs_are_stopped() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..9 {
        text.push_str(&format!(
            "{}: &{} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
            (b'b' + i) as char,
            (b'b' + i) as char,
            p = (b'a' + i) as char
        ));
    }
    text.push_str("tenants: []\n");
    assert!(parse(Path::new("bomb.yaml"), &text, &no_vars).is_err());
}

#[test]
fn many_tenants_load() {
    use std::fmt::Write as _;
    let mut text = String::from("tenants:\n");
    for i in 0..20_000 {
        let _ = write!(
            text,
            "  - id: t{i}\n    name: Tenant {i}\n    domains: [t{i}.example.com]\n"
        );
    }
    let spec = parse(Path::new("big.yaml"), &text, &no_vars).unwrap();
    assert_eq!(spec.tenants.len(), 20_000);
    assert_eq!(spec.tenants[19_999].location.line, 2 + 3 * 19_999);
}

#[test]
fn a_long_commented_out_block_loads_on_both_paths() {
    // serde-saphyr with its `comments` feature buffered comments while looking ahead and refused
    // more than 32 ("too many buffered comments"); a commented-out block of tenants is common.
    let mut text = String::from("tenants:\n");
    for i in 0..150 {
        text.push_str(&format!("  # - id: old{i}\n  #   name: Old {i}\n"));
    }
    text.push_str("  - id: acme\n    name: ACME\n");
    for i in 0..150 {
        text.push_str(&format!("# trailing note {i}\n"));
    }
    text.push_str("protected: [a]\n");
    let path = Path::new("t.yaml");
    let serde = descope_spec::parse_serde(path, &text, &no_vars).expect("serde-saphyr reads it");
    assert_eq!(serde.tenants.len(), 1);
    assert_eq!(parse(path, &text, &no_vars), Ok(serde));
}
