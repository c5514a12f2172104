//! # Ingress routing
//!
//! [`IngressRouter`] compiles the Ingresses of one controller into host maps and per-host
//! segment tries, then answers `route(host, path)` with an [`IngressDecision`]: who answers
//! (Ingress, rule, path, backend, or a `defaultBackend`, or nobody — 404), whether plain HTTP
//! is redirected to HTTPS, and the reasons — what matched, and every candidate that lost or
//! nearly matched, and why. The semantics are SPEC §6 with the decisions of SPEC §11.
//!
//! ```
//! use kroute::dataplane::ingress::{IngressInput, IngressRouter};
//! use kroute::json;
//! use kroute::json::FromJson;
//! use kroute::model::Ingress;
//!
//! let ingress = Ingress::from_json(&json!({
//!     "metadata": {"name": "shop", "namespace": "web"},
//!     "spec": {"rules": [{"host": "shop.example", "http": {"paths": [
//!         {"path": "/", "pathType": "Prefix",
//!          "backend": {"service": {"name": "front", "port": {"number": 80}}}},
//!         {"path": "/api", "pathType": "Prefix",
//!          "backend": {"service": {"name": "api", "port": {"name": "http"}}}}
//!     ]}}]}
//! })).unwrap();
//! let (router, warnings) = IngressRouter::build_all(&[&ingress]);
//! assert!(warnings.is_empty());
//!
//! let decision = router.route("Shop.Example:8080", "/api/v1/cart?x=1");
//! let answer = decision.answer.unwrap();
//! assert_eq!(answer.backend.service.unwrap().name, "api");
//! assert_eq!(answer.path.unwrap().path, "/api");
//! // `/api/v1/cart` also matched `/`, which lost to the longer prefix: that is a reason.
//! assert_eq!(decision.reasons.len(), 3);
//! ```
//!
//! ## Precedence
//!
//! A request is decided by these rules, in this order. The [`ReferenceMatcher`] is their
//! literal, linear implementation; the router is proven equal to it by a property test.
//!
//! 1. **Which Ingresses.** An Ingress's class is its `kubernetes.io/ingress.class` annotation,
//!    else its `spec.ingressClassName` (SPEC §6.7: the annotation takes priority; a difference is
//!    warned about). With a class, it is routed if an IngressClass of that name is given and,
//!    when the router is built for a `controller`, has that `spec.controller`. Without a class,
//!    it is routed if the default IngressClass (annotation
//!    `ingressclass.kubernetes.io/is-default-class: "true"`) qualifies in the same way; with
//!    several defaults the newest wins, ties to the smaller name, with a warning (SPEC §11 #5).
//!    Every Ingress not routed is reported with why ([`SkipReason`]).
//! 2. **Model order.** Routed Ingresses are read oldest first (`created_ms`); equal times are
//!    ordered by the string `namespace/name` *descending*, as ingress-nginx's comparator does
//!    (SPEC §9 #4). Within an Ingress: rules, then paths, in order. "Earlier" below means
//!    earlier in this order.
//! 3. **Host group.** The request host is matched without its port, without one trailing dot,
//!    case-insensitively. Rules are grouped by host: each precise host, each wildcard, and the
//!    rules without host. The decisive group is the most specific one that covers the host:
//!    1. the precise host equal to it; else
//!    2. the wildcard `*.S` where the host is one non-empty label followed by `.S` (`*.foo.com`
//!       covers `bar.foo.com`, not `foo.com`, not `a.bar.foo.com`; SPEC §6.2); else
//!    3. the rules without host.
//!
//!    Only the decisive group's paths are consulted: no fall-through to a less specific group
//!    when none of its paths matches (SPEC §11 #3; one NGINX `server` per host).
//! 4. **Path.** Within the group, against the URL path before `?`/`#` (an empty path is `/`):
//!    1. an `Exact` path equal to the request path (case-sensitive, no trailing-slash
//!       tolerance) wins over every prefix (SPEC §11 #1);
//!    2. else among `Prefix` and `ImplementationSpecific` paths (the latter read as `Prefix`, as
//!       ingress-nginx does without regex annotations; the reason says so) whose elements —
//!       `/`-separated, one trailing `/` ignored, whole elements only — are a prefix of the
//!       request's, the one with the most elements wins, then the longest string (`/foo/`
//!       beats `/foo`; SPEC §11 #2). `/` matches every path;
//!    3. a remaining tie is the same path declared once `Prefix` and once
//!       `ImplementationSpecific`: the earlier one wins.
//!
//!    A `Prefix` path ending in `/` matches the path without it (`/foo/` matches `/foo`), as
//!    the spec says (SPEC §11 #13); ingress-nginx would redirect that request with a 301 and
//!    the decision notes it ([`IngressReason::NginxTrailingSlashRedirect`]).
//! 5. **Duplicates.** Paths with the same group, path and `pathType` (across Ingresses or
//!    within one): the earliest routes, the others never do; each is reported as an
//!    [`IngressWarning::Conflict`] and, when it would have matched, as
//!    [`IngressReason::ConflictLost`] (SPEC §11 #4).
//! 6. **Default backend.** When no path of the decisive group matches, the group's default
//!    backend answers: the `defaultBackend` of the earliest Ingress that has rules in the group
//!    *and* a `defaultBackend`. If none of them has one — or no group covers the host — the
//!    catch-all answers: the earliest Ingress with a `defaultBackend` and no rules, else the
//!    earliest with a `defaultBackend`. Otherwise nothing answers: HTTP 404 from the
//!    controller's own default backend. Every `defaultBackend` that loses a place is reported
//!    ([`IngressWarning::DefaultBackendConflict`]).
//! 7. **TLS.** The server name (SNI) picks the certificate among `tls[].hosts[]`: the precise
//!    host, else a `*.` wildcard covering it; a host listed twice keeps the earlier entry
//!    (a different Secret is warned about). The `Host` header still picks the rule. A
//!    plain-HTTP request to a host with TLS is redirected to HTTPS with 308, unless the
//!    answering Ingress sets `nginx.ingress.kubernetes.io/ssl-redirect: "false"` (SPEC §6.8).
//!
//! ### Why these default backends
//!
//! SPEC §6.6 says a `defaultBackend` handles the requests that match none of its Ingress's
//! rules, and §11 #4 that the older of two claims wins. Merging Ingresses per host (§11 #3)
//! makes several `defaultBackend`s claim the same requests; rule 6 gives each host the oldest
//! claim among the Ingresses that serve that host, and the rest to the oldest claim of all,
//! preferring the Ingresses that exist only to be a default (ingress-nginx configures its
//! catch-all server from those). ingress-nginx itself differs in two corners, deliberately not
//! copied: a host takes the default of the *first Ingress naming it* even when that one has
//! none (404 although a newer Ingress for the host has a default), and its catch-all ignores
//! the `defaultBackend` of Ingresses that also have rules.
//!
//! ### Not modelled
//!
//! ingress-nginx's regex paths (`use-regex`, `rewrite-target`) and canaries (`canary`) are
//! reported ([`IngressWarning::AnnotationNotModelled`]) and otherwise ignored. The path is
//! matched as sent: no percent-decoding, no dot-segment removal.
//!
//! ## Cost
//!
//! [`IngressRouter::lookup`] (the answer without reasons, no allocation) costs at most three
//! hashed host lookups plus one hashed child lookup per path segment: independent of the number
//! of rules. It reads the request once, 8 bytes at a time — each segment found and hashed in the
//! same pass, the query ending the walk — and stops at the first trie leaf. The nodes of all
//! tries are the slots of one hash table keyed by the path so far, so a segment costs one slot
//! read, and the nodes of successive segments are fetched from memory together rather than one
//! after the other: among 10,000 rules, whose nodes leave the nearest cache, a lookup stays
//! close to its cost among a hundred.
//! `benches/ingress.rs` measures it against the `matchit` crate and a linear matcher, on the
//! GitHub API's routes and on 1,000 and 10,000 rules. [`IngressRouter::route`] adds the reasons, gathered along the same trie path
//! (only partial-segment near misses cost a probe per character of a request segment), so it
//! too does not grow with the rules outside the request's own path. The [`ReferenceMatcher`]
//! is linear in the number of rules.

mod class;
mod decision;
mod explain;
mod host;
mod index;
mod path;
mod reference;
mod router;
mod table;
mod warnings;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_backends;
#[cfg(test)]
mod tests_classes;
#[cfg(test)]
mod tests_decisions;
#[cfg(test)]
mod tests_examples;
#[cfg(test)]
mod tests_paths;
#[cfg(test)]
mod tests_props;

use alloc::vec::Vec;

pub use class::{CLASS_ANNOTATION, DEFAULT_CLASS_ANNOTATION};
pub use decision::{
    DefaultScope, HttpsRedirect, IngressDecision, IngressMatch, IngressReason, IngressRef, MatchHow,
    PathMatch, PathRef, RouteTarget, RuleRef, TlsMatch,
};
pub use explain::{HTTPS_REDIRECT_STATUS, NGINX_SLASH_REDIRECT_STATUS};
pub use host::{request_host, HostProblem, RuleHost};
pub use path::{exact_matches, near_miss, prefix_matches, prefix_segments, request_path, NearMiss, PathType};
pub use reference::ReferenceMatcher;
pub use router::IngressRouter;
pub use warnings::{IngressWarning, PathProblem, SkipReason};

use class::Selection;
use table::RuleTable;

use crate::model::{Ingress, IngressClass};

/// An Ingress to route and its creation time, which decides conflicts (oldest wins).
#[derive(Clone, Copy, Debug)]
pub struct IngressInput<'a> {
    pub ingress: &'a Ingress,
    /// Simulated creation time (the store's `created_ms`).
    pub created_ms: u64,
}

/// An IngressClass and its creation time, which decides between several defaults (newest wins).
#[derive(Clone, Copy, Debug)]
pub struct IngressClassInput<'a> {
    pub class: &'a IngressClass,
    pub created_ms: u64,
}

impl IngressRouter {
    /// The router of one controller: the Ingresses of `classes` whose `spec.controller` is
    /// `controller` (`None`: of any controller), with everything skipped or in conflict
    /// reported. Precedence rule 1 of the module docs says which Ingresses are routed.
    pub fn build(
        ingresses: &[IngressInput<'_>],
        classes: &[IngressClassInput<'_>],
        controller: Option<&str>,
    ) -> (IngressRouter, Vec<IngressWarning>) {
        let selection = Selection::Classes { classes, controller };
        let (table, warnings) = table(ingresses, &selection);
        (IngressRouter::compile(table), warnings)
    }

    /// Every Ingress, whatever its class, in slice order as creation order.
    pub fn build_all(ingresses: &[&Ingress]) -> (IngressRouter, Vec<IngressWarning>) {
        let (table, warnings) = table(&in_slice_order(ingresses), &Selection::All);
        (IngressRouter::compile(table), warnings)
    }
}

impl ReferenceMatcher {
    /// Same contract as [`IngressRouter::build`].
    pub fn build(
        ingresses: &[IngressInput<'_>],
        classes: &[IngressClassInput<'_>],
        controller: Option<&str>,
    ) -> (ReferenceMatcher, Vec<IngressWarning>) {
        let selection = Selection::Classes { classes, controller };
        let (table, warnings) = table(ingresses, &selection);
        (ReferenceMatcher::new(table), warnings)
    }

    /// Same contract as [`IngressRouter::build_all`].
    pub fn build_all(ingresses: &[&Ingress]) -> (ReferenceMatcher, Vec<IngressWarning>) {
        let (table, warnings) = table(&in_slice_order(ingresses), &Selection::All);
        (ReferenceMatcher::new(table), warnings)
    }
}

/// Where a request for `host` and `path` goes among `ingresses` — all of them routed, whatever
/// their class, the slice order being their creation order (the npm `matchIngress`). `None`:
/// nothing answers (HTTP 404); otherwise the decision's `answer` is set.
pub fn match_ingress(ingresses: &[&Ingress], host: &str, path: &str) -> Option<IngressDecision> {
    let (router, _) = IngressRouter::build_all(ingresses);
    let decision = router.route(host, path);
    decision.answer.is_some().then_some(decision)
}

fn in_slice_order<'a>(ingresses: &[&'a Ingress]) -> Vec<IngressInput<'a>> {
    (ingresses.iter().zip(0u64..))
        .map(|(ingress, created_ms)| IngressInput { ingress, created_ms })
        .collect()
}

fn table(inputs: &[IngressInput<'_>], selection: &Selection<'_, '_>) -> (RuleTable, Vec<IngressWarning>) {
    let mut warnings = Vec::new();
    let selected = class::select(inputs, selection, &mut warnings);
    let table = RuleTable::build(&selected, &mut warnings);
    (table, warnings)
}
