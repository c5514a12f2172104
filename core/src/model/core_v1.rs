//! `v1` kinds: Namespace, Node, Pod, Service, Endpoints.

use crate::json::{FromJson, ToJson};
use alloc::string::String;
use alloc::vec::Vec;

use super::decode::model_struct;

use super::meta::{Condition, IntOrString, ObjectMeta, ObjectReference, StringMap};

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct Namespace {
        pub metadata: ObjectMeta,
    }
}

// ---------------------------------------------------------------------------------------------
// Node

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct Node {
        pub metadata: ObjectMeta,
        pub spec: NodeSpec,
        pub status: NodeStatus,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct NodeSpec {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub pod_cidr: Option<String> = "podCIDR",
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub pod_cidrs: Vec<String> = "podCIDRs",
        #[serde(skip_serializing_if = "super::meta::is_false")]
        pub unschedulable: bool,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct NodeStatus {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub addresses: Vec<NodeAddress>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub conditions: Vec<Condition>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Eq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct NodeAddress {
        pub type_: String = "type",
        pub address: String,
    }
}

impl Node {
    /// The node's `InternalIP`, as kube-proxy and the trace use it.
    pub fn internal_ip(&self) -> Option<&str> {
        self.status
            .addresses
            .iter()
            .find(|a| a.type_ == "InternalIP")
            .map(|a| a.address.as_str())
    }
}

// ---------------------------------------------------------------------------------------------
// Pod

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct Pod {
        pub metadata: ObjectMeta,
        pub spec: PodSpec,
        pub status: PodStatus,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct PodTemplateSpec {
        pub metadata: ObjectMeta,
        #[serde(skip_serializing_if = "PodSpec::is_empty")]
        pub spec: PodSpec,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct PodSpec {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub node_name: Option<String> = "nodeName",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub hostname: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub subdomain: Option<String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub containers: Vec<Container>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub init_containers: Vec<Container> = "initContainers",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub restart_policy: Option<String> = "restartPolicy",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub termination_grace_period_seconds: Option<i64> = "terminationGracePeriodSeconds",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub dns_policy: Option<String> = "dnsPolicy",
        #[serde(skip_serializing_if = "StringMap::is_empty")]
        pub node_selector: StringMap = "nodeSelector",
        /// The pod's identity, which a mesh's mTLS certificate carries.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub service_account_name: Option<String> = "serviceAccountName",
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct Container {
        pub name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub image: Option<String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub ports: Vec<ContainerPort>,
        /// `Always` marks a restartable init container (a native sidecar), whose named ports
        /// Services may target.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub restart_policy: Option<String> = "restartPolicy",
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct ContainerPort {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        pub container_port: i64 = "containerPort",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub protocol: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub host_port: Option<i64> = "hostPort",
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct PodStatus {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub phase: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub pod_ip: Option<String> = "podIP",
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub pod_ips: Vec<PodIp> = "podIPs",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub host_ip: Option<String> = "hostIP",
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub conditions: Vec<Condition>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub reason: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub message: Option<String>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Eq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct PodIp {
        pub ip: String,
    }
}

/// `status.phase` of a pod, as the controllers read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson, FromJson, serde::Deserialize)]
pub enum PodPhase {
    Pending,
    Running,
    Succeeded,
    Failed,
    Unknown,
}

impl PodPhase {
    /// `status.phase` as written; absent means Pending, anything unknown is Unknown.
    pub fn parse(phase: Option<&str>) -> PodPhase {
        match phase {
            None | Some("Pending") => PodPhase::Pending,
            Some("Running") => PodPhase::Running,
            Some("Succeeded") => PodPhase::Succeeded,
            Some("Failed") => PodPhase::Failed,
            Some(_) => PodPhase::Unknown,
        }
    }

    /// Failed or Succeeded: the pod will not run again, so its controller replaces it.
    pub fn is_finished(self) -> bool {
        matches!(self, PodPhase::Failed | PodPhase::Succeeded)
    }
}

impl PodSpec {
    pub fn is_empty(&self) -> bool {
        *self == PodSpec::default()
    }
}

impl Pod {
    /// True when the `Ready` condition is `True`.
    pub fn is_ready(&self) -> bool {
        self.status
            .conditions
            .iter()
            .any(|c| c.type_ == "Ready" && c.status == "True")
    }
    pub fn phase(&self) -> &str {
        self.status.phase.as_deref().unwrap_or("Pending")
    }
    pub fn phase_kind(&self) -> PodPhase {
        PodPhase::parse(self.status.phase.as_deref())
    }
    pub fn is_terminating(&self) -> bool {
        self.metadata.deletion_timestamp.is_some()
    }
}

// ---------------------------------------------------------------------------------------------
// Service

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct Service {
        pub metadata: ObjectMeta,
        pub spec: ServiceSpec,
        #[serde(skip_serializing_if = "ServiceStatus::is_empty")]
        pub status: ServiceStatus,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct ServiceSpec {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub type_: Option<String> = "type",
        /// `None` and `Some({})` both mean "no selector": the Service manages no endpoints.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub selector: Option<StringMap>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub ports: Vec<ServicePort>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub cluster_ip: Option<String> = "clusterIP",
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub cluster_ips: Vec<String> = "clusterIPs",
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub external_ips: Vec<String> = "externalIPs",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub session_affinity: Option<String> = "sessionAffinity",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub session_affinity_config: Option<SessionAffinityConfig> = "sessionAffinityConfig",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub external_traffic_policy: Option<String> = "externalTrafficPolicy",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub internal_traffic_policy: Option<String> = "internalTrafficPolicy",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub external_name: Option<String> = "externalName",
        #[serde(skip_serializing_if = "super::meta::is_false")]
        pub publish_not_ready_addresses: bool = "publishNotReadyAddresses",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub load_balancer_ip: Option<String> = "loadBalancerIP",
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub load_balancer_source_ranges: Vec<String> = "loadBalancerSourceRanges",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub load_balancer_class: Option<String> = "loadBalancerClass",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub allocate_load_balancer_node_ports: Option<bool> = "allocateLoadBalancerNodePorts",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub health_check_node_port: Option<i64> = "healthCheckNodePort",
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub ip_families: Vec<String> = "ipFamilies",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub ip_family_policy: Option<String> = "ipFamilyPolicy",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub traffic_distribution: Option<String> = "trafficDistribution",
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct ServicePort {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub protocol: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub app_protocol: Option<String> = "appProtocol",
        pub port: i64,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub target_port: Option<IntOrString> = "targetPort",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub node_port: Option<i64> = "nodePort",
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct SessionAffinityConfig {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub client_ip: Option<ClientIpConfig> = "clientIP",
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct ClientIpConfig {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub timeout_seconds: Option<i64> = "timeoutSeconds",
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct ServiceStatus {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub load_balancer: Option<LoadBalancerStatus> = "loadBalancer",
    }
}

impl ServiceStatus {
    pub fn is_empty(&self) -> bool {
        self.load_balancer.as_ref().is_none_or(|lb| lb.ingress.is_empty())
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct LoadBalancerStatus {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub ingress: Vec<LoadBalancerIngress>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct LoadBalancerIngress {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub ip: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub hostname: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub ip_mode: Option<String> = "ipMode",
    }
}

/// The four Service types (SPEC §2.1), with the capability each adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, ToJson, FromJson, serde::Deserialize)]
pub enum ServiceType {
    ClusterIP,
    NodePort,
    LoadBalancer,
    ExternalName,
}

impl ServiceType {
    pub fn parse(s: &str) -> Option<ServiceType> {
        Some(match s {
            "ClusterIP" => ServiceType::ClusterIP,
            "NodePort" => ServiceType::NodePort,
            "LoadBalancer" => ServiceType::LoadBalancer,
            "ExternalName" => ServiceType::ExternalName,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::ClusterIP => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
            ServiceType::ExternalName => "ExternalName",
        }
    }
    /// NodePort and LoadBalancer Services open a port on every node.
    pub fn needs_node_ports(self) -> bool {
        matches!(self, ServiceType::NodePort | ServiceType::LoadBalancer)
    }
}

impl Service {
    /// The declared type; an unknown string is a validation error reported elsewhere, and is
    /// treated as the default here.
    pub fn service_type(&self) -> ServiceType {
        self.spec
            .type_
            .as_deref()
            .and_then(ServiceType::parse)
            .unwrap_or(ServiceType::ClusterIP)
    }
    /// `clusterIP: None`.
    pub fn is_headless(&self) -> bool {
        self.spec.cluster_ip.as_deref() == Some("None")
    }
}

// ---------------------------------------------------------------------------------------------
// Endpoints (legacy)

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct Endpoints {
        pub metadata: ObjectMeta,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub subsets: Vec<EndpointSubset>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct EndpointSubset {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub addresses: Vec<EndpointAddress>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub not_ready_addresses: Vec<EndpointAddress> = "notReadyAddresses",
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub ports: Vec<EndpointPort>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct EndpointAddress {
        pub ip: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub hostname: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub node_name: Option<String> = "nodeName",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub target_ref: Option<ObjectReference> = "targetRef",
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct EndpointPort {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        pub port: i64,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub protocol: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub app_protocol: Option<String> = "appProtocol",
    }
}
