//! The Canvas: the cluster as SVG (see `layout`), the last trace's path highlighted with a
//! packet moving along it, pan (drag the background), zoom (wheel), drag a box to move it
//! (positions are kept across applies), click a box to inspect it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use kroute::ObjectRef;
use web_sys::{PointerEvent, WheelEvent};
use yew::prelude::*;

use crate::layout::{layout, trace_keys, trace_path, BoxKind, Item};
use crate::state::Snapshot;
use wasm_bindgen::JsCast;

pub type Moves = Rc<RefCell<HashMap<String, (f64, f64)>>>;

#[derive(Properties)]
pub struct CanvasProps {
    pub snapshot: Option<Rc<Snapshot>>,
    pub trace: Option<kroute::dataplane::route::Trace>,
    pub generation: u64,
    pub selected: Option<ObjectRef>,
    pub on_select: Callback<ObjectRef>,
    /// A drag from a Service's connector onto a pod: (service, pod).
    pub on_link: Callback<(ObjectRef, ObjectRef)>,
    pub moves: Moves,
}

impl PartialEq for CanvasProps {
    fn eq(&self, other: &Self) -> bool {
        self.generation == other.generation
            && self.selected == other.selected
            && self.trace == other.trace
            && match (&self.snapshot, &other.snapshot) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

/// What a pointer drag is doing.
#[derive(Clone, Debug, PartialEq)]
enum Drag {
    Pan {
        x: f64,
        y: f64,
        view: (f64, f64),
    },
    Item {
        key: String,
        x: f64,
        y: f64,
        start: (f64, f64),
        moved: bool,
    },
    /// From a Service's connector: released over a pod, the Service selects it.
    Link {
        service: ObjectRef,
    },
}

#[derive(Properties, PartialEq)]
struct PacketProps {
    points: Vec<(f64, f64)>,
    generation: u64,
}

/// A dot travelling the path, over and over (a timer moves it: the page's CSP allows no inline
/// style, and SVG attributes are what a timer can set).
#[function_component(Packet)]
fn packet(props: &PacketProps) -> Html {
    let t = use_state(|| 0u32);
    {
        let t = t.clone();
        use_effect_with(props.generation, move |_| {
            t.set(0);
            let tick = {
                let t = t.clone();
                Interval::new(40, move || t.set(t.wrapping_add(1)))
            };
            move || drop(tick)
        });
    }
    let pts = &props.points;
    if pts.len() < 2 {
        return html! {};
    }
    let lengths: Vec<f64> = pts
        .windows(2)
        .map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt())
        .collect();
    let total: f64 = lengths.iter().sum::<f64>().max(1.0);
    // 1.5 s per lap plus a pause at the end.
    let frames = 38u32;
    let pos = f64::from(*t % (frames + 10)).min(f64::from(frames)) / f64::from(frames) * total;
    let (mut acc, mut at) = (0.0, pts[pts.len() - 1]);
    for (i, l) in lengths.iter().enumerate() {
        if acc + l >= pos {
            let f = if *l > 0.0 { (pos - acc) / l } else { 0.0 };
            at = (
                pts[i].0 + (pts[i + 1].0 - pts[i].0) * f,
                pts[i].1 + (pts[i + 1].1 - pts[i].1) * f,
            );
            break;
        }
        acc += l;
    }
    html! { <circle class="packet" cx={format!("{:.1}", at.0)} cy={format!("{:.1}", at.1)} r="7" /> }
}

fn render_item(
    item: &Item,
    selected: bool,
    on_trace: bool,
    on_down: Callback<PointerEvent>,
    on_link: Option<Callback<PointerEvent>>,
) -> Html {
    let class = classes!(
        "item",
        item.kind.class(),
        item.class.clone(),
        selected.then_some("selected"),
        on_trace.then_some("on-trace")
    );
    let pod = item.kind == BoxKind::Pod;
    let (title_y, first_line) = if pod { (15.0, 29.0) } else { (20.0, 36.0) };
    let line_y = |i: usize| format!("{:.1}", item.y + first_line + 15.0 * i as f64);
    html! {
        <g class={class} data-key={item.key.clone()} onpointerdown={on_down}>
            <rect x={item.x.to_string()} y={item.y.to_string()} width={item.w.to_string()} height={item.h.to_string()} rx="8" />
            <text class="title" x={(item.x + 10.0).to_string()} y={(item.y + title_y).to_string()}>{ item.title.clone() }</text>
            { for item.lines.iter().enumerate().map(|(i, l)| html! {
                <text class="line" x={(item.x + 10.0).to_string()} y={line_y(i)}>{ l.clone() }</text>
            }) }
            if let Some(b) = &item.badge {
                <text class="badge" x={(item.x + item.w - 8.0).to_string()} y={(item.y + 18.0).to_string()} text-anchor="end">{ b.clone() }</text>
            }
            if let Some(on_link) = on_link {
                <circle class="connector" cx={(item.x + item.w / 2.0).to_string()} cy={(item.y + item.h).to_string()} r="7"
                    onpointerdown={on_link}>
                    <title>{ "Drag onto a pod to make this Service select it" }</title>
                </circle>
            }
        </g>
    }
}

#[function_component(Canvas)]
pub fn canvas(props: &CanvasProps) -> Html {
    let view = use_state(|| (0.0f64, 0.0f64, 1.0f64)); // (x, y, zoom)
    let drag = use_mut_ref(|| None::<Drag>);
    let redraw = use_force_update();
    let Some(snap) = &props.snapshot else {
        return html! { <p class="hint">{ "Apply some manifests to see the cluster." }</p> };
    };
    let l = layout(&snap.topology, &props.moves.borrow());
    let path = props
        .trace
        .as_ref()
        .map(|t| trace_path(&l, t))
        .unwrap_or_default();
    let on_path: Vec<String> = props.trace.as_ref().map(trace_keys).unwrap_or_default();
    let (vx, vy, zoom) = *view;
    // The whole picture fits at zoom 1, with a margin; panning moves the origin.
    let view_box = format!(
        "{:.0} {:.0} {:.0} {:.0}",
        vx - 10.0,
        vy - 10.0,
        (l.width + 20.0) / zoom,
        (l.height + 20.0) / zoom
    );
    let center = |key: &str| l.items.iter().find(|i| i.key == key).map(|i| i.center());
    let anchor = |key: &str, top: bool| {
        l.items
            .iter()
            .find(|i| i.key == key)
            .map(|i| (i.x + i.w / 2.0, if top { i.y } else { i.y + i.h }))
    };

    let onwheel = {
        let view = view.clone();
        Callback::from(move |e: WheelEvent| {
            e.prevent_default();
            let (x, y, z) = *view;
            let factor = if e.delta_y() < 0.0 { 1.1 } else { 1.0 / 1.1 };
            view.set((x, y, (z * factor).clamp(0.25, 4.0)));
        })
    };
    let onpointerdown = {
        let (drag, view) = (drag.clone(), view.clone());
        Callback::from(move |e: PointerEvent| {
            let (x, y, _) = *view;
            *drag.borrow_mut() = Some(Drag::Pan {
                x: f64::from(e.client_x()),
                y: f64::from(e.client_y()),
                view: (x, y),
            });
        })
    };
    let onpointermove = {
        let (drag, view, moves, redraw) = (drag.clone(), view.clone(), props.moves.clone(), redraw.clone());
        Callback::from(move |e: PointerEvent| {
            let mut d = drag.borrow_mut();
            let (_, _, zoom) = *view;
            match d.as_mut() {
                Some(Drag::Pan { x, y, view: (vx, vy) }) => {
                    let dx = (f64::from(e.client_x()) - *x) / zoom;
                    let dy = (f64::from(e.client_y()) - *y) / zoom;
                    view.set((*vx - dx, *vy - dy, zoom));
                }
                Some(Drag::Item {
                    key,
                    x,
                    y,
                    start,
                    moved,
                }) => {
                    let dx = (f64::from(e.client_x()) - *x) / zoom;
                    let dy = (f64::from(e.client_y()) - *y) / zoom;
                    if dx.abs() + dy.abs() > 3.0 {
                        *moved = true;
                    }
                    moves
                        .borrow_mut()
                        .insert(key.clone(), (start.0 + dx, start.1 + dy));
                    redraw.force_update();
                }
                Some(Drag::Link { .. }) | None => {}
            }
        })
    };
    let onpointerup = {
        let (drag, on_select, on_link, items) = (
            drag.clone(),
            props.on_select.clone(),
            props.on_link.clone(),
            l.items.clone(),
        );
        Callback::from(move |e: PointerEvent| {
            let object_of = |key: &str| items.iter().find(|i| i.key == key).and_then(|i| i.object.clone());
            let taken = drag.borrow_mut().take();
            match taken {
                Some(Drag::Item {
                    key, moved: false, ..
                }) => {
                    if let Some(obj) = object_of(&key) {
                        on_select.emit(obj);
                    }
                }
                Some(Drag::Link { service }) => {
                    // The pod under the pointer: the element released on, or its group.
                    let target = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .and_then(|el| el.closest("g.item.pod").ok().flatten())
                        .and_then(|g| g.get_attribute("data-key"));
                    if let Some(pod) = target.as_deref().and_then(object_of) {
                        on_link.emit((service, pod));
                    }
                }
                _ => {}
            }
        })
    };
    let link_down = |item: &Item| {
        let (drag, service) = (drag.clone(), item.object.clone());
        service.map(|service| {
            Callback::from(move |e: PointerEvent| {
                e.stop_propagation();
                *drag.borrow_mut() = Some(Drag::Link {
                    service: service.clone(),
                });
            })
        })
    };
    let item_down = |item: &Item| {
        let (drag, moves, key) = (drag.clone(), props.moves.clone(), item.key.clone());
        Callback::from(move |e: PointerEvent| {
            e.stop_propagation();
            let start = moves.borrow().get(&key).copied().unwrap_or((0.0, 0.0));
            *drag.borrow_mut() = Some(Drag::Item {
                key: key.clone(),
                x: f64::from(e.client_x()),
                y: f64::from(e.client_y()),
                start,
                moved: false,
            });
        })
    };
    let selected_key = props.selected.as_ref().map(crate::layout::key_of);
    let (fx, fy, fw, fh) = l.frame;
    let polyline: String = path
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    html! {
        <svg class="canvas" role="img" aria-label="Cluster canvas" viewBox={view_box}
            {onwheel} {onpointerdown} {onpointermove} {onpointerup}>
            <rect class="frame" x={fx.to_string()} y={fy.to_string()} width={fw.to_string()} height={fh.to_string()} rx="14" />
            <text class="frame-label" x={(fx + 12.0).to_string()} y={(fy + 22.0).to_string()}>{ "cluster" }</text>
            { for l.edges.iter().filter_map(|e| {
                let (a, b) = if e.class == "selects" {
                    (anchor(&e.from, false)?, anchor(&e.to, true)?)
                } else {
                    (center(&e.from)?, center(&e.to)?)
                };
                Some(html! { <line class={classes!("edge", e.class)} x1={a.0.to_string()} y1={a.1.to_string()} x2={b.0.to_string()} y2={b.1.to_string()} /> })
            }) }
            { for l.items.iter().filter(|i| i.kind != BoxKind::Pod).map(|i| {
                let link = (i.kind == BoxKind::Service).then(|| link_down(i)).flatten();
                render_item(i, selected_key.as_ref() == Some(&i.key), on_path.contains(&i.key), item_down(i), link)
            }) }
            { for l.items.iter().filter(|i| i.kind == BoxKind::Pod).map(|i| {
                render_item(i, selected_key.as_ref() == Some(&i.key), on_path.contains(&i.key), item_down(i), None)
            }) }
            if path.len() >= 2 {
                <polyline class="trace-path" points={polyline} />
                <Packet points={path.clone()} generation={props.generation} />
            }
        </svg>
    }
}
