//! The rule table: the routed Ingresses flattened into paths, host groups, default backends and
//! TLS hosts, with every conflict decided (older wins) and reported. Both matchers are built
//! from it — the compiled [`IngressRouter`](super::IngressRouter) and the linear
//! [`ReferenceMatcher`](super::ReferenceMatcher) — so they differ only in how they search.

use crate::collections::FxMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::class::Selected;
use super::decision::{DefaultScope, IngressRef, PathRef, TlsMatch};
use super::host::RuleHost;
use super::path::{prefix_segments, PathType};
use super::warnings::{IngressWarning, PathProblem};
use crate::model::{HttpIngressPath, Ingress, IngressBackend};
use crate::sort::SharedSort;

const SSL_REDIRECT_ANNOTATION: &str = "nginx.ingress.kubernetes.io/ssl-redirect";
/// ingress-nginx annotations that change matching or split traffic; kroute reports and ignores
/// them. (`use-regex` and `canary` only when `"true"`; a rewrite target whenever set.)
const NOT_MODELLED: [(&str, Option<&str>); 3] = [
    ("nginx.ingress.kubernetes.io/use-regex", Some("true")),
    ("nginx.ingress.kubernetes.io/rewrite-target", None),
    ("nginx.ingress.kubernetes.io/canary", Some("true")),
];

#[derive(Clone, Debug)]
pub(super) struct RoutedIngress {
    pub reference: IngressRef,
    pub default_backend: Option<IngressBackend>,
    pub has_rules: bool,
    /// ingress-nginx `ssl-redirect` (default on).
    pub ssl_redirect: bool,
}

/// One routable path. Its index in [`RuleTable::paths`] is its rank in model order (older
/// Ingress first, then rule, then path): the "earlier" of every tie.
#[derive(Clone, Debug)]
pub(super) struct PathEntry {
    pub ingress: usize,
    pub rule: usize,
    pub index: usize,
    pub group: usize,
    pub path: String,
    pub path_type: PathType,
    /// `len(elems(path))` for prefix-like paths (SPEC §6.3).
    pub segments: usize,
    /// The older path with the same host, path and pathType, which routes instead.
    pub shadowed_by: Option<usize>,
    pub backend: IngressBackend,
}

/// The rules sharing one host (an NGINX `server`).
#[derive(Clone, Debug)]
pub(super) struct GroupEntry {
    pub host: RuleHost,
    /// The Ingress whose `defaultBackend` answers when no path of the group matches.
    pub default: Option<usize>,
}

#[derive(Clone, Debug)]
pub(super) struct RuleTable {
    pub ingresses: Vec<RoutedIngress>,
    pub paths: Vec<PathEntry>,
    pub groups: Vec<GroupEntry>,
    /// The Ingress whose `defaultBackend` answers requests no group takes.
    pub catch_all: Option<usize>,
    /// TLS hosts, each once (the older entry's).
    pub tls: Vec<TlsMatch>,
}

impl RuleTable {
    pub(super) fn build(selected: &[Selected<'_>], warnings: &mut Vec<IngressWarning>) -> RuleTable {
        let mut table = RuleTable {
            ingresses: Vec::with_capacity(selected.len()),
            paths: Vec::new(),
            groups: Vec::new(),
            catch_all: None,
            tls: Vec::new(),
        };
        let mut group_ids: FxMap<RuleHost, usize> = FxMap::default();
        // Ingresses with rules in each group, in model order.
        let mut contributors: Vec<Vec<usize>> = Vec::new();
        let mut seen_paths: FxMap<(usize, String, PathType), usize> = FxMap::default();
        for (i, s) in selected.iter().enumerate() {
            table.ingresses.push(routed_ingress(s, warnings));
            for (r, rule) in s.ingress.spec.rules.iter().enumerate() {
                let host = match RuleHost::parse(rule.host.as_deref()) {
                    Ok(host) => host,
                    Err(problem) => {
                        warnings.push(IngressWarning::InvalidHost {
                            ingress: s.reference.clone(),
                            rule: r,
                            host: rule.host.clone().unwrap_or_default(),
                            problem,
                        });
                        continue;
                    }
                };
                let group = *group_ids.entry(host.clone()).or_insert_with(|| {
                    table.groups.push(GroupEntry { host, default: None });
                    contributors.push(Vec::new());
                    table.groups.len() - 1
                });
                if let Some(list) = contributors.get_mut(group) {
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
                let paths = rule.http.iter().flat_map(|h| h.paths.iter());
                for (j, p) in paths.enumerate() {
                    let (path, path_type) = match routable_path(p) {
                        Ok(ok) => ok,
                        Err(problem) => {
                            warnings.push(IngressWarning::InvalidPath {
                                ingress: s.reference.clone(),
                                rule: r,
                                index: j,
                                problem,
                            });
                            continue;
                        }
                    };
                    let seq = table.paths.len();
                    let key = (group, path.clone(), path_type);
                    let shadowed_by = seen_paths.get(&key).copied();
                    if shadowed_by.is_none() {
                        seen_paths.insert(key, seq);
                    }
                    table.paths.push(PathEntry {
                        ingress: i,
                        rule: r,
                        index: j,
                        group,
                        segments: prefix_segments(&path),
                        path,
                        path_type,
                        shadowed_by,
                        backend: p.backend.clone(),
                    });
                    if let Some(older) = shadowed_by {
                        warnings.push(IngressWarning::Conflict {
                            winner: table.path_ref(older),
                            loser: table.path_ref(seq),
                        });
                    }
                }
            }
        }
        table.decide_defaults(&contributors, warnings);
        for (i, s) in selected.iter().enumerate() {
            table.add_tls(i, s.ingress, warnings);
        }
        table
    }

    /// The public description of path `seq`.
    pub(super) fn path_ref(&self, seq: usize) -> PathRef {
        let entry = &self.paths[seq];
        PathRef {
            ingress: self.ingresses[entry.ingress].reference.clone(),
            rule: entry.rule,
            index: entry.index,
            host: self.groups[entry.group].host.clone(),
            path: entry.path.clone(),
            path_type: entry.path_type,
        }
    }

    /// Each group's default backend is the oldest `defaultBackend` among the Ingresses with rules
    /// in it; the catch-all's is the oldest of an Ingress without rules (the one ingress-nginx
    /// puts on its catch-all server), else the oldest of any. Every other offer is reported.
    fn decide_defaults(&mut self, contributors: &[Vec<usize>], warnings: &mut Vec<IngressWarning>) {
        let offers_default: Vec<bool> = self
            .ingresses
            .iter()
            .map(|i| i.default_backend.is_some())
            .collect();
        let has_default = |i: &usize| offers_default.get(*i).copied().unwrap_or(false);
        let mut conflicts = Vec::new();
        for (group, list) in self.groups.iter_mut().zip(contributors) {
            let mut offers = list.iter().copied().filter(has_default);
            group.default = offers.next();
            if let Some(winner) = group.default {
                let scope = DefaultScope::HostGroup {
                    host: group.host.clone(),
                };
                conflicts.extend(offers.map(|loser| (scope.clone(), winner, loser)));
            }
        }
        let all = 0..self.ingresses.len();
        let mut offers: Vec<usize> = all.filter(has_default).collect();
        // Stable: model order within "without rules" first.
        offers.stable_sort_by_key(|i| self.ingresses[*i].has_rules);
        self.catch_all = offers.first().copied();
        if let Some((&winner, losers)) = offers.split_first() {
            conflicts.extend(
                losers
                    .iter()
                    .map(|&loser| (DefaultScope::CatchAll, winner, loser)),
            );
        }
        for (scope, winner, loser) in conflicts {
            warnings.push(IngressWarning::DefaultBackendConflict {
                scope,
                winner: self.ingresses[winner].reference.clone(),
                loser: self.ingresses[loser].reference.clone(),
            });
        }
    }

    /// `spec.tls[].hosts[]` of one Ingress; a host already taken keeps the older certificate.
    fn add_tls(&mut self, i: usize, ingress: &Ingress, warnings: &mut Vec<IngressWarning>) {
        let reference = &self.ingresses[i].reference;
        for (index, tls) in ingress.spec.tls.iter().enumerate() {
            if tls.hosts.is_empty() {
                warnings.push(IngressWarning::TlsWithoutHosts {
                    ingress: reference.clone(),
                    index,
                });
            }
            for host in &tls.hosts {
                let parsed = match RuleHost::parse(Some(host)) {
                    Ok(RuleHost::Any) => Err(super::host::HostProblem::Empty),
                    other => other,
                };
                let host_pattern = match parsed {
                    Ok(h) => h,
                    Err(problem) => {
                        warnings.push(IngressWarning::InvalidTlsHost {
                            ingress: reference.clone(),
                            index,
                            host: host.clone(),
                            problem,
                        });
                        continue;
                    }
                };
                let entry = TlsMatch {
                    ingress: reference.clone(),
                    secret_name: tls.secret_name.clone(),
                    host: host_pattern,
                };
                match self.tls.iter().find(|t| t.host == entry.host) {
                    None => self.tls.push(entry),
                    Some(older) if older.secret_name != entry.secret_name => {
                        warnings.push(IngressWarning::TlsConflict {
                            winner: older.clone(),
                            loser: entry,
                        })
                    }
                    Some(_) => {}
                }
            }
        }
    }
}

fn routed_ingress(s: &Selected<'_>, warnings: &mut Vec<IngressWarning>) -> RoutedIngress {
    let annotations = &s.ingress.metadata.annotations;
    for (annotation, value) in NOT_MODELLED {
        let set = match (annotations.get(annotation), value) {
            (Some(v), Some(want)) => v == want,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if set {
            warnings.push(IngressWarning::AnnotationNotModelled {
                ingress: s.reference.clone(),
                annotation: annotation.to_string(),
            });
        }
    }
    RoutedIngress {
        reference: s.reference.clone(),
        default_backend: s.ingress.spec.default_backend.clone(),
        has_rules: !s.ingress.spec.rules.is_empty(),
        ssl_redirect: annotations.get(SSL_REDIRECT_ANNOTATION).map(String::as_str) != Some("false"),
    }
}

/// The path as matched and its type, or why it cannot be routed. An empty
/// `ImplementationSpecific` path reads `/` (ingress-nginx); every routable path starts with `/`.
fn routable_path(p: &HttpIngressPath) -> Result<(String, PathType), PathProblem> {
    let path_type = match p.path_type.as_deref() {
        None => return Err(PathProblem::MissingPathType),
        Some(t) => PathType::parse(t).ok_or_else(|| PathProblem::UnknownPathType {
            path_type: t.to_string(),
        })?,
    };
    let raw = p.path.as_deref().unwrap_or("");
    let path = match (raw, path_type) {
        ("", PathType::ImplementationSpecific) => "/",
        _ => raw,
    };
    if !path.starts_with('/') {
        return Err(PathProblem::NotAbsolute {
            path: raw.to_string(),
        });
    }
    Ok((path.to_string(), path_type))
}
