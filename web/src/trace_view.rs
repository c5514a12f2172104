//! The Trace panel: the verdict, then each hop as a step of a timeline with what the core said
//! about it — what matched, the candidates that lost and why, the rewrites, the probability.
//! Every fact shown is a field of the core's `Trace`; the full data of each hop is one click
//! away, rendered as it is.

use kroute::dataplane::route::{Fate, Hop, HttpWhy, Step, Trace, Verdict};
use kroute::json::{ToJson, Value};
use yew::prelude::*;

use crate::state::SendResult;

#[derive(Properties, PartialEq)]
pub struct TraceProps {
    pub result: Option<SendResult>,
}

/// The `kind` of a reason, as the core names it.
fn kind_of(v: &impl ToJson) -> String {
    v.to_json()["kind"].as_str().unwrap_or_default().to_owned()
}

/// The verdict in one line.
pub fn verdict_text(v: &Verdict) -> String {
    match v {
        Verdict::Delivered {
            pod,
            ip,
            port,
            source_ip,
        } => {
            format!("Delivered to {pod} at {ip}:{port} (the pod sees the client as {source_ip})")
        }
        Verdict::Http { status, by, why } => {
            let why = match why {
                HttpWhy::HttpsRedirect { location } => format!("redirect to {location}"),
                other => kind_of(other),
            };
            format!("HTTP {status} from {by}: {why}")
        }
        // The reason's own `kind` (the verdict's JSON carries it as `why.kind`; asking the
        // reason alone keeps the whole verdict's writer out of the wasm).
        Verdict::Rejected { why } => format!("Connection refused: {}", kind_of(why)),
        Verdict::Dropped { why } => format!("Dropped (the client times out): {}", kind_of(why)),
        Verdict::NoRoute { why } => format!("No route: {}", kind_of(why)),
        Verdict::DnsFailure { name } => format!("DNS: {name} does not resolve (NXDOMAIN)"),
        Verdict::LeftCluster { host } => format!("Left the cluster for {host}"),
    }
}

fn verdict_class(v: &Verdict) -> &'static str {
    match v {
        Verdict::Delivered { .. } | Verdict::LeftCluster { .. } => "ok",
        Verdict::Http { status, .. } if *status < 400 => "ok",
        _ => "fail",
    }
}

/// A hop's title.
pub fn hop_title(h: &Hop) -> String {
    let object = h.object.as_ref().map(|o| format!(" {o}")).unwrap_or_default();
    let what = match &h.step {
        Step::Client { ip, .. } => format!("Client {ip}"),
        Step::Dns { answer, .. } => format!("DNS {}", answer.query),
        Step::LoadBalancer(lb) => format!("Load balancer {}:{}", lb.ip, lb.port),
        Step::Node { name, ip, .. } => format!("Node {name} ({ip})"),
        Step::KubeProxy(k) => format!("kube-proxy on {} ({:?})", k.node, k.mode),
        Step::Ingress { .. } => "Ingress controller".into(),
        Step::Gateway { .. } => "Gateway".into(),
        Step::Sidecar(s) => format!("Sidecar ({:?}, {:?})", s.mesh, s.direction),
        Step::Mtls { .. } => "mTLS".into(),
        Step::Service(s) => format!("Service ({}) port {}", s.type_, s.port.port),
        Step::Endpoint(e) => format!("Endpoint {}", e.address),
        Step::Pod(p) => format!("Pod {}:{}", p.ip, p.port),
        Step::PortForward(pf) => format!("kubectl port-forward {}:{}", pf.local_port, pf.remote_port),
        Step::Egress { host } => format!("Out of the cluster: {host}"),
    };
    format!("{what}{object}")
}

/// Endpoints listed per kube-proxy hop (the inspector's EndpointSlices have them all).
pub const ENDPOINTS_LISTED: usize = 12;

/// Slice names listed per Service hop (a Service of 10,000 pods has 100 of them).
pub const SLICES_LISTED: usize = 6;

/// `a, b, c` — or the first `limit` and how many more.
fn listed(names: &[String], limit: usize) -> String {
    let shown = names.iter().take(limit).cloned().collect::<Vec<_>>().join(", ");
    match names.len().saturating_sub(limit) {
        0 => shown,
        more => format!("{shown} … and {more} more"),
    }
}

/// The reasons worth reading at a glance, one line each.
pub fn hop_lines(h: &Hop) -> Vec<String> {
    let mut out = Vec::new();
    match &h.step {
        Step::Dns { answer, picked } => {
            for a in &answer.attempts {
                let v = a.to_json();
                let fqdn = v.get("fqdn").and_then(Value::as_str).unwrap_or_default();
                let outcome = v.get("outcome").and_then(Value::as_str).unwrap_or_default();
                let why = v
                    .get("why")
                    .and_then(|w| w.get("reason"))
                    .and_then(Value::as_str)
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default();
                out.push(format!("tried {fqdn}: {outcome}{why}"));
            }
            let ips = answer.addresses();
            if !ips.is_empty() {
                out.push(format!("answer: {}", ips.join(", ")));
            }
            if let Some(p) = picked {
                out.push(format!("the client picked {} of {} addresses", p.ip, p.among));
            }
        }
        Step::LoadBalancer(lb) => {
            for n in &lb.nodes {
                let hc = n
                    .health_check
                    .map(|c| {
                        format!(
                            " — health check :{} → {} ({} local)",
                            c.node_port, c.status, c.local_endpoints
                        )
                    })
                    .unwrap_or_default();
                out.push(format!(
                    "{} {}{hc}",
                    n.node,
                    if n.healthy { "healthy" } else { "unhealthy" }
                ));
            }
            out.push(format!(
                "sent to {}{}",
                lb.chosen,
                if lb.fail_open { " (fail open)" } else { "" }
            ));
        }
        Step::KubeProxy(k) => {
            out.push(format!(
                "{} {}{}",
                k.policy.field,
                if k.policy.local { "Local" } else { "Cluster" },
                if k.policy.short_circuited {
                    " (ignored: traffic from inside uses the Cluster set)"
                } else {
                    ""
                }
            ));
            // A Service of thousands: the chosen endpoint and the first others, then a count.
            let chosen = k.endpoints.iter().position(|e| e.fate == Fate::Chosen);
            let mut room = ENDPOINTS_LISTED.saturating_sub(usize::from(chosen.is_some()));
            let listed: Vec<&kroute::dataplane::route::EndpointCandidate> = k
                .endpoints
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    let keep = Some(*i) == chosen || room > 0;
                    if keep && Some(*i) != chosen {
                        room -= 1;
                    }
                    keep
                })
                .map(|(_, e)| e)
                .collect();
            let shown = listed.len();
            for e in listed {
                let fate = match &e.fate {
                    Fate::Chosen => "chosen".to_owned(),
                    Fate::Candidate => "candidate".to_owned(),
                    Fate::Excluded { why } => format!("excluded: {}", kind_of(why)),
                };
                out.push(format!(
                    "{} {} on {} — {fate}",
                    e.address,
                    e.pod.clone().unwrap_or_default(),
                    e.node.clone().unwrap_or_default()
                ));
            }
            if shown < k.endpoints.len() {
                out.push(format!("… and {} more endpoints", k.endpoints.len() - shown));
            }
            if k.terminating_fallback {
                out.push("no ready endpoint: serving-terminating ones are used".into());
            }
            if let Some(a) = &k.affinity {
                out.push(format!("session affinity: {}", kind_of(a)));
            }
        }
        Step::Ingress { decision, tls, .. } => {
            for r in &decision.reasons {
                out.push(compact(&r.to_json()));
            }
            if let Some(t) = tls {
                out.push(format!(
                    "TLS certificate: {}",
                    t.secret_name.clone().unwrap_or_else(|| "default".into())
                ));
            }
        }
        Step::Gateway { decision, .. } => {
            if let Some(l) = &decision.reasons.listener {
                out.push(format!("listener: {}", compact(&l.to_json())));
            }
            for c in &decision.reasons.candidates {
                out.push(format!(
                    "{} rule {}: {}",
                    c.route,
                    c.rule,
                    compact(&c.outcome.to_json())
                ));
            }
            for b in &decision.reasons.backends {
                out.push(format!("backend {} — {:.0}%", b.backend.name, b.share * 100.0));
            }
        }
        Step::Sidecar(s) => {
            if let Some(r) = &s.routing {
                if let Some(d) = &r.routes {
                    for c in &d.reasons.candidates {
                        out.push(format!(
                            "{} rule {}: {}",
                            c.route,
                            c.rule,
                            compact(&c.outcome.to_json())
                        ));
                    }
                    for b in &d.reasons.backends {
                        out.push(format!("split: {} — {:.0}%", b.backend.name, b.share * 100.0));
                    }
                }
                out.push(format!(
                    "to {} ({})",
                    r.backend,
                    if r.mtls { "mTLS" } else { "plaintext" }
                ));
            }
        }
        Step::Mtls { client, server } => out.push(format!("{client} → {server}")),
        Step::Service(s) => {
            out.push(format!(
                "port {} → targetPort {}",
                s.port.port, s.port.target_port
            ));
            if let Some(sel) = &s.selector {
                for t in &sel.terms {
                    out.push(format!("{} {}", if t.matched { "✓" } else { "✗" }, t.term));
                }
            }
            out.push(format!("slices: {}", listed(&s.slices, SLICES_LISTED)));
        }
        Step::Endpoint(e) => out.push(format!(
            "from slice {}; ready {}, serving {}, terminating {}; 1 of {}",
            e.slice, e.ready, e.serving, e.terminating, e.among
        )),
        Step::Pod(p) => {
            out.push(format!("{} on {}", p.phase, p.node.clone().unwrap_or_default()));
            if let Some(c) = &p.container_port {
                out.push(format!("container {} port {}", c.container, c.port));
            }
        }
        Step::PortForward(pf) => {
            out.push(format!("pods in kubectl's order: {}", pf.pods.join(", ")));
            if let Some(c) = &pf.chosen {
                out.push(format!("chose {c}; pod port {}", pf.pod_port.unwrap_or(0)));
            }
            out.push("no load balancing: every connection goes to this pod".into());
        }
        Step::Client { .. } | Step::Node { .. } | Step::Egress { .. } => {}
    }
    for r in &h.rewrites {
        out.push(format!("{:?}: {} → {}", r.kind, r.before, r.after));
    }
    if let Some(p) = h.probability {
        out.push(format!("p = {p:.3}"));
    }
    out
}

/// A JSON value in one line: `kind` first, then the other fields.
fn compact(v: &Value) -> String {
    match v {
        // A path of an Ingress rule: `/api (Prefix) of default/shop`.
        Value::Object(map) if map.contains_key("path") && map.contains_key("pathType") => {
            let ingress = map
                .get("ingress")
                .map(|i| format!(" of {}", compact(i)))
                .unwrap_or_default();
            format!(
                "{} ({}){ingress}",
                compact(&map["path"]),
                compact(&map["pathType"])
            )
        }
        // A rule host: precise, wildcard or any.
        Value::Object(map) if map.len() <= 2 && map.get("kind").is_some_and(|k| k == "any") => {
            "any host".into()
        }
        Value::Object(map) if map.len() == 2 && map.contains_key("kind") && map.contains_key("host") => {
            compact(&map["host"])
        }
        // A namespaced name.
        Value::Object(map) if map.len() == 2 && map.contains_key("namespace") && map.contains_key("name") => {
            format!("{}/{}", compact(&map["namespace"]), compact(&map["name"]))
        }
        Value::Object(map) => {
            let mut parts = Vec::new();
            if let Some(k) = map
                .get("kind")
                .or_else(|| map.get("outcome"))
                .and_then(Value::as_str)
            {
                parts.push(k.to_owned());
            }
            for (k, val) in map {
                if k == "kind" || k == "outcome" {
                    continue;
                }
                parts.push(format!("{k}: {}", compact(val)));
            }
            parts.join(", ")
        }
        Value::Array(items) => format!("[{}]", items.iter().map(compact).collect::<Vec<_>>().join("; ")),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn render_hop(i: usize, h: &Hop) -> Html {
    let data = kroute::json::to_string_pretty(&h.to_json());
    html! {
        <li class={classes!("hop", h.kind())}>
            <div class="hop-title"><span class="hop-index">{ i + 1 }</span>{ hop_title(h) }</div>
            <ul class="hop-lines">
                { for hop_lines(h).into_iter().map(|l| html! { <li>{ l }</li> }) }
            </ul>
            <details><summary>{ "data" }</summary><pre>{ data }</pre></details>
        </li>
    }
}

fn render_trace(t: &Trace) -> Html {
    html! {
        <>
            <p class={classes!("verdict", verdict_class(&t.verdict))} role="status">{ verdict_text(&t.verdict) }</p>
            <ol class="hops">
                { for t.hops.iter().enumerate().map(|(i, h)| render_hop(i, h)) }
            </ol>
        </>
    }
}

#[function_component(TraceView)]
pub fn trace_view(props: &TraceProps) -> Html {
    html! {
        <section class="trace" aria-label="Trace">
            <h2>{ "Trace" }</h2>
            { match &props.result {
                None => html! { <p class="hint">{ "Send a request to see where it goes, hop by hop." }</p> },
                Some(SendResult::Invalid(e)) => html! {
                    <p class="verdict fail" role="status">{ format!("The request is not valid: {e}") }</p>
                },
                Some(SendResult::Trace(t)) => render_trace(t),
            } }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kroute::cluster::ClusterConfig;
    use kroute::dataplane::route::{Request, Source};
    use kroute::manifest::{load_cluster, SETTLE_MS};

    #[test]
    fn long_slice_lists_show_the_first_few_and_count_the_rest() {
        let names = |n: usize| (0..n).map(|i| format!("s{i}")).collect::<Vec<_>>();
        // (slices, limit, the line)
        let cases = [
            (0, 6, ""),
            (1, 6, "s0"),
            (6, 6, "s0, s1, s2, s3, s4, s5"),
            (7, 6, "s0, s1, s2, s3, s4, s5 … and 1 more"),
            (100, 2, "s0, s1 … and 98 more"),
        ];
        for (n, limit, want) in cases {
            assert_eq!(listed(&names(n), limit), want, "{n} slices, limit {limit}");
        }
    }

    #[test]
    fn a_kube_proxy_hop_lists_a_few_endpoints_and_counts_the_rest() {
        // (replicas, endpoint lines, the closing count)
        let cases = [
            (3, 3, None),
            (12, 12, None),
            (13, 12, Some("… and 1 more endpoints")),
            (40, 12, Some("… and 28 more endpoints")),
        ];
        for (replicas, lines, more) in cases {
            let yaml =
                kroute::examples::NODEPORT_YAML.replace("replicas: 3", &format!("replicas: {replicas}"));
            let mut loaded = load_cluster(&yaml, ClusterConfig::default(), SETTLE_MS).unwrap();
            let request = Request::get(
                Source::External { client_ip: None },
                "http://172.18.0.2:31000/books",
            );
            let trace = loaded.cluster.route(&request).unwrap();
            let hop = trace
                .hops
                .iter()
                .find(|h| matches!(h.step, Step::KubeProxy(_)))
                .expect("kube-proxy");
            let out = hop_lines(hop);
            let endpoints: Vec<&String> = out.iter().filter(|l| l.contains(" — ")).collect();
            assert_eq!(endpoints.len(), lines, "{replicas}: {out:?}");
            assert_eq!(
                endpoints.iter().filter(|l| l.ends_with("— chosen")).count(),
                1,
                "{replicas}"
            );
            assert_eq!(
                out.iter().find(|l| l.starts_with('…')).map(String::as_str),
                more,
                "{replicas}"
            );
        }
    }
}
