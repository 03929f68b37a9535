//! Hostile input (issue 6): a catalog of bad inputs — tenants.yaml, backups, flow files, flags and
//! environment, broken service replies from a raw TCP stub — each of which must end with the
//! documented exit code, a clear message (an insta snapshot, `tests/hostile/messages.snap`;
//! accept a change with `INSTA_UPDATE=always` or `cargo insta review`), no panic and no write.
//! Plus: the management key never leaks from any command, unsafe key sources are refused, and a
//! seeded fault soak of 500 tenants converges with every write backed up and audited.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use descope_testkit::{MANAGEMENT_KEY, PROJECT_ID, Run, TestEnv};
use serde_json::{Value, json};

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_descope-mgmt"))
}

fn write_file(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> String {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_owned()
}

// ---------------------------------------------------------------------------------------------
// A raw HTTP stub: answers every request with canned bytes and records what it was asked.

#[derive(Clone, Copy, Debug)]
enum Reply {
    /// Whole canned response, then close.
    Canned(&'static str),
    /// Headers promising a longer body, a few bytes, a 2 s stall, then close.
    SlowThenClose,
    /// Headers promising a longer body, a few bytes, then close at once.
    ResetMidBody,
    /// Read the request, then hold the connection open without a word (issue 11: net).
    NeverAnswer,
}

struct Stub {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Stub {
    fn start(reply: Reply) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        // Detached: it lives as long as the test process; each connection gets its own thread.
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let log = Arc::clone(&log);
                std::thread::spawn(move || answer(stream, reply, &log));
            }
        });
        Self { url, seen }
    }

    fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }

    fn writes(&self) -> Vec<String> {
        self.requests()
            .into_iter()
            .filter(|r| {
                r.split_once(' ')
                    .is_some_and(|(method, path)| descope_testkit::is_write_request(method, path))
            })
            .collect()
    }
}

fn answer(mut stream: TcpStream, reply: Reply, log: &Mutex<Vec<String>>) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let request_line = head.lines().next().unwrap_or_default().to_owned();
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default();
    let path = parts.next().unwrap_or_default();
    let path = path.split('?').next().unwrap_or_default();
    log.lock().unwrap().push(format!("{method} {path}"));
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let partial = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4000\r\nConnection: close\r\n\r\n{\"tenants\": [{\"id\": \"a";
    match reply {
        Reply::Canned(bytes) => {
            let _ = stream.write_all(bytes.as_bytes());
        }
        Reply::SlowThenClose => {
            let _ = stream.write_all(partial.as_bytes());
            let _ = stream.flush();
            std::thread::sleep(Duration::from_secs(2));
        }
        Reply::ResetMidBody => {
            let _ = stream.write_all(partial.as_bytes());
        }
        Reply::NeverAnswer => std::thread::sleep(Duration::from_secs(300)),
    }
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

fn http(status: &str, content_type: &str, body: &str) -> &'static str {
    Box::leak(
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_boxed_str(),
    )
}

// ---------------------------------------------------------------------------------------------
// The catalog.

enum Target {
    /// The shared emulator (its journal must show zero writes).
    Emulator,
    /// A raw stub with this reply (it must see no write).
    Stub(Reply),
}

struct Case {
    name: &'static str,
    args: Vec<String>,
    set: Vec<(&'static str, String)>,
    unset: Vec<&'static str>,
    code: i32,
    target: Target,
}

fn case(name: &'static str, code: i32, args: &[&str]) -> Case {
    Case {
        name,
        args: args.iter().map(|s| (*s).to_owned()).collect(),
        set: Vec::new(),
        unset: Vec::new(),
        code,
        target: Target::Emulator,
    }
}

impl Case {
    fn set(mut self, k: &'static str, v: &str) -> Self {
        self.set.push((k, v.to_owned()));
        self
    }
    fn unset(mut self, k: &'static str) -> Self {
        self.unset.push(k);
        self
    }
    fn stub(mut self, reply: Reply) -> Self {
        self.target = Target::Stub(reply);
        self
    }
}

/// The first line of the error message, with temp paths and ports made stable.
fn first_message_line(stderr: &str, tmp: &Path) -> String {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("error"))
        .or_else(|| stderr.lines().find(|l| !l.trim().is_empty()))
        .unwrap_or("<no message>");
    let mut s = line.replace(tmp.to_str().unwrap(), "<TMP>");
    // Ports of 127.0.0.1 (stub and emulator).
    while let Some(i) = s.find("127.0.0.1:") {
        let start = i + "127.0.0.1:".len();
        let end = s[start..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(s.len(), |e| start + e);
        if end == start {
            break;
        }
        s = format!("{}LOOPBACK:<PORT>{}", &s[..i], &s[end..]);
    }
    s
}

fn alias_bomb_in_attrs() -> String {
    let mut text = String::from("tenants:\n  - id: a\n    name: A\n    customAttributes:\n");
    text.push_str("      a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 10].join(", ");
        text.push_str(&format!("      {}: &{} [{refs}]\n", w[1], w[1]));
    }
    text
}

fn yaml_cases(dir: &Path) -> Vec<Case> {
    let sync = |name: &'static str, file: &str| {
        case(
            name,
            1,
            &["tenant", "sync", "--config", file, "--apply", "--yes"],
        )
    };
    let f = |name: &str, text: &str| write_file(dir, name, text);
    let alias_bomb = "\
a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]
tenants: []
";
    // > 64 MiB: a valid head, then comment lines.
    let huge = dir.join("huge.yaml");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&huge).unwrap());
        w.write_all(b"tenants:\n  - id: acme\n    name: ACME\n")
            .unwrap();
        let line = format!("#{}\n", "x".repeat(1023));
        for _ in 0..(65 * 1024) {
            w.write_all(line.as_bytes()).unwrap();
        }
    }
    let huge = huge.to_str().unwrap().to_owned();
    let id31 = format!("tenants:\n  - id: {}\n    name: Long\n", "a".repeat(31));
    vec![
        sync(
            "yaml: unclosed flow sequence",
            &f("y01.yaml", "tenants: [\n  - id: a\n"),
        ),
        sync(
            "yaml: tab indentation",
            &f("y02.yaml", "tenants:\n\t- id: a\n\t  name: A\n"),
        ),
        sync(
            "yaml: unterminated quote",
            &f("y03.yaml", "tenants:\n  - id: \"acme\n    name: A\n"),
        ),
        sync(
            "yaml: tenants is a string",
            &f("y04.yaml", "tenants: hello\n"),
        ),
        sync(
            "yaml: top level is a list",
            &f("y05.yaml", "- id: a\n  name: A\n"),
        ),
        sync(
            "yaml: name is a list",
            &f("y06.yaml", "tenants:\n  - id: a\n    name: [1, 2]\n"),
        ),
        sync(
            "yaml: yes is not a boolean",
            &f(
                "y07.yaml",
                "tenants:\n  - id: a\n    name: A\n    enforceSSO: yes\n",
            ),
        ),
        sync(
            "yaml: domains is a string",
            &f(
                "y08.yaml",
                "tenants:\n  - id: a\n    name: A\n    domains: a.com\n",
            ),
        ),
        sync(
            "yaml: customAttributes is a list",
            &f(
                "y09.yaml",
                "tenants:\n  - id: a\n    name: A\n    customAttributes: [1]\n",
            ),
        ),
        sync(
            "yaml: unknown tenant key",
            &f(
                "y10.yaml",
                "tenants:\n  - id: a\n    name: A\n    domans: [a.com]\n",
            ),
        ),
        sync(
            "yaml: unknown top-level key",
            &f("y11.yaml", "tenant:\n  - id: a\n    name: A\n"),
        ),
        sync(
            "yaml: duplicate key",
            &f(
                "y12.yaml",
                "tenants:\n  - id: a\n    name: A\n    name: B\n",
            ),
        ),
        sync(
            "yaml: duplicate id",
            &f(
                "y13.yaml",
                "tenants:\n  - id: a\n    name: A\n  - id: a\n    name: B\n",
            ),
        ),
        sync(
            "yaml: duplicate name",
            &f(
                "y14.yaml",
                "tenants:\n  - id: a\n    name: Same\n  - id: b\n    name: Same\n",
            ),
        ),
        sync(
            "yaml: id with a space",
            &f("y15.yaml", "tenants:\n  - id: bad id\n    name: A\n"),
        ),
        sync("yaml: id of 31 characters", &f("y16.yaml", &id31)),
        sync(
            "yaml: empty id",
            &f("y17.yaml", "tenants:\n  - id: \"\"\n    name: A\n"),
        ),
        sync(
            "yaml: missing id",
            &f("y18.yaml", "tenants:\n  - name: A\n"),
        ),
        sync(
            "yaml: missing name",
            &f("y19.yaml", "tenants:\n  - id: a\n"),
        ),
        sync(
            "yaml: bad domain",
            &f(
                "y20.yaml",
                "tenants:\n  - id: a\n    name: A\n    domains: [\"not a domain\"]\n",
            ),
        ),
        sync(
            "yaml: domain with empty label",
            &f(
                "y21.yaml",
                "tenants:\n  - id: a\n    name: A\n    domains: [acme..com]\n",
            ),
        ),
        sync(
            "yaml: unknown parent",
            &f(
                "y22.yaml",
                "tenants:\n  - id: a\n    name: A\n    parent: nobody-here\n",
            ),
        ),
        sync(
            "yaml: undefined variable",
            &f(
                "y23.yaml",
                "tenants:\n  - id: a\n    name: ${HOSTILE_UNDEFINED_VAR}\n",
            ),
        ),
        sync(
            "yaml: unterminated variable",
            &f("y24.yaml", "tenants:\n  - id: a\n    name: ${HOSTILE\n"),
        ),
        sync("yaml: alias bomb", &f("y25.yaml", alias_bomb)),
        sync(
            "yaml: alias bomb in customAttributes",
            &f("y25b.yaml", &alias_bomb_in_attrs()),
        ),
        sync("yaml: file over 64 MiB", &huge),
        sync(
            "yaml: binary junk",
            &write_file(
                dir,
                "y27.yaml",
                [0xff, 0xfe, 0x00, 0x01, 0x9c, 0x80, b'\n', 0x00],
            ),
        ),
        sync(
            "yaml: file does not exist",
            &dir.join("missing.yaml").to_string_lossy(),
        ),
        sync("yaml: config is a directory", dir.to_str().unwrap()),
        case(
            "yaml: validate binary junk",
            1,
            &[
                "config",
                "validate",
                &write_file(dir, "y30.yaml", [0u8, 159, 146, 150]),
            ],
        ),
    ]
}

// issue 11: input (field rules, attribute exactness, output files, wording)
fn input_cases(dir: &Path) -> Vec<Case> {
    let sync = |name: &'static str, file: &str| {
        case(
            name,
            1,
            &["tenant", "sync", "--config", file, "--apply", "--yes"],
        )
    };
    let f = |name: &str, text: &str| write_file(dir, name, text);
    let attrs = |name: &str, a: &str| {
        f(
            name,
            &format!("tenants:\n  - id: acme\n    name: ACME\n    customAttributes:\n      {a}\n"),
        )
    };
    let create = |name: &'static str, extra: &[&str]| {
        let mut args = vec!["tenant", "create", "--id", "t2", "--name", "T2"];
        args.extend_from_slice(extra);
        case(name, 64, &args)
    };
    vec![
        sync(
            "input: tenants.yaml is a list",
            &f("i01.yaml", "- id: a\n  name: A\n"),
        ),
        sync(
            "input: tenants.yaml is a single value",
            &f("i02.yaml", "just some text\n"),
        ),
        sync(
            "input: unclosed variable reference in a name",
            &f("i03.yaml", "tenants:\n  - id: acme\n    name: ACME ${VID\n"),
        ),
        sync(
            "input: attribute integer beyond 64 bits",
            &attrs("i04.yaml", "n: 123456789012345678901234567890"),
        ),
        sync(
            "input: attribute decimal that would be rounded",
            &attrs("i05.yaml", "pi: 3.14159265358979323846"),
        ),
        sync(
            "input: mixed attribute list",
            &attrs("i06.yaml", "tags: [1, \"two\", 3.5, true]"),
        ),
        sync(
            "input: a custom attribute number with a leading zero",
            &attrs("i06c.yaml", "zip: 007"),
        ),
        sync(
            "input: a custom attribute number too small to keep",
            &attrs("i06b.yaml", "tiny: 2.5e-324"),
        ),
        create("input: create --domain BAD..com", &["--domain", "BAD..com"]),
        create("input: create --domain UP..Case", &["--domain", "UP..Case"]),
        create(
            "input: create --domain with a space",
            &["--domain", "has space.com"],
        ),
        create(
            "input: create --domain in upper case",
            &["--domain", "Acme.COM"],
        ),
        create(
            "input: create --domain twice",
            &["--domain", "a.com", "--domain", "a.com"],
        ),
        create("input: create --parent invalid", &["--parent", "no such!"]),
        case(
            "input: update --domain BAD..com",
            64,
            &["tenant", "update", "acme", "--domain", "BAD..com"],
        ),
        case(
            "input: update --name blank",
            64,
            &["tenant", "update", "acme", "--name", "  "],
        ),
        create(
            "input: --attr integer beyond 64 bits",
            &["--attr", "n=123456789012345678901234567890"],
        ),
        create(
            "input: --attr decimal that would be rounded",
            &["--attr", "pi=3.14159265358979323846"],
        ),
        create("input: --attr blank key", &["--attr", " =x"]),
        case(
            "input: theme file is empty",
            1,
            &["theme", "deploy", &f("i07.json", "")],
        ),
        case(
            "input: flow file is cut short",
            1,
            &["flow", "deploy", &f("i08.json", "{\"flowId\": \"x\",\n")],
        ),
        case(
            "input: export -f a directory",
            1,
            &["tenant", "export", "-f", dir.to_str().unwrap()],
        ),
    ]
}

fn backup_cases(dir: &Path) -> Vec<Case> {
    let restore =
        |name: &'static str, file: &str| case(name, 1, &["tenant", "restore", file, "--yes"]);
    let other = json!({
        "format_version": 1,
        "metadata": {"timestamp": "2025-01-01T00:00:00Z", "operation": "update", "target_type": "tenant",
                     "target_id": "acme", "project_id": "P2someoneelse000000000000000", "tool_version": "0.1.0",
                     "reason": "test"},
        "tenant": {"id": "acme", "name": "Hijacked", "selfProvisioningDomains": []},
        "settings": {}
    });
    vec![
        restore("backup: empty file", &write_file(dir, "b01.json", "")),
        restore(
            "backup: whitespace only",
            &write_file(dir, "b02.json", "  \n\t\n"),
        ),
        restore(
            "backup: truncated",
            &write_file(
                dir,
                "b03.json",
                "{\"format_version\": 1, \"metadata\": {\"timest",
            ),
        ),
        restore(
            "backup: foreign JSON",
            &write_file(dir, "b04.json", "{\"hello\": \"world\"}"),
        ),
        restore(
            "backup: JSON array",
            &write_file(dir, "b05.json", "[1, 2, 3]"),
        ),
        restore(
            "backup: binary junk",
            &write_file(dir, "b06.json", [0xffu8, 0xfe, 0, 0x12]),
        ),
        restore(
            "backup: future format version",
            &write_file(
                dir,
                "b07.json",
                "{\"format_version\": 99, \"metadata\": {\"timestamp\": \"2025-01-01T00:00:00Z\", \"operation\": \"update\", \"target_id\": \"acme\"}, \"tenant\": {\"id\": \"acme\", \"name\": \"A\"}}",
            ),
        ),
        restore(
            "backup: empty tenant object",
            &write_file(
                dir,
                "b08.json",
                "{\"metadata\": {\"timestamp\": \"2025-01-01T00:00:00Z\", \"operation\": \"update\", \"target_id\": \"acme\"}, \"tenant\": {}}",
            ),
        ),
        restore(
            "backup: tenant is a string",
            &write_file(
                dir,
                "b10.json",
                "{\"metadata\": {\"timestamp\": \"2025-01-01T00:00:00Z\", \"operation\": \"update\", \"target_id\": \"acme\"}, \"tenant\": \"acme\"}",
            ),
        ),
        restore(
            "backup: bad timestamp",
            &write_file(
                dir,
                "b11.json",
                "{\"metadata\": {\"timestamp\": \"yesterday\", \"operation\": \"update\", \"target_id\": \"acme\"}, \"tenant\": {\"id\": \"acme\", \"name\": \"A\"}}",
            ),
        ),
        restore(
            "backup: another project",
            &write_file(dir, "b09.json", other.to_string()),
        ),
        restore(
            "backup: does not exist",
            &dir.join("nope.json").to_string_lossy(),
        ),
        case(
            "backup: latest of an unknown tenant",
            1,
            &["tenant", "restore", "--latest", "nobody", "--yes"],
        ),
        case(
            "backup: show binary junk",
            1,
            &["backup", "show", &dir.join("b06.json").to_string_lossy()],
        ),
        // issue 11: store (restore name conflicts, audit filters)
        case(
            "restore: the name is now another tenant's (dry run)",
            1,
            &[
                "tenant",
                "restore",
                &write_file(dir, "b20.json", name_taken_backup()),
                "--dry-run",
            ],
        ),
        case(
            "restore: the name is now another tenant's",
            1,
            &["tenant", "restore", &dir.join("b20.json").to_string_lossy()],
        ),
        // review: restore of a child whose parent is gone
        case(
            "restore: the parent is gone (dry run)",
            1,
            &[
                "tenant",
                "restore",
                &write_file(dir, "b21.json", orphan_backup()),
                "--dry-run",
            ],
        ),
        case(
            "restore: the parent is gone",
            1,
            &["tenant", "restore", &dir.join("b21.json").to_string_lossy()],
        ),
        case(
            "audit: unknown operation",
            64,
            &["audit", "list", "--operation", "nope"],
        ),
        case(
            "audit: unknown request kind",
            64,
            &["audit", "list", "--request", "restore"],
        ),
    ]
}

/// A backup of a deleted tenant `orphan` whose parent `gone-parent` does not exist.
fn orphan_backup() -> String {
    json!({
        "format_version": 1,
        "metadata": {"timestamp": "2025-01-01T00:00:00Z", "operation": "delete", "target_type": "tenant",
                     "target_id": "orphan", "project_id": PROJECT_ID, "tool_version": "0.1.0"},
        "tenant": {"id": "orphan", "name": "Orphan", "parent": "gone-parent", "selfProvisioningDomains": []},
        "settings": {}
    })
    .to_string()
}

/// A backup of a deleted tenant `gone` named `ACME`, the name the catalog's live tenant has.
fn name_taken_backup() -> String {
    json!({
        "format_version": 1,
        "metadata": {"timestamp": "2025-01-01T00:00:00Z", "operation": "delete", "target_type": "tenant",
                     "target_id": "gone", "project_id": PROJECT_ID, "tool_version": "0.1.0"},
        "tenant": {"id": "gone", "name": "ACME", "selfProvisioningDomains": []},
        "settings": {}
    })
    .to_string()
}

fn flow_cases(dir: &Path) -> Vec<Case> {
    let deploy = |name: &'static str, file: &str| case(name, 1, &["flow", "deploy", file]);
    vec![
        deploy(
            "flow: not JSON",
            &write_file(dir, "f01.json", "this is not json"),
        ),
        deploy("flow: JSON array", &write_file(dir, "f02.json", "[]")),
        deploy(
            "flow: not a flow",
            &write_file(dir, "f03.json", "{\"hello\": \"world\"}"),
        ),
        deploy("flow: empty file", &write_file(dir, "f04.json", "")),
        deploy(
            "flow: missing file",
            &dir.join("nope-flow.json").to_string_lossy(),
        ),
    ]
}

fn flag_cases() -> Vec<Case> {
    vec![
        case("env: missing management key", 1, &["tenant", "list"]).unset("DESCOPE_MANAGEMENT_KEY"),
        case("env: missing project id", 1, &["tenant", "list"]).unset("DESCOPE_PROJECT_ID"),
        case("env: malformed base URL", 1, &["tenant", "list"])
            .set("DESCOPE_BASE_URL", "ht!tp://::nope"),
        case("env: http to a non-loopback host", 1, &["tenant", "list"])
            .set("DESCOPE_BASE_URL", "http://example.com"),
        case(
            "flag: http to a non-loopback host",
            1,
            &["--base-url", "http://10.1.2.3:8080", "tenant", "list"],
        ),
        case(
            "flag: base URL with no host",
            1,
            &["--base-url", "https://", "tenant", "list"],
        ),
        case(
            "flag: unknown profile",
            1,
            &["--profile", "nope", "tenant", "list"],
        ),
        case(
            "flag: concurrency 0",
            64,
            &["--concurrency", "0", "tenant", "list"],
        ),
        case(
            "flag: concurrency not a number",
            64,
            &["--concurrency", "many", "tenant", "list"],
        ),
        case(
            "flag: concurrency huge",
            64,
            &["--concurrency", "100000", "tenant", "list"],
        ),
        case(
            "flag: rate limit without window",
            64,
            &["emulator", "serve", "--rate-limit", "5"],
        ),
        case(
            "flag: rate limit of zero",
            64,
            &["emulator", "serve", "--rate-limit", "0/1"],
        ),
        case(
            "flag: rate limit garbage",
            64,
            &["emulator", "serve", "--rate-limit", "fast/ever"],
        ),
        case(
            "flag: fail rate over 1",
            64,
            &["emulator", "serve", "--fail-rate", "2"],
        ),
        case(
            "flag: unknown flag",
            64,
            &["tenant", "list", "--frobnicate"],
        ),
        case(
            "flag: dry-run and apply together",
            64,
            &[
                "tenant",
                "sync",
                "--config",
                "x.yaml",
                "--dry-run",
                "--apply",
            ],
        ),
        case(
            "flag: negative max-deletes",
            64,
            &[
                "tenant",
                "sync",
                "--config",
                "x.yaml",
                "--dry-run",
                "--max-deletes",
                "-1",
            ],
        ),
        case(
            "flag: unknown output format",
            64,
            &["-o", "xml", "tenant", "list"],
        ),
        case(
            "flag: enforce-sso not a boolean",
            64,
            &["tenant", "update", "acme", "--enforce-sso", "maybe"],
        ),
        case(
            "flag: attr without =",
            64,
            &["tenant", "create", "--name", "X", "--attr", "novalue"],
        ),
    ]
}

// issue 11: terminal safety — control characters in names reach error messages escaped.
fn terminal_cases(dir: &Path) -> Vec<Case> {
    let name = "\"evil\\e]0;title\\a\\e[31mred\"";
    let dup = format!("tenants:\n  - id: a\n    name: {name}\n  - id: b\n    name: {name}\n");
    let file = write_file(dir, "ctl-dup.yaml", dup);
    let var = write_file(
        dir,
        "ctl-var.yaml",
        "tenants:\n  - id: a\n    name: \"${EVIL}\"\n  - id: b\n    name: \"${EVIL}\"\n",
    );
    vec![
        case(
            "terminal: control characters in a duplicate name",
            1,
            &["tenant", "sync", "--config", &file, "--dry-run"],
        ),
        case(
            "terminal: control characters from ${VAR} in a duplicate name",
            1,
            &["tenant", "sync", "--config", &var, "--dry-run"],
        )
        .set("EVIL", "x\u{1b}]0;t\u{7}\u{9b}1m"),
    ]
}

fn service_cases() -> Vec<Case> {
    let sync_stub = |name: &'static str, reply: Reply| {
        case(
            name,
            1,
            &["tenant", "sync", "--config", "@ONE", "--apply", "--yes"],
        )
        .stub(reply)
    };
    vec![
        sync_stub(
            "service: non-JSON error body",
            Reply::Canned(http(
                "500 Internal Server Error",
                "text/plain",
                "oops, something broke",
            )),
        ),
        sync_stub(
            "service: HTML from a proxy",
            Reply::Canned(http(
                "502 Bad Gateway",
                "text/html",
                "<html><body><h1>502 Bad Gateway</h1></body></html>",
            )),
        ),
        sync_stub(
            "service: 200 with a wrong shape",
            Reply::Canned(http(
                "200 OK",
                "application/json",
                "{\"tenants\": \"surprise\"}",
            )),
        ),
        sync_stub(
            "service: 200 that is not JSON",
            Reply::Canned(http("200 OK", "application/json", "<<<not json>>>")),
        ),
        sync_stub(
            "service: 401 with an error body",
            Reply::Canned(http(
                "401 Unauthorized",
                "application/json",
                "{\"errorCode\": \"E011401\", \"errorDescription\": \"Unauthorized\", \"errorMessage\": \"bad key\"}",
            )),
        ),
        sync_stub("service: slow body then close", Reply::SlowThenClose),
        sync_stub("service: reset mid-body", Reply::ResetMidBody),
        case(
            "service: tenant get of a non-JSON 404",
            1,
            &["tenant", "get", "acme"],
        )
        .stub(Reply::Canned(http(
            "404 Not Found",
            "text/plain",
            "not here",
        ))),
    ]
}

// issue 11: saved plans
/// Saved plans edited beyond what they show (made by a dry run against the catalog's emulator).
fn saved_plan_cases(env: &TestEnv, dir: &Path, one: &str) -> Vec<Case> {
    let plan = dir.join("plan.json");
    env.run(&[
        "tenant",
        "sync",
        "-c",
        one,
        "--dry-run",
        "--out",
        plan.to_str().unwrap(),
    ])
    .expect(0);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    let edit = |name: &str, f: &dyn Fn(&mut Value)| {
        let mut v = saved.clone();
        f(&mut v);
        write_file(dir, name, serde_json::to_string_pretty(&v).unwrap())
    };
    let apply = |name: &'static str, file: String| {
        case(
            name,
            1,
            &["tenant", "sync", "--apply", "--yes", "--plan", &file],
        )
    };
    let ten_deletes = |v: &mut Value| {
        for i in 0..10 {
            v["changes"]
                .as_array_mut()
                .unwrap()
                .push(json!({"id": format!("t{i}"), "action": "delete"}));
        }
    };
    vec![
        apply(
            "plan: request edited to disable the tenant",
            edit("p1.json", &|v| {
                v["changes"][0]["request"]["disabled"] = json!(true)
            }),
        ),
        apply(
            "plan: request edited to clear customAttributes",
            edit("p2.json", &|v| {
                v["changes"][0]["request"]["customAttributes"] = json!({"x": 1});
            }),
        ),
        apply(
            "plan: request edited to change domains",
            edit("p3.json", &|v| {
                v["changes"][0]["request"]["selfProvisioningDomains"] = json!(["evil.com"]);
            }),
        ),
        apply("plan: ten deletes added", edit("p4.json", &ten_deletes)),
        apply(
            "plan: ten deletes added with the summary to match",
            edit("p5.json", &|v| {
                ten_deletes(v);
                v["summary"]["delete"] = json!(10);
            }),
        ),
        apply(
            "plan: a delete added for a tenant it updates",
            edit("p6.json", &|v| {
                v["changes"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"id": "acme", "action": "delete"}));
                v["summary"]["delete"] = json!(1);
            }),
        ),
        apply(
            "plan: format version 99",
            edit("p7.json", &|v| v["formatVersion"] = json!(99)),
        ),
        apply(
            "plan: unknown action",
            edit("p8.json", &|v| v["changes"][0]["action"] = json!("rename")),
        ),
        apply(
            "plan: temporary name added",
            edit("p9.json", &|v| v["changes"][0]["tempName"] = json!("Other")),
        ),
        apply(
            "plan: not JSON",
            write_file(dir, "p10.json", "{\"formatVersion\": 1,"),
        ),
        apply("plan: empty file", write_file(dir, "p11.json", "")),
        apply(
            "plan: truncated at the start of a line",
            write_file(dir, "p12.json", "{\"formatVersion\":\n"),
        ),
    ]
}

// issue 11: net — timeouts, an empty base URL, a service that accepts and never answers.
fn net_cases() -> Vec<Case> {
    vec![
        case("env: empty base URL", 1, &["tenant", "list"]).set("DESCOPE_BASE_URL", ""),
        case("env: blank base URI", 1, &["tenant", "list"])
            .unset("DESCOPE_BASE_URL")
            .set("DESCOPE_BASE_URI", "  "),
        case(
            "flag: empty base URL",
            1,
            &["--base-url", "", "tenant", "list"],
        ),
        case(
            "flag: timeout of zero",
            64,
            &["--timeout", "0s", "tenant", "list"],
        ),
        case(
            "flag: timeout garbage",
            64,
            &["--timeout", "soon", "tenant", "list"],
        ),
        case(
            "flag: timeout without a unit",
            64,
            &["--timeout", "30", "tenant", "list"],
        ),
        case("env: timeout garbage", 1, &["tenant", "list"]).set("DESCOPE_MGMT_TIMEOUT", "forever"),
        case(
            "service: never answers",
            1,
            &[
                "--timeout",
                "1s",
                "tenant",
                "sync",
                "--config",
                "@ONE",
                "--apply",
                "--yes",
            ],
        )
        .stub(Reply::NeverAnswer),
        case(
            "service: doctor when it never answers",
            1,
            &["--timeout", "1s", "doctor"],
        )
        .stub(Reply::NeverAnswer),
    ]
}

/// Runs each case against `env` (or its stub) and returns (first message lines, problems).
fn run_cases(
    env: &TestEnv,
    dir: &Path,
    one: &str,
    cases: &[Case],
) -> (BTreeMap<&'static str, String>, Vec<String>) {
    let mut messages = BTreeMap::new();
    let mut failures = Vec::new();
    for c in cases {
        let args: Vec<&str> = c
            .args
            .iter()
            .map(|a| if a == "@ONE" { one } else { a.as_str() })
            .collect();
        let mut cmd = env.command(&args);
        cmd.current_dir(dir);
        let stub = match c.target {
            Target::Emulator => None,
            Target::Stub(reply) => {
                let s = Stub::start(reply);
                cmd.env("DESCOPE_BASE_URL", &s.url);
                Some(s)
            }
        };
        for (k, v) in &c.set {
            cmd.env(k, v);
        }
        for k in &c.unset {
            cmd.env_remove(k);
        }
        let r: Run = cmd.output().unwrap().into();
        let line =
            first_message_line(&r.stderr, dir).replace(env.home().to_str().unwrap(), "<HOME>");
        let mut problems = Vec::new();
        if r.code != c.code {
            problems.push(format!("exit {} (want {})", r.code, c.code));
        }
        if r.stderr.contains("panicked") || r.stdout.contains("panicked") {
            problems.push("panicked".to_owned());
        }
        if r.stderr.trim().is_empty() {
            problems.push("no message on stderr".to_owned());
        }
        // issue 11: terminal safety — no message drives the terminal.
        if r.stderr.chars().any(|c| c.is_control() && c != '\n') {
            problems.push("raw control characters on stderr".to_owned());
        }
        if r.stderr.contains(MANAGEMENT_KEY) || r.stdout.contains(MANAGEMENT_KEY) {
            problems.push("the management key was printed".to_owned());
        }
        match &stub {
            None => {
                let writes = env.writes();
                if !writes.is_empty() {
                    problems.push(format!("{} write(s): {writes:?}", writes.len()));
                    env.clear_journal();
                }
            }
            Some(s) => {
                if s.requests().is_empty() {
                    problems.push("the stub was never asked".to_owned());
                }
                if !s.writes().is_empty() {
                    problems.push(format!("stub saw writes: {:?}", s.writes()));
                }
            }
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: {}\n  stderr: {}",
                c.name,
                problems.join(", "),
                r.stderr.trim()
            ));
        }
        assert!(
            messages.insert(c.name, line).is_none(),
            "duplicate case name {}",
            c.name
        );
    }
    (messages, failures)
}

/// An emulator with one live tenant `acme` named `ACME`, and a scratch dir.
fn catalog_env() -> (TestEnv, tempfile::TempDir, String) {
    let env = TestEnv::new(bin());
    let tmp = tempfile::tempdir().unwrap();
    env.run(&["tenant", "create", "--id", "acme", "--name", "ACME"])
        .expect(0);
    let one = write_file(
        tmp.path(),
        "one.yaml",
        "tenants:\n  - id: acme\n    name: ACME 2\n",
    );
    env.clear_journal();
    (env, tmp, one)
}

fn untouched(env: &TestEnv) -> Option<String> {
    let state = env.state();
    (state["tenants"].as_array().map(Vec::len) != Some(1) || state["tenants"][0]["name"] != "ACME")
        .then(|| format!("live state changed: {}", state["tenants"]))
}

#[test]
fn bad_input_catalog() {
    let (env, tmp, one) = catalog_env();
    let dir = tmp.path();
    let mut cases = yaml_cases(dir);
    cases.extend(backup_cases(dir));
    cases.extend(flow_cases(dir));
    cases.extend(flag_cases());
    cases.extend(service_cases());
    cases.extend(saved_plan_cases(&env, dir, &one)); // issue 11: saved plans
    // issue 11: terminal safety
    cases.extend(terminal_cases(dir));
    cases.extend(net_cases());
    cases.extend(input_cases(dir));
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let (messages, mut failures) = run_cases(&env, dir, &one, &cases);
    failures.extend(untouched(&env));

    let rendered: String = messages
        .iter()
        .map(|(k, v)| format!("{k}\n    {v}\n"))
        .collect();
    // The snapshot's diff is printed either way; the other problems are reported before a
    // changed message fails the test.
    let snapshot = std::panic::catch_unwind(|| {
        insta::with_settings!({
            snapshot_path => "hostile",
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => "first message line of each bad_input_catalog case",
        }, {
            insta::assert_snapshot!("messages", rendered);
        });
    });
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    if let Err(changed) = snapshot {
        std::panic::resume_unwind(changed);
    }
}

#[test]

fn backups_whose_tenant_does_not_match_are_refused() {
    let (env, tmp, one) = catalog_env();
    let dir = tmp.path();
    let meta = "\"metadata\": {\"timestamp\": \"2025-01-01T00:00:00Z\", \"operation\": \"update\", \"target_id\": \"acme\"}";
    let cases = vec![
        case(
            "backup: tenant without id",
            1,
            &[
                "tenant",
                "restore",
                &write_file(
                    dir,
                    "n1.json",
                    format!("{{{meta}, \"tenant\": {{\"name\": \"A\"}}}}"),
                ),
                "--yes",
            ],
        ),
        case(
            "backup: tenant id differs from target_id",
            1,
            &[
                "tenant",
                "restore",
                &write_file(
                    dir,
                    "n2.json",
                    format!("{{{meta}, \"tenant\": {{\"id\": \"globex\", \"name\": \"G\"}}}}"),
                ),
                "--yes",
            ],
        ),
    ];
    let (_, mut failures) = run_cases(&env, dir, &one, &cases);
    failures.extend(untouched(&env));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Secrets.

/// A snapshot secret (issue 15), held to the same rule as the key.
const SNAPSHOT_SECRET: &str = "sk-SNAPSHOT-hostile-secret-must-never-leak";

fn assert_keyless(env: &TestEnv, what: &str, r: &Run) {
    assert!(!r.stderr.contains("panicked"), "{what}: {}", r.stderr);
    for secret in [MANAGEMENT_KEY, SNAPSHOT_SECRET] {
        assert!(!r.stdout.contains(secret), "{what}: secret in stdout");
        assert!(!r.stderr.contains(secret), "{what}: secret in stderr");
        for (path, bytes) in env.data_files() {
            assert!(
                !String::from_utf8_lossy(&bytes).contains(secret),
                "{what}: secret in {}",
                path.display()
            );
        }
    }
}

#[test]
fn the_key_never_leaks_from_any_command() {
    let env = TestEnv::with_flows(bin());
    let home = env.home().to_path_buf();
    let p = |n: &str| home.join(n).to_str().unwrap().to_owned();
    let file = write_file(
        &home,
        "t.yaml",
        "tenants:\n  - id: acme\n    name: ACME 3\n    domains: [acme.com]\n  - id: globex\n    name: Globex\n",
    );
    let run = |what: &str, args: &[&str], code: i32| -> Run {
        let mut a = args.to_vec();
        a.push("-vvv");
        let r = env.run(&a);
        assert_eq!(r.code, code, "{what}\n{}\n{}", r.stdout, r.stderr);
        assert_keyless(&env, what, &r);
        r
    };
    run(
        "create",
        &[
            "tenant", "create", "--id", "acme", "--name", "ACME", "--domain", "acme.com",
        ],
        0,
    );
    run("list", &["tenant", "list"], 0);
    run("get", &["tenant", "get", "acme"], 0);
    run(
        "update",
        &["tenant", "update", "acme", "--name", "ACME 2"],
        0,
    );
    run(
        "sync dry-run",
        &[
            "tenant",
            "sync",
            "--config",
            &file,
            "--dry-run",
            "--out",
            &p("plan.json"),
        ],
        0,
    );
    run(
        "sync apply",
        &["tenant", "sync", "--config", &file, "--apply", "--yes"],
        0,
    );
    run("export", &["tenant", "export", "-f", &p("export.yaml")], 0);
    let backups = run("backup list", &["backup", "list", "-o", "json"], 0).json();
    let backup = backups[0]["path"].as_str().expect("a backup").to_owned();
    run("backup show", &["backup", "show", &backup], 0);
    run(
        "restore",
        &["tenant", "restore", "--latest", "acme", "--yes"],
        0,
    );
    run("audit list", &["audit", "list"], 0);
    let flows = run("flow list", &["flow", "list", "-o", "json"], 0).json();
    let flow_id = flows
        .as_array()
        .and_then(|a| a.first())
        .and_then(|f| f["id"].as_str())
        .expect("a seeded flow")
        .to_owned();
    run(
        "flow export",
        &["flow", "export", &flow_id, "-f", &p("flow.json")],
        0,
    );
    run("flow deploy", &["flow", "deploy", &p("flow.json")], 0);
    run(
        "theme export",
        &["theme", "export", "-f", &p("theme.json")],
        0,
    );
    run("doctor", &["doctor"], 0);
    // Snapshots: the seed's flows name a connector and a role it lacks; the directory gets them,
    // the connector with a secret given by a 0600 file outside the home.
    let snap = p("snap");
    run(
        "snapshot export",
        &["snapshot", "export", "--dir", &snap],
        0,
    );
    std::fs::create_dir_all(home.join("snap/connectors")).unwrap();
    write_file(
        &home.join("snap"),
        "connectors/http.json",
        r#"{"id": "CI2kytoq1RRvE147xvkGxu6xXEJxY", "name": "My HTTP Connector", "type": "http", "secretFields": ["token"]}"#,
    );
    write_file(
        &home.join("snap"),
        "roles.json",
        r#"{"permissions": [], "roles": [{"name": "My User Role"}]}"#,
    );
    let outside = tempfile::tempdir().unwrap();
    let secrets = write_file(
        outside.path(),
        "secrets.yaml",
        format!(
            "connectors:\n  - name: My HTTP Connector\n    type: token\n    value: {SNAPSHOT_SECRET}\n"
        ),
    );
    std::fs::set_permissions(
        &secrets,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    run(
        "snapshot validate (missing)",
        &["snapshot", "validate", "--dir", &snap],
        1,
    );
    let with = |args: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        a.extend(["--secrets".to_owned(), secrets.clone()]);
        a
    };
    for (what, args) in [
        (
            "snapshot validate",
            with(&["snapshot", "validate", "--dir", &snap]),
        ),
        (
            "snapshot import dry-run",
            with(&[
                "snapshot",
                "import",
                "--dir",
                &snap,
                "--dry-run",
                "-o",
                "json",
            ]),
        ),
        (
            "snapshot import",
            with(&["snapshot", "import", "--dir", &snap, "--apply", "--yes"]),
        ),
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(what, &args, 0);
    }
    run(
        "snapshot restore",
        &["restore", "--latest", "snapshot", "--yes"],
        0,
    );
    run("delete", &["tenant", "delete", "globex", "--yes"], 0);
    // A failing request (unknown tenant) and a refused one are keyless too.
    run("get missing", &["tenant", "get", "nobody"], 1);
}

#[test]
fn a_key_file_readable_by_others_is_refused_with_the_chmod_hint() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new(bin());
    let key = env.home().join("staging.key");
    std::fs::write(&key, MANAGEMENT_KEY).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let config_dir = env.home().join("config/descope-mgmt");
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::write(
        config_dir.join("config.toml"),
        format!(
            "[profiles.staging]\nproject_id = \"{PROJECT_ID}\"\nbase_url = \"{}\"\nmanagement_key_file = \"{}\"\n",
            env.url(),
            key.display()
        ),
    )
    .unwrap();
    let mut cmd = env.command(&["--profile", "staging", "tenant", "list"]);
    cmd.env_remove("DESCOPE_MANAGEMENT_KEY");
    let r: Run = cmd.output().unwrap().into();
    r.expect(1);
    assert!(r.stderr.contains("chmod 600"), "{}", r.stderr);
    assert!(!r.stderr.contains(MANAGEMENT_KEY), "{}", r.stderr);
    assert!(env.journal().is_empty(), "no request was sent");
    // Once private, the same profile works.
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut cmd = env.command(&["--profile", "staging", "tenant", "list"]);
    cmd.env_remove("DESCOPE_MANAGEMENT_KEY");
    let r: Run = cmd.output().unwrap().into();
    r.expect(0);
}

#[test]
fn a_profile_file_holding_a_key_is_refused() {
    let env = TestEnv::new(bin());
    let config_dir = env.home().join("config/descope-mgmt");
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::write(
        config_dir.join("config.toml"),
        format!(
            "[profiles.staging]\nproject_id = \"{PROJECT_ID}\"\nbase_url = \"{}\"\nmanagement_key = \"{MANAGEMENT_KEY}\"\n",
            env.url()
        ),
    )
    .unwrap();
    let mut cmd = env.command(&["--profile", "staging", "tenant", "list"]);
    cmd.env_remove("DESCOPE_MANAGEMENT_KEY");
    let r: Run = cmd.output().unwrap().into();
    r.expect(1);
    assert!(r.stderr.contains("management_key_env"), "{}", r.stderr);
    assert!(!r.stderr.contains(MANAGEMENT_KEY), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(env.journal().is_empty(), "no request was sent");
}

// ---------------------------------------------------------------------------------------------
// Fault soak.

/// `2026-01-02T03:04:05.5Z` → a string that sorts by time (UTC only).
fn time_key(s: &str) -> String {
    let s = s.trim_end_matches('Z');
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    format!("{whole}.{frac:0<9}")
}

fn tenants_yaml(tenants: &[(String, String, String)]) -> String {
    let mut text = String::from("tenants:\n");
    for (id, name, domain) in tenants {
        text.push_str(&format!(
            "  - id: {id}\n    name: {name}\n    domains: [{domain}]\n"
        ));
    }
    text
}

fn apply_until_converged(env: &TestEnv, args: &[&str], label: &str) -> usize {
    for attempt in 1..=5 {
        let r = env.run(args);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        assert!(
            r.code == 0 || r.code == 3,
            "{label} run {attempt}: exit {}\n{}",
            r.code,
            r.stderr
        );
        if r.code == 0 {
            return attempt;
        }
    }
    panic!("{label}: not converged after 5 runs");
}

#[test]
fn fault_soak_of_500_tenants_converges_with_every_write_backed_up_and_audited() {
    let started = Instant::now();
    let faults = descope_emulator::Faults {
        latency_ms: 5,
        fail_rate: 0.05,
        drop_rate: 0.02,
        rate_limit: Some(descope_emulator::RateLimit {
            requests: 200,
            window_secs: 1,
        }),
        ..descope_emulator::Faults::default()
    };
    let env = TestEnv::with_faults(bin(), faults, 20_260_601);
    let first: Vec<_> = (0..500)
        .map(|i| {
            (
                format!("t{i:03}"),
                format!("Tenant {i}"),
                format!("t{i}.example.com"),
            )
        })
        .collect();
    let f1 = write_file(env.home(), "first.yaml", tenants_yaml(&first));
    let runs_create = apply_until_converged(
        &env,
        &[
            "tenant",
            "sync",
            "--config",
            &f1,
            "--apply",
            "--yes",
            "--concurrency",
            "16",
        ],
        "create",
    );
    // Second file: rename 0..100, move the domain of 100..150, drop 400..500 (pruned).
    let second: Vec<_> = first
        .iter()
        .enumerate()
        .filter(|(i, _)| *i < 400)
        .map(|(i, (id, name, domain))| match i {
            0..100 => (id.clone(), format!("{name} renamed"), domain.clone()),
            100..150 => (id.clone(), name.clone(), format!("new{i}.example.com")),
            _ => (id.clone(), name.clone(), domain.clone()),
        })
        .collect();
    let f2 = write_file(env.home(), "second.yaml", tenants_yaml(&second));
    let runs_change = apply_until_converged(
        &env,
        &[
            "tenant",
            "sync",
            "--config",
            &f2,
            "--apply",
            "--prune",
            "--max-deletes",
            "1000",
            "--yes",
            "--concurrency",
            "16",
        ],
        "update+prune",
    );
    let journal = env.journal();
    env.set_faults(&json!({"latencyMs": 0, "failRate": 0.0, "dropRate": 0.0, "rateLimit": null}));

    // Live state equals the file exactly.
    let state = env.state();
    let mut live: Vec<(String, String, Vec<String>)> = state["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let domains = t["selfProvisioningDomains"]
                .as_array()
                .map(|a| a.iter().map(|d| d.as_str().unwrap().to_owned()).collect())
                .unwrap_or_default();
            (
                t["id"].as_str().unwrap().to_owned(),
                t["name"].as_str().unwrap().to_owned(),
                domains,
            )
        })
        .collect();
    live.sort();
    let mut want: Vec<_> = second
        .iter()
        .map(|(i, n, d)| (i.clone(), n.clone(), vec![d.clone()]))
        .collect();
    want.sort();
    assert_eq!(live, want);

    // The journal: no doubled create; every 200 write has an ok audit record.
    let is_write = |r: &Value| {
        let p = r["path"].as_str().unwrap_or_default();
        r["method"] == "POST"
            && ["/create", "/update", "/delete"]
                .iter()
                .any(|s| p.ends_with(s))
    };
    let op_of = |r: &Value| -> &'static str {
        let p = r["path"].as_str().unwrap_or_default();
        if p.ends_with("/create") {
            "create"
        } else if p.ends_with("/update") {
            "update"
        } else {
            "delete"
        }
    };
    let status = |r: &Value| r["status"].as_u64().unwrap_or(u64::MAX);
    let mut ok_writes: HashMap<(String, &str), usize> = HashMap::new();
    let mut dropped_writes = 0usize;
    for r in journal.iter().filter(|r| is_write(r)) {
        let target = r["target"].as_str().unwrap_or_default().to_owned();
        match status(r) {
            200 => *ok_writes.entry((target, op_of(r))).or_default() += 1,
            0 => dropped_writes += 1,
            _ => {}
        }
    }
    for ((id, op), n) in &ok_writes {
        if *op == "create" {
            assert_eq!(*n, 1, "tenant {id} created {n} times");
        }
    }
    let ok_200: usize = ok_writes.values().sum();

    let audit_text = std::fs::read_to_string(env.data_dir().join("audit.jsonl")).unwrap();
    let audit: Vec<Value> = audit_text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ok_audit: Vec<&Value> = audit.iter().filter(|r| r["result"] == "ok").collect();
    let mut audited: HashMap<(String, String), usize> = HashMap::new();
    for r in &ok_audit {
        *audited
            .entry((
                r["targetId"].as_str().unwrap().to_owned(),
                r["request"].as_str().unwrap().to_owned(),
            ))
            .or_default() += 1;
    }
    for (id, op) in ok_writes.keys() {
        let found = audited.iter().any(|((t, o), _)| t == id && o.contains(op));
        assert!(
            found,
            "{op} of {id} reached the service but has no ok audit record"
        );
    }
    // One ok record per 200 write, plus at most one per write whose response was dropped
    // (the idempotent create/delete retry that finds the work already done).
    assert!(
        ok_audit.len() >= ok_200 && ok_audit.len() <= ok_200 + dropped_writes,
        "ok audit records {} vs 200 writes {ok_200} (+{dropped_writes} dropped)",
        ok_audit.len()
    );

    // Every updated or deleted tenant was backed up before its write.
    let changed: BTreeSet<String> = (0..150)
        .chain(400..500)
        .map(|i| format!("t{i:03}"))
        .collect();
    for id in &changed {
        let writes: Vec<&&Value> = ok_audit
            .iter()
            .filter(|r| {
                r["targetId"] == id.as_str()
                    && r["request"].as_str().is_some_and(|o| !o.contains("create"))
            })
            .collect();
        assert!(!writes.is_empty(), "no audited update/delete of {id}");
        for w in writes {
            let backup = PathBuf::from(
                w["backup"]
                    .as_str()
                    .unwrap_or_else(|| panic!("audit record of {id} names no backup: {w}")),
            );
            let b: Value = serde_json::from_slice(&std::fs::read(&backup).unwrap()).unwrap();
            assert_eq!(b["metadata"]["target_id"], id.as_str());
            let taken = time_key(b["metadata"]["timestamp"].as_str().unwrap());
            let written = time_key(w["time"].as_str().unwrap());
            assert!(
                taken <= written,
                "backup of {id} at {taken} after its write at {written}"
            );
        }
    }

    // Converged: a second plan has nothing to do.
    env.run(&[
        "tenant",
        "sync",
        "--config",
        &f2,
        "--dry-run",
        "--prune",
        "--max-deletes",
        "1000",
        "--detailed-exitcode",
    ])
    .expect(0);

    let count = |s: u64| journal.iter().filter(|r| status(r) == s).count();
    println!(
        "SOAK: requests={} 429s={} 503s={} drops={} writes_200={} dropped_writes={} ok_audit={} runs_create={} runs_change={} seconds={:.1}",
        journal.len(),
        count(429),
        count(503),
        count(0),
        ok_200,
        dropped_writes,
        ok_audit.len(),
        runs_create,
        runs_change,
        started.elapsed().as_secs_f64()
    );
}

#[test]

fn an_unknown_parent_names_its_line_and_column() {
    let (env, tmp, _) = catalog_env();
    let file = write_file(
        tmp.path(),
        "p.yaml",
        "tenants:\n  - id: a\n    name: A\n    parent: nobody-here\n",
    );
    let r = env.run(&["tenant", "sync", "--config", &file, "--dry-run"]);
    r.expect(1);
    assert!(r.stderr.contains("p.yaml:4:"), "{}", r.stderr);
}

/// The project file of the issue-13 soak: `perms` permissions, project roles `r00…` with three
/// permissions each, and tenants with settings, two roles of their own and default roles.
/// `renamed` permissions and roles carry `renamedFrom` (their new names are `q…` and `s…`).
fn project_yaml(
    perms: usize,
    roles: usize,
    tenants: usize,
    renamed: usize,
    session: u32,
) -> String {
    let perm = |i: usize| {
        if i < renamed {
            format!("q{i:02}")
        } else {
            format!("p{i:02}")
        }
    };
    let role = |i: usize| {
        if i < renamed {
            format!("s{i:02}")
        } else {
            format!("r{i:02}")
        }
    };
    let mut y = String::from("permissions:\n");
    for i in 0..perms {
        y.push_str(&format!(
            "  - name: {}\n    description: Permission {i}\n",
            perm(i)
        ));
        if i < renamed {
            y.push_str(&format!("    renamedFrom: p{i:02}\n"));
        }
    }
    y.push_str("roles:\n");
    for i in 0..roles {
        y.push_str(&format!(
            "  - name: {}\n    permissions: [{}, {}, {}]\n",
            role(i),
            perm(i % 30),
            perm((i + 1) % 30),
            perm((i + 2) % 30)
        ));
        if i < renamed {
            y.push_str(&format!("    renamedFrom: r{i:02}\n"));
        }
    }
    y.push_str("tenants:\n");
    for i in 0..tenants {
        let minutes = if i < 10 { session } else { 15 };
        y.push_str(&format!(
            "  - id: t{i:02}\n    name: Tenant {i}\n    domains: [t{i}.example.com]\n    defaultRoles: [{}, t{i:02}-admin]\n    settings:\n      sessionTokenExpiration: {minutes}m\n      refreshTokenExpiration: 2w\n    roles:\n      - name: t{i:02}-admin\n        permissions: [{}]\n      - name: t{i:02}-viewer\n",
            role(0),
            perm(i % 30)
        ));
    }
    y
}

#[test]
fn fault_soak_of_roles_permissions_and_settings_converges_with_every_change_backed_up() {
    let faults = descope_emulator::Faults {
        latency_ms: 5,
        fail_rate: 0.05,
        drop_rate: 0.02,
        rate_limit: Some(descope_emulator::RateLimit {
            requests: 200,
            window_secs: 1,
        }),
        ..descope_emulator::Faults::default()
    };
    let env = TestEnv::with_faults(bin(), faults, 20_261_202);
    let f1 = write_file(env.home(), "first.yaml", project_yaml(40, 30, 20, 0, 15));
    let sync = |file: &str, extra: &[&str]| {
        let mut args = vec![
            "sync",
            "--config",
            file,
            "--apply",
            "--yes",
            "--concurrency",
            "8",
        ];
        args.extend_from_slice(extra);
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let a1 = sync(&f1, &[]);
    let args: Vec<&str> = a1.iter().map(String::as_str).collect();
    let runs_create = apply_until_converged(&env, &args, "create");
    // Second file: 5 permissions and 5 roles renamed, 10 tenants' session changed, permissions
    // p30…p39 and roles r25…r29 pruned (nothing that stays refers to them).
    let f2 = write_file(env.home(), "second.yaml", project_yaml(30, 25, 20, 5, 20));
    let a2 = sync(&f2, &["--prune", "--max-deletes", "100"]);
    let args: Vec<&str> = a2.iter().map(String::as_str).collect();
    let runs_change = apply_until_converged(&env, &args, "rename+settings+prune");
    env.set_faults(&json!({"latencyMs": 0, "failRate": 0.0, "dropRate": 0.0, "rateLimit": null}));
    env.run(&["sync", "-c", &f2, "--dry-run", "--detailed-exitcode"])
        .expect(0);

    // Live state equals the file.
    let state = env.state();
    let mut perms: Vec<&str> = state["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["systemDefault"] != true)
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    perms.sort_unstable();
    let mut want: Vec<String> = (0..30)
        .map(|i| {
            if i < 5 {
                format!("q{i:02}")
            } else {
                format!("p{i:02}")
            }
        })
        .collect();
    want.sort();
    assert_eq!(perms, want);
    let roles = state["roles"].as_array().unwrap();
    let project_roles: BTreeMap<&str, BTreeSet<&str>> = roles
        .iter()
        .filter(|r| r["tenantId"].as_str().unwrap_or_default().is_empty())
        .map(|r| {
            (
                r["name"].as_str().unwrap(),
                r["permissionNames"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p.as_str().unwrap())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(project_roles.len(), 25);
    assert!(project_roles.contains_key("s00") && !project_roles.contains_key("r00"));
    assert_eq!(
        project_roles["s01"],
        BTreeSet::from(["q01", "q02", "q03"]),
        "a renamed role kept its (renamed) permissions"
    );
    assert_eq!(roles.len(), 25 + 40, "project roles and two per tenant");
    for i in 0..20 {
        let s = &state["settings"][format!("t{i:02}")];
        assert_eq!(s["sessionTokenExpiration"], if i < 10 { 20 } else { 15 });
        assert_eq!(s["refreshTokenExpirationUnit"], "weeks");
    }
    let tenants = state["tenants"].as_array().unwrap();
    assert!(tenants.iter().all(|t| t["defaultRoles"][0] == "s00"));
    assert!(
        tenants
            .iter()
            .all(|t| t["selfProvisioningDomains"].as_array().unwrap().len() == 1)
    );

    // Every update and delete of a role, permission or settings that the service accepted has
    // its backup, on disk, taken before it.
    let audit_text = std::fs::read_to_string(env.data_dir().join("audit.jsonl")).unwrap();
    let mut checked = 0;
    for r in audit_text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
    {
        let kind = r["targetType"].as_str().unwrap_or_default();
        // The first file's settings writes are of tenants that run created: there was nothing
        // to back up. Every other update and delete must have its backup.
        let first_run = r["command"]
            .as_str()
            .unwrap_or_default()
            .contains("first.yaml");
        if !["role", "permission", "settings"].contains(&kind)
            || r["result"] != "ok"
            || r["request"] == "create"
            || (first_run && kind == "settings")
        {
            continue;
        }
        let backup = r["backup"]
            .as_str()
            .unwrap_or_else(|| panic!("{kind} {} written without a backup: {r}", r["targetId"]));
        assert!(Path::new(backup).exists(), "backup {backup} missing");
        checked += 1;
    }
    assert!(
        checked >= 5 + 5 + 10 + 10 + 5,
        "only {checked} backed-up writes audited"
    );
    eprintln!(
        "SOAK13: create converged in {runs_create} run(s), changes in {runs_change}; {checked} backed-up writes"
    );
}
