//! One Service's managed EndpointSlices, kept between syncs with the indexes that make a
//! single endpoint change cost the same on a 100,000-endpoint Service as on a 1,000 one.
//!
//! Why an incremental path is exact: after a sync every desired endpoint sits in exactly one
//! slice and every slice's labels match the Service. For the next change, step 1 of SPEC §3.5
//! leaves every slice that holds no removed or changed endpoint UNCHANGED, so only the slices
//! the change touches need step 1; the endpoints left for steps 2 and 3 are exactly the added
//! (or moved) ones; and step 3's best fit is a range query on a per-port-group fill index that
//! skips the touched slices. Port groups whose last endpoint goes away are found through the
//! touched slices; the only slice that can sit in an endpoint-less group is the family's empty
//! placeholder, tracked separately. Everything else (placeholder rule, `finalize`, naming) is
//! the same code as the full reconcile. Cost: O(changes × log n + size of the touched slices).
//!
//! Anything that changes more than endpoints (labels, families, max per slice, UID,
//! publishNotReadyAddresses) needs [`ServiceSlices::reconcile`] with the full desired set;
//! [`ServiceSlices::apply_delta`] says so with [`ReconcileError::NeedsFullReconcile`].

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec::Vec;
use core::ops::Range;

use super::output::{FullReconcileReason, ReconcileError, ReconcileOutput, SliceWrite, WriteCause, WriteOp};
use super::plan::{
    check_max, delete_write, emit, finish_family, place_remaining, Ctx, Doomed, FamilyPlan, FillIndex,
    Working,
};
use super::reconciler::{check_slice_names, reconcile_refs};
use super::types::{
    AddressType, DesiredEndpoint, Endpoint, EndpointChange, EndpointKey, PortKey, ServiceInfo, Slice,
};
use crate::collections::{FxMap, VecMap, VecSet};
use crate::rng::Rng;
use crate::sort::{first_repeat_by, SharedSort};

/// The Service facts a sync was made against; a delta is only applied on the same facts.
#[derive(Clone, Debug, PartialEq, Eq)]
struct SyncBasis {
    uid: String,
    labels: BTreeMap<String, String>,
    families: Vec<AddressType>,
    max: usize,
    publish_not_ready: bool,
}

impl SyncBasis {
    fn of(svc: &ServiceInfo, max: usize) -> Self {
        SyncBasis {
            uid: svc.uid.clone(),
            labels: svc.slice_labels(),
            families: svc.families(),
            max,
            publish_not_ready: svc.publish_not_ready_addresses,
        }
    }

    fn mismatch(&self, svc: &ServiceInfo, max: usize) -> Option<FullReconcileReason> {
        if self.uid != svc.uid {
            return Some(FullReconcileReason::ServiceUidChanged);
        }
        if self.families != svc.families() {
            return Some(FullReconcileReason::AddressTypesChanged);
        }
        if self.max != max {
            return Some(FullReconcileReason::MaxEndpointsPerSliceChanged);
        }
        if self.publish_not_ready != svc.publish_not_ready_addresses {
            return Some(FullReconcileReason::PublishNotReadyAddressesChanged);
        }
        if self.labels != svc.slice_labels() {
            return Some(FullReconcileReason::LabelsChanged);
        }
        None
    }
}

#[derive(Clone, Debug)]
struct Stored {
    slice: Slice,
    key: PortKey,
}

/// The slices of one port group: names, fill index (all of them; callers exclude touched ones)
/// and the number of endpoints they hold.
#[derive(Clone, Debug, Default)]
struct Group {
    names: BTreeSet<String>,
    fill: FillIndex,
    endpoints: usize,
}

#[derive(Clone, Debug, Default)]
struct FamilySlices {
    /// The slices' names, in the order they are listed.
    names: BTreeSet<String>,
    /// The slices by name (looked up; listed through `names`).
    slices: FxMap<String, Stored>,
    /// Endpoint → the slice holding it: looked up, never listed.
    by_endpoint: FxMap<EndpointKey, String>,
    groups: VecMap<PortKey, Group>,
    /// Groups that have slices but no endpoints (in a synced state: the empty placeholder's).
    empty_groups: VecSet<PortKey>,
    /// Endpoints over all slices of the family.
    endpoints: usize,
}

impl FamilySlices {
    fn attach(&mut self, slice: Slice, index_from: usize) -> PortKey {
        let key = PortKey::of(&slice.ports);
        let group = self.groups.entry(key.clone()).or_default();
        group.names.insert(slice.name.clone());
        group.fill.insert(slice.endpoints.len(), &slice.name);
        group.endpoints += slice.endpoints.len();
        self.endpoints += slice.endpoints.len();
        for e in slice.endpoints.get(index_from..).unwrap_or(&[]) {
            self.by_endpoint.insert(e.key.clone(), slice.name.clone());
        }
        self.names.insert(slice.name.clone());
        self.slices.insert(
            slice.name.clone(),
            Stored {
                slice,
                key: key.clone(),
            },
        );
        key
    }

    fn detach(&mut self, name: &str) -> Option<PortKey> {
        let stored = self.slices.remove(name)?;
        self.names.remove(name);
        if let Some(group) = self.groups.get_mut(&stored.key) {
            group.names.remove(name);
            group.fill.remove(stored.slice.endpoints.len(), name);
            group.endpoints = group.endpoints.saturating_sub(stored.slice.endpoints.len());
        }
        self.endpoints = self.endpoints.saturating_sub(stored.slice.endpoints.len());
        Some(stored.key)
    }

    fn settle_group(&mut self, key: &PortKey) {
        match self.groups.get(key) {
            Some(g) if g.names.is_empty() => {
                self.groups.remove(key);
                self.empty_groups.remove(key);
            }
            Some(g) if g.endpoints == 0 => {
                self.empty_groups.insert(key.clone());
            }
            _ => {
                self.empty_groups.remove(key);
            }
        }
    }

    fn group_of(&self, name: &str) -> Option<&PortKey> {
        self.slices.get(name).map(|s| &s.key)
    }

    fn group_len(&self, key: &PortKey) -> usize {
        self.groups.get(key).map_or(0, |g| g.endpoints)
    }

    /// The slices in name order.
    fn in_order(&self) -> impl Iterator<Item = &Stored> {
        self.names.iter().filter_map(|name| self.slices.get(name))
    }
}

/// A Service's managed EndpointSlices plus indexes: endpoint → slice, per port group a fill
/// index, per family an endpoint count. Start with [`ServiceSlices::new`] (or
/// [`ServiceSlices::from_slices`]), run [`ServiceSlices::reconcile`] once, then feed endpoint
/// changes to [`ServiceSlices::apply_delta`].
#[derive(Clone, Debug)]
pub struct ServiceSlices {
    /// Slice names are unique across families (checked on the way in, kept by naming).
    families: VecMap<AddressType, FamilySlices>,
    basis: Result<SyncBasis, FullReconcileReason>,
}

impl Default for ServiceSlices {
    fn default() -> Self {
        Self::new()
    }
}

/// Step 1 outcome for a slice a delta touches.
enum Touched {
    Update(Working),
    Delete,
    Unchanged,
}

struct FamilyCommit<'c> {
    family: AddressType,
    removed_keys: Vec<&'c EndpointKey>,
    writes: Range<usize>,
}

impl ServiceSlices {
    /// No slices yet (a new Service).
    pub fn new() -> Self {
        ServiceSlices {
            families: VecMap::new(),
            basis: Err(FullReconcileReason::NeverSynced),
        }
    }

    /// Slices that exist already (from the API). The first sync must be a full reconcile.
    pub fn from_slices(slices: Vec<Slice>) -> Result<Self, ReconcileError> {
        check_slice_names(&slices.iter().collect::<Vec<_>>())?;
        let mut me = ServiceSlices::new();
        me.rebuild(slices);
        Ok(me)
    }

    /// All slices, by family then name.
    pub fn slices(&self) -> impl Iterator<Item = &Slice> {
        self.families
            .values()
            .flat_map(|f| f.in_order().map(|s| &s.slice))
    }

    pub fn get(&self, name: &str) -> Option<&Slice> {
        self.families
            .values()
            .find_map(|f| f.slices.get(name))
            .map(|s| &s.slice)
    }

    pub fn len(&self) -> usize {
        self.families.values().map(|f| f.slices.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.families.values().all(|f| f.slices.is_empty())
    }

    /// Whether a slice of that name exists, in any family.
    fn has_name(&self, name: &str) -> bool {
        self.families.values().any(|f| f.slices.contains_key(name))
    }

    /// Endpoints held in slices of `family`, in O(1): what the churn model sizes a monolithic
    /// Endpoints object from.
    pub fn endpoint_count(&self, family: AddressType) -> usize {
        self.families.get(&family).map_or(0, |f| f.endpoints)
    }

    /// The slice holding an endpoint, in O(1) (two hash lookups).
    pub fn slice_of(&self, family: AddressType, key: &EndpointKey) -> Option<&Slice> {
        let f = self.families.get(&family)?;
        let name = f.by_endpoint.get(key)?;
        f.slices.get(name).map(|s| &s.slice)
    }

    /// `Ok` when [`ServiceSlices::apply_delta`] can be used; otherwise why not.
    pub fn sync_state(&self) -> Result<(), FullReconcileReason> {
        self.basis.as_ref().map(|_| ()).map_err(|r| *r)
    }

    /// The full SPEC §3.5 reconcile against the complete desired set; rebuilds the indexes.
    pub fn reconcile(
        &mut self,
        svc: &ServiceInfo,
        max_endpoints_per_slice: usize,
        desired: &[DesiredEndpoint],
        rng: &mut Rng,
    ) -> Result<ReconcileOutput, ReconcileError> {
        let existing: Vec<&Slice> = self.slices().collect();
        let out = reconcile_refs(svc, max_endpoints_per_slice, &existing, desired, rng)?;
        // Every slice, then what each write makes of its name (`None`: deleted), sorted by
        // name once; of a name given twice the last word stays, as successive inserts and
        // removals in a map would leave it (one at a time, a sorted vector was quadratic).
        let mut all: Vec<(String, Option<Slice>)> = Vec::new();
        for (_, fam) in core::mem::take(&mut self.families) {
            all.extend(fam.slices.into_iter().map(|(name, s)| (name, Some(s.slice))));
        }
        for w in &out.writes {
            let after = match w.op {
                WriteOp::Create | WriteOp::Update => Some(w.slice.clone()),
                WriteOp::Delete => None,
            };
            all.push((w.slice.name.clone(), after));
        }
        let all: VecMap<String, Option<Slice>> = all.into_iter().collect();
        self.rebuild(all.into_values().flatten().collect());
        self.basis = if out.suppressed_creates > 0 {
            Err(FullReconcileReason::CreatesSuppressed)
        } else {
            Ok(SyncBasis::of(svc, max_endpoints_per_slice))
        };
        Ok(out)
    }

    /// Applies endpoint changes with exactly the writes the full reconcile would make on the
    /// resulting desired set (endpoints added or moved here are placed in delta order, as if
    /// listed last, in that order). Needs a prior full sync on the same Service facts.
    /// Nothing changes when an error is returned.
    pub fn apply_delta(
        &mut self,
        svc: &ServiceInfo,
        max_endpoints_per_slice: usize,
        changes: &[EndpointChange],
        rng: &mut Rng,
    ) -> Result<ReconcileOutput, ReconcileError> {
        check_max(max_endpoints_per_slice)?;
        let basis = self
            .basis
            .as_ref()
            .map_err(|r| ReconcileError::NeedsFullReconcile(*r))?;
        if let Some(reason) = basis.mismatch(svc, max_endpoints_per_slice) {
            return Err(ReconcileError::NeedsFullReconcile(reason));
        }
        // The first change that repeats an earlier one's family and endpoint; the loop
        // reports it when it gets there, unless a change before it has an unserved family.
        let repeat = first_repeat_by(changes, |a, b| {
            (a.address_type(), a.key()).cmp(&(b.address_type(), b.key()))
        });
        let mut by_family: VecMap<AddressType, Vec<&EndpointChange>> = VecMap::new();
        for (i, ch) in changes.iter().enumerate() {
            let (family, key) = (ch.address_type(), ch.key());
            if !basis.families.contains(&family) {
                return Err(ReconcileError::UnservedAddressType {
                    address_type: family,
                    key: key.clone(),
                });
            }
            if repeat == Some(i) {
                return Err(ReconcileError::DuplicateEndpoint {
                    address_type: family,
                    key: key.clone(),
                });
            }
            by_family.entry(family).or_default().push(ch);
        }

        let labels = &basis.labels;
        let mut work_rng = rng.clone();
        let mut out = ReconcileOutput::default();
        let mut fresh = BTreeSet::new();
        let mut commits = Vec::new();
        let none = FamilySlices::default();
        for (&family, family_changes) in &by_family {
            let fam = self.families.get(&family).unwrap_or(&none);
            let ctx = Ctx {
                svc,
                family,
                max: max_endpoints_per_slice,
                labels,
            };
            let (plan, removed_keys) = plan_delta(&ctx, fam, family_changes);
            let start = out.writes.len();
            emit(
                &ctx,
                plan,
                &mut work_rng,
                &|n| self.has_name(n),
                &mut fresh,
                &mut out,
            )?;
            commits.push(FamilyCommit {
                family,
                removed_keys,
                writes: start..out.writes.len(),
            });
        }

        for c in commits {
            let writes = out.writes.get(c.writes).unwrap_or(&[]);
            self.commit(c.family, &c.removed_keys, writes);
        }
        if out.suppressed_creates > 0 {
            self.basis = Err(FullReconcileReason::CreatesSuppressed);
        }
        *rng = work_rng;
        Ok(out)
    }

    /// The Service is gone: the garbage collector deletes every slice it owned.
    pub fn delete_all(&mut self) -> Vec<SliceWrite> {
        let mut writes = Vec::new();
        for (_, mut fam) in core::mem::take(&mut self.families) {
            for name in &fam.names {
                if let Some(s) = fam.slices.remove(name) {
                    writes.push(delete_write(s.slice, WriteCause::ServiceDeleted));
                }
            }
        }
        self.basis = Err(FullReconcileReason::NeverSynced);
        writes
    }

    fn rebuild(&mut self, slices: Vec<Slice>) {
        self.families.clear();
        for s in slices {
            self.families.entry(s.address_type).or_default().attach(s, 0);
        }
        for fam in self.families.values_mut() {
            let keys: Vec<PortKey> = fam.groups.keys().cloned().collect();
            for k in &keys {
                fam.settle_group(k);
            }
        }
    }

    fn commit(&mut self, family: AddressType, removed_keys: &[&EndpointKey], writes: &[SliceWrite]) {
        let fam = self.families.entry(family).or_default();
        for key in removed_keys {
            fam.by_endpoint.remove(*key);
        }
        let mut groups = VecSet::new();
        for w in writes {
            let name = &w.slice.name;
            if w.op != WriteOp::Create {
                if let Some(k) = fam.detach(name) {
                    groups.insert(k);
                }
            }
            if w.op != WriteOp::Delete {
                let from = w.slice.endpoints.len().saturating_sub(w.added);
                groups.insert(fam.attach(w.slice.clone(), from));
            }
        }
        for k in &groups {
            fam.settle_group(k);
        }
    }
}

/// What a delta does to one family, planned against the current indexes.
fn plan_delta<'c>(
    ctx: &Ctx<'_>,
    fam: &FamilySlices,
    changes: &[&'c EndpointChange],
) -> (FamilyPlan, Vec<&'c EndpointKey>) {
    // What the changes do to the slices holding their endpoints: (slice, endpoint, the new
    // version to refresh it to, or `None` to remove it). Each endpoint once: `apply_delta`
    // refused repeated ones.
    let mut edits: Vec<(&str, &EndpointKey, Option<&Endpoint>)> = Vec::new();
    let mut additions: VecMap<PortKey, Vec<&DesiredEndpoint>> = VecMap::new();
    let mut delta: VecMap<PortKey, isize> = VecMap::new();
    let mut removed_keys = Vec::new();
    for ch in changes {
        let key = ch.key();
        let current = fam
            .by_endpoint
            .get(key)
            .and_then(|n| Some((n.as_str(), fam.group_of(n)?)));
        match (ch, current) {
            (EndpointChange::Remove { .. }, None) => {}
            (EndpointChange::Remove { .. }, Some((name, group))) => {
                edits.push((name, key, None));
                removed_keys.push(key);
                *delta.entry(group.clone()).or_default() -= 1;
            }
            (EndpointChange::Upsert(d), current) => {
                let wanted = PortKey::of(&d.ports);
                match current {
                    Some((name, group)) if *group == wanted => {
                        edits.push((name, key, Some(&d.endpoint)));
                    }
                    Some((name, group)) => {
                        edits.push((name, key, None));
                        removed_keys.push(key);
                        *delta.entry(group.clone()).or_default() -= 1;
                        *delta.entry(wanted.clone()).or_default() += 1;
                        additions.entry(wanted).or_default().push(d);
                    }
                    None => {
                        *delta.entry(wanted.clone()).or_default() += 1;
                        additions.entry(wanted).or_default().push(d);
                    }
                }
            }
        }
    }

    // Step 1 for the touched slices only (in name order), bucketed by port group.
    edits.stable_sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut touched: VecMap<&PortKey, Vec<(&str, Touched)>> = VecMap::new();
    for slice_edits in edits.chunk_by(|a, b| a.0 == b.0) {
        let Some(stored) = slice_edits.first().and_then(|&(name, _, _)| fam.slices.get(name)) else {
            continue;
        };
        let name = stored.slice.name.as_str();
        let edit = |key: &EndpointKey| {
            let i = slice_edits.binary_search_by(|&(_, k, _)| k.cmp(key)).ok()?;
            slice_edits.get(i).map(|&(_, _, new)| new)
        };
        let mut keep = Vec::with_capacity(stored.slice.endpoints.len());
        let (mut removed, mut refreshed) = (0, 0);
        for e in &stored.slice.endpoints {
            match edit(&e.key) {
                Some(None) => removed += 1,
                Some(Some(new)) if !new.same_beyond_identity(e) => {
                    refreshed += 1;
                    keep.push((*new).clone());
                }
                _ => keep.push(e.clone()),
            }
        }
        let outcome = if removed == 0 && refreshed == 0 {
            Touched::Unchanged
        } else if keep.is_empty() {
            Touched::Delete
        } else {
            let slice = Slice {
                name: stored.slice.name.clone(),
                address_type: stored.slice.address_type,
                ports: stored.slice.ports.clone(),
                endpoints: keep,
                labels: ctx.labels.clone(),
                owner_uid: stored.slice.owner_uid.clone(),
            };
            Touched::Update(Working::existing(
                slice,
                WriteCause::EndpointsChanged,
                removed,
                refreshed,
            ))
        };
        touched.entry(&stored.key).or_default().push((name, outcome));
    }

    let new_len = |g: &PortKey| fam.group_len(g) as isize + delta.get(g).copied().unwrap_or(0);
    let mut groups: VecSet<&PortKey> = touched.keys().copied().collect();
    groups.extend(additions.keys());
    let mut gone: VecSet<&PortKey> = fam.empty_groups.iter().filter(|g| new_len(g) <= 0).collect();

    let mut plan = FamilyPlan::default();
    for g in groups {
        if new_len(g) <= 0 {
            gone.insert(g);
            continue;
        }
        let mut updates = Vec::new();
        // Pushed in name order (the touched slices are), so each insert is at the end.
        let mut excluded: VecSet<&str> = VecSet::new();
        for (name, outcome) in touched.remove(g).unwrap_or_default() {
            match outcome {
                Touched::Unchanged => {}
                Touched::Update(w) => {
                    excluded.insert(name);
                    updates.push(w);
                }
                Touched::Delete => {
                    excluded.insert(name);
                    if let Some(s) = fam.slices.get(name) {
                        plan.deletes.push(Doomed {
                            slice: s.slice.clone(),
                            cause: WriteCause::Emptied,
                        });
                    }
                }
            }
        }
        let leftover = additions.get(g).map(Vec::as_slice).unwrap_or(&[]);
        let best_fit = |k: usize| {
            let name = fam
                .groups
                .get(g)?
                .fill
                .best_fit(k, ctx.max, |n| excluded.contains(n))?;
            fam.slices.get(name).map(|s| s.slice.clone())
        };
        let creates = place_remaining(ctx, &mut updates, leftover, best_fit);
        updates.stable_sort_by(|a, b| a.slice.name.cmp(&b.slice.name));
        plan.updates.extend(updates);
        plan.creates.extend(creates);
    }
    for g in gone {
        let Some(group) = fam.groups.get(g) else { continue };
        for name in &group.names {
            if let Some(s) = fam.slices.get(name) {
                plan.deletes.push(Doomed {
                    slice: s.slice.clone(),
                    cause: WriteCause::PortSetGone,
                });
            }
        }
    }
    finish_family(ctx, fam.slices.len(), &mut plan);
    (plan, removed_keys)
}
