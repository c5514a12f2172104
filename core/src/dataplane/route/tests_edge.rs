//! The decisions on the way, one rule at a time: traffic policies, the terminating fallback,
//! NAT, IPVS, Gateways, TLS at the Ingress, the mesh.

use alloc::string::String;
use alloc::vec::Vec;

use super::tests::{check, cluster_ip, external, from_pod, kinds, load, load_with, Expect, CLUSTER_IP_YAML};
use super::*;
use crate::cluster::{Cluster, ClusterConfig};
use crate::dataplane::kube_proxy::{Excluded, ProxyMode};
use crate::model::{Kind, Object};

fn kube_proxy(trace: &Trace) -> &KubeProxyHop {
    trace
        .hops
        .iter()
        .find_map(|h| match &h.step {
            Step::KubeProxy(k) => Some(k),
            _ => None,
        })
        .expect("a kube-proxy hop")
}

fn rewrites(trace: &Trace, kind: RewriteKind) -> Vec<&Rewrite> {
    trace
        .hops
        .iter()
        .flat_map(|h| &h.rewrites)
        .filter(|r| r.kind == kind)
        .collect()
}

/// Nodes that run a pod of `app`, from the cluster.
fn nodes_with(c: &Cluster, app: &str) -> Vec<String> {
    let mut nodes: Vec<String> = c
        .list(Kind::Pod, Some("default"))
        .into_iter()
        .filter_map(|o| match o {
            Object::Pod(p) if p.metadata.labels.get("app").map(String::as_str) == Some(app) => {
                p.spec.node_name.clone()
            }
            _ => None,
        })
        .collect();
    nodes.sort();
    nodes.dedup();
    nodes
}

fn node_ip(name: &str) -> String {
    // node-1 is 172.18.0.2, node-2 .3, … (SPEC §11 address plan).
    let i: u32 = name.trim_start_matches("node-").parse().unwrap();
    alloc::format!("172.18.0.{}", i + 1)
}

/// One pod of `app`, on a NodePort with `externalTrafficPolicy: <policy>`, on 3 nodes.
fn one_pod_nodeport(policy: &str, internal: &str) -> String {
    alloc::format!(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {{name: solo}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: solo}}}}
  template:
    metadata: {{labels: {{app: solo}}}}
    spec: {{containers: [{{name: c, image: x, ports: [{{containerPort: 8080}}]}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: solo}}
spec:
  type: NodePort
  externalTrafficPolicy: {policy}
  internalTrafficPolicy: {internal}
  selector: {{app: solo}}
  ports: [{{port: 80, targetPort: 8080, nodePort: 30080}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: client-a}}
spec: {{nodeName: node-1, containers: [{{name: c, image: curl}}]}}
---
apiVersion: v1
kind: Pod
metadata: {{name: client-b}}
spec: {{nodeName: node-2, containers: [{{name: c, image: curl}}]}}
---
apiVersion: v1
kind: Pod
metadata: {{name: client-c}}
spec: {{nodeName: node-3, containers: [{{name: c, image: curl}}]}}
"#
    )
}

#[test]
fn external_traffic_policy_decides_nodes_nat_and_drops() {
    // SPEC §2.10, §2.14, §2.15.
    for policy in ["Cluster", "Local"] {
        let yaml = one_pod_nodeport(policy, "Cluster");
        let mut c = load(&yaml);
        let home = nodes_with(&c, "solo");
        assert_eq!(home.len(), 1);
        for node in ["node-1", "node-2", "node-3"] {
            let url = alloc::format!("http://{}:30080/", node_ip(node));
            let trace = c.route(&external(&url)).unwrap();
            let local = node == home[0];
            let name = alloc::format!("{policy} via {node}");
            match (policy, local) {
                ("Local", false) => {
                    check(&name, &trace, &Expect::Dropped);
                    let kp = kube_proxy(&trace);
                    assert!(kp.policy.local);
                    assert!(matches!(
                        kp.endpoints[0].fate,
                        Fate::Excluded {
                            why: Excluded::NotLocal { .. }
                        }
                    ));
                }
                ("Local", true) => {
                    check(&name, &trace, &Expect::Pod("solo-"));
                    assert!(
                        rewrites(&trace, RewriteKind::Snat).is_empty(),
                        "{name}: client IP kept"
                    );
                    let Verdict::Delivered { source_ip, .. } = &trace.verdict else {
                        panic!()
                    };
                    assert_eq!(source_ip, DEFAULT_CLIENT_IP);
                }
                _ => {
                    check(&name, &trace, &Expect::Pod("solo-"));
                    let snat = rewrites(&trace, RewriteKind::Snat);
                    assert_eq!(snat.len(), 1, "{name}");
                    assert_eq!(snat[0].after, node_ip(node), "{name}: SNAT to the receiving node");
                }
            }
        }
    }
}

#[test]
fn pods_reaching_a_local_policy_node_port_use_the_cluster_set() {
    // SPEC §2.10 exceptions: from inside, ETP=Local is short-circuited to the Cluster set.
    let mut c = load(&one_pod_nodeport("Local", "Cluster"));
    let home = nodes_with(&c, "solo")[0].clone();
    let away = ["node-1", "node-2", "node-3"]
        .into_iter()
        .find(|n| *n != home)
        .unwrap();
    let client = alloc::format!(
        "client-{}",
        ["a", "b", "c"][away.trim_start_matches("node-").parse::<usize>().unwrap() - 1]
    );
    let url = alloc::format!("http://{}:30080/", node_ip(away));
    let trace = c.route(&from_pod("default", &client, &url)).unwrap();
    check(
        "pod to a Local NodePort on a node without the pod",
        &trace,
        &Expect::Pod("solo-"),
    );
    let kp = kube_proxy(&trace);
    assert!(kp.policy.short_circuited && !kp.policy.local);
}

#[test]
fn internal_traffic_policy_local_drops_on_nodes_without_endpoints() {
    let mut c = load(&one_pod_nodeport("Cluster", "Local"));
    let home = nodes_with(&c, "solo")[0].clone();
    for (client, node) in [
        ("client-a", "node-1"),
        ("client-b", "node-2"),
        ("client-c", "node-3"),
    ] {
        let trace = c.route(&from_pod("default", client, "http://solo/")).unwrap();
        let expect = if node == home {
            Expect::Pod("solo-")
        } else {
            Expect::Dropped
        };
        check(client, &trace, &expect);
        assert_eq!(kube_proxy(&trace).policy.field, "internalTrafficPolicy");
    }
}

/// A Service without selector and hand-made slices: for conditions kube-proxy reads as given.
const MANUAL_SLICES: &str = r#"
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {ports: [{name: pg, port: 5432}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: db-1
  labels: {kubernetes.io/service-name: db}
addressType: IPv4
ports: [{name: pg, port: 5432}]
endpoints:
- addresses: [192.0.2.10]
  conditions: {ready: false, serving: true, terminating: true}
- addresses: [192.0.2.11]
  conditions: {ready: false, serving: false, terminating: true}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec: {containers: [{name: c, image: curl}]}
"#;

#[test]
fn terminating_endpoints_serve_only_when_none_is_ready() {
    // SPEC §2.13 terminating fallback (KEP-1669) and §10 invariant 6.
    let mut c = load(MANUAL_SLICES);
    let trace = c
        .route(&from_pod("default", "client", "http://db:5432/"))
        .unwrap();
    check("fallback", &trace, &Expect::Left("192.0.2.10:5432"));
    let kp = kube_proxy(&trace);
    assert!(kp.terminating_fallback);
    assert_eq!(kp.endpoints[0].fate, Fate::Chosen);
    assert_eq!(
        kp.endpoints[1].fate,
        Fate::Excluded {
            why: Excluded::NotReady
        }
    );
    assert_eq!(
        kinds(&trace),
        ["client", "dns", "service", "kubeProxy", "endpoint", "egress"]
    );
}

#[test]
fn ipvs_round_robins_and_iptables_draws() {
    let config = ClusterConfig {
        proxy_mode: ProxyMode::Ipvs,
        ..ClusterConfig::default()
    };
    let mut c = load_with(CLUSTER_IP_YAML, config);
    let picks: Vec<String> = (0..6)
        .map(|_| {
            c.route(&from_pod("default", "client", "http://web/"))
                .unwrap()
                .pod()
                .unwrap()
                .name
                .clone()
        })
        .collect();
    assert_eq!(picks[0..3], picks[3..6], "round robin repeats with period 3");
    let mut distinct = picks[0..3].to_vec();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 3);
    assert!(
        kube_proxy(&c.route(&from_pod("default", "client", "http://web/")).unwrap())
            .chain
            .is_empty()
    );
}

#[test]
fn a_pod_that_reaches_itself_through_its_service_is_masqueraded() {
    // SPEC §2.15: hairpin.
    let yaml = r#"
apiVersion: v1
kind: Pod
metadata: {name: lonely, labels: {app: lonely}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: lonely}
spec: {selector: {app: lonely}, ports: [{port: 80}]}
"#;
    let mut c = load(yaml);
    let trace = c.route(&from_pod("default", "lonely", "http://lonely/")).unwrap();
    check("hairpin", &trace, &Expect::Pod("lonely"));
    assert_eq!(rewrites(&trace, RewriteKind::Snat).len(), 1);
}

#[test]
fn a_node_reaches_cluster_ips() {
    let mut c = load(CLUSTER_IP_YAML);
    let vip = cluster_ip(&c, "default", "web");
    let trace = c
        .route(&Request::get(
            Source::Node {
                name: "node-2".into(),
            },
            &alloc::format!("http://{vip}/"),
        ))
        .unwrap();
    check("node to ClusterIP", &trace, &Expect::Pod("web-"));
    assert_eq!(kube_proxy(&trace).node, "node-2");
}

#[test]
fn load_balancer_health_checks_pick_nodes_with_local_pods() {
    // SPEC §2.10 healthCheckNodePort: 200 with local endpoints, 503 without.
    let mut c = load(crate::examples::LOAD_BALANCER_LOCAL_YAML);
    let homes = nodes_with(&c, "echo");
    for _ in 0..20 {
        let trace = c.route(&external("http://203.0.113.1/")).unwrap();
        let Some(Step::LoadBalancer(lb)) = trace
            .hops
            .iter()
            .map(|h| &h.step)
            .find(|s| matches!(s, Step::LoadBalancer(_)))
        else {
            panic!()
        };
        assert!(homes.contains(&lb.chosen), "{} is not a home of echo", lb.chosen);
        for n in &lb.nodes {
            let hc = n.health_check.unwrap();
            assert_eq!(hc.status == 200, homes.contains(&n.node));
            assert!(hc.node_port >= 30000);
        }
        check("LB local", &trace, &Expect::Pod("echo-"));
    }
}

const GATEWAY_YAML: &str = r#"
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: example}
spec: {controllerName: example.com/gateway}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge}
spec:
  gatewayClassName: example
  listeners:
  - {name: http, port: 80, protocol: HTTP, hostname: "*.example.com"}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: store}
spec:
  parentRefs: [{name: edge}]
  hostnames: [store.example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /cart}}]
    backendRefs: [{name: cart, port: 80}]
  - matches: [{path: {type: PathPrefix, value: /gone}}]
    backendRefs: [{name: missing, port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart}
spec:
  replicas: 2
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: cart}
spec: {selector: {app: cart}, ports: [{port: 80, targetPort: 8080}]}
"#;

#[test]
fn gateways_route_answer_404_and_500() {
    let mut c = load(GATEWAY_YAML);
    let cases = [
        ("http://store.example.com/cart/1", Expect::Pod("cart-")),
        ("http://store.example.com/checkout", Expect::Http(404)),
        ("http://store.example.com/gone", Expect::Http(500)),
        ("http://other.example.com/cart", Expect::Http(404)),
        ("http://store.example.org/cart", Expect::NoRoute("noEdgeForHost")),
    ];
    for (url, expect) in cases {
        let trace = c.route(&external(url)).unwrap();
        check(url, &trace, &expect);
    }
    let trace = c.route(&external("http://store.example.com/cart/1")).unwrap();
    assert_eq!(kinds(&trace), ["client", "gateway", "service", "endpoint", "pod"]);
    let Step::Gateway { edge, decision } = &trace.hops[1].step else {
        panic!()
    };
    assert!(matches!(edge, EdgeChoice::GatewayListenerHostname { .. }));
    assert_eq!(decision.reasons.host, "store.example.com");
}

#[test]
fn an_http_request_to_a_tls_host_is_redirected() {
    // SPEC §6.8: ingress-nginx's ssl-redirect, 308.
    let yaml = alloc::format!(
        "{}\n---\n{}",
        crate::examples::INGRESS_YAML,
        r#"apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: secure}
spec:
  tls: [{hosts: [secure.example.com], secretName: secure-tls}]
  rules:
  - host: secure.example.com
    http:
      paths: [{path: /, pathType: Prefix, backend: {service: {name: frontend, port: {number: 80}}}}]
"#
    );
    let mut c = load(&yaml);
    let trace = c.route(&external("http://secure.example.com/login")).unwrap();
    check("http", &trace, &Expect::Http(308));
    let Verdict::Http { why, .. } = &trace.verdict else {
        panic!()
    };
    assert_eq!(
        *why,
        HttpWhy::HttpsRedirect {
            location: "https://secure.example.com/login".into()
        }
    );
    let trace = c.route(&external("https://secure.example.com/login")).unwrap();
    check("https", &trace, &Expect::Pod("frontend-"));
    let Step::Ingress { tls, .. } = &trace.hops[1].step else {
        panic!()
    };
    assert_eq!(tls.as_ref().unwrap().secret_name.as_deref(), Some("secure-tls"));
}

#[test]
fn consumer_routes_override_producer_routes_for_their_namespace() {
    // SPEC §7.5: a Route in the client's namespace applies to that namespace's clients only.
    let yaml = alloc::format!(
        "{}\n---\n{}",
        crate::examples::MESH_SPLIT_YAML,
        r#"apiVersion: v1
kind: Namespace
metadata: {name: tester, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Pod
metadata: {name: bot, namespace: tester}
spec: {containers: [{name: c, image: curl}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: reviews-v2-only, namespace: tester}
spec:
  parentRefs: [{group: "", kind: Service, name: reviews, namespace: shop}]
  rules: [{backendRefs: [{name: reviews-v2, namespace: shop, port: 9080}]}]
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: {name: tester-to-shop, namespace: shop}
spec:
  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: tester}]
  to: [{group: "", kind: Service}]
"#
    );
    let mut c = load(&yaml);
    for _ in 0..10 {
        let trace = c
            .route(&from_pod("tester", "bot", "http://reviews.shop:9080/"))
            .unwrap();
        check("consumer", &trace, &Expect::Pod("reviews-v2-"));
        let Step::Sidecar(s) = &trace.hops[2].step else {
            panic!("{:?}", kinds(&trace))
        };
        assert!(s.routing.as_ref().unwrap().consumer_routes);
    }
    let shares = c
        .expected_shares(&from_pod("shop", "productpage", "http://reviews:9080/"))
        .unwrap();
    let v2: f64 = shares
        .shares
        .iter()
        .filter(|s| s.outcome.contains("reviews-v2"))
        .map(|s| s.share)
        .sum();
    assert!(
        (v2 - 0.1).abs() < 1e-9,
        "producer split for shop's own clients: {v2}"
    );
}

#[test]
fn an_unmeshed_client_reaches_a_meshed_pod_in_plaintext() {
    let yaml = alloc::format!(
        "{}\n---\n{}",
        crate::examples::MESH_SPLIT_YAML,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: plain}\nspec: {containers: [{name: c, image: curl}]}\n"
    );
    let mut c = load(&yaml);
    let trace = c
        .route(&from_pod("default", "plain", "http://reviews-v1.shop:9080/"))
        .unwrap();
    check("plaintext", &trace, &Expect::Pod("reviews-v1-"));
    assert_eq!(
        kinds(&trace),
        [
            "client",
            "dns",
            "service",
            "kubeProxy",
            "endpoint",
            "sidecar",
            "pod"
        ]
    );
    let Step::Sidecar(s) = &trace.hops[5].step else {
        panic!()
    };
    assert_eq!(s.direction, Direction::Inbound);
}

#[test]
fn session_affinity_pins_and_expires_on_the_simulated_clock() {
    // SPEC §2.9: pinned within timeoutSeconds of the last connection; afterwards balanced again.
    let yaml = CLUSTER_IP_YAML.replace(
        "spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: http}]}",
        "spec: {selector: {app: web}, sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 10}}, ports: [{name: http, port: 80, targetPort: http}]}",
    );
    let mut c = load(&yaml);
    let request = from_pod("default", "client", "http://web/");
    let first = c.route(&request).unwrap();
    assert!(matches!(
        kube_proxy(&first).affinity,
        Some(Affinity::Recorded { .. })
    ));
    for _ in 0..5 {
        c.advance(9_000);
        let again = c.route(&request).unwrap();
        assert_eq!(
            again.pod(),
            first.pod(),
            "within the timeout of the last connection"
        );
        assert!(matches!(
            kube_proxy(&again).affinity,
            Some(Affinity::Pinned { .. })
        ));
    }
    c.advance(11_000);
    let later = c.route(&request).unwrap();
    assert!(matches!(
        kube_proxy(&later).affinity,
        Some(Affinity::Recorded {
            previous: Some(AffinityMiss::Expired { .. }),
            ..
        })
    ));
}

#[test]
fn a_missing_ingress_backend_is_a_503_and_a_missing_port_too() {
    let yaml = r#"
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: broken}
spec:
  ingressClassName: nginx
  rules:
  - host: a.example.com
    http:
      paths:
      - {path: /x, pathType: Prefix, backend: {service: {name: nope, port: {number: 80}}}}
      - {path: /y, pathType: Prefix, backend: {service: {name: real, port: {number: 81}}}}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: v1
kind: Service
metadata: {name: real}
spec: {selector: {app: real}, ports: [{port: 80}]}
"#;
    let mut c = load(yaml);
    let cases = [
        ("http://a.example.com/x", "serviceNotFound"),
        ("http://a.example.com/y", "servicePortNotFound"),
    ];
    for (url, why) in cases {
        let trace = c.route(&external(url)).unwrap();
        check(url, &trace, &Expect::Http(503));
        let v = crate::json::ToJson::to_json(&trace.verdict);
        assert_eq!(v["why"]["kind"], why, "{url}");
    }
    let trace = c.route(&external("http://a.example.com/z")).unwrap();
    check("no path", &trace, &Expect::Http(404));
}
