//! What building a router reports: Ingresses it does not route, and everything it had to
//! decide between (conflicts are never resolved silently).

use crate::json::ToJson;
use alloc::string::String;
use alloc::vec::Vec;

use super::decision::{DefaultScope, IngressRef, PathRef, TlsMatch};
use super::host::HostProblem;

/// One finding of [`IngressRouter::build`](super::IngressRouter::build).
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum IngressWarning {
    /// The Ingress is not routed by this router.
    Skipped { ingress: IngressRef, reason: SkipReason },
    /// Several IngressClasses carry `ingressclass.kubernetes.io/is-default-class: "true"`; the
    /// newest (`chosen`) is the default (SPEC §11 #5).
    SeveralDefaultClasses { chosen: String, others: Vec<String> },
    /// `spec.ingressClassName` and the `kubernetes.io/ingress.class` annotation disagree; the
    /// annotation is used (SPEC §6.7).
    ClassAnnotationDiffers {
        ingress: IngressRef,
        field: String,
        annotation: String,
    },
    /// A rule whose host cannot match anything; its paths are not routed.
    InvalidHost {
        ingress: IngressRef,
        rule: usize,
        host: String,
        problem: HostProblem,
    },
    /// A path that cannot be matched; it is not routed.
    InvalidPath {
        ingress: IngressRef,
        rule: usize,
        index: usize,
        problem: PathProblem,
    },
    /// Same host, path and pathType twice: the older one (`winner`) routes, `loser` never
    /// does (SPEC §11 #4).
    Conflict { winner: PathRef, loser: PathRef },
    /// Several Ingresses offer a `defaultBackend` in one place; `winner`'s answers.
    DefaultBackendConflict {
        scope: DefaultScope,
        winner: IngressRef,
        loser: IngressRef,
    },
    /// The same TLS host with a different Secret in another entry: the older entry's
    /// certificate is served.
    TlsConflict { winner: TlsMatch, loser: TlsMatch },
    /// A `tls[]` entry without hosts: the controller's default certificate applies, which
    /// kroute does not model, so no host is marked as TLS by it.
    TlsWithoutHosts { ingress: IngressRef, index: usize },
    /// A `tls[].hosts[]` entry that cannot match a server name.
    InvalidTlsHost {
        ingress: IngressRef,
        index: usize,
        host: String,
        problem: HostProblem,
    },
    /// An ingress-nginx annotation that changes matching or splits traffic (regex paths,
    /// rewrites, canaries) and that kroute does not model: routing follows the spec instead.
    AnnotationNotModelled { ingress: IngressRef, annotation: String },
}

/// Why an Ingress is not routed.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum SkipReason {
    /// Its class names no IngressClass given to the router.
    ClassNotFound { class: String },
    /// Its class belongs to another controller.
    OtherController { class: String, controller: String },
    /// It has no class and there is no default IngressClass.
    NoClass,
    /// It has no class and the default IngressClass belongs to another controller.
    DefaultClassOfOtherController { class: String, controller: String },
    /// Another Ingress with the same namespace and name came earlier in the input.
    DuplicateName,
}

/// Why a path is not routed.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum PathProblem {
    /// `pathType` is required in `networking.k8s.io/v1`.
    MissingPathType,
    UnknownPathType {
        path_type: String,
    },
    /// The path does not start with `/` (an empty `ImplementationSpecific` path reads `/`).
    NotAbsolute {
        path: String,
    },
}
