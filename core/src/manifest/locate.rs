//! Where a field is in the text: `spec.ports[1].targetPort` → line 14, column 9.
//!
//! The errors that matter most to a person — wrong types, validation, admission — are found
//! late, on typed objects, as field paths. The YAML reader's tree (`crate::yaml`) keeps where
//! every key and item starts; this module answers path queries on it. A field that is absent
//! (a `Required value`), or hidden behind an alias, falls back to the nearest existing ancestor;
//! a key missing from a mapping that has a merge key (`<<: *defaults`) is reported at the merge
//! key, or inside the merged mapping when it is written there.

use alloc::string::String;
use alloc::vec::Vec;

use crate::error::FieldPath;
use crate::yaml::{self, Pos, Tree, Value};

/// Finds the line and column (both 1-based, columns in characters) of a field in one YAML or
/// JSON document: the key of a mapping entry, the start of a sequence item. A path that does not
/// exist in the text resolves to its nearest existing ancestor; `None` when the document has no
/// content or is not YAML.
///
/// Paths are written as kroute and the API server print them (`spec.ports[1].targetPort`,
/// `metadata.labels[app.kubernetes.io/name]`); the dotted form serde uses for map keys
/// (`metadata.labels.app.kubernetes.io/name`) is understood too.
pub fn locate(doc_text: &str, path: &FieldPath) -> Option<(usize, usize)> {
    yaml::parse(doc_text, 1, 1).ok()?.find(path.as_str())
}

/// Path queries on a document's tree.
impl Tree<'_> {
    /// The position of `path` (see [`locate`]), or of its nearest existing ancestor.
    pub(crate) fn find(&self, path: &str) -> Option<(usize, usize)> {
        Some(find_in(self, self.root()?, &segments(path)).pair())
    }

    /// The position of `path` under the node at `base` (an exact path, `items[3]`), or of its
    /// nearest existing ancestor no higher than `base`; `None` when `base` is not in the text.
    pub(crate) fn find_under(&self, base: &str, path: &str) -> Option<(usize, usize)> {
        let node = self.at_path(base)?;
        Some(find_in(self, node, &segments(path)).pair())
    }

    /// `path` (relative to the node at `base`) written the API server's way: a map key that
    /// serde printed dotted (`metadata.labels.app.kubernetes.io/name`) goes in brackets
    /// (`metadata.labels[app.kubernetes.io/name]`) when the text shows it is one key.
    pub(crate) fn canonical_path(&self, base: &str, path: &str) -> FieldPath {
        let segs = segments(path);
        let mut out = FieldPath::root();
        let mut node = self.at_path(base);
        let mut i = 0;
        while let Some(seg) = segs.get(i) {
            let joined = node
                .filter(|n| matches!(self.node(*n).value, Value::Map(_)))
                .and_then(|n| map_lookup(self, n, segs.get(i..).unwrap_or(&[])))
                .filter(|(_, _, used)| *used > 1);
            if let Some((key, value, used)) = joined {
                out = out.key(&super::convert::key_string(self, key).unwrap_or_default());
                node = Some(value);
                i += used;
                continue;
            }
            out = match seg {
                Seg::Name(n) => out.child(n),
                Seg::Bracket(b) => out.key(b),
            };
            node = node.and_then(|n| step(self, n, *seg));
            i += 1;
        }
        out
    }

    /// The node at an exact path, if it is in the text.
    pub(crate) fn at_path(&self, path: &str) -> Option<u32> {
        let mut node = self.root()?;
        for seg in segments(path) {
            node = step(self, node, seg)?;
        }
        Some(node)
    }

    /// Whether the document is a sequence (its objects are `[i]`, not `items[i]`).
    pub(crate) fn is_sequence(&self) -> bool {
        self.root()
            .is_some_and(|r| matches!(self.node(r).value, Value::Seq(_)))
    }
}

/// `metadata` + `labels` → `metadata.labels`; keys that are not plain names go in brackets
/// (`metadata.labels[app.kubernetes.io/name]`), as the API server prints them.
pub(crate) fn child_path(path: &FieldPath, key: &str) -> FieldPath {
    let plain = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if plain {
        path.child(key)
    } else {
        path.key(key)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Seg<'p> {
    /// A dotted name: `spec`, `ports`.
    Name(&'p str),
    /// What is between brackets: an index (`1`) or a map key (`app.kubernetes.io/name`).
    Bracket(&'p str),
}

fn segments(path: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(c) = rest.chars().next() {
        // Every cut below is at an ASCII character ('.', '[', ']'), so `get` always succeeds.
        match c {
            '.' => rest = rest.get(1..).unwrap_or(""),
            '[' => {
                let inner = rest.get(1..).unwrap_or("");
                let end = inner.find(']').unwrap_or(inner.len());
                out.push(Seg::Bracket(inner.get(..end).unwrap_or("")));
                rest = inner.get(end + 1..).unwrap_or("");
            }
            _ => {
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                out.push(Seg::Name(rest.get(..end).unwrap_or("")));
                rest = rest.get(end..).unwrap_or("");
            }
        }
    }
    out
}

/// Whether mapping key `key` is `name` (as JSON writes keys: `80`, `true`).
fn key_is(tree: &Tree<'_>, key: u32, name: &str) -> bool {
    match &tree.resolved(key).value {
        Value::Str(s) => s == name,
        _ => super::convert::key_string(tree, key).is_ok_and(|k| k == name),
    }
}

/// The child a single segment names: a key of a mapping, an index of a sequence. An alias
/// has no children in the text.
fn step(tree: &Tree<'_>, node: u32, seg: Seg<'_>) -> Option<u32> {
    match (&tree.node(node).value, seg) {
        (Value::Map(_), Seg::Name(k) | Seg::Bracket(k)) => tree
            .own_entries(node)
            .find(|(key, _)| key_is(tree, *key, k))
            .map(|(_, v)| v),
        (Value::Seq(items), Seg::Bracket(i)) => items.get(i.parse::<usize>().ok()?).copied(),
        _ => None,
    }
}

/// Walks `segs` from `root` as far as the text goes; returns the last position reached.
fn find_in(tree: &Tree<'_>, root: u32, segs: &[Seg<'_>]) -> Pos {
    let mut node = root;
    let mut best = tree.node(root).pos;
    let mut i = 0;
    while let Some(seg) = segs.get(i) {
        match &tree.node(node).value {
            Value::Map(_) => match map_lookup(tree, node, segs.get(i..).unwrap_or(&[])) {
                Some((key, value, used)) => {
                    best = tree.node(key).pos;
                    node = value;
                    i += used;
                }
                None => match tree.own_entries(node).find(|(k, _)| tree.is_merge_key(*k)) {
                    // The key may come from the merged mapping: look inside one written here,
                    // otherwise the merge key is the closest honest answer.
                    Some((merge, merged)) => {
                        best = tree.node(merge).pos;
                        match tree.node(merged).value {
                            Value::Map(_) => node = merged,
                            _ => return best,
                        }
                    }
                    None => return best,
                },
            },
            Value::Seq(items) => {
                let item = match seg {
                    Seg::Bracket(n) => n.parse::<usize>().ok().and_then(|n| items.get(n)),
                    Seg::Name(_) => None,
                };
                match item {
                    Some(&item) => {
                        best = tree.node(item).pos;
                        node = item;
                        i += 1;
                    }
                    None => return best,
                }
            }
            _ => return best,
        }
    }
    best
}

/// The entry a path's next segments name (key, value), and how many segments it used: a
/// bracket is one key; a run of dotted names is tried longest first, so serde's
/// `labels.app.kubernetes.io/name` finds the key `app.kubernetes.io/name`.
fn map_lookup(tree: &Tree<'_>, map: u32, segs: &[Seg<'_>]) -> Option<(u32, u32, usize)> {
    let by_key = |k: &str| tree.own_entries(map).find(|(key, _)| key_is(tree, *key, k));
    match segs.first()? {
        Seg::Bracket(k) => by_key(k).map(|(k, v)| (k, v, 1)),
        Seg::Name(_) => {
            let run = segs.iter().take_while(|s| matches!(s, Seg::Name(_))).count();
            (1..=run).rev().find_map(|n| {
                let mut key = String::new();
                for (j, s) in segs.iter().take(n).enumerate() {
                    if let Seg::Name(part) = s {
                        if j > 0 {
                            key.push('.');
                        }
                        key.push_str(part);
                    }
                }
                by_key(&key).map(|(k, v)| (k, v, n))
            })
        }
    }
}
