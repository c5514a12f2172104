//! Ingress router benchmarks (issue 3), side by side in one run: per lookup, kroute's
//! [`IngressRouter::lookup`] against the `matchit` crate's `Router::at` and against a naive
//! linear matcher with the router's semantics, on three rule sets:
//!
//! * **130**: the GitHub REST API routes of matchit's own benchmark
//!   ([`github_routes::ROUTES`]) on one host, `api.github.com`;
//! * **1,000** and **10,000**: the same API on many hosts (see [`synthetic`]).
//!
//! Each set is asked the same 1,000 requests per iteration: the 130 routes with concrete
//! parameter values, in a fixed pseudo-random order ([`request_order`]; on many hosts, spread
//! over the hosts). As many requests everywhere, and in no short cycle, so that no set gains
//! from a branch predictor that learnt a short loop by heart: the sets differ by their rules
//! only.
//!
//! Goals (issue 3): ≤ 1.0× matchit's time on the 130 routes; ≤ 1.5× from 130 to 10,000 rules;
//! ≥ 20× faster than the linear matcher at 10,000. Each ratio is printed as
//! `ratio <name> <value>` from criterion's median estimates, and each time per lookup as
//! `time <name> <ns>`.
//!
//! # From routes to Ingress paths
//!
//! An Ingress path has no parameters. A static route (`/user/repos`) is the `Exact` path of the
//! same string. A route with parameters (`/repos/:owner/:repo/issues/:number`) is served by the
//! `Prefix` path of its static elements before the first parameter (`/repos`): the narrowest
//! Ingress rule that takes every request of the route — it also takes the rest of `/repos/…`,
//! which is why an Ingress sends a resource family to one Service and the Service's own router
//! reads the parameters. Routes sharing that head (the 58 `/repos/:owner/…` ones) are therefore
//! one Ingress path, that of the first such route: the 130 routes are 45 Ingress paths
//! (27 `Exact`, 18 `Prefix`), all in one Ingress. matchit gets the 130 routes themselves
//! (`{name}` parameters) and no host; kroute also finds the host (one hashed lookup), so the
//! comparison favours matchit slightly.
//!
//! Before measuring, every request is checked to reach the same rule through all three
//! matchers (for matchit: the Ingress path its matched route turns into).

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Duration;

use common::{criterion_dir, median_ns};
use criterion::Criterion;
use kroute::dataplane::ingress::{
    exact_matches, prefix_matches, prefix_segments, request_host, request_path, IngressRouter, RuleHost,
};
use kroute::json;
use kroute::model::Ingress;

#[path = "ingress/github_routes.rs"]
mod github_routes;

/// One Ingress path, in the form every matcher of this file is built from.
#[derive(Clone, Debug)]
struct Rule {
    host: String,
    path: String,
    exact: bool,
}

/// A rule set in the three forms, with its requests.
struct Workload {
    /// The Ingress paths; path `i` has the backend Service `svc-<i>`.
    rules: Vec<Rule>,
    /// matchit's routes, each with the index of the Ingress path it turns into.
    routes: Vec<(String, usize)>,
    /// `(host, path)` for kroute and the linear matcher, and matchit's path (the host in its
    /// first segment when the set has several hosts).
    requests: Vec<(String, String, String)>,
}

/// Requests per set and iteration.
const REQUESTS: usize = 1_000;

/// Which of the 130 routes each request asks: a fixed xorshift sequence.
fn request_order() -> impl Iterator<Item = usize> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..REQUESTS).map(move |_| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % github_routes::ROUTES.len() as u64) as usize
    })
}

/// The 130 GitHub routes on `api.github.com`.
fn github() -> Workload {
    const HOST: &str = "api.github.com";
    let mut rules: Vec<Rule> = Vec::new();
    let mut routes = Vec::new();
    let mut concrete_paths = Vec::new();
    for route in github_routes::ROUTES {
        let (path, exact) = match route.find("/:") {
            None => (route.to_string(), true),
            // `/orgs/:org` → `/orgs`; a parameter right after the root would be `/`.
            Some(0) => ("/".to_string(), false),
            Some(i) => (route[..i].to_string(), false),
        };
        let rule = match rules.iter().position(|r| r.path == path && r.exact == exact) {
            Some(rule) => rule,
            None => {
                rules.push(Rule {
                    host: HOST.into(),
                    path,
                    exact,
                });
                rules.len() - 1
            }
        };
        let braces = segments_map(route, |s| match s.strip_prefix(':') {
            Some(name) => format!("{{{name}}}"),
            None => s.to_string(),
        });
        routes.push((braces, rule));
        let concrete = segments_map(route, |s| match s.strip_prefix(':') {
            Some(name) => github_routes::value(name).to_string(),
            None => s.to_string(),
        });
        concrete_paths.push(concrete);
    }
    let requests = request_order()
        .map(|i| {
            (
                HOST.to_string(),
                concrete_paths[i].clone(),
                concrete_paths[i].clone(),
            )
        })
        .collect();
    Workload {
        rules,
        routes,
        requests,
    }
}

fn segments_map(route: &str, f: impl Fn(&str) -> String) -> String {
    route.split('/').map(f).collect::<Vec<_>>().join("/")
}

/// A synthetic shared Ingress controller with `n` paths: a SaaS serving the GitHub API once
/// per customer, under one host each (`api.<customer>.ghe.com`, as GitHub Enterprise Cloud
/// does), one Ingress per host — many hosts, each with the 45 Ingress paths of the 130 routes
/// (23 hosts at 1,000, 223 at 10,000, the last one with the first paths only). Every host has
/// its own trie, so the router holds `n` paths, not 45 shared ones. The requests are those of
/// the 130-route set, spread over the (full) hosts, so that the ratio between sets measures
/// the number of rules, not the requests. matchit, which has no
/// host, gets each host's routes under the host as the first segment
/// (`/api.c7.ghe.com/repos/{owner}/{repo}/issues`), the request paths likewise (built before
/// measuring): `n / 45 × 130` routes.
fn synthetic(n: usize) -> Workload {
    let base = github();
    let per_host = base.rules.len();
    let host = |h: usize| format!("api.c{h}.ghe.com");
    let rules: Vec<Rule> = (0..n)
        .map(|r| {
            let base_rule = &base.rules[r % per_host];
            Rule {
                host: host(r / per_host),
                ..base_rule.clone()
            }
        })
        .collect();
    let mut routes = Vec::new();
    for h in 0..n.div_ceil(per_host) {
        for (route, rule) in &base.routes {
            let r = h * per_host + rule;
            if r < n {
                routes.push((format!("/{}{route}", host(h)), r));
            }
        }
    }
    let full_hosts = n / per_host;
    let requests = (base.requests.iter().enumerate())
        .map(|(k, (_, path, _))| {
            // A stride prime to the number of hosts visits them all.
            let h = host(k * 7919 % full_hosts);
            let matchit_path = format!("/{h}{path}");
            (h, path.clone(), matchit_path)
        })
        .collect();
    Workload {
        rules,
        routes,
        requests,
    }
}

/// The Ingresses of a rule set: one per host, its paths in rule order.
fn ingresses(rules: &[Rule]) -> Vec<Ingress> {
    let mut hosts: Vec<&str> = Vec::new();
    for rule in rules {
        if !hosts.contains(&rule.host.as_str()) {
            hosts.push(&rule.host);
        }
    }
    hosts
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let paths: Vec<_> = (rules.iter().enumerate())
                .filter(|(_, r)| r.host == *host)
                .map(|(k, r)| {
                    let path_type = if r.exact { "Exact" } else { "Prefix" };
                    json!({"path": r.path, "pathType": path_type,
                           "backend": {"service": {"name": format!("svc-{k}"), "port": {"number": 80}}}})
                })
                .collect();
            kroute::json::FromJson::from_json(&json!({
                "metadata": {"name": format!("ing-{i}"), "namespace": "bench"},
                "spec": {"rules": [{"host": host, "http": {"paths": paths}}]}
            }))
            .expect("benchmark Ingresses are valid")
        })
        .collect()
}

/// A naive matcher with the router's semantics for these sets (no default backends, no
/// duplicates): every rule is tried, with the SPEC §6.3 predicates kroute exports.
struct Linear {
    rules: Vec<(RuleHost, Rule)>,
}

impl Linear {
    fn new(rules: &[Rule]) -> Linear {
        let rules = rules
            .iter()
            .map(|r| (RuleHost::parse(Some(&r.host)).expect("valid host"), r.clone()))
            .collect();
        Linear { rules }
    }

    /// The index of the answering rule.
    fn lookup(&self, host: &str, path: &str) -> Option<usize> {
        let host = request_host(host);
        let path = request_path(path);
        // The most specific host group covering the host (RuleHost orders that way).
        let mut group: Option<&RuleHost> = None;
        for (rule_host, _) in &self.rules {
            if rule_host.matches(&host) && group.is_none_or(|g| rule_host < g) {
                group = Some(rule_host);
            }
        }
        let group = group?;
        let mut best: Option<(usize, (usize, usize))> = None;
        for (i, (rule_host, rule)) in self.rules.iter().enumerate() {
            if rule_host != group {
                continue;
            }
            if rule.exact {
                if exact_matches(&rule.path, path) {
                    return Some(i);
                }
            } else if prefix_matches(&rule.path, path) {
                let measure = (prefix_segments(&rule.path), rule.path.len());
                if best.is_none_or(|(_, m)| measure > m) {
                    best = Some((i, measure));
                }
            }
        }
        best.map(|(i, _)| i)
    }
}

/// The three matchers of one workload, checked to agree on every request.
struct Matchers {
    kroute: IngressRouter,
    matchit: matchit::Router<usize>,
    linear: Linear,
}

fn matchers(w: &Workload) -> Matchers {
    let ingresses = ingresses(&w.rules);
    let refs: Vec<&Ingress> = ingresses.iter().collect();
    let (kroute, warnings) = IngressRouter::build_all(&refs);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(kroute.path_count(), w.rules.len());
    let mut matchit = matchit::Router::new();
    for (route, rule) in &w.routes {
        matchit
            .insert(route.as_str(), *rule)
            .expect("matchit takes the route");
    }
    let linear = Linear::new(&w.rules);
    for (host, path, matchit_path) in &w.requests {
        let target = kroute.lookup(host, path).expect("kroute routes every request");
        let by_kroute: usize = target.backend.service.as_ref().expect("service backend").name[4..]
            .parse()
            .expect("svc-<i>");
        let by_matchit = *matchit
            .at(matchit_path)
            .expect("matchit routes every request")
            .value;
        assert_eq!(by_kroute, by_matchit, "{host}{path}");
        assert_eq!(Some(by_kroute), linear.lookup(host, path), "{host}{path}");
    }
    Matchers {
        kroute,
        matchit,
        linear,
    }
}

/// One measurement: a matcher on one set, all of the set's requests per iteration.
fn measure(crit: &mut Criterion, set: &str, w: &Workload, m: &Matchers, matcher: &str) {
    let mut group = crit.benchmark_group(format!("ingress_{set}"));
    let requests = &w.requests;
    match matcher {
        "kroute" => group.bench_function(matcher, |b| {
            b.iter(|| {
                for (host, path, _) in requests {
                    black_box(m.kroute.lookup(black_box(host), black_box(path)));
                }
            })
        }),
        "matchit" => group.bench_function(matcher, |b| {
            b.iter(|| {
                for (_, _, path) in requests {
                    black_box(m.matchit.at(black_box(path)).ok());
                }
            })
        }),
        _ => group.sample_size(10).bench_function(matcher, |b| {
            b.iter(|| {
                for (host, path, _) in requests {
                    black_box(m.linear.lookup(black_box(host), black_box(path)));
                }
            })
        }),
    };
    group.finish();
}

fn main() {
    let mut crit = Criterion::default()
        .output_directory(&criterion_dir())
        .sample_size(40)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();

    let sets = [
        ("130", github()),
        ("1000", synthetic(1_000)),
        ("10000", synthetic(10_000)),
    ];
    let built: Vec<Matchers> = sets.iter().map(|(_, w)| matchers(w)).collect();
    // The two measurements of each goal's ratio run one right after the other, so that a
    // change of load on the (shared) machine between them moves both alike.
    let order = [
        (0, "matchit"),
        (0, "kroute"),
        (2, "kroute"),
        (2, "matchit"),
        (1, "kroute"),
        (1, "matchit"),
        (2, "linear"),
        (1, "linear"),
        (0, "linear"),
    ];
    for (set, matcher) in order {
        let (name, workload) = &sets[set];
        measure(&mut crit, name, workload, &built[set], matcher);
    }
    crit.final_summary();

    // Nanoseconds per lookup, per set: (kroute, matchit, linear).
    let per_lookup: Vec<(&str, f64, f64, f64)> = (sets.iter())
        .map(|(name, w)| {
            let time = |id: &str| median_ns(&format!("ingress_{name}"), id) / w.requests.len() as f64;
            (*name, time("kroute"), time("matchit"), time("linear"))
        })
        .collect();
    for (name, kroute, matchit, linear) in &per_lookup {
        println!("time ingress_{name}_kroute_ns {kroute:.1}");
        println!("time ingress_{name}_matchit_ns {matchit:.1}");
        println!("time ingress_{name}_linear_ns {linear:.1}");
    }
    let [(_, k130, m130, l130), (_, k1000, m1000, l1000), (_, k10000, m10000, l10000)] = per_lookup[..]
    else {
        unreachable!("three sets")
    };
    let ratios = [
        ("ingress_vs_matchit_130", k130 / m130),
        ("ingress_vs_matchit_1000", k1000 / m1000),
        ("ingress_vs_matchit_10000", k10000 / m10000),
        ("ingress_1000_vs_130", k1000 / k130),
        ("ingress_10000_vs_130", k10000 / k130),
        ("linear_vs_ingress_130", l130 / k130),
        ("linear_vs_ingress_1000", l1000 / k1000),
        ("linear_vs_ingress_10000", l10000 / k10000),
    ];
    for (name, value) in ratios {
        println!("ratio {name} {value:.3}");
    }
}
