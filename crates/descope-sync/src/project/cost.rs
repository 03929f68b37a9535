//! What an apply costs in requests, and about how long that takes at a rate: the plan says it
//! before anything is sent ("1,240 requests: about 12 min 30 s at 100 per 60 s").

use std::time::Duration;

use crate::change::{Action, ResourceKind};
use crate::project::resource::{BATCH_SIZE, ProjectPlan};

impl ProjectPlan {
    /// The requests an apply of this plan sends: every write (a batch counts once), the reads
    /// its backups and writes need (a deleted tenant's settings, a new tenant's fresh settings),
    /// the default-roles calls and the temporary renames of rename cycles.
    #[must_use]
    pub fn requests(&self) -> usize {
        let mut n = 0;
        for c in &self.tenants.changes {
            n += match c.action {
                Action::Create => 1,
                Action::Update => {
                    usize::from(c.request.is_some()) + usize::from(c.temp_name.is_some())
                }
                // The backup of a deleted tenant holds its settings: one read.
                Action::Delete => 2,
                Action::Unchanged => 0,
            };
            if c.action != Action::Delete && c.action != Action::Unchanged {
                n += usize::from(c.default_roles.is_some());
            }
        }
        let mut groups: Vec<(ResourceKind, Action, Option<&str>, usize)> = Vec::new();
        for c in &self.resources {
            match (c.kind, c.action) {
                (_, Action::Unchanged) => {}
                // A new tenant's settings are read after its create, then written.
                (ResourceKind::Settings, _) => n += 1 + usize::from(c.request.is_none()),
                (kind, action) => {
                    let tenant = c.tenant.as_deref();
                    match groups
                        .iter_mut()
                        .find(|g| g.0 == kind && g.1 == action && g.2 == tenant)
                    {
                        Some(g) => g.3 += 1,
                        None => groups.push((kind, action, tenant, 1)),
                    }
                }
            }
        }
        n + groups
            .iter()
            .map(|g| g.3.div_ceil(BATCH_SIZE))
            .sum::<usize>()
    }
}

/// About how long `requests` take at `n` per `per`, as the limit allows them: `n` at once, then
/// `n` more each time a window has passed.
#[must_use]
pub fn duration_at(requests: usize, n: u32, per: Duration) -> Duration {
    if requests == 0 || n == 0 {
        return Duration::ZERO;
    }
    let windows = requests.div_ceil(n as usize).saturating_sub(1);
    per.saturating_mul(u32::try_from(windows).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_of_a_window_limit() {
        let minute = Duration::from_secs(60);
        assert_eq!(duration_at(0, 100, minute), Duration::ZERO);
        assert_eq!(duration_at(100, 100, minute), Duration::ZERO);
        assert_eq!(duration_at(101, 100, minute), minute);
        assert_eq!(duration_at(1240, 100, minute), minute * 12);
    }
}
