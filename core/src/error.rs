//! Errors that name what is wrong and where.
//!
//! The shapes follow the API server's `field.Error` (`k8s.io/apimachinery/pkg/util/validation/field`):
//! a kind (Required, Invalid, …), the field path (`spec.ports[1].targetPort`), the offending value
//! and a detail a person understands. An [`ObjectError`] adds the object they belong to.

use crate::json::{FromJson, ToJson};
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

/// A path to a field, rendered the way kubectl and the API server print it:
/// `spec.ports[1].targetPort`, `metadata.labels[app.kubernetes.io/name]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldPath(String);

impl FieldPath {
    pub fn root() -> Self {
        FieldPath(String::new())
    }

    pub fn new(name: &str) -> Self {
        FieldPath(name.to_string())
    }

    /// `spec` → `spec.ports`.
    pub fn child(&self, name: &str) -> Self {
        if self.0.is_empty() {
            return FieldPath::new(name);
        }
        let mut s = String::with_capacity(self.0.len() + name.len() + 1);
        s.push_str(&self.0);
        s.push('.');
        s.push_str(name);
        FieldPath(s)
    }

    /// `spec.ports` → `spec.ports[1]`.
    pub fn index(&self, i: usize) -> Self {
        FieldPath(alloc::format!("{}[{}]", self.0, i))
    }

    /// `metadata.labels` → `metadata.labels[app]`.
    pub fn key(&self, k: &str) -> Self {
        FieldPath(alloc::format!("{}[{}]", self.0, k))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of rule a field broke (the API server's `field.ErrorType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson, FromJson)]
pub enum FieldErrorKind {
    /// A required field is missing.
    Required,
    /// The value is malformed or out of range.
    Invalid,
    /// The value is not one of an enumerated set.
    NotSupported,
    /// The value must be unique and is not.
    Duplicate,
    /// The field may not be set in this context.
    Forbidden,
    /// The value is too long.
    TooLong,
    /// The list has too many items.
    TooMany,
}

impl FieldErrorKind {
    fn label(self) -> &'static str {
        match self {
            FieldErrorKind::Required => "Required value",
            FieldErrorKind::Invalid => "Invalid value",
            FieldErrorKind::NotSupported => "Unsupported value",
            FieldErrorKind::Duplicate => "Duplicate value",
            FieldErrorKind::Forbidden => "Forbidden",
            FieldErrorKind::TooLong => "Too long",
            FieldErrorKind::TooMany => "Too many",
        }
    }
}

/// One broken rule at one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub kind: FieldErrorKind,
    pub path: FieldPath,
    /// The offending value as the user wrote it, when there is one.
    pub value: Option<String>,
    /// What the rule is, in words (`must be no more than 63 characters`).
    pub detail: String,
}

impl FieldError {
    pub fn new(
        kind: FieldErrorKind,
        path: FieldPath,
        value: Option<String>,
        detail: impl Into<String>,
    ) -> Self {
        FieldError {
            kind,
            path,
            value,
            detail: detail.into(),
        }
    }
    pub fn required(path: FieldPath, detail: impl Into<String>) -> Self {
        Self::new(FieldErrorKind::Required, path, None, detail)
    }
    pub fn invalid(path: FieldPath, value: impl fmt::Display, detail: impl Into<String>) -> Self {
        Self::new(FieldErrorKind::Invalid, path, Some(value.to_string()), detail)
    }
    pub fn not_supported(path: FieldPath, value: impl fmt::Display, allowed: &[&str]) -> Self {
        let mut detail = String::from("supported values: ");
        for (i, a) in allowed.iter().enumerate() {
            if i > 0 {
                detail.push_str(", ");
            }
            detail.push('"');
            detail.push_str(a);
            detail.push('"');
        }
        Self::new(
            FieldErrorKind::NotSupported,
            path,
            Some(value.to_string()),
            detail,
        )
    }
    pub fn duplicate(path: FieldPath, value: impl fmt::Display) -> Self {
        Self::new(FieldErrorKind::Duplicate, path, Some(value.to_string()), "")
    }
    pub fn forbidden(path: FieldPath, detail: impl Into<String>) -> Self {
        Self::new(FieldErrorKind::Forbidden, path, None, detail)
    }
}

/// A string in double quotes, escaped as JSON escapes it (`"a\"b"`): how messages quote a
/// value. Not `{:?}`: Rust's debug quoting needs the Unicode printable tables (≈9 KB of wasm),
/// and differs only for control and unprintable characters, which JSON escaping covers too.
pub struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::with_capacity(self.0.len() + 2);
        crate::json::write_string(&mut out, self.0);
        f.write_str(&out)
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.kind.label())?;
        if let Some(v) = &self.value {
            write!(f, ": {}", Quoted(v))?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// Which object something is about: `Service/default/web`, `Node/kind-worker`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ToJson, FromJson)]
pub struct ObjectRef {
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{}/{}/{}", self.kind, ns, self.name),
            None => write!(f, "{}/{}", self.kind, self.name),
        }
    }
}

/// Everything wrong with one object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectError {
    pub object: ObjectRef,
    /// Index of the object in the batch it came in (the manifest document, for parsed input).
    pub index: Option<usize>,
    pub errors: Vec<FieldError>,
}

impl fmt::Display for ObjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is invalid: ", self.object)?;
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ObjectError {}
#[cfg(feature = "std")]
impl std::error::Error for FieldError {}
