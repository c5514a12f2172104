//! Malformed manifests, the catalogue: each case is the text and every issue expected from it,
//! exactly — the document (0-based), line, column, object, field path, kind and message. Two
//! tables: what the parser itself refuses (bad YAML, values JSON cannot carry, documents that
//! are not objects, wrong types), and what the cluster refuses, positioned with
//! `locate_error(s)` (missing required fields, invalid names, labels, ports and paths,
//! allocations, duplicates). Dangling references are warnings, not errors: their table is in
//! `tests_references.rs`.

use super::*;
use crate::cluster::{ApplyError, Cluster, ClusterConfig};
use FieldErrorKind::{Duplicate, Invalid, NotSupported, Required};
use IssueKind::{Field, NotAnObject, Syntax};

/// A Service head, so that the cases show only what matters.
macro_rules! svc {
    ($rest:expr) => {
        concat!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n",
            $rest
        )
    };
}

/// (doc, line, column, object, path, kind, message).
type Issue = (
    usize,
    usize,
    usize,
    Option<&'static str>,
    Option<&'static str>,
    IssueKind,
    &'static str,
);

const PARSE_CASES: &[(&str, &str, &[Issue])] = &[
    // --- YAML syntax: the reader's position (in the stream) and what is wrong.
    (
        "a key indented less than its siblings",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n namespace: b\n",
        &[(0, 5, 2, None, None, Syntax, "this line is indented less than the block above it (column 3) and more than the keys of its mapping (column 1): check its indentation")],
    ),
    (
        "an unclosed flow sequence (at the '[')",
        svc!("  ports: [80, 81\n"),
        &[(0, 6, 10, None, None, Syntax, "this '[' is never closed with ']'")],
    ),
    (
        "an unclosed quote (at the quote)",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: 'web\n",
        &[(0, 4, 9, None, None, Syntax, "this quoted value is never closed: no ' before the end of the document")],
    ),
    (
        "a tab as indentation",
        "apiVersion: v1\nkind: Service\nmetadata:\n\tname: web\n",
        &[(0, 4, 1, None, None, Syntax, "a tab cannot indent a line of YAML: indent with spaces")],
    ),
    (
        "two mappings on one line",
        "apiVersion: v1\nkind: Service\nmetadata: name: web\n",
        &[(0, 3, 15, None, None, Syntax, "a mapping cannot start on the same line as its key: put it on the next line, indented")],
    ),
    (
        "a duplicate key in the second document (at the repeat, not the mapping)",
        concat!(svc!("  type: ClusterIP\n"), "---\n", svc!("  type: ClusterIP\n  ports: []\n  type: NodePort\n")),
        &[(1, 15, 3, None, Some("spec.type"), Syntax, "the key \"type\" appears twice in this mapping (first at line 13, column 3)")],
    ),
    (
        "an alias to an anchor that does not exist",
        svc!("  selector: *labels\n"),
        &[(0, 6, 13, None, None, Syntax, "the alias *labels names no anchor: &labels must come before it")],
    ),
    (
        "a line indented less than the document's first",
        "  apiVersion: v1\n  kind: Service\n metadata: {}\n",
        &[(
            0,
            3,
            2,
            None,
            None,
            Syntax,
            "this line is indented less than the document's top-level block (column 3): check its indentation, or separate documents with ---",
        )],
    ),
    (
        "a syntax error in the third document",
        concat!(svc!(""), "---\n", svc!(""), "---\n", svc!("  ports:\n  - port: 80\n   name: http\n")),
        &[(2, 20, 4, None, None, Syntax, "this line is indented less than the block above it (column 5) and more than the '-' of its sequence's items (column 3): check its indentation")],
    ),
    (
        "an error in a document that starts on its --- line",
        "--- {apiVersion: v1, kind: Service\n",
        &[(0, 1, 5, None, None, Syntax, "this '{' is never closed with '}'")],
    ),
    (
        "a merge key with a scalar (at the scalar)",
        svc!("  selector:\n    <<: 5\n"),
        &[(0, 7, 9, None, None, Syntax, "a merge key (<<) takes a mapping to merge, or a list of them, not a number")],
    ),
    (
        "JSON with a missing comma",
        "{\"apiVersion\": \"v1\" \"kind\": \"Service\"}",
        &[(0, 1, 21, None, None, Syntax, "expected ',' or '}' here, between the entries of a flow mapping")],
    ),
    (
        "an invalid block scalar indicator",
        "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: |x\n    y\n",
        &[(0, 4, 7, None, None, Syntax, "after | or > only a chomping indicator (- or +), an indentation digit (1-9) and a comment may follow on the line")],
    ),
    (
        "a character that cannot start a document",
        "@web\n",
        &[(0, 1, 1, None, None, Syntax, "'@' is reserved and cannot start a plain value: quote it")],
    ),
    (
        "an anchor that contains itself (at the alias)",
        "a: &a [*a]\n",
        &[(0, 1, 8, None, None, Syntax, "the alias *a is inside the node &a names: a value cannot contain itself")],
    ),
    (
        "a merge list with a sequence in it",
        "a: &a [x]\nb: &b {c: 1}\nd:\n  <<: [*b, *a]\n",
        &[(0, 4, 12, None, None, Syntax, "every item of a merge key's list (<<: [*a, *b]) must be a mapping; item 1 is a sequence")],
    ),
    (
        "a sequence on the same line as its key",
        svc!("  ports: - port: 80\n"),
        &[(0, 6, 10, None, None, Syntax, "a sequence item (- ) cannot start here: a block collection starts on a line of its own")],
    ),
    (
        "a core tag on a value of another kind (at the tag)",
        svc!("  ports:\n  - port: !!int eighty\n"),
        &[(0, 7, 11, None, None, Syntax, "the tag asks for an integer, but the value is \"eighty\"")],
    ),
    (
        "an unknown escape in a double-quoted string",
        "apiVersion: v1\nkind: ConfigMap\ndata:\n  path: \"C:\\windows\"\n",
        &[(0, 4, 12, None, None, Syntax, "\\w is not an escape of a double-quoted string (write \\\\ for a backslash)")],
    ),
    (
        "a comment glued to a quoted value",
        "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: \"x\"# note\n",
        &[(0, 4, 9, None, None, Syntax, "a comment must be separated from the value before it by a space")],
    ),
    (
        "a control character",
        "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: x\u{7}y\n",
        &[(0, 4, 7, None, None, Syntax, "the control character U+0007 is not allowed in YAML (write it as an escape in a double-quoted string)")],
    ),
    (
        "a carriage return without a line feed",
        "apiVersion: v1\rkind: ConfigMap\n",
        &[(0, 1, 15, None, None, Syntax, "a carriage return (\\r) must be followed by a line feed (\\n): save the text with LF or CRLF line ends")],
    ),
    (
        "a text after a flow collection",
        svc!("  ports: [80] 81\n"),
        &[(0, 6, 15, None, None, Syntax, "unexpected text after the value (a value ends its line, or this line is not indented the way it should be)")],
    ),
    // --- Values JSON cannot carry (the API server never sees them).
    (
        "an infinite port",
        svc!("  ports:\n  - port: .inf\n"),
        &[(0, 7, 5, None, Some("spec.ports[0].port"), Field(Invalid), "Invalid value: .inf is not a number JSON can carry")],
    ),
    (
        "an integer beyond 64 bits",
        svc!("  ports:\n  - port: 123456789012345678901234567890\n"),
        &[(
            0,
            7,
            5,
            None,
            Some("spec.ports[0].port"),
            Field(Invalid),
            "Invalid value: 123456789012345678901234567890: integer out of range",
        )],
    ),
    (
        "a null mapping key",
        svc!("  selector:\n    ~: web\n"),
        &[(0, 6, 3, None, Some("spec.selector"), Field(Invalid), "Invalid value: a mapping key may not be null")],
    ),
    (
        "a sequence as a mapping key",
        svc!("  selector:\n    ? [a, b]\n    : web\n"),
        &[(
            0,
            6,
            3,
            None,
            Some("spec.selector"),
            Field(Invalid),
            "Invalid value: a mapping key must be a string, not a list or a mapping",
        )],
    ),
    // --- Documents that are not objects.
    (
        "a document that is a string",
        "---\nhello\n",
        &[(0, 2, 1, None, None, NotAnObject, "a document must be an object (a mapping with apiVersion and kind), not a string")],
    ),
    (
        "a second document that is a number",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n42\n",
        &[(1, 5, 1, None, None, NotAnObject, "a document must be an object (a mapping with apiVersion and kind), not a number")],
    ),
    (
        "a sequence of strings",
        "- a\n- b\n",
        &[
            (0, 1, 3, None, None, NotAnObject, "item 0 must be an object (a mapping with apiVersion and kind), not a string"),
            (0, 2, 3, None, None, NotAnObject, "item 1 must be an object (a mapping with apiVersion and kind), not a string"),
        ],
    ),
    (
        "a List with a string item",
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: a}\n- just a string\n",
        &[(0, 7, 3, None, None, NotAnObject, "item 1 must be an object (a mapping with apiVersion and kind), not a string")],
    ),
    (
        "a List whose items are a mapping",
        "apiVersion: v1\nkind: List\nitems:\n  apiVersion: v1\n",
        &[(
            0,
            3,
            1,
            None,
            Some("items"),
            Field(Invalid),
            "Invalid value: a List's items must be a sequence of objects, not a mapping",
        )],
    ),
    (
        "a ServiceList whose items are a number",
        "apiVersion: v1\nkind: ServiceList\nitems: 5\n",
        &[(
            0,
            3,
            1,
            None,
            Some("items"),
            Field(Invalid),
            "Invalid value: a List's items must be a sequence of objects, not a number",
        )],
    ),
    (
        "a JSON array with a number",
        "[{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"a\"}},\n 7]",
        &[(0, 2, 2, None, None, NotAnObject, "item 1 must be an object (a mapping with apiVersion and kind), not a number")],
    ),
    // --- kind and apiVersion.
    (
        "no kind",
        "apiVersion: v1\nmetadata:\n  name: web\n",
        &[(0, 1, 1, None, Some("kind"), Field(Required), "Required value: every object needs a kind")],
    ),
    (
        "no apiVersion",
        "kind: Service\nmetadata:\n  name: web\n",
        &[(0, 1, 1, Some("Service/default/web"), Some("apiVersion"), Field(Required), "Required value: every object needs an apiVersion")],
    ),
    (
        "a kind that is a number",
        "apiVersion: v1\nkind: 5\n",
        &[(0, 2, 1, None, Some("kind"), Field(Invalid), "Invalid value: \"5\": kind must be a string")],
    ),
    (
        "an apiVersion the kind is not served at",
        "apiVersion: apps/v1\nkind: Service\nmetadata:\n  name: web\n",
        &[(
            0,
            1,
            1,
            Some("Service/default/web"),
            Some("apiVersion"),
            Field(NotSupported),
            "Unsupported value: \"apps/v1\": supported values: \"v1\"",
        )],
    ),
    (
        "a List item without a kind (at the item)",
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: a}\n- apiVersion: v1\n  metadata:\n    name: b\n",
        &[(0, 7, 3, None, Some("kind"), Field(Required), "Required value: every object needs a kind")],
    ),
    // --- Wrong types, at the field.
    (
        "a quoted number for port (a string is not a port)",
        svc!("  ports:\n  - port: 80\n  - port: \"8080\"\n"),
        &[(
            0,
            8,
            5,
            Some("Service/default/web"),
            Some("spec.ports[1].port"),
            Field(Invalid),
            "Invalid value: wrong type: invalid type: string \"8080\", expected i64",
        )],
    ),
    (
        "a quoted number for replicas",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: \"3\"\n",
        &[(0, 6, 3, Some("Deployment/default/web"), Some("spec.replicas"), Field(Invalid), "Invalid value: wrong type: invalid type: string \"3\", expected i64")],
    ),
    (
        "a number as a label value",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    app: web\n    version: 1.0\n",
        &[(
            0,
            7,
            5,
            Some("Service/default/web"),
            Some("metadata.labels.version"),
            Field(Invalid),
            "Invalid value: wrong type: invalid type: floating point `1.0`, expected a string",
        )],
    ),
    (
        "a number as a dotted label's value (the path says which key)",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    app.kubernetes.io/name: web\n    app.kubernetes.io/version: 2\n",
        &[(
            0,
            7,
            5,
            Some("Service/default/web"),
            Some("metadata.labels[app.kubernetes.io/version]"),
            Field(Invalid),
            "Invalid value: wrong type: invalid type: integer `2`, expected a string",
        )],
    ),
    (
        "ports as a mapping",
        svc!("  ports:\n    port: 80\n"),
        &[(0, 6, 3, Some("Service/default/web"), Some("spec.ports"), Field(Invalid), "Invalid value: wrong type: invalid type: map, expected a sequence")],
    ),
    (
        "a port that is a bare number in a flow sequence",
        svc!("  ports: [80]\n"),
        &[(
            0,
            6,
            11,
            Some("Service/default/web"),
            Some("spec.ports[0]"),
            Field(Invalid),
            "Invalid value: wrong type: invalid type: integer `80`, expected struct ServicePort",
        )],
    ),
    (
        "a named containerPort deep in a template",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        ports:\n        - containerPort: http\n",
        &[(
            0,
            12,
            11,
            Some("Deployment/default/web"),
            Some("spec.template.spec.containers[0].ports[0].containerPort"),
            Field(Invalid),
            "Invalid value: wrong type: invalid type: string \"http\", expected i64",
        )],
    ),
    (
        "a selector written as a list",
        svc!("  selector:\n  - app: web\n"),
        &[(0, 6, 3, Some("Service/default/web"), Some("spec.selector"), Field(Invalid), "Invalid value: wrong type: invalid type: sequence, expected a map")],
    ),
    (
        "a wrong type in KYAML over many lines",
        "{\n  apiVersion: \"v1\",\n  kind: \"Service\",\n  metadata: {name: \"web\"},\n  spec: {\n    ports: [{\n      port: 80,\n    }, {\n      port: \"https\",\n    }],\n  },\n}\n",
        &[(
            0,
            9,
            7,
            Some("Service/default/web"),
            Some("spec.ports[1].port"),
            Field(Invalid),
            "Invalid value: wrong type: invalid type: string \"https\", expected i64",
        )],
    ),
    (
        "a wrong type in JSON",
        "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Service\",\n  \"metadata\": {\"name\": \"web\"},\n  \"spec\": {\"ports\": [{\"port\": 80}, {\"port\": 81, \"nodePort\": \"x\"}]}\n}\n",
        &[(
            0,
            5,
            49,
            Some("Service/default/web"),
            Some("spec.ports[1].nodePort"),
            Field(Invalid),
            "Invalid value: wrong type: invalid type: string \"x\", expected i64",
        )],
    ),
    (
        "a wrong type through an alias (at the key holding it)",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: &n web\nspec:\n  ports:\n  - port: *n\n",
        &[(
            0,
            7,
            5,
            Some("Service/default/web"),
            Some("spec.ports[0].port"),
            Field(Invalid),
            "Invalid value: wrong type: invalid type: string \"web\", expected i64",
        )],
    ),
    (
        "a wrong type next to a merge key",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - &p {port: 80, protocol: TCP}\n  - <<: *p\n    name: [x]\n",
        &[(
            0,
            9,
            5,
            Some("Service/default/web"),
            Some("spec.ports[1].name"),
            Field(Invalid),
            "Invalid value: wrong type: invalid type: sequence, expected a string",
        )],
    ),
    (
        "a boolean targetPort in a List item",
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: web\n  spec:\n    ports:\n    - port: 80\n      targetPort: true\n",
        &[(
            0,
            11,
            7,
            Some("Service/default/web"),
            Some("spec.ports[0].targetPort"),
            Field(Invalid),
            "Invalid value: wrong type: invalid type: boolean `true`, expected an integer or a string",
        )],
    ),
    (
        "a fractional targetPort",
        svc!("  ports:\n  - port: 80\n    targetPort: 80.5\n"),
        &[(
            0,
            8,
            5,
            Some("Service/default/web"),
            Some("spec.ports[0].targetPort"),
            Field(Invalid),
            "Invalid value: wrong type: invalid type: floating point `80.5`, expected an integer or a string",
        )],
    ),
    (
        "metadata as a string",
        "apiVersion: v1\nkind: Service\nmetadata: web\n",
        &[(
            0,
            3,
            1,
            Some("Service/default/"),
            Some("metadata"),
            Field(Invalid),
            "Invalid value: wrong type: invalid type: string \"web\", expected struct ObjectMeta",
        )],
    ),
    (
        "a name that is a list",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: [web]\n",
        &[(0, 4, 3, Some("Service/default/"), Some("metadata.name"), Field(Invalid), "Invalid value: wrong type: invalid type: sequence, expected a string")],
    ),
    (
        "one error in each of two documents (both reported)",
        concat!(svc!("  ports: 80\n"), "---\n# second\n", svc!("  type: [NodePort]\n")),
        &[
            (0, 6, 3, Some("Service/default/web"), Some("spec.ports"), Field(Invalid), "Invalid value: wrong type: invalid type: integer `80`, expected a sequence"),
            (1, 14, 3, Some("Service/default/web"), Some("spec.type"), Field(Invalid), "Invalid value: wrong type: invalid type: sequence, expected a string"),
        ],
    ),
    (
        "a wrong type with CRLF line ends",
        "apiVersion: v1\r\nkind: Service\r\nmetadata:\r\n  name: web\r\nspec:\r\n  ports:\r\n  - port: x\r\n",
        &[(0, 7, 5, Some("Service/default/web"), Some("spec.ports[0].port"), Field(Invalid), "Invalid value: wrong type: invalid type: string \"x\", expected i64")],
    ),
    (
        "a wrong type after a byte-order mark",
        "\u{feff}apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: x\n",
        &[(0, 6, 3, Some("Service/default/web"), Some("spec.ports"), Field(Invalid), "Invalid value: wrong type: invalid type: string \"x\", expected a sequence")],
    ),
    (
        "columns count characters, not bytes",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations: {note: \"héllo wörld\", n: 1}\n",
        &[(
            0,
            5,
            38,
            Some("Service/default/web"),
            Some("metadata.annotations.n"),
            Field(Invalid),
            "Invalid value: wrong type: invalid type: integer `1`, expected a string",
        )],
    ),
    (
        "a syntax error and a wrong type in different documents",
        concat!(svc!("  ports: [\n"), "---\n", svc!("  ports: {}\n")),
        &[
            (0, 6, 10, None, None, Syntax, "this '[' is never closed with ']'"),
            (1, 13, 3, Some("Service/default/web"), Some("spec.ports"), Field(Invalid), "Invalid value: wrong type: invalid type: map, expected a sequence"),
        ],
    ),
];

/// An issue as compared: (doc, line, column, object, path, kind, message).
type Compared = (
    usize,
    usize,
    usize,
    Option<String>,
    Option<String>,
    IssueKind,
    String,
);

fn actual(issue: &ManifestIssue) -> Compared {
    (
        issue.doc,
        issue.line,
        issue.column,
        issue.object.as_ref().map(ToString::to_string),
        issue.path.as_ref().map(|p| p.as_str().to_string()),
        issue.kind,
        issue.message.clone(),
    )
}

fn expected(issue: &Issue) -> Compared {
    let (doc, line, column, object, path, kind, message) = *issue;
    (
        doc,
        line,
        column,
        object.map(ToString::to_string),
        path.map(ToString::to_string),
        kind,
        message.to_string(),
    )
}

#[test]
fn malformed_manifests_report_each_issue_where_it_is() {
    assert!(PARSE_CASES.len() >= 30);
    for (name, text, issues) in PARSE_CASES {
        let err = match parse_manifests(text) {
            Ok(objects) => panic!("{name}: parsed into {} objects", objects.len()),
            Err(e) => e,
        };
        let got: Vec<_> = err.errors.iter().map(actual).collect();
        let want: Vec<_> = issues.iter().map(expected).collect();
        assert_eq!(got, want, "{name}\n{text}");
        for issue in &err.errors {
            // The message never repeats the position the issue carries.
            let own = format!("line {} column {}", issue.line, issue.column);
            assert!(!issue.message.contains(&own), "{name}: {issue}");
        }
    }
}

/// (name, text, issues as `locate_errors` gives them: doc, line, column, object, path, kind,
/// message). The text parses; the cluster refuses it.
type Placed = (
    usize,
    usize,
    usize,
    &'static str,
    &'static str,
    IssueKind,
    &'static str,
);

const APPLY_CASES: &[(&str, &str, &[Placed])] = &[
    (
        "a quoted number as targetPort is a port name, and not a valid one",
        svc!("  selector: {app: web}\n  ports:\n  - port: 80\n    targetPort: \"8080\"\n"),
        &[(
            0,
            9,
            5,
            "Service/default/web",
            "spec.ports[0].targetPort",
            Field(Invalid),
            "Invalid value: \"8080\": must contain at least one letter (a-z)",
        )],
    ),
    (
        "port 0 in the second document",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  ports:\n  - name: http\n    port: 80\n  - name: other\n    port: 0\n",
        &[(
            1,
            16,
            5,
            "Service/shop/web",
            "spec.ports[1].port",
            Field(Invalid),
            "Invalid value: 0: must be between 1 and 65535, inclusive",
        )],
    ),
    (
        "an upper-case Service name",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: Web\nspec:\n  ports:\n  - port: 80\n",
        &[(
            0,
            4,
            3,
            "Service/default/Web",
            "metadata.name",
            Field(Invalid),
            "Invalid value: \"Web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
        )],
    ),
    (
        "the same object twice (at the second)",
        concat!(svc!("  ports:\n  - port: 80\n"), "---\n", svc!("  ports:\n  - port: 81\n")),
        &[(
            1,
            12,
            3,
            "Service/default/web",
            "metadata.name",
            Field(Duplicate),
            "Duplicate value: \"web\": the same object appears twice in one apply; each object may appear once",
        )],
    ),
    (
        "a namespace that does not exist",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  ports:\n  - port: 80\n",
        &[(
            0,
            5,
            3,
            "Service/shop/web",
            "metadata.namespace",
            Field(Invalid),
            "Invalid value: \"shop\": namespace \"shop\" not found; apply a Namespace object first or in the same batch",
        )],
    ),
    (
        "an invalid port in the second item of a List",
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n  spec:\n    ports:\n    - port: 80\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: b\n  spec:\n    ports:\n    - port: 70000\n",
        &[(
            0,
            17,
            7,
            "Service/default/b",
            "spec.ports[0].port",
            Field(Invalid),
            "Invalid value: 70000: must be between 1 and 65535, inclusive",
        )],
    ),
    (
        "an unsupported type in the second object of a JSON array",
        "[\n  {\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"a\"}, \"spec\": {\"ports\": [{\"port\": 80}]}},\n  {\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"b\"},\n   \"spec\": {\"type\": \"Nodeport\", \"ports\": [{\"port\": 80}]}}\n]\n",
        &[(
            0,
            4,
            13,
            "Service/default/b",
            "spec.type",
            Field(NotSupported),
            "Unsupported value: \"Nodeport\": supported values: \"ClusterIP\", \"NodePort\", \"LoadBalancer\", \"ExternalName\"",
        )],
    ),
    (
        "two errors in one object, one issue each",
        svc!("  ports:\n  - name: a\n    port: 80\n  - name: a\n    port: 0\n"),
        &[
            (0, 9, 5, "Service/default/web", "spec.ports[1].name", Field(Duplicate), "Duplicate value: \"a\""),
            (
                0,
                10,
                5,
                "Service/default/web",
                "spec.ports[1].port",
                Field(Invalid),
                "Invalid value: 0: must be between 1 and 65535, inclusive",
            ),
        ],
    ),
    (
        "an Ingress path without pathType (at the path: the field is absent)",
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        backend:\n          service:\n            name: web\n            port:\n              number: 80\n",
        &[(
            0,
            9,
            9,
            "Ingress/default/web",
            "spec.rules[0].http.paths[0].pathType",
            Field(Required),
            "Required value: pathType must be specified",
        )],
    ),
    (
        "a Deployment whose selector does not match its template",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: other}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n",
        &[(
            0,
            10,
            7,
            "Deployment/default/web",
            "spec.template.metadata.labels",
            Field(Invalid),
            "Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`",
        )],
    ),
    (
        "a targetPort out of range in KYAML",
        "---\n{\n  apiVersion: \"v1\",\n  kind: \"Service\",\n  metadata: {\n    name: \"web\",\n  },\n  spec: {\n    ports: [{\n      port: 80,\n      targetPort: 70000,\n    }],\n  },\n}\n",
        &[(
            0,
            11,
            7,
            "Service/default/web",
            "spec.ports[0].targetPort",
            Field(Invalid),
            "Invalid value: 70000: must be between 1 and 65535, inclusive",
        )],
    ),
    // --- Missing required fields.
    (
        "a Service without ports",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector: {app: web}\n",
        &[
            (0, 5, 1, "Service/default/web", "spec.ports", Field(Required), "Required value"),
        ],
    ),
    (
        "a Deployment without a selector",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c}]}\n",
        &[
            (0, 5, 1, "Deployment/default/web", "spec.selector", Field(Required), "Required value"),
        ],
    ),
    (
        "a container without a name",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - image: nginx\n",
        &[
            (0, 7, 5, "Pod/default/p", "spec.containers[0].name", Field(Required), "Required value"),
        ],
    ),
    (
        "an IngressClass without a controller",
        "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx\nspec: {}\n",
        &[
            (0, 5, 1, "IngressClass/nginx", "spec.controller", Field(Required), "Required value"),
        ],
    ),
    // --- Invalid names and labels.
    (
        "a Namespace name with upper case",
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: Shop\n",
        &[
            (0, 4, 3, "Namespace/Shop", "metadata.name", Field(Invalid), "Invalid value: \"Shop\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
        ],
    ),
    (
        "a Service name over 63 characters",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: a-very-long-service-name-that-goes-on-and-on-past-the-dns-label-limit\nspec:\n  ports: [{port: 80}]\n",
        &[
            (0, 4, 3, "Service/default/a-very-long-service-name-that-goes-on-and-on-past-the-dns-label-limit", "metadata.name", Field(Invalid), "Invalid value: \"a-very-long-service-name-that-goes-on-and-on-past-the-dns-label-limit\": must be no more than 63 characters"),
        ],
    ),
    (
        "a label key that starts with a dash",
        svc!("  ports: [{port: 80}]\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    -app: web\nspec:\n  containers: [{name: c}]\n"),
        &[
            (1, 12, 3, "Pod/default/p", "metadata.labels", Field(Invalid), "Invalid value: \"-app\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
        ],
    ),
    (
        "a label value over 63 characters",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    app: a123456789b123456789c123456789d123456789e123456789f123456789g1234\nspec:\n  containers: [{name: c}]\n",
        &[
            (0, 6, 5, "Pod/default/p", "metadata.labels[app]", Field(Invalid), "Invalid value: \"a123456789b123456789c123456789d123456789e123456789f123456789g1234\": must be no more than 63 characters"),
        ],
    ),
    (
        "a selector value with a space",
        svc!("  selector:\n    app: my web\n  ports: [{port: 80}]\n"),
        &[
            (0, 7, 5, "Service/default/web", "spec.selector[app]", Field(Invalid), "Invalid value: \"my web\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
        ],
    ),
    // --- Invalid ports.
    (
        "a port name with an underscore",
        svc!("  ports:\n  - name: http_alt\n    port: 8080\n"),
        &[
            (0, 7, 5, "Service/default/web", "spec.ports[0].name", Field(Invalid), "Invalid value: \"http_alt\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
        ],
    ),
    (
        "a protocol that is not TCP, UDP or SCTP",
        svc!("  ports:\n  - port: 80\n    protocol: HTTP\n"),
        &[
            (0, 8, 5, "Service/default/web", "spec.ports[0].protocol", Field(NotSupported), "Unsupported value: \"HTTP\": supported values: \"TCP\", \"UDP\", \"SCTP\""),
        ],
    ),
    (
        "a nodePort outside the NodePort range",
        svc!("  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 20000\n"),
        &[
            (0, 9, 5, "Service/default/web", "spec.ports[0].nodePort", Field(Invalid), "Invalid value: 20000: provided port is not in the valid range. The range of valid ports is 30000-32767"),
        ],
    ),
    (
        "a containerPort of 0",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    ports:\n    - containerPort: 0\n",
        &[
            (0, 9, 7, "Pod/default/p", "spec.containers[0].ports[0].containerPort", Field(Invalid), "Invalid value: 0: must be between 1 and 65535, inclusive"),
        ],
    ),
    // --- Allocations (admission).
    (
        "a clusterIP outside the Service range",
        svc!("  clusterIP: 192.168.1.10\n  ports: [{port: 80}]\n"),
        &[
            (0, 6, 3, "Service/default/web", "spec.clusterIP", Field(Invalid), "Invalid value: \"192.168.1.10\": failed to allocate IP 192.168.1.10: the provided IP (192.168.1.10) is not in the valid range. The range of valid IPs is 10.96.0.0/12"),
        ],
    ),
    (
        "two Services asking for the same clusterIP (the second is refused)",
        concat!(svc!("  clusterIP: 10.96.0.50\n  ports: [{port: 80}]\n"), "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  clusterIP: 10.96.0.50\n  ports: [{port: 80}]\n"),
        &[
            (1, 14, 3, "Service/default/api", "spec.clusterIP", Field(Invalid), "Invalid value: \"10.96.0.50\": failed to allocate IP 10.96.0.50: provided IP is already allocated"),
        ],
    ),
    // --- Invalid paths.
    (
        "an Ingress Prefix path that is not absolute",
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n  - http:\n      paths:\n      - path: api\n        pathType: Prefix\n        backend: {service: {name: web, port: {number: 80}}}\n",
        &[
            (0, 9, 9, "Ingress/default/web", "spec.rules[0].http.paths[0].path", Field(Invalid), "Invalid value: \"api\": must be an absolute path"),
        ],
    ),
    (
        "an Ingress pathType that does not exist",
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /api\n        pathType: Regex\n        backend: {service: {name: web, port: {number: 80}}}\n",
        &[
            (0, 10, 9, "Ingress/default/web", "spec.rules[0].http.paths[0].pathType", Field(NotSupported), "Unsupported value: \"Regex\": supported values: \"Exact\", \"Prefix\", \"ImplementationSpecific\""),
        ],
    ),
    (
        "an HTTPRoute path match that is not absolute",
        "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\nspec:\n  parentRefs: [{name: gw}]\n  rules:\n  - matches:\n    - path: {type: PathPrefix, value: api}\n",
        &[
            (0, 9, 32, "HTTPRoute/default/r", "spec.rules[0].matches[0].path.value", Field(Invalid), "Invalid value: \"api\": value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']"),
        ],
    ),
    // --- Duplicates.
    (
        "the same Deployment twice in a List",
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: web}\n  spec:\n    selector: {matchLabels: {app: web}}\n    template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c}]}}\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: web}\n  spec:\n    selector: {matchLabels: {app: web}}\n    template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c}]}}\n",
        &[
            (0, 12, 14, "Deployment/default/web", "metadata.name", Field(Duplicate), "Duplicate value: \"web\": the same object appears twice in one apply; each object may appear once"),
        ],
    ),
    (
        "two containers of one name",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n  - name: c\n",
        &[
            (0, 8, 5, "Pod/default/p", "spec.containers[1].name", Field(Duplicate), "Duplicate value: \"c\""),
        ],
    ),
    (
        "a Gateway with two listeners of one name",
        "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: gw\nspec:\n  gatewayClassName: gc\n  listeners:\n  - {name: http, port: 80, protocol: HTTP}\n  - {name: http, port: 8080, protocol: HTTP}\n",
        &[
            (0, 9, 6, "Gateway/default/gw", "spec.listeners[1].name", Field(Duplicate), "Duplicate value: \"http\""),
        ],
    ),
];

fn refused(text: &str) -> (Vec<ManifestObject>, Vec<ObjectError>) {
    let objects = parse_manifests(text).expect("the case's text parses");
    let mut cluster = Cluster::new(ClusterConfig::default()).unwrap();
    match cluster.apply(objects.iter().map(|o| o.object.clone()).collect()) {
        Err(ApplyError::Invalid(errors)) => (objects, errors),
        other => panic!("expected the cluster to refuse, got {other:?}"),
    }
}

#[test]
fn cluster_errors_are_positioned_in_the_text() {
    for (name, text, placed) in APPLY_CASES {
        let (objects, errors) = refused(text);
        let got: Vec<_> = locate_errors(&objects, text, &errors)
            .errors
            .iter()
            .map(|i| {
                let (doc, line, column, object, path, kind, message) = actual(i);
                (
                    doc,
                    line,
                    column,
                    object.unwrap_or_default(),
                    path.unwrap_or_default(),
                    kind,
                    message,
                )
            })
            .collect();
        let want: Vec<_> = placed
            .iter()
            .map(|&(doc, line, column, object, path, kind, message)| {
                (
                    doc,
                    line,
                    column,
                    object.to_string(),
                    path.to_string(),
                    kind,
                    message.to_string(),
                )
            })
            .collect();
        assert_eq!(got, want, "{name}\n{text}");
    }
}

/// `locate_error` gives one issue per object error: at its first field error, the others
/// appended to the message.
#[test]
fn locate_error_puts_one_object_error_at_its_first_field() {
    let (_, text, placed) = APPLY_CASES
        .iter()
        .find(|(name, _, _)| name.starts_with("two errors"))
        .unwrap();
    let (objects, errors) = refused(text);
    assert_eq!(errors.len(), 1);
    let issue = locate_error(&objects, text, &errors[0]);
    let (doc, line, column, _, path, kind, first) = placed[0];
    assert_eq!(
        (issue.doc, issue.line, issue.column, issue.kind),
        (doc, line, column, kind)
    );
    assert_eq!(issue.path.as_ref().map(FieldPath::as_str), Some(path));
    assert_eq!(
        issue.message,
        format!("{first}; spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive")
    );
    assert_eq!(
        issue.to_string(),
        format!(
            "document 1, line 9, column 5: Service/default/web: spec.ports[1].name: {}",
            issue.message
        )
    );
}

/// The issue asks for at least 60 malformed inputs, each with its exact error.
#[test]
fn the_catalogue_has_at_least_sixty_cases() {
    assert!(PARSE_CASES.len() + APPLY_CASES.len() >= 60);
    assert!(APPLY_CASES.len() >= 30);
}
