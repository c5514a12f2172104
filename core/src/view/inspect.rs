//! What the inspector says about one object: for a Service, each selector term against each pod
//! of its namespace, its EndpointSlices and legacy Endpoints, its DNS names; for a pod, the
//! Services that select it and its DNS names; for a StatefulSet, its ordinals and stable names.
//! Every object also comes as its API JSON.

use crate::json::ToJson;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::topology::{service_view, PodState, ServiceView};
use crate::cluster::Cluster;
use crate::controllers::statefulset_driver::StatefulPodIdentity;
use crate::dns::{DnsAnswer, RecordType};
use crate::error::ObjectRef;
use crate::model::{Endpoints, Kind, Object};
use crate::selector::{service_selector, SelectorExplanation};

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    pub object: ObjectRef,
    /// The object as the API shows it.
    pub json: crate::json::Value,
    #[serde(flatten)]
    pub detail: Detail,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(tag = "view", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Detail {
    Service(Box<ServiceDetail>),
    Pod {
        state: PodState,
        /// The Services whose selector picks it.
        services: Vec<ObjectRef>,
        dns: Vec<String>,
    },
    StatefulSet {
        identities: Vec<StatefulPodIdentity>,
    },
    Other,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ServiceDetail {
    pub service: ServiceView,
    /// Every pod of the namespace, with the selector's verdict term by term (empty without a
    /// selector).
    pub pods: Vec<PodSelection>,
    pub slices: Vec<SliceView>,
    pub endpoints: Option<Endpoints>,
    /// The names that resolve to it, answered by cluster DNS.
    pub dns: Vec<DnsAnswer>,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct PodSelection {
    pub pod: String,
    pub explanation: SelectorExplanation,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct SliceView {
    pub name: String,
    pub address_type: String,
    /// `name:port/protocol`.
    pub ports: Vec<String>,
    pub endpoints: Vec<SliceEndpoint>,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct SliceEndpoint {
    pub address: String,
    pub pod: Option<String>,
    pub node: Option<String>,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
}

/// The inspector's view of an object (`None` when it does not exist).
pub fn inspect(cluster: &Cluster, kind: Kind, namespace: Option<&str>, name: &str) -> Option<Inspection> {
    let object = cluster.get(kind, namespace, name)?;
    let ns = object
        .metadata()
        .namespace
        .clone()
        .unwrap_or_else(|| "default".to_string());
    let zone = &cluster.config().cluster_domain;
    let reference = ObjectRef {
        kind: kind.as_str().to_string(),
        namespace: kind.is_namespaced().then(|| ns.clone()),
        name: name.to_string(),
    };
    let detail = match object {
        Object::Service(svc) => {
            let selector = service_selector(svc.spec.selector.as_ref());
            let pods = match &selector {
                Some(sel) => cluster
                    .list(Kind::Pod, Some(&ns))
                    .into_iter()
                    .filter_map(|o| match o {
                        Object::Pod(p) => Some(PodSelection {
                            pod: p.metadata.name.clone(),
                            explanation: sel.explain(&p.metadata.labels),
                        }),
                        _ => None,
                    })
                    .collect(),
                None => Vec::new(),
            };
            let slices = cluster
                .service_slices(&ns, name)
                .into_iter()
                .map(|s| SliceView {
                    name: s.metadata.name.clone(),
                    address_type: s.address_type.clone(),
                    ports: s
                        .ports
                        .iter()
                        .map(|p| {
                            format!(
                                "{}:{}/{}",
                                p.name.as_deref().unwrap_or(""),
                                p.port.unwrap_or(0),
                                p.protocol.as_deref().unwrap_or("TCP")
                            )
                        })
                        .collect(),
                    endpoints: s
                        .endpoints
                        .iter()
                        .map(|e| SliceEndpoint {
                            address: e.addresses.first().cloned().unwrap_or_default(),
                            pod: e.target_ref.as_ref().map(|t| t.name.clone()),
                            node: e.node_name.clone(),
                            ready: e.conditions.ready.unwrap_or(true),
                            serving: e.conditions.serving.unwrap_or(true),
                            terminating: e.conditions.terminating.unwrap_or(false),
                        })
                        .collect(),
                })
                .collect();
            let fqdn = format!("{name}.{ns}.svc.{zone}");
            let mut dns = alloc::vec![cluster.resolve(&fqdn, RecordType::A, None)];
            for port in svc.spec.ports.iter().filter_map(|p| p.name.as_deref()) {
                let proto = svc.spec.ports.iter().find(|p| p.name.as_deref() == Some(port));
                let proto = proto
                    .and_then(|p| p.protocol.as_deref())
                    .unwrap_or("TCP")
                    .to_ascii_lowercase();
                dns.push(cluster.resolve(&format!("_{port}._{proto}.{fqdn}"), RecordType::Srv, None));
            }
            Detail::Service(Box::new(ServiceDetail {
                service: service_view(cluster, svc),
                pods,
                slices,
                endpoints: cluster.endpoints_object(&ns, name),
                dns,
            }))
        }
        Object::Pod(p) => {
            let services = cluster
                .service_index()
                .services_for(&ns, &p.metadata.labels)
                .into_iter()
                .map(|s| ObjectRef {
                    kind: "Service".into(),
                    namespace: Some(ns.clone()),
                    name: s,
                })
                .collect();
            let mut dns = Vec::new();
            if let Some(ip) = &p.status.pod_ip {
                dns.push(format!("{}.{ns}.pod.{zone}", ip.replace('.', "-")));
            }
            if let (Some(sub), host) = (
                &p.spec.subdomain,
                p.spec.hostname.as_ref().unwrap_or(&p.metadata.name),
            ) {
                dns.push(format!("{host}.{sub}.{ns}.svc.{zone}"));
            }
            Detail::Pod {
                state: PodState::of(p),
                services,
                dns,
            }
        }
        Object::StatefulSet(_) => Detail::StatefulSet {
            identities: cluster.stateful_set_identities(&ns, name).unwrap_or_default(),
        },
        _ => Detail::Other,
    };
    Some(Inspection {
        object: reference,
        json: object.to_value(),
        detail,
    })
}
