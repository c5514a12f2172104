//! The Inspector: what the core says about the selected object (`kroute::view::inspect`).

use std::rc::Rc;

use kroute::view::{inspect, Detail, Inspection};
use kroute::{Kind, ObjectRef};
use yew::prelude::*;

use crate::state::Snapshot;

#[derive(Properties)]
pub struct InspectorProps {
    pub snapshot: Option<Rc<Snapshot>>,
    pub selected: Option<ObjectRef>,
    pub on_select: Callback<ObjectRef>,
    pub on_delete: Callback<ObjectRef>,
}

impl PartialEq for InspectorProps {
    fn eq(&self, other: &Self) -> bool {
        self.selected == other.selected
            && match (&self.snapshot, &other.snapshot) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

fn link(r: &ObjectRef, on_select: &Callback<ObjectRef>) -> Html {
    let (r2, cb) = (r.clone(), on_select.clone());
    html! { <button class="link" onclick={Callback::from(move |_| cb.emit(r2.clone()))}>{ r.to_string() }</button> }
}

fn detail(i: &Inspection, on_select: &Callback<ObjectRef>) -> Html {
    match &i.detail {
        Detail::Service(s) => {
            let svc = &s.service;
            html! {
                <>
                    <dl>
                        <dt>{ "Type" }</dt><dd>{ &svc.type_ }</dd>
                        <dt>{ "ClusterIP" }</dt><dd>{ svc.cluster_ip.clone().unwrap_or_else(|| if svc.headless { "None (headless)".into() } else { "—".into() }) }</dd>
                        <dt>{ "Ports" }</dt>
                        <dd>{ for svc.ports.iter().map(|p| html! {
                            <div>{ format!("{} {}/{} → {}{}", p.name, p.port, p.protocol, p.target_port,
                                p.node_port.map(|n| format!(" (nodePort {n})")).unwrap_or_default()) }</div>
                        }) }</dd>
                        <dt>{ "Selector" }</dt><dd><code>{ svc.selector.clone().unwrap_or_else(|| "none".into()) }</code></dd>
                    </dl>
                    if !s.pods.is_empty() {
                        <h3>{ "Selector, term by term" }</h3>
                        <table class="terms">
                            <thead><tr><th>{ "Pod" }</th>
                                { for s.pods.first().into_iter().flat_map(|p| p.explanation.terms.iter()).map(|t| html! { <th><code>{ &t.term }</code></th> }) }
                                <th>{ "Selected" }</th></tr></thead>
                            <tbody>
                                { for s.pods.iter().map(|p| html! {
                                    <tr class={classes!(p.explanation.matched.then_some("yes"))}>
                                        <td>{ &p.pod }</td>
                                        { for p.explanation.terms.iter().map(|t| html! {
                                            <td title={serde_json::to_value(&t.reason).map(|v| v.to_string()).unwrap_or_default()}>{ if t.matched { "✓" } else { "✗" } }</td>
                                        }) }
                                        <td>{ if p.explanation.matched { "✓" } else { "✗" } }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    }
                    <h3>{ format!("EndpointSlices ({})", s.slices.len()) }</h3>
                    { for s.slices.iter().map(|sl| html! {
                        <div class="slice">
                            <div class="slice-name">{ format!("{} · {} · {}", sl.name, sl.address_type, sl.ports.join(", ")) }</div>
                            <ul>{ for sl.endpoints.iter().map(|e| html! {
                                <li class={classes!((!e.ready).then_some("notready"))}>
                                    { format!("{} {} {} ready={} serving={} terminating={}", e.address,
                                        e.pod.clone().unwrap_or_default(), e.node.clone().unwrap_or_default(),
                                        e.ready, e.serving, e.terminating) }
                                </li>
                            }) }</ul>
                        </div>
                    }) }
                    <h3>{ "DNS" }</h3>
                    <ul class="dns">{ for s.dns.iter().map(|a| html! {
                        <li><code>{ &a.query }</code>{ " → " }{
                            if a.records.is_empty() { "NXDOMAIN".to_owned() } else {
                                a.records.iter().map(|r| serde_json::to_value(r).ok()
                                    .and_then(|v| v.get("ip").or(v.get("target")).and_then(|x| x.as_str()).map(str::to_owned))
                                    .unwrap_or_default()).collect::<Vec<_>>().join(", ")
                            }
                        }</li>
                    }) }</ul>
                </>
            }
        }
        Detail::Pod { state, services, dns } => html! {
            <dl>
                <dt>{ "State" }</dt><dd>{ state.as_str() }</dd>
                <dt>{ "Selected by" }</dt>
                <dd>
                    if services.is_empty() { { "no Service" } }
                    { for services.iter().map(|s| link(s, on_select)) }
                </dd>
                <dt>{ "DNS" }</dt><dd>{ for dns.iter().map(|d| html! { <div><code>{ d }</code></div> }) }</dd>
            </dl>
        },
        Detail::StatefulSet { identities } => html! {
            <table class="identities">
                <thead><tr><th>{ "Ordinal" }</th><th>{ "Pod" }</th><th>{ "Stable DNS name" }</th><th>{ "Exists" }</th></tr></thead>
                <tbody>{ for identities.iter().map(|id| html! {
                    <tr><td>{ id.ordinal }</td><td>{ &id.pod }</td><td><code>{ id.dns_name.clone().unwrap_or_default() }</code></td>
                        <td>{ if id.exists { "✓" } else { "—" } }</td></tr>
                }) }</tbody>
            </table>
        },
        Detail::Other => html! {},
    }
}

#[function_component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    let found = match (&props.snapshot, &props.selected) {
        (Some(snap), Some(sel)) => Kind::parse(&sel.kind)
            .and_then(|k| inspect(&snap.cluster, k, sel.namespace.as_deref(), &sel.name)),
        _ => None,
    };
    html! {
        <div class="inspector">
            { match found {
                None => html! { <p class="hint">{ "Select an object on the canvas or in the Objects tab." }</p> },
                Some(i) => html! {
                    <>
                        <div class="inspected-head">
                            <h3 class="inspected">{ i.object.to_string() }</h3>
                            <button onclick={{
                                let (cb, r) = (props.on_delete.clone(), i.object.clone());
                                Callback::from(move |_| cb.emit(r.clone()))
                            }}>{ "Delete" }</button>
                        </div>
                        { detail(&i, &props.on_select) }
                        <details><summary>{ "Object" }</summary>
                            <pre>{ serde_json::to_string_pretty(&i.json).unwrap_or_default() }</pre>
                        </details>
                    </>
                },
            } }
        </div>
    }
}
