use kroute::view::{Happening, PodState};

use super::*;

fn sts_workspace() -> Workspace {
    let mut w = Workspace::starter();
    assert!(w.load_example("statefulset"));
    w
}

fn web() -> ObjectRef {
    ObjectRef {
        kind: "StatefulSet".into(),
        namespace: Some("default".into()),
        name: "web".into(),
    }
}

/// The slots as `<ordinal><state>`: R ready, P pending, T terminating, . absent (others ?).
fn slots(w: &Workspace) -> String {
    let l = w.lifecycle(&web()).expect("the set exists");
    l.slots
        .iter()
        .map(|s| {
            let state = match s.state {
                None => '.',
                Some(PodState::Ready) => 'R',
                Some(PodState::Pending) => 'P',
                Some(PodState::Terminating) => 'T',
                Some(_) => '?',
            };
            format!("{}{state}", s.ordinal)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn play_moves_the_clock_at_its_speed_only_while_playing() {
    // (playing, speed, ticks of 200 ms, simulated ms moved)
    let cases = [
        (false, 1, 5, 0),
        (true, 1, 5, 1_000),
        (true, 4, 5, 4_000),
        (true, 16, 1, 3_200),
        (true, 3, 1, 200), // not an offered speed: stays at 1×
    ];
    for (playing, speed, ticks, moved) in cases {
        let mut w = sts_workspace();
        w.set_playing(playing);
        w.set_speed(speed);
        let start = w.now_ms().expect("a cluster");
        for _ in 0..ticks {
            w.tick(u64::from(TICK_MS));
        }
        assert_eq!(w.now_ms(), Some(start + moved), "{playing} {speed}×");
    }
}

#[test]
fn step_goes_to_the_next_change_and_ordinals_start_in_order() {
    let mut w = sts_workspace();
    w.scale_set(&web(), 5);
    assert_eq!(w.clock.note, None);
    assert!(w.text.contains("replicas: 5"));
    // (slots after the step, ms the step moved)
    let steps = [
        ("0R 1R 2R 3R 4P", 2_000),
        ("0R 1R 2R 3R 4R", 2_000),
        ("0R 1R 2R 3R 4R", IDLE_STEP_MS),
    ];
    assert_eq!(slots(&w), "0R 1R 2R 3P 4.");
    for (want, moved) in steps {
        assert_eq!(w.step_clock(), moved);
        assert_eq!(slots(&w), want);
    }
    let l = w.lifecycle(&web()).expect("the set");
    assert_eq!(l.service.expect("nginx").pods.len(), 5);
    let started: Vec<&str> = l
        .timeline
        .iter()
        .filter(|e| e.happening == Happening::Started)
        .filter_map(|e| e.pod.as_deref())
        .collect();
    assert_eq!(started, ["web-0", "web-1", "web-2", "web-3", "web-4"]);
}

#[test]
fn a_quiet_stretch_moves_only_the_time() {
    let mut w = sts_workspace();
    let generation = w.generation;
    w.advance_clock(10_000);
    assert_eq!(
        w.generation, generation,
        "nothing happened: views keep their state"
    );
    w.scale_set(&web(), 4);
    let generation = w.generation;
    let events = w.clock.history.len();
    w.advance_clock(10_000);
    assert!(w.generation > generation && w.clock.history.len() > events);
    // An Apply builds a new cluster and a new history.
    w.apply();
    assert!(w
        .clock
        .history
        .iter()
        .all(|e| e.at_ms <= kroute::manifest::SETTLE_MS));
}

#[test]
fn parallel_is_set_by_recreating_the_cluster_and_starts_pods_together() {
    let mut w = sts_workspace();
    w.set_pod_management(&web(), PodManagementPolicy::Parallel);
    let note = w.clock.note.clone().expect("the live change is refused");
    assert!(
        note.contains("forbidden") && note.contains("re-created"),
        "{note}"
    );
    assert!(w.text.contains("podManagementPolicy: Parallel"), "{}", w.text);
    let l = w.lifecycle(&web()).expect("the set");
    assert_eq!(l.policy, PodManagementPolicy::Parallel);
    w.scale_set(&web(), 6);
    assert_eq!(slots(&w), "0R 1R 2R 3P 4P 5P");
    w.step_clock();
    assert_eq!(slots(&w), "0R 1R 2R 3R 4R 5R");
}

#[test]
fn a_partitioned_rolling_update_replaces_the_highest_ordinals_only() {
    let mut w = sts_workspace();
    w.set_partition(&web(), 1);
    assert_eq!(w.clock.note, None);
    w.step_clock(); // time moves, so the restart stamp differs from the load's
    w.restart_set(&web());
    assert_eq!(w.clock.note, None);
    assert!(
        w.text.contains("partition: 1") && w.text.contains("restartedAt"),
        "{}",
        w.text
    );
    assert_eq!(slots(&w), "0R 1R 2T");
    for _ in 0..8 {
        w.step_clock();
    }
    let l = w.lifecycle(&web()).expect("the set");
    let updated: Vec<bool> = l.slots.iter().map(|s| s.updated).collect();
    assert_eq!(
        updated,
        [false, true, true],
        "below the partition web-0 keeps its revision"
    );
    // The order the pods were replaced in: highest first.
    let terminating: Vec<&str> = l
        .timeline
        .iter()
        .filter(|e| e.happening == Happening::Terminating)
        .filter_map(|e| e.pod.as_deref())
        .collect();
    assert_eq!(terminating, ["web-2", "web-1"]);
}

#[test]
fn the_view_shows_the_selected_set_else_the_picked_one_else_the_first() {
    let mut w = sts_workspace();
    w.text.push_str(concat!(
        "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\n",
        "spec: {serviceName: nginx, selector: {matchLabels: {app: db}},\n",
        "  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, image: postgres}]}}}\n",
    ));
    w.apply();
    let db = ObjectRef {
        name: "db".into(),
        ..web()
    };
    let service = ObjectRef {
        kind: "Service".into(),
        namespace: Some("default".into()),
        name: "nginx".into(),
    };
    assert_eq!(w.stateful_sets(), [db.clone(), web()]);
    assert_eq!(w.lifecycle_set(), Some(db.clone()), "the first");
    w.show_set(web());
    assert_eq!(
        (w.lifecycle_set(), w.selected.clone()),
        (Some(web()), Some(web()))
    );
    // (selected, shown)
    let cases = [
        (Some(service.clone()), Some(web())),
        (Some(db.clone()), Some(db.clone())),
        (None, Some(web())),
    ];
    for (selected, shown) in cases {
        w.selected = selected;
        assert_eq!(w.lifecycle_set(), shown);
    }
    assert!(w.load_example("nodeport"));
    assert_eq!(w.lifecycle_set(), None);
    assert!(w.stateful_sets().is_empty());
    w.scale_set(&web(), 2);
    assert!(w.clock.note.is_some(), "scaling a missing set says why");
}

#[test]
fn the_history_keeps_the_latest_events() {
    let mut w = sts_workspace();
    w.set_pod_management(&web(), PodManagementPolicy::Parallel);
    for _ in 0..15 {
        w.scale_set(&web(), 40);
        w.step_clock();
        w.scale_set(&web(), 1);
        w.advance_clock(31_000);
    }
    assert_eq!(w.clock.history.len(), HISTORY, "full, and no longer");
    let first = w.clock.history.first().map(|e| e.at_ms);
    assert!(first > Some(0), "the load's events went first: {first:?}");
    let last = w.clock.history.last().map(|e| e.at_ms);
    assert!(last > Some(kroute::manifest::SETTLE_MS), "the newest are kept");
}
