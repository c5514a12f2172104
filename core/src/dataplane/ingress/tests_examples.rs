//! The documented path examples: `../shared/ingress-path-examples.json` whole (SPEC §10 #9),
//! and SPEC §6.4's table transcribed here (source: kubernetes/website `ingress.md` "Examples"
//! and KEP-1453), both through one harness.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::json::Value;

use super::tests::{check_with, ing, p, rule};

/// One example: the rule paths (`path`, `pathType`), a request, and the path that must answer
/// (`None`: no match — the default backend answers, or 404 without one).
fn check_example(source: &str, paths: &[(&str, &str)], request: &str, want: Option<(&str, &str)>) {
    // Each path gets its own backend, so that the answer names the path.
    let backends: Vec<String> = (0..paths.len()).map(|i| format!("b{i}")).collect();
    let rule_paths = paths
        .iter()
        .zip(&backends)
        .map(|((path, t), b)| p(path, t, b))
        .collect();
    let expected = match want {
        Some((path, t)) => {
            let i = paths.iter().position(|&(pp, pt)| (pp, pt) == (path, t)).unwrap();
            format!("example {path} {t} -> b{i}")
        }
        None => String::from("404"),
    };
    let without_default = [ing("example", alloc::vec![rule(None, rule_paths)], None)];
    let with_default = [ing(
        "example",
        without_default[0].spec.rules.iter().map(to_value).collect(),
        Some("dflt"),
    )];
    let defaulted = match want {
        Some(_) => expected.clone(),
        None => String::from("example default -> dflt"),
    };
    check_with(
        source,
        &without_default,
        &[("example.com", request, expected.as_str())],
    );
    check_with(
        source,
        &with_default,
        &[("example.com", request, defaulted.as_str())],
    );
}

fn to_value(r: &crate::model::IngressRule) -> Value {
    crate::json::ToJson::to_json(&r)
}

#[test]
fn ingress_path_examples_json() {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/ingress-path-examples.json"
    );
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
    let rows: Vec<Value> = crate::json::from_str_as(&text).unwrap();
    // SPEC §10 #9: all 18 rows, 22 expanded cases.
    assert_eq!(rows.len(), 22);
    for row in &rows {
        let paths: Vec<(&str, &str)> = row["paths"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["path"].as_str().unwrap(), p["pathType"].as_str().unwrap()))
            .collect();
        let want = match row["matches"].as_bool().unwrap() {
            true => Some((
                row["matched_path"].as_str().unwrap(),
                row["matched_path_type"].as_str().unwrap(),
            )),
            false => None,
        };
        let source = format!("ingress-path-examples.json row {}", row["doc_row"]);
        check_example(&source, &paths, row["request"].as_str().unwrap(), want);
    }
}

#[test]
fn spec_6_4_examples() {
    // SPEC §6.4 (kubernetes/website ingress.md "Examples"): (row, paths, requests, answer).
    // Row 1's "(all paths)" is sampled with the same requests as the JSON file.
    type Row = (
        u8,
        &'static [(&'static str, &'static str)],
        &'static [&'static str],
        Option<(&'static str, &'static str)>,
    );
    let rows: &[Row] = &[
        (
            1,
            &[("/", "Prefix")],
            &["/", "/foo", "/aaa/bbb/ccc"],
            Some(("/", "Prefix")),
        ),
        (2, &[("/foo", "Exact")], &["/foo"], Some(("/foo", "Exact"))),
        (3, &[("/foo", "Exact")], &["/bar"], None),
        (4, &[("/foo", "Exact")], &["/foo/"], None),
        (5, &[("/foo/", "Exact")], &["/foo"], None),
        (
            6,
            &[("/foo", "Prefix")],
            &["/foo", "/foo/"],
            Some(("/foo", "Prefix")),
        ),
        (
            7,
            &[("/foo/", "Prefix")],
            &["/foo", "/foo/"],
            Some(("/foo/", "Prefix")),
        ),
        (8, &[("/aaa/bb", "Prefix")], &["/aaa/bbb"], None),
        (
            9,
            &[("/aaa/bbb", "Prefix")],
            &["/aaa/bbb"],
            Some(("/aaa/bbb", "Prefix")),
        ),
        (
            10,
            &[("/aaa/bbb/", "Prefix")],
            &["/aaa/bbb"],
            Some(("/aaa/bbb/", "Prefix")),
        ),
        (
            11,
            &[("/aaa/bbb", "Prefix")],
            &["/aaa/bbb/"],
            Some(("/aaa/bbb", "Prefix")),
        ),
        (
            12,
            &[("/aaa/bbb", "Prefix")],
            &["/aaa/bbb/ccc"],
            Some(("/aaa/bbb", "Prefix")),
        ),
        (13, &[("/aaa/bbb", "Prefix")], &["/aaa/bbbxyz"], None),
        (
            14,
            &[("/", "Prefix"), ("/aaa", "Prefix")],
            &["/aaa/ccc"],
            Some(("/aaa", "Prefix")),
        ),
        (
            15,
            &[("/", "Prefix"), ("/aaa", "Prefix"), ("/aaa/bbb", "Prefix")],
            &["/aaa/bbb"],
            Some(("/aaa/bbb", "Prefix")),
        ),
        (
            16,
            &[("/", "Prefix"), ("/aaa", "Prefix"), ("/aaa/bbb", "Prefix")],
            &["/ccc"],
            Some(("/", "Prefix")),
        ),
        (17, &[("/aaa", "Prefix")], &["/ccc"], None),
        (
            18,
            &[("/foo", "Prefix"), ("/foo", "Exact")],
            &["/foo"],
            Some(("/foo", "Exact")),
        ),
    ];
    let mut cases = 0;
    for &(row, paths, requests, want) in rows {
        for request in requests {
            check_example(&format!("SPEC §6.4 row {row}"), paths, request, want);
            cases += 1;
        }
    }
    assert_eq!(cases, 22);
}
