//! Traffic over time: send N requests and count where they land, beside the share each pod is
//! expected to get.
//!
//! The expected shares are exact, not sampled: the walk is replayed with forced choices until
//! every combination of its random choices (DNS record, load-balancer node, weighted route
//! backend, endpoint) has been visited once, each outcome weighted by the product of its
//! choices' probabilities. Session affinity is left out of the expectation on purpose: it is
//! what makes the observed histogram differ from it.

use crate::collections::VecMap;
use crate::json::{FromJson, ToJson};
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::choose::Forced;
use super::request::{Request, RequestError, Source};
use super::table::Dataplane;
use super::trace::{Trace, Verdict};
use crate::cluster::Cluster;
use crate::error::ObjectRef;

/// Beyond this many distinct paths the expectation is reported incomplete (a cap on work, not a
/// limit on the cluster: 1,000 endpoints behind a 3-node load balancer are 3,000 paths).
pub const MAX_ENUMERATED_PATHS: usize = 50_000;

#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all = "camelCase", default)]
pub struct TrafficOptions {
    pub count: u32,
    /// Simulated time between two requests (drives session-affinity timeouts only; the
    /// cluster's clock does not move).
    pub interval_ms: u64,
    /// Distinct client addresses to rotate through for an external source (1: the request's
    /// own). Pods always send from their own address.
    pub clients: u32,
}

impl Default for TrafficOptions {
    fn default() -> Self {
        TrafficOptions {
            count: 100,
            interval_ms: 100,
            clients: 1,
        }
    }
}

/// Where the requests landed.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct TrafficReport {
    pub sent: u32,
    /// Per outcome: `Pod/<ns>/<name>` for a delivery, else the verdict (`http 404`,
    /// `rejected`, …).
    pub hits: BTreeMap<String, u32>,
    /// Deliveries per node of the answering pod.
    pub by_node: VecMap<String, u32>,
    /// The last request's trace (what the canvas animates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last: Option<Trace>,
}

/// The share of new connections each outcome gets, without session affinity.
#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ExpectedShares {
    /// In outcome order; the shares sum to 1 when `complete`.
    pub shares: Vec<Share>,
    /// How many distinct paths were walked.
    pub paths: usize,
    pub complete: bool,
}

#[derive(Clone, Debug, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct Share {
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod: Option<ObjectRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    pub share: f64,
}

/// The histogram key of a verdict.
pub fn outcome_key(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Delivered { pod, .. } => pod.to_string(),
        Verdict::Http { status, .. } => format!("http {status}"),
        Verdict::Rejected { .. } => "rejected".to_string(),
        Verdict::Dropped { .. } => "dropped".to_string(),
        Verdict::NoRoute { .. } => "no route".to_string(),
        Verdict::DnsFailure { .. } => "dns failure".to_string(),
        Verdict::LeftCluster { host } => format!("left cluster: {host}"),
    }
}

fn delivered_node(trace: &Trace) -> Option<String> {
    trace.hops.iter().rev().find_map(|h| match &h.step {
        super::Step::Pod(p) => p.node.clone(),
        _ => None,
    })
}

/// The address of the `i`-th synthetic external client (198.18.0.0/15, RFC 2544's range).
fn client_ip(i: u32) -> String {
    format!("198.{}.{}.{}", 18 + (i >> 16) % 2, (i >> 8) & 0xff, i & 0xff)
}

impl Cluster {
    /// Sends `options.count` requests like `request`, one after the other, and counts where they
    /// land. Affinity and round-robin state carry over, as on a real node. The expected shares
    /// are a separate call ([`Cluster::expected_shares`]): they depend on the cluster and the
    /// request only, so a caller sending in batches computes them once.
    pub fn send_traffic(
        &mut self,
        request: &Request,
        options: &TrafficOptions,
    ) -> Result<TrafficReport, RequestError> {
        let mut state = core::mem::replace(&mut self.route_state, super::RouteState::new(0));
        let result = self.send_traffic_with(request, options, &mut state);
        self.route_state = state;
        result
    }

    /// [`Cluster::send_traffic`] with the dataplane's memory kept by the caller (see
    /// [`Cluster::route_with`]).
    pub fn send_traffic_with(
        &self,
        request: &Request,
        options: &TrafficOptions,
        state: &mut super::RouteState,
    ) -> Result<TrafficReport, RequestError> {
        let dp = Dataplane::new(self);
        let now = self.now_ms;
        let mut report = TrafficReport {
            sent: 0,
            hits: BTreeMap::new(),
            by_node: VecMap::new(),
            last: None,
        };
        let rotate = options.clients > 1 && matches!(request.from, Source::External { .. });
        let mut result = Ok(());
        for i in 0..options.count {
            let at = now.saturating_add(u64::from(i).saturating_mul(options.interval_ms));
            let mut req = request.clone();
            if rotate {
                req.from = Source::External {
                    client_ip: Some(client_ip(i % options.clients)),
                };
            }
            let trace = match dp.route(&req, state, at) {
                Ok(t) => t,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            };
            report.sent += 1;
            *report.hits.entry(outcome_key(&trace.verdict)).or_insert(0) += 1;
            if let (Verdict::Delivered { .. }, Some(node)) = (&trace.verdict, delivered_node(&trace)) {
                *report.by_node.entry(node).or_insert(0) += 1;
            }
            report.last = Some(trace);
        }
        result.map(|()| report)
    }

    /// The exact share of new connections each outcome gets (see the module docs).
    pub fn expected_shares(&self, request: &Request) -> Result<ExpectedShares, RequestError> {
        let dp = Dataplane::new(self);
        let mut acc: BTreeMap<String, Share> = BTreeMap::new();
        let mut stack: Vec<Vec<usize>> = alloc::vec![Vec::new()];
        let mut paths = 0;
        let mut complete = true;
        while let Some(prefix) = stack.pop() {
            if paths >= MAX_ENUMERATED_PATHS {
                complete = false;
                break;
            }
            let fixed = prefix.len();
            let mut forced = Forced::new(prefix);
            let trace = dp.walk(request, &mut forced, self.now_ms)?;
            paths += 1;
            let p = forced.probability();
            let key = outcome_key(&trace.verdict);
            let entry = acc.entry(key.clone()).or_insert_with(|| Share {
                outcome: key,
                pod: trace.pod().cloned(),
                node: trace.pod().and(delivered_node(&trace)),
                share: 0.0,
            });
            entry.share += p;
            let taken: Vec<usize> = forced.taken.iter().map(|(i, _)| *i).collect();
            for (j, (chosen, weights)) in forced.taken.iter().enumerate().skip(fixed) {
                for (k, w) in weights.iter().enumerate().skip(chosen + 1) {
                    if *w > 0 {
                        let mut next: Vec<usize> = taken.get(..j).map(<[usize]>::to_vec).unwrap_or_default();
                        next.push(k);
                        stack.push(next);
                    }
                }
            }
        }
        Ok(ExpectedShares {
            shares: acc.into_values().collect(),
            paths,
            complete,
        })
    }
}
