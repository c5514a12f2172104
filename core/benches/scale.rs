//! The playground's questions at scale (issue 7): a Deployment of 1,000 and of 10,000 pods,
//! 100 per node, behind three Services; a request from outside through the NodePort (the
//! dataplane compiled, kube-proxy choosing among every endpoint, the trace listing them), the
//! dataplane's tables alone, and the topology the canvas draws. Printed as ratios of 10,000 to
//! 1,000 pods: 10 means the cost grows with the pods, 100 would be quadratic (as routing was
//! while endpoints were de-duplicated by a linear search: 569 ms at 10,000 pods).

#[path = "common/mod.rs"]
mod common;

use std::fmt::Write;
use std::time::Duration;

use common::{criterion_dir, median_ns};
use criterion::Criterion;
use kroute::cluster::{Cluster, ClusterConfig};
use kroute::dataplane::route::{Dataplane, Request, Source};

/// `pods` replicas on `pods / 100` nodes (the three default ones included).
fn manifest(pods: usize) -> String {
    let mut text = String::new();
    for i in 1..=(pods / 100).saturating_sub(3) {
        let _ = write!(
            text,
            "apiVersion: v1\nkind: Node\nmetadata: {{name: worker-{i:03}}}\n---\n"
        );
    }
    let _ = write!(
        text,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {pods}\n  \
         selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    \
         spec: {{containers: [{{name: web, image: nginx, ports: [{{name: http, containerPort: 8080}}]}}]}}\n"
    );
    for (name, kind) in [
        ("web", "ClusterIP"),
        ("web-nodeport", "NodePort"),
        ("web-lb", "LoadBalancer"),
    ] {
        let port = if kind == "NodePort" {
            ", nodePort: 30080"
        } else {
            ""
        };
        let _ = write!(
            text,
            "---\napiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec:\n  type: {kind}\n  \
             selector: {{app: web}}\n  ports: [{{name: http, port: 80, targetPort: http{port}}}]\n"
        );
    }
    text
}

fn load(pods: usize) -> Cluster {
    let loaded = kroute::manifest::load_cluster(
        &manifest(pods),
        ClusterConfig::default(),
        kroute::manifest::SETTLE_MS,
    )
    .expect("the scale manifests load");
    loaded.cluster
}

fn main() {
    let mut crit = Criterion::default()
        .output_directory(&criterion_dir())
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    let request = Request::get(Source::External { client_ip: None }, "http://172.18.0.2:30080/");
    {
        let mut group = crit.benchmark_group("scale");
        for pods in [1_000, 10_000] {
            let cluster = load(pods);
            let mut state = cluster.route_state().clone();
            let trace = cluster.route_with(&request, &mut state).expect("routes");
            assert!(trace.pod().is_some(), "{pods}: {:?}", trace.verdict);
            group.bench_function(format!("route_{pods}"), |b| {
                b.iter(|| std::hint::black_box(cluster.route_with(&request, &mut state).expect("routes")))
            });
            group.bench_function(format!("dataplane_{pods}"), |b| {
                b.iter(|| std::hint::black_box(Dataplane::new(&cluster)))
            });
            group.bench_function(format!("topology_{pods}"), |b| {
                b.iter(|| std::hint::black_box(kroute::view::topology(&cluster)))
            });
        }
        group.finish();
    }
    crit.final_summary();
    let growth = |what: &str| {
        median_ns("scale", &format!("{what}_10000")) / median_ns("scale", &format!("{what}_1000"))
    };
    let ratios = [
        ("scale_route_10k_vs_1k_pods", growth("route")),
        ("scale_dataplane_10k_vs_1k_pods", growth("dataplane")),
        ("scale_topology_10k_vs_1k_pods", growth("topology")),
        ("scale_route_10k_pods_ms", median_ns("scale", "route_10000") / 1e6),
    ];
    for (name, value) in ratios {
        println!("ratio {name} {value:.3}");
    }
}
