//! The accept loop and the per-request pipeline: admin requests go straight to the admin router;
//! service requests are journaled and pass, in order, the rate limit, latency, injected 503s,
//! auth, the service router, and connection drops. A drop makes the hyper service return an
//! error, which makes hyper close the connection without writing a response.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Request, Response, StatusCode, Uri, header};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::EmulatorError;
use crate::app::App;
use crate::faults::{Draw, DropPoint};
use crate::journal::Note;
use crate::persist;
use crate::respond::ApiError;
use crate::routes;

/// Largest service request body accepted (the admin API has no limit, for bulk seeds).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// Bodies larger than this are not parsed just to name the journal's target.
const MAX_TARGET_SCAN: usize = 1024 * 1024;

/// How long shutdown waits for in-flight requests.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Returned by the hyper service to close the connection without a response.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by fault injection")]
struct Dropped;

struct Routers {
    app: Arc<App>,
    service: Router,
    admin: Router,
}

/// Serves until `shutdown` completes, drains connections, then writes the state file.
pub(crate) async fn run(
    listener: TcpListener,
    app: Arc<App>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), EmulatorError> {
    let routers = Arc::new(Routers {
        service: routes::service_router(app.clone()),
        admin: routes::admin_router(app.clone()),
        app: app.clone(),
    });
    let (stop_tx, stop_rx) = watch::channel(false);
    let flusher = tokio::spawn(persist::debounce_loop(app.clone(), stop_rx.clone()));
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let routers = routers.clone();
                    let stop = stop_rx.clone();
                    connections.spawn(serve_connection(stream, routers, stop));
                }
                Err(e) => {
                    // Out of file descriptors and the like: wait and keep serving.
                    tracing::warn!("emulator accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let drained = tokio::time::timeout(DRAIN_TIMEOUT, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!("emulator shutdown: some requests did not finish in time");
        connections.abort_all();
    }
    let _ = flusher.await;
    persist::flush(&app).await
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    routers: Arc<Routers>,
    mut stop: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let service = service_fn(move |req: Request<Incoming>| handle(routers.clone(), req));
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(e) = result {
                tracing::debug!("emulator connection ended: {e}");
            }
        }
        _ = stop.changed() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

async fn handle(routers: Arc<Routers>, req: Request<Incoming>) -> Result<Response<Body>, Dropped> {
    let path = req.uri().path().to_owned();
    if path == "/__emulator" || path.starts_with("/__emulator/") {
        let response = routers.admin.clone().oneshot(req.map(Body::new)).await;
        return Ok(response.unwrap_or_else(|never| match never {}));
    }
    let app = &routers.app;
    let mut pending = app.journal.begin(req.method().as_str(), &path);
    pending.entry.target = query_target(req.uri());

    let admission = app.faults.admit(Instant::now(), &path);
    let with_headers = |mut response: Response<Body>| {
        if let Some(h) = admission.headers {
            let headers = response.headers_mut();
            headers.insert("ratelimit-limit", HeaderValue::from(h.limit));
            headers.insert("ratelimit-remaining", HeaderValue::from(h.remaining));
            headers.insert("ratelimit-reset", HeaderValue::from(h.reset));
        }
        response
    };
    if let Some(retry_after) = admission.limited {
        pending.entry.status = 429;
        let old =
            app.faults.faults().rate_limit_code.as_deref() == Some(crate::RATE_LIMIT_CODE_OLD);
        let code = if old {
            crate::RATE_LIMIT_CODE_OLD
        } else {
            crate::RATE_LIMIT_CODE
        };
        return Ok(with_headers(rate_limited(retry_after, code)));
    }
    if !admission.latency.is_zero() {
        tokio::time::sleep(admission.latency).await;
    }
    let draw = app.faults.draw();

    let (parts, body) = req.into_parts();
    if content_length(&parts.headers).is_some_and(|n| n > MAX_BODY) {
        let e = ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "E011413",
            "Request too large",
            format!("Request bodies are limited to {MAX_BODY} bytes"),
        );
        pending.entry.status = e.status.as_u16();
        return Ok(with_headers(axum::response::IntoResponse::into_response(e)));
    }
    let bytes = axum::body::to_bytes(Body::new(body), MAX_BODY)
        .await
        .map_err(|_| Dropped)?;
    if pending.entry.target.is_none() {
        pending.entry.target = body_target(&bytes);
    }

    let drop_point = match draw {
        Draw::Fail => {
            let e = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "E011503",
                "Service unavailable",
                "The service is temporarily unavailable (injected fault); retry later",
            );
            pending.entry.status = e.status.as_u16();
            return Ok(with_headers(axum::response::IntoResponse::into_response(e)));
        }
        Draw::Proceed(point) => point,
    };
    if drop_point == DropPoint::Before {
        return Err(Dropped);
    }

    let response = match check_auth(&parts.headers, &app.expected_token) {
        Err(e) => axum::response::IntoResponse::into_response(e),
        Ok(()) => {
            let req = Request::from_parts(parts, Body::from(bytes));
            routers
                .service
                .clone()
                .oneshot(req)
                .await
                .unwrap_or_else(|never| match never {})
        }
    };
    if let Some(note) = response.extensions().get::<Note>() {
        if note.target.is_some() {
            pending.entry.target.clone_from(&note.target);
        }
        pending.entry.cascade = note.cascade;
    }
    if drop_point == DropPoint::After {
        return Err(Dropped);
    }
    pending.entry.status = response.status().as_u16();
    Ok(with_headers(response))
}

fn content_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

fn rate_limited(retry_after: u64, code: &'static str) -> Response<Body> {
    let e = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        code,
        "https://docs.descope.com/rate-limit",
        "API rate limit exceeded.",
    );
    let mut response = axum::response::IntoResponse::into_response(e);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    response
}

/// `Authorization: Bearer <projectId>:<managementKey>` (scheme case-insensitive).
fn check_auth(headers: &HeaderMap, expected_token: &str) -> Result<(), ApiError> {
    let unauthorized =
        |message: &str| ApiError::new(StatusCode::UNAUTHORIZED, "E011401", "Unauthorized", message);
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(unauthorized(
            "Missing Authorization header: send 'Bearer <projectId>:<managementKey>'",
        ));
    };
    let value = value.to_str().unwrap_or_default();
    let token = value
        .get(..7)
        .filter(|scheme| scheme.eq_ignore_ascii_case("bearer "))
        .and_then(|_| value.get(7..))
        .map(str::trim);
    match token {
        Some(t) if t == expected_token => Ok(()),
        Some(_) => Err(unauthorized("Invalid project id or management key")),
        None => Err(unauthorized(
            "Malformed Authorization header: send 'Bearer <projectId>:<managementKey>'",
        )),
    }
}

/// The tenant id named by the query (`id` or `tenantId`).
fn query_target(uri: &Uri) -> Option<String> {
    uri.query()?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (matches!(k, "id" | "tenantId") && !v.is_empty()).then(|| v.to_owned())
    })
}

/// The tenant or flow id named by a JSON body: `id`, `tenantId`, `flowId`, `flow.flowId`, or
/// the `ids` list joined with commas.
fn body_target(bytes: &Bytes) -> Option<String> {
    if bytes.len() > MAX_TARGET_SCAN
        || bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{')
    {
        return None;
    }
    let body: Value = serde_json::from_slice(bytes).ok()?;
    let text = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    text(body.get("id"))
        .or_else(|| text(body.get("tenantId")))
        .or_else(|| text(body.get("flowId")))
        .or_else(|| text(body.get("flow").and_then(|f| f.get("flowId"))))
        .or_else(|| {
            let ids: Vec<&str> = body
                .get("ids")?
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .collect();
            (!ids.is_empty()).then(|| ids.join(","))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_header_forms() {
        let mut h = HeaderMap::new();
        assert_eq!(check_auth(&h, "P:K").unwrap_err().code, "E011401");
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer P:K"),
        );
        assert!(check_auth(&h, "P:K").is_ok());
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer P:X"),
        );
        assert!(check_auth(&h, "P:K").is_err());
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert!(
            check_auth(&h, "P:K")
                .unwrap_err()
                .message
                .contains("Malformed")
        );
    }

    #[test]
    fn targets_from_query_and_body() {
        let uri: Uri = "/v1/mgmt/tenant?x=1&id=acme".parse().unwrap();
        assert_eq!(query_target(&uri).as_deref(), Some("acme"));
        let b = |s: &'static str| body_target(&Bytes::from(s));
        assert_eq!(b(r#"{"id":"","name":"x"}"#), None);
        assert_eq!(b(r#"{"tenantId":"t1"}"#).as_deref(), Some("t1"));
        assert_eq!(b(r#"{"flow":{"flowId":"f"}}"#).as_deref(), Some("f"));
        assert_eq!(b(r#"{"ids":["a","b"]}"#).as_deref(), Some("a,b"));
        assert_eq!(b("not json"), None);
    }
}
