//! Export: import → export → import → export is a fixed point over every fixture that applies
//! and over hand cases, the two clusters agree, and exactly what is left out is left out.

use alloc::collections::BTreeMap;

use proptest::prelude::*;

use super::tests_fixtures::{read, FIXTURES};
use super::*;
use crate::cluster::{Cluster, ClusterConfig, ObjectKey};
use crate::model::{Kind, Service};

/// Namespaces a fixture needs that it does not create (as `kubectl create namespace` would).
const NEEDS_NAMESPACES: &[(&str, &[&str])] =
    &[("istio-istio__loki-addon-helm-rendered.yaml", &["istio-system"])];

/// Fixtures a real API server refuses (see tests_fixtures.rs): nothing to export.
const REFUSED: &[&str] = &["traefik-traefik__gateway-fixture-services-endpointslices.yaml"];

/// A default cluster with `namespaces`, then `text` applied and ten simulated seconds passed.
fn import(text: &str, namespaces: &[&str]) -> Cluster {
    let mut cluster = Cluster::new(ClusterConfig::default()).unwrap();
    for ns in namespaces {
        let namespace = crate::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
        cluster
            .apply(alloc::vec![Object::from_value(namespace).unwrap()])
            .unwrap();
    }
    let objects = parse_manifests(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    if let Err(e) = cluster.apply(objects.into_iter().map(|o| o.object).collect()) {
        panic!("{e}\n{text}");
    }
    cluster.advance(10_000);
    cluster
}

/// What a cluster holds, comparable between two imports: user objects without what the cluster
/// assigned unless the user wrote it, and the derived objects by count (their names are drawn
/// at random).
#[derive(Debug, PartialEq)]
struct Summary {
    /// As export writes them: server-set metadata, owners and status aside.
    user: BTreeMap<ObjectKey, crate::json::Value>,
    others: Vec<crate::json::Value>,
    derived: BTreeMap<Kind, usize>,
    /// (Service, ClusterIP) for every Service whose ClusterIP the user wrote.
    chosen_ips: Vec<(String, String)>,
    /// Ready endpoints over every EndpointSlice.
    endpoints: usize,
}

fn summary(cluster: &Cluster) -> Summary {
    let mut user = BTreeMap::new();
    let mut chosen_ips = Vec::new();
    for (key, applied) in cluster.applied_objects() {
        let mut object = cluster
            .get(key.kind, Some(&key.namespace), &key.name)
            .unwrap()
            .clone();
        let meta = object.metadata_mut();
        meta.uid = None;
        meta.creation_timestamp = None;
        match (&mut object, applied) {
            (Object::Service(s), Object::Service(a)) => {
                if a.spec.cluster_ip.is_some() {
                    chosen_ips.push((key.name.clone(), s.spec.cluster_ip.clone().unwrap()));
                }
                forget_allocations(s, a);
            }
            (Object::Pod(p), Object::Pod(a)) => {
                p.status = Default::default();
                p.spec.node_name = a.spec.node_name.clone();
            }
            (Object::Node(n), _) => n.status = Default::default(),
            _ => {}
        }
        let mut value = object.to_value();
        export::clean(&mut value);
        user.insert(key.clone(), value);
    }
    let mut others: Vec<crate::json::Value> = cluster
        .other_objects()
        .map(|o| {
            let mut v = o.raw.clone();
            export::clean(&mut v);
            v
        })
        .collect();
    others.sort_by_key(|v| v.to_string());
    let mut derived = BTreeMap::new();
    for kind in [Kind::ReplicaSet, Kind::Pod, Kind::EndpointSlice] {
        let n = cluster
            .list(kind, None)
            .iter()
            .filter(|o| {
                let o: &Object = o;
                !cluster
                    .applied_objects()
                    .any(|(k, _)| Some(k) == ObjectKey::of(o).as_ref())
            })
            .count();
        derived.insert(kind, n);
    }
    let endpoints = cluster
        .list(Kind::EndpointSlice, None)
        .iter()
        .map(|o| match o {
            Object::EndpointSlice(s) => s
                .endpoints
                .iter()
                .filter(|e| e.conditions.ready != Some(false))
                .count(),
            _ => 0,
        })
        .sum();
    Summary {
        user,
        others,
        derived,
        chosen_ips,
        endpoints,
    }
}

/// Clears what admission allocated for a Service and the user (`applied`) did not write.
fn forget_allocations(s: &mut Service, applied: &Service) {
    if applied.spec.cluster_ip.is_none() {
        s.spec.cluster_ip = None;
    }
    if applied.spec.cluster_ips.is_empty() {
        s.spec.cluster_ips.clear();
    }
    for (p, a) in s.spec.ports.iter_mut().zip(&applied.spec.ports) {
        if a.node_port.is_none() {
            p.node_port = None;
        }
    }
    if applied.spec.health_check_node_port.is_none() {
        s.spec.health_check_node_port = None;
    }
    s.status = Default::default();
}

/// The property: export(import(export(import(text)))) == export(import(text)), and the two
/// clusters agree. The second import starts from a bare cluster: the export is self-contained.
fn check_round_trip(name: &str, text: &str, namespaces: &[&str]) -> String {
    let first = import(text, namespaces);
    let exported = first.export_yaml(ExportOptions::default());
    let second = import(&exported, &[]);
    let again = second.export_yaml(ExportOptions::default());
    assert_eq!(exported, again, "{name}: export is not a fixed point");
    assert_eq!(
        summary(&first),
        summary(&second),
        "{name}: the clusters differ\n{exported}"
    );
    exported
}

#[test]
fn every_fixture_that_applies_round_trips() {
    let mut checked = 0;
    for f in FIXTURES {
        if REFUSED.contains(&f.file) {
            assert!(f.applied.is_err(), "{}: listed as refused but applies", f.file);
            continue;
        }
        let namespaces = NEEDS_NAMESPACES
            .iter()
            .find(|(file, _)| *file == f.file)
            .map_or(&[][..], |(_, ns)| *ns);
        let exported = check_round_trip(f.file, &read(f.file), namespaces);
        assert!(exported.starts_with(EXPORT_HEADER), "{}", f.file);
        // Nothing the server owns survives.
        for field in [
            "\n  uid:",
            "\n  resourceVersion:",
            "\n  creationTimestamp:",
            "\n  managedFields:",
            "\n  ownerReferences:",
            "\nstatus:",
        ] {
            assert!(!exported.contains(field), "{}: {field:?} exported", f.file);
        }
        checked += 1;
    }
    assert_eq!(checked, FIXTURES.len() - REFUSED.len());
}

/// (name, manifest, the exact export).
const EXPORTS: &[(&str, &str, &str)] = &[
    (
        "a ClusterIP and NodePort the user chose are kept; allocated ones and defaults are not",
        "apiVersion: v1\nkind: Service\nmetadata: {name: chosen}\nspec:\n  type: NodePort\n  clusterIP: 10.96.0.50\n  selector: {app: web}\n  ports:\n  - {name: http, port: 80, nodePort: 30080}\n  - {name: https, port: 443}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: drawn}\nspec:\n  ports:\n  - port: 80\n",
        "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: chosen\n  namespace: default\nspec:\n  clusterIP: 10.96.0.50\n  ports:\n  - name: http\n    nodePort: 30080\n    port: 80\n  - name: https\n    port: 443\n  selector:\n    app: web\n  type: NodePort\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: drawn\n  namespace: default\nspec:\n  ports:\n  - port: 80\n",
    ),
    (
        "a live dump's server fields, status, owners and tool annotations are dropped",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: lone\n  uid: 0a1b\n  resourceVersion: \"42\"\n  creationTimestamp: \"2025-01-03T14:59:54Z\"\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{}'\n    team: a\n  ownerReferences:\n  - {apiVersion: apps/v1, kind: ReplicaSet, name: gone, uid: 9f, controller: true}\nspec:\n  nodeName: node-2\n  containers:\n  - {name: c, image: nginx}\nstatus:\n  phase: Running\n  podIP: 10.244.1.7\n",
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    team: a\n  name: lone\n  namespace: default\nspec:\n  containers:\n  - image: nginx\n    name: c\n  nodeName: node-2\n",
    ),
    (
        "order: Namespaces, classes, unmodelled kinds (CRDs first), Services, workloads, routing",
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: shop}\nspec:\n  ingressClassName: nginx\n  defaultBackend: {service: {name: web, port: {number: 80}}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  replicas: 0\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {ports: [{port: 80}]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: shop, resourceVersion: \"7\"}\ndata: {a: \"1\"}\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec: {group: example.com}\n---\napiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\nspec: {controller: k8s.io/ingress-nginx}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n",
        "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\napiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx\nspec:\n  controller: k8s.io/ingress-nginx\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n---\napiVersion: v1\ndata:\n  a: '1'\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: shop\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  ports:\n  - port: 80\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 0\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: c\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  defaultBackend:\n    service:\n      name: web\n      port:\n        number: 80\n  ingressClassName: nginx\n",
    ),
    (
        "strings that YAML 1.1 (kubectl) or 1.2 would read as something else are quoted",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {a: \"yes\", b: \"on\", c: \"0755\", d: \"1e3\", e: \"null\", g: \"true\", h: \"0x1F\", i: \"n\"}\n  annotations: {f: \"~\", j: \"12:30\", note: \"two\\nlines\", hash: \"#x\", colon: \"a: b\", dash: \"- a\", star: \"*a\", space: \" x\"}\nspec:\n  ports:\n  - {port: 80, targetPort: \"8080x\"}\n",
        "---\napiVersion: v1\nkind: Service\nmetadata:\n  annotations:\n    colon: 'a: b'\n    dash: '- a'\n    f: '~'\n    hash: '#x'\n    j: '12:30'\n    note: |-\n      two\n      lines\n    space: ' x'\n    star: '*a'\n  labels:\n    a: 'yes'\n    b: 'on'\n    c: '0755'\n    d: '1e3'\n    e: 'null'\n    g: 'true'\n    h: '0x1F'\n    i: 'n'\n  name: web\n  namespace: default\nspec:\n  ports:\n  - port: 80\n    targetPort: 8080x\n",
    ),
];

#[test]
fn exports_are_exactly_the_users_objects() {
    for (name, text, expected) in EXPORTS {
        let exported = check_round_trip(name, text, &[]);
        assert_eq!(exported, format!("{EXPORT_HEADER}{expected}"), "{name}");
    }
}

#[test]
fn a_deleted_object_is_not_exported_and_a_reapplied_one_is_exported_as_last_written() {
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec: {ports: [{port: 80}]}\n";
    let mut cluster = import(text, &[]);
    cluster.delete(Kind::Service, None, "a").unwrap();
    let b = "apiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec: {ports: [{port: 81}]}\n";
    let objects = parse_manifests(b).unwrap();
    cluster
        .apply(objects.into_iter().map(|o| o.object).collect())
        .unwrap();
    // A refused batch records nothing (apply is atomic).
    let bad = "apiVersion: v1\nkind: Service\nmetadata: {name: c}\nspec: {ports: [{port: 0}]}\n";
    let objects = parse_manifests(bad).unwrap();
    assert!(cluster
        .apply(objects.into_iter().map(|o| o.object).collect())
        .is_err());
    assert_eq!(
        cluster.export_yaml(ExportOptions::default()),
        format!("{EXPORT_HEADER}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n  namespace: default\nspec:\n  ports:\n  - port: 81\n")
    );
}

#[test]
fn the_derived_section_is_marked_read_only_and_skipped_when_read_back() {
    let text = read("kubernetes-website__web-statefulset.yaml");
    let cluster = import(&text, &[]);
    let plain = cluster.export_yaml(ExportOptions::default());
    let full = cluster.export_yaml(ExportOptions { derived: true });
    let (head, derived) = full.split_once(DERIVED_HEADER).expect("the derived header");
    assert_eq!(head, plain);
    let kinds: Vec<&str> = derived.lines().filter_map(|l| l.strip_prefix("kind: ")).collect();
    assert_eq!(kinds, ["Pod", "Pod", "EndpointSlice"]);
    assert!(
        derived.contains("\nstatus:\n"),
        "derived objects keep their status"
    );
    // Reading the whole file back skips the derived objects, so nothing runs twice.
    let again = import(&full, &[]);
    assert_eq!(again.export_yaml(ExportOptions::default()), plain);
    assert_eq!(summary(&again), summary(&cluster));
    // A Deployment's ReplicaSet comes before its pods.
    let text = read("kubernetes-examples__guestbook-all-in-one.yaml");
    let full = import(&text, &[]).export_yaml(ExportOptions { derived: true });
    let derived = full.split_once(DERIVED_HEADER).unwrap().1;
    let kinds: Vec<&str> = derived.lines().filter_map(|l| l.strip_prefix("kind: ")).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "ReplicaSet").count(), 3);
    assert_eq!(kinds.iter().position(|k| *k == "Pod"), Some(3));
}

/// Label values and annotation texts from YAML's awkward corners.
fn awkward() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9]([-a-z0-9._]{0,8}[a-z0-9])?",
        prop::sample::select(alloc::vec![
            "yes",
            "no",
            "on",
            "off",
            "y",
            "n",
            "Y",
            "N",
            "true",
            "False",
            "null",
            "Null",
            "~",
            "0",
            "-1",
            "0755",
            "0o17",
            "0x1F",
            "1e3",
            ".5",
            "1_000",
            ".inf",
            "-.inf",
            ".NaN",
            "12:30:00",
            "2001-12-14",
        ])
        .prop_map(String::from),
    ]
}

fn note() -> impl Strategy<Value = String> {
    "([ -~]|\\n|é|\\t){0,20}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the strings, the export reads back into the same objects and is a fixed point.
    #[test]
    fn awkward_strings_round_trip(
        labels in prop::collection::btree_map("[a-z]{1,5}", awkward(), 0..4),
        notes in prop::collection::btree_map("[a-z]{1,5}", note(), 0..3),
        port_name in awkward(),
    ) {
        let svc = crate::json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "web", "labels": labels, "annotations": notes},
            "spec": {"selector": labels, "ports": [{"port": 80, "targetPort": format!("p{port_name}")}]},
        });
        let mut cluster = Cluster::new(ClusterConfig::default()).unwrap();
        let object = Object::from_value(svc).unwrap();
        if cluster.apply(alloc::vec![object.clone()]).is_err() {
            // Not a valid Service (a label value kubectl would refuse too): nothing to export.
            return Ok(());
        }
        let exported = cluster.export_yaml(ExportOptions::default());
        let parsed = parse_manifests(&exported).map_err(|e| TestCaseError::fail(format!("{e}\n{exported}")))?;
        prop_assert_eq!(parsed.len(), 1);
        let mut expected = object;
        expected.metadata_mut().namespace = Some("default".into());
        prop_assert_eq!(&parsed[0].object, &expected, "{}", exported);
        let mut again = Cluster::new(ClusterConfig::default()).unwrap();
        again.apply(parsed.into_iter().map(|o| o.object).collect()).unwrap();
        prop_assert_eq!(again.export_yaml(ExportOptions::default()), exported);
    }
}
