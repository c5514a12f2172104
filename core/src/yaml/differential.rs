//! Differential property test: random YAML documents, read by kroute's reader (then
//! `convert::to_json`) and by the pipeline it replaced (serde_yaml_ng, `apply_merge`, the old
//! conversion, `manifest::reference`), must give exactly the same JSON, or both be refused.
//!
//! Documents are generated as a tree (mappings, sequences, scalars drawn from a pool of tricky
//! texts: numbers in every notation, YAML's special words, indicators, quotes, non-ASCII) and
//! written out with random choices: block or flow (flow over one line or many, with trailing
//! commas), every scalar style (plain, plain folded over lines, single- and double-quoted with
//! escapes and folded breaks, literal and folded block scalars with chomping and indentation
//! indicators), anchors and aliases, merge keys (an alias, a list of aliases, an inline
//! mapping), tags, comments, blank lines and odd indentation (1 to 4 spaces, compact and
//! indentless sequences, extra spaces after `-`). Plain scalars are written as they come, so
//! some documents are invalid or mean something else: both readers must agree on those too.
//!
//! What the generator avoids are the deliberate differences (see `tests.rs`, `DELIBERATE`):
//! tabs where libyaml refuses them, plain scalars that libyaml reads otherwise in flow context,
//! anchor and tag names beyond letters and digits, merging a mapping that has its own merge key,
//! the same key text twice in a mapping with a merge key, local tags on keys, `!!null` on an
//! empty value.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use proptest::prelude::*;

use crate::manifest::reference::{kroute_json, reference_json};

/// A node of a generated document, with the random choices for writing it.
#[derive(Clone, Debug)]
struct Gen {
    kind: Kind,
    /// Put an anchor on it.
    anchor: bool,
    /// Write an alias instead (to the n-th anchor written so far, modulo), when there is one.
    alias: Option<u8>,
    /// How to write it: style, indentation, comments (interpreted per kind).
    style: u8,
    extra: u8,
}

#[derive(Clone, Debug)]
enum Kind {
    Scalar(String),
    Seq(Vec<Gen>),
    /// Entries; the key's text and how it is written.
    Map(Vec<(String, u8, Gen)>, Merge),
}

#[derive(Clone, Debug)]
enum Merge {
    None,
    /// `<<: *a` (the n-th anchor, modulo).
    Alias(u8),
    /// `<<: [*a, *b]`.
    List(u8, u8),
    /// `<<: {…}`, written inline.
    Inline(Vec<(String, u8, Gen)>),
}

/// Scalars that exercise resolution (numbers, words), syntax (indicators, quotes, comments)
/// and text (non-ASCII, escapes).
const TEXTS: &[&str] = &[
    "a",
    "web",
    "x y",
    "a  b",
    "0",
    "1",
    "-1",
    "+1",
    "007",
    "-012",
    "0x1F",
    "0x1f",
    "-0x1f",
    "+0x10",
    "0o17",
    "0b101",
    "0x",
    "1.5",
    "-2.5e3",
    ".5",
    "1.",
    "1e5",
    "1E+5",
    "0e5",
    "012.5",
    "1e400",
    ".inf",
    "-.Inf",
    "+.inf",
    ".nan",
    ".NaN",
    "+.nan",
    "true",
    "True",
    "TRUE",
    "false",
    "yes",
    "no",
    "on",
    "Off",
    "null",
    "Null",
    "~",
    "",
    "nan",
    "inf",
    "1_000",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "123456789012345678901234567890",
    "1234567890123456789012345678901234567890",
    "-",
    "-a",
    "a-",
    "1:2",
    "12:30",
    "http://x.y/z?a=b#c",
    "k:{\"p\":80}",
    "x,y",
    "a#b",
    "a #b",
    "'q'",
    "\"q\"",
    "a: b",
    "a:b",
    "a:",
    "-x",
    "?x",
    ":x",
    "@x",
    "`x",
    "%x",
    "!x",
    "&x",
    "*x",
    "[x",
    "]x",
    "{x",
    "}x",
    "#x",
    "|",
    ">",
    "x\ty",
    "é",
    "日本語",
    "<<",
    "a'b",
    "a\"b",
    "back\\slash",
    " lead",
    "trail ",
    "two\nlines",
    "a\n\nb",
    "\t",
    "x\u{7}y",
    "x\u{a0}y",
    "😀",
];

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(TEXTS).prop_map(ToString::to_string),
        1 => "[a-z]{1,6}( [a-z]{1,6}){0,6}",
        1 => "[ -~é\\t\\n]{0,10}",
    ]
}

/// Keys; `<<` only where the generator writes a merge (so that it knows which mappings merge).
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-z]{1,3}",
        2 => proptest::sample::select(TEXTS).prop_filter("a merge key", |t| *t != "<<").prop_map(ToString::to_string),
        1 => "[a-z.]{1,4}/[a-z]{1,3}",
    ]
}

fn entries(inner: impl Strategy<Value = Gen> + Clone) -> impl Strategy<Value = Vec<(String, u8, Gen)>> {
    proptest::collection::vec((key(), any::<u8>(), inner), 0..5)
}

fn document() -> impl Strategy<Value = Gen> {
    let leaf = (
        text(),
        any::<bool>(),
        any::<Option<u8>>(),
        any::<u8>(),
        any::<u8>(),
    )
        .prop_map(|(t, anchor, alias, style, extra)| Gen {
            kind: Kind::Scalar(t),
            anchor: anchor && style.is_multiple_of(3),
            alias: alias.filter(|a| a.is_multiple_of(4)),
            style,
            extra,
        });
    leaf.prop_recursive(4, 40, 5, |inner| {
        let merge = prop_oneof![
            6 => Just(Merge::None),
            2 => any::<u8>().prop_map(Merge::Alias),
            1 => (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Merge::List(a, b)),
            1 => proptest::collection::vec((key(), any::<u8>(), inner.clone()), 1..3).prop_map(Merge::Inline),
        ];
        let kind = prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Kind::Seq),
            (entries(inner.clone()), merge).prop_map(|(e, m)| Kind::Map(e, m)),
        ];
        (kind, any::<bool>(), any::<u8>(), any::<u8>()).prop_map(|(kind, anchor, style, extra)| Gen {
            kind,
            anchor: anchor && style.is_multiple_of(2),
            alias: None,
            style,
            extra,
        })
    })
}

/// An anchor written so far: its name, whether it names a mapping, and whether that mapping
/// has a merge key of its own.
struct Anchor {
    name: String,
    map: bool,
    merges: bool,
}

/// Writes a generated document.
struct Writer {
    out: String,
    anchors: Vec<Anchor>,
}

fn spaces(n: usize) -> String {
    " ".repeat(n)
}

/// Whether a plain text would meet a deliberate difference in flow context: `a:` before `,`,
/// `?x` and `:x` (plain scalars in YAML 1.2, indicators for libyaml), `-` before `,` (refused
/// by YAML 1.2, read as "-" by libyaml), a tag right before `]` or `}` (allowed by YAML 1.2,
/// not by libyaml), `:?` (a plain scalar in YAML 1.2, an error for libyaml), `#` right after
/// `{` or `[` (not a comment in YAML 1.2, one for libyaml).
fn flow_unsafe(t: &str) -> bool {
    let t = t.trim_start();
    // `a: :b` in flow: a pair whose value starts with ':' (an indicator for libyaml).
    let pair = t.contains(": ") || t.contains(":\t");
    pair || t.contains(['[', ']', '{', '}', ','])
        || t.contains(":?")
        || t.ends_with(':')
        || t.starts_with(['?', ':', '!', '#'])
        || t == "-"
        // The same after an anchor or a tag: `&a :A` (the scalar `:A` in YAML 1.2, a pair with a
        // null key for libyaml).
        || after_properties(t).starts_with(['?', ':', '#'])
        || after_properties(t) == "-"
}

/// The text after any leading properties (`&a !t x` → `x`).
fn after_properties(t: &str) -> &str {
    let mut t = t.trim_start_matches([' ', '\t']);
    while t.starts_with(['&', '!']) {
        match t.find([' ', '\t']) {
            Some(i) => t = t[i..].trim_start_matches([' ', '\t']),
            None => return "",
        }
    }
    t
}

/// Whether a text may be written plain without changing the lines (plain scalars are written
/// even when they mean something else; a line break or a glued comment would only test the
/// writer).
fn plain_ok(t: &str) -> bool {
    // An anchor, alias or tag: names beyond letters and digits are a deliberate difference.
    let lead = t.trim_start();
    // A quote starts a quoted scalar, which may then run into the next line or meet a `#`.
    let quoted = lead.starts_with(['\'', '"']);
    // `|x` or `>#`: a block scalar header with something after it (`#` glued to it is a
    // comment for libyaml, not for YAML 1.2).
    let header = lead.starts_with(['|', '>']) && lead.len() > 1;
    // (Wherever a property may start: at the start or after a blank, as in `a: &x`.)
    let property = t.char_indices().any(|(i, c)| {
        let starts = i == 0 || t[..i].ends_with([' ', '\t']);
        let name = t[i + c.len_utf8()..].split([' ', '\t']).next().unwrap_or("");
        matches!(c, '&' | '*' | '!') && starts && !name.chars().all(|c| c.is_ascii_alphanumeric())
    });
    // A tab after an indicator: YAML 1.2 allows it, libyaml does not (a deliberate difference).
    let tab_after_indicator = ["-", "?", ":", ""].iter().any(|p| {
        t.strip_prefix(p)
            .is_some_and(|rest| rest.trim_start_matches(' ').starts_with('\t'))
    });
    !t.contains(['\n', '\u{85}', '\u{2028}', '\u{2029}'])
        && !t.ends_with('\t')
        && !tab_after_indicator
        && !property
        && !quoted
        && !header
}

impl Writer {
    fn anchor_prop(&mut self, g: &Gen, map: bool, merges: bool) -> String {
        if !g.anchor {
            return String::new();
        }
        let name = format!("a{}", self.anchors.len());
        self.anchors.push(Anchor {
            name: name.clone(),
            map,
            merges,
        });
        format!("&{name} ")
    }

    /// `*name` for a generated alias, when an anchor exists.
    fn alias(&self, g: &Gen) -> Option<String> {
        let pick = g.alias?;
        let n = self.anchors.len().max(1);
        Some(format!("*{}", self.anchors.get(pick as usize % n)?.name))
    }

    fn double_quoted(t: &str, style: u8, indent: usize) -> String {
        let mut out = String::from("\"");
        for c in t.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' if style.is_multiple_of(3) => {
                    // A folded break: an empty line is a newline.
                    out.push('\n');
                    out.push('\n');
                    out.push_str(&spaces(indent + 1));
                }
                '\n' => out.push_str("\\n"),
                '\t' if style.is_multiple_of(2) => out.push_str("\\t"),
                ' ' if style.is_multiple_of(5) => {
                    // A single break folds to a space.
                    out.push('\n');
                    out.push_str(&spaces(indent + 1));
                }
                c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
                c if !c.is_ascii() && style.is_multiple_of(7) => {
                    out.push_str(&format!("\\u{:04x}", c as u32 & 0xffff))
                }
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    fn single_quoted(t: &str, indent: usize) -> String {
        let mut out = String::from("'");
        for c in t.chars() {
            match c {
                '\'' => out.push_str("''"),
                '\n' => {
                    out.push_str("\n\n");
                    out.push_str(&spaces(indent + 1));
                }
                c => out.push(c),
            }
        }
        out.push('\'');
        out
    }

    /// A scalar on one line (or a quoted one folded over lines), for flow context or after a
    /// key: plain, single- or double-quoted, tagged.
    fn inline_scalar(&self, t: &str, style: u8, indent: usize, flow: bool) -> String {
        let tag = match style / 16 % 8 {
            1 => "!!str ",
            2 if t.chars().all(|c| c.is_ascii_digit()) && !t.is_empty() => "!!int ",
            3 if t.starts_with(['1', '.']) => "!!float ",
            4 if t == "~" || t == "null" => "!!null ",
            5 => "!local ",
            _ => "",
        };
        let body = match style % 4 {
            0 | 1 if plain_ok(t) && !(flow && flow_unsafe(t)) => t.to_string(),
            2 => Self::single_quoted(t, indent),
            _ => Self::double_quoted(t, style, indent),
        };
        format!("{tag}{body}")
    }

    fn key_text(t: &str, how: u8, flow: bool) -> String {
        let flow_safe = !flow || !flow_unsafe(t);
        // A key starting with `#` is a comment, which would make the value's lines content.
        let comment = t.trim_start().starts_with('#');
        match how % 5 {
            0..=2 if plain_ok(t) && !t.contains('\t') && flow_safe && !comment => t.to_string(),
            3 => Self::single_quoted(t, 0).replace('\n', "\\n"),
            _ => Self::double_quoted(t, 1, 0).replace('\n', "\\n"),
        }
    }

    /// A node in flow context, on one line or over several (`indent`: the lines' indentation).
    fn flow(&mut self, g: &Gen, indent: usize) -> String {
        if let Some(alias) = self.alias(g) {
            return alias;
        }
        let multi = g.extra.is_multiple_of(3);
        let brk = |n: usize| {
            if multi {
                format!("\n{}", spaces(n))
            } else {
                " ".to_string()
            }
        };
        match &g.kind {
            Kind::Scalar(t) => {
                let props = self.anchor_prop(g, false, false);
                format!("{props}{}", self.inline_scalar(t, g.style, indent, true))
            }
            Kind::Seq(items) => {
                let props = self.anchor_prop(g, false, false);
                let mut out = format!("{props}[");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&brk(indent + 2));
                    out.push_str(&self.flow(item, indent + 2));
                }
                if g.extra % 5 == 1 && !items.is_empty() {
                    out.push(',');
                }
                out.push_str(&brk(indent));
                out.push(']');
                out
            }
            Kind::Map(entries, merge) => {
                let merges = !matches!(merge, Merge::None);
                let mut parts = Vec::new();
                if let Some(m) = self.merge_value(merge, indent + 2, true) {
                    parts.push(format!("<<: {m}"));
                }
                for (i, (k, how, v)) in entries.iter().enumerate() {
                    if merges && repeated(entries, i) {
                        continue;
                    }
                    let v = self.flow(v, indent + 2);
                    let how = if merges { 3 + how % 2 } else { *how };
                    parts.push(format!("{}: {v}", Self::key_text(k, how, true)));
                }
                let props = self.anchor_prop(g, true, merges);
                let mut out = format!("{props}{{");
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&brk(indent + 2));
                    out.push_str(p);
                }
                if g.extra % 5 == 1 && !parts.is_empty() {
                    out.push(',');
                }
                out.push_str(&brk(indent));
                out.push('}');
                out
            }
        }
    }

    /// The value of a merge key, if there is one to write (an alias only to a mapping without
    /// a merge key of its own: see the module's doc).
    fn merge_value(&mut self, merge: &Merge, indent: usize, flow: bool) -> Option<String> {
        let mergeable: Vec<String> = self
            .anchors
            .iter()
            // Mappings only: a merge of anything else is an error, which kroute reports even
            // where a merge drops the mapping that has it (a deliberate difference).
            .filter(|a| a.map && !a.merges)
            .map(|a| format!("*{}", a.name))
            .collect();
        let pick = |k: u8| mergeable.get(k as usize % mergeable.len().max(1)).cloned();
        match merge {
            Merge::None => None,
            Merge::Alias(k) => pick(*k),
            Merge::List(a, b) => Some(format!("[{}, {}]", pick(*a)?, pick(*b)?)),
            Merge::Inline(entries) => {
                let mut out = String::from("{");
                for (i, (k, how, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    let v = self.flow(v, indent);
                    out.push_str(&format!("{}: {v}", Self::key_text(k, *how, true)));
                }
                out.push('}');
                let _ = flow;
                Some(out)
            }
        }
    }

    /// A literal or folded block scalar for `t` (its header and lines), content at `indent`.
    fn block_scalar(t: &str, style: u8, indent: usize) -> Option<String> {
        if t.is_empty()
            || t.contains(['\t', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
            || t.chars().any(|c| (c as u32) < 0x20 && c != '\n')
        {
            return None;
        }
        let lines: Vec<&str> = t.split('\n').collect();
        if lines.iter().any(|l| l.starts_with(' ')) && style.is_multiple_of(2) {
            return None;
        }
        let mut out = String::from(if style.is_multiple_of(3) { ">" } else { "|" });
        if lines.first().is_some_and(|l| l.starts_with(' ')) || style.is_multiple_of(5) {
            out.push_str(&(indent.clamp(1, 9)).to_string());
        }
        out.push_str(match style / 8 % 3 {
            0 => "",
            1 => "-",
            _ => "+",
        });
        for l in lines {
            out.push('\n');
            if !l.is_empty() {
                out.push_str(&spaces(indent));
                out.push_str(l);
            }
        }
        Some(out)
    }

    /// A node after `key:` (`after_dash`: after `- `), at a block collection indented `indent`:
    /// writes everything from just after the indicator to the end of the node's last line.
    fn block_value(&mut self, g: &Gen, indent: usize, after_dash: bool) {
        let step = 1 + (g.extra % 4) as usize;
        if let Some(alias) = self.alias(g) {
            self.out.push(' ');
            self.out.push_str(&alias);
            self.comment(g);
            return;
        }
        let flow_style = g.style % 4 == 3;
        match &g.kind {
            Kind::Scalar(t) => {
                let child = indent + step;
                let props = self.anchor_prop(g, false, false);
                let block = (g.style % 5 == 4)
                    .then(|| Self::block_scalar(t, g.style, child))
                    .flatten();
                self.out.push(' ');
                self.out.push_str(&props);
                match block {
                    Some(b) => self.out.push_str(&b),
                    None if g.style % 7 == 6
                        && plain_ok(t)
                        && t.contains(' ')
                        && !t.contains(['#', ':', '\t'])
                        && !t.starts_with([
                            '-', '?', '[', '{', '!', '&', '*', '|', '>', '\'', '"', '%', '@', '`', ' ',
                        ]) =>
                    {
                        // A plain scalar folded over lines, indented more than its parent.
                        self.out
                            .push_str(&t.replacen(' ', &format!("\n{}", spaces(child)), 2));
                        self.comment(g);
                    }
                    None => {
                        let s = self.inline_scalar(t, g.style, indent, false);
                        self.out.push_str(&s);
                        self.comment(g);
                    }
                }
            }
            Kind::Seq(_) | Kind::Map(_, _) if flow_style || items_empty(g) => {
                let f = self.flow(g, indent + step);
                self.out.push(' ');
                self.out.push_str(&f);
                self.comment(g);
            }
            Kind::Seq(items) => {
                let props = self.anchor_prop(g, false, false);
                // After a key, a sequence may sit at the key's indentation.
                let child = if !after_dash && g.extra.is_multiple_of(3) {
                    indent
                } else {
                    indent + step
                };
                let compact = after_dash && g.extra.is_multiple_of(2) && props.is_empty();
                if !props.is_empty() {
                    self.out.push(' ');
                    self.out.push_str(props.trim_end());
                }
                for (i, item) in items.iter().enumerate() {
                    if i == 0 && compact {
                        self.out.push(' ');
                    } else {
                        self.newline_gap(g, child);
                        self.out
                            .push_str(&spaces(if compact { indent + 2 } else { child }));
                    }
                    let dash_col = if compact { indent + 2 } else { child };
                    let pad = (item.extra % 3 == 2) as usize * 2;
                    self.out.push('-');
                    self.out.push_str(&spaces(pad));
                    self.block_value(item, dash_col + pad, true);
                }
            }
            Kind::Map(entries, merge) => {
                let merges = !matches!(merge, Merge::None);
                let props = self.anchor_prop(g, true, merges);
                let compact = after_dash && g.extra.is_multiple_of(2) && props.is_empty();
                let child = if compact { indent + 2 } else { indent + step };
                if !props.is_empty() {
                    self.out.push(' ');
                    self.out.push_str(props.trim_end());
                }
                let merge_line = self.merge_value(merge, child, false);
                let mut first = true;
                let line = |w: &mut Writer, first: &mut bool| {
                    if *first && compact {
                        w.out.push(' ');
                    } else {
                        w.newline_gap(g, child);
                        w.out.push_str(&spaces(child));
                    }
                    *first = false;
                };
                if let Some(m) = merge_line {
                    line(self, &mut first);
                    self.out.push_str(&format!("<<: {m}"));
                }
                for (i, (k, how, v)) in entries.iter().enumerate() {
                    if merges && repeated(entries, i) {
                        continue;
                    }
                    line(self, &mut first);
                    let how = if merges { 3 + how % 2 } else { *how };
                    self.out.push_str(&Self::key_text(k, how, false));
                    self.out.push(':');
                    self.block_value(v, child, false);
                }
            }
        }
    }

    /// A line break before a collection's next line: sometimes a blank line or a comment line.
    fn newline_gap(&mut self, g: &Gen, indent: usize) {
        self.out.push('\n');
        match g.extra / 16 % 8 {
            1 => self.out.push('\n'),
            2 => {
                self.out.push_str(&spaces(indent));
                self.out.push_str("# between\n");
            }
            3 => self.out.push_str("# at column 1\n"),
            _ => {}
        }
    }

    fn comment(&mut self, g: &Gen) {
        if g.extra / 4 % 5 == 1 {
            self.out.push_str(" # after");
        }
    }
}

/// Whether entry `i`'s key text came before: in a mapping with a merge key, two keys that JSON
/// writes alike (`1.5`, `'1.5'`) are a deliberate difference (the later wins in kroute,
/// serde_yaml_ng's `apply_merge` reorders them), so there keys are quoted and written once.
fn repeated(entries: &[(String, u8, Gen)], i: usize) -> bool {
    let key = entries.get(i).map(|e| &e.0);
    entries.iter().take(i).any(|e| Some(&e.0) == key)
}

fn items_empty(g: &Gen) -> bool {
    match &g.kind {
        Kind::Seq(items) => items.is_empty(),
        Kind::Map(entries, Merge::None) => entries.is_empty(),
        _ => false,
    }
}

/// The document for a generated tree: the root written as the value of a key at column 0
/// would be, without the key.
fn write(g: &Gen) -> String {
    let mut w = Writer {
        out: String::new(),
        anchors: Vec::new(),
    };
    w.block_value(g, 0, false);
    let out = w.out.trim_start_matches([' ', '\n']).to_string();
    if g.style % 11 == 5 {
        format!("# a header comment\n{out}\n")
    } else {
        out
    }
}

/// Both readers agree: the same JSON, or both refuse.
fn agree(text: &str) -> Result<(), TestCaseError> {
    let ours = kroute_json(text);
    let theirs = reference_json(text);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) if a == b => Ok(()),
        (Err(_), Err(_)) => Ok(()),
        _ => Err(TestCaseError::fail(format!(
            "the readers disagree on\n{text}\n---\nkroute:        {ours:?}\nserde_yaml_ng: {theirs:?}"
        ))),
    }
}

/// 2,000 documents a run, or `PROPTEST_CASES` (a long run: `PROPTEST_CASES=100000`).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn kroute_reads_yaml_as_serde_yaml_ng_did(g in document()) {
        agree(&write(&g))?;
    }
}

/// The generator makes what it should: documents of every shape, most of them valid (a test
/// whose inputs were all refused would prove little).
#[test]
fn the_generator_writes_mostly_valid_varied_yaml() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = document();
    let (mut valid, mut total) = (0, 0);
    let mut seen = [false; 8];
    for _ in 0..500 {
        let text = write(&strategy.new_tree(&mut runner).unwrap().current());
        total += 1;
        if reference_json(&text).is_ok() {
            valid += 1;
        }
        for (i, marker) in ["- ", "{", "[", "<<: ", "*a", "|", "'", "\""].iter().enumerate() {
            seen[i] |= text.contains(marker);
        }
    }
    assert!(valid * 2 > total, "{valid} of {total} valid");
    assert_eq!(seen, [true; 8]);
}
