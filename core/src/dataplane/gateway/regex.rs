//! A small, safe regular-expression engine for `RegularExpression` matches (SPEC §7.1).
//!
//! Gateway API leaves the regex dialect to the implementation; Envoy-based Gateways use RE2 and
//! match the *whole* value (`FullMatch`). kroute does the same for an RE2 subset, compiled to a
//! Thompson NFA and run as a Pike VM: time is O(pattern × input) whatever the pattern (no
//! backtracking, so no catastrophic cases), the input is never walked recursively, and the
//! program size and nesting depth are capped, so a hostile manifest can neither hang nor crash
//! the page. A regex crate was not an option: `regex-lite` needs `std`, and `regex-automata`
//! is no_std but brings `regex-syntax`, far too large for the npm package's size budget.
//!
//! Supported (RE2 meaning): literals and `\`-escaped punctuation; `\n \r \t \f \v`; `.` (any
//! character but `\n`); classes `[a-z0-9_]`, `[^/]` with ranges and `\d \w \s` inside;
//! `\d \D \w \W \s \S` (ASCII, as RE2); groups `(…)`, `(?:…)`, `(?P<name>…)`, `(?<name>…)`;
//! alternation `|`; `* + ?` and `{n}`, `{n,}`, `{n,m}` (n, m ≤ 1000, as RE2), each optionally
//! lazy (`*?` — irrelevant to a whole-value match); `^` first and `$` last (no-ops: the match is
//! anchored anyway).
//!
//! Not supported, reported as [`RegexError::Unsupported`] rather than guessed at: flags
//! (`(?i)`), backreferences, lookaround, `\b \B \A \z`, `\p{…}`, `\x…`, POSIX classes
//! `[[:alpha:]]`, and `^`/`$` anywhere else.

use crate::json::ToJson;
use alloc::boxed::Box;
use alloc::vec::Vec;
use core::fmt;

/// The largest program (NFA states) a pattern may compile to; counted repetitions multiply.
const MAX_PROGRAM: usize = 10_000;
/// The deepest group nesting accepted (the parser recurses per group).
const MAX_DEPTH: usize = 64;
/// RE2's limit on `{n,m}` counts.
const MAX_REPEAT: u32 = 1000;

/// Why a pattern was not compiled. `at` is the character offset in the pattern.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "error", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum RegexError {
    /// Valid RE2 that kroute does not implement.
    Unsupported { construct: &'static str, at: usize },
    /// Not a valid RE2 pattern.
    Invalid { detail: &'static str, at: usize },
    /// The pattern compiles to more than 10,000 states or nests deeper than 64 groups.
    TooComplex,
}

impl fmt::Display for RegexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegexError::Unsupported { construct, at } => {
                write!(
                    f,
                    "{construct} (at character {at}) is not supported by kroute's regex subset"
                )
            }
            RegexError::Invalid { detail, at } => write!(f, "invalid regex at character {at}: {detail}"),
            RegexError::TooComplex => f.write_str("regex too large or nested too deeply"),
        }
    }
}

/// A compiled pattern; [`Regex::is_full_match`] answers whether it matches a whole value.
#[derive(Clone, Debug)]
pub struct Regex {
    program: Vec<Inst>,
    classes: Vec<Class>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Inst {
    Char(char),
    Any,
    Class(usize),
    Split(usize, usize),
    Jmp(usize),
    Match,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Class {
    negated: bool,
    ranges: Vec<(char, char)>,
}

impl Class {
    fn contains(&self, c: char) -> bool {
        self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != self.negated
    }
}

#[derive(Clone, Debug)]
enum Node {
    Empty,
    Literal(char),
    Any,
    Class(Class),
    Concat(Vec<Node>),
    Alternate(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

impl Regex {
    pub fn new(pattern: &str) -> Result<Regex, RegexError> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut parser = Parser {
            chars: &chars,
            pos: 0,
            depth: 0,
        };
        let node = parser.alternation()?;
        if parser.pos < chars.len() {
            // Only an unmatched `)` stops the top-level alternation early.
            return Err(RegexError::Invalid {
                detail: "unmatched ')'",
                at: parser.pos,
            });
        }
        let mut compiler = Compiler {
            program: Vec::new(),
            classes: Vec::new(),
        };
        compiler.emit(&node)?;
        compiler.push(Inst::Match)?;
        Ok(Regex {
            program: compiler.program,
            classes: compiler.classes,
        })
    }

    /// Whether the pattern matches all of `input` (RE2 `FullMatch`).
    pub fn is_full_match(&self, input: &str) -> bool {
        let n = self.program.len();
        let mut current = StateSet::new(n);
        let mut next = StateSet::new(n);
        let mut stack = Vec::new();
        self.add(&mut current, 0, &mut stack);
        for c in input.chars() {
            if current.list.is_empty() {
                return false;
            }
            next.clear();
            for &pc in &current.list {
                let step = match self.program.get(pc) {
                    Some(Inst::Char(x)) => *x == c,
                    Some(Inst::Any) => c != '\n',
                    Some(Inst::Class(i)) => self.classes.get(*i).is_some_and(|k| k.contains(c)),
                    _ => false,
                };
                if step {
                    self.add(&mut next, pc + 1, &mut stack);
                }
            }
            core::mem::swap(&mut current, &mut next);
        }
        current
            .list
            .iter()
            .any(|&pc| self.program.get(pc) == Some(&Inst::Match))
    }

    /// Adds `pc` and every state reachable from it without consuming input.
    fn add(&self, set: &mut StateSet, pc: usize, stack: &mut Vec<usize>) {
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            if !set.insert(pc) {
                continue;
            }
            match self.program.get(pc) {
                Some(Inst::Jmp(t)) => stack.push(*t),
                Some(Inst::Split(a, b)) => {
                    stack.push(*b);
                    stack.push(*a);
                }
                _ => {}
            }
        }
    }
}

/// The set of live NFA states: a list for iteration, marks for O(1) membership.
struct StateSet {
    list: Vec<usize>,
    marks: Vec<bool>,
}

impl StateSet {
    fn new(n: usize) -> Self {
        StateSet {
            list: Vec::new(),
            marks: alloc::vec![false; n],
        }
    }
    fn insert(&mut self, pc: usize) -> bool {
        match self.marks.get_mut(pc) {
            Some(m) if !*m => {
                *m = true;
                self.list.push(pc);
                true
            }
            _ => false,
        }
    }
    fn clear(&mut self) {
        for &pc in &self.list {
            if let Some(m) = self.marks.get_mut(pc) {
                *m = false;
            }
        }
        self.list.clear();
    }
}

struct Parser<'a> {
    chars: &'a [char],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }
    fn unsupported(&self, construct: &'static str) -> RegexError {
        RegexError::Unsupported {
            construct,
            at: self.pos,
        }
    }
    fn invalid(&self, detail: &'static str) -> RegexError {
        RegexError::Invalid { detail, at: self.pos }
    }

    fn alternation(&mut self) -> Result<Node, RegexError> {
        let mut branches = alloc::vec![self.concatenation()?];
        while self.peek() == Some('|') {
            self.pos += 1;
            branches.push(self.concatenation()?);
        }
        Ok(if branches.len() == 1 {
            branches.remove(0)
        } else {
            Node::Alternate(branches)
        })
    }

    fn concatenation(&mut self) -> Result<Node, RegexError> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            let item = self.quantified(atom)?;
            items.push(item);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.remove(0),
            _ => Node::Concat(items),
        })
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, RegexError> {
        let (min, max) = match self.peek() {
            Some('*') => {
                self.pos += 1;
                (0, None)
            }
            Some('+') => {
                self.pos += 1;
                (1, None)
            }
            Some('?') => {
                self.pos += 1;
                (0, Some(1))
            }
            Some('{') => match self.counted()? {
                Some(bounds) => bounds,
                None => return Ok(atom),
            },
            _ => return Ok(atom),
        };
        if self.peek() == Some('?') {
            self.pos += 1; // lazy: same language, and a full match does not care which
        }
        if matches!(self.peek(), Some('*' | '+' | '?')) || (self.peek() == Some('{') && self.is_counted()) {
            return Err(self.invalid("bad repetition operator"));
        }
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
        })
    }

    /// Whether `{` at the cursor starts `{n}`, `{n,}` or `{n,m}` (RE2 reads it as a literal
    /// otherwise).
    fn is_counted(&self) -> bool {
        let mut i = self.pos + 1;
        let digits = |i: &mut usize| {
            let start = *i;
            while self.chars.get(*i).is_some_and(|c| c.is_ascii_digit()) {
                *i += 1;
            }
            *i > start
        };
        if !digits(&mut i) {
            return false;
        }
        if self.chars.get(i) == Some(&',') {
            i += 1;
            digits(&mut i);
        }
        self.chars.get(i) == Some(&'}')
    }

    fn counted(&mut self) -> Result<Option<(u32, Option<u32>)>, RegexError> {
        if !self.is_counted() {
            return Ok(None);
        }
        self.pos += 1;
        let min = self.number()?;
        let max = if self.peek() == Some(',') {
            self.pos += 1;
            if self.peek() == Some('}') {
                None
            } else {
                Some(self.number()?)
            }
        } else {
            Some(min)
        };
        self.pos += 1; // '}'
        if max.is_some_and(|m| m < min) {
            return Err(self.invalid("bad repetition operator"));
        }
        Ok(Some((min, max)))
    }

    fn number(&mut self) -> Result<u32, RegexError> {
        let mut n: u32 = 0;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            n = n.saturating_mul(10).saturating_add(d);
            self.pos += 1;
        }
        if n > MAX_REPEAT {
            return Err(self.invalid("bad repetition operator"));
        }
        Ok(n)
    }

    fn atom(&mut self) -> Result<Node, RegexError> {
        let Some(c) = self.peek() else {
            return Ok(Node::Empty);
        };
        match c {
            '(' => self.group(),
            '[' => {
                self.pos += 1;
                self.class().map(Node::Class)
            }
            '.' => {
                self.pos += 1;
                Ok(Node::Any)
            }
            '\\' => self.escape(false).map(|e| match e {
                Escape::Char(c) => Node::Literal(c),
                Escape::Class(k) => Node::Class(k),
            }),
            '^' if self.pos == 0 => {
                self.pos += 1;
                Ok(Node::Empty)
            }
            '$' if self.pos + 1 == self.chars.len() => {
                self.pos += 1;
                Ok(Node::Empty)
            }
            '^' | '$' => Err(self.unsupported("an anchor inside the pattern")),
            '*' | '+' | '?' => Err(self.invalid("missing argument to repetition operator")),
            '{' if self.is_counted() => Err(self.invalid("missing argument to repetition operator")),
            c => {
                self.pos += 1;
                Ok(Node::Literal(c))
            }
        }
    }

    fn group(&mut self) -> Result<Node, RegexError> {
        self.pos += 1; // '('
        if self.peek() == Some('?') {
            match (self.peek_at(1), self.peek_at(2)) {
                (Some(':'), _) => self.pos += 2,
                (Some('P'), Some('<')) | (Some('<'), _) => {
                    self.pos += if self.peek_at(1) == Some('P') { 3 } else { 2 };
                    let start = self.pos;
                    while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                        self.pos += 1;
                    }
                    if self.pos == start || self.peek() != Some('>') {
                        return Err(self.invalid("invalid named capture group"));
                    }
                    self.pos += 1;
                }
                (Some('=' | '!'), _) => return Err(self.unsupported("lookahead")),
                _ => return Err(self.unsupported("flags")),
            }
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(RegexError::TooComplex);
        }
        let inner = self.alternation()?;
        self.depth -= 1;
        if self.peek() != Some(')') {
            return Err(self.invalid("missing closing )"));
        }
        self.pos += 1;
        Ok(inner)
    }

    /// A `[...]` class; the cursor is just past `[`.
    fn class(&mut self) -> Result<Class, RegexError> {
        let mut class = Class {
            negated: false,
            ranges: Vec::new(),
        };
        if self.peek() == Some('^') {
            class.negated = true;
            self.pos += 1;
        }
        if self.peek() == Some('[') && self.peek_at(1) == Some(':') {
            return Err(self.unsupported("a POSIX class"));
        }
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.invalid("missing closing ]"));
            };
            if c == ']' && !first {
                self.pos += 1;
                return Ok(class);
            }
            first = false;
            let lo = match c {
                '\\' => match self.escape(true)? {
                    Escape::Char(c) => c,
                    Escape::Class(k) => {
                        if k.negated {
                            return Err(self.unsupported("a negated class escape inside []"));
                        }
                        class.ranges.extend(k.ranges);
                        continue;
                    }
                },
                '[' if self.peek_at(1) == Some(':') => return Err(self.unsupported("a POSIX class")),
                c => {
                    self.pos += 1;
                    c
                }
            };
            if self.peek() == Some('-') && self.peek_at(1).is_some_and(|c| c != ']') {
                self.pos += 1;
                let hi = match self.peek() {
                    Some('\\') => match self.escape(true)? {
                        Escape::Char(c) => c,
                        Escape::Class(_) => return Err(self.invalid("invalid character class range")),
                    },
                    Some(c) => {
                        self.pos += 1;
                        c
                    }
                    None => return Err(self.invalid("missing closing ]")),
                };
                if hi < lo {
                    return Err(self.invalid("invalid character class range"));
                }
                class.ranges.push((lo, hi));
            } else {
                class.ranges.push((lo, lo));
            }
        }
    }

    /// A `\` escape; the cursor is on the backslash.
    fn escape(&mut self, in_class: bool) -> Result<Escape, RegexError> {
        self.pos += 1;
        let Some(c) = self.peek() else {
            return Err(self.invalid("trailing \\"));
        };
        let escape = match c {
            'd' | 'D' | 'w' | 'W' | 's' | 'S' => {
                let ranges = match c.to_ascii_lowercase() {
                    'd' => alloc::vec![('0', '9')],
                    'w' => alloc::vec![('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')],
                    _ => alloc::vec![('\t', '\n'), ('\x0c', '\r'), (' ', ' ')],
                };
                Escape::Class(Class {
                    negated: c.is_ascii_uppercase(),
                    ranges,
                })
            }
            'n' => Escape::Char('\n'),
            'r' => Escape::Char('\r'),
            't' => Escape::Char('\t'),
            'f' => Escape::Char('\x0c'),
            'v' => Escape::Char('\x0b'),
            'b' | 'B' | 'A' | 'z' if !in_class => return Err(self.unsupported("an assertion escape")),
            'p' | 'P' => return Err(self.unsupported("a Unicode class")),
            'x' => return Err(self.unsupported("a hex escape")),
            '1'..='9' => return Err(self.unsupported("a backreference")),
            c if c.is_ascii_punctuation() => Escape::Char(c),
            _ => return Err(self.invalid("invalid escape sequence")),
        };
        self.pos += 1;
        Ok(escape)
    }
}

enum Escape {
    Char(char),
    Class(Class),
}

struct Compiler {
    program: Vec<Inst>,
    classes: Vec<Class>,
}

impl Compiler {
    fn push(&mut self, inst: Inst) -> Result<usize, RegexError> {
        if self.program.len() >= MAX_PROGRAM {
            return Err(RegexError::TooComplex);
        }
        self.program.push(inst);
        Ok(self.program.len() - 1)
    }

    fn patch(&mut self, at: usize, inst: Inst) {
        if let Some(slot) = self.program.get_mut(at) {
            *slot = inst;
        }
    }

    fn emit(&mut self, node: &Node) -> Result<(), RegexError> {
        match node {
            Node::Empty => {}
            Node::Literal(c) => {
                self.push(Inst::Char(*c))?;
            }
            Node::Any => {
                self.push(Inst::Any)?;
            }
            Node::Class(k) => {
                self.classes.push(k.clone());
                self.push(Inst::Class(self.classes.len() - 1))?;
            }
            Node::Concat(items) => {
                for item in items {
                    self.emit(item)?;
                }
            }
            Node::Alternate(branches) => {
                // split L1, next; L1: a; jmp end; next: split L2, … ; last branch falls through.
                let mut jumps = Vec::new();
                for (i, branch) in branches.iter().enumerate() {
                    if i + 1 < branches.len() {
                        let split = self.push(Inst::Split(0, 0))?;
                        self.emit(branch)?;
                        jumps.push(self.push(Inst::Jmp(0))?);
                        let next = self.program.len();
                        self.patch(split, Inst::Split(split + 1, next));
                    } else {
                        self.emit(branch)?;
                    }
                }
                let end = self.program.len();
                for j in jumps {
                    self.patch(j, Inst::Jmp(end));
                }
            }
            Node::Repeat { node, min, max } => {
                for _ in 0..*min {
                    self.emit(node)?;
                }
                match max {
                    None => {
                        // loop: split body, end; body; jmp loop
                        let split = self.push(Inst::Split(0, 0))?;
                        self.emit(node)?;
                        self.push(Inst::Jmp(split))?;
                        let end = self.program.len();
                        self.patch(split, Inst::Split(split + 1, end));
                    }
                    Some(max) => {
                        let mut splits = Vec::new();
                        for _ in *min..*max {
                            splits.push(self.push(Inst::Split(0, 0))?);
                            self.emit(node)?;
                        }
                        let end = self.program.len();
                        for s in splits {
                            self.patch(s, Inst::Split(s + 1, end));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}
