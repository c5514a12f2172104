//! A YAML stream cut into its documents, each with where it starts.
//!
//! The cut is made on the text, not by the YAML parser, so that every document keeps its line
//! in the whole file and a syntax error in one document cannot hide the others. It follows the
//! YAML spec's markers: a line that starts with `---` (then a space or the end of the line)
//! opens a document, one that starts with `...` closes it. Markers cannot occur inside a scalar
//! (YAML forbids them at the start of a line there), so no other context is needed. Text before
//! the first `---` is a document only if it has content: a licence header or Helm's
//! `# Source:` comment above the first `---` is not one.

use alloc::vec::Vec;

/// One document of a stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document<'a> {
    /// 0-based position in the stream, counting empty documents (`---` followed by nothing).
    pub index: usize,
    /// The document's text: from just after its `---` (or the start of the stream) to the
    /// next marker. This is what the YAML parser reads.
    pub text: &'a str,
    /// Byte offset of `text` in the stream.
    pub offset: usize,
    /// 1-based line of `text`'s first character in the stream.
    pub line: usize,
    /// 1-based column of `text`'s first character (4 right after `---`).
    pub column: usize,
    /// Where the first content is (not blank, not a comment), as (line, column); `None` for an
    /// empty or comment-only document, which holds no object.
    pub content: Option<(usize, usize)>,
}

impl Document<'_> {
    /// Turns a (line, column) inside `text` (1-based, as the YAML parser reports them for the
    /// document alone) into the position in the whole stream.
    pub fn to_stream(&self, line: usize, column: usize) -> (usize, usize) {
        let line = line.max(1);
        let column = if line == 1 {
            self.column - 1 + column.max(1)
        } else {
            column.max(1)
        };
        (self.line + line - 1, column)
    }
}

/// Every document of `stream`, in order. A byte-order mark at the start is skipped.
pub fn documents(stream: &str) -> Vec<Document<'_>> {
    let body = if stream.starts_with('\u{feff}') { 3 } else { 0 };
    let mut docs = Vec::new();
    let mut open = Open {
        start: body,
        line: 1,
        column: 1,
        explicit: false,
    };
    let mut offset = body;
    for (line_no, raw) in (1..).zip(stream.get(body..).unwrap_or("").split_inclusive('\n')) {
        let line = raw.trim_end_matches(['\n', '\r']);
        if is_marker(line, "---") {
            open.close(stream, offset, &mut docs);
            open = Open {
                start: offset + 3,
                line: line_no,
                column: 4,
                explicit: true,
            };
        } else if is_marker(line, "...") {
            open.close(stream, offset, &mut docs);
            open = Open {
                start: offset + raw.len(),
                line: line_no + 1,
                column: 1,
                explicit: false,
            };
        }
        offset += raw.len();
    }
    open.close(stream, stream.len(), &mut docs);
    docs
}

/// The document being read.
struct Open {
    start: usize,
    line: usize,
    column: usize,
    /// Opened by `---`: a document even when empty.
    explicit: bool,
}

impl Open {
    fn close<'a>(&self, stream: &'a str, end: usize, docs: &mut Vec<Document<'a>>) {
        let text = stream.get(self.start..end.max(self.start)).unwrap_or("");
        let content = first_content(text, self.line, self.column);
        if self.explicit || content.is_some() {
            docs.push(Document {
                index: docs.len(),
                text,
                offset: self.start,
                line: self.line,
                column: self.column,
                content,
            });
        }
    }
}

/// `---` or `...` at the start of a line, alone or followed by whitespace.
fn is_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// The first character that is not whitespace, a comment or a directive (`%YAML 1.2`).
fn first_content(text: &str, line: usize, column: usize) -> Option<(usize, usize)> {
    for (n, raw) in text.split('\n').enumerate() {
        // `n == 0` may be the rest of a `---` line (column 4), where `%` is not a directive.
        let base = if n == 0 { column } else { 1 };
        if base == 1 && raw.starts_with('%') {
            continue;
        }
        let trimmed = raw.trim_start_matches([' ', '\t', '\r']);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        // Only ASCII whitespace was trimmed, so this is a character count as well.
        let skipped = raw.len() - trimmed.len();
        return Some((line + n, base + skipped));
    }
    None
}
