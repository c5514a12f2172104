//! A StatefulSet's life at this moment of the simulated clock: each ordinal with its pod's state
//! and revision, what the controller is waiting on (its `Wait`s, regrouped by ordinal), each
//! pod's stable DNS name and whether it resolves now, and which pods the headless Service's A
//! records return. Beside it, the set's recent history read from the cluster's events
//! ("web-1 created at 4.0 s, started at 6.0 s").
//!
//! Invariant: nothing here decides; the controller (`statefulset::step`) says why it waits, the
//! DNS (`Cluster::resolve`) says what a name answers, the events say what happened when.

use crate::collections::VecSet;
use crate::json::ToJson;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::topology::PodState;
use crate::cluster::{Action as EventAction, Actor, Cluster, Event};
use crate::controllers::pods::reason;
use crate::controllers::statefulset::{
    self, PodManagementPolicy, PodState as Shortfall, SetStatus, UpdateStrategy, Wait, Work,
};
use crate::dns::{DnsAnswer, NxReason, Record, RecordSource, RecordType};
use crate::error::ObjectRef;
use crate::model::{Kind, Object};

/// Ordinals listed at most (a set scaled to a million shows its first 10,000 slots).
pub const MAX_SLOTS: usize = 10_000;

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct Lifecycle {
    pub set: ObjectRef,
    /// The simulated clock.
    pub now_ms: u64,
    /// `spec.replicas`: how many pods are wanted.
    pub replicas: u32,
    /// `spec.ordinals.start`.
    pub start_ordinal: u32,
    pub policy: PodManagementPolicy,
    /// `spec.updateStrategy` (RollingUpdate carries the partition).
    pub update: UpdateStrategy,
    /// The revision pods below the partition keep (`status.currentRevision`).
    pub current_revision: String,
    /// The revision of the current template (`status.updateRevision`).
    pub update_revision: String,
    /// The controller's counters (`status`).
    pub status: SetStatus,
    /// Every ordinal wanted or still present, ascending.
    pub slots: Vec<Slot>,
    /// Why the controller stops short of the desired state right now, as it says it.
    pub waiting: Vec<Wait>,
    /// The governing Service (`spec.serviceName`) and what its name answers now.
    pub service: Option<GoverningService>,
    /// What happened to the set and its pods in `events`, oldest first.
    pub timeline: Vec<TimelineEntry>,
}

/// One ordinal of the set.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct Slot {
    pub ordinal: u32,
    /// `<set>-<ordinal>`.
    pub pod: String,
    /// Inside `[start, start + replicas)`; a pod outside it is being scaled away.
    pub desired: bool,
    /// `None`: no pod with this ordinal exists now.
    pub state: Option<PodState>,
    /// When the pod last changed (its latest timeline entry), if the events cover it.
    pub since_ms: Option<u64>,
    /// The pod's `controller-revision-hash`.
    pub revision: Option<String>,
    /// The pod runs the update revision (the current template).
    pub updated: bool,
    pub ip: Option<String>,
    pub node: Option<String>,
    /// `<pod>.<serviceName>.<ns>.svc.<zone>` and what it answers now.
    pub dns: Option<PodDns>,
    /// The controller's waits that concern this ordinal.
    pub waits: Vec<SlotWait>,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct PodDns {
    pub name: String,
    /// The A records' addresses; empty when the name does not resolve.
    pub addresses: Vec<String>,
    /// Why it does not resolve (the DNS's reason), when it does not.
    pub nx: Option<NxReason>,
}

/// A controller wait, seen from one ordinal.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", rename_all_fields = "camelCase")]
pub enum SlotWait {
    /// The controller waits for this pod to settle before doing `holds_back`.
    WaitedOn {
        state: Shortfall,
        holds_back: Option<Work>,
    },
    /// `work` on this ordinal is held back until `blocker` clears.
    HeldBack { work: Work, blocker: Blocker },
    /// RollingUpdate: this pod keeps its old revision because its index is below the partition.
    BelowPartition { revision: String, partition: u32 },
    /// OnDelete: this pod keeps its old revision until someone deletes it.
    UntilDeleted { revision: String },
}

/// What holds a change back.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", rename_all_fields = "camelCase")]
pub enum Blocker {
    Pod {
        ordinal: u32,
        name: String,
        state: Shortfall,
    },
    /// RollingUpdate: `unavailable` pods already, at most `max_unavailable` allowed.
    Budget { unavailable: u32, max_unavailable: u32 },
}

/// The Service named by `spec.serviceName` and its name's answer now.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct GoverningService {
    pub name: String,
    pub exists: bool,
    /// `clusterIP: None`: its name answers one A record per ready endpoint.
    pub headless: bool,
    /// `<svc>.<ns>.svc.<zone>`.
    pub fqdn: String,
    pub answer: DnsAnswer,
    /// The pods behind the answer's A records, in the answer's order.
    pub pods: Vec<String>,
}

/// One thing that happened to the set or one of its pods.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    pub at_ms: u64,
    /// The pod, or `None` for the set itself.
    pub pod: Option<String>,
    pub ordinal: Option<u32>,
    pub happening: Happening,
    pub by: Actor,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
pub enum Happening {
    /// The set was applied (created, scaled, its template or strategy changed).
    SetApplied,
    /// The pod object was created (Pending).
    Created,
    /// Bound to a node and given an IP.
    Scheduled,
    /// No node or no IP for it: it stays Pending.
    Unschedulable,
    /// Running, its readiness probe passing: Ready.
    Started,
    ProbeFailing,
    ProbePassing,
    /// Its container exited: Failed.
    Exited,
    /// Graceful termination began.
    Terminating,
    /// The pod object is gone.
    Gone,
}

/// The set `namespace/name` now, with the history `events` hold (`None` when there is no such
/// set).
pub fn lifecycle(cluster: &Cluster, namespace: &str, name: &str, events: &[Event]) -> Option<Lifecycle> {
    let (spec, views) = cluster.stateful_set_controller_view(namespace, name)?;
    let now_ms = cluster.now_ms();
    let step = statefulset::step(&spec, &views, now_ms).unwrap_or_default();
    let status = statefulset::status(&spec, &views, now_ms);
    let timeline = timeline(name, namespace, events);
    let zone = &cluster.config().cluster_domain;

    let wanted = spec.start_ordinal..spec.start_ordinal.saturating_add(spec.replicas);
    let mut ordinals: VecSet<u32> = views.iter().map(|p| p.ordinal).collect();
    ordinals.extend(wanted.clone().take(MAX_SLOTS));
    let slots = ordinals
        .into_iter()
        .take(MAX_SLOTS)
        .map(|ordinal| {
            let pod_name = statefulset::pod_name(name, ordinal);
            let pod = match cluster.get(Kind::Pod, Some(namespace), &pod_name) {
                Some(Object::Pod(p)) if views.iter().any(|v| v.ordinal == ordinal) => Some(p),
                _ => None,
            };
            let revision = pod.and_then(|p| p.metadata.labels.get(statefulset::REVISION_LABEL).cloned());
            let dns = spec.service_name.as_ref().map(|svc| {
                let fqdn = format!("{pod_name}.{svc}.{namespace}.svc.{zone}");
                let answer = cluster.resolve(&fqdn, RecordType::A, None);
                PodDns {
                    addresses: answer.addresses().into_iter().map(ToString::to_string).collect(),
                    nx: nx_reason(&answer),
                    name: fqdn,
                }
            });
            Slot {
                ordinal,
                desired: wanted.contains(&ordinal),
                state: pod.map(PodState::of),
                since_ms: pod.and_then(|_| {
                    timeline
                        .iter()
                        .rev()
                        .find(|e| e.pod.as_deref() == Some(pod_name.as_str()))
                        .map(|e| e.at_ms)
                }),
                updated: revision.as_deref() == Some(spec.update_revision.as_str()),
                revision,
                ip: pod.and_then(|p| p.status.pod_ip.clone()),
                node: pod.and_then(|p| p.spec.node_name.clone()),
                dns,
                waits: slot_waits(ordinal, &step.waiting),
                pod: pod_name,
            }
        })
        .collect();

    let service = spec.service_name.as_ref().map(|svc| {
        let object = match cluster.get(Kind::Service, Some(namespace), svc) {
            Some(Object::Service(s)) => Some(s),
            _ => None,
        };
        let fqdn = format!("{svc}.{namespace}.svc.{zone}");
        let answer = cluster.resolve(&fqdn, RecordType::A, None);
        let pods = answer
            .records
            .iter()
            .filter_map(|r| match r {
                Record::A {
                    source: RecordSource::Endpoint { pod: Some(p), .. },
                    ..
                } => Some(p.clone()),
                _ => None,
            })
            .collect();
        GoverningService {
            name: svc.clone(),
            exists: object.is_some(),
            headless: object.is_some_and(|s| s.is_headless()),
            fqdn,
            answer,
            pods,
        }
    });

    Some(Lifecycle {
        set: ObjectRef {
            kind: Kind::StatefulSet.as_str().to_string(),
            namespace: Some(namespace.to_string()),
            name: name.to_string(),
        },
        now_ms,
        replicas: spec.replicas,
        start_ordinal: spec.start_ordinal,
        policy: spec.pod_management,
        update: spec.update,
        current_revision: spec.current_revision,
        update_revision: spec.update_revision,
        status,
        slots,
        waiting: step.waiting,
        service,
        timeline,
    })
}

/// The NXDOMAIN reason of the last name tried, when nothing answered.
fn nx_reason(answer: &DnsAnswer) -> Option<NxReason> {
    if !answer.records.is_empty() {
        return None;
    }
    answer.attempts.iter().rev().find_map(|a| match a {
        crate::dns::Attempt::NxDomain { why, .. } => Some(why.clone()),
        _ => None,
    })
}

fn work_ordinal(work: &Work) -> u32 {
    match *work {
        Work::Create { ordinal }
        | Work::Replace { ordinal }
        | Work::ScaleDown { ordinal }
        | Work::Update { ordinal } => ordinal,
    }
}

/// The waits that name `ordinal`, as the pod waited on or as the change held back.
fn slot_waits(ordinal: u32, waiting: &[Wait]) -> Vec<SlotWait> {
    let mut out = Vec::new();
    for wait in waiting {
        match wait {
            Wait::ForPod {
                ordinal: o,
                name,
                state,
                holds_back,
            } => {
                if *o == ordinal {
                    out.push(SlotWait::WaitedOn {
                        state: *state,
                        holds_back: *holds_back,
                    });
                }
                // A pod holding back its own recreation says so as `WaitedOn` already.
                if let Some(work) = holds_back.filter(|w| work_ordinal(w) == ordinal && *o != ordinal) {
                    out.push(SlotWait::HeldBack {
                        work,
                        blocker: Blocker::Pod {
                            ordinal: *o,
                            name: name.clone(),
                            state: *state,
                        },
                    });
                }
            }
            Wait::ForBudget {
                unavailable,
                max_unavailable,
                holds_back,
            } if work_ordinal(holds_back) == ordinal => out.push(SlotWait::HeldBack {
                work: *holds_back,
                blocker: Blocker::Budget {
                    unavailable: *unavailable,
                    max_unavailable: *max_unavailable,
                },
            }),
            Wait::HeldByPartition {
                ordinal: o,
                revision,
                partition,
                ..
            } if *o == ordinal => out.push(SlotWait::BelowPartition {
                revision: revision.clone(),
                partition: *partition,
            }),
            Wait::ForManualDelete {
                ordinal: o, revision, ..
            } if *o == ordinal => out.push(SlotWait::UntilDeleted {
                revision: revision.clone(),
            }),
            _ => {}
        }
    }
    out
}

/// The events about set `name` in `namespace` and its pods, as milestones, oldest first.
pub fn timeline(name: &str, namespace: &str, events: &[Event]) -> Vec<TimelineEntry> {
    events
        .iter()
        .filter(|e| e.object.namespace.as_deref() == Some(namespace))
        .filter_map(|e| {
            let (pod, ordinal, happening) = match (e.object.kind.as_str(), e.action) {
                ("StatefulSet", EventAction::Created | EventAction::Updated) if e.object.name == name => {
                    (None, None, Happening::SetApplied)
                }
                ("Pod", action) => {
                    let ordinal = statefulset::pod_ordinal(name, &e.object.name)?;
                    let happening = match action {
                        EventAction::Created => Happening::Created,
                        EventAction::Deleted => Happening::Gone,
                        EventAction::Updated => pod_happening(e.reason.as_deref()?)?,
                        EventAction::Unchanged => return None,
                    };
                    (Some(e.object.name.clone()), Some(ordinal), happening)
                }
                _ => return None,
            };
            Some(TimelineEntry {
                at_ms: e.at_ms,
                pod,
                ordinal,
                happening,
                by: e.by.clone(),
            })
        })
        .collect()
}

fn pod_happening(why: &str) -> Option<Happening> {
    Some(match why {
        reason::SCHEDULED => Happening::Scheduled,
        reason::UNSCHEDULABLE | reason::NODE_NOT_FOUND | reason::NO_POD_IP => Happening::Unschedulable,
        reason::STARTED => Happening::Started,
        reason::PROBE_FAILING => Happening::ProbeFailing,
        reason::PROBE_PASSING => Happening::ProbePassing,
        reason::EXITED => Happening::Exited,
        reason::TERMINATING => Happening::Terminating,
        _ => return None,
    })
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;
