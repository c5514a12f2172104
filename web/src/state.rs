//! The playground's state and every change to it, as plain Rust (tested natively and in the
//! browser). The manifest text is the source of truth: each Apply builds a fresh cluster from it
//! through the core; while the text is broken, the last good cluster stays on screen with the
//! errors beside it. Nothing here decides anything about Kubernetes — it asks `kroute`.

use std::cell::RefCell;
use std::rc::Rc;

use kroute::cluster::{ChangeReport, Cluster, Warning};
use kroute::dataplane::route::{
    ExpectedShares, Request, RequestError, RouteState, Source, Trace, TrafficOptions,
};
use kroute::examples::{examples, Example};
use kroute::json::{FromJson, ToJson};
use kroute::manifest::draw::{self, Change, Edit};
use kroute::manifest::{load_cluster, ExportOptions, ManifestIssue, SETTLE_MS};
use kroute::view::{object_tree, route_sources, topology, NamespaceTree, SourceChoice, Topology};
use kroute::ObjectRef;

pub use crate::slices_lab::{ClusterSettings, SlicesLab};

/// A cluster built from the text, with what the UI draws from it. The workspace alone owns
/// it, so a live change moves the cluster in place; the views get what they draw (the
/// topology, an inspection), each a new `Rc` when the cluster changed, never the cluster.
pub struct Snapshot {
    pub cluster: Cluster,
    pub topology: Rc<Topology>,
    pub tree: Vec<NamespaceTree>,
    pub sources: Vec<SourceChoice>,
    pub warnings: Vec<Warning>,
    /// Dangling references, positioned in the text the cluster was built from.
    pub references: Vec<ManifestIssue>,
    /// The dataplane's memory between requests (affinity, round robin, its random stream),
    /// kept beside the cluster so that routing borrows the cluster rather than changing it.
    pub route_memory: RefCell<RouteState>,
}

impl Snapshot {
    fn of(cluster: Cluster, warnings: Vec<Warning>, references: Vec<ManifestIssue>) -> Snapshot {
        Snapshot {
            references,
            route_memory: RefCell::new(cluster.route_state().clone()),
            topology: Rc::new(topology(&cluster)),
            tree: object_tree(&cluster),
            sources: route_sources(&cluster),
            warnings,
            cluster,
        }
    }
}

impl Snapshot {
    /// Recomputes what the views draw after the cluster changed in place.
    fn refresh(&mut self) {
        self.topology = Rc::new(topology(&self.cluster));
        self.tree = object_tree(&self.cluster);
        self.sources = route_sources(&self.cluster);
    }
}

/// What the request bar holds.
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
pub struct RequestForm {
    pub from: Source,
    pub url: String,
    pub method: String,
    /// `Name: value` per line.
    pub headers: String,
}

impl Default for RequestForm {
    fn default() -> Self {
        RequestForm {
            from: Source::External { client_ip: None },
            url: String::new(),
            method: "GET".to_owned(),
            headers: String::new(),
        }
    }
}

impl RequestForm {
    pub fn from_request(r: &Request) -> RequestForm {
        RequestForm {
            from: r.from.clone(),
            url: r.url.clone(),
            method: r.method.clone(),
            headers: r
                .headers
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    pub fn to_request(&self) -> Request {
        let headers = self
            .headers
            .lines()
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .filter(|(k, _)| !k.is_empty())
            .collect();
        Request {
            from: self.from.clone(),
            url: self.url.trim().to_owned(),
            method: if self.method.is_empty() {
                "GET".to_owned()
            } else {
                self.method.clone()
            },
            headers,
        }
    }
}

/// What is kept (localStorage) and shared (the URL fragment): what the user typed.
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
pub struct Saved {
    pub text: String,
    pub request: RequestForm,
    /// Absent from links and stores made before it existed (and left out when default).
    #[serde(default, skip_serializing_if = "ClusterSettings::is_default")]
    pub cluster: ClusterSettings,
}

/// Where the generated requests went so far, beside the expected shares.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Traffic {
    pub sent: u32,
    /// Outcome (`Pod/ns/name`, `http 404`, …) → hits.
    pub hits: std::collections::BTreeMap<String, u32>,
    pub by_node: std::collections::BTreeMap<String, u32>,
    pub expected: Option<ExpectedShares>,
    /// The request `expected` was computed for (cleared when the cluster changes).
    pub expected_for: Option<Request>,
}

/// The outcome of the last Send. A trace is shared, not copied, with the views that draw it,
/// and two results are the same when they are the same Send: comparing or cloning a trace
/// field by field would cost ≈16 KB of wasm for nothing the views need.
#[derive(Clone, Debug)]
pub enum SendResult {
    Trace(Rc<Trace>),
    Invalid(RequestError),
}

impl PartialEq for SendResult {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (SendResult::Trace(a), SendResult::Trace(b)) => Rc::ptr_eq(a, b),
            (SendResult::Invalid(a), SendResult::Invalid(b)) => a == b,
            _ => false,
        }
    }
}

/// The whole playground.
pub struct Workspace {
    pub text: String,
    /// The last cluster the text built (kept while the text is broken).
    pub snapshot: Option<Snapshot>,
    /// Problems of the current text; empty when it applied.
    pub issues: Vec<ManifestIssue>,
    pub request: RequestForm,
    pub result: Option<SendResult>,
    pub selected: Option<ObjectRef>,
    /// A message for the user about storage or a share link (e.g. a damaged link).
    pub notice: Option<String>,
    /// What the user had typed before an example, a Reset or a link replaced it: one click
    /// brings it back (nothing typed is lost).
    pub previous: Option<Saved>,
    /// The traffic generator's running totals (`None` until it first sends).
    pub traffic: Option<Traffic>,
    /// What the last canvas edit did (shown beside the canvas).
    pub last_change: Option<Change>,
    /// Bumped on every successful apply or send, so views can restart animations.
    pub generation: u64,
    /// The simulated clock's controls and what the live cluster did (see `clock.rs`).
    pub clock: crate::clock::Clock,
    /// Undo/redo of the text (`history.rs`).
    pub history: crate::history::History,
    /// What the cluster is built with beyond the text (maxEndpointsPerSlice, nodes).
    pub cluster: ClusterSettings,
    /// The EndpointSlice view's actions, last change and churn history (`slices_lab.rs`).
    pub slices: SlicesLab,
}

/// The example a first visit starts from.
pub const FIRST_EXAMPLE: &str = "nodeport";

impl Workspace {
    /// A workspace holding `saved`, applied.
    pub fn new(saved: Saved) -> Workspace {
        let mut w = Workspace {
            history: crate::history::History::new(&saved.text),
            text: saved.text,
            snapshot: None,
            issues: Vec::new(),
            request: saved.request,
            result: None,
            selected: None,
            notice: None,
            previous: None,
            last_change: None,
            traffic: None,
            generation: 0,
            clock: Default::default(),
            cluster: saved.cluster,
            slices: SlicesLab::default(),
        };
        w.apply();
        w
    }

    /// The first visit: the first example, with its request ready to send.
    pub fn starter() -> Workspace {
        Workspace::new(example_saved(FIRST_EXAMPLE).unwrap_or_else(|| Saved {
            text: String::new(),
            request: RequestForm::default(),
            cluster: ClusterSettings::default(),
        }))
    }

    pub fn saved(&self) -> Saved {
        Saved {
            text: self.text.clone(),
            request: self.request.clone(),
            cluster: self.cluster.clone(),
        }
    }

    /// Builds the cluster from the text. On error the previous cluster stays and the issues
    /// say what is wrong, where.
    pub fn apply(&mut self) {
        self.record(None);
        match load_cluster(&self.text, self.cluster.config(), SETTLE_MS) {
            Ok(loaded) => {
                self.issues.clear();
                self.clock.history = loaded.report.events.clone();
                self.slices.last.clear();
                if let Some(t) = &mut self.traffic {
                    t.expected = None;
                    t.expected_for = None;
                }
                self.snapshot = Some(Snapshot::of(
                    loaded.cluster,
                    loaded.report.warnings,
                    loaded.reference_warnings,
                ));
                self.generation += 1;
                if let Some(sel) = &self.selected {
                    if !self.exists(sel) {
                        self.selected = None;
                    }
                }
            }
            Err(e) => self.issues = e.errors,
        }
    }

    /// True when the text on screen is not what the cluster was built from.
    pub fn is_stale(&self) -> bool {
        !self.issues.is_empty()
    }

    fn exists(&self, r: &ObjectRef) -> bool {
        let Some(snap) = &self.snapshot else { return false };
        kroute::Kind::parse(&r.kind)
            .is_some_and(|k| snap.cluster.get(k, r.namespace.as_deref(), &r.name).is_some())
    }

    /// Routes the request bar's request through the current cluster.
    pub fn send(&mut self) {
        let Some(snap) = self.snapshot.as_ref() else {
            return;
        };
        let request = self.request.to_request();
        // Routing moves only the dataplane's memory, which the snapshot keeps apart: the
        // cluster and what the views drew from it stay as they are.
        let routed = snap
            .cluster
            .route_with(&request, &mut snap.route_memory.borrow_mut());
        self.result = Some(match routed {
            Ok(trace) => SendResult::Trace(Rc::new(trace)),
            Err(e) => SendResult::Invalid(e),
        });
        self.generation += 1;
    }

    /// Sends `count` more requests like the request bar's (the traffic generator), adding to
    /// the running totals; the core routes them and says what share each outcome should get.
    pub fn send_traffic(&mut self, count: u32, rate_per_s: u32, clients: u32) {
        let Some(snap) = self.snapshot.as_ref() else {
            return;
        };
        let request = self.request.to_request();
        let options = TrafficOptions {
            count,
            interval_ms: u64::from(1000 / rate_per_s.max(1)),
            clients: clients.max(1),
        };
        let totals = self.traffic.get_or_insert_with(Traffic::default);
        // The expectation depends on the cluster and the request only: computed once for them,
        // not on every tick.
        if totals.expected_for.as_ref() != Some(&request) {
            totals.expected = snap.cluster.expected_shares(&request).ok();
            totals.expected_for = Some(request.clone());
        }
        let sent = snap
            .cluster
            .send_traffic_with(&request, &options, &mut snap.route_memory.borrow_mut());
        match sent {
            Ok(report) => {
                totals.sent += report.sent;
                for (k, v) in &report.hits {
                    *totals.hits.entry(k.clone()).or_insert(0) += v;
                }
                for (k, v) in &report.by_node {
                    *totals.by_node.entry(k.clone()).or_insert(0) += v;
                }
                if let Some(last) = report.last {
                    self.result = Some(SendResult::Trace(Rc::new(last)));
                    self.generation += 1;
                }
            }
            Err(e) => self.result = Some(SendResult::Invalid(e)),
        }
    }

    /// The user's objects as YAML `kubectl apply -f` accepts (the core's export); the text as
    /// typed while it does not apply, so nothing is lost.
    pub fn export_yaml(&self) -> String {
        match (&self.snapshot, self.is_stale()) {
            (Some(snap), false) => snap.cluster.export_yaml(ExportOptions { derived: false }),
            _ => self.text.clone(),
        }
    }

    pub fn trace(&self) -> Option<&Rc<Trace>> {
        match &self.result {
            Some(SendResult::Trace(t)) => Some(t),
            _ => None,
        }
    }

    /// Loads an example: its manifests, applied, and its request, ready to send.
    pub fn load_example(&mut self, id: &str) -> bool {
        let Some(mut saved) = example_saved(id) else {
            return false;
        };
        // Settings are the user's: an example replaces the manifests, not them.
        saved.cluster = self.cluster.clone();
        self.replace_with(saved);
        true
    }

    /// Replaces what the user has with `saved`, keeping the old text in `previous` unless it
    /// is an unchanged example (nothing of the user's own would be lost).
    pub fn replace_with(&mut self, saved: Saved) {
        self.record(None);
        let mine = self.saved();
        let request_before = mine.request.clone();
        let is_example = examples().iter().any(|e| e.yaml == mine.text);
        if !is_example && !mine.text.trim().is_empty() && mine.text != saved.text {
            self.previous = Some(mine);
        }
        self.text = saved.text;
        self.request = saved.request;
        self.record(Some(request_before));
        self.cluster = saved.cluster;
        self.result = None;
        self.selected = None;
        self.apply();
    }

    /// A canvas edit (palette, link, delete) made on the text, then applied.
    pub fn edit(&mut self, edit: &Edit) {
        self.record(None);
        let Some(snap) = &self.snapshot else { return };
        if self.is_stale() {
            self.notice = Some("Fix the manifests first: the canvas edits the text.".to_owned());
            return;
        }
        match draw::edit(&self.text, &snap.cluster, edit) {
            Ok(edited) => {
                self.text = edited.text;
                self.apply();
                if let Change::Added { objects } = &edited.change {
                    self.selected = objects.last().cloned();
                }
                if let Edit::Delete { .. } = edit {
                    self.selected = None;
                }
                self.last_change = Some(edited.change);
            }
            Err(e) => self.notice = Some(e.to_string()),
        }
    }

    /// Runs a runtime change on the live cluster — a scale, a pod action, the clock — in
    /// place rather than rebuilding it from the text, so that what it did (the EndpointSlice
    /// writes, a StatefulSet's ordered start) can be shown. Runtime state the text cannot say
    /// (a killed pod, the clock) lasts until the next Apply rebuilds the cluster from the text.
    /// `None` when there is no cluster.
    pub fn live<T>(&mut self, f: impl FnOnce(&mut Cluster) -> T) -> Option<T> {
        let snap = self.snapshot.as_mut()?;
        let out = f(&mut snap.cluster);
        snap.refresh();
        if let Some(t) = &mut self.traffic {
            t.expected = None;
            t.expected_for = None;
        }
        if let Some(sel) = self.selected.clone() {
            if !self.exists(&sel) {
                self.selected = None;
            }
        }
        self.generation += 1;
        Some(out)
    }

    /// `kubectl scale` on the live cluster, with `spec.replicas` written into the text too so
    /// that the manifests still say what runs. The text must apply (the edit is made on it).
    pub fn scale(&mut self, object: &ObjectRef, replicas: i64) -> Result<ChangeReport, String> {
        let kind =
            kroute::Kind::parse(&object.kind).ok_or_else(|| format!("{object}: not a kind kroute knows"))?;
        if self.snapshot.is_none() {
            return Err("no cluster yet".to_owned());
        }
        if self.is_stale() {
            return Err("Fix the manifests first: scaling edits the text.".to_owned());
        }
        self.record(None);
        let edit = Edit::SetField {
            object: object.clone(),
            path: vec!["spec".to_owned(), "replicas".to_owned()],
            value: kroute::json!(replicas),
        };
        let edited = self.edited(&edit)?;
        let report = self
            .live(|c| c.scale(kind, object.namespace.as_deref(), &object.name, replicas))
            .ok_or("no cluster yet")?
            .map_err(|e| e.to_string())?;
        self.text = edited.text;
        self.record(None);
        self.last_change = Some(edited.change);
        Ok(report)
    }

    /// An inspector-style field edit made on the text and applied to the live cluster in place
    /// (the object as the edited text now says it), so the controllers' reaction — a rollout,
    /// a StatefulSet switching policy — plays out on the clock instead of from scratch.
    pub fn live_edit(&mut self, edit: &Edit) -> Result<ChangeReport, String> {
        if self.snapshot.is_none() {
            return Err("no cluster yet".to_owned());
        }
        if self.is_stale() {
            return Err("Fix the manifests first: the edit is made on the text.".to_owned());
        }
        self.record(None);
        let target = match edit {
            Edit::SetField { object, .. } => object.clone(),
            _ => return Err("only a field edit applies in place".to_owned()),
        };
        let edited = self.edited(edit)?;
        let object = kroute::manifest::parse_manifests(&edited.text)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|m| m.object)
            .find(|o| o.object_ref() == target)
            .ok_or_else(|| format!("{target} is not in the manifests"))?;
        let report = self
            .live(|c| c.apply(vec![object]))
            .ok_or("no cluster yet")?
            .map_err(|e| e.to_string())?;
        self.text = edited.text;
        self.record(None);
        self.last_change = Some(edited.change);
        Ok(report)
    }

    /// The text with `edit` made on it (the core's draw edit, which reads the live cluster).
    fn edited(&self, edit: &Edit) -> Result<draw::Edited, String> {
        let snap = self.snapshot.as_ref().ok_or("no cluster yet")?;
        draw::edit(&self.text, &snap.cluster, edit).map_err(|e| e.to_string())
    }

    /// Brings back what an example, Reset or link replaced (and keeps the current one in turn).
    pub fn restore_previous(&mut self) {
        self.record(None);
        if let Some(previous) = self.previous.take() {
            let current = self.saved();
            self.text = previous.text;
            self.request = previous.request;
            self.record(Some(current.request.clone()));
            self.cluster = previous.cluster;
            self.result = None;
            self.selected = None;
            self.previous = Some(current);
            self.apply();
        }
    }
}

/// An example as a saved workspace.
pub fn example_saved(id: &str) -> Option<Saved> {
    examples()
        .into_iter()
        .find(|e| e.id == id)
        .map(|e: Example| Saved {
            text: e.yaml.to_owned(),
            request: RequestForm::from_request(&e.request),
            cluster: ClusterSettings::default(),
        })
}

/// The label of a request source: from the core's list when it is there, else composed from
/// the source's own fields (a port-forward).
pub fn source_label(sources: &[SourceChoice], from: &Source) -> String {
    if let Some(s) = sources.iter().find(|s| &s.source == from) {
        return s.label.clone();
    }
    match from {
        Source::PortForward(pf) => {
            let target = match &pf.target {
                kroute::dataplane::route::ForwardTarget::Service(n) => format!("svc/{n}"),
                kroute::dataplane::route::ForwardTarget::Pod(n) => format!("pod/{n}"),
                kroute::dataplane::route::ForwardTarget::Deployment(n) => format!("deploy/{n}"),
                kroute::dataplane::route::ForwardTarget::StatefulSet(n) => format!("sts/{n}"),
            };
            format!(
                "kubectl port-forward -n {} {target} {}:{}",
                pf.namespace, pf.local_port, pf.remote_port
            )
        }
        Source::External { client_ip: Some(ip) } => format!("external client ({ip})"),
        Source::External { client_ip: None } => "external client".to_owned(),
        Source::Pod { namespace, name } => format!("pod {namespace}/{name}"),
        Source::Node { name } => format!("node {name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The starter cluster's Deployment, as the views name it.
    fn starter_deployment(w: &Workspace) -> ObjectRef {
        w.snapshot
            .as_ref()
            .and_then(|s| {
                s.cluster
                    .applied_objects()
                    .find(|(k, _)| k.to_ref().kind == "Deployment")
                    .map(|(k, _)| k.to_ref())
            })
            .expect("the starter has a Deployment")
    }

    #[test]
    fn what_the_user_typed_survives_examples_and_can_be_restored() {
        let mut w = Workspace::starter();
        w.text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: mine}\n".into();
        w.apply();
        w.load_example("ingress");
        let kept = w.previous.clone().expect("kept");
        assert!(kept.text.contains("name: mine"));
        // Switching between untouched examples keeps the user's text, not the example's.
        w.load_example("statefulset");
        assert_eq!(w.previous, Some(kept.clone()));
        w.restore_previous();
        assert!(w.text.contains("name: mine"));
        assert!(w.snapshot.is_some() && w.issues.is_empty());
        assert_eq!(
            w.previous.as_ref().map(|p| p.text.as_str()),
            Some(kroute::examples::STATEFULSET_YAML)
        );
    }

    #[test]
    fn generated_traffic_adds_up_and_follows_the_expected_shares() {
        let mut w = Workspace::starter();
        for _ in 0..30 {
            w.send_traffic(100, 1000, 20);
        }
        let t = w.traffic.clone().expect("traffic");
        assert_eq!(t.sent, 3_000);
        assert_eq!(t.hits.values().sum::<u32>(), 3_000);
        assert_eq!(t.by_node.values().sum::<u32>(), 3_000);
        let expected = t.expected.expect("expected shares");
        assert_eq!(expected.shares.len(), 3);
        for s in &expected.shares {
            let observed = f64::from(t.hits[&s.outcome]) / 3_000.0;
            assert!(
                (observed - s.share).abs() < 0.05,
                "{}: {observed} vs {}",
                s.outcome,
                s.share
            );
        }
    }

    #[test]
    fn scaling_changes_the_live_cluster_and_the_text_alike() {
        let mut w = Workspace::starter();
        let dep = starter_deployment(&w);
        let now = w.snapshot.as_ref().map(|s| s.cluster.now_ms());
        let report = w.scale(&dep, 6).expect("scaled");
        assert!(!report.events.is_empty());
        // In place: the clock did not restart and new pods wait for it to move.
        assert_eq!(w.snapshot.as_ref().map(|s| s.cluster.now_ms()), now);
        w.live(|c| c.advance(30_000));
        let pods = |w: &Workspace| {
            w.snapshot.as_ref().map_or(0, |s| {
                s.topology.nodes.iter().map(|n| n.pods.len()).sum::<usize>()
            })
        };
        assert_eq!(pods(&w), 6);
        // The text says 6 too: re-applying it gives the same number of pods.
        assert!(w.text.contains("replicas: 6"), "{}", w.text);
        w.apply();
        assert_eq!(pods(&w), 6);
        assert!(w
            .scale(
                &ObjectRef {
                    kind: "Deployment".into(),
                    namespace: Some("default".into()),
                    name: "nope".into()
                },
                2
            )
            .is_err());
    }

    #[test]
    fn a_live_edit_rolls_out_on_the_clock_and_lands_in_the_text() {
        let mut w = Workspace::starter();
        let dep = starter_deployment(&w);
        let restart = Edit::SetField {
            object: dep.clone(),
            path: ["spec", "template", "metadata", "annotations"]
                .map(String::from)
                .to_vec(),
            value: kroute::json!({"kubectl.kubernetes.io/restartedAt": "2026-11-26T18:00:00Z"}),
        };
        let report = w.live_edit(&restart).expect("applied in place");
        let new_sets = |r: &ChangeReport| {
            r.events
                .iter()
                .filter(|e| e.object.kind == "ReplicaSet" && e.action == kroute::cluster::Action::Created)
                .count()
        };
        assert_eq!(new_sets(&report), 1, "{:#?}", report.events);
        assert!(w.text.contains("restartedAt"));
        let not_a_field = Edit::Delete { object: dep };
        assert!(w.live_edit(&not_a_field).is_err());
    }

    #[test]
    fn sending_routes_the_cluster_without_changing_what_the_views_drew() {
        let mut w = Workspace::starter();
        // What the canvas holds between renders.
        let held = w.snapshot.as_ref().map(|s| s.topology.clone()).expect("applied");
        let mut pods = std::collections::BTreeSet::new();
        for _ in 0..20 {
            w.send();
            pods.extend(w.trace().and_then(|t| t.pod()).map(|p| p.name.clone()));
        }
        w.send_traffic(50, 100, 1);
        assert!(w
            .snapshot
            .as_ref()
            .is_some_and(|s| Rc::ptr_eq(&s.topology, &held)));
        // The dataplane's memory moved: iptables' draws spread over the replicas.
        assert!(pods.len() > 1, "{pods:?}");
        assert_eq!(w.traffic.as_ref().map(|t| t.sent), Some(50));
    }

    #[test]
    fn a_live_change_gives_the_views_a_new_topology_and_leaves_theirs_alone() {
        let mut w = Workspace::starter();
        let held = w.snapshot.as_ref().map(|s| s.topology.clone()).expect("applied");
        let pods = |t: &Topology| t.nodes.iter().map(|n| n.pods.len()).sum::<usize>();
        let before = pods(&held);
        let dep = starter_deployment(&w);
        w.scale(&dep, 6).expect("scaled");
        w.live(|c| c.advance(30_000));
        let now = w.snapshot.as_ref().map(|s| s.topology.clone()).expect("live");
        assert!(!Rc::ptr_eq(&now, &held));
        assert_eq!((pods(&held), pods(&now)), (before, 6));
    }

    #[test]
    fn a_broken_text_keeps_the_last_good_cluster_and_a_send_uses_it() {
        let mut w = Workspace::starter();
        let before = w.snapshot.as_ref().map(|s| s.topology.services.len());
        w.text = "kind: Service\nmetadata: {name: x}\nspec: {ports: [{port: 0}]}\n".into();
        w.apply();
        assert!(w.is_stale());
        assert_eq!(w.issues[0].line, 1);
        assert_eq!(w.snapshot.as_ref().map(|s| s.topology.services.len()), before);
        w.send();
        assert!(w.trace().is_some_and(|t| t.pod().is_some()));
        // Export while broken gives back the text as typed.
        assert_eq!(w.export_yaml(), w.text);
    }
}
