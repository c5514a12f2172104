//! SPEC §3.5 worked examples and reconcile behaviour, as tables.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use super::test_support::*;
use super::*;
use crate::rng::Rng;

type Cause = (WriteOp, WriteCause, Option<WriteCause>);

struct Example {
    source: &'static str,
    /// Fills of the existing slices S1, S2, … (all synced, port set http).
    start: &'static [u32],
    /// Pods of S1 that go away.
    remove_from_s1: u32,
    /// New pods.
    add: u32,
    remove_all: bool,
    writes: &'static [Cause],
    fills_after: &'static [usize],
}

const C: WriteOp = WriteOp::Create;
const U: WriteOp = WriteOp::Update;

// SPEC §3.5 "Worked examples (max = 100)", all six rows.
const EXAMPLES: &[Example] = &[
    Example {
        source: "none; 250 pods appear",
        start: &[],
        remove_from_s1: 0,
        add: 250,
        remove_all: false,
        writes: &[
            (C, WriteCause::NewSlice, None),
            (C, WriteCause::NewSlice, None),
            (C, WriteCause::NewSlice, None),
        ],
        fills_after: &[100, 100, 50],
    },
    Example {
        source: "S1=100, S2=60; +10 pods",
        start: &[100, 60],
        remove_from_s1: 0,
        add: 10,
        remove_all: false,
        writes: &[(U, WriteCause::BestFit, None)],
        fills_after: &[100, 70],
    },
    Example {
        source: "S1=95, S2=95; +10 pods (docs' example)",
        start: &[95, 95],
        remove_from_s1: 0,
        add: 10,
        remove_all: false,
        writes: &[(C, WriteCause::NewSlice, None)],
        fills_after: &[95, 95, 10],
    },
    Example {
        source: "S1=100, S2=60; -1 pod in S1, +3 pods",
        start: &[100, 60],
        remove_from_s1: 1,
        add: 3,
        remove_all: false,
        writes: &[
            (U, WriteCause::EndpointsChanged, None),
            (U, WriteCause::BestFit, None),
        ],
        fills_after: &[100, 62],
    },
    Example {
        source: "S1=40; all 40 pods gone",
        start: &[40],
        remove_from_s1: 0,
        add: 0,
        remove_all: true,
        writes: &[(U, WriteCause::Placeholder, Some(WriteCause::PortSetGone))],
        fills_after: &[0],
    },
    Example {
        source: "none; Service created, 0 pods",
        start: &[],
        remove_from_s1: 0,
        add: 0,
        remove_all: false,
        writes: &[(C, WriteCause::Placeholder, None)],
        fills_after: &[0],
    },
];

/// The starting slices and the desired set after the change, for one example.
fn example_state(ex: &Example) -> (Vec<Slice>, Vec<DesiredEndpoint>, Vec<DesiredEndpoint>) {
    let svc = service();
    let mut slices = Vec::new();
    let mut before = Vec::new();
    for (k, &n) in ex.start.iter().enumerate() {
        let base = 1000 * k as u32;
        let ds = desired_range(base..base + n, &http());
        slices.push(slice(&svc, &format!("web-s{}", k + 1), &http(), &ds));
        before.extend(ds);
    }
    let mut after: Vec<DesiredEndpoint> = before.iter().skip(ex.remove_from_s1 as usize).cloned().collect();
    after.extend(desired_range(100_000..100_000 + ex.add, &http()));
    if ex.remove_all {
        after.clear();
    }
    (slices, before, after)
}

fn causes(out: &ReconcileOutput) -> Vec<Cause> {
    out.writes.iter().map(|w| (w.op, w.cause, w.recycled)).collect()
}

#[test]
fn spec_worked_examples_full_reconcile() {
    let svc = service();
    for ex in EXAMPLES {
        let (existing, _, after) = example_state(ex);
        let input = ReconcileInput {
            service: &svc,
            max_endpoints_per_slice: 100,
            existing: &existing,
            desired: &after,
        };
        let out = reconcile(&input, &mut Rng::new(1)).unwrap();
        assert_eq!(causes(&out), ex.writes, "{}", ex.source);
        let result = out.apply_to(existing.clone());
        assert_eq!(fills(&result), ex.fills_after, "{}", ex.source);
        check_synced(&svc, 100, &result, &after).unwrap_or_else(|e| panic!("{}: {e}", ex.source));
    }
}

#[test]
fn spec_worked_examples_incremental() {
    let svc = service();
    for ex in EXAMPLES.iter().filter(|ex| !ex.start.is_empty()) {
        let (existing, before, after) = example_state(ex);
        let mut state = ServiceSlices::from_slices(existing).unwrap();
        let mut rng = Rng::new(1);
        let sync = state.reconcile(&svc, 100, &before, &mut rng).unwrap();
        assert!(
            sync.writes.is_empty(),
            "{}: a synced state reconciles to no writes",
            ex.source
        );
        let mut changes: Vec<EndpointChange> = before
            .iter()
            .filter(|d| !after.contains(d))
            .map(|d| EndpointChange::Remove {
                address_type: d.address_type,
                key: d.endpoint.key.clone(),
            })
            .collect();
        changes.extend(
            after
                .iter()
                .filter(|d| !before.contains(d))
                .cloned()
                .map(EndpointChange::Upsert),
        );
        let out = state.apply_delta(&svc, 100, &changes, &mut rng).unwrap();
        assert_eq!(causes(&out), ex.writes, "{}", ex.source);
        assert_eq!(fills(state.slices()), ex.fills_after, "{}", ex.source);
    }
}

#[test]
fn emptied_slice_keeps_its_name_as_the_placeholder() {
    let ex = &EXAMPLES[4];
    let (existing, _, after) = example_state(ex);
    let svc = service();
    let input = ReconcileInput {
        service: &svc,
        max_endpoints_per_slice: 100,
        existing: &existing,
        desired: &after,
    };
    let out = reconcile(&input, &mut Rng::new(1)).unwrap();
    let w = &out.writes[0];
    assert_eq!(
        (w.slice.name.as_str(), w.slice.ports.len(), w.removed),
        ("web-s1", 0, 40)
    );
}

/// One reconcile scenario: existing slices and desired endpoints → write counts.
struct Scenario {
    name: &'static str,
    svc: ServiceInfo,
    max: usize,
    existing: Vec<Slice>,
    desired: Vec<DesiredEndpoint>,
    counts: (usize, usize, usize),
    suppressed: usize,
}

fn scenarios() -> Vec<Scenario> {
    let svc = service();
    let ten = desired_range(0..10, &http());
    let synced = vec![slice(&svc, "web-a", &http(), &ten)];
    let mut relabelled = svc.clone();
    relabelled.labels.insert("tier".into(), "front".into());
    let mut terminating = svc.clone();
    terminating.terminating = true;
    let mut other_owner = synced.clone();
    other_owner[0].owner_uid = Some("uid-old".into());
    let mut dual = svc.clone();
    dual.address_types = vec![AddressType::IPv4, AddressType::IPv6];
    let mut v6_only = svc.clone();
    v6_only.address_types = vec![AddressType::IPv6];
    let placeholder = Slice {
        ports: Vec::new(),
        endpoints: Vec::new(),
        ..slice(&svc, "web-ph", &[], &[])
    };
    let mut reserved_only = svc.clone();
    reserved_only.labels.insert(LABEL_HEADLESS.into(), String::new());
    vec![
        Scenario {
            name: "synced state: nothing to write",
            svc: svc.clone(),
            max: 100,
            existing: synced.clone(),
            desired: ten.clone(),
            counts: (0, 0, 0),
            suppressed: 0,
        },
        Scenario {
            name: "Service labels drift: slice updated (labels only)",
            svc: relabelled,
            max: 100,
            existing: synced.clone(),
            desired: ten.clone(),
            counts: (0, 1, 0),
            suppressed: 0,
        },
        Scenario {
            name: "a reserved label on the Service is not drift",
            svc: reserved_only,
            max: 100,
            existing: synced.clone(),
            desired: ten.clone(),
            counts: (0, 0, 0),
            suppressed: 0,
        },
        Scenario {
            name: "one endpoint refreshed (not ready): one update",
            svc: svc.clone(),
            max: 100,
            existing: synced.clone(),
            desired: {
                let mut d = ten.clone();
                d[3].endpoint.conditions.ready = false;
                d
            },
            counts: (0, 1, 0),
            suppressed: 0,
        },
        Scenario {
            name: "terminating Service: creates are suppressed",
            svc: terminating.clone(),
            max: 100,
            existing: Vec::new(),
            desired: ten.clone(),
            counts: (0, 0, 0),
            suppressed: 1,
        },
        Scenario {
            name: "terminating Service: updates and deletes still happen",
            svc: terminating,
            max: 5,
            existing: synced.clone(),
            desired: desired_range(0..3, &http()),
            counts: (0, 1, 0),
            suppressed: 0,
        },
        Scenario {
            name: "slice of an older Service object: deleted, never recycled",
            svc: svc.clone(),
            max: 100,
            existing: other_owner,
            desired: ten.clone(),
            counts: (1, 0, 1),
            suppressed: 0,
        },
        Scenario {
            name: "family added: placeholder for IPv6",
            svc: dual,
            max: 100,
            existing: synced.clone(),
            desired: ten.clone(),
            counts: (1, 0, 0),
            suppressed: 0,
        },
        Scenario {
            name: "family dropped: IPv4 slice deleted after IPv6 placeholder is created",
            svc: v6_only,
            max: 100,
            existing: synced.clone(),
            desired: Vec::new(),
            counts: (1, 0, 1),
            suppressed: 0,
        },
        Scenario {
            name: "existing placeholder and no endpoints: kept, no churn",
            svc: svc.clone(),
            max: 100,
            existing: vec![placeholder.clone()],
            desired: Vec::new(),
            counts: (0, 0, 0),
            suppressed: 0,
        },
        Scenario {
            name: "placeholder and endpoints appear: placeholder recycled",
            svc: svc.clone(),
            max: 100,
            existing: vec![placeholder.clone()],
            desired: ten.clone(),
            counts: (0, 1, 0),
            suppressed: 0,
        },
        Scenario {
            name: "port change: every endpoint moves group; old slice recycled",
            svc: svc.clone(),
            max: 100,
            existing: synced.clone(),
            desired: desired_range(0..10, &port_set(1)),
            counts: (0, 1, 0),
            suppressed: 0,
        },
        Scenario {
            name: "headless without ports: endpoints fill the existing empty placeholder",
            svc: svc.clone(),
            max: 100,
            existing: vec![placeholder],
            desired: desired_range(0..10, &[]),
            counts: (0, 1, 0),
            suppressed: 0,
        },
        Scenario {
            name: "max 1: one slice per endpoint",
            svc: svc.clone(),
            max: 1,
            existing: Vec::new(),
            desired: ten.clone(),
            counts: (10, 0, 0),
            suppressed: 0,
        },
        Scenario {
            name: "no rebalancing: shrinking never merges slices",
            svc,
            max: 5,
            existing: vec![
                slice(&service(), "web-a", &http(), &ten[0..5]),
                slice(&service(), "web-b", &http(), &ten[5..10]),
            ],
            desired: vec![ten[0].clone(), ten[9].clone()],
            counts: (0, 2, 0),
            suppressed: 0,
        },
    ]
}

#[test]
fn reconcile_scenarios() {
    for sc in scenarios() {
        let input = ReconcileInput {
            service: &sc.svc,
            max_endpoints_per_slice: sc.max,
            existing: &sc.existing,
            desired: &sc.desired,
        };
        let out = reconcile(&input, &mut Rng::new(3)).unwrap_or_else(|e| panic!("{}: {e}", sc.name));
        let c = out.counts();
        assert_eq!(
            (c.creates, c.updates, c.deletes),
            sc.counts,
            "{}: {:?}",
            sc.name,
            causes(&out)
        );
        assert_eq!(out.suppressed_creates, sc.suppressed, "{}", sc.name);
        if sc.suppressed == 0 {
            let result = out.apply_to(sc.existing.clone());
            check_synced(&sc.svc, sc.max, &result, &sc.desired)
                .unwrap_or_else(|e| panic!("{}: {e}", sc.name));
        }
    }
}

/// (case, max per slice, existing, desired, error message)
type BadInput = (
    &'static str,
    usize,
    Vec<Slice>,
    Vec<DesiredEndpoint>,
    &'static str,
);

#[test]
fn reconcile_rejects_bad_input() {
    let svc = service();
    let ten = desired_range(0..10, &http());
    let twice = vec![ten[0].clone(), ten[0].clone()];
    let mut v6 = ten[0].clone();
    v6.address_type = AddressType::IPv6;
    let s = slice(&svc, "web-a", &http(), &ten);
    let cases: Vec<BadInput> = vec![
        (
            "max 0",
            0,
            vec![],
            vec![],
            "maxEndpointsPerSlice: Invalid value: 0: must be between 1 and 1000",
        ),
        (
            "max 1001",
            1001,
            vec![],
            vec![],
            "maxEndpointsPerSlice: Invalid value: 1001: must be between 1 and 1000",
        ),
        (
            "duplicate endpoint",
            100,
            vec![],
            twice,
            "IPv4 endpoint of Pod default/pod-0 is listed twice",
        ),
        (
            "unserved family",
            100,
            vec![],
            vec![v6],
            "Pod default/pod-0 has an IPv6 endpoint but the Service does not serve that family",
        ),
        (
            "duplicate slice name",
            100,
            vec![s.clone(), s],
            vec![],
            "EndpointSlice \"web-a\" is listed twice",
        ),
    ];
    for (name, max, existing, desired, message) in cases {
        let input = ReconcileInput {
            service: &svc,
            max_endpoints_per_slice: max,
            existing: &existing,
            desired: &desired,
        };
        let mut rng = Rng::new(5);
        let err = reconcile(&input, &mut rng).unwrap_err();
        assert_eq!(format!("{err}"), message, "{name}");
        assert_eq!(rng, Rng::new(5), "{name}: rng untouched on error");
    }
}

#[test]
fn same_seed_same_names_and_names_are_well_formed() {
    let svc = service();
    let desired = desired_range(0..250, &http());
    let run = |seed| {
        let input = ReconcileInput {
            service: &svc,
            max_endpoints_per_slice: 100,
            existing: &[],
            desired: &desired,
        };
        let out = reconcile(&input, &mut Rng::new(seed)).unwrap();
        out.writes
            .iter()
            .map(|w| w.slice.name.clone())
            .collect::<Vec<_>>()
    };
    let (a, b, c) = (run(9), run(9), run(10));
    assert_eq!(a, b);
    assert_ne!(a, c);
    for n in &a {
        assert_eq!(n.len(), "web-".len() + 5, "{n}");
        assert!(
            n.starts_with("web-")
                && n[4..]
                    .bytes()
                    .all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b))
        );
    }
}

#[test]
fn name_prefix_is_cut_to_fit_63() {
    let cases: [(String, String); 3] = [
        ("web".into(), "web-".into()),
        ("a".repeat(57), format!("{}-", "a".repeat(57))),
        ("b".repeat(63), "b".repeat(58)),
    ];
    for (svc, want) in cases {
        assert_eq!(slice_name_prefix(&svc), want, "{svc}");
    }
}

#[test]
fn incremental_refuses_what_needs_a_full_reconcile() {
    let base = service();
    let desired = desired_range(0..10, &http());
    let mut changed_labels = base.clone();
    changed_labels.labels.insert("x".into(), "y".into());
    let mut changed_uid = base.clone();
    changed_uid.uid = "uid-2".into();
    let mut changed_families = base.clone();
    changed_families.address_types.push(AddressType::IPv6);
    let mut changed_pnr = base.clone();
    changed_pnr.publish_not_ready_addresses = true;
    let mut headless = base.clone();
    headless.headless = true;
    let cases: Vec<(&str, Option<&ServiceInfo>, usize, FullReconcileReason)> = vec![
        ("never synced", None, 100, FullReconcileReason::NeverSynced),
        (
            "labels",
            Some(&changed_labels),
            100,
            FullReconcileReason::LabelsChanged,
        ),
        (
            "headless label",
            Some(&headless),
            100,
            FullReconcileReason::LabelsChanged,
        ),
        (
            "uid",
            Some(&changed_uid),
            100,
            FullReconcileReason::ServiceUidChanged,
        ),
        (
            "families",
            Some(&changed_families),
            100,
            FullReconcileReason::AddressTypesChanged,
        ),
        (
            "max",
            Some(&base),
            50,
            FullReconcileReason::MaxEndpointsPerSliceChanged,
        ),
        (
            "publishNotReadyAddresses",
            Some(&changed_pnr),
            100,
            FullReconcileReason::PublishNotReadyAddressesChanged,
        ),
    ];
    for (name, svc, max, reason) in cases {
        let mut state = ServiceSlices::new();
        let mut rng = Rng::new(1);
        if svc.is_some() {
            state.reconcile(&base, 100, &desired, &mut rng).unwrap();
        }
        let change = [EndpointChange::Upsert(super::test_support::desired(50, &http()))];
        let err = state
            .apply_delta(svc.unwrap_or(&base), max, &change, &mut rng)
            .unwrap_err();
        assert_eq!(err, ReconcileError::NeedsFullReconcile(reason), "{name}");
    }
}

#[test]
fn suppressed_creates_leave_the_state_needing_a_full_reconcile() {
    let mut svc = service();
    let mut state = ServiceSlices::new();
    let mut rng = Rng::new(1);
    state
        .reconcile(&svc, 100, &desired_range(0..100, &http()), &mut rng)
        .unwrap();
    svc.terminating = true;
    let out = state
        .apply_delta(
            &svc,
            100,
            &[EndpointChange::Upsert(desired(500, &http()))],
            &mut rng,
        )
        .unwrap();
    assert_eq!((out.writes.len(), out.suppressed_creates), (0, 1));
    assert_eq!(state.sync_state(), Err(FullReconcileReason::CreatesSuppressed));
}

#[test]
fn delete_all_removes_every_slice() {
    let svc = service();
    let mut state = ServiceSlices::new();
    state
        .reconcile(&svc, 100, &desired_range(0..250, &http()), &mut Rng::new(1))
        .unwrap();
    let writes = state.delete_all();
    assert_eq!(writes.len(), 3);
    assert!(writes
        .iter()
        .all(|w| w.op == WriteOp::Delete && w.cause == WriteCause::ServiceDeleted));
    assert!(state.is_empty());
}

#[test]
fn output_serializes_with_reasons() {
    let svc = service();
    let desired = desired_range(0..1, &http());
    let input = ReconcileInput {
        service: &svc,
        max_endpoints_per_slice: 100,
        existing: &[],
        desired: &desired,
    };
    let out = reconcile(&input, &mut Rng::new(1)).unwrap();
    let json = crate::json::ToJson::to_json(&out);
    assert_eq!(json["writes"][0]["op"], "Create");
    assert_eq!(json["writes"][0]["cause"], "NewSlice");
    assert_eq!(json["writes"][0]["slice"]["addressType"], "IPv4");
    assert_eq!(json["writes"][0]["slice"]["ports"][0]["protocol"], "TCP");
    assert_eq!(
        json["writes"][0]["slice"]["labels"][LABEL_MANAGED_BY],
        CONTROLLER_NAME
    );
    assert_eq!(json["writes"][0]["slice"]["labels"][LABEL_SERVICE_NAME], "web");
}
