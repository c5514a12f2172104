//! The grammar: a recursive descent over the document's bytes, one function per YAML
//! production that matters (block mapping, block sequence, block scalar, flow collection,
//! plain and quoted scalars, properties), building the [`Tree`] bottom-up.
//!
//! Indentation is measured in the document's own text (the first line starts at column 0 even
//! right after a `---`), positions are reported in the whole stream. Structure only ever stops
//! at ASCII bytes, so byte offsets are always character boundaries, and an indentation (spaces)
//! is as many columns as bytes.

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::cmp::Ordering;

use super::scalar::{resolve, Tag};
use super::{key_cmp, resolved_in, Error, Node, Pos, Step, Tree, Value, MAX_DEPTH, MAX_EXPANDED};
use crate::sort::SharedSort;

type Result<T> = core::result::Result<T, Error>;

/// Reads one document. `line` and `column` (1-based) are where `text` starts in the whole
/// stream: positions in the tree and in errors are the stream's.
pub fn parse(text: &str, line: usize, column: usize) -> Result<Tree<'_>> {
    let mut p = Parser {
        text,
        b: text.as_bytes(),
        i: 0,
        line: 0,
        line_start: 0,
        base_line: u32::try_from(line.max(1)).unwrap_or(u32::MAX),
        base_column: u32::try_from(column.max(1)).unwrap_or(u32::MAX),
        col_cache: (0, 0),
        nodes: Vec::with_capacity(text.len() / 24),
        stack: Vec::new(),
        anchors: BTreeMap::new(),
        depth: 0,
        expanded: 0,
        closed: None,
        big_int: None,
        json_end: usize::MAX,
    };
    p.check_characters()?;
    if text.starts_with('\u{feff}') {
        // Invisible: the first column is after it.
        p.i = 3;
        p.line_start = 3;
    }
    let root = if p.skip_to_content(false)? {
        if p.peek() == b'%' && p.i == p.line_start {
            return Err(
                p.error_here("a directive (%YAML, %TAG) may only come before a document's ---".to_string())
            );
        }
        p.block_indent()?;
        let at = p.pos();
        Some(p.block_node(-1, Ctx::Root, at)?)
    } else {
        None
    };
    if p.skip_to_content(true)? {
        let message = match p.closed.filter(|&top| top > p.column()) {
            Some(top) => format!(
                "this line is indented less than the document's top-level block (column {}): \
                 check its indentation, or separate documents with ---",
                top + 1
            ),
            None => "unexpected content after the end of the document (check its indentation, \
                     or separate documents with ---)"
                .to_string(),
        };
        return Err(p.error_here(message));
    }
    Ok(Tree {
        nodes: p.nodes,
        root,
        big_int: p.big_int,
    })
}

/// Where a block node starts, which decides what may follow on its line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// The document's root.
    Root,
    /// After `key:`: on the same line only a scalar, a flow collection or an alias; below it a
    /// sequence may sit at the key's own indentation.
    Value,
    /// After `- `, `? ` or an explicit `: `: a compact mapping or sequence may start on the line.
    Item,
}

/// Where a plain scalar is, which decides where it ends.
#[derive(Clone, Copy)]
enum Plain {
    /// In block context, inside a collection indented this much: it continues on the following
    /// lines indented more.
    Block(i32),
    /// A block mapping's key: one line.
    Key,
    /// Inside a flow collection: `,[]{}` end it, it continues on any following line.
    Flow,
}

/// A node just read: a scalar not yet resolved, or a collection or alias already in the tree.
enum Content<'a> {
    Scalar(Pos, Cow<'a, str>, bool),
    Node(u32),
}

/// An anchor and a tag read before a node.
#[derive(Clone, Copy, Default)]
struct Props<'a> {
    anchor: Option<(&'a str, Pos)>,
    tag: Option<(Tag, Pos)>,
}

impl Props<'_> {
    fn is_empty(&self) -> bool {
        self.anchor.is_none() && self.tag.is_none()
    }

    fn tag(&self) -> Tag {
        self.tag.map_or(Tag::Untagged, |(t, _)| t)
    }
}

struct Parser<'a> {
    text: &'a str,
    b: &'a [u8],
    /// The cursor, a byte offset in `text`.
    i: usize,
    /// The cursor's line (0-based, in `text`) and where that line starts.
    line: u32,
    line_start: usize,
    /// Where `text` starts in the stream (1-based).
    base_line: u32,
    base_column: u32,
    /// (byte offset, 0-based column) of the last position asked for on this line: positions are
    /// asked for left to right, so counting characters from there keeps long lines linear.
    col_cache: (usize, u32),
    nodes: Vec<Node<'a>>,
    /// Children of the collections being read, innermost last.
    stack: Vec<u32>,
    /// Every anchor so far, to the node it names; `None` while that node is being read.
    anchors: BTreeMap<&'a str, Option<u32>>,
    /// Collections open around the cursor.
    depth: u32,
    /// Values added by aliases so far.
    expanded: u32,
    /// The column of the block collection that ended last, for indentation messages.
    closed: Option<i32>,
    /// The first integer beyond 64 bits.
    big_int: Option<u32>,
    /// Where the last quoted scalar or flow collection ended: a `:` right after one (after
    /// blanks) is a value indicator in flow context, as in JSON's `"a":1`.
    json_end: usize,
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn is_break(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

fn is_flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

impl<'a> Parser<'a> {
    // --- The cursor.

    /// The byte under the cursor; 0 at the end (a NUL in the text is refused up front).
    fn peek(&self) -> u8 {
        self.b.get(self.i).copied().unwrap_or(0)
    }

    fn peek_at(&self, k: usize) -> u8 {
        self.b.get(self.i + k).copied().unwrap_or(0)
    }

    fn at_end(&self) -> bool {
        self.i >= self.b.len()
    }

    /// A blank, a line break or the end after the cursor's byte: what makes `-`, `?` and `:`
    /// indicators.
    fn blankz_after(&self) -> bool {
        let b = self.peek_at(1);
        b == 0 || is_blank(b) || is_break(b)
    }

    fn at_eol(&self) -> bool {
        let b = self.peek();
        b == 0 || is_break(b)
    }

    /// Moves over a line break (`\n` or `\r\n`) under the cursor.
    fn skip_break(&mut self) {
        if self.peek() == b'\r' {
            self.i += 1;
        }
        if self.peek() == b'\n' {
            self.i += 1;
            self.line = self.line.saturating_add(1);
            self.line_start = self.i;
        }
    }

    fn skip_blanks(&mut self) {
        while is_blank(self.peek()) {
            self.i += 1;
        }
    }

    /// A `#` here starts a comment: it is at the start of a line or after a blank.
    fn at_comment(&self) -> bool {
        self.peek() == b'#'
            && (self.i == self.line_start
                || self
                    .i
                    .checked_sub(1)
                    .and_then(|j| self.b.get(j))
                    .is_some_and(|&b| is_blank(b)))
    }

    fn skip_to_eol(&mut self) {
        while !self.at_eol() {
            self.i += 1;
        }
    }

    /// Only blanks before the cursor on its line.
    fn first_on_line(&self) -> bool {
        self.b
            .get(self.line_start..self.i)
            .is_some_and(|s| s.iter().all(|&b| is_blank(b)))
    }

    /// The cursor's position in the stream.
    fn pos(&mut self) -> Pos {
        let (from, col) = if self.col_cache.0 >= self.line_start && self.col_cache.0 <= self.i {
            self.col_cache
        } else {
            (self.line_start, 0)
        };
        let counted = self.text.get(from..self.i).map_or(0, |s| s.chars().count());
        let col = col + u32::try_from(counted).unwrap_or(u32::MAX);
        self.col_cache = (self.i, col);
        let first = if self.line == 0 { self.base_column } else { 1 };
        Pos {
            line: self.base_line.saturating_add(self.line),
            column: first.saturating_add(col),
        }
    }

    fn error_at(&self, pos: Pos, message: String) -> Error {
        Error {
            pos,
            message,
            path: None,
        }
    }

    fn error_here(&mut self, message: String) -> Error {
        let pos = self.pos();
        self.error_at(pos, message)
    }

    /// The characters YAML allows anywhere (printable Unicode, tab and line breaks; a `\r`
    /// only before `\n`). Checked once, so the grammar below can take every byte as text.
    fn check_characters(&mut self) -> Result<()> {
        let mut i = 0;
        let bad = loop {
            let Some(&b) = self.b.get(i) else {
                return Ok(());
            };
            let (ok, len) = match b {
                b'\t' | b'\n' | b' '..=b'~' => (true, 1),
                b'\r' => (self.b.get(i + 1) == Some(&b'\n'), 1),
                0x80.. => match self.text.get(i..).and_then(|s| s.chars().next()) {
                    Some(c) => (
                        matches!(c, '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..),
                        c.len_utf8(),
                    ),
                    None => (false, 1),
                },
                _ => (false, 1),
            };
            if !ok {
                break i;
            }
            i += len;
        };
        // Only now count the lines before it.
        for (j, &b) in self.b.iter().enumerate().take(bad) {
            if b == b'\n' {
                self.line = self.line.saturating_add(1);
                self.line_start = j + 1;
            }
        }
        self.i = bad;
        let c = self
            .text
            .get(bad..)
            .and_then(|s| s.chars().next())
            .unwrap_or('\0');
        let message = if c == '\r' {
            "a carriage return (\\r) must be followed by a line feed (\\n): save the text with LF \
             or CRLF line ends"
                .to_string()
        } else {
            format!(
                "the control character U+{:04X} is not allowed in YAML (write it as an escape in a \
                 double-quoted string)",
                u32::from(c)
            )
        };
        Err(self.error_here(message))
    }

    /// Skips blanks, comments and line breaks; false at the end of the text. `after_node`: the
    /// cursor is just after a node, so a `#` glued to it is not a comment but an error.
    fn skip_to_content(&mut self, after_node: bool) -> Result<bool> {
        loop {
            self.skip_blanks();
            if self.peek() == b'#' {
                if after_node && !self.at_comment() {
                    return Err(self.error_here(
                        "a comment must be separated from the value before it by a space".to_string(),
                    ));
                }
                self.skip_to_eol();
            }
            if self.at_end() {
                return Ok(false);
            }
            if !is_break(self.peek()) {
                return Ok(true);
            }
            self.skip_break();
        }
    }

    /// After a node in block context: the rest of its line must be blank or a comment; then
    /// moves to the first content of the next line that has some. False at the end of the text.
    fn next_line(&mut self) -> Result<bool> {
        if !self.first_on_line() {
            self.skip_blanks();
            if !self.at_eol() && !self.at_comment() {
                let message = if self.peek() == b'#' {
                    "a comment must be separated from the value before it by a space".to_string()
                } else {
                    "unexpected text after the value (a value ends its line, or this line is not \
                     indented the way it should be)"
                        .to_string()
                };
                return Err(self.error_here(message));
            }
        }
        self.skip_to_content(false)
    }

    /// The indentation of the line under the cursor, which is at the line's first content.
    /// Indentation is made of spaces: a tab in it is an error.
    fn block_indent(&mut self) -> Result<i32> {
        let leading = self.b.get(self.line_start..self.i).unwrap_or(&[]);
        if let Some(tab) = leading.iter().position(|&b| b == b'\t') {
            let back = self.i;
            self.i = self.line_start + tab;
            let err = self.error_here("a tab cannot indent a line of YAML: indent with spaces".to_string());
            self.i = back;
            return Err(err);
        }
        Ok(i32::try_from(leading.len()).unwrap_or(i32::MAX))
    }

    /// The cursor's column in the text (0-based; bytes, which are the columns wherever a block
    /// structure starts: only spaces and ASCII indicators precede it on its line).
    fn column(&self) -> i32 {
        // The cursor is never before its line's start.
        i32::try_from(self.i.saturating_sub(self.line_start)).unwrap_or(i32::MAX)
    }

    // --- Building the tree.

    fn push(&mut self, pos: Pos, value: Value<'a>, size: u32, height: u32) -> u32 {
        let index = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        self.nodes.push(Node {
            pos,
            value,
            size,
            height,
        });
        index
    }

    fn scalar(&mut self, pos: Pos, text: Cow<'a, str>, plain: bool, props: Props<'a>) -> Result<u32> {
        let value = resolve(text, plain, props.tag()).map_err(|m| {
            let at = props.tag.map_or(pos, |(_, p)| p);
            self.error_at(at, m)
        })?;
        let big = matches!(value, Value::BigInt(_));
        let node = self.push(pos, value, 1, 0);
        if big && self.big_int.is_none() {
            self.big_int = Some(node);
        }
        self.anchor(props, node);
        Ok(node)
    }

    /// A node without content (`key:`, `- `): null, or the empty string under `!!str`.
    fn empty(&mut self, pos: Pos, props: Props<'a>) -> Result<u32> {
        self.scalar(pos, Cow::Borrowed(""), true, props)
    }

    /// Names `node` with the properties' anchor, if any.
    fn anchor(&mut self, props: Props<'a>, node: u32) {
        if let Some((name, _)) = props.anchor {
            self.anchors.insert(name, Some(node));
        }
    }

    /// Marks the properties' anchor as being read, so that an alias to it inside its own node
    /// is caught.
    fn open_anchor(&mut self, props: &Props<'a>) {
        if let Some((name, _)) = props.anchor {
            self.anchors.insert(name, None);
        }
    }

    /// One more level of collections.
    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here(format!(
                "collections are nested more than {MAX_DEPTH} levels deep here"
            )));
        }
        Ok(())
    }

    /// Closes a collection whose children are `self.stack[from..]`.
    fn collection(&mut self, pos: Pos, from: usize, map: bool) -> u32 {
        self.depth = self.depth.saturating_sub(1);
        let from = from.min(self.stack.len());
        let children: Box<[u32]> = self.stack.drain(from..).collect();
        let mut size: u32 = 1;
        let mut height: u32 = 0;
        for &c in children.iter() {
            let n = self.nodes.get(c as usize);
            size = size.saturating_add(n.map_or(1, |n| n.size));
            height = height.max(n.map_or(0, |n| n.height));
        }
        let value = if map {
            Value::Map(children)
        } else {
            Value::Seq(children)
        };
        self.push(pos, value, size, height.saturating_add(1))
    }

    // --- Block context.

    /// A node that starts at the cursor (just after `-`, `?`, `:`, or at the root's first
    /// content) inside a block collection indented `n`. `empty_at`: the position of the node if
    /// it turns out to have no content.
    fn block_node(&mut self, n: i32, ctx: Ctx, empty_at: Pos) -> Result<u32> {
        self.skip_blanks();
        if self.at_eol() || self.at_comment() {
            return self.below(n, ctx, Props::default(), empty_at);
        }
        let fresh = ctx != Ctx::Value;
        self.node_here(n, ctx, fresh, Props::default())
    }

    /// The node whose properties (if any) ended a line: it is on the next lines, indented more
    /// than `n` (or a sequence at `n` under a key), or it is empty.
    fn below(&mut self, n: i32, ctx: Ctx, props: Props<'a>, empty_at: Pos) -> Result<u32> {
        self.open_anchor(&props);
        if !self.skip_to_content(false)? {
            return self.empty(empty_at, props);
        }
        let m = self.block_indent()?;
        if m > n {
            return self.node_here(n, ctx, true, props);
        }
        if m == n && ctx == Ctx::Value && self.peek() == b'-' && self.blankz_after() {
            return self.block_seq(props);
        }
        self.empty(empty_at, props)
    }

    /// A node whose content starts under the cursor, inside a block collection indented `n`.
    /// `fresh`: nothing but indentation or indicators precedes it on its line, so a block
    /// collection may start here. `outer`: properties read on an earlier line.
    fn node_here(&mut self, n: i32, ctx: Ctx, fresh: bool, outer: Props<'a>) -> Result<u32> {
        let start = self.pos();
        let col = self.column();
        let props = self.properties()?;
        if !props.is_empty() {
            self.skip_blanks();
            if self.at_eol() || self.at_comment() {
                // Properties may be split over lines: `&a` then `!t` then the node.
                let both = self.join(outer, props, start)?;
                return self.below(n, ctx, both, start);
            }
        }
        let c = self.peek();
        if (c == b'-' || c == b'?' || c == b':') && self.blankz_after() {
            if c == b':' && !props.is_empty() && fresh {
                // `!!str : value`: the key is an empty node with properties.
                let key = self.empty(start, props)?;
                return self.block_map(col, outer, Some(key));
            }
            let what = match c {
                b'-' => "a sequence item (- )",
                b'?' => "an explicit key (? )",
                _ => "a mapping value (: ) without a key",
            };
            if !fresh || !props.is_empty() {
                return Err(self.error_here(format!(
                    "{what} cannot start here: a block collection starts on a line of its own"
                )));
            }
            return match c {
                b'-' => self.block_seq(outer),
                _ => self.block_map(col, outer, None),
            };
        }
        if c == b'|' || c == b'>' {
            let props = self.join(outer, props, start)?;
            self.open_anchor(&props);
            return self.block_scalar(n, props);
        }
        // A scalar, a flow collection or an alias: a value, or the first key of a mapping.
        let line = self.line;
        self.open_anchor(&props);
        let content = self.content(Plain::Block(n))?;
        self.skip_blanks();
        if self.peek() == b':' && self.blankz_after() {
            if self.line != line {
                return Err(self.error_here(
                    "a key must be on one line: this ':' follows a value that spans lines (or a \
                     nested mapping that should start on a line of its own)"
                        .to_string(),
                ));
            }
            if !fresh {
                return Err(self.error_here(
                    "a mapping cannot start on the same line as its key: put it on the next \
                     line, indented"
                        .to_string(),
                ));
            }
            self.key_length(start)?;
            let key = self.finish(content, props)?;
            return self.block_map(col, outer, Some(key));
        }
        let props = self.join(outer, props, start)?;
        self.finish(content, props)
    }

    /// Properties from an earlier line and from this one, for one node: one anchor and one tag
    /// at most.
    fn join(&self, outer: Props<'a>, props: Props<'a>, at: Pos) -> Result<Props<'a>> {
        if (outer.anchor.is_some() && props.anchor.is_some()) || (outer.tag.is_some() && props.tag.is_some())
        {
            return Err(self.two_properties(at));
        }
        Ok(Props {
            anchor: outer.anchor.or(props.anchor),
            tag: outer.tag.or(props.tag),
        })
    }

    fn two_properties(&self, at: Pos) -> Error {
        self.error_at(at, "a node takes one anchor and one tag".to_string())
    }

    /// Implicit keys are at most 1024 characters (YAML 1.2, and libyaml).
    fn key_length(&mut self, start: Pos) -> Result<()> {
        let here = self.pos();
        if here.line == start.line && here.column.saturating_sub(start.column) > 1024 {
            return Err(self.error_at(
                start,
                "a key longer than 1024 characters must be written as an explicit key (? key)".to_string(),
            ));
        }
        Ok(())
    }

    /// A block sequence whose first `-` is under the cursor.
    fn block_seq(&mut self, props: Props<'a>) -> Result<u32> {
        self.enter()?;
        let pos = self.pos();
        let col = self.column();
        let from = self.stack.len();
        loop {
            let dash = self.pos();
            self.i += 1;
            let index = self.stack.len().saturating_sub(from);
            self.closed = None;
            let item = self
                .block_node(col, Ctx::Item, dash)
                .map_err(|e| e.within(Step::Index(index)))?;
            self.stack.push(item);
            if !self.next_line()? {
                break;
            }
            let m = self.block_indent()?;
            if m == col && self.peek() == b'-' && self.blankz_after() {
                continue;
            }
            if m > col {
                return Err(self.misindented(m, col, "the '-' of its sequence's items"));
            }
            break;
        }
        self.closed = Some(col);
        let node = self.collection(pos, from, false);
        self.anchor(props, node);
        Ok(node)
    }

    /// A block mapping at column `col`. With `first`, its first key has been read and the
    /// cursor is at its `:`; otherwise the cursor is at the first entry.
    fn block_map(&mut self, col: i32, props: Props<'a>, first: Option<u32>) -> Result<u32> {
        self.enter()?;
        let pos = match first {
            Some(k) => self.node_pos(k),
            None => self.pos(),
        };
        let from = self.stack.len();
        let mut first = first;
        loop {
            let mut key = match first.take() {
                Some(k) => k,
                None => self.block_key(col)?,
            };
            self.closed = None;
            let value = if self.peek() == b'?' {
                // `? key` then, on a later line at the mapping's indentation, `: value`.
                let at = self.pos();
                self.i += 1;
                key = self.block_node(col, Ctx::Item, at)?;
                self.stack.push(key);
                let more = self.next_line()?;
                if more && self.block_indent()? == col && self.peek() == b':' && self.blankz_after() {
                    let at = self.pos();
                    self.i += 1;
                    self.block_node(col, Ctx::Item, at)
                } else {
                    self.empty(at, Props::default())
                }
            } else {
                self.stack.push(key);
                let at = self.pos();
                self.i += 1; // the ':'
                self.block_node(col, Ctx::Value, at)
            };
            let value = match value {
                Ok(v) => v,
                Err(e) => return Err(e.within(Step::Key(self.key_text(key)))),
            };
            self.stack.push(value);
            if !self.next_line()? {
                break;
            }
            let m = self.block_indent()?;
            if m == col {
                if self.peek() == b'-' && self.blankz_after() {
                    return Err(self.error_here(
                        "a sequence item cannot follow a mapping's entries at the same \
                         indentation: indent it under its key, or start a key here"
                            .to_string(),
                    ));
                }
                continue;
            }
            if m > col {
                return Err(self.misindented(m, col, "the keys of its mapping"));
            }
            break;
        }
        self.check_entries(from)?;
        self.closed = Some(col);
        let node = self.collection(pos, from, true);
        self.anchor(props, node);
        Ok(node)
    }

    /// A line indented `m`, more than the block it is in (at `col`) but not part of the node
    /// above.
    fn misindented(&mut self, m: i32, col: i32, what: &str) -> Error {
        let message = match self.closed.filter(|&inner| inner > m) {
            Some(inner) => format!(
                "this line is indented less than the block above it (column {}) and more than \
                 {what} (column {}): check its indentation",
                inner + 1,
                col + 1
            ),
            None => format!(
                "this line is indented more than {what} (column {}) but is not part of the value \
                 above: check its indentation",
                col + 1
            ),
        };
        self.error_here(message)
    }

    /// The key of a block mapping entry at the cursor (the first content of a line at the
    /// mapping's column); the cursor ends at its `:`, or stays at a `?` for an explicit key
    /// (which the caller reads).
    fn block_key(&mut self, col: i32) -> Result<u32> {
        let start = self.pos();
        if self.peek() == b'?' && self.blankz_after() {
            // Read by the caller; a placeholder that is never used as a key.
            return Ok(u32::MAX);
        }
        if self.peek() == b':' && self.blankz_after() {
            return self.empty(start, Props::default());
        }
        let props = self.properties()?;
        if !props.is_empty() {
            self.skip_blanks();
            if self.peek() == b':' && self.blankz_after() {
                return self.empty(start, props);
            }
        }
        let line = self.line;
        let not_key = |p: &Self| {
            p.error_at(
                start,
                format!(
                    "expected a key (key: value) here, at the indentation of the mapping's other \
                     keys (column {})",
                    col + 1
                ),
            )
        };
        if self.at_eol()
            || self.at_comment()
            || (matches!(self.peek(), b'|' | b'>' | b'-') && self.blankz_after())
        {
            return Err(not_key(self));
        }
        self.open_anchor(&props);
        let content = self.content(Plain::Key)?;
        self.skip_blanks();
        if self.line != line || self.peek() != b':' || !self.blankz_after() {
            return Err(not_key(self));
        }
        self.key_length(start)?;
        self.finish(content, props)
    }

    /// Checks the entries `self.stack[from..]` (key, value, …) of a mapping: no key twice (the
    /// error at the first repeat in text order), and a merge key's value a mapping or a
    /// sequence of mappings.
    fn check_entries(&mut self, from: usize) -> Result<()> {
        let flat = self.stack.get(from..).unwrap_or(&[]);
        let merged = flat
            .chunks_exact(2)
            .find(|kv| {
                kv.first().is_some_and(
                    |&k| matches!(&resolved_in(&self.nodes, k).value, Value::Str(s) if s == "<<"),
                )
            })
            .and_then(|kv| kv.get(1).copied());
        let Some((first, again)) = first_repeat(&self.nodes, flat) else {
            return match merged {
                Some(value) => self.check_merge(value),
                None => Ok(()),
            };
        };
        let key = self.key_text(again);
        let at = self.node_pos(first);
        let shown = match &self.resolved_value(again) {
            Value::Str(_) => crate::error::Quoted(&key).to_string(),
            _ => key.clone(),
        };
        Err(Error {
            pos: self.node_pos(again),
            message: format!(
                "the key {shown} appears twice in this mapping (first at line {}, column {})",
                at.line, at.column
            ),
            path: Some(vec![Step::Key(key)]),
        })
    }

    /// A merge key's value: a mapping, or a sequence of mappings (aliases, mostly).
    fn check_merge(&self, value: u32) -> Result<()> {
        let what = |v: &Value<'_>| match v {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Uint(_) | Value::Int(_) | Value::Float(_) | Value::BigInt(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a sequence",
            Value::Map(_) | Value::Alias(_) => "a mapping",
        };
        match &resolved_in(&self.nodes, value).value {
            Value::Map(_) => Ok(()),
            Value::Seq(items) => match items
                .iter()
                .enumerate()
                .find(|(_, &item)| !matches!(resolved_in(&self.nodes, item).value, Value::Map(_)))
            {
                None => Ok(()),
                Some((i, &item)) => Err(self.error_at(
                    // Through an alias, the items are elsewhere: the alias is what to fix.
                    if matches!(
                        self.nodes.get(value as usize).map(|n| &n.value),
                        Some(Value::Alias(_))
                    ) {
                        self.node_pos(value)
                    } else {
                        self.node_pos(item)
                    },
                    format!(
                        "every item of a merge key's list (<<: [*a, *b]) must be a mapping; item {i} \
                         is {}",
                        what(&resolved_in(&self.nodes, item).value)
                    ),
                )),
            },
            other => Err(self.error_at(
                self.node_pos(value),
                format!(
                    "a merge key (<<) takes a mapping to merge, or a list of them, not {}",
                    what(other)
                ),
            )),
        }
    }

    fn node_pos(&self, i: u32) -> Pos {
        self.nodes
            .get(i as usize)
            .map_or(Pos { line: 1, column: 1 }, |n| n.pos)
    }

    fn resolved_value(&self, i: u32) -> Value<'a> {
        let node = self.nodes.get(i as usize);
        let node = match node.map(|n| &n.value) {
            Some(Value::Alias(t)) => self.nodes.get(*t as usize),
            _ => node,
        };
        node.map_or(Value::Null, |n| match &n.value {
            Value::Seq(_) | Value::Map(_) => Value::Seq(Box::new([])),
            v => v.clone(),
        })
    }

    /// A key as a path step: as JSON writes it.
    fn key_text(&self, key: u32) -> String {
        match self.resolved_value(key) {
            Value::Str(s) | Value::BigInt(s) => s.into_owned(),
            Value::Null => "null".to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Uint(u) => u.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => super::float_text(f),
            Value::Seq(_) | Value::Map(_) | Value::Alias(_) => "?".to_string(),
        }
    }

    /// A `|` or `>` block scalar under the cursor, in a block collection indented `n`.
    fn block_scalar(&mut self, n: i32, props: Props<'a>) -> Result<u32> {
        let pos = self.pos();
        let literal = self.peek() == b'|';
        self.i += 1;
        let mut chomp: Option<bool> = None; // Some(true): keep (+), Some(false): strip (-)
        let mut explicit: Option<i32> = None;
        loop {
            match self.peek() {
                b'+' | b'-' if chomp.is_none() => chomp = Some(self.peek() == b'+'),
                b'1'..=b'9' if explicit.is_none() => explicit = Some(i32::from(self.peek() - b'0')),
                b'0' if explicit.is_none() => {
                    return Err(self
                        .error_here("a block scalar's indentation indicator is 1 to 9, not 0".to_string()));
                }
                _ => break,
            }
            self.i += 1;
        }
        self.skip_blanks();
        if !self.at_eol() && !self.at_comment() {
            return Err(self.error_here(
                "after | or > only a chomping indicator (- or +), an indentation digit (1-9) and \
                 a comment may follow on the line"
                    .to_string(),
            ));
        }
        self.skip_to_eol();
        self.skip_break();
        // The content's indentation: explicit, or that of its first non-empty line (at least
        // one more than the parent's, and not less than any empty line before it).
        let mut indent = explicit.map_or(0, |e| n.max(0) + e);
        let mut breaks = 0usize;
        let mut widest = 0;
        loop {
            while self.peek() == b' ' && (indent == 0 || self.column() < indent) {
                self.i += 1;
            }
            widest = widest.max(self.column());
            self.tab_in_indentation(indent)?;
            if !is_break(self.peek()) {
                break;
            }
            self.skip_break();
            breaks += 1;
        }
        if indent == 0 {
            indent = widest.max(n + 1).max(1);
        }
        let mut out = String::new();
        let mut leading_break = false; // the line break after the last content line
        let mut prev_blank = false; // that line started with a blank
        while self.column() == indent && !self.at_end() {
            let starts_blank = is_blank(self.peek());
            if !literal && leading_break && !prev_blank && !starts_blank {
                if breaks == 0 {
                    out.push(' ');
                }
            } else if leading_break {
                out.push('\n');
            }
            out.extend(core::iter::repeat_n('\n', breaks));
            breaks = 0;
            prev_blank = starts_blank;
            let from = self.i;
            self.skip_to_eol();
            let mut line = self.text.get(from..self.i).unwrap_or("");
            line = line.strip_suffix('\r').unwrap_or(line);
            out.push_str(line);
            leading_break = !self.at_end();
            self.skip_break();
            // Empty lines (and spaces up to the indentation) before the next content line.
            loop {
                while self.peek() == b' ' && self.column() < indent {
                    self.i += 1;
                }
                self.tab_in_indentation(indent)?;
                if self.at_end() || !is_break(self.peek()) {
                    break;
                }
                self.skip_break();
                breaks += 1;
            }
        }
        match chomp {
            Some(false) => {}
            None => {
                if leading_break {
                    out.push('\n');
                }
            }
            Some(true) => {
                if leading_break {
                    out.push('\n');
                }
                out.extend(core::iter::repeat_n('\n', breaks));
            }
        }
        self.scalar(pos, Cow::Owned(out), false, props)
    }

    /// In a block scalar's indentation, a tab where a space is expected is an error.
    fn tab_in_indentation(&mut self, indent: i32) -> Result<()> {
        if self.peek() == b'\t' && (indent == 0 || self.column() < indent) {
            return Err(
                self.error_here("a tab cannot indent a block scalar's lines: indent with spaces".to_string())
            );
        }
        Ok(())
    }

    // --- Nodes that can be keys: flow collections, quoted and plain scalars, aliases.

    /// A flow collection, alias, quoted or plain scalar under the cursor. A scalar is returned
    /// unresolved: whether the properties on the line above are its own is known only once it
    /// is known whether it is a key.
    fn content(&mut self, plain: Plain) -> Result<Content<'a>> {
        let pos = self.pos();
        let content = match self.peek() {
            b'[' => Content::Node(self.flow_seq()?),
            b'{' => Content::Node(self.flow_map()?),
            b'*' => return Ok(Content::Node(self.alias()?)),
            b'"' | b'\'' => Content::Scalar(pos, self.quoted()?, false),
            _ => return Ok(Content::Scalar(pos, self.plain(plain)?, true)),
        };
        self.json_end = self.i;
        Ok(content)
    }

    /// The node for `content`, with its properties.
    fn finish(&mut self, content: Content<'a>, props: Props<'a>) -> Result<u32> {
        match content {
            Content::Scalar(pos, text, plain) => self.scalar(pos, text, plain, props),
            Content::Node(node) => {
                if let (
                    Some(Node {
                        value: Value::Alias(_),
                        ..
                    }),
                    false,
                ) = (self.nodes.get(node as usize), props.is_empty())
                {
                    let at = props.anchor.map_or_else(
                        || props.tag.map_or(Pos { line: 1, column: 1 }, |(_, p)| p),
                        |(_, p)| p,
                    );
                    return Err(self.error_at(at, "an alias (*) cannot have an anchor or a tag".to_string()));
                }
                self.anchor(props, node);
                Ok(node)
            }
        }
    }

    /// Anchor and tag, in either order, before a node.
    fn properties(&mut self) -> Result<Props<'a>> {
        let mut props = Props::default();
        loop {
            let pos = self.pos();
            match self.peek() {
                b'&' if props.anchor.is_none() => {
                    self.i += 1;
                    let name = self.name("an anchor (&)")?;
                    props.anchor = Some((name, pos));
                    let c = self.peek();
                    if !(c == 0 || is_blank(c) || is_break(c) || matches!(c, b',' | b']' | b'}')) {
                        return Err(self.error_here(
                            "a space must separate an anchor from the value it names".to_string(),
                        ));
                    }
                }
                b'!' if props.tag.is_none() => props.tag = Some((self.tag()?, pos)),
                b'&' | b'!' => {
                    return Err(self.error_here("a node takes one anchor and one tag".to_string()));
                }
                _ => return Ok(props),
            }
            let mark = (self.i, self.col_cache);
            self.skip_blanks();
            if !matches!(self.peek(), b'&' | b'!') {
                (self.i, self.col_cache) = mark;
                return Ok(props);
            }
        }
    }

    /// An anchor or alias name after `&` or `*`: up to a blank, a flow indicator or a `:`
    /// that ends a key.
    fn name(&mut self, what: &str) -> Result<&'a str> {
        let start = self.i;
        while !(self.at_eol() || is_blank(self.peek()) || is_flow_indicator(self.peek())) {
            if self.peek() == b':' && self.blankz_after() {
                break;
            }
            self.i += 1;
        }
        match self.text.get(start..self.i) {
            Some(name) if !name.is_empty() => Ok(name),
            _ => Err(self.error_here(format!("{what} needs a name"))),
        }
    }

    /// A tag under the cursor (`!local`, `!`, `!!core`, `!<verbatim>`): its effect on a scalar.
    /// Tags are URIs: letters, digits, `%` escapes and `-#;/?:@&=+$,_.!~*'()[]` (no flow
    /// indicator outside `!<…>`); a blank, the line's end or the end of a flow entry follows.
    fn tag(&mut self) -> Result<Tag> {
        let start = self.pos();
        self.i += 1;
        let verbatim = self.peek() == b'<';
        if verbatim {
            self.i += 1;
        }
        let from = self.i;
        loop {
            let c = self.peek();
            let uri = c.is_ascii_alphanumeric() || b"-#;/?:@&=+$_.!~*'()%".contains(&c);
            if uri || (verbatim && is_flow_indicator(c)) {
                self.i += 1;
            } else {
                break;
            }
        }
        let body = self.text.get(from..self.i).unwrap_or("");
        if verbatim {
            if self.peek() != b'>' || body.is_empty() {
                return Err(self.error_at(start, "a verbatim tag is written !<uri>".to_string()));
            }
            self.i += 1;
        }
        let c = self.peek();
        if !(c == 0 || is_blank(c) || is_break(c) || matches!(c, b',' | b']' | b'}')) {
            return Err(self.error_here(
                "a tag is made of letters, digits and URI punctuation (%-escape anything else), \
                 and a space separates it from the value"
                    .to_string(),
            ));
        }
        if verbatim {
            return Ok(match body.strip_prefix("tag:yaml.org,2002:") {
                Some(core) => Tag::core(core),
                None if body.starts_with('!') => Tag::Untagged,
                None => Tag::Str,
            });
        }
        let (core, name) = match body.strip_prefix('!') {
            Some(core) => (true, core),
            None => (false, body),
        };
        if core && name.is_empty() {
            return Err(self.error_at(start, "!! must be followed by a tag name (!!str)".to_string()));
        }
        if let Some((handle, _)) = name.split_once('!') {
            let message = if !core && handle.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                format!("the tag handle !{handle}! is not defined (a %TAG directive cannot reach a document here)")
            } else {
                "a tag's name cannot contain '!'".to_string()
            };
            return Err(self.error_at(start, message));
        }
        Ok(if core { Tag::core(name) } else { Tag::Untagged })
    }

    /// A plain scalar under the cursor (see [`Plain`] for where it may end).
    fn plain(&mut self, context: Plain) -> Result<Cow<'a, str>> {
        let (continues, flow) = match context {
            Plain::Block(n) => (Some(n), false),
            Plain::Key => (None, false),
            Plain::Flow => (Some(-1), true),
        };
        let c = self.peek();
        let next = self.peek_at(1);
        let safe_next = !(next == 0 || is_blank(next) || is_break(next) || (flow && is_flow_indicator(next)));
        let may_start = match c {
            b'-' | b'?' | b':' => safe_next,
            b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"'
            | b'%' | b'@' | b'`' => false,
            _ => true,
        };
        if !may_start {
            let what = match c {
                b'@' | b'`' => format!(
                    "'{}' is reserved and cannot start a plain value: quote it",
                    c as char
                ),
                b'%' => {
                    "'%' cannot start a plain value here (a directive goes before ---): quote it".to_string()
                }
                b',' | b']' | b'}' => format!("expected a value, found '{}'", c as char),
                b'#' => "a comment must be separated from the value before it by a space".to_string(),
                _ => format!("'{}' cannot start a value here: quote it", c as char),
            };
            return Err(self.error_here(what));
        }
        let start = self.i;
        let mut end = self.plain_line(flow);
        let Some(n) = continues else {
            return Ok(Cow::Borrowed(self.text.get(start..end).unwrap_or("")));
        };
        let mut owned: Option<String> = None;
        loop {
            // Look past the line break for a continuation line.
            let mark = (self.i, self.line, self.line_start, self.col_cache);
            self.skip_blanks();
            if !is_break(self.peek()) || self.at_end() {
                (self.i, self.line, self.line_start, self.col_cache) = mark;
                break;
            }
            let mut breaks: usize = 0;
            while is_break(self.peek()) && !self.at_end() {
                self.skip_break();
                breaks += 1;
                // Blanks at the start of the line: spaces are indentation, then separation.
                while self.peek() == b' ' {
                    self.i += 1;
                }
                if !flow && self.peek() == b'\t' && self.column() <= n {
                    let after = self
                        .b
                        .get(self.i..)
                        .map_or(0, |s| s.iter().take_while(|&&b| is_blank(b)).count());
                    if !is_break(self.peek_at(after)) && self.peek_at(after) != 0 {
                        return Err(self.error_here(
                            "a tab cannot indent a line of YAML: indent with spaces".to_string(),
                        ));
                    }
                }
                self.skip_blanks();
            }
            let column = self.first_blank_column();
            let stop = self.at_end()
                || self.peek() == b'#'
                || (!flow && column <= n)
                || (flow && is_flow_indicator(self.peek()))
                || (self.peek() == b':'
                    && (self.blankz_after() || (flow && is_flow_indicator(self.peek_at(1)))));
            if stop {
                (self.i, self.line, self.line_start, self.col_cache) = mark;
                break;
            }
            let out = owned.get_or_insert_with(|| self.text.get(start..end).unwrap_or("").to_string());
            if breaks == 1 {
                out.push(' ');
            } else {
                out.extend(core::iter::repeat_n('\n', breaks.saturating_sub(1)));
            }
            let from = self.i;
            end = self.plain_line(flow);
            out.push_str(self.text.get(from..end).unwrap_or(""));
        }
        Ok(match owned {
            Some(s) => Cow::Owned(s),
            None => Cow::Borrowed(self.text.get(start..end).unwrap_or("")),
        })
    }

    /// The column of the line's indentation (spaces before the first blank or content).
    fn first_blank_column(&self) -> i32 {
        let spaces = self
            .b
            .get(self.line_start..)
            .map_or(0, |s| s.iter().take_while(|&&b| b == b' ').count());
        i32::try_from(spaces).unwrap_or(i32::MAX)
    }

    /// One line of a plain scalar: moves the cursor to where it stops (a `: `, a ` #`, a flow
    /// indicator in flow context, the line's end, with any blanks before it) and returns the
    /// end of its text.
    fn plain_line(&mut self, flow: bool) -> usize {
        let mut end = self.i;
        loop {
            let c = self.peek();
            if c == 0 || is_break(c) {
                // A \r is only ever part of \r\n (checked up front).
                return end;
            }
            if is_blank(c) {
                self.skip_blanks();
                if self.peek() == b'#' {
                    return end;
                }
                continue;
            }
            if c == b':' {
                let next = self.peek_at(1);
                if next == 0 || is_blank(next) || is_break(next) || (flow && is_flow_indicator(next)) {
                    return end;
                }
            }
            if flow && is_flow_indicator(c) {
                return end;
            }
            self.i += 1;
            end = self.i;
        }
    }

    // --- Flow context.

    /// Blanks, line breaks and comments inside a flow collection.
    fn skip_flow_space(&mut self) -> Result<()> {
        loop {
            self.skip_blanks();
            if self.at_comment() {
                self.skip_to_eol();
            }
            if is_break(self.peek()) && !self.at_end() {
                self.skip_break();
                continue;
            }
            return Ok(());
        }
    }

    /// A node inside a flow collection (the cursor at its first character, blanks skipped).
    fn flow_node(&mut self) -> Result<u32> {
        let start = self.pos();
        let mut props = self.properties()?;
        if !props.is_empty() {
            self.skip_flow_space()?;
            // The anchor and the tag may be on different lines.
            if matches!(self.peek(), b'&' | b'!') {
                let more = self.properties()?;
                props = self.join(props, more, start)?;
                self.skip_flow_space()?;
            }
        }
        self.open_anchor(&props);
        let c = self.peek();
        let value_indicator = c == b':' && (self.blankz_after() || is_flow_indicator(self.peek_at(1)));
        if c == 0 || matches!(c, b',' | b']' | b'}') || value_indicator {
            if props.is_empty() {
                return Err(if c == 0 {
                    self.error_here("the document ends inside a flow collection".to_string())
                } else {
                    self.error_here(format!("expected a value before '{}'", c as char))
                });
            }
            return self.empty(start, props);
        }
        if c == b'|' || c == b'>' {
            return Err(self.error_here(
                "a block scalar (| or >) cannot be inside a flow collection: quote the value".to_string(),
            ));
        }
        let content = self.content(Plain::Flow)?;
        self.finish(content, props)
    }

    /// `*name` under the cursor.
    fn alias(&mut self) -> Result<u32> {
        let pos = self.pos();
        self.i += 1;
        let name = self.name("an alias (*)")?;
        let target = match self.anchors.get(name) {
            Some(Some(t)) => *t,
            Some(None) => {
                return Err(self.error_at(
                    pos,
                    format!(
                        "the alias *{name} is inside the node &{name} names: a value cannot contain itself"
                    ),
                ));
            }
            None => {
                return Err(self.error_at(
                    pos,
                    format!("the alias *{name} names no anchor: &{name} must come before it"),
                ));
            }
        };
        let (size, height) = self
            .nodes
            .get(target as usize)
            .map_or((1, 0), |t| (t.size, t.height));
        if self.depth.saturating_add(height) > MAX_DEPTH {
            return Err(self.error_at(
                pos,
                format!("through *{name}, collections are nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        self.expanded = self.expanded.saturating_add(size);
        if self.expanded > MAX_EXPANDED {
            return Err(self.error_at(
                pos,
                format!(
                    "aliases expand this document to more than {MAX_EXPANDED} values (nested \
                     aliases that multiply, a \"billion laughs\")"
                ),
            ));
        }
        Ok(self.push(pos, Value::Alias(target), size, height))
    }

    /// Whether a `:` under the cursor separates a flow entry's key from its value: followed by
    /// a blank, a flow indicator or the end, or right after a quoted key or a collection
    /// (JSON's `"a":1`).
    fn flow_value_indicator(&self, after_json: bool) -> bool {
        self.peek() == b':' && (after_json || self.blankz_after() || is_flow_indicator(self.peek_at(1)))
    }

    /// The value after a flow entry's `:` (the cursor on it): a node, or empty before `,`, `]`
    /// or `}`.
    fn flow_value(&mut self) -> Result<u32> {
        let at = self.pos();
        self.i += 1;
        self.skip_flow_space()?;
        if matches!(self.peek(), b',' | b']' | b'}') {
            return self.empty(at, Props::default());
        }
        self.flow_node()
    }

    /// Whether the flow collection opened at `pos` closes here with `close` (left for the
    /// caller), after any flow space; the end of the text here is an error.
    fn flow_closes(&mut self, pos: Pos, close: u8) -> Result<bool> {
        self.skip_flow_space()?;
        match self.peek() {
            c if c == close => Ok(true),
            0 => {
                let open = if close == b']' { '[' } else { '{' };
                let close = close as char;
                Err(self.error_at(pos, format!("this '{open}' is never closed with '{close}'")))
            }
            _ => Ok(false),
        }
    }

    /// After an item of the flow collection opened at `pos`: its closing bracket `close` (left
    /// for the caller; `true`) or a `,` (consumed; `false`, another item may follow).
    fn flow_item_end(&mut self, pos: Pos, close: u8) -> Result<bool> {
        if self.flow_closes(pos, close)? {
            return Ok(true);
        }
        if self.peek() == b',' {
            self.i += 1;
            return Ok(false);
        }
        let between = if close == b']' {
            "the items of a flow sequence"
        } else {
            "the entries of a flow mapping"
        };
        let close = close as char;
        Err(self.error_here(format!("expected ',' or '{close}' here, between {between}")))
    }

    fn flow_seq(&mut self) -> Result<u32> {
        let pos = self.pos();
        self.enter()?;
        self.i += 1;
        let from = self.stack.len();
        loop {
            if self.flow_closes(pos, b']')? {
                break;
            }
            let index = self.stack.len().saturating_sub(from);
            let item = self.flow_seq_item().map_err(|e| e.within(Step::Index(index)))?;
            self.stack.push(item);
            if self.flow_item_end(pos, b']')? {
                break;
            }
        }
        self.i += 1;
        Ok(self.collection(pos, from, false))
    }

    /// An item of a flow sequence: a node, or a single-pair mapping (`[a: b]`, `[? a : b]`).
    fn flow_seq_item(&mut self) -> Result<u32> {
        let pos = self.pos();
        let explicit = self.peek() == b'?' && self.blankz_after();
        let key = if explicit {
            self.i += 1;
            self.skip_flow_space()?;
            if matches!(self.peek(), b',' | b']') || self.flow_value_indicator(false) {
                self.empty(pos, Props::default())?
            } else {
                self.flow_node()?
            }
        } else if self.flow_value_indicator(false) {
            self.empty(pos, Props::default())?
        } else {
            let line = self.line;
            let node = self.flow_node()?;
            let json = self.json_end == self.i;
            self.skip_blanks();
            if !self.flow_value_indicator(json) {
                return Ok(node);
            }
            if self.line != line {
                return Err(self.error_here(
                    "the key of a pair in a flow sequence ([key: value]) must be on one line".to_string(),
                ));
            }
            node
        };
        if explicit {
            self.skip_flow_space()?;
        }
        self.enter()?;
        let from = self.stack.len();
        self.stack.push(key);
        let value = if self.flow_value_indicator(true) {
            self.flow_value()?
        } else {
            self.empty(pos, Props::default())?
        };
        self.stack.push(value);
        self.check_entries(from)?;
        Ok(self.collection(pos, from, true))
    }

    fn flow_map(&mut self) -> Result<u32> {
        let pos = self.pos();
        self.enter()?;
        self.i += 1;
        let from = self.stack.len();
        loop {
            if self.flow_closes(pos, b'}')? {
                break;
            }
            let at = self.pos();
            let explicit = self.peek() == b'?' && self.blankz_after();
            if explicit {
                self.i += 1;
                self.skip_flow_space()?;
            }
            let key = if matches!(self.peek(), b',' | b'}') || self.flow_value_indicator(false) {
                self.empty(at, Props::default())?
            } else {
                self.flow_node()?
            };
            let json = self.json_end == self.i;
            self.stack.push(key);
            self.skip_flow_space()?;
            let value = if self.flow_value_indicator(json) {
                self.flow_value()
            } else {
                self.empty(at, Props::default())
            };
            let value = match value {
                Ok(v) => v,
                Err(e) => return Err(e.within(Step::Key(self.key_text(key)))),
            };
            self.stack.push(value);
            if self.flow_item_end(pos, b'}')? {
                break;
            }
        }
        self.i += 1;
        self.check_entries(from)?;
        Ok(self.collection(pos, from, true))
    }

    // --- Quoted scalars.

    /// A quoted scalar under the cursor. In `'…'`, `''` is a quote; in `"…"`, `\` starts an
    /// escape, or before a line break joins the lines. Line breaks fold (see [`Self::fold`]),
    /// blanks before them are dropped.
    fn quoted(&mut self) -> Result<Cow<'a, str>> {
        let quote = self.peek();
        let double = quote == b'"';
        let open = self.pos();
        self.i += 1;
        let start = self.i;
        // Most are one line without escapes: borrowed.
        let plain_run = self.b.get(start..).and_then(|s| {
            s.iter()
                .position(|&b| b == quote || is_break(b) || (double && b == b'\\'))
        });
        if let Some(len) = plain_run {
            if self.peek_at(len) == quote && (double || self.peek_at(len + 1) != b'\'') {
                self.i += len + 1;
                return Ok(Cow::Borrowed(self.text.get(start..start + len).unwrap_or("")));
            }
        }
        let mut out = String::new();
        // Where the blanks at the end of the current line start in `out`.
        let mut trim: Option<usize> = None;
        loop {
            let c = self.peek();
            if self.at_end() {
                return Err(self.error_at(
                    open,
                    format!(
                        "this quoted value is never closed: no {} before the end of the document",
                        quote as char
                    ),
                ));
            }
            if c == quote && !double && self.peek_at(1) == b'\'' {
                out.push('\'');
                trim = None;
                self.i += 2;
            } else if c == quote {
                self.i += 1;
                return Ok(Cow::Owned(out));
            } else if double && c == b'\\' {
                trim = None;
                if is_break(self.peek_at(1)) {
                    // An escaped line break: the lines join without a space.
                    self.i += 1;
                    self.fold(&mut out, true);
                } else {
                    self.escape(&mut out)?;
                }
            } else if is_break(c) {
                out.truncate(trim.take().unwrap_or(out.len()));
                self.fold(&mut out, false);
            } else {
                if !is_blank(c) {
                    trim = None;
                } else if trim.is_none() {
                    trim = Some(out.len());
                }
                self.push_char(&mut out);
            }
        }
    }

    /// Copies the character under the cursor.
    fn push_char(&mut self, out: &mut String) {
        let ch = self.text.get(self.i..).and_then(|s| s.chars().next());
        if let Some(ch) = ch {
            out.push(ch);
            self.i += ch.len_utf8();
        } else {
            self.i += 1;
        }
    }

    /// Folds the line break under the cursor and the empty lines after it in a quoted
    /// scalar: one break is a space, n + 1 are n newlines; after `\` every break is a newline.
    fn fold(&mut self, out: &mut String, escaped: bool) {
        self.skip_break();
        self.skip_blanks();
        let mut empty = 0;
        while is_break(self.peek()) && !self.at_end() {
            self.skip_break();
            self.skip_blanks();
            empty += 1;
        }
        if !escaped && empty == 0 {
            out.push(' ');
        }
        out.extend(core::iter::repeat_n('\n', empty));
    }

    /// One escape sequence (the cursor at its `\`).
    fn escape(&mut self, out: &mut String) -> Result<()> {
        let at = self.pos();
        let e = self.peek_at(1);
        let simple = match e {
            b'0' => Some('\0'),
            b'a' => Some('\u{7}'),
            b'b' => Some('\u{8}'),
            b't' | b'\t' => Some('\t'),
            b'n' => Some('\n'),
            b'v' => Some('\u{b}'),
            b'f' => Some('\u{c}'),
            b'r' => Some('\r'),
            b'e' => Some('\u{1b}'),
            b' ' => Some(' '),
            b'"' => Some('"'),
            b'/' => Some('/'),
            b'\\' => Some('\\'),
            b'N' => Some('\u{85}'),
            b'_' => Some('\u{a0}'),
            b'L' => Some('\u{2028}'),
            b'P' => Some('\u{2029}'),
            _ => None,
        };
        if let Some(ch) = simple {
            out.push(ch);
            self.i += 2;
            return Ok(());
        }
        let digits = match e {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => {
                let shown = self
                    .text
                    .get(self.i + 1..)
                    .and_then(|s| s.chars().next())
                    .unwrap_or(' ');
                return Err(self.error_at(
                    at,
                    format!(
                        "\\{shown} is not an escape of a double-quoted string (write \\\\ for a backslash)"
                    ),
                ));
            }
        };
        let hex = self.text.get(self.i + 2..self.i + 2 + digits).unwrap_or("");
        let ch = (hex.len() == digits && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u32::from_str_radix(hex, 16).ok())
            .flatten()
            .and_then(char::from_u32);
        match ch {
            Some(ch) => {
                out.push(ch);
                self.i += 2 + digits;
                Ok(())
            }
            None => Err(self.error_at(
                at,
                format!(
                    "\\{} must be followed by {digits} hexadecimal digits naming a Unicode character",
                    e as char
                ),
            )),
        }
    }
}

/// The first key of `keys` (in order) equal to an earlier one: (the earlier, the repeat).
fn first_repeat(nodes: &[Node<'_>], flat: &[u32]) -> Option<(u32, u32)> {
    let key = |i: usize| flat.get(2 * i).copied().unwrap_or(u32::MAX);
    let same = |x: usize, y: usize| key_cmp(nodes, key(x), key(y)) == Ordering::Equal;
    let n = flat.len() / 2;
    if n <= 16 {
        return (1..n).find_map(|j| (0..j).find(|&e| same(e, j)).map(|e| (key(e), key(j))));
    }
    // Sorted by key then by place, a repeat follows its key's first occurrence; the repeat
    // earliest in the text is the one to report.
    let mut order: Vec<usize> = (0..n).collect();
    order.stable_sort_by(|&x, &y| key_cmp(nodes, key(x), key(y)).then(x.cmp(&y)));
    let mut best: Option<(usize, usize)> = None;
    let mut first = order.first().copied().unwrap_or(0);
    for pair in order.windows(2) {
        let &[prev, cur] = pair else { continue };
        if !same(prev, cur) {
            first = cur;
        } else if best.is_none_or(|(_, again)| cur < again) {
            best = Some((first, cur));
        }
    }
    best.map(|(first, again)| (key(first), key(again)))
}

impl Error {
    /// Adds a step to a duplicate key's path while the error unwinds through its parents.
    fn within(mut self, step: Step) -> Error {
        if let Some(path) = &mut self.path {
            path.insert(0, step);
        }
        self
    }
}
