//! What a route decision says: who answers, and the reasons, as data.

use crate::json::ToJson;
use alloc::string::String;
use alloc::vec::Vec;

use super::host::RuleHost;
use super::path::PathType;
use crate::model::IngressBackend;

/// An Ingress, by namespace and name (the namespace defaults to `default`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ToJson)]
pub struct IngressRef {
    pub namespace: String,
    pub name: String,
}

/// One path of one rule: `spec.rules[rule].http.paths[index]` of `ingress`.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct PathRef {
    pub ingress: IngressRef,
    pub rule: usize,
    pub index: usize,
    pub host: RuleHost,
    /// As matched: an empty `ImplementationSpecific` path reads `/` (ingress-nginx).
    pub path: String,
    /// As declared.
    pub path_type: PathType,
}

/// The rule that answered: `spec.rules[index]`, and its host.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
pub struct RuleRef {
    pub index: usize,
    pub host: RuleHost,
}

/// The path that answered: `paths[index]` of the rule.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct PathMatch {
    pub index: usize,
    pub path: String,
    pub path_type: PathType,
}

/// Who answers a request.
#[derive(Clone, Debug, PartialEq, ToJson)]
pub struct IngressMatch {
    pub ingress: IngressRef,
    /// The Ingress's `spec.defaultBackend` answered (no path of the host group matched).
    pub default: bool,
    /// The rule and path that matched; `None` when the default backend answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<RuleRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<PathMatch>,
    pub backend: IngressBackend,
}

/// The certificate chosen for a TLS server name (SNI): from `spec.tls[].hosts[]`.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct TlsMatch {
    pub ingress: IngressRef,
    /// `None`: the entry names no Secret (the controller's default certificate, SPEC §6.8).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<String>,
    /// The `tls[].hosts[]` entry that covers the name: precise, or a `*.` wildcard.
    pub host: RuleHost,
}

/// What a plain-HTTP request to this host gets instead of the answer: ingress-nginx's
/// `ssl-redirect` (on by default) when TLS is configured for the host (SPEC §6.8).
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
pub struct HttpsRedirect {
    /// 308 Permanent Redirect (keeps the method and body).
    pub status: u16,
    pub tls: TlsMatch,
}

/// The outcome of [`IngressRouter::route`](super::IngressRouter::route).
///
/// `answer: None` is HTTP 404 from the controller's own default backend: no path matched and
/// no Ingress `defaultBackend` applies. `answer` is what an HTTPS request gets (and a plain-HTTP
/// one when `https_redirect` is `None`).
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct IngressDecision {
    /// The request host as matched (port stripped, lowercased).
    pub host: String,
    /// The request path as matched (before `?`/`#`).
    pub path: String,
    /// The host group that decided the request; `None` when no group covers the host.
    pub host_group: Option<RuleHost>,
    pub answer: Option<IngressMatch>,
    pub https_redirect: Option<HttpsRedirect>,
    /// What matched, and every candidate that lost or nearly matched, and why. Order: host
    /// reasons, the matched path, the losers (in model order), near misses, then the default
    /// backend and TLS.
    pub reasons: Vec<IngressReason>,
}

/// How the winning path matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum MatchHow {
    Exact,
    /// Element-wise, with the measures that rank prefixes (SPEC §11 #2).
    Prefix {
        segments: usize,
        len: usize,
    },
}

/// Which default backend answered.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum DefaultScope {
    /// The oldest Ingress with a `defaultBackend` among those with rules in the host group.
    HostGroup { host: RuleHost },
    /// The catch-all: the oldest Ingress with a `defaultBackend` and no rules, else the oldest
    /// with a `defaultBackend`.
    CatchAll,
}

/// One step of a decision, with the candidates it concerns.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum IngressReason {
    /// The host group that decides the request: the most specific one that exists.
    HostGroup { group: RuleHost },
    /// A group that also covers the host but loses to the more specific `chosen` one; its
    /// rules are not consulted, even if no path of `chosen` matches (SPEC §11 #3).
    LessSpecificHostGroup { group: RuleHost, chosen: RuleHost },
    /// A wildcard with a shared suffix that does not match: it covers exactly one label
    /// (SPEC §6.2: `*.foo.com` matches neither `foo.com` nor `a.b.foo.com`).
    WildcardCoversOneLabel { group: RuleHost },
    /// A precise host that is a parent domain of the request host: precise hosts match only
    /// the same name. (Unrelated hosts are not listed.)
    DifferentHost { group: RuleHost },
    /// No rule host covers the request host and there are no rules without host.
    NoHostGroup,
    /// The path that answers.
    PathMatched { candidate: PathRef, how: MatchHow },
    /// The answering path is `ImplementationSpecific`, matched as `Prefix` (ingress-nginx).
    ImplementationSpecificAsPrefix { candidate: PathRef },
    /// ingress-nginx would not answer this request from this path: it renders a Prefix path
    /// ending in `/` as `location /foo/` and NGINX redirects `/foo` to `/foo/` with `status`
    /// (SPEC §9 #13); kroute follows the spec (§11 #13).
    NginxTrailingSlashRedirect { candidate: PathRef, status: u16 },
    /// A Prefix path that matched but loses to the Exact one (SPEC §11 #1).
    ExactBeatsPrefix { candidate: PathRef },
    /// A Prefix path that matched but loses to a longer one: fewer segments, or as many and a
    /// shorter string (SPEC §11 #2).
    LongerPrefix {
        candidate: PathRef,
        candidate_segments: usize,
        candidate_len: usize,
        winner_segments: usize,
        winner_len: usize,
    },
    /// The same path, once `Prefix` and once `ImplementationSpecific`: both match alike and the
    /// earlier one (older Ingress, then rule and path order) answers.
    SamePathEarlierWins { candidate: PathRef },
    /// A path that would match but is a duplicate (same host, path and pathType) of an older
    /// one, which took it (SPEC §11 #4; also an [`IngressWarning::Conflict`]).
    ///
    /// [`IngressWarning::Conflict`]: super::IngressWarning::Conflict
    ConflictLost { candidate: PathRef, older: PathRef },
    /// A prefix-like path whose last segment is only part of the request's segment
    /// (`/aaa/bb` vs `/aaa/bbb`: whole segments only).
    PartialSegment {
        candidate: PathRef,
        rule_segment: String,
        request_segment: String,
    },
    /// An Exact path one trailing `/` away from the request (`/foo` vs `/foo/`).
    ExactTrailingSlash { candidate: PathRef },
    /// No path of the decisive host group matches.
    NoPathMatched { group: RuleHost },
    /// A `defaultBackend` answers.
    DefaultBackend {
        ingress: IngressRef,
        scope: DefaultScope,
    },
    /// Nothing answers: the controller's default backend returns 404.
    NoDefaultBackend,
    /// TLS covers the host but the answering Ingress sets
    /// `nginx.ingress.kubernetes.io/ssl-redirect: "false"`: no 308.
    SslRedirectDisabled { ingress: IngressRef },
}

/// What [`IngressRouter::lookup`](super::IngressRouter::lookup) returns: the answer without
/// explanations, borrowed from the router (no allocation).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RouteTarget<'r> {
    pub ingress: &'r IngressRef,
    pub backend: &'r IngressBackend,
    /// The `defaultBackend` answered.
    pub default: bool,
}
