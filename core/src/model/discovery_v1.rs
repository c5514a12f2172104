//! `discovery.k8s.io/v1` EndpointSlice.

use crate::json::ToJson;
use alloc::string::String;
use alloc::vec::Vec;

use super::decode::model_struct;

use super::meta::{ObjectMeta, ObjectReference};

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct EndpointSlice {
        pub metadata: ObjectMeta,
        pub address_type: String = "addressType",
        pub endpoints: Vec<Endpoint>,
        pub ports: Vec<EndpointSlicePort>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct Endpoint {
        pub addresses: Vec<String>,
        pub conditions: EndpointConditions,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub hostname: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub node_name: Option<String> = "nodeName",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub zone: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub target_ref: Option<ObjectReference> = "targetRef",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub hints: Option<EndpointHints>,
    }
}

model_struct! {
    /// Each condition is optional on the wire; consumers read nil as ready = true, serving = true,
    /// terminating = false (SPEC §2.13).
    #[derive(Clone, Debug, Default, PartialEq, Eq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct EndpointConditions {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub ready: Option<bool>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub serving: Option<bool>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub terminating: Option<bool>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct EndpointHints {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub for_zones: Vec<NamedHint> = "forZones",
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub for_nodes: Vec<NamedHint> = "forNodes",
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Eq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct NamedHint {
        pub name: String,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, Eq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct EndpointSlicePort {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub port: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub protocol: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub app_protocol: Option<String> = "appProtocol",
    }
}
