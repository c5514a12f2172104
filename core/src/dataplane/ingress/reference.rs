//! The reference matcher: SPEC §6.3's algorithm as written, one rule at a time.
//!
//! It reads the same [rule table](super::table) as the [`IngressRouter`](super::IngressRouter)
//! and tries every group and every path with the plain predicates of [`path`](super::path) and
//! [`host`](super::host): obviously right, and linear in the number of rules. It is public so
//! that benchmarks can measure the router against it; a property test proves that both give the
//! same [`IngressDecision`] (answer *and* reasons) for random rule sets and requests.

use alloc::vec::Vec;

use super::decision::{IngressDecision, TlsMatch};
use super::explain::{decide, HostFindings, PathFindings};
use super::host::{is_parent_domain, request_host, wildcard_covers_one_label_miss, RuleHost};
use super::path::{exact_matches, near_miss, prefix_matches, request_path, PathType};
use super::table::RuleTable;
use crate::sort::SharedSort;

/// A linear matcher, the executable form of the precedence rules (see the module docs).
#[derive(Clone, Debug)]
pub struct ReferenceMatcher {
    table: RuleTable,
}

impl ReferenceMatcher {
    pub(super) fn new(table: RuleTable) -> ReferenceMatcher {
        ReferenceMatcher { table }
    }

    /// Same contract as [`IngressRouter::route`](super::IngressRouter::route).
    pub fn route(&self, host: &str, path: &str) -> IngressDecision {
        let host = request_host(host);
        let path = request_path(path);
        let groups = &self.table.groups;

        // Groups covering the host, most specific first (RuleHost orders that way).
        let mut covering: Vec<usize> = (0..groups.len())
            .filter(|&g| groups[g].host.matches(&host))
            .collect();
        covering.stable_sort_by(|a, b| groups[*a].host.cmp(&groups[*b].host));
        let chosen = covering.first().copied();
        let found_host = HostFindings {
            chosen,
            less_specific: covering.iter().skip(1).copied().collect(),
            wildcard_misses: (0..groups.len())
                .filter(|&g| {
                    let suffix = groups[g].host.wildcard_suffix();
                    suffix.is_some_and(|s| wildcard_covers_one_label_miss(s, &host))
                })
                .collect(),
            different_hosts: (0..groups.len())
                .filter(|&g| match &groups[g].host {
                    RuleHost::Precise { host: h } => is_parent_domain(h, &host),
                    _ => false,
                })
                .collect(),
        };

        let mut found_paths = PathFindings::default();
        if let Some(chosen) = chosen {
            let in_group = self
                .table
                .paths
                .iter()
                .enumerate()
                .filter(|(_, p)| p.group == chosen);
            for (seq, p) in in_group {
                let matches = match p.path_type {
                    PathType::Exact => exact_matches(&p.path, path),
                    _ => prefix_matches(&p.path, path),
                };
                if matches {
                    found_paths.hits.push(seq);
                } else if p.shadowed_by.is_none() {
                    if let Some(miss) = near_miss(&p.path, p.path_type, path) {
                        found_paths.near.push((seq, miss));
                    }
                }
            }
            found_paths.winner = self.select(&found_paths.hits);
        }
        let tls = self.tls_for(&host);
        decide(&self.table, &host, path, found_host, found_paths, tls)
    }

    /// SPEC §6.3 `select`: an Exact match if any (the oldest), else the prefix with the most
    /// elements, then the longest string, then the earliest.
    fn select(&self, hits: &[usize]) -> Option<usize> {
        let paths = &self.table.paths;
        let routable = || hits.iter().copied().filter(|&s| paths[s].shadowed_by.is_none());
        let exact = routable()
            .filter(|&s| paths[s].path_type == PathType::Exact)
            .min();
        exact.or_else(|| {
            routable()
                .filter(|&s| paths[s].path_type.is_prefix_like())
                .max_by(|&a, &b| {
                    let measure = |s: usize| (paths[s].segments, paths[s].path.len());
                    measure(a).cmp(&measure(b)).then(b.cmp(&a))
                })
        })
    }

    /// Same contract as [`IngressRouter::tls_for`](super::IngressRouter::tls_for).
    pub fn tls_for(&self, server_name: &str) -> Option<&TlsMatch> {
        let name = request_host(server_name);
        let precise = self
            .table
            .tls
            .iter()
            .find(|t| matches!(t.host, RuleHost::Precise { .. }) && t.host.matches(&name));
        precise.or_else(|| self.table.tls.iter().find(|t| t.host.matches(&name)))
    }
}
