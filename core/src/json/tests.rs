//! The JSON module against serde_json, the reference it replaces: the same text out, the same
//! values and refusals in, and the derives against serde's derives on the same types (the same
//! JSON, the same decoded values, the same error messages at the same paths).

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use super::*;

/// serde_json's value as ours (keys in serde_json's order, which is sorted).
pub(crate) fn from_serde(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Number(match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Number::PosInt(u),
            (None, Some(i), _) => Number::NegInt(i),
            (None, None, f) => Number::Float(f.unwrap_or(0.0)),
        }),
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(a) => Value::Array(a.iter().map(from_serde).collect()),
        serde_json::Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), from_serde(v))).collect())
        }
    }
}

fn values() -> Vec<serde_json::Value> {
    use serde_json::json;
    vec![
        json!(null),
        json!(true),
        json!(false),
        json!(0),
        json!(-1),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(1.5),
        json!(-0.25),
        json!(1e21),
        json!(1.5e-7),
        json!(123456789.0),
        json!(0.1),
        json!(1.0 / 3.0),
        json!(1e16),
        json!(1e15),
        json!(0.00001),
        json!(0.000001),
        json!(f64::MAX),
        json!(f64::MIN_POSITIVE),
        json!(""),
        json!("plain"),
        json!("quote \" backslash \\ slash / newline \n tab \t cr \r bell \u{7} del \u{7f} nul \u{0}"),
        json!("unicode é ü 日本 😀 \u{2028}"),
        json!([]),
        json!({}),
        json!([1, [2, [3, []]], {}]),
        json!({"a": 1, "b": [true, null], "c": {"d": "e", "f": {}}, "g": []}),
    ]
}

#[test]
fn writes_what_serde_json_writes() {
    for v in values() {
        let ours = from_serde(&v);
        assert_eq!(to_string(&ours), serde_json::to_string(&v).unwrap(), "{v}");
        assert_eq!(
            to_string_pretty(&ours),
            serde_json::to_string_pretty(&v).unwrap(),
            "{v}"
        );
        assert_eq!(ours.to_string(), v.to_string(), "{v}");
    }
}

#[test]
fn floats_read_back_and_match_serde_json() {
    // A spread of magnitudes and digit counts, both signs.
    let mut x = 1.0e-12_f64;
    let mut floats = vec![
        0.0, -0.0, 0.5, 2.5, 100.0, 1e-5, 9.999e-6, 1e16, 9.9e15, 123.456e20,
    ];
    while x < 1e25 {
        floats.push(x);
        floats.push(-x * 1.7);
        floats.push(x * 3.7);
        x *= 7.3;
    }
    for f in floats {
        let ours = to_string(&Value::from(f));
        assert_eq!(ours, serde_json::to_string(&f).unwrap(), "{f:e}");
        assert_eq!(ours.parse::<f64>().unwrap(), f, "{ours}");
    }
    assert_eq!(to_string(&Value::from(f64::NAN)), "null");
    assert_eq!(to_string(&Value::from(f64::INFINITY)), "null");
}

#[test]
fn reads_what_serde_json_reads() {
    for v in values() {
        for text in [
            serde_json::to_string(&v).unwrap(),
            serde_json::to_string_pretty(&v).unwrap(),
        ] {
            let ours = from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(ours, from_serde(&v), "{text}");
        }
    }
    // (text): accepted by both, the same value.
    let accepted = [
        " \n\t{ \"a\" : [ 1 , 2 ] , \"b\" : null } \r\n",
        "\"\\u00e9\\ud83d\\ude00\\/\\b\\f\"",
        "-0",
        "0.0e0",
        "1E+2",
        "1e-2",
        "18446744073709551616",
        "-9223372036854775809",
        "{\"a\":1,\"a\":2}",
    ];
    for text in accepted {
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(from_str(text).unwrap(), from_serde(&theirs), "{text}");
    }
}

#[test]
fn refuses_what_serde_json_refuses_at_the_same_place() {
    // (text, message, line, column): serde_json's message and position.
    let cases: &[(&str, &str, usize, usize)] = &[
        ("", "EOF while parsing a value", 1, 1),
        ("   ", "EOF while parsing a value", 1, 4),
        ("nul", "expected value", 1, 1),
        ("[1,", "EOF while parsing a value", 1, 4),
        ("[1 2]", "expected `,` or `]`", 1, 4),
        ("{\"a\" 1}", "expected `:`", 1, 6),
        ("{\"a\":1 \"b\":2}", "expected `,` or `}`", 1, 8),
        ("{1:2}", "key must be a string", 1, 2),
        ("\"abc", "EOF while parsing a string", 1, 5),
        ("\"a\\qb\"", "invalid escape", 1, 4),
        (
            "\"a\nb\"",
            "control character (\\u0000-\\u001F) found while parsing a string",
            1,
            3,
        ),
        ("01", "trailing characters", 1, 2),
        ("1.", "invalid number", 1, 3),
        ("-", "invalid number", 1, 2),
        ("1e", "invalid number", 1, 3),
        ("{}\n x", "trailing characters", 2, 2),
        ("[\"\\ud800\"]", "lone leading surrogate in hex escape", 1, 9),
    ];
    for (text, message, line, column) in cases {
        let err = from_str(text).unwrap_err();
        assert_eq!(
            (err.message.as_str(), err.line, err.column),
            (*message, *line, *column),
            "{text:?}"
        );
        assert!(
            serde_json::from_str::<serde_json::Value>(text).is_err(),
            "{text:?}"
        );
    }
    let deep = "[".repeat(200);
    assert_eq!(from_str(&deep).unwrap_err().message, "recursion limit exceeded");
}

#[test]
fn objects_keep_insertion_order_and_compare_as_sets() {
    let mut a = Map::new();
    a.insert("b".to_string(), Value::from(1));
    a.insert("a".to_string(), Value::from(2));
    assert_eq!(a.insert("b".to_string(), Value::from(3)), Some(Value::from(1)));
    assert_eq!(to_string(&Value::Object(a.clone())), r#"{"b":3,"a":2}"#);
    let mut sorted = Value::Object(a.clone());
    sorted.sort_keys();
    assert_eq!(to_string(&sorted), r#"{"a":2,"b":3}"#);
    assert_eq!(sorted, Value::Object(a.clone()));
    let mut other = a.clone();
    other.insert("a".to_string(), Value::from(4));
    assert_ne!(Value::Object(other), Value::Object(a.clone()));
    assert_eq!(a.remove("b"), Some(Value::from(3)));
    assert_eq!(a.remove("b"), None);
    assert_eq!(a.len(), 1);
}

// --- The derives against serde's, on the same types -------------------------------------------

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize, ToJson, FromJson)]
#[serde(default, rename_all = "camelCase")]
struct Defaulted {
    plain_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    maybe_port: Option<u16>,
    #[serde(rename = "podIP", skip_serializing_if = "String::is_empty")]
    pod_ip: String,
    items: Vec<Inner>,
    labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    empty: Vec<i64>,
    ratio: f64,
    flag: bool,
    kind: Mode,
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize, ToJson, FromJson)]
#[serde(default)]
struct Inner {
    n: i64,
    r#type: String,
}

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    ToJson,
    FromJson,
)]
#[serde(rename_all = "camelCase")]
enum Mode {
    #[default]
    RoundRobin,
    Random,
    #[serde(rename = "IPVS")]
    Ipvs,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, ToJson, FromJson)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Strict {
    url: String,
    #[serde(default)]
    method: Option<String>,
    client_ip: Option<String>,
    #[serde(default)]
    count: u32,
    modes: BTreeMap<Mode, u8>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, ToJson, FromJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
enum Internal {
    External {
        client_ip: Option<String>,
    },
    Pod {
        name: String,
        #[serde(default)]
        namespace_name: Option<String>,
    },
    Node(NodeBody),
    Nothing,
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize, ToJson, FromJson)]
#[serde(default)]
struct NodeBody {
    node: String,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, ToJson, FromJson)]
#[serde(tag = "type", content = "target", rename_all = "camelCase")]
enum Adjacent {
    Service(String),
    Pod { name: String },
    None,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, ToJson, FromJson)]
enum External {
    Unit,
    Newtype(u8),
    Struct { a: i64 },
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, ToJson)]
struct WithFlatten {
    name: String,
    #[serde(flatten)]
    rest: Inner,
    pair: (u8, String),
}

#[derive(Clone, Debug, PartialEq, ToJson)]
struct Shouting {
    #[serde(serialize_with = "as_upper", skip_serializing_if = "String::is_empty")]
    shout: String,
    quiet: String,
}

fn as_upper(s: &str) -> Value {
    Value::String(s.to_uppercase())
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, ToJson)]
struct Newtype(String);

#[derive(Clone, Debug, PartialEq, serde::Serialize, ToJson)]
struct Tuple(u8, bool);

fn check_to_json<T: ToJson + serde::Serialize + core::fmt::Debug>(cases: &[T]) {
    for case in cases {
        let theirs = serde_json::to_string(case).unwrap();
        assert_eq!(to_string(&case.to_json()), theirs, "{case:?}");
    }
}

/// Decoded the same, or refused with the same message at the same path (with `paths`; serde
/// loses the path inside internally tagged enums, which it reads through a buffer).
fn check_from_json_paths<T>(texts: &[&str], paths: bool)
where
    T: FromJson + serde::de::DeserializeOwned + PartialEq + core::fmt::Debug,
{
    for text in texts {
        let json: serde_json::Value = serde_json::from_str(text).unwrap();
        let theirs = serde_path_to_error::deserialize::<_, T>(&json);
        let ours = decode_with_path::<T>(&from_serde(&json));
        match (ours, theirs) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
            (Err(a), Err(b)) => {
                let path = b.path().to_string();
                let path = if path == "." { String::new() } else { path };
                assert_eq!(a.message, b.inner().to_string(), "{text}");
                if paths {
                    assert_eq!(a.path, path, "{text}");
                }
            }
            (a, b) => panic!("{text}: ours {a:?}, serde {b:?}"),
        }
    }
}

fn check_from_json<T>(texts: &[&str])
where
    T: FromJson + serde::de::DeserializeOwned + PartialEq + core::fmt::Debug,
{
    check_from_json_paths::<T>(texts, true)
}

#[test]
fn derived_to_json_writes_what_serde_writes() {
    let full = Defaulted {
        plain_name: "web".to_string(),
        maybe_port: Some(80),
        pod_ip: "10.0.0.1".to_string(),
        items: vec![
            Inner {
                n: -3,
                r#type: "x".to_string(),
            },
            Inner::default(),
        ],
        labels: [
            ("b".to_string(), "2".to_string()),
            ("a".to_string(), "1".to_string()),
        ]
        .into_iter()
        .collect(),
        empty: vec![],
        ratio: 0.75,
        flag: true,
        kind: Mode::Ipvs,
    };
    check_to_json(&[full, Defaulted::default()]);
    check_to_json(&[
        Internal::External { client_ip: None },
        Internal::External {
            client_ip: Some("1.2.3.4".to_string()),
        },
        Internal::Pod {
            name: "a".to_string(),
            namespace_name: Some("n".to_string()),
        },
        Internal::Node(NodeBody {
            node: "n1".to_string(),
        }),
        Internal::Nothing,
    ]);
    check_to_json(&[
        Adjacent::Service("s".to_string()),
        Adjacent::Pod {
            name: "p".to_string(),
        },
        Adjacent::None,
    ]);
    check_to_json(&[External::Unit, External::Newtype(7), External::Struct { a: -1 }]);
    check_to_json(&[WithFlatten {
        name: "n".to_string(),
        rest: Inner {
            n: 1,
            r#type: "t".to_string(),
        },
        pair: (2, "two".to_string()),
    }]);
    check_to_json(&[Newtype("x".to_string())]);
    check_to_json(&[Tuple(1, false)]);
    check_to_json(&[Strict {
        url: "u".to_string(),
        method: None,
        client_ip: Some("c".to_string()),
        count: 3,
        modes: [(Mode::Random, 1), (Mode::RoundRobin, 2)].into_iter().collect(),
    }]);
    // serialize_with, which serde calls with a serializer, is ours alone.
    let cases = [
        ("hey", "x", r#"{"shout":"HEY","quiet":"x"}"#),
        ("", "", r#"{"quiet":""}"#),
    ];
    for (shout, quiet, json) in cases {
        let s = Shouting {
            shout: shout.to_string(),
            quiet: quiet.to_string(),
        };
        assert_eq!(to_string(&s.to_json()), json);
    }
}

#[test]
fn derived_from_json_reads_what_serde_reads() {
    check_from_json::<Defaulted>(&[
        "{}",
        r#"{"plainName":"a","maybePort":8080,"podIP":"1.2.3.4","items":[{"n":1,"type":"t"},{}],"labels":{"x":"y"},"empty":[1,-2],"ratio":1,"flag":true,"kind":"IPVS","unknown":[1]}"#,
        r#"{"maybePort":null}"#,
        r#"{"maybePort":70000}"#,
        r#"{"maybePort":-1}"#,
        r#"{"maybePort":1.5}"#,
        r#"{"plainName":5}"#,
        r#"{"plainName":null}"#,
        r#"{"items":[{"n":"x"}]}"#,
        r#"{"items":{}}"#,
        r#"{"labels":{"a":1}}"#,
        r#"{"kind":"other"}"#,
        r#"{"kind":3}"#,
        r#"{"ratio":"x"}"#,
        r#"{"flag":"yes"}"#,
        r#"{"empty":[9223372036854775808]}"#,
        "\"text\"",
        "7",
    ]);
    // One deliberate difference: serde also reads a struct from an array of its fields in
    // order; a struct is read from an object only (an array there is a wrong type either way).
    assert_eq!(
        decode_with_path::<Defaulted>(&Value::Array(vec![]))
            .unwrap_err()
            .message,
        "invalid type: sequence, expected struct Defaulted"
    );
    check_from_json::<Strict>(&[
        r#"{"url":"u","modes":{}}"#,
        r#"{"url":"u","modes":{"random":2,"IPVS":1},"method":"GET","clientIp":"1.1.1.1","count":4}"#,
        r#"{"modes":{}}"#,
        r#"{"url":"u"}"#,
        r#"{"url":"u","modes":{},"extra":1}"#,
        r#"{"url":"u","modes":{},"method":null}"#,
    ]);
    // A bad map key: serde_path_to_error says `modes.?`; the key is named.
    let bad_key = from_str(r#"{"url":"u","modes":{"bogus":1}}"#).unwrap();
    let err = decode_with_path::<Strict>(&bad_key).unwrap_err();
    assert_eq!(
        (err.path.as_str(), err.message.as_str()),
        (
            "modes.bogus",
            "unknown variant `bogus`, expected one of `roundRobin`, `random`, `IPVS`"
        )
    );
    check_from_json_paths::<Internal>(
        &[
            r#"{"kind":"external"}"#,
            r#"{"kind":"external","clientIp":"9.9.9.9"}"#,
            r#"{"kind":"pod","name":"a","namespaceName":"b"}"#,
            r#"{"kind":"pod"}"#,
            r#"{"kind":"pod","name":3}"#,
            r#"{"kind":"node","node":"n"}"#,
            r#"{"kind":"nothing","whatever":1}"#,
            r#"{"kind":"bogus"}"#,
            r#"{"name":"a"}"#,
            r#"{"kind":5}"#,
            "\"pod\"",
        ],
        false,
    );
    // (text, path): where ours says the failure is.
    let internal_paths = [
        (r#"{"kind":"pod","name":3}"#, "name"),
        (r#"{"kind":5}"#, "kind"),
        (r#"{"kind":"pod"}"#, ""),
        (r#"{"kind":"external","clientIp":[]}"#, "clientIp"),
    ];
    for (text, path) in internal_paths {
        let err = decode_with_path::<Internal>(&from_str(text).unwrap()).unwrap_err();
        assert_eq!(err.path, path, "{text}");
    }
    check_from_json_paths::<Adjacent>(
        &[
            r#"{"type":"service","target":"s"}"#,
            r#"{"type":"pod","target":{"name":"p"}}"#,
            r#"{"type":"none"}"#,
            r#"{"type":"pod","target":{}}"#,
            r#"{"type":"service","target":1}"#,
            r#"{"type":"bogus","target":1}"#,
        ],
        false,
    );
    let err = decode_with_path::<Adjacent>(&from_str(r#"{"type":"pod","target":{"name":1}}"#).unwrap());
    assert_eq!(err.unwrap_err().path, "target.name");
    check_from_json::<External>(&[
        r#""Unit""#,
        r#"{"Newtype":3}"#,
        r#"{"Struct":{"a":-5}}"#,
        r#"{"Newtype":"x"}"#,
        r#""Bogus""#,
    ]);
}

#[test]
fn the_json_macro_builds_what_serde_jsons_builds() {
    let name = "web";
    let port = 8080u16;
    let list = vec![1, 2];
    let key = String::from("dynamic");
    let ours = crate::json!({
        "apiVersion": "v1",
        "null": null,
        "flags": [true, false, null],
        "nested": {"a": {"b": []}, "c": {}},
        "name": name,
        "port": port,
        "negative": -1,
        "sum": 1 + 2,
        "call": name.len(),
        "list": list,
        "mixed": [1, "two", [3], {"four": 4}, -5, name],
        (key): 1.5,
    });
    let theirs = serde_json::json!({
        "apiVersion": "v1",
        "null": null,
        "flags": [true, false, null],
        "nested": {"a": {"b": []}, "c": {}},
        "name": name,
        "port": port,
        "negative": -1,
        "sum": 1 + 2,
        "call": name.len(),
        "list": list,
        "mixed": [1, "two", [3], {"four": 4}, -5, name],
        "dynamic": 1.5,
    });
    assert_eq!(ours, from_serde(&theirs));
    assert_eq!(crate::json!([]), Value::Array(vec![]));
    assert_eq!(crate::json!("x"), Value::from("x"));
    assert_eq!(crate::json!(null), Value::Null);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
    /// Any finite float is written so that it reads back as itself, as serde_json writes it;
    /// at a power of two the form may be one digit longer (see `float.rs`).
    #[test]
    fn any_float_reads_back(bits in proptest::prelude::any::<u64>()) {
        let x = f64::from_bits(bits);
        proptest::prop_assume!(x.is_finite());
        let ours = to_string(&Value::from(x));
        proptest::prop_assert_eq!(ours.parse::<f64>().unwrap(), x, "{}", ours);
        let theirs = serde_json::to_string(&x).unwrap();
        if ours != theirs {
            proptest::prop_assert_eq!(bits & ((1u64 << 52) - 1), 0, "{} vs {}", ours, theirs);
        }
    }
}

#[test]
fn powers_of_two_and_their_neighbours_read_back() {
    for e in -1074..1024 {
        let x = 2f64.powi(e);
        for y in [
            x,
            f64::from_bits(x.to_bits() + 1),
            f64::from_bits(x.to_bits().saturating_sub(1)),
        ] {
            if y.is_finite() && y > 0.0 {
                let text = to_string(&Value::from(y));
                assert_eq!(text.parse::<f64>().unwrap(), y, "{text}");
            }
        }
    }
}

#[test]
fn floats_at_the_edges() {
    // (float, as written)
    let cases: &[(f64, &str)] = &[
        (5e-324, "5e-324"),
        (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
        (f64::MAX, "1.7976931348623157e+308"),
        (-0.0, "-0.0"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1.0 / 3.0, "0.3333333333333333"),
        (2.0 / 3.0, "0.6666666666666666"),
        (9007199254740993.0, "9007199254740992.0"),
        (123456789012345680.0, "1.2345678901234568e+17"),
        (0.000123, "0.000123"),
        (1e-7, "1e-7"),
    ];
    for (x, text) in cases {
        assert_eq!(to_string(&Value::from(*x)), *text, "{x:e}");
    }
}
