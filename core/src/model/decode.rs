//! How the model reads itself from a JSON value: [`Decode`], one small non-generic function per
//! type, generated for each struct by [`model_struct!`] from the struct's own declaration.
//!
//! Why not serde's derived `Deserialize`? Through a generic deserializer, every struct got a
//! field-identifier visitor, a `visit_map` holding an `Option` per field, and every layer of
//! the deserializer inlined into each: ≈140 KB of the npm wasm (ARCHITECTURE.md, "Size"). Here a
//! struct is one loop over the object's entries with a `match` on the key.
//!
//! It reads exactly as serde did (the model types keep their derived `Deserialize`, which the
//! tests use as the reference): unknown keys are ignored, a missing field keeps its default
//! (every model struct is `#[serde(default)]`), `null` is `None` for an `Option` and a wrong
//! type otherwise, and a failure carries serde_json's message (`invalid type: string "x",
//! expected i64`). The path of a failure (`spec.ports[0].port`) is collected as the error
//! unwinds, so finding it costs nothing when decoding succeeds and no second pass when it fails.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use serde::de::{Error as _, Expected, Unexpected};
use serde_json::{Map, Value};

use super::meta::IntOrString;
use super::value_de::unexpected;
use crate::error::{FieldError, FieldErrorKind, FieldPath};
use crate::selector::{LabelSelector, LabelSelectorRequirement};

/// A model type read from a JSON value.
///
/// Each type reads *into* a default value in place: a struct field is decoded where it lives
/// (no move of the decoded value into the struct, no drop of what it replaces), and the code for
/// one field type is shared by every field of that type.
pub(crate) trait Decode: Default {
    /// Reads `value` into `self`, which is `Self::default()`.
    fn decode_into(&mut self, value: &Value) -> Result<(), DecodeError>;

    fn decode(value: &Value) -> Result<Self, DecodeError> {
        let mut out = Self::default();
        out.decode_into(value)?;
        Ok(out)
    }
}

/// Why a value does not decode, and where: serde_json's message, and the path from the value
/// decoded down to the failing one (empty when it is the value itself).
#[derive(Debug)]
pub(crate) struct DecodeError(Box<Failure>);

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
    fn new(message: String) -> DecodeError {
        DecodeError(Box::new(Failure {
            message,
            path: Vec::new(),
        }))
    }

    /// The error, one level up: it happened under `key`.
    pub(crate) fn at_key(mut self, key: &str) -> DecodeError {
        self.0.path.push(Segment::Key(key.to_string()));
        self
    }

    /// The error, one level up: it happened at item `index`.
    fn at_index(mut self, index: usize) -> DecodeError {
        self.0.path.push(Segment::Index(index));
        self
    }

    /// `spec.ports[0].port`.
    pub(crate) fn path(&self) -> String {
        let mut path = String::new();
        for segment in self.0.path.iter().rev() {
            match segment {
                Segment::Key(k) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                }
                Segment::Index(i) => path.push_str(&format!("[{i}]")),
            }
        }
        path
    }

    #[cfg(test)]
    pub(crate) fn message(&self) -> &str {
        &self.0.message
    }

    /// As the model reports a shape error: `wrong type: …` at the path.
    pub(crate) fn into_field_error(self) -> FieldError {
        FieldError::new(
            FieldErrorKind::Invalid,
            FieldPath::new(&self.path()),
            None,
            format!("wrong type: {}", self.0.message),
        )
    }
}

/// serde_json's `invalid type: …, expected …`.
fn invalid_type(value: &Value, expected: &dyn Expected) -> DecodeError {
    DecodeError::new(serde_json::Error::invalid_type(unexpected(value), expected).to_string())
}

/// `struct Service`, as serde's derived visitors say what they expect.
struct StructName(&'static str);

impl Expected for StructName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", self.0)
    }
}

/// The object a struct is read from; anything else is a wrong type.
pub(crate) fn object<'v>(
    value: &'v Value,
    name: &'static str,
) -> Result<&'v Map<String, Value>, DecodeError> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(invalid_type(other, &StructName(name))),
    }
}

impl Decode for String {
    fn decode_into(&mut self, value: &Value) -> Result<(), DecodeError> {
        match value {
            Value::String(s) => {
                self.push_str(s);
                Ok(())
            }
            other => Err(invalid_type(other, &"a string")),
        }
    }
}

impl Decode for bool {
    fn decode_into(&mut self, value: &Value) -> Result<(), DecodeError> {
        match value {
            Value::Bool(b) => {
                *self = *b;
                Ok(())
            }
            other => Err(invalid_type(other, &"a boolean")),
        }
    }
}

impl Decode for i64 {
    fn decode_into(&mut self, value: &Value) -> Result<(), DecodeError> {
        match value {
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => {
                    *self = i;
                    Ok(())
                }
                (None, Some(u)) => Err(DecodeError::new(
                    serde_json::Error::invalid_value(Unexpected::Unsigned(u), &"i64").to_string(),
                )),
                (None, None) => Err(invalid_type(value, &"i64")),
            },
            other => Err(invalid_type(other, &"i64")),
        }
    }
}

impl Decode for IntOrString {
    fn decode_into(&mut self, value: &Value) -> Result<(), DecodeError> {
        *self = match value {
            Value::String(s) => IntOrString::String(s.clone()),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => IntOrString::Int(i),
                (None, Some(_)) => return Err(DecodeError::new("integer out of range".to_string())),
                (None, None) => return Err(invalid_type(value, &"an integer or a string")),
            },
            other => return Err(invalid_type(other, &"an integer or a string")),
        };
        Ok(())
    }
}

impl<T: Decode> Decode for Option<T> {
    fn decode_into(&mut self, value: &Value) -> Result<(), DecodeError> {
        match value {
            Value::Null => Ok(()),
            other => self.get_or_insert_with(T::default).decode_into(other),
        }
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode_into(&mut self, value: &Value) -> Result<(), DecodeError> {
        let Value::Array(items) = value else {
            return Err(invalid_type(value, &"a sequence"));
        };
        self.reserve_exact(items.len());
        for (i, item) in items.iter().enumerate() {
            self.push(T::decode(item).map_err(|e| e.at_index(i))?);
        }
        Ok(())
    }
}

/// Labels, annotations, selectors ([`super::StringMap`]).
impl Decode for BTreeMap<String, String> {
    fn decode_into(&mut self, value: &Value) -> Result<(), DecodeError> {
        let Value::Object(map) = value else {
            return Err(invalid_type(value, &"a map"));
        };
        for (key, value) in map {
            let Value::String(s) = value else {
                return Err(invalid_type(value, &"a string").at_key(key));
            };
            self.insert(key.clone(), s.clone());
        }
        Ok(())
    }
}

/// `impl Decode` for a struct from its fields and their names on the wire: what
/// [`model_struct!`] generates, and used as is for the shapes the model shares with other
/// modules (their serde names must match: the tests compare both readers).
macro_rules! impl_decode {
    ($name:ident { $($field:ident: $wire:pat),* $(,)? }) => {
        impl $crate::model::decode::Decode for $name {
            fn decode_into(
                &mut self,
                value: &serde_json::Value,
            ) -> Result<(), $crate::model::decode::DecodeError> {
                for (key, value) in $crate::model::decode::object(value, stringify!($name))? {
                    match key.as_str() {
                        $($wire => $crate::model::decode::Decode::decode_into(&mut self.$field, value),)*
                        _ => Ok(()),
                    }
                    .map_err(|e| e.at_key(key))?;
                }
                Ok(())
            }
        }
    };
}

/// The name of a field on the wire: as written after `=`, or else the field's own name.
macro_rules! wire_name {
    ($field:ident) => {
        stringify!($field)
    };
    ($field:ident $wire:literal) => {
        $wire
    };
}

/// Declares a model struct and its [`Decode`]: each field's wire name is written once, after
/// the field (`pub pod_ip: Option<String> = "podIP"`), or is the field's name when absent
/// (`pub name: String`). The same name goes to serde (`#[serde(rename = …)]`), so writing and
/// reading cannot disagree.
macro_rules! model_struct {
    (
        $(#[$attr:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[$fattr:meta])*
                $fvis:vis $field:ident: $ty:ty $(= $wire:literal)?
            ),* $(,)?
        }
    ) => {
        $(#[$attr])*
        $vis struct $name {
            $(
                $(#[$fattr])*
                $(#[serde(rename = $wire)])?
                $fvis $field: $ty,
            )*
        }

        $crate::model::decode::impl_decode!($name { $($field: $crate::model::decode::wire_name!($field $($wire)?)),* });
    };
}

pub(crate) use {impl_decode, model_struct, wire_name};

impl_decode!(LabelSelector {
    match_labels: "matchLabels",
    match_expressions: "matchExpressions",
});

impl_decode!(LabelSelectorRequirement {
    key: "key",
    operator: "operator",
    values: "values",
});
