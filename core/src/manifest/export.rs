//! Manifests out: the user's objects as a YAML stream that `kubectl apply -f` accepts and that
//! kroute reads back into the same cluster.
//!
//! What is exported is what the user applied (`Cluster::applied_objects`, kubectl's
//! last-applied configuration), not what the cluster made of it, so these never appear:
//! - **status**, of every kind: the cluster writes it (kroute's simulation, a real cluster's
//!   controllers), and `kubectl apply` ignores it. A LoadBalancer address taken from a dump's
//!   `status.loadBalancer` is therefore allocated afresh on re-import.
//! - **server-set metadata**: `uid`, `resourceVersion`, `generation`, `creationTimestamp`,
//!   `deletionTimestamp`, `deletionGracePeriodSeconds`, `managedFields`, `selfLink`. The API
//!   server refuses a create that carries a `resourceVersion`, and the rest it assigns itself.
//! - **`ownerReferences`**: they point at owners by uid, and the uids are not exported, so on
//!   any other cluster they would name owners that do not exist (and its garbage collector
//!   would delete the object). An object a controller made is not a user object anyway.
//! - annotations written by tools, not people: `kubectl.kubernetes.io/last-applied-configuration`
//!   (kubectl's own bookkeeping, stale once copied) and `deployment.kubernetes.io/revision`
//!   (the Deployment controller's).
//! - what admission **allocated or defaulted** and the user did not write: a ClusterIP or
//!   NodePort drawn from the pool, `targetPort` defaulted to `port`, `ipFamilies` and
//!   `ipFamilyPolicy`, a pod's node and IP. They are absent from the last-applied object, so a
//!   re-import allocates them again; a ClusterIP or NodePort the user *did* write (or a dump
//!   carried) is exported as written and kept.
//!
//! Everything else is exported as kroute read it: the modelled fields of each kind (fields kroute
//! does not model were already dropped when the manifest was read) and, for kinds it does not
//! model (`Cluster::other_objects`), the object exactly as it came, less the fields above.
//! Namespaced objects always carry their `metadata.namespace`, so the stream applies the same
//! whatever the current namespace of kubectl's context.
//!
//! Order is stable and follows dependencies, so that `kubectl apply -f` never meets a reference
//! before its target: Namespaces, Nodes, IngressClasses, GatewayClasses, the kinds kroute does
//! not model (CustomResourceDefinitions first), Services, Endpoints, EndpointSlices,
//! Deployments, ReplicaSets, StatefulSets, Pods, Ingresses, Gateways, HTTPRoutes; within a kind
//! by namespace, then name. Objects of the cluster's own making (the built-in namespaces and
//! default nodes, which every cluster of the same config starts with) are not user objects.
//!
//! Property (tested over every fixture): import → export → import → export gives the same text,
//! and the two clusters hold the same objects.
//!
//! With [`ExportOptions::derived`], a read-only section follows, under a comment header: the
//! objects kroute's controllers made (ReplicaSets, Pods, EndpointSlices), whole, status and
//! owners included, for reading. Reading the stream back skips them (`cluster::derived`: their
//! owners are in the same stream), so the section never doubles a pod.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::json::Value as Json;

use crate::cluster::{Cluster, Origin};
use crate::model::{Kind, Object};
use crate::sort::SharedSort;

/// What [`Cluster::export_yaml`] writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Append the controller-made objects as a read-only section (see the module docs).
    pub derived: bool,
}

/// The first line of every export.
pub const EXPORT_HEADER: &str =
    "# kroute export: the objects applied by the user. Apply with `kubectl apply -f`.\n";

/// The comment that opens the read-only section of derived objects.
pub const DERIVED_HEADER: &str = "\
# ------------------------------------------------------------------------------------------
# DERIVED OBJECTS (read-only): made by kroute's controllers from the objects above, shown with
# their status. Do not edit or apply them: kroute skips them when this file is read back, and
# a real cluster's controllers make their own.
# ------------------------------------------------------------------------------------------
";

/// Metadata fields the API server sets (see the module docs).
const SERVER_METADATA: [&str; 9] = [
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "selfLink",
    "ownerReferences",
];

/// Annotations that tools write and a person does not.
const TOOL_ANNOTATIONS: [&str; 2] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
];

/// Rank of the unmodelled kinds in the export order (between classes and Services).
const OTHERS_RANK: u8 = 4;

/// Where a modelled kind goes in the export order.
fn rank(kind: Kind) -> u8 {
    match kind {
        Kind::Namespace => 0,
        Kind::Node => 1,
        Kind::IngressClass => 2,
        Kind::GatewayClass => 3,
        Kind::Service => 5,
        Kind::Endpoints => 6,
        Kind::EndpointSlice => 7,
        Kind::Deployment => 8,
        Kind::ReplicaSet => 9,
        Kind::StatefulSet => 10,
        Kind::Pod => 11,
        Kind::Ingress => 12,
        Kind::Gateway => 13,
        Kind::HttpRoute => 14,
    }
}

/// Where a derived kind goes: owners before what they own, EndpointSlices after their pods.
fn derived_rank(kind: Kind) -> u8 {
    match kind {
        Kind::ReplicaSet => 0,
        Kind::Pod => 1,
        Kind::EndpointSlice => 2,
        other => 3 + rank(other),
    }
}

/// One document to write, with its place in the order.
struct Doc {
    order: (u8, bool, String, String, String),
    value: Json,
}

impl Cluster {
    /// The user's objects as a multi-document YAML stream (see the module docs for what is
    /// left out and why), optionally followed by the derived objects.
    pub fn export_yaml(&self, options: ExportOptions) -> String {
        let mut docs: Vec<Doc> = self
            .applied_objects()
            .filter_map(|(key, object)| {
                let kind = object.kind()?;
                let mut value = object.to_value();
                clean(&mut value);
                set_namespace(&mut value, kind.is_namespaced().then_some(key.namespace.as_str()));
                Some(Doc {
                    order: (
                        rank(kind),
                        false,
                        String::new(),
                        key.namespace.clone(),
                        key.name.clone(),
                    ),
                    value,
                })
            })
            .collect();
        docs.extend(self.other_objects().map(|other| {
            let mut value = other.raw.clone();
            clean(&mut value);
            Doc {
                order: (
                    OTHERS_RANK,
                    other.kind != "CustomResourceDefinition",
                    other.kind.clone(),
                    other.metadata.namespace.clone().unwrap_or_default(),
                    other.metadata.name.clone(),
                ),
                value,
            }
        }));
        docs.stable_sort_by(|a, b| a.order.cmp(&b.order));

        let mut out = String::from(EXPORT_HEADER);
        for doc in &docs {
            write_document(&mut out, &doc.value);
        }
        if options.derived {
            out.push_str(DERIVED_HEADER);
            let mut derived: Vec<(u8, &Object)> = self
                .store
                .values()
                .filter(|(_, e)| matches!(e.origin, Origin::Controller(_)))
                .map(|(key, e)| (derived_rank(key.kind), &e.object))
                .collect();
            // The store is in (kind, namespace, name) order; a stable sort keeps it per rank.
            derived.stable_sort_by_key(|(rank, _)| *rank);
            for (_, object) in derived {
                write_document(&mut out, &object.to_value());
            }
        }
        out
    }
}

/// Removes status, server-set metadata and tool annotations (see the module docs).
pub(super) fn clean(value: &mut Json) {
    let Json::Object(map) = value else { return };
    map.remove("status");
    let Some(Json::Object(meta)) = map.get_mut("metadata") else {
        return;
    };
    for field in SERVER_METADATA {
        meta.remove(field);
    }
    if let Some(Json::Object(annotations)) = meta.get_mut("annotations") {
        for a in TOOL_ANNOTATIONS {
            annotations.remove(a);
        }
        if annotations.is_empty() {
            meta.remove("annotations");
        }
    }
}

/// Sets (or, for a cluster-scoped kind, removes) `metadata.namespace`.
fn set_namespace(value: &mut Json, namespace: Option<&str>) {
    let Json::Object(map) = value else { return };
    let meta = map.entry_or_insert_with("metadata", || Json::Object(crate::json::Map::new()));
    let Json::Object(meta) = meta else { return };
    match namespace {
        Some(ns) => meta.insert("namespace".to_string(), Json::String(ns.to_string())),
        None => meta.remove("namespace"),
    };
}

/// `---` and the document (see `emit.rs` for why not serde_yaml_ng's writer).
fn write_document(out: &mut String, value: &Json) {
    out.push_str("---\n");
    out.push_str(&super::emit::document(value));
}
