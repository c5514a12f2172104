//! The app mounted in a real browser (headless Chromium via wasm-bindgen-test-runner): checks
//! what a visitor sees in the DOM. Run by `cargo xtask test`; compiled only for wasm32.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web::app::{default_nodes, nodes_caption, App, PANES, TAGLINE};
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts a fresh app into its own <div> and waits until Yew has rendered it.
async fn mount() -> Element {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a browser document");
    let root = document.create_element("div").expect("create <div>");
    document
        .body()
        .expect("a <body>")
        .append_child(&root)
        .expect("append root");
    yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    root
}

/// The trimmed text of every element under `root` matching `selector`, in document order.
fn texts(root: &Element, selector: &str) -> Vec<String> {
    let nodes = root.query_selector_all(selector).expect("a valid selector");
    (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .map(|node| node.text_content().unwrap_or_default().trim().to_owned())
        .collect()
}

#[wasm_bindgen_test]
async fn renders_what_a_visitor_should_see() {
    let root = mount().await;
    let pane_titles: Vec<String> = PANES.iter().map(|p| p.title.to_owned()).collect();
    // (selector, expected texts in order)
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("h1", vec!["kroute".to_owned()]),
        (".tagline", vec![TAGLINE.to_owned()]),
        (".pane h2", pane_titles),
        (".nodes caption", vec![nodes_caption(3)]),
        (
            ".nodes tbody td:first-child",
            vec!["node-1".to_owned(), "node-2".to_owned(), "node-3".to_owned()],
        ),
    ];
    for (selector, expected) in cases {
        assert_eq!(texts(&root, selector), expected, "selector {selector}");
    }
}

#[wasm_bindgen_test]
async fn shows_the_cores_nodes_and_says_what_is_not_built() {
    let root = mount().await;
    // Every cell of the nodes table comes from the core, compiled to wasm in this page.
    let cells = texts(&root, ".nodes tbody td");
    let expected: Vec<String> = default_nodes()
        .iter()
        .flat_map(|n| {
            [
                n.name.clone(),
                n.internal_ip.clone().unwrap_or_default(),
                n.pod_cidr.clone().unwrap_or_default(),
                n.zone.clone().unwrap_or_default(),
            ]
        })
        .collect();
    assert_eq!(cells, expected);
    assert_eq!(cells[1], "172.18.0.2");
    assert_eq!(texts(&root, ".pane .not-yet"), vec!["Not built yet."; 2]);
    let early = texts(&root, ".early");
    assert_eq!(early.len(), 1);
    assert!(early[0].contains("routing requests come next"), "{early:?}");
}

#[wasm_bindgen_test]
async fn panes_are_labelled_for_assistive_technology() {
    let root = mount().await;
    let sections = root.query_selector_all("section.pane").expect("a valid selector");
    let labels: Vec<String> = (0..sections.length())
        .filter_map(|i| sections.item(i))
        .filter_map(|node| wasm_bindgen::JsCast::dyn_into::<Element>(node).ok())
        .filter_map(|el| el.get_attribute("aria-label"))
        .collect();
    let titles: Vec<String> = PANES.iter().map(|p| p.title.to_owned()).collect();
    assert_eq!(labels, titles);
}
