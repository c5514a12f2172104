//! NodePort allocation from `--service-node-port-range` (SPEC §2.4).
//!
//! Upstream: `pkg/registry/core/service/portallocator/allocator.go` (`calculateRangeOffset`).
//! Slot `i` is the port `first + i`. With the default 30000–32767 (2768 ports) the static band is
//! 2768 / 32 = 86 ports, 30000–30085 (SPEC §11 #7; the KEP text prints 30086).

use super::alloc_error::{AllocError, AllocRange, AllocValue};
use super::band::{Band, DynamicPick};
use super::bitmap::BandedBitmap;
use super::port_range::PortRange;
use super::transaction::{Allocator, Transaction};
use crate::rng::Rng;

/// Size of the static (lower) band for a range of `size` ports:
/// `0 if size <= 16 else clamp(size / 32, 16, 128)`.
pub fn port_static_band_len(size: u32) -> u32 {
    if size <= 16 {
        return 0;
    }
    (size / 32).clamp(16, 128)
}

/// The NodePort allocator: one bit per port, static and dynamic bands, random scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortAllocator {
    range: PortRange,
    bits: BandedBitmap,
}

impl PortAllocator {
    /// An allocator over `range` with nothing allocated.
    pub fn new(range: PortRange) -> Self {
        PortAllocator {
            range,
            bits: BandedBitmap::new(range.size(), port_static_band_len(range.size())),
        }
    }

    pub fn range(&self) -> PortRange {
        self.range
    }

    /// Ports that can ever be allocated (the whole range).
    pub fn capacity(&self) -> u32 {
        self.bits.len()
    }

    pub fn used(&self) -> u32 {
        self.bits.used()
    }

    pub fn free(&self) -> u32 {
        self.capacity() - self.used()
    }

    pub fn used_in(&self, band: Band) -> u32 {
        self.bits.used_in(band)
    }

    pub fn free_in(&self, band: Band) -> u32 {
        self.bits.free_in(band)
    }

    /// Number of ports in the static band (upstream's "offset").
    pub fn static_band_len(&self) -> u32 {
        self.bits.static_len()
    }

    /// First and last port of a band; `None` when the band is empty.
    pub fn band_bounds(&self, band: Band) -> Option<(u16, u16)> {
        let (lo, hi) = match band {
            Band::Static => (0, self.bits.static_len()),
            Band::Dynamic => (self.bits.static_len(), self.bits.len()),
        };
        if lo >= hi {
            return None;
        }
        Some((self.range.nth(lo)?, self.range.nth(hi - 1)?))
    }

    /// The band `port` belongs to, or why it belongs to none.
    pub fn band_of(&self, port: u16) -> Result<Band, AllocError> {
        self.slot_of(port).map(|slot| self.bits.band_of(slot))
    }

    pub fn is_allocated(&self, port: u16) -> bool {
        self.slot_of(port).is_ok_and(|slot| self.bits.get(slot))
    }

    /// Takes `port` (a `nodePort` a person wrote).
    pub fn allocate_specific(&mut self, port: u16) -> Result<(), AllocError> {
        let slot = self.slot_of(port)?;
        if !self.bits.set(slot) {
            return Err(AllocError::AlreadyAllocated {
                value: AllocValue::Port(port),
            });
        }
        Ok(())
    }

    /// Takes a free port: dynamic band first, static band only when that is full.
    pub fn allocate_next(&mut self, rng: &mut Rng) -> Result<u16, AllocError> {
        self.allocate_next_explained(rng).map(|pick| pick.value)
    }

    /// [`PortAllocator::allocate_next`], also saying which band and how the scan went.
    pub fn allocate_next_explained(&mut self, rng: &mut Rng) -> Result<DynamicPick<u16>, AllocError> {
        let exhausted = AllocError::Exhausted {
            range: AllocRange::Ports(self.range),
        };
        let pick = self.bits.take_random(rng).ok_or(exhausted.clone())?;
        let (Some(value), Some(scan_start)) = (self.range.nth(pick.slot), self.range.nth(pick.start)) else {
            // Unreachable: the bitmap has exactly `range.size()` slots.
            self.bits.clear(pick.slot);
            return Err(exhausted);
        };
        Ok(DynamicPick {
            value,
            band: pick.band,
            scan_start,
            skipped: pick.skipped,
        })
    }

    /// Frees `port`; `false` if it was not allocated or is outside the range.
    pub fn release(&mut self, port: u16) -> bool {
        self.slot_of(port).is_ok_and(|slot| self.bits.clear(slot))
    }

    /// Allocated ports, lowest first.
    pub fn allocated(&self) -> impl Iterator<Item = u16> + '_ {
        self.bits.iter_set().filter_map(|slot| self.range.nth(slot))
    }

    /// Starts a transaction (see [`super::transaction`]).
    pub fn begin(&mut self) -> Transaction<'_, Self> {
        Transaction::new(self)
    }

    fn slot_of(&self, port: u16) -> Result<u32, AllocError> {
        if !self.range.contains(port) {
            return Err(AllocError::OutOfRange {
                value: AllocValue::Port(port),
                range: AllocRange::Ports(self.range),
            });
        }
        Ok(u32::from(port - self.range.first()))
    }
}

impl Default for PortAllocator {
    /// An allocator over the default range 30000–32767.
    fn default() -> Self {
        PortAllocator::new(PortRange::DEFAULT_NODE_PORTS)
    }
}

impl Allocator for PortAllocator {
    type Value = u16;

    fn allocate_specific(&mut self, value: u16) -> Result<(), AllocError> {
        PortAllocator::allocate_specific(self, value)
    }

    fn allocate_next_explained(&mut self, rng: &mut Rng) -> Result<DynamicPick<u16>, AllocError> {
        PortAllocator::allocate_next_explained(self, rng)
    }

    fn release(&mut self, value: u16) -> bool {
        PortAllocator::release(self, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::collections::BTreeSet;
    use alloc::vec::Vec;

    fn ports(s: &str) -> PortAllocator {
        PortAllocator::new(PortRange::parse(s).unwrap())
    }

    #[test]
    fn band_table() {
        // portallocator/allocator_test.go Test_calculateRangeOffset (base 30000), plus the
        // default range of SPEC §2.4 / §11 #7. (range, static band len, static band bounds)
        type Case = (&'static str, u32, Option<(u16, u16)>);
        let cases: &[Case] = &[
            ("30000-32767", 86, Some((30000, 30085))),
            ("30000-30009", 0, None),
            ("30000-30015", 0, None),
            ("30000-30127", 16, Some((30000, 30015))),
            ("30000-32047", 64, Some((30000, 30063))),
            ("30000-34095", 128, Some((30000, 30127))),
            ("30000-38191", 128, Some((30000, 30127))),
            ("30000-30016", 16, Some((30000, 30015))),
            ("80", 0, None),
        ];
        for (range, static_len, bounds) in cases {
            let a = ports(range);
            assert_eq!(a.static_band_len(), *static_len, "{range}");
            assert_eq!(a.band_bounds(Band::Static), *bounds, "{range}");
            assert_eq!(port_static_band_len(a.range().size()), *static_len, "{range}");
        }
        assert_eq!(
            PortAllocator::default().band_bounds(Band::Dynamic),
            Some((30086, 32767))
        );
    }

    #[test]
    fn band_of_default_range() {
        let a = PortAllocator::default();
        let cases: &[(u16, Option<Band>)] = &[
            (30000, Some(Band::Static)),
            (30085, Some(Band::Static)),
            (30086, Some(Band::Dynamic)),
            (32767, Some(Band::Dynamic)),
            (29999, None),
            (32768, None),
        ];
        for (port, want) in cases {
            assert_eq!(a.band_of(*port).ok(), *want, "{port}");
        }
    }

    #[test]
    fn allocate_specific_table() {
        // (request, expected message or None for success), in order on one default allocator.
        let cases: &[(u16, Option<&str>)] = &[
            (30080, None),
            (30080, Some("provided port is already allocated")),
            (
                80,
                Some("provided port is not in the valid range. The range of valid ports is 30000-32767"),
            ),
            (
                32768,
                Some("provided port is not in the valid range. The range of valid ports is 30000-32767"),
            ),
            (32767, None),
            (30000, None),
        ];
        let mut a = PortAllocator::default();
        for (port, want) in cases {
            let got = a
                .allocate_specific(*port)
                .err()
                .map(|e| alloc::string::ToString::to_string(&e));
            assert_eq!(got.as_deref(), *want, "{port}");
        }
        assert_eq!(a.used(), 3);
    }

    #[test]
    fn lower_band_is_used_only_once_the_upper_band_is_full() {
        let mut a = ports("30000-30199"); // 200 ports, static band 16
        let mut rng = Rng::new(11);
        let mut seen = BTreeSet::new();
        for _ in 0..184 {
            let pick = a.allocate_next_explained(&mut rng).unwrap();
            assert_eq!(pick.band, Band::Dynamic);
            assert!(pick.value >= 30016, "{}", pick.value);
            assert!(seen.insert(pick.value));
        }
        for _ in 0..16 {
            let pick = a.allocate_next_explained(&mut rng).unwrap();
            assert_eq!(pick.band, Band::Static);
            assert!(seen.insert(pick.value));
        }
        let full = a.allocate_next(&mut rng).unwrap_err();
        assert_eq!(
            full,
            AllocError::Exhausted {
                range: AllocRange::Ports(a.range())
            }
        );
        assert_eq!(alloc::string::ToString::to_string(&full), "range is full");
        assert!(a.release(30005));
        assert_eq!(a.allocate_next(&mut rng), Ok(30005));
    }

    #[test]
    fn whole_port_space_and_single_port_ranges() {
        // (range, capacity, static len)
        let cases: &[(&str, u32, u32)] = &[("0-65535", 65536, 128), ("65535", 1, 0), ("1-16", 16, 0)];
        for (range, cap, static_len) in cases {
            let mut a = ports(range);
            assert_eq!(
                (a.capacity(), a.static_band_len()),
                (*cap, *static_len),
                "{range}"
            );
            let mut rng = Rng::new(5);
            let mut n = 0;
            while let Ok(p) = a.allocate_next(&mut rng) {
                assert!(a.range().contains(p));
                n += 1;
            }
            assert_eq!(n, *cap, "{range}");
            assert_eq!(a.allocated().count() as u32, *cap);
        }
    }

    #[test]
    fn same_seed_same_sequence() {
        let run = |seed| {
            let mut a = PortAllocator::default();
            let mut rng = Rng::new(seed);
            (0..50)
                .map(|_| a.allocate_next(&mut rng).unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(42), run(42));
        assert_ne!(run(42), run(43));
    }
}
