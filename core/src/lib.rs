//! # kroute — Kubernetes networking, simulated
//!
//! kroute answers "why did this request land there?" without a cluster. It is a small compiler
//! with one-way data flow (see ARCHITECTURE.md):
//!
//! ```text
//! manifests → model (typed objects) → validation → cluster (store, atomic apply, clock)
//!           → controllers (nodes, workloads, IPAM, EndpointSlices) → dns / dataplane → Trace
//! ```
//!
//! The crate is `no_std` + `alloc`: it does no IO, reads no clock and no ambient randomness (a
//! seed and a simulated clock come in), and never panics on input — bad input is an `Err` that
//! names the object and the field path.
//!
//! ```
//! use kroute::cluster::{Cluster, ClusterConfig};
//! use kroute::json;
//! use kroute::model::Object;
//!
//! let mut cluster = Cluster::new(ClusterConfig::default()).unwrap();
//! let svc = Object::from_value(json!({
//!     "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
//!     "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}
//! })).unwrap();
//! let report = cluster.apply(vec![svc]).unwrap();
//! assert_eq!(report.events[0].object.to_string(), "Service/default/web");
//! ```

#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
// The derives of `kroute-derive` name `::kroute::json`, here as in other crates.
extern crate self as kroute;
#[cfg(feature = "std")]
extern crate std;

pub mod cluster;
pub mod collections;
pub mod controllers;
pub mod dataplane;
pub mod dns;
pub mod endpoints;
pub mod error;
pub mod examples;
pub mod ipam;
pub mod json;
#[cfg(feature = "yaml")]
pub mod manifest;
pub mod model;
pub mod rng;
pub mod selector;
pub mod sort;
pub mod validation;
pub mod view;
#[cfg(feature = "yaml")]
pub(crate) mod yaml;

pub use cluster::{ApplyError, ChangeReport, Cluster, ClusterConfig};

/// The README's examples, compiled and run as doctests so they cannot drift.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
mod readme {}
pub use error::{FieldError, FieldPath, ObjectError, ObjectRef};
pub use model::{Kind, Object};
