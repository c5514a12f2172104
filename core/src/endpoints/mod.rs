//! Endpoints and EndpointSlices for selector-based Services (SPEC §3).
//!
//! # Pipeline
//!
//! ```text
//! Pod ──pod_to_endpoint (§3.4)──► Endpoint ─┐
//! Service port + Pod ports ──resolve_ports (§2.8)──► PortSpec list ─┴► DesiredEndpoint
//!   full set  ──reconcile / ServiceSlices::reconcile (§3.5)──► ReconcileOutput (ordered writes)
//!   one change ──ServiceSlices::apply_delta──► the same writes, O(change), not O(Service)
//! Pods ──build_endpoints (§3.1)──► LegacyEndpoints (1000 cap, truncation)
//! writes ──ChurnReport (§3.7)──► API writes, watch events, bytes: slices vs Endpoints
//! N synthetic endpoints ──estimate──► KEP-752's table, run through the reconciler
//! ```
//!
//! Everything works on the compact types of [`types`], not on the API objects; the
//! integration layer converts. Upstream's nondeterminism (Go map order, `PopAny`, random
//! `generateName` suffixes) is replaced by fixed orders and the caller's [`Rng`](crate::rng::Rng);
//! see [`reconciler`] for the orders.
//!
//! # Not here
//!
//! Topology hints (§2.12) and the `last-change-trigger-time` annotation are applied by the
//! caller; the mirroring controller (§3.6) is not modelled.

mod churn;
mod estimate;
mod legacy;
mod names;
mod output;
mod plan;
mod pod;
pub mod reconciler;
mod service_slices;
pub mod types;

pub use churn::{ChurnReport, ChurnTotals, EndpointsWrite, ObjectSizeModel};
pub use estimate::{estimate, Estimation, ScenarioCost, KEP_752_ENDPOINTS, KEP_752_NODES};
pub use legacy::{
    build_endpoints, truncate_subsets, EndpointAddress, EndpointSubset, LegacyEndpoints, LegacyInput,
    LegacyPod, LegacySkip, LegacySkipReason, PodRef, Trimmed, Truncation, ANNOTATION_OVER_CAPACITY,
    MAX_ENDPOINTS_PER_OBJECT,
};
pub use names::slice_name_prefix;
pub use output::{
    FullReconcileReason, ReconcileError, ReconcileOutput, SliceWrite, SliceWriteSummary, WriteCause,
    WriteCounts, WriteOp,
};
pub use pod::{
    address_types_for, parse_pod_ip, pod_endpoints, pod_to_endpoint, resolve_ports, should_set_hostname,
    ContainerPort, ContainerPorts, EndpointSkip, NodeFacts, PodEndpoint, PodEndpoints, PodInput, PodPhase,
    PodPorts, PortOutcome, ResolvedPorts, ServicePortSpec, TargetPort,
};
pub use reconciler::{reconcile, ReconcileInput};
pub use service_slices::ServiceSlices;
pub use types::{
    AddressType, DesiredEndpoint, Endpoint, EndpointChange, EndpointConditions, EndpointKey, PortKey,
    PortSpec, Protocol, ServiceInfo, Slice, CONTROLLER_NAME, DEFAULT_MAX_ENDPOINTS_PER_SLICE, LABEL_HEADLESS,
    LABEL_MANAGED_BY, LABEL_SERVICE_NAME, MAX_ENDPOINTS_PER_SLICE_LIMIT,
};

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_churn;
#[cfg(test)]
mod tests_legacy;
#[cfg(test)]
mod tests_pod;
#[cfg(test)]
mod tests_props;
#[cfg(test)]
mod tests_scale;
