use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::*;
use crate::cluster::{Cluster, ClusterConfig, Event};
use crate::controllers::pods::PodAction;
use crate::examples::STATEFULSET_YAML;
use crate::manifest::{load_cluster, parse_manifests, SETTLE_MS};

/// A user's move on the clock-driven cluster.
#[derive(Clone, Copy)]
enum Op {
    /// `kubectl scale sts/web --replicas=n`.
    Scale(i64),
    /// Move the clock to the next thing it has to do.
    Step,
    Advance(u64),
    /// Apply the example's text with these replacements (live: the set is updated in place).
    Apply(&'static [(&'static str, &'static str)]),
    /// A pod's container exits.
    Fail(&'static str),
}

const PARALLEL: (&str, &str) = (
    "  serviceName: nginx\n",
    "  serviceName: nginx\n  podManagementPolicy: Parallel\n",
);
const PARTITION_1: (&str, &str) = (
    "  replicas: 3\n",
    "  replicas: 3\n  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 1}}\n",
);
const ON_DELETE: (&str, &str) = (
    "  replicas: 3\n",
    "  replicas: 3\n  updateStrategy: {type: OnDelete}\n",
);
const NEW_IMAGE: (&str, &str) = ("nginx-slim:0.24", "nginx-slim:0.25");

fn text(replacements: &[(&str, &str)]) -> String {
    let mut t = STATEFULSET_YAML.to_string();
    for (from, to) in replacements {
        assert!(t.contains(from), "{from}");
        t = t.replace(from, to);
    }
    t
}

/// The example loaded as the editor's Apply loads it (settled), then `ops`; returns the
/// cluster and every event since the load began.
fn run(base: &[(&str, &str)], ops: &[Op]) -> (Cluster, Vec<Event>) {
    let loaded = load_cluster(&text(base), ClusterConfig::default(), SETTLE_MS).unwrap();
    let (mut c, mut events) = (loaded.cluster, loaded.report.events);
    for op in ops {
        let report = match *op {
            Op::Scale(n) => c.scale(Kind::StatefulSet, None, "web", n).unwrap(),
            Op::Step => {
                let next = c.next_timer_ms().unwrap();
                c.advance(next - c.now_ms())
            }
            Op::Advance(ms) => c.advance(ms),
            Op::Apply(replacements) => {
                let objects = parse_manifests(&text(replacements)).unwrap();
                c.apply(objects.into_iter().map(|m| m.object).collect()).unwrap()
            }
            Op::Fail(pod) => c.pod_action("default", pod, PodAction::Fail).unwrap(),
        };
        events.extend(report.events);
    }
    (c, events)
}

/// One token per slot: ordinal, state (`R`eady, `P`ending, `N`ot ready, `T`erminating,
/// `F`ailed, `.` absent), `'` for a pod at an old revision, then one mark per wait (`!` the
/// controller waits on it, `<` a change to it is held back, `=` kept by the partition, `~`
/// kept until deleted); `x` first for an ordinal being scaled away.
fn render(l: &Lifecycle) -> String {
    l.slots
        .iter()
        .map(|s| {
            let mut t = String::new();
            if !s.desired {
                t.push('x');
            }
            t += &s.ordinal.to_string();
            t.push(match s.state {
                None => '.',
                Some(PodState::Ready) => 'R',
                Some(PodState::Pending) => 'P',
                Some(PodState::NotReady) => 'N',
                Some(PodState::Terminating) => 'T',
                Some(PodState::Failed) => 'F',
                Some(PodState::Succeeded) => 'S',
            });
            if s.state.is_some() && !s.updated {
                t.push('\'');
            }
            for w in &s.waits {
                t.push(match w {
                    SlotWait::WaitedOn { .. } => '!',
                    SlotWait::HeldBack { .. } => '<',
                    SlotWait::BelowPartition { .. } => '=',
                    SlotWait::UntilDeleted { .. } => '~',
                });
            }
            t
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn slots_follow_the_controller_step_by_step() {
    use Op::*;
    // (what, base text, moves, slots, pods the headless Service's name answers)
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [Op], &'a str, usize);
    let cases: &[Case] = &[
        ("loaded and settled", &[], &[], "0R 1R 2R", 3),
        (
            "OrderedReady: web-3 first, web-4 waits for it",
            &[],
            &[Scale(5)],
            "0R 1R 2R 3P! 4.<",
            3,
        ),
        (
            "one step: web-3 Ready, web-4 created",
            &[],
            &[Scale(5), Step],
            "0R 1R 2R 3R 4P!",
            4,
        ),
        (
            "two steps: all five",
            &[],
            &[Scale(5), Step, Step],
            "0R 1R 2R 3R 4R",
            5,
        ),
        (
            "Parallel: both at once",
            &[PARALLEL],
            &[Scale(5)],
            "0R 1R 2R 3P 4P",
            3,
        ),
        (
            "Parallel: both Ready together",
            &[PARALLEL],
            &[Scale(5), Step],
            "0R 1R 2R 3R 4R",
            5,
        ),
        (
            "scale down: the highest goes first, web-1 waits for it",
            &[],
            &[Scale(1)],
            "0R x1R< x2T!",
            2,
        ),
        (
            "scale down, grace over: web-1 goes next",
            &[],
            &[Scale(1), Step],
            "0R x1T!",
            1,
        ),
        (
            "Parallel scale down: all surplus at once",
            &[PARALLEL],
            &[Scale(1)],
            "0R x1T x2T",
            1,
        ),
        (
            "rolling update, partition 1: web-2 replaced first",
            &[],
            &[Apply(&[PARTITION_1, NEW_IMAGE])],
            "0R' 1R' 2T'!",
            2,
        ),
        (
            "web-2 back at the new revision, starting",
            &[],
            &[Apply(&[PARTITION_1, NEW_IMAGE]), Step],
            "0R' 1R'< 2P!",
            2,
        ),
        (
            "web-2 Ready: web-1 replaced next",
            &[],
            &[Apply(&[PARTITION_1, NEW_IMAGE]), Step, Step],
            "0R' 1T'! 2R",
            2,
        ),
        (
            "done: web-0 stays below the partition",
            &[],
            &[Apply(&[PARTITION_1, NEW_IMAGE]), Step, Step, Step, Step],
            "0R'= 1R 2R",
            3,
        ),
        (
            "OnDelete: nothing replaced",
            &[ON_DELETE],
            &[Apply(&[ON_DELETE, NEW_IMAGE])],
            "0R'~ 1R'~ 2R'~",
            3,
        ),
        (
            "a failed pod is recreated and the controller waits for it",
            &[],
            &[Fail("web-0")],
            "0P! 1R 2R",
            2,
        ),
    ];
    for (what, base, ops, slots, answered) in cases {
        let (c, events) = run(base, ops);
        let l = lifecycle(&c, "default", "web", &events).unwrap();
        assert_eq!(render(&l), *slots, "{what}");
        let svc = l.service.as_ref().unwrap();
        assert!(svc.exists && svc.headless, "{what}");
        assert_eq!(svc.pods.len(), *answered, "{what}: {:?}", svc.pods);
        assert_eq!(svc.answer.addresses().len(), *answered, "{what}");
        // A pod's own name answers exactly when the headless name lists it.
        for s in &l.slots {
            let dns = s.dns.as_ref().unwrap();
            assert_eq!(
                dns.name,
                alloc::format!("web-{}.nginx.default.svc.cluster.local", s.ordinal)
            );
            let listed = svc.pods.contains(&s.pod);
            assert_eq!(!dns.addresses.is_empty(), listed, "{what}: {}", s.pod);
            assert_eq!(dns.nx.is_some(), !listed, "{what}: {}", s.pod);
            if listed {
                assert_eq!(dns.addresses, [s.ip.clone().unwrap()], "{what}: {}", s.pod);
            }
        }
    }
}

#[test]
fn waits_name_the_blocking_pod_and_the_change_it_holds_back() {
    let (c, events) = run(&[], &[Op::Scale(5)]);
    let l = lifecycle(&c, "default", "web", &events).unwrap();
    let slot = |o: u32| &l.slots[o as usize].waits;
    assert_eq!(
        slot(3),
        &[SlotWait::WaitedOn {
            state: Shortfall::NotRunning {
                phase: crate::model::PodPhase::Pending
            },
            holds_back: Some(Work::Create { ordinal: 4 }),
        }]
    );
    assert_eq!(
        slot(4),
        &[SlotWait::HeldBack {
            work: Work::Create { ordinal: 4 },
            blocker: Blocker::Pod {
                ordinal: 3,
                name: "web-3".into(),
                state: Shortfall::NotRunning {
                    phase: crate::model::PodPhase::Pending
                },
            },
        }]
    );
    assert_eq!(l.waiting.len(), 1, "the set-level list is the controller's own");
    assert_eq!((l.replicas, l.status.ready_replicas), (5, 3));
    assert_eq!(l.policy, PodManagementPolicy::OrderedReady);

    let (c, events) = run(&[], &[Op::Apply(&[PARTITION_1, NEW_IMAGE])]);
    let l = lifecycle(&c, "default", "web", &events).unwrap();
    assert_ne!(l.current_revision, l.update_revision);
    assert_eq!(
        l.update,
        UpdateStrategy::RollingUpdate {
            partition: 1,
            max_unavailable: 1
        }
    );
    assert!(lifecycle(&c, "default", "nope", &events).is_none());
}

#[test]
fn the_timeline_says_when_each_pod_was_created_and_became_ready() {
    let (c, events) = run(&[], &[Op::Scale(5), Op::Step, Op::Step]);
    let l = lifecycle(&c, "default", "web", &events).unwrap();
    let t0 = 30_000;
    let since_scale: Vec<(u64, Option<&str>, Happening)> = l
        .timeline
        .iter()
        .filter(|e| e.at_ms >= t0)
        .map(|e| (e.at_ms - t0, e.pod.as_deref(), e.happening))
        .collect();
    assert_eq!(
        since_scale,
        [
            (0, None, Happening::SetApplied),
            (0, Some("web-3"), Happening::Created),
            (0, Some("web-3"), Happening::Scheduled),
            (2_000, Some("web-3"), Happening::Started),
            (2_000, Some("web-4"), Happening::Created),
            (2_000, Some("web-4"), Happening::Scheduled),
            (4_000, Some("web-4"), Happening::Started),
        ]
    );
    // The load's own history: OrderedReady started web-0, web-1, web-2 two seconds apart.
    let started: Vec<(u64, &str)> = l
        .timeline
        .iter()
        .filter(|e| e.happening == Happening::Started && e.at_ms < t0)
        .filter_map(|e| Some((e.at_ms, e.pod.as_deref()?)))
        .collect();
    assert_eq!(started, [(2_000, "web-0"), (4_000, "web-1"), (6_000, "web-2")]);
    assert_eq!(l.slots[4].since_ms, Some(t0 + 4_000));
    assert_eq!(l.now_ms, t0 + 4_000);

    // Termination and removal; other sets' pods and other namespaces stay out.
    let (_, events) = run(&[], &[Op::Scale(2), Op::Advance(30_000)]);
    let tail: Vec<(Option<&str>, Happening)> = timeline("web", "default", &events)
        .into_iter()
        .filter(|e| e.at_ms >= t0)
        .map(|e| {
            (
                e.pod.map(|p| if p == "web-2" { "web-2" } else { "?" }),
                e.happening,
            )
        })
        .collect();
    assert_eq!(
        tail,
        [
            (None, Happening::SetApplied),
            (Some("web-2"), Happening::Terminating),
            (Some("web-2"), Happening::Gone),
        ]
    );
    assert!(timeline("we", "default", &events).is_empty());
    assert!(timeline("web", "other", &events).is_empty());
}
