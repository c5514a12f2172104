//! Ingress and IngressClass rules (`pkg/apis/networking/validation`, SPEC §6.1).

use alloc::format;
use alloc::vec::Vec;

use super::core_v1::validate_port_number;
use super::meta::push_msgs;
use super::names;
use crate::error::{FieldError, FieldPath};
use crate::model::{Ingress, IngressBackend, IngressClass};

const PATH_TYPES: [&str; 3] = ["Exact", "Prefix", "ImplementationSpecific"];

pub(super) fn validate_ingress(ing: &Ingress, errs: &mut Vec<FieldError>) {
    let spec = &ing.spec;
    let path = FieldPath::new("spec");
    if spec.rules.is_empty() && spec.default_backend.is_none() {
        errs.push(FieldError::invalid(
            path.clone(),
            "{}",
            "either `defaultBackend` or `rules` must be specified",
        ));
    }
    if let Some(b) = &spec.default_backend {
        validate_backend(b, &path.child("defaultBackend"), errs);
    }
    if let (Some(class), Some(annotation)) = (
        &spec.ingress_class_name,
        ing.metadata.annotations.get("kubernetes.io/ingress.class"),
    ) {
        if class != annotation {
            errs.push(FieldError::invalid(
                path.child("ingressClassName"),
                class,
                "can not be set when the class field is also set",
            ));
        }
    }
    if let Some(class) = &spec.ingress_class_name {
        push_msgs(
            errs,
            path.child("ingressClassName"),
            class,
            names::is_dns1123_subdomain(class),
        );
    }
    for (i, rule) in spec.rules.iter().enumerate() {
        let rpath = path.child("rules").index(i);
        if let Some(host) = rule.host.as_deref().filter(|h| !h.is_empty()) {
            validate_host(host, rpath.child("host"), errs);
        }
        let Some(http) = &rule.http else { continue };
        if http.paths.is_empty() {
            errs.push(FieldError::required(rpath.child("http.paths"), ""));
        }
        for (j, p) in http.paths.iter().enumerate() {
            let ppath = rpath.child("http.paths").index(j);
            let path_value = p.path.as_deref().unwrap_or("");
            match p.path_type.as_deref() {
                None => errs.push(FieldError::required(
                    ppath.child("pathType"),
                    "pathType must be specified",
                )),
                Some(t) if !PATH_TYPES.contains(&t) => {
                    errs.push(FieldError::not_supported(ppath.child("pathType"), t, &PATH_TYPES))
                }
                Some("ImplementationSpecific") => {
                    if !path_value.is_empty() && !path_value.starts_with('/') {
                        errs.push(FieldError::invalid(
                            ppath.child("path"),
                            path_value,
                            "must be an absolute path",
                        ));
                    }
                }
                Some(_) => validate_strict_path(path_value, ppath.child("path"), errs),
            }
            validate_backend(&p.backend, &ppath.child("backend"), errs);
        }
    }
    for (i, tls) in spec.tls.iter().enumerate() {
        for (j, h) in tls.hosts.iter().enumerate() {
            validate_host(h, path.child("tls").index(i).child("hosts").index(j), errs);
        }
    }
}

/// Exact and Prefix paths (SPEC §6.1).
fn validate_strict_path(p: &str, path: FieldPath, errs: &mut Vec<FieldError>) {
    if !p.starts_with('/') {
        errs.push(FieldError::invalid(path, p, "must be an absolute path"));
        return;
    }
    for bad in ["//", "/./", "/../", "%2f", "%2F"] {
        if p.contains(bad) {
            errs.push(FieldError::invalid(
                path.clone(),
                p,
                format!("must not contain '{bad}'"),
            ));
        }
    }
    for bad in ["/..", "/."] {
        if p.ends_with(bad) {
            errs.push(FieldError::invalid(
                path.clone(),
                p,
                format!("must not end with '{bad}'"),
            ));
        }
    }
}

/// A rule or TLS host: not an IP, a DNS-1123 subdomain or `*.` + one.
fn validate_host(host: &str, path: FieldPath, errs: &mut Vec<FieldError>) {
    if names::is_valid_ip(host).is_empty() {
        errs.push(FieldError::invalid(
            path,
            host,
            "must be a DNS name, not an IP address",
        ));
    } else if let Some(rest) = host.strip_prefix("*.") {
        push_msgs(errs, path, host, names::is_dns1123_subdomain(rest));
    } else if host.contains('*') {
        errs.push(FieldError::invalid(
            path,
            host,
            "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain",
        ));
    } else {
        push_msgs(errs, path, host, names::is_dns1123_subdomain(host));
    }
}

fn validate_backend(b: &IngressBackend, path: &FieldPath, errs: &mut Vec<FieldError>) {
    match (&b.service, &b.resource) {
        (Some(_), Some(_)) => errs.push(FieldError::invalid(
            path.clone(),
            "{…}",
            "cannot set both resource and service backends",
        )),
        (None, None) => errs.push(FieldError::invalid(
            path.clone(),
            "{}",
            "resource or service backend is required",
        )),
        (Some(svc), None) => {
            let spath = path.child("service");
            if svc.name.is_empty() {
                errs.push(FieldError::required(spath.child("name"), ""));
            } else {
                push_msgs(
                    errs,
                    spath.child("name"),
                    &svc.name,
                    names::is_dns1035_label(&svc.name),
                );
            }
            match &svc.port {
                None => errs.push(FieldError::required(
                    spath.child("port"),
                    "port name or number is required",
                )),
                Some(port) => match (&port.name, port.number) {
                    (Some(_), Some(n)) if n != 0 => errs.push(FieldError::invalid(
                        spath.child("port"),
                        "{…}",
                        "cannot set both port name & port number",
                    )),
                    (Some(name), _) if !name.is_empty() => push_msgs(
                        errs,
                        spath.child("port.name"),
                        name,
                        names::is_valid_port_name(name),
                    ),
                    (_, Some(n)) => validate_port_number(n, spath.child("port.number"), errs),
                    _ => errs.push(FieldError::required(
                        spath.child("port"),
                        "port name or number is required",
                    )),
                },
            }
        }
        (None, Some(r)) => {
            let rpath = path.child("resource");
            if r.kind.is_empty() {
                errs.push(FieldError::required(rpath.child("kind"), ""));
            }
            if r.name.is_empty() {
                errs.push(FieldError::required(rpath.child("name"), ""));
            }
        }
    }
}

pub(super) fn validate_ingress_class(c: &IngressClass, errs: &mut Vec<FieldError>) {
    let path = FieldPath::new("spec.controller");
    let ctl = &c.spec.controller;
    if ctl.is_empty() {
        errs.push(FieldError::required(path, ""));
    } else if ctl.len() > 250 {
        errs.push(FieldError::new(
            crate::error::FieldErrorKind::TooLong,
            path,
            None,
            "may not be more than 250 bytes",
        ));
    } else {
        match ctl.split_once('/') {
            Some((domain, _)) => push_msgs(errs, path, ctl, names::is_dns1123_subdomain(domain)),
            None => errs.push(FieldError::invalid(
                path,
                ctl,
                "must be a domain-prefixed path (such as \"acme.io/foo\")",
            )),
        }
    }
}
