//! What changed, as data: every apply, delete, controller action and clock tick reports the
//! objects it created, updated or deleted, and who did it.

use crate::json::ToJson;
use alloc::string::String;
use alloc::vec::Vec;

use crate::error::ObjectRef;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
pub enum Action {
    Created,
    Updated,
    Deleted,
    /// The object was sent again unchanged.
    Unchanged,
}

/// Who made a change: the user (apply, delete, a pod action) or a named controller.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(tag = "kind", content = "name")]
pub enum Actor {
    User,
    Controller(&'static str),
}

#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// Simulated time of the change, in milliseconds.
    pub at_ms: u64,
    pub action: Action,
    pub object: ObjectRef,
    pub by: Actor,
    /// Why, when a controller acted (`scaled up to 3`, `pod became Ready`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Something the user should know that is not an error.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    pub object: ObjectRef,
    pub message: String,
}

/// The outcome of one successful change to the cluster.
#[derive(Clone, Debug, Default, PartialEq, ToJson)]
#[serde(rename_all = "camelCase")]
pub struct ChangeReport {
    pub events: Vec<Event>,
    pub warnings: Vec<Warning>,
    /// EndpointSlice churn each Service sync caused (SPEC §3.7).
    pub churn: Vec<crate::cluster::ServiceChurn>,
    /// References of the applied objects that do not resolve: warnings, as data (see
    /// `references.rs`); `manifest::locate_references` positions them in the text.
    pub references: Vec<crate::cluster::DanglingReference>,
}
