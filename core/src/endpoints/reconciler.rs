//! The full EndpointSlice reconcile of SPEC §3.5 (upstream `Reconciler.Reconcile`), over a
//! complete desired set. Used when a Service appears or its labels, ports or families change,
//! and as the reference the incremental path ([`super::ServiceSlices::apply_delta`]) is tested
//! against.
//!
//! Where upstream iterates Go maps, kroute fixes the order:
//! * families in `AddressType` order (IPv4, IPv6); port groups in [`PortKey`] order;
//!   existing slices by name;
//! * desired endpoints not yet in a slice are placed in the order they are listed (upstream
//!   `PopAny`): list them in a seeded or sorted order for a reproducible layout;
//! * step 2 fills the fullest slice first, ties by name; step 3's best fit breaks ties on fill
//!   by the smallest name;
//! * writes: per family creates, updates (port group order, then name, then slices recycled by
//!   `finalize`), deletes (not owned, emptied per group, port sets gone); then slices of families
//!   no longer served.

use alloc::collections::BTreeSet;
use alloc::vec;
use alloc::vec::Vec;

use super::output::{ReconcileError, ReconcileOutput, WriteCause};
use super::plan::{
    check_max, delete_write, emit, finish_family, place_remaining, Ctx, Doomed, FamilyPlan, FillIndex,
    Working,
};
use super::types::{AddressType, DesiredEndpoint, EndpointKey, PortKey, ServiceInfo, Slice};
use crate::collections::{VecMap, VecSet};
use crate::rng::Rng;
use crate::sort::{first_repeat_by, SharedSort};

/// Everything one full reconcile reads.
#[derive(Clone, Copy, Debug)]
pub struct ReconcileInput<'a> {
    pub service: &'a ServiceInfo,
    /// `--max-endpoints-per-slice`, 1..=1000.
    pub max_endpoints_per_slice: usize,
    /// The Service's managed slices now (label `service-name` and `managed-by` this controller).
    pub existing: &'a [Slice],
    /// Every desired endpoint, in the order new ones should be placed.
    pub desired: &'a [DesiredEndpoint],
}

/// Runs SPEC §3.5 once. New slice names come from `rng`, which advances only on success.
pub fn reconcile(input: &ReconcileInput<'_>, rng: &mut Rng) -> Result<ReconcileOutput, ReconcileError> {
    let existing: Vec<&Slice> = input.existing.iter().collect();
    reconcile_refs(
        input.service,
        input.max_endpoints_per_slice,
        &existing,
        input.desired,
        rng,
    )
}

pub(crate) fn reconcile_refs(
    svc: &ServiceInfo,
    max: usize,
    existing: &[&Slice],
    desired: &[DesiredEndpoint],
    rng: &mut Rng,
) -> Result<ReconcileOutput, ReconcileError> {
    check_max(max)?;
    check_slice_names(existing)?;
    let names: VecSet<&str> = existing.iter().map(|s| s.name.as_str()).collect();
    let families = svc.families();
    let mut desired_by_family: VecMap<AddressType, Vec<&DesiredEndpoint>> = VecMap::new();
    for d in desired {
        if !families.contains(&d.address_type) {
            let key = d.endpoint.key.clone();
            return Err(ReconcileError::UnservedAddressType {
                address_type: d.address_type,
                key,
            });
        }
        desired_by_family.entry(d.address_type).or_default().push(d);
    }
    let mut sorted: Vec<&Slice> = existing.to_vec();
    sorted.stable_sort_by(|a, b| a.name.cmp(&b.name));
    let mut existing_by_family: VecMap<AddressType, Vec<&Slice>> = VecMap::new();
    let mut dropped = Vec::new();
    for s in sorted {
        if families.contains(&s.address_type) {
            existing_by_family.entry(s.address_type).or_default().push(s);
        } else {
            dropped.push(s);
        }
    }

    let labels = svc.slice_labels();
    let mut work_rng = rng.clone();
    let mut out = ReconcileOutput::default();
    let mut fresh = BTreeSet::new();
    for family in families {
        let ctx = Ctx {
            svc,
            family,
            max,
            labels: &labels,
        };
        let slices = existing_by_family.get(&family).map(Vec::as_slice).unwrap_or(&[]);
        let wanted = desired_by_family.get(&family).map(Vec::as_slice).unwrap_or(&[]);
        let plan = plan_family(&ctx, slices, wanted)?;
        emit(
            &ctx,
            plan,
            &mut work_rng,
            &|n| names.contains(n),
            &mut fresh,
            &mut out,
        )?;
    }
    for s in dropped {
        out.writes
            .push(delete_write(s.clone(), WriteCause::AddressTypeDropped));
    }
    *rng = work_rng;
    Ok(out)
}

/// Every slice has a name, and no two the same: else the first slice (in the given order)
/// that has none or repeats an earlier one's.
pub(crate) fn check_slice_names(slices: &[&Slice]) -> Result<(), ReconcileError> {
    let repeat = first_repeat_by(slices, |a, b| a.name.cmp(&b.name));
    let empty = slices.iter().position(|s| s.name.is_empty());
    let first = match (repeat, empty) {
        (Some(r), Some(e)) => Some(r.min(e)),
        (r, e) => r.or(e),
    };
    match first.and_then(|i| slices.get(i)) {
        Some(s) => Err(ReconcileError::BadSliceName { name: s.name.clone() }),
        None => Ok(()),
    }
}

/// `reconcileByAddressType` up to `finalize`: `existing` sorted by name, `desired` in order.
fn plan_family(
    ctx: &Ctx<'_>,
    existing: &[&Slice],
    desired: &[&DesiredEndpoint],
) -> Result<FamilyPlan, ReconcileError> {
    let mut plan = FamilyPlan::default();
    let mut owned: VecMap<PortKey, Vec<&Slice>> = VecMap::new();
    for s in existing {
        if ctx.owns(s) {
            owned.entry(PortKey::of(&s.ports)).or_default().push(s);
        } else {
            plan.deletes.push(Doomed {
                slice: (*s).clone(),
                cause: WriteCause::NotOwned,
            });
        }
    }
    let repeat = first_repeat_by(desired, |a, b| a.endpoint.key.cmp(&b.endpoint.key));
    if let Some(d) = repeat.and_then(|i| desired.get(i)) {
        return Err(ReconcileError::DuplicateEndpoint {
            address_type: ctx.family,
            key: d.endpoint.key.clone(),
        });
    }
    let mut groups: VecMap<PortKey, Vec<&DesiredEndpoint>> = VecMap::new();
    for d in desired {
        groups.entry(PortKey::of(&d.ports)).or_default().push(d);
    }
    for (key, wanted) in &groups {
        let slices = owned.get(key).map(Vec::as_slice).unwrap_or(&[]);
        reconcile_group(ctx, slices, wanted, &mut plan);
    }
    for (key, slices) in &owned {
        if !groups.contains_key(key) {
            for s in slices {
                plan.deletes.push(Doomed {
                    slice: (*s).clone(),
                    cause: WriteCause::PortSetGone,
                });
            }
        }
    }
    finish_family(ctx, existing.len(), &mut plan);
    Ok(plan)
}

/// `reconcileByPortMapping`: step 1 here, steps 2 and 3 in [`place_remaining`].
fn reconcile_group(ctx: &Ctx<'_>, slices: &[&Slice], desired: &[&DesiredEndpoint], plan: &mut FamilyPlan) {
    let index: VecMap<&EndpointKey, usize> = desired
        .iter()
        .enumerate()
        .map(|(i, d)| (&d.endpoint.key, i))
        .collect();
    let mut placed = vec![false; desired.len()];
    let mut updates = Vec::new();
    let mut unchanged: Vec<(&str, &Slice)> = Vec::new();
    for s in slices {
        let mut keep = Vec::with_capacity(s.endpoints.len());
        let mut refreshed = 0;
        for e in &s.endpoints {
            let Some(&i) = index.get(&e.key) else { continue };
            let (Some(flag), Some(want)) = (placed.get_mut(i), desired.get(i)) else {
                continue;
            };
            if *flag {
                continue; // already kept by an earlier slice: this copy is dropped
            }
            *flag = true;
            if !want.endpoint.same_beyond_identity(e) {
                refreshed += 1;
            }
            keep.push(want.endpoint.clone());
        }
        let removed = s.endpoints.len() - keep.len();
        if refreshed > 0 || removed > 0 {
            if keep.is_empty() {
                plan.deletes.push(Doomed {
                    slice: (*s).clone(),
                    cause: WriteCause::Emptied,
                });
            } else {
                let slice = Slice {
                    name: s.name.clone(),
                    address_type: s.address_type,
                    ports: s.ports.clone(),
                    endpoints: keep,
                    labels: ctx.labels.clone(),
                    owner_uid: s.owner_uid.clone(),
                };
                updates.push(Working::existing(
                    slice,
                    WriteCause::EndpointsChanged,
                    removed,
                    refreshed,
                ));
            }
        } else if ctx.svc.labels_drifted(&s.labels) {
            let mut slice = (*s).clone();
            slice.labels = ctx.labels.clone();
            updates.push(Working::existing(slice, WriteCause::LabelsDrifted, 0, 0));
        } else {
            unchanged.push((s.name.as_str(), s));
        }
    }
    let unchanged: VecMap<&str, &Slice> = unchanged.into_iter().collect();
    let leftover: Vec<&DesiredEndpoint> = desired
        .iter()
        .zip(&placed)
        .filter(|(_, p)| !**p)
        .map(|(d, _)| *d)
        .collect();
    let mut fill = FillIndex::default();
    for s in unchanged.values() {
        fill.insert(s.endpoints.len(), &s.name);
    }
    let best_fit = |k: usize| {
        let name = fill.best_fit(k, ctx.max, |_| false)?;
        unchanged.get(name).map(|s| (*s).clone())
    };
    let creates = place_remaining(ctx, &mut updates, &leftover, best_fit);
    updates.stable_sort_by(|a, b| a.slice.name.cmp(&b.slice.name));
    plan.updates.extend(updates);
    plan.creates.extend(creates);
}
