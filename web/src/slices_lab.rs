//! The EndpointSlice lab's state: the cluster settings the text cannot say (the controller's
//! `--max-endpoints-per-slice`, the node count), the actions on the live cluster (scale, kill,
//! un-ready, terminate, rollout restart, step the clock), what the last action did to the
//! slices, and the churn history. Every answer — bins, marks, bytes at a node count, the
//! KEP-752 table — comes from `kroute::view::slices` and `kroute::endpoints::estimate`.
//!
//! Clock: after an action the clock runs, timer by timer, until nothing is pending (pods start
//! after 2 s, terminating pods leave after their grace period), unless the user switched to
//! stepping it by hand. Each clock instant that wrote the Service's slices is its own row of the
//! history, so a rolling update shows as the sequence of writes it is.

use kroute::cluster::{ChangeReport, Cluster, ClusterConfig, ServiceChurn};
use kroute::controllers::pods::PodAction;
use kroute::endpoints::{estimate, Estimation, ObjectSizeModel, KEP_752_ENDPOINTS, KEP_752_NODES};
use kroute::json::{FromJson, ToJson};
use kroute::manifest::draw::Edit;
use kroute::view::{
    change_churn, churn_series, slice_bins, slice_services, ChangeChurn, ChurnSeries, SliceBins,
};
use kroute::ObjectRef;

use crate::state::Workspace;

/// Cluster settings beyond the manifests; saved and shared with them.
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all = "camelCase", default)]
pub struct ClusterSettings {
    /// `--max-endpoints-per-slice` (1–1000).
    pub max_endpoints_per_slice: usize,
    /// Nodes the cluster starts with (each holds 254 pod IPs).
    pub nodes: u32,
}

/// Largest node count offered: the pod CIDR (/16) has room for 255 node subnets of /24.
pub const MAX_CLUSTER_NODES: u32 = 250;

impl Default for ClusterSettings {
    fn default() -> Self {
        let c = ClusterConfig::default();
        ClusterSettings {
            max_endpoints_per_slice: c.max_endpoints_per_slice,
            nodes: c.default_nodes,
        }
    }
}

impl ClusterSettings {
    pub fn is_default(&self) -> bool {
        *self == ClusterSettings::default()
    }

    pub fn config(&self) -> ClusterConfig {
        ClusterConfig {
            max_endpoints_per_slice: self.max_endpoints_per_slice,
            default_nodes: self.nodes,
            ..ClusterConfig::default()
        }
    }
}

/// An action of the lab.
#[derive(Clone, Debug, PartialEq)]
pub enum LabAction {
    /// `kubectl scale` of a workload behind the Service.
    Scale { workload: ObjectRef, replicas: i64 },
    /// Kill (fail), un-ready, ready or terminate (delete) a pod.
    Pod {
        namespace: String,
        name: String,
        action: PodAction,
    },
    /// `kubectl rollout restart`: a new template annotation starts a rolling update.
    RolloutRestart { workload: ObjectRef },
    /// Move the clock to its next timer.
    Step,
}

/// One row of the churn history: one action, or one clock instant after it.
#[derive(Clone, Debug, PartialEq)]
pub struct ChurnEntry {
    pub label: String,
    pub service: ObjectRef,
    /// Simulated time after it, in ms.
    pub at_ms: u64,
    /// Rows of one click share a number.
    pub group: u64,
    /// A clock instant after the action (not the action itself).
    pub clock: bool,
    pub churn: ChangeChurn,
}

/// The lab's state between renders (not saved: it describes the live cluster).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SlicesLab {
    /// The Service shown; `None` follows the selection.
    pub service: Option<ObjectRef>,
    /// Watching nodes for the churn figures; `None` is the cluster's node count.
    pub watchers: Option<u64>,
    /// Step the clock by hand instead of running it until the cluster settles.
    pub manual_clock: bool,
    /// The syncs of the last click (what the bins mark).
    pub last: Vec<ServiceChurn>,
    pub history: Vec<ChurnEntry>,
    pub groups: u64,
    /// KEP-752's case, run through the reconciler (the preset).
    pub estimate: Option<Estimation>,
    /// How long the estimate took, in ms (measured by the page, which has a clock).
    pub estimate_ms: Option<f64>,
}

/// Clock instants one action may run through before the lab stops and lets the user step.
pub const MAX_TICKS: usize = 2_000;
/// History rows kept (the oldest go first; the totals are over what is kept).
pub const MAX_HISTORY: usize = 500;

fn short(r: &ObjectRef) -> String {
    // Kinds are ASCII: no Unicode case tables needed.
    format!("{}/{}", r.kind.to_ascii_lowercase(), r.name)
}

impl Workspace {
    /// The Service the lab shows: the chosen one, else the selected Service, else the first
    /// Service with managed slices.
    pub fn slice_service(&self) -> Option<ObjectRef> {
        let snap = self.snapshot.as_ref()?;
        let services = slice_services(&snap.cluster);
        let pick = |r: &Option<ObjectRef>| r.as_ref().filter(|r| services.contains(r)).cloned();
        pick(&self.slices.service)
            .or_else(|| pick(&self.selected))
            .or_else(|| services.first().cloned())
    }

    /// The Service's slices as bins, marked with what the last click did.
    pub fn slice_bins(&self) -> Option<SliceBins> {
        let snap = self.snapshot.as_ref()?;
        slice_bins(&snap.cluster, &self.slice_service()?, &self.slices.last)
    }

    /// Nodes the churn figures are for.
    pub fn slice_watchers(&self) -> u64 {
        self.slices.watchers.unwrap_or_else(|| {
            self.snapshot
                .as_ref()
                .map_or(u64::from(self.cluster.nodes), |s| s.topology.nodes.len() as u64)
        })
    }

    /// The shown Service's history at the chosen node count, with running totals.
    pub fn slice_churn(&self) -> (Vec<&ChurnEntry>, ChurnSeries) {
        let service = self.slice_service();
        let entries: Vec<&ChurnEntry> = self
            .slices
            .history
            .iter()
            .filter(|e| Some(&e.service) == service.as_ref())
            .collect();
        let per_watcher: Vec<_> = entries.iter().map(|e| e.churn.per_watcher).collect();
        (entries, churn_series(&per_watcher, self.slice_watchers()))
    }

    /// A new `--max-endpoints-per-slice` (clamped to 1–1000): the cluster is rebuilt with it.
    pub fn set_max_endpoints_per_slice(&mut self, max: usize) {
        self.cluster.max_endpoints_per_slice = max.clamp(1, 1000);
        self.apply();
    }

    /// A new node count (clamped to 1–250): the cluster is rebuilt with it.
    pub fn set_cluster_nodes(&mut self, nodes: u32) {
        self.cluster.nodes = nodes.clamp(1, MAX_CLUSTER_NODES);
        self.apply();
    }

    pub fn reset_slice_history(&mut self) {
        self.slices.history.clear();
        self.slices.last.clear();
        self.slices.estimate = None;
        self.slices.estimate_ms = None;
    }

    /// KEP-752's case: 20,000 endpoints on 5,000 nodes, at this cluster's maxEndpointsPerSlice.
    /// Synthetic endpoints through the reconciler, not a 20,000-pod cluster (see the module).
    pub fn slice_kep_preset(&mut self) -> Result<(), String> {
        let e = estimate(
            KEP_752_ENDPOINTS,
            self.cluster.max_endpoints_per_slice,
            &ObjectSizeModel::KEP_752,
        )
        .map_err(|e| e.to_string())?;
        self.slices.estimate = Some(e);
        self.slices.watchers = Some(KEP_752_NODES);
        Ok(())
    }

    /// Runs an action on the live cluster, then the clock (unless stepped by hand), and records
    /// what it did to the shown Service's slices.
    pub fn slice_act(&mut self, action: &LabAction) -> Result<(), String> {
        let service = self
            .slice_service()
            .ok_or("no Service with EndpointSlices to watch")?;
        let start = self.snapshot.as_ref().map_or(0, |s| s.cluster.now_ms());
        let (label, first) = match action {
            LabAction::Scale { workload, replicas } => {
                let before = self
                    .slice_bins()
                    .and_then(|b| b.workloads.into_iter().find(|w| &w.object == workload))
                    .map_or(0, |w| w.replicas);
                let report = self.scale(workload, *replicas)?;
                (format!("scale {} {before}→{replicas}", short(workload)), report)
            }
            LabAction::Pod {
                namespace,
                name,
                action,
            } => {
                let verb = match action {
                    PodAction::Fail => "kill",
                    PodAction::MakeNotReady => "un-ready",
                    PodAction::MakeReady => "ready",
                    PodAction::Delete => "terminate",
                };
                let report = self
                    .live(|c| c.pod_action(namespace, name, *action))
                    .ok_or("no cluster yet")?
                    .map_err(|e| e.to_string())?;
                (format!("{verb} {name}"), report)
            }
            LabAction::RolloutRestart { workload } => {
                let edit = Edit::SetField {
                    object: workload.clone(),
                    path: [
                        "spec",
                        "template",
                        "metadata",
                        "annotations",
                        "kubectl.kubernetes.io/restartedAt",
                    ]
                    .map(String::from)
                    .to_vec(),
                    value: kroute::json!(kroute::cluster::time::rfc3339(start)),
                };
                let report = self.live_edit(&edit)?;
                (format!("rollout restart {}", short(workload)), report)
            }
            LabAction::Step => {
                let (at, report) = self
                    .live(step)
                    .flatten()
                    .ok_or("nothing is pending: the clock has nothing to do")?;
                (format!("step to t={:.1} s", at as f64 / 1000.0), report)
            }
        };
        let ticks = if self.slices.manual_clock || *action == LabAction::Step {
            Vec::new()
        } else {
            self.live(|c| (0..MAX_TICKS).map_while(|_| step(c)).collect::<Vec<_>>())
                .unwrap_or_default()
        };
        self.record_churn(&service, start, label, first, ticks);
        Ok(())
    }

    fn record_churn(
        &mut self,
        service: &ObjectRef,
        start: u64,
        label: String,
        first: ChangeReport,
        ticks: Vec<(u64, ChangeReport)>,
    ) {
        let lab = &mut self.slices;
        lab.groups += 1;
        lab.last.clear();
        let mut rows = vec![(label, start, first)];
        rows.extend(
            ticks
                .into_iter()
                .map(|(at, r)| (format!("↳ t+{:.1} s", (at - start) as f64 / 1000.0), at, r)),
        );
        for (i, (label, at, report)) in rows.into_iter().enumerate() {
            let churn = change_churn(service, &report.churn);
            lab.last.extend(report.churn);
            // The action's own row always shows (zero if it wrote nothing); clock rows only
            // when they wrote the Service's slices.
            if i == 0 || churn.is_some() {
                lab.history.push(ChurnEntry {
                    label,
                    service: service.clone(),
                    at_ms: at,
                    group: lab.groups,
                    clock: i > 0,
                    churn: churn.unwrap_or_default(),
                });
            }
        }
        let excess = lab.history.len().saturating_sub(MAX_HISTORY);
        lab.history.drain(..excess);
    }
}

/// Moves the clock to its next timer: the instant and what happened then.
fn step(c: &mut Cluster) -> Option<(u64, ChangeReport)> {
    let at = c.next_timer_ms()?;
    let report = c.advance(at.saturating_sub(c.now_ms()));
    Some((c.now_ms(), report))
}

#[cfg(test)]
mod tests {
    use kroute::view::SliceMark;

    use super::*;
    use crate::state::Workspace;

    fn books() -> ObjectRef {
        ObjectRef {
            kind: "Deployment".into(),
            namespace: Some("default".into()),
            name: "books".into(),
        }
    }

    fn marks(w: &Workspace) -> (usize, usize, usize) {
        let bins = w.slice_bins().expect("bins");
        let count = |m| bins.bins.iter().filter(|b| b.mark == Some(m)).count();
        (
            count(SliceMark::Created),
            count(SliceMark::Updated),
            count(SliceMark::Deleted),
        )
    }

    fn pod(w: &Workspace, i: usize) -> String {
        w.slice_bins().expect("bins").pods[i].name.clone()
    }

    #[derive(Clone, Copy, Debug)]
    enum Do {
        Scale(i64),
        Pod(usize, PodAction),
        Restart,
    }

    #[test]
    fn actions_mark_the_slices_they_wrote_and_add_to_the_history() {
        // (max per slice, actions, marks of the last (created, updated, deleted), history rows
        //  it adds at least, endpoints after)
        type Case = (usize, &'static [Do], (usize, usize, usize), usize, usize);
        let cases: [Case; 6] = [
            (100, &[Do::Scale(250)], (2, 1, 0), 2, 250),
            (
                100,
                &[Do::Scale(250), Do::Pod(0, PodAction::Fail)],
                (0, 1, 0),
                2,
                250,
            ),
            (
                100,
                &[Do::Scale(250), Do::Pod(0, PodAction::MakeNotReady)],
                (0, 1, 0),
                1,
                250,
            ),
            (
                100,
                &[Do::Scale(250), Do::Pod(4, PodAction::Delete)],
                (0, 2, 0),
                3,
                250,
            ),
            // SPEC §3.5: 27 new endpoints at 10 per slice → two new slices, the old one topped up.
            (10, &[Do::Scale(30)], (2, 1, 0), 2, 30),
            (100, &[Do::Scale(40), Do::Restart], (0, 1, 0), 4, 40),
        ];
        for (i, (max, steps, want_marks, rows, endpoints)) in cases.into_iter().enumerate() {
            let mut w = Workspace::starter();
            w.set_max_endpoints_per_slice(max);
            let mut before = 0;
            for step in steps {
                before = w.slices.history.len();
                let action = match *step {
                    Do::Scale(n) => LabAction::Scale {
                        workload: books(),
                        replicas: n,
                    },
                    Do::Pod(p, action) => LabAction::Pod {
                        namespace: "default".into(),
                        name: pod(&w, p),
                        action,
                    },
                    Do::Restart => LabAction::RolloutRestart { workload: books() },
                };
                w.slice_act(&action).unwrap_or_else(|e| panic!("case {i}: {e}"));
            }
            let bins = w.slice_bins().expect("bins");
            assert_eq!(bins.endpoints, endpoints, "case {i}");
            assert_eq!(marks(&w), want_marks, "case {i}: {:#?}", bins.bins);
            assert!(
                w.slices.history.len() >= before + rows,
                "case {i}: {:#?}",
                w.slices.history
            );
            // The clock ran until nothing was pending.
            assert_eq!(
                w.snapshot.as_ref().and_then(|s| s.cluster.next_timer_ms()),
                None,
                "case {i}"
            );
        }
    }

    #[test]
    fn churn_is_shown_at_any_node_count_and_resets() {
        let mut w = Workspace::starter();
        w.slice_act(&LabAction::Scale {
            workload: books(),
            replicas: 250,
        })
        .expect("scaled");
        let kill = LabAction::Pod {
            namespace: "default".into(),
            name: pod(&w, 0),
            action: PodAction::Fail,
        };
        w.slice_act(&kill).expect("killed");
        // (watchers, bytes of the kill's first row with slices, with Endpoints)
        let row = |w: &Workspace| {
            let (entries, series) = w.slice_churn();
            let i = entries
                .iter()
                .position(|e| e.label.starts_with("kill"))
                .expect("kill row");
            (series.changes[i].bytes_slices, series.changes[i].bytes_endpoints)
        };
        assert_eq!(w.slice_watchers(), 3);
        let at3 = row(&w);
        assert!(at3.1 > at3.0, "Endpoints cost more than a slice: {at3:?}");
        w.slices.watchers = Some(5_000);
        assert_eq!(row(&w), (at3.0 / 3 * 5_000, at3.1 / 3 * 5_000));
        let (_, series) = w.slice_churn();
        assert_eq!(series.running.last(), Some(&series.totals.sum));
        w.reset_slice_history();
        assert!(w.slice_churn().0.is_empty());
    }

    #[test]
    fn settings_rebuild_the_cluster_and_travel_with_the_workspace() {
        let mut w = Workspace::starter();
        w.set_max_endpoints_per_slice(1);
        w.set_cluster_nodes(5);
        let bins = w.slice_bins().expect("bins");
        assert_eq!((bins.bins.len(), bins.max_endpoints_per_slice), (3, 1));
        assert_eq!(w.slice_watchers(), 5);
        // (what it is saved as, what comes back)
        let saved = w.saved();
        let json = crate::codec::to_text(&saved);
        assert!(json.contains("\"maxEndpointsPerSlice\":1"), "{json}");
        let back = Workspace::new(crate::codec::from_text(&json).expect("reads"));
        assert_eq!(back.cluster, w.cluster);
        let link = crate::codec::decode(&crate::codec::encode(&saved)).expect("link");
        assert_eq!(link.cluster, w.cluster);
        // Old stores and links (no settings) load with the defaults; defaults are left out.
        let plain = kroute::json::ToJson::to_json(&crate::state::example_saved("nodeport").expect("example"));
        let mut keys: Vec<&String> = plain.as_object().expect("object").keys().collect();
        keys.sort();
        assert_eq!(keys, ["request", "text"], "a store as it was before settings");
        let old: crate::state::Saved = kroute::json::FromJson::from_json(&plain).expect("old store");
        assert!(old.cluster.is_default());
        // An example keeps the settings; Reset (the first example as a whole) does not.
        w.load_example("ingress");
        assert_eq!(w.cluster.max_endpoints_per_slice, 1);
        w.replace_with(crate::state::example_saved("nodeport").expect("example"));
        assert!(w.cluster.is_default());
        // Out of range is clamped.
        w.set_max_endpoints_per_slice(5_000);
        assert_eq!(w.cluster.max_endpoints_per_slice, 1000);
    }

    #[test]
    fn the_preset_is_kep_752s_case() {
        let mut w = Workspace::starter();
        w.slice_kep_preset().expect("preset");
        let e = w.slices.estimate.expect("estimate");
        assert_eq!(w.slice_watchers(), 5_000);
        let create = e.service_create.per_watcher.broadcast(w.slice_watchers());
        // (what, got, KEP-752's figure with the model's 900 B + 100 B per endpoint)
        let cases = [
            ("slice writes", create.writes_slices, 200),
            ("Endpoints object", create.endpoints_object_bytes, 2_000_900),
            ("Endpoints bytes", create.bytes_endpoints, 2_000_900 * 5_000),
            ("slice bytes", create.bytes_slices, 200 * 10_900 * 5_000),
        ];
        for (what, got, want) in cases {
            assert_eq!(got, want, "{what}");
        }
        assert_eq!(e.rolling_update.changes, 20_000);
    }

    #[test]
    fn stepping_by_hand_leaves_the_clock_to_the_user() {
        let mut w = Workspace::starter();
        w.slices.manual_clock = true;
        w.slice_act(&LabAction::Scale {
            workload: books(),
            replicas: 10,
        })
        .expect("scaled");
        let ready = |w: &Workspace| {
            w.slice_bins()
                .expect("bins")
                .bins
                .iter()
                .flat_map(|b| &b.endpoints)
                .filter(|e| e.ready)
                .count()
        };
        assert_eq!(ready(&w), 3);
        w.slice_act(&LabAction::Step).expect("stepped");
        assert_eq!(ready(&w), 10);
        assert!(w
            .slices
            .history
            .last()
            .is_some_and(|e| e.label.starts_with("step to t=")));
        assert!(w.slice_act(&LabAction::Step).is_err(), "nothing left to do");
    }
}
