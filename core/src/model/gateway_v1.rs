//! `gateway.networking.k8s.io/v1` kinds: GatewayClass, Gateway, HTTPRoute.

use crate::json::ToJson;
use alloc::string::String;
use alloc::vec::Vec;

use super::decode::model_struct;

use super::meta::ObjectMeta;
use crate::selector::LabelSelector;

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct GatewayClass {
        pub metadata: ObjectMeta,
        pub spec: GatewayClassSpec,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct GatewayClassSpec {
        pub controller_name: String = "controllerName",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub description: Option<String>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct Gateway {
        pub metadata: ObjectMeta,
        pub spec: GatewaySpec,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct GatewaySpec {
        pub gateway_class_name: String = "gatewayClassName",
        pub listeners: Vec<Listener>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub addresses: Vec<GatewayAddress>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct Listener {
        pub name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub hostname: Option<String>,
        pub port: i64,
        pub protocol: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub allowed_routes: Option<AllowedRoutes> = "allowedRoutes",
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct AllowedRoutes {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub namespaces: Option<RouteNamespaces>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct RouteNamespaces {
        /// `Same` (default), `All` or `Selector`.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub from: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub selector: Option<LabelSelector>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct GatewayAddress {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub type_: Option<String> = "type",
        pub value: String,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct HttpRoute {
        pub metadata: ObjectMeta,
        pub spec: HttpRouteSpec,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct HttpRouteSpec {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub parent_refs: Vec<ParentReference> = "parentRefs",
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub hostnames: Vec<String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub rules: Vec<HttpRouteRule>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct ParentReference {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub group: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub kind: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub namespace: Option<String>,
        pub name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub section_name: Option<String> = "sectionName",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub port: Option<i64>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct HttpRouteRule {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub matches: Vec<HttpRouteMatch>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub backend_refs: Vec<HttpBackendRef> = "backendRefs",
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct HttpRouteMatch {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub path: Option<HttpPathMatch>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub headers: Vec<HttpHeaderMatch>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub query_params: Vec<HttpQueryParamMatch> = "queryParams",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub method: Option<String>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct HttpPathMatch {
        /// `Exact`, `PathPrefix` (default) or `RegularExpression`.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub type_: Option<String> = "type",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub value: Option<String>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct HttpHeaderMatch {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub type_: Option<String> = "type",
        pub name: String,
        pub value: String,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct HttpQueryParamMatch {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub type_: Option<String> = "type",
        pub name: String,
        pub value: String,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct HttpBackendRef {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub group: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub kind: Option<String>,
        pub name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub namespace: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub port: Option<i64>,
        /// Defaults to 1.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub weight: Option<i64>,
    }
}
