//! The shared emulator instance: configuration, the store behind a lock, fault engine, journal and
//! persistence bookkeeping. The handlers take it as their state; the routers that wire them up
//! are in `routes`, so this module imports no handler module.

use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::faults::FaultEngine;
use crate::journal::Journal;
use crate::seed::seed;
use crate::state_file::{Persistence, read_state};
use crate::store::Store;
use crate::{Config, EmulatorError};

/// Alphabet of generated ids.
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
            seed(&mut store);
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

    /// A random id candidate: `prefix` + 27 alphanumerics (role ids look like
    /// `ROL2kytoq1RRvE147xvkGxu6xXEJxY`, reference §7). The caller checks it is unused.
    pub fn random_id(&self, prefix: &str) -> String {
        let mut rng = self
            .ids
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut id = String::with_capacity(prefix.len() + 27);
        id.push_str(prefix);
        id.extend((0..27).map(|_| ID_CHARS[rng.random_range(0..ID_CHARS.len())] as char));
        id
    }

    /// Empties the state (re-seeding flows when configured), the journal, and restarts the
    /// random sequences and the rate-limit window.
    pub fn reset(&self) {
        {
            let mut store = self.write_store();
            store.clear();
            if self.config.seed_flows {
                seed(&mut store);
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
