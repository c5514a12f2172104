//! Cluster-model benchmarks, side by side in one run (issue 2):
//!
//! * a pod label change with 100 vs 10,000 Services — the Service index keeps it flat
//!   (goal ≤ 2×), and at 10,000 Services finding the affected Services through the index vs a
//!   naive scan of every Service (goal ≥ 50× faster), both for that step alone and for the
//!   whole label change had it scanned;
//! * one endpoint change (a pod turning not-ready and back) on a Service with 1,000 vs
//!   100,000 endpoints — the incremental EndpointSlice path costs what changed (goal ≤ 2×).
//!
//! Each ratio is printed as `ratio <name> <value>` from criterion's median estimates.

#[path = "common/mod.rs"]
mod common;

use std::time::Duration;

use common::{criterion_dir, median_ns};
use criterion::{BenchmarkId, Criterion};
use kroute::cluster::{Cluster, ClusterConfig};
use kroute::controllers::pods::PodAction;
use kroute::json;
use kroute::model::{Kind, Object, StringMap};

fn obj(v: kroute::json::Value) -> Object {
    Object::from_value(v).expect("benchmark manifests are valid")
}

/// A cluster with `services` Services, each selecting `app=app-<i>`, and one bare pod
/// labelled `app=app-0`.
fn label_cluster(services: usize) -> Cluster {
    let mut c = Cluster::new(ClusterConfig {
        default_nodes: 3,
        ..ClusterConfig::default()
    })
    .expect("config");
    let mut batch: Vec<Object> = (0..services)
        .map(|i| {
            obj(
                json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": format!("svc-{i}")},
                "spec": {"selector": {"app": format!("app-{i}")}, "ports": [{"port": 80}]}}),
            )
        })
        .collect();
    batch.push(pod("mover", "app-0"));
    c.apply(batch).expect("apply");
    c.advance(5_000);
    c
}

fn pod(name: &str, app: &str) -> Object {
    obj(
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": app}},
        "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 8080}]}]}}),
    )
}

/// A cluster whose one Service has `endpoints` ready endpoints (a Deployment of that size on
/// enough nodes for the pod IPs).
fn endpoint_cluster(endpoints: usize) -> (Cluster, String) {
    let config = ClusterConfig {
        default_nodes: 500,
        pod_cidr: "10.0.0.0/8".into(),
        node_cidr: "172.16.0.0/12".into(),
        ..ClusterConfig::default()
    };
    let mut c = Cluster::new(config).expect("config");
    c.apply(vec![
        obj(json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"replicas": endpoints, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "c", "ports": [{"containerPort": 8080}]}]}}}})),
        obj(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}})),
    ])
    .expect("apply");
    c.advance(5_000);
    let victim = match c.list(Kind::Pod, Some("default")).first() {
        Some(Object::Pod(p)) => p.metadata.name.clone(),
        _ => panic!("no pods"),
    };
    (c, victim)
}

fn main() {
    let mut crit = Criterion::default()
        .output_directory(&criterion_dir())
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();

    // --- pod label change vs number of Services
    {
        let mut group = crit.benchmark_group("pod_label_change");
        for services in [100usize, 10_000] {
            let mut c = label_cluster(services);
            let mut flip = false;
            group.bench_function(BenchmarkId::from_parameter(services), |b| {
                b.iter(|| {
                    flip = !flip;
                    let app = if flip { "app-1" } else { "app-0" };
                    c.apply(vec![pod("mover", app)]).expect("relabel");
                })
            });
        }
        group.finish();
    }
    {
        let c = label_cluster(10_000);
        let index = c.service_index();
        let mut labels = StringMap::new();
        labels.insert("app".into(), "app-4242".into());
        let mut group = crit.benchmark_group("affected_services_10000");
        group.bench_function("index", |b| {
            b.iter(|| std::hint::black_box(index.services_for("default", &labels)))
        });
        group.bench_function("scan", |b| {
            b.iter(|| std::hint::black_box(index.services_for_by_scan("default", &labels)))
        });
        group.finish();
    }

    // --- one endpoint change vs Service size
    {
        let mut group = crit.benchmark_group("endpoint_change");
        for endpoints in [1_000usize, 100_000] {
            let (mut c, victim) = endpoint_cluster(endpoints);
            let mut ready = true;
            group.bench_function(BenchmarkId::from_parameter(endpoints), |b| {
                b.iter(|| {
                    ready = !ready;
                    let action = if ready {
                        PodAction::MakeReady
                    } else {
                        PodAction::MakeNotReady
                    };
                    c.pod_action("default", &victim, action).expect("pod action");
                })
            });
        }
        group.finish();
    }

    crit.final_summary();
    let ratios = [
        (
            "pod_label_change_10000_vs_100_services",
            median_ns("pod_label_change", "10000") / median_ns("pod_label_change", "100"),
        ),
        (
            "affected_services_scan_vs_index_10000",
            median_ns("affected_services_10000", "scan") / median_ns("affected_services_10000", "index"),
        ),
        // A label change that found its Services by scanning instead: the same apply, with
        // the two index lookups (old labels, new labels) replaced by two scans.
        (
            "pod_label_change_naive_scan_vs_indexed_10000",
            (median_ns("pod_label_change", "10000")
                + 2.0
                    * (median_ns("affected_services_10000", "scan")
                        - median_ns("affected_services_10000", "index")))
                / median_ns("pod_label_change", "10000"),
        ),
        (
            "endpoint_change_100000_vs_1000_endpoints",
            median_ns("endpoint_change", "100000") / median_ns("endpoint_change", "1000"),
        ),
    ];
    for (name, value) in ratios {
        println!("ratio {name} {value:.3}");
    }
}
