//! [`Attrs`]: a tenant's custom attributes.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// Custom attributes: attribute name → value (string, number, bool or list of strings).
///
/// A map kept as a vector sorted by key. Tenants have a handful of attributes, and a project may
/// have 100,000 tenants held twice (live and desired) during a plan: a `BTreeMap` allocates a
/// node of eleven slots (about 1 KB here) for even one attribute, this holds exactly what it
/// has. It behaves as a `BTreeMap`: keys are unique and iterate in order, a later insert of a
/// key replaces the earlier value, and it serialises as a JSON object.
#[derive(Clone, Default, PartialEq)]
pub struct Attrs(Vec<(String, Value)>);

impl Attrs {
    #[must_use]
    pub const fn new() -> Self {
        Self(Vec::new())
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    #[must_use]
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key`, returning the value it replaced.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&String, &Value)> + ExactSizeIterator {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.0.iter().map(|(_, v)| v)
    }

    /// Builds from entries in any order; for a repeated key the last value wins.
    fn from_entries(mut entries: Vec<(String, Value)>) -> Self {
        if entries.windows(2).all(|w| w[0].0 < w[1].0) {
            // Already in order with unique keys (as the service and tenants.yaml usually give).
            return Self(exact(entries));
        }
        // A stable sort keeps repeated keys in insertion order; keep the last of each run.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(String, Value)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            match out.last_mut() {
                Some(last) if last.0 == k => last.1 = v,
                _ => out.push((k, v)),
            }
        }
        Self(exact(out))
    }
}

/// `v` in an allocation of exactly its length. `shrink_to_fit` is not enough: an allocator may
/// keep a block that shrinks by no more than half (mimalloc does), so this moves the elements to
/// a new allocation instead.
#[must_use]
pub(crate) fn exact<T>(mut v: Vec<T>) -> Vec<T> {
    if v.capacity() == v.len() {
        return v;
    }
    let mut out = Vec::with_capacity(v.len());
    out.append(&mut v);
    out
}

impl fmt::Debug for Attrs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl std::ops::Index<&str> for Attrs {
    type Output = Value;

    /// # Panics
    /// When `key` is absent, as `BTreeMap` does.
    fn index(&self, key: &str) -> &Value {
        self.get(key)
            .unwrap_or_else(|| panic!("no custom attribute `{key}`"))
    }
}

impl FromIterator<(String, Value)> for Attrs {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Self::from_entries(iter.into_iter().collect())
    }
}

impl<const N: usize> From<[(String, Value); N]> for Attrs {
    fn from(entries: [(String, Value); N]) -> Self {
        Self::from_entries(entries.into())
    }
}

impl From<BTreeMap<String, Value>> for Attrs {
    fn from(m: BTreeMap<String, Value>) -> Self {
        Self(m.into_iter().collect())
    }
}

impl IntoIterator for Attrs {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Attrs {
    type Item = (&'a String, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Value)>,
        fn(&'a (String, Value)) -> (&'a String, &'a Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl Serialize for Attrs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Attrs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Attrs;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of custom attributes")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attrs, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    entries.push(entry);
                }
                Ok(Attrs::from_entries(entries))
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn behaves_as_an_ordered_map() {
        let mut a: Attrs = [
            ("b".to_owned(), json!(1)),
            ("a".to_owned(), json!("x")),
            ("b".to_owned(), json!(2)),
        ]
        .into();
        assert_eq!(a.len(), 2);
        assert_eq!(a["b"], json!(2), "the last value of a repeated key wins");
        assert_eq!(a.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(a.insert("c".into(), json!(true)), None);
        assert_eq!(a.insert("a".into(), json!("y")), Some(json!("x")));
        assert_eq!(a.remove("b"), Some(json!(2)));
        assert_eq!(a.get("b"), None);
        assert_eq!(serde_json::to_string(&a).unwrap(), r#"{"a":"y","c":true}"#);
        let back: Attrs = serde_json::from_str(r#"{"c":true,"a":"y","a":"z"}"#).unwrap();
        assert_eq!(back.get("a"), Some(&json!("z")));
        let m: BTreeMap<String, Value> =
            BTreeMap::from([("c".into(), json!(true)), ("a".into(), json!("z"))]);
        assert_eq!(back, Attrs::from(m));
        assert_eq!(
            format!("{back:?}"),
            r#"{"a": String("z"), "c": Bool(true)}"#
        );
    }
}
