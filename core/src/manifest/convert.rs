//! From a YAML tree (`crate::yaml`) to the JSON value the API server would see. This is the one
//! place that builds JSON from YAML.
//!
//! kubectl sends JSON: `sigs.k8s.io/yaml` converts each YAML document before anything looks at
//! it. The same conversion here makes kroute agree with it on the edge cases:
//! - aliases are expanded and merge keys (`<<: *defaults`) applied, the mapping's own keys
//!   winning (the tree does both: [`Tree::resolved`], [`Tree::entries`]);
//! - scalar keys become strings (`80: x` → `"80"`, `1.5` → `"1.5"`, `true` → `"true"`); a
//!   sequence, mapping or null key is an error;
//! - tags are dropped (`!!str 8080` is already the string `"8080"`);
//! - an entry whose value is null is dropped: the API decodes `null` as the field's zero value,
//!   the same as leaving it out (`creationTimestamp: null`, `ports: null`, `data: null`);
//! - `.inf`, `.nan` and integers beyond 64 bits have no JSON form and are errors.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::json::Value as Json;

use crate::error::FieldPath;
use crate::yaml::{Tree, Value};

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

/// One YAML document as JSON, as the manifest reader reads it; `None` when it does not parse.
/// For rewriting a document the reader has already accepted.
pub(crate) fn document_json(text: &str) -> Option<Json> {
    let tree = crate::yaml::parse(text, 1, 1).ok()?;
    to_json(&tree, tree.root()?).ok()
}

/// The JSON value of `node` (a document's root, usually). Objects come out with their keys in
/// order, as the API server's JSON has them.
pub(crate) fn to_json(tree: &Tree<'_>, node: u32) -> Result<Json, ConvertError> {
    // An integer beyond 64 bits is refused wherever it is, even where a merge overrides it.
    let big = tree.first_big_int().and_then(|big| {
        let mut steps = Vec::new();
        path_to(tree, node, big, &mut steps).then(|| {
            let digits = match &tree.node(big).value {
                Value::BigInt(digits) => digits.to_string(),
                _ => String::new(),
            };
            (steps, format!("{digits}: integer out of range"))
        })
    });
    big.map_or_else(|| convert(tree, node), Err)
        .map_err(|(mut steps, message)| {
            steps.reverse();
            let mut path = FieldPath::root();
            for step in steps {
                path = match step {
                    Step::Key(k) => super::locate::child_path(&path, &k),
                    Step::Index(i) => path.index(i),
                };
            }
            ConvertError { path, message }
        })
        .map(|mut json| {
            json.sort_keys();
            json
        })
}

type Failure = (Vec<Step>, String);

/// Whether `target` is under `from` in the text (not through aliases); `steps` gets the path
/// to it, innermost first. A key's path is its mapping's.
fn path_to(tree: &Tree<'_>, from: u32, target: u32, steps: &mut Vec<Step>) -> bool {
    if from == target {
        return true;
    }
    match &tree.node(from).value {
        Value::Seq(items) => items.iter().enumerate().any(|(i, &item)| {
            let found = path_to(tree, item, target, steps);
            if found {
                steps.push(Step::Index(i));
            }
            found
        }),
        Value::Map(_) => tree.own_entries(from).any(|(k, v)| {
            if k == target {
                return true;
            }
            let found = path_to(tree, v, target, steps);
            if found {
                steps.push(Step::Key(key_string(tree, k).unwrap_or_default()));
            }
            found
        }),
        _ => false,
    }
}

fn convert(tree: &Tree<'_>, node: u32) -> Result<Json, Failure> {
    Ok(match &tree.resolved(node).value {
        // An alias never names an alias: `resolved` has followed it.
        Value::Null | Value::Alias(_) => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Uint(u) => Json::from(*u),
        Value::Int(i) => Json::from(*i),
        Value::Float(f) => match crate::json::Number::from_f64(*f) {
            Some(n) => Json::Number(n),
            None => {
                return Err((
                    Vec::new(),
                    format!("{} is not a number JSON can carry", crate::yaml::float_text(*f)),
                ))
            }
        },
        Value::BigInt(digits) => return Err((Vec::new(), format!("{digits}: integer out of range"))),
        Value::Str(s) => Json::String(s.to_string()),
        Value::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(convert(tree, *item).map_err(|(mut steps, m)| {
                    steps.push(Step::Index(i));
                    (steps, m)
                })?);
            }
            Json::Array(out)
        }
        Value::Map(_) => {
            let mut out = crate::json::Map::new();
            let mut add = |k: u32, v: u32| -> Result<(), Failure> {
                let key = key_string(tree, k).map_err(|m| (Vec::new(), m))?;
                if matches!(tree.resolved(v).value, Value::Null) {
                    return Ok(());
                }
                let v = convert(tree, v).map_err(|(mut steps, m)| {
                    steps.push(Step::Key(key.clone()));
                    (steps, m)
                })?;
                out.insert(key, v);
                Ok(())
            };
            if tree.own_entries(node).any(|(k, _)| tree.is_merge_key(k)) {
                for (k, v) in tree.entries(node) {
                    add(k, v)?;
                }
            } else {
                for (k, v) in tree.own_entries(node) {
                    add(k, v)?;
                }
            }
            Json::Object(out)
        }
    })
}

/// A mapping key as a JSON object key; `Err` is why it cannot be one.
pub(crate) fn key_string(tree: &Tree<'_>, key: u32) -> Result<String, String> {
    match &tree.resolved(key).value {
        Value::Str(s) => Ok(s.to_string()),
        Value::Uint(u) => Ok(u.to_string()),
        Value::Int(i) => Ok(i.to_string()),
        Value::Float(f) => Ok(crate::yaml::float_text(*f)),
        Value::Bool(b) => Ok(b.to_string()),
        Value::BigInt(digits) => Err(format!("{digits}: integer out of range")),
        Value::Null | Value::Alias(_) => Err("a mapping key may not be null".to_string()),
        Value::Seq(_) | Value::Map(_) => {
            Err("a mapping key must be a string, not a list or a mapping".to_string())
        }
    }
}
