//! The kubectl selector syntax: lexer and recursive-descent parser (SPEC §1.2).
//!
//! Follows apimachinery `pkg/labels/selector.go` token for token (`Lexer`, `Parser.parse`,
//! `parseRequirement`, `parseValues`, `parseIdentifiersList`, `parseExactValue`) so the same
//! strings are accepted and rejected, with two deliberate differences:
//!
//! * errors carry the character offset of the offending token, and name the key or value that
//!   failed validation and why;
//! * a NUL byte is an ordinary character (upstream's lexer treats it as end of input, which lets
//!   text after it vanish); it can never appear in a valid key or value, so it is rejected there.
//!
//! The lexer works on bytes and hands out sub-slices of the input: every byte it splits on is
//! ASCII, so slices always fall on character boundaries. Nothing is allocated until a key or
//! value is kept.

use crate::json::ToJson;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::{parse_int, Operator, Requirement, Selector};
use crate::error::Quoted;
use crate::sort::SharedSort;
use crate::validation::names;

/// Why a selector string was rejected, and where.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
pub struct SelectorParseError {
    /// Offset of the offending token, in characters from the start of the input (0-based).
    pub position: usize,
    /// What was wrong, e.g. `found '=', expected: ',' or 'end of string'`.
    pub message: String,
}

impl fmt::Display for SelectorParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unable to parse requirement at position {}: {}",
            self.position, self.message
        )
    }
}

#[cfg(feature = "std")]
impl std::error::Error for SelectorParseError {}

/// Token kinds of upstream's lexer (`ErrorToken` cannot occur: every special character alone is
/// a token).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenKind {
    Identifier,
    In,
    NotIn,
    Comma,
    OpenPar,
    ClosedPar,
    DoesNotExist,
    Equals,
    DoubleEquals,
    NotEquals,
    GreaterThan,
    LessThan,
    EndOfString,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Token<'a> {
    pub(crate) kind: TokenKind,
    pub(crate) text: &'a str,
    /// Byte offset into the input.
    pub(crate) start: usize,
}

impl Token<'_> {
    /// How an error message names this token.
    fn describe(&self) -> Described<'_> {
        Described(self)
    }
}

struct Described<'t>(&'t Token<'t>);

impl fmt::Display for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.kind {
            TokenKind::EndOfString => f.write_str("end of string"),
            _ => write!(f, "'{}'", self.0.text),
        }
    }
}

fn is_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_special(b: u8) -> bool {
    matches!(b, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

/// Splits a selector string into tokens. `in` and `notin` come out as keywords; the parser
/// turns them back into identifiers wherever a key or value is expected.
pub(crate) struct Lexer<'a> {
    input: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(input: &'a str) -> Self {
        Lexer { input, pos: 0 }
    }

    pub(crate) fn next_token(&mut self) -> Token<'a> {
        let bytes = self.input.as_bytes();
        while bytes.get(self.pos).copied().is_some_and(is_whitespace) {
            self.pos += 1;
        }
        let start = self.pos;
        let Some(&first) = bytes.get(start) else {
            return Token {
                kind: TokenKind::EndOfString,
                text: "",
                start,
            };
        };
        // Longest special token: only `==` and `!=` are two characters long.
        let second_is_equals = bytes.get(start + 1) == Some(&b'=');
        let special = match first {
            b'=' if second_is_equals => Some((TokenKind::DoubleEquals, 2)),
            b'=' => Some((TokenKind::Equals, 1)),
            b'!' if second_is_equals => Some((TokenKind::NotEquals, 2)),
            b'!' => Some((TokenKind::DoesNotExist, 1)),
            b'(' => Some((TokenKind::OpenPar, 1)),
            b')' => Some((TokenKind::ClosedPar, 1)),
            b',' => Some((TokenKind::Comma, 1)),
            b'>' => Some((TokenKind::GreaterThan, 1)),
            b'<' => Some((TokenKind::LessThan, 1)),
            _ => None,
        };
        let (kind, len) = match special {
            Some(found) => found,
            None => {
                let len = bytes
                    .get(start..)
                    .unwrap_or(&[])
                    .iter()
                    .position(|&b| is_special(b) || is_whitespace(b))
                    .unwrap_or(bytes.len() - start);
                let kind = match bytes.get(start..start + len) {
                    Some(b"in") => TokenKind::In,
                    Some(b"notin") => TokenKind::NotIn,
                    _ => TokenKind::Identifier,
                };
                (kind, len)
            }
        };
        self.pos = start + len;
        let text = self.input.get(start..self.pos).unwrap_or("");
        Token { kind, text, start }
    }
}

/// Where `in`/`notin` are plain words (upstream's `Values` parser context).
fn as_value(kind: TokenKind) -> TokenKind {
    match kind {
        TokenKind::In | TokenKind::NotIn => TokenKind::Identifier,
        other => other,
    }
}

struct Parser<'a> {
    input: &'a str,
    lexer: Lexer<'a>,
    peeked: Option<Token<'a>>,
}

type ParseResult<T> = Result<T, SelectorParseError>;

impl<'a> Parser<'a> {
    fn new(input: &'a str) -> Self {
        Parser {
            input,
            lexer: Lexer::new(input),
            peeked: None,
        }
    }

    /// The next token with its raw kind (operator position), consumed.
    fn next_raw(&mut self) -> Token<'a> {
        match self.peeked.take() {
            Some(tok) => tok,
            None => self.lexer.next_token(),
        }
    }

    /// The next token in value context, consumed.
    fn next_value(&mut self) -> Token<'a> {
        let mut tok = self.next_raw();
        tok.kind = as_value(tok.kind);
        tok
    }

    /// The next token in value context, not consumed.
    fn peek_value(&mut self) -> Token<'a> {
        let tok = match self.peeked {
            Some(tok) => tok,
            None => {
                let tok = self.lexer.next_token();
                self.peeked = Some(tok);
                tok
            }
        };
        Token {
            kind: as_value(tok.kind),
            ..tok
        }
    }

    fn error(&self, byte_offset: usize, message: String) -> SelectorParseError {
        let position = self
            .input
            .get(..byte_offset)
            .map_or(byte_offset, |s| s.chars().count());
        SelectorParseError { position, message }
    }

    fn unexpected(&self, tok: &Token<'_>, expected: &str) -> SelectorParseError {
        self.error(
            tok.start,
            format!("found {}, expected: {expected}", tok.describe()),
        )
    }

    /// `selector := "" | requirement ( "," requirement )*`
    fn parse_selector(&mut self) -> ParseResult<Vec<Requirement>> {
        let mut requirements = Vec::new();
        loop {
            let tok = self.peek_value();
            match tok.kind {
                TokenKind::Identifier | TokenKind::DoesNotExist => {
                    requirements.push(self.parse_requirement()?);
                    let after = self.next_value();
                    match after.kind {
                        TokenKind::EndOfString => return Ok(requirements),
                        TokenKind::Comma => {
                            let next = self.peek_value();
                            if !matches!(next.kind, TokenKind::Identifier | TokenKind::DoesNotExist) {
                                return Err(self.unexpected(&next, "identifier after ','"));
                            }
                        }
                        _ => return Err(self.unexpected(&after, "',' or 'end of string'")),
                    }
                }
                TokenKind::EndOfString => return Ok(requirements),
                _ => return Err(self.unexpected(&tok, "!, identifier, or 'end of string'")),
            }
        }
    }

    fn parse_requirement(&mut self) -> ParseResult<Requirement> {
        let mut tok = self.next_value();
        let negated = tok.kind == TokenKind::DoesNotExist;
        if negated {
            tok = self.next_value();
        }
        if tok.kind != TokenKind::Identifier {
            return Err(self.unexpected(&tok, "identifier"));
        }
        let key = tok.text;
        let key_errors = names::is_qualified_name(key);
        if !key_errors.is_empty() {
            return Err(self.error(
                tok.start,
                format!("invalid label key {}: {}", Quoted(key), key_errors.join("; ")),
            ));
        }
        // `!k` is complete on its own: whatever follows must be `,` or the end, which the caller
        // checks (so `!k=v` fails there, as upstream).
        let after = self.peek_value();
        if negated || matches!(after.kind, TokenKind::EndOfString | TokenKind::Comma) {
            let operator = if negated {
                Operator::DoesNotExist
            } else {
                Operator::Exists
            };
            return Ok(Requirement {
                key: String::from(key),
                operator,
                values: Vec::new(),
            });
        }
        let op_tok = self.next_raw();
        let operator = match op_tok.kind {
            TokenKind::In => Operator::In,
            TokenKind::NotIn => Operator::NotIn,
            TokenKind::Equals => Operator::Equals,
            TokenKind::DoubleEquals => Operator::DoubleEquals,
            TokenKind::NotEquals => Operator::NotEquals,
            TokenKind::GreaterThan => Operator::GreaterThan,
            TokenKind::LessThan => Operator::LessThan,
            _ => return Err(self.unexpected(&op_tok, "in, notin, =, ==, !=, >, <")),
        };
        let values = match operator {
            Operator::In | Operator::NotIn => self.parse_value_set(key)?,
            _ => self.parse_exact_value(key, operator)?,
        };
        Ok(Requirement {
            key: String::from(key),
            operator,
            values,
        })
    }

    /// `"(" valueList ")"`; `()` and `(,)` both mean `{""}`.
    fn parse_value_set(&mut self, key: &str) -> ParseResult<Vec<String>> {
        let open = self.next_value();
        if open.kind != TokenKind::OpenPar {
            return Err(self.unexpected(&open, "'('"));
        }
        // (value, byte offset), in source order, so errors point at the first bad one.
        let mut items: Vec<(&'a str, usize)> = Vec::new();
        let first = self.peek_value();
        match first.kind {
            TokenKind::Identifier | TokenKind::Comma => {
                self.parse_identifiers_list(&mut items)?;
                let close = self.next_value();
                if close.kind != TokenKind::ClosedPar {
                    return Err(self.unexpected(&close, "')'"));
                }
            }
            TokenKind::ClosedPar => {
                self.next_value();
                items.push(("", first.start));
            }
            _ => return Err(self.unexpected(&first, "',', ')' or identifier")),
        }
        for &(value, at) in &items {
            self.validate_value(key, value, at)?;
        }
        let mut values: Vec<String> = items.into_iter().map(|(v, _)| String::from(v)).collect();
        values.stable_sort();
        values.dedup();
        Ok(values)
    }

    /// A comma-separated list of possibly empty values, stopping before `)`.
    fn parse_identifiers_list(&mut self, items: &mut Vec<(&'a str, usize)>) -> ParseResult<()> {
        loop {
            let tok = self.next_value();
            match tok.kind {
                TokenKind::Identifier => {
                    items.push((tok.text, tok.start));
                    let next = self.peek_value();
                    match next.kind {
                        TokenKind::Comma => continue,
                        TokenKind::ClosedPar => return Ok(()),
                        _ => return Err(self.unexpected(&next, "',' or ')'")),
                    }
                }
                TokenKind::Comma => {
                    // A comma with nothing before it, after it (`,)`) or between two (`,,`)
                    // stands for the empty value.
                    if items.is_empty() {
                        items.push(("", tok.start));
                    }
                    let next = self.peek_value();
                    match next.kind {
                        TokenKind::ClosedPar => {
                            items.push(("", next.start));
                            return Ok(());
                        }
                        TokenKind::Comma => items.push(("", next.start)),
                        _ => {}
                    }
                }
                _ => return Err(self.unexpected(&tok, "',', or identifier")),
            }
        }
    }

    /// The single value after `=`, `==`, `!=`, `>` or `<`; nothing before `,` or the end means `""`.
    fn parse_exact_value(&mut self, key: &str, operator: Operator) -> ParseResult<Vec<String>> {
        let next = self.peek_value();
        let (value, at) = if matches!(next.kind, TokenKind::EndOfString | TokenKind::Comma) {
            ("", next.start)
        } else {
            let tok = self.next_value();
            if tok.kind != TokenKind::Identifier {
                return Err(self.unexpected(&tok, "identifier"));
            }
            (tok.text, tok.start)
        };
        if matches!(operator, Operator::GreaterThan | Operator::LessThan) && parse_int(value).is_none() {
            return Err(self.error(
                at,
                format!(
                    "invalid value {} for key {}: for '>' and '<' the value must be an integer",
                    Quoted(value),
                    Quoted(key)
                ),
            ));
        }
        self.validate_value(key, value, at)?;
        Ok(alloc::vec![String::from(value)])
    }

    fn validate_value(&self, key: &str, value: &str, at: usize) -> ParseResult<()> {
        let errors = names::is_valid_label_value(value);
        if errors.is_empty() {
            return Ok(());
        }
        Err(self.error(
            at,
            format!(
                "invalid label value {} for key {}: {}",
                Quoted(value),
                Quoted(key),
                errors.join("; ")
            ),
        ))
    }
}

/// Parses `input`; requirements come out sorted by key, ties kept in source order.
pub(crate) fn parse(input: &str) -> Result<Selector, SelectorParseError> {
    let mut requirements = Parser::new(input).parse_selector()?;
    requirements.stable_sort_by(|a, b| a.key.cmp(&b.key));
    Ok(Selector::Requirements(requirements))
}
