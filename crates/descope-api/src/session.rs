//! Tenant session settings, typed (reference §2.5, §10.4): read a tenant's settings as a
//! [`SessionSettings`] (or learn that the tenant does not exist) and write them back whole. The
//! untyped `tenant_settings` / `set_tenant_settings` in `tenants.rs` do the HTTP; this adds the
//! typed view a plan diffs.

use crate::client::Client;
use crate::error::ApiError;
use crate::models::SessionSettings;

impl Client {
    /// A tenant's session settings, typed; `None` when the tenant does not exist (the service's
    /// not-found answer), so a plan can tell "no such tenant" from a failure. Fields the type does
    /// not model are kept in [`SessionSettings::extra`].
    ///
    /// # Errors
    /// Any other [`ApiError`]; settings whose modelled fields have the wrong type are
    /// [`ApiError::InvalidResponse`].
    pub async fn load_session_settings(
        &self,
        tenant_id: &str,
    ) -> Result<Option<SessionSettings>, ApiError> {
        let map = match self.tenant_settings(tenant_id).await {
            Ok(map) => map,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        SessionSettings::from_map(&map).map(Some).map_err(|e| {
            self.wrong_shape(
                &format!("/v1/mgmt/tenant/settings?id={tenant_id}"),
                &serde_json::Value::Object(map),
                &e.to_string(),
            )
        })
    }

    /// Writes a tenant's session settings. The service replaces every field, so `s` must be the
    /// settings as read with only the wanted fields changed (read-modify-write); every field of
    /// `s.extra` is sent back. A retry sends the same whole record, so it cannot double.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn write_session_settings(
        &self,
        tenant_id: &str,
        s: &SessionSettings,
    ) -> Result<(), ApiError> {
        self.set_tenant_settings(tenant_id, &s.to_map()).await
    }
}
