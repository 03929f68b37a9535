//! Shared test helpers: builders, a fake in-memory apply, and proptest strategies of random
//! projects.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ops::Range;

use descope_model::Tenant;
use descope_spec::DesiredTenant;
use descope_sync::{Action, Plan};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config as ProptestConfig, RngAlgorithm, RngSeed};
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

/// The proptest configuration of these tests: `cases` cases from a fixed seed, so a run is
/// reproducible and a failure shows again on every run (hence no regression files). Set
/// `PROPTEST_CASES` and `PROPTEST_RNG_SEED` for a longer or another search.
pub fn config(cases: u32) -> ProptestConfig {
    let mut config = ProptestConfig {
        failure_persistence: None,
        // ChaCha, the default, is many times slower in a debug build.
        rng_algorithm: RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x5eed_5c0e);
    }
    config
}

const DOMAINS: &[&str] = &["a.com", "b.com", "c.io", "d.net", "e.org"];
const ROLES: &[&str] = &["viewer", "editor", "admin"];

/// Some of `pool` (each 40%), in its order or reversed: order must not matter for sets.
fn strings(pool: &'static [&'static str]) -> impl Strategy<Value = Vec<String>> + Clone {
    (vec(prop::bool::weighted(0.4), pool.len()), any::<bool>()).prop_map(move |(take, reverse)| {
        let mut v: Vec<String> = pool
            .iter()
            .zip(take)
            .filter(|(_, t)| *t)
            .map(|(s, _)| (*s).to_owned())
            .collect();
        if reverse {
            v.reverse();
        }
        v
    })
}

fn attr_value() -> impl Strategy<Value = Value> + Clone {
    prop_oneof![
        prop::sample::select(&["pro", "free", "enterprise"][..]).prop_map(|s| json!(s)),
        (0..100u64).prop_map(|n| json!(n)),
        (0..100u64).prop_map(|n| json!(n as f64 + 0.5)),
        any::<bool>().prop_map(|b| json!(b)),
        strings(DOMAINS).prop_map(|v| json!(v)),
    ]
}

/// Custom attributes: each of four keys present half the time.
fn attrs() -> impl Strategy<Value = descope_model::Attrs> + Clone {
    vec(prop::option::weighted(0.5, attr_value()), 4).prop_map(|values| {
        ["plan", "seats", "region", "beta"]
            .into_iter()
            .zip(values)
            .filter_map(|(k, v)| Some((k.to_owned(), v?)))
            .collect()
    })
}

/// One live tenant's random fields; `parent` picks among the earlier tenants (25%).
#[derive(Debug, Clone)]
struct LiveFields {
    parent: Option<Index>,
    domains: Vec<String>,
    attrs: descope_model::Attrs,
    enforce_sso: bool,
    exclusions: bool,
    disabled: bool,
    user_only: bool,
    roles: Vec<String>,
    app: bool,
}

prop_compose! {
    fn live_fields()(
        parent in prop::option::weighted(0.25, any::<Index>()),
        domains in strings(DOMAINS),
        attrs in attrs(),
        enforce_sso in prop::bool::weighted(0.3),
        exclusions in prop::bool::weighted(0.3),
        disabled in prop::bool::weighted(0.2),
        user_only in prop::bool::weighted(0.3),
        roles in strings(ROLES),
        app in prop::bool::weighted(0.2),
    ) -> LiveFields {
        LiveFields { parent, domains, attrs, enforce_sso, exclusions, disabled, user_only, roles, app }
    }
}

prop_compose! {
    /// A random live project of `n` tenants: ids t0..tN, some with parents among earlier ids,
    /// unmanaged fields set.
    pub fn gen_live(n: Range<usize>)(fields in vec(live_fields(), n)) -> Vec<Tenant> {
        fields
            .into_iter()
            .enumerate()
            .map(|(i, f)| Tenant {
                id: format!("t{i}"),
                name: format!("Tenant {i}"),
                self_provisioning_domains: f.domains,
                custom_attributes: f.attrs,
                enforce_sso: f.enforce_sso,
                enforce_sso_exclusions: if f.exclusions {
                    vec!["ops@x.com".into()]
                } else {
                    vec![]
                },
                disabled: f.disabled,
                role_inheritance: if f.user_only {
                    "userOnly".into()
                } else {
                    String::new()
                },
                default_roles: f.roles,
                parent: match f.parent {
                    Some(p) if i > 0 => format!("t{}", p.index(i)),
                    _ => String::new(),
                },
                federated_app_ids: if f.app { vec!["app1".into()] } else { vec![] },
                auth_type: "none".into(),
                ..Tenant::default()
            })
            .collect()
    }
}

/// What the desired state does with one live tenant. A field is managed or not; when the
/// tenant is `changed`, a managed field takes its random value, otherwise the live one.
#[derive(Debug, Clone)]
struct Keep {
    dropped: bool,
    changed: bool,
    renamed: bool,
    domains: Option<Vec<String>>,
    attrs: Option<descope_model::Attrs>,
    enforce_sso: Option<bool>,
    disabled: Option<bool>,
    parent: bool,
    roles: Option<Vec<String>>,
    protect: bool,
}

prop_compose! {
    fn keep()(
        dropped in prop::bool::weighted(0.15),
        changed in any::<bool>(),
        renamed in prop::bool::weighted(0.3),
        domains in prop::option::weighted(0.7, strings(DOMAINS)),
        attrs in prop::option::weighted(0.6, attrs()),
        enforce_sso in prop::option::weighted(0.6, any::<bool>()),
        disabled in prop::option::weighted(0.6, any::<bool>()),
        parent in any::<bool>(),
        roles in prop::option::weighted(0.5, strings(ROLES)),
        protect in prop::bool::weighted(0.1),
    ) -> Keep {
        Keep { dropped, changed, renamed, domains, attrs, enforce_sso, disabled, parent, roles, protect }
    }
}

/// A new tenant's random fields; `parent` picks among the ids before it (40%).
#[derive(Debug, Clone)]
struct New {
    parent: Option<Index>,
    domains: Option<Vec<String>>,
    attrs: Option<descope_model::Attrs>,
    enforce_sso: Option<bool>,
    disabled: Option<bool>,
    roles: Option<Vec<String>>,
}

prop_compose! {
    fn new_tenant()(
        parent in prop::option::weighted(0.4, any::<Index>()),
        domains in prop::option::weighted(0.5, strings(DOMAINS)),
        attrs in prop::option::weighted(0.5, attrs()),
        enforce_sso in prop::option::weighted(0.5, any::<bool>()),
        disabled in prop::option::weighted(0.5, any::<bool>()),
        roles in prop::option::weighted(0.5, strings(ROLES)),
    ) -> New {
        New { parent, domains, attrs, enforce_sso, disabled, roles }
    }
}

/// A managed field's value: the random one when the tenant changes, else the live one.
fn pick<T>(changed: bool, random: Option<T>, live: T) -> Option<T> {
    random.map(|v| if changed { v } else { live })
}

/// The desired state `keep` and `new` describe over `live`, before shuffling.
fn desired(live: &[Tenant], keep: Vec<Keep>, new: Vec<New>) -> Vec<DesiredTenant> {
    let mut out = Vec::new();
    for (t, k) in live.iter().zip(keep) {
        if k.dropped {
            continue;
        }
        out.push(DesiredTenant {
            id: t.id.clone(),
            name: if k.changed && k.renamed {
                format!("{} renamed", t.name)
            } else {
                t.name.clone()
            },
            domains: pick(k.changed, k.domains, t.self_provisioning_domains.clone()),
            custom_attributes: pick(k.changed, k.attrs, t.custom_attributes.clone()),
            enforce_sso: pick(k.changed, k.enforce_sso, t.enforce_sso),
            disabled: pick(k.changed, k.disabled, t.disabled),
            parent: (!t.parent.is_empty() && k.parent).then(|| t.parent.clone()),
            default_roles: pick(k.changed, k.roles, t.default_roles.clone()),
            protect: k.protect,
            ..DesiredTenant::default()
        });
    }
    let base = live.len();
    for (j, n) in new.into_iter().enumerate() {
        let i = base + j;
        let parent = match n.parent {
            Some(p) if i > 0 => Some(format!("t{}", p.index(i))),
            _ => None,
        };
        let parent = parent.filter(|p| {
            // Only parents that will exist: live, or a new tenant.
            live.iter().any(|t| &t.id == p) || p[1..].parse::<usize>().is_ok_and(|k| k >= base)
        });
        out.push(DesiredTenant {
            id: format!("t{i}"),
            name: format!("New {i}"),
            domains: n.domains,
            custom_attributes: n.attrs,
            enforce_sso: n.enforce_sso,
            disabled: n.disabled,
            parent,
            default_roles: n.roles,
            ..DesiredTenant::default()
        });
    }
    out
}

/// A random desired state over `live` and ids t(N)..t(N+extra): some fields unmanaged, some
/// changed, new tenants (parents only among ids that exist or come earlier), some live ids
/// left out, in shuffled order so the input order is not the id order.
pub fn gen_desired(
    live: Vec<Tenant>,
    extra: Range<usize>,
) -> impl Strategy<Value = Vec<DesiredTenant>> {
    (vec(keep(), live.len()), vec(new_tenant(), extra))
        .prop_map(move |(keep, new)| desired(&live, keep, new))
        .prop_shuffle()
}

/// A random live project of `n` tenants and a random desired state over it with `extra` new
/// tenants.
pub fn gen_project(
    n: Range<usize>,
    extra: Range<usize>,
) -> impl Strategy<Value = (Vec<Tenant>, Vec<DesiredTenant>)> {
    gen_live(n).prop_flat_map(move |live| (Just(live.clone()), gen_desired(live, extra.clone())))
}
