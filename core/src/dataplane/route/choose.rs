//! Where the random (and round-robin) choices of a route come from.
//!
//! A live route draws from [`RouteState`]: the seeded generator, the round-robin positions of
//! IPVS and the L7 proxies, and kube-proxy's session-affinity table, all kept between requests.
//! The expected-share computation instead replays the route with [`Forced`] choices to visit
//! every outcome once, with its probability (no affinity, round robin counted as uniform).

use crate::collections::{FxMap, VecMap};
use alloc::string::String;
use alloc::vec::Vec;

use crate::rng::{Choose, Rng};

/// The decisions a route needs from outside the cluster's objects.
pub(crate) trait Decide {
    /// An index of `weights`, in proportion to them.
    fn pick(&mut self, weights: &[u64]) -> usize;
    /// One of `n` options, uniformly.
    fn uniform(&mut self, n: usize) -> usize;
    /// The next of `n` options for the balancer named `key` (IPVS `rr`, proxies' round robin).
    fn round_robin(&mut self, key: &str, n: usize) -> usize;
    /// kube-proxy's ClientIP affinity table (`None`: affinity is not simulated).
    fn affinity(&mut self) -> Option<&mut AffinityTable>;
}

/// `(service "ns/name", service port name, client IP)` → `(endpoint "ip:port", last seen ms)`.
/// Only looked up and written, never listed, so a hash map: no order to keep, and less code
/// than a B-tree instance for these key and value types.
pub(crate) type AffinityTable = FxMap<(String, String, String), (String, u64)>;

/// What a cluster remembers between routed requests.
#[derive(Clone, Debug, PartialEq)]
pub struct RouteState {
    rng: Rng,
    round_robin: VecMap<String, usize>,
    pub(crate) affinity: AffinityTable,
}

impl RouteState {
    /// A fresh state whose draws are independent of the controllers' (forked from the seed).
    pub fn new(seed: u64) -> RouteState {
        RouteState {
            rng: Rng::new(seed).fork("dataplane"),
            round_robin: VecMap::new(),
            affinity: FxMap::default(),
        }
    }
}

impl Decide for RouteState {
    fn pick(&mut self, weights: &[u64]) -> usize {
        self.rng.weighted(weights)
    }
    fn uniform(&mut self, n: usize) -> usize {
        if n <= 1 {
            0
        } else {
            self.rng.below(n as u64) as usize
        }
    }
    fn round_robin(&mut self, key: &str, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let next = self.round_robin.entry(String::from(key)).or_insert(0);
        let i = *next % n;
        *next = next.wrapping_add(1);
        i
    }
    fn affinity(&mut self) -> Option<&mut AffinityTable> {
        Some(&mut self.affinity)
    }
}

/// Replays a given prefix of choices, then takes the first possible option, recording every
/// choice point so the caller can explore the alternatives.
#[derive(Debug, Default)]
pub(crate) struct Forced {
    pub prefix: Vec<usize>,
    pub position: usize,
    /// Per choice point: the option taken, and the weights offered.
    pub taken: Vec<(usize, Vec<u64>)>,
}

impl Forced {
    pub fn new(prefix: Vec<usize>) -> Forced {
        Forced {
            prefix,
            position: 0,
            taken: Vec::new(),
        }
    }

    /// The probability of the path taken.
    pub fn probability(&self) -> f64 {
        self.taken
            .iter()
            .map(|(i, w)| {
                let total: u64 = w.iter().sum();
                if total == 0 {
                    1.0
                } else {
                    w.get(*i).copied().unwrap_or(0) as f64 / total as f64
                }
            })
            .product()
    }
}

impl Decide for Forced {
    fn pick(&mut self, weights: &[u64]) -> usize {
        let first_live = weights.iter().position(|w| *w > 0).unwrap_or(0);
        let i = self.prefix.get(self.position).copied().unwrap_or(first_live);
        self.position += 1;
        self.taken.push((i, weights.to_vec()));
        i
    }
    fn uniform(&mut self, n: usize) -> usize {
        self.pick(&alloc::vec![1; n.max(1)])
    }
    fn round_robin(&mut self, _key: &str, n: usize) -> usize {
        self.uniform(n)
    }
    fn affinity(&mut self) -> Option<&mut AffinityTable> {
        None
    }
}

/// Lets a [`Decide`] drive deciders that take a [`Choose`] (the Gateway's weighted pick).
pub(crate) struct AsChoose<'a>(pub &'a mut dyn Decide);

impl Choose for AsChoose<'_> {
    fn weighted(&mut self, weights: &[u64]) -> usize {
        // A sure choice is not a choice point: the seeded path draws nothing for it either.
        if weights.iter().filter(|w| **w > 0).count() <= 1 {
            return weights.iter().position(|w| *w > 0).unwrap_or(0);
        }
        self.0.pick(weights)
    }
}
