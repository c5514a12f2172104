//! Properties of traffic over many requests (SPEC §10 invariants 6–7 and §2.9–2.10): uniform
//! spread, affinity until timeout, Local policies never crossing nodes, expected shares that add
//! up and that the observed histogram follows.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::String;

use proptest::prelude::*;

use super::tests::{external, from_pod, load, load_with};
use super::*;
use crate::cluster::ClusterConfig;

fn app(replicas: u32, service_extra: &str) -> String {
    let node_port = if service_extra.contains("NodePort") || service_extra.contains("LoadBalancer") {
        ", nodePort: 30080"
    } else {
        ""
    };
    format!(
        r#"
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: app}}}}
  template:
    metadata: {{labels: {{app: app}}}}
    spec: {{containers: [{{name: c, image: x, ports: [{{containerPort: 8080}}]}}]}}
---
apiVersion: v1
kind: Service
metadata: {{name: app}}
spec:
  selector: {{app: app}}
  ports: [{{port: 80, targetPort: 8080{node_port}}}]
  {service_extra}
---
apiVersion: v1
kind: Pod
metadata: {{name: client}}
spec: {{containers: [{{name: c, image: curl}}]}}
"#
    )
}

/// `|observed − n·p| ≤ 5σ` of a binomial: a bound a correct uniform draw misses with
/// probability below 1e-6 per pod.
fn within_bounds(observed: u32, n: u32, p: f64) -> bool {
    let mean = f64::from(n) * p;
    let sigma = (f64::from(n) * p * (1.0 - p)).sqrt();
    (f64::from(observed) - mean).abs() <= 5.0 * sigma + 1.0
}

#[test]
fn iptables_gives_each_ready_endpoint_one_nth_over_10000_requests() {
    for replicas in [1u32, 2, 3, 5, 8] {
        let mut c = load(&app(replicas, "type: ClusterIP"));
        let options = TrafficOptions {
            count: 10_000,
            interval_ms: 1,
            clients: 1,
        };
        let report = c
            .send_traffic(&from_pod("default", "client", "http://app/"), &options)
            .unwrap();
        assert_eq!(report.sent, 10_000);
        let pods: BTreeMap<&String, &u32> = report
            .hits
            .iter()
            .filter(|(k, _)| k.starts_with("Pod/"))
            .collect();
        assert_eq!(pods.len(), replicas as usize, "every pod is hit");
        assert_eq!(pods.values().copied().sum::<u32>(), 10_000, "the totals add up");
        let p = 1.0 / f64::from(replicas);
        for (pod, hits) in &pods {
            assert!(
                within_bounds(**hits, 10_000, p),
                "{replicas} replicas: {pod} got {hits}"
            );
        }
        let expected = c
            .expected_shares(&from_pod("default", "client", "http://app/"))
            .unwrap();
        assert!(expected.complete);
        assert_eq!(expected.shares.len(), replicas as usize);
        for s in &expected.shares {
            assert!((s.share - p).abs() < 1e-12, "{s:?}");
        }
        // And the hits per node add up to the deliveries.
        assert_eq!(report.by_node.values().sum::<u32>(), 10_000);
    }
}

#[test]
fn expected_shares_follow_the_load_balancer_and_local_policy() {
    // Under ETP=Local the LB picks a healthy node uniformly, then a local pod uniformly: a pod
    // alone on its node gets more than a pod sharing one.
    let mut c = load(&app(4, "type: LoadBalancer\n  externalTrafficPolicy: Local"));
    let request = external("http://203.0.113.1/");
    let expected = c.expected_shares(&request).unwrap();
    let total: f64 = expected.shares.iter().map(|s| s.share).sum();
    assert!((total - 1.0).abs() < 1e-9);
    let mut per_node: BTreeMap<String, usize> = BTreeMap::new();
    for s in &expected.shares {
        *per_node.entry(s.node.clone().unwrap()).or_default() += 1;
    }
    let healthy = per_node.len() as f64;
    for s in &expected.shares {
        let k = per_node[s.node.as_ref().unwrap()] as f64;
        assert!((s.share - 1.0 / healthy / k).abs() < 1e-9, "{s:?}");
    }
    let report = c
        .send_traffic(
            &request,
            &TrafficOptions {
                count: 10_000,
                interval_ms: 1,
                clients: 50,
            },
        )
        .unwrap();
    for s in &expected.shares {
        let hits = report.hits.get(&s.outcome).copied().unwrap_or(0);
        assert!(
            within_bounds(hits, 10_000, s.share),
            "{}: {hits} vs {}",
            s.outcome,
            s.share
        );
    }
}

#[test]
fn weighted_routes_give_their_weights() {
    // The mesh example splits 90/10 over reviews-v1 (2 pods) and reviews-v2 (1 pod).
    let mut c = load(crate::examples::MESH_SPLIT_YAML);
    let request = from_pod("shop", "productpage", "http://reviews:9080/");
    let expected = c.expected_shares(&request).unwrap();
    let share = |prefix: &str| -> f64 {
        expected
            .shares
            .iter()
            .filter(|s| s.outcome.starts_with(prefix))
            .map(|s| s.share)
            .sum()
    };
    assert!((share("Pod/shop/reviews-v1-") - 0.9).abs() < 1e-9);
    assert!((share("Pod/shop/reviews-v2-") - 0.1).abs() < 1e-9);
    let report = c
        .send_traffic(
            &request,
            &TrafficOptions {
                count: 5_000,
                interval_ms: 1,
                clients: 1,
            },
        )
        .unwrap();
    let v2: u32 = report
        .hits
        .iter()
        .filter(|(k, _)| k.starts_with("Pod/shop/reviews-v2-"))
        .map(|(_, v)| *v)
        .sum();
    assert!(within_bounds(v2, 5_000, 0.1), "v2 got {v2}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// SPEC §2.10: under `externalTrafficPolicy: Local` a NodePort connection from outside is
    /// served by a pod of the receiving node or not at all (DROP when pods exist elsewhere,
    /// REJECT when none exist); `internalTrafficPolicy: Local` likewise for ClusterIP traffic
    /// from a pod.
    #[test]
    fn local_policies_never_cross_nodes(replicas in 0u32..6, nodes in 1u32..5, seed in 0u64..1000) {
        let config = ClusterConfig { seed, default_nodes: nodes, ..ClusterConfig::default() };
        let extra = "type: NodePort\n  externalTrafficPolicy: Local\n  internalTrafficPolicy: Local";
        let mut c = load_with(&app(replicas, extra), config);
        for i in 0..nodes {
            let node = format!("node-{}", i + 1);
            let url = format!("http://172.18.0.{}:30080/", i + 2);
            for _ in 0..3 {
                let trace = c.route(&external(&url)).unwrap();
                match &trace.verdict {
                    Verdict::Delivered { .. } => {
                        let Some(Step::Pod(p)) = trace.hops.last().map(|h| &h.step) else { panic!() };
                        prop_assert_eq!(p.node.as_deref(), Some(node.as_str()));
                    }
                    Verdict::Dropped { .. } => prop_assert!(replicas > 0),
                    Verdict::Rejected { .. } => prop_assert_eq!(replicas, 0),
                    other => prop_assert!(false, "{:?}", other),
                }
            }
        }
        let trace = c.route(&from_pod("default", "client", "http://app/")).unwrap();
        let client_node = c
            .get(crate::model::Kind::Pod, Some("default"), "client")
            .and_then(|o| match o { crate::model::Object::Pod(p) => p.spec.node_name.clone(), _ => None });
        if let Verdict::Delivered { .. } = &trace.verdict {
            let Some(Step::Pod(p)) = trace.hops.last().map(|h| &h.step) else { panic!() };
            prop_assert_eq!(&p.node, &client_node);
        }
    }

    /// SPEC §2.9: a client stays on its endpoint while its connections come within
    /// `timeoutSeconds` of each other, and is balanced again after a longer gap.
    #[test]
    fn affinity_holds_until_the_timeout(timeout in 1u64..30, gaps in proptest::collection::vec(0u64..40_000, 1..12)) {
        let extra = format!("sessionAffinity: ClientIP\n  sessionAffinityConfig: {{clientIP: {{timeoutSeconds: {timeout}}}}}");
        let mut c = load(&app(3, &extra));
        let request = from_pod("default", "client", "http://app/");
        let mut last = c.route(&request).unwrap();
        for gap in gaps {
            c.advance(gap);
            let next = c.route(&request).unwrap();
            let Some(Step::KubeProxy(kp)) = next.hops.iter().map(|h| &h.step).find(|s| matches!(s, Step::KubeProxy(_))) else {
                panic!()
            };
            if gap <= timeout * 1000 {
                prop_assert_eq!(next.pod(), last.pod());
                let pinned = matches!(kp.affinity, Some(Affinity::Pinned { .. }));
                prop_assert!(pinned);
            } else {
                let expired = matches!(
                    kp.affinity,
                    Some(Affinity::Recorded { previous: Some(AffinityMiss::Expired { .. }), .. })
                );
                prop_assert!(expired);
            }
            last = next;
        }
    }
}
