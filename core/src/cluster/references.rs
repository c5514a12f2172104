//! Dangling references: an object that names another the cluster does not have.
//!
//! The API server accepts an Ingress whose backend Service does not exist, a Service whose
//! selector matches no pod, a StatefulSet whose `serviceName` is missing: the references are
//! resolved later, by controllers, and may become true when the rest is applied. So kroute does
//! not refuse them either. It reports them beside the apply, as data (the object, the field path
//! of the reference, what is missing), so that a UI can underline the field and a manifest can
//! position them like errors (`manifest::locate_references`).
//!
//! What is checked, for each object an apply wrote for the user, against the cluster once the
//! controllers have settled:
//! - a Service with a selector (not ExternalName) that matches no pod of its namespace;
//! - an Ingress backend (`defaultBackend`, every rule path) naming a missing Service, or a
//!   Service port (number or name) the Service does not have;
//! - a StatefulSet whose `serviceName` names a missing Service, or one that is not headless
//!   (its pods get DNS names only from a headless governing Service);
//! - an HTTPRoute `backendRef` (kind Service) naming a missing Service or a port it lacks, a
//!   `parentRef` (kind Gateway) naming a missing Gateway, or a `sectionName` that is none of
//!   its listeners.
//!
//! Only the batch's objects are checked: a later apply that adds the missing Service does not
//! reopen earlier reports, and an apply touching one pod costs nothing here.

use crate::json::ToJson;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use super::{Cluster, ObjectKey};
use crate::controllers::services::managed_selector;
use crate::error::{FieldPath, ObjectRef};
use crate::model::{
    Gateway, HttpRoute, Ingress, IngressBackend, IntOrString, Kind, Object, Service, StatefulSet, StringMap,
};
use crate::selector::Selector;

/// One reference that does not resolve. A warning, never an error.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct DanglingReference {
    /// The object that holds the reference.
    pub object: ObjectRef,
    /// Where the reference is in that object (`spec.rules[0].http.paths[1].backend.service.name`).
    #[serde(serialize_with = "serialize_path")]
    pub path: FieldPath,
    pub problem: ReferenceProblem,
}

fn serialize_path(path: &FieldPath) -> crate::json::Value {
    crate::json::Value::from(path.as_str())
}

/// What is missing.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ReferenceProblem {
    /// The Service's selector matches no pod of its namespace (terminating pods aside): it has
    /// no endpoints, and traffic to it fails.
    SelectsNoPod { selector: StringMap },
    /// The named object does not exist.
    NotFound { target: ObjectRef },
    /// The Service exists but has no such port; `available` lists its ports the same way
    /// (numbers for a number, names for a name).
    NoSuchPort {
        service: ObjectRef,
        port: IntOrString,
        available: Vec<IntOrString>,
    },
    /// A StatefulSet's governing Service exists but is not headless (`clusterIP: None`), so
    /// the pods get no `<pod>.<service>` DNS names from it.
    NotHeadless { service: ObjectRef },
    /// The Gateway exists but has no listener of that name.
    NoSuchListener {
        gateway: ObjectRef,
        section_name: String,
        available: Vec<String>,
    },
}

impl fmt::Display for ReferenceProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReferenceProblem::SelectsNoPod { selector } => {
                f.write_str("selector ")?;
                for (i, (k, v)) in selector.iter().enumerate() {
                    let comma = if i > 0 { "," } else { "" };
                    write!(f, "{comma}{k}={v}")?;
                }
                f.write_str(" selects no pod; the Service has no endpoints")
            }
            ReferenceProblem::NotFound { target } => write!(f, "{target} not found"),
            ReferenceProblem::NoSuchPort {
                service,
                port,
                available,
            } => {
                match port {
                    IntOrString::Int(n) => write!(f, "{service} has no port {n}")?,
                    IntOrString::String(s) => {
                        write!(f, "{service} has no port named {}", crate::error::Quoted(s))?
                    }
                }
                list(f, available.iter())
            }
            ReferenceProblem::NotHeadless { service } => write!(
                f,
                "{service} is not headless (clusterIP: None); the StatefulSet's pods get no DNS names from it"
            ),
            ReferenceProblem::NoSuchListener {
                gateway,
                section_name,
                available,
            } => {
                write!(
                    f,
                    "{gateway} has no listener named {}",
                    crate::error::Quoted(section_name)
                )?;
                list(f, available.iter())
            }
        }
    }
}

/// ` (it has a, b)` or ` (it has none)`.
fn list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: impl Iterator<Item = T>) -> fmt::Result {
    f.write_str(" (it has ")?;
    let mut any = false;
    for (i, item) in items.enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
        any = true;
    }
    if !any {
        f.write_str("none")?;
    }
    f.write_str(")")
}

impl fmt::Display for DanglingReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.object, self.path, self.problem)
    }
}

/// The dangling references of the objects at `keys` (in that order), as the cluster is now.
pub(super) fn dangling(cluster: &Cluster, keys: &[ObjectKey]) -> Vec<DanglingReference> {
    let mut out = Vec::new();
    for key in keys {
        let Some(entry) = cluster.store.get(key) else {
            continue;
        };
        let mut found = Found {
            cluster,
            object: key.to_ref(),
            namespace: &key.namespace,
            out: &mut out,
        };
        match &entry.object {
            Object::Service(svc) => found.service(svc),
            Object::Ingress(ing) => found.ingress(ing),
            Object::StatefulSet(sts) => found.stateful_set(sts),
            Object::HttpRoute(route) => found.http_route(route),
            _ => {}
        }
    }
    out
}

/// The checks for one object, pushing what they find.
struct Found<'a> {
    cluster: &'a Cluster,
    object: ObjectRef,
    namespace: &'a str,
    out: &'a mut Vec<DanglingReference>,
}

impl<'a> Found<'a> {
    fn push(&mut self, path: FieldPath, problem: ReferenceProblem) {
        self.out.push(DanglingReference {
            object: self.object.clone(),
            path,
            problem,
        });
    }

    /// A Service's selector must match a pod.
    fn service(&mut self, svc: &Service) {
        let Some(selector) = managed_selector(svc) else {
            return;
        };
        let wanted = Selector::from_map(selector);
        let selects = self
            .cluster
            .store
            .in_namespace(Kind::Pod, self.namespace)
            .any(|(_, e)| match &e.object {
                Object::Pod(p) => !p.is_terminating() && wanted.matches(&p.metadata.labels),
                _ => false,
            });
        if !selects {
            self.push(
                FieldPath::new("spec.selector"),
                ReferenceProblem::SelectsNoPod {
                    selector: selector.clone(),
                },
            );
        }
    }

    /// The Service `namespace/name`, or a `NotFound` at `path`.
    fn find_service(&mut self, namespace: &str, name: &str, path: &FieldPath) -> Option<&'a Service> {
        let cluster: &'a Cluster = self.cluster;
        match cluster.get(Kind::Service, Some(namespace), name) {
            Some(Object::Service(s)) => Some(s),
            _ => {
                let target = ObjectKey::new(Kind::Service, namespace, name).to_ref();
                self.push(path.clone(), ReferenceProblem::NotFound { target });
                None
            }
        }
    }

    fn ingress(&mut self, ing: &Ingress) {
        let spec = FieldPath::new("spec");
        if let Some(backend) = &ing.spec.default_backend {
            self.ingress_backend(backend, spec.child("defaultBackend"));
        }
        for (r, rule) in ing.spec.rules.iter().enumerate() {
            let Some(http) = &rule.http else { continue };
            let paths = spec.child("rules").index(r).child("http").child("paths");
            for (p, path) in http.paths.iter().enumerate() {
                self.ingress_backend(&path.backend, paths.index(p).child("backend"));
            }
        }
    }

    fn ingress_backend(&mut self, backend: &IngressBackend, at: FieldPath) {
        let Some(service) = &backend.service else { return };
        let at = at.child("service");
        let namespace = self.namespace;
        let Some(svc) = self.find_service(namespace, &service.name, &at.child("name")) else {
            return;
        };
        let Some(port) = &service.port else { return };
        let problem = match (&port.number, &port.name) {
            (Some(n), _) if !svc.spec.ports.iter().any(|p| p.port == *n) => Some((
                at.child("port").child("number"),
                IntOrString::Int(*n),
                svc.spec.ports.iter().map(|p| IntOrString::Int(p.port)).collect(),
            )),
            (None, Some(name)) if !svc.spec.ports.iter().any(|p| p.name.as_ref() == Some(name)) => Some((
                at.child("port").child("name"),
                IntOrString::String(name.clone()),
                svc.spec
                    .ports
                    .iter()
                    .filter_map(|p| p.name.clone().map(IntOrString::String))
                    .collect(),
            )),
            _ => None,
        };
        if let Some((path, port, available)) = problem {
            let service = ObjectKey::new(Kind::Service, namespace, &service.name).to_ref();
            self.push(
                path,
                ReferenceProblem::NoSuchPort {
                    service,
                    port,
                    available,
                },
            );
        }
    }

    fn stateful_set(&mut self, sts: &StatefulSet) {
        let Some(name) = sts.spec.service_name.as_deref().filter(|n| !n.is_empty()) else {
            return;
        };
        let path = FieldPath::new("spec.serviceName");
        let namespace = self.namespace;
        let headless = match self.find_service(namespace, name, &path) {
            Some(svc) => svc.is_headless(),
            None => return,
        };
        if !headless {
            let service = ObjectKey::new(Kind::Service, namespace, name).to_ref();
            self.push(path, ReferenceProblem::NotHeadless { service });
        }
    }

    fn http_route(&mut self, route: &HttpRoute) {
        let spec = FieldPath::new("spec");
        for (i, parent) in route.spec.parent_refs.iter().enumerate() {
            let group_ok = parent.group.as_deref().is_none_or(|g| g == Kind::Gateway.group());
            if !group_ok || parent.kind.as_deref().is_some_and(|k| k != "Gateway") {
                continue;
            }
            let at = spec.child("parentRefs").index(i);
            let namespace = parent.namespace.as_deref().unwrap_or(self.namespace);
            let gateway = ObjectKey::new(Kind::Gateway, namespace, &parent.name).to_ref();
            let Some(Object::Gateway(gw)) = self.cluster.get(Kind::Gateway, Some(namespace), &parent.name)
            else {
                self.push(at.child("name"), ReferenceProblem::NotFound { target: gateway });
                continue;
            };
            if let Some(section) = &parent.section_name {
                if !listener_names(gw).any(|l| l == section) {
                    let available = listener_names(gw).map(ToString::to_string).collect();
                    self.push(
                        at.child("sectionName"),
                        ReferenceProblem::NoSuchListener {
                            gateway,
                            section_name: section.clone(),
                            available,
                        },
                    );
                }
            }
        }
        for (r, rule) in route.spec.rules.iter().enumerate() {
            for (b, backend) in rule.backend_refs.iter().enumerate() {
                let core_group = backend.group.as_deref().is_none_or(str::is_empty);
                if !core_group || backend.kind.as_deref().is_some_and(|k| k != "Service") {
                    continue;
                }
                let at = spec.child("rules").index(r).child("backendRefs").index(b);
                let namespace = backend.namespace.as_deref().unwrap_or(self.namespace);
                let Some(svc) = self.find_service(namespace, &backend.name, &at.child("name")) else {
                    continue;
                };
                let Some(port) = backend.port else { continue };
                if !svc.spec.ports.iter().any(|p| p.port == port) {
                    let available = svc.spec.ports.iter().map(|p| IntOrString::Int(p.port)).collect();
                    let service = ObjectKey::new(Kind::Service, namespace, &backend.name).to_ref();
                    self.push(
                        at.child("port"),
                        ReferenceProblem::NoSuchPort {
                            service,
                            port: IntOrString::Int(port),
                            available,
                        },
                    );
                }
            }
        }
    }
}

fn listener_names(gw: &Gateway) -> impl Iterator<Item = &str> + '_ {
    gw.spec.listeners.iter().map(|l| l.name.as_str())
}
