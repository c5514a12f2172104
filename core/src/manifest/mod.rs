//! Manifests in: YAML and JSON text → typed objects, or errors that say where.
//!
//! People paste what they have — a Helm render, a `kubectl get … -o yaml` dump, a tutorial's
//! file, JSON. [`parse_manifests`] takes all of it:
//!
//! - multi-document streams (`---`, `...`), with empty and comment-only documents skipped (Helm's
//!   `# Source:` headers, licence banners, a trailing `---`);
//! - anchors, aliases and merge keys (`<<: *defaults`), flow style and KYAML, comments;
//! - `kind: List` and `*List` kinds (`kubectl get -o yaml`) flattened into their items, and a
//!   top-level sequence or JSON array of objects;
//! - JSON, which is YAML.
//!
//! Values follow what the API server receives after kubectl's YAML → JSON conversion (see
//! `convert.rs`): a quoted `"8080"` stays a string — fine for a label or an int-or-string
//! `targetPort` (where it is then a port *name*, and validation says what is wrong with it), a
//! type error for `port`; an explicit `null` is the same as leaving the field out. Kinds kroute
//! does not model become [`Object::Other`], kept and reported, never rejected.
//!
//! Every error is a [`ManifestIssue`]: document, line and column, the object (`Service/default/web`)
//! when known, the field path (`spec.ports[1].targetPort`) and the message. Positions come from
//! kroute's YAML reader (`crate::yaml`): syntax errors carry theirs, and its tree, which keeps
//! where every key and item is, positions everything found later on typed objects ([`locate`]). The cluster's own errors (validation, admission) are
//! positioned the same way with [`locate_error`] / [`locate_errors`], so a UI can underline the
//! line whatever stage refused it. Dangling references (an Ingress naming a missing Service) are
//! warnings of a successful apply; [`locate_references`] positions them the same way.
//!
//! ```
//! use kroute::manifest::parse_manifests;
//!
//! let text = "\
//! # Source: chart/templates/svc.yaml
//! apiVersion: v1
//! kind: Service
//! metadata: {name: web}
//! spec:
//!   ports:
//!   - port: 80
//!   - port: \"8080\"
//! ";
//! let err = parse_manifests(text).unwrap_err();
//! assert_eq!(
//!     err.to_string(),
//!     "document 1, line 8, column 5: Service/default/web: spec.ports[1].port: Invalid value: \
//!      wrong type: invalid type: string \"8080\", expected i64"
//! );
//! ```
//!
//! Manifests out: [`Cluster::export_yaml`](crate::cluster::Cluster::export_yaml) (`export.rs`)
//! writes the user's objects as last applied, in dependency order, without what the cluster
//! owns, as YAML that kubectl's YAML 1.1 reader and this module read the same way (`emit.rs`);
//! reading an export back gives the same cluster and the same export.
//!
//! Architecture invariant: this module only reads and writes text. It decides nothing about
//! validity (that is `validation` and the cluster's admission) beyond what the JSON shape decides.

mod convert;
mod documents;
pub mod draw;
mod emit;
mod export;
mod load;
mod locate;

#[cfg(test)]
mod proptests;
#[cfg(test)]
pub(crate) mod reference;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_export;
#[cfg(test)]
mod tests_fixtures;
#[cfg(test)]
mod tests_locate;
#[cfg(test)]
mod tests_malformed;
#[cfg(test)]
mod tests_references;

pub use documents::{documents, Document};
pub use export::{ExportOptions, DERIVED_HEADER, EXPORT_HEADER};
pub use load::{load_cluster, Loaded, SETTLE_MS};
pub use locate::locate;

use crate::collections::VecMap;
use crate::json::ToJson;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use crate::json::Value as Json;

use crate::cluster::DanglingReference;
use crate::error::{FieldError, FieldErrorKind, FieldPath, ObjectError, ObjectRef};
use crate::model::Object;
use crate::yaml::{self, Tree};

/// One object of a manifest, with where it came from.
#[derive(Clone, Debug, PartialEq, ToJson)]
pub struct ManifestObject {
    pub object: Object,
    /// 0-based index of its document in the stream (see [`Document::index`]).
    pub doc: usize,
    /// Its index in the document's `items` (a `kind: List`) or top-level sequence.
    pub item: Option<usize>,
    /// Where the object starts (1-based line and column, in the whole stream).
    pub line: usize,
    pub column: usize,
}

/// What kind of problem an issue is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ToJson)]
pub enum IssueKind {
    /// The text is not YAML (or JSON).
    Syntax,
    /// A document (or a List item) is YAML but not a mapping, so not an object.
    NotAnObject,
    /// A field is wrong: its shape, a validation rule or admission (the API server's kinds).
    Field(FieldErrorKind),
    /// A warning, not an error: the field names an object the cluster does not have (see
    /// [`locate_references`]).
    DanglingReference,
}

/// One problem, positioned.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
pub struct ManifestIssue {
    /// 0-based document index (displayed 1-based, like lines and columns).
    pub doc: usize,
    /// 1-based line and column (in characters) in the whole stream.
    pub line: usize,
    pub column: usize,
    /// The object, when its kind is known.
    pub object: Option<ObjectRef>,
    /// The field, relative to the object (`spec.ports[1].targetPort`).
    #[serde(serialize_with = "serialize_path")]
    pub path: Option<FieldPath>,
    pub kind: IssueKind,
    /// What is wrong, for a person; without the position, object and path, which are fields.
    pub message: String,
}

fn serialize_path(path: &Option<FieldPath>) -> Json {
    path.as_ref().map_or(Json::Null, |p| Json::from(p.as_str()))
}

impl fmt::Display for ManifestIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "document {}, line {}, column {}: ",
            self.doc + 1,
            self.line,
            self.column
        )?;
        if let Some(o) = &self.object {
            write!(f, "{o}: ")?;
        }
        if let Some(p) = self.path.as_ref().filter(|p| !p.as_str().is_empty()) {
            write!(f, "{p}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Everything wrong with a manifest. Parsing is all or nothing: one issue and no object is
/// returned, so nothing half-read reaches the cluster.
#[derive(Clone, Debug, PartialEq, Eq, ToJson)]
pub struct ManifestError {
    pub errors: Vec<ManifestIssue>,
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ManifestError {}

/// Reads every object of a YAML or JSON stream, in order. Errors are collected over the whole
/// stream (a syntax error ends only its own document) and returned together.
pub fn parse_manifests(text: &str) -> Result<Vec<ManifestObject>, ManifestError> {
    let mut objects = Vec::new();
    let mut errors = Vec::new();
    for doc in documents(text) {
        if let Some(start) = doc.content {
            read_document(&doc, start, &mut objects, &mut errors);
        }
    }
    if errors.is_empty() {
        Ok(objects)
    } else {
        Err(ManifestError { errors })
    }
}

/// Positions one error of the cluster (validation, admission) in the text the objects were
/// parsed from: `err.index` is the object's place in the batch, that is in `objects` when the
/// batch was `objects` in order. The issue is at the first field error; the others are added to
/// its message (use [`locate_errors`] for one issue each).
pub fn locate_error(objects: &[ManifestObject], text: &str, err: &ObjectError) -> ManifestIssue {
    let docs = documents(text);
    let mut issues = field_issues(objects, &docs, err).into_iter();
    let Some(mut first) = issues.next() else {
        let (doc, line, column) = object_position(find_object(objects, &err.object, err.index));
        return ManifestIssue {
            doc,
            line,
            column,
            object: Some(err.object.clone()),
            path: None,
            kind: IssueKind::Field(FieldErrorKind::Invalid),
            message: "is invalid".to_string(),
        };
    };
    for more in issues {
        first.message.push_str("; ");
        if let Some(p) = more.path.as_ref().filter(|p| !p.as_str().is_empty()) {
            first.message.push_str(p.as_str());
            first.message.push_str(": ");
        }
        first.message.push_str(&more.message);
    }
    first
}

/// Positions every field error of every object error (what `Cluster::apply` returns in
/// `ApplyError::Invalid`): one issue per field error, in order.
pub fn locate_errors(objects: &[ManifestObject], text: &str, errors: &[ObjectError]) -> ManifestError {
    let docs = documents(text);
    ManifestError {
        errors: errors
            .iter()
            .flat_map(|e| field_issues(objects, &docs, e))
            .collect(),
    }
}

/// Positions the dangling references an apply reported (`ChangeReport::references`) in the
/// text the objects were parsed from, the way [`locate_errors`] positions errors: one issue per
/// reference, at the referring field, of kind [`IssueKind::DanglingReference`]. They are
/// warnings: the apply succeeded.
pub fn locate_references(
    objects: &[ManifestObject],
    text: &str,
    references: &[DanglingReference],
) -> Vec<ManifestIssue> {
    let docs = documents(text);
    let mut by_ref: BTreeMap<ObjectRef, &ManifestObject> = BTreeMap::new();
    for o in objects {
        by_ref.entry(o.object.object_ref()).or_insert(o);
    }
    // One tree per document, however many references it holds (a List of many objects).
    let mut trees: VecMap<usize, Option<Tree<'_>>> = VecMap::new();
    references
        .iter()
        .map(|r| {
            let found = by_ref.get(&r.object).copied();
            let (doc, line, column) = object_position(found);
            let at = found.and_then(|o| {
                let d = docs.iter().find(|d| d.index == o.doc)?;
                let tree = trees
                    .entry(o.doc)
                    .or_insert_with(|| yaml::parse(d.text, d.line, d.column).ok())
                    .as_ref()?;
                let base = o.item.map(|i| item_path(tree, i)).unwrap_or_default();
                tree.find_under(&base, r.path.as_str())
            });
            let (line, column) = at.unwrap_or((line, column));
            ManifestIssue {
                doc,
                line,
                column,
                object: Some(r.object.clone()),
                path: Some(r.path.clone()),
                kind: IssueKind::DanglingReference,
                message: r.problem.to_string(),
            }
        })
        .collect()
}

/// The manifest object an error or warning is about: the one at `index` if it is that object,
/// otherwise the first with the same identity.
fn find_object<'m>(
    objects: &'m [ManifestObject],
    object: &ObjectRef,
    index: Option<usize>,
) -> Option<&'m ManifestObject> {
    let by_index = index.and_then(|i| objects.get(i));
    by_index
        .filter(|o| o.object.object_ref() == *object)
        .or_else(|| objects.iter().find(|o| o.object.object_ref() == *object))
        .or(by_index)
}

/// (doc, line, column) of a manifest object; the start of the stream when there is none.
fn object_position(found: Option<&ManifestObject>) -> (usize, usize, usize) {
    found.map_or((0, 1, 1), |o| (o.doc, o.line, o.column))
}

fn field_issues(objects: &[ManifestObject], docs: &[Document<'_>], err: &ObjectError) -> Vec<ManifestIssue> {
    let found = find_object(objects, &err.object, err.index);
    let (doc, line, column) = object_position(found);
    let tree = found
        .and_then(|o| docs.iter().find(|d| d.index == o.doc))
        .and_then(|d| yaml::parse(d.text, d.line, d.column).ok());
    let base = match (found.and_then(|o| o.item), &tree) {
        (Some(i), Some(tree)) => item_path(tree, i),
        _ => String::new(),
    };
    err.errors
        .iter()
        .map(|fe| {
            let (line, column) = tree
                .as_ref()
                .and_then(|t| t.find_under(&base, fe.path.as_str()))
                .unwrap_or((line, column));
            ManifestIssue {
                doc,
                line,
                column,
                object: Some(err.object.clone()),
                path: Some(fe.path.clone()),
                kind: IssueKind::Field(fe.kind),
                message: field_message(fe),
            }
        })
        .collect()
}

/// The path of item `i` of a document: `items[i]` in a List, `[i]` in a top-level sequence.
fn item_path(tree: &Tree<'_>, i: usize) -> String {
    if tree.is_sequence() {
        format!("[{i}]")
    } else {
        format!("items[{i}]")
    }
}

/// A field error's text without its path (the issue carries the path).
fn field_message(fe: &FieldError) -> String {
    let full = fe.to_string();
    let prefix = format!("{}: ", fe.path);
    match full.strip_prefix(&prefix) {
        Some(rest) => rest.to_string(),
        None => full,
    }
}

/// One document: YAML → JSON → one object, a List's items or a sequence's items.
fn read_document(
    doc: &Document<'_>,
    start: (usize, usize),
    objects: &mut Vec<ManifestObject>,
    errors: &mut Vec<ManifestIssue>,
) {
    let issue =
        |(line, column): (usize, usize), path: Option<FieldPath>, kind, message: String| ManifestIssue {
            doc: doc.index,
            line,
            column,
            object: None,
            path,
            kind,
            message,
        };
    let tree = match yaml::parse(doc.text, doc.line, doc.column) {
        Ok(tree) => tree,
        Err(e) => {
            errors.push(syntax_issue(doc, e));
            return;
        }
    };
    let Some(root) = tree.root() else {
        return;
    };
    let json = match convert::to_json(&tree, root) {
        Ok(j) => j,
        Err(e) => {
            let at = tree.find(e.path.as_str()).unwrap_or(start);
            let message = format!("Invalid value: {}", e.message);
            errors.push(issue(
                at,
                Some(e.path),
                IssueKind::Field(FieldErrorKind::Invalid),
                message,
            ));
            return;
        }
    };
    match json {
        // `--- ~` or `--- null`: a document that holds nothing.
        Json::Null => {}
        Json::Object(map) if is_list(&map) => {
            match map.into_iter().find(|(k, _)| k == "items").map(|(_, v)| v) {
                None => {}
                Some(Json::Array(items)) => read_items(doc, &tree, "items", items, objects, errors),
                Some(other) => {
                    let at = tree.find("items").unwrap_or(start);
                    errors.push(issue(
                        at,
                        Some(FieldPath::new("items")),
                        IssueKind::Field(FieldErrorKind::Invalid),
                        format!(
                            "Invalid value: a List's items must be a sequence of objects, not {}",
                            describe(&other)
                        ),
                    ));
                }
            }
        }
        Json::Object(map) => {
            let target = Target {
                doc,
                item: None,
                base: "",
                at: start,
            };
            match decode(Json::Object(map)) {
                Ok(object) => objects.push(target.object(object)),
                Err(err) => errors.extend(target.issues(&err, &tree)),
            }
        }
        Json::Array(items) => read_items(doc, &tree, "", items, objects, errors),
        other => errors.push(issue(
            start,
            None,
            IssueKind::NotAnObject,
            format!(
                "a document must be an object (a mapping with apiVersion and kind), not {}",
                describe(&other)
            ),
        )),
    }
}

/// `kind: List`, or a `*List` kind (`ServiceList`) that has `items`.
fn is_list(map: &crate::json::Map) -> bool {
    match map.get("kind").and_then(Json::as_str) {
        Some("List") => true,
        Some(kind) => kind.ends_with("List") && map.contains_key("items"),
        None => false,
    }
}

/// What a value is, for messages.
fn describe(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a sequence",
        Json::Object(_) => "a mapping",
    }
}

/// The items of a List (`field` = `items`) or of a top-level sequence (`field` empty).
fn read_items(
    doc: &Document<'_>,
    tree: &Tree<'_>,
    field: &str,
    items: Vec<Json>,
    objects: &mut Vec<ManifestObject>,
    errors: &mut Vec<ManifestIssue>,
) {
    let fallback = doc.content.unwrap_or((doc.line, doc.column));
    for (i, item) in items.into_iter().enumerate() {
        let base = if field.is_empty() {
            format!("[{i}]")
        } else {
            format!("{field}[{i}]")
        };
        let at = tree.find(&base).unwrap_or(fallback);
        if !item.is_object() {
            errors.push(ManifestIssue {
                doc: doc.index,
                line: at.0,
                column: at.1,
                object: None,
                path: None,
                kind: IssueKind::NotAnObject,
                message: format!(
                    "item {i} must be an object (a mapping with apiVersion and kind), not {}",
                    describe(&item)
                ),
            });
            continue;
        }
        let target = Target {
            doc,
            item: Some(i),
            base: &base,
            at,
        };
        match decode(item) {
            Ok(object) => objects.push(target.object(object)),
            Err(err) => errors.extend(target.issues(&err, tree)),
        }
    }
}

/// Where an object is: its document, its item index and path in the document, its position.
struct Target<'t, 'd> {
    doc: &'t Document<'d>,
    item: Option<usize>,
    base: &'t str,
    at: (usize, usize),
}

impl Target<'_, '_> {
    fn object(&self, object: Object) -> ManifestObject {
        ManifestObject {
            object,
            doc: self.doc.index,
            item: self.item,
            line: self.at.0,
            column: self.at.1,
        }
    }

    fn issues<'e>(
        &'e self,
        err: &'e ObjectError,
        tree: &'e Tree<'_>,
    ) -> impl Iterator<Item = ManifestIssue> + 'e {
        let object = Some(err.object.clone()).filter(|o| !o.kind.is_empty());
        err.errors.iter().map(move |fe| {
            let (line, column) = tree.find_under(self.base, fe.path.as_str()).unwrap_or(self.at);
            ManifestIssue {
                doc: self.doc.index,
                line,
                column,
                object: object.clone(),
                path: Some(tree.canonical_path(self.base, fe.path.as_str())),
                kind: IssueKind::Field(fe.kind),
                message: field_message(fe),
            }
        })
    }
}

/// [`Object::from_value`], after checking that `kind` and `apiVersion`, when present, are
/// strings (`from_value` would call a numeric kind missing).
fn decode(value: Json) -> Result<Object, ObjectError> {
    for field in ["kind", "apiVersion"] {
        if let Some(v) = value.get(field).filter(|v| !v.is_string()) {
            let shown = v.to_string();
            return Err(ObjectError {
                object: ObjectRef {
                    kind: String::new(),
                    namespace: None,
                    name: String::new(),
                },
                index: None,
                errors: alloc::vec![FieldError::invalid(
                    FieldPath::new(field),
                    shown,
                    format!("{field} must be a string")
                )],
            });
        }
    }
    Object::from_value(value)
}

/// A syntax error of the YAML reader, as an issue: positioned in the stream already, with the
/// path of a repeated key.
fn syntax_issue(doc: &Document<'_>, e: yaml::Error) -> ManifestIssue {
    let path = e.path.map(|steps| {
        steps.iter().fold(FieldPath::root(), |path, step| match step {
            yaml::Step::Key(k) => locate::child_path(&path, k),
            yaml::Step::Index(i) => path.index(*i),
        })
    });
    let (line, column) = e.pos.pair();
    ManifestIssue {
        doc: doc.index,
        line,
        column,
        object: None,
        path,
        kind: IssueKind::Syntax,
        message: e.message,
    }
}
