//! Dangling references: an apply that succeeds but names what is not there reports each one as
//! a warning (`ChangeReport::references`), which `locate_references` positions in the text like
//! an error. Each case is the manifest applied to a fresh cluster and every warning expected,
//! exactly; an empty list means a case that must stay silent.

use super::tests_fixtures::{read, FIXTURES};
use super::*;
use crate::cluster::{Cluster, ClusterConfig, DanglingReference, ReferenceProblem};
use crate::error::ObjectRef;
use crate::model::IntOrString;

/// A Deployment of pods labelled `app: web` (one replica), to be selected.
const WEB_PODS: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}\n";

/// A Service `web` with ports 80 (`http`) and 443 (`https`).
const WEB_SVC: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports:\n  - {name: http, port: 80, targetPort: http}\n  - {name: https, port: 443, targetPort: http}\n";

/// A Gateway `gw` with listeners `http` and `https`.
const GATEWAY: &str = "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec:\n  gatewayClassName: gc\n  listeners:\n  - {name: http, port: 80, protocol: HTTP}\n  - {name: https, port: 443, protocol: HTTPS}\n";

/// (doc, line, column, object, path, message).
type Warned = (usize, usize, usize, &'static str, &'static str, &'static str);

const CASES: &[(&str, &[&str], &[Warned])] = &[
    (
        "a Service whose selector matches no pod",
        &["apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  selector: {app: api, tier: be}\n  ports: [{port: 80}]\n"],
        &[
            (0, 5, 3, "Service/default/api", "spec.selector", "selector app=api,tier=be selects no pod; the Service has no endpoints"),
        ],
    ),
    (
        "a Service whose Deployment, in the same apply, runs its pods",
        &[WEB_PODS, WEB_SVC],
        &[],
    ),
    (
        "a Service whose Deployment runs no replica",
        &["apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 0\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c}]}\n", WEB_SVC],
        &[
            (1, 15, 3, "Service/default/web", "spec.selector", "selector app=web selects no pod; the Service has no endpoints"),
        ],
    ),
    (
        "Services without a selector, or ExternalName, select nothing on purpose",
        &["apiVersion: v1\nkind: Service\nmetadata: {name: manual}\nspec: {ports: [{port: 80}]}\n", "apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec:\n  type: ExternalName\n  externalName: example.com\n  selector: {app: web}\n"],
        &[],
    ),
    (
        "an Ingress path naming a missing Service (the second path)",
        &[WEB_PODS, WEB_SVC, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: shop}\nspec:\n  rules:\n  - host: shop.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend: {service: {name: web, port: {number: 80}}}\n      - path: /api\n        pathType: Prefix\n        backend:\n          service:\n            name: api\n            port: {number: 80}\n"],
        &[
            (2, 34, 13, "Ingress/default/shop", "spec.rules[0].http.paths[1].backend.service.name", "Service/default/api not found"),
        ],
    ),
    (
        "an Ingress backend port the Service does not have, by number and by name",
        &[WEB_PODS, WEB_SVC, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: shop}\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /a\n        pathType: Exact\n        backend: {service: {name: web, port: {number: 8080}}}\n      - path: /b\n        pathType: Exact\n        backend: {service: {name: web, port: {name: grpc}}}\n"],
        &[
            (2, 28, 47, "Ingress/default/shop", "spec.rules[0].http.paths[0].backend.service.port.number", "Service/default/web has no port 8080 (it has 80, 443)"),
            (2, 31, 47, "Ingress/default/shop", "spec.rules[0].http.paths[1].backend.service.port.name", "Service/default/web has no port named \"grpc\" (it has http, https)"),
        ],
    ),
    (
        "an Ingress default backend naming a missing Service; a resource backend is not checked",
        &["apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: shop}\nspec:\n  defaultBackend:\n    service: {name: fallback, port: {number: 80}}\n  rules:\n  - http:\n      paths:\n      - path: /static\n        pathType: Prefix\n        backend: {resource: {apiGroup: k8s.example.com, kind: StorageBucket, name: assets}}\n"],
        &[
            (0, 6, 15, "Ingress/default/shop", "spec.defaultBackend.service.name", "Service/default/fallback not found"),
        ],
    ),
    (
        "a StatefulSet whose serviceName does not exist",
        &["apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  serviceName: db-headless\n  replicas: 1\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec: {containers: [{name: c}]}\n"],
        &[
            (0, 5, 3, "StatefulSet/default/db", "spec.serviceName", "Service/default/db-headless not found"),
        ],
    ),
    (
        "a StatefulSet whose serviceName is not headless",
        &["apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  selector: {app: db}\n  ports: [{port: 5432}]\n", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  serviceName: db\n  replicas: 1\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec: {containers: [{name: c}]}\n"],
        &[
            (1, 12, 3, "StatefulSet/default/db", "spec.serviceName", "Service/default/db is not headless (clusterIP: None); the StatefulSet's pods get no DNS names from it"),
        ],
    ),
    (
        "a StatefulSet with its headless Service",
        &["apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  clusterIP: None\n  selector: {app: db}\n  ports: [{port: 5432}]\n", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  serviceName: db\n  replicas: 1\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec: {containers: [{name: c}]}\n"],
        &[],
    ),
    (
        "an HTTPRoute backendRef naming a missing Service, and one with a port the Service lacks",
        &[WEB_PODS, WEB_SVC, GATEWAY, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: shop}\nspec:\n  parentRefs:\n  - name: gw\n  rules:\n  - backendRefs:\n    - {name: api, port: 80}\n    - {name: web, port: 8080, weight: 1}\n"],
        &[
            (3, 36, 8, "HTTPRoute/default/shop", "spec.rules[0].backendRefs[0].name", "Service/default/api not found"),
            (3, 37, 19, "HTTPRoute/default/shop", "spec.rules[0].backendRefs[1].port", "Service/default/web has no port 8080 (it has 80, 443)"),
        ],
    ),
    (
        "an HTTPRoute backendRef of another kind is not checked",
        &[GATEWAY, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: shop}\nspec:\n  parentRefs: [{name: gw}]\n  rules:\n  - backendRefs:\n    - {group: multicluster.x-k8s.io, kind: ServiceImport, name: api, port: 80}\n"],
        &[],
    ),
    (
        "an HTTPRoute parentRef naming a missing Gateway, and a sectionName no listener has",
        &[WEB_PODS, WEB_SVC, GATEWAY, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: shop}\nspec:\n  parentRefs:\n  - name: gateway\n  - name: gw\n    sectionName: grpc\n  - {name: gw, sectionName: https}\n  rules:\n  - backendRefs: [{name: web, port: 80}]\n"],
        &[
            (3, 33, 5, "HTTPRoute/default/shop", "spec.parentRefs[0].name", "Gateway/default/gateway not found"),
            (3, 35, 5, "HTTPRoute/default/shop", "spec.parentRefs[1].sectionName", "Gateway/default/gw has no listener named \"grpc\" (it has http, https)"),
        ],
    ),
    (
        "references across namespaces name the namespace they looked in",
        &["apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n", GATEWAY, "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: shop}\nspec:\n  parentRefs: [{name: gw, namespace: default}]\n  rules:\n  - backendRefs: [{name: web, namespace: default, port: 80}]\n"],
        &[
            (2, 20, 20, "HTTPRoute/shop/r", "spec.rules[0].backendRefs[0].name", "Service/default/web not found"),
        ],
    ),
    (
        "in a kubectl List, at the item",
        &["apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: a}\n- apiVersion: networking.k8s.io/v1\n  kind: Ingress\n  metadata: {name: i, namespace: a}\n  spec:\n    defaultBackend:\n      service:\n        name: missing\n        port: {number: 80}\n"],
        &[
            (0, 13, 9, "Ingress/a/i", "spec.defaultBackend.service.name", "Service/a/missing not found"),
        ],
    ),
];

fn warnings_of(documents: &[&str]) -> (String, Vec<DanglingReference>, Vec<ManifestIssue>) {
    let text = documents.join("---\n");
    let objects = parse_manifests(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let mut cluster = Cluster::new(ClusterConfig::default()).unwrap();
    let report = cluster
        .apply(objects.iter().map(|o| o.object.clone()).collect())
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    let issues = locate_references(&objects, &text, &report.references);
    (text, report.references, issues)
}

#[test]
fn dangling_references_are_warnings_positioned_in_the_text() {
    for (name, documents, warned) in CASES {
        let (text, _, issues) = warnings_of(documents);
        let got: Vec<_> = issues
            .iter()
            .map(|i| {
                assert_eq!(i.kind, IssueKind::DanglingReference, "{name}");
                (
                    i.doc,
                    i.line,
                    i.column,
                    i.object.as_ref().map(ToString::to_string).unwrap_or_default(),
                    i.path
                        .as_ref()
                        .map(|p| p.as_str().to_string())
                        .unwrap_or_default(),
                    i.message.clone(),
                )
            })
            .collect();
        let want: Vec<_> = warned
            .iter()
            .map(|&(doc, line, column, object, path, message)| {
                (
                    doc,
                    line,
                    column,
                    object.to_string(),
                    path.to_string(),
                    message.to_string(),
                )
            })
            .collect();
        assert_eq!(got, want, "{name}\n{text}");
    }
}

/// The warnings are data: the problem is a tagged value naming what is missing.
#[test]
fn the_report_carries_them_as_data() {
    let (_, references, _) = warnings_of(&[WEB_PODS, WEB_SVC, "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: shop}\nspec:\n  defaultBackend: {service: {name: web, port: {number: 8080}}}\n"]);
    let service = ObjectRef {
        kind: "Service".to_string(),
        namespace: Some("default".to_string()),
        name: "web".to_string(),
    };
    assert_eq!(
        references,
        [DanglingReference {
            object: ObjectRef {
                kind: "Ingress".to_string(),
                namespace: Some("default".to_string()),
                name: "shop".to_string(),
            },
            path: FieldPath::new("spec.defaultBackend.service.port.number"),
            problem: ReferenceProblem::NoSuchPort {
                service,
                port: IntOrString::Int(8080),
                available: alloc::vec![IntOrString::Int(80), IntOrString::Int(443)],
            },
        }]
    );
    assert_eq!(
        crate::json::ToJson::to_json(&references[0]),
        crate::json!({
            "object": {"kind": "Ingress", "namespace": "default", "name": "shop"},
            "path": "spec.defaultBackend.service.port.number",
            "problem": {
                "kind": "noSuchPort",
                "service": {"kind": "Service", "namespace": "default", "name": "web"},
                "port": 8080,
                "available": [80, 443],
            },
        })
    );
}

/// Only the objects of the apply are checked: adding the missing Service later does not report
/// the Ingress again, and an apply of unrelated objects costs no scan of the others.
#[test]
fn only_the_applied_objects_are_checked() {
    let ingress = "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: shop}\nspec:\n  defaultBackend: {service: {name: web, port: {number: 80}}}\n";
    let mut cluster = Cluster::new(ClusterConfig::default()).unwrap();
    let apply = |cluster: &mut Cluster, text: &str| {
        let objects = parse_manifests(text).unwrap();
        cluster
            .apply(objects.into_iter().map(|o| o.object).collect())
            .unwrap()
            .references
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        apply(&mut cluster, ingress),
        ["Ingress/default/shop: spec.defaultBackend.service.name: Service/default/web not found"]
    );
    assert_eq!(
        apply(&mut cluster, &[WEB_PODS, WEB_SVC].join("---\n")),
        Vec::<String>::new()
    );
    // Applying the Ingress again re-checks it, now resolved.
    assert_eq!(apply(&mut cluster, ingress), Vec::<String>::new());
}

/// What the real-world manifests leave dangling (they are parts of larger installs, or
/// tutorials that assume something already runs): (file, warnings as `object: path: problem`).
const FIXTURE_WARNINGS: &[(&str, &[&str])] = &[
    (
        "istio-istio__bookinfo-gateway-api.yaml",
        &[
            "HTTPRoute/default/bookinfo: spec.rules[0].backendRefs[0].name: Service/default/productpage not found",
        ],
    ),
    (
        "istio-istio__bookinfo-ingress.yaml",
        &[
            "Ingress/default/gateway: spec.rules[0].http.paths[0].backend.service.name: Service/default/productpage not found",
            "Ingress/default/gateway: spec.rules[0].http.paths[1].backend.service.name: Service/default/productpage not found",
            "Ingress/default/gateway: spec.rules[0].http.paths[2].backend.service.name: Service/default/productpage not found",
            "Ingress/default/gateway: spec.rules[0].http.paths[3].backend.service.name: Service/default/productpage not found",
            "Ingress/default/gateway: spec.rules[0].http.paths[4].backend.service.name: Service/default/productpage not found",
        ],
    ),
    (
        "kubernetes-ingress-gce__multi-path-echoheaders-svc.yaml",
        &[
            "Service/default/echoheadersx: spec.selector: selector app=echoheaders selects no pod; the Service has no endpoints",
            "Service/default/echoheadersy: spec.selector: selector app=echoheaders selects no pod; the Service has no endpoints",
        ],
    ),
    (
        "kubernetes-ingress-nginx__multi-tls.yaml",
        &[
            "Service/default/nginx: spec.selector: selector app.kubernetes.io/name=ingress-nginx,app.kubernetes.io/part-of=ingress-nginx selects no pod; the Service has no endpoints",
            "Service/default/http-svc: spec.selector: selector app.kubernetes.io/name=http-svc,app.kubernetes.io/part-of=ingress-nginx selects no pod; the Service has no endpoints",
        ],
    ),
    (
        "kubernetes-kubernetes__e2e-ingress-http-defaultbackend.yaml",
        &[
            "Ingress/default/echomap: spec.defaultBackend.service.name: Service/default/echoheadersx not found",
            "Ingress/default/echomap: spec.rules[0].http.paths[0].backend.service.name: Service/default/echoheadersx not found",
            "Ingress/default/echomap: spec.rules[1].http.paths[0].backend.service.name: Service/default/echoheadersy not found",
            "Ingress/default/echomap: spec.rules[1].http.paths[1].backend.service.name: Service/default/echoheadersx not found",
        ],
    ),
    (
        "kubernetes-sigs-gateway-api__basic-http.yaml",
        &[
            "HTTPRoute/default/http-app-1: spec.rules[0].backendRefs[0].name: Service/default/my-service1 not found",
            "HTTPRoute/default/http-app-1: spec.rules[1].backendRefs[0].name: Service/default/my-service2 not found",
        ],
    ),
    (
        "patroni-patroni__patroni-k8s-anchors.yaml",
        &[
            "StatefulSet/default/patronidemo: spec.serviceName: Service/default/patronidemo is not headless (clusterIP: None); the StatefulSet's pods get no DNS names from it",
            "Service/default/patronidemo-repl: spec.selector: selector application=patroni,cluster-name=patronidemo,role=replica selects no pod; the Service has no endpoints",
        ],
    ),
];

/// Every fixture that applies, and only those listed, warns exactly so.
#[test]
fn fixtures_warn_about_what_they_leave_dangling() {
    let mut listed = 0;
    for f in FIXTURES.iter().filter(|f| f.applied.is_ok()) {
        let text = read(f.file);
        let objects = parse_manifests(&text).unwrap();
        let mut cluster = Cluster::new(ClusterConfig::default()).unwrap();
        let report = cluster
            .apply(objects.iter().map(|o| o.object.clone()).collect())
            .unwrap();
        let got: Vec<String> = report.references.iter().map(ToString::to_string).collect();
        let want = FIXTURE_WARNINGS
            .iter()
            .find(|(file, _)| *file == f.file)
            .map_or(&[][..], |(_, w)| *w);
        listed += usize::from(!want.is_empty());
        assert_eq!(got, want, "{}", f.file);
    }
    assert_eq!(listed, FIXTURE_WARNINGS.len());
}
