//! docs/ci.md cannot rot: each block marked `ci-recipe=NAME` is read from the page, its shell
//! steps (every `run: |` or `- |` block scalar, in order) are run with `bash -eo pipefail`
//! against the emulator with the built binary on the PATH, and `gh` and `curl` replaced by
//! stand-ins that play GitHub and GitLab: they record the comments, notes and issues the recipe
//! posts and hand back the plan artifact the plan recipe saved.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use descope_testkit::{MANAGEMENT_KEY, PROJECT_ID, TestEnv};

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_descope-mgmt"))
}

/// The recipes of docs/ci.md: name → shell steps, in order.
fn recipes() -> BTreeMap<String, Vec<String>> {
    let page =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/ci.md"))
            .unwrap();
    let mut out = BTreeMap::new();
    let mut lines = page.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line.strip_prefix("```yaml ci-recipe=") else {
            continue;
        };
        let block: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .collect();
        out.insert(name.trim().to_owned(), steps(&block));
    }
    out
}

/// The block scalars (`run: |`, `- |`) of a YAML block: each one's lines, less its indentation.
fn steps(block: &[&str]) -> Vec<String> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < block.len() {
        let l = block[i].trim_end();
        i += 1;
        if !(l.ends_with("run: |") || l.trim() == "- |") {
            continue;
        }
        let base = indent(l);
        let mut body = Vec::new();
        while i < block.len() && (block[i].trim().is_empty() || indent(block[i]) > base) {
            body.push(block[i]);
            i += 1;
        }
        let cut = body
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| indent(l))
            .min()
            .unwrap_or(0);
        let text: Vec<&str> = body.iter().map(|l| l.get(cut..).unwrap_or("")).collect();
        steps.push(text.join("\n"));
    }
    steps
}

/// `gh`, as GitHub would answer the recipes: one PR comment (edited in place), issues, runs and
/// their artifact.
const FAKE_GH: &str = r#"#!/bin/bash
set -e
log="$FAKE_DIR/gh.log"
case "$1 $2" in
  "pr comment")
    body=""; edit=0; shift 3
    while [ $# -gt 0 ]; do
      case "$1" in --body-file) body="$2"; shift ;; --edit-last) edit=1 ;; esac; shift
    done
    if [ "$edit" = 1 ]; then
      [ -f "$FAKE_DIR/pr-comment.md" ] || { echo "no comments found for current user" >&2; exit 1; }
      echo "pr comment edit" >> "$log"
    else
      n=$(ls "$FAKE_DIR"/pr-comment*.md 2>/dev/null | wc -l)
      [ "$n" = 0 ] || cp "$FAKE_DIR/pr-comment.md" "$FAKE_DIR/pr-comment-$n.md"
      echo "pr comment create" >> "$log"
    fi
    cp "$body" "$FAKE_DIR/pr-comment.md" ;;
  "run list") echo "run list $*" >> "$log"; echo 42 ;;
  "run download")
    dir=.; shift 2
    while [ $# -gt 0 ]; do case "$1" in --dir) dir="$2"; shift ;; esac; shift; done
    cp "$FAKE_DIR/artifact/plan.json" "$dir/" ;;
  "issue create")
    while [ $# -gt 0 ]; do case "$1" in --body-file) cp "$2" "$FAKE_DIR/issue.md"; shift ;; esac; shift; done
    echo "issue create" >> "$log" ;;
  *) echo "fake gh: unexpected: $*" >&2; exit 1 ;;
esac
"#;

/// `curl`, as GitLab's API would answer the recipes: MR notes (found by marker, edited in
/// place), the merge request of a commit, a job's artifact, issues.
const FAKE_CURL: &str = r#"#!/bin/bash
set -e
method=GET; url=""; output=""; data=()
while [ $# -gt 0 ]; do
  case "$1" in
    --request|-X) method="$2"; shift ;;
    --header|-H) shift ;;
    --output|-o) output="$2"; shift ;;
    --data-urlencode) data+=("$2"); shift ;;
    -*) ;;
    *) url="$1" ;;
  esac
  shift
done
echo "$method $url" >> "$FAKE_DIR/curl.log"
save() { for d in "${data[@]}"; do case "$d" in *@*) cp "${d#*@}" "$FAKE_DIR/$1" ;; esac; done; }
case "$method $url" in
  "GET "*/notes\?*) if [ -f "$FAKE_DIR/note.md" ]; then echo '[{"id": 7, "body": "<!-- descope-mgmt-plan -->\n..."}]'; else echo '[]'; fi ;;
  "POST "*/notes) [ ! -f "$FAKE_DIR/note.md" ] || { echo "a second note" >&2; exit 22; }; save note.md ;;
  "PUT "*/notes/7) save note.md; echo edit >> "$FAKE_DIR/curl.log" ;;
  "GET "*/merge_requests) echo '[{"iid": 5, "source_branch": "feature"}]' ;;
  "GET "*/jobs/artifacts/feature/raw/plan.json\?job=descope-plan) cp "$FAKE_DIR/artifact/plan.json" "$output" ;;
  "POST "*/issues) save issue.md ;;
  *) echo "fake curl: unexpected $method $url" >&2; exit 22 ;;
esac
"#;

/// A place to run recipes: a checkout with project.yaml, the stand-ins, and the emulator.
struct Ci {
    env: TestEnv,
    fake: PathBuf,
    path: String,
}

impl Ci {
    fn new(project: &str) -> Self {
        let env = TestEnv::new(bin());
        let fake = env.home().join("fake");
        let tools = env.home().join("tools");
        for d in [&fake, &tools, &fake.join("artifact")] {
            std::fs::create_dir_all(d).unwrap();
        }
        for (name, text) in [("gh", FAKE_GH), ("curl", FAKE_CURL)] {
            let p = tools.join(name);
            std::fs::write(&p, text).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let path = format!(
            "{}:{}:{}",
            tools.display(),
            bin().parent().unwrap().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let ci = Self { env, fake, path };
        std::fs::write(ci.checkout("any").join("project.yaml"), project).unwrap();
        ci
    }

    /// A fresh checkout directory for a job (the same project.yaml).
    fn checkout(&self, job: &str) -> PathBuf {
        let dir = self.env.home().join("jobs").join(job);
        std::fs::create_dir_all(&dir).unwrap();
        let source = self.env.home().join("jobs/any/project.yaml");
        if source.exists() && job != "any" {
            std::fs::copy(&source, dir.join("project.yaml")).unwrap();
        }
        dir
    }

    /// Runs `steps` in a new checkout for `job`, with the CI's variables: exit code and output.
    fn run(&self, job: &str, steps: &[String]) -> (i32, String) {
        assert!(!steps.is_empty(), "recipe {job} has no shell steps");
        let dir = self.checkout(job);
        let mut code = 0;
        let mut output = String::new();
        for step in steps {
            let o = Command::new("bash")
                .args(["-eo", "pipefail", "-c", step])
                .current_dir(&dir)
                .env_clear()
                .env("PATH", &self.path)
                .env("HOME", self.env.home())
                .env("DESCOPE_MGMT_HOME", self.env.data_dir())
                .env("XDG_CONFIG_HOME", self.env.home().join("config"))
                .env("DESCOPE_PROJECT_ID", PROJECT_ID)
                .env("DESCOPE_MANAGEMENT_KEY", MANAGEMENT_KEY)
                .env("DESCOPE_BASE_URL", self.env.url())
                .env("FAKE_DIR", &self.fake)
                .env("GH_TOKEN", "gh-token")
                .env("PR_NUMBER", "5")
                .env("HEAD_REF", "feature")
                .env("GITLAB_TOKEN", "gl-token")
                .env("CI_API_V4_URL", "https://gitlab.invalid/api/v4")
                .env("CI_PROJECT_ID", "9")
                .env("CI_MERGE_REQUEST_IID", "5")
                .env("CI_COMMIT_SHA", "abc123")
                .env("NO_COLOR", "1")
                .output()
                .unwrap();
            output.push_str(&String::from_utf8_lossy(&o.stdout));
            output.push_str(&String::from_utf8_lossy(&o.stderr));
            code = o.status.code().unwrap_or(-1);
            if code != 0 {
                break;
            }
        }
        (code, output)
    }

    /// What a file of the stand-ins holds ("" when absent).
    fn recorded(&self, name: &str) -> String {
        std::fs::read_to_string(self.fake.join(name)).unwrap_or_default()
    }

    /// The plan the plan job saved, uploaded as its artifact.
    fn upload_artifact(&self, job: &str) {
        std::fs::copy(
            self.checkout(job).join("plan.json"),
            self.fake.join("artifact/plan.json"),
        )
        .unwrap();
    }

    fn tenant_name(&self, id: &str) -> Option<String> {
        self.env.state()["tenants"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .map(|t| t["name"].as_str().unwrap_or_default().to_owned())
    }
}

const PROJECT: &str = "\
permissions:
  - name: projects:read
roles:
  - name: viewer
    permissions: [projects:read]
tenants:
  - id: acme
    name: ACME Corp
    domains: [acme.com]
    defaultRoles: [viewer]
";

fn recipe(name: &str) -> Vec<String> {
    let all = recipes();
    all.get(name)
        .cloned()
        .unwrap_or_else(|| panic!("docs/ci.md has no recipe {name}; it has {:?}", all.keys()))
}

#[test]
fn docs_ci_has_every_recipe() {
    let names: Vec<String> = recipes().into_keys().collect();
    for platform in ["github", "gitlab"] {
        for what in ["plan", "apply", "drift", "emulator"] {
            assert!(
                names.contains(&format!("{platform}-{what}")),
                "{platform}-{what} missing from {names:?}"
            );
        }
    }
}

/// Plan on a pull request (one comment, updated), apply the saved plan on merge, refuse a stale
/// one; then the nightly drift job.
fn plan_apply_drift(platform: &str, comment: &str) {
    let ci = Ci::new(PROJECT);
    let plan = recipe(&format!("{platform}-plan"));
    let (code, out) = ci.run("plan", &plan);
    assert_eq!(code, 0, "{out}");
    let posted = ci.recorded(comment);
    assert!(
        posted.starts_with("<!-- descope-mgmt-plan -->\n### descope-mgmt sync plan"),
        "{posted}"
    );
    assert!(posted.contains("| create | acme |"), "{posted}");
    // A second push: the same comment is updated, not a second one.
    let (code, out) = ci.run("plan-again", &plan);
    assert_eq!(code, 0, "{out}");
    match platform {
        "github" => {
            assert_eq!(
                ci.recorded("gh.log").matches("pr comment create").count(),
                1,
                "{}",
                ci.recorded("gh.log")
            );
            assert_eq!(ci.recorded("gh.log").matches("pr comment edit").count(), 1);
        }
        _ => {
            let log = ci.recorded("curl.log");
            assert_eq!(log.lines().filter(|l| *l == "edit").count(), 1, "{log}");
        }
    }
    assert_eq!(ci.tenant_name("acme"), None, "a plan writes nothing");

    // Merge: the reviewed plan is applied.
    ci.upload_artifact("plan-again");
    let apply = recipe(&format!("{platform}-apply"));
    let (code, out) = ci.run("apply", &apply);
    assert_eq!(code, 0, "{out}");
    assert_eq!(ci.tenant_name("acme").as_deref(), Some("ACME Corp"));

    // Nightly, in sync: exit 0, no issue.
    let drift = recipe(&format!("{platform}-drift"));
    let (code, out) = ci.run("drift", &drift);
    assert_eq!(code, 0, "{out}");
    assert_eq!(ci.recorded("issue.md"), "");

    // Someone changes the tenant in the console.
    ci.env
        .run(&["tenant", "update", "acme", "--domain", "evil.example"])
        .expect(0);
    let (code, out) = ci.run("drift-again", &drift);
    assert_eq!(code, 2, "{out}");
    let issue = ci.recorded("issue.md");
    assert!(issue.contains("🔴 **critical**"), "{issue}");
    assert!(issue.contains("evil.example"), "{issue}");

    // A plan made before that change is stale: the apply refuses and writes nothing.
    std::fs::write(
        ci.checkout("any").join("project.yaml"),
        PROJECT.replace("name: ACME Corp", "name: ACME Inc"),
    )
    .unwrap();
    let (code, out) = ci.run("plan-3", &plan);
    assert_eq!(code, 0, "{out}");
    ci.upload_artifact("plan-3");
    ci.env
        .run(&["tenant", "update", "acme", "--domain", "acme.com"])
        .expect(0);
    let (code, out) = ci.run("apply-stale", &apply);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("stale"), "{out}");
    assert_eq!(ci.tenant_name("acme").as_deref(), Some("ACME Corp"));
}

#[test]
fn github_recipes_run() {
    plan_apply_drift("github", "pr-comment.md");
}

#[test]
fn gitlab_recipes_run() {
    assert!(
        Command::new("jq").arg("--version").output().is_ok(),
        "the GitLab recipes use jq; install it to run this test"
    );
    plan_apply_drift("gitlab", "note.md");
}

#[test]
fn emulator_recipes_run() {
    for platform in ["github", "gitlab"] {
        let ci = Ci::new(PROJECT);
        let (code, out) = ci.run("emulator", &recipe(&format!("{platform}-emulator")));
        assert_eq!(code, 0, "{platform}: {out}");
        // A file that cannot apply fails the job.
        std::fs::write(
            ci.checkout("any").join("project.yaml"),
            PROJECT.replace("defaultRoles: [viewer]", "defaultRoles: [nobody]"),
        )
        .unwrap();
        let (code, out) = ci.run("emulator-bad", &recipe(&format!("{platform}-emulator")));
        assert_ne!(code, 0, "{platform}: {out}");
        assert!(out.contains("nobody"), "{platform}: {out}");
    }
}
