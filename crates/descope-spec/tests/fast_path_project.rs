//! The fast path and the project file: the fast path steps aside (Bail) for any file with a
//! top-level `permissions:` or `roles:` or a tenant's `settings:` or `roles:`, so those files
//! are read by serde-saphyr alone; `parse` gives serde-saphyr's answer on them and on mutated
//! copies; and whenever the fast path does read a file (a mutation may remove every new
//! section), it gives exactly serde-saphyr's answer, as in tests/fast_path.rs.

use std::cell::Cell;
use std::path::Path;

use descope_spec::{parse, parse_fast, parse_serde};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{Config as ProptestConfig, RngAlgorithm, RngSeed, TestRunner};

fn vars(name: &str) -> Option<String> {
    (name == "TTL").then(|| "12h".to_owned())
}

fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig {
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x5eed_fa13);
    }
    config
}

const NAMES: &[&str] = &[
    "viewer",
    "editor",
    "projects:read",
    "a b",
    "\"yes\"",
    "${TTL}",
    "'x:y'",
    "",
];
const DURATIONS: &[&str] = &[
    "15m", "120m", "12h", "2d", "4w", "${TTL}", "1.5h", "300s", "0m", "15", "\"off\"", "off", "2m",
    "x",
];
const FLAGS: &[&str] = &["true", "false", "yes", "1"];

#[derive(Debug, Clone)]
struct Role {
    name: &'static str,
    permissions: Option<Vec<&'static str>>,
    default: Option<&'static str>,
    renamed_from: Option<&'static str>,
}

fn role() -> impl Strategy<Value = Role> {
    (
        select(NAMES),
        prop::option::weighted(0.6, vec(select(NAMES), 0..3)),
        prop::option::weighted(0.3, select(FLAGS)),
        prop::option::weighted(0.2, select(NAMES)),
    )
        .prop_map(|(name, permissions, default, renamed_from)| Role {
            name,
            permissions,
            default,
            renamed_from,
        })
}

impl Role {
    fn render(&self, ind: &str) -> String {
        let mut out = format!("{ind}- name: {}\n", self.name);
        if let Some(p) = &self.permissions {
            out.push_str(&format!("{ind}  permissions: [{}]\n", p.join(", ")));
        }
        if let Some(d) = self.default {
            out.push_str(&format!("{ind}  default: {d}\n"));
        }
        if let Some(r) = self.renamed_from {
            out.push_str(&format!("{ind}  renamedFrom: {r}\n"));
        }
        out
    }
}

#[derive(Debug, Clone)]
struct Tenant {
    default_roles: Option<Vec<&'static str>>,
    settings: Option<Vec<(&'static str, &'static str)>>,
    roles: Option<Vec<Role>>,
}

fn tenant() -> impl Strategy<Value = Tenant> {
    let keys = select(
        &[
            "sessionTokenExpiration",
            "refreshTokenExpiration",
            "stepupTokenExpiration",
            "inactivityTimeout",
        ][..],
    );
    (
        prop::option::weighted(0.5, vec(select(NAMES), 0..3)),
        prop::option::weighted(0.4, vec((keys, select(DURATIONS)), 0..3)),
        prop::option::weighted(0.4, vec(role(), 0..3)),
    )
        .prop_map(|(default_roles, settings, roles)| Tenant {
            default_roles,
            settings,
            roles,
        })
}

#[derive(Debug, Clone)]
struct Document {
    permissions: Option<Vec<(&'static str, Option<&'static str>)>>,
    roles: Option<Vec<Role>>,
    tenants: Vec<Tenant>,
    /// Where the top-level sections go: before the tenants, or after them.
    sections_first: bool,
}

fn document() -> impl Strategy<Value = Document> {
    (
        prop::option::weighted(
            0.5,
            vec(
                (select(NAMES), prop::option::weighted(0.2, select(NAMES))),
                0..3,
            ),
        ),
        prop::option::weighted(0.5, vec(role(), 0..3)),
        vec(tenant(), 0..3),
        any::<bool>(),
    )
        .prop_map(|(permissions, roles, tenants, sections_first)| Document {
            permissions,
            roles,
            tenants,
            sections_first,
        })
}

impl Document {
    fn has_project_sections(&self) -> bool {
        self.permissions.is_some()
            || self.roles.is_some()
            || self
                .tenants
                .iter()
                .any(|t| t.settings.is_some() || t.roles.is_some())
    }

    fn render(&self) -> String {
        let mut sections = String::new();
        if let Some(list) = &self.permissions {
            sections.push_str(if list.is_empty() {
                "permissions: []\n"
            } else {
                "permissions:\n"
            });
            for (name, renamed) in list {
                sections.push_str(&format!("  - name: {name}\n"));
                if let Some(r) = renamed {
                    sections.push_str(&format!("    renamedFrom: {r}\n"));
                }
            }
        }
        if let Some(list) = &self.roles {
            sections.push_str(if list.is_empty() {
                "roles: []\n"
            } else {
                "roles:\n"
            });
            for r in list {
                sections.push_str(&r.render("  "));
            }
        }
        let mut tenants = String::from(if self.tenants.is_empty() {
            "tenants: []\n"
        } else {
            "tenants:\n"
        });
        for (i, t) in self.tenants.iter().enumerate() {
            tenants.push_str(&format!("  - id: t{i}\n    name: Tenant {i}\n"));
            if let Some(r) = &t.default_roles {
                tenants.push_str(&format!("    defaultRoles: [{}]\n", r.join(", ")));
            }
            if let Some(s) = &t.settings {
                if s.is_empty() {
                    tenants.push_str("    settings: {}\n");
                } else {
                    tenants.push_str("    settings:\n");
                    for (k, v) in s {
                        tenants.push_str(&format!("      {k}: {v}\n"));
                    }
                }
            }
            if let Some(roles) = &t.roles {
                tenants.push_str(if roles.is_empty() {
                    "    roles: []\n"
                } else {
                    "    roles:\n"
                });
                for r in roles {
                    tenants.push_str(&r.render("      "));
                }
            }
        }
        if self.sections_first {
            sections + &tenants
        } else {
            tenants + &sections
        }
    }
}

const MUTATIONS: &[&str] = &[
    " ", "\n", "-", ": ", "#", "[", "]", "{", "x", "\"", "roles:\n",
];

fn mutate(text: &str, edits: &[(Index, Option<&'static str>)]) -> String {
    let mut s: Vec<char> = text.chars().collect();
    for (at, insert) in edits {
        match insert {
            Some(m) => {
                let at = at.index(s.len() + 1);
                for (k, c) in m.chars().enumerate() {
                    s.insert(at + k, c);
                }
            }
            None if !s.is_empty() => {
                s.remove(at.index(s.len()));
            }
            None => {}
        }
    }
    s.into_iter().collect()
}

/// `parse` gives serde-saphyr's answer; the fast path, when it reads the file, gives it too.
/// Returns whether the fast path read it.
fn check(text: &str) -> bool {
    let path = Path::new("project.yaml");
    let slow = parse_serde(path, text, &vars);
    let whole = parse(path, text, &vars);
    // `parse` answers a blank file (comments only) itself, before either parser.
    let blank = matches!(&whole, Err(e) if e.0.len() == 1 && e.0[0].message == "the file is empty");
    if !blank {
        assert_eq!(whole, slow, "parse differs on:\n{text}");
    }
    match parse_fast(path, text, &vars) {
        Some(fast) => {
            assert_eq!(fast, slow, "fast path differs on:\n{text}");
            true
        }
        None => false,
    }
}

#[test]
fn the_fast_path_steps_aside_for_project_files_and_parse_agrees() {
    let mut runner = TestRunner::new(config(1500));
    let edits = vec(
        (
            any::<Index>(),
            prop::option::weighted(0.6, select(MUTATIONS)),
        ),
        1..=2,
    );
    let (project_files, loaded) = (Cell::new(0), Cell::new(0));
    let result = runner.run(&(document(), vec(edits, 2)), |(doc, mutations)| {
        let text = doc.render();
        let read = check(&text);
        if doc.has_project_sections() {
            prop_assert!(!read, "the fast path read a project file:\n{}", text);
            project_files.set(project_files.get() + 1);
            if parse(Path::new("p.yaml"), &text, &vars).is_ok() {
                loaded.set(loaded.get() + 1);
            }
        }
        for edits in &mutations {
            check(&mutate(&text, edits));
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    // The generator must write project files, and some valid ones, or the test proves little.
    let (project_files, loaded) = (project_files.get(), loaded.get());
    assert!(project_files >= 500, "only {project_files} project files");
    assert!(loaded >= 50, "only {loaded} valid project files");
}
