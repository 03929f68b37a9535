//! Response building: the service's error body (`errorCode`, `errorDescription`, `errorMessage`),
//! JSON responses, and lenient request-body parsing (empty body, `null` and `{}` all mean "nothing").

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A service error as the real API reports it (reference §5.1).
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub description: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        description: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code,
            description,
            message: message.into(),
        }
    }

    pub fn bad_json(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "E011001", "Bad request", message)
    }

    pub fn missing(field: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "E011002",
            "Missing arguments",
            format!("The {field} argument is required"),
        )
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "E011003",
            "Request is invalid",
            message,
        )
    }

    pub fn tenant_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "E112202",
            "Tenant not found",
            format!("Tenant '{id}' does not exist"),
        )
    }

    pub fn flow_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "E074001",
            "Flow not found",
            format!("Flow '{id}' does not exist"),
        )
    }

    pub fn body_json(&self) -> serde_json::Value {
        serde_json::json!({
            "errorCode": self.code,
            "errorDescription": self.description,
            "errorMessage": self.message,
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &self.body_json())
    }
}

/// Result of a service handler.
pub(crate) type ApiResult = Result<Response, ApiError>;

/// A JSON response with the given status.
pub(crate) fn json_response<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => bytes_response(status, bytes),
        Err(e) => {
            tracing::error!("cannot serialise a response: {e}");
            let mut r = Response::new(Body::from("{}"));
            *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            r
        }
    }
}

/// A 200 JSON response.
pub(crate) fn ok_json<T: Serialize + ?Sized>(value: &T) -> ApiResult {
    Ok(json_response(StatusCode::OK, value))
}

/// A 200 `{}` response (what the service sends for writes without a payload).
pub(crate) fn ok_empty() -> ApiResult {
    Ok(bytes_response(StatusCode::OK, b"{}".to_vec()))
}

/// Already-serialised JSON bytes as a response.
pub(crate) fn bytes_response(status: StatusCode, bytes: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(bytes));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// Parses a request body; an empty body or `null` gives the type's default.
pub(crate) fn parse_body<T: DeserializeOwned + Default>(body: &Bytes) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let value: Option<T> = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_json(format!("Request body is not valid: {e}")))?;
    Ok(value.unwrap_or_default())
}

/// Treats `None` and `""` alike as "not given".
pub(crate) fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.is_empty())
}

/// Deserialises an optional field that clients may send as absent, `null` or `""` (the Go SDK
/// sends `""` and `null` for unset fields): all three mean "not given".
pub(crate) fn lenient<'de, D, T>(de: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: DeserializeOwned,
{
    use serde::Deserialize as _;
    use serde::de::Error as _;
    match serde_json::Value::deserialize(de)? {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(s) if s.is_empty() => Ok(None),
        v => serde_json::from_value(v)
            .map(Some)
            .map_err(D::Error::custom),
    }
}

/// Decodes `null` as the default (serde's `default` only covers an absent key).
pub(crate) fn nullable<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    Ok(<Option<T> as serde::Deserialize>::deserialize(de)?.unwrap_or_default())
}
