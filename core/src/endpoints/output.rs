//! What a reconcile decided: the API writes in the order they are issued, each with the reason
//! it was needed, and the errors that stop a reconcile.

use crate::json::ToJson;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::types::{AddressType, EndpointKey, Slice};
use crate::collections::VecMap;
use crate::error::FieldError;

/// The API call a write is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
pub enum WriteOp {
    Create,
    Update,
    Delete,
}

/// Why a slice is written (the step of SPEC §3.5 that decided it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
pub enum WriteCause {
    /// Step 1: endpoints were removed from the slice or refreshed in place (it may then have
    /// been topped up in step 2).
    EndpointsChanged,
    /// Step 1: only the Service's labels drifted from the slice's.
    LabelsDrifted,
    /// Step 3: the one unchanged slice that could take all remaining endpoints and ended fullest.
    BestFit,
    /// Step 3: no unchanged slice could take all remaining endpoints.
    NewSlice,
    /// The family would be left without a slice: an empty one so consumers see "0 endpoints".
    Placeholder,
    /// Step 1: none of its endpoints is desired any more.
    Emptied,
    /// No desired endpoint resolves to this slice's port set any more.
    PortSetGone,
    /// Owned by another Service object (same name, other UID).
    NotOwned,
    /// The Service no longer serves this address family.
    AddressTypeDropped,
    /// The Service was deleted; the garbage collector removes what it owned.
    ServiceDeleted,
}

/// One API write. For a delete, `slice` is the object as it was before deletion.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct SliceWrite {
    pub op: WriteOp,
    pub cause: WriteCause,
    /// Set when `finalize` turned a create into an update of a slice that was going to be
    /// deleted (reusing its name): why that slice was going to be deleted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recycled: Option<WriteCause>,
    /// Endpoints that left this object in this write.
    pub removed: usize,
    /// Endpoints kept but rewritten because they changed beyond identity.
    pub refreshed: usize,
    /// Endpoints placed into this object in this write (they are its last `added` entries).
    pub added: usize,
    pub slice: Slice,
}

impl SliceWrite {
    /// The write without the slice's content: which slice, how, why, and how full it is.
    pub fn summary(&self) -> SliceWriteSummary {
        SliceWriteSummary {
            name: self.slice.name.clone(),
            op: self.op,
            cause: self.cause,
            endpoints: self.slice.endpoints.len(),
            removed: self.removed,
            refreshed: self.refreshed,
            added: self.added,
        }
    }
}

/// One write as a change report keeps it: enough to say which slice was written and to size
/// the object sent (SPEC §3.7), without the endpoints themselves.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct SliceWriteSummary {
    pub name: String,
    pub op: WriteOp,
    pub cause: WriteCause,
    /// Endpoints in the object written (before the write, for a delete).
    pub endpoints: usize,
    pub removed: usize,
    pub refreshed: usize,
    pub added: usize,
}

/// Number of writes by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct WriteCounts {
    pub creates: usize,
    pub updates: usize,
    pub deletes: usize,
}

impl WriteCounts {
    pub fn total(&self) -> usize {
        self.creates + self.updates + self.deletes
    }
}

/// The result of one reconcile: writes in issue order (per family: creates, updates, deletes;
/// then slices of families the Service no longer serves).
#[derive(Clone, Debug, Default, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ReconcileOutput {
    pub writes: Vec<SliceWrite>,
    /// Creates dropped because the Service is terminating (upstream never creates then).
    pub suppressed_creates: usize,
}

impl ReconcileOutput {
    pub fn counts(&self) -> WriteCounts {
        let mut c = WriteCounts::default();
        for w in &self.writes {
            match w.op {
                WriteOp::Create => c.creates += 1,
                WriteOp::Update => c.updates += 1,
                WriteOp::Delete => c.deletes += 1,
            }
        }
        c
    }

    pub fn created(&self) -> impl Iterator<Item = &Slice> {
        self.writes
            .iter()
            .filter(|w| w.op == WriteOp::Create)
            .map(|w| &w.slice)
    }

    pub fn updated(&self) -> impl Iterator<Item = &Slice> {
        self.writes
            .iter()
            .filter(|w| w.op == WriteOp::Update)
            .map(|w| &w.slice)
    }

    /// Names of deleted slices.
    pub fn deleted(&self) -> impl Iterator<Item = &str> {
        self.writes
            .iter()
            .filter(|w| w.op == WriteOp::Delete)
            .map(|w| w.slice.name.as_str())
    }

    /// The slice set after the writes, sorted by name: `existing` with every write applied.
    pub fn apply_to(&self, existing: Vec<Slice>) -> Vec<Slice> {
        let mut by_name: VecMap<String, Slice> = existing.into_iter().map(|s| (s.name.clone(), s)).collect();
        for w in &self.writes {
            match w.op {
                WriteOp::Create | WriteOp::Update => {
                    by_name.insert(w.slice.name.clone(), w.slice.clone());
                }
                WriteOp::Delete => {
                    by_name.remove(&w.slice.name);
                }
            }
        }
        by_name.into_values().collect()
    }
}

/// Why the incremental path refused a delta: the caller must run a full reconcile (with the
/// complete desired set) first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
pub enum FullReconcileReason {
    /// No full reconcile has run on this slice set yet.
    NeverSynced,
    /// The last sync could not create slices (Service terminating), so desired endpoints are missing.
    CreatesSuppressed,
    ServiceUidChanged,
    /// Service labels (or headless-ness) changed: every slice's labels must be rewritten.
    LabelsChanged,
    AddressTypesChanged,
    MaxEndpointsPerSliceChanged,
    /// Every endpoint's `ready` depends on it.
    PublishNotReadyAddressesChanged,
}

impl FullReconcileReason {
    fn describe(self) -> &'static str {
        match self {
            FullReconcileReason::NeverSynced => "the slices have never been fully reconciled",
            FullReconcileReason::CreatesSuppressed => {
                "the last sync could not create slices because the Service is terminating"
            }
            FullReconcileReason::ServiceUidChanged => "the Service was recreated (its UID changed)",
            FullReconcileReason::LabelsChanged => "the Service's labels changed",
            FullReconcileReason::AddressTypesChanged => "the Service's IP families changed",
            FullReconcileReason::MaxEndpointsPerSliceChanged => "maxEndpointsPerSlice changed",
            FullReconcileReason::PublishNotReadyAddressesChanged => "publishNotReadyAddresses changed",
        }
    }
}

/// Bad input to a reconcile. Nothing was changed when one is returned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReconcileError {
    /// `--max-endpoints-per-slice` outside 1..=1000.
    InvalidMaxEndpointsPerSlice(FieldError),
    /// Two desired endpoints (or two changes in one delta) share an identity.
    DuplicateEndpoint {
        address_type: AddressType,
        key: EndpointKey,
    },
    /// A desired endpoint of a family the Service does not serve.
    UnservedAddressType {
        address_type: AddressType,
        key: EndpointKey,
    },
    /// Two existing slices with one name, or an existing slice without a name.
    BadSliceName { name: String },
    /// No free `<prefix><5 chars>` name was found (practically impossible: 27^5 names).
    NamesExhausted { prefix: String },
    /// The incremental path cannot apply this delta; run a full reconcile.
    NeedsFullReconcile(FullReconcileReason),
}

impl fmt::Display for ReconcileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReconcileError::InvalidMaxEndpointsPerSlice(e) => write!(f, "{e}"),
            ReconcileError::DuplicateEndpoint { address_type, key } => write!(
                f,
                "{} endpoint of Pod {}/{} is listed twice",
                address_type.as_str(),
                key.pod_namespace(),
                key.pod_name()
            ),
            ReconcileError::UnservedAddressType { address_type, key } => write!(
                f,
                "Pod {}/{} has an {} endpoint but the Service does not serve that family",
                key.pod_namespace(),
                key.pod_name(),
                address_type.as_str()
            ),
            ReconcileError::BadSliceName { name } if name.is_empty() => {
                f.write_str("an existing EndpointSlice has no name")
            }
            ReconcileError::BadSliceName { name } => {
                write!(f, "EndpointSlice {} is listed twice", crate::error::Quoted(name))
            }
            ReconcileError::NamesExhausted { prefix } => {
                write!(
                    f,
                    "no free EndpointSlice name with prefix {}",
                    crate::error::Quoted(prefix)
                )
            }
            ReconcileError::NeedsFullReconcile(reason) => {
                write!(f, "a full reconcile is needed: {}", reason.describe())
            }
        }
    }
}
