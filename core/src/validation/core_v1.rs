//! Node, Pod, Service, Endpoints and EndpointSlice rules (`pkg/apis/core/validation`,
//! `pkg/apis/discovery/validation`).

use crate::collections::VecSet;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use super::meta::{push_msgs, validate_labels};
use super::names;
use crate::error::{FieldError, FieldErrorKind, FieldPath};
use crate::model::{
    Container, EndpointSlice, Endpoints, IntOrString, Node, Pod, PodSpec, Service, ServiceType,
};

pub(super) const PROTOCOLS: [&str; 3] = ["TCP", "UDP", "SCTP"];

pub(super) fn validate_protocol(p: Option<&str>, path: FieldPath, errs: &mut Vec<FieldError>) {
    if let Some(p) = p {
        if !PROTOCOLS.contains(&p) {
            errs.push(FieldError::not_supported(path, p, &PROTOCOLS));
        }
    }
}

pub(super) fn validate_port_number(port: i64, path: FieldPath, errs: &mut Vec<FieldError>) {
    push_msgs(errs, path, port, names::is_valid_port_num(port));
}

pub(super) fn validate_ip(ip: &str, path: FieldPath, errs: &mut Vec<FieldError>) {
    if !names::is_valid_ip(ip).is_empty() {
        errs.push(FieldError::invalid(
            path,
            ip,
            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
        ));
    }
}

pub(super) fn validate_node(node: &Node, errs: &mut Vec<FieldError>) {
    let spec = FieldPath::new("spec");
    if let Some(cidr) = &node.spec.pod_cidr {
        if crate::ipam::Ipv4Cidr::parse(cidr).is_err() {
            errs.push(FieldError::invalid(
                spec.child("podCIDR"),
                cidr,
                "must be a valid IPv4 CIDR (e.g. 10.244.1.0/24)",
            ));
        }
    }
    for (i, a) in node.status.addresses.iter().enumerate() {
        let path = FieldPath::new("status.addresses").index(i);
        if a.type_ == "InternalIP" || a.type_ == "ExternalIP" {
            validate_ip(&a.address, path.child("address"), errs);
        }
    }
}

pub(super) fn validate_pod(pod: &Pod, errs: &mut Vec<FieldError>) {
    validate_pod_spec(&pod.spec, &FieldPath::new("spec"), errs);
    if let Some(ip) = &pod.status.pod_ip {
        validate_ip(ip, FieldPath::new("status.podIP"), errs);
    }
}

const RESTART_POLICIES: [&str; 3] = ["Always", "OnFailure", "Never"];

pub(super) fn validate_pod_spec(spec: &PodSpec, path: &FieldPath, errs: &mut Vec<FieldError>) {
    if spec.containers.is_empty() {
        errs.push(FieldError::required(
            path.child("containers"),
            "a pod needs at least one container",
        ));
    }
    let mut container_names = VecSet::new();
    let mut port_names = VecSet::new();
    let lists = [
        (&spec.containers, "containers"),
        (&spec.init_containers, "initContainers"),
    ];
    for (list, field) in lists {
        for (i, c) in list.iter().enumerate() {
            let cpath = path.child(field).index(i);
            validate_container(c, &cpath, errs);
            if !c.name.is_empty() && !container_names.insert(c.name.as_str()) {
                errs.push(FieldError::duplicate(cpath.child("name"), &c.name));
            }
            for (j, p) in c.ports.iter().enumerate() {
                if let Some(n) = &p.name {
                    if !port_names.insert(n.as_str()) {
                        errs.push(FieldError::duplicate(
                            cpath.child("ports").index(j).child("name"),
                            n,
                        ));
                    }
                }
            }
        }
    }
    if let Some(rp) = &spec.restart_policy {
        if !RESTART_POLICIES.contains(&rp.as_str()) {
            errs.push(FieldError::not_supported(
                path.child("restartPolicy"),
                rp,
                &RESTART_POLICIES,
            ));
        }
    }
    if let Some(h) = &spec.hostname {
        push_msgs(errs, path.child("hostname"), h, names::is_dns1123_label(h));
    }
    if let Some(s) = &spec.subdomain {
        push_msgs(errs, path.child("subdomain"), s, names::is_dns1123_label(s));
    }
    if let Some(g) = spec.termination_grace_period_seconds {
        if g < 0 {
            errs.push(FieldError::invalid(
                path.child("terminationGracePeriodSeconds"),
                g,
                "must be greater than or equal to 0",
            ));
        }
    }
    validate_labels(&spec.node_selector, &path.child("nodeSelector"), errs);
}

fn validate_container(c: &Container, path: &FieldPath, errs: &mut Vec<FieldError>) {
    if c.name.is_empty() {
        errs.push(FieldError::required(path.child("name"), ""));
    } else {
        push_msgs(
            errs,
            path.child("name"),
            &c.name,
            names::is_dns1123_label(&c.name),
        );
    }
    for (i, p) in c.ports.iter().enumerate() {
        let ppath = path.child("ports").index(i);
        validate_port_number(p.container_port, ppath.child("containerPort"), errs);
        if let Some(n) = &p.name {
            push_msgs(errs, ppath.child("name"), n, names::is_valid_port_name(n));
        }
        validate_protocol(p.protocol.as_deref(), ppath.child("protocol"), errs);
        if let Some(hp) = p.host_port {
            if hp != 0 {
                validate_port_number(hp, ppath.child("hostPort"), errs);
            }
        }
    }
}

const SERVICE_TYPES: [&str; 4] = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];
const AFFINITIES: [&str; 2] = ["None", "ClientIP"];
const TRAFFIC_POLICIES: [&str; 2] = ["Cluster", "Local"];
const TRAFFIC_DISTRIBUTIONS: [&str; 3] = ["PreferClose", "PreferSameZone", "PreferSameNode"];
const FAMILY_POLICIES: [&str; 3] = ["SingleStack", "PreferDualStack", "RequireDualStack"];
/// The longest `sessionAffinityConfig.clientIP.timeoutSeconds` allowed (one day).
pub const MAX_AFFINITY_TIMEOUT_SECONDS: i64 = 86_400;

pub(super) fn validate_service(svc: &Service, errs: &mut Vec<FieldError>) {
    let spec = &svc.spec;
    let path = FieldPath::new("spec");
    if let Some(t) = &spec.type_ {
        if ServiceType::parse(t).is_none() {
            errs.push(FieldError::not_supported(path.child("type"), t, &SERVICE_TYPES));
            return;
        }
    }
    let ty = svc.service_type();
    let headless = svc.is_headless();

    // ports
    if spec.ports.is_empty() && !headless && ty != ServiceType::ExternalName {
        errs.push(FieldError::required(path.child("ports"), ""));
    }
    let multi = spec.ports.len() > 1;
    let mut names_seen = VecSet::new();
    let mut port_proto = VecSet::new();
    let mut node_port_proto = VecSet::new();
    for (i, p) in spec.ports.iter().enumerate() {
        let ppath = path.child("ports").index(i);
        match p.name.as_deref() {
            Some(n) if !n.is_empty() => {
                push_msgs(errs, ppath.child("name"), n, names::is_dns1123_label(n));
                if !names_seen.insert(n) {
                    errs.push(FieldError::duplicate(ppath.child("name"), n));
                }
            }
            _ if multi => errs.push(FieldError::required(
                ppath.child("name"),
                "every port of a multi-port Service needs a name: proxies join Service ports to endpoint ports by name",
            )),
            _ => {}
        }
        validate_port_number(p.port, ppath.child("port"), errs);
        validate_protocol(p.protocol.as_deref(), ppath.child("protocol"), errs);
        let proto = p.protocol.as_deref().unwrap_or("TCP");
        if !port_proto.insert((p.port, proto)) {
            errs.push(FieldError::duplicate(
                ppath.clone(),
                format!("{}/{}", p.port, proto),
            ));
        }
        match &p.target_port {
            // 0 and "" are defaulted to `port` before validation (upstream `SetDefaults_Service`).
            Some(IntOrString::Int(0)) => {}
            Some(IntOrString::String(s)) if s.is_empty() => {}
            Some(IntOrString::Int(t)) => validate_port_number(*t, ppath.child("targetPort"), errs),
            Some(IntOrString::String(s)) => {
                push_msgs(errs, ppath.child("targetPort"), s, names::is_valid_port_name(s))
            }
            None => {}
        }
        if let Some(np) = p.node_port {
            if np != 0 {
                if ty == ServiceType::ClusterIP || ty == ServiceType::ExternalName {
                    errs.push(FieldError::forbidden(
                        ppath.child("nodePort"),
                        "may not be used when `type` is 'ClusterIP' or 'ExternalName'",
                    ));
                } else if !node_port_proto.insert((np, proto)) {
                    errs.push(FieldError::duplicate(ppath.child("nodePort"), np));
                }
            }
        }
        if let Some(ap) = &p.app_protocol {
            validate_app_protocol(ap, ppath.child("appProtocol"), errs);
        }
    }

    // addresses
    let cip_path = path.child("clusterIP");
    match (ty, spec.cluster_ip.as_deref()) {
        (ServiceType::ExternalName, Some(ip)) if !ip.is_empty() => errs.push(FieldError::forbidden(
            cip_path,
            "may not be set for ExternalName services",
        )),
        (ServiceType::NodePort | ServiceType::LoadBalancer, Some("None")) => errs.push(FieldError::invalid(
            cip_path,
            "None",
            format!("may not be set to 'None' for {} services", ty.as_str()),
        )),
        (_, Some(ip)) if !ip.is_empty() && ip != "None" => validate_ip(ip, cip_path, errs),
        _ => {}
    }
    for (i, ip) in spec.cluster_ips.iter().enumerate() {
        if ip != "None" && ty != ServiceType::ExternalName {
            validate_ip(ip, path.child("clusterIPs").index(i), errs);
        }
    }
    if let (Some(a), Some(b)) = (spec.cluster_ip.as_deref(), spec.cluster_ips.first()) {
        if !a.is_empty() && a != b {
            errs.push(FieldError::invalid(
                path.child("clusterIPs").index(0),
                b,
                "must be equal to `clusterIP`",
            ));
        }
    }
    for (i, ip) in spec.external_ips.iter().enumerate() {
        validate_ip(ip, path.child("externalIPs").index(i), errs);
    }
    for (i, fam) in spec.ip_families.iter().enumerate() {
        if fam != "IPv4" {
            let detail = if fam == "IPv6" {
                "kroute simulates a single-stack IPv4 cluster"
            } else {
                "supported values: \"IPv4\", \"IPv6\""
            };
            errs.push(FieldError::new(
                FieldErrorKind::NotSupported,
                path.child("ipFamilies").index(i),
                Some(fam.into()),
                detail,
            ));
        }
    }
    if let Some(p) = &spec.ip_family_policy {
        if !FAMILY_POLICIES.contains(&p.as_str()) {
            errs.push(FieldError::not_supported(
                path.child("ipFamilyPolicy"),
                p,
                &FAMILY_POLICIES,
            ));
        } else if p == "RequireDualStack" {
            errs.push(FieldError::invalid(
                path.child("ipFamilyPolicy"),
                p,
                "this cluster is not configured for dual-stack services",
            ));
        }
    }

    // ExternalName
    if ty == ServiceType::ExternalName {
        match spec.external_name.as_deref() {
            None | Some("") => errs.push(FieldError::required(path.child("externalName"), "")),
            Some(n) => {
                let trimmed = n.strip_suffix('.').unwrap_or(n);
                push_msgs(
                    errs,
                    path.child("externalName"),
                    n,
                    names::is_dns1123_subdomain(trimmed),
                );
            }
        }
    }

    // selector
    if let Some(sel) = &spec.selector {
        validate_labels(sel, &path.child("selector"), errs);
    }

    // session affinity
    let affinity = spec.session_affinity.as_deref().unwrap_or("None");
    if !AFFINITIES.contains(&affinity) {
        errs.push(FieldError::not_supported(
            path.child("sessionAffinity"),
            affinity,
            &AFFINITIES,
        ));
    }
    let timeout = spec
        .session_affinity_config
        .as_ref()
        .and_then(|c| c.client_ip.as_ref())
        .and_then(|c| c.timeout_seconds);
    if let Some(t) = timeout {
        let tpath = path.child("sessionAffinityConfig.clientIP.timeoutSeconds");
        if affinity != "ClientIP" {
            errs.push(FieldError::forbidden(
                tpath,
                "must not be set when `sessionAffinity` is None",
            ));
        } else if t <= 0 || t > MAX_AFFINITY_TIMEOUT_SECONDS {
            errs.push(FieldError::invalid(
                tpath,
                t,
                "must be greater than 0 and less than 86400",
            ));
        }
    }

    // traffic policies
    let externally_reachable = ty.needs_node_ports() || !spec.external_ips.is_empty();
    if let Some(p) = &spec.external_traffic_policy {
        let ppath = path.child("externalTrafficPolicy");
        if !TRAFFIC_POLICIES.contains(&p.as_str()) {
            errs.push(FieldError::not_supported(ppath, p, &TRAFFIC_POLICIES));
        } else if !externally_reachable {
            errs.push(FieldError::invalid(
                ppath,
                p,
                "may only be set for externally-accessible services",
            ));
        }
    }
    if let Some(p) = &spec.internal_traffic_policy {
        if !TRAFFIC_POLICIES.contains(&p.as_str()) {
            errs.push(FieldError::not_supported(
                path.child("internalTrafficPolicy"),
                p,
                &TRAFFIC_POLICIES,
            ));
        }
    }
    if let Some(d) = &spec.traffic_distribution {
        if !TRAFFIC_DISTRIBUTIONS.contains(&d.as_str()) {
            errs.push(FieldError::not_supported(
                path.child("trafficDistribution"),
                d,
                &TRAFFIC_DISTRIBUTIONS,
            ));
        }
    }
    if let Some(hc) = spec.health_check_node_port {
        let local = spec.external_traffic_policy.as_deref() == Some("Local");
        if hc != 0 && !(ty == ServiceType::LoadBalancer && local) {
            errs.push(FieldError::invalid(
                path.child("healthCheckNodePort"),
                hc,
                "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
            ));
        }
    }
    if ty != ServiceType::LoadBalancer {
        if !spec.load_balancer_source_ranges.is_empty() {
            errs.push(FieldError::forbidden(
                path.child("loadBalancerSourceRanges"),
                "may only be used when `type` is 'LoadBalancer'",
            ));
        }
        if spec.load_balancer_class.is_some() {
            errs.push(FieldError::forbidden(
                path.child("loadBalancerClass"),
                "may only be used when `type` is 'LoadBalancer'",
            ));
        }
        if spec.allocate_load_balancer_node_ports.is_some() {
            errs.push(FieldError::forbidden(
                path.child("allocateLoadBalancerNodePorts"),
                "may only be used when `type` is 'LoadBalancer'",
            ));
        }
    }
    for (i, r) in spec.load_balancer_source_ranges.iter().enumerate() {
        if crate::ipam::Ipv4Cidr::parse(r.trim()).is_err() {
            errs.push(FieldError::invalid(
                path.child("loadBalancerSourceRanges").index(i),
                r,
                "must be a valid CIDR",
            ));
        }
    }
}

fn validate_app_protocol(ap: &str, path: FieldPath, errs: &mut Vec<FieldError>) {
    // An IANA service name, a `kubernetes.io/…` value, or a domain-prefixed name.
    let msgs = names::is_qualified_name(ap);
    push_msgs(errs, path, ap, msgs);
}

pub(super) fn validate_endpoints(ep: &Endpoints, errs: &mut Vec<FieldError>) {
    let mut total = 0usize;
    for (i, subset) in ep.subsets.iter().enumerate() {
        let spath = FieldPath::new("subsets").index(i);
        for (field, list) in [
            ("addresses", &subset.addresses),
            ("notReadyAddresses", &subset.not_ready_addresses),
        ] {
            for (j, a) in list.iter().enumerate() {
                validate_ip(&a.ip, spath.child(field).index(j).child("ip"), errs);
            }
            total += list.len();
        }
        for (j, p) in subset.ports.iter().enumerate() {
            validate_port_number(p.port, spath.child("ports").index(j).child("port"), errs);
            validate_protocol(
                p.protocol.as_deref(),
                spath.child("ports").index(j).child("protocol"),
                errs,
            );
        }
    }
    if total > 1000 {
        errs.push(FieldError::new(
            FieldErrorKind::TooMany,
            FieldPath::new("subsets"),
            Some(total.into()),
            "must have at most 1000 endpoints (use EndpointSlices for more)",
        ));
    }
}

const ADDRESS_TYPES: [&str; 3] = ["IPv4", "IPv6", "FQDN"];

pub(super) fn validate_endpoint_slice(s: &EndpointSlice, errs: &mut Vec<FieldError>) {
    if !ADDRESS_TYPES.contains(&s.address_type.as_str()) {
        errs.push(FieldError::not_supported(
            FieldPath::new("addressType"),
            &s.address_type,
            &ADDRESS_TYPES,
        ));
    }
    if s.endpoints.len() > 1000 {
        errs.push(FieldError::new(
            FieldErrorKind::TooMany,
            FieldPath::new("endpoints"),
            Some(s.endpoints.len().into()),
            "must have at most 1000 items",
        ));
    }
    if s.ports.len() > 100 {
        errs.push(FieldError::new(
            FieldErrorKind::TooMany,
            FieldPath::new("ports"),
            Some(s.ports.len().into()),
            "must have at most 100 items",
        ));
    }
    for (i, e) in s.endpoints.iter().enumerate() {
        let epath = FieldPath::new("endpoints").index(i);
        if e.addresses.is_empty() || e.addresses.len() > 100 {
            errs.push(FieldError::invalid(
                epath.child("addresses"),
                e.addresses.len(),
                "must have between 1 and 100 addresses",
            ));
        }
        if s.address_type != "FQDN" {
            for (j, a) in e.addresses.iter().enumerate() {
                validate_ip(a, epath.child("addresses").index(j), errs);
            }
        }
        if let Some(h) = &e.hostname {
            push_msgs(errs, epath.child("hostname"), h, names::is_dns1123_label(h));
        }
    }
    let mut seen = VecSet::new();
    for (i, p) in s.ports.iter().enumerate() {
        let ppath = FieldPath::new("ports").index(i);
        let name: String = p.name.clone().unwrap_or_default();
        if !name.is_empty() {
            push_msgs(errs, ppath.child("name"), &name, names::is_dns1123_label(&name));
        }
        if !seen.insert(name.clone()) {
            errs.push(FieldError::duplicate(ppath.child("name"), name));
        }
        if let Some(port) = p.port {
            validate_port_number(port, ppath.child("port"), errs);
        }
        validate_protocol(p.protocol.as_deref(), ppath.child("protocol"), errs);
    }
}
