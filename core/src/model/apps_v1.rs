//! `apps/v1` kinds: Deployment, ReplicaSet, StatefulSet.

use crate::json::ToJson;
use alloc::string::String;
use alloc::vec::Vec;

use super::decode::model_struct;

use super::core_v1::PodTemplateSpec;
use super::meta::{IntOrString, ObjectMeta};
use crate::selector::LabelSelector;

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct Deployment {
        pub metadata: ObjectMeta,
        pub spec: DeploymentSpec,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct DeploymentSpec {
        /// Defaults to 1.
        #[serde(skip_serializing_if = "Option::is_none")]
        pub replicas: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub selector: Option<LabelSelector>,
        pub template: PodTemplateSpec,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub min_ready_seconds: Option<i64> = "minReadySeconds",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub strategy: Option<DeploymentStrategy>,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct DeploymentStrategy {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub type_: Option<String> = "type",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub rolling_update: Option<RollingUpdateDeployment> = "rollingUpdate",
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct RollingUpdateDeployment {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub max_surge: Option<IntOrString> = "maxSurge",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub max_unavailable: Option<IntOrString> = "maxUnavailable",
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct ReplicaSet {
        pub metadata: ObjectMeta,
        pub spec: ReplicaSetSpec,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct ReplicaSetSpec {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub replicas: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub selector: Option<LabelSelector>,
        pub template: PodTemplateSpec,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub min_ready_seconds: Option<i64> = "minReadySeconds",
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct StatefulSet {
        pub metadata: ObjectMeta,
        pub spec: StatefulSetSpec,
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct StatefulSetSpec {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub replicas: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub selector: Option<LabelSelector>,
        pub template: PodTemplateSpec,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub service_name: Option<String> = "serviceName",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub pod_management_policy: Option<String> = "podManagementPolicy",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub update_strategy: Option<StatefulSetUpdateStrategy> = "updateStrategy",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub ordinals: Option<StatefulSetOrdinals>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        pub volume_claim_templates: Vec<PersistentVolumeClaimTemplate> = "volumeClaimTemplates",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub min_ready_seconds: Option<i64> = "minReadySeconds",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub revision_history_limit: Option<i64> = "revisionHistoryLimit",
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct StatefulSetUpdateStrategy {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub type_: Option<String> = "type",
        #[serde(skip_serializing_if = "Option::is_none")]
        pub rolling_update: Option<RollingUpdateStatefulSet> = "rollingUpdate",
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct RollingUpdateStatefulSet {
        #[serde(skip_serializing_if = "Option::is_none")]
        pub partition: Option<i64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub max_unavailable: Option<IntOrString> = "maxUnavailable",
    }
}

model_struct! {
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct StatefulSetOrdinals {
        pub start: i64,
    }
}

model_struct! {
    /// Only the claim's name matters here: it names the PVCs (`<claim>-<sts>-<ordinal>`).
    #[derive(Clone, Debug, Default, PartialEq, ToJson, serde::Deserialize)]
    #[serde(default)]
    pub struct PersistentVolumeClaimTemplate {
        pub metadata: ObjectMeta,
    }
}
