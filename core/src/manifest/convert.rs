//! From a YAML value to the JSON value the API server would see.
//!
//! kubectl sends JSON: `sigs.k8s.io/yaml` converts each YAML document before anything looks at
//! it. The same conversion here makes kroute agree with it on the edge cases:
//! - merge keys (`<<: *defaults`) are applied, the mapping's own keys winning;
//! - scalar keys become strings (`80: x` → `"80"`); a sequence, mapping or null key is an error;
//! - tags are dropped (`!!str 8080` is already the string `"8080"`);
//! - an entry whose value is null is dropped: the API decodes `null` as the field's zero value,
//!   the same as leaving it out (`creationTimestamp: null`, `ports: null`, `data: null`);
//! - `.inf` and `.nan` have no JSON form and are errors.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::json::Value as Json;
use serde_yaml_ng::Value as Yaml;

use crate::error::FieldPath;

/// A value that has no JSON form, and where it is.
#[derive(Debug)]
pub(crate) struct ConvertError {
    pub path: FieldPath,
    pub message: String,
}

/// One step of the path, collected while unwinding so that the happy path builds none.
enum Step {
    Key(String),
    Index(usize),
}

/// One YAML document as JSON, merge keys (`<<`) applied, as the manifest reader reads it; `None`
/// when it does not parse. For rewriting a document the reader has already accepted.
pub(crate) fn document_json(text: &str) -> Option<Json> {
    let mut yaml: Yaml = serde_yaml_ng::from_str(text).ok()?;
    yaml.apply_merge().ok()?;
    to_json(yaml).ok()
}

/// Objects come out with their keys in order, as the API server's JSON has them.
pub(crate) fn to_json(value: Yaml) -> Result<Json, ConvertError> {
    let mut json = convert(value).map_err(|(mut steps, message)| {
        steps.reverse();
        let mut path = FieldPath::root();
        for step in steps {
            path = match step {
                Step::Key(k) => super::locate::child_path(&path, &k),
                Step::Index(i) => path.index(i),
            };
        }
        ConvertError { path, message }
    })?;
    json.sort_keys();
    Ok(json)
}

type Failure = (Vec<Step>, String);

fn convert(value: Yaml) -> Result<Json, Failure> {
    Ok(match value {
        Yaml::Null => Json::Null,
        Yaml::Bool(b) => Json::Bool(b),
        Yaml::Number(n) => number(&n)?,
        Yaml::String(s) => Json::String(s),
        Yaml::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                out.push(convert(item).map_err(|(mut steps, m)| {
                    steps.push(Step::Index(i));
                    (steps, m)
                })?);
            }
            Json::Array(out)
        }
        Yaml::Mapping(map) => {
            let mut out = crate::json::Map::new();
            for (k, v) in map {
                let key = key_string(k)?;
                if v.is_null() {
                    continue;
                }
                let v = convert(v).map_err(|(mut steps, m)| {
                    steps.push(Step::Key(key.clone()));
                    (steps, m)
                })?;
                out.insert(key, v);
            }
            Json::Object(out)
        }
        Yaml::Tagged(tagged) => convert(tagged.value)?,
    })
}

fn number(n: &serde_yaml_ng::Number) -> Result<Json, Failure> {
    if let Some(u) = n.as_u64() {
        return Ok(Json::from(u));
    }
    if let Some(i) = n.as_i64() {
        return Ok(Json::from(i));
    }
    n.as_f64()
        .and_then(crate::json::Number::from_f64)
        .map(Json::Number)
        .ok_or_else(|| (Vec::new(), format!("{n} is not a number JSON can carry")))
}

fn key_string(key: Yaml) -> Result<String, Failure> {
    match key {
        Yaml::String(s) => Ok(s),
        Yaml::Number(n) => Ok(n.to_string()),
        Yaml::Bool(b) => Ok(b.to_string()),
        Yaml::Tagged(t) => key_string(t.value),
        Yaml::Null => Err((Vec::new(), "a mapping key may not be null".to_string())),
        Yaml::Sequence(_) | Yaml::Mapping(_) => Err((
            Vec::new(),
            "a mapping key must be a string, not a list or a mapping".to_string(),
        )),
    }
}
