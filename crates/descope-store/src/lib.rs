//! descope-store owns everything descope-mgmt keeps on the local disk: the data dir, atomic file
//! writes, backups of what a write replaces, the audit log of write requests, and the per-project
//! lock that keeps two runs from changing one project at once. It never does HTTP and reads no
//! environment (except [`actor`]); callers pass paths, clocks and env values in.

mod atomic;
mod audit;
mod backup;
mod data_dir;
mod error;
mod lock;
mod target;

pub use atomic::{write_atomic, write_atomic_with_mode, write_user_file};
pub use audit::{
    AuditFilter, AuditLog, AuditRecord, OPERATIONS, REQUESTS, actor, actor_from,
    operation_of_command,
};
pub use backup::{
    BACKUP_FORMAT_VERSION, Backup, BackupListing, BackupMetadata, BackupStore, NewBackup,
    PruneOutcome, PruneRules, UnreadableBackup, list_all_projects, load_backup, parse_backup,
};
pub use data_dir::{DataDir, EnsureReport};
pub use error::StoreError;
pub use lock::{LockHolder, ProjectLock};
pub use target::{ParseTargetTypeError, TargetType};
