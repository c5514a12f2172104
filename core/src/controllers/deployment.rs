//! Deployments (upstream `pkg/controller/deployment`): one ReplicaSet per pod template, named
//! `<deployment>-<pod-template-hash>`, and a rollout between them.
//!
//! * `RollingUpdate` (default): the new ReplicaSet grows while the total stays within
//!   `replicas + maxSurge` (default 25%, rounded up), and old ReplicaSets shrink, oldest first,
//!   while at least `replicas - maxUnavailable` pods (default 25%, rounded down) stay available.
//!   If both resolve to 0, maxUnavailable becomes 1 (upstream's `ResolveFenceposts`).
//! * `Recreate`: old ReplicaSets go to zero, and the new one starts only once their pods are gone.
//!
//! The arithmetic is pure functions (table-tested); the driver re-runs while a rollout is in
//! progress, woken by its pods' readiness. A pod is available when Running, Ready and not
//! terminating (`minReadySeconds` is not modelled for Deployments).

use alloc::format;
use alloc::string::ToString;
use alloc::vec::Vec;

use super::replicaset::{owner_ref, pod_template_hash};
use crate::cluster::{ChangeReport, Cluster, Entry, ObjectKey};
use crate::model::{Deployment, IntOrString, Kind, Object, ObjectMeta, ReplicaSet, ReplicaSetSpec};
use crate::sort::SharedSort;

const DEPLOYMENT: &str = "deployment";

/// `replicas` and available pods of one ReplicaSet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RsCounts {
    pub replicas: i64,
    pub available: i64,
}

/// `maxSurge` / `maxUnavailable` as pod counts: a percentage of `desired`, surge rounded up,
/// unavailability rounded down; both 0 makes unavailability 1.
pub fn resolve_fenceposts(
    max_surge: Option<&IntOrString>,
    max_unavailable: Option<&IntOrString>,
    desired: i64,
) -> (i64, i64) {
    let scaled = |v: Option<&IntOrString>, round_up: bool| -> i64 {
        match v {
            None => {
                let q = desired * 25;
                if round_up {
                    (q + 99) / 100
                } else {
                    q / 100
                }
            }
            Some(IntOrString::Int(n)) => (*n).max(0),
            Some(IntOrString::String(p)) => {
                let pct = i64::from(crate::validation::parse_percent_public(p).unwrap_or(0));
                let q = desired * pct;
                if round_up {
                    (q + 99) / 100
                } else {
                    q / 100
                }
            }
        }
    };
    let surge = scaled(max_surge, true);
    let unavailable = scaled(max_unavailable, false);
    if surge == 0 && unavailable == 0 {
        (0, 1)
    } else {
        (surge, unavailable)
    }
}

/// How many replicas the new ReplicaSet may have now (`NewRSNewReplicas`).
pub fn new_rs_replicas(desired: i64, max_surge: i64, all_replicas: i64, new_replicas: i64) -> i64 {
    let max_total = desired + max_surge;
    if all_replicas >= max_total {
        return new_replicas;
    }
    new_replicas + (max_total - all_replicas).min(desired - new_replicas).max(0)
}

/// The replicas each old ReplicaSet (oldest first) may keep now: first unhealthy pods go, then
/// available ones while `desired - maxUnavailable` stay available (`reconcileOldReplicaSets`).
pub fn old_rs_replicas(desired: i64, max_unavailable: i64, new: RsCounts, old: &[RsCounts]) -> Vec<i64> {
    let mut targets: Vec<i64> = old.iter().map(|o| o.replicas).collect();
    let all: i64 = new.replicas + targets.iter().sum::<i64>();
    let min_available = desired - max_unavailable;
    let new_unavailable = (new.replicas - new.available).max(0);
    let mut budget = all - min_available - new_unavailable;
    if budget <= 0 || targets.iter().all(|t| *t == 0) {
        return targets;
    }
    // Unhealthy old pods first: they cost no availability.
    for (t, o) in targets.iter_mut().zip(old) {
        let unhealthy = (o.replicas - o.available).max(0).min(budget);
        *t -= unhealthy;
        budget -= unhealthy;
    }
    // Then available ones, while enough stay available.
    let available: i64 = new.available
        + old
            .iter()
            .zip(&targets)
            .map(|(o, t)| o.available.min(*t))
            .sum::<i64>();
    let mut scale_down = (available - min_available).max(0);
    for t in targets.iter_mut() {
        let step = (*t).min(scale_down);
        *t -= step;
        scale_down -= step;
    }
    targets
}

impl Cluster {
    fn replica_set_counts(&self, rs_key: &ObjectKey) -> Option<(RsCounts, u64)> {
        let entry = self.store.get(rs_key)?;
        let Object::ReplicaSet(rs) = &entry.object else {
            return None;
        };
        let uid = rs.metadata.uid.as_deref().unwrap_or_default();
        let available = self
            .pods_owned_by(uid)
            .iter()
            .filter(|(_, p)| p.phase() == "Running" && p.is_ready() && !p.is_terminating())
            .count();
        Some((
            RsCounts {
                replicas: rs.spec.replicas.unwrap_or(1),
                available: available as i64,
            },
            entry.created_ms,
        ))
    }

    pub(crate) fn sync_deployment(&mut self, key: &ObjectKey, report: &mut ChangeReport) {
        let Some(Entry {
            object: Object::Deployment(d),
            ..
        }) = self.store.get(key)
        else {
            self.rollouts.remove(key);
            return;
        };
        let d = d.clone();
        let uid = d.metadata.uid.clone().unwrap_or_default();
        let desired = d.spec.replicas.unwrap_or(1).max(0);
        let new_key = self.ensure_new_replica_set(key, &d, report);
        let mut old: Vec<(ObjectKey, RsCounts, u64)> = self
            .store
            .owned_by(&uid)
            .filter(|k| k.kind == Kind::ReplicaSet && **k != new_key)
            .cloned()
            .collect::<Vec<_>>()
            .into_iter()
            .filter_map(|k| self.replica_set_counts(&k).map(|(c, created)| (k, c, created)))
            .collect();
        old.stable_sort_by(|a, b| a.2.cmp(&b.2).then_with(|| a.0.name.cmp(&b.0.name)));
        let Some((new, _)) = self.replica_set_counts(&new_key) else {
            return;
        };
        let strategy = d.spec.strategy.as_ref();
        let recreate = strategy.and_then(|s| s.type_.as_deref()) == Some("Recreate");

        if recreate {
            for (k, c, _) in &old {
                if c.replicas > 0 {
                    self.scale_replica_set(k, 0, report);
                }
            }
            let old_pods_left = old.iter().any(|(k, _, _)| {
                let uid = self
                    .store
                    .get(k)
                    .and_then(|e| e.object.metadata().uid.clone())
                    .unwrap_or_default();
                !self.pods_owned_by(&uid).is_empty()
            });
            if !old_pods_left && new.replicas != desired {
                self.scale_replica_set(&new_key, desired, report);
            }
        } else {
            let rolling = strategy.and_then(|s| s.rolling_update.as_ref());
            let (surge, unavailable) = resolve_fenceposts(
                rolling.and_then(|r| r.max_surge.as_ref()),
                rolling.and_then(|r| r.max_unavailable.as_ref()),
                desired,
            );
            let all: i64 = new.replicas + old.iter().map(|(_, c, _)| c.replicas).sum::<i64>();
            let target = if new.replicas > desired {
                desired
            } else {
                new_rs_replicas(desired, surge, all, new.replicas)
            };
            if target != new.replicas {
                self.scale_replica_set(&new_key, target, report);
                // Upstream returns after scaling up and syncs again on the ReplicaSet's update.
                self.work.deployments.insert(key.clone());
            } else {
                let counts: Vec<RsCounts> = old.iter().map(|(_, c, _)| *c).collect();
                let targets = old_rs_replicas(desired, unavailable, new, &counts);
                for ((k, c, _), t) in old.iter().zip(targets) {
                    if t != c.replicas {
                        self.scale_replica_set(k, t, report);
                    }
                }
            }
        }

        let old_left: i64 = old
            .iter()
            .map(|(k, _, _)| self.replica_set_counts(k).map_or(0, |(c, _)| c.replicas))
            .sum();
        let done = old_left == 0
            && self
                .replica_set_counts(&new_key)
                .is_some_and(|(c, _)| c.replicas == desired && c.available >= desired);
        if done {
            self.rollouts.remove(key);
        } else {
            self.rollouts.insert(key.clone());
        }
    }

    /// The ReplicaSet for the Deployment's current template, created (empty) if missing.
    fn ensure_new_replica_set(
        &mut self,
        key: &ObjectKey,
        d: &Deployment,
        report: &mut ChangeReport,
    ) -> ObjectKey {
        let hash = pod_template_hash(&d.spec.template);
        let name = format!("{}-{}", d.metadata.name, hash);
        let rs_key = ObjectKey::new(Kind::ReplicaSet, &key.namespace, &name);
        if self.store.contains(&rs_key) {
            return rs_key;
        }
        let uid = d.metadata.uid.clone().unwrap_or_default();
        let mut template = d.spec.template.clone();
        template
            .metadata
            .labels
            .insert("pod-template-hash".to_string(), hash.clone());
        let mut selector = d.spec.selector.clone().unwrap_or_default();
        selector
            .match_labels
            .get_or_insert_with(Default::default)
            .insert("pod-template-hash".to_string(), hash);
        let rs = ReplicaSet {
            metadata: ObjectMeta {
                name,
                namespace: Some(key.namespace.clone()),
                uid: Some(self.next_uid()),
                creation_timestamp: Some(crate::cluster::time::rfc3339(self.now_ms)),
                owner_references: alloc::vec![owner_ref(Kind::Deployment, &d.metadata.name, &uid)],
                labels: template.metadata.labels.clone(),
                ..Default::default()
            },
            spec: ReplicaSetSpec {
                replicas: Some(0),
                selector: Some(selector),
                template,
                min_ready_seconds: d.spec.min_ready_seconds,
            },
        };
        self.put_derived(
            Object::ReplicaSet(rs),
            DEPLOYMENT,
            Some("new pod template".to_string()),
            report,
        );
        rs_key
    }

    /// A pod of a ReplicaSet changed: if that ReplicaSet's Deployment is rolling out, it looks
    /// again (a steady Deployment is not woken, so pod changes stay O(1) in its size).
    pub(crate) fn wake_rollout(&mut self, rs_key: &ObjectKey) {
        let Some(Entry {
            object: Object::ReplicaSet(rs),
            ..
        }) = self.store.get(rs_key)
        else {
            return;
        };
        let Some(owner) = rs
            .metadata
            .owner_references
            .iter()
            .find(|r| r.kind == "Deployment")
        else {
            return;
        };
        let d_key = ObjectKey::new(Kind::Deployment, &rs_key.namespace, &owner.name);
        if self.rollouts.contains(&d_key) {
            self.work.deployments.insert(d_key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> IntOrString {
        IntOrString::String(v.to_string())
    }

    #[test]
    fn fenceposts_round_surge_up_and_unavailability_down() {
        // (maxSurge, maxUnavailable, desired) → (surge, unavailable); upstream ResolveFenceposts.
        let cases = [
            (None, None, 4, (1, 1)),
            (None, None, 10, (3, 2)),
            (None, None, 1, (1, 0)),
            (Some(s("0%")), Some(s("0%")), 5, (0, 1)),
            (Some(IntOrString::Int(2)), Some(IntOrString::Int(0)), 5, (2, 0)),
            (Some(s("50%")), Some(s("50%")), 3, (2, 1)),
        ];
        for (surge, unavailable, desired, want) in cases {
            assert_eq!(
                resolve_fenceposts(surge.as_ref(), unavailable.as_ref(), desired),
                want,
                "{surge:?} {unavailable:?} {desired}"
            );
        }
    }

    #[test]
    fn the_new_replica_set_grows_within_the_surge() {
        // (desired, surge, all, new) → new target
        let cases = [
            (4, 1, 4, 0, 1),
            (4, 1, 5, 1, 1),
            (4, 1, 4, 1, 2),
            (4, 1, 0, 0, 4),
            (3, 0, 3, 0, 0),
            (3, 0, 2, 0, 1),
        ];
        for (desired, surge, all, new, want) in cases {
            assert_eq!(
                new_rs_replicas(desired, surge, all, new),
                want,
                "{desired} {surge} {all} {new}"
            );
        }
    }

    #[test]
    fn old_replica_sets_shrink_while_enough_stay_available() {
        let rs = |replicas, available| RsCounts { replicas, available };
        // (desired, maxUnavailable, new, old…) → old targets
        type Case = (i64, i64, RsCounts, Vec<RsCounts>, Vec<i64>);
        let cases: Vec<Case> = alloc::vec![
            // 4 replicas, 25%: one new pod starting, old all available → drop one old pod.
            (4, 1, rs(1, 0), alloc::vec![rs(4, 4)], alloc::vec![3]),
            // nothing may go: the new pod is not available yet and we are at the minimum.
            (4, 1, rs(2, 1), alloc::vec![rs(3, 3)], alloc::vec![2]),
            (4, 1, rs(2, 0), alloc::vec![rs(3, 3)], alloc::vec![3]),
            // unhealthy old pods go first, even past what availability alone would allow.
            (4, 1, rs(1, 0), alloc::vec![rs(4, 2)], alloc::vec![3]),
            // oldest first.
            (4, 1, rs(2, 2), alloc::vec![rs(1, 1), rs(2, 2)], alloc::vec![0, 1]),
            // maxUnavailable 0: only surge makes room.
            (3, 0, rs(1, 1), alloc::vec![rs(3, 3)], alloc::vec![2]),
        ];
        for (desired, unavailable, new, old, want) in cases {
            assert_eq!(
                old_rs_replicas(desired, unavailable, new, &old),
                want,
                "{desired} {unavailable} {new:?} {old:?}"
            );
        }
    }
}
