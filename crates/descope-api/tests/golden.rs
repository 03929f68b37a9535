//! Golden exchanges (`testdata/golden/*.json`, shared with the emulator's tests) run through the
//! real [`Client`] against a one-request loopback stub that records what the client sent and
//! answers with the fixture's response.
//!
//! Every fixture the client takes part in (`direction` "both" or "client-only"; "server-only"
//! fixtures hold other SDKs' requests, whose answers sibling fixtures cover) is run: the client,
//! called with arguments built from the fixture's request through its own request types, must
//! send exactly the fixture's method, path, query and body (JSON compared without key order), and
//! decode the answer without error and without losing fields (re-serialised models must hold
//! every field of the fixture body), or turn an error answer into the matching `ApiError`.
//!
//! A fixture may name the client call with `clientCall` when more than one call speaks the same
//! exchange (the typed `load_session_settings` / `write_session_settings` beside the untyped
//! settings calls); a typed read that answers "no such tenant" for a not-found error is checked
//! as such.

use std::collections::BTreeMap;
use std::time::Duration;

use descope_api::{
    ApiError, Client, ClientConfig, NameOrId, PermissionRequest, PermissionUpdate, RetryPolicy,
    RoleFilter, RoleRequest, RoleSearch, RoleUpdate, SessionSettings, SnapshotSecrets, Tenant,
    TenantRequest, TenantSearch,
};
use secrecy::SecretString;
use serde_json::{Map, Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[path = "../../../testdata/golden_fixtures.rs"]
mod golden_fixtures;

use golden_fixtures::{KEY, PROJECT, fixtures};

/// What the stub received.
#[derive(Debug, Default)]
struct Recorded {
    method: String,
    path: String,
    query: BTreeMap<String, String>,
    authorization: String,
    body: Vec<u8>,
}

fn find(buf: &[u8], needle: &[u8]) -> Option<usize> {
    buf.windows(needle.len()).position(|w| w == needle)
}

/// Accepts one connection, reads one HTTP/1.1 request, answers with `response`.
async fn stub_once(listener: TcpListener, response: Value) -> Recorded {
    let (mut sock, _) = listener.accept().await.expect("accept");
    let mut buf = Vec::new();
    let mut chunk = [0_u8; 8192];
    let head_end = loop {
        let n = sock.read(&mut chunk).await.expect("read");
        assert!(n > 0, "connection closed before the request head");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_owned();
    let target = first.next().unwrap_or_default().to_owned();
    let mut length = 0;
    let mut authorization = String::new();
    for line in lines {
        if let Some((k, v)) = line.split_once(':') {
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
            if k == "content-length" {
                length = v.parse().expect("content-length");
            } else if k == "authorization" {
                authorization = v.to_owned();
            } else if k == "transfer-encoding" {
                panic!("the client sent a chunked body; expected content-length");
            }
        }
    }
    while buf.len() < head_end + length {
        let n = sock.read(&mut chunk).await.expect("read body");
        assert!(n > 0, "connection closed inside the body");
        buf.extend_from_slice(&chunk[..n]);
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (
            p.to_owned(),
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect(),
        ),
        None => (target.clone(), BTreeMap::new()),
    };

    let status = response["status"].as_u64().expect("status");
    let body = match &response["body"] {
        Value::Null => Vec::new(),
        b => serde_json::to_vec(b).expect("encode"),
    };
    let mut head = format!(
        "HTTP/1.1 {status} Golden\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if let Some(hs) = response.get("headers").and_then(Value::as_object) {
        for (k, v) in hs {
            head.push_str(&format!("{k}: {}\r\n", v.as_str().expect("header value")));
        }
    }
    head.push_str("\r\n");
    sock.write_all(head.as_bytes()).await.expect("write head");
    sock.write_all(&body).await.expect("write body");
    sock.shutdown().await.ok();
    Recorded {
        method,
        path,
        query,
        authorization,
        body: buf[head_end..head_end + length].to_vec(),
    }
}

fn client(base: &str, key: &str) -> Client {
    Client::new(ClientConfig {
        base_url: url::Url::parse(base).expect("url"),
        project_id: PROJECT.into(),
        management_key: SecretString::from(key.to_owned()),
        timeout: Duration::from_secs(10),
        retry: RetryPolicy {
            max_attempts: 1,
            max_rate_limited_attempts: 1,
            ..RetryPolicy::default()
        },
        ..ClientConfig::default()
    })
    .expect("client")
}

/// `null` in a fixture means "the type's default" once decoded.
fn same_or_default(fixture: &Value, reserialised: &Value) -> bool {
    match fixture {
        Value::Null => {
            matches!(reserialised, Value::Null)
                || reserialised == &json!([])
                || reserialised == &json!({})
                || reserialised == &json!("")
                || reserialised == &json!(false)
                || reserialised == &json!(0)
        }
        _ => fixture == reserialised,
    }
}

/// Every field of `fixture` must come back from the decoded model with the same value.
fn lossless(
    what: &str,
    fixture: &Value,
    model: &impl serde::Serialize,
    problems: &mut Vec<String>,
) {
    let back = serde_json::to_value(model).expect("re-serialise");
    let Some(fields) = fixture.as_object() else {
        problems.push(format!("{what}: fixture is not an object"));
        return;
    };
    for (k, v) in fields {
        match back.get(k) {
            Some(got) if same_or_default(v, got) => {}
            Some(got) => problems.push(format!("{what}.{k}: decoded as {got}, fixture has {v}")),
            None if v.is_null() => {}
            None => problems.push(format!("{what}.{k} was lost in decoding")),
        }
    }
}

fn tenants_lossless(what: &str, fixture: &Value, got: &[Tenant], problems: &mut Vec<String>) {
    all_lossless(what, fixture, got, problems);
}

/// Every object of the fixture's list must come back, in order, from the decoded models.
fn all_lossless(
    what: &str,
    fixture: &Value,
    got: &[impl serde::Serialize],
    problems: &mut Vec<String>,
) {
    let want = fixture.as_array().cloned().unwrap_or_default();
    if want.len() != got.len() {
        problems.push(format!(
            "{what}: {} decoded, fixture has {}",
            got.len(),
            want.len()
        ));
        return;
    }
    for (i, (w, g)) in want.iter().zip(got).enumerate() {
        lossless(&format!("{what}[{i}]"), w, g, problems);
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

/// Decoded result of one call: a value to compare, the client's error, or a typed read that
/// found nothing (the service said not found).
enum Outcome {
    Done(Vec<String>),
    Failed(ApiError),
    Absent,
}

/// The `name` or `id` a write body names.
fn target_of(body: &Value) -> NameOrId {
    match body.get("id").and_then(Value::as_str) {
        Some(id) => NameOrId::Id(id.to_owned()),
        None => NameOrId::Name(str_of(body, "name").to_owned()),
    }
}

fn strings_of(v: &Value) -> Vec<String> {
    serde_json::from_value(v.clone()).unwrap_or_default()
}

/// Calls the client method the fixture's request belongs to, building its arguments from the
/// fixture's request, and checks the decoded answer against the fixture's response body.
async fn call(c: &Client, req: &Value, resp: &Value, client_call: Option<&str>) -> Outcome {
    let body = &req["body"];
    let query = &req["query"];
    let rbody = &resp["body"];
    let mut problems = Vec::new();
    let path = req["path"].as_str().expect("path");
    let method = req["method"].as_str().expect("method");
    macro_rules! attempt {
        ($e:expr) => {
            match $e.await {
                Ok(v) => v,
                Err(e) => return Outcome::Failed(e),
            }
        };
    }
    match (client_call, method, path) {
        (Some("load_session_settings"), "GET", "/v1/mgmt/tenant/settings") => {
            let loaded = attempt!(c.load_session_settings(str_of(query, "id")));
            let Some(s) = loaded else {
                return Outcome::Absent;
            };
            let want = rbody.as_object().cloned().expect("settings object");
            match SessionSettings::from_map(&want) {
                Ok(typed) if typed == s => {}
                other => problems.push(format!(
                    "settings decoded as {s:?}, fixture reads {other:?}"
                )),
            }
            if s.to_map() != want {
                problems.push(format!("settings written back as {:?}", s.to_map()));
            }
        }
        (Some("write_session_settings"), "POST", "/v1/mgmt/tenant/settings") => {
            let mut m: Map<String, Value> = body.as_object().cloned().expect("settings object");
            let id = m.remove("tenantId").expect("tenantId");
            let s = SessionSettings::from_map(&m).expect("typed settings");
            attempt!(c.write_session_settings(id.as_str().expect("tenantId"), &s));
        }
        (Some(other), _, _) => panic!("unknown clientCall {other:?}"),
        (None, "GET", "/v1/mgmt/permission/all") => {
            let ps = attempt!(c.load_all_permissions());
            all_lossless("permissions", &rbody["permissions"], &ps, &mut problems);
        }
        (None, "POST", "/v1/mgmt/permission/create") => {
            let r: PermissionRequest = serde_json::from_value(body.clone()).expect("request");
            attempt!(c.create_permission(&r));
        }
        (None, "POST", "/v1/mgmt/permission/update") => {
            let u: PermissionUpdate = serde_json::from_value(body.clone()).expect("update");
            attempt!(c.update_permission(&u));
        }
        (None, "POST", "/v1/mgmt/permission/delete") => {
            attempt!(c.delete_permission(&target_of(body)));
        }
        (None, "POST", "/v1/mgmt/permission/create/batch") => {
            let rs: Vec<PermissionRequest> =
                serde_json::from_value(body["permissions"].clone()).expect("requests");
            attempt!(c.create_permissions_batch(&rs));
        }
        (None, "POST", "/v1/mgmt/permission/update/batch") => {
            let us: Vec<PermissionUpdate> =
                serde_json::from_value(body["permissions"].clone()).expect("updates");
            attempt!(c.update_permissions_batch(&us));
        }
        (None, "POST", "/v1/mgmt/permission/delete/batch") => {
            attempt!(
                c.delete_permissions_batch(&strings_of(&body["names"]), &strings_of(&body["ids"]))
            );
        }
        (None, "GET", "/v1/mgmt/role/all") => {
            let rs = attempt!(c.load_all_roles());
            all_lossless("roles", &rbody["roles"], &rs, &mut problems);
        }
        (None, "POST", "/v1/mgmt/role/search") => {
            let q: RoleSearch = serde_json::from_value(body.clone()).expect("RoleSearch");
            let rs = attempt!(c.search_roles(&q));
            all_lossless("roles", &rbody["roles"], &rs, &mut problems);
        }
        (None, "POST", "/v1/mgmt/role/create") => {
            let r: RoleRequest = serde_json::from_value(body.clone()).expect("RoleRequest");
            attempt!(c.create_role(&r));
        }
        (None, "POST", "/v1/mgmt/role/update") => {
            let u: RoleUpdate = serde_json::from_value(body.clone()).expect("RoleUpdate");
            attempt!(c.update_role(&u));
        }
        (None, "POST", "/v1/mgmt/role/delete") => {
            let tenant = Some(str_of(body, "tenantId")).filter(|t| !t.is_empty());
            attempt!(c.delete_role(&target_of(body), tenant));
        }
        (None, "POST", "/v1/mgmt/role/create/batch") => {
            let rs: Vec<RoleRequest> =
                serde_json::from_value(body["roles"].clone()).expect("requests");
            let got = attempt!(c.create_roles_batch(&rs));
            all_lossless("roles", &rbody["roles"], &got, &mut problems);
        }
        (None, "POST", "/v1/mgmt/role/update/batch") => {
            let us: Vec<RoleUpdate> =
                serde_json::from_value(body["roles"].clone()).expect("updates");
            let got = attempt!(c.update_roles_batch(&us));
            all_lossless("roles", &rbody["roles"], &got, &mut problems);
        }
        (None, "POST", "/v1/mgmt/role/delete/batch") => {
            let tenant = Some(str_of(body, "tenantId")).filter(|t| !t.is_empty());
            let filter = RoleFilter::new(
                tenant,
                strings_of(&body["roleNames"]),
                strings_of(&body["roleIds"]),
            )
            .expect("a non-empty filter");
            attempt!(c.delete_roles_batch(&filter));
        }
        (None, "POST", "/v1/mgmt/tenant/create") => {
            let r: TenantRequest = serde_json::from_value(body.clone()).expect("TenantRequest");
            let id = attempt!(c.create_tenant(&r));
            if id != str_of(rbody, "id") {
                problems.push(format!(
                    "create returned {id:?}, answer had {}",
                    rbody["id"]
                ));
            }
        }
        (None, "POST", "/v1/mgmt/tenant/update") => {
            let r: TenantRequest = serde_json::from_value(body.clone()).expect("TenantRequest");
            attempt!(c.update_tenant(&r));
        }
        (None, "POST", "/v1/mgmt/tenant/delete") => {
            attempt!(c.delete_tenant(
                str_of(body, "id"),
                body["cascade"].as_bool().unwrap_or(false)
            ));
        }
        (None, "GET", "/v1/mgmt/tenant") => {
            let t = attempt!(c.load_tenant(str_of(query, "id")));
            let inner = rbody
                .get("tenant")
                .filter(|_| rbody.get("id").is_none())
                .unwrap_or(rbody);
            lossless("tenant", inner, &t, &mut problems);
        }
        (None, "GET", "/v1/mgmt/tenant/all") => {
            let ts = attempt!(c.load_all_tenants());
            tenants_lossless("tenants", &rbody["tenants"], &ts, &mut problems);
        }
        (None, "POST", "/v1/mgmt/tenant/search") => {
            let q: TenantSearch = serde_json::from_value(body.clone()).expect("TenantSearch");
            let ts = attempt!(c.search_tenants(&q));
            tenants_lossless("tenants", &rbody["tenants"], &ts, &mut problems);
        }
        (None, "GET", "/v1/mgmt/tenant/settings") => {
            let s = attempt!(c.tenant_settings(str_of(query, "id")));
            if Value::Object(s.clone()) != *rbody {
                problems.push(format!("settings decoded as {s:?}"));
            }
        }
        (None, "POST", "/v1/mgmt/tenant/settings") => {
            let mut s: Map<String, Value> = body.as_object().cloned().expect("settings object");
            let id = s.remove("tenantId").expect("tenantId");
            attempt!(c.set_tenant_settings(id.as_str().expect("tenantId"), &s));
        }
        (None, "POST", "/v1/mgmt/tenant/updateDefaultRoles") => {
            let roles: Vec<String> =
                serde_json::from_value(body["defaultRoles"].clone()).expect("roles");
            attempt!(c.set_default_roles(str_of(body, "id"), &roles));
        }
        (None, "GET", "/v1/mgmt/license") => {
            let l = attempt!(c.license());
            lossless("license", rbody, &l, &mut problems);
        }
        (None, "POST", "/v1/mgmt/flow/list") => {
            let ids: Vec<String> =
                serde_json::from_value(body.get("ids").cloned().unwrap_or(json!([]))).expect("ids");
            let flows = attempt!(c.list_flows(&ids));
            let want = rbody["flows"].as_array().cloned().unwrap_or_default();
            if want.len() == flows.len() {
                for (i, (w, g)) in want.iter().zip(&flows).enumerate() {
                    lossless(&format!("flows[{i}]"), w, g, &mut problems);
                }
            } else {
                problems.push(format!(
                    "{} flows decoded, fixture has {}",
                    flows.len(),
                    want.len()
                ));
            }
        }
        (None, "POST", "/v1/mgmt/flow/delete") => {
            let ids: Vec<String> = serde_json::from_value(body["ids"].clone()).expect("ids");
            attempt!(c.delete_flows(&ids));
        }
        (None, "POST", "/v2/mgmt/flow/export") => {
            let f = attempt!(c.export_flow(str_of(body, "flowId")));
            if f != rbody["flow"] {
                problems.push("exported flow differs from the answer's \"flow\"".into());
            }
        }
        (None, "POST", "/v2/mgmt/flow/import") => {
            let f = &body["flow"];
            attempt!(c.import_flow(str_of(f, "flowId"), f));
        }
        (None, "POST", "/v2/mgmt/theme/export") => {
            let t = attempt!(c.export_theme());
            if t != rbody["theme"] {
                problems.push("exported theme differs from the answer's \"theme\"".into());
            }
        }
        (None, "POST", "/v2/mgmt/theme/import") => {
            attempt!(c.import_theme(&body["theme"]));
        }
        (None, "POST", "/v1/mgmt/project/snapshot/export") => {
            let assets = body.get("format").and_then(Value::as_str) != Some("plain");
            let files = attempt!(c.export_snapshot(assets));
            if Value::Object(files) != rbody["files"] {
                problems.push("exported files differ from the answer's \"files\"".into());
            }
        }
        (None, "POST", "/v1/mgmt/project/snapshot/validate") => {
            let files = body["files"].as_object().cloned().unwrap_or_default();
            let secrets: SnapshotSecrets =
                serde_json::from_value(body.get("inputSecrets").cloned().unwrap_or(json!({})))
                    .expect("inputSecrets");
            let v = attempt!(c.validate_snapshot(&files, &secrets));
            let missing = serde_json::to_value(&v.missing_secrets).expect("encode");
            if json!(v.ok) != rbody["ok"]
                || json!(v.failures) != rbody.get("failures").cloned().unwrap_or(json!([]))
                || rbody.get("missingSecrets").is_some_and(|m| *m != missing)
            {
                problems.push(format!("validation decoded as {v:?}"));
            }
        }
        (None, "POST", "/v1/mgmt/project/snapshot/import") => {
            let files = body["files"].as_object().cloned().unwrap_or_default();
            let secrets: SnapshotSecrets =
                serde_json::from_value(body.get("inputSecrets").cloned().unwrap_or(json!({})))
                    .expect("inputSecrets");
            let excludes: Vec<String> =
                serde_json::from_value(body.get("excludes").cloned().unwrap_or(json!([])))
                    .expect("excludes");
            attempt!(c.import_snapshot(&files, &secrets, &excludes));
        }
        other => panic!("no client call for {other:?}; extend the golden test"),
    }
    Outcome::Done(problems)
}

/// What the client sent must be exactly the fixture's request (JSON compared without key order).
fn sent_as_fixture(rec: &Recorded, req: &Value, problems: &mut Vec<String>) {
    if rec.method != str_of(req, "method") || rec.path != str_of(req, "path") {
        problems.push(format!(
            "sent {} {}, fixture has {} {}",
            rec.method, rec.path, req["method"], req["path"]
        ));
    }
    let want_query: BTreeMap<String, String> = req["query"]
        .as_object()
        .map(|q| {
            q.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    if rec.query != want_query {
        problems.push(format!(
            "sent query {:?}, fixture has {want_query:?}",
            rec.query
        ));
    }
    let sent: Value = if rec.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&rec.body).unwrap_or_else(|e| json!(format!("<not JSON: {e}>")))
    };
    if sent != req["body"] {
        problems.push(format!(
            "sent body {sent}\n      fixture body {}",
            req["body"]
        ));
    }
}

/// An error answer must become the matching `ApiError`.
fn error_as_fixture(err: &ApiError, resp: &Value, problems: &mut Vec<String>) {
    let status = resp["status"].as_u64().expect("status");
    let code = str_of(&resp["body"], "errorCode");
    if err.status().map(u64::from) != Some(status) {
        problems.push(format!(
            "error status {:?}, fixture {status}: {err}",
            err.status()
        ));
    }
    if err.code() != Some(code) {
        problems.push(format!(
            "error code {:?}, fixture {code}: {err}",
            err.code()
        ));
    }
    match status {
        429 => {
            let want = resp["headers"]["Retry-After"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .map(Duration::from_secs);
            match err {
                ApiError::RateLimited { retry_after, .. } if *retry_after == want => {}
                other => problems.push(format!(
                    "expected RateLimited with Retry-After {want:?}, got {other:?}"
                )),
            }
        }
        401 | 403 if !err.is_unauthorized() => {
            problems.push(format!("not is_unauthorized(): {err}"))
        }
        _ => {}
    }
    if code == descope_api::TENANT_NOT_FOUND && !err.is_not_found() {
        problems.push(format!("not is_not_found(): {err}"));
    }
    if let ApiError::Service { description, .. } = err
        && description != str_of(&resp["body"], "errorDescription")
    {
        problems.push(format!("errorDescription {description:?} lost"));
    }
}

async fn run_fixture(name: &str, fx: &Value) -> Vec<String> {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let stub = tokio::spawn(stub_once(listener, fx["response"].clone()));
    let wrong_key = fx.get("auth").and_then(Value::as_str) == Some("wrong");
    let c = client(&base, if wrong_key { "K2wrong-key" } else { KEY });
    let client_call = fx.get("clientCall").and_then(Value::as_str);
    let outcome = call(&c, &fx["request"], &fx["response"], client_call).await;
    let rec = tokio::time::timeout(Duration::from_secs(10), stub)
        .await
        .unwrap_or_else(|_| panic!("{name}: the client never sent a request"))
        .expect("stub task");
    let mut problems = Vec::new();
    let want_auth = format!(
        "Bearer {PROJECT}:{}",
        if wrong_key { "K2wrong-key" } else { KEY }
    );
    if rec.authorization != want_auth {
        problems.push(format!("Authorization {:?}", rec.authorization));
    }
    sent_as_fixture(&rec, &fx["request"], &mut problems);
    let status = fx["response"]["status"].as_u64().expect("status");
    match outcome {
        Outcome::Done(p) if status < 300 => problems.extend(p),
        Outcome::Done(_) => problems.push(format!("HTTP {status} was not reported as an error")),
        Outcome::Failed(e) if status >= 400 => error_as_fixture(&e, &fx["response"], &mut problems),
        Outcome::Failed(e) => problems.push(format!("call failed: {e}")),
        Outcome::Absent
            if status >= 400
                && (status == 404
                    || str_of(&fx["response"]["body"], "errorCode")
                        == descope_api::TENANT_NOT_FOUND) => {}
        Outcome::Absent => problems.push(format!("HTTP {status} read as \"no such tenant\"")),
    }
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_speaks_every_golden_exchange() {
    let all = fixtures();
    assert!(
        all.len() >= 30,
        "expected the golden fixtures, found {}",
        all.len()
    );
    let mut failures = Vec::new();
    let mut request_checked = 0;
    for (name, fx) in &all {
        if fx["direction"].as_str() == Some("server-only") {
            continue;
        }
        request_checked += 1;
        for p in run_fixture(name, fx).await {
            failures.push(format!("{name}: {p}"));
        }
    }
    assert!(
        request_checked >= 25,
        "only {request_checked} requests compared"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn lossless_reports_a_dropped_field() {
    let mut problems = Vec::new();
    lossless(
        "t",
        &json!({"id": "a", "name": null}),
        &Tenant {
            id: "a".into(),
            ..Tenant::default()
        },
        &mut problems,
    );
    assert!(problems.is_empty(), "{problems:?}");
    lossless(
        "t",
        &json!({"id": "b"}),
        &Tenant {
            id: "a".into(),
            ..Tenant::default()
        },
        &mut problems,
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
}

/// Each role, permission and typed settings call of the client has a fixture (by name and by id
/// where the call takes either), so the exchange above covers it.
#[test]
fn every_role_permission_and_settings_call_has_a_fixture() {
    let all = fixtures();
    let has = |call: Option<&str>, method: &str, path: &str, key: Option<&str>| {
        all.iter().any(|(_, fx)| {
            let req = &fx["request"];
            fx.get("clientCall").and_then(Value::as_str) == call
                && str_of(req, "method") == method
                && str_of(req, "path") == path
                && key.is_none_or(|k| req["body"].get(k).is_some())
        })
    };
    let wanted: [(Option<&str>, &str, &str, Option<&str>); 21] = [
        (None, "GET", "/v1/mgmt/permission/all", None),
        (None, "POST", "/v1/mgmt/permission/create", None),
        (None, "POST", "/v1/mgmt/permission/update", Some("name")),
        (None, "POST", "/v1/mgmt/permission/update", Some("id")),
        (None, "POST", "/v1/mgmt/permission/delete", Some("name")),
        (None, "POST", "/v1/mgmt/permission/delete", Some("id")),
        (None, "POST", "/v1/mgmt/permission/create/batch", None),
        (None, "POST", "/v1/mgmt/permission/update/batch", None),
        (None, "POST", "/v1/mgmt/permission/delete/batch", None),
        (None, "GET", "/v1/mgmt/role/all", None),
        (None, "POST", "/v1/mgmt/role/search", Some("roleNameLike")),
        (None, "POST", "/v1/mgmt/role/create", None),
        (None, "POST", "/v1/mgmt/role/update", Some("name")),
        (None, "POST", "/v1/mgmt/role/update", Some("id")),
        (None, "POST", "/v1/mgmt/role/delete", Some("name")),
        (None, "POST", "/v1/mgmt/role/delete", Some("id")),
        (None, "POST", "/v1/mgmt/role/create/batch", None),
        (None, "POST", "/v1/mgmt/role/update/batch", None),
        (None, "POST", "/v1/mgmt/role/delete/batch", None),
        (
            Some("load_session_settings"),
            "GET",
            "/v1/mgmt/tenant/settings",
            None,
        ),
        (
            Some("write_session_settings"),
            "POST",
            "/v1/mgmt/tenant/settings",
            None,
        ),
    ];
    let missing: Vec<_> = wanted
        .iter()
        .filter(|(c, m, p, k)| !has(*c, m, p, *k))
        .collect();
    assert!(missing.is_empty(), "no fixture for {missing:?}");
}
