//! The part of the SPEC §3.5 algorithm that the full and the incremental reconcile share:
//! steps 2 and 3 for one port group, the placeholder rule, `finalize` and turning the plan
//! into ordered writes. Sharing it is what keeps the two paths equal.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use super::names::generate_name;
use super::output::{ReconcileError, ReconcileOutput, SliceWrite, WriteCause, WriteOp};
use super::types::{
    AddressType, DesiredEndpoint, Endpoint, PortSpec, ServiceInfo, Slice, MAX_ENDPOINTS_PER_SLICE_LIMIT,
};
use crate::collections::VecMap;
use crate::error::{FieldError, FieldPath};
use crate::rng::Rng;
use crate::sort::SharedSort;
use alloc::collections::BTreeSet;

/// Checks `--max-endpoints-per-slice` (1..=1000).
pub(crate) fn check_max(max: usize) -> Result<(), ReconcileError> {
    if (1..=MAX_ENDPOINTS_PER_SLICE_LIMIT).contains(&max) {
        return Ok(());
    }
    Err(ReconcileError::InvalidMaxEndpointsPerSlice(FieldError::invalid(
        FieldPath::new("maxEndpointsPerSlice"),
        max,
        "must be between 1 and 1000",
    )))
}

/// A slice being written this sync. New slices have an empty name until `emit`.
#[derive(Clone, Debug)]
pub(crate) struct Working {
    pub slice: Slice,
    pub cause: WriteCause,
    pub recycled: Option<WriteCause>,
    pub removed: usize,
    pub refreshed: usize,
    pub added: usize,
}

impl Working {
    pub(crate) fn existing(slice: Slice, cause: WriteCause, removed: usize, refreshed: usize) -> Self {
        Working {
            slice,
            cause,
            recycled: None,
            removed,
            refreshed,
            added: 0,
        }
    }

    fn len(&self) -> usize {
        self.slice.endpoints.len()
    }

    fn push(&mut self, endpoint: Endpoint) {
        self.slice.endpoints.push(endpoint);
        self.added += 1;
    }
}

/// A slice that is going to be deleted, as it is stored now.
#[derive(Clone, Debug)]
pub(crate) struct Doomed {
    pub slice: Slice,
    pub cause: WriteCause,
}

/// Everything one family will write, in the canonical orders: creates per port group in key
/// order then in creation order; updates per group by name; deletes as upstream lists them.
#[derive(Debug, Default)]
pub(crate) struct FamilyPlan {
    pub creates: Vec<Working>,
    pub updates: Vec<Working>,
    pub deletes: Vec<Doomed>,
}

/// The Service-wide facts every step needs.
pub(crate) struct Ctx<'a> {
    pub svc: &'a ServiceInfo,
    pub family: AddressType,
    pub max: usize,
    pub labels: &'a BTreeMap<String, String>,
}

impl Ctx<'_> {
    fn new_slice(&self, ports: &[PortSpec]) -> Slice {
        Slice {
            name: String::new(),
            address_type: self.family,
            ports: ports.to_vec(),
            endpoints: Vec::new(),
            labels: self.labels.clone(),
            owner_uid: Some(self.svc.uid.clone()),
        }
    }

    pub(crate) fn owns(&self, slice: &Slice) -> bool {
        slice.owner_uid.as_deref() == Some(self.svc.uid.as_str())
    }

    /// Upstream compares the placeholder on namespace, labels, ports, endpoints and type;
    /// SPEC §3.5 adds the owner.
    fn is_placeholder(&self, slice: &Slice) -> bool {
        slice.address_type == self.family
            && slice.ports.is_empty()
            && slice.endpoints.is_empty()
            && self.owns(slice)
            && slice.labels == *self.labels
    }
}

/// Unchanged slices of one port group by fill level, for step 3's best-fit search. Ties on
/// fill go to the smallest name (upstream: whichever the Go map yields first). A fill level
/// holds its slices' names and is dropped when it has none; there are at most
/// `maxEndpointsPerSlice + 1` ≤ 1001 levels, so a level appearing or going costs at most
/// that many moves.
#[derive(Clone, Debug, Default)]
pub(crate) struct FillIndex {
    by_fill: VecMap<usize, BTreeSet<String>>,
}

impl FillIndex {
    pub(crate) fn insert(&mut self, fill: usize, name: &str) {
        self.by_fill.entry(fill).or_default().insert(name.into());
    }

    pub(crate) fn remove(&mut self, fill: usize, name: &str) {
        if let Some(names) = self.by_fill.get_mut(&fill) {
            names.remove(name);
            if names.is_empty() {
                self.by_fill.remove(&fill);
            }
        }
    }

    /// The fullest slice that can still take `k` more (fill ≤ max − k), skipping `excluded`
    /// ones. Costs O(log n + number skipped).
    pub(crate) fn best_fit(&self, k: usize, max: usize, excluded: impl Fn(&str) -> bool) -> Option<&str> {
        let room = max.checked_sub(k)?;
        self.by_fill
            .range(..=room)
            .rev()
            .flat_map(|(_, names)| names.iter().map(String::as_str))
            .find(|name| !excluded(name))
    }
}

/// Steps 2 and 3 for one port group. `updates` are the group's step-1 updates (name order);
/// `leftover` are desired endpoints not yet in any slice, taken in order (kroute's stand-in for
/// upstream's `PopAny`). `best_fit(k)` returns a copy of the unchanged slice step 3 would fill.
/// Step-3 updates are appended to `updates`; new slices are returned.
pub(crate) fn place_remaining(
    ctx: &Ctx<'_>,
    updates: &mut Vec<Working>,
    leftover: &[&DesiredEndpoint],
    mut best_fit: impl FnMut(usize) -> Option<Slice>,
) -> Vec<Working> {
    let mut next = leftover.iter();
    let mut remaining = leftover.len();
    // Step 2: top up slices that are written anyway, fullest first.
    if remaining > 0 && !updates.is_empty() {
        let mut order: Vec<usize> = (0..updates.len()).collect();
        order.stable_sort_by(|&a, &b| {
            let (sa, sb) = (&updates[a].slice, &updates[b].slice);
            sb.endpoints
                .len()
                .cmp(&sa.endpoints.len())
                .then_with(|| sa.name.cmp(&sb.name))
        });
        for i in order {
            let Some(w) = updates.get_mut(i) else { continue };
            while remaining > 0 && w.len() < ctx.max {
                let Some(d) = next.next() else { break };
                w.push(d.endpoint.clone());
                remaining -= 1;
            }
        }
    }
    // Step 3: one unchanged slice that takes everything left, else new slices.
    let mut creates = Vec::new();
    while remaining > 0 {
        let fitted = if remaining < ctx.max {
            best_fit(remaining)
        } else {
            None
        };
        let mut target = match fitted {
            Some(slice) => Working::existing(slice, WriteCause::BestFit, 0, 0),
            None => {
                // A new slice takes the ports (in resolved order) of the first endpoint placed.
                let ports = next.as_slice().first().map(|d| d.ports.as_slice()).unwrap_or(&[]);
                Working::existing(ctx.new_slice(ports), WriteCause::NewSlice, 0, 0)
            }
        };
        while remaining > 0 && target.len() < ctx.max {
            let Some(d) = next.next() else { break };
            target.push(d.endpoint.clone());
            remaining -= 1;
        }
        if target.slice.name.is_empty() {
            creates.push(target);
        } else {
            updates.push(target);
        }
        if next.as_slice().is_empty() {
            break;
        }
    }
    creates
}

/// The placeholder rule and `finalize`'s recycling, for one family. `existing` is the number of
/// slices of this family the reconcile started from.
pub(crate) fn finish_family(ctx: &Ctx<'_>, existing: usize, plan: &mut FamilyPlan) {
    if existing == plan.deletes.len() && plan.creates.is_empty() {
        let keep =
            plan.deletes.len() == 1 && plan.deletes.first().is_some_and(|d| ctx.is_placeholder(&d.slice));
        if keep {
            plan.deletes.clear();
        } else {
            let ph = Working::existing(ctx.new_slice(&[]), WriteCause::Placeholder, 0, 0);
            plan.creates.push(ph);
        }
    }
    // finalize: turn creates into updates of slices that would be deleted.
    let mut i = 0;
    while i < plan.deletes.len() && !plan.creates.is_empty() {
        let recyclable = plan
            .deletes
            .get(i)
            .is_some_and(|d| d.slice.address_type == ctx.family && ctx.owns(&d.slice));
        if !recyclable {
            i += 1;
            continue;
        }
        let doomed = plan.deletes.remove(i);
        if let Some(mut c) = plan.creates.pop() {
            c.slice.name = doomed.slice.name;
            c.recycled = Some(doomed.cause);
            c.removed = doomed.slice.endpoints.len();
            plan.updates.push(c);
        }
    }
}

/// Names surviving creates and appends the family's writes (creates, updates, deletes) to
/// `out`. `taken` says whether a name exists already; names created here are added to `fresh`.
pub(crate) fn emit(
    ctx: &Ctx<'_>,
    plan: FamilyPlan,
    rng: &mut Rng,
    taken: &dyn Fn(&str) -> bool,
    fresh: &mut BTreeSet<String>,
    out: &mut ReconcileOutput,
) -> Result<(), ReconcileError> {
    if ctx.svc.terminating {
        out.suppressed_creates += plan.creates.len();
    } else {
        let prefix = super::names::slice_name_prefix(&ctx.svc.name);
        for mut c in plan.creates {
            let name = generate_name(&prefix, rng, |n| taken(n) || fresh.contains(n))?;
            fresh.insert(name.clone());
            c.slice.name = name;
            out.writes.push(write(WriteOp::Create, c));
        }
    }
    for u in plan.updates {
        out.writes.push(write(WriteOp::Update, u));
    }
    for d in plan.deletes {
        out.writes.push(delete_write(d.slice, d.cause));
    }
    Ok(())
}

fn write(op: WriteOp, w: Working) -> SliceWrite {
    SliceWrite {
        op,
        cause: w.cause,
        recycled: w.recycled,
        removed: w.removed,
        refreshed: w.refreshed,
        added: w.added,
        slice: w.slice,
    }
}

pub(crate) fn delete_write(slice: Slice, cause: WriteCause) -> SliceWrite {
    SliceWrite {
        op: WriteOp::Delete,
        cause,
        recycled: None,
        removed: slice.endpoints.len(),
        refreshed: 0,
        added: 0,
        slice,
    }
}
