//! ReplicaSets: keep `replicas` active pods, named `<replicaset>-<5 random characters>` from the
//! seeded generator (drawn again on a clash, as `generateName` is). The Deployment controller
//! that owns them is in `deployment.rs`.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::cluster::{Actor, ChangeReport, Cluster, Entry, ObjectKey};
use crate::model::{Kind, Object, OwnerReference, Pod, PodTemplateSpec};
use crate::sort::SharedSort;

const DEPLOYMENT: &str = "deployment";
const REPLICASET: &str = "replicaset";

/// The alphabet `k8s.io/apimachinery/pkg/util/rand` uses for generated names: no vowels, no
/// look-alike characters.
const SAFE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// FNV-1a 32-bit hash.
pub(crate) fn fnv32a(data: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in data {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// `pod-template-hash`: the template's FNV hash, its decimal digits mapped onto the safe
/// alphabet the way upstream's `SafeEncodeString` does.
pub fn pod_template_hash(template: &PodTemplateSpec) -> String {
    // The template's JSON as serde_json wrote it before: fields in declaration order, compact.
    let json = crate::json::to_string(&crate::json::ToJson::to_json(template));
    let digits = format!("{}", fnv32a(json.as_bytes()));
    digits
        .bytes()
        .map(|b| SAFE_ALPHABET[usize::from(b) % SAFE_ALPHABET.len()] as char)
        .collect()
}

pub(crate) fn owner_ref(kind: Kind, name: &str, uid: &str) -> OwnerReference {
    OwnerReference {
        api_version: kind.api_version().to_string(),
        kind: kind.as_str().to_string(),
        name: name.to_string(),
        uid: uid.to_string(),
        controller: Some(true),
    }
}

impl Cluster {
    /// A random suffix for generated names, from the seeded generator.
    pub(crate) fn name_suffix(&mut self, len: usize) -> String {
        let mut rng = self.rng.fork("names");
        let mut s = String::with_capacity(len);
        for _ in 0..len {
            s.push(SAFE_ALPHABET[rng.below(SAFE_ALPHABET.len() as u64) as usize] as char);
        }
        // Advance the parent stream so the next suffix differs.
        self.rng.next_u64();
        s
    }

    pub(crate) fn scale_replica_set(&mut self, key: &ObjectKey, replicas: i64, report: &mut ChangeReport) {
        let Some(Entry {
            object: Object::ReplicaSet(rs),
            ..
        }) = self.store.get(key)
        else {
            return;
        };
        if rs.spec.replicas == Some(replicas) {
            return;
        }
        let mut rs = rs.clone();
        rs.spec.replicas = Some(replicas);
        self.put_derived(
            Object::ReplicaSet(rs),
            DEPLOYMENT,
            Some(format!("scaled to {replicas}")),
            report,
        );
        self.work.replica_sets.insert(key.clone());
    }

    pub(crate) fn sync_replica_set(&mut self, key: &ObjectKey, report: &mut ChangeReport) {
        let Some(entry) = self.store.get(key) else { return };
        let Object::ReplicaSet(rs) = &entry.object else {
            return;
        };
        let rs = rs.clone();
        let by = REPLICASET;
        let uid = rs.metadata.uid.clone().unwrap_or_default();
        let want = usize::try_from(rs.spec.replicas.unwrap_or(1).max(0)).unwrap_or(0);
        let mut active: Vec<(ObjectKey, Pod)> = self
            .pods_owned_by(&uid)
            .into_iter()
            .filter(|(_, p)| !p.is_terminating() && !matches!(p.phase(), "Failed" | "Succeeded"))
            .map(|(k, p)| (k, p.clone()))
            .collect();
        if active.len() < want {
            for _ in active.len()..want {
                // Like generateName: a suffix that collides with an existing pod is drawn again.
                let mut name = format!("{}-{}", rs.metadata.name, self.name_suffix(5));
                while self
                    .store
                    .contains(&ObjectKey::new(Kind::Pod, &key.namespace, &name))
                {
                    name = format!("{}-{}", rs.metadata.name, self.name_suffix(5));
                }
                let mut pod = Pod {
                    metadata: rs.spec.template.metadata.clone(),
                    spec: rs.spec.template.spec.clone(),
                    status: Default::default(),
                };
                pod.metadata.name = name.clone();
                pod.metadata.namespace = Some(key.namespace.clone());
                pod.metadata.uid = Some(self.next_uid());
                pod.metadata.creation_timestamp = Some(crate::cluster::time::rfc3339(self.now_ms));
                pod.metadata.owner_references =
                    alloc::vec![owner_ref(Kind::ReplicaSet, &rs.metadata.name, &uid)];
                pod.status.phase = Some("Pending".to_string());
                let pod_key = ObjectKey::new(Kind::Pod, &key.namespace, &name);
                self.put_derived(
                    Object::Pod(pod),
                    by,
                    Some(format!("{} wants {want} replicas", rs.metadata.name)),
                    report,
                );
                self.pod_changed(&key.namespace, &name, None);
                self.start_pod(&pod_key, report);
            }
        } else if active.len() > want {
            // Upstream's deletion order: unscheduled, then not ready, then the newest.
            active.stable_sort_by(|(ka, a), (kb, b)| {
                let rank = |p: &Pod| (p.spec.node_name.is_some(), p.is_ready());
                rank(a)
                    .cmp(&rank(b))
                    .then_with(|| b.metadata.creation_timestamp.cmp(&a.metadata.creation_timestamp))
                    .then_with(|| kb.name.cmp(&ka.name))
            });
            let surplus = active.len() - want;
            for (pod_key, _) in active.into_iter().take(surplus) {
                self.terminate_pod(&pod_key, Actor::Controller(REPLICASET), report);
            }
        }
    }
}
