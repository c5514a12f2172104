//! kroute's model against the Kubernetes API's own types (k8s-openapi, a dev-dependency only).
//!
//! kroute declares its kinds by hand (`kroute::model`), ignoring unknown fields as the API server
//! does. So a misspelt field name (`podCidr` for `podCIDR`) or a wrong type would not fail any
//! parse: the field would silently never be read. These tests make that impossible to hide:
//!
//! 1. For each kind k8s-openapi has, a maximal example is *generated from kroute's own type*
//!    (`Tracer` below fills in every field serde knows of, so no field can be forgotten), written
//!    as kroute writes it, then read by k8s-openapi's type through `serde_path_to_error` (a wrong
//!    type fails with its path) and written back: any field k8s-openapi dropped is one the API
//!    does not have, and is reported by path. kroute itself must read and write the example
//!    unchanged.
//! 2. Every object of a kind k8s-openapi has, in every manifest of `shared/fixtures/manifests/`,
//!    as kroute reads and writes it, round-trips through k8s-openapi unchanged (real values:
//!    timestamps, int-or-string ports, quoted numbers).
//! 3. GatewayClass, Gateway and HTTPRoute are CRDs of the Gateway API, not in k8s-openapi: their
//!    generated examples' field paths and JSON types are checked against a table copied from
//!    the Gateway API v1 reference (`sigs.k8s.io/gateway-api/apis/v1`), and their `metadata`
//!    against k8s-openapi's `ObjectMeta`.

use std::collections::BTreeSet;

use k8s_openapi::api::{
    apps::v1 as apps, core::v1 as core, discovery::v1 as discovery, networking::v1 as net,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kroute::model::Object;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::Serialize;
use serde_json::Value;

// ------------------------------------------------------------------------------------------
// A deserializer that fills every field of a type

/// Deserializes any kroute model type with every field present: each struct gets all of its
/// fields (serde passes their names to `deserialize_struct`), each `Option` is `Some`, each
/// sequence one item, each map one entry keyed `*`, each string `x` (a timestamp for fields whose
/// API type is `Time`), each number 1, each boolean `true`.
#[derive(Clone, Copy)]
struct Tracer {
    /// The field being filled, to pick a value the API's type accepts.
    field: &'static str,
    depth: usize,
}

type Error = de::value::Error;

impl Tracer {
    fn child(self, field: &'static str) -> Tracer {
        Tracer {
            field,
            depth: self.depth + 1,
        }
    }

    fn string(self) -> &'static str {
        if self.field.ends_with("Timestamp") || self.field.ends_with("Time") {
            "2025-01-02T03:04:05Z"
        } else {
            "x"
        }
    }

    fn guard(self) -> Result<(), Error> {
        if self.depth > 32 {
            return Err(de::Error::custom(
                "the model is recursive: the tracer cannot fill it",
            ));
        }
        Ok(())
    }
}

macro_rules! number {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            v.visit_i64(1)
        })*
    };
}

impl<'de> de::Deserializer<'de> for Tracer {
    type Error = Error;

    /// Only an int-or-string field asks for "anything": it gets a number.
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        v.visit_i64(1)
    }
    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        v.visit_bool(true)
    }
    number!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_u8 deserialize_u16
            deserialize_u32 deserialize_u64 deserialize_f32 deserialize_f64);
    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        v.visit_str(self.string())
    }
    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        v.visit_str(self.string())
    }
    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        v.visit_some(self)
    }
    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.guard()?;
        v.visit_seq(One(Some(self.child(self.field))))
    }
    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.guard()?;
        v.visit_map(Fields {
            keys: &["*"],
            at: 0,
            tracer: self,
        })
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Error> {
        self.guard()?;
        v.visit_map(Fields {
            keys: fields,
            at: 0,
            tracer: self,
        })
    }
    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        v.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        char bytes byte_buf unit unit_struct newtype_struct tuple tuple_struct enum identifier
    }
}

/// A sequence of one item.
struct One(Option<Tracer>);

impl<'de> SeqAccess<'de> for One {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        self.0.take().map(|t| seed.deserialize(t)).transpose()
    }
}

/// A map whose keys are `keys`, each value filled by the tracer.
struct Fields {
    keys: &'static [&'static str],
    at: usize,
    tracer: Tracer,
}

impl<'de> MapAccess<'de> for Fields {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        match self.keys.get(self.at) {
            Some(key) => seed.deserialize((*key).into_deserializer()).map(Some),
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let key = self.keys.get(self.at).copied().unwrap_or("");
        self.at += 1;
        let field = if key == "*" { self.tracer.field } else { key };
        seed.deserialize(self.tracer.child(field))
    }
}

/// The maximal example of a kroute type, as kroute writes the whole object.
fn maximal<T: DeserializeOwned>(wrap: fn(T) -> Object) -> Value {
    let filled = T::deserialize(Tracer { field: "", depth: 0 }).expect("the tracer fills every kroute type");
    to_serde(&wrap(filled).to_value())
}

/// kroute's JSON value as serde_json's (through the text, which both write the same way).
fn to_serde(value: &kroute::json::Value) -> Value {
    serde_json::from_str(&value.to_string()).expect("kroute writes JSON")
}

/// serde_json's value as kroute's.
fn from_serde(value: &Value) -> kroute::json::Value {
    kroute::json::from_str(&value.to_string()).expect("serde_json writes JSON")
}

// ------------------------------------------------------------------------------------------
// Comparing JSON by leaf paths

/// Every leaf of a JSON value as `path = value` (`spec.ports[0].port = 1`).
fn leaves(v: &Value) -> BTreeSet<String> {
    fn walk(v: &Value, path: &str, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, v) in m {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(v, &p, out);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                for (i, v) in a.iter().enumerate() {
                    walk(v, &format!("{path}[{i}]"), out);
                }
            }
            leaf => {
                out.insert(format!("{path} = {leaf}"));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(v, "", &mut out);
    out
}

/// Reads `value` with k8s-openapi's `K` and writes it back: `Err` names a field of the wrong
/// type, or the fields k8s-openapi dropped (unknown to the API) and added.
fn through_k8s_openapi<K: DeserializeOwned + Serialize>(value: &Value) -> Result<(), String> {
    let typed: K = serde_path_to_error::deserialize(value)
        .map_err(|e| format!("k8s-openapi cannot read {}: {}", e.path(), e.inner()))?;
    let mut back = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    drop_embedded_type_meta(&mut back);
    if &back == value {
        return Ok(());
    }
    let (ours, theirs) = (leaves(value), leaves(&back));
    Err(format!(
        "unknown to the API (dropped by k8s-openapi): {:#?}\nadded by k8s-openapi: {:#?}",
        ours.difference(&theirs).collect::<Vec<_>>(),
        theirs.difference(&ours).collect::<Vec<_>>()
    ))
}

/// k8s-openapi writes `apiVersion` and `kind` into the claims of a StatefulSet's
/// `volumeClaimTemplates` (each is a whole PersistentVolumeClaim type); the API accepts and
/// does not need them there, and kroute keeps only the claim's metadata.
fn drop_embedded_type_meta(v: &mut Value) {
    if let Some(Value::Array(claims)) = v.pointer_mut("/spec/volumeClaimTemplates") {
        for claim in claims.iter_mut().filter_map(Value::as_object_mut) {
            claim.remove("apiVersion");
            claim.remove("kind");
        }
    }
}

/// kroute reads and writes `value` unchanged.
fn through_kroute(value: &Value) -> Result<(), String> {
    let object = Object::from_value(from_serde(value)).map_err(|e| e.to_string())?;
    let back = to_serde(&object.to_value());
    if &back == value {
        return Ok(());
    }
    let (ours, again) = (leaves(value), leaves(&back));
    Err(format!(
        "kroute lost: {:#?}\nkroute added: {:#?}",
        ours.difference(&again).collect::<Vec<_>>(),
        again.difference(&ours).collect::<Vec<_>>()
    ))
}

// ------------------------------------------------------------------------------------------
// 1. Every field kroute models, for the kinds k8s-openapi has

/// Makes one example.
type Example = fn() -> Value;

/// (kind, the maximal example, the check through k8s-openapi's type).
type Case = (&'static str, Example, fn(&Value) -> Result<(), String>);

const KINDS: &[Case] = &[
    (
        "Namespace",
        || maximal(Object::Namespace),
        through_k8s_openapi::<core::Namespace>,
    ),
    (
        "Node",
        || maximal(Object::Node),
        through_k8s_openapi::<core::Node>,
    ),
    ("Pod", || maximal(Object::Pod), through_k8s_openapi::<core::Pod>),
    (
        "Deployment",
        || maximal(Object::Deployment),
        through_k8s_openapi::<apps::Deployment>,
    ),
    (
        "ReplicaSet",
        || maximal(Object::ReplicaSet),
        through_k8s_openapi::<apps::ReplicaSet>,
    ),
    (
        "StatefulSet",
        || maximal(Object::StatefulSet),
        through_k8s_openapi::<apps::StatefulSet>,
    ),
    (
        "Service",
        || maximal(Object::Service),
        through_k8s_openapi::<core::Service>,
    ),
    (
        "Endpoints",
        || maximal(Object::Endpoints),
        through_k8s_openapi::<core::Endpoints>,
    ),
    (
        "EndpointSlice",
        || maximal(Object::EndpointSlice),
        through_k8s_openapi::<discovery::EndpointSlice>,
    ),
    (
        "Ingress",
        || maximal(Object::Ingress),
        through_k8s_openapi::<net::Ingress>,
    ),
    (
        "IngressClass",
        || maximal(Object::IngressClass),
        through_k8s_openapi::<net::IngressClass>,
    ),
];

#[test]
fn every_field_kroute_models_is_the_apis() {
    let mut failures = Vec::new();
    for (kind, example, check) in KINDS {
        let value = example();
        assert_eq!(value["kind"], *kind);
        // The example really is maximal: a handful of fields per kind at the very least.
        assert!(leaves(&value).len() > 5, "{kind}: {value:#}");
        if let Err(e) = through_kroute(&value).and_then(|()| check(&value)) {
            failures.push(format!("{kind}:\n{e}\n{value:#}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The generated examples do fill every field: a sample of deep ones, per kind.
#[test]
fn the_examples_reach_the_deepest_fields() {
    let cases: &[(Example, &str)] = &[
        (
            || maximal(Object::Pod),
            "spec.initContainers[0].ports[0].hostPort = 1",
        ),
        (
            || maximal(Object::Pod),
            "status.conditions[0].lastTransitionTime = \"2025-01-02T03:04:05Z\"",
        ),
        (
            || maximal(Object::Service),
            "spec.sessionAffinityConfig.clientIP.timeoutSeconds = 1",
        ),
        (
            || maximal(Object::Service),
            "status.loadBalancer.ingress[0].ipMode = \"x\"",
        ),
        (
            || maximal(Object::StatefulSet),
            "spec.selector.matchExpressions[0].values[0] = \"x\"",
        ),
        (
            || maximal(Object::EndpointSlice),
            "endpoints[0].hints.forNodes[0].name = \"x\"",
        ),
        (
            || maximal(Object::Ingress),
            "spec.rules[0].http.paths[0].backend.resource.apiGroup = \"x\"",
        ),
        (
            || maximal(Object::Deployment),
            "metadata.ownerReferences[0].controller = true",
        ),
        (|| maximal(Object::Deployment), "metadata.labels.* = \"x\""),
    ];
    for (example, leaf) in cases {
        assert!(leaves(&example()).contains(*leaf), "{leaf}");
    }
}

// ------------------------------------------------------------------------------------------
// 2. Real manifests

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/fixtures/manifests/");

fn check_object(value: &Value) -> Option<Result<(), String>> {
    let kind = value.get("kind")?.as_str()?;
    KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map(|(_, _, check)| check(value))
}

#[test]
fn every_fixture_object_round_trips_through_k8s_openapi() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(FIXTURES).expect("the fixtures directory") {
        let path = entry.expect("a directory entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a fixture");
        let objects = kroute::manifest::parse_manifests(&text).expect("fixtures parse");
        for o in objects {
            let value = to_serde(&o.object.to_value());
            if let Some(result) = check_object(&value) {
                checked += 1;
                if let Err(e) = result {
                    failures.push(format!("{} {}: {e}", path.display(), o.object.object_ref()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // Every object of a kind k8s-openapi has, over the 18 manifests (none skipped unseen).
    assert_eq!(checked, 176);
}

// ------------------------------------------------------------------------------------------
// 3. The Gateway API kinds, against the reference

/// The JSON type of a leaf.
fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every leaf of `v` under `spec` as `path: type`, sequence indices dropped
/// (`spec.listeners[].port: integer`).
fn spec_fields(v: &Value) -> BTreeSet<String> {
    fn walk(v: &Value, path: &str, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) if !m.is_empty() => {
                for (k, v) in m {
                    walk(v, &format!("{path}.{k}"), out);
                }
            }
            Value::Array(a) if !a.is_empty() => {
                for v in a {
                    walk(v, &format!("{path}[]"), out);
                }
            }
            leaf => {
                out.insert(format!("{path}: {}", json_type(leaf)));
            }
        }
    }
    let mut out = BTreeSet::new();
    if let Some(spec) = v.get("spec") {
        walk(spec, "spec", &mut out);
    }
    out
}

/// The fields of the Gateway API v1 standard channel kroute may model, with their JSON types,
/// from `sigs.k8s.io/gateway-api/apis/v1` (gatewayclass_types.go, gateway_types.go,
/// httproute_types.go, shared_types.go; the reference at
/// https://gateway-api.sigs.k8s.io/reference/spec/). `matchLabels.*` is any label key.
const GATEWAY_API: &[(&str, &[&str])] = &[
    (
        "GatewayClass",
        &[
            "spec.controllerName: string",
            "spec.description: string",
            "spec.parametersRef.group: string",
            "spec.parametersRef.kind: string",
            "spec.parametersRef.name: string",
            "spec.parametersRef.namespace: string",
        ],
    ),
    (
        "Gateway",
        &[
            "spec.gatewayClassName: string",
            "spec.addresses[].type: string",
            "spec.addresses[].value: string",
            "spec.listeners[].name: string",
            "spec.listeners[].hostname: string",
            "spec.listeners[].port: integer",
            "spec.listeners[].protocol: string",
            "spec.listeners[].tls.mode: string",
            "spec.listeners[].tls.certificateRefs[].group: string",
            "spec.listeners[].tls.certificateRefs[].kind: string",
            "spec.listeners[].tls.certificateRefs[].name: string",
            "spec.listeners[].tls.certificateRefs[].namespace: string",
            "spec.listeners[].allowedRoutes.namespaces.from: string",
            "spec.listeners[].allowedRoutes.namespaces.selector.matchLabels.*: string",
            "spec.listeners[].allowedRoutes.namespaces.selector.matchExpressions[].key: string",
            "spec.listeners[].allowedRoutes.namespaces.selector.matchExpressions[].operator: string",
            "spec.listeners[].allowedRoutes.namespaces.selector.matchExpressions[].values[]: string",
            "spec.listeners[].allowedRoutes.kinds[].group: string",
            "spec.listeners[].allowedRoutes.kinds[].kind: string",
        ],
    ),
    (
        "HTTPRoute",
        &[
            "spec.parentRefs[].group: string",
            "spec.parentRefs[].kind: string",
            "spec.parentRefs[].namespace: string",
            "spec.parentRefs[].name: string",
            "spec.parentRefs[].sectionName: string",
            "spec.parentRefs[].port: integer",
            "spec.hostnames[]: string",
            "spec.rules[].name: string",
            "spec.rules[].matches[].path.type: string",
            "spec.rules[].matches[].path.value: string",
            "spec.rules[].matches[].headers[].type: string",
            "spec.rules[].matches[].headers[].name: string",
            "spec.rules[].matches[].headers[].value: string",
            "spec.rules[].matches[].queryParams[].type: string",
            "spec.rules[].matches[].queryParams[].name: string",
            "spec.rules[].matches[].queryParams[].value: string",
            "spec.rules[].matches[].method: string",
            "spec.rules[].backendRefs[].group: string",
            "spec.rules[].backendRefs[].kind: string",
            "spec.rules[].backendRefs[].name: string",
            "spec.rules[].backendRefs[].namespace: string",
            "spec.rules[].backendRefs[].port: integer",
            "spec.rules[].backendRefs[].weight: integer",
            "spec.rules[].timeouts.request: string",
            "spec.rules[].timeouts.backendRequest: string",
        ],
    ),
];

#[test]
fn gateway_api_fields_are_in_the_reference() {
    let examples: [(&str, Value); 3] = [
        ("GatewayClass", maximal(Object::GatewayClass)),
        ("Gateway", maximal(Object::Gateway)),
        ("HTTPRoute", maximal(Object::HttpRoute)),
    ];
    for (kind, value) in &examples {
        assert_eq!(value["kind"], *kind);
        assert_eq!(value["apiVersion"], "gateway.networking.k8s.io/v1");
        through_kroute(value).unwrap_or_else(|e| panic!("{kind}: {e}"));
        let metadata = serde_json::json!({"metadata": value["metadata"]});
        through_k8s_openapi::<MetadataOnly>(&metadata).unwrap_or_else(|e| panic!("{kind} metadata: {e}"));
        let reference = GATEWAY_API
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, fields)| fields.iter().map(|f| f.to_string()).collect::<BTreeSet<_>>())
            .unwrap_or_default();
        let unknown: Vec<_> = spec_fields(value).difference(&reference).cloned().collect();
        assert!(
            unknown.is_empty(),
            "{kind}: not in the Gateway API v1 reference: {unknown:#?}"
        );
        assert!(spec_fields(value).len() >= 2, "{kind}: {value:#}");
    }
}

/// An object reduced to its `metadata`, read with k8s-openapi's `ObjectMeta`.
#[derive(serde::Deserialize, serde::Serialize)]
struct MetadataOnly {
    metadata: ObjectMeta,
}
