//! Validation as the API server does it: one function per kind, each returning every broken rule
//! with its field path. Stateless: rules that need the rest of the cluster (a free ClusterIP, an
//! existing namespace) are checked at apply time by the store's admission step.
//!
//! Sources: `pkg/apis/core/validation/validation.go`, `pkg/apis/apps/validation`,
//! `pkg/apis/networking/validation`, apimachinery `pkg/util/validation` (SPEC §1.1, §2.2, §6.1).

pub mod names;

mod core_v1;
mod gateway;
mod meta;
mod networking;
mod workloads;

#[cfg(test)]
mod tests;

use alloc::vec::Vec;

use crate::error::{FieldError, ObjectError};
use crate::model::Object;

pub use meta::NameRule;
pub use workloads::parse_percent as parse_percent_public;

/// Every rule the object breaks; empty when it is valid.
pub fn validate_object(object: &Object) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let rule = match object {
        Object::Namespace(_) => NameRule::Dns1123Label,
        Object::Service(_) => NameRule::Dns1035Label,
        Object::StatefulSet(_) => NameRule::Dns1123Label,
        _ => NameRule::Dns1123Subdomain,
    };
    if let Some(kind) = object.kind() {
        meta::validate_object_meta(object.metadata(), kind.is_namespaced(), rule, &mut errs);
    }
    match object {
        Object::Namespace(_) | Object::Other(_) => {}
        Object::Node(n) => core_v1::validate_node(n, &mut errs),
        Object::Pod(p) => core_v1::validate_pod(p, &mut errs),
        Object::Service(s) => core_v1::validate_service(s, &mut errs),
        Object::Endpoints(e) => core_v1::validate_endpoints(e, &mut errs),
        Object::EndpointSlice(s) => core_v1::validate_endpoint_slice(s, &mut errs),
        Object::Deployment(d) => workloads::validate_deployment(d, &mut errs),
        Object::ReplicaSet(r) => workloads::validate_replica_set(r, &mut errs),
        Object::StatefulSet(s) => workloads::validate_stateful_set(s, &mut errs),
        Object::Ingress(i) => networking::validate_ingress(i, &mut errs),
        Object::IngressClass(c) => networking::validate_ingress_class(c, &mut errs),
        Object::GatewayClass(c) => gateway::validate_gateway_class(c, &mut errs),
        Object::Gateway(g) => gateway::validate_gateway(g, &mut errs),
        Object::HttpRoute(r) => gateway::validate_http_route(r, &mut errs),
    }
    errs
}

/// [`validate_object`] packaged as an error naming the object.
pub fn check_object(object: &Object, index: Option<usize>) -> Result<(), ObjectError> {
    let errors = validate_object(object);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ObjectError {
            object: object.object_ref(),
            index,
            errors,
        })
    }
}
