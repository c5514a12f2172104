//! Apply, in two steps. `admit` checks the whole batch against the cluster (validation,
//! duplicates, namespaces, immutable fields, managed objects) and makes its allocations
//! (ClusterIPs, NodePorts, LoadBalancer IPs, node addresses) inside transactions: any error
//! rolls every allocation back and restores the random generator, so a failed apply changes
//! nothing. `commit` then writes the admitted objects; it cannot fail.

use crate::collections::VecSet;
use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::Ipv4Addr;

use super::{Action, ApplyError, ChangeReport, Cluster, Entry, ObjectKey, Origin, Warning};
use crate::controllers::nodes::NodePlan;
use crate::error::{FieldError, FieldPath, ObjectError};
use crate::ipam::{AllocError, Allocator, Transaction};
use crate::model::{
    IntOrString, Kind, LoadBalancerIngress, LoadBalancerStatus, Object, Service, ServiceType,
};
use crate::validation::validate_object;

/// The batch, checked and with its allocations made. `derived[i]` says why object `i` is left
/// to a controller instead (see `derived.rs`).
pub(super) struct Admitted {
    objects: Vec<Object>,
    derived: Vec<Option<String>>,
}

pub(super) fn admit(cluster: &mut Cluster, objects: Vec<Object>) -> Result<Admitted, ApplyError> {
    let mut errors: Vec<ObjectError> = Vec::new();
    let mut seen: BTreeSet<ObjectKey> = BTreeSet::new();
    let batch_namespaces: VecSet<String> = objects
        .iter()
        .filter(|o| o.kind() == Some(Kind::Namespace))
        .map(|o| o.name().to_string())
        .collect();

    let derived = super::derived::derived_objects(cluster, &objects);
    for (index, object) in objects.iter().enumerate() {
        if derived.get(index).is_some_and(Option::is_some) {
            continue;
        }
        let mut errs = validate_object(object);
        if let Some(key) = ObjectKey::of(object) {
            if !seen.insert(key.clone()) {
                errs.push(
                    FieldError::duplicate(FieldPath::new("metadata.name"), object.name()).with_detail(
                        "the same object appears twice in one apply; each object may appear once",
                    ),
                );
            }
            if key.kind.is_namespaced() {
                let ns_key = ObjectKey::new(Kind::Namespace, "", &key.namespace);
                if !cluster.store.contains(&ns_key) && !batch_namespaces.contains(&key.namespace) {
                    errs.push(FieldError::invalid(
                        FieldPath::new("metadata.namespace"),
                        &key.namespace,
                        format!(
                            "namespace \"{}\" not found; apply a Namespace object first or in the same batch",
                            key.namespace
                        ),
                    ));
                }
            }
            if let Some(existing) = cluster.store.get(&key) {
                if let Origin::Controller(by) = existing.origin {
                    errs.push(FieldError::forbidden(
                        FieldPath::new("metadata.name"),
                        format!("is managed by the {by} controller; change its owner instead"),
                    ));
                } else {
                    check_immutable(&existing.object, object, &mut errs);
                }
            }
        }
        if !errs.is_empty() {
            errors.push(ObjectError {
                object: object.object_ref(),
                index: Some(index),
                errors: errs,
            });
        }
    }
    if !errors.is_empty() {
        return Err(ApplyError::Invalid(errors));
    }
    allocate(cluster, objects, derived)
}

/// Fields the API server refuses to change on update.
fn check_immutable(old: &Object, new: &Object, errs: &mut Vec<FieldError>) {
    let immutable = |errs: &mut Vec<FieldError>, path: &str| {
        errs.push(FieldError::invalid(
            FieldPath::new(path),
            "…",
            "field is immutable",
        ));
    };
    match (old, new) {
        (Object::Deployment(a), Object::Deployment(b)) if a.spec.selector != b.spec.selector => {
            immutable(errs, "spec.selector")
        }
        (Object::ReplicaSet(a), Object::ReplicaSet(b)) if a.spec.selector != b.spec.selector => {
            immutable(errs, "spec.selector")
        }
        (Object::StatefulSet(a), Object::StatefulSet(b)) => {
            if a.spec.selector != b.spec.selector {
                immutable(errs, "spec.selector");
            }
            if a.spec.service_name != b.spec.service_name
                || a.spec.pod_management_policy != b.spec.pod_management_policy
                || a.spec.volume_claim_templates != b.spec.volume_claim_templates
            {
                errs.push(FieldError::forbidden(
                    FieldPath::new("spec"),
                    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
                ));
            }
        }
        (Object::Pod(a), Object::Pod(b)) => {
            let mut b_spec = b.spec.clone();
            if b_spec.node_name.is_none() {
                b_spec.node_name = a.spec.node_name.clone();
            }
            if a.spec != b_spec {
                errs.push(FieldError::forbidden(
                    FieldPath::new("spec"),
                    "pod updates may not change fields other than labels and annotations in kroute (delete and re-create the pod)",
                ));
            }
        }
        (Object::Service(a), Object::Service(b)) => {
            let was_ext = a.service_type() == ServiceType::ExternalName;
            let is_ext = b.service_type() == ServiceType::ExternalName;
            let old_ip = a.spec.cluster_ip.as_deref().unwrap_or("");
            let new_ip = b.spec.cluster_ip.as_deref().unwrap_or("");
            if !was_ext && !is_ext && !new_ip.is_empty() && !old_ip.is_empty() && new_ip != old_ip {
                immutable(errs, "spec.clusterIP");
            }
        }
        _ => {}
    }
}

/// Makes every allocation of the batch, all or nothing.
fn allocate(
    cluster: &mut Cluster,
    mut objects: Vec<Object>,
    derived: Vec<Option<String>>,
) -> Result<Admitted, ApplyError> {
    let rng_before = cluster.rng.clone();
    let mut rng = cluster.rng.fork("ipam").fork(&format!("{}", cluster.uid_seq));
    let mut node_plan = NodePlan::new(&cluster.node_ipam);
    let mut ips = cluster.service_ips.begin();
    let mut ports = cluster.node_ports.begin();
    let mut lbs = cluster.lb_pool.begin();
    let mut errors = Vec::new();
    // Values the batch asks for by name are held first, so a dynamic allocation for an object
    // earlier in the batch cannot take one that a later object requests (re-importing an
    // export must give the same cluster). Each object releases its own just before it is
    // admitted, which then takes them as usual.
    let mut held: Vec<(usize, Held)> = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        if derived.get(index).is_some_and(Option::is_some) {
            continue;
        }
        if let Object::Service(svc) = object {
            for h in requested_values(svc) {
                let taken = match h {
                    Held::Ip(ip) => ips.allocate_specific(ip).is_ok(),
                    Held::Port(p) => ports.allocate_specific(p).is_ok(),
                    Held::Lb(ip) => lbs.allocate_specific(ip).is_ok(),
                };
                if taken {
                    held.push((index, h));
                }
            }
        }
    }
    for (index, object) in objects.iter_mut().enumerate() {
        if derived.get(index).is_some_and(Option::is_some) {
            continue;
        }
        for (_, h) in held.iter().filter(|(i, _)| *i == index) {
            let _released = match *h {
                Held::Ip(ip) => ips.release(ip),
                Held::Port(p) => ports.release(p),
                Held::Lb(ip) => lbs.release(ip),
            };
        }
        let key = ObjectKey::of(object);
        let existing = key.as_ref().and_then(|k| cluster.store.get(k)).map(|e| &e.object);
        let result = match object {
            Object::Service(svc) => {
                let old = match existing {
                    Some(Object::Service(s)) => Some(s),
                    _ => None,
                };
                admit_service(svc, old, &mut ips, &mut ports, &mut lbs, &mut rng)
            }
            Object::Node(node) => {
                let old = match existing {
                    Some(Object::Node(n)) => Some(n),
                    _ => None,
                };
                node_plan.admit(node, old)
            }
            _ => Ok(()),
        };
        if let Err(errs) = result {
            errors.push(ObjectError {
                object: object.object_ref(),
                index: Some(index),
                errors: errs,
            });
        }
    }
    if !errors.is_empty() {
        drop((ips, ports, lbs));
        cluster.rng = rng_before;
        return Err(ApplyError::Invalid(errors));
    }
    ips.commit();
    ports.commit();
    lbs.commit();
    node_plan.commit(&mut cluster.node_ipam);
    cluster.rng = rng_before
        .fork("after-apply")
        .fork(&format!("{}", cluster.uid_seq));
    Ok(Admitted { objects, derived })
}

/// A value a Service asks for by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Held {
    Ip(Ipv4Addr),
    Port(u16),
    Lb(Ipv4Addr),
}

/// The ClusterIP, NodePorts, healthCheckNodePort and load-balancer IP a Service names.
fn requested_values(svc: &Service) -> Vec<Held> {
    let ty = svc.service_type();
    let mut out = Vec::new();
    if ty != ServiceType::ExternalName {
        if let Some(ip) = svc
            .spec
            .cluster_ip
            .as_deref()
            .and_then(|ip| ip.parse::<Ipv4Addr>().ok())
        {
            out.push(Held::Ip(ip));
        }
    }
    if ty.needs_node_ports() {
        let ports = svc.spec.ports.iter().filter_map(|p| p.node_port);
        for p in ports.chain(svc.spec.health_check_node_port) {
            if let Ok(p) = u16::try_from(p) {
                if p != 0 {
                    out.push(Held::Port(p));
                }
            }
        }
    }
    if ty == ServiceType::LoadBalancer {
        let given = svc.spec.load_balancer_ip.as_deref().or_else(|| {
            svc.status
                .load_balancer
                .as_ref()
                .and_then(|l| l.ingress.first())
                .and_then(|i| i.ip.as_deref())
        });
        if let Some(ip) = given.and_then(|ip| ip.parse::<Ipv4Addr>().ok()) {
            out.push(Held::Lb(ip));
        }
    }
    out
}

fn alloc_err(e: AllocError, path: FieldPath) -> FieldError {
    e.to_field_error(path.clone())
        .unwrap_or_else(|| FieldError::invalid(path, "…", format!("{e}")))
}

/// ClusterIP, NodePorts, health-check NodePort and LoadBalancer IP for one Service. An update
/// keeps what the Service already had unless the user asks for something else.
fn admit_service<A, B, C>(
    svc: &mut Service,
    old: Option<&Service>,
    ips: &mut Transaction<'_, A>,
    ports: &mut Transaction<'_, B>,
    lbs: &mut Transaction<'_, C>,
    rng: &mut crate::rng::Rng,
) -> Result<(), Vec<FieldError>>
where
    A: Allocator<Value = Ipv4Addr>,
    B: Allocator<Value = u16>,
    C: Allocator<Value = Ipv4Addr>,
{
    let mut errs = Vec::new();
    let ty = svc.service_type();
    let spec_path = FieldPath::new("spec");
    let old_ip = old
        .filter(|o| o.service_type() != ServiceType::ExternalName)
        .and_then(|o| o.spec.cluster_ip.as_deref())
        .and_then(|ip| ip.parse::<Ipv4Addr>().ok());
    let old_is_headless = old.is_some_and(Service::is_headless);

    // ClusterIP
    let requested = svc.spec.cluster_ip.clone().unwrap_or_default();
    let cluster_ip: Option<String> = if ty == ServiceType::ExternalName {
        if let Some(ip) = old_ip {
            ips.release(ip);
        }
        None
    } else if requested == "None" {
        if old_ip.is_some() {
            errs.push(FieldError::invalid(
                spec_path.child("clusterIP"),
                "None",
                "field is immutable",
            ));
        }
        Some("None".to_string())
    } else if requested.is_empty() {
        match old_ip {
            Some(ip) => Some(ip.to_string()),
            None if old_is_headless => Some("None".to_string()),
            None => match ips.allocate_next(rng) {
                Ok(ip) => Some(ip.to_string()),
                Err(e) => {
                    errs.push(alloc_err(e, spec_path.child("clusterIP")));
                    None
                }
            },
        }
    } else {
        match requested.parse::<Ipv4Addr>() {
            Ok(ip) if Some(ip) == old_ip => Some(requested.clone()),
            Ok(ip) => match ips.allocate_specific(ip) {
                Ok(()) => Some(requested.clone()),
                Err(e) => {
                    errs.push(alloc_err(e, spec_path.child("clusterIP")));
                    None
                }
            },
            Err(_) => None, // reported by validation
        }
    };
    svc.spec.cluster_ip = cluster_ip.clone();
    svc.spec.cluster_ips = cluster_ip.into_iter().collect();
    // targetPort defaults to port when absent, 0 or "" (upstream `SetDefaults_Service`).
    for p in svc.spec.ports.iter_mut() {
        let unset = match &p.target_port {
            None | Some(IntOrString::Int(0)) => true,
            Some(IntOrString::String(s)) => s.is_empty(),
            Some(IntOrString::Int(_)) => false,
        };
        if unset {
            p.target_port = Some(IntOrString::Int(p.port));
        }
    }

    // Address families, defaulted as a single-stack IPv4 API server does (ExternalName has none).
    if ty == ServiceType::ExternalName {
        svc.spec.ip_families.clear();
        svc.spec.ip_family_policy = None;
    } else {
        if svc.spec.ip_families.is_empty() {
            svc.spec.ip_families = alloc::vec!["IPv4".to_string()];
        }
        if svc.spec.ip_family_policy.is_none() {
            svc.spec.ip_family_policy = Some("SingleStack".to_string());
        }
    }

    // NodePorts
    let old_node_ports: Vec<(i64, String, Option<String>, u16)> = old
        .map(|o| {
            o.spec
                .ports
                .iter()
                .filter_map(|p| {
                    let np = u16::try_from(p.node_port?).ok()?;
                    Some((
                        p.port,
                        p.protocol.clone().unwrap_or_else(|| "TCP".to_string()),
                        p.name.clone(),
                        np,
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let wants_node_ports = ty.needs_node_ports()
        && !(ty == ServiceType::LoadBalancer && svc.spec.allocate_load_balancer_node_ports == Some(false));
    let mut kept: VecSet<u16> = VecSet::new();
    if ty.needs_node_ports() {
        for (i, p) in svc.spec.ports.iter_mut().enumerate() {
            let path = spec_path.child("ports").index(i).child("nodePort");
            let proto = p.protocol.clone().unwrap_or_else(|| "TCP".to_string());
            let previous = old_node_ports
                .iter()
                .find(|(port, pr, name, _)| {
                    (*port == p.port && *pr == proto) || (name.is_some() && *name == p.name)
                })
                .map(|t| t.3);
            match p.node_port.filter(|n| *n != 0) {
                Some(n) => {
                    let Ok(n16) = u16::try_from(n) else {
                        errs.push(FieldError::invalid(
                            path,
                            n,
                            "must be between 1 and 65535, inclusive",
                        ));
                        continue;
                    };
                    let already_ours = old_node_ports.iter().any(|t| t.3 == n16) || kept.contains(&n16);
                    if !already_ours {
                        if let Err(e) = ports.allocate_specific(n16) {
                            errs.push(alloc_err(e, path));
                            continue;
                        }
                    }
                    kept.insert(n16);
                }
                None if wants_node_ports => {
                    let port = match previous.filter(|p| !kept.contains(p)) {
                        Some(prev) => prev,
                        None => match ports.allocate_next(rng) {
                            Ok(v) => v,
                            Err(e) => {
                                errs.push(alloc_err(e, path));
                                continue;
                            }
                        },
                    };
                    kept.insert(port);
                    p.node_port = Some(i64::from(port));
                }
                None => {}
            }
        }
    } else {
        for p in svc.spec.ports.iter_mut() {
            p.node_port = None;
        }
    }

    // health-check NodePort (LoadBalancer + externalTrafficPolicy: Local)
    let old_hc = old
        .and_then(|o| o.spec.health_check_node_port)
        .and_then(|v| u16::try_from(v).ok());
    let needs_hc =
        ty == ServiceType::LoadBalancer && svc.spec.external_traffic_policy.as_deref() == Some("Local");
    if needs_hc {
        let path = spec_path.child("healthCheckNodePort");
        match svc
            .spec
            .health_check_node_port
            .filter(|v| *v != 0)
            .map(u16::try_from)
        {
            Some(Ok(v)) => {
                if Some(v) != old_hc {
                    if let Err(e) = ports.allocate_specific(v) {
                        errs.push(alloc_err(e, path));
                    }
                }
                kept.insert(v);
            }
            Some(Err(_)) => errs.push(FieldError::invalid(
                path,
                "…",
                "must be between 1 and 65535, inclusive",
            )),
            None => match old_hc {
                Some(v) => {
                    kept.insert(v);
                    svc.spec.health_check_node_port = Some(i64::from(v));
                }
                None => match ports.allocate_next(rng) {
                    Ok(v) => {
                        kept.insert(v);
                        svc.spec.health_check_node_port = Some(i64::from(v));
                    }
                    Err(e) => errs.push(alloc_err(e, path)),
                },
            },
        }
    } else {
        svc.spec.health_check_node_port = None;
    }
    for (_, _, _, np) in &old_node_ports {
        if !kept.contains(np) {
            ports.release(*np);
        }
    }
    if let Some(hc) = old_hc {
        if !kept.contains(&hc) {
            ports.release(hc);
        }
    }

    // LoadBalancer IP, as a cloud controller would report it in status.
    let old_lb = old
        .and_then(|o| o.status.load_balancer.as_ref())
        .and_then(|lb| lb.ingress.first())
        .and_then(|i| i.ip.as_deref())
        .and_then(|ip| ip.parse::<Ipv4Addr>().ok());
    if ty == ServiceType::LoadBalancer {
        let given = svc
            .spec
            .load_balancer_ip
            .as_deref()
            .or_else(|| {
                svc.status
                    .load_balancer
                    .as_ref()
                    .and_then(|l| l.ingress.first())
                    .and_then(|i| i.ip.as_deref())
            })
            .and_then(|ip| ip.parse::<Ipv4Addr>().ok());
        let ip = match given {
            Some(ip) if Some(ip) == old_lb => Some(ip),
            Some(ip) => match lbs.allocate_specific(ip) {
                Ok(()) => Some(ip),
                // An address outside the pool came from elsewhere (a live dump): keep it as is.
                Err(AllocError::OutOfRange { .. }) => Some(ip),
                Err(e) => {
                    errs.push(alloc_err(e, spec_path.child("loadBalancerIP")));
                    None
                }
            },
            None => match old_lb {
                Some(ip) => Some(ip),
                None => match lbs.allocate_next(rng) {
                    Ok(ip) => Some(ip),
                    Err(e) => {
                        errs.push(alloc_err(e, FieldPath::new("status.loadBalancer.ingress")));
                        None
                    }
                },
            },
        };
        if let Some(old_ip) = old_lb.filter(|o| Some(*o) != ip) {
            lbs.release(old_ip);
        }
        svc.status.load_balancer = ip.map(|ip| LoadBalancerStatus {
            ingress: alloc::vec![LoadBalancerIngress {
                ip: Some(ip.to_string()),
                hostname: None,
                ip_mode: Some("VIP".to_string())
            }],
        });
    } else {
        if let Some(ip) = old_lb {
            lbs.release(ip);
        }
        svc.status.load_balancer = None;
    }

    if errs.is_empty() {
        Ok(())
    } else {
        Err(errs)
    }
}

pub(super) fn commit(cluster: &mut Cluster, admitted: Admitted, report: &mut ChangeReport) {
    for (mut object, derived) in admitted.objects.into_iter().zip(admitted.derived) {
        if let Some(why) = derived {
            report.warnings.push(Warning {
                object: object.object_ref(),
                message: format!("skipped: {why}"),
            });
            continue;
        }
        let Some(key) = ObjectKey::of(&object) else {
            if let Object::Other(other) = object {
                let what = other.kind.clone();
                let object_ref = Object::Other(other.clone()).object_ref();
                cluster.store.put_other(other);
                report.warnings.push(Warning {
                    object: object_ref,
                    message: format!(
                        "kind {what} is not modelled by kroute: kept, but it has no effect on routing"
                    ),
                });
            }
            continue;
        };
        let new_uid = if cluster.store.contains(&key) {
            None
        } else {
            Some(cluster.next_uid())
        };
        let existing = cluster.store.get(&key);
        let created_ms = existing.map(|e| e.created_ms).unwrap_or(cluster.now_ms);
        let meta = object.metadata_mut();
        if key.kind.is_namespaced() {
            meta.namespace = Some(key.namespace.clone());
        }
        match existing {
            Some(e) => {
                meta.uid = e.object.metadata().uid.clone();
                meta.creation_timestamp = e.object.metadata().creation_timestamp.clone();
            }
            None => {
                if meta.uid.is_none() {
                    meta.uid = new_uid;
                }
                if meta.creation_timestamp.is_none() {
                    meta.creation_timestamp = Some(super::time::rfc3339(cluster.now_ms));
                }
            }
        }
        let old = existing.map(|e| e.object.clone());
        let action = match &old {
            Some(o) if user_view_equal(o, &object) => Action::Unchanged,
            Some(_) => Action::Updated,
            None => Action::Created,
        };
        if action == Action::Unchanged {
            cluster.event(report, action, &key, super::Actor::User, None);
            continue;
        }
        let object = match (old.as_ref(), object) {
            // A user pod keeps the status the simulation gave it.
            (Some(Object::Pod(o)), Object::Pod(mut p)) => {
                p.spec.node_name = o.spec.node_name.clone();
                p.status = o.status.clone();
                Object::Pod(p)
            }
            (_, object) => object,
        };
        cluster.store.insert(
            key.clone(),
            Entry {
                object,
                origin: Origin::User,
                created_ms,
            },
        );
        cluster.event(report, action, &key, super::Actor::User, None);
        cluster.after_user_write(&key, old.as_ref(), report);
    }
}

/// Equal as the user wrote them: ignores what the simulation fills in for a pod (its status, and
/// the node the scheduler bound it to when the user named none).
fn user_view_equal(old: &Object, new: &Object) -> bool {
    match (old, new) {
        (Object::Pod(a), Object::Pod(b)) => {
            let node_same = b.spec.node_name.is_none() || b.spec.node_name == a.spec.node_name;
            let spec_same = crate::model::PodSpec {
                node_name: a.spec.node_name.clone(),
                ..b.spec.clone()
            } == a.spec;
            a.metadata == b.metadata && node_same && spec_same
        }
        _ => old == new,
    }
}

trait WithDetail {
    fn with_detail(self, detail: &str) -> Self;
}

impl WithDetail for FieldError {
    fn with_detail(mut self, detail: &str) -> Self {
        self.detail = detail.to_string();
        self
    }
}
