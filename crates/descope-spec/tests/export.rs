//! Export round trips and the JSON Schema.

use descope_model::Attrs;
use std::path::Path;

use descope_model::Tenant;
use descope_spec::{DesiredTenant, desired_from_live, json_schema, parse, to_yaml};
use serde_json::json;

fn reparse(yaml: &str) -> Vec<DesiredTenant> {
    let spec = parse(Path::new("export.yaml"), yaml, &|_| None)
        .unwrap_or_else(|e| panic!("{e}\n---\n{yaml}"));
    spec.tenants
}

/// Equal in every field but `location`, which only a parse sets.
fn assert_same(a: &[DesiredTenant], b: &[DesiredTenant]) {
    let strip = |v: &[DesiredTenant]| {
        let mut v: Vec<DesiredTenant> = v
            .iter()
            .cloned()
            .map(|t| DesiredTenant {
                location: Default::default(),
                parent_location: Default::default(),
                ..t
            })
            .collect();
        v.sort_by(|x, y| x.id.cmp(&y.id));
        v
    };
    assert_eq!(strip(a), strip(b));
}

const TRICKY: &[&str] = &[
    "yes",
    "No",
    "true",
    "null",
    "~",
    "1.0",
    "007",
    "1e3",
    "0x1F",
    "a: b",
    "#x",
    "x #y",
    " leading",
    "trailing ",
    "Zürich GmbH",
    "日本語",
    "emoji 🚀",
    "quote \" and \\ backslash",
    "line\nbreak",
    "tab\there",
    "${NOT_A_VAR}",
    "$${x}",
    "[list]",
    "{map}",
    "- dash",
    "? q",
    "!tag",
    "&anchor",
    "*alias",
    "@at",
    "`tick`",
    "%pct",
    "|pipe",
    ">gt",
    "'single'",
    "a,b",
    ".inf",
    "-",
    "",
    "\u{7f}del",
    "bom\u{feff}",
    "ls\u{2028}x",
];

#[test]
fn tricky_strings_round_trip() {
    let tenants: Vec<DesiredTenant> = TRICKY
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.trim().is_empty())
        .map(|(i, s)| DesiredTenant {
            id: format!("t{i:02}"),
            name: (*s).to_owned(),
            custom_attributes: Some(Attrs::from([
                ((*s).to_owned(), json!(s)),
                ("list".to_owned(), json!([s, "plain"])),
            ])),
            default_roles: Some(vec![(*s).to_owned()]),
            ..DesiredTenant::default()
        })
        .collect();
    let yaml = to_yaml(&tenants);
    assert_same(&reparse(&yaml), &tenants);
}

#[test]
fn every_field_round_trips_and_output_is_stable() {
    let full = DesiredTenant {
        id: "acme".into(),
        name: "ACME Corp".into(),
        domains: Some(vec!["acme.com".into(), "acme.io".into()]),
        custom_attributes: Some(Attrs::from([
            ("plan".into(), json!("enterprise")),
            ("seats".into(), json!(50)),
            ("ratio".into(), json!(0.5)),
            ("whole".into(), json!(50.0)),
            ("big".into(), json!(1e300)),
            ("neg".into(), json!(-7)),
            ("beta".into(), json!(true)),
            ("regions".into(), json!(["eu", "us"])),
            ("none".into(), json!([])),
        ])),
        enforce_sso: Some(true),
        disabled: Some(false),
        parent: Some("holding".into()),
        default_roles: Some(vec!["viewer".into()]),
        protect: true,
        ..DesiredTenant::default()
    };
    let empty = DesiredTenant {
        id: "bare".into(),
        name: "Bare".into(),
        domains: Some(vec![]),
        custom_attributes: Some(Attrs::new()),
        default_roles: Some(vec![]),
        ..DesiredTenant::default()
    };
    let minimal = DesiredTenant {
        id: "min".into(),
        name: "Min".into(),
        ..DesiredTenant::default()
    };
    let input = vec![minimal.clone(), full.clone(), empty.clone()];
    let yaml = to_yaml(&input);
    assert_same(&reparse(&yaml), &input);
    let mut reversed = input.clone();
    reversed.reverse();
    assert_eq!(
        to_yaml(&reversed),
        yaml,
        "sorted by id whatever the input order"
    );
    assert_eq!(
        yaml,
        r#"# yaml-language-server: $schema=./tenants.schema.json
tenants:
  - id: acme
    name: ACME Corp
    domains: [acme.com, acme.io]
    customAttributes:
      beta: true
      big: 1e+300
      neg: -7
      none: []
      plan: enterprise
      ratio: 0.5
      regions: [eu, us]
      seats: 50
      whole: 50.0
    enforceSSO: true
    disabled: false
    parent: holding
    defaultRoles: [viewer]
    protect: true
  - id: bare
    name: Bare
    domains: []
    customAttributes: {}
    defaultRoles: []
  - id: min
    name: Min
"#
    );
}

#[test]
fn empty_export_is_a_valid_file() {
    let yaml = to_yaml(&[]);
    assert_eq!(
        yaml,
        "# yaml-language-server: $schema=./tenants.schema.json\ntenants: []\n"
    );
    assert!(reparse(&yaml).is_empty());
}

#[test]
fn live_tenant_exports_every_managed_field() {
    let mut t = Tenant {
        id: "acme".into(),
        name: "yes".into(),
        parent: "holding".into(),
        ..Tenant::default()
    };
    t.self_provisioning_domains = vec!["acme.com".into()];
    t.custom_attributes.insert("seats".into(), json!(5));
    t.default_roles = vec!["viewer".into()];
    t.enforce_sso_exclusions = vec!["x".into()];
    let d = desired_from_live(&t);
    assert_eq!(d.domains.as_deref(), Some(&["acme.com".to_owned()][..]));
    assert_eq!(d.enforce_sso, Some(false));
    assert_eq!(d.disabled, Some(false));
    assert_eq!(d.parent.as_deref(), Some("holding"));
    assert_eq!(d.default_roles, Some(vec!["viewer".to_owned()]));
    assert!(!d.protect);
    let no_parent = desired_from_live(&Tenant {
        id: "x".into(),
        name: "X".into(),
        ..Tenant::default()
    });
    assert_eq!(no_parent.parent, None);
    assert_same(&reparse(&to_yaml(std::slice::from_ref(&d))), &[d]);
}

#[test]
fn schema_describes_the_file() {
    let s = json_schema();
    assert_eq!(s["title"], "descope-mgmt tenants.yaml");
    assert_eq!(s["additionalProperties"], false);
    assert_eq!(s["required"], json!(["tenants"]));
    let tenant = &s["$defs"]["RawTenant"];
    assert_eq!(tenant["additionalProperties"], false, "{tenant:#}");
    assert_eq!(tenant["required"], json!(["id", "name"]));
    assert_eq!(
        tenant["properties"]["id"]["pattern"],
        "^[A-Za-z0-9_-]{1,30}$"
    );
    assert!(
        tenant["properties"]["name"]["description"]
            .as_str()
            .unwrap()
            .contains("${VAR}")
    );
    let keys: Vec<&str> = tenant["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "name",
            "domains",
            "customAttributes",
            "enforceSSO",
            "disabled",
            "parent",
            "defaultRoles",
            "protect",
            "settings",
            "roles"
        ]
    );
    assert!(s["properties"]["protected"].is_object());
}
