//! Builders and checks shared by the endpoint tests.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::types::{
    AddressType, DesiredEndpoint, Endpoint, EndpointConditions, EndpointKey, PortKey, PortSpec, Protocol,
    ServiceInfo, Slice,
};

pub const NS: &str = "default";
pub const SVC: &str = "web";
pub const SVC_UID: &str = "uid-web";

pub fn service() -> ServiceInfo {
    ServiceInfo {
        namespace: NS.into(),
        name: SVC.into(),
        uid: SVC_UID.into(),
        labels: BTreeMap::from([("app".into(), "web".into())]),
        headless: false,
        publish_not_ready_addresses: false,
        terminating: false,
        address_types: vec![AddressType::IPv4],
    }
}

pub fn port(name: &str, number: i32) -> PortSpec {
    PortSpec {
        name: name.into(),
        port: number,
        protocol: Protocol::Tcp,
        app_protocol: None,
    }
}

pub fn http() -> Vec<PortSpec> {
    vec![port("http", 80)]
}

/// Port set number `n`: 0 = http:80, 1 = http:8080, 2 = none (headless without ports).
pub fn port_set(n: u8) -> Vec<PortSpec> {
    match n % 3 {
        0 => http(),
        1 => vec![port("http", 8080)],
        _ => Vec::new(),
    }
}

pub fn ip_of(family: AddressType, i: u32) -> String {
    match family {
        AddressType::IPv6 => format!("fd00::{:x}", i + 1),
        _ => format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255),
    }
}

/// Pod `i`'s endpoint of `family`; `version` varies what lies beyond identity.
pub fn endpoint(family: AddressType, i: u32, ready: bool, version: u32) -> Endpoint {
    Endpoint {
        key: EndpointKey::new(vec![ip_of(family, i)], None, NS, format!("pod-{i}")),
        pod_uid: format!("uid-{i}"),
        node_name: Some(format!("node-{}", i % 7)),
        zone: Some(format!("zone-{}", version % 3)),
        conditions: EndpointConditions {
            ready,
            serving: ready,
            terminating: false,
        },
    }
}

pub fn desired(i: u32, ports: &[PortSpec]) -> DesiredEndpoint {
    DesiredEndpoint {
        address_type: AddressType::IPv4,
        ports: ports.to_vec(),
        endpoint: endpoint(AddressType::IPv4, i, true, 0),
    }
}

pub fn desired_range(range: core::ops::Range<u32>, ports: &[PortSpec]) -> Vec<DesiredEndpoint> {
    range.map(|i| desired(i, ports)).collect()
}

/// A managed slice of `svc` holding `desired`.
pub fn slice(svc: &ServiceInfo, name: &str, ports: &[PortSpec], desired: &[DesiredEndpoint]) -> Slice {
    Slice {
        name: name.into(),
        address_type: AddressType::IPv4,
        ports: ports.to_vec(),
        endpoints: desired.iter().map(|d| d.endpoint.clone()).collect(),
        labels: svc.slice_labels(),
        owner_uid: Some(svc.uid.clone()),
    }
}

/// Endpoint counts of `slices`, sorted descending.
pub fn fills<'a>(slices: impl IntoIterator<Item = &'a Slice>) -> Vec<usize> {
    let mut f: Vec<usize> = slices.into_iter().map(|s| s.endpoints.len()).collect();
    f.sort_unstable_by(|a, b| b.cmp(a));
    f
}

/// SPEC §10 invariants 1 and 2 after a sync: every desired endpoint exactly once in its family,
/// in a slice with its port set; ≤ max per slice; ≥ 1 slice per family; all slices managed.
pub fn check_synced(
    svc: &ServiceInfo,
    max: usize,
    slices: &[Slice],
    desired: &[DesiredEndpoint],
) -> Result<(), String> {
    let mut where_: BTreeMap<(AddressType, &EndpointKey), (&Endpoint, PortKey)> = BTreeMap::new();
    for s in slices {
        if !svc.families().contains(&s.address_type) {
            return Err(format!(
                "slice {} has unserved family {:?}",
                s.name, s.address_type
            ));
        }
        if s.endpoints.len() > max {
            return Err(format!("slice {} holds {} > {max}", s.name, s.endpoints.len()));
        }
        if s.owner_uid.as_deref() != Some(svc.uid.as_str()) || s.labels != svc.slice_labels() {
            return Err(format!("slice {} is not owned or has stale labels", s.name));
        }
        for e in &s.endpoints {
            if where_
                .insert((s.address_type, &e.key), (e, PortKey::of(&s.ports)))
                .is_some()
            {
                return Err(format!("endpoint {:?} appears twice", e.key));
            }
        }
    }
    for f in svc.families() {
        if !slices.iter().any(|s| s.address_type == f) {
            return Err(format!("no slice for family {f:?}"));
        }
    }
    if where_.len() != desired.len() {
        return Err(format!(
            "{} endpoints in slices, {} desired",
            where_.len(),
            desired.len()
        ));
    }
    for d in desired {
        match where_.get(&(d.address_type, &d.endpoint.key)) {
            None => return Err(format!("desired {:?} missing", d.endpoint.key)),
            Some((e, key)) => {
                if **e != d.endpoint {
                    return Err(format!("endpoint {:?} is stale", d.endpoint.key));
                }
                if *key != PortKey::of(&d.ports) {
                    return Err(format!(
                        "endpoint {:?} is in a slice with other ports",
                        d.endpoint.key
                    ));
                }
            }
        }
    }
    let names: BTreeSet<&str> = slices.iter().map(|s| s.name.as_str()).collect();
    if names.len() != slices.len() {
        return Err("duplicate slice names".into());
    }
    Ok(())
}
