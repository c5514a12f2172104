//! How the model reads itself from a JSON value: [`FromJson`](crate::json::FromJson), generated
//! for each struct by [`model_struct!`] from the struct's own declaration.
//!
//! A struct is one loop over the object's entries with a `match` on the key, each field read in
//! place into the default value by one shared function per field type (no serde visitors: see
//! ARCHITECTURE.md, "Size"). It reads exactly as serde's derived `Deserialize` does — the model
//! types keep it, and the tests use it as the reference: unknown keys are ignored, a missing
//! field keeps its default (every model struct is `#[serde(default)]`), `null` is `None` for an
//! `Option` and a wrong type otherwise, and a failure carries serde_json's message
//! (`invalid type: string "x", expected i64`) and the path where it happened.

/// `impl FromJson` for a struct from its fields and their names on the wire: what
/// [`model_struct!`] generates, and used as is for the shapes the model shares with other
/// modules (their serde names must match: the tests compare both readers).
macro_rules! impl_decode {
    ($name:ident { $($field:ident: $wire:pat),* $(,)? }) => {
        impl $crate::json::FromJson for $name {
            fn from_json(value: &$crate::json::Value) -> Result<Self, $crate::json::DecodeError> {
                let mut out = <Self as Default>::default();
                $crate::json::FromJson::read_into(&mut out, value)?;
                Ok(out)
            }

            fn read_into(&mut self, value: &$crate::json::Value) -> Result<(), $crate::json::DecodeError> {
                for (key, value) in $crate::json::object(value, concat!("struct ", stringify!($name)))? {
                    match key.as_str() {
                        $($wire => $crate::json::read_field(&mut self.$field, key, value)?,)*
                        _ => {}
                    }
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

/// Declares a model struct and its [`FromJson`](crate::json::FromJson): each field's wire name is written once, after
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
