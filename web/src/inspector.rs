//! The Inspector: what the core says about the selected object (`kroute::view::inspect`).

use std::rc::Rc;

use kroute::manifest::draw::Edit;
use kroute::view::{inspect, Detail, Inspection};
use kroute::{Kind, ObjectRef};
use yew::prelude::*;

use crate::state::Workspace;

/// Rows listed per table or list (pods of a selector, slices, endpoints of a slice): a Service
/// of 10,000 pods would otherwise be 20,000 rows (a second to draw); the rest is counted.
pub const LISTED: usize = 25;

#[derive(Properties)]
pub struct InspectorProps {
    /// What the core says about the selected object (see [`inspection`]).
    pub inspection: Rc<Option<Inspection>>,
    pub on_select: Callback<ObjectRef>,
    /// Edits of the text: Delete, and the fields changed here.
    pub on_edit: Callback<Edit>,
}

impl PartialEq for InspectorProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.inspection, &other.inspection)
    }
}

/// The selected object as the core inspects it in the workspace's cluster (`None`: nothing
/// selected, or no such object).
pub fn inspection(w: &Workspace) -> Option<Inspection> {
    let snap = w.snapshot.as_ref()?;
    let sel = w.selected.as_ref()?;
    inspect(
        &snap.cluster,
        Kind::parse(&sel.kind)?,
        sel.namespace.as_deref(),
        &sel.name,
    )
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
                                { for s.pods.iter().take(LISTED).map(|p| html! {
                                    <tr class={classes!(p.explanation.matched.then_some("yes"))}>
                                        <td>{ &p.pod }</td>
                                        { for p.explanation.terms.iter().map(|t| html! {
                                            <td title={kroute::json::ToJson::to_json(&t.reason).to_string()}>{ if t.matched { "✓" } else { "✗" } }</td>
                                        }) }
                                        <td>{ if p.explanation.matched { "✓" } else { "✗" } }</td>
                                    </tr>
                                }) }
                                if s.pods.len() > LISTED {
                                    <tr><td colspan="99">{ format!("… and {} more pods", s.pods.len() - LISTED) }</td></tr>
                                }
                            </tbody>
                        </table>
                    }
                    <h3>{ format!("EndpointSlices ({})", s.slices.len()) }</h3>
                    { for s.slices.iter().take(LISTED).map(|sl| html! {
                        <div class="slice">
                            <div class="slice-name">{ format!("{} · {} · {}", sl.name, sl.address_type, sl.ports.join(", ")) }</div>
                            <ul>{ for sl.endpoints.iter().take(LISTED).map(|e| html! {
                                <li class={classes!((!e.ready).then_some("notready"))}>
                                    { format!("{} {} {} ready={} serving={} terminating={}", e.address,
                                        e.pod.clone().unwrap_or_default(), e.node.clone().unwrap_or_default(),
                                        e.ready, e.serving, e.terminating) }
                                </li>
                            }) }
                            if sl.endpoints.len() > LISTED {
                                <li>{ format!("… and {} more endpoints", sl.endpoints.len() - LISTED) }</li>
                            }</ul>
                        </div>
                    }) }
                    if s.slices.len() > LISTED {
                        <p>{ format!("… and {} more slices", s.slices.len() - LISTED) }</p>
                    }
                    <h3>{ "DNS" }</h3>
                    <ul class="dns">{ for s.dns.iter().map(|a| html! {
                        <li><code>{ &a.query }</code>{ " → " }{
                            if a.records.is_empty() { "NXDOMAIN".to_owned() } else {
                                a.records.iter().map(|r| {
                                    let v = kroute::json::ToJson::to_json(r);
                                    v.get("ip").or(v.get("target")).and_then(|x| x.as_str()).unwrap_or_default().to_owned()
                                }).collect::<Vec<_>>().join(", ")
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

/// `k=v,k2=v2`, in key order.
fn map_text(v: Option<&kroute::json::Value>) -> String {
    v.and_then(|v| v.as_object())
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

/// An input that, when changed (Enter or leaving it), sets `path` of the object to what
/// `parse` makes of the text; a text the core refuses is shown as an error beside it.
fn field_input(
    label: &'static str,
    current: String,
    object: &ObjectRef,
    path: &'static [&'static str],
    parse: fn(&str) -> Result<kroute::json::Value, String>,
    on_edit: &Callback<Edit>,
) -> Html {
    let (cb, object) = (on_edit.clone(), object.clone());
    let onchange = Callback::from(move |e: Event| {
        let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else {
            return;
        };
        match parse(&input.value()) {
            Ok(value) => {
                input.set_custom_validity("");
                cb.emit(Edit::SetField {
                    object: object.clone(),
                    path: path.iter().map(|p| (*p).to_owned()).collect(),
                    value,
                });
            }
            Err(why) => {
                input.set_custom_validity(&why);
                let _ = input.report_validity();
            }
        }
    });
    html! {
        <label class="field-edit">
            <span>{ label }</span>
            <input type="text" aria-label={label} value={current} {onchange} spellcheck="false" />
        </label>
    }
}

fn labels_value(text: &str) -> Result<kroute::json::Value, String> {
    let map = kroute::selector::equality_map(text).map_err(|e| e.to_string())?;
    let mut object = kroute::json::Map::new();
    object.extend(map.into_iter().map(|(k, v)| (k, kroute::json::Value::String(v))));
    Ok(kroute::json::Value::Object(object))
}

fn replicas_value(text: &str) -> Result<kroute::json::Value, String> {
    text.trim()
        .parse::<u32>()
        .map(kroute::json::Value::from)
        .map_err(|_| "replicas is a whole number".to_owned())
}

fn service_type_value(text: &str) -> Result<kroute::json::Value, String> {
    let t = text.trim();
    if kroute::model::ServiceType::parse(t).is_some() {
        Ok(kroute::json::Value::from(t))
    } else {
        Err("ClusterIP, NodePort, LoadBalancer or ExternalName".to_owned())
    }
}

/// The fields the inspector edits, for the kinds that have them.
fn fields(i: &Inspection, on_edit: &Callback<Edit>) -> Html {
    let obj = &i.object;
    let spec = i.json.get("spec");
    let labels = field_input(
        "Labels",
        map_text(i.json.get("metadata").and_then(|m| m.get("labels"))),
        obj,
        &["metadata", "labels"],
        labels_value,
        on_edit,
    );
    let extra = match obj.kind.as_str() {
        "Service" => html! {
            <>
                { field_input("Type", spec.and_then(|s| s.get("type")).and_then(|t| t.as_str()).unwrap_or("ClusterIP").to_owned(),
                    obj, &["spec", "type"], service_type_value, on_edit) }
                { field_input("Selector", map_text(spec.and_then(|s| s.get("selector"))), obj, &["spec", "selector"], labels_value, on_edit) }
            </>
        },
        "Deployment" | "StatefulSet" | "ReplicaSet" => field_input(
            "Replicas",
            spec.and_then(|s| s.get("replicas"))
                .and_then(|r| r.as_i64())
                .unwrap_or(1)
                .to_string(),
            obj,
            &["spec", "replicas"],
            replicas_value,
            on_edit,
        ),
        _ => html! {},
    };
    html! { <div class="fields">{ labels }{ extra }</div> }
}

#[function_component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    html! {
        <div class="inspector">
            { match props.inspection.as_ref() {
                None => html! { <p class="hint">{ "Select an object on the canvas or in the Objects tab." }</p> },
                Some(i) => html! {
                    <>
                        <div class="inspected-head">
                            <h3 class="inspected">{ i.object.to_string() }</h3>
                            <button onclick={{
                                let (cb, r) = (props.on_edit.clone(), i.object.clone());
                                Callback::from(move |_| cb.emit(Edit::Delete { object: r.clone() }))
                            }}>{ "Delete" }</button>
                        </div>
                        { fields(i, &props.on_edit) }
                        { detail(i, &props.on_select) }
                        <details><summary>{ "Object" }</summary>
                            <pre>{ kroute::json::to_string_pretty(&i.json) }</pre>
                        </details>
                    </>
                },
            } }
        </div>
    }
}
