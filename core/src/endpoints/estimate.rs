//! KEP-752's "Estimation" (SPEC §3.7) run through the reconciler rather than multiplied out:
//! a Service of `pods` synthetic endpoints is created (one full reconcile), one endpoint turns
//! not-ready (one incremental delta), every pod is replaced by a new one, one at a time (a
//! rolling update: `pods` deltas of "remove old + add new"), and the Service is deleted. Each
//! step's writes are sized with the object size model, for one watcher; [`ChurnReport::broadcast`]
//! gives any node count exactly.
//!
//! No Pod objects are involved, so this answers at the KEP's scale (20,000 endpoints) in well
//! under a second, where building a real 20,000-pod cluster takes seconds.

use crate::json::ToJson;
use alloc::format;
use alloc::vec;
use alloc::vec::Vec;

use super::churn::{ChurnReport, ChurnTotals, EndpointsWrite, ObjectSizeModel};
use super::output::{ReconcileError, WriteCounts};
use super::service_slices::ServiceSlices;
use super::types::{
    AddressType, DesiredEndpoint, Endpoint, EndpointChange, EndpointConditions, EndpointKey, PortSpec,
    Protocol, ServiceInfo,
};
use crate::rng::Rng;

/// KEP-752's case 1: endpoints behind the Service.
pub const KEP_752_ENDPOINTS: u32 = 20_000;
/// KEP-752's case 1: nodes, each watching (kube-proxy).
pub const KEP_752_NODES: u64 = 5_000;

/// One scenario's cost for one watcher, and the slice writes it took.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioCost {
    /// API changes the scenario is made of (1, or one per replaced pod).
    pub changes: u64,
    pub writes: WriteCounts,
    /// Summed over the scenario's changes, for one watcher.
    pub per_watcher: ChurnReport,
}

/// The four scenarios of the KEP's table, each for one watcher.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct Estimation {
    pub endpoints: u32,
    pub max_endpoints_per_slice: usize,
    pub model: ObjectSizeModel,
    pub service_create: ScenarioCost,
    pub single_endpoint_update: ScenarioCost,
    pub rolling_update: ScenarioCost,
    pub service_delete: ScenarioCost,
}

fn service() -> ServiceInfo {
    ServiceInfo {
        namespace: "default".into(),
        name: "kep-752".into(),
        uid: "kep-752".into(),
        labels: [("app".into(), "kep-752".into())].into_iter().collect(),
        headless: false,
        publish_not_ready_addresses: false,
        terminating: false,
        address_types: vec![AddressType::IPv4],
    }
}

fn ports() -> Vec<PortSpec> {
    vec![PortSpec {
        name: "http".into(),
        port: 8080,
        protocol: Protocol::Tcp,
        app_protocol: None,
    }]
}

/// Pod `i`: an address of its own in 10.0.0.0/8 (room for 16M pods), spread over 100 nodes.
fn endpoint(i: u32, ready: bool) -> DesiredEndpoint {
    let ip = format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255);
    DesiredEndpoint {
        address_type: AddressType::IPv4,
        ports: ports(),
        endpoint: Endpoint {
            key: EndpointKey::new(vec![ip], None, "default", format!("pod-{i}")),
            pod_uid: format!("uid-{i}"),
            node_name: Some(format!("node-{}", i % 100 + 1)),
            zone: None,
            conditions: EndpointConditions {
                ready,
                serving: ready,
                terminating: false,
            },
        },
    }
}

fn counts(writes: &[super::SliceWrite]) -> WriteCounts {
    let mut c = WriteCounts::default();
    for w in writes {
        match w.op {
            super::WriteOp::Create => c.creates += 1,
            super::WriteOp::Update => c.updates += 1,
            super::WriteOp::Delete => c.deletes += 1,
        }
    }
    c
}

fn add_counts(a: &mut WriteCounts, b: WriteCounts) {
    a.creates += b.creates;
    a.updates += b.updates;
    a.deletes += b.deletes;
}

/// Runs the four scenarios for `endpoints` pods with slices of `max_endpoints_per_slice`.
/// The Endpoints side is the KEP's uncapped object (the real one stops at 1000 addresses).
/// Costs O(endpoints × log endpoints); an invalid `max_endpoints_per_slice` is an `Err`.
pub fn estimate(
    endpoints: u32,
    max_endpoints_per_slice: usize,
    model: &ObjectSizeModel,
) -> Result<Estimation, ReconcileError> {
    let svc = service();
    let max = max_endpoints_per_slice;
    let mut rng = Rng::new(752);
    let mut state = ServiceSlices::new();
    let count = |s: &ServiceSlices| s.endpoint_count(AddressType::IPv4);
    let cost = |writes: &[super::SliceWrite], ep: EndpointsWrite| ScenarioCost {
        changes: 1,
        writes: counts(writes),
        per_watcher: ChurnReport::for_change(writes, ep, 1, model),
    };

    let desired: Vec<DesiredEndpoint> = (0..endpoints).map(|i| endpoint(i, true)).collect();
    let out = state.reconcile(&svc, max, &desired, &mut rng)?;
    let service_create = cost(
        &out.writes,
        EndpointsWrite::Create {
            endpoints: count(&state),
        },
    );

    let single_endpoint_update = if endpoints == 0 {
        ScenarioCost::default()
    } else {
        let out = state.apply_delta(&svc, max, &[EndpointChange::Upsert(endpoint(0, false))], &mut rng)?;
        cost(
            &out.writes,
            EndpointsWrite::Update {
                endpoints: count(&state),
            },
        )
    };

    let mut rolling = ChurnTotals::default();
    let mut rolling_writes = WriteCounts::default();
    for i in 0..endpoints {
        let changes = [
            EndpointChange::Remove {
                address_type: AddressType::IPv4,
                key: endpoint(i, true).endpoint.key,
            },
            EndpointChange::Upsert(endpoint(endpoints.saturating_add(i), true)),
        ];
        let out = state.apply_delta(&svc, max, &changes, &mut rng)?;
        let ep = EndpointsWrite::Update {
            endpoints: count(&state),
        };
        rolling.add(&ChurnReport::for_change(&out.writes, ep, 1, model));
        add_counts(&mut rolling_writes, counts(&out.writes));
    }
    let rolling_update = ScenarioCost {
        changes: rolling.changes,
        writes: rolling_writes,
        per_watcher: rolling.sum,
    };

    let before = count(&state);
    let writes = state.delete_all();
    let service_delete = cost(&writes, EndpointsWrite::Delete { endpoints: before });

    Ok(Estimation {
        endpoints,
        max_endpoints_per_slice,
        model: *model,
        service_create,
        single_endpoint_update,
        rolling_update,
        service_delete,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KB: u64 = 1_000;
    const MB: u64 = 1_000_000;
    const GB: u64 = 1_000_000_000;
    const TB: u64 = 1_000_000_000_000;

    /// The KEP's case 1 (20,000 endpoints, 5,000 nodes, 100 per slice) as printed, each figure
    /// within the 9 % its rounding of "10 KB" per 100-endpoint slice hides (the model says
    /// 10.9 KB); and its case 2 (20 endpoints, 10 nodes), where every object is one small one,
    /// exactly as the model sizes it (900 B + 100 B × 20 = 2.9 KB).
    #[test]
    fn the_kep_figures_come_out_of_the_reconciler() {
        type Pick = fn(&Estimation) -> &ScenarioCost;
        let create: Pick = |e| &e.service_create;
        let single: Pick = |e| &e.single_endpoint_update;
        let rolling: Pick = |e| &e.rolling_update;
        let delete: Pick = |e| &e.service_delete;
        // (endpoints, nodes, scenario, slice writes, bytes with slices, bytes with Endpoints,
        //  tolerance as a ratio)
        type Case = (u32, u64, &'static str, Pick, u64, u64, u64, f64);
        let cases: [Case; 8] = [
            (20_000, 5_000, "create", create, 200, 10 * GB, 10 * GB, 0.1),
            (20_000, 5_000, "single update", single, 1, 50 * MB, 10 * GB, 0.1),
            (
                20_000,
                5_000,
                "rolling update",
                rolling,
                20_000,
                TB,
                200 * TB,
                0.1,
            ),
            (20_000, 5_000, "delete", delete, 200, 10 * GB, 10 * GB, 0.1),
            (20, 10, "create", create, 1, 29 * KB, 29 * KB, 0.0),
            (20, 10, "single update", single, 1, 29 * KB, 29 * KB, 0.0),
            (20, 10, "rolling update", rolling, 20, 580 * KB, 580 * KB, 0.0),
            (20, 10, "delete", delete, 1, 29 * KB, 29 * KB, 0.0),
        ];
        let mut runs: Vec<(u32, Estimation)> = Vec::new();
        for (endpoints, nodes, what, pick, writes, slices, monolith, tolerance) in cases {
            if !runs.iter().any(|(n, _)| *n == endpoints) {
                let e = estimate(endpoints, 100, &ObjectSizeModel::KEP_752).expect("estimate");
                runs.push((endpoints, e));
            }
            let e = &runs.iter().find(|(n, _)| *n == endpoints).expect("run").1;
            let got = pick(e).per_watcher.broadcast(nodes);
            assert_eq!(got.writes_slices, writes, "{endpoints}/{what}: slice writes");
            let near = |got: u64, want: u64| (got as f64 / want as f64 - 1.0).abs() <= tolerance;
            assert!(
                near(got.bytes_slices, slices),
                "{endpoints}/{what}: {} B with slices",
                got.bytes_slices
            );
            assert!(
                near(got.bytes_endpoints, monolith),
                "{endpoints}/{what}: {} B with Endpoints",
                got.bytes_endpoints
            );
            assert_eq!(
                got.watch_events_slices,
                writes * nodes,
                "{endpoints}/{what}: events"
            );
        }
    }

    #[test]
    fn bad_settings_are_errors_and_empty_services_cost_a_placeholder() {
        let model = ObjectSizeModel::KEP_752;
        assert!(matches!(
            estimate(10, 0, &model),
            Err(ReconcileError::InvalidMaxEndpointsPerSlice(_))
        ));
        assert!(estimate(10, 1001, &model).is_err());
        let e = estimate(0, 100, &model).expect("empty");
        // (scenario, slice writes): the placeholder slice is created and deleted.
        let cases = [
            ("create", e.service_create.per_watcher.writes_slices, 1),
            ("single", e.single_endpoint_update.per_watcher.writes_slices, 0),
            ("rolling", e.rolling_update.per_watcher.writes_slices, 0),
            ("delete", e.service_delete.per_watcher.writes_slices, 1),
        ];
        for (what, got, want) in cases {
            assert_eq!(got, want, "{what}");
        }
    }
}
