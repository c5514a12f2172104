//! Property tests: SPEC §10 invariant 12 and the allocator contracts, checked against small
//! reference models kept beside the real allocators (never against the allocators' own counts).

use alloc::collections::BTreeSet;
use alloc::vec::Vec;
use core::net::Ipv4Addr;

use proptest::prelude::*;

use super::*;
use crate::rng::Rng;

/// What the property loops need from an allocator, with the band rule computed independently.
trait UnderTest: Allocator<Value: Ord> {
    /// Every value the range can hand out, lowest first.
    fn all_values(&self) -> Vec<Self::Value>;
    /// The static band size from the SPEC formula.
    fn spec_static_len(&self) -> usize;
    fn is_taken(&self, v: Self::Value) -> bool;
    fn capacity(&self) -> u32;
    fn used(&self) -> u32;
}

impl UnderTest for IpAllocator {
    fn all_values(&self) -> Vec<Ipv4Addr> {
        let c = self.cidr();
        (1..c.size().saturating_sub(1)).filter_map(|i| c.nth(i)).collect()
    }
    fn spec_static_len(&self) -> usize {
        let n = self.cidr().size();
        if n <= 16 {
            0
        } else {
            (n / 16).clamp(16, 256) as usize
        }
    }
    fn is_taken(&self, v: Ipv4Addr) -> bool {
        self.is_allocated(v)
    }
    fn capacity(&self) -> u32 {
        IpAllocator::capacity(self)
    }
    fn used(&self) -> u32 {
        IpAllocator::used(self)
    }
}

impl UnderTest for PortAllocator {
    fn all_values(&self) -> Vec<u16> {
        (self.range().first()..=self.range().last()).collect()
    }
    fn spec_static_len(&self) -> usize {
        let n = self.range().size();
        if n <= 16 {
            0
        } else {
            (n / 32).clamp(16, 128) as usize
        }
    }
    fn is_taken(&self, v: u16) -> bool {
        self.is_allocated(v)
    }
    fn capacity(&self) -> u32 {
        PortAllocator::capacity(self)
    }
    fn used(&self) -> u32 {
        PortAllocator::used(self)
    }
}

/// Pre-allocates: each static-band value with probability `static_pct`%, each dynamic-band
/// value with `dynamic_pct`% (100 fills the band, which forces the fallback at once).
fn pre_allocate<A: UnderTest>(
    a: &mut A,
    static_pct: u64,
    dynamic_pct: u64,
    rng: &mut Rng,
) -> BTreeSet<A::Value> {
    let values = a.all_values();
    let static_len = a.spec_static_len();
    let mut taken = BTreeSet::new();
    for (i, v) in values.into_iter().enumerate() {
        let pct = if i < static_len { static_pct } else { dynamic_pct };
        if rng.below(100) < pct {
            a.allocate_specific(v).unwrap();
            taken.insert(v);
        }
    }
    taken
}

/// Allocates until exhausted, releasing now and then, and checks after every step:
/// * invariant 12: a static-band value is returned only if no dynamic-band value was free;
/// * no value is returned twice while held, none outside the range or reserved;
/// * exhaustion happens exactly when the model has no free value.
fn run_until_exhausted<A: UnderTest>(
    mut a: A,
    static_pct: u64,
    dynamic_pct: u64,
    release_pct: u64,
    seed: u64,
) {
    let mut setup = Rng::new(seed ^ 0x5eed);
    let mut held = pre_allocate(&mut a, static_pct, dynamic_pct, &mut setup);
    let values = a.all_values();
    let static_len = a.spec_static_len();
    let static_values: BTreeSet<_> = values.iter().take(static_len).copied().collect();
    let all: BTreeSet<_> = values.iter().copied().collect();
    let mut free_dynamic: BTreeSet<_> = values
        .iter()
        .skip(static_len)
        .filter(|v| !held.contains(v))
        .copied()
        .collect();
    let mut rng = Rng::new(seed);
    let mut releases_left = 64;
    loop {
        let free_anywhere = all.len() > held.len();
        match a.allocate_next_explained(&mut rng) {
            Ok(pick) => {
                let v = pick.value;
                assert!(all.contains(&v), "value outside the range");
                assert!(held.insert(v), "value handed out while held");
                let is_static = static_values.contains(&v);
                assert!(
                    !is_static || free_dynamic.is_empty(),
                    "static value while the dynamic band had room"
                );
                assert_eq!(
                    pick.band == Band::Static,
                    is_static,
                    "pick reports the wrong band"
                );
                free_dynamic.remove(&v);
            }
            Err(AllocError::Exhausted { .. }) => {
                assert!(!free_anywhere, "exhausted with free values left");
                assert_eq!(a.used(), a.capacity());
                assert!(all.iter().all(|v| a.is_taken(*v)));
                return;
            }
            Err(e) => panic!("unexpected {e:?}"),
        }
        if releases_left > 0 && rng.below(100) < release_pct && !held.is_empty() {
            releases_left -= 1;
            let victim = held
                .iter()
                .nth(rng.below(held.len() as u64) as usize)
                .copied()
                .unwrap();
            assert!(a.release(victim));
            held.remove(&victim);
            if !static_values.contains(&victim) {
                free_dynamic.insert(victim);
            }
        }
        assert_eq!(a.used() as usize, held.len());
    }
}

fn cidr_strategy() -> impl Strategy<Value = Ipv4Cidr> {
    (any::<u32>(), 20u8..=32).prop_map(|(addr, prefix)| Ipv4Cidr::new(Ipv4Addr::from(addr), prefix).unwrap())
}

fn port_range_strategy() -> impl Strategy<Value = PortRange> {
    (0u16..=65535, 1u32..=3000).prop_map(|(first, size)| {
        let last = (u32::from(first) + size - 1).min(65535) as u16;
        PortRange::new(first, last).unwrap()
    })
}

fn pct() -> impl Strategy<Value = u64> {
    prop_oneof![Just(0u64), Just(100u64), 0u64..=100]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// SPEC §10 invariant 12 for ClusterIPs, with random pre-allocations and releases.
    #[test]
    fn ip_dynamic_allocation_prefers_the_upper_band(
        cidr in cidr_strategy(), s in pct(), d in pct(), r in 0u64..30, seed in any::<u64>(),
    ) {
        run_until_exhausted(IpAllocator::new(cidr).unwrap(), s, d, r, seed);
    }

    /// SPEC §10 invariant 12 for NodePorts, with random pre-allocations and releases.
    #[test]
    fn port_dynamic_allocation_prefers_the_upper_band(
        range in port_range_strategy(), s in pct(), d in pct(), r in 0u64..30, seed in any::<u64>(),
    ) {
        run_until_exhausted(PortAllocator::new(range), s, d, r, seed);
    }

    /// Without releases: exactly `capacity - preallocated` distinct in-range values, then
    /// Exhausted (and Exhausted again).
    #[test]
    fn ip_allocate_next_yields_each_free_address_once(cidr in cidr_strategy(), d in pct(), seed in any::<u64>()) {
        let mut a = IpAllocator::new(cidr).unwrap();
        let pre = pre_allocate(&mut a, d, d, &mut Rng::new(seed));
        let mut rng = Rng::new(seed);
        let mut got = BTreeSet::new();
        while let Ok(ip) = a.allocate_next(&mut rng) {
            prop_assert!(cidr.contains(ip) && ip != cidr.network() && ip != cidr.last());
            prop_assert!(!pre.contains(&ip));
            prop_assert!(got.insert(ip));
        }
        prop_assert_eq!(got.len() + pre.len(), a.capacity() as usize);
        let exhausted = matches!(a.allocate_next(&mut rng), Err(AllocError::Exhausted { .. }));
        prop_assert!(exhausted);
    }

    #[test]
    fn port_allocate_next_yields_each_free_port_once(range in port_range_strategy(), d in pct(), seed in any::<u64>()) {
        let mut a = PortAllocator::new(range);
        let pre = pre_allocate(&mut a, d, d, &mut Rng::new(seed));
        let mut rng = Rng::new(seed);
        let mut got = BTreeSet::new();
        while let Ok(p) = a.allocate_next(&mut rng) {
            prop_assert!(range.contains(p));
            prop_assert!(!pre.contains(&p));
            prop_assert!(got.insert(p));
        }
        prop_assert_eq!(got.len() + pre.len(), range.size() as usize);
        let exhausted = matches!(a.allocate_next(&mut rng), Err(AllocError::Exhausted { .. }));
        prop_assert!(exhausted);
    }

    /// Rolling a transaction back restores the allocator exactly (bitmap and per-band counts);
    /// committing it leaves the same state as making the changes directly.
    #[test]
    fn rollback_restores_and_commit_keeps(
        cidr in (any::<u32>(), 22u8..=28).prop_map(|(a, p)| Ipv4Cidr::new(Ipv4Addr::from(a), p).unwrap()),
        d in pct(),
        ops in proptest::collection::vec((0u8..3, any::<u32>()), 0..60),
        seed in any::<u64>(),
    ) {
        let mut a = IpAllocator::new(cidr).unwrap();
        pre_allocate(&mut a, d, d, &mut Rng::new(seed));
        let before = a.clone();
        let before_counts = (a.used_in(Band::Static), a.used_in(Band::Dynamic), a.free());

        let mut direct = a.clone();
        let mut direct_rng = Rng::new(seed);
        for (op, x) in &ops {
            let ip = Ipv4Addr::from(u32::from(cidr.network()).wrapping_add(*x % cidr.size() as u32));
            let _ = match op {
                0 => direct.allocate_next(&mut direct_rng).map(|_| ()),
                1 => direct.allocate_specific(ip),
                _ => { direct.release(ip); Ok(()) }
            };
        }

        for commit in [false, true] {
            let mut rng = Rng::new(seed);
            let mut tx = a.begin();
            for (op, x) in &ops {
                let ip = Ipv4Addr::from(u32::from(cidr.network()).wrapping_add(*x % cidr.size() as u32));
                let _ = match op {
                    0 => tx.allocate_next(&mut rng).map(|_| ()),
                    1 => tx.allocate_specific(ip),
                    _ => { tx.release(ip); Ok(()) }
                };
            }
            if commit {
                tx.commit();
                prop_assert_eq!(&a, &direct);
            } else {
                tx.rollback();
                prop_assert_eq!(&a, &before);
                prop_assert_eq!((a.used_in(Band::Static), a.used_in(Band::Dynamic), a.free()), before_counts);
            }
        }
    }
}
