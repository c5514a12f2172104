//! The dataplane: compiled routing tables answering route decisions with reasons. Each table is
//! built once from the objects of the stage before (Ingresses and IngressClasses, …) and then
//! answers any number of requests without scanning those objects, every answer carrying the
//! structured reasons — what matched, which candidates lost and why — that a trace shows.

pub mod ingress;
