//! The legacy `v1.Endpoints` object the Endpoints controller writes for a Service (SPEC §3.1,
//! upstream `pkg/controller/endpoint/endpoints_controller.go` `syncService`, `RepackSubsets`,
//! `truncateEndpoints`).
//!
//! * Pods: not terminal, with an IP of the Service's family, and not terminating unless
//!   `publishNotReadyAddresses` (then everything goes to `addresses`).
//! * Subsets are repacked as upstream's `RepackSubsets` does: each (address, port) pair is
//!   expanded, then ports that are offered by exactly the same addresses share one subset. (So
//!   a Pod offering {80, 443} next to a Pod offering {80} gives `{both}×{80}` and
//!   `{first}×{443}`.) Upstream orders subsets and ports by hash; kroute sorts ports, addresses
//!   by (IP, Pod UID) as upstream, and subsets by (ports, addresses).
//! * Over 1000 addresses: truncated (ready first, proportionally per subset) and annotated
//!   `endpoints.kubernetes.io/over-capacity: truncated`.

use crate::json::ToJson;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use super::pod::{parse_pod_ip, should_set_hostname, PodInput, PodPhase};
use super::types::{AddressType, PortSpec, ServiceInfo, LABEL_HEADLESS};
use crate::collections::VecMap;
use crate::error::{FieldError, FieldPath};
use crate::sort::SharedSort;

/// `endpoints.kubernetes.io/over-capacity`.
pub const ANNOTATION_OVER_CAPACITY: &str = "endpoints.kubernetes.io/over-capacity";
/// Addresses (ready + not ready, summed over subsets) one Endpoints object may hold.
pub const MAX_ENDPOINTS_PER_OBJECT: usize = 1000;

/// A Pod with the ports it resolved for the Service (from [`super::resolve_ports`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegacyPod {
    pub pod: PodInput,
    pub ports: Vec<PortSpec>,
}

/// Everything the Endpoints controller reads for one Service.
#[derive(Clone, Copy, Debug)]
pub struct LegacyInput<'a> {
    pub service: &'a ServiceInfo,
    /// `spec.ports` is non-empty. A headless Service without ports still lists its Pods.
    pub has_service_ports: bool,
    /// The family to publish: `spec.ipFamilies[0]`, or for an old API server the ClusterIP's.
    /// `None`: headless on an old API server, each Pod's primary IP decides.
    pub family: Option<AddressType>,
    pub pods: &'a [LegacyPod],
}

/// The Pod an address points at (`targetRef`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct PodRef {
    pub namespace: String,
    pub name: String,
    pub uid: String,
}

/// `subsets[].addresses[]` / `notReadyAddresses[]`.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct EndpointAddress {
    pub ip: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_name: Option<String>,
    pub target_ref: PodRef,
}

/// One subset: every address offers every port.
#[derive(Clone, Debug, Default, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct EndpointSubset {
    pub addresses: Vec<EndpointAddress>,
    pub not_ready_addresses: Vec<EndpointAddress>,
    pub ports: Vec<PortSpec>,
}

/// Why a Pod is not in the Endpoints object.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
pub enum LegacySkipReason {
    Terminal(PodPhase),
    NoPodIp,
    /// Terminating and the Service does not publish not-ready addresses.
    Terminating,
    NoAddressOfFamily(AddressType),
    /// None of the Service's ports resolved for this Pod.
    NoResolvedPorts,
    /// The Service has no ports and is not headless.
    NoServicePorts,
}

#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct LegacySkip {
    pub pod: String,
    pub reason: LegacySkipReason,
}

/// Which list the 1000 cap trimmed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
pub enum Trimmed {
    /// ready ≤ 1000: all ready kept, not-ready trimmed.
    NotReady,
    /// ready > 1000: all not-ready dropped, ready trimmed.
    Ready,
}

/// What truncation did, with the counts before and after.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct Truncation {
    pub trimmed: Trimmed,
    pub ready_before: usize,
    pub not_ready_before: usize,
    pub ready_after: usize,
    pub not_ready_after: usize,
}

/// The Endpoints object (named like the Service) plus what was left out and why.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct LegacyEndpoints {
    pub namespace: String,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub subsets: Vec<EndpointSubset>,
    pub skipped: Vec<LegacySkip>,
    pub truncation: Option<Truncation>,
}

impl LegacyEndpoints {
    /// Ready plus not-ready addresses over all subsets (what the cap counts).
    pub fn address_count(&self) -> usize {
        self.subsets
            .iter()
            .map(|s| s.addresses.len() + s.not_ready_addresses.len())
            .sum()
    }
}

struct Included {
    address: EndpointAddress,
    ready: bool,
    ports: Vec<PortSpec>,
}

/// Builds the Endpoints object. An unparsable Pod IP is an error.
pub fn build_endpoints(input: &LegacyInput<'_>) -> Result<LegacyEndpoints, FieldError> {
    let svc = input.service;
    let mut skipped = Vec::new();
    let mut included = Vec::new();
    for (i, lp) in input.pods.iter().enumerate() {
        match include(input, lp, i)? {
            Ok(inc) => included.push(inc),
            Err(reason) => skipped.push(LegacySkip {
                pod: lp.pod.name.clone(),
                reason,
            }),
        }
    }
    let mut subsets = repack(included);
    let truncation = truncate_subsets(&mut subsets);

    let mut labels = svc.labels.clone();
    if svc.headless {
        labels.insert(LABEL_HEADLESS.into(), String::new());
    } else {
        labels.remove(LABEL_HEADLESS);
    }
    let mut annotations = BTreeMap::new();
    if truncation.is_some() {
        annotations.insert(ANNOTATION_OVER_CAPACITY.into(), "truncated".into());
    }
    Ok(LegacyEndpoints {
        namespace: svc.namespace.clone(),
        name: svc.name.clone(),
        labels,
        annotations,
        subsets,
        skipped,
        truncation,
    })
}

fn include(
    input: &LegacyInput<'_>,
    lp: &LegacyPod,
    index: usize,
) -> Result<Result<Included, LegacySkipReason>, FieldError> {
    let (pod, svc) = (&lp.pod, input.service);
    if matches!(pod.phase, PodPhase::Succeeded | PodPhase::Failed) {
        return Ok(Err(LegacySkipReason::Terminal(pod.phase)));
    }
    if pod.pod_ips.is_empty() {
        return Ok(Err(LegacySkipReason::NoPodIp));
    }
    if pod.deleting && !svc.publish_not_ready_addresses {
        return Ok(Err(LegacySkipReason::Terminating));
    }
    let mut families = Vec::with_capacity(pod.pod_ips.len());
    for (j, text) in pod.pod_ips.iter().enumerate() {
        let ip = parse_pod_ip(text).ok_or_else(|| {
            let path = FieldPath::new("pods")
                .index(index)
                .child("status.podIPs")
                .index(j)
                .child("ip");
            FieldError::invalid(path, text, "must be a valid IP address")
        })?;
        families.push(if ip.is_ipv6() {
            AddressType::IPv6
        } else {
            AddressType::IPv4
        });
    }
    let family = input
        .family
        .or(families.first().copied())
        .unwrap_or(AddressType::IPv4);
    // Upstream publishes the Pod's IP string as written (first one of the family).
    let Some(ip) = pod
        .pod_ips
        .iter()
        .zip(&families)
        .find(|(_, f)| **f == family)
        .map(|(ip, _)| ip.clone())
    else {
        return Ok(Err(LegacySkipReason::NoAddressOfFamily(family)));
    };
    let ports = if input.has_service_ports {
        if lp.ports.is_empty() {
            return Ok(Err(LegacySkipReason::NoResolvedPorts));
        }
        lp.ports.clone()
    } else if svc.headless {
        Vec::new()
    } else {
        return Ok(Err(LegacySkipReason::NoServicePorts));
    };
    let address = EndpointAddress {
        ip,
        hostname: should_set_hostname(pod, svc)
            .then(|| pod.hostname.clone())
            .flatten(),
        node_name: pod.node_name.clone().filter(|n| !n.is_empty()),
        target_ref: PodRef {
            namespace: pod.namespace.clone(),
            name: pod.name.clone(),
            uid: pod.uid.clone(),
        },
    };
    let ready = svc.publish_not_ready_addresses || pod.ready;
    Ok(Ok(Included {
        address,
        ready,
        ports,
    }))
}

/// `RepackSubsets`: ports offered by the same set of addresses share a subset. Pods without
/// ports (headless, no Service ports) use a sentinel port that is dropped from the output.
fn repack(mut included: Vec<Included>) -> Vec<EndpointSubset> {
    included.stable_sort_by(|a, b| {
        (&a.address.ip, &a.address.target_ref.uid).cmp(&(&b.address.ip, &b.address.target_ref.uid))
    });
    // port (None = sentinel) → indexes of the addresses offering it, in address order
    let mut by_port: VecMap<Option<&PortSpec>, Vec<usize>> = VecMap::new();
    for (i, inc) in included.iter().enumerate() {
        if inc.ports.is_empty() {
            by_port.entry(None).or_default().push(i);
        }
        for p in &inc.ports {
            by_port.entry(Some(p)).or_default().push(i);
        }
    }
    let mut by_addresses: VecMap<Vec<usize>, Vec<PortSpec>> = VecMap::new();
    for (port, addrs) in by_port {
        let ports = by_addresses.entry(addrs).or_default();
        if let Some(p) = port {
            if !ports.contains(p) {
                ports.push(p.clone());
            }
        }
    }
    let mut subsets: Vec<EndpointSubset> = by_addresses
        .into_iter()
        .map(|(addrs, mut ports)| {
            ports.stable_sort();
            let mut s = EndpointSubset {
                ports,
                ..EndpointSubset::default()
            };
            for i in addrs {
                let Some(inc) = included.get(i) else { continue };
                if inc.ready {
                    s.addresses.push(inc.address.clone());
                } else {
                    s.not_ready_addresses.push(inc.address.clone());
                }
            }
            s
        })
        .collect();
    subsets.stable_sort_by(|a, b| {
        a.ports
            .cmp(&b.ports)
            .then_with(|| address_order(a).cmp(&address_order(b)))
    });
    subsets
}

fn address_order(s: &EndpointSubset) -> Vec<(&str, &str)> {
    s.addresses
        .iter()
        .chain(&s.not_ready_addresses)
        .map(|a| (a.ip.as_str(), a.target_ref.uid.as_str()))
        .collect()
}

/// Upstream's float `math.Ceil((num / total) * budget)`, without `std`.
fn quota(num: usize, total: usize, budget: usize) -> usize {
    if total == 0 {
        return 0;
    }
    let x = (num as f64 / total as f64) * budget as f64;
    let t = x as usize;
    if (t as f64) < x {
        t + 1
    } else {
        t
    }
}

/// The 1000 cap (`truncateEndpoints`). Returns what was done, `None` when within the cap.
pub fn truncate_subsets(subsets: &mut [EndpointSubset]) -> Option<Truncation> {
    let ready: usize = subsets.iter().map(|s| s.addresses.len()).sum();
    let not_ready: usize = subsets.iter().map(|s| s.not_ready_addresses.len()).sum();
    if ready + not_ready <= MAX_ENDPOINTS_PER_OBJECT {
        return None;
    }
    let trim_ready = ready > MAX_ENDPOINTS_PER_OBJECT;
    let (budget, total) = if trim_ready {
        (MAX_ENDPOINTS_PER_OBJECT, ready)
    } else {
        (MAX_ENDPOINTS_PER_OBJECT - ready, not_ready)
    };
    let mut left = budget;
    for s in subsets.iter_mut() {
        let list = if trim_ready {
            &mut s.addresses
        } else {
            &mut s.not_ready_addresses
        };
        let keep = quota(list.len(), total, budget).min(left);
        list.truncate(keep);
        left -= list.len();
        if trim_ready {
            s.not_ready_addresses.clear();
        }
    }
    Some(Truncation {
        trimmed: if trim_ready {
            Trimmed::Ready
        } else {
            Trimmed::NotReady
        },
        ready_before: ready,
        not_ready_before: not_ready,
        ready_after: subsets.iter().map(|s| s.addresses.len()).sum(),
        not_ready_after: subsets.iter().map(|s| s.not_ready_addresses.len()).sum(),
    })
}
