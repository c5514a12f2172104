//! Where things go on the canvas: plain geometry over the core's `Topology` (no Kubernetes
//! decisions here — which pod a Service selects comes from `ServiceView::selects`). The
//! external client on the left, Ingresses and Gateways at the cluster's edge, Services in rows
//! inside the cluster frame, nodes below them holding their pods.
//!
//! Large clusters are drawn by groups: above [`GROUP_ABOVE`] pods in all, each node starts
//! collapsed and draws its pods as counts per state (a [`Group`]); the user expands the nodes
//! they want to see pod by pod. A Service's edges then go to the groups, one per node with the
//! number of pods it selects there, and a trace through a pod of a collapsed node highlights the
//! node. The grouping is presentation only: counts of the topology's pods per node.

use std::collections::{BTreeSet, HashMap};

use kroute::dataplane::route::{Hop, Step, Trace};
use kroute::view::{PodState, PodView, Topology};
use kroute::ObjectRef;

/// What a box stands for (its CSS class too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoxKind {
    Client,
    Internet,
    Ingress,
    Gateway,
    Service,
    Node,
    Pod,
    /// The pods no node took, as one group (grouped clusters only).
    Unscheduled,
}

impl BoxKind {
    pub fn class(self) -> &'static str {
        match self {
            BoxKind::Client => "client",
            BoxKind::Internet => "internet",
            BoxKind::Ingress => "ingress",
            BoxKind::Gateway => "gateway",
            BoxKind::Service => "service",
            BoxKind::Node => "node",
            BoxKind::Pod => "pod",
            BoxKind::Unscheduled => "unscheduled",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// `Kind/namespace/name` (`Kind/name` for cluster-scoped), or `client` / `internet`.
    pub key: String,
    pub kind: BoxKind,
    pub object: Option<ObjectRef>,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    pub title: String,
    /// Smaller lines under the title.
    pub lines: Vec<String>,
    /// A badge in the corner (Service type, pod state, sidecar…).
    pub badge: Option<String>,
    /// Extra CSS classes (pod state).
    pub class: String,
    /// A node's pods counted by state, when the cluster is drawn by groups.
    pub group: Option<Group>,
}

/// A node's pods (or the unscheduled ones) counted by state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The states that have pods, in [`STATES`] order.
    pub counts: Vec<StateCount>,
    pub total: usize,
    /// Its pods are drawn one by one (inside the box) rather than counted.
    pub expanded: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateCount {
    pub state: PodState,
    pub count: usize,
}

impl StateCount {
    /// The CSS class of the state's colour (the same as a pod box's).
    pub fn class(self) -> String {
        format!("state-{}", state_class(self.state))
    }
}

/// The order states are counted and drawn in.
pub const STATES: [PodState; 6] = [
    PodState::Ready,
    PodState::Pending,
    PodState::NotReady,
    PodState::Terminating,
    PodState::Failed,
    PodState::Succeeded,
];

/// Above this many pods in the cluster, nodes start collapsed into groups. A 2,000-pod cluster
/// is still drawn pod by pod (about 16,000 SVG elements with its Services' edges, which pan and
/// zoom smoothly); at 10,000 pods the boxes alone would be 40,000 elements and a first render
/// of several seconds, so each node shows its counts until it is expanded.
pub const GROUP_ABOVE: usize = 2_500;

/// The key of the unscheduled pods' group.
pub const UNSCHEDULED_KEY: &str = "unscheduled";

/// Counts per state, states without pods left out.
pub fn count_states<'a>(pods: impl IntoIterator<Item = &'a PodView>) -> Group {
    let mut counts = [0usize; STATES.len()];
    let mut total = 0;
    for p in pods {
        if let Some(i) = STATES.iter().position(|s| *s == p.state) {
            counts[i] += 1;
        }
        total += 1;
    }
    Group {
        counts: STATES
            .iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .map(|(state, count)| StateCount { state: *state, count })
            .collect(),
        total,
        expanded: false,
    }
}

/// A picture coordinate as the SVG attributes carry it: one decimal.
pub fn coord(v: f64) -> String {
    format!("{v:.1}")
}

/// `12345` → `12,345` (the one place counts get their thousands separators).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Item {
    pub fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    /// `selects`, `routes`.
    pub class: &'static str,
    /// How many pods the edge stands for: 1, or the pods a Service selects in a collapsed group.
    pub count: usize,
    /// Where it starts and ends (a Service's bottom to a pod's or group's top for `selects`,
    /// centre to centre otherwise).
    pub a: (f64, f64),
    pub b: (f64, f64),
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub items: Vec<Item>,
    pub edges: Vec<Edge>,
    /// The cluster frame.
    pub frame: (f64, f64, f64, f64),
    /// Drawn by groups (more than [`GROUP_ABOVE`] pods).
    pub grouped: bool,
    /// Item key → its position in `items`.
    pub index: HashMap<String, usize>,
    /// The key of each pod inside a collapsed group → the group's key.
    pub hidden: HashMap<String, String>,
}

impl Layout {
    pub fn item(&self, key: &str) -> Option<&Item> {
        self.index.get(key).and_then(|i| self.items.get(*i))
    }

    /// The box that stands for `key` on the canvas: itself, or the collapsed group holding it.
    pub fn drawn(&self, key: &str) -> Option<&Item> {
        self.item(key)
            .or_else(|| self.hidden.get(key).and_then(|group| self.item(group)))
    }
}

pub fn key_of(r: &ObjectRef) -> String {
    match &r.namespace {
        Some(ns) => format!("{}/{ns}/{}", r.kind, r.name),
        None => format!("{}/{}", r.kind, r.name),
    }
}

fn oref(kind: &str, ns: Option<&str>, name: &str) -> ObjectRef {
    ObjectRef {
        kind: kind.to_owned(),
        namespace: ns.map(str::to_owned),
        name: name.to_owned(),
    }
}

const POD_H: f64 = 40.0;
const NODE_W: f64 = 230.0;
const SERVICE_W: f64 = 200.0;
const SERVICE_H: f64 = 74.0;
const EDGE_W: f64 = 236.0;

fn pod_item(p: &PodView, x: f64, y: f64) -> Item {
    let mut title = p.name.clone();
    if let Some(o) = p.ordinal {
        title = format!("{title}  #{o}");
    }
    let badge = p.sidecar.map(|_| "sidecar".to_owned());
    Item {
        key: format!("Pod/{}/{}", p.namespace, p.name),
        kind: BoxKind::Pod,
        object: Some(oref("Pod", Some(&p.namespace), &p.name)),
        x,
        y,
        w: NODE_W - 20.0,
        h: POD_H - 6.0,
        title,
        lines: vec![format!(
            "{} · {}",
            p.ip.clone().unwrap_or_else(|| "no IP".into()),
            p.state.as_str()
        )],
        badge,
        class: format!("state-{}", state_class(p.state)),
        group: None,
    }
}

fn state_class(s: PodState) -> &'static str {
    match s {
        PodState::Pending => "pending",
        PodState::NotReady => "notready",
        PodState::Ready => "ready",
        PodState::Terminating => "terminating",
        PodState::Failed => "failed",
        PodState::Succeeded => "succeeded",
    }
}

/// Boxes per row: the canvas pane is narrow, so the picture grows downwards.
const PER_ROW: usize = 3;
const GAP: f64 = 16.0;

/// Lays out the topology; `moved` holds the user's drags (key → offset), `toggled` the groups
/// the user expanded (in a cluster drawn pod by pod there are no groups, and it is unused).
pub fn layout(t: &Topology, moved: &HashMap<String, (f64, f64)>, toggled: &BTreeSet<String>) -> Layout {
    layout_grouped_above(t, moved, toggled, GROUP_ABOVE)
}

/// [`layout`] with nodes grouped when the cluster has more than `group_above` pods.
pub fn layout_grouped_above(
    t: &Topology,
    moved: &HashMap<String, (f64, f64)>,
    toggled: &BTreeSet<String>,
    group_above: usize,
) -> Layout {
    let mut items = Vec::new();
    // (from, to, class): resolved into drawn edges once every box is placed.
    let mut links: Vec<(String, String, &'static str)> = Vec::new();
    // Outside the cluster, in the top rows: the client, the Internet, then the edge (Ingresses
    // and Gateways), three per row.
    let mut outside: Vec<Item> = vec![
        Item {
            key: "client".into(),
            kind: BoxKind::Client,
            object: None,
            x: 0.0,
            y: 0.0,
            w: EDGE_W,
            h: 52.0,
            title: "External client".into(),
            lines: vec![kroute::dataplane::route::DEFAULT_CLIENT_IP.to_owned()],
            badge: None,
            class: String::new(),
            group: None,
        },
        Item {
            key: "internet".into(),
            kind: BoxKind::Internet,
            object: None,
            x: 0.0,
            y: 0.0,
            w: EDGE_W,
            h: 52.0,
            title: "Outside the cluster".into(),
            lines: vec!["ExternalName, public names".into()],
            badge: None,
            class: String::new(),
            group: None,
        },
    ];
    for ing in &t.ingresses {
        let mut lines: Vec<String> = ing
            .paths
            .iter()
            .take(6)
            .map(|p| {
                format!(
                    "{}{} ({}) → {}",
                    p.host.clone().unwrap_or_else(|| "*".into()),
                    p.path,
                    p.path_type,
                    p.backend
                )
            })
            .collect();
        if ing.paths.len() > 6 {
            lines.push(format!("… {} more", ing.paths.len() - 6));
        }
        if let Some(d) = &ing.default_backend {
            lines.push(format!("default → {d}"));
        }
        let r = oref("Ingress", Some(&ing.namespace), &ing.name);
        for p in &ing.paths {
            if let Some(s) = &p.service {
                links.push((key_of(&r), key_of(s), "routes"));
            }
        }
        outside.push(Item {
            key: key_of(&r),
            kind: BoxKind::Ingress,
            object: Some(r),
            x: 0.0,
            y: 0.0,
            w: EDGE_W,
            h: 34.0 + 15.0 * lines.len() as f64,
            title: format!("Ingress {}", ing.name),
            lines,
            badge: ing.class.clone(),
            class: String::new(),
            group: None,
        });
    }
    for gw in &t.gateways {
        let mut lines: Vec<String> = gw
            .listeners
            .iter()
            .map(|l| {
                format!(
                    "{} :{} {}",
                    l.protocol,
                    l.port,
                    l.hostname.clone().unwrap_or_else(|| "*".into())
                )
            })
            .collect();
        let r = oref("Gateway", Some(&gw.namespace), &gw.name);
        for route in &gw.routes {
            lines.push(format!("HTTPRoute {}", route.name));
            for b in &route.backends {
                links.push((key_of(&r), key_of(b), "routes"));
            }
        }
        outside.push(Item {
            key: key_of(&r),
            kind: BoxKind::Gateway,
            object: Some(r),
            x: 0.0,
            y: 0.0,
            w: EDGE_W,
            h: 34.0 + 15.0 * lines.len() as f64,
            title: format!("Gateway {}", gw.name),
            lines,
            badge: Some(gw.class.clone()),
            class: String::new(),
            group: None,
        });
    }
    let mut y = 0.0;
    for row in outside.chunks_mut(PER_ROW) {
        let h = row.iter().map(|i| i.h).fold(0.0, f64::max);
        for (col, item) in row.iter_mut().enumerate() {
            item.x = col as f64 * (EDGE_W + GAP);
            item.y = y;
        }
        y += h + GAP;
    }
    items.extend(outside);
    // Inside the cluster frame: Services in rows, then nodes in rows holding their pods.
    let left = 20.0;
    let top = y + 50.0;
    for (i, svc) in t.services.iter().enumerate() {
        let (row, col) = (i / PER_ROW, i % PER_ROW);
        let r = oref("Service", Some(&svc.namespace), &svc.name);
        let ports: Vec<String> = svc
            .ports
            .iter()
            .map(|p| match p.node_port {
                Some(np) => format!("{}→{} :{np}", p.port, p.target_port),
                None => format!("{}→{}", p.port, p.target_port),
            })
            .collect();
        let address = if let Some(ip) = &svc.cluster_ip {
            ip.clone()
        } else if let Some(n) = &svc.external_name {
            format!("CNAME {n}")
        } else {
            "headless".to_owned()
        };
        let mut lines = vec![address, ports.join(", ")];
        if !svc.external_ips.is_empty() {
            lines.push(format!("external {}", svc.external_ips.join(", ")));
        }
        for p in &svc.selects {
            links.push((key_of(&r), key_of(p), "selects"));
        }
        if svc.external_name.is_some() {
            links.push((key_of(&r), "internet".into(), "routes"));
        }
        items.push(Item {
            key: key_of(&r),
            kind: BoxKind::Service,
            object: Some(r),
            x: left + col as f64 * (SERVICE_W + GAP),
            y: top + row as f64 * (SERVICE_H + GAP),
            w: SERVICE_W,
            h: SERVICE_H,
            title: if svc.namespace == "default" {
                svc.name.clone()
            } else {
                format!("{}/{}", svc.namespace, svc.name)
            },
            lines,
            badge: Some(svc.type_.clone()),
            class: String::new(),
            group: None,
        });
    }
    let rows = t.services.len().div_ceil(PER_ROW);
    let mut node_y = top + rows as f64 * (SERVICE_H + GAP) + if rows > 0 { 40.0 } else { 0.0 };
    let mut right = left + PER_ROW as f64 * (NODE_W + GAP);
    let node_ports: String = t
        .services
        .iter()
        .flat_map(|svc| {
            svc.ports
                .iter()
                .filter_map(move |p| p.node_port.map(|np| format!(":{np} {}", svc.name)))
        })
        .collect::<Vec<_>>()
        .join(", ");
    let pods = t.nodes.iter().map(|n| n.pods.len()).sum::<usize>() + t.unscheduled.len();
    let grouped = pods > group_above;
    // A group's pods are drawn when the user toggled it (every group starts collapsed).
    let group_of = |key: &str, pods: &[PodView]| {
        grouped.then(|| Group {
            expanded: toggled.contains(key),
            ..count_states(pods)
        })
    };
    let mut hidden: HashMap<String, String> = HashMap::new();
    for row in t.nodes.chunks(PER_ROW) {
        let mut row_h: f64 = 0.0;
        for (col, node) in row.iter().enumerate() {
            let x = left + col as f64 * (NODE_W + GAP);
            // Every node opens every NodePort (SPEC §2.4): listed on each node's edge.
            let header = 46.0 + if node_ports.is_empty() { 0.0 } else { 15.0 };
            let r = oref("Node", None, &node.name);
            let key = key_of(&r);
            let group = group_of(&key, &node.pods);
            let collapsed = group.as_ref().is_some_and(|g| !g.expanded);
            let h = match &group {
                Some(g) if collapsed => header + group_body_height(g),
                _ => header + 6.0 + node.pods.len() as f64 * POD_H,
            };
            if collapsed {
                hidden.extend(node.pods.iter().map(|p| (pod_key(p), key.clone())));
            }
            items.push(Item {
                key,
                kind: BoxKind::Node,
                object: Some(r),
                x,
                y: node_y,
                w: NODE_W,
                h,
                title: node.name.clone(),
                lines: [format!(
                    "{} · {}",
                    node.ip.clone().unwrap_or_default(),
                    node.zone.clone().unwrap_or_default()
                )]
                .into_iter()
                .chain((!node_ports.is_empty()).then(|| node_ports.clone()))
                .collect(),
                badge: None,
                class: String::new(),
                group,
            });
            if !collapsed {
                for (j, p) in node.pods.iter().enumerate() {
                    items.push(pod_item(p, x + 10.0, node_y + header + j as f64 * POD_H));
                }
            }
            row_h = row_h.max(h);
        }
        node_y += row_h + GAP;
    }
    let mut bottom = node_y;
    if !t.unscheduled.is_empty() {
        let group = group_of(UNSCHEDULED_KEY, &t.unscheduled);
        let mut pods_y = node_y;
        if let Some(g) = group {
            let h = 46.0 + group_body_height(&g);
            if g.expanded {
                pods_y += h + GAP;
            } else {
                hidden.extend(
                    t.unscheduled
                        .iter()
                        .map(|p| (pod_key(p), UNSCHEDULED_KEY.to_owned())),
                );
            }
            bottom = node_y + h + GAP;
            items.push(Item {
                key: UNSCHEDULED_KEY.to_owned(),
                kind: BoxKind::Unscheduled,
                object: None,
                x: left,
                y: node_y,
                w: NODE_W,
                h,
                title: "Not scheduled".to_owned(),
                lines: vec!["no node accepted these pods".to_owned()],
                badge: None,
                class: String::new(),
                group: Some(g),
            });
        }
        if pods_y > node_y || !grouped {
            for (j, p) in t.unscheduled.iter().enumerate() {
                let (row, col) = (j / PER_ROW, j % PER_ROW);
                items.push(pod_item(
                    p,
                    left + col as f64 * (NODE_W + GAP),
                    pods_y + row as f64 * POD_H,
                ));
            }
            bottom = pods_y + t.unscheduled.len().div_ceil(PER_ROW) as f64 * POD_H;
        }
    }
    for item in &mut items {
        // Text does not wrap in SVG: cut what would overflow the box (the inspector has it all).
        let chars = ((item.w - 16.0) / 6.7) as usize;
        let title_chars = if item.badge.is_some() || item.group.as_ref().is_some_and(|g| g.total > 0) {
            chars.saturating_sub(9)
        } else {
            chars
        } * 6
            / 7;
        item.title = cut(&item.title, title_chars);
        for line in &mut item.lines {
            *line = cut(line, chars);
        }
        if let Some((dx, dy)) = moved.get(&item.key) {
            item.x += dx;
            item.y += dy;
        }
    }
    for item in &items {
        right = right.max(item.x + item.w + GAP);
    }
    let frame = (
        left - 14.0,
        top - 36.0,
        PER_ROW as f64 * (NODE_W + GAP) + 12.0,
        bottom - top + 36.0,
    );
    let height = items.iter().map(|i| i.y + i.h).fold(bottom, f64::max) + GAP;
    let index: HashMap<String, usize> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (item.key.clone(), i))
        .collect();
    let edges = edges_between(&items, &index, &hidden, links);
    Layout {
        width: right,
        height,
        items,
        edges,
        frame,
        grouped,
        index,
        hidden,
    }
}

fn pod_key(p: &PodView) -> String {
    format!("Pod/{}/{}", p.namespace, p.name)
}

/// Rows of two state counts under a bar of the states' shares.
pub const GROUP_BAR_H: f64 = 10.0;
pub const GROUP_ROW_H: f64 = 16.0;

/// The height a collapsed group adds under its header (an expanded one draws its pods instead).
pub fn group_body_height(g: &Group) -> f64 {
    if g.expanded {
        return 6.0;
    }
    let rows = g.counts.len().div_ceil(2).max(1);
    6.0 + GROUP_BAR_H + 6.0 + rows as f64 * GROUP_ROW_H + 4.0
}

/// The drawn edges: an edge to a pod inside a collapsed group goes to the group instead, one
/// per (Service, group) with the number of pods it stands for; edges whose ends are not drawn
/// are left out. A group's incoming edges end at distinct points along its top, in order.
fn edges_between(
    items: &[Item],
    index: &HashMap<String, usize>,
    hidden: &HashMap<String, String>,
    links: Vec<(String, String, &'static str)>,
) -> Vec<Edge> {
    let mut edges: Vec<Edge> = Vec::with_capacity(links.len().min(4096));
    // (from, group) → the edge standing for its pods.
    let mut to_group: HashMap<(String, String), usize> = HashMap::new();
    for (from, to, class) in links {
        match hidden.get(&to) {
            Some(group) => match to_group.get(&(from.clone(), group.clone())) {
                Some(&i) => {
                    if let Some(e) = edges.get_mut(i) {
                        e.count += 1;
                    }
                }
                None => {
                    to_group.insert((from.clone(), group.clone()), edges.len());
                    edges.push(Edge {
                        from,
                        to: group.clone(),
                        class,
                        count: 1,
                        a: (0.0, 0.0),
                        b: (0.0, 0.0),
                    });
                }
            },
            None => edges.push(Edge {
                from,
                to,
                class,
                count: 1,
                a: (0.0, 0.0),
                b: (0.0, 0.0),
            }),
        }
    }
    let item = |key: &str| index.get(key).and_then(|i| items.get(*i));
    let is_group = |key: &str| item(key).is_some_and(|i| i.group.as_ref().is_some_and(|g| !g.expanded));
    // Each group's incoming `selects` edges, in order, share its top.
    let mut slots: HashMap<String, (usize, usize)> = HashMap::new();
    for e in edges.iter().filter(|e| e.class == "selects" && is_group(&e.to)) {
        slots.entry(e.to.clone()).or_insert((0, 0)).1 += 1;
    }
    let mut placed = Vec::with_capacity(edges.len());
    for mut e in edges {
        let (Some(from), Some(to)) = (item(&e.from), item(&e.to)) else {
            continue;
        };
        if e.class == "selects" {
            e.a = (from.x + from.w / 2.0, from.y + from.h);
            let share = slots.get_mut(&e.to).map(|(next, of)| {
                *next += 1;
                (*next, *of)
            });
            e.b = match share {
                Some((i, of)) => (to.x + to.w * i as f64 / (of + 1) as f64, to.y),
                None => (to.x + to.w / 2.0, to.y),
            };
        } else {
            e.a = from.center();
            e.b = to.center();
        }
        placed.push(e);
    }
    placed
}

/// `text`, cut to `max` characters with an ellipsis.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The box a hop passes through, if it is drawn.
fn hop_key(hop: &Hop) -> Option<String> {
    match &hop.step {
        // A client without an object (outside the cluster, kubectl on a laptop) is the client box.
        Step::Client { .. } => Some(hop.object.as_ref().map_or_else(|| "client".into(), key_of)),
        Step::Egress { .. } => Some("internet".into()),
        Step::Dns { .. } | Step::Endpoint(_) | Step::Mtls { .. } | Step::PortForward(_) => None,
        _ => hop.object.as_ref().map(key_of),
    }
}

/// The boxes a request visits, in order: a pod inside a collapsed group is its group.
fn trace_boxes<'l>(layout: &'l Layout, trace: &Trace) -> Vec<&'l Item> {
    let mut boxes: Vec<&Item> = Vec::new();
    for item in trace
        .hops
        .iter()
        .filter_map(hop_key)
        .filter_map(|k| layout.drawn(&k))
    {
        if boxes.last().is_none_or(|last| last.key != item.key) {
            boxes.push(item);
        }
    }
    boxes
}

/// The points a request visits, box centre to box centre.
pub fn trace_path(layout: &Layout, trace: &Trace) -> Vec<(f64, f64)> {
    trace_boxes(layout, trace).into_iter().map(Item::center).collect()
}

/// The keys of every box the trace went through (to highlight them).
pub fn trace_keys(layout: &Layout, trace: &Trace) -> Vec<String> {
    trace_boxes(layout, trace)
        .into_iter()
        .map(|i| i.key.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kroute::cluster::ClusterConfig;
    use kroute::manifest::{load_cluster, SETTLE_MS};

    #[test]
    fn node_ports_are_shown_on_every_node() {
        let loaded = load_cluster(
            kroute::examples::NODEPORT_YAML,
            ClusterConfig::default(),
            SETTLE_MS,
        )
        .unwrap();
        let l = layout(
            &kroute::view::topology(&loaded.cluster),
            &HashMap::new(),
            &BTreeSet::new(),
        );
        let nodes: Vec<&Item> = l.items.iter().filter(|i| i.kind == BoxKind::Node).collect();
        assert_eq!(nodes.len(), 3);
        for n in nodes {
            assert!(n.lines.iter().any(|line| line == ":31000 books"), "{:?}", n.lines);
        }
    }

    #[test]
    fn every_example_lays_out_without_overlap_and_its_trace_has_a_path() {
        // Pod by pod, and by groups (as if the example were large).
        for (ex, above) in kroute::examples::examples()
            .into_iter()
            .flat_map(|ex| [(ex.clone(), GROUP_ABOVE), (ex, 0)])
        {
            let mut loaded = load_cluster(ex.yaml, ClusterConfig::default(), SETTLE_MS).unwrap();
            let t = kroute::view::topology(&loaded.cluster);
            let l = layout_grouped_above(&t, &HashMap::new(), &BTreeSet::new(), above);
            // Boxes of the same layer never overlap (pods sit inside their node on purpose).
            let same_layer = |a: &Item, b: &Item| (a.kind == BoxKind::Pod) == (b.kind == BoxKind::Pod);
            for (i, a) in l.items.iter().enumerate() {
                for b in l.items.iter().skip(i + 1) {
                    if a.kind == BoxKind::Node && b.kind == BoxKind::Pod || !same_layer(a, b) {
                        continue;
                    }
                    let apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
                    assert!(apart, "{}: {} overlaps {}", ex.id, a.key, b.key);
                }
            }
            // Every edge joins two drawn boxes.
            for e in &l.edges {
                assert!(l.items.iter().any(|i| i.key == e.from), "{}: {}", ex.id, e.from);
                assert!(l.items.iter().any(|i| i.key == e.to), "{}: {}", ex.id, e.to);
            }
            let trace = loaded.cluster.route(&ex.request).unwrap();
            let path = trace_path(&l, &trace);
            assert!(path.len() >= 2, "{}: {path:?}", ex.id);
        }
    }

    /// A topology without a cluster behind it: `nodes[i]` pods in the given states on node `i`,
    /// `unscheduled` pending pods, and Services that select every pod.
    fn synthetic(nodes: &[&[(PodState, usize)]], unscheduled: usize, services: usize) -> Topology {
        let pod = |name: String, node: Option<String>, state: PodState| PodView {
            namespace: "default".into(),
            name,
            ip: None,
            node,
            state,
            ordinal: None,
            owner: None,
            sidecar: None,
            labels: Default::default(),
        };
        let nodes: Vec<kroute::view::NodeView> = nodes
            .iter()
            .enumerate()
            .map(|(i, states)| {
                let name = format!("node-{i}");
                let pods = states
                    .iter()
                    .flat_map(|(state, n)| std::iter::repeat_n(*state, *n))
                    .enumerate()
                    .map(|(j, state)| pod(format!("p-{i}-{j}"), Some(name.clone()), state))
                    .collect();
                kroute::view::NodeView {
                    name,
                    ip: Some(format!("172.18.0.{}", i + 2)),
                    zone: None,
                    pods,
                }
            })
            .collect();
        let unscheduled: Vec<PodView> = (0..unscheduled)
            .map(|j| pod(format!("u-{j}"), None, PodState::Pending))
            .collect();
        let every_pod: Vec<ObjectRef> = nodes
            .iter()
            .flat_map(|n| n.pods.iter())
            .chain(&unscheduled)
            .map(|p| oref("Pod", Some(&p.namespace), &p.name))
            .collect();
        let services = (0..services)
            .map(|i| kroute::view::ServiceView {
                namespace: "default".into(),
                name: format!("svc-{i}"),
                type_: "ClusterIP".into(),
                cluster_ip: Some(format!("10.96.0.{}", i + 10)),
                headless: false,
                ports: Vec::new(),
                external_ips: Vec::new(),
                external_name: None,
                selector: Some("app=web".into()),
                selects: every_pod.clone(),
                routes: Vec::new(),
            })
            .collect();
        Topology {
            nodes,
            unscheduled,
            services,
            ingresses: Vec::new(),
            gateways: Vec::new(),
        }
    }

    fn ready(n: usize) -> Vec<(PodState, usize)> {
        vec![(PodState::Ready, n)]
    }

    #[test]
    fn clusters_above_the_threshold_are_drawn_by_groups_whose_counts_add_up() {
        struct Case {
            name: &'static str,
            nodes: Vec<Vec<(PodState, usize)>>,
            unscheduled: usize,
            toggled: &'static [&'static str],
            grouped: bool,
            pod_boxes: usize,
            /// Edges from each of the 2 Services: (to single pods, to groups).
            edges_per_service: (usize, usize),
        }
        let cases = [
            Case {
                name: "2,000 pods on 20 nodes: pod by pod",
                nodes: vec![ready(100); 20],
                unscheduled: 0,
                toggled: &[],
                grouped: false,
                pod_boxes: 2_000,
                edges_per_service: (2_000, 0),
            },
            Case {
                name: "exactly the threshold: pod by pod",
                nodes: vec![ready(500); 5],
                unscheduled: 0,
                toggled: &[],
                grouped: false,
                pod_boxes: 2_500,
                edges_per_service: (2_500, 0),
            },
            Case {
                name: "one more: every node counted",
                nodes: vec![ready(500); 5],
                unscheduled: 1,
                toggled: &[],
                grouped: true,
                pod_boxes: 0,
                edges_per_service: (0, 6),
            },
            Case {
                name: "10,000 pods on 100 nodes, two expanded",
                nodes: vec![ready(100); 100],
                unscheduled: 0,
                toggled: &["Node/node-3", "Node/node-70"],
                grouped: true,
                pod_boxes: 200,
                edges_per_service: (200, 98),
            },
            Case {
                name: "the unscheduled pods expanded",
                nodes: vec![ready(1_000); 3],
                unscheduled: 7,
                toggled: &[UNSCHEDULED_KEY],
                grouped: true,
                pod_boxes: 7,
                edges_per_service: (7, 3),
            },
            Case {
                name: "a node expanded, then the toggle of a node that does not exist",
                nodes: vec![ready(1_300); 2],
                unscheduled: 0,
                toggled: &["Node/node-1", "Node/gone"],
                grouped: true,
                pod_boxes: 1_300,
                edges_per_service: (1_300, 1),
            },
        ];
        for c in cases {
            let nodes: Vec<&[(PodState, usize)]> = c.nodes.iter().map(Vec::as_slice).collect();
            let t = synthetic(&nodes, c.unscheduled, 2);
            let toggled: BTreeSet<String> = c.toggled.iter().map(|k| (*k).to_owned()).collect();
            let l = layout(&t, &HashMap::new(), &toggled);
            let total: usize = c.nodes.iter().flatten().map(|(_, n)| n).sum::<usize>() + c.unscheduled;
            assert_eq!(l.grouped, c.grouped, "{}", c.name);
            let pods = l.items.iter().filter(|i| i.kind == BoxKind::Pod).count();
            assert_eq!(pods, c.pod_boxes, "{}", c.name);
            // Every pod is drawn or counted in exactly one group.
            assert_eq!(pods + l.hidden.len(), total, "{}", c.name);
            if c.grouped {
                let groups: Vec<&Group> = l.items.iter().filter_map(|i| i.group.as_ref()).collect();
                assert_eq!(groups.iter().map(|g| g.total).sum::<usize>(), total, "{}", c.name);
                for g in &groups {
                    assert_eq!(
                        g.counts.iter().map(|s| s.count).sum::<usize>(),
                        g.total,
                        "{}",
                        c.name
                    );
                }
                let expanded = groups.iter().filter(|g| g.expanded).count();
                assert_eq!(
                    expanded,
                    c.toggled.iter().filter(|k| l.item(k).is_some()).count(),
                    "{}",
                    c.name
                );
            } else {
                assert!(l.items.iter().all(|i| i.group.is_none()), "{}", c.name);
            }
            for svc in ["Service/default/svc-0", "Service/default/svc-1"] {
                let from: Vec<&Edge> = l.edges.iter().filter(|e| e.from == svc).collect();
                let singles = from
                    .iter()
                    .filter(|e| e.count == 1 && !l.hidden.contains_key(&e.to));
                let singles = singles
                    .filter(|e| l.item(&e.to).is_some_and(|i| i.kind == BoxKind::Pod))
                    .count();
                let to_groups = from.len() - singles;
                assert_eq!((singles, to_groups), c.edges_per_service, "{}: {svc}", c.name);
                // The edges stand for every pod the Service selects.
                assert_eq!(
                    from.iter().map(|e| e.count).sum::<usize>(),
                    total,
                    "{}: {svc}",
                    c.name
                );
            }
        }
    }

    #[test]
    fn a_group_counts_its_pods_by_state_in_a_fixed_order() {
        use PodState::*;
        // (pods of the node, expected counts)
        type Pods = &'static [(PodState, usize)];
        let cases: [(Pods, Pods); 4] = [
            (&[(Ready, 3000)], &[(Ready, 3000)]),
            (
                &[
                    (Failed, 1),
                    (Pending, 2),
                    (Ready, 2990),
                    (NotReady, 4),
                    (Terminating, 3),
                ],
                &[
                    (Ready, 2990),
                    (Pending, 2),
                    (NotReady, 4),
                    (Terminating, 3),
                    (Failed, 1),
                ],
            ),
            (
                &[(Succeeded, 2), (Pending, 2999)],
                &[(Pending, 2999), (Succeeded, 2)],
            ),
            (&[], &[]),
        ];
        for (pods, expected) in cases {
            let t = synthetic(&[pods, &[(Ready, 2_600)]], 0, 0);
            let l = layout(&t, &HashMap::new(), &BTreeSet::new());
            let g = l
                .item("Node/node-0")
                .and_then(|i| i.group.clone())
                .expect("a group");
            let got: Vec<(PodState, usize)> = g.counts.iter().map(|c| (c.state, c.count)).collect();
            assert_eq!(got, expected);
            assert_eq!(g.total, pods.iter().map(|(_, n)| n).sum::<usize>());
            // The box grows with the rows of counts (two per row), and holds them.
            let node = l.item("Node/node-0").expect("drawn");
            assert_eq!(node.h, 46.0 + group_body_height(&g));
        }
    }

    #[test]
    fn a_collapsed_groups_edges_share_its_top_and_stay_inside_it() {
        let t = synthetic(&[&ready(1_000), &ready(1_000), &ready(1_000)], 0, 3);
        let l = layout(&t, &HashMap::new(), &BTreeSet::new());
        for node in l.items.iter().filter(|i| i.kind == BoxKind::Node) {
            let mut xs: Vec<f64> = l
                .edges
                .iter()
                .filter(|e| e.to == node.key)
                .map(|e| e.b.0)
                .collect();
            assert_eq!(xs.len(), 3, "{}", node.key);
            assert!(l
                .edges
                .iter()
                .filter(|e| e.to == node.key)
                .all(|e| e.count == 1_000 && e.b.1 == node.y));
            xs.dedup();
            assert_eq!(xs.len(), 3, "{}: distinct ends", node.key);
            assert!(
                xs.iter().all(|x| *x > node.x && *x < node.x + node.w),
                "{}",
                node.key
            );
        }
    }

    #[test]
    fn a_trace_through_a_pod_of_a_collapsed_node_highlights_the_node() {
        let mut loaded = load_cluster(
            kroute::examples::NODEPORT_YAML,
            ClusterConfig::default(),
            SETTLE_MS,
        )
        .unwrap();
        let t = kroute::view::topology(&loaded.cluster);
        let ex = kroute::examples::examples()
            .into_iter()
            .find(|e| e.yaml == kroute::examples::NODEPORT_YAML)
            .expect("the NodePort example");
        let trace = loaded.cluster.route(&ex.request).unwrap();
        let pod = trace.pod().map(key_of).expect("delivered");
        let node = t
            .nodes
            .iter()
            .find(|n| n.pods.iter().any(|p| pod_key(p) == pod))
            .map(|n| format!("Node/{}", n.name))
            .expect("scheduled");
        // (threshold, expanded nodes, the box standing for the pod)
        let cases: [(usize, &[&str], &str); 3] =
            [(GROUP_ABOVE, &[], &pod), (0, &[], &node), (0, &[&node], &pod)];
        for (above, toggled, drawn) in cases {
            let toggled: BTreeSet<String> = toggled.iter().map(|k| (*k).to_owned()).collect();
            let l = layout_grouped_above(&t, &HashMap::new(), &toggled, above);
            let keys = trace_keys(&l, &trace);
            assert_eq!(
                keys.last().map(String::as_str),
                Some(drawn),
                "{above} {toggled:?}"
            );
            let path = trace_path(&l, &trace);
            assert_eq!(path.last().copied(), l.item(drawn).map(Item::center));
            // Consecutive hops in the same box are one point.
            assert!(keys.windows(2).all(|w| w[0] != w[1]), "{keys:?}");
        }
    }

    #[test]
    fn thousands_are_separated() {
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1_000, "1,000"),
            (10_000, "10,000"),
            (1_234_567, "1,234,567"),
        ] {
            assert_eq!(thousands(n as u64), text);
        }
    }
}
