//! JSON text out: compact or indented, written as serde_json writes it (the same escapes, the
//! same number forms), so that text kroute wrote before reads the same now.

use alloc::string::String;
use core::fmt::{self, Write};

use super::Value;

/// Compact JSON: `{"a":[1,2]}`.
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, None, 0);
    out
}

/// JSON indented by two spaces, one member or item per line.
pub fn to_string_pretty(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, Some("  "), 0);
    out
}

fn newline(out: &mut String, indent: Option<&str>, depth: usize) {
    if let Some(unit) = indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(unit);
        }
    }
}

fn write_value(out: &mut String, value: &Value, indent: Option<&str>, depth: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        // Writing into a `String` cannot fail.
        Value::Number(n) => drop(write!(out, "{n}")),
        Value::String(s) => string(out, s),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                write_value(out, item, indent, depth + 1);
            }
            newline(out, indent, depth);
            out.push(']');
        }
        Value::Object(map) => {
            if map.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                string(out, k);
                out.push_str(if indent.is_some() { ": " } else { ":" });
                write_value(out, v, indent, depth + 1);
            }
            newline(out, indent, depth);
            out.push('}');
        }
    }
}

/// A JSON string: `"` and `\` escaped, control characters as `\n`-style or `\u00XX` escapes,
/// everything else as it is.
pub fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let b = c as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[b >> 4]));
                out.push(char::from(HEX[b & 0xf]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A finite float the way JSON writers print it: the shortest digits that read back the same,
/// as a plain decimal (`0.25`, `3.0`, `0.00001`) between 10⁻⁵ and 10¹⁶, else with an exponent
/// (`1e+21`, `1.5e-7`). NaN and the infinities, which JSON cannot carry, are `null`.
pub(crate) fn float(f: &mut fmt::Formatter<'_>, x: f64) -> fmt::Result {
    if !x.is_finite() {
        return f.write_str("null");
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x == 0.0 {
        return write!(f, "{sign}0.0");
    }
    let (digits, point) = super::float::shortest(x.abs());
    // Only ASCII digits went in.
    let digits = core::str::from_utf8(&digits).unwrap_or("0");
    let n = digits.len() as i32;
    f.write_str(sign)?;
    if n <= point && point <= 16 {
        f.write_str(digits)?;
        for _ in n..point {
            f.write_str("0")?;
        }
        f.write_str(".0")
    } else if 0 < point && point <= 16 {
        let (int, frac) = digits.split_at(point as usize);
        write!(f, "{int}.{frac}")
    } else if -5 < point && point <= 0 {
        f.write_str("0.")?;
        for _ in point..0 {
            f.write_str("0")?;
        }
        f.write_str(digits)
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        f.write_str(first)?;
        if !rest.is_empty() {
            write!(f, ".{rest}")?;
        }
        let exp = point - 1;
        write!(f, "e{}{exp}", if exp > 0 { "+" } else { "" })
    }
}
