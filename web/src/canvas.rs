//! The Canvas: the cluster as SVG (see `layout`), the last trace's path highlighted with a
//! packet moving along it, pan (drag the background), zoom (wheel, about the pointer; a double
//! click on the background frames the picture again), drag a box to move it (positions are kept
//! across applies), click a box to inspect it, and in a cluster drawn by groups, a node's
//! "pods" button to draw its pods one by one (and to count them again).
//!
//! The picture is framed whole, or, when that would make a large picture's text unreadable,
//! by its full width from the top. Zoomed far out on a large picture, text is not drawn, and
//! only the boxes near the screen are (see `scene_window`).
//!
//! Thousands of boxes stay interactive because work follows what changed: the layout is
//! computed once per cluster, drag or expansion (not per frame); a pan or a zoom first moves the
//! drawn SVG (a transform the compositor applies) and then changes only the `viewBox` (the scene
//! is a component whose props do not change, so Yew skips it); a selection re-renders only the
//! boxes whose highlight changed (each box is a keyed component compared by value); the packet
//! is its own component on an SVG layer of its own, so its timer repaints one circle.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use gloo_timers::callback::{Interval, Timeout};
use kroute::view::Topology;
use kroute::ObjectRef;
use wasm_bindgen::JsCast;
use web_sys::{FocusEvent, KeyboardEvent, MouseEvent, PointerEvent, WheelEvent};
use yew::prelude::*;

use crate::layout::{
    coord, key_of, layout, thousands, trace_keys, trace_path, BoxKind, Edge, Group, Item, Layout,
};
use crate::layout::{GROUP_BAR_H, GROUP_ROW_H};
use kroute::sort::CollectSorted;

pub type Moves = Rc<RefCell<HashMap<String, (f64, f64)>>>;

#[derive(Properties)]
pub struct CanvasProps {
    /// What the cluster looks like: a new `Rc` whenever the cluster changed (`None`: no
    /// cluster yet).
    pub topology: Option<Rc<Topology>>,
    pub trace: Option<Rc<kroute::dataplane::route::Trace>>,
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
            && match (&self.trace, &other.trace) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
            && same_topology(&self.topology, &other.topology)
    }
}

pub fn same_topology(a: &Option<Rc<Topology>>, b: &Option<Rc<Topology>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => Rc::ptr_eq(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// A topology compared by identity: a changed cluster gives a new `Rc` (an Apply builds one,
/// a live change draws it again), so the layout is recomputed exactly when it changed.
#[derive(Clone)]
pub struct SameTopology(pub Option<Rc<Topology>>);

impl PartialEq for SameTopology {
    fn eq(&self, other: &Self) -> bool {
        same_topology(&self.0, &other.0)
    }
}

/// Where the screen looks: the picture point at its top left corner and the scale (screen
/// pixels per picture unit). The viewBox always has the element's shape, so this is the whole
/// mapping.
#[derive(Clone, Copy, Debug, PartialEq)]
struct View {
    x: f64,
    y: f64,
    scale: f64,
}

impl View {
    /// The viewBox on a screen of `size` pixels.
    fn view_box(self, (w, h): (f64, f64)) -> Rect {
        (self.x, self.y, w / self.scale, h / self.scale)
    }
}

/// The size the canvas is assumed to have before it is first measured.
const GUESSED_SIZE: (f64, f64) = (800.0, 600.0);
/// The closest zoom: 2 screen pixels per unit (13-unit titles at 26 px), or 4× the whole
/// picture if that is closer.
const MAX_SCALE: f64 = 2.0;

/// The whole picture, centred; or, when that would make its text unreadable, its full width
/// from the top (a tall cluster is then scrolled through by panning).
fn framing(l: &Layout, (w, h): (f64, f64)) -> View {
    let (pw, ph) = (l.width + 20.0, l.height + 20.0);
    let fit = (w / pw).min(h / ph).max(1e-6);
    let scale = if 11.0 * fit < TEXT_MIN_PX {
        (w / pw).clamp(fit, MAX_SCALE)
    } else {
        fit
    };
    let top = if scale > fit {
        -10.0
    } else {
        -10.0 - (h / scale - ph) / 2.0
    };
    View {
        x: -10.0 - (w / scale - pw) / 2.0,
        y: top,
        scale,
    }
}

/// How far out and in the wheel zooms, for a picture on a screen of `size`.
fn scale_limits(l: &Layout, (w, h): (f64, f64)) -> (f64, f64) {
    let fit = (w / (l.width + 20.0)).min(h / (l.height + 20.0)).max(1e-6);
    (fit / 2.0, (fit * 4.0).max(MAX_SCALE))
}

/// The canvas on screen: the visible frame (`w` × `h` pixels) and how far the SVG elements
/// reach beyond it on each side (`ox`, `oy`): drawn but hidden, so that a drag can move them
/// as they are (a compositor translation, no repaint) before the view is redrawn.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Screen {
    w: f64,
    h: f64,
    ox: f64,
    oy: f64,
}

impl Screen {
    fn size(self) -> (f64, f64) {
        (self.w, self.h)
    }
}

/// How long the wheel must pause before the view is redrawn.
const SETTLE_MS: u32 = 150;

/// The CSS transform that shows elements drawn for view `d` as view `t` would draw them, if
/// they still cover the screen that way (else the view must be redrawn). The elements' box
/// starts `ox`, `oy` pixels before the screen's; the transform's origin is its top left.
fn covering_transform(d: View, t: View, sc: Screen) -> Option<String> {
    let k = t.scale / d.scale;
    let bx = (d.x - t.x) * t.scale + sc.ox * (1.0 - k);
    let by = (d.y - t.y) * t.scale + sc.oy * (1.0 - k);
    // Where the moved box lands, relative to the screen.
    let (left, top) = (bx - sc.ox, by - sc.oy);
    let (right, bottom) = (left + k * (sc.w + 2.0 * sc.ox), top + k * (sc.h + 2.0 * sc.oy));
    let covers = left <= 0.0 && top <= 0.0 && right >= sc.w && bottom >= sc.h;
    // Scaled far from how it was drawn, it would look blurred or coarse.
    (covers && (0.5..=2.0).contains(&k)).then(|| format!("translate({bx:.1}px, {by:.1}px) scale({k:.4})"))
}

/// What a pointer drag is doing.
#[derive(Clone, Debug, PartialEq)]
enum Drag {
    /// Started at client (`x`, `y`) on `view`.
    Pan { x: f64, y: f64, view: View },
    Item {
        key: String,
        x: f64,
        y: f64,
        start: (f64, f64),
        moved: bool,
        scale: f64,
    },
    /// From a Service's connector: released over a pod, the Service selects it.
    Link { service: ObjectRef },
}

/// The user's view, with the size of the picture it was chosen on.
type UserView = Option<(View, (f64, f64))>;

/// The view on screen: the user's, or the automatic framing until they pan or zoom, and again
/// once the picture is another one (half or twice the size: another example, a scale-up).
fn view_now(view: &RefCell<UserView>, l: &Layout, size: Option<(f64, f64)>) -> View {
    let same_picture = |(w, h): (f64, f64)| {
        let close = |a: f64, b: f64| a.max(1.0) / b.max(1.0) < 2.0 && b.max(1.0) / a.max(1.0) < 2.0;
        close(w, l.width) && close(h, l.height)
    };
    match *view.borrow() {
        Some((v, picture)) if same_picture(picture) => v,
        _ => framing(l, size.unwrap_or(GUESSED_SIZE)),
    }
}

fn set_view(view: &RefCell<UserView>, l: &Layout, v: View) {
    *view.borrow_mut() = Some((v, (l.width, l.height)));
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
    html! { <circle class="packet" cx={coord(at.0)} cy={coord(at.1)} r="7" /> }
}

/// What a box forwards: a press on it (drag or select), on a Service's connector, on a
/// group's pods button. Made once per canvas, so boxes compare equal across renders.
#[derive(Clone, PartialEq)]
struct BoxEvents {
    down: Callback<(String, PointerEvent)>,
    link: Callback<(ObjectRef, PointerEvent)>,
    toggle: Callback<String>,
    /// A box's button got the keyboard focus: bring the box on screen.
    reveal: Callback<String>,
}

#[derive(Properties)]
struct BoxProps {
    layout: Rc<Layout>,
    index: usize,
    selected: bool,
    on_trace: bool,
    events: BoxEvents,
}

impl PartialEq for BoxProps {
    fn eq(&self, other: &Self) -> bool {
        self.selected == other.selected
            && self.on_trace == other.on_trace
            && self.events == other.events
            && ((Rc::ptr_eq(&self.layout, &other.layout) && self.index == other.index)
                || self.layout.items.get(self.index) == other.layout.items.get(other.index))
    }
}

/// One box: a client, an edge object, a Service, a node (or a node's group of pods), a pod.
#[function_component(ItemBox)]
fn item_box(props: &BoxProps) -> Html {
    let Some(item) = props.layout.items.get(props.index) else {
        return html! {};
    };
    let class = classes!(
        "item",
        item.kind.class(),
        item.class.clone(),
        props.selected.then_some("selected"),
        props.on_trace.then_some("on-trace"),
        item.group
            .as_ref()
            .map(|g| if g.expanded { "expanded" } else { "grouped" }),
    );
    let onpointerdown = {
        let (down, key) = (props.events.down.clone(), item.key.clone());
        Callback::from(move |e: PointerEvent| down.emit((key.clone(), e)))
    };
    let link = (item.kind == BoxKind::Service)
        .then(|| item.object.clone())
        .flatten()
        .map(|service| {
            let link = props.events.link.clone();
            Callback::from(move |e: PointerEvent| link.emit((service.clone(), e)))
        });
    let pod = item.kind == BoxKind::Pod;
    let (title_y, first_line) = if pod { (15.0, 29.0) } else { (20.0, 36.0) };
    let line_y = |i: usize| coord(item.y + first_line + 15.0 * i as f64);
    let group = item.group.as_ref().map(|g| group_body(item, g, &props.events));
    html! {
        <g class={class} data-key={item.key.clone()} {onpointerdown}>
            <rect x={item.x.to_string()} y={item.y.to_string()} width={item.w.to_string()} height={item.h.to_string()} rx="8" />
            <text class="title" x={(item.x + 10.0).to_string()} y={(item.y + title_y).to_string()}>{ item.title.clone() }</text>
            { for item.lines.iter().enumerate().map(|(i, l)| html! {
                <text class="line" x={(item.x + 10.0).to_string()} y={line_y(i)}>{ l.clone() }</text>
            }) }
            if let Some(b) = &item.badge {
                <text class="badge" x={(item.x + item.w - 8.0).to_string()} y={(item.y + 18.0).to_string()} text-anchor="end">{ b.clone() }</text>
            }
            { group }
            if let Some(on_link) = link {
                <circle class="connector" cx={(item.x + item.w / 2.0).to_string()} cy={(item.y + item.h).to_string()} r="7"
                    onpointerdown={on_link}>
                    <title>{ "Drag onto a pod to make this Service select it" }</title>
                </circle>
            }
        </g>
    }
}

/// The size of a group's pods button.
const TOGGLE_W: f64 = 84.0;
const TOGGLE_H: f64 = 20.0;

/// A group's pods button (top right) and, collapsed, a bar of the states' shares and the
/// count of each state in its colour.
fn group_body(item: &Item, g: &Group, events: &BoxEvents) -> Html {
    if g.total == 0 {
        return html! {
            <text class="line" x={(item.x + item.w - 10.0).to_string()} y={(item.y + 18.0).to_string()} text-anchor="end">{ "no pods" }</text>
        };
    }
    let (bw, bh) = (TOGGLE_W, TOGGLE_H);
    let (bx, by) = (item.x + item.w - bw - 6.0, item.y + 6.0);
    let what = if item.kind == BoxKind::Node {
        format!("node {}", item.title)
    } else {
        "unscheduled pods".to_owned()
    };
    let (label, aria) = if g.expanded {
        (
            "▾ count pods".to_owned(),
            format!("Count the pods of {what} again"),
        )
    } else {
        (
            format!("▸ {} pods", thousands(g.total as u64)),
            format!("Show the {} pods of {what}", thousands(g.total as u64)),
        )
    };
    let fire = {
        let (toggle, key) = (events.toggle.clone(), item.key.clone());
        move || toggle.emit(key.clone())
    };
    let onclick = {
        let fire = fire.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            fire();
        })
    };
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            fire();
        }
    });
    // Pressing the button neither drags nor selects the node.
    let onpointerdown = Callback::from(|e: PointerEvent| e.stop_propagation());
    let onfocus = {
        let (reveal, key) = (events.reveal.clone(), item.key.clone());
        Callback::from(move |_: FocusEvent| reveal.emit(key.clone()))
    };
    let button = html! {
        <g class="group-toggle" role="button" tabindex="0" aria-label={aria} aria-expanded={g.expanded.to_string()}
            {onclick} {onkeydown} {onpointerdown} {onfocus}>
            <rect x={bx.to_string()} y={by.to_string()} width={bw.to_string()} height={bh.to_string()} rx="10" />
            <text x={(bx + bw / 2.0).to_string()} y={(by + 14.0).to_string()} text-anchor="middle">{ label }</text>
        </g>
    };
    if g.expanded {
        return button;
    }
    // Under the header (its lines end 46 or 61 units down): the bar, then the counts.
    let top = item.y + item.h - (crate::layout::group_body_height(g) - 6.0);
    let (x0, width) = (item.x + 10.0, item.w - 20.0);
    let mut x = x0;
    let bar: Vec<Html> = g
        .counts
        .iter()
        .map(|c| {
            let w = width * c.count as f64 / g.total.max(1) as f64;
            let seg = html! {
                <rect class={classes!("share", c.class())} x={coord(x)} y={top.to_string()}
                    width={coord(w.max(1.0))} height={GROUP_BAR_H.to_string()} rx="2" />
            };
            x += w;
            seg
        })
        .collect();
    let counts = g.counts.iter().enumerate().map(|(i, c)| {
        let cx = x0 + (i % 2) as f64 * (width / 2.0);
        let cy = top + GROUP_BAR_H + 6.0 + (i / 2) as f64 * GROUP_ROW_H;
        html! {
            <g class={classes!("count", c.class())}>
                <rect x={cx.to_string()} y={(cy + 2.0).to_string()} width="9" height="9" rx="2" />
                <text x={(cx + 14.0).to_string()} y={(cy + 10.5).to_string()}>{ format!("{} {}", thousands(c.count as u64), c.state.as_str()) }</text>
            </g>
        }
    });
    html! {
        <>
            { button }
            <g class="shares">{ for bar }</g>
            { for counts }
        </>
    }
}

#[derive(Properties)]
struct EdgesProps {
    layout: Rc<Layout>,
    window: Option<Rect>,
}

impl PartialEq for EdgesProps {
    fn eq(&self, other: &Self) -> bool {
        self.window == other.window
            && (Rc::ptr_eq(&self.layout, &other.layout) || self.layout.edges == other.layout.edges)
    }
}

/// The edges, under the boxes; an edge to a group says how many of its pods it stands for.
#[function_component(Edges)]
fn edges(props: &EdgesProps) -> Html {
    let shown = |e: &&Edge| props.window.is_none_or(|w| meets(w, e.a.0, e.a.1, e.b.0, e.b.1));
    html! {
        <g class="edges">
            { for props.layout.edges.iter().filter(shown).map(|e| html! {
                <line class={classes!("edge", e.class, (e.count > 1).then_some("bundle"))}
                    x1={coord(e.a.0)} y1={coord(e.a.1)} x2={coord(e.b.0)} y2={coord(e.b.1)} />
            }) }
            { for props.layout.edges.iter().filter(|e| e.count > 1).filter(shown).map(|e| html! {
                <text class="edge-count" x={coord(e.b.0)} y={coord(e.b.1 - 4.0)} text-anchor="middle">{ format!("×{}", thousands(e.count as u64)) }</text>
            }) }
        </g>
    }
}

#[derive(Properties)]
struct SceneProps {
    layout: Rc<Layout>,
    /// The drawn box of the selection (a collapsed group stands for its pods).
    selected: Option<String>,
    on_path: Rc<BTreeSet<String>>,
    events: BoxEvents,
    /// Only what meets this rectangle is drawn (`None`: everything).
    window: Option<Rect>,
}

impl PartialEq for SceneProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.layout, &other.layout)
            && self.selected == other.selected
            && self.on_path == other.on_path
            && self.events == other.events
            && self.window == other.window
    }
}

/// `(x0, y0, x1, y1)` in picture units.
type Rect = (f64, f64, f64, f64);

fn meets(r: Rect, x0: f64, y0: f64, x1: f64, y1: f64) -> bool {
    x0.min(x1) <= r.2 && x0.max(x1) >= r.0 && y0.min(y1) <= r.3 && y0.max(y1) >= r.1
}

/// Below this many boxes everything is always drawn, text included.
const DETAIL_ALWAYS_BELOW: usize = 400;
/// Text this small on screen (pixels) is not drawn in a large picture: unreadable, and text
/// is most of what the browser paints (2,000 pods: 100 ms frames with it, 17–33 ms without).
const TEXT_MIN_PX: f64 = 4.0;

/// The rectangle of the picture the scene draws: what the screen shows, with a margin, snapped
/// to a grid as coarse as half the screen, so that panning redraws the scene only when it
/// crosses a grid line (a few times per screen width) rather than on every frame.
fn scene_window(visible: Rect) -> Rect {
    let span = (visible.2 - visible.0).max(visible.3 - visible.1).max(1.0);
    let q = 2f64.powf((span / 2.0).log2().ceil());
    let lo = |v: f64| ((v - q / 2.0) / q).floor() * q;
    let hi = |v: f64| ((v + q / 2.0) / q).ceil() * q;
    (lo(visible.0), lo(visible.1), hi(visible.2), hi(visible.3))
}

/// Everything but the trace: unchanged while panning and zooming.
#[function_component(Scene)]
fn scene(props: &SceneProps) -> Html {
    let l = &props.layout;
    let boxed = |(index, item): (usize, &Item)| {
        html! {
            <ItemBox key={item.key.clone()} layout={l.clone()} {index}
                selected={props.selected.as_deref() == Some(item.key.as_str())}
                on_trace={props.on_path.contains(&item.key)} events={props.events.clone()} />
        }
    };
    let (fx, fy, fw, fh) = l.frame;
    let shown = |item: &&Item| {
        props
            .window
            .is_none_or(|w| meets(w, item.x, item.y, item.x + item.w, item.y + item.h))
    };
    html! {
        <g class="scene">
            <rect class="frame" x={fx.to_string()} y={fy.to_string()} width={fw.to_string()} height={fh.to_string()} rx="14" />
            <text class="frame-label" x={(fx + 12.0).to_string()} y={(fy + 22.0).to_string()}>{ "cluster" }</text>
            <Edges layout={l.clone()} window={props.window} />
            // Pods over their nodes.
            { for l.items.iter().enumerate().filter(|(_, i)| i.kind != BoxKind::Pod && shown(i)).map(boxed) }
            { for l.items.iter().enumerate().filter(|(_, i)| i.kind == BoxKind::Pod && shown(i)).map(boxed) }
        </g>
    }
}

#[function_component(Canvas)]
pub fn canvas(props: &CanvasProps) -> Html {
    // `None`: framed automatically (a double click on the background goes back to it).
    let view = use_mut_ref(|| None::<(View, (f64, f64))>);
    let drag = use_mut_ref(|| None::<Drag>);
    let redraw = use_force_update();
    let svg = use_node_ref();
    let overlay = use_node_ref();
    let frame = use_node_ref();
    // The view last drawn, the one a gesture shows on top of it, and the timer that redraws
    // once the wheel pauses.
    let drawn = use_mut_ref(|| None::<View>);
    let pending = use_mut_ref(|| None::<View>);
    let settle = use_mut_ref(|| None::<Timeout>);
    // The canvas on screen, measured after each render (it follows the window), except while
    // a gesture moves the SVG (its box is then not where it is drawn).
    let screen = use_mut_ref(|| None::<Screen>);
    {
        let (svg, frame, screen, pending, redraw) = (
            svg.clone(),
            frame.clone(),
            screen.clone(),
            pending.clone(),
            redraw.clone(),
        );
        use_effect(move || {
            if pending.borrow().is_some() {
                return;
            }
            let rect = |r: &NodeRef| r.cast::<web_sys::Element>().map(|e| e.get_bounding_client_rect());
            let now = rect(&frame).zip(rect(&svg)).map(|(f, s)| Screen {
                w: f.width(),
                h: f.height(),
                ox: (f.left() - s.left()).max(0.0),
                oy: (f.top() - s.top()).max(0.0),
            });
            if now != *screen.borrow() {
                *screen.borrow_mut() = now;
                redraw.force_update();
            }
        });
    }
    let size = |screen: &RefCell<Option<Screen>>| screen.borrow().map(Screen::size);
    // Groups the user expanded, and a counter bumped when a box is dragged (the moves live in
    // the app, which keeps them across applies).
    let toggled = use_mut_ref(BTreeSet::<String>::new);
    let moved = use_mut_ref(|| 0u64);
    // Set by a toggle: the picture grows or shrinks, but it is the same one (the view stays).
    let same_picture = use_mut_ref(|| false);
    let layout: Rc<Layout> = {
        let moves = props.moves.clone();
        let deps = (
            SameTopology(props.topology.clone()),
            *moved.borrow(),
            toggled.borrow().clone(),
        );
        use_memo(deps, move |(topology, _, toggled)| match &topology.0 {
            Some(t) => Rc::new(layout(t, &moves.borrow(), toggled)),
            None => Rc::new(Layout::default()),
        })
        .as_ref()
        .clone()
    };
    // The handlers are made once; they read the layout and the view of the latest render.
    let current = use_mut_ref(|| layout.clone());
    *current.borrow_mut() = layout.clone();
    let restamp = std::mem::take(&mut *same_picture.borrow_mut());
    let user = *view.borrow();
    if let (true, Some((v, _))) = (restamp, user) {
        set_view(&view, &layout, v);
    }

    let events = {
        let down = {
            let (drag, moves, view, screen, current) = (
                drag.clone(),
                props.moves.clone(),
                view.clone(),
                screen.clone(),
                current.clone(),
            );
            use_callback((), move |(key, e): (String, PointerEvent), _| {
                e.stop_propagation();
                let l = current.borrow().clone();
                let scale = view_now(&view, &l, size(&screen)).scale;
                let start = moves.borrow().get(&key).copied().unwrap_or((0.0, 0.0));
                *drag.borrow_mut() = Some(Drag::Item {
                    key,
                    x: f64::from(e.client_x()),
                    y: f64::from(e.client_y()),
                    start,
                    moved: false,
                    scale,
                });
            })
        };
        let link = {
            let drag = drag.clone();
            use_callback((), move |(service, e): (ObjectRef, PointerEvent), _| {
                e.stop_propagation();
                *drag.borrow_mut() = Some(Drag::Link { service });
            })
        };
        let toggle = {
            let (toggled, same_picture, redraw) = (toggled.clone(), same_picture.clone(), redraw.clone());
            use_callback((), move |key: String, _| {
                *same_picture.borrow_mut() = true;
                let mut t = toggled.borrow_mut();
                if !t.remove(&key) {
                    t.insert(key);
                }
                drop(t);
                redraw.force_update();
            })
        };
        let reveal = {
            let (view, screen, current, redraw) =
                (view.clone(), screen.clone(), current.clone(), redraw.clone());
            use_callback((), move |key: String, _| {
                let l = current.borrow().clone();
                let Some(item) = l.item(&key) else { return };
                let (w, h) = size(&screen).unwrap_or(GUESSED_SIZE);
                let v = view_now(&view, &l, Some((w, h)));
                // The button, in the box's top right corner.
                let (bx, by) = (item.x + item.w - TOGGLE_W - 6.0, item.y + 6.0);
                let on_screen = bx >= v.x
                    && by >= v.y
                    && bx + TOGGLE_W <= v.x + w / v.scale
                    && by + TOGGLE_H <= v.y + h / v.scale;
                if !on_screen {
                    // Its top centred, a little below the screen's top.
                    let centred = View {
                        x: item.x + item.w / 2.0 - w / v.scale / 2.0,
                        y: item.y - 20.0 / v.scale,
                        scale: v.scale,
                    };
                    set_view(&view, &l, centred);
                    redraw.force_update();
                }
            })
        };
        BoxEvents {
            down,
            link,
            toggle,
            reveal,
        }
    };

    // A pan or a zoom first moves the SVG elements as drawn (a CSS transform the compositor
    // applies without repainting them): the view is redrawn when the gesture pauses or ends,
    // or as soon as the moved elements would no longer cover the screen.
    let preview = {
        let (svg, overlay, drawn, pending, screen) = (
            svg.clone(),
            overlay.clone(),
            drawn.clone(),
            pending.clone(),
            screen.clone(),
        );
        let (view, current, redraw) = (view.clone(), current.clone(), redraw.clone());
        move |target: Option<View>| {
            let set_transform = |transform: Option<String>| {
                for r in [&svg, &overlay] {
                    if let Some(el) = r.cast::<web_sys::SvgElement>() {
                        let style = el.style();
                        let _ = match &transform {
                            Some(t) => style.set_property("transform", t),
                            None => style.remove_property("transform").map(drop),
                        };
                    }
                }
            };
            let shown = (*drawn.borrow())
                .zip(target)
                .zip(*screen.borrow())
                .and_then(|((d, t), sc)| covering_transform(d, t, sc));
            match (target, shown) {
                (Some(t), Some(transform)) => {
                    set_transform(Some(transform));
                    *pending.borrow_mut() = Some(t);
                }
                // Redraw at the target (or at what is shown, to end a gesture).
                (target, _) => {
                    if let Some(t) = target.or_else(|| pending.borrow_mut().take()) {
                        set_view(&view, &current.borrow(), t);
                    }
                    *pending.borrow_mut() = None;
                    set_transform(None);
                    redraw.force_update();
                }
            }
        }
    };
    // The view the user sees: a gesture's, or the one drawn.
    let seen = {
        let (pending, view, screen, current) =
            (pending.clone(), view.clone(), screen.clone(), current.clone());
        move || {
            let shown = *pending.borrow();
            shown.unwrap_or_else(|| view_now(&view, &current.borrow(), size(&screen)))
        }
    };
    let onwheel = {
        let (screen, frame, current, settle) =
            (screen.clone(), frame.clone(), current.clone(), settle.clone());
        let (preview, seen) = (preview.clone(), seen.clone());
        Callback::from(move |e: WheelEvent| {
            e.prevent_default();
            let l = current.borrow().clone();
            let on_screen = size(&screen).unwrap_or(GUESSED_SIZE);
            let v = seen();
            let (lo, hi) = scale_limits(&l, on_screen);
            let factor = if e.delta_y() < 0.0 { 1.1 } else { 1.0 / 1.1 };
            let scale = (v.scale * factor).clamp(lo, hi);
            // The picture point under the pointer stays under it.
            let (left, top) = frame
                .cast::<web_sys::Element>()
                .map(|el| {
                    let r = el.get_bounding_client_rect();
                    (r.left(), r.top())
                })
                .unwrap_or_default();
            let (sx, sy) = (f64::from(e.client_x()) - left, f64::from(e.client_y()) - top);
            let (px, py) = (v.x + sx / v.scale, v.y + sy / v.scale);
            preview(Some(View {
                x: px - sx / scale,
                y: py - sy / scale,
                scale,
            }));
            let preview = preview.clone();
            *settle.borrow_mut() = Some(Timeout::new(SETTLE_MS, move || preview(None)));
        })
    };
    let onpointerdown = {
        let (drag, seen) = (drag.clone(), seen.clone());
        Callback::from(move |e: PointerEvent| {
            *drag.borrow_mut() = Some(Drag::Pan {
                x: f64::from(e.client_x()),
                y: f64::from(e.client_y()),
                view: seen(),
            });
        })
    };
    let ondblclick = {
        let (view, pending, redraw) = (view.clone(), pending.clone(), redraw.clone());
        Callback::from(move |e: MouseEvent| {
            let on_box = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.closest("g.item").ok().flatten())
                .is_some();
            if !on_box {
                *view.borrow_mut() = None;
                *pending.borrow_mut() = None;
                redraw.force_update();
            }
        })
    };
    let onpointermove = {
        let (drag, moves, moved, redraw, preview) = (
            drag.clone(),
            props.moves.clone(),
            moved.clone(),
            redraw.clone(),
            preview.clone(),
        );
        Callback::from(move |e: PointerEvent| {
            let mut d = drag.borrow_mut();
            match d.as_mut() {
                Some(Drag::Pan { x, y, view: start }) => {
                    let dx = f64::from(e.client_x()) - *x;
                    let dy = f64::from(e.client_y()) - *y;
                    preview(Some(View {
                        x: start.x - dx / start.scale,
                        y: start.y - dy / start.scale,
                        scale: start.scale,
                    }));
                }
                Some(Drag::Item {
                    key,
                    x,
                    y,
                    start,
                    moved: has_moved,
                    scale,
                }) => {
                    let dx = (f64::from(e.client_x()) - *x) / *scale;
                    let dy = (f64::from(e.client_y()) - *y) / *scale;
                    if (dx.abs() + dy.abs()) * *scale > 3.0 {
                        *has_moved = true;
                    }
                    if *has_moved {
                        moves
                            .borrow_mut()
                            .insert(key.clone(), (start.0 + dx, start.1 + dy));
                        *moved.borrow_mut() += 1;
                        redraw.force_update();
                    }
                }
                Some(Drag::Link { .. }) | None => {}
            }
        })
    };
    let onpointerup = {
        let (drag, on_select, on_link, current) = (
            drag.clone(),
            props.on_select.clone(),
            props.on_link.clone(),
            current.clone(),
        );
        let preview = preview.clone();
        Callback::from(move |e: PointerEvent| {
            let l = current.borrow().clone();
            let object_of = |key: &str| l.item(key).and_then(|i| i.object.clone());
            let taken = drag.borrow_mut().take();
            match taken {
                Some(Drag::Pan { .. }) => preview(None),
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

    let Some(_) = &props.topology else {
        return html! { <p class="hint">{ "Apply some manifests to see the cluster." }</p> };
    };
    let path = props
        .trace
        .as_ref()
        .map(|t| trace_path(&layout, t))
        .unwrap_or_default();
    let on_path: Rc<BTreeSet<String>> = Rc::new(
        props
            .trace
            .as_ref()
            .map(|t| trace_keys(&layout, t))
            .unwrap_or_default()
            .into_iter()
            .collect_set(),
    );
    let selected = props
        .selected
        .as_ref()
        .and_then(|r| layout.drawn(&key_of(r)))
        .map(|i| i.key.clone());
    // What the screen shows, at what scale (before the first measure, a guess); the SVG
    // elements reach beyond it by the overscan.
    let on_screen = screen.borrow().unwrap_or(Screen {
        w: GUESSED_SIZE.0,
        h: GUESSED_SIZE.1,
        ox: 0.0,
        oy: 0.0,
    });
    let v = view_now(&view, &layout, Some(on_screen.size()));
    *drawn.borrow_mut() = Some(v);
    let (ox, oy) = (on_screen.ox / v.scale, on_screen.oy / v.scale);
    let (vx, vy, vw, vh) = v.view_box(on_screen.size());
    let (vx, vy, vw, vh) = (vx - ox, vy - oy, vw + 2.0 * ox, vh + 2.0 * oy);
    let view_box = format!("{vx:.2} {vy:.2} {vw:.2} {vh:.2}");
    let large = layout.items.len() >= DETAIL_ALWAYS_BELOW;
    let window = large.then(|| scene_window((vx, vy, vx + vw, vy + vh)));
    let far = large && 11.0 * v.scale < TEXT_MIN_PX;
    let polyline: String = path
        .iter()
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ");
    html! {
        <div class="canvas-frame" ref={frame}>
            // A group, not an image: the node groups' buttons are in it.
            <svg ref={svg} class={classes!("canvas", far.then_some("far"))} role="group" aria-label="Cluster canvas" viewBox={view_box.clone()}
                {onwheel} {onpointerdown} {onpointermove} {onpointerup} {ondblclick}>
                <Scene layout={layout.clone()} {selected} {on_path} {events} {window} />
                if path.len() >= 2 {
                    <polyline class="trace-path" points={polyline} />
                }
            </svg>
            // The packet on a layer of its own: its timer repaints only this.
            <svg ref={overlay} class="canvas-overlay" aria-hidden="true" viewBox={view_box}>
                if path.len() >= 2 {
                    <Packet points={path.clone()} generation={props.generation} />
                }
            </svg>
        </div>
    }
}
