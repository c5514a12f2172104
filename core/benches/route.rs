//! `route()` end to end (issue 3): requests per second through the Ingress controller to a pod,
//! and through kube-proxy from a pod to a ClusterIP, with the dataplane's tables compiled once
//! (`Dataplane::new`, as the traffic generator does) and rebuilt per request (`Cluster::route`,
//! as a single request from the UI does). Printed as `ratio <name> <value>` lines.

#[path = "common/mod.rs"]
mod common;

use std::time::Duration;

use common::{criterion_dir, median_ns};
use criterion::Criterion;
use kroute::cluster::{Cluster, ClusterConfig};
use kroute::dataplane::route::{Dataplane, Request, RouteState, Source};
use kroute::examples;

fn load(yaml: &str) -> Cluster {
    let mut c = Cluster::new(ClusterConfig::default()).expect("config");
    let objects = kroute::manifest::parse_manifests(yaml)
        .expect("example manifests parse")
        .into_iter()
        .map(|m| m.object)
        .collect();
    c.apply(objects).expect("example manifests apply");
    c.advance(10_000);
    c
}

fn main() {
    let mut crit = Criterion::default()
        .output_directory(&criterion_dir())
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();

    let ingress = Request::get(
        Source::External { client_ip: None },
        "http://shop.example.com/api/orders/7",
    );
    let mut ingress_cluster = load(examples::INGRESS_YAML);
    let mut cluster_ip_cluster = load(examples::STATEFULSET_YAML);
    // The StatefulSet example's client reaching the headless Service's pods by name, and a
    // ClusterIP Service added next to it for the kube-proxy path.
    let extra = kroute::manifest::parse_manifests(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web-vip}\nspec: {selector: {app: nginx}, ports: [{port: 80}]}\n",
    )
    .expect("parse")
    .into_iter()
    .map(|m| m.object)
    .collect();
    cluster_ip_cluster.apply(extra).expect("apply");
    let cluster_ip = Request::get(
        Source::Pod {
            namespace: "default".into(),
            name: "client".into(),
        },
        "http://web-vip/",
    );
    {
        let mut group = crit.benchmark_group("route");
        {
            let dp = Dataplane::new(&ingress_cluster);
            let mut state = RouteState::new(1);
            group.bench_function("ingress_prebuilt", |b| {
                b.iter(|| std::hint::black_box(dp.route(&ingress, &mut state, 0).expect("routes")))
            });
        }
        {
            let dp = Dataplane::new(&cluster_ip_cluster);
            let mut state = RouteState::new(1);
            group.bench_function("cluster_ip_prebuilt", |b| {
                b.iter(|| std::hint::black_box(dp.route(&cluster_ip, &mut state, 0).expect("routes")))
            });
        }
        group.bench_function("ingress_cluster_route", |b| {
            b.iter(|| std::hint::black_box(ingress_cluster.route(&ingress).expect("routes")))
        });
        group.finish();
    }
    crit.final_summary();
    let rps = |id: &str| 1e9 / median_ns("route", id);
    let ratios = [
        (
            "route_ingress_to_pod_requests_per_second",
            rps("ingress_prebuilt"),
        ),
        (
            "route_cluster_ip_to_pod_requests_per_second",
            rps("cluster_ip_prebuilt"),
        ),
        (
            "route_ingress_rebuilt_vs_prebuilt",
            median_ns("route", "ingress_cluster_route") / median_ns("route", "ingress_prebuilt"),
        ),
    ];
    for (name, value) in ratios {
        println!("ratio {name} {value:.3}");
    }
}
