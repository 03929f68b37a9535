//! A fast hash map for in-memory indexes of tenants (by id, by name), which a plan of 100,000
//! tenants builds and probes hundreds of thousands of times.
//!
//! The hasher is rustc-hash's FxHash: several times faster than SipHash on the short ids and
//! names a plan looks up. The keys are the user's own tenants, so HashDoS resistance buys nothing
//! here. Nothing may rely on the iteration order of these maps (it is arbitrary); they are only
//! probed.

use std::collections::HashMap;

pub use rustc_hash::{FxBuildHasher, FxHasher};

/// A `HashMap` keyed with FxHash.
pub type FastMap<K, V> = HashMap<K, V, FxBuildHasher>;

/// An empty [`FastMap`] with room for `capacity` entries.
#[must_use]
pub fn fast_map<K, V>(capacity: usize) -> FastMap<K, V> {
    HashMap::with_capacity_and_hasher(capacity, FxBuildHasher)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_was_inserted_among_many_similar_keys() {
        let mut m: FastMap<String, usize> = fast_map(0);
        for i in 0..10_000 {
            assert_eq!(m.insert(format!("tenant-{i:05}"), i), None);
        }
        assert_eq!(m.len(), 10_000);
        assert_eq!(m.get("tenant-04242"), Some(&4242));
        assert_eq!(m.get("tenant-10000"), None);
        let by_str: FastMap<&str, usize> = m.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(by_str["tenant-00007"], 7);
    }
}
