//! Timeouts and wait reports: a service that accepts and never answers is an error within
//! `2 × timeout`, naming the URL and the timeout; long waits are reported while they last.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::SecretString;
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

use crate::{ApiError, Client, ClientConfig, RetryPolicy, WaitReporter, Waiting, resolve_base_url};

const KEY: &str = "K2secretKEYvalue0123456789";
const PROJECT: &str = "P2abcdefghijklmnopqrstuvwxyz";

/// Accepts, reads a request, then holds the connection without a word. Counts requests.
async fn silent() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let n = Arc::new(AtomicUsize::new(0));
    let count = n.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let count = count.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                if sock.read(&mut buf).await.unwrap_or(0) > 0 {
                    count.fetch_add(1, Ordering::SeqCst);
                }
                tokio::time::sleep(Duration::from_secs(3600)).await;
                drop(sock);
            });
        }
    });
    (url, n)
}

/// Answers 429 with `Retry-After: 3` once, then 200.
async fn limited_once() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let mut n = 0;
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await;
            let reply = if n == 0 {
                "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            } else {
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
            };
            n += 1;
            let _ = tokio::io::AsyncWriteExt::write_all(&mut sock, reply.as_bytes()).await;
        }
    });
    url
}

fn client(base: &str, timeout: Duration, seen: &Arc<Mutex<Vec<Waiting>>>) -> Client {
    let seen = seen.clone();
    Client::new(ClientConfig {
        base_url: resolve_base_url(Some(base), PROJECT).unwrap(),
        project_id: PROJECT.into(),
        management_key: SecretString::from(KEY.to_owned()),
        timeout,
        retry: RetryPolicy {
            base_delay: Duration::ZERO,
            ..RetryPolicy::default()
        },
        on_wait: Some(WaitReporter::new(move |w| {
            seen.lock().unwrap().push(w.clone())
        })),
        ..ClientConfig::default()
    })
    .unwrap()
}

#[tokio::test]
async fn a_silent_service_times_out_after_two_attempts_naming_url_and_timeout() {
    let (url, count) = silent().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let c = client(&url, Duration::from_millis(300), &seen);
    let e = c.load_all_tenants().await.unwrap_err();
    match &e {
        ApiError::Timeout {
            url: u,
            timeout,
            attempts,
            connect,
        } => {
            assert_eq!(u, &format!("{url}/v1/mgmt/tenant/all"));
            assert_eq!(*timeout, Duration::from_millis(300));
            assert_eq!(*attempts, 2, "the budget (2 × timeout) allows one retry");
            assert!(!connect);
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(e.is_retryable());
    let text = e.to_string();
    assert!(text.contains("within the timeout of 1 s"), "{text}");
    assert!(text.contains("raise --timeout"), "{text}");
    assert!(!text.contains(KEY));
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn with_timeout_asks_once() {
    let (url, count) = silent().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let c = client(&url, Duration::from_secs(30), &seen).with_timeout(Duration::from_millis(200));
    assert_eq!(c.timeout(), Duration::from_millis(200));
    let e = c.license().await.unwrap_err();
    assert!(matches!(e, ApiError::Timeout { attempts: 1, .. }), "{e:?}");
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn a_slow_answer_is_reported_while_it_is_awaited() {
    let (url, _) = silent().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let c = client(&url, Duration::from_secs(5), &seen).with_timeout(Duration::from_secs(5));
    let e = c.license().await.unwrap_err();
    assert!(matches!(e, ApiError::Timeout { .. }), "{e:?}");
    let seen = seen.lock().unwrap();
    assert!(
        seen.iter().any(
            |w| matches!(w, Waiting::Answer { url: u, .. } if u.ends_with("/v1/mgmt/license"))
        ),
        "{seen:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_rate_limit_wait_is_reported() {
    let url = limited_once().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let c = client(&url, Duration::from_secs(30), &seen);
    c.license().await.unwrap();
    let seen = seen.lock().unwrap();
    assert!(
        seen.iter().any(
            |w| matches!(w, Waiting::RateLimit { left, .. } if *left == Duration::from_secs(3))
        ),
        "{seen:?}"
    );
}
