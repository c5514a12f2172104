//! A serde `Deserializer` for a JSON value read by reference, keeping the path it is at:
//! [`decode_with_path`], what the npm package reads its arguments with (`request.headers[1]`
//! names where a failure is). The model itself is read by `Decode` (`decode.rs`); its tests use
//! this reader, with the model types' derived `Deserialize`, as the reference.
//!
//! It behaves as serde_json's own `&Value` deserializer (same visits, same error messages),
//! except that a struct is read from an object only. serde_json also accepts an array for a
//! struct (its fields in order), which makes every derived `visit_seq` reachable: in the wasm
//! builds that was a second copy of every decoder that no input can use (an array where an
//! object is wanted is a wrong type either way). Map keys are handed to the visitors as borrowed
//! strings only, so the field visitors' integer and byte paths are dead code too. Size notes:
//! ARCHITECTURE.md, "Size".

use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;
use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, Expected, Unexpected, Visitor};

use serde_json::{Error, Map, Value};

/// Decodes `T` from a JSON value with no path kept (the tests compare it with serde_json's own).
#[cfg(test)]
pub(crate) fn from_value_ref<'a, T: de::Deserialize<'a>>(value: &'a Value) -> Result<T, Error> {
    T::deserialize(ValueDe {
        value,
        track: Untracked,
    })
}

/// A value that does not decode: where (`headers[1]`, `matchExpressions[0].operator`; empty
/// for the value itself) and serde's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathError {
    pub path: String,
    pub message: String,
}

/// Decodes `T` from a JSON value, naming the path of a failure: the
/// innermost key or index being read when it happened (an unknown or missing field is
/// reported at its object, a wrong value at the value).
pub fn decode_with_path<'a, T: de::Deserialize<'a>>(value: &'a Value) -> Result<T, PathError> {
    let state = RefCell::new(TrackState::default());
    let decoded = T::deserialize(ValueDe {
        value,
        track: Tracked(&state),
    });
    decoded.map_err(|e| {
        let segments = state.into_inner().failed_at.unwrap_or_default();
        let mut path = String::new();
        for segment in segments {
            match segment {
                Segment::Key(k) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&k);
                }
                Segment::Index(i) => {
                    path.push('[');
                    path.push_str(&alloc::format!("{i}"));
                    path.push(']');
                }
            }
        }
        PathError {
            path,
            message: alloc::string::ToString::to_string(&e),
        }
    })
}

/// Follows the reader down the value (or not).
trait Track: Copy {
    #[inline(always)]
    fn enter_key(self, _key: &str) {}
    #[inline(always)]
    fn enter_index(self, _index: usize) {}
    #[inline(always)]
    fn leave(self) {}
    /// A failure here: the first one reported is the innermost.
    #[inline(always)]
    fn fail(self) {}
}

/// No path kept.
#[cfg(test)]
#[derive(Clone, Copy)]
struct Untracked;

#[cfg(test)]
impl Track for Untracked {}

#[derive(Clone, Debug)]
enum Segment {
    Key(String),
    Index(usize),
}

#[derive(Default)]
struct TrackState {
    at: Vec<Segment>,
    failed_at: Option<Vec<Segment>>,
}

#[derive(Clone, Copy)]
struct Tracked<'t>(&'t RefCell<TrackState>);

impl Track for Tracked<'_> {
    fn enter_key(self, key: &str) {
        self.0.borrow_mut().at.push(Segment::Key(String::from(key)));
    }

    fn enter_index(self, index: usize) {
        self.0.borrow_mut().at.push(Segment::Index(index));
    }

    fn leave(self) {
        self.0.borrow_mut().at.pop();
    }

    fn fail(self) {
        let mut state = self.0.borrow_mut();
        if state.failed_at.is_none() {
            state.failed_at = Some(state.at.clone());
        }
    }
}

/// A `&Value` as a serde `Deserializer`.
#[derive(Clone, Copy)]
struct ValueDe<'a, K> {
    value: &'a Value,
    track: K,
}

/// serde_json's wording for the value found (`integer `80``, `a sequence`…).
pub(super) fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Unexpected::Unsigned(u),
            (None, Some(i)) => Unexpected::Signed(i),
            (None, None) => Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

fn invalid_type(value: &Value, expected: &dyn Expected) -> Error {
    de::Error::invalid_type(unexpected(value), expected)
}

fn visit_array<'de, V: Visitor<'de>, K: Track>(
    items: &'de [Value],
    track: K,
    visitor: V,
) -> Result<V::Value, Error> {
    let mut seq = SeqDe {
        iter: items.iter(),
        len: items.len(),
        track,
    };
    let out = visitor.visit_seq(&mut seq)?;
    if seq.iter.len() == 0 {
        Ok(out)
    } else {
        Err(de::Error::invalid_length(items.len(), &"fewer elements in array"))
    }
}

fn visit_object<'de, V: Visitor<'de>, K: Track>(
    map: &'de Map<String, Value>,
    track: K,
    visitor: V,
) -> Result<V::Value, Error> {
    let mut access = MapDe {
        iter: map.iter(),
        value: None,
        track,
    };
    let out = visitor.visit_map(&mut access)?;
    if access.iter.len() == 0 {
        Ok(out)
    } else {
        Err(de::Error::invalid_length(map.len(), &"fewer elements in map"))
    }
}

/// The scalar reads are serde_json's own (`&Value` with a primitive visitor).
macro_rules! forward_to_json {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                let track = self.track;
                de::Deserializer::$method(self.value, visitor).inspect_err(|_| track.fail())
            }
        )*
    };
}

impl<'de, K: Track> ValueDe<'de, K> {
    /// `result`, with a failure reported where this value is. Always inlined: a call per
    /// visitor type would move every decoded value through it.
    #[inline(always)]
    fn here<T>(self, result: Result<T, Error>) -> Result<T, Error> {
        if result.is_err() {
            self.track.fail();
        }
        result
    }
}

impl<'de, K: Track> de::Deserializer<'de> for ValueDe<'de, K> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.here(match self.value {
            Value::Array(items) => visit_array(items, self.track, visitor),
            Value::Object(map) => visit_object(map, self.track, visitor),
            scalar => de::Deserializer::deserialize_any(scalar, visitor),
        })
    }

    forward_to_json! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_unit deserialize_identifier
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.here(match self.value {
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visit_array(items, self.track, visitor),
            other => Err(invalid_type(other, &visitor)),
        })
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Value::Null => self.here(visitor.visit_none()),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.here(match self.value {
            Value::Array(items) => visit_array(items, self.track, visitor),
            other => Err(invalid_type(other, &visitor)),
        })
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.here(match self.value {
            Value::Object(map) => visit_object(map, self.track, visitor),
            other => Err(invalid_type(other, &visitor)),
        })
    }

    /// An object only (see the module notes): an array is a wrong type.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let track = self.track;
        self.here(match self.value {
            Value::String(variant) => visitor.visit_enum(EnumDe {
                variant,
                value: None,
                track,
            }),
            Value::Object(map) => {
                let mut entries = map.iter();
                match (entries.next(), entries.next()) {
                    (Some((variant, value)), None) => visitor.visit_enum(EnumDe {
                        variant,
                        value: Some(value),
                        track,
                    }),
                    _ => Err(de::Error::invalid_value(
                        Unexpected::Map,
                        &"map with a single key",
                    )),
                }
            }
            other => Err(de::Error::invalid_type(unexpected(other), &"string or map")),
        })
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

struct SeqDe<'a, K> {
    iter: core::slice::Iter<'a, Value>,
    len: usize,
    track: K,
}

impl<'de, K: Track> de::SeqAccess<'de> for SeqDe<'de, K> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        let Some(value) = self.iter.next() else {
            return Ok(None);
        };
        self.track.enter_index(self.len - self.iter.len() - 1);
        let out = seed.deserialize(ValueDe {
            value,
            track: self.track,
        });
        if out.is_err() {
            self.track.fail();
        }
        self.track.leave();
        out.map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct MapDe<'a, K> {
    iter: serde_json::map::Iter<'a>,
    value: Option<&'a Value>,
    track: K,
}

impl<'de, K: Track> de::MapAccess<'de> for MapDe<'de, K> {
    type Error = Error;

    fn next_key_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, Error> {
        match self.iter.next() {
            Some((key, value)) => {
                self.value = Some(value);
                // Entered here, left after the value (an unknown field is reported at its key).
                self.track.enter_key(key);
                let key_de: BorrowedStrDeserializer<'de, Error> = BorrowedStrDeserializer::new(key);
                seed.deserialize(key_de).map(Some).inspect_err(|_| {
                    self.track.fail();
                    self.track.leave();
                })
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        match self.value.take() {
            Some(value) => {
                let out = seed.deserialize(ValueDe {
                    value,
                    track: self.track,
                });
                if out.is_err() {
                    self.track.fail();
                }
                self.track.leave();
                out
            }
            None => Err(de::Error::custom("value is missing")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct EnumDe<'a, K> {
    variant: &'a str,
    value: Option<&'a Value>,
    track: K,
}

impl<'de, K: Track> de::EnumAccess<'de> for EnumDe<'de, K> {
    type Error = Error;
    type Variant = VariantDe<'de, K>;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, VariantDe<'de, K>), Error> {
        let variant: BorrowedStrDeserializer<'de, Error> = BorrowedStrDeserializer::new(self.variant);
        let track = self.track;
        seed.deserialize(variant).map(|v| {
            (
                v,
                VariantDe {
                    value: self.value,
                    track,
                },
            )
        })
    }
}

struct VariantDe<'a, K> {
    value: Option<&'a Value>,
    track: K,
}

impl<'de, K: Track> de::VariantAccess<'de> for VariantDe<'de, K> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.value {
            Some(value) => de::Deserialize::deserialize(ValueDe {
                value,
                track: self.track,
            }),
            None => Ok(()),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        match self.value {
            Some(value) => seed.deserialize(ValueDe {
                value,
                track: self.track,
            }),
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"newtype variant",
            )),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        match self.value {
            Some(Value::Array(items)) if items.is_empty() => visitor.visit_unit(),
            Some(Value::Array(items)) => visit_array(items, self.track, visitor),
            Some(other) => Err(de::Error::invalid_type(unexpected(other), &"tuple variant")),
            None => Err(de::Error::invalid_type(Unexpected::UnitVariant, &"tuple variant")),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.value {
            Some(Value::Object(map)) => visit_object(map, self.track, visitor),
            Some(other) => Err(de::Error::invalid_type(unexpected(other), &"struct variant")),
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"struct variant",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::boxed::Box;
    use alloc::collections::BTreeMap;
    use alloc::string::ToString;
    use alloc::vec::Vec;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Shape {
        name: String,
        #[serde(default)]
        ports: Vec<u16>,
        #[serde(default)]
        labels: BTreeMap<String, String>,
        #[serde(default)]
        kind: Option<Mode>,
        #[serde(default)]
        pair: Option<(u8, bool)>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    enum Mode {
        Plain,
        Weighted(u32),
        Split { left: u8 },
    }

    /// Both deserializers on the same input: the same value, or the same error message. The
    /// exception (a struct from an array) is the last table.
    #[test]
    fn agrees_with_serde_json() {
        // (input)
        let cases = [
            json!({"name": "a"}),
            json!({"name": "a", "ports": [80, 443], "labels": {"x": "y"}, "unknown": [1, {"z": null}]}),
            json!({"name": "a", "kind": "Plain"}),
            json!({"name": "a", "kind": {"Weighted": 3}}),
            json!({"name": "a", "kind": {"Split": {"left": 1}}}),
            json!({"name": "a", "pair": [1, true]}),
            json!({"name": "a", "pair": [1, true, 3]}),
            json!({"name": "a", "pair": [1]}),
            json!({"name": "a", "kind": "Other"}),
            json!({"name": "a", "kind": {"Plain": null, "Weighted": 1}}),
            json!({"name": "a", "kind": 7}),
            json!({"name": "a", "kind": {"Weighted": "x"}}),
            json!({"name": "a", "kind": "Weighted"}),
            json!({"name": "a", "kind": {"Split": [1]}}),
            json!({"name": 80}),
            json!({"name": -1}),
            json!({"name": 1.5}),
            json!({"name": true}),
            json!({"name": null}),
            json!({"name": "a", "ports": 80}),
            json!({"name": "a", "ports": [70000]}),
            json!({"name": "a", "ports": ["80"]}),
            json!({"name": "a", "labels": ["x"]}),
            json!({"name": "a", "labels": {"x": 1}}),
            json!({"ports": []}),
            json!({"name": "a", "name": "b"}),
            json!("text"),
            json!(null),
        ];
        for input in cases {
            let ours = from_value_ref::<Shape>(&input).map_err(|e| e.to_string());
            let theirs = Shape::deserialize(&input).map_err(|e| e.to_string());
            assert_eq!(ours, theirs, "{input}");
        }
        // A struct from an array: serde_json reads the fields in order, the model never does.
        let array = json!(["a", [80]]);
        assert!(Shape::deserialize(&array).is_ok());
        assert_eq!(
            from_value_ref::<Shape>(&array).map_err(|e| e.to_string()),
            Err("invalid type: sequence, expected struct Shape".to_string())
        );
    }

    #[test]
    fn paths_of_failures() {
        // (input, path, message)
        let cases = [
            (
                json!({"name": 1}),
                "name",
                "invalid type: integer `1`, expected a string",
            ),
            (
                json!({"name": "a", "ports": [80, "x"]}),
                "ports[1]",
                "invalid type: string \"x\", expected u16",
            ),
            (
                json!({"name": "a", "labels": {"k": 2}}),
                "labels.k",
                "invalid type: integer `2`, expected a string",
            ),
            (
                json!({"name": "a", "kind": "Other"}),
                "kind",
                "unknown variant `Other`, expected one of `Plain`, `Weighted`, `Split`",
            ),
            (
                json!({"name": "a", "kind": {"Split": {"left": -1}}}),
                "kind.left",
                "invalid value: integer `-1`, expected u8",
            ),
            (
                json!({"name": "a", "pair": [1, 2]}),
                "pair[1]",
                "invalid type: integer `2`, expected a boolean",
            ),
            (json!({"ports": []}), "", "missing field `name`"),
            (
                json!({"name": "a", "extra": {"deep": [1]}, "ports": {}}),
                "ports",
                "invalid type: map, expected a sequence",
            ),
            (json!([1]), "", "invalid type: sequence, expected struct Shape"),
        ];
        for (input, path, message) in cases {
            assert_eq!(
                decode_with_path::<Shape>(&input),
                Err(PathError {
                    path: path.to_string(),
                    message: message.to_string()
                }),
                "{input}"
            );
        }
        // deny_unknown_fields: the unknown key is the path.
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Strict {
            #[serde(default)]
            #[allow(dead_code)]
            inner: Option<Box<Strict>>,
        }
        let err = decode_with_path::<Strict>(&json!({"inner": {"inner": {"typo": 1}}})).map(|_| ());
        assert_eq!(err.map_err(|e| e.path), Err("inner.inner.typo".to_string()));
        assert!(decode_with_path::<Shape>(&json!({"name": "a", "ports": [1]})).is_ok());
    }

    #[test]
    fn values_round_trip() {
        // (input): a generic value reads back as itself.
        let cases = [
            json!(null),
            json!({"a": [1, -2, 3.5, "s", true, null, {"b": {}}]}),
            json!([]),
            json!(18446744073709551615u64),
        ];
        for input in cases {
            assert_eq!(
                from_value_ref::<Value>(&input).ok(),
                Some(input.clone()),
                "{input}"
            );
        }
    }
}
