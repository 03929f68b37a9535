//! Files that hold secrets — a profile's key file, a snapshot secrets file — are refused when
//! group or others may read them, one rule for both.

use std::path::Path;

use crate::error::CliError;
use crate::output::shown_path;

/// Refuses `path` (described as `what`: "key file", "secrets file") when its mode lets group or
/// others read it, with the `chmod 600` that fixes it. `meta` is its metadata (symlinks followed).
pub fn refuse_if_shared(path: &Path, meta: &std::fs::Metadata, what: &str) -> Result<(), CliError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(CliError::new(format!(
                "{what} {} is readable by others (mode {mode:o}); refusing to use it",
                shown_path(path)
            ))
            .hint(format!("chmod 600 {}", shown_path(path))));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, meta, what);
    Ok(())
}
