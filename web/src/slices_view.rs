//! The EndpointSlice view: a Service's slices as bins filled up to `maxEndpointsPerSlice`,
//! coloured by what the last action did to them; the controls that change the live cluster
//! (replicas, kill / un-ready / terminate a pod, rollout restart, the clock); and the churn
//! panel — per change, the bytes every node receives with EndpointSlices against one Endpoints
//! object, the writes, the running totals, and KEP-752's case as a preset. Everything shown is
//! a field of `kroute::view::slices` or `kroute::endpoints::Estimation`; this file only draws.

use std::rc::Rc;

use kroute::controllers::pods::PodAction;
use kroute::endpoints::{ChurnReport, Estimation, ScenarioCost, KEP_752_ENDPOINTS};
use kroute::view::{ChurnSeries, PodState, SelectedPod, SliceBin, SliceBins, SliceMark};
use kroute::ObjectRef;
use yew::prelude::*;

use crate::layout::coord;
use crate::slices_lab::{ChurnEntry, ClusterSettings, LabAction, MAX_CLUSTER_NODES};
use crate::state::Workspace;

/// Pods listed per page.
pub const PODS_PER_PAGE: usize = 10;
/// Largest watcher count the Nodes slider offers (KEP-752's 5,000 nodes).
pub const MAX_WATCHERS: u64 = 5_000;
/// Changes drawn in the chart (the table keeps them all).
pub const CHART_CHANGES: usize = 60;
/// Seconds a real 20,000-pod cluster (100 nodes) took to apply and draw in this page, measured
/// on the release build in headless Chromium: why the preset runs synthetic endpoints instead
/// (natively the core alone takes ≈ 2 s; see ARCHITECTURE.md).
pub const REAL_20K_SECONDS: u32 = 23;

/// A change to the workspace, run by the app (which then saves and redraws).
pub type Change = Callback<Rc<dyn Fn(&mut Workspace)>>;

/// What the view draws, taken from the workspace in one go.
#[derive(Clone, PartialEq)]
pub struct SlicesData {
    pub services: Vec<ObjectRef>,
    pub service: Option<ObjectRef>,
    pub bins: Option<SliceBins>,
    pub settings: ClusterSettings,
    pub manual_clock: bool,
    pub now_ms: u64,
    /// A timer is pending (Step has something to do).
    pub pending: bool,
    pub watchers: u64,
    pub following_cluster: bool,
    pub entries: Vec<ChurnEntry>,
    pub series: ChurnSeries,
    pub estimate: Option<Estimation>,
    pub estimate_ms: Option<f64>,
}

impl SlicesData {
    pub fn of(w: &Workspace) -> SlicesData {
        let (entries, series) = w.slice_churn();
        let cluster = w.snapshot.as_ref().map(|s| &s.cluster);
        SlicesData {
            services: cluster.map(kroute::view::slice_services).unwrap_or_default(),
            service: w.slice_service(),
            bins: w.slice_bins(),
            settings: w.cluster.clone(),
            manual_clock: w.slices.manual_clock,
            now_ms: cluster.map_or(0, |c| c.now_ms()),
            pending: cluster.is_some_and(|c| c.next_timer_ms().is_some()),
            watchers: w.slice_watchers(),
            following_cluster: w.slices.watchers.is_none(),
            entries: entries.into_iter().cloned().collect(),
            series,
            estimate: w.slices.estimate,
            estimate_ms: w.slices.estimate_ms,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct SlicesProps {
    pub data: SlicesData,
    /// Runs a change on the workspace (then it is saved and redrawn).
    pub change: Change,
}

/// Bytes in SI units, as KEP-752 writes them (10.9 KB, 2.0 MB, 200.1 TB).
pub fn format_bytes(b: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KB", "MB", "GB", "TB", "PB"];
    let mut v = b as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// 20000 → "20,000".
pub use crate::layout::thousands as format_count;

/// `1 slice`, `3 slices`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn mark_class(m: Option<SliceMark>) -> &'static str {
    match m {
        Some(SliceMark::Created) => "created",
        Some(SliceMark::Updated) => "updated",
        Some(SliceMark::Deleted) => "deleted",
        None => "untouched",
    }
}

fn input_value(e: &Event) -> Option<String> {
    e.target_dyn_into::<web_sys::HtmlInputElement>()
        .map(|i| i.value())
}

fn input_event_value(e: &InputEvent) -> Option<String> {
    e.target_dyn_into::<web_sys::HtmlInputElement>()
        .map(|i| i.value())
}

/// A workspace change as a callback payload.
fn run(change: &Change, f: impl Fn(&mut Workspace) + 'static) {
    change.emit(Rc::new(f));
}

fn act(change: &Change, action: LabAction) {
    run(change, move |w| {
        if let Err(why) = w.slice_act(&action) {
            w.notice = Some(why);
        }
    });
}

/// The bins, drawn in one SVG: big bins with names while there are few, small ones beyond.
fn bins_svg(bins: &SliceBins) -> Html {
    let n = bins.bins.len().max(1);
    let big = n <= 30;
    let (w, h, gap, label) = if big {
        (64.0, 96.0, 18.0, 16.0)
    } else {
        (14.0, 40.0, 4.0, 0.0)
    };
    let cols = if big { n.min(10) } else { n.min(50) };
    let rows = n.div_ceil(cols);
    let width = cols as f64 * (w + gap);
    let height = rows as f64 * (h + gap + label);
    let draw = |i: usize, b: &SliceBin| {
        let x = (i % cols) as f64 * (w + gap) + gap / 2.0;
        let y = (i / cols) as f64 * (h + gap + label) + gap / 2.0;
        let cap = b.capacity.max(1) as f64;
        let (mut ready, mut waiting, mut terminating) = (0usize, 0usize, 0usize);
        for e in &b.endpoints {
            if e.terminating {
                terminating += 1;
            } else if e.ready {
                ready += 1;
            } else {
                waiting += 1;
            }
        }
        if b.mark == Some(SliceMark::Deleted) {
            ready = b.fill;
        }
        // Stacked from the bottom: ready, then not ready, then terminating.
        let mut top = y + h;
        let mut layer = |count: usize, class: &'static str| {
            let height = (count as f64 / cap * h).min(top - y);
            top -= height;
            html! { <rect class={classes!("fill", class)} x={coord(x)} y={coord(top)} width={coord(w)} height={coord(height)} /> }
        };
        let layers = html! { <>{ layer(ready, "ready") }{ layer(waiting, "waiting") }{ layer(terminating, "terminating") }</> };
        let what = match b.mark {
            Some(SliceMark::Created) => ", created",
            Some(SliceMark::Updated) => ", updated",
            Some(SliceMark::Deleted) => ", deleted",
            None => "",
        };
        let causes: Vec<String> = b.causes.iter().map(|c| format!("{c:?}")).collect();
        let aria = format!("{}: {} of {} endpoints{what}", b.name, b.fill, b.capacity);
        let tip = if causes.is_empty() {
            aria.clone()
        } else {
            format!(
                "{aria} ({}; +{} −{} ~{})",
                causes.join(", "),
                b.added,
                b.removed,
                b.refreshed
            )
        };
        html! {
            <g class={classes!("bin", mark_class(b.mark))} role="img" aria-label={aria}>
                <title>{ tip }</title>
                <rect class="bin-box" x={coord(x)} y={coord(y)} width={coord(w)} height={coord(h)} rx="3" />
                { layers }
                <rect class="bin-outline" x={coord(x)} y={coord(y)} width={coord(w)} height={coord(h)} rx="3" />
                if big {
                    <text class="bin-count" x={coord(x + w / 2.0)} y={coord(y + 14.0)}>{ format!("{}/{}", b.fill, b.capacity) }</text>
                    <text class="bin-name" x={coord(x + w / 2.0)} y={coord(y + h + 12.0)}>{ b.name.clone() }</text>
                }
            </g>
        }
    };
    html! {
        <svg class="bins" viewBox={format!("0 0 {width:.0} {height:.0}")} width={format!("{width:.0}")} role="group" aria-label="Slices">
            { for bins.bins.iter().enumerate().map(|(i, b)| draw(i, b)) }
        </svg>
    }
}

fn legend() -> Html {
    let swatch = |class: &'static str, text: &'static str| {
        html! {
            <li><svg class="swatch" viewBox="0 0 14 14" width="14" height="14"><rect class={class} x="1" y="1" width="12" height="12" rx="2" /></svg>{ text }</li>
        }
    };
    html! {
        <ul class="slices-legend" aria-label="Legend">
            { swatch("sw-created", "created") }
            { swatch("sw-updated", "updated") }
            { swatch("sw-deleted", "deleted (ghost)") }
            { swatch("sw-untouched", "not written") }
            { swatch("fill ready", "ready endpoint") }
            { swatch("fill waiting", "not ready") }
            { swatch("fill terminating", "terminating") }
        </ul>
    }
}

fn pod_row(p: &SelectedPod, namespace: &str, change: &Change) -> Html {
    let button = |label: &'static str, action: PodAction, enabled: bool| {
        let change = change.clone();
        let (namespace, name) = (namespace.to_owned(), p.name.clone());
        let onclick = Callback::from(move |_| {
            act(
                &change,
                LabAction::Pod {
                    namespace: namespace.clone(),
                    name: name.clone(),
                    action,
                },
            )
        });
        html! { <button aria-label={format!("{label} {}", p.name)} disabled={!enabled} {onclick}>{ label }</button> }
    };
    let alive = !matches!(
        p.state,
        PodState::Terminating | PodState::Failed | PodState::Succeeded
    );
    let readiness = if p.state == PodState::NotReady {
        button("Ready", PodAction::MakeReady, true)
    } else {
        button("Un-ready", PodAction::MakeNotReady, p.state == PodState::Ready)
    };
    let why = p.reason.as_ref().map(|r| format!(" ({r})")).unwrap_or_default();
    html! {
        <li class="slice-pod">
            <span class="pod-name">{ p.name.clone() }</span>
            <span class={classes!("pod-state", p.state.as_str().replace(' ', "-"))}>{ format!("{}{why}", p.state.as_str()) }</span>
            <span class="pod-slice">{ p.slice.clone().unwrap_or_else(|| "—".into()) }</span>
            <span class="pod-ip">{ p.ip.clone().unwrap_or_default() }</span>
            { button("Kill", PodAction::Fail, alive) }
            { readiness }
            { button("Terminate", PodAction::Delete, alive) }
        </li>
    }
}

/// The churn chart: per change a bar with slices and one with Endpoints, log scale, and the
/// running totals of both as lines.
fn churn_chart(series: &ChurnSeries) -> Html {
    let skip = series.changes.len().saturating_sub(CHART_CHANGES);
    let changes = &series.changes[skip..];
    let running = &series.running[skip..];
    if changes.is_empty() {
        return html! {};
    }
    let values = changes
        .iter()
        .chain(running)
        .flat_map(|r| [r.bytes_slices, r.bytes_endpoints])
        .filter(|v| *v > 0);
    let (lo, hi) = values.fold((u64::MAX, 1u64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let lo = (lo.min(hi) as f64).log10().floor();
    let hi = (hi as f64).log10().ceil().max(lo + 1.0);
    let (width, height, left, bottom, top) = (720.0, 200.0, 64.0, 20.0, 8.0);
    let plot_h = height - bottom - top;
    let y = |v: u64| {
        if v == 0 {
            height - bottom
        } else {
            height - bottom - ((v as f64).log10() - lo) / (hi - lo) * plot_h
        }
    };
    let slot = (width - left) / changes.len() as f64;
    let bar = (slot * 0.4).min(14.0);
    let ticks = (lo as i32..=hi as i32).map(|p| {
        let v = 10f64.powi(p) as u64;
        let ty = y(v);
        html! {
            <g class="tick">
                <line x1={format!("{left}")} x2={format!("{width}")} y1={coord(ty)} y2={coord(ty)} />
                <text x={coord(left - 4.0)} y={coord(ty + 3.0)}>{ format_bytes(v) }</text>
            </g>
        }
    });
    let bars = changes.iter().enumerate().map(|(i, r)| {
        let x = left + i as f64 * slot + slot / 2.0;
        let rect = |class: &'static str, x: f64, v: u64| {
            let top = y(v);
            html! { <rect class={class} x={coord(x)} y={coord(top)} width={coord(bar)} height={coord(height - bottom - top)}><title>{ format_bytes(v) }</title></rect> }
        };
        let label = (changes.len() <= 30 || (skip + i + 1).is_multiple_of(5)).then(|| {
            html! { <text class="index" x={coord(x)} y={coord(height - 6.0)}>{ skip + i + 1 }</text> }
        });
        html! { <>{ rect("bar-slices", x - bar, r.bytes_slices) }{ rect("bar-endpoints", x, r.bytes_endpoints) }{ for label }</> }
    });
    let line = |pick: fn(&ChurnReport) -> u64| {
        running
            .iter()
            .enumerate()
            .map(|(i, r)| format!("{:.1},{:.1}", left + i as f64 * slot + slot / 2.0, y(pick(r))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    html! {
        <svg class="churn-chart" viewBox={format!("0 0 {width} {height}")} role="img"
            aria-label="Bytes sent to all nodes per change: EndpointSlices against one Endpoints object (log scale)">
            { for ticks }
            { for bars }
            <polyline class="run-slices" points={line(|r| r.bytes_slices)} />
            <polyline class="run-endpoints" points={line(|r| r.bytes_endpoints)} />
        </svg>
    }
}

fn churn_table(entries: &[ChurnEntry], series: &ChurnSeries) -> Html {
    let row = |index: String, label: String, r: &ChurnReport, class: &'static str| {
        let ratio = if r.bytes_slices == 0 {
            "—".to_owned()
        } else {
            format!("{:.1}×", r.bytes_endpoints as f64 / r.bytes_slices as f64)
        };
        html! {
            <tr class={class}>
                <td class="num">{ index }</td>
                <th scope="row">{ label }</th>
                <td class="num">{ r.writes_slices }</td>
                <td class="num">{ r.writes_endpoints }</td>
                <td class="num bytes-slices" data-bytes={r.bytes_slices.to_string()}>{ format_bytes(r.bytes_slices) }</td>
                <td class="num bytes-endpoints" data-bytes={r.bytes_endpoints.to_string()}>{ format_bytes(r.bytes_endpoints) }</td>
                <td class="num">{ ratio }</td>
            </tr>
        }
    };
    html! {
        <div class="churn-table-wrap">
            <table class="churn-table" aria-label="Churn per change">
                <thead><tr>
                    <th scope="col">{ "#" }</th>
                    <th scope="col">{ "Change" }</th>
                    <th scope="col">{ "Slice writes" }</th>
                    <th scope="col">{ "Endpoints writes" }</th>
                    <th scope="col">{ "Bytes, slices" }</th>
                    <th scope="col">{ "Bytes, Endpoints" }</th>
                    <th scope="col">{ "Endpoints ÷ slices" }</th>
                </tr></thead>
                <tbody>
                    { for entries.iter().zip(&series.changes).enumerate().map(|(i, (e, r))| {
                        let w = e.churn.writes;
                        row((i + 1).to_string(), format!("{} (+{} ~{} −{})", e.label, w.creates, w.updates, w.deletes), r, if e.clock { "tick" } else { "action" })
                    }) }
                </tbody>
                <tfoot>{ row(String::new(), format!("Total over {} changes", series.totals.changes), &series.totals.sum, "total") }</tfoot>
            </table>
        </div>
    }
}

fn kep_table(e: &Estimation, nodes: u64, ms: Option<f64>) -> Html {
    let rows: [(&str, &ScenarioCost); 4] = [
        ("Service created", &e.service_create),
        ("One endpoint updated", &e.single_endpoint_update),
        ("Rolling update (every pod replaced)", &e.rolling_update),
        ("Service deleted", &e.service_delete),
    ];
    let took = ms.map(|ms| format!(" in {ms:.0} ms")).unwrap_or_default();
    html! {
        <section class="kep" aria-label="KEP-752">
            <h3>{ format!("KEP-752's case: {} endpoints on {} nodes, {} per slice", format_count(u64::from(e.endpoints)), format_count(nodes), e.max_endpoints_per_slice) }</h3>
            <table class="churn-table kep-table">
                <thead>
                    <tr><th scope="col" rowspan="2">{ "Scenario" }</th><th scope="col" colspan="2">{ "Writes" }</th><th scope="col" colspan="2">{ "Largest object" }</th><th scope="col" colspan="2">{ "Watch events" }</th><th scope="col" colspan="2">{ "Bytes sent" }</th></tr>
                    <tr><th>{ "Endpoints" }</th><th>{ "Slices" }</th><th>{ "Endpoints" }</th><th>{ "Slice" }</th><th>{ "Endpoints" }</th><th>{ "Slices" }</th><th>{ "Endpoints" }</th><th>{ "Slices" }</th></tr>
                </thead>
                <tbody>
                    { for rows.iter().map(|(what, cost)| {
                        let r = cost.per_watcher.broadcast(nodes);
                        html! {
                            <tr>
                                <th scope="row">{ *what }</th>
                                <td class="num">{ format_count(r.writes_endpoints) }</td>
                                <td class="num">{ format_count(r.writes_slices) }</td>
                                <td class="num">{ format_bytes(r.endpoints_object_bytes) }</td>
                                <td class="num">{ format_bytes(r.largest_slice_bytes) }</td>
                                <td class="num">{ format_count(r.watch_events_endpoints) }</td>
                                <td class="num">{ format_count(r.watch_events_slices) }</td>
                                <td class="num bytes-endpoints">{ format_bytes(r.bytes_endpoints) }</td>
                                <td class="num bytes-slices">{ format_bytes(r.bytes_slices) }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            <p class="hint">{ format!(
                "Computed{took} by the core's EndpointSlice reconciler on {} synthetic endpoints — no pods: a real {}-pod cluster took {} s to build and draw in this page, too long to wait for. Objects are sized as the KEP does: {} B + {} B per endpoint; the Endpoints side is the KEP's uncapped object (since v1.22 the real one stops at 1,000 addresses).",
                format_count(u64::from(KEP_752_ENDPOINTS)), format_count(u64::from(KEP_752_ENDPOINTS)), REAL_20K_SECONDS,
                e.model.overhead_bytes, e.model.bytes_per_endpoint) }</p>
        </section>
    }
}

#[function_component(SlicesView)]
pub fn slices_view(props: &SlicesProps) -> Html {
    let d = &props.data;
    let change = props.change.clone();
    let page = use_state(|| 0usize);
    // Slider positions while dragging; the cluster changes when the slider is let go.
    let replicas_draft = use_state(|| None::<i64>);
    let max_draft = use_state(|| None::<usize>);

    let on_service = {
        let change = change.clone();
        let services = d.services.clone();
        let page = page.clone();
        Callback::from(move |e: Event| {
            let Some(sel) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            let chosen = sel
                .selected_index()
                .try_into()
                .ok()
                .and_then(|i: usize| services.get(i).cloned());
            page.set(0);
            run(&change, move |w| {
                w.slices.service = chosen.clone();
                w.slices.last.clear();
            });
        })
    };
    let on_max_input = {
        let max_draft = max_draft.clone();
        Callback::from(move |e: InputEvent| max_draft.set(input_event_value(&e).and_then(|v| v.parse().ok())))
    };
    let on_max = {
        let (change, max_draft) = (change.clone(), max_draft.clone());
        Callback::from(move |e: Event| {
            max_draft.set(None);
            if let Some(max) = input_value(&e).and_then(|v| v.parse::<usize>().ok()) {
                run(&change, move |w| w.set_max_endpoints_per_slice(max));
            }
        })
    };
    let on_nodes = {
        let change = change.clone();
        Callback::from(move |e: Event| {
            if let Some(n) = input_value(&e).and_then(|v| v.parse::<u32>().ok()) {
                run(&change, move |w| w.set_cluster_nodes(n));
            }
        })
    };
    let on_watchers = {
        let change = change.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(n) = input_event_value(&e).and_then(|v| v.parse::<u64>().ok()) {
                run(&change, move |w| {
                    w.slices.watchers = Some(n.clamp(1, MAX_WATCHERS))
                });
            }
        })
    };
    let follow_cluster = {
        let change = change.clone();
        Callback::from(move |_| run(&change, |w| w.slices.watchers = None))
    };
    let on_manual = {
        let change = change.clone();
        Callback::from(move |e: Event| {
            let on = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .is_some_and(|i| i.checked());
            run(&change, move |w| w.slices.manual_clock = !on);
        })
    };
    let on_step = {
        let change = change.clone();
        Callback::from(move |_| act(&change, LabAction::Step))
    };
    let on_reset = {
        let change = change.clone();
        Callback::from(move |_| run(&change, |w| w.reset_slice_history()))
    };
    let on_preset = {
        let change = change.clone();
        Callback::from(move |_| {
            run(&change, |w| {
                let started = js_sys::Date::now();
                match w.slice_kep_preset() {
                    Ok(()) => w.slices.estimate_ms = Some(js_sys::Date::now() - started),
                    Err(why) => w.notice = Some(why),
                }
            })
        })
    };

    let Some(service) = d.service.clone() else {
        return html! {
            <section class="slices" aria-label="EndpointSlices">
                <h2>{ "EndpointSlices" }</h2>
                <p class="hint">{ "No Service with a selector: EndpointSlices are made for Services that select pods." }</p>
            </section>
        };
    };
    let namespace = service.namespace.clone().unwrap_or_else(|| "default".into());
    let workload = d.bins.as_ref().and_then(|b| b.workloads.first().cloned());
    let replicas_control = match &workload {
        Some(wl) => {
            let value = (*replicas_draft).unwrap_or(wl.replicas);
            let max = wl.replicas.max(1000);
            let oninput = {
                let replicas_draft = replicas_draft.clone();
                Callback::from(move |e: InputEvent| {
                    replicas_draft.set(input_event_value(&e).and_then(|v| v.parse().ok()))
                })
            };
            let onchange = {
                let (change, replicas_draft, object) =
                    (change.clone(), replicas_draft.clone(), wl.object.clone());
                Callback::from(move |e: Event| {
                    replicas_draft.set(None);
                    if let Some(replicas) = input_value(&e).and_then(|v| v.parse::<i64>().ok()) {
                        act(
                            &change,
                            LabAction::Scale {
                                workload: object.clone(),
                                replicas,
                            },
                        );
                    }
                })
            };
            let restart = {
                let (change, object) = (change.clone(), wl.object.clone());
                Callback::from(move |_| {
                    act(
                        &change,
                        LabAction::RolloutRestart {
                            workload: object.clone(),
                        },
                    )
                })
            };
            html! {
                <>
                    <label class="field slider">{ format!("Replicas of {}/{} ", wl.object.kind, wl.object.name) }
                        <input type="range" min="0" max={max.to_string()} step="1" aria-label="Replicas"
                            value={value.to_string()} {oninput} {onchange} />
                        <output>{ value }</output>
                    </label>
                    if wl.object.kind == "Deployment" || wl.object.kind == "StatefulSet" {
                        <button onclick={restart}>{ "Rollout restart" }</button>
                    }
                </>
            }
        }
        None => {
            html! { <span class="hint">{ "No Deployment or StatefulSet of yours matches this selector: nothing to scale." }</span> }
        }
    };
    let max_value = (*max_draft).unwrap_or(d.settings.max_endpoints_per_slice);
    let pods = d.bins.as_ref().map(|b| b.pods.as_slice()).unwrap_or_default();
    let pages = pods.len().div_ceil(PODS_PER_PAGE).max(1);
    let current = (*page).min(pages - 1);
    let go = |to: usize| {
        let page = page.clone();
        Callback::from(move |_| page.set(to))
    };
    // Pods the scheduler or kubelet could not place (their reason says why), not those starting.
    let stuck: Vec<&SelectedPod> = pods
        .iter()
        .filter(|p| p.state == PodState::Pending && p.reason.is_some())
        .collect();
    let seconds = d.now_ms as f64 / 1000.0;

    html! {
        <section class="slices" aria-label="EndpointSlices">
            <div class="slices-bar">
                <h2>{ "EndpointSlices" }</h2>
                <label class="field">{ "Service " }
                    <select aria-label="Service" onchange={on_service}>
                        { for d.services.iter().map(|s| html! {
                            <option selected={*s == service}>{ format!("{}/{}", s.namespace.clone().unwrap_or_default(), s.name) }</option>
                        }) }
                    </select>
                </label>
                <label class="field slider">{ "maxEndpointsPerSlice " }
                    <input type="range" min="1" max="1000" step="1" aria-label="maxEndpointsPerSlice"
                        value={max_value.to_string()} oninput={on_max_input} onchange={on_max} />
                    <output>{ max_value }</output>
                </label>
                <label class="field">{ "Cluster nodes " }
                    <input type="number" min="1" max={MAX_CLUSTER_NODES.to_string()} aria-label="Cluster nodes"
                        value={d.settings.nodes.to_string()} onchange={on_nodes} />
                </label>
                <span class="hint">{ "Both rebuild the cluster from the manifests." }</span>
            </div>
            <div class="slices-bar">
                { replicas_control }
                <label class="field"><input type="checkbox" checked={!d.manual_clock} onchange={on_manual} />{ " Run the clock until settled" }</label>
                <button onclick={on_step} disabled={!d.pending}>{ "Step clock" }</button>
                <span class="slices-clock" role="status">{ format!("t = {seconds:.1} s") }</span>
            </div>
            <p class="hint">{ if d.manual_clock {
                "The clock moves only when you step it: pods start 2 s after they are scheduled and terminating pods leave after their 30 s grace period."
            } else {
                "After each action the clock runs until the cluster settles (pods start after 2 s, terminating pods leave after their 30 s grace period); the highlights are what that action wrote."
            } }</p>
            if let Some(b) = &d.bins {
                <p class="slices-summary" role="status">{ format!(
                    "{} endpoints in {} of up to {}{}",
                    b.endpoints,
                    plural(b.bins.iter().filter(|x| x.mark != Some(SliceMark::Deleted)).count(), "slice"),
                    b.max_endpoints_per_slice,
                    match stuck.first().and_then(|p| p.reason.as_deref()) {
                        Some(reason) => format!(" · {} pending ({reason}): add cluster nodes", plural(stuck.len(), "pod")),
                        None => String::new(),
                    },
                ) }</p>
                { bins_svg(b) }
                { legend() }
                <div class="slice-pods">
                    <h3>{ format!("Pods ({})", pods.len()) }</h3>
                    <ul aria-label="Pods">
                        { for pods.iter().skip(current * PODS_PER_PAGE).take(PODS_PER_PAGE).map(|p| pod_row(p, &namespace, &change)) }
                    </ul>
                    if pages > 1 {
                        <nav class="pager" aria-label="Pod pages">
                            <button onclick={go(current.saturating_sub(1))} disabled={current == 0}>{ "‹ Previous" }</button>
                            <span>{ format!("page {} of {pages}", current + 1) }</span>
                            <button onclick={go((current + 1).min(pages - 1))} disabled={current + 1 >= pages}>{ "Next ›" }</button>
                        </nav>
                    }
                </div>
            }
            <div class="churn" aria-label="Churn">
                <div class="slices-bar">
                    <h3>{ "Churn: bytes sent to every node" }</h3>
                    <label class="field slider">{ "Nodes " }
                        <input type="range" min="1" max={MAX_WATCHERS.to_string()} step="1" aria-label="Nodes"
                            value={d.watchers.to_string()} oninput={on_watchers} />
                        <output>{ format_count(d.watchers) }</output>
                    </label>
                    if !d.following_cluster {
                        <button class="link" onclick={follow_cluster}>{ "this cluster's nodes" }</button>
                    }
                    <button onclick={on_preset}>{ "KEP-752 preset" }</button>
                    <button onclick={on_reset}>{ "Reset history" }</button>
                </div>
                <p class="hint">{ "Every node runs kube-proxy, which watches the endpoints: each write reaches each node whole. With slices a change sends the slices it wrote; with one Endpoints object it sends every endpoint of the Service again." }</p>
                if d.entries.is_empty() {
                    <p class="hint">{ "Scale, kill or restart to see what each change costs." }</p>
                } else {
                    <ul class="slices-legend" aria-label="Chart legend">
                        <li><svg class="swatch" viewBox="0 0 14 14" width="14" height="14"><rect class="bar-slices" x="1" y="1" width="12" height="12" /></svg>{ "EndpointSlices" }</li>
                        <li><svg class="swatch" viewBox="0 0 14 14" width="14" height="14"><rect class="bar-endpoints" x="1" y="1" width="12" height="12" /></svg>{ "Endpoints" }</li>
                        <li>{ "lines: running totals (log scale)" }</li>
                    </ul>
                    { churn_chart(&d.series) }
                    { churn_table(&d.entries, &d.series) }
                }
                if let Some(e) = &d.estimate {
                    { kep_table(e, d.watchers, d.estimate_ms) }
                }
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_the_kep_writes_them() {
        // (bytes, as shown)
        let bytes = [
            (0, "0 B"),
            (999, "999 B"),
            (10_900, "10.9 KB"),
            (2_000_900, "2.0 MB"),
            (54_500_000, "54.5 MB"),
            (10_004_500_000, "10.0 GB"),
            (200_090_000_000_000, "200.1 TB"),
            (u64::MAX, "18446.7 PB"),
        ];
        for (b, want) in bytes {
            assert_eq!(format_bytes(b), want, "{b}");
        }
        let counts = [
            (0, "0"),
            (999, "999"),
            (1_000, "1,000"),
            (20_000, "20,000"),
            (100_000_000, "100,000,000"),
        ];
        for (n, want) in counts {
            assert_eq!(format_count(n), want, "{n}");
        }
        assert_eq!(
            (plural(1, "slice"), plural(3, "slice")),
            ("1 slice".into(), "3 slices".into())
        );
    }
}
