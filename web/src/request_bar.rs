//! The request bar: From (the core's list of sources), method, URL, headers, Send.

use kroute::view::SourceChoice;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::state::{source_label, RequestForm};

#[derive(Properties, PartialEq)]
pub struct RequestBarProps {
    pub form: RequestForm,
    pub sources: Vec<SourceChoice>,
    pub on_change: Callback<RequestForm>,
    pub on_send: Callback<()>,
}

pub const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

#[function_component(RequestBar)]
pub fn request_bar(props: &RequestBarProps) -> Html {
    // The current source may not be in the list (a port-forward from an example): show it too.
    let mut options: Vec<(String, kroute::dataplane::route::Source)> = props
        .sources
        .iter()
        .map(|s| (s.label.clone(), s.source.clone()))
        .collect();
    if !options.iter().any(|(_, s)| *s == props.form.from) {
        options.insert(
            0,
            (
                source_label(&props.sources, &props.form.from),
                props.form.from.clone(),
            ),
        );
    }
    let selected = options
        .iter()
        .position(|(_, s)| *s == props.form.from)
        .unwrap_or(0);
    let on_from = {
        let (form, cb, options) = (props.form.clone(), props.on_change.clone(), options.clone());
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() {
                if let Some((_, source)) = usize::try_from(sel.selected_index())
                    .ok()
                    .and_then(|i| options.get(i))
                {
                    cb.emit(RequestForm {
                        from: source.clone(),
                        ..form.clone()
                    });
                }
            }
        })
    };
    let on_method = {
        let (form, cb) = (props.form.clone(), props.on_change.clone());
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target_dyn_into::<HtmlSelectElement>() {
                cb.emit(RequestForm {
                    method: sel.value(),
                    ..form.clone()
                });
            }
        })
    };
    let on_url = {
        let (form, cb) = (props.form.clone(), props.on_change.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<HtmlInputElement>() {
                cb.emit(RequestForm {
                    url: i.value(),
                    ..form.clone()
                });
            }
        })
    };
    let on_headers = {
        let (form, cb) = (props.form.clone(), props.on_change.clone());
        Callback::from(move |e: InputEvent| {
            if let Some(t) = e.target_dyn_into::<HtmlTextAreaElement>() {
                cb.emit(RequestForm {
                    headers: t.value(),
                    ..form.clone()
                });
            }
        })
    };
    let onsubmit = {
        let cb = props.on_send.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            cb.emit(());
        })
    };
    html! {
        <form class="request-bar" aria-label="Request" {onsubmit}>
            <label class="field from">
                <span>{ "From" }</span>
                <select aria-label="From" onchange={on_from}>
                    { for options.iter().enumerate().map(|(i, (label, _))| html! {
                        <option selected={i == selected}>{ label.clone() }</option>
                    }) }
                </select>
            </label>
            <label class="field method">
                <span>{ "Method" }</span>
                <select aria-label="Method" onchange={on_method}>
                    { for METHODS.iter().map(|m| html! {
                        <option selected={*m == props.form.method}>{ *m }</option>
                    }) }
                </select>
            </label>
            <label class="field url">
                <span>{ "URL" }</span>
                <input type="text" aria-label="Request URL" spellcheck="false"
                    placeholder="http://web.default.svc/books or 172.18.0.2:31000/books"
                    value={props.form.url.clone()} oninput={on_url} />
            </label>
            <label class="field headers">
                <span>{ "Headers" }</span>
                <textarea aria-label="Headers" rows="1" spellcheck="false" placeholder="Host: shop.example.com"
                    value={props.form.headers.clone()} oninput={on_headers} />
            </label>
            <button class="primary send" type="submit">{ "Send" }</button>
        </form>
    }
}
