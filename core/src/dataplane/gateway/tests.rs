//! Table tests for the Gateway router. Cases transcribed from upstream name their source
//! (kubernetes-sigs/gateway-api `conformance/tests/…`, the shared fixtures); the rest are SPEC
//! §7 / §11 rows or ours.

use super::listener::CompiledListener;
use super::matching::CompiledMatch;
use super::regex::Regex;
use super::*;
use crate::error::FieldPath;
use crate::json;
use crate::json::Value;
use crate::rng::Rng;
use alloc::collections::BTreeMap;
use alloc::vec;
use proptest::prelude::*;
use std::format;
use std::string::String;

// ---------------------------------------------------------------------------------------------
// Harness

fn gateway(v: Value) -> Gateway {
    crate::json::FromJson::from_json(&v).unwrap()
}

fn http_route(v: Value) -> HttpRoute {
    crate::json::FromJson::from_json(&v).unwrap()
}

/// `default/gw`: one HTTP listener on port 80 taking Routes from every namespace.
fn open_gateway() -> Gateway {
    gateway(json!({
        "metadata": {"name": "gw"},
        "spec": {"gatewayClassName": "c", "listeners": [
            {"name": "http", "port": 80, "protocol": "HTTP", "allowedRoutes": {"namespaces": {"from": "All"}}}
        ]}
    }))
}

/// A Route in `default` attached to `default/gw`.
fn route(name: &str, hostnames: Value, rules: Value) -> HttpRoute {
    http_route(json!({
        "metadata": {"name": name},
        "spec": {"parentRefs": [{"name": "gw"}], "hostnames": hostnames, "rules": rules}
    }))
}

/// A request; `get` fills in port 80 and `GET`.
#[derive(Clone, Debug)]
struct Req {
    host: &'static str,
    port: u16,
    path: &'static str,
    method: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    query: Vec<(&'static str, &'static str)>,
}

impl Req {
    fn get(host: &'static str, path: &'static str) -> Req {
        Req {
            host,
            port: 80,
            path,
            method: "GET",
            headers: vec![],
            query: vec![],
        }
    }
    fn header(mut self, n: &'static str, v: &'static str) -> Req {
        self.headers.push((n, v));
        self
    }
    fn query(mut self, n: &'static str, v: &'static str) -> Req {
        self.query.push((n, v));
        self
    }
    fn method(mut self, m: &'static str) -> Req {
        self.method = m;
        self
    }
    fn port(mut self, p: u16) -> Req {
        self.port = p;
        self
    }
    fn as_request(&self) -> HttpRequest<'_> {
        HttpRequest {
            host: self.host,
            port: self.port,
            path: self.path,
            method: self.method,
            headers: &self.headers,
            query: &self.query,
        }
    }
}

fn build(gw: &Gateway, routes: &[(HttpRoute, u64)]) -> (GatewayRouter, Vec<RouteStatus>) {
    build_with(gw, routes, &ClusterFacts::default())
}

fn build_with(
    gw: &Gateway,
    routes: &[(HttpRoute, u64)],
    facts: &ClusterFacts<'_>,
) -> (GatewayRouter, Vec<RouteStatus>) {
    let inputs: Vec<RouteInput<'_>> = routes
        .iter()
        .map(|(r, t)| RouteInput {
            route: r,
            created_ms: *t,
        })
        .collect();
    GatewayRouter::build(gw, &inputs, facts)
}

fn decide(router: &GatewayRouter, req: &Req) -> GatewayDecision {
    router.route(&req.as_request(), &mut Rng::new(1))
}

/// The outcome in one word: the backend's name, `404`, `500` or `refused`.
fn outcome(d: &GatewayDecision) -> String {
    match &d.verdict {
        GatewayVerdict::Routed { backend, .. } => backend.name.clone(),
        GatewayVerdict::NotFound => "404".into(),
        GatewayVerdict::InternalError { .. } => "500".into(),
        GatewayVerdict::NoListener { .. } => "refused".into(),
    }
}

/// Runs (request, expected outcome) rows against one router; `source` names the table.
fn check_requests(source: &str, router: &GatewayRouter, cases: &[(Req, &str)]) {
    for (req, want) in cases {
        let d = decide(router, req);
        assert_eq!(
            outcome(&d),
            *want,
            "{source}: {} {}{}\n{:#?}",
            req.method,
            req.host,
            req.path,
            d.reasons
        );
    }
}

fn tag(v: &impl crate::json::ToJson, key: &str) -> String {
    v.to_json()[key].as_str().unwrap_or_default().into()
}

// ---------------------------------------------------------------------------------------------
// §7.1 match semantics

#[test]
fn match_semantics() {
    // (source, match, request, Ok or the Mismatch reason)
    #[rustfmt::skip]
    let cases: Vec<(&str, Value, Req, Result<(), &str>)> = vec![
        // SPEC §7.1 paths
        ("§7.1 Exact", json!({"path": {"type": "Exact", "value": "/abc"}}), Req::get("h", "/abc"), Ok(())),
        ("§7.1 Exact /abc ≠ /abc/", json!({"path": {"type": "Exact", "value": "/abc"}}), Req::get("h", "/abc/"), Err("pathMismatch")),
        ("§7.1 Exact is case-sensitive", json!({"path": {"type": "Exact", "value": "/abc"}}), Req::get("h", "/ABC"), Err("pathMismatch")),
        ("query string is not path", json!({"path": {"type": "Exact", "value": "/abc"}}), Req::get("h", "/abc?x=1"), Ok(())),
        ("§7.1 PathPrefix /abc", json!({"path": prefix("/abc")}), Req::get("h", "/abc"), Ok(())),
        ("§7.1 PathPrefix /abc ⊃ /abc/", json!({"path": prefix("/abc")}), Req::get("h", "/abc/"), Ok(())),
        ("§7.1 PathPrefix /abc ⊃ /abc/def", json!({"path": prefix("/abc")}), Req::get("h", "/abc/def"), Ok(())),
        ("§7.1 PathPrefix is element-wise", json!({"path": prefix("/abc")}), Req::get("h", "/abcd"), Err("pathMismatch")),
        ("§7.1 trailing / ignored", json!({"path": prefix("/abc/")}), Req::get("h", "/abc"), Ok(())),
        ("§7.1 trailing / ignored, still element-wise", json!({"path": prefix("/abc/")}), Req::get("h", "/abcd"), Err("pathMismatch")),
        ("PathPrefix / matches all", json!({"path": prefix("/")}), Req::get("h", "/x/y"), Ok(())),
        ("empty path is /", json!({"path": {"type": "Exact", "value": "/"}}), Req::get("h", ""), Ok(())),
        ("§7.1 default match PathPrefix /", json!({}), Req::get("h", "/anything"), Ok(())),
        ("type defaults to PathPrefix", json!({"path": {"value": "/abc"}}), Req::get("h", "/abc/x"), Ok(())),
        // Headers
        ("§7.1 header names case-insensitive", json!({"headers": [{"name": "Magic", "value": "foo"}]}),
            Req::get("h", "/").header("magic", "foo"), Ok(())),
        ("header values case-sensitive", json!({"headers": [{"name": "magic", "value": "foo"}]}),
            Req::get("h", "/").header("magic", "Foo"), Err("headerMismatch")),
        ("absent header", json!({"headers": [{"name": "magic", "value": "foo"}]}), Req::get("h", "/"), Err("headerMismatch")),
        ("§7.1 duplicate names: first entry counts",
            json!({"headers": [{"name": "version", "value": "one"}, {"name": "VERSION", "value": "two"}]}),
            Req::get("h", "/").header("version", "one"), Ok(())),
        ("§7.1 duplicate names: later entry ignored",
            json!({"headers": [{"name": "version", "value": "one"}, {"name": "VERSION", "value": "two"}]}),
            Req::get("h", "/").header("version", "two"), Err("headerMismatch")),
        ("repeated request header folds with ,", json!({"headers": [{"name": "x", "value": "a,b"}]}),
            Req::get("h", "/").header("x", "a").header("X", "b"), Ok(())),
        ("header RegularExpression",
            json!({"headers": [{"type": "RegularExpression", "name": "authorization", "value": "Bearer [A-Za-z0-9._-]+"}]}),
            Req::get("h", "/").header("Authorization", "Bearer abc.def"), Ok(())),
        ("header regex is a whole-value match", json!({"headers": [{"type": "RegularExpression", "name": "x", "value": "ab"}]}),
            Req::get("h", "/").header("x", "abc"), Err("headerMismatch")),
        // Query parameters
        ("query Exact", json!({"queryParams": [{"name": "great", "value": "example"}]}),
            Req::get("h", "/").query("great", "example"), Ok(())),
        ("query names case-sensitive", json!({"queryParams": [{"name": "great", "value": "example"}]}),
            Req::get("h", "/").query("Great", "example"), Err("queryMismatch")),
        ("repeated query param: first value", json!({"queryParams": [{"name": "a", "value": "2"}]}),
            Req::get("h", "/").query("a", "1").query("a", "2"), Err("queryMismatch")),
        ("duplicate query entries: first counts", json!({"queryParams": [{"name": "a", "value": "1"}, {"name": "a", "value": "2"}]}),
            Req::get("h", "/").query("a", "1"), Ok(())),
        ("query RegularExpression", json!({"queryParams": [{"type": "RegularExpression", "name": "id", "value": "[0-9]+"}]}),
            Req::get("h", "/").query("id", "42"), Ok(())),
        // Method
        ("method", json!({"method": "POST"}), Req::get("h", "/").method("POST"), Ok(())),
        ("method mismatch", json!({"method": "POST"}), Req::get("h", "/"), Err("methodMismatch")),
        ("method is case-sensitive", json!({"method": "GET"}), Req::get("h", "/").method("get"), Err("methodMismatch")),
        // AND inside one match (basic-http.yaml's second rule)
        ("§7.1 AND: all hold",
            json!({"path": prefix("/some/thing"), "method": "GET", "headers": [{"name": "magic", "value": "foo"}],
                   "queryParams": [{"name": "great", "value": "example"}]}),
            Req::get("h", "/some/thing/x").header("magic", "foo").query("great", "example"), Ok(())),
        ("§7.1 AND: the query fails",
            json!({"path": prefix("/some/thing"), "method": "GET", "headers": [{"name": "magic", "value": "foo"}],
                   "queryParams": [{"name": "great", "value": "example"}]}),
            Req::get("h", "/some/thing").header("magic", "foo"), Err("queryMismatch")),
        // RegularExpression paths
        ("path regex", json!({"path": {"type": "RegularExpression", "value": "/api/v[0-9]+/.*"}}),
            Req::get("h", "/api/v2/users"), Ok(())),
        ("path regex needs the digits", json!({"path": {"type": "RegularExpression", "value": "/api/v[0-9]+/.*"}}),
            Req::get("h", "/api/v/users"), Err("pathMismatch")),
        ("path regex is anchored", json!({"path": {"type": "RegularExpression", "value": "/ap"}}),
            Req::get("h", "/api"), Err("pathMismatch")),
    ];
    for (source, m, req, want) in cases {
        let m: crate::model::HttpRouteMatch = crate::json::FromJson::from_json(&m).unwrap();
        let compiled = CompiledMatch::compile(&m, 0, &FieldPath::new("m")).unwrap();
        let got = compiled
            .check(&req.as_request(), request_path(req.path))
            .map_err(|e| tag(&e, "reason"));
        assert_eq!(got.as_ref().map(|_| ()).map_err(String::as_str), want, "{source}");
    }
}

#[test]
fn mismatch_reports_what_was_found() {
    let m: crate::model::HttpRouteMatch =
        crate::json::FromJson::from_json(&json!({"headers": [{"name": "Version", "value": "two"}]})).unwrap();
    let compiled = CompiledMatch::compile(&m, 0, &FieldPath::new("m")).unwrap();
    let req = Req::get("h", "/").header("version", "one");
    assert_eq!(
        compiled.check(&req.as_request(), "/"),
        Err(Mismatch::HeaderMismatch {
            name: "Version".into(),
            found: Some("one".into())
        })
    );
}

// ---------------------------------------------------------------------------------------------
// §7.2 precedence: each step on its own

struct PrecedenceCase {
    name: &'static str,
    routes: Vec<(HttpRoute, u64)>,
    req: Req,
    /// (route name, rule, match) of the winner and of the loser whose step is checked.
    winner: (&'static str, usize, Option<usize>),
    loser: (&'static str, usize, Option<usize>),
    step: Value,
}

fn prefix(v: &str) -> Value {
    json!({"type": "PathPrefix", "value": v})
}

fn rule(matches: Value, backend: &str) -> Value {
    json!({"matches": matches, "backendRefs": [{"name": backend, "port": 80}]})
}

#[test]
fn precedence_steps() {
    let exact = |v: &str| json!({"type": "Exact", "value": v});
    let regex = |v: &str| json!({"type": "RegularExpression", "value": v});
    let hdr = |n: &str| json!({"name": n, "value": "1"});
    let one = |name: &str, hostnames: Value, m: Value, created: u64| {
        (route(name, hostnames, json!([rule(json!([m]), name)])), created)
    };
    let none = json!([]);
    #[rustfmt::skip]
    let cases = vec![
        PrecedenceCase {
            name: "1. Exact beats a PathPrefix with more headers",
            routes: vec![
                one("a", none.clone(), json!({"path": exact("/foo")}), 0),
                one("b", none.clone(), json!({"path": prefix("/foo"), "headers": [hdr("x"), hdr("y")]}), 0),
            ],
            req: Req::get("h", "/foo").header("x", "1").header("y", "1"),
            winner: ("a", 0, Some(0)), loser: ("b", 0, Some(0)),
            step: json!({"step": "exactPath"}),
        },
        PrecedenceCase {
            name: "1. Exact beats a RegularExpression",
            routes: vec![one("a", none.clone(), json!({"path": regex("/fo+")}), 0), one("b", none.clone(), json!({"path": exact("/foo")}), 0)],
            req: Req::get("h", "/foo"),
            winner: ("b", 0, Some(0)), loser: ("a", 0, Some(0)),
            step: json!({"step": "exactPath"}),
        },
        PrecedenceCase {
            name: "2. RegularExpression beats a longer PathPrefix (kroute's step 6)",
            routes: vec![one("a", none.clone(), json!({"path": prefix("/foo/bar")}), 0), one("b", none.clone(), json!({"path": regex("/foo/.*")}), 0)],
            req: Req::get("h", "/foo/bar"),
            winner: ("b", 0, Some(0)), loser: ("a", 0, Some(0)),
            step: json!({"step": "regexBeforePrefix"}),
        },
        PrecedenceCase {
            name: "3. the longest PathPrefix, even from a newer Route",
            routes: vec![one("a", none.clone(), json!({"path": prefix("/foo")}), 0), one("b", none.clone(), json!({"path": prefix("/foo/bar")}), 9)],
            req: Req::get("h", "/foo/bar/baz"),
            winner: ("b", 0, Some(0)), loser: ("a", 0, Some(0)),
            step: json!({"step": "longerPrefix", "winnerChars": 8, "loserChars": 4}),
        },
        PrecedenceCase {
            name: "3. characters as written: /foo/ beats /foo",
            routes: vec![one("a", none.clone(), json!({"path": prefix("/foo")}), 0), one("b", none.clone(), json!({"path": prefix("/foo/")}), 1)],
            req: Req::get("h", "/foo/x"),
            winner: ("b", 0, Some(0)), loser: ("a", 0, Some(0)),
            step: json!({"step": "longerPrefix", "winnerChars": 5, "loserChars": 4}),
        },
        PrecedenceCase {
            name: "3. the longer of two patterns",
            routes: vec![one("a", none.clone(), json!({"path": regex("/.*")}), 0), one("b", none.clone(), json!({"path": regex("/api/.*")}), 1)],
            req: Req::get("h", "/api/x"),
            winner: ("b", 0, Some(0)), loser: ("a", 0, Some(0)),
            step: json!({"step": "longerRegex", "winnerChars": 7, "loserChars": 3}),
        },
        PrecedenceCase {
            name: "4. a method match beats more headers",
            routes: vec![
                one("a", none.clone(), json!({"path": prefix("/"), "headers": [hdr("x"), hdr("y")]}), 0),
                one("b", none.clone(), json!({"path": prefix("/"), "method": "GET"}), 1),
            ],
            req: Req::get("h", "/").header("x", "1").header("y", "1"),
            winner: ("b", 0, Some(0)), loser: ("a", 0, Some(0)),
            step: json!({"step": "hasMethod"}),
        },
        PrecedenceCase {
            name: "5. more headers beat more query params",
            routes: vec![
                one("a", none.clone(), json!({"headers": [hdr("x")], "queryParams": [hdr("p"), hdr("q")]}), 0),
                one("b", none.clone(), json!({"headers": [hdr("x"), hdr("y")]}), 1),
            ],
            req: Req::get("h", "/").header("x", "1").header("y", "1").query("p", "1").query("q", "1"),
            winner: ("b", 0, Some(0)), loser: ("a", 0, Some(0)),
            step: json!({"step": "moreHeaders", "winner": 2, "loser": 1}),
        },
        PrecedenceCase {
            name: "5. duplicate header names count once",
            routes: vec![
                one("a", none.clone(), json!({"headers": [hdr("x"), hdr("X")]}), 0),
                one("b", none.clone(), json!({"headers": [hdr("x")], "queryParams": [hdr("p")]}), 1),
            ],
            req: Req::get("h", "/").header("x", "1").query("p", "1"),
            winner: ("b", 0, Some(0)), loser: ("a", 0, Some(0)),
            step: json!({"step": "moreQueryParams", "winner": 1, "loser": 0}),
        },
        PrecedenceCase {
            name: "6. more query params",
            routes: vec![
                one("a", none.clone(), json!({"queryParams": [hdr("p")]}), 0),
                one("b", none.clone(), json!({"queryParams": [hdr("p"), hdr("q")]}), 1),
            ],
            req: Req::get("h", "/").query("p", "1").query("q", "1"),
            winner: ("b", 0, Some(0)), loser: ("a", 0, Some(0)),
            step: json!({"step": "moreQueryParams", "winner": 2, "loser": 1}),
        },
        PrecedenceCase {
            name: "7. a precise hostname beats a wildcard on equal matches, even from a newer Route",
            routes: vec![one("a", json!(["*.example.com"]), json!({}), 0), one("b", json!(["foo.example.com"]), json!({}), 9)],
            req: Req::get("foo.example.com", "/"),
            winner: ("b", 0, Some(0)), loser: ("a", 0, Some(0)),
            step: json!({"step": "moreSpecificHostname", "winner": "foo.example.com", "loser": "*.example.com"}),
        },
        PrecedenceCase {
            name: "7. the longer wildcard beats a shorter one",
            routes: vec![one("a", json!(["*.com"]), json!({}), 0), one("b", json!(["*.example.com"]), json!({}), 9)],
            req: Req::get("foo.example.com", "/"),
            winner: ("b", 0, Some(0)), loser: ("a", 0, Some(0)),
            step: json!({"step": "moreSpecificHostname", "winner": "*.example.com", "loser": "*.com"}),
        },
        PrecedenceCase {
            name: "7. no hostname comes last (gateway-api issue #3921)",
            routes: vec![one("a", none.clone(), json!({}), 0), one("b", json!(["*.com"]), json!({}), 9)],
            req: Req::get("foo.com", "/"),
            winner: ("b", 0, Some(0)), loser: ("a", 0, Some(0)),
            step: json!({"step": "moreSpecificHostname", "winner": "*.com"}),
        },
        PrecedenceCase {
            name: "8. the older Route",
            routes: vec![one("a", none.clone(), json!({"path": prefix("/x")}), 2000), one("b", none.clone(), json!({"path": prefix("/x")}), 1000)],
            req: Req::get("h", "/x"),
            winner: ("b", 0, Some(0)), loser: ("a", 0, Some(0)),
            step: json!({"step": "olderRoute", "winnerCreatedMs": 1000, "loserCreatedMs": 2000}),
        },
        PrecedenceCase {
            name: "9. alphabetical {namespace}/{name}",
            routes: vec![(route("b", none.clone(), json!([rule(json!([]), "b")])), 0), (route("a", none.clone(), json!([rule(json!([]), "a")])), 0)],
            req: Req::get("h", "/"),
            winner: ("a", 0, None), loser: ("b", 0, None),
            step: json!({"step": "alphabeticalRoute", "winner": "default/a", "loser": "default/b"}),
        },
        PrecedenceCase {
            name: "10. the earlier rule of one Route",
            routes: vec![(route("a", none.clone(), json!([rule(json!([{"path": prefix("/x")}]), "first"), rule(json!([{"path": prefix("/x")}]), "second")])), 0)],
            req: Req::get("h", "/x"),
            winner: ("a", 0, Some(0)), loser: ("a", 1, Some(0)),
            step: json!({"step": "earlierRule", "winner": 0, "loser": 1}),
        },
        PrecedenceCase {
            name: "10. a later rule's more specific match beats an earlier rule",
            routes: vec![(route("a", none.clone(), json!([rule(json!([{"path": prefix("/")}]), "first"), rule(json!([{"path": prefix("/x")}]), "second")])), 0)],
            req: Req::get("h", "/x"),
            winner: ("a", 1, Some(0)), loser: ("a", 0, Some(0)),
            step: json!({"step": "longerPrefix", "winnerChars": 2, "loserChars": 1}),
        },
        PrecedenceCase {
            name: "10. the earlier match of one rule",
            routes: vec![(route("a", none.clone(), json!([rule(json!([{"headers": [hdr("x")]}, {"headers": [hdr("y")]}]), "a")])), 0)],
            req: Req::get("h", "/").header("x", "1").header("y", "1"),
            winner: ("a", 0, Some(0)), loser: ("a", 0, Some(1)),
            step: json!({"step": "earlierMatch", "winner": 0, "loser": 1}),
        },
    ];
    let gw = open_gateway();
    for case in cases {
        let (router, _) = build(&gw, &case.routes);
        let d = decide(&router, &case.req);
        let GatewayVerdict::Routed {
            route,
            rule,
            match_index,
            ..
        } = &d.verdict
        else {
            panic!("{}: not routed: {:#?}", case.name, d);
        };
        assert_eq!(
            (route.name.as_str(), *rule, *match_index),
            case.winner,
            "{}",
            case.name
        );
        let loser = d
            .reasons
            .candidates
            .iter()
            .find(|c| (c.route.name.as_str(), c.rule, c.match_index) == case.loser)
            .unwrap_or_else(|| panic!("{}: loser not listed: {:#?}", case.name, d.reasons.candidates));
        let CandidateOutcome::Lost { step } = &loser.outcome else {
            panic!("{}: loser did not lose: {:?}", case.name, loser.outcome);
        };
        assert_eq!(crate::json::ToJson::to_json(&step), case.step, "{}", case.name);
    }
}

#[test]
fn matching_across_routes() {
    // conformance/tests/httproute-matching-across-routes.{yaml,go} (HTTPRouteMatchingAcrossRoutes):
    // `*.com`'s `/v2` must beat `example.com`'s `/` — hostnames only break ties (module docs).
    let gw = gateway(json!({
        "metadata": {"name": "same-namespace", "namespace": "gateway-conformance-infra"},
        "spec": {"gatewayClassName": "c", "listeners": [
            {"name": "http", "port": 80, "protocol": "HTTP", "allowedRoutes": {"namespaces": {"from": "Same"}}}
        ]}
    }));
    let part1 = http_route(json!({
        "metadata": {"name": "matching-part1", "namespace": "gateway-conformance-infra"},
        "spec": {"parentRefs": [{"name": "same-namespace"}], "hostnames": ["example.com", "example.net"],
            "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}, {"headers": [{"name": "version", "value": "one"}]}],
                       "backendRefs": [{"name": "infra-backend-v1", "port": 8080}]}]}
    }));
    let part2 = http_route(json!({
        "metadata": {"name": "matching-part2", "namespace": "gateway-conformance-infra"},
        "spec": {"hostnames": ["*.com"], "parentRefs": [{"name": "same-namespace"}],
            "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/v2"}}, {"headers": [{"name": "version", "value": "two"}]}],
                       "backendRefs": [{"name": "infra-backend-v2", "port": 8080}]}]}
    }));
    let (router, statuses) = build(&gw, &[(part1, 0), (part2, 0)]);
    assert!(statuses.iter().all(RouteStatus::accepted));
    #[rustfmt::skip]
    let cases = [
        (Req::get("example.com", "/"), "infra-backend-v1"),
        (Req::get("example.com", "/example"), "infra-backend-v1"),
        (Req::get("example.net", "/example"), "infra-backend-v1"),
        (Req::get("example.com", "/example").header("Version", "one"), "infra-backend-v1"),
        (Req::get("example.com", "/v2"), "infra-backend-v2"),
        (Req::get("example.net", "/v2"), "infra-backend-v1"),
        (Req::get("example.com", "/v2/example"), "infra-backend-v2"),
        (Req::get("example.com", "/").header("Version", "two"), "infra-backend-v2"),
    ];
    check_requests("HTTPRouteMatchingAcrossRoutes", &router, &cases);
}

#[test]
fn candidates_are_reported_in_precedence_order_with_reasons() {
    let gw = open_gateway();
    let r = route(
        "r",
        json!([]),
        json!([
            rule(json!([{"path": {"type": "Exact", "value": "/a/b"}}]), "exact"),
            rule(json!([{"path": prefix("/a"), "method": "POST"}]), "post"),
            rule(json!([{"path": prefix("/a")}]), "plain"),
            rule(json!([{"path": prefix("/")}]), "root"),
        ]),
    );
    let (router, _) = build(&gw, &[(r, 0)]);
    let d = decide(&router, &Req::get("h", "/a/c"));
    assert_eq!(outcome(&d), "plain");
    let summary: Vec<(usize, String)> = d
        .reasons
        .candidates
        .iter()
        .map(|c| (c.rule, format!("{}", crate::json::ToJson::to_json(&c.outcome))))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                0,
                r#"{"outcome":"noMatch","why":{"reason":"pathMismatch","pathType":"Exact","value":"/a/b"}}"#
                    .into()
            ),
            (
                1,
                r#"{"outcome":"noMatch","why":{"reason":"methodMismatch","expected":"POST"}}"#.into()
            ),
            (2, r#"{"outcome":"won"}"#.into()),
            (
                3,
                r#"{"outcome":"lost","step":{"step":"longerPrefix","winnerChars":2,"loserChars":1}}"#.into()
            ),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// §7.3 hostnames

#[test]
fn hostname_intersection_table() {
    // (listener, route, intersection; "-" = none) — httproute_types.go `Hostnames` examples + ours.
    let cases = [
        ("", "foo.com", "foo.com"),
        ("", "*.foo.com", "*.foo.com"),
        ("", "", "*any*"),
        ("test.example.com", "", "test.example.com"),
        ("test.example.com", "test.example.com", "test.example.com"),
        ("test.example.com", "*.example.com", "test.example.com"),
        ("test.example.com", "*.com", "test.example.com"),
        ("test.example.com", "example.com", "-"),
        ("*.example.com", "test.example.com", "test.example.com"),
        ("*.example.com", "foo.test.example.com", "foo.test.example.com"),
        ("*.example.com", "example.com", "-"),
        ("*.example.com", "test.example.net", "-"),
        ("*.example.com", "*.example.com", "*.example.com"),
        ("*.example.com", "*.foo.example.com", "*.foo.example.com"),
        ("*.example.com", "*.com", "*.example.com"),
        ("*.example.com", "*.example.net", "-"),
    ];
    for (l, r, want) in cases {
        let got = HostPattern::intersect(HostPattern::parse(l).as_ref(), HostPattern::parse(r).as_ref());
        let got = match got {
            None => "-".to_string(),
            Some(None) => "*any*".to_string(),
            Some(Some(h)) => h.to_string(),
        };
        assert_eq!(got, want, "listener {l:?} ∩ route {r:?}");
    }
}

#[test]
fn conformance_hostname_intersection() {
    // conformance/tests/httproute-hostname-intersection.{yaml,go} (HTTPRouteHostnameIntersection)
    let ns = "gateway-conformance-infra";
    let gw = gateway(json!({
        "metadata": {"name": "httproute-hostname-intersection", "namespace": ns},
        "spec": {"gatewayClassName": "c", "listeners": [
            {"name": "listener-1", "port": 80, "protocol": "HTTP", "allowedRoutes": {"namespaces": {"from": "Same"}}, "hostname": "very.specific.com"},
            {"name": "listener-2", "port": 80, "protocol": "HTTP", "allowedRoutes": {"namespaces": {"from": "Same"}}, "hostname": "*.wildcard.io"},
            {"name": "listener-3", "port": 80, "protocol": "HTTP", "allowedRoutes": {"namespaces": {"from": "Same"}}, "hostname": "*.anotherwildcard.io"},
        ]}
    }));
    let r = |name: &str, hostnames: Value, path: &str, backend: &str| {
        http_route(json!({
            "metadata": {"name": name, "namespace": ns},
            "spec": {"parentRefs": [{"name": "httproute-hostname-intersection", "namespace": ns}], "hostnames": hostnames,
                "rules": [{"matches": [{"path": prefix(path)}], "backendRefs": [{"name": backend, "port": 8080}]}]}
        }))
    };
    #[rustfmt::skip]
    let routes = [
        (r("specific-host-matches-listener-specific-host", json!(["non.matching.com", "*.nonmatchingwildcard.io", "very.specific.com"]), "/s1", "infra-backend-v1"), 0),
        (r("specific-host-matches-listener-wildcard-host", json!(["non.matching.com", "wildcard.io", "foo.wildcard.io", "bar.wildcard.io", "foo.bar.wildcard.io"]), "/s2", "infra-backend-v2"), 0),
        (r("wildcard-host-matches-listener-specific-host", json!(["non.matching.com", "*.specific.com"]), "/s3", "infra-backend-v3"), 0),
        (r("wildcard-host-matches-listener-wildcard-host", json!(["*.anotherwildcard.io"]), "/s4", "infra-backend-v1"), 0),
        (r("no-intersecting-hosts", json!(["specific.but.wrong.com", "wildcard.io"]), "/s5", "infra-backend-v2"), 0),
    ];
    let (router, statuses) = build(&gw, &routes);
    let accepted: Vec<(String, bool, AcceptedReason)> = statuses
        .iter()
        .map(|s| (s.route.name.clone(), s.accepted(), s.parents[0].reason))
        .collect();
    assert_eq!(
        accepted[4],
        (
            "no-intersecting-hosts".into(),
            false,
            AcceptedReason::NoMatchingListenerHostname
        )
    );
    assert!(accepted[..4].iter().all(|a| a.1), "{accepted:?}");
    #[rustfmt::skip]
    let cases = [
        (Req::get("very.specific.com", "/s1"), "infra-backend-v1"),
        (Req::get("very.specific.com:1234", "/s1"), "infra-backend-v1"),
        (Req::get("non.matching.com", "/s1"), "404"),
        (Req::get("foo.nonmatchingwildcard.io", "/s1"), "404"),
        (Req::get("foo.wildcard.io", "/s1"), "404"),
        (Req::get("very.specific.com", "/non-matching-prefix"), "404"),
        (Req::get("foo.wildcard.io", "/s2"), "infra-backend-v2"),
        (Req::get("bar.wildcard.io", "/s2"), "infra-backend-v2"),
        (Req::get("foo.bar.wildcard.io", "/s2"), "infra-backend-v2"),
        (Req::get("non.matching.com", "/s2"), "404"),
        (Req::get("wildcard.io", "/s2"), "404"),
        (Req::get("very.specific.com", "/s2"), "404"),
        (Req::get("foo.wildcard.io", "/non-matching-prefix"), "404"),
        (Req::get("very.specific.com", "/s3"), "infra-backend-v3"),
        (Req::get("non.matching.com", "/s3"), "404"),
        (Req::get("foo.specific.com", "/s3"), "404"),
        (Req::get("foo.wildcard.io", "/s3"), "404"),
        (Req::get("very.specific.com", "/non-matching-prefix"), "404"),
        (Req::get("foo.anotherwildcard.io", "/s4"), "infra-backend-v1"),
        (Req::get("bar.anotherwildcard.io", "/s4"), "infra-backend-v1"),
        (Req::get("foo.bar.anotherwildcard.io", "/s4"), "infra-backend-v1"),
        (Req::get("anotherwildcard.io", "/s4"), "404"),
        (Req::get("foo.wildcard.io", "/s4"), "404"),
        (Req::get("very.specific.com", "/s4"), "404"),
        (Req::get("foo.anotherwildcard.io", "/non-matching-prefix"), "404"),
        (Req::get("specific.but.wrong.com", "/s5"), "404"),
        (Req::get("wildcard.io", "/s5"), "404"),
    ];
    check_requests("HTTPRouteHostnameIntersection", &router, &cases);
    // The wildcard Route attached to listener-1 serves its precise name, and says so.
    let d = decide(&router, &Req::get("very.specific.com", "/s3"));
    assert_eq!(
        d.reasons.hostname,
        Some(HostnameMatch {
            hostname: HostPattern::parse("very.specific.com"),
            kind: HostMatchKind::PreciseHostname
        })
    );
    assert_eq!(
        d.reasons.listener.as_ref().map(|l| l.name.as_str()),
        Some("listener-1")
    );
}

#[test]
fn conformance_listener_isolation() {
    // conformance/tests/gateway-http-listener-isolation.{yaml,go} (GatewayHTTPListenerIsolation,
    // "hostnames are configured only in listeners")
    let ns = "gateway-conformance-infra";
    let listener = |name: &str, hostname: Option<&str>| {
        let mut l = json!({"name": name, "port": 80, "protocol": "HTTP", "allowedRoutes": {"namespaces": {"from": "All"}}});
        if let Some(h) = hostname {
            l["hostname"] = json!(h);
        }
        l
    };
    let gw = gateway(json!({
        "metadata": {"name": "http-listener-isolation", "namespace": ns},
        "spec": {"gatewayClassName": "c", "listeners": [
            listener("empty-hostname", None),
            listener("wildcard-example-com", Some("*.example.com")),
            listener("wildcard-foo-example-com", Some("*.foo.example.com")),
            listener("abc-foo-example-com", Some("abc.foo.example.com")),
        ]}
    }));
    let sections = [
        "empty-hostname",
        "wildcard-example-com",
        "wildcard-foo-example-com",
        "abc-foo-example-com",
    ];
    let routes: Vec<(HttpRoute, u64)> = sections
        .iter()
        .map(|s| {
            (http_route(json!({
                "metadata": {"name": format!("attaches-to-{s}"), "namespace": ns},
                "spec": {"parentRefs": [{"name": "http-listener-isolation", "namespace": ns, "sectionName": s}],
                    "rules": [{"matches": [{"path": prefix(&format!("/{s}"))}], "backendRefs": [{"name": "infra-backend-v1", "port": 8080}]}]}
            })), 0)
        })
        .collect();
    let (router, _) = build(&gw, &routes);
    let hosts = [
        "bar.com",
        "bar.example.com",
        "bar.foo.example.com",
        "abc.foo.example.com",
    ];
    let mut cases = vec![];
    for (i, host) in hosts.iter().enumerate() {
        for (j, s) in sections.iter().enumerate() {
            let path: &'static str = std::boxed::Box::leak(format!("/{s}").into_boxed_str());
            let want = if i == j { "infra-backend-v1" } else { "404" };
            cases.push((Req::get(host, path), want));
        }
    }
    check_requests("GatewayHTTPListenerIsolation", &router, &cases);
    let d = decide(&router, &Req::get("abc.foo.example.com", "/x"));
    let listener = d.reasons.listener.unwrap();
    assert_eq!(
        (listener.name.as_str(), listener.matched_by),
        ("abc-foo-example-com", HostMatchKind::PreciseHostname)
    );
    let passed: Vec<String> = d
        .reasons
        .listeners_passed_over
        .iter()
        .map(|s| tag(&s.why, "reason"))
        .collect();
    assert_eq!(passed, ["lessSpecific", "lessSpecific", "lessSpecific"]);
}

fn label() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,5}"
}

proptest! {
    /// SPEC §10 invariant 10, Gateway half: `*.a.b` matches names with one or more extra labels
    /// and never `a.b` itself — in the pattern and through a whole Gateway.
    #[test]
    fn wildcard_matches_one_or_more_labels(
        suffix in proptest::collection::vec(label(), 1..4),
        extra in proptest::collection::vec(label(), 0..4),
    ) {
        let suffix = suffix.join(".");
        let host = extra.iter().cloned().chain([suffix.clone()]).collect::<Vec<_>>().join(".");
        let pattern = HostPattern::parse(&format!("*.{suffix}")).unwrap();
        prop_assert_eq!(pattern.matches(&host), !extra.is_empty());

        let gw = gateway(json!({"metadata": {"name": "gw"}, "spec": {"gatewayClassName": "c", "listeners": [
            {"name": "l", "port": 80, "protocol": "HTTP", "hostname": format!("*.{suffix}")}]}}));
        let r = route("r", json!([]), json!([rule(json!([]), "b")]));
        let (router, _) = build(&gw, &[(r, 0)]);
        let req = HttpRequest { host: &host, port: 80, path: "/", method: "GET", ..Default::default() };
        let d = router.route(&req, &mut Rng::new(0));
        prop_assert_eq!(matches!(d.verdict, GatewayVerdict::Routed { .. }), !extra.is_empty());
    }
}

#[test]
fn host_normalisation() {
    let cases = [
        ("Foo.Example.COM", "foo.example.com"),
        ("foo.example.com:8080", "foo.example.com"),
        ("foo.example.com.", "foo.example.com"),
        ("[::1]:80", "::1"),
        ("::1", "::1"),
    ];
    for (raw, want) in cases {
        assert_eq!(normalize_host(raw), want, "{raw}");
    }
}

// ---------------------------------------------------------------------------------------------
// Attachment: parentRefs (sectionName, port), allowedRoutes

fn listeners_gateway() -> Gateway {
    gateway(json!({
        "metadata": {"name": "gw", "namespace": "infra"},
        "spec": {"gatewayClassName": "c", "listeners": [
            {"name": "http", "port": 80, "protocol": "HTTP"},
            {"name": "http-alt", "port": 8080, "protocol": "HTTP", "allowedRoutes": {"namespaces": {"from": "All"}}},
            {"name": "tcp", "port": 9000, "protocol": "TCP", "allowedRoutes": {"namespaces": {"from": "All"}}},
            {"name": "team", "port": 8081, "protocol": "HTTP",
             "allowedRoutes": {"namespaces": {"from": "Selector", "selector": {"matchLabels": {"team": "blue"}}}}},
            {"name": "by-name", "port": 8082, "protocol": "HTTP",
             "allowedRoutes": {"namespaces": {"from": "Selector", "selector": {"matchLabels": {"kubernetes.io/metadata.name": "apps"}}}}},
            {"name": "broken", "port": 8083, "protocol": "HTTP",
             "allowedRoutes": {"namespaces": {"from": "Selector"}}},
            {"name": "only-foo", "port": 8084, "protocol": "HTTP", "hostname": "foo.com",
             "allowedRoutes": {"namespaces": {"from": "All"}}},
        ]}
    }))
}

#[test]
fn attachment_table() {
    let mut namespaces = crate::collections::VecMap::new();
    namespaces.insert(
        "apps".to_string(),
        Labels::from([("team".to_string(), "blue".to_string())]),
    );
    namespaces.insert(
        "other".to_string(),
        Labels::from([("team".to_string(), "red".to_string())]),
    );
    let facts = ClusterFacts {
        namespaces: Some(&namespaces),
        ..Default::default()
    };
    // (case, route namespace, parentRef, route hostnames, expected (reason, [(listener, outcome)]))
    type Expect = Option<(AcceptedReason, Vec<(&'static str, &'static str)>)>;
    use AcceptedReason::*;
    let gw_in_infra = |more: Value| {
        let mut p = json!({"name": "gw", "namespace": "infra"});
        p.as_object_mut()
            .unwrap()
            .extend(more.as_object().unwrap().clone());
        p
    };
    #[rustfmt::skip]
    let cases: Vec<(&str, &str, Value, Value, Expect)> = vec![
        ("no sectionName: every listener is relevant", "infra", json!({"name": "gw"}), json!([]),
            Some((Accepted, vec![("http", "attached"), ("http-alt", "attached"), ("tcp", "kindNotAllowed"),
                ("team", "namespaceNotAllowed"), ("by-name", "namespaceNotAllowed"), ("broken", "namespaceNotAllowed"),
                ("only-foo", "attached")]))),
        ("sectionName picks one listener", "apps", gw_in_infra(json!({"sectionName": "http-alt"})), json!([]),
            Some((Accepted, vec![("http-alt", "attached")]))),
        ("port picks listeners", "apps", gw_in_infra(json!({"port": 8080})), json!([]),
            Some((Accepted, vec![("http-alt", "attached")]))),
        ("unknown sectionName", "infra", json!({"name": "gw", "sectionName": "nope"}), json!([]),
            Some((NoMatchingParent, vec![]))),
        ("sectionName and port must agree", "infra", json!({"name": "gw", "sectionName": "http", "port": 8080}), json!([]),
            Some((NoMatchingParent, vec![]))),
        ("a TCP listener takes no HTTPRoute", "infra", json!({"name": "gw", "sectionName": "tcp"}), json!([]),
            Some((NotAllowedByListeners, vec![("tcp", "kindNotAllowed")]))),
        ("from: Same (the default) refuses other namespaces", "apps", gw_in_infra(json!({"sectionName": "http"})), json!([]),
            Some((NotAllowedByListeners, vec![("http", "namespaceNotAllowed")]))),
        ("from: Selector admits a labelled namespace", "apps", gw_in_infra(json!({"sectionName": "team"})), json!([]),
            Some((Accepted, vec![("team", "attached")]))),
        ("from: Selector refuses others", "other", gw_in_infra(json!({"sectionName": "team"})), json!([]),
            Some((NotAllowedByListeners, vec![("team", "namespaceNotAllowed")]))),
        ("from: Selector on kubernetes.io/metadata.name", "apps", gw_in_infra(json!({"sectionName": "by-name"})), json!([]),
            Some((Accepted, vec![("by-name", "attached")]))),
        ("from: Selector without a selector admits nothing", "apps", gw_in_infra(json!({"sectionName": "broken"})), json!([]),
            Some((NotAllowedByListeners, vec![("broken", "namespaceNotAllowed")]))),
        ("allowed, but hostnames do not intersect", "apps", gw_in_infra(json!({"sectionName": "only-foo"})), json!(["bar.com"]),
            Some((NoMatchingListenerHostname, vec![("only-foo", "noHostnameIntersection")]))),
        ("a parentRef to another namespace's Gateway of that name is not ours", "apps", json!({"name": "gw"}), json!([]), None),
        ("a GAMMA Service parent is not ours", "infra", json!({"name": "gw", "kind": "Service", "group": ""}), json!([]), None),
    ];
    let gw = listeners_gateway();
    for (case, ns, parent, hostnames, want) in cases {
        let r = http_route(json!({
            "metadata": {"name": "r", "namespace": ns},
            "spec": {"parentRefs": [parent], "hostnames": hostnames, "rules": [rule(json!([]), "svc")]}
        }));
        let (_, statuses) = build_with(&gw, &[(r, 0)], &facts);
        let got = statuses.first().map(|s| {
            let p = &s.parents[0];
            let listeners: Vec<(&str, String)> = p
                .listeners
                .iter()
                .map(|l| (l.listener.as_str(), tag(&l.outcome, "outcome")))
                .collect();
            (p.reason, listeners)
        });
        let want = want.map(|(r, ls)| {
            (
                r,
                ls.into_iter()
                    .map(|(l, o)| (l, o.to_string()))
                    .collect::<Vec<_>>(),
            )
        });
        assert_eq!(got, want, "{case}");
    }
}

#[test]
fn section_name_and_port_decide_where_requests_go() {
    let gw = listeners_gateway();
    let r = http_route(json!({
        "metadata": {"name": "r", "namespace": "apps"},
        "spec": {"parentRefs": [{"name": "gw", "namespace": "infra", "sectionName": "http-alt"}],
            "rules": [rule(json!([]), "svc")]}
    }));
    let (router, _) = build(&gw, &[(r, 0)]);
    #[rustfmt::skip]
    let cases = [
        (Req::get("h", "/"), "404"),                   // the port-80 listener exists; the Route is not on it
        (Req::get("h", "/").port(8080), "svc"),        // http-alt
        (Req::get("h", "/").port(9000), "refused"),    // TCP: no HTTP listener
        (Req::get("h", "/").port(1234), "refused"),
        (Req::get("bar.com", "/").port(8084), "404"),  // only-foo: no listener for that host
    ];
    check_requests("sectionName", &router, &cases);
    let d = decide(&router, &Req::get("h", "/").port(1234));
    assert_eq!(d.verdict, GatewayVerdict::NoListener { port: 1234 });
    assert_eq!(d.verdict.http_status(), None);
}

// ---------------------------------------------------------------------------------------------
// §7.4 weights, §11 #8, 404 and 500

/// conformance/tests/httproute-weight.yaml (HTTPRouteWeight): 70/30/0.
fn weighted_route() -> HttpRoute {
    http_route(json!({
        "metadata": {"name": "weighted-backends", "namespace": "gateway-conformance-infra"},
        "spec": {"parentRefs": [{"name": "same-namespace"}], "rules": [{"backendRefs": [
            {"name": "infra-backend-v1", "port": 8080, "weight": 70},
            {"name": "infra-backend-v2", "port": 8080, "weight": 30},
            {"name": "infra-backend-v3", "port": 8080, "weight": 0},
        ]}]}
    }))
}

fn same_namespace_gateway() -> Gateway {
    gateway(json!({
        "metadata": {"name": "same-namespace", "namespace": "gateway-conformance-infra"},
        "spec": {"gatewayClassName": "c", "listeners": [
            {"name": "http", "port": 80, "protocol": "HTTP", "allowedRoutes": {"namespaces": {"from": "Same"}}}]}
    }))
}

#[test]
fn weight_shares() {
    let (router, _) = build(&same_namespace_gateway(), &[(weighted_route(), 0)]);
    let shares: Vec<(String, f64)> = router
        .backend_shares("gateway-conformance-infra", "weighted-backends", 0)
        .unwrap()
        .into_iter()
        .map(|s| (s.backend.name, s.share))
        .collect();
    assert_eq!(
        shares,
        [
            ("infra-backend-v1".into(), 0.7),
            ("infra-backend-v2".into(), 0.3),
            ("infra-backend-v3".into(), 0.0)
        ]
    );
    assert_eq!(
        router.backend_shares("gateway-conformance-infra", "weighted-backends", 1),
        None
    );
    assert_eq!(router.backend_shares("default", "weighted-backends", 0), None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    /// SPEC §7.4 with the conformance fixture's 70/30/0: over 10,000 seeded requests each share is
    /// within 5σ of its weight, weight 0 gets nothing, and every pick reports its probability.
    #[test]
    fn weighted_picks_follow_the_weights(seed in any::<u64>()) {
        let (router, _) = build(&same_namespace_gateway(), &[(weighted_route(), 0)]);
        let mut rng = Rng::new(seed);
        let req = Req::get("any.host", "/");
        let mut counts = BTreeMap::new();
        for _ in 0..10_000 {
            let d = router.route(&req.as_request(), &mut rng);
            let GatewayVerdict::Routed { backend, probability, .. } = d.verdict else {
                return Err(TestCaseError::fail("not routed"));
            };
            let want = if backend.name == "infra-backend-v1" { 0.7 } else { 0.3 };
            prop_assert_eq!(probability, want);
            *counts.entry(backend.name).or_insert(0u32) += 1;
        }
        let v1 = f64::from(counts.get("infra-backend-v1").copied().unwrap_or(0));
        let sigma = (10_000.0f64 * 0.7 * 0.3).sqrt();
        prop_assert!((v1 - 7_000.0).abs() < 5.0 * sigma, "{counts:?}");
        prop_assert_eq!(counts.get("infra-backend-v3"), None);
    }
}

#[test]
fn internal_errors() {
    // (source, backendRefs, expected cause tag, expected probability)
    #[rustfmt::skip]
    let cases: Vec<(&str, Value, &str, f64)> = vec![
        ("SPEC §11 #8: a single backend with weight 0", json!([{"name": "a", "port": 80, "weight": 0}]), "allWeightsZero", 1.0),
        ("conformance httproute-all-backends-weight-zero",
            json!([{"name": "a", "port": 80, "weight": 0}, {"name": "b", "port": 80, "weight": 0}]), "allWeightsZero", 1.0),
        ("§7.4 no backendRefs", json!([]), "noBackendRefs", 1.0),
        ("§7.4 the only backend is invalid", json!([{"name": "cm", "kind": "ConfigMap", "port": 80}]), "invalidBackend", 1.0),
        ("a Service backend without port", json!([{"name": "a"}]), "invalidBackend", 1.0),
    ];
    let gw = open_gateway();
    for (source, backends, cause, probability) in cases {
        let r = route("r", json!([]), json!([{"backendRefs": backends}]));
        let (router, _) = build(&gw, &[(r, 0)]);
        let d = decide(&router, &Req::get("h", "/"));
        assert_eq!(d.verdict.http_status(), Some(500), "{source}");
        let GatewayVerdict::InternalError {
            cause: got,
            probability: p,
            ..
        } = &d.verdict
        else {
            unreachable!()
        };
        assert_eq!(
            (tag(got, "cause"), *p),
            (cause.to_string(), probability),
            "{source}"
        );
    }
}

#[test]
fn an_invalid_backend_keeps_its_share_as_500s() {
    // SPEC §7.4: "Invalid backendRef ⇒ its proportional share gets HTTP 500".
    let gw = open_gateway();
    let r = route(
        "r",
        json!([]),
        json!([{"backendRefs": [
            {"name": "svc", "port": 80, "weight": 3},
            {"name": "cm", "kind": "ConfigMap", "group": "", "port": 80, "weight": 1},
        ]}]),
    );
    let (router, statuses) = build(&gw, &[(r, 0)]);
    assert_eq!(
        statuses[0].unresolved_backends[0].problem,
        BackendProblem::InvalidKind
    );
    let mut rng = Rng::new(7);
    let mut errors = 0;
    for _ in 0..4_000 {
        match router.route(&Req::get("h", "/").as_request(), &mut rng).verdict {
            GatewayVerdict::InternalError {
                cause: InternalErrorCause::InvalidBackend { problem, .. },
                probability,
                ..
            } => {
                assert_eq!((problem, probability), (BackendProblem::InvalidKind, 0.25));
                errors += 1;
            }
            GatewayVerdict::Routed { probability, .. } => assert_eq!(probability, 0.75),
            other => panic!("{other:?}"),
        }
    }
    assert!((900..1100).contains(&errors), "{errors}");
    let shares = router.backend_shares("default", "r", 0).unwrap();
    assert_eq!(shares[1].problem, Some(BackendProblem::InvalidKind));
}

#[test]
fn backend_resolution() {
    let grant = json!({
        "apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant",
        "metadata": {"name": "g", "namespace": "backends"},
        "spec": {"from": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "default"}],
                 "to": [{"group": "", "kind": "Service", "name": "granted"}]}
    });
    let grants = ReferenceGrantRule::from_object(&grant);
    assert_eq!(
        grants,
        [ReferenceGrantRule {
            from_namespace: "default".into(),
            to_namespace: "backends".into(),
            to_service: Some("granted".into())
        }]
    );
    let exists = |ns: &str, name: &str| (ns, name) != ("default", "missing");
    let facts = ClusterFacts {
        services: Some(&exists),
        reference_grants: &grants,
        ..Default::default()
    };
    // (backendRef, expected problem)
    #[rustfmt::skip]
    let cases: Vec<(Value, Option<BackendProblem>)> = vec![
        (json!({"name": "svc", "port": 80}), None),
        (json!({"name": "svc", "port": 80, "group": "core", "kind": "Service"}), None),
        (json!({"name": "missing", "port": 80}), Some(BackendProblem::BackendNotFound)),
        (json!({"name": "granted", "namespace": "backends", "port": 80}), None),
        (json!({"name": "other", "namespace": "backends", "port": 80}), Some(BackendProblem::RefNotPermitted)),
        (json!({"name": "granted", "namespace": "elsewhere", "port": 80}), Some(BackendProblem::RefNotPermitted)),
        (json!({"name": "b", "group": "example.com", "kind": "Bucket"}), Some(BackendProblem::InvalidKind)),
    ];
    let gw = open_gateway();
    for (backend, want) in cases {
        let r = route("r", json!([]), json!([{"backendRefs": [backend.clone()]}]));
        let (router, statuses) = build_with(&gw, &[(r, 0)], &facts);
        assert_eq!(
            statuses[0].unresolved_backends.first().map(|u| u.problem),
            want,
            "{backend}"
        );
        let d = decide(&router, &Req::get("h", "/"));
        assert_eq!(d.verdict.http_status().is_some(), want.is_some(), "{backend}");
    }
}

#[test]
fn not_found() {
    let gw = open_gateway();
    let r = route(
        "r",
        json!(["foo.com"]),
        json!([rule(json!([{"path": prefix("/api")}]), "api")]),
    );
    let (router, _) = build(&gw, &[(r, 0)]);
    let d = decide(&router, &Req::get("foo.com", "/web"));
    assert_eq!(
        (d.verdict.http_status(), d.reasons.candidates.len()),
        (Some(404), 1)
    );
    assert_eq!(tag(&d.reasons.candidates[0].outcome, "outcome"), "noMatch");
    // Another host: no candidate at all.
    let d = decide(&router, &Req::get("bar.com", "/api"));
    assert_eq!(
        (d.verdict, d.reasons.candidates.len()),
        (GatewayVerdict::NotFound, 0)
    );
}

#[test]
fn same_seed_same_decision_and_sure_picks_draw_nothing() {
    let (router, _) = build(&same_namespace_gateway(), &[(weighted_route(), 0)]);
    let req = Req::get("h", "/");
    let a = router.route(&req.as_request(), &mut Rng::new(42));
    let b = router.route(&req.as_request(), &mut Rng::new(42));
    assert_eq!(a, b);
    let gw = open_gateway();
    let r = route(
        "r",
        json!([]),
        json!([{"backendRefs": [{"name": "a", "port": 80, "weight": 5}, {"name": "z", "port": 80, "weight": 0}]}]),
    );
    let (router, _) = build(&gw, &[(r, 0)]);
    let mut rng = Rng::new(3);
    let d = router.route(&req.as_request(), &mut rng);
    assert!(matches!(d.verdict, GatewayVerdict::Routed { probability, .. } if probability == 1.0));
    assert_eq!(rng, Rng::new(3));
}

// ---------------------------------------------------------------------------------------------
// RegularExpression

#[test]
fn regex_subset() {
    // (pattern, input, full match?)
    let cases = [
        ("abc", "abc", true),
        ("abc", "abcd", false),
        ("a.c", "abc", true),
        ("a.c", "a\nc", false),
        ("a*", "", true),
        ("a+", "", false),
        ("ab?c", "ac", true),
        ("(ab)+", "ababab", true),
        ("(ab)+", "ababa", false),
        ("(?:a|bc)*d", "abcad", true),
        ("(?P<v>v[0-9]+)/x", "v12/x", true),
        ("(?<v>v[0-9]+)/x", "v/x", false),
        ("[a-c]{2}", "cb", true),
        ("[a-c]{2}", "cbc", false),
        ("x{2,}", "xxxx", true),
        ("x{2,3}", "xxxx", false),
        ("x{0}", "", true),
        ("[^/]+", "seg", true),
        ("[^/]+", "a/b", false),
        ("\\d+\\.\\d+", "3.14", true),
        ("\\w+", "snake_case9", true),
        ("\\W", "a", false),
        ("\\s", "\t", true),
        ("[\\d.]+", "1.2.3", true),
        ("[]a]", "]", true),
        ("[a-]", "-", true),
        ("\\/api\\/.*", "/api/x", true),
        ("^/api$", "/api", true),
        ("a{,2}", "a{,2}", true), // not a repetition: literal braces, as RE2
        ("café", "café", true),
        ("a|", "", true),
        (".*?x", "aax", true),
        ("(a*)*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false),
    ];
    for (pattern, input, want) in cases {
        let re = Regex::new(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
        assert_eq!(re.is_full_match(input), want, "{pattern} on {input:?}");
    }
}

#[test]
fn regex_refusals() {
    // (pattern, expected error tag, construct or detail)
    let cases = [
        ("(?i)abc", "unsupported", "flags"),
        ("(?=a)", "unsupported", "lookahead"),
        ("(a)\\1", "unsupported", "a backreference"),
        ("\\bword", "unsupported", "an assertion escape"),
        ("\\p{Greek}", "unsupported", "a Unicode class"),
        ("\\x41", "unsupported", "a hex escape"),
        ("[[:alpha:]]", "unsupported", "a POSIX class"),
        ("a^b", "unsupported", "an anchor inside the pattern"),
        ("(a$)", "unsupported", "an anchor inside the pattern"),
        ("a**", "invalid", "bad repetition operator"),
        ("*a", "invalid", "missing argument to repetition operator"),
        ("(ab", "invalid", "missing closing )"),
        ("ab)", "invalid", "unmatched ')'"),
        ("[ab", "invalid", "missing closing ]"),
        ("[z-a]", "invalid", "invalid character class range"),
        ("a{3,2}", "invalid", "bad repetition operator"),
        ("a{1001}", "invalid", "bad repetition operator"),
        ("\\", "invalid", "trailing \\"),
        ("\\q", "invalid", "invalid escape sequence"),
    ];
    for (pattern, want_tag, want_what) in cases {
        let err = Regex::new(pattern)
            .err()
            .unwrap_or_else(|| panic!("{pattern} compiled"));
        let v = crate::json::ToJson::to_json(&err);
        let what = v
            .get("construct")
            .or_else(|| v.get("detail"))
            .and_then(Value::as_str)
            .unwrap_or("");
        assert_eq!(
            (tag(&err, "error").as_str(), what),
            (want_tag, want_what),
            "{pattern}"
        );
    }
    assert_eq!(Regex::new(&"(".repeat(100)).err(), Some(RegexError::TooComplex));
    assert_eq!(
        Regex::new("((a{100}){100}){100}").err(),
        Some(RegexError::TooComplex)
    );
}

#[test]
fn regex_time_is_linear() {
    // A backtracking engine takes exponential time on these; the Pike VM is O(pattern × input).
    let input = "a".repeat(20_000);
    for pattern in ["(a*)*b", "(a|a)*b", "(a|aa)+b", "(.*)*x"] {
        if let Ok(re) = Regex::new(pattern) {
            assert!(!re.is_full_match(&input), "{pattern}");
        }
    }
}

#[test]
fn unsupported_regex_drops_its_rule_only() {
    let gw = open_gateway();
    let r = route(
        "r",
        json!([]),
        json!([
            rule(
                json!([{"path": {"type": "RegularExpression", "value": "(?i)/foo"}}]),
                "foo"
            ),
            rule(json!([{"path": prefix("/bar")}]), "bar"),
        ]),
    );
    let (router, statuses) = build(&gw, &[(r, 0)]);
    assert!(statuses[0].accepted());
    let dropped = &statuses[0].dropped_rules;
    assert_eq!(dropped.len(), 1);
    assert_eq!(
        (dropped[0].rule, dropped[0].field.as_str()),
        (0, "spec.rules[0].matches[0].path.value")
    );
    assert_eq!(
        dropped[0].problem,
        MatchProblem::Regex {
            error: RegexError::Unsupported {
                construct: "flags",
                at: 1
            }
        }
    );
    check_requests(
        "dropped rule",
        &router,
        &[(Req::get("h", "/bar"), "bar"), (Req::get("h", "/foo"), "404")],
    );
}

// ---------------------------------------------------------------------------------------------
// Shared fixtures (converted by hand from YAML: the core has no YAML parser)

#[test]
fn fixture_basic_http() {
    // /work/shared/fixtures/manifests/kubernetes-sigs-gateway-api__basic-http.yaml
    let gw = gateway(json!({
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
        "metadata": {"name": "my-gateway"},
        "spec": {"gatewayClassName": "example", "listeners": [{"name": "http", "protocol": "HTTP", "port": 80}]}
    }));
    let r = http_route(json!({
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
        "metadata": {"name": "http-app-1"},
        "spec": {
            "parentRefs": [{"name": "my-gateway"}],
            "hostnames": ["foo.com"],
            "rules": [
                {"matches": [{"path": {"type": "PathPrefix", "value": "/bar"}}],
                 "backendRefs": [{"name": "my-service1", "port": 8080}]},
                {"matches": [{"headers": [{"type": "Exact", "name": "magic", "value": "foo"}],
                              "queryParams": [{"type": "Exact", "name": "great", "value": "example"}],
                              "path": {"type": "PathPrefix", "value": "/some/thing"},
                              "method": "GET"}],
                 "backendRefs": [{"name": "my-service2", "port": 8080}]}
            ]
        }
    }));
    let (router, statuses) = build(&gw, &[(r, 0)]);
    assert!(statuses[0].accepted());
    #[rustfmt::skip]
    let cases = [
        (Req::get("foo.com", "/bar"), "my-service1"),
        (Req::get("foo.com", "/bar/baz"), "my-service1"),
        (Req::get("foo.com", "/barn"), "404"),
        (Req::get("bar.com", "/bar"), "404"),
        (Req::get("foo.com", "/some/thing") .header("magic", "foo") .query("great", "example"), "my-service2"),
        (Req::get("foo.com", "/some/thing") .header("Magic", "foo") .query("great", "example"), "my-service2"),
        (Req::get("foo.com", "/some/thing") .header("magic", "foo") .query("great", "example") .method("POST"), "404"),
        (Req::get("foo.com", "/some/thing").query("great", "example"), "404"),
    ];
    check_requests("basic-http.yaml", &router, &cases);
}

#[test]
fn fixture_bookinfo_gateway_api() {
    // /work/shared/fixtures/manifests/istio-istio__bookinfo-gateway-api.yaml
    let gw = gateway(json!({
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
        "metadata": {"name": "bookinfo-gateway"},
        "spec": {"gatewayClassName": "istio", "listeners": [
            {"name": "http", "port": 80, "protocol": "HTTP", "allowedRoutes": {"namespaces": {"from": "Same"}}}]}
    }));
    let r = http_route(json!({
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
        "metadata": {"name": "bookinfo"},
        "spec": {"parentRefs": [{"name": "bookinfo-gateway"}], "rules": [{
            "matches": [
                {"path": {"type": "Exact", "value": "/productpage"}},
                {"path": {"type": "PathPrefix", "value": "/static"}},
                {"path": {"type": "Exact", "value": "/login"}},
                {"path": {"type": "Exact", "value": "/logout"}},
                {"path": {"type": "PathPrefix", "value": "/api/v1/products"}}
            ],
            "backendRefs": [{"name": "productpage", "port": 9080}]
        }]}
    }));
    let (router, statuses) = build(&gw, &[(r, 0)]);
    assert!(statuses[0].accepted());
    #[rustfmt::skip]
    let cases = [
        (Req::get("1.2.3.4", "/productpage"), "productpage"),
        (Req::get("bookinfo.example", "/productpage?u=normal"), "productpage"),
        (Req::get("1.2.3.4", "/productpage/"), "404"),
        (Req::get("1.2.3.4", "/static/bootstrap.css"), "productpage"),
        (Req::get("1.2.3.4", "/login").method("POST"), "productpage"),
        (Req::get("1.2.3.4", "/logout"), "productpage"),
        (Req::get("1.2.3.4", "/api/v1/products/0/reviews"), "productpage"),
        (Req::get("1.2.3.4", "/api/v1/productsx"), "404"),
        (Req::get("1.2.3.4", "/reviews"), "404"),
    ];
    check_requests("bookinfo-gateway-api.yaml", &router, &cases);
    let d = decide(&router, &Req::get("h", "/api/v1/products/1"));
    assert!(
        matches!(d.verdict, GatewayVerdict::Routed { match_index: Some(4), probability, .. } if probability == 1.0)
    );
}

// ---------------------------------------------------------------------------------------------
// match_http_route and timestamps

#[test]
fn match_http_route_picks_the_gateway() {
    let gw = |name: &str, listener: Value| {
        gateway(
            json!({"metadata": {"name": name}, "spec": {"gatewayClassName": "c", "listeners": [listener]}}),
        )
    };
    let gw_b = gw("b", json!({"name": "http", "port": 80, "protocol": "HTTP"}));
    let gw_a = gw(
        "a",
        json!({"name": "http", "port": 80, "protocol": "HTTP", "hostname": "only.a"}),
    );
    let gw_c = gw("c", json!({"name": "http", "port": 8080, "protocol": "HTTP"}));
    let on = |gw: &str, name: &str, ts: Option<&str>| {
        let mut r = json!({"metadata": {"name": name}, "spec": {"parentRefs": [{"name": gw}],
            "rules": [{"backendRefs": [{"name": format!("{gw}-{name}"), "port": 80}]}]}});
        if let Some(ts) = ts {
            r["metadata"]["creationTimestamp"] = json!(ts);
        }
        http_route(r)
    };
    let routes = [
        on("a", "r", None),
        on("b", "r", None),
        on("b", "newer", Some("2026-01-01T00:00:09Z")),
        on("b", "older", Some("2026-01-01T00:00:01Z")),
    ];
    let gws = [&gw_b, &gw_a, &gw_c];
    let rs: Vec<&HttpRoute> = routes.iter().collect();
    let facts = ClusterFacts::default();
    let run = |host: &'static str, port: u16, named: Option<(&str, &str)>| {
        let req = Req::get(host, "/").port(port);
        match_http_route(&gws, &rs, &facts, &req.as_request(), named, &mut Rng::new(0)).map(|d| outcome(&d))
    };
    // (host, port, gateway, expected; None = no Gateway takes it)
    type Case<'a> = (&'static str, u16, Option<(&'a str, &'a str)>, Option<&'a str>);
    #[rustfmt::skip]
    let cases: [Case<'_>; 6] = [
        ("only.a", 80, None, Some("a-r")),                 // a sorts first and takes only.a
        ("x.y", 80, None, Some("b-older")),                // b: the oldest timestamp wins; none = newest
        ("x.y", 8080, None, Some("404")),                  // c listens on 8080, no route attached
        ("x.y", 9999, None, None),                         // nobody listens
        ("x.y", 80, Some(("default", "a")), Some("404")),  // a does not take x.y
        ("x.y", 80, Some(("default", "zzz")), None),
    ];
    for (host, port, named, want) in cases {
        assert_eq!(run(host, port, named).as_deref(), want, "{host}:{port} {named:?}");
    }
}

#[test]
fn creation_timestamps() {
    let cases = [
        ("1970-01-01T00:00:00Z", Some(0)),
        ("2026-01-01T00:00:05Z", Some(1_767_225_605_000)),
        ("2026-01-01T00:00:05.25Z", Some(1_767_225_605_250)),
        ("2026-01-01T01:00:05+01:00", Some(1_767_225_605_000)),
        ("2025-12-31T23:00:05-01:00", Some(1_767_225_605_000)),
        ("2024-02-29T00:00:00Z", Some(1_709_164_800_000)),
        ("1969-12-31T23:59:59Z", None),
        ("2026-13-01T00:00:00Z", None),
        ("2026-01-01", None),
        ("2026-01-01T00:00:05", None),
        ("not a date", None),
    ];
    for (ts, want) in cases {
        assert_eq!(creation_ms(ts), want, "{ts}");
    }
}

proptest! {
    /// `creation_ms` reads back what the simulated clock writes.
    #[test]
    fn creation_ms_inverts_the_clock(ms in 0u64..10_000_000_000_000) {
        let ts = crate::cluster::time::rfc3339(ms);
        let epoch_ms = crate::cluster::time::EPOCH_UNIX_SECONDS as u64 * 1000;
        prop_assert_eq!(creation_ms(&ts), Some(epoch_ms + ms / 1000 * 1000));
    }
}

#[test]
fn decision_json_shape() {
    // What crosses to JavaScript (npm `matchHttpRoute`): pinned so a rename is deliberate.
    let gw = open_gateway();
    let r = route(
        "r",
        json!(["foo.com"]),
        json!([rule(json!([{"path": prefix("/")}]), "svc")]),
    );
    let (router, _) = build(&gw, &[(r, 0)]);
    let d = decide(&router, &Req::get("foo.com", "/"));
    let v = crate::json::ToJson::to_json(&d);
    assert_eq!(
        v["verdict"],
        json!({"verdict": "routed", "route": {"kind": "HTTPRoute", "namespace": "default", "name": "r"},
               "rule": 0, "match": 0, "probability": 1.0,
               "backend": {"kind": "Service", "namespace": "default", "name": "svc", "port": 80, "weight": 1}})
    );
    assert_eq!(
        v["reasons"]["listener"],
        json!({"name": "http", "port": 80, "matchedBy": "AnyHostname"})
    );
    assert_eq!(
        v["reasons"]["hostname"],
        json!({"hostname": "foo.com", "kind": "PreciseHostname"})
    );
    assert_eq!(
        v["reasons"]["candidates"],
        json!([{"route": {"kind": "HTTPRoute", "namespace": "default", "name": "r"}, "rule": 0, "match": 0,
                "hostname": "foo.com", "outcome": {"outcome": "won"}}])
    );
}

#[test]
fn listener_compile_reports_broken_selectors() {
    let l: crate::model::Listener = crate::json::FromJson::from_json(&json!({"name": "l", "port": 80, "protocol": "HTTP",
        "allowedRoutes": {"namespaces": {"from": "Selector", "selector": {"matchExpressions": [{"key": "a", "operator": "Bogus"}]}}}}))
    .unwrap();
    let compiled = CompiledListener::new(&l, 3);
    let super::listener::NamespacePolicy::Broken(why) = compiled.namespaces else {
        panic!("{compiled:?}")
    };
    assert!(
        why.starts_with("spec.listeners[3].allowedRoutes.namespaces.selector.matchExpressions[0].operator"),
        "{why}"
    );
}
