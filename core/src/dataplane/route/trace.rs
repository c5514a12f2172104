//! The answer to a route: a verdict and the hops on the way, each with its reasons as data.

use crate::json::ToJson;
use alloc::string::String;
use alloc::vec::Vec;

use super::request::{Source, Url};
use crate::dataplane::gateway::GatewayDecision;
use crate::dataplane::ingress::{IngressDecision, TlsMatch};
use crate::dataplane::kube_proxy::{ChainRule, Excluded, ProxyMode};
use crate::dns::DnsAnswer;
use crate::error::ObjectRef;
use crate::selector::SelectorExplanation;

/// Where one request went and why. The same cluster, seed and request give the same trace.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct Trace {
    pub from: Source,
    pub method: String,
    pub url: Url,
    /// Simulated time of the request.
    pub at_ms: u64,
    pub verdict: Verdict,
    pub hops: Vec<Hop>,
}

impl Trace {
    /// The pod that answered, if the request was delivered.
    pub fn pod(&self) -> Option<&ObjectRef> {
        match &self.verdict {
            Verdict::Delivered { pod, .. } => Some(pod),
            _ => None,
        }
    }

    /// The chance of this exact path: the product of the probabilities of its random choices.
    pub fn probability(&self) -> f64 {
        self.hops.iter().filter_map(|h| h.probability).product()
    }
}

/// How the request ended.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Verdict {
    /// A pod's container got the connection (and, for HTTP, answers it).
    Delivered {
        pod: ObjectRef,
        ip: String,
        port: u16,
        /// The source address the pod sees (SNAT'ed or preserved).
        source_ip: String,
    },
    /// A proxy on the way answered with an HTTP status instead of forwarding.
    Http {
        status: u16,
        by: ObjectRef,
        why: HttpWhy,
    },
    /// Refused: the client sees "connection refused" at once.
    Rejected { why: Refusal },
    /// Dropped silently: the client times out.
    Dropped { why: DropReason },
    /// Nothing in the cluster routes the destination.
    NoRoute { why: NoRouteReason },
    /// The name does not resolve.
    DnsFailure { name: String },
    /// The request leaves the cluster (an ExternalName, a name outside the cluster zone); kroute
    /// does not simulate the Internet.
    LeftCluster { host: String },
}

/// Why a proxy answered with a status.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum HttpWhy {
    /// 404: no rule matched and no default backend (Ingress), no rule matched (Gateway), or the
    /// mesh has Routes for the Service and none matched (GAMMA).
    NoRuleMatched,
    /// 308 to HTTPS: the host has TLS configured.
    HttpsRedirect { location: String },
    /// 503: the backend Service does not exist.
    ServiceNotFound { service: ObjectRef },
    /// 503: the Service has no such port.
    ServicePortNotFound { service: ObjectRef, port: String },
    /// 503: the backend Service has no ready endpoint.
    NoEndpoints { service: ObjectRef },
    /// 500: the Gateway's rule cannot forward (invalid backend, no backendRefs, zero weights).
    GatewayError,
}

/// Why a connection was refused.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Refusal {
    /// kube-proxy's REJECT rule: the Service has no usable endpoint anywhere (SPEC §2.14).
    NoEndpoints { service: ObjectRef },
    /// Nothing listens on that port of the node.
    PortClosed { ip: String, port: u16 },
    /// The Gateway has no listener on that port.
    NoListener { gateway: ObjectRef, port: u16 },
    /// The pod's containers have exited (Succeeded or Failed).
    PodNotRunning { pod: ObjectRef },
    /// `kubectl port-forward` listens on another local port.
    NotForwarded { port: u16, forwarded: u16 },
}

/// Why a packet was dropped.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum DropReason {
    /// Traffic policy Local and no usable endpoint on this node, while some exist elsewhere
    /// (SPEC §2.10, §2.14).
    NoLocalEndpoints { service: ObjectRef, node: String },
}

/// Why nothing routes the destination.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum NoRouteReason {
    /// ClusterIPs are virtual: only kube-proxy's rules on the nodes know them.
    ClusterIpFromOutside { ip: String },
    /// Pod addresses are not routed outside the cluster (the usual overlay network).
    PodIpFromOutside { ip: String },
    /// No Service, node, pod or load balancer has this address.
    UnknownAddress { ip: String },
    /// The ClusterIP belongs to a Service without this port: kube-proxy does not capture it.
    ServicePortNotServed { service: ObjectRef, port: u16 },
    /// From outside, a name is looked up in public DNS, which kroute models as pointing at the
    /// cluster's edge (Ingress controller, Gateways); nothing there serves this host.
    NoEdgeForHost { host: String },
    /// Cluster names (`*.svc.cluster.local`) resolve only inside the cluster.
    ClusterNameFromOutside { host: String },
    /// A headless Service has no virtual IP to connect to.
    HeadlessHasNoVip { service: ObjectRef },
    /// The named pod, Service or workload does not exist (port-forward).
    TargetNotFound { target: ObjectRef },
    /// kubectl found no running pod to forward to.
    NoRunningPod { target: ObjectRef },
    /// `kubectl port-forward svc/x L:P` with no Service port P.
    NoServicePort { service: ObjectRef, port: u16 },
    /// The pod's named targetPort resolves to no container port.
    TargetPortNotFound { service: ObjectRef, target_port: String },
    /// The pod has no IP yet (Pending).
    PodHasNoIp { pod: ObjectRef },
}

/// One step on the way.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct Hop {
    #[serde(flatten)]
    pub step: Step,
    /// The object this hop went through.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<ObjectRef>,
    /// Address rewrites made here.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rewrites: Vec<Rewrite>,
    /// The chance of the choice made here, when it was random (or round robin).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
}

impl Hop {
    pub(crate) fn new(step: Step, object: Option<ObjectRef>) -> Hop {
        Hop {
            step,
            object,
            rewrites: Vec::new(),
            probability: None,
        }
    }

    /// The hop's kind, as the `kind` field of its JSON.
    pub fn kind(&self) -> &'static str {
        match &self.step {
            Step::Client { .. } => "client",
            Step::Dns { .. } => "dns",
            Step::LoadBalancer(_) => "loadBalancer",
            Step::Node { .. } => "node",
            Step::KubeProxy(_) => "kubeProxy",
            Step::Ingress { .. } => "ingress",
            Step::Gateway { .. } => "gateway",
            Step::Sidecar(_) => "sidecar",
            Step::Mtls { .. } => "mtls",
            Step::Service(_) => "service",
            Step::Endpoint(_) => "endpoint",
            Step::Pod(_) => "pod",
            Step::PortForward(_) => "portForward",
            Step::Egress { .. } => "egress",
        }
    }
}

/// A source or destination rewrite: `before` → `after`, as `ip:port` (or `ip`).
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct Rewrite {
    pub kind: RewriteKind,
    pub before: String,
    pub after: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub enum RewriteKind {
    /// Destination NAT to the chosen endpoint (kube-proxy, SPEC §2.15).
    Dnat,
    /// Source NAT to the node (masquerade).
    Snat,
    /// A proxy terminates the connection and opens a new one (Ingress controller, Gateway,
    /// sidecar): the destination becomes the endpoint, the source the proxy.
    Proxy,
}

/// What happened at one hop.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Step {
    /// Where the request starts.
    Client {
        ip: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        node: Option<String>,
    },
    /// A name resolved by cluster DNS (from a pod: its search path).
    Dns {
        answer: DnsAnswer,
        #[serde(skip_serializing_if = "Option::is_none")]
        picked: Option<DnsPick>,
    },
    LoadBalancer(LoadBalancerHop),
    /// A node received the packet.
    Node {
        name: String,
        ip: String,
        /// What on the node took the packet.
        via: NodeEntry,
    },
    KubeProxy(KubeProxyHop),
    /// The Ingress controller's decision.
    Ingress {
        edge: EdgeChoice,
        decision: IngressDecision,
        /// HTTPS: the certificate SNI picked (`None`: the controller's default certificate).
        #[serde(skip_serializing_if = "Option::is_none")]
        tls: Option<TlsMatch>,
    },
    /// A Gateway's decision.
    Gateway {
        edge: EdgeChoice,
        decision: GatewayDecision,
    },
    Sidecar(SidecarHop),
    /// The two sidecars' mutual TLS.
    Mtls {
        client: String,
        server: String,
    },
    Service(ServiceHop),
    Endpoint(EndpointHop),
    Pod(PodHop),
    PortForward(PortForwardHop),
    /// Out of the cluster, to a name kroute does not resolve.
    Egress {
        host: String,
    },
}

/// How the client chose among several A records.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct DnsPick {
    pub ip: String,
    /// How many addresses there were to choose from.
    pub among: usize,
}

/// What on a node took the packet.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum NodeEntry {
    /// kube-proxy's rules for a NodePort (on every node address).
    NodePort { port: u16 },
    /// The load balancer's VIP, captured by kube-proxy (`ipMode: VIP`).
    LoadBalancerIp { ip: String, port: u16 },
    /// A Service externalIP routed to this node.
    ExternalIp { ip: String, port: u16 },
    /// Traffic from a pod on this node.
    PodNetwork,
    /// A process on the node itself.
    HostNetwork,
}

/// The cloud load balancer of a `LoadBalancer` Service.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancerHop {
    pub ip: String,
    pub port: u16,
    /// `VIP`: packets keep the LB address as destination (kube-proxy captures it on the node).
    pub ip_mode: String,
    /// Every node the LB may send to, with its health.
    pub nodes: Vec<LbNode>,
    pub chosen: String,
    /// No node was healthy, so the LB spread over all of them (fail open).
    pub fail_open: bool,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct LbNode {
    pub node: String,
    pub healthy: bool,
    /// With `externalTrafficPolicy: Local`: the healthCheckNodePort and what it answered
    /// (200 with local endpoints, 503 without, SPEC §2.10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_check: Option<HealthCheck>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct HealthCheck {
    pub node_port: u16,
    pub status: u16,
    pub local_endpoints: usize,
}

/// kube-proxy's decision on one node.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct KubeProxyHop {
    pub node: String,
    pub mode: ProxyMode,
    /// The address the rules matched (`ClusterIP:port`, `nodeIP:nodePort`, `LB-IP:port`).
    pub destination: String,
    pub traffic_class: crate::dataplane::kube_proxy::TrafficClass,
    /// `internalTrafficPolicy` or `externalTrafficPolicy`, and whether it was `Local`.
    pub policy: PolicyUsed,
    /// Every endpoint of the Service port, with its fate.
    pub endpoints: Vec<EndpointCandidate>,
    /// iptables: the per-Service chain of `statistic` rules over the candidates.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<ChainRule>,
    /// With `sessionAffinity: ClientIP`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    pub outcome: ProxyOutcome,
    /// When the whole ready set was empty and serving-terminating endpoints were used.
    pub terminating_fallback: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct PolicyUsed {
    pub field: &'static str,
    pub local: bool,
    /// Set when kube-proxy ignored a Local policy (SPEC §2.10 short-circuit for traffic from
    /// inside the cluster to external addresses).
    pub short_circuited: bool,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ProxyOutcome {
    Forwarded { endpoint: String },
    Rejected,
    Dropped,
}

/// An endpoint as a proxy saw it, and what became of it.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct EndpointCandidate {
    /// `ip:port`.
    pub address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    pub slice: String,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
    pub fate: Fate,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Fate {
    Chosen,
    /// Could have been chosen; the draw went elsewhere.
    Candidate,
    /// Not a candidate, and why.
    Excluded {
        why: Excluded,
    },
}

/// `sessionAffinity: ClientIP`: what the affinity table said.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Affinity {
    /// The client was seen on this endpoint within the timeout: it goes there again.
    Pinned {
        client_ip: String,
        endpoint: String,
        last_seen_ms: u64,
        timeout_seconds: u64,
    },
    /// No live entry: load-balanced, and the client is now pinned to the choice.
    Recorded {
        client_ip: String,
        timeout_seconds: u64,
        /// Why an earlier entry was not used.
        #[serde(skip_serializing_if = "Option::is_none")]
        previous: Option<AffinityMiss>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum AffinityMiss {
    Expired { endpoint: String, last_seen_ms: u64 },
    EndpointGone { endpoint: String },
}

/// Why this entry point (Ingress controller or Gateway) took an external request for a host.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum EdgeChoice {
    /// A Gateway listener's hostname covers the host.
    GatewayListenerHostname { gateway: ObjectRef },
    /// An Ingress rule's host covers the host.
    IngressHost,
    /// A Gateway listener without hostname takes every host on its port.
    GatewayCatchAll { gateway: ObjectRef },
    /// Ingresses answer hosts without rules through rules without host or a default backend.
    IngressCatchAll,
    /// The request was addressed to the Gateway's address.
    GatewayAddress { gateway: ObjectRef },
}

/// A sidecar proxy.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct SidecarHop {
    pub mesh: super::mesh::Mesh,
    pub direction: Direction,
    pub pod: String,
    /// Why the pod has a sidecar (namespace label, pod annotation).
    pub injected_by: super::mesh::Injection,
    /// Outbound to a Service: how the sidecar chose the backend and endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing: Option<MeshRouting>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    Outbound,
    Inbound,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct MeshRouting {
    /// The Service the application addressed.
    pub service: ObjectRef,
    /// With HTTPRoutes attached to the Service (GAMMA): their decision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routes: Option<GatewayDecision>,
    /// The Routes applied are the client namespace's own (consumer routes), which take
    /// precedence over the Service namespace's (producer routes).
    pub consumer_routes: bool,
    /// The Service the sidecar sends to (differs from `service` under a traffic split).
    pub backend: ObjectRef,
    /// Whether the server side has a sidecar, so the connection is upgraded to mTLS.
    pub mtls: bool,
}

/// The Service the request went through.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ServiceHop {
    #[serde(rename = "type")]
    pub type_: String,
    /// The Service port used: its name (may be empty), number, protocol and targetPort.
    pub port: ServicePortUsed,
    /// The Service's selector against the chosen pod, term by term (`None`: no selector; the
    /// endpoints come from user-made EndpointSlices).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<SelectorExplanation>,
    /// The EndpointSlices read.
    pub slices: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ServicePortUsed {
    pub name: String,
    pub port: u16,
    pub protocol: String,
    pub target_port: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_port: Option<u16>,
}

/// The endpoint chosen, from its slice.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct EndpointHop {
    pub slice: String,
    pub address: String,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
    /// Who chose it: `kube-proxy`, `ingress controller`, `gateway`, `sidecar`, `client` (DNS).
    pub chosen_by: Chooser,
    /// How many candidates there were.
    pub among: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub enum Chooser {
    KubeProxy,
    IngressController,
    Gateway,
    Sidecar,
}

/// The pod that answers.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct PodHop {
    pub ip: String,
    pub port: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    pub phase: String,
    pub ready: bool,
    pub terminating: bool,
    /// The container port that is listening, when one is declared (`None`: undeclared ports
    /// still work; Kubernetes does not check them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_port: Option<ContainerPortUsed>,
    /// The source address the pod sees.
    pub source_ip: String,
}

#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ContainerPortUsed {
    pub container: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub port: u16,
}

/// `kubectl port-forward`: the API server streams to the kubelet of the chosen pod's node.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct PortForwardHop {
    pub local_port: u16,
    pub remote_port: u16,
    /// The pod kubectl chose and the others, best first (kubectl's order: running, ready,
    /// oldest).
    pub pods: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chosen: Option<String>,
    /// The pod port the remote port maps to (a Service port's targetPort).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_port: Option<u16>,
    /// Always true: there is no load balancing; every connection goes to the one pod.
    pub no_load_balancing: bool,
}
