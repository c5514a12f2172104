//! The simulated cluster: a store of objects, the controllers that keep derived objects in
//! line with them, and a clock the caller advances.
//!
//! Every public change (`apply`, `delete`, a pod action, `advance`) runs the controllers until
//! nothing is left to do and returns a [`ChangeReport`]: the events, warnings and EndpointSlice
//! churn it caused. `apply` is atomic: the whole batch is validated and admitted (names,
//! namespaces, ClusterIPs, NodePorts) before anything is written; on error nothing changed.
//!
//! Invariants: no method reads a clock or ambient randomness (time is `now_ms`, randomness comes
//! from the config's seed); same config and same calls give the same cluster; bad input is an
//! `Err`, never a panic.

mod admission;
mod applied;
mod config;
mod derived;
mod events;
mod references;
mod store;
pub mod time;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use config::{ClusterConfig, ConfigError};
pub use events::{Action, Actor, ChangeReport, Event, Warning};
pub use references::{DanglingReference, ReferenceProblem};
pub use store::{Entry, ObjectKey, Origin, Store};

use alloc::collections::{BTreeSet, BinaryHeap};
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::collections::{VecMap, VecSet};
pub use crate::controllers::endpointslices::ServiceChurn;
use crate::controllers::endpointslices::ServiceEndpoints;
use crate::controllers::nodes::NodeIpam;
pub use crate::controllers::services::ServiceIndex;
use crate::error::{ObjectError, ObjectRef};
use crate::ipam::{IpAllocator, LbPool, PortAllocator};
use crate::model::{Kind, Object};
use crate::rng::Rng;

/// Why a change was refused. Nothing was changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApplyError {
    /// One or more objects are invalid; each error names its object and field paths.
    Invalid(Vec<ObjectError>),
    /// The object to delete or act on does not exist.
    NotFound(ObjectRef),
    /// The object is managed by a controller and cannot be changed directly.
    Managed { object: ObjectRef, by: &'static str },
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApplyError::Invalid(errors) => {
                for (i, e) in errors.iter().enumerate() {
                    if i > 0 {
                        f.write_str("\n")?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
            ApplyError::NotFound(o) => write!(f, "{o} not found"),
            ApplyError::Managed { object, by } => {
                write!(
                    f,
                    "{object} is managed by the {by} controller; change its owner instead"
                )
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ApplyError {}

/// A timer the clock fires when `advance` passes its instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Timer {
    /// A scheduled pod finishes starting: Running and Ready.
    PodStarted(ObjectKey),
    /// A terminating pod's grace period ends: it is removed.
    PodGone(ObjectKey),
    /// Re-run a StatefulSet (minReadySeconds elapsed).
    StatefulSetResync(ObjectKey),
}

/// A timer in the clock's queue: due at `at_ms`, scheduled `seq`-th. The queue is a binary
/// heap (insert and take the first in O(log n), less code than a B-tree map); its first is the
/// earliest instant, then the earliest scheduled, so timers fire in the order they would from
/// a map keyed by `(at_ms, seq)`. `seq` is unique, so that order is total.
#[derive(Clone, Debug)]
pub(crate) struct Scheduled {
    at_ms: u64,
    seq: u64,
    timer: Timer,
}

impl Scheduled {
    fn due(&self) -> (u64, u64) {
        (self.at_ms, self.seq)
    }
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        self.due() == other.due()
    }
}

impl Eq for Scheduled {}

impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scheduled {
    /// Reversed: the heap's greatest is the first due.
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        other.due().cmp(&self.due())
    }
}

/// The whole simulated cluster. See the module documentation.
#[derive(Clone, Debug)]
pub struct Cluster {
    pub(crate) config: ClusterConfig,
    pub(crate) now_ms: u64,
    pub(crate) store: Store,
    pub(crate) rng: Rng,
    pub(crate) service_ips: IpAllocator,
    pub(crate) node_ports: PortAllocator,
    pub(crate) lb_pool: LbPool,
    pub(crate) node_ipam: NodeIpam,
    pub(crate) service_index: ServiceIndex,
    /// Endpoint state of every selector-based Service, by (namespace, name).
    pub(crate) endpoints: VecMap<(String, String), ServiceEndpoints>,
    pub(crate) timers: BinaryHeap<Scheduled>,
    pub(crate) timer_seq: u64,
    pub(crate) uid_seq: u64,
    pub(crate) work: WorkQueue,
    pub(crate) stateful_sets: VecMap<ObjectKey, crate::controllers::statefulset_driver::StatefulSetMemory>,
    /// Deployments whose rollout is not finished: their pods' changes wake them.
    pub(crate) rollouts: VecSet<ObjectKey>,
    /// The dataplane's memory between routed requests (affinity, round robin, random stream).
    pub(crate) route_state: crate::dataplane::route::RouteState,
    /// The user's objects as last applied (see `applied.rs`).
    pub(crate) applied: applied::Applied,
}

/// What the controllers still have to look at.
#[derive(Clone, Debug, Default)]
pub(crate) struct WorkQueue {
    pub deployments: VecSet<ObjectKey>,
    pub replica_sets: VecSet<ObjectKey>,
    pub stateful_sets: VecSet<ObjectKey>,
    /// Services whose whole endpoint set must be recomputed (created, spec changed).
    pub services_full: VecSet<(String, String)>,
    /// Pods that changed, per Service that selected them before or after the change.
    pub service_pods: VecMap<(String, String), BTreeSet<String>>,
}

impl WorkQueue {
    fn is_empty(&self) -> bool {
        self.deployments.is_empty()
            && self.replica_sets.is_empty()
            && self.stateful_sets.is_empty()
            && self.services_full.is_empty()
            && self.service_pods.is_empty()
    }
}

/// Upper bound on controller rounds per change; reaching it means a controller bug, reported
/// as a warning rather than looping forever.
const MAX_ROUNDS: usize = 10_000;

impl Cluster {
    /// A cluster with the config's default nodes and nothing else.
    pub fn new(config: ClusterConfig) -> Result<Cluster, ConfigError> {
        let plan = config.address_plan()?;
        let config_error = |field: &'static str| {
            move |e: crate::ipam::CidrError| ConfigError {
                field,
                message: alloc::format!("{e}"),
            }
        };
        let mut cluster = Cluster {
            rng: Rng::new(config.seed),
            now_ms: 0,
            store: Store::default(),
            service_ips: IpAllocator::new(plan.service_cidr).map_err(config_error("serviceCidr"))?,
            node_ports: PortAllocator::new(plan.node_ports),
            lb_pool: LbPool::new(plan.lb_pool).map_err(config_error("loadBalancerPool"))?,
            node_ipam: NodeIpam::new(plan.node_cidr, plan.pod_cidr, config.pod_cidr_prefix),
            service_index: ServiceIndex::default(),
            endpoints: VecMap::new(),
            timers: BinaryHeap::new(),
            timer_seq: 0,
            uid_seq: 0,
            work: WorkQueue::default(),
            stateful_sets: VecMap::new(),
            rollouts: VecSet::new(),
            route_state: crate::dataplane::route::RouteState::new(config.seed),
            applied: applied::Applied::default(),
            config,
        };
        cluster.bootstrap();
        Ok(cluster)
    }

    /// Which Services select which pods (used by the inspector and the benchmarks).
    pub fn service_index(&self) -> &ServiceIndex {
        &self.service_index
    }

    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// Simulated time, in milliseconds since start.
    pub fn now_ms(&self) -> u64 {
        self.now_ms
    }

    /// When the clock next has something to do (a pod finishing its start or its grace
    /// period, a StatefulSet's `minReadySeconds`): `None` when nothing is scheduled.
    pub fn next_timer_ms(&self) -> Option<u64> {
        self.timers.peek().map(|t| t.at_ms)
    }

    /// Creates or replaces every object of the batch, or nothing (see [`ApplyError`]).
    pub fn apply(&mut self, objects: Vec<Object>) -> Result<ChangeReport, ApplyError> {
        let written = objects.clone();
        let admitted = admission::admit(self, objects)?;
        let mut report = ChangeReport::default();
        admission::commit(self, admitted, &mut report);
        let written_keys = self.applied.record(written, &report, self.now_ms);
        self.settle(&mut report);
        report.references = references::dangling(self, &written_keys);
        Ok(report)
    }

    /// Deletes a user object (and, through the controllers, what it owned).
    pub fn delete(
        &mut self,
        kind: Kind,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<ChangeReport, ApplyError> {
        let key = ObjectKey::new(kind, namespace.unwrap_or("default"), name);
        let origin = match self.store.get(&key) {
            None => return Err(ApplyError::NotFound(key.to_ref())),
            Some(e) => e.origin,
        };
        if let Origin::Controller(by) = origin {
            // Pods may be deleted by hand (their controller replaces them); derived objects may not.
            if kind != Kind::Pod {
                return Err(ApplyError::Managed {
                    object: key.to_ref(),
                    by,
                });
            }
        }
        let mut report = ChangeReport::default();
        self.applied.forget(&key);
        self.delete_object(&key, Actor::User, &mut report);
        self.settle(&mut report);
        Ok(report)
    }

    /// `kubectl scale`: sets `spec.replicas` of a user's Deployment, ReplicaSet or
    /// StatefulSet to `replicas` and applies it (the object as last applied, so nothing the
    /// cluster filled in is frozen into it). The controllers react as for any apply; pods start
    /// as the clock moves.
    pub fn scale(
        &mut self,
        kind: Kind,
        namespace: Option<&str>,
        name: &str,
        replicas: i64,
    ) -> Result<ChangeReport, ApplyError> {
        let key = ObjectKey::new(kind, namespace.unwrap_or("default"), name);
        let Some((_, applied)) = self.applied_objects().find(|(k, _)| **k == key) else {
            return Err(match self.store.get(&key) {
                Some(e) => match e.origin {
                    Origin::Controller(by) => ApplyError::Managed {
                        object: key.to_ref(),
                        by,
                    },
                    Origin::User => ApplyError::NotFound(key.to_ref()),
                },
                None => ApplyError::NotFound(key.to_ref()),
            });
        };
        let mut object = applied.clone();
        match &mut object {
            Object::Deployment(d) => d.spec.replicas = Some(replicas),
            Object::ReplicaSet(r) => r.spec.replicas = Some(replicas),
            Object::StatefulSet(s) => s.spec.replicas = Some(replicas),
            _ => {
                return Err(ApplyError::Invalid(alloc::vec![ObjectError {
                    object: key.to_ref(),
                    index: None,
                    errors: alloc::vec![crate::error::FieldError::forbidden(
                        crate::error::FieldPath::new("spec").child("replicas"),
                        "only a Deployment, ReplicaSet or StatefulSet can be scaled",
                    )],
                }]))
            }
        }
        self.apply(alloc::vec![object])
    }

    /// Moves the simulated clock forward, firing every timer on the way in order. Timers due at
    /// the same instant fire together and the controllers then settle once, as the real
    /// controllers batch the events of one sync.
    pub fn advance(&mut self, ms: u64) -> ChangeReport {
        let target = self.now_ms.saturating_add(ms);
        let mut report = ChangeReport::default();
        while let Some(at) = self.next_timer_ms() {
            if at > target {
                break;
            }
            self.now_ms = at;
            while self.next_timer_ms() == Some(at) {
                let Some(due) = self.timers.pop() else { break };
                self.fire(due.timer, &mut report);
            }
            self.settle(&mut report);
        }
        self.now_ms = target;
        report
    }

    /// The object, if it exists.
    pub fn get(&self, kind: Kind, namespace: Option<&str>, name: &str) -> Option<&Object> {
        self.store
            .get(&ObjectKey::new(kind, namespace.unwrap_or("default"), name))
            .map(|e| &e.object)
    }

    /// Objects of a kind, in one namespace or all, in (namespace, name) order.
    pub fn list(&self, kind: Kind, namespace: Option<&str>) -> Vec<&Object> {
        match namespace {
            Some(ns) if kind.is_namespaced() => self
                .store
                .in_namespace(kind, ns)
                .map(|(_, e)| &e.object)
                .collect(),
            _ => self.store.of_kind(kind).map(|(_, e)| &e.object).collect(),
        }
    }

    /// Objects of kinds kroute does not model, kept as they came.
    pub fn other_objects(&self) -> impl Iterator<Item = &crate::model::OtherObject> + '_ {
        self.store.others()
    }

    /// Who manages the object: `None` when it does not exist.
    pub fn origin(&self, kind: Kind, namespace: Option<&str>, name: &str) -> Option<Origin> {
        self.store
            .get(&ObjectKey::new(kind, namespace.unwrap_or("default"), name))
            .map(|e| e.origin)
    }

    pub(crate) fn next_uid(&mut self) -> String {
        self.uid_seq += 1;
        let mut r = self.rng.fork("uid").fork(&alloc::format!("{}", self.uid_seq));
        let (a, b) = (r.next_u64(), r.next_u64());
        alloc::format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0x0fff,
            (b >> 48) as u16 & 0x3fff | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }

    pub(crate) fn schedule(&mut self, at_ms: u64, timer: Timer) {
        self.timer_seq += 1;
        self.timers.push(Scheduled {
            at_ms,
            seq: self.timer_seq,
            timer,
        });
    }

    pub(crate) fn event(
        &self,
        report: &mut ChangeReport,
        action: Action,
        key: &ObjectKey,
        by: Actor,
        reason: Option<String>,
    ) {
        report.events.push(Event {
            at_ms: self.now_ms,
            action,
            object: key.to_ref(),
            by,
            reason,
        });
    }

    /// Writes an object owned by a controller and records the event.
    pub(crate) fn put_derived(
        &mut self,
        object: Object,
        by: &'static str,
        reason: Option<String>,
        report: &mut ChangeReport,
    ) {
        let Some(key) = ObjectKey::of(&object) else { return };
        let action = match self.store.get(&key) {
            Some(old) if old.object == object => return,
            Some(_) => Action::Updated,
            None => Action::Created,
        };
        let created_ms = self.store.get(&key).map(|e| e.created_ms).unwrap_or(self.now_ms);
        self.store.insert(
            key.clone(),
            Entry {
                object,
                origin: Origin::Controller(by),
                created_ms,
            },
        );
        self.event(report, action, &key, Actor::Controller(by), reason);
    }

    /// Removes an object now (pods go through termination first: see `controllers::pods`).
    pub(crate) fn delete_object(&mut self, key: &ObjectKey, by: Actor, report: &mut ChangeReport) {
        match key.kind {
            Kind::Pod => self.terminate_pod(key, by, report),
            _ => {
                let Some(old) = self.store.remove(key) else { return };
                self.on_removed(key, &old.object, report);
                self.event(report, Action::Deleted, key, by, None);
            }
        }
    }

    /// Follow-up work when an object disappears: free its addresses, wake its dependants.
    fn on_removed(&mut self, key: &ObjectKey, object: &Object, report: &mut ChangeReport) {
        match object {
            Object::Service(svc) => self.service_removed(key, svc, report),
            Object::Deployment(d) => {
                let uid = d.metadata.uid.clone().unwrap_or_default();
                self.delete_owned(&uid, "deployment", report);
            }
            Object::ReplicaSet(r) => {
                let uid = r.metadata.uid.clone().unwrap_or_default();
                self.delete_owned(&uid, "replicaset", report);
            }
            Object::StatefulSet(s) => {
                let uid = s.metadata.uid.clone().unwrap_or_default();
                self.delete_owned(&uid, "statefulset", report);
            }
            Object::Node(_) => self.node_removed(key, report),
            _ => {}
        }
    }

    /// Garbage collection: everything whose ownerReferences name `uid`.
    fn delete_owned(&mut self, uid: &str, by: &'static str, report: &mut ChangeReport) {
        let owned: Vec<ObjectKey> = self.store.owned_by(uid).cloned().collect();
        for key in owned {
            self.delete_object(&key, Actor::Controller(by), report);
        }
    }

    fn fire(&mut self, timer: Timer, report: &mut ChangeReport) {
        match timer {
            Timer::PodStarted(key) => self.pod_started(&key, report),
            Timer::PodGone(key) => self.pod_gone(&key, report),
            Timer::StatefulSetResync(key) => {
                self.work.stateful_sets.insert(key);
            }
        }
    }

    /// Runs the controllers until none has work left.
    pub(crate) fn settle(&mut self, report: &mut ChangeReport) {
        for _ in 0..MAX_ROUNDS {
            if self.work.is_empty() {
                return;
            }
            let deployments = core::mem::take(&mut self.work.deployments);
            for key in deployments {
                self.sync_deployment(&key, report);
            }
            let replica_sets = core::mem::take(&mut self.work.replica_sets);
            for key in replica_sets {
                self.sync_replica_set(&key, report);
            }
            let stateful_sets = core::mem::take(&mut self.work.stateful_sets);
            for key in stateful_sets {
                self.sync_stateful_set(&key, report);
            }
            self.sync_services(report);
        }
        report.warnings.push(Warning {
            object: ObjectRef {
                kind: "Cluster".to_string(),
                namespace: None,
                name: String::new(),
            },
            message: "controllers did not settle; this is a kroute bug, please report it".to_string(),
        });
    }
}
