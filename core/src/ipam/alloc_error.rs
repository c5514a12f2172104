//! Why an allocation failed, worded as the API server words it.
//!
//! Messages: `pkg/registry/core/service/ipallocator/interfaces.go` and
//! `portallocator/allocator.go` (`ErrFull`, `ErrAllocated`, `ErrNotInRange`).

use crate::json::ToJson;
use alloc::format;
use alloc::string::{String, ToString};
use core::fmt;
use core::net::Ipv4Addr;

use super::cidr::Ipv4Cidr;
use super::port_range::PortRange;
use crate::error::{BadValue, FieldError, FieldPath};

/// A value an allocator hands out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ToJson)]
pub enum AllocValue {
    Ip(Ipv4Addr),
    Port(u16),
}

/// The range an allocator hands values out of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ToJson)]
pub enum AllocRange {
    Cidr(Ipv4Cidr),
    Ports(PortRange),
}

/// The two addresses of a CIDR that are never handed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ToJson)]
pub enum ReservedAddress {
    Network,
    Broadcast,
}

/// An allocation that could not be made.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
pub enum AllocError {
    /// The requested value is outside the range.
    OutOfRange { value: AllocValue, range: AllocRange },
    /// The requested value is in use.
    AlreadyAllocated { value: AllocValue },
    /// No free value is left (both bands are full).
    Exhausted { range: AllocRange },
    /// The requested IP is the network or broadcast address of the range (upstream answers
    /// "not in the valid range" for these; kroute says which address it is).
    Reserved {
        value: AllocValue,
        range: AllocRange,
        address: ReservedAddress,
    },
}

impl fmt::Display for AllocValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AllocValue::Ip(ip) => write!(f, "{ip}"),
            AllocValue::Port(p) => write!(f, "{p}"),
        }
    }
}

impl fmt::Display for AllocRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AllocRange::Cidr(c) => write!(f, "{c}"),
            AllocRange::Ports(r) => write!(f, "{r}"),
        }
    }
}

impl fmt::Display for AllocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AllocError::OutOfRange {
                value: AllocValue::Ip(ip),
                range,
            } => write!(
                f,
                "the provided IP ({ip}) is not in the valid range. The range of valid IPs is {range}"
            ),
            AllocError::OutOfRange {
                value: AllocValue::Port(_),
                range,
            } => write!(
                f,
                "provided port is not in the valid range. The range of valid ports is {range}"
            ),
            AllocError::AlreadyAllocated {
                value: AllocValue::Ip(_),
            } => f.write_str("provided IP is already allocated"),
            AllocError::AlreadyAllocated {
                value: AllocValue::Port(_),
            } => f.write_str("provided port is already allocated"),
            AllocError::Exhausted { .. } => f.write_str("range is full"),
            AllocError::Reserved {
                value,
                range,
                address,
            } => {
                let which = match address {
                    ReservedAddress::Network => "network",
                    ReservedAddress::Broadcast => "broadcast",
                };
                write!(
                    f,
                    "the provided IP ({value}) is the {which} address of {range}, which is never allocated"
                )
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for AllocError {}

impl AllocError {
    /// The field error the API server reports when a value a person asked for cannot be had:
    /// `spec.clusterIPs[0]: Invalid value: "1.1.1.1": failed to allocate IP 1.1.1.1: …` or
    /// `spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range…`.
    /// `None` for [`AllocError::Exhausted`]: upstream reports a full range as an internal error
    /// (`failed to allocate a serviceIP: range is full`), not as a fault of any field.
    pub fn to_field_error(&self, path: FieldPath) -> Option<FieldError> {
        let value = match self {
            AllocError::OutOfRange { value, .. }
            | AllocError::AlreadyAllocated { value }
            | AllocError::Reserved { value, .. } => *value,
            AllocError::Exhausted { .. } => return None,
        };
        let detail: String = match value {
            AllocValue::Ip(ip) => format!("failed to allocate IP {ip}: {self}"),
            AllocValue::Port(_) => format!("{self}"),
        };
        // The API's types: an IP is a string, a node port an int32.
        let shown = match value {
            AllocValue::Ip(ip) => BadValue::Str(ip.to_string()),
            AllocValue::Port(port) => BadValue::from(port),
        };
        Some(FieldError::invalid(path, shown, detail))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn messages_table() {
        let cidr = AllocRange::Cidr(Ipv4Cidr::parse("10.96.0.0/12").unwrap());
        let ports = AllocRange::Ports(PortRange::DEFAULT_NODE_PORTS);
        let ip = AllocValue::Ip(Ipv4Addr::new(1, 1, 1, 1));
        let cases: &[(AllocError, &str)] = &[
            (
                AllocError::OutOfRange { value: ip, range: cidr },
                "the provided IP (1.1.1.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12",
            ),
            (
                AllocError::OutOfRange { value: AllocValue::Port(80), range: ports },
                "provided port is not in the valid range. The range of valid ports is 30000-32767",
            ),
            (AllocError::AlreadyAllocated { value: ip }, "provided IP is already allocated"),
            (AllocError::AlreadyAllocated { value: AllocValue::Port(30001) }, "provided port is already allocated"),
            (AllocError::Exhausted { range: cidr }, "range is full"),
            (AllocError::Exhausted { range: ports }, "range is full"),
            (
                AllocError::Reserved {
                    value: AllocValue::Ip(Ipv4Addr::new(10, 111, 255, 255)),
                    range: cidr,
                    address: ReservedAddress::Broadcast,
                },
                "the provided IP (10.111.255.255) is the broadcast address of 10.96.0.0/12, which is never allocated",
            ),
        ];
        for (err, want) in cases {
            assert_eq!(err.to_string(), *want);
        }
    }

    #[test]
    fn field_errors_mirror_the_api_server() {
        let cidr = AllocRange::Cidr(Ipv4Cidr::parse("10.96.0.0/12").unwrap());
        let cases: &[(AllocError, &str, Option<&str>)] = &[
            (
                AllocError::OutOfRange { value: AllocValue::Ip(Ipv4Addr::new(1, 1, 1, 1)), range: cidr },
                "spec.clusterIPs[0]",
                Some(
                    "spec.clusterIPs[0]: Invalid value: \"1.1.1.1\": failed to allocate IP 1.1.1.1: the provided IP \
                     (1.1.1.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12",
                ),
            ),
            (
                AllocError::AlreadyAllocated { value: AllocValue::Port(30080) },
                "spec.ports[0].nodePort",
                Some("spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated"),
            ),
            (AllocError::Exhausted { range: cidr }, "spec.clusterIPs[0]", None),
        ];
        for (err, path, want) in cases {
            let got = err.to_field_error(FieldPath::new(path)).map(|e| e.to_string());
            assert_eq!(got.as_deref(), *want);
        }
    }

    #[test]
    fn errors_serialize_as_data() {
        let err = AllocError::AlreadyAllocated {
            value: AllocValue::Port(30080),
        };
        let json = crate::json::to_string(&crate::json::ToJson::to_json(&err));
        assert_eq!(json, r#"{"AlreadyAllocated":{"value":{"Port":30080}}}"#);
    }
}
