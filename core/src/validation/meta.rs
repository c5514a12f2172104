//! `metadata`: names, namespaces, labels, annotations.

use alloc::string::String;
use alloc::vec::Vec;

use super::names;
use crate::error::{FieldError, FieldPath};
use crate::model::ObjectMeta;

/// Which rule an object's name must follow (it differs by kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRule {
    Dns1123Label,
    Dns1123Subdomain,
    /// Services: a DNS-1035 label (must start with a letter). Kubernetes v1.36 relaxed this to a
    /// DNS-1123 label behind `RelaxedServiceNameValidation` (KEP-5311); kroute keeps the rule
    /// every cluster accepts.
    Dns1035Label,
}

impl NameRule {
    pub fn check(self, name: &str) -> Vec<String> {
        match self {
            NameRule::Dns1123Label => names::is_dns1123_label(name),
            NameRule::Dns1123Subdomain => names::is_dns1123_subdomain(name),
            NameRule::Dns1035Label => names::is_dns1035_label(name),
        }
    }
}

pub(super) fn push_msgs(
    errs: &mut Vec<FieldError>,
    path: FieldPath,
    value: impl Into<crate::error::BadValue>,
    msgs: Vec<String>,
) {
    if !msgs.is_empty() {
        errs.push(FieldError::invalid(path, value, msgs.join("; ")));
    }
}

pub(super) fn validate_object_meta(
    meta: &ObjectMeta,
    namespaced: bool,
    rule: NameRule,
    errs: &mut Vec<FieldError>,
) {
    let path = FieldPath::new("metadata");
    if meta.name.is_empty() {
        errs.push(FieldError::required(
            path.child("name"),
            "name or generateName is required",
        ));
    } else {
        push_msgs(errs, path.child("name"), &meta.name, rule.check(&meta.name));
    }
    match (&meta.namespace, namespaced) {
        (Some(ns), true) if !ns.is_empty() => {
            push_msgs(errs, path.child("namespace"), ns, names::is_dns1123_label(ns));
        }
        (Some(ns), false) if !ns.is_empty() => {
            errs.push(FieldError::forbidden(
                path.child("namespace"),
                "not allowed on this type",
            ));
        }
        _ => {}
    }
    validate_labels(&meta.labels, &path.child("labels"), errs);
    for key in meta.annotations.keys() {
        let msgs = names::is_qualified_name(&key.to_ascii_lowercase());
        push_msgs(errs, path.child("annotations"), key, msgs);
    }
}

/// Label keys are qualified names, values are label values (SPEC §1.1).
pub(super) fn validate_labels(
    labels: &alloc::collections::BTreeMap<String, String>,
    path: &FieldPath,
    errs: &mut Vec<FieldError>,
) {
    for (k, v) in labels {
        push_msgs(errs, path.clone(), k, names::is_qualified_name(k));
        push_msgs(errs, path.key(k), v, names::is_valid_label_value(v));
    }
}
