//! The library part of xtask, callable from tests: `docgen` renders the CLI reference
//! (docs/cli.md) and the man pages (docs/man/) from the clap definitions.

pub mod docgen;
