//! The simulated clock as the playground drives it — Play, Pause, Step, a speed — and the
//! StatefulSet lifecycle's actions (scale, policy, partition, rolling update), as `Workspace`
//! methods. The clock is the live cluster's (`Cluster::advance`): a change made here plays out
//! on the cluster on screen, and what it did is kept in `Clock::history` for the views. The
//! next Apply rebuilds the cluster from the text and starts a new history.

use kroute::cluster::{ChangeReport, Event};
use kroute::controllers::statefulset::PodManagementPolicy;
use kroute::manifest::draw::Edit;
use kroute::view::Lifecycle;
use kroute::{Kind, ObjectRef};

use crate::state::Workspace;

/// Speeds offered: simulated time per real time.
pub const SPEEDS: [u32; 3] = [1, 4, 16];
/// How often Play moves the clock, in real milliseconds.
pub const TICK_MS: u32 = 200;
/// What Step moves the clock by when nothing is scheduled.
pub const IDLE_STEP_MS: u64 = 1_000;
/// Events kept for the timelines (the oldest go first).
pub const HISTORY: usize = 2_000;

#[derive(Clone, Debug, PartialEq)]
pub struct Clock {
    pub playing: bool,
    /// One of [`SPEEDS`].
    pub speed: u32,
    /// What the cluster did since it was built: the Apply's events, then every live change's.
    pub history: Vec<Event>,
    /// What the last lifecycle action could not do as asked (the core's refusal, and what was
    /// done instead).
    pub note: Option<String>,
    /// The StatefulSet last picked in the lifecycle view.
    pub shown: Option<ObjectRef>,
}

impl Default for Clock {
    fn default() -> Self {
        Clock {
            playing: false,
            speed: SPEEDS[0],
            history: Vec::new(),
            note: None,
            shown: None,
        }
    }
}

impl Workspace {
    /// The live cluster's simulated time.
    pub fn now_ms(&self) -> Option<u64> {
        self.snapshot.as_ref().map(|s| s.cluster.now_ms())
    }

    /// Keeps what a live change did for the timelines.
    pub fn record_events(&mut self, report: &ChangeReport) {
        let history = &mut self.clock.history;
        history.extend(report.events.iter().cloned());
        if history.len() > HISTORY {
            history.drain(..history.len() - HISTORY);
        }
    }

    /// Moves the live cluster's clock by `ms`. A stretch in which nothing is scheduled only
    /// moves the time: the views keep their state (and the canvas its animation).
    pub fn advance_clock(&mut self, ms: u64) {
        let Some(snap) = &self.snapshot else { return };
        let target = snap.cluster.now_ms().saturating_add(ms);
        if snap.cluster.next_timer_ms().is_none_or(|at| at > target) {
            if let Some(snap) = self.snapshot.as_mut() {
                snap.cluster.advance(ms);
            }
            return;
        }
        if let Some(report) = self.live(|c| c.advance(ms)) {
            self.record_events(&report);
        }
    }

    /// Play's heartbeat: `real_ms` of real time at the chosen speed.
    pub fn tick(&mut self, real_ms: u64) {
        if self.clock.playing {
            self.advance_clock(real_ms.saturating_mul(u64::from(self.clock.speed)));
        }
    }

    /// Moves the clock to the next thing it has to do (a pod finishing its start or its grace
    /// period), or by [`IDLE_STEP_MS`] when nothing is scheduled. Returns how far it moved.
    pub fn step_clock(&mut self) -> u64 {
        let Some(snap) = &self.snapshot else { return 0 };
        let now = snap.cluster.now_ms();
        let ms = snap
            .cluster
            .next_timer_ms()
            .map_or(IDLE_STEP_MS, |at| at.saturating_sub(now));
        self.advance_clock(ms);
        ms
    }

    pub fn set_playing(&mut self, playing: bool) {
        self.clock.playing = playing;
    }

    pub fn set_speed(&mut self, speed: u32) {
        if SPEEDS.contains(&speed) {
            self.clock.speed = speed;
        }
    }

    /// Every StatefulSet of the cluster.
    pub fn stateful_sets(&self) -> Vec<ObjectRef> {
        self.snapshot.as_ref().map_or_else(Vec::new, |s| {
            s.cluster
                .list(Kind::StatefulSet, None)
                .into_iter()
                .map(|o| o.object_ref())
                .collect()
        })
    }

    /// The set the lifecycle view shows: the selected object if it is a StatefulSet, else the
    /// one last picked in the view while it exists, else the first.
    pub fn lifecycle_set(&self) -> Option<ObjectRef> {
        let sets = self.stateful_sets();
        self.selected
            .iter()
            .chain(self.clock.shown.as_ref())
            .find(|r| sets.contains(r))
            .cloned()
            .or_else(|| sets.first().cloned())
    }

    /// Picks the set the lifecycle view shows (and selects it, so the inspector shows it too).
    pub fn show_set(&mut self, set: ObjectRef) {
        self.selected = Some(set.clone());
        self.clock.shown = Some(set);
    }

    /// The core's lifecycle view of `set`, with the history kept since the cluster was built.
    pub fn lifecycle(&self, set: &ObjectRef) -> Option<Lifecycle> {
        let snap = self.snapshot.as_ref()?;
        let ns = set.namespace.as_deref().unwrap_or("default");
        kroute::view::lifecycle(&snap.cluster, ns, &set.name, &self.clock.history)
    }

    /// `kubectl scale` on the live set (the text says the new count too).
    pub fn scale_set(&mut self, set: &ObjectRef, replicas: i64) {
        let outcome = self.scale(set, replicas);
        self.settle_note(outcome);
    }

    /// `spec.updateStrategy.rollingUpdate.partition`, applied to the live set.
    pub fn set_partition(&mut self, set: &ObjectRef, partition: u32) {
        let path = ["spec", "updateStrategy", "rollingUpdate", "partition"];
        self.live_field(set, &path, kroute::json!(partition));
    }

    /// What `kubectl rollout restart` does: a new template annotation, so a new revision that
    /// the update strategy rolls out.
    pub fn restart_set(&mut self, set: &ObjectRef) {
        let Some(now) = self.now_ms() else { return };
        let path = [
            "spec",
            "template",
            "metadata",
            "annotations",
            "kubectl.kubernetes.io/restartedAt",
        ];
        let stamp = kroute::cluster::time::rfc3339(now);
        self.live_field(set, &path, kroute::json!(stamp));
    }

    /// `spec.podManagementPolicy`. Tried on the live set first; when the cluster refuses the
    /// change (the API server forbids it on an existing set), the text is edited and the
    /// cluster rebuilt from it, as deleting and re-creating the set would, and the note says
    /// why.
    pub fn set_pod_management(&mut self, set: &ObjectRef, policy: PodManagementPolicy) {
        let value = match policy {
            PodManagementPolicy::OrderedReady => "OrderedReady",
            PodManagementPolicy::Parallel => "Parallel",
        };
        let edit = Edit::SetField {
            object: set.clone(),
            path: vec!["spec".to_owned(), "podManagementPolicy".to_owned()],
            value: kroute::json!(value),
        };
        match self.live_edit(&edit) {
            Ok(report) => {
                self.record_events(&report);
                self.clock.note = None;
            }
            Err(refused) => {
                let before = self.generation;
                self.edit(&edit);
                let rebuilt = self.generation > before && !self.is_stale();
                self.clock.note = Some(if rebuilt {
                    format!("{refused}\nSo the cluster was re-created from the edited text.")
                } else {
                    refused
                });
            }
        }
    }

    fn live_field(&mut self, set: &ObjectRef, path: &[&str], value: kroute::json::Value) {
        let edit = Edit::SetField {
            object: set.clone(),
            path: path.iter().map(|s| (*s).to_owned()).collect(),
            value,
        };
        let outcome = self.live_edit(&edit);
        self.settle_note(outcome);
    }

    fn settle_note(&mut self, outcome: Result<ChangeReport, String>) {
        match outcome {
            Ok(report) => {
                self.record_events(&report);
                self.clock.note = None;
            }
            Err(why) => self.clock.note = Some(why),
        }
    }
}

#[cfg(test)]
#[path = "clock_tests.rs"]
mod tests;
