//! kroute's YAML reader: one document's text → a tree of positioned values.
//!
//! It reads the YAML 1.2 that manifests are written in — block mappings and sequences (compact
//! `- ` sequences under a key included), flow collections over any number of lines (JSON and
//! KYAML are YAML), every scalar style, comments, anchors and aliases, merge keys (`<<`) and tags
//! — and resolves plain scalars as serde_yaml_ng did before it (YAML 1.2's core schema plus `0b`
//! binary integers; see `scalar.rs`). Each node keeps where it starts, so the same tree answers
//! "what is the value" (`manifest::convert` turns it into JSON) and "where is
//! `spec.ports[1].port`" (`manifest::locate`). Every error has a position and says what is wrong.
//!
//! Documents are cut by `manifest::documents` first, so this reader sees one document without
//! its `---`: a marker line cannot occur in its text, and `%` directives (which may only precede
//! a `---`) are errors here.
//!
//! The tree is a DAG in an arena: an alias is a node that points at its anchor's node, so
//! aliases cost nothing to read however often they repeat; their expanded size is counted
//! instead ([`MAX_EXPANDED`]) and their expanded depth is checked ([`MAX_DEPTH`]), which stops
//! "billion laughs" and stack exhaustion before anything is expanded. Merge keys stay in the
//! tree as written (positions point into the text); [`Tree::entries`] applies them.
//!
//! Where YAML 1.2 and libyaml (which serde_yaml_ng wraps, and kubectl's go-yaml ports) read
//! the same text differently, this reader follows YAML 1.2; each such difference is a case of
//! `tests.rs`'s `DELIBERATE` table. It accepts what YAML 1.2 allows and libyaml refuses: a tab
//! after `- ` or in a blank or comment line, anchor names beyond letters and digits
//! (`&x.y`), multi-line keys in flow mappings, `?x`, `:x` and `a:?b` as plain scalars in flow
//! context, an empty value before `,` (`{a:, b}`), a tag right before `]` or `}` or with `#` in
//! it, `!!null` on an empty value. It refuses what YAML 1.2 forbids and libyaml accepts: a
//! comment glued to a value (`"x"#c`), a lone `\r` as a line break, a lone `-` before `,` in a
//! flow sequence, `!` inside a tag's name. U+0085, U+2028 and U+2029 are content, not line
//! breaks. Merges follow the merge key's definition: they are transitive (a merged mapping's
//! own `<<` is applied, and checked), a tagged mapping can be merged, and a tag does not make
//! two equal keys different.

mod parser;
mod scalar;

#[cfg(test)]
mod differential;
#[cfg(test)]
mod tests;

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cmp::Ordering;

pub use parser::parse;

/// Collections nested deeper than this are refused (serde_yaml_ng's limit too): the tree is
/// walked recursively, and the stack must survive any input.
pub const MAX_DEPTH: u32 = 128;

/// Values that aliases may add to one document once expanded; more is refused as a "billion
/// laughs" (a few lines of nested aliases that expand to gigabytes).
pub const MAX_EXPANDED: u32 = 250_000;

/// A position in the whole stream: 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub fn pair(self) -> (usize, usize) {
        (self.line as usize, self.column as usize)
    }
}

/// One node: where its content starts (after any anchor or tag) and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Node<'a> {
    pub pos: Pos,
    pub value: Value<'a>,
    /// Values in this subtree once aliases are expanded, itself included.
    size: u32,
    /// Collections nested in this subtree once aliases are expanded, itself included.
    height: u32,
}

/// A node's value, scalars resolved. Collections hold the indices of their children in the
/// [`Tree`]; a mapping holds key, value, key, value….
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    /// A non-negative integer.
    Uint(u64),
    /// A negative integer.
    Int(i64),
    Float(f64),
    /// An integer that fits no 64-bit integer (as written); an error once converted.
    BigInt(Cow<'a, str>),
    Str(Cow<'a, str>),
    Seq(Box<[u32]>),
    Map(Box<[u32]>),
    /// `*name`: the anchored node it stands for.
    Alias(u32),
}

/// The nodes of one document; children come before their parents.
#[derive(Debug)]
pub struct Tree<'a> {
    nodes: Vec<Node<'a>>,
    root: Option<u32>,
    /// The first integer beyond 64 bits in the text, if any.
    big_int: Option<u32>,
}

/// Stands in for an index that is not in the tree (never produced by the parser).
static NULL: Node<'static> = Node {
    pos: Pos { line: 1, column: 1 },
    value: Value::Null,
    size: 1,
    height: 0,
};

/// A syntax error: where, what, and for a repeated key the path to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub pos: Pos,
    pub message: String,
    /// For a duplicate key: the keys and indices from the root to the repeated key.
    pub path: Option<Vec<Step>>,
}

/// One step of a path: a mapping key (as JSON would write it) or a sequence index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

impl<'a> Tree<'a> {
    /// The document's root; `None` when the text holds no content.
    pub fn root(&self) -> Option<u32> {
        self.root
    }

    /// The first integer in the text that fits no 64-bit integer ([`Value::BigInt`]).
    pub fn first_big_int(&self) -> Option<u32> {
        self.big_int
    }

    /// The node at `i`, as written (an alias stays an alias).
    pub fn node(&self, i: u32) -> &Node<'a> {
        self.nodes.get(i as usize).unwrap_or(&NULL)
    }

    /// The node at `i`, through an alias to its anchored node. An anchored node is never an
    /// alias itself (an alias takes no anchor), so one step is enough.
    pub fn resolved(&self, i: u32) -> &Node<'a> {
        resolved_in(&self.nodes, i)
    }

    /// The entries of a mapping as written, merge keys included (through an alias); empty for
    /// anything else.
    pub fn own_entries(&self, i: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        let flat: &[u32] = match &self.resolved(i).value {
            Value::Map(flat) => flat,
            _ => &[],
        };
        flat.chunks_exact(2).map(|kv| match kv {
            [k, v] => (*k, *v),
            // `chunks_exact(2)` yields only pairs.
            _ => (u32::MAX, u32::MAX),
        })
    }

    /// Whether `key` is a merge key (`<<`).
    pub fn is_merge_key(&self, key: u32) -> bool {
        matches!(&self.resolved(key).value, Value::Str(s) if s == "<<")
    }

    /// The entries of a mapping with its merge keys applied: its own entries in order, then the
    /// entries of each merged mapping (themselves merged) whose key is not there yet — the
    /// mapping's own keys win, then the earlier merged mappings. The parser has checked that a
    /// merge key's value is a mapping or a sequence of mappings.
    pub fn entries(&self, i: u32) -> Vec<(u32, u32)> {
        let mut out: Vec<(u32, u32)> = self
            .own_entries(i)
            .filter(|(k, _)| !self.is_merge_key(*k))
            .collect();
        for (k, v) in self.own_entries(i) {
            if !self.is_merge_key(k) {
                continue;
            }
            let sources: &[u32] = match &self.resolved(v).value {
                Value::Seq(items) => items,
                _ => core::slice::from_ref(&v),
            };
            for &source in sources {
                for (mk, mv) in self.entries(source) {
                    if !out.iter().any(|(ok, _)| self.key_cmp(*ok, mk) == Ordering::Equal) {
                        out.push((mk, mv));
                    }
                }
            }
        }
        out
    }

    /// A total order on keys that calls two keys equal exactly when YAML does (see
    /// [`key_cmp`]).
    pub fn key_cmp(&self, a: u32, b: u32) -> Ordering {
        key_cmp(&self.nodes, a, b)
    }
}

/// The node at `i` of `nodes`, through an alias.
fn resolved_in<'n, 'a>(nodes: &'n [Node<'a>], i: u32) -> &'n Node<'a> {
    let node = nodes.get(i as usize).unwrap_or(&NULL);
    match node.value {
        Value::Alias(target) => nodes.get(target as usize).unwrap_or(&NULL),
        _ => node,
    }
}

/// A total order on keys that calls two keys equal exactly when YAML does: same kind and same
/// value (`1` = `0x1`, `1.0` = `1.00`, `0.0` = `-0.0`, `.nan` = `.NaN`; `1` ≠ `"1"` ≠ `1.0`),
/// collections item by item.
pub(crate) fn key_cmp(nodes: &[Node<'_>], a: u32, b: u32) -> Ordering {
    let (a, b) = (&resolved_in(nodes, a).value, &resolved_in(nodes, b).value);
    let rank = |v: &Value<'_>| match v {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Uint(_) => 2,
        Value::Int(_) => 3,
        Value::Float(_) => 4,
        Value::BigInt(_) => 5,
        Value::Str(_) => 6,
        Value::Seq(_) => 7,
        Value::Map(_) => 8,
        Value::Alias(_) => 9,
    };
    // One NaN, one zero.
    let float = |f: f64| if f.is_nan() { f64::NAN } else { f + 0.0 };
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Uint(x), Value::Uint(y)) => x.cmp(y),
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Float(x), Value::Float(y)) => float(*x).total_cmp(&float(*y)),
        (Value::BigInt(x), Value::BigInt(y)) | (Value::Str(x), Value::Str(y)) => x.cmp(y),
        (Value::Seq(x), Value::Seq(y)) | (Value::Map(x), Value::Map(y)) => {
            x.len().cmp(&y.len()).then_with(|| {
                x.iter()
                    .zip(y.iter())
                    .map(|(p, q)| key_cmp(nodes, *p, *q))
                    .find(|o| o.is_ne())
                    .unwrap_or(Ordering::Equal)
            })
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

/// A float as YAML writes it, and as a key it becomes a JSON object key: `.inf`, `-.inf`, `.nan`,
/// or the shortest decimal that reads back as the same number (`1.0`, `1e16`). Written by the
/// JSON number writer, not `f64`'s `Display` (14 KB of wasm, and `1` for `1.0`).
pub(crate) fn float_text(f: f64) -> String {
    if f.is_nan() {
        return ".nan".to_string();
    }
    if f.is_infinite() {
        return if f < 0.0 { "-.inf" } else { ".inf" }.to_string();
    }
    // JSON writes the same digits with an explicit `+` in positive exponents (`1e+16`).
    crate::json::Number::from_f64(f).map_or_else(String::new, |n| n.to_string().replace("e+", "e"))
}
