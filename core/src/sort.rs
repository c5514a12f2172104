//! Stable sorting through one shared instance of the standard library's sort, and sorted
//! collections collected without another one.
//!
//! `slice::sort_by` is generic over the element and the comparison, so each call site with its
//! own closure compiles its own copy of the whole driftsort (≈3 KB of wasm each; kroute had
//! about forty). [`SharedSort`] sorts the positions `0..n` instead, with the comparison behind
//! `dyn`, then moves the elements into that order: one copy of the sort for the whole crate,
//! and a few dozen bytes per call site. Same result as `sort_by` (stable, same comparisons);
//! slower by a dynamic call per comparison, which only matters for very long slices on hot
//! paths (those keep `sort_by`). Size notes: ARCHITECTURE.md, "Size".

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;
use core::cmp::Ordering;

/// `sort_by`, `sort_by_key` and `sort`, stable, through the shared sort.
pub trait SharedSort<T> {
    fn stable_sort_by<F: FnMut(&T, &T) -> Ordering>(&mut self, cmp: F);

    fn stable_sort_by_key<K: Ord, F: FnMut(&T) -> K>(&mut self, mut key: F) {
        self.stable_sort_by(|a, b| key(a).cmp(&key(b)));
    }

    fn stable_sort(&mut self)
    where
        T: Ord,
    {
        self.stable_sort_by(Ord::cmp);
    }
}

impl<T> SharedSort<T> for [T] {
    fn stable_sort_by<F: FnMut(&T, &T) -> Ordering>(&mut self, mut cmp: F) {
        if self.len() < 2 {
            return;
        }
        let order = {
            let items = &*self;
            sorted_positions(items.len(), &mut |a, b| cmp(&items[a], &items[b]))
        };
        permute(self, order);
    }
}

/// `collect()` into a `BTreeSet` or `BTreeMap` by inserting each item. The standard
/// `FromIterator` sorts the items first (then builds the tree in bulk), which is one more
/// instance of the whole sort for each element type; inserting reuses `insert`. Same result:
/// for equal map keys the last value stays, as with `collect()`.
pub trait CollectSorted: Iterator + Sized {
    fn collect_set(self) -> BTreeSet<Self::Item>
    where
        Self::Item: Ord,
    {
        let mut set = BTreeSet::new();
        set.extend(self);
        set
    }

    fn collect_map<K: Ord, V>(self) -> BTreeMap<K, V>
    where
        Self: Iterator<Item = (K, V)>,
    {
        let mut map = BTreeMap::new();
        map.extend(self);
        map
    }
}

impl<I: Iterator> CollectSorted for I {}

/// For each item, whether an equal one (by `cmp`) comes before it: the items a set would
/// refuse if they were inserted in order. One sort of the positions through the shared sort,
/// instead of a set of the items (a B-tree instance per item type); O(n log n).
pub fn repeats_by<T>(items: &[T], mut cmp: impl FnMut(&T, &T) -> Ordering) -> Vec<bool> {
    let mut repeated = alloc::vec![false; items.len()];
    // `sorted_positions` gives each position below `items.len()` once: indexing is in range.
    let order = sorted_positions(items.len(), &mut |a, b| cmp(&items[a], &items[b]));
    // Stable: within a run of equal items the positions ascend, so all but the run's first
    // come after an equal one.
    for pair in order.windows(2) {
        if let [earlier, later] = *pair {
            if cmp(&items[earlier], &items[later]) == Ordering::Equal {
                repeated[later] = true;
            }
        }
    }
    repeated
}

/// The position of the first item equal to an earlier one (see [`repeats_by`]).
pub fn first_repeat_by<T>(items: &[T], cmp: impl FnMut(&T, &T) -> Ordering) -> Option<usize> {
    repeats_by(items, cmp).iter().position(|&r| r)
}

/// The positions `0..n` in the order `cmp` sorts them, stably: the one instance of the sort.
fn sorted_positions(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|a, b| cmp(*a, *b));
    order
}

/// Moves `items[order[i]]` to position `i`, following each cycle of the permutation once.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..items.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start || from == at {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn same_order_as_the_standard_sort() {
        // (items): pairs sorted by their first half only, so stability shows in the second.
        let cases: [Vec<(u8, u8)>; 6] = [
            vec![],
            vec![(1, 0)],
            vec![(2, 0), (1, 1), (2, 2), (0, 3), (1, 4)],
            vec![(3, 0), (2, 1), (1, 2), (0, 3)],
            vec![(0, 0), (0, 1), (0, 2)],
            (0..200u8).map(|i| (i.wrapping_mul(37) % 11, i)).collect(),
        ];
        for items in cases {
            let mut ours = items.clone();
            ours.stable_sort_by(|a, b| a.0.cmp(&b.0));
            let mut theirs = items.clone();
            theirs.sort_by_key(|p| p.0);
            assert_eq!(ours, theirs, "{items:?}");

            let mut by_key = items.clone();
            by_key.stable_sort_by_key(|p| core::cmp::Reverse(p.0));
            theirs.sort_by_key(|p| core::cmp::Reverse(p.0));
            assert_eq!(by_key, theirs, "{items:?}");

            let mut whole = items.clone();
            whole.stable_sort();
            theirs.sort();
            assert_eq!(whole, theirs, "{items:?}");
        }
    }

    #[test]
    fn repeats_are_what_a_set_refuses() {
        // (items): a set filled in order refuses exactly the repeats.
        let cases: [Vec<u8>; 6] = [
            vec![],
            vec![1],
            vec![1, 1],
            vec![3, 1, 3, 2, 1, 3],
            vec![5, 4, 3, 2, 1],
            (0..100u8).map(|i| i.wrapping_mul(37) % 23).collect(),
        ];
        for items in cases {
            let mut set = BTreeSet::new();
            let refused: Vec<bool> = items.iter().map(|i| !set.insert(*i)).collect();
            assert_eq!(repeats_by(&items, Ord::cmp), refused, "{items:?}");
            assert_eq!(
                first_repeat_by(&items, Ord::cmp),
                refused.iter().position(|&r| r),
                "{items:?}"
            );
        }
    }

    #[test]
    fn collected_like_collect() {
        // (pairs): repeated keys keep the last value, as `collect()` does.
        let cases: [Vec<(u8, u8)>; 4] = [
            vec![],
            vec![(2, 0), (1, 1), (2, 2), (0, 3), (1, 4)],
            vec![(0, 0), (0, 1), (0, 2)],
            (0..100u8).map(|i| (i.wrapping_mul(37) % 11, i)).collect(),
        ];
        for pairs in cases {
            let map: BTreeMap<u8, u8> = pairs.iter().copied().collect();
            assert_eq!(pairs.iter().copied().collect_map(), map, "{pairs:?}");
            let set: BTreeSet<u8> = pairs.iter().map(|p| p.0).collect();
            assert_eq!(pairs.iter().map(|p| p.0).collect_set(), set, "{pairs:?}");
        }
    }
}
