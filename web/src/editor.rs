//! The Manifests editor: a textarea with line numbers; the core's errors marked at their lines
//! and listed below with document, line, column, object and field path.

use kroute::manifest::ManifestIssue;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub text: AttrValue,
    pub issues: Vec<ManifestIssue>,
    /// Warnings at lines (dangling references): marked, not blocking.
    #[prop_or_default]
    pub warnings: Vec<ManifestIssue>,
    /// The text is broken and the canvas still shows the last good cluster.
    pub stale: bool,
    pub on_input: Callback<String>,
    pub on_apply: Callback<()>,
}

/// `Line 6, column 9 (document 2) · Service/default/web · spec.ports[0].port: …`
pub fn issue_text(i: &ManifestIssue) -> String {
    let mut s = format!("Line {}, column {} (document {})", i.line, i.column, i.doc + 1);
    if let Some(o) = &i.object {
        s.push_str(&format!(" · {o}"));
    }
    s.push_str(" · ");
    if let Some(p) = i.path.as_ref().filter(|p| !p.as_str().is_empty()) {
        s.push_str(p.as_str());
        s.push_str(": ");
    }
    s.push_str(&i.message);
    s
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let gutter = use_node_ref();
    let lines = props.text.lines().count().max(1) + usize::from(props.text.ends_with('\n'));
    // A line is marked when an issue is at it (a scan: issues are few; a set of lines would
    // be a B-tree instance of its own in the wasm).
    let at = |issues: &[ManifestIssue], n: usize| issues.iter().any(|i| i.line == n);
    let oninput = {
        let cb = props.on_input.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
                cb.emit(t.value());
            }
        })
    };
    let onscroll = {
        let gutter = gutter.clone();
        Callback::from(move |e: Event| {
            if let (Some(t), Some(g)) = (
                e.target_dyn_into::<HtmlTextAreaElement>(),
                gutter.cast::<web_sys::Element>(),
            ) {
                g.set_scroll_top(t.scroll_top());
            }
        })
    };
    let apply = {
        let cb = props.on_apply.clone();
        Callback::from(move |_| cb.emit(()))
    };
    html! {
        <div class="editor">
            <div class="editor-toolbar">
                <button class="primary" onclick={apply}>{ "Apply" }</button>
                if props.stale {
                    <span class="stale" role="status">{ "Not applied: the canvas shows the last good version." }</span>
                } else {
                    <span class="applied" role="status">{ "Applied." }</span>
                }
            </div>
            <div class="editor-body">
                <div class="gutter" ref={gutter} aria-hidden="true">
                    { for (1..=lines).map(|n| html! {
                        <div class={classes!("ln", at(&props.issues, n).then_some("bad"), at(&props.warnings, n).then_some("warn"))}>{ n }</div>
                    }) }
                </div>
                <textarea aria-label="Manifests" spellcheck="false" autocomplete="off"
                    value={props.text.clone()} {oninput} {onscroll} />
            </div>
            if !props.issues.is_empty() {
                <ul class="issues" aria-label="Errors">
                    { for props.issues.iter().map(|i| html! { <li>{ issue_text(i) }</li> }) }
                </ul>
            }
        </div>
    }
}
