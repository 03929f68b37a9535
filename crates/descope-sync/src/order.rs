//! The order a plan's writes are sent in. Names are unique in a project, so a name must be freed
//! (by a rename or a delete) before a create or a rename takes it; renames that form a cycle (a
//! swap) go through a temporary name first. Parents are created before their children and
//! deleted after them. Deletes nothing waits for come last.

use std::collections::{BTreeMap, HashMap, HashSet};

use descope_model::hash::{FastMap, fast_map};

use descope_model::Tenant;

use crate::change::{Action, Change};

/// The longest tenant name the service is known to accept (the Terraform provider's limit).
const MAX_NAME_CHARS: usize = 254;

/// One write of the executor: a change's write, or the rename to its temporary name that
/// comes before it (`temporary`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Step {
    /// Index into the changes given to [`schedule`].
    pub change: usize,
    /// The rename to [`Change::temp_name`], not the change itself.
    pub temporary: bool,
}

/// The name a create or a rename gives its tenant (`None` when the name stays).
fn claimed<'a>(c: &'a Change, live: &FastMap<&str, &Tenant>) -> Option<&'a str> {
    let r = c.request.as_ref()?;
    match c.action {
        Action::Create => Some(r.name.as_str()),
        Action::Update => (live.get(c.id.as_str()).map(|l| l.name.as_str())
            != Some(r.name.as_str()))
        .then_some(r.name.as_str()),
        Action::Delete | Action::Unchanged => None,
    }
}

/// A temporary name for `id` while it is renamed away from `old`: clearly temporary, within
/// the service's length limit, and `n` makes it unique when it is already taken.
fn temporary_name(old: &str, id: &str, n: usize) -> String {
    let suffix = if n == 0 {
        format!(" (renaming {id})")
    } else {
        format!(" (renaming {id} {n})")
    };
    let keep = MAX_NAME_CHARS.saturating_sub(suffix.chars().count());
    let mut name: String = old.chars().take(keep).collect();
    name.push_str(&suffix);
    name
}

/// The live tenants by id, and the id of the tenant that holds each name.
fn live_index(live: &[Tenant]) -> (FastMap<&str, &Tenant>, FastMap<&str, &str>) {
    let mut by_id = fast_map(live.len());
    by_id.extend(live.iter().map(|t| (t.id.as_str(), t)));
    let mut holder = fast_map(live.len());
    holder.extend(live.iter().map(|t| (t.name.as_str(), t.id.as_str())));
    (by_id, holder)
}

/// The renames that form cycles (each tenant wants the name another one in the cycle has),
/// and, for the tenant with the smallest id in each cycle, the temporary name it takes first.
/// A pure function of the changes and the live tenants, by tenant id.
#[must_use]
pub fn temporary_names(changes: &[Change], live: &[Tenant]) -> BTreeMap<String, String> {
    // Most plans rename nothing: no maps over the whole project for them.
    let renames = changes
        .iter()
        .filter(|c| c.action == Action::Update && c.fields.iter().any(|f| f.field == "name"))
        .count();
    if renames < 2 {
        return BTreeMap::new();
    }
    let (by_id, holder) = live_index(live);
    let mut index: FastMap<&str, usize> = fast_map(renames);
    index.extend(
        changes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.action == Action::Update)
            .map(|(i, c)| (c.id.as_str(), i)),
    );
    // A rename waits for the rename of the tenant that holds the name it wants.
    let next = |i: usize| -> Option<usize> {
        let c = &changes[i];
        let name = claimed(c, &by_id).filter(|_| c.action == Action::Update)?;
        let h = *holder.get(name)?;
        if h == c.id {
            return None;
        }
        let j = *index.get(h)?;
        claimed(&changes[j], &by_id).map(|_| j)
    };
    let mut order: Vec<usize> = index.values().copied().collect();
    order.sort_unstable_by(|a, b| changes[*a].id.cmp(&changes[*b].id));
    // 0 unseen, 1 on the current walk, 2 done: each rename has at most one successor, so a
    // walk that meets itself has found a cycle.
    let mut state: FastMap<usize, u8> = fast_map(renames);
    let mut breakers: Vec<usize> = Vec::new();
    for start in order {
        if state.contains_key(&start) {
            continue;
        }
        let mut path = Vec::new();
        let mut cur = start;
        loop {
            state.insert(cur, 1);
            path.push(cur);
            match next(cur) {
                Some(n) if !state.contains_key(&n) => cur = n,
                Some(n) if state.get(&n) == Some(&1) => {
                    let from = path.iter().position(|p| *p == n).unwrap_or(0);
                    if let Some(b) = path[from..]
                        .iter()
                        .copied()
                        .min_by(|a, b| changes[*a].id.cmp(&changes[*b].id))
                    {
                        breakers.push(b);
                    }
                    break;
                }
                _ => break,
            }
        }
        for p in path {
            state.insert(p, 2);
        }
    }
    if breakers.is_empty() {
        return BTreeMap::new();
    }
    breakers.sort_unstable_by(|a, b| changes[*a].id.cmp(&changes[*b].id));
    let mut used: HashSet<String> = live.iter().map(|t| t.name.clone()).collect();
    used.extend(
        changes
            .iter()
            .filter_map(|c| c.request.as_ref().map(|r| r.name.clone())),
    );
    let mut out = BTreeMap::new();
    for b in breakers {
        let c = &changes[b];
        let old = by_id.get(c.id.as_str()).map_or("", |t| t.name.as_str());
        let name = (0..)
            .map(|n| temporary_name(old, &c.id, n))
            .find(|n| !used.contains(n))
            .unwrap_or_default();
        used.insert(name.clone());
        out.insert(c.id.clone(), name);
    }
    out
}

/// The writes of `changes` in waves: every write of a wave may run at once, and a wave starts
/// when the one before it has finished.
///
/// - A create or rename runs after the write that frees the name it takes: the delete of the
///   tenant holding it, or that tenant's rename (its rename to a temporary name, if it has one).
/// - A tenant with a [`Change::temp_name`] is first renamed to it, with nothing to wait for.
/// - A tenant is created after its parent, and deleted before its parent.
/// - Deletes that nothing waits for come after every other write, children first.
///
/// `live` is the project the plan was made against. Unchanged entries get no step.
#[must_use]
pub fn schedule(changes: &[Change], live: &[Tenant]) -> Vec<Vec<Step>> {
    let (by_id, holder) = live_index(live);
    let index: HashMap<&str, usize> = changes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.action != Action::Unchanged)
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let has_temp = |i: usize| {
        let c = &changes[i];
        c.action == Action::Update && c.temp_name.is_some() && c.request.is_some()
    };
    // Node 2i is change i's write, node 2i+1 its temporary rename.
    let full = |i: usize| 2 * i;
    let mut nodes: Vec<usize> = Vec::new();
    for (i, c) in changes.iter().enumerate() {
        if c.action == Action::Unchanged {
            continue;
        }
        if has_temp(i) {
            nodes.push(full(i) + 1);
        }
        nodes.push(full(i));
    }
    let mut deps: HashMap<usize, Vec<usize>> = HashMap::new();
    // The write that frees the live name of tenant `id`.
    let frees = |id: &str| -> Option<usize> {
        let j = *index.get(id)?;
        match changes[j].action {
            Action::Delete => Some(full(j)),
            Action::Update if has_temp(j) => Some(full(j) + 1),
            Action::Update if claimed(&changes[j], &by_id).is_some() => Some(full(j)),
            _ => None,
        }
    };
    for (i, c) in changes.iter().enumerate() {
        let mut d = Vec::new();
        if let Some(name) = claimed(c, &by_id)
            && let Some(h) = holder.get(name)
            && *h != c.id
            && let Some(f) = frees(h)
        {
            d.push(f);
        }
        match c.action {
            Action::Create => {
                if let Some(p) = c.request.as_ref().map(|r| r.parent.as_str())
                    && let Some(&j) = index.get(p)
                    && changes[j].action == Action::Create
                {
                    d.push(full(j));
                }
            }
            Action::Delete => {
                // Its parent, if deleted too, waits for it.
                if let Some(p) = by_id.get(c.id.as_str()).map(|t| t.parent.as_str())
                    && let Some(&j) = index.get(p)
                    && changes[j].action == Action::Delete
                {
                    deps.entry(full(j)).or_default().push(full(i));
                }
            }
            Action::Update | Action::Unchanged => {}
        }
        if !d.is_empty() {
            deps.entry(full(i)).or_default().extend(d);
        }
    }
    let is_delete = |n: usize| changes[n / 2].action == Action::Delete;
    // Deletes that a create or rename waits for (directly or through other deletes) run early.
    let mut early: HashSet<usize> = nodes.iter().copied().filter(|n| !is_delete(*n)).collect();
    let mut todo: Vec<usize> = early.iter().copied().collect();
    while let Some(n) = todo.pop() {
        for d in deps.get(&n).into_iter().flatten() {
            if early.insert(*d) {
                todo.push(*d);
            }
        }
    }
    let first: Vec<usize> = nodes
        .iter()
        .copied()
        .filter(|n| early.contains(n))
        .collect();
    let last: Vec<usize> = nodes
        .iter()
        .copied()
        .filter(|n| !early.contains(n))
        .collect();
    let mut waves = levels(&first, &deps);
    waves.extend(levels(&last, &deps));
    waves
        .into_iter()
        .map(|w| {
            w.into_iter()
                .map(|n| Step {
                    change: n / 2,
                    temporary: n % 2 == 1,
                })
                .collect()
        })
        .collect()
}

/// `nodes` in waves by longest path over `deps` (dependencies outside `nodes` are ignored). A
/// cycle (only possible in a hand-made plan) puts its members in one last wave.
fn levels(nodes: &[usize], deps: &HashMap<usize, Vec<usize>>) -> Vec<Vec<usize>> {
    let member: HashSet<usize> = nodes.iter().copied().collect();
    let mut waiting: HashMap<usize, usize> = HashMap::new();
    let mut dependents: HashMap<usize, Vec<usize>> = HashMap::new();
    for &n in nodes {
        let ds: Vec<usize> = deps
            .get(&n)
            .into_iter()
            .flatten()
            .copied()
            .filter(|d| member.contains(d))
            .collect();
        waiting.insert(n, ds.len());
        for d in ds {
            dependents.entry(d).or_default().push(n);
        }
    }
    let mut level: HashMap<usize, usize> = HashMap::new();
    let mut ready: Vec<usize> = nodes.iter().copied().filter(|n| waiting[n] == 0).collect();
    while let Some(n) = ready.pop() {
        let l = deps
            .get(&n)
            .into_iter()
            .flatten()
            .filter_map(|d| level.get(d).map(|l| l + 1))
            .max()
            .unwrap_or(0);
        level.insert(n, l);
        for m in dependents.get(&n).into_iter().flatten() {
            if let Some(w) = waiting.get_mut(m) {
                *w -= 1;
                if *w == 0 {
                    ready.push(*m);
                }
            }
        }
    }
    let depth = level.values().copied().max().map_or(0, |m| m + 1);
    let mut waves: Vec<Vec<usize>> = vec![Vec::new(); depth];
    let mut stuck = Vec::new();
    for &n in nodes {
        match level.get(&n) {
            Some(l) => waves[*l].push(n),
            None => stuck.push(n),
        }
    }
    if !stuck.is_empty() {
        waves.push(stuck);
    }
    waves
}
