//! Label selectors: which objects a Service, a StatefulSet or `kubectl -l` picks.
//!
//! A port of apimachinery `pkg/labels/selector.go` and `pkg/apis/meta/v1/helpers.go`
//! (SPEC §1). A [`Selector`] is either **Nothing** (matches no object: a nil `LabelSelector`) or
//! an AND of [`Requirement`]s; zero requirements is **Everything**. There is no OR.
//!
//! * [`Selector::parse`] reads the kubectl string syntax (`env=prod,tier notin (fe,be),!canary`);
//!   [`Selector`]'s `Display` writes it back, and the two round-trip.
//! * [`LabelSelector`] is the API shape (`matchLabels` + `matchExpressions`) and converts with
//!   field-path errors; [`service_selector`] applies the Service rule that an empty map selects
//!   nothing (SPEC §1.5, §11 #10).
//! * [`Selector::matches`] answers yes/no without allocating; [`Selector::explain`] returns a
//!   verdict and a reason per term for the UI.
//!
//! The absent-key rule is the one that surprises people: `k!=v`, `k notin (…)` and `!k` all
//! match an object that has no `k` label at all (SPEC §1.3).

mod explain;
mod label_selector;
mod parse;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use crate::json::ToJson;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::error::{FieldError, FieldPath};
use crate::sort::SharedSort;
use crate::validation::names;

pub use explain::{SelectorExplanation, TermReason, TermVerdict};
pub use label_selector::{label_selector_as_selector, LabelSelector, LabelSelectorRequirement};
pub use parse::SelectorParseError;

/// An object's labels. A `BTreeMap` so iteration, display and serialisation are deterministic.
pub type Labels = BTreeMap<String, String>;

/// How a requirement relates its key to its values (apimachinery `selection.Operator`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ToJson)]
pub enum Operator {
    /// `k=v`
    Equals,
    /// `k==v` (same meaning as `=`; kept apart so display round-trips)
    DoubleEquals,
    /// `k!=v` (true when `k` is absent)
    NotEquals,
    /// `k in (v1,v2)`
    In,
    /// `k notin (v1,v2)` (true when `k` is absent)
    NotIn,
    /// `k`
    Exists,
    /// `!k`
    DoesNotExist,
    /// `k>n` (string syntax only; integer comparison)
    GreaterThan,
    /// `k<n` (string syntax only; integer comparison)
    LessThan,
}

impl Operator {
    /// The operator as kubectl writes it (`=`, `notin`, `!`, …); `Exists` has no symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::In => "in",
            Operator::NotIn => "notin",
            Operator::Exists => "",
            Operator::DoesNotExist => "!",
            Operator::GreaterThan => ">",
            Operator::LessThan => "<",
        }
    }

    /// True for the operators that also match objects lacking the key.
    pub fn matches_absent_key(self) -> bool {
        matches!(
            self,
            Operator::NotEquals | Operator::NotIn | Operator::DoesNotExist
        )
    }
}

/// One term of a selector: a key, an operator and a value set.
///
/// Built by the parser, [`Requirement::new`] or the [`LabelSelector`] conversion, `values` is
/// sorted and free of duplicates. A hand-built requirement that breaks the rules (say `In` with
/// no values, or `>` with a non-integer) never panics: it simply matches as upstream would
/// (`In` of nothing is false, `>` of garbage is false).
#[derive(Clone, Debug, PartialEq, Eq, Hash, ToJson)]
pub struct Requirement {
    /// The label key, a qualified name (`app`, `app.kubernetes.io/name`).
    pub key: String,
    pub operator: Operator,
    /// Sorted and deduplicated: one value for `=`, `==`, `!=`, `>`, `<`; at least one for `in`,
    /// `notin`; none for `k` and `!k`.
    pub values: Vec<String>,
}

impl Requirement {
    /// A validated requirement (apimachinery `NewRequirement`): the key must be a qualified name,
    /// each value a label value; `In`/`NotIn` need at least one value, the equality operators and
    /// `>`/`<` exactly one (an integer for `>`/`<`), `Exists`/`DoesNotExist` none. Errors are at
    /// `path.key`, `path.values`, `path.values[i]`. Values are sorted and deduplicated.
    pub fn new<S: AsRef<str>>(
        key: &str,
        operator: Operator,
        values: &[S],
        path: &FieldPath,
    ) -> Result<Requirement, Vec<FieldError>> {
        let mut errs = Vec::new();
        for msg in names::is_qualified_name(key) {
            errs.push(FieldError::invalid(path.child("key"), key, msg));
        }
        let values_path = path.child("values");
        let count_rule = match operator {
            Operator::In | Operator::NotIn if values.is_empty() => {
                Some("for 'in', 'notin' operators, values set can't be empty")
            }
            Operator::Equals | Operator::DoubleEquals | Operator::NotEquals if values.len() != 1 => {
                Some("exact-match compatibility requires one single value")
            }
            Operator::Exists | Operator::DoesNotExist if !values.is_empty() => {
                Some("values set must be empty for exists and does not exist")
            }
            Operator::GreaterThan | Operator::LessThan if values.len() != 1 => {
                Some("for 'Gt', 'Lt' operators, exactly one value is required")
            }
            _ => None,
        };
        if let Some(rule) = count_rule {
            errs.push(FieldError::invalid(
                values_path.clone(),
                crate::error::BadValue::string_list(values),
                rule,
            ));
        }
        for (i, value) in values.iter().enumerate() {
            let value = value.as_ref();
            if matches!(operator, Operator::GreaterThan | Operator::LessThan) && parse_int(value).is_none() {
                errs.push(FieldError::invalid(
                    values_path.index(i),
                    value,
                    "for 'Gt', 'Lt' operators, the value must be an integer",
                ));
            }
            for msg in names::is_valid_label_value(value) {
                errs.push(FieldError::invalid(values_path.index(i), value, msg));
            }
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        let mut values: Vec<String> = values.iter().map(|v| String::from(v.as_ref())).collect();
        values.stable_sort();
        values.dedup();
        Ok(Requirement {
            key: String::from(key),
            operator,
            values,
        })
    }

    /// Whether `labels` satisfy this term (SPEC §1.3). Never allocates.
    pub fn matches(&self, labels: &Labels) -> bool {
        let value = labels.get(&self.key);
        match self.operator {
            Operator::Equals | Operator::DoubleEquals | Operator::In => {
                value.is_some_and(|v| self.has_value(v))
            }
            Operator::NotEquals | Operator::NotIn => value.is_none_or(|v| !self.has_value(v)),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                match (value.and_then(|v| parse_int(v)), self.integer_bound()) {
                    (Some(have), Some(bound)) => self.compare(have, bound),
                    _ => false,
                }
            }
        }
    }

    fn has_value(&self, value: &str) -> bool {
        // Linear: value sets are tiny, and this stays right even if `values` was built unsorted.
        self.values.iter().any(|v| v == value)
    }

    /// The single integer a `>`/`<` term compares against; `None` if the term is malformed.
    fn integer_bound(&self) -> Option<i64> {
        match self.values.as_slice() {
            [only] => parse_int(only),
            _ => None,
        }
    }

    fn compare(&self, have: i64, bound: i64) -> bool {
        match self.operator {
            Operator::GreaterThan => have > bound,
            Operator::LessThan => have < bound,
            _ => false,
        }
    }
}

/// Go's `strconv.ParseInt(s, 10, 64)`: optional sign, decimal digits, in range.
fn parse_int(s: &str) -> Option<i64> {
    s.parse::<i64>().ok()
}

impl fmt::Display for Requirement {
    /// kubectl syntax: `!k`, `k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k>1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.operator {
            Operator::Exists => f.write_str(&self.key),
            Operator::DoesNotExist => write!(f, "!{}", self.key),
            Operator::In | Operator::NotIn => {
                write!(f, "{} {} (", self.key, self.operator.symbol())?;
                write_sorted_values(f, &self.values)?;
                f.write_str(")")
            }
            Operator::Equals
            | Operator::DoubleEquals
            | Operator::NotEquals
            | Operator::GreaterThan
            | Operator::LessThan => {
                write!(f, "{}{}", self.key, self.operator.symbol())?;
                write_sorted_values(f, &self.values)
            }
        }
    }
}

/// Values joined by `,` in sorted order, without sorting (or copying) when already sorted.
fn write_sorted_values(f: &mut fmt::Formatter<'_>, values: &[String]) -> fmt::Result {
    if values.is_sorted() {
        return write_joined(f, values.iter());
    }
    let mut sorted: Vec<&String> = values.iter().collect();
    sorted.stable_sort();
    write_joined(f, sorted.into_iter())
}

fn write_joined<'a>(f: &mut fmt::Formatter<'_>, values: impl Iterator<Item = &'a String>) -> fmt::Result {
    for (i, v) in values.enumerate() {
        if i > 0 {
            f.write_str(",")?;
        }
        f.write_str(v)?;
    }
    Ok(())
}

/// A label selector: Nothing, or an AND of requirements (none = Everything).
#[derive(Clone, Debug, PartialEq, Eq, Hash, ToJson)]
#[serde(tag = "kind", content = "requirements", rename_all = "camelCase")]
pub enum Selector {
    /// Matches no object (a nil `LabelSelector`, a Service without selector).
    Nothing,
    /// Matches objects satisfying every requirement; sorted by key (stable). Empty = Everything.
    Requirements(Vec<Requirement>),
}

/// What [`Selector`]'s `Display` prints for [`Selector::Nothing`]. The parser rejects it (`<`
/// cannot start a requirement), so a Nothing selector can never be re-read as Everything, which
/// is what upstream's empty-string rendering of Nothing would do.
pub const NOTHING_DISPLAY: &str = "<nothing>";

impl Selector {
    /// Matches every object (no requirements).
    pub fn everything() -> Self {
        Selector::Requirements(Vec::new())
    }

    /// Matches no object.
    pub fn nothing() -> Self {
        Selector::Nothing
    }

    /// True for the selector that places no restriction (upstream `Empty()`).
    pub fn is_everything(&self) -> bool {
        matches!(self, Selector::Requirements(r) if r.is_empty())
    }

    /// True for [`Selector::Nothing`].
    pub fn is_nothing(&self) -> bool {
        matches!(self, Selector::Nothing)
    }

    /// The requirements (empty for both Everything and Nothing; see [`Selector::is_nothing`]).
    pub fn requirements(&self) -> &[Requirement] {
        match self {
            Selector::Nothing => &[],
            Selector::Requirements(r) => r,
        }
    }

    /// Parses the kubectl / `?labelSelector=` syntax (SPEC §1.2); `""` is Everything.
    pub fn parse(s: &str) -> Result<Selector, SelectorParseError> {
        parse::parse(s)
    }

    /// Whether an object with `labels` is selected. Never allocates.
    pub fn matches(&self, labels: &Labels) -> bool {
        match self {
            Selector::Nothing => false,
            Selector::Requirements(reqs) => reqs.iter().all(|r| r.matches(labels)),
        }
    }

    /// The verdict with a reason per term, every term evaluated (no short-circuit), for the UI.
    pub fn explain(&self, labels: &Labels) -> SelectorExplanation {
        explain::explain(self, labels)
    }

    /// Equality terms, one per entry (upstream `SelectorFromSet`): what a Service selector map
    /// means once it is known to be non-empty. An empty map gives Everything here; use
    /// [`service_selector`] for Service semantics.
    pub fn from_map(m: &Labels) -> Selector {
        let reqs = m
            .iter()
            .map(|(k, v)| Requirement {
                key: k.clone(),
                operator: Operator::Equals,
                values: alloc::vec![v.clone()],
            })
            .collect();
        Selector::Requirements(reqs)
    }
}

impl fmt::Display for Selector {
    /// kubectl syntax, terms joined by `,`; Everything prints as `""`, Nothing as
    /// [`NOTHING_DISPLAY`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Selector::Nothing => f.write_str(NOTHING_DISPLAY),
            Selector::Requirements(reqs) => {
                for (i, r) in reqs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{r}")?;
                }
                Ok(())
            }
        }
    }
}

/// The selector of a Service's `spec.selector` map, or `None` when the Service manages no
/// endpoints: a missing map and an empty map are the same thing on the wire, and neither selects
/// every Pod (SPEC §1.5, §9 #10, §11 #10).
pub fn service_selector(sel: Option<&Labels>) -> Option<Selector> {
    match sel {
        Some(m) if !m.is_empty() => Some(Selector::from_map(m)),
        _ => None,
    }
}

/// A `key=value,key2=value2` text as a label map (a Service selector, labels typed in a form):
/// the kubectl grammar, restricted to equality terms. An empty text is an empty map.
pub fn equality_map(text: &str) -> Result<Labels, SelectorParseError> {
    let selector = Selector::parse(text)?;
    let mut out = Labels::new();
    for r in selector.requirements() {
        match (r.operator, r.values.as_slice()) {
            (Operator::Equals | Operator::DoubleEquals, [v]) => {
                out.insert(r.key.clone(), v.clone());
            }
            _ => {
                return Err(SelectorParseError {
                    position: 0,
                    message: alloc::format!(
                        "`{r}` is not key=value: labels and Service selectors take only equality terms"
                    ),
                })
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod equality_map_tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn equality_maps_parse_and_refuse_set_terms() {
        // (input, Ok(pairs) or Err)
        type Case<'a> = (&'a str, Option<&'a [(&'a str, &'a str)]>);
        let cases: [Case; 5] = [
            ("", Some(&[])),
            ("app=web", Some(&[("app", "web")])),
            ("app==web, tier=be", Some(&[("app", "web"), ("tier", "be")])),
            ("app in (a,b)", None),
            ("app=", Some(&[("app", "")])),
        ];
        for (input, want) in cases {
            let got = equality_map(input).ok();
            let want: Option<Labels> =
                want.map(|p| p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
            assert_eq!(got, want, "{input:?}");
        }
        assert!(equality_map("!app").is_err());
    }
}
