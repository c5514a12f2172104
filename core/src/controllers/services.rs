//! Which Services select which pods, answered without scanning every Service.
//!
//! A Service selector is a set of `key=value` terms that must all hold. Each selector-based
//! Service is filed under one of its terms (the anchor) in its namespace; a pod is a candidate
//! only for Services anchored at one of its own labels, and the full selector is then checked.
//! A pod label change thus costs O(labels × log services + candidates), whatever the number of
//! Services — the index the SPEC §10 benchmark asks for (`ratio pod_label_change_*`).

use crate::collections::{VecMap, VecSet};
use alloc::collections::BTreeSet;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::cluster::{ChangeReport, Cluster, ObjectKey};
use crate::model::{Kind, Object, Service, ServiceType, StringMap};
use crate::selector::Selector;

#[derive(Clone, Debug, Default)]
pub struct ServiceIndex {
    /// (namespace, key, value) → names of Services anchored at that term.
    by_anchor: VecMap<(String, String, String), BTreeSet<String>>,
    /// (namespace, name) → the selector of every indexed Service (never empty).
    selectors: VecMap<(String, String), StringMap>,
}

/// Services manage endpoints only with a non-empty selector and a type other than
/// ExternalName (SPEC §1.5, §2.6, §11 #10).
pub fn managed_selector(svc: &Service) -> Option<&StringMap> {
    if svc.service_type() == ServiceType::ExternalName {
        return None;
    }
    svc.spec.selector.as_ref().filter(|s| !s.is_empty())
}

impl ServiceIndex {
    pub fn upsert(&mut self, namespace: &str, name: &str, selector: Option<&StringMap>) {
        self.remove(namespace, name);
        let Some(selector) = selector.filter(|s| !s.is_empty()) else {
            return;
        };
        if let Some((k, v)) = selector.iter().next() {
            self.by_anchor
                .entry((namespace.to_string(), k.clone(), v.clone()))
                .or_default()
                .insert(name.to_string());
        }
        self.selectors
            .insert((namespace.to_string(), name.to_string()), selector.clone());
    }

    pub fn remove(&mut self, namespace: &str, name: &str) {
        let Some(selector) = self.selectors.remove(&(namespace.to_string(), name.to_string())) else {
            return;
        };
        if let Some((k, v)) = selector.iter().next() {
            let anchor = (namespace.to_string(), k.clone(), v.clone());
            if let Some(set) = self.by_anchor.get_mut(&anchor) {
                set.remove(name);
                if set.is_empty() {
                    self.by_anchor.remove(&anchor);
                }
            }
        }
    }

    /// Names of the Services in `namespace` whose selector matches `labels`.
    pub fn services_for(&self, namespace: &str, labels: &StringMap) -> Vec<String> {
        let mut out = VecSet::new();
        for (k, v) in labels {
            let anchor = (namespace.to_string(), k.clone(), v.clone());
            let Some(names) = self.by_anchor.get(&anchor) else {
                continue;
            };
            for name in names {
                let selected = self
                    .selectors
                    .get(&(namespace.to_string(), name.clone()))
                    .is_some_and(|sel| sel.iter().all(|(sk, sv)| labels.get(sk) == Some(sv)));
                if selected {
                    out.insert(name.clone());
                }
            }
        }
        out.into_iter().collect()
    }

    /// The same answer by checking every Service: the reference the benchmark compares with.
    pub fn services_for_by_scan(&self, namespace: &str, labels: &StringMap) -> Vec<String> {
        self.selectors
            .iter()
            .filter(|((ns, _), sel)| ns == namespace && Selector::from_map(sel).matches(labels))
            .map(|((_, name), _)| name.clone())
            .collect()
    }

    pub fn len(&self) -> usize {
        self.selectors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.selectors.is_empty()
    }
}

impl Cluster {
    /// A pod appeared, changed or left: every Service that selected it before or selects it
    /// now must look at it again.
    pub(crate) fn pod_changed(&mut self, namespace: &str, pod: &str, old_labels: Option<&StringMap>) {
        let key = ObjectKey::new(Kind::Pod, namespace, pod);
        let mut services = match old_labels {
            Some(l) => self.service_index.services_for(namespace, l),
            None => Vec::new(),
        };
        if let Some(Object::Pod(p)) = self.store.get(&key).map(|e| &e.object) {
            services.extend(self.service_index.services_for(namespace, &p.metadata.labels));
        }
        for svc in services {
            self.work
                .service_pods
                .entry((namespace.to_string(), svc))
                .or_default()
                .insert(pod.to_string());
        }
    }

    /// A Service was created or changed.
    pub(crate) fn service_upserted(&mut self, key: &ObjectKey) {
        let selector = match self.store.get(key).map(|e| &e.object) {
            Some(Object::Service(s)) => managed_selector(s).cloned(),
            _ => None,
        };
        self.service_index
            .upsert(&key.namespace, &key.name, selector.as_ref());
        self.work
            .services_full
            .insert((key.namespace.clone(), key.name.clone()));
    }

    /// A Service was deleted: free its addresses and remove what the controllers made for it.
    pub(crate) fn service_removed(&mut self, key: &ObjectKey, svc: &Service, report: &mut ChangeReport) {
        self.service_index.remove(&key.namespace, &key.name);
        if let Some(ip) = svc.spec.cluster_ip.as_deref().and_then(|ip| ip.parse().ok()) {
            self.service_ips.release(ip);
        }
        for p in &svc.spec.ports {
            if let Some(np) = p.node_port.and_then(|n| u16::try_from(n).ok()) {
                self.node_ports.release(np);
            }
        }
        if let Some(hc) = svc
            .spec
            .health_check_node_port
            .and_then(|n| u16::try_from(n).ok())
        {
            self.node_ports.release(hc);
        }
        for ing in svc.status.load_balancer.iter().flat_map(|l| &l.ingress) {
            if let Some(ip) = ing.ip.as_deref().and_then(|ip| ip.parse().ok()) {
                self.lb_pool.release(ip);
            }
        }
        self.work
            .services_full
            .insert((key.namespace.clone(), key.name.clone()));
        let _ = report;
    }
}
