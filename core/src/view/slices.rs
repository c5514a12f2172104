//! The EndpointSlice view of one Service, and the churn each change caused (SPEC §3.5, §3.7).
//!
//! [`slice_bins`] shows a Service's slices as bins — capacity `maxEndpointsPerSlice`, filled with
//! their endpoints — marked with what the last change did to each (created, updated, or deleted
//! and kept as a ghost), beside the pods its selector picks and the workloads whose template it
//! matches (what a replicas control scales). [`change_churn`] turns a change's slice writes into
//! their cost for one watching node; [`churn_series`] broadcasts a sequence of those to any node
//! count with running totals. Since every write reaches every watcher whole, scaling to a node
//! count is exact: it is done here, from sizes, never by the UI from bytes.

use crate::collections::VecMap;
use crate::json::ToJson;
use alloc::collections::BTreeMap;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::inspect::SliceEndpoint;
use super::topology::PodState;
use crate::cluster::{Cluster, ObjectKey, Origin, ServiceChurn};
use crate::controllers::services::managed_selector;
use crate::endpoints::{ChurnReport, ChurnTotals, ObjectSizeModel, WriteCause, WriteCounts, WriteOp};
use crate::error::ObjectRef;
use crate::model::{Kind, Object};
use crate::selector::Selector;
use crate::sort::SharedSort;

/// What the last change did to a slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
pub enum SliceMark {
    Created,
    Updated,
    /// Gone: the bin is a ghost showing what it held.
    Deleted,
}

/// One EndpointSlice as a bin.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct SliceBin {
    pub name: String,
    pub address_type: String,
    /// `maxEndpointsPerSlice`: how many endpoints the controller puts in one slice.
    pub capacity: usize,
    /// Its endpoints (none for a ghost).
    pub endpoints: Vec<SliceEndpoint>,
    /// Endpoints it holds, or held when it was deleted (a ghost).
    pub fill: usize,
    /// `None` when the last change did not write it.
    pub mark: Option<SliceMark>,
    /// Why it was written in the last change (the SPEC §3.5 steps), in order, without repeats.
    pub causes: Vec<WriteCause>,
    /// Endpoints that left, were rewritten in place, or arrived in the last change.
    pub removed: usize,
    pub refreshed: usize,
    pub added: usize,
}

/// A workload whose pod template the Service's selector matches: what scaling it changes.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct BackingWorkload {
    pub object: ObjectRef,
    /// `spec.replicas` (1 when unset).
    pub replicas: i64,
}

/// A pod the Service's selector picks.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct SelectedPod {
    pub name: String,
    pub state: PodState,
    pub ip: Option<String>,
    pub node: Option<String>,
    /// Why it is not running, when the kubelet or scheduler said (`PodCIDRExhausted`).
    pub reason: Option<String>,
    /// The slice holding its endpoint, if any.
    pub slice: Option<String>,
}

/// The EndpointSlice view of a Service.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct SliceBins {
    pub service: ObjectRef,
    pub max_endpoints_per_slice: usize,
    /// Live slices by name, then the ghosts of the slices the last change deleted.
    pub bins: Vec<SliceBin>,
    /// Endpoints in the live slices.
    pub endpoints: usize,
    pub workloads: Vec<BackingWorkload>,
    /// Selected pods, by name.
    pub pods: Vec<SelectedPod>,
}

/// Services whose EndpointSlices the controller manages (a selector, not ExternalName), in
/// (namespace, name) order: what a slice view can show.
pub fn slice_services(cluster: &Cluster) -> Vec<ObjectRef> {
    cluster
        .list(Kind::Service, None)
        .into_iter()
        .filter_map(|o| match o {
            Object::Service(s) if managed_selector(s).is_some() => Some(ObjectRef {
                kind: "Service".into(),
                namespace: Some(s.metadata.namespace.clone().unwrap_or_else(|| "default".into())),
                name: s.metadata.name.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// How one slice fared over a change's writes.
#[derive(Default)]
struct Fate {
    first: Option<WriteOp>,
    /// Endpoints at the last delete (what a ghost shows).
    deleted_with: usize,
    causes: Vec<WriteCause>,
    removed: usize,
    refreshed: usize,
    added: usize,
}

fn is_service(c: &ServiceChurn, service: &ObjectRef) -> bool {
    let ns = |r: &ObjectRef| r.namespace.clone().unwrap_or_else(|| "default".into());
    c.service.name == service.name && ns(&c.service) == ns(service)
}

/// The slices of `service` as bins, marked with what the syncs of the last change (`last`, in
/// order; other Services' entries are skipped) did to them. `None` when the Service does not
/// exist or manages no slices.
pub fn slice_bins(cluster: &Cluster, service: &ObjectRef, last: &[ServiceChurn]) -> Option<SliceBins> {
    let ns = service.namespace.as_deref().unwrap_or("default");
    let Some(Object::Service(svc)) = cluster.get(Kind::Service, Some(ns), &service.name) else {
        return None;
    };
    let selector = Selector::from_map(managed_selector(svc)?);
    let capacity = cluster.config().max_endpoints_per_slice;

    let mut fates: VecMap<&str, Fate> = VecMap::new();
    for write in last
        .iter()
        .filter(|c| is_service(c, service))
        .flat_map(|c| &c.slices)
    {
        let f = fates.entry(write.name.as_str()).or_default();
        f.first.get_or_insert(write.op);
        if write.op == WriteOp::Delete {
            f.deleted_with = write.endpoints;
        }
        if !f.causes.contains(&write.cause) {
            f.causes.push(write.cause);
        }
        f.removed += write.removed;
        f.refreshed += write.refreshed;
        f.added += write.added;
    }

    let mut bins: Vec<SliceBin> = Vec::new();
    let mut slice_of_pod: BTreeMap<String, String> = BTreeMap::new();
    for s in cluster.service_slices(ns, &service.name) {
        let name = s.metadata.name.clone();
        let endpoints: Vec<SliceEndpoint> = s
            .endpoints
            .iter()
            .map(|e| SliceEndpoint {
                address: e.addresses.first().cloned().unwrap_or_default(),
                pod: e.target_ref.as_ref().map(|t| t.name.clone()),
                node: e.node_name.clone(),
                ready: e.conditions.ready.unwrap_or(true),
                serving: e.conditions.serving.unwrap_or(true),
                terminating: e.conditions.terminating.unwrap_or(false),
            })
            .collect();
        for pod in endpoints.iter().filter_map(|e| e.pod.as_ref()) {
            slice_of_pod.insert(pod.clone(), name.clone());
        }
        let fate = fates.remove(name.as_str());
        let mark = fate.as_ref().map(|f| match f.first {
            Some(WriteOp::Create) => SliceMark::Created,
            _ => SliceMark::Updated,
        });
        let fill = endpoints.len();
        bins.push(bin(
            name,
            s.address_type.clone(),
            capacity,
            endpoints,
            fill,
            mark,
            fate,
        ));
    }
    bins.stable_sort_by(|a, b| a.name.cmp(&b.name));
    // Written but gone now: deleted (a ghost), unless the change also created it.
    for (name, fate) in fates {
        if fate.first != Some(WriteOp::Create) {
            let fill = fate.deleted_with;
            let mark = Some(SliceMark::Deleted);
            bins.push(bin(
                name.to_string(),
                String::new(),
                capacity,
                Vec::new(),
                fill,
                mark,
                Some(fate),
            ));
        }
    }

    let mut pods: Vec<SelectedPod> = cluster
        .list(Kind::Pod, Some(ns))
        .into_iter()
        .filter_map(|o| match o {
            Object::Pod(p) if selector.matches(&p.metadata.labels) => Some(SelectedPod {
                slice: slice_of_pod.get(&p.metadata.name).cloned(),
                name: p.metadata.name.clone(),
                state: PodState::of(p),
                ip: p.status.pod_ip.clone(),
                node: p.spec.node_name.clone(),
                reason: p.status.reason.clone(),
            }),
            _ => None,
        })
        .collect();
    pods.stable_sort_by(|a, b| a.name.cmp(&b.name));

    Some(SliceBins {
        service: service.clone(),
        max_endpoints_per_slice: capacity,
        endpoints: bins
            .iter()
            .filter(|b| b.mark != Some(SliceMark::Deleted))
            .map(|b| b.fill)
            .sum(),
        bins,
        workloads: backing_workloads(cluster, ns, &selector),
        pods,
    })
}

fn bin(
    name: String,
    address_type: String,
    capacity: usize,
    endpoints: Vec<SliceEndpoint>,
    fill: usize,
    mark: Option<SliceMark>,
    fate: Option<Fate>,
) -> SliceBin {
    let fate = fate.unwrap_or_default();
    SliceBin {
        name,
        address_type,
        capacity,
        fill,
        endpoints,
        mark,
        causes: fate.causes,
        removed: fate.removed,
        refreshed: fate.refreshed,
        added: fate.added,
    }
}

/// The user's Deployments, StatefulSets and ReplicaSets of `ns` whose pod template `selector`
/// matches, by kind then name.
fn backing_workloads(cluster: &Cluster, ns: &str, selector: &Selector) -> Vec<BackingWorkload> {
    let mut out = Vec::new();
    for kind in [Kind::Deployment, Kind::StatefulSet, Kind::ReplicaSet] {
        for o in cluster.list(kind, Some(ns)) {
            let (name, template_labels, replicas) = match o {
                Object::Deployment(d) => (
                    &d.metadata.name,
                    &d.spec.template.metadata.labels,
                    d.spec.replicas,
                ),
                Object::StatefulSet(s) => (
                    &s.metadata.name,
                    &s.spec.template.metadata.labels,
                    s.spec.replicas,
                ),
                Object::ReplicaSet(r) => (
                    &r.metadata.name,
                    &r.spec.template.metadata.labels,
                    r.spec.replicas,
                ),
                _ => continue,
            };
            if cluster.origin(kind, Some(ns), name) != Some(Origin::User)
                || !selector.matches(template_labels)
            {
                continue;
            }
            out.push(BackingWorkload {
                object: ObjectKey::new(kind, ns, name).to_ref(),
                replicas: replicas.unwrap_or(1),
            });
        }
    }
    out
}

/// A change's EndpointSlice cost for one Service, for one watching node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ChangeChurn {
    /// Controller syncs of the Service in the change.
    pub syncs: usize,
    pub writes: WriteCounts,
    /// Writes, events and bytes as one node receives them (see [`ChurnReport::broadcast`]).
    pub per_watcher: ChurnReport,
}

/// What the syncs of one change (`churn`, in order) cost `service`, for one watcher; `None`
/// when the change did not sync it.
pub fn change_churn(service: &ObjectRef, churn: &[ServiceChurn]) -> Option<ChangeChurn> {
    let model = ObjectSizeModel::KEP_752;
    let mut totals = ChurnTotals::default();
    let mut writes = WriteCounts::default();
    for c in churn.iter().filter(|c| is_service(c, service)) {
        let report =
            ChurnReport::for_slice_sizes(c.slices.iter().map(|s| s.endpoints), c.endpoints, 1, &model);
        totals.add(&report);
        writes.creates += c.writes.creates;
        writes.updates += c.writes.updates;
        writes.deletes += c.writes.deletes;
    }
    (totals.changes > 0).then_some(ChangeChurn {
        syncs: usize::try_from(totals.changes).unwrap_or(usize::MAX),
        writes,
        per_watcher: totals.sum,
    })
}

/// A sequence of changes as `nodes` watchers receive them.
#[derive(Clone, Debug, Default, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ChurnSeries {
    pub nodes: u64,
    pub model: ObjectSizeModel,
    /// One per change, in order.
    pub changes: Vec<ChurnReport>,
    /// Totals after each change (`running[i]` sums `changes[..=i]`).
    pub running: Vec<ChurnReport>,
    pub totals: ChurnTotals,
}

/// Broadcasts per-watcher costs (from [`change_churn`]) to `nodes` watchers, with running totals.
pub fn churn_series(per_watcher: &[ChurnReport], nodes: u64) -> ChurnSeries {
    let mut totals = ChurnTotals::default();
    let mut changes = Vec::with_capacity(per_watcher.len());
    let mut running = Vec::with_capacity(per_watcher.len());
    for r in per_watcher {
        let r = r.broadcast(nodes);
        totals.add(&r);
        changes.push(r);
        running.push(totals.sum);
    }
    ChurnSeries {
        nodes,
        model: ObjectSizeModel::KEP_752,
        changes,
        running,
        totals,
    }
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use super::*;
    use crate::cluster::{ChangeReport, ClusterConfig};
    use crate::controllers::pods::PodAction;
    use crate::examples;

    fn books() -> ObjectRef {
        ObjectRef {
            kind: "Service".into(),
            namespace: Some("default".into()),
            name: "books".into(),
        }
    }

    /// The NodePort example (Deployment `books`, 3 replicas) with `max` endpoints per slice and
    /// enough nodes for 1,000 pods.
    fn cluster(max: usize) -> Cluster {
        let config = ClusterConfig {
            max_endpoints_per_slice: max,
            default_nodes: 5,
            ..ClusterConfig::default()
        };
        crate::manifest::load_cluster(examples::NODEPORT_YAML, config, 30_000)
            .expect("loads")
            .cluster
    }

    /// Runs the clock until no timer is left, keeping every report.
    fn settle(c: &mut Cluster, reports: &mut Vec<ChangeReport>) {
        for _ in 0..10_000 {
            let Some(at) = c.next_timer_ms() else { return };
            reports.push(c.advance(at.saturating_sub(c.now_ms())));
        }
    }

    #[derive(Clone, Copy, Debug)]
    enum Step {
        Scale(i64),
        /// On the pod with this index among the Service's pods, by name.
        Pod(usize, PodAction),
    }

    /// Runs a step and lets it settle; the churn of every sync it caused, in order.
    fn run(c: &mut Cluster, step: Step) -> Vec<ServiceChurn> {
        let mut reports = Vec::new();
        match step {
            Step::Scale(n) => reports.push(
                c.scale(Kind::Deployment, Some("default"), "books", n)
                    .expect("scale"),
            ),
            Step::Pod(i, action) => {
                let view = slice_bins(c, &books(), &[]).expect("view");
                let pod = view.pods.get(i).expect("pod").name.clone();
                reports.push(c.pod_action("default", &pod, action).expect("pod action"));
            }
        }
        settle(c, &mut reports);
        reports.into_iter().flat_map(|r| r.churn).collect()
    }

    fn marks(v: &SliceBins, mark: SliceMark) -> usize {
        v.bins.iter().filter(|b| b.mark == Some(mark)).count()
    }

    #[test]
    fn bins_show_each_change_as_created_updated_and_deleted_slices() {
        use PodAction::*;
        use Step::*;
        // (max per slice, steps before, the step, live fills by size, created, updated, deleted)
        type Case = (
            usize,
            &'static [Step],
            Step,
            &'static [usize],
            usize,
            usize,
            usize,
        );
        let cases: [Case; 8] = [
            // SPEC §3.5 worked example: 247 new pods → two new slices, the old one topped up.
            (100, &[], Scale(250), &[100, 100, 50], 2, 1, 0),
            // A killed pod leaves its slice and its replacement takes the freed place.
            (100, &[Scale(250)], Pod(7, Fail), &[100, 100, 50], 0, 1, 0),
            (100, &[Scale(250)], Pod(7, MakeNotReady), &[100, 100, 50], 0, 1, 0),
            (
                100,
                &[Scale(250), Pod(7, MakeNotReady)],
                Pod(7, MakeReady),
                &[100, 100, 50],
                0,
                1,
                0,
            ),
            // Terminating: its endpoint stays (terminating, not ready) through the grace
            // period, so its full slice cannot take the replacement: the best fit does.
            (100, &[Scale(250)], Pod(3, Delete), &[100, 99, 51], 0, 2, 0),
            // One endpoint per slice: each new pod is a new slice.
            (1, &[], Scale(5), &[1, 1, 1, 1, 1], 2, 0, 0),
            // Scaled to zero: one slice is kept as the empty placeholder, the rest deleted.
            (100, &[Scale(250)], Scale(0), &[0], 0, 1, 2),
            // No rebalancing: scaled down, slices shrink in place.
            (100, &[Scale(250)], Scale(120), &[], 0, 0, 0),
        ];
        for (i, (max, before, step, fills, created, updated, deleted)) in cases.into_iter().enumerate() {
            let mut c = cluster(max);
            for s in before {
                run(&mut c, *s);
            }
            let churn = run(&mut c, step);
            let v = slice_bins(&c, &books(), &churn).expect("view");
            let live: Vec<&SliceBin> = v
                .bins
                .iter()
                .filter(|b| b.mark != Some(SliceMark::Deleted))
                .collect();
            if !fills.is_empty() {
                let mut got: Vec<usize> = live.iter().map(|b| b.fill).collect();
                got.sort_by(|a, b| b.cmp(a));
                assert_eq!(got, fills, "case {i}: fills");
                assert_eq!(
                    (
                        marks(&v, SliceMark::Created),
                        marks(&v, SliceMark::Updated),
                        marks(&v, SliceMark::Deleted)
                    ),
                    (created, updated, deleted),
                    "case {i}: marks {:#?}",
                    v.bins
                );
            }
            // Whatever the step: bins never overflow, hold each selected endpoint once, and
            // the pods say which bin holds them.
            assert!(
                live.iter().all(|b| b.fill <= b.capacity && b.capacity == max),
                "case {i}"
            );
            assert_eq!(
                v.endpoints,
                live.iter().map(|b| b.endpoints.len()).sum::<usize>(),
                "case {i}"
            );
            let placed = v.pods.iter().filter(|p| p.slice.is_some()).count();
            assert_eq!(placed, v.endpoints, "case {i}");
            for b in v.bins.iter().filter(|b| b.mark == Some(SliceMark::Deleted)) {
                let gone = [WriteCause::Emptied, WriteCause::PortSetGone];
                assert!(
                    b.endpoints.is_empty() && b.causes.iter().any(|c| gone.contains(c)),
                    "case {i}: {b:?}"
                );
            }
        }
    }

    #[test]
    fn scaling_down_keeps_placed_endpoints_where_they_are() {
        let mut c = cluster(100);
        run(&mut c, Step::Scale(250));
        let before = slice_bins(&c, &books(), &[]).expect("view");
        let churn = run(&mut c, Step::Scale(120));
        let after = slice_bins(&c, &books(), &churn).expect("view");
        assert_eq!(after.endpoints, 120);
        for b in after.bins.iter().filter(|b| b.mark != Some(SliceMark::Deleted)) {
            let old = before
                .bins
                .iter()
                .find(|o| o.name == b.name)
                .expect("no new slice");
            assert!(
                b.endpoints
                    .iter()
                    .all(|e| old.endpoints.iter().any(|o| o.pod == e.pod)),
                "{} took endpoints from elsewhere",
                b.name
            );
            assert_eq!(b.mark.is_some(), b.fill != old.fill, "{}", b.name);
        }
    }

    #[test]
    fn the_workloads_behind_a_service_are_the_ones_its_selector_matches() {
        // (manifests, service, workloads with replicas)
        type Case = (
            &'static str,
            &'static str,
            &'static [(&'static str, &'static str, i64)],
        );
        let cases: [Case; 3] = [
            (examples::NODEPORT_YAML, "books", &[("Deployment", "books", 3)]),
            (examples::STATEFULSET_YAML, "nginx", &[("StatefulSet", "web", 3)]),
            (examples::INGRESS_YAML, "api", &[("Deployment", "api", 2)]),
        ];
        for (yaml, service, want) in cases {
            let c = crate::manifest::load_cluster(yaml, ClusterConfig::default(), 30_000)
                .expect("loads")
                .cluster;
            let svc = ObjectRef {
                kind: "Service".into(),
                namespace: Some("default".into()),
                name: service.into(),
            };
            assert!(slice_services(&c).contains(&svc), "{service}");
            let v = slice_bins(&c, &svc, &[]).expect(service);
            let got: Vec<(&str, &str, i64)> = v
                .workloads
                .iter()
                .map(|w| (w.object.kind.as_str(), w.object.name.as_str(), w.replicas))
                .collect();
            assert_eq!(got, want, "{service}");
            assert!(
                v.bins.iter().all(|b| b.mark.is_none()),
                "{service}: no change given"
            );
        }
    }

    #[test]
    fn a_change_costs_per_watcher_exactly_what_the_controller_reported_per_node() {
        use Step::*;
        let steps = [
            Scale(250),
            Pod(0, PodAction::Fail),
            Pod(1, PodAction::MakeNotReady),
            Pod(2, PodAction::Delete),
            Scale(40),
            Scale(0),
        ];
        let mut c = cluster(100);
        let nodes = 5;
        let mut history = Vec::new();
        for step in steps {
            let churn = run(&mut c, step);
            let got = change_churn(&books(), &churn).expect("synced");
            // The controller's own report, at the cluster's node count, summed over the syncs.
            let mut want = ChurnTotals::default();
            for entry in churn.iter().filter(|e| e.service.name == "books") {
                want.add(&entry.churn);
            }
            assert_eq!(got.per_watcher.broadcast(nodes), want.sum, "{step:?}");
            assert_eq!(got.syncs as u64, want.changes, "{step:?}");
            assert_eq!(got.writes.total() as u64, want.sum.writes_slices, "{step:?}");
            history.push(got.per_watcher);
        }
        // A single pod's change: one slice of ~100 endpoints against the whole Endpoints object.
        let kill = churn_series(&history[1..2], 5_000);
        assert!(
            kill.changes[0].bytes_endpoints > 2 * kill.changes[0].bytes_slices,
            "{kill:?}"
        );

        let series = churn_series(&history, 5_000);
        assert_eq!(series.changes.len(), steps.len());
        assert_eq!(series.running.last(), Some(&series.totals.sum));
        for (i, r) in series.changes.iter().enumerate() {
            assert_eq!(*r, history[i].broadcast(5_000), "change {i}");
            assert_eq!(r.watch_events_slices, r.writes_slices * 5_000, "change {i}");
        }
        assert!(change_churn(&books(), &[]).is_none());
        let other = ObjectRef {
            name: "other".into(),
            ..books()
        };
        let churn = run(&mut c, Scale(3));
        assert!(change_churn(&other, &churn).is_none());
        assert_eq!(vec![series.nodes], vec![5_000]);
    }
}
