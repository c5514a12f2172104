use alloc::string::String;
use alloc::vec::Vec;

use super::*;
use crate::cluster::{Cluster, ClusterConfig};
use crate::dataplane::route::mesh::Mesh;
use crate::examples;
use crate::model::Kind;

fn load(yaml: &str) -> Cluster {
    let mut c = Cluster::new(ClusterConfig::default()).unwrap();
    let objects = crate::manifest::parse_manifests(yaml)
        .unwrap()
        .into_iter()
        .map(|m| m.object)
        .collect();
    c.apply(objects).unwrap();
    c.advance(10_000);
    c
}

fn all_pods(t: &Topology) -> Vec<&PodView> {
    t.nodes
        .iter()
        .flat_map(|n| n.pods.iter())
        .chain(t.unscheduled.iter())
        .collect()
}

#[test]
fn topology_shows_what_each_example_holds() {
    // (example, pods, services, ingress paths, pods with a sidecar, StatefulSet ordinals)
    type Case<'a> = (&'a str, usize, usize, usize, usize, &'a [u32]);
    let cases: [Case; 4] = [
        (examples::STATEFULSET_YAML, 4, 1, 0, 0, &[0, 1, 2]),
        (examples::INGRESS_YAML, 6, 4, 3, 0, &[]),
        (examples::MESH_SPLIT_YAML, 4, 3, 0, 4, &[]),
        (examples::NODEPORT_YAML, 3, 1, 0, 0, &[]),
    ];
    for (i, (yaml, pods, services, paths, meshed, ordinals)) in cases.into_iter().enumerate() {
        let t = topology(&load(yaml));
        let ps = all_pods(&t);
        assert_eq!(ps.len(), pods, "case {i}");
        assert!(
            ps.iter().all(|p| p.state == PodState::Ready),
            "case {i}: all ready"
        );
        assert_eq!(t.services.len(), services, "case {i}");
        assert_eq!(
            t.ingresses.iter().map(|x| x.paths.len()).sum::<usize>(),
            paths,
            "case {i}"
        );
        assert_eq!(
            ps.iter().filter(|p| p.sidecar == Some(Mesh::Istio)).count(),
            meshed,
            "case {i}"
        );
        let mut got: Vec<u32> = ps.iter().filter_map(|p| p.ordinal).collect();
        got.sort();
        assert_eq!(got, ordinals, "case {i}");
        assert!(t.unscheduled.is_empty(), "case {i}");
    }
}

#[test]
fn services_list_the_pods_their_selector_picks() {
    let t = topology(&load(examples::MESH_SPLIT_YAML));
    // (service, pods selected, routes bound)
    let cases = [("reviews", 3, 1), ("reviews-v1", 2, 0), ("reviews-v2", 1, 0)];
    for (name, pods, routes) in cases {
        let s = t.services.iter().find(|s| s.name == name).unwrap();
        assert_eq!(s.selects.len(), pods, "{name}");
        assert_eq!(s.routes.len(), routes, "{name}");
        assert!(s.cluster_ip.is_some());
    }
    let headless = topology(&load(examples::STATEFULSET_YAML));
    let nginx = &headless.services[0];
    assert!(nginx.headless && nginx.cluster_ip.is_none());
    assert_eq!(nginx.selector.as_deref(), Some("app=nginx"));
    let lb = topology(&load(examples::LOAD_BALANCER_LOCAL_YAML));
    assert_eq!(lb.services[0].external_ips, ["203.0.113.1"]);
    assert!(lb.services[0].ports[0].node_port.is_some());
}

#[test]
fn the_inspector_explains_selection_slices_and_names() {
    let c = load(examples::STATEFULSET_YAML);
    let svc = inspect(&c, Kind::Service, Some("default"), "nginx").unwrap();
    let Detail::Service(detail) = &svc.detail else {
        panic!()
    };
    let (pods, slices, dns) = (&detail.pods, &detail.slices, &detail.dns);
    // (pod, selected)
    let mut verdicts: Vec<(String, bool)> = pods
        .iter()
        .map(|p| (p.pod.clone(), p.explanation.matched))
        .collect();
    verdicts.sort();
    assert_eq!(
        verdicts,
        [
            ("client".into(), false),
            ("web-0".into(), true),
            ("web-1".into(), true),
            ("web-2".into(), true)
        ]
    );
    assert_eq!(slices.len(), 1);
    assert_eq!(slices[0].endpoints.len(), 3);
    assert_eq!(
        dns[0].addresses().len(),
        3,
        "headless: one A record per ready pod"
    );
    assert_eq!(dns.len(), 2, "A and the SRV of the named port");
    assert_eq!(svc.json["kind"], "Service");

    let pod = inspect(&c, Kind::Pod, Some("default"), "web-1").unwrap();
    let Detail::Pod { services, dns, .. } = &pod.detail else {
        panic!()
    };
    assert_eq!(services[0].name, "nginx");
    assert!(dns.iter().any(|d| d == "web-1.nginx.default.svc.cluster.local"));

    let sts = inspect(&c, Kind::StatefulSet, Some("default"), "web").unwrap();
    let Detail::StatefulSet { identities } = &sts.detail else {
        panic!()
    };
    assert_eq!(identities.len(), 3);
    assert_eq!(
        identities[2].dns_name.as_deref(),
        Some("web-2.nginx.default.svc.cluster.local")
    );
    assert!(inspect(&c, Kind::Service, Some("default"), "nope").is_none());
}

#[test]
fn sources_and_the_object_tree() {
    let c = load(examples::MESH_SPLIT_YAML);
    let sources = route_sources(&c);
    assert!(sources[0].label.starts_with("external client"));
    assert_eq!(sources.iter().filter(|s| s.label.starts_with("pod ")).count(), 4);
    assert_eq!(sources.iter().filter(|s| s.label.starts_with("node ")).count(), 3);
    let tree = object_tree(&c);
    // Only what the user applied: no ReplicaSets, pods or slices from the controllers.
    let shop = tree
        .iter()
        .find(|t| t.namespace.as_deref() == Some("shop"))
        .unwrap();
    let kinds: Vec<&str> = shop.kinds.keys().map(String::as_str).collect();
    assert_eq!(kinds, ["Deployment", "HTTPRoute", "Pod", "Service"]);
    assert_eq!(*shop.kinds.get("Pod").unwrap(), ["productpage"]);
    let cluster_scoped = tree.iter().find(|t| t.namespace.is_none()).unwrap();
    assert_eq!(*cluster_scoped.kinds.get("Namespace").unwrap(), ["shop"]);
}
