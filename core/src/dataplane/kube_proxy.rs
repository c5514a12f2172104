//! kube-proxy's backend choice for one Service port (SPEC §2.10, §2.13, §2.14), as pure
//! functions: which endpoints a connection may use (`categorize`, upstream's
//! `CategorizeEndpoints` with `UsesClusterEndpoints`/`UsesLocalEndpoints`), and which one it gets
//! (`pick`: iptables' chain of `statistic --probability 1/(n−i)` rules, or IPVS round robin).
//! Every endpoint left out says why, so a trace can show the candidates that lost.

use crate::json::{FromJson, ToJson};
use alloc::string::String;
use alloc::vec::Vec;

use crate::rng::Rng;

/// An endpoint as kube-proxy reads it from EndpointSlices (nil conditions already defaulted),
/// borrowed from the slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ProxyEndpoint<'a> {
    pub ip: &'a str,
    pub port: u16,
    pub node: Option<&'a str>,
    pub pod: Option<&'a str>,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
}

/// How the connection reached the Service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub enum TrafficClass {
    /// To the ClusterIP (internalTrafficPolicy applies).
    ClusterIp,
    /// To a NodePort, LoadBalancer IP or externalIP from outside the cluster
    /// (externalTrafficPolicy applies).
    External,
    /// To a NodePort, LoadBalancer IP or externalIP from a pod or the node itself: kube-proxy
    /// short-circuits it to the Cluster set whatever the policy (SPEC §2.10 exceptions).
    ExternalFromInside,
}

/// The policies of the Service port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct Policies {
    pub internal_local: bool,
    pub external_local: bool,
}

/// Why an endpoint is not a candidate.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Excluded {
    /// Not ready, and ready endpoints exist (or it is not serving either).
    NotReady,
    /// Serving but terminating, while some endpoint is ready (the fallback is not needed).
    TerminatingWhileOthersReady,
    /// On another node, and the policy is Local.
    NotLocal { node: Option<String> },
}

/// What kube-proxy does with the connection.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Disposition {
    /// Load-balanced over `candidates` (indexes into the endpoint list).
    Forward {
        candidates: Vec<usize>,
        terminating_fallback: bool,
    },
    /// No usable endpoint anywhere: `REJECT` (the client sees "connection refused").
    Reject,
    /// Policy Local and none on this node while some exist elsewhere: `DROP` (the client times out).
    Drop,
}

#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct Categorized {
    pub disposition: Disposition,
    /// Every endpoint that is not a candidate, with why.
    pub excluded: Vec<(usize, Excluded)>,
    /// The policy that decided (`Cluster` or `Local`).
    pub local_policy: bool,
}

/// Which endpoints a connection of `class` arriving on `node` may use.
pub fn categorize(
    endpoints: &[ProxyEndpoint<'_>],
    policies: Policies,
    class: TrafficClass,
    node: &str,
) -> Categorized {
    let local_policy = match class {
        TrafficClass::ClusterIp => policies.internal_local,
        TrafficClass::External => policies.external_local,
        TrafficClass::ExternalFromInside => false,
    };
    let is_local = |e: &ProxyEndpoint<'_>| e.node == Some(node);
    let scope: Vec<usize> = (0..endpoints.len())
        .filter(|&i| !local_policy || endpoints.get(i).is_some_and(is_local))
        .collect();
    let ready: Vec<usize> = scope
        .iter()
        .copied()
        .filter(|&i| endpoints.get(i).is_some_and(|e| e.ready))
        .collect();
    let fallback = ready.is_empty();
    let candidates: Vec<usize> = if fallback {
        scope
            .iter()
            .copied()
            .filter(|&i| endpoints.get(i).is_some_and(|e| e.serving && e.terminating))
            .collect()
    } else {
        ready
    };
    let excluded = endpoints
        .iter()
        .enumerate()
        // `candidates` is in index order: a binary search keeps this linear in the endpoints.
        .filter(|(i, _)| candidates.binary_search(i).is_err())
        .map(|(i, e)| {
            let why = if local_policy && !is_local(e) {
                Excluded::NotLocal {
                    node: e.node.map(alloc::string::ToString::to_string),
                }
            } else if e.serving && e.terminating {
                Excluded::TerminatingWhileOthersReady
            } else {
                Excluded::NotReady
            };
            (i, why)
        })
        .collect();
    let usable_anywhere = endpoints.iter().any(|e| e.ready || (e.serving && e.terminating));
    let disposition = if !candidates.is_empty() {
        Disposition::Forward {
            candidates,
            terminating_fallback: fallback,
        }
    } else if local_policy && usable_anywhere {
        Disposition::Drop
    } else {
        Disposition::Reject
    };
    Categorized {
        disposition,
        excluded,
        local_policy,
    }
}

/// The proxy backend's selection algorithm.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub enum ProxyMode {
    /// Uniformly random per new connection (a chain of `statistic` rules).
    #[default]
    Iptables,
    /// Round robin (IPVS's default `rr` scheduler).
    Ipvs,
}

/// One rule of the iptables per-Service chain: jump to `candidate` with `probability` if the
/// earlier rules did not match.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ChainRule {
    pub candidate: usize,
    /// `1/(n−i)`; the last rule is unconditional (1.0).
    pub probability: f64,
}

/// The endpoint chosen and how likely that choice was.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct Pick {
    pub endpoint: usize,
    /// Probability this endpoint is chosen for a new connection (1/n for both modes over time).
    pub probability: f64,
    /// iptables mode: the chain as kube-proxy writes it.
    pub chain: Vec<ChainRule>,
}

/// The iptables per-Service chain over `candidates`: rule `i` of `n` jumps with probability
/// `1/(n−i)`, the last unconditionally (SPEC §2.13).
pub fn iptables_chain(candidates: &[usize]) -> Vec<ChainRule> {
    let n = candidates.len();
    candidates
        .iter()
        .enumerate()
        .map(|(i, &c)| ChainRule {
            candidate: c,
            probability: 1.0 / (n - i) as f64,
        })
        .collect()
}

/// Picks among `candidates` (non-empty). `rr_next` is the IPVS round-robin position for this
/// Service port, advanced by the call.
pub fn pick(candidates: &[usize], mode: ProxyMode, rng: &mut Rng, rr_next: &mut usize) -> Option<Pick> {
    let n = candidates.len();
    if n == 0 {
        return None;
    }
    let probability = 1.0 / n as f64;
    match mode {
        ProxyMode::Iptables => {
            let chain = iptables_chain(candidates);
            // Walking the chain rule by rule is the same as one uniform draw: rule i takes
            // 1/(n−i) of what rules 0..i left, i.e. 1/n overall.
            let slot = rng.below(n as u64) as usize;
            Some(Pick {
                endpoint: *candidates.get(slot)?,
                probability,
                chain,
            })
        }
        ProxyMode::Ipvs => {
            let slot = *rr_next % n;
            *rr_next = rr_next.wrapping_add(1);
            Some(Pick {
                endpoint: *candidates.get(slot)?,
                probability,
                chain: Vec::new(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    fn ep(node: &str, ready: bool, serving: bool, terminating: bool) -> ProxyEndpoint<'_> {
        ProxyEndpoint {
            ip: "10.0.0.1",
            port: 80,
            node: Some(node),
            pod: None,
            ready,
            serving,
            terminating,
        }
    }

    #[test]
    fn categorize_follows_upstream_categorize_endpoints() {
        let cluster = Policies {
            internal_local: false,
            external_local: false,
        };
        let ext_local = Policies {
            internal_local: false,
            external_local: true,
        };
        let int_local = Policies {
            internal_local: true,
            external_local: false,
        };
        // (case, endpoints, policies, class, node, expected disposition) — SPEC §2.13/§2.14
        let cases: Vec<(&str, Vec<ProxyEndpoint>, Policies, TrafficClass, Disposition)> = vec![
            (
                "ready everywhere",
                vec![ep("n1", true, true, false), ep("n2", true, true, false)],
                cluster,
                TrafficClass::ClusterIp,
                Disposition::Forward {
                    candidates: vec![0, 1],
                    terminating_fallback: false,
                },
            ),
            (
                "not-ready skipped",
                vec![ep("n1", false, false, false), ep("n2", true, true, false)],
                cluster,
                TrafficClass::ClusterIp,
                Disposition::Forward {
                    candidates: vec![1],
                    terminating_fallback: false,
                },
            ),
            (
                "terminating not used while one is ready",
                vec![ep("n1", false, true, true), ep("n2", true, true, false)],
                cluster,
                TrafficClass::ClusterIp,
                Disposition::Forward {
                    candidates: vec![1],
                    terminating_fallback: false,
                },
            ),
            (
                "terminating fallback (KEP-1669)",
                vec![ep("n1", false, true, true), ep("n2", false, false, true)],
                cluster,
                TrafficClass::ClusterIp,
                Disposition::Forward {
                    candidates: vec![0],
                    terminating_fallback: true,
                },
            ),
            (
                "no endpoints: REJECT",
                vec![],
                cluster,
                TrafficClass::ClusterIp,
                Disposition::Reject,
            ),
            (
                "none usable: REJECT",
                vec![ep("n1", false, false, false)],
                cluster,
                TrafficClass::External,
                Disposition::Reject,
            ),
            (
                "ETP Local: only local",
                vec![ep("n1", true, true, false), ep("n2", true, true, false)],
                ext_local,
                TrafficClass::External,
                Disposition::Forward {
                    candidates: vec![0],
                    terminating_fallback: false,
                },
            ),
            (
                "ETP Local, none here: DROP",
                vec![ep("n2", true, true, false)],
                ext_local,
                TrafficClass::External,
                Disposition::Drop,
            ),
            (
                "ETP Local, none anywhere: REJECT",
                vec![ep("n2", false, false, false)],
                ext_local,
                TrafficClass::External,
                Disposition::Reject,
            ),
            (
                "ETP Local from inside: Cluster set",
                vec![ep("n2", true, true, false)],
                ext_local,
                TrafficClass::ExternalFromInside,
                Disposition::Forward {
                    candidates: vec![0],
                    terminating_fallback: false,
                },
            ),
            (
                "ETP Local ignored for ClusterIP traffic",
                vec![ep("n2", true, true, false)],
                ext_local,
                TrafficClass::ClusterIp,
                Disposition::Forward {
                    candidates: vec![0],
                    terminating_fallback: false,
                },
            ),
            (
                "ITP Local, none here: DROP",
                vec![ep("n2", true, true, false)],
                int_local,
                TrafficClass::ClusterIp,
                Disposition::Drop,
            ),
            (
                "ITP Local: local terminating fallback",
                vec![ep("n1", false, true, true), ep("n2", true, true, false)],
                int_local,
                TrafficClass::ClusterIp,
                Disposition::Forward {
                    candidates: vec![0],
                    terminating_fallback: true,
                },
            ),
        ];
        for (about, eps, policies, class, want) in cases {
            assert_eq!(
                categorize(&eps, policies, class, "n1").disposition,
                want,
                "{about}"
            );
        }
    }

    #[test]
    fn every_excluded_endpoint_says_why() {
        let eps = vec![
            ep("n1", true, true, false),
            ep("n2", true, true, false),
            ep("n1", false, true, true),
            ep("n1", false, false, false),
        ];
        let c = categorize(
            &eps,
            Policies {
                internal_local: false,
                external_local: true,
            },
            TrafficClass::External,
            "n1",
        );
        assert_eq!(
            c.excluded,
            vec![
                (
                    1,
                    Excluded::NotLocal {
                        node: Some("n2".to_string())
                    }
                ),
                (2, Excluded::TerminatingWhileOthersReady),
                (3, Excluded::NotReady)
            ]
        );
        assert!(c.local_policy);
    }

    #[test]
    fn iptables_chain_probabilities_give_each_endpoint_one_nth() {
        // SPEC §10 invariant 7: Π over the chain gives each of n endpoints exactly 1/n.
        for n in 1..=12usize {
            let candidates: Vec<usize> = (0..n).collect();
            let p = pick(&candidates, ProxyMode::Iptables, &mut Rng::new(1), &mut 0).unwrap();
            let mut left = 1.0;
            for rule in &p.chain {
                let share = left * rule.probability;
                assert!((share - 1.0 / n as f64).abs() < 1e-12, "n={n}");
                left -= share;
            }
            assert!(left.abs() < 1e-12);
            assert_eq!(p.chain.last().map(|r| r.probability), Some(1.0));
        }
    }

    #[test]
    fn iptables_spreads_uniformly_and_ipvs_rotates() {
        let candidates = [3usize, 5, 8];
        let mut rng = Rng::new(9);
        let mut hits = [0u32; 3];
        for _ in 0..30_000 {
            let p = pick(&candidates, ProxyMode::Iptables, &mut rng, &mut 0).unwrap();
            let slot = candidates.iter().position(|&c| c == p.endpoint).unwrap();
            hits[slot] += 1;
        }
        for h in hits {
            assert!((9_400..10_600).contains(&h), "{hits:?}");
        }
        let mut rr = 0;
        let order: Vec<usize> = (0..6)
            .map(|_| {
                pick(&candidates, ProxyMode::Ipvs, &mut rng, &mut rr)
                    .unwrap()
                    .endpoint
            })
            .collect();
        assert_eq!(order, [3, 5, 8, 3, 5, 8]);
        assert!(pick(&[], ProxyMode::Iptables, &mut rng, &mut rr).is_none());
    }
}
