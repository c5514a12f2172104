//! Property tests: the incremental path equals the full reconcile, and SPEC §10 invariants 1–5.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::vec;
use alloc::vec::Vec;

use proptest::prelude::*;

use super::test_support::*;
use super::*;
use crate::rng::Rng;

/// One random edit of the desired list.
#[derive(Clone, Debug)]
enum Op {
    /// A new Pod with port set `.0` (IPv6 when `.1` and the Service is dual-stack).
    Add(u8, bool),
    Remove(usize),
    /// Readiness flips (and the zone changes): a refresh in place.
    Toggle(usize),
    /// The endpoint now resolves port set `.1`.
    Move(usize, u8),
    /// Upsert of an unchanged endpoint: must cost nothing.
    Touch(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (any::<u8>(), any::<bool>()).prop_map(|(p, v6)| Op::Add(p, v6)),
        3 => any::<usize>().prop_map(Op::Remove),
        2 => any::<usize>().prop_map(Op::Toggle),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(i, p)| Op::Move(i, p)),
        1 => any::<usize>().prop_map(Op::Touch),
    ]
}

fn max_per_slice() -> impl Strategy<Value = usize> {
    prop_oneof![4 => 1usize..=6, 1 => 7usize..=1000]
}

fn svc_with(dual: bool) -> ServiceInfo {
    let mut svc = service();
    if dual {
        svc.address_types = vec![AddressType::IPv4, AddressType::IPv6];
    }
    svc
}

/// The caller's view: the desired list in order (changed endpoints move to the end) and the
/// next Pod number.
struct Model {
    list: Vec<DesiredEndpoint>,
    next: u32,
    dual: bool,
}

impl Model {
    fn new_entry(&mut self, ports: u8, v6: bool) -> DesiredEndpoint {
        let family = if self.dual && v6 {
            AddressType::IPv6
        } else {
            AddressType::IPv4
        };
        self.next += 1;
        DesiredEndpoint {
            address_type: family,
            ports: port_set(ports),
            endpoint: endpoint(family, self.next, true, 0),
        }
    }

    /// Applies `ops` to the list and returns them as a delta (each key at most once).
    fn step(&mut self, ops: &[Op]) -> Vec<EndpointChange> {
        let mut used = BTreeSet::new();
        let mut changes = Vec::new();
        let mut appended = Vec::new();
        for op in ops {
            if let Op::Add(p, v6) = op {
                let d = self.new_entry(*p, *v6);
                changes.push(EndpointChange::Upsert(d.clone()));
                appended.push(d);
                continue;
            }
            let (Op::Remove(i) | Op::Toggle(i) | Op::Move(i, _) | Op::Touch(i)) = op else {
                continue;
            };
            if self.list.is_empty() {
                continue;
            }
            let idx = i % self.list.len();
            let d = &self.list[idx];
            if !used.insert((d.address_type, d.endpoint.key.clone())) {
                continue;
            }
            match op {
                Op::Remove(_) => {
                    let d = self.list.remove(idx);
                    changes.push(EndpointChange::Remove {
                        address_type: d.address_type,
                        key: d.endpoint.key,
                    });
                }
                Op::Toggle(_) => {
                    let d = &mut self.list[idx];
                    let c = &mut d.endpoint.conditions;
                    c.ready = !c.ready;
                    c.serving = c.ready;
                    d.endpoint.zone = Some(format!("zone-{}", self.next % 5));
                    changes.push(EndpointChange::Upsert(d.clone()));
                }
                Op::Move(_, p) => {
                    let mut d = self.list.remove(idx);
                    d.ports = port_set(*p);
                    changes.push(EndpointChange::Upsert(d.clone()));
                    appended.push(d);
                }
                _ => changes.push(EndpointChange::Upsert(self.list[idx].clone())),
            }
        }
        self.list.extend(appended);
        changes
    }
}

fn input<'a>(
    svc: &'a ServiceInfo,
    max: usize,
    existing: &'a [Slice],
    desired: &'a [DesiredEndpoint],
) -> ReconcileInput<'a> {
    ReconcileInput {
        service: svc,
        max_endpoints_per_slice: max,
        existing,
        desired,
    }
}

/// Pod `i` with port set `ports[i]`.
fn numbered(ports: &[u8]) -> Vec<DesiredEndpoint> {
    ports
        .iter()
        .enumerate()
        .map(|(i, p)| desired(i as u32, &port_set(*p)))
        .collect()
}

fn ids_with_readiness() -> impl Strategy<Value = Vec<(u32, bool)>> {
    proptest::collection::vec((0u32..60, any::<bool>()), 0..15)
}

fn sorted(mut v: Vec<Slice>) -> Vec<Slice> {
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

/// The indexes agree with the slices.
fn check_indexes(state: &ServiceSlices) -> Result<(), TestCaseError> {
    for f in [AddressType::IPv4, AddressType::IPv6] {
        let n: usize = state
            .slices()
            .filter(|s| s.address_type == f)
            .map(|s| s.endpoints.len())
            .sum();
        prop_assert_eq!(state.endpoint_count(f), n);
    }
    for s in state.slices() {
        for e in &s.endpoints {
            prop_assert_eq!(
                state.slice_of(s.address_type, &e.key).map(|x| x.name.as_str()),
                Some(s.name.as_str())
            );
        }
    }
    Ok(())
}

proptest! {
    /// Deltas applied incrementally give exactly the writes (names, contents, order), the
    /// resulting slices and the RNG state of the full reconcile on the resulting desired set.
    #[test]
    fn incremental_equals_full_reconcile(
        max in max_per_slice(),
        dual in any::<bool>(),
        initial in proptest::collection::vec((any::<u8>(), any::<bool>()), 0..30),
        steps in proptest::collection::vec(proptest::collection::vec(op(), 0..8), 1..10),
        seed in any::<u64>(),
    ) {
        let svc = svc_with(dual);
        let mut model = Model { list: Vec::new(), next: 0, dual };
        for (p, v6) in initial {
            let d = model.new_entry(p, v6);
            model.list.push(d);
        }
        let mut rng = Rng::new(seed);
        let mut state = ServiceSlices::new();
        state.reconcile(&svc, max, &model.list, &mut rng).unwrap();
        for ops in steps {
            let changes = model.step(&ops);
            let before: Vec<Slice> = state.slices().cloned().collect();
            let mut full_rng = rng.clone();
            let input = input(&svc, max, &before, &model.list);
            let full = reconcile(&input, &mut full_rng).unwrap();
            let incremental = state.apply_delta(&svc, max, &changes, &mut rng).unwrap();
            prop_assert_eq!(&incremental, &full);
            prop_assert_eq!(&rng, &full_rng);
            let after = sorted(state.slices().cloned().collect());
            prop_assert_eq!(&after, &full.apply_to(before));
            check_synced(&svc, max, &after, &model.list).map_err(TestCaseError::fail)?;
            check_indexes(&state)?;
        }
    }

    /// §10.1 and §10.2 from arbitrary starting slices (stale, foreign, other families,
    /// duplicated endpoints, wrong labels; at most max endpoints each, since a slice written
    /// under a larger max is never split): after one full reconcile every desired endpoint is
    /// in exactly one managed slice with its port set and family, no slice exceeds the max, and
    /// every family has a slice.
    #[test]
    fn full_reconcile_always_converges(
        max in prop_oneof![1usize..=10, 11usize..=1000],
        dual in any::<bool>(),
        headless in any::<bool>(),
        existing in proptest::collection::vec(
            (0u8..3, any::<bool>(), any::<bool>(), any::<u8>(), ids_with_readiness()),
            0..6,
        ),
        wanted in proptest::collection::vec((0u32..60, any::<bool>(), any::<u8>(), any::<bool>()), 0..120),
        seed in any::<u64>(),
    ) {
        let mut svc = svc_with(dual);
        svc.headless = headless;
        let families = [AddressType::IPv4, AddressType::IPv6, AddressType::Fqdn];
        let slices: Vec<Slice> = existing
            .into_iter()
            .enumerate()
            .map(|(i, (f, foreign, stale_labels, p, eps))| {
                let family = families[f as usize];
                let mut s = Slice {
                    name: format!("web-e{i}"),
                    address_type: family,
                    ports: port_set(p),
                    // written under this max: upstream never splits a slice that is over it
                    endpoints: eps.into_iter().take(max).map(|(id, r)| endpoint(family, id, r, 1)).collect(),
                    labels: svc.slice_labels(),
                    owner_uid: Some(svc.uid.clone()),
                };
                if foreign {
                    s.owner_uid = Some("uid-old".into());
                }
                if stale_labels {
                    s.labels.insert("stale".into(), "yes".into());
                }
                s
            })
            .collect();
        let mut seen = BTreeSet::new();
        let desired: Vec<DesiredEndpoint> = wanted
            .into_iter()
            .filter_map(|(id, v6, p, ready)| {
                let family = if dual && v6 { AddressType::IPv6 } else { AddressType::IPv4 };
                seen.insert((family, id)).then(|| DesiredEndpoint {
                    address_type: family,
                    ports: port_set(p),
                    endpoint: endpoint(family, id, ready, 0),
                })
            })
            .collect();
        let input = input(&svc, max, &slices, &desired);
        let out = reconcile(&input, &mut Rng::new(seed)).unwrap();
        let result = out.apply_to(slices.clone());
        check_synced(&svc, max, &result, &desired).map_err(TestCaseError::fail)?;
        // and a second reconcile has nothing left to do
        let again = ReconcileInput { existing: &result, ..input };
        prop_assert!(reconcile(&again, &mut Rng::new(seed)).unwrap().writes.is_empty());
    }

    /// §10.3: a sync that only removes endpoints never creates a slice (the placeholder, when
    /// needed, is recycled into an update).
    #[test]
    fn removals_never_create(
        max in max_per_slice(),
        initial in proptest::collection::vec(any::<u8>(), 1..60),
        picks in proptest::collection::vec(any::<usize>(), 1..60),
        seed in any::<u64>(),
    ) {
        let svc = service();
        let desired = numbered(&initial);
        let mut state = ServiceSlices::new();
        let mut rng = Rng::new(seed);
        state.reconcile(&svc, max, &desired, &mut rng).unwrap();
        let gone: BTreeSet<usize> = picks.iter().map(|p| p % desired.len()).collect();
        let left: Vec<DesiredEndpoint> =
            desired.iter().enumerate().filter(|(i, _)| !gone.contains(i)).map(|(_, d)| d.clone()).collect();
        let before: Vec<Slice> = state.slices().cloned().collect();
        let input = input(&svc, max, &before, &left);
        let out = reconcile(&input, &mut rng).unwrap();
        prop_assert_eq!(out.counts().creates, 0);
        if left.is_empty() {
            let recycled = |w: &SliceWrite| w.cause == WriteCause::Placeholder && w.recycled.is_some();
            prop_assert!(out.writes.iter().any(recycled));
        }
    }

    /// §10.4: adding k < max endpoints to a synced Service costs exactly one write: an update
    /// of the fullest slice of that port set that can take all k, otherwise one new slice
    /// (a create, or an update recycling the family's empty placeholder).
    #[test]
    fn adding_fewer_than_max_costs_one_write(
        max in 2usize..=60,
        initial in proptest::collection::vec(any::<u8>(), 0..150),
        k_seed in any::<usize>(),
        p in any::<u8>(),
        seed in any::<u64>(),
    ) {
        let svc = service();
        let start = numbered(&initial);
        let mut state = ServiceSlices::new();
        let mut rng = Rng::new(seed);
        state.reconcile(&svc, max, &start, &mut rng).unwrap();
        let k = 1 + k_seed % (max - 1);
        let key = PortKey::of(&port_set(p));
        let best = state
            .slices()
            .filter(|s| PortKey::of(&s.ports) == key && s.endpoints.len() + k <= max)
            .max_by(|a, b| a.endpoints.len().cmp(&b.endpoints.len()).then_with(|| b.name.cmp(&a.name)))
            .map(|s| s.name.clone());
        let changes: Vec<EndpointChange> = (0..k as u32)
            .map(|i| EndpointChange::Upsert(desired(10_000 + i, &port_set(p))))
            .collect();
        let out = state.apply_delta(&svc, max, &changes, &mut rng).unwrap();
        prop_assert_eq!(out.writes.len(), 1);
        let w = &out.writes[0];
        match best {
            Some(name) => {
                prop_assert_eq!((w.op, w.cause), (WriteOp::Update, WriteCause::BestFit));
                prop_assert_eq!(&w.slice.name, &name);
            }
            None => {
                prop_assert_eq!(w.cause, WriteCause::NewSlice);
                let recycled_placeholder =
                    w.op == WriteOp::Update && w.recycled == Some(WriteCause::PortSetGone);
                prop_assert!(w.op == WriteOp::Create || recycled_placeholder);
            }
        }
        prop_assert_eq!(w.added, k);
    }

    /// §10.5: ready ⇒ serving ∧ ¬terminating unless publishNotReadyAddresses (then always ready).
    #[test]
    fn ready_implies_serving_and_not_terminating(
        phase in 0u8..5,
        ready in any::<bool>(),
        deleting in any::<bool>(),
        node_known in any::<bool>(),
        publish in any::<bool>(),
        ips in proptest::collection::vec(prop_oneof![Just("10.0.0.1"), Just("fd00::1")], 0..3),
    ) {
        let mut svc = svc_with(true);
        svc.publish_not_ready_addresses = publish;
        let phases =
            [PodPhase::Pending, PodPhase::Running, PodPhase::Succeeded, PodPhase::Failed, PodPhase::Unknown];
        let pod = PodInput {
            namespace: "default".into(),
            name: "p".into(),
            uid: "u".into(),
            phase: phases[phase as usize],
            pod_ips: ips.into_iter().map(Into::into).collect(),
            deleting,
            ready,
            node_name: Some("n".into()),
            node: node_known.then(NodeFacts::default),
            hostname: None,
            subdomain: None,
        };
        for family in [AddressType::IPv4, AddressType::IPv6] {
            if let PodEndpoint::Endpoint(e) = pod_to_endpoint(&pod, &svc, family).unwrap() {
                let c = e.conditions;
                if publish {
                    prop_assert!(c.ready);
                } else {
                    prop_assert!(!c.ready || (c.serving && !c.terminating));
                }
                prop_assert_eq!((c.serving, c.terminating), (ready, deleting));
            }
        }
    }
}
