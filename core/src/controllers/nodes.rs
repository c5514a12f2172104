//! Nodes: the default node set, and node IPAM (an InternalIP from the node CIDR and a pod CIDR
//! per node, as kind and the node IPAM controller give them).

use crate::json::ToJson;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::Ipv4Addr;

use crate::cluster::{ChangeReport, Cluster, Entry, ObjectKey, Origin};
use crate::collections::{VecMap, VecSet};
use crate::error::{FieldError, FieldPath};
use crate::ipam::Ipv4Cidr;
use crate::model::{Condition, Kind, Namespace, Node, NodeAddress, Object, ObjectMeta};

/// Zone label put on default nodes, cycling `zone-a`, `zone-b`, `zone-c`.
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

/// Which node addresses and pod subnets are taken (small: cloned to plan an apply).
#[derive(Clone, Debug)]
pub struct NodeAddresses {
    node_cidr: Ipv4Cidr,
    pod_cidr: Ipv4Cidr,
    pod_prefix: u8,
    /// Offsets into `node_cidr` in use (node IPs start at offset 2, as in kind). One entry per
    /// node, like `NodeIpam::load`.
    used_ips: VecSet<u64>,
    /// Subnet indexes of `pod_cidr` in use (start at 1).
    used_subnets: VecSet<u64>,
}

/// Node IPAM: node addresses, plus which pod IPs each node has handed out and an index of nodes
/// by load for the scheduler.
#[derive(Clone, Debug)]
pub struct NodeIpam {
    addresses: NodeAddresses,
    /// Pod IPs in use on each node, as offsets in its pod CIDR.
    pod_ips: VecMap<String, Offsets>,
    /// (pods on the node, node name) for every node known here: the least loaded first.
    load: VecSet<(usize, String)>,
}

/// A set of offsets as a bitset grown to the highest one inserted, with its size: a node's pod
/// IPs, handed out lowest first, so the words cover little more than the node's pods. Finding
/// the lowest free offset reads a word (64 offsets) at a time; inserting and removing are O(1).
#[derive(Clone, Debug, Default)]
struct Offsets {
    words: Vec<u64>,
    len: usize,
}

impl Offsets {
    fn len(&self) -> usize {
        self.len
    }

    /// The lowest offset `from` or above that is not in the set.
    fn lowest_free(&self, from: u64) -> u64 {
        let (first, _) = Self::place(from);
        for (i, &w) in self.words.iter().enumerate().skip(first) {
            // Offsets below `from` in its word count as taken.
            let below_from = if i == first { (1u64 << (from % 64)) - 1 } else { 0 };
            let taken = w | below_from;
            if taken != u64::MAX {
                return i as u64 * 64 + u64::from(taken.trailing_ones());
            }
        }
        from.max(self.words.len() as u64 * 64)
    }

    /// Adds `offset`; `false` if it was there.
    fn insert(&mut self, offset: u64) -> bool {
        let (word, bit) = Self::place(offset);
        if self.words.len() <= word {
            self.words.resize(word + 1, 0);
        }
        match self.words.get_mut(word) {
            Some(w) if *w & bit == 0 => {
                *w |= bit;
                self.len += 1;
                true
            }
            _ => false,
        }
    }

    /// Takes `offset` out; `false` if it was not there.
    fn remove(&mut self, offset: u64) -> bool {
        let (word, bit) = Self::place(offset);
        match self.words.get_mut(word) {
            Some(w) if *w & bit != 0 => {
                *w &= !bit;
                self.len -= 1;
                true
            }
            _ => false,
        }
    }

    /// The word index and bit mask of an offset.
    fn place(offset: u64) -> (usize, u64) {
        ((offset / 64) as usize, 1 << (offset % 64))
    }
}

impl NodeIpam {
    pub fn new(node_cidr: Ipv4Cidr, pod_cidr: Ipv4Cidr, pod_prefix: u8) -> Self {
        NodeIpam {
            addresses: NodeAddresses {
                node_cidr,
                pod_cidr,
                pod_prefix,
                used_ips: VecSet::new(),
                used_subnets: VecSet::new(),
            },
            pod_ips: VecMap::new(),
            load: VecSet::new(),
        }
    }

    /// How many pod IPs a node has handed out.
    pub(crate) fn pods_on(&self, node: &str) -> usize {
        self.pod_ips.get(node).map_or(0, Offsets::len)
    }

    /// Nodes known here (every Node object): the watchers churn is multiplied by.
    pub(crate) fn node_count(&self) -> usize {
        self.load.len()
    }

    /// Nodes from the least loaded up (ties by name): the scheduler's preference order.
    pub(crate) fn by_load(&self) -> impl Iterator<Item = &str> + '_ {
        self.load.iter().map(|(_, n)| n.as_str())
    }

    /// A node now takes pods.
    pub(crate) fn add_node(&mut self, node: &str) {
        let count = self.pods_on(node);
        self.load.insert((count, node.to_string()));
    }

    /// A node is gone, with its pods.
    pub(crate) fn remove_node(&mut self, node: &str) {
        let count = self.pods_on(node);
        self.load.remove(&(count, node.to_string()));
        self.pod_ips.remove(node);
    }

    fn reindex(&mut self, node: &str, before: usize) {
        if self.load.remove(&(before, node.to_string())) {
            let after = self.pods_on(node);
            self.load.insert((after, node.to_string()));
        }
    }

    /// The lowest free pod IP on a node's pod CIDR (`.2` upwards: `.1` is the node's bridge).
    pub(crate) fn allocate_pod_ip(&mut self, node: &str, pod_cidr: &Ipv4Cidr) -> Option<Ipv4Addr> {
        let before = self.pods_on(node);
        let used = self.pod_ips.entry(node.to_string()).or_default();
        let last = pod_cidr.size().checked_sub(1)?;
        let offset = used.lowest_free(2);
        if offset >= last {
            return None;
        }
        used.insert(offset);
        self.reindex(node, before);
        pod_cidr.nth(offset)
    }

    pub(crate) fn release_pod_ip(&mut self, node: &str, pod_cidr: &Ipv4Cidr, ip: Ipv4Addr) {
        let before = self.pods_on(node);
        if let (Some(used), Some(i)) = (self.pod_ips.get_mut(node), pod_cidr.index_of(ip)) {
            used.remove(i);
        }
        self.reindex(node, before);
    }
}

/// Node addresses planned for one apply; committed only when the whole batch is admitted.
pub struct NodePlan {
    ipam: NodeAddresses,
}

impl NodePlan {
    pub fn new(current: &NodeIpam) -> Self {
        NodePlan {
            ipam: current.addresses.clone(),
        }
    }

    /// Gives a node without an `InternalIP` or `podCIDR` the next free ones; checks given ones.
    pub fn admit(&mut self, node: &mut Node, old: Option<&Node>) -> Result<(), Vec<FieldError>> {
        let mut errs = Vec::new();
        let ipam = &mut self.ipam;
        if node.internal_ip().is_none() {
            let ip = match old.and_then(Node::internal_ip) {
                Some(ip) => Some(ip.to_string()),
                None => next_free(&ipam.used_ips, 2, ipam.node_cidr.size().saturating_sub(1)).and_then(|i| {
                    ipam.used_ips.insert(i);
                    ipam.node_cidr.nth(i).map(|ip| ip.to_string())
                }),
            };
            match ip {
                Some(ip) => node.status.addresses.push(NodeAddress {
                    type_: "InternalIP".to_string(),
                    address: ip,
                }),
                None => errs.push(FieldError::invalid(
                    FieldPath::new("status.addresses"),
                    ipam.node_cidr.to_string(),
                    "no free node address left in the node CIDR",
                )),
            }
        } else if old.is_none() {
            if let Some(off) = node
                .internal_ip()
                .and_then(|ip| ip.parse().ok())
                .and_then(|ip| ipam.node_cidr.index_of(ip))
            {
                ipam.used_ips.insert(off);
            }
        }
        if node.spec.pod_cidr.is_none() {
            let cidr = match old.and_then(|o| o.spec.pod_cidr.clone()) {
                Some(c) => Some(c),
                None => {
                    let total = 1u64 << (ipam.pod_prefix.saturating_sub(ipam.pod_cidr.prefix()));
                    next_free(&ipam.used_subnets, 1, total).and_then(|i| {
                        ipam.used_subnets.insert(i);
                        ipam.pod_cidr
                            .nth_subnet(ipam.pod_prefix, i)
                            .map(|c| c.to_string())
                    })
                }
            };
            match cidr {
                Some(c) => {
                    node.spec.pod_cidrs = alloc::vec![c.clone()];
                    node.spec.pod_cidr = Some(c);
                }
                None => errs.push(FieldError::invalid(
                    FieldPath::new("spec.podCIDR"),
                    ipam.pod_cidr.to_string(),
                    "no free pod subnet left in the cluster pod CIDR",
                )),
            }
        }
        if node.status.conditions.is_empty() {
            node.status.conditions.push(ready_condition());
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs)
        }
    }

    pub fn commit(self, into: &mut NodeIpam) {
        into.addresses = self.ipam;
    }
}

fn next_free(used: &VecSet<u64>, from: u64, below: u64) -> Option<u64> {
    let mut candidate = from;
    for &u in used.range(from..) {
        if u != candidate {
            break;
        }
        candidate += 1;
    }
    (candidate < below).then_some(candidate)
}

fn ready_condition() -> Condition {
    Condition {
        type_: "Ready".to_string(),
        status: "True".to_string(),
        ..Default::default()
    }
}

/// The namespaces every cluster starts with.
pub const SYSTEM_NAMESPACES: [&str; 4] = ["default", "kube-system", "kube-public", "kube-node-lease"];

impl Cluster {
    /// Creates the built-in namespaces and the default nodes.
    pub(crate) fn bootstrap(&mut self) {
        for ns in SYSTEM_NAMESPACES {
            let mut meta = ObjectMeta {
                name: ns.to_string(),
                ..Default::default()
            };
            meta.labels
                .insert("kubernetes.io/metadata.name".to_string(), ns.to_string());
            meta.uid = Some(self.next_uid());
            meta.creation_timestamp = Some(crate::cluster::time::rfc3339(0));
            let key = ObjectKey::new(Kind::Namespace, "", ns);
            self.store.insert(
                key,
                Entry {
                    object: Object::Namespace(Namespace { metadata: meta }),
                    origin: Origin::User,
                    created_ms: 0,
                },
            );
        }
        let mut plan = NodePlan::new(&self.node_ipam);
        for i in 0..self.config.default_nodes {
            let name = format!("node-{}", i + 1);
            let mut node = Node::default();
            node.metadata.name = name.clone();
            node.metadata.uid = Some(self.next_uid());
            node.metadata.creation_timestamp = Some(crate::cluster::time::rfc3339(0));
            node.metadata
                .labels
                .insert("kubernetes.io/hostname".to_string(), name.clone());
            node.metadata
                .labels
                .insert("kubernetes.io/os".to_string(), "linux".to_string());
            let zone = [b'a', b'b', b'c'][(i % 3) as usize] as char;
            node.metadata
                .labels
                .insert(ZONE_LABEL.to_string(), format!("zone-{zone}"));
            // The config was checked to have room for these nodes, so planning cannot fail.
            if plan.admit(&mut node, None).is_err() {
                break;
            }
            // Default nodes belong to the user like applied ones: they can be deleted or replaced.
            let key = ObjectKey::new(Kind::Node, "", &name);
            self.node_ipam.add_node(&name);
            self.store.insert(
                key,
                Entry {
                    object: Object::Node(node),
                    origin: Origin::User,
                    created_ms: 0,
                },
            );
        }
        plan.commit(&mut self.node_ipam);
    }

    /// Nodes pods can be scheduled on, in name order.
    pub(crate) fn schedulable_nodes(&self) -> Vec<&Node> {
        self.store
            .of_kind(Kind::Node)
            .filter_map(|(_, e)| match &e.object {
                Object::Node(n) if !n.spec.unschedulable => Some(n),
                _ => None,
            })
            .collect()
    }

    /// A node went away: its pods go with it (the pod GC does this upstream).
    pub(crate) fn node_removed(&mut self, key: &ObjectKey, report: &mut ChangeReport) {
        let pods: Vec<ObjectKey> = self
            .store
            .of_kind(Kind::Pod)
            .filter(|(_, e)| matches!(&e.object, Object::Pod(p) if p.spec.node_name.as_deref() == Some(key.name.as_str())))
            .map(|(k, _)| k.clone())
            .collect();
        for pod in pods {
            self.remove_pod_now(&pod, crate::cluster::Actor::Controller("pod-gc"), report);
        }
        self.node_ipam.remove_node(&key.name);
    }
}

/// A node as the playground shows it: what the scheduler and kube-proxy use.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct NodeSummary {
    pub name: String,
    pub internal_ip: Option<String>,
    pub pod_cidr: Option<String>,
    pub zone: Option<String>,
    pub pods: usize,
}

impl Cluster {
    /// Every node, in name order, with its addresses and how many pods it runs.
    pub fn node_summaries(&self) -> Vec<NodeSummary> {
        self.store
            .of_kind(Kind::Node)
            .filter_map(|(_, e)| match &e.object {
                Object::Node(n) => Some(NodeSummary {
                    name: n.metadata.name.clone(),
                    internal_ip: n.internal_ip().map(ToString::to_string),
                    pod_cidr: n.spec.pod_cidr.clone(),
                    zone: n.metadata.labels.get(ZONE_LABEL).cloned(),
                    pods: self.node_ipam.pods_on(&n.metadata.name),
                }),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Offsets;
    use alloc::collections::BTreeSet;
    use alloc::vec;
    use alloc::vec::Vec;

    /// The lowest free offset from `from` up, as the B-tree scan found it.
    fn reference_lowest_free(set: &BTreeSet<u64>, from: u64) -> u64 {
        let mut candidate = from;
        for &u in set.range(from..) {
            if u != candidate {
                break;
            }
            candidate += 1;
        }
        candidate
    }

    /// Each sequence of inserts (positive) and removals (negative, of the absolute value)
    /// answers as a `BTreeSet` does, and so does the lowest free offset from every start.
    #[test]
    fn offsets_answer_as_a_set_does() {
        let cases: [Vec<i64>; 6] = [
            vec![],
            vec![2, 3, 4, -3, 3, 5],
            vec![63, 64, 65, 0, 1, 2, -64],
            (2..200).collect(),
            (0..130).chain([-5, -70, -129, 70, -0]).collect(),
            vec![1000, -1000, -7, 7, 7],
        ];
        for ops in cases {
            let (mut ours, mut theirs) = (Offsets::default(), BTreeSet::new());
            for &op in &ops {
                let offset = op.unsigned_abs();
                if op >= 0 {
                    assert_eq!(
                        ours.insert(offset),
                        theirs.insert(offset),
                        "insert {op} in {ops:?}"
                    );
                } else {
                    assert_eq!(
                        ours.remove(offset),
                        theirs.remove(&offset),
                        "remove {op} in {ops:?}"
                    );
                }
                assert_eq!(ours.len(), theirs.len(), "{ops:?}");
            }
            for from in [0, 1, 2, 3, 62, 63, 64, 65, 127, 128, 129, 200, 1000, 5000] {
                assert_eq!(
                    ours.lowest_free(from),
                    reference_lowest_free(&theirs, from),
                    "from {from} in {ops:?}"
                );
            }
        }
    }
}
