//! Fault injection (rate limit, 503s, dropped connections, latency) and the journal.

mod common;

use common::{Reply, default_emulator, emulator, error_code};
use descope_emulator::{Config, Faults, RateLimit};
use reqwest::Method;
use serde_json::{Value, json};

fn with_faults(faults: Faults, seed: u64) -> Config {
    Config {
        faults,
        seed,
        ..Config::default()
    }
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after_and_changes_nothing() {
    let limit = RateLimit {
        requests: 3,
        window_secs: 60,
    };
    let emu = emulator(with_faults(
        Faults {
            rate_limit: Some(limit),
            ..Faults::default()
        },
        0,
    ))
    .await;
    for i in 0..3 {
        assert_eq!(
            emu.create(&format!("t{i}"), &format!("T{i}")).await.status,
            200
        );
    }
    let r = emu.create("t3", "T3").await;
    assert_eq!(r.status, 429);
    assert_eq!(
        r.body,
        json!({"errorCode": "E170429", "errorDescription": "https://docs.descope.com/rate-limit",
               "errorMessage": "API rate limit exceeded."})
    );
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    let header = |name: &str| -> u64 { r.headers[name].to_str().unwrap().parse().unwrap() };
    assert_eq!(header("ratelimit-limit"), 3);
    assert_eq!(header("ratelimit-remaining"), 0);
    assert_eq!(header("ratelimit-reset"), retry);

    // The limit can be lifted at runtime; the refused create left nothing behind.
    let r = emu.admin_send(Method::PUT, "faults", Some(json!({}))).await;
    assert_eq!(
        r.body,
        json!({"latencyMs": 0, "failRate": 0.0, "dropRate": 0.0, "rateLimit": null,
               "rateLimitLockoutSecs": 0, "routeLimits": [], "rateLimitCode": null,
               "noRateHeaders": false})
    );
    let r = emu.get("/v1/mgmt/tenant?id=t3").await;
    assert_eq!(r.status, 404);
    let statuses: Vec<Value> = emu
        .journal()
        .await
        .iter()
        .map(|e| e["status"].clone())
        .collect();
    assert_eq!(
        statuses,
        [json!(200), json!(200), json!(200), json!(429), json!(404)]
    );
}

async fn statuses_under(seed: u64) -> Vec<u16> {
    let emu = emulator(with_faults(
        Faults {
            fail_rate: 0.5,
            ..Faults::default()
        },
        seed,
    ))
    .await;
    let mut out = Vec::new();
    for _ in 0..40 {
        let r = emu.get("/v1/mgmt/license").await;
        if r.status == 503 {
            assert_eq!(error_code(&r), "E011503");
        }
        out.push(r.status.as_u16());
    }
    out
}

#[tokio::test]
async fn fail_rate_is_deterministic_under_a_seed() {
    let a = statuses_under(42).await;
    assert_eq!(a, statuses_under(42).await);
    assert!(a.contains(&503) && a.contains(&200), "{a:?}");
}

#[tokio::test]
async fn failed_requests_change_nothing() {
    let emu = emulator(with_faults(
        Faults {
            fail_rate: 1.0,
            ..Faults::default()
        },
        1,
    ))
    .await;
    let r = emu.create("acme", "ACME").await;
    assert_eq!(r.status, 503);
    emu.admin_send(Method::PUT, "faults", Some(json!({"failRate": 0.0})))
        .await;
    assert_eq!(emu.get("/v1/mgmt/tenant?id=acme").await.status, 404);
}

#[tokio::test]
async fn drop_rate_closes_connections_before_or_after_processing() {
    let emu = emulator(with_faults(
        Faults {
            drop_rate: 1.0,
            ..Faults::default()
        },
        3,
    ))
    .await;
    for i in 0..20 {
        let result = emu
            .try_post(
                "/v1/mgmt/tenant/create",
                json!({"id": format!("t{i:02}"), "name": format!("T{i}")}),
            )
            .await;
        assert!(result.is_err(), "request {i} got a response");
    }
    let journal = emu.journal().await;
    assert_eq!(journal.len(), 20);
    assert!(journal.iter().all(|e| e["status"] == 0), "{journal:?}");
    assert_eq!(journal[0]["target"], "t00");

    emu.admin_send(Method::PUT, "faults", Some(json!({"dropRate": 0})))
        .await;
    let created = emu.get("/v1/mgmt/tenant/all").await.body["tenants"]
        .as_array()
        .unwrap()
        .len();
    assert!(
        created > 0 && created < 20,
        "drops before and after processing both happen: {created} of 20 created"
    );
}

#[tokio::test]
async fn latency_is_applied_and_journaled() {
    let emu = emulator(with_faults(
        Faults {
            latency_ms: 30,
            ..Faults::default()
        },
        0,
    ))
    .await;
    emu.get("/v1/mgmt/license").await;
    let j = emu.journal().await;
    assert!(j[0]["durationMs"].as_u64().unwrap() >= 30, "{j:?}");
}

#[tokio::test]
async fn journal_records_requests_and_admin_is_exempt() {
    let emu = emulator(with_faults(
        Faults {
            fail_rate: 1.0,
            ..Faults::default()
        },
        0,
    ))
    .await;
    // Admin requests bypass faults and are not journaled.
    assert_eq!(emu.admin_get("faults").await["failRate"], 1.0);
    emu.admin_send(Method::PUT, "faults", Some(json!({"latencyMs": 0})))
        .await;

    let (a, b) = tokio::join!(emu.create("a", "A"), emu.get("/v1/mgmt/tenant?id=a"));
    assert_eq!(a.status, 200);
    let _ = b;
    emu.post("/v1/mgmt/tenant/update", json!({"id": "a", "name": "A2"}))
        .await;
    let unauth = emu
        .client
        .get(format!("{}/v1/mgmt/tenant/all", emu.base))
        .send()
        .await
        .unwrap();
    assert_eq!(unauth.status(), 401);

    let j = emu.admin_get("journal").await;
    let entries = j["requests"].as_array().unwrap();
    assert_eq!(entries.len(), 4);
    for (i, e) in entries.iter().enumerate() {
        assert_eq!(e["seq"].as_u64().unwrap(), i as u64 + 1);
        for key in [
            "method",
            "path",
            "status",
            "target",
            "startMs",
            "durationMs",
            "inFlight",
        ] {
            assert!(e.get(key).is_some(), "entry lacks {key}: {e}");
        }
        assert!(e["inFlight"].as_u64().unwrap() >= 1);
    }
    let update = entries
        .iter()
        .find(|e| e["path"] == "/v1/mgmt/tenant/update")
        .unwrap();
    assert_eq!(update["method"], "POST");
    assert_eq!(update["target"], "a");
    assert_eq!(update["status"], 200);
    assert_eq!(entries[3]["status"], 401);
    assert_eq!(entries[3]["target"], Value::Null);
    assert!(j["maxInFlight"].as_u64().unwrap() >= 1);

    assert_eq!(
        emu.admin_send(Method::DELETE, "journal", None).await.status,
        200
    );
    let j = emu.admin_get("journal").await;
    assert_eq!(
        j,
        json!({"requests": [], "maxInFlight": 0, "lockouts": 0, "rateLimited": 0})
    );
}

#[tokio::test]
async fn a_lockout_answers_every_request_429_with_the_time_left_and_is_counted() {
    let emu = emulator(with_faults(
        Faults {
            rate_limit: Some(RateLimit {
                requests: 2,
                window_secs: 60,
            }),
            rate_limit_lockout_secs: 120,
            rate_limit_code: Some("E130429".into()),
            ..Faults::default()
        },
        0,
    ))
    .await;
    let first = emu.create("a", "A").await;
    assert_eq!(first.status, 200);
    let remaining = |r: &Reply| -> u64 {
        r.headers["ratelimit-remaining"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_eq!(remaining(&first), 1, "headers come with every answer");
    assert_eq!(emu.create("b", "B").await.status, 200);
    let over = emu.create("c", "C").await;
    assert_eq!(over.status, 429);
    assert_eq!(over.body["errorCode"], "E130429");
    let retry: u64 = over.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((119..=120).contains(&retry), "Retry-After {retry}");
    // Locked out: even a read is refused, with the time left.
    let read = emu.get("/v1/mgmt/tenant/all").await;
    assert_eq!(read.status, 429);
    let j = emu.admin_get("journal").await;
    assert_eq!(j["lockouts"], 1);
    assert_eq!(j["rateLimited"], 2);
}

#[tokio::test]
async fn generated_ids_are_journaled_as_targets() {
    let emu = default_emulator().await;
    let id = emu
        .post("/v1/mgmt/tenant/create", json!({"name": "Gen"}))
        .await
        .body["id"]
        .clone();
    assert_eq!(emu.journal().await[0]["target"], id);
}

#[tokio::test]
async fn faults_put_validates_and_reseeds() {
    let emu = default_emulator().await;
    let r = emu
        .admin_send(Method::PUT, "faults", Some(json!({"failRate": 2.0})))
        .await;
    assert_eq!((r.status.as_u16(), error_code(&r)), (400, "E011003"));
    let r = emu
        .admin_send(
            Method::PUT,
            "faults",
            Some(json!({"rateLimit": {"requests": 0, "windowSecs": 1}})),
        )
        .await;
    assert_eq!(r.status, 400);

    let mut runs = Vec::new();
    for _ in 0..2 {
        emu.admin_send(
            Method::PUT,
            "faults",
            Some(json!({"failRate": 0.5, "seed": 9})),
        )
        .await;
        let mut statuses = Vec::new();
        for _ in 0..20 {
            statuses.push(emu.get("/v1/mgmt/license").await.status.as_u16());
        }
        runs.push(statuses);
    }
    assert_eq!(runs[0], runs[1]);
    assert_eq!(emu.admin_get("faults").await["failRate"], 0.5);
}
