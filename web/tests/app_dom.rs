//! The app mounted in a real browser (headless Chromium via wasm-bindgen-test-runner): what a
//! visitor sees and does, checked in the DOM. Run by `cargo xtask test`; compiled only for
//! wasm32.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web::app::{App, TAGLINE};
use web::storage::STORE_KEY;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a browser document")
}

/// Mounts a fresh app (with an empty store) into its own <div> and waits until it rendered.
async fn mount() -> Element {
    if let Some(store) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        store.remove_item(STORE_KEY).expect("clear the store");
    }
    let root = document().create_element("div").expect("create <div>");
    document()
        .body()
        .expect("a <body>")
        .append_child(&root)
        .expect("append root");
    yew::Renderer::<App>::with_root(root.clone()).render();
    yew::scheduler::flush().await;
    root
}

fn texts(root: &Element, selector: &str) -> Vec<String> {
    let nodes = root.query_selector_all(selector).expect("a valid selector");
    (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .map(|node| node.text_content().unwrap_or_default().trim().to_owned())
        .collect()
}

fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .expect("a valid selector")
        .unwrap_or_else(|| panic!("no {selector}"))
}

/// The button whose text is `label` (or starts with it, for `label…`).
fn button(root: &Element, label: &str) -> HtmlElement {
    let nodes = root.query_selector_all("button").expect("buttons");
    let wanted = |text: &str| match label.strip_suffix('…') {
        Some(prefix) => text.starts_with(prefix),
        None => text == label,
    };
    (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
        .find(|b| wanted(b.text_content().unwrap_or_default().trim()))
        .unwrap_or_else(|| panic!("no button {label}"))
}

async fn type_manifests(root: &Element, text: &str) {
    let area: HtmlTextAreaElement = find(root, "textarea[aria-label='Manifests']")
        .dyn_into()
        .expect("a textarea");
    area.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).expect("an input event");
    area.dispatch_event(&event).expect("dispatch");
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn a_first_visit_shows_the_seed_example_and_routes_it() {
    let root = mount().await;
    assert_eq!(texts(&root, "h1"), ["kroute"]);
    assert_eq!(texts(&root, ".tagline"), [TAGLINE]);
    // The canvas draws the first example's nodes and pods, from the core.
    let titles = texts(&root, "svg .item.node .title");
    assert_eq!(titles, ["node-1", "node-2", "node-3"]);
    assert_eq!(texts(&root, "svg .item.pod").len(), 3);
    // Send the suggested request: the trace names a books pod and its hops.
    button(&root, "Send").click();
    yew::scheduler::flush().await;
    let verdict = texts(&root, "section[aria-label='Trace'] .verdict");
    assert!(
        verdict[0].starts_with("Delivered to Pod/default/books-"),
        "{verdict:?}"
    );
    let hops = texts(&root, ".hop-title");
    assert_eq!(hops.len(), 6, "{hops:?}");
    assert!(hops[3].starts_with("4kube-proxy on node-1"), "{hops:?}");
}

#[wasm_bindgen_test]
async fn broken_yaml_shows_its_line_and_keeps_the_last_cluster() {
    let root = mount().await;
    let bad = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ports:\n  - port: 70000\n";
    type_manifests(&root, bad).await;
    button(&root, "Apply").click();
    yew::scheduler::flush().await;
    let issues = texts(&root, ".issues li");
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(issues[0].starts_with("Line 6, column"), "{issues:?}");
    assert!(issues[0].contains("spec.ports[0].port"), "{issues:?}");
    assert_eq!(texts(&root, ".gutter .ln.bad"), ["6"]);
    // The last good cluster is still drawn.
    assert_eq!(texts(&root, "svg .item.pod").len(), 3);
    assert_eq!(texts(&root, ".stale").len(), 1);
}

#[wasm_bindgen_test]
async fn examples_load_and_selecting_a_service_explains_its_selector() {
    let root = mount().await;
    button(&root, "Examples").click();
    yew::scheduler::flush().await;
    let items = texts(&root, "[role='menuitem'] .menu-title");
    assert_eq!(items.len(), kroute::examples::examples().len());
    button(&root, "StatefulSet: web-0.nginx…").click();
    yew::scheduler::flush().await;
    let objects_tab = button(&root, "Objects");
    objects_tab.click();
    yew::scheduler::flush().await;
    button(&root, "nginx").click();
    yew::scheduler::flush().await;
    assert_eq!(texts(&root, ".inspected"), ["Service/default/nginx"]);
    // Term by term: the client pod fails app=nginx, the StatefulSet's pods pass.
    let rows = texts(&root, ".terms tbody tr");
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(
        rows.iter().any(|r| r.starts_with("client") && r.ends_with('✗')),
        "{rows:?}"
    );
    assert_eq!(
        rows.iter()
            .filter(|r| r.starts_with("web-") && r.ends_with('✓'))
            .count(),
        3,
        "{rows:?}"
    );
}
