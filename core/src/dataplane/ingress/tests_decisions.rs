//! SPEC §11 decisions 1–5 and 13, one test (or more) each.

use alloc::format;
use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;

use crate::json;

use super::tests::*;
use super::*;
use crate::model::{Ingress, IngressClass};

// ---------------------------------------------------------------------------------------------
// SPEC §11 decisions

/// `(namespace or class name, name or controller, created_ms)`, in input order.
type Created = &'static [(&'static str, &'static str, u64)];

#[test]
fn decision_1_exact_beats_a_longer_prefix() {
    // SPEC §9 #1 / §11 #1: Exact `/foo` and Prefix `/foo/`, request `/foo`.
    let ingresses = [ing(
        "i",
        vec![rule(
            None,
            vec![p("/foo/", "Prefix", "prefix"), p("/foo", "Exact", "exact")],
        )],
        None,
    )];
    check(
        &ingresses,
        &[
            ("h", "/foo", "i /foo Exact -> exact"),
            ("h", "/foo/", "i /foo/ Prefix -> prefix"),
            ("h", "/foo/x", "i /foo/ Prefix -> prefix"),
        ],
    );
    let d = route(&ingresses, "h", "/foo");
    assert_eq!(kinds(&d), ["hostGroup", "pathMatched", "exactBeatsPrefix"]);
}

#[test]
fn decision_2_segments_then_length() {
    // SPEC §11 #2: `/foo/` beats `/foo` (same elements, longer string, SPEC §6.5 type docs);
    // `/foo/bar` beats `/foo/` (more elements).
    let ingresses = [ing(
        "i",
        vec![rule(
            None,
            vec![
                p("/foo", "Prefix", "foo"),
                p("/foo/", "Prefix", "foo-slash"),
                p("/foo/bar", "Prefix", "bar"),
            ],
        )],
        None,
    )];
    check(
        &ingresses,
        &[
            ("h", "/foo", "i /foo/ Prefix -> foo-slash"),
            ("h", "/foo/", "i /foo/ Prefix -> foo-slash"),
            ("h", "/foo/ba", "i /foo/ Prefix -> foo-slash"),
            ("h", "/foo/bar/baz", "i /foo/bar Prefix -> bar"),
        ],
    );
    let d = route(&ingresses, "h", "/foo/bar");
    let longer: Vec<(usize, usize, usize, usize)> = d
        .reasons
        .iter()
        .filter_map(|r| match r {
            IngressReason::LongerPrefix {
                candidate_segments,
                candidate_len,
                winner_segments,
                winner_len,
                ..
            } => Some((*candidate_segments, *candidate_len, *winner_segments, *winner_len)),
            _ => None,
        })
        .collect();
    assert_eq!(longer, [(2, 4, 3, 8), (2, 5, 3, 8)]);
}

#[test]
fn decision_3_most_specific_host_group_without_fall_through() {
    // SPEC §11 #3: precise, else wildcard, else no host; a path miss in the decisive group
    // goes to the default backend, never to a less specific group's path.
    let ingresses = [
        ing(
            "any",
            vec![rule(
                None,
                vec![p("/", "Prefix", "any-root"), p("/api", "Prefix", "any-api")],
            )],
            None,
        ),
        ing(
            "wild",
            vec![rule(Some("*.foo.com"), vec![p("/wild", "Prefix", "wild")])],
            Some("wild-default"),
        ),
        ing(
            "exact",
            vec![rule(Some("a.foo.com"), vec![p("/a", "Prefix", "a")])],
            None,
        ),
    ];
    check(
        &ingresses,
        &[
            ("a.foo.com", "/a/1", "exact /a Prefix -> a"),
            // No path of `a.foo.com` matches and its Ingress has no default: the catch-all
            // default is `wild`'s (the only defaultBackend), not the `/wild` or `/api` paths.
            ("a.foo.com", "/wild", "wild default -> wild-default"),
            ("a.foo.com", "/api", "wild default -> wild-default"),
            ("b.foo.com", "/wild/x", "wild /wild Prefix -> wild"),
            ("b.foo.com", "/api", "wild default -> wild-default"),
            ("x.b.foo.com", "/api", "any /api Prefix -> any-api"),
            ("foo.com", "/", "any / Prefix -> any-root"),
        ],
    );
    let d = route(&ingresses, "a.foo.com", "/a");
    assert_eq!(
        d.reasons[..3],
        [
            IngressReason::HostGroup {
                group: RuleHost::parse(Some("a.foo.com")).unwrap()
            },
            IngressReason::LessSpecificHostGroup {
                group: RuleHost::parse(Some("*.foo.com")).unwrap(),
                chosen: RuleHost::parse(Some("a.foo.com")).unwrap()
            },
            IngressReason::LessSpecificHostGroup {
                group: RuleHost::Any,
                chosen: RuleHost::parse(Some("a.foo.com")).unwrap()
            },
        ]
    );
    let d = route(&ingresses, "x.b.foo.com", "/api");
    assert_eq!(
        kinds(&d),
        [
            "hostGroup",
            "wildcardCoversOneLabel",
            "pathMatched",
            "longerPrefix"
        ]
    );
}

#[test]
fn decision_4_older_wins_a_duplicate_path_and_the_loser_is_reported() {
    // SPEC §11 #4 / §6.9 model building 1 and 4.
    let class = ingress_class("nginx", "k8s.io/ingress-nginx", true);
    let classes = [IngressClassInput {
        class: &class,
        created_ms: 0,
    }];
    // (namespace, name, created_ms) in input order → the winner's `namespace/name`.
    let cases: &[(Created, &str)] = &[
        (&[("default", "new", 20), ("default", "old", 10)], "default/old"),
        (&[("default", "old", 10), ("default", "new", 20)], "default/old"),
        // Equal times: `namespace/name` descending (ingress-nginx's `in > jn`).
        (&[("default", "a", 10), ("default", "b", 10)], "default/b"),
        (&[("a-ns", "x", 10), ("b-ns", "x", 10)], "b-ns/x"),
        // `a-b/x` vs `a/y` compare as strings: `-` < `/`, so `a/y` is greater and wins.
        (&[("a-b", "x", 10), ("a", "y", 10)], "a/y"),
    ];
    let key = |r: &IngressRef| format!("{}/{}", r.namespace, r.name);
    for &(created, winner) in cases {
        let ingresses: Vec<Ingress> = created
            .iter()
            .map(|(ns, name, _)| {
                from(json!({"metadata": {"name": name, "namespace": ns},
                            "spec": {"rules": [rule(Some("h.com"), vec![p("/x", "Prefix", name)])]}}))
            })
            .collect();
        let inputs: Vec<IngressInput> = ingresses
            .iter()
            .zip(created)
            .map(|(ingress, (_, _, ms))| IngressInput {
                ingress,
                created_ms: *ms,
            })
            .collect();
        let (router, warnings) = IngressRouter::build(&inputs, &classes, Some("k8s.io/ingress-nginx"));
        let (reference, _) = ReferenceMatcher::build(&inputs, &classes, Some("k8s.io/ingress-nginx"));
        let d = router.route("h.com", "/x/1");
        assert_eq!(reference.route("h.com", "/x/1"), d);
        assert_eq!(key(&d.answer.as_ref().unwrap().ingress), winner, "{created:?}");
        let [IngressWarning::Conflict { winner: w, loser }] = &warnings[..] else {
            panic!("{warnings:?}")
        };
        assert_eq!(key(&w.ingress), winner);
        assert_ne!(loser.ingress, w.ingress);
        let lost = d.reasons.iter().find_map(|r| match r {
            IngressReason::ConflictLost { candidate, older } => Some((candidate, older)),
            _ => None,
        });
        assert_eq!(lost, Some((loser, w)), "{created:?}");
    }
}

#[test]
fn decision_4_same_path_with_another_type_is_not_a_conflict() {
    // SPEC §6.9 model building 4: a different pathType is a separate location. Prefix and
    // ImplementationSpecific match alike, so the earlier answers (and it is said).
    let ingresses = [
        ing(
            "old",
            vec![rule(None, vec![p("/x", "ImplementationSpecific", "impl")])],
            None,
        ),
        ing(
            "new",
            vec![rule(
                None,
                vec![p("/x", "Prefix", "prefix"), p("/x", "Exact", "exact")],
            )],
            None,
        ),
    ];
    assert_eq!(warnings_of(&ingresses), []);
    check(
        &ingresses,
        &[
            ("h", "/x/y", "old /x ImplementationSpecific -> impl"),
            ("h", "/x", "new /x Exact -> exact"),
        ],
    );
    let d = route(&ingresses, "h", "/x/y");
    assert_eq!(
        kinds(&d),
        [
            "hostGroup",
            "pathMatched",
            "implementationSpecificAsPrefix",
            "samePathEarlierWins"
        ]
    );
}

#[test]
fn duplicate_paths_within_one_ingress_conflict_too() {
    let ingresses = [ing(
        "i",
        vec![
            rule(Some("h"), vec![p("/x", "Exact", "first")]),
            rule(Some("h"), vec![p("/x", "Exact", "second")]),
        ],
        None,
    )];
    let warnings = warnings_of(&ingresses);
    assert!(
        matches!(&warnings[..], [IngressWarning::Conflict { winner, loser }] if winner.rule == 0 && loser.rule == 1)
    );
    check(&ingresses, &[("h", "/x", "i /x Exact -> first")]);
}

#[test]
fn decision_5_the_newest_default_class_wins_with_a_warning() {
    // SPEC §6.7 (PR kubernetes#110974) / §11 #5. (classes with created_ms, the chosen one)
    let cases: &[(Created, &str)] = &[
        (&[("old", "ctl/a", 1), ("new", "ctl/b", 2)], "new"),
        (&[("new", "ctl/b", 2), ("old", "ctl/a", 1)], "new"),
        // Tie: the smaller name.
        (&[("b", "ctl/b", 5), ("a", "ctl/a", 5)], "a"),
    ];
    let classless = ing("classless", vec![rule(None, vec![p("/", "Prefix", "s")])], None);
    for &(spec, chosen) in cases {
        let classes: Vec<IngressClass> = spec.iter().map(|(n, c, _)| ingress_class(n, c, true)).collect();
        let inputs: Vec<IngressClassInput> = classes
            .iter()
            .zip(spec)
            .map(|(class, (_, _, ms))| IngressClassInput {
                class,
                created_ms: *ms,
            })
            .collect();
        let chosen_controller = spec.iter().find(|(n, _, _)| *n == chosen).unwrap().1;
        let ingresses = [IngressInput {
            ingress: &classless,
            created_ms: 0,
        }];
        for controller in ["ctl/a", "ctl/b"] {
            let (router, warnings) = IngressRouter::build(&ingresses, &inputs, Some(controller));
            let other = spec.iter().find(|(n, _, _)| *n != chosen).unwrap().0;
            assert_eq!(
                warnings[0],
                IngressWarning::SeveralDefaultClasses {
                    chosen: chosen.to_string(),
                    others: vec![other.to_string()]
                }
            );
            let routed = router.ingresses().count() == 1;
            assert_eq!(routed, controller == chosen_controller, "{spec:?} {controller}");
            if !routed {
                assert_eq!(
                    warnings[1],
                    IngressWarning::Skipped {
                        ingress: iref("classless"),
                        reason: SkipReason::DefaultClassOfOtherController {
                            class: chosen.to_string(),
                            controller: chosen_controller.to_string()
                        }
                    }
                );
            }
        }
    }
}

#[test]
fn decision_13_prefix_with_trailing_slash_follows_the_spec_and_notes_nginx() {
    // SPEC §6.4 row 7 / §9 #13 / §11 #13.
    let ingresses = [ing("i", vec![rule(None, vec![p("/foo/", "Prefix", "s")])], None)];
    check(
        &ingresses,
        &[
            ("h", "/foo", "i /foo/ Prefix -> s"),
            ("h", "/foo/", "i /foo/ Prefix -> s"),
        ],
    );
    let d = route(&ingresses, "h", "/foo");
    assert!(matches!(
        d.reasons.last(),
        Some(IngressReason::NginxTrailingSlashRedirect { status: 301, candidate }) if candidate.path == "/foo/"
    ));
    for path in ["/foo/", "/foo/bar"] {
        let d = route(&ingresses, "h", path);
        assert_eq!(kinds(&d), ["hostGroup", "pathMatched"], "{path}");
    }
}
