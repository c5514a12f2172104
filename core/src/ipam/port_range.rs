//! Port ranges such as `--service-node-port-range=30000-32767`.
//!
//! Parsing follows apimachinery `pkg/util/net/port_range.go` (`PortRange.Set`): surrounding
//! whitespace is trimmed, and `30000-32767`, `30000+2767` (base plus offset) and a single
//! `30000` are accepted. Unlike upstream, an empty string is an error rather than an empty
//! range (an allocator over no ports is never what a person meant).

use crate::json::ToJson;
use alloc::string::{String, ToString};
use core::fmt;

/// An inclusive range of ports, `first..=last`, never empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortRange {
    first: u16,
    last: u16,
}

/// Why a port range did not parse. Messages follow apimachinery's `PortRange.Set`.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
pub enum PortRangeError {
    /// Not `a`, `a-b` or `a+n` with decimal numbers.
    Malformed { input: String },
    /// A bound is above 65535.
    AboveMaxPort { input: String },
    /// `last < first`.
    EndBeforeStart { input: String },
}

impl fmt::Display for PortRangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortRangeError::Malformed { input } => write!(f, "unable to parse port range: {input}"),
            PortRangeError::AboveMaxPort { input } => {
                write!(f, "the port range cannot be greater than 65535: {input}")
            }
            PortRangeError::EndBeforeStart { input } => {
                write!(f, "end port cannot be less than start port: {input}")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for PortRangeError {}

impl PortRange {
    /// The kube-apiserver default for `--service-node-port-range`.
    pub const DEFAULT_NODE_PORTS: PortRange = PortRange {
        first: 30000,
        last: 32767,
    };

    /// `first..=last`; `None` when `last < first`.
    pub fn new(first: u16, last: u16) -> Option<Self> {
        (first <= last).then_some(PortRange { first, last })
    }

    /// Parses `30000-32767`, `30000+2767` or `30000`.
    pub fn parse(input: &str) -> Result<Self, PortRangeError> {
        let value = input.trim();
        let malformed = || PortRangeError::Malformed {
            input: input.to_string(),
        };
        let number = |s: &str| -> Result<u64, PortRangeError> {
            if s.is_empty() || s.len() > 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(malformed());
            }
            s.parse::<u64>().map_err(|_| malformed())
        };
        let (low, high) = match (value.find('-'), value.find('+')) {
            (None, None) => {
                let port = number(value)?;
                (port, port)
            }
            (Some(i), None) => (number(&value[..i])?, number(&value[i + 1..])?),
            (None, Some(i)) => {
                let low = number(&value[..i])?;
                (low, low + number(&value[i + 1..])?)
            }
            (Some(_), Some(_)) => return Err(malformed()),
        };
        let (Ok(first), Ok(last)) = (u16::try_from(low), u16::try_from(high)) else {
            return Err(PortRangeError::AboveMaxPort {
                input: input.to_string(),
            });
        };
        PortRange::new(first, last).ok_or_else(|| PortRangeError::EndBeforeStart {
            input: input.to_string(),
        })
    }

    pub fn first(&self) -> u16 {
        self.first
    }

    pub fn last(&self) -> u16 {
        self.last
    }

    /// Number of ports, both ends included (at most 65536).
    pub fn size(&self) -> u32 {
        u32::from(self.last) - u32::from(self.first) + 1
    }

    pub fn contains(&self, port: u16) -> bool {
        (self.first..=self.last).contains(&port)
    }

    /// The `i`-th port of the range (`nth(0) == first`).
    pub fn nth(&self, i: u32) -> Option<u16> {
        if i >= self.size() {
            return None;
        }
        u16::try_from(u32::from(self.first) + i).ok()
    }
}

impl Default for PortRange {
    fn default() -> Self {
        PortRange::DEFAULT_NODE_PORTS
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.first, self.last)
    }
}

impl core::str::FromStr for PortRange {
    type Err = PortRangeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PortRange::parse(s)
    }
}

impl crate::json::ToJson for PortRange {
    fn to_json(&self) -> crate::json::Value {
        crate::json::Value::String(alloc::string::ToString::to_string(self))
    }
}

impl crate::json::FromJson for PortRange {
    fn from_json(value: &crate::json::Value) -> Result<Self, crate::json::DecodeError> {
        crate::json::from_str_value(value, "a port range such as 30000-32767")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    enum Want {
        Range(u16, u16),
        Malformed,
        AboveMax,
        EndBeforeStart,
    }

    #[test]
    fn parse_table() {
        use Want::*;
        // The notations apimachinery pkg/util/net/port_range.go `PortRange.Set` accepts and refuses.
        let cases: &[(&str, Want)] = &[
            ("30000-32767", Range(30000, 32767)),
            (" 100-200 ", Range(100, 200)),
            ("100+0", Range(100, 100)),
            ("100+100", Range(100, 200)),
            ("8080", Range(8080, 8080)),
            ("0-0", Range(0, 0)),
            ("65535", Range(65535, 65535)),
            ("", Malformed),
            ("100", Range(100, 100)),
            ("100 - 200", Malformed),
            ("-100", Malformed),
            ("100-", Malformed),
            ("200-100", EndBeforeStart),
            ("1+2-3", Malformed),
            ("a-b", Malformed),
            ("65535-65537", AboveMax),
            ("65536", AboveMax),
            ("65500+100", AboveMax),
            ("99999999999-1", Malformed),
        ];
        for (input, want) in cases {
            let got = PortRange::parse(input);
            let ok = match (want, &got) {
                (Range(a, b), Ok(r)) => r.first() == *a && r.last() == *b,
                (Malformed, Err(PortRangeError::Malformed { .. })) => true,
                (AboveMax, Err(PortRangeError::AboveMaxPort { .. })) => true,
                (EndBeforeStart, Err(PortRangeError::EndBeforeStart { .. })) => true,
                _ => false,
            };
            assert!(ok, "{input:?}: want {want:?}, got {got:?}");
        }
    }

    #[test]
    fn default_range_facts() {
        let r = PortRange::default();
        assert_eq!(r.to_string(), "30000-32767");
        assert_eq!(r.size(), 2768);
        assert!(r.contains(30000) && r.contains(32767) && !r.contains(29999) && !r.contains(32768));
        assert_eq!(
            (r.nth(0), r.nth(2767), r.nth(2768)),
            (Some(30000), Some(32767), None)
        );
        assert_eq!(PortRange::new(0, 65535).map(|r| r.size()), Some(65536));
    }

    #[test]
    fn error_messages_follow_apimachinery() {
        let cases = [
            ("x", "unable to parse port range: x"),
            ("1-70000", "the port range cannot be greater than 65535: 1-70000"),
            ("9-1", "end port cannot be less than start port: 9-1"),
        ];
        for (input, want) in cases {
            assert_eq!(PortRange::parse(input).unwrap_err().to_string(), want);
        }
    }

    #[test]
    fn serde_round_trips_as_a_string() {
        let json = crate::json::to_string(&crate::json::ToJson::to_json(&PortRange::default()));
        assert_eq!(json, "\"30000-32767\"");
        assert_eq!(
            crate::json::from_str_as::<PortRange>(&json).unwrap(),
            PortRange::default()
        );
    }
}
