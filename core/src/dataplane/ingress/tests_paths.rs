//! Path details: ImplementationSpecific, near misses, request forms, unroutable input.

use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

use crate::json;

use super::tests::*;
use super::*;
use crate::model::Ingress;

// ---------------------------------------------------------------------------------------------
// Paths: types, near misses, invalid input

#[test]
fn near_misses_are_explained() {
    let ingresses = [ing(
        "i",
        vec![rule(
            Some("h.com"),
            vec![
                p("/aaa/bb", "Prefix", "bb"),
                p("/foo", "Exact", "foo"),
                p("/bar/", "Exact", "bar"),
            ],
        )],
        None,
    )];
    let d = route(&ingresses, "h.com", "/aaa/bbb");
    assert!(
        matches!(&d.reasons[1], IngressReason::PartialSegment { rule_segment, request_segment, .. }
        if rule_segment == "bb" && request_segment == "bbb")
    );
    for (path, exact) in [("/foo/", "/foo"), ("/bar", "/bar/")] {
        let d = route(&ingresses, "h.com", path);
        assert!(
            matches!(&d.reasons[1], IngressReason::ExactTrailingSlash { candidate } if candidate.path == exact),
            "{path}"
        );
    }
    // Host near misses.
    let hosts = [ing(
        "i",
        vec![
            rule(Some("foo.com"), vec![p("/", "Prefix", "a")]),
            rule(Some("*.foo.com"), vec![p("/", "Prefix", "b")]),
        ],
        None,
    )];
    let d = route(&hosts, "x.y.foo.com", "/");
    assert_eq!(
        kinds(&d),
        [
            "noHostGroup",
            "wildcardCoversOneLabel",
            "differentHost",
            "noDefaultBackend"
        ]
    );
}

#[test]
fn implementation_specific_reads_as_prefix_and_an_empty_one_as_root() {
    let ingresses = [ing(
        "i",
        vec![rule(
            None,
            vec![
                p("", "ImplementationSpecific", "root"),
                p("/api", "ImplementationSpecific", "api"),
            ],
        )],
        None,
    )];
    check(
        &ingresses,
        &[
            ("h", "/", "i / ImplementationSpecific -> root"),
            ("h", "/api/x", "i /api ImplementationSpecific -> api"),
            ("h", "/apix", "i / ImplementationSpecific -> root"),
        ],
    );
    let d = route(&ingresses, "h", "/api");
    assert!(d
        .reasons
        .contains(&IngressReason::ImplementationSpecificAsPrefix {
            candidate: PathRef {
                ingress: iref("i"),
                rule: 0,
                index: 1,
                host: RuleHost::Any,
                path: "/api".to_string(),
                path_type: PathType::ImplementationSpecific
            }
        }));
}

#[test]
fn request_paths_drop_query_and_fragment() {
    let ingresses = [ing(
        "i",
        vec![rule(None, vec![p("/a", "Exact", "a"), p("/", "Prefix", "root")])],
        None,
    )];
    check(
        &ingresses,
        &[
            ("h", "/a?x=/b", "i /a Exact -> a"),
            ("h", "/a#frag", "i /a Exact -> a"),
            ("h", "", "i / Prefix -> root"),
            ("h", "?q", "i / Prefix -> root"),
        ],
    );
    // A path without a leading `/` is matched only by `/` (SPEC §6.3 `p == "/"`).
    check(&ingresses, &[("h", "a", "i / Prefix -> root")]);
}

#[test]
fn unroutable_paths_are_reported() {
    let ingress: Ingress = from(
        json!({"metadata": {"name": "i"}, "spec": {"rules": [{"http": {"paths": [
            {"path": "/a", "backend": {"service": {"name": "s", "port": {"number": 80}}}},
            {"path": "/b", "pathType": "Regex", "backend": {"service": {"name": "s", "port": {"number": 80}}}},
            {"path": "c", "pathType": "Prefix", "backend": {"service": {"name": "s", "port": {"number": 80}}}},
            {"pathType": "Exact", "backend": {"service": {"name": "s", "port": {"number": 80}}}}
        ]}}]}}),
    );
    let problems: Vec<PathProblem> = warnings_of(core::slice::from_ref(&ingress))
        .into_iter()
        .map(|w| match w {
            IngressWarning::InvalidPath { problem, .. } => problem,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        problems,
        [
            PathProblem::MissingPathType,
            PathProblem::UnknownPathType {
                path_type: "Regex".to_string()
            },
            PathProblem::NotAbsolute {
                path: "c".to_string()
            },
            PathProblem::NotAbsolute { path: String::new() },
        ]
    );
    check(&[ingress], &[("h", "/a", "404")]);
}

#[test]
fn unmodelled_nginx_annotations_are_reported() {
    let ingress: Ingress = from(json!({"metadata": {"name": "i", "annotations": {
        "nginx.ingress.kubernetes.io/use-regex": "true",
        "nginx.ingress.kubernetes.io/rewrite-target": "/$1",
        "nginx.ingress.kubernetes.io/canary": "false"}},
        "spec": {"defaultBackend": {"service": {"name": "s", "port": {"number": 80}}}}}));
    let annotations: Vec<String> = warnings_of(&[ingress])
        .into_iter()
        .map(|w| match w {
            IngressWarning::AnnotationNotModelled { annotation, .. } => annotation,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        annotations,
        [
            "nginx.ingress.kubernetes.io/use-regex",
            "nginx.ingress.kubernetes.io/rewrite-target"
        ]
    );
}
