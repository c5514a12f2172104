//! KEP-752 "Estimation" (SPEC §3.7), reproduced by running the reconciler.
//!
//! Every scenario runs for real: Service create (full reconcile from nothing), a single
//! endpoint update (one Pod turns not-ready: one incremental delta), a rolling update (each
//! Pod replaced by a new one, one at a time: P incremental deltas of "remove old + add new",
//! run in full, not scaled) and Service delete (garbage collection).

use alloc::vec;
use alloc::vec::Vec;

use super::test_support::{desired, desired_range, http, service};
use super::*;
use crate::rng::Rng;

const KB: f64 = 1e3;
const MB: f64 = 1e6;
const GB: f64 = 1e9;
const TB: f64 = 1e12;

/// The costs of the four scenarios for one layout.
struct Run {
    create: ChurnReport,
    single: ChurnReport,
    rolling: ChurnTotals,
    delete: ChurnReport,
}

/// Runs the scenarios with slices of `max` endpoints; the Endpoints side is sized from the
/// endpoint count the state keeps.
fn run(pods: u32, nodes: u64, max: usize) -> Run {
    let model = ObjectSizeModel::KEP_752;
    let svc = service();
    let mut rng = Rng::new(752);
    let mut state = ServiceSlices::new();
    let out = state
        .reconcile(&svc, max, &desired_range(0..pods, &http()), &mut rng)
        .unwrap();
    let count = |s: &ServiceSlices| s.endpoint_count(AddressType::IPv4);
    let create = ChurnReport::for_change(
        &out.writes,
        EndpointsWrite::Create {
            endpoints: count(&state),
        },
        nodes,
        &model,
    );

    let mut not_ready = desired(0, &http());
    not_ready.endpoint.conditions.ready = false;
    let out = state
        .apply_delta(&svc, max, &[EndpointChange::Upsert(not_ready)], &mut rng)
        .unwrap();
    let single = ChurnReport::for_change(
        &out.writes,
        EndpointsWrite::Update {
            endpoints: count(&state),
        },
        nodes,
        &model,
    );

    let mut rolling = ChurnTotals::default();
    for i in 0..pods {
        let old = desired(i, &http());
        let changes = [
            EndpointChange::Remove {
                address_type: AddressType::IPv4,
                key: old.endpoint.key,
            },
            EndpointChange::Upsert(desired(pods + i, &http())),
        ];
        let out = state.apply_delta(&svc, max, &changes, &mut rng).unwrap();
        let ep = EndpointsWrite::Update {
            endpoints: count(&state),
        };
        rolling.add(&ChurnReport::for_change(&out.writes, ep, nodes, &model));
    }
    let ep = EndpointsWrite::Delete {
        endpoints: count(&state),
    };
    let delete = ChurnReport::for_change(&state.delete_all(), ep, nodes, &model);
    Run {
        create,
        single,
        rolling,
        delete,
    }
}

/// One cell of the KEP table: Endpoints, 100 per slice, 1 per slice.
struct Row {
    what: &'static str,
    /// As printed in the KEP.
    kep: [f64; 3],
    /// A cell where the KEP's own arithmetic gives another figure: (column, that figure).
    arithmetic: Option<(usize, f64)>,
    got: fn(&Run, usize) -> f64,
}

/// Column 0 reads the Endpoints side of the 100-per-slice run; 1 and 2 the slices side.
fn side(
    r: &Run,
    col: usize,
    report: fn(&Run) -> &ChurnReport,
    ep: fn(&ChurnReport) -> u64,
    sl: fn(&ChurnReport) -> u64,
) -> f64 {
    let rep = report(r);
    (if col == 0 { ep(rep) } else { sl(rep) }) as f64
}

fn rows() -> Vec<Row> {
    vec![
        Row {
            what: "create: writes",
            arithmetic: None,
            kep: [1.0, 200.0, 20_000.0],
            got: |r, c| side(r, c, |r| &r.create, |x| x.writes_endpoints, |x| x.writes_slices),
        },
        Row {
            what: "create: object size",
            arithmetic: None,
            kep: [2.0 * MB, 10.0 * KB, 1.0 * KB],
            got: |r, c| {
                side(
                    r,
                    c,
                    |r| &r.create,
                    |x| x.endpoints_object_bytes,
                    |x| x.largest_slice_bytes,
                )
            },
        },
        Row {
            what: "create: watch events",
            arithmetic: None,
            kep: [5_000.0, 1_000_000.0, 100_000_000.0],
            got: |r, c| {
                side(
                    r,
                    c,
                    |r| &r.create,
                    |x| x.watch_events_endpoints,
                    |x| x.watch_events_slices,
                )
            },
        },
        // KEP: "~10 GB" for 1 per slice, but 20,000 writes × 5,000 nodes × ~1 KB (its own object
        // size, and its "~1 KB × 5000 = ~5 MB" single update) is 100 GB. We check the arithmetic.
        Row {
            what: "create: bytes",
            arithmetic: Some((2, 100.0 * GB)),
            kep: [10.0 * GB, 10.0 * GB, 10.0 * GB],
            got: |r, c| side(r, c, |r| &r.create, |x| x.bytes_endpoints, |x| x.bytes_slices),
        },
        Row {
            what: "delete: writes",
            arithmetic: None,
            kep: [1.0, 200.0, 20_000.0],
            got: |r, c| side(r, c, |r| &r.delete, |x| x.writes_endpoints, |x| x.writes_slices),
        },
        Row {
            what: "delete: bytes",
            arithmetic: Some((2, 100.0 * GB)),
            kep: [10.0 * GB, 10.0 * GB, 10.0 * GB],
            got: |r, c| side(r, c, |r| &r.delete, |x| x.bytes_endpoints, |x| x.bytes_slices),
        },
        Row {
            what: "single update: writes",
            arithmetic: None,
            kep: [1.0, 1.0, 1.0],
            got: |r, c| side(r, c, |r| &r.single, |x| x.writes_endpoints, |x| x.writes_slices),
        },
        Row {
            what: "single update: watch events",
            arithmetic: None,
            kep: [5_000.0; 3],
            got: |r, c| {
                side(
                    r,
                    c,
                    |r| &r.single,
                    |x| x.watch_events_endpoints,
                    |x| x.watch_events_slices,
                )
            },
        },
        Row {
            what: "single update: bytes",
            arithmetic: None,
            kep: [10.0 * GB, 50.0 * MB, 5.0 * MB],
            got: |r, c| side(r, c, |r| &r.single, |x| x.bytes_endpoints, |x| x.bytes_slices),
        },
        Row {
            what: "rolling update: writes",
            arithmetic: None,
            kep: [20_000.0; 3],
            got: |r, c| {
                side(
                    r,
                    c,
                    |r| &r.rolling.sum,
                    |x| x.writes_endpoints,
                    |x| x.writes_slices,
                )
            },
        },
        Row {
            what: "rolling update: watch events",
            arithmetic: None,
            kep: [5_000.0 * 20_000.0; 3],
            got: |r, c| {
                side(
                    r,
                    c,
                    |r| &r.rolling.sum,
                    |x| x.watch_events_endpoints,
                    |x| x.watch_events_slices,
                )
            },
        },
        Row {
            what: "rolling update: bytes",
            arithmetic: None,
            kep: [200.0 * TB, 1.0 * TB, 100.0 * GB],
            got: |r, c| {
                side(
                    r,
                    c,
                    |r| &r.rolling.sum,
                    |x| x.bytes_endpoints,
                    |x| x.bytes_slices,
                )
            },
        },
    ]
}

#[test]
fn kep_752_case_1_twenty_thousand_endpoints_five_thousand_nodes() {
    let (b100, b1) = (run(20_000, 5_000, 100), run(20_000, 5_000, 1));
    for row in rows() {
        let got = [(row.got)(&b100, 0), (row.got)(&b100, 1), (row.got)(&b1, 2)];
        for (col, (g, mut k)) in got.iter().zip(row.kep).enumerate() {
            if let Some((_, figure)) = row.arithmetic.filter(|(c, _)| *c == col) {
                k = figure;
            }
            let ratio = g / k;
            assert!(
                (0.9..=1.1).contains(&ratio),
                "{} column {col}: got {g}, KEP {k}",
                row.what
            );
        }
    }
    // the Endpoints side is the same whatever the slice size
    assert_eq!(b100.rolling.sum.bytes_endpoints, b1.rolling.sum.bytes_endpoints);
}

#[test]
fn kep_752_case_2_twenty_endpoints_ten_nodes() {
    let (b100, b1) = (run(20, 10, 100), run(20, 10, 1));
    // writes as the KEP: create 1 / 1 / 20, single update 1 each, rolling update 20 each
    let writes = |r: &Run| {
        (
            r.create.writes_slices,
            r.single.writes_slices,
            r.rolling.sum.writes_slices,
        )
    };
    assert_eq!(writes(&b100), (1, 1, 20));
    assert_eq!(writes(&b1), (20, 1, 20));
    assert_eq!(
        (b100.create.writes_endpoints, b100.rolling.sum.writes_endpoints),
        (1, 20)
    );
    // KEP: "every variant ≈ 1 KB objects; create 10 KB vs 10 KB vs 200 KB; single update 10 KB
    // each; rolling update 200 KB each". The 1-per-slice column matches within 10 %; the
    // model sizes a 20-endpoint object at 2.9 KB (not the KEP's rounded ~1 KB), so the other
    // two columns are 2.9× the KEP's figures and equal to each other: no difference at small scale.
    let near = |g: u64, k: f64| (0.9..=1.1).contains(&(g as f64 / k));
    assert!(near(b1.create.bytes_slices, 200.0 * KB));
    assert!(near(b1.single.bytes_slices, 10.0 * KB));
    assert!(near(b1.rolling.sum.bytes_slices, 200.0 * KB));
    assert_eq!(
        (b100.create.bytes_slices, b100.create.bytes_endpoints),
        (29_000, 29_000)
    );
    assert_eq!(
        (b100.single.bytes_slices, b100.single.bytes_endpoints),
        (29_000, 29_000)
    );
    assert_eq!(
        (b100.rolling.sum.bytes_slices, b100.rolling.sum.bytes_endpoints),
        (580_000, 580_000)
    );
}

#[test]
fn object_size_model_is_the_keps() {
    let m = ObjectSizeModel::default();
    assert_eq!(
        (m.bytes(0), m.bytes(1), m.bytes(100), m.bytes(20_000)),
        (900, 1_000, 10_900, 2_000_900)
    );
}

#[test]
fn no_endpoints_write_costs_nothing_on_that_side() {
    let r = ChurnReport::for_change(&[], EndpointsWrite::None, 5_000, &ObjectSizeModel::KEP_752);
    assert_eq!(r, ChurnReport::default());
}
