//! The kroute playground's front end.
//!
//! Components draw what the `kroute` core computes and hold no Kubernetes semantics of their
//! own: when a pane needs to know whether a selector matches, the core answers.

pub mod app;
pub mod canvas;
pub mod clock;
pub mod clock_view;
pub mod codec;
pub mod editor;
pub mod export_canvas;
pub mod history;
pub mod inspector;
pub mod layout;
pub mod lifecycle_view;
pub mod request_bar;
pub mod shortcuts;
pub mod slices_lab;
pub mod slices_view;
pub mod state;
pub mod storage;
pub mod theme;
pub mod trace_view;
pub mod traffic_view;
