//! The compact shapes the EndpointSlice reconciler works on.
//!
//! These are not the Kubernetes API objects: they hold exactly what the algorithm of SPEC §3.5
//! reads and writes, so that the reconciler is cheap and easy to test. The integration layer
//! converts Pods/Services to these and [`Slice`]s back to `discovery.k8s.io/v1` EndpointSlices.

use crate::json::{FromJson, ToJson};
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use crate::sort::{CollectSorted, SharedSort};

/// `kubernetes.io/service-name`: how consumers find a Service's slices.
pub const LABEL_SERVICE_NAME: &str = "kubernetes.io/service-name";
/// `endpointslice.kubernetes.io/managed-by`: which controller owns a slice.
pub const LABEL_MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";
/// The value of [`LABEL_MANAGED_BY`] on slices this controller writes.
pub const CONTROLLER_NAME: &str = "endpointslice-controller.k8s.io";
/// `service.kubernetes.io/headless`: present (value `""`) iff the Service has no ClusterIP.
pub const LABEL_HEADLESS: &str = "service.kubernetes.io/headless";
/// Largest `--max-endpoints-per-slice` the controller accepts (also the API limit per slice).
pub const MAX_ENDPOINTS_PER_SLICE_LIMIT: usize = 1000;
/// The controller's default `--max-endpoints-per-slice`.
pub const DEFAULT_MAX_ENDPOINTS_PER_SLICE: usize = 100;

/// An EndpointSlice's `addressType`; one family per slice (SPEC §3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ToJson, FromJson)]
pub enum AddressType {
    IPv4,
    IPv6,
    /// Deprecated, no semantics; only ever seen on slices someone else wrote.
    #[serde(rename = "FQDN")]
    Fqdn,
}

impl AddressType {
    /// The wire spelling (`IPv4`, `IPv6`, `FQDN`).
    pub fn as_str(self) -> &'static str {
        match self {
            AddressType::IPv4 => "IPv4",
            AddressType::IPv6 => "IPv6",
            AddressType::Fqdn => "FQDN",
        }
    }
}

/// A port's L4 protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ToJson, FromJson)]
pub enum Protocol {
    #[serde(rename = "TCP")]
    Tcp,
    #[serde(rename = "UDP")]
    Udp,
    #[serde(rename = "SCTP")]
    Sctp,
}

/// A resolved endpoint port (SPEC §2.8 step 4): the Service port's name, protocol and
/// appProtocol with the number the Pod resolved its targetPort to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct PortSpec {
    pub name: String,
    pub port: i32,
    pub protocol: Protocol,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<String>,
}

/// A resolved port set with order removed: endpoints with equal keys share slices (upstream
/// `PortMapKey`, the hash of the sorted ports).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ToJson)]
pub struct PortKey(Vec<PortSpec>);

impl PortKey {
    pub fn of(ports: &[PortSpec]) -> Self {
        let mut v = ports.to_vec();
        v.stable_sort();
        PortKey(v)
    }

    pub fn ports(&self) -> &[PortSpec] {
        &self.0
    }
}

/// What makes two endpoints "the same" (SPEC §3.4): sorted addresses, hostname and the Pod's
/// namespace/name. Everything else is compared separately to decide whether a slice must be
/// rewritten. Fields are private so the addresses are always sorted.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct EndpointKey {
    addresses: Vec<String>,
    hostname: Option<String>,
    pod_namespace: String,
    pod_name: String,
}

impl EndpointKey {
    pub fn new(
        mut addresses: Vec<String>,
        hostname: Option<String>,
        pod_namespace: impl Into<String>,
        pod_name: impl Into<String>,
    ) -> Self {
        addresses.stable_sort();
        EndpointKey {
            addresses,
            hostname,
            pod_namespace: pod_namespace.into(),
            pod_name: pod_name.into(),
        }
    }

    /// The endpoint's addresses, sorted (the controller always writes exactly one).
    pub fn addresses(&self) -> &[String] {
        &self.addresses
    }

    pub fn hostname(&self) -> Option<&str> {
        self.hostname.as_deref()
    }

    pub fn pod_namespace(&self) -> &str {
        &self.pod_namespace
    }

    pub fn pod_name(&self) -> &str {
        &self.pod_name
    }
}

/// `endpoints[].conditions`, always written explicitly by the controller.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct EndpointConditions {
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
}

/// One endpoint of one slice: a Pod's addresses of one family plus what consumers read.
/// `targetRef` is the Pod (`key.pod_namespace()`, `key.pod_name()`, `pod_uid`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    pub key: EndpointKey,
    pub pod_uid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    pub conditions: EndpointConditions,
}

impl Endpoint {
    /// Upstream `EndpointsEqualBeyondHash`: equal in everything the identity leaves out
    /// (nodeName, zone, conditions, targetRef). When false the slice holding it is rewritten.
    pub fn same_beyond_identity(&self, other: &Endpoint) -> bool {
        self.node_name == other.node_name
            && self.zone == other.zone
            && self.conditions == other.conditions
            && self.pod_uid == other.pod_uid
    }
}

/// An EndpointSlice as the reconciler sees it: everything needed to render the API object.
/// `owner_uid` is the UID in the slice's controller ownerReference (kind Service, v1).
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct Slice {
    pub name: String,
    pub address_type: AddressType,
    pub ports: Vec<PortSpec>,
    pub endpoints: Vec<Endpoint>,
    pub labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_uid: Option<String>,
}

/// What the reconciler needs to know about the Service.
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct ServiceInfo {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub labels: BTreeMap<String, String>,
    /// `clusterIP: None` (or unset): slices get the headless label.
    pub headless: bool,
    pub publish_not_ready_addresses: bool,
    /// The Service has a deletionTimestamp: the reconciler never creates slices then.
    pub terminating: bool,
    /// Families the Service serves (see [`super::address_types_for`]); one slice group each.
    pub address_types: Vec<AddressType>,
}

fn is_reserved_label(key: &str) -> bool {
    key == LABEL_SERVICE_NAME || key == LABEL_MANAGED_BY || key == LABEL_HEADLESS
}

impl ServiceInfo {
    /// The labels every managed slice of this Service carries (upstream
    /// `setEndpointSliceLabels`): the Service's labels minus the three reserved keys, then
    /// service-name, managed-by and (for headless Services) the headless label.
    pub fn slice_labels(&self) -> BTreeMap<String, String> {
        let mut labels: BTreeMap<String, String> = self
            .labels
            .iter()
            .filter(|(k, _)| !is_reserved_label(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect_map();
        if self.headless {
            labels.insert(LABEL_HEADLESS.into(), String::new());
        }
        labels.insert(LABEL_SERVICE_NAME.into(), self.name.clone());
        labels.insert(LABEL_MANAGED_BY.into(), CONTROLLER_NAME.into());
        labels
    }

    /// True when a slice's labels must be rewritten: its non-reserved labels differ from the
    /// Service's non-reserved labels. Reserved keys are ignored, as upstream does.
    pub fn labels_drifted(&self, slice_labels: &BTreeMap<String, String>) -> bool {
        let mine = self.labels.iter().filter(|(k, _)| !is_reserved_label(k));
        let theirs = slice_labels.iter().filter(|(k, _)| !is_reserved_label(k));
        !mine.eq(theirs)
    }

    /// The families served, sorted and without duplicates (the order slices are reconciled in).
    pub(crate) fn families(&self) -> Vec<AddressType> {
        let mut f = self.address_types.clone();
        f.stable_sort();
        f.dedup();
        f
    }
}

/// One desired endpoint: a Pod's endpoint for one family with the ports it resolved.
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all = "camelCase")]
pub struct DesiredEndpoint {
    pub address_type: AddressType,
    pub ports: Vec<PortSpec>,
    pub endpoint: Endpoint,
}

/// One change to a Service's desired endpoints, for the incremental path.
#[derive(Clone, Debug, PartialEq, Eq, ToJson, FromJson)]
#[serde(rename_all_fields = "camelCase")]
pub enum EndpointChange {
    /// The endpoint is now desired as given: added, refreshed (conditions, node, zone, UID) or
    /// moved to another port set. A change of identity (new IP, hostname) is a `Remove` of the
    /// old key plus an `Upsert` of the new endpoint.
    Upsert(DesiredEndpoint),
    /// The endpoint is no longer desired. Unknown keys are ignored.
    Remove {
        address_type: AddressType,
        key: EndpointKey,
    },
}

impl EndpointChange {
    pub fn address_type(&self) -> AddressType {
        match self {
            EndpointChange::Upsert(d) => d.address_type,
            EndpointChange::Remove { address_type, .. } => *address_type,
        }
    }

    pub fn key(&self) -> &EndpointKey {
        match self {
            EndpointChange::Upsert(d) => &d.endpoint.key,
            EndpointChange::Remove { key, .. } => key,
        }
    }
}
