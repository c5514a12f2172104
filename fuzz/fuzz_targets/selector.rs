//! The kubectl selector syntax (`env=prod,tier notin (fe,be),!canary`) on arbitrary text, with
//! arbitrary labels: parsing never panics; a parsed selector prints as text that parses back
//! to the same selector; `matches` and `explain` agree, term by term.
#![no_main]

use std::collections::BTreeMap;

use kroute::selector::Selector;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, BTreeMap<String, String>)| {
    let (text, labels) = input;
    let Ok(selector) = Selector::parse(text) else {
        return;
    };
    let shown = selector.to_string();
    match Selector::parse(&shown) {
        Ok(again) => assert_eq!(again, selector, "{text:?} printed as {shown:?}"),
        Err(e) => panic!("{text:?} printed as {shown:?}, which does not parse: {e}"),
    }
    let explained = selector.explain(&labels);
    assert_eq!(
        explained.matched,
        selector.matches(&labels),
        "{text:?} on {labels:?}"
    );
    assert_eq!(
        explained.matched,
        explained.terms.iter().all(|t| t.matched),
        "{text:?} on {labels:?}"
    );
});
