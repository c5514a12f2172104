//! Property tests: whatever the text, parsing and locating return (never panic, never hang),
//! and every position they give is inside the text.

use proptest::prelude::*;

use super::*;

/// Text made of YAML's structural characters, so that most inputs are almost-YAML.
fn yamlish() -> impl Strategy<Value = String> {
    "([-:{}\\[\\],#&*!|>'\"?%@. \\t\\na-c0-9]|---\\n|\\.\\.\\.\\n|\\n  |: |- |<<: ){0,120}"
}

/// A valid stream to mutate: block, flow, a List, anchors, JSON.
const BASE: &str = "# Source: x\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels: &l {app: web}\nspec:\n  selector: *l\n  ports:\n  - port: 80\n    targetPort: http\n---\n{apiVersion: v1, kind: List, items: [\n  {apiVersion: v1, kind: Namespace, metadata: {name: a}}]}\n---\n{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"p\"}}\n";

/// Positions are 1-based and inside the text (a syntax error may point just past the end).
fn assert_inside(text: &str, line: usize, column: usize) {
    let lines = text.split('\n').count();
    assert!(
        line >= 1 && line <= lines + 1,
        "line {line} of {lines} in {text:?}"
    );
    assert!(column >= 1, "column {column} in {text:?}");
}

fn check(text: &str) {
    match parse_manifests(text) {
        Ok(objects) => {
            for o in &objects {
                assert_inside(text, o.line, o.column);
            }
        }
        Err(e) => {
            assert!(!e.errors.is_empty());
            for i in &e.errors {
                assert_inside(text, i.line, i.column);
            }
        }
    }
    for doc in documents(text) {
        for path in ["", "spec.ports[0].port", "items[0].metadata.name", "a.b.c[1][x]"] {
            if let Some((line, column)) = locate(doc.text, &FieldPath::new(path)) {
                assert_inside(doc.text, line, column);
            }
        }
    }
}

proptest! {
    #[test]
    fn any_text_parses_or_fails_in_place(text in yamlish()) {
        check(&text);
    }

    #[test]
    fn an_edited_manifest_parses_or_fails_in_place(
        cut in 0..BASE.len(),
        len in 0usize..6,
        insert in "([-:{}\\[\\],#&*|>'\" \\t\\n]|\\n  ){0,3}",
    ) {
        let mut text = String::from(BASE);
        let start = (0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        let end = (start + len).min(text.len());
        let end = (end..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
        text.replace_range(start..end, &insert);
        check(&text);
    }
}
