//! The dataplane: compiled routing tables that answer route decisions with their reasons.

pub mod gateway;
pub mod kube_proxy;
