//! [`ToJson`]: a type written as a JSON [`Value`].
//!
//! Structs and enums get it from `#[derive(ToJson)]` (crate `kroute-derive`), which reads serde's
//! attribute syntax (`rename_all`, `tag`, `content`, `rename`, `skip_serializing_if`, `flatten`)
//! and writes what serde would have written: the same shapes, fields in declaration order. Each
//! field is one call to its type's `to_json` and one [`Map::push`]: no serializer state
//! machine per field type (ARCHITECTURE.md, "Size").

use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{Map, Value};
use crate::collections::{VecMap, VecSet};

/// A type written as a JSON value.
pub trait ToJson {
    fn to_json(&self) -> Value;
}

/// A type that can be an object's key: strings, numbers (written as their decimal text) and
/// unit-only enums (their variant's name), as JSON writers accept them.
pub trait ToJsonKey {
    fn to_json_key(&self) -> String;
}

impl ToJson for Value {
    fn to_json(&self) -> Value {
        self.clone()
    }
}

impl ToJson for Map {
    fn to_json(&self) -> Value {
        Value::Object(self.clone())
    }
}

impl ToJson for str {
    fn to_json(&self) -> Value {
        Value::String(self.to_owned())
    }
}

impl ToJson for String {
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }
}

impl ToJson for char {
    fn to_json(&self) -> Value {
        Value::String(self.to_string())
    }
}

macro_rules! to_json_number {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn to_json(&self) -> Value {
                Value::from(*self)
            }
        }
    )*};
}

to_json_number!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, f32, f64);

macro_rules! to_json_key_display {
    ($($t:ty),*) => {$(
        impl ToJsonKey for $t {
            fn to_json_key(&self) -> String {
                self.to_string()
            }
        }
    )*};
}

to_json_key_display!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, str, String, char);

macro_rules! to_json_display {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn to_json(&self) -> Value {
                Value::String(self.to_string())
            }
        }
    )*};
}

to_json_display!(IpAddr, Ipv4Addr, Ipv6Addr);

impl<T: ToJsonKey + ?Sized> ToJsonKey for &T {
    fn to_json_key(&self) -> String {
        (**self).to_json_key()
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
}

impl<T: ToJson + ?Sized> ToJson for Box<T> {
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
}

impl<T: ToJson + ?Sized> ToJson for Rc<T> {
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Value {
        match self {
            Some(v) => v.to_json(),
            None => Value::Null,
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(ToJson::to_json).collect())
    }
}

impl<T: ToJson, const N: usize> ToJson for [T; N] {
    fn to_json(&self) -> Value {
        self.as_slice().to_json()
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Value {
        self.as_slice().to_json()
    }
}

impl<T: ToJson> ToJson for BTreeSet<T> {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(ToJson::to_json).collect())
    }
}

impl<T: ToJson> ToJson for VecSet<T> {
    fn to_json(&self) -> Value {
        self.as_slice().to_json()
    }
}

/// An object from key/value pairs in iteration order.
fn object<'a, K: ToJsonKey + 'a, V: ToJson + 'a>(pairs: impl Iterator<Item = (&'a K, &'a V)>) -> Value {
    let mut map = Map::new();
    for (k, v) in pairs {
        map.insert(k.to_json_key(), v.to_json());
    }
    Value::Object(map)
}

impl<K: ToJsonKey, V: ToJson> ToJson for BTreeMap<K, V> {
    fn to_json(&self) -> Value {
        object(self.iter())
    }
}

impl<K: ToJsonKey, V: ToJson> ToJson for VecMap<K, V> {
    fn to_json(&self) -> Value {
        object(self.iter())
    }
}

macro_rules! to_json_tuple {
    ($(($($n:tt $t:ident),+))*) => {$(
        impl<$($t: ToJson),+> ToJson for ($($t,)+) {
            fn to_json(&self) -> Value {
                Value::Array(alloc::vec![$(self.$n.to_json()),+])
            }
        }
    )*};
}

to_json_tuple!((0 A, 1 B) (0 A, 1 B, 2 C));

impl ToJson for () {
    fn to_json(&self) -> Value {
        Value::Null
    }
}

/// Writes `value`'s object entries into `map` (a `#[serde(flatten)]` field); a value that is
/// not an object adds nothing.
pub fn flatten_into(map: &mut Map, value: Value) {
    if let Value::Object(inner) = value {
        for (k, v) in inner {
            map.insert(k, v);
        }
    }
}

/// An internally tagged enum's variant: `{"<tag>": "<name>", …the content's fields}`. Content
/// that is not an object (serde refuses such a variant) is written under the tag alone.
pub fn tagged(tag: &str, name: &str, content: Value) -> Value {
    let mut map = Map::new();
    map.push(tag, Value::String(name.to_owned()));
    flatten_into(&mut map, content);
    Value::Object(map)
}

/// An adjacently tagged enum's variant: `{"<tag>": "<name>", "<content>": …}`.
pub fn adjacent(tag: &str, name: &str, content_key: &str, content: Option<Value>) -> Value {
    let mut map = Map::new();
    map.push(tag, Value::String(name.to_owned()));
    if let Some(c) = content {
        map.push(content_key, c);
    }
    Value::Object(map)
}

/// An externally tagged enum's variant with content: `{"<name>": …}`.
pub fn external(name: &str, content: Value) -> Value {
    let mut map = Map::new();
    map.push(name, content);
    Value::Object(map)
}
