//! The one serde `Deserializer` the model is decoded with: a JSON value, read by reference.
//!
//! It behaves as serde_json's own `&Value` deserializer (same visits, same error messages),
//! except that a struct is read from an object only. serde_json also accepts an array for a
//! struct (its fields in order), which makes every derived `visit_seq` reachable: in the wasm
//! builds that was a second copy of every model type's decoder that no manifest can use (an
//! array where the API wants an object is a wrong type either way). Map keys are handed to the
//! visitors as borrowed strings only, so the field visitors' integer and byte paths are dead
//! code too. Size notes: ARCHITECTURE.md, "Size".

use alloc::string::String;
use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, Expected, Unexpected, Visitor};

use serde_json::{Error, Map, Value};

/// Decodes `T` from a JSON value (what [`super::Object::from_value`] and its helpers use).
pub(crate) fn from_value_ref<'a, T: de::Deserialize<'a>>(value: &'a Value) -> Result<T, Error> {
    T::deserialize(ValueDe(value))
}

/// A `&Value` as a serde `Deserializer`.
#[derive(Clone, Copy)]
pub(crate) struct ValueDe<'a>(pub &'a Value);

/// serde_json's wording for the value found (`integer `80``, `a sequence`…).
fn unexpected(value: &Value) -> Unexpected<'_> {
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

fn visit_array<'de, V: Visitor<'de>>(items: &'de [Value], visitor: V) -> Result<V::Value, Error> {
    let mut seq = SeqDe(items.iter());
    let out = visitor.visit_seq(&mut seq)?;
    if seq.0.len() == 0 {
        Ok(out)
    } else {
        Err(de::Error::invalid_length(items.len(), &"fewer elements in array"))
    }
}

fn visit_object<'de, V: Visitor<'de>>(map: &'de Map<String, Value>, visitor: V) -> Result<V::Value, Error> {
    let mut access = MapDe {
        iter: map.iter(),
        value: None,
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
                de::Deserializer::$method(self.0, visitor)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for ValueDe<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visit_array(items, visitor),
            Value::Object(map) => visit_object(map, visitor),
            scalar => de::Deserializer::deserialize_any(scalar, visitor),
        }
    }

    forward_to_json! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_unit deserialize_identifier
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => visit_array(items, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
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
        match self.0 {
            Value::Array(items) => visit_array(items, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
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
        match self.0 {
            Value::Object(map) => visit_object(map, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
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
        match self.0 {
            Value::String(variant) => visitor.visit_enum(EnumDe { variant, value: None }),
            Value::Object(map) => {
                let mut entries = map.iter();
                match (entries.next(), entries.next()) {
                    (Some((variant, value)), None) => visitor.visit_enum(EnumDe {
                        variant,
                        value: Some(value),
                    }),
                    _ => Err(de::Error::invalid_value(
                        Unexpected::Map,
                        &"map with a single key",
                    )),
                }
            }
            other => Err(de::Error::invalid_type(unexpected(other), &"string or map")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

struct SeqDe<'a>(core::slice::Iter<'a, Value>);

impl<'de> de::SeqAccess<'de> for SeqDe<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        self.0.next().map(|v| seed.deserialize(ValueDe(v))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct MapDe<'a> {
    iter: serde_json::map::Iter<'a>,
    value: Option<&'a Value>,
}

impl<'de> de::MapAccess<'de> for MapDe<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        match self.iter.next() {
            Some((key, value)) => {
                self.value = Some(value);
                let key: BorrowedStrDeserializer<'de, Error> = BorrowedStrDeserializer::new(key);
                seed.deserialize(key).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(ValueDe(value)),
            None => Err(de::Error::custom("value is missing")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct EnumDe<'a> {
    variant: &'a str,
    value: Option<&'a Value>,
}

impl<'de> de::EnumAccess<'de> for EnumDe<'de> {
    type Error = Error;
    type Variant = VariantDe<'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, VariantDe<'de>), Error> {
        let variant: BorrowedStrDeserializer<'de, Error> = BorrowedStrDeserializer::new(self.variant);
        seed.deserialize(variant).map(|v| (v, VariantDe(self.value)))
    }
}

struct VariantDe<'a>(Option<&'a Value>);

impl<'de> de::VariantAccess<'de> for VariantDe<'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.0 {
            Some(value) => de::Deserialize::deserialize(ValueDe(value)),
            None => Ok(()),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        match self.0 {
            Some(value) => seed.deserialize(ValueDe(value)),
            None => Err(de::Error::invalid_type(
                Unexpected::UnitVariant,
                &"newtype variant",
            )),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Some(Value::Array(items)) if items.is_empty() => visitor.visit_unit(),
            Some(Value::Array(items)) => visit_array(items, visitor),
            Some(other) => Err(de::Error::invalid_type(unexpected(other), &"tuple variant")),
            None => Err(de::Error::invalid_type(Unexpected::UnitVariant, &"tuple variant")),
        }
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Some(Value::Object(map)) => visit_object(map, visitor),
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
