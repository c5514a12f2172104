//! Pod → endpoint conversion (SPEC §3.4), named targetPort resolution (§2.8) and the address
//! families a Service is reconciled for. Pure functions over small input structs; every skip
//! comes back as a reason.

use crate::json::{FromJson, ToJson};
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::{IpAddr, Ipv4Addr};

use super::types::{
    AddressType, DesiredEndpoint, Endpoint, EndpointConditions, EndpointKey, PortSpec, Protocol, ServiceInfo,
};
use crate::error::{FieldError, FieldPath};
use crate::sort::SharedSort;

pub use crate::model::PodPhase;

/// What the controller reads from the Pod's Node (present iff the Node is in the cache).
#[derive(Clone, Debug, Default, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct NodeFacts {
    /// Label `topology.kubernetes.io/zone`.
    pub zone: Option<String>,
}

/// What the controller reads from a Pod.
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct PodInput {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub phase: PodPhase,
    /// `status.podIPs[*].ip`, primary first.
    pub pod_ips: Vec<String>,
    /// `metadata.deletionTimestamp` is set.
    pub deleting: bool,
    /// The `Ready` condition is `True`.
    pub ready: bool,
    pub node_name: Option<String>,
    /// The Pod's Node, `None` when it is not in the informer cache (or the Pod is unscheduled).
    pub node: Option<NodeFacts>,
    pub hostname: Option<String>,
    pub subdomain: Option<String>,
}

/// Why a Pod gives no endpoint for a family.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all_fields = "camelCase")]
pub enum EndpointSkip {
    /// Succeeded or Failed.
    Terminal(PodPhase),
    NoPodIp,
    /// The Node is not in the cache (upstream logs, requeues the Service and skips the Pod),
    /// and the Service does not publish not-ready addresses.
    NodeNotFound {
        node_name: Option<String>,
    },
    /// The Pod has no IP of this family.
    NoAddressOfFamily(AddressType),
}

/// The outcome of converting one Pod for one family.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
pub enum PodEndpoint {
    Endpoint(Endpoint),
    Skipped(EndpointSkip),
}

/// Upstream `ShouldSetHostname`: `spec.hostname` is set and `spec.subdomain` names this Service
/// in the Pod's namespace.
pub fn should_set_hostname(pod: &PodInput, svc: &ServiceInfo) -> bool {
    pod.hostname.as_deref().is_some_and(|h| !h.is_empty())
        && pod.subdomain.as_deref() == Some(svc.name.as_str())
        && pod.namespace == svc.namespace
}

/// A Pod IP parsed the way upstream's `ParseIPSloppy` does: IPv4 octets may carry leading zeros
/// (read as decimal) and an IPv4-mapped IPv6 address counts as IPv4.
pub fn parse_pod_ip(text: &str) -> Option<IpAddr> {
    let ip = match text.parse::<IpAddr>() {
        Ok(ip) => ip,
        Err(_) => IpAddr::V4(parse_ipv4_leading_zeros(text)?),
    };
    Some(match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    })
}

fn parse_ipv4_leading_zeros(text: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = text.split('.');
    for o in &mut octets {
        let part = parts.next()?;
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *o = part.parse::<u8>().ok()?;
    }
    parts.next().is_none().then_some(Ipv4Addr::from(octets))
}

fn family_of(ip: &IpAddr) -> AddressType {
    match ip {
        IpAddr::V4(_) => AddressType::IPv4,
        IpAddr::V6(_) => AddressType::IPv6,
    }
}

/// SPEC §3.4 for one family: whether the Pod is an endpoint and what it says. An unparsable
/// Pod IP is an error (the API server never stores one).
pub fn pod_to_endpoint(
    pod: &PodInput,
    svc: &ServiceInfo,
    family: AddressType,
) -> Result<PodEndpoint, FieldError> {
    if matches!(pod.phase, PodPhase::Succeeded | PodPhase::Failed) {
        return Ok(PodEndpoint::Skipped(EndpointSkip::Terminal(pod.phase)));
    }
    if pod.pod_ips.is_empty() {
        return Ok(PodEndpoint::Skipped(EndpointSkip::NoPodIp));
    }
    if pod.node.is_none() && !svc.publish_not_ready_addresses {
        return Ok(PodEndpoint::Skipped(EndpointSkip::NodeNotFound {
            node_name: pod.node_name.clone(),
        }));
    }
    let mut addresses = Vec::new();
    for (i, text) in pod.pod_ips.iter().enumerate() {
        let ip = parse_pod_ip(text).ok_or_else(|| {
            let path = FieldPath::new("status").child("podIPs").index(i).child("ip");
            FieldError::invalid(path, text, "must be a valid IP address")
        })?;
        if family_of(&ip) == family {
            addresses.push(ip.to_string());
        }
    }
    if addresses.is_empty() {
        return Ok(PodEndpoint::Skipped(EndpointSkip::NoAddressOfFamily(family)));
    }
    let serving = pod.ready;
    let terminating = pod.deleting;
    let hostname = should_set_hostname(pod, svc)
        .then(|| pod.hostname.clone())
        .flatten();
    Ok(PodEndpoint::Endpoint(Endpoint {
        key: EndpointKey::new(addresses, hostname, pod.namespace.clone(), pod.name.clone()),
        pod_uid: pod.uid.clone(),
        node_name: pod.node_name.clone().filter(|n| !n.is_empty()),
        zone: pod
            .node
            .as_ref()
            .and_then(|n| n.zone.clone())
            .filter(|z| !z.is_empty()),
        conditions: EndpointConditions {
            ready: svc.publish_not_ready_addresses || (serving && !terminating),
            serving,
            terminating,
        },
    }))
}

/// A Pod's desired endpoints for every family the Service serves, with the skips.
#[derive(Clone, Debug, Default, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct PodEndpoints {
    pub endpoints: Vec<DesiredEndpoint>,
    pub skipped: Vec<(AddressType, EndpointSkip)>,
}

/// [`pod_to_endpoint`] for each served family, paired with the Pod's resolved `ports`.
pub fn pod_endpoints(
    pod: &PodInput,
    svc: &ServiceInfo,
    ports: &[PortSpec],
) -> Result<PodEndpoints, FieldError> {
    let mut out = PodEndpoints::default();
    for family in svc.families() {
        match pod_to_endpoint(pod, svc, family)? {
            PodEndpoint::Endpoint(endpoint) => out.endpoints.push(DesiredEndpoint {
                address_type: family,
                ports: ports.to_vec(),
                endpoint,
            }),
            PodEndpoint::Skipped(why) => out.skipped.push((family, why)),
        }
    }
    Ok(out)
}

/// A Service port's `targetPort`.
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
pub enum TargetPort {
    Number(i32),
    Name(String),
}

/// A Service port as resolution needs it.
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct ServicePortSpec {
    pub name: String,
    pub target_port: TargetPort,
    pub protocol: Protocol,
    pub app_protocol: Option<String>,
}

/// One `containers[*].ports[*]` entry (`name` is `""` when unnamed).
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct ContainerPort {
    pub name: String,
    pub container_port: i32,
    pub protocol: Protocol,
}

/// One container's declared ports.
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct ContainerPorts {
    pub container: String,
    pub ports: Vec<ContainerPort>,
}

/// Where a Pod declares ports: its containers, and its init containers with
/// `restartPolicy: Always` (sidecars), each in spec order. Other init containers do not count.
#[derive(Clone, Debug, Default, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct PodPorts {
    pub containers: Vec<ContainerPorts>,
    pub sidecars: Vec<ContainerPorts>,
}

/// How one Service port resolved for one Pod.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all_fields = "camelCase")]
pub enum PortOutcome {
    /// A numeric targetPort, used as is.
    Number { service_port: String, port: i32 },
    /// A named targetPort found on a container (or a sidecar init container).
    Named {
        service_port: String,
        container: String,
        sidecar: bool,
        port: i32,
    },
    /// No container port with that name and the Service port's protocol: the port is omitted
    /// for this Pod.
    Unresolved {
        service_port: String,
        target_port: String,
        protocol: Protocol,
    },
}

/// The Pod's endpoint ports (in Service port order) and how each was found.
#[derive(Clone, Debug, Default, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedPorts {
    pub ports: Vec<PortSpec>,
    pub outcomes: Vec<PortOutcome>,
}

/// SPEC §2.8 (upstream `FindPort` + `getEndpointPorts`). A headless Service without ports gives
/// an empty list.
pub fn resolve_ports(service_ports: &[ServicePortSpec], pod: &PodPorts) -> ResolvedPorts {
    let mut out = ResolvedPorts::default();
    for sp in service_ports {
        let found = match &sp.target_port {
            TargetPort::Number(n) => Some((*n, None)),
            TargetPort::Name(wanted) => find_named(pod, wanted, sp.protocol),
        };
        match found {
            Some((port, via)) => {
                out.ports.push(PortSpec {
                    name: sp.name.clone(),
                    port,
                    protocol: sp.protocol,
                    app_protocol: sp.app_protocol.clone(),
                });
                out.outcomes.push(match via {
                    None => PortOutcome::Number {
                        service_port: sp.name.clone(),
                        port,
                    },
                    Some((container, sidecar)) => PortOutcome::Named {
                        service_port: sp.name.clone(),
                        container,
                        sidecar,
                        port,
                    },
                });
            }
            None => out.outcomes.push(PortOutcome::Unresolved {
                service_port: sp.name.clone(),
                target_port: match &sp.target_port {
                    TargetPort::Name(n) => n.clone(),
                    TargetPort::Number(n) => n.to_string(),
                },
                protocol: sp.protocol,
            }),
        }
    }
    out
}

type Found = (i32, Option<(String, bool)>);

fn find_named(pod: &PodPorts, wanted: &str, protocol: Protocol) -> Option<Found> {
    let lists = pod
        .containers
        .iter()
        .map(|c| (c, false))
        .chain(pod.sidecars.iter().map(|c| (c, true)));
    for (c, sidecar) in lists {
        if let Some(p) = c
            .ports
            .iter()
            .find(|p| p.name == wanted && p.protocol == protocol)
        {
            return Some((p.container_port, Some((c.container.clone(), sidecar))));
        }
    }
    None
}

/// The families a Service's slices are reconciled for (upstream `getAddressTypesForService`):
/// `spec.ipFamilies` when set; otherwise (an old API server) the family of the ClusterIP, or
/// both for a headless Service. Sorted.
pub fn address_types_for(ip_families: &[AddressType], cluster_ip: Option<&str>) -> Vec<AddressType> {
    let mut out: Vec<AddressType> = ip_families
        .iter()
        .copied()
        .filter(|f| matches!(f, AddressType::IPv4 | AddressType::IPv6))
        .collect();
    out.stable_sort();
    out.dedup();
    if !out.is_empty() {
        return out;
    }
    match cluster_ip.filter(|ip| !ip.is_empty() && *ip != "None") {
        Some(ip) => match ip.parse::<IpAddr>() {
            Ok(IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => alloc::vec![AddressType::IPv6],
            _ => alloc::vec![AddressType::IPv4],
        },
        None => alloc::vec![AddressType::IPv4, AddressType::IPv6],
    }
}
