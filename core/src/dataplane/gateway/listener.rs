//! Listeners: which Routes attach to which listener, with which hostnames (SPEC §7.3), and
//! which listener a request reaches.
//!
//! A Route attaches through each `parentRef` that names this Gateway. The parentRef's
//! `sectionName` and `port` narrow the *relevant* listeners; each relevant listener must then
//! allow the Route (its protocol carries HTTPRoutes, and `allowedRoutes.namespaces` admits the
//! Route's namespace: `Same` by default, `All`, or `Selector` over the namespace's labels), and
//! the hostnames must intersect. The first failing step names the upstream reason:
//! `NoMatchingParent`, then `NotAllowedByListeners`, then `NoMatchingListenerHostname`.
//!
//! Hostname intersection (`httproute_types.go`, `Hostnames`): a listener without hostname takes
//! the Route's hostnames; a Route without hostnames takes the listener's; otherwise each Route
//! hostname that matches the listener's contributes the more specific of the two
//! (`*.example.com` on a `foo.example.com` listener serves `foo.example.com`), and the others
//! are ignored. Wildcards are suffix matches over **one or more** labels: `*.example.com`
//! matches `a.example.com` and `a.b.example.com`, never `example.com` (unlike Ingress).
//!
//! A request reaches the most specific listener on its port whose hostname matches the Host
//! header (port ignored): a precise hostname, then the longest wildcard, then a listener
//! without hostname; only that listener's Routes are considered (listener isolation, GEP-1713).

use crate::collections::{VecMap, VecSet};
use crate::json::ToJson;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::error::{FieldPath, ObjectRef};
use crate::model::{Gateway, HttpRoute, Listener, ParentReference};
use crate::selector::{label_selector_as_selector, Labels, Selector};

use super::ClusterFacts;

/// The group of Gateway API kinds, the default for a parentRef.
pub(crate) const GATEWAY_GROUP: &str = "gateway.networking.k8s.io";

/// A Gateway API hostname: precise (`foo.example.com`) or wildcard (`*.example.com`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HostPattern {
    Precise(String),
    /// The suffix after `*.`: `*.example.com` is `Wildcard("example.com")`.
    Wildcard(String),
}

impl fmt::Display for HostPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostPattern::Precise(h) => f.write_str(h),
            HostPattern::Wildcard(s) => write!(f, "*.{s}"),
        }
    }
}

impl crate::json::ToJson for HostPattern {
    fn to_json(&self) -> crate::json::Value {
        crate::json::Value::String(alloc::string::ToString::to_string(self))
    }
}

impl HostPattern {
    /// `None` for "any host": an empty hostname, or a bare `*` (invalid in v1, but older
    /// manifests wrote it to mean any).
    pub fn parse(hostname: &str) -> Option<HostPattern> {
        let h = hostname.trim().trim_end_matches('.').to_ascii_lowercase();
        if h.is_empty() || h == "*" {
            return None;
        }
        Some(match h.strip_prefix("*.") {
            Some(suffix) => HostPattern::Wildcard(suffix.to_string()),
            None => HostPattern::Precise(h),
        })
    }

    /// Whether a (normalised, lowercase) request host matches.
    pub fn matches(&self, host: &str) -> bool {
        match self {
            HostPattern::Precise(h) => h == host,
            HostPattern::Wildcard(suffix) => wildcard_covers(suffix, host),
        }
    }

    /// How specific a matching hostname is, compared as upstream orders Routes that share a
    /// host: characters of a precise hostname first, then characters of any hostname. Bigger is
    /// more specific; "any host" is `(0, 0)`.
    pub fn specificity(pattern: Option<&HostPattern>) -> (usize, usize) {
        match pattern {
            Some(HostPattern::Precise(h)) => (h.len(), h.len()),
            Some(HostPattern::Wildcard(s)) => (0, s.len() + 2),
            None => (0, 0),
        }
    }

    /// The hostnames a Route hostname serves on a listener (SPEC §7.3): `None` inside the
    /// result is "any host"; an outer `None` is "no intersection".
    pub fn intersect(
        listener: Option<&HostPattern>,
        route: Option<&HostPattern>,
    ) -> Option<Option<HostPattern>> {
        use HostPattern::{Precise, Wildcard};
        let (l, r) = match (listener, route) {
            (None, r) => return Some(r.cloned()),
            (l, None) => return Some(l.cloned()),
            (Some(l), Some(r)) => (l, r),
        };
        let narrower = match (l, r) {
            (Precise(a), Precise(b)) => (a == b).then(|| l.clone()),
            (Precise(a), Wildcard(_)) => r.matches(a).then(|| l.clone()),
            (Wildcard(_), Precise(b)) => l.matches(b).then(|| r.clone()),
            (Wildcard(a), Wildcard(b)) => {
                if a == b || wildcard_covers(a, b) {
                    Some(r.clone())
                } else if wildcard_covers(b, a) {
                    Some(l.clone())
                } else {
                    None
                }
            }
        };
        narrower.map(Some)
    }
}

/// `*.{suffix}` matches `host`: host ends with `.suffix` and has at least one label before it.
fn wildcard_covers(suffix: &str, host: &str) -> bool {
    host.len() > suffix.len() + 1
        && host.ends_with(suffix)
        && host.as_bytes().get(host.len() - suffix.len() - 1) == Some(&b'.')
        && !host.starts_with('.')
}

/// The Host header as matched: lowercase, without a `:port` (ignored for matching, SPEC §7.3)
/// and without a trailing dot.
pub fn normalize_host(host: &str) -> String {
    let host = host.trim();
    let without_port = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else if host.matches(':').count() == 1 {
        host.split(':').next().unwrap_or(host)
    } else {
        host
    };
    without_port.trim_end_matches('.').to_ascii_lowercase()
}

/// Whether a listener protocol carries HTTPRoutes (its default `allowedRoutes.kinds`).
fn carries_http_routes(protocol: &str) -> bool {
    protocol == "HTTP" || protocol == "HTTPS"
}

/// Which namespaces a listener admits Routes from.
#[derive(Clone, Debug)]
pub(crate) enum NamespacePolicy {
    Same,
    All,
    Selector(Selector),
    /// A `Selector` policy whose selector is missing or invalid, or an unknown `from`: admits
    /// nothing, and says why.
    Broken(String),
}

/// A listener as the router keeps it.
#[derive(Clone, Debug)]
pub(crate) struct CompiledListener {
    pub name: String,
    pub port: i64,
    pub protocol: String,
    pub hostname: Option<HostPattern>,
    pub namespaces: NamespacePolicy,
}

impl CompiledListener {
    pub fn new(listener: &Listener, index: usize) -> Self {
        let from = listener
            .allowed_routes
            .as_ref()
            .and_then(|a| a.namespaces.as_ref());
        let namespaces = match from.and_then(|n| n.from.as_deref()).unwrap_or("Same") {
            "Same" => NamespacePolicy::Same,
            "All" => NamespacePolicy::All,
            "Selector" => {
                let path = FieldPath::new("spec.listeners")
                    .index(index)
                    .child("allowedRoutes.namespaces.selector");
                match label_selector_as_selector(from.and_then(|n| n.selector.as_ref()), &path) {
                    Ok(s) if s.is_nothing() => {
                        NamespacePolicy::Broken("from: Selector without a selector".into())
                    }
                    Ok(s) => NamespacePolicy::Selector(s),
                    Err(errors) => {
                        NamespacePolicy::Broken(errors.first().map(|e| e.to_string()).unwrap_or_default())
                    }
                }
            }
            other => NamespacePolicy::Broken(alloc::format!(
                "unknown allowedRoutes.namespaces.from {}",
                crate::error::Quoted(other)
            )),
        };
        CompiledListener {
            name: listener.name.clone(),
            port: listener.port,
            protocol: listener.protocol.clone(),
            hostname: listener.hostname.as_deref().and_then(HostPattern::parse),
            namespaces,
        }
    }

    fn admits_namespace(&self, route_ns: &str, gateway_ns: &str, facts: &ClusterFacts<'_>) -> bool {
        match &self.namespaces {
            NamespacePolicy::Same => route_ns == gateway_ns,
            NamespacePolicy::All => true,
            NamespacePolicy::Selector(s) => s.matches(&facts.namespace_labels(route_ns)),
            NamespacePolicy::Broken(_) => false,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Attachment

/// Whether a Route was accepted by one of its parentRefs to this Gateway, and why not.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct RouteStatus {
    pub route: ObjectRef,
    /// One entry per parentRef that names this Gateway, in `spec.parentRefs` order.
    pub parents: Vec<ParentStatus>,
    /// Backends that do not resolve (`ResolvedRefs=False`): their share answers HTTP 500.
    pub unresolved_backends: Vec<super::weights::UnresolvedBackend>,
    /// Rules dropped because a match cannot be compiled (upstream's `PartiallyInvalid`); the
    /// rest of the Route still serves.
    pub dropped_rules: Vec<super::matching::DroppedRule>,
}

impl RouteStatus {
    /// Accepted by at least one parentRef.
    pub fn accepted(&self) -> bool {
        self.parents.iter().any(|p| p.accepted)
    }
}

/// The `Accepted` condition for one parentRef.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ParentStatus {
    /// Index in `spec.parentRefs`.
    pub parent_ref: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    pub accepted: bool,
    pub reason: AcceptedReason,
    /// Every relevant listener and what it made of the Route.
    pub listeners: Vec<ListenerAttachment>,
}

/// Upstream's `RouteConditionReason` for `Accepted`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
pub enum AcceptedReason {
    Accepted,
    /// `sectionName` or `port` name no listener of the Gateway.
    NoMatchingParent,
    /// Every relevant listener refuses the Route's kind or namespace.
    NotAllowedByListeners,
    /// Listeners allow the Route, but none shares a hostname with it.
    NoMatchingListenerHostname,
}

/// One relevant listener's verdict on a Route.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ListenerAttachment {
    pub listener: String,
    pub outcome: AttachOutcome,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(tag = "outcome", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum AttachOutcome {
    /// Attached, serving these hostnames (the intersections; `None` is any host).
    Attached { hostnames: Vec<Option<HostPattern>> },
    /// The listener's protocol does not carry HTTPRoutes (TCP, UDP, TLS).
    KindNotAllowed { protocol: String },
    /// `allowedRoutes.namespaces` does not admit the Route's namespace.
    NamespaceNotAllowed {
        from: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
    },
    /// Route and listener hostnames do not intersect.
    NoHostnameIntersection {
        #[serde(skip_serializing_if = "Option::is_none")]
        listener_hostname: Option<HostPattern>,
    },
}

/// Whether a parentRef points at this Gateway (GAMMA Service parents and other Gateways are not
/// this router's business).
pub(crate) fn refers_to(parent: &ParentReference, route_ns: &str, gateway: &Gateway) -> bool {
    let group = parent.group.as_deref().unwrap_or(GATEWAY_GROUP);
    let kind = parent.kind.as_deref().unwrap_or("Gateway");
    let ns = parent.namespace.as_deref().unwrap_or(route_ns);
    group == GATEWAY_GROUP
        && kind == "Gateway"
        && parent.name == gateway.metadata.name
        && ns == gateway.metadata.namespace.as_deref().unwrap_or("default")
}

/// Listener index → the hostnames (intersections) a Route serves there.
pub(crate) type Attachments = VecMap<usize, VecSet<Option<HostPattern>>>;

/// Attaches a Route through its parentRefs to this Gateway: the status of each, and the union of
/// what attached.
pub(crate) fn attach(
    route: &HttpRoute,
    route_ns: &str,
    gateway: &Gateway,
    listeners: &[CompiledListener],
    facts: &ClusterFacts<'_>,
) -> (Vec<ParentStatus>, Attachments) {
    let gateway_ns = gateway.metadata.namespace.as_deref().unwrap_or("default");
    let route_hosts: Vec<Option<HostPattern>> = if route.spec.hostnames.is_empty() {
        alloc::vec![None]
    } else {
        route
            .spec
            .hostnames
            .iter()
            .map(|h| HostPattern::parse(h))
            .collect()
    };
    let mut statuses = Vec::new();
    let mut attachments = Attachments::new();
    for (i, parent) in route.spec.parent_refs.iter().enumerate() {
        if !refers_to(parent, route_ns, gateway) {
            continue;
        }
        let relevant: Vec<(usize, &CompiledListener)> = listeners
            .iter()
            .enumerate()
            .filter(|(_, l)| parent.section_name.as_ref().is_none_or(|s| *s == l.name))
            .filter(|(_, l)| parent.port.is_none_or(|p| p == l.port))
            .collect();
        let mut outcomes = Vec::new();
        let (mut allowed, mut attached) = (false, false);
        for (li, l) in relevant.iter().copied() {
            let outcome = if !carries_http_routes(&l.protocol) {
                AttachOutcome::KindNotAllowed {
                    protocol: l.protocol.clone(),
                }
            } else if !l.admits_namespace(route_ns, gateway_ns, facts) {
                let (from, detail) = match &l.namespaces {
                    NamespacePolicy::Same => ("Same", None),
                    NamespacePolicy::All => ("All", None),
                    NamespacePolicy::Selector(s) => ("Selector", Some(s.to_string())),
                    NamespacePolicy::Broken(why) => ("Selector", Some(why.clone())),
                };
                AttachOutcome::NamespaceNotAllowed { from, detail }
            } else {
                allowed = true;
                let served: VecSet<Option<HostPattern>> = route_hosts
                    .iter()
                    .filter_map(|r| HostPattern::intersect(l.hostname.as_ref(), r.as_ref()))
                    .collect();
                if served.is_empty() {
                    AttachOutcome::NoHostnameIntersection {
                        listener_hostname: l.hostname.clone(),
                    }
                } else {
                    attached = true;
                    attachments.entry(li).or_default().extend(served.iter().cloned());
                    AttachOutcome::Attached {
                        hostnames: served.into_iter().collect(),
                    }
                }
            };
            outcomes.push(ListenerAttachment {
                listener: l.name.clone(),
                outcome,
            });
        }
        let reason = if relevant.is_empty() {
            AcceptedReason::NoMatchingParent
        } else if !allowed {
            AcceptedReason::NotAllowedByListeners
        } else if !attached {
            AcceptedReason::NoMatchingListenerHostname
        } else {
            AcceptedReason::Accepted
        };
        statuses.push(ParentStatus {
            parent_ref: i,
            section_name: parent.section_name.clone(),
            port: parent.port,
            accepted: attached,
            reason,
            listeners: outcomes,
        });
    }
    (statuses, attachments)
}

// ---------------------------------------------------------------------------------------------
// Listener choice

/// The listener a request reached, and why.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ListenerChoice {
    pub name: String,
    pub port: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<HostPattern>,
    pub matched_by: HostMatchKind,
}

/// How a hostname (a listener's, or the one a Route serves under) matched the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
pub enum HostMatchKind {
    /// A precise hostname equal to the host.
    PreciseHostname,
    /// A wildcard covering the host.
    WildcardHostname,
    /// No hostname: any host.
    AnyHostname,
}

/// A listener the request did not reach.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ListenerSkip {
    pub name: String,
    pub why: ListenerSkipReason,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(tag = "reason", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ListenerSkipReason {
    OtherPort {
        port: i64,
    },
    NotHttp {
        protocol: String,
    },
    HostnameMismatch {
        hostname: HostPattern,
    },
    /// Matches the host too, but the chosen listener's hostname is more specific.
    LessSpecific {
        #[serde(skip_serializing_if = "Option::is_none")]
        hostname: Option<HostPattern>,
    },
}

/// The most specific HTTP listener on `port` for `host`: its index, and every other listener
/// with the reason it was passed over. Ties go to the first in `spec.listeners`.
pub(crate) fn choose_listener(
    listeners: &[CompiledListener],
    port: u16,
    host: &str,
) -> (Option<usize>, Vec<ListenerSkip>) {
    let mut best: Option<(usize, (u8, usize))> = None;
    let mut skips = Vec::new();
    let mut matching = Vec::new();
    for (i, l) in listeners.iter().enumerate() {
        let why = if l.port != i64::from(port) {
            Some(ListenerSkipReason::OtherPort { port: l.port })
        } else if !carries_http_routes(&l.protocol) {
            Some(ListenerSkipReason::NotHttp {
                protocol: l.protocol.clone(),
            })
        } else {
            match &l.hostname {
                Some(h) if !h.matches(host) => {
                    Some(ListenerSkipReason::HostnameMismatch { hostname: h.clone() })
                }
                h => {
                    let rank = match h {
                        Some(HostPattern::Precise(p)) => (2, p.len()),
                        Some(HostPattern::Wildcard(s)) => (1, s.len()),
                        None => (0, 0),
                    };
                    if best.is_none_or(|(_, r)| rank > r) {
                        best = Some((i, rank));
                    }
                    matching.push(i);
                    None
                }
            }
        };
        if let Some(why) = why {
            skips.push(ListenerSkip {
                name: l.name.clone(),
                why,
            });
        }
    }
    let chosen = best.map(|(i, _)| i);
    for i in matching {
        if Some(i) != chosen {
            if let Some(l) = listeners.get(i) {
                skips.push(ListenerSkip {
                    name: l.name.clone(),
                    why: ListenerSkipReason::LessSpecific {
                        hostname: l.hostname.clone(),
                    },
                });
            }
        }
    }
    (chosen, skips)
}

impl ListenerChoice {
    pub(crate) fn of(l: &CompiledListener) -> Self {
        ListenerChoice {
            name: l.name.clone(),
            port: l.port,
            hostname: l.hostname.clone(),
            matched_by: HostMatchKind::of(l.hostname.as_ref()),
        }
    }
}

/// Namespace labels for `Selector` listeners, always with the `kubernetes.io/metadata.name`
/// label the API server puts on every namespace.
pub(crate) fn labels_with_name(labels: Option<&Labels>, namespace: &str) -> Labels {
    let mut out = labels.cloned().unwrap_or_default();
    out.entry("kubernetes.io/metadata.name".to_string())
        .or_insert_with(|| namespace.to_string());
    out
}
