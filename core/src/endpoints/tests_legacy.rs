//! Legacy v1.Endpoints (SPEC §3.1), as tables.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::test_support::{port, service};
use super::*;

fn lpod(i: u32, ready: bool, ports: Vec<PortSpec>) -> LegacyPod {
    LegacyPod {
        pod: PodInput {
            namespace: "default".into(),
            name: format!("p{i}"),
            uid: format!("u{i}"),
            phase: PodPhase::Running,
            pod_ips: vec![format!("10.0.{}.{}", i / 256, i % 256)],
            deleting: false,
            ready,
            node_name: Some("n1".into()),
            node: None,
            hostname: None,
            subdomain: None,
        },
        ports,
    }
}

fn with(mut p: LegacyPod, f: impl FnOnce(&mut PodInput)) -> LegacyPod {
    f(&mut p.pod);
    p
}

/// A subset summarised as (ready pod names, not-ready pod names, port names).
type Summary = (Vec<String>, Vec<String>, Vec<String>);

fn summary(e: &LegacyEndpoints) -> Vec<Summary> {
    let names = |v: &Vec<EndpointAddress>| v.iter().map(|a| a.target_ref.name.clone()).collect();
    e.subsets
        .iter()
        .map(|s| {
            (
                names(&s.addresses),
                names(&s.not_ready_addresses),
                s.ports.iter().map(|p| format!("{}:{}", p.name, p.port)).collect(),
            )
        })
        .collect()
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| String::from(*x)).collect()
}

struct Case {
    name: &'static str,
    publish_not_ready: bool,
    headless: bool,
    has_ports: bool,
    family: Option<AddressType>,
    pods: Vec<LegacyPod>,
    subsets: Vec<Summary>,
    skipped: Vec<(&'static str, LegacySkipReason)>,
}

fn cases() -> Vec<Case> {
    let http = vec![port("http", 80)];
    let both = vec![port("http", 80), port("https", 443)];
    let v4 = Some(AddressType::IPv4);
    vec![
        Case {
            name: "ready and not-ready Pods share one subset",
            publish_not_ready: false,
            headless: false,
            has_ports: true,
            family: v4,
            pods: vec![
                lpod(2, true, http.clone()),
                lpod(1, true, http.clone()),
                lpod(3, false, http.clone()),
            ],
            subsets: vec![(s(&["p1", "p2"]), s(&["p3"]), s(&["http:80"]))],
            skipped: vec![],
        },
        Case {
            name: "terminating Pods are left out",
            publish_not_ready: false,
            headless: false,
            has_ports: true,
            family: v4,
            pods: vec![
                lpod(1, true, http.clone()),
                with(lpod(2, true, http.clone()), |p| p.deleting = true),
            ],
            subsets: vec![(s(&["p1"]), s(&[]), s(&["http:80"]))],
            skipped: vec![("p2", LegacySkipReason::Terminating)],
        },
        Case {
            name: "publishNotReadyAddresses: terminating and not-ready all in addresses",
            publish_not_ready: true,
            headless: false,
            has_ports: true,
            family: v4,
            pods: vec![
                lpod(1, true, http.clone()),
                with(lpod(2, true, http.clone()), |p| p.deleting = true),
                lpod(3, false, http.clone()),
            ],
            subsets: vec![(s(&["p1", "p2", "p3"]), s(&[]), s(&["http:80"]))],
            skipped: vec![],
        },
        Case {
            // endpoints_controller RepackSubsets: ports offered by the same addresses share a subset
            name: "repacked: {80,443} next to {80}",
            publish_not_ready: false,
            headless: false,
            has_ports: true,
            family: v4,
            pods: vec![lpod(1, true, both.clone()), lpod(2, true, http.clone())],
            subsets: vec![
                (s(&["p1", "p2"]), s(&[]), s(&["http:80"])),
                (s(&["p1"]), s(&[]), s(&["https:443"])),
            ],
            skipped: vec![],
        },
        Case {
            name: "repacked: different numbers for one named port split subsets",
            publish_not_ready: false,
            headless: false,
            has_ports: true,
            family: v4,
            pods: vec![
                lpod(1, true, http.clone()),
                lpod(2, true, vec![port("http", 8080)]),
            ],
            subsets: vec![
                (s(&["p1"]), s(&[]), s(&["http:80"])),
                (s(&["p2"]), s(&[]), s(&["http:8080"])),
            ],
            skipped: vec![],
        },
        Case {
            name: "headless without ports: one portless subset",
            publish_not_ready: false,
            headless: true,
            has_ports: false,
            family: v4,
            pods: vec![lpod(1, true, vec![]), lpod(2, false, vec![])],
            subsets: vec![(s(&["p1"]), s(&["p2"]), s(&[]))],
            skipped: vec![],
        },
        Case {
            name: "not headless without ports: nothing",
            publish_not_ready: false,
            headless: false,
            has_ports: false,
            family: v4,
            pods: vec![lpod(1, true, vec![])],
            subsets: vec![],
            skipped: vec![("p1", LegacySkipReason::NoServicePorts)],
        },
        Case {
            name: "no port resolved for a Pod: left out",
            publish_not_ready: false,
            headless: false,
            has_ports: true,
            family: v4,
            pods: vec![lpod(1, true, vec![]), lpod(2, true, http.clone())],
            subsets: vec![(s(&["p2"]), s(&[]), s(&["http:80"]))],
            skipped: vec![("p1", LegacySkipReason::NoResolvedPorts)],
        },
        Case {
            name: "terminal, IP-less and wrong-family Pods are left out",
            publish_not_ready: true,
            headless: false,
            has_ports: true,
            family: Some(AddressType::IPv6),
            pods: vec![
                with(lpod(1, true, http.clone()), |p| p.phase = PodPhase::Failed),
                with(lpod(2, true, http.clone()), |p| p.pod_ips.clear()),
                lpod(3, true, http.clone()),
                with(lpod(4, true, http.clone()), |p| p.pod_ips.push("fd00::4".into())),
            ],
            subsets: vec![(s(&["p4"]), s(&[]), s(&["http:80"]))],
            skipped: vec![
                ("p1", LegacySkipReason::Terminal(PodPhase::Failed)),
                ("p2", LegacySkipReason::NoPodIp),
                ("p3", LegacySkipReason::NoAddressOfFamily(AddressType::IPv6)),
            ],
        },
        Case {
            name: "old API server, headless: the Pod's primary IP decides the family",
            publish_not_ready: false,
            headless: true,
            has_ports: true,
            family: None,
            pods: vec![
                lpod(1, true, http.clone()),
                with(lpod(2, true, http.clone()), |p| {
                    p.pod_ips = vec!["fd00::2".into()]
                }),
            ],
            subsets: vec![(s(&["p1", "p2"]), s(&[]), s(&["http:80"]))],
            skipped: vec![],
        },
    ]
}

#[test]
fn legacy_endpoints_table() {
    for c in cases() {
        let mut svc = service();
        svc.publish_not_ready_addresses = c.publish_not_ready;
        svc.headless = c.headless;
        let input = LegacyInput {
            service: &svc,
            has_service_ports: c.has_ports,
            family: c.family,
            pods: &c.pods,
        };
        let got = build_endpoints(&input).unwrap();
        assert_eq!(summary(&got), c.subsets, "{}", c.name);
        let skipped: Vec<(&str, LegacySkipReason)> = got
            .skipped
            .iter()
            .map(|k| (k.pod.as_str(), k.reason.clone()))
            .collect();
        assert_eq!(skipped, c.skipped, "{}", c.name);
        assert!(
            got.annotations.is_empty() && got.truncation.is_none(),
            "{}",
            c.name
        );
        assert_eq!(got.name, "web", "{}", c.name);
    }
}

#[test]
fn address_fields_and_labels() {
    let mut svc = service();
    svc.headless = true;
    let pod = with(lpod(1, true, vec![port("http", 80)]), |p| {
        p.hostname = Some("h1".into());
        p.subdomain = Some("web".into());
        p.pod_ips = vec!["010.0.0.1".into()];
    });
    let input = LegacyInput {
        service: &svc,
        has_service_ports: true,
        family: Some(AddressType::IPv4),
        pods: &[pod],
    };
    let got = build_endpoints(&input).unwrap();
    let a = &got.subsets[0].addresses[0];
    // upstream publishes the Pod IP string as written
    assert_eq!(
        (a.ip.as_str(), a.hostname.as_deref(), a.node_name.as_deref()),
        ("010.0.0.1", Some("h1"), Some("n1"))
    );
    assert_eq!(
        a.target_ref,
        PodRef {
            namespace: "default".into(),
            name: "p1".into(),
            uid: "u1".into()
        }
    );
    assert_eq!(got.labels.get(LABEL_HEADLESS).map(String::as_str), Some(""));
    assert_eq!(got.labels.get("app").map(String::as_str), Some("web"));

    let mut plain = service();
    plain.labels.insert(LABEL_HEADLESS.into(), String::new());
    let input = LegacyInput {
        service: &plain,
        has_service_ports: true,
        family: Some(AddressType::IPv4),
        pods: &[],
    };
    assert!(
        !build_endpoints(&input)
            .unwrap()
            .labels
            .contains_key(LABEL_HEADLESS),
        "removed when not headless"
    );
}

fn subsets_of(counts: &[(usize, usize)]) -> Vec<EndpointSubset> {
    let mut next = 0u32;
    let mut addr = || {
        next += 1;
        EndpointAddress {
            ip: format!("10.1.{}.{}", next / 256, next % 256),
            hostname: None,
            node_name: None,
            target_ref: PodRef {
                namespace: "default".into(),
                name: format!("p{next}"),
                uid: format!("u{next}"),
            },
        }
    };
    counts
        .iter()
        .enumerate()
        .map(|(i, &(r, n))| EndpointSubset {
            addresses: (0..r).map(|_| addr()).collect(),
            not_ready_addresses: (0..n).map(|_| addr()).collect(),
            ports: vec![port("p", 1000 + i as i32)],
        })
        .collect()
}

/// (case, (ready, notReady) per subset before, list trimmed, (ready, notReady) after)
type TruncationCase = (
    &'static str,
    Vec<(usize, usize)>,
    Option<Trimmed>,
    Vec<(usize, usize)>,
);

#[test]
fn truncation_table() {
    // endpoints_controller truncateEndpoints; (ready, notReady) per subset before → after
    let cases: Vec<TruncationCase> = vec![
        (
            "exactly 1000: untouched",
            vec![(600, 0), (300, 100)],
            None,
            vec![(600, 0), (300, 100)],
        ),
        (
            "ready fits: trim notReady only",
            vec![(600, 0), (300, 200)],
            Some(Trimmed::NotReady),
            vec![(600, 0), (300, 100)],
        ),
        (
            "notReady trimmed proportionally, ceil, capped by what is left",
            vec![(700, 100), (0, 200), (0, 100)],
            Some(Trimmed::NotReady),
            vec![(700, 75), (0, 150), (0, 75)],
        ),
        (
            "ready over 1000: drop all notReady, trim ready (last subset gets the rest)",
            vec![(800, 10), (400, 5)],
            Some(Trimmed::Ready),
            vec![(667, 0), (333, 0)],
        ),
        (
            "ready exactly 1000 plus notReady: drop notReady",
            vec![(1000, 3)],
            Some(Trimmed::NotReady),
            vec![(1000, 0)],
        ),
        (
            "three ready subsets",
            vec![(500, 0), (500, 0), (500, 0)],
            Some(Trimmed::Ready),
            vec![(334, 0), (334, 0), (332, 0)],
        ),
    ];
    for (name, before, trimmed, after) in cases {
        let mut subsets = subsets_of(&before);
        let original = subsets.clone();
        let t = truncate_subsets(&mut subsets);
        assert_eq!(t.as_ref().map(|t| t.trimmed), trimmed, "{name}");
        let got: Vec<(usize, usize)> = subsets
            .iter()
            .map(|s| (s.addresses.len(), s.not_ready_addresses.len()))
            .collect();
        assert_eq!(got, after, "{name}");
        for (s, o) in subsets.iter().zip(&original) {
            assert_eq!(
                s.addresses[..],
                o.addresses[..s.addresses.len()],
                "{name}: first entries kept"
            );
            assert_eq!(
                s.not_ready_addresses[..],
                o.not_ready_addresses[..s.not_ready_addresses.len()],
                "{name}"
            );
        }
        if let Some(t) = t {
            assert!(
                t.ready_after + t.not_ready_after <= MAX_ENDPOINTS_PER_OBJECT,
                "{name}"
            );
        }
    }
}

#[test]
fn over_capacity_annotation_follows_the_count() {
    let svc = service();
    for (pods, annotated) in [(1000u32, false), (1001, true)] {
        let list: Vec<LegacyPod> = (0..pods)
            .map(|i| lpod(i, i % 2 == 0, vec![port("http", 80)]))
            .collect();
        let input = LegacyInput {
            service: &svc,
            has_service_ports: true,
            family: Some(AddressType::IPv4),
            pods: &list,
        };
        let got = build_endpoints(&input).unwrap();
        assert_eq!(
            got.annotations.get(ANNOTATION_OVER_CAPACITY).map(String::as_str),
            annotated.then_some("truncated")
        );
        assert_eq!(got.address_count(), 1000);
        let ready: usize = got.subsets.iter().map(|s| s.addresses.len()).sum();
        assert_eq!(ready, (pods as usize).div_ceil(2), "all ready kept");
    }
}

#[test]
fn bad_pod_ip_is_an_error() {
    let svc = service();
    let pods = [with(lpod(1, true, vec![port("http", 80)]), |p| {
        p.pod_ips = vec!["nope".into()]
    })];
    let input = LegacyInput {
        service: &svc,
        has_service_ports: true,
        family: Some(AddressType::IPv4),
        pods: &pods,
    };
    let err = build_endpoints(&input).unwrap_err();
    assert_eq!(
        format!("{err}"),
        "pods[0].status.podIPs[0].ip: Invalid value: \"nope\": must be a valid IP address"
    );
}
