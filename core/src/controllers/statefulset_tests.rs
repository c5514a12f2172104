//! Tables of scripted syncs (SPEC §5, upstream `stateful_set_control.go`), then property tests for
//! SPEC §10 invariant 11 driven through the toy cluster [`SetSim`].

use super::*;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Pods and specs, briefly.

fn spec(replicas: u32) -> SetSpec {
    SetSpec::new("web", replicas, "r1")
}

fn with(mut s: SetSpec, f: impl FnOnce(&mut SetSpec)) -> SetSpec {
    f(&mut s);
    s
}

fn pod(ordinal: u32, phase: PodPhase, ready: bool) -> PodView {
    PodView {
        ordinal,
        revision: "r1".into(),
        phase,
        ready,
        ready_since_ms: ready.then_some(0),
        terminating: false,
    }
}

fn ready(ordinal: u32) -> PodView {
    pod(ordinal, PodPhase::Running, true)
}

fn unready(ordinal: u32) -> PodView {
    pod(ordinal, PodPhase::Running, false)
}

fn pending(ordinal: u32) -> PodView {
    pod(ordinal, PodPhase::Pending, false)
}

fn rolling(partition: u32, max_unavailable: u32) -> UpdateStrategy {
    UpdateStrategy::RollingUpdate {
        partition,
        max_unavailable,
    }
}

// ---------------------------------------------------------------------------------------------
// A step's outcome as short lines, so scripts read like a log.

fn work_line(set: &str, work: &Work) -> String {
    match work {
        Work::Create { ordinal } => format!("create {}", pod_name(set, *ordinal)),
        Work::Replace { ordinal } => format!("replace {}", pod_name(set, *ordinal)),
        Work::ScaleDown { ordinal } => format!("scale-down {}", pod_name(set, *ordinal)),
        Work::Update { ordinal } => format!("update {}", pod_name(set, *ordinal)),
    }
}

fn state_line(state: &PodState) -> String {
    match state {
        PodState::Terminating => "terminating".into(),
        PodState::NotRunning { phase } => format!("not-running {phase:?}"),
        PodState::NotReady => "not-ready".into(),
        PodState::NotAvailable {
            available_at_ms: Some(at),
        } => format!("not-available until {at}"),
        PodState::NotAvailable {
            available_at_ms: None,
        } => "not-available".into(),
    }
}

fn summarize(set: &str, r: &StepResult) -> Vec<String> {
    let mut lines = Vec::new();
    for a in &r.actions {
        lines.push(match a {
            Action::Create { name, revision, .. } => format!("create {name} {revision}"),
            Action::Delete {
                name,
                reason: DeleteReason::ScaleDown,
                ..
            } => format!("delete {name} scale-down"),
            Action::Delete {
                name,
                reason: DeleteReason::Update { from, to },
                ..
            } => {
                format!("delete {name} update {from}->{to}")
            }
            Action::Delete {
                name,
                reason: DeleteReason::Finished { phase },
                ..
            } => {
                format!("delete {name} finished {phase:?}")
            }
        });
    }
    for w in &r.waiting {
        lines.push(match w {
            Wait::ForPod {
                name,
                state,
                holds_back: None,
                ..
            } => format!("wait {name} {}", state_line(state)),
            Wait::ForPod {
                name,
                state,
                holds_back: Some(work),
                ..
            } => {
                format!(
                    "wait {name} {}; holds {}",
                    state_line(state),
                    work_line(set, work)
                )
            }
            Wait::ForBudget {
                unavailable,
                max_unavailable,
                holds_back,
            } => {
                format!(
                    "budget {unavailable}/{max_unavailable}; holds {}",
                    work_line(set, holds_back)
                )
            }
            Wait::ForManualDelete { name, revision, .. } => format!("on-delete {name} {revision}"),
            Wait::HeldByPartition {
                name,
                revision,
                partition,
                ..
            } => {
                format!("partition {name} {revision} < {partition}")
            }
        });
    }
    lines
}

// ---------------------------------------------------------------------------------------------
// Scripts: a set, its pods, then events and syncs with the expected outcome of each sync.

enum Ev {
    /// Run one controller sync; expect these lines (actions first, then waits).
    Sync(&'static [&'static str]),
    /// The previous sync asked to be re-run at this time.
    Requeue(Option<u64>),
    /// The pod runs and is Ready from now on.
    Ready(u32),
    /// The pod runs but is not Ready.
    Running(u32),
    Fail(u32),
    Succeed(u32),
    /// Its graceful termination completes.
    Gone(u32),
    /// Someone deletes the pod (kubectl delete pod).
    UserDelete(u32),
    Scale(u32),
    Start(u32),
    /// The pod template changes: a new update revision.
    Template(&'static str),
    Partition(u32),
    At(u64),
}

struct Script {
    name: &'static str,
    source: &'static str,
    spec: SetSpec,
    pods: Vec<PodView>,
    steps: Vec<Ev>,
}

fn run_script(script: &Script) {
    let mut sim = SetSim::new(script.spec.clone());
    sim.pods = script.pods.iter().map(|p| (p.ordinal, p.clone())).collect();
    let mut last: Option<StepResult> = None;
    for (i, ev) in script.steps.iter().enumerate() {
        let at = format!("{} (step {i}; {})", script.name, script.source);
        let found = |sim: &SetSim, o: u32| assert!(sim.pods.contains_key(&o), "{at}: no pod {o}");
        match ev {
            Ev::Sync(expected) => {
                let r = sim.sync().unwrap();
                assert_eq!(summarize(&sim.spec.name, &r), *expected, "{at}");
                last = Some(r);
            }
            Ev::Requeue(at_ms) => assert_eq!(last.as_ref().unwrap().requeue_at_ms, *at_ms, "{at}"),
            Ev::Ready(o) => assert!(sim.become_ready(*o), "{at}"),
            Ev::Running(o) => {
                found(&sim, *o);
                let p = sim.pods.get_mut(o).unwrap();
                p.phase = PodPhase::Running;
                p.ready = false;
            }
            Ev::Fail(o) => assert!(sim.fail(*o), "{at}"),
            Ev::Succeed(o) => {
                found(&sim, *o);
                let p = sim.pods.get_mut(o).unwrap();
                p.phase = PodPhase::Succeeded;
                p.ready = false;
            }
            Ev::Gone(o) => assert!(sim.finish_termination(*o), "{at}"),
            Ev::UserDelete(o) => {
                found(&sim, *o);
                sim.pods.get_mut(o).unwrap().terminating = true;
            }
            Ev::Scale(n) => sim.spec.replicas = *n,
            Ev::Start(s) => sim.spec.start_ordinal = *s,
            Ev::Template(rev) => sim.spec.update_revision = (*rev).into(),
            Ev::Partition(p) => {
                let UpdateStrategy::RollingUpdate { partition, .. } = &mut sim.spec.update else {
                    panic!("{at}: not a RollingUpdate set");
                };
                *partition = *p;
            }
            Ev::At(t) => sim.now_ms = *t,
        }
    }
}

fn scripts() -> Vec<Script> {
    use Ev::*;
    let parallel = |s: SetSpec| with(s, |s| s.pod_management = PodManagementPolicy::Parallel);
    vec![
        Script {
            name: "OrderedReady scale 0→3: ascending, each only after its predecessor is Running+Ready",
            source: "SPEC §5.2 OrderedReady scale-up; stateful_set_control.go processReplica",
            spec: spec(3),
            pods: vec![],
            steps: vec![
                Sync(&["create web-0 r1"]),
                Sync(&["wait web-0 not-running Pending; holds create web-1"]),
                Running(0),
                Sync(&["wait web-0 not-ready; holds create web-1"]),
                Ready(0),
                Sync(&["create web-1 r1"]),
                Sync(&["wait web-1 not-running Pending; holds create web-2"]),
                Ready(1),
                Sync(&["create web-2 r1"]),
                Sync(&["wait web-2 not-running Pending"]),
                Ready(2),
                Sync(&[]),
            ],
        },
        Script {
            name: "Parallel scale 0→3: all at once, no waiting",
            source: "SPEC §5.2 Parallel",
            spec: parallel(spec(3)),
            pods: vec![],
            steps: vec![Sync(&["create web-0 r1", "create web-1 r1", "create web-2 r1"]), Sync(&[])],
        },
        Script {
            name: "OrderedReady scale 3→0: descending, each after the higher one is gone",
            source: "SPEC §5.2 OrderedReady scale-down; processCondemned",
            spec: spec(0),
            pods: vec![ready(0), ready(1), ready(2)],
            steps: vec![
                Sync(&["delete web-2 scale-down"]),
                Sync(&["wait web-2 terminating; holds scale-down web-1"]),
                Gone(2),
                Sync(&["delete web-1 scale-down"]),
                Sync(&["wait web-1 terminating; holds scale-down web-0"]),
                Gone(1),
                Sync(&["delete web-0 scale-down"]),
                Sync(&["wait web-0 terminating"]),
                Gone(0),
                Sync(&[]),
            ],
        },
        Script {
            name: "Parallel scale 3→0: all at once",
            source: "SPEC §5.2 Parallel",
            spec: parallel(spec(0)),
            pods: vec![ready(0), ready(1), ready(2)],
            steps: vec![
                Sync(&["delete web-2 scale-down", "delete web-1 scale-down", "delete web-0 scale-down"]),
                Sync(&[]),
            ],
        },
        Script {
            name: "web-0 fails before web-2 starts: web-2 waits until web-0 is Running and Ready again",
            source: "SPEC §5.2 failure example [WEB-sts]",
            spec: spec(3),
            pods: vec![ready(0), ready(1)],
            steps: vec![
                Fail(0),
                Sync(&["delete web-0 finished Failed"]),
                Sync(&["wait web-0 terminating; holds create web-0"]),
                Gone(0),
                Sync(&["create web-0 r1"]),
                Sync(&["wait web-0 not-running Pending; holds create web-2"]),
                Ready(0),
                Sync(&["create web-2 r1"]),
            ],
        },
        Script {
            name: "a Succeeded pod is replaced like a Failed one",
            source: "stateful_set_control.go processReplica (isFailed || isSucceeded)",
            spec: spec(2),
            pods: vec![ready(0), ready(1)],
            steps: vec![
                Succeed(1),
                Sync(&["delete web-1 finished Succeeded"]),
                Gone(1),
                Sync(&["create web-1 r1"]),
            ],
        },
        Script {
            name: "OrderedReady: a finished pod above an unready one waits its turn",
            source: "processReplica runs ascending and stops at the first unready pod",
            spec: spec(2),
            pods: vec![pending(0), pod(1, PodPhase::Failed, false)],
            steps: vec![Sync(&["wait web-0 not-running Pending; holds replace web-1"])],
        },
        Script {
            name: "Parallel: finished pods are deleted and missing ones created in the same sync",
            source: "processReplica in burst mode",
            spec: parallel(spec(3)),
            pods: vec![pod(0, PodPhase::Failed, false), ready(1)],
            steps: vec![
                Sync(&["delete web-0 finished Failed", "create web-2 r1"]),
                Sync(&["wait web-0 terminating; holds create web-0"]),
                Gone(0),
                Sync(&["create web-0 r1"]),
            ],
        },
        Script {
            name: "ordinals.start = 5: pods web-5.., scale-down from the top, start moved up",
            source: "SPEC §5.1 ordinals [KEP-3335]; podInOrdinalRange",
            spec: with(spec(3), |s| s.start_ordinal = 5),
            pods: vec![],
            steps: vec![
                Sync(&["create web-5 r1"]),
                Ready(5),
                Sync(&["create web-6 r1"]),
                Ready(6),
                Sync(&["create web-7 r1"]),
                Ready(7),
                Sync(&[]),
                Scale(2),
                Sync(&["delete web-7 scale-down"]),
                Gone(7),
                Sync(&[]),
                Start(6),
                Sync(&["create web-7 r1"]),
                Ready(7),
                Sync(&["delete web-5 scale-down"]),
                Gone(5),
                Sync(&[]),
            ],
        },
        Script {
            name: "OrderedReady scale-down waits for an unhealthy pod that stays",
            source: "SPEC §5.2 'if a lower pod is unhealthy the scale-down waits'",
            spec: spec(2),
            pods: vec![unready(0), ready(1), ready(2)],
            steps: vec![
                Sync(&["wait web-0 not-ready; holds scale-down web-2"]),
                Ready(0),
                Sync(&["delete web-2 scale-down"]),
            ],
        },
        Script {
            name: "OrderedReady scale-down removes an unhealthy victim that is the lowest unhealthy pod",
            source: "processCondemned: condemned[i] != firstUnhealthyPod",
            spec: spec(2),
            pods: vec![ready(0), ready(1), unready(2)],
            steps: vec![Sync(&["delete web-2 scale-down"])],
        },
        Script {
            name: "OrderedReady scale-down: an unhealthy victim waits for a lower unhealthy condemned pod",
            source: "processCondemned: firstUnhealthyPod is the lowest unhealthy condemned pod",
            spec: spec(2),
            pods: vec![ready(0), ready(1), unready(2), unready(3)],
            steps: vec![
                Sync(&["wait web-2 not-ready; holds scale-down web-3"]),
                Ready(2),
                Sync(&["delete web-3 scale-down"]),
            ],
        },
        Script {
            name: "OrderedReady scale-down: a healthy victim goes even if a condemned pod below is unhealthy",
            source: "processCondemned only blocks unhealthy victims (kroute follows upstream)",
            spec: spec(2),
            pods: vec![ready(0), ready(1), unready(2), ready(3)],
            steps: vec![Sync(&["delete web-3 scale-down"]), Gone(3), Sync(&["delete web-2 scale-down"])],
        },
        Script {
            name: "scale back up while the condemned pod is still terminating",
            source: "processReplica: a terminating pod in range is waited for, then recreated",
            spec: spec(3),
            pods: vec![ready(0), ready(1), ready(2)],
            steps: vec![
                Scale(1),
                Sync(&["delete web-2 scale-down"]),
                Scale(3),
                Sync(&["wait web-2 terminating; holds create web-2"]),
                Gone(2),
                Sync(&["create web-2 r1"]),
            ],
        },
        Script {
            name: "scaling comes before updating",
            source: "updateStatefulSet: condemned pods are handled before the rolling update",
            spec: spec(3),
            pods: vec![ready(0), ready(1), ready(2), ready(3)],
            steps: vec![
                Template("r2"),
                Sync(&["delete web-3 scale-down"]),
                Sync(&["wait web-3 terminating; holds update web-2"]),
                Gone(3),
                Sync(&["delete web-2 update r1->r2"]),
            ],
        },
        Script {
            name: "RollingUpdate with partition 2: highest first, only ordinals ≥ 2, each after the last is Ready",
            source: "SPEC §5.3 RollingUpdate.partition; newVersionedStatefulSetPod",
            spec: with(spec(4), |s| s.update = rolling(2, 1)),
            pods: vec![ready(0), ready(1), ready(2), ready(3)],
            steps: vec![
                Template("r2"),
                Sync(&["delete web-3 update r1->r2", "partition web-0 r1 < 2", "partition web-1 r1 < 2"]),
                Sync(&["wait web-3 terminating; holds create web-3"]),
                Gone(3),
                Sync(&["create web-3 r2"]),
                Sync(&["wait web-3 not-running Pending; holds update web-2"]),
                Ready(3),
                Sync(&["delete web-2 update r1->r2", "partition web-0 r1 < 2", "partition web-1 r1 < 2"]),
                Gone(2),
                Sync(&["create web-2 r2"]),
                Ready(2),
                Sync(&["partition web-0 r1 < 2", "partition web-1 r1 < 2"]),
                // Below the partition a deleted pod comes back at the current revision.
                UserDelete(1),
                Sync(&["wait web-1 terminating; holds create web-1"]),
                Gone(1),
                Sync(&["create web-1 r1"]),
                Ready(1),
                Partition(0),
                Sync(&["delete web-1 update r1->r2"]),
            ],
        },
        Script {
            name: "partition > replicas: nothing is updated, deleted pods return at the old revision",
            source: "SPEC §5.3 'partition > replicas ⇒ nothing updated'",
            spec: with(spec(3), |s| s.update = rolling(5, 1)),
            pods: vec![ready(0), ready(1), ready(2)],
            steps: vec![
                Template("r2"),
                Sync(&["partition web-0 r1 < 5", "partition web-1 r1 < 5", "partition web-2 r1 < 5"]),
                UserDelete(2),
                Sync(&["wait web-2 terminating; holds create web-2"]),
                Gone(2),
                Sync(&["create web-2 r1"]),
            ],
        },
        Script {
            name: "partition counts from ordinals.start",
            source: "updateStatefulSet loops over indices; newVersionedStatefulSetPod uses start + partition",
            spec: with(spec(3), |s| {
                s.start_ordinal = 5;
                s.update = rolling(2, 1);
            }),
            pods: vec![ready(5), ready(6), ready(7)],
            steps: vec![
                Template("r2"),
                Sync(&["delete web-7 update r1->r2", "partition web-5 r1 < 2", "partition web-6 r1 < 2"]),
                Gone(7),
                Sync(&["create web-7 r2"]),
                Ready(7),
                UserDelete(6),
                Sync(&["wait web-6 terminating; holds create web-6"]),
                Gone(6),
                Sync(&["create web-6 r1"]),
            ],
        },
        Script {
            name: "RollingUpdate completes and the update revision becomes current",
            source: "completeRollingUpdate",
            spec: spec(2),
            pods: vec![ready(0), ready(1)],
            steps: vec![
                Template("r2"),
                Sync(&["delete web-1 update r1->r2"]),
                Gone(1),
                Sync(&["create web-1 r2"]),
                Ready(1),
                Sync(&["delete web-0 update r1->r2"]),
                Gone(0),
                Sync(&["create web-0 r2"]),
                Ready(0),
                Sync(&[]),
                // r2 is now current: a pod recreated below a new partition stays at r2.
                Template("r3"),
                Partition(2),
                UserDelete(0),
                Sync(&["wait web-0 terminating; holds create web-0"]),
                Gone(0),
                Sync(&["create web-0 r2"]),
            ],
        },
        Script {
            name: "OrderedReady ignores maxUnavailable > 1: still one pod at a time",
            source: "kroute decision (SPEC §10 invariant 11 over SPEC §5.3 'choice 1')",
            spec: with(spec(3), |s| s.update = rolling(0, 3)),
            pods: vec![ready(0), ready(1), ready(2)],
            steps: vec![
                Template("r2"),
                Sync(&["delete web-2 update r1->r2"]),
                Sync(&["wait web-2 terminating; holds create web-2"]),
            ],
        },
        Script {
            name: "Parallel RollingUpdate with maxUnavailable 2: two at a time, unavailable pods count",
            source: "SPEC §5.3 maxUnavailable [KEP-961]; updateStatefulSetAfterInvariantEstablished",
            spec: with(parallel(spec(4)), |s| s.update = rolling(0, 2)),
            pods: vec![ready(0), ready(1), ready(2), ready(3)],
            steps: vec![
                Template("r2"),
                Sync(&["delete web-3 update r1->r2", "delete web-2 update r1->r2"]),
                Sync(&[
                    "wait web-2 terminating; holds create web-2",
                    "wait web-3 terminating; holds create web-3",
                    "budget 2/2; holds update web-1",
                ]),
                Gone(3),
                Sync(&["create web-3 r2", "wait web-2 terminating; holds create web-2", "budget 2/2; holds update web-1"]),
                Ready(3),
                Sync(&["delete web-1 update r1->r2", "wait web-2 terminating; holds create web-2"]),
            ],
        },
        Script {
            name: "Parallel RollingUpdate: an unready pod below the partition uses up the budget",
            source: "SPEC §5.3 'unavailable pods anywhere count'",
            spec: with(parallel(spec(3)), |s| s.update = rolling(1, 1)),
            pods: vec![unready(0), ready(1), ready(2)],
            steps: vec![
                Template("r2"),
                Sync(&["partition web-0 r1 < 1", "budget 1/1; holds update web-2"]),
                Ready(0),
                Sync(&["delete web-2 update r1->r2", "partition web-0 r1 < 1"]),
            ],
        },
        Script {
            name: "OnDelete: a template change replaces nothing; a deleted pod returns at the update revision",
            source: "SPEC §5.3 OnDelete",
            spec: with(spec(3), |s| s.update = UpdateStrategy::OnDelete),
            pods: vec![ready(0), ready(1), ready(2)],
            steps: vec![
                Template("r2"),
                Sync(&["on-delete web-0 r1", "on-delete web-1 r1", "on-delete web-2 r1"]),
                UserDelete(1),
                Sync(&["wait web-1 terminating; holds create web-1"]),
                Gone(1),
                Sync(&["create web-1 r2"]),
                Ready(1),
                Sync(&["on-delete web-0 r1", "on-delete web-2 r1"]),
            ],
        },
        Script {
            name: "minReadySeconds: the next pod waits until the last one has been Ready for 10 s",
            source: "SPEC §5.2/§5.4 minReadySeconds; podutil.IsPodAvailable (strictly after)",
            spec: with(spec(2), |s| s.min_ready_seconds = 10),
            pods: vec![],
            steps: vec![
                Sync(&["create web-0 r1"]),
                Requeue(None),
                At(1_000),
                Ready(0),
                At(5_000),
                Sync(&["wait web-0 not-available until 11001; holds create web-1"]),
                Requeue(Some(11_001)),
                At(11_000),
                Sync(&["wait web-0 not-available until 11001; holds create web-1"]),
                At(11_001),
                Sync(&["create web-1 r1"]),
                Requeue(None),
            ],
        },
        Script {
            name: "minReadySeconds: a Ready pod whose ready time is unknown is not available",
            source: "podutil.IsPodAvailable: zero lastTransitionTime",
            spec: with(spec(2), |s| s.min_ready_seconds = 1),
            pods: vec![PodView { ready_since_ms: None, ..ready(0) }],
            steps: vec![At(1_000_000), Sync(&["wait web-0 not-available; holds create web-1"])],
        },
    ]
}

#[test]
fn scripted_syncs() {
    for script in scripts() {
        run_script(&script);
    }
}

// ---------------------------------------------------------------------------------------------
// Identity: names, hostname, subdomain, labels, claims.

#[test]
fn created_pods_carry_their_identity() {
    let labels = |name: &str, index: &str, rev: &str| -> BTreeMap<String, String> {
        [
            (POD_NAME_LABEL, name),
            (POD_INDEX_LABEL, index),
            (REVISION_LABEL, rev),
        ]
        .iter()
        .map(|(k, v)| (String::from(*k), String::from(*v)))
        .collect()
    };
    let cases = [
        (
            // SPEC §5.1 PVC name example `www-web-0`; §4 hostname/subdomain.
            with(spec(1), |s| {
                s.service_name = Some("nginx".into());
                s.claim_templates = vec!["www".into(), "data".into()];
            }),
            Action::Create {
                ordinal: 0,
                name: "web-0".into(),
                revision: "r1".into(),
                hostname: "web-0".into(),
                subdomain: Some("nginx".into()),
                labels: labels("web-0", "0", "r1"),
                pvc_names: vec!["www-web-0".into(), "data-web-0".into()],
            },
        ),
        (
            // serviceName is optional; ordinals.start shifts names, index label and claims.
            with(SetSpec::new("db", 1, "db-7c9f"), |s| {
                s.start_ordinal = 5;
                s.claim_templates = vec!["pgdata".into()];
            }),
            Action::Create {
                ordinal: 5,
                name: "db-5".into(),
                revision: "db-7c9f".into(),
                hostname: "db-5".into(),
                subdomain: None,
                labels: labels("db-5", "5", "db-7c9f"),
                pvc_names: vec!["pgdata-db-5".into()],
            },
        ),
    ];
    for (spec, expected) in cases {
        let r = step(&spec, &[], 0).unwrap();
        assert_eq!(r.actions, vec![expected]);
    }
}

#[test]
fn pod_ordinal_reads_names_like_upstream() {
    // stateful_set_utils.go getParentNameAndOrdinal: `(.*)-([0-9]+)$`, ParseInt(.., 10, 32).
    let cases: &[(&str, &str, Option<u32>)] = &[
        ("web", "web-0", Some(0)),
        ("web", "web-12", Some(12)),
        ("web", "web-007", Some(7)),
        ("web", "web-2147483647", Some(2_147_483_647)),
        ("web", "web-2147483648", None),
        ("web", "web-", None),
        ("web", "web-x", None),
        ("web", "web-+1", None),
        ("web", "web", None),
        ("web", "api-0", None),
        ("web", "web-1-2", None),
        ("web-1", "web-1-2", Some(2)),
        ("my-set", "my-set-3", Some(3)),
    ];
    for (set, name, expected) in cases {
        assert_eq!(pod_ordinal(set, name), *expected, "{set} / {name}");
    }
}

// ---------------------------------------------------------------------------------------------
// Input that cannot describe a cluster is an error, not a panic.

#[test]
fn impossible_input_is_an_error() {
    let cases: Vec<(&str, SetSpec, Vec<PodView>, FieldErrorKind, &str)> = vec![
        (
            "two pods with one ordinal",
            spec(2),
            vec![ready(0), ready(1), ready(1)],
            FieldErrorKind::Duplicate,
            "pods[2].ordinal",
        ),
        (
            "ordinal range past u32",
            with(spec(2), |s| s.start_ordinal = u32::MAX),
            vec![],
            FieldErrorKind::Invalid,
            "spec.replicas",
        ),
    ];
    for (name, spec, pods, kind, path) in cases {
        let err = step(&spec, &pods, 0).unwrap_err();
        assert_eq!((err.kind, err.path.as_str()), (kind, path), "{name}: {err}");
    }
}

// ---------------------------------------------------------------------------------------------
// Status counters and rollout completion.

#[test]
fn status_counts_like_upstream() {
    // stateful_set_control.go computeReplicaStatus; stateful_set_utils.go completeRollingUpdate.
    let r2 = |p: PodView| PodView {
        revision: "r2".into(),
        ..p
    };
    let updating = with(spec(2), |s| s.update_revision = "r2".into());
    let cases: Vec<(&str, SetSpec, Vec<PodView>, u64, SetStatus)> = vec![
        (
            "mid-rollout: one old, one new still pending",
            updating.clone(),
            vec![ready(0), r2(pending(1))],
            0,
            SetStatus {
                replicas: 2,
                ready_replicas: 1,
                available_replicas: 1,
                current_replicas: 1,
                updated_replicas: 1,
                rollout_complete: false,
            },
        ),
        (
            "all updated and ready: complete",
            updating.clone(),
            vec![r2(ready(0)), r2(ready(1))],
            0,
            SetStatus {
                replicas: 2,
                ready_replicas: 2,
                available_replicas: 2,
                current_replicas: 0,
                updated_replicas: 2,
                rollout_complete: true,
            },
        ),
        (
            "a terminating pod counts as a replica but not as current or updated",
            updating.clone(),
            vec![
                r2(ready(0)),
                r2(PodView {
                    terminating: true,
                    ..ready(1)
                }),
            ],
            0,
            SetStatus {
                replicas: 2,
                ready_replicas: 2,
                available_replicas: 2,
                current_replicas: 0,
                updated_replicas: 1,
                rollout_complete: false,
            },
        ),
        (
            "minReadySeconds: ready but not yet available",
            with(spec(1), |s| s.min_ready_seconds = 5),
            vec![ready(0)],
            5_000,
            SetStatus {
                replicas: 1,
                ready_replicas: 1,
                available_replicas: 0,
                current_replicas: 1,
                updated_replicas: 1,
                rollout_complete: true,
            },
        ),
        (
            "OnDelete never completes a rollout",
            with(updating, |s| s.update = UpdateStrategy::OnDelete),
            vec![r2(ready(0)), r2(ready(1))],
            0,
            SetStatus {
                replicas: 2,
                ready_replicas: 2,
                available_replicas: 2,
                current_replicas: 0,
                updated_replicas: 2,
                rollout_complete: false,
            },
        ),
    ];
    for (name, spec, pods, now, expected) in cases {
        assert_eq!(status(&spec, &pods, now), expected, "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// The wire shape the web crate and npm package see.

#[test]
fn results_serialize_as_tagged_camel_case() {
    let spec = with(spec(2), |s| s.update_revision = "r2".into());
    let r = step(&spec, &[ready(0), ready(1)], 0).unwrap();
    let json = crate::json::ToJson::to_json(&r);
    let expected = crate::json!({
        "actions": [{
            "kind": "Delete", "ordinal": 1, "name": "web-1",
            "reason": { "kind": "Update", "from": "r1", "to": "r2" }
        }],
        "waiting": [],
        "requeueAtMs": null
    });
    assert_eq!(json, expected);
    let back: StepResult = crate::json::FromJson::from_json(&json).unwrap();
    assert_eq!(back, r);
    let spec_json = crate::json::ToJson::to_json(&spec);
    assert_eq!(
        spec_json["update"],
        crate::json!({ "type": "RollingUpdate", "partition": 0, "maxUnavailable": 1 })
    );
    assert_eq!(
        <SetSpec as crate::json::FromJson>::from_json(&spec_json).unwrap(),
        spec
    );
}

#[test]
fn the_simulator_settles_a_set_in_order() {
    // The example the lead's docs use: scale 0→3 OrderedReady with an obliging kubelet.
    let mut sim = SetSim::new(with(spec(3), |s| s.min_ready_seconds = 2));
    let log: Vec<(u32, bool)> = sim
        .run_to_steady(50)
        .unwrap()
        .iter()
        .map(|a| (a.ordinal(), matches!(a, Action::Create { .. })))
        .collect();
    assert_eq!(log, vec![(0, true), (1, true), (2, true)]);
    assert!(
        sim.now_ms > 4_000,
        "two minReadySeconds gates were waited out, now = {}",
        sim.now_ms
    );
    sim.spec.update_revision = "r2".into();
    sim.spec.replicas = 2;
    let log: Vec<String> = summarize(
        "web",
        &StepResult {
            actions: sim.run_to_steady(50).unwrap(),
            ..Default::default()
        },
    );
    assert_eq!(
        log,
        vec![
            "delete web-2 scale-down",
            "delete web-1 update r1->r2",
            "create web-1 r2",
            "delete web-0 update r1->r2",
            "create web-0 r2"
        ]
    );
    assert_eq!(sim.spec.current_revision, "r2");
}

// ---------------------------------------------------------------------------------------------
// SPEC §10 invariant 11, by property: random worlds driven through `step`.

#[derive(Clone, Debug)]
enum Op {
    Sync,
    Scale(u32),
    NewRevision,
    Partition(u32),
    /// Pods are picked by position among the existing ones (modulo their count).
    Ready(usize),
    Running(usize),
    Finish(usize),
    Advance(u64),
    // Disruptions: the world, not the controller, makes a pod unhealthy.
    Fail(usize),
    Unready(usize),
    UserDelete(usize),
}

fn calm_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => Just(Op::Sync),
        1 => (0u32..6).prop_map(Op::Scale),
        1 => Just(Op::NewRevision),
        1 => (0u32..7).prop_map(Op::Partition),
        3 => any::<usize>().prop_map(Op::Ready),
        1 => any::<usize>().prop_map(Op::Running),
        2 => any::<usize>().prop_map(Op::Finish),
        1 => (0u64..2_500).prop_map(Op::Advance),
    ]
}

/// Scaling and a kubelet doing its job, without template updates. With a rolling update in
/// flight, upstream can have two pods terminating: `processCondemned` blocks only when the
/// condemned *target* terminates and requires only the pods that stay to be healthy, so a
/// scale-to-zero deletes `web-2` while `web-1` is still terminating for its update
/// (kubernetes/kubernetes pkg/controller/statefulset/stateful_set_control.go). kroute follows
/// upstream; SPEC §10 invariant 11's "never two in flight" holds for scaling, checked here, and
/// its preconditions hold always (`every_action_meets_its_preconditions`).
fn scale_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => Just(Op::Sync),
        1 => (0u32..6).prop_map(Op::Scale),
        3 => any::<usize>().prop_map(Op::Ready),
        1 => any::<usize>().prop_map(Op::Running),
        2 => any::<usize>().prop_map(Op::Finish),
        1 => (0u64..2_500).prop_map(Op::Advance),
    ]
}

fn any_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        10 => calm_op(),
        1 => any::<usize>().prop_map(Op::Fail),
        1 => any::<usize>().prop_map(Op::Unready),
        1 => any::<usize>().prop_map(Op::UserDelete),
    ]
}

fn any_spec() -> impl Strategy<Value = SetSpec> {
    let strategy = prop_oneof![
        Just(UpdateStrategy::OnDelete),
        (0u32..7, 1u32..4).prop_map(|(partition, max_unavailable)| rolling(partition, max_unavailable)),
    ];
    let policy = prop_oneof![
        Just(PodManagementPolicy::OrderedReady),
        Just(PodManagementPolicy::Parallel)
    ];
    (0u32..6, 0u32..3, policy, strategy, 0u32..3).prop_map(|(replicas, start, policy, update, min_ready)| {
        with(spec(replicas), |s| {
            s.start_ordinal = start;
            s.pod_management = policy;
            s.update = update;
            s.min_ready_seconds = min_ready;
        })
    })
}

/// Running, Ready, available and not terminating, judged independently of the module.
fn healthy(sim: &SetSim, p: &PodView) -> bool {
    let min_ms = u64::from(sim.spec.min_ready_seconds) * 1000;
    !p.terminating
        && p.phase == PodPhase::Running
        && p.ready
        && (min_ms == 0 || p.ready_since_ms.is_some_and(|t| t + min_ms < sim.now_ms))
}

fn in_range(spec: &SetSpec, o: u32) -> bool {
    o >= spec.start_ordinal && o < spec.start_ordinal + spec.replicas
}

fn pick(sim: &SetSim, i: usize) -> Option<u32> {
    let n = sim.pods.len();
    (n > 0).then(|| sim.pods.keys().copied().nth(i % n)).flatten()
}

/// What every action of a sync must satisfy, given the world it was decided on.
fn check_preconditions(before: &SetSim, r: &StepResult) -> Result<(), TestCaseError> {
    let spec = &before.spec;
    let ordered = spec.pod_management == PodManagementPolicy::OrderedReady;
    let (start, end) = (spec.start_ordinal, spec.start_ordinal + spec.replicas);
    let all_lower_healthy =
        |o: u32| (start..o).all(|j| before.pods.get(&j).is_some_and(|p| healthy(before, p)));
    let range_healthy = all_lower_healthy(end);
    let unavailable = (start..end)
        .filter(|j| !before.pods.get(j).is_some_and(|p| healthy(before, p)))
        .count();
    let mut updates = 0usize;
    if ordered {
        prop_assert!(r.actions.len() <= 1, "OrderedReady issued {:?}", r.actions);
    }
    for a in &r.actions {
        let existing = before.pods.get(&a.ordinal());
        match a {
            Action::Create {
                ordinal,
                revision,
                name,
                hostname,
                ..
            } => {
                prop_assert!(in_range(spec, *ordinal) && existing.is_none(), "create {ordinal}");
                prop_assert!(name == hostname && *name == pod_name("web", *ordinal));
                let below_partition = matches!(spec.update, UpdateStrategy::RollingUpdate { partition, .. }
                    if *ordinal < start + partition);
                let want = if below_partition {
                    &spec.current_revision
                } else {
                    &spec.update_revision
                };
                prop_assert_eq!(revision, want);
                if ordered {
                    prop_assert!(
                        all_lower_healthy(*ordinal),
                        "created {ordinal} before its predecessors were healthy"
                    );
                }
            }
            Action::Delete { ordinal, reason, .. } => {
                let Some(victim) = existing else {
                    return Err(TestCaseError::fail(format!("deleted missing pod {ordinal}")));
                };
                prop_assert!(!victim.terminating, "deleted {ordinal} twice");
                match reason {
                    DeleteReason::ScaleDown => {
                        prop_assert!(!in_range(spec, *ordinal));
                        if ordered {
                            let higher_gone = before.pods.keys().all(|o| in_range(spec, *o) || o <= ordinal);
                            prop_assert!(higher_gone, "scaled down {ordinal} while a higher ordinal exists");
                            prop_assert!(
                                range_healthy,
                                "scaled down {ordinal} while a staying pod is unhealthy"
                            );
                            if !healthy(before, victim) {
                                let lower_ok = before
                                    .pods
                                    .values()
                                    .filter(|p| !in_range(spec, p.ordinal) && p.ordinal < *ordinal)
                                    .all(|p| healthy(before, p));
                                prop_assert!(
                                    lower_ok,
                                    "unhealthy {ordinal} removed above another unhealthy pod"
                                );
                            }
                        }
                    }
                    DeleteReason::Update { from, to } => {
                        let UpdateStrategy::RollingUpdate {
                            partition,
                            max_unavailable,
                        } = spec.update
                        else {
                            return Err(TestCaseError::fail("update delete under OnDelete"));
                        };
                        prop_assert!(in_range(spec, *ordinal) && *ordinal >= start + partition);
                        prop_assert!(from == &victim.revision && to == &spec.update_revision && from != to);
                        updates += 1;
                        if ordered {
                            prop_assert!(range_healthy, "updated {ordinal} while a pod is unhealthy");
                            prop_assert!(
                                before.pods.keys().all(|o| in_range(spec, *o)),
                                "updated before scale-down"
                            );
                        } else {
                            prop_assert!(
                                unavailable + updates <= max_unavailable as usize,
                                "budget overrun"
                            );
                        }
                    }
                    DeleteReason::Finished { phase } => {
                        prop_assert!(victim.phase.is_finished() && victim.phase == *phase);
                        if ordered {
                            prop_assert!(all_lower_healthy(*ordinal));
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// Pods being created (not yet healthy) or terminated.
fn in_flight(sim: &SetSim) -> usize {
    sim.pods.values().filter(|p| !healthy(sim, p)).count()
}

fn drive(spec: SetSpec, ops: &[Op], calm: bool) -> Result<(), TestCaseError> {
    let ordered = spec.pod_management == PodManagementPolicy::OrderedReady;
    let mut sim = SetSim::new(spec);
    let mut revisions = 1;
    for op in ops {
        match op {
            Op::Sync => {
                let before = sim.clone();
                let r = sim.sync().unwrap();
                check_preconditions(&before, &r)?;
                // Once applied, the same actions are never asked for again (no duplicate create or
                // delete); OrderedReady asks for nothing at all until the world moves.
                let again = step(&sim.spec, &sim.pod_views(), sim.now_ms).unwrap();
                if ordered {
                    prop_assert!(
                        again.actions.is_empty(),
                        "after {:?} came {:?}",
                        r.actions,
                        again.actions
                    );
                } else {
                    let only_updates = again.actions.iter().all(|a| {
                        matches!(
                            a,
                            Action::Delete {
                                reason: DeleteReason::Update { .. },
                                ..
                            }
                        )
                    });
                    prop_assert!(only_updates, "after {:?} came {:?}", r.actions, again.actions);
                }
            }
            Op::Scale(n) => sim.spec.replicas = *n,
            Op::NewRevision => {
                revisions += 1;
                sim.spec.update_revision = format!("r{revisions}");
            }
            Op::Partition(p) => {
                if let UpdateStrategy::RollingUpdate { partition, .. } = &mut sim.spec.update {
                    *partition = *p;
                }
            }
            Op::Ready(i) => {
                if let Some(o) = pick(&sim, *i).filter(|o| {
                    sim.pods
                        .get(o)
                        .is_some_and(|p| !p.terminating && !p.phase.is_finished())
                }) {
                    sim.become_ready(o);
                }
            }
            Op::Running(i) => {
                if let Some(p) = pick(&sim, *i).and_then(|o| sim.pods.get_mut(&o)) {
                    if p.phase == PodPhase::Pending {
                        p.phase = PodPhase::Running;
                    }
                }
            }
            Op::Finish(i) => {
                if let Some(o) = pick(&sim, *i) {
                    sim.finish_termination(o);
                }
            }
            Op::Advance(ms) => sim.advance(*ms),
            Op::Fail(i) => {
                if let Some(o) = pick(&sim, *i) {
                    sim.fail(o);
                }
            }
            Op::Unready(i) => {
                if let Some(p) = pick(&sim, *i).and_then(|o| sim.pods.get_mut(&o)) {
                    p.ready = false;
                    p.ready_since_ms = None;
                }
            }
            Op::UserDelete(i) => {
                if let Some(p) = pick(&sim, *i).and_then(|o| sim.pods.get_mut(&o)) {
                    p.terminating = true;
                }
            }
        }
        if calm && ordered {
            prop_assert!(
                in_flight(&sim) <= 1,
                "two pods in flight after {op:?}: {:?}",
                sim.pods
            );
        }
    }
    // Whatever happened, an obliging kubelet lets the set reach its desired state…
    sim.run_to_steady(500).unwrap();
    // …except behind a Failed pod that is being scaled away: upstream's `processCondemned`
    // waits for the first unhealthy pod, and nothing deletes a Failed pod out of range (only
    // pods in range are replaced), so scale-down blocks until someone deletes it — as on a
    // real cluster. The user does, and the set then settles.
    let failed: Vec<u32> = sim
        .pods
        .values()
        .filter(|p| p.phase.is_finished() && p.ordinal >= sim.spec.start_ordinal + sim.spec.replicas)
        .map(|p| p.ordinal)
        .collect();
    for o in failed {
        if let Some(p) = sim.pods.get_mut(&o) {
            p.terminating = true;
        }
    }
    sim.run_to_steady(500).unwrap();
    let spec = &sim.spec;
    let ordinals: Vec<u32> = sim.pods.keys().copied().collect();
    prop_assert_eq!(
        ordinals,
        (spec.start_ordinal..spec.start_ordinal + spec.replicas).collect::<Vec<_>>()
    );
    prop_assert!(
        sim.pods.values().all(|p| healthy(&sim, p)),
        "not settled: {:?}",
        sim.pods
    );
    if let UpdateStrategy::RollingUpdate { partition, .. } = spec.update {
        let first = spec.start_ordinal + partition;
        prop_assert!(sim
            .pods
            .values()
            .filter(|p| p.ordinal >= first)
            .all(|p| p.revision == spec.update_revision));
    }
    prop_assert!(step(&sim.spec, &sim.pod_views(), sim.now_ms)
        .unwrap()
        .actions
        .is_empty());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Scaling without disruptions: an OrderedReady set never has two pods being created/terminated.
    #[test]
    fn ordered_ready_changes_one_pod_at_a_time(spec in any_spec(), ops in proptest::collection::vec(scale_op(), 0..80)) {
        drive(spec, &ops, true)?;
    }

    /// With failures, readiness loss and user deletes, every action still meets its preconditions.
    #[test]
    fn every_action_meets_its_preconditions(spec in any_spec(), ops in proptest::collection::vec(any_op(), 0..80)) {
        drive(spec, &ops, false)?;
    }
}

/// The case proptest found (recorded so it stays covered whatever the seed): pods 0 and 1 both
/// Failed after a scale to 0. Upstream blocks the scale-down behind the Failed pod 0 until a
/// user deletes it; the set then reaches 0 pods.
#[test]
fn a_failed_pod_blocks_scale_down_until_deleted() {
    let spec = SetSpec {
        name: "web".into(),
        replicas: 2,
        start_ordinal: 0,
        pod_management: PodManagementPolicy::OrderedReady,
        update: UpdateStrategy::OnDelete,
        min_ready_seconds: 0,
        current_revision: "r1".into(),
        update_revision: "r1".into(),
        service_name: None,
        claim_templates: vec![],
    };
    let ops = [
        Op::Sync,
        Op::Ready(0),
        Op::Sync,
        Op::UserDelete(761342188978945374),
        Op::Fail(9672509228639249599),
        Op::Finish(2544258324165621248),
        Op::Sync,
        Op::Scale(0),
        Op::Fail(10379157037989063428),
    ];
    drive(spec.clone(), &ops, false).unwrap();
    // Without the user's delete, the set stays stuck exactly where upstream's does.
    let mut sim = SetSim::new(spec);
    sim.sync().unwrap();
    sim.become_ready(0);
    sim.sync().unwrap();
    sim.spec.replicas = 0;
    sim.fail(0);
    sim.fail(1);
    sim.run_to_steady(50).unwrap();
    assert_eq!(sim.pods.keys().copied().collect::<Vec<_>>(), [0, 1]);
    let r = sim.sync().unwrap();
    assert!(r.actions.is_empty());
    assert_eq!(r.waiting.len(), 1, "{:?}", r.waiting);
}
