//! The cluster as a picture: nodes holding their pods, Services with the pods their selectors
//! pick, Ingresses and Gateways at the edge with their rules.

use crate::collections::VecMap;
use crate::json::ToJson;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::cluster::{Cluster, Origin};
use crate::controllers::nodes::SYSTEM_NAMESPACES;
use crate::controllers::statefulset::pod_ordinal;
use crate::dataplane::route::mesh::{self, Mesh};
use crate::dataplane::route::{ServicePortUsed, Source};
use crate::error::ObjectRef;
use crate::model::{IngressBackend, Kind, Object, Pod, PodPhase, Service, StringMap};
use crate::selector::service_selector;
use crate::sort::SharedSort;

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct Topology {
    pub nodes: Vec<NodeView>,
    /// Pods not scheduled yet (no node).
    pub unscheduled: Vec<PodView>,
    pub services: Vec<ServiceView>,
    pub ingresses: Vec<IngressView>,
    pub gateways: Vec<GatewayView>,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct NodeView {
    pub name: String,
    pub ip: Option<String>,
    pub zone: Option<String>,
    pub pods: Vec<PodView>,
}

/// A pod's state, as a colour on the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub enum PodState {
    Pending,
    /// Running but not Ready: not an endpoint (unless the Service publishes not-ready ones).
    NotReady,
    Ready,
    Terminating,
    Failed,
    Succeeded,
}

impl PodState {
    pub fn of(pod: &Pod) -> PodState {
        if pod.is_terminating() {
            return PodState::Terminating;
        }
        match pod.phase_kind() {
            PodPhase::Failed => PodState::Failed,
            PodPhase::Succeeded => PodState::Succeeded,
            PodPhase::Running if pod.is_ready() => PodState::Ready,
            PodPhase::Running => PodState::NotReady,
            PodPhase::Pending | PodPhase::Unknown => PodState::Pending,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PodState::Pending => "pending",
            PodState::NotReady => "not ready",
            PodState::Ready => "ready",
            PodState::Terminating => "terminating",
            PodState::Failed => "failed",
            PodState::Succeeded => "succeeded",
        }
    }
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct PodView {
    pub namespace: String,
    pub name: String,
    pub ip: Option<String>,
    pub node: Option<String>,
    pub state: PodState,
    /// The StatefulSet ordinal, for a StatefulSet's pod.
    pub ordinal: Option<u32>,
    /// The controller that owns it (`ReplicaSet/…`, `StatefulSet/…`).
    pub owner: Option<ObjectRef>,
    pub sidecar: Option<Mesh>,
    pub labels: StringMap,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ServiceView {
    pub namespace: String,
    pub name: String,
    #[serde(rename = "type")]
    pub type_: String,
    /// `None` for headless and ExternalName Services.
    pub cluster_ip: Option<String>,
    pub headless: bool,
    pub ports: Vec<ServicePortUsed>,
    /// LoadBalancer ingress IPs and externalIPs.
    pub external_ips: Vec<String>,
    pub external_name: Option<String>,
    /// kubectl syntax; `None` without a selector.
    pub selector: Option<String>,
    /// The pods the selector picks, in (namespace, name) order.
    pub selects: Vec<ObjectRef>,
    /// HTTPRoutes bound to the Service (GAMMA).
    pub routes: Vec<ObjectRef>,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct IngressView {
    pub namespace: String,
    pub name: String,
    pub class: Option<String>,
    pub paths: Vec<IngressPathView>,
    pub default_backend: Option<String>,
    pub tls_hosts: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct IngressPathView {
    pub host: Option<String>,
    pub path: String,
    pub path_type: String,
    /// `service:port` or `Kind/name`.
    pub backend: String,
    /// The Service it sends to (same namespace), if a Service backend.
    pub service: Option<ObjectRef>,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct GatewayView {
    pub namespace: String,
    pub name: String,
    pub class: String,
    pub listeners: Vec<ListenerView>,
    pub routes: Vec<RouteView>,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ListenerView {
    pub name: String,
    pub hostname: Option<String>,
    pub port: i64,
    pub protocol: String,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct RouteView {
    pub namespace: String,
    pub name: String,
    pub hostnames: Vec<String>,
    /// The Services its rules send to.
    pub backends: Vec<ObjectRef>,
}

fn ns(meta: &crate::model::ObjectMeta) -> String {
    meta.namespace.clone().unwrap_or_else(|| "default".to_string())
}

fn pod_view(cluster: &Cluster, pod: &Pod) -> PodView {
    let namespace = ns(&pod.metadata);
    let owner = pod
        .metadata
        .owner_references
        .iter()
        .find(|o| o.controller == Some(true))
        .map(|o| ObjectRef {
            kind: o.kind.clone(),
            namespace: Some(namespace.clone()),
            name: o.name.clone(),
        });
    let ordinal = owner
        .as_ref()
        .filter(|o| o.kind == "StatefulSet")
        .and_then(|o| pod_ordinal(&o.name, &pod.metadata.name));
    let ns_object = match cluster.get(Kind::Namespace, None, &namespace) {
        Some(Object::Namespace(n)) => Some(n),
        _ => None,
    };
    PodView {
        name: pod.metadata.name.clone(),
        ip: pod.status.pod_ip.clone(),
        node: pod.spec.node_name.clone(),
        state: PodState::of(pod),
        ordinal,
        owner,
        sidecar: mesh::sidecar(pod, ns_object).map(|(m, _)| m),
        labels: pod.metadata.labels.clone(),
        namespace,
    }
}

pub(super) fn service_view(cluster: &Cluster, svc: &Service) -> ServiceView {
    let namespace = ns(&svc.metadata);
    let selector = service_selector(svc.spec.selector.as_ref());
    let selects = match &selector {
        Some(sel) => cluster
            .list(Kind::Pod, Some(&namespace))
            .into_iter()
            .filter_map(|o| match o {
                Object::Pod(p) if sel.matches(&p.metadata.labels) => Some(ObjectRef {
                    kind: "Pod".into(),
                    namespace: Some(namespace.clone()),
                    name: p.metadata.name.clone(),
                }),
                _ => None,
            })
            .collect(),
        None => Vec::new(),
    };
    let routes = cluster
        .list(Kind::HttpRoute, None)
        .into_iter()
        .filter_map(|o| match o {
            Object::HttpRoute(r) => {
                let rns = ns(&r.metadata);
                r.spec
                    .parent_refs
                    .iter()
                    .any(|p| {
                        crate::dataplane::route::is_service_parent(p)
                            && p.name == svc.metadata.name
                            && p.namespace.as_deref().unwrap_or(&rns) == namespace
                    })
                    .then(|| ObjectRef {
                        kind: "HTTPRoute".into(),
                        namespace: Some(rns),
                        name: r.metadata.name.clone(),
                    })
            }
            _ => None,
        })
        .collect();
    let cluster_ip = svc
        .spec
        .cluster_ip
        .clone()
        .filter(|ip| !ip.is_empty() && ip != "None");
    ServiceView {
        type_: svc.service_type().as_str().to_string(),
        cluster_ip,
        headless: svc.is_headless(),
        ports: svc
            .spec
            .ports
            .iter()
            .map(crate::dataplane::route::port_used)
            .collect(),
        external_ips: svc
            .status
            .load_balancer
            .iter()
            .flat_map(|lb| lb.ingress.iter())
            .filter_map(|i| i.ip.clone())
            .chain(svc.spec.external_ips.iter().cloned())
            .collect(),
        external_name: svc.spec.external_name.clone(),
        selector: selector.map(|s| s.to_string()),
        selects,
        routes,
        name: svc.metadata.name.clone(),
        namespace,
    }
}

fn backend_text(b: &IngressBackend) -> (String, Option<String>) {
    if let Some(s) = &b.service {
        let port = s
            .port
            .as_ref()
            .map(|p| {
                p.name
                    .clone()
                    .unwrap_or_else(|| p.number.unwrap_or(0).to_string())
            })
            .unwrap_or_default();
        return (format!("{}:{port}", s.name), Some(s.name.clone()));
    }
    match &b.resource {
        Some(r) => (format!("{}/{}", r.kind, r.name), None),
        None => (String::new(), None),
    }
}

/// Everything to draw.
pub fn topology(cluster: &Cluster) -> Topology {
    let mut nodes: Vec<NodeView> = cluster
        .list(Kind::Node, None)
        .into_iter()
        .filter_map(|o| match o {
            Object::Node(n) => Some(NodeView {
                name: n.metadata.name.clone(),
                ip: n.internal_ip().map(ToString::to_string),
                zone: n.metadata.labels.get("topology.kubernetes.io/zone").cloned(),
                pods: Vec::new(),
            }),
            _ => None,
        })
        .collect();
    let mut unscheduled = Vec::new();
    // Node name → position, so that 10,000 pods on 100 nodes are not 1,000,000 comparisons.
    let position: VecMap<String, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.name.clone(), i))
        .collect();
    for o in cluster.list(Kind::Pod, None) {
        let Object::Pod(p) = o else { continue };
        let view = pod_view(cluster, p);
        let at = view.node.as_ref().and_then(|n| position.get(n)).copied();
        match at.and_then(|i| nodes.get_mut(i)) {
            Some(n) => n.pods.push(view),
            None => unscheduled.push(view),
        }
    }
    let services = cluster
        .list(Kind::Service, None)
        .into_iter()
        .filter_map(|o| match o {
            Object::Service(s) => Some(service_view(cluster, s)),
            _ => None,
        })
        .collect();
    let ingresses = cluster
        .list(Kind::Ingress, None)
        .into_iter()
        .filter_map(|o| match o {
            Object::Ingress(i) => {
                let namespace = ns(&i.metadata);
                let mut paths = Vec::new();
                for rule in &i.spec.rules {
                    for p in rule.http.iter().flat_map(|h| h.paths.iter()) {
                        let (backend, service) = backend_text(&p.backend);
                        paths.push(IngressPathView {
                            host: rule.host.clone(),
                            path: p.path.clone().unwrap_or_else(|| "/".to_string()),
                            path_type: p.path_type.clone().unwrap_or_default(),
                            backend,
                            service: service.map(|name| ObjectRef {
                                kind: "Service".into(),
                                namespace: Some(namespace.clone()),
                                name,
                            }),
                        });
                    }
                }
                Some(IngressView {
                    class: i.spec.ingress_class_name.clone(),
                    paths,
                    default_backend: i.spec.default_backend.as_ref().map(|b| backend_text(b).0),
                    tls_hosts: i.spec.tls.iter().flat_map(|t| t.hosts.iter().cloned()).collect(),
                    name: i.metadata.name.clone(),
                    namespace,
                })
            }
            _ => None,
        })
        .collect();
    let routes: Vec<&crate::model::HttpRoute> = cluster
        .list(Kind::HttpRoute, None)
        .into_iter()
        .filter_map(|o| match o {
            Object::HttpRoute(r) => Some(r),
            _ => None,
        })
        .collect();
    let gateways = cluster
        .list(Kind::Gateway, None)
        .into_iter()
        .filter_map(|o| match o {
            Object::Gateway(g) => {
                let namespace = ns(&g.metadata);
                let attached = routes
                    .iter()
                    .filter(|r| {
                        let rns = ns(&r.metadata);
                        r.spec.parent_refs.iter().any(|p| {
                            p.kind.as_deref().unwrap_or("Gateway") == "Gateway"
                                && p.name == g.metadata.name
                                && p.namespace.as_deref().unwrap_or(&rns) == namespace
                        })
                    })
                    .map(|r| {
                        let rns = ns(&r.metadata);
                        let mut backends: Vec<ObjectRef> = r
                            .spec
                            .rules
                            .iter()
                            .flat_map(|rule| rule.backend_refs.iter())
                            .filter(|b| b.kind.as_deref().unwrap_or("Service") == "Service")
                            .map(|b| ObjectRef {
                                kind: "Service".into(),
                                namespace: Some(b.namespace.clone().unwrap_or_else(|| rns.clone())),
                                name: b.name.clone(),
                            })
                            .collect();
                        backends.stable_sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
                        backends.dedup();
                        RouteView {
                            hostnames: r.spec.hostnames.clone(),
                            backends,
                            name: r.metadata.name.clone(),
                            namespace: rns,
                        }
                    })
                    .collect();
                Some(GatewayView {
                    class: g.spec.gateway_class_name.clone(),
                    listeners: g
                        .spec
                        .listeners
                        .iter()
                        .map(|l| ListenerView {
                            name: l.name.clone(),
                            hostname: l.hostname.clone(),
                            port: l.port,
                            protocol: l.protocol.clone(),
                        })
                        .collect(),
                    routes: attached,
                    name: g.metadata.name.clone(),
                    namespace,
                })
            }
            _ => None,
        })
        .collect();
    Topology {
        nodes,
        unscheduled,
        services,
        ingresses,
        gateways,
    }
}

/// One namespace of the Objects tab: kinds → names, for what the user applied.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceTree {
    /// `None` for cluster-scoped objects.
    pub namespace: Option<String>,
    /// Kind name → object names, in kind then name order.
    pub kinds: VecMap<String, Vec<String>>,
}

/// The objects the user applied (not the controllers' ones, nor the built-in namespaces), by
/// namespace then kind.
pub fn object_tree(cluster: &Cluster) -> Vec<NamespaceTree> {
    let mut by_ns: VecMap<Option<String>, VecMap<String, Vec<String>>> = VecMap::new();
    for kind in Kind::ALL {
        for o in cluster.list(kind, None) {
            let meta = o.metadata();
            let namespace = kind.is_namespaced().then(|| ns(meta));
            if cluster.origin(kind, namespace.as_deref(), &meta.name) != Some(Origin::User) {
                continue;
            }
            // The namespaces every cluster starts with are not the user's.
            if kind == Kind::Namespace && SYSTEM_NAMESPACES.contains(&meta.name.as_str()) {
                continue;
            }
            by_ns
                .entry(namespace)
                .or_default()
                .entry(kind.as_str().to_string())
                .or_default()
                .push(meta.name.clone());
        }
    }
    for o in cluster.other_objects() {
        let namespace = o.metadata.namespace.clone();
        by_ns
            .entry(namespace)
            .or_default()
            .entry(o.kind.clone())
            .or_default()
            .push(o.metadata.name.clone());
    }
    by_ns
        .into_iter()
        .map(|(namespace, kinds)| NamespaceTree { namespace, kinds })
        .collect()
}

/// One entry of the request bar's "From" list.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct SourceChoice {
    pub label: String,
    pub source: Source,
}

/// Whom a request can come from: a client outside the cluster, every pod with an address, and
/// every node.
pub fn route_sources(cluster: &Cluster) -> Vec<SourceChoice> {
    let mut out = alloc::vec![SourceChoice {
        label: format!("external client ({})", crate::dataplane::route::DEFAULT_CLIENT_IP),
        source: Source::External { client_ip: None },
    }];
    for o in cluster.list(Kind::Pod, None) {
        let Object::Pod(p) = o else { continue };
        let Some(ip) = &p.status.pod_ip else { continue };
        let namespace = ns(&p.metadata);
        out.push(SourceChoice {
            label: format!("pod {namespace}/{} ({ip})", p.metadata.name),
            source: Source::Pod {
                namespace,
                name: p.metadata.name.clone(),
            },
        });
    }
    for o in cluster.list(Kind::Node, None) {
        let Object::Node(n) = o else { continue };
        out.push(SourceChoice {
            label: format!("node {} ({})", n.metadata.name, n.internal_ip().unwrap_or("")),
            source: Source::Node {
                name: n.metadata.name.clone(),
            },
        });
    }
    out
}
