//! The shared emulator instance: configuration, the store behind a lock, fault engine, journal,
//! persistence bookkeeping, and the routers of the service and admin APIs.

use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::faults::FaultEngine;
use crate::journal::Journal;
use crate::persist::{Persistence, read_state};
use crate::respond::ApiError;
use crate::store::Store;
use crate::{Config, EmulatorError, admin, flows, tenants};

/// Alphabet of generated tenant ids.
const ID_CHARS: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Keeps the id generator's sequence apart from the fault generator's, under one seed.
const ID_SEED_SALT: u64 = 0x05EE_D1D5;

#[derive(Debug)]
pub(crate) struct App {
    pub config: Config,
    store: RwLock<Store>,
    pub faults: FaultEngine,
    pub journal: Journal,
    pub persist: Persistence,
    ids: Mutex<StdRng>,
    /// `<projectId>:<managementKey>`, the bearer token every service request must carry.
    pub expected_token: String,
}

impl App {
    pub fn new(config: Config) -> Result<Arc<Self>, EmulatorError> {
        config
            .faults
            .validate()
            .map_err(EmulatorError::InvalidConfig)?;
        if config.project_id.is_empty() || config.management_key.is_empty() {
            return Err(EmulatorError::InvalidConfig(
                "the project id and the management key must not be empty".to_owned(),
            ));
        }
        let mut store = Store::default();
        let loaded = match &config.state_file {
            Some(path) => read_state(path)?,
            None => None,
        };
        let fresh = loaded.is_none();
        if let Some(doc) = loaded {
            store.load_doc(doc);
        } else if config.seed_flows {
            flows::seed(&mut store);
        }
        let app = Arc::new(Self {
            expected_token: format!("{}:{}", config.project_id, config.management_key),
            faults: FaultEngine::new(config.faults.clone(), config.seed),
            ids: Mutex::new(StdRng::seed_from_u64(config.seed ^ ID_SEED_SALT)),
            journal: Journal::new(),
            persist: Persistence::default(),
            store: RwLock::new(store),
            config,
        });
        if fresh && app.config.seed_flows {
            // Write the seeded flows to a new state file right away.
            app.persist.mark_changed();
        }
        Ok(app)
    }

    pub fn read_store(&self) -> RwLockReadGuard<'_, Store> {
        self.store
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn write_store(&self) -> RwLockWriteGuard<'_, Store> {
        self.store
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A new tenant id: `T` + 27 alphanumerics, unused in `store`.
    pub fn generate_tenant_id(&self, store: &Store) -> String {
        let mut rng = self
            .ids
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        loop {
            let id: String = std::iter::once('T')
                .chain((0..27).map(|_| ID_CHARS[rng.random_range(0..ID_CHARS.len())] as char))
                .collect();
            if !store.contains(&id) {
                return id;
            }
        }
    }

    /// Empties the state (re-seeding flows when configured), the journal, and restarts the
    /// random sequences and the rate-limit window.
    pub fn reset(&self) {
        {
            let mut store = self.write_store();
            store.clear();
            if self.config.seed_flows {
                flows::seed(&mut store);
            }
        }
        self.journal.clear();
        self.faults.reseed(self.config.seed);
        *self
            .ids
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            StdRng::seed_from_u64(self.config.seed ^ ID_SEED_SALT);
        self.persist.mark_changed();
    }
}

/// Unix seconds now.
pub(crate) fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The service API (reference §2, §3).
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
        .fallback(unknown_path)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::disable());
    let router = if app.config.save_every_change {
        router.layer(axum::middleware::from_fn_with_state(
            app.clone(),
            crate::persist::save_each_change,
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
