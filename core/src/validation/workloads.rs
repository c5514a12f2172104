//! Deployment, ReplicaSet and StatefulSet rules (`pkg/apis/apps/validation`).

use alloc::vec::Vec;

use super::core_v1::validate_pod_spec;
use super::meta::{push_msgs, validate_labels};
use super::names;
use crate::error::{BadValue, FieldError, FieldPath};
use crate::model::{Deployment, IntOrString, PodTemplateSpec, ReplicaSet, StatefulSet};
use crate::selector::{label_selector_as_selector, LabelSelector};
use alloc::format;

/// The most replicas kroute simulates for one workload: enough for KEP-752's 20,000-endpoint
/// case and the 100,000-endpoint benchmark, while a typo like `replicas: 100000000` is refused.
pub const MAX_REPLICAS: i64 = 100_000;

/// The rules every workload shares: a non-empty selector that matches the template's labels,
/// non-negative replicas, a valid pod template.
fn validate_workload(
    replicas: Option<i64>,
    selector: Option<&LabelSelector>,
    template: &PodTemplateSpec,
    errs: &mut Vec<FieldError>,
) {
    let spec = FieldPath::new("spec");
    if let Some(r) = replicas {
        if r < 0 {
            errs.push(FieldError::invalid(
                spec.child("replicas"),
                r,
                "must be greater than or equal to 0",
            ));
        } else if r > MAX_REPLICAS {
            // Not an API server rule (it takes any int32): a simulator limit, so a pasted
            // `replicas: 100000000` is refused instead of freezing the page.
            errs.push(FieldError::invalid(
                spec.child("replicas"),
                r,
                format!("kroute simulates at most {MAX_REPLICAS} replicas per workload"),
            ));
        }
    }
    let tpath = spec.child("template");
    validate_labels(&template.metadata.labels, &tpath.child("metadata.labels"), errs);
    validate_pod_spec(&template.spec, &tpath.child("spec"), errs);
    let spath = spec.child("selector");
    let Some(sel) = selector else {
        errs.push(FieldError::required(spath, ""));
        return;
    };
    match label_selector_as_selector(Some(sel), &spath) {
        Err(mut e) => errs.append(&mut e),
        Ok(s) if s.is_everything() => {
            errs.push(FieldError::invalid(
                spath,
                "{}",
                "empty selector is invalid for deployment",
            ));
        }
        Ok(s) => {
            if !s.matches(&template.metadata.labels) {
                errs.push(FieldError::invalid(
                    tpath.child("metadata.labels"),
                    BadValue::string_map(
                        template
                            .metadata
                            .labels
                            .iter()
                            .map(|(k, v)| (k.as_str(), v.as_str())),
                    ),
                    "`selector` does not match template `labels`",
                ));
            }
        }
    }
}

pub(super) fn validate_deployment(d: &Deployment, errs: &mut Vec<FieldError>) {
    validate_workload(d.spec.replicas, d.spec.selector.as_ref(), &d.spec.template, errs);
    validate_restart_always(&d.spec.template, errs);
    if let Some(s) = &d.spec.strategy {
        if let Some(t) = &s.type_ {
            if t != "RollingUpdate" && t != "Recreate" {
                errs.push(FieldError::not_supported(
                    FieldPath::new("spec.strategy.type"),
                    t,
                    &["Recreate", "RollingUpdate"],
                ));
            }
        }
    }
    non_negative(d.spec.min_ready_seconds, "spec.minReadySeconds", errs);
}

pub(super) fn validate_replica_set(r: &ReplicaSet, errs: &mut Vec<FieldError>) {
    validate_workload(r.spec.replicas, r.spec.selector.as_ref(), &r.spec.template, errs);
    non_negative(r.spec.min_ready_seconds, "spec.minReadySeconds", errs);
}

pub(super) fn validate_stateful_set(s: &StatefulSet, errs: &mut Vec<FieldError>) {
    let spec = &s.spec;
    validate_workload(spec.replicas, spec.selector.as_ref(), &spec.template, errs);
    validate_restart_always(&spec.template, errs);
    let path = FieldPath::new("spec");
    if let Some(p) = &spec.pod_management_policy {
        if p != "OrderedReady" && p != "Parallel" {
            errs.push(FieldError::not_supported(
                path.child("podManagementPolicy"),
                p,
                &["OrderedReady", "Parallel"],
            ));
        }
    }
    if let Some(n) = &spec.service_name {
        if !n.is_empty() {
            push_msgs(errs, path.child("serviceName"), n, names::is_dns1123_label(n));
        }
    }
    if let Some(o) = &spec.ordinals {
        if o.start < 0 {
            errs.push(FieldError::invalid(
                path.child("ordinals.start"),
                o.start,
                "must be greater than or equal to 0",
            ));
        }
    }
    if let Some(u) = &spec.update_strategy {
        let upath = path.child("updateStrategy");
        match u.type_.as_deref() {
            None | Some("RollingUpdate") => {}
            Some("OnDelete") => {
                if u.rolling_update.is_some() {
                    errs.push(FieldError::invalid(
                        upath.child("rollingUpdate"),
                        "{…}",
                        "only allowed for updateStrategy 'RollingUpdate'",
                    ));
                }
            }
            Some(t) => errs.push(FieldError::not_supported(
                upath.child("type"),
                t,
                &["OnDelete", "RollingUpdate"],
            )),
        }
        if let Some(r) = &u.rolling_update {
            let rpath = upath.child("rollingUpdate");
            non_negative(r.partition, "spec.updateStrategy.rollingUpdate.partition", errs);
            match &r.max_unavailable {
                Some(IntOrString::Int(n)) if *n < 1 => errs.push(FieldError::invalid(
                    rpath.child("maxUnavailable"),
                    *n,
                    "must be greater than 0",
                )),
                Some(IntOrString::String(p)) if parse_percent(p).is_none_or(|v| v == 0) => {
                    errs.push(FieldError::invalid(
                        rpath.child("maxUnavailable"),
                        p,
                        "must be a positive integer or percentage",
                    ))
                }
                _ => {}
            }
        }
    }
    for (i, t) in spec.volume_claim_templates.iter().enumerate() {
        let tpath = path.child("volumeClaimTemplates").index(i).child("metadata.name");
        if t.metadata.name.is_empty() {
            errs.push(FieldError::required(tpath, ""));
        } else {
            push_msgs(
                errs,
                tpath,
                &t.metadata.name,
                names::is_dns1123_subdomain(&t.metadata.name),
            );
        }
    }
    non_negative(spec.min_ready_seconds, "spec.minReadySeconds", errs);
}

/// `"25%"` → 25.
pub fn parse_percent(s: &str) -> Option<u32> {
    s.strip_suffix('%')?.parse().ok()
}

fn validate_restart_always(t: &PodTemplateSpec, errs: &mut Vec<FieldError>) {
    if let Some(p) = &t.spec.restart_policy {
        if p != "Always" {
            errs.push(FieldError::not_supported(
                FieldPath::new("spec.template.spec.restartPolicy"),
                p,
                &["Always"],
            ));
        }
    }
}

fn non_negative(v: Option<i64>, path: &str, errs: &mut Vec<FieldError>) {
    if let Some(v) = v {
        if v < 0 {
            errs.push(FieldError::invalid(
                FieldPath::new(path),
                v,
                "must be greater than or equal to 0",
            ));
        }
    }
}
