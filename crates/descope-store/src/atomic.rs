//! Atomic file writes (temp file in the same dir, fsync, rename, fsync the dir) and private
//! (0700) directories. A reader never sees a half-written file.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::StoreError;

/// Mode of every file descope-mgmt writes for itself (backups, audit log, locks).
pub(crate) const FILE_MODE: u32 = 0o600;
/// Mode of every directory descope-mgmt creates for itself.
pub(crate) const DIR_MODE: u32 = 0o700;

/// Writes `bytes` to `path` atomically with mode 0600: a temp file in the same directory is
/// written and fsynced, renamed over (or, with `overwrite == false`, onto a free) `path`, and the
/// directory is fsynced. On any error the temp file is removed and `path` is untouched; with
/// `overwrite == false` an existing `path` gives [`StoreError::AlreadyExists`].
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), StoreError> {
    write_atomic_with_mode(path, bytes, overwrite, FILE_MODE)
}

/// [`write_atomic`] with an explicit Unix file mode (e.g. 0o644 for a file meant to be shared,
/// such as an exported tenants.yaml). The mode is set exactly, regardless of the umask.
pub fn write_atomic_with_mode(
    path: &Path,
    bytes: &[u8],
    overwrite: bool,
    mode: u32,
) -> Result<(), StoreError> {
    if path.file_name().is_none() {
        return Err(StoreError::io(
            "write",
            path,
            io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"),
        ));
    }
    let dir = parent_dir(path);
    let temp = write_temp(dir, bytes, mode).map_err(|e| match e {
        // Name the file the caller asked for, not the temp file (removed again by now).
        StoreError::Io { action, error, .. } if action != "create a temporary file in" => {
            StoreError::Io {
                action: "write",
                path: path.to_owned(),
                error: plain_os_error(error),
            }
        }
        StoreError::Io {
            action,
            path,
            error,
        } => StoreError::Io {
            action,
            path,
            error: plain_os_error(error),
        },
        other => other,
    })?;
    if overwrite {
        temp.persist(path)
            .map_err(|e| StoreError::io("replace", path, plain_os_error(e.error)))?;
    } else {
        temp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == io::ErrorKind::AlreadyExists {
                StoreError::AlreadyExists {
                    path: path.to_owned(),
                }
            } else {
                StoreError::io("create", path, plain_os_error(e.error))
            }
        })?;
    }
    sync_dir(dir)
}

/// Writes a file the user named (`-f FILE`, `--out PLAN.json`, `flow export --dir`...) without
/// replacing what the name stands for:
/// - a regular file, or a new name, is written atomically (temp file in the same directory,
///   rename); an existing file keeps its permissions, a new one gets mode 0600;
/// - a symlink is followed to its final target, which is written atomically in the target's
///   directory (the link stays a link); a dangling link creates its target;
/// - a FIFO or character device (`/dev/null`, `/dev/stdout`, a named pipe) is written directly,
///   as a shell redirection would; a write error (`/dev/full`: no space left) is an error; a FIFO
///   that nothing reads from is refused rather than waited on forever;
/// - a directory, socket or block device is refused: it is never replaced.
pub fn write_user_file(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let (target, through_fd) = final_target(path)?;
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() && !through_fd => {
            write_atomic_with_mode(&target, bytes, true, file_mode(&meta))
        }
        Ok(meta) if meta.is_dir() => Err(StoreError::io(
            "write",
            path,
            io::Error::new(
                io::ErrorKind::IsADirectory,
                "it is a directory; name a file inside it",
            ),
        )),
        Ok(meta) => {
            if let Some(kind) = refused_kind(&meta) {
                return Err(StoreError::io(
                    "write",
                    path,
                    io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!("it is a {kind}, not a file; name a regular file"),
                    ),
                ));
            }
            // Held open until the write's own open: a reader that saw this writer close first
            // would take it for the end of the data.
            let _probe = if is_fifo(&meta) {
                fifo_with_reader(path)?
            } else {
                None
            };
            write_in_place(path, bytes, meta.is_file())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            write_atomic_with_mode(&target, bytes, true, FILE_MODE)
        }
        Err(e) => Err(StoreError::io("write", path, e)),
    }
}

/// Follows `path` through symlinks to the name that finally stands for the file (which may not
/// exist yet). The second value says the chain passed through `/proc/` or `/dev/fd/` (such as
/// `/dev/stdout`): an already open file, written in place rather than replaced.
fn final_target(path: &Path) -> Result<(PathBuf, bool), StoreError> {
    const MAX_HOPS: usize = 40;
    let mut p = path.to_path_buf();
    let mut through_fd = false;
    for _ in 0..MAX_HOPS {
        through_fd |= p.starts_with("/proc") || p.starts_with("/dev/fd");
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = fs::read_link(&p).map_err(|e| StoreError::io("read the link", &p, e))?;
                p = if link.is_absolute() {
                    link
                } else {
                    parent_dir(&p).join(link)
                };
            }
            _ => return Ok((p, through_fd)),
        }
    }
    Err(StoreError::io(
        "write",
        path,
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "too many levels of symbolic links",
        ),
    ))
}

#[cfg(unix)]
fn file_mode(meta: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn file_mode(_meta: &fs::Metadata) -> u32 {
    FILE_MODE
}

/// Special files that are never written: a socket or a block device (a disk).
#[cfg(unix)]
fn refused_kind(meta: &fs::Metadata) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_socket() {
        Some("socket")
    } else if t.is_block_device() {
        Some("block device")
    } else {
        None
    }
}

#[cfg(not(unix))]
fn refused_kind(_meta: &fs::Metadata) -> Option<&'static str> {
    None
}

/// Writes to an existing FIFO or character device as it is (no temp file, no rename); a regular
/// file reached through `/dev/stdout` and the like is truncated first, as `>` does.
#[cfg(unix)]
fn is_fifo(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_fifo()
}

#[cfg(not(unix))]
fn is_fifo(_meta: &fs::Metadata) -> bool {
    false
}

/// Opens a FIFO write-only without blocking, refusing one that no process has open for reading
/// (ENXIO), where a blocking open would wait for a reader forever.
#[cfg(target_os = "linux")]
fn fifo_with_reader(path: &Path) -> Result<Option<fs::File>, StoreError> {
    use std::os::unix::fs::OpenOptionsExt;
    /// `O_NONBLOCK` on Linux.
    const O_NONBLOCK: i32 = 0o4000;
    /// `ENXIO`: "no such device or address", a FIFO with no reader.
    const ENXIO: i32 = 6;
    match fs::OpenOptions::new()
        .write(true)
        .custom_flags(O_NONBLOCK)
        .open(path)
    {
        // A reader is there: the blocking open that writes returns at once.
        Ok(f) => Ok(Some(f)),
        Err(e) if e.raw_os_error() == Some(ENXIO) => Err(StoreError::io(
            "write",
            path,
            io::Error::new(
                io::ErrorKind::NotConnected,
                "nothing is reading from this FIFO; start the reader first, then run the command again",
            ),
        )),
        Err(e) => Err(StoreError::io("open", path, e)),
    }
}

#[cfg(not(target_os = "linux"))]
fn fifo_with_reader(_path: &Path) -> Result<Option<fs::File>, StoreError> {
    Ok(None)
}

fn write_in_place(path: &Path, bytes: &[u8], truncate: bool) -> Result<(), StoreError> {
    let mut f = fs::OpenOptions::new()
        .write(true)
        .truncate(truncate)
        .open(path)
        .map_err(|e| StoreError::io("open", path, e))?;
    f.write_all(bytes)
        .and_then(|()| f.flush())
        .map_err(|e| StoreError::io("write", path, plain_os_error(e)))
}

/// An I/O error without the path `tempfile` appends ("... at path /dir/.x.tmp"): messages name
/// the file the user asked for, once.
fn plain_os_error(e: io::Error) -> io::Error {
    if let Some(code) = e.raw_os_error() {
        return io::Error::from_raw_os_error(code);
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> =
        e.get_ref().and_then(|inner| inner.source());
    while let Some(c) = cause {
        if let Some(code) = c
            .downcast_ref::<io::Error>()
            .and_then(io::Error::raw_os_error)
        {
            return io::Error::from_raw_os_error(code);
        }
        cause = c.source();
    }
    // `tempfile` wraps the OS error with the temp file's path and hides it from `source()`.
    let without_path = e.get_ref().and_then(|inner| {
        let text = inner.to_string();
        text.rsplit_once(" at path ").map(|(os, _)| os.to_owned())
    });
    match without_path {
        Some(os) => io::Error::new(e.kind(), os),
        None => e,
    }
}

/// Writes `bytes` to a new file `<dir>/<stem><ext>`, or `<stem>-2<ext>`, `<stem>-3<ext>`… when
/// that name is taken: never overwrites. Same atomicity as [`write_atomic`]; with
/// `sync_dir_after == false` the directory is not fsynced, and the caller must call
/// [`sync_dir`] before relying on the file being there after a crash (one sync for a batch).
pub(crate) fn write_new_unique(
    dir: &Path,
    stem: &str,
    ext: &str,
    bytes: &[u8],
    sync_dir_after: bool,
) -> Result<PathBuf, StoreError> {
    const MAX_ATTEMPTS: u32 = 10_000;
    let mut temp = write_temp(dir, bytes, FILE_MODE).map_err(|e| match e {
        // Name the directory the file was to go to, not the temp file (removed again by now).
        StoreError::Io { error, .. } => StoreError::Io {
            action: "write a file in",
            path: dir.to_owned(),
            error: plain_os_error(error),
        },
        other => other,
    })?;
    for n in 1..=MAX_ATTEMPTS {
        let name = if n == 1 {
            format!("{stem}{ext}")
        } else {
            format!("{stem}-{n}{ext}")
        };
        let target = dir.join(name);
        match temp.persist_noclobber(&target) {
            Ok(_) => {
                if sync_dir_after {
                    sync_dir(dir)?;
                }
                return Ok(target);
            }
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => temp = e.file,
            Err(e) => return Err(StoreError::io("create", target, e.error)),
        }
    }
    Err(StoreError::AlreadyExists {
        path: dir.join(format!("{stem}-{MAX_ATTEMPTS}{ext}")),
    })
}

/// Creates `path` and any missing parents with mode 0700. An existing directory is left as is.
pub(crate) fn create_private_dir_all(path: &Path) -> Result<(), StoreError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
    }
    builder
        .create(path)
        .map_err(|e| StoreError::io("create directory", path, e))
}

/// Options to open a file descope-mgmt owns: created with mode 0600.
pub(crate) fn private_open_options() -> fs::OpenOptions {
    #[allow(unused_mut)]
    let mut options = fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    options
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn write_temp(dir: &Path, bytes: &[u8], mode: u32) -> Result<NamedTempFile, StoreError> {
    // Dot-prefixed so listings (which skip dotfiles) never show a temp file, even one left by a
    // crash; a fixed short prefix so long target names cannot make the temp name too long.
    let mut temp = tempfile::Builder::new()
        .prefix(".descope-mgmt-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| StoreError::io("create a temporary file in", dir, e))?;
    let temp_path = temp.path().to_owned();
    set_mode(temp.as_file(), mode)
        .map_err(|e| StoreError::io("set permissions of", &temp_path, e))?;
    temp.as_file_mut()
        .write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| StoreError::io("write", &temp_path, e))?;
    Ok(temp)
}

#[cfg(unix)]
fn set_mode(file: &File, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_file: &File, _mode: u32) -> io::Result<()> {
    Ok(())
}

/// Makes a rename in `dir` durable. Filesystems that cannot fsync a directory are tolerated.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        let result = File::open(dir).and_then(|d| d.sync_all());
        match result {
            Ok(()) => Ok(()),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
                ) =>
            {
                Ok(())
            }
            Err(e) => Err(StoreError::io("sync directory", dir, e)),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}
