//! One directory per command group, one file per subcommand; `crate::dispatch` runs the
//! parsed command.
//! No command module imports another: what two of them share lives outside `commands/`.

pub mod audit;
pub mod backup;
pub mod completions;
pub mod config;
pub mod doctor;
pub mod drift;
pub mod emulator;
pub mod export;
pub mod flow;
pub mod permission;
pub mod restore;
pub mod role;
pub mod snapshot;
pub mod sync;
pub mod tenant;
pub mod theme;
