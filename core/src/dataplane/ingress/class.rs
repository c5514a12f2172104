//! Which Ingresses a router serves (IngressClass selection, SPEC §6.7 and §11 #5) and in which
//! order it reads them (creation order, SPEC §6.9 and §11 #4).

use crate::collections::VecSet;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cmp::Ordering;
use core::iter;

use super::decision::IngressRef;
use super::warnings::{IngressWarning, SkipReason};
use super::{IngressClassInput, IngressInput};
use crate::model::{Ingress, IngressClass};
use crate::sort::SharedSort;

/// The deprecated class annotation, still honoured (and preferred when both are set, SPEC §6.7).
pub const CLASS_ANNOTATION: &str = "kubernetes.io/ingress.class";
/// Marks the default IngressClass when set to `"true"`.
pub const DEFAULT_CLASS_ANNOTATION: &str = "ingressclass.kubernetes.io/is-default-class";

/// Which Ingresses to route.
pub(super) enum Selection<'s, 'c> {
    /// Every Ingress, whatever its class (the npm `matchIngress`).
    All,
    /// Those of the given classes, optionally only of one controller.
    Classes {
        classes: &'s [IngressClassInput<'c>],
        controller: Option<&'s str>,
    },
}

/// A routed Ingress, in model order.
pub(super) struct Selected<'a> {
    pub ingress: &'a Ingress,
    pub reference: IngressRef,
}

pub(super) fn ingress_ref(ingress: &Ingress) -> IngressRef {
    IngressRef {
        namespace: ingress
            .metadata
            .namespace
            .clone()
            .filter(|ns| !ns.is_empty())
            .unwrap_or_else(|| "default".to_string()),
        name: ingress.metadata.name.clone(),
    }
}

/// The routed Ingresses, oldest first; equal creation times are ordered by `namespace/name`
/// descending, as ingress-nginx's comparator (`in > jn`) does (SPEC §9 #4).
pub(super) fn select<'a>(
    inputs: &[IngressInput<'a>],
    selection: &Selection<'_, '_>,
    warnings: &mut Vec<IngressWarning>,
) -> Vec<Selected<'a>> {
    let default_class = match selection {
        Selection::All => None,
        Selection::Classes { classes, .. } => default_class(classes, warnings),
    };
    let mut seen = VecSet::new();
    let mut routed: Vec<(u64, Selected<'a>)> = Vec::new();
    for input in inputs {
        let reference = ingress_ref(input.ingress);
        if !seen.insert(reference.clone()) {
            skip(warnings, reference, SkipReason::DuplicateName);
            continue;
        }
        let class = class_name(input.ingress, &reference, warnings);
        if let Selection::Classes { classes, controller } = selection {
            if let Some(reason) = skip_reason(class, classes, *controller, default_class) {
                skip(warnings, reference, reason);
                continue;
            }
        }
        routed.push((
            input.created_ms,
            Selected {
                ingress: input.ingress,
                reference,
            },
        ));
    }
    routed.stable_sort_by(|(a_ms, a), (b_ms, b)| {
        a_ms.cmp(b_ms).then_with(|| key_order(&b.reference, &a.reference))
    });
    routed.into_iter().map(|(_, s)| s).collect()
}

/// `"namespace/name"` compared as the string ingress-nginx formats (not as a pair: `a-b/x`
/// sorts before `a/x` because `-` < `/`).
fn key_order(a: &IngressRef, b: &IngressRef) -> Ordering {
    slash_key(a).cmp(slash_key(b))
}

fn slash_key(r: &IngressRef) -> impl Iterator<Item = u8> + '_ {
    r.namespace.bytes().chain(iter::once(b'/')).chain(r.name.bytes())
}

fn skip(warnings: &mut Vec<IngressWarning>, ingress: IngressRef, reason: SkipReason) {
    warnings.push(IngressWarning::Skipped { ingress, reason });
}

/// The class an Ingress asks for: the annotation if set (SPEC §6.7: it takes priority; the API
/// requires both to be equal on create), else `spec.ingressClassName`.
fn class_name<'i>(
    ingress: &'i Ingress,
    reference: &IngressRef,
    warnings: &mut Vec<IngressWarning>,
) -> Option<&'i str> {
    let annotation = ingress
        .metadata
        .annotations
        .get(CLASS_ANNOTATION)
        .map(String::as_str)
        .filter(|c| !c.is_empty());
    let field = ingress
        .spec
        .ingress_class_name
        .as_deref()
        .filter(|c| !c.is_empty());
    if let (Some(field), Some(annotation)) = (field, annotation) {
        if field != annotation {
            warnings.push(IngressWarning::ClassAnnotationDiffers {
                ingress: reference.clone(),
                field: field.to_string(),
                annotation: annotation.to_string(),
            });
        }
    }
    annotation.or(field)
}

/// The default IngressClass: the newest of those annotated default (tie: the smaller name), with
/// a warning when there are several (SPEC §6.7: PR kubernetes#110974; §11 #5).
fn default_class<'c>(
    classes: &[IngressClassInput<'c>],
    warnings: &mut Vec<IngressWarning>,
) -> Option<&'c IngressClass> {
    let defaults: Vec<&IngressClassInput<'c>> = classes
        .iter()
        .filter(|c| {
            c.class
                .metadata
                .annotations
                .get(DEFAULT_CLASS_ANNOTATION)
                .map(String::as_str)
                == Some("true")
        })
        .collect();
    let chosen = defaults.iter().copied().max_by(|a, b| {
        a.created_ms
            .cmp(&b.created_ms)
            .then_with(|| b.class.metadata.name.cmp(&a.class.metadata.name))
    })?;
    if defaults.len() > 1 {
        let mut others: Vec<String> = defaults
            .iter()
            .filter(|c| !core::ptr::eq(**c, chosen))
            .map(|c| c.class.metadata.name.clone())
            .collect();
        others.stable_sort();
        warnings.push(IngressWarning::SeveralDefaultClasses {
            chosen: chosen.class.metadata.name.clone(),
            others,
        });
    }
    Some(chosen.class)
}

/// Why an Ingress asking for `class` is not routed, if it is not.
fn skip_reason(
    class: Option<&str>,
    classes: &[IngressClassInput<'_>],
    controller: Option<&str>,
    default_class: Option<&IngressClass>,
) -> Option<SkipReason> {
    let other_controller = |c: &IngressClass| controller.is_some_and(|ctl| ctl != c.spec.controller);
    match class {
        Some(name) => match classes.iter().find(|c| c.class.metadata.name == name) {
            None => Some(SkipReason::ClassNotFound {
                class: name.to_string(),
            }),
            Some(c) if other_controller(c.class) => Some(SkipReason::OtherController {
                class: name.to_string(),
                controller: c.class.spec.controller.clone(),
            }),
            Some(_) => None,
        },
        None => match default_class {
            None => Some(SkipReason::NoClass),
            Some(c) if other_controller(c) => Some(SkipReason::DefaultClassOfOtherController {
                class: c.metadata.name.clone(),
                controller: c.spec.controller.clone(),
            }),
            Some(_) => None,
        },
    }
}
