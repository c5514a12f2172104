//! Manifest parsing benchmark, side by side in one run (issue 4): `parse_manifests` on ~1 MB
//! of realistic YAML against serde_yaml_ng alone deserializing the same stream into generic
//! values (`serde_yaml_ng::Value`, one per document). The goal is at most 3×: everything
//! kroute adds — cutting the stream by positions, merge keys, the YAML → JSON conversion of
//! `sigs.k8s.io/yaml`, typed decoding with field paths, Lists flattened — may cost at most
//! twice what reading the YAML costs.
//!
//! The text is the Online Boutique release (35 documents, a Helm-style render) and a
//! `kubectl get -o yaml` List dump (17 items with status and managedFields), repeated with
//! distinct names until it passes 1 MB.
//!
//! Prints `ratio manifest_parse_vs_serde_yaml_ng <value>` from criterion's median estimates,
//! which `cargo xtask bench` collects.

#[path = "common/mod.rs"]
mod common;

use std::time::Duration;

use common::{criterion_dir, median_ns};
use criterion::{Criterion, Throughput};
use kroute::manifest::parse_manifests;
use serde::Deserialize;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/fixtures/manifests/");
const BOUTIQUE: &str = "GoogleCloudPlatform-microservices-demo__online-boutique-release.yaml";
const DUMP: &str = "philippemerle-KubeDiagrams__nginx-deployed-all-list.yaml";

fn read(file: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}{file}")).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Copies of the two manifests, each copy's objects renamed (`c3-frontend`), until the text
/// passes 1 MB. Object names sit at two spaces in the render and four in the List's items.
fn megabyte() -> (String, usize) {
    let (boutique, dump) = (read(BOUTIQUE), read(DUMP));
    let mut text = String::new();
    let mut copies = 0;
    while text.len() < 1 << 20 {
        text.push_str("---\n");
        text.push_str(&boutique.replace("\n  name: ", &format!("\n  name: c{copies}-")));
        text.push_str("\n---\n");
        text.push_str(&dump.replace("\n    name: ", &format!("\n    name: c{copies}-")));
        text.push('\n');
        copies += 1;
    }
    (text, copies)
}

/// serde_yaml_ng alone: every document of the stream into a generic value.
fn serde_yaml_ng_values(text: &str) -> usize {
    serde_yaml_ng::Deserializer::from_str(text)
        .map(|doc| serde_yaml_ng::Value::deserialize(doc).expect("the benchmark text is YAML"))
        .filter(|v| !v.is_null())
        .count()
}

fn main() {
    let (text, copies) = megabyte();
    let objects = parse_manifests(&text).expect("the benchmark text parses").len();
    // Every object of every copy is read, and the names are distinct.
    assert_eq!(objects, copies * (35 + 17));
    println!(
        "manifest benchmark: {} bytes, {copies} copies, {} documents, {objects} objects",
        text.len(),
        serde_yaml_ng_values(&text)
    );

    let mut crit = Criterion::default()
        .output_directory(&criterion_dir())
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(4))
        .configure_from_args();
    {
        let mut group = crit.benchmark_group("manifest_1mb");
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function("parse_manifests", |b| {
            b.iter(|| parse_manifests(std::hint::black_box(&text)).map(|o| o.len()))
        });
        group.bench_function("serde_yaml_ng", |b| {
            b.iter(|| serde_yaml_ng_values(std::hint::black_box(&text)))
        });
        group.finish();
    }
    crit.final_summary();
    let ratio = median_ns("manifest_1mb", "parse_manifests") / median_ns("manifest_1mb", "serde_yaml_ng");
    println!("ratio manifest_parse_vs_serde_yaml_ng {ratio:.3}");
}
