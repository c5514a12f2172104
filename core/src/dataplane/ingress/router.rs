//! The compiled router: host groups in maps, each group's paths in a segment trie.
//!
//! A lookup costs up to three map lookups for the host and one child lookup per path segment,
//! whatever the number of rules: the best Prefix is the deepest trie node on the request's path
//! that holds one, the Exact path is at the node the whole path reaches. Each node keeps its
//! winners precomputed; the full candidate lists beside them serve only
//! [`IngressRouter::route`]'s explanations.
//!
//! The nodes of every group's trie are the slots of *one* hash table (open addressing, see
//! [`index`](super::index)), placed by the node's key: its parent's key mixed with the hash of
//! its segment, a root's key coming from its group's host. So a child lookup reads one slot —
//! the node itself — and the slot of every segment of a request is known from the request
//! alone, before any node is read: the processor fetches the nodes of successive segments
//! together rather than one after the other. That is what keeps a lookup among 10,000 rules,
//! whose nodes no longer fit in the nearest cache, close to its cost among a hundred. A hit is
//! confirmed by the node's parent and segment; segments are interned, each distinct one stored
//! once.
//!
//! [`IngressRouter::lookup`] reads the request once: each segment is found and hashed in one
//! pass over its bytes (8 at a time), the `?query` ends the walk where it starts, the empty
//! segment before the leading `/` is skipped by starting from each group's `/` node, and the
//! walk stops at the first leaf.

use crate::collections::FxMap;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Reverse;

use super::decision::{IngressDecision, IngressRef, RouteTarget, TlsMatch};
use super::explain::{decide, HostFindings, PathFindings};
use super::host::{request_host, suffixes, HostTable};
use super::index::{
    hash, head, narrow, plain_host_hash, probe, same, scan_segment, segments, table_len, EMPTY, K,
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
    /// The key of each group's root. A root has no slot: its id is `nodes.len() + group`.
    root_keys: Vec<u64>,
    /// The child of each group's root for the empty segment before a leading `/`, where
    /// [`lookup`](Self::lookup) starts.
    slash: Vec<Slash>,
    /// Every node but the roots, at the slot of its key; a free slot has no parent.
    nodes: Vec<Node>,
    /// The distinct segments.
    segments: Vec<Segment>,
    segment_bytes: Vec<u8>,
    /// Every path at each node (conflict losers included), for explanations: `lists[list_of[node]]`.
    list_of: Vec<u32>,
    lists: Vec<NodeLists>,
    tls: HostTable<TlsMatch>,
}

/// A path of the table and its Ingress: what [`IngressRouter::lookup`] answers, at hand in the
/// node it reaches (the large path entry is not read, only its backend's address taken).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Target {
    /// [`EMPTY`]: none.
    path: u32,
    ingress: u32,
}

impl Target {
    const NONE: Target = Target {
        path: EMPTY,
        ingress: EMPTY,
    };

    #[inline]
    fn get(self) -> Option<Target> {
        (self.path != EMPTY).then_some(self)
    }
}

/// A group's `/` node ([`EMPTY`] when the group has no path) and its best prefix path (`/`),
/// beside the group's other entries so that a lookup need not read the node itself.
#[derive(Clone, Copy, Debug)]
struct Slash {
    node: u32,
    prefix: Target,
}

/// A trie node: one more path segment than its parent. 32 bytes, one slot of the table.
#[derive(Clone, Copy, Debug)]
struct Node {
    /// The low 32 bits of its key: most slots on a probe that are not it differ here.
    tag: u32,
    /// The node it is a child of; [`EMPTY`] for a free slot.
    parent: u32,
    /// The segment that leads here from the parent, in `segments`.
    segment: u32,
    /// How many children it has.
    children: u32,
    /// The Exact path whose segments end here (the oldest one if duplicated).
    exact: Target,
    /// The best prefix-like path whose elements end here: the longest string (`/foo/` over
    /// `/foo`), then the earliest.
    prefix: Target,
}

impl Node {
    const FREE: Node = Node {
        tag: 0,
        parent: EMPTY,
        segment: 0,
        children: 0,
        exact: Target::NONE,
        prefix: Target::NONE,
    };

    #[inline]
    fn exact(&self) -> Option<usize> {
        self.exact.get().map(|t| t.path as usize)
    }

    #[inline]
    fn prefix(&self) -> Option<usize> {
        self.prefix.get().map(|t| t.path as usize)
    }
}

/// An interned segment: its [`head`] (with its length, all of it up to 8 bytes) and where its
/// bytes are.
#[derive(Clone, Copy, Debug)]
struct Segment {
    head: u64,
    start: u32,
    len: u32,
}

/// A node and its key (see the module docs), as a walk holds them.
#[derive(Clone, Copy, Debug)]
struct At {
    node: usize,
    key: u64,
}

/// The key of a group's root, from the [`hash`] of its host as written (`*.foo.com` for a
/// wildcard, empty for none): for a precise host, the hash of the request's host, which
/// [`lookup`](IngressRouter::lookup) has before it has found the group — so that the first
/// segments' nodes are fetched while the host is still being looked up.
#[inline]
fn root_key(host_hash: u64) -> u64 {
    (host_hash ^ 0x9e37_79b9_7f4a_7c15).wrapping_mul(K)
}

/// The key of the child of a node with key `parent` for a segment whose [`hash`] is `segment`.
#[inline]
fn child_key(parent: u64, segment: u64) -> u64 {
    (parent.rotate_left(29) ^ segment).wrapping_mul(K)
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
        let target = |s: &usize| Target {
            path: narrow(*s),
            ingress: narrow(table.paths[*s].ingress),
        };
        let root_keys: Vec<u64> = (table.groups.iter())
            .map(|g| root_key(hash(g.host.as_str().unwrap_or_default())))
            .collect();
        let child_count = builder.children.iter().map(BTreeMap::len).sum();
        let mut nodes = alloc::vec![Node::FREE; table_len(child_count)];
        let mut list_of = alloc::vec![EMPTY; nodes.len()];
        // Each builder node's key and slot (a root's id past the slots). A parent is created
        // before its children, so in index order every parent is placed before its children.
        let mut keys = alloc::vec![0u64; builder.lists.len()];
        let mut ids = alloc::vec![EMPTY; builder.lists.len()];
        for (g, (&root, &key)) in roots.iter().zip(&root_keys).enumerate() {
            keys[root] = key;
            ids[root] = narrow(nodes.len() + g);
        }
        // Each distinct segment once: the same names recur under every host and parent.
        let mut interned: FxMap<&str, u32> = FxMap::default();
        let (mut segment_table, mut segment_bytes) = (Vec::new(), Vec::new());
        for (parent, children) in builder.children.iter().enumerate() {
            for (segment, &child) in children {
                keys[child] = child_key(keys[parent], hash(segment));
                let segment_id = *interned.entry(segment).or_insert_with(|| {
                    segment_table.push(Segment {
                        head: head(segment.as_bytes()),
                        start: narrow(segment_bytes.len()),
                        len: narrow(segment.len()),
                    });
                    segment_bytes.extend_from_slice(segment.as_bytes());
                    narrow(segment_table.len() - 1)
                });
                let lists = &builder.lists[child];
                let node = Node {
                    tag: keys[child] as u32,
                    parent: ids[parent],
                    segment: segment_id,
                    children: narrow(builder.children[child].len()),
                    exact: lists.exact.iter().find(routable).map_or(Target::NONE, target),
                    prefix: (lists.prefix.iter().filter(routable))
                        .min_by_key(|s| (Reverse(table.paths[**s].path.len()), **s))
                        .map_or(Target::NONE, target),
                };
                let free = probe(keys[child], nodes.len()).find(|&i| nodes[i].parent == EMPTY);
                if let Some(slot) = free {
                    nodes[slot] = node;
                    list_of[slot] = narrow(child);
                    ids[child] = narrow(slot);
                }
            }
        }
        let slash = (roots.iter())
            .map(|&root| match builder.children[root].get("") {
                Some(&child) => Slash {
                    node: ids[child],
                    prefix: nodes.get(ids[child] as usize).map_or(Target::NONE, |n| n.prefix),
                },
                None => Slash {
                    node: EMPTY,
                    prefix: Target::NONE,
                },
            })
            .collect();
        IngressRouter {
            table,
            hosts,
            root_keys,
            slash,
            nodes,
            segments: segment_table,
            segment_bytes,
            list_of,
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
        if let Some(g) = found_host.chosen {
            if let Some(&key) = self.root_keys.get(g) {
                let root = At {
                    node: self.nodes.len() + g,
                    key,
                };
                found_paths.winner = self.walk(root, path, Some(&mut found_paths));
            }
        }
        let tls = self.tls_for(&host);
        decide(&self.table, &host, path, found_host, found_paths, tls)
    }

    /// The same answer as [`route`](Self::route) without the reasons, borrowed and without
    /// allocating (unless `host` needs normalising: upper case, a port, a trailing dot): the hot
    /// path of a data plane.
    pub fn lookup(&self, host: &str, path: &str) -> Option<RouteTarget<'_>> {
        let (group, key) = match plain_host_hash(host) {
            Some(h) => match self.hosts.precise_hashed(host, h) {
                Some((_, g)) => (Some(*g), Some(root_key(h))),
                None => (self.hosts.less_specific(host).map(|(_, g)| *g), None),
            },
            None => (
                self.hosts.most_specific(&request_host(host)).map(|(_, g)| *g),
                None,
            ),
        };
        let winner = group.and_then(|g| {
            let key = key.or_else(|| self.root_keys.get(g).copied())?;
            self.fast_walk(g, key, path)
        });
        if let Some(w) = winner {
            return Some(RouteTarget {
                ingress: &self.table.ingresses.get(w.ingress as usize)?.reference,
                backend: &self.table.paths.get(w.path as usize)?.backend,
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
    fn walk(&self, root: At, path: &str, mut found: Option<&mut PathFindings>) -> Option<usize> {
        if !path.starts_with('/') {
            // Only `/` matches a path that does not start with `/` (SPEC §6.3: `p == "/"`).
            let at = self.child(root, "")?;
            if let Some(f) = found {
                f.hits.extend_from_slice(&self.lists_of(at.node).prefix);
            }
            return self.node(at.node)?.prefix();
        }
        // Prefix paths are matched on the elements of the path without one trailing `/`; Exact
        // ones on all of its segments (`/foo/` is `"", "foo", ""`).
        let (body, trailing) = match path.strip_suffix('/') {
            Some(body) => (body, true),
            None => (path, false),
        };
        let mut at = root;
        let mut best = None;
        for segment in segments(body) {
            if let Some(f) = found.as_deref_mut() {
                self.partial_segments(at, segment, f);
            }
            at = match self.child(at, segment) {
                Some(child) => child,
                None => return best,
            };
            if let Some(p) = self.node(at.node)?.prefix() {
                best = Some(p);
            }
            if let Some(f) = found.as_deref_mut() {
                f.hits.extend_from_slice(&self.lists_of(at.node).prefix);
            }
        }
        if trailing {
            if let Some(f) = found.as_deref_mut() {
                // Exact `/foo` for a request `/foo/`.
                self.near_exact(at.node, f);
            }
            at = match self.child(at, "") {
                Some(child) => child,
                None => return best,
            };
        }
        if let Some(f) = found {
            f.hits.extend_from_slice(&self.lists_of(at.node).exact);
            // Exact `/foo/` for a request `/foo`.
            if let Some(child) = self.child(at, "") {
                self.near_exact(child.node, f);
            }
        }
        self.node(at.node).and_then(Node::exact).or(best)
    }

    /// [`walk`](Self::walk) without explanations, reading the raw request target once (see
    /// the module docs); equal to it by the property tests.
    #[inline]
    fn fast_walk(&self, group: usize, root_key: u64, raw: &str) -> Option<Target> {
        let slash = *self.slash.get(group)?;
        if slash.node == EMPTY {
            return None;
        }
        let mut at = At {
            node: slash.node as usize,
            key: child_key(root_key, hash("")),
        };
        let mut best = slash.prefix.get();
        let bytes = raw.as_bytes();
        match bytes.first() {
            Some(b'/') => {}
            // An empty path is `/`.
            None | Some(b'?' | b'#') => return self.exact_after_slash(at, best),
            // Only `/` matches a path that does not start with `/` (SPEC §6.3: `p == "/"`).
            Some(_) => return best,
        }
        // Just after a `/`.
        let mut pos = 1;
        loop {
            if matches!(bytes.get(pos), None | Some(b'?' | b'#')) {
                // That `/` ended the path: prefix paths ignore it, exact ones do not.
                return self.exact_after_slash(at, best);
            }
            let scanned = scan_segment(bytes, pos);
            let end = scanned.end;
            let segment = bytes.get(pos..end)?;
            let Some((child, node)) = self.child_scanned(at, segment, scanned.hash, scanned.head) else {
                return best;
            };
            at = child;
            if let Some(p) = node.prefix.get() {
                best = Some(p);
            }
            if bytes.get(end) != Some(&b'/') {
                return node.exact.get().or(best);
            }
            if node.children == 0 {
                // A leaf: nothing below matches what follows the `/`, not even an Exact path
                // ending in `/` — the common end of a Prefix path (`/repos` for
                // `/repos/kubernetes/kubernetes/issues`), without reading the rest.
                return best;
            }
            pos = end + 1;
        }
    }

    /// The Exact path equal to the path to `at` plus a trailing `/`, else `best`.
    #[inline]
    fn exact_after_slash(&self, at: At, best: Option<Target>) -> Option<Target> {
        let child = self.child_scanned(at, b"", hash(""), 0);
        child.and_then(|(_, node)| node.exact.get()).or(best)
    }

    /// The child of `at` for `segment`, whose [`hash`] and [`head`] are given: the first node
    /// on the probe of its key with that parent and segment, until a free slot.
    #[inline]
    fn child_scanned(&self, at: At, segment: &[u8], h: u64, head: u64) -> Option<(At, &Node)> {
        let key = child_key(at.key, h);
        let (tag, parent) = (key as u32, narrow(at.node));
        for i in probe(key, self.nodes.len()) {
            let node = self.nodes.get(i)?;
            if node.parent == EMPTY {
                return None;
            }
            if node.tag == tag && node.parent == parent && self.segment_is(node.segment, segment, head) {
                return Some((At { node: i, key }, node));
            }
        }
        None
    }

    /// Whether the interned segment `id` is `segment` (whose [`head`] is given).
    #[inline]
    fn segment_is(&self, id: u32, segment: &[u8], head: u64) -> bool {
        self.segments.get(id as usize).is_some_and(|s| {
            let start = s.start as usize;
            s.head == head
                && s.len as usize == segment.len()
                && (segment.len() <= 8
                    || (self.segment_bytes.get(start..start.saturating_add(segment.len())))
                        .is_some_and(|b| same(b, segment)))
        })
    }

    #[inline]
    fn child(&self, at: At, segment: &str) -> Option<At> {
        let bytes = segment.as_bytes();
        let (child, _) = self.child_scanned(at, bytes, hash(segment), head(bytes))?;
        Some(child)
    }

    fn node(&self, id: usize) -> Option<&Node> {
        self.nodes.get(id)
    }

    /// The paths at a node (none at a root).
    fn lists_of(&self, id: usize) -> &NodeLists {
        const NONE: &NodeLists = &NodeLists {
            exact: Vec::new(),
            prefix: Vec::new(),
        };
        let list = self.list_of.get(id).and_then(|&l| self.lists.get(l as usize));
        list.unwrap_or(NONE)
    }

    /// Prefix paths under `at` whose next element is a proper prefix of `segment`.
    fn partial_segments(&self, at: At, segment: &str, found: &mut PathFindings) {
        for (end, _) in segment.char_indices().skip(1) {
            let Some(child) = segment.get(..end).and_then(|part| self.child(at, part)) else {
                continue;
            };
            let routable = self.routable(&self.lists_of(child.node).prefix);
            found.near.extend(routable.map(|s| (s, NearMiss::PartialSegment)));
        }
    }

    fn near_exact(&self, node: usize, found: &mut PathFindings) {
        let routable = self.routable(&self.lists_of(node).exact);
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

#[cfg(test)]
mod tests {
    use crate::json;

    use super::{At, IngressRouter};
    use crate::dataplane::ingress::tests::{from, p};
    use crate::model::Ingress;

    /// Every child of every trie shares one table, found by key: a hit must also be a child
    /// of the node asked. Asking the `/b` node with the key of `/a` (as if two keys collided)
    /// reaches the slot of `/a/b`, whose segment is `b` too — and must not take it.
    #[test]
    fn a_child_is_found_by_its_key_and_its_parent() {
        let ingress: Ingress = from(
            json!({"metadata": {"name": "i"}, "spec": {"rules": [{"http": {"paths": [
            p("/a/b", "Prefix", "ab"), p("/b", "Prefix", "b")]}}]}}),
        );
        let (router, _) = IngressRouter::build_all(&[&ingress]);
        let root = At {
            node: router.nodes.len(),
            key: router.root_keys[0],
        };
        let slash = router.child(root, "").unwrap();
        let (a, b) = (
            router.child(slash, "a").unwrap(),
            router.child(slash, "b").unwrap(),
        );
        let ab = router.child(a, "b").unwrap();
        assert_eq!(router.nodes[ab.node].prefix(), Some(0));
        let wrong_parent = At {
            node: b.node,
            key: a.key,
        };
        assert!(router.child(wrong_parent, "b").is_none());
    }
}
