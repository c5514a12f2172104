//! The kroute playground's front end.
//!
//! Components draw what the `kroute` core computes and hold no Kubernetes semantics of their
//! own: when a pane needs to know whether a selector matches, the core answers.

pub mod app;
pub mod canvas;
pub mod codec;
pub mod editor;
pub mod inspector;
pub mod layout;
pub mod request_bar;
pub mod slices_lab;
pub mod slices_view;
pub mod state;
pub mod storage;
pub mod trace_view;
pub mod traffic_view;
