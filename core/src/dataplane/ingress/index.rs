//! String keys found by hash, for the two lookups on the hot path of a route: hosts and trie
//! children. Open addressing with linear probing at most half full: a lookup hashes the key
//! once, reads one or two slots and compares one string to confirm — constant time, where a
//! sorted map compares strings at every step of a binary search.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// A slot: the key's hash and the value's index; [`EMPTY`] marks a free slot.
pub(super) type Slot = (u64, usize);
pub(super) const EMPTY: usize = usize::MAX;

/// A fast, deterministic 64-bit hash of a short string (FxHash's rotate-xor-multiply, 8 bytes
/// at a time). Not collision-resistant, and it need not be: every hit is confirmed by comparing
/// the strings, so a collision costs one more comparison. The slot is taken from the *high*
/// bits, the well-mixed ones of a multiplication.
#[inline]
pub(super) fn hash(s: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = s.len() as u64;
    let mut chunks = s.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        h = (h.rotate_left(5) ^ word(chunk)).wrapping_mul(K);
    }
    (h.rotate_left(5) ^ word(chunks.remainder())).wrapping_mul(K)
}

/// Up to 8 bytes as a word, with fixed-size loads only (wyhash's trick: two overlapping 4-byte
/// reads cover 4 to 8 bytes; first, middle and last byte cover 1 to 3). Injective for a given
/// length, which the hash mixes in.
#[inline]
fn word(bytes: &[u8]) -> u64 {
    let four = |b: Option<&[u8; 4]>| u64::from(u32::from_le_bytes(b.copied().unwrap_or_default()));
    if let Some(eight) = bytes.first_chunk::<8>() {
        return u64::from_le_bytes(*eight);
    }
    if bytes.len() >= 4 {
        return four(bytes.first_chunk::<4>()) | four(bytes.last_chunk::<4>()) << 32;
    }
    let byte = |b: Option<&u8>| u64::from(b.copied().unwrap_or(0));
    byte(bytes.first()) | byte(bytes.get(bytes.len() / 2)) << 8 | byte(bytes.last()) << 16
}

/// Byte equality, inline for the short strings hosts and segments are (a `memcmp` call costs
/// more than comparing a dozen bytes).
#[inline]
pub(super) fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && (a.len() > 32 && a == b || a.iter().zip(b).all(|(x, y)| x == y))
}

/// The `/`-separated segments of `path`, as `str::split('/')` gives them, without the
/// searcher's set-up cost on short segments.
#[inline]
pub(super) fn segments(path: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(path);
    core::iter::from_fn(move || {
        let current = rest?;
        match current.bytes().position(|b| b == b'/') {
            Some(i) => {
                rest = current.get(i + 1..);
                current.get(..i)
            }
            None => rest.take(),
        }
    })
}

/// The number of slots for `n` keys: a power of two at least twice `n` (0 for none).
pub(super) fn slot_count(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        n.saturating_mul(2).next_power_of_two()
    }
}

/// Where the probe for `h` starts in `len` slots (`len` a power of two).
#[inline]
fn home(h: u64, len: usize) -> usize {
    let bits = len.trailing_zeros();
    h.checked_shr(64 - bits).unwrap_or(0) as usize
}

/// Puts `value` in the first free slot from `h`'s home. `slots` must have a free slot.
pub(super) fn place(slots: &mut [Slot], h: u64, value: usize) {
    let len = slots.len();
    let start = home(h, len);
    for i in 0..len {
        if let Some(slot) = slots.get_mut((start + i) % len) {
            if slot.1 == EMPTY {
                *slot = (h, value);
                return;
            }
        }
    }
}

/// The first value whose hash is `h` and for which `is_key` holds, probing from `h`'s home to
/// the first free slot.
#[inline]
pub(super) fn find(slots: &[Slot], h: u64, mut is_key: impl FnMut(usize) -> bool) -> Option<usize> {
    let len = slots.len();
    if len == 0 {
        return None;
    }
    let mask = len - 1;
    let mut i = home(h, len);
    for _ in 0..len {
        let &(slot_hash, value) = slots.get(i)?;
        if value == EMPTY {
            return None;
        }
        if slot_hash == h && is_key(value) {
            return Some(value);
        }
        i = (i + 1) & mask;
    }
    None
}

/// A map from strings to `T`, frozen after construction.
#[derive(Clone, Debug)]
pub(super) struct StrMap<T> {
    slots: Vec<Slot>,
    keys: Vec<Box<str>>,
    values: Vec<T>,
}

impl<T> StrMap<T> {
    pub(super) fn new(map: BTreeMap<String, T>) -> StrMap<T> {
        let mut slots = vec![(0, EMPTY); slot_count(map.len())];
        let (mut keys, mut values) = (Vec::with_capacity(map.len()), Vec::with_capacity(map.len()));
        for (key, value) in map {
            place(&mut slots, hash(&key), keys.len());
            keys.push(key.into_boxed_str());
            values.push(value);
        }
        StrMap { slots, keys, values }
    }

    #[inline]
    pub(super) fn get(&self, key: &str) -> Option<&T> {
        if self.keys.is_empty() {
            return None;
        }
        let i = find(&self.slots, hash(key), |i| {
            self.keys
                .get(i)
                .is_some_and(|k| same(k.as_bytes(), key.as_bytes()))
        })?;
        self.values.get(i)
    }
}
