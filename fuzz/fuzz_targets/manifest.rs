//! Any UTF-8 text through everything a pasted manifest goes through: `parse_manifests`, then
//! `Cluster::apply` on a fresh cluster, the errors or warnings positioned in the text, ten
//! simulated seconds, and the export read back. Nothing may panic, and the export must parse;
//! when it applies again, exporting that cluster must give the same text (the fixed point).
//!
//! Replica counts are capped: a Deployment of 10⁸ pods is a valid manifest whose cost is
//! linear in its size by design, and the fuzzer is here to find panics, not big clusters.
#![no_main]

use kroute::cluster::{ApplyError, Cluster, ClusterConfig};
use kroute::manifest::{locate_errors, locate_references, parse_manifests, ExportOptions};
use kroute::model::Object;
use libfuzzer_sys::fuzz_target;

const MAX_REPLICAS: i64 = 20;

fn replicas(object: &Object) -> Option<i64> {
    match object {
        Object::Deployment(d) => d.spec.replicas,
        Object::ReplicaSet(r) => r.spec.replicas,
        Object::StatefulSet(s) => s.spec.replicas,
        _ => None,
    }
}

fn fresh() -> Cluster {
    Cluster::new(ClusterConfig::default()).expect("the default config is valid")
}

fuzz_target!(|text: &str| {
    let Ok(objects) = parse_manifests(text) else {
        return;
    };
    if objects
        .iter()
        .any(|o| replicas(&o.object).is_some_and(|r| r > MAX_REPLICAS))
    {
        return;
    }
    let mut cluster = fresh();
    match cluster.apply(objects.iter().map(|o| o.object.clone()).collect()) {
        Ok(report) => {
            let _ = locate_references(&objects, text, &report.references);
        }
        Err(ApplyError::Invalid(errors)) => {
            let _ = locate_errors(&objects, text, &errors);
            return;
        }
        Err(_) => return,
    }
    cluster.advance(10_000);
    let exported = cluster.export_yaml(ExportOptions { derived: true });
    let again = match parse_manifests(&exported) {
        Ok(objects) => objects,
        Err(e) => panic!("the export does not parse: {e}\n{exported}"),
    };
    let plain = cluster.export_yaml(ExportOptions::default());
    let mut second = fresh();
    if second
        .apply(again.into_iter().map(|o| o.object).collect())
        .is_ok()
    {
        second.advance(10_000);
        assert_eq!(
            second.export_yaml(ExportOptions::default()),
            plain,
            "not a fixed point"
        );
    }
});
