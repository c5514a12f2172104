//! Why a selector did or did not match: one verdict per term, as data for the UI (✓/✗ per term).

use crate::json::ToJson;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::{parse_int, Labels, Operator, Requirement, Selector, NOTHING_DISPLAY};

/// The overall verdict and every term's verdict. Every term is evaluated, even after one fails,
/// so the UI can show all of them. Everything has no terms and matches; Nothing has a single
/// [`TermReason::NothingSelector`] term.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct SelectorExplanation {
    /// Whether the selector selects the object (every term matched).
    pub matched: bool,
    /// One verdict per requirement, in the selector's (key-sorted) order.
    pub terms: Vec<TermVerdict>,
}

/// One term's verdict.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct TermVerdict {
    /// The term in kubectl syntax, e.g. `tier notin (be,fe)`.
    pub term: String,
    /// Whether the object satisfies this term (✓/✗).
    pub matched: bool,
    /// What was found on the object.
    pub reason: TermReason,
}

/// What was found on the object for one term. Whether that satisfies the term depends on the
/// operator (an absent key fails `in` but satisfies `notin`), which [`TermVerdict::matched`]
/// records.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum TermReason {
    /// The object has no label with this key.
    KeyAbsent,
    /// `k` / `!k`: the key is present, with this value.
    KeyPresentWithValue { value: String },
    /// `=`, `==`, `!=`, `in`, `notin`: the object's value is one of the term's values.
    ValueInSet { value: String },
    /// `=`, `==`, `!=`, `in`, `notin`: the object's value is none of the term's values.
    ValueNotInSet { value: String },
    /// `>`, `<`: the object's value is not a base-10 64-bit integer, so the term is false.
    NotAnInteger { value: String },
    /// `>`, `<`: both sides are integers and were compared.
    IntegerComparison { value: i64, bound: i64 },
    /// `>`, `<`: the term does not hold exactly one integer (only possible for a requirement
    /// built by hand, never for a parsed one); it matches nothing.
    InvalidBound { values: Vec<String> },
    /// The selector is Nothing (a missing `LabelSelector`): it matches no object.
    NothingSelector,
}

impl Requirement {
    /// This term's verdict on `labels`, with the reason. Agrees with [`Requirement::matches`].
    pub fn explain(&self, labels: &Labels) -> TermVerdict {
        let (matched, reason) = self.verdict(labels);
        TermVerdict {
            term: self.to_string(),
            matched,
            reason,
        }
    }

    fn verdict(&self, labels: &Labels) -> (bool, TermReason) {
        let Some(value) = labels.get(&self.key) else {
            return (self.operator.matches_absent_key(), TermReason::KeyAbsent);
        };
        match self.operator {
            Operator::Exists | Operator::DoesNotExist => (
                self.operator == Operator::Exists,
                TermReason::KeyPresentWithValue { value: value.clone() },
            ),
            Operator::Equals
            | Operator::DoubleEquals
            | Operator::In
            | Operator::NotEquals
            | Operator::NotIn => {
                let in_set = self.has_value(value);
                let positive = matches!(
                    self.operator,
                    Operator::Equals | Operator::DoubleEquals | Operator::In
                );
                let reason = if in_set {
                    TermReason::ValueInSet { value: value.clone() }
                } else {
                    TermReason::ValueNotInSet { value: value.clone() }
                };
                (in_set == positive, reason)
            }
            Operator::GreaterThan | Operator::LessThan => {
                let Some(have) = parse_int(value) else {
                    return (false, TermReason::NotAnInteger { value: value.clone() });
                };
                let Some(bound) = self.integer_bound() else {
                    return (
                        false,
                        TermReason::InvalidBound {
                            values: self.values.clone(),
                        },
                    );
                };
                (
                    self.compare(have, bound),
                    TermReason::IntegerComparison { value: have, bound },
                )
            }
        }
    }
}

pub(super) fn explain(selector: &Selector, labels: &Labels) -> SelectorExplanation {
    match selector {
        Selector::Nothing => SelectorExplanation {
            matched: false,
            terms: alloc::vec![TermVerdict {
                term: String::from(NOTHING_DISPLAY),
                matched: false,
                reason: TermReason::NothingSelector,
            }],
        },
        Selector::Requirements(reqs) => {
            let terms: Vec<TermVerdict> = reqs.iter().map(|r| r.explain(labels)).collect();
            SelectorExplanation {
                matched: terms.iter().all(|t| t.matched),
                terms,
            }
        }
    }
}
