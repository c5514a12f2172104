//! The playground's state and every change to it, as plain Rust (tested natively and in the
//! browser). The manifest text is the source of truth: each Apply builds a fresh cluster from it
//! through the core; while the text is broken, the last good cluster stays on screen with the
//! errors beside it. Nothing here decides anything about Kubernetes — it asks `kroute`.

use std::rc::Rc;

use kroute::cluster::{Cluster, ClusterConfig, Warning};
use kroute::dataplane::route::{Request, RequestError, Source, Trace};
use kroute::examples::{examples, Example};
use kroute::manifest::{load_cluster, ExportOptions, ManifestIssue, SETTLE_MS};
use kroute::view::{object_tree, route_sources, topology, NamespaceTree, SourceChoice, Topology};
use kroute::ObjectRef;
use serde::{Deserialize, Serialize};

/// A cluster built from the text, with what the UI draws from it.
#[derive(Clone)]
pub struct Snapshot {
    pub cluster: Cluster,
    pub topology: Topology,
    pub tree: Vec<NamespaceTree>,
    pub sources: Vec<SourceChoice>,
    pub warnings: Vec<Warning>,
    /// Dangling references, positioned in the text the cluster was built from.
    pub references: Vec<ManifestIssue>,
}

impl Snapshot {
    fn of(cluster: Cluster, warnings: Vec<Warning>, references: Vec<ManifestIssue>) -> Snapshot {
        Snapshot {
            references,
            topology: topology(&cluster),
            tree: object_tree(&cluster),
            sources: route_sources(&cluster),
            warnings,
            cluster,
        }
    }
}

/// What the request bar holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    pub text: String,
    pub request: RequestForm,
}

/// The outcome of the last Send.
#[derive(Clone, Debug, PartialEq)]
pub enum SendResult {
    Trace(Box<Trace>),
    Invalid(RequestError),
}

/// The whole playground.
pub struct Workspace {
    pub text: String,
    /// The last cluster the text built (kept while the text is broken).
    pub snapshot: Option<Rc<Snapshot>>,
    /// Problems of the current text; empty when it applied.
    pub issues: Vec<ManifestIssue>,
    pub request: RequestForm,
    pub result: Option<SendResult>,
    pub selected: Option<ObjectRef>,
    /// A message for the user about storage or a share link (e.g. a damaged link).
    pub notice: Option<String>,
    /// Bumped on every successful apply or send, so views can restart animations.
    pub generation: u64,
}

/// The example a first visit starts from.
pub const FIRST_EXAMPLE: &str = "nodeport";

impl Workspace {
    /// A workspace holding `saved`, applied.
    pub fn new(saved: Saved) -> Workspace {
        let mut w = Workspace {
            text: saved.text,
            snapshot: None,
            issues: Vec::new(),
            request: saved.request,
            result: None,
            selected: None,
            notice: None,
            generation: 0,
        };
        w.apply();
        w
    }

    /// The first visit: the first example, with its request ready to send.
    pub fn starter() -> Workspace {
        Workspace::new(example_saved(FIRST_EXAMPLE).unwrap_or_else(|| Saved {
            text: String::new(),
            request: RequestForm::default(),
        }))
    }

    pub fn saved(&self) -> Saved {
        Saved {
            text: self.text.clone(),
            request: self.request.clone(),
        }
    }

    /// Builds the cluster from the text. On error the previous cluster stays and the issues
    /// say what is wrong, where.
    pub fn apply(&mut self) {
        match load_cluster(&self.text, ClusterConfig::default(), SETTLE_MS) {
            Ok(loaded) => {
                self.issues.clear();
                self.snapshot = Some(Rc::new(Snapshot::of(
                    loaded.cluster,
                    loaded.report.warnings,
                    loaded.reference_warnings,
                )));
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
        let Some(snap) = self.snapshot.as_mut() else {
            return;
        };
        let request = self.request.to_request();
        // The snapshot is shared with the views; routing moves only the dataplane's own state
        // (affinity, round robin), so a copy-on-write clone is what a send costs at most.
        let snap = Rc::make_mut(snap);
        self.result = Some(match snap.cluster.route(&request) {
            Ok(trace) => SendResult::Trace(Box::new(trace)),
            Err(e) => SendResult::Invalid(e),
        });
        self.generation += 1;
    }

    /// The user's objects as YAML `kubectl apply -f` accepts (the core's export); the text as
    /// typed while it does not apply, so nothing is lost.
    pub fn export_yaml(&self) -> String {
        match (&self.snapshot, self.is_stale()) {
            (Some(snap), false) => snap.cluster.export_yaml(ExportOptions { derived: false }),
            _ => self.text.clone(),
        }
    }

    pub fn trace(&self) -> Option<&Trace> {
        match &self.result {
            Some(SendResult::Trace(t)) => Some(t),
            _ => None,
        }
    }

    /// Loads an example: its manifests, applied, and its request, ready to send.
    pub fn load_example(&mut self, id: &str) -> bool {
        let Some(saved) = example_saved(id) else {
            return false;
        };
        self.text = saved.text;
        self.request = saved.request;
        self.result = None;
        self.selected = None;
        self.apply();
        true
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
