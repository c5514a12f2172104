//! The user's objects as they were last applied, before admission filled anything in.
//!
//! The store holds what the cluster made of an object: a ClusterIP and NodePorts allocated,
//! `targetPort` and `ipFamilies` defaulted, a uid and a creation time, a pod's node and status.
//! Export (`manifest::export`) must give back what the user wrote, so that an allocated
//! ClusterIP is not frozen into the manifest while one the user chose is kept. This is kubectl's
//! `last-applied-configuration`, held beside the store: every object an `apply` writes for the
//! user is recorded here as it came in the batch.
//!
//! Invariant: only objects the batch's user events name are recorded (objects left to a
//! controller, and unmodelled kinds, are not); readers go through [`Cluster::applied_objects`],
//! which shows an entry only while the store still holds a user object of that key, so a
//! record outliving its object (deleted, or replaced by a controller) is never seen.

use crate::collections::VecSet;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use super::{Actor, ChangeReport, Cluster, Entry, ObjectKey, Origin};
use crate::error::ObjectRef;
use crate::model::Object;

/// Last-applied objects by key. Cloned with the cluster. Each is kept as a store [`Entry`]
/// (origin `User`, `created_ms` the instant it was applied) rather than a bare `Object`, so
/// that this map and the store's are one B-tree instance (see ARCHITECTURE.md, "Size").
#[derive(Clone, Debug, Default)]
pub(crate) struct Applied {
    objects: BTreeMap<ObjectKey, Entry>,
}

impl Applied {
    /// Records the objects of a committed batch (`written`, as they were before admission) that
    /// `report`'s user events name, applied at `at_ms`, and returns their keys in batch order.
    pub(crate) fn record(
        &mut self,
        written: Vec<Object>,
        report: &ChangeReport,
        at_ms: u64,
    ) -> Vec<ObjectKey> {
        let by_user: VecSet<&ObjectRef> = report
            .events
            .iter()
            .filter(|e| e.by == Actor::User)
            .map(|e| &e.object)
            .collect();
        let mut keys = Vec::new();
        for object in written {
            let Some(key) = ObjectKey::of(&object) else {
                continue;
            };
            if by_user.contains(&key.to_ref()) {
                keys.push(key.clone());
                let entry = Entry {
                    object,
                    origin: Origin::User,
                    created_ms: at_ms,
                };
                self.objects.insert(key, entry);
            }
        }
        keys
    }

    pub(crate) fn forget(&mut self, key: &ObjectKey) {
        self.objects.remove(key);
    }
}

impl Cluster {
    /// The user's objects as last applied (what the batch said, before allocations and
    /// defaults), in key order: kind, namespace, name. Only objects that still exist and belong
    /// to the user and are not being deleted (a terminating pod) are listed; the namespace of
    /// a namespaced object may be absent (`default`).
    pub fn applied_objects(&self) -> impl Iterator<Item = (&ObjectKey, &Object)> + '_ {
        self.applied
            .objects
            .iter()
            .filter(|(key, _)| {
                self.store.get(key).is_some_and(|e| {
                    e.origin == Origin::User && e.object.metadata().deletion_timestamp.is_none()
                })
            })
            .map(|(key, applied)| (key, &applied.object))
    }
}
