//! The kroute playground's front end.
//!
//! Components draw what the `kroute` core computes and hold no Kubernetes semantics of their
//! own: when a pane needs to know whether a selector matches, the core answers.

pub mod app;
pub mod codec;
pub mod layout;
pub mod state;
