//! A small deterministic random number generator.
//!
//! The core never reads ambient randomness: every random choice (a ClusterIP, a NodePort, the
//! endpoint iptables would pick) comes from a [`Rng`] seeded by the caller. Same seed, same
//! choices. The generator is SplitMix64: tiny, fast, and good enough for simulation (it is not
//! cryptographic and does not need to be).

/// A seeded SplitMix64 generator. `Clone` is cheap, so a caller can snapshot and restore it to
/// make a tentative sequence of choices atomic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub const fn new(seed: u64) -> Self {
        Rng { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform value in `0..bound`; `bound == 0` yields 0. Uses Lemire's multiply-shift with
    /// rejection, so there is no modulo bias.
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        loop {
            let x = self.next_u64();
            let m = (x as u128) * (bound as u128);
            let low = m as u64;
            if low >= bound.wrapping_neg() % bound {
                return (m >> 64) as u64;
            }
        }
    }

    /// A uniform float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A new generator derived from this one and a label, so independent streams (one per
    /// controller, say) do not shift each other when one of them draws more numbers.
    pub fn fork(&self, label: &str) -> Rng {
        let mut h: u64 = 0xCBF2_9CE4_8422_2325;
        for b in label.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
        Rng::new(self.state ^ h)
    }
}

/// Where a random choice among weighted options comes from: the seeded generator when a request
/// is routed, or an enumerator that explores every outcome to compute the expected shares
/// (`dataplane::route`). Deciders take `&mut dyn Choose` so both can drive them.
pub trait Choose {
    /// The index of one of `weights`, drawn in proportion to them. Zero weights are never
    /// chosen; when all are zero (or the list is empty) the answer is 0.
    fn weighted(&mut self, weights: &[u64]) -> usize;
}

impl Choose for Rng {
    /// Draws only when two or more options can be chosen, so a sure choice does not shift the
    /// later random choices.
    fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().fold(0u64, |a, w| a.saturating_add(*w));
        let live = weights.iter().filter(|w| **w > 0).count();
        let mut x = if live > 1 { self.below(total) } else { 0 };
        for (i, w) in weights.iter().enumerate() {
            if *w > 0 && x < *w {
                return i;
            }
            x = x.saturating_sub(*w);
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use super::{Choose, Rng};

    #[test]
    fn weighted_never_picks_a_zero_weight_and_follows_the_weights() {
        // (weights, draws, expected count per index within ±3 %)
        let cases: &[(&[u64], u32)] = &[(&[70, 30, 0], 20_000), (&[0, 5], 100), (&[1, 1, 1, 1], 20_000)];
        for (weights, draws) in cases {
            let mut r = Rng::new(9);
            let mut counts = alloc::vec![0u32; weights.len()];
            for _ in 0..*draws {
                counts[r.weighted(weights)] += 1;
            }
            let total: u64 = weights.iter().sum();
            for (i, w) in weights.iter().enumerate() {
                let expected = f64::from(*draws) * *w as f64 / total as f64;
                let got = f64::from(counts[i]);
                assert!(
                    (got - expected).abs() <= f64::from(*draws) * 0.03,
                    "{weights:?}: {counts:?}"
                );
                if *w == 0 {
                    assert_eq!(counts[i], 0);
                }
            }
        }
    }

    #[test]
    fn same_seed_same_sequence_and_bounds_hold() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for bound in [1u64, 2, 3, 10, 1000, u64::MAX] {
            let (x, y) = (a.below(bound), b.below(bound));
            assert_eq!(x, y);
            assert!(x < bound);
        }
        assert_eq!(Rng::new(0).below(0), 0);
    }

    #[test]
    fn below_is_roughly_uniform() {
        let mut r = Rng::new(42);
        let mut counts = [0u32; 4];
        for _ in 0..40_000 {
            counts[r.below(4) as usize] += 1;
        }
        for c in counts {
            assert!((9_400..10_600).contains(&c), "{counts:?}");
        }
    }

    #[test]
    fn forks_are_independent_of_draw_order() {
        let base = Rng::new(1);
        let mut f1 = base.fork("ipam");
        let mut f2 = base.fork("ipam");
        let _ = base.fork("other");
        assert_eq!(f1.next_u64(), f2.next_u64());
        assert_ne!(base.fork("a").next_u64(), base.fork("b").next_u64());
    }
}
