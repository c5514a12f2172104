//! Where a field is in the text: `spec.ports[1].targetPort` → line 14, column 9.
//!
//! serde_yaml_ng turns a document into values and forgets where they were, and the errors that
//! matter most to a person — wrong types, validation, admission — are found later, on typed
//! objects, as field paths. This module reads the document text a second time, only for its
//! structure: block mappings and sequences by indentation (`- ` items, compact sequences under a
//! key, quoted keys, comments, anchors and tags, block scalars), and flow collections (`{…}`,
//! `[…]`, JSON, KYAML) across any number of lines. It builds an [`Outline`] — every key and item
//! with its position — and answers path queries on it.
//!
//! It is an approximation of YAML's grammar tuned for documents serde_yaml_ng has already
//! accepted: on those it finds every key; on anything else it still terminates without panicking
//! and answers with the nearest ancestor it found. A field that is absent (a `Required value`), or
//! hidden behind an alias, falls back to the nearest existing ancestor; a key missing from a
//! mapping that has a merge key (`<<: *defaults`) is reported at the merge key.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::error::FieldPath;

/// Nesting beyond serde_yaml_ng's own recursion limit (128) never comes from a document it
/// accepted; stopping there keeps hostile input from exhausting the stack.
const MAX_DEPTH: usize = 160;

/// Finds the line and column (both 1-based, columns in characters) of a field in one YAML or
/// JSON document: the key of a mapping entry, the start of a sequence item. A path that does not
/// exist in the text resolves to its nearest existing ancestor; `None` only when the document
/// has no content at all.
///
/// Paths are written as kroute and the API server print them (`spec.ports[1].targetPort`,
/// `metadata.labels[app.kubernetes.io/name]`); the dotted form serde uses for map keys
/// (`metadata.labels.app.kubernetes.io/name`) is understood too.
pub fn locate(doc_text: &str, path: &FieldPath) -> Option<(usize, usize)> {
    Outline::parse(doc_text, 1, 1).find(path.as_str())
}

/// A position in the text: 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub(crate) fn pair(self) -> (usize, usize) {
        (self.line, self.column)
    }
}

/// One node of the document, with where it starts.
#[derive(Debug)]
pub(crate) struct Node {
    pub pos: Pos,
    pub shape: Shape,
}

#[derive(Debug)]
pub(crate) enum Shape {
    /// No value (`key:` with nothing after it, `- ` alone).
    Empty,
    Scalar,
    /// `*anchor`: the value is elsewhere; paths into it stop here.
    Alias,
    Map(Vec<Entry>),
    Seq(Vec<Node>),
}

/// A mapping entry: the key (`None` for complex `? ` keys), where the key is, and the value.
#[derive(Debug)]
pub(crate) struct Entry {
    pub key: Option<String>,
    pub pos: Pos,
    pub value: Node,
}

/// The structure of one document, with positions.
#[derive(Debug)]
pub(crate) struct Outline {
    pub root: Option<Node>,
    /// Content found after the root node ended (a mis-indented line, say): the position YAML
    /// parsers report only as "more than one document".
    pub trailing: Option<Pos>,
}

impl Outline {
    /// Reads `text`, whose first character is at `line`, `column` of the whole stream (a
    /// document that starts right after `---` begins at column 4).
    pub(crate) fn parse(text: &str, line: usize, column: usize) -> Outline {
        let mut s = Scanner::new(text, line, column);
        if !s.skip_to_content() {
            return Outline {
                root: None,
                trailing: None,
            };
        }
        let root = s.block_node(-1, false);
        let trailing = if s.skip_to_content_from_line_end() {
            Some(s.pos())
        } else {
            None
        };
        Outline {
            root: Some(root),
            trailing,
        }
    }

    /// The position of `path` (see [`locate`]), or of its nearest existing ancestor.
    pub(crate) fn find(&self, path: &str) -> Option<(usize, usize)> {
        let root = self.root.as_ref()?;
        Some(find_in(root, &segments(path)).pair())
    }

    /// The position of `path` under the node at `base` (an exact path, `items[3]`), or of its
    /// nearest existing ancestor no higher than `base`; `None` when `base` is not in the text.
    pub(crate) fn find_under(&self, base: &str, path: &str) -> Option<(usize, usize)> {
        let node = self.node(base)?;
        Some(find_in(node, &segments(path)).pair())
    }

    /// The first entry with this key anywhere in the document, in text order.
    pub(crate) fn find_key(&self, key: &str) -> Option<(usize, usize)> {
        fn walk(node: &Node, key: &str) -> Option<Pos> {
            match &node.shape {
                Shape::Map(entries) => entries.iter().find_map(|e| {
                    if e.key.as_deref() == Some(key) {
                        Some(e.pos)
                    } else {
                        walk(&e.value, key)
                    }
                }),
                Shape::Seq(items) => items.iter().find_map(|n| walk(n, key)),
                _ => None,
            }
        }
        walk(self.root.as_ref()?, key).map(Pos::pair)
    }

    /// `path` (relative to the node at `base`) written the API server's way: a map key that
    /// serde printed dotted (`metadata.labels.app.kubernetes.io/name`) goes in brackets
    /// (`metadata.labels[app.kubernetes.io/name]`) when the text shows it is one key.
    pub(crate) fn canonical_path(&self, base: &str, path: &str) -> FieldPath {
        let segs = segments(path);
        let mut out = FieldPath::root();
        let mut node = self.node(base);
        let mut i = 0;
        while let Some(seg) = segs.get(i) {
            let joined = match node.map(|n| &n.shape) {
                Some(Shape::Map(entries)) => map_lookup(entries, &segs[i..]).filter(|(_, used)| *used > 1),
                _ => None,
            };
            if let Some((entry, used)) = joined {
                out = out.key(entry.key.as_deref().unwrap_or(""));
                node = Some(&entry.value);
                i += used;
                continue;
            }
            out = match seg {
                Seg::Name(n) => out.child(n),
                Seg::Bracket(b) => out.key(b),
            };
            node = node.and_then(|n| step(n, *seg));
            i += 1;
        }
        out
    }

    /// The node at an exact path, if it is in the text.
    pub(crate) fn node(&self, path: &str) -> Option<&Node> {
        let mut node = self.root.as_ref()?;
        for seg in segments(path) {
            node = step(node, seg)?;
        }
        Some(node)
    }

    /// The first key that appears twice in one mapping, as (path, position of the repeat).
    pub(crate) fn duplicate_key(&self) -> Option<(FieldPath, Pos)> {
        fn walk(node: &Node, path: &FieldPath) -> Option<(FieldPath, Pos)> {
            match &node.shape {
                Shape::Map(entries) => {
                    for (i, e) in entries.iter().enumerate() {
                        let Some(k) = e.key.as_deref() else { continue };
                        if entries[..i].iter().any(|p| p.key.as_deref() == Some(k)) {
                            return Some((child_path(path, k), e.pos));
                        }
                    }
                    entries.iter().find_map(|e| match e.key.as_deref() {
                        Some(k) => walk(&e.value, &child_path(path, k)),
                        None => None,
                    })
                }
                Shape::Seq(items) => items
                    .iter()
                    .enumerate()
                    .find_map(|(i, n)| walk(n, &path.index(i))),
                _ => None,
            }
        }
        walk(self.root.as_ref()?, &FieldPath::root())
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
        match c {
            '.' => rest = &rest[1..],
            '[' => {
                let inner = &rest[1..];
                let end = inner.find(']').unwrap_or(inner.len());
                out.push(Seg::Bracket(&inner[..end]));
                rest = inner.get(end + 1..).unwrap_or("");
            }
            _ => {
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                out.push(Seg::Name(&rest[..end]));
                rest = &rest[end..];
            }
        }
    }
    out
}

/// The child a single segment names: a key of a mapping, an index of a sequence.
fn step<'n>(node: &'n Node, seg: Seg<'_>) -> Option<&'n Node> {
    match (&node.shape, seg) {
        (Shape::Map(entries), Seg::Name(k) | Seg::Bracket(k)) => entries
            .iter()
            .find(|e| e.key.as_deref() == Some(k))
            .map(|e| &e.value),
        (Shape::Seq(items), Seg::Bracket(i)) => items.get(i.parse::<usize>().ok()?),
        _ => None,
    }
}

/// Walks `segs` from `root` as far as the text goes; returns the last position reached.
fn find_in(root: &Node, segs: &[Seg<'_>]) -> Pos {
    let mut node = root;
    let mut best = root.pos;
    let mut i = 0;
    while i < segs.len() {
        match &node.shape {
            Shape::Map(entries) => match map_lookup(entries, &segs[i..]) {
                Some((entry, used)) => {
                    best = entry.pos;
                    node = &entry.value;
                    i += used;
                }
                None => match entries.iter().find(|e| e.key.as_deref() == Some("<<")) {
                    // The key may come from the merged mapping: look inside an inline one,
                    // otherwise the merge key is the closest honest answer.
                    Some(merge) => {
                        best = merge.pos;
                        match &merge.value.shape {
                            Shape::Map(_) => node = &merge.value,
                            _ => return best,
                        }
                    }
                    None => return best,
                },
            },
            Shape::Seq(items) => {
                let item = match segs[i] {
                    Seg::Bracket(n) => n.parse::<usize>().ok().and_then(|n| items.get(n)),
                    Seg::Name(_) => None,
                };
                match item {
                    Some(item) => {
                        best = item.pos;
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

/// The entry a path's next segments name, and how many segments it used: a bracket is one key;
/// a run of dotted names is tried longest first, so serde's `labels.app.kubernetes.io/name`
/// finds the key `app.kubernetes.io/name`.
fn map_lookup<'n>(entries: &'n [Entry], segs: &[Seg<'_>]) -> Option<(&'n Entry, usize)> {
    let by_key = |k: &str| entries.iter().find(|e| e.key.as_deref() == Some(k));
    match segs.first()? {
        Seg::Bracket(k) => by_key(k).map(|e| (e, 1)),
        Seg::Name(_) => {
            let run = segs.iter().take_while(|s| matches!(s, Seg::Name(_))).count();
            (1..=run).rev().find_map(|n| {
                let mut key = String::new();
                for (j, s) in segs[..n].iter().enumerate() {
                    if let Seg::Name(part) = s {
                        if j > 0 {
                            key.push('.');
                        }
                        key.push_str(part);
                    }
                }
                by_key(&key).map(|e| (e, n))
            })
        }
    }
}

/// A cursor over the document's bytes that knows its line and column.
struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    i: usize,
    line: usize,
    line_start: usize,
    first_line: usize,
    /// Characters before `text` on its first line.
    first_offset: usize,
    /// Column cache for the current line: (byte, column at that byte); columns are asked for
    /// left to right, so counting from the last answer keeps long lines linear.
    col_cache: (usize, usize),
    depth: usize,
}

/// A saved cursor, to read ahead and come back.
#[derive(Clone, Copy)]
struct Mark {
    i: usize,
    line: usize,
    line_start: usize,
    col_cache: (usize, usize),
}

fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\t' || b == b'\r'
}

fn is_flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str, line: usize, column: usize) -> Self {
        Scanner {
            text,
            bytes: text.as_bytes(),
            i: 0,
            line,
            line_start: 0,
            first_line: line,
            first_offset: column.saturating_sub(1),
            col_cache: (0, 1 + column.saturating_sub(1)),
            depth: 0,
        }
    }

    fn mark(&self) -> Mark {
        Mark {
            i: self.i,
            line: self.line,
            line_start: self.line_start,
            col_cache: self.col_cache,
        }
    }

    fn restore(&mut self, m: Mark) {
        self.i = m.i;
        self.line = m.line;
        self.line_start = m.line_start;
        self.col_cache = m.col_cache;
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    fn peek_at(&self, k: usize) -> Option<u8> {
        self.bytes.get(self.i + k).copied()
    }

    fn bump(&mut self) {
        if let Some(b) = self.peek() {
            self.i += 1;
            if b == b'\n' {
                self.line += 1;
                self.line_start = self.i;
                self.col_cache = (self.i, 1);
            }
        }
    }

    fn column(&mut self) -> usize {
        let (from, col) = if self.col_cache.0 >= self.line_start && self.col_cache.0 <= self.i {
            self.col_cache
        } else {
            let base = if self.line == self.first_line {
                self.first_offset
            } else {
                0
            };
            (self.line_start, 1 + base)
        };
        let col = col + self.text.get(from..self.i).map_or(0, |s| s.chars().count());
        self.col_cache = (self.i, col);
        col
    }

    fn pos(&mut self) -> Pos {
        Pos {
            line: self.line,
            column: self.column(),
        }
    }

    fn at_eol(&self) -> bool {
        matches!(self.peek(), None | Some(b'\n'))
    }

    /// Whether only indentation precedes the cursor on its line.
    fn first_on_line(&self) -> bool {
        self.bytes
            .get(self.line_start..self.i)
            .is_some_and(|b| b.iter().all(|&c| c == b' ' || c == b'\t'))
    }

    /// The indentation of the content under the cursor (its column minus one).
    fn indent(&mut self) -> isize {
        self.column() as isize - 1
    }

    fn skip_inline_ws(&mut self) {
        while self.peek().is_some_and(is_ws) {
            self.bump();
        }
    }

    fn skip_comment(&mut self) {
        if self.peek() == Some(b'#') {
            while !self.at_eol() {
                self.bump();
            }
        }
    }

    fn skip_line(&mut self) {
        while !self.at_eol() {
            self.bump();
        }
        self.bump();
    }

    /// Skips whitespace, comments and line breaks; false at the end of the text.
    fn skip_to_content(&mut self) -> bool {
        loop {
            self.skip_inline_ws();
            self.skip_comment();
            match self.peek() {
                None => return false,
                Some(b'\n') => self.bump(),
                Some(_) => return true,
            }
        }
    }

    /// Like [`Self::skip_to_content`], but first leaves the current line unless the cursor is
    /// already at the first content of a line.
    fn skip_to_content_from_line_end(&mut self) -> bool {
        if !self.first_on_line() {
            self.skip_line();
        }
        self.skip_to_content()
    }

    /// Moves to the next line that continues a block at `indent`, skipping blank lines,
    /// comments and the continuation lines of the value just read (anything indented deeper).
    /// True when the cursor is then at content indented exactly `indent`.
    fn next_line_at(&mut self, indent: isize) -> bool {
        if !self.first_on_line() {
            self.skip_line();
        }
        loop {
            if !self.skip_to_content() {
                return false;
            }
            let here = self.indent();
            if here > indent {
                self.skip_line();
                continue;
            }
            return here == indent;
        }
    }

    /// `-` followed by a space or the end of the line: a block sequence entry.
    fn at_dash_item(&self) -> bool {
        self.peek() == Some(b'-') && self.peek_at(1).is_none_or(|b| is_ws(b) || b == b'\n')
    }

    /// An anchor or a tag (`&x`, `!!str`, `!Ref`).
    fn skip_property(&mut self, flow: bool) {
        while let Some(b) = self.peek() {
            if is_ws(b) || b == b'\n' || (flow && is_flow_indicator(b)) {
                break;
            }
            self.bump();
        }
    }

    /// A block node whose parent is at `parent` indentation. With `compact`, a sequence may
    /// sit at the parent's own indentation (`ports:` followed by `- port: 80`).
    fn block_node(&mut self, parent: isize, compact: bool) -> Node {
        let mut at = self.pos();
        loop {
            self.skip_inline_ws();
            self.skip_comment();
            if self.at_eol() {
                if !self.skip_to_content() {
                    return Node {
                        pos: at,
                        shape: Shape::Empty,
                    };
                }
                let here = self.indent();
                let deeper = here > parent || (compact && here == parent && self.at_dash_item());
                if !deeper {
                    return Node {
                        pos: at,
                        shape: Shape::Empty,
                    };
                }
                at = self.pos();
                continue;
            }
            match self.peek() {
                Some(b'&' | b'!') => self.skip_property(false),
                _ => break,
            }
        }
        let pos = self.pos();
        if self.depth >= MAX_DEPTH {
            self.skip_line();
            return Node {
                pos,
                shape: Shape::Scalar,
            };
        }
        let column = pos.column as isize - 1;
        match self.peek() {
            Some(b'*') => {
                self.skip_property(false);
                Node {
                    pos,
                    shape: Shape::Alias,
                }
            }
            Some(b'[' | b'{') => {
                let mark = self.mark();
                let node = self.flow_node();
                // A flow collection used as an implicit key (`[a, b]: c`) starts a mapping.
                self.skip_inline_ws();
                if self.at_value_indicator(false) {
                    self.restore(mark);
                    return self.block_map(column, pos);
                }
                node
            }
            Some(b'|' | b'>') => {
                self.skip_line();
                self.skip_block_scalar(parent);
                Node {
                    pos,
                    shape: Shape::Scalar,
                }
            }
            Some(b'-') if self.at_dash_item() => self.block_seq(column, pos),
            Some(b'?') if self.at_complex_key() => self.block_map(column, pos),
            _ => {
                let mark = self.mark();
                self.scalar_token(false);
                self.skip_inline_ws();
                if self.at_value_indicator(false) {
                    self.restore(mark);
                    self.block_map(column, pos)
                } else {
                    Node {
                        pos,
                        shape: Shape::Scalar,
                    }
                }
            }
        }
    }

    /// Lines of a `|` or `>` scalar: blank, or indented deeper than its parent.
    fn skip_block_scalar(&mut self, parent: isize) {
        loop {
            let mark = self.mark();
            while self.peek().is_some_and(is_ws) {
                self.bump();
            }
            if self.peek().is_none() {
                return;
            }
            if self.peek() == Some(b'\n') || self.indent() > parent {
                self.skip_line();
                continue;
            }
            // Not part of the scalar: back to the start of this line.
            self.restore(mark);
            return;
        }
    }

    /// `:` followed by a space or the end of the line (in flow context also by an indicator,
    /// and directly after a quoted key, JSON style).
    fn at_value_indicator(&self, flow: bool) -> bool {
        self.peek() == Some(b':')
            && self
                .peek_at(1)
                .is_none_or(|b| is_ws(b) || b == b'\n' || (flow && is_flow_indicator(b)))
    }

    /// A scalar on the current line (quoted ones may run over several): its text, unescaped
    /// enough to compare with keys.
    fn scalar_token(&mut self, flow: bool) -> Option<String> {
        match self.peek() {
            Some(q @ (b'"' | b'\'')) => Some(self.quoted(q)),
            _ => {
                let start = self.i;
                let mut end = self.i;
                while let Some(b) = self.peek() {
                    if b == b'\n' || (flow && is_flow_indicator(b)) || self.at_value_indicator(flow) {
                        break;
                    }
                    if b == b'#' && self.i > start && self.bytes.get(self.i - 1).copied().is_some_and(is_ws) {
                        break;
                    }
                    self.bump();
                    if !is_ws(b) {
                        end = self.i;
                    }
                }
                self.text.get(start..end).map(ToString::to_string)
            }
        }
    }

    /// A quoted scalar, possibly over several lines; the cursor ends after the closing quote.
    fn quoted(&mut self, quote: u8) -> String {
        self.bump();
        let start = self.i;
        let mut end = None;
        while let Some(b) = self.peek() {
            if quote == b'"' && b == b'\\' {
                self.bump();
                self.bump();
                continue;
            }
            if b == quote {
                if quote == b'\'' && self.peek_at(1) == Some(b'\'') {
                    self.bump();
                    self.bump();
                    continue;
                }
                end = Some(self.i);
                self.bump();
                break;
            }
            self.bump();
        }
        let raw = self.text.get(start..end.unwrap_or(self.i)).unwrap_or("");
        if quote == b'"' {
            unescape_double(raw)
        } else {
            raw.replace("''", "'")
        }
    }

    /// A block mapping at `indent` whose first key (plain, quoted, flow or `? ` complex) is
    /// under the cursor. Ends at the first line at `indent` that is not a key.
    fn block_map(&mut self, indent: isize, pos: Pos) -> Node {
        self.depth += 1;
        let mut entries = Vec::new();
        loop {
            let mark = self.mark();
            while matches!(self.peek(), Some(b'&' | b'!')) {
                self.skip_property(false);
                self.skip_inline_ws();
            }
            let key_pos = self.pos();
            let key = if self.at_complex_key() {
                self.bump();
                self.block_node(indent, false);
                let at_next = self.next_line_at(indent);
                if !(at_next && self.at_value_indicator(false)) {
                    // A `? key` without a value; the cursor is at whatever follows.
                    entries.push(Entry {
                        key: None,
                        pos: key_pos,
                        value: Node {
                            pos: key_pos,
                            shape: Shape::Empty,
                        },
                    });
                    if at_next {
                        continue;
                    }
                    break;
                }
                None
            } else {
                if self.at_dash_item() {
                    self.restore(mark);
                    break;
                }
                let key = match self.peek() {
                    Some(b'[' | b'{') => {
                        self.flow_node();
                        None
                    }
                    _ => self.scalar_token(false),
                };
                self.skip_inline_ws();
                if !self.at_value_indicator(false) {
                    self.restore(mark);
                    break;
                }
                key
            };
            self.bump(); // the ':'
            let value = self.block_node(indent, true);
            entries.push(Entry {
                key,
                pos: key_pos,
                value,
            });
            if !self.next_line_at(indent) {
                break;
            }
        }
        self.depth -= 1;
        Node {
            pos,
            shape: Shape::Map(entries),
        }
    }

    /// `?` followed by a space or the end of the line: a complex mapping key.
    fn at_complex_key(&self) -> bool {
        self.peek() == Some(b'?') && self.peek_at(1).is_none_or(|b| is_ws(b) || b == b'\n')
    }

    /// A block sequence whose first `-` is under the cursor, at `indent`.
    fn block_seq(&mut self, indent: isize, pos: Pos) -> Node {
        self.depth += 1;
        let mut items = Vec::new();
        loop {
            let dash = self.pos();
            self.bump(); // the '-'
            let mut item = self.block_node(indent, false);
            if matches!(item.shape, Shape::Empty) {
                item.pos = dash;
            }
            items.push(item);
            if !self.next_line_at(indent) || !self.at_dash_item() {
                break;
            }
        }
        self.depth -= 1;
        Node {
            pos,
            shape: Shape::Seq(items),
        }
    }

    /// Whitespace, line breaks and comments inside a flow collection.
    fn skip_flow_ws(&mut self) {
        loop {
            match self.peek() {
                Some(b) if is_ws(b) || b == b'\n' => self.bump(),
                Some(b'#') => self.skip_comment(),
                _ => return,
            }
        }
    }

    fn flow_node(&mut self) -> Node {
        self.skip_flow_ws();
        while matches!(self.peek(), Some(b'&' | b'!')) {
            self.skip_property(true);
            self.skip_flow_ws();
        }
        let pos = self.pos();
        match self.peek() {
            Some(b'{') | Some(b'[') if self.depth >= MAX_DEPTH => {
                self.bump();
                Node {
                    pos,
                    shape: Shape::Scalar,
                }
            }
            Some(b'{') => self.flow_map(pos),
            Some(b'[') => self.flow_seq(pos),
            Some(b'*') => {
                self.skip_property(true);
                Node {
                    pos,
                    shape: Shape::Alias,
                }
            }
            None | Some(b',' | b']' | b'}') => Node {
                pos,
                shape: Shape::Empty,
            },
            Some(_) => {
                self.flow_scalar();
                Node {
                    pos,
                    shape: Shape::Scalar,
                }
            }
        }
    }

    /// A scalar inside a flow collection; plain ones may run over lines.
    fn flow_scalar(&mut self) -> Option<String> {
        let first = self.scalar_token(true);
        if !matches!(self.peek(), Some(b'\n')) {
            return first;
        }
        // A plain scalar continues on the next line until an indicator.
        loop {
            self.skip_flow_ws();
            match self.peek() {
                None => return first,
                Some(b) if is_flow_indicator(b) => return first,
                Some(b':') if self.at_value_indicator(true) => return first,
                Some(_) => {
                    let before = self.i;
                    self.scalar_token(true);
                    if self.i == before {
                        self.bump();
                    }
                }
            }
        }
    }

    fn flow_map(&mut self, pos: Pos) -> Node {
        self.depth += 1;
        self.bump(); // '{'
        let mut entries = Vec::new();
        loop {
            self.skip_flow_ws();
            match self.peek() {
                None => break,
                Some(b'}') => {
                    self.bump();
                    break;
                }
                Some(b',') => {
                    self.bump();
                    continue;
                }
                _ => {}
            }
            let before = self.i;
            let key_pos = self.pos();
            let key = match self.peek() {
                Some(b'?') if self.peek_at(1).is_none_or(|b| is_ws(b) || b == b'\n') => {
                    self.bump();
                    self.flow_node();
                    None
                }
                Some(b'[' | b'{') => {
                    self.flow_node();
                    None
                }
                Some(b'&' | b'!') => {
                    self.skip_property(true);
                    continue;
                }
                _ => self.flow_scalar(),
            };
            self.skip_flow_ws();
            let value = if self.peek() == Some(b':') {
                self.bump();
                self.flow_node()
            } else {
                Node {
                    pos: key_pos,
                    shape: Shape::Empty,
                }
            };
            entries.push(Entry {
                key,
                pos: key_pos,
                value,
            });
            self.skip_flow_ws();
            if self.i == before {
                self.bump();
            }
            if !matches!(self.peek(), None | Some(b',' | b'}')) {
                // Something the grammar does not allow here: step over it.
                self.bump();
            }
        }
        self.depth -= 1;
        Node {
            pos,
            shape: Shape::Map(entries),
        }
    }

    fn flow_seq(&mut self, pos: Pos) -> Node {
        self.depth += 1;
        self.bump(); // '['
        let mut items = Vec::new();
        loop {
            self.skip_flow_ws();
            match self.peek() {
                None => break,
                Some(b']') => {
                    self.bump();
                    break;
                }
                Some(b',') => {
                    self.bump();
                    continue;
                }
                _ => {}
            }
            let before = self.i;
            let mut item = self.flow_node();
            self.skip_flow_ws();
            if self.peek() == Some(b':') {
                // `[key: value]` is a sequence of one-entry mappings.
                self.bump();
                let value = self.flow_node();
                let key_pos = item.pos;
                let key = match item.shape {
                    Shape::Scalar => self.text_key_at(before),
                    _ => None,
                };
                item = Node {
                    pos: key_pos,
                    shape: Shape::Map(alloc::vec![Entry {
                        key,
                        pos: key_pos,
                        value,
                    }]),
                };
                self.skip_flow_ws();
            }
            items.push(item);
            if self.i == before {
                self.bump();
            }
            if !matches!(self.peek(), None | Some(b',' | b']')) {
                self.bump();
            }
        }
        self.depth -= 1;
        Node {
            pos,
            shape: Shape::Seq(items),
        }
    }

    /// Re-reads the key of a `[key: value]` pair from where it started.
    fn text_key_at(&self, start: usize) -> Option<String> {
        let rest = self.text.get(start..)?;
        let rest = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        let mut sub = Scanner::new(rest, 1, 1);
        sub.scalar_token(true)
    }
}

/// The escapes of a double-quoted YAML scalar that can appear in keys; anything else is kept
/// as written.
fn unescape_double(raw: &str) -> String {
    if !raw.contains('\\') && !raw.contains('\n') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\n' {
            // Line folding: a break and the indentation after it become one space.
            while out.ends_with([' ', '\t']) {
                out.pop();
            }
            out.push(' ');
            let rest = chars.as_str().trim_start_matches([' ', '\t']);
            chars = rest.chars();
            continue;
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some(e @ ('x' | 'u' | 'U')) => {
                let len = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = chars.by_ref().take(len).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => {
                        out.push('\\');
                        out.push(e);
                        out.push_str(&hex);
                    }
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}
