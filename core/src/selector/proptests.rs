//! Property tests: SPEC §10 invariant 8, display/parse round trips, and a parser that returns
//! (never panics) on any input.

use super::*;
use alloc::string::ToString;
use proptest::collection::{btree_map, vec as vec_of};
use proptest::prelude::*;

/// Keys from a tiny pool (so selectors and label maps share keys) or anywhere in the syntax.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-c]",
        "in|notin",
        "[A-Za-z0-9]([-A-Za-z0-9_.]{0,8}[A-Za-z0-9])?",
        "[a-z0-9]{1,4}(\\.[a-z0-9]{1,4}){0,2}/[A-Za-z0-9]([-A-Za-z0-9_.]{0,4}[A-Za-z0-9])?",
    ]
}

/// Valid label values, empty included; non-negative integers too, to exercise `>`/`<`.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "([A-Za-z0-9]([-A-Za-z0-9_.]{0,6}[A-Za-z0-9])?)?",
        (0..=i64::MAX).prop_map(|n| n.to_string()),
        (0i64..10).prop_map(|n| n.to_string()),
        "in|notin",
    ]
}

fn requirement() -> impl Strategy<Value = Requirement> {
    let one = |op| (key(), value()).prop_map(move |(k, v)| (k, op, alloc::vec![v]));
    let set = |op| (key(), vec_of(value(), 1..4)).prop_map(move |(k, vs)| (k, op, vs));
    let none = |op| key().prop_map(move |k| (k, op, Vec::new()));
    let int = |op| (key(), 0..=i64::MAX).prop_map(move |(k, n)| (k, op, alloc::vec![n.to_string()]));
    prop_oneof![
        one(Operator::Equals),
        one(Operator::DoubleEquals),
        one(Operator::NotEquals),
        set(Operator::In),
        set(Operator::NotIn),
        none(Operator::Exists),
        none(Operator::DoesNotExist),
        int(Operator::GreaterThan),
        int(Operator::LessThan),
    ]
    .prop_map(|(k, op, vs): (String, Operator, Vec<String>)| {
        Requirement::new(&k, op, &vs, &FieldPath::root()).unwrap()
    })
}

/// A selector as the parser would build it: requirements sorted by key, ties in order.
fn selector() -> impl Strategy<Value = Selector> {
    vec_of(requirement(), 0..6).prop_map(|mut reqs| {
        reqs.sort_by(|a, b| a.key.cmp(&b.key));
        Selector::Requirements(reqs)
    })
}

fn labels() -> impl Strategy<Value = Labels> {
    btree_map(key(), value(), 0..6)
}

proptest! {
    /// SPEC §10 invariant 8: for an object without the key, `!=`/`notin`/`!k` are true and
    /// `=`/`==`/`in`/`k`/`>`/`<` are false.
    #[test]
    fn absent_key_semantics(mut set in labels(), r in requirement()) {
        set.remove(&r.key);
        let want = matches!(r.operator, Operator::NotEquals | Operator::NotIn | Operator::DoesNotExist);
        prop_assert_eq!(r.matches(&set), want, "{}", r);
        prop_assert_eq!(r.explain(&set).reason, TermReason::KeyAbsent);
    }

    /// SPEC §10 invariant 8: Nothing selects nothing, Everything selects everything.
    #[test]
    fn nothing_and_everything(set in labels()) {
        prop_assert!(!Selector::nothing().matches(&set));
        prop_assert!(Selector::everything().matches(&set));
        prop_assert!(Selector::parse("").unwrap().matches(&set));
        prop_assert!(!label_selector_as_selector(None, &FieldPath::root()).unwrap().matches(&set));
        prop_assert!(LabelSelector::default().to_selector(&FieldPath::root()).unwrap().matches(&set));
    }

    /// Display then parse gives back the same selector, and the display is canonical.
    #[test]
    fn display_parse_round_trip(sel in selector()) {
        let shown = sel.to_string();
        let reparsed = Selector::parse(&shown);
        prop_assert!(reparsed.is_ok(), "{:?}: {:?}", shown, reparsed);
        let reparsed = reparsed.unwrap();
        prop_assert_eq!(&reparsed, &sel, "{}", shown);
        prop_assert_eq!(reparsed.to_string(), shown);
    }

    /// `explain` agrees with `matches`, overall and per term.
    #[test]
    fn explain_agrees_with_matches(sel in selector(), set in labels()) {
        let explanation = sel.explain(&set);
        prop_assert_eq!(explanation.matched, sel.matches(&set));
        for (term, r) in explanation.terms.iter().zip(sel.requirements()) {
            prop_assert_eq!(term.matched, r.matches(&set));
            prop_assert_eq!(&term.term, &r.to_string());
        }
    }

    /// A Service selector map selects the Pods carrying (at least) those labels.
    #[test]
    fn map_selector_matches_supersets(m in labels(), extra in labels()) {
        let mut pod = extra;
        pod.extend(m.clone());
        prop_assert!(Selector::from_map(&m).matches(&pod));
        prop_assert_eq!(service_selector(Some(&m)).is_none(), m.is_empty());
    }

    /// The parser returns on any input, and whatever it accepts re-prints to something it
    /// reads back identically.
    #[test]
    fn parse_never_panics(s in any::<String>()) {
        check_total(&s)?;
    }

    /// The same, on strings made of the selector alphabet, which reach deeper into the grammar.
    #[test]
    fn parse_never_panics_on_selector_like_input(s in "[a-c0-9!=(),<> \t/._-]{0,40}|(in|notin|[!=(),<>a ]){0,16}") {
        check_total(&s)?;
    }
}

fn check_total(s: &str) -> Result<(), TestCaseError> {
    match Selector::parse(s) {
        Ok(sel) => {
            let shown = sel.to_string();
            let reparsed = Selector::parse(&shown);
            prop_assert_eq!(reparsed, Ok(sel), "{:?} -> {:?}", s, shown);
        }
        Err(e) => {
            prop_assert!(e.position <= s.chars().count(), "{:?}: {}", s, e);
            prop_assert!(!e.to_string().is_empty());
        }
    }
    Ok(())
}
