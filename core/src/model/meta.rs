//! `ObjectMeta` and the small shared shapes every kind uses.

use crate::json::{self, DecodeError, FromJson, ToJson, Value};
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};

use super::decode::model_struct;

/// Labels and annotations: ordered so that output and iteration are deterministic.
pub type StringMap = BTreeMap<String, String>;

model_struct! {
    /// `metadata` of every object. Read-only fields from live dumps are kept so that a dump can be
    /// re-applied, but only `creationTimestamp` and `deletionTimestamp` carry meaning here.
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct ObjectMeta {
        #[serde(skip_serializing_if = "String::is_empty")]
        pub name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub generate_name: Option<String> = "generateName",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub namespace: Option<String>,
        #[serde(skip_serializing_if = "StringMap::is_empty")]
        pub labels: StringMap,
        #[serde(skip_serializing_if = "StringMap::is_empty")]
        pub annotations: StringMap,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub uid: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub resource_version: Option<String> = "resourceVersion",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub creation_timestamp: Option<String> = "creationTimestamp",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub deletion_timestamp: Option<String> = "deletionTimestamp",
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub owner_references: Vec<OwnerReference> = "ownerReferences",
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Eq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct OwnerReference {
        pub api_version: String = "apiVersion",
        pub kind: String,
        pub name: String,
        pub uid: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub controller: Option<bool>,
    }
}

model_struct! {
    /// A reference to another object, as in `Endpoints.subsets[].addresses[].targetRef`.
    #[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct ObjectReference {
        #[serde(skip_serializing_if = "String::is_empty")]
        pub kind: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub namespace: Option<String>,
        #[serde(skip_serializing_if = "String::is_empty")]
        pub name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub uid: Option<String>,
    }
}

/// A field that holds either a number or a name: `targetPort: 8080` or `targetPort: http`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntOrString {
    Int(i64),
    String(String),
}

impl Default for IntOrString {
    fn default() -> Self {
        IntOrString::Int(0)
    }
}

impl fmt::Display for IntOrString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrString::Int(i) => write!(f, "{i}"),
            IntOrString::String(s) => f.write_str(s),
        }
    }
}

impl ToJson for IntOrString {
    fn to_json(&self) -> Value {
        match self {
            IntOrString::Int(i) => Value::from(*i),
            IntOrString::String(v) => Value::String(v.clone()),
        }
    }
}

impl FromJson for IntOrString {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        Ok(match value {
            Value::String(s) => IntOrString::String(s.clone()),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => IntOrString::Int(i),
                (None, Some(_)) => return Err(DecodeError::new("integer out of range".into())),
                (None, None) => return Err(json::invalid_type(value, "an integer or a string")),
            },
            other => return Err(json::invalid_type(other, "an integer or a string")),
        })
    }
}

impl<'de> Deserialize<'de> for IntOrString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = IntOrString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(IntOrString::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                i64::try_from(v)
                    .map(IntOrString::Int)
                    .map_err(|_| E::custom("integer out of range"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(IntOrString::String(String::from(v)))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(IntOrString::String(v))
            }
        }
        d.deserialize_any(V)
    }
}

model_struct! {
    /// The API's `Condition`-like pair used by Pods and Nodes.
    #[derive(Clone, Debug, Default, PartialEq, Eq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct Condition {
        pub type_: String = "type",
        pub status: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub last_transition_time: Option<String> = "lastTransitionTime",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub reason: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub message: Option<String>,
    }
}

pub(crate) fn is_false(b: &bool) -> bool {
    !*b
}
