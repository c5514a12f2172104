//! Table tests for selectors. Tables transcribed from upstream name their source; the rest are
//! SPEC §1.6 vectors or ours (error positions, explanations, API conversions).

use super::parse::{Lexer, TokenKind};
use super::*;
use crate::error::FieldErrorKind;
use alloc::string::ToString;
use alloc::vec;
use std::format;

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Upstream's `getRequirement`: a validated requirement, panicking (in tests only) if invalid.
fn req(key: &str, operator: Operator, values: &[&str]) -> Requirement {
    Requirement::new(key, operator, values, &FieldPath::root()).unwrap()
}

fn parse_ok(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
}

use Operator::*;

/// (selector, labels, expected match)
type MatchCase = (&'static str, &'static [(&'static str, &'static str)], bool);

// ---------------------------------------------------------------------------------------------
// Matching

#[test]
fn spec_vectors() {
    // SPEC §1.6 (string-syntax rows; the API rows are in `label_selector_conversions`)
    let cases: &[MatchCase] = &[
        ("env=prod,tier!=fe", &[("env", "prod")], true),
        ("tier notin (fe,be)", &[], true),
        ("tier in (fe)", &[], false),
        ("partition", &[("partition", "")], true),
        ("!partition", &[("partition", "x")], false),
        ("a=", &[("a", "")], true),
        ("a in ()", &[("a", "")], true),
        // SPEC §1.2: duplicate keys are ANDed.
        ("a=1,a=2", &[("a", "1")], false),
        ("a=1,a=2", &[("a", "2")], false),
        // SPEC §1.3: `k,k notin (x)` requires presence.
        ("k,k notin (x)", &[], false),
        ("k,k notin (x)", &[("k", "y")], true),
        ("k,k notin (x)", &[("k", "x")], false),
    ];
    check_matches(cases);
}

#[test]
fn upstream_selector_matches() {
    // apimachinery pkg/labels/selector_test.go TestSelectorMatches
    let set = &[("foo", "bar"), ("baz", "blah")];
    let cases: &[MatchCase] = &[
        ("", &[("x", "y")], true),
        ("x=y", &[("x", "y")], true),
        ("x=y,z=w", &[("x", "y"), ("z", "w")], true),
        ("x!=y,z!=w", &[("x", "z"), ("z", "a")], true),
        ("notin=in", &[("notin", "in")], true), // in and notin in exactMatch
        ("x", &[("x", "z")], true),
        ("!x", &[("y", "z")], true),
        ("x>1", &[("x", "2")], true),
        ("x<1", &[("x", "0")], true),
        ("x=z", &[], false),
        ("x=y", &[("x", "z")], false),
        ("x=y,z=w", &[("x", "w"), ("z", "w")], false),
        ("x!=y,z!=w", &[("x", "z"), ("z", "w")], false),
        ("x", &[("y", "z")], false),
        ("!x", &[("x", "z")], false),
        ("x>1", &[("x", "0")], false),
        ("x<1", &[("x", "2")], false),
        ("foo=bar", set, true),
        ("baz=blah", set, true),
        ("foo=bar,baz=blah", set, true),
        ("foo=blah", set, false),
        ("baz=bar", set, false),
        ("foo=bar,foobar=bar,baz=blah", set, false),
    ];
    check_matches(cases);
}

#[test]
fn integer_comparisons() {
    // Ours: SPEC §1.3 `>`/`<` rows. Strict comparison, int64 parsing like Go's ParseInt.
    let cases: &[MatchCase] = &[
        ("x>1", &[("x", "1")], false),
        ("x<1", &[("x", "1")], false),
        ("x>1", &[("x", "007")], true),
        ("x>1", &[("x", "v2")], false),
        ("x>1", &[("x", "")], false),
        ("x>1", &[], false),
        ("x<1", &[], false),
        ("x<9223372036854775807", &[("x", "9223372036854775806")], true),
        ("x>1", &[("x", "9223372036854775808")], false), // out of int64 range: not an integer
        ("x>0", &[("x", "+5")], true),
        ("x<0", &[("x", "-5")], true),
        ("x>0", &[("x", "1.5")], false),
    ];
    check_matches(cases);
}

fn check_matches(cases: &[MatchCase]) {
    for &(selector, set, want) in cases {
        let sel = parse_ok(selector);
        let l = labels(set);
        assert_eq!(sel.matches(&l), want, "{selector:?} on {l:?}");
        assert_eq!(sel.explain(&l).matched, want, "explain {selector:?} on {l:?}");
    }
}

#[test]
fn upstream_requirement_selector_matching() {
    // apimachinery pkg/labels/selector_test.go TestRequirementSelectorMatching
    let cases: Vec<(Labels, Selector, bool)> = vec![
        (
            labels(&[("x", "foo"), ("y", "baz")]),
            Selector::Requirements(vec![req("x", In, &["foo"]), req("y", NotIn, &["alpha"])]),
            true,
        ),
        (
            labels(&[("x", "foo"), ("y", "baz")]),
            Selector::Requirements(vec![req("x", In, &["foo"]), req("y", In, &["alpha"])]),
            false,
        ),
        (
            labels(&[("y", "")]),
            Selector::Requirements(vec![req("x", NotIn, &[""]), req("y", Exists, &[])]),
            true,
        ),
        (
            labels(&[("y", "")]),
            Selector::Requirements(vec![req("x", DoesNotExist, &[]), req("y", Exists, &[])]),
            true,
        ),
        (
            labels(&[("y", "")]),
            Selector::Requirements(vec![req("x", NotIn, &[""]), req("y", DoesNotExist, &[])]),
            false,
        ),
        (
            labels(&[("y", "baz")]),
            Selector::Requirements(vec![req("x", In, &[""])]),
            false,
        ),
        (
            labels(&[("z", "2")]),
            Selector::Requirements(vec![req("z", GreaterThan, &["1"])]),
            true,
        ),
        (
            labels(&[("z", "v2")]),
            Selector::Requirements(vec![req("z", GreaterThan, &["1"])]),
            false,
        ),
    ];
    for (set, sel, want) in cases {
        assert_eq!(sel.matches(&set), want, "{sel} on {set:?}");
    }
}

#[test]
fn hand_built_requirements_never_panic() {
    // Ours: requirements that skip `Requirement::new` match like upstream's zero/odd values.
    let raw = |operator, values: &[&str]| Requirement {
        key: "x".to_string(),
        operator,
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    let set = labels(&[("x", "5")]);
    let cases = [
        (raw(In, &[]), false),
        (raw(NotIn, &[]), true),
        (raw(Equals, &["b", "5", "a"]), true), // unsorted values still match
        (raw(GreaterThan, &[]), false),
        (raw(GreaterThan, &["1", "2"]), false),
        (raw(GreaterThan, &["one"]), false),
        (raw(Exists, &["ignored"]), true),
    ];
    for (r, want) in cases {
        assert_eq!(r.matches(&set), want, "{r:?}");
        assert_eq!(r.explain(&set).matched, want, "{r:?}");
    }
    assert_eq!(
        raw(GreaterThan, &["1", "2"]).explain(&set).reason,
        TermReason::InvalidBound {
            values: vec!["1".to_string(), "2".to_string()]
        }
    );
}

#[test]
fn everything_and_nothing() {
    // apimachinery pkg/labels/selector_test.go TestEverything, plus Nothing
    for set in [labels(&[]), labels(&[("x", "y")])] {
        assert!(Selector::everything().matches(&set));
        assert!(!Selector::nothing().matches(&set));
    }
    assert!(Selector::everything().is_everything());
    assert!(!Selector::nothing().is_everything());
    assert!(Selector::nothing().is_nothing());
}

#[test]
fn from_map_and_service_selector() {
    // apimachinery pkg/labels/selector_test.go TestSetMatches
    let set = labels(&[("foo", "bar"), ("baz", "blah")]);
    for (sel, want) in [
        (labels(&[]), true),
        (labels(&[("foo", "bar")]), true),
        (labels(&[("baz", "blah")]), true),
        (labels(&[("foo", "bar"), ("baz", "blah")]), true),
        (labels(&[("foo", "blah")]), false),
    ] {
        assert_eq!(Selector::from_map(&sel).matches(&set), want, "{sel:?}");
    }
    assert_eq!(
        Selector::from_map(&labels(&[("b", "2"), ("a", "1")])).to_string(),
        "a=1,b=2"
    );
    // SPEC §1.5 / §11 #10: no selector and `{}` both manage nothing; they never mean "all Pods".
    assert_eq!(service_selector(None), None);
    assert_eq!(service_selector(Some(&labels(&[]))), None);
    assert_eq!(
        service_selector(Some(&labels(&[("app", "web")]))),
        Some(parse_ok("app=web"))
    );
}

// ---------------------------------------------------------------------------------------------
// Parsing

#[test]
fn upstream_selector_parse_restring() {
    // apimachinery pkg/labels/selector_test.go TestSelectorParse: good strings re-print as the
    // input without spaces; bad strings are rejected.
    let good = [
        "x=a,y=b,z=c",
        "",
        "x!=a,y=b",
        "x=",
        "x= ",
        "x=,z= ",
        "x= ,z= ",
        "!x",
        "x>1",
        "x>1,z<5",
    ];
    for s in good {
        assert_eq!(parse_ok(s).to_string(), s.replace(' ', ""), "{s:?}");
    }
    for s in ["x=a||y=b", "x==a==b", "!x=a", "x<a"] {
        assert!(Selector::parse(s).is_err(), "{s:?} should be rejected");
    }
}

#[test]
fn upstream_deterministic_parse() {
    // apimachinery pkg/labels/selector_test.go TestDeterministicParse
    assert_eq!(parse_ok("x=a,a=x").to_string(), parse_ok("a=x,x=a").to_string());
    assert_eq!(parse_ok("x=a,a=x").to_string(), "a=x,x=a");
}

#[test]
fn upstream_set_selector_parser() {
    // apimachinery pkg/labels/selector_test.go TestSetSelectorParser.
    // `None` = must be rejected; `Some(reqs)` = must parse to exactly `reqs` (sorted by key).
    type Case = (&'static str, Option<Vec<Requirement>>);
    let cases: Vec<Case> = vec![
        ("", Some(vec![])),
        ("\rx", Some(vec![req("x", Exists, &[])])),
        (
            "this-is-a-dns.domain.com/key-with-dash",
            Some(vec![req("this-is-a-dns.domain.com/key-with-dash", Exists, &[])]),
        ),
        (
            "this-is-another-dns.domain.com/key-with-dash in (so,what)",
            Some(vec![req(
                "this-is-another-dns.domain.com/key-with-dash",
                In,
                &["so", "what"],
            )]),
        ),
        (
            "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
            Some(vec![req(
                "0.1.2.domain/99",
                NotIn,
                &["10.10.100.1", "tick.tack.clock"],
            )]),
        ),
        ("foo  in\t (abc)", Some(vec![req("foo", In, &["abc"])])),
        ("x notin\n (abc)", Some(vec![req("x", NotIn, &["abc"])])),
        (
            "x  notin\t\t\t(abc,def)",
            Some(vec![req("x", NotIn, &["abc", "def"])]),
        ),
        ("x in (abc,def)", Some(vec![req("x", In, &["abc", "def"])])),
        ("x in (abc,)", Some(vec![req("x", In, &["abc", ""])])),
        ("x in ()", Some(vec![req("x", In, &[""])])),
        (
            "x notin (abc,,def),bar,z in (),w",
            Some(vec![
                req("bar", Exists, &[]),
                req("w", Exists, &[]),
                req("x", NotIn, &["abc", "", "def"]),
                req("z", In, &[""]),
            ]),
        ),
        // Upstream lists this one unsorted and skips the comparison; sorted, it is:
        (
            "x,y in (a)",
            Some(vec![req("x", Exists, &[]), req("y", In, &["a"])]),
        ),
        ("x=a", Some(vec![req("x", Equals, &["a"])])),
        ("x>1", Some(vec![req("x", GreaterThan, &["1"])])),
        ("x<7", Some(vec![req("x", LessThan, &["7"])])),
        (
            "x=a,y!=b",
            Some(vec![req("x", Equals, &["a"]), req("y", NotEquals, &["b"])]),
        ),
        (
            "x=a,y!=b,z in (h,i,j)",
            Some(vec![
                req("x", Equals, &["a"]),
                req("y", NotEquals, &["b"]),
                req("z", In, &["h", "i", "j"]),
            ]),
        ),
        ("x=a||y=b", None),
        ("x,,y", None),
        (",x,y", None),
        ("x nott in (y)", None),
        ("x notin ( )", Some(vec![req("x", NotIn, &[""])])),
        ("x notin (, a)", Some(vec![req("x", NotIn, &["", "a"])])),
        ("a in (xyz),", None),
        ("a in (xyz)b notin ()", None),
        ("a ", Some(vec![req("a", Exists, &[])])),
        // operator 'in' inside list of identifiers
        (
            "a in (x,y,notin, z,in)",
            Some(vec![req("a", In, &["in", "notin", "x", "y", "z"])]),
        ),
        ("a in (xyz abc)", None), // no comma
        ("a notin(", None),       // bad formed
        ("a (", None),            // cpar
        ("(", None),              // opar
    ];
    check_parse(&cases);
}

#[test]
fn grammar_edges() {
    // Ours: SPEC §1.2 rules not covered above.
    type Case = (&'static str, Option<Vec<Requirement>>);
    let cases: Vec<Case> = vec![
        ("  \t\r\n ", Some(vec![])),
        ("a==b", Some(vec![req("a", DoubleEquals, &["b"])])),
        ("a = b", Some(vec![req("a", Equals, &["b"])])),
        ("! a", Some(vec![req("a", DoesNotExist, &[])])),
        ("a in (,)", Some(vec![req("a", In, &[""])])),
        ("a in (b,b,a)", Some(vec![req("a", In, &["a", "b"])])),
        ("a in (,,)", Some(vec![req("a", In, &[""])])),
        ("in in (in)", Some(vec![req("in", In, &["in"])])),
        ("!notin", Some(vec![req("notin", DoesNotExist, &[])])),
        ("a=notin", Some(vec![req("a", Equals, &["notin"])])),
        ("a in(b)", Some(vec![req("a", In, &["b"])])),
        ("a!=", Some(vec![req("a", NotEquals, &[""])])),
        ("a=,b", Some(vec![req("a", Equals, &[""]), req("b", Exists, &[])])),
        (
            "app.kubernetes.io/name=web",
            Some(vec![req("app.kubernetes.io/name", Equals, &["web"])]),
        ),
        // Sorting is stable: same-key terms keep their source order.
        (
            "b,a!=1,a=2",
            Some(vec![
                req("a", NotEquals, &["1"]),
                req("a", Equals, &["2"]),
                req("b", Exists, &[]),
            ]),
        ),
        ("a,", None),
        ("a,,", None),
        ("!", None),
        ("!!a", None),
        ("!a!=b", None),
        ("a b", None),
        ("a in b", None),
        ("a in (b", None),
        ("a in (b))", None),
        ("a in ((b))", None),
        ("a=(b)", None),
        ("a===b", None),
        ("a>", None),
        ("a>b", None),
        ("a>1,a<", None),
        ("a>-1", None), // an integer, but '-1' is not a valid label value (upstream validates both)
        ("a=b=c", None),
        ("=a", None),
        ("a/b/c", None),
        ("A_=b", None),
        ("a=-b", None),
        ("a\u{0}b", None),
        ("é=x", None),
    ];
    check_parse(&cases);
}

fn check_parse(cases: &[(&str, Option<Vec<Requirement>>)]) {
    for (input, want) in cases {
        match (Selector::parse(input), want) {
            (Ok(sel), Some(reqs)) => assert_eq!(sel.requirements(), reqs.as_slice(), "{input:?}"),
            (Err(_), None) => {}
            (Ok(sel), None) => panic!("{input:?} should be rejected, parsed as {sel:?}"),
            (Err(e), Some(_)) => panic!("{input:?} should parse: {e}"),
        }
    }
}

#[test]
fn error_positions_and_messages() {
    // Ours: the position (a character offset) points at the offending token.
    let cases: &[(&str, usize, &str)] = &[
        // As upstream, the value is validated before the next token is looked at.
        ("x=a||y=b", 2, "invalid label value \"a||y\" for key \"x\""),
        ("x=a b", 4, "found 'b', expected: ',' or 'end of string'"),
        ("x==a==b", 4, "found '==', expected: ',' or 'end of string'"),
        ("!x=a", 2, "found '=', expected: ',' or 'end of string'"),
        (
            "a in (xyz),",
            11,
            "found end of string, expected: identifier after ','",
        ),
        ("x,,y", 2, "found ',', expected: identifier after ','"),
        (",x", 0, "found ',', expected: !, identifier, or 'end of string'"),
        (
            "x nott in (y)",
            2,
            "found 'nott', expected: in, notin, =, ==, !=, >, <",
        ),
        ("a in (xyz abc)", 10, "found 'abc', expected: ',' or ')'"),
        (
            "a notin(",
            8,
            "found end of string, expected: ',', ')' or identifier",
        ),
        ("a in b", 5, "found 'b', expected: '('"),
        ("a in (b,=", 8, "found '=', expected: ',', or identifier"),
        ("!!a", 1, "found '!', expected: identifier"),
        ("a=(", 2, "found '(', expected: identifier"),
        (
            "x<a",
            2,
            "invalid value \"a\" for key \"x\": for '>' and '<' the value must be an integer",
        ),
        (
            "x>",
            2,
            "invalid value \"\" for key \"x\": for '>' and '<' the value must be an integer",
        ),
        (
            "env=prod,Bad_=x",
            9,
            "invalid label key \"Bad_\": name part must consist of alphanumeric",
        ),
        (
            "a/b/c",
            0,
            "invalid label key \"a/b/c\": a valid label key must consist of",
        ),
        ("/a", 0, "invalid label key \"/a\": prefix part must be non-empty"),
        (
            "tier in (fe, -be)",
            13,
            "invalid label value \"-be\" for key \"tier\": a valid label must be",
        ),
        // Character offsets, not bytes: "é" is two bytes.
        ("é=x", 0, "invalid label key \"é\""),
        ("a=é,b", 2, "invalid label value \"é\" for key \"a\""),
        ("a in (é,(", 8, "found '(', expected: ',', or identifier"),
    ];
    for &(input, position, message) in cases {
        let err = Selector::parse(input).expect_err(input);
        assert_eq!(err.position, position, "{input:?}: {err}");
        assert!(
            err.message.starts_with(message),
            "{input:?}: got {:?}, want prefix {message:?}",
            err.message
        );
    }
    let long_key = format!("{}=x", "k".repeat(64));
    let err = Selector::parse(&long_key).unwrap_err();
    assert!(
        err.message
            .contains("name part must be no more than 63 characters"),
        "{err}"
    );
    let err = Selector::parse("x==a==b").unwrap_err();
    assert_eq!(
        err.to_string(),
        "unable to parse requirement at position 4: found '==', expected: ',' or 'end of string'"
    );
}

#[test]
fn upstream_lexer() {
    // apimachinery pkg/labels/selector_test.go TestLexer
    use TokenKind as T;
    let cases = [
        ("", T::EndOfString),
        (",", T::Comma),
        ("notin", T::NotIn),
        ("in", T::In),
        ("=", T::Equals),
        ("==", T::DoubleEquals),
        (">", T::GreaterThan),
        ("<", T::LessThan),
        // Note that Lex returns the longest valid token found
        ("!", T::DoesNotExist),
        ("!=", T::NotEquals),
        ("(", T::OpenPar),
        (")", T::ClosedPar),
        // Non-"special" characters are considered part of an identifier
        ("~", T::Identifier),
        ("||", T::Identifier),
    ];
    for (input, kind) in cases {
        let tok = Lexer::new(input).next_token();
        assert_eq!(tok.kind, kind, "{input:?}");
        assert_eq!(tok.text, input, "{input:?}");
    }
}

#[test]
fn upstream_lexer_sequence() {
    // apimachinery pkg/labels/selector_test.go TestLexerSequence (and TestParserLookahead, whose
    // cases are the same with an end token)
    use TokenKind::*;
    let cases: &[(&str, &[TokenKind])] = &[
        (
            "key in ( value )",
            &[Identifier, In, OpenPar, Identifier, ClosedPar],
        ),
        (
            "key notin ( value )",
            &[Identifier, NotIn, OpenPar, Identifier, ClosedPar],
        ),
        (
            "key in ( value1, value2 )",
            &[Identifier, In, OpenPar, Identifier, Comma, Identifier, ClosedPar],
        ),
        ("key", &[Identifier]),
        ("!key", &[DoesNotExist, Identifier]),
        ("()", &[OpenPar, ClosedPar]),
        (
            "x in (),y",
            &[Identifier, In, OpenPar, ClosedPar, Comma, Identifier],
        ),
        (
            "== != (), = notin",
            &[DoubleEquals, NotEquals, OpenPar, ClosedPar, Comma, Equals, NotIn],
        ),
        ("key>2", &[Identifier, GreaterThan, Identifier]),
        ("key<1", &[Identifier, LessThan, Identifier]),
        // Ours: greedy two-character operators, and what follows them.
        ("===", &[DoubleEquals, Equals]),
        ("!==", &[NotEquals, Equals]),
        ("!!", &[DoesNotExist, DoesNotExist]),
        ("=!=", &[Equals, NotEquals]),
        (">=", &[GreaterThan, Equals]),
        ("in(notin)", &[In, OpenPar, NotIn, ClosedPar]),
        ("inx notinx", &[Identifier, Identifier]),
    ];
    for &(input, want) in cases {
        let mut lexer = Lexer::new(input);
        let mut got = Vec::new();
        loop {
            let tok = lexer.next_token();
            if tok.kind == EndOfString {
                break;
            }
            got.push(tok.kind);
        }
        assert_eq!(got, want, "{input:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Requirement construction and display

#[test]
fn upstream_requirement_constructor() {
    // apimachinery pkg/labels/selector_test.go TestRequirementConstructor
    let long_key = "a".repeat(254); // breaks DNS rule that len(key) <= 253
    let cases: &[(&str, Operator, &[&str], bool)] = &[
        ("x", In, &[], false),
        ("x", NotIn, &[], false),
        ("x", In, &["foo"], true),
        ("x", NotIn, &["foo"], true),
        ("x", Exists, &[], true),
        ("x", DoesNotExist, &[], true),
        ("1foo", In, &["bar"], true),
        ("1234", In, &["bar"], true),
        ("y", GreaterThan, &["1"], true),
        ("z", LessThan, &["6"], true),
        ("foo", GreaterThan, &["bar"], false),
        ("barz", LessThan, &["blah"], false),
        (long_key.as_str(), Exists, &[], false),
        // Ours: value count rules of NewRequirement.
        ("x", Equals, &["a", "b"], false),
        ("x", NotEquals, &[], false),
        ("x", Exists, &["a"], false),
        ("x", GreaterThan, &["1", "2"], false),
    ];
    for &(key, op, values, ok) in cases {
        let got = Requirement::new(key, op, values, &FieldPath::root());
        assert_eq!(got.is_ok(), ok, "{key:?} {op:?} {values:?}: {got:?}");
    }
    // Error paths, as upstream's field errors.
    let errs = Requirement::new("x", GreaterThan, &["bar"], &FieldPath::new("selector")).unwrap_err();
    assert_eq!(errs[0].path.as_str(), "selector.values[0]");
    let errs = Requirement::new("x", In, &[] as &[&str], &FieldPath::root()).unwrap_err();
    assert_eq!(errs[0].path.as_str(), "values");
    assert_eq!(
        errs[0].detail,
        "for 'in', 'notin' operators, values set can't be empty"
    );
    let errs = Requirement::new("Bad_", Exists, &[] as &[&str], &FieldPath::root()).unwrap_err();
    assert_eq!(errs[0].path.as_str(), "key");
}

#[test]
fn upstream_to_string() {
    // apimachinery pkg/labels/selector_test.go TestToString (the invalid trailing-',' case cannot
    // be built here: a Requirement always has a key)
    let cases = [
        (
            vec![
                req("x", In, &["abc", "def"]),
                req("y", NotIn, &["jkl"]),
                req("z", Exists, &[]),
            ],
            "x in (abc,def),y notin (jkl),z",
        ),
        (
            vec![
                req("x", NotIn, &["abc", "def"]),
                req("y", NotEquals, &["jkl"]),
                req("z", DoesNotExist, &[]),
            ],
            "x notin (abc,def),y!=jkl,!z",
        ),
        (
            vec![
                req("x", NotIn, &["abc"]),
                req("y", In, &["jkl", "mno"]),
                req("z", NotIn, &[""]),
            ],
            "x notin (abc),y in (jkl,mno),z notin ()",
        ),
        (
            vec![
                req("x", Equals, &["abc"]),
                req("y", DoubleEquals, &["jkl"]),
                req("z", NotEquals, &["a"]),
                req("z", Exists, &[]),
            ],
            "x=abc,y==jkl,z!=a,z",
        ),
        (
            vec![
                req("x", GreaterThan, &["2"]),
                req("y", LessThan, &["8"]),
                req("z", Exists, &[]),
            ],
            "x>2,y<8,z",
        ),
    ];
    for (reqs, want) in cases {
        assert_eq!(Selector::Requirements(reqs).to_string(), want);
    }
    // Unsorted hand-built values display sorted (upstream safeSort) without being mutated.
    let r = Requirement {
        key: "x".to_string(),
        operator: In,
        values: vec!["b".to_string(), "a".to_string()],
    };
    assert_eq!(r.to_string(), "x in (a,b)");
    assert_eq!(r.values, vec!["b".to_string(), "a".to_string()]);
}

#[test]
fn display_round_trips() {
    // Ours: parse(display(s)) == s for selectors, and the display is canonical.
    let cases = [
        ("", ""),
        ("b=1, a in (z, y,y), !c", "a in (y,z),b=1,!c"),
        ("a in (,x)", "a in (,x)"),
        ("a notin ()", "a notin ()"),
        ("a==", "a=="),
        ("k>10,k<20", "k>10,k<20"),
        ("in=notin,notin in (in)", "in=notin,notin in (in)"),
        ("x.io/k!=V_1.2", "x.io/k!=V_1.2"),
    ];
    for (input, canonical) in cases {
        let sel = parse_ok(input);
        assert_eq!(sel.to_string(), canonical, "{input:?}");
        assert_eq!(parse_ok(canonical), sel, "{input:?}");
    }
    // Nothing prints as a marker the parser rejects, so it can never come back as Everything.
    assert_eq!(Selector::nothing().to_string(), NOTHING_DISPLAY);
    assert!(Selector::parse(NOTHING_DISPLAY).is_err());
}

// ---------------------------------------------------------------------------------------------
// Explanations

/// (term, matched, reason)
type ExpectedTerm<'a> = (&'a str, bool, TermReason);

#[test]
fn explain_terms() {
    // Ours: one verdict and reason per term, every term evaluated.
    let kv = |v: &str| v.to_string();
    let cases: Vec<(&str, Labels, Vec<ExpectedTerm>)> = vec![
        (
            "env=prod,tier!=fe",
            labels(&[("env", "prod")]),
            vec![
                ("env=prod", true, TermReason::ValueInSet { value: kv("prod") }),
                ("tier!=fe", true, TermReason::KeyAbsent),
            ],
        ),
        (
            "env in (prod,staging),tier notin (fe)",
            labels(&[("env", "dev"), ("tier", "fe")]),
            vec![
                (
                    "env in (prod,staging)",
                    false,
                    TermReason::ValueNotInSet { value: kv("dev") },
                ),
                (
                    "tier notin (fe)",
                    false,
                    TermReason::ValueInSet { value: kv("fe") },
                ),
            ],
        ),
        (
            "a,!b,c",
            labels(&[("a", ""), ("b", "x")]),
            vec![
                ("a", true, TermReason::KeyPresentWithValue { value: kv("") }),
                ("!b", false, TermReason::KeyPresentWithValue { value: kv("x") }),
                ("c", false, TermReason::KeyAbsent),
            ],
        ),
        (
            "n>5,m<5,o>1",
            labels(&[("n", "7"), ("m", "x7")]),
            vec![
                ("m<5", false, TermReason::NotAnInteger { value: kv("x7") }),
                ("n>5", true, TermReason::IntegerComparison { value: 7, bound: 5 }),
                ("o>1", false, TermReason::KeyAbsent),
            ],
        ),
        (
            "a!=1,b notin (2)",
            labels(&[("a", "2"), ("b", "3")]),
            vec![
                ("a!=1", true, TermReason::ValueNotInSet { value: kv("2") }),
                ("b notin (2)", true, TermReason::ValueNotInSet { value: kv("3") }),
            ],
        ),
    ];
    for (selector, set, want) in cases {
        let got = parse_ok(selector).explain(&set);
        let got_terms: Vec<ExpectedTerm> = got
            .terms
            .iter()
            .map(|t| (t.term.as_str(), t.matched, t.reason.clone()))
            .collect();
        assert_eq!(got_terms, want, "{selector:?}");
        assert_eq!(got.matched, want.iter().all(|t| t.1), "{selector:?}");
    }
    let nothing = Selector::nothing().explain(&labels(&[("a", "b")]));
    assert!(!nothing.matched);
    assert_eq!(nothing.terms.len(), 1);
    assert_eq!(nothing.terms[0].reason, TermReason::NothingSelector);
    let everything = Selector::everything().explain(&labels(&[]));
    assert!(everything.matched && everything.terms.is_empty());
}

#[test]
fn explain_serializes_for_the_ui() {
    let got = crate::json::ToJson::to_json(&parse_ok("tier!=fe,n>1").explain(&labels(&[("n", "3")])));
    let want = crate::json!({
        "matched": true,
        "terms": [
            {"term": "n>1", "matched": true, "reason": {"kind": "integerComparison", "value": 3, "bound": 1}},
            {"term": "tier!=fe", "matched": true, "reason": {"kind": "keyAbsent"}},
        ]
    });
    assert_eq!(got, want);
}

// ---------------------------------------------------------------------------------------------
// API LabelSelector

fn expression(key: &str, operator: &str, values: Option<&[&str]>) -> LabelSelectorRequirement {
    LabelSelectorRequirement {
        key: key.to_string(),
        operator: operator.to_string(),
        values: values.map(|v| v.iter().map(|s| s.to_string()).collect()),
    }
}

#[test]
fn label_selector_conversions() {
    // apimachinery pkg/apis/meta/v1/helpers_test.go TestLabelSelectorAsSelector, plus SPEC §1.6
    // API rows and empty-but-present fields.
    let match_labels = Some(labels(&[("foo", "bar")]));
    let match_expressions = Some(vec![expression("baz", "In", Some(&["qux", "norf"]))]);
    let cases: Vec<(Option<LabelSelector>, &str)> = vec![
        (None, NOTHING_DISPLAY),
        (Some(LabelSelector::default()), ""),
        (
            Some(LabelSelector {
                match_labels: match_labels.clone(),
                match_expressions: None,
            }),
            "foo=bar",
        ),
        (
            Some(LabelSelector {
                match_labels: None,
                match_expressions: match_expressions.clone(),
            }),
            "baz in (norf,qux)",
        ),
        (
            Some(LabelSelector {
                match_labels,
                match_expressions,
            }),
            "baz in (norf,qux),foo=bar",
        ),
        // SPEC §1.6: matchLabels {} + matchExpressions [] selects everything.
        (
            Some(LabelSelector {
                match_labels: Some(labels(&[])),
                match_expressions: Some(vec![]),
            }),
            "",
        ),
        (
            Some(LabelSelector {
                match_labels: None,
                match_expressions: Some(vec![
                    expression("b", "Exists", None),
                    expression("a", "DoesNotExist", Some(&[])),
                    expression("c", "NotIn", Some(&["y", "x", "y"])),
                ]),
            }),
            "!a,b,c notin (x,y)",
        ),
    ];
    let path = FieldPath::new("spec.selector");
    for (input, want) in cases {
        let sel = label_selector_as_selector(input.as_ref(), &path).unwrap();
        assert_eq!(sel.to_string(), want, "{input:?}");
    }
    let anything = labels(&[("x", "y")]);
    assert!(!label_selector_as_selector(None, &path)
        .unwrap()
        .matches(&anything));
    assert!(LabelSelector::default()
        .to_selector(&path)
        .unwrap()
        .matches(&anything));
}

#[test]
fn label_selector_errors() {
    // The upstream error case (Exists with values) plus the rest of ValidateLabelSelector.
    type Want = Vec<(FieldErrorKind, &'static str)>;
    let cases: Vec<(LabelSelector, Want)> = vec![
        (
            // apimachinery pkg/apis/meta/v1/helpers_test.go TestLabelSelectorAsSelector
            LabelSelector {
                match_labels: None,
                match_expressions: Some(vec![expression("baz", "Exists", Some(&["qux", "norf"]))]),
            },
            vec![(
                FieldErrorKind::Forbidden,
                "spec.selector.matchExpressions[0].values",
            )],
        ),
        (
            LabelSelector {
                match_labels: None,
                match_expressions: Some(vec![
                    expression("a", "In", Some(&["x"])),
                    expression("b", "Equals", Some(&["x"])),
                    expression("c", "In", None),
                    expression("d", "NotIn", Some(&[])),
                    expression("e", "DoesNotExist", Some(&["x"])),
                    expression("", "Exists", None),
                    expression("f", "In", Some(&["ok", "-bad"])),
                    expression("g", "in", Some(&["x"])),
                ]),
            },
            vec![
                (
                    FieldErrorKind::NotSupported,
                    "spec.selector.matchExpressions[1].operator",
                ),
                (
                    FieldErrorKind::Required,
                    "spec.selector.matchExpressions[2].values",
                ),
                (
                    FieldErrorKind::Required,
                    "spec.selector.matchExpressions[3].values",
                ),
                (
                    FieldErrorKind::Forbidden,
                    "spec.selector.matchExpressions[4].values",
                ),
                (FieldErrorKind::Invalid, "spec.selector.matchExpressions[5].key"),
                (FieldErrorKind::Invalid, "spec.selector.matchExpressions[5].key"),
                (
                    FieldErrorKind::Invalid,
                    "spec.selector.matchExpressions[6].values[1]",
                ),
                (
                    FieldErrorKind::NotSupported,
                    "spec.selector.matchExpressions[7].operator",
                ),
            ],
        ),
        (
            LabelSelector {
                match_labels: Some(labels(&[("Bad_", "ok"), ("app", "-web")])),
                match_expressions: None,
            },
            vec![
                (FieldErrorKind::Invalid, "spec.selector.matchLabels"),
                (FieldErrorKind::Invalid, "spec.selector.matchLabels[app]"),
            ],
        ),
    ];
    let path = FieldPath::new("spec.selector");
    for (input, want) in cases {
        let errs = input.to_selector(&path).unwrap_err();
        let got: Vec<(FieldErrorKind, &str)> = errs.iter().map(|e| (e.kind, e.path.as_str())).collect();
        assert_eq!(got, want, "{input:?}");
    }
    let errs = LabelSelector {
        match_labels: None,
        match_expressions: Some(vec![expression("a", "Gt", Some(&["1"]))]),
    }
    .to_selector(&path)
    .unwrap_err();
    assert_eq!(
        errs[0].to_string(),
        "spec.selector.matchExpressions[0].operator: Unsupported value: \"Gt\": supported values: \"In\", \
         \"NotIn\", \"Exists\", \"DoesNotExist\""
    );
}

#[test]
fn label_selector_json() {
    // Ours: the wire shape, including fields left out, unknown operators and null values.
    let cases: &[(&str, &str)] = &[
        (r#"{}"#, ""),
        (r#"{"matchLabels": {}, "matchExpressions": []}"#, ""),
        (
            r#"{"matchLabels": {"app": "web", "tier": "fe"}}"#,
            "app=web,tier=fe",
        ),
        (
            r#"{"matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["dev"]}]}"#,
            "env notin (dev)",
        ),
        (
            r#"{"matchExpressions": [{"key": "env", "operator": "Exists", "values": null}]}"#,
            "env",
        ),
    ];
    let path = FieldPath::new("spec.selector");
    for &(json, want) in cases {
        let sel: LabelSelector = serde_json::from_str(json).unwrap();
        assert_eq!(sel.to_selector(&path).unwrap().to_string(), want, "{json}");
    }
    // A missing operator is a validation error with a path, not a JSON error.
    let sel: LabelSelector = serde_json::from_str(r#"{"matchExpressions": [{"key": "env"}]}"#).unwrap();
    let errs = sel.to_selector(&path).unwrap_err();
    assert_eq!(
        errs[0].path.as_str(),
        "spec.selector.matchExpressions[0].operator"
    );
    // Serialisation leaves out what was absent.
    let out = crate::json::to_string(&crate::json::ToJson::to_json(&LabelSelector {
        match_labels: Some(labels(&[("app", "web")])),
        match_expressions: None,
    }));
    assert_eq!(out, r#"{"matchLabels":{"app":"web"}}"#);
}
