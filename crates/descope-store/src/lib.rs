//! descope-store owns everything descope-mgmt keeps on the local disk: the data dir, atomic file
//! writes, backups of what a write replaces, the audit log of write requests, and the per-project
//! lock that keeps two runs from changing one project at once. It never does HTTP and reads no
//! environment (except [`actor()`]); callers pass paths, clocks and env values in.

mod actor;
mod atomic;
mod audit;
mod backup;
mod data_dir;
mod error;
mod lock;
mod lock_holder;
mod project_id;
mod target;

pub use actor::{actor, actor_from};
pub use atomic::{write_atomic, write_atomic_with_mode, write_user_file};
pub use audit::{AuditFilter, AuditLog, AuditRecord, OPERATIONS, REQUESTS, operation_of_command};
pub use backup::{
    BACKUP_FORMAT_VERSION, Backup, BackupListing, BackupMetadata, BackupStore, NewBackup,
    PruneOutcome, PruneRules, UnreadableBackup, load_backup, parse_backup,
};
pub use data_dir::{DataDir, EnsureReport, list_all_projects};
pub use error::StoreError;
pub use lock::ProjectLock;
pub use lock_holder::LockHolder;
pub use target::{ParseTargetTypeError, TargetType};
