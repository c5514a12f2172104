//! The API server's rules for names and label-style strings.
//!
//! A port of apimachinery `pkg/util/validation/validation.go` and `pkg/api/validate/content`
//! (SPEC §1.1, §2.2, §6.1). Each check returns the messages the API server would print, empty
//! when the value is valid, so callers can wrap them in a [`crate::error::FieldError`] at the
//! right path. The regexes are written out as character checks (no regex engine in a `no_std`
//! core); the regex text still appears in the messages because that is what users see upstream.
//!
//! Lengths are counted in bytes, as upstream does (`len(value)` in Go). Every valid character is
//! ASCII, so for any value that can pass, bytes and characters are the same count.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Longest DNS-1123 label (RFC 1123): 63.
pub const DNS1123_LABEL_MAX_LENGTH: usize = 63;
/// Longest DNS-1123 subdomain: 253.
pub const DNS1123_SUBDOMAIN_MAX_LENGTH: usize = 253;
/// Longest DNS-1035 label: 63.
pub const DNS1035_LABEL_MAX_LENGTH: usize = 63;
/// Longest name part of a label key (the part after the optional `prefix/`): 63.
pub const LABEL_KEY_NAME_MAX_LENGTH: usize = 63;
/// Longest label value: 63.
pub const LABEL_VALUE_MAX_LENGTH: usize = 63;
/// Longest IANA service name (a named port): 15.
pub const PORT_NAME_MAX_LENGTH: usize = 15;

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_ERR_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric \
     characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_SUBDOMAIN_ERR_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case \
     alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL_ERR_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters \
     or '-', start with an alphabetic character, and end with an alphanumeric character";
const LABEL_KEY_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_KEY_ERR_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start \
     and end with an alphanumeric character";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE_ERR_MSG: &str = "a valid label must be an empty string or consist of alphanumeric \
     characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const WILDCARD_DNS1123_SUBDOMAIN_FMT: &str =
    "\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const WILDCARD_DNS1123_SUBDOMAIN_ERR_MSG: &str = "a wildcard DNS-1123 subdomain must start with '*.', \
     followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or \
     '.' and end with an alphanumeric character";
const IP_ERR_MSG: &str = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

/// `must be no more than 63 characters` (upstream `MaxLenError`).
pub fn max_len_error(length: usize) -> String {
    format!("must be no more than {length} characters")
}

/// `must be non-empty` (upstream `EmptyError`).
pub fn empty_error() -> &'static str {
    "must be non-empty"
}

/// `must be between 1 and 65535, inclusive` (upstream `InclusiveRangeError`).
pub fn inclusive_range_error(lo: i64, hi: i64) -> String {
    format!("must be between {lo} and {hi}, inclusive")
}

/// Upstream `RegexError`: the rule, examples, and the regex, in exactly upstream's punctuation
/// (including the double space before each `or`).
pub fn regex_error(msg: &str, regex: &str, examples: &[&str]) -> String {
    let mut out = String::with_capacity(msg.len() + regex.len() + 48);
    out.push_str(msg);
    if examples.is_empty() {
        out.push_str(" (regex used for validation is '");
    } else {
        out.push_str(" (e.g. ");
        for (i, example) in examples.iter().enumerate() {
            if i > 0 {
                out.push_str(" or ");
            }
            out.push('\'');
            out.push_str(example);
            out.push_str("', ");
        }
        out.push_str("regex used for validation is '");
    }
    out.push_str(regex);
    out.push_str("')");
    out
}

/// A DNS-1123 label (`metadata.name` of most objects, Service port names): at most 63
/// characters of `[a-z0-9-]`, alphanumeric at both ends.
pub fn is_dns1123_label(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_LABEL_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_LABEL_MAX_LENGTH));
    }
    if !matches_dns1123_label(value.as_bytes()) {
        if matches_dns1123_subdomain(value.as_bytes()) {
            // A valid subdomain that is not a valid label: the length is already reported, so the
            // only remaining difference is dots.
            errs.push(String::from("must not contain dots"));
        } else {
            errs.push(regex_error(
                DNS1123_LABEL_ERR_MSG,
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    errs
}

/// A DNS-1123 subdomain (most object names, Ingress hosts, label-key prefixes): at most 253
/// characters of dot-separated DNS-1123 labels.
pub fn is_dns1123_subdomain(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if !matches_dns1123_subdomain(value.as_bytes()) {
        errs.push(regex_error(
            DNS1123_SUBDOMAIN_ERR_MSG,
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

/// A DNS-1035 label (Service names before KEP-5311): like a DNS-1123 label but must start
/// with a letter.
pub fn is_dns1035_label(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1035_LABEL_MAX_LENGTH {
        errs.push(max_len_error(DNS1035_LABEL_MAX_LENGTH));
    }
    let bytes = value.as_bytes();
    let starts_with_letter = bytes.first().is_some_and(|b| b.is_ascii_lowercase());
    if !(starts_with_letter && matches_dns1123_label(bytes)) {
        errs.push(regex_error(
            DNS1035_LABEL_ERR_MSG,
            DNS1035_LABEL_FMT,
            &["my-name", "abc-123"],
        ));
    }
    errs
}

/// A qualified name, the syntax of label and annotation keys: an optional DNS-1123 subdomain
/// prefix and `/`, then a name of 1–63 characters matching
/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
pub fn is_qualified_name(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let mut parts = value.splitn(3, '/');
    let first = parts.next().unwrap_or("");
    let (prefix, name) = match (parts.next(), parts.next()) {
        (None, _) => (None, first),
        (Some(name), None) => (Some(first), name),
        (Some(_), Some(_)) => {
            let mut msg = String::from("a valid label key ");
            msg.push_str(&regex_error(
                LABEL_KEY_ERR_MSG,
                LABEL_KEY_FMT,
                &["MyName", "my.name", "123-abc"],
            ));
            msg.push_str(" with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
            errs.push(msg);
            return errs;
        }
    };
    if let Some(prefix) = prefix {
        if prefix.is_empty() {
            errs.push(format!("prefix part {}", empty_error()));
        } else {
            errs.extend(
                is_dns1123_subdomain(prefix)
                    .into_iter()
                    .map(|m| format!("prefix part {m}")),
            );
        }
    }
    if name.is_empty() {
        errs.push(format!("name part {}", empty_error()));
    } else if name.len() > LABEL_KEY_NAME_MAX_LENGTH {
        errs.push(format!("name part {}", max_len_error(LABEL_KEY_NAME_MAX_LENGTH)));
    }
    if !matches_label_name(name.as_bytes()) {
        let rule = regex_error(
            LABEL_KEY_ERR_MSG,
            LABEL_KEY_FMT,
            &["MyName", "my.name", "123-abc"],
        );
        errs.push(format!("name part {rule}"));
    }
    errs
}

/// A label value: empty, or 1–63 characters matching `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
pub fn is_valid_label_value(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > LABEL_VALUE_MAX_LENGTH {
        errs.push(max_len_error(LABEL_VALUE_MAX_LENGTH));
    }
    if !value.is_empty() && !matches_label_name(value.as_bytes()) {
        errs.push(regex_error(
            LABEL_VALUE_ERR_MSG,
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// A port number: 1–65535 (0 is not a port).
pub fn is_valid_port_num(port: i64) -> Vec<String> {
    if (1..=65535).contains(&port) {
        Vec::new()
    } else {
        alloc::vec![inclusive_range_error(1, 65535)]
    }
}

/// An IANA service name (a named container port, a named `targetPort`): at most 15 characters
/// of `[-a-z0-9]`, at least one letter, no hyphen at either end and no two hyphens in a row.
pub fn is_valid_port_name(port: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let bytes = port.as_bytes();
    if bytes.len() > PORT_NAME_MAX_LENGTH {
        errs.push(max_len_error(PORT_NAME_MAX_LENGTH));
    }
    let charset_ok = !bytes.is_empty() && bytes.iter().all(|&b| is_lower_alnum(b) || b == b'-');
    if !charset_ok {
        errs.push(String::from(
            "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
        ));
    }
    if !bytes.iter().any(|b| b.is_ascii_lowercase()) {
        errs.push(String::from("must contain at least one letter (a-z)"));
    }
    if port.contains("--") {
        errs.push(String::from("must not contain consecutive hyphens"));
    }
    if bytes.first() == Some(&b'-') || bytes.last() == Some(&b'-') {
        errs.push(String::from("must not begin or end with a hyphen"));
    }
    errs
}

/// A wildcard host (`*.example.com`): `*.` then a DNS-1123 subdomain; the wildcard must be the
/// whole first label, and a bare `*` is invalid.
pub fn is_wildcard_dns1123_subdomain(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    let ok = value
        .strip_prefix("*.")
        .is_some_and(|rest| matches_dns1123_subdomain(rest.as_bytes()));
    if !ok {
        errs.push(regex_error(
            WILDCARD_DNS1123_SUBDOMAIN_ERR_MSG,
            WILDCARD_DNS1123_SUBDOMAIN_FMT,
            &["*.example.com"],
        ));
    }
    errs
}

/// An IPv4 or IPv6 address, accepted as leniently as upstream's `netutils.ParseIPSloppy` (the
/// parser behind "host must not be an IP" and legacy IP fields): IPv4 octets may carry leading
/// zeros, IPv6 may be non-canonical or end in a dotted quad. No zone, brackets, port or prefix.
pub fn is_valid_ip(value: &str) -> Vec<String> {
    if parse_ip_sloppy(value.as_bytes()) {
        Vec::new()
    } else {
        alloc::vec![String::from(IP_ERR_MSG)]
    }
}

fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
fn matches_dns1123_label(bytes: &[u8]) -> bool {
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last)) => {
            is_lower_alnum(first)
                && is_lower_alnum(last)
                && bytes.iter().all(|&b| is_lower_alnum(b) || b == b'-')
        }
        _ => false,
    }
}

/// DNS-1123 labels joined by single dots.
fn matches_dns1123_subdomain(bytes: &[u8]) -> bool {
    bytes.split(|&b| b == b'.').all(matches_dns1123_label)
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]` (non-empty).
fn matches_label_name(bytes: &[u8]) -> bool {
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// Go's pre-1.17 `net.ParseIP` (kept as `netutils.ParseIPSloppy`): the first `.` or `:` decides
/// the family.
fn parse_ip_sloppy(s: &[u8]) -> bool {
    match s.iter().find(|&&b| b == b'.' || b == b':') {
        Some(b'.') => parse_ipv4(s),
        Some(_) => parse_ipv6(s),
        None => false,
    }
}

/// Leading decimal digits of `s` as (value, digits consumed); `None` without a digit or when
/// the number is absurdly long (Go's `dtoi` stops at 0xFFFFFF).
fn leading_decimal(s: &[u8]) -> Option<(u32, usize)> {
    let mut n: u32 = 0;
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        if !b.is_ascii_digit() {
            break;
        }
        n = n * 10 + u32::from(b - b'0');
        if n >= 0xFF_FFFF {
            return None;
        }
        i += 1;
    }
    (i > 0).then_some((n, i))
}

/// Leading hex digits of `s` as (value, digits consumed), like Go's `xtoi`.
fn leading_hex(s: &[u8]) -> Option<(u32, usize)> {
    let mut n: u32 = 0;
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        let Some(d) = char::from(b).to_digit(16) else {
            break;
        };
        n = n * 16 + d;
        if n >= 0xFF_FFFF {
            return None;
        }
        i += 1;
    }
    (i > 0).then_some((n, i))
}

/// Four dot-separated decimal octets, each 0–255 (leading zeros allowed).
fn parse_ipv4(mut s: &[u8]) -> bool {
    for i in 0..4 {
        if i > 0 {
            match s.split_first() {
                Some((b'.', rest)) => s = rest,
                _ => return false,
            }
        }
        match leading_decimal(s) {
            Some((n, used)) if n <= 0xFF => s = s.get(used..).unwrap_or(&[]),
            _ => return false,
        }
    }
    s.is_empty()
}

/// Up to eight hex groups with at most one `::`, optionally ending in an IPv4 dotted quad.
fn parse_ipv6(mut s: &[u8]) -> bool {
    const GROUP_BYTES: usize = 2;
    const TOTAL_BYTES: usize = 16;
    const IPV4_BYTES: usize = 4;
    let mut ellipsis = false;
    if let Some(rest) = s.strip_prefix(b"::") {
        ellipsis = true;
        s = rest;
        if s.is_empty() {
            return true;
        }
    }
    let mut filled = 0;
    while filled < TOTAL_BYTES {
        let Some((n, used)) = leading_hex(s) else {
            return false;
        };
        if n > 0xFFFF {
            return false;
        }
        if s.get(used) == Some(&b'.') {
            // A trailing dotted quad fills the last four bytes.
            if (!ellipsis && filled != TOTAL_BYTES - IPV4_BYTES) || filled + IPV4_BYTES > TOTAL_BYTES {
                return false;
            }
            if !parse_ipv4(s) {
                return false;
            }
            s = &[];
            filled += IPV4_BYTES;
            break;
        }
        filled += GROUP_BYTES;
        s = s.get(used..).unwrap_or(&[]);
        if s.is_empty() {
            break;
        }
        match s.split_first() {
            Some((b':', rest)) if !rest.is_empty() => s = rest,
            _ => return false,
        }
        if let Some(rest) = s.strip_prefix(b":") {
            if ellipsis {
                return false;
            }
            ellipsis = true;
            s = rest;
            if s.is_empty() {
                break;
            }
        }
    }
    if !s.is_empty() {
        return false;
    }
    // Without `::` all eight groups must be present; with it, `::` must stand for at least one
    // zero group.
    if filled < TOTAL_BYTES {
        ellipsis
    } else {
        !ellipsis
    }
}

#[cfg(test)]
#[path = "names_tests.rs"]
mod tests;
