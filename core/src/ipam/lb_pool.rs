//! LoadBalancer ingress IPs (SPEC §2.5), default pool 203.0.113.0/24 (SPEC §11).
//!
//! Kubernetes itself does not allocate these: a cloud controller or MetalLB does. kroute plays
//! that part with the simplest rule a reader can predict: the **lowest free address** of the
//! pool, no bands, no randomness. For prefixes up to /30 the network and broadcast addresses
//! are skipped (so 203.0.113.0/24 hands out .1 to .254); a /31 or /32 pool hands out every
//! address it has (RFC 3021; a /32 pool is the usual "this one address" pool).

use core::net::Ipv4Addr;

use super::alloc_error::{AllocError, AllocRange, AllocValue, ReservedAddress};
use super::band::{Band, DynamicPick};
use super::bitmap::BandedBitmap;
use super::cidr::{CidrError, Ipv4Cidr};
use super::ip_allocator::MIN_ALLOCATOR_PREFIX;
use super::transaction::{Allocator, Transaction};
use crate::rng::Rng;

/// A pool of LoadBalancer IPs handed out lowest-first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LbPool {
    cidr: Ipv4Cidr,
    /// Offset from the network address of slot 0: 1 when network/broadcast are skipped.
    first_offset: u32,
    bits: BandedBitmap,
}

impl LbPool {
    /// A pool over `cidr` with nothing allocated. Refuses prefixes shorter than /12.
    pub fn new(cidr: Ipv4Cidr) -> Result<Self, CidrError> {
        if cidr.prefix() < MIN_ALLOCATOR_PREFIX {
            return Err(CidrError::TooLarge {
                cidr,
                min_prefix: MIN_ALLOCATOR_PREFIX,
            });
        }
        Ok(LbPool::build(cidr))
    }

    /// The pool itself; callers have checked the prefix (a shorter one would only make the
    /// bitmap large, never panic: the size is capped to `u32`).
    fn build(cidr: Ipv4Cidr) -> Self {
        let size = u32::try_from(cidr.size()).unwrap_or(u32::MAX);
        let (first_offset, len) = if cidr.prefix() >= 31 {
            (0, size)
        } else {
            (1, size - 2)
        };
        LbPool {
            cidr,
            first_offset,
            bits: BandedBitmap::new(len, 0),
        }
    }

    pub fn cidr(&self) -> Ipv4Cidr {
        self.cidr
    }

    /// Addresses the pool can hand out.
    pub fn capacity(&self) -> u32 {
        self.bits.len()
    }

    pub fn used(&self) -> u32 {
        self.bits.used()
    }

    pub fn free(&self) -> u32 {
        self.capacity() - self.used()
    }

    pub fn is_allocated(&self, ip: Ipv4Addr) -> bool {
        self.slot_of(ip).is_ok_and(|slot| self.bits.get(slot))
    }

    /// Takes `ip` (an address a person asked for, e.g. the deprecated `spec.loadBalancerIP`).
    pub fn allocate_specific(&mut self, ip: Ipv4Addr) -> Result<(), AllocError> {
        let slot = self.slot_of(ip)?;
        if !self.bits.set(slot) {
            return Err(AllocError::AlreadyAllocated {
                value: AllocValue::Ip(ip),
            });
        }
        Ok(())
    }

    /// Takes the lowest free address.
    pub fn allocate_next(&mut self) -> Result<Ipv4Addr, AllocError> {
        self.allocate_next_explained().map(|pick| pick.value)
    }

    /// [`LbPool::allocate_next`] with the same explanation shape as the banded allocators: the
    /// whole pool is one dynamic band, the scan starts at the first address, and every address
    /// it skipped was taken.
    pub fn allocate_next_explained(&mut self) -> Result<DynamicPick<Ipv4Addr>, AllocError> {
        let slot = self.bits.take_lowest().ok_or(AllocError::Exhausted {
            range: AllocRange::Cidr(self.cidr),
        })?;
        Ok(DynamicPick {
            value: self.ip_of(slot),
            band: Band::Dynamic,
            scan_start: self.ip_of(0),
            skipped: slot,
        })
    }

    /// Frees `ip`; `false` if it was not allocated or is not in the pool.
    pub fn release(&mut self, ip: Ipv4Addr) -> bool {
        self.slot_of(ip).is_ok_and(|slot| self.bits.clear(slot))
    }

    /// Allocated addresses, lowest first.
    pub fn allocated(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        self.bits.iter_set().map(|slot| self.ip_of(slot))
    }

    /// Starts a transaction (see [`super::transaction`]). Its `allocate_next` takes an `Rng`
    /// for uniformity with the other allocators and ignores it.
    pub fn begin(&mut self) -> Transaction<'_, Self> {
        Transaction::new(self)
    }

    fn slot_of(&self, ip: Ipv4Addr) -> Result<u32, AllocError> {
        let value = AllocValue::Ip(ip);
        let range = AllocRange::Cidr(self.cidr);
        let index = self
            .cidr
            .index_of(ip)
            .ok_or(AllocError::OutOfRange { value, range })?;
        if self.first_offset == 1 {
            if index == 0 {
                return Err(AllocError::Reserved {
                    value,
                    range,
                    address: ReservedAddress::Network,
                });
            }
            if index == self.cidr.size() - 1 {
                return Err(AllocError::Reserved {
                    value,
                    range,
                    address: ReservedAddress::Broadcast,
                });
            }
        }
        Ok(index as u32 - self.first_offset)
    }

    fn ip_of(&self, slot: u32) -> Ipv4Addr {
        Ipv4Addr::from(
            u32::from(self.cidr.network())
                .wrapping_add(self.first_offset)
                .wrapping_add(slot),
        )
    }
}

impl Default for LbPool {
    /// The default pool 203.0.113.0/24 (SPEC §11; TEST-NET-3, RFC 5737).
    fn default() -> Self {
        LbPool::build(Ipv4Cidr::DEFAULT_LB_POOL)
    }
}

impl Allocator for LbPool {
    type Value = Ipv4Addr;

    fn allocate_specific(&mut self, value: Ipv4Addr) -> Result<(), AllocError> {
        LbPool::allocate_specific(self, value)
    }

    fn allocate_next_explained(&mut self, _rng: &mut Rng) -> Result<DynamicPick<Ipv4Addr>, AllocError> {
        LbPool::allocate_next_explained(self)
    }

    fn release(&mut self, value: Ipv4Addr) -> bool {
        LbPool::release(self, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec::Vec;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    fn pool(cidr: &str) -> LbPool {
        LbPool::new(Ipv4Cidr::parse(cidr).unwrap()).unwrap()
    }

    #[test]
    fn hands_out_lowest_free_first() {
        // (pool, pre-allocated, the next three picks, or fewer when the pool runs out)
        let cases: &[(&str, &[&str], &[&str])] = &[
            (
                "203.0.113.0/24",
                &[],
                &["203.0.113.1", "203.0.113.2", "203.0.113.3"],
            ),
            (
                "203.0.113.0/24",
                &["203.0.113.1", "203.0.113.3"],
                &["203.0.113.2", "203.0.113.4", "203.0.113.5"],
            ),
            ("198.51.100.8/30", &[], &["198.51.100.9", "198.51.100.10"]),
            ("198.51.100.8/31", &[], &["198.51.100.8", "198.51.100.9"]),
            ("198.51.100.7/32", &[], &["198.51.100.7"]),
        ];
        for (cidr, pre, want) in cases {
            let mut p = pool(cidr);
            for x in *pre {
                p.allocate_specific(ip(x)).unwrap();
            }
            let got: Vec<_> = (0..3).map_while(|_| p.allocate_next().ok()).collect();
            assert_eq!(got, want.iter().map(|x| ip(x)).collect::<Vec<_>>(), "{cidr}");
        }
    }

    #[test]
    fn default_pool_and_edges() {
        let mut p = LbPool::default();
        assert_eq!(p.cidr().to_string(), "203.0.113.0/24");
        assert_eq!(p.capacity(), 254);
        let cases: &[(&str, &str)] = &[
            ("203.0.113.0", "the provided IP (203.0.113.0) is the network address of 203.0.113.0/24, which is never allocated"),
            ("203.0.113.255", "the provided IP (203.0.113.255) is the broadcast address of 203.0.113.0/24, which is never allocated"),
            ("203.0.114.1", "the provided IP (203.0.114.1) is not in the valid range. The range of valid IPs is 203.0.113.0/24"),
        ];
        for (addr, want) in cases {
            let err = p.allocate_specific(ip(addr)).unwrap_err();
            assert_eq!(err.to_string(), *want);
        }
        for _ in 0..254 {
            p.allocate_next().unwrap();
        }
        assert!(matches!(p.allocate_next(), Err(AllocError::Exhausted { .. })));
        assert!(p.release(ip("203.0.113.77")));
        let pick = p.allocate_next_explained().unwrap();
        assert_eq!((pick.value, pick.skipped), (ip("203.0.113.77"), 76));
    }
}
