//! The object store: every object of the cluster, by kind, namespace and name, with who owns it.
//!
//! Invariants: a key is unique; an object's `metadata.namespace` is set for namespaced kinds
//! and absent for cluster-scoped ones; the owner index always agrees with the objects'
//! `ownerReferences` (it is only maintained by `insert`/`remove`).

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::error::ObjectRef;
use crate::model::{Kind, Object, OtherObject};

/// Where an object lives: `(kind, namespace, name)`; the namespace is empty for cluster-scoped
/// kinds. Ordered so that a kind, or a kind in one namespace, is a contiguous range.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
}

impl ObjectKey {
    pub fn new(kind: Kind, namespace: &str, name: &str) -> Self {
        let namespace = if kind.is_namespaced() {
            namespace.to_string()
        } else {
            String::new()
        };
        ObjectKey {
            kind,
            namespace,
            name: name.to_string(),
        }
    }

    pub fn of(object: &Object) -> Option<Self> {
        Some(ObjectKey::new(
            object.kind()?,
            object.namespace().unwrap_or(""),
            object.name(),
        ))
    }

    pub fn to_ref(&self) -> ObjectRef {
        ObjectRef {
            kind: self.kind.as_str().to_string(),
            namespace: if self.kind.is_namespaced() {
                Some(self.namespace.clone())
            } else {
                None
            },
            name: self.name.clone(),
        }
    }
}

/// Who manages an object's existence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Applied by the user; only the user deletes it.
    User,
    /// Created by a controller, which keeps it in line with its owner.
    Controller(&'static str),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub object: Object,
    pub origin: Origin,
    /// Simulated creation time in milliseconds; orders "oldest wins" decisions.
    pub created_ms: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Store {
    objects: BTreeMap<ObjectKey, Entry>,
    /// owner uid → the objects that name it in `ownerReferences`.
    owned: BTreeMap<String, BTreeSet<ObjectKey>>,
    /// Objects of kinds kroute does not model, by (kind, namespace, name).
    others: BTreeMap<(String, String, String), OtherObject>,
}

impl Store {
    pub fn get(&self, key: &ObjectKey) -> Option<&Entry> {
        self.objects.get(key)
    }

    pub fn get_mut(&mut self, key: &ObjectKey) -> Option<&mut Entry> {
        self.objects.get_mut(key)
    }

    pub fn contains(&self, key: &ObjectKey) -> bool {
        self.objects.contains_key(key)
    }

    /// Inserts or replaces; returns the previous entry.
    pub fn insert(&mut self, key: ObjectKey, entry: Entry) -> Option<Entry> {
        let old = self.objects.insert(key.clone(), entry);
        if let Some(old) = &old {
            self.unindex_owners(&key, &old.object);
        }
        if let Some(new) = self.objects.get(&key) {
            for r in &new.object.metadata().owner_references {
                self.owned.entry(r.uid.clone()).or_default().insert(key.clone());
            }
        }
        old
    }

    pub fn remove(&mut self, key: &ObjectKey) -> Option<Entry> {
        let old = self.objects.remove(key)?;
        self.unindex_owners(key, &old.object);
        Some(old)
    }

    fn unindex_owners(&mut self, key: &ObjectKey, object: &Object) {
        for r in &object.metadata().owner_references {
            if let Some(set) = self.owned.get_mut(&r.uid) {
                set.remove(key);
                if set.is_empty() {
                    self.owned.remove(&r.uid);
                }
            }
        }
    }

    /// Objects whose `ownerReferences` name `uid`.
    pub fn owned_by(&self, uid: &str) -> impl Iterator<Item = &ObjectKey> + '_ {
        self.owned.get(uid).into_iter().flatten()
    }

    /// Every object of a kind, in key order.
    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = (&ObjectKey, &Entry)> + '_ {
        let start = ObjectKey {
            kind,
            namespace: String::new(),
            name: String::new(),
        };
        self.objects
            .range(start..)
            .take_while(move |(k, _)| k.kind == kind)
    }

    /// Every object of a kind in one namespace, in name order.
    pub fn in_namespace(
        &self,
        kind: Kind,
        namespace: &str,
    ) -> impl Iterator<Item = (&ObjectKey, &Entry)> + '_ {
        let start = ObjectKey {
            kind,
            namespace: namespace.to_string(),
            name: String::new(),
        };
        let namespace = start.namespace.clone();
        self.objects
            .range(start..)
            .take_while(move |(k, _)| k.kind == kind && k.namespace == namespace)
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    pub fn put_other(&mut self, other: OtherObject) -> bool {
        let ns = other.metadata.namespace.clone().unwrap_or_default();
        let key = (other.kind.clone(), ns, other.metadata.name.clone());
        self.others.insert(key, other).is_some()
    }

    pub fn others(&self) -> impl Iterator<Item = &OtherObject> + '_ {
        self.others.values()
    }

    pub fn remove_other(&mut self, kind: &str, namespace: &str, name: &str) -> Option<OtherObject> {
        self.others
            .remove(&(kind.to_string(), namespace.to_string(), name.to_string()))
    }

    pub fn keys(&self) -> impl Iterator<Item = &ObjectKey> + '_ {
        self.objects.keys()
    }

    pub fn values(&self) -> impl Iterator<Item = (&ObjectKey, &Entry)> + '_ {
        self.objects.iter()
    }

    /// Collects keys of a kind (to iterate while mutating).
    pub fn keys_of_kind(&self, kind: Kind) -> Vec<ObjectKey> {
        self.of_kind(kind).map(|(k, _)| k.clone()).collect()
    }
}
