//! The traffic generator's panel: rate, clients, start/pause/reset, and a histogram of hits per
//! outcome (pod) and per node, each beside the share the core says it should get.

use yew::prelude::*;

use crate::layout::coord;
use crate::state::Traffic;
use kroute::sort::SharedSort;

/// Requests per second the generator offers.
pub const RATES: [u32; 4] = [5, 20, 50, 200];

#[derive(Properties, PartialEq)]
pub struct TrafficProps {
    pub traffic: Option<Traffic>,
    pub running: bool,
    pub rate: u32,
    pub clients: u32,
    pub on_toggle: Callback<()>,
    pub on_reset: Callback<()>,
    pub on_rate: Callback<u32>,
    pub on_clients: Callback<u32>,
}

fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// One bar: observed share as the bar, expected share as a tick.
fn bar(label: &str, hits: u32, total: u32, expected: Option<f64>) -> Html {
    let observed = if total == 0 {
        0.0
    } else {
        f64::from(hits) / f64::from(total)
    };
    let width = coord(observed * 300.0);
    html! {
        <li class="bar">
            <span class="bar-label">{ label.to_owned() }</span>
            <svg class="bar-svg" viewBox="0 0 300 14" role="img" aria-label={format!("{label}: {hits} hits")}>
                <rect class="bar-bg" x="0" y="2" width="300" height="10" />
                <rect class="bar-fill" x="0" y="2" width={width} height="10" />
                if let Some(e) = expected {
                    <line class="bar-expected" x1={coord(e * 300.0)} x2={coord(e * 300.0)} y1="0" y2="14" />
                }
            </svg>
            <span class="bar-numbers">
                { format!("{hits} ({})", percent(observed)) }
                if let Some(e) = expected { { format!(" · expected {}", percent(e)) } }
            </span>
        </li>
    }
}

#[function_component(TrafficView)]
pub fn traffic_view(props: &TrafficProps) -> Html {
    let on_rate = {
        let cb = props.on_rate.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                if let Ok(r) = sel.value().parse() {
                    cb.emit(r);
                }
            }
        })
    };
    let on_clients = {
        let cb = props.on_clients.clone();
        Callback::from(move |e: Event| {
            if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                if let Ok(n) = i.value().parse::<u32>() {
                    cb.emit(n.clamp(1, 1000));
                }
            }
        })
    };
    let toggle = {
        let cb = props.on_toggle.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let reset = {
        let cb = props.on_reset.clone();
        Callback::from(move |_| cb.emit(()))
    };
    let (sent, pods, nodes) = match &props.traffic {
        None => (0, Vec::new(), Vec::new()),
        Some(t) => {
            let expected = |outcome: &str| {
                t.expected
                    .as_ref()
                    .and_then(|e| e.shares.iter().find(|s| s.outcome == outcome))
                    .map(|s| s.share)
            };
            let mut outcomes: Vec<(String, u32, Option<f64>)> =
                t.hits.iter().map(|(k, v)| (k.clone(), *v, expected(k))).collect();
            // Outcomes expected but never hit yet show too (a histogram that hides a pod lies).
            if let Some(e) = &t.expected {
                for s in &e.shares {
                    if !t.hits.contains_key(&s.outcome) {
                        outcomes.push((s.outcome.clone(), 0, Some(s.share)));
                    }
                }
            }
            outcomes.stable_sort_by(|a, b| a.0.cmp(&b.0));
            // Each node's expected share, summed over its outcomes (a few nodes: a list).
            let mut node_expected: Vec<(&str, f64)> = Vec::new();
            if let Some(e) = &t.expected {
                for s in &e.shares {
                    if let Some(n) = s.node.as_deref() {
                        match node_expected.iter_mut().find(|(k, _)| *k == n) {
                            Some((_, sum)) => *sum += s.share,
                            None => node_expected.push((n, s.share)),
                        }
                    }
                }
            }
            let nodes: Vec<(String, u32, Option<f64>)> = t
                .by_node
                .iter()
                .map(|(k, v)| {
                    let expected = node_expected.iter().find(|(n, _)| n == k).map(|(_, sum)| *sum);
                    (k.clone(), *v, expected)
                })
                .collect();
            (t.sent, outcomes, nodes)
        }
    };
    html! {
        <section class="traffic" aria-label="Traffic">
            <div class="traffic-bar">
                <h2>{ "Traffic" }</h2>
                <label class="field">{ "Rate " }
                    <select aria-label="Rate" onchange={on_rate}>
                        { for RATES.iter().map(|r| html! { <option value={r.to_string()} selected={*r == props.rate}>{ format!("{r} req/s") }</option> }) }
                    </select>
                </label>
                <label class="field">{ "Clients " }
                    <input type="number" min="1" max="1000" aria-label="Clients" value={props.clients.to_string()} onchange={on_clients} />
                </label>
                <button class="primary" onclick={toggle}>{ if props.running { "Pause" } else { "Start traffic" } }</button>
                <button onclick={reset}>{ "Reset counts" }</button>
                <span class="sent" role="status">{ format!("{sent} sent") }</span>
            </div>
            if sent > 0 {
                <div class="histograms">
                    <div>
                        <h3>{ "Per outcome" }</h3>
                        <ul class="bars" aria-label="Hits per outcome">{ for pods.iter().map(|(k, v, e)| bar(k, *v, sent, *e)) }</ul>
                    </div>
                    <div>
                        <h3>{ "Per node" }</h3>
                        <ul class="bars" aria-label="Hits per node">{ for nodes.iter().map(|(k, v, e)| bar(k, *v, sent, *e)) }</ul>
                    </div>
                </div>
            } else {
                <p class="hint">{ "Start traffic to send the request bar's request continuously and see how it spreads; session affinity, externalTrafficPolicy: Local and weighted routes change the histogram." }</p>
            }
        </section>
    }
}
