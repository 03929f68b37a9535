//! `write_user_file` (issue 11 item 6): a file the user named is written through symlinks to
//! their target, in place for FIFOs and character devices, and a special file is never replaced.

#![cfg(unix)]

use std::fs;
use std::os::unix::fs::{FileTypeExt, PermissionsExt, symlink};

use descope_store::write_user_file;

#[test]
fn a_symlink_is_followed_and_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target.yaml");
    fs::write(&target, "old").unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o644)).unwrap();
    let link = dir.path().join("link.yaml");
    symlink("target.yaml", &link).unwrap();
    let chain = dir.path().join("chain.yaml");
    symlink(&link, &chain).unwrap();
    write_user_file(&chain, b"new").unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        fs::symlink_metadata(&chain)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_to_string(&target).unwrap(), "new");
    assert_eq!(
        fs::metadata(&target).unwrap().permissions().mode() & 0o777,
        0o644,
        "an existing file keeps its mode"
    );
    let dangling = dir.path().join("dangling");
    symlink("created.yaml", &dangling).unwrap();
    write_user_file(&dangling, b"x").unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join("created.yaml")).unwrap(),
        "x"
    );
    let loop_a = dir.path().join("loop");
    symlink("loop", &loop_a).unwrap();
    let err = write_user_file(&loop_a, b"x").unwrap_err().to_string();
    assert!(err.contains("too many levels of symbolic links"), "{err}");
}

#[test]
fn a_fifo_is_written_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let p = fifo.clone();
    let reader = std::thread::spawn(move || fs::read_to_string(p).unwrap());
    // Until the reader's open is there, a FIFO with no reader is refused rather than waited on.
    for _ in 0..3000 {
        match write_user_file(&fifo, b"through the pipe") {
            Err(e) if e.to_string().contains("nothing is reading from this FIFO") => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => {
                other.unwrap();
                break;
            }
        }
    }
    // Checked before joining: a replaced FIFO would leave the reader waiting forever.
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(reader.join().unwrap(), "through the pipe");
}

#[test]
fn dev_full_is_a_write_error_and_stays_a_device() {
    let full = std::path::Path::new("/dev/full");
    if !full.exists() {
        return;
    }
    let err = write_user_file(full, b"data").unwrap_err().to_string();
    assert!(
        err.starts_with("cannot write /dev/full: No space left on device"),
        "{err}"
    );
    assert!(
        fs::symlink_metadata(full)
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn a_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = write_user_file(dir.path(), b"x").unwrap_err().to_string();
    assert!(err.contains("it is a directory"), "{err}");
}
