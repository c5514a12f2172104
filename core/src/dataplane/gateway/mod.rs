//! The Gateway API router: which HTTPRoute rule and backend a request reaching a Gateway gets,
//! and why (SPEC §7, §11 #8).
//!
//! [`GatewayRouter::build`] compiles one Gateway and the HTTPRoutes that may attach to it:
//! each Route is attached (or not, with the upstream reason, in its [`RouteStatus`]) to
//! listeners through its parentRefs (`listener.rs`), and every match of every rule becomes a
//! candidate under each hostname it serves there, sorted once into the precedence order below
//! and indexed by hostname. [`GatewayRouter::route`] then picks the listener, looks up the
//! candidates for the request's host (the precise name, each wildcard suffix, "any"), walks them
//! in precedence order — the first that matches wins — and picks a backend by weight
//! (`weights.rs`). Its cost is O(candidates for that host); nothing is sorted per request.
//!
//! ```
//! use kroute::dataplane::gateway::{ClusterFacts, GatewayRouter, GatewayVerdict, HttpRequest, RouteInput};
//! use kroute::model::{Gateway, HttpRoute};
//! use kroute::rng::Rng;
//! use kroute::json;
//! use kroute::json::FromJson;
//!
//! let gateway = Gateway::from_json(&json!({
//!     "metadata": {"name": "gw"},
//!     "spec": {"gatewayClassName": "c", "listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}]}
//! })).unwrap();
//! let route = HttpRoute::from_json(&json!({
//!     "metadata": {"name": "books"},
//!     "spec": {"parentRefs": [{"name": "gw"}], "hostnames": ["shop.example"], "rules": [
//!         {"matches": [{"path": {"type": "PathPrefix", "value": "/books"}}],
//!          "backendRefs": [{"name": "books-v1", "port": 80, "weight": 90}, {"name": "books-v2", "port": 80, "weight": 10}]}
//!     ]}
//! })).unwrap();
//! let routes = [RouteInput { route: &route, created_ms: 0 }];
//! let (router, statuses) = GatewayRouter::build(&gateway, &routes, &ClusterFacts::default());
//! assert!(statuses[0].accepted());
//!
//! let request = HttpRequest { host: "shop.example:80", port: 80, path: "/books/42", method: "GET", ..Default::default() };
//! let decision = router.route(&request, &mut Rng::new(7));
//! let GatewayVerdict::Routed { backend, probability, .. } = &decision.verdict else { panic!() };
//! assert!(backend.name.starts_with("books-v"));
//! assert!(probability == &0.9 || probability == &0.1);
//! assert_eq!(router.backend_shares("default", "books", 0).unwrap()[1].share, 0.1);
//! ```
//!
//! ## Precedence
//!
//! Candidates are ordered by the first of these that differs (SPEC §7.2; the one that decided is
//! reported as a [`PrecedenceStep`] for every candidate that also matched but lost):
//!
//! 1. An `Exact` path beats every other path type (§7.2 step 1).
//! 2. A `RegularExpression` path beats a `PathPrefix` (§7.2 step 6 leaves regex precedence to
//!    the implementation; kroute orders Exact, RegularExpression, PathPrefix, as Envoy Gateway).
//! 3. The longer path value, in characters as written: the longest `PathPrefix` (§7.2 step 2),
//!    or the longer of two patterns.
//! 4. A method match beats none (step 3).
//! 5. More header matches, one per distinct name (step 4).
//! 6. More query-parameter matches (step 5).
//! 7. The more specific hostname the candidate serves the host under: more characters of a
//!    precise hostname, then more characters (§7.3; Route without hostnames last).
//! 8. The older Route (`creationTimestamp`, step 7).
//! 9. `{namespace}/{name}` first alphabetically (step 8).
//! 10. Within one Route, the earlier rule (step 9), then the earlier match.
//!
//! No candidate matches → HTTP 404. A matched rule without backendRefs, whose weights sum to 0,
//! or whose pick lands on a backend that does not resolve → HTTP 500 (§7.4, §11 #8).
//!
//! ## Decisions (for SPEC §11)
//!
//! * **Hostname specificity is step 7, not step 0.** SPEC §7.3 (after the API doc) prefers the
//!   Route with the most specific hostname *before* comparing matches, but the conformance test
//!   `HTTPRouteMatchingAcrossRoutes` (`conformance/tests/httproute-matching-across-routes.yaml`)
//!   requires `example.com/v2` to reach a `*.com` Route's `PathPrefix /v2` over an
//!   `example.com` Route's `PathPrefix /`; implementations pass it by merging wildcard Routes
//!   into the precise host (Envoy Gateway #1702, Kuma #3959). kroute follows the conformance
//!   suite: hostnames decide only between equally specific matches.
//! * **Listener isolation.** A request is served by the single most specific listener on its
//!   port (precise hostname, longest wildcard, no hostname), and only that listener's Routes
//!   compete (GEP-1713 `HTTPListenerIsolation`).
//! * **Regex** is a safe RE2 subset matched against the whole value (`regex.rs`); a rule whose
//!   pattern falls outside it is dropped and reported, never approximated.
//! * A request on a port no HTTP listener serves is [`GatewayVerdict::NoListener`] (the
//!   connection is refused), not a 404.

mod listener;
mod matching;
mod regex;
mod weights;

#[cfg(test)]
mod tests;

use crate::collections::VecMap;
use crate::json::ToJson;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cmp::Ordering;

use crate::error::ObjectRef;
use crate::model::{Gateway, HttpRoute};
use crate::rng::Choose;
use crate::selector::Labels;

pub use listener::{
    normalize_host, AcceptedReason, AttachOutcome, HostMatchKind, HostPattern, ListenerAttachment,
    ListenerChoice, ListenerSkip, ListenerSkipReason, ParentStatus, RouteStatus,
};
pub use matching::{DroppedRule, MatchProblem, Mismatch, PathType, PrecedenceStep};
pub use regex::RegexError;
pub use weights::{Backend, BackendProblem, BackendShare, ReferenceGrantRule, UnresolvedBackend};

use crate::sort::SharedSort;
use listener::CompiledListener;
use matching::{compare_specificity, CompiledMatch, Specificity};
use weights::{CompiledBackend, Pick};

/// `(namespace, name)` → whether that Service exists.
pub type ServiceLookup<'a> = &'a dyn Fn(&str, &str) -> bool;

/// What the router needs to know about the rest of the cluster. `Default` knows nothing: every
/// namespace has only its `kubernetes.io/metadata.name` label, Service existence is not
/// checked, and no ReferenceGrant exists (so cross-namespace backends answer 500).
#[derive(Clone, Copy, Default)]
pub struct ClusterFacts<'a> {
    /// Namespace labels, for listeners with `allowedRoutes.namespaces.from: Selector`.
    pub namespaces: Option<&'a VecMap<String, Labels>>,
    /// Whether a Service exists. `None`: assume it does.
    pub services: Option<ServiceLookup<'a>>,
    /// Cross-namespace permissions for backendRefs (see [`ReferenceGrantRule::from_object`]).
    pub reference_grants: &'a [ReferenceGrantRule],
}

impl ClusterFacts<'_> {
    fn namespace_labels(&self, namespace: &str) -> Labels {
        listener::labels_with_name(self.namespaces.and_then(|m| m.get(namespace)), namespace)
    }

    /// Whether a ReferenceGrant lets Routes in `from` use Service `to_ns/name`.
    fn grants(&self, from: &str, to_ns: &str, name: &str) -> bool {
        self.reference_grants.iter().any(|g| {
            g.from_namespace == from
                && g.to_namespace == to_ns
                && g.to_service.as_deref().is_none_or(|s| s == name)
        })
    }
}

/// One HTTPRoute to compile, with its creation time (milliseconds on any clock shared by all
/// inputs: the cluster's simulated clock, or [`creation_ms`] of the manifest's timestamp).
#[derive(Clone, Copy, Debug)]
pub struct RouteInput<'a> {
    pub route: &'a HttpRoute,
    pub created_ms: u64,
}

/// An HTTP request as it reaches the Gateway.
#[derive(Clone, Copy, Debug, Default)]
pub struct HttpRequest<'a> {
    /// The Host header (or `:authority`); a `:port` suffix is ignored, case does not matter.
    pub host: &'a str,
    /// The Gateway port the connection came in on.
    pub port: u16,
    /// The request target's path; anything from `?` or `#` on is ignored (give the query
    /// parameters in `query`). Empty means `/`.
    pub path: &'a str,
    pub method: &'a str,
    pub headers: &'a [(&'a str, &'a str)],
    pub query: &'a [(&'a str, &'a str)],
}

/// Where a request went, and why.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct GatewayDecision {
    pub verdict: GatewayVerdict,
    pub reasons: GatewayReasons,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(tag = "verdict", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum GatewayVerdict {
    /// Forwarded to a backend.
    Routed {
        route: ObjectRef,
        rule: usize,
        /// Index in the rule's `matches`; `None` when the rule has none and the implicit
        /// `PathPrefix /` matched.
        #[serde(rename = "match")]
        match_index: Option<usize>,
        backend: Backend,
        /// The chance of this backend among the rule's weighted backends.
        probability: f64,
    },
    /// HTTP 404: a listener took the request, but no rule matches (or no listener's hostname
    /// matches the host).
    NotFound,
    /// HTTP 500 from a matched rule (SPEC §7.4).
    InternalError {
        route: ObjectRef,
        rule: usize,
        #[serde(rename = "match")]
        match_index: Option<usize>,
        cause: InternalErrorCause,
        /// The chance of this outcome for this request (1 unless an invalid share was drawn).
        probability: f64,
    },
    /// No HTTP listener on that port: the connection is refused.
    NoListener { port: u16 },
}

impl GatewayVerdict {
    /// The status the Gateway itself answers with (`None` when it forwards or refuses).
    pub fn http_status(&self) -> Option<u16> {
        match self {
            GatewayVerdict::NotFound => Some(404),
            GatewayVerdict::InternalError { .. } => Some(500),
            GatewayVerdict::Routed { .. } | GatewayVerdict::NoListener { .. } => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(tag = "cause", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum InternalErrorCause {
    /// The weighted pick landed on a backend that does not resolve.
    InvalidBackend {
        backend: Backend,
        problem: BackendProblem,
    },
    /// The rule has no backendRefs (and kroute models no filters that would answer instead).
    NoBackendRefs,
    /// The rule's weights sum to 0 (§11 #8: a single backend with weight 0 included).
    AllWeightsZero,
}

/// Everything the router looked at.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct GatewayReasons {
    pub gateway: ObjectRef,
    /// The host as matched (lowercase, port removed).
    pub host: String,
    /// The listener that took the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listener: Option<ListenerChoice>,
    /// Every other listener, with why it did not.
    pub listeners_passed_over: Vec<ListenerSkip>,
    /// The hostname under which the winning Route serves the host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<HostnameMatch>,
    /// Every candidate for the host, in precedence order: the winner, the ones that lost (and
    /// at which step), the ones that did not match (and why).
    pub candidates: Vec<Candidate>,
    /// The matched rule's traffic split.
    pub backends: Vec<BackendShare>,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct HostnameMatch {
    /// `None`: the Route and listener have no hostname, so any host.
    pub hostname: Option<HostPattern>,
    pub kind: HostMatchKind,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    pub route: ObjectRef,
    pub rule: usize,
    #[serde(rename = "match")]
    pub match_index: Option<usize>,
    /// The hostname it serves the host under (`None`: any host).
    pub hostname: Option<HostPattern>,
    pub outcome: CandidateOutcome,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(tag = "outcome", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum CandidateOutcome {
    Won,
    /// Matched too, but the winner comes first at this step.
    Lost {
        step: PrecedenceStep,
    },
    NoMatch {
        why: Mismatch,
    },
}

/// A compiled Gateway: its listeners and, per listener, the candidates by hostname.
#[derive(Clone, Debug)]
pub struct GatewayRouter {
    gateway: ObjectRef,
    listeners: Vec<CompiledListener>,
    /// Parallel to `listeners`.
    tables: Vec<HostTable>,
    routes: Vec<CompiledRoute>,
}

#[derive(Clone, Debug)]
struct CompiledRoute {
    reference: ObjectRef,
    /// `{namespace}/{name}`, compared as upstream compares it.
    key: String,
    created_ms: u64,
    rules: Vec<CompiledRule>,
}

#[derive(Clone, Debug)]
struct CompiledRule {
    /// Empty when the rule was dropped.
    matches: Vec<CompiledMatch>,
    /// The rule has no `matches`: `matches[0]` is the implicit `PathPrefix /`.
    implicit: bool,
    backends: Vec<CompiledBackend>,
}

/// One match of one rule of one Route, under one hostname it serves on a listener.
#[derive(Clone, Debug)]
struct Entry {
    route: usize,
    rule: usize,
    match_index: usize,
    hostname: Option<HostPattern>,
    specificity: Specificity,
}

/// A listener's candidates in precedence order, indexed by hostname: a request's candidates
/// are the lists under its precise name, under each wildcard suffix of it, and under "any",
/// merged by position.
#[derive(Clone, Debug, Default)]
struct HostTable {
    entries: Vec<Entry>,
    precise: BTreeMap<String, Vec<usize>>,
    /// By suffix: `*.example.com` under `example.com`.
    wildcard: BTreeMap<String, Vec<usize>>,
    any: Vec<usize>,
}

impl HostTable {
    fn new(mut entries: Vec<Entry>, routes: &[CompiledRoute]) -> Self {
        entries.stable_sort_by(|a, b| compare_entries(routes, a, b).0);
        let mut table = HostTable::default();
        for (i, e) in entries.iter().enumerate() {
            match &e.hostname {
                Some(HostPattern::Precise(h)) => table.precise.entry(h.clone()).or_default().push(i),
                Some(HostPattern::Wildcard(s)) => table.wildcard.entry(s.clone()).or_default().push(i),
                None => table.any.push(i),
            }
        }
        table.entries = entries;
        table
    }

    /// The sorted position lists that apply to `host`.
    fn lists(&self, host: &str) -> Vec<&[usize]> {
        let mut lists = Vec::new();
        if let Some(l) = self.precise.get(host) {
            lists.push(l.as_slice());
        }
        for (i, b) in host.bytes().enumerate() {
            if b == b'.' && i > 0 {
                if let Some(l) = host.get(i + 1..).and_then(|s| self.wildcard.get(s)) {
                    lists.push(l.as_slice());
                }
            }
        }
        lists.push(self.any.as_slice());
        lists
    }
}

/// The precedence order of two entries: `Less` when `a` comes first, with the deciding step.
fn compare_entries(routes: &[CompiledRoute], a: &Entry, b: &Entry) -> (Ordering, Option<PrecedenceStep>) {
    let (order, step) = compare_specificity(&a.specificity, &b.specificity);
    if order != Ordering::Equal {
        return (order, step);
    }
    let (ha, hb) = (
        HostPattern::specificity(a.hostname.as_ref()),
        HostPattern::specificity(b.hostname.as_ref()),
    );
    if ha != hb {
        let (w, l) = if ha > hb { (a, b) } else { (b, a) };
        let name = |e: &Entry| e.hostname.as_ref().map(ToString::to_string);
        let step = PrecedenceStep::MoreSpecificHostname {
            winner: name(w),
            loser: name(l),
        };
        return (hb.cmp(&ha), Some(step));
    }
    let (Some(ra), Some(rb)) = (routes.get(a.route), routes.get(b.route)) else {
        return (Ordering::Equal, None);
    };
    if ra.created_ms != rb.created_ms {
        let step = PrecedenceStep::OlderRoute {
            winner_created_ms: ra.created_ms.min(rb.created_ms),
            loser_created_ms: ra.created_ms.max(rb.created_ms),
        };
        return (ra.created_ms.cmp(&rb.created_ms), Some(step));
    }
    if a.route != b.route {
        // Same `{namespace}/{name}` twice (not possible in a cluster) falls back to input order.
        let order = ra.key.cmp(&rb.key).then(a.route.cmp(&b.route));
        let (w, l) = if order == Ordering::Less {
            (ra, rb)
        } else {
            (rb, ra)
        };
        let step = PrecedenceStep::AlphabeticalRoute {
            winner: w.key.clone(),
            loser: l.key.clone(),
        };
        return (order, Some(step));
    }
    if a.rule != b.rule {
        let step = PrecedenceStep::EarlierRule {
            winner: a.rule.min(b.rule),
            loser: a.rule.max(b.rule),
        };
        return (a.rule.cmp(&b.rule), Some(step));
    }
    if a.match_index != b.match_index {
        let step = PrecedenceStep::EarlierMatch {
            winner: a.match_index.min(b.match_index),
            loser: a.match_index.max(b.match_index),
        };
        return (a.match_index.cmp(&b.match_index), Some(step));
    }
    (Ordering::Equal, None)
}

impl GatewayRouter {
    /// Compiles a Gateway and the Routes that may attach to it. Returns a status for every Route
    /// with a parentRef naming this Gateway (other Routes are not this Gateway's business).
    pub fn build(
        gateway: &Gateway,
        routes: &[RouteInput<'_>],
        facts: &ClusterFacts<'_>,
    ) -> (GatewayRouter, Vec<RouteStatus>) {
        let listeners: Vec<CompiledListener> = gateway
            .spec
            .listeners
            .iter()
            .enumerate()
            .map(|(i, l)| CompiledListener::new(l, i))
            .collect();
        let mut pending: Vec<Vec<Entry>> = alloc::vec![Vec::new(); listeners.len()];
        let mut compiled = Vec::new();
        let mut statuses = Vec::new();
        for input in routes {
            let route = input.route;
            let ns = route.metadata.namespace.as_deref().unwrap_or("default");
            let (parents, attachments) = listener::attach(route, ns, gateway, &listeners, facts);
            if parents.is_empty() {
                continue;
            }
            let reference = ObjectRef {
                kind: "HTTPRoute".into(),
                namespace: Some(ns.to_string()),
                name: route.metadata.name.clone(),
            };
            let mut dropped_rules = Vec::new();
            let mut unresolved_backends = Vec::new();
            let mut rules = Vec::with_capacity(route.spec.rules.len());
            for (ri, rule) in route.spec.rules.iter().enumerate() {
                let at = crate::error::FieldPath::new("spec.rules").index(ri);
                let (backends, unresolved) = weights::resolve(rule, ri, ns, facts);
                unresolved_backends.extend(unresolved);
                let compiled_matches: Result<Vec<CompiledMatch>, DroppedRule> = rule
                    .matches
                    .iter()
                    .enumerate()
                    .map(|(mi, m)| CompiledMatch::compile(m, ri, &at.child("matches").index(mi)))
                    .collect();
                let (matches, implicit) = match compiled_matches {
                    Ok(ms) if ms.is_empty() => (alloc::vec![CompiledMatch::default_match()], true),
                    Ok(ms) => (ms, false),
                    Err(dropped) => {
                        dropped_rules.push(dropped);
                        (Vec::new(), false)
                    }
                };
                rules.push(CompiledRule {
                    matches,
                    implicit,
                    backends,
                });
            }
            statuses.push(RouteStatus {
                route: reference.clone(),
                parents,
                unresolved_backends,
                dropped_rules,
            });
            if attachments.is_empty() {
                continue;
            }
            let route_index = compiled.len();
            for (li, hostnames) in &attachments {
                let Some(list) = pending.get_mut(*li) else {
                    continue;
                };
                for hostname in hostnames {
                    for (ri, rule) in rules.iter().enumerate() {
                        for (mi, m) in rule.matches.iter().enumerate() {
                            list.push(Entry {
                                route: route_index,
                                rule: ri,
                                match_index: mi,
                                hostname: hostname.clone(),
                                specificity: m.specificity(),
                            });
                        }
                    }
                }
            }
            compiled.push(CompiledRoute {
                key: alloc::format!("{ns}/{}", route.metadata.name),
                reference,
                created_ms: input.created_ms,
                rules,
            });
        }
        let tables = pending
            .into_iter()
            .map(|entries| HostTable::new(entries, &compiled))
            .collect();
        let gateway_ref = ObjectRef {
            kind: "Gateway".into(),
            namespace: Some(
                gateway
                    .metadata
                    .namespace
                    .clone()
                    .unwrap_or_else(|| "default".into()),
            ),
            name: gateway.metadata.name.clone(),
        };
        (
            GatewayRouter {
                gateway: gateway_ref,
                listeners,
                tables,
                routes: compiled,
            },
            statuses,
        )
    }

    pub fn gateway(&self) -> &ObjectRef {
        &self.gateway
    }

    /// Routes one request. `rng` is drawn from only when the matched rule splits traffic (the
    /// seeded [`Rng`](crate::rng::Rng), or the enumerator of expected shares).
    pub fn route(&self, request: &HttpRequest<'_>, rng: &mut dyn Choose) -> GatewayDecision {
        let host = normalize_host(request.host);
        let (chosen, skips) = listener::choose_listener(&self.listeners, request.port, &host);
        let mut reasons = GatewayReasons {
            gateway: self.gateway.clone(),
            host,
            listener: None,
            listeners_passed_over: skips,
            hostname: None,
            candidates: Vec::new(),
            backends: Vec::new(),
        };
        let (Some(li), Some(table)) = (chosen, chosen.and_then(|i| self.tables.get(i))) else {
            let port_served = reasons
                .listeners_passed_over
                .iter()
                .any(|s| matches!(s.why, ListenerSkipReason::HostnameMismatch { .. }));
            let verdict = if port_served {
                GatewayVerdict::NotFound
            } else {
                GatewayVerdict::NoListener { port: request.port }
            };
            return GatewayDecision { verdict, reasons };
        };
        reasons.listener = self.listeners.get(li).map(ListenerChoice::of);
        let path = request_path(request.path);
        let lists = table.lists(&reasons.host);
        let mut cursors = alloc::vec![0usize; lists.len()];
        let mut seen = BTreeSet::new();
        let mut winner: Option<&Entry> = None;
        loop {
            // Merge the sorted lists: the smallest head is the next candidate in precedence order.
            let next = lists
                .iter()
                .zip(cursors.iter())
                .enumerate()
                .filter_map(|(k, (list, &c))| list.get(c).map(|&pos| (pos, k)))
                .min();
            let Some((pos, k)) = next else { break };
            if let Some(c) = cursors.get_mut(k) {
                *c += 1;
            }
            let Some(entry) = table.entries.get(pos) else {
                continue;
            };
            if !seen.insert((entry.route, entry.rule, entry.match_index)) {
                continue; // the same match under a less specific hostname
            }
            let Some((route, rule, m)) = self.entry_parts(entry) else {
                continue;
            };
            let outcome = match (m.check(request, path), winner) {
                (Err(why), _) => CandidateOutcome::NoMatch { why },
                (Ok(()), None) => {
                    winner = Some(entry);
                    CandidateOutcome::Won
                }
                (Ok(()), Some(w)) => match compare_entries(&self.routes, w, entry).1 {
                    Some(step) => CandidateOutcome::Lost { step },
                    None => continue,
                },
            };
            reasons.candidates.push(Candidate {
                route: route.reference.clone(),
                rule: entry.rule,
                match_index: (!rule.implicit).then_some(entry.match_index),
                hostname: entry.hostname.clone(),
                outcome,
            });
        }
        let Some(w) = winner else {
            return GatewayDecision {
                verdict: GatewayVerdict::NotFound,
                reasons,
            };
        };
        let Some((route, rule, _)) = self.entry_parts(w) else {
            return GatewayDecision {
                verdict: GatewayVerdict::NotFound,
                reasons,
            };
        };
        reasons.hostname = Some(HostnameMatch {
            hostname: w.hostname.clone(),
            kind: HostMatchKind::of(w.hostname.as_ref()),
        });
        reasons.backends = weights::shares(&rule.backends);
        let match_index = (!rule.implicit).then_some(w.match_index);
        let route_ref = route.reference.clone();
        let error = |cause, probability| GatewayVerdict::InternalError {
            route: route_ref.clone(),
            rule: w.rule,
            match_index,
            cause,
            probability,
        };
        let verdict = match weights::pick(&rule.backends, rng) {
            Pick::Chosen { index, probability } => match rule.backends.get(index) {
                Some(CompiledBackend {
                    backend,
                    problem: None,
                }) => GatewayVerdict::Routed {
                    route: route_ref.clone(),
                    rule: w.rule,
                    match_index,
                    backend: backend.clone(),
                    probability,
                },
                Some(CompiledBackend {
                    backend,
                    problem: Some(problem),
                }) => error(
                    InternalErrorCause::InvalidBackend {
                        backend: backend.clone(),
                        problem: *problem,
                    },
                    probability,
                ),
                None => error(InternalErrorCause::NoBackendRefs, 1.0),
            },
            Pick::NoBackendRefs => error(InternalErrorCause::NoBackendRefs, 1.0),
            Pick::AllWeightsZero => error(InternalErrorCause::AllWeightsZero, 1.0),
        };
        GatewayDecision { verdict, reasons }
    }

    fn entry_parts(&self, e: &Entry) -> Option<(&CompiledRoute, &CompiledRule, &CompiledMatch)> {
        let route = self.routes.get(e.route)?;
        let rule = route.rules.get(e.rule)?;
        Some((route, rule, rule.matches.get(e.match_index)?))
    }

    /// The expected traffic split of a rule of an attached Route (`None` if the Route is not
    /// attached to this Gateway or has no such rule), for showing beside the Route.
    pub fn backend_shares(&self, namespace: &str, name: &str, rule: usize) -> Option<Vec<BackendShare>> {
        let route = self
            .routes
            .iter()
            .find(|r| r.reference.namespace.as_deref() == Some(namespace) && r.reference.name == name)?;
        Some(weights::shares(&route.rules.get(rule)?.backends))
    }
}

/// The path to match: without query string or fragment; empty means `/`.
fn request_path(path: &str) -> &str {
    let p = path.split(['?', '#']).next().unwrap_or("");
    if p.is_empty() {
        "/"
    } else {
        p
    }
}

/// Matches a request against Gateways and HTTPRoutes given as plain objects (the npm
/// `matchHttpRoute`). `gateway` names the Gateway the request reaches (`(namespace, name)`);
/// without it, the first Gateway in `namespace/name` order with an HTTP listener for the
/// request's port and host takes it. Route age comes from `creationTimestamp` ([`creation_ms`];
/// Routes without one count as newer than every Route with one, then go alphabetically).
///
/// `None` when no Gateway takes the request (the named one does not exist, or none listens);
/// otherwise the decision, whose verdict says 404 when no rule matched.
pub fn match_http_route(
    gateways: &[&Gateway],
    routes: &[&HttpRoute],
    facts: &ClusterFacts<'_>,
    request: &HttpRequest<'_>,
    gateway: Option<(&str, &str)>,
    rng: &mut dyn Choose,
) -> Option<GatewayDecision> {
    let ns_of = |g: &Gateway| g.metadata.namespace.clone().unwrap_or_else(|| "default".into());
    let chosen: &Gateway = match gateway {
        Some((ns, name)) => *gateways
            .iter()
            .find(|g| ns_of(g) == ns && g.metadata.name == name)?,
        None => {
            let host = normalize_host(request.host);
            let mut sorted: Vec<&Gateway> = gateways.to_vec();
            sorted.stable_sort_by_key(|g| (ns_of(g), g.metadata.name.clone()));
            sorted.into_iter().find(|g| {
                let listeners: Vec<CompiledListener> = g
                    .spec
                    .listeners
                    .iter()
                    .enumerate()
                    .map(|(i, l)| CompiledListener::new(l, i))
                    .collect();
                listener::choose_listener(&listeners, request.port, &host)
                    .0
                    .is_some()
            })?
        }
    };
    let inputs: Vec<RouteInput<'_>> = routes
        .iter()
        .map(|r| RouteInput {
            route: r,
            created_ms: r
                .metadata
                .creation_timestamp
                .as_deref()
                .and_then(creation_ms)
                .unwrap_or(u64::MAX),
        })
        .collect();
    let (router, _) = GatewayRouter::build(chosen, &inputs, facts);
    Some(router.route(request, rng))
}

/// Milliseconds since the Unix epoch of an RFC 3339 timestamp as the API server writes
/// `creationTimestamp` (`2026-01-01T00:00:05Z`; fractions and `±hh:mm` offsets accepted).
/// `None` when it cannot be read, or is before 1970.
pub fn creation_ms(timestamp: &str) -> Option<u64> {
    let b = timestamp.trim().as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0i64, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
        })
    };
    let sep = |at: usize, options: &[u8]| b.get(at).is_some_and(|c| options.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (y, mo, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (h, mi, s) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let mut at = 19;
    let mut millis = 0i64;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let mut scale = 100;
        while let Some(c) = b.get(at).filter(|c| c.is_ascii_digit()) {
            millis += i64::from(c - b'0') * scale;
            scale /= 10;
            at += 1;
        }
    }
    let offset_s = match b.get(at) {
        Some(b'Z' | b'z') if at + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if at + 6 == b.len() && sep(at + 3, b":") => {
            let off = num(at + 1, 2)? * 3600 + num(at + 4, 2)? * 60;
            if *sign == b'+' {
                off
            } else {
                -off
            }
        }
        _ => return None,
    };
    // Howard Hinnant's days_from_civil.
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * (if mo > 2 { mo - 3 } else { mo + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3600 + mi * 60 + s - offset_s;
    u64::try_from(secs * 1000 + millis).ok()
}

impl HostMatchKind {
    fn of(pattern: Option<&HostPattern>) -> Self {
        match pattern {
            Some(HostPattern::Precise(_)) => HostMatchKind::PreciseHostname,
            Some(HostPattern::Wildcard(_)) => HostMatchKind::WildcardHostname,
            None => HostMatchKind::AnyHostname,
        }
    }
}
