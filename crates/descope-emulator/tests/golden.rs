//! Golden exchanges (`testdata/golden/*.json`, shared with the client crate's tests): every fixture
//! that is not `client-only` is replayed against a fresh emulator, and the status, body and named
//! headers must match. Keys listed in `ignore` are skipped anywhere in the body (and header values
//! of those names are only checked for presence); keys listed in `generated` must hold a generated
//! tenant id (`T` + 27 alphanumerics). A fixture may seed state (`given`, sent to
//! `PUT /__emulator/state`), set faults (`fault`), send `warmup` identical requests first, use a
//! wrong key (`"auth": "wrong"`), and check a follow-up exchange (`then`).

use serde_json::{Map, Value, json};

#[path = "../../../testdata/golden_fixtures.rs"]
mod golden_fixtures;

use golden_fixtures::{KEY, PROJECT, fixtures};

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Drops the ignored keys at every depth.
fn strip(v: &Value, ignore: &[String]) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !ignore.contains(k))
                .map(|(k, x)| (k.clone(), strip(x, ignore)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|x| strip(x, ignore)).collect()),
        other => other.clone(),
    }
}

fn is_generated_tenant_id(s: &str) -> bool {
    s.len() == 28 && s.starts_with('T') && s[1..].bytes().all(|b| b.is_ascii_alphanumeric())
}

async fn send(
    http: &reqwest::Client,
    base: &str,
    req: &Value,
    key: &str,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let method: reqwest::Method = req["method"]
        .as_str()
        .expect("method")
        .parse()
        .expect("method");
    let mut rb = http
        .request(
            method,
            format!("{base}{}", req["path"].as_str().expect("path")),
        )
        .header("Authorization", format!("Bearer {PROJECT}:{key}"));
    if let Some(q) = req.get("query").and_then(Value::as_object) {
        let pairs: Vec<(String, String)> = q
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().expect("query value").to_owned()))
            .collect();
        rb = rb.query(&pairs);
    }
    match req.get("body") {
        None | Some(Value::Null) => {}
        Some(body) => {
            rb = rb
                .header("Content-Type", "application/json")
                .body(serde_json::to_vec(body).expect("encode body"));
        }
    }
    let resp = rb.send().await.expect("send to the emulator");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.expect("read the body");
    let body = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
    };
    (status, headers, body)
}

/// Compares one answer with an expected `{"status", "body", "headers"?}`; returns the problems.
fn compare(
    expected: &Value,
    status: u16,
    headers: &reqwest::header::HeaderMap,
    mut body: Value,
    ignore: &[String],
    generated: &[String],
) -> Vec<String> {
    let mut problems = Vec::new();
    let want_status = expected["status"].as_u64().expect("status");
    if u64::from(status) != want_status {
        problems.push(format!("status {status}, expected {want_status}"));
    }
    for key in generated {
        match body.get(key).and_then(Value::as_str) {
            Some(id) if is_generated_tenant_id(id) => {
                body[key.as_str()] = expected["body"][key.as_str()].clone();
            }
            other => problems.push(format!(
                "{key} should be a generated tenant id, got {other:?}"
            )),
        }
    }
    let want_body = strip(&expected["body"], ignore);
    let got_body = strip(&body, ignore);
    if want_body != got_body {
        problems.push(format!(
            "body differs\n  expected: {want_body}\n  got:      {got_body}"
        ));
    }
    if let Some(hs) = expected.get("headers").and_then(Value::as_object) {
        for (name, want) in hs {
            match headers.get(name.as_str()).and_then(|v| v.to_str().ok()) {
                None => problems.push(format!("header {name} missing")),
                Some(got) if !ignore.contains(name) && Some(got) != want.as_str() => {
                    problems.push(format!("header {name}: {got:?}, expected {want}"));
                }
                Some(got) if name.eq_ignore_ascii_case("retry-after") => {
                    if got.parse::<u64>().is_err() {
                        problems.push(format!("Retry-After {got:?} is not whole seconds"));
                    }
                }
                Some(_) => {}
            }
        }
    }
    problems
}

async fn replay(name: &str, fx: &Value) -> Vec<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let emu = descope_emulator::start(
        descope_emulator::Config {
            project_id: PROJECT.into(),
            management_key: KEY.into(),
            state_file: None,
            seed_flows: false,
            save_every_change: false,
            faults: descope_emulator::Faults::default(),
            seed: 0,
        },
        listener,
    )
    .await
    .expect("start the emulator");
    let base = emu.url();
    let http = reqwest::Client::new();
    if let Some(given) = fx.get("given").filter(|g| !g.is_null()) {
        let mut state = json!({"tenants": [], "settings": {}, "flows": {}, "theme": null});
        for (k, v) in given.as_object().expect("given is an object") {
            state[k.as_str()] = v.clone();
        }
        let r = http
            .put(format!("{base}/__emulator/state"))
            .json(&state)
            .send()
            .await
            .expect("PUT state");
        assert!(
            r.status().is_success(),
            "{name}: PUT /__emulator/state: {}",
            r.status()
        );
    }
    if let Some(fault) = fx.get("fault").filter(|g| !g.is_null()) {
        let r = http
            .put(format!("{base}/__emulator/faults"))
            .json(fault)
            .send()
            .await
            .expect("PUT faults");
        assert!(
            r.status().is_success(),
            "{name}: PUT /__emulator/faults: {}",
            r.status()
        );
    }
    let key = if fx.get("auth").and_then(Value::as_str) == Some("wrong") {
        "K2wrong-key"
    } else {
        KEY
    };
    for _ in 0..fx.get("warmup").and_then(Value::as_u64).unwrap_or(0) {
        send(&http, &base, &fx["request"], key).await;
    }
    let (status, headers, body) = send(&http, &base, &fx["request"], key).await;
    let mut problems = compare(
        &fx["response"],
        status,
        &headers,
        body,
        &strings(fx.get("ignore")),
        &strings(fx.get("generated")),
    );
    if let Some(then) = fx.get("then").filter(|t| !t.is_null()) {
        let (status, headers, body) = send(&http, &base, &then["request"], KEY).await;
        problems.extend(
            compare(
                &then["response"],
                status,
                &headers,
                body,
                &strings(then.get("ignore")),
                &[],
            )
            .into_iter()
            .map(|p| format!("(then) {p}")),
        );
    }
    emu.shutdown().await;
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emulator_answers_every_golden_exchange() {
    let all = fixtures();
    assert!(
        all.len() >= 30,
        "expected the golden fixtures, found {}",
        all.len()
    );
    let mut replayed = 0;
    let mut failures = Vec::new();
    for (name, fx) in &all {
        let direction = fx["direction"].as_str().unwrap_or("both");
        assert!(
            ["both", "client-only", "server-only"].contains(&direction),
            "{name}: unknown direction {direction:?}"
        );
        if direction == "client-only" {
            continue;
        }
        replayed += 1;
        for p in replay(name, fx).await {
            failures.push(format!("{name}: {p}"));
        }
    }
    assert!(replayed >= 25, "only {replayed} fixtures replayed");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn generated_id_shape() {
    assert!(is_generated_tenant_id("T2IMjmRfYTQHlbaastz3im59ERS3"));
    assert!(!is_generated_tenant_id("acme"));
    assert!(!is_generated_tenant_id("X2IMjmRfYTQHlbaastz3im59ERS3"));
}

#[test]
fn strip_removes_ignored_keys_at_every_depth() {
    let v = json!({"a": 1, "errorMessage": "x", "list": [{"errorMessage": "y", "b": 2}]});
    assert_eq!(
        strip(&v, &["errorMessage".to_owned()]),
        json!({"a": 1, "list": [{"b": 2}]})
    );
}
