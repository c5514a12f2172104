//! Read-only projections of the cluster for a UI: what to draw (`topology`), what to say about
//! one object (`inspect`), a StatefulSet on the clock (`lifecycle`), whom a request can come
//! from (`sources`), a Service's EndpointSlices as bins and the churn of each change
//! (`slices`). The web crate holds no Kubernetes semantics; everything it shows about
//! selection, readiness, DNS names and sidecars comes from here.
//!
//! Invariant: views only read the cluster, and every fact in them is computed by the stage
//! that owns it (selectors by `selector`, DNS names by `dns`, sidecars by `route::mesh`).

mod inspect;
mod lifecycle;
mod slices;
mod topology;

#[cfg(test)]
mod tests;

pub use inspect::{inspect, Detail, Inspection, PodSelection, ServiceDetail, SliceEndpoint, SliceView};
pub use lifecycle::{
    lifecycle, timeline, Blocker, GoverningService, Happening, Lifecycle, PodDns, Slot, SlotWait,
    TimelineEntry,
};
pub use slices::{
    change_churn, churn_series, slice_bins, slice_services, BackingWorkload, ChangeChurn, ChurnSeries,
    SelectedPod, SliceBin, SliceBins, SliceMark,
};
pub use topology::{
    object_tree, route_sources, topology, GatewayView, IngressPathView, IngressView, ListenerView,
    NamespaceTree, NodeView, PodState, PodView, RouteView, ServiceView, SourceChoice, Topology,
};
