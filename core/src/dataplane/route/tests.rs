//! End-to-end routes: the examples, the seed's scenarios and the access paths of SPEC §8, as a
//! table of (cluster, request, expected verdict, expected hops).

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::*;
use crate::cluster::{Cluster, ClusterConfig};
use crate::examples::{self, examples};
use crate::model::{Kind, Object};

pub(super) fn load(yaml: &str) -> Cluster {
    load_with(yaml, ClusterConfig::default())
}

pub(super) fn load_with(yaml: &str, config: ClusterConfig) -> Cluster {
    let mut c = Cluster::new(config).unwrap();
    let objects = crate::manifest::parse_manifests(yaml)
        .unwrap()
        .into_iter()
        .map(|m| m.object)
        .collect();
    c.apply(objects).unwrap();
    c.advance(10_000);
    c
}

pub(super) fn kinds(trace: &Trace) -> Vec<&'static str> {
    trace.hops.iter().map(Hop::kind).collect()
}

pub(super) fn external(url: &str) -> Request {
    Request::get(Source::External { client_ip: None }, url)
}

pub(super) fn from_pod(ns: &str, name: &str, url: &str) -> Request {
    Request::get(
        Source::Pod {
            namespace: ns.to_string(),
            name: name.to_string(),
        },
        url,
    )
}

pub(super) fn cluster_ip(c: &Cluster, ns: &str, name: &str) -> String {
    match c.get(Kind::Service, Some(ns), name) {
        Some(Object::Service(s)) => s.spec.cluster_ip.clone().unwrap(),
        _ => panic!("no Service {ns}/{name}"),
    }
}

/// What a case expects of the verdict.
#[derive(Debug)]
pub(super) enum Expect {
    /// Delivered to a pod whose name starts with this.
    Pod(&'static str),
    Http(u16),
    Rejected,
    Dropped,
    /// `NoRoute` with this reason kind (its JSON `kind`).
    NoRoute(&'static str),
    Dns,
    Left(&'static str),
}

pub(super) fn check(name: &str, trace: &Trace, expect: &Expect) {
    let reason_kind = |v: &Verdict| {
        let value = crate::json::ToJson::to_json(&v);
        value["why"]["kind"].as_str().unwrap_or_default().to_string()
    };
    let ok = match (expect, &trace.verdict) {
        (Expect::Pod(prefix), Verdict::Delivered { pod, .. }) => pod.name.starts_with(prefix),
        (Expect::Http(want), Verdict::Http { status, .. }) => want == status,
        (Expect::Rejected, Verdict::Rejected { .. }) => true,
        (Expect::Dropped, Verdict::Dropped { .. }) => true,
        (Expect::NoRoute(kind), v @ Verdict::NoRoute { .. }) => reason_kind(v) == *kind,
        (Expect::Dns, Verdict::DnsFailure { .. }) => true,
        (Expect::Left(want), Verdict::LeftCluster { host }) => host == want,
        _ => false,
    };
    assert!(ok, "{name}: expected {expect:?}, got {:?}", trace.verdict);
}

#[test]
fn every_example_reaches_its_pod() {
    for ex in examples() {
        let mut c = load(ex.yaml);
        let trace = c.route(&ex.request).unwrap();
        match &trace.verdict {
            Verdict::Delivered { pod, .. } => {
                assert!(
                    pod.name.starts_with(ex.expect_pod_prefix),
                    "{}: {}",
                    ex.id,
                    pod.name
                )
            }
            Verdict::LeftCluster { .. } => assert_eq!(ex.expect_pod_prefix, "", "{}", ex.id),
            other => panic!("{}: {other:?}", ex.id),
        }
    }
}

/// A ClusterIP Service, a client pod in `default` and one in `other`.
pub(super) const CLUSTER_IP_YAML: &str = r#"
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: http}]}
---
apiVersion: v1
kind: Service
metadata: {name: nobody}
spec: {selector: {app: nobody}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {containers: [{name: curl, image: curlimages/curl}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: other}
spec: {containers: [{name: curl, image: curlimages/curl}]}
"#;

#[test]
fn access_paths_end_to_end() {
    struct Case {
        name: &'static str,
        yaml: &'static str,
        request: Request,
        expect: Expect,
        hops: &'static [&'static str],
    }
    let case = |name, yaml, request, expect, hops| Case {
        name,
        yaml,
        request,
        expect,
        hops,
    };
    let pf = |cmd: &str, url: &str| Request::get(Source::PortForward(PortForward::parse(cmd).unwrap()), url);
    let kube = &["client", "dns", "service", "kubeProxy", "endpoint", "pod"][..];
    let cases = [
        // The seed: `<node-ip>:<nodePort>`, on every node (SPEC §2.4, §8).
        case(
            "seed NodePort on node-1",
            examples::NODEPORT_YAML,
            external("172.18.0.2:31000/books"),
            Expect::Pod("books-"),
            &["client", "node", "service", "kubeProxy", "endpoint", "pod"],
        ),
        case(
            "seed NodePort on node-3",
            examples::NODEPORT_YAML,
            external("http://172.18.0.4:31000/books"),
            Expect::Pod("books-"),
            &["client", "node", "service", "kubeProxy", "endpoint", "pod"],
        ),
        case(
            "a node port nothing listens on",
            examples::NODEPORT_YAML,
            external("172.18.0.2:31001/books"),
            Expect::Rejected,
            &["client"],
        ),
        // The seed: `kubectl port-forward svc/my-service 8000:80` (SPEC §8).
        case(
            "seed port-forward",
            examples::PORT_FORWARD_YAML,
            pf(
                "kubectl port-forward svc/my-service 8000:80",
                "http://localhost:8000/",
            ),
            Expect::Pod("my-app-"),
            &["client", "portForward", "pod"],
        ),
        case(
            "port-forward: another local port",
            examples::PORT_FORWARD_YAML,
            pf("svc/my-service 8000:80", "http://localhost:8001/"),
            Expect::Rejected,
            &["client"],
        ),
        case(
            "port-forward: no such Service port",
            examples::PORT_FORWARD_YAML,
            pf("svc/my-service 8000:81", "http://localhost:8000/"),
            Expect::NoRoute("noServicePort"),
            &["client", "portForward"],
        ),
        case(
            "port-forward: no such Service",
            examples::PORT_FORWARD_YAML,
            pf("svc/nope 8000:80", "http://127.0.0.1:8000/"),
            Expect::NoRoute("targetNotFound"),
            &["client"],
        ),
        case(
            "port-forward to a Deployment",
            examples::PORT_FORWARD_YAML,
            pf("deploy/my-app 9000:8080", "http://127.0.0.1:9000/"),
            Expect::Pod("my-app-"),
            &["client", "portForward", "pod"],
        ),
        // The seed: a headless StatefulSet with stable DNS (SPEC §4, §5.1, §8).
        case(
            "StatefulSet pod by short name",
            examples::STATEFULSET_YAML,
            from_pod("default", "client", "http://web-0.nginx/"),
            Expect::Pod("web-0"),
            &["client", "dns", "pod"],
        ),
        case(
            "StatefulSet pod by FQDN",
            examples::STATEFULSET_YAML,
            from_pod(
                "default",
                "client",
                "http://web-2.nginx.default.svc.cluster.local/",
            ),
            Expect::Pod("web-2"),
            &["client", "dns", "pod"],
        ),
        case(
            "headless name: the client picks an A record",
            examples::STATEFULSET_YAML,
            from_pod("default", "client", "http://nginx/"),
            Expect::Pod("web-"),
            &["client", "dns", "pod"],
        ),
        case(
            "no such ordinal",
            examples::STATEFULSET_YAML,
            from_pod("default", "client", "http://web-7.nginx/"),
            Expect::Dns,
            &["client", "dns"],
        ),
        // The seed: an Ingress with a default backend and the most specific match (SPEC §6).
        case(
            "Ingress: Exact beats the longer-lived Prefix",
            examples::INGRESS_YAML,
            external("http://shop.example.com/api/health"),
            Expect::Pod("health-"),
            &["client", "ingress", "service", "endpoint", "pod"],
        ),
        case(
            "Ingress: the longest Prefix wins",
            examples::INGRESS_YAML,
            external("http://shop.example.com/api/orders/7"),
            Expect::Pod("api-"),
            &["client", "ingress", "service", "endpoint", "pod"],
        ),
        case(
            "Ingress: whole segments only (/apix is not /api)",
            examples::INGRESS_YAML,
            external("http://shop.example.com/apix"),
            Expect::Pod("frontend-"),
            &["client", "ingress", "service", "endpoint", "pod"],
        ),
        case(
            "Ingress: another host gets the default backend",
            examples::INGRESS_YAML,
            external("http://blog.example.com/"),
            Expect::Pod("fallback-"),
            &["client", "ingress", "service", "endpoint", "pod"],
        ),
        case(
            "Ingress: a port the controller does not listen on",
            examples::INGRESS_YAML,
            external("http://shop.example.com:8080/"),
            Expect::NoRoute("noEdgeForHost"),
            &["client"],
        ),
        // Pod → ClusterIP by name (SPEC §4 search path, §2.13, §2.15: no SNAT).
        case(
            "pod to Service by short name",
            CLUSTER_IP_YAML,
            from_pod("default", "client", "http://web/"),
            Expect::Pod("web-"),
            kube,
        ),
        case(
            "pod to Service in another namespace by svc.ns",
            CLUSTER_IP_YAML,
            from_pod("other", "client", "http://web.default/"),
            Expect::Pod("web-"),
            kube,
        ),
        case(
            "the short name does not cross namespaces",
            CLUSTER_IP_YAML,
            from_pod("other", "client", "http://web/"),
            Expect::Dns,
            &["client", "dns"],
        ),
        case(
            "a port the Service does not have",
            CLUSTER_IP_YAML,
            from_pod("default", "client", "http://web:81/"),
            Expect::NoRoute("servicePortNotServed"),
            &["client", "dns"],
        ),
        case(
            "a Service without endpoints rejects (SPEC §2.14)",
            CLUSTER_IP_YAML,
            from_pod("default", "client", "http://nobody/"),
            Expect::Rejected,
            &["client", "dns", "service", "kubeProxy"],
        ),
        case(
            "a name outside the cluster leaves it",
            CLUSTER_IP_YAML,
            from_pod("default", "client", "http://example.org/"),
            Expect::Left("example.org"),
            &["client", "dns", "egress"],
        ),
        case(
            "a cluster name from outside",
            CLUSTER_IP_YAML,
            external("http://web.default.svc.cluster.local/"),
            Expect::NoRoute("clusterNameFromOutside"),
            &["client"],
        ),
        case(
            "ExternalName: CNAME, then out",
            examples::EXTERNAL_NAME_YAML,
            from_pod("default", "client", "http://payments.default.svc.cluster.local/"),
            Expect::Left("api.payments.example.net"),
            &["client", "dns", "egress"],
        ),
        // The mesh: client sidecar, GAMMA split, mTLS, server sidecar (SPEC §7.5).
        case(
            "meshed pods",
            examples::MESH_SPLIT_YAML,
            from_pod("shop", "productpage", "http://reviews:9080/"),
            Expect::Pod("reviews-v"),
            &[
                "client", "dns", "sidecar", "service", "endpoint", "mtls", "sidecar", "pod",
            ],
        ),
    ];
    for c in cases {
        let mut cluster = load(c.yaml);
        let trace = cluster.route(&c.request).unwrap();
        check(c.name, &trace, &c.expect);
        assert_eq!(kinds(&trace), c.hops, "{}", c.name);
    }
}

#[test]
fn addresses_that_only_exist_inside() {
    let mut c = load(CLUSTER_IP_YAML);
    let vip = cluster_ip(&c, "default", "web");
    let pod_ip = match c.get(Kind::Pod, Some("default"), "client") {
        Some(Object::Pod(p)) => p.status.pod_ip.clone().unwrap(),
        _ => panic!(),
    };
    // (request, expected)
    let cases = [
        (
            external(&alloc::format!("http://{vip}/")),
            Expect::NoRoute("clusterIpFromOutside"),
        ),
        (
            external(&alloc::format!("http://{pod_ip}/")),
            Expect::NoRoute("podIpFromOutside"),
        ),
        (
            from_pod("other", "client", &alloc::format!("http://{vip}/")),
            Expect::Pod("web-"),
        ),
        (
            from_pod("other", "client", &alloc::format!("http://{pod_ip}:80/")),
            Expect::Pod("client"),
        ),
        (
            from_pod("other", "client", "http://10.96.0.200/"),
            Expect::NoRoute("unknownAddress"),
        ),
        (
            from_pod("other", "client", "http://172.18.0.2:30000/"),
            Expect::Rejected,
        ),
        (
            from_pod("other", "client", "http://192.0.2.1:443/"),
            Expect::Left("192.0.2.1:443"),
        ),
    ];
    for (request, expect) in cases {
        let trace = c.route(&request).unwrap();
        check(&request.url, &trace, &expect);
    }
}

#[test]
fn the_trace_explains_the_kube_proxy_choice() {
    let mut c = load(CLUSTER_IP_YAML);
    let vip = cluster_ip(&c, "default", "web");
    let trace = c.route(&from_pod("default", "client", "http://web/")).unwrap();
    let Some(Hop {
        step: Step::KubeProxy(kp),
        rewrites,
        probability,
        ..
    }) = trace.hops.iter().find(|h| h.kind() == "kubeProxy")
    else {
        panic!("no kube-proxy hop")
    };
    assert_eq!(kp.destination, alloc::format!("{vip}:80"));
    assert_eq!(kp.endpoints.len(), 3);
    assert_eq!(kp.endpoints.iter().filter(|e| e.fate == Fate::Chosen).count(), 1);
    assert_eq!(
        kp.endpoints.iter().filter(|e| e.fate == Fate::Candidate).count(),
        2
    );
    assert_eq!(
        kp.chain.iter().map(|r| r.probability).collect::<Vec<_>>(),
        [1.0 / 3.0, 0.5, 1.0]
    );
    assert_eq!(*probability, Some(1.0 / 3.0));
    // ClusterIP traffic from a pod keeps its source: DNAT only (SPEC §2.15).
    assert_eq!(rewrites.len(), 1);
    assert_eq!(rewrites[0].kind, RewriteKind::Dnat);
    assert!(
        rewrites[0].after.ends_with(":8080"),
        "named targetPort resolved: {}",
        rewrites[0].after
    );
    // The Service hop says which selector terms the chosen pod satisfies.
    let Some(Step::Service(s)) = trace
        .hops
        .iter()
        .map(|h| &h.step)
        .find(|s| matches!(s, Step::Service(_)))
    else {
        panic!()
    };
    let sel = s.selector.as_ref().unwrap();
    assert!(sel.matched);
    assert_eq!(sel.terms[0].term, "app=web");
    assert_eq!(s.port.target_port, "http");
    // And the same trace serializes with every hop's kind.
    let json = crate::json::ToJson::to_json(&trace);
    assert_eq!(json["hops"][3]["kind"], "kubeProxy");
    assert_eq!(json["verdict"]["kind"], "delivered");
}

#[test]
fn same_cluster_seed_and_request_give_the_same_trace() {
    for ex in examples() {
        let mut a = load(ex.yaml);
        let mut b = load(ex.yaml);
        for _ in 0..5 {
            assert_eq!(
                a.route(&ex.request).unwrap(),
                b.route(&ex.request).unwrap(),
                "{}",
                ex.id
            );
        }
    }
}

#[test]
fn memory_kept_by_the_caller_gives_the_same_traces_as_the_clusters_own() {
    for ex in examples() {
        let mut own = load(ex.yaml);
        let shared = load(ex.yaml);
        let fresh = shared.route_state().clone();
        let mut memory = fresh.clone();
        for _ in 0..5 {
            assert_eq!(
                own.route(&ex.request).unwrap(),
                shared.route_with(&ex.request, &mut memory).unwrap(),
                "{}",
                ex.id
            );
        }
        let options = TrafficOptions {
            count: 20,
            interval_ms: 100,
            clients: 3,
        };
        assert_eq!(
            own.send_traffic(&ex.request, &options).unwrap(),
            shared
                .send_traffic_with(&ex.request, &options, &mut memory)
                .unwrap(),
            "{}",
            ex.id
        );
        // The cluster's own memory did not move.
        assert_eq!(shared.route_state(), &fresh, "{}", ex.id);
    }
}

#[test]
fn malformed_requests_are_errors_naming_the_field() {
    let mut c = load(CLUSTER_IP_YAML);
    let cases = [
        (from_pod("default", "ghost", "http://web/"), "from"),
        (external("ftp://web/"), "url"),
        (
            Request::get(
                Source::External {
                    client_ip: Some("not-an-ip".into()),
                },
                "http://a.b/",
            ),
            "from.clientIp",
        ),
        (
            Request::get(
                Source::Node {
                    name: "node-9".into(),
                },
                "http://web/",
            ),
            "from",
        ),
    ];
    for (request, field) in cases {
        let e = c.route(&request).unwrap_err();
        assert_eq!(e.field, field, "{e}");
    }
}
