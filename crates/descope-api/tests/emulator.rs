//! The real client against the real emulator on 127.0.0.1: every endpoint round trip, and
//! creates under rate limits, injected 503s and dropped connections.

use std::collections::BTreeMap;
use std::time::Duration;

use descope_api::{ApiError, Client, ClientConfig, RetryPolicy, TenantRequest, TenantSearch};
use descope_emulator::{
    Config, DEFAULT_MANAGEMENT_KEY, DEFAULT_PROJECT_ID, Faults, RateLimit, RunningEmulator,
};
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

async fn emulator(faults: Faults, seed: u64) -> RunningEmulator {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    descope_emulator::start(
        Config {
            faults,
            seed,
            ..Config::default()
        },
        listener,
    )
    .await
    .unwrap()
}

fn client(emu: &RunningEmulator, retry: RetryPolicy) -> Client {
    let base = descope_api::resolve_base_url(Some(&emu.url()), DEFAULT_PROJECT_ID).unwrap();
    Client::new(ClientConfig {
        base_url: base,
        project_id: DEFAULT_PROJECT_ID.into(),
        management_key: SecretString::from(DEFAULT_MANAGEMENT_KEY.to_owned()),
        retry,
        ..ClientConfig::default()
    })
    .unwrap()
}

fn fast_retries() -> RetryPolicy {
    // Plenty of attempts so that a 30 % fault rate cannot exhaust them by bad luck.
    RetryPolicy {
        base_delay: Duration::ZERO,
        max_attempts: 12,
        ..RetryPolicy::default()
    }
}

async fn admin(emu: &RunningEmulator, what: &str) -> Value {
    reqwest::get(format!("{}/__emulator/{what}", emu.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn tenant(i: usize) -> TenantRequest {
    TenantRequest {
        id: format!("t-{i:03}"),
        name: format!("Tenant {i}"),
        self_provisioning_domains: vec![format!("t{i}.example.com")],
        custom_attributes: descope_api::Attrs::from([("tier".into(), json!(i % 3))]),
        ..TenantRequest::default()
    }
}

/// Creates 30 tenants concurrently and checks every create succeeded and returned its id.
async fn create_thirty(c: &Client) {
    let mut set = JoinSet::new();
    for i in 0..30 {
        let c = c.clone();
        set.spawn(async move { (i, c.create_tenant(&tenant(i)).await) });
    }
    while let Some(done) = set.join_next().await {
        let (i, result) = done.unwrap();
        match result {
            Ok(id) => assert_eq!(id, tenant(i).id),
            Err(e) => panic!("create of tenant {i} failed: {e}"),
        }
    }
}

/// The journal: how many creates of each tenant id were answered 200, and how many 429s there were.
async fn create_stats(emu: &RunningEmulator) -> (BTreeMap<String, usize>, usize) {
    let journal = admin(emu, "journal").await;
    let mut ok = BTreeMap::new();
    let mut limited = 0;
    for r in journal["requests"].as_array().unwrap() {
        if r["status"] == 429 {
            limited += 1;
        }
        if r["path"] == "/v1/mgmt/tenant/create" && r["status"] == 200 {
            *ok.entry(r["target"].as_str().unwrap_or_default().to_owned())
                .or_insert(0) += 1;
        }
    }
    (ok, limited)
}

/// Every tenant exists exactly once, as sent.
async fn assert_thirty_stored(c: &Client) {
    let all = c.load_all_tenants().await.unwrap();
    assert_eq!(all.len(), 30, "{all:?}");
    for i in 0..30 {
        let want = tenant(i);
        let got = all
            .iter()
            .find(|t| t.id == want.id)
            .unwrap_or_else(|| panic!("{} missing", want.id));
        assert_eq!(got.name, want.name);
        assert_eq!(
            got.self_provisioning_domains,
            want.self_provisioning_domains
        );
    }
}

#[tokio::test]
async fn every_endpoint_round_trips() {
    let emu = emulator(Faults::default(), 1).await;
    let c = client(&emu, fast_retries());

    assert!(c.license().await.is_ok());

    // Create with a chosen id, and with a generated one.
    let mut acme = TenantRequest {
        id: "acme".into(),
        name: "Acme".into(),
        self_provisioning_domains: vec!["acme.com".into()],
        enforce_sso: true,
        ..TenantRequest::default()
    };
    assert_eq!(c.create_tenant(&acme).await.unwrap(), "acme");
    let generated = c
        .create_tenant(&TenantRequest {
            name: "Globex".into(),
            ..TenantRequest::default()
        })
        .await
        .unwrap();
    assert!(!generated.is_empty() && generated != "acme");
    let child = TenantRequest {
        id: "acme-eu".into(),
        name: "Acme EU".into(),
        parent: "acme".into(),
        ..TenantRequest::default()
    };
    c.create_tenant(&child).await.unwrap();

    // Load, load all, search.
    let loaded = c.load_tenant("acme").await.unwrap();
    assert_eq!(loaded.name, "Acme");
    assert_eq!(loaded.self_provisioning_domains, ["acme.com"]);
    assert!(loaded.enforce_sso);
    assert_eq!(c.load_tenant("acme-eu").await.unwrap().parent, "acme");
    assert_eq!(c.load_all_tenants().await.unwrap().len(), 3);
    let found = c
        .search_tenants(&TenantSearch {
            tenant_names: vec!["Globex".into()],
            ..TenantSearch::default()
        })
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, generated);
    assert_eq!(
        c.search_tenants(&TenantSearch::default())
            .await
            .unwrap()
            .len(),
        3
    );

    // A duplicate that is not ours stays an error.
    let dup = c
        .create_tenant(&TenantRequest {
            id: "acme".into(),
            name: "Other".into(),
            ..TenantRequest::default()
        })
        .await;
    assert!(matches!(dup, Err(ApiError::Service { .. })), "{dup:?}");

    // Update is a full replace; parent is kept because it is never sent.
    acme.name = "Acme Corp".into();
    acme.self_provisioning_domains.clear();
    acme.enforce_sso = false;
    c.update_tenant(&acme).await.unwrap();
    let loaded = c.load_tenant("acme").await.unwrap();
    assert_eq!(loaded.name, "Acme Corp");
    assert!(loaded.self_provisioning_domains.is_empty());
    assert!(!loaded.enforce_sso);
    let mut child_update = TenantRequest::from_tenant(&c.load_tenant("acme-eu").await.unwrap());
    child_update.name = "Acme Europe".into();
    c.update_tenant(&child_update).await.unwrap();
    assert_eq!(c.load_tenant("acme-eu").await.unwrap().parent, "acme");

    // Settings and default roles.
    let mut settings = c.tenant_settings("acme").await.unwrap();
    settings.insert("enabled".into(), json!(true));
    settings.insert("sessionTokenExpiration".into(), json!(30));
    c.set_tenant_settings("acme", &settings).await.unwrap();
    let again = c.tenant_settings("acme").await.unwrap();
    assert_eq!(again["enabled"], json!(true));
    assert_eq!(again["sessionTokenExpiration"], json!(30));
    c.set_default_roles("acme", &["viewer".into()])
        .await
        .unwrap();
    assert_eq!(
        c.load_tenant("acme").await.unwrap().default_roles,
        ["viewer"]
    );

    // Not found is recognisable.
    let missing = c.load_tenant("nope").await.unwrap_err();
    assert!(missing.is_not_found(), "{missing:?}");
    assert!(c.tenant_settings("nope").await.unwrap_err().is_not_found());

    // Delete (children first), then it is gone.
    c.delete_tenant("acme-eu", false).await.unwrap();
    c.delete_tenant("acme", true).await.unwrap();
    assert!(c.load_tenant("acme").await.unwrap_err().is_not_found());
    assert!(
        c.delete_tenant("acme", false)
            .await
            .unwrap_err()
            .is_not_found()
    );

    // Flows: import, list, export, delete.
    let flow = json!({
        "flowId": "ignored",
        "metadata": {"name": "Sign in", "description": "d", "disabled": false},
        "contents": {"startTask": "a", "tasks": {}},
        "screens": [],
        "references": {}
    });
    c.import_flow("sign-in", &flow).await.unwrap();
    let listed = c.list_flows(&[]).await.unwrap();
    assert!(
        listed
            .iter()
            .any(|f| f.id == "sign-in" && f.name == "Sign in"),
        "{listed:?}"
    );
    assert_eq!(c.list_flows(&["sign-in".into()]).await.unwrap().len(), 1);
    let exported = c.export_flow("sign-in").await.unwrap();
    assert_eq!(exported["flowId"], "sign-in");
    assert_eq!(exported["contents"], flow["contents"]);
    assert_eq!(exported["metadata"]["name"], "Sign in");
    c.delete_flows(&["sign-in".into()]).await.unwrap();
    assert!(c.list_flows(&["sign-in".into()]).await.unwrap().is_empty());
    assert!(c.export_flow("sign-in").await.is_err());

    // Theme.
    let theme =
        json!({"styles": {"primary": "#123456"}, "componentsVersion": "1.2.3", "references": {}});
    c.import_theme(&theme).await.unwrap();
    let back = c.export_theme().await.unwrap();
    assert_eq!(back["styles"], theme["styles"]);
}

#[tokio::test]
async fn wrong_credentials_are_unauthorized_and_never_shown() {
    let emu = emulator(Faults::default(), 1).await;
    let base = descope_api::resolve_base_url(Some(&emu.url()), DEFAULT_PROJECT_ID).unwrap();
    let key = "K2wrongKeyThatMustNotLeak000000000";
    let c = Client::new(ClientConfig {
        base_url: base,
        project_id: DEFAULT_PROJECT_ID.into(),
        management_key: SecretString::from(key.to_owned()),
        ..ClientConfig::default()
    })
    .unwrap();
    let e = c.load_all_tenants().await.unwrap_err();
    assert!(e.is_unauthorized(), "{e:?}");
    assert!(
        !e.to_string().contains(key)
            && !format!("{e:?}").contains(key)
            && !format!("{c:?}").contains(key)
    );
}

#[tokio::test]
async fn creates_under_a_rate_limit_all_succeed_without_a_herd() {
    let faults = Faults {
        rate_limit: Some(RateLimit {
            requests: 5,
            window_secs: 1,
        }),
        ..Faults::default()
    };
    let emu = emulator(faults, 1).await;
    let c = client(&emu, fast_retries());
    create_thirty(&c).await;
    let (ok, limited) = create_stats(&emu).await;
    assert_eq!(ok.len(), 30);
    assert!(ok.values().all(|n| *n == 1), "{ok:?}");
    // The shared pause and the learned pace keep 429s well below one per request.
    assert!(limited < 15, "{limited} answers were 429");
    assert_thirty_stored(&c).await;
}

#[tokio::test]
async fn creates_under_injected_503s_all_succeed_once() {
    let faults = Faults {
        fail_rate: 0.3,
        ..Faults::default()
    };
    let emu = emulator(faults, 7).await;
    let c = client(&emu, fast_retries());
    create_thirty(&c).await;
    let (ok, _) = create_stats(&emu).await;
    assert_eq!(ok.len(), 30, "{ok:?}");
    assert!(
        ok.values().all(|n| *n == 1),
        "a tenant was created twice: {ok:?}"
    );
    let journal = admin(&emu, "journal").await;
    let failed = journal["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == 503)
        .count();
    assert!(failed > 0, "the fault was not exercised");
    let check = client(
        &emu,
        RetryPolicy {
            base_delay: Duration::ZERO,
            max_attempts: 30,
            ..RetryPolicy::default()
        },
    );
    assert_thirty_stored(&check).await;
}

#[tokio::test]
async fn creates_with_dropped_connections_succeed_exactly_once() {
    let faults = Faults {
        drop_rate: 0.3,
        ..Faults::default()
    };
    let emu = emulator(faults, 11).await;
    let c = client(&emu, fast_retries());
    create_thirty(&c).await;
    let (ok, _) = create_stats(&emu).await;
    assert!(
        ok.values().all(|n| *n == 1),
        "a tenant was created twice: {ok:?}"
    );
    let journal = admin(&emu, "journal").await;
    let dropped = journal["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == 0)
        .count();
    assert!(dropped > 0, "the fault was not exercised");
    // Loads may be dropped too; the client retries them.
    let check = client(
        &emu,
        RetryPolicy {
            base_delay: Duration::ZERO,
            max_attempts: 30,
            ..RetryPolicy::default()
        },
    );
    assert_thirty_stored(&check).await;
}

#[tokio::test]
async fn snapshot_export_validate_import_round_trip_under_dropped_connections_and_503s() {
    let faults = Faults {
        drop_rate: 0.2,
        fail_rate: 0.2,
        ..Faults::default()
    };
    let emu = emulator(faults, 5).await;
    let c = client(&emu, fast_retries());
    let mut files = c.export_snapshot(true).await.unwrap();
    assert!(files.contains_key("project.json") && files.contains_key("roles.json"));
    files.insert(
        "connectors/http.json".into(),
        json!({"id": "CI1", "name": "HTTP", "type": "http", "secretFields": ["token"]}),
    );
    files.insert(
        "flows/f.json".into(),
        json!({"flowId": "f", "metadata": {"name": "F"}, "contents": {}, "references": {"connectors": {"HTTP": "CI1"}}}),
    );
    files.insert("assets/a.png".into(), json!("AAEC"));
    let none = descope_api::SnapshotSecrets::default();
    let verdict = c.validate_snapshot(&files, &none).await.unwrap();
    assert!(!verdict.ok);
    assert_eq!(verdict.missing_secrets.connectors[0].kind, "token");
    let refused = c.import_snapshot(&files, &none, &[]).await.unwrap_err();
    assert_eq!(refused.code(), Some("E011003"), "{refused}");
    let given = descope_api::SnapshotSecrets {
        connectors: vec![descope_api::SnapshotSecret {
            value: "t0ken-value".into(),
            ..verdict.missing_secrets.connectors[0].clone()
        }],
        ..descope_api::SnapshotSecrets::default()
    };
    assert!(!format!("{given:?}").contains("t0ken-value"));
    let bad = c
        .import_snapshot(&files, &given, &["users".into()])
        .await
        .unwrap_err();
    assert!(matches!(bad, ApiError::Config(_)), "refused before sending");
    // An import retried after a lost answer imports the same files again: same end state.
    c.import_snapshot(&files, &given, &["lists".into()])
        .await
        .unwrap();
    assert_eq!(c.export_snapshot(true).await.unwrap(), files);
    let plain = c.export_snapshot(false).await.unwrap();
    assert!(!plain.contains_key("assets/a.png"));
}
