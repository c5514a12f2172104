//! JSON as data, without serde: a [`Value`] tree, its text form ([`to_string`], [`from_str`]),
//! and the two traits types are read and written through, [`FromJson`] and [`ToJson`].
//!
//! Why kroute has its own: every object, answer and error crosses as JSON — to the npm
//! package's callers, into the playground's storage and share links, out as the API shape of an
//! object — and serde's generic machinery (derived visitors and serializers, instantiated per
//! type and per format) was the largest part of the wasm builds. Here a type is written by one
//! plain function building a `Value`, and read by one loop over an object's entries; the text
//! reader and writer exist once (ARCHITECTURE.md, "Size").
//!
//! What it keeps from serde: the attribute syntax (`#[serde(rename_all = "camelCase")]`,
//! `tag`, `skip_serializing_if`…), which `#[derive(ToJson, FromJson)]` read, so the shapes are
//! declared where they always were; serde's error messages; serde_json's text (escapes, number
//! forms, two-space indentation). Objects keep their keys in insertion order (a struct's fields
//! in declaration order); [`Value::sort_keys`] orders them by key where that is wanted.

mod float;
mod from_json;
mod parse;
mod to_json;
mod value;
mod write;

#[cfg(test)]
mod tests;

pub use from_json::{
    decode_with_path, field, from_str_value, invalid_type, missing_field, object, read_field, read_fields,
    unknown_field, unknown_variant, variant_name, DecodeError, FromJson, FromJsonKey, PathError,
};
pub use parse::{from_str, ParseError};
pub use to_json::{adjacent, external, flatten_into, tagged, ToJson, ToJsonKey};
pub use value::{Map, Number, Value};
pub use write::{string as write_string, to_string, to_string_pretty};

/// The derives: `#[derive(ToJson, FromJson)]` with serde's attribute syntax.
pub use kroute_derive::{FromJson, ToJson};

/// Reads a `T` from JSON text; the error says where the text is not JSON, or which value of it
/// does not decode (`spec.ports[0].port: invalid type: …`).
pub fn from_str_as<T: FromJson>(text: &str) -> Result<T, alloc::string::String> {
    let value = from_str(text).map_err(|e| alloc::string::ToString::to_string(&e))?;
    T::from_json(&value).map_err(|e| alloc::string::ToString::to_string(&e))
}

/// `null`, for code that needs a `&'static Value` (an absent member read as null).
pub static NULL: Value = Value::Null;

/// What the derives' generated code names, so that it compiles in crates without `alloc`.
#[doc(hidden)]
pub mod __private {
    pub use alloc::string::String;
    pub use alloc::vec;
}

/// A [`Value`] written as JSON: `json!({"a": [1, null, x], "b": {"c": -2}})`. Keys are string
/// literals or parenthesised expressions (`(name): 1`); any other value is an expression whose
/// [`ToJson`] gives the value.
#[macro_export]
macro_rules! json {
    (null) => { $crate::json::Value::Null };
    (true) => { $crate::json::Value::Bool(true) };
    (false) => { $crate::json::Value::Bool(false) };
    ([]) => { $crate::json::Value::Array($crate::json::__private::vec![]) };
    ([ $($tt:tt)+ ]) => { $crate::json::Value::Array($crate::json!(@array [] $($tt)+)) };
    ({}) => { $crate::json::Value::Object($crate::json::Map::new()) };
    ({ $($tt:tt)+ }) => {{
        let mut map = $crate::json::Map::new();
        $crate::json!(@object map $($tt)+);
        $crate::json::Value::Object(map)
    }};
    (@array [$($done:expr,)*]) => { $crate::json::__private::vec![$($done,)*] };
    (@array [$($done:expr,)*] null $(, $($rest:tt)*)?) => {
        $crate::json!(@array [$($done,)* $crate::json!(null),] $($($rest)*)?)
    };
    (@array [$($done:expr,)*] true $(, $($rest:tt)*)?) => {
        $crate::json!(@array [$($done,)* $crate::json!(true),] $($($rest)*)?)
    };
    (@array [$($done:expr,)*] false $(, $($rest:tt)*)?) => {
        $crate::json!(@array [$($done,)* $crate::json!(false),] $($($rest)*)?)
    };
    (@array [$($done:expr,)*] [$($inner:tt)*] $(, $($rest:tt)*)?) => {
        $crate::json!(@array [$($done,)* $crate::json!([$($inner)*]),] $($($rest)*)?)
    };
    (@array [$($done:expr,)*] {$($inner:tt)*} $(, $($rest:tt)*)?) => {
        $crate::json!(@array [$($done,)* $crate::json!({$($inner)*}),] $($($rest)*)?)
    };
    (@array [$($done:expr,)*] $next:expr $(, $($rest:tt)*)?) => {
        $crate::json!(@array [$($done,)* $crate::json!($next),] $($($rest)*)?)
    };
    (@object $map:ident) => {};
    (@object $map:ident $key:tt : null $(, $($rest:tt)*)?) => {
        $map.insert(::core::convert::Into::into($key), $crate::json!(null));
        $crate::json!(@object $map $($($rest)*)?);
    };
    (@object $map:ident $key:tt : true $(, $($rest:tt)*)?) => {
        $map.insert(::core::convert::Into::into($key), $crate::json!(true));
        $crate::json!(@object $map $($($rest)*)?);
    };
    (@object $map:ident $key:tt : false $(, $($rest:tt)*)?) => {
        $map.insert(::core::convert::Into::into($key), $crate::json!(false));
        $crate::json!(@object $map $($($rest)*)?);
    };
    (@object $map:ident $key:tt : [$($inner:tt)*] $(, $($rest:tt)*)?) => {
        $map.insert(::core::convert::Into::into($key), $crate::json!([$($inner)*]));
        $crate::json!(@object $map $($($rest)*)?);
    };
    (@object $map:ident $key:tt : {$($inner:tt)*} $(, $($rest:tt)*)?) => {
        $map.insert(::core::convert::Into::into($key), $crate::json!({$($inner)*}));
        $crate::json!(@object $map $($($rest)*)?);
    };
    (@object $map:ident $key:tt : $value:expr $(, $($rest:tt)*)?) => {
        $map.insert(::core::convert::Into::into($key), $crate::json!($value));
        $crate::json!(@object $map $($($rest)*)?);
    };
    ($other:expr) => { $crate::json::ToJson::to_json(&$other) };
}
