//! `networking.k8s.io/v1` kinds: Ingress, IngressClass.

use crate::json::ToJson;
use alloc::string::String;
use alloc::vec::Vec;

use super::decode::model_struct;

use super::meta::ObjectMeta;

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct Ingress {
        pub metadata: ObjectMeta,
        pub spec: IngressSpec,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct IngressSpec {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub ingress_class_name: Option<String> = "ingressClassName",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub default_backend: Option<IngressBackend> = "defaultBackend",
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub tls: Vec<IngressTls>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub rules: Vec<IngressRule>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct IngressTls {
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub hosts: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub secret_name: Option<String> = "secretName",
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct IngressRule {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub host: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub http: Option<HttpIngressRuleValue>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct HttpIngressRuleValue {
        pub paths: Vec<HttpIngressPath>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct HttpIngressPath {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub path: Option<String>,
        /// Required in v1; `None` is a validation error.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub path_type: Option<String> = "pathType",
        pub backend: IngressBackend,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct IngressBackend {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub service: Option<IngressServiceBackend>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub resource: Option<TypedLocalObjectReference>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct IngressServiceBackend {
        pub name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub port: Option<ServiceBackendPort>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct ServiceBackendPort {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub number: Option<i64>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct TypedLocalObjectReference {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub api_group: Option<String> = "apiGroup",
        pub kind: String,
        pub name: String,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct IngressClass {
        pub metadata: ObjectMeta,
        pub spec: IngressClassSpec,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct IngressClassSpec {
        pub controller: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub parameters: Option<IngressClassParameters>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct IngressClassParameters {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub api_group: Option<String> = "apiGroup",
        pub kind: String,
        pub name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub scope: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub namespace: Option<String>,
    }
}
