//! What `parse_manifests` accepts: streams (which objects, from where) and YAML features (the
//! same object as its plain JSON form).

use crate::json;

use super::*;
use crate::model::{IntOrString, Kind};

/// (name, stream, objects as (`Kind/namespace/name`, doc, item, line, column)).
type Placed = (&'static str, usize, Option<usize>, usize, usize);

const STREAMS: &[(&str, &str, &[Placed])] = &[
    (
        "a Helm render: # Source comments, a leading ---, a comment-only and a trailing empty document",
        "---\n# Source: chart/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n---\n# Source: chart/templates/empty.yaml\n# nothing rendered here\n---\n# Source: chart/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n---\n",
        &[("ServiceAccount/default/sa", 0, None, 3, 1), ("Service/default/web", 2, None, 12, 1)],
    ),
    (
        "a licence header before the first --- is not a document",
        "# Copyright\n#   Licensed under …\n\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n",
        &[("Namespace/shop", 0, None, 5, 1)],
    ),
    (
        "a first document without --- and empty documents in between",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n---\n\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n",
        &[("Namespace/a", 0, None, 1, 1), ("Namespace/b", 3, None, 8, 1)],
    ),
    (
        "... ends a document; directives and comments after it are not one",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n...\n%YAML 1.2\n# between\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n...\n",
        &[("Namespace/a", 0, None, 1, 1), ("Namespace/b", 1, None, 8, 1)],
    ),
    (
        "content on the --- line, and a null document",
        "--- {apiVersion: v1, kind: Namespace, metadata: {name: a}}\n--- ~\n---   # just a comment\n--- null\n",
        &[("Namespace/a", 0, None, 1, 5)],
    ),
    (
        "a byte-order mark and CRLF line ends",
        "\u{feff}apiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: a\r\n---\r\napiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: b\r\n",
        &[("Namespace/a", 0, None, 1, 1), ("Namespace/b", 1, None, 6, 1)],
    ),
    (
        "an indented first line and a comment before it",
        "# lead\n  apiVersion: v1\n  kind: Namespace\n  metadata: {name: a}\n",
        &[("Namespace/a", 0, None, 2, 3)],
    ),
    (
        "kind: List, as kubectl get -o yaml prints it",
        "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n    namespace: shop\n-   apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: d}\nkind: List\nmetadata:\n  resourceVersion: \"\"\n",
        &[("Service/shop/a", 0, Some(0), 3, 3), ("Deployment/default/d", 0, Some(1), 8, 5)],
    ),
    (
        "a typed list (ServiceList) and an empty List",
        "apiVersion: v1\nkind: ServiceList\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: a}}\n---\napiVersion: v1\nkind: List\nitems: []\n---\napiVersion: v1\nkind: List\n",
        &[("Service/default/a", 0, Some(0), 4, 3)],
    ),
    (
        "a kind that merely ends in List without items is an object",
        "apiVersion: example.com/v1\nkind: AllowList\nmetadata: {name: x}\n",
        &[("AllowList/default/x", 0, None, 1, 1)],
    ),
    (
        "a top-level sequence of objects",
        "- apiVersion: v1\n  kind: Namespace\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: b}\n",
        &[("Namespace/a", 0, Some(0), 1, 3), ("Namespace/b", 0, Some(1), 4, 3)],
    ),
    (
        "one JSON object",
        "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Service\",\n  \"metadata\": {\"name\": \"web\"}\n}\n",
        &[("Service/default/web", 0, None, 1, 1)],
    ),
    (
        "a JSON array",
        "[\n  {\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"a\"}},\n\t{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"b\"}}\n]",
        &[("Namespace/a", 0, Some(0), 2, 3), ("Namespace/b", 0, Some(1), 3, 2)],
    ),
    (
        "a JSON List, tab-indented",
        "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"List\",\n\t\"items\": [\n\t\t{\n\t\t\t\"apiVersion\": \"v1\",\n\t\t\t\"kind\": \"Pod\",\n\t\t\t\"metadata\": {\"name\": \"p\"}\n\t\t}\n\t]\n}\n",
        &[("Pod/default/p", 0, Some(0), 5, 3)],
    ),
    (
        "kinds kroute does not model are kept as others",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: null\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: x}\nspec: {anything: [1, 2]}\n---\napiVersion: v1\nkind: service\nmetadata: {name: lower-case-kind}\n",
        &[
            ("ConfigMap/default/c", 0, None, 1, 1),
            ("Widget/x/w", 1, None, 6, 1),
            ("service/default/lower-case-kind", 2, None, 11, 1),
        ],
    ),
];

#[test]
fn streams_yield_their_objects_where_they_are() {
    for (name, text, placed) in STREAMS {
        let objects = match parse_manifests(text) {
            Ok(o) => o,
            Err(e) => panic!("{name}: {e}"),
        };
        let got: Vec<_> = objects
            .iter()
            .map(|o| (o.object.object_ref().to_string(), o.doc, o.item, o.line, o.column))
            .collect();
        let want: Vec<_> = placed
            .iter()
            .map(|&(r, doc, item, line, column)| (r.to_string(), doc, item, line, column))
            .collect();
        assert_eq!(got, want, "{name}");
    }
}

/// Objects kroute does not model stay `Object::Other`, with the document as it was (nulls
/// dropped, as the API server would).
#[test]
fn unmodelled_kinds_stay_other() {
    let objects = parse_manifests(STREAMS[14].1).unwrap();
    let kinds: Vec<_> = objects
        .iter()
        .map(|o| (o.object.kind(), o.object.kind_str()))
        .collect();
    assert_eq!(kinds, [(None, "ConfigMap"), (None, "Widget"), (None, "service")]);
    match &objects[1].object {
        Object::Other(o) => assert_eq!(o.raw["spec"], json!({"anything": [1, 2]})),
        other => panic!("{other:?}"),
    }
    match &objects[0].object {
        Object::Other(o) => assert_eq!(o.raw.get("data"), None),
        other => panic!("{other:?}"),
    }
}

/// (name, YAML, the same object as plain JSON). Each YAML feature must give exactly the
/// object the JSON gives.
fn features() -> Vec<(&'static str, &'static str, crate::json::Value)> {
    let web = |spec: crate::json::Value| {
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "labels": {"app": "web"}},
               "spec": spec})
    };
    alloc::vec![
        (
            "anchors and aliases (an anchor inside labels reused as the selector)",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: &labels\n    app: web\nspec:\n  selector: *labels\n  ports:\n  - port: 80\n",
            web(json!({"selector": {"app": "web"}, "ports": [{"port": 80}]})),
        ),
        (
            "merge keys: the mapping's own keys win",
            "x-defaults: &port\n  protocol: UDP\n  port: 53\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {app: web}\nspec:\n  ports:\n  - <<: *port\n    name: dns\n  - <<: *port\n    name: dns-tcp\n    protocol: TCP\n",
            web(json!({"ports": [{"name": "dns", "port": 53, "protocol": "UDP"},
                                 {"name": "dns-tcp", "port": 53, "protocol": "TCP"}]})),
        ),
        (
            "a merge of several mappings",
            "a: &a {port: 1}\nb: &b {protocol: TCP, port: 2}\napiVersion: v1\nkind: Service\nmetadata: {name: web, labels: {app: web}}\nspec:\n  ports:\n  - <<: [*a, *b]\n",
            web(json!({"ports": [{"port": 1, "protocol": "TCP"}]})),
        ),
        (
            "explicit nulls are absent fields",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {app: web}\n  creationTimestamp: null\n  annotations: ~\nspec:\n  clusterIP: null\n  selector: ~\n  ports:\n  - port: 80\n    targetPort: null\n  externalIPs:\n",
            web(json!({"ports": [{"port": 80}]})),
        ),
        (
            "quoted numbers stay strings where strings go",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {app: web, version: \"1.0\"}\n  annotations:\n    port: '8080'\nspec:\n  ports:\n  - port: 80\n    targetPort: \"8080\"\n",
            json!({"apiVersion": "v1", "kind": "Service",
                   "metadata": {"name": "web", "labels": {"app": "web", "version": "1.0"}, "annotations": {"port": "8080"}},
                   "spec": {"ports": [{"port": 80, "targetPort": "8080"}]}}),
        ),
        (
            "int-or-string: a number or a name",
            "apiVersion: v1\nkind: Service\nmetadata: {name: web, labels: {app: web}}\nspec:\n  ports:\n  - {name: a, port: 80, targetPort: 8080}\n  - {name: b, port: 81, targetPort: http}\n",
            web(json!({"ports": [{"name": "a", "port": 80, "targetPort": 8080},
                                 {"name": "b", "port": 81, "targetPort": "http"}]})),
        ),
        (
            "tags are dropped, numeric keys become strings",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {app: web, build: !!str 42}\n  annotations: {80: http, true: yes}\nspec:\n  ports: !!seq\n  - port: 80\n",
            json!({"apiVersion": "v1", "kind": "Service",
                   "metadata": {"name": "web", "labels": {"app": "web", "build": "42"}, "annotations": {"80": "http", "true": "yes"}},
                   "spec": {"ports": [{"port": 80}]}}),
        ),
        (
            "block scalars, multi-line plain scalars and comments everywhere",
            "# head\napiVersion: v1 # trailing\nkind: Service\nmetadata:\n  name: web\n  labels: {app: web}  # flow then comment\n  annotations:\n    literal: |\n      line one\n      line two\n    folded: >-\n      one\n      two\n    plain: a long\n      plain value\n# between keys\nspec:\n  ports:\n  # before an item\n  - port: 80 # after a value\n",
            json!({"apiVersion": "v1", "kind": "Service",
                   "metadata": {"name": "web", "labels": {"app": "web"},
                                "annotations": {"literal": "line one\nline two\n", "folded": "one two", "plain": "a long plain value"}},
                   "spec": {"ports": [{"port": 80}]}}),
        ),
        (
            "KYAML: flow mappings over many lines, trailing commas, quoted strings",
            "---\n{\n  apiVersion: \"v1\",\n  kind: \"Service\",\n  metadata: {\n    name: \"web\",\n    labels: {app: \"web\",},\n  },\n  spec: {\n    ports: [{\n      port: 80,\n      targetPort: 8080,\n    },],\n  },\n}\n",
            web(json!({"ports": [{"port": 80, "targetPort": 8080}]})),
        ),
        (
            "a live dump's read-only fields are read (an assigned ClusterIP is kept)",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: {app: web}\n  uid: 6a1c\n  resourceVersion: \"123\"\n  managedFields:\n  - manager: kubectl\n    fieldsV1:\n      f:spec:\n        k:{\"port\":80,\"protocol\":\"TCP\"}: {}\nspec:\n  clusterIP: 10.96.0.10\n  clusterIPs: [10.96.0.10]\n  ports:\n  - port: 80\nstatus:\n  loadBalancer: {}\n",
            json!({"apiVersion": "v1", "kind": "Service",
                   "metadata": {"name": "web", "labels": {"app": "web"}, "uid": "6a1c", "resourceVersion": "123"},
                   "spec": {"clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"], "ports": [{"port": 80}]},
                   "status": {"loadBalancer": {}}}),
        ),
    ]
}

#[test]
fn yaml_features_give_the_object_json_gives() {
    for (name, yaml, json) in features() {
        let objects = match parse_manifests(yaml) {
            Ok(o) => o,
            Err(e) => panic!("{name}: {e}"),
        };
        assert_eq!(objects.len(), 1, "{name}");
        let want = Object::from_value(json).unwrap();
        assert_eq!(objects[0].object, want, "{name}");
    }
}

#[test]
fn int_or_string_target_ports_keep_their_kind() {
    let (_, yaml, _) = features()
        .into_iter()
        .find(|(n, _, _)| n.starts_with("int-or-string"))
        .unwrap();
    let objects = parse_manifests(yaml).unwrap();
    let Object::Service(svc) = &objects[0].object else {
        panic!()
    };
    let targets: Vec<_> = svc.spec.ports.iter().map(|p| p.target_port.clone()).collect();
    assert_eq!(
        targets,
        [
            Some(IntOrString::Int(8080)),
            Some(IntOrString::String("http".into()))
        ]
    );
    assert_eq!(objects[0].object.kind(), Some(Kind::Service));
}

#[test]
fn documents_map_to_their_lines() {
    let text = "# lead\n---\na: 1\n--- # c\n\n---   {b: 2}\n...\n# after\n";
    let got: Vec<_> = documents(text)
        .iter()
        .map(|d| (d.index, d.line, d.column, d.content, d.text))
        .collect();
    assert_eq!(
        got,
        [
            (0, 2, 4, Some((3, 1)), "\na: 1\n"),
            (1, 4, 4, None, " # c\n\n"),
            (2, 6, 4, Some((6, 7)), "   {b: 2}\n"),
        ]
    );
    assert_eq!(documents("").len(), 0);
    assert_eq!(documents("# only\n").len(), 0);
    assert_eq!(documents("---").len(), 1);
    // `----` and `---x` are content, not markers.
    assert_eq!(documents("a: |\n  x\n----\n---x: 1\n").len(), 1);
}

/// Issues serialize as data for the UI: positions, object, path and a structured kind.
#[test]
fn issues_serialize_as_data() {
    let err = parse_manifests("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: 80}\n")
        .unwrap_err();
    assert_eq!(
        crate::json::ToJson::to_json(&err),
        json!({"errors": [{
            "doc": 0, "line": 4, "column": 8,
            "object": {"kind": "Service", "namespace": "default", "name": "web"},
            "path": "spec.ports",
            "kind": {"Field": "Invalid"},
            "message": "Invalid value: wrong type: invalid type: integer `80`, expected a sequence"
        }]})
    );
}

/// Every object of a big stream is found with its position; a List's items cost one outline.
#[test]
fn a_large_list_keeps_every_item_position() {
    let mut text = alloc::string::String::from("apiVersion: v1\nkind: List\nitems:\n");
    for i in 0..2_000 {
        text.push_str(&format!(
            "- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: ns-{i}\n"
        ));
    }
    let objects = parse_manifests(&text).unwrap();
    assert_eq!(objects.len(), 2_000);
    for (i, o) in objects.iter().enumerate() {
        assert_eq!((o.item, o.line, o.column), (Some(i), 4 + 4 * i, 3));
    }
}
