//! The cluster's address and port allocators: ClusterIPs, NodePorts, LoadBalancer IPs, and the
//! CIDR arithmetic that splits the pod range into one block per node.
//!
//! # Bands
//!
//! Since ServiceIPStaticSubrange (KEP-3070, GA v1.26) and ServiceNodePortStaticSubrange
//! (KEP-3668, GA v1.29) the API server splits each range in two. The **static band** (lower)
//! is the first `offset` values; the **dynamic band** (upper) is the rest. Values a person writes
//! (`clusterIP: 10.96.0.10`, `nodePort: 30080`) may come from either band, but dynamic
//! allocation takes from the upper band first and touches the lower one only when the upper one
//! is full, so hand-picked values in the lower band rarely collide with generated ones.
//!
//! | range | offset (static band size) |
//! |---|---|
//! | service CIDR of `n` addresses | `0 if n <= 16 else clamp(n / 16, 16, 256)` |
//! | node ports, `n` ports | `0 if n <= 16 else clamp(n / 32, 16, 128)` |
//!
//! A dynamic pick (upstream `randomScanStrategyWithOffset` in
//! `pkg/registry/core/service/allocator/bitmap.go`) draws a random start in the upper band, scans
//! forward for a free value, wrapping inside the band; if the band is full it does the same in
//! the lower band; if both are full the range is exhausted. The offsets come from
//! `calculateRangeOffset` in `pkg/registry/core/service/ipallocator/bitmap.go` and
//! `pkg/registry/core/service/portallocator/allocator.go`.
//!
//! For IPs, bit `i` is the address `network + 1 + i`: the network and broadcast addresses have
//! no bit, so they are never handed out (a /28 yields 14 addresses; a /31 or /32 none).
//!
//! # Representation
//!
//! One bit per value in `u64` words, plus a used count per band, so "is the upper band full?"
//! is O(1) and a scan moves 64 values per step (a kubeadm /12 is ~1M addresses, 16 384 words).
//! Randomness comes from the caller's [`Rng`](crate::rng::Rng): same seed, same picks.
//!
//! # Atomicity
//!
//! Several allocations that must succeed together go through a [`Transaction`]: dropped
//! without [`Transaction::commit`], it undoes them (see [`transaction`]).
//!
//! # Not here
//!
//! IPv6. The types leave room for it: [`AllocValue`] and [`AllocRange`] are enums, and the
//! bitmap engine counts slots, not addresses (upstream caps an IPv6 range at 65 536 slots and
//! reserves only the network address).

mod alloc_error;
mod band;
mod bitmap;
mod cidr;
mod ip_allocator;
mod lb_pool;
mod port_allocator;
mod port_range;
pub mod transaction;

#[cfg(test)]
mod invariants;

pub use alloc_error::{AllocError, AllocRange, AllocValue, ReservedAddress};
pub use band::{Band, DynamicPick};
pub use cidr::{CidrError, CidrSyntax, Ipv4Cidr, Subnets};
pub use ip_allocator::{ip_static_band_len, IpAllocator, MIN_ALLOCATOR_PREFIX};
pub use lb_pool::LbPool;
pub use port_allocator::{port_static_band_len, PortAllocator};
pub use port_range::{PortRange, PortRangeError};
pub use transaction::{Allocator, Change, Transaction};
