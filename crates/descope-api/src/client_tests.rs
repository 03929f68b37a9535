//! Wire tests of the client against a tiny scripted HTTP server on 127.0.0.1: headers, bodies,
//! decoding, error rendering, retries, the rate gate and idempotent create/delete.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::SecretString;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

use crate::{ApiError, Client, ClientConfig, RetryPolicy, TenantRequest, resolve_base_url};

const KEY: &str = "K2secretKEYvalue0123456789";
const PROJECT: &str = "P2abcdefghijklmnopqrstuvwxyz";

#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) method: String,
    pub(crate) target: String,
    headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

pub(crate) enum Step {
    Reply(u16, Vec<(&'static str, String)>, String),
    /// Read the request, then close the connection without answering.
    Drop,
}

pub(crate) fn ok(body: Value) -> Step {
    Step::Reply(200, vec![], body.to_string())
}

pub(crate) fn err(status: u16, code: &str, description: &str) -> Step {
    Step::Reply(
        status,
        vec![],
        json!({"errorCode": code, "errorDescription": description, "errorMessage": "detail"})
            .to_string(),
    )
}

type Handler = dyn Fn(usize, &Seen) -> Step + Send + Sync;

pub(crate) struct Fake {
    pub(crate) url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    max_concurrent: Arc<AtomicUsize>,
}

impl Fake {
    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

pub(crate) async fn fake(handler: impl Fn(usize, &Seen) -> Step + Send + Sync + 'static) -> Fake {
    fake_with_delay(Duration::ZERO, handler).await
}

async fn fake_with_delay(
    delay: Duration,
    handler: impl Fn(usize, &Seen) -> Step + Send + Sync + 'static,
) -> Fake {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let handler: Arc<Handler> = Arc::new(handler);
    let counter = Arc::new(AtomicUsize::new(0));
    let current = Arc::new(AtomicUsize::new(0));
    let max_concurrent = Arc::new(AtomicUsize::new(0));
    let (s, mc) = (seen.clone(), max_concurrent.clone());
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (s, h, c, cur, mc) = (
                s.clone(),
                handler.clone(),
                counter.clone(),
                current.clone(),
                mc.clone(),
            );
            tokio::spawn(async move {
                let _ = serve(stream, delay, &s, &*h, &c, &cur, &mc).await;
            });
        }
    });
    Fake {
        url,
        seen,
        max_concurrent,
    }
}

async fn serve(
    stream: TcpStream,
    delay: Duration,
    seen: &Mutex<Vec<Seen>>,
    handler: &Handler,
    counter: &AtomicUsize,
    current: &AtomicUsize,
    max_concurrent: &AtomicUsize,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let target = parts.next().unwrap_or_default().to_owned();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            reader.read_line(&mut h).await?;
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_owned()));
            }
        }
        let len = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        reader.read_exact(&mut body).await?;
        let req = Seen {
            method,
            target,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        let now = current.fetch_add(1, Ordering::SeqCst) + 1;
        max_concurrent.fetch_max(now, Ordering::SeqCst);
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let n = counter.fetch_add(1, Ordering::SeqCst);
        let step = handler(n, &req);
        seen.lock().unwrap().push(req);
        current.fetch_sub(1, Ordering::SeqCst);
        match step {
            Step::Drop => return Ok(()),
            Step::Reply(status, extra, body) => {
                let mut head = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len());
                for (k, v) in extra {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                head.push_str("\r\n");
                let stream = reader.get_mut();
                stream.write_all(head.as_bytes()).await?;
                stream.write_all(body.as_bytes()).await?;
                stream.flush().await?;
            }
        }
    }
}

pub(crate) fn client(base: &str) -> Client {
    client_with(base, |_| {})
}

fn client_with(base: &str, tweak: impl FnOnce(&mut ClientConfig)) -> Client {
    let mut cfg = ClientConfig {
        base_url: resolve_base_url(Some(base), PROJECT).unwrap(),
        project_id: PROJECT.into(),
        management_key: SecretString::from(KEY.to_owned()),
        retry: RetryPolicy {
            base_delay: Duration::ZERO,
            ..RetryPolicy::default()
        },
        ..ClientConfig::default()
    };
    tweak(&mut cfg);
    Client::new(cfg).unwrap()
}

fn assert_no_key(text: &str) {
    assert!(!text.contains(KEY), "the management key leaked: {text}");
}

#[tokio::test]
async fn sends_bearer_and_sdk_headers_and_json_bodies() {
    let f = fake(|_, _| ok(json!({"id": "acme"}))).await;
    let c = client(&f.url);
    let req = TenantRequest {
        id: "acme".into(),
        name: "Acme".into(),
        ..TenantRequest::default()
    };
    assert_eq!(c.create_tenant(&req).await.unwrap(), "acme");
    let seen = f.seen();
    assert_eq!(seen.len(), 1);
    let r = &seen[0];
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("POST", "/v1/mgmt/tenant/create")
    );
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {PROJECT}:{KEY}").as_str())
    );
    assert_eq!(r.header("x-descope-sdk-name"), Some("descope-mgmt"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(r.header("user-agent").unwrap().starts_with("descope-mgmt/"));
    assert_eq!(r.json()["id"], "acme");
    assert_eq!(r.json()["name"], "Acme");
}

#[tokio::test]
async fn debug_of_client_and_config_never_shows_the_key() {
    let c = client("http://127.0.0.1:9");
    assert_no_key(&format!("{c:?}"));
    let cfg = ClientConfig {
        management_key: SecretString::from(KEY.to_owned()),
        ..ClientConfig::default()
    };
    assert_no_key(&format!("{cfg:?}"));
}

#[tokio::test]
async fn path_prefix_of_the_base_url_is_kept() {
    let f = fake(|_, _| ok(json!({"rateLimitTier": "tier2"}))).await;
    let c = client(&format!("{}/descope/", f.url));
    assert_eq!(c.license().await.unwrap().rate_limit_tier, "tier2");
    assert_eq!(f.seen()[0].target, "/descope/v1/mgmt/license");
}

#[tokio::test]
async fn load_tenant_accepts_top_level_and_wrapped_and_nulls() {
    let f = fake(|n, _| match n {
        0 => ok(json!({"id": "a", "name": "A", "selfProvisioningDomains": null, "customAttributes": null, "createdTime": 1_726_067_547})),
        _ => ok(json!({"tenant": {"id": "b", "name": "B", "enforceSSO": true, "newField": 1}})),
    })
    .await;
    let c = client(&f.url);
    let a = c.load_tenant("a").await.unwrap();
    assert_eq!(
        (a.id.as_str(), a.name.as_str(), a.created_time),
        ("a", "A", Some(1_726_067_547))
    );
    assert!(a.self_provisioning_domains.is_empty() && a.custom_attributes.is_empty());
    let b = c.load_tenant("b b").await.unwrap();
    assert_eq!(b.id, "b");
    assert!(b.enforce_sso);
    assert_eq!(b.extra["newField"], json!(1));
    let seen = f.seen();
    assert_eq!(seen[0].target, "/v1/mgmt/tenant?id=a");
    assert_eq!(seen[1].target, "/v1/mgmt/tenant?id=b+b");
    assert_eq!(seen[1].method, "GET");
}

#[tokio::test]
async fn service_errors_are_one_clear_line_without_the_key() {
    let f = fake(|_, _| {
        Step::Reply(
            400,
            vec![],
            json!({"errorCode": "E011003", "errorDescription": "Request is invalid",
                   "errorMessage": format!("bad header Bearer {PROJECT}:{KEY}\nsecond line")})
            .to_string(),
        )
    })
    .await;
    let c = client(&f.url);
    let e = c
        .set_default_roles("acme", &["admin".into()])
        .await
        .unwrap_err();
    let text = e.to_string();
    assert_no_key(&text);
    assert_no_key(&format!("{e:?}"));
    assert!(!text.contains('\n'), "{text}");
    for part in [
        "POST",
        "/v1/mgmt/tenant/updateDefaultRoles",
        "HTTP 400",
        "E011003",
        "Request is invalid",
        "second line",
    ] {
        assert!(text.contains(part), "{part} missing from: {text}");
    }
    assert_eq!(e.code(), Some("E011003"));
    assert_eq!(f.seen().len(), 1, "a 400 is not retried");
    assert_eq!(
        f.seen()[0].json(),
        json!({"id": "acme", "defaultRoles": ["admin"]})
    );
}

#[tokio::test]
async fn transient_statuses_are_retried_then_succeed() {
    let f = fake(|n, _| match n {
        0 => Step::Reply(503, vec![], "<html>busy</html>".into()),
        1 => err(502, "", "Bad gateway"),
        _ => ok(json!({"tenants": [{"id": "a"}]})),
    })
    .await;
    let c = client(&f.url);
    assert_eq!(c.load_all_tenants().await.unwrap().len(), 1);
    assert_eq!(f.seen().len(), 3);
}

#[tokio::test]
async fn transient_statuses_give_up_after_max_attempts() {
    let f = fake(|_, _| Step::Reply(520, vec![], "<html>origin error</html>".into())).await;
    let c = client_with(&f.url, |cfg| cfg.retry.max_attempts = 3);
    let e = c.load_all_tenants().await.unwrap_err();
    assert!(
        matches!(&e, ApiError::InvalidResponse { status: 520, snippet, .. } if snippet.contains("origin error")),
        "{e:?}"
    );
    assert!(e.is_retryable());
    assert_eq!(f.seen().len(), 3);
}

#[tokio::test]
async fn a_dropped_connection_is_retried() {
    let f = fake(|n, _| {
        if n == 0 {
            Step::Drop
        } else {
            ok(json!({"rateLimitTier": "t"}))
        }
    })
    .await;
    let c = client(&f.url);
    assert_eq!(c.license().await.unwrap().rate_limit_tier, "t");
    assert_eq!(f.seen().len(), 2);
}

#[tokio::test]
async fn connection_refused_becomes_a_transport_error_after_retries() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let c = client_with(&format!("http://{addr}"), |cfg| cfg.retry.max_attempts = 2);
    let e = c.license().await.unwrap_err();
    match &e {
        ApiError::Transport {
            path,
            attempts,
            message,
        } => {
            assert_eq!(path, "/v1/mgmt/license");
            assert_eq!(*attempts, 2);
            assert!(!message.is_empty());
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert!(e.to_string().contains("/v1/mgmt/license"));
    assert_no_key(&e.to_string());
    assert_no_key(&format!("{e:?}"));
}

#[tokio::test]
async fn a_429_is_retried_after_retry_after_and_halves_concurrency() {
    let f = fake(|n, _| match n {
        0 => Step::Reply(
            429,
            vec![("retry-after", "0".into())],
            json!({"errorCode": "E130429"}).to_string(),
        ),
        _ => ok(json!({"rateLimitTier": "t"})),
    })
    .await;
    let c = client(&f.url);
    assert_eq!(c.license().await.unwrap().rate_limit_tier, "t");
    assert_eq!(f.seen().len(), 2);
    let stats = c.gate_stats();
    assert_eq!(
        stats.limit, 2,
        "halved from 4 by the 429; one success is not yet enough to grow"
    );
    assert!(stats.interval.is_some(), "a pace is learned from the 429");
}

#[tokio::test]
async fn a_retry_after_above_the_cap_fails_at_once() {
    let f =
        fake(|_, _| Step::Reply(429, vec![("retry-after", "3600".into())], String::new())).await;
    let c = client(&f.url);
    let e = c.license().await.unwrap_err();
    match &e {
        ApiError::RateLimited {
            retry_after,
            attempts,
            path,
            ..
        } => {
            assert_eq!(*retry_after, Some(Duration::from_secs(3600)));
            assert_eq!(*attempts, 1);
            assert_eq!(path, "/v1/mgmt/license");
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert!(e.to_string().contains("3600 s"), "{e}");
    assert_eq!(f.seen().len(), 1);
}

#[tokio::test]
async fn too_many_429s_give_up() {
    let f = fake(|_, _| Step::Reply(429, vec![("retry-after", "0".into())], String::new())).await;
    let c = client_with(&f.url, |cfg| cfg.retry.max_rate_limited_attempts = 2);
    let e = c.license().await.unwrap_err();
    assert!(
        matches!(e, ApiError::RateLimited { attempts: 2, .. }),
        "{e:?}"
    );
    assert_eq!(f.seen().len(), 2);
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let f = fake(|_, _| {
        Step::Reply(
            307,
            vec![("location", "https://elsewhere.example/".into())],
            String::new(),
        )
    })
    .await;
    let c = client(&f.url);
    let e = c.license().await.unwrap_err();
    assert!(
        matches!(&e, ApiError::InvalidResponse { status: 307, snippet, .. } if snippet.contains("elsewhere.example")),
        "{e:?}"
    );
    assert_eq!(f.seen().len(), 1);
}

#[tokio::test]
async fn a_200_with_the_wrong_shape_is_an_invalid_response() {
    let f = fake(|n, _| match n {
        0 => Step::Reply(200, vec![], "<html>captive portal</html>".into()),
        1 => ok(json!({"tenants": "nope"})),
        _ => ok(json!({"notFlow": 1})),
    })
    .await;
    let c = client(&f.url);
    let e = c.load_all_tenants().await.unwrap_err();
    assert!(
        matches!(&e, ApiError::InvalidResponse { status: 200, snippet, .. } if snippet.contains("captive portal")),
        "{e:?}"
    );
    assert!(matches!(
        c.load_all_tenants().await,
        Err(ApiError::InvalidResponse { .. })
    ));
    let e = c.export_flow("sign-in").await.unwrap_err();
    assert!(
        matches!(&e, ApiError::InvalidResponse { snippet, .. } if snippet.contains("notFlow")),
        "{e:?}"
    );
}

#[tokio::test]
async fn create_after_a_lost_answer_finds_its_own_tenant() {
    let f = fake(|n, r| match n {
        0 => Step::Drop,
        1 => err(400, "E011003", "Tenant id already exists"),
        _ if r.method == "GET" => {
            ok(json!({"id": "acme", "name": "Acme", "selfProvisioningDomains": ["acme.com"]}))
        }
        _ => err(500, "E0", "unexpected"),
    })
    .await;
    let c = client(&f.url);
    let req = TenantRequest {
        id: "acme".into(),
        name: "Acme".into(),
        self_provisioning_domains: vec!["acme.com".into()],
        ..TenantRequest::default()
    };
    assert_eq!(c.create_tenant(&req).await.unwrap(), "acme");
    let targets: Vec<_> = f
        .seen()
        .iter()
        .map(|s| format!("{} {}", s.method, s.target))
        .collect();
    assert_eq!(
        targets,
        [
            "POST /v1/mgmt/tenant/create",
            "POST /v1/mgmt/tenant/create",
            "GET /v1/mgmt/tenant?id=acme"
        ]
    );
}

#[tokio::test]
async fn create_after_a_lost_answer_keeps_a_real_duplicate_error() {
    let f = fake(|n, r| match n {
        0 => Step::Reply(503, vec![], String::new()),
        1 => err(400, "E011003", "Tenant id already exists"),
        _ if r.method == "GET" => ok(json!({"id": "acme", "name": "Someone else"})),
        _ => err(500, "E0", "unexpected"),
    })
    .await;
    let c = client(&f.url);
    let req = TenantRequest {
        id: "acme".into(),
        name: "Acme".into(),
        ..TenantRequest::default()
    };
    let e = c.create_tenant(&req).await.unwrap_err();
    assert_eq!(e.code(), Some("E011003"));
}

#[tokio::test]
async fn create_with_a_generated_id_after_a_lost_answer_searches_by_name() {
    let f = fake(|n, r| match (n, r.target.as_str()) {
        (0, _) => Step::Drop,
        (1, _) => err(400, "E011003", "Tenant name already exists"),
        (_, "/v1/mgmt/tenant/search") => ok(json!({"tenants": [{"id": "T2gen", "name": "Acme"}]})),
        _ => err(500, "E0", "unexpected"),
    })
    .await;
    let c = client(&f.url);
    let req = TenantRequest {
        name: "Acme".into(),
        ..TenantRequest::default()
    };
    assert_eq!(c.create_tenant(&req).await.unwrap(), "T2gen");
    let seen = f.seen();
    assert!(
        seen[0].json().get("id").is_none(),
        "an empty id is left out"
    );
    assert_eq!(seen[2].json(), json!({"tenantNames": ["Acme"]}));
}

#[tokio::test]
async fn a_duplicate_without_a_lost_answer_is_an_error_and_loads_nothing() {
    let f = fake(|_, _| err(400, "E011003", "Tenant id already exists")).await;
    let c = client(&f.url);
    let req = TenantRequest {
        id: "acme".into(),
        name: "Acme".into(),
        ..TenantRequest::default()
    };
    assert!(c.create_tenant(&req).await.is_err());
    assert_eq!(f.seen().len(), 1);
}

#[tokio::test]
async fn delete_after_a_lost_answer_treats_not_found_as_done() {
    let f = fake(|n, _| {
        if n == 0 {
            Step::Drop
        } else {
            err(400, "E112202", "Tenant not found")
        }
    })
    .await;
    let c = client(&f.url);
    c.delete_tenant("acme", true).await.unwrap();
    let seen = f.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].json(), json!({"id": "acme", "cascade": true}));
    // Without a lost answer, not-found is reported.
    let f = fake(|_, _| err(404, "E112202", "Tenant not found")).await;
    let e = client(&f.url)
        .delete_tenant("ghost", false)
        .await
        .unwrap_err();
    assert!(e.is_not_found());
}

#[tokio::test]
async fn update_never_sends_parent_and_requires_an_id() {
    let f = fake(|_, _| ok(json!({}))).await;
    let c = client(&f.url);
    let mut req = TenantRequest {
        id: "acme".into(),
        name: "Acme".into(),
        parent: "root".into(),
        ..TenantRequest::default()
    };
    c.update_tenant(&req).await.unwrap();
    let body = f.seen()[0].json();
    assert_eq!(f.seen()[0].target, "/v1/mgmt/tenant/update");
    assert!(body.get("parent").is_none(), "{body}");
    assert_eq!(body["name"], "Acme");
    req.id.clear();
    assert!(matches!(
        c.update_tenant(&req).await,
        Err(ApiError::Config(_))
    ));
    assert_eq!(f.seen().len(), 1);
}

#[tokio::test]
async fn settings_are_read_by_id_and_written_with_tenant_id() {
    let f = fake(|n, _| match n {
        0 => ok(json!({"enabled": true, "JITDisabled": false, "sessionTokenExpiration": 10})),
        _ => Step::Reply(200, vec![], String::new()),
    })
    .await;
    let c = client(&f.url);
    let s = c.tenant_settings("acme").await.unwrap();
    assert_eq!(s["sessionTokenExpiration"], json!(10));
    c.set_tenant_settings("acme", &s).await.unwrap();
    let seen = f.seen();
    assert_eq!(
        (seen[0].method.as_str(), seen[0].target.as_str()),
        ("GET", "/v1/mgmt/tenant/settings?id=acme")
    );
    assert_eq!(
        (seen[1].method.as_str(), seen[1].target.as_str()),
        ("POST", "/v1/mgmt/tenant/settings")
    );
    assert_eq!(
        seen[1].json(),
        json!({"enabled": true, "JITDisabled": false, "sessionTokenExpiration": 10, "tenantId": "acme"})
    );
}

#[tokio::test]
async fn search_sends_only_the_filters_given() {
    let f = fake(|_, _| ok(json!({"tenants": null}))).await;
    let c = client(&f.url);
    let q = crate::TenantSearch {
        tenant_ids: vec!["a".into()],
        ..crate::TenantSearch::default()
    };
    assert!(c.search_tenants(&q).await.unwrap().is_empty());
    assert_eq!(f.seen()[0].json(), json!({"tenantIds": ["a"]}));
}

#[tokio::test]
async fn flows_and_theme_round_trip_their_envelopes() {
    let flow =
        json!({"flowId": "old", "metadata": {"name": "Sign in"}, "contents": {}, "screens": []});
    let exported = flow.clone();
    let f = fake(move |_, r| match r.target.as_str() {
        "/v1/mgmt/flow/list" => ok(
            json!({"flows": [{"id": "sign-in", "name": "Sign in", "disabled": null}], "total": 1}),
        ),
        "/v2/mgmt/flow/export" => ok(json!({"flow": exported})),
        "/v2/mgmt/theme/export" => ok(json!({"theme": {"styles": {}}})),
        _ => Step::Reply(200, vec![], String::new()),
    })
    .await;
    let c = client(&f.url);
    let flows = c.list_flows(&[]).await.unwrap();
    assert_eq!(flows[0].id, "sign-in");
    assert!(!flows[0].disabled);
    c.list_flows(&["sign-in".into()]).await.unwrap();
    assert_eq!(c.export_flow("sign-in").await.unwrap(), flow);
    c.import_flow("sign-in", &flow).await.unwrap();
    assert_eq!(c.export_theme().await.unwrap(), json!({"styles": {}}));
    c.import_theme(&json!({"styles": {"x": 1}})).await.unwrap();
    c.delete_flows(&[]).await.unwrap();
    c.delete_flows(&["sign-in".into()]).await.unwrap();
    assert!(matches!(
        c.import_flow("x", &json!([1])).await,
        Err(ApiError::Config(_))
    ));
    let seen = f.seen();
    let bodies: Vec<_> = seen.iter().map(|s| (s.target.as_str(), s.json())).collect();
    assert_eq!(bodies[0], ("/v1/mgmt/flow/list", json!({})));
    assert_eq!(
        bodies[1],
        ("/v1/mgmt/flow/list", json!({"ids": ["sign-in"]}))
    );
    assert_eq!(
        bodies[2],
        ("/v2/mgmt/flow/export", json!({"flowId": "sign-in"}))
    );
    assert_eq!(
        bodies[3].1["flow"]["flowId"], "sign-in",
        "flowId is overwritten on import"
    );
    assert_eq!(bodies[3].1["flow"]["metadata"], json!({"name": "Sign in"}));
    assert_eq!(
        bodies[5],
        (
            "/v2/mgmt/theme/import",
            json!({"theme": {"styles": {"x": 1}}})
        )
    );
    assert_eq!(
        bodies[6],
        ("/v1/mgmt/flow/delete", json!({"ids": ["sign-in"]}))
    );
    assert_eq!(seen.len(), 7, "an empty delete sends nothing");
}

#[tokio::test]
async fn never_more_than_max_in_flight_requests() {
    let f = fake_with_delay(Duration::from_millis(20), |_, _| {
        ok(json!({"rateLimitTier": "t"}))
    })
    .await;
    let c = client_with(&f.url, |cfg| cfg.max_in_flight = 2);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move { c.license().await }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(f.seen().len(), 8);
    let max = f.max_concurrent.load(Ordering::SeqCst);
    assert!((1..=2).contains(&max), "max concurrent {max}");
}

#[tokio::test]
async fn bad_configs_are_refused_without_showing_the_key() {
    let base = resolve_base_url(Some("http://127.0.0.1:9"), PROJECT).unwrap();
    let empty = ClientConfig {
        base_url: base.clone(),
        project_id: PROJECT.into(),
        ..ClientConfig::default()
    };
    assert!(matches!(Client::new(empty), Err(ApiError::Config(m)) if m.contains("empty")));
    let newline = ClientConfig {
        base_url: base.clone(),
        project_id: PROJECT.into(),
        management_key: SecretString::from(format!("{KEY}\nX-Evil: 1")),
        ..ClientConfig::default()
    };
    let e = Client::new(newline).unwrap_err();
    assert_no_key(&e.to_string());
    let zero = ClientConfig {
        base_url: base,
        project_id: PROJECT.into(),
        management_key: SecretString::from(KEY.to_owned()),
        max_in_flight: 0,
        ..ClientConfig::default()
    };
    assert!(matches!(Client::new(zero), Err(ApiError::Config(_))));
}

#[tokio::test]
async fn a_429_with_the_new_code_and_no_retry_after_is_a_rate_limit_too() {
    // Production answers E170429 now (reference §10.1), and not every 429 has `Retry-After`.
    let f = fake(|n, _| match n {
        0 => Step::Reply(
            429,
            Vec::new(),
            json!({"errorCode": "E170429", "errorDescription": "rate limit"}).to_string(),
        ),
        _ => ok(json!({"rateLimitTier": "t"})),
    })
    .await;
    let c = client(&f.url);
    assert_eq!(c.license().await.unwrap().rate_limit_tier, "t");
    assert_eq!(f.seen().len(), 2, "retried once, after the default wait");
    assert_eq!(
        c.gate_stats().limit,
        2,
        "treated as a rate limit: concurrency halved"
    );
}
