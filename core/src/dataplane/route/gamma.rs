//! GAMMA: HTTPRoutes whose parent is a Service, applied by the client's sidecar (SPEC §7.5).
//!
//! The matching and precedence are the Gateway's (§7.1–7.4), so the Service's Routes are
//! compiled by [`GatewayRouter`] behind a stand-in Gateway: one HTTP listener on the Service
//! port, open to Routes of every namespace, with each Route's Service parentRef rewritten to
//! it. Route `hostnames` do not apply in the mesh (the Service is the frontend) and are
//! cleared. A Route in the Service's namespace is a producer route (every client); a Route in
//! the client's namespace is a consumer route, and when a client's namespace has any, only those
//! apply to it.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::dataplane::gateway::{ClusterFacts, GatewayDecision, GatewayRouter, HttpRequest, RouteInput};
use crate::error::ObjectRef;
use crate::model::{
    AllowedRoutes, Gateway, GatewaySpec, HttpRoute, Listener, ObjectMeta, ParentReference, RouteNamespaces,
    Service,
};
use crate::rng::Choose;

/// The name of the stand-in Gateway's one listener.
pub const MESH_LISTENER: &str = "mesh";

/// A parentRef naming a Service (`group: ""` or `core`, `kind: Service`).
pub fn is_service_parent(parent: &ParentReference) -> bool {
    parent.kind.as_deref() == Some("Service") && matches!(parent.group.as_deref(), Some("") | Some("core"))
}

/// The Routes bound to a Service port for a client in `client_ns`, and whether they are the
/// client's consumer routes.
pub(crate) fn routes_for<'r>(
    routes: &[(&'r HttpRoute, u64)],
    service_ns: &str,
    service: &str,
    port: u16,
    client_ns: &str,
) -> (Vec<(&'r HttpRoute, u64)>, bool) {
    let binds = |r: &HttpRoute| {
        let route_ns = r.metadata.namespace.as_deref().unwrap_or("default");
        r.spec.parent_refs.iter().any(|p| {
            is_service_parent(p)
                && p.name == service
                && p.namespace.as_deref().unwrap_or(route_ns) == service_ns
                && p.port.is_none_or(|want| want == i64::from(port))
        })
    };
    let ns_of = |r: &HttpRoute| {
        r.metadata
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_string())
    };
    let bound: Vec<(&HttpRoute, u64)> = routes.iter().copied().filter(|(r, _)| binds(r)).collect();
    let consumer: Vec<(&HttpRoute, u64)> = bound
        .iter()
        .copied()
        .filter(|(r, _)| ns_of(r) == client_ns && client_ns != service_ns)
        .collect();
    if !consumer.is_empty() {
        return (consumer, true);
    }
    let producer = bound
        .into_iter()
        .filter(|(r, _)| ns_of(r) == service_ns)
        .collect();
    (producer, false)
}

/// Routes the request through the Service's Routes; the decision names the Service as its
/// gateway.
pub(crate) fn decide(
    service: &Service,
    port: u16,
    routes: &[(&HttpRoute, u64)],
    facts: &ClusterFacts<'_>,
    request: &HttpRequest<'_>,
    choose: &mut dyn Choose,
) -> GatewayDecision {
    let ns = service
        .metadata
        .namespace
        .clone()
        .unwrap_or_else(|| "default".to_string());
    let stand_in = Gateway {
        metadata: ObjectMeta {
            name: service.metadata.name.clone(),
            namespace: Some(ns.clone()),
            ..Default::default()
        },
        spec: GatewaySpec {
            gateway_class_name: String::from("mesh"),
            listeners: alloc::vec![Listener {
                name: MESH_LISTENER.to_string(),
                hostname: None,
                port: i64::from(port),
                protocol: "HTTP".to_string(),
                allowed_routes: Some(AllowedRoutes {
                    namespaces: Some(RouteNamespaces {
                        from: Some("All".to_string()),
                        selector: None,
                    }),
                }),
            }],
            ..Default::default()
        },
    };
    let rewritten: Vec<HttpRoute> = routes
        .iter()
        .map(|(r, _)| {
            let mut r = (*r).clone();
            r.spec.hostnames.clear();
            r.spec.parent_refs = alloc::vec![ParentReference {
                group: None,
                kind: None,
                namespace: Some(ns.clone()),
                name: service.metadata.name.clone(),
                section_name: None,
                port: None,
            }];
            r
        })
        .collect();
    let inputs: Vec<RouteInput<'_>> = rewritten
        .iter()
        .zip(routes)
        .map(|(route, (_, created_ms))| RouteInput {
            route,
            created_ms: *created_ms,
        })
        .collect();
    let (router, _) = GatewayRouter::build(&stand_in, &inputs, facts);
    let mut decision = router.route(request, choose);
    decision.reasons.gateway = ObjectRef {
        kind: "Service".into(),
        namespace: Some(ns),
        name: service.metadata.name.clone(),
    };
    decision
}
