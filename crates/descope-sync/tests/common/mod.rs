//! Shared test helpers: builders, a fake in-memory apply, and a tiny deterministic generator.
#![allow(dead_code)]

use std::collections::BTreeMap;

use descope_model::Tenant;
use descope_spec::DesiredTenant;
use descope_sync::{Action, Plan};
use serde_json::{Value, json};

pub fn live(id: &str, name: &str) -> Tenant {
    Tenant {
        id: id.into(),
        name: name.into(),
        ..Tenant::default()
    }
}

pub fn want(id: &str, name: &str) -> DesiredTenant {
    DesiredTenant {
        id: id.into(),
        name: name.into(),
        ..DesiredTenant::default()
    }
}

/// Applies a plan the way the executor would against a service whose update replaces the record.
pub fn apply(plan: &Plan, live: &[Tenant]) -> Vec<Tenant> {
    let mut state: BTreeMap<String, Tenant> =
        live.iter().map(|t| (t.id.clone(), t.clone())).collect();
    for c in &plan.changes {
        match c.action {
            Action::Create => {
                let r = c.request.as_ref().expect("create has a request");
                let t = Tenant {
                    id: r.id.clone(),
                    name: r.name.clone(),
                    self_provisioning_domains: r.self_provisioning_domains.clone(),
                    custom_attributes: r.custom_attributes.clone(),
                    enforce_sso: r.enforce_sso,
                    enforce_sso_exclusions: r.enforce_sso_exclusions.clone(),
                    disabled: r.disabled,
                    parent: r.parent.clone(),
                    role_inheritance: r.role_inheritance.clone(),
                    federated_app_ids: r.federated_app_ids.clone(),
                    default_roles: c.default_roles.clone().unwrap_or_default(),
                    ..Tenant::default()
                };
                assert!(
                    state.insert(t.id.clone(), t).is_none(),
                    "create of an existing tenant {}",
                    c.id
                );
            }
            Action::Update => {
                let t = state.get_mut(&c.id).expect("update of a live tenant");
                if let Some(r) = &c.request {
                    assert_eq!(r.id, c.id);
                    // Full replace of every request field.
                    t.name = r.name.clone();
                    t.self_provisioning_domains = r.self_provisioning_domains.clone();
                    t.custom_attributes = r.custom_attributes.clone();
                    t.enforce_sso = r.enforce_sso;
                    t.enforce_sso_exclusions = r.enforce_sso_exclusions.clone();
                    t.disabled = r.disabled;
                    t.role_inheritance = r.role_inheritance.clone();
                    t.federated_app_ids = r.federated_app_ids.clone();
                }
                if let Some(roles) = &c.default_roles {
                    t.default_roles = roles.clone();
                }
            }
            Action::Delete => {
                assert!(
                    state.remove(&c.id).is_some(),
                    "delete of a missing tenant {}",
                    c.id
                );
            }
            Action::Unchanged => {}
        }
    }
    state.into_values().collect()
}

/// xorshift64*: deterministic, dependency-free.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const DOMAINS: &[&str] = &["a.com", "b.com", "c.io", "d.net", "e.org"];
const ROLES: &[&str] = &["viewer", "editor", "admin"];

fn strings(rng: &mut Rng, pool: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = pool
        .iter()
        .filter(|_| rng.chance(40))
        .map(|s| (*s).to_owned())
        .collect();
    // Order must not matter for sets.
    if rng.chance(50) {
        v.reverse();
    }
    v
}

fn attr_value(rng: &mut Rng) -> Value {
    match rng.below(5) {
        0 => json!(rng.pick(&["pro", "free", "enterprise"])),
        1 => json!(rng.below(100)),
        2 => json!(rng.below(100) as f64 + 0.5),
        3 => json!(rng.chance(50)),
        _ => json!(strings(rng, DOMAINS)),
    }
}

fn attrs(rng: &mut Rng) -> descope_model::Attrs {
    let mut out = descope_model::Attrs::new();
    for k in ["plan", "seats", "region", "beta"] {
        if rng.chance(50) {
            out.insert(k.to_owned(), attr_value(rng));
        }
    }
    out
}

/// A random live project: ids t0..tN, some with parents among earlier ids, unmanaged fields set.
pub fn gen_live(rng: &mut Rng, n: usize) -> Vec<Tenant> {
    let mut out: Vec<Tenant> = Vec::with_capacity(n);
    for i in 0..n {
        let parent = if i > 0 && rng.chance(25) {
            format!("t{}", rng.below(i as u64))
        } else {
            String::new()
        };
        out.push(Tenant {
            id: format!("t{i}"),
            name: format!("Tenant {i}"),
            self_provisioning_domains: strings(rng, DOMAINS),
            custom_attributes: attrs(rng),
            enforce_sso: rng.chance(30),
            enforce_sso_exclusions: if rng.chance(30) {
                vec!["ops@x.com".into()]
            } else {
                vec![]
            },
            disabled: rng.chance(20),
            role_inheritance: if rng.chance(30) {
                "userOnly".into()
            } else {
                String::new()
            },
            default_roles: strings(rng, ROLES),
            parent,
            federated_app_ids: if rng.chance(20) {
                vec!["app1".into()]
            } else {
                vec![]
            },
            auth_type: "none".into(),
            ..Tenant::default()
        });
    }
    out
}

/// A random desired state over ids t0..t(N+extra): some fields unmanaged, some changed, new
/// tenants (parents only among ids that exist or come earlier), some live ids left out.
pub fn gen_desired(rng: &mut Rng, live: &[Tenant], extra: usize) -> Vec<DesiredTenant> {
    let mut out = Vec::new();
    for t in live {
        if rng.chance(15) {
            continue;
        }
        let changed = rng.chance(50);
        out.push(DesiredTenant {
            id: t.id.clone(),
            name: if changed && rng.chance(30) {
                format!("{} renamed", t.name)
            } else {
                t.name.clone()
            },
            domains: rng.chance(70).then(|| {
                if changed {
                    strings(rng, DOMAINS)
                } else {
                    t.self_provisioning_domains.clone()
                }
            }),
            custom_attributes: rng.chance(60).then(|| {
                if changed {
                    attrs(rng)
                } else {
                    t.custom_attributes.clone()
                }
            }),
            enforce_sso: rng.chance(60).then(|| {
                if changed {
                    rng.chance(50)
                } else {
                    t.enforce_sso
                }
            }),
            disabled: rng
                .chance(60)
                .then(|| if changed { rng.chance(50) } else { t.disabled }),
            parent: (!t.parent.is_empty() && rng.chance(50)).then(|| t.parent.clone()),
            default_roles: rng.chance(50).then(|| {
                if changed {
                    strings(rng, ROLES)
                } else {
                    t.default_roles.clone()
                }
            }),
            protect: rng.chance(10),
            ..DesiredTenant::default()
        });
    }
    let base = live.len();
    for j in 0..extra {
        let i = base + j;
        let parent = if i > 0 && rng.chance(40) {
            Some(format!("t{}", rng.below(i as u64)))
        } else {
            None
        };
        let parent = parent.filter(|p| {
            // Only parents that will exist: live, or a new tenant.
            live.iter().any(|t| &t.id == p) || p[1..].parse::<usize>().is_ok_and(|k| k >= base)
        });
        out.push(DesiredTenant {
            id: format!("t{i}"),
            name: format!("New {i}"),
            domains: rng.chance(50).then(|| strings(rng, DOMAINS)),
            custom_attributes: rng.chance(50).then(|| attrs(rng)),
            enforce_sso: rng.chance(50).then(|| rng.chance(50)),
            disabled: rng.chance(50).then(|| rng.chance(50)),
            parent,
            default_roles: rng.chance(50).then(|| strings(rng, ROLES)),
            ..DesiredTenant::default()
        });
    }
    // Shuffle so the input order is not the id order.
    for k in (1..out.len()).rev() {
        out.swap(k, rng.below(k as u64 + 1) as usize);
    }
    out
}
