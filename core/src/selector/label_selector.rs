//! The API's `metav1.LabelSelector` (`matchLabels` + `matchExpressions`) and its conversion to a
//! [`Selector`] (apimachinery `LabelSelectorAsSelector` and `ValidateLabelSelector`, SPEC §1.4).

use crate::json::{FromJson, ToJson};
use alloc::string::String;
use alloc::vec::Vec;

use super::{Labels, Operator, Requirement, Selector};
use crate::error::{FieldError, FieldPath};
use crate::sort::SharedSort;
use crate::validation::names;

/// The operators `matchExpressions` accepts, as spelled in the API.
const EXPRESSION_OPERATORS: [&str; 4] = ["In", "NotIn", "Exists", "DoesNotExist"];

/// A label selector as written in a manifest (Deployment, StatefulSet, NetworkPolicy, …).
///
/// `None` and an empty map/list are kept apart on the wire, but both count as "no entries":
/// a selector with no entries at all selects every object. A missing selector (no
/// `LabelSelector` at all) is [`label_selector_as_selector`]`(None, …)`, which selects nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, ToJson, FromJson, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    /// Each entry `{k: v}` means `k=v`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_labels: Option<Labels>,
    /// Set-based terms, ANDed with `matchLabels`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_expressions: Option<Vec<LabelSelectorRequirement>>,
}

/// One `matchExpressions` entry. Fields are kept raw (a missing key or an unknown operator
/// deserialises fine) so that mistakes surface as validation errors with a field path rather
/// than as a parse failure of the whole manifest.
#[derive(Clone, Debug, Default, PartialEq, Eq, ToJson, FromJson, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelectorRequirement {
    /// The label key the term is about.
    #[serde(default)]
    pub key: String,
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
    #[serde(default)]
    pub operator: String,
    /// Required (non-empty) for `In`/`NotIn`, forbidden for `Exists`/`DoesNotExist`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

impl LabelSelector {
    /// Validates and converts; `path` is where this selector sits (e.g. `spec.selector`), and
    /// every problem found is reported, each at its own path
    /// (`spec.selector.matchExpressions[0].operator`, `spec.selector.matchLabels[app]`, …).
    /// No entries at all gives Everything.
    pub fn to_selector(&self, path: &FieldPath) -> Result<Selector, Vec<FieldError>> {
        let labels = self.match_labels.as_ref().filter(|m| !m.is_empty());
        let expressions = self.match_expressions.as_deref().unwrap_or(&[]);
        let label_count = labels.map_or(0, |m| m.len());
        if label_count == 0 && expressions.is_empty() {
            return Ok(Selector::everything());
        }
        let mut errors = Vec::new();
        let mut requirements = Vec::with_capacity(label_count + expressions.len());
        if let Some(labels) = labels {
            let labels_path = path.child("matchLabels");
            for (key, value) in labels {
                let before = errors.len();
                for msg in names::is_qualified_name(key) {
                    errors.push(FieldError::invalid(labels_path.clone(), key, msg));
                }
                for msg in names::is_valid_label_value(value) {
                    errors.push(FieldError::invalid(labels_path.key(key), value, msg));
                }
                if errors.len() == before {
                    requirements.push(Requirement {
                        key: key.clone(),
                        operator: Operator::Equals,
                        values: alloc::vec![value.clone()],
                    });
                }
            }
        }
        let expressions_path = path.child("matchExpressions");
        for (i, expression) in expressions.iter().enumerate() {
            let before = errors.len();
            let converted = convert_expression(expression, &expressions_path.index(i), &mut errors);
            if let (Some(requirement), true) = (converted, errors.len() == before) {
                requirements.push(requirement);
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        requirements.stable_sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Selector::Requirements(requirements))
    }
}

/// One `matchExpressions` entry, checked as the API server does (`ValidateLabelSelectorRequirement`).
fn convert_expression(
    expression: &LabelSelectorRequirement,
    path: &FieldPath,
    errors: &mut Vec<FieldError>,
) -> Option<Requirement> {
    let values = expression.values.as_deref().unwrap_or(&[]);
    let operator = match expression.operator.as_str() {
        "In" => Some(Operator::In),
        "NotIn" => Some(Operator::NotIn),
        "Exists" => Some(Operator::Exists),
        "DoesNotExist" => Some(Operator::DoesNotExist),
        _ => None,
    };
    let values_path = path.child("values");
    match operator {
        None => errors.push(FieldError::not_supported(
            path.child("operator"),
            &expression.operator,
            &EXPRESSION_OPERATORS,
        )),
        Some(Operator::In | Operator::NotIn) if values.is_empty() => errors.push(FieldError::required(
            values_path.clone(),
            "must be specified when `operator` is 'In' or 'NotIn'",
        )),
        Some(Operator::Exists | Operator::DoesNotExist) if !values.is_empty() => {
            errors.push(FieldError::forbidden(
                values_path.clone(),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            ))
        }
        _ => {}
    }
    for msg in names::is_qualified_name(&expression.key) {
        errors.push(FieldError::invalid(path.child("key"), &expression.key, msg));
    }
    for (j, value) in values.iter().enumerate() {
        for msg in names::is_valid_label_value(value) {
            errors.push(FieldError::invalid(values_path.index(j), value, msg));
        }
    }
    let mut values = values.to_vec();
    values.stable_sort();
    values.dedup();
    operator.map(|operator| Requirement {
        key: expression.key.clone(),
        operator,
        values,
    })
}

/// `LabelSelectorAsSelector`: a missing selector selects **nothing**, a present one with no
/// entries selects **everything** (SPEC §1.4, §1.5).
pub fn label_selector_as_selector(
    sel: Option<&LabelSelector>,
    path: &FieldPath,
) -> Result<Selector, Vec<FieldError>> {
    match sel {
        None => Ok(Selector::Nothing),
        Some(sel) => sel.to_selector(path),
    }
}
