//! Every real-world manifest in `shared/fixtures/manifests/` (see its SOURCES.md): what it
//! parses into, and what the cluster makes of it (Services, pods after ten simulated seconds,
//! EndpointSlices), or exactly where and why it is refused.

use alloc::collections::BTreeMap;

use super::*;
use crate::cluster::{ApplyError, Cluster, ClusterConfig};
use crate::model::Kind;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/fixtures/manifests/");

pub(super) fn read(file: &str) -> String {
    std::fs::read_to_string(format!("{DIR}{file}")).unwrap_or_else(|e| panic!("{DIR}{file}: {e}"))
}

/// What the cluster holds after applying a fixture and advancing the clock 10 s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Counts {
    services: usize,
    pods: usize,
    slices: usize,
}

/// A refusal: (doc, line, column, object, path, start of the message).
type Refusal = (usize, usize, usize, &'static str, &'static str, &'static str);

pub(super) struct Fixture {
    pub(super) file: &'static str,
    documents: usize,
    objects: usize,
    services: usize,
    deployments: usize,
    stateful_sets: usize,
    ingresses: usize,
    ingress_rules: usize,
    ingress_paths: usize,
    pub(super) applied: Result<Counts, &'static [Refusal]>,
}

pub(super) const FIXTURES: &[Fixture] = &[
    Fixture {
        file: "GoogleCloudPlatform-gke-networking-recipes__ingress-custom-default-backend.yaml",
        documents: 5,
        objects: 5,
        services: 2,
        deployments: 2,
        stateful_sets: 0,
        ingresses: 1,
        ingress_rules: 1,
        ingress_paths: 1,
        applied: Ok(Counts { services: 2, pods: 6, slices: 2 }),
    },
    Fixture {
        file: "GoogleCloudPlatform-microservices-demo__online-boutique-release.yaml",
        documents: 35,
        objects: 35,
        services: 12,
        deployments: 12,
        stateful_sets: 0,
        ingresses: 0,
        ingress_rules: 0,
        ingress_paths: 0,
        applied: Ok(Counts { services: 12, pods: 12, slices: 12 }),
    },
    Fixture {
        file: "istio-istio__bookinfo-gateway-api.yaml",
        documents: 2,
        objects: 2,
        services: 0,
        deployments: 0,
        stateful_sets: 0,
        ingresses: 0,
        ingress_rules: 0,
        ingress_paths: 0,
        applied: Ok(Counts { services: 0, pods: 0, slices: 0 }),
    },
    Fixture {
        file: "istio-istio__bookinfo-ingress.yaml",
        documents: 2,
        objects: 1,
        services: 0,
        deployments: 0,
        stateful_sets: 0,
        ingresses: 1,
        ingress_rules: 1,
        ingress_paths: 5,
        applied: Ok(Counts { services: 0, pods: 0, slices: 0 }),
    },
    Fixture {
        file: "istio-istio__bookinfo.yaml",
        documents: 15,
        objects: 14,
        services: 4,
        deployments: 6,
        stateful_sets: 0,
        ingresses: 0,
        ingress_rules: 0,
        ingress_paths: 0,
        applied: Ok(Counts { services: 4, pods: 6, slices: 4 }),
    },
    Fixture {
        file: "istio-istio__loki-addon-helm-rendered.yaml",
        documents: 9,
        objects: 9,
        services: 3,
        deployments: 0,
        stateful_sets: 1,
        ingresses: 0,
        ingress_rules: 0,
        ingress_paths: 0,
        // Every object is in `istio-system`, which the file does not create (it is an Istio
        // add-on): the API server refuses it the same way until the namespace exists.
        applied: Err(&[
            (5, 159, 3, "Service/istio-system/loki-memberlist", "metadata.namespace", "Invalid value: \"istio-system\": namespace \"istio-system\" not found; apply a Namespace object first or in the same batch"),
            (6, 184, 3, "Service/istio-system/loki-headless", "metadata.namespace", "Invalid value: \"istio-system\": namespace \"istio-system\" not found; apply a Namespace object first or in the same batch"),
            (7, 209, 3, "Service/istio-system/loki", "metadata.namespace", "Invalid value: \"istio-system\": namespace \"istio-system\" not found; apply a Namespace object first or in the same batch"),
            (8, 237, 3, "StatefulSet/istio-system/loki", "metadata.namespace", "Invalid value: \"istio-system\": namespace \"istio-system\" not found; apply a Namespace object first or in the same batch"),
        ]),
    },
    Fixture {
        file: "kubernetes-examples__guestbook-all-in-one.yaml",
        documents: 6,
        objects: 6,
        services: 3,
        deployments: 3,
        stateful_sets: 0,
        ingresses: 0,
        ingress_rules: 0,
        ingress_paths: 0,
        applied: Ok(Counts { services: 3, pods: 6, slices: 3 }),
    },
    Fixture {
        file: "kubernetes-ingress-gce__multi-path-echoheaders-svc.yaml",
        documents: 4,
        objects: 3,
        services: 2,
        deployments: 0,
        stateful_sets: 0,
        ingresses: 0,
        ingress_rules: 0,
        ingress_paths: 0,
        applied: Ok(Counts { services: 2, pods: 0, slices: 2 }),
    },
    Fixture {
        file: "kubernetes-ingress-nginx__deploy-cloud.yaml",
        documents: 19,
        objects: 19,
        services: 2,
        deployments: 1,
        stateful_sets: 0,
        ingresses: 0,
        ingress_rules: 0,
        ingress_paths: 0,
        applied: Ok(Counts { services: 2, pods: 1, slices: 2 }),
    },
    Fixture {
        file: "kubernetes-ingress-nginx__multi-tls.yaml",
        documents: 5,
        objects: 5,
        services: 2,
        deployments: 0,
        stateful_sets: 0,
        ingresses: 1,
        ingress_rules: 2,
        ingress_paths: 2,
        applied: Ok(Counts { services: 2, pods: 0, slices: 2 }),
    },
    Fixture {
        file: "kubernetes-kubernetes__e2e-ingress-http-defaultbackend.yaml",
        documents: 1,
        objects: 1,
        services: 0,
        deployments: 0,
        stateful_sets: 0,
        ingresses: 1,
        ingress_rules: 2,
        ingress_paths: 3,
        applied: Ok(Counts { services: 0, pods: 0, slices: 0 }),
    },
    Fixture {
        file: "kubernetes-sigs-gateway-api__basic-http.yaml",
        documents: 3,
        objects: 3,
        services: 0,
        deployments: 0,
        stateful_sets: 0,
        ingresses: 0,
        ingress_rules: 0,
        ingress_paths: 0,
        applied: Ok(Counts { services: 0, pods: 0, slices: 0 }),
    },
    Fixture {
        file: "kubernetes-website__nginx-secure-app-kyaml.yaml",
        documents: 2,
        objects: 2,
        services: 1,
        deployments: 1,
        stateful_sets: 0,
        ingresses: 0,
        ingress_rules: 0,
        ingress_paths: 0,
        applied: Ok(Counts { services: 1, pods: 1, slices: 1 }),
    },
    Fixture {
        file: "kubernetes-website__web-statefulset.yaml",
        documents: 2,
        objects: 2,
        services: 1,
        deployments: 0,
        stateful_sets: 1,
        ingresses: 0,
        ingress_rules: 0,
        ingress_paths: 0,
        applied: Ok(Counts { services: 1, pods: 2, slices: 1 }),
    },
    Fixture {
        file: "patroni-patroni__patroni-k8s-anchors.yaml",
        documents: 11,
        objects: 11,
        services: 3,
        deployments: 0,
        stateful_sets: 1,
        ingresses: 0,
        ingress_rules: 0,
        ingress_paths: 0,
        applied: Ok(Counts { services: 3, pods: 3, slices: 1 }),
    },
    Fixture {
        file: "philippemerle-KubeDiagrams__nginx-deployed-all-list.yaml",
        documents: 1,
        objects: 17,
        services: 2,
        deployments: 1,
        stateful_sets: 0,
        ingresses: 1,
        ingress_rules: 1,
        ingress_paths: 1,
        // A live dump: its ReplicaSet, Pods and the controller-managed EndpointSlice are left to
        // kroute's controllers (skipped with a note), so the Deployment's 3 replicas run once.
        // The second slice belongs to the selector-less `kubernetes` Service and is kept.
        applied: Ok(Counts { services: 2, pods: 3, slices: 2 }),
    },
    Fixture {
        file: "philippemerle-KubeDiagrams__opentelemetry-demo-manifest.yaml",
        documents: 72,
        objects: 72,
        services: 25,
        deployments: 23,
        stateful_sets: 1,
        ingresses: 0,
        ingress_rules: 0,
        ingress_paths: 0,
        // The jaeger Services' `targetPort: 0` is defaulted to `port`, as the API server's
        // SetDefaults_Service does. 23 Deployments + 1 StatefulSet at `replicas: 1` each.
        applied: Ok(Counts { services: 25, pods: 24, slices: 25 }),
    },
    Fixture {
        file: "traefik-traefik__gateway-fixture-services-endpointslices.yaml",
        documents: 42,
        objects: 42,
        services: 24,
        deployments: 0,
        stateful_sets: 0,
        ingresses: 0,
        ingress_rules: 0,
        ingress_paths: 0,
        // A test fixture for traefik's fake client, never meant for an API server, which would
        // refuse it as kroute does: namespace `bar` missing, a Service without ports,
        // upper-case names.
        applied: Err(&[
            (2, 49, 3, "Service/bar/whoami-bar", "metadata.namespace", "Invalid value: \"bar\": namespace \"bar\" not found; apply a Namespace object first or in the same batch"),
            (3, 70, 3, "EndpointSlice/bar/whoami-bar-abc", "metadata.namespace", "Invalid value: \"bar\": namespace \"bar\" not found; apply a Namespace object first or in the same batch"),
            (15, 283, 3, "EndpointSlice/bar/whoamitcp-bar-abc", "metadata.namespace", "Invalid value: \"bar\": namespace \"bar\" not found; apply a Namespace object first or in the same batch"),
            (16, 307, 3, "Service/bar/whoamitcp-bar", "metadata.namespace", "Invalid value: \"bar\": namespace \"bar\" not found; apply a Namespace object first or in the same batch"),
            (17, 319, 1, "Service/default/status-address", "spec.ports", "Required value"),
            (24, 437, 3, "EndpointSlice/default/whoami-HTTPS-abc", "metadata.name", "Invalid value: \"whoami-HTTPS-abc\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters,"),
            (25, 456, 3, "Service/default/whoami-HTTPS", "metadata.name", "Invalid value: \"whoami-HTTPS\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with"),
            (26, 474, 3, "EndpointSlice/default/whoami-HTTP-abc", "metadata.name", "Invalid value: \"whoami-HTTP-abc\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters,"),
            (27, 493, 3, "Service/default/whoami-HTTP", "metadata.name", "Invalid value: \"whoami-HTTP\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an"),
        ]),
    },
];

fn parsed(file: &str) -> (String, Vec<ManifestObject>) {
    let text = read(file);
    match parse_manifests(&text) {
        Ok(objects) => (text, objects),
        Err(e) => panic!("{file}:\n{e}"),
    }
}

fn count(objects: &[ManifestObject], kind: &str) -> usize {
    objects.iter().filter(|o| o.object.kind_str() == kind).count()
}

fn ingress_rules_and_paths(objects: &[ManifestObject]) -> (usize, usize) {
    objects.iter().fold((0, 0), |(rules, paths), o| match &o.object {
        Object::Ingress(i) => (
            rules + i.spec.rules.len(),
            paths
                + i.spec
                    .rules
                    .iter()
                    .filter_map(|r| r.http.as_ref())
                    .map(|h| h.paths.len())
                    .sum::<usize>(),
        ),
        _ => (rules, paths),
    })
}

/// Applies the objects to a default cluster (after the given namespaces, as `kubectl create
/// namespace` would make them) and lets ten simulated seconds pass.
fn apply(objects: &[ManifestObject], text: &str, namespaces: &[&str]) -> Result<Counts, ManifestError> {
    let mut cluster = Cluster::new(ClusterConfig::default()).unwrap();
    for ns in namespaces {
        let namespace = crate::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}});
        cluster
            .apply(alloc::vec![Object::from_value(namespace).unwrap()])
            .unwrap();
    }
    match cluster.apply(objects.iter().map(|o| o.object.clone()).collect()) {
        Ok(_) => {}
        Err(ApplyError::Invalid(errors)) => return Err(locate_errors(objects, text, &errors)),
        Err(other) => panic!("{other}"),
    }
    cluster.advance(10_000);
    Ok(Counts {
        services: cluster.list(Kind::Service, None).len(),
        pods: cluster.list(Kind::Pod, None).len(),
        slices: cluster.list(Kind::EndpointSlice, None).len(),
    })
}

#[test]
fn every_fixture_parses_and_applies_or_says_where_it_fails() {
    for f in FIXTURES {
        let (text, objects) = parsed(f.file);
        let (rules, paths) = ingress_rules_and_paths(&objects);
        assert_eq!(
            (documents(&text).len(), objects.len()),
            (f.documents, f.objects),
            "{}: documents, objects",
            f.file
        );
        assert_eq!(
            [
                count(&objects, "Service"),
                count(&objects, "Deployment"),
                count(&objects, "StatefulSet"),
                count(&objects, "Ingress"),
                rules,
                paths,
            ],
            [
                f.services,
                f.deployments,
                f.stateful_sets,
                f.ingresses,
                f.ingress_rules,
                f.ingress_paths
            ],
            "{}: Services, Deployments, StatefulSets, Ingresses, Ingress rules, Ingress paths",
            f.file
        );
        let applied = apply(&objects, &text, &[]).map_err(|e| {
            e.errors
                .iter()
                .map(|i| {
                    let object = i.object.as_ref().map(ToString::to_string).unwrap_or_default();
                    let path = i
                        .path
                        .as_ref()
                        .map(|p| p.as_str().to_string())
                        .unwrap_or_default();
                    (i.doc, i.line, i.column, object, path, i.message.clone())
                })
                .collect::<Vec<_>>()
        });
        match (applied, f.applied) {
            (Ok(got), Ok(want)) => assert_eq!(got, want, "{}", f.file),
            (Err(got), Err(want)) => {
                assert_eq!(got.len(), want.len(), "{}: {got:#?}", f.file);
                for (g, w) in got.iter().zip(want) {
                    let (doc, line, column, object, path, message) = *w;
                    assert_eq!(
                        (g.0, g.1, g.2, g.3.as_str(), g.4.as_str()),
                        (doc, line, column, object, path),
                        "{}",
                        f.file
                    );
                    assert!(
                        g.5.starts_with(message),
                        "{}: {:?} does not start with {message:?}",
                        f.file,
                        g.5
                    );
                }
            }
            (got, _) => panic!(
                "{}: applied as {got:?}, expected {:?}",
                f.file,
                f.applied.map_err(|r| r.len())
            ),
        }
    }
}

/// No fixture is left out of the table.
#[test]
fn the_table_covers_every_fixture() {
    let mut on_disk: Vec<String> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml") || n.ends_with(".json"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = FIXTURES.iter().map(|f| f.file.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

/// SOURCES.md counts documents and objects per kind with its own tooling; kroute must agree.
#[test]
fn counts_agree_with_sources_md() {
    let sources = read("SOURCES.md");
    let mut checked = 0;
    for section in sources.split("\n### `").skip(1) {
        let Some((file, body)) = section.split_once('`') else {
            continue;
        };
        let (text, objects) = parsed(file);
        let field = |label: &str| body.lines().find_map(|l| l.strip_prefix(label));
        if let Some(docs) = field("- size: ").and_then(|l| l.split("YAML documents: ").nth(1)) {
            let n: usize = docs.split(';').next().unwrap_or("").trim().parse().unwrap();
            assert_eq!(documents(&text).len(), n, "{file}: documents");
        }
        let mut expected: BTreeMap<&str, usize> = BTreeMap::new();
        for label in ["- networking objects: ", "- other kinds: "] {
            for entry in field(label).into_iter().flat_map(|l| l.split(", ")) {
                let (kind, n) = entry.rsplit_once(' ').unwrap();
                expected.insert(kind, n.parse().unwrap());
            }
        }
        for (kind, n) in &expected {
            assert_eq!(count(&objects, kind), *n, "{file}: {kind}");
        }
        if let Some(line) = field("- Ingress: ") {
            let paths: usize = line
                .split("paths ")
                .nth(1)
                .unwrap()
                .split(',')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(
                ingress_rules_and_paths(&objects).1,
                paths,
                "{file}: Ingress paths"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, FIXTURES.len());
}

/// The Istio add-on loads once `istio-system` exists, as it does where the add-on is used.
#[test]
fn loki_loads_once_its_namespace_exists() {
    let (text, objects) = parsed("istio-istio__loki-addon-helm-rendered.yaml");
    assert_eq!(
        apply(&objects, &text, &["istio-system"]).map_err(|e| e.to_string()),
        Ok(Counts {
            services: 3,
            pods: 1,
            slices: 3
        })
    );
}

/// Every document of every fixture, and of every example the playground offers, reads to
/// exactly the JSON value the pipeline before kroute's own YAML reader gave (serde_yaml_ng,
/// `apply_merge`, the conversion of that time: `reference.rs`).
#[test]
fn every_fixture_reads_as_it_did_with_serde_yaml_ng() {
    use super::reference::{kroute_json, reference_json};
    let mut texts: Vec<(String, String)> = FIXTURES
        .iter()
        .map(|f| (f.file.to_string(), read(f.file)))
        .collect();
    texts.extend(
        crate::examples::examples()
            .iter()
            .map(|e| (e.id.to_string(), e.yaml.to_string())),
    );
    let mut read_docs = 0;
    for (name, text) in &texts {
        for doc in documents(text).iter().filter(|d| d.content.is_some()) {
            let ours = kroute_json(doc.text);
            assert!(ours.is_ok(), "{name}, document {}: {ours:?}", doc.index);
            assert_eq!(ours, reference_json(doc.text), "{name}, document {}", doc.index);
            read_docs += 1;
        }
    }
    assert!(read_docs > 150, "{read_docs} documents");
}
