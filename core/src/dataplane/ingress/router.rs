//! The compiled router: host groups in maps, each group's paths in a segment trie.
//!
//! A lookup costs up to three map lookups for the host and one child lookup per path segment,
//! whatever the number of rules: the best Prefix is the deepest trie node on the request's path
//! that holds one, the Exact path is at the node the whole path reaches. Each node keeps its
//! winners precomputed; the full candidate lists beside them serve only
//! [`IngressRouter::route`]'s explanations. Children live in one array of small hash tables, one
//! per node (see [`index`](super::index)): a child lookup hashes the segment, reads a slot or
//! two and compares one string.
//!
//! [`IngressRouter::lookup`] reads the request once: each segment is found and hashed in one
//! pass over its bytes (8 at a time), the `?query` ends the walk where it starts, and the first
//! segment — the empty one before the leading `/`, the only child of every root — is skipped
//! by starting from each group's `/` node.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Reverse;
use core::ops::Range;

use super::decision::{IngressDecision, IngressRef, RouteTarget, TlsMatch};
use super::explain::{decide, HostFindings, PathFindings};
use super::host::{request_host, suffixes, HostTable};
use super::index::{
    find, hash, head, narrow, place, plain_host_hash, same, scan_segment, segments, slot_count, Slot, EMPTY,
};
use super::path::{request_path, strip_one_slash, NearMiss};
use super::table::RuleTable;

/// Routes HTTP requests the way an Ingress controller does, with reasons. Built once per
/// change of the Ingresses, then asked any number of times; see the [module docs](super) for
/// the precedence rules.
#[derive(Clone, Debug)]
pub struct IngressRouter {
    table: RuleTable,
    /// Host → group.
    hosts: HostTable<usize>,
    /// The trie root of each group.
    roots: Vec<usize>,
    /// The child of each group's root for the empty segment before a leading `/` ([`EMPTY`]
    /// when the group has no path): where [`lookup`](Self::lookup) starts.
    slash: Vec<u32>,
    nodes: Vec<Node>,
    /// Every node's children: a hash table of (segment hash, child) per node, one after the
    /// other.
    child_slots: Vec<Slot>,
    /// Every node's segment, one after the other (compact, for cache locality).
    segment_bytes: Vec<u8>,
    /// Every path at each node (conflict losers included), for explanations.
    lists: Vec<NodeLists>,
    tls: HostTable<TlsMatch>,
}

/// A trie node: one more path segment than its parent. 32 bytes: two nodes per cache line.
#[derive(Clone, Debug)]
struct Node {
    /// The segment's [`head`]: with its length, the segment itself when it has up to 8 bytes.
    head: u64,
    /// The segment that leads here from the parent: `segment_bytes[segment..segment + segment_len]`.
    segment: u32,
    segment_len: u32,
    /// Its children's table: `child_slots[children..children + children_len]` (a power of two,
    /// 0 for a leaf).
    children: u32,
    children_len: u32,
    /// The Exact path whose segments end here (the oldest one if duplicated), or [`EMPTY`].
    exact: u32,
    /// The best prefix-like path whose elements end here: the longest string (`/foo/` over
    /// `/foo`), then the earliest; or [`EMPTY`].
    prefix: u32,
}

impl Node {
    #[inline]
    fn exact(&self) -> Option<usize> {
        (self.exact != EMPTY).then_some(self.exact as usize)
    }

    #[inline]
    fn prefix(&self) -> Option<usize> {
        (self.prefix != EMPTY).then_some(self.prefix as usize)
    }

    #[inline]
    fn segment(&self) -> Range<usize> {
        let start = self.segment as usize;
        start..start.saturating_add(self.segment_len as usize)
    }

    #[inline]
    fn children(&self) -> Range<usize> {
        let start = self.children as usize;
        start..start.saturating_add(self.children_len as usize)
    }
}

#[derive(Clone, Debug, Default)]
struct NodeLists {
    exact: Vec<usize>,
    prefix: Vec<usize>,
}

impl IngressRouter {
    pub(super) fn compile(table: RuleTable) -> IngressRouter {
        let mut builder = TrieBuilder::default();
        let roots: Vec<usize> = table.groups.iter().map(|_| builder.node()).collect();
        let hosts = HostTable::new(
            table
                .groups
                .iter()
                .enumerate()
                .map(|(g, group)| (group.host.clone(), g)),
        );
        for (seq, entry) in table.paths.iter().enumerate() {
            let Some(&root) = roots.get(entry.group) else {
                continue;
            };
            if entry.path_type.is_prefix_like() {
                let node = builder.insert(root, segments(strip_one_slash(&entry.path)));
                builder.lists[node].prefix.push(seq);
            } else {
                let node = builder.insert(root, segments(&entry.path));
                builder.lists[node].exact.push(seq);
            }
        }
        let tls = HostTable::new(table.tls.iter().map(|t| (t.host.clone(), t.clone())));
        let routable = |s: &&usize| table.paths[**s].shadowed_by.is_none();
        let mut nodes: Vec<Node> = (builder.lists.iter())
            .map(|lists| Node {
                head: 0,
                segment: 0,
                segment_len: 0,
                children: 0,
                children_len: 0,
                exact: lists.exact.iter().find(routable).map_or(EMPTY, |s| narrow(*s)),
                prefix: (lists.prefix.iter().filter(routable))
                    .min_by_key(|s| (Reverse(table.paths[**s].path.len()), **s))
                    .map_or(EMPTY, |s| narrow(*s)),
            })
            .collect();
        let (mut child_slots, mut segment_bytes) = (Vec::new(), Vec::new());
        for (parent, children) in builder.children.iter().enumerate() {
            let start = child_slots.len();
            child_slots.resize(start + slot_count(children.len()), (0, EMPTY));
            let slots = child_slots.get_mut(start..).unwrap_or_default();
            for (segment, &child) in children {
                place(slots, hash(segment), narrow(child));
            }
            nodes[parent].children = narrow(start);
            nodes[parent].children_len = narrow(child_slots.len() - start);
            for (segment, &child) in children {
                nodes[child].head = head(segment.as_bytes());
                nodes[child].segment = narrow(segment_bytes.len());
                nodes[child].segment_len = narrow(segment.len());
                segment_bytes.extend_from_slice(segment.as_bytes());
            }
        }
        let slash = (roots.iter())
            .map(|&root| builder.children[root].get("").map_or(EMPTY, |c| narrow(*c)))
            .collect();
        IngressRouter {
            table,
            hosts,
            roots,
            slash,
            nodes,
            child_slots,
            segment_bytes,
            lists: builder.lists,
            tls,
        }
    }

    /// Where a request goes and why. `host` is the `Host` header (a port and any case are
    /// fine); `path` the request target (`?query` and `#fragment` are ignored).
    pub fn route(&self, host: &str, path: &str) -> IngressDecision {
        let host = request_host(host);
        let path = request_path(path);
        let found_host = self.host_findings(&host);
        let mut found_paths = PathFindings::default();
        if let Some(root) = found_host.chosen.and_then(|g| self.roots.get(g)) {
            found_paths.winner = self.walk(*root, path, Some(&mut found_paths));
        }
        let tls = self.tls_for(&host);
        decide(&self.table, &host, path, found_host, found_paths, tls)
    }

    /// The same answer as [`route`](Self::route) without the reasons, borrowed and without
    /// allocating (unless `host` needs normalising: upper case, a port, a trailing dot): the hot
    /// path of a data plane.
    pub fn lookup(&self, host: &str, path: &str) -> Option<RouteTarget<'_>> {
        let group = match plain_host_hash(host) {
            Some(h) => self.hosts.most_specific_hashed(host, h),
            None => self.hosts.most_specific(&request_host(host)),
        };
        let group = group.map(|(_, g)| *g);
        let winner = group.and_then(|g| self.fast_walk(g, path));
        if let Some(entry) = winner.and_then(|w| self.table.paths.get(w)) {
            return Some(RouteTarget {
                ingress: &self.table.ingresses.get(entry.ingress)?.reference,
                backend: &entry.backend,
                default: false,
            });
        }
        let group_default = group.and_then(|g| self.table.groups.get(g)?.default);
        let owner = self
            .table
            .ingresses
            .get(group_default.or(self.table.catch_all)?)?;
        Some(RouteTarget {
            ingress: &owner.reference,
            backend: owner.default_backend.as_ref()?,
            default: true,
        })
    }

    /// The certificate for a TLS server name (SNI): a precise `tls[].hosts[]` entry, else a
    /// `*.` wildcard covering it (one label). The `Host` header does not take part (SPEC §6.8).
    pub fn tls_for(&self, server_name: &str) -> Option<&TlsMatch> {
        let name = request_host(server_name);
        let found = self
            .tls
            .precise(&name)
            .or_else(|| self.tls.matching_wildcard(&name));
        found.map(|(_, t)| t)
    }

    /// The routed Ingresses, in model order (oldest first).
    pub fn ingresses(&self) -> impl Iterator<Item = &IngressRef> {
        self.table.ingresses.iter().map(|i| &i.reference)
    }

    /// The number of routable paths (conflict losers excluded).
    pub fn path_count(&self) -> usize {
        self.table
            .paths
            .iter()
            .filter(|p| p.shadowed_by.is_none())
            .count()
    }

    fn host_findings(&self, host: &str) -> HostFindings {
        let group = |found: Option<&(_, usize)>| found.map(|(_, g)| *g);
        let mut covering = [
            group(self.hosts.precise(host)),
            group(self.hosts.matching_wildcard(host)),
            group(self.hosts.any()),
        ]
        .into_iter()
        .flatten();
        let chosen = covering.next();
        // `*.<host>` itself, and `*.<suffix>` for suffixes after the second dot on: the first
        // label would be more than one.
        let wildcard_misses = core::iter::once(host)
            .chain(suffixes(host).skip(1))
            .filter_map(|s| group(self.hosts.wildcard(s)))
            .collect();
        HostFindings {
            chosen,
            less_specific: covering.collect(),
            wildcard_misses,
            different_hosts: suffixes(host)
                .filter_map(|s| group(self.hosts.precise(s)))
                .collect(),
        }
    }

    /// The winning path of the group rooted at `root`, collecting every hit and near miss
    /// into `found` when explaining.
    fn walk(&self, root: usize, path: &str, mut found: Option<&mut PathFindings>) -> Option<usize> {
        if !path.starts_with('/') {
            // Only `/` matches a path that does not start with `/` (SPEC §6.3: `p == "/"`).
            let node = self.child(root, "")?;
            if let Some(f) = found {
                f.hits.extend_from_slice(&self.lists[node].prefix);
            }
            return self.nodes[node].prefix();
        }
        // Prefix paths are matched on the elements of the path without one trailing `/`; Exact
        // ones on all of its segments (`/foo/` is `"", "foo", ""`).
        let (body, trailing) = match path.strip_suffix('/') {
            Some(body) => (body, true),
            None => (path, false),
        };
        let mut node = root;
        let mut best = None;
        for segment in segments(body) {
            if let Some(f) = found.as_deref_mut() {
                self.partial_segments(node, segment, f);
            }
            node = match self.child(node, segment) {
                Some(child) => child,
                None => return best,
            };
            if let Some(p) = self.nodes[node].prefix() {
                best = Some(p);
            }
            if let Some(f) = found.as_deref_mut() {
                f.hits.extend_from_slice(&self.lists[node].prefix);
            }
        }
        if trailing {
            if let Some(f) = found.as_deref_mut() {
                // Exact `/foo` for a request `/foo/`.
                self.near_exact(node, f);
            }
            node = match self.child(node, "") {
                Some(child) => child,
                None => return best,
            };
        }
        if let Some(f) = found {
            f.hits.extend_from_slice(&self.lists[node].exact);
            // Exact `/foo/` for a request `/foo`.
            if let Some(child) = self.child(node, "") {
                self.near_exact(child, f);
            }
        }
        self.nodes[node].exact().or(best)
    }

    /// [`walk`](Self::walk) without explanations, reading the raw request target once (see
    /// the module docs); equal to it by the property tests.
    #[inline]
    fn fast_walk(&self, group: usize, raw: &str) -> Option<usize> {
        let mut node = self.nodes.get(*self.slash.get(group)? as usize)?;
        let mut best = node.prefix();
        let bytes = raw.as_bytes();
        match bytes.first() {
            Some(b'/') => {}
            // An empty path is `/`.
            None | Some(b'?' | b'#') => return self.exact_after_slash(node, best),
            // Only `/` matches a path that does not start with `/` (SPEC §6.3: `p == "/"`).
            Some(_) => return best,
        }
        // Just after a `/`.
        let mut pos = 1;
        loop {
            if matches!(bytes.get(pos), None | Some(b'?' | b'#')) {
                // That `/` ended the path: prefix paths ignore it, exact ones do not.
                return self.exact_after_slash(node, best);
            }
            let scanned = scan_segment(bytes, pos);
            let end = scanned.end;
            node = match self.child_hashed(node, bytes.get(pos..end)?, scanned.hash, scanned.head) {
                Some(child) => child,
                None => return best,
            };
            if let Some(p) = node.prefix() {
                best = Some(p);
            }
            if bytes.get(end) != Some(&b'/') {
                return node.exact().or(best);
            }
            if node.children_len == 0 {
                // A leaf: nothing below matches what follows the `/`, not even an Exact path
                // ending in `/` — the common end of a Prefix path (`/repos` for
                // `/repos/kubernetes/kubernetes/issues`), without reading the rest.
                return best;
            }
            pos = end + 1;
        }
    }

    /// The Exact path equal to the path to `node` plus a trailing `/`, else `best`.
    #[inline]
    fn exact_after_slash(&self, node: &Node, best: Option<usize>) -> Option<usize> {
        let exact = self.child_hashed(node, b"", hash(""), 0).and_then(Node::exact);
        exact.or(best)
    }

    /// The index of the child of `node` for `segment`, whose [`hash`] and [`head`] are given.
    #[inline]
    fn child_index(&self, node: &Node, segment: &[u8], h: u64, head: u64) -> Option<usize> {
        let table = self.child_slots.get(node.children())?;
        find(table, h, |c| {
            self.nodes.get(c).is_some_and(|n| {
                n.head == head
                    && n.segment_len as usize == segment.len()
                    && (segment.len() <= 8
                        || self
                            .segment_bytes
                            .get(n.segment())
                            .is_some_and(|b| same(b, segment)))
            })
        })
    }

    #[inline]
    fn child_hashed(&self, node: &Node, segment: &[u8], h: u64, head: u64) -> Option<&Node> {
        self.nodes.get(self.child_index(node, segment, h, head)?)
    }

    #[inline]
    fn child(&self, node: usize, segment: &str) -> Option<usize> {
        let bytes = segment.as_bytes();
        self.child_index(self.nodes.get(node)?, bytes, hash(segment), head(bytes))
    }

    /// Prefix paths under `node` whose next element is a proper prefix of `segment`.
    fn partial_segments(&self, node: usize, segment: &str, found: &mut PathFindings) {
        for (end, _) in segment.char_indices().skip(1) {
            let Some(child) = segment.get(..end).and_then(|part| self.child(node, part)) else {
                continue;
            };
            let routable = self.routable(&self.lists[child].prefix);
            found.near.extend(routable.map(|s| (s, NearMiss::PartialSegment)));
        }
    }

    fn near_exact(&self, node: usize, found: &mut PathFindings) {
        let routable = self.routable(&self.lists[node].exact);
        found
            .near
            .extend(routable.map(|s| (s, NearMiss::ExactTrailingSlash)));
    }

    fn routable<'s>(&'s self, seqs: &'s [usize]) -> impl Iterator<Item = usize> + 's {
        seqs.iter()
            .copied()
            .filter(|s| self.table.paths[*s].shadowed_by.is_none())
    }
}

/// Nodes under construction: children in maps, frozen into sorted vectors by `compile`.
#[derive(Default)]
struct TrieBuilder {
    children: Vec<BTreeMap<String, usize>>,
    lists: Vec<NodeLists>,
}

impl TrieBuilder {
    fn node(&mut self) -> usize {
        self.children.push(BTreeMap::new());
        self.lists.push(NodeLists::default());
        self.children.len() - 1
    }

    fn insert<'p>(&mut self, root: usize, segments: impl Iterator<Item = &'p str>) -> usize {
        let mut node = root;
        for segment in segments {
            node = match self.children[node].get(segment) {
                Some(&child) => child,
                None => {
                    let child = self.node();
                    self.children[node].insert(String::from(segment), child);
                    child
                }
            };
        }
        node
    }
}
