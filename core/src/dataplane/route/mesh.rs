//! Which pods carry a service-mesh sidecar, decided as the injectors decide it.
//!
//! Istio injects pods of a namespace labelled `istio-injection=enabled` (or with a revision
//! label `istio.io/rev`), and pods labelled `sidecar.istio.io/inject: "true"`; a pod label or
//! annotation `sidecar.istio.io/inject: "false"` opts out. Linkerd injects pods whose namespace
//! or pod carries the annotation `linkerd.io/inject: enabled`; `disabled` on the pod opts out.

use crate::json::ToJson;
use crate::model::{Namespace, Pod, StringMap};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub enum Mesh {
    Istio,
    Linkerd,
}

impl Mesh {
    /// The workload identity the mesh's mTLS certificate carries.
    pub fn identity(self, domain: &str, namespace: &str, service_account: &str) -> alloc::string::String {
        match self {
            Mesh::Istio => alloc::format!("spiffe://{domain}/ns/{namespace}/sa/{service_account}"),
            Mesh::Linkerd => {
                alloc::format!("{service_account}.{namespace}.serviceaccount.identity.linkerd.{domain}")
            }
        }
    }
}

/// What put the sidecar there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub enum Injection {
    /// `istio-injection=enabled` on the namespace.
    NamespaceLabel,
    /// `istio.io/rev` on the namespace (revisioned control plane).
    NamespaceRevision,
    /// `sidecar.istio.io/inject: "true"` on the pod.
    PodLabel,
    /// `linkerd.io/inject: enabled` on the namespace.
    NamespaceAnnotation,
    /// `linkerd.io/inject: enabled` on the pod.
    PodAnnotation,
}

/// The pod's sidecar, if it has one.
pub fn sidecar(pod: &Pod, namespace: Option<&Namespace>) -> Option<(Mesh, Injection)> {
    let labels = &pod.metadata.labels;
    let annotations = &pod.metadata.annotations;
    let ns_labels = namespace.map(|n| &n.metadata.labels);
    let ns_annotations = namespace.map(|n| &n.metadata.annotations);
    let is = |m: Option<&StringMap>, k: &str, v: &str| m.and_then(|m| m.get(k)).is_some_and(|x| x == v);
    let istio_opt_out = is(Some(labels), "sidecar.istio.io/inject", "false")
        || is(Some(annotations), "sidecar.istio.io/inject", "false");
    if !istio_opt_out {
        if is(Some(labels), "sidecar.istio.io/inject", "true") {
            return Some((Mesh::Istio, Injection::PodLabel));
        }
        // `istio-injection=disabled` on the namespace wins over a revision label.
        if is(ns_labels, "istio-injection", "enabled") {
            return Some((Mesh::Istio, Injection::NamespaceLabel));
        }
        if !is(ns_labels, "istio-injection", "disabled")
            && ns_labels.is_some_and(|l| l.contains_key("istio.io/rev"))
        {
            return Some((Mesh::Istio, Injection::NamespaceRevision));
        }
    }
    if is(Some(annotations), "linkerd.io/inject", "disabled") {
        return None;
    }
    if is(Some(annotations), "linkerd.io/inject", "enabled") {
        return Some((Mesh::Linkerd, Injection::PodAnnotation));
    }
    if is(ns_annotations, "linkerd.io/inject", "enabled") {
        return Some((Mesh::Linkerd, Injection::NamespaceAnnotation));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ObjectMeta;
    use alloc::string::ToString;

    fn map(pairs: &[(&str, &str)]) -> StringMap {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn injection_follows_the_injectors() {
        type Pairs<'a> = &'a [(&'a str, &'a str)];
        // (namespace labels, namespace annotations, pod labels, pod annotations, expected)
        type Case<'a> = (
            Pairs<'a>,
            Pairs<'a>,
            Pairs<'a>,
            Pairs<'a>,
            Option<(Mesh, Injection)>,
        );
        let cases: &[Case] = &[
            (&[], &[], &[], &[], None),
            (
                &[("istio-injection", "enabled")],
                &[],
                &[],
                &[],
                Some((Mesh::Istio, Injection::NamespaceLabel)),
            ),
            (
                &[("istio-injection", "enabled")],
                &[],
                &[("sidecar.istio.io/inject", "false")],
                &[],
                None,
            ),
            (
                &[("istio-injection", "enabled")],
                &[],
                &[],
                &[("sidecar.istio.io/inject", "false")],
                None,
            ),
            (
                &[],
                &[],
                &[("sidecar.istio.io/inject", "true")],
                &[],
                Some((Mesh::Istio, Injection::PodLabel)),
            ),
            (
                &[("istio.io/rev", "canary")],
                &[],
                &[],
                &[],
                Some((Mesh::Istio, Injection::NamespaceRevision)),
            ),
            (
                &[("istio.io/rev", "canary"), ("istio-injection", "disabled")],
                &[],
                &[],
                &[],
                None,
            ),
            (&[("istio-injection", "disabled")], &[], &[], &[], None),
            (
                &[],
                &[("linkerd.io/inject", "enabled")],
                &[],
                &[],
                Some((Mesh::Linkerd, Injection::NamespaceAnnotation)),
            ),
            (
                &[],
                &[("linkerd.io/inject", "enabled")],
                &[],
                &[("linkerd.io/inject", "disabled")],
                None,
            ),
            (
                &[],
                &[],
                &[],
                &[("linkerd.io/inject", "enabled")],
                Some((Mesh::Linkerd, Injection::PodAnnotation)),
            ),
            // A label is not an annotation for linkerd.
            (&[("linkerd.io/inject", "enabled")], &[], &[], &[], None),
        ];
        for (i, (nl, na, pl, pa, expected)) in cases.iter().enumerate() {
            let ns = Namespace {
                metadata: ObjectMeta {
                    name: "ns".into(),
                    labels: map(nl),
                    annotations: map(na),
                    ..Default::default()
                },
            };
            let mut pod = Pod::default();
            pod.metadata.labels = map(pl);
            pod.metadata.annotations = map(pa);
            assert_eq!(sidecar(&pod, Some(&ns)), *expected, "case {i}");
        }
    }
}
