//! Issue 11: what reaches the terminal — stdout write errors, Ctrl-C at a prompt, control
//! characters in data, tables on a narrow terminal, hints said once.
//!
//! Runs on a real terminal use `script` (util-linux) to give the binary a pseudo-terminal: the
//! workspace forbids `unsafe`, so the tests cannot open one themselves.

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use descope_testkit::TestEnv;
use serde_json::{Value, json};

use crate::{bin, env};

/// A tenant name with an OSC title sequence, a colour sequence, a newline and a tab.
const EVIL: &str = "evil\u{1b}]0;pwned\u{7}\u{1b}[31mred\nline2\tTab";

/// Control characters a terminal would act on: C0 (but the line breaks a terminal run itself
/// adds), DEL and C1.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| c.is_control() && *c != '\n' && *c != '\r')
        .collect()
}

#[track_caller]
fn assert_no_raw_controls(what: &str, text: &str) {
    let found = raw_controls(text);
    assert!(
        found.is_empty(),
        "{what}: raw control characters {found:?} in:\n{text}"
    );
}

fn full_disk_stdout() -> Stdio {
    Stdio::from(
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full opens"),
    )
}

/// Runs the binary with stdout on `/dev/full` (every write fails with "no space left").
fn run_on_full_disk(env: &TestEnv, args: &[&str]) -> descope_testkit::Run {
    env.command(args)
        .stdout(full_disk_stdout())
        .stderr(Stdio::piped())
        .output()
        .expect("binary runs")
        .into()
}

fn seed_some(env: &TestEnv) {
    env.seed(json!([
        {"id": "t1", "name": "Tenant one", "selfProvisioningDomains": ["one.example.com"]},
        {"id": "t2", "name": "Tenant two"},
    ]));
}

#[test]
fn stdout_write_errors_exit_1_with_a_message() {
    let env = TestEnv::with_flows(bin());
    seed_some(&env);
    // A backup and an audit record to list.
    env.run(&["tenant", "update", "t2", "--name", "Tenant 2", "--yes"])
        .expect(0);
    let flows = env.run(&["flow", "list", "-o", "json"]).expect(0).json();
    let flow_id = flows[0]["id"]
        .as_str()
        .or_else(|| flows[0]["flowId"].as_str())
        .expect("a seeded flow")
        .to_owned();
    let file = env.home().join("tenants.yaml");
    std::fs::write(&file, "tenants:\n  - id: t3\n    name: Three\n").unwrap();
    let file = file.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["tenant", "list"],
        vec!["tenant", "list", "-o", "json"],
        vec!["tenant", "list", "-o", "yaml"],
        vec!["tenant", "get", "t1"],
        vec!["tenant", "get", "t1", "-o", "json"],
        vec!["tenant", "get", "t1", "-o", "yaml"],
        vec!["tenant", "export"],
        vec!["tenant", "sync", "-c", file, "--dry-run"],
        vec!["tenant", "sync", "-c", file, "--dry-run", "-o", "json"],
        vec!["flow", "list"],
        vec!["flow", "export", &flow_id],
        vec!["backup", "list"],
        vec!["audit", "list"],
        vec!["doctor", "-o", "json"],
        vec!["config", "schema"],
        vec!["completions", "bash"],
        vec!["--help"],
    ];
    for args in &commands {
        let run = run_on_full_disk(&env, args);
        assert_eq!(
            run.code,
            1,
            "`{}` on a full disk: exit code\nstderr:\n{}",
            args.join(" "),
            run.stderr
        );
        assert!(
            run.stderr
                .contains("cannot write to standard output: No space left on device"),
            "`{}` says what failed:\n{}",
            args.join(" "),
            run.stderr
        );
    }
    // Nothing was written by the dry runs; the failed output did not turn into a write.
    assert!(
        env.state()["tenants"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["id"] != "t3")
    );
}

#[test]
fn a_closed_pipe_is_quiet() {
    let env = env();
    // More than a pipe holds, so the writer meets the closed end whatever the timing.
    let tenants: Vec<Value> = (0..2000)
        .map(|i| json!({"id": format!("t{i:04}"), "name": format!("Tenant number {i}")}))
        .collect();
    env.seed(Value::Array(tenants));
    for args in [&["tenant", "export"][..], &["tenant", "list", "-o", "json"]] {
        let mut child = env
            .command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let run: descope_testkit::Run = out.into();
        run.expect(0);
        assert!(
            run.stderr.is_empty(),
            "a closed pipe is not reported: {}",
            run.stderr
        );
    }
}

/// A run of the binary on a pseudo-terminal `cols` wide (stdin, stdout and stderr all on it;
/// what it prints comes back on the child's stdout), or with stderr into a file.
fn spawn_on_terminal(env: &TestEnv, cols: u16, args: &[&str]) -> Child {
    spawn_on_terminal_with(env, cols, args, None)
}

fn spawn_on_terminal_with(
    env: &TestEnv,
    cols: u16,
    args: &[&str],
    stderr: Option<&std::path::Path>,
) -> Child {
    let base = env.command(args);
    let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
    let mut line = format!(
        "stty cols {cols} rows 200; exec {}",
        quote(&bin().display().to_string())
    );
    for a in args {
        line.push(' ');
        line.push_str(&quote(a));
    }
    if let Some(path) = stderr {
        line.push_str(" 2>");
        line.push_str(&quote(&path.display().to_string()));
    }
    let mut c = Command::new("script");
    c.env_clear();
    for (k, v) in base.get_envs() {
        if let Some(v) = v {
            c.env(k, v);
        }
    }
    c.args(["-q", "-e", "-c", &line, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c.spawn()
        .expect("`script` (util-linux) runs the binary on a pseudo-terminal")
}

/// Reads a child's stdout on a thread, chunk by chunk.
fn read_chunks(child: &mut Child) -> mpsc::Receiver<Vec<u8>> {
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    rx
}

/// Runs on a terminal `cols` wide to the end; what was shown, with the terminal's `\r\n` as `\n`.
fn run_on_terminal(env: &TestEnv, cols: u16, args: &[&str]) -> (i32, String) {
    let mut child = spawn_on_terminal(env, cols, args);
    let rx = read_chunks(&mut child);
    let status = child.wait().unwrap();
    let bytes: Vec<u8> = rx.iter().flatten().collect();
    let text = String::from_utf8_lossy(&bytes).replace("\r\n", "\n");
    (status.code().unwrap_or(-1), text)
}

/// Starts `args` on a terminal, waits for its confirmation prompt, types Ctrl-C, and expects
/// exit 130 without Enter ever being pressed.
/// Stdin is the terminal; stderr (prompt and messages) goes to a file, read as it grows.
fn ctrl_c_at_prompt(env: &TestEnv, args: &[&str], prompt: &str) -> String {
    let err_file = env.home().join("prompt-stderr.txt");
    let _ = std::fs::remove_file(&err_file);
    let mut child = spawn_on_terminal_with(env, 120, args, Some(&err_file));
    let rx = read_chunks(&mut child);
    let stderr = || std::fs::read_to_string(&err_file).unwrap_or_default();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !stderr().contains(prompt) {
        if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
            let _ = child.kill();
            panic!("no prompt `{prompt}` shown:\n{}", stderr());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // Ctrl-C as typed: the terminal turns it into SIGINT for the program. Stdin stays open.
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"\x03").unwrap();
    stdin.flush().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "Ctrl-C at the prompt was ignored (still waiting for Enter):\n{}",
                stderr()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    drop(stdin);
    drop(rx);
    let text = stderr();
    assert_eq!(status.code(), Some(130), "exit code; shown:\n{text}");
    assert!(text.contains("interrupted"), "says so:\n{text}");
    assert!(text.contains("nothing was changed"), "says so:\n{text}");
    text
}

#[test]
fn ctrl_c_at_a_confirmation_prompt_exits_130_at_once_with_no_write() {
    let env = env();
    seed_some(&env);
    env.clear_journal();
    // `tenant delete` asks y/N.
    ctrl_c_at_prompt(&env, &["tenant", "delete", "t1"], "[y/N]");
    // `tenant sync --apply` with a delete asks for the project id to be typed.
    let file = env.home().join("tenants.yaml");
    std::fs::write(&file, "tenants:\n  - id: t1\n    name: Tenant one\n    domains: [one.example.com]\n  - id: t3\n    name: Three\n").unwrap();
    ctrl_c_at_prompt(
        &env,
        &[
            "tenant",
            "sync",
            "-c",
            file.to_str().unwrap(),
            "--apply",
            "--prune",
        ],
        "to continue:",
    );
    // Without a delete it asks y/N.
    ctrl_c_at_prompt(
        &env,
        &["tenant", "sync", "-c", file.to_str().unwrap(), "--apply"],
        "[y/N]",
    );
    assert!(env.writes().is_empty(), "no write: {:?}", env.writes());
    let ids: Vec<Value> = env.state()["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].clone())
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
}

#[test]
fn control_characters_in_names_are_escaped_in_human_output() {
    let env = env();
    env.seed(json!([
        {"id": "evil", "name": EVIL, "selfProvisioningDomains": ["evil.example.com"]},
        {"id": "plain", "name": "Plain"},
    ]));
    // Piped: one TSV row a tenant, five cells, no raw control character but the tab separators.
    let tsv = env.run(&["tenant", "list"]).expect(0).stdout.clone();
    assert_eq!(tsv.lines().count(), 2, "one row a tenant:\n{tsv}");
    for row in tsv.lines() {
        assert_eq!(row.split('\t').count(), 5, "five cells: {row:?}");
        assert_no_raw_controls("TSV row", &row.replace('\t', " "));
    }
    assert!(
        tsv.contains("evil\\e]0;pwned\\u{7}\\e[31mred\\nline2\\tTab"),
        "{tsv}"
    );
    // JSON keeps the name exactly.
    let json = env.run(&["tenant", "list", "-o", "json"]).expect(0).json();
    assert_eq!(json[0]["name"], EVIL);
    let json = env
        .run(&["tenant", "get", "evil", "-o", "json"])
        .expect(0)
        .json();
    assert_eq!(json["tenant"]["name"], EVIL);
    // On a terminal: the table and `get`.
    for args in [&["tenant", "list"][..], &["tenant", "get", "evil"]] {
        let (code, shown) = run_on_terminal(&env, 200, args);
        assert_eq!(code, 0, "{shown}");
        assert_no_raw_controls(&args.join(" "), &shown);
        assert!(shown.contains("evil\\e]0;pwned"), "{shown}");
    }
    // TSV of `get` too.
    let get = env.run(&["tenant", "get", "evil"]).expect(0).stdout.clone();
    assert_no_raw_controls("get", &get.replace('\t', " "));
    // A dry-run delete names the tenant.
    let run = env.run(&["tenant", "delete", "evil", "--dry-run"]);
    run.expect(0);
    assert_no_raw_controls("delete --dry-run", &run.stdout);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);

    // From a file and from ${VAR}: the sync plan.
    let file = env.home().join("tenants.yaml");
    std::fs::write(
        &file,
        "tenants:\n  - id: evil\n    name: \"evil\\e]0;pwned\\a\\e[31mred\\nline2\\tTab\"\n    domains: [evil.example.com]\n  - id: plain\n    name: Plain\n  - id: fromfile\n    name: \"new\\e[1mbold\\nnext\"\n  - id: fromvar\n    name: \"${EVIL_NAME}\"\n",
    )
    .unwrap();
    let f = file.to_str().unwrap();
    let plan = env.run_env(
        &["tenant", "sync", "-c", f, "--dry-run"],
        &[("EVIL_NAME", "var\u{1b}]0;title\u{7}x\u{9b}31m")],
    );
    plan.expect(0);
    assert_no_raw_controls("plan stdout", &plan.stdout);
    assert_no_raw_controls("plan stderr", &plan.stderr);
    assert!(
        plan.stdout.contains("new\\e[1mbold\\nnext"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("var\\e]0;title\\u{7}x\\u{9b}31m"),
        "{}",
        plan.stdout
    );
    let plan_json = env
        .run_env(
            &["tenant", "sync", "-c", f, "--dry-run", "-o", "json"],
            &[("EVIL_NAME", "var\u{1b}]0;title\u{7}x\u{9b}31m")],
        )
        .expect(0)
        .json();
    assert!(
        plan_json.to_string().contains("new\\u001b[1mbold\\nnext"),
        "JSON keeps the name exactly: {plan_json}"
    );

    // An error that names the tenant: a second tenant with the same name.
    std::fs::write(
        &file,
        "tenants:\n  - id: other\n    name: \"evil\\e]0;pwned\\a\\e[31mred\\nline2\\tTab\"\n",
    )
    .unwrap();
    let err = env.run(&["tenant", "sync", "-c", f, "--dry-run"]);
    err.expect(1);
    assert_no_raw_controls("error", &err.stderr);
    assert!(err.stderr.contains("already used"), "{}", err.stderr);
    assert_eq!(
        err.stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .count(),
        1,
        "{}",
        err.stderr
    );
    // The same name twice in the file: one error line, the newline in the name escaped.
    std::fs::write(
        &file,
        "tenants:\n  - id: a1\n    name: \"x\\e[31m\\nline2\"\n  - id: a2\n    name: \"x\\e[31m\\nline2\"\n",
    )
    .unwrap();
    let err = env.run(&["tenant", "sync", "-c", f, "--dry-run"]);
    err.expect(1);
    assert_no_raw_controls("file error", &err.stderr);
    assert!(
        err.stderr.lines().any(|l| l.starts_with("error:")
            && l.contains("x\\e[31m\\nline2")
            && l.contains("already used")),
        "{}",
        err.stderr
    );
    // From the service: creating a tenant whose name is taken.
    let err = env.run(&["tenant", "create", "--id", "other", "--name", EVIL]);
    assert_ne!(err.code, 0);
    assert_no_raw_controls("service error", &err.stderr);
    assert_no_raw_controls("service error stdout", &err.stdout);
}

/// Whether `token` (a piece of a table cell as shown) is a whole piece of one of `values`: it
/// starts at the start of a value's word or right after a space or punctuation, and ends at
/// the end of a word, right after punctuation, or is cut with `…`.
fn is_sensible_piece(token: &str, values: &[&str]) -> bool {
    let breaks = |c: char| " ,;:/-._@|+=&)]}".contains(c);
    let (body, cut) = match token.strip_suffix('…') {
        Some(b) => (b, true),
        None => (token, false),
    };
    values.iter().any(|v| {
        v.match_indices(body).any(|(at, _)| {
            let starts_ok = at == 0 || v[..at].ends_with(breaks);
            let end = at + body.len();
            let ends_ok =
                cut || end == v.len() || v[end..].starts_with(' ') || body.ends_with(breaks);
            starts_ok && ends_ok
        })
    })
}

#[test]
fn tables_on_a_60_column_terminal_wrap_at_sensible_points() {
    let env = env();
    let name = "Acme Corporation Europe Holdings International";
    let domains = ["acme-corporation.example.com", "acme-holdings.example.org"];
    env.seed(json!([
        {"id": "acme-corporation-eu", "name": name, "selfProvisioningDomains": domains},
        {"id": "t1", "name": "Short"},
    ]));
    let joined = domains.join(",");
    let values = [
        "acme-corporation-eu",
        name,
        joined.as_str(),
        "t1",
        "Short",
        "false",
        "ID NAME DOMAINS PARENT DISABLED",
    ];
    let (code, shown) = run_on_terminal(&env, 60, &["tenant", "list"]);
    assert_eq!(code, 0, "{shown}");
    for line in shown.lines() {
        assert!(
            line.trim_end().chars().count() <= 60,
            "fits 60 columns: {line:?}\n{shown}"
        );
        for token in line.split_whitespace() {
            assert!(
                is_sensible_piece(token, &values),
                "`{token}` is split mid-word:\n{shown}"
            );
        }
    }
    // The id is whole on one line.
    assert!(shown.contains("acme-corporation-eu"), "{shown}");
    // Wide enough: one line a tenant, as before.
    let (_, wide) = run_on_terminal(&env, 200, &["tenant", "list"]);
    assert_eq!(wide.lines().count(), 3, "{wide}");
    assert!(wide.contains(name) && wide.contains(&joined), "{wide}");
}

#[test]
fn a_hint_is_not_repeated() {
    // Too many deletes: the message says to raise --max-deletes; no hint says it again.
    let env = env();
    let tenants: Vec<Value> = (0..7)
        .map(|i| json!({"id": format!("t{i}"), "name": format!("T{i}")}))
        .collect();
    env.seed(Value::Array(tenants));
    let file = env.home().join("tenants.yaml");
    std::fs::write(&file, "tenants:\n  - id: t0\n    name: T0\n").unwrap();
    let run = env.run(&[
        "tenant",
        "sync",
        "-c",
        file.to_str().unwrap(),
        "--dry-run",
        "--prune",
    ]);
    run.expect(1);
    assert_eq!(
        run.stderr.matches("--max-deletes").count(),
        1,
        "said once:\n{}",
        run.stderr
    );
    // A rate limit the client will not wait out: "lower --concurrency" once.
    let faults = descope_emulator::Faults {
        rate_limit: Some(descope_emulator::RateLimit {
            requests: 1,
            window_secs: 3600,
        }),
        ..Default::default()
    };
    let env = TestEnv::with_faults(bin(), faults, 1);
    let mut last = env.run(&["tenant", "list"]);
    for _ in 0..3 {
        if last.code != 0 {
            break;
        }
        last = env.run(&["tenant", "list"]);
    }
    assert_eq!(last.code, 1, "rate limited: {}", last.stderr);
    assert_eq!(
        last.stderr.matches("--concurrency").count(),
        1,
        "said once:\n{}",
        last.stderr
    );
}

fn full_disk_stderr() -> Stdio {
    full_disk_stdout()
}

/// Runs the binary with stderr on `/dev/full` (every message fails to write).
fn run_with_full_stderr(env: &TestEnv, args: &[&str]) -> descope_testkit::Run {
    env.command(args)
        .stdout(Stdio::piped())
        .stderr(full_disk_stderr())
        .output()
        .expect("binary runs")
        .into()
}

#[test]
fn a_full_or_closed_stderr_never_stops_a_write() {
    let env = env();
    let tenants: Vec<Value> = (0..30)
        .map(|i| json!({"id": format!("t{i:02}"), "name": format!("Old {i}")}))
        .collect();
    env.seed(Value::Array(tenants));
    let attr = |id: &str| {
        env.state()["tenants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .map(|t| t["customAttributes"]["k"].clone())
            .unwrap()
    };
    // A full stderr, with and without the log lines of `-vv`.
    let run = run_with_full_stderr(&env, &["tenant", "update", "t00", "--attr", "k=v", "--yes"]);
    assert_eq!(run.code, 0, "update with a full stderr: {}", run.stdout);
    assert_eq!(attr("t00"), "v");
    let run = run_with_full_stderr(
        &env,
        &["-vv", "tenant", "update", "t01", "--attr", "k=w", "--yes"],
    );
    assert_eq!(run.code, 0, "update -vv with a full stderr: {}", run.stdout);
    assert_eq!(attr("t01"), "w");
    // A closed stderr (`2>&1 | true`): the reader is gone before the messages come.
    let mut child = env
        .command(&["tenant", "update", "t02", "--attr", "k=x", "--yes"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "update with a closed stderr");
    assert_eq!(attr("t02"), "x");
    // Sync apply with 30 renames and a full stderr: every rename is applied.
    let file = env.home().join("tenants.yaml");
    let mut yaml = String::from("tenants:\n");
    for i in 0..30 {
        yaml.push_str(&format!("  - id: t{i:02}\n    name: New {i}\n"));
    }
    std::fs::write(&file, yaml).unwrap();
    let run = run_with_full_stderr(
        &env,
        &[
            "tenant",
            "sync",
            "-c",
            file.to_str().unwrap(),
            "--apply",
            "--yes",
        ],
    );
    assert_eq!(run.code, 0, "sync apply with a full stderr: {}", run.stdout);
    let state = env.state();
    for t in state["tenants"].as_array().unwrap() {
        let i: u32 = t["id"].as_str().unwrap()[1..].parse().unwrap();
        assert_eq!(t["name"], format!("New {i}"), "{t}");
    }
}

#[test]
fn a_lost_output_after_a_write_says_the_change_was_made() {
    let env = env();
    let run = run_on_full_disk(
        &env,
        &["tenant", "create", "--id", "made", "--name", "Made"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        env.state()["tenants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == "made"),
        "the tenant was created"
    );
    assert!(
        run.stderr.contains("cannot write to standard output"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("changes were made") && run.stderr.contains("only its output"),
        "says the change was made:\n{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("then re-run"),
        "does not say to re-run:\n{}",
        run.stderr
    );
    // A read-only command still says to re-run.
    let run = run_on_full_disk(&env, &["tenant", "list"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("then re-run"), "{}", run.stderr);
}

/// Characters that reorder the text shown around them (bidi controls, marks, separators).
fn raw_bidi(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| {
            matches!(c, '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

#[test]
fn data_in_messages_cannot_forge_lines_or_reorder_text() {
    let env = env();
    let forged = "N\nUndo: rm -rf";
    let bidi = "\u{202e}evil";
    let no_forged_line = |what: &str, text: &str| {
        assert!(
            !text.lines().any(|l| l.trim_start().starts_with("Undo: rm")),
            "{what}: a forged line:\n{text}"
        );
        assert!(
            raw_bidi(text).is_empty(),
            "{what}: raw bidi control:\n{text}"
        );
        assert_no_raw_controls(what, text);
    };
    // Validation errors quote the refused value.
    for value in [forged, bidi] {
        let run = env.run(&[
            "tenant", "create", "--id", "x", "--name", "X", "--domain", value,
        ]);
        run.expect(64);
        no_forged_line("--domain error", &run.stderr);
        assert!(run.stderr.contains("invalid domain"), "{}", run.stderr);
        let run = env.run(&["tenant", "create", "--id", value, "--name", "X"]);
        run.expect(64);
        no_forged_line("--id error", &run.stderr);
    }
    // A config file path in an error.
    let run = env.run(&["tenant", "sync", "-c", "/nope\nUndo: rm -rf", "--dry-run"]);
    assert_ne!(run.code, 0);
    no_forged_line("config path error", &run.stderr);
    // A restore dry run names the tenant to create again.
    for (id, name) in [("forged", forged), ("bidi", bidi)] {
        env.run(&["tenant", "create", "--id", id, "--name", name])
            .expect(0);
        env.run(&["tenant", "delete", id, "--yes"]).expect(0);
        let backups = env.run(&["backup", "list", "-o", "json"]).expect(0).json();
        let path = backups
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["targetId"] == id)
            .and_then(|b| b["path"].as_str())
            .unwrap_or_else(|| panic!("a backup of {id}: {backups}"))
            .to_owned();
        let run = env.run(&["tenant", "restore", &path, "--dry-run"]);
        run.expect(0);
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(all.contains("create it again"), "{all}");
        no_forged_line("restore --dry-run", &all);
    }
    // A table (piped TSV and on a terminal).
    env.seed(json!([
        {"id": "forged", "name": forged},
        {"id": "bidi", "name": bidi},
    ]));
    let tsv = env.run(&["tenant", "list"]).expect(0).stdout.clone();
    assert_eq!(tsv.lines().count(), 2, "{tsv}");
    no_forged_line("TSV", &tsv.replace('\t', " "));
    assert!(tsv.contains("\\u{202e}evil"), "{tsv}");
    let (code, shown) = run_on_terminal(&env, 120, &["tenant", "list"]);
    assert_eq!(code, 0, "{shown}");
    no_forged_line("table", &shown);
}

/// Checks a table shown on a terminal `cols` wide: it fits, and a cell cut with `…` is not
/// continued on the next line (a continuation line has nothing in the first column).
#[track_caller]
fn assert_fits_and_cuts_end_cells(shown: &str, cols: usize) {
    let lines: Vec<Vec<char>> = shown
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim_end().chars().collect())
        .collect();
    for (i, line) in lines.iter().enumerate() {
        assert!(line.len() <= cols, "fits {cols} columns:\n{shown}");
        let Some(next) = lines.get(i + 1) else {
            continue;
        };
        let continuation = next.first().is_none_or(|c| *c == ' ');
        if !continuation {
            continue;
        }
        for (x, c) in line.iter().enumerate() {
            if *c != '…' {
                continue;
            }
            // The start of the cut token.
            let start = line[..x]
                .iter()
                .rposition(|c| *c == ' ')
                .map_or(0, |p| p + 1);
            assert!(
                next.get(start).is_none_or(|c| *c == ' '),
                "text continues after a cut (line {i}):\n{shown}"
            );
        }
    }
}

#[test]
fn narrow_tables_fit_and_never_lose_text_without_a_mark() {
    let env = env();
    env.seed(json!([
        {"id": "averyveryverylongid", "name": "tenant a",
         "selfProvisioningDomains": ["averyveryverylongdomainname.example-company.com"]},
        {"id": "a", "name": "A"},
    ]));
    env.run(&["tenant", "update", "a", "--name", "tenant a2", "--yes"])
        .expect(0);
    env.run(&[
        "tenant",
        "update",
        "averyveryverylongid",
        "--name",
        "tenant averyveryverylongname",
        "--yes",
    ])
    .expect(0);
    for args in [&["audit", "list"][..], &["tenant", "list"]] {
        let (code, shown) = run_on_terminal(&env, 60, args);
        assert_eq!(code, 0, "{shown}");
        assert_fits_and_cuts_end_cells(&shown, 60);
    }
}
