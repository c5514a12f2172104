//! Where things go on the canvas: plain geometry over the core's `Topology` (no Kubernetes
//! decisions here — which pod a Service selects comes from `ServiceView::selects`). The
//! external client on the left, Ingresses and Gateways at the cluster's edge, Services in rows
//! inside the cluster frame, nodes below them holding their pods.

use std::collections::HashMap;

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
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub items: Vec<Item>,
    pub edges: Vec<Edge>,
    /// The cluster frame.
    pub frame: (f64, f64, f64, f64),
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

/// Lays out the topology; `moved` holds the user's drags (key → offset).
pub fn layout(t: &Topology, moved: &HashMap<String, (f64, f64)>) -> Layout {
    let mut items = Vec::new();
    let mut edges = Vec::new();
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
                edges.push(Edge {
                    from: key_of(&r),
                    to: key_of(s),
                    class: "routes",
                });
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
                edges.push(Edge {
                    from: key_of(&r),
                    to: key_of(b),
                    class: "routes",
                });
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
            edges.push(Edge {
                from: key_of(&r),
                to: key_of(p),
                class: "selects",
            });
        }
        if svc.external_name.is_some() {
            edges.push(Edge {
                from: key_of(&r),
                to: "internet".into(),
                class: "routes",
            });
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
    for row in t.nodes.chunks(PER_ROW) {
        let mut row_h: f64 = 0.0;
        for (col, node) in row.iter().enumerate() {
            let x = left + col as f64 * (NODE_W + GAP);
            // Every node opens every NodePort (SPEC §2.4): listed on each node's edge.
            let header = 46.0 + if node_ports.is_empty() { 0.0 } else { 15.0 };
            let h = header + 6.0 + node.pods.len() as f64 * POD_H;
            let r = oref("Node", None, &node.name);
            items.push(Item {
                key: key_of(&r),
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
            });
            for (j, p) in node.pods.iter().enumerate() {
                items.push(pod_item(p, x + 10.0, node_y + header + j as f64 * POD_H));
            }
            row_h = row_h.max(h);
        }
        node_y += row_h + GAP;
    }
    for (j, p) in t.unscheduled.iter().enumerate() {
        let (row, col) = (j / PER_ROW, j % PER_ROW);
        items.push(pod_item(
            p,
            left + col as f64 * (NODE_W + GAP),
            node_y + row as f64 * POD_H,
        ));
    }
    let bottom = node_y + t.unscheduled.len().div_ceil(PER_ROW) as f64 * POD_H;
    for item in &mut items {
        // Text does not wrap in SVG: cut what would overflow the box (the inspector has it all).
        let chars = ((item.w - 16.0) / 6.7) as usize;
        let title_chars = if item.badge.is_some() {
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
    Layout {
        width: right,
        height,
        items,
        edges,
        frame,
    }
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

/// The points a request visits, box centre to box centre.
pub fn trace_path(layout: &Layout, trace: &Trace) -> Vec<(f64, f64)> {
    let mut keys: Vec<String> = Vec::new();
    for hop in &trace.hops {
        if let Some(k) = hop_key(hop) {
            if keys.last() != Some(&k) {
                keys.push(k);
            }
        }
    }
    keys.iter()
        .filter_map(|k| layout.items.iter().find(|i| &i.key == k))
        .map(Item::center)
        .collect()
}

/// The keys of every box the trace went through (to highlight them).
pub fn trace_keys(trace: &Trace) -> Vec<String> {
    trace.hops.iter().filter_map(hop_key).collect()
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
        let l = layout(&kroute::view::topology(&loaded.cluster), &HashMap::new());
        let nodes: Vec<&Item> = l.items.iter().filter(|i| i.kind == BoxKind::Node).collect();
        assert_eq!(nodes.len(), 3);
        for n in nodes {
            assert!(n.lines.iter().any(|line| line == ":31000 books"), "{:?}", n.lines);
        }
    }

    #[test]
    fn every_example_lays_out_without_overlap_and_its_trace_has_a_path() {
        for ex in kroute::examples::examples() {
            let mut loaded = load_cluster(ex.yaml, ClusterConfig::default(), SETTLE_MS).unwrap();
            let t = kroute::view::topology(&loaded.cluster);
            let l = layout(&t, &HashMap::new());
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
}
