//! Project ids as names on disk: a project id names a backups directory and a lock file, so it
//! is checked before it is used as one.

use crate::error::StoreError;

/// Checks that a project id can safely name a directory or file under the data dir.
pub(crate) fn validate_project_id(project_id: &str) -> Result<(), StoreError> {
    let reason = if project_id.is_empty() {
        Some("it is empty")
    } else if project_id == "." || project_id == ".." {
        Some("it is a relative path")
    } else if project_id.contains(['/', '\\']) {
        Some("it contains a path separator")
    } else if project_id.starts_with('.') {
        Some("it starts with a dot")
    } else if project_id.chars().any(char::is_control) {
        Some("it contains a control character")
    } else if project_id.len() > 200 {
        Some("it is longer than 200 bytes")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(StoreError::InvalidProjectId {
            project_id: project_id.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_ids_that_would_escape_are_refused() {
        for bad in ["", ".", "..", "../x", "a/b", "a\\b", ".hidden", "a\nb"] {
            assert!(
                matches!(
                    validate_project_id(bad),
                    Err(StoreError::InvalidProjectId { .. })
                ),
                "{bad:?} should be refused"
            );
        }
        for good in ["P2abcDEF123", "P2_x-y", "project.1"] {
            validate_project_id(good).unwrap();
        }
    }
}
