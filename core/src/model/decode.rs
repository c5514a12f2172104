//! How the model reads itself from a JSON value: [`FromJson`](crate::json::FromJson), derived
//! for each struct that [`model_struct!`] declares, from the struct's own declaration.
//!
//! A struct is one call to `json::read_fields` with its field names and a `match` on the field's
//! index, each field read in place into the default value by one shared function per field type
//! (no serde visitors: see ARCHITECTURE.md, "Size"). It reads exactly as serde's derived `Deserialize` does — the model
//! types keep it, and the tests use it as the reference: unknown keys are ignored, a missing
//! field keeps its default (every model struct is `#[serde(default)]`), `null` is `None` for an
//! `Option` and a wrong type otherwise, and a failure carries serde_json's message
//! (`invalid type: string "x", expected i64`) and the path where it happened.

/// Declares a model struct and derives its [`FromJson`](crate::json::FromJson): each field's
/// wire name is written once, after the field (`pub pod_ip: Option<String> = "podIP"`), or is the field's name when absent
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
        #[derive($crate::json::FromJson)]
        $vis struct $name {
            $(
                $(#[$fattr])*
                $(#[serde(rename = $wire)])?
                $fvis $field: $ty,
            )*
        }
    };
}

pub(crate) use model_struct;
