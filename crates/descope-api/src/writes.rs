//! Writes that stay single under retries: when an attempt's answer was lost and a later attempt
//! fails (say, "already exists" for a create, "not found" for a rename or delete), the earlier
//! attempt may have done the work. [`Client::write_verified`] then asks the caller's check
//! whether the service now holds what the write wanted, and counts the write as done if so, as
//! `create_tenant` does for tenants.

use std::future::Future;

use serde::Serialize;
use serde_json::Value;

use crate::client::{Call, Client, Reply};
use crate::error::ApiError;

/// Encodes a request body; a failure (never expected for these types) is a config error.
pub(crate) fn encode(v: &impl Serialize, what: &str) -> Result<Value, ApiError> {
    serde_json::to_value(v).map_err(|e| ApiError::Config(format!("cannot encode {what}: {e}")))
}

impl Client {
    /// Sends a write. If it fails with a service error after an earlier attempt's answer was
    /// lost, runs `done` (a read of the service) and, when it says the wanted state is there,
    /// returns `Ok(None)`: the earlier attempt did it. `Ok(Some(reply))` is an answered success.
    pub(crate) async fn write_verified<F, Fut>(
        &self,
        call: Call<'_>,
        done: F,
    ) -> Result<Option<Reply>, ApiError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = bool>,
    {
        let path = call.path;
        let outcome = self.send(call).await;
        match outcome.result {
            Ok(reply) => Ok(Some(reply)),
            Err(err @ ApiError::Service { .. }) if outcome.maybe_applied_earlier => {
                tracing::debug!(
                    path,
                    "write failed after a lost answer; checking whether an earlier attempt did it"
                );
                if done().await { Ok(None) } else { Err(err) }
            }
            Err(err) => Err(err),
        }
    }

    /// Decodes an answer that may also be empty (some writes answer nothing, others `{}`).
    pub(crate) fn decode_or_default<T: serde::de::DeserializeOwned + Default>(
        &self,
        reply: &Reply,
        shown: &str,
    ) -> Result<T, ApiError> {
        if reply.body.iter().all(u8::is_ascii_whitespace) {
            Ok(T::default())
        } else {
            self.decode(reply, shown)
        }
    }
}
