//! JSON text in (RFC 8259, strictly): what the playground stores and puts in share links, and
//! what the npm package receives. Manifests are read by the YAML reader (JSON is YAML); this is
//! the small, strict reader for data kroute wrote itself or a program handed over.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use super::{Map, Number, Value};

/// Nesting deeper than this is refused rather than followed (the stack is finite).
const MAX_DEPTH: usize = 128;

/// Why a text is not JSON, and where (1-based line and column, in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at line {} column {}", self.message, self.line, self.column)
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ParseError {}

/// Reads one JSON value; only whitespace may follow it.
pub fn from_str(text: &str) -> Result<Value, ParseError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    let value = p.value(0)?;
    p.skip_whitespace();
    if p.at < p.bytes.len() {
        return Err(p.error("trailing characters"));
    }
    Ok(value)
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> ParseError {
        let before = self.text.get(..self.at).unwrap_or(self.text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        ParseError {
            message: message.to_string(),
            line,
            column,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn expect_word(&mut self, word: &str, value: Value) -> Result<Value, ParseError> {
        if self
            .text
            .get(self.at..)
            .is_some_and(|rest| rest.starts_with(word))
        {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("expected value"))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, ParseError> {
        self.skip_whitespace();
        match self.peek() {
            None => Err(self.error("EOF while parsing a value")),
            Some(b'n') => self.expect_word("null", Value::Null),
            Some(b't') => self.expect_word("true", Value::Bool(true)),
            Some(b'f') => self.expect_word("false", Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[') => {
                let depth = self.enter(depth)?;
                let mut items = Vec::new();
                self.skip_whitespace();
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Ok(Value::Array(items));
                }
                loop {
                    items.push(self.value(depth)?);
                    self.skip_whitespace();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b']') => {
                            self.at += 1;
                            return Ok(Value::Array(items));
                        }
                        None => return Err(self.error("EOF while parsing a list")),
                        Some(_) => return Err(self.error("expected `,` or `]`")),
                    }
                }
            }
            Some(b'{') => {
                let depth = self.enter(depth)?;
                let mut map = Map::new();
                self.skip_whitespace();
                if self.peek() == Some(b'}') {
                    self.at += 1;
                    return Ok(Value::Object(map));
                }
                loop {
                    self.skip_whitespace();
                    match self.peek() {
                        Some(b'"') => {}
                        None => return Err(self.error("EOF while parsing an object")),
                        Some(_) => return Err(self.error("key must be a string")),
                    }
                    let key = self.string()?;
                    self.skip_whitespace();
                    match self.peek() {
                        Some(b':') => self.at += 1,
                        None => return Err(self.error("EOF while parsing an object")),
                        Some(_) => return Err(self.error("expected `:`")),
                    }
                    let value = self.value(depth)?;
                    map.insert(key, value);
                    self.skip_whitespace();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b'}') => {
                            self.at += 1;
                            return Ok(Value::Object(map));
                        }
                        None => return Err(self.error("EOF while parsing an object")),
                        Some(_) => return Err(self.error("expected `,` or `}`")),
                    }
                }
            }
            Some(_) => Err(self.error("expected value")),
        }
    }

    /// Opens an array or object: one level deeper, within the limit.
    fn enter(&mut self, depth: usize) -> Result<usize, ParseError> {
        if depth >= MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        self.at += 1;
        Ok(depth + 1)
    }

    fn string(&mut self) -> Result<String, ParseError> {
        // At the opening quote.
        self.at += 1;
        let mut out = String::new();
        loop {
            let start = self.at;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            // `start` and `at` are on character boundaries: both sit next to ASCII bytes.
            out.push_str(self.text.get(start..self.at).unwrap_or(""));
            match self.peek() {
                None => return Err(self.error("EOF while parsing a string")),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let escaped = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.at += 1;
                            out.push(self.unicode_escape()?);
                            continue;
                        }
                        None => return Err(self.error("EOF while parsing a string")),
                        Some(_) => return Err(self.error("invalid escape")),
                    };
                    self.at += 1;
                    out.push(escaped);
                }
                Some(_) => {
                    return Err(self.error("control character (\\u0000-\\u001F) found while parsing a string"))
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self.text.get(self.at..self.at + 4);
        match digits.and_then(|d| {
            u32::from_str_radix(d, 16)
                .ok()
                .filter(|_| d.bytes().all(|b| b.is_ascii_hexdigit()))
        }) {
            Some(n) => {
                self.at += 4;
                Ok(n)
            }
            None => Err(self.error("invalid escape")),
        }
    }

    /// After `\u`: one code point, from a surrogate pair when it takes two escapes.
    fn unicode_escape(&mut self) -> Result<char, ParseError> {
        let first = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&first) {
            if self.text.get(self.at..).is_some_and(|r| r.starts_with("\\u")) {
                self.at += 2;
                let second = self.hex4()?;
                if !(0xDC00..0xE000).contains(&second) {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            } else {
                return Err(self.error("lone leading surrogate in hex escape"));
            }
        } else {
            first
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid unicode code point"))
    }

    fn number(&mut self) -> Result<Value, ParseError> {
        let start = self.at;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("invalid number")),
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("invalid number"));
            }
            self.digits();
            float = true;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("invalid number"));
            }
            self.digits();
            float = true;
        }
        let text = self.text.get(start..self.at).unwrap_or("");
        if !float {
            let integer = if negative {
                // `-0` is the float -0.0, as serde_json reads it.
                text.parse::<i64>().ok().filter(|i| *i != 0).map(Number::from)
            } else {
                text.parse::<u64>().ok().map(Number::PosInt)
            };
            if let Some(n) = integer {
                return Ok(Value::Number(n));
            }
        }
        match text.parse::<f64>().ok().and_then(Number::from_f64) {
            Some(n) => Ok(Value::Number(n)),
            None => Err(self.error("number out of range")),
        }
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
    }
}
