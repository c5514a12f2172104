//! From a Service port to a pod: the endpoints of the port (read from its EndpointSlices, as
//! kube-proxy reads them), kube-proxy's choice on a node (traffic policy, terminating fallback,
//! session affinity, iptables or IPVS, the NAT it does), an L7 proxy's choice, and delivery.

use crate::collections::FxMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::choose::Decide;
use super::mesh::{self, Mesh};
use super::request::{Request, Url};
use super::table::{ip_u32, Dataplane};
use super::trace::*;
use crate::dataplane::kube_proxy::{
    categorize, Disposition, Policies, ProxyEndpoint, ProxyMode, TrafficClass,
};
use crate::error::ObjectRef;
use crate::model::{IntOrString, Pod, Service, ServicePort};
use crate::selector::service_selector;

/// `sessionAffinityConfig.clientIP.timeoutSeconds` when unset (SPEC §2.2).
pub const DEFAULT_AFFINITY_TIMEOUT_SECONDS: u64 = 10_800;

/// One endpoint of a Service port, from a slice (nil conditions defaulted, SPEC §2.13),
/// borrowed from it: a Service of 10,000 endpoints is read without copying their names.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ep<'c> {
    pub ip: &'c str,
    pub port: u16,
    pub node: Option<&'c str>,
    pub pod: Option<&'c str>,
    pub slice: &'c str,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
}

impl Ep<'_> {
    pub fn address(&self) -> String {
        format!("{}:{}", self.ip, self.port)
    }
}

pub(crate) fn object_ref(kind: &str, namespace: Option<&str>, name: &str) -> ObjectRef {
    ObjectRef {
        kind: kind.to_string(),
        namespace: namespace.map(|n| n.to_string()),
        name: name.to_string(),
    }
}

pub(crate) fn ns_of(meta: &crate::model::ObjectMeta) -> &str {
    meta.namespace.as_deref().unwrap_or("default")
}

pub(crate) fn service_ref(svc: &Service) -> ObjectRef {
    object_ref("Service", Some(ns_of(&svc.metadata)), &svc.metadata.name)
}

pub(crate) fn pod_ref(pod: &Pod) -> ObjectRef {
    object_ref("Pod", Some(ns_of(&pod.metadata)), &pod.metadata.name)
}

/// A Service port as a trace shows it (targetPort as written: a number or a name).
pub fn port_used(port: &ServicePort) -> ServicePortUsed {
    ServicePortUsed {
        name: port.name.clone().unwrap_or_default(),
        port: u16::try_from(port.port).unwrap_or(0),
        protocol: port.protocol.clone().unwrap_or_else(|| "TCP".to_string()),
        target_port: match &port.target_port {
            Some(IntOrString::Int(i)) => i.to_string(),
            Some(IntOrString::String(s)) => s.clone(),
            None => port.port.to_string(),
        },
        node_port: port.node_port.and_then(|p| u16::try_from(p).ok()),
    }
}

/// Where the request is in its walk through the cluster: the hops so far and the decider.
pub(crate) struct Walk<'a, 'c> {
    pub dp: &'a Dataplane<'c>,
    pub decide: &'a mut dyn Decide,
    pub now: u64,
    pub hops: Vec<Hop>,
    pub request: &'a Request,
    pub url: &'a Url,
}

impl<'a, 'c> Walk<'a, 'c> {
    pub fn push(&mut self, step: Step, object: Option<ObjectRef>) -> usize {
        self.hops.push(Hop::new(step, object));
        self.hops.len() - 1
    }

    /// The Host header if given, else the URL's host.
    pub fn host_header(&self) -> String {
        self.request
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("host"))
            .map(|(_, v)| v.to_ascii_lowercase())
            .unwrap_or_else(|| self.url.host.clone())
    }

    /// The endpoints of a Service port, de-duplicated by address across slices, and the slices
    /// read. Ports are joined by name (SPEC §2.8).
    pub fn endpoints(&self, svc: &Service, port: &ServicePort) -> (Vec<Ep<'c>>, Vec<String>) {
        let ns = ns_of(&svc.metadata);
        let want_name = port.name.as_deref().unwrap_or("");
        let want_proto = port.protocol.as_deref().unwrap_or("TCP");
        let mut eps: Vec<Ep<'c>> = Vec::new();
        // Addresses already taken, so a Service of thousands of endpoints stays linear.
        let mut seen: FxMap<(&str, u16), ()> = FxMap::default();
        let mut slices = Vec::new();
        for slice in self.dp.slices_of(ns, &svc.metadata.name) {
            if slice.address_type != "IPv4" {
                continue;
            }
            slices.push(slice.metadata.name.clone());
            let Some(number) = slice.ports.iter().find_map(|p| {
                let same = p.name.as_deref().unwrap_or("") == want_name
                    && p.protocol.as_deref().unwrap_or("TCP") == want_proto;
                same.then(|| p.port.and_then(|n| u16::try_from(n).ok())).flatten()
            }) else {
                continue;
            };
            for e in &slice.endpoints {
                let Some(ip) = e.addresses.first() else { continue };
                if seen.insert((ip.as_str(), number), ()).is_some() {
                    continue;
                }
                let ready = e.conditions.ready.unwrap_or(true);
                eps.push(Ep {
                    ip,
                    port: number,
                    node: e.node_name.as_deref(),
                    pod: e
                        .target_ref
                        .as_ref()
                        .filter(|t| t.kind == "Pod")
                        .map(|t| t.name.as_str()),
                    slice: &slice.metadata.name,
                    ready,
                    serving: e.conditions.serving.unwrap_or(true),
                    terminating: e.conditions.terminating.unwrap_or(false),
                });
            }
        }
        (eps, slices)
    }

    /// Pushes the Service hop; its selector verdicts are filled in once a pod is chosen.
    pub fn service_hop(&mut self, svc: &Service, port: &ServicePort, slices: Vec<String>) -> usize {
        let step = Step::Service(ServiceHop {
            type_: svc.service_type().as_str().to_string(),
            port: port_used(port),
            selector: None,
            slices,
        });
        self.push(step, Some(service_ref(svc)))
    }

    /// Records the Service selector's verdict on the chosen pod in the Service hop.
    fn explain_selector(&mut self, hop: usize, svc: &Service, pod: Option<&Pod>) {
        let (Some(selector), Some(pod)) = (service_selector(svc.spec.selector.as_ref()), pod) else {
            return;
        };
        if let Some(Hop {
            step: Step::Service(s),
            ..
        }) = self.hops.get_mut(hop)
        {
            s.selector = Some(selector.explain(&pod.metadata.labels));
        }
    }

    /// kube-proxy on `node` handles a connection to a Service port: which endpoints may serve
    /// it, which one does, and the NAT. `Err` is the verdict when it rejects or drops.
    #[allow(clippy::too_many_arguments)]
    pub fn kube_proxy(
        &mut self,
        svc: &Service,
        port: &ServicePort,
        node: &str,
        node_ip: &str,
        class: TrafficClass,
        client_ip: &str,
        destination: String,
    ) -> Result<(Ep<'c>, String), Verdict> {
        let (eps, slices) = self.endpoints(svc, port);
        let service_hop = self.service_hop(svc, port, slices);
        let proxy_eps: Vec<ProxyEndpoint> = eps
            .iter()
            .map(|e| ProxyEndpoint {
                ip: e.ip,
                port: e.port,
                node: e.node,
                pod: e.pod,
                ready: e.ready,
                serving: e.serving,
                terminating: e.terminating,
            })
            .collect();
        let policies = Policies {
            internal_local: svc.spec.internal_traffic_policy.as_deref() == Some("Local"),
            external_local: svc.spec.external_traffic_policy.as_deref() == Some("Local"),
        };
        let categorized = categorize(&proxy_eps, policies, class, node);
        let policy = PolicyUsed {
            field: if class == TrafficClass::ClusterIp {
                "internalTrafficPolicy"
            } else {
                "externalTrafficPolicy"
            },
            local: categorized.local_policy,
            short_circuited: class == TrafficClass::ExternalFromInside && policies.external_local,
        };
        let mode = self.dp.cluster.config.proxy_mode;
        let mut hop = KubeProxyHop {
            node: node.to_string(),
            mode,
            destination: destination.clone(),
            traffic_class: class,
            policy,
            endpoints: Vec::new(),
            chain: Vec::new(),
            affinity: None,
            outcome: ProxyOutcome::Rejected,
            terminating_fallback: false,
        };
        let svc_ref = service_ref(svc);
        let candidates = match &categorized.disposition {
            Disposition::Forward {
                candidates,
                terminating_fallback,
            } => {
                hop.terminating_fallback = *terminating_fallback;
                candidates.clone()
            }
            Disposition::Reject | Disposition::Drop => Vec::new(),
        };
        let mut probability = None;
        let mut chosen: Option<usize> = None;
        if !candidates.is_empty() {
            let (slot, p, affinity) = self.choose_endpoint(svc, port, &eps, &candidates, client_ip, mode);
            chosen = candidates.get(slot).copied();
            probability = Some(p);
            hop.affinity = affinity;
            if mode == ProxyMode::Iptables {
                hop.chain = crate::dataplane::kube_proxy::iptables_chain(&candidates);
            }
        }
        // `excluded` is in index order: a binary search keeps this linear in the endpoints.
        let excluded_at = |i: usize| {
            let found = categorized.excluded.binary_search_by_key(&i, |(j, _)| *j);
            found.ok().and_then(|k| categorized.excluded.get(k))
        };
        hop.endpoints = eps
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let fate = if Some(i) == chosen {
                    Fate::Chosen
                } else if let Some((_, why)) = excluded_at(i) {
                    Fate::Excluded { why: why.clone() }
                } else {
                    Fate::Candidate
                };
                candidate(e, fate)
            })
            .collect();
        let Some(ep) = chosen.and_then(|i| eps.get(i)).cloned() else {
            let (outcome, verdict) = match categorized.disposition {
                Disposition::Drop => (
                    ProxyOutcome::Dropped,
                    Verdict::Dropped {
                        why: DropReason::NoLocalEndpoints {
                            service: svc_ref,
                            node: node.to_string(),
                        },
                    },
                ),
                _ => (
                    ProxyOutcome::Rejected,
                    Verdict::Rejected {
                        why: Refusal::NoEndpoints { service: svc_ref },
                    },
                ),
            };
            hop.outcome = outcome;
            self.push(Step::KubeProxy(hop), Some(object_ref("Node", None, node)));
            return Err(verdict);
        };
        hop.outcome = ProxyOutcome::Forwarded {
            endpoint: ep.address(),
        };
        let mut rewrites = alloc::vec![Rewrite {
            kind: RewriteKind::Dnat,
            before: destination,
            after: ep.address(),
        }];
        // Masquerade (SPEC §2.15): external traffic under the Cluster policy, and hairpin.
        let external = class != TrafficClass::ClusterIp;
        let hairpin = self.client_pod_ip().as_deref() == Some(ep.ip);
        let masquerade = (external && !categorized.local_policy) || hairpin;
        let mut source = client_ip.to_string();
        if masquerade && client_ip != node_ip {
            rewrites.push(Rewrite {
                kind: RewriteKind::Snat,
                before: client_ip.to_string(),
                after: node_ip.to_string(),
            });
            source = node_ip.to_string();
        }
        let pod = self.pod_of(&ep);
        self.explain_selector(service_hop, svc, pod);
        let i = self.push(Step::KubeProxy(hop), Some(object_ref("Node", None, node)));
        if let Some(h) = self.hops.get_mut(i) {
            h.rewrites = rewrites;
            h.probability = probability;
        }
        self.endpoint_hop(&ep, Chooser::KubeProxy, candidates.len());
        Ok((ep, source))
    }

    /// Picks among the candidates: a live affinity entry first, else the proxy mode's draw.
    /// Returns the slot in `candidates`, its probability and the affinity record.
    fn choose_endpoint(
        &mut self,
        svc: &Service,
        port: &ServicePort,
        eps: &[Ep<'_>],
        candidates: &[usize],
        client_ip: &str,
        mode: ProxyMode,
    ) -> (usize, f64, Option<Affinity>) {
        let n = candidates.len();
        let uniform = 1.0 / n as f64;
        let address = |slot: usize| candidates.get(slot).and_then(|i| eps.get(*i)).map(Ep::address);
        let draw = |walk: &mut Self| match mode {
            ProxyMode::Iptables => walk.decide.uniform(n),
            ProxyMode::Ipvs => {
                let key = format!("ipvs/{}/{}", service_ref(svc), port.port);
                walk.decide.round_robin(&key, n)
            }
        };
        if svc.spec.session_affinity.as_deref() != Some("ClientIP") {
            let slot = draw(self);
            return (slot, uniform, None);
        }
        let timeout = svc
            .spec
            .session_affinity_config
            .as_ref()
            .and_then(|c| c.client_ip.as_ref())
            .and_then(|c| c.timeout_seconds)
            .and_then(|t| u64::try_from(t).ok())
            .unwrap_or(DEFAULT_AFFINITY_TIMEOUT_SECONDS);
        let now = self.now;
        let key = (
            service_ref(svc).to_string(),
            port.name.clone().unwrap_or_default(),
            client_ip.to_string(),
        );
        let Some(table) = self.decide.affinity() else {
            let slot = draw(self);
            return (slot, uniform, None);
        };
        let mut previous = None;
        if let Some((endpoint, last_seen_ms)) = table.get(&key).cloned() {
            let live = now.saturating_sub(last_seen_ms) <= timeout.saturating_mul(1000);
            let slot = (0..n).find(|s| address(*s).as_deref() == Some(endpoint.as_str()));
            match (live, slot) {
                (true, Some(slot)) => {
                    table.insert(key, (endpoint.clone(), now.max(last_seen_ms)));
                    let pinned = Affinity::Pinned {
                        client_ip: client_ip.to_string(),
                        endpoint,
                        last_seen_ms,
                        timeout_seconds: timeout,
                    };
                    return (slot, 1.0, Some(pinned));
                }
                (false, _) => {
                    previous = Some(AffinityMiss::Expired {
                        endpoint,
                        last_seen_ms,
                    })
                }
                (true, None) => previous = Some(AffinityMiss::EndpointGone { endpoint }),
            }
        }
        let slot = draw(self);
        if let (Some(table), Some(addr)) = (self.decide.affinity(), address(slot)) {
            table.insert(key, (addr, now));
        }
        let recorded = Affinity::Recorded {
            client_ip: client_ip.to_string(),
            timeout_seconds: timeout,
            previous,
        };
        (slot, uniform, Some(recorded))
    }

    /// An L7 proxy (Ingress controller, Gateway, sidecar) balances over the Service port's
    /// ready endpoints itself (round robin), bypassing the ClusterIP. `Err`: the 503 verdict.
    pub fn proxy_pick(
        &mut self,
        svc: &Service,
        port: &ServicePort,
        by: Chooser,
        balancer: &str,
        proxy: &ObjectRef,
    ) -> Result<Ep<'c>, Verdict> {
        let (eps, slices) = self.endpoints(svc, port);
        let service_hop = self.service_hop(svc, port, slices);
        let ready: Vec<usize> = (0..eps.len())
            .filter(|i| eps.get(*i).is_some_and(|e| e.ready))
            .collect();
        // Like kube-proxy: serving-terminating endpoints only when none is ready.
        let candidates: Vec<usize> = if ready.is_empty() {
            (0..eps.len())
                .filter(|i| eps.get(*i).is_some_and(|e| e.serving && e.terminating))
                .collect()
        } else {
            ready
        };
        if candidates.is_empty() {
            return Err(Verdict::Http {
                status: 503,
                by: proxy.clone(),
                why: HttpWhy::NoEndpoints {
                    service: service_ref(svc),
                },
            });
        }
        let key = format!("{balancer}/{}/{}", service_ref(svc), port.port);
        let slot = self.decide.round_robin(&key, candidates.len());
        let Some(ep) = candidates.get(slot).and_then(|i| eps.get(*i)).cloned() else {
            return Err(Verdict::Rejected {
                why: Refusal::NoEndpoints {
                    service: service_ref(svc),
                },
            });
        };
        let pod = self.pod_of(&ep);
        self.explain_selector(service_hop, svc, pod);
        let i = self.endpoint_hop(&ep, by, candidates.len());
        if let Some(h) = self.hops.get_mut(i) {
            h.probability = Some(1.0 / candidates.len() as f64);
        }
        Ok(ep)
    }

    fn endpoint_hop(&mut self, ep: &Ep<'_>, by: Chooser, among: usize) -> usize {
        let ns = self.service_namespace_of_last_service();
        let step = Step::Endpoint(EndpointHop {
            slice: ep.slice.to_string(),
            address: ep.address(),
            ready: ep.ready,
            serving: ep.serving,
            terminating: ep.terminating,
            chosen_by: by,
            among,
        });
        self.push(step, Some(object_ref("EndpointSlice", Some(&ns), ep.slice)))
    }

    fn service_namespace_of_last_service(&self) -> String {
        self.hops
            .iter()
            .rev()
            .find_map(|h| match (&h.step, &h.object) {
                (Step::Service(_), Some(o)) => o.namespace.clone(),
                _ => None,
            })
            .unwrap_or_else(|| "default".to_string())
    }

    /// The pod behind an endpoint (by address; endpoints of user-made slices may have none).
    pub fn pod_of(&self, ep: &Ep<'_>) -> Option<&'c Pod> {
        ip_u32(ep.ip).and_then(|ip| self.dp.pods_by_ip.get(&ip).copied())
    }

    fn client_pod_ip(&self) -> Option<String> {
        match &self.request.from {
            super::request::Source::Pod { namespace, name } => {
                self.dp.pod(namespace, name).and_then(|p| p.status.pod_ip.clone())
            }
            _ => None,
        }
    }

    /// The connection reaches `ip:port`: a pod (with its inbound sidecar, if any), or an address
    /// outside the cluster. `client_mesh` is the client's sidecar, for mTLS.
    pub fn deliver(&mut self, ip: &str, port: u16, source_ip: &str, client_mesh: Option<Mesh>) -> Verdict {
        let Some(pod) = ip_u32(ip).and_then(|a| self.dp.pods_by_ip.get(&a).copied()) else {
            let host = format!("{ip}:{port}");
            self.push(Step::Egress { host: host.clone() }, None);
            return Verdict::LeftCluster { host };
        };
        let pref = pod_ref(pod);
        if let Some((server_mesh, injected_by)) = mesh::sidecar(pod, self.dp.namespace(ns_of(&pod.metadata)))
        {
            if client_mesh == Some(server_mesh) {
                let domain = &self.dp.cluster.config.cluster_domain;
                let client = self.client_identity(server_mesh);
                let server = server_mesh.identity(domain, ns_of(&pod.metadata), &service_account(pod));
                self.push(Step::Mtls { client, server }, None);
            }
            self.push(
                Step::Sidecar(SidecarHop {
                    mesh: server_mesh,
                    direction: Direction::Inbound,
                    pod: pod.metadata.name.clone(),
                    injected_by,
                    routing: None,
                }),
                Some(pref.clone()),
            );
        }
        let phase = pod.phase_kind();
        let container_port = pod.spec.containers.iter().find_map(|c| {
            c.ports
                .iter()
                .find(|p| {
                    p.container_port == i64::from(port) && p.protocol.as_deref().unwrap_or("TCP") == "TCP"
                })
                .map(|p| ContainerPortUsed {
                    container: c.name.clone(),
                    name: p.name.clone(),
                    port,
                })
        });
        self.push(
            Step::Pod(PodHop {
                ip: ip.to_string(),
                port,
                node: pod.spec.node_name.clone(),
                phase: pod.phase().to_string(),
                ready: pod.is_ready(),
                terminating: pod.is_terminating(),
                container_port,
                source_ip: source_ip.to_string(),
            }),
            Some(pref.clone()),
        );
        if phase.is_finished() {
            return Verdict::Rejected {
                why: Refusal::PodNotRunning { pod: pref },
            };
        }
        Verdict::Delivered {
            pod: pref,
            ip: ip.to_string(),
            port,
            source_ip: source_ip.to_string(),
        }
    }

    fn client_identity(&self, m: Mesh) -> String {
        let domain = &self.dp.cluster.config.cluster_domain;
        match &self.request.from {
            super::request::Source::Pod { namespace, name } => {
                let sa = self
                    .dp
                    .pod(namespace, name)
                    .map(service_account)
                    .unwrap_or_else(|| "default".to_string());
                m.identity(domain, namespace, &sa)
            }
            _ => String::new(),
        }
    }
}

fn service_account(pod: &Pod) -> String {
    pod.spec
        .service_account_name
        .clone()
        .unwrap_or_else(|| "default".to_string())
}

fn candidate(e: &Ep<'_>, fate: Fate) -> EndpointCandidate {
    EndpointCandidate {
        address: e.address(),
        pod: e.pod.map(str::to_string),
        node: e.node.map(str::to_string),
        slice: e.slice.to_string(),
        ready: e.ready,
        serving: e.serving,
        terminating: e.terminating,
        fate,
    }
}
