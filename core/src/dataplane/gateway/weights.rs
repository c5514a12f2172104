//! Weighted `backendRefs` (SPEC §7.4, §11 #8): which backend a matched rule sends a request
//! to, with what probability, and which shares answer HTTP 500.
//!
//! A backend's share is `weight / Σ weights of the rule` (weight defaults to 1; it is a
//! proportion, not a percentage). Weight 0 gets no traffic; a rule whose weights sum to 0 —
//! including a single backend with weight 0 (§11 #8, the API doc over the guide) — and a rule
//! without backendRefs answer 500 for everything. A backend that does not resolve keeps its
//! share, and that share answers 500 (`ResolvedRefs=False`).
//!
//! What "does not resolve" covers: a kind other than core `Service` (`InvalidKind`; kroute
//! routes to Services only); a Service missing from [`ClusterFacts::services`] when that lookup
//! is given (`BackendNotFound`); a Service in another namespace that no ReferenceGrant rule in
//! [`ClusterFacts::reference_grants`] opens to the Route's namespace (`RefNotPermitted`); a
//! Service backend without `port` (validation rejects it; the router does not guess one).
//! Whether the Service has ready endpoints (a 503, §7.4) is the Service hop's business, not
//! the Gateway's.

use crate::json::ToJson;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::json::Value;

use super::ClusterFacts;
use crate::model::HttpRouteRule;
use crate::rng::Choose;

/// The largest weight the API accepts; larger (invalid) weights are clamped to it.
const MAX_WEIGHT: i64 = 1_000_000;

/// A backendRef, resolved against the Route's namespace and defaults.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct Backend {
    /// `""` is the core group (Services).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub group: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    pub weight: u32,
}

/// Why a backend's share answers HTTP 500 (upstream's `ResolvedRefs` reasons).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
pub enum BackendProblem {
    /// Not a core Service.
    InvalidKind,
    /// No such Service.
    BackendNotFound,
    /// In another namespace without a ReferenceGrant allowing it.
    RefNotPermitted,
    /// A Service backend without `port`.
    PortRequired,
}

/// A backendRef of an accepted Route that does not resolve.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct UnresolvedBackend {
    pub rule: usize,
    /// Index in the rule's `backendRefs`.
    pub backend_ref: usize,
    pub backend: Backend,
    pub problem: BackendProblem,
}

/// The expected traffic split of a rule, one entry per backendRef in order.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct BackendShare {
    pub backend: Backend,
    /// `weight / Σ weights`, in `[0, 1]`; 0 for every backend when the weights sum to 0.
    pub share: f64,
    /// Set when this share answers HTTP 500 instead of reaching the backend.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<BackendProblem>,
}

/// One rule of a ReferenceGrant, reduced to what routing needs: HTTPRoutes in
/// `from_namespace` may use Services in `to_namespace` (only `to_service`, when set).
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ReferenceGrantRule {
    pub from_namespace: String,
    pub to_namespace: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_service: Option<String>,
}

impl ReferenceGrantRule {
    /// The rules of a `gateway.networking.k8s.io` ReferenceGrant (kept by the cluster as an
    /// `OtherObject`): every `from` entry for HTTPRoutes crossed with every `to` entry for core
    /// Services. Anything else in the object is ignored, so a malformed grant grants nothing.
    pub fn from_object(grant: &Value) -> Vec<ReferenceGrantRule> {
        let to_namespace = grant
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .unwrap_or("default");
        let str_at = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(ToString::to_string);
        let entries = |key: &str| {
            grant
                .pointer(key)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let froms: Vec<String> = entries("/spec/from")
            .iter()
            .filter(|f| str_at(f, "group").as_deref() == Some(super::listener::GATEWAY_GROUP))
            .filter(|f| str_at(f, "kind").as_deref() == Some("HTTPRoute"))
            .filter_map(|f| str_at(f, "namespace"))
            .collect();
        let tos: Vec<Option<String>> = entries("/spec/to")
            .iter()
            .filter(|t| matches!(str_at(t, "group").as_deref(), None | Some("") | Some("core")))
            .filter(|t| str_at(t, "kind").as_deref() == Some("Service"))
            .map(|t| str_at(t, "name").filter(|n| !n.is_empty()))
            .collect();
        let mut rules = Vec::new();
        for from in &froms {
            for to in &tos {
                rules.push(ReferenceGrantRule {
                    from_namespace: from.clone(),
                    to_namespace: to_namespace.to_string(),
                    to_service: to.clone(),
                });
            }
        }
        rules
    }
}

/// A backend with the reason its share fails, if it does.
#[derive(Clone, Debug)]
pub(crate) struct CompiledBackend {
    pub backend: Backend,
    pub problem: Option<BackendProblem>,
}

/// Resolves a rule's backendRefs; the unresolved ones are also returned for the Route status.
pub(crate) fn resolve(
    rule: &HttpRouteRule,
    rule_index: usize,
    route_ns: &str,
    facts: &ClusterFacts<'_>,
) -> (Vec<CompiledBackend>, Vec<UnresolvedBackend>) {
    let mut backends = Vec::with_capacity(rule.backend_refs.len());
    let mut unresolved = Vec::new();
    for (i, r) in rule.backend_refs.iter().enumerate() {
        let group = r.group.clone().unwrap_or_default();
        let kind = r.kind.clone().unwrap_or_else(|| "Service".into());
        let namespace = r.namespace.clone().unwrap_or_else(|| route_ns.to_string());
        let backend = Backend {
            weight: r.weight.unwrap_or(1).clamp(0, MAX_WEIGHT) as u32,
            port: r.port,
            name: r.name.clone(),
            namespace,
            kind,
            group,
        };
        let is_service = (backend.group.is_empty() || backend.group == "core") && backend.kind == "Service";
        let problem = if !is_service {
            Some(BackendProblem::InvalidKind)
        } else if backend.namespace != route_ns && !facts.grants(route_ns, &backend.namespace, &backend.name)
        {
            Some(BackendProblem::RefNotPermitted)
        } else if facts
            .services
            .is_some_and(|exists| !exists(&backend.namespace, &backend.name))
        {
            Some(BackendProblem::BackendNotFound)
        } else if backend.port.is_none() {
            Some(BackendProblem::PortRequired)
        } else {
            None
        };
        if let Some(problem) = problem {
            unresolved.push(UnresolvedBackend {
                rule: rule_index,
                backend_ref: i,
                backend: backend.clone(),
                problem,
            });
        }
        backends.push(CompiledBackend { backend, problem });
    }
    (backends, unresolved)
}

fn total_weight(backends: &[CompiledBackend]) -> u64 {
    backends.iter().map(|b| u64::from(b.backend.weight)).sum()
}

/// Each backend's share of the rule's traffic.
pub(crate) fn shares(backends: &[CompiledBackend]) -> Vec<BackendShare> {
    let total = total_weight(backends);
    backends
        .iter()
        .map(|b| BackendShare {
            backend: b.backend.clone(),
            share: if total == 0 {
                0.0
            } else {
                b.backend.weight as f64 / total as f64
            },
            problem: b.problem,
        })
        .collect()
}

/// The outcome of a weighted pick.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Pick {
    /// The backend at `index` (which may be one whose share answers 500), chosen with
    /// `probability`.
    Chosen {
        index: usize,
        probability: f64,
    },
    NoBackendRefs,
    AllWeightsZero,
}

/// Picks a backend in proportion to the weights (see [`Choose`] for when a draw happens).
pub(crate) fn pick(backends: &[CompiledBackend], choose: &mut dyn Choose) -> Pick {
    if backends.is_empty() {
        return Pick::NoBackendRefs;
    }
    let total = total_weight(backends);
    if total == 0 {
        return Pick::AllWeightsZero;
    }
    let weights: Vec<u64> = backends.iter().map(|b| u64::from(b.backend.weight)).collect();
    let index = choose.weighted(&weights);
    let weight = weights.get(index).copied().unwrap_or(0);
    Pick::Chosen {
        index,
        probability: weight as f64 / total as f64,
    }
}
