//! Turning what a matcher found into an [`IngressDecision`]: the answer and its reasons.
//!
//! Each matcher (the trie router, the linear reference) finds, in its own way, the decisive
//! host group, the winning path and every candidate that matched or nearly matched. Ranking
//! the losers against the winner and choosing the default backend is done once, here, so that
//! both produce the same decision for the same findings — and the property test comparing
//! them checks the searches, which is where they differ.

use alloc::string::ToString;
use alloc::vec::Vec;

use super::decision::{
    DefaultScope, HttpsRedirect, IngressDecision, IngressMatch, IngressReason, MatchHow, PathMatch, RuleRef,
    TlsMatch,
};
use super::path::{last_segment, strip_one_slash, NearMiss, PathType};
use super::table::RuleTable;
use crate::sort::SharedSort;

/// ingress-nginx's `ssl-redirect` status.
pub const HTTPS_REDIRECT_STATUS: u16 = 308;
/// NGINX's answer to `/foo` for a proxied prefix location `/foo/`.
pub const NGINX_SLASH_REDIRECT_STATUS: u16 = 301;

/// What a matcher found about the request host. Indices are groups of the [`RuleTable`].
#[derive(Debug, Default)]
pub(super) struct HostFindings {
    /// The most specific group covering the host.
    pub chosen: Option<usize>,
    /// Other groups covering the host.
    pub less_specific: Vec<usize>,
    /// Wildcard groups sharing a suffix with the host without covering it.
    pub wildcard_misses: Vec<usize>,
    /// Precise groups that are parent domains of the host.
    pub different_hosts: Vec<usize>,
}

/// What a matcher found in the decisive group. Indices are paths of the [`RuleTable`].
#[derive(Debug, Default)]
pub(super) struct PathFindings {
    pub winner: Option<usize>,
    /// Every path that matches, the winner and conflict losers included.
    pub hits: Vec<usize>,
    /// Routable (not shadowed) paths that nearly match.
    pub near: Vec<(usize, NearMiss)>,
}

pub(super) fn decide(
    table: &RuleTable,
    host: &str,
    path: &str,
    mut hosts_found: HostFindings,
    mut paths_found: PathFindings,
    tls: Option<&TlsMatch>,
) -> IngressDecision {
    let mut reasons = Vec::new();
    let group_host = |g: usize| table.groups[g].host.clone();
    // Host lists read most specific first (RuleHost's order), then by name.
    let by_host = |groups: &mut Vec<usize>| {
        canonical(groups);
        groups.stable_sort_by(|a, b| table.groups[*a].host.cmp(&table.groups[*b].host));
    };
    match hosts_found.chosen {
        Some(chosen) => {
            reasons.push(IngressReason::HostGroup {
                group: group_host(chosen),
            });
            by_host(&mut hosts_found.less_specific);
            reasons.extend(
                hosts_found
                    .less_specific
                    .iter()
                    .map(|&g| IngressReason::LessSpecificHostGroup {
                        group: group_host(g),
                        chosen: group_host(chosen),
                    }),
            );
        }
        None => reasons.push(IngressReason::NoHostGroup),
    }
    by_host(&mut hosts_found.wildcard_misses);
    reasons.extend(
        (hosts_found.wildcard_misses.iter())
            .map(|&g| IngressReason::WildcardCoversOneLabel { group: group_host(g) }),
    );
    by_host(&mut hosts_found.different_hosts);
    reasons.extend(
        (hosts_found.different_hosts.iter()).map(|&g| IngressReason::DifferentHost { group: group_host(g) }),
    );

    if let Some(winner) = paths_found.winner {
        explain_winner(table, winner, path, &mut reasons);
        canonical(&mut paths_found.hits);
        for &hit in paths_found.hits.iter().filter(|&&h| h != winner) {
            reasons.push(loser_reason(table, hit, winner));
        }
    }
    canonical(&mut paths_found.near);
    for &(seq, miss) in &paths_found.near {
        let candidate = table.path_ref(seq);
        reasons.push(match miss {
            NearMiss::ExactTrailingSlash => IngressReason::ExactTrailingSlash { candidate },
            NearMiss::PartialSegment => {
                let (rule_segment, depth) = last_segment(&candidate.path).unwrap_or(("", 0));
                let request_segment = strip_one_slash(path).split('/').nth(depth).unwrap_or("");
                IngressReason::PartialSegment {
                    rule_segment: rule_segment.to_string(),
                    request_segment: request_segment.to_string(),
                    candidate,
                }
            }
        });
    }

    let answer = match paths_found.winner {
        Some(winner) => Some(path_answer(table, winner)),
        None => default_answer(table, hosts_found.chosen, &mut reasons),
    };

    let mut https_redirect = None;
    if let Some(tls) = tls {
        let opted_out = answer
            .as_ref()
            .map(|(owner, _)| &table.ingresses[*owner])
            .filter(|i| !i.ssl_redirect);
        match opted_out {
            Some(ingress) => reasons.push(IngressReason::SslRedirectDisabled {
                ingress: ingress.reference.clone(),
            }),
            None => {
                https_redirect = Some(HttpsRedirect {
                    status: HTTPS_REDIRECT_STATUS,
                    tls: tls.clone(),
                })
            }
        }
    }

    IngressDecision {
        host: host.to_string(),
        path: path.to_string(),
        host_group: hosts_found.chosen.map(group_host),
        answer: answer.map(|(_, a)| a),
        https_redirect,
        reasons,
    }
}

fn canonical<T: Ord>(v: &mut Vec<T>) {
    v.stable_sort();
    v.dedup();
}

fn explain_winner(table: &RuleTable, winner: usize, path: &str, reasons: &mut Vec<IngressReason>) {
    let entry = &table.paths[winner];
    let candidate = table.path_ref(winner);
    let how = match entry.path_type {
        PathType::Exact => MatchHow::Exact,
        _ => MatchHow::Prefix {
            segments: entry.segments,
            len: entry.path.len(),
        },
    };
    reasons.push(IngressReason::PathMatched {
        candidate: candidate.clone(),
        how,
    });
    if entry.path_type == PathType::ImplementationSpecific {
        reasons.push(IngressReason::ImplementationSpecificAsPrefix {
            candidate: candidate.clone(),
        });
    }
    // SPEC §9 #13: ingress-nginx renders `/foo/` as `location /foo/` (+ `= /foo/`), so `/foo`
    // is redirected by NGINX instead of answered.
    let nginx_redirects = entry.path_type.is_prefix_like()
        && entry.path.len() > 1
        && entry.path.strip_suffix('/') == Some(path);
    if nginx_redirects {
        reasons.push(IngressReason::NginxTrailingSlashRedirect {
            candidate,
            status: NGINX_SLASH_REDIRECT_STATUS,
        });
    }
}

/// Why a matching path other than the winner does not answer.
fn loser_reason(table: &RuleTable, hit: usize, winner: usize) -> IngressReason {
    let (loser, best) = (&table.paths[hit], &table.paths[winner]);
    let candidate = table.path_ref(hit);
    if let Some(older) = loser.shadowed_by {
        return IngressReason::ConflictLost {
            candidate,
            older: table.path_ref(older),
        };
    }
    match (best.path_type, loser.path_type) {
        (PathType::Exact, t) if t.is_prefix_like() => IngressReason::ExactBeatsPrefix { candidate },
        (w, l) if w.is_prefix_like() && l.is_prefix_like() => {
            let measure = |e: &super::table::PathEntry| (e.segments, e.path.len());
            if measure(loser) == measure(best) {
                IngressReason::SamePathEarlierWins { candidate }
            } else {
                IngressReason::LongerPrefix {
                    candidate,
                    candidate_segments: loser.segments,
                    candidate_len: loser.path.len(),
                    winner_segments: best.segments,
                    winner_len: best.path.len(),
                }
            }
        }
        // Two routable Exact paths matching one request are the same path: a conflict, handled
        // above. An Exact loser to a Prefix winner cannot happen (Exact first).
        _ => IngressReason::SamePathEarlierWins { candidate },
    }
}

/// The answer and the index of the Ingress that gives it.
fn path_answer(table: &RuleTable, winner: usize) -> (usize, IngressMatch) {
    let entry = &table.paths[winner];
    let answer = IngressMatch {
        ingress: table.ingresses[entry.ingress].reference.clone(),
        default: false,
        rule: Some(RuleRef {
            index: entry.rule,
            host: table.groups[entry.group].host.clone(),
        }),
        path: Some(PathMatch {
            index: entry.index,
            path: entry.path.clone(),
            path_type: entry.path_type,
        }),
        backend: entry.backend.clone(),
    };
    (entry.ingress, answer)
}

/// No path answered: the decisive group's default backend, else the catch-all's, else 404.
fn default_answer(
    table: &RuleTable,
    chosen: Option<usize>,
    reasons: &mut Vec<IngressReason>,
) -> Option<(usize, IngressMatch)> {
    let group = chosen.map(|g| &table.groups[g]);
    if let Some(group) = group {
        reasons.push(IngressReason::NoPathMatched {
            group: group.host.clone(),
        });
    }
    let (owner, scope) = match group.and_then(|g| g.default.map(|d| (d, g))) {
        Some((owner, g)) => (owner, DefaultScope::HostGroup { host: g.host.clone() }),
        None => match table.catch_all {
            Some(owner) => (owner, DefaultScope::CatchAll),
            None => {
                reasons.push(IngressReason::NoDefaultBackend);
                return None;
            }
        },
    };
    let ingress = &table.ingresses[owner];
    let backend = ingress.default_backend.clone()?;
    reasons.push(IngressReason::DefaultBackend {
        ingress: ingress.reference.clone(),
        scope,
    });
    let answer = IngressMatch {
        ingress: ingress.reference.clone(),
        default: true,
        rule: None,
        path: None,
        backend,
    };
    Some((owner, answer))
}
