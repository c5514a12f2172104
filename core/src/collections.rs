//! Sorted maps and sets kept in one vector: [`VecMap`] and [`VecSet`]; and [`FxMap`], the hash
//! map for tables nobody lists.
//!
//! They answer as `BTreeMap` and `BTreeSet` do (keys unique, iteration in key order, `collect`
//! keeps the last value of a repeated key) for the small collections a computation builds and
//! reads once: the ports of a Service, the slices of one address family, the hosts of one
//! Ingress. Why not the B-tree: each key/value pair of types compiles its own copy of the
//! B-tree's search, insert, rebalance, iterators and drop (1–10 KB of wasm each; kroute had
//! about ninety), where a sorted vector is a binary search and the vector's own code. Lookups
//! are O(log n) either way; an insert or remove in the middle moves the entries after it, so
//! collections that grow one entry at a time to thousands (the store, the controllers'
//! indexes) stay B-trees. Built with `collect`, a `VecMap` sorts once through the crate's
//! shared sort ([`crate::sort`]). Size notes: ARCHITECTURE.md, "Size".

use alloc::vec::Vec;
use core::borrow::Borrow;
use core::cmp::Ordering;
use core::fmt;
use core::hash::{BuildHasherDefault, Hasher};
use core::ops::{Bound, RangeBounds};

use crate::sort::SharedSort;

/// FxHash over the key's words: deterministic (no random seed, unlike std's), fast for small
/// integer keys; strings are hashed a byte at a time.
#[derive(Default)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.write_u64(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.write_u64(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
}

/// A hash map with [`FxHasher`], for tables that are only looked up and written, never listed
/// in an order anyone sees (the dataplane's address tables, the affinity table, an endpoint's
/// slice): hashbrown's code is mostly shared between key types, where each B-tree key/value
/// pair compiles its own copy of the whole tree.
pub(crate) type FxMap<K, V> = hashbrown::HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A map with unique, ordered keys in a sorted vector.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap { entries: Vec::new() }
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

impl<K, V> VecMap<K, V> {
    pub const fn new() -> Self {
        VecMap { entries: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = (&K, &mut V)> + ExactSizeIterator {
        self.entries.iter_mut().map(|(k, v)| (&*k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.entries.into_iter().map(|(_, v)| v)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// `Ok(i)`: `i < len`; `Err(i)`: `i <= len`. The indexing below relies on nothing else.
    fn position<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.position(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.position(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.position(key).is_ok()
    }

    /// Sets `key`'s value; the old one comes back (the key itself is kept, as `BTreeMap` does).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.position(&key) {
            Ok(i) => Some(core::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.position(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// The entries whose keys are within `bounds`, in order.
    pub fn range<R: RangeBounds<K>>(&self, bounds: R) -> impl DoubleEndedIterator<Item = (&K, &V)> {
        let (from, to) = slice_range(&self.entries, |(k, _)| k, &bounds);
        self.entries[from..to].iter().map(|(k, v)| (k, v))
    }

    /// `BTreeMap::entry`'s common uses: `or_default`, `or_insert_with`, `or_insert`.
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        Entry { map: self, key }
    }

    /// The value at `key`, inserted by `make` first when there is none (`entry().or_insert_with`).
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.position(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, make()));
                i
            }
        };
        &mut self.entries[i].1
    }
}

/// The positions `from..to` of the sorted `items` whose keys are within `bounds`.
fn slice_range<E, K: Ord, R: RangeBounds<K>>(
    items: &[E],
    key: impl Fn(&E) -> &K,
    bounds: &R,
) -> (usize, usize) {
    let from = match bounds.start_bound() {
        Bound::Included(b) => items.partition_point(|e| key(e) < b),
        Bound::Excluded(b) => items.partition_point(|e| key(e) <= b),
        Bound::Unbounded => 0,
    };
    let to = match bounds.end_bound() {
        Bound::Included(b) => items.partition_point(|e| key(e) <= b),
        Bound::Excluded(b) => items.partition_point(|e| key(e) < b),
        Bound::Unbounded => items.len(),
    };
    (from, to.max(from))
}

/// A key of a [`VecMap`] about to be read or filled.
pub struct Entry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    key: K,
}

impl<'a, K: Ord, V> Entry<'a, K, V> {
    pub fn or_insert_with(self, make: impl FnOnce() -> V) -> &'a mut V {
        self.map.get_or_insert_with(self.key, make)
    }

    pub fn or_insert(self, value: V) -> &'a mut V {
        self.map.get_or_insert_with(self.key, || value)
    }

    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.map.get_or_insert_with(self.key, V::default)
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    /// Sorted once (stably, through the shared sort); of a repeated key the last value stays.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(items: I) -> Self {
        let mut entries: Vec<(K, V)> = items.into_iter().collect();
        entries.stable_sort_by(|a, b| a.0.cmp(&b.0));
        // Stable: among equal keys the last given is last; keep it, drop the ones before.
        let mut kept: Vec<(K, V)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match kept.last_mut() {
                Some(last) if last.0.cmp(&entry.0) == Ordering::Equal => *last = entry,
                _ => kept.push(entry),
            }
        }
        VecMap { entries: kept }
    }
}

impl<K: Ord, V> Extend<(K, V)> for VecMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, items: I) {
        for (k, v) in items {
            self.insert(k, v);
        }
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = alloc::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = core::iter::Map<core::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

/// A set of unique, ordered items in a sorted vector.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VecSet<T> {
    items: Vec<T>,
}

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        VecSet { items: Vec::new() }
    }
}

impl<T: fmt::Debug> fmt::Debug for VecSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.items.iter()).finish()
    }
}

impl<T> VecSet<T> {
    pub const fn new() -> Self {
        VecSet { items: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> core::slice::Iter<'_, T> {
        self.items.iter()
    }

    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }

    pub fn last(&self) -> Option<&T> {
        self.items.last()
    }

    /// The items in order, as a slice.
    pub fn as_slice(&self) -> &[T] {
        &self.items
    }

    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.items.retain(keep);
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }
}

impl<T: Ord> VecSet<T> {
    fn position<Q: Ord + ?Sized>(&self, item: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
    {
        self.items.binary_search_by(|t| t.borrow().cmp(item))
    }

    pub fn contains<Q: Ord + ?Sized>(&self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.position(item).is_ok()
    }

    /// The items within `bounds`, in order.
    pub fn range<R: RangeBounds<T>>(&self, bounds: R) -> core::slice::Iter<'_, T> {
        let (from, to) = slice_range(&self.items, |t| t, &bounds);
        self.items[from..to].iter()
    }

    /// Adds `item`; false when it was there already (and the set keeps the one it had).
    pub fn insert(&mut self, item: T) -> bool {
        match self.position(&item) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, item);
                true
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        match self.position(item) {
            Ok(i) => {
                self.items.remove(i);
                true
            }
            Err(_) => false,
        }
    }
}

impl<T: Ord> FromIterator<T> for VecSet<T> {
    /// Sorted once (stably, through the shared sort); of equal items the first stays, as
    /// inserting them one by one into a `BTreeSet` keeps it.
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut items: Vec<T> = items.into_iter().collect();
        items.stable_sort_by(Ord::cmp);
        items.dedup_by(|later, kept| (*later).cmp(kept) == Ordering::Equal);
        VecSet { items }
    }
}

impl<T: Ord> Extend<T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            self.insert(item);
        }
    }
}

impl<T> IntoIterator for VecSet<T> {
    type Item = T;
    type IntoIter = alloc::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a VecSet<T> {
    type Item = &'a T;
    type IntoIter = core::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::collections::{BTreeMap, BTreeSet};
    use alloc::vec;

    /// Each sequence of operations gives what the B-tree gives.
    #[test]
    fn answers_as_the_b_tree_does() {
        // (pairs collected, then inserted one by one; removals afterwards).
        type Case = (Vec<(u8, u8)>, Vec<u8>);
        let cases: [Case; 5] = [
            (vec![], vec![1]),
            (vec![(2, 0), (1, 1), (2, 2), (0, 3), (1, 4)], vec![1, 7]),
            (vec![(0, 0), (0, 1), (0, 2)], vec![0, 0]),
            (
                (0..100u8).map(|i| (i.wrapping_mul(37) % 11, i)).collect(),
                vec![3, 4, 10],
            ),
            ((0..50u8).rev().map(|i| (i, i)).collect(), vec![49, 0, 25]),
        ];
        for (pairs, removals) in cases {
            let theirs: BTreeMap<u8, u8> = pairs.iter().copied().collect();
            let ours: VecMap<u8, u8> = pairs.iter().copied().collect();
            assert!(ours.iter().eq(theirs.iter()), "collect {pairs:?}");

            let mut theirs_one_by_one = BTreeMap::new();
            let mut ours_one_by_one = VecMap::new();
            for (k, v) in &pairs {
                assert_eq!(ours_one_by_one.insert(*k, *v), theirs_one_by_one.insert(*k, *v));
            }
            for k in &removals {
                assert_eq!(
                    ours_one_by_one.remove(k),
                    theirs_one_by_one.remove(k),
                    "remove {k}"
                );
                assert_eq!(ours_one_by_one.get(k), theirs_one_by_one.get(k));
            }
            assert!(ours_one_by_one.iter().eq(theirs_one_by_one.iter()), "{pairs:?}");
            assert_eq!(ours_one_by_one.len(), theirs_one_by_one.len());

            let keys: Vec<u8> = pairs.iter().map(|p| p.0).collect();
            let mut theirs: BTreeSet<u8> = keys.iter().copied().collect();
            let mut ours: VecSet<u8> = keys.iter().copied().collect();
            assert!(ours.iter().eq(theirs.iter()), "set {keys:?}");
            for k in &removals {
                assert_eq!(ours.remove(k), theirs.remove(k), "remove {k} from {keys:?}");
                assert!(!ours.contains(k));
            }
            assert!(ours.iter().eq(theirs.iter()), "set {keys:?}");
            for (from, to) in [(0u8, 0u8), (2, 5), (7, 7), (0, 255)] {
                assert!(ours.range(from..to).eq(theirs.range(from..to)), "{from}..{to}");
                assert!(ours.range(from..=to).eq(theirs.range(from..=to)), "{from}..={to}");
                assert!(ours.range(..=to).eq(theirs.range(..=to)), "..={to}");
            }
        }
    }

    #[test]
    fn entries_are_made_once() {
        let mut counts: VecMap<&str, u32> = VecMap::new();
        for word in ["b", "a", "b", "c", "b"] {
            *counts.entry(word).or_default() += 1;
        }
        assert_eq!(
            counts.iter().collect::<Vec<_>>(),
            vec![(&"a", &1), (&"b", &3), (&"c", &1)]
        );
        let mut set = VecSet::new();
        assert!(set.insert(2));
        assert!(!set.insert(2));
        assert!(set.insert(1));
        assert_eq!(set.as_slice(), &[1, 2]);
    }
}
