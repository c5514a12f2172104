//! The tables a route reads, compiled once from the cluster: kube-proxy's service table (a hash
//! lookup on IP, protocol and port, as its rules are), NodePorts, nodes and pods by address,
//! EndpointSlices by Service, the Ingress router and one router per Gateway.

use crate::collections::{FxMap, VecMap};
use alloc::string::String;
use alloc::vec::Vec;
use core::net::Ipv4Addr;

use crate::cluster::Cluster;
use crate::dataplane::gateway::{ClusterFacts, GatewayRouter, ReferenceGrantRule, RouteInput};
use crate::dataplane::ingress::{IngressClassInput, IngressInput, IngressRouter};
use crate::model::{EndpointSlice, Gateway, HttpRoute, Kind, Namespace, Node, Object, Pod, Service};
use crate::selector::Labels;

/// IANA protocol numbers, as the kernel's conntrack keys them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Proto {
    Tcp,
    Udp,
    Sctp,
}

impl Proto {
    pub fn parse(p: Option<&str>) -> Proto {
        match p {
            Some("UDP") => Proto::Udp,
            Some("SCTP") => Proto::Sctp,
            _ => Proto::Tcp,
        }
    }
}

/// How a Service address was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FrontendKind {
    ClusterIp,
    LoadBalancer,
    ExternalIp,
}

/// One entry of the service table: a Service port behind an address.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Frontend<'c> {
    pub service: &'c Service,
    pub port: usize,
    pub kind: FrontendKind,
}

/// Everything a route reads, borrowed from the cluster.
pub struct Dataplane<'c> {
    pub(crate) cluster: &'c Cluster,
    /// `(IP, protocol, port)` → the Service port behind it.
    pub(crate) frontends: FxMap<(u32, Proto, u16), Frontend<'c>>,
    /// Every Service address (with or without the port asked for), to tell "no such port" from
    /// "no such address".
    pub(crate) service_ips: FxMap<u32, &'c Service>,
    /// `(protocol, nodePort)` → the Service port; open on every node.
    pub(crate) node_ports: FxMap<(Proto, u16), (&'c Service, usize)>,
    pub(crate) nodes_by_ip: FxMap<u32, &'c Node>,
    pub(crate) nodes: Vec<&'c Node>,
    pub(crate) pods_by_ip: FxMap<u32, &'c Pod>,
    /// `(namespace, service)` → its EndpointSlices, by name.
    pub(crate) slices: VecMap<&'c str, VecMap<&'c str, Vec<&'c EndpointSlice>>>,
    pub(crate) ingress: IngressRouter,
    pub(crate) ingress_count: usize,
    /// In `namespace/name` order.
    pub(crate) gateways: Vec<(&'c Gateway, GatewayRouter)>,
    /// HTTPRoutes with a Service parent (GAMMA), with their creation times.
    pub(crate) mesh_routes: Vec<(&'c HttpRoute, u64)>,
    pub(crate) namespace_labels: VecMap<String, Labels>,
    pub(crate) grants: Vec<ReferenceGrantRule>,
}

pub(crate) fn ip_u32(s: &str) -> Option<u32> {
    s.parse::<Ipv4Addr>().ok().map(u32::from)
}

impl<'c> Dataplane<'c> {
    /// Compiles the cluster's current objects. Cost: one pass over Services, nodes, pods,
    /// EndpointSlices, Ingresses and Routes.
    pub fn new(cluster: &'c Cluster) -> Dataplane<'c> {
        let mut dp = Dataplane {
            cluster,
            frontends: FxMap::default(),
            service_ips: FxMap::default(),
            node_ports: FxMap::default(),
            nodes_by_ip: FxMap::default(),
            nodes: Vec::new(),
            pods_by_ip: FxMap::default(),
            slices: VecMap::new(),
            ingress: IngressRouter::build(&[], &[], None).0,
            ingress_count: 0,
            gateways: Vec::new(),
            mesh_routes: Vec::new(),
            namespace_labels: VecMap::new(),
            grants: Vec::new(),
        };
        dp.index_services();
        dp.index_workloads();
        dp.build_routers();
        dp
    }

    fn index_services(&mut self) {
        let cluster = self.cluster;
        for (_, entry) in cluster.store.of_kind(Kind::Service) {
            let Object::Service(svc) = &entry.object else {
                continue;
            };
            let lb_ips = svc.status.load_balancer.iter().flat_map(|lb| lb.ingress.iter());
            let addresses = svc
                .spec
                .cluster_ips
                .iter()
                .chain(svc.spec.cluster_ip.iter())
                .map(|ip| (ip.as_str(), FrontendKind::ClusterIp))
                .chain(
                    lb_ips
                        .filter_map(|i| i.ip.as_deref())
                        .map(|ip| (ip, FrontendKind::LoadBalancer)),
                )
                .chain(
                    svc.spec
                        .external_ips
                        .iter()
                        .map(|ip| (ip.as_str(), FrontendKind::ExternalIp)),
                );
            for (ip, kind) in addresses {
                let Some(ip) = ip_u32(ip) else { continue }; // `None`, IPv6: not routed
                self.service_ips.insert(ip, svc);
                for (i, port) in svc.spec.ports.iter().enumerate() {
                    let Ok(number) = u16::try_from(port.port) else {
                        continue;
                    };
                    let proto = Proto::parse(port.protocol.as_deref());
                    self.frontends.insert(
                        (ip, proto, number),
                        Frontend {
                            service: svc,
                            port: i,
                            kind,
                        },
                    );
                }
            }
            if svc.service_type().needs_node_ports() {
                for (i, port) in svc.spec.ports.iter().enumerate() {
                    let Some(np) = port.node_port.and_then(|p| u16::try_from(p).ok()) else {
                        continue;
                    };
                    self.node_ports
                        .insert((Proto::parse(port.protocol.as_deref()), np), (svc, i));
                }
            }
        }
        for (_, entry) in cluster.store.of_kind(Kind::EndpointSlice) {
            let Object::EndpointSlice(slice) = &entry.object else {
                continue;
            };
            let Some(svc) = slice.metadata.labels.get("kubernetes.io/service-name") else {
                continue;
            };
            let ns = slice.metadata.namespace.as_deref().unwrap_or("default");
            self.slices
                .entry(ns)
                .or_default()
                .entry(svc.as_str())
                .or_default()
                .push(slice);
        }
    }

    fn index_workloads(&mut self) {
        let cluster = self.cluster;
        for (_, entry) in cluster.store.of_kind(Kind::Node) {
            let Object::Node(node) = &entry.object else {
                continue;
            };
            self.nodes.push(node);
            for a in &node.status.addresses {
                if let Some(ip) = ip_u32(&a.address) {
                    self.nodes_by_ip.insert(ip, node);
                }
            }
        }
        for (_, entry) in cluster.store.of_kind(Kind::Pod) {
            let Object::Pod(pod) = &entry.object else { continue };
            if let Some(ip) = pod.status.pod_ip.as_deref().and_then(ip_u32) {
                self.pods_by_ip.insert(ip, pod);
            }
        }
        for (_, entry) in cluster.store.of_kind(Kind::Namespace) {
            if let Object::Namespace(ns) = &entry.object {
                self.namespace_labels
                    .insert(ns.metadata.name.clone(), ns.metadata.labels.clone());
            }
        }
        self.grants = self
            .cluster
            .other_objects()
            .filter(|o| o.kind == "ReferenceGrant")
            .flat_map(|o| ReferenceGrantRule::from_object(&o.raw))
            .collect();
    }

    fn build_routers(&mut self) {
        let cluster = self.cluster;
        let store = &cluster.store;
        let ingresses: Vec<IngressInput<'c>> = store
            .of_kind(Kind::Ingress)
            .filter_map(|(_, e)| match &e.object {
                Object::Ingress(i) => Some(IngressInput {
                    ingress: i,
                    created_ms: e.created_ms,
                }),
                _ => None,
            })
            .collect();
        let classes: Vec<IngressClassInput<'c>> = store
            .of_kind(Kind::IngressClass)
            .filter_map(|(_, e)| match &e.object {
                Object::IngressClass(c) => Some(IngressClassInput {
                    class: c,
                    created_ms: e.created_ms,
                }),
                _ => None,
            })
            .collect();
        self.ingress_count = ingresses.len();
        self.ingress = IngressRouter::build(&ingresses, &classes, None).0;
        let routes: Vec<(&'c HttpRoute, u64)> = store
            .of_kind(Kind::HttpRoute)
            .filter_map(|(_, e)| match &e.object {
                Object::HttpRoute(r) => Some((r, e.created_ms)),
                _ => None,
            })
            .collect();
        let inputs: Vec<RouteInput<'c>> = routes
            .iter()
            .map(|(route, created_ms)| RouteInput {
                route,
                created_ms: *created_ms,
            })
            .collect();
        let exists = |ns: &str, name: &str| cluster.get(Kind::Service, Some(ns), name).is_some();
        let facts = ClusterFacts {
            namespaces: Some(&self.namespace_labels),
            services: Some(&exists),
            reference_grants: &self.grants,
        };
        let mut gateways = Vec::new();
        for (_, e) in store.of_kind(Kind::Gateway) {
            if let Object::Gateway(g) = &e.object {
                gateways.push((g, GatewayRouter::build(g, &inputs, &facts).0));
            }
        }
        self.gateways = gateways;
        self.mesh_routes = routes
            .into_iter()
            .filter(|(r, _)| r.spec.parent_refs.iter().any(super::gamma::is_service_parent))
            .collect();
    }

    /// The EndpointSlices of a Service.
    pub(crate) fn slices_of(&self, namespace: &str, service: &str) -> &[&'c EndpointSlice] {
        self.slices
            .get(namespace)
            .and_then(|m| m.get(service))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub(crate) fn namespace(&self, name: &str) -> Option<&'c Namespace> {
        match self.cluster.get(Kind::Namespace, None, name) {
            Some(Object::Namespace(n)) => Some(n),
            _ => None,
        }
    }

    pub(crate) fn pod(&self, namespace: &str, name: &str) -> Option<&'c Pod> {
        match self.cluster.get(Kind::Pod, Some(namespace), name) {
            Some(Object::Pod(p)) => Some(p),
            _ => None,
        }
    }

    pub(crate) fn service(&self, namespace: &str, name: &str) -> Option<&'c Service> {
        match self.cluster.get(Kind::Service, Some(namespace), name) {
            Some(Object::Service(s)) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn node(&self, name: &str) -> Option<&'c Node> {
        self.nodes.iter().copied().find(|n| n.metadata.name == name)
    }
}
