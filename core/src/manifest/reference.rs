//! The pipeline kroute read YAML with before it had its own reader — serde_yaml_ng (libyaml),
//! `apply_merge`, then the YAML → JSON conversion of that time — kept for the tests only, as
//! the reference the new reader is compared with (`crate::yaml::differential`, the fixtures).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::json::Value as Json;
use serde_yaml_ng::Value as Yaml;

/// One document as the old pipeline read it: the JSON value, or the error's message (syntax,
/// merge or conversion).
pub(crate) fn reference_json(text: &str) -> Result<Json, String> {
    let mut yaml: Yaml = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
    yaml.apply_merge().map_err(|e| e.to_string())?;
    convert(yaml)
}

fn convert(value: Yaml) -> Result<Json, String> {
    Ok(match value {
        Yaml::Null => Json::Null,
        Yaml::Bool(b) => Json::Bool(b),
        Yaml::Number(n) => {
            if let Some(u) = n.as_u64() {
                Json::from(u)
            } else if let Some(i) = n.as_i64() {
                Json::from(i)
            } else {
                n.as_f64()
                    .and_then(crate::json::Number::from_f64)
                    .map(Json::Number)
                    .ok_or_else(|| format!("{n} is not a number JSON can carry"))?
            }
        }
        Yaml::String(s) => Json::String(s),
        Yaml::Sequence(items) => Json::Array(items.into_iter().map(convert).collect::<Result<Vec<_>, _>>()?),
        Yaml::Mapping(map) => {
            let mut out = crate::json::Map::new();
            for (k, v) in map {
                let key = key_string(k)?;
                if v.is_null() {
                    continue;
                }
                out.insert(key, convert(v)?);
            }
            Json::Object(out)
        }
        Yaml::Tagged(tagged) => convert(tagged.value)?,
    })
}

fn key_string(key: Yaml) -> Result<String, String> {
    match key {
        Yaml::String(s) => Ok(s),
        Yaml::Number(n) => Ok(n.to_string()),
        Yaml::Bool(b) => Ok(b.to_string()),
        Yaml::Tagged(t) => key_string(t.value),
        Yaml::Null => Err("a mapping key may not be null".to_string()),
        Yaml::Sequence(_) | Yaml::Mapping(_) => {
            Err("a mapping key must be a string, not a list or a mapping".to_string())
        }
    }
}

/// One document as kroute reads it now: its YAML reader, then `convert::to_json`; the error's
/// message on failure.
pub(crate) fn kroute_json(text: &str) -> Result<Json, String> {
    let tree = crate::yaml::parse(text, 1, 1).map_err(|e| e.message)?;
    match tree.root() {
        None => Ok(Json::Null),
        Some(root) => super::convert::to_json(&tree, root).map_err(|e| e.message),
    }
}
