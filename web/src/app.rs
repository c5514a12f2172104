//! The page shell: a header, the three panes the playground grows into, and — in the Canvas
//! pane — the simulated cluster's nodes as the kroute core computes them (a real cluster model
//! running in the page, not a mock-up).
//!
//! The panes that are not built yet say so.

use kroute::cluster::{Cluster, ClusterConfig};
use kroute::controllers::nodes::NodeSummary;
use yew::prelude::*;

/// The line under the heading.
pub const TAGLINE: &str = "See why a request lands where it does — Kubernetes networking, simulated";

/// One of the three panes of the playground, described by what it is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PanePlan {
    /// The pane's heading.
    pub title: &'static str,
    /// One sentence on what the pane is for.
    pub plan: &'static str,
}

/// The panes in page order, left to right.
pub const PANES: [PanePlan; 3] = [
    PanePlan {
        title: "Manifests",
        plan: "Where you will write Services, Deployments, Ingresses and Gateways as YAML.",
    },
    PanePlan {
        title: "Canvas",
        plan: "The cluster, with the path a request takes through it.",
    },
    PanePlan {
        title: "Inspector",
        plan: "Where each hop will explain itself: which rule matched, and why the others lost.",
    },
];

/// The cluster every visitor starts from: the core's defaults (SPEC §11's address plan).
pub fn default_nodes() -> Vec<NodeSummary> {
    match Cluster::new(ClusterConfig::default()) {
        Ok(cluster) => cluster.node_summaries(),
        Err(_) => Vec::new(),
    }
}

/// The caption of the nodes table.
pub fn nodes_caption(count: usize) -> String {
    format!("Simulated cluster: {count} nodes, computed by the kroute core")
}

fn or_dash(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "—".to_owned())
}

fn nodes_table(nodes: &[NodeSummary]) -> Html {
    html! {
        <table class="nodes" aria-label="Nodes">
            <caption>{ nodes_caption(nodes.len()) }</caption>
            <thead>
                <tr><th>{ "Node" }</th><th>{ "InternalIP" }</th><th>{ "Pod CIDR" }</th><th>{ "Zone" }</th></tr>
            </thead>
            <tbody>
                { for nodes.iter().map(|n| html! {
                    <tr>
                        <td>{ &n.name }</td>
                        <td>{ or_dash(&n.internal_ip) }</td>
                        <td>{ or_dash(&n.pod_cidr) }</td>
                        <td>{ or_dash(&n.zone) }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

fn pane(plan: &PanePlan, body: Html) -> Html {
    html! {
        <section class="pane" aria-label={plan.title}>
            <h2>{ plan.title }</h2>
            <p class="plan">{ plan.plan }</p>
            { body }
        </section>
    }
}

fn not_yet() -> Html {
    html! { <p class="not-yet">{ "Not built yet." }</p> }
}

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let nodes = use_memo((), |_| default_nodes());
    html! {
        <>
            <header class="masthead">
                <h1>{ "kroute" }</h1>
                <p class="tagline">{ TAGLINE }</p>
            </header>
            <p class="early">
                { "Early days: the cluster model runs in your browser; editing manifests and routing requests come next." }
            </p>
            <main class="panes">
                { pane(&PANES[0], not_yet()) }
                { pane(&PANES[1], nodes_table(&nodes)) }
                { pane(&PANES[2], not_yet()) }
            </main>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_starts_from_the_cores_default_cluster() {
        // (name, InternalIP, pod CIDR, zone): SPEC §11's address plan.
        let expected = [
            ("node-1", "172.18.0.2", "10.244.1.0/24", "zone-a"),
            ("node-2", "172.18.0.3", "10.244.2.0/24", "zone-b"),
            ("node-3", "172.18.0.4", "10.244.3.0/24", "zone-c"),
        ];
        let nodes = default_nodes();
        assert_eq!(nodes.len(), expected.len());
        for (n, (name, ip, cidr, zone)) in nodes.iter().zip(expected) {
            assert_eq!(n.name, name);
            assert_eq!(n.internal_ip.as_deref(), Some(ip));
            assert_eq!(n.pod_cidr.as_deref(), Some(cidr));
            assert_eq!(n.zone.as_deref(), Some(zone));
        }
    }

    #[test]
    fn missing_values_show_as_a_dash() {
        assert_eq!(or_dash(&None), "—");
        assert_eq!(or_dash(&Some("x".to_owned())), "x");
    }
}
