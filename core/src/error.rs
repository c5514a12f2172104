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
    /// The offending value, when there is one.
    pub value: Option<BadValue>,
    /// What the rule is, in words (`must be no more than 63 characters`).
    pub detail: String,
}

impl FieldError {
    pub fn new(
        kind: FieldErrorKind,
        path: FieldPath,
        value: Option<BadValue>,
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
    pub fn invalid(path: FieldPath, value: impl Into<BadValue>, detail: impl Into<String>) -> Self {
        Self::new(FieldErrorKind::Invalid, path, Some(value.into()), detail)
    }
    pub fn not_supported(path: FieldPath, value: impl Into<BadValue>, allowed: &[&str]) -> Self {
        let mut detail = String::from("supported values: ");
        for (i, a) in allowed.iter().enumerate() {
            if i > 0 {
                detail.push_str(", ");
            }
            detail.push('"');
            detail.push_str(a);
            detail.push('"');
        }
        Self::new(FieldErrorKind::NotSupported, path, Some(value.into()), detail)
    }
    pub fn duplicate(path: FieldPath, value: impl Into<BadValue>) -> Self {
        Self::new(FieldErrorKind::Duplicate, path, Some(value.into()), "")
    }
    pub fn forbidden(path: FieldPath, detail: impl Into<String>) -> Self {
        Self::new(FieldErrorKind::Forbidden, path, None, detail)
    }
}

/// The value a [`FieldError`] is about, printed as the API server prints it: a string in quotes
/// (`Invalid value: "web_1"`), a number or a boolean as it is (`Invalid value: 70000`, `Too
/// many: 1001`). Upstream, `field.Error.ErrorBody` prints `int32`, `int64`, floats and `bool`
/// with `%v` and strings with `%q`; what it is comes from the Go type of the field, so here
/// from the Rust type of the value passed in (an IP, a quantity or a name is a string in the API
/// even when kroute holds it parsed: pass its text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BadValue {
    Str(String),
    Int(i64),
    Bool(bool),
    /// A list or a map, already written as Go's `%#v` writes it (upstream's fallback for any
    /// other type): `[]string{"a", "b"}`, `map[string]string{"app":"web"}`.
    GoSyntax(String),
}

impl BadValue {
    /// A `[]string` as upstream prints it: `[]string{"a", "b"}`, `[]string{}`.
    pub fn string_list<S: AsRef<str>>(items: &[S]) -> Self {
        let mut out = String::from("[]string{");
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            crate::json::write_string(&mut out, item.as_ref());
        }
        out.push('}');
        BadValue::GoSyntax(out)
    }

    /// A `map[string]string` as upstream prints it: `map[string]string{"app":"web", "tier":"fe"}`.
    /// Go's `fmt` prints a map's keys sorted; `entries` come in key order (as a `StringMap`
    /// iterates), which saves a sort instance in the wasm.
    pub fn string_map<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut out = String::from("map[string]string{");
        for (i, (k, v)) in entries.into_iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            crate::json::write_string(&mut out, k);
            out.push(':');
            crate::json::write_string(&mut out, v);
        }
        out.push('}');
        BadValue::GoSyntax(out)
    }
}

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadValue::Str(s) => Quoted(s).fmt(f),
            BadValue::Int(i) => write!(f, "{i}"),
            BadValue::Bool(b) => write!(f, "{b}"),
            BadValue::GoSyntax(text) => f.write_str(text),
        }
    }
}

impl From<&str> for BadValue {
    fn from(s: &str) -> Self {
        BadValue::Str(s.to_string())
    }
}

impl From<String> for BadValue {
    fn from(s: String) -> Self {
        BadValue::Str(s)
    }
}

impl From<&String> for BadValue {
    fn from(s: &String) -> Self {
        BadValue::Str(s.clone())
    }
}

impl From<bool> for BadValue {
    fn from(b: bool) -> Self {
        BadValue::Bool(b)
    }
}

macro_rules! bad_value_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for BadValue {
            fn from(i: $t) -> Self {
                BadValue::Int(i64::try_from(i).unwrap_or(i64::MAX))
            }
        }
    )*};
}
bad_value_from_int!(i32, i64, u16, u32, u64, usize);

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
            write!(f, ": {v}")?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// How a field error prints its value: as apimachinery's `field.Error.ErrorBody`
    /// (`k8s.io/apimachinery/pkg/util/validation/field/errors.go`): `%v` for int32, int64 and
    /// bool, `%q` for strings, `%#v` for anything else (lists, maps), no value at all for
    /// Required and Forbidden.
    #[test]
    fn values_print_as_the_api_server_prints_them() {
        let port = FieldPath::new("spec").child("ports").index(0).child("port");
        let cases: &[(FieldError, &str)] = &[
            (
                FieldError::invalid(port.clone(), 70000i32, "must be between 1 and 65535, inclusive"),
                "spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
            ),
            (
                FieldError::invalid(port.clone(), -1i64, "must be greater than or equal to 0"),
                "spec.ports[0].port: Invalid value: -1: must be greater than or equal to 0",
            ),
            (
                FieldError::invalid(
                    FieldPath::new("spec.clusterIP"),
                    "10.0.0.300",
                    "must be a valid IP address",
                ),
                "spec.clusterIP: Invalid value: \"10.0.0.300\": must be a valid IP address",
            ),
            (
                FieldError::invalid(
                    FieldPath::new("spec.ports[0].targetPort"),
                    "8080",
                    "must contain at least one letter (a-z)",
                ),
                "spec.ports[0].targetPort: Invalid value: \"8080\": must contain at least one letter (a-z)",
            ),
            (
                FieldError::invalid(
                    FieldPath::new("metadata.name"),
                    String::from("a\"b\tc"),
                    "a lowercase RFC 1123 label",
                ),
                "metadata.name: Invalid value: \"a\\\"b\\tc\": a lowercase RFC 1123 label",
            ),
            (
                FieldError::invalid(FieldPath::new("spec.paused"), true, "not supported"),
                "spec.paused: Invalid value: true: not supported",
            ),
            (
                FieldError::duplicate(FieldPath::new("spec.ports[1]"), "80/TCP"),
                "spec.ports[1]: Duplicate value: \"80/TCP\"",
            ),
            (
                FieldError::not_supported(
                    FieldPath::new("spec.type"),
                    "Internal",
                    &["ClusterIP", "NodePort"],
                ),
                "spec.type: Unsupported value: \"Internal\": supported values: \"ClusterIP\", \"NodePort\"",
            ),
            (
                FieldError::new(
                    FieldErrorKind::TooMany,
                    FieldPath::new("ports"),
                    Some(101usize.into()),
                    "must have at most 100 items",
                ),
                "ports: Too many: 101: must have at most 100 items",
            ),
            // `%#v`, upstream's fallback: a []string and a map[string]string, keys sorted.
            (
                FieldError::invalid(FieldPath::new("values"), BadValue::string_list(&[] as &[&str]), "for 'in', 'notin' operators, values set can't be empty"),
                "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
            ),
            (
                FieldError::invalid(FieldPath::new("values"), BadValue::string_list(&["1", "2"]), "for 'Gt', 'Lt' operators, exactly one value is required"),
                "values: Invalid value: []string{\"1\", \"2\"}: for 'Gt', 'Lt' operators, exactly one value is required",
            ),
            (
                FieldError::invalid(
                    FieldPath::new("spec.template.metadata.labels"),
                    BadValue::string_map([("app", "web"), ("tier", "fe")]),
                    "`selector` does not match template `labels`",
                ),
                "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\", \"tier\":\"fe\"}: `selector` does not match template `labels`",
            ),
            (
                FieldError::required(FieldPath::new("spec.selector"), ""),
                "spec.selector: Required value",
            ),
            (
                FieldError::forbidden(
                    FieldPath::new("spec.clusterIP"),
                    "may not be set for ExternalName",
                ),
                "spec.clusterIP: Forbidden: may not be set for ExternalName",
            ),
        ];
        for (error, want) in cases {
            assert_eq!(error.to_string(), *want);
        }
    }
}
