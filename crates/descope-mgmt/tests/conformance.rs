//! Conformance suite: runs the OFFICIAL Descope Python SDK (pinned in
//! `tests/conformance/requirements.txt`) against an in-process emulator and fails when any of the
//! script's checks fails.
//!
//! The virtualenv lives in `<workspace>/target/conformance-venv` and is reused while a stamp file
//! holding a hash of the requirements matches; a file lock keeps parallel test binaries from
//! building it at the same time. Python 3.11+ (`python3`, or the interpreter named by
//! `DESCOPE_CONFORMANCE_PYTHON`) and access to PyPI (first run only) are required: a missing
//! interpreter is a test failure, not a skip.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const PROJECT_ID: &str = "P2conformance00000000000000";
const MANAGEMENT_KEY: &str = "K2conformance-key";
const STAMP: &str = "descope-mgmt-conformance.stamp";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// FNV-1a: stable across runs and platforms, and no extra dependency.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

fn describe(what: &str, out: &Output) -> String {
    format!(
        "{what} failed ({}).\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn run(what: &str, cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start {cmd:?}: {e}"));
    assert!(out.status.success(), "{}", describe(what, &out));
    out
}

/// Creates (or reuses) the virtualenv with the pinned SDK and returns its interpreter.
fn ensure_venv(requirements: &Path) -> PathBuf {
    let target = workspace().join("target");
    fs::create_dir_all(&target).expect("create the target dir");
    let venv = target.join("conformance-venv");
    let lock =
        File::create(target.join("conformance-venv.lock")).expect("create the venv lock file");
    lock.lock().expect("lock the conformance venv");

    let wanted = format!(
        "requirements-fnv1a={:016x}\n",
        fnv(&fs::read(requirements).expect("read requirements.txt"))
    );
    let stamp = venv.join(STAMP);
    let python = venv_python(&venv);
    if fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) && python.exists() {
        return python;
    }

    let base = std::env::var("DESCOPE_CONFORMANCE_PYTHON").unwrap_or_else(|_| "python3".into());
    match Command::new(&base).arg("--version").output() {
        Ok(o) if o.status.success() => {}
        Ok(o) => panic!("{}", describe(&format!("`{base} --version`"), &o)),
        Err(e) => panic!(
            "the conformance suite needs Python 3.11+ as `{base}` (set DESCOPE_CONFORMANCE_PYTHON to \
             use another interpreter), with the venv module, and PyPI access on the first run; \
             cannot run `{base}`: {e}"
        ),
    }
    if venv.exists() {
        fs::remove_dir_all(&venv).expect("remove the stale conformance venv");
    }
    run(
        "creating the conformance venv (is the python3-venv package installed?)",
        Command::new(&base).arg("-m").arg("venv").arg(&venv),
    );
    run(
        "installing tests/conformance/requirements.txt into the conformance venv",
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--no-input",
                "--quiet",
                "-r",
            ])
            .arg(requirements),
    );
    fs::write(&stamp, wanted).expect("write the venv stamp");
    python
}

#[test]
fn official_python_sdk_against_the_emulator() {
    let dir = workspace().join("tests").join("conformance");
    let python = ensure_venv(&dir.join("requirements.txt"));

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let emulator = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        descope_emulator::start(
            descope_emulator::Config {
                project_id: PROJECT_ID.into(),
                management_key: MANAGEMENT_KEY.into(),
                state_file: None,
                seed_flows: true,
                save_every_change: false,
                faults: descope_emulator::Faults::default(),
                seed: 0,
            },
            listener,
        )
        .await
        .expect("start the emulator")
    });
    let url = emulator.url();

    // The emulator serves from the runtime's worker threads while this thread waits on python.
    let out = Command::new(&python)
        .arg(dir.join("test_sdk.py"))
        .env("DESCOPE_PROJECT_ID", PROJECT_ID)
        .env("DESCOPE_MANAGEMENT_KEY", MANAGEMENT_KEY)
        .env("DESCOPE_BASE_URL", &url)
        .env("DESCOPE_BASE_URI", &url)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1")
        .env_remove("DESCOPE_AUTH_MANAGEMENT_KEY")
        .output()
        .expect("run tests/conformance/test_sdk.py");
    rt.block_on(emulator.shutdown());

    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "{}",
        describe("the Python SDK conformance script", &out)
    );
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.ends_with(" passed, 0 failed") && !last.starts_with("0 "),
        "unexpected summary line {last:?}\n{}",
        describe("the Python SDK conformance script", &out)
    );
}
