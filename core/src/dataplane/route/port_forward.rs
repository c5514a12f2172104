//! `kubectl port-forward` (SPEC §8): kubectl resolves its target to one pod and the API server
//! streams the local port to that pod's port through the kubelet. No Service VIP, no kube-proxy,
//! no load balancing.
//!
//! kubectl's choice (`GetFirstPod` sorted by `sort.Reverse(podutils.ActivePods)`): a pod
//! assigned to a node before one that is not; Running before Unknown before Pending; Ready
//! before not; Ready for longer first; then older first. A Service port is mapped to its
//! targetPort (a name is looked up in the chosen pod's container ports), as kubectl's
//! `translateServicePortToTargetPort` does.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::proxy::{ns_of, object_ref, pod_ref, Walk};
use super::request::{ForwardTarget, PortForward};
use super::trace::*;
use crate::cluster::ObjectKey;
use crate::error::{FieldPath, ObjectRef};
use crate::model::{IntOrString, Kind, Object, Pod, PodPhase};
use crate::selector::{label_selector_as_selector, service_selector, Selector};
use crate::sort::SharedSort;

impl<'a, 'c> Walk<'a, 'c> {
    pub fn port_forward(&mut self, pf: &PortForward) -> Verdict {
        self.push(
            Step::Client {
                ip: "127.0.0.1".to_string(),
                node: None,
            },
            None,
        );
        let local = matches!(self.url.host.as_str(), "localhost" | "127.0.0.1");
        if !local || self.url.port != pf.local_port {
            return Verdict::Rejected {
                why: Refusal::NotForwarded {
                    port: self.url.port,
                    forwarded: pf.local_port,
                },
            };
        }
        let ns = pf.namespace.as_str();
        let (target, selector) = match self.forward_selector(pf) {
            Ok(found) => found,
            Err(verdict) => return verdict,
        };
        let mut pods: Vec<&Pod> = match &pf.target {
            ForwardTarget::Pod(name) => self.dp.pod(ns, name).into_iter().collect(),
            _ => self
                .dp
                .cluster
                .list(Kind::Pod, Some(ns))
                .into_iter()
                .filter_map(|o| match o {
                    Object::Pod(p) if selector.matches(&p.metadata.labels) => Some(p),
                    _ => None,
                })
                .collect(),
        };
        let created = |p: &Pod| {
            let key = ObjectKey::new(Kind::Pod, ns_of(&p.metadata), &p.metadata.name);
            self.dp.cluster.store.get(&key).map(|e| e.created_ms).unwrap_or(0)
        };
        pods.stable_sort_by_key(|p| {
            let phase = match p.phase_kind() {
                PodPhase::Running => 0,
                PodPhase::Unknown => 1,
                PodPhase::Pending => 2,
                _ => 3,
            };
            let ready_since = p
                .status
                .conditions
                .iter()
                .find(|c| c.type_ == "Ready" && c.status == "True")
                .and_then(|c| c.last_transition_time.clone())
                .unwrap_or_else(|| "~".to_string());
            (
                p.spec.node_name.is_none(),
                phase,
                !p.is_ready(),
                ready_since,
                created(p),
                p.metadata.name.clone(),
            )
        });
        let mut hop = PortForwardHop {
            local_port: pf.local_port,
            remote_port: pf.remote_port,
            pods: pods.iter().map(|p| p.metadata.name.clone()).collect(),
            chosen: None,
            pod_port: None,
            no_load_balancing: true,
        };
        let Some(pod) = pods
            .first()
            .copied()
            .filter(|p| p.phase_kind() == PodPhase::Running)
        else {
            self.push(Step::PortForward(hop), Some(target.clone()));
            return Verdict::NoRoute {
                why: NoRouteReason::NoRunningPod { target },
            };
        };
        hop.chosen = Some(pod.metadata.name.clone());
        let pod_port = match self.forward_port(pf, pod, &target) {
            Ok(p) => p,
            Err(verdict) => {
                self.push(Step::PortForward(hop), Some(target));
                return verdict;
            }
        };
        hop.pod_port = Some(pod_port);
        self.push(Step::PortForward(hop), Some(target));
        let Some(ip) = pod.status.pod_ip.clone() else {
            return Verdict::NoRoute {
                why: NoRouteReason::PodHasNoIp { pod: pod_ref(pod) },
            };
        };
        // The stream enters the pod's network namespace: the container sees a local peer.
        self.deliver(&ip, pod_port, "127.0.0.1", None)
    }

    /// The target object and the selector of its pods.
    fn forward_selector(&self, pf: &PortForward) -> Result<(ObjectRef, Selector), Verdict> {
        let ns = pf.namespace.as_str();
        let missing = |kind: &str, name: &str| Verdict::NoRoute {
            why: NoRouteReason::TargetNotFound {
                target: object_ref(kind, Some(ns), name),
            },
        };
        let at = FieldPath::new("spec.selector");
        match &pf.target {
            ForwardTarget::Pod(name) => match self.dp.pod(ns, name) {
                Some(p) => Ok((pod_ref(p), Selector::everything())),
                None => Err(missing("Pod", name)),
            },
            ForwardTarget::Service(name) => {
                let svc = self
                    .dp
                    .service(ns, name)
                    .ok_or_else(|| missing("Service", name))?;
                let target = object_ref("Service", Some(ns), name);
                // kubectl: "Service is defined without a selector".
                let selector = service_selector(svc.spec.selector.as_ref()).ok_or(Verdict::NoRoute {
                    why: NoRouteReason::NoRunningPod {
                        target: target.clone(),
                    },
                })?;
                Ok((target, selector))
            }
            ForwardTarget::Deployment(name) => match self.dp.cluster.get(Kind::Deployment, Some(ns), name) {
                Some(Object::Deployment(d)) => Ok((
                    object_ref("Deployment", Some(ns), name),
                    label_selector_as_selector(d.spec.selector.as_ref(), &at).unwrap_or(Selector::Nothing),
                )),
                _ => Err(missing("Deployment", name)),
            },
            ForwardTarget::StatefulSet(name) => {
                match self.dp.cluster.get(Kind::StatefulSet, Some(ns), name) {
                    Some(Object::StatefulSet(s)) => Ok((
                        object_ref("StatefulSet", Some(ns), name),
                        label_selector_as_selector(s.spec.selector.as_ref(), &at)
                            .unwrap_or(Selector::Nothing),
                    )),
                    _ => Err(missing("StatefulSet", name)),
                }
            }
        }
    }

    /// The pod port the remote port reaches.
    fn forward_port(&self, pf: &PortForward, pod: &Pod, target: &ObjectRef) -> Result<u16, Verdict> {
        let ForwardTarget::Service(name) = &pf.target else {
            return Ok(pf.remote_port);
        };
        let no_port = || Verdict::NoRoute {
            why: NoRouteReason::NoServicePort {
                service: target.clone(),
                port: pf.remote_port,
            },
        };
        let svc = self.dp.service(&pf.namespace, name).ok_or_else(no_port)?;
        let sp = svc
            .spec
            .ports
            .iter()
            .find(|p| p.port == i64::from(pf.remote_port))
            .ok_or_else(no_port)?;
        match &sp.target_port {
            None => Ok(pf.remote_port),
            Some(IntOrString::Int(i)) => Ok(u16::try_from(*i).unwrap_or(pf.remote_port)),
            Some(IntOrString::String(port_name)) => pod
                .spec
                .containers
                .iter()
                .flat_map(|c| c.ports.iter())
                .find(|p| p.name.as_deref() == Some(port_name.as_str()))
                .and_then(|p| u16::try_from(p.container_port).ok())
                .ok_or_else(|| Verdict::NoRoute {
                    why: NoRouteReason::TargetPortNotFound {
                        service: target.clone(),
                        target_port: String::from(port_name.as_str()),
                    },
                }),
        }
    }
}
