//! The crossing: JavaScript values in and out as JSON text the engine writes and parses (plain
//! data for the caller, never text), and the core's errors as JavaScript `Error`s with
//! properties a program can read.

use js_sys::{Error, Reflect};
use kroute::cluster::{ApplyError, ConfigError};
use kroute::dataplane::route::RequestError;
use kroute::json::{FromJson, ToJson};
use kroute::manifest::{IssueKind, ManifestError, ManifestIssue};
use kroute::selector::SelectorParseError;
use kroute::{FieldError, ObjectRef};
use wasm_bindgen::prelude::*;

use crate::input::{self, InputError};

/// An answer goes out as the core's JSON (`kroute::json`: fields in declaration order, maps as
/// plain objects, `None` as `null`) parsed by the engine's own `JSON.parse`: the caller gets
/// plain JavaScript data, never text. One writer for every answer type, in the core
/// (ARCHITECTURE.md, "Size").
pub fn to_js<T: ToJson + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&kroute::json::to_string(&value.to_json()))
}

/// Reads an argument; a value of the wrong shape is a `TypeError` naming the field
/// (`request.headers[1]`). The value crosses whole as the engine's `JSON.stringify` writes it
/// (every key of every object, so `deny_unknown_fields` sees a misspelt option; `undefined`
/// members left out, as absent ones), then the core reads it with the path of a failure.
pub fn from_js<T: FromJson>(value: JsValue, what: &str) -> Result<T, JsValue> {
    let fail = |path: String, message: String| type_error(&InputError::new(&path, message));
    let text = if value.is_undefined() {
        Some("null".to_owned())
    } else {
        js_sys::JSON::stringify(&value)
            .map_err(|e| fail(what.to_owned(), js_message(&e)))?
            .as_string()
    };
    let text = text.ok_or_else(|| fail(what.to_owned(), "is not JSON data".to_owned()))?;
    let json = kroute::json::from_str(&text).map_err(|e| fail(what.to_owned(), e.to_string()))?;
    kroute::json::decode_with_path(&json).map_err(|e| {
        let inner = e.path;
        let path = if inner.is_empty() {
            what.to_owned()
        } else if inner.starts_with('[') {
            format!("{what}{inner}")
        } else {
            format!("{what}.{inner}")
        };
        fail(path, e.message)
    })
}

/// The message of a thrown JavaScript value (an `Error`'s `message`, or the value as text).
fn js_message(e: &JsValue) -> String {
    Reflect::get(e, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "cannot be read".to_owned())
}

/// `undefined` and `null` read as the type's default (an omitted options object).
pub fn optional<T: FromJson + Default>(value: JsValue, what: &str) -> Result<T, JsValue> {
    if value.is_undefined() || value.is_null() {
        Ok(T::default())
    } else {
        from_js(value, what)
    }
}

/// A JavaScript `Error` with `name` set and extra properties.
pub fn error(name: &str, message: &str, props: &[(&str, JsValue)]) -> JsValue {
    let e = Error::new(message);
    e.set_name(name);
    with_props(e.into(), props)
}

fn with_props(e: JsValue, props: &[(&str, JsValue)]) -> JsValue {
    for (key, value) in props {
        // Setting a property on a fresh Error object cannot fail.
        let _ = Reflect::set(&e, &JsValue::from_str(key), value);
    }
    e
}

/// A `TypeError` (an argument of the wrong shape) with its `path`.
pub fn type_error(e: &InputError) -> JsValue {
    let t: JsValue = js_sys::TypeError::new(&e.to_string()).into();
    with_props(t, &[("path", JsValue::from_str(&e.path))])
}

fn object_ref(o: Option<&ObjectRef>) -> JsValue {
    o.and_then(|o| to_js(o).ok()).unwrap_or(JsValue::NULL)
}

/// `ManifestError`: the first issue's `doc`, `line`, `column`, `object`, `path`, `kind` as
/// properties, every issue in `errors`, and all of them in the message.
pub fn manifest_error(e: &ManifestError) -> JsValue {
    let issues: Vec<JsIssue> = e.errors.iter().map(JsIssue::from).collect();
    let Some(first) = issues.first() else {
        return error("ManifestError", "the manifests are invalid", &[]);
    };
    let n = |v: usize| JsValue::from_f64(v as f64);
    let s = |v: &Option<String>| v.as_deref().map_or(JsValue::NULL, JsValue::from_str);
    error(
        "ManifestError",
        &e.to_string(),
        &[
            ("doc", n(first.doc)),
            ("line", n(first.line)),
            ("column", n(first.column)),
            ("object", object_ref(first.object.as_ref())),
            ("path", s(&first.path)),
            ("kind", JsValue::from_str(&first.kind)),
            ("errors", to_js(&issues).unwrap_or(JsValue::NULL)),
        ],
    )
}

/// One manifest issue as JavaScript sees it: `kind` is one word (`Syntax`, `NotAnObject`, or
/// the field error's kind: `Invalid`, `Required`…).
#[derive(ToJson)]
#[serde(rename_all = "camelCase")]
pub struct JsIssue {
    pub doc: usize,
    pub line: usize,
    pub column: usize,
    pub object: Option<ObjectRef>,
    pub path: Option<String>,
    pub kind: String,
    pub message: String,
}

impl From<&ManifestIssue> for JsIssue {
    fn from(i: &ManifestIssue) -> Self {
        JsIssue {
            doc: i.doc,
            line: i.line,
            column: i.column,
            object: i.object.clone(),
            path: i.path.as_ref().map(|p| p.as_str().to_owned()),
            kind: match i.kind {
                IssueKind::Syntax => "Syntax".to_owned(),
                IssueKind::NotAnObject => "NotAnObject".to_owned(),
                IssueKind::DanglingReference => "DanglingReference".to_owned(),
                IssueKind::Field(k) => format!("{k:?}"),
            },
            message: i.message.clone(),
        }
    }
}

/// `delete` and friends: the object does not exist, or a controller owns it.
pub fn apply_error(e: &ApplyError) -> JsValue {
    match e {
        ApplyError::NotFound(o) => error(
            "NotFoundError",
            &e.to_string(),
            &[("object", object_ref(Some(o)))],
        ),
        ApplyError::Managed { object, by } => error(
            "ManagedObjectError",
            &e.to_string(),
            &[
                ("object", object_ref(Some(object))),
                ("by", JsValue::from_str(by)),
            ],
        ),
        // Positioned by the caller when there is manifest text; this is the fallback.
        ApplyError::Invalid(errors) => {
            let first = errors.first();
            error(
                "ManifestError",
                &e.to_string(),
                &[
                    ("object", object_ref(first.map(|o| &o.object))),
                    (
                        "path",
                        first
                            .and_then(|o| o.errors.first())
                            .map_or(JsValue::NULL, |f: &FieldError| JsValue::from_str(f.path.as_str())),
                    ),
                ],
            )
        }
    }
}

pub fn selector_parse_error(e: &SelectorParseError) -> JsValue {
    error(
        "SelectorError",
        &e.to_string(),
        &[("position", JsValue::from_f64(e.position as f64))],
    )
}

/// A `LabelSelector` that does not convert: every field error, the first one's path.
pub fn selector_field_errors(errors: &[FieldError]) -> JsValue {
    let message: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let path = errors
        .first()
        .map_or(JsValue::NULL, |f| JsValue::from_str(f.path.as_str()));
    error("SelectorError", &message.join("; "), &[("path", path)])
}

pub fn request_error(e: &RequestError) -> JsValue {
    error(
        "RequestError",
        &e.to_string(),
        &[
            ("field", JsValue::from_str(&e.field)),
            ("value", JsValue::from_str(&e.value)),
        ],
    )
}

pub fn config_error(e: &ConfigError) -> JsValue {
    let field = input::option_name(e.field);
    error(
        "ConfigError",
        &format!("cluster option `{field}`: {}", e.message),
        &[("field", JsValue::from_str(field))],
    )
}
