//! Pod → endpoint (SPEC §3.4, §2.11), targetPort resolution (§2.8) and served families, as tables.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::test_support::service;
use super::*;

fn pod() -> PodInput {
    PodInput {
        namespace: "default".into(),
        name: "web-0".into(),
        uid: "uid-0".into(),
        phase: PodPhase::Running,
        pod_ips: vec!["10.244.1.5".into()],
        deleting: false,
        ready: true,
        node_name: Some("node-a".into()),
        node: Some(NodeFacts {
            zone: Some("zone-a".into()),
        }),
        hostname: None,
        subdomain: None,
    }
}

/// Expected endpoint summary: (addresses, hostname, zone, ready, serving, terminating).
type Want = (
    Vec<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    bool,
    bool,
    bool,
);

enum Expect {
    Endpoint(Want),
    Skip(EndpointSkip),
    Error(&'static str),
}

struct Case {
    name: &'static str,
    pod: PodInput,
    publish_not_ready: bool,
    family: AddressType,
    expect: Expect,
}

fn with(f: impl FnOnce(&mut PodInput)) -> PodInput {
    let mut p = pod();
    f(&mut p);
    p
}

fn cases() -> Vec<Case> {
    use AddressType::{IPv4, IPv6};
    use Expect::*;
    let ok = |ready, serving, terminating| {
        Endpoint((
            vec!["10.244.1.5"],
            None,
            Some("zone-a"),
            ready,
            serving,
            terminating,
        ))
    };
    vec![
        Case {
            name: "running and ready",
            pod: pod(),
            publish_not_ready: false,
            family: IPv4,
            expect: ok(true, true, false),
        },
        Case {
            name: "not ready: ready=serving=false",
            pod: with(|p| p.ready = false),
            publish_not_ready: false,
            family: IPv4,
            expect: ok(false, false, false),
        },
        Case {
            name: "terminating pods are included, never ready",
            pod: with(|p| p.deleting = true),
            publish_not_ready: false,
            family: IPv4,
            expect: ok(false, true, true),
        },
        Case {
            name: "publishNotReadyAddresses: terminating is ready",
            pod: with(|p| p.deleting = true),
            publish_not_ready: true,
            family: IPv4,
            expect: ok(true, true, true),
        },
        Case {
            name: "publishNotReadyAddresses: not ready is ready, serving stays false",
            pod: with(|p| p.ready = false),
            publish_not_ready: true,
            family: IPv4,
            expect: ok(true, false, false),
        },
        Case {
            name: "Succeeded is skipped",
            pod: with(|p| p.phase = PodPhase::Succeeded),
            publish_not_ready: true,
            family: IPv4,
            expect: Skip(EndpointSkip::Terminal(PodPhase::Succeeded)),
        },
        Case {
            name: "Failed is skipped",
            pod: with(|p| p.phase = PodPhase::Failed),
            publish_not_ready: false,
            family: IPv4,
            expect: Skip(EndpointSkip::Terminal(PodPhase::Failed)),
        },
        Case {
            name: "Pending with an IP is included",
            pod: with(|p| {
                p.phase = PodPhase::Pending;
                p.ready = false
            }),
            publish_not_ready: false,
            family: IPv4,
            expect: ok(false, false, false),
        },
        Case {
            name: "no Pod IP",
            pod: with(|p| p.pod_ips.clear()),
            publish_not_ready: false,
            family: IPv4,
            expect: Skip(EndpointSkip::NoPodIp),
        },
        Case {
            name: "Node not in cache: skipped",
            pod: with(|p| p.node = None),
            publish_not_ready: false,
            family: IPv4,
            expect: Skip(EndpointSkip::NodeNotFound {
                node_name: Some("node-a".into()),
            }),
        },
        Case {
            name: "Node not in cache + publishNotReadyAddresses: published, no zone",
            pod: with(|p| p.node = None),
            publish_not_ready: true,
            family: IPv4,
            expect: Endpoint((vec!["10.244.1.5"], None, None, true, true, false)),
        },
        Case {
            name: "empty zone label: no zone",
            pod: with(|p| {
                p.node = Some(NodeFacts {
                    zone: Some(String::new()),
                })
            }),
            publish_not_ready: false,
            family: IPv4,
            expect: Endpoint((vec!["10.244.1.5"], None, None, true, true, false)),
        },
        Case {
            name: "IPv6 slice, IPv4-only Pod",
            pod: pod(),
            publish_not_ready: false,
            family: IPv6,
            expect: Skip(EndpointSkip::NoAddressOfFamily(IPv6)),
        },
        Case {
            name: "dual-stack Pod, IPv6 slice: canonical IPv6 text",
            pod: with(|p| p.pod_ips.push("FD00:0:0::0001".into())),
            publish_not_ready: false,
            family: IPv6,
            expect: Endpoint((vec!["fd00::1"], None, Some("zone-a"), true, true, false)),
        },
        Case {
            name: "IPv4 with leading zeros is read as decimal (ParseIPSloppy)",
            pod: with(|p| p.pod_ips = vec!["010.244.001.005".into()]),
            publish_not_ready: false,
            family: IPv4,
            expect: Endpoint((vec!["10.244.1.5"], None, Some("zone-a"), true, true, false)),
        },
        Case {
            name: "IPv4-mapped IPv6 counts as IPv4",
            pod: with(|p| p.pod_ips = vec!["::ffff:10.244.1.5".into()]),
            publish_not_ready: false,
            family: IPv4,
            expect: ok(true, true, false),
        },
        Case {
            name: "hostname set when subdomain is the Service",
            pod: with(|p| {
                p.hostname = Some("web-0".into());
                p.subdomain = Some("web".into())
            }),
            publish_not_ready: false,
            family: IPv4,
            expect: Endpoint((
                vec!["10.244.1.5"],
                Some("web-0"),
                Some("zone-a"),
                true,
                true,
                false,
            )),
        },
        Case {
            name: "hostname not set when subdomain is another Service",
            pod: with(|p| {
                p.hostname = Some("web-0".into());
                p.subdomain = Some("other".into())
            }),
            publish_not_ready: false,
            family: IPv4,
            expect: ok(true, true, false),
        },
        Case {
            name: "hostname not set when the Pod is in another namespace",
            pod: with(|p| {
                p.hostname = Some("web-0".into());
                p.subdomain = Some("web".into());
                p.namespace = "other".into()
            }),
            publish_not_ready: false,
            family: IPv4,
            expect: ok(true, true, false),
        },
        Case {
            name: "empty hostname is not set",
            pod: with(|p| {
                p.hostname = Some(String::new());
                p.subdomain = Some("web".into())
            }),
            publish_not_ready: false,
            family: IPv4,
            expect: ok(true, true, false),
        },
        Case {
            name: "bad Pod IP is an error",
            pod: with(|p| p.pod_ips = vec!["10.244.1".into()]),
            publish_not_ready: false,
            family: IPv4,
            expect: Error("status.podIPs[0].ip: Invalid value: \"10.244.1\": must be a valid IP address"),
        },
    ]
}

#[test]
fn pod_to_endpoint_table() {
    for c in cases() {
        let mut svc = service();
        svc.publish_not_ready_addresses = c.publish_not_ready;
        let got = pod_to_endpoint(&c.pod, &svc, c.family);
        match (got, c.expect) {
            (Ok(PodEndpoint::Endpoint(e)), Expect::Endpoint((addrs, host, zone, ready, serving, term))) => {
                assert_eq!(e.key.addresses(), &addrs[..], "{}", c.name);
                assert_eq!(e.key.hostname(), host, "{}", c.name);
                assert_eq!(e.zone.as_deref(), zone, "{}", c.name);
                let want = EndpointConditions {
                    ready,
                    serving,
                    terminating: term,
                };
                assert_eq!(e.conditions, want, "{}", c.name);
                assert_eq!(
                    (e.key.pod_namespace(), e.key.pod_name(), e.pod_uid.as_str()),
                    (c.pod.namespace.as_str(), "web-0", "uid-0")
                );
                assert_eq!(e.node_name.as_deref(), Some("node-a"), "{}", c.name);
            }
            (Ok(PodEndpoint::Skipped(s)), Expect::Skip(want)) => assert_eq!(s, want, "{}", c.name),
            (Err(e), Expect::Error(msg)) => assert_eq!(alloc::format!("{e}"), msg, "{}", c.name),
            (got, _) => panic!("{}: unexpected {got:?}", c.name),
        }
    }
}

#[test]
fn pod_endpoints_cover_every_served_family() {
    let mut svc = service();
    svc.address_types = vec![AddressType::IPv6, AddressType::IPv4];
    let p = with(|p| p.pod_ips.push("fd00::5".into()));
    let ports = vec![super::test_support::port("http", 80)];
    let got = pod_endpoints(&p, &svc, &ports).unwrap();
    let families: Vec<AddressType> = got.endpoints.iter().map(|d| d.address_type).collect();
    assert_eq!(families, vec![AddressType::IPv4, AddressType::IPv6]);
    assert!(got.skipped.is_empty() && got.endpoints.iter().all(|d| d.ports == ports));
}

fn sp(name: &str, target: TargetPort, protocol: Protocol) -> ServicePortSpec {
    ServicePortSpec {
        name: name.into(),
        target_port: target,
        protocol,
        app_protocol: None,
    }
}

fn cp(name: &str, port: i32, protocol: Protocol) -> ContainerPort {
    ContainerPort {
        name: name.into(),
        container_port: port,
        protocol,
    }
}

fn container(name: &str, ports: Vec<ContainerPort>) -> ContainerPorts {
    ContainerPorts {
        container: name.into(),
        ports,
    }
}

/// (case, Service ports, resolved (name, port) list, number of unresolved ports)
type PortCase = (
    &'static str,
    Vec<ServicePortSpec>,
    Vec<(&'static str, i32)>,
    usize,
);

#[test]
fn resolve_ports_table() {
    use Protocol::{Tcp, Udp};
    use TargetPort::{Name, Number};
    let pod_ports = PodPorts {
        containers: vec![
            container("app", vec![cp("http", 8080, Tcp), cp("dns", 5353, Udp)]),
            container("extra", vec![cp("http", 9090, Tcp), cp("metrics", 9100, Tcp)]),
        ],
        sidecars: vec![container(
            "proxy",
            vec![cp("admin", 15000, Tcp), cp("metrics", 15090, Tcp)],
        )],
    };
    let cases: Vec<PortCase> = vec![
        (
            "numeric targetPort used as is",
            vec![sp("web", Number(8443), Tcp)],
            vec![("web", 8443)],
            0,
        ),
        (
            "named: first container with name and protocol",
            vec![sp("web", Name("http".into()), Tcp)],
            vec![("web", 8080)],
            0,
        ),
        (
            "named: protocol must match",
            vec![sp("dns", Name("dns".into()), Tcp)],
            vec![],
            1,
        ),
        (
            "named: UDP matches UDP",
            vec![sp("dns", Name("dns".into()), Udp)],
            vec![("dns", 5353)],
            0,
        ),
        (
            "named: containers win over sidecars",
            vec![sp("m", Name("metrics".into()), Tcp)],
            vec![("m", 9100)],
            0,
        ),
        (
            "named: found only on a sidecar",
            vec![sp("a", Name("admin".into()), Tcp)],
            vec![("a", 15000)],
            0,
        ),
        (
            "named: unknown name omitted",
            vec![sp("x", Name("nope".into()), Tcp)],
            vec![],
            1,
        ),
        (
            "multi-port: unresolved ones are dropped, order kept",
            vec![
                sp("b", Name("nope".into()), Tcp),
                sp("a", Number(1), Tcp),
                sp("c", Name("http".into()), Tcp),
            ],
            vec![("a", 1), ("c", 8080)],
            1,
        ),
        ("no Service ports (headless)", vec![], vec![], 0),
    ];
    for (name, service_ports, want, unresolved) in cases {
        let got = resolve_ports(&service_ports, &pod_ports);
        let pairs: Vec<(&str, i32)> = got.ports.iter().map(|p| (p.name.as_str(), p.port)).collect();
        assert_eq!(pairs, want, "{name}");
        assert_eq!(got.outcomes.len(), service_ports.len(), "{name}");
        let n = got
            .outcomes
            .iter()
            .filter(|o| matches!(o, PortOutcome::Unresolved { .. }))
            .count();
        assert_eq!(n, unresolved, "{name}");
    }
}

#[test]
fn resolved_port_carries_service_port_fields() {
    let mut p = sp("web", TargetPort::Name("http".into()), Protocol::Tcp);
    p.app_protocol = Some("kubernetes.io/h2c".into());
    let pod_ports = PodPorts {
        containers: vec![],
        sidecars: vec![container("s", vec![cp("http", 81, Protocol::Tcp)])],
    };
    let got = resolve_ports(&[p], &pod_ports);
    let want = PortSpec {
        name: "web".into(),
        port: 81,
        protocol: Protocol::Tcp,
        app_protocol: Some("kubernetes.io/h2c".into()),
    };
    assert_eq!(got.ports, vec![want]);
    let outcome = PortOutcome::Named {
        service_port: "web".into(),
        container: "s".into(),
        sidecar: true,
        port: 81,
    };
    assert_eq!(got.outcomes, vec![outcome]);
}

#[test]
fn address_types_for_table() {
    use AddressType::{IPv4, IPv6};
    // es-utils getAddressTypesForService
    let cases: Vec<(&[AddressType], Option<&str>, Vec<AddressType>)> = vec![
        (&[IPv6, IPv4], Some("10.96.0.1"), vec![IPv4, IPv6]),
        (&[IPv6], None, vec![IPv6]),
        (&[], Some("10.96.0.1"), vec![IPv4]),
        (&[], Some("fd00::1"), vec![IPv6]),
        (&[], Some("None"), vec![IPv4, IPv6]),
        (&[], None, vec![IPv4, IPv6]),
    ];
    for (families, cluster_ip, want) in cases {
        assert_eq!(
            address_types_for(families, cluster_ip),
            want,
            "{families:?} {cluster_ip:?}"
        );
    }
}
