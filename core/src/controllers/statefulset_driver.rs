//! Runs the StatefulSet controller (`statefulset::step`) against the cluster: maps the API object
//! and its pods onto the controller's view, and carries out the actions it returns.

use crate::collections::{VecMap, VecSet};
use crate::json::ToJson;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::replicaset::pod_template_hash;
use super::statefulset::{self, Action, PodManagementPolicy, PodView, SetSpec, UpdateStrategy};
use crate::cluster::{Actor, ChangeReport, Cluster, ObjectKey, Timer, Warning};
use crate::model::{IntOrString, Kind, Object, OwnerReference, Pod, PodTemplateSpec, StatefulSet};

const STATEFULSET: &str = "statefulset";

/// What the controller remembers of a set between syncs (upstream keeps it in
/// ControllerRevisions and `status`).
#[derive(Clone, Debug, Default)]
pub(crate) struct StatefulSetMemory {
    /// `status.currentRevision` and the template it names.
    pub current: Option<(String, PodTemplateSpec)>,
    /// When each pod (by uid) was first seen Ready, for `minReadySeconds`.
    pub ready_since: VecMap<String, u64>,
}

fn set_spec(sts: &StatefulSet, current: &str, update: &str) -> SetSpec {
    let s = &sts.spec;
    let replicas = u32::try_from(s.replicas.unwrap_or(1).max(0)).unwrap_or(u32::MAX);
    let update_strategy = match s.update_strategy.as_ref().and_then(|u| u.type_.as_deref()) {
        Some("OnDelete") => UpdateStrategy::OnDelete,
        _ => {
            let ru = s.update_strategy.as_ref().and_then(|u| u.rolling_update.as_ref());
            let partition = ru
                .and_then(|r| r.partition)
                .and_then(|p| u32::try_from(p).ok())
                .unwrap_or(0);
            let max_unavailable = match ru.and_then(|r| r.max_unavailable.as_ref()) {
                Some(IntOrString::Int(n)) => u32::try_from(*n).unwrap_or(1).max(1),
                Some(IntOrString::String(p)) => {
                    let pct = crate::validation::parse_percent_public(p).unwrap_or(0);
                    // Percentages round up (upstream `GetScaledValueFromIntOrPercent(…, true)`).
                    (replicas.saturating_mul(pct)).div_ceil(100).max(1)
                }
                None => 1,
            };
            UpdateStrategy::RollingUpdate {
                partition,
                max_unavailable,
            }
        }
    };
    SetSpec {
        name: sts.metadata.name.clone(),
        replicas,
        start_ordinal: s
            .ordinals
            .as_ref()
            .and_then(|o| u32::try_from(o.start).ok())
            .unwrap_or(0),
        pod_management: match s.pod_management_policy.as_deref() {
            Some("Parallel") => PodManagementPolicy::Parallel,
            _ => PodManagementPolicy::OrderedReady,
        },
        update: update_strategy,
        min_ready_seconds: s
            .min_ready_seconds
            .and_then(|m| u32::try_from(m).ok())
            .unwrap_or(0),
        current_revision: current.to_string(),
        update_revision: update.to_string(),
        service_name: s.service_name.clone().filter(|n| !n.is_empty()),
        claim_templates: s
            .volume_claim_templates
            .iter()
            .map(|t| t.metadata.name.clone())
            .collect(),
    }
}

impl Cluster {
    pub(crate) fn sync_stateful_set(&mut self, key: &ObjectKey, report: &mut ChangeReport) {
        let Some(Object::StatefulSet(sts)) = self.store.get(key).map(|e| e.object.clone()) else {
            self.stateful_sets.remove(key);
            return;
        };
        let uid = sts.metadata.uid.clone().unwrap_or_default();
        let update_rev = format!("{}-{}", sts.metadata.name, pod_template_hash(&sts.spec.template));
        let memory = self.stateful_sets.entry(key.clone()).or_default();
        let (current_rev, current_template) = memory
            .current
            .get_or_insert_with(|| (update_rev.clone(), sts.spec.template.clone()))
            .clone();
        let now = self.now_ms;
        let owned = self.pods_owned_by(&uid);
        let mut views = Vec::new();
        let mut seen_ready = Vec::new();
        for (_, p) in &owned {
            let Some(ordinal) = statefulset::pod_ordinal(&sts.metadata.name, &p.metadata.name) else {
                continue;
            };
            let ready = p.is_ready();
            // Keyed by uid: a replacement pod with the same name starts its own clock.
            let uid = p.metadata.uid.clone().unwrap_or_default();
            if ready {
                seen_ready.push(uid.clone());
            }
            views.push((
                ordinal,
                uid,
                p.metadata.labels.get(statefulset::REVISION_LABEL).cloned(),
                p.phase_kind(),
                ready,
                p.is_terminating(),
            ));
        }
        let memory = self.stateful_sets.entry(key.clone()).or_default();
        memory.ready_since.retain(|name, _| seen_ready.contains(name));
        let pods: Vec<PodView> = views
            .into_iter()
            .map(|(ordinal, name, rev, phase, ready, terminating)| {
                let ready_since_ms = if ready {
                    Some(*memory.ready_since.entry(name).or_insert(now))
                } else {
                    None
                };
                PodView {
                    ordinal,
                    revision: rev.unwrap_or_default(),
                    phase,
                    ready,
                    ready_since_ms,
                    terminating,
                }
            })
            .collect();
        let spec = set_spec(&sts, &current_rev, &update_rev);
        let status = statefulset::status(&spec, &pods, now);
        if status.rollout_complete && current_rev != update_rev {
            memory.current = Some((update_rev.clone(), sts.spec.template.clone()));
        }
        let result = match statefulset::step(&spec, &pods, now) {
            Ok(r) => r,
            Err(e) => {
                report.warnings.push(Warning {
                    object: key.to_ref(),
                    message: format!("{e}"),
                });
                return;
            }
        };
        if let Some(at) = result.requeue_at_ms.filter(|at| *at > now) {
            self.schedule(at, Timer::StatefulSetResync(key.clone()));
        }
        for action in result.actions {
            match action {
                Action::Create {
                    name,
                    revision,
                    hostname,
                    subdomain,
                    labels,
                    ordinal,
                    ..
                } => {
                    let template = if revision == update_rev {
                        &sts.spec.template
                    } else {
                        &current_template
                    };
                    let mut pod = Pod {
                        metadata: template.metadata.clone(),
                        spec: template.spec.clone(),
                        status: Default::default(),
                    };
                    pod.metadata.name = name.clone();
                    pod.metadata.namespace = Some(key.namespace.clone());
                    pod.metadata.labels.extend(labels);
                    pod.metadata.uid = Some(self.next_uid());
                    pod.metadata.creation_timestamp = Some(crate::cluster::time::rfc3339(now));
                    pod.metadata.owner_references = alloc::vec![OwnerReference {
                        api_version: "apps/v1".to_string(),
                        kind: "StatefulSet".to_string(),
                        name: sts.metadata.name.clone(),
                        uid: uid.clone(),
                        controller: Some(true),
                    }];
                    pod.spec.hostname = Some(hostname);
                    pod.spec.subdomain = subdomain;
                    pod.status.phase = Some("Pending".to_string());
                    let pod_key = ObjectKey::new(Kind::Pod, &key.namespace, &name);
                    let reason = format!("create ordinal {ordinal} at revision {revision}");
                    self.put_derived(Object::Pod(pod), STATEFULSET, Some(reason), report);
                    self.pod_changed(&key.namespace, &name, None);
                    self.start_pod(&pod_key, report);
                }
                Action::Delete { name, .. } => {
                    let pod_key = ObjectKey::new(Kind::Pod, &key.namespace, &name);
                    self.terminate_pod(&pod_key, Actor::Controller(STATEFULSET), report);
                }
            }
        }
    }

    /// A StatefulSet's pods and the reasons its controller is waiting, for the inspector.
    pub fn stateful_set_status(&self, namespace: &str, name: &str) -> Option<statefulset::StepResult> {
        let (spec, pods) = self.stateful_set_controller_view(namespace, name)?;
        statefulset::step(&spec, &pods, self.now_ms).ok()
    }

    /// What the controller sees of a set right now: its spec (with the current and update
    /// revisions it remembers) and the pods it owns.
    pub fn stateful_set_controller_view(
        &self,
        namespace: &str,
        name: &str,
    ) -> Option<(SetSpec, Vec<PodView>)> {
        let key = ObjectKey::new(Kind::StatefulSet, namespace, name);
        let Some(Object::StatefulSet(sts)) = self.store.get(&key).map(|e| &e.object) else {
            return None;
        };
        let update_rev = format!("{}-{}", sts.metadata.name, pod_template_hash(&sts.spec.template));
        let memory = self.stateful_sets.get(&key);
        let current = memory
            .and_then(|m| m.current.as_ref())
            .map(|c| c.0.clone())
            .unwrap_or_else(|| update_rev.clone());
        let uid = sts.metadata.uid.clone().unwrap_or_default();
        let pods: Vec<PodView> = self
            .pods_owned_by(&uid)
            .into_iter()
            .filter_map(|(_, p)| {
                let ordinal = statefulset::pod_ordinal(&sts.metadata.name, &p.metadata.name)?;
                Some(PodView {
                    ordinal,
                    revision: p
                        .metadata
                        .labels
                        .get(statefulset::REVISION_LABEL)
                        .cloned()
                        .unwrap_or_default(),
                    phase: p.phase_kind(),
                    ready: p.is_ready(),
                    ready_since_ms: memory.and_then(|m| {
                        m.ready_since
                            .get(p.metadata.uid.as_deref().unwrap_or_default())
                            .copied()
                    }),
                    terminating: p.is_terminating(),
                })
            })
            .collect();
        Some((set_spec(sts, &current, &update_rev), pods))
    }
}

/// One ordinal of a StatefulSet and its stable identity (SPEC §5.1).
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct StatefulPodIdentity {
    pub ordinal: u32,
    /// `<set>-<ordinal>`: also the pod's hostname.
    pub pod: String,
    /// `<pod>.<serviceName>.<namespace>.svc.<zone>` when the set names a Service.
    pub dns_name: Option<String>,
    /// `<claim>-<set>-<ordinal>`, one per volume claim template.
    pub pvcs: Vec<String>,
    /// The pod exists now (it may be starting or terminating).
    pub exists: bool,
    /// Inside `[start, start + replicas)`; an existing pod outside it is being scaled away.
    pub desired: bool,
}

impl Cluster {
    /// Every ordinal a StatefulSet wants or still has, ascending, with its stable names.
    pub fn stateful_set_identities(&self, namespace: &str, name: &str) -> Option<Vec<StatefulPodIdentity>> {
        let key = ObjectKey::new(Kind::StatefulSet, namespace, name);
        let Some(Object::StatefulSet(sts)) = self.store.get(&key).map(|e| &e.object) else {
            return None;
        };
        let spec = set_spec(sts, "", "");
        let uid = sts.metadata.uid.clone().unwrap_or_default();
        let existing: VecSet<u32> = self
            .pods_owned_by(&uid)
            .into_iter()
            .filter_map(|(_, p)| statefulset::pod_ordinal(name, &p.metadata.name))
            .collect();
        let wanted = spec.start_ordinal..spec.start_ordinal.saturating_add(spec.replicas);
        let mut ordinals: VecSet<u32> = existing.clone();
        ordinals.extend(wanted.clone().take(10_000));
        let zone = &self.config.cluster_domain;
        Some(
            ordinals
                .into_iter()
                .map(|ordinal| {
                    let pod = statefulset::pod_name(name, ordinal);
                    StatefulPodIdentity {
                        ordinal,
                        dns_name: spec
                            .service_name
                            .as_ref()
                            .map(|svc| format!("{pod}.{svc}.{namespace}.svc.{zone}")),
                        pvcs: spec
                            .claim_templates
                            .iter()
                            .map(|c| statefulset::pvc_name(c, name, ordinal))
                            .collect(),
                        exists: existing.contains(&ordinal),
                        desired: wanted.contains(&ordinal),
                        pod,
                    }
                })
                .collect(),
        )
    }
}
