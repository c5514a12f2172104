//! How the simulated cluster is set up: address plan, node count, controller settings.
//! Defaults are SPEC §11's address plan.

use crate::json::{FromJson, ToJson};
use alloc::format;
use alloc::string::{String, ToString};

use crate::ipam::{Ipv4Cidr, PortRange};

/// Everything a [`super::Cluster`] is created from. The same config (seed included) and the
/// same sequence of calls always give the same cluster.
#[derive(Clone, Debug, PartialEq, ToJson, FromJson)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterConfig {
    /// Seeds every random choice (names, ClusterIPs, NodePorts, slice placement).
    pub seed: u64,
    /// `--max-endpoints-per-slice` (1–1000, default 100).
    pub max_endpoints_per_slice: usize,
    /// Nodes created at start-up, named `node-1…`, with IPs from `node_cidr` starting at `.2`.
    pub default_nodes: u32,
    pub node_cidr: String,
    /// Split into one `pod_cidr_prefix` subnet per node (node `i` gets subnet `i`, from 1).
    pub pod_cidr: String,
    pub pod_cidr_prefix: u8,
    pub service_cidr: String,
    pub node_port_range: String,
    pub load_balancer_pool: String,
    pub cluster_domain: String,
    /// How long a scheduled pod takes to become Running and Ready.
    pub pod_start_delay_ms: u64,
    /// Grace period for pods that do not set `terminationGracePeriodSeconds`.
    pub default_termination_grace_seconds: u64,
    /// kube-proxy's backend: iptables (uniformly random) or IPVS (round robin).
    pub proxy_mode: crate::dataplane::kube_proxy::ProxyMode,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            seed: 1,
            max_endpoints_per_slice: 100,
            default_nodes: 3,
            node_cidr: "172.18.0.0/16".to_string(),
            pod_cidr: "10.244.0.0/16".to_string(),
            pod_cidr_prefix: 24,
            service_cidr: "10.96.0.0/12".to_string(),
            node_port_range: "30000-32767".to_string(),
            load_balancer_pool: "203.0.113.0/24".to_string(),
            cluster_domain: "cluster.local".to_string(),
            pod_start_delay_ms: 2_000,
            default_termination_grace_seconds: 30,
            proxy_mode: crate::dataplane::kube_proxy::ProxyMode::Iptables,
        }
    }
}

/// A config field that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub field: &'static str,
    pub message: String,
}

impl core::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "cluster config `{}`: {}", self.field, self.message)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ConfigError {}

/// The config with its addresses parsed.
#[derive(Clone, Debug)]
pub(crate) struct AddressPlan {
    pub node_cidr: Ipv4Cidr,
    pub pod_cidr: Ipv4Cidr,
    pub service_cidr: Ipv4Cidr,
    pub node_ports: PortRange,
    pub lb_pool: Ipv4Cidr,
}

impl ClusterConfig {
    pub(crate) fn address_plan(&self) -> Result<AddressPlan, ConfigError> {
        fn cidr(field: &'static str, v: &str) -> Result<Ipv4Cidr, ConfigError> {
            Ipv4Cidr::parse(v).map_err(|e| ConfigError {
                field,
                message: format!("{e}"),
            })
        }
        if !(1..=1000).contains(&self.max_endpoints_per_slice) {
            return Err(ConfigError {
                field: "maxEndpointsPerSlice",
                message: format!("{} is outside 1–1000", self.max_endpoints_per_slice),
            });
        }
        let pod_cidr = cidr("podCidr", &self.pod_cidr)?;
        if self.pod_cidr_prefix < pod_cidr.prefix() || self.pod_cidr_prefix > 30 {
            return Err(ConfigError {
                field: "podCidrPrefix",
                message: format!(
                    "/{} must lie between /{} and /30",
                    self.pod_cidr_prefix,
                    pod_cidr.prefix()
                ),
            });
        }
        let node_cidr = cidr("nodeCidr", &self.node_cidr)?;
        if u64::from(self.default_nodes) + 2 > node_cidr.size() {
            return Err(ConfigError {
                field: "defaultNodes",
                message: format!("{} nodes do not fit in {node_cidr}", self.default_nodes),
            });
        }
        let subnets = 1u64 << (self.pod_cidr_prefix - pod_cidr.prefix());
        if u64::from(self.default_nodes) >= subnets {
            return Err(ConfigError {
                field: "defaultNodes",
                message: format!(
                    "{} nodes need more /{} subnets than {pod_cidr} has",
                    self.default_nodes, self.pod_cidr_prefix
                ),
            });
        }
        Ok(AddressPlan {
            node_cidr,
            pod_cidr,
            service_cidr: cidr("serviceCidr", &self.service_cidr)?,
            node_ports: PortRange::parse(&self.node_port_range).map_err(|e| ConfigError {
                field: "nodePortRange",
                message: format!("{e}"),
            })?,
            lb_pool: cidr("loadBalancerPool", &self.load_balancer_pool)?,
        })
    }
}
