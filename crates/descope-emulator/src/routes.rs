//! The routers of the service API and the admin API: which handler answers which path.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::app::App;
use crate::respond::ApiError;
use crate::{admin, flows, permissions, persist, roles, snapshot, tenants};

/// The service API (reference §2, §3, §4.1).
pub(crate) fn service_router(app: Arc<App>) -> Router {
    let router = Router::new()
        .route("/v1/mgmt/tenant/create", post(tenants::create))
        .route("/v1/mgmt/tenant/update", post(tenants::update))
        .route(
            "/v1/mgmt/tenant/patch",
            axum::routing::patch(tenants::patch),
        )
        .route(
            "/v2/mgmt/tenant/adminlinks/sso/generate",
            post(tenants::admin_link_generate),
        )
        .route(
            "/v1/mgmt/tenant/adminlinks/sso/revoke",
            post(tenants::admin_link_revoke),
        )
        .route("/v1/mgmt/tenant/delete", post(tenants::delete))
        .route("/v1/mgmt/tenant", get(tenants::load))
        .route("/v1/mgmt/tenant/all", get(tenants::load_all))
        .route("/v1/mgmt/tenant/search", post(tenants::search))
        .route(
            "/v1/mgmt/tenant/settings",
            get(tenants::get_settings).post(tenants::set_settings),
        )
        .route(
            "/v1/mgmt/tenant/updateDefaultRoles",
            post(tenants::update_default_roles),
        )
        .route("/v1/mgmt/license", get(tenants::license))
        .route("/v1/mgmt/role/create", post(roles::create))
        .route("/v1/mgmt/role/create/batch", post(roles::create_batch))
        .route("/v1/mgmt/role/update", post(roles::update))
        .route("/v1/mgmt/role/update/batch", post(roles::update_batch))
        .route("/v1/mgmt/role/delete", post(roles::delete))
        .route("/v1/mgmt/role/delete/batch", post(roles::delete_batch))
        .route("/v1/mgmt/role/all", get(roles::load_all))
        .route("/v1/mgmt/role/search", post(roles::search))
        .route("/v1/mgmt/permission/create", post(permissions::create))
        .route(
            "/v1/mgmt/permission/create/batch",
            post(permissions::create_batch),
        )
        .route("/v1/mgmt/permission/update", post(permissions::update))
        .route(
            "/v1/mgmt/permission/update/batch",
            post(permissions::update_batch),
        )
        .route("/v1/mgmt/permission/delete", post(permissions::delete))
        .route(
            "/v1/mgmt/permission/delete/batch",
            post(permissions::delete_batch),
        )
        .route("/v1/mgmt/permission/all", get(permissions::load_all))
        .route("/v1/mgmt/flow/list", post(flows::list))
        .route("/v1/mgmt/flow/delete", post(flows::delete))
        .route("/v1/mgmt/flow/export", post(flows::export_v1))
        .route("/v1/mgmt/flow/import", post(flows::import_v1))
        .route("/v2/mgmt/flow/export", post(flows::export_v2))
        .route("/v2/mgmt/flow/import", post(flows::import_v2))
        .route("/v1/mgmt/theme/export", post(flows::theme_export_v1))
        .route("/v1/mgmt/theme/import", post(flows::theme_import_v1))
        .route("/v2/mgmt/theme/export", post(flows::theme_export_v2))
        .route("/v2/mgmt/theme/import", post(flows::theme_import_v2))
        .route("/v1/mgmt/project/snapshot/export", post(snapshot::export))
        .route(
            "/v1/mgmt/project/snapshot/validate",
            post(snapshot::validate),
        )
        .route("/v1/mgmt/project/snapshot/import", post(snapshot::import))
        .fallback(unknown_path)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::disable());
    let router = if app.config.save_every_change {
        router.layer(axum::middleware::from_fn_with_state(
            app.clone(),
            persist::save_each_change,
        ))
    } else {
        router
    };
    router.with_state(app)
}

/// The admin API under `/__emulator/` (docs/architecture.md).
pub(crate) fn admin_router(app: Arc<App>) -> Router {
    Router::new()
        .route("/__emulator/reset", post(admin::reset))
        .route(
            "/__emulator/state",
            get(admin::get_state).put(admin::put_state),
        )
        .route("/__emulator/seed", post(admin::seed))
        .route(
            "/__emulator/journal",
            get(admin::get_journal).delete(admin::clear_journal),
        )
        .route(
            "/__emulator/faults",
            get(admin::get_faults).put(admin::put_faults),
        )
        .fallback(unknown_path)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::disable())
        .with_state(app)
}

async fn unknown_path(uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "E011404",
        "Not found",
        format!("No such endpoint: {}", uri.path()),
    )
}

async fn wrong_method(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "E011405",
        "Method not allowed",
        format!("{method} is not allowed on {}", uri.path()),
    )
}
