//! The client against a server that answers oddly: a body of the wrong shape, a non-JSON error
//! page, a redirect without a `Location`. Each becomes a clear `InvalidResponse` naming the path,
//! never a panic or a silent default. Also: what the client refuses before sending anything.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use descope_api::{ApiError, Client, ClientConfig, RetryPolicy};
use secrecy::SecretString;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const KEY: &str = "K2secretManagementKeyForOddAnswers";

/// A server on 127.0.0.1 that answers every request with `status`, `extra_headers` and `body`,
/// and counts the requests it got.
async fn canned(status: &str, extra_headers: &str, body: &str) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let response = format!(
        "HTTP/1.1 {status}\r\n{extra_headers}content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let seen = count.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            seen.fetch_add(1, Ordering::SeqCst);
            let response = response.clone();
            tokio::spawn(async move {
                // Read the request head (and any small body) before answering.
                let mut buf = vec![0u8; 64 * 1024];
                let mut got = Vec::new();
                loop {
                    let Ok(n) = sock.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        break;
                    }
                    got.extend_from_slice(&buf[..n]);
                    if let Some(head_end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&got[..head_end]).to_ascii_lowercase();
                        let len = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if got.len() >= head_end + 4 + len {
                            break;
                        }
                    }
                }
                let _ = sock.write_all(response.as_bytes()).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    (url, count)
}

fn client(url: &str) -> Client {
    Client::new(ClientConfig {
        base_url: descope_api::resolve_base_url(Some(url), "P2oddAnswers").unwrap(),
        project_id: "P2oddAnswers".into(),
        management_key: SecretString::from(KEY.to_owned()),
        retry: RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        },
        ..ClientConfig::default()
    })
    .unwrap()
}

fn invalid(e: ApiError) -> (u16, String, String) {
    match e {
        ApiError::InvalidResponse {
            status,
            ref path,
            ref snippet,
        } => {
            assert!(!e.to_string().contains(KEY));
            (status, path.clone(), snippet.clone())
        }
        other => panic!("expected an invalid-response error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_flow_export_whose_flow_is_not_an_object_is_an_invalid_response() {
    let (url, count) = canned(
        "200 OK",
        "content-type: application/json\r\n",
        r#"{"flow":"text"}"#,
    )
    .await;
    let err = client(&url).export_flow("sign-in").await.unwrap_err();
    let (status, path, snippet) = invalid(err);
    assert_eq!(status, 200);
    assert!(path.contains("/flow/export"), "{path}");
    assert!(snippet.contains("flow"), "{snippet}");
    assert_eq!(
        count.load(Ordering::SeqCst),
        1,
        "a wrong shape is not retried"
    );
}

#[tokio::test]
async fn a_theme_export_that_is_not_an_object_is_an_invalid_response() {
    let (url, _) = canned("200 OK", "content-type: application/json\r\n", "[1,2]").await;
    let (status, path, snippet) = invalid(client(&url).export_theme().await.unwrap_err());
    assert_eq!(status, 200);
    assert!(path.contains("/theme/export"), "{path}");
    assert!(snippet.contains("theme"), "{snippet}");
    // And an object without the key.
    let (url, _) = canned(
        "200 OK",
        "content-type: application/json\r\n",
        r#"{"other":{}}"#,
    )
    .await;
    let (_, _, snippet) = invalid(client(&url).export_theme().await.unwrap_err());
    assert!(snippet.contains("theme"), "{snippet}");
}

#[tokio::test]
async fn a_non_json_error_page_shows_the_start_of_its_body() {
    let (url, _) = canned(
        "500 Internal Server Error",
        "content-type: text/plain\r\n",
        "boom\r\nproxy\tfailed",
    )
    .await;
    let err = client(&url).load_all_tenants().await.unwrap_err();
    assert!(!err.is_not_found());
    let (status, _, snippet) = invalid(err);
    assert_eq!(status, 500);
    assert_eq!(
        snippet, "boom proxy failed",
        "on one line, control characters removed"
    );
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_says_where_it_pointed() {
    let (url, count) = canned("302 Found", "", "").await;
    let (status, _, snippet) = invalid(client(&url).load_tenant("acme").await.unwrap_err());
    assert_eq!(status, 302);
    assert!(snippet.contains("redirect to elsewhere"), "{snippet}");
    assert!(snippet.contains("check the base URL"), "{snippet}");
    assert_eq!(count.load(Ordering::SeqCst), 1);

    let (url, _) = canned(
        "301 Moved Permanently",
        "location: https://other.example/x\r\n",
        "",
    )
    .await;
    let (_, _, snippet) = invalid(client(&url).load_tenant("acme").await.unwrap_err());
    assert!(snippet.contains("https://other.example/x"), "{snippet}");
}

#[tokio::test]
async fn a_theme_or_flow_that_is_not_an_object_is_refused_before_sending() {
    let (url, count) = canned("200 OK", "", "{}").await;
    let c = client(&url);
    for err in [
        c.import_theme(&json!(["not", "an", "object"]))
            .await
            .unwrap_err(),
        c.import_flow("sign-in", &json!("text")).await.unwrap_err(),
    ] {
        assert!(matches!(err, ApiError::Config(_)), "{err:?}");
        assert!(err.to_string().contains("not a JSON object"), "{err}");
    }
    // Deleting no flows sends nothing either.
    c.delete_flows(&[]).await.unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 0);
}

#[test]
fn the_client_reports_its_project_and_base_url() {
    let c = client("http://127.0.0.1:9/prefix/");
    assert_eq!(c.project_id(), "P2oddAnswers");
    assert_eq!(c.base_url().as_str(), "http://127.0.0.1:9/prefix/");
}

#[test]
fn a_project_id_that_cannot_be_a_header_is_a_config_error_without_the_key() {
    let Err(err) = Client::new(ClientConfig {
        project_id: "P2bad\nid".into(),
        management_key: SecretString::from(KEY.to_owned()),
        ..ClientConfig::default()
    }) else {
        panic!("a newline cannot go into a header");
    };
    assert!(matches!(err, ApiError::Config(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("project id"), "{text}");
    assert!(!text.contains(KEY), "{text}");
}
