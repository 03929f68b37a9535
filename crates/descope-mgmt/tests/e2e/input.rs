//! Issue 11 (items 5, 6, 14, 17): one set of tenant field rules for every command that writes a
//! tenant; custom attribute values kept exactly or refused; user-named output files written
//! through symlinks, in place for FIFOs and devices, never replacing a special file.

use std::path::Path;

use serde_json::json;

use crate::{SmallFs, assert_converged, env};
use descope_testkit::TestEnv;

const BAD_DOMAINS: &[&str] = &["BAD..com", "UP..Case", "has space.com"];

fn live_tenants(env: &TestEnv) -> serde_json::Value {
    env.state()["tenants"].clone()
}

#[test]
fn create_and_update_refuse_every_domain_sync_refuses() {
    let env = env();
    env.run(&["tenant", "create", "--id", "acme", "--name", "ACME"])
        .expect(0);
    let before = live_tenants(&env);
    env.clear_journal();
    for bad in BAD_DOMAINS {
        let c = env.run(&[
            "tenant", "create", "--id", "t2", "--name", "T2", "--domain", bad,
        ]);
        c.expect(64);
        assert!(
            c.stderr
                .contains(&format!("--domain: invalid domain `{bad}`")),
            "{}",
            c.stderr
        );
        assert!(c.stderr.contains("nothing was sent"), "{}", c.stderr);
        let u = env.run(&["tenant", "update", "acme", "--domain", bad]);
        u.expect(64);
        assert!(
            u.stderr
                .contains(&format!("--domain: invalid domain `{bad}`")),
            "{}",
            u.stderr
        );
    }
    // Upper case is refused with the lower-case spelling to use, as sync does.
    let up = env.run(&["tenant", "create", "--name", "U", "--domain", "ACME.com"]);
    up.expect(64);
    assert!(up.stderr.contains("`acme.com`"), "{}", up.stderr);
    // A domain listed twice, as sync refuses it.
    env.run(&[
        "tenant", "update", "acme", "--domain", "a.com", "--domain", "a.com",
    ])
    .expect(64);
    assert!(env.writes().is_empty(), "{:?}", env.writes());
    assert_eq!(live_tenants(&env), before);
}

#[test]
fn a_tenant_created_by_the_cli_exports_and_resyncs_with_no_changes() {
    let env = env();
    env.run(&[
        "tenant",
        "create",
        "--id",
        "acme",
        "--name",
        "ACME ${literal} Corp",
        "--domain",
        "acme.com",
        "--domain",
        "eu.acme.com",
        "--attr",
        "plan=enterprise",
        "--attr",
        "seats=50",
        "--attr",
        "ratio=0.25",
        "--attr",
        "sso=true",
        "--attr",
        "code=\"007\"",
        "--attr",
        "big=18446744073709551615",
        "--attr",
        "text=+5",
    ])
    .expect(0);
    env.run(&["tenant", "update", "acme", "--domain", "acme.io"])
        .expect(0);
    let t = &live_tenants(&env)[0];
    assert_eq!(
        t["customAttributes"],
        json!({"plan": "enterprise", "seats": 50, "ratio": 0.25, "sso": true, "code": "007",
               "big": 18_446_744_073_709_551_615_u64, "text": "+5"})
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tenants.yaml");
    let file = file.to_str().unwrap();
    env.run(&["tenant", "export", "-f", file]).expect(0);
    env.clear_journal();
    assert_converged(&env, file);
    env.run(&["tenant", "sync", "-c", file, "--apply", "--yes"])
        .expect(0);
    assert!(env.writes().is_empty(), "{:?}", env.writes());
}

#[test]
fn attributes_a_file_cannot_hold_are_left_unmanaged_by_export_and_kept_by_sync() {
    let env = env();
    env.seed(json!([
        {"id": "odd", "name": "Odd", "customAttributes":
            {"mixed": [1, "two", 3.5, true], "nested": {"a": 1}, "plan": "pro"}},
        {"id": "plain", "name": "Plain", "customAttributes": {"plan": "free"}}
    ]));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tenants.yaml");
    let file = file.to_str().unwrap();
    let r = env.run(&["tenant", "export", "-f", file]);
    r.expect(0);
    assert!(
        r.stderr
            .contains("tenant `odd`: customAttributes left out of the export")
            && r.stderr
                .contains("attribute `mixed` holds a list with items that are not strings"),
        "{}",
        r.stderr
    );
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains("plan: free"), "{text}");
    assert!(!text.contains("mixed"), "{text}");
    // The tool's own output syncs with no changes, and the live values stay exactly as they were.
    assert_converged(&env, file);
    env.clear_journal();
    env.run(&["tenant", "sync", "-c", file, "--apply", "--yes"])
        .expect(0);
    assert!(env.writes().is_empty(), "{:?}", env.writes());
    let odd = live_tenants(&env)
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "odd")
        .cloned()
        .unwrap();
    assert_eq!(
        odd["customAttributes"],
        json!({"mixed": [1, "two", 3.5, true], "nested": {"a": 1}, "plan": "pro"})
    );
}

#[test]
fn attr_flags_keep_values_exactly_or_refuse() {
    let env = env();
    let big = env.run(&[
        "tenant",
        "create",
        "--id",
        "a",
        "--name",
        "A",
        "--attr",
        "n=123456789012345678901234567890",
    ]);
    big.expect(64);
    assert!(
        big.stderr.contains("outside the range of a 64-bit integer"),
        "{}",
        big.stderr
    );
    assert!(
        big.stderr
            .contains("--attr 'n=\"123456789012345678901234567890\"'"),
        "{}",
        big.stderr
    );
    assert!(env.writes().is_empty());
    env.run(&[
        "tenant",
        "create",
        "--id",
        "a",
        "--name",
        "A",
        "--attr",
        "n=\"123456789012345678901234567890\"",
    ])
    .expect(0);
    assert_eq!(
        live_tenants(&env)[0]["customAttributes"]["n"],
        json!("123456789012345678901234567890")
    );
    env.clear_journal();
    let pi = env.run(&[
        "tenant",
        "update",
        "a",
        "--attr",
        "pi=3.14159265358979323846",
    ]);
    pi.expect(64);
    assert!(
        pi.stderr.contains("cannot be kept exactly"),
        "{}",
        pi.stderr
    );
    assert!(env.writes().is_empty());
}

#[test]
fn tenants_yaml_attribute_values_are_kept_exactly_or_refused_with_a_location() {
    let env = env();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, attrs: &str| {
        let p = dir.path().join(name);
        std::fs::write(
            &p,
            format!("tenants:\n  - id: a\n    name: A\n    customAttributes:\n{attrs}"),
        )
        .unwrap();
        p.to_str().unwrap().to_owned()
    };
    let big = write("big.yaml", "      n: 123456789012345678901234567890\n");
    let r = env.run(&["tenant", "sync", "-c", &big, "--apply", "--yes"]);
    r.expect(1);
    assert!(
        r.stderr
            .contains("big.yaml:5:10: custom attribute `n` in tenant `a`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("quote it to keep it as text"),
        "{}",
        r.stderr
    );
    let mixed = write("mixed.yaml", "      tags: [1, \"two\", 3.5, true]\n");
    let r = env.run(&["tenant", "sync", "-c", &mixed, "--apply", "--yes"]);
    r.expect(1);
    assert!(
        r.stderr
            .contains("mixed.yaml:5:14: custom attribute `tags` in tenant `a`: `1` is a number"),
        "{}",
        r.stderr
    );
    assert!(env.writes().is_empty());
    let exact = write(
        "exact.yaml",
        "      n: \"123456789012345678901234567890\"\n      big: 18446744073709551615\n      tags: [\"1\", two, \"3.5\", \"true\"]\n",
    );
    env.run(&["tenant", "sync", "-c", &exact, "--apply", "--yes"])
        .expect(0);
    assert_eq!(
        live_tenants(&env)[0]["customAttributes"],
        json!({"n": "123456789012345678901234567890", "big": 18_446_744_073_709_551_615_u64,
               "tags": ["1", "two", "3.5", "true"]})
    );
    assert_converged(&env, &exact);
}

// ---------------------------------------------------------------------------------------------
// User-named output files.

fn export_to(env: &TestEnv, path: &Path) -> descope_testkit::Run {
    env.run(&["tenant", "export", "-f", path.to_str().unwrap()])
}

fn seeded() -> TestEnv {
    let env = env();
    env.run(&["tenant", "create", "--id", "acme", "--name", "ACME"])
        .expect(0);
    env
}

#[test]
fn output_through_a_symlink_writes_its_target_and_keeps_the_link() {
    let env = seeded();
    let dir = tempfile::tempdir().unwrap();
    let real_dir = dir.path().join("real");
    std::fs::create_dir(&real_dir).unwrap();
    let target = real_dir.join("tenants.yaml");
    std::fs::write(&target, "old\n").unwrap();
    let link = dir.path().join("link.yaml");
    std::os::unix::fs::symlink("real/tenants.yaml", &link).unwrap();
    export_to(&env, &link).expect(0);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(text.contains("id: acme"), "{text}");
    // A dangling link creates its target.
    let dangling = dir.path().join("dangling.yaml");
    std::os::unix::fs::symlink("real/new.yaml", &dangling).unwrap();
    export_to(&env, &dangling).expect(0);
    assert!(
        std::fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(real_dir.join("new.yaml"))
            .unwrap()
            .contains("id: acme")
    );
    // The plan file (`--out`) and flow export follow links the same way.
    let plan_target = real_dir.join("plan.json");
    std::fs::write(&plan_target, "{}").unwrap();
    let plan_link = dir.path().join("plan.json");
    std::os::unix::fs::symlink(&plan_target, &plan_link).unwrap();
    env.run(&[
        "tenant",
        "sync",
        "-c",
        real_dir.join("tenants.yaml").to_str().unwrap(),
        "--dry-run",
        "--out",
        plan_link.to_str().unwrap(),
    ])
    .expect(0);
    assert!(
        std::fs::symlink_metadata(&plan_link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&plan_target)
            .unwrap()
            .contains("\"changes\"")
    );
    // No temp file is left anywhere.
    for d in [dir.path(), real_dir.as_path()] {
        for e in std::fs::read_dir(d).unwrap() {
            let name = e.unwrap().file_name();
            assert!(!name.to_string_lossy().ends_with(".tmp"), "{name:?}");
        }
    }
}

#[test]
fn output_to_a_fifo_is_written_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let env = seeded();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let reader_path = fifo.clone();
    let reader = std::thread::spawn(move || std::fs::read_to_string(reader_path).unwrap());
    // A FIFO with no reader yet is refused; retry until the reader's open is there.
    let mut r = export_to(&env, &fifo);
    for _ in 0..600 {
        if !r.stderr.contains("nothing is reading from this FIFO") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        r = export_to(&env, &fifo);
    }
    r.expect(0);
    // Checked before joining: a replaced FIFO would leave the reader waiting forever.
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo(),
        "the FIFO is still a FIFO"
    );
    let got = reader.join().unwrap();
    assert!(got.contains("id: acme"), "{got}");
}

#[test]
fn output_to_dev_full_is_an_error_and_the_device_stays() {
    use std::os::unix::fs::FileTypeExt;
    let full = Path::new("/dev/full");
    if !full.exists() {
        return; // no /dev/full on this system
    }
    let env = seeded();
    let r = export_to(&env, full);
    r.expect(1);
    assert!(
        r.stderr
            .contains("cannot write /dev/full: No space left on device"),
        "{}",
        r.stderr
    );
    assert!(
        std::fs::symlink_metadata(full)
            .unwrap()
            .file_type()
            .is_char_device(),
        "/dev/full is still a device"
    );
    // /dev/null takes the output and stays a device.
    export_to(&env, Path::new("/dev/null")).expect(0);
    assert!(
        std::fs::symlink_metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn output_to_a_directory_or_socket_is_refused() {
    use std::os::unix::fs::FileTypeExt;
    let env = seeded();
    let dir = tempfile::tempdir().unwrap();
    let r = export_to(&env, dir.path());
    r.expect(1);
    assert!(r.stderr.contains("it is a directory"), "{}", r.stderr);
    let sock = dir.path().join("s.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let r = export_to(&env, &sock);
    r.expect(1);
    assert!(
        r.stderr.contains("it is a socket, not a file"),
        "{}",
        r.stderr
    );
    assert!(
        std::fs::symlink_metadata(&sock)
            .unwrap()
            .file_type()
            .is_socket()
    );
}

#[test]
fn a_full_disk_names_the_file_once_and_leaves_it_unchanged() {
    // Dropped after `fs`, so the mount point outlives the mount.
    let dir = tempfile::tempdir().unwrap();
    let Some(fs) = SmallFs::mount(dir.path(), "64k") else {
        return; // not allowed to mount a small file system here
    };
    let env = seeded();
    let out = fs.path.join("tenants.yaml");
    std::fs::write(&out, "old\n").unwrap();
    fs.fill();
    let r = export_to(&env, &out);
    r.expect(1);
    let first = r.stderr.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!(
            "error: cannot write {}: No space left on device (os error 28)",
            out.display()
        ),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains(".descope-mgmt-"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old\n");
    let names: Vec<_> = std::fs::read_dir(&fs.path)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "no temp file left: {names:?}");
}
