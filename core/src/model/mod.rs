//! Kubernetes API objects, with the API's field names and shapes.
//!
//! Every struct decodes from the JSON/YAML the API server accepts (the API's field names, unknown
//! fields ignored; see `decode.rs`) and serializes back to it. [`Object`] is one object of any kind kroute models, or an
//! [`OtherObject`] kept aside and reported (ConfigMaps, RBAC, CRDs…), never rejected.
//!
//! Architecture invariant: this module only describes shapes. What is *valid* lives in
//! `validation`, what an object *means* lives in the controllers and the dataplane.

mod apps_v1;
mod core_v1;
mod decode;
mod discovery_v1;
mod gateway_v1;
mod meta;
mod networking_v1;

pub use apps_v1::*;
pub use core_v1::*;
pub use discovery_v1::*;
pub use gateway_v1::*;
pub use meta::*;
pub use networking_v1::*;

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::json::{DecodeError, FromJson, Map, ToJson, Value};

use crate::error::{FieldError, FieldPath, ObjectError, ObjectRef};

/// The kinds kroute models.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ToJson, FromJson, serde::Deserialize)]
pub enum Kind {
    Namespace,
    Node,
    Pod,
    Deployment,
    ReplicaSet,
    StatefulSet,
    Service,
    Endpoints,
    EndpointSlice,
    Ingress,
    IngressClass,
    GatewayClass,
    Gateway,
    #[serde(rename = "HTTPRoute")]
    HttpRoute,
}

impl Kind {
    pub const ALL: [Kind; 14] = [
        Kind::Namespace,
        Kind::Node,
        Kind::Pod,
        Kind::Deployment,
        Kind::ReplicaSet,
        Kind::StatefulSet,
        Kind::Service,
        Kind::Endpoints,
        Kind::EndpointSlice,
        Kind::Ingress,
        Kind::IngressClass,
        Kind::GatewayClass,
        Kind::Gateway,
        Kind::HttpRoute,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Namespace => "Namespace",
            Kind::Node => "Node",
            Kind::Pod => "Pod",
            Kind::Deployment => "Deployment",
            Kind::ReplicaSet => "ReplicaSet",
            Kind::StatefulSet => "StatefulSet",
            Kind::Service => "Service",
            Kind::Endpoints => "Endpoints",
            Kind::EndpointSlice => "EndpointSlice",
            Kind::Ingress => "Ingress",
            Kind::IngressClass => "IngressClass",
            Kind::GatewayClass => "GatewayClass",
            Kind::Gateway => "Gateway",
            Kind::HttpRoute => "HTTPRoute",
        }
    }

    /// Accepts the kind as written in manifests (`Service`), case-insensitively, and the
    /// kubectl short names people type (`svc`, `deploy`, `sts`, `ep`, `ing`…).
    pub fn parse(s: &str) -> Option<Kind> {
        let lower = s.to_ascii_lowercase();
        Some(match lower.as_str() {
            "namespace" | "namespaces" | "ns" => Kind::Namespace,
            "node" | "nodes" | "no" => Kind::Node,
            "pod" | "pods" | "po" => Kind::Pod,
            "deployment" | "deployments" | "deploy" => Kind::Deployment,
            "replicaset" | "replicasets" | "rs" => Kind::ReplicaSet,
            "statefulset" | "statefulsets" | "sts" => Kind::StatefulSet,
            "service" | "services" | "svc" => Kind::Service,
            "endpoints" | "ep" => Kind::Endpoints,
            "endpointslice" | "endpointslices" => Kind::EndpointSlice,
            "ingress" | "ingresses" | "ing" => Kind::Ingress,
            "ingressclass" | "ingressclasses" => Kind::IngressClass,
            "gatewayclass" | "gatewayclasses" | "gc" => Kind::GatewayClass,
            "gateway" | "gateways" | "gtw" => Kind::Gateway,
            "httproute" | "httproutes" => Kind::HttpRoute,
            _ => return None,
        })
    }

    /// The preferred `apiVersion`.
    pub fn api_version(self) -> &'static str {
        match self {
            Kind::Namespace | Kind::Node | Kind::Pod | Kind::Service | Kind::Endpoints => "v1",
            Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet => "apps/v1",
            Kind::EndpointSlice => "discovery.k8s.io/v1",
            Kind::Ingress | Kind::IngressClass => "networking.k8s.io/v1",
            Kind::GatewayClass | Kind::Gateway | Kind::HttpRoute => "gateway.networking.k8s.io/v1",
        }
    }

    /// The API group of the kind (empty for the core group).
    pub fn group(self) -> &'static str {
        match self.api_version().rsplit_once('/') {
            Some((group, _)) => group,
            None => "",
        }
    }

    /// Whether `apiVersion` is one kroute reads this kind from. Older served versions whose
    /// shape matches v1 for the fields kroute uses are accepted too.
    pub fn accepts_api_version(self, v: &str) -> bool {
        v == self.api_version()
            || match self {
                Kind::GatewayClass | Kind::Gateway | Kind::HttpRoute => {
                    v == "gateway.networking.k8s.io/v1beta1"
                }
                _ => false,
            }
    }

    pub fn is_namespaced(self) -> bool {
        !matches!(
            self,
            Kind::Namespace | Kind::Node | Kind::IngressClass | Kind::GatewayClass
        )
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An object of a kind kroute does not model: kept with its identity so it can be reported
/// (and exported again) but it has no effect on routing.
#[derive(Clone, Debug, PartialEq)]
pub struct OtherObject {
    pub api_version: String,
    pub kind: String,
    pub metadata: ObjectMeta,
    /// The whole object as it came in.
    pub raw: Value,
}

impl ToJson for OtherObject {
    fn to_json(&self) -> Value {
        self.raw.clone()
    }
}

/// One Kubernetes object.
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    Namespace(Namespace),
    Node(Node),
    Pod(Pod),
    Deployment(Deployment),
    ReplicaSet(ReplicaSet),
    StatefulSet(StatefulSet),
    Service(Service),
    Endpoints(Endpoints),
    EndpointSlice(EndpointSlice),
    Ingress(Ingress),
    IngressClass(IngressClass),
    GatewayClass(GatewayClass),
    Gateway(Gateway),
    HttpRoute(HttpRoute),
    Other(OtherObject),
}

macro_rules! each_kind {
    ($self:expr, $o:ident => $e:expr) => {
        match $self {
            Object::Namespace($o) => $e,
            Object::Node($o) => $e,
            Object::Pod($o) => $e,
            Object::Deployment($o) => $e,
            Object::ReplicaSet($o) => $e,
            Object::StatefulSet($o) => $e,
            Object::Service($o) => $e,
            Object::Endpoints($o) => $e,
            Object::EndpointSlice($o) => $e,
            Object::Ingress($o) => $e,
            Object::IngressClass($o) => $e,
            Object::GatewayClass($o) => $e,
            Object::Gateway($o) => $e,
            Object::HttpRoute($o) => $e,
            Object::Other($o) => $e,
        }
    };
}

impl Object {
    /// `None` for an [`OtherObject`].
    pub fn kind(&self) -> Option<Kind> {
        Some(match self {
            Object::Namespace(_) => Kind::Namespace,
            Object::Node(_) => Kind::Node,
            Object::Pod(_) => Kind::Pod,
            Object::Deployment(_) => Kind::Deployment,
            Object::ReplicaSet(_) => Kind::ReplicaSet,
            Object::StatefulSet(_) => Kind::StatefulSet,
            Object::Service(_) => Kind::Service,
            Object::Endpoints(_) => Kind::Endpoints,
            Object::EndpointSlice(_) => Kind::EndpointSlice,
            Object::Ingress(_) => Kind::Ingress,
            Object::IngressClass(_) => Kind::IngressClass,
            Object::GatewayClass(_) => Kind::GatewayClass,
            Object::Gateway(_) => Kind::Gateway,
            Object::HttpRoute(_) => Kind::HttpRoute,
            Object::Other(_) => return None,
        })
    }

    pub fn kind_str(&self) -> &str {
        match self {
            Object::Other(o) => &o.kind,
            other => other.kind().map(Kind::as_str).unwrap_or(""),
        }
    }

    pub fn metadata(&self) -> &ObjectMeta {
        each_kind!(self, o => &o.metadata)
    }

    pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
        each_kind!(self, o => &mut o.metadata)
    }

    pub fn name(&self) -> &str {
        &self.metadata().name
    }

    /// The namespace the object lives in: its own, `default` when unset, `None` for
    /// cluster-scoped kinds.
    pub fn namespace(&self) -> Option<&str> {
        let namespaced = match self.kind() {
            Some(k) => k.is_namespaced(),
            None => true,
        };
        if !namespaced {
            return None;
        }
        Some(
            self.metadata()
                .namespace
                .as_deref()
                .filter(|s| !s.is_empty())
                .unwrap_or("default"),
        )
    }

    pub fn object_ref(&self) -> ObjectRef {
        ObjectRef {
            kind: self.kind_str().to_string(),
            namespace: self.namespace().map(ToString::to_string),
            name: self.name().to_string(),
        }
    }

    /// Decodes one object from its generic JSON form (what a YAML or JSON document parses to).
    /// Errors name the field path (`spec.ports[0].port`) where the shape is wrong.
    pub fn from_value(value: Value) -> Result<Object, ObjectError> {
        let header = Header::read(&value);
        let object = header.object_ref();
        let fail = |errors: Vec<FieldError>| ObjectError {
            object: object.clone(),
            index: None,
            errors,
        };
        let Some(kind_str) = header.kind.as_deref() else {
            return Err(fail(alloc::vec![FieldError::required(
                FieldPath::new("kind"),
                "every object needs a kind"
            )]));
        };
        let Some(api_version) = header.api_version.as_deref() else {
            return Err(fail(alloc::vec![FieldError::required(
                FieldPath::new("apiVersion"),
                "every object needs an apiVersion"
            )]));
        };
        let kind = match Kind::parse(kind_str) {
            Some(k) if k.as_str() == kind_str => k,
            _ => {
                return Ok(Object::Other(OtherObject {
                    api_version: api_version.to_string(),
                    kind: kind_str.to_string(),
                    metadata: value
                        .get("metadata")
                        .and_then(|m| ObjectMeta::from_json(m).ok())
                        .unwrap_or_default(),
                    raw: value,
                }))
            }
        };
        if !kind.accepts_api_version(api_version) {
            return Err(fail(alloc::vec![FieldError::not_supported(
                FieldPath::new("apiVersion"),
                api_version,
                &[kind.api_version()]
            )]));
        }
        let decoded = match kind {
            Kind::Namespace => decode(&value).map(Object::Namespace),
            Kind::Node => decode(&value).map(Object::Node),
            Kind::Pod => decode(&value).map(Object::Pod),
            Kind::Deployment => decode(&value).map(Object::Deployment),
            Kind::ReplicaSet => decode(&value).map(Object::ReplicaSet),
            Kind::StatefulSet => decode(&value).map(Object::StatefulSet),
            Kind::Service => decode(&value).map(Object::Service),
            Kind::Endpoints => decode(&value).map(Object::Endpoints),
            Kind::EndpointSlice => decode(&value).map(Object::EndpointSlice),
            Kind::Ingress => decode(&value).map(Object::Ingress),
            Kind::IngressClass => decode(&value).map(Object::IngressClass),
            Kind::GatewayClass => decode(&value).map(Object::GatewayClass),
            Kind::Gateway => decode(&value).map(Object::Gateway),
            Kind::HttpRoute => decode(&value).map(Object::HttpRoute),
        };
        decoded.map_err(|e| fail(alloc::vec![e]))
    }

    /// The object in its API JSON form, with `apiVersion` and `kind`, every object's keys in
    /// order (as `kubectl get -o json` prints them).
    pub fn to_value(&self) -> Value {
        let (api_version, kind, body) = match self {
            Object::Other(o) => return o.raw.clone(),
            other => {
                let kind = other.kind().unwrap_or(Kind::Namespace);
                (
                    kind.api_version(),
                    kind.as_str(),
                    each_kind!(other, o => o.to_json()),
                )
            }
        };
        let mut map = match body {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        map.insert("apiVersion".to_string(), Value::String(api_version.to_string()));
        map.insert("kind".to_string(), Value::String(kind.to_string()));
        let mut value = Value::Object(map);
        value.sort_keys();
        value
    }
}

/// An object read with [`Object::from_value`]; its error's text is the message.
impl FromJson for Object {
    fn from_json(value: &Value) -> Result<Self, DecodeError> {
        Object::from_value(value.clone()).map_err(|e| DecodeError::new(e.to_string()))
    }
}

impl ToJson for Object {
    fn to_json(&self) -> Value {
        self.to_value()
    }
}

struct Header {
    api_version: Option<String>,
    kind: Option<String>,
    name: Option<String>,
    namespace: Option<String>,
}

impl Header {
    fn read(value: &Value) -> Header {
        let s = |v: Option<&Value>| v.and_then(Value::as_str).map(ToString::to_string);
        let meta = value.get("metadata");
        Header {
            api_version: s(value.get("apiVersion")),
            kind: s(value.get("kind")),
            name: s(meta.and_then(|m| m.get("name"))),
            namespace: s(meta.and_then(|m| m.get("namespace"))),
        }
    }

    fn object_ref(&self) -> ObjectRef {
        let kind = self.kind.clone().unwrap_or_default();
        let namespaced = Kind::parse(&kind).is_none_or(Kind::is_namespaced);
        ObjectRef {
            namespace: if namespaced {
                Some(
                    self.namespace
                        .clone()
                        .filter(|n| !n.is_empty())
                        .unwrap_or_else(|| "default".to_string()),
                )
            } else {
                None
            },
            kind,
            name: self.name.clone().unwrap_or_default(),
        }
    }
}

/// Decodes one kind's body (or a header's metadata); a failure is a `wrong type` at its path.
fn decode<T: FromJson>(value: &Value) -> Result<T, FieldError> {
    T::from_json(value).map_err(into_field_error)
}

/// As the model reports a shape error: `wrong type: …` at the path.
pub(crate) fn into_field_error(e: DecodeError) -> FieldError {
    FieldError::new(
        crate::error::FieldErrorKind::Invalid,
        FieldPath::new(&e.path()),
        None,
        alloc::format!("wrong type: {}", e.message()),
    )
}

#[cfg(test)]
mod tests;
