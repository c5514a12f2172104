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

mod from_json;
mod parse;
mod to_json;
mod value;
mod write;

#[cfg(test)]
mod tests;

pub use from_json::{
    decode_with_path, from_str_value, invalid_type, missing_field, object, read_field, unknown_field,
    FromJsonKey,
    unknown_variant, variant_name, DecodeError, FromJson, PathError,
};
pub use parse::{from_str, ParseError};
pub use to_json::{adjacent, external, flatten_into, tagged, ToJson, ToJsonKey};
pub use value::{Map, Number, Value};
pub use write::{to_string, to_string_pretty};

/// The derives: `#[derive(ToJson, FromJson)]` with serde's attribute syntax.
pub use kroute_derive::{FromJson, ToJson};

/// `null`, for code that needs a `&'static Value` (an absent member read as null).
pub static NULL: Value = Value::Null;

/// What the derives' generated code names, so that it compiles in crates without `alloc`.
#[doc(hidden)]
pub mod __private {
    pub use alloc::string::String;
    pub use alloc::vec;
}
