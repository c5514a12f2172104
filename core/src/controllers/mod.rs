//! The controllers: what the cluster does on its own after a change.
//!
//! Each works on `Cluster` through the work queue: a change enqueues the objects whose
//! controller must look again, and `Cluster::settle` runs them until nothing is left.
//! Invariant: controllers only write objects they own (`Origin::Controller`), and never fail on
//! input — what cannot be done is reported in the object's status or as a warning.

pub mod deployment;
pub mod endpointslices;
pub mod nodes;
pub mod pods;
pub mod replicaset;
pub mod services;
pub mod statefulset;
pub(crate) mod statefulset_driver;

use crate::cluster::{ChangeReport, Cluster, ObjectKey};
use crate::model::{Kind, Object};

impl Cluster {
    /// Enqueues the controllers an object written by the user concerns.
    pub(crate) fn after_user_write(
        &mut self,
        key: &ObjectKey,
        old: Option<&Object>,
        report: &mut ChangeReport,
    ) {
        match key.kind {
            Kind::Deployment => {
                self.work.deployments.insert(key.clone());
            }
            Kind::ReplicaSet => {
                self.work.replica_sets.insert(key.clone());
            }
            Kind::StatefulSet => {
                self.work.stateful_sets.insert(key.clone());
            }
            Kind::Service => self.service_upserted(key),
            Kind::Pod => {
                let old_labels = match old {
                    Some(Object::Pod(p)) => Some(p.metadata.labels.clone()),
                    _ => None,
                };
                self.pod_changed(&key.namespace, &key.name, old_labels.as_ref());
                if old.is_none() {
                    self.start_pod(key, report);
                }
            }
            Kind::Node => {
                self.node_ipam.add_node(&key.name);
                self.retry_unscheduled(report);
            }
            _ => {}
        }
    }

    /// A node appeared: pods that could not be scheduled get another chance.
    fn retry_unscheduled(&mut self, report: &mut ChangeReport) {
        let pending: alloc::vec::Vec<ObjectKey> = self
            .store
            .of_kind(Kind::Pod)
            .filter(|(_, e)| matches!(&e.object, Object::Pod(p) if p.status.pod_ip.is_none() && !p.is_terminating()))
            .map(|(k, _)| k.clone())
            .collect();
        for key in pending {
            self.start_pod(&key, report);
        }
    }
}
