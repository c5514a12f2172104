//! Random sequences of user actions through the whole cluster. After every step the
//! controllers' output must agree with the objects they derive from (SPEC §10 invariants 1, 2
//! and 5 end to end), addresses must be unique, and nothing may panic.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::json;
use proptest::prelude::*;

use super::{Cluster, ClusterConfig};
use crate::controllers::pods::PodAction;
use crate::model::{Kind, Object};

#[derive(Clone, Debug)]
enum Step {
    Deployment {
        name: u8,
        replicas: u8,
        app: u8,
        image: u8,
    },
    Service {
        name: u8,
        app: Option<u8>,
        kind: u8,
        named_target: bool,
    },
    StatefulSet {
        replicas: u8,
        parallel: bool,
    },
    Delete {
        kind: u8,
        name: u8,
    },
    Pod {
        index: u8,
        action: u8,
    },
    Advance {
        ms: u32,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..2u8, 0..7u8, 0..2u8, 0..2u8).prop_map(|(name, replicas, app, image)| Step::Deployment {
            name,
            replicas,
            app,
            image
        }),
        (0..2u8, proptest::option::of(0..2u8), 0..4u8, any::<bool>()).prop_map(
            |(name, app, kind, named_target)| Step::Service {
                name,
                app,
                kind,
                named_target
            }
        ),
        (0..4u8, any::<bool>()).prop_map(|(replicas, parallel)| Step::StatefulSet { replicas, parallel }),
        (0..4u8, 0..2u8).prop_map(|(kind, name)| Step::Delete { kind, name }),
        (0..20u8, 0..4u8).prop_map(|(index, action)| Step::Pod { index, action }),
        prop_oneof![Just(0u32), Just(1_000), Just(2_000), Just(30_000)].prop_map(|ms| Step::Advance { ms }),
    ]
}

fn obj(v: crate::json::Value) -> Object {
    Object::from_value(v).expect("generated manifests are well-formed")
}

fn run(c: &mut Cluster, step: &Step) {
    let apps = ["x", "y"];
    // Errors are allowed (a NodePort clash, an immutable field); panics are not.
    let _ = match step {
        Step::Deployment { name, replicas, app, image } => c.apply(alloc::vec![obj(json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": format!("d{name}")},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": apps[*app as usize], "d": format!("d{name}")}},
                     "template": {"metadata": {"labels": {"app": apps[*app as usize], "d": format!("d{name}")}},
                                  "spec": {"containers": [{"name": "c", "image": format!("img:{image}"),
                                           "ports": [{"name": "http", "containerPort": 8080 + u32::from(*name)}]}]}}}}))]),
        Step::Service { name, app, kind, named_target } => {
            let mut spec = json!({"ports": [{"name": "web", "port": 80,
                "targetPort": if *named_target { json!("http") } else { json!(9090) }}]});
            if let Some(app) = app {
                spec["selector"] = json!({"app": apps[*app as usize]});
            }
            match kind {
                1 => spec["type"] = json!("NodePort"),
                2 => spec["clusterIP"] = json!("None"),
                3 => spec["type"] = json!("LoadBalancer"),
                _ => {}
            }
            c.apply(alloc::vec![obj(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": format!("s{name}")}, "spec": spec}))])
        }
        Step::StatefulSet { replicas, parallel } => c.apply(alloc::vec![obj(json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
            "spec": {"serviceName": "s0", "replicas": replicas,
                     "podManagementPolicy": if *parallel { "Parallel" } else { "OrderedReady" },
                     "selector": {"matchLabels": {"app": "x", "sts": "db"}},
                     "template": {"metadata": {"labels": {"app": "x", "sts": "db"}},
                                  "spec": {"containers": [{"name": "c", "ports": [{"name": "http", "containerPort": 7070}]}]}}}}))]),
        Step::Delete { kind, name } => {
            let (k, n) = match kind {
                0 => (Kind::Deployment, format!("d{name}")),
                1 => (Kind::Service, format!("s{name}")),
                2 => (Kind::StatefulSet, "db".to_string()),
                _ => (Kind::Node, format!("node-{}", name + 1)),
            };
            c.delete(k, None, &n)
        }
        Step::Pod { index, action } => {
            let pods: Vec<String> = c.list(Kind::Pod, Some("default")).iter().map(|p| p.name().to_string()).collect();
            let Some(pod) = pods.get(usize::from(*index) % pods.len().max(1)) else { return };
            let action = [PodAction::MakeNotReady, PodAction::MakeReady, PodAction::Fail, PodAction::Delete][usize::from(*action)];
            c.pod_action("default", pod, action)
        }
        Step::Advance { ms } => Ok(c.advance(u64::from(*ms))),
    };
}

/// The endpoints each managed Service must publish, recomputed from scratch from the pods.
fn check(c: &Cluster) -> Result<(), String> {
    let max = c.config().max_endpoints_per_slice;
    let pods: Vec<&crate::model::Pod> = c
        .list(Kind::Pod, Some("default"))
        .into_iter()
        .filter_map(|o| match o {
            Object::Pod(p) => Some(p),
            _ => None,
        })
        .collect();
    let nodes: BTreeSet<&str> = c.list(Kind::Node, None).into_iter().map(Object::name).collect();
    for svc in c.list(Kind::Service, Some("default")) {
        let Object::Service(svc) = svc else { continue };
        let name = &svc.metadata.name;
        let slices = c.service_slices("default", name);
        let Some(selector) = crate::controllers::services::managed_selector(svc) else {
            if !slices.is_empty() {
                return Err(format!("{name}: no selector but {} managed slices", slices.len()));
            }
            continue;
        };
        if slices.is_empty() {
            return Err(format!("{name}: a selector-based Service has no slice"));
        }
        // pod → (ready, terminating) expected
        let mut want: BTreeMap<String, (bool, bool)> = BTreeMap::new();
        for p in &pods {
            let selected = selector.iter().all(|(k, v)| p.metadata.labels.get(k) == Some(v));
            let on_node = p.spec.node_name.as_deref().is_some_and(|n| nodes.contains(n));
            if selected && p.status.pod_ip.is_some() && !p.phase_kind().is_finished() && on_node {
                want.insert(
                    p.metadata.name.clone(),
                    (p.is_ready() && !p.is_terminating(), p.is_terminating()),
                );
            }
        }
        let mut got: BTreeMap<String, (bool, bool)> = BTreeMap::new();
        for s in &slices {
            if s.endpoints.len() > max {
                return Err(format!(
                    "{name}: slice {} holds {} > {max}",
                    s.metadata.name,
                    s.endpoints.len()
                ));
            }
            for e in &s.endpoints {
                let pod = e.target_ref.as_ref().map(|r| r.name.clone()).unwrap_or_default();
                let state = (
                    e.conditions.ready == Some(true),
                    e.conditions.terminating == Some(true),
                );
                if got.insert(pod.clone(), state).is_some() {
                    return Err(format!("{name}: {pod} appears twice"));
                }
            }
        }
        // A pod whose named targetPort does not resolve is published with no ports only if
        // another port resolves; here every Service has one port, so such pods are absent.
        let resolvable = |pod: &str| {
            let named = svc
                .spec
                .ports
                .first()
                .and_then(|p| p.target_port.as_ref())
                .is_some_and(|t| matches!(t, crate::model::IntOrString::String(_)));
            !named
                || pods.iter().any(|p| {
                    p.metadata.name == pod
                        && p.spec
                            .containers
                            .iter()
                            .any(|c| c.ports.iter().any(|cp| cp.name.as_deref() == Some("http")))
                })
        };
        want.retain(|pod, _| resolvable(pod));
        if got != want {
            return Err(format!("{name}: slices hold {got:?}, pods say {want:?}"));
        }
    }
    // Addresses are unique.
    let mut ips = BTreeSet::new();
    for p in &pods {
        if let Some(ip) = &p.status.pod_ip {
            if !ips.insert(ip.clone()) {
                return Err(format!("pod IP {ip} used twice"));
            }
        }
    }
    let mut cluster_ips = BTreeSet::new();
    let mut node_ports = BTreeSet::new();
    for svc in c.list(Kind::Service, None) {
        let Object::Service(s) = svc else { continue };
        if let Some(ip) = s.spec.cluster_ip.as_deref().filter(|ip| *ip != "None") {
            if !cluster_ips.insert(ip.to_string()) {
                return Err(format!("ClusterIP {ip} used twice"));
            }
        }
        for p in &s.spec.ports {
            if let Some(np) = p.node_port {
                if !node_ports.insert(np) {
                    return Err(format!("NodePort {np} used twice"));
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn controllers_stay_consistent_under_random_user_actions(
        steps in proptest::collection::vec(step(), 1..40),
        seed in any::<u64>(),
        max in prop_oneof![Just(1usize), Just(2), Just(100)],
    ) {
        let mut c = Cluster::new(ClusterConfig { seed, max_endpoints_per_slice: max, ..ClusterConfig::default() }).unwrap();
        for (i, s) in steps.iter().enumerate() {
            run(&mut c, s);
            if let Err(e) = check(&c) {
                prop_assert!(false, "after step {i} {s:?}: {e}");
            }
        }
    }
}
