//! JSON values written as block-style YAML that every YAML reader takes the same way.
//!
//! serde_yaml_ng writes YAML 1.2: it leaves `yes`, `on`, `n` or `12:30` unquoted, which a
//! YAML 1.2 reader takes as strings. kubectl does not read YAML 1.2: `sigs.k8s.io/yaml` goes
//! through go-yaml v2, a YAML 1.1 reader, for which those are `true`, `true`, `false` and the
//! number 750 — an exported label `enabled: "on"` would come back as a boolean and be refused.
//! So export writes its own YAML, in the style of `kubectl get -o yaml` (block mappings, a
//! sequence at its key's indentation, maps in sequences starting on the `- ` line), and quotes
//! every string that *either* version could read as anything but that string:
//! - plain (unquoted) only when made of safe characters, starting with a letter or digit (or
//!   `/`, `_`, `.`, `$`, `(`), and not a null, boolean, number, sexagesimal number, timestamp
//!   or merge key under YAML 1.1 or 1.2;
//! - a literal block (`|-`, `|`, `|+`) for multi-line text whose first line does not start with
//!   a space (config files in ConfigMaps stay readable);
//! - single-quoted when every character is printable, otherwise double-quoted with escapes.

use alloc::format;
use alloc::string::String;

use crate::json::Value as Json;

/// One document's text (no `---`), ending in a newline.
pub(super) fn document(value: &Json) -> String {
    let mut out = String::new();
    match value {
        Json::Object(map) if !map.is_empty() => mapping(&mut out, map, 0, false),
        other => {
            inline(&mut out, other);
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, n: usize) {
    out.extend(core::iter::repeat_n(' ', n));
}

/// The entries of a non-empty mapping at `n` spaces; with `inline_first` the first entry
/// continues the current line (after `- `).
fn mapping(out: &mut String, map: &crate::json::Map, n: usize, inline_first: bool) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 || !inline_first {
            indent(out, n);
        }
        scalar(out, key);
        out.push(':');
        match value {
            Json::Object(m) if !m.is_empty() => {
                out.push('\n');
                mapping(out, m, n + 2, false);
            }
            Json::Array(items) if !items.is_empty() => {
                out.push('\n');
                sequence(out, items, n, false);
            }
            other => {
                out.push(' ');
                inline_or_block(out, other, n + 2);
            }
        }
    }
}

/// The items of a non-empty sequence, `- ` at `n` spaces.
fn sequence(out: &mut String, items: &[Json], n: usize, inline_first: bool) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !inline_first {
            indent(out, n);
        }
        out.push_str("- ");
        match item {
            Json::Object(m) if !m.is_empty() => mapping(out, m, n + 2, true),
            Json::Array(a) if !a.is_empty() => sequence(out, a, n + 2, true),
            other => inline_or_block(out, other, n + 2),
        }
    }
}

/// A scalar or an empty collection, then the end of the line; a multi-line string as a literal
/// block whose lines are at `n` spaces.
fn inline_or_block(out: &mut String, value: &Json, n: usize) {
    if let Json::String(s) = value {
        if literal_block(out, s, n) {
            return;
        }
    }
    inline(out, value);
    out.push('\n');
}

fn inline(out: &mut String, value: &Json) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => out.push_str(&format!("{n}")),
        Json::String(s) => scalar(out, s),
        Json::Array(_) => out.push_str("[]"),
        Json::Object(_) => out.push_str("{}"),
    }
}

/// A string on one line: plain, single- or double-quoted.
fn scalar(out: &mut String, s: &str) {
    if is_plain_safe(s) {
        out.push_str(s);
    } else if s.chars().all(is_printable) {
        out.push('\'');
        out.push_str(&s.replace('\'', "''"));
        out.push('\'');
    } else {
        double_quoted(out, s);
    }
}

/// `|-` (no final newline), `|` (one) or `|+` (more), then the lines at `n` spaces. Only for
/// text with a line break, printable, whose first line has content that does not start with a
/// space (else the block's indentation would be misread).
fn literal_block(out: &mut String, s: &str, n: usize) -> bool {
    let suitable = s.contains('\n')
        && !s.starts_with([' ', '\n', '\t'])
        && s.chars().all(|c| c == '\n' || (c != '\r' && is_printable(c)));
    if !suitable {
        return false;
    }
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    out.push_str(match trailing {
        0 => "|-",
        1 => "|",
        _ => "|+",
    });
    out.push('\n');
    for line in body.split('\n') {
        if !line.is_empty() {
            indent(out, n);
            out.push_str(line);
        }
        out.push('\n');
    }
    for _ in 1..trailing {
        out.push('\n');
    }
    true
}

/// YAML's printable characters (tab included), less the ones YAML takes as line breaks and the
/// byte-order mark.
fn is_printable(c: char) -> bool {
    match c {
        '\t' => true,
        '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}' => false,
        c => !c.is_control() && !matches!(c, '\u{fffe}' | '\u{ffff}'),
    }
}

fn double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_printable(c) => out.push(c),
            c if (c as u32) <= 0xff => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
}

/// Whether `s` can be written without quotes and read back as the same string by a YAML 1.1
/// and a YAML 1.2 reader. Conservative: when in doubt, quote.
pub(super) fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let first_ok = first.is_alphanumeric() || matches!(first, '/' | '_' | '.' | '$' | '(');
    let chars_ok = s.chars().all(|c| {
        c.is_alphanumeric()
            || matches!(
                c,
                ' ' | '-' | '_' | '.' | '/' | ':' | '@' | '+' | '=' | ';' | '(' | ')' | '$' | '^' | '~' | '%'
            )
    });
    first_ok
        && chars_ok
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #")
        && !resolves_to_non_string(s)
}

/// Null, boolean, number (any base, `_` separators, sexagesimal), `.inf`/`.nan`, timestamp:
/// what a YAML 1.1 or 1.2 reader would not take as a string.
fn resolves_to_non_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "null", "Null", "NULL", "~", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true",
        "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "<<", "=",
    ];
    if WORDS.contains(&s) {
        return true;
    }
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let digits: String = unsigned.chars().filter(|c| *c != '_').collect();
    is_integer(&digits) || is_float(&digits) || is_sexagesimal(unsigned) || is_timestamp(s)
}

fn all_in(s: &str, f: impl Fn(char) -> bool) -> bool {
    !s.is_empty() && s.chars().all(f)
}

/// Decimal, `0x…`, `0o…`, `0b…`, or YAML 1.1's `0…` octal (all decimal digits anyway).
fn is_integer(s: &str) -> bool {
    let radix = |prefixes: [&str; 2]| prefixes.iter().find_map(|p| s.strip_prefix(p));
    if let Some(hex) = radix(["0x", "0X"]) {
        return all_in(hex, |c| c.is_ascii_hexdigit());
    }
    if let Some(oct) = radix(["0o", "0O"]) {
        return all_in(oct, |c| c.is_digit(8));
    }
    if let Some(bin) = radix(["0b", "0B"]) {
        return all_in(bin, |c| c == '0' || c == '1');
    }
    all_in(s, |c| c.is_ascii_digit())
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (go-yaml's and YAML 1.2's float), or any
/// digits-and-dots form YAML 1.1's looser float pattern takes with a single dot.
fn is_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        all_in(e, |c| c.is_ascii_digit())
    });
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (int.is_empty() || all_in(int, |c| c.is_ascii_digit()))
                && frac.chars().all(|c| c.is_ascii_digit())
                && !(int.is_empty() && frac.is_empty())
        }
        None => all_in(mantissa, |c| c.is_ascii_digit()),
    };
    exponent_ok && mantissa_ok
}

/// YAML 1.1's base 60 (`12:30`, `1:20:30.5`): digits, colons and at most one dot.
fn is_sexagesimal(s: &str) -> bool {
    s.contains(':')
        && s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ':' | '.' | '_'))
}

/// `YYYY-M-D…` (YAML 1.1 timestamps start so; kubectl quotes them too).
fn is_timestamp(s: &str) -> bool {
    let mut parts = s.splitn(3, '-');
    let year = parts.next().unwrap_or("");
    let month = parts.next().unwrap_or("");
    let day: String = parts
        .next()
        .unwrap_or("")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    year.len() == 4
        && all_in(year, |c| c.is_ascii_digit())
        && (1..=2).contains(&month.len())
        && all_in(month, |c| c.is_ascii_digit())
        && (1..=2).contains(&day.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::reference::{kroute_json, reference_json};

    /// (string, written plain?). Quoted ones are those a YAML 1.1 or 1.2 reader would read as
    /// something else, or that YAML's syntax would misread.
    const PLAIN: &[(&str, bool)] = &[
        ("web", true),
        ("nginx:1.25", true),
        ("k8s.io/ingress-nginx", true),
        ("10.96.0.10", true),
        ("a b", true),
        ("héllo", true),
        ("8080x", true),
        ("app.kubernetes.io/name", true),
        ("", false),
        ("yes", false),
        ("on", false),
        ("Off", false),
        ("n", false),
        ("y", false),
        ("null", false),
        ("~", false),
        ("true", false),
        ("80", false),
        ("-1", false),
        ("+1", false),
        ("0755", false),
        ("0x1F", false),
        ("0o17", false),
        ("0b101", false),
        ("1_000", false),
        ("1e3", false),
        ("1.5", false),
        (".5", false),
        ("5.", false),
        (".inf", false),
        ("-.Inf", false),
        (".NaN", false),
        ("12:30", false),
        ("1:20:30.5", false),
        ("2001-12-14", false),
        ("2025-01-03T14:59:54Z", false),
        ("<<", false),
        ("=", false),
        ("a: b", false),
        ("a:", false),
        ("a #b", false),
        ("#a", false),
        ("- a", false),
        ("-a", false),
        ("*a", false),
        ("&a", false),
        ("!a", false),
        ("%a", false),
        ("@a", false),
        ("`a", false),
        ("'a'", false),
        ("\"a\"", false),
        ("{a}", false),
        ("[a]", false),
        ("a,b", false),
        ("|", false),
        (">", false),
        ("?", false),
        (" a", false),
        ("a ", false),
        ("a\tb", false),
    ];

    #[test]
    fn strings_are_plain_only_when_every_reader_agrees() {
        for (s, plain) in PLAIN {
            assert_eq!(is_plain_safe(s), *plain, "{s:?}");
        }
    }

    /// (value, the document written).
    const DOCUMENTS: &[(&str, &str)] = &[
        (
            r#"{"a": {"b": [1, {"c": "x", "d": [true, null]}, []], "e": {}}}"#,
            "a:\n  b:\n  - 1\n  - c: x\n    d:\n    - true\n    - null\n  - []\n  e: {}\n",
        ),
        (r#"{"s": [[1, 2], ["a"]]}"#, "s:\n- - 1\n  - 2\n- - a\n"),
        (r#"{"k": "it's"}"#, "k: 'it''s'\n"),
        (r#"{"k": "a\u0007b\u2028c"}"#, "k: \"a\\x07b\\u2028c\"\n"),
        (r#"{"k": "line\r\nbreak"}"#, "k: \"line\\r\\nbreak\"\n"),
        (r#"{"k": "two\nlines"}"#, "k: |-\n  two\n  lines\n"),
        (r#"{"k": ["a\n\nb\n"]}"#, "k:\n- |\n  a\n\n  b\n"),
        (r#"{"k": {"l": "kept\n\n"}}"#, "k:\n  l: |+\n    kept\n\n"),
        (r#"{"k": " indented\nfirst"}"#, "k: \" indented\\nfirst\"\n"),
        (
            r#"{"80": "x", "yes": 1.5, "n": -2}"#,
            "'80': x\n'yes': 1.5\n'n': -2\n",
        ),
    ];

    #[test]
    fn documents_are_block_style_and_read_back_the_same() {
        for (json, yaml) in DOCUMENTS {
            let value: Json = crate::json::from_str(json).unwrap();
            assert_eq!(document(&value), *yaml, "{json}");
            // Read back by kroute's reader and by serde_yaml_ng (libyaml, as kubectl's go-yaml).
            let want = drop_nulls(value);
            assert_eq!(kroute_json(yaml), Ok(want.clone()), "{json}");
            assert_eq!(reference_json(yaml), Ok(want), "{json}");
        }
    }

    proptest::proptest! {
        /// Any string, as a key, a value or a sequence item, reads back as itself.
        #[test]
        fn any_string_reads_back(s in "\\PC*|[ -~\\n\\t\\r\\u{85}\\u{2028}\\u{feff}é]{0,12}") {
            let value = crate::json!({"k": s, (s.clone()): "v", "l": [s.clone(), {"m": s.clone()}]});
            let yaml = document(&value);
            proptest::prop_assert_eq!(kroute_json(&yaml), Ok(value.clone()), "{}", yaml);
            proptest::prop_assert_eq!(reference_json(&yaml), Ok(value), "{}", yaml);
        }
    }

    /// The manifest reader drops entries whose value is null (see `convert.rs`); sequence items
    /// stay.
    fn drop_nulls(v: Json) -> Json {
        match v {
            Json::Object(m) => Json::Object(
                m.into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k, drop_nulls(v)))
                    .collect(),
            ),
            Json::Array(a) => Json::Array(a.into_iter().map(drop_nulls).collect()),
            other => other,
        }
    }
}
