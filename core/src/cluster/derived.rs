//! Objects in an apply that kroute's own controllers would create: a live dump
//! (`kubectl get all -o yaml`) carries the Pods of its ReplicaSets, the ReplicaSets of its
//! Deployments and the EndpointSlices and Endpoints of its Services. Applying those as written
//! would run every pod twice, so they are skipped with a note saying which controller makes them
//! instead. An object whose owner is not in the cluster or the batch is kept as written (a lone
//! Pod copied out of a dump is still a Pod).

use crate::collections::VecSet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::{Cluster, ObjectKey};
use crate::controllers::services::managed_selector;
use crate::model::{Kind, Object};

const MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";
const SLICE_CONTROLLER: &str = "endpointslice-controller.k8s.io";
const SERVICE_NAME: &str = "kubernetes.io/service-name";

/// For each object of the batch: `Some(why)` when a controller derives it from another object
/// of the cluster or of the batch.
pub(super) fn derived_objects(cluster: &Cluster, objects: &[Object]) -> Vec<Option<String>> {
    let batch: VecSet<ObjectKey> = objects.iter().filter_map(ObjectKey::of).collect();
    let present = |kind: Kind, ns: &str, name: &str| {
        let key = ObjectKey::new(kind, ns, name);
        batch.contains(&key) || cluster.store.contains(&key)
    };
    // Selector Services of the batch, found once (a dump can hold thousands of slices).
    let batch_selector_services: VecSet<(&str, &str)> = objects
        .iter()
        .filter_map(|o| match o {
            Object::Service(s) if managed_selector(s).is_some() => {
                Some((o.namespace()?, s.metadata.name.as_str()))
            }
            _ => None,
        })
        .collect();
    let selector_service = |ns: &str, name: &str| {
        batch_selector_services.contains(&(ns, name))
            || matches!(cluster.get(Kind::Service, Some(ns), name), Some(Object::Service(s)) if managed_selector(s).is_some())
    };
    objects
        .iter()
        .map(|object| {
            let ns = object.namespace().unwrap_or("");
            let owner = object
                .metadata()
                .owner_references
                .iter()
                .find(|r| r.controller == Some(true));
            match (object, owner) {
                (Object::Pod(_), Some(r)) if r.kind == "ReplicaSet" || r.kind == "StatefulSet" => {
                    let kind = Kind::parse(&r.kind)?;
                    present(kind, ns, &r.name).then(|| {
                        format!(
                            "created by the {} controller of {}/{}/{}; kroute's makes its own pods",
                            r.kind, r.kind, ns, r.name
                        )
                    })
                }
                (Object::ReplicaSet(_), Some(r)) if r.kind == "Deployment" => {
                    present(Kind::Deployment, ns, &r.name).then(|| {
                        format!(
                            "created by the Deployment controller of Deployment/{ns}/{}",
                            r.name
                        )
                    })
                }
                (Object::EndpointSlice(s), _) => {
                    let managed =
                        s.metadata.labels.get(MANAGED_BY).map(String::as_str) == Some(SLICE_CONTROLLER);
                    let service = s.metadata.labels.get(SERVICE_NAME)?;
                    (managed && selector_service(ns, service)).then(|| {
                        format!("written by the EndpointSlice controller for Service/{ns}/{service}")
                    })
                }
                (Object::Endpoints(e), _) => selector_service(ns, &e.metadata.name).then(|| {
                    format!(
                        "written by the Endpoints controller for Service/{ns}/{}",
                        e.metadata.name
                    )
                }),
                _ => None,
            }
        })
        .collect()
}
