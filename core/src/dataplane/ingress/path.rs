//! Paths: the request path as matched, the three path types, and SPEC §6.3's element-wise
//! matching written as plain functions.
//!
//! These functions *are* the specification: the linear [`ReferenceMatcher`] calls them for every
//! rule, and the compiled router's trie is proven equal to them by a property test. Nothing here
//! allocates.
//!
//! [`ReferenceMatcher`]: super::ReferenceMatcher

use crate::json::ToJson;
/// `spec.rules[].http.paths[].pathType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ToJson)]
pub enum PathType {
    /// Case-sensitive string equality with the request path.
    Exact,
    /// Element-wise prefix of the request path (SPEC §6.3).
    Prefix,
    /// Up to the IngressClass; ingress-nginx (and kroute) treat it as `Prefix`.
    ImplementationSpecific,
}

impl PathType {
    /// The API spelling (`"Exact"`, `"Prefix"`, `"ImplementationSpecific"`); anything else is
    /// not a path type.
    pub fn parse(s: &str) -> Option<PathType> {
        match s {
            "Exact" => Some(PathType::Exact),
            "Prefix" => Some(PathType::Prefix),
            "ImplementationSpecific" => Some(PathType::ImplementationSpecific),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PathType::Exact => "Exact",
            PathType::Prefix => "Prefix",
            PathType::ImplementationSpecific => "ImplementationSpecific",
        }
    }

    /// Whether the path is matched element-wise (`Prefix`, and `ImplementationSpecific` the way
    /// ingress-nginx reads it without regex annotations).
    pub fn is_prefix_like(self) -> bool {
        !matches!(self, PathType::Exact)
    }
}

/// The path the rules see: the URL path before `?` or `#`, and `/` for an empty one (an HTTP
/// request line always names at least `/`). Nothing else is normalised: no percent-decoding
/// and no dot-segment removal, as the Ingress API defines matching on the path as sent.
pub fn request_path(raw: &str) -> &str {
    let end = raw.bytes().position(|b| b == b'?' || b == b'#');
    let path = end.and_then(|end| raw.get(..end)).unwrap_or(raw);
    if path.is_empty() {
        "/"
    } else {
        path
    }
}

/// `p` without one trailing `/` (`"/foo/"` → `"/foo"`, `"/"` → `""`).
pub fn strip_one_slash(p: &str) -> &str {
    p.strip_suffix('/').unwrap_or(p)
}

/// `len(elems(p))` of SPEC §6.3: the number of `/`-separated elements once one trailing `/` is
/// dropped. `/` has 1 (the empty element before the slash), `/foo` and `/foo/` have 2.
pub fn prefix_segments(p: &str) -> usize {
    strip_one_slash(p).split('/').count()
}

/// SPEC §6.3 `exactMatch`: string equality, no trailing-slash tolerance.
pub fn exact_matches(rule: &str, request: &str) -> bool {
    rule == request
}

/// SPEC §6.3 `prefixMatch`: `/` matches everything; otherwise the rule's elements are a prefix
/// of the request's elements (both without one trailing `/`), whole elements only.
pub fn prefix_matches(rule: &str, request: &str) -> bool {
    if rule == "/" {
        return true;
    }
    let mut req = strip_one_slash(request).split('/');
    strip_one_slash(rule).split('/').all(|r| req.next() == Some(r))
}

/// Why a path that does *not* match was close: reported so that the classic surprises are
/// explained (SPEC §6.4 rows 4, 5, 8 and 13). Other non-matching paths are not listed: a
/// lookup must not cost time proportional to the number of rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NearMiss {
    /// A prefix-like rule whose last element is a proper string prefix of the request's element
    /// at that depth, every element before it being equal: `/aaa/bb` vs `/aaa/bbb`.
    PartialSegment,
    /// An `Exact` rule equal to the request but for one trailing `/`: `/foo` vs `/foo/`.
    ExactTrailingSlash,
}

/// The [`NearMiss`] of a rule that does not match `request`, if any (`None` for a match).
pub fn near_miss(rule: &str, path_type: PathType, request: &str) -> Option<NearMiss> {
    if path_type.is_prefix_like() {
        if prefix_matches(rule, request) {
            return None;
        }
        let (rule_segment, depth) = last_segment(rule)?;
        let request_segment = strip_one_slash(request).split('/').nth(depth)?;
        let mut rule_elems = strip_one_slash(rule).split('/');
        let same_parents = strip_one_slash(request)
            .split('/')
            .take(depth)
            .all(|r| rule_elems.next() == Some(r));
        let partial = !rule_segment.is_empty()
            && request_segment != rule_segment
            && request_segment.starts_with(rule_segment);
        (same_parents && partial).then_some(NearMiss::PartialSegment)
    } else {
        let one_slash_apart =
            request.strip_suffix('/') == Some(rule) || rule.strip_suffix('/') == Some(request);
        one_slash_apart.then_some(NearMiss::ExactTrailingSlash)
    }
}

/// The last element of a prefix rule and its index (`/aaa/bb` → `("bb", 2)`).
pub(super) fn last_segment(rule: &str) -> Option<(&str, usize)> {
    let elems = strip_one_slash(rule);
    let depth = elems.split('/').count().checked_sub(1)?;
    let segment = elems.rsplit('/').next()?;
    Some((segment, depth))
}
