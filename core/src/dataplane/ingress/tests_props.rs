//! Properties: the compiled router and the linear reference give identical decisions (answer
//! and reasons) for random rule sets and requests; `lookup` agrees with `route`; the input
//! order of Ingresses does not matter; wildcards cover exactly one label (SPEC §10 #10).

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::json;
use crate::json::Value;
use proptest::prelude::*;

use super::tests::{from, p};
use super::*;
use crate::model::{Ingress, IngressClass};

const HOSTS: [Option<&str>; 7] = [
    None,
    Some("x.com"),
    Some("*.x.com"),
    Some("a.x.com"),
    Some("b.a.x.com"),
    Some("*.a.x.com"),
    // Longer than a word (8 bytes): the fast host hash reads several.
    Some("a-longer-host.x.com"),
];
const REQUEST_HOSTS: [&str; 10] = [
    "x.com",
    "a.x.com",
    "A.X.com:80",
    "b.a.x.com",
    "c.b.a.x.com",
    "y.com",
    "x.com.",
    "z.a.x.com",
    "a-longer-host.x.com",
    "A-LONGER-host.x.com.",
];
/// Few segments, so that random paths often share elements; `ab` vs `a` makes partial
/// segments, `""` makes `//`; the last two are one word (8 bytes) and more than two long, for
/// the fast path's word-at-a-time scan.
const SEGMENTS: [&str; 6] = ["a", "ab", "b", "", "abcdefgh", "abcdefgh-12345678"];

fn segment() -> impl Strategy<Value = usize> {
    prop_oneof![
        5 => Just(0usize),
        3 => Just(1usize),
        1 => Just(2usize),
        1 => Just(3usize),
        1 => Just(4usize),
        1 => Just(5usize),
    ]
}
const TYPES: [&str; 3] = ["Exact", "Prefix", "ImplementationSpecific"];

#[derive(Clone, Debug)]
struct Spec {
    namespace: u8,
    created_ms: u64,
    rules: Vec<(usize, Vec<(String, usize)>)>,
    default_backend: bool,
    tls: Vec<usize>,
}

/// `/`, or 1–3 segments with an optional trailing `/`; now and then an empty path.
fn rule_path() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just(String::new()),
        2 => Just(String::from("/")),
        12 => (proptest::collection::vec(segment(), 1..4), any::<bool>()).prop_map(|(segs, slash)| {
            let mut path: String = segs.iter().map(|&s| format!("/{}", SEGMENTS[s])).collect();
            if slash {
                path.push('/');
            }
            path
        }),
    ]
}

fn request_path() -> impl Strategy<Value = String> {
    (proptest::collection::vec(segment(), 0..5), any::<bool>(), 0..10u8).prop_map(|(segs, slash, extra)| {
        let mut path: String = segs.iter().map(|&s| format!("/{}", SEGMENTS[s])).collect();
        if slash {
            path.push('/');
        }
        // Segments that extend rule segments ("abc" vs "ab"), queries, fragments and odd forms.
        match extra {
            0 => path.push_str("/abc"),
            1 => path.push_str("?q=/a"),
            2 => path = format!("a{path}"),
            3 => path.push_str("#frag/a"),
            4 => path.push('?'),
            _ => {}
        }
        path
    })
}

fn spec() -> impl Strategy<Value = Spec> {
    let path = (rule_path(), 0..TYPES.len());
    let rule = (0..HOSTS.len(), proptest::collection::vec(path, 0..6));
    (
        0..2u8,
        0..3u64,
        proptest::collection::vec(rule, 0..3),
        proptest::bool::weighted(0.3),
        proptest::collection::vec(1..HOSTS.len(), 0..2),
    )
        .prop_map(|(namespace, created_ms, rules, default_backend, tls)| Spec {
            namespace,
            created_ms,
            rules,
            default_backend,
            tls,
        })
}

fn to_ingress(i: usize, spec: &Spec) -> Ingress {
    let rules: Vec<Value> = spec
        .rules
        .iter()
        .enumerate()
        .map(|(r, (host, paths))| {
            let paths: Vec<Value> = paths
                .iter()
                .enumerate()
                .map(|(j, (path, t))| p(path, TYPES[*t], &format!("s{i}-{r}-{j}")))
                .collect();
            let mut v = json!({"http": {"paths": paths}});
            if let Some(h) = HOSTS[*host] {
                v["host"] = json!(h);
            }
            v
        })
        .collect();
    let mut v = json!({"metadata": {"name": format!("i{i}"), "namespace": format!("ns{}", spec.namespace)},
                       "spec": {"rules": rules}});
    if spec.default_backend {
        v["spec"]["defaultBackend"] = json!({"service": {"name": format!("d{i}"), "port": {"number": 80}}});
    }
    let tls: Vec<Value> = spec
        .tls
        .iter()
        .map(|&h| json!({"hosts": [HOSTS[h]], "secretName": format!("c{i}")}))
        .collect();
    if !tls.is_empty() {
        v["spec"]["tls"] = json!(tls);
    }
    from(v)
}

fn default_class() -> IngressClass {
    from(
        json!({"metadata": {"name": "nginx", "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
                "spec": {"controller": "k8s.io/ingress-nginx"}}),
    )
}

fn inputs<'a>(ingresses: &'a [Ingress], specs: &[Spec]) -> Vec<IngressInput<'a>> {
    ingresses
        .iter()
        .zip(specs)
        .map(|(ingress, s)| IngressInput {
            ingress,
            created_ms: s.created_ms,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn router_agrees_with_the_reference(
        specs in proptest::collection::vec(spec(), 1..5),
        requests in proptest::collection::vec((0..REQUEST_HOSTS.len(), request_path()), 1..12),
    ) {
        let ingresses: Vec<Ingress> = specs.iter().enumerate().map(|(i, s)| to_ingress(i, s)).collect();
        let class = default_class();
        let classes = [IngressClassInput { class: &class, created_ms: 0 }];
        let inputs = inputs(&ingresses, &specs);
        let (router, warnings) = IngressRouter::build(&inputs, &classes, Some("k8s.io/ingress-nginx"));
        let (reference, reference_warnings) = ReferenceMatcher::build(&inputs, &classes, Some("k8s.io/ingress-nginx"));
        prop_assert_eq!(warnings, reference_warnings);
        for (h, path) in &requests {
            let host = REQUEST_HOSTS[*h];
            let d = router.route(host, path);
            prop_assert_eq!(&reference.route(host, path), &d, "{} {}", host, path);
            let fast = router.lookup(host, path).map(|t| (t.ingress, t.backend, t.default));
            let slow = d.answer.as_ref().map(|a| (&a.ingress, &a.backend, a.default));
            prop_assert_eq!(fast, slow);
            prop_assert_eq!(router.tls_for(host), reference.tls_for(host));
        }
    }

    #[test]
    fn input_order_does_not_matter(
        specs in proptest::collection::vec(spec(), 1..5),
        requests in proptest::collection::vec((0..REQUEST_HOSTS.len(), request_path()), 1..8),
    ) {
        let ingresses: Vec<Ingress> = specs.iter().enumerate().map(|(i, s)| to_ingress(i, s)).collect();
        let class = default_class();
        let classes = [IngressClassInput { class: &class, created_ms: 0 }];
        let forward = inputs(&ingresses, &specs);
        let mut backward = forward.clone();
        backward.reverse();
        let (a, _) = IngressRouter::build(&forward, &classes, None);
        let (b, _) = IngressRouter::build(&backward, &classes, None);
        for (h, path) in &requests {
            let host = REQUEST_HOSTS[*h];
            prop_assert_eq!(a.route(host, path), b.route(host, path));
        }
    }

    /// SPEC §10 #10: `*.a.b` never matches `a.b` nor names with two or more extra labels.
    #[test]
    fn wildcards_cover_exactly_one_label(
        suffix in proptest::collection::vec("[a-z]{1,3}", 1..3),
        extra in proptest::collection::vec("[a-z0-9]{1,3}", 0..4),
    ) {
        let suffix = suffix.join(".");
        let host = if extra.is_empty() { suffix.clone() } else { format!("{}.{}", extra.join("."), suffix) };
        let wildcard = RuleHost::parse(Some(&format!("*.{suffix}"))).unwrap();
        prop_assert_eq!(wildcard.matches(&host), extra.len() == 1);
        let ingress: Ingress = from(json!({"metadata": {"name": "w"}, "spec": {"rules": [
            {"host": format!("*.{suffix}"), "http": {"paths": [p("/", "Prefix", "s")]}}]}}));
        prop_assert_eq!(IngressRouter::build_all(&[&ingress]).0.lookup(&host, "/").is_some(), extra.len() == 1);
    }
}

proptest! {
    /// The hot-path splitter is `str::split('/')`.
    #[test]
    fn segments_split_like_str_split(s in "[ab/]{0,10}") {
        let ours: Vec<&str> = super::index::segments(&s).collect();
        let std: Vec<&str> = s.split('/').collect();
        prop_assert_eq!(ours, std);
    }

    /// The fast path's scanner ends a segment where `split` on `/`, `?` and `#` would, and
    /// hashes it as `hash` does, from every start (words read whole, across the end, and the
    /// tail of strings shorter than a word).
    #[test]
    fn scan_segment_splits_and_hashes_like_the_slow_path(s in "[ab/?#é]{0,12}|[ab/]{14,40}") {
        use super::index::{hash, head, scan_segment, Scanned};
        for start in (0..=s.len()).filter(|&i| s.is_char_boundary(i)) {
            let rest = &s[start..];
            let segment = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
            let expected = Scanned {
                end: start + segment.len(),
                hash: hash(segment),
                head: head(segment.as_bytes()),
            };
            prop_assert_eq!(scan_segment(s.as_bytes(), start), expected, "{:?} from {}", s, start);
        }
    }

    /// The fast host hash answers for exactly the hosts `request_host` leaves as they are,
    /// with their `hash` (`@`, `[` and `z` border the upper-case range; `É` is not ASCII).
    #[test]
    fn plain_host_hash_takes_exactly_the_plain_hosts(s in "[a-cA-CZz@\\[éÉ.:]{0,20}") {
        use super::index::{hash, plain_host_hash};
        let plain = !s.bytes().any(|b| b.is_ascii_uppercase() || b == b':') && !s.ends_with('.');
        prop_assert_eq!(plain_host_hash(&s), plain.then(|| hash(&s)), "{:?}", s);
        if plain {
            prop_assert_eq!(request_host(&s), s.as_str());
        }
    }

    /// The hashed map answers exactly like a `BTreeMap` of the same keys (short keys collide in
    /// their home slot often at this size, so probing is exercised); of a repeated key, the
    /// first value stays, as `entry().or_insert` keeps it.
    #[test]
    fn str_map_finds_exactly_its_keys(
        keys in proptest::collection::vec("[a-c.]{0,9}", 0..40),
        probes in proptest::collection::vec("[a-c.]{0,9}", 0..40),
    ) {
        let mut map: alloc::collections::BTreeMap<String, usize> = alloc::collections::BTreeMap::new();
        for (key, value) in keys.iter().cloned().zip(0..) {
            map.entry(key).or_insert(value);
        }
        let index = super::index::StrMap::new(keys.iter().cloned().zip(0..).collect());
        for key in keys.iter().chain(&probes) {
            prop_assert_eq!(index.get(key), map.get(key));
        }
    }
}

#[test]
fn probing_starts_at_the_home_scaled_from_the_high_bits_and_wraps() {
    use super::index::probe;
    // (key, table length, slots visited)
    let cases: [(u64, usize, &[usize]); 5] = [
        (u64::MAX, 4, &[3, 0, 1, 2]),
        (0, 4, &[0, 1, 2, 3]),
        (1 << 63, 3, &[1, 2, 0]),
        (u64::MAX, 1, &[0]),
        (42, 0, &[]),
    ];
    for (key, len, visited) in cases {
        assert_eq!(probe(key, len).collect::<Vec<_>>(), visited, "{key:#x} in {len}");
    }
}

#[test]
fn byte_equality() {
    // The confirmation after a hash hit: it alone tells colliding keys apart. Compared 8 bytes
    // at a time, then the tail.
    let long = "a-segment-longer-than-thirty-two-bytes";
    let cases = [
        ("", "", true),
        ("a", "a", true),
        ("ab", "ba", false),
        ("a", "ab", false),
        (long, long, true),
        ("abcdefgh", "abcdefgh", true),
        ("abcdefgh", "abcdefgi", false),
        ("abcdefgh1", "bbcdefgh1", false),
        ("abcdefgh1", "abcdefgh2", false),
        ("a\0", "a", false),
    ];
    for (a, b, want) in cases {
        assert_eq!(
            super::index::same(a.as_bytes(), b.as_bytes()),
            want,
            "{a:?} {b:?}"
        );
    }
    assert!(!super::index::same(
        long.as_bytes(),
        "a-segment-longer-than-thirty-two-bytez".as_bytes()
    ));
}
