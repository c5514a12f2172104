//! `route(request) → Trace`: where a request goes in the cluster and why, hop by hop.
//!
//! The walk composes the stages the real components run, each reading the cluster's objects as
//! that component reads them:
//!
//! - **DNS** (`dns.rs`): a pod's search path; a headless name gives pod addresses and the client
//!   picks one; an ExternalName leaves the cluster.
//! - **kube-proxy** (`proxy.rs` over `kube_proxy.rs`): the service table is a hash lookup on
//!   (IP, protocol, port); the Service port's endpoints come from its EndpointSlices; traffic
//!   policies, the terminating fallback, session affinity on the simulated clock, iptables'
//!   uniform draw or IPVS's round robin, DNAT and masquerade.
//! - **the edge** (`walk.rs`): a node's NodePort, a cloud load balancer (health checks under
//!   `externalTrafficPolicy: Local`), the Ingress controller (`ingress/`) and Gateways
//!   (`gateway/`), which balance over endpoints themselves.
//! - **the mesh** (`mesh.rs`, `gamma.rs`): sidecars by injection labels, the client sidecar's
//!   routing (GAMMA HTTPRoutes bound to the Service), mTLS between sidecars.
//! - **`kubectl port-forward`** (`port_forward.rs`): one pod, chosen as kubectl chooses it.
//!
//! Random choices come from [`RouteState`] (seeded, kept in the cluster between requests with
//! the affinity table and round-robin positions), so the same cluster, seed and requests give
//! the same traces. [`Cluster::expected_shares`] replays the walk over every outcome instead.

// The walk's internal steps return `Err(verdict)` to stop early: the verdict is the answer, not
// an error, and it is built once per request.
#![allow(clippy::result_large_err)]

mod choose;
mod gamma;
pub mod mesh;
mod port_forward;
mod proxy;
pub mod request;
mod table;
pub mod trace;
mod traffic;
mod walk;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_edge;
#[cfg(test)]
mod tests_props;

pub use choose::RouteState;
pub use gamma::{is_service_parent, MESH_LISTENER};
pub use proxy::{port_used, DEFAULT_AFFINITY_TIMEOUT_SECONDS};
pub use request::{ForwardTarget, PortForward, Request, RequestError, Source, Url, DEFAULT_CLIENT_IP};
pub use table::Dataplane;
pub use trace::*;
pub use traffic::{ExpectedShares, Share, TrafficOptions, TrafficReport, MAX_ENUMERATED_PATHS};

use alloc::vec::Vec;

use crate::cluster::Cluster;
use choose::Decide;

impl Dataplane<'_> {
    /// Routes one request, drawing its random choices from `state` at simulated time `now_ms`.
    pub fn route(
        &self,
        request: &Request,
        state: &mut RouteState,
        now_ms: u64,
    ) -> Result<Trace, RequestError> {
        self.walk(request, state, now_ms)
    }

    pub(crate) fn walk(
        &self,
        request: &Request,
        decide: &mut dyn Decide,
        now_ms: u64,
    ) -> Result<Trace, RequestError> {
        let url = Url::parse(&request.url)?;
        let mut walk = proxy::Walk {
            dp: self,
            decide,
            now: now_ms,
            hops: Vec::new(),
            request,
            url: &url,
        };
        let verdict = walk.start()?;
        let hops = walk.hops;
        Ok(Trace {
            from: request.from.clone(),
            method: request.method.clone(),
            url,
            at_ms: now_ms,
            verdict,
            hops,
        })
    }
}

impl Cluster {
    /// Routes one request through the cluster as it is now. The cluster keeps the dataplane's
    /// memory (session affinity, round-robin positions, the random stream) between calls; it
    /// changes no object. `Err` only for a malformed request (bad URL, unknown source).
    pub fn route(&mut self, request: &Request) -> Result<Trace, RequestError> {
        let mut state = core::mem::replace(&mut self.route_state, RouteState::new(0));
        let result = self.route_with(request, &mut state);
        self.route_state = state;
        result
    }

    /// [`Cluster::route`] with the dataplane's memory kept by the caller: for a cluster that is
    /// shared read-only (a UI's views hold it), where copying it to route would cost more than
    /// the route. Start from a clone of [`Cluster::route_state`]; the same state and requests
    /// give the same traces as `route` would.
    pub fn route_with(&self, request: &Request, state: &mut RouteState) -> Result<Trace, RequestError> {
        Dataplane::new(self).route(request, state, self.now_ms)
    }

    /// The dataplane's memory the cluster keeps between [`Cluster::route`] calls.
    pub fn route_state(&self) -> &RouteState {
        &self.route_state
    }
}
