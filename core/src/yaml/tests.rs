//! The reader's edge cases, as tables: YAML → the JSON value (through `convert`, as the
//! manifest reader sees it); YAML → the error, where and why; and every deliberate difference
//! from serde_yaml_ng, with what each reader does.

use alloc::string::String;
use alloc::vec::Vec;

use crate::json::Value as Json;

use crate::manifest::reference::{kroute_json, reference_json};

/// (what, YAML, the JSON value as JSON text). Entries whose value is null are dropped, as the
/// manifest reader drops them.
const VALUES: &[(&str, &str, &str)] = &[
    // --- Block structure.
    ("a block mapping", "a: 1\nb: x", r#"{"a": 1, "b": "x"}"#),
    ("nested, odd indentation", "a:\n   b:\n    c: 1\n   d: 2\ne: 3", r#"{"a": {"b": {"c": 1}, "d": 2}, "e": 3}"#),
    ("a sequence under a key at the key's indentation", "a:\n- 1\n- 2\nb: 3", r#"{"a": [1, 2], "b": 3}"#),
    ("a sequence under a key, indented", "a:\n    - 1\n    - 2", r#"{"a": [1, 2]}"#),
    ("compact nested sequences", "- - a\n  - b\n- - c", r#"[["a", "b"], ["c"]]"#),
    ("a compact mapping in a sequence", "- a: 1\n  b: 2\n-   c: 3\n    d: 4", r#"[{"a": 1, "b": 2}, {"c": 3, "d": 4}]"#),
    ("an item on the line after its dash", "-\n  a: 1\n-\n  - x", r#"[{"a": 1}, ["x"]]"#),
    ("empty items and values", "- \n-\n- a: \n  b:", r#"[null, null, {}]"#),
    ("explicit keys", "? a\n: 1\n? b\n? c\n: 2", r#"{"a": 1, "c": 2}"#),
    ("an explicit key with a compact value", "? a\n: - 1\n  - 2", r#"{"a": [1, 2]}"#),
    ("comments everywhere", "# head\na: 1 # after\n  # indented\n# column 1\nb: # before the value\n  - x # item\n", r#"{"a": 1, "b": ["x"]}"#),
    ("CRLF line ends", "a: 1\r\nb:\r\n  - x\r\n  - 'y\r\n    z'\r\nc: |\r\n  l\r\n", r#"{"a": 1, "b": ["x", "y z"], "c": "l\n"}"#),
    // (serde_yaml_ng refuses a byte-order mark; the manifest reader cuts it off before.)
    ("a byte-order mark", "\u{feff}a: 1\nb: 2", r#"{"a": 1, "b": 2}"#),
    ("tabs as separators", "a:\tb\nc: [1,\t2]\nd: x\t# comment", r#"{"a": "b", "c": [1, 2], "d": "x"}"#),
    ("a root scalar", "hello", r#""hello""#),
    ("a document of comments", "# only\n   # comments\n", "null"),
    ("properties on their own line", "a: &x\n  b: 1\nc: *x\nd: !!str\n  42", r#"{"a": {"b": 1}, "c": {"b": 1}, "d": "42"}"#),
    ("properties split over lines", "&a\n!!str\n42", r#""42""#),
    ("properties of an empty key", "!!str : a", r#"{"": "a"}"#),
    // --- Plain scalars.
    ("a multi-line plain scalar folds", "a: one\n  two\n\n  three\n\n\n  four", r#"{"a": "one two\nthree\n\nfour"}"#),
    ("a plain value on the lines below its key", "a:\n  one\n  two\nb: 1", r#"{"a": "one two", "b": 1}"#),
    ("# and : inside plain scalars", "a: b#c\nd: http://x:80/y?z=1#f\ne: b #comment", r##"{"a": "b#c", "d": "http://x:80/y?z=1#f", "e": "b"}"##),
    ("plain keys with spaces and indicators", "a b: 1\n-x: 2\n?y: 3\n:z: 4\nk:{\"p\":80}: {}", r#"{"a b": 1, "-x": 2, "?y": 3, ":z": 4, "k:{\"p\":80}": {}}"#),
    ("managedFields keys", "f:spec:\n  f:ports:\n    k:{\"port\":80,\"protocol\":\"TCP\"}: {}", r#"{"f:spec": {"f:ports": {"k:{\"port\":80,\"protocol\":\"TCP\"}": {}}}}"#),
    ("a multi-line plain scalar in flow context", "[a\n b\n\n c, d]", r#"["a b\nc", "d"]"#),
    // --- Quoted scalars.
    ("single quotes", "a: 'it''s # not a comment'\nb: ''", r##"{"a": "it's # not a comment", "b": ""}"##),
    ("single quotes fold", "a: 'one\n  two\n\n  three  \n  '", r#"{"a": "one two\nthree "}"#),
    (
        "every double-quoted escape",
        r#"a: "\0\a\b\t\	\n\v\f\r\e\ \"\/\\\N\_\L\P\x41\u00e9\U0001F600""#,
        r#"{"a": "\u0000\u0007\b\t\t\n\u000b\f\r\u001b \"/\\\u0085\u00a0\u2028\u2029Aé😀"}"#,
    ),
    ("double quotes fold, \\ joins lines", "a: \"one\n  two\n\n  three \\\n    four\\\n  \\ five\"", r#"{"a": "one two\nthree four five"}"#),
    ("an escaped line break before an empty line", "a: \"a\\\n\n  b\"", r#"{"a": "a\nb"}"#),
    ("quoted strings are strings", "a: '1'\nb: \"true\"\nc: \"null\"\nd: '~'", r#"{"a": "1", "b": "true", "c": "null", "d": "~"}"#),
    ("quoted keys", "'a: b': 1\n\"c\\td\": 2\n\"\": 3", r#"{"a: b": 1, "c\td": 2, "": 3}"#),
    // --- Block scalars.
    ("literal, clipped", "a: |\n  one\n   two\n\n  three\n\n\nb: 1", r#"{"a": "one\n two\n\nthree\n", "b": 1}"#),
    ("literal, stripped and kept", "a: |-\n  x\n\n\nb: |+\n  y\n\n\nc: 1", r#"{"a": "x", "b": "y\n\n\n", "c": 1}"#),
    ("folded", "a: >\n  one\n  two\n\n  three\n    indented\n  four\n", r#"{"a": "one two\nthree\n  indented\nfour\n"}"#),
    ("folded, stripped", "- >-\n  a\n  b\n- >+\n  c\n", r#"["a b", "c\n"]"#),
    ("indentation indicators", "a: |2\n    two more\n  base\nb: >1-\n  x", r#"{"a": "  two more\nbase\n", "b": " x"}"#),
    ("leading empty lines", "a: |\n\n  x\nb: |\n  \n   \n   y", r#"{"a": "\nx\n", "b": "\n\ny"}"#),
    ("empty block scalars", "a: |\nb: |+\n\nc: >-\n", r#"{"a": "", "b": "\n", "c": ""}"#),
    ("a block scalar keeps # and :", "a: |\n  # not a comment\n  key: not a key\n  - not an item\n", r##"{"a": "# not a comment\nkey: not a key\n- not an item\n"}"##),
    ("a block scalar in a sequence, the last without a line break", "- |\n  x\n- >\n y", r#"["x\n", "y"]"#),
    // --- Flow collections.
    ("JSON", "{\"a\": [1, 2.5, true, null, \"x\"], \"b\": {}}", r#"{"a": [1, 2.5, true, null, "x"], "b": {}}"#),
    ("JSON without spaces", "{\"a\":1,\"b\":[{\"c\":\"d\"}]}", r#"{"a": 1, "b": [{"c": "d"}]}"#),
    ("KYAML: many lines, trailing commas, comments", "{\n  a: [\n    1,\n    2, # two\n  ],\n  b: {c: d,},\n}", r#"{"a": [1, 2], "b": {"c": "d"}}"#),
    ("a closing bracket at column 1", "a: [\n  1,\n]\nb: 2", r#"{"a": [1], "b": 2}"#),
    ("flow pairs in a sequence", "[a: 1, b, ? c : 2, \"d\":3]", r#"[{"a": 1}, "b", {"c": 2}, {"d": 3}]"#),
    ("flow mapping entries without values", "{a, b: , c: 1, ? d}", r#"{"c": 1}"#),
    ("flow scalars with ':' and '-'", "[a:b, -1, -x, http://x]", r#"["a:b", -1, "-x", "http://x"]"#),
    ("a flow collection as a block value on the next line", "a:\n  [1,\n 2]", r#"{"a": [1, 2]}"#),
    // --- Scalar resolution (serde_yaml_ng's, YAML 1.2 core).
    ("nulls", "[~, null, Null, NULL, '']", r#"[null, null, null, null, ""]"#),
    ("booleans, not YAML 1.1's", "[true, True, TRUE, false, False, FALSE, yes, no, on, off, y, n, tRUE]", r#"[true, true, true, false, false, false, "yes", "no", "on", "off", "y", "n", "tRUE"]"#),
    ("integers", "[0, +1, -1, 007, -0, 0x1F, -0x1f, +0x10, 0o17, -0o17, 0b101, 0x, 1_000, 0X1F]", r#"[0, 1, -1, "007", 0, 31, -31, 16, 15, -15, 5, "0x", "1_000", "0X1F"]"#),
    ("64-bit bounds", "[18446744073709551615, -9223372036854775808]", r#"[18446744073709551615, -9223372036854775808]"#),
    // (2^130: a float JSON's own reader reads exactly too.)
    ("beyond 128 bits: a float", "[1361129467683753853853498429727072845824]", r#"[1.361129467683753853853498429727072845824e39]"#),
    ("floats", "[1.5, .5, 1., -1.5e-3, 1e5, 1E+5, 012.5, 0e5, +.5]", r#"[1.5, 0.5, 1.0, -0.0015, 100000.0, 100000.0, 12.5, 0.0, 0.5]"#),
    ("words that are not floats", "[1e400, inf, nan, +.nan, .Inf., 1e, e5, '.inf']", r#"["1e400", "inf", "nan", "+.nan", ".Inf.", "1e", "e5", ".inf"]"#),
    ("strings", "[a, 12:30, 1.2.3, 0x1g, '007']\n", r#"["a", "12:30", "1.2.3", "0x1g", "007"]"#),
    ("a dash alone in block context", "- -\n- a", r#"[[null], "a"]"#),
    // --- Keys become strings.
    ("scalar keys", "80: a\n0x51: b\n1.5: c\n1e16: d\ntrue: e\n-1: f\n.5: g", r#"{"80": "a", "81": "b", "1.5": "c", "1e16": "d", "true": "e", "-1": "f", "0.5": "g"}"#),
    ("one YAML key per JSON key: the last of equal strings wins", "1: a\n'1': b", r#"{"1": "b"}"#),
    // --- Tags.
    ("core tags", "a: !!str 42\nb: !!int \"42\"\nc: !!float 1\nd: !!bool 'true'\ne: !!null ~\nf: !!str\ng: !!binary aGk=", r#"{"a": "42", "b": 42, "c": 1.0, "d": true, "f": "", "g": "aGk="}"#),
    ("local and verbatim tags", "a: !local 42\nb: ! 42\nc: !<tag:yaml.org,2002:str> 42\nd: !<tag:example.com,2000:x> 42\ne: !<!x> 7", r#"{"a": 42, "b": 42, "c": "42", "d": "42", "e": 7}"#),
    ("tags on collections", "a: !!map {b: 1}\nc: !!seq [1]\nd: !k8s [2]\ne: !!str {f: 1}", r#"{"a": {"b": 1}, "c": [1], "d": [2], "e": {"f": 1}}"#),
    ("a tag before a comma", "[!!str , a]", r#"["", "a"]"#),
    // --- Anchors, aliases, merges.
    ("aliases of every kind", "a: &s x\nb: &m {k: v}\nc: &q [1]\nd: [*s, *m, *q]", r#"{"a": "x", "b": {"k": "v"}, "c": [1], "d": ["x", {"k": "v"}, [1]]}"#),
    ("an anchor redefined", "a: &x 1\nb: *x\nc: &x 2\nd: *x", r#"{"a": 1, "b": 1, "c": 2, "d": 2}"#),
    ("an alias as a key", "a: &k key\n*k : 1", r#"{"a": "key", "key": 1}"#),
    ("an alias as a key, no space before ':'", "a: &k key\n*k: 1", r#"{"a": "key", "key": 1}"#),
    ("merge: the mapping's own keys win", "d: &d {a: 1, b: 1}\ne:\n  <<: *d\n  b: 2", r#"{"d": {"a": 1, "b": 1}, "e": {"a": 1, "b": 2}}"#),
    ("merge: a list, earlier mappings win", "x: &x {a: 1}\ny: &y {a: 2, b: 2}\nz: {<<: [*x, *y]}", r#"{"x": {"a": 1}, "y": {"a": 2, "b": 2}, "z": {"a": 1, "b": 2}}"#),
    ("merge: an inline mapping", "a:\n  <<: {p: 1, q: 1}\n  q: 2", r#"{"a": {"p": 1, "q": 2}}"#),
    ("merge: a null own value wins and is dropped", "d: &d {a: 1}\ne: {<<: *d, a: ~}", r#"{"d": {"a": 1}, "e": {}}"#),
    ("merge: written last", "d: &d {a: 1, b: 1}\ne:\n  b: 2\n  <<: *d", r#"{"d": {"a": 1, "b": 1}, "e": {"a": 1, "b": 2}}"#),
    ("a quoted '<<' merges too (as serde_yaml_ng)", "\"<<\": {a: 1}\nb: 2", r#"{"a": 1, "b": 2}"#),
    // --- Limits, not reached.
    ("128 nested collections", concat!(
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    ), "DEEP"),
];

#[test]
fn yaml_reads_as_expected() {
    for (what, yaml, want) in VALUES {
        let want: Json = if *want == "DEEP" {
            (0..127).fold(Json::Array(Vec::new()), |inner, _| {
                Json::Array(alloc::vec![inner])
            })
        } else {
            crate::json::from_str(want).unwrap_or_else(|e| panic!("{what}: the expected JSON: {e}"))
        };
        assert_eq!(kroute_json(yaml), Ok(want), "{what}\n{yaml}");
    }
}

/// These are not deliberate differences: serde_yaml_ng reads each of them the same way.
#[test]
fn the_values_table_agrees_with_serde_yaml_ng() {
    for (what, yaml, _) in VALUES.iter().filter(|(what, _, _)| *what != "a byte-order mark") {
        assert_eq!(kroute_json(yaml), reference_json(yaml), "{what}\n{yaml}");
    }
}

/// (what, YAML, line, column, the message). Positions are 1-based, in the text.
const ERRORS: &[(&str, &str, u32, u32, &str)] = &[
    // --- Structure.
    ("a tab as indentation", "a:\n\tb: 1", 2, 1, "a tab cannot indent a line of YAML: indent with spaces"),
    ("a tab indenting a block scalar", "a: |\n  x\n\ty", 3, 1, "a tab cannot indent a block scalar's lines: indent with spaces"),
    ("a tab indenting a plain scalar's next line", "a: b\n\tc", 2, 1, "a tab cannot indent a line of YAML: indent with spaces"),
    ("a line between two indentations", "a:\n    b: 1\n  c: 2", 3, 3, "this line is indented less than the block above it (column 5) and more than the keys of its mapping (column 1): check its indentation"),
    ("a line indented under a scalar", "a: \"x\"\n  b: 1", 2, 3, "this line is indented more than the keys of its mapping (column 1) but is not part of the value above: check its indentation"),
    ("a sequence item after a mapping's entries", "a: 1\n- b", 2, 1, "a sequence item cannot follow a mapping's entries at the same indentation: indent it under its key, or start a key here"),
    ("a line that is not a key", "a: 1\nb\nc: 2", 2, 1, "expected a key (key: value) here, at the indentation of the mapping's other keys (column 1)"),
    ("a mapping on its key's line", "a: b: c", 1, 5, "a mapping cannot start on the same line as its key: put it on the next line, indented"),
    ("a sequence on its key's line", "a: - b", 1, 4, "a sequence item (- ) cannot start here: a block collection starts on a line of its own"),
    ("a key over two lines", "a: b\n  c: d", 2, 4, "a key must be on one line: this ':' follows a value that spans lines (or a nested mapping that should start on a line of its own)"),
    ("a key too long", "LONGKEY", 1, 1, "a key longer than 1024 characters must be written as an explicit key (? key)"),
    ("text after a value", "a: [1] 2", 1, 8, "unexpected text after the value (a value ends its line, or this line is not indented the way it should be)"),
    ("content after the document", "- a\nb", 2, 1, "unexpected content after the end of the document (check its indentation, or separate documents with ---)"),
    ("a line indented less than the document's first", "  a: 1\n b: 2", 2, 2, "this line is indented less than the document's top-level block (column 3): check its indentation, or separate documents with ---"),
    ("a directive inside a document", "a: 1\n%YAML 1.2\n", 2, 1, "'%' cannot start a plain value here (a directive goes before ---): quote it"),
    ("a directive without ---", "%YAML 1.2\na: 1", 1, 1, "a directive (%YAML, %TAG) may only come before a document's ---"),
    ("a comment glued to a value", "a: \"x\"#c", 1, 7, "a comment must be separated from the value before it by a space"),
    ("a reserved character", "a: `b`", 1, 4, "'`' is reserved and cannot start a plain value: quote it"),
    // --- Flow collections.
    ("an unclosed '['", "a: [1,\n  2", 1, 4, "this '[' is never closed with ']'"),
    ("an unclosed '{'", "{a: 1", 1, 1, "this '{' is never closed with '}'"),
    ("a missing comma", "[\"a\" \"b\"]", 1, 6, "expected ',' or ']' here, between the items of a flow sequence"),
    ("a missing comma in a mapping", "{\"a\": \"1\" \"b\": 2}", 1, 11, "expected ',' or '}' here, between the entries of a flow mapping"),
    ("two commas", "[1,,2]", 1, 4, "expected a value before ','"),
    ("a flow pair's key over two lines", "[a\n b: c]", 2, 3, "the key of a pair in a flow sequence ([key: value]) must be on one line"),
    ("a block scalar in a flow collection", "[|\n x]", 1, 2, "a block scalar (| or >) cannot be inside a flow collection: quote the value"),
    // --- Scalars.
    ("an unclosed single quote", "a: 'x\n", 1, 4, "this quoted value is never closed: no ' before the end of the document"),
    ("an unclosed double quote", "a: \"x", 1, 4, "this quoted value is never closed: no \" before the end of the document"),
    ("an unknown escape", "a: \"\\q\"", 1, 5, "\\q is not an escape of a double-quoted string (write \\\\ for a backslash)"),
    ("a short \\u escape", "a: \"\\u12\"", 1, 5, "\\u must be followed by 4 hexadecimal digits naming a Unicode character"),
    ("a surrogate \\u escape", "a: \"\\ud800\"", 1, 5, "\\u must be followed by 4 hexadecimal digits naming a Unicode character"),
    ("a block scalar header with text", "a: |x", 1, 5, "after | or > only a chomping indicator (- or +), an indentation digit (1-9) and a comment may follow on the line"),
    ("an indentation indicator of 0", "a: |0\n x", 1, 5, "a block scalar's indentation indicator is 1 to 9, not 0"),
    ("a control character", "a: b\n c\u{1}", 2, 3, "the control character U+0001 is not allowed in YAML (write it as an escape in a double-quoted string)"),
    ("a carriage return alone", "a: 1\rb: 2", 1, 5, "a carriage return (\\r) must be followed by a line feed (\\n): save the text with LF or CRLF line ends"),
    // --- Properties.
    ("two anchors", "a: &x &y 1", 1, 7, "a node takes one anchor and one tag"),
    ("an anchor glued to its value", "a: &x[1]", 1, 6, "a space must separate an anchor from the value it names"),
    ("an anchor without a name", "a: & 1", 1, 5, "an anchor (&) needs a name"),
    ("an alias with an anchor", "a: &x 1\nb: &y *x", 2, 4, "an alias (*) cannot have an anchor or a tag"),
    ("an undefined tag handle", "a: !e!x 1", 1, 4, "the tag handle !e! is not defined (a %TAG directive cannot reach a document here)"),
    ("an empty core tag", "a: !! 1", 1, 4, "!! must be followed by a tag name (!!str)"),
    ("a tag with a non-URI character", "a: !é 1", 1, 5, "a tag is made of letters, digits and URI punctuation (%-escape anything else), and a space separates it from the value"),
    ("!!int on a word", "a: !!int x", 1, 4, "the tag asks for an integer, but the value is \"x\""),
    ("!!bool on yes", "a: !!bool yes", 1, 4, "the tag asks for a boolean (true or false), but the value is \"yes\""),
    ("!!float on a word", "a: !!float x", 1, 4, "the tag asks for a finite number or .inf, -.inf, .nan, but the value is \"x\""),
    ("!!null on a word", "a: !!null x", 1, 4, "the tag asks for null (~, null), but the value is \"x\""),
    // --- Anchors, merges, keys.
    ("an unknown alias", "a: *x", 1, 4, "the alias *x names no anchor: &x must come before it"),
    ("an alias before its anchor", "a: *x\nb: &x 1", 1, 4, "the alias *x names no anchor: &x must come before it"),
    ("an alias inside its own node", "a: &x {b: [*x]}", 1, 12, "the alias *x is inside the node &x names: a value cannot contain itself"),
    ("a merge of a string", "a: {<<: x}", 1, 9, "a merge key (<<) takes a mapping to merge, or a list of them, not a string"),
    ("a merge of null", "a:\n  <<:\n  b: 1", 2, 5, "a merge key (<<) takes a mapping to merge, or a list of them, not null"),
    ("a merge list with a scalar", "x: &x {a: 1}\ny: {<<: [*x, 1]}", 2, 14, "every item of a merge key's list (<<: [*a, *b]) must be a mapping; item 1 is a number"),
    ("a merge of a sequence alias", "x: &x [1]\ny: {<<: *x}", 2, 9, "every item of a merge key's list (<<: [*a, *b]) must be a mapping; item 0 is a number"),
    ("a repeated key", "a: 1\nb: 2\na: 3", 3, 1, "the key \"a\" appears twice in this mapping (first at line 1, column 1)"),
    ("a repeated key in a flow mapping", "{a: 1, a: 2}", 1, 8, "the key \"a\" appears twice in this mapping (first at line 1, column 2)"),
    ("keys equal as numbers", "1: a\n0x1: b", 2, 1, "the key 1 appears twice in this mapping (first at line 1, column 1)"),
    ("keys equal as floats", "1.0: a\n1.00: b", 2, 1, "the key 1.0 appears twice in this mapping (first at line 1, column 1)"),
    ("keys equal as floats, with an exponent", "1e16: a\n10000000000000000.0: b", 2, 1, "the key 1e16 appears twice in this mapping (first at line 1, column 1)"),
    ("a repeated key with a quote and a tab", "\"a\\\"\\tb\": 1\n'a\"\tb': 2", 2, 1, "the key \"a\\\"\\tb\" appears twice in this mapping (first at line 1, column 1)"),
    ("keys equal as booleans", "true: a\nTrue: b", 2, 1, "the key true appears twice in this mapping (first at line 1, column 1)"),
    ("two merge keys", "x: &x {a: 1}\ny:\n  <<: *x\n  <<: *x", 4, 3, "the key \"<<\" appears twice in this mapping (first at line 3, column 3)"),
    ("a repeat among many keys", "MANY", 29, 1, "the key \"k7\" appears twice in this mapping (first at line 8, column 1)"),
    // --- Limits.
    ("129 nested collections", "DEEP", 1, 129, "collections are nested more than 128 levels deep here"),
    ("deep through an alias", "ALIASDEEP", 2, 68, "through *x, collections are nested more than 128 levels deep"),
    (
        "a billion laughs (at the alias that passes the limit)",
        "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
        6,
        12,
        "aliases expand this document to more than 250000 values (nested aliases that multiply, a \"billion laughs\")",
    ),
];

/// The generated texts of the table: too long to write out.
fn error_text(yaml: &str) -> String {
    match yaml {
        "LONGKEY" => alloc::format!("{}: 1", "k".repeat(1025)),
        "DEEP" => alloc::format!("{}{}", "[".repeat(129), "]".repeat(129)),
        "ALIASDEEP" => alloc::format!(
            "x: &x {}{}\ny: {}*x{}",
            "[".repeat(64),
            "]".repeat(64),
            "[".repeat(64),
            "]".repeat(64)
        ),
        "MANY" => {
            let mut text: String = (0..28).map(|i| alloc::format!("k{i}: {i}\n")).collect();
            text.push_str("k7: again\nk3: again\n");
            text
        }
        other => other.into(),
    }
}

#[test]
fn malformed_yaml_is_an_error_where_it_is() {
    for (what, yaml, line, column, message) in ERRORS {
        let text = error_text(yaml);
        let err = super::parse(&text, 1, 1).map(|_| ()).unwrap_err_or_else(what);
        assert_eq!(
            (err.pos.line, err.pos.column, err.message.as_str()),
            (*line, *column, *message),
            "{what}\n{text}"
        );
    }
}

/// serde_yaml_ng refuses every one of them too (the differences are the next table).
#[test]
fn the_errors_table_is_refused_by_serde_yaml_ng_too() {
    for (what, yaml, _, _, _) in ERRORS {
        let text = error_text(yaml);
        let agreed = [
            // libyaml accepts it; see the deliberate differences.
            "a comment glued to a value",
            "a carriage return alone",
            // libyaml treats U+0001 the same, but `a control character` reads `c\u{1}`: refused.
        ];
        if agreed.contains(what) {
            continue;
        }
        assert!(
            reference_json(&text).is_err(),
            "{what}: serde_yaml_ng accepts\n{text}"
        );
    }
}

trait UnwrapErr<E> {
    fn unwrap_err_or_else(self, what: &str) -> E;
}

impl<T, E> UnwrapErr<E> for Result<T, E> {
    fn unwrap_err_or_else(self, what: &str) -> E {
        match self {
            Ok(_) => panic!("{what}: read without an error"),
            Err(e) => e,
        }
    }
}

/// Positions are the stream's: a document starting on line 7 after `---` (column 4) reports
/// its first line's columns shifted by 3, and later lines as they are.
#[test]
fn errors_are_positioned_in_the_stream() {
    let first = super::parse(" {a: [\"x\" \"y\"]}", 7, 4).unwrap_err();
    assert_eq!((first.pos.line, first.pos.column), (7, 14));
    let later = super::parse("\na: 1\nb: *x", 7, 4).unwrap_err();
    assert_eq!((later.pos.line, later.pos.column), (9, 4));
    // Columns count characters, not bytes.
    let wide = super::parse("é: [\"ü\" 1]", 1, 1).unwrap_err();
    assert_eq!((wide.pos.line, wide.pos.column), (1, 9));
}

/// A repeated key's error carries the path to it.
#[test]
fn a_repeated_key_has_its_path() {
    let err = super::parse("a:\n  - {}\n  - b: 1\n    c:\n      d: 1\n      d: 2\n", 1, 1).unwrap_err();
    let path: Vec<String> = err
        .path
        .unwrap()
        .into_iter()
        .map(|s| match s {
            super::Step::Key(k) => k,
            super::Step::Index(i) => alloc::format!("[{i}]"),
        })
        .collect();
    assert_eq!(path, ["a", "[1]", "c", "d"]);
}

/// Where the two readers differ on purpose: (what, YAML, kroute's result, serde_yaml_ng's
/// result), each an `Ok` JSON text or `Err` with the start of the error's message. YAML 1.2
/// decides: what it allows and libyaml refuses is read, what it forbids and libyaml accepts is
/// refused; merges follow the merge key's definition (yaml.org/type/merge.html).
type Outcome = Result<&'static str, &'static str>;

const DELIBERATE: &[(&str, &str, Outcome, Outcome)] = &[
    // YAML 1.2 allows, libyaml refuses.
    (
        "a tab after '- '",
        "- \tb",
        Ok(r#"["b"]"#),
        Err("found character that cannot start any token"),
    ),
    (
        "a tab in a blank line",
        "- 1\n\t\n- 2",
        Ok("[1, 2]"),
        Err("found a tab character that violates indentation"),
    ),
    (
        "a tab before a comment line",
        "\t# c\na: 1",
        Ok(r#"{"a": 1}"#),
        Err("found character that cannot start any token"),
    ),
    (
        "an anchor name beyond letters and digits",
        "a: &x.y 1\nb: *x.y",
        Ok(r#"{"a": 1, "b": 1}"#),
        Err("did not find expected alphabetic or numeric character"),
    ),
    (
        "a multi-line key in a flow mapping",
        "{a\n  b: c}",
        Ok(r#"{"a b": "c"}"#),
        Err("did not find expected ',' or '}'"),
    ),
    (
        "a flow mapping's ':' on the key's next line",
        "{\"a\"\n: 1}",
        Ok(r#"{"a": 1}"#),
        Err("did not find expected ',' or '}'"),
    ),
    (
        "an empty value before ','",
        "{a:, b: c}",
        Ok(r#"{"b": "c"}"#),
        Err("found unexpected ':'"),
    ),
    (
        "':' then '?' in a flow plain scalar",
        "[a:?b]",
        Ok(r#"["a:?b"]"#),
        Err("found unexpected ':'"),
    ),
    (
        "':x' is a plain scalar in flow context",
        "[:x]",
        Ok(r#"[":x"]"#),
        Err("did not find expected node content"),
    ),
    (
        "'?x' is a plain scalar in flow context",
        "[?x]",
        Ok(r#"["?x"]"#),
        Ok("[{}]"),
    ),
    (
        "a tag right before ']'",
        "[!!str]",
        Ok(r#"[""]"#),
        Err("did not find expected whitespace or line break"),
    ),
    (
        "'#' in a tag",
        "a: !!str#c x",
        Ok(r#"{"a": "x"}"#),
        Err("did not find expected whitespace or line break"),
    ),
    (
        "!!null on an empty value",
        "a: !!null\nb: 1",
        Ok(r#"{"b": 1}"#),
        Err("a: invalid value: string \"\", expected null"),
    ),
    (
        "U+2028 and U+0085 are content, not line breaks",
        "a: x\u{2028}y\u{85}z",
        Ok("{\"a\": \"x\u{2028}y\u{85}z\"}"),
        Err("could not find expected ':'"),
    ),
    // YAML 1.2 forbids, libyaml accepts.
    (
        "a comment glued to a value",
        "a: \"x\"#c",
        Err("a comment must be separated"),
        Ok(r#"{"a": "x"}"#),
    ),
    (
        "a carriage return alone",
        "a: 1\rb: 2",
        Err("a carriage return (\\r) must be followed"),
        Ok(r#"{"a": 1, "b": 2}"#),
    ),
    (
        "'-' alone before ',' in flow context",
        "[-, a]",
        Err("'-' cannot start a value here"),
        Ok(r#"["-", "a"]"#),
    ),
    (
        "'!' inside a tag's name",
        "a: !!s!tr x",
        Err("a tag's name cannot contain '!'"),
        Ok(r#"{"a": "x"}"#),
    ),
    // Merges, keys.
    (
        "merges are transitive: a merged mapping's own merge key is applied",
        "b: &b {<<: {a: 1}, x: 1}\nc: {<<: *b}",
        Ok(r#"{"b": {"a": 1, "x": 1}, "c": {"a": 1, "x": 1}}"#),
        Ok(r#"{"b": {"a": 1, "x": 1}, "c": {"<<": {"a": 1}, "x": 1}}"#),
    ),
    (
        "a merged mapping's own merge key is checked",
        "<<: {<<: a}",
        Err("a merge key (<<) takes a mapping"),
        Ok(r#"{"<<": "a"}"#),
    ),
    (
        "a tagged value can be merged",
        "<<: !t {a: 1}",
        Ok(r#"{"a": 1}"#),
        Err("unexpected tagged value in merge"),
    ),
    (
        "a tag does not make two equal keys different",
        "!t a: 1\na: 2",
        Err("the key \"a\" appears twice"),
        Ok(r#"{"a": 2}"#),
    ),
    (
        "every merge key is checked, even in a mapping that a merge overrides",
        "<<: {y: {<<: a}}\ny: 1",
        Err("a merge key (<<) takes a mapping"),
        Ok(r#"{"y": 1}"#),
    ),
    (
        "two keys that JSON writes alike: the later wins, with a merge key too",
        "<<: {b: 1}\n1.5: x\n'1.5': y",
        Ok(r#"{"b": 1, "1.5": "y"}"#),
        Ok(r#"{"b": 1, "1.5": "x"}"#),
    ),
];

#[test]
fn deliberate_differences_from_serde_yaml_ng() {
    fn check(what: &str, who: &str, got: Result<Json, String>, want: Result<&str, &str>) {
        match (got, want) {
            (Ok(json), Ok(text)) => {
                let want: Json = crate::json::from_str(text).unwrap_or_else(|e| panic!("{what}: {e}"));
                assert_eq!(json, want, "{what}: {who}");
            }
            (Err(message), Err(start)) => assert!(message.starts_with(start), "{what}: {who}: {message:?}"),
            (got, want) => panic!("{what}: {who} gave {got:?}, the table says {want:?}"),
        }
    }
    for (what, yaml, ours, theirs) in DELIBERATE {
        check(what, "kroute", kroute_json(yaml), *ours);
        check(what, "serde_yaml_ng", reference_json(yaml), *theirs);
    }
}

/// Hostile input: every text comes back (a value or an error), never a panic or a stack
/// overflow, and quickly.
#[test]
fn hostile_input_is_refused_in_time() {
    let laughs = {
        let mut t = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (i, c) in "bcdefghijklmnopqrstuvwxyz".chars().enumerate() {
            let prev = (b'a' + i as u8) as char;
            let refs: Vec<String> = (0..10).map(|_| alloc::format!("*{prev}")).collect();
            t.push_str(&alloc::format!("{c}: &{c} [{}]\n", refs.join(", ")));
        }
        t
    };
    let cases: Vec<String> = alloc::vec![
        "[".repeat(100_000),
        "{a: ".repeat(50_000),
        "- ".repeat(50_000),
        (0..5_000)
            .map(|i| alloc::format!("{}k:\n", " ".repeat(i)))
            .collect(),
        "&a ".repeat(1000),
        "\"".repeat(100_001),
        laughs,
        alloc::format!("{}x", "? ".repeat(10_000)),
        alloc::format!("a: |\n{}", " x\n".repeat(10_000)),
        (0..20_000)
            .map(|i| alloc::format!("&a{i} x{i}: *a{}\n", i / 2))
            .collect(),
    ];
    for text in &cases {
        let _ = kroute_json(text);
    }
    assert!(kroute_json(&cases[0]).is_err());
    assert!(kroute_json(&cases[6]).is_err());
}

/// (what, YAML, the message): YAML that reads, but has no JSON form. serde_yaml_ng's pipeline
/// refuses each too.
const NO_JSON: &[(&str, &str, &str)] = &[
    ("infinity", "a: .inf", ".inf is not a number JSON can carry"),
    (
        "minus infinity, as written",
        "a: [-.Inf]",
        "-.inf is not a number JSON can carry",
    ),
    ("not a number", "a: .NaN", ".nan is not a number JSON can carry"),
    ("a null key", "~: a", "a mapping key may not be null"),
    ("an empty key", "{: a}", "a mapping key may not be null"),
    (
        "a sequence key",
        "[a]: b",
        "a mapping key must be a string, not a list or a mapping",
    ),
    (
        "a mapping key",
        "? {a: 1}\n: b",
        "a mapping key must be a string, not a list or a mapping",
    ),
    (
        "an integer beyond 64 bits",
        "a: 18446744073709551616",
        "18446744073709551616: integer out of range",
    ),
    (
        "a negative integer beyond 64 bits",
        "a: [-9223372036854775809]",
        "-9223372036854775809: integer out of range",
    ),
    (
        "a hexadecimal integer beyond 64 bits",
        "a: 0x10000000000000000",
        "0x10000000000000000: integer out of range",
    ),
    (
        "an integer beyond 64 bits as a key",
        "18446744073709551616: a",
        "18446744073709551616: integer out of range",
    ),
    (
        "an integer beyond 64 bits that a merge overrides",
        "a:\n  <<: {l: 18446744073709551616}\n  l: a",
        "18446744073709551616: integer out of range",
    ),
    (
        "!!int beyond 64 bits",
        "a: !!int '18446744073709551616'",
        "18446744073709551616: integer out of range",
    ),
];

#[test]
fn values_json_cannot_carry_are_errors() {
    for (what, yaml, message) in NO_JSON {
        assert_eq!(kroute_json(yaml), Err(String::from(*message)), "{what}\n{yaml}");
        assert!(
            reference_json(yaml).is_err(),
            "{what}: serde_yaml_ng accepts\n{yaml}"
        );
    }
}
