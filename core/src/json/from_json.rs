//! [`FromJson`]: a type read from a JSON [`Value`], with the path of a failure.
//!
//! Structs and enums get it from `#[derive(FromJson)]` (crate `kroute-derive`, reading serde's
//! attribute syntax) or, for the model, from `model_struct!`. A struct is one loop over the
//! object's entries with a `match` on the key, each field read in place by one shared function
//! per field type: no visitors, no per-field state machines (ARCHITECTURE.md, "Size").
//!
//! Messages are serde's (`invalid type: string "x", expected i64`, ``unknown field `x`,
//! expected one of `a`, `b` ``, ``missing field `url` ``), so a person reading an error from
//! kroute reads what serde-based Kubernetes tools print. The path of a failure
//! (`spec.ports[0].port`) is collected as the error unwinds: it costs nothing when decoding
//! succeeds. An unknown field is reported at its key, a missing one at its object, a wrong
//! value at the value.

use alloc::boxed::Box;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt::Write;

use super::{Map, Number, Value};
use crate::collections::{VecMap, VecSet};

/// A type read from a JSON value.
pub trait FromJson: Sized {
    fn from_json(value: &Value) -> Result<Self, DecodeError>;

    /// Reads `value` into `self`, which holds the type's starting value (its default). Structs
    /// read their fields this way, in place, so each field type's reader is shared.
    fn read_into(&mut self, value: &Value) -> Result<(), DecodeError> {
        *self = Self::from_json(value)?;
        Ok(())
    }
}

/// Why a value does not decode, and where: the message, and the path from the value decoded
/// down to the failing one (empty when it is the value itself).
#[derive(Debug)]
pub struct DecodeError(Box<Failure>);

#[derive(Debug)]
struct Failure {
    message: String,
    /// Innermost first: each level adds its segment as the error passes through it.
    path: Vec<Segment>,
}

#[derive(Debug)]
enum Segment {
    Key(String),
    Index(usize),
}

impl DecodeError {
    pub fn new(message: String) -> DecodeError {
        DecodeError(Box::new(Failure {
            message,
            path: Vec::new(),
        }))
    }

    /// The error, one level up: it happened under `key`.
    pub fn at_key(mut self, key: &str) -> DecodeError {
        self.0.path.push(Segment::Key(key.to_string()));
        self
    }

    /// The error, one level up: it happened at item `index`.
    pub fn at_index(mut self, index: usize) -> DecodeError {
        self.0.path.push(Segment::Index(index));
        self
    }

    /// `spec.ports[0].port`; empty for the value itself.
    pub fn path(&self) -> String {
        let mut path = String::new();
        for segment in self.0.path.iter().rev() {
            match segment {
                Segment::Key(k) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                }
                // Writing into a `String` cannot fail.
                Segment::Index(i) => drop(write!(path, "[{i}]")),
            }
        }
        path
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }
}

impl core::fmt::Display for DecodeError {
    /// `spec.ports[0].port: invalid type: …`, or the message alone for the value itself.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let path = self.path();
        if path.is_empty() {
            f.write_str(&self.0.message)
        } else {
            write!(f, "{path}: {}", self.0.message)
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for DecodeError {}

/// What a value is, as serde_json words it: `string "x"`, `integer `5``, `map`, `null`.
pub(crate) fn unexpected(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(Number::PosInt(u)) => format!("integer `{u}`"),
        Value::Number(Number::NegInt(i)) => format!("integer `{i}`"),
        Value::Number(n @ Number::Float(_)) => format!("floating point `{n}`"),
        Value::String(s) => format!("string {}", crate::error::Quoted(s)),
        Value::Array(_) => "sequence".to_string(),
        Value::Object(_) => "map".to_string(),
    }
}

/// `invalid type: string "x", expected i64`.
pub fn invalid_type(value: &Value, expected: &str) -> DecodeError {
    DecodeError::new(format!(
        "invalid type: {}, expected {expected}",
        unexpected(value)
    ))
}

/// The object a struct is read from (`expected` names it: `struct Service`); anything else is
/// a wrong type.
pub fn object<'v>(value: &'v Value, expected: &str) -> Result<&'v Map, DecodeError> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(invalid_type(other, expected)),
    }
}

/// `` `a`, `b` `` as serde lists what was expected.
fn one_of(names: &[&str]) -> String {
    match names {
        [] => "there are no fields".to_string(),
        [one] => format!("expected `{one}`"),
        many => {
            let mut out = String::from("expected one of ");
            for (i, n) in many.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push('`');
                out.push_str(n);
                out.push('`');
            }
            out
        }
    }
}

/// ``unknown field `x`, expected one of `a`, `b` ``.
pub fn unknown_field(key: &str, fields: &[&str]) -> DecodeError {
    DecodeError::new(format!("unknown field `{key}`, {}", one_of(fields)))
}

/// ``unknown variant `x`, expected one of `A`, `B` ``.
pub fn unknown_variant(name: &str, variants: &[&str]) -> DecodeError {
    let list = one_of(variants);
    let list = if variants.is_empty() {
        "there are no variants".to_string()
    } else {
        list
    };
    DecodeError::new(format!("unknown variant `{name}`, {list}"))
}

/// ``missing field `url` ``.
pub fn missing_field(name: &str) -> DecodeError {
    DecodeError::new(format!("missing field `{name}`"))
}

/// The string naming an enum's variant (a unit variant, or an internal tag's value).
pub fn variant_name<'v>(value: &'v Value, expected: &str) -> Result<&'v str, DecodeError> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(invalid_type(other, expected)),
    }
}

/// Reads an object into a struct's fields: `names` are the fields' JSON names, and
/// `read(i, value)` reads the entry of the field `names[i]`. An unknown key is skipped, or with
/// `deny_unknown` refused (`skip`, an internal tag, is never unknown). A failure names its key.
///
/// One instance for every struct: what a struct adds is its names and a `match` on the index
/// (ARCHITECTURE.md, "Size").
pub fn read_fields(
    value: &Value,
    expected: &str,
    names: &[&str],
    deny_unknown: bool,
    skip: Option<&str>,
    read: &mut dyn FnMut(usize, &Value) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    for (key, v) in object(value, expected)? {
        match names.iter().position(|n| *n == key) {
            Some(i) => read(i, v).map_err(|e| e.at_key(key))?,
            None if deny_unknown && skip != Some(key.as_str()) => {
                return Err(unknown_field(key, names).at_key(key))
            }
            None => {}
        }
    }
    Ok(())
}

/// Reads the object's entry `key` into `slot` (a field of a struct being read), naming the key
/// in the path of a failure.
pub fn read_field<T: FromJson>(slot: &mut T, key: &str, value: &Value) -> Result<(), DecodeError> {
    slot.read_into(value).map_err(|e| e.at_key(key))
}

/// Reads the object's entry `key` as a `T`, naming the key in the path of a failure.
pub fn field<T: FromJson>(key: &str, value: &Value) -> Result<T, DecodeError> {
    T::from_json(value).map_err(|e| e.at_key(key))
}

impl FromJson for Value {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        Ok(value.clone())
    }
}

impl FromJson for String {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::String(s) => Ok(s.clone()),
            other => Err(invalid_type(other, "a string")),
        }
    }

    fn read_into(&mut self, value: &Value) -> Result<(), DecodeError> {
        match value {
            Value::String(s) => {
                self.clear();
                self.push_str(s);
                Ok(())
            }
            other => Err(invalid_type(other, "a string")),
        }
    }
}

impl FromJson for bool {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Bool(b) => Ok(*b),
            other => Err(invalid_type(other, "a boolean")),
        }
    }
}

/// An integer of type `name` within `min..=max`, with serde's messages.
fn integer(value: &Value, name: &str, min: i64, max: u64) -> Result<Number, DecodeError> {
    let Value::Number(n) = value else {
        return Err(invalid_type(value, name));
    };
    let fits = match *n {
        Number::PosInt(u) => u <= max,
        Number::NegInt(i) => i >= min,
        Number::Float(_) => return Err(invalid_type(value, name)),
    };
    if fits {
        Ok(*n)
    } else {
        Err(DecodeError::new(format!(
            "invalid value: {}, expected {name}",
            unexpected(value)
        )))
    }
}

macro_rules! from_json_int {
    ($($t:ty),*) => {$(
        impl FromJson for $t {
            fn from_json(value: &Value) -> Result<Self, DecodeError> {
                let n = integer(value, stringify!($t), <$t>::MIN as i64, <$t>::MAX as u64)?;
                // In range: `integer` checked the bounds of the type.
                Ok(match n {
                    Number::PosInt(u) => u as $t,
                    Number::NegInt(i) => i as $t,
                    Number::Float(_) => 0,
                })
            }
        }
    )*};
}

from_json_int!(u8, u16, u32, u64, usize, i32, i64);

impl FromJson for f64 {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Number(n) => Ok(n.as_f64()),
            other => Err(invalid_type(other, "f64")),
        }
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Null => Ok(None),
            other => T::from_json(other).map(Some),
        }
    }
}

impl<T: FromJson> FromJson for Box<T> {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        T::from_json(value).map(Box::new)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        let mut out = Vec::new();
        out.read_into(value)?;
        Ok(out)
    }

    fn read_into(&mut self, value: &Value) -> Result<(), DecodeError> {
        let Value::Array(items) = value else {
            return Err(invalid_type(value, "a sequence"));
        };
        self.clear();
        self.reserve_exact(items.len());
        for (i, item) in items.iter().enumerate() {
            self.push(T::from_json(item).map_err(|e| e.at_index(i))?);
        }
        Ok(())
    }
}

/// The entries of an object, each value read as `V`, with the key in the path of a failure.
fn entries<'v, K: FromJsonKey, V: FromJson>(
    value: &'v Value,
) -> Result<impl Iterator<Item = Result<(K, V), DecodeError>> + 'v, DecodeError> {
    let map = object(value, "a map")?;
    Ok(map.iter().map(|(k, v)| {
        let key = K::from_json_key(k).map_err(|e| e.at_key(k))?;
        V::from_json(v).map(|v| (key, v)).map_err(|e| e.at_key(k))
    }))
}

/// A type that can be read from an object's key: strings, and unit-only enums (their
/// variant's name; `#[derive(FromJson)]` implements it for them).
pub trait FromJsonKey: Sized {
    fn from_json_key(key: &str) -> Result<Self, DecodeError>;
}

impl FromJsonKey for String {
    fn from_json_key(key: &str) -> Result<Self, DecodeError> {
        Ok(key.to_string())
    }
}

impl<K: FromJsonKey + Ord, V: FromJson> FromJson for BTreeMap<K, V> {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        let mut out = BTreeMap::new();
        for entry in entries(value)? {
            let (k, v) = entry?;
            out.insert(k, v);
        }
        Ok(out)
    }
}

impl<K: FromJsonKey + Ord, V: FromJson> FromJson for VecMap<K, V> {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        entries(value)?.collect()
    }
}

impl<T: FromJson + Ord> FromJson for BTreeSet<T> {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        Ok(Vec::<T>::from_json(value)?.into_iter().collect())
    }
}

impl<T: FromJson + Ord> FromJson for VecSet<T> {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        Ok(Vec::<T>::from_json(value)?.into_iter().collect())
    }
}

impl<A: FromJson, B: FromJson> FromJson for (A, B) {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        match value {
            Value::Array(items) => match items.as_slice() {
                [a, b] => Ok((
                    A::from_json(a).map_err(|e| e.at_index(0))?,
                    B::from_json(b).map_err(|e| e.at_index(1))?,
                )),
                _ => Err(DecodeError::new(format!(
                    "invalid length {}, expected a tuple of size 2",
                    items.len()
                ))),
            },
            other => Err(invalid_type(other, "a tuple of size 2")),
        }
    }
}

/// A value read from a string with `FromStr` (addresses, CIDRs), with the parser's message.
pub fn from_str_value<T: core::str::FromStr>(value: &Value, expected: &str) -> Result<T, DecodeError>
where
    T::Err: core::fmt::Display,
{
    match value {
        Value::String(s) => s.parse().map_err(|e: T::Err| DecodeError::new(e.to_string())),
        other => Err(invalid_type(other, expected)),
    }
}

/// Where and why a value did not decode, for a caller that shows both (the npm package puts
/// the path on its `TypeError`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathError {
    /// `request.headers[1]`; empty for the value itself.
    pub path: String,
    pub message: String,
}

/// Decodes `T`, naming the path of a failure.
pub fn decode_with_path<T: FromJson>(value: &Value) -> Result<T, PathError> {
    T::from_json(value).map_err(|e| {
        let path = e.path();
        PathError {
            path,
            message: e.0.message,
        }
    })
}
