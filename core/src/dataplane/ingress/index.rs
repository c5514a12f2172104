//! String keys found by hash, for the two lookups on the hot path of a route: hosts and trie
//! children. Open addressing with linear probing at most two thirds full: a lookup hashes the
//! key once, reads one or two neighbouring slots and compares one string to confirm — constant
//! time, where a sorted map compares strings at every step of a binary search.
//!
//! The hash reads 8 bytes at a time, and so do the scanners the fast path uses
//! ([`scan_segment`], [`plain_host_hash`]): they find where a path segment ends (or whether a
//! host needs normalising) and hash it in the same pass, each byte read once — SWAR
//! ("SIMD within a register") tests on a `u64` instead of a loop over bytes.
//!
//! Indices are `u32`: a router is built from Ingress objects held in memory, each node or slot
//! costing far more input than a byte, so 2³² of them cannot be reached (and `usize` is 32 bits
//! in wasm anyway). Half the size of `usize` keeps twice the nodes in each cache line.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// A free slot, or no such index.
pub(super) const EMPTY: u32 = u32::MAX;

/// FxHash's multiplier.
pub(super) const K: u64 = 0x517c_c1b7_2722_0a95;
const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// One step of the hash: FxHash's rotate-xor-multiply.
#[inline]
fn step(h: u64, word: u64) -> u64 {
    (h.rotate_left(5) ^ word).wrapping_mul(K)
}

/// The last step: the last 0 to 7 bytes (zero-padded) with the length in the top byte, free
/// since at most 7 bytes are left. Padding plus length make the words injective.
#[inline]
fn last_step(h: u64, tail: u64, len: usize) -> u64 {
    step(h, tail | (len as u64) << 56)
}

/// A fast, deterministic 64-bit hash of a short string: 8 bytes at a time, little-endian, the
/// last 0 to 7 zero-padded. Not collision-resistant, and it need not be: every hit is confirmed
/// by comparing the strings, so a collision costs one more comparison. The slot is taken from
/// the *high* bits, the well-mixed ones of a multiplication.
#[inline]
pub(super) fn hash(s: &str) -> u64 {
    let mut h = 0;
    let mut chunks = s.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        h = step(h, word(chunk).0);
    }
    last_step(h, word(chunks.remainder()).0, s.len())
}

/// The first 8 bytes of `bytes` as a little-endian word, zero-padded, and how many there were.
/// Fixed-size loads only: two overlapping ones cover 2 to 7 bytes, each byte in its place.
#[inline]
fn word(bytes: &[u8]) -> (u64, usize) {
    let n = bytes.len();
    let w = match n {
        8.. => bytes.first_chunk::<8>().map_or(0, |b| u64::from_le_bytes(*b)),
        4..=7 => {
            let four = |b: Option<&[u8; 4]>| u64::from(u32::from_le_bytes(b.copied().unwrap_or_default()));
            four(bytes.first_chunk::<4>()) | four(bytes.last_chunk::<4>()) << (8 * (n - 4))
        }
        2..=3 => {
            let two = |b: Option<&[u8; 2]>| u64::from(u16::from_le_bytes(b.copied().unwrap_or_default()));
            two(bytes.first_chunk::<2>()) | two(bytes.last_chunk::<2>()) << (8 * (n - 2))
        }
        _ => bytes.first().map_or(0, |b| u64::from(*b)),
    };
    (w, n.min(8))
}

/// The word at `pos` in `bytes` (see [`word`]). Past the last full word of a string of 8 bytes
/// or more, the string's last 8 bytes shifted down: one load instead of a loop over the tail.
#[inline]
fn word_at(bytes: &[u8], pos: usize) -> (u64, usize) {
    let rest = bytes.get(pos..).unwrap_or_default();
    if let Some(eight) = rest.first_chunk::<8>() {
        return (u64::from_le_bytes(*eight), 8);
    }
    match bytes.last_chunk::<8>() {
        Some(last) => {
            let n = rest.len();
            let shifted = u64::from_le_bytes(*last).checked_shr(8 * (8 - n) as u32);
            (shifted.unwrap_or(0), n)
        }
        None => word(rest),
    }
}

/// A mask with the high bit of each byte of `w` equal to `byte` — exact for the *lowest* such
/// byte (a borrow may mark bytes above it), which is all the scanners use.
#[inline]
fn bytes_equal(w: u64, byte: u8) -> u64 {
    let v = w ^ ONES.wrapping_mul(u64::from(byte));
    v.wrapping_sub(ONES) & !v & HIGH
}

/// The bytes `0..n` of a word (`n` ≤ 8).
#[inline]
fn low_bytes(w: u64, n: usize) -> u64 {
    w & 1u64.checked_shl(8 * n as u32).map_or(u64::MAX, |bit| bit - 1)
}

/// A path segment as the fast path reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Scanned {
    /// Where it ends: the index of the next `/`, `?` or `#`, else the length.
    pub end: usize,
    /// Its [`hash`].
    pub hash: u64,
    /// Its [`head`].
    pub head: u64,
}

/// The first 8 bytes of `s`, zero-padded, as a word: with the length, all of a short string,
/// so that comparing it to a trie node's spares reading the node's bytes.
#[inline]
pub(super) fn head(s: &[u8]) -> u64 {
    word(s).0
}

/// The path segment starting at `start`, found and hashed in one pass: equal to
/// `hash(&path[start..end])` and `head(&path[start..end])`.
#[inline]
pub(super) fn scan_segment(path: &[u8], start: usize) -> Scanned {
    let mut h = 0;
    let mut pos = start;
    let mut head = None;
    loop {
        let (w, n) = word_at(path, pos);
        // Zero padding is none of the three.
        let ends = bytes_equal(w, b'/') | bytes_equal(w, b'?') | bytes_equal(w, b'#');
        if ends != 0 || n < 8 {
            let k = if ends != 0 {
                (ends.trailing_zeros() / 8) as usize
            } else {
                n
            };
            let (end, tail) = (pos + k, low_bytes(w, k));
            return Scanned {
                end,
                hash: last_step(h, tail, end - start),
                head: head.unwrap_or(tail),
            };
        }
        head.get_or_insert(w);
        h = step(h, w);
        pos += 8;
    }
}

/// The [`hash`] of `host` if it is already as matched — no upper case, no `:port`, no
/// trailing dot — else `None` (the caller then normalises it with
/// [`request_host`](super::host::request_host)). One pass, 8 bytes at a time.
#[inline]
pub(super) fn plain_host_hash(host: &str) -> Option<u64> {
    let bytes = host.as_bytes();
    if bytes.last() == Some(&b'.') {
        return None;
    }
    let mut h = 0;
    let mut pos = 0;
    loop {
        let (w, n) = word_at(bytes, pos);
        // ASCII upper case: the 7 low bits of the byte in 0x41..=0x5a and the high bit clear.
        // Adding to the 7 low bits carries into the high bit, never into the next byte.
        let low7 = w & !HIGH;
        let at_least_a = low7.wrapping_add(ONES * (0x80 - 0x41)) & HIGH;
        let past_z = low7.wrapping_add(ONES * (0x80 - 0x5b)) & HIGH;
        let upper = at_least_a & !past_z & !w & HIGH;
        if upper | bytes_equal(w, b':') != 0 {
            return None;
        }
        if n < 8 {
            return Some(last_step(h, w, bytes.len()));
        }
        h = step(h, w);
        pos += 8;
    }
}

/// Byte equality, inline and 8 bytes at a time for the short strings hosts and segments are
/// (a `memcmp` call costs more than comparing a dozen bytes): the whole words, then the last
/// 8 bytes (overlapping the words), or, under 8 bytes, one word each.
#[inline]
pub(super) fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    match (a.last_chunk::<8>(), b.last_chunk::<8>()) {
        (Some(a_last), Some(b_last)) => {
            a_last == b_last && a.chunks_exact(8).zip(b.chunks_exact(8)).all(|(x, y)| x == y)
        }
        _ => word(a).0 == word(b).0,
    }
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

/// The number of slots for `n` keys: at most two thirds full (0 for none). Any length will
/// do: [`probe`] maps a key onto it by multiplication, not by a mask.
pub(super) fn table_len(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        n.saturating_add(n / 2).saturating_add(1)
    }
}

/// A `usize` index as stored (see the module docs on why it fits).
#[inline]
pub(super) fn narrow(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(EMPTY)
}

/// The slots a key's search visits in a table of `len`, each once: linear probing from its
/// home, which the key's high 32 bits (the well-mixed ones of a multiplication) scale onto
/// `0..len`. A search stops at the key or at the first free slot; an insertion takes the
/// first free slot.
#[inline]
pub(super) fn probe(key: u64, len: usize) -> impl Iterator<Item = usize> {
    let home = ((key >> 32).wrapping_mul(len as u64) >> 32) as usize;
    let home = home.min(len);
    (home..len).chain(0..home)
}

/// A map from strings to `T`, frozen after construction. A slot holds where its key's bytes
/// are, so that the key and the value can be fetched at once once the slot is read.
#[derive(Clone, Debug)]
pub(super) struct StrMap<T> {
    slots: Vec<KeySlot>,
    key_bytes: Vec<u8>,
    values: Vec<T>,
}

#[derive(Clone, Copy, Debug)]
struct KeySlot {
    /// The low 32 bits of the key's hash: most slots on a probe that are not the key differ
    /// here.
    tag: u32,
    /// The value's index; [`EMPTY`] for a free slot.
    value: u32,
    /// The key: `key_bytes[key..key + key_len]`.
    key: u32,
    key_len: u32,
}

impl<T> StrMap<T> {
    /// The map of `entries`; of two entries with one key, the first stays.
    pub(super) fn new(entries: Vec<(String, T)>) -> StrMap<T> {
        let free = KeySlot {
            tag: 0,
            value: EMPTY,
            key: 0,
            key_len: 0,
        };
        let mut map = StrMap {
            slots: vec![free; table_len(entries.len())],
            key_bytes: Vec::new(),
            values: Vec::with_capacity(entries.len()),
        };
        for (key, value) in entries {
            let h = hash(&key);
            if map.get_hashed(&key, h).is_some() {
                continue;
            }
            let slots = &mut map.slots;
            let free = probe(h, slots.len()).find(|&i| slots.get(i).is_some_and(|s| s.value == EMPTY));
            if let Some(slot) = free.and_then(|i| slots.get_mut(i)) {
                *slot = KeySlot {
                    tag: h as u32,
                    value: narrow(map.values.len()),
                    key: narrow(map.key_bytes.len()),
                    key_len: narrow(key.len()),
                };
            }
            map.key_bytes.extend_from_slice(key.as_bytes());
            map.values.push(value);
        }
        map
    }

    #[inline]
    pub(super) fn get(&self, key: &str) -> Option<&T> {
        self.get_hashed(key, hash(key))
    }

    /// [`get`](Self::get) with the key's [`hash`] already known.
    #[inline]
    pub(super) fn get_hashed(&self, key: &str, h: u64) -> Option<&T> {
        let tag = h as u32;
        for i in probe(h, self.slots.len()) {
            let slot = self.slots.get(i)?;
            if slot.value == EMPTY {
                return None;
            }
            if slot.tag == tag && slot.key_len as usize == key.len() {
                let start = slot.key as usize;
                let stored = self.key_bytes.get(start..start.saturating_add(key.len()));
                if stored.is_some_and(|k| same(k, key.as_bytes())) {
                    return self.values.get(slot.value as usize);
                }
            }
        }
        None
    }
}
