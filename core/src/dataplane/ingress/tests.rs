//! Table tests. The shared harness is here: every routing case goes through [`check`], which
//! also holds the router to the reference matcher and `lookup` to `route`. The cases: SPEC §6.2
//! hosts and the serialized shape here; §11 decisions in `tests_decisions`; class selection in
//! `tests_classes`; default backends and TLS in `tests_backends`; path details in `tests_paths`;
//! the documented examples in `tests_examples`; properties in `tests_props`.

use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use std::format;

use crate::json;

use crate::json::Value;

use super::*;
use crate::model::{Ingress, IngressClass};

// ---------------------------------------------------------------------------------------------
// Support (also used by the other test files)

/// A path of a rule: `(path, pathType, service)`; the backend port is 80.
pub(super) fn p(path: &str, path_type: &str, service: &str) -> Value {
    json!({"path": path, "pathType": path_type,
           "backend": {"service": {"name": service, "port": {"number": 80}}}})
}

/// A rule with an optional host.
pub(super) fn rule(host: Option<&str>, paths: Vec<Value>) -> Value {
    match host {
        Some(h) => json!({"host": h, "http": {"paths": paths}}),
        None => json!({"http": {"paths": paths}}),
    }
}

/// An Ingress in namespace `default`, with an optional `defaultBackend` service.
pub(super) fn ing(name: &str, rules: Vec<Value>, default_backend: Option<&str>) -> Ingress {
    let mut spec = json!({"rules": rules});
    if let Some(svc) = default_backend {
        spec["defaultBackend"] = json!({"service": {"name": svc, "port": {"number": 80}}});
    }
    from(json!({"metadata": {"name": name, "namespace": "default"}, "spec": spec}))
}

pub(super) fn from<T: crate::json::FromJson>(v: Value) -> T {
    crate::json::FromJson::from_json(&v).unwrap()
}

/// A decision in one line: `404`, `<ingress> default -> <svc>`, `<ingress> <path> <type> -> <svc>`.
pub(super) fn summary(d: &IngressDecision) -> String {
    let Some(a) = &d.answer else {
        return "404".to_string();
    };
    let svc = a.backend.service.as_ref().map(|s| s.name.as_str()).unwrap_or("?");
    match &a.path {
        Some(p) => format!(
            "{} {} {} -> {}",
            a.ingress.name,
            p.path,
            p.path_type.as_str(),
            svc
        ),
        None => format!("{} default -> {}", a.ingress.name, svc),
    }
}

/// Routes every `(host, path, want)` through the router, checks the summary, and checks that the
/// reference matcher gives the identical decision and `lookup` the same answer.
/// `context` names the case's source in failure messages.
pub(super) fn check_routes(
    context: &str,
    router: &IngressRouter,
    reference: &ReferenceMatcher,
    cases: &[(&str, &str, &str)],
) {
    for &(host, path, want) in cases {
        let d = router.route(host, path);
        assert_eq!(summary(&d), want, "{context}: {host} {path}: {:#?}", d.reasons);
        assert_eq!(
            reference.route(host, path),
            d,
            "{context}: reference disagrees for {host} {path}"
        );
        let fast = router
            .lookup(host, path)
            .map(|t| (t.ingress, t.backend, t.default));
        let slow = d.answer.as_ref().map(|a| (&a.ingress, &a.backend, a.default));
        assert_eq!(fast, slow, "{context}: lookup {host} {path}");
    }
}

/// [`check_routes`] over Ingresses routed in slice order.
pub(super) fn check_with(context: &str, ingresses: &[Ingress], cases: &[(&str, &str, &str)]) {
    let refs: Vec<&Ingress> = ingresses.iter().collect();
    let (router, _) = IngressRouter::build_all(&refs);
    let (reference, _) = ReferenceMatcher::build_all(&refs);
    check_routes(context, &router, &reference, cases);
}

pub(super) fn check(ingresses: &[Ingress], cases: &[(&str, &str, &str)]) {
    check_with("", ingresses, cases);
}

pub(super) fn route(ingresses: &[Ingress], host: &str, path: &str) -> IngressDecision {
    let refs: Vec<&Ingress> = ingresses.iter().collect();
    let d = IngressRouter::build_all(&refs).0.route(host, path);
    assert_eq!(ReferenceMatcher::build_all(&refs).0.route(host, path), d);
    d
}

pub(super) fn warnings_of(ingresses: &[Ingress]) -> Vec<IngressWarning> {
    let refs: Vec<&Ingress> = ingresses.iter().collect();
    IngressRouter::build_all(&refs).1
}

/// The `kind` tags of a decision's reasons, in order (their serialized form, as npm sees it).
pub(super) fn kinds(d: &IngressDecision) -> Vec<String> {
    d.reasons
        .iter()
        .map(|r| {
            crate::json::ToJson::to_json(&r)["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

pub(super) fn iref(name: &str) -> IngressRef {
    IngressRef {
        namespace: "default".to_string(),
        name: name.to_string(),
    }
}

/// An IngressClass, default or not.
pub(super) fn ingress_class(name: &str, controller: &str, default: bool) -> IngressClass {
    let mut v = json!({"metadata": {"name": name}, "spec": {"controller": controller}});
    if default {
        v["metadata"]["annotations"] = json!({"ingressclass.kubernetes.io/is-default-class": "true"});
    }
    from(v)
}

// ---------------------------------------------------------------------------------------------
// Hosts (SPEC §6.2)

#[test]
fn host_matching_table() {
    // (rule host, request Host, matches): SPEC §6.2's table, then port, case and FQDN forms.
    let cases: &[(Option<&str>, &str, bool)] = &[
        (None, "anything.example", true),
        (Some("foo.bar.com"), "foo.bar.com", true),
        (Some("*.foo.com"), "bar.foo.com", true),
        (Some("*.foo.com"), "baz.bar.foo.com", false),
        (Some("*.foo.com"), "foo.com", false),
        (Some("foo.bar.com"), "foo.bar.com:8080", true),
        (Some("foo.bar.com"), "FOO.Bar.com", true),
        (Some("Foo.Bar.com"), "foo.bar.com", true),
        (Some("foo.bar.com"), "foo.bar.com.", true),
        (Some("*.foo.com"), "BAR.foo.com:443", true),
        (Some("*.foo.com"), ".foo.com", false),
        (Some("foo.bar.com"), "bar.com", false),
        (Some("foo.bar.com"), "x.foo.bar.com", false),
    ];
    for &(rule_host, request, want) in cases {
        let host = RuleHost::parse(rule_host).unwrap();
        assert_eq!(
            host.matches(&request_host(request)),
            want,
            "{rule_host:?} vs {request}"
        );
        let ingress = ing("i", vec![rule(rule_host, vec![p("/", "Prefix", "s")])], None);
        let routed = if want { "i / Prefix -> s" } else { "404" };
        check(&[ingress], &[(request, "/", routed)]);
    }
}

#[test]
fn request_host_forms() {
    let cases = [
        ("foo.com:8080", "foo.com"),
        ("[::1]:80", "[::1]"),
        ("[::1]", "[::1]"),
        ("Foo.COM.", "foo.com"),
        ("", ""),
    ];
    for (raw, want) in cases {
        assert_eq!(request_host(raw), want, "{raw}");
    }
}

#[test]
fn invalid_rule_hosts_are_reported_not_routed() {
    for (host, problem) in [
        ("*", HostProblem::MisplacedWildcard),
        ("a.*.com", HostProblem::MisplacedWildcard),
        (".", HostProblem::Empty),
    ] {
        let ingresses = [ing(
            "i",
            vec![rule(Some(host), vec![p("/", "Prefix", "s")])],
            None,
        )];
        assert_eq!(
            warnings_of(&ingresses),
            vec![IngressWarning::InvalidHost {
                ingress: iref("i"),
                rule: 0,
                host: host.to_string(),
                problem
            }]
        );
        check(&ingresses, &[("x.com", "/", "404")]);
    }
}

// ---------------------------------------------------------------------------------------------
// The shape JavaScript sees (issue 5's `matchIngress`)

#[test]
fn decisions_serialize_in_the_api_shape() {
    let ingress: Ingress = from(
        json!({"metadata": {"name": "web", "namespace": "shop"}, "spec": {"rules": [
        {"host": "*.shop.com", "http": {"paths": [{"path": "/", "pathType": "Prefix",
            "backend": {"service": {"name": "front", "port": {"name": "http"}}}}]}}]}}),
    );
    let d = match_ingress(&[&ingress], "www.shop.com", "/x").unwrap();
    let v = crate::json::ToJson::to_json(&d);
    assert_eq!(
        v["answer"],
        json!({"ingress": {"namespace": "shop", "name": "web"}, "default": false,
               "rule": {"index": 0, "host": {"kind": "wildcard", "host": "*.shop.com"}},
               "path": {"index": 0, "path": "/", "pathType": "Prefix"},
               "backend": {"service": {"name": "front", "port": {"name": "http"}}}})
    );
    assert_eq!(v["hostGroup"], json!({"kind": "wildcard", "host": "*.shop.com"}));
    assert_eq!(v["reasons"][1]["kind"], "pathMatched");
    assert_eq!(
        v["reasons"][1]["how"],
        json!({"kind": "prefix", "segments": 1, "len": 1})
    );
    assert_eq!(v["reasons"][1]["candidate"]["pathType"], "Prefix");
}
