//! Pods: scheduling, pod IPs, and the lifecycle the simulated clock drives
//! (Pending → Running + Ready after the start delay; terminating → gone after the grace period).
//! Also the user's pod actions: fail, make (not) ready, delete.

use crate::json::{FromJson, ToJson};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::cluster::{Action, Actor, ApplyError, ChangeReport, Cluster, ObjectKey, Timer};
use crate::ipam::Ipv4Cidr;
use crate::model::{Condition, Kind, Object, Pod, PodIp};

const KUBELET: &str = "kubelet";
const SCHEDULER: &str = "scheduler";

/// The reasons of the pod events this module records; `view::lifecycle` reads them back as
/// milestones, so a reason is named once.
pub(crate) mod reason {
    pub const UNSCHEDULABLE: &str = "unschedulable";
    pub const NODE_NOT_FOUND: &str = "node not found";
    pub const NO_POD_IP: &str = "no pod IP left";
    pub const SCHEDULED: &str = "scheduled";
    pub const STARTED: &str = "containers started; readiness probe passed";
    pub const TERMINATING: &str = "terminating";
    pub const PROBE_FAILING: &str = "readiness probe failing";
    pub const PROBE_PASSING: &str = "readiness probe passing";
    pub const EXITED: &str = "container exited with an error";
}

/// What the user can do to a running pod to see how the cluster reacts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson, FromJson)]
pub enum PodAction {
    /// The pod's readiness probe starts failing: Ready=False, still Running.
    MakeNotReady,
    /// The readiness probe passes again.
    MakeReady,
    /// The container exits: phase Failed (its controller replaces it).
    Fail,
    /// `kubectl delete pod`: terminating, then gone after its grace period.
    Delete,
}

fn set_condition(pod: &mut Pod, type_: &str, status: bool, at: &str) {
    let status = if status { "True" } else { "False" };
    match pod.status.conditions.iter_mut().find(|c| c.type_ == type_) {
        Some(c) if c.status == status => {}
        Some(c) => {
            c.status = status.to_string();
            c.last_transition_time = Some(at.to_string());
        }
        None => pod.status.conditions.push(Condition {
            type_: type_.to_string(),
            status: status.to_string(),
            last_transition_time: Some(at.to_string()),
            ..Default::default()
        }),
    }
}

impl Cluster {
    fn pod(&self, key: &ObjectKey) -> Option<&Pod> {
        match self.store.get(key).map(|e| &e.object) {
            Some(Object::Pod(p)) => Some(p),
            _ => None,
        }
    }

    /// Rewrites a pod through `change`, records the event and tells the Services about it.
    pub(crate) fn update_pod(
        &mut self,
        key: &ObjectKey,
        by: Actor,
        reason: &str,
        report: &mut ChangeReport,
        change: impl FnOnce(&mut Pod),
    ) {
        let Some(entry) = self.store.get(key) else { return };
        let Object::Pod(old) = &entry.object else { return };
        let old = old.clone();
        let mut new = old.clone();
        change(&mut new);
        if new == old {
            return;
        }
        if let Some(e) = self.store.get_mut(key) {
            e.object = Object::Pod(new);
        }
        self.event(report, Action::Updated, key, by, Some(reason.to_string()));
        self.pod_changed(&key.namespace, &key.name, Some(&old.metadata.labels));
        // A StatefulSet waits on its pods' readiness; a ReplicaSet only counts them, so it is
        // not woken here (that keeps a readiness flip O(1) in the size of the ReplicaSet).
        match self.owner_of(key) {
            Some(owner) if owner.kind == Kind::StatefulSet => self.enqueue_owner(owner),
            Some(owner) if owner.kind == Kind::ReplicaSet => self.wake_rollout(&owner),
            _ => {}
        }
    }

    /// A new pod: bind it to a node, give it an IP, and start it.
    pub(crate) fn start_pod(&mut self, key: &ObjectKey, report: &mut ChangeReport) {
        let Some(pod) = self.pod(key) else { return };
        if pod.status.pod_ip.is_some() || pod.is_terminating() {
            return;
        }
        let node_name = match &pod.spec.node_name {
            Some(n) => Some(n.clone()),
            None => self.pick_node(pod),
        };
        let Some(node_name) = node_name else {
            let message = format!(
                "0/{} nodes are available to schedule the pod",
                self.schedulable_nodes().len()
            );
            self.update_pod(
                key,
                Actor::Controller(SCHEDULER),
                reason::UNSCHEDULABLE,
                report,
                |p| {
                    p.status.phase = Some("Pending".to_string());
                    p.status.reason = Some("Unschedulable".to_string());
                    p.status.message = Some(message);
                },
            );
            return;
        };
        let node = self.get(Kind::Node, None, &node_name).and_then(|o| match o {
            Object::Node(n) => Some((n.internal_ip().map(ToString::to_string), n.spec.pod_cidr.clone())),
            _ => None,
        });
        let Some((host_ip, Some(pod_cidr))) = node else {
            self.update_pod(
                key,
                Actor::Controller(KUBELET),
                reason::NODE_NOT_FOUND,
                report,
                |p| {
                    p.status.phase = Some("Pending".to_string());
                    p.status.reason = Some("NodeNotFound".to_string());
                    p.status.message = Some(format!("node {node_name} does not exist"));
                },
            );
            return;
        };
        let ip = Ipv4Cidr::parse(&pod_cidr)
            .ok()
            .and_then(|c| self.node_ipam.allocate_pod_ip(&node_name, &c));
        let Some(ip) = ip else {
            self.update_pod(key, Actor::Controller(KUBELET), reason::NO_POD_IP, report, |p| {
                p.spec.node_name = Some(node_name.clone());
                p.status.phase = Some("Pending".to_string());
                p.status.reason = Some("PodCIDRExhausted".to_string());
                p.status.message = Some(format!("no free IP left in {pod_cidr} on {node_name}"));
            });
            return;
        };
        let now = crate::cluster::time::rfc3339(self.now_ms);
        self.update_pod(
            key,
            Actor::Controller(SCHEDULER),
            reason::SCHEDULED,
            report,
            |p| {
                p.spec.node_name = Some(node_name.clone());
                p.status.phase = Some("Pending".to_string());
                p.status.reason = None;
                p.status.message = None;
                p.status.host_ip = host_ip;
                p.status.pod_ip = Some(ip.to_string());
                p.status.pod_ips = alloc::vec![PodIp { ip: ip.to_string() }];
                set_condition(p, "PodScheduled", true, &now);
                set_condition(p, "Ready", false, &now);
            },
        );
        let at = self.now_ms.saturating_add(self.config.pod_start_delay_ms);
        self.schedule(at, Timer::PodStarted(key.clone()));
    }

    /// The scheduler's choice: the schedulable node matching `nodeSelector` with the fewest
    /// pods; ties go to the first by name. Deterministic, so traces are reproducible. Nodes are
    /// kept ordered by load, so this is O(log nodes) unless many nodes are excluded.
    fn pick_node(&self, pod: &Pod) -> Option<String> {
        self.node_ipam
            .by_load()
            .find(|name| match self.get(Kind::Node, None, name) {
                Some(Object::Node(n)) => {
                    !n.spec.unschedulable
                        && pod
                            .spec
                            .node_selector
                            .iter()
                            .all(|(k, v)| n.metadata.labels.get(k) == Some(v))
                }
                _ => false,
            })
            .map(ToString::to_string)
    }

    pub(crate) fn pod_started(&mut self, key: &ObjectKey, report: &mut ChangeReport) {
        let Some(pod) = self.pod(key) else { return };
        if pod.is_terminating() || pod.phase() != "Pending" || pod.status.pod_ip.is_none() {
            return;
        }
        let now = crate::cluster::time::rfc3339(self.now_ms);
        self.update_pod(key, Actor::Controller(KUBELET), reason::STARTED, report, |p| {
            p.status.phase = Some("Running".to_string());
            set_condition(p, "ContainersReady", true, &now);
            set_condition(p, "Ready", true, &now);
        });
        // `update_pod` woke a StatefulSet owner, or a Deployment in the middle of a rollout; a
        // steady ReplicaSet only counts pods, and a pod becoming Ready does not change its count.
    }

    /// Starts graceful termination: the pod gets a `deletionTimestamp` and leaves after its
    /// grace period. A pod that never got an IP goes at once.
    pub(crate) fn terminate_pod(&mut self, key: &ObjectKey, by: Actor, report: &mut ChangeReport) {
        let Some(pod) = self.pod(key) else { return };
        if pod.is_terminating() {
            return;
        }
        if pod.status.pod_ip.is_none() || matches!(pod.phase(), "Failed" | "Succeeded") {
            self.remove_pod_now(key, by, report);
            return;
        }
        let grace = pod
            .spec
            .termination_grace_period_seconds
            .and_then(|g| u64::try_from(g).ok())
            .unwrap_or(self.config.default_termination_grace_seconds);
        let now = crate::cluster::time::rfc3339(self.now_ms);
        self.update_pod(key, by, reason::TERMINATING, report, |p| {
            p.metadata.deletion_timestamp = Some(now.clone());
            set_condition(p, "Ready", false, &now);
        });
        let at = self.now_ms.saturating_add(grace.saturating_mul(1000));
        self.schedule(at, Timer::PodGone(key.clone()));
        self.wake_owner(key);
    }

    pub(crate) fn pod_gone(&mut self, key: &ObjectKey, report: &mut ChangeReport) {
        self.remove_pod_now(key, Actor::Controller(KUBELET), report);
    }

    /// Removes a pod from the store and frees its IP.
    pub(crate) fn remove_pod_now(&mut self, key: &ObjectKey, by: Actor, report: &mut ChangeReport) {
        let owner = self.owner_of(key);
        let Some(entry) = self.store.remove(key) else {
            return;
        };
        let Object::Pod(pod) = entry.object else { return };
        if let (Some(node), Some(ip)) = (
            &pod.spec.node_name,
            pod.status.pod_ip.as_deref().and_then(|i| i.parse().ok()),
        ) {
            let cidr = self.get(Kind::Node, None, node).and_then(|o| match o {
                Object::Node(n) => n.spec.pod_cidr.as_deref().and_then(|c| Ipv4Cidr::parse(c).ok()),
                _ => None,
            });
            if let Some(cidr) = cidr {
                self.node_ipam.release_pod_ip(node, &cidr, ip);
            }
        }
        self.event(report, Action::Deleted, key, by, None);
        self.pod_changed(&key.namespace, &key.name, Some(&pod.metadata.labels));
        if let Some(owner) = owner {
            if owner.kind == Kind::ReplicaSet {
                self.wake_rollout(&owner);
            }
            self.enqueue_owner(owner);
        }
    }

    /// Applies a [`PodAction`] to a pod.
    pub fn pod_action(
        &mut self,
        namespace: &str,
        name: &str,
        action: PodAction,
    ) -> Result<ChangeReport, ApplyError> {
        let key = ObjectKey::new(Kind::Pod, namespace, name);
        if self.pod(&key).is_none() {
            return Err(ApplyError::NotFound(key.to_ref()));
        }
        let mut report = ChangeReport::default();
        let now = crate::cluster::time::rfc3339(self.now_ms);
        match action {
            PodAction::MakeNotReady => {
                self.update_pod(&key, Actor::User, reason::PROBE_FAILING, &mut report, |p| {
                    if p.phase() == "Running" {
                        set_condition(p, "Ready", false, &now);
                    }
                })
            }
            PodAction::MakeReady => {
                self.update_pod(&key, Actor::User, reason::PROBE_PASSING, &mut report, |p| {
                    if p.phase() == "Running" && !p.is_terminating() {
                        set_condition(p, "Ready", true, &now);
                    }
                })
            }
            PodAction::Fail => {
                self.update_pod(&key, Actor::User, reason::EXITED, &mut report, |p| {
                    p.status.phase = Some("Failed".to_string());
                    set_condition(p, "Ready", false, &now);
                    set_condition(p, "ContainersReady", false, &now);
                });
                self.wake_owner(&key);
            }
            PodAction::Delete => self.terminate_pod(&key, Actor::User, &mut report),
        }
        self.settle(&mut report);
        Ok(report)
    }

    /// The controller object (ReplicaSet or StatefulSet) a pod belongs to.
    pub(crate) fn owner_of(&self, pod: &ObjectKey) -> Option<ObjectKey> {
        let p = self.pod(pod)?;
        let r = p
            .metadata
            .owner_references
            .iter()
            .find(|r| r.controller == Some(true))?;
        let kind = Kind::parse(&r.kind)?;
        Some(ObjectKey::new(kind, &pod.namespace, &r.name))
    }

    fn wake_owner(&mut self, pod: &ObjectKey) {
        if let Some(owner) = self.owner_of(pod) {
            self.enqueue_owner(owner);
        }
    }

    pub(crate) fn enqueue_owner(&mut self, owner: ObjectKey) {
        match owner.kind {
            Kind::ReplicaSet => {
                self.work.replica_sets.insert(owner);
            }
            Kind::StatefulSet => {
                self.work.stateful_sets.insert(owner);
            }
            _ => {}
        }
    }

    /// Pods of a controller, by its uid.
    pub(crate) fn pods_owned_by(&self, uid: &str) -> Vec<(ObjectKey, &Pod)> {
        self.store
            .owned_by(uid)
            .filter(|k| k.kind == Kind::Pod)
            .filter_map(|k| self.pod(k).map(|p| (k.clone(), p)))
            .collect()
    }
}
