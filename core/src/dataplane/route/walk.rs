//! The walk of a request from its source: a pod or a node (DNS, then an address), a client
//! outside the cluster (a node's NodePort, a load balancer, an Ingress or Gateway host), or
//! `kubectl port-forward`.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::choose::AsChoose;
use super::gamma;
use super::mesh::{self, Mesh};
use super::proxy::{ns_of, object_ref, pod_ref, service_ref, Walk};
use super::request::{Source, DEFAULT_CLIENT_IP};
use super::table::{ip_u32, FrontendKind, Proto};
use super::trace::*;
use crate::dataplane::gateway::{ClusterFacts, GatewayRouter, GatewayVerdict, HttpRequest};
use crate::dataplane::ingress::RuleHost;
use crate::dataplane::kube_proxy::TrafficClass;
use crate::dns::{Attempt, NxReason, Record, RecordType};
use crate::error::ObjectRef;
use crate::model::{Gateway, Node, Pod, Service, ServicePort};

/// Who is sending, as the network sees it.
#[derive(Clone, Debug)]
pub(crate) struct Client {
    pub ip: String,
    /// The node the client runs on (pods and nodes).
    pub node: Option<String>,
    pub namespace: Option<String>,
    pub mesh: Option<Mesh>,
}

impl<'a, 'c> Walk<'a, 'c> {
    /// Routes from the request's source. `Err` is a malformed request.
    pub fn start(&mut self) -> Result<Verdict, super::RequestError> {
        match &self.request.from {
            Source::External { client_ip } => {
                let ip = client_ip.clone().unwrap_or_else(|| DEFAULT_CLIENT_IP.to_string());
                if ip_u32(&ip).is_none() {
                    return Err(super::RequestError::new(
                        "from.clientIp",
                        &ip,
                        "the client address must be an IPv4 address",
                    ));
                }
                self.push(
                    Step::Client {
                        ip: ip.clone(),
                        node: None,
                    },
                    None,
                );
                Ok(self.start_outside(&ip))
            }
            Source::Pod { namespace, name } => {
                let Some(pod) = self.dp.pod(namespace, name) else {
                    return Err(super::RequestError::new(
                        "from",
                        &format!("pod/{namespace}/{name}"),
                        "no such pod",
                    ));
                };
                Ok(self.start_at_pod(pod))
            }
            Source::Node { name } => {
                let Some(node) = self.dp.node(name) else {
                    return Err(super::RequestError::new(
                        "from",
                        &format!("node/{name}"),
                        "no such node",
                    ));
                };
                let ip = node.internal_ip().unwrap_or_default().to_string();
                self.push(
                    Step::Client {
                        ip: ip.clone(),
                        node: Some(name.clone()),
                    },
                    Some(object_ref("Node", None, name)),
                );
                let client = Client {
                    ip,
                    node: Some(name.clone()),
                    namespace: None,
                    mesh: None,
                };
                Ok(self.resolve_and_connect(&client))
            }
            Source::PortForward(pf) => Ok(self.port_forward(pf)),
        }
    }

    fn start_at_pod(&mut self, pod: &Pod) -> Verdict {
        let pref = pod_ref(pod);
        let Some(ip) = pod.status.pod_ip.clone() else {
            self.push(
                Step::Client {
                    ip: String::new(),
                    node: pod.spec.node_name.clone(),
                },
                Some(pref.clone()),
            );
            return Verdict::NoRoute {
                why: NoRouteReason::PodHasNoIp { pod: pref },
            };
        };
        let ns = ns_of(&pod.metadata).to_string();
        self.push(
            Step::Client {
                ip: ip.clone(),
                node: pod.spec.node_name.clone(),
            },
            Some(pref),
        );
        let sidecar = mesh::sidecar(pod, self.dp.namespace(&ns));
        let client = Client {
            ip,
            node: pod.spec.node_name.clone(),
            namespace: Some(ns),
            mesh: sidecar.map(|(m, _)| m),
        };
        self.resolve_and_connect(&client)
    }

    /// DNS (if the host is a name), then the connection to the address.
    fn resolve_and_connect(&mut self, client: &Client) -> Verdict {
        let port = self.url.port;
        let ip = match self.url.ip() {
            Some(ip) => ip.to_string(),
            None => match self.resolve(client) {
                Ok(ip) => ip,
                Err(verdict) => return verdict,
            },
        };
        self.connect_from_inside(client, &ip, port)
    }

    /// Cluster DNS from the client's namespace: one address, or the verdict.
    fn resolve(&mut self, client: &Client) -> Result<String, Verdict> {
        let host = self.url.host.clone();
        let answer = self
            .dp
            .cluster
            .resolve(&host, RecordType::A, client.namespace.as_deref());
        let addresses: Vec<String> = answer.addresses().into_iter().map(ToString::to_string).collect();
        let cname = answer.records.iter().find_map(|r| match r {
            Record::Cname { target, .. } => Some(target.clone()),
            _ => None,
        });
        // A name that reached a real Service on the search path (`web-7.nginx`: Service nginx
        // exists, hostname web-7 does not) was meant for the cluster: it fails there rather
        // than going upstream as a public name.
        let meant_for_cluster = answer.attempts.iter().any(|a| {
            matches!(
                a,
                Attempt::NxDomain {
                    why: NxReason::NoSuchHostname { .. }
                        | NxReason::NoReadyEndpoints { .. }
                        | NxReason::NoSuchPort { .. },
                    ..
                }
            )
        });
        // Public DNS has no single-label names either.
        let upstream = !meant_for_cluster
            && host.contains('.')
            && answer
                .attempts
                .iter()
                .any(|a| matches!(a, Attempt::Upstream { .. }));
        let hop = self.push(Step::Dns { answer, picked: None }, None);
        if addresses.is_empty() {
            if let Some(target) = cname.or_else(|| upstream.then(|| host.clone())) {
                self.push(Step::Egress { host: target.clone() }, None);
                return Err(Verdict::LeftCluster { host: target });
            }
            return Err(Verdict::DnsFailure { name: host });
        }
        let n = addresses.len();
        let slot = if n > 1 { self.decide.uniform(n) } else { 0 };
        let ip = addresses.get(slot).cloned().unwrap_or_default();
        if let Some(h) = self.hops.get_mut(hop) {
            if let Step::Dns { picked, .. } = &mut h.step {
                *picked = (n > 1).then(|| DnsPick {
                    ip: ip.clone(),
                    among: n,
                });
            }
            if n > 1 {
                h.probability = Some(1.0 / n as f64);
            }
        }
        Ok(ip)
    }

    /// A connection from a pod or node to `ip:port`.
    fn connect_from_inside(&mut self, client: &Client, ip: &str, port: u16) -> Verdict {
        let Some(addr) = ip_u32(ip) else {
            return Verdict::NoRoute {
                why: NoRouteReason::UnknownAddress { ip: ip.to_string() },
            };
        };
        let node_name = client.node.clone().unwrap_or_default();
        let node_ip = self
            .dp
            .node(&node_name)
            .and_then(|n| n.internal_ip())
            .unwrap_or_default()
            .to_string();
        if let Some(f) = self.dp.frontends.get(&(addr, Proto::Tcp, port)).copied() {
            let Some(sp) = f.service.spec.ports.get(f.port) else {
                return Verdict::NoRoute {
                    why: NoRouteReason::UnknownAddress { ip: ip.to_string() },
                };
            };
            if f.kind == FrontendKind::ClusterIp {
                if let Some(m) = client.mesh {
                    return self.mesh_outbound(client, m, f.service, sp);
                }
                return self.via_kube_proxy(
                    f.service,
                    sp,
                    (&node_name, &node_ip),
                    TrafficClass::ClusterIp,
                    client,
                    format!("{ip}:{port}"),
                );
            }
            // A LoadBalancer IP or externalIP from inside: kube-proxy on the client's node
            // captures it and uses the Cluster set (SPEC §2.10).
            return self.via_kube_proxy(
                f.service,
                sp,
                (&node_name, &node_ip),
                TrafficClass::ExternalFromInside,
                client,
                format!("{ip}:{port}"),
            );
        }
        if let Some(svc) = self.dp.service_ips.get(&addr).copied() {
            return Verdict::NoRoute {
                why: NoRouteReason::ServicePortNotServed {
                    service: service_ref(svc),
                    port,
                },
            };
        }
        if let Some(node) = self.dp.nodes_by_ip.get(&addr).copied() {
            let Some((svc, sp)) = self.node_port(port) else {
                return Verdict::Rejected {
                    why: Refusal::PortClosed {
                        ip: ip.to_string(),
                        port,
                    },
                };
            };
            let entry = NodeEntry::NodePort { port };
            self.node_hop(node, ip, entry);
            return self.via_kube_proxy(
                svc,
                sp,
                (&node.metadata.name, ip),
                TrafficClass::ExternalFromInside,
                client,
                format!("{ip}:{port}"),
            );
        }
        if self.dp.pods_by_ip.contains_key(&addr) {
            return self.deliver(ip, port, &client.ip, client.mesh);
        }
        if self.in_cluster_ranges(addr) {
            return Verdict::NoRoute {
                why: NoRouteReason::UnknownAddress { ip: ip.to_string() },
            };
        }
        self.push(
            Step::Egress {
                host: format!("{ip}:{port}"),
            },
            None,
        );
        Verdict::LeftCluster {
            host: format!("{ip}:{port}"),
        }
    }

    fn in_cluster_ranges(&self, addr: u32) -> bool {
        let ip = core::net::Ipv4Addr::from(addr);
        let plan = self.dp.cluster.config.address_plan();
        plan.is_ok_and(|p| {
            p.service_cidr.contains(ip)
                || p.pod_cidr.contains(ip)
                || p.node_cidr.contains(ip)
                || p.lb_pool.contains(ip)
        })
    }

    fn node_port(&self, port: u16) -> Option<(&'c Service, &'c ServicePort)> {
        let (svc, i) = self.dp.node_ports.get(&(Proto::Tcp, port)).copied()?;
        Some((svc, svc.spec.ports.get(i)?))
    }

    fn node_hop(&mut self, node: &Node, ip: &str, via: NodeEntry) {
        self.push(
            Step::Node {
                name: node.metadata.name.clone(),
                ip: ip.to_string(),
                via,
            },
            Some(object_ref("Node", None, &node.metadata.name)),
        );
    }

    /// kube-proxy, then delivery to the chosen endpoint.
    fn via_kube_proxy(
        &mut self,
        svc: &Service,
        port: &ServicePort,
        (node, node_ip): (&str, &str),
        class: TrafficClass,
        client: &Client,
        destination: String,
    ) -> Verdict {
        match self.kube_proxy(svc, port, node, node_ip, class, &client.ip, destination) {
            Ok((ep, source)) => self.deliver(ep.ip, ep.port, &source, client.mesh),
            Err(verdict) => verdict,
        }
    }

    /// The client's sidecar takes a connection to a Service: GAMMA Routes, then its own pick.
    fn mesh_outbound(&mut self, client: &Client, m: Mesh, svc: &Service, port: &ServicePort) -> Verdict {
        let svc_ns = ns_of(&svc.metadata).to_string();
        let client_ns = client.namespace.clone().unwrap_or_default();
        let service_port = u16::try_from(port.port).unwrap_or(0);
        let (routes, consumer) = gamma::routes_for(
            &self.dp.mesh_routes,
            &svc_ns,
            &svc.metadata.name,
            service_port,
            &client_ns,
        );
        let pod_name = match &self.request.from {
            Source::Pod { name, .. } => name.clone(),
            _ => String::new(),
        };
        let injected_by = self
            .dp
            .pod(&client_ns, &pod_name)
            .and_then(|p| mesh::sidecar(p, self.dp.namespace(&client_ns)))
            .map(|(_, i)| i)
            .unwrap_or(mesh::Injection::NamespaceLabel);
        let mut routing = MeshRouting {
            service: service_ref(svc),
            routes: None,
            consumer_routes: consumer,
            backend: service_ref(svc),
            mtls: false,
        };
        let mut backend: (&Service, &ServicePort) = (svc, port);
        let mut probability = None;
        let mut failure = None;
        if !routes.is_empty() {
            let host = self.host_header();
            let path = self.url.path.clone();
            let (headers, query) = http_parts(self.request, self.url);
            let request = HttpRequest {
                host: &host,
                port: service_port,
                path: &path,
                method: &self.request.method,
                headers: &headers,
                query: &query,
            };
            let facts = self.facts();
            let decision = gamma::decide(
                svc,
                service_port,
                &routes,
                &facts,
                &request,
                &mut AsChoose(self.decide),
            );
            match &decision.verdict {
                GatewayVerdict::Routed {
                    backend: b,
                    probability: p,
                    ..
                } => {
                    probability = (*p < 1.0).then_some(*p);
                    match self.backend_service(&b.namespace, &b.name, b.port) {
                        Ok(found) => {
                            routing.backend = service_ref(found.0);
                            backend = found;
                        }
                        Err(why) => failure = Some((503, why)),
                    }
                }
                GatewayVerdict::InternalError { .. } => failure = Some((500, HttpWhy::GatewayError)),
                GatewayVerdict::NotFound | GatewayVerdict::NoListener { .. } => {
                    failure = Some((404, HttpWhy::NoRuleMatched))
                }
            }
            routing.routes = Some(decision);
        }
        let client_ref = object_ref("Pod", Some(&client_ns), &pod_name);
        let hop = self.push(
            Step::Sidecar(SidecarHop {
                mesh: m,
                direction: Direction::Outbound,
                pod: pod_name,
                injected_by,
                routing: Some(routing),
            }),
            Some(client_ref.clone()),
        );
        if let Some(h) = self.hops.get_mut(hop) {
            h.probability = probability;
        }
        if let Some((status, why)) = failure {
            return Verdict::Http {
                status,
                by: service_ref(svc),
                why,
            };
        }
        let (bsvc, bport) = backend;
        let balancer = format!("sidecar/{client_ref}");
        let ep = match self.proxy_pick(bsvc, bport, Chooser::Sidecar, &balancer, &client_ref) {
            Ok(ep) => ep,
            Err(verdict) => return verdict,
        };
        let server_meshed = self
            .pod_of(&ep)
            .and_then(|p| mesh::sidecar(p, self.dp.namespace(ns_of(&p.metadata))))
            .is_some_and(|(sm, _)| sm == m);
        if let Some(Hop {
            step: Step::Sidecar(s),
            ..
        }) = self.hops.get_mut(hop)
        {
            if let Some(r) = &mut s.routing {
                r.mtls = server_meshed;
            }
        }
        if let Some(h) = self.hops.last_mut() {
            h.rewrites.push(Rewrite {
                kind: RewriteKind::Proxy,
                before: format!(
                    "{}:{}",
                    svc.spec.cluster_ip.as_deref().unwrap_or_default(),
                    port.port
                ),
                after: ep.address(),
            });
        }
        self.deliver(ep.ip, ep.port, &client.ip, Some(m))
    }

    fn facts(&self) -> ClusterFacts<'a> {
        let dp: &'a super::table::Dataplane<'c> = self.dp;
        ClusterFacts {
            namespaces: Some(&dp.namespace_labels),
            services: None,
            reference_grants: &dp.grants,
        }
    }

    /// A Service and port named by a backend (Ingress, Gateway, GAMMA). `port` as a number, or
    /// `None` for a Service with one port.
    fn backend_service(
        &self,
        namespace: &str,
        name: &str,
        port: Option<i64>,
    ) -> Result<(&'c Service, &'c ServicePort), HttpWhy> {
        let svc = self
            .dp
            .service(namespace, name)
            .ok_or_else(|| HttpWhy::ServiceNotFound {
                service: object_ref("Service", Some(namespace), name),
            })?;
        let sp = match port {
            Some(p) => svc.spec.ports.iter().find(|sp| sp.port == p),
            None if svc.spec.ports.len() == 1 => svc.spec.ports.first(),
            None => None,
        };
        let sp = sp.ok_or_else(|| HttpWhy::ServicePortNotFound {
            service: service_ref(svc),
            port: port.map(|p| p.to_string()).unwrap_or_default(),
        })?;
        Ok((svc, sp))
    }

    // ----------------------------------------------------------------------------------------
    // From outside the cluster

    fn start_outside(&mut self, client_ip: &str) -> Verdict {
        let client = Client {
            ip: client_ip.to_string(),
            node: None,
            namespace: None,
            mesh: None,
        };
        let port = self.url.port;
        let Some(ip) = self.url.ip() else {
            return self.edge_by_host(&client);
        };
        let addr = u32::from(ip);
        let ip = ip.to_string();
        if let Some(f) = self.dp.frontends.get(&(addr, Proto::Tcp, port)).copied() {
            let Some(sp) = f.service.spec.ports.get(f.port) else {
                return Verdict::NoRoute {
                    why: NoRouteReason::UnknownAddress { ip },
                };
            };
            return match f.kind {
                FrontendKind::ClusterIp => Verdict::NoRoute {
                    why: NoRouteReason::ClusterIpFromOutside { ip },
                },
                FrontendKind::LoadBalancer => self.load_balancer(&client, f.service, sp, &ip),
                FrontendKind::ExternalIp => {
                    let Some(node) = self.pick_node() else {
                        return Verdict::NoRoute {
                            why: NoRouteReason::UnknownAddress { ip },
                        };
                    };
                    let node_ip = node.internal_ip().unwrap_or_default().to_string();
                    self.node_hop(node, &node_ip, NodeEntry::ExternalIp { ip: ip.clone(), port });
                    self.via_kube_proxy(
                        f.service,
                        sp,
                        (&node.metadata.name, &node_ip),
                        TrafficClass::External,
                        &client,
                        format!("{ip}:{port}"),
                    )
                }
            };
        }
        if let Some(svc) = self.dp.service_ips.get(&addr).copied() {
            let cluster_only = svc.spec.cluster_ip.as_deref() == Some(ip.as_str());
            return if cluster_only {
                Verdict::NoRoute {
                    why: NoRouteReason::ClusterIpFromOutside { ip },
                }
            } else {
                Verdict::Rejected {
                    why: Refusal::PortClosed { ip, port },
                }
            };
        }
        if let Some(node) = self.dp.nodes_by_ip.get(&addr).copied() {
            let Some((svc, sp)) = self.node_port(port) else {
                return Verdict::Rejected {
                    why: Refusal::PortClosed { ip, port },
                };
            };
            self.node_hop(node, &ip, NodeEntry::NodePort { port });
            return self.via_kube_proxy(
                svc,
                sp,
                (&node.metadata.name, &ip),
                TrafficClass::External,
                &client,
                format!("{ip}:{port}"),
            );
        }
        if self.dp.pods_by_ip.contains_key(&addr) {
            return Verdict::NoRoute {
                why: NoRouteReason::PodIpFromOutside { ip },
            };
        }
        let by_address = self
            .dp
            .gateways
            .iter()
            .position(|(g, _)| g.spec.addresses.iter().any(|a| a.value == ip));
        if let Some(i) = by_address {
            let gateway = self.dp.gateways.get(i).map(|(g, _)| gateway_ref(g));
            if let Some(gateway) = gateway {
                return self.gateway(i, EdgeChoice::GatewayAddress { gateway }, &client);
            }
        }
        Verdict::NoRoute {
            why: NoRouteReason::UnknownAddress { ip },
        }
    }

    /// The cloud load balancer spreads over healthy nodes (with `externalTrafficPolicy: Local`,
    /// those whose healthCheckNodePort answers 200), then kube-proxy on the node.
    fn load_balancer(&mut self, client: &Client, svc: &Service, sp: &ServicePort, ip: &str) -> Verdict {
        let port = u16::try_from(sp.port).unwrap_or(0);
        let local = svc.spec.external_traffic_policy.as_deref() == Some("Local");
        let (eps, _) = self.endpoints(svc, sp);
        let hc_port = svc
            .spec
            .health_check_node_port
            .and_then(|p| u16::try_from(p).ok());
        let nodes: Vec<(&Node, LbNode)> = self
            .dp
            .nodes
            .iter()
            .map(|n| {
                let name = &n.metadata.name;
                let local_endpoints = eps
                    .iter()
                    .filter(|e| e.node == Some(name.as_str()) && e.ready)
                    .count();
                let healthy = !local || local_endpoints > 0;
                let health_check = local.then(|| HealthCheck {
                    node_port: hc_port.unwrap_or(0),
                    status: if local_endpoints > 0 { 200 } else { 503 },
                    local_endpoints,
                });
                (
                    *n,
                    LbNode {
                        node: name.clone(),
                        healthy,
                        health_check,
                    },
                )
            })
            .collect();
        let healthy: Vec<usize> = (0..nodes.len())
            .filter(|i| nodes.get(*i).is_some_and(|(_, n)| n.healthy))
            .collect();
        let fail_open = healthy.is_empty();
        let pool: Vec<usize> = if fail_open {
            (0..nodes.len()).collect()
        } else {
            healthy
        };
        if pool.is_empty() {
            return Verdict::NoRoute {
                why: NoRouteReason::UnknownAddress { ip: ip.to_string() },
            };
        }
        let slot = self.decide.uniform(pool.len());
        let Some((node, _)) = pool.get(slot).and_then(|i| nodes.get(*i)) else {
            return Verdict::NoRoute {
                why: NoRouteReason::UnknownAddress { ip: ip.to_string() },
            };
        };
        let node = *node;
        let ip_mode = svc
            .status
            .load_balancer
            .iter()
            .flat_map(|lb| lb.ingress.iter())
            .find(|i| i.ip.as_deref() == Some(ip))
            .and_then(|i| i.ip_mode.clone())
            .unwrap_or_else(|| "VIP".to_string());
        let hop = LoadBalancerHop {
            ip: ip.to_string(),
            port,
            ip_mode,
            nodes: nodes.iter().map(|(_, n)| n.clone()).collect(),
            chosen: node.metadata.name.clone(),
            fail_open,
        };
        let i = self.push(Step::LoadBalancer(hop), Some(service_ref(svc)));
        if let Some(h) = self.hops.get_mut(i) {
            h.probability = Some(1.0 / pool.len() as f64);
        }
        let node_ip = node.internal_ip().unwrap_or_default().to_string();
        self.node_hop(
            node,
            &node_ip,
            NodeEntry::LoadBalancerIp {
                ip: ip.to_string(),
                port,
            },
        );
        self.via_kube_proxy(
            svc,
            sp,
            (&node.metadata.name, &node_ip),
            TrafficClass::External,
            client,
            format!("{ip}:{port}"),
        )
    }

    fn pick_node(&mut self) -> Option<&'c Node> {
        let n = self.dp.nodes.len();
        if n == 0 {
            return None;
        }
        let slot = self.decide.uniform(n);
        self.dp.nodes.get(slot).copied()
    }

    /// An external request for a host name: public DNS is not simulated, so the name is taken
    /// to point at the cluster's edge, and the edge that serves the host takes it, in this
    /// order: a Gateway listener whose hostname covers the host; an Ingress rule whose host
    /// covers it; a Gateway listener without hostname on the port; the Ingress controller's
    /// rules without host and default backends.
    fn edge_by_host(&mut self, client: &Client) -> Verdict {
        let host = self.host_header();
        let port = self.url.port;
        let zone = &self.dp.cluster.config.cluster_domain;
        if host.ends_with(&format!(".{zone}")) || host.ends_with(".svc") || !host.contains('.') {
            return Verdict::NoRoute {
                why: NoRouteReason::ClusterNameFromOutside { host },
            };
        }
        let listens = |g: &Gateway, explicit: bool| {
            g.spec.listeners.iter().any(|l| {
                l.port == i64::from(port)
                    && matches!(l.protocol.as_str(), "HTTP" | "HTTPS")
                    && match (&l.hostname, explicit) {
                        (Some(h), true) => {
                            crate::dataplane::gateway::HostPattern::parse(h).is_some_and(|p| p.matches(&host))
                        }
                        (None, false) => true,
                        _ => false,
                    }
            })
        };
        if let Some(i) = self.dp.gateways.iter().position(|(g, _)| listens(g, true)) {
            if let Some((g, _)) = self.dp.gateways.get(i) {
                let gateway = gateway_ref(g);
                return self.gateway(i, EdgeChoice::GatewayListenerHostname { gateway }, client);
            }
        }
        let ingress_port = port == 80 || port == 443;
        let path = self.url.path.clone();
        let group = ingress_port
            .then(|| self.dp.ingress.route(&host, &path).host_group)
            .flatten();
        if matches!(
            group,
            Some(RuleHost::Precise { .. }) | Some(RuleHost::Wildcard { .. })
        ) {
            return self.ingress(EdgeChoice::IngressHost, client);
        }
        if let Some(i) = self.dp.gateways.iter().position(|(g, _)| listens(g, false)) {
            if let Some((g, _)) = self.dp.gateways.get(i) {
                let gateway = gateway_ref(g);
                return self.gateway(i, EdgeChoice::GatewayCatchAll { gateway }, client);
            }
        }
        if ingress_port && self.dp.ingress_count > 0 {
            return self.ingress(EdgeChoice::IngressCatchAll, client);
        }
        Verdict::NoRoute {
            why: NoRouteReason::NoEdgeForHost { host },
        }
    }

    fn ingress(&mut self, edge: EdgeChoice, client: &Client) -> Verdict {
        let host = self.host_header();
        let path = self.url.path.clone();
        let decision = self.dp.ingress.route(&host, &path);
        let tls = self
            .url
            .is_https()
            .then(|| self.dp.ingress.tls_for(&host).cloned())
            .flatten();
        let answer = decision.answer.clone();
        let redirect = decision.https_redirect.clone();
        let by = answer
            .as_ref()
            .map(|a| object_ref("Ingress", Some(&a.ingress.namespace), &a.ingress.name))
            .unwrap_or_else(|| object_ref("IngressController", None, "default-backend"));
        self.push(Step::Ingress { edge, decision, tls }, Some(by.clone()));
        if let (Some(r), false) = (&redirect, self.url.is_https()) {
            let location = format!("https://{host}{path}");
            return Verdict::Http {
                status: r.status,
                by: object_ref("Ingress", Some(&r.tls.ingress.namespace), &r.tls.ingress.name),
                why: HttpWhy::HttpsRedirect { location },
            };
        }
        let Some(answer) = answer else {
            return Verdict::Http {
                status: 404,
                by,
                why: HttpWhy::NoRuleMatched,
            };
        };
        if let Some(resource) = &answer.backend.resource {
            let host = format!("{}/{}", resource.kind, resource.name);
            self.push(Step::Egress { host: host.clone() }, None);
            return Verdict::LeftCluster { host };
        }
        let Some(backend) = &answer.backend.service else {
            return Verdict::Http {
                status: 503,
                by,
                why: HttpWhy::NoEndpoints {
                    service: object_ref("Service", Some(&answer.ingress.namespace), ""),
                },
            };
        };
        let ns = answer.ingress.namespace.clone();
        let Some(svc) = self.dp.service(&ns, &backend.name) else {
            return Verdict::Http {
                status: 503,
                by,
                why: HttpWhy::ServiceNotFound {
                    service: object_ref("Service", Some(&ns), &backend.name),
                },
            };
        };
        let want = backend.port.as_ref();
        let sp = svc.spec.ports.iter().find(|sp| match want {
            Some(p) if p.number.is_some() => p.number == Some(sp.port),
            Some(p) => p.name.is_some() && p.name == sp.name,
            None => true,
        });
        let Some(sp) = sp else {
            let port = want
                .map(|p| {
                    p.name
                        .clone()
                        .unwrap_or_else(|| p.number.unwrap_or(0).to_string())
                })
                .unwrap_or_default();
            return Verdict::Http {
                status: 503,
                by,
                why: HttpWhy::ServicePortNotFound {
                    service: service_ref(svc),
                    port,
                },
            };
        };
        if svc.service_type() == crate::model::ServiceType::ExternalName {
            let host = svc.spec.external_name.clone().unwrap_or_default();
            self.push(Step::Egress { host: host.clone() }, Some(service_ref(svc)));
            return Verdict::LeftCluster { host };
        }
        let balancer = format!("ingress/{}/{}", answer.ingress.namespace, answer.ingress.name);
        let ep = match self.proxy_pick(svc, sp, Chooser::IngressController, &balancer, &by) {
            Ok(ep) => ep,
            Err(v) => return v,
        };
        if let Some(h) = self.hops.last_mut() {
            h.rewrites = proxy_rewrites(
                &client.ip,
                "ingress-controller",
                &host,
                self.url.port,
                &ep.address(),
            );
        }
        self.deliver(ep.ip, ep.port, "ingress-controller", None)
    }

    fn gateway(&mut self, index: usize, edge: EdgeChoice, client: &Client) -> Verdict {
        let Some((gw, router)) = self.dp.gateways.get(index) else {
            return Verdict::NoRoute {
                why: NoRouteReason::NoEdgeForHost {
                    host: self.url.host.clone(),
                },
            };
        };
        let (gw, router): (&Gateway, &GatewayRouter) = (gw, router);
        let gref = gateway_ref(gw);
        let host = self.host_header();
        let path = self.url.path.clone();
        let (headers, query) = http_parts(self.request, self.url);
        let request = HttpRequest {
            host: &host,
            port: self.url.port,
            path: &path,
            method: &self.request.method,
            headers: &headers,
            query: &query,
        };
        let decision = router.route(&request, &mut AsChoose(self.decide));
        let verdict = decision.verdict.clone();
        let i = self.push(Step::Gateway { edge, decision }, Some(gref.clone()));
        match verdict {
            GatewayVerdict::NotFound => Verdict::Http {
                status: 404,
                by: gref,
                why: HttpWhy::NoRuleMatched,
            },
            GatewayVerdict::InternalError { probability, .. } => {
                if let Some(h) = self.hops.get_mut(i) {
                    h.probability = (probability < 1.0).then_some(probability);
                }
                Verdict::Http {
                    status: 500,
                    by: gref,
                    why: HttpWhy::GatewayError,
                }
            }
            GatewayVerdict::NoListener { port } => Verdict::Rejected {
                why: Refusal::NoListener { gateway: gref, port },
            },
            GatewayVerdict::Routed {
                backend, probability, ..
            } => {
                if let Some(h) = self.hops.get_mut(i) {
                    h.probability = (probability < 1.0).then_some(probability);
                }
                let (svc, sp) = match self.backend_service(&backend.namespace, &backend.name, backend.port) {
                    Ok(found) => found,
                    Err(why) => {
                        return Verdict::Http {
                            status: 503,
                            by: gref,
                            why,
                        }
                    }
                };
                let balancer = format!("gateway/{gref}");
                let ep = match self.proxy_pick(svc, sp, Chooser::Gateway, &balancer, &gref) {
                    Ok(ep) => ep,
                    Err(v) => return v,
                };
                let me = format!(
                    "gateway/{}/{}",
                    gref.namespace.as_deref().unwrap_or("default"),
                    gref.name
                );
                if let Some(h) = self.hops.last_mut() {
                    h.rewrites = proxy_rewrites(&client.ip, &me, &host, self.url.port, &ep.address());
                }
                self.deliver(ep.ip, ep.port, &me, None)
            }
        }
    }
}

/// The request's headers and query parameters as the HTTP matchers take them.
type Pairs<'r> = Vec<(&'r str, &'r str)>;

fn http_parts<'r>(request: &'r super::Request, url: &'r super::Url) -> (Pairs<'r>, Pairs<'r>) {
    let pairs = |v: &'r [(String, String)]| v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    (pairs(&request.headers), pairs(&url.query))
}

fn gateway_ref(g: &Gateway) -> ObjectRef {
    object_ref("Gateway", Some(ns_of(&g.metadata)), &g.metadata.name)
}

/// A proxy ends the client's connection and opens its own to the endpoint.
fn proxy_rewrites(client_ip: &str, proxy: &str, host: &str, port: u16, endpoint: &str) -> Vec<Rewrite> {
    alloc::vec![
        Rewrite {
            kind: RewriteKind::Proxy,
            before: format!("{host}:{port}"),
            after: endpoint.to_string(),
        },
        Rewrite {
            kind: RewriteKind::Proxy,
            before: client_ip.to_string(),
            after: proxy.to_string(),
        },
    ]
}
