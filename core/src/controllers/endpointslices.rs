//! Runs the EndpointSlice reconciler (`crate::endpoints`) for every selector-based Service:
//! converts pods into desired endpoints, feeds single-pod changes to the incremental path and
//! everything else to the full reconcile, writes the resulting EndpointSlice objects, and
//! accounts the churn of each sync against a monolithic Endpoints object (SPEC §3.7).
//!
//! The legacy Endpoints object is not stored: [`Cluster::endpoints_object`] builds it on read
//! from the same pods (with the 1000-address cap), so a change costs what it changes, not the
//! size of the Service. Its write is still counted in the churn.

use crate::json::ToJson;
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::services::managed_selector;
use crate::cluster::{ChangeReport, Cluster, ObjectKey, Warning};
use crate::endpoints::{
    self, AddressType, ChurnReport, ChurnTotals, ContainerPort, ContainerPorts, DesiredEndpoint,
    EndpointChange, EndpointKey, EndpointsWrite, LegacyPod, NodeFacts, ObjectSizeModel, PodInput, PodPorts,
    PortKey, Protocol, ReconcileError, ServiceInfo, ServicePortSpec, ServiceSlices, SliceWrite,
    SliceWriteSummary, TargetPort, WriteCounts, WriteOp,
};
use crate::error::ObjectRef;
use crate::model::{
    self, IntOrString, Kind, Object, ObjectMeta, ObjectReference, OwnerReference, Pod, Service,
};

const CONTROLLER: &str = "endpointslice";

/// What the controller keeps per Service between syncs.
#[derive(Clone, Debug, Default)]
pub struct ServiceEndpoints {
    pub(crate) slices: ServiceSlices,
    /// The endpoints each selected pod contributes, as last synced.
    pods: BTreeMap<String, Vec<(AddressType, EndpointKey)>>,
    pub(crate) totals: ChurnTotals,
}

/// The cost of one Service sync: slice writes, and the churn versus an Endpoints object.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ServiceChurn {
    pub service: ObjectRef,
    /// A full reconcile (Service created or changed) rather than a pod change.
    pub full_sync: bool,
    pub writes: WriteCounts,
    /// Each slice written, in the order the writes were issued.
    pub slices: Vec<SliceWriteSummary>,
    /// What the monolithic Endpoints object would have gone through (the other side of `churn`).
    pub endpoints: EndpointsWrite,
    pub churn: ChurnReport,
}

fn protocol(p: Option<&str>) -> Protocol {
    match p {
        Some("UDP") => Protocol::Udp,
        Some("SCTP") => Protocol::Sctp,
        _ => Protocol::Tcp,
    }
}

pub(crate) fn service_info(svc: &Service) -> ServiceInfo {
    let families: Vec<AddressType> = svc
        .spec
        .ip_families
        .iter()
        .filter_map(|f| match f.as_str() {
            "IPv4" => Some(AddressType::IPv4),
            "IPv6" => Some(AddressType::IPv6),
            _ => None,
        })
        .collect();
    ServiceInfo {
        namespace: svc
            .metadata
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_string()),
        name: svc.metadata.name.clone(),
        uid: svc.metadata.uid.clone().unwrap_or_default(),
        labels: svc.metadata.labels.clone(),
        headless: svc.is_headless(),
        publish_not_ready_addresses: svc.spec.publish_not_ready_addresses,
        terminating: svc.metadata.deletion_timestamp.is_some(),
        address_types: endpoints::address_types_for(&families, svc.spec.cluster_ip.as_deref()),
    }
}

fn service_ports(svc: &Service) -> Vec<ServicePortSpec> {
    svc.spec
        .ports
        .iter()
        .map(|p| ServicePortSpec {
            name: p.name.clone().unwrap_or_default(),
            target_port: match &p.target_port {
                Some(IntOrString::String(s)) => TargetPort::Name(s.clone()),
                Some(IntOrString::Int(n)) => TargetPort::Number(i32::try_from(*n).unwrap_or(0)),
                None => TargetPort::Number(i32::try_from(p.port).unwrap_or(0)),
            },
            protocol: protocol(p.protocol.as_deref()),
            app_protocol: p.app_protocol.clone(),
        })
        .collect()
}

fn pod_ports(pod: &Pod) -> PodPorts {
    let convert = |c: &model::Container| ContainerPorts {
        container: c.name.clone(),
        ports: c
            .ports
            .iter()
            .map(|p| ContainerPort {
                name: p.name.clone().unwrap_or_default(),
                container_port: i32::try_from(p.container_port).unwrap_or(0),
                protocol: protocol(p.protocol.as_deref()),
            })
            .collect(),
    };
    PodPorts {
        containers: pod.spec.containers.iter().map(convert).collect(),
        sidecars: pod
            .spec
            .init_containers
            .iter()
            .filter(|c| c.restart_policy.as_deref() == Some("Always"))
            .map(convert)
            .collect(),
    }
}

impl Cluster {
    fn pod_input(&self, pod: &Pod) -> PodInput {
        let node = pod
            .spec
            .node_name
            .as_deref()
            .and_then(|n| match self.get(Kind::Node, None, n) {
                Some(Object::Node(node)) => Some(NodeFacts {
                    zone: node.metadata.labels.get(super::nodes::ZONE_LABEL).cloned(),
                }),
                _ => None,
            });
        PodInput {
            namespace: pod
                .metadata
                .namespace
                .clone()
                .unwrap_or_else(|| "default".to_string()),
            name: pod.metadata.name.clone(),
            uid: pod.metadata.uid.clone().unwrap_or_default(),
            phase: pod.phase_kind(),
            pod_ips: pod.status.pod_ips.iter().map(|p| p.ip.clone()).collect(),
            deleting: pod.is_terminating(),
            ready: pod.is_ready(),
            node_name: pod.spec.node_name.clone(),
            node,
            hostname: pod.spec.hostname.clone(),
            subdomain: pod.spec.subdomain.clone(),
        }
    }

    /// The endpoints a pod contributes to a Service (none when it is not selected or skipped).
    fn desired_for_pod(
        &self,
        svc: &Service,
        info: &ServiceInfo,
        ports: &[ServicePortSpec],
        pod: &Pod,
    ) -> Vec<DesiredEndpoint> {
        let selected = managed_selector(svc)
            .is_some_and(|sel| sel.iter().all(|(k, v)| pod.metadata.labels.get(k) == Some(v)));
        if !selected {
            return Vec::new();
        }
        let resolved = endpoints::resolve_ports(ports, &pod_ports(pod));
        match endpoints::pod_endpoints(&self.pod_input(pod), info, &resolved.ports) {
            Ok(e) => e.endpoints,
            Err(_) => Vec::new(),
        }
    }

    pub(crate) fn sync_services(&mut self, report: &mut ChangeReport) {
        let full = core::mem::take(&mut self.work.services_full);
        let mut pods = core::mem::take(&mut self.work.service_pods);
        for key in full {
            pods.remove(&key);
            self.sync_service_full(&key.0, &key.1, report);
        }
        for ((ns, name), changed) in pods {
            self.sync_service_pods(&ns, &name, &changed, report);
        }
    }

    fn managed_service(&self, ns: &str, name: &str) -> Option<Service> {
        match self.get(Kind::Service, Some(ns), name) {
            Some(Object::Service(s)) if managed_selector(s).is_some() => Some(s.clone()),
            _ => None,
        }
    }

    fn sync_service_full(&mut self, ns: &str, name: &str, report: &mut ChangeReport) {
        let key = (ns.to_string(), name.to_string());
        let Some(svc) = self.managed_service(ns, name) else {
            // No Service, no selector, or ExternalName: the controller owns no slices for it.
            if let Some(mut state) = self.endpoints.remove(&key) {
                let before = state.slices.endpoint_count(AddressType::IPv4);
                let writes = state.slices.delete_all();
                self.write_slices(ns, None, &writes, report);
                let ep = if before > 0 {
                    EndpointsWrite::Delete { endpoints: before }
                } else {
                    EndpointsWrite::None
                };
                self.account(ns, name, true, &writes, ep, &mut state, report);
            }
            return;
        };
        let info = service_info(&svc);
        let ports = service_ports(&svc);
        let mut desired = Vec::new();
        let mut contributions: BTreeMap<String, Vec<(AddressType, EndpointKey)>> = BTreeMap::new();
        for (_, entry) in self.store.in_namespace(Kind::Pod, ns) {
            let Object::Pod(pod) = &entry.object else { continue };
            let eps = self.desired_for_pod(&svc, &info, &ports, pod);
            if !eps.is_empty() {
                contributions.insert(
                    pod.metadata.name.clone(),
                    eps.iter()
                        .map(|d| (d.address_type, d.endpoint.key.clone()))
                        .collect(),
                );
            }
            desired.extend(eps);
        }
        let mut state = self.endpoints.remove(&key).unwrap_or_default();
        let before = state.slices.endpoint_count(AddressType::IPv4);
        let mut rng = self.rng.fork("endpointslice").fork(name);
        self.rng.next_u64();
        let max = self.config.max_endpoints_per_slice;
        match state.slices.reconcile(&info, max, &desired, &mut rng) {
            Ok(out) => {
                state.pods = contributions;
                self.write_slices(ns, Some(&svc), &out.writes, report);
                let after = state.slices.endpoint_count(AddressType::IPv4);
                let ep = if before == 0 && state.totals.changes == 0 {
                    EndpointsWrite::Create { endpoints: after }
                } else if before != after || !out.writes.is_empty() {
                    EndpointsWrite::Update { endpoints: after }
                } else {
                    EndpointsWrite::None
                };
                self.account(ns, name, true, &out.writes, ep, &mut state, report);
            }
            Err(e) => report.warnings.push(Warning {
                object: ObjectKey::new(Kind::Service, ns, name).to_ref(),
                message: alloc::format!("{e}"),
            }),
        }
        self.endpoints.insert(key, state);
    }

    fn sync_service_pods(
        &mut self,
        ns: &str,
        name: &str,
        changed: &alloc::collections::BTreeSet<String>,
        report: &mut ChangeReport,
    ) {
        let key = (ns.to_string(), name.to_string());
        let Some(svc) = self.managed_service(ns, name) else {
            return;
        };
        if !self.endpoints.contains_key(&key) {
            return self.sync_service_full(ns, name, report);
        }
        let info = service_info(&svc);
        let ports = service_ports(&svc);
        let mut changes = Vec::new();
        let mut new_contrib: Vec<(String, Vec<(AddressType, EndpointKey)>)> = Vec::new();
        let Some(state) = self.endpoints.get(&key) else {
            return;
        };
        for pod_name in changed {
            let desired = match self.get(Kind::Pod, Some(ns), pod_name) {
                Some(Object::Pod(p)) => self.desired_for_pod(&svc, &info, &ports, p),
                _ => Vec::new(),
            };
            let old = state.pods.get(pod_name).cloned().unwrap_or_default();
            for (family, k) in &old {
                if !desired
                    .iter()
                    .any(|d| d.address_type == *family && &d.endpoint.key == k)
                {
                    changes.push(EndpointChange::Remove {
                        address_type: *family,
                        key: k.clone(),
                    });
                }
            }
            for d in &desired {
                let unchanged = state
                    .slices
                    .slice_of(d.address_type, &d.endpoint.key)
                    .is_some_and(|s| {
                        PortKey::of(&s.ports) == PortKey::of(&d.ports)
                            && s.endpoints.iter().any(|e| e == &d.endpoint)
                    });
                if !unchanged {
                    changes.push(EndpointChange::Upsert(d.clone()));
                }
            }
            new_contrib.push((
                pod_name.clone(),
                desired
                    .iter()
                    .map(|d| (d.address_type, d.endpoint.key.clone()))
                    .collect(),
            ));
        }
        if changes.is_empty() {
            return;
        }
        let Some(mut state) = self.endpoints.remove(&key) else {
            return;
        };
        let mut rng = self.rng.fork("endpointslice").fork(name);
        self.rng.next_u64();
        let max = self.config.max_endpoints_per_slice;
        match state.slices.apply_delta(&info, max, &changes, &mut rng) {
            Ok(out) => {
                for (pod, contrib) in new_contrib {
                    if contrib.is_empty() {
                        state.pods.remove(&pod);
                    } else {
                        state.pods.insert(pod, contrib);
                    }
                }
                self.write_slices(ns, Some(&svc), &out.writes, report);
                let after = state.slices.endpoint_count(AddressType::IPv4);
                let ep = if out.writes.is_empty() {
                    EndpointsWrite::None
                } else {
                    EndpointsWrite::Update { endpoints: after }
                };
                self.account(ns, name, false, &out.writes, ep, &mut state, report);
                self.endpoints.insert(key, state);
            }
            Err(ReconcileError::NeedsFullReconcile(_)) => {
                self.endpoints.insert(key, state);
                self.sync_service_full(ns, name, report);
            }
            Err(e) => {
                self.endpoints.insert(key, state);
                report.warnings.push(Warning {
                    object: ObjectKey::new(Kind::Service, ns, name).to_ref(),
                    message: alloc::format!("{e}"),
                });
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn account(
        &self,
        ns: &str,
        name: &str,
        full_sync: bool,
        writes: &[SliceWrite],
        endpoints: EndpointsWrite,
        state: &mut ServiceEndpoints,
        report: &mut ChangeReport,
    ) {
        let nodes = self.node_ipam.node_count() as u64;
        let churn = ChurnReport::for_change(writes, endpoints, nodes, &ObjectSizeModel::KEP_752);
        state.totals.add(&churn);
        let mut counts = WriteCounts::default();
        for w in writes {
            match w.op {
                WriteOp::Create => counts.creates += 1,
                WriteOp::Update => counts.updates += 1,
                WriteOp::Delete => counts.deletes += 1,
            }
        }
        report.churn.push(ServiceChurn {
            service: ObjectKey::new(Kind::Service, ns, name).to_ref(),
            full_sync,
            writes: counts,
            slices: writes.iter().map(SliceWrite::summary).collect(),
            endpoints,
            churn,
        });
    }

    /// Writes the reconciler's output as EndpointSlice objects.
    fn write_slices(
        &mut self,
        ns: &str,
        svc: Option<&Service>,
        writes: &[SliceWrite],
        report: &mut ChangeReport,
    ) {
        for w in writes {
            let key = ObjectKey::new(Kind::EndpointSlice, ns, &w.slice.name);
            let reason = alloc::format!("{:?}", w.cause);
            match (w.op, svc) {
                (WriteOp::Delete, _) | (_, None) => {
                    if self.store.remove(&key).is_some() {
                        self.event(
                            report,
                            crate::cluster::Action::Deleted,
                            &key,
                            crate::cluster::Actor::Controller(CONTROLLER),
                            Some(reason),
                        );
                    }
                }
                (_, Some(svc)) => {
                    let object = Object::EndpointSlice(slice_object(ns, svc, &w.slice));
                    self.put_derived(object, CONTROLLER, Some(reason), report);
                }
            }
        }
    }

    /// EndpointSlice churn totals of a Service since it was created.
    pub fn churn_totals(&self, namespace: &str, service: &str) -> Option<ChurnTotals> {
        self.endpoints
            .get(&(namespace.to_string(), service.to_string()))
            .map(|s| s.totals)
    }

    /// The Service's legacy `v1.Endpoints` object as the Endpoints controller writes it
    /// (1000-address cap and truncation annotation included); `None` for Services without a
    /// managed selector. User-written Endpoints are read with `get`.
    pub fn endpoints_object(&self, namespace: &str, service: &str) -> Option<model::Endpoints> {
        let svc = self.managed_service(namespace, service)?;
        let info = service_info(&svc);
        let ports = service_ports(&svc);
        let selector = managed_selector(&svc)?;
        let pods: Vec<LegacyPod> = self
            .store
            .in_namespace(Kind::Pod, namespace)
            .filter_map(|(_, e)| match &e.object {
                Object::Pod(p) if selector.iter().all(|(k, v)| p.metadata.labels.get(k) == Some(v)) => {
                    Some(LegacyPod {
                        pod: self.pod_input(p),
                        ports: endpoints::resolve_ports(&ports, &pod_ports(p)).ports,
                    })
                }
                _ => None,
            })
            .collect();
        let input = endpoints::LegacyInput {
            service: &info,
            has_service_ports: !ports.is_empty(),
            family: Some(AddressType::IPv4),
            pods: &pods,
        };
        let legacy = endpoints::build_endpoints(&input).ok()?;
        let address = |a: &endpoints::EndpointAddress| model::EndpointAddress {
            ip: a.ip.clone(),
            hostname: a.hostname.clone(),
            node_name: a.node_name.clone(),
            target_ref: Some(ObjectReference {
                kind: "Pod".to_string(),
                namespace: Some(a.target_ref.namespace.clone()),
                name: a.target_ref.name.clone(),
                uid: Some(a.target_ref.uid.clone()),
            }),
        };
        Some(model::Endpoints {
            metadata: ObjectMeta {
                name: legacy.name.clone(),
                namespace: Some(legacy.namespace.clone()),
                labels: legacy.labels.clone(),
                annotations: legacy.annotations.clone(),
                ..Default::default()
            },
            subsets: legacy
                .subsets
                .iter()
                .map(|s| model::EndpointSubset {
                    addresses: s.addresses.iter().map(address).collect(),
                    not_ready_addresses: s.not_ready_addresses.iter().map(address).collect(),
                    ports: s
                        .ports
                        .iter()
                        .map(slice_port)
                        .map(|p| model::EndpointPort {
                            name: p.name,
                            port: p.port.unwrap_or(0),
                            protocol: p.protocol,
                            app_protocol: p.app_protocol,
                        })
                        .collect(),
                })
                .collect(),
        })
    }
}

fn slice_port(p: &endpoints::PortSpec) -> model::EndpointSlicePort {
    model::EndpointSlicePort {
        name: Some(p.name.clone()),
        port: Some(i64::from(p.port)),
        protocol: Some(
            match p.protocol {
                Protocol::Tcp => "TCP",
                Protocol::Udp => "UDP",
                Protocol::Sctp => "SCTP",
            }
            .to_string(),
        ),
        app_protocol: p.app_protocol.clone(),
    }
}

/// The API object for a reconciled slice.
fn slice_object(ns: &str, svc: &Service, s: &endpoints::Slice) -> model::EndpointSlice {
    model::EndpointSlice {
        metadata: ObjectMeta {
            name: s.name.clone(),
            namespace: Some(ns.to_string()),
            labels: s.labels.clone(),
            owner_references: alloc::vec![OwnerReference {
                api_version: "v1".to_string(),
                kind: "Service".to_string(),
                name: svc.metadata.name.clone(),
                uid: svc.metadata.uid.clone().unwrap_or_default(),
                controller: Some(true),
            }],
            ..Default::default()
        },
        address_type: s.address_type.as_str().to_string(),
        endpoints: s
            .endpoints
            .iter()
            .map(|e| model::Endpoint {
                addresses: e.key.addresses().to_vec(),
                conditions: model::EndpointConditions {
                    ready: Some(e.conditions.ready),
                    serving: Some(e.conditions.serving),
                    terminating: Some(e.conditions.terminating),
                },
                hostname: e.key.hostname().map(ToString::to_string),
                node_name: e.node_name.clone(),
                zone: e.zone.clone(),
                target_ref: Some(ObjectReference {
                    kind: "Pod".to_string(),
                    namespace: Some(e.key.pod_namespace().to_string()),
                    name: e.key.pod_name().to_string(),
                    uid: Some(e.pod_uid.clone()),
                }),
                hints: None,
            })
            .collect(),
        ports: s.ports.iter().map(slice_port).collect(),
    }
}
