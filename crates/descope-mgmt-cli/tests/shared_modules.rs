//! The pure logic that several commands share, tested on its own: command-line values
//! (`crate::values`), tenant diffs and backups (`crate::tenants`), flow files and flow diffs
//! (`crate::flows`).

use std::path::PathBuf;

use descope_api::Tenant;
use descope_mgmt_cli::{flows, tenants, values};
use descope_store::{Backup, BackupMetadata, TargetType};
use serde_json::{Value, json};

fn tenant(v: Value) -> Tenant {
    serde_json::from_value(v).expect("a tenant")
}

fn tenant_backup(format_version: Option<u32>, target: &str, object: Value) -> Backup {
    Backup {
        path: PathBuf::from(format!(
            "/backups/20261129T054012.123Z_update_tenant_{target}"
        )),
        format_version,
        metadata: BackupMetadata {
            timestamp: jiff::Timestamp::UNIX_EPOCH,
            operation: "update".to_owned(),
            target_type: TargetType::Tenant,
            target_id: target.to_owned(),
            project_id: Some("P2test".to_owned()),
            tool_version: None,
            reason: None,
        },
        object,
        settings: None,
    }
}

#[test]
fn attributes_are_typed_as_written() {
    let cases = [
        ("plan=enterprise", json!("enterprise")),
        ("seats=50", json!(50)),
        ("ratio=-1.5", json!(-1.5)),
        ("beta=true", json!(true)),
        ("beta=false", json!(false)),
        ("code=\"50\"", json!("50")),
        ("url=a=b", json!("a=b")),
        ("note=", json!("")),
    ];
    for (flag, want) in cases {
        let (k, v) = values::parse_attr(flag).unwrap_or_else(|e| panic!("{flag}: {e}"));
        assert_eq!(k, flag.split('=').next().unwrap_or_default(), "{flag}");
        assert_eq!(v, want, "{flag}");
    }
}

#[test]
fn attributes_that_cannot_be_kept_are_refused_with_a_way_out() {
    let e = values::parse_attr("plan").expect_err("no =");
    assert!(e.to_string().contains("is not KEY=VALUE"), "{e}");
    assert!(e.hints.iter().any(|h| h.contains("--attr plan=enterprise")));

    let e = values::parse_attr("=x").expect_err("empty key");
    assert!(e.to_string().contains("empty key"), "{e}");

    let e = values::parse_attr("n=99999999999999999999").expect_err("beyond 64 bits");
    assert!(e.to_string().contains("64-bit"), "{e}");
    assert!(
        e.hints.iter().any(|h| h.contains("quote the value")),
        "{:?}",
        e.hints
    );
}

#[test]
fn durations_take_a_whole_number_and_a_unit() {
    let cases = [
        ("45s", 45),
        ("90m", 90 * 60),
        ("12h", 12 * 3600),
        ("30d", 30 * 86_400),
        ("2w", 2 * 604_800),
        (" 5m ", 300),
    ];
    for (text, secs) in cases {
        let d = values::parse_duration(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(d.as_secs(), secs, "{text}");
    }
    for text in ["", "10", "d", "10y", "-5m", "1.5h", "m5"] {
        let e = values::parse_duration(text).expect_err(text);
        assert!(e.to_string().contains("is not a duration"), "{text}: {e}");
    }
}

#[test]
fn a_value_shows_as_json_and_null_as_unset() {
    assert_eq!(values::show_value(&Value::Null), "(unset)");
    assert_eq!(values::show_value(&json!("x")), "\"x\"");
    assert_eq!(values::show_value(&json!(5)), "5");
    assert_eq!(values::show_value(&json!(["a", "b"])), "[\"a\",\"b\"]");
}

#[test]
fn a_tenant_diff_names_each_changed_field_in_file_order() {
    let old = tenant(
        json!({"id": "acme", "name": "Acme", "selfProvisioningDomains": ["acme.com"],
        "customAttributes": {"plan": "pro"}, "createdTime": 1}),
    );
    assert!(tenants::diff_tenants(&old, &old).is_empty());
    // Fields the file does not manage (creation time, SSO domains) are not a change.
    let same = tenant(
        json!({"id": "acme", "name": "Acme", "selfProvisioningDomains": ["acme.com"],
        "customAttributes": {"plan": "pro"}, "createdTime": 2, "domains": ["sso.acme.com"]}),
    );
    assert!(tenants::diff_tenants(&old, &same).is_empty());

    let new = tenant(
        json!({"id": "acme", "name": "Acme Inc", "selfProvisioningDomains": [],
        "customAttributes": {"plan": "pro"}, "disabled": true}),
    );
    let diff = tenants::diff_tenants(&old, &new);
    let fields: Vec<&str> = diff.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["name", "domains", "disabled"]);
    assert_eq!(
        (&diff[0].old, &diff[0].new),
        (&json!("Acme"), &json!("Acme Inc"))
    );
    assert_eq!(
        (&diff[1].old, &diff[1].new),
        (&json!(["acme.com"]), &json!([]))
    );
}

#[test]
fn tenant_ids_follow_the_service_pattern() {
    for ok in ["acme", "a", "A-b_9", &"x".repeat(30)] {
        assert!(tenants::check_id(ok).is_ok(), "{ok}");
    }
    for bad in ["", "has space", "dot.ted", &"x".repeat(31)] {
        assert!(tenants::check_id(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_seed_format_backup_names_its_domains_domains() {
    let b = tenant_backup(
        None,
        "acme",
        json!({"id": "acme", "name": "Acme", "domains": ["acme.com"]}),
    );
    let t = tenants::backup_tenant(&b).expect("a tenant");
    assert_eq!(t.self_provisioning_domains, ["acme.com"]);
    assert!(t.domains.is_empty());
    // In the current format `domains` are SSO domains and stay where they are.
    let b = tenant_backup(
        Some(1),
        "acme",
        json!({"id": "acme", "name": "Acme", "domains": ["sso.acme.com"]}),
    );
    let t = tenants::backup_tenant(&b).expect("a tenant");
    assert!(t.self_provisioning_domains.is_empty());
    assert_eq!(t.domains, ["sso.acme.com"]);
}

#[test]
fn a_backup_of_another_tenant_or_without_a_name_is_refused() {
    let foreign = tenant_backup(Some(1), "acme", json!({"id": "other", "name": "Other"}));
    let e = tenants::backup_tenant(&foreign).expect_err("foreign");
    assert!(e.to_string().contains("is not its target `acme`"), "{e}");
    assert!(e.hints.iter().any(|h| h.contains("nothing was changed")));

    let no_id = tenant_backup(Some(1), "acme", json!({"name": "Acme"}));
    let e = tenants::backup_tenant(&no_id).expect_err("no id");
    assert!(e.to_string().contains("(no id)"), "{e}");

    let no_name = tenant_backup(Some(1), "acme", json!({"id": "acme"}));
    assert!(tenants::backup_tenant(&no_name).is_err());
}

#[test]
fn a_restore_puts_back_what_the_backup_recorded_and_keeps_the_rest() {
    // A minimal backup: only id, name and attributes were recorded.
    let b = tenant_backup(
        Some(1),
        "acme",
        json!({"id": "acme", "name": "Acme", "customAttributes": {"plan": "pro"}, "parent": "root"}),
    );
    let recorded = tenants::backup_tenant(&b).expect("a tenant");
    let live = tenant(
        json!({"id": "acme", "name": "Renamed", "customAttributes": {"plan": "free"},
        "selfProvisioningDomains": ["acme.com"], "enforceSSO": true, "parent": "p1"}),
    );
    let wanted = tenants::wanted_tenant(&b, &recorded, Some(&live));
    assert_eq!(wanted.name, "Acme");
    assert_eq!(wanted.custom_attributes, recorded.custom_attributes);
    // Not recorded: the live value stays. The parent is set at creation only.
    assert_eq!(wanted.self_provisioning_domains, ["acme.com"]);
    assert!(wanted.enforce_sso);
    assert_eq!(wanted.parent, "p1");
    // Nothing live: the tenant is created as recorded.
    assert_eq!(tenants::wanted_tenant(&b, &recorded, None), recorded);
}

#[test]
fn a_settings_restore_skips_read_only_and_unset_keys() {
    let wanted = json!({"tenantId": "acme", "domains": ["x"], "authType": "saml",
        "sessionTokenExpiration": 10, "enabled": null, "refreshTokenExpiration": 5});
    let wanted = wanted.as_object().cloned().expect("an object");
    let live = json!({"sessionTokenExpiration": 10, "refreshTokenExpiration": 7});
    let live = live.as_object().cloned().expect("an object");
    let diff = tenants::settings_diff(Some(&live), &wanted);
    assert_eq!(diff.len(), 1, "{diff:?}");
    assert_eq!(diff[0].field, "settings.refreshTokenExpiration");
    assert_eq!((&diff[0].old, &diff[0].new), (&json!(7), &json!(5)));
    // With nothing live, every writable recorded key is a change.
    let mut fields: Vec<String> = tenants::settings_diff(None, &wanted)
        .into_iter()
        .map(|d| d.field)
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "settings.refreshTokenExpiration",
            "settings.sessionTokenExpiration"
        ]
    );
}

/// A flow file in a directory of its own, removed when dropped.
struct FlowFileOnDisk(PathBuf);

impl FlowFileOnDisk {
    fn new(name: &str, text: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "descope-mgmt-cli-shared-{}-{name}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        let path = dir.join(format!("{name}.json"));
        std::fs::write(&path, text).expect("write a flow file");
        Self(path)
    }
}

impl Drop for FlowFileOnDisk {
    fn drop(&mut self) {
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn v2_flow() -> Value {
    json!({
        "flowId": "sign-in",
        "metadata": {"name": "Sign in", "fingerprint": "abc"},
        "contents": {"tasks": {"t1": {"type": "start"}}, "startTask": "t1"},
        "screens": [{"screenId": "s1", "contents": {"htmlTemplate": "<p>1</p>"}}],
    })
}

#[test]
fn every_export_shape_reads_as_a_v2_flow() {
    let v2 = v2_flow();
    let v1 = json!({"flowId": "sign-in", "flow": {"dsl": {"tasks": {}}, "name": "Sign in"},
        "screens": [{"id": "s1", "htmlTemplate": "<p>1</p>"}]});
    let console = json!({"flow": {"id": "sign-in", "dsl": {"tasks": {}}}, "screens": []});
    let cases = [
        ("v2", v2.clone(), "v2 export"),
        ("wrapped", json!({"flow": v2}), "v2 export (wrapped)"),
        ("v1", v1, "v1 export"),
        ("console", console, "console export"),
    ];
    for (name, doc, shape) in cases {
        let file = FlowFileOnDisk::new(name, &doc.to_string());
        let f = flows::read_flow_file(&file.0).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((f.id.as_str(), f.shape), ("sign-in", shape), "{name}");
        assert!(f.flow["metadata"].is_object() && f.flow["contents"].is_object());
        assert_eq!(f.path, file.0);
    }
}

#[test]
fn a_file_that_is_not_a_flow_says_why() {
    let cases = [
        ("array", "[]", "the top level is not a JSON object"),
        ("neither", r#"{"screens": []}"#, "neither `metadata`"),
        ("no-dsl", r#"{"flowId": "x", "flow": {}}"#, "has no `dsl`"),
        (
            "bad-id",
            r#"{"flowId": "a b", "metadata": {}, "contents": {}}"#,
            "has characters other than",
        ),
        (
            "no-id",
            r#"{"metadata": {}, "contents": {}}"#,
            "no `flowId`",
        ),
        ("broken", "{", "1:1: not valid JSON"),
    ];
    for (name, text, why) in cases {
        let file = FlowFileOnDisk::new(name, text);
        let e = flows::read_flow_file(&file.0).expect_err(name);
        assert!(e.to_string().contains(why), "{name}: {e}");
        assert!(
            e.hints.iter().any(|h| h.contains("flow export")),
            "{name}: {:?}",
            e.hints
        );
    }
}

#[test]
fn a_flow_diff_ignores_service_metadata_and_names_what_changed() {
    let live = v2_flow();
    let mut same = live.clone();
    same["metadata"]["fingerprint"] = json!("other");
    same["metadata"]["modifiedTime"] = json!(5);
    assert!(flows::diff_flows(&live, &same).is_none());

    let mut file = live.clone();
    file["screens"] = json!([
        {"screenId": "s1", "contents": {"htmlTemplate": "<p>changed</p>"}},
        {"screenId": "s2", "contents": {}},
    ]);
    file["contents"]["tasks"]["t2"] = json!({"type": "end"});
    file["metadata"]["name"] = json!("Sign in (new)");
    let d = flows::diff_flows(&live, &file).expect("a change");
    assert_eq!(d.screens_added, ["s2"]);
    assert_eq!(d.screens_changed, ["s1"]);
    assert_eq!(d.tasks_added, ["t2"]);
    assert!(d.tasks_removed.is_empty() && d.screens_removed.is_empty());
    assert_eq!(d.other_changed, ["metadata"]);
    assert_eq!(
        flows::describe(&d),
        "screens added: s2; screens changed: s1; tasks added: t2; changed: metadata"
    );
    assert_eq!(flows::describe(&flows::FlowDiff::default()), "changed");
}
