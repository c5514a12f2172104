//! The two bands of an allocation range, and the explanation of a dynamic pick.

use crate::json::{FromJson, ToJson};
/// Which part of a range a value belongs to (KEP-3070 for Service IPs, KEP-3668 for NodePorts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ToJson, FromJson)]
pub enum Band {
    /// The lower band: left for values people choose; dynamic allocation takes from it only
    /// once the dynamic band is full.
    Static,
    /// The upper band: where dynamic allocation looks first.
    Dynamic,
}

/// Why `allocate_next` returned what it did: the band it came from and how the random scan went.
/// `V` is `Ipv4Addr` for IPs and `u16` for ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
pub struct DynamicPick<V> {
    /// The value now allocated.
    pub value: V,
    /// The band it came from; `Static` only when the dynamic band had no free value.
    pub band: Band,
    /// The random value the forward scan started from (it may have been taken).
    pub scan_start: V,
    /// How many taken values the scan passed over (wrapping inside the band) before `value`.
    pub skipped: u32,
}
