//! End-to-end routes over the examples and the seed's scenarios.

use alloc::vec::Vec;

use super::*;
use crate::cluster::{Cluster, ClusterConfig};
use crate::examples::examples;

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

#[test]
fn every_example_reaches_its_pod() {
    for ex in examples() {
        let mut c = load(ex.yaml);
        let trace = c.route(&ex.request).unwrap();
        std::println!("{}: {}", ex.id, serde_json::to_string_pretty(&trace).unwrap());
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
