//! `locate`: field path → (line, column), one case per YAML shape people write.

use super::*;

const BLOCK: &str = "\
# a comment before anything
apiVersion: v1
kind: Service
metadata:
  name: web   # trailing comment
  labels:
    app.kubernetes.io/name: web
    \"quoted key\": x
    'single': y
spec:
  selector: {app: web, tier: front}
  ports:
  - name: http
    port: 80
    targetPort: 8080
  -   name: https   # odd spacing after the dash

      port: 443
      targetPort: https
  clusterIP: None
";

const COMPACT_AND_NESTED: &str = "\
spec:
  template:
    spec:
      containers:
        - name: app
          ports:
            - containerPort: 80
            - containerPort: 81
              name: alt
        -
          name: sidecar
  after: 1
";

const FLOW_MULTILINE: &str = "\
{
  apiVersion: \"v1\",
  kind: \"Service\",
  metadata: {
    name: \"my-nginx\",
  },
  spec: {
    ports: [{
      port: 8080,
      targetPort: 80,
    }, {
      port: 443, # comment in flow
      name: \"https\",
    }],
  },
}
";

const JSON: &str = "{
  \"apiVersion\": \"v1\",
  \"spec\": {
    \"ports\": [
      {\"port\": 80},
      {\"port\": 81, \"targetPort\": \"x\"}
    ]
  }
}";

const ANCHORS: &str = "\
base: &base
  port: 80
  protocol: TCP
spec:
  selector: &sel {app: web}
  ports:
  - <<: *base
    name: a
  - <<: {port: 81}
    name: b
  other: *sel
";

const SCALARS: &str = "\
data:
  script: |
    key: not a key
    - not an item
  folded: >-
    text
  after: 1
  quoted: \"multi
    line: still quoted\"
  next: 2
  plain: a plain
    more words, not a key
  last: 3
";

const LIST: &str = "\
apiVersion: v1
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: a
- {apiVersion: v1, kind: Service, metadata: {name: b}}
-
  apiVersion: v1
  kind: Pod
kind: List
";

/// `app` is a key and a prefix of another: serde's dotted path must find the longer one.
const PREFIX_KEYS: &str = "metadata:\n  labels:\n    app: a\n    app.kubernetes.io/name: b\n";

/// (document, path, expected (line, column)); a path that is not in the text resolves to its
/// nearest ancestor.
const CASES: &[(&str, &str, (usize, usize))] = &[
    (BLOCK, "", (2, 1)),
    (BLOCK, "kind", (3, 1)),
    (BLOCK, "metadata.name", (5, 3)),
    (BLOCK, "metadata.labels[app.kubernetes.io/name]", (7, 5)),
    // serde prints map keys dotted: the longest key that exists wins.
    (BLOCK, "metadata.labels.app.kubernetes.io/name", (7, 5)),
    (BLOCK, "metadata.labels[quoted key]", (8, 5)),
    (PREFIX_KEYS, "metadata.labels.app.kubernetes.io/name", (4, 5)),
    (PREFIX_KEYS, "metadata.labels.app", (3, 5)),
    (BLOCK, "metadata.labels[single]", (9, 5)),
    (BLOCK, "spec.selector", (11, 3)),
    // Inside a one-line flow mapping: the key itself.
    (BLOCK, "spec.selector[tier]", (11, 24)),
    (BLOCK, "spec.ports", (12, 3)),
    (BLOCK, "spec.ports[0]", (13, 5)),
    (BLOCK, "spec.ports[0].targetPort", (15, 5)),
    (BLOCK, "spec.ports[1]", (16, 7)),
    (BLOCK, "spec.ports[1].name", (16, 7)),
    (BLOCK, "spec.ports[1].port", (18, 7)),
    (BLOCK, "spec.ports[1].targetPort", (19, 7)),
    (BLOCK, "spec.clusterIP", (20, 3)),
    // Absent fields: the nearest ancestor.
    (BLOCK, "spec.ports[1].nodePort", (16, 7)),
    (BLOCK, "spec.ports[7].port", (12, 3)),
    (BLOCK, "spec.type", (10, 1)),
    (BLOCK, "status.loadBalancer", (2, 1)),
    (
        COMPACT_AND_NESTED,
        "spec.template.spec.containers[0].name",
        (5, 11),
    ),
    (
        COMPACT_AND_NESTED,
        "spec.template.spec.containers[0].ports[1].name",
        (9, 15),
    ),
    (
        COMPACT_AND_NESTED,
        "spec.template.spec.containers[0].ports[1]",
        (8, 15),
    ),
    (
        COMPACT_AND_NESTED,
        "spec.template.spec.containers[1].name",
        (11, 11),
    ),
    (COMPACT_AND_NESTED, "spec.after", (12, 3)),
    (FLOW_MULTILINE, "", (1, 1)),
    (FLOW_MULTILINE, "metadata.name", (5, 5)),
    (FLOW_MULTILINE, "spec.ports[0].targetPort", (10, 7)),
    (FLOW_MULTILINE, "spec.ports[1]", (11, 8)),
    (FLOW_MULTILINE, "spec.ports[1].name", (13, 7)),
    (JSON, "spec.ports[1].targetPort", (6, 20)),
    (JSON, "spec.ports[0].port", (5, 8)),
    (ANCHORS, "base.protocol", (3, 3)),
    (ANCHORS, "spec.selector[app]", (5, 19)),
    // A key that comes from a merge: inside an inline merged mapping, else the merge key.
    (ANCHORS, "spec.ports[0].port", (7, 5)),
    (ANCHORS, "spec.ports[0].name", (8, 5)),
    (ANCHORS, "spec.ports[1].port", (9, 10)),
    // Through an alias: the key holding it.
    (ANCHORS, "spec.other.app", (11, 3)),
    (SCALARS, "data.folded", (5, 3)),
    (SCALARS, "data.after", (7, 3)),
    (SCALARS, "data.next", (10, 3)),
    (SCALARS, "data.last", (13, 3)),
    (LIST, "items[0].metadata.name", (6, 5)),
    (LIST, "items[1]", (7, 3)),
    (LIST, "items[1].metadata.name", (7, 46)),
    (LIST, "items[2]", (9, 3)),
    (LIST, "items[2].kind", (10, 3)),
    (LIST, "kind", (11, 1)),
];

#[test]
fn locate_finds_each_field() {
    // The cases are about real documents: each must be YAML serde_yaml_ng accepts.
    for (doc, _, _) in CASES {
        let parsed: Result<serde_yaml_ng::Value, _> = serde_yaml_ng::from_str(doc);
        assert!(parsed.is_ok(), "{parsed:?} in\n{doc}");
    }
    let wrong: Vec<String> = CASES
        .iter()
        .filter_map(|(doc, path, expected)| {
            let got = locate(doc, &FieldPath::new(path));
            (got != Some(*expected))
                .then(|| format!("{path:?}: expected {expected:?}, got {got:?} in\n{doc}"))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn locate_in_an_empty_document_finds_nothing() {
    for doc in ["", "\n\n", "# only a comment\n  # another\n"] {
        assert_eq!(locate(doc, &FieldPath::new("spec")), None, "{doc:?}");
    }
}

/// (document, the path serde printed, the path as the API server writes it).
#[test]
fn serde_paths_become_api_paths() {
    let cases = [
        (
            BLOCK,
            "metadata.labels.app.kubernetes.io/name",
            "metadata.labels[app.kubernetes.io/name]",
        ),
        (BLOCK, "metadata.labels.single", "metadata.labels.single"),
        (BLOCK, "spec.ports[1].targetPort", "spec.ports[1].targetPort"),
        // Not in the text: kept as written.
        (BLOCK, "spec.ports[1].a.b", "spec.ports[1].a.b"),
    ];
    for (doc, serde_path, api_path) in cases {
        let tree = crate::yaml::parse(doc, 1, 1).unwrap();
        assert_eq!(
            tree.canonical_path("", serde_path).as_str(),
            api_path,
            "{serde_path}"
        );
    }
}

/// Input no YAML parser accepts must still come back with an answer (or none), never a panic
/// or a hang.
#[test]
fn locate_survives_garbage() {
    let deep_flow = "[".repeat(100_000);
    let deep_block: String = (0..2_000).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect();
    let cases = [
        "{{{{",
        "]]]}}}",
        "a: [b, {c: d",
        "\"unterminated",
        "'also",
        "- - - -",
        "? ? ?",
        ": : :",
        "a:\n\t- b",
        "|\n  x\n>",
        "&a *b !c",
        "k: v\n  : x\n -",
        "\u{feff}é: ü\n  ö: [ä",
        &deep_flow,
        &deep_block,
    ];
    for doc in cases {
        let _ = locate(doc, &FieldPath::new("a.b[0].c"));
        let _ = crate::yaml::parse(doc, 1, 1);
    }
}
