//! What a scalar means: plain scalars resolved by YAML 1.2's core schema as serde_yaml_ng
//! resolved them (so that kroute reads every manifest as it did), and the core tags.
//!
//! A plain scalar is, in this order:
//! - null: empty, `~`, `null`, `Null`, `NULL`;
//! - a boolean: `true`, `True`, `TRUE`, `false`, `False`, `FALSE` (not YAML 1.1's `yes`/`on`);
//! - an integer: decimal digits (`0`, or no leading zero: `012` is a string), `0x` hex, `0o`
//!   octal or `0b` binary digits, after an optional `+` (or `-`); one that fits no 64-bit
//!   integer but fits 128 bits is [`Value::BigInt`] (an error once converted), beyond that it
//!   is read as a float;
//! - a float: `.inf`, `-.inf`, `.nan` (also capitalised or upper case, `+.inf`), or a decimal
//!   with a fraction or an exponent (`1.5`, `.5`, `1.`, `1e5`) that stays finite;
//! - otherwise a string.
//!
//! Quoted and block scalars are strings. Tags: `!!str` (and every other core tag but the four
//! below, `!!binary` or `!!map` on a scalar, and global tags) makes a string of any scalar;
//! `!!null`, `!!bool`, `!!int`, `!!float` require their kind, quoted or not; local tags (`!x`,
//! `!`) change nothing.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;

use super::Value;

/// The effect a tag has on a scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tag {
    /// No tag, or a local one: plain scalars are resolved, others are strings.
    Untagged,
    /// `!!str` and other core or global tags: a string, as written.
    Str,
    Null,
    Bool,
    Int,
    Float,
}

impl Tag {
    /// The effect of a core tag (`!!suffix`, `!<tag:yaml.org,2002:suffix>`).
    pub(crate) fn core(suffix: &str) -> Tag {
        match suffix {
            "null" => Tag::Null,
            "bool" => Tag::Bool,
            "int" => Tag::Int,
            "float" => Tag::Float,
            _ => Tag::Str,
        }
    }
}

/// The value of a scalar: its text, whether it was plain, its tag. `Err` is a message for a
/// tagged scalar that is not of its tag's kind.
pub(crate) fn resolve(text: Cow<'_, str>, plain: bool, tag: Tag) -> Result<Value<'_>, String> {
    let kind = match tag {
        Tag::Untagged if plain => return Ok(untagged(text)),
        Tag::Untagged | Tag::Str => return Ok(Value::Str(text)),
        Tag::Null if is_null(&text) => return Ok(Value::Null),
        Tag::Bool => match boolean(&text) {
            Some(b) => return Ok(Value::Bool(b)),
            None => "a boolean (true or false)",
        },
        Tag::Int => match integer(&text) {
            Some(Integer::Uint(u)) => return Ok(Value::Uint(u)),
            Some(Integer::Int(i)) => return Ok(Value::Int(i)),
            Some(Integer::Big) => return Ok(Value::BigInt(text)),
            None => "an integer",
        },
        Tag::Float => match float(&text) {
            Some(f) => return Ok(Value::Float(f)),
            None => "a finite number or .inf, -.inf, .nan",
        },
        Tag::Null => "null (~, null)",
    };
    Err(format!(
        "the tag asks for {kind}, but the value is {}",
        crate::error::Quoted(&text)
    ))
}

/// A plain scalar without a tag.
fn untagged(text: Cow<'_, str>) -> Value<'_> {
    if is_null(&text) {
        return Value::Null;
    }
    if let Some(b) = boolean(&text) {
        return Value::Bool(b);
    }
    match integer(&text) {
        Some(Integer::Uint(u)) => Value::Uint(u),
        Some(Integer::Int(i)) => Value::Int(i),
        Some(Integer::Big) => Value::BigInt(text),
        None => match float(&text) {
            Some(f) if !leading_zero_digits(&text) => Value::Float(f),
            _ => Value::Str(text),
        },
    }
}

fn is_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

fn boolean(s: &str) -> Option<bool> {
    match s {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

enum Integer {
    Uint(u64),
    /// Negative.
    Int(i64),
    /// Fits 128 bits (signed or unsigned) but no 64-bit integer.
    Big,
}

/// `012`, `-007`: digits with a leading zero are a string, not a number (YAML 1.2).
fn leading_zero_digits(s: &str) -> bool {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    digits.len() > 1 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())
}

fn integer(s: &str) -> Option<Integer> {
    let (negative, unsigned) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..)?),
        Some(b'+') => (false, s.get(1..)?),
        _ => (false, s),
    };
    let (radix, digits) = match unsigned.get(..2) {
        Some("0x") => (16, unsigned.get(2..)?),
        Some("0o") => (8, unsigned.get(2..)?),
        Some("0b") => (2, unsigned.get(2..)?),
        _ if leading_zero_digits(s) => return None,
        _ => (10, unsigned),
    };
    // Digits only: no second sign, no `_`, at least one digit.
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u128::from_str_radix(digits, radix).ok()?;
    if !negative {
        return Some(u64::try_from(magnitude).map_or(Integer::Big, Integer::Uint));
    }
    // -0 is 0.
    if magnitude == 0 {
        return Some(Integer::Uint(0));
    }
    if magnitude <= 1 << 63 {
        // In range: -(2^63) is i64::MIN.
        return Some(Integer::Int(0i64.wrapping_sub_unsigned(magnitude as u64)));
    }
    (magnitude <= 1 << 127).then_some(Integer::Big)
}

/// A float: YAML's `.inf`/`.nan` words, or a decimal that Rust reads and that stays finite.
fn float(s: &str) -> Option<f64> {
    let unsigned = match s.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => s,
    };
    match unsigned {
        ".inf" | ".Inf" | ".INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    if matches!(s, ".nan" | ".NaN" | ".NAN") {
        return Some(f64::NAN);
    }
    // Rust also reads `inf` and `nan`, which YAML does not: only finite values are taken.
    unsigned.parse::<f64>().ok().filter(|f| f.is_finite())
}
