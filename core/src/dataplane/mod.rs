//! The dataplane: compiled routing tables answering route decisions with reasons. Each table is
//! built once from the objects of the stage before (Services and their EndpointSlices,
//! Ingresses and IngressClasses, Gateways and HTTPRoutes) and then answers any number of
//! requests without scanning those objects, every answer carrying the structured reasons — what
//! matched, which candidates lost and why — that a trace shows.

pub mod gateway;
pub mod ingress;
pub mod kube_proxy;
pub mod route;
