//! GatewayClass, Gateway and HTTPRoute rules (the CRDs' OpenAPI and CEL validation, SPEC §7).

use crate::collections::VecSet;
use alloc::vec::Vec;

use super::core_v1::validate_port_number;
use super::meta::push_msgs;
use super::names;
use crate::error::{FieldError, FieldErrorKind, FieldPath};
use crate::model::{Gateway, GatewayClass, HttpRoute};

const LISTENER_PROTOCOLS: [&str; 5] = ["HTTP", "HTTPS", "TLS", "TCP", "UDP"];
const PATH_MATCH_TYPES: [&str; 3] = ["Exact", "PathPrefix", "RegularExpression"];
const HEADER_MATCH_TYPES: [&str; 2] = ["Exact", "RegularExpression"];
const METHODS: [&str; 9] = [
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
];

pub(super) fn validate_gateway_class(c: &GatewayClass, errs: &mut Vec<FieldError>) {
    if c.spec.controller_name.is_empty() {
        errs.push(FieldError::required(FieldPath::new("spec.controllerName"), ""));
    }
}

/// Route and listener hostnames: RFC 1123, optionally `*.` + the rest, never an IP (SPEC §7.3).
fn validate_hostname(h: &str, path: FieldPath, errs: &mut Vec<FieldError>) {
    if names::is_valid_ip(h).is_empty() {
        errs.push(FieldError::invalid(
            path,
            h,
            "must be a hostname, not an IP address",
        ));
        return;
    }
    let rest = h.strip_prefix("*.").unwrap_or(h);
    push_msgs(errs, path, h, names::is_dns1123_subdomain(rest));
}

fn too_many(errs: &mut Vec<FieldError>, path: FieldPath, n: usize, max: usize) {
    if n > max {
        errs.push(FieldError::new(
            FieldErrorKind::TooMany,
            path,
            Some(n.into()),
            alloc::format!("must have at most {max} items"),
        ));
    }
}

pub(super) fn validate_gateway(g: &Gateway, errs: &mut Vec<FieldError>) {
    let path = FieldPath::new("spec");
    if g.spec.gateway_class_name.is_empty() {
        errs.push(FieldError::required(path.child("gatewayClassName"), ""));
    }
    if g.spec.listeners.is_empty() {
        errs.push(FieldError::required(
            path.child("listeners"),
            "a Gateway needs at least one listener",
        ));
    }
    too_many(errs, path.child("listeners"), g.spec.listeners.len(), 64);
    let mut names_seen = VecSet::new();
    for (i, l) in g.spec.listeners.iter().enumerate() {
        let lpath = path.child("listeners").index(i);
        if l.name.is_empty() {
            errs.push(FieldError::required(lpath.child("name"), ""));
        } else {
            push_msgs(
                errs,
                lpath.child("name"),
                &l.name,
                names::is_dns1123_subdomain(&l.name),
            );
            if !names_seen.insert(l.name.as_str()) {
                errs.push(FieldError::duplicate(lpath.child("name"), &l.name));
            }
        }
        validate_port_number(l.port, lpath.child("port"), errs);
        if !LISTENER_PROTOCOLS.contains(&l.protocol.as_str()) {
            errs.push(FieldError::not_supported(
                lpath.child("protocol"),
                &l.protocol,
                &LISTENER_PROTOCOLS,
            ));
        }
        if let Some(h) = &l.hostname {
            validate_hostname(h, lpath.child("hostname"), errs);
        }
        if let Some(from) = l
            .allowed_routes
            .as_ref()
            .and_then(|a| a.namespaces.as_ref())
            .and_then(|n| n.from.as_ref())
        {
            if !["All", "Same", "Selector"].contains(&from.as_str()) {
                errs.push(FieldError::not_supported(
                    lpath.child("allowedRoutes.namespaces.from"),
                    from,
                    &["All", "Same", "Selector"],
                ));
            }
        }
    }
}

pub(super) fn validate_http_route(r: &HttpRoute, errs: &mut Vec<FieldError>) {
    let spec = &r.spec;
    let path = FieldPath::new("spec");
    too_many(errs, path.child("parentRefs"), spec.parent_refs.len(), 32);
    for (i, p) in spec.parent_refs.iter().enumerate() {
        if p.name.is_empty() {
            errs.push(FieldError::required(
                path.child("parentRefs").index(i).child("name"),
                "",
            ));
        }
        if let Some(port) = p.port {
            validate_port_number(port, path.child("parentRefs").index(i).child("port"), errs);
        }
    }
    too_many(errs, path.child("hostnames"), spec.hostnames.len(), 16);
    for (i, h) in spec.hostnames.iter().enumerate() {
        validate_hostname(h, path.child("hostnames").index(i), errs);
    }
    too_many(errs, path.child("rules"), spec.rules.len(), 16);
    let mut total_matches = 0;
    for (i, rule) in spec.rules.iter().enumerate() {
        let rpath = path.child("rules").index(i);
        too_many(errs, rpath.child("matches"), rule.matches.len(), 64);
        total_matches += rule.matches.len();
        for (j, m) in rule.matches.iter().enumerate() {
            let mpath = rpath.child("matches").index(j);
            if let Some(pm) = &m.path {
                let ty = pm.type_.as_deref().unwrap_or("PathPrefix");
                if !PATH_MATCH_TYPES.contains(&ty) {
                    errs.push(FieldError::not_supported(
                        mpath.child("path.type"),
                        ty,
                        &PATH_MATCH_TYPES,
                    ));
                }
                let v = pm.value.as_deref().unwrap_or("/");
                if ty != "RegularExpression" {
                    if !v.starts_with('/') {
                        errs.push(FieldError::invalid(mpath.child("path.value"), v, "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']"));
                    } else if v.contains("//") {
                        errs.push(FieldError::invalid(
                            mpath.child("path.value"),
                            v,
                            "must not contain '//' when type one of ['Exact', 'PathPrefix']",
                        ));
                    }
                }
                if v.len() > 1024 {
                    errs.push(FieldError::new(
                        FieldErrorKind::TooLong,
                        mpath.child("path.value"),
                        None,
                        "may not be more than 1024 bytes",
                    ));
                }
            }
            too_many(errs, mpath.child("headers"), m.headers.len(), 16);
            for (k, h) in m.headers.iter().enumerate() {
                let ty = h.type_.as_deref().unwrap_or("Exact");
                if !HEADER_MATCH_TYPES.contains(&ty) {
                    errs.push(FieldError::not_supported(
                        mpath.child("headers").index(k).child("type"),
                        ty,
                        &HEADER_MATCH_TYPES,
                    ));
                }
                if h.name.is_empty() {
                    errs.push(FieldError::required(
                        mpath.child("headers").index(k).child("name"),
                        "",
                    ));
                }
            }
            too_many(errs, mpath.child("queryParams"), m.query_params.len(), 16);
            for (k, q) in m.query_params.iter().enumerate() {
                let ty = q.type_.as_deref().unwrap_or("Exact");
                if !HEADER_MATCH_TYPES.contains(&ty) {
                    errs.push(FieldError::not_supported(
                        mpath.child("queryParams").index(k).child("type"),
                        ty,
                        &HEADER_MATCH_TYPES,
                    ));
                }
            }
            if let Some(method) = &m.method {
                if !METHODS.contains(&method.as_str()) {
                    errs.push(FieldError::not_supported(mpath.child("method"), method, &METHODS));
                }
            }
        }
        too_many(errs, rpath.child("backendRefs"), rule.backend_refs.len(), 16);
        for (j, b) in rule.backend_refs.iter().enumerate() {
            let bpath = rpath.child("backendRefs").index(j);
            if b.name.is_empty() {
                errs.push(FieldError::required(bpath.child("name"), ""));
            }
            if let Some(w) = b.weight {
                if !(0..=1_000_000).contains(&w) {
                    errs.push(FieldError::invalid(
                        bpath.child("weight"),
                        w,
                        "must be between 0 and 1000000",
                    ));
                }
            }
            let is_service = b.kind.as_deref().unwrap_or("Service") == "Service"
                && b.group.as_deref().unwrap_or("").is_empty();
            match b.port {
                Some(p) => validate_port_number(p, bpath.child("port"), errs),
                None if is_service => errs.push(FieldError::required(
                    bpath.child("port"),
                    "must be specified when the referent is a Kubernetes Service",
                )),
                None => {}
            }
        }
    }
    if total_matches > 128 {
        too_many(errs, path.child("rules"), total_matches, 128);
    }
}
