//! The allocation bitmap shared by the IP and port allocators, with upstream's two bands.
//!
//! Slot `i` is one allocatable value (an IP or a port); bit `i` set means taken. Slots
//! `0..static_len` form the static (lower) band, `static_len..len` the dynamic (upper) band.
//! Used counts are kept per band so "is the upper band full?" is O(1), and every scan moves a
//! 64-bit word at a time, so a /12 (about a million slots, 16 384 words) is cheap to search.

use alloc::vec;
use alloc::vec::Vec;

use super::band::Band;
use crate::rng::Rng;

/// How a dynamic pick was made, in slot numbers (the allocators turn them into IPs or ports).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SlotPick {
    pub slot: u32,
    pub band: Band,
    /// The random slot the forward scan started from.
    pub start: u32,
    /// Taken slots passed over before `slot` (wrapping inside the band).
    pub skipped: u32,
}

/// A fixed-size bitmap split into a static and a dynamic band.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BandedBitmap {
    words: Vec<u64>,
    len: u32,
    static_len: u32,
    used_static: u32,
    used_dynamic: u32,
}

impl BandedBitmap {
    /// `len` slots of which the first `static_len` (clamped to `len`) are the static band.
    pub fn new(len: u32, static_len: u32) -> Self {
        let words = len.div_ceil(64) as usize;
        BandedBitmap {
            words: vec![0; words],
            len,
            static_len: static_len.min(len),
            used_static: 0,
            used_dynamic: 0,
        }
    }

    pub fn len(&self) -> u32 {
        self.len
    }

    pub fn static_len(&self) -> u32 {
        self.static_len
    }

    pub fn band_len(&self, band: Band) -> u32 {
        match band {
            Band::Static => self.static_len,
            Band::Dynamic => self.len - self.static_len,
        }
    }

    pub fn used(&self) -> u32 {
        self.used_static + self.used_dynamic
    }

    pub fn used_in(&self, band: Band) -> u32 {
        match band {
            Band::Static => self.used_static,
            Band::Dynamic => self.used_dynamic,
        }
    }

    pub fn free_in(&self, band: Band) -> u32 {
        self.band_len(band) - self.used_in(band)
    }

    /// The band of a slot (callers check `slot < len` first).
    pub fn band_of(&self, slot: u32) -> Band {
        if slot < self.static_len {
            Band::Static
        } else {
            Band::Dynamic
        }
    }

    /// Whether `slot` is taken; slots past the end read as free.
    pub fn get(&self, slot: u32) -> bool {
        let word = self.words.get((slot / 64) as usize).copied().unwrap_or(0);
        slot < self.len && word & (1 << (slot % 64)) != 0
    }

    /// Marks `slot` taken; `false` if it was already taken or is past the end.
    pub fn set(&mut self, slot: u32) -> bool {
        if slot >= self.len || self.get(slot) {
            return false;
        }
        let Some(word) = self.words.get_mut((slot / 64) as usize) else {
            return false;
        };
        *word |= 1 << (slot % 64);
        match self.band_of(slot) {
            Band::Static => self.used_static += 1,
            Band::Dynamic => self.used_dynamic += 1,
        }
        true
    }

    /// Marks `slot` free; `false` if it was free already or is past the end.
    pub fn clear(&mut self, slot: u32) -> bool {
        if !self.get(slot) {
            return false;
        }
        let Some(word) = self.words.get_mut((slot / 64) as usize) else {
            return false;
        };
        *word &= !(1 << (slot % 64));
        match self.band_of(slot) {
            Band::Static => self.used_static -= 1,
            Band::Dynamic => self.used_dynamic -= 1,
        }
        true
    }

    /// Upstream's `randomScanStrategyWithOffset`: a random start in the dynamic band and a
    /// forward scan that wraps inside it; if that band is full, the same in the static band.
    /// Takes the slot it returns. Draws exactly one number from `rng` when it succeeds and none
    /// when both bands are full. (Upstream also draws for a full upper band before scanning it
    /// in vain; skipping that draw changes which random numbers are used, not the rule.)
    pub fn take_random(&mut self, rng: &mut Rng) -> Option<SlotPick> {
        let band = if self.free_in(Band::Dynamic) > 0 {
            Band::Dynamic
        } else if self.free_in(Band::Static) > 0 {
            Band::Static
        } else {
            return None;
        };
        let (lo, hi) = match band {
            Band::Static => (0, self.static_len),
            Band::Dynamic => (self.static_len, self.len),
        };
        let span = hi - lo;
        let start = lo + rng.below(u64::from(span)) as u32;
        let slot = self
            .first_clear_in(start, hi)
            .or_else(|| self.first_clear_in(lo, start))?;
        let skipped = if slot >= start {
            slot - start
        } else {
            (hi - start) + (slot - lo)
        };
        self.set(slot);
        Some(SlotPick {
            slot,
            band,
            start,
            skipped,
        })
    }

    /// The lowest free slot, taken (sequential allocation, no bands).
    pub fn take_lowest(&mut self) -> Option<u32> {
        let slot = self.first_clear_in(0, self.len)?;
        self.set(slot);
        Some(slot)
    }

    /// The first free slot in `from..to`, scanning a word at a time.
    fn first_clear_in(&self, from: u32, to: u32) -> Option<u32> {
        let to = to.min(self.len);
        if from >= to {
            return None;
        }
        let last_word = ((to - 1) / 64) as usize;
        let mut w = (from / 64) as usize;
        // Bits below `from` in the first word count as taken so the scan starts at `from`.
        let mut free = !self.words.get(w).copied()? & (u64::MAX << (from % 64));
        loop {
            if free != 0 {
                let slot = w as u32 * 64 + free.trailing_zeros();
                return (slot < to).then_some(slot);
            }
            if w >= last_word {
                return None;
            }
            w += 1;
            free = !self.words.get(w).copied()?;
        }
    }

    /// Taken slots in increasing order.
    pub fn iter_set(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            let mut rest = word;
            core::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros();
                rest &= rest - 1;
                Some(w as u32 * 64 + bit)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use alloc::collections::BTreeSet;
    use proptest::prelude::*;

    /// The scan upstream does, one bit at a time, with the same draw policy as `take_random`.
    fn naive_take_random(taken: &mut BTreeSet<u32>, len: u32, static_len: u32, rng: &mut Rng) -> Option<u32> {
        let upper_free = (static_len..len).any(|s| !taken.contains(&s));
        let lower_free = (0..static_len).any(|s| !taken.contains(&s));
        let (lo, hi) = if upper_free {
            (static_len, len)
        } else if lower_free {
            (0, static_len)
        } else {
            return None;
        };
        let span = hi - lo;
        let start = rng.below(u64::from(span)) as u32;
        let slot = (0..span)
            .map(|i| lo + (start + i) % span)
            .find(|s| !taken.contains(s))?;
        taken.insert(slot);
        Some(slot)
    }

    #[test]
    fn set_clear_and_counts_per_band() {
        // (len, static_len, slots to set, used static, used dynamic)
        let cases: &[(u32, u32, &[u32], u32, u32)] = &[
            (10, 4, &[0, 3, 4, 9], 2, 2),
            (10, 4, &[9, 9, 10, 100], 0, 1),
            (64, 16, &[63, 15, 16], 1, 2),
            (130, 0, &[0, 64, 129, 130], 0, 3),
            (0, 0, &[0], 0, 0),
            (5, 9, &[4], 1, 0),
        ];
        for (len, static_len, sets, want_static, want_dynamic) in cases {
            let mut b = BandedBitmap::new(*len, *static_len);
            for s in *sets {
                b.set(*s);
            }
            assert_eq!(
                (b.used_in(Band::Static), b.used_in(Band::Dynamic)),
                (*want_static, *want_dynamic),
                "{len}/{static_len} {sets:?}"
            );
            for s in *sets {
                b.clear(*s);
            }
            assert_eq!(b.used(), 0);
            assert_eq!(b, BandedBitmap::new(*len, *static_len));
        }
    }

    #[test]
    fn first_clear_in_crosses_words_and_stops_at_the_bound() {
        let mut b = BandedBitmap::new(200, 0);
        for s in 0..130 {
            b.set(s);
        }
        // (from, to, expected)
        let cases: &[(u32, u32, Option<u32>)] = &[
            (0, 200, Some(130)),
            (5, 131, Some(130)),
            (5, 130, None),
            (131, 200, Some(131)),
            (199, 200, Some(199)),
            (200, 300, None),
            (150, 100, None),
        ];
        for (from, to, want) in cases {
            assert_eq!(b.first_clear_in(*from, *to), *want, "{from}..{to}");
        }
    }

    proptest! {
        /// The word-at-a-time scan picks exactly what upstream's bit-at-a-time scan picks from
        /// the same random numbers, until both are full.
        #[test]
        fn take_random_matches_the_bitwise_reference(
            len in 0u32..400,
            static_frac in 0u32..=4,
            pre in proptest::collection::vec(0u32..400, 0..300),
            seed in any::<u64>(),
        ) {
            let static_len = len * static_frac / 8;
            let mut fast = BandedBitmap::new(len, static_len);
            let mut reference = BTreeSet::new();
            for s in pre.into_iter().filter(|s| *s < len) {
                fast.set(s);
                reference.insert(s);
            }
            let (mut r1, mut r2) = (Rng::new(seed), Rng::new(seed));
            loop {
                let got = fast.take_random(&mut r1).map(|p| p.slot);
                let want = naive_take_random(&mut reference, len, static_len, &mut r2);
                prop_assert_eq!(got, want);
                if got.is_none() {
                    break;
                }
            }
            prop_assert_eq!(fast.used(), len);
            prop_assert_eq!(fast.iter_set().count() as u32, len);
        }
    }
}
