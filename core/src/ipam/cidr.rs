//! IPv4 CIDR blocks: parsing, membership, indexing and splitting into subnets.
//!
//! Host bits: `10.96.0.1/12` is accepted by [`Ipv4Cidr::parse`] and means the block
//! `10.96.0.0/12`, as kube-apiserver does with `--service-cluster-ip-range` (Go's `net.ParseCIDR`
//! returns the masked network). [`Ipv4Cidr::parse_canonical`] rejects it instead, for places that
//! want the canonical spelling (object fields a person wrote, where a stray host bit is a typo).

use crate::json::ToJson;
use alloc::format;
use alloc::string::{String, ToString};
use core::fmt;
use core::net::Ipv4Addr;
use core::str::FromStr;

/// A block of IPv4 addresses: a network address (host bits always zero) and a prefix length
/// `0..=32`. Built only through [`Ipv4Cidr::new`] / [`Ipv4Cidr::parse`], so both facts hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ipv4Cidr {
    addr: Ipv4Addr,
    prefix: u8,
}

/// What is wrong with a CIDR or a request made of one.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
pub enum CidrError {
    /// The text is not `a.b.c.d/n`.
    Malformed { input: String, reason: CidrSyntax },
    /// `parse_canonical` only: bits after the prefix are set (`10.96.0.1/12`).
    HostBitsSet { input: String, network: Ipv4Cidr },
    /// The block is larger than an allocator accepts (kube-apiserver refuses service ranges
    /// shorter than /12: the allocator keeps one bit per address).
    TooLarge { cidr: Ipv4Cidr, min_prefix: u8 },
    /// `subnets(n)` with `n` shorter than the block's own prefix or longer than 32.
    InvalidSubnetPrefix { cidr: Ipv4Cidr, new_prefix: u8 },
}

/// Why a CIDR text did not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
pub enum CidrSyntax {
    /// No `/n` part.
    MissingPrefix,
    /// The part before `/` is not a dotted-quad IPv4 address (leading zeros are refused, as Go does).
    InvalidAddress,
    /// The part after `/` is not a plain decimal number.
    InvalidPrefix,
    /// The prefix length is above 32.
    PrefixTooLong,
}

impl fmt::Display for CidrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CidrError::Malformed { input, reason } => {
                let why = match reason {
                    CidrSyntax::MissingPrefix => "the prefix length is missing, e.g. 10.96.0.0/12",
                    CidrSyntax::InvalidAddress => "the address is not a valid IPv4 address",
                    CidrSyntax::InvalidPrefix => "the prefix length is not a decimal number",
                    CidrSyntax::PrefixTooLong => "the prefix length must be between 0 and 32",
                };
                write!(f, "invalid CIDR address: {input} ({why})")
            }
            CidrError::HostBitsSet { input, network } => {
                write!(
                    f,
                    "invalid CIDR address: {input} (host bits are set; the network is {network})"
                )
            }
            CidrError::TooLarge { cidr, min_prefix } => write!(
                f,
                "specified range {cidr} is too large; for 32-bit addresses, the mask must be >= {min_prefix}"
            ),
            CidrError::InvalidSubnetPrefix { cidr, new_prefix } => write!(
                f,
                "cannot split {cidr} into /{new_prefix} subnets: the subnet prefix must be between {} and 32",
                cidr.prefix
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for CidrError {}

fn mask(prefix: u8) -> u32 {
    // `checked_shl` keeps /0 (a shift by 32) from overflowing.
    u32::MAX.checked_shl(32 - u32::from(prefix.min(32))).unwrap_or(0)
}

impl Ipv4Cidr {
    /// kubeadm's default service CIDR (`--service-cluster-ip-range`), SPEC §2.3 and §11.
    pub const DEFAULT_SERVICE_CIDR: Ipv4Cidr = Ipv4Cidr {
        addr: Ipv4Addr::new(10, 96, 0, 0),
        prefix: 12,
    };
    /// kroute's default pod CIDR, split into one /24 per node (SPEC §11).
    pub const DEFAULT_POD_CIDR: Ipv4Cidr = Ipv4Cidr {
        addr: Ipv4Addr::new(10, 244, 0, 0),
        prefix: 16,
    };
    /// The per-node slice of [`Ipv4Cidr::DEFAULT_POD_CIDR`].
    pub const DEFAULT_NODE_POD_PREFIX: u8 = 24;
    /// kroute's default node address range (kind's docker network; the seed's `172.18.0.2`).
    pub const DEFAULT_NODE_CIDR: Ipv4Cidr = Ipv4Cidr {
        addr: Ipv4Addr::new(172, 18, 0, 0),
        prefix: 16,
    };
    /// kroute's default LoadBalancer pool (TEST-NET-3), SPEC §11.
    pub const DEFAULT_LB_POOL: Ipv4Cidr = Ipv4Cidr {
        addr: Ipv4Addr::new(203, 0, 113, 0),
        prefix: 24,
    };

    /// The block containing `addr` with the given prefix; host bits of `addr` are cleared.
    pub fn new(addr: Ipv4Addr, prefix: u8) -> Result<Self, CidrError> {
        if prefix > 32 {
            return Err(CidrError::Malformed {
                input: format!("{addr}/{prefix}"),
                reason: CidrSyntax::PrefixTooLong,
            });
        }
        Ok(Ipv4Cidr {
            addr: Ipv4Addr::from(u32::from(addr) & mask(prefix)),
            prefix,
        })
    }

    /// Parses `a.b.c.d/n`; host bits are cleared (see the module doc).
    pub fn parse(input: &str) -> Result<Self, CidrError> {
        let malformed = |reason| CidrError::Malformed {
            input: input.to_string(),
            reason,
        };
        let (addr, prefix) = input
            .split_once('/')
            .ok_or_else(|| malformed(CidrSyntax::MissingPrefix))?;
        let addr = Ipv4Addr::from_str(addr).map_err(|_| malformed(CidrSyntax::InvalidAddress))?;
        let prefix_ok = !prefix.is_empty()
            && prefix.len() <= 3
            && prefix.bytes().all(|b| b.is_ascii_digit())
            && (prefix == "0" || !prefix.starts_with('0'));
        if !prefix_ok {
            return Err(malformed(CidrSyntax::InvalidPrefix));
        }
        let prefix: u8 = prefix.parse().map_err(|_| malformed(CidrSyntax::InvalidPrefix))?;
        if prefix > 32 {
            return Err(malformed(CidrSyntax::PrefixTooLong));
        }
        Ipv4Cidr::new(addr, prefix)
    }

    /// Like [`Ipv4Cidr::parse`] but refuses host bits: `10.96.0.1/12` is an error.
    pub fn parse_canonical(input: &str) -> Result<Self, CidrError> {
        let cidr = Ipv4Cidr::parse(input)?;
        let (addr, _) = input.split_once('/').unwrap_or((input, ""));
        if Ipv4Addr::from_str(addr).ok() != Some(cidr.addr) {
            return Err(CidrError::HostBitsSet {
                input: input.to_string(),
                network: cidr,
            });
        }
        Ok(cidr)
    }

    /// The network (first) address.
    pub fn network(&self) -> Ipv4Addr {
        self.addr
    }

    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// The last address of the block (the broadcast address for prefixes up to /30).
    pub fn last(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.addr) | !mask(self.prefix))
    }

    /// Number of addresses in the block, network and broadcast included (`2^(32 - prefix)`).
    pub fn size(&self) -> u64 {
        1u64 << (32 - u32::from(self.prefix))
    }

    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & mask(self.prefix) == u32::from(self.addr)
    }

    /// The `i`-th address counting from the network address (`nth(0)` is the network address,
    /// `nth(1)` the first usable one, `nth(10)` the conventional cluster DNS address).
    pub fn nth(&self, i: u64) -> Option<Ipv4Addr> {
        if i >= self.size() {
            return None;
        }
        let i = u32::try_from(i).ok()?;
        Some(Ipv4Addr::from(u32::from(self.addr).wrapping_add(i)))
    }

    /// The inverse of [`Ipv4Cidr::nth`]: how far `ip` is from the network address.
    pub fn index_of(&self, ip: Ipv4Addr) -> Option<u64> {
        self.contains(ip)
            .then(|| u64::from(u32::from(ip) - u32::from(self.addr)))
    }

    /// The consecutive `/new_prefix` blocks that tile this one, lowest first:
    /// `10.244.0.0/16` split at 24 yields `10.244.0.0/24`, `10.244.1.0/24`, …
    pub fn subnets(&self, new_prefix: u8) -> Result<Subnets, CidrError> {
        if new_prefix < self.prefix || new_prefix > 32 {
            return Err(CidrError::InvalidSubnetPrefix {
                cidr: *self,
                new_prefix,
            });
        }
        let total = 1u64 << (new_prefix - self.prefix);
        Ok(Subnets {
            parent: *self,
            new_prefix,
            next: 0,
            total,
        })
    }

    /// Subnet `i` of the `/new_prefix` split: node `i` gets `10.244.i.0/24` from
    /// `10.244.0.0/16` at 24. `None` if the prefix is invalid or `i` is past the last subnet.
    pub fn nth_subnet(&self, new_prefix: u8, i: u64) -> Option<Ipv4Cidr> {
        self.subnets(new_prefix).ok()?.get(i)
    }
}

impl fmt::Display for Ipv4Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl FromStr for Ipv4Cidr {
    type Err = CidrError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ipv4Cidr::parse(s)
    }
}

impl crate::json::ToJson for Ipv4Cidr {
    fn to_json(&self) -> crate::json::Value {
        crate::json::Value::String(alloc::string::ToString::to_string(self))
    }
}

impl crate::json::FromJson for Ipv4Cidr {
    fn from_json(value: &crate::json::Value) -> Result<Self, crate::json::DecodeError> {
        crate::json::from_str_value(value, "an IPv4 CIDR such as 10.96.0.0/12")
    }
}

/// The subnets of a split, in address order. See [`Ipv4Cidr::subnets`].
#[derive(Clone, Debug)]
pub struct Subnets {
    parent: Ipv4Cidr,
    new_prefix: u8,
    next: u64,
    total: u64,
}

impl Subnets {
    /// How many subnets the split has in all (`2^(new_prefix - prefix)`, up to 2^32).
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Subnet `i` of the split, independent of how far the iterator has advanced.
    pub fn get(&self, i: u64) -> Option<Ipv4Cidr> {
        if i >= self.total {
            return None;
        }
        let step = 1u64 << (32 - u32::from(self.new_prefix));
        let start = u64::from(u32::from(self.parent.addr)) + i * step;
        let start = u32::try_from(start).ok()?;
        Some(Ipv4Cidr {
            addr: Ipv4Addr::from(start),
            prefix: self.new_prefix,
        })
    }
}

impl Iterator for Subnets {
    type Item = Ipv4Cidr;

    fn next(&mut self) -> Option<Ipv4Cidr> {
        let item = self.get(self.next)?;
        self.next += 1;
        Some(item)
    }

    fn nth(&mut self, n: usize) -> Option<Ipv4Cidr> {
        self.next = self.next.saturating_add(n as u64);
        self.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.total - self.next.min(self.total);
        match usize::try_from(left) {
            Ok(n) => (n, Some(n)),
            Err(_) => (usize::MAX, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }

    #[test]
    fn parse_table() {
        use CidrSyntax::*;
        // (input, Ok(canonical display) | Err(reason))
        let cases: &[(&str, Result<&str, CidrSyntax>)] = &[
            ("10.96.0.0/12", Ok("10.96.0.0/12")),
            ("10.244.0.0/16", Ok("10.244.0.0/16")),
            ("203.0.113.0/24", Ok("203.0.113.0/24")),
            ("0.0.0.0/0", Ok("0.0.0.0/0")),
            ("192.168.1.1/32", Ok("192.168.1.1/32")),
            // host bits are cleared, like kube-apiserver's flag parsing (net.ParseCIDR)
            ("10.96.0.1/12", Ok("10.96.0.0/12")),
            ("192.168.1.1/27", Ok("192.168.1.0/27")),
            ("10.0.0.0", Err(MissingPrefix)),
            ("10.0.0/8", Err(InvalidAddress)),
            ("010.0.0.0/8", Err(InvalidAddress)),
            ("10.0.0.256/8", Err(InvalidAddress)),
            ("/8", Err(InvalidAddress)),
            ("::1/128", Err(InvalidAddress)),
            ("10.0.0.0/", Err(InvalidPrefix)),
            ("10.0.0.0/-1", Err(InvalidPrefix)),
            ("10.0.0.0/+8", Err(InvalidPrefix)),
            ("10.0.0.0/08", Err(InvalidPrefix)),
            ("10.0.0.0/8 ", Err(InvalidPrefix)),
            ("10.0.0.0/1000", Err(InvalidPrefix)),
            ("10.0.0.0/33", Err(PrefixTooLong)),
            ("10.0.0.0/255", Err(PrefixTooLong)),
            (" 10.0.0.0/8", Err(InvalidAddress)),
            ("", Err(MissingPrefix)),
        ];
        for (input, want) in cases {
            let got = Ipv4Cidr::parse(input);
            match (want, &got) {
                (Ok(s), Ok(c)) => assert_eq!(c.to_string(), *s, "{input}"),
                (Err(r), Err(CidrError::Malformed { reason, .. })) => assert_eq!(reason, r, "{input}"),
                _ => panic!("{input}: want {want:?}, got {got:?}"),
            }
        }
    }

    #[test]
    fn parse_canonical_refuses_host_bits() {
        let cases: &[(&str, bool)] = &[
            ("10.96.0.0/12", true),
            ("10.96.0.1/12", false),
            ("10.97.0.0/12", false),
            ("1.2.3.4/32", true),
        ];
        for (input, ok) in cases {
            let got = Ipv4Cidr::parse_canonical(input);
            assert_eq!(got.is_ok(), *ok, "{input}: {got:?}");
            if let Err(e) = got {
                assert!(matches!(e, CidrError::HostBitsSet { .. }), "{input}: {e}");
            }
        }
    }

    #[test]
    fn size_contains_nth_last_table() {
        struct Case {
            cidr: &'static str,
            size: u64,
            last: &'static str,
            inside: &'static str,
            outside: &'static str,
            nth1: Option<&'static str>,
            nth10: Option<&'static str>,
        }
        #[rustfmt::skip]
        let cases = [
            Case { cidr: "10.96.0.0/12", size: 1 << 20, last: "10.111.255.255", inside: "10.100.3.4", outside: "10.112.0.0", nth1: Some("10.96.0.1"), nth10: Some("10.96.0.10") },
            Case { cidr: "10.0.0.0/24", size: 256, last: "10.0.0.255", inside: "10.0.0.0", outside: "10.0.1.0", nth1: Some("10.0.0.1"), nth10: Some("10.0.0.10") },
            Case { cidr: "192.168.1.0/28", size: 16, last: "192.168.1.15", inside: "192.168.1.15", outside: "192.168.1.16", nth1: Some("192.168.1.1"), nth10: Some("192.168.1.10") },
            Case { cidr: "192.168.1.4/31", size: 2, last: "192.168.1.5", inside: "192.168.1.5", outside: "192.168.1.6", nth1: Some("192.168.1.5"), nth10: None },
            Case { cidr: "192.168.1.4/32", size: 1, last: "192.168.1.4", inside: "192.168.1.4", outside: "192.168.1.5", nth1: None, nth10: None },
            // /0 contains everything, so its "outside" address is inside too.
            Case { cidr: "0.0.0.0/0", size: 1 << 32, last: "255.255.255.255", inside: "1.2.3.4", outside: "1.2.3.4", nth1: Some("0.0.0.1"), nth10: Some("0.0.0.10") },
        ];
        for Case {
            cidr,
            size,
            last,
            inside,
            outside,
            nth1,
            nth10,
        } in cases
        {
            let c = Ipv4Cidr::parse(cidr).unwrap();
            assert_eq!(c.size(), size, "{cidr}");
            assert_eq!(c.last(), ip(last), "{cidr}");
            assert!(c.contains(ip(inside)), "{cidr} {inside}");
            assert_eq!(c.contains(ip(outside)), c.prefix() == 0, "{cidr} {outside}");
            assert_eq!(c.nth(1), nth1.map(ip), "{cidr}");
            assert_eq!(c.nth(10), nth10.map(ip), "{cidr}");
            assert_eq!(c.nth(0), Some(c.network()));
            assert_eq!(c.nth(c.size() - 1), Some(c.last()));
            assert_eq!(c.nth(c.size()), None);
            assert_eq!(c.index_of(c.last()), Some(c.size() - 1));
        }
    }

    #[test]
    fn subnet_table() {
        // (parent, new prefix, index, Some(subnet) | None)
        let cases: &[(&str, u8, u64, Option<&str>)] = &[
            ("10.244.0.0/16", 24, 0, Some("10.244.0.0/24")),
            ("10.244.0.0/16", 24, 1, Some("10.244.1.0/24")),
            ("10.244.0.0/16", 24, 255, Some("10.244.255.0/24")),
            ("10.244.0.0/16", 24, 256, None),
            ("10.244.0.0/16", 16, 0, Some("10.244.0.0/16")),
            ("10.244.0.0/16", 16, 1, None),
            ("10.244.0.0/16", 15, 0, None),
            ("10.244.0.0/16", 33, 0, None),
            ("10.0.0.0/8", 26, 5, Some("10.0.1.64/26")),
            ("0.0.0.0/0", 32, u64::from(u32::MAX), Some("255.255.255.255/32")),
            ("0.0.0.0/0", 32, 1 << 32, None),
        ];
        for (parent, new_prefix, i, want) in cases {
            let p = Ipv4Cidr::parse(parent).unwrap();
            let got = p.nth_subnet(*new_prefix, *i).map(|c| c.to_string());
            assert_eq!(got.as_deref(), *want, "{parent} /{new_prefix} #{i}");
        }
    }

    #[test]
    fn subnets_iterate_in_order_and_tile_the_parent() {
        let p = Ipv4Cidr::parse("10.244.0.0/22").unwrap();
        let subs: Vec<_> = p.subnets(24).unwrap().map(|c| c.to_string()).collect();
        assert_eq!(
            subs,
            ["10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24", "10.244.3.0/24"]
        );
        let mut it = p.subnets(24).unwrap();
        assert_eq!(it.total(), 4);
        assert_eq!(it.size_hint(), (4, Some(4)));
        assert_eq!(it.nth(2).map(|c| c.to_string()).as_deref(), Some("10.244.2.0/24"));
        assert_eq!(it.next().map(|c| c.to_string()).as_deref(), Some("10.244.3.0/24"));
        assert_eq!(it.next(), None);
        assert!(matches!(
            p.subnets(21),
            Err(CidrError::InvalidSubnetPrefix { new_prefix: 21, .. })
        ));
    }

    #[test]
    fn error_messages_name_the_problem() {
        let cases: &[(CidrError, &str)] = &[
            (
                Ipv4Cidr::parse("10.0.0.0/33").unwrap_err(),
                "invalid CIDR address: 10.0.0.0/33 (the prefix length must be between 0 and 32)",
            ),
            (
                Ipv4Cidr::parse_canonical("10.96.0.1/12").unwrap_err(),
                "invalid CIDR address: 10.96.0.1/12 (host bits are set; the network is 10.96.0.0/12)",
            ),
            (
                Ipv4Cidr::parse("10.244.0.0/16").unwrap().subnets(8).unwrap_err(),
                "cannot split 10.244.0.0/16 into /8 subnets: the subnet prefix must be between 16 and 32",
            ),
        ];
        for (err, want) in cases {
            assert_eq!(err.to_string(), *want);
        }
    }

    #[test]
    fn address_plan_defaults_are_canonical() {
        let cases: &[(Ipv4Cidr, &str)] = &[
            (Ipv4Cidr::DEFAULT_SERVICE_CIDR, "10.96.0.0/12"),
            (Ipv4Cidr::DEFAULT_POD_CIDR, "10.244.0.0/16"),
            (Ipv4Cidr::DEFAULT_NODE_CIDR, "172.18.0.0/16"),
            (Ipv4Cidr::DEFAULT_LB_POOL, "203.0.113.0/24"),
        ];
        for (cidr, text) in cases {
            assert_eq!(Ipv4Cidr::parse_canonical(text), Ok(*cidr));
        }
        let node_2 = Ipv4Cidr::DEFAULT_POD_CIDR.nth_subnet(Ipv4Cidr::DEFAULT_NODE_POD_PREFIX, 2);
        assert_eq!(node_2.map(|c| c.to_string()).as_deref(), Some("10.244.2.0/24"));
        assert_eq!(
            Ipv4Cidr::DEFAULT_SERVICE_CIDR.nth(10),
            Some(Ipv4Addr::new(10, 96, 0, 10))
        );
    }

    #[test]
    fn serde_round_trips_as_a_string() {
        let c = Ipv4Cidr::parse("10.96.0.0/12").unwrap();
        let json = crate::json::to_string(&crate::json::ToJson::to_json(&c));
        assert_eq!(json, "\"10.96.0.0/12\"");
        assert_eq!(crate::json::from_str_as::<Ipv4Cidr>(&json).unwrap(), c);
        assert!(crate::json::from_str_as::<Ipv4Cidr>("\"10.96.0.0/40\"").is_err());
    }
}
