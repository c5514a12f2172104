//! The StatefulSet controller's decisions, as a pure step function (SPEC §5).
//!
//! One call to [`step`] is one sync of upstream's controller
//! (kubernetes/kubernetes `pkg/controller/statefulset/stateful_set_control.go`: `updateStatefulSet`,
//! `processReplica`, `processCondemned`, `updateStatefulSetAfterInvariantEstablished`). It reads the
//! set ([`SetSpec`]) and the pods the set owns ([`PodView`]) and returns what to create or delete
//! now ([`Action`]) and why it stops short of the desired state ([`Wait`]). It keeps no state and
//! reads no clock: the same input gives the same answer, and once its actions are applied, an
//! OrderedReady set asks for nothing more until the world moves (a pod turns ready, a termination
//! completes, the clock passes `minReadySeconds`).
//!
//! A sync runs in upstream's order:
//! 1. pods in `[start, start + replicas)`, ascending: create missing ones, delete Failed/Succeeded
//!    ones so they are recreated. OrderedReady stops at the first pod it acts on or that is not
//!    Running, Ready and available; Parallel does all of them.
//! 2. condemned pods (outside the range), descending: deleted. OrderedReady deletes one at a time,
//!    only after every higher condemned pod is gone; an unhealthy victim must be the lowest
//!    unhealthy pod (upstream's `firstUnhealthyPod`), so scale-down never waits for the pod it is
//!    about to remove.
//! 3. `OnDelete`: nothing more. `RollingUpdate`: delete the highest pods whose revision is not the
//!    update revision and whose index (`ordinal - start`) is at least `partition`, while fewer than
//!    `maxUnavailable` pods of the range are unavailable (missing, terminating, not Running+Ready,
//!    or not yet available).
//!
//! Decisions where SPEC or upstream leave room (tell the lead if you change one):
//! - OrderedReady treats `maxUnavailable` as 1. Upstream (KEP-961, SPEC §5.3 "choice 1") would
//!   delete a batch of N, which breaks SPEC §10 invariant 11 ("never two pods simultaneously being
//!   created/terminated"); kroute keeps the invariant. Parallel honours `maxUnavailable`.
//! - `partition` counts from `ordinals.start`, as upstream does (`newVersionedStatefulSetPod` and
//!   the update loop both work on indices), so with start 5 and partition 2, `web-7` and up update.
//! - Scale-down of a healthy victim does not wait for an unhealthy *condemned* pod below it
//!   (upstream). Pods that stay (`[start, start + replicas)`) must all be healthy, as SPEC says.
//! - Availability is upstream's `IsPodAvailable`: Ready for *more than* `minReadySeconds`
//!   (`readySince + minReadySeconds < now`); with `minReadySeconds > 0` a pod whose ready time is
//!   unknown is not available.

use crate::json::{FromJson, ToJson};
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::collections::VecMap;
use crate::error::{FieldError, FieldErrorKind, FieldPath};

/// Label the controller puts on each pod: the pod's own name (`web-0`), so a Service can select one.
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
/// Label with the pod's ordinal (`0`), GA in 1.32 (KEP-4017).
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
/// Label with the ControllerRevision the pod was created from.
pub const REVISION_LABEL: &str = "controller-revision-hash";

/// `spec.podManagementPolicy`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ToJson, FromJson)]
pub enum PodManagementPolicy {
    /// One pod at a time, ascending on the way up, descending on the way down.
    #[default]
    OrderedReady,
    /// All creations and deletions at once, no waiting.
    Parallel,
}

/// `spec.updateStrategy`, with `maxUnavailable` already resolved to a pod count by the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(tag = "type", rename_all_fields = "camelCase")]
pub enum UpdateStrategy {
    /// Replace outdated pods whose index is at least `partition`, highest first. A
    /// `max_unavailable` of 0 counts as 1 (upstream clamps it); OrderedReady always uses 1.
    RollingUpdate { partition: u32, max_unavailable: u32 },
    /// Never replace a running pod; a deleted pod comes back at the update revision.
    OnDelete,
}

impl Default for UpdateStrategy {
    fn default() -> Self {
        UpdateStrategy::RollingUpdate {
            partition: 0,
            max_unavailable: 1,
        }
    }
}

/// What the controller needs to know of a StatefulSet (the lead maps `apps/v1` onto it).
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct SetSpec {
    pub name: String,
    pub replicas: u32,
    /// `spec.ordinals.start`.
    pub start_ordinal: u32,
    pub pod_management: PodManagementPolicy,
    pub update: UpdateStrategy,
    pub min_ready_seconds: u32,
    /// `status.currentRevision`: pods below the partition are (re)created at this revision.
    pub current_revision: String,
    /// `status.updateRevision`: the revision of the current pod template.
    pub update_revision: String,
    /// `spec.serviceName`, the pods' DNS subdomain.
    pub service_name: Option<String>,
    /// Names of `spec.volumeClaimTemplates`.
    pub claim_templates: Vec<String>,
}

impl SetSpec {
    /// A set with the API defaults (start 0, OrderedReady, RollingUpdate partition 0 / maxUnavailable
    /// 1, no minReadySeconds, no service, no claims) whose current and update revision are `revision`.
    pub fn new(name: &str, replicas: u32, revision: &str) -> Self {
        SetSpec {
            name: name.to_string(),
            replicas,
            start_ordinal: 0,
            pod_management: PodManagementPolicy::OrderedReady,
            update: UpdateStrategy::default(),
            min_ready_seconds: 0,
            current_revision: revision.to_string(),
            update_revision: revision.to_string(),
            service_name: None,
            claim_templates: Vec::new(),
        }
    }
}

pub use crate::model::PodPhase;

/// What the controller needs to know of one pod it owns.
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct PodView {
    pub ordinal: u32,
    /// The pod's `controller-revision-hash` label.
    pub revision: String,
    pub phase: PodPhase,
    /// The Ready condition is True.
    pub ready: bool,
    /// When the Ready condition last became True (its `lastTransitionTime`), in simulated ms.
    pub ready_since_ms: Option<u64>,
    /// `metadata.deletionTimestamp` is set: graceful termination is under way.
    pub terminating: bool,
}

/// Why a pod is deleted.
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(tag = "kind", rename_all_fields = "camelCase")]
pub enum DeleteReason {
    /// Its ordinal is outside `[start, start + replicas)`.
    ScaleDown,
    /// RollingUpdate: it runs revision `from`, the template is at `to`.
    Update { from: String, to: String },
    /// It is Failed or Succeeded; it is recreated once gone (StatefulSet pods run forever).
    Finished { phase: PodPhase },
}

/// A change to the cluster the controller asks for.
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(tag = "kind", rename_all_fields = "camelCase")]
pub enum Action {
    /// Create pod `name` from the template at `revision`, with its claims (reused if they exist).
    Create {
        ordinal: u32,
        name: String,
        revision: String,
        /// `spec.hostname`: the pod name.
        hostname: String,
        /// `spec.subdomain`: the set's `serviceName`.
        subdomain: Option<String>,
        /// Identity labels added to the template's labels ([`pod_labels`]).
        labels: BTreeMap<String, String>,
        /// One PersistentVolumeClaim per claim template: `<claim>-<set>-<ordinal>`.
        pvc_names: Vec<String>,
    },
    /// Delete pod `name` (gracefully: it turns terminating first).
    Delete {
        ordinal: u32,
        name: String,
        reason: DeleteReason,
    },
}

impl Action {
    pub fn ordinal(&self) -> u32 {
        match self {
            Action::Create { ordinal, .. } | Action::Delete { ordinal, .. } => *ordinal,
        }
    }
}

/// A change the controller wants to make but is holding back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(tag = "kind", rename_all_fields = "camelCase")]
pub enum Work {
    /// Create the missing pod at `ordinal`.
    Create { ordinal: u32 },
    /// Delete the Failed/Succeeded pod at `ordinal` so it can be recreated.
    Replace { ordinal: u32 },
    /// Delete the condemned pod at `ordinal`.
    ScaleDown { ordinal: u32 },
    /// Delete the outdated pod at `ordinal` so it comes back at the update revision.
    Update { ordinal: u32 },
}

/// Why a pod is not (yet) good enough for the controller to move on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(tag = "kind", rename_all_fields = "camelCase")]
pub enum PodState {
    /// Graceful termination is under way.
    Terminating,
    /// Its phase is not Running.
    NotRunning { phase: PodPhase },
    /// Running, but the Ready condition is False.
    NotReady,
    /// Ready for less than `minReadySeconds`; available from `available_at_ms` (None: ready time
    /// unknown).
    NotAvailable { available_at_ms: Option<u64> },
}

/// Why the controller stopped short of the desired state in this step.
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(tag = "kind", rename_all_fields = "camelCase")]
pub enum Wait {
    /// Nothing further happens until this pod settles; `holds_back` is the next change it blocks
    /// (None: it is the last thing still settling).
    ForPod {
        ordinal: u32,
        name: String,
        state: PodState,
        holds_back: Option<Work>,
    },
    /// RollingUpdate: `unavailable` pods of the range are already unavailable and at most
    /// `max_unavailable` may be.
    ForBudget {
        unavailable: u32,
        max_unavailable: u32,
        holds_back: Work,
    },
    /// OnDelete: this pod runs an old revision and is replaced only when someone deletes it.
    ForManualDelete {
        ordinal: u32,
        name: String,
        revision: String,
    },
    /// RollingUpdate: this pod runs an old revision but its index is below the partition.
    HeldByPartition {
        ordinal: u32,
        name: String,
        revision: String,
        partition: u32,
    },
}

/// The outcome of one sync.
#[derive(Clone, Debug, Default, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct StepResult {
    pub actions: Vec<Action>,
    pub waiting: Vec<Wait>,
    /// The earliest time a Ready pod of the set turns available (`minReadySeconds`); sync again
    /// then even if nothing else happens (upstream re-queues the set for the same reason).
    pub requeue_at_ms: Option<u64>,
}

/// One sync of the StatefulSet controller over `pods` (the set's pods, any order) at `now_ms`.
///
/// Fails only on input that cannot describe a real cluster: two pods with the same ordinal, or an
/// ordinal range that does not fit in `u32`.
pub fn step(spec: &SetSpec, pods: &[PodView], now_ms: u64) -> Result<StepResult, FieldError> {
    let world = World::new(spec, pods, now_ms)?;
    let mut out = StepResult {
        requeue_at_ms: world.requeue_at(),
        ..StepResult::default()
    };
    world.sync(&mut out);
    Ok(out)
}

/// `<set>-<ordinal>`.
pub fn pod_name(set_name: &str, ordinal: u32) -> String {
    format!("{set_name}-{ordinal}")
}

/// `<claim>-<set>-<ordinal>`, e.g. `www-web-0`.
pub fn pvc_name(claim: &str, set_name: &str, ordinal: u32) -> String {
    format!("{claim}-{set_name}-{ordinal}")
}

/// The labels the controller adds to a pod: pod name, pod index and revision.
pub fn pod_labels(set_name: &str, ordinal: u32, revision: &str) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    labels.insert(POD_NAME_LABEL.to_string(), pod_name(set_name, ordinal));
    labels.insert(POD_INDEX_LABEL.to_string(), ordinal.to_string());
    labels.insert(REVISION_LABEL.to_string(), revision.to_string());
    labels
}

/// The ordinal of `pod_name` if it names a pod of set `set_name`, read as upstream's
/// `getParentNameAndOrdinal` does: the text after the last `-` is the ordinal (decimal digits,
/// at most 2147483647, leading zeros allowed) and the text before it is the set's name.
pub fn pod_ordinal(set_name: &str, pod_name: &str) -> Option<u32> {
    let (parent, digits) = pod_name.rsplit_once('-')?;
    if parent != set_name || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ordinal: i32 = digits.parse().ok()?;
    u32::try_from(ordinal).ok()
}

/// `status` counters as upstream computes them (`computeReplicaStatus`, `completeRollingUpdate`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct SetStatus {
    /// Pods that exist, terminating ones included.
    pub replicas: u32,
    /// Running and Ready.
    pub ready_replicas: u32,
    /// Running, Ready and available (`minReadySeconds`).
    pub available_replicas: u32,
    /// Not terminating, at the current revision.
    pub current_replicas: u32,
    /// Not terminating, at the update revision.
    pub updated_replicas: u32,
    /// RollingUpdate has finished: exactly `replicas` pods, all Ready, all at the update revision.
    /// The caller then sets `current_revision = update_revision`.
    pub rollout_complete: bool,
}

/// The set's status over `pods` at `now_ms`.
pub fn status(spec: &SetSpec, pods: &[PodView], now_ms: u64) -> SetStatus {
    let count = |f: &dyn Fn(&PodView) -> bool| -> u32 {
        u32::try_from(pods.iter().filter(|p| f(p)).count()).unwrap_or(u32::MAX)
    };
    let min_ready_ms = u64::from(spec.min_ready_seconds) * 1000;
    let running_ready = |p: &PodView| p.phase == PodPhase::Running && p.ready;
    let mut s = SetStatus {
        replicas: count(&|_| true),
        ready_replicas: count(&running_ready),
        available_replicas: count(&|p| running_ready(p) && is_available(p, min_ready_ms, now_ms)),
        current_replicas: count(&|p| !p.terminating && p.revision == spec.current_revision),
        updated_replicas: count(&|p| !p.terminating && p.revision == spec.update_revision),
        rollout_complete: false,
    };
    s.rollout_complete = matches!(spec.update, UpdateStrategy::RollingUpdate { .. })
        && s.updated_replicas == spec.replicas
        && s.ready_replicas == spec.replicas
        && s.replicas == spec.replicas;
    s
}

fn is_available(pod: &PodView, min_ready_ms: u64, now_ms: u64) -> bool {
    min_ready_ms == 0
        || pod
            .ready_since_ms
            .is_some_and(|t| t.saturating_add(min_ready_ms) < now_ms)
}

/// One sync's view of the set: pods indexed by ordinal, the ordinal range, the clock.
struct World<'a> {
    spec: &'a SetSpec,
    pods: VecMap<u32, &'a PodView>,
    now_ms: u64,
    start: u32,
    /// One past the last ordinal of the range.
    end: u32,
    min_ready_ms: u64,
}

impl<'a> World<'a> {
    fn new(spec: &'a SetSpec, pods: &'a [PodView], now_ms: u64) -> Result<Self, FieldError> {
        let end = spec.start_ordinal.checked_add(spec.replicas).ok_or_else(|| {
            FieldError::invalid(
                FieldPath::new("spec").child("replicas"),
                spec.replicas,
                format!(
                    "ordinals.start ({}) + replicas must not exceed {}",
                    spec.start_ordinal,
                    u32::MAX
                ),
            )
        })?;
        let mut by_ordinal = VecMap::new();
        for (i, pod) in pods.iter().enumerate() {
            if by_ordinal.insert(pod.ordinal, pod).is_some() {
                return Err(FieldError::new(
                    FieldErrorKind::Duplicate,
                    FieldPath::new("pods").index(i).child("ordinal"),
                    Some(pod.ordinal.into()),
                    format!("another pod of the set already has ordinal {}", pod.ordinal),
                ));
            }
        }
        Ok(World {
            spec,
            pods: by_ordinal,
            now_ms,
            start: spec.start_ordinal,
            end,
            min_ready_ms: u64::from(spec.min_ready_seconds) * 1000,
        })
    }

    fn ordered(&self) -> bool {
        self.spec.pod_management == PodManagementPolicy::OrderedReady
    }

    fn in_range(&self, ordinal: u32) -> bool {
        (self.start..self.end).contains(&ordinal)
    }

    fn name(&self, ordinal: u32) -> String {
        pod_name(&self.spec.name, ordinal)
    }

    /// Why `pod` is not Running, Ready, available and staying; None if it is all of those.
    fn shortfall(&self, pod: &PodView) -> Option<PodState> {
        if pod.terminating {
            Some(PodState::Terminating)
        } else if pod.phase != PodPhase::Running {
            Some(PodState::NotRunning { phase: pod.phase })
        } else if !pod.ready {
            Some(PodState::NotReady)
        } else if !is_available(pod, self.min_ready_ms, self.now_ms) {
            let at = pod
                .ready_since_ms
                .and_then(|t| t.checked_add(self.min_ready_ms)?.checked_add(1));
            Some(PodState::NotAvailable { available_at_ms: at })
        } else {
            None
        }
    }

    fn requeue_at(&self) -> Option<u64> {
        self.pods
            .values()
            .filter_map(|p| match self.shortfall(p) {
                Some(PodState::NotAvailable { available_at_ms }) => available_at_ms,
                _ => None,
            })
            .min()
    }

    fn wait_for(&self, pod: &PodView, state: PodState, holds_back: Option<Work>) -> Wait {
        Wait::ForPod {
            ordinal: pod.ordinal,
            name: self.name(pod.ordinal),
            state,
            holds_back,
        }
    }

    fn sync(&self, out: &mut StepResult) {
        if self.sync_replicas(out) || self.sync_condemned(out) {
            return;
        }
        match self.spec.update {
            UpdateStrategy::OnDelete => self.report_on_delete(out),
            UpdateStrategy::RollingUpdate {
                partition,
                max_unavailable,
            } => self.rolling_update(partition, max_unavailable, out),
        }
    }

    /// Phase 1 (`processReplica`): returns true when OrderedReady must stop here.
    fn sync_replicas(&self, out: &mut StepResult) -> bool {
        let ordered = self.ordered();
        for ordinal in self.start..self.end {
            let Some(pod) = self.pods.get(&ordinal).copied() else {
                out.actions.push(self.create(ordinal));
                if ordered {
                    return true;
                }
                continue;
            };
            if pod.phase.is_finished() && !pod.terminating {
                out.actions
                    .push(self.delete(pod, DeleteReason::Finished { phase: pod.phase }));
                if ordered {
                    return true;
                }
                continue;
            }
            if pod.terminating {
                // Its slot frees once it is gone; then it is recreated.
                out.waiting
                    .push(self.wait_for(pod, PodState::Terminating, Some(Work::Create { ordinal })));
                if ordered {
                    return true;
                }
                continue;
            }
            if ordered {
                if let Some(state) = self.shortfall(pod) {
                    out.waiting
                        .push(self.wait_for(pod, state, self.next_work_above(ordinal)));
                    return true;
                }
            }
        }
        false
    }

    /// Pods outside the range, highest ordinal first.
    fn condemned(&self) -> impl DoubleEndedIterator<Item = &'a PodView> + '_ {
        self.pods
            .values()
            .rev()
            .copied()
            .filter(|p| !self.in_range(p.ordinal))
    }

    /// Phase 2 (`processCondemned`): returns true when OrderedReady must stop here.
    fn sync_condemned(&self, out: &mut StepResult) -> bool {
        if !self.ordered() {
            for pod in self.condemned().filter(|p| !p.terminating) {
                out.actions.push(self.delete(pod, DeleteReason::ScaleDown));
            }
            return false;
        }
        let Some(victim) = self.condemned().next() else {
            return false;
        };
        if victim.terminating {
            let next = self
                .next_scale_down_below(victim.ordinal)
                .or_else(|| self.next_update());
            out.waiting
                .push(self.wait_for(victim, PodState::Terminating, next));
            return true;
        }
        if self.shortfall(victim).is_some() {
            // OrderedReady gets here only with every pod of the range healthy, so upstream's
            // `firstUnhealthyPod` is the lowest unhealthy condemned pod; an unhealthy victim
            // goes only if it is that pod.
            let lowest_unhealthy = self.condemned().rev().find_map(|p| Some((p, self.shortfall(p)?)));
            if let Some((blocker, state)) = lowest_unhealthy.filter(|(p, _)| p.ordinal != victim.ordinal) {
                let holds_back = Some(Work::ScaleDown {
                    ordinal: victim.ordinal,
                });
                out.waiting.push(self.wait_for(blocker, state, holds_back));
                return true;
            }
        }
        out.actions.push(self.delete(victim, DeleteReason::ScaleDown));
        true
    }

    fn report_on_delete(&self, out: &mut StepResult) {
        for pod in self.outdated_in(self.start, self.end) {
            let revision = pod.revision.clone();
            out.waiting.push(Wait::ForManualDelete {
                ordinal: pod.ordinal,
                name: self.name(pod.ordinal),
                revision,
            });
        }
    }

    /// Phase 3 (`updateStatefulSetAfterInvariantEstablished`).
    fn rolling_update(&self, partition: u32, max_unavailable: u32, out: &mut StepResult) {
        let max = if self.ordered() { 1 } else { max_unavailable.max(1) };
        let first_updated = self.start.saturating_add(partition).min(self.end);
        for pod in self.outdated_in(self.start, first_updated) {
            out.waiting.push(Wait::HeldByPartition {
                ordinal: pod.ordinal,
                name: self.name(pod.ordinal),
                revision: pod.revision.clone(),
                partition,
            });
        }
        let unavailable = (self.start..self.end)
            .filter(|o| self.pods.get(o).is_none_or(|p| self.shortfall(p).is_some()))
            .count();
        let unavailable = u32::try_from(unavailable).unwrap_or(u32::MAX);
        let mut targets = self.outdated_in(first_updated, self.end).rev().peekable();
        let Some(highest) = targets.peek().map(|p| p.ordinal) else {
            return;
        };
        let budget = max.saturating_sub(unavailable);
        if budget == 0 {
            let holds_back = Work::Update { ordinal: highest };
            out.waiting.push(Wait::ForBudget {
                unavailable,
                max_unavailable: max,
                holds_back,
            });
            return;
        }
        for pod in targets.take(budget as usize) {
            let reason = DeleteReason::Update {
                from: pod.revision.clone(),
                to: self.spec.update_revision.clone(),
            };
            out.actions.push(self.delete(pod, reason));
        }
    }

    /// Pods in `[from, to)` that stay, are not terminating, and are not at the update revision,
    /// ascending.
    fn outdated_in(&self, from: u32, to: u32) -> impl DoubleEndedIterator<Item = &'a PodView> + '_ {
        let range = if from < to { from..to } else { 0..0 };
        self.pods
            .range(range)
            .map(|(_, p)| *p)
            .filter(|p| !p.terminating && p.revision != self.spec.update_revision)
    }

    /// OrderedReady: what the pod at `ordinal` holds back while it settles.
    fn next_work_above(&self, ordinal: u32) -> Option<Work> {
        for o in ordinal.saturating_add(1)..self.end {
            match self.pods.get(&o) {
                None => return Some(Work::Create { ordinal: o }),
                Some(p) if p.phase.is_finished() && !p.terminating => {
                    return Some(Work::Replace { ordinal: o });
                }
                Some(_) => {}
            }
        }
        self.condemned()
            .find(|p| !p.terminating)
            .map(|p| Work::ScaleDown { ordinal: p.ordinal })
            .or_else(|| self.next_update())
    }

    fn next_scale_down_below(&self, ordinal: u32) -> Option<Work> {
        self.condemned()
            .find(|p| p.ordinal < ordinal && !p.terminating)
            .map(|p| Work::ScaleDown { ordinal: p.ordinal })
    }

    fn next_update(&self) -> Option<Work> {
        let UpdateStrategy::RollingUpdate { partition, .. } = self.spec.update else {
            return None;
        };
        let first_updated = self.start.saturating_add(partition).min(self.end);
        self.outdated_in(first_updated, self.end)
            .next_back()
            .map(|p| Work::Update { ordinal: p.ordinal })
    }

    /// Below the partition a pod comes back at the current revision, otherwise at the update
    /// revision (upstream `newVersionedStatefulSetPod`).
    fn revision_for(&self, ordinal: u32) -> &'a str {
        match self.spec.update {
            UpdateStrategy::RollingUpdate { partition, .. }
                if u64::from(ordinal) < u64::from(self.start) + u64::from(partition) =>
            {
                &self.spec.current_revision
            }
            _ => &self.spec.update_revision,
        }
    }

    fn create(&self, ordinal: u32) -> Action {
        let set = &self.spec.name;
        let revision = self.revision_for(ordinal);
        let name = self.name(ordinal);
        Action::Create {
            ordinal,
            hostname: name.clone(),
            name,
            revision: revision.to_string(),
            subdomain: self.spec.service_name.clone(),
            labels: pod_labels(set, ordinal, revision),
            pvc_names: self
                .spec
                .claim_templates
                .iter()
                .map(|c| pvc_name(c, set, ordinal))
                .collect(),
        }
    }

    fn delete(&self, pod: &PodView, reason: DeleteReason) -> Action {
        Action::Delete {
            ordinal: pod.ordinal,
            name: self.name(pod.ordinal),
            reason,
        }
    }
}

/// A toy cluster for one StatefulSet, for tests and documentation. [`SetSim::sync`] runs [`step`]
/// and applies its actions (a created pod starts Pending, a deleted one starts terminating); the
/// other methods are the kubelet and the user moving the world.
///
/// ```
/// # use kroute::controllers::statefulset::{Action, SetSim, SetSpec};
/// let mut sim = SetSim::new(SetSpec::new("web", 3, "r1"));
/// let created: Vec<String> = sim
///     .run_to_steady(50)
///     .unwrap()
///     .iter()
///     .filter_map(|a| match a { Action::Create { name, .. } => Some(name.clone()), _ => None })
///     .collect();
/// assert_eq!(created, ["web-0", "web-1", "web-2"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetSim {
    pub spec: SetSpec,
    pub pods: VecMap<u32, PodView>,
    pub now_ms: u64,
}

impl SetSim {
    pub fn new(spec: SetSpec) -> Self {
        SetSim {
            spec,
            pods: VecMap::new(),
            now_ms: 0,
        }
    }

    pub fn pod_views(&self) -> Vec<PodView> {
        self.pods.values().cloned().collect()
    }

    /// One controller sync: decide, apply the actions, and promote the update revision to current
    /// once a rolling update completes (as upstream's status update does).
    pub fn sync(&mut self) -> Result<StepResult, FieldError> {
        let pods = self.pod_views();
        let result = step(&self.spec, &pods, self.now_ms)?;
        if status(&self.spec, &pods, self.now_ms).rollout_complete {
            self.spec.current_revision = self.spec.update_revision.clone();
        }
        self.apply(&result.actions);
        Ok(result)
    }

    /// The API server's side of the actions: create Pending pods, mark deleted ones terminating.
    pub fn apply(&mut self, actions: &[Action]) {
        for action in actions {
            match action {
                Action::Create {
                    ordinal, revision, ..
                } => {
                    let pod = PodView {
                        ordinal: *ordinal,
                        revision: revision.clone(),
                        phase: PodPhase::Pending,
                        ready: false,
                        ready_since_ms: None,
                        terminating: false,
                    };
                    self.pods.entry(*ordinal).or_insert(pod);
                }
                Action::Delete { ordinal, .. } => {
                    if let Some(pod) = self.pods.get_mut(ordinal) {
                        pod.terminating = true;
                    }
                }
            }
        }
    }

    /// The kubelet: the pod runs and passes its readiness probe now. False if there is no such pod.
    pub fn become_ready(&mut self, ordinal: u32) -> bool {
        let now = self.now_ms;
        self.pods
            .get_mut(&ordinal)
            .map(|p| {
                if !(p.phase == PodPhase::Running && p.ready) {
                    p.ready_since_ms = Some(now);
                }
                p.phase = PodPhase::Running;
                p.ready = true;
            })
            .is_some()
    }

    /// The kubelet: the pod's containers exit for good.
    pub fn fail(&mut self, ordinal: u32) -> bool {
        self.pods
            .get_mut(&ordinal)
            .map(|p| {
                p.phase = PodPhase::Failed;
                p.ready = false;
                p.ready_since_ms = None;
            })
            .is_some()
    }

    /// Graceful termination finished: the pod object is gone.
    pub fn finish_termination(&mut self, ordinal: u32) -> bool {
        if self.pods.get(&ordinal).is_some_and(|p| p.terminating) {
            self.pods.remove(&ordinal);
            return true;
        }
        false
    }

    pub fn advance(&mut self, ms: u64) {
        self.now_ms = self.now_ms.saturating_add(ms);
    }

    /// Syncs with an obliging kubelet (every pod becomes ready, every termination completes, the
    /// clock jumps to the next requeue time) until a sync asks for nothing and nothing is left to
    /// settle, or `max_rounds` syncs ran. Returns every action, in order.
    pub fn run_to_steady(&mut self, max_rounds: usize) -> Result<Vec<Action>, FieldError> {
        let mut log = Vec::new();
        for _ in 0..max_rounds {
            let result = self.sync()?;
            let acted = !result.actions.is_empty();
            log.extend(result.actions);
            let mut moved = false;
            let ordinals: Vec<u32> = self.pods.keys().copied().collect();
            for ordinal in ordinals {
                let Some(pod) = self.pods.get(&ordinal) else {
                    continue;
                };
                if pod.terminating {
                    moved |= self.finish_termination(ordinal);
                } else if !pod.phase.is_finished() && (pod.phase != PodPhase::Running || !pod.ready) {
                    moved |= self.become_ready(ordinal);
                }
            }
            if let Some(at) = result.requeue_at_ms.filter(|at| *at > self.now_ms) {
                self.now_ms = at;
                moved = true;
            }
            if !acted && !moved {
                break;
            }
        }
        Ok(log)
    }
}

#[cfg(test)]
#[path = "statefulset_tests.rs"]
mod tests;
