//! The churn model of KEP-752 "Estimation" (SPEC §3.7): for each change, how many API writes,
//! watch events and bytes reach the cluster's watchers when endpoints are published as
//! EndpointSlices versus as one monolithic Endpoints object.
//!
//! Model (the KEP's own estimate, stated as an object size): an object costs
//! `900 B + 100 B per endpoint`, so a 100-endpoint slice is ≈ 10.9 KB, a 1-endpoint slice
//! ≈ 1 KB and a 20,000-endpoint Endpoints object ≈ 2.0 MB. Every write (create, update or
//! delete) becomes one watch event on each node (kube-proxy watches on every node), carrying
//! the whole object — for a delete, the object as it was.
//!
//! The Endpoints side is sized from an endpoint count the caller keeps (for instance
//! [`super::ServiceSlices::endpoint_count`]), never by building the object, so accounting a
//! change is O(writes). The KEP's figures are for an uncapped object; since v1.22 the real
//! object stops at 1000 addresses (pass `min(count, 1000)` to model that).

use super::output::SliceWrite;
use crate::json::ToJson;

/// Bytes an object takes: `overhead + per_endpoint × endpoints`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ObjectSizeModel {
    pub overhead_bytes: u64,
    pub bytes_per_endpoint: u64,
}

impl ObjectSizeModel {
    /// KEP-752's estimate: 900 B + 100 B per endpoint.
    pub const KEP_752: ObjectSizeModel = ObjectSizeModel {
        overhead_bytes: 900,
        bytes_per_endpoint: 100,
    };

    pub fn bytes(&self, endpoints: usize) -> u64 {
        self.bytes_per_endpoint
            .saturating_mul(endpoints as u64)
            .saturating_add(self.overhead_bytes)
    }
}

impl Default for ObjectSizeModel {
    fn default() -> Self {
        Self::KEP_752
    }
}

/// What happened to the Service's Endpoints object in this change, with its endpoint count
/// after the write (before it, for a delete).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all_fields = "camelCase")]
pub enum EndpointsWrite {
    /// The object did not change.
    None,
    Create {
        endpoints: usize,
    },
    Update {
        endpoints: usize,
    },
    Delete {
        endpoints: usize,
    },
}

/// The cost of one change (or, summed, of many) in both representations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ChurnReport {
    pub writes_slices: u64,
    pub writes_endpoints: u64,
    /// Writes × nodes.
    pub watch_events_slices: u64,
    pub watch_events_endpoints: u64,
    /// Σ object size × nodes.
    pub bytes_slices: u64,
    pub bytes_endpoints: u64,
    /// Largest slice written (the KEP's "object size" row).
    pub largest_slice_bytes: u64,
    /// Size of the Endpoints object written (0 if none).
    pub endpoints_object_bytes: u64,
}

impl ChurnReport {
    /// Accounts one change: the slice writes a reconcile returned and what happened to the
    /// Endpoints object, broadcast to `nodes` watchers.
    pub fn for_change(
        slice_writes: &[SliceWrite],
        endpoints: EndpointsWrite,
        nodes: u64,
        model: &ObjectSizeModel,
    ) -> Self {
        Self::for_slice_sizes(
            slice_writes.iter().map(|w| w.slice.endpoints.len()),
            endpoints,
            nodes,
            model,
        )
    }

    /// [`ChurnReport::for_change`] from the endpoint count of each slice written (what a
    /// [`super::SliceWriteSummary`] keeps), in the order written.
    pub fn for_slice_sizes(
        slice_endpoints: impl IntoIterator<Item = usize>,
        endpoints: EndpointsWrite,
        nodes: u64,
        model: &ObjectSizeModel,
    ) -> Self {
        let mut r = ChurnReport::default();
        for count in slice_endpoints {
            let size = model.bytes(count);
            r.writes_slices += 1;
            r.bytes_slices = r.bytes_slices.saturating_add(size.saturating_mul(nodes));
            r.largest_slice_bytes = r.largest_slice_bytes.max(size);
        }
        r.watch_events_slices = r.writes_slices.saturating_mul(nodes);
        let count = match endpoints {
            EndpointsWrite::None => None,
            EndpointsWrite::Create { endpoints }
            | EndpointsWrite::Update { endpoints }
            | EndpointsWrite::Delete { endpoints } => Some(endpoints),
        };
        if let Some(n) = count {
            let size = model.bytes(n);
            r.writes_endpoints = 1;
            r.watch_events_endpoints = nodes;
            r.bytes_endpoints = size.saturating_mul(nodes);
            r.endpoints_object_bytes = size;
        }
        r
    }

    /// This report, computed for one watcher (`nodes = 1`), as `nodes` watchers receive it.
    /// Exact: every write reaches every watcher whole, so events and bytes scale linearly
    /// while writes and object sizes do not change.
    pub fn broadcast(&self, nodes: u64) -> Self {
        ChurnReport {
            watch_events_slices: self.watch_events_slices.saturating_mul(nodes),
            watch_events_endpoints: self.watch_events_endpoints.saturating_mul(nodes),
            bytes_slices: self.bytes_slices.saturating_mul(nodes),
            bytes_endpoints: self.bytes_endpoints.saturating_mul(nodes),
            ..*self
        }
    }
}

/// Running totals over a sequence of changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ChurnTotals {
    pub changes: u64,
    pub sum: ChurnReport,
}

impl ChurnTotals {
    pub fn add(&mut self, r: &ChurnReport) {
        let s = &mut self.sum;
        self.changes += 1;
        s.writes_slices = s.writes_slices.saturating_add(r.writes_slices);
        s.writes_endpoints = s.writes_endpoints.saturating_add(r.writes_endpoints);
        s.watch_events_slices = s.watch_events_slices.saturating_add(r.watch_events_slices);
        s.watch_events_endpoints = s.watch_events_endpoints.saturating_add(r.watch_events_endpoints);
        s.bytes_slices = s.bytes_slices.saturating_add(r.bytes_slices);
        s.bytes_endpoints = s.bytes_endpoints.saturating_add(r.bytes_endpoints);
        s.largest_slice_bytes = s.largest_slice_bytes.max(r.largest_slice_bytes);
        s.endpoints_object_bytes = s.endpoints_object_bytes.max(r.endpoints_object_bytes);
    }

    /// Totals computed for one watcher, as `nodes` watchers receive them (see
    /// [`ChurnReport::broadcast`]).
    pub fn broadcast(&self, nodes: u64) -> Self {
        ChurnTotals {
            changes: self.changes,
            sum: self.sum.broadcast(nodes),
        }
    }
}
