//! One `HTTPRouteMatch`, compiled: does a request match it, why not, and how specific it is
//! (SPEC §7.1, §7.2).
//!
//! * Path: `Exact` is a case-sensitive string comparison (`/abc` ≠ `/abc/`). `PathPrefix` is
//!   element-wise, a trailing `/` in the value ignored: `/abc` matches `/abc`, `/abc/`,
//!   `/abc/def`, never `/abcd`; `/` matches everything. `RegularExpression` is a whole-path
//!   match in kroute's RE2 subset (see `regex.rs`). The request path is matched without its
//!   query string or fragment.
//! * Headers: names case-insensitive; when a match lists one name twice, only the first entry
//!   counts. A request header sent several times is matched on its values joined with `,`, as
//!   HTTP folds them (RFC 9110 §5.3) and Envoy matches them.
//! * Query parameters: names case-sensitive; the first entry per name counts; a parameter sent
//!   several times is matched on its first value (Envoy's behaviour; upstream leaves it open).
//! * Method: exact, case-sensitive.
//!
//! Everything inside one match is ANDed; a rule's matches are ORed by the caller.

use crate::json::ToJson;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cmp::Ordering;

use super::regex::{Regex, RegexError};
use super::HttpRequest;
use crate::error::FieldPath;
use crate::model::HttpRouteMatch;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
pub enum PathType {
    Exact,
    PathPrefix,
    RegularExpression,
}

#[derive(Clone, Debug)]
pub(crate) enum PathMatcher {
    Exact(String),
    /// The value as written, and without its trailing `/` (empty for `/`).
    Prefix {
        value: String,
        trimmed: String,
    },
    Regex {
        value: String,
        regex: Regex,
    },
}

impl PathMatcher {
    fn matches(&self, path: &str) -> bool {
        match self {
            PathMatcher::Exact(v) => v == path,
            PathMatcher::Prefix { trimmed, .. } => {
                path.starts_with(trimmed.as_str())
                    && (path.len() == trimmed.len() || path.as_bytes().get(trimmed.len()) == Some(&b'/'))
            }
            PathMatcher::Regex { regex, .. } => regex.is_full_match(path),
        }
    }
    pub fn path_type(&self) -> PathType {
        match self {
            PathMatcher::Exact(_) => PathType::Exact,
            PathMatcher::Prefix { .. } => PathType::PathPrefix,
            PathMatcher::Regex { .. } => PathType::RegularExpression,
        }
    }
    pub fn value(&self) -> &str {
        match self {
            PathMatcher::Exact(v)
            | PathMatcher::Prefix { value: v, .. }
            | PathMatcher::Regex { value: v, .. } => v,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) enum ValueMatcher {
    Exact(String),
    Regex(Regex),
}

impl ValueMatcher {
    fn matches(&self, v: &str) -> bool {
        match self {
            ValueMatcher::Exact(x) => x == v,
            ValueMatcher::Regex(regex) => regex.is_full_match(v),
        }
    }
}

/// A compiled `HTTPRouteMatch`.
#[derive(Clone, Debug)]
pub(crate) struct CompiledMatch {
    pub path: PathMatcher,
    /// (name as written, lowercase name, matcher), first entry per name only.
    pub headers: Vec<(String, String, ValueMatcher)>,
    /// (name, matcher), first entry per name only.
    pub query: Vec<(String, ValueMatcher)>,
    pub method: Option<String>,
}

/// Why a match did not match a request. The first failing condition is reported, in the
/// order path, method, headers, query parameters.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "reason", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Mismatch {
    PathMismatch {
        path_type: PathType,
        value: String,
    },
    MethodMismatch {
        expected: String,
    },
    HeaderMismatch {
        name: String,
        /// The request's value, `None` when the header is absent.
        #[serde(skip_serializing_if = "Option::is_none")]
        found: Option<String>,
    },
    QueryMismatch {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        found: Option<String>,
    },
}

/// A rule that could not be compiled and is left out of routing (upstream's
/// `PartiallyInvalid`: the rest of the Route still serves).
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct DroppedRule {
    pub rule: usize,
    /// Where the problem is, e.g. `spec.rules[0].matches[1].path.value`.
    pub field: String,
    pub value: String,
    pub problem: MatchProblem,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(tag = "problem", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum MatchProblem {
    /// A `type` kroute does not know (validation rejects it; the router must not guess).
    UnsupportedType,
    /// An `Exact`/`PathPrefix` path that does not start with `/` can match no request.
    PathNotAbsolute,
    Regex {
        error: RegexError,
    },
}

impl CompiledMatch {
    /// The match of a rule without `matches`: `PathPrefix /`.
    pub fn default_match() -> Self {
        CompiledMatch {
            path: PathMatcher::Prefix {
                value: "/".into(),
                trimmed: String::new(),
            },
            headers: Vec::new(),
            query: Vec::new(),
            method: None,
        }
    }

    pub fn compile(m: &HttpRouteMatch, rule: usize, at: &FieldPath) -> Result<Self, DroppedRule> {
        let drop = |field: FieldPath, value: &str, problem| DroppedRule {
            rule,
            field: field.to_string(),
            value: value.to_string(),
            problem,
        };
        let path = match &m.path {
            None => CompiledMatch::default_match().path,
            Some(p) => {
                let value = p.value.clone().unwrap_or_else(|| "/".into());
                let field = at.child("path");
                match p.type_.as_deref().unwrap_or("PathPrefix") {
                    "Exact" | "PathPrefix" if !value.starts_with('/') => {
                        return Err(drop(field.child("value"), &value, MatchProblem::PathNotAbsolute))
                    }
                    "Exact" => PathMatcher::Exact(value),
                    "PathPrefix" => {
                        let trimmed = value.trim_end_matches('/').to_string();
                        PathMatcher::Prefix { value, trimmed }
                    }
                    "RegularExpression" => match Regex::new(&value) {
                        Ok(regex) => PathMatcher::Regex { value, regex },
                        Err(error) => {
                            return Err(drop(field.child("value"), &value, MatchProblem::Regex { error }))
                        }
                    },
                    other => return Err(drop(field.child("type"), other, MatchProblem::UnsupportedType)),
                }
            }
        };
        let mut headers: Vec<(String, String, ValueMatcher)> = Vec::new();
        for (i, h) in m.headers.iter().enumerate() {
            let lower = h.name.to_ascii_lowercase();
            if headers.iter().any(|(_, l, _)| *l == lower) {
                continue; // only the first entry per name counts
            }
            let field = at.child("headers").index(i);
            let matcher = value_matcher(h.type_.as_deref(), &h.value)
                .map_err(|(f, v, p)| drop(field.child(f), &v, p))?;
            headers.push((h.name.clone(), lower, matcher));
        }
        let mut query: Vec<(String, ValueMatcher)> = Vec::new();
        for (i, q) in m.query_params.iter().enumerate() {
            if query.iter().any(|(n, _)| *n == q.name) {
                continue;
            }
            let field = at.child("queryParams").index(i);
            let matcher = value_matcher(q.type_.as_deref(), &q.value)
                .map_err(|(f, v, p)| drop(field.child(f), &v, p))?;
            query.push((q.name.clone(), matcher));
        }
        Ok(CompiledMatch {
            path,
            headers,
            query,
            method: m.method.clone(),
        })
    }

    /// `Ok` if the request matches; otherwise the first condition that failed.
    pub fn check(&self, req: &HttpRequest<'_>, path: &str) -> Result<(), Mismatch> {
        if !self.path.matches(path) {
            return Err(Mismatch::PathMismatch {
                path_type: self.path.path_type(),
                value: self.path.value().to_string(),
            });
        }
        if let Some(method) = &self.method {
            if method != req.method {
                return Err(Mismatch::MethodMismatch {
                    expected: method.clone(),
                });
            }
        }
        for (name, lower, matcher) in &self.headers {
            let found = header_value(req.headers, lower);
            if !found.as_deref().is_some_and(|v| matcher.matches(v)) {
                return Err(Mismatch::HeaderMismatch {
                    name: name.clone(),
                    found,
                });
            }
        }
        for (name, matcher) in &self.query {
            let found = req.query.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
            if !found.is_some_and(|v| matcher.matches(v)) {
                return Err(Mismatch::QueryMismatch {
                    name: name.clone(),
                    found: found.map(ToString::to_string),
                });
            }
        }
        Ok(())
    }

    pub fn specificity(&self) -> Specificity {
        let path_rank = match self.path {
            PathMatcher::Exact(_) => 0,
            PathMatcher::Regex { .. } => 1,
            PathMatcher::Prefix { .. } => 2,
        };
        Specificity {
            path_rank,
            path_chars: self.path.value().chars().count(),
            has_method: self.method.is_some(),
            headers: self.headers.len(),
            query: self.query.len(),
        }
    }
}

fn value_matcher(
    type_: Option<&str>,
    value: &str,
) -> Result<ValueMatcher, (&'static str, String, MatchProblem)> {
    match type_.unwrap_or("Exact") {
        "Exact" => Ok(ValueMatcher::Exact(value.to_string())),
        "RegularExpression" => Regex::new(value)
            .map(ValueMatcher::Regex)
            .map_err(|error| ("value", value.to_string(), MatchProblem::Regex { error })),
        other => Err(("type", other.to_string(), MatchProblem::UnsupportedType)),
    }
}

/// The request's value for a header (lowercase `name`): several occurrences joined with `,`.
fn header_value(headers: &[(&str, &str)], name: &str) -> Option<String> {
    let mut out: Option<String> = None;
    for (n, v) in headers {
        if n.eq_ignore_ascii_case(name) {
            match &mut out {
                None => out = Some(v.to_string()),
                Some(s) => {
                    s.push(',');
                    s.push_str(v);
                }
            }
        }
    }
    out
}

/// The parts of a match that SPEC §7.2 steps 1–5 compare (step 6 decided: see [`super`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Specificity {
    /// 0 Exact, 1 RegularExpression, 2 PathPrefix: lower wins.
    pub path_rank: u8,
    pub path_chars: usize,
    pub has_method: bool,
    pub headers: usize,
    pub query: usize,
}

/// The step of the precedence list (module docs of [`super`]) that put one candidate ahead of
/// another. `winner`/`loser` fields carry the compared values so a UI can show them.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "step", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum PrecedenceStep {
    /// 1. An `Exact` path beats any other path type.
    ExactPath,
    /// 2. (kroute's choice for §7.2 step 6) a `RegularExpression` path beats a `PathPrefix`.
    RegexBeforePrefix,
    /// 3. The longer `PathPrefix` value (characters as written).
    LongerPrefix { winner_chars: usize, loser_chars: usize },
    /// 3. The longer `RegularExpression` pattern.
    LongerRegex { winner_chars: usize, loser_chars: usize },
    /// 4. A method match beats none.
    HasMethod,
    /// 5. More header matches.
    MoreHeaders { winner: usize, loser: usize },
    /// 6. More query-parameter matches.
    MoreQueryParams { winner: usize, loser: usize },
    /// 7. The more specific hostname the candidates were found under (§7.3): more characters
    ///    of a precise hostname, then more characters.
    MoreSpecificHostname {
        #[serde(skip_serializing_if = "Option::is_none")]
        winner: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        loser: Option<String>,
    },
    /// 8. The older Route (`creationTimestamp`).
    OlderRoute {
        winner_created_ms: u64,
        loser_created_ms: u64,
    },
    /// 9. `{namespace}/{name}` first in alphabetical order.
    AlphabeticalRoute { winner: String, loser: String },
    /// 10. Within one Route, the earlier rule.
    EarlierRule { winner: usize, loser: usize },
    /// 10. Within one rule, the earlier match (both lead to the same rule and backends).
    EarlierMatch { winner: usize, loser: usize },
}

/// Compares steps 1–6 of two matches: `Less` when `a` wins, with the step that decided.
pub(crate) fn compare_specificity(a: &Specificity, b: &Specificity) -> (Ordering, Option<PrecedenceStep>) {
    if a.path_rank != b.path_rank {
        let step = if a.path_rank.min(b.path_rank) == 0 {
            PrecedenceStep::ExactPath
        } else {
            PrecedenceStep::RegexBeforePrefix
        };
        return (a.path_rank.cmp(&b.path_rank), Some(step));
    }
    if a.path_chars != b.path_chars {
        let (w, l) = (a.path_chars.max(b.path_chars), a.path_chars.min(b.path_chars));
        let step = match a.path_rank {
            1 => PrecedenceStep::LongerRegex {
                winner_chars: w,
                loser_chars: l,
            },
            // Two Exact paths that both match a request are equal; for other pairs the order
            // only needs to be total, and "longer" is as good a name as any.
            _ => PrecedenceStep::LongerPrefix {
                winner_chars: w,
                loser_chars: l,
            },
        };
        return (b.path_chars.cmp(&a.path_chars), Some(step));
    }
    if a.has_method != b.has_method {
        return (b.has_method.cmp(&a.has_method), Some(PrecedenceStep::HasMethod));
    }
    if a.headers != b.headers {
        let step = PrecedenceStep::MoreHeaders {
            winner: a.headers.max(b.headers),
            loser: a.headers.min(b.headers),
        };
        return (b.headers.cmp(&a.headers), Some(step));
    }
    if a.query != b.query {
        let step = PrecedenceStep::MoreQueryParams {
            winner: a.query.max(b.query),
            loser: a.query.min(b.query),
        };
        return (b.query.cmp(&a.query), Some(step));
    }
    (Ordering::Equal, None)
}
